// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: recover: the volume decoded offline into an image, from the
 * members' superblocks and data areas alone (no module, no bitmap, no
 * partial-parity log). Its steps: read every superblock, pick the volume
 * most devices agree on, place each device in its member slot, decode
 * stripe by stripe.
 */
#include "ecctl.h"

struct rec_member {
	const char *path;
	int fd;			/* -1: not usable */
	struct dm_ec_sb sb;
};

/* What the devices given make of the volume. */
struct rec {
	struct rec_member rm[MAX_N * 2];
	unsigned int nd;
	const struct dm_ec_sb *ref;	/* the newest superblock of the volume */
	unsigned int k, m, n, chunk;
	uint64_t doff, ds;
	int slot[MAX_N];		/* member -> rm[] index, or -1 */
	uint32_t present;
};

/* Superblocks of the same volume, geometry and data area. */
static bool sb_same_volume(const struct dm_ec_sb *a, const struct dm_ec_sb *b)
{
	return !memcmp(a->array_uuid, b->array_uuid, 16) && a->k == b->k &&
	       a->m == b->m && a->chunk_sectors == b->chunk_sectors &&
	       a->data_offset == b->data_offset &&
	       a->data_sectors == b->data_sectors;
}

/* Open each device and read its superblock, each checked on its own. */
static void rec_open(struct rec *r, char **paths)
{
	unsigned int i;

	for (i = 0; i < r->nd; i++) {
		struct rec_member *rm = &r->rm[i];
		struct sb_read sr[2];
		int best;

		rm->path = paths[i];
		rm->fd = open(rm->path, O_RDONLY | O_CLOEXEC);
		if (rm->fd < 0) {
			fprintf(stderr, "%s: %s: %s (treated as missing)\n", who,
				rm->path, strerror(errno));
			continue;
		}
		best = sb_load(rm->fd, sr);
		if (best < 0) {
			fprintf(stderr, "%s: %s: no valid dm-ec superblock (copy 0: %s, copy 1: %s); treated as missing\n",
				who, rm->path, sr[0].why, sr[1].why);
			close(rm->fd);
			rm->fd = -1;
			continue;
		}
		rm->sb = sr[best].sb;
	}
}

/*
 * The volume is the one most of the devices agree on (array, geometry,
 * data area); its newest superblock describes it. One stray or crafted
 * device cannot take the others' place. -1 if no device has one.
 */
static int rec_pick(struct rec *r)
{
	const struct dm_ec_sb *ref = NULL;
	unsigned int i, j, best_cnt = 0;

	for (i = 0; i < r->nd; i++) {
		unsigned int cnt = 0;

		if (r->rm[i].fd < 0)
			continue;
		for (j = 0; j < r->nd; j++)
			if (r->rm[j].fd >= 0 &&
			    sb_same_volume(&r->rm[i].sb, &r->rm[j].sb))
				cnt++;
		if (cnt > best_cnt ||
		    (cnt == best_cnt &&
		     le64toh(r->rm[i].sb.events) > le64toh(ref->events))) {
			best_cnt = cnt;
			ref = &r->rm[i].sb;
		}
	}
	if (!ref)
		return -1;
	for (i = 0; i < r->nd; i++)
		if (r->rm[i].fd >= 0 && sb_same_volume(&r->rm[i].sb, ref) &&
		    le64toh(r->rm[i].sb.events) > le64toh(ref->events))
			ref = &r->rm[i].sb;
	r->ref = ref;
	r->k = le32toh(ref->k);
	r->m = le32toh(ref->m);
	r->n = r->k + r->m;
	r->chunk = le32toh(ref->chunk_sectors);
	r->doff = le64toh(ref->data_offset);
	r->ds = le64toh(ref->data_sectors);
	return 0;
}

/*
 * Place each device in the slot its superblock names, if the volume's
 * newest superblock still counts it as that member and in sync, and it
 * holds the whole data area. Every device left out is said, and why.
 */
static void rec_slots(struct rec *r)
{
	const struct dm_ec_sb *ref = r->ref;
	unsigned int i;

	for (i = 0; i < MAX_N; i++)
		r->slot[i] = -1;
	r->present = 0;
	for (i = 0; i < r->nd; i++) {
		const struct rec_member *rm = &r->rm[i];
		unsigned int idx;
		uint64_t sz = 0;
		int e;

		if (rm->fd < 0)
			continue;
		idx = le32toh(rm->sb.member_index);	/* < n: sb_check */
		if (memcmp(rm->sb.array_uuid, ref->array_uuid, 16)) {
			fprintf(stderr, "%s: %s: belongs to another volume (ignored)\n",
				who, rm->path);
			continue;
		}
		if (!sb_same_volume(&rm->sb, ref)) {
			fprintf(stderr, "%s: %s: k, m, chunk_sectors or the data area differ from the other members' (ignored)\n",
				who, rm->path);
			continue;
		}
		if (memcmp(rm->sb.member_uuid, ref->member_uuids[idx], 16) ||
		    ref->member_state[idx] != DM_EC_MEMBER_ACTIVE) {
			fprintf(stderr, "%s: %s: member %u is %s (not used)\n", who,
				rm->path, idx,
				ref->member_state[idx] != DM_EC_MEMBER_ACTIVE ?
				sb_mstate(ref->member_state[idx]) : "stale");
			continue;
		}
		e = fd_sectors(rm->fd, &sz);
		if (e || sz < r->doff + r->ds) {
			if (e)
				fprintf(stderr, "%s: %s: %s (treated as missing)\n",
					who, rm->path, strerror(-e));
			else
				fprintf(stderr, "%s: %s: too small for the data area: %" PRIu64 " sectors, %" PRIu64 " needed (treated as missing)\n",
					who, rm->path, sz, r->doff + r->ds);
			continue;
		}
		if (r->slot[idx] >= 0) {
			fprintf(stderr, "%s: %s: member %u given twice (ignored)\n",
				who, rm->path, idx);
			continue;
		}
		r->slot[idx] = i;
		r->present |= 1U << idx;
	}
}

/* Read block b of stripe row into buf, from the member that holds it. */
static bool rec_read(const struct rec *r, uint64_t row, unsigned int b,
		     void *buf, size_t cb)
{
	int s = r->slot[dm_ec_member_of(row, b, r->n)];
	off_t off = (r->doff + row * r->chunk) * 512;

	return s >= 0 && pread(r->rm[s].fd, buf, cb, off) == (ssize_t)cb;
}

/* Decode every stripe and write its data blocks to ofd (said: out). */
static int rec_decode(const struct rec *r, int ofd, const char *out)
{
	size_t cb = (size_t)r->chunk * 512;
	uint64_t rows = r->ds / r->chunk;	/* sb_check: chunk 8..8192 */
	struct libec_ctx *ctx = NULL;
	uint8_t *buf = NULL;
	unsigned int b;
	uint64_t row;
	int ret = -1;

	if (libec_ctx_new(&ctx, r->k, r->m)) {
		err("cannot set up the %u+%u code", r->k, r->m);
		return -1;
	}
	buf = malloc(cb * r->n);
	if (!buf) {
		err("out of memory");
		goto out;
	}
	for (row = 0; row < rows; row++) {
		unsigned int need, got = 0;
		void *blocks[MAX_N];
		uint32_t erased = 0;

		for (b = 0; b < r->n; b++)
			blocks[b] = buf + b * cb;
		/* Data blocks first, then as many parity blocks as needed. */
		for (b = 0; b < r->k; b++)
			if (!rec_read(r, row, b, blocks[b], cb))
				erased |= 1U << b;
		need = __builtin_popcount(erased);
		for (b = r->k; b < r->n; b++) {
			if (got < need && rec_read(r, row, b, blocks[b], cb))
				got++;
			else
				erased |= 1U << b;
		}
		if (need && (got < need ||
			     libec_reconstruct(ctx, erased, cb, blocks) < 0)) {
			err("stripe %" PRIu64 ": more than %u blocks unreadable: data lost",
			    row, r->m);
			goto out;
		}
		for (b = 0; b < r->k; b++) {
			off_t off = (off_t)(row * r->k + b) * cb;

			if (pwrite(ofd, blocks[b], cb, off) != (ssize_t)cb) {
				err("%s: %s", out, strerror(errno));
				goto out;
			}
		}
	}
	ret = 0;
out:
	free(buf);
	libec_ctx_free(ctx);
	return ret;
}

int cmd_recover(int argc, char **argv)
{
	const char *out = NULL;
	const struct opt opts[] = { OPT_ARG("output", 'o', &out), OPT_END };
	struct rec *r = NULL;
	unsigned int nd, i, np;
	struct stat ost;
	int c, ofd = -1, ret = 1;

	c = parse_opts(argc, argv, opts);
	if (c >= 0)
		return c;
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
	r = calloc(1, sizeof(*r));
	if (!r) {
		err("out of memory");
		return 1;
	}
	r->nd = nd;
	rec_open(r, argv + optind);
	if (rec_pick(r)) {
		err("no device has a valid dm-ec superblock");
		goto out;
	}
	rec_slots(r);
	np = __builtin_popcount(r->present);
	if (np < r->k) {
		err("only %u of the %u members needed are usable: data cannot be rebuilt",
		    np, r->k);
		goto out;
	}
	if (!(le32toh(r->ref->flags) & DM_EC_SB_F_SYNCED) &&
	    r->present != member_mask(r->n))
		fprintf(stderr, "%s: warning: the initial sync never completed; parity beyond sector %" PRIu64 " is not trusted\n",
			who, (uint64_t)le64toh(r->ref->resync_cp));
	if (!(le32toh(r->ref->flags) & DM_EC_SB_F_CLEAN) &&
	    r->present != member_mask(r->n))
		fprintf(stderr, "%s: warning: the volume was not shut down cleanly; stripes written at that moment may decode wrong (the bitmap and the partial-parity log are not used)\n",
			who);
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (ofd < 0) {
		err("%s: %s", out, strerror(errno));
		goto out;
	}
	if (rec_decode(r, ofd, out))
		goto out;
	if (fsync(ofd) < 0 && errno != EINVAL) {
		err("%s: %s", out, strerror(errno));
		goto out;
	}
	printf("%s: %" PRIu64 " sectors recovered from %u of %u members (%u+%u)\n",
	       out, r->ds / r->chunk * r->chunk * r->k, np, r->n, r->k, r->m);
	ret = 0;
out:
	if (ofd >= 0)
		close(ofd);
	for (i = 0; i < nd; i++)
		if (r && r->rm[i].fd >= 0)
			close(r->rm[i].fd);
	free(r);
	return ret;
}
