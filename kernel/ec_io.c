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
#include <linux/hash.h>
#include <linux/moduleparam.h>
#include "dm-ec.h"

/*
 * Test knob: when non-zero, the fast path of every reserve_test-th call
 * of ec_io_alloc() fails at the first page it has to find, so that the
 * reserve path runs without real memory pressure (also in the second and
 * later allocations of an io, when it already holds data).
 */
static unsigned int reserve_test;
module_param(reserve_test, uint, 0644);
MODULE_PARM_DESC(reserve_test, "Testing: make every Nth page allocation of an io use the reserve (0 = off)");
static atomic_t ec_reserve_tick = ATOMIC_INIT(0);

static bool ec_reserve_test_fail(void)
{
	unsigned int every = READ_ONCE(reserve_test);

	return every && (unsigned int)atomic_inc_return(&ec_reserve_tick) % every == 0;
}

static struct ec_vol *ec_vol_of(struct ec_io *io)
{
	return io->v;
}

/* Members that cannot be read at member depth below row*chunk + s1. */
unsigned long ec_unreadable(struct ec_vol *v, sector_t row, unsigned int s1)
{
	sector_t end = row * v->chunk_sectors + s1;
	sector_t cp = READ_ONCE(v->rebuild_cp);
	unsigned long bad = ec_bad_mask(v);
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (test_bit(EC_MF_REBUILD, &v->mem[i].flags) && end > cp)
			bad |= 1UL << i;
	return bad;
}

/* Member mask to block mask for a row. */
u32 ec_blocks(struct ec_vol *v, sector_t row, unsigned long members)
{
	unsigned int i;
	u32 b = 0;

	for (i = 0; i < v->n; i++)
		if (members & (1UL << i))
			b |= 1U << ec_block_of(v, row, i);
	return b;
}

static bool ec_try_lock(struct ec_vol *v, struct ec_io *io)
{
	struct hlist_head *head = &v->row_locks[hash_64(io->key, EC_LOCK_BITS)];
	struct ec_io *o;

	spin_lock(&v->lock);
	hlist_for_each_entry(o, head, lock_node) {
		if (o->key == io->key) {
			spin_unlock(&v->lock);
			return false;
		}
	}
	hlist_add_head(&io->lock_node, head);
	spin_unlock(&v->lock);
	return true;
}

/*
 * Pages of finished requests are kept (up to EC_PAGE_CACHE) instead of
 * going back to the page allocator, which would clear each one again on
 * the next allocation (init_on_alloc); the mempool's reserve is refilled
 * first.
 */
#define EC_PAGE_CACHE	2048

static struct page *ec_page_get(struct ec_vol *v)
{
	struct page *pg = NULL;

	spin_lock(&v->pc_lock);
	if (v->pc_count) {
		pg = list_first_entry(&v->pc_pages, struct page, lru);
		list_del(&pg->lru);
		v->pc_count--;
	}
	spin_unlock(&v->pc_lock);
	return pg;
}

static void ec_page_put(struct ec_vol *v, struct page *pg)
{
	if (READ_ONCE(v->page_pool->curr_nr) < v->page_pool->min_nr)
		goto pool;
	spin_lock(&v->pc_lock);
	if (v->pc_count < EC_PAGE_CACHE) {
		list_add(&pg->lru, &v->pc_pages);
		v->pc_count++;
		spin_unlock(&v->pc_lock);
		return;
	}
	spin_unlock(&v->pc_lock);
pool:
	mempool_free(pg, v->page_pool);
}

struct ec_io *ec_io_get(struct ec_vol *v, sector_t row, unsigned int s0,
			unsigned int s1)
{
	unsigned int slice = s0 / v->slice_sectors;
	struct ec_io *io;

	io = mempool_alloc(v->io_pool, GFP_NOIO);
	memset(io, 0, struct_size(io, pages, 2 * v->n * EC_SLICE_PAGES));
	io->v = v;
	io->row = row;
	io->s0 = s0;
	io->s1 = s1;
	io->p0 = s0 >> 3;
	io->p1 = DIV_ROUND_UP(s1, 8);
	io->pbase = (slice * v->slice_sectors) >> 3;
	io->key = row * (v->chunk_sectors / v->slice_sectors) + slice;
	init_completion(&io->done);
	wait_event(v->row_wait, ec_try_lock(v, io));
	return io;
}

void ec_io_put(struct ec_io *io)
{
	struct ec_vol *v = ec_vol_of(io);
	unsigned int i;

	ec_ppl_end(io);
	for (i = 0; i < 2 * v->n * EC_SLICE_PAGES; i++)
		if (io->pages[i])
			ec_page_put(v, io->pages[i]);
	if (io->reserve)
		mutex_unlock(&v->reserve_lock);
	spin_lock(&v->lock);
	hlist_del(&io->lock_node);
	spin_unlock(&v->lock);
	wake_up_all(&v->row_wait);
	mempool_free(io, v->io_pool);
}

/*
 * Give every column in cols pages for [p0, p1), keeping the pages the io
 * already has (they may hold data: new data and parity before the log,
 * scratch parity of a check). The fast path never sleeps and never
 * touches the mempool. When it fails, the io takes reserve_lock and the
 * missing pages come from the mempool, which only the holder of
 * reserve_lock draws on: the pool is full whenever the lock is free (the
 * holder's pages refill it first when it is put, before the lock is
 * dropped), and an io never needs more than min_nr pages, so the holder
 * never waits for pages held by others. Holding pages while waiting for
 * reserve_lock therefore cannot deadlock: the holder waits for nothing a
 * waiter holds (its own row lock, pool pages, member I/O, log slots of
 * writes already logged). The log entries of a waiter are given back
 * before it sleeps (ec_ppl_end), so a change of log generation (which
 * waits for every logged write in flight) never waits for a waiter
 * either; ec_ppl_log() allocates before counting its io as logged.
 */
int ec_io_alloc(struct ec_io *io, u64 cols)
{
	struct ec_vol *v = ec_vol_of(io);
	unsigned int c, p;
	bool test_fail = !io->reserve && ec_reserve_test_fail();

	for (c = 0; c < 2 * v->n; c++) {
		if (!(cols & (1ULL << c)))
			continue;
		for (p = io->p0; p < io->p1; p++) {
			struct page **pg = &io->pages[c * EC_SLICE_PAGES + p - io->pbase];

			if (*pg)
				continue;
			if (!io->reserve) {
				if (!test_fail) {
					*pg = ec_page_get(v);
					if (!*pg)
						*pg = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
					if (*pg)
						continue;
				}
				ec_ppl_end(io);
				mutex_lock(&v->reserve_lock);
				io->reserve = true;
			}
			*pg = ec_page_get(v);
			if (!*pg)
				*pg = mempool_alloc(v->page_pool, GFP_NOIO);
		}
	}
	return 0;
}

/* A bio to member for io, completed by ec_member_endio(). */
struct bio *ec_member_bio(struct ec_io *io, unsigned int member,
			  unsigned short nr_vecs, blk_opf_t opf)
{
	struct ec_vol *v = ec_vol_of(io);
	struct bio *bio;

	bio = bio_alloc_bioset(v->mem[member].dev->bdev, nr_vecs, opf,
			       GFP_NOIO, &v->bs);
	container_of(bio, struct ec_mbio, bio)->member = member;
	bio->bi_private = io;
	bio->bi_end_io = ec_member_endio;
	return bio;
}

void ec_member_endio(struct bio *bio)
{
	struct ec_io *io = bio->bi_private;

	if (bio->bi_status)
		set_bit(container_of(bio, struct ec_mbio, bio)->member,
			&io->err_mask);
	bio_put(bio);
	if (atomic_dec_and_test(&io->pending))
		complete(&io->done);
}

void ec_io_begin(struct ec_io *io)
{
	atomic_set(&io->pending, 1);
	reinit_completion(&io->done);
	io->err_mask = 0;
}

/* Read or write block b of the slice, pages [p0, p1) of column col. */
void ec_io_submit(struct ec_io *io, unsigned int b, unsigned int col,
		  enum req_op op, blk_opf_t flags)
{
	struct ec_vol *v = ec_vol_of(io);
	unsigned int member = ec_member_of(v, io->row, b);
	unsigned int p, np = io->p1 - io->p0;
	struct bio *bio;

	bio = ec_member_bio(io, member, np, op | flags);
	bio->bi_iter.bi_sector = ec_member_sector(v, io->row, io->p0 << 3);
	for (p = io->p0; p < io->p1; p++)
		__bio_add_page(bio, io->pages[col * EC_SLICE_PAGES + p - io->pbase],
			       PAGE_SIZE, 0);
	atomic_inc(&io->pending);
	submit_bio_noacct(bio);
}

unsigned long ec_io_wait(struct ec_io *io)
{
	if (!atomic_dec_and_test(&io->pending))
		wait_for_completion_io(&io->done);
	return io->err_mask;
}

/*
 * Read or write the blocks in mask over [p0, p1) (data block b from
 * column n + b when new_data is set, else from column b), wait for all of
 * them, and fail the members that returned an error. Returns their mask.
 */
unsigned long ec_io_blocks(struct ec_io *io, u32 mask, enum req_op op,
			   blk_opf_t flags, bool new_data)
{
	struct ec_vol *v = ec_vol_of(io);
	unsigned long errs;
	unsigned int b;

	ec_io_begin(io);
	for (b = 0; b < v->n; b++)
		if (mask & (1U << b))
			ec_io_submit(io, b, new_data && b < v->k ? v->n + b : b,
				     op, flags);
	errs = ec_io_wait(io);
	if (errs)
		ec_io_fail_errors(io, errs, op == REQ_OP_WRITE);
	return errs;
}

void ec_io_fail_errors(struct ec_io *io, unsigned long errs, bool write)
{
	struct ec_vol *v = ec_vol_of(io);
	unsigned int i;

	for (i = 0; i < v->n; i++) {
		if (!(errs & (1UL << i)))
			continue;
		atomic_inc(write ? &v->mem[i].write_errors :
			   &v->mem[i].read_errors);
		ec_member_fail(v, i, write ? "write error" : "read error");
	}
}

/*
 * Copy the part of bio (which starts at volume sector bvs) that falls in
 * [vs, ve) between the bio and column buffers of area (0 or n). The range
 * lies in one column of io's row and slice.
 */
static void ec_copy(struct ec_io *io, struct bio *bio, sector_t bvs,
		    sector_t vs, sector_t ve, unsigned int area, bool to_bio)
{
	struct ec_vol *v = ec_vol_of(io);
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
	struct ec_vol *v = ec_vol_of(io);
	sector_t base = io->row * v->row_sectors;
	unsigned int c;

	for (c = 0; c < v->k; c++)
		if (sp->cols & (1U << c))
			ec_copy(io, bio, bvs,
				base + (sector_t)c * v->chunk_sectors + sp->ws[c],
				base + (sector_t)c * v->chunk_sectors + sp->we[c],
				area, to_bio);
}

/* Page pointers of columns [area, area + n) at page p. */
void ec_ptrs(struct ec_io *io, unsigned int area, unsigned int p, u8 **blk)
{
	struct ec_vol *v = ec_vol_of(io);
	unsigned int b;

	for (b = 0; b < v->n; b++) {
		struct page *pg = io->pages[(area + b) * EC_SLICE_PAGES + p - io->pbase];

		blk[b] = pg ? page_address(pg) : NULL;
	}
}

/* Read blocks and decode the unreadable ones: all n main columns valid. */
int ec_read_decode(struct ec_io *io, u32 unread, u32 want)
{
	struct ec_vol *v = ec_vol_of(io);
	u32 rd = want & ~unread;
	unsigned int p, i;
	u8 *blk[EC_MAX_N];
	int ret;

	if (unread & want) {
		ret = ec_plan_get(v->code, unread, &io->plan);
		if (ret)
			return ret;
		for (i = 0; i < v->k; i++)
			rd |= 1U << io->plan.survivors[i];
	}
	ec_io_alloc(io, rd | unread);
	if (ec_io_blocks(io, rd, REQ_OP_READ, 0, false))
		return -EAGAIN;
	if (unread & want) {
		for (p = io->p0; p < io->p1; p++) {
			ec_ptrs(io, 0, p, blk);
			ec_plan_apply(v->code, &io->plan, PAGE_SIZE, blk);
		}
	}
	return 0;
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

static int ec_write_slice(struct ec_vol *v, struct bio *bio, sector_t a,
			  sector_t b, sector_t row, unsigned int slice0)
{
	blk_opf_t wflags = bio->bi_opf & REQ_FUA;
	u32 pmask = ec_pmask(v);
	unsigned int c, p, tries, np;
	u32 unread, bad, rd, wr;
	unsigned long werrs = 0;
	u8 *blk[EC_MAX_N], *nblk[EC_MAX_N];
	struct ec_span sp;
	struct ec_io *io;
	int ret = -EIO;

	ec_span(v, row, a, b, slice0, &sp);
	if (!sp.cols)
		return 0;
	io = ec_io_get(v, row, sp.s0, sp.s1);
	np = io->p1 - io->p0;
	for (tries = 0; tries <= v->n; tries++) {
		unsigned int rmw_cost = 0, rcw_cost = 0;
		bool parity_ok, rmw, logged = ec_ppl_wanted(v);
		blk_opf_t f = wflags;

		bad = ec_blocks(v, row, ec_bad_mask(v));
		unread = ec_blocks(v, row, ec_unreadable(v, row, io->s1));
		if (hweight32(unread) > v->m) {
			ret = -EIO;
			goto out;
		}
		parity_ok = row * v->chunk_sectors + io->s1 <=
			    READ_ONCE(v->resync_cp);
		for (c = 0; c < v->k; c++) {
			if (sp.cols & (1U << c))
				rmw_cost += np;
			if (ec_partial(io, &sp, c))
				rcw_cost += np;
		}
		rmw_cost += hweight32(pmask & ~unread) * np;
		rmw = parity_ok && !(sp.cols & unread) && rmw_cost < rcw_cost;

		if (rmw) {
			/* Old data and parity, then new data in area n. */
			rd = sp.cols | (pmask & ~unread);
			ec_io_alloc(io, rd | pmask | ((u64)sp.cols << v->n));
			if (ec_io_blocks(io, rd, REQ_OP_READ, 0, false))
				continue;
			for (c = 0; c < v->k; c++) {
				if (!(sp.cols & (1U << c)))
					continue;
				for (p = io->p0; p < io->p1; p++)
					memcpy(ec_io_buf(io, v->n + c, p),
					       ec_io_buf(io, c, p), PAGE_SIZE);
			}
			ec_copy_span(io, bio, a, &sp, v->n, false);
			for (p = io->p0; p < io->p1; p++) {
				ec_ptrs(io, 0, p, blk);
				ec_ptrs(io, v->n, p, nblk);
				for (c = 0; c < v->k; c++)
					if (sp.cols & (1U << c))
						ec_update(v->code, c, PAGE_SIZE,
							  blk[c], nblk[c],
							  blk + v->k);
			}
			/* Unread parity was not updated: leave it to rebuild. */
			wr = (sp.cols | (pmask & ~unread)) & ~bad;
			if (logged) {
				if (ec_ppl_log(io, v->n, sp.cols & ~unread,
					       wr & pmask & ~unread, false))
					continue;
				f |= REQ_FUA;
			} else {
				ec_ppl_unlogged(v);
			}
			werrs = ec_io_blocks(io, wr, REQ_OP_WRITE, f, true);
			ret = 0;
			break;
		}

		/* Reconstruct-write: all data in area 0, parity recomputed. */
		rd = 0;
		for (c = 0; c < v->k; c++)
			if (ec_partial(io, &sp, c))
				rd |= 1U << c;
		ec_io_alloc(io, ec_mask(v->n));
		ret = ec_read_decode(io, unread, rd);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			goto out;
		ec_copy_span(io, bio, a, &sp, 0, false);
		for (p = io->p0; p < io->p1; p++) {
			ec_ptrs(io, 0, p, blk);
			ec_encode(v->code, PAGE_SIZE, (const u8 * const *)blk,
				  blk + v->k);
		}
		wr = (sp.cols | pmask) & ~bad;
		if (logged) {
			if (ec_ppl_log(io, 0, sp.cols & ~unread,
				       wr & pmask & ~unread, !rd))
				continue;
			f |= REQ_FUA;
		} else {
			ec_ppl_unlogged(v);
		}
		werrs = ec_io_blocks(io, wr, REQ_OP_WRITE, f, false);
		ret = 0;
		break;
	}
	if (tries > v->n)
		ret = -EIO;
	if (werrs) {
		/* Acknowledge only once the failure is on record. */
		ec_meta_commit(v);
		if (ec_data_lost(v))
			ret = -EIO;
	}
out:
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
			z = ec_member_bio(io, i, 0, REQ_OP_WRITE_ZEROES);
			z->bi_iter.bi_sector = ec_member_sector(v, row, s);
			z->bi_iter.bi_size = v->slice_sectors << SECTOR_SHIFT;
			atomic_inc(&io->pending);
			submit_bio_noacct(z);
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
	size_t iosz = struct_size((struct ec_io *)NULL, pages,
				  2 * v->n * EC_SLICE_PAGES);
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(v->row_locks); i++)
		INIT_HLIST_HEAD(&v->row_locks[i]);
	init_waitqueue_head(&v->row_wait);
	mutex_init(&v->reserve_lock);
	spin_lock_init(&v->pc_lock);
	INIT_LIST_HEAD(&v->pc_pages);

	ret = -ENOMEM;
	/* Unbound: parity work of one submitter spreads over the CPUs. */
	v->wq = alloc_workqueue("kecd", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!v->wq)
		goto err;
	v->io_pool = mempool_create_kmalloc_pool(4, iosz);
	if (!v->io_pool)
		goto err_wq;
	v->page_pool = mempool_create_page_pool(2 * v->n * EC_SLICE_PAGES, 0);
	if (!v->page_pool)
		goto err_io;
	ret = bioset_init(&v->bs, 4 * v->n, offsetof(struct ec_mbio, bio),
			  BIOSET_NEED_BVECS);
	if (ret)
		goto err_page;
	return 0;

err_page:
	mempool_destroy(v->page_pool);
err_io:
	mempool_destroy(v->io_pool);
err_wq:
	destroy_workqueue(v->wq);
err:
	v->wq = NULL;
	return ret;
}

void ec_io_exit(struct ec_vol *v)
{
	struct page *pg;

	if (!v->wq)
		return;
	destroy_workqueue(v->wq);
	while ((pg = ec_page_get(v)))
		__free_page(pg);
	bioset_exit(&v->bs);
	mempool_destroy(v->page_pool);
	mempool_destroy(v->io_pool);
	v->wq = NULL;
}
