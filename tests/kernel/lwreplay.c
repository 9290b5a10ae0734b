// SPDX-License-Identifier: GPL-2.0
/*
 * lwreplay - read and replay dm-log-writes logs (tests/kernel/t_replay.sh).
 *
 * The log format (Documentation/admin-guide/device-mapper/log-writes.rst):
 * sector 0 holds a super (magic, version, nr_entries, sectorsize); from
 * byte <sectorsize> on, every entry is one <sectorsize> header (sector,
 * nr_sectors, flags, data_len; a mark's name follows the header in the
 * same block) and, unless it is a discard, nr_sectors blocks of data.
 * Sectors in entries are in units of the logged device's sectorsize.
 *
 *   lwreplay list LOG
 *	"entries N" then "mark IDX NAME" for every mark (IDX counts entries
 *	from 0) and "flush IDX" for every empty flush (REQ_PREFLUSH without
 *	data: a flush of the whole volume reaches every member as one).
 *   lwreplay dump LOG FROM TO
 *	"IDX SECTOR NR_SECTORS FLAGS" for entries FROM <= idx < TO (FLAGS:
 *	F flush, U fua, D discard, M mark).
 *   lwreplay replay LOG TARGET FROM TO [LOG TARGET FROM TO]...
 *	Apply the writes of entries FROM <= idx < TO of each LOG to its
 *	TARGET (O_DIRECT; a discard is written as zeroes), then fsync.
 *
 * Exit 0 on success, 1 on a bad log or an I/O error, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LW_MAGIC	0x6a736677736872ULL
#define LW_FLUSH	(1 << 0)
#define LW_FUA		(1 << 1)
#define LW_DISCARD	(1 << 2)
#define LW_MARK		(1 << 3)
#define BUF_BYTES	(4u << 20)

struct lw_super {
	uint64_t magic, version, nr_entries;
	uint32_t sectorsize;
} __attribute__((packed));

struct lw_entry {
	uint64_t sector, nr_sectors, flags, data_len;
} __attribute__((packed));

struct lw_log {
	const char *path;
	int fd;
	uint32_t ss;		/* sectorsize */
	uint64_t nr;		/* entries */
	uint64_t idx;		/* next entry */
	uint64_t pos;		/* its byte offset */
	unsigned char *blk;	/* one aligned header block */
};

static unsigned char *buf;	/* aligned data buffer */

static int preadall(int fd, void *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pread(fd, p, n, off);

		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= r;
		off += r;
	}
	return 0;
}

static int pwriteall(int fd, const void *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pwrite(fd, p, n, off);

		if (r <= 0)
			return -1;
		p = (const char *)p + r;
		n -= r;
		off += r;
	}
	return 0;
}

static int log_open(struct lw_log *l, const char *path)
{
	struct lw_super s;

	l->path = path;
	l->fd = open(path, O_RDONLY | O_DIRECT);
	if (l->fd < 0) {
		fprintf(stderr, "lwreplay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (posix_memalign((void **)&l->blk, 4096, 4096) ||
	    preadall(l->fd, l->blk, 4096, 0)) {
		fprintf(stderr, "lwreplay: %s: cannot read the super\n", path);
		return -1;
	}
	memcpy(&s, l->blk, sizeof(s));
	l->ss = le32toh(s.sectorsize);
	l->nr = le64toh(s.nr_entries);
	if (le64toh(s.magic) != LW_MAGIC || le64toh(s.version) != 1 ||
	    l->ss < 512 || l->ss > 4096 || (l->ss & (l->ss - 1))) {
		fprintf(stderr, "lwreplay: %s: not a log-writes log\n", path);
		return -1;
	}
	l->idx = 0;
	l->pos = l->ss;
	return 0;
}

/* Read the next entry's header into e (and its mark name into name). */
static int log_next(struct lw_log *l, struct lw_entry *e, char *name,
		    size_t namesz)
{
	uint64_t dlen;

	if (l->idx >= l->nr)
		return 1;
	if (preadall(l->fd, l->blk, l->ss, l->pos)) {
		fprintf(stderr, "lwreplay: %s: cannot read entry %" PRIu64 "\n",
			l->path, l->idx);
		return -1;
	}
	memcpy(e, l->blk, sizeof(*e));
	e->sector = le64toh(e->sector);
	e->nr_sectors = le64toh(e->nr_sectors);
	e->flags = le64toh(e->flags);
	e->data_len = le64toh(e->data_len);
	if (name) {
		name[0] = 0;
		if (e->flags & LW_MARK) {
			dlen = e->data_len;
			if (dlen > l->ss - sizeof(*e) || dlen >= namesz) {
				fprintf(stderr, "lwreplay: %s: bad mark at entry %"
					PRIu64 "\n", l->path, l->idx);
				return -1;
			}
			memcpy(name, l->blk + sizeof(*e), dlen);
			name[dlen] = 0;
		}
	}
	return 0;
}

/* Step over the current entry (header and data). */
static void log_skip(struct lw_log *l, const struct lw_entry *e)
{
	l->pos += l->ss;
	if (!(e->flags & LW_DISCARD))
		l->pos += e->nr_sectors * l->ss;
	l->idx++;
}

/*
 * list: the entry count, marks and empty flushes of the whole log;
 * dump (dump set): every entry FROM <= idx < TO.
 */
static int cmd_list(const char *path, int dump, uint64_t from, uint64_t to)
{
	struct lw_log l;
	struct lw_entry e;
	char name[4096];
	int r = 0;

	if (log_open(&l, path))
		return 1;
	if (!dump)
		printf("entries %" PRIu64 "\n", l.nr);
	while (l.idx < to && !(r = log_next(&l, &e, name, sizeof(name)))) {
		if (dump) {
			if (l.idx >= from)
				printf("%" PRIu64 " %" PRIu64 " %" PRIu64
				       " %s%s%s%s %s\n", l.idx, e.sector,
				       e.nr_sectors,
				       e.flags & LW_FLUSH ? "F" : "",
				       e.flags & LW_FUA ? "U" : "",
				       e.flags & LW_DISCARD ? "D" : "",
				       e.flags & LW_MARK ? "M" : "-", name);
		} else if (e.flags & LW_MARK) {
			printf("mark %" PRIu64 " %s\n", l.idx, name);
		} else if ((e.flags & LW_FLUSH) && !e.nr_sectors) {
			printf("flush %" PRIu64 "\n", l.idx);
		}
		log_skip(&l, &e);
	}
	return r < 0;
}

static int replay_one(const char *log, const char *target, uint64_t from,
		      uint64_t to)
{
	struct lw_log l;
	struct lw_entry e;
	uint64_t done, n, off;
	int fd, r;

	if (log_open(&l, log))
		return 1;
	if (to > l.nr) {
		fprintf(stderr, "lwreplay: %s: %" PRIu64 " entries, not %" PRIu64
			"\n", log, l.nr, to);
		return 1;
	}
	fd = open(target, O_WRONLY | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "lwreplay: %s: %s\n", target, strerror(errno));
		return 1;
	}
	while (l.idx < to && !(r = log_next(&l, &e, NULL, 0))) {
		if (l.idx < from || (e.flags & LW_MARK) || !e.nr_sectors) {
			log_skip(&l, &e);
			continue;
		}
		off = e.sector * l.ss;
		if (e.flags & LW_DISCARD)
			memset(buf, 0, BUF_BYTES);
		for (done = 0; done < e.nr_sectors * l.ss; done += n) {
			n = e.nr_sectors * l.ss - done;
			if (n > BUF_BYTES)
				n = BUF_BYTES;
			if (!(e.flags & LW_DISCARD) &&
			    preadall(l.fd, buf, n, l.pos + l.ss + done)) {
				fprintf(stderr, "lwreplay: %s: short entry %"
					PRIu64 "\n", log, l.idx);
				return 1;
			}
			if (pwriteall(fd, buf, n, off + done)) {
				fprintf(stderr, "lwreplay: %s: write at %" PRIu64
					": %s\n", target, off + done,
					strerror(errno));
				return 1;
			}
		}
		log_skip(&l, &e);
	}
	if (l.idx < to) {
		fprintf(stderr, "lwreplay: %s: log ends at %" PRIu64 "\n", log,
			l.idx);
		return 1;
	}
	if (fsync(fd)) {
		fprintf(stderr, "lwreplay: %s: fsync: %s\n", target,
			strerror(errno));
		return 1;
	}
	close(fd);
	close(l.fd);
	free(l.blk);
	return 0;
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc == 3 && !strcmp(argv[1], "list"))
		return cmd_list(argv[2], 0, 0, UINT64_MAX);
	if (argc == 5 && !strcmp(argv[1], "dump"))
		return cmd_list(argv[2], 1, strtoull(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0));
	if (argc < 6 || (argc - 2) % 4 || strcmp(argv[1], "replay")) {
		fprintf(stderr, "usage: lwreplay list LOG\n"
			"       lwreplay dump LOG FROM TO\n"
			"       lwreplay replay LOG TARGET FROM TO [LOG TARGET FROM TO]...\n");
		return 2;
	}
	if (posix_memalign((void **)&buf, 4096, BUF_BYTES))
		return 1;
	for (i = 2; i < argc; i += 4)
		rc |= replay_one(argv[i], argv[i + 1],
				 strtoull(argv[i + 2], NULL, 0),
				 strtoull(argv[i + 3], NULL, 0));
	return rc;
}
