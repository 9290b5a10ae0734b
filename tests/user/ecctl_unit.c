// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl_unit: ecctl's handling of what the kernel hands it, without a
 * kernel. ecctl's files but user/ecctl/ecctl.c (main) are linked into
 * this program, so the tests call its parsers (user/ecctl/ecctl.h) directly: generic netlink replies
 * and events built here with libnl (wrong types, lengths, ranges, strings
 * without their NUL, invalid UTF-8), member arguments, and reload() against
 * a fake libdevmapper defined below (crafted tables, a resume that fails).
 *
 * Each test runs in a child process so that a crash or a sanitizer report
 * fails that test only. Output, one line per test: "PASS <name>" or
 * "FAIL <name>: <why>", then "# " lines; tests/user/t_ecctl_input.sh turns
 * them into TAP. JSON documents go to OUTDIR/<name>.json for the script to
 * check with a strict parser.
 *
 * usage: ecctl_unit OUTDIR
 */
#include "ecctl.h"
#include <libdevmapper.h>
#include <sys/wait.h>

static const char *outdir;
static char errpath[512];

/* ------------------------------------------------------------------ */
/* A fake libdevmapper: one device, "vol", with a live and an inactive
 * table; dm_task_run() of the n-th RESUME can be made to fail. */

struct dm_task {
	int type;
	char name[128];
	char ttype[16];
	char params[16384];
	uint64_t len;
	bool ran;
};

static struct {
	char live[16384], inactive[16384];
	uint64_t live_len, inactive_len;
	bool has_inactive, suspended;
	int fail_resume;	/* fail this many RESUMEs (the first ones) */
	char log[8192];		/* one word per dm_task_run */
	char loaded[4][16384];	/* RELOADed tables, in order */
	int nloaded;
} fdm;

static void fdm_reset(const char *live, uint64_t len)
{
	memset(&fdm, 0, sizeof(fdm));
	snprintf(fdm.live, sizeof(fdm.live), "%s", live);
	fdm.live_len = len;
}

static void fdm_log(const char *w)
{
	size_t o = strlen(fdm.log);

	snprintf(fdm.log + o, sizeof(fdm.log) - o, "%s%s", o ? " " : "", w);
}

struct dm_task *dm_task_create(int type)
{
	struct dm_task *t = calloc(1, sizeof(*t));

	if (t)
		t->type = type;
	return t;
}

void dm_task_destroy(struct dm_task *dmt)
{
	free(dmt);
}

int dm_task_set_name(struct dm_task *dmt, const char *name)
{
	snprintf(dmt->name, sizeof(dmt->name), "%s", name);
	return 1;
}

int dm_task_add_target(struct dm_task *dmt, uint64_t start, uint64_t size,
		       const char *ttype, const char *params)
{
	dmt->len = size;
	snprintf(dmt->ttype, sizeof(dmt->ttype), "%s", ttype);
	snprintf(dmt->params, sizeof(dmt->params), "%s", params);
	return 1;
}

int dm_task_set_ro(struct dm_task *dmt)
{
	return 1;
}

int dm_task_set_cookie(struct dm_task *dmt, uint32_t *cookie, uint16_t flags)
{
	*cookie = 0;
	return 1;
}

int dm_udev_wait(uint32_t cookie)
{
	return 1;
}

void dm_log_init_verbose(int level)
{
}

int dm_task_run(struct dm_task *dmt)
{
	bool vol = !strcmp(dmt->name, "vol");

	dmt->ran = true;
	switch (dmt->type) {
	case DM_DEVICE_INFO:
		fdm_log("info");
		return 1;
	case DM_DEVICE_TABLE:
		fdm_log("table");
		return vol;
	case DM_DEVICE_RELOAD:
		fdm_log("reload");
		if (!vol)
			return 0;
		if (fdm.nloaded < 4)
			snprintf(fdm.loaded[fdm.nloaded++], sizeof(fdm.loaded[0]),
				 "%s", dmt->params);
		snprintf(fdm.inactive, sizeof(fdm.inactive), "%s", dmt->params);
		fdm.inactive_len = dmt->len;
		fdm.has_inactive = true;
		return 1;
	case DM_DEVICE_SUSPEND:
		fdm_log("suspend");
		fdm.suspended = true;
		return vol;
	case DM_DEVICE_RESUME:
		fdm_log("resume");
		if (!vol)
			return 0;
		/* As dm does: the inactive table goes live, then preresume. */
		if (fdm.has_inactive) {
			memcpy(fdm.live, fdm.inactive, sizeof(fdm.live));
			fdm.live_len = fdm.inactive_len;
			fdm.has_inactive = false;
		}
		if (fdm.fail_resume > 0) {
			fdm.fail_resume--;
			return 0;
		}
		fdm.suspended = false;
		return 1;
	case DM_DEVICE_CLEAR:
		fdm_log("clear");
		fdm.has_inactive = false;
		return 1;
	default:
		fdm_log("other");
		return 0;
	}
}

int dm_task_get_info(struct dm_task *dmt, struct dm_info *dmi)
{
	memset(dmi, 0, sizeof(*dmi));
	dmi->exists = !strcmp(dmt->name, "vol");
	dmi->suspended = fdm.suspended;
	dmi->live_table = 1;
	dmi->inactive_table = fdm.has_inactive;
	return 1;
}

void *dm_get_next_target(struct dm_task *dmt, void *next, uint64_t *start,
			 uint64_t *length, char **target_type, char **params)
{
	static char type[] = "ec";

	*start = 0;
	*length = fdm.live_len;
	*target_type = type;
	*params = fdm.live;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Test plumbing */

static char failbuf[512];

#define FAIL(...) do { snprintf(failbuf, sizeof(failbuf), __VA_ARGS__); \
		       return 1; } while (0)

/* What ecctl wrote to stderr so far in this test. */
static const char *err_text(void)
{
	static char buf[8192];
	FILE *f;
	size_t n;

	fflush(stderr);
	f = fopen(errpath, "r");
	if (!f)
		return "";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void run(const char *name, int (*fn)(void))
{
	char fpath[600];
	int st, fd[2];
	pid_t pid;

	snprintf(errpath, sizeof(errpath), "%s/%s.err", outdir, name);
	fflush(stdout);
	if (pipe(fd) < 0) {
		printf("FAIL %s: pipe: %s\n", name, strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		int r;

		close(fd[0]);
		if (!freopen(errpath, "w", stderr))
			_exit(120);
		r = fn();
		fflush(stdout);
		fflush(stderr);
		if (r && write(fd[1], failbuf, strlen(failbuf)) < 0)
			_exit(121);
		_exit(r ? 1 : 0);
	}
	close(fd[1]);
	memset(failbuf, 0, sizeof(failbuf));
	if (read(fd[0], failbuf, sizeof(failbuf) - 1) < 0)
		failbuf[0] = '\0';
	close(fd[0]);
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		printf("PASS %s\n", name);
	} else {
		char line[512];
		FILE *f;

		if (WIFSIGNALED(st))
			printf("FAIL %s: killed by signal %d (%s)\n", name,
			       WTERMSIG(st), strsignal(WTERMSIG(st)));
		else if (failbuf[0])
			printf("FAIL %s: %s\n", name, failbuf);
		else
			printf("FAIL %s: exit %d (a sanitizer report?)\n", name,
			       WEXITSTATUS(st));
		snprintf(fpath, sizeof(fpath), "%s", errpath);
		f = fopen(fpath, "r");
		for (int n = 0; f && n < 25 && fgets(line, sizeof(line), f); n++)
			printf("#   %s", line);
		if (f)
			fclose(f);
	}
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* Building replies */

struct mem_spec {
	int index;		/* -1: no INDEX attribute */
	int state;
	const char *name;
};

struct vol_spec {
	const char *name;
	int k, m;		/* -1: attribute left out */
	uint32_t chunk;
	uint64_t sectors;
	int health;
	const char *codec;
	int nmem;
	struct mem_spec mem[40];
	bool sectors_u8;	/* DM_EC_A_SECTORS as a 1-byte attribute */
};

static struct vol_spec good_spec(void)
{
	struct vol_spec s = {
		.name = "vol", .k = 4, .m = 2, .chunk = 128, .sectors = 4096,
		.health = DM_EC_HEALTH_OK, .codec = "generic", .nmem = 6,
	};

	for (int i = 0; i < 6; i++)
		s.mem[i] = (struct mem_spec){ i, DM_EC_MSTATE_ACTIVE, "253:1" };
	return s;
}

static struct nl_msg *build_volume(const struct vol_spec *s)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *ms;
	uint8_t uuid[16] = { 1, 2, 3 };

	genlmsg_put(msg, 1, 1, 42, 0, 0, DM_EC_CMD_GET_VOLUME, 1);
	if (s->name)
		nla_put_string(msg, DM_EC_A_NAME, s->name);
	nla_put_u32(msg, DM_EC_A_DEV, (253 << 20) | 7);
	nla_put(msg, DM_EC_A_UUID, 16, uuid);
	if (s->k >= 0)
		nla_put_u8(msg, DM_EC_A_K, s->k);
	if (s->m >= 0)
		nla_put_u8(msg, DM_EC_A_M, s->m);
	nla_put_u32(msg, DM_EC_A_CHUNK_SECTORS, s->chunk);
	if (s->sectors_u8)
		nla_put_u8(msg, DM_EC_A_SECTORS, 1);
	else
		nla_put_u64(msg, DM_EC_A_SECTORS, s->sectors);
	if (s->codec)
		nla_put_string(msg, DM_EC_A_CODEC, s->codec);
	nla_put_u8(msg, DM_EC_A_SYNC_ACTION, DM_EC_ACTION_IDLE);
	nla_put_u8(msg, DM_EC_A_HEALTH, s->health);
	nla_put_u8(msg, DM_EC_A_LOST, 0);
	ms = nla_nest_start(msg, DM_EC_A_MEMBERS);
	for (int i = 0; i < s->nmem; i++) {
		struct nlattr *one = nla_nest_start(msg, i);

		if (s->mem[i].index >= 0)
			nla_put_u8(msg, DM_EC_MEMBER_A_INDEX, s->mem[i].index);
		nla_put_u8(msg, DM_EC_MEMBER_A_STATE, s->mem[i].state);
		if (s->mem[i].name)
			nla_put_string(msg, DM_EC_MEMBER_A_NAME, s->mem[i].name);
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, ms);
	return msg;
}

/* A copy of msg in a buffer of exactly its size, as a kernel reply is. */
static struct nl_msg *exact_copy(struct nl_msg *msg)
{
	struct nl_msg *c = nlmsg_convert(nlmsg_hdr(msg));

	nlmsg_free(msg);
	return c;
}

/* Parse one reply as get_volumes() would: 0 if accepted. */
static int feed(struct nl_msg *msg, struct vol_list *l)
{
	int r;

	memset(l, 0, sizeof(*l));
	r = parse_volume(msg, l);
	nlmsg_free(msg);
	return r == NL_OK && l->nr == 1 ? 0 : -1;
}

/* Print what ecctl would print for the volume (text and JSON). */
static void show(const struct vol_info *v, const char *name)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.json", outdir, name);
	f = fopen(path, "w");
	print_json_volume(f, v);
	fputc('\n', f);
	fclose(f);
	if (!freopen("/dev/null", "w", stdout))
		return;
	print_volume(v, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Netlink replies */

static int t_reply_valid(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();

	if (feed(exact_copy(build_volume(&s)), &l))
		FAIL("a well-formed reply was refused: %s", err_text());
	if (l.v[0].k != 4 || l.v[0].m != 2 || l.v[0].n != 6 ||
	    l.v[0].sectors != 4096 || strcmp(l.v[0].name, "vol"))
		FAIL("fields parsed wrong: k %u m %u n %u", l.v[0].k, l.v[0].m,
		     l.v[0].n);
	show(&l.v[0], "reply_valid");
	return 0;
}

/* k and m as u8: k + m up to 510 indexes v->mem[32]. */
static int t_reply_big_km(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();

	s.k = 200;
	s.m = 200;
	if (!feed(exact_copy(build_volume(&s)), &l)) {
		show(&l.v[0], "reply_big_km");
		FAIL("k 200 m 200 accepted (n = %u, arrays hold %u)", l.v[0].n,
		     MAX_N);
	}
	if (!strstr(err_text(), "k"))
		FAIL("refused without a message naming k/m");
	return 0;
}

static int t_reply_km_bounds(void)
{
	static const int km[][2] = { { 0, 2 }, { 4, 0 }, { 4, 5 }, { 31, 2 },
				     { -1, 2 }, { 4, -1 } };

	for (unsigned int i = 0; i < sizeof(km) / sizeof(km[0]); i++) {
		struct vol_list l;
		struct vol_spec s = good_spec();

		s.k = km[i][0];
		s.m = km[i][1];
		s.nmem = 0;
		if (!feed(exact_copy(build_volume(&s)), &l))
			FAIL("k %d m %d accepted", km[i][0], km[i][1]);
	}
	return 0;
}

/* A member index beyond k + m makes v->n larger than the geometry. */
static int t_reply_member_index(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();

	s.mem[5].index = 20;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("member index 20 of a 4+2 volume accepted (n = %u)",
		     l.v[0].n);
	s = good_spec();
	s.mem[5].index = 200;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("member index 200 of a 4+2 volume accepted");
	s = good_spec();
	s.mem[5].index = -1;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("a member without an index accepted");
	return 0;
}

static int t_reply_wrong_type(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();

	s.sectors_u8 = true;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("DM_EC_A_SECTORS of 1 byte accepted (read as %" PRIu64 ")",
		     l.v[0].sectors);
	return 0;
}

static int t_reply_ranges(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();

	s.health = 7;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("health 7 accepted (status would exit %d)",
		     vol_exit(&l.v[0]));
	s = good_spec();
	s.chunk = 0;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("chunk_sectors 0 accepted");
	s = good_spec();
	s.chunk = 12;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("chunk_sectors 12 accepted");
	s = good_spec();
	s.name = NULL;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("a reply without a name accepted");
	/* An unknown member state is shown as such, not refused. */
	s = good_spec();
	s.mem[2].state = 9;
	if (feed(exact_copy(build_volume(&s)), &l))
		FAIL("member state 9 refused: %s", err_text());
	show(&l.v[0], "reply_state9");
	return 0;
}

/*
 * A string attribute without its NUL at the very end of the reply: the
 * old parser read past the buffer.
 */
static int t_reply_string_nul(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();
	struct nl_msg *msg;
	struct nlattr *a;
	char name[8] = "abcdefgh";	/* 8 bytes, no NUL, no padding */

	s.name = NULL;
	s.codec = NULL;
	s.nmem = 0;
	msg = build_volume(&s);
	a = nla_reserve(msg, DM_EC_A_NAME, 8);
	memcpy(nla_data(a), name, 8);
	if (!feed(exact_copy(msg), &l))
		FAIL("a name without its NUL accepted: \"%s\"", l.v[0].name);
	return 0;
}

static int t_reply_long_name(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();
	char big[400];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s.name = big;
	if (!feed(exact_copy(build_volume(&s)), &l))
		FAIL("a name of %zu bytes accepted (DM_EC_NAME_MAX %d)",
		     strlen(big), DM_EC_NAME_MAX);
	return 0;
}

/* Invalid UTF-8 and control characters in names: JSON stays valid. */
static int t_json_utf8(void)
{
	struct vol_list l;
	struct vol_spec s = good_spec();

	s.name = "v\xff\xfe-\xc3\x28-\xe2\x82-\xed\xa0\x80-\xc0\xaf-\xf4\x90\x80\x80"
		 "-\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80-\x01\x1f\"\\\x7f";
	s.codec = "g\x80x";
	if (feed(exact_copy(build_volume(&s)), &l))
		FAIL("refused: %s", err_text());
	show(&l.v[0], "json_utf8");
	return 0;
}

static int t_json_utf8_event(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	char path[600];

	genlmsg_put(msg, 0, 0, 42, 0, 0, DM_EC_CMD_EVENT, 1);
	nla_put_u8(msg, DM_EC_A_EVENT, DM_EC_EVENT_DEGRADED);
	nla_put_string(msg, DM_EC_A_NAME, "ev\xff\xc0\x80");
	nla_put_u32(msg, DM_EC_A_DEV, 5);
	nla_put_u8(msg, DM_EC_A_LOST, 1);
	nla_put_u8(msg, DM_EC_A_M, 2);
	msg = exact_copy(msg);
	snprintf(path, sizeof(path), "%s/json_utf8_event.json", outdir);
	if (!freopen(path, "w", stdout))
		FAIL("%s: %s", path, strerror(errno));
	mon_json = true;
	mon_cb(msg, NULL);
	fflush(stdout);
	nlmsg_free(msg);
	return 0;
}

/* Events with attributes of the wrong size are dropped, not misread. */
static int t_event_wrong_type(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	char path[600], buf[512] = "";
	FILE *f;
	size_t n;

	genlmsg_put(msg, 0, 0, 42, 0, 0, DM_EC_CMD_EVENT, 1);
	nla_put_u8(msg, DM_EC_A_EVENT, DM_EC_EVENT_SYNC_PROGRESS);
	nla_put_string(msg, DM_EC_A_NAME, "ev");
	nla_put_u8(msg, DM_EC_A_SYNC_ACTION, DM_EC_ACTION_CHECK);
	nla_put_u8(msg, DM_EC_A_SYNC_DONE, 1);	/* should be u64 */
	msg = exact_copy(msg);
	snprintf(path, sizeof(path), "%s/event_wrong_type.out", outdir);
	if (!freopen(path, "w", stdout))
		FAIL("%s: %s", path, strerror(errno));
	mon_json = true;
	mon_cb(msg, NULL);
	fflush(stdout);
	nlmsg_free(msg);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	if (strstr(buf, "sync_done"))
		FAIL("an event with a 1-byte SYNC_DONE was printed: %s", buf);
	return 0;
}

/* An extended ACK whose echoed header claims a length below its own. */
static int t_ext_ack(void)
{
	char buf[256] __attribute__((aligned(8))) = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = (struct nlmsgerr *)(nlh + 1);
	struct nl_req r = { 0 };
	struct nlattr *a;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	e->error = -EINVAL;
	e->msg.nlmsg_len = 4;	/* less than a header */
	a = (struct nlattr *)((char *)(e + 1));
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + 6;
	memcpy(a + 1, "hello", 6);
	nlh->nlmsg_len = sizeof(*nlh) + sizeof(*e) + NLA_ALIGN(a->nla_len);
	nl_error_cb(NULL, e, &r);
	if (r.error != -EINVAL || !r.done)
		FAIL("error %d done %d", r.error, r.done);
	if (r.ext_msg[0] && strcmp(r.ext_msg, "hello"))
		FAIL("ext_msg read from the wrong place: \"%s\"", r.ext_msg);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Member arguments */

static int t_member_index(void)
{
	static const char *const bad[] = {
		"-18446744073709551615", "18446744073709551617", "4294967297",
		"-1", "6", "+1", " 1", "1 ", "0x1", "",
	};
	struct vol_info v = { .name = "vol", .k = 4, .m = 2, .n = 6 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = member_index(&v, bad[i]);

		if (r >= 0)
			FAIL("member \"%s\" taken as index %d", bad[i], r);
	}
	if (member_index(&v, "5") != 5 || member_index(&v, "0") != 0)
		FAIL("valid indexes refused");
	return 0;
}

/* ------------------------------------------------------------------ */
/* reload() against the fake libdevmapper */

#define TBL6 "4 2 8 0 253:0 253:1 253:2 253:3 253:4 253:5"

static struct vol_info vol6(void)
{
	struct vol_info v = { .name = "vol", .k = 4, .m = 2, .n = 6 };

	return v;
}

static int t_reload_ok(void)
{
	struct vol_info v = vol6();
	char *devs[MAX_N] = { 0 };

	fdm_reset(TBL6, 4096);
	devs[3] = "/dev/new";
	if (reload(&v, devs, 1UL << 3))
		FAIL("reload failed: %s", err_text());
	if (strcmp(fdm.live, "4 2 8 2 rebuild 3 253:0 253:1 253:2 /dev/new 253:4 253:5"))
		FAIL("live table: %s", fdm.live);
	if (fdm.suspended)
		FAIL("left suspended");
	return 0;
}

/* The new table's resume fails: the volume must not stay suspended. */
static int t_reload_resume_fails(void)
{
	struct vol_info v = vol6();
	char *devs[MAX_N] = { 0 };
	int r;

	fdm_reset(TBL6, 4096);
	fdm.fail_resume = 1;
	devs[3] = "/dev/new";
	r = reload(&v, devs, 1UL << 3);
	if (!r)
		FAIL("a failed resume reported success");
	if (fdm.suspended)
		FAIL("volume left suspended (dm calls: %s; live table: %s)",
		     fdm.log, fdm.live);
	if (strcmp(fdm.live, TBL6))
		FAIL("live table is not the previous one: %s", fdm.live);
	if (!strstr(err_text(), "vol: "))
		FAIL("no message naming the volume");
	return 0;
}

/* Neither table resumes: say clearly that the volume is suspended. */
static int t_reload_resume_fails_twice(void)
{
	struct vol_info v = vol6();
	char *devs[MAX_N] = { 0 };

	fdm_reset(TBL6, 4096);
	fdm.fail_resume = 2;
	devs[3] = "/dev/new";
	if (!reload(&v, devs, 1UL << 3))
		FAIL("reported success");
	if (!strstr(err_text(), "suspended"))
		FAIL("the message does not say the volume is suspended: %s",
		     err_text());
	return 0;
}

/* Many long option words: the old code overran its 1 KiB buffer. */
static int t_reload_long_options(void)
{
	struct vol_info v = vol6();
	char tbl[16384];
	size_t o;

	o = snprintf(tbl, sizeof(tbl), "4 2 8 100");
	for (int i = 0; i < 100; i++)
		o += snprintf(tbl + o, sizeof(tbl) - o, " %060d", i);
	snprintf(tbl + o, sizeof(tbl) - o, " 253:0 253:1 253:2 253:3 253:4 253:5");
	fdm_reset(tbl, 4096);
	if (!reload(&v, NULL, 1UL << 3))
		FAIL("a table line with 6 KB of options was reloaded");
	if (fdm.nloaded)
		FAIL("a table was loaded: %.80s...", fdm.loaded[0]);
	if (!strstr(err_text(), "vol: "))
		FAIL("no message naming the volume");
	return 0;
}

/* Counts in the table that only add up by wrapping around. */
static int t_reload_bad_counts(void)
{
	struct vol_info v = { .name = "vol", .k = 1, .m = 1, .n = 2 };
	static const char *const tbls[] = {
		"1 1 8 4294967295 253:0",
		"0 2 8 0 253:0 253:1",
		"4294967295 3 8 0 253:0 253:1",
		"1 1 8 0 253:0 253:1 253:2",
	};

	for (unsigned int i = 0; i < sizeof(tbls) / sizeof(tbls[0]); i++) {
		fdm_reset(tbls[i], 64);
		if (!reload(&v, NULL, 0) || fdm.nloaded)
			FAIL("table \"%s\" was reloaded as \"%s\"", tbls[i],
			     fdm.nloaded ? fdm.loaded[0] : "?");
	}
	return 0;
}

/* A device with white space would add words to the table line. */
static int t_reload_dev_space(void)
{
	struct vol_info v = vol6();
	char *devs[MAX_N] = { 0 };

	fdm_reset(TBL6, 4096);
	devs[3] = "/dev/x nosync";
	if (!reload(&v, devs, 1UL << 3) || fdm.nloaded)
		FAIL("device \"%s\" put into the table: %s", devs[3],
		     fdm.nloaded ? fdm.loaded[0] : "?");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	static const struct cmd unit_cmd = { "unit", NULL, "", "ecctl_unit" };

	cur_cmd = &unit_cmd;
	run("reply_valid", t_reply_valid);
	run("reply_big_km", t_reply_big_km);
	run("reply_km_bounds", t_reply_km_bounds);
	run("reply_member_index", t_reply_member_index);
	run("reply_wrong_type", t_reply_wrong_type);
	run("reply_ranges", t_reply_ranges);
	run("reply_string_nul", t_reply_string_nul);
	run("reply_long_name", t_reply_long_name);
	run("json_utf8", t_json_utf8);
	run("json_utf8_event", t_json_utf8_event);
	run("event_wrong_type", t_event_wrong_type);
	run("ext_ack", t_ext_ack);
	run("member_index", t_member_index);
	run("reload_ok", t_reload_ok);
	run("reload_resume_fails", t_reload_resume_fails);
	run("reload_resume_fails_twice", t_reload_resume_fails_twice);
	run("reload_long_options", t_reload_long_options);
	run("reload_bad_counts", t_reload_bad_counts);
	run("reload_dev_space", t_reload_dev_space);
	return 0;
}
