// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: the slice engine. A slice is one locked unit of a stripe row
 * (up to EC_SLICE_SECTORS deep in every column): ec_io_get() takes its
 * lock and ec_io_put() gives it back. In between the io gets pages for
 * the columns it needs (ec_io_alloc(), with a reserve that always lets one
 * io finish), reads or writes blocks on the members (ec_io_blocks(), or
 * ec_io_begin() / ec_io_send() / ec_io_wait() for other bios), fails the
 * members that return errors, and decodes what cannot be read
 * (ec_read_decode()). The dm bio path (ec_io.c), the resync and rebuild
 * (ec_sync.c) and the partial-parity log (ec_ppl.c) are built on it.
 * ec_rw_pages() is the synchronous I/O of the metadata (superblock,
 * bitmap, log replay).
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

/* Members that cannot be read at member depth below row*chunk + s1. */
unsigned long ec_unreadable(struct ec_vol *v, sector_t row, unsigned int s1)
{
	sector_t end = row * v->chunk_sectors + s1;
	sector_t cp = READ_ONCE(v->sync.rebuild_cp);
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
	struct ec_vol *v = io->v;
	unsigned int i;

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
 * writes already logged). What a waiter holds that others may wait for
 * is given back before it sleeps, through io->unhold (the log sets it to
 * ec_ppl_end: its entries and its count of logged writes in flight), so
 * a change of log generation (which waits for every logged write in
 * flight) never waits for a waiter either; ec_ppl_log() allocates before
 * counting its io as logged.
 */
void ec_io_alloc(struct ec_io *io, u64 cols)
{
	struct ec_vol *v = io->v;
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
				if (io->unhold)
					io->unhold(io);
				mutex_lock(&v->reserve_lock);
				io->reserve = true;
			}
			*pg = ec_page_get(v);
			if (!*pg)
				*pg = mempool_alloc(v->page_pool, GFP_NOIO);
		}
	}
}

static void ec_member_endio(struct bio *bio)
{
	struct ec_io *io = bio->bi_private;

	if (bio->bi_status)
		set_bit(container_of(bio, struct ec_mbio, bio)->member,
			&io->err_mask);
	bio_put(bio);
	if (atomic_dec_and_test(&io->pending))
		complete(&io->done);
}

/*
 * A bio to member at sector for io, from the volume's bioset (its front
 * records the member), completed by ec_member_endio(): send it with
 * ec_io_send() between ec_io_begin() and ec_io_wait().
 */
struct bio *ec_member_bio(struct ec_io *io, unsigned int member,
			  sector_t sector, unsigned short nr_vecs,
			  blk_opf_t opf)
{
	struct ec_vol *v = io->v;
	struct bio *bio;

	bio = bio_alloc_bioset(v->mem[member].dev->bdev, nr_vecs, opf,
			       GFP_NOIO, &v->bs);
	container_of(bio, struct ec_mbio, bio)->member = member;
	bio->bi_iter.bi_sector = sector;
	bio->bi_private = io;
	bio->bi_end_io = ec_member_endio;
	return bio;
}

/* A round of member bios: ec_io_begin(), ec_io_send() each, ec_io_wait(). */
void ec_io_begin(struct ec_io *io)
{
	atomic_set(&io->pending, 1);
	reinit_completion(&io->done);
	io->err_mask = 0;
}

void ec_io_send(struct ec_io *io, struct bio *bio)
{
	atomic_inc(&io->pending);
	submit_bio_noacct(bio);
}

/* Read or write block b of the slice, pages [p0, p1) of column col. */
void ec_io_submit(struct ec_io *io, unsigned int b, unsigned int col,
		  enum req_op op, blk_opf_t flags)
{
	struct ec_vol *v = io->v;
	unsigned int member = ec_member_of(v, io->row, b);
	unsigned int p, np = io->p1 - io->p0;
	struct bio *bio;

	bio = ec_member_bio(io, member, ec_member_sector(v, io->row, io->p0 << 3),
			    np, op | flags);
	for (p = io->p0; p < io->p1; p++)
		__bio_add_page(bio, io->pages[col * EC_SLICE_PAGES + p - io->pbase],
			       PAGE_SIZE, 0);
	ec_io_send(io, bio);
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
	struct ec_vol *v = io->v;
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
	struct ec_vol *v = io->v;
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
 * Synchronous I/O of np pages (len bytes of each) at sector of bdev, for
 * the metadata: superblocks, bitmap pages, log entries at replay. The bio
 * and its vectors are on the stack: it needs no memory, which a
 * superblock commit must not.
 */
int ec_rw_pages(struct block_device *bdev, sector_t sector,
		struct page **pages, unsigned int np, unsigned int len,
		blk_opf_t opf)
{
	struct bio_vec bv[EC_SLICE_PAGES + 1];
	struct bio bio;
	unsigned int i;
	int ret;

	if (WARN_ON_ONCE(!np || np > ARRAY_SIZE(bv)))
		return -EINVAL;
	bio_init(&bio, bdev, bv, np, opf);
	bio.bi_iter.bi_sector = sector;
	for (i = 0; i < np; i++)
		__bio_add_page(&bio, pages[i], len, 0);
	ret = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return ret;
}

/* Page pointers of columns [area, area + n) at page p. */
void ec_ptrs(struct ec_io *io, unsigned int area, unsigned int p, u8 **blk)
{
	struct ec_vol *v = io->v;
	unsigned int b;

	for (b = 0; b < v->n; b++) {
		struct page *pg = io->pages[(area + b) * EC_SLICE_PAGES + p - io->pbase];

		blk[b] = pg ? page_address(pg) : NULL;
	}
}

/* Read blocks and decode the unreadable ones: all n main columns valid. */
int ec_read_decode(struct ec_io *io, u32 unread, u32 want)
{
	struct ec_vol *v = io->v;
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

int ec_slice_init(struct ec_vol *v)
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
	v->io_pool = mempool_create_kmalloc_pool(4, iosz);
	if (!v->io_pool)
		goto err;
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
	v->page_pool = NULL;
err_io:
	mempool_destroy(v->io_pool);
	v->io_pool = NULL;
err:
	return ret;
}

/* After the last io: the workers that get them are gone. */
void ec_slice_exit(struct ec_vol *v)
{
	struct page *pg;

	while ((pg = ec_page_get(v)))
		__free_page(pg);
	bioset_exit(&v->bs);
	mempool_destroy(v->page_pool);
	mempool_destroy(v->io_pool);
	v->page_pool = NULL;
	v->io_pool = NULL;
}
