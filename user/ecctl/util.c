// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: messages, names, formatting, JSON strings, device sizes.
 */
#include <time.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include "ecctl.h"

const char *prog = "ecctl";
/* What every message starts with: "ecctl <command>" once one is running. */
const char *who = "ecctl";

void set_who(const char *cmd)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%s %s", prog, cmd);
	who = buf;
}

/* A message on stderr: "ecctl <command>: <object>: <cause>". */
void err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Bits 0..n-1: the members of a volume of n <= 32 members. */
uint32_t member_mask(unsigned int n)
{
	return n >= 32 ? UINT32_MAX : (1U << n) - 1;
}

/* Names of the protocol's enums, as status, --json and monitor print them. */
static const char *const action_names[] = {
	[DM_EC_ACTION_IDLE] = "idle",
	[DM_EC_ACTION_FROZEN] = "frozen",
	[DM_EC_ACTION_RESYNC] = "resync",
	[DM_EC_ACTION_REBUILD] = "rebuild",
	[DM_EC_ACTION_CHECK] = "check",
	[DM_EC_ACTION_REPAIR] = "repair",
};

const char *action_name(unsigned int a)
{
	return a <= DM_EC_ACTION_MAX ? action_names[a] : "unknown";
}

static const char *const result_names[] = {
	[DM_EC_RESULT_COMPLETE] = "complete",
	[DM_EC_RESULT_ABORTED] = "aborted",
	[DM_EC_RESULT_ERROR] = "error",
};

const char *result_name(unsigned int r)
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

const char *mstate_name(unsigned int s)
{
	return s <= DM_EC_MSTATE_MAX ? mstate_names[s] : "unknown";
}

/* The member's letter in the status line and in list: A a D -. */
char mstate_char(unsigned int s)
{
	return s <= DM_EC_MSTATE_MAX ? mstate_chars[s] : '?';
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

const char *event_name(unsigned int e)
{
	return e <= DM_EC_EVENT_MAX ? event_names[e] : "unknown";
}

void uuid_str(const uint8_t *u, char *out)
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

/* A device node path for major:minor ("/dev/mapper/x", "/dev/ram0"). */
void dev_path(unsigned int maj, unsigned int min, char *out, size_t len)
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

void human_size(uint64_t bytes, char *out, size_t len)
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

void fmt_duration(double s, char *out, size_t len)
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

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void fmt_time(uint64_t secs, char *out, size_t len)
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
void json_str(FILE *f, const char *str)
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

/* Append to buf (size bytes, *o used); false once it is full. */
bool __attribute__((format(printf, 4, 5)))
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

/* Size of an open block device or regular file, in sectors. */
int fd_sectors(int fd, uint64_t *sectors)
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

/* Size of a block device or regular file by path, in sectors. */
int block_size(const char *path, uint64_t *sectors)
{
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = fd_sectors(fd, sectors);
	close(fd);
	return e;
}

/* Is path the same file or device as st? */
bool same_file(const char *path, const struct stat *st)
{
	struct stat s2;

	if (stat(path, &s2) < 0)
		return false;
	if (S_ISBLK(st->st_mode) && S_ISBLK(s2.st_mode))
		return st->st_rdev == s2.st_rdev;
	return st->st_dev == s2.st_dev && st->st_ino == s2.st_ino;
}
