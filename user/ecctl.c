// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: administer dm-ec volumes.
 *
 * Volumes are created, removed and reloaded through libdevmapper; queries,
 * actions and events go through the "dm_ec" generic netlink family
 * (include/uapi/linux/dm-ec.h); examine and recover read the members
 * directly and need no kernel module. See Documentation/ecctl.8.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <endian.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <libdevmapper.h>

#include "uapi/linux/dm-ec.h"
#include "uapi/linux/dm-ec-format.h"
#include "libec.h"

#define EXIT_USAGE	2
#define EXIT_DEGRADED	3
#define EXIT_LOST	4

#define DATA_OFFSET	DM_EC_DATA_OFFSET	/* sectors */
#define MAX_N		DM_EC_MAX_MEMBERS

static const char *prog = "ecctl";

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

/* Bits 0..n-1: the members of a volume of n <= 32 members. */
static uint32_t member_mask(unsigned int n)
{
	return n >= 32 ? UINT32_MAX : (1U << n) - 1;
}

/*
 * A decimal number: digits only (no sign, no white space), no overflow.
 * *end is what follows the digits; NULL: nothing may follow.
 */
static int parse_num(const char *s, char **end, unsigned long long max,
		     unsigned long long *out)
{
	unsigned long long v;
	char *e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno || v > max || (!end && *e))
		return -1;
	if (end)
		*end = e;
	*out = v;
	return 0;
}

/* A device path goes into a table line as one word. */
static bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

static const char *const action_names[] = {
	[DM_EC_ACTION_IDLE] = "idle",
	[DM_EC_ACTION_FROZEN] = "frozen",
	[DM_EC_ACTION_RESYNC] = "resync",
	[DM_EC_ACTION_REBUILD] = "rebuild",
	[DM_EC_ACTION_CHECK] = "check",
	[DM_EC_ACTION_REPAIR] = "repair",
};

static const char *action_name(unsigned int a)
{
	return a <= DM_EC_ACTION_MAX ? action_names[a] : "unknown";
}

static const char *const result_names[] = {
	[DM_EC_RESULT_COMPLETE] = "complete",
	[DM_EC_RESULT_ABORTED] = "aborted",
	[DM_EC_RESULT_ERROR] = "error",
};

static const char *result_name(unsigned int r)
{
	return r <= DM_EC_RESULT_MAX ? result_names[r] : "unknown";
}

static const char *const mstate_names[] = {
	[DM_EC_MSTATE_ACTIVE] = "in_sync",
	[DM_EC_MSTATE_SYNCING] = "syncing",
	[DM_EC_MSTATE_FAILED] = "failed",
	[DM_EC_MSTATE_MISSING] = "missing",
};

static const char mstate_chars[] = "AaD-";

static const char *mstate_name(unsigned int s)
{
	return s <= DM_EC_MSTATE_MAX ? mstate_names[s] : "unknown";
}

static const char *const event_names[] = {
	[DM_EC_EVENT_UNSPEC] = "unknown",
	[DM_EC_EVENT_MEMBER_FAILED] = "member_failed",
	[DM_EC_EVENT_DEGRADED] = "degraded",
	[DM_EC_EVENT_DATA_LOST] = "data_lost",
	[DM_EC_EVENT_SYNC_STARTED] = "sync_started",
	[DM_EC_EVENT_SYNC_PROGRESS] = "sync_progress",
	[DM_EC_EVENT_SYNC_FINISHED] = "sync_finished",
	[DM_EC_EVENT_MEMBER_IN_SYNC] = "member_in_sync",
};

static void uuid_str(const uint8_t *u, char *out)
{
	static const int dash[] = { 4, 6, 8, 10 };
	int i, j = 0, d = 0;

	for (i = 0; i < 16; i++) {
		if (d < 4 && i == dash[d]) {
			out[j++] = '-';
			d++;
		}
		j += sprintf(out + j, "%02x", u[i]);
	}
	out[j] = '\0';
}

/* The kernel's dev_t: (major << 20) | minor. */
static unsigned int kdev_major(uint32_t d) { return d >> 20; }
static unsigned int kdev_minor(uint32_t d) { return d & 0xfffff; }

/* A device node path for major:minor ("/dev/mapper/x", "/dev/ram0"). */
static void dev_path(unsigned int maj, unsigned int min, char *out, size_t len)
{
	char p[128], buf[256];
	FILE *f;

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/dm/name", maj, min);
	f = fopen(p, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = '\0';
			fclose(f);
			snprintf(out, len, "/dev/mapper/%s", buf);
			return;
		}
		fclose(f);
	}
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/uevent", maj, min);
	f = fopen(p, "r");
	if (f) {
		while (fgets(buf, sizeof(buf), f)) {
			if (!strncmp(buf, "DEVNAME=", 8)) {
				buf[strcspn(buf, "\n")] = '\0';
				fclose(f);
				snprintf(out, len, "/dev/%s", buf + 8);
				return;
			}
		}
		fclose(f);
	}
	snprintf(out, len, "%u:%u", maj, min);
}

static void human_size(uint64_t bytes, char *out, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%" PRIu64 " B", bytes);
	else
		snprintf(out, len, "%.1f %s", v, units[u]);
}

static void fmt_duration(double s, char *out, size_t len)
{
	unsigned long t;

	/* NaN, negative or absurd (a rate of almost nothing): clamp. */
	if (!(s >= 0))
		s = 0;
	if (s > 1e9)
		s = 1e9;
	t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, len, "%lu:%02lu", t / 60, t % 60);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fmt_time(uint64_t secs, char *out, size_t len)
{
	time_t t = secs;
	struct tm tm;

	/* A time from disk may be beyond what struct tm can hold. */
	if (secs > INT64_MAX || !gmtime_r(&t, &tm) ||
	    !strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, len, "@%" PRIu64, secs);
}

/*
 * Length of the UTF-8 sequence at s if it is valid (shortest form, no
 * surrogates, at most U+10FFFF), else 0. *part: how many bytes make up
 * the invalid start (the maximal subpart, replaced by one U+FFFD).
 */
static unsigned int utf8_len(const unsigned char *s, unsigned int *part)
{
	unsigned int n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else {
		*part = 1;
		return 0;
	}
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi) {
			*part = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/*
 * JSON string (quotes included). Names come from the kernel, from sysfs
 * and from the command line and need not be UTF-8: what is not becomes
 * U+FFFD, so that the document always parses.
 */
static void json_str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		unsigned int n, part;

		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s++);
		} else if (*s < 0x80) {
			fputc(*s++, f);
		} else if ((n = utf8_len(s, &part))) {
			fwrite(s, 1, n, f);
			s += n;
		} else {
			fputs("\\ufffd", f);
			s += part;
		}
	}
	fputc('"', f);
}

static int block_size(const char *path, uint64_t *sectors)
{
	struct stat st;
	uint64_t bytes;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
	} else if (S_ISREG(st.st_mode)) {
		bytes = st.st_size;
	} else {
		close(fd);
		return -ENOTBLK;
	}
	close(fd);
	*sectors = bytes >> 9;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Generic netlink                                                     */

struct member_info {
	unsigned int index;
	bool has_dev;
	uint32_t dev;
	uint8_t uuid[16];
	unsigned int state;
	uint32_t read_errors, write_errors;
	char name[32];
};

struct vol_info {
	char name[DM_EC_NAME_MAX];
	uint32_t dev;
	uint8_t uuid[16];
	unsigned int k, m, n, chunk;
	uint64_t sectors;
	char codec[32];
	unsigned int action;
	uint64_t sync_done, sync_total, mismatch, hits, misses, events;
	unsigned int health, lost;
	int redundancy;		/* DM_EC_A_REDUNDANCY, -1 from an older kernel */
	uint32_t flags, rate;
	bool last_valid;
	unsigned int last_action, last_result;
	uint64_t last_time, last_mismatch, runs;
	struct member_info mem[MAX_N];
};

struct vol_list {
	struct vol_info *v;
	unsigned int nr, alloc;
	unsigned int bad;	/* replies refused as malformed */
};

static struct nl_sock *nl_sk;
static int nl_family;

struct nl_req {
	int error;		/* 0, or a negative errno from the kernel */
	int done;
	char ext_msg[256];
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
};

static int nl_open(void)
{
	int one = 1;

	if (nl_sk)
		return 0;
	nl_sk = nl_socket_alloc();
	if (!nl_sk) {
		err("cannot allocate a netlink socket");
		return -1;
	}
	if (genl_connect(nl_sk) < 0) {
		err("cannot connect to generic netlink");
		return -1;
	}
	setsockopt(nl_socket_get_fd(nl_sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_family = genl_ctrl_resolve(nl_sk, DM_EC_GENL_NAME);
	if (nl_family < 0) {
		err("generic netlink family %s not found (is the dm-ec module loaded?)",
		    DM_EC_GENL_NAME);
		return -1;
	}
	return 0;
}

static int nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nl_req *r = arg;

	if (r->parse)
		return r->parse(msg, r->arg);
	return NL_OK;
}

static int nl_finish_cb(struct nl_msg *msg, void *arg)
{
	((struct nl_req *)arg)->done = 1;
	return NL_SKIP;
}

static int nl_ack_cb(struct nl_msg *msg, void *arg)
{
	((struct nl_req *)arg)->done = 1;
	return NL_STOP;
}

/* Error with an extended ACK: the kernel's message follows the error. */
static int nl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nl_req *r = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	size_t off = sizeof(*nlh) + sizeof(*e);
	struct nlattr *a;
	int rem;

	r->error = e->error;
	r->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The request echoed back: its length is the kernel's word. */
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return NL_STOP;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	}
	if (off >= nlh->nlmsg_len)
		return NL_STOP;
	a = (struct nlattr *)((char *)nlh + off);
	rem = nlh->nlmsg_len - off;
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG) {
			snprintf(r->ext_msg, sizeof(r->ext_msg), "%.*s",
				 nla_len(a), (char *)nla_data(a));
			r->ext_msg[strcspn(r->ext_msg, "\n")] = '\0';
		}
	}
	return NL_STOP;
}

/* Send msg (consumed) and process the answers. */
static int nl_transact(struct nl_msg *msg, struct nl_req *r)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nl_valid_cb, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, nl_finish_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_ack_cb, r);
	nl_cb_err(cb, NL_CB_CUSTOM, nl_error_cb, r);
	ret = nl_send_auto(nl_sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!r->done) {
		ret = nl_recvmsgs(nl_sk, cb);
		if (ret < 0 && !r->done) {
			if (!r->error)
				r->error = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return r->error;
}

/* Report a failed request on object 'what'. */
static void nl_report(const char *what, const char *doing, struct nl_req *r)
{
	if (r->error == -ENODEV)
		err("%s: no such volume", what);
	else if (r->error == -EPERM)
		err("%s: %s: permission denied (CAP_NET_ADMIN needed)", what,
		    doing);
	else
		err("%s: %s: %s", what, doing, strerror(-r->error));
	if (r->ext_msg[0] && r->error != -ENODEV)
		fprintf(stderr, "kernel reports: %s\n", r->ext_msg);
}

static struct nl_msg *nl_new(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl_family, 0,
			 flags | NLM_F_REQUEST | NLM_F_ACK, cmd,
			 DM_EC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Replies are checked against the types and ranges of uapi/linux/dm-ec.h
 * before anything is used: sizes index fixed arrays, and a string must
 * end within its attribute.
 */
static struct nla_policy vol_policy[DM_EC_A_MAX + 1] = {
	[DM_EC_A_NAME] = { .type = NLA_STRING, .maxlen = DM_EC_NAME_MAX },
	[DM_EC_A_DEV] = { .type = NLA_U32 },
	[DM_EC_A_UUID] = { .minlen = DM_EC_UUID_LEN, .maxlen = DM_EC_UUID_LEN },
	[DM_EC_A_K] = { .type = NLA_U8 },
	[DM_EC_A_M] = { .type = NLA_U8 },
	[DM_EC_A_CHUNK_SECTORS] = { .type = NLA_U32 },
	[DM_EC_A_SECTORS] = { .type = NLA_U64 },
	[DM_EC_A_CODEC] = { .type = NLA_STRING, .maxlen = 32 },
	[DM_EC_A_SYNC_ACTION] = { .type = NLA_U8 },
	[DM_EC_A_SYNC_DONE] = { .type = NLA_U64 },
	[DM_EC_A_SYNC_TOTAL] = { .type = NLA_U64 },
	[DM_EC_A_MISMATCH_CNT] = { .type = NLA_U64 },
	[DM_EC_A_CACHE_HITS] = { .type = NLA_U64 },
	[DM_EC_A_CACHE_MISSES] = { .type = NLA_U64 },
	[DM_EC_A_HEALTH] = { .type = NLA_U8 },
	[DM_EC_A_LOST] = { .type = NLA_U8 },
	[DM_EC_A_FLAGS] = { .type = NLA_U32 },
	[DM_EC_A_MAX_REBUILD_RATE] = { .type = NLA_U32 },
	[DM_EC_A_EVENTS] = { .type = NLA_U64 },
	[DM_EC_A_LAST_ACTION] = { .type = NLA_U8 },
	[DM_EC_A_LAST_RESULT] = { .type = NLA_U8 },
	[DM_EC_A_LAST_TIME] = { .type = NLA_U64 },
	[DM_EC_A_LAST_MISMATCH] = { .type = NLA_U64 },
	[DM_EC_A_MEMBERS] = { .type = NLA_NESTED },
	[DM_EC_A_MEMBER_INDEX] = { .type = NLA_U8 },
	[DM_EC_A_EVENT] = { .type = NLA_U8 },
	[DM_EC_A_SYNC_RUNS] = { .type = NLA_U64 },
	[DM_EC_A_REDUNDANCY] = { .type = NLA_U8 },
};

static struct nla_policy member_policy[DM_EC_MEMBER_A_MAX + 1] = {
	[DM_EC_MEMBER_A_INDEX] = { .type = NLA_U8 },
	[DM_EC_MEMBER_A_DEV] = { .type = NLA_U32 },
	[DM_EC_MEMBER_A_UUID] = { .minlen = DM_EC_UUID_LEN,
				  .maxlen = DM_EC_UUID_LEN },
	[DM_EC_MEMBER_A_STATE] = { .type = NLA_U8 },
	[DM_EC_MEMBER_A_READ_ERRORS] = { .type = NLA_U32 },
	[DM_EC_MEMBER_A_WRITE_ERRORS] = { .type = NLA_U32 },
	[DM_EC_MEMBER_A_NAME] = { .type = NLA_STRING, .maxlen = 32 },
};

/*
 * Copy a string attribute: it must hold its NUL and fit in out. The
 * policy says so too, but what libnl checks differs between versions.
 */
static bool nl_str(const struct nlattr *a, char *out, size_t size)
{
	const char *d = nla_data(a);
	int n = nla_len(a);
	const char *nul = n > 0 ? memchr(d, '\0', n) : NULL;

	if (!nul || (size_t)(nul - d) >= size)
		return false;
	memcpy(out, d, nul - d + 1);
	return true;
}

/* Attributes present are of the right size: the policy checked. */
static uint64_t get_u64(struct nlattr **tb, int i)
{
	return tb[i] ? nla_get_u64(tb[i]) : 0;
}

static unsigned int get_u8(struct nlattr **tb, int i)
{
	return tb[i] ? nla_get_u8(tb[i]) : 0;
}

static uint32_t get_u32(struct nlattr **tb, int i)
{
	return tb[i] ? nla_get_u32(tb[i]) : 0;
}

/* The members of v (k and m already checked); NULL or why not. */
static const char *parse_members(struct vol_info *v, struct nlattr *nest)
{
	struct nlattr *ma[DM_EC_MEMBER_A_MAX + 1];
	uint32_t seen = 0;
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		struct member_info *mi;
		unsigned int i;

		if (nla_parse_nested(ma, DM_EC_MEMBER_A_MAX, a, member_policy) < 0)
			return "a member's attributes have the wrong type or size";
		if (!ma[DM_EC_MEMBER_A_INDEX])
			return "a member has no index";
		i = nla_get_u8(ma[DM_EC_MEMBER_A_INDEX]);
		if (i >= v->n)
			return "a member index is not below k + m";
		if (seen & (1U << i))
			return "a member index is given twice";
		seen |= 1U << i;
		mi = &v->mem[i];
		mi->index = i;
		if (ma[DM_EC_MEMBER_A_DEV]) {
			mi->has_dev = true;
			mi->dev = nla_get_u32(ma[DM_EC_MEMBER_A_DEV]);
		}
		if (ma[DM_EC_MEMBER_A_UUID])
			memcpy(mi->uuid, nla_data(ma[DM_EC_MEMBER_A_UUID]), 16);
		mi->state = get_u8(ma, DM_EC_MEMBER_A_STATE);
		mi->read_errors = get_u32(ma, DM_EC_MEMBER_A_READ_ERRORS);
		mi->write_errors = get_u32(ma, DM_EC_MEMBER_A_WRITE_ERRORS);
		if (!ma[DM_EC_MEMBER_A_NAME])
			snprintf(mi->name, sizeof(mi->name), "-");
		else if (!nl_str(ma[DM_EC_MEMBER_A_NAME], mi->name, sizeof(mi->name)))
			return "a member name is not a string of at most 31 bytes";
	}
	if (rem > 0)
		return "the member list is truncated";
	if (seen != member_mask(v->n))
		return "members are missing from the list";
	return NULL;
}

/* Check one reply and fill v from it; NULL or why it is refused. */
static const char *parse_volume_attrs(struct vol_info *v, struct nlattr **tb)
{
	const char *why;

	if (!tb[DM_EC_A_NAME] || !nl_str(tb[DM_EC_A_NAME], v->name, sizeof(v->name)))
		return "no volume name, or a name that is not a string of at most 127 bytes";
	if (!tb[DM_EC_A_K] || !tb[DM_EC_A_M] || !tb[DM_EC_A_CHUNK_SECTORS])
		return "k, m or chunk_sectors is missing";
	v->k = get_u8(tb, DM_EC_A_K);
	v->m = get_u8(tb, DM_EC_A_M);
	v->chunk = get_u32(tb, DM_EC_A_CHUNK_SECTORS);
	if (v->k < 1 || v->k > LIBEC_MAX_K || v->m < 1 || v->m > LIBEC_MAX_M ||
	    v->k + v->m > MAX_N)
		return "k or m is out of range (1 <= k, 1 <= m <= 4, k + m <= 32)";
	v->n = v->k + v->m;
	if (v->chunk < 8 || v->chunk > 8192 || (v->chunk & (v->chunk - 1)))
		return "chunk_sectors is not a power of two in 8..8192";
	v->sectors = get_u64(tb, DM_EC_A_SECTORS);
	if (v->sectors > UINT64_MAX >> 9)
		return "the volume size is out of range";
	v->health = get_u8(tb, DM_EC_A_HEALTH);
	if (v->health > DM_EC_HEALTH_MAX)
		return "the health value is unknown";
	v->dev = get_u32(tb, DM_EC_A_DEV);
	if (tb[DM_EC_A_UUID])
		memcpy(v->uuid, nla_data(tb[DM_EC_A_UUID]), 16);
	if (tb[DM_EC_A_CODEC] &&
	    !nl_str(tb[DM_EC_A_CODEC], v->codec, sizeof(v->codec)))
		return "the codec name is not a string of at most 31 bytes";
	v->action = get_u8(tb, DM_EC_A_SYNC_ACTION);
	v->sync_done = get_u64(tb, DM_EC_A_SYNC_DONE);
	v->sync_total = get_u64(tb, DM_EC_A_SYNC_TOTAL);
	v->mismatch = get_u64(tb, DM_EC_A_MISMATCH_CNT);
	v->hits = get_u64(tb, DM_EC_A_CACHE_HITS);
	v->misses = get_u64(tb, DM_EC_A_CACHE_MISSES);
	v->lost = get_u8(tb, DM_EC_A_LOST);
	v->redundancy = tb[DM_EC_A_REDUNDANCY] ? (int)get_u8(tb, DM_EC_A_REDUNDANCY) : -1;
	if (v->redundancy > (int)v->m)
		return "the redundancy is more than m";
	v->flags = get_u32(tb, DM_EC_A_FLAGS);
	v->rate = get_u32(tb, DM_EC_A_MAX_REBUILD_RATE);
	v->events = get_u64(tb, DM_EC_A_EVENTS);
	v->runs = get_u64(tb, DM_EC_A_SYNC_RUNS);
	if (tb[DM_EC_A_LAST_ACTION]) {
		v->last_valid = true;
		v->last_action = get_u8(tb, DM_EC_A_LAST_ACTION);
		v->last_result = get_u8(tb, DM_EC_A_LAST_RESULT);
		v->last_time = get_u64(tb, DM_EC_A_LAST_TIME);
		v->last_mismatch = get_u64(tb, DM_EC_A_LAST_MISMATCH);
	}
	if (!tb[DM_EC_A_MEMBERS])
		return "the member list is missing";
	why = parse_members(v, tb[DM_EC_A_MEMBERS]);
	return why;
}

static int parse_volume(struct nl_msg *msg, void *arg)
{
	struct vol_list *l = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[DM_EC_A_MAX + 1];
	const char *why = NULL;
	struct vol_info *v;

	if (!genlmsg_valid_hdr(nlh, 0) || g->cmd != DM_EC_CMD_GET_VOLUME)
		return NL_SKIP;
	if (l->nr == l->alloc) {
		unsigned int na = l->alloc ? 2 * l->alloc : 8;
		struct vol_info *nv = realloc(l->v, na * sizeof(*nv));

		if (!nv) {
			err("out of memory");
			l->bad++;
			return NL_STOP;
		}
		l->v = nv;
		l->alloc = na;
	}
	v = &l->v[l->nr];
	memset(v, 0, sizeof(*v));
	if (nla_parse(tb, DM_EC_A_MAX, genlmsg_attrdata(g, 0),
		      genlmsg_attrlen(g, 0), vol_policy) < 0)
		why = "attributes of the wrong type or size";
	else
		why = parse_volume_attrs(v, tb);
	if (why) {
		err("%s: malformed reply from the kernel: %s",
		    v->name[0] ? v->name : "volume", why);
		l->bad++;
		return NL_SKIP;
	}
	l->nr++;
	return NL_OK;
}

/* One volume by name (name != NULL) or all of them. */
static int get_volumes(const char *name, struct vol_list *l)
{
	struct nl_req r = { .parse = parse_volume, .arg = l };
	struct nl_msg *msg;

	if (nl_open())
		return -1;
	msg = nl_new(DM_EC_CMD_GET_VOLUME, name ? 0 : NLM_F_DUMP);
	if (!msg)
		return -1;
	if (name && nla_put_string(msg, DM_EC_A_NAME, name) < 0) {
		nlmsg_free(msg);
		err("%s: name too long", name);
		return -1;
	}
	if (nl_transact(msg, &r)) {
		nl_report(name ? name : "volumes", "query", &r);
		return -1;
	}
	if (l->bad)
		return -1;	/* said by parse_volume() */
	if (name && l->nr != 1) {
		err("%s: no such volume", name);
		return -1;
	}
	return 0;
}

static int get_volume(const char *name, struct vol_info *out)
{
	struct vol_list l = { 0 };

	if (get_volumes(name, &l)) {
		free(l.v);
		return -1;
	}
	*out = l.v[0];
	free(l.v);
	return 0;
}

/* A mutating request: cmd on volume name with one more attribute. */
static int nl_action(const char *name, uint8_t cmd, int attr, int type,
		     uint32_t val, const char *doing)
{
	struct nl_req r = { 0 };
	struct nl_msg *msg;

	if (nl_open())
		return -1;
	msg = nl_new(cmd, 0);
	if (!msg)
		return -1;
	nla_put_string(msg, DM_EC_A_NAME, name);
	if (type == NLA_U8)
		nla_put_u8(msg, attr, val);
	else
		nla_put_u32(msg, attr, val);
	if (nl_transact(msg, &r)) {
		nl_report(name, doing, &r);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Volume state for humans, scripts and exit codes                     */

static bool vol_rebuilding(const struct vol_info *v)
{
	return v->action == DM_EC_ACTION_REBUILD;
}

/* "healthy", "degraded", "rebuilding", "failed" */
static const char *vol_state(const struct vol_info *v)
{
	if (v->health == DM_EC_HEALTH_DATA_LOST)
		return "failed";
	if (vol_rebuilding(v))
		return "rebuilding";
	if (v->health == DM_EC_HEALTH_DEGRADED)
		return "degraded";
	return "healthy";
}

static int vol_exit(const struct vol_info *v)
{
	if (v->health == DM_EC_HEALTH_DATA_LOST)
		return EXIT_LOST;
	if (v->health == DM_EC_HEALTH_DEGRADED || vol_rebuilding(v))
		return EXIT_DEGRADED;
	return 0;
}

static double vol_percent(const struct vol_info *v)
{
	return v->sync_total ? 100.0 * v->sync_done / v->sync_total : 0;
}

static bool action_running(unsigned int a)
{
	return a != DM_EC_ACTION_IDLE && a != DM_EC_ACTION_FROZEN;
}

static void print_json_volume(FILE *f, const struct vol_info *v)
{
	char u[40], p[300], t[40];
	unsigned int i;
	bool first = true;

	uuid_str(v->uuid, u);
	fprintf(f, "{\"name\": ");
	json_str(f, v->name);
	fprintf(f, ", \"dev\": \"%u:%u\", \"uuid\": \"%s\"", kdev_major(v->dev),
		kdev_minor(v->dev), u);
	fprintf(f, ", \"k\": %u, \"m\": %u, \"chunk_sectors\": %u", v->k, v->m,
		v->chunk);
	fprintf(f, ", \"sectors\": %" PRIu64 ", \"size_bytes\": %" PRIu64,
		v->sectors, v->sectors * 512);
	fprintf(f, ", \"codec\": ");
	json_str(f, v->codec);
	fprintf(f, ", \"state\": \"%s\", \"health\": \"%s\", \"lost\": %u",
		vol_state(v),
		v->health == DM_EC_HEALTH_OK ? "ok" :
		v->health == DM_EC_HEALTH_DEGRADED ? "degraded" : "data_lost",
		v->lost);
	if (v->redundancy >= 0)
		fprintf(f, ", \"redundancy\": %d", v->redundancy);
	fprintf(f, ", \"sync_action\": \"%s\", \"sync_done\": %" PRIu64
		", \"sync_total\": %" PRIu64 ", \"sync_percent\": %.1f",
		action_name(v->action), v->sync_done, v->sync_total,
		vol_percent(v));
	fprintf(f, ", \"mismatch_cnt\": %" PRIu64, v->mismatch);
	fprintf(f, ", \"decode_cache\": {\"hits\": %" PRIu64 ", \"misses\": %"
		PRIu64 "}", v->hits, v->misses);
	fprintf(f, ", \"max_rebuild_rate\": %u, \"events\": %" PRIu64
		", \"sync_runs\": %" PRIu64, v->rate, v->events, v->runs);
	fprintf(f, ", \"flags\": [");
	if (v->flags & DM_EC_VF_SYNCED) {
		fprintf(f, "\"synced\"");
		first = false;
	}
	if (v->flags & DM_EC_VF_CLEAN) {
		fprintf(f, "%s\"clean\"", first ? "" : ", ");
		first = false;
	}
	if (v->flags & DM_EC_VF_NOSYNC)
		fprintf(f, "%s\"nosync\"", first ? "" : ", ");
	fprintf(f, "]");
	if (v->last_valid) {
		fmt_time(v->last_time, t, sizeof(t));
		fprintf(f, ", \"last_sync\": {\"action\": \"%s\", \"result\": \"%s\", "
			"\"time\": \"%s\", \"mismatch_cnt\": %" PRIu64 "}",
			action_name(v->last_action), result_name(v->last_result),
			t, v->last_mismatch);
	} else {
		fprintf(f, ", \"last_sync\": null");
	}
	fprintf(f, ", \"members\": [");
	for (i = 0; i < v->n; i++) {
		const struct member_info *mi = &v->mem[i];

		uuid_str(mi->uuid, u);
		if (mi->has_dev)
			dev_path(kdev_major(mi->dev), kdev_minor(mi->dev), p,
				 sizeof(p));
		fprintf(f, "%s{\"index\": %u, ", i ? ", " : "", i);
		if (mi->has_dev) {
			fprintf(f, "\"dev\": \"%u:%u\", \"device\": ",
				kdev_major(mi->dev), kdev_minor(mi->dev));
			json_str(f, p);
		} else {
			fprintf(f, "\"dev\": null, \"device\": null");
		}
		fprintf(f, ", \"uuid\": \"%s\", \"state\": \"%s\", \"state_char\": \"%c\""
			", \"read_errors\": %u, \"write_errors\": %u}", u,
			mstate_name(mi->state),
			mi->state <= DM_EC_MSTATE_MAX ? mstate_chars[mi->state] : '?',
			mi->read_errors, mi->write_errors);
	}
	fprintf(f, "]}");
}

/* A second sample for the rate and ETA of a running sync. */
static void vol_eta(const struct vol_info *a, const struct vol_info *b,
		    double dt, char *out, size_t len)
{
	double rate;
	char d[32];

	out[0] = '\0';
	if (!b || b->action != a->action || b->sync_done <= a->sync_done ||
	    dt <= 0)
		return;
	rate = (b->sync_done - a->sync_done) / dt;
	fmt_duration((b->sync_total - b->sync_done) / rate, d, sizeof(d));
	snprintf(out, len, ", ETA %s", d);
}

static void print_volume(const struct vol_info *v, const struct vol_info *v2,
			 double dt)
{
	char u[40], size[32], chunk[32], t[40], p[300], eta[64];
	unsigned int i;

	uuid_str(v->uuid, u);
	human_size(v->sectors * 512, size, sizeof(size));
	human_size((uint64_t)v->chunk * 512, chunk, sizeof(chunk));
	printf("%s (%u:%u)\n", v->name, kdev_major(v->dev), kdev_minor(v->dev));
	printf("         uuid: %s\n", u);
	printf("     geometry: %u+%u (k data + m parity), chunk %s, %s (%" PRIu64
	       " sectors)\n", v->k, v->m, chunk, size, v->sectors);
	printf("        codec: %s\n", v->codec);
	printf("        state: ");
	if (v->health == DM_EC_HEALTH_DATA_LOST)
		printf("failed: data lost (%u members lost, %u tolerated)\n",
		       v->lost, v->m);
	else if (vol_rebuilding(v)) {
		vol_eta(v, v2, dt, eta, sizeof(eta));
		printf("rebuilding %.1f%%%s", vol_percent(v2 ? v2 : v), eta);
		if (v->lost)
			printf(", degraded (%u of %u parity lost)", v->lost, v->m);
		printf("\n");
	} else if (v->health == DM_EC_HEALTH_DEGRADED && v->lost)
		printf("degraded (%u of %u parity lost)\n", v->lost, v->m);
	else if (v->health == DM_EC_HEALTH_DEGRADED)
		printf("degraded (not yet in sync: %d of %u members may fail)\n",
		       v->redundancy < 0 ? 0 : v->redundancy, v->m);
	else
		printf("healthy\n");
	printf("       action: %s", action_name(v->action));
	if (action_running(v->action)) {
		vol_eta(v, v2, dt, eta, sizeof(eta));
		printf(" %.1f%% (%" PRIu64 "/%" PRIu64 " sectors)%s",
		       vol_percent(v2 ? v2 : v), v->sync_done, v->sync_total, eta);
	}
	printf("\n");
	if (v->last_valid) {
		fmt_time(v->last_time, t, sizeof(t));
		printf("     last run: %s %s at %s", action_name(v->last_action),
		       result_name(v->last_result), t);
		if (v->last_action == DM_EC_ACTION_CHECK ||
		    v->last_action == DM_EC_ACTION_REPAIR)
			printf(", %" PRIu64 " mismatched sectors", v->last_mismatch);
		printf("\n");
	} else {
		printf("     last run: none since activation\n");
	}
	printf("   last scrub: %" PRIu64 " mismatched sectors\n", v->mismatch);
	printf(" decode cache: %" PRIu64 " hits, %" PRIu64 " misses\n", v->hits,
	       v->misses);
	if (v->rate)
		printf(" rebuild rate: %u KiB/s max\n", v->rate);
	printf("\n  %-5s %-24s %-8s %6s %6s  %s\n", "index", "device", "state",
	       "rerr", "werr", "uuid");
	for (i = 0; i < v->n; i++) {
		const struct member_info *mi = &v->mem[i];

		uuid_str(mi->uuid, u);
		if (mi->has_dev)
			dev_path(kdev_major(mi->dev), kdev_minor(mi->dev), p,
				 sizeof(p));
		else
			snprintf(p, sizeof(p), "-");
		printf("  %-5u %-24s %-8s %6u %6u  %s\n", i, p,
		       mstate_name(mi->state), mi->read_errors,
		       mi->write_errors, u);
	}
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct cmd *cur_cmd;

static int usage_cmd(const struct cmd *c, FILE *f)
{
	fprintf(f, "usage: %s %s %s\n  %s\n", prog, c->name, c->args, c->help);
	return EXIT_USAGE;
}

static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", prog, cur_cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return usage_cmd(cur_cmd, stderr);
}

enum { OPT_JSON = 256, OPT_NOSYNC, OPT_WAIT, OPT_REPAIR, OPT_HELP };

/*
 * getopt_long over a subcommand's arguments: returns the option, -1 at
 * the end, or OPT_HELP / '?' which the caller turns into usage.
 */
static int next_opt(int argc, char **argv, const char *sopts,
		    const struct option *lopts)
{
	return getopt_long(argc, argv, sopts, lopts, NULL);
}

#define HELP_OPT { "help", no_argument, NULL, 'h' }

/*
 * A size: a number with suffix s (sectors), K or M (KiB, MiB; also KB,
 * KiB, MB, MiB, any case) or none (KiB), in sectors up to UINT32_MAX.
 * The range is checked before multiplying.
 */
static int parse_size_sectors(const char *s, unsigned int *out)
{
	unsigned long long v, mult;
	char *end;

	if (parse_num(s, &end, ULLONG_MAX, &v))
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'S':
		mult = 1;
		end++;
		break;
	case 'M':
		mult = 2048;
		end++;
		break;
	case 'K':
		end++;
		/* fall through */
	case '\0':
		mult = 2;
		break;
	default:
		return -1;
	}
	if (mult > 1 && end[-1] && isalpha((unsigned char)end[-1])) {
		if (toupper((unsigned char)*end) == 'I' &&
		    toupper((unsigned char)end[1]) == 'B')
			end += 2;
		else if (toupper((unsigned char)*end) == 'B')
			end++;
	}
	if (*end || v > UINT32_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

/* dm task helpers */
static int dm_run(struct dm_task *dmt, bool udev)
{
	uint32_t cookie = 0;
	int ok;

	if (udev && !dm_task_set_cookie(dmt, &cookie, 0))
		return -1;
	ok = dm_task_run(dmt);
	if (udev)
		dm_udev_wait(cookie);
	return ok ? 0 : -1;
}

/* Is there a dm device of this name; is it an ec volume (table in params)? */
static int dm_get_table(const char *name, uint64_t *len, char *params,
			size_t plen, bool *is_ec)
{
	struct dm_task *dmt;
	struct dm_info info;
	uint64_t start, length;
	char *type = NULL, *par = NULL;
	int ret = -1;

	*is_ec = false;
	dmt = dm_task_create(DM_DEVICE_INFO);
	if (!dmt)
		return -1;
	if (!dm_task_set_name(dmt, name) || !dm_task_run(dmt) ||
	    !dm_task_get_info(dmt, &info)) {
		dm_task_destroy(dmt);
		return -1;
	}
	dm_task_destroy(dmt);
	if (!info.exists)
		return -ENOENT;
	dmt = dm_task_create(DM_DEVICE_TABLE);
	if (!dmt)
		return -1;
	if (!dm_task_set_name(dmt, name) || !dm_task_run(dmt) ||
	    !dm_task_get_info(dmt, &info)) {
		dm_task_destroy(dmt);
		return -1;
	}
	if (!info.exists) {
		dm_task_destroy(dmt);
		return -ENOENT;
	}
	/* One target, "ec", whose line fits: anything else is not ours. */
	if (!dm_get_next_target(dmt, NULL, &start, &length, &type, &par) &&
	    type && !strcmp(type, "ec") && par && strlen(par) < plen) {
		*is_ec = true;
		*len = length;
		snprintf(params, plen, "%s", par);
	}
	ret = 0;
	dm_task_destroy(dmt);
	return ret;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "chunk", required_argument, NULL, 'c' },
		{ "nosync", no_argument, NULL, OPT_NOSYNC },
		HELP_OPT, { 0 }
	};
	unsigned int k = 10, m = 4, chunk = 8192, i, ndev;
	bool nosync = false, is_ec;
	uint64_t min = 0, len, sz;
	char params[8192], dummy[16];
	const char *name;
	struct dm_task *dmt;
	size_t o;
	int c;

	while ((c = next_opt(argc, argv, "k:m:c:h", lo)) != -1) {
		unsigned long long v;

		switch (c) {
		case 'k':
			if (parse_num(optarg, NULL, LIBEC_MAX_K, &v) || v < 1)
				return usage_err("-k %s: not a number in 1..%u",
						 optarg, LIBEC_MAX_K);
			k = v;
			break;
		case 'm':
			if (parse_num(optarg, NULL, LIBEC_MAX_M, &v) || v < 1)
				return usage_err("-m %s: not a number in 1..%u",
						 optarg, LIBEC_MAX_M);
			m = v;
			break;
		case 'c':
			if (parse_size_sectors(optarg, &chunk) ||
			    chunk < 8 || chunk > 8192 || (chunk & (chunk - 1)))
				return usage_err("--chunk %s: not a power of two from 4K to 4M",
						 optarg);
			break;
		case OPT_NOSYNC:
			nosync = true;
			break;
		case 'h':
			return usage_cmd(cur_cmd, stdout), 0;
		default:
			return usage_cmd(cur_cmd, stderr);
		}
	}
	if (argc - optind < 2)
		return usage_err("a name and k+m member devices are needed");
	name = argv[optind++];
	ndev = argc - optind;
	if (k + m > LIBEC_MAX_N)
		return usage_err("k + m = %u is more than %u", k + m, LIBEC_MAX_N);
	if (ndev != k + m)
		return usage_err("%u devices given, k + m = %u needed", ndev, k + m);
	if (strlen(name) >= DM_EC_NAME_MAX || strchr(name, '/'))
		return usage_err("%s: not a valid device-mapper name", name);
	for (i = 0; i < ndev; i++)
		if (has_space(argv[optind + i]))
			return usage_err("'%s': a device path with white space cannot go in a table line",
					 argv[optind + i]);

	for (i = 0; i < ndev; i++) {
		const char *d = argv[optind + i];
		int e;

		if (!strcmp(d, "-"))
			continue;
		e = block_size(d, &sz);
		if (e) {
			err("%s: %s", d, strerror(-e));
			return 1;
		}
		if (sz < DATA_OFFSET + chunk) {
			err("%s: too small: %" PRIu64 " sectors, at least %u needed",
			    d, sz, DATA_OFFSET + chunk);
			return 1;
		}
		if (!min || sz < min)
			min = sz;
	}
	if (!min) {
		err("%s: no member device is present", name);
		return 1;
	}
	len = (uint64_t)k * ((min - DATA_OFFSET) / chunk * chunk);

	if (dm_get_table(name, &sz, dummy, sizeof(dummy), &is_ec) == 0) {
		err("%s: a device-mapper device of that name exists", name);
		return 1;
	}
	o = snprintf(params, sizeof(params), "%u %u %u %u%s", k, m, chunk,
		     nosync ? 1 : 0, nosync ? " nosync" : "");
	for (i = 0; i < ndev && o < sizeof(params); i++)
		o += snprintf(params + o, sizeof(params) - o, " %s",
			      argv[optind + i]);
	if (o >= sizeof(params)) {
		err("%s: table line too long", name);
		return 1;
	}
	dmt = dm_task_create(DM_DEVICE_CREATE);
	if (!dmt || !dm_task_set_name(dmt, name) ||
	    !dm_task_add_target(dmt, 0, len, "ec", params) || dm_run(dmt, true)) {
		err("%s: cannot create the volume (the kernel log says why)", name);
		if (dmt)
			dm_task_destroy(dmt);
		return 1;
	}
	dm_task_destroy(dmt);
	printf("%s: created, %u+%u, chunk %u sectors, %" PRIu64 " sectors\n",
	       name, k, m, chunk, len);
	return 0;
}

static int check_ec(const char *name, uint64_t *len, char *params, size_t plen)
{
	bool is_ec;
	int r = dm_get_table(name, len, params, plen, &is_ec);

	if (r == -ENOENT) {
		err("%s: no such volume", name);
		return -1;
	}
	if (r) {
		err("%s: cannot read the device-mapper table", name);
		return -1;
	}
	if (!is_ec) {
		err("%s: not a dm-ec volume", name);
		return -1;
	}
	return 0;
}

static int cmd_remove(int argc, char **argv)
{
	static const struct option lo[] = { HELP_OPT, { 0 } };
	struct dm_task *dmt;
	char params[8192];
	const char *name;
	uint64_t len;
	int c;

	while ((c = next_opt(argc, argv, "h", lo)) != -1)
		return c == 'h' ? (usage_cmd(cur_cmd, stdout), 0) :
				  usage_cmd(cur_cmd, stderr);
	if (argc - optind != 1)
		return usage_err("one volume name is needed");
	name = argv[optind];
	if (check_ec(name, &len, params, sizeof(params)))
		return 1;
	dmt = dm_task_create(DM_DEVICE_REMOVE);
	if (!dmt || !dm_task_set_name(dmt, name) || dm_run(dmt, true)) {
		err("%s: cannot remove the volume (in use?)", name);
		if (dmt)
			dm_task_destroy(dmt);
		return 1;
	}
	dm_task_destroy(dmt);
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, OPT_JSON }, HELP_OPT, { 0 }
	};
	struct vol_list l = { 0 }, l2 = { 0 };
	bool json = false, running = false;
	const char *name = NULL;
	int c, rc = 0, e;
	unsigned int i;
	double t0 = 0, dt = 0;

	while ((c = next_opt(argc, argv, "h", lo)) != -1) {
		if (c == OPT_JSON)
			json = true;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (argc - optind > 1)
		return usage_err("at most one volume name");
	if (optind < argc)
		name = argv[optind];
	if (get_volumes(name, &l))
		return 1;
	for (i = 0; i < l.nr; i++)
		running |= action_running(l.v[i].action);
	/* A second look for the rate and ETA of running work. */
	if (running && !json) {
		t0 = now_s();
		usleep(500000);
		if (get_volumes(name, &l2) || l2.nr != l.nr) {
			free(l2.v);
			l2.v = NULL;
			l2.nr = 0;
		}
		dt = now_s() - t0;
	}
	if (json && name) {
		print_json_volume(stdout, &l.v[0]);
		printf("\n");
	} else if (json) {
		printf("{\"volumes\": [");
		for (i = 0; i < l.nr; i++) {
			printf("%s", i ? ", " : "");
			print_json_volume(stdout, &l.v[i]);
		}
		printf("]}\n");
	} else {
		for (i = 0; i < l.nr; i++) {
			const struct vol_info *v2 = NULL;

			if (l2.nr == l.nr && !strcmp(l2.v[i].name, l.v[i].name))
				v2 = &l2.v[i];
			if (i)
				printf("\n");
			print_volume(&l.v[i], v2, dt);
		}
		if (!l.nr && !name)
			printf("no dm-ec volumes\n");
	}
	for (i = 0; i < l.nr; i++) {
		e = vol_exit(&l.v[i]);
		if (e > rc)
			rc = e;
	}
	free(l.v);
	free(l2.v);
	return rc;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, OPT_JSON }, HELP_OPT, { 0 }
	};
	struct vol_list l = { 0 };
	bool json = false;
	unsigned int i, j;
	int c;

	while ((c = next_opt(argc, argv, "h", lo)) != -1) {
		if (c == OPT_JSON)
			json = true;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (optind != argc)
		return usage_err("no arguments expected");
	if (get_volumes(NULL, &l))
		return 1;
	if (json)
		printf("{\"volumes\": [");
	else if (l.nr)
		printf("%-20s %-9s %-6s %12s  %-10s %s\n", "NAME", "DEV", "K+M",
		       "SIZE", "STATE", "HEALTH");
	for (i = 0; i < l.nr; i++) {
		const struct vol_info *v = &l.v[i];
		char size[32], geo[16], dev[24], health[MAX_N + 1];

		for (j = 0; j < v->n; j++)
			health[j] = v->mem[j].state <= DM_EC_MSTATE_MAX ?
				    mstate_chars[v->mem[j].state] : '?';
		health[v->n] = '\0';
		snprintf(dev, sizeof(dev), "%u:%u", kdev_major(v->dev),
			 kdev_minor(v->dev));
		if (json) {
			printf("%s{\"name\": ", i ? ", " : "");
			json_str(stdout, v->name);
			printf(", \"dev\": \"%s\", \"k\": %u, \"m\": %u, \"sectors\": %"
			       PRIu64 ", \"state\": \"%s\", \"health\": \"%s\", "
			       "\"sync_action\": \"%s\"}", dev, v->k, v->m,
			       v->sectors, vol_state(v), health,
			       action_name(v->action));
			continue;
		}
		human_size(v->sectors * 512, size, sizeof(size));
		snprintf(geo, sizeof(geo), "%u+%u", v->k, v->m);
		printf("%-20s %-9s %-6s %12s  %-10s %s\n", v->name, dev, geo, size,
		       vol_state(v), health);
	}
	if (json)
		printf("]}\n");
	free(l.v);
	return 0;
}

/* ---- monitor ---- */

static bool mon_json;

static int mon_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[DM_EC_A_MAX + 1];
	char ts[64], tz[40], name[DM_EC_NAME_MAX] = "?";
	unsigned int ev, dev;
	struct timespec now;
	struct tm tm;
	const char *evn;

	if (!genlmsg_valid_hdr(nlh, 0) || g->cmd != DM_EC_CMD_EVENT)
		return NL_SKIP;
	if (nla_parse(tb, DM_EC_A_MAX, genlmsg_attrdata(g, 0),
		      genlmsg_attrlen(g, 0), vol_policy) < 0 ||
	    (tb[DM_EC_A_NAME] && !nl_str(tb[DM_EC_A_NAME], name, sizeof(name)))) {
		err("malformed event from the kernel (ignored)");
		return NL_SKIP;
	}
	ev = get_u8(tb, DM_EC_A_EVENT);
	evn = ev <= DM_EC_EVENT_MAX ? event_names[ev] : "unknown";
	dev = get_u32(tb, DM_EC_A_DEV);
	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(tz, sizeof(tz), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, sizeof(ts), "%s.%03ld", tz, now.tv_nsec / 1000000);

	if (mon_json) {
		printf("{\"time\": \"%s\", \"event\": \"%s\", \"volume\": ", ts, evn);
		json_str(stdout, name);
		printf(", \"dev\": \"%u:%u\"", kdev_major(dev), kdev_minor(dev));
		if (tb[DM_EC_A_MEMBER_INDEX])
			printf(", \"member\": %u", get_u8(tb, DM_EC_A_MEMBER_INDEX));
		if (tb[DM_EC_A_LOST])
			printf(", \"lost\": %u, \"m\": %u", get_u8(tb, DM_EC_A_LOST),
			       get_u8(tb, DM_EC_A_M));
		if (tb[DM_EC_A_SYNC_ACTION])
			printf(", \"action\": \"%s\", \"sync_done\": %" PRIu64
			       ", \"sync_total\": %" PRIu64,
			       action_name(get_u8(tb, DM_EC_A_SYNC_ACTION)),
			       get_u64(tb, DM_EC_A_SYNC_DONE),
			       get_u64(tb, DM_EC_A_SYNC_TOTAL));
		if (tb[DM_EC_A_MISMATCH_CNT])
			printf(", \"mismatch_cnt\": %" PRIu64,
			       get_u64(tb, DM_EC_A_MISMATCH_CNT));
		if (tb[DM_EC_A_LAST_RESULT])
			printf(", \"result\": \"%s\"",
			       result_name(get_u8(tb, DM_EC_A_LAST_RESULT)));
		printf("}\n");
	} else {
		printf("%s %s %s", ts, name, evn);
		if (tb[DM_EC_A_MEMBER_INDEX])
			printf(" member=%u", get_u8(tb, DM_EC_A_MEMBER_INDEX));
		if (tb[DM_EC_A_SYNC_ACTION]) {
			uint64_t d = get_u64(tb, DM_EC_A_SYNC_DONE);
			uint64_t t = get_u64(tb, DM_EC_A_SYNC_TOTAL);

			printf(" action=%s progress=%.1f%%",
			       action_name(get_u8(tb, DM_EC_A_SYNC_ACTION)),
			       t ? 100.0 * d / t : 0.0);
		}
		if (tb[DM_EC_A_LAST_RESULT])
			printf(" result=%s",
			       result_name(get_u8(tb, DM_EC_A_LAST_RESULT)));
		if (tb[DM_EC_A_MISMATCH_CNT])
			printf(" mismatches=%" PRIu64,
			       get_u64(tb, DM_EC_A_MISMATCH_CNT));
		if (tb[DM_EC_A_LOST] && ev != DM_EC_EVENT_SYNC_PROGRESS &&
		    ev != DM_EC_EVENT_SYNC_STARTED && ev != DM_EC_EVENT_SYNC_FINISHED)
			printf(" lost=%u/%u", get_u8(tb, DM_EC_A_LOST),
			       get_u8(tb, DM_EC_A_M));
		printf("\n");
	}
	fflush(stdout);
	return NL_OK;
}

static void mon_signal(int sig)
{
	fflush(stdout);
	_exit(0);
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, OPT_JSON }, HELP_OPT, { 0 }
	};
	int c, grp, ret;

	while ((c = next_opt(argc, argv, "h", lo)) != -1) {
		if (c == OPT_JSON)
			mon_json = true;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (optind != argc)
		return usage_err("no arguments expected");
	if (nl_open())
		return 1;
	grp = genl_ctrl_resolve_grp(nl_sk, DM_EC_GENL_NAME, DM_EC_MCGRP_EVENTS);
	if (grp < 0) {
		err("multicast group %s of %s not found", DM_EC_MCGRP_EVENTS,
		    DM_EC_GENL_NAME);
		return 1;
	}
	if (nl_socket_add_membership(nl_sk, grp) < 0) {
		err("cannot join multicast group %s", DM_EC_MCGRP_EVENTS);
		return 1;
	}
	nl_socket_disable_seq_check(nl_sk);
	nl_socket_modify_cb(nl_sk, NL_CB_VALID, NL_CB_CUSTOM, mon_cb, NULL);
	signal(SIGINT, mon_signal);
	signal(SIGTERM, mon_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mon_json)
		fprintf(stderr, "%s: following dm-ec events, ^C to stop\n", prog);
	for (;;) {
		ret = nl_recvmsgs_default(nl_sk);
		if (ret < 0 && ret != -NLE_AGAIN && ret != -NLE_INTR) {
			err("receiving events: %s", nl_geterror(ret));
			return 1;
		}
	}
	return 0;
}

/* ---- waiting with a progress bar ---- */

/*
 * Wait until the volume's background work that 'done' describes has
 * ended. kind: "rebuild" waits for no member syncing and no rebuild;
 * "check"/"repair" for the scrub to finish.
 */
static int wait_sync(const char *name, const char *kind, uint64_t runs0)
{
	bool tty = isatty(STDOUT_FILENO), seen = false;
	double t0 = now_s(), tl = t0, last_print = 0;
	uint64_t d0 = 0, dl = 0;
	unsigned int last_act = ~0u;
	struct vol_info v;
	double rate = 0;

	for (;;) {
		bool syncing = false, running;
		unsigned int i;
		double t;

		if (get_volume(name, &v))
			return 1;
		t = now_s();
		for (i = 0; i < v.n; i++)
			if (v.mem[i].state == DM_EC_MSTATE_SYNCING)
				syncing = true;
		running = action_running(v.action);
		if (running && v.action != last_act) {
			last_act = v.action;
			d0 = dl = v.sync_done;
			t0 = tl = t;
			rate = 0;
		}
		if (running)
			seen = true;
		if (v.health == DM_EC_HEALTH_DATA_LOST) {
			if (tty)
				printf("\n");
			err("%s: data lost: %u members lost", name, v.lost);
			return 1;
		}
		if (!strcmp(kind, "rebuild")) {
			if (!running && !syncing)
				break;
			if (v.action == DM_EC_ACTION_FROZEN) {
				if (tty)
					printf("\n");
				err("%s: background work is frozen (ecctl rebuild resumes it)",
				    name);
				return 1;
			}
		} else if (!running && v.runs > runs0 && v.last_valid &&
			   !strcmp(action_name(v.last_action), kind)) {
			break;
		}
		if (running && t > tl + 0.2 && v.sync_done > dl) {
			double r = (v.sync_done - dl) * 512.0 / (t - tl);

			rate = rate ? 0.7 * rate + 0.3 * r : r;
			dl = v.sync_done;
			tl = t;
		}
		if (running && (tty || t - last_print >= 2)) {
			double pct = vol_percent(&v);
			char rs[32], eta[32] = "--:--";
			int bar = 30, fill = (int)(pct * bar / 100), j;

			human_size(rate, rs, sizeof(rs));
			if (rate > 0)
				fmt_duration((v.sync_total - v.sync_done) * 512.0 / rate,
					     eta, sizeof(eta));
			if (tty) {
				printf("\r%s: %-7s [", name, action_name(v.action));
				for (j = 0; j < bar; j++)
					putchar(j < fill ? '#' : '-');
				printf("] %5.1f%% %10s/s ETA %s  ", pct, rs, eta);
			} else {
				printf("%s: %s %.1f%% %s/s ETA %s\n", name,
				       action_name(v.action), pct, rs, eta);
			}
			fflush(stdout);
			last_print = t;
		}
		(void)d0;
		usleep(200000);
	}
	if (tty && seen)
		printf("\n");
	if (!strcmp(kind, "rebuild")) {
		printf("%s: %s\n", name, v.lost ? "rebuild done, still degraded" :
		       "all members in sync");
	} else {
		printf("%s: %s %s, %" PRIu64 " mismatched sectors\n", name,
		       action_name(v.last_valid ? v.last_action : 0),
		       v.last_valid ? result_name(v.last_result) : "finished",
		       v.last_valid ? v.last_mismatch : v.mismatch);
		if (v.last_valid && v.last_result != DM_EC_RESULT_COMPLETE)
			return 1;
	}
	return 0;
}

/* Member index from "<idx>" or a device path, given the volume. */
static int member_index(const struct vol_info *v, const char *s)
{
	unsigned long long i;
	struct stat st;
	unsigned int j;

	if (*s && strspn(s, "0123456789") == strlen(s)) {
		if (parse_num(s, NULL, v->n - 1, &i)) {
			err("%s: member index %s is out of range (0..%u)", v->name,
			    s, v->n - 1);
			return -1;
		}
		return i;
	}
	if (stat(s, &st) < 0) {
		err("%s: %s", s, strerror(errno));
		return -1;
	}
	if (!S_ISBLK(st.st_mode)) {
		err("%s: not a block device", s);
		return -1;
	}
	for (j = 0; j < v->n; j++)
		if (v->mem[j].has_dev &&
		    kdev_major(v->mem[j].dev) == major(st.st_rdev) &&
		    kdev_minor(v->mem[j].dev) == minor(st.st_rdev))
			return j;
	err("%s: %s is not a member", v->name, s);
	return -1;
}

static int cmd_fail(int argc, char **argv)
{
	static const struct option lo[] = { HELP_OPT, { 0 } };
	struct vol_info v;
	int c, idx;

	while ((c = next_opt(argc, argv, "h", lo)) != -1)
		return c == 'h' ? (usage_cmd(cur_cmd, stdout), 0) :
				  usage_cmd(cur_cmd, stderr);
	if (argc - optind != 2)
		return usage_err("a volume name and a member are needed");
	if (get_volume(argv[optind], &v))
		return 1;
	idx = member_index(&v, argv[optind + 1]);
	if (idx < 0)
		return 1;
	if (nl_action(v.name, DM_EC_CMD_FAIL_MEMBER, DM_EC_A_MEMBER_INDEX,
		      NLA_U8, idx, "fail member"))
		return 1;
	printf("%s: member %d failed\n", v.name, idx);
	return 0;
}

/* Append to buf (size bytes, *o used); false once it is full. */
static bool __attribute__((format(printf, 4, 5)))
buf_add(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= size)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *o) {
		*o = size;
		return false;
	}
	*o += n;
	return true;
}

/* A table word that must be a number in 0..max. */
static bool tok_num(const char *t, unsigned long long max, unsigned int *out)
{
	unsigned long long v;

	if (parse_num(t, NULL, max, &v))
		return false;
	*out = v;
	return true;
}

/* One dm task without a table: DM_DEVICE_SUSPEND, _RESUME, _CLEAR. */
static int dm_simple(int type, const char *name, bool udev)
{
	struct dm_task *dmt = dm_task_create(type);
	int ret = -1;

	if (dmt && dm_task_set_name(dmt, name))
		ret = dm_run(dmt, udev);
	if (dmt)
		dm_task_destroy(dmt);
	return ret;
}

static int dm_load(const char *name, uint64_t len, const char *table)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_RELOAD);
	int ret = -1;

	if (dmt && dm_task_set_name(dmt, name) &&
	    dm_task_add_target(dmt, 0, len, "ec", table))
		ret = dm_run(dmt, false);
	if (dmt)
		dm_task_destroy(dmt);
	return ret;
}

/*
 * Reload the table of 'name' with the member devices in devs[] (NULL:
 * keep) and 'rebuild <idx>' for every bit in rebuild; other rebuild
 * options are kept only for members still syncing. The table read back
 * from the kernel is parsed strictly; if the new table does not resume,
 * the previous one is loaded and resumed again.
 */
static int reload(const struct vol_info *v, char **devs, unsigned long rebuild)
{
	char params[8192], orig[8192], out[8192], *tok[128 + MAX_N], *save = NULL, *p;
	unsigned int ntok = 0, nopt, i, j, k, m, chunk, no = 0;
	char opts[1024] = "";
	uint64_t len;
	size_t o = 0;

	if (check_ec(v->name, &len, params, sizeof(params)))
		return -1;
	memcpy(orig, params, sizeof(orig));
	for (p = strtok_r(params, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		if (ntok == sizeof(tok) / sizeof(tok[0])) {
			err("%s: cannot parse the table: more than %zu words", v->name,
			    sizeof(tok) / sizeof(tok[0]));
			return -1;
		}
		tok[ntok++] = p;
	}
	if (ntok < 4 || !tok_num(tok[0], LIBEC_MAX_K, &k) ||
	    !tok_num(tok[1], LIBEC_MAX_M, &m) || !tok_num(tok[2], 8192, &chunk) ||
	    !tok_num(tok[3], ntok - 4, &nopt) || k < 1 || m < 1 ||
	    4 + nopt + k + m != ntok || k + m != v->n) {
		err("%s: cannot parse the table", v->name);
		return -1;
	}
	for (i = 4; i < 4 + nopt; i++) {
		if (!strcmp(tok[i], "rebuild") && i + 1 < 4 + nopt) {
			if (tok_num(tok[i + 1], v->n - 1, &j) &&
			    v->mem[j].state == DM_EC_MSTATE_SYNCING)
				rebuild |= 1UL << j;
			i++;
			continue;
		}
		if (!strcmp(tok[i], "max_rebuild_rate") ||
		    !strcmp(tok[i], "region_size")) {
			if (i + 1 >= 4 + nopt)
				break;
			buf_add(opts, sizeof(opts), &o, " %s %s", tok[i], tok[i + 1]);
			i++;
			no += 2;
			continue;
		}
		buf_add(opts, sizeof(opts), &o, " %s", tok[i]);
		no++;
	}
	for (j = 0; j < v->n; j++) {
		if (rebuild & (1UL << j)) {
			buf_add(opts, sizeof(opts), &o, " rebuild %u", j);
			no += 2;
		}
	}
	if (o >= sizeof(opts)) {
		err("%s: table line too long (options)", v->name);
		return -1;
	}
	o = 0;
	buf_add(out, sizeof(out), &o, "%u %u %u %u%s", k, m, chunk, no, opts);
	for (j = 0; j < v->n; j++) {
		const char *d = devs && devs[j] ? devs[j] : tok[4 + nopt + j];

		if (has_space(d)) {
			err("'%s': a device path with white space cannot go in a table line",
			    d);
			return -1;
		}
		buf_add(out, sizeof(out), &o, " %s", d);
	}
	if (o >= sizeof(out)) {
		err("%s: table line too long", v->name);
		return -1;
	}

	if (dm_load(v->name, len, out)) {
		err("%s: cannot load the new table (the kernel log says why)",
		    v->name);
		return -1;
	}
	if (dm_simple(DM_DEVICE_SUSPEND, v->name, false)) {
		err("%s: cannot suspend the volume", v->name);
		/* Drop the inactive table again. */
		dm_simple(DM_DEVICE_CLEAR, v->name, false);
		return -1;
	}
	if (dm_simple(DM_DEVICE_RESUME, v->name, true)) {
		err("%s: cannot resume the volume with the new table (the kernel log says why)",
		    v->name);
		/* Never leave it suspended: back to the table it had. */
		if (dm_load(v->name, len, orig) ||
		    dm_simple(DM_DEVICE_RESUME, v->name, true)) {
			err("%s: the volume is left suspended: its previous table did not resume either",
			    v->name);
			return -1;
		}
		err("%s: the previous table is live again; nothing was replaced",
		    v->name);
		return -1;
	}
	return 0;
}

static int cmd_replace(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "wait", no_argument, NULL, OPT_WAIT }, HELP_OPT, { 0 }
	};
	char *devs[MAX_N] = { 0 };
	bool wait = false;
	struct vol_info v;
	uint64_t sz, t;
	int c, idx, e;

	while ((c = next_opt(argc, argv, "h", lo)) != -1) {
		if (c == OPT_WAIT)
			wait = true;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (argc - optind != 3)
		return usage_err("a volume name, a member and a new device are needed");
	if (get_volume(argv[optind], &v))
		return 1;
	idx = member_index(&v, argv[optind + 1]);
	if (idx < 0)
		return 1;
	e = block_size(argv[optind + 2], &sz);
	if (e) {
		err("%s: %s", argv[optind + 2], strerror(-e));
		return 1;
	}
	devs[idx] = argv[optind + 2];
	t = v.runs;
	if (reload(&v, devs, 1UL << idx))
		return 1;
	printf("%s: member %d replaced by %s, rebuilding\n", v.name, idx,
	       argv[optind + 2]);
	return wait ? wait_sync(v.name, "rebuild", t) : 0;
}

static int cmd_rebuild(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "wait", no_argument, NULL, OPT_WAIT }, HELP_OPT, { 0 }
	};
	unsigned long readd = 0;
	bool wait = false, syncing = false;
	struct vol_info v;
	unsigned int i;
	int c;

	while ((c = next_opt(argc, argv, "h", lo)) != -1) {
		if (c == OPT_WAIT)
			wait = true;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (argc - optind != 1)
		return usage_err("one volume name is needed");
	if (get_volume(argv[optind], &v))
		return 1;
	for (i = 0; i < v.n; i++) {
		if (v.mem[i].state == DM_EC_MSTATE_FAILED && v.mem[i].has_dev)
			readd |= 1UL << i;
		if (v.mem[i].state == DM_EC_MSTATE_SYNCING)
			syncing = true;
	}
	if (readd) {
		/* Failed members still in the table: add them back, rebuilt. */
		if (reload(&v, NULL, readd))
			return 1;
		for (i = 0; i < v.n; i++)
			if (readd & (1UL << i))
				printf("%s: member %u re-added, rebuilding\n",
				       v.name, i);
	} else if (v.action == DM_EC_ACTION_FROZEN) {
		if (nl_action(v.name, DM_EC_CMD_SET_ACTION, DM_EC_A_SYNC_ACTION,
			      NLA_U8, DM_EC_ACTION_IDLE, "resume background work"))
			return 1;
	} else if (!syncing && v.action != DM_EC_ACTION_REBUILD) {
		printf("%s: nothing to rebuild\n", v.name);
		return 0;
	}
	return wait ? wait_sync(v.name, "rebuild", v.runs) : 0;
}

static int cmd_scrub(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "repair", no_argument, NULL, OPT_REPAIR },
		{ "wait", no_argument, NULL, OPT_WAIT }, HELP_OPT, { 0 }
	};
	bool wait = false, repair = false;
	struct vol_info v;
	const char *name;
	uint64_t t;
	int c;

	while ((c = next_opt(argc, argv, "h", lo)) != -1) {
		if (c == OPT_WAIT)
			wait = true;
		else if (c == OPT_REPAIR)
			repair = true;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (argc - optind != 1)
		return usage_err("one volume name is needed");
	name = argv[optind];
	if (get_volume(name, &v))
		return 1;
	t = v.runs;
	if (nl_action(name, DM_EC_CMD_SET_ACTION, DM_EC_A_SYNC_ACTION, NLA_U8,
		      repair ? DM_EC_ACTION_REPAIR : DM_EC_ACTION_CHECK,
		      repair ? "start repair" : "start check"))
		return 1;
	if (!wait) {
		printf("%s: %s started\n", name, repair ? "repair" : "check");
		return 0;
	}
	return wait_sync(name, repair ? "repair" : "check", t);
}

/* ---- examine and recover: superblocks read directly ---- */

struct sb_read {
	struct dm_ec_sb sb;
	bool valid;
	const char *why;
	char whybuf[112];
};

static uint32_t sb_crc(const struct dm_ec_sb *sb)
{
	return libec_crc32c(0, sb, offsetof(struct dm_ec_sb, crc));
}

/*
 * Nothing read from a member is trusted: every field that sizes, indexes
 * or places anything is checked as the kernel checks it.
 */
static void sb_check(struct sb_read *r)
{
	const struct dm_ec_sb *sb = &r->sb;
	unsigned int k = le32toh(sb->k), m = le32toh(sb->m);
	unsigned int idx = le32toh(sb->member_index);
	unsigned int chunk = le32toh(sb->chunk_sectors);
	uint64_t doff = le64toh(sb->data_offset), ds = le64toh(sb->data_sectors);
	char *w = r->whybuf;
	size_t wl = sizeof(r->whybuf);

	r->valid = false;
	r->why = w;
	if (le64toh(sb->magic) != DM_EC_SB_MAGIC)
		r->why = "no dm-ec superblock (bad magic)";
	else if (sb_crc(sb) != le32toh(sb->crc))
		r->why = "checksum mismatch";
	else if (le32toh(sb->version) != DM_EC_SB_VERSION)
		snprintf(w, wl, "unsupported version %u", le32toh(sb->version));
	else if (k < 1 || k > LIBEC_MAX_K)
		snprintf(w, wl, "impossible geometry: k %u is not in 1..%u", k,
			 LIBEC_MAX_K);
	else if (m < 1 || m > LIBEC_MAX_M)
		snprintf(w, wl, "impossible geometry: m %u is not in 1..%u", m,
			 LIBEC_MAX_M);
	else if (k + m > LIBEC_MAX_N)
		snprintf(w, wl, "impossible geometry: k + m = %u is more than %u",
			 k + m, LIBEC_MAX_N);
	else if (idx >= k + m)
		snprintf(w, wl, "member_index %u is not below k + m = %u", idx,
			 k + m);
	else if (chunk < 8 || chunk > 8192 || (chunk & (chunk - 1)))
		snprintf(w, wl, "chunk_sectors %u is not a power of two in 8..8192",
			 chunk);
	else if (doff != DATA_OFFSET)
		snprintf(w, wl, "data_offset %" PRIu64 " is not %u", doff,
			 DATA_OFFSET);
	else if (!ds || ds % chunk)
		snprintf(w, wl, "data_sectors %" PRIu64 " is not a whole number of chunks",
			 ds);
	else if (ds > ((INT64_MAX >> 9) - DATA_OFFSET) / k)
		snprintf(w, wl, "data_sectors %" PRIu64 " is too large", ds);
	else
		r->valid = true;
}

/* Both copies; returns the index of the better valid copy, or -1. */
static int sb_load(int fd, struct sb_read r[2])
{
	int i, best = -1;

	for (i = 0; i < 2; i++) {
		off_t off = (i ? DM_EC_SB1_SECTOR : DM_EC_SB0_SECTOR) * 512LL;
		ssize_t n = pread(fd, &r[i].sb, sizeof(r[i].sb), off);

		if (n != (ssize_t)sizeof(r[i].sb)) {
			r[i].valid = false;
			r[i].why = n < 0 ? strerror(errno) : "short read";
			continue;
		}
		sb_check(&r[i]);
		if (r[i].valid && (best < 0 || le64toh(r[i].sb.events) >
					       le64toh(r[best].sb.events)))
			best = i;
	}
	return best;
}

static const char *sb_mstate(uint8_t s)
{
	switch (s) {
	case DM_EC_MEMBER_ACTIVE: return "active";
	case DM_EC_MEMBER_FAILED: return "failed";
	case DM_EC_MEMBER_REBUILDING: return "rebuilding";
	case DM_EC_MEMBER_MISSING: return "missing";
	}
	return "unknown";
}

static char sb_mchar(uint8_t s)
{
	switch (s) {
	case DM_EC_MEMBER_ACTIVE: return 'A';
	case DM_EC_MEMBER_FAILED: return 'D';
	case DM_EC_MEMBER_REBUILDING: return 'a';
	case DM_EC_MEMBER_MISSING: return '-';
	}
	return '?';
}

static int cmd_examine(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, OPT_JSON }, HELP_OPT, { 0 }
	};
	struct sb_read r[2];
	const struct dm_ec_sb *sb;
	bool json = false;
	char au[40], mu[40], ct[40], ut[40], size[32];
	unsigned int k, m, n, i, idx;
	uint32_t fl;
	const char *dev;
	int c, fd, best;
	uint64_t rc, bc, ds;

	while ((c = next_opt(argc, argv, "h", lo)) != -1) {
		if (c == OPT_JSON)
			json = true;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (argc - optind != 1)
		return usage_err("one device is needed");
	dev = argv[optind];
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err("%s: %s", dev, strerror(errno));
		return 1;
	}
	best = sb_load(fd, r);
	close(fd);
	if (best < 0) {
		err("%s: no valid dm-ec superblock (copy 0: %s, copy 1: %s)", dev,
		    r[0].why, r[1].why);
		return 1;
	}
	sb = &r[best].sb;
	k = le32toh(sb->k);
	m = le32toh(sb->m);
	n = k + m;
	idx = le32toh(sb->member_index);
	fl = le32toh(sb->flags);
	ds = le64toh(sb->data_sectors);
	rc = le64toh(sb->resync_cp);
	bc = le64toh(sb->rebuild_cp);
	uuid_str(sb->array_uuid, au);
	uuid_str(sb->member_uuid, mu);
	fmt_time(le64toh(sb->ctime), ct, sizeof(ct));
	fmt_time(le64toh(sb->utime), ut, sizeof(ut));
	human_size(ds * 512 * k, size, sizeof(size));

	if (json) {
		printf("{\"device\": ");
		json_str(stdout, dev);
		printf(", \"superblock_copies\": [%s, %s], \"copy_used\": %d",
		       r[0].valid ? "true" : "false", r[1].valid ? "true" : "false",
		       best);
		printf(", \"version\": %u, \"array_uuid\": \"%s\", \"member_uuid\": \"%s\"",
		       le32toh(sb->version), au, mu);
		printf(", \"member_index\": %u, \"k\": %u, \"m\": %u"
		       ", \"chunk_sectors\": %u", idx, k, m,
		       le32toh(sb->chunk_sectors));
		printf(", \"data_offset\": %" PRIu64 ", \"data_sectors\": %" PRIu64
		       ", \"max_volume_sectors\": %" PRIu64,
		       (uint64_t)le64toh(sb->data_offset), ds, ds * k);
		printf(", \"events\": %" PRIu64 ", \"ctime\": \"%s\", \"utime\": \"%s\"",
		       (uint64_t)le64toh(sb->events), ct, ut);
		printf(", \"clean\": %s, \"synced\": %s",
		       fl & DM_EC_SB_F_CLEAN ? "true" : "false",
		       fl & DM_EC_SB_F_SYNCED ? "true" : "false");
		printf(", \"resync_cp\": %" PRIu64 ", \"rebuild_cp\": %" PRIu64,
		       rc, bc);
		printf(", \"region_sectors\": %u", le32toh(sb->region_sectors));
		printf(", \"members\": [");
		for (i = 0; i < n; i++) {
			uuid_str(sb->member_uuids[i], mu);
			printf("%s{\"index\": %u, \"uuid\": \"%s\", \"state\": \"%s\"}",
			       i ? ", " : "", i, mu, sb_mstate(sb->member_state[i]));
		}
		printf("]}\n");
		return 0;
	}
	printf("%s:\n", dev);
	printf("        superblock: version %u, copy 0 %s, copy 1 %s\n",
	       le32toh(sb->version), r[0].valid ? "valid" : r[0].why,
	       r[1].valid ? "valid" : r[1].why);
	printf("        array uuid: %s\n", au);
	printf("       member uuid: %s\n", mu);
	printf("      member index: %u of %u\n", idx, n);
	printf("          geometry: %u+%u, chunk %u sectors\n", k, m,
	       le32toh(sb->chunk_sectors));
	printf("         data area: %" PRIu64 " sectors at sector %" PRIu64
	       " (volume up to %s)\n", ds, (uint64_t)le64toh(sb->data_offset),
	       size);
	printf("            events: %" PRIu64 "\n", (uint64_t)le64toh(sb->events));
	printf("           created: %s\n", ct);
	printf("           updated: %s\n", ut);
	printf("             state: %s, %s\n",
	       fl & DM_EC_SB_F_CLEAN ? "clean" : "active or not shut down cleanly",
	       fl & DM_EC_SB_F_SYNCED ? "synced" : "initial sync not complete");
	if (!(fl & DM_EC_SB_F_SYNCED))
		printf("         resync at: sector %" PRIu64 "\n", rc);
	if (bc)
		printf("        rebuild at: sector %" PRIu64 "\n", bc);
	printf("           members: ");
	for (i = 0; i < n; i++)
		putchar(sb_mchar(sb->member_state[i]));
	printf("\n");
	for (i = 0; i < n; i++) {
		uuid_str(sb->member_uuids[i], mu);
		printf("      %5u %-10s %s%s\n", i, sb_mstate(sb->member_state[i]),
		       mu, i == idx ? "  <- this device" : "");
	}
	return 0;
}

struct rec_member {
	const char *path;
	int fd;
	struct dm_ec_sb sb;
};

/* Superblocks of the same volume, geometry and data area. */
static bool sb_same_volume(const struct dm_ec_sb *a, const struct dm_ec_sb *b)
{
	return !memcmp(a->array_uuid, b->array_uuid, 16) && a->k == b->k &&
	       a->m == b->m && a->chunk_sectors == b->chunk_sectors &&
	       a->data_offset == b->data_offset &&
	       a->data_sectors == b->data_sectors;
}

/* Size of an open block device or regular file, in sectors. */
static int fd_sectors(int fd, uint64_t *sectors)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		bytes = st.st_size;
	} else {
		return -ENOTBLK;
	}
	*sectors = bytes >> 9;
	return 0;
}

/* Is path the same file or device as st? */
static bool same_file(const char *path, const struct stat *st)
{
	struct stat s2;

	if (stat(path, &s2) < 0)
		return false;
	if (S_ISBLK(st->st_mode) && S_ISBLK(s2.st_mode))
		return st->st_rdev == s2.st_rdev;
	return st->st_dev == s2.st_dev && st->st_ino == s2.st_ino;
}

static int cmd_recover(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' }, HELP_OPT, { 0 }
	};
	struct rec_member rm[MAX_N * 2];
	int slot[MAX_N];
	const char *out = NULL;
	const struct dm_ec_sb *ref = NULL;
	unsigned int nd, i, j, k, m, n, chunk, b, present = 0, best_cnt = 0;
	uint64_t rows, row, doff, ds, sz = 0;
	struct libec_ctx *ctx = NULL;
	struct stat ost;
	uint8_t *buf = NULL;
	size_t cb;
	int c, ofd = -1, ret = 1;

	while ((c = next_opt(argc, argv, "o:h", lo)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		else
			return usage_cmd(cur_cmd, stderr);
	}
	if (!out)
		return usage_err("-o <image> is needed");
	nd = argc - optind;
	if (nd < 1)
		return usage_err("at least one member device is needed");
	if (nd > MAX_N * 2)
		return usage_err("too many devices");
	/* O_TRUNC on a member would destroy what is to be recovered. */
	if (stat(out, &ost) == 0) {
		for (i = 0; i < nd; i++) {
			if (same_file(argv[optind + i], &ost)) {
				err("%s: is one of the member devices given (%s)",
				    out, argv[optind + i]);
				return 1;
			}
		}
	}

	/* Read every superblock, each checked on its own. */
	for (i = 0; i < nd; i++) {
		struct sb_read r[2];
		int best;

		rm[i].path = argv[optind + i];
		rm[i].fd = open(rm[i].path, O_RDONLY | O_CLOEXEC);
		if (rm[i].fd < 0) {
			fprintf(stderr, "%s: %s: %s (treated as missing)\n", prog,
				rm[i].path, strerror(errno));
			continue;
		}
		best = sb_load(rm[i].fd, r);
		if (best < 0) {
			fprintf(stderr, "%s: %s: no valid dm-ec superblock (copy 0: %s, copy 1: %s); treated as missing\n",
				prog, rm[i].path, r[0].why, r[1].why);
			close(rm[i].fd);
			rm[i].fd = -1;
			continue;
		}
		rm[i].sb = r[best].sb;
	}
	/*
	 * The volume is the one most of the devices agree on (array,
	 * geometry, data area); its newest superblock describes it. One
	 * stray or crafted device cannot take the others' place.
	 */
	for (i = 0; i < nd; i++) {
		unsigned int cnt = 0;

		if (rm[i].fd < 0)
			continue;
		for (j = 0; j < nd; j++)
			if (rm[j].fd >= 0 && sb_same_volume(&rm[i].sb, &rm[j].sb))
				cnt++;
		if (cnt > best_cnt || (cnt == best_cnt &&
				       le64toh(rm[i].sb.events) > le64toh(ref->events))) {
			best_cnt = cnt;
			ref = &rm[i].sb;
		}
	}
	if (!ref) {
		err("no device has a valid dm-ec superblock");
		goto out;
	}
	for (i = 0; i < nd; i++)
		if (rm[i].fd >= 0 && sb_same_volume(&rm[i].sb, ref) &&
		    le64toh(rm[i].sb.events) > le64toh(ref->events))
			ref = &rm[i].sb;
	k = le32toh(ref->k);
	m = le32toh(ref->m);
	n = k + m;
	chunk = le32toh(ref->chunk_sectors);
	doff = le64toh(ref->data_offset);
	ds = le64toh(ref->data_sectors);
	rows = ds / chunk;		/* sb_check: chunk 8..8192 */
	for (i = 0; i < MAX_N; i++)
		slot[i] = -1;
	for (i = 0; i < nd; i++) {
		unsigned int idx;
		int e;

		if (rm[i].fd < 0)
			continue;
		idx = le32toh(rm[i].sb.member_index);	/* < n: sb_check */
		if (memcmp(rm[i].sb.array_uuid, ref->array_uuid, 16)) {
			fprintf(stderr, "%s: %s: belongs to another volume (ignored)\n",
				prog, rm[i].path);
			continue;
		}
		if (!sb_same_volume(&rm[i].sb, ref)) {
			fprintf(stderr, "%s: %s: k, m, chunk_sectors or the data area differ from the other members' (ignored)\n",
				prog, rm[i].path);
			continue;
		}
		if (memcmp(rm[i].sb.member_uuid, ref->member_uuids[idx], 16) ||
		    ref->member_state[idx] != DM_EC_MEMBER_ACTIVE) {
			fprintf(stderr, "%s: %s: member %u is %s (not used)\n", prog,
				rm[i].path, idx,
				ref->member_state[idx] != DM_EC_MEMBER_ACTIVE ?
				sb_mstate(ref->member_state[idx]) : "stale");
			continue;
		}
		e = fd_sectors(rm[i].fd, &sz);
		if (e || sz < doff + ds) {
			if (e)
				fprintf(stderr, "%s: %s: %s (treated as missing)\n",
					prog, rm[i].path, strerror(-e));
			else
				fprintf(stderr, "%s: %s: too small for the data area: %" PRIu64 " sectors, %" PRIu64 " needed (treated as missing)\n",
					prog, rm[i].path, sz, doff + ds);
			continue;
		}
		if (slot[idx] >= 0) {
			fprintf(stderr, "%s: %s: member %u given twice (ignored)\n",
				prog, rm[i].path, idx);
			continue;
		}
		slot[idx] = i;
		present |= 1U << idx;
	}
	if ((unsigned int)__builtin_popcount(present) < k) {
		err("only %u of the %u members needed are usable: data cannot be rebuilt",
		    __builtin_popcount(present), k);
		goto out;
	}
	if (!(le32toh(ref->flags) & DM_EC_SB_F_SYNCED) && present != member_mask(n))
		fprintf(stderr, "%s: warning: the initial sync never completed; parity beyond sector %" PRIu64 " is not trusted\n",
			prog, (uint64_t)le64toh(ref->resync_cp));
	if (!(le32toh(ref->flags) & DM_EC_SB_F_CLEAN) && present != member_mask(n))
		fprintf(stderr, "%s: warning: the volume was not shut down cleanly; stripes written at that moment may decode wrong (the bitmap and the partial-parity log are not used)\n",
			prog);
	if (libec_ctx_new(&ctx, k, m)) {
		err("cannot set up the %u+%u code", k, m);
		goto out;
	}
	cb = (size_t)chunk * 512;
	buf = malloc(cb * n);
	if (!buf) {
		err("out of memory");
		goto out;
	}
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (ofd < 0) {
		err("%s: %s", out, strerror(errno));
		goto out;
	}
	for (row = 0; row < rows; row++) {
		void *blocks[MAX_N];
		uint32_t erased = 0;

		unsigned int need, got = 0;
		off_t off = (doff + row * chunk) * 512;

		for (b = 0; b < n; b++)
			blocks[b] = buf + b * cb;
		/* Data blocks first, then as many parity blocks as needed. */
		for (b = 0; b < k; b++) {
			unsigned int mem = dm_ec_member_of(row, b, n);

			if (slot[mem] < 0 ||
			    pread(rm[slot[mem]].fd, blocks[b], cb, off) != (ssize_t)cb)
				erased |= 1U << b;
		}
		need = __builtin_popcount(erased);
		for (b = k; b < n; b++) {
			unsigned int mem = dm_ec_member_of(row, b, n);

			if (got < need && slot[mem] >= 0 &&
			    pread(rm[slot[mem]].fd, blocks[b], cb, off) == (ssize_t)cb)
				got++;
			else
				erased |= 1U << b;
		}
		if (need && (got < need ||
			     libec_reconstruct(ctx, erased, cb, blocks) < 0)) {
			err("stripe %" PRIu64 ": more than %u blocks unreadable: data lost",
			    row, m);
			goto out;
		}
		for (b = 0; b < k; b++) {
			off_t off = (off_t)(row * k + b) * cb;

			if (pwrite(ofd, blocks[b], cb, off) != (ssize_t)cb) {
				err("%s: %s", out, strerror(errno));
				goto out;
			}
		}
	}
	if (fsync(ofd) < 0 && errno != EINVAL) {
		err("%s: %s", out, strerror(errno));
		goto out;
	}
	printf("%s: %" PRIu64 " sectors recovered from %u of %u members (%u+%u)\n",
	       out, rows * chunk * k, __builtin_popcount(present), n, k, m);
	ret = 0;
out:
	if (ofd >= 0)
		close(ofd);
	for (i = 0; i < nd; i++)
		if (rm[i].fd >= 0)
			close(rm[i].fd);
	free(buf);
	libec_ctx_free(ctx);
	return ret;
}

static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "create", cmd_create, "<name> [-k 10] [-m 4] [-c|--chunk 4M] [--nosync] <dev>...",
	  "create a volume of k data + m parity members (k+m devices, '-' for a missing one)" },
	{ "remove", cmd_remove, "<name>", "remove a volume" },
	{ "status", cmd_status, "[<name>] [--json]",
	  "show volumes in detail; exit 0 healthy, 3 degraded, 4 data lost" },
	{ "list", cmd_list, "[--json]", "one line per volume" },
	{ "monitor", cmd_monitor, "[--json]",
	  "print events (failures, sync progress) until interrupted" },
	{ "fail", cmd_fail, "<name> <idx|dev>", "mark a member failed" },
	{ "replace", cmd_replace, "<name> <idx|dev> <new-dev> [--wait]",
	  "put a new device in a member's slot and rebuild it" },
	{ "rebuild", cmd_rebuild, "<name> [--wait]",
	  "re-add failed members still present and rebuild; resume frozen work" },
	{ "scrub", cmd_scrub, "<name> [--repair] [--wait]",
	  "check parity (count mismatches) or repair it" },
	{ "examine", cmd_examine, "<dev> [--json]",
	  "print a member's superblock (no module needed)" },
	{ "recover", cmd_recover, "-o <image> <dev>...",
	  "rebuild the volume's data into an image offline (no module needed)" },
	{ "help", cmd_help, "[<command>]", "show help" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: %s <command> [<args>]\n\ncommands:\n", prog);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].args);
	fprintf(f, "\n'%s <command> --help' describes a command. Exit status: 0 success,\n"
		"1 error, 2 usage error; status: 3 degraded, 4 data lost.\n", prog);
}

static int cmd_help(int argc, char **argv)
{
	unsigned int i;

	if (argc > 1) {
		for (i = 0; i < NCMDS; i++)
			if (!strcmp(argv[1], cmds[i].name))
				return usage_cmd(&cmds[i], stdout), 0;
		fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);
	if (!strcmp(argv[1], "--version")) {
		printf("ecctl 1.0.0 (dm_ec netlink version %d)\n", DM_EC_GENL_VERSION);
		return 0;
	}
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		cur_cmd = &cmds[i];
		optind = 1;
		opterr = 1;
		dm_log_init_verbose(0);
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
