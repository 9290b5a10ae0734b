// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: the partial-parity log, which closes the write hole of degraded
 * volumes (see Documentation/design.md, "The write hole").
 *
 * While a member is missing, failed or rebuilding, the blocks of a missing
 * member exist only as a function of the others. A crash in the middle of
 * a stripe write can leave data and parity from different generations on
 * the members; parity then no longer describes the missing blocks, and
 * blocks that the write never touched would decode wrong. Before such a
 * write is issued, each in-sync parity block it writes gets an entry in
 * its member's log: the new parity minus the contribution of the data
 * blocks the write rewrites on present members (the partial parity).
 * After a crash, parity = partial parity + those blocks as found on disk:
 * consistent with whatever part of the write landed.
 *
 * The in-place writes of a logged stripe are FUA, so the partial parity of
 * a later write never includes data that a crash could still take back.
 * Replaying an entry whose write completed is harmless only while no later
 * write changed other blocks of the same slice: its partial parity still
 * holds their old contents. So a member's log holds at most one entry per
 * slice of a stripe (writes to a slice are serialised by its row lock): a
 * new entry for a slice overwrites the slot of the previous one, and an
 * entry is only ever evicted by another slice once its write completed,
 * when that slice is consistent on disk and needs no entry. Replay takes,
 * for every page of a stripe, the newest entry (by sequence number) that
 * covers it. A write made without
 * a log entry (the volume is whole again) would make the generation's
 * entries stale: before it goes out, the volume moves to a new generation,
 * recorded in the superblocks, which invalidates them all. Every assembly
 * starts a new generation after replaying the previous one.
 */
#include <linux/blkdev.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include "dm-ec.h"

static unsigned long *ec_ppl_slots_of(struct ec_vol *v, unsigned int member)
{
	return v->log.slots + member * BITS_TO_LONGS(v->log.nslots);
}

int ec_ppl_init(struct ec_vol *v)
{
	unsigned int i;

	v->log.slot_sectors = DM_EC_LOG_HDR_SECTORS + v->slice_sectors;
	v->log.nslots = min_t(unsigned int, U16_MAX,
			      (DM_EC_DATA_OFFSET - DM_EC_LOG_OFFSET) /
			      v->log.slot_sectors);
	spin_lock_init(&v->log.lock);
	init_waitqueue_head(&v->log.wait);
	mutex_init(&v->log.mutex);
	atomic_set(&v->log.inflight, 0);
	atomic64_set(&v->log.seq, 0);
	v->log.slots = kcalloc(v->n * BITS_TO_LONGS(v->log.nslots),
			       sizeof(unsigned long), GFP_KERNEL);
	if (!v->log.slots)
		return -ENOMEM;
	v->log.keys = kvmalloc_array(v->n * v->log.nslots, sizeof(u64),
				     GFP_KERNEL);
	if (!v->log.keys)
		goto nomem;
	for (i = 0; i < v->n * v->log.nslots; i++)
		v->log.keys[i] = EC_PPL_NOKEY;
	v->log.hdr_pool = mempool_create_page_pool(4, 0);
	if (!v->log.hdr_pool)
		goto nomem;
	return 0;
nomem:
	kvfree(v->log.keys);
	v->log.keys = NULL;
	kfree(v->log.slots);
	v->log.slots = NULL;
	return -ENOMEM;
}

void ec_ppl_exit(struct ec_vol *v)
{
	mempool_destroy(v->log.hdr_pool);
	v->log.hdr_pool = NULL;
	kvfree(v->log.keys);
	v->log.keys = NULL;
	kfree(v->log.slots);
	v->log.slots = NULL;
}

/* A member is missing, failed or rebuilding: writes are logged. */
bool ec_ppl_wanted(struct ec_vol *v)
{
	unsigned int i;

	if (v->noppl)
		return false;
	for (i = 0; i < v->n; i++)
		if (test_bit(EC_MF_MISSING, &v->mem[i].flags) ||
		    test_bit(EC_MF_FAILED, &v->mem[i].flags) ||
		    test_bit(EC_MF_REBUILD, &v->mem[i].flags))
			return true;
	return false;
}

/*
 * A write is about to go out without an entry (the volume is whole again,
 * or it is a discard). Entries of this generation that cover what it
 * writes would be stale after it, and replaying them would corrupt the
 * stripe: move to a new generation first, once every logged write still
 * in flight has completed.
 */
void ec_ppl_unlogged(struct ec_vol *v)
{
	if (likely(!READ_ONCE(v->log.used)))
		return;
	mutex_lock(&v->log.mutex);
	if (v->log.used) {
		WRITE_ONCE(v->log.bumping, true);
		smp_mb();	/* against ec_ppl_begin() */
		wait_event(v->log.wait, !atomic_read(&v->log.inflight));
		v->log.gen++;
		ec_meta_commit(v);
		WRITE_ONCE(v->log.used, false);
		WRITE_ONCE(v->log.bumping, false);
	}
	mutex_unlock(&v->log.mutex);
}

/* Count a logged write in flight; never across a change of generation. */
static void ec_ppl_begin(struct ec_vol *v)
{
	for (;;) {
		atomic_inc(&v->log.inflight);
		smp_mb__after_atomic();	/* against ec_ppl_unlogged() */
		if (likely(!READ_ONCE(v->log.bumping)))
			break;
		if (atomic_dec_and_test(&v->log.inflight))
			wake_up_all(&v->log.wait);
		mutex_lock(&v->log.mutex);
		mutex_unlock(&v->log.mutex);
	}
	if (!READ_ONCE(v->log.used))
		WRITE_ONCE(v->log.used, true);
}

/*
 * A slot on member for the entry of slice key: the one that holds the
 * slice's previous entry (free by now: the row lock serialises the slice's
 * writes, but wait if its release is still on the way), else an empty
 * one, else any free one, whose slice is consistent (its write completed).
 * Returns the slot or -1; log.lock held, nothing changed.
 */
static int ec_ppl_slot_find(struct ec_vol *v, unsigned int member, u64 key)
{
	unsigned long *map = ec_ppl_slots_of(v, member);
	u64 *keys = v->log.keys + (size_t)member * v->log.nslots;
	unsigned int s, empty = UINT_MAX, any = UINT_MAX;

	for (s = 0; s < v->log.nslots; s++) {
		if (keys[s] == key)
			return test_bit(s, map) ? -1 : s;
		if (test_bit(s, map))
			continue;
		if (keys[s] == EC_PPL_NOKEY && empty == UINT_MAX)
			empty = s;
		else if (any == UINT_MAX)
			any = s;
	}
	s = empty != UINT_MAX ? empty : any;
	return s < v->log.nslots ? s : -1;
}

/*
 * The slots of all parity blocks in logmask, in one step or none: an io
 * never waits for a slot while it holds another, so ios that log on
 * overlapping rings of members cannot wait for each other in a circle.
 */
static bool ec_ppl_slots_try(struct ec_io *io, u32 logmask)
{
	struct ec_vol *v = io->v;
	int slot[EC_MAX_M];
	unsigned int b;

	spin_lock(&v->log.lock);
	for (b = v->k; b < v->n; b++) {
		if (!(logmask & (1U << b)))
			continue;
		slot[b - v->k] = ec_ppl_slot_find(v, ec_member_of(v, io->row, b),
						  io->key);
		if (slot[b - v->k] < 0) {
			spin_unlock(&v->log.lock);
			return false;
		}
	}
	for (b = v->k; b < v->n; b++) {
		unsigned int member = ec_member_of(v, io->row, b);
		int s = slot[b - v->k];

		if (!(logmask & (1U << b)))
			continue;
		__set_bit(s, ec_ppl_slots_of(v, member));
		v->log.keys[(size_t)member * v->log.nslots + s] = io->key;
		io->log_slot[b - v->k] = s;
	}
	io->log_mask |= logmask;
	spin_unlock(&v->log.lock);
	return true;
}

/* Give back the entries of io: its writes are done (or not issued). */
static void ec_ppl_release(struct ec_io *io)
{
	struct ec_vol *v = io->v;
	unsigned int b;

	if (!io->log_mask && !io->log_hdr)
		return;
	spin_lock(&v->log.lock);
	for (b = v->k; b < v->n; b++)
		if (io->log_mask & (1U << b))
			__clear_bit(io->log_slot[b - v->k],
				    ec_ppl_slots_of(v, ec_member_of(v, io->row, b)));
	spin_unlock(&v->log.lock);
	io->log_mask = 0;
	if (io->log_hdr) {
		mempool_free(io->log_hdr, v->log.hdr_pool);
		io->log_hdr = NULL;
	}
	wake_up_all(&v->log.wait);
}

void ec_ppl_end(struct ec_io *io)
{
	struct ec_vol *v = io->v;

	ec_ppl_release(io);
	if (io->logged) {
		io->logged = false;
		if (atomic_dec_and_test(&v->log.inflight))
			wake_up_all(&v->log.wait);
	}
}

static sector_t ec_ppl_slot_sector(struct ec_vol *v, unsigned int slot)
{
	return DM_EC_LOG_OFFSET + (sector_t)slot * v->log.slot_sectors;
}

/*
 * Log the write of io before it is issued. Area 0 holds the new parity,
 * area data_area the data as it will be written; `written` are the data
 * blocks rewritten on in-sync members, logmask the parity blocks to log
 * on. The partial parity is built in area n. Returns the members whose
 * log write failed (already failed, the caller starts over).
 */
unsigned long ec_ppl_log(struct ec_io *io, unsigned int data_area,
			 u32 written, u32 logmask, bool full)
{
	struct ec_vol *v = io->v;
	const u8 *zero = page_address(ZERO_PAGE(0));
	u32 pmask = ec_pmask(v);
	struct dm_ec_log_entry *e;
	unsigned int b, c, p;
	unsigned long errs;
	u8 *par[EC_MAX_M];

	ec_ppl_release(io);
	/* Before ec_ppl_begin(): waiting for the reserve ends the io's count. */
	if (logmask && !full)
		ec_io_alloc(io, (u64)pmask << v->n);
	if (!io->logged) {
		ec_ppl_begin(v);
		io->logged = true;
		io->unhold = ec_ppl_end;
	}
	if (!logmask)
		return 0;
	if (!full) {
		for (p = io->p0; p < io->p1; p++) {
			for (b = v->k; b < v->n; b++) {
				par[b - v->k] = ec_io_buf(io, v->n + b, p);
				memcpy(par[b - v->k], ec_io_buf(io, b, p),
				       PAGE_SIZE);
			}
			for (c = 0; c < v->k; c++)
				if (written & (1U << c))
					ec_update(v->code, c, PAGE_SIZE, zero,
						  ec_io_buf(io, data_area + c, p),
						  par);
		}
	}

	io->log_hdr = mempool_alloc(v->log.hdr_pool, GFP_NOIO);
	e = page_address(io->log_hdr);
	memset(e, 0, sizeof(*e));
	e->magic = cpu_to_le64(DM_EC_LOG_MAGIC);
	e->gen = cpu_to_le64(v->log.gen);
	e->seq = cpu_to_le64(atomic64_inc_return(&v->log.seq));
	e->stripe = cpu_to_le64(io->row);
	memcpy(e->array_uuid, v->array_uuid, 16);
	e->first_sector = cpu_to_le32(io->p0 << 3);
	e->nr_sectors = cpu_to_le32((io->p1 - io->p0) << 3);
	e->written = cpu_to_le32(written);
	e->parity = cpu_to_le32(logmask);
	e->flags = cpu_to_le32(full ? DM_EC_LOG_F_FULL : 0);
	for (b = v->k; b < v->n && !full; b++) {
		u32 crc = 0;

		if (!(logmask & (1U << b)))
			continue;
		for (p = io->p0; p < io->p1; p++)
			crc = ec_crc32c(crc, ec_io_buf(io, v->n + b, p),
					PAGE_SIZE);
		e->data_crc[b - v->k] = cpu_to_le32(crc);
	}
	e->crc = cpu_to_le32(ec_crc32c(0, e, offsetof(struct dm_ec_log_entry,
						      crc)));

	wait_event(v->log.wait, ec_ppl_slots_try(io, logmask));

	ec_io_begin(io);
	for (b = v->k; b < v->n; b++) {
		unsigned int member = ec_member_of(v, io->row, b);
		struct bio *bio;

		if (!(logmask & (1U << b)))
			continue;
		bio = ec_member_bio(io, member,
				    ec_ppl_slot_sector(v, io->log_slot[b - v->k]),
				    1 + (full ? 0 : io->p1 - io->p0),
				    REQ_OP_WRITE | REQ_SYNC | REQ_FUA);
		__bio_add_page(bio, io->log_hdr, PAGE_SIZE, 0);
		for (p = io->p0; p < io->p1 && !full; p++)
			__bio_add_page(bio, io->pages[(v->n + b) * EC_SLICE_PAGES +
						      p - io->pbase],
				       PAGE_SIZE, 0);
		ec_io_send(io, bio);
	}
	errs = ec_io_wait(io);
	atomic64_inc(&v->log.entries);
	if (errs)
		ec_io_fail_errors(io, errs, true);
	return errs;
}

/* ---- replay at assembly ---------------------------------------------- */

struct ec_ppl_ent {
	u64 seq;
	u64 row;
	unsigned int slot;
	unsigned int p0, p1;		/* pages */
	u32 written;
	u32 flags;
	u32 data_crc;
};

static int ec_ppl_ent_cmp(const void *a, const void *b)
{
	const struct ec_ppl_ent *x = a, *y = b;

	/* newest first */
	if (x->seq != y->seq)
		return x->seq < y->seq ? 1 : -1;
	return 0;
}

static int ec_ppl_rw(struct ec_vol *v, unsigned int member, sector_t sector,
		     struct page **pages, unsigned int np, blk_opf_t opf)
{
	return ec_rw_pages(v->mem[member].dev->bdev, sector, pages, np,
			   PAGE_SIZE, opf);
}

/* Scratch of a replay: headers, entries, and pages for one slice. */
struct ec_ppl_scratch {
	struct ec_ppl_ent *ents;
	unsigned int nents;
	struct page *pp[EC_SLICE_PAGES];		/* the partial parity */
	struct page *dat[EC_SLICE_PAGES];		/* a data block */
	struct page *junk[EC_MAX_M];			/* other parities */
	struct page *hdr;
};

/* Is page p of row covered by an entry newer than ents[i]? */
static bool ec_ppl_covered(struct ec_ppl_scratch *s, unsigned int i,
			   unsigned int p)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (s->ents[j].row == s->ents[i].row &&
		    s->ents[j].p0 <= p && p < s->ents[j].p1 &&
		    s->ents[j].slot != UINT_MAX)
			return true;
	return false;
}

static int ec_ppl_apply(struct ec_vol *v, struct ec_ppl_scratch *s,
			unsigned int member, unsigned int i)
{
	struct ec_ppl_ent *e = &s->ents[i];
	unsigned int b = ec_block_of(v, e->row, member), c, p, np = e->p1 - e->p0;
	const u8 *zero = page_address(ZERO_PAGE(0));
	unsigned long bad = ec_bad_mask(v);
	u8 *par[EC_MAX_M];
	u32 crc = 0;
	int ret;

	ret = ec_ppl_rw(v, member, ec_ppl_slot_sector(v, e->slot) +
			DM_EC_LOG_HDR_SECTORS, s->pp, np, REQ_OP_READ);
	if (ret)
		return ret;
	for (p = 0; p < np; p++)
		crc = ec_crc32c(crc, page_address(s->pp[p]), PAGE_SIZE);
	if (crc != e->data_crc) {
		/* Torn: its write was never issued, the stripe is as before. */
		e->slot = UINT_MAX;
		return 0;
	}
	for (c = 0; c < v->k; c++) {
		unsigned int dm = ec_member_of(v, e->row, c);

		if (!(e->written & (1U << c)))
			continue;
		if (bad & (1UL << dm)) {
			DMWARN("log: stripe %llu: member %u is gone, its parity cannot be restored",
			       (unsigned long long)e->row, dm);
			return 0;
		}
		ret = ec_ppl_rw(v, dm, ec_member_sector(v, e->row, e->p0 << 3),
				s->dat, np, REQ_OP_READ);
		if (ret)
			return ret;
		for (p = 0; p < np; p++) {
			unsigned int j;

			for (j = 0; j < v->m; j++)
				par[j] = page_address(j + v->k == b ? s->pp[p] :
						      s->junk[j]);
			ec_update(v->code, c, PAGE_SIZE, zero,
				  page_address(s->dat[p]), par);
		}
	}
	/* Write back the pages no newer entry covers. */
	for (p = e->p0; p < e->p1; p++) {
		if (ec_ppl_covered(s, i, p))
			continue;
		ret = ec_ppl_rw(v, member, ec_member_sector(v, e->row, p << 3),
				&s->pp[p - e->p0], 1, REQ_OP_WRITE);
		if (ret)
			return ret;
	}
	atomic64_inc(&v->log.replayed);
	return 0;
}

static int ec_ppl_replay_member(struct ec_vol *v, struct ec_ppl_scratch *s,
				unsigned int member)
{
	struct dm_ec_log_entry *e = page_address(s->hdr);
	unsigned int slot, i;
	int ret;

	s->nents = 0;
	for (slot = 0; slot < v->log.nslots; slot++) {
		u32 first, nr, parity, written, flags;
		u64 row;

		ret = ec_ppl_rw(v, member, ec_ppl_slot_sector(v, slot), &s->hdr,
				1, REQ_OP_READ);
		if (ret)
			return ret;
		if (le64_to_cpu(e->magic) != DM_EC_LOG_MAGIC ||
		    le64_to_cpu(e->gen) != v->log.gen ||
		    memcmp(e->array_uuid, v->array_uuid, 16) ||
		    le32_to_cpu(e->crc) != ec_crc32c(0, e, offsetof(struct dm_ec_log_entry, crc)))
			continue;
		row = le64_to_cpu(e->stripe);
		first = le32_to_cpu(e->first_sector);
		nr = le32_to_cpu(e->nr_sectors);
		parity = le32_to_cpu(e->parity);
		written = le32_to_cpu(e->written);
		flags = le32_to_cpu(e->flags);
		/*
		 * Nothing in an entry is trusted: every field is checked in
		 * 64 bits before use (first + nr wrapped in 32 bits once).
		 */
		if (row >= v->rows || (first & 7) || (nr & 7) || !nr ||
		    first >= v->chunk_sectors || nr > v->chunk_sectors - first ||
		    (u64)round_down(first, v->slice_sectors) + v->slice_sectors <
		    (u64)first + nr ||
		    ec_block_of(v, row, member) < v->k ||
		    !(parity & BIT(ec_block_of(v, row, member))) ||
		    (parity & ~GENMASK(v->n - 1, v->k)) ||
		    (written & ~GENMASK(v->k - 1, 0)) ||
		    (flags & ~DM_EC_LOG_F_FULL)) {
			DMWARN("log: member %u (%s) slot %u: entry out of range, ignored",
			       member, v->mem[member].dev->name, slot);
			continue;
		}
		s->ents[s->nents++] = (struct ec_ppl_ent) {
			.seq = le64_to_cpu(e->seq),
			.row = row,
			.slot = slot,
			.p0 = first >> 3,
			.p1 = (first + nr) >> 3,
			.written = written,
			.flags = flags,
			.data_crc = le32_to_cpu(e->data_crc[ec_block_of(v, row, member) - v->k]),
		};
	}
	sort(s->ents, s->nents, sizeof(*s->ents), ec_ppl_ent_cmp, NULL);
	for (i = 0; i < s->nents; i++) {
		if (s->ents[i].flags & DM_EC_LOG_F_FULL)
			continue;	/* covers; nothing to restore */
		ret = ec_ppl_apply(v, s, member, i);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * After an unclean shutdown, before any I/O: restore the parity of every
 * stripe a logged write may have torn. Idempotent, so a crash during the
 * replay is harmless. A member that fails here is failed.
 */
int ec_ppl_replay(struct ec_vol *v)
{
	unsigned long bad = ec_bad_mask(v);
	struct ec_ppl_scratch *s;
	unsigned int i;
	int ret = 0;

	if (hweight_long(bad) > v->m)
		return 0;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->ents = kvcalloc(v->log.nslots, sizeof(*s->ents), GFP_KERNEL);
	if (!s->ents)
		goto nomem;
	s->hdr = alloc_page(GFP_KERNEL);
	if (!s->hdr)
		goto nomem;
	for (i = 0; i < EC_SLICE_PAGES; i++) {
		s->pp[i] = alloc_page(GFP_KERNEL);
		s->dat[i] = alloc_page(GFP_KERNEL);
		if (!s->pp[i] || !s->dat[i])
			goto nomem;
	}
	for (i = 0; i < v->m; i++) {
		s->junk[i] = alloc_page(GFP_KERNEL);
		if (!s->junk[i])
			goto nomem;
	}

	for (i = 0; i < v->n; i++) {
		if (ec_bad_mask(v) & (1UL << i))
			continue;
		ret = ec_ppl_replay_member(v, s, i);
		if (ret) {
			atomic_inc(&v->mem[i].read_errors);
			ec_member_fail(v, i, "log replay I/O error");
			ret = 0;
		}
	}
	for (i = 0; i < v->n; i++) {
		struct bio *bio;

		if (ec_bad_mask(v) & (1UL << i))
			continue;
		bio = bio_alloc(v->mem[i].dev->bdev, 0,
				REQ_OP_WRITE | REQ_PREFLUSH, GFP_KERNEL);
		ret = submit_bio_wait(bio);
		bio_put(bio);
		if (ret) {
			/* The restored parity may not be on the medium. */
			atomic_inc(&v->mem[i].write_errors);
			ec_member_fail(v, i, "log replay flush error");
			ret = 0;
		}
	}
	if (atomic64_read(&v->log.replayed))
		DMWARN("%s: restored parity from %lld partial-parity log entries",
		       dm_device_name(dm_table_get_md(v->ti->table)),
		       (long long)atomic64_read(&v->log.replayed));
	goto out;
nomem:
	ret = -ENOMEM;
out:
	for (i = 0; i < EC_SLICE_PAGES; i++) {
		if (s->pp[i])
			__free_page(s->pp[i]);
		if (s->dat[i])
			__free_page(s->dat[i]);
	}
	for (i = 0; i < EC_MAX_M; i++)
		if (s->junk[i])
			__free_page(s->junk[i]);
	if (s->hdr)
		__free_page(s->hdr);
	kvfree(s->ents);
	kfree(s);
	return ret;
}
