// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: the I/O path. Reads of healthy data go straight to the member
 * holding it. Writes, and reads that need reconstruction, are handled by
 * workers slice by slice: a slice is locked, the blocks it needs are read,
 * parity is updated (read-modify-write) or recomputed (reconstruct-write),
 * and data and parity are written before the lock is dropped.
 */
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include "dm-ec.h"

/*
 * Copy the part of bio (which starts at volume sector bvs) that falls in
 * [vs, ve) between the bio and column buffers of area (0 or n). The range
 * lies in one column of io's row and slice.
 */
static void ec_copy(struct ec_io *io, struct bio *bio, sector_t bvs,
		    sector_t vs, sector_t ve, unsigned int area, bool to_bio)
{
	struct ec_vol *v = io->v;
	struct bvec_iter iter = bio->bi_iter;
	sector_t rel;

	bio_advance_iter(bio, &iter, (vs - bvs) << SECTOR_SHIFT);
	while (vs < ve) {
		struct bio_vec bv = bio_iter_iovec(bio, iter);
		unsigned int b, d, bytes;
		char *buf, *mem;

		rel = vs - io->row * v->row_sectors;
		b = rel >> ilog2(v->chunk_sectors);
		d = rel & (v->chunk_sectors - 1);
		bytes = min_t(unsigned int, bv.bv_len,
			      (8 - (d & 7)) << SECTOR_SHIFT);
		bytes = min_t(sector_t, bytes, (ve - vs) << SECTOR_SHIFT);
		buf = (char *)ec_io_buf(io, area + b, d >> 3) +
		      ((d & 7) << SECTOR_SHIFT);
		mem = bvec_kmap_local(&bv);
		if (to_bio) {
			memcpy(mem, buf, bytes);
			flush_dcache_page(bv.bv_page);
		} else {
			memcpy(buf, mem, bytes);
		}
		kunmap_local(mem);
		bio_advance_iter_single(bio, &iter, bytes);
		vs += bytes >> SECTOR_SHIFT;
	}
}

/* The depth range [ws, we) written in each data column of a slice. */
struct ec_span {
	u32 cols;			/* data blocks touched */
	unsigned int ws[EC_MAX_K], we[EC_MAX_K];
	unsigned int s0, s1;
};

static void ec_span(struct ec_vol *v, sector_t row, sector_t a, sector_t b,
		    unsigned int slice0, struct ec_span *sp)
{
	sector_t base = row * v->row_sectors;
	unsigned int c;

	sp->cols = 0;
	sp->s0 = UINT_MAX;
	sp->s1 = 0;
	for (c = 0; c < v->k; c++) {
		sector_t cs = base + (sector_t)c * v->chunk_sectors + slice0;
		sector_t lo = max(a, cs);
		sector_t hi = min(b, cs + v->slice_sectors);

		if (lo >= hi)
			continue;
		sp->cols |= 1U << c;
		sp->ws[c] = slice0 + (lo - cs);
		sp->we[c] = slice0 + (hi - cs);
		sp->s0 = min(sp->s0, sp->ws[c]);
		sp->s1 = max(sp->s1, sp->we[c]);
	}
}

static void ec_copy_span(struct ec_io *io, struct bio *bio, sector_t bvs,
			 const struct ec_span *sp, unsigned int area,
			 bool to_bio)
{
	struct ec_vol *v = io->v;
	sector_t base = io->row * v->row_sectors;
	unsigned int c;

	for (c = 0; c < v->k; c++)
		if (sp->cols & (1U << c))
			ec_copy(io, bio, bvs,
				base + (sector_t)c * v->chunk_sectors + sp->ws[c],
				base + (sector_t)c * v->chunk_sectors + sp->we[c],
				area, to_bio);
}

static int ec_read_slice(struct ec_vol *v, struct bio *bio, sector_t a,
			 sector_t b, sector_t row, unsigned int slice0)
{
	struct ec_span sp;
	struct ec_io *io;
	unsigned int tries;
	int ret = -EIO;

	ec_span(v, row, a, b, slice0, &sp);
	if (!sp.cols)
		return 0;
	io = ec_io_get(v, row, sp.s0, sp.s1);
	for (tries = 0; tries <= v->n; tries++) {
		u32 unread = ec_blocks(v, row, ec_unreadable(v, row, io->s1));

		if ((unread & sp.cols) && hweight32(unread) > v->m) {
			ret = -EIO;
			break;
		}
		ret = ec_read_decode(io, unread, sp.cols);
		if (ret != -EAGAIN)
			break;
	}
	if (!ret)
		ec_copy_span(io, bio, a, &sp, 0, true);
	ec_io_put(io);
	return ret;
}

/* Pages of [p0, p1) that column c does not overwrite completely. */
static bool ec_partial(struct ec_io *io, const struct ec_span *sp,
		       unsigned int c)
{
	if (!(sp->cols & (1U << c)))
		return true;
	return sp->ws[c] > (io->p0 << 3) || sp->we[c] < (io->p1 << 3);
}

/* One write of a slice, and what the members allow this attempt. */
struct ec_wr {
	struct bio *bio;
	sector_t a;			/* the bio's volume sector */
	struct ec_span sp;
	u32 unread;			/* blocks that cannot be read */
	u32 bad;			/* blocks that cannot be written */
	blk_opf_t flags;		/* the bio's REQ_FUA */
	bool logged;			/* through the partial-parity log */
	unsigned long werrs;		/* members whose write failed */
};

/*
 * New data of area data_area (0 or n) and the parity in area 0 are ready:
 * log them if the volume logs, then write blocks wr. -EAGAIN: a log write
 * failed (its member is failed), start over.
 */
static int ec_write_out(struct ec_io *io, struct ec_wr *w, u32 wr,
			unsigned int data_area, bool full)
{
	struct ec_vol *v = io->v;
	blk_opf_t f = w->flags;

	if (w->logged) {
		if (ec_ppl_log(io, data_area, w->sp.cols & ~w->unread,
			       wr & ec_pmask(v) & ~w->unread, full))
			return -EAGAIN;
		f |= REQ_FUA;
	} else {
		ec_ppl_unlogged(v);
	}
	w->werrs = ec_io_blocks(io, wr, REQ_OP_WRITE, f, data_area != 0);
	return 0;
}

/*
 * Read-modify-write: old data and parity in area 0, new data in area n,
 * parity updated by the difference. -EAGAIN: a read failed, start over.
 */
static int ec_write_rmw(struct ec_io *io, struct ec_wr *w)
{
	struct ec_vol *v = io->v;
	u32 pmask = ec_pmask(v), cols = w->sp.cols;
	u32 rd = cols | (pmask & ~w->unread);
	u8 *blk[EC_MAX_N], *nblk[EC_MAX_N];
	unsigned int c, p;

	ec_io_alloc(io, rd | pmask | ((u64)cols << v->n));
	if (ec_io_blocks(io, rd, REQ_OP_READ, 0, false))
		return -EAGAIN;
	for (c = 0; c < v->k; c++) {
		if (!(cols & (1U << c)))
			continue;
		for (p = io->p0; p < io->p1; p++)
			memcpy(ec_io_buf(io, v->n + c, p), ec_io_buf(io, c, p),
			       PAGE_SIZE);
	}
	ec_copy_span(io, w->bio, w->a, &w->sp, v->n, false);
	for (p = io->p0; p < io->p1; p++) {
		ec_ptrs(io, 0, p, blk);
		ec_ptrs(io, v->n, p, nblk);
		for (c = 0; c < v->k; c++)
			if (cols & (1U << c))
				ec_update(v->code, c, PAGE_SIZE, blk[c], nblk[c],
					  blk + v->k);
	}
	/* Unread parity was not updated: leave it to rebuild. */
	return ec_write_out(io, w, (cols | (pmask & ~w->unread)) & ~w->bad,
			    v->n, false);
}

/*
 * Reconstruct-write: all data in area 0 (read, or decoded where it cannot
 * be read), the new data over it, parity recomputed. -EAGAIN: start over;
 * another error fails the write.
 */
static int ec_write_rcw(struct ec_io *io, struct ec_wr *w)
{
	struct ec_vol *v = io->v;
	u8 *blk[EC_MAX_N];
	unsigned int c, p;
	u32 rd = 0;
	int ret;

	for (c = 0; c < v->k; c++)
		if (ec_partial(io, &w->sp, c))
			rd |= 1U << c;
	ec_io_alloc(io, ec_mask(v->n));
	ret = ec_read_decode(io, w->unread, rd);
	if (ret)
		return ret;
	ec_copy_span(io, w->bio, w->a, &w->sp, 0, false);
	for (p = io->p0; p < io->p1; p++) {
		ec_ptrs(io, 0, p, blk);
		ec_encode(v->code, PAGE_SIZE, (const u8 * const *)blk,
			  blk + v->k);
	}
	return ec_write_out(io, w, (w->sp.cols | ec_pmask(v)) & ~w->bad, 0,
			    !rd);
}

/*
 * Write the part of bio in one slice of row: read-modify-write when it
 * reads less than reconstruct-write and the parity is in sync there,
 * started over (up to n times) whenever a member fails on the way.
 */
static int ec_write_slice(struct ec_vol *v, struct bio *bio, sector_t a,
			  sector_t b, sector_t row, unsigned int slice0)
{
	struct ec_wr w = { .bio = bio, .a = a, .flags = bio->bi_opf & REQ_FUA };
	u32 pmask = ec_pmask(v);
	unsigned int c, tries, np;
	struct ec_io *io;
	int ret = -EIO;

	ec_span(v, row, a, b, slice0, &w.sp);
	if (!w.sp.cols)
		return 0;
	io = ec_io_get(v, row, w.sp.s0, w.sp.s1);
	np = io->p1 - io->p0;
	for (tries = 0; tries <= v->n; tries++) {
		unsigned int rmw_cost = 0, rcw_cost = 0;
		bool parity_ok;

		w.logged = ec_ppl_wanted(v);
		w.bad = ec_blocks(v, row, ec_bad_mask(v));
		w.unread = ec_blocks(v, row, ec_unreadable(v, row, io->s1));
		if (hweight32(w.unread) > v->m) {
			ret = -EIO;
			goto out;
		}
		parity_ok = row * v->chunk_sectors + io->s1 <=
			    READ_ONCE(v->sync.resync_cp);
		for (c = 0; c < v->k; c++) {
			if (w.sp.cols & (1U << c))
				rmw_cost += np;
			if (ec_partial(io, &w.sp, c))
				rcw_cost += np;
		}
		rmw_cost += hweight32(pmask & ~w.unread) * np;
		if (parity_ok && !(w.sp.cols & w.unread) && rmw_cost < rcw_cost)
			ret = ec_write_rmw(io, &w);
		else
			ret = ec_write_rcw(io, &w);
		if (ret != -EAGAIN)
			break;
	}
	if (tries > v->n)
		ret = -EIO;
	if (w.werrs) {
		/* Acknowledge only once the failure is on record. */
		ec_meta_commit(v);
		if (ec_data_lost(v))
			ret = -EIO;
	}
out:
	/* The data is on the members: the log entries may go. */
	ec_ppl_end(io);
	ec_io_put(io);
	return ret;
}

/*
 * Discard whole stripes only, by zeroing them on every member (write
 * zeroes, which members may implement by unmapping): a stripe of zeros has
 * zero parity, so it stays consistent whatever the members return later.
 * A plain discard would leave data and parity undefined and a later
 * read-modify-write would compute wrong parity. Parts of a discard that
 * do not cover a whole stripe are ignored, as a discard may be.
 */
static int ec_discard_row(struct ec_vol *v, sector_t row)
{
	unsigned int s, i;
	int ret = 0;

	ec_bitmap_startwrite(v, row);
	ec_ppl_unlogged(v);
	for (s = 0; s < v->chunk_sectors && !ret; s += v->slice_sectors) {
		struct ec_io *io = ec_io_get(v, row, s, s + v->slice_sectors);
		unsigned long bad = ec_bad_mask(v), errs;

		ec_io_begin(io);
		for (i = 0; i < v->n; i++) {
			struct bio *z;

			if (bad & (1UL << i))
				continue;
			z = ec_member_bio(io, i, ec_member_sector(v, row, s), 0,
					  REQ_OP_WRITE_ZEROES);
			z->bi_iter.bi_size = v->slice_sectors << SECTOR_SHIFT;
			ec_io_send(io, z);
		}
		errs = ec_io_wait(io);
		if (errs) {
			ec_io_fail_errors(io, errs, true);
			ec_meta_commit(v);
			if (ec_data_lost(v))
				ret = -EIO;
		}
		ec_io_put(io);
	}
	ec_bitmap_endwrite(v, row);
	return ret;
}

/* dm core does not split discards at stripe rows: walk them here. */
static int ec_discard(struct ec_vol *v, sector_t a, sector_t b)
{
	sector_t row = div64_u64(a + v->row_sectors - 1, v->row_sectors);
	int ret = 0;

	for (; !ret && (row + 1) * v->row_sectors <= b; row++)
		ret = ec_discard_row(v, row);
	return ret;
}

static void ec_bio_work(struct work_struct *w)
{
	struct ec_bio *eb = container_of(w, struct ec_bio, work);
	struct bio *bio = dm_bio_from_per_bio_data(eb, sizeof(*eb));
	struct ec_vol *v = eb->v;
	sector_t a = eb->vsector, b = a + bio_sectors(bio);
	sector_t row = div64_u64(a, v->row_sectors);
	sector_t rel = a - row * v->row_sectors;
	unsigned int d0, d1, s;
	int ret = 0;

	if (bio_data_dir(bio) == WRITE &&
	    ec_data_lost(v)) {
		ret = -EIO;
		goto done;
	}
	if (bio_op(bio) == REQ_OP_DISCARD) {
		ret = ec_discard(v, a, b);
		goto done;
	}
	/* Depth range touched: one column, or all of it. */
	if ((rel >> ilog2(v->chunk_sectors)) ==
	    ((rel + (b - a) - 1) >> ilog2(v->chunk_sectors))) {
		d0 = rel & (v->chunk_sectors - 1);
		d1 = d0 + (b - a);
	} else {
		d0 = 0;
		d1 = v->chunk_sectors;
	}
	if (bio_data_dir(bio) == WRITE)
		ec_bitmap_startwrite(v, row);
	for (s = round_down(d0, v->slice_sectors); s < d1 && !ret;
	     s += v->slice_sectors) {
		if (bio_data_dir(bio) == WRITE)
			ret = ec_write_slice(v, bio, a, b, row, s);
		else
			ret = ec_read_slice(v, bio, a, b, row, s);
	}
	if (bio_data_dir(bio) == WRITE)
		ec_bitmap_endwrite(v, row);
done:
	eb->own = true;
	bio->bi_status = errno_to_blk_status(ret);
	bio_endio(bio);
}

static void ec_queue(struct ec_vol *v, struct ec_bio *eb)
{
	INIT_WORK(&eb->work, ec_bio_work);
	queue_work(v->wq, &eb->work);
}

int ec_map(struct dm_target *ti, struct bio *bio)
{
	struct ec_vol *v = ti->private;
	struct ec_bio *eb = dm_per_bio_data(bio, sizeof(*eb));
	sector_t row, rel;
	unsigned int c, d, len, member;

	eb->v = v;
	eb->own = false;
	if (unlikely(bio->bi_opf & REQ_PREFLUSH) && !bio_sectors(bio)) {
		member = dm_bio_get_target_bio_nr(bio);
		if (member >= v->n || (ec_bad_mask(v) & (1UL << member))) {
			bio_endio(bio);
			return DM_MAPIO_SUBMITTED;
		}
		eb->member = member;
		bio_set_dev(bio, v->mem[member].dev->bdev);
		return DM_MAPIO_REMAPPED;
	}
	if (bio_op(bio) != REQ_OP_READ && bio_op(bio) != REQ_OP_WRITE &&
	    !(bio_op(bio) == REQ_OP_DISCARD && v->discard))
		return DM_MAPIO_KILL;

	eb->vsector = dm_target_offset(ti, bio->bi_iter.bi_sector);
	if (bio_op(bio) != REQ_OP_READ) {
		ec_queue(v, eb);
		return DM_MAPIO_SUBMITTED;
	}

	/* A read: one chunk at a time, straight to its member if we can. */
	row = div64_u64_rem(eb->vsector, v->row_sectors, &rel);
	c = rel >> ilog2(v->chunk_sectors);
	d = rel & (v->chunk_sectors - 1);
	len = min_t(unsigned int, bio_sectors(bio), v->chunk_sectors - d);
	if (len < bio_sectors(bio))
		dm_accept_partial_bio(bio, len);
	member = ec_member_of(v, row, c);
	if (ec_unreadable(v, row, d + len) & (1UL << member)) {
		ec_queue(v, eb);
		return DM_MAPIO_SUBMITTED;
	}
	eb->member = member;
	eb->iter = bio->bi_iter;
	bio_set_dev(bio, v->mem[member].dev->bdev);
	bio->bi_iter.bi_sector = ec_member_sector(v, row, d);
	return DM_MAPIO_REMAPPED;
}

/* A member's flush failed: commit its failure, then complete the flush. */
static void ec_flush_work(struct work_struct *w)
{
	struct ec_bio *eb = container_of(w, struct ec_bio, work);
	struct bio *bio = dm_bio_from_per_bio_data(eb, sizeof(*eb));
	struct ec_vol *v = eb->v;

	ec_meta_commit(v);
	eb->own = true;
	bio->bi_status = ec_data_lost(v) ? BLK_STS_IOERR : BLK_STS_OK;
	bio_endio(bio);
}

int ec_end_io(struct dm_target *ti, struct bio *bio, blk_status_t *err)
{
	struct ec_vol *v = ti->private;
	struct ec_bio *eb = dm_per_bio_data(bio, sizeof(*eb));

	if (!*err || eb->own || *err == BLK_STS_NOTSUPP ||
	    *err == BLK_STS_AGAIN)
		return DM_ENDIO_DONE;

	if (!bio_sectors(bio) && (bio->bi_opf & REQ_PREFLUSH)) {
		/*
		 * The member may have lost cached writes: complete the flush
		 * only once its failure is on the other members' superblocks,
		 * or after a power cut it would read ACTIVE with stale data.
		 */
		ec_member_fail(v, eb->member, "flush error");
		INIT_WORK(&eb->work, ec_flush_work);
		queue_work(v->wq, &eb->work);
		return DM_ENDIO_INCOMPLETE;
	}
	/* A direct read failed: fail the member, rebuild the data. */
	atomic_inc(&v->mem[eb->member].read_errors);
	ec_member_fail(v, eb->member, "read error");
	bio->bi_iter = eb->iter;
	bio->bi_status = BLK_STS_OK;
	ec_queue(v, eb);
	return DM_ENDIO_INCOMPLETE;
}

int ec_io_init(struct ec_vol *v)
{
	int ret;

	ret = ec_slice_init(v);
	if (ret)
		goto err;
	/* Unbound: parity work of one submitter spreads over the CPUs. */
	v->wq = alloc_workqueue("kecd", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!v->wq) {
		ret = -ENOMEM;
		goto err_slice;
	}
	return 0;

err_slice:
	ec_slice_exit(v);
err:
	v->wq = NULL;
	return ret;
}

void ec_io_exit(struct ec_vol *v)
{
	if (!v->wq)
		return;
	destroy_workqueue(v->wq);
	v->wq = NULL;
	ec_slice_exit(v);
}
