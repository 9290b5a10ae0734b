// SPDX-License-Identifier: GPL-2.0
/*
 * ec_fuzz: random and mutated "ec" table lines and target messages through
 * the raw device-mapper ioctls (no dmsetup fork per input: under TCG that
 * would be far too slow).
 *
 *   ec_fuzz [-s SEED] [-n COUNT] [-v] [-x PROTECTED]... [-S SMALL] MEMBER...
 *
 * MEMBERs are block devices the fuzz may use, format and fail; SMALL is a
 * member too small for any volume; PROTECTED devices (path or MAJ:MIN)
 * never appear in a generated line, whatever a mutation produced. Up to
 * three devices ecf_0..ecf_2 are created, loaded (valid, mutated and
 * random lines), sometimes resumed, sent messages, queried, reloaded with
 * their own printed table, cleared and removed, in a sequence fixed by the
 * seed (printed first, so that a failure reproduces with -s).
 *
 * Asserted, each failure printed with the input and counted:
 *   - every ioctl returns (a watchdog thread reports an operation that
 *     takes more than 60 s with its input, then exits 3);
 *   - a failed table load returns EINVAL/ENXIO/ENODEV/ENOMEM/EIO/EBUSY/
 *     ENOENT/EPROTO/EUCLEAN and leaves its reason in the kernel log (a
 *     "device-mapper:" line, read from /dev/kmsg);
 *   - a valid line on blanked members loads and resumes, and its status
 *     line has the contract's fields;
 *   - the table a live volume prints loads again (round trip);
 *   - a failed message returns EINVAL, EBUSY or EIO.
 * Exit status 0 when all held, 1 otherwise, 2 on usage/setup errors.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/dm-ioctl.h>
#include <linux/fs.h>

#define DATA_OFFSET	8192	/* sectors of metadata at a member's start */
#define MAX_MEMBERS	32
#define MAX_WORDS	96
#define WORD_MAX	4200
#define LINE_MAX_LEN	16384
#define NDEV		3
#define HANG_SECONDS	60

struct member {
	const char *path;
	char num[32];		/* MAJ:MIN */
	dev_t dev;
	uint64_t sectors;
};

static struct member mem[MAX_MEMBERS];
static unsigned int nmem;
static struct member small;
static int have_small;
static dev_t protect[64];
static unsigned int nprotect;
static int verbose;
static uint64_t rng_state;
static int ctl_fd = -1, kmsg_fd = -1;

/* What the watchdog reports. */
static volatile time_t op_since;
static char op_desc[LINE_MAX_LEN + 128];
static pthread_mutex_t op_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long n_input, n_fail;

/* results */
static unsigned long st_load_ok, st_load_err, st_resume_ok, st_resume_err,
	st_msg_ok, st_msg_err, st_remove, st_clear, st_valid, st_roundtrip,
	st_status, st_two_targets, st_left_inactive, st_blanked;
static unsigned long st_load_errno[256], st_msg_errno[256];

#define NCLASS 64
static struct { char text[96]; char example[160]; unsigned long n; } cls[NCLASS];
static unsigned long cls_other;

/* ------------------------------------------------------------------ */

static uint64_t rnd(void)		/* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned int rn(unsigned int n)	/* 0..n-1 */
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned int pct)
{
	return rn(100) < pct;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	n_fail++;
	printf("FAIL input %lu: ", n_input);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void op_begin(const char *what, const char *line)
{
	pthread_mutex_lock(&op_lock);
	snprintf(op_desc, sizeof(op_desc), "input %lu %s: %s", n_input, what,
		 line);
	op_since = time(NULL);
	pthread_mutex_unlock(&op_lock);
	if (verbose) {
		printf("# %lu %s: %.300s\n", n_input, what, line);
		fflush(stdout);
	}
}

static void op_end(void)
{
	op_since = 0;
}

static void *watchdog(void *arg)
{
	for (;;) {
		time_t t = op_since;

		sleep(1);
		if (t && op_since == t && time(NULL) - t > HANG_SECONDS) {
			pthread_mutex_lock(&op_lock);
			printf("FAIL hang: no answer in %d s to %.2000s\n",
			       HANG_SECONDS, op_desc);
			pthread_mutex_unlock(&op_lock);
			fflush(stdout);
			_exit(3);
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Kernel log: records since the last call. */

static void kmsg_skip(void)
{
	char buf[8192];

	if (kmsg_fd < 0)
		return;
	lseek(kmsg_fd, 0, SEEK_END);
	while (read(kmsg_fd, buf, sizeof(buf)) > 0 || errno == EPIPE)
		;
}

/* Words of the constructor's messages; anything else came from the input. */
static const char reason_words[] =
	" a add allocate already another area argument arguments at bad be"
	" belongs bitmap blank cannot checksum chunk_sectors code data device"
	" devices different ec fail failed few follow geometry given has in"
	" index intent is it its k least length m may member members memory"
	" missing more most needed negative new newer no non not number of open"
	" optional or out power present range read rebuild rebuilding recorded"
	" region_size resources sectors set slot small smaller stale superblock"
	" than that the this to too twice two unknown up use value version"
	" volume with write #opt_args max_rebuild_rate nosync area: lost"
	" volume's ";

/* Classify a reason: words of the input (numbers, names) folded to '#'. */
static void classify(const char *msg)
{
	char t[96], w[64];
	unsigned int i, j = 0, words = 0, wl;
	const char *p = msg;

	while (*p && *p != '\n' && words < 12) {
		while (*p == ' ')
			p++;
		for (wl = 0; p[wl] && p[wl] != ' ' && p[wl] != '\n'; wl++)
			;
		if (!wl)
			break;
		snprintf(w, sizeof(w), "%.*s", wl < 60 ? (int)wl : 60, p);
		p += wl;
		/* keep trailing ':' or ',' out of the lookup */
		i = strlen(w);
		while (i && (w[i - 1] == ':' || w[i - 1] == ',' || w[i - 1] == ';'))
			i--;
		{
			char key[66];

			snprintf(key, sizeof(key), " %.*s ", (int)i, w);
			if (!i || !strstr(reason_words, key))
				snprintf(w, sizeof(w), "#%s", i < strlen(w) ? w + i : "");
		}
		if (j + strlen(w) + 2 >= sizeof(t))
			break;
		j += snprintf(t + j, sizeof(t) - j, "%s%s", words ? " " : "", w);
		words++;
	}
	t[j] = 0;
	for (i = 0; i < NCLASS; i++) {
		if (!cls[i].n) {
			snprintf(cls[i].text, sizeof(cls[i].text), "%s", t);
			snprintf(cls[i].example, sizeof(cls[i].example), "%.*s",
				 (int)strcspn(msg, "\n"), msg);
			cls[i].n = 1;
			return;
		}
		if (!strcmp(cls[i].text, t)) {
			cls[i].n++;
			return;
		}
	}
	cls_other++;
}

/*
 * Read new kernel log records; returns 1 if one is a device-mapper error.
 * The "ec: " reason, if any, is classified.
 */
static int kmsg_reason(char *out, size_t outlen)
{
	char buf[8192];
	int found = 0;
	ssize_t n;

	if (out && outlen)
		out[0] = 0;
	if (kmsg_fd < 0)
		return 1;
	for (;;) {
		char *msg, *ec;

		n = read(kmsg_fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		buf[n] = 0;
		msg = strchr(buf, ';');
		msg = msg ? msg + 1 : buf;
		/* dm core logs a refused table as "table: <dev>: <type>: <why>" */
		if (!strstr(msg, "device-mapper: table:") &&
		    !strstr(msg, "device-mapper: ioctl:"))
			continue;
		found = 1;
		ec = strstr(msg, ": ec: ");
		if (ec) {
			classify(ec + 2);
			if (out && !out[0])
				snprintf(out, outlen, "%.400s", ec + 2);
		} else if (out && !out[0]) {
			snprintf(out, outlen, "%.400s", msg);
		}
	}
	if (out) {
		char *nl = strchr(out, '\n');

		if (nl)
			*nl = 0;
	}
	return found;
}

/* ------------------------------------------------------------------ */
/* DM ioctls */

static union {
	struct dm_ioctl io;
	char buf[LINE_MAX_LEN * 2 + 65536];
} dmb;

static int dm_call(unsigned long cmd, const char *name, uint32_t flags,
		   const void *payload, size_t plen, uint32_t targets)
{
	memset(&dmb.io, 0, sizeof(dmb.io));
	dmb.io.version[0] = DM_VERSION_MAJOR;
	dmb.io.version[1] = 0;
	dmb.io.version[2] = 0;
	dmb.io.data_size = sizeof(dmb.buf);
	dmb.io.data_start = sizeof(struct dm_ioctl);
	dmb.io.flags = flags;
	dmb.io.target_count = targets;
	if (name)
		snprintf(dmb.io.name, sizeof(dmb.io.name), "%s", name);
	if (plen)
		memcpy(dmb.buf + sizeof(struct dm_ioctl), payload, plen);
	if (ioctl(ctl_fd, cmd, &dmb.io) < 0)
		return -errno;
	return 0;
}

/* Append a target spec; returns the new length. */
static size_t spec_add(char *p, size_t off, uint64_t start, uint64_t len,
		       const char *type, const char *params)
{
	struct dm_target_spec *s = (struct dm_target_spec *)(p + off);
	size_t plen = strlen(params) + 1, total;

	total = sizeof(*s) + plen;
	total = (total + 7) & ~(size_t)7;
	memset(s, 0, total);
	s->sector_start = start;
	s->length = len;
	snprintf(s->target_type, sizeof(s->target_type), "%s", type);
	memcpy(p + off + sizeof(*s), params, plen);
	s->next = total;
	return off + total;
}

static char spec_buf[LINE_MAX_LEN * 2 + 4096];

struct dmdev {
	char name[16];
	int exists;
	int live;		/* has a live (resumed) table */
	int inactive;		/* has an inactive table */
	int ec_live;		/* the live table is one ec target */
	dev_t dev;
	uint32_t live_uses;	/* members named by its live table */
	uint32_t inactive_uses;	/* and by its inactive table */
};

static struct dmdev devs[NDEV];

static int dm_create_dev(struct dmdev *d)
{
	int r = dm_call(DM_DEV_CREATE, d->name, 0, NULL, 0, 0);

	if (r) {
		fail("create %s: %s", d->name, strerror(-r));
		return r;
	}
	d->exists = 1;
	d->live = d->inactive = d->ec_live = 0;
	d->live_uses = d->inactive_uses = 0;
	/* huge_encode_dev() */
	d->dev = makedev((dmb.io.dev & 0xfff00) >> 8,
			 (dmb.io.dev & 0xff) | ((dmb.io.dev >> 12) & 0xfff00));
	return 0;
}

static void dm_remove_dev(struct dmdev *d)
{
	int r, tries;

	if (!d->exists)
		return;
	op_begin("remove", d->name);
	for (tries = 0; tries < 50; tries++) {
		r = dm_call(DM_DEV_REMOVE, d->name, 0, NULL, 0, 0);
		if (r != -EBUSY)
			break;
		usleep(100000);
	}
	op_end();
	if (r)
		fail("remove %s: %s", d->name, strerror(-r));
	st_remove++;
	d->exists = d->live = d->inactive = d->ec_live = 0;
	d->live_uses = d->inactive_uses = 0;
}

/* ------------------------------------------------------------------ */
/* Line generation */

struct line {
	uint64_t start, len;
	char *w[MAX_WORDS];	/* the ec parameters, word by word */
	unsigned int nw;
	int second;		/* add a second target after this one */
};

static char words_store[MAX_WORDS * 2][WORD_MAX + 1];
static unsigned int words_used;

static char *wdup(const char *s)
{
	char *w = words_store[words_used++ % (MAX_WORDS * 2)];

	snprintf(w, WORD_MAX + 1, "%s", s);
	return w;
}

static char *wfmt(const char *fmt, ...)
{
	char tmp[WORD_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return wdup(tmp);
}

static void lpush(struct line *l, char *w)
{
	if (l->nw < MAX_WORDS)
		l->w[l->nw++] = w;
}

static const char *member_word(const struct member *m)
{
	return chance(50) ? m->path : m->num;
}

/* The parameters of a valid line on members that are blank or its own. */
struct geom {
	unsigned int k, m, chunk, nopt;
	int slot[MAX_MEMBERS];		/* member index or -1 for '-' */
	uint64_t maxlen;
};

static void gen_valid(struct line *l, struct geom *g)
{
	unsigned int n, i, k, m, chunk, perm[MAX_MEMBERS] = { 0 }, nrebuild = 0,
		     nmissing = 0, opt_words = 0;
	uint64_t minsz = UINT64_MAX;
	char *opts[16];
	unsigned int nopts = 0;

	n = 2 + rn(nmem - 1);			/* 2..nmem members */
	m = 1 + rn(n - 1 < 4 ? n - 1 : 4);
	k = n - m;
	chunk = 8u << rn(11);
	for (i = 0; i < nmem; i++)
		perm[i] = i;
	for (i = nmem - 1; i > 0; i--) {
		unsigned int j = rn(i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	g->k = k;
	g->m = m;
	for (i = 0; i < n; i++) {
		g->slot[i] = perm[i];
		if (mem[perm[i]].sectors < minsz)
			minsz = mem[perm[i]].sectors;
	}
	while (minsz < DATA_OFFSET + chunk && chunk > 8)
		chunk >>= 1;
	g->chunk = chunk;
	/* up to m missing ('-') members, mostly none */
	if (chance(20)) {
		unsigned int miss = 1 + rn(m);

		for (i = 0; i < miss; i++) {
			unsigned int s = rn(n);

			if (g->slot[s] >= 0) {
				g->slot[s] = -1;
				nmissing++;
			}
		}
	}
	g->maxlen = (uint64_t)k * ((minsz - DATA_OFFSET) / chunk * chunk);
	l->start = 0;
	switch (rn(4)) {
	case 0:
		l->len = g->maxlen;
		break;
	case 1:
		l->len = (1 + rn(g->maxlen / chunk)) * (uint64_t)chunk;
		break;
	default:
		l->len = 1 + rnd() % g->maxlen;
		break;
	}
	if (chance(60))
		opts[nopts++] = wdup("nosync");
	if (chance(15))
		for (i = rn(m - (nmissing < m ? nmissing : m) + 1); i > 0; i--) {
			unsigned int s = rn(n);

			if (g->slot[s] < 0)
				continue;
			opts[nopts++] = wdup("rebuild");
			opts[nopts++] = wfmt("%u", s);
			if (++nrebuild >= 1)
				break;
		}
	if (chance(20)) {
		opts[nopts++] = wdup("max_rebuild_rate");
		opts[nopts++] = wfmt("%u", rn(3) ? rn(1000000) : 0);
	}
	if (chance(20)) {
		opts[nopts++] = wdup("region_size");
		opts[nopts++] = wfmt("%u", 8u << rn(20));
	}
	/* shuffle option pairs is not allowed (key value); order of keys free */
	opt_words = nopts;
	g->nopt = opt_words;
	l->nw = 0;
	lpush(l, wfmt("%u", k));
	lpush(l, wfmt("%u", m));
	lpush(l, wfmt("%u", chunk));
	lpush(l, wfmt("%u", opt_words));
	for (i = 0; i < nopts; i++)
		lpush(l, opts[i]);
	for (i = 0; i < n; i++)
		lpush(l, g->slot[i] < 0 ? wdup("-") :
		      wdup(member_word(&mem[g->slot[i]])));
}

static const char *const keywords[] = {
	"nosync", "rebuild", "max_rebuild_rate", "region_size", "-", "NOSYNC",
	"Rebuild", "sync", "resync", "region", "rebuild_rate", "ec", "linear",
};

static char *random_number(void)
{
	switch (rn(18)) {
	case 0: return wdup("0");
	case 1: return wdup("1");
	case 2: return wdup("-1");
	case 3: return wdup("4294967295");
	case 4: return wdup("4294967296");
	case 5: return wdup("18446744073709551615");
	case 6: return wdup("18446744073709551616");
	case 7: return wdup("99999999999999999999999999");
	case 8: return wfmt("0x%x", rn(64));
	case 9: return wfmt("0%o", rn(64));
	case 10: return wfmt("+%u", rn(64));
	case 11: return wfmt("%ue3", rn(10));
	case 12: return wfmt("%u", 1u << rn(32));
	case 13: return wfmt("%u", (1u << rn(32)) - 1);
	case 14: return wfmt("-%u", rn(100000));
	case 15: return wfmt("%u.5", rn(20));
	case 16: return wfmt("%u ", rn(40));
	default: return wfmt("%u", rn(40));
	}
}

static char *random_word(void)
{
	static const char alpha[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		"-_:./,;=+\\\"'%#!?*()[]{}<>|~^&$";
	char tmp[WORD_MAX + 1];
	unsigned int i, len;

	switch (rn(12)) {
	case 0:
		return random_number();
	case 1:
		return wdup(keywords[rn(sizeof(keywords) / sizeof(*keywords))]);
	case 2:
		return wdup(member_word(&mem[rn(nmem)]));
	case 3:
		return wdup(have_small && chance(50) ? member_word(&small) :
			    (chance(50) ? "/dev/mapper/ecf_nonexistent" : "0:0"));
	case 4:
		return wdup("");
	case 5:			/* overlong */
		len = 200 + rn(WORD_MAX - 200);
		for (i = 0; i < len; i++)
			tmp[i] = chance(50) ? '9' : 'A' + rn(26);
		tmp[len] = 0;
		return wdup(tmp);
	case 6:		/* no such device: majors >= 1000 are not allocated */
		return wfmt("%u:%u", 1000 + rn(3000), rn(1u << 20));
	case 7:
		return wdup("\\");
	default:
		len = 1 + rn(12);
		for (i = 0; i < len; i++)
			tmp[i] = alpha[rn(sizeof(alpha) - 1)];
		tmp[len] = 0;
		if (tmp[0] == '@')
			tmp[0] = 'a';
		return wdup(tmp);
	}
}

static void mutate(struct line *l, const struct geom *g)
{
	unsigned int i, j, nmut = chance(60) ? 1 : 2 + rn(2);
	char *t;

	while (nmut--) {
		unsigned int pos = l->nw ? rn(l->nw) : 0;

		switch (rn(16)) {
		case 0:		/* change a word */
			if (l->nw)
				l->w[pos] = random_word();
			break;
		case 1:		/* delete a word */
			if (l->nw) {
				for (i = pos; i + 1 < l->nw; i++)
					l->w[i] = l->w[i + 1];
				l->nw--;
			}
			break;
		case 2:		/* duplicate a word */
			if (l->nw && l->nw < MAX_WORDS) {
				for (i = l->nw; i > pos; i--)
					l->w[i] = l->w[i - 1];
				l->nw++;
			}
			break;
		case 3:		/* swap two words */
			if (l->nw > 1) {
				j = rn(l->nw);
				t = l->w[pos];
				l->w[pos] = l->w[j];
				l->w[j] = t;
			}
			break;
		case 4:		/* insert a random word */
			if (l->nw < MAX_WORDS) {
				for (i = l->nw; i > pos; i--)
					l->w[i] = l->w[i - 1];
				l->w[pos] = random_word();
				l->nw++;
			}
			break;
		case 5:		/* k, m, chunk or #opt_args a number */
			if (l->nw > 3)
				l->w[rn(4)] = random_number();
			break;
		case 6:		/* option count off by a little */
			if (l->nw > 3)
				l->w[3] = wfmt("%d", (int)g->nopt + (int)rn(7) - 3);
			break;
		case 7:		/* a member: duplicate, missing, small, gone */
			if (l->nw > 4 + g->nopt) {
				pos = 4 + g->nopt + rn(l->nw - 4 - g->nopt);
				switch (rn(5)) {
				case 0:
					l->w[pos] = wdup(member_word(&mem[rn(nmem)]));
					break;
				case 1:
					l->w[pos] = wdup("-");
					break;
				case 2:
					l->w[pos] = have_small ?
						wdup(member_word(&small)) : wdup("-");
					break;
				case 3:
					l->w[pos] = wdup("/dev/mapper/ecf_nonexistent");
					break;
				default:
					l->w[pos] = wfmt("%u:%u", chance(50) ? 0 : 1000 + rn(3000),
							 rn(1024));
					break;
				}
			}
			break;
		case 8:		/* length too big / odd / zero */
			switch (rn(6)) {
			case 0: l->len = g->maxlen + g->chunk; break;
			case 1: l->len = g->maxlen + 1; break;
			case 2: l->len = g->maxlen * 2; break;
			case 3: l->len = 0; break;
			case 4: l->len = (uint64_t)1 << (40 + rn(23)); break;
			default: l->len = UINT64_MAX / (1 + rn(4)); break;
			}
			break;
		case 9:		/* start not 0 */
			l->start = chance(50) ? 1 + rn(100) : rnd();
			break;
		case 10:	/* rebuild index out of range / odd */
			if (l->nw < MAX_WORDS - 2) {
				unsigned int n = g->k + g->m;
				const char *v[] = { "rebuild", "max_rebuild_rate",
						    "region_size", "nosync" };

				for (i = l->nw + 1; i > 5; i--)
					l->w[i] = l->w[i - 2];
				l->w[4] = wdup(v[rn(4)]);
				switch (rn(6)) {
				case 0: l->w[5] = wfmt("%u", n); break;
				case 1: l->w[5] = wfmt("%u", n + rn(100)); break;
				case 2: l->w[5] = wfmt("%u", rn(n)); break;
				case 3: l->w[5] = wfmt("%u", 1u << rn(32)); break;
				default: l->w[5] = random_number(); break;
				}
				l->nw += 2;
				if (chance(70))
					l->w[3] = wfmt("%u", g->nopt + 2);
			}
			break;
		case 11:	/* truncate */
			l->nw = rn(l->nw + 1);
			break;
		case 12:	/* one more or one fewer member */
			if (chance(50) && l->nw < MAX_WORDS)
				l->w[l->nw++] = wdup(chance(50) ? "-" :
					member_word(&mem[rn(nmem)]));
			else if (l->nw)
				l->nw--;
			break;
		case 13:	/* chunk not a power of two, out of range */
			if (l->nw > 2) {
				unsigned int c[] = { 0, 1, 4, 7, 12, 16384, 24, 8193,
						     65536 };
				l->w[2] = wfmt("%u", c[rn(9)]);
			}
			break;
		case 14:	/* k, m out of range */
			if (l->nw > 1) {
				unsigned int v[] = { 0, 5, 29, 31, 32, 33, 100 };
				l->w[rn(2)] = wfmt("%u", v[rn(7)]);
			}
			break;
		default:	/* every member as '-', or all the same */
			if (l->nw > 4 + g->nopt) {
				const char *w = chance(50) ? "-" :
					member_word(&mem[rn(nmem)]);

				for (i = 4 + g->nopt; i < l->nw; i++)
					l->w[i] = wdup(w);
			}
			break;
		}
	}
}

static void gen_soup(struct line *l)
{
	unsigned int i, n = rn(40);

	l->start = chance(90) ? 0 : rn(16);
	l->len = chance(50) ? 1 + rn(1 << 20) : rnd() >> rn(64);
	l->nw = 0;
	for (i = 0; i < n; i++)
		lpush(l, random_word());
}

/* A word that names a protected device is replaced by '-'. */
static int protected_word(const char *w)
{
	unsigned int ma, mi, i;
	struct stat st;
	char c;
	dev_t d = 0;

	if (sscanf(w, "%u:%u%c", &ma, &mi, &c) == 2)
		d = makedev(ma, mi);
	else if (w[0] == '/' && !stat(w, &st) && S_ISBLK(st.st_mode))
		d = st.st_rdev;
	else
		return 0;
	for (i = 0; i < nprotect; i++)
		if (protect[i] == d)
			return 1;
	/* nor our own devices: a table naming its own device deadlocks dm */
	for (i = 0; i < NDEV; i++)
		if (devs[i].exists && devs[i].dev == d)
			return 1;
	return 0;
}

static void line_text(const struct line *l, char *out, size_t outlen)
{
	size_t off = 0;
	unsigned int i;

	out[0] = 0;
	for (i = 0; i < l->nw && off + 2 < outlen; i++)
		off += snprintf(out + off, outlen - off, "%s%s", i ? " " : "",
				l->w[i]);
}

/* ------------------------------------------------------------------ */

/* Members a line names (by path or number). */
static uint32_t line_members(const struct line *l)
{
	uint32_t u = 0;
	unsigned int i, j;

	for (i = 0; i < l->nw; i++)
		for (j = 0; j < nmem; j++)
			if (!strcmp(l->w[i], mem[j].path) ||
			    !strcmp(l->w[i], mem[j].num))
				u |= 1u << j;
	return u;
}

static uint32_t members_in_use(void)
{
	uint32_t u = 0;
	unsigned int i;

	for (i = 0; i < NDEV; i++)
		if (devs[i].exists)
			u |= devs[i].live_uses | devs[i].inactive_uses;
	return u;
}

static const int ok_load_errnos[] = {
	EINVAL, ENXIO, ENODEV, ENOMEM, EIO, EBUSY, ENOENT, EPROTO, EUCLEAN,
	ENOTBLK, E2BIG, ERANGE, 0
};

static int errno_in(int e, const int *set)
{
	for (; *set; set++)
		if (*set == e)
			return 1;
	return 0;
}

static char params[LINE_MAX_LEN];

/* Load l into d (as its inactive table). 0 or -errno. */
static int do_load(struct dmdev *d, const struct line *l, int must_work)
{
	char reason[512];
	size_t off;
	uint32_t ntgt = 1;
	int r, tries;

	line_text(l, params, sizeof(params));
	off = spec_add(spec_buf, 0, l->start, l->len, "ec", params);
	if (l->second) {
		off = spec_add(spec_buf, off, l->start + l->len, 8, "error", "");
		ntgt = 2;
		st_two_targets++;
	}
	kmsg_skip();
	{
		char desc[LINE_MAX_LEN + 64];

		snprintf(desc, sizeof(desc), "%" PRIu64 " %" PRIu64 " ec %s%s",
			 l->start, l->len, params, l->second ? " + error" : "");
		op_begin("load", desc);
	}
	r = dm_call(DM_TABLE_LOAD, d->name, 0, spec_buf, off, ntgt);
	op_end();
	if (!r) {
		st_load_ok++;
		d->inactive = 1;
		d->inactive_uses = line_members(l);
		return 0;
	}
	st_load_err++;
	st_load_errno[-r & 255]++;
	if (!errno_in(-r, ok_load_errnos))
		fail("load returned %s: %" PRIu64 " %" PRIu64 " ec %.500s",
		     strerror(-r), l->start, l->len, params);
	/*
	 * A record of another context still being written holds back the
	 * ones after it: give the log a moment before calling it missing.
	 */
	for (tries = 0; !kmsg_reason(reason, sizeof(reason)) && tries < 40; tries++)
		usleep(50000);
	if (tries == 40)
		fail("load failed (%s) without a device-mapper error in the kernel log: %.500s",
		     strerror(-r), params);
	if (must_work)
		fail("valid line refused (%s: %s): %" PRIu64 " %" PRIu64 " ec %.500s",
		     strerror(-r), reason, l->start, l->len, params);
	return r;
}

static int do_resume(struct dmdev *d, int must_work)
{
	char reason[512];
	int r;

	kmsg_skip();
	op_begin("resume", d->name);
	r = dm_call(DM_DEV_SUSPEND, d->name, 0, NULL, 0, 0);
	op_end();
	if (!r) {
		st_resume_ok++;
		d->live = 1;
		d->ec_live = 1;
		d->inactive = 0;
		d->live_uses = d->inactive_uses;
		d->inactive_uses = 0;
		return 0;
	}
	st_resume_err++;
	kmsg_reason(reason, sizeof(reason));
	if (must_work)
		fail("resume of a valid table failed: %s (%s)", strerror(-r),
		     reason);
	/* a failed resume leaves the inactive table in place */
	return r;
}

static int do_status(struct dmdev *d, int table, char *out, size_t outlen)
{
	struct dm_target_spec *s;
	int r;

	op_begin(table ? "table" : "status", d->name);
	r = dm_call(DM_TABLE_STATUS, d->name, table ? DM_STATUS_TABLE_FLAG : 0,
		    NULL, 0, 0);
	op_end();
	if (r)
		return r;
	if (dmb.io.flags & DM_BUFFER_FULL_FLAG)
		return -ENOSPC;
	out[0] = 0;
	if (dmb.io.target_count < 1)
		return -ENOENT;
	s = (struct dm_target_spec *)(dmb.buf + dmb.io.data_start);
	if (strcmp(s->target_type, "ec"))
		return -ENOENT;
	snprintf(out, outlen, "%s", (char *)(s + 1));
	return 0;
}

/* The contract's status fields: k m n health done/total action mismatch codec */
static int status_ok(const char *st, unsigned int k, unsigned int m)
{
	unsigned int sk, sm, sn;
	char health[64], action[32], codec[32];
	unsigned long long done, total, mis;
	int nf, pos = 0;
	size_t i;

	nf = sscanf(st, "%u %u %u %63s %llu/%llu %31s %llu %31s%n", &sk, &sm, &sn,
		    health, &done, &total, action, &mis, codec, &pos);
	if (nf != 9 || sk != k || sm != m || sn != k + m ||
	    strlen(health) != sn)
		return 0;
	for (i = 0; i < sn; i++)
		if (!strchr("AaD-", health[i]))
			return 0;
	return !strcmp(action, "idle") || !strcmp(action, "frozen") ||
	       !strcmp(action, "resync") || !strcmp(action, "rebuild") ||
	       !strcmp(action, "check") || !strcmp(action, "repair");
}

static void do_message(struct dmdev *d, const char *msg)
{
	char buf[LINE_MAX_LEN + sizeof(struct dm_target_msg)];
	struct dm_target_msg *tm = (struct dm_target_msg *)buf;
	size_t len = strlen(msg);
	int r;

	memset(tm, 0, sizeof(*tm));
	tm->sector = 0;
	memcpy(tm->message, msg, len + 1);
	op_begin("message", msg);
	r = dm_call(DM_TARGET_MSG, d->name, 0, buf,
		    sizeof(*tm) + len + 1, 0);
	op_end();
	if (!r) {
		st_msg_ok++;
		return;
	}
	st_msg_err++;
	st_msg_errno[-r & 255]++;
	if (r != -EINVAL && r != -EBUSY && r != -EIO)
		fail("message '%.200s' returned %s", msg, strerror(-r));
}

static void gen_message(char *out, size_t outlen, unsigned int n)
{
	static const char *const verbs[] = {
		"check", "repair", "idle", "frozen", "resync", "fail",
	};
	unsigned int i, nw;
	size_t off = 0;
	char *w;

	if (chance(30)) {	/* valid */
		const char *v = verbs[rn(6)];

		if (!strcmp(v, "fail"))
			snprintf(out, outlen, "fail %u", rn(n ? n : 1));
		else
			snprintf(out, outlen, "%s", v);
		return;
	}
	out[0] = 0;
	switch (rn(8)) {
	case 0:
		snprintf(out, outlen, "fail %s", random_number());
		return;
	case 1:
		snprintf(out, outlen, "fail %u", n + rn(40));
		return;
	case 2:
		snprintf(out, outlen, "%s %s", verbs[rn(6)], random_word());
		return;
	case 3:
		snprintf(out, outlen, "fail");
		return;
	case 4: {
		const char *v = verbs[rn(6)];
		char up[16];

		for (i = 0; v[i] && i < sizeof(up) - 1; i++)
			up[i] = chance(50) ? toupper(v[i]) : v[i];
		up[i] = 0;
		snprintf(out, outlen, "%s", up);
		return;
	}
	case 5:
		snprintf(out, outlen, "fail %u %u", rn(n + 1), rn(n + 1));
		return;
	default:
		nw = rn(6);
		for (i = 0; i < nw && off + 2 < outlen; i++) {
			w = random_word();
			off += snprintf(out + off, outlen - off, "%s%s",
					i ? " " : "", w);
		}
		if (out[0] == '@')
			out[0] = 'x';
		if (!out[0])
			snprintf(out, outlen, "x");
		return;
	}
}

/* Zero both superblock copies of the members of g (none may be in use). */
static int blank_members(const struct geom *g)
{
	static char zero[8192] __attribute__((aligned(4096)));
	uint32_t busy = members_in_use();
	unsigned int i;

	for (i = 0; i < g->k + g->m; i++) {
		int fd;

		if (g->slot[i] < 0 || (busy & (1u << g->slot[i])))
			continue;
		fd = open(mem[g->slot[i]].path, O_WRONLY | O_DIRECT);
		if (fd < 0 || pwrite(fd, zero, sizeof(zero), 0) != sizeof(zero)) {
			fail("cannot blank %s: %s", mem[g->slot[i]].path,
			     strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		fsync(fd);
		close(fd);
	}
	return 0;
}

static void remove_all(void)
{
	unsigned int i;

	for (i = 0; i < NDEV; i++)
		dm_remove_dev(&devs[i]);
}

/* Remove everything, blank the members of a valid line: it must work. */
static void valid_case(void)
{
	struct line l;
	struct geom g;
	struct dmdev *d = &devs[0];
	char st[4096], tbl[LINE_MAX_LEN];
	unsigned int i;

	remove_all();
	memset(&l, 0, sizeof(l));
	gen_valid(&l, &g);
	if (blank_members(&g))
		return;
	if (dm_create_dev(d))
		return;
	st_valid++;
	if (do_load(d, &l, 1) || do_resume(d, 1))
		return;
	if (do_status(d, 0, st, sizeof(st)) || !status_ok(st, g.k, g.m))
		fail("status of a valid volume does not have the contract's fields: '%s'",
		     st);
	st_status++;
	/* the printed table loads again */
	if (!do_status(d, 1, tbl, sizeof(tbl))) {
		struct line rt;
		char *p, *save = NULL;

		memset(&rt, 0, sizeof(rt));
		rt.len = l.len;
		for (p = strtok_r(tbl, " ", &save); p; p = strtok_r(NULL, " ", &save))
			lpush(&rt, wdup(p));
		if (!do_load(d, &rt, 1)) {
			st_roundtrip++;
			if (chance(50))
				do_resume(d, 1);
			else if (!dm_call(DM_TABLE_CLEAR, d->name, 0, NULL, 0, 0))
				st_clear++;
			d->inactive = 0;
			d->inactive_uses = 0;
		}
	} else {
		fail("table of a valid volume cannot be read");
	}
	for (i = rn(4); i > 0; i--) {
		char msg[256];

		gen_message(msg, sizeof(msg), g.k + g.m);
		do_message(d, msg);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ec_fuzz [-s SEED] [-n COUNT] [-v] [-x PROTECTED]... [-S SMALL] MEMBER...\n");
	exit(2);
}

static int add_member(struct member *m, const char *path)
{
	struct stat st;
	uint64_t bytes;
	int fd;

	if (stat(path, &st) || !S_ISBLK(st.st_mode)) {
		fprintf(stderr, "ec_fuzz: %s is not a block device\n", path);
		return -1;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes)) {
		fprintf(stderr, "ec_fuzz: %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	m->path = path;
	m->dev = st.st_rdev;
	m->sectors = bytes >> 9;
	snprintf(m->num, sizeof(m->num), "%u:%u", major(m->dev), minor(m->dev));
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 10000, i, seed = 0;
	pthread_t wd;
	struct timespec t0, t1;
	int c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	while ((c = getopt(argc, argv, "s:n:vx:S:")) != -1) {
		switch (c) {
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'x': {
			struct member p;
			unsigned int ma, mi;

			if (nprotect >= 64)
				usage();
			if (sscanf(optarg, "%u:%u", &ma, &mi) == 2)
				protect[nprotect++] = makedev(ma, mi);
			else if (!add_member(&p, optarg))
				protect[nprotect++] = p.dev;
			else
				return 2;
			break;
		}
		case 'S':
			if (add_member(&small, optarg))
				return 2;
			have_small = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	for (; optind < argc && nmem < MAX_MEMBERS; optind++)
		if (add_member(&mem[nmem++], argv[optind]))
			return 2;
	if (nmem < 2)
		usage();
	for (i = 0; i < nmem; i++) {
		unsigned int j;

		for (j = 0; j < nprotect; j++)
			if (protect[j] == mem[i].dev) {
				fprintf(stderr, "ec_fuzz: member %s is protected\n",
					mem[i].path);
				return 2;
			}
	}
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	printf("# ec_fuzz: seed %lu, %lu inputs, %u members\n", seed, count, nmem);
	fflush(stdout);

	ctl_fd = open("/dev/mapper/control", O_RDWR);
	if (ctl_fd < 0) {
		perror("ec_fuzz: /dev/mapper/control");
		return 2;
	}
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0)
		perror("ec_fuzz: /dev/kmsg (reasons not checked)");
	for (i = 0; i < NDEV; i++) {
		snprintf(devs[i].name, sizeof(devs[i].name), "ecf_%lu", i);
		/* left over from an earlier run */
		dm_call(DM_DEV_REMOVE, devs[i].name, 0, NULL, 0, 0);
	}
	pthread_create(&wd, NULL, watchdog, NULL);

	for (n_input = 1; n_input <= count; n_input++) {
		unsigned int op = rn(100);
		struct dmdev *d = &devs[rn(NDEV)];

		if (op < 3) {
			valid_case();
		} else if (op < 58) {
			struct line l;
			struct geom g;
			char txt[LINE_MAX_LEN];
			unsigned int w, bad = 0;

			memset(&l, 0, sizeof(l));
			gen_valid(&l, &g);
			/* blank what no device uses: valid-ish lines can load */
			if (chance(50)) {
				blank_members(&g);
				st_blanked++;
			}
			if (chance(80))
				mutate(&l, &g);
			else if (chance(50))
				gen_soup(&l);
			l.second = chance(4);
			for (w = 0; w < l.nw; w++)
				if (protected_word(l.w[w])) {
					l.w[w] = wdup("-");
					bad++;
				}
			(void)bad;
			line_text(&l, txt, sizeof(txt));
			if (!d->exists && dm_create_dev(d))
				continue;
			if (!do_load(d, &l, 0)) {
				if (chance(70))
					do_resume(d, 0);
				else
					st_left_inactive++;
			}
		} else if (op < 88) {
			char msg[8192];
			unsigned int k = 0;

			if (!d->exists || !d->ec_live) {
				n_input--;
				continue;
			}
			for (k = 1 + rn(3); k > 0; k--) {
				gen_message(msg, sizeof(msg), 2 + rn(14));
				do_message(d, msg);
			}
		} else if (op < 92) {
			char st[4096];

			if (!d->exists || !d->ec_live) {
				n_input--;
				continue;
			}
			if (!do_status(d, 0, st, sizeof(st)))
				st_status++;
			do_status(d, 1, st, sizeof(st));
		} else if (op < 96) {
			if (!d->exists) {
				n_input--;
				continue;
			}
			dm_remove_dev(d);
		} else {
			if (!d->exists || !d->inactive) {
				n_input--;
				continue;
			}
			if (chance(50)) {
				op_begin("clear", d->name);
				if (!dm_call(DM_TABLE_CLEAR, d->name, 0, NULL, 0, 0))
					st_clear++;
				op_end();
				d->inactive = 0;
				d->inactive_uses = 0;
			} else {
				do_resume(d, 0);
			}
		}
		if (n_input % 1000 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			printf("# %lu inputs, %.0f s\n", n_input,
			       (double)(t1.tv_sec - t0.tv_sec));
			fflush(stdout);
		}
	}
	n_input = count;
	remove_all();
	clock_gettime(CLOCK_MONOTONIC, &t1);

	printf("# seed %lu: %lu inputs in %.1f s\n", seed, count,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("# loads: %lu accepted, %lu refused (%lu with a second target); "
	       "%lu valid lines on blanked members, %lu table round trips; "
	       "%lu fuzz lines on (partly) blanked members\n",
	       st_load_ok, st_load_err, st_two_targets, st_valid, st_roundtrip,
	       st_blanked);
	printf("# resumes: %lu ok, %lu failed; %lu left inactive, %lu cleared, %lu removes\n",
	       st_resume_ok, st_resume_err, st_left_inactive, st_clear, st_remove);
	printf("# messages: %lu accepted, %lu refused; %lu status reads\n",
	       st_msg_ok, st_msg_err, st_status);
	printf("# load errors:");
	for (i = 0; i < 256; i++)
		if (st_load_errno[i])
			printf(" %s=%lu", strerrorname_np(i) ? strerrorname_np(i) : "?",
			       st_load_errno[i]);
	printf("\n# message errors:");
	for (i = 0; i < 256; i++)
		if (st_msg_errno[i])
			printf(" %s=%lu", strerrorname_np(i) ? strerrorname_np(i) : "?",
			       st_msg_errno[i]);
	for (i = 0; i < NCLASS; i++) {	/* most frequent first */
		unsigned long j;

		for (j = i + 1; j < NCLASS; j++)
			if (cls[j].n > cls[i].n) {
				typeof(cls[0]) t = cls[i];

				cls[i] = cls[j];
				cls[j] = t;
			}
	}
	printf("\n# reasons (ti->error, numbers as #):\n");
	for (i = 0; i < NCLASS && cls[i].n; i++)
		printf("#   %6lu  %s\n#           e.g. %s\n", cls[i].n, cls[i].text,
		       cls[i].example);
	if (cls_other)
		printf("#   %6lu  (other)\n", cls_other);
	printf("# %lu assertion failures\n", n_fail);
	return n_fail ? 1 : 0;
}
