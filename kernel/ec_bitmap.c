// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: write-intent bitmap. One bit per region of member space (every
 * member has the same row layout, so a bit covers the same stripes on all
 * of them); identical copies live in every member's metadata area.
 *
 * A bit is set on disk (FUA, every usable member) before the first write
 * into its region is issued, and cleared lazily once the region has had
 * no write for a while and every member has flushed. While a member is
 * missing, failed or rebuilding nothing is cleared, so a member that comes
 * back stale is resynced from the bits alone. After an unclean shutdown
 * only the regions whose bits are set are resynced.
 */
#include <linux/blkdev.h>
#include <linux/vmalloc.h>
#include "dm-ec.h"

#define EC_BM_CLEAR_DELAY	(HZ * 5)
#define EC_BM_BITS_PER_PAGE	(PAGE_SIZE * 8)

static unsigned int ec_bm_pages(struct ec_vol *v)
{
	return DIV_ROUND_UP(v->bm.nbits, EC_BM_BITS_PER_PAGE);
}

/* Region size: the table's (or the superblock's) unless too many bits. */
void ec_bitmap_geometry(struct ec_vol *v)
{
	while (DIV_ROUND_UP_SECTOR_T(v->data_sectors, v->region_sectors) >
	       (sector_t)DM_EC_BITMAP_MAX_SECTORS * 512 * 8)
		v->region_sectors <<= 1;
	v->bm.nbits = DIV_ROUND_UP_SECTOR_T(v->data_sectors, v->region_sectors);
}

static int ec_bm_io(struct ec_vol *v, unsigned int i, unsigned int pg,
		    enum req_op op, blk_opf_t flags)
{
	return ec_rw_pages(v->mem[i].dev->bdev,
			   DM_EC_BITMAP_OFFSET + pg * (PAGE_SIZE >> 9),
			   &v->bm.pages[pg], 1, PAGE_SIZE, op | flags);
}

/* Copy the in-memory disk bits of page pg into its buffer and write it. */
static void ec_bm_write_page(struct ec_vol *v, unsigned int pg)
{
	unsigned long bad = ec_bad_mask(v);
	unsigned int i;

	spin_lock(&v->bm.lock);
	bitmap_to_arr32(page_address(v->bm.pages[pg]),
			v->bm.disk + pg * (EC_BM_BITS_PER_PAGE / BITS_PER_LONG),
			min_t(unsigned long, EC_BM_BITS_PER_PAGE,
			      v->bm.nbits - (unsigned long)pg * EC_BM_BITS_PER_PAGE));
	spin_unlock(&v->bm.lock);
	for (i = 0; i < v->n; i++) {
		if (bad & (1UL << i))
			continue;
		if (ec_bm_io(v, i, pg, REQ_OP_WRITE, REQ_SYNC | REQ_FUA)) {
			atomic_inc(&v->mem[i].write_errors);
			ec_member_fail(v, i, "bitmap write error");
		}
	}
}

static void ec_bm_range(struct ec_vol *v, sector_t row, unsigned long *r0,
			unsigned long *r1)
{
	sector_t ms = row * v->chunk_sectors;

	*r0 = div64_u64(ms, v->region_sectors);
	*r1 = div64_u64(ms + v->chunk_sectors - 1, v->region_sectors);
}

/* Before writing to a stripe: make its regions dirty on disk. */
void ec_bitmap_startwrite(struct ec_vol *v, sector_t row)
{
	unsigned long r0, r1, r;
	bool need = false;

	if (!v->bm.disk)
		return;
	ec_bm_range(v, row, &r0, &r1);
	spin_lock(&v->bm.lock);
	for (r = r0; r <= r1; r++) {
		v->bm.count[r]++;
		set_bit(r, v->bm.touched);
		if (!test_bit(r, v->bm.disk))
			need = true;
	}
	spin_unlock(&v->bm.lock);
	if (!need)
		return;

	mutex_lock(&v->bm.io_lock);
	for (r = r0; r <= r1; r++) {
		if (test_bit(r, v->bm.disk))
			continue;
		spin_lock(&v->bm.lock);
		set_bit(r, v->bm.disk);
		spin_unlock(&v->bm.lock);
		ec_bm_write_page(v, r / EC_BM_BITS_PER_PAGE);
	}
	mutex_unlock(&v->bm.io_lock);
}

void ec_bitmap_endwrite(struct ec_vol *v, sector_t row)
{
	unsigned long r0, r1, r;

	if (!v->bm.disk)
		return;
	ec_bm_range(v, row, &r0, &r1);
	spin_lock(&v->bm.lock);
	for (r = r0; r <= r1; r++)
		v->bm.count[r]--;
	spin_unlock(&v->bm.lock);
	if (!delayed_work_pending(&v->bm.work))
		queue_delayed_work(system_long_wq, &v->bm.work,
				   EC_BM_CLEAR_DELAY);
}

static bool ec_bm_may_clear(struct ec_vol *v)
{
	unsigned int i;

	if (ec_bad_mask(v) || READ_ONCE(v->sync.resync_cp) != (sector_t)-1)
		return false;
	for (i = 0; i < v->n; i++)
		if (test_bit(EC_MF_REBUILD, &v->mem[i].flags))
			return false;
	return true;
}

/*
 * Clear the bits of regions with no write since the last pass: forget
 * "touched", flush every member, then clear what is still idle and
 * untouched. Called from the delayed work and, with everything idle, at
 * suspend.
 */
void ec_bitmap_clear_idle(struct ec_vol *v)
{
	unsigned long r, dirty_pages = 0;
	unsigned int i, pg;
	bool any = false;

	if (!v->bm.disk || !ec_bm_may_clear(v))
		return;
	mutex_lock(&v->bm.io_lock);
	spin_lock(&v->bm.lock);
	for_each_set_bit(r, v->bm.disk, v->bm.nbits) {
		if (!v->bm.count[r]) {
			clear_bit(r, v->bm.touched);
			any = true;
		}
	}
	spin_unlock(&v->bm.lock);
	if (!any)
		goto out;
	for (i = 0; i < v->n; i++) {
		if (ec_bad_mask(v) & (1UL << i))
			continue;
		if (blkdev_issue_flush(v->mem[i].dev->bdev)) {
			/*
			 * Its writes may not be on the medium: fail it; with a
			 * member failed nothing is cleared (ec_bm_may_clear).
			 */
			atomic_inc(&v->mem[i].write_errors);
			ec_member_fail(v, i, "flush error");
		}
	}
	if (!ec_bm_may_clear(v))
		goto out;
	spin_lock(&v->bm.lock);
	for_each_set_bit(r, v->bm.disk, v->bm.nbits) {
		if (!v->bm.count[r] && !test_bit(r, v->bm.touched)) {
			clear_bit(r, v->bm.disk);
			if (r / EC_BM_BITS_PER_PAGE < BITS_PER_LONG)
				dirty_pages |= 1UL << (r / EC_BM_BITS_PER_PAGE);
			else
				dirty_pages = ~0UL;
		}
	}
	spin_unlock(&v->bm.lock);
	for (pg = 0; pg < ec_bm_pages(v); pg++)
		if (dirty_pages == ~0UL ||
		    (pg < BITS_PER_LONG && (dirty_pages & (1UL << pg))))
			ec_bm_write_page(v, pg);
out:
	mutex_unlock(&v->bm.io_lock);
}

static void ec_bm_work(struct work_struct *w)
{
	struct ec_vol *v = container_of(to_delayed_work(w), struct ec_vol,
					bm.work);

	ec_bitmap_clear_idle(v);
	/* Come back while bits remain that could not be cleared yet. */
	if (!bitmap_empty(v->bm.disk, v->bm.nbits) && ec_bm_may_clear(v))
		queue_delayed_work(system_long_wq, &v->bm.work,
				   EC_BM_CLEAR_DELAY);
}

/* Is any region of member sectors [ms, ms + len) dirty in the loaded bits? */
bool ec_bitmap_dirty(struct ec_vol *v, sector_t ms, unsigned int len)
{
	unsigned long r0, r1, r;

	if (!v->bm.disk)
		return true;
	r0 = div64_u64(ms, v->region_sectors);
	r1 = div64_u64(ms + len - 1, v->region_sectors);
	for (r = r0; r <= r1 && r < v->bm.nbits; r++)
		if (test_bit(r, v->bm.disk))
			return true;
	return false;
}

/*
 * Read the bitmap of every usable member and OR them (a crash during a
 * bitmap write may leave the copies different; a set bit is never lost).
 */
int ec_bitmap_load(struct ec_vol *v, bool formatted)
{
	unsigned long bad = ec_bad_mask(v), *one;
	unsigned int i, pg;
	u32 *tmp;

	bitmap_zero(v->bm.disk, v->bm.nbits);
	if (formatted)
		return 0;
	tmp = kmalloc(PAGE_SIZE, GFP_KERNEL);
	one = bitmap_zalloc(EC_BM_BITS_PER_PAGE, GFP_KERNEL);
	if (!tmp || !one) {
		kfree(tmp);
		bitmap_free(one);
		return -ENOMEM;
	}
	for (i = 0; i < v->n; i++) {
		if (bad & (1UL << i))
			continue;
		for (pg = 0; pg < ec_bm_pages(v); pg++) {
			unsigned long first = (unsigned long)pg * EC_BM_BITS_PER_PAGE;
			unsigned long nb = min_t(unsigned long, EC_BM_BITS_PER_PAGE,
						 v->bm.nbits - first);
			unsigned long *dst = v->bm.disk + first / BITS_PER_LONG;

			if (ec_bm_io(v, i, pg, REQ_OP_READ, 0))
				continue;	/* the others still have the bits */
			memcpy(tmp, page_address(v->bm.pages[pg]), PAGE_SIZE);
			bitmap_from_arr32(one, tmp, nb);
			bitmap_or(dst, dst, one, nb);
		}
	}
	bitmap_free(one);
	kfree(tmp);
	return 0;
}

int ec_bitmap_init(struct ec_vol *v)
{
	unsigned int pg;

	ec_bitmap_geometry(v);
	spin_lock_init(&v->bm.lock);
	mutex_init(&v->bm.io_lock);
	INIT_DELAYED_WORK(&v->bm.work, ec_bm_work);
	v->bm.disk = bitmap_zalloc(v->bm.nbits, GFP_KERNEL);
	v->bm.touched = bitmap_zalloc(v->bm.nbits, GFP_KERNEL);
	v->bm.count = kvcalloc(v->bm.nbits, sizeof(*v->bm.count), GFP_KERNEL);
	v->bm.pages = kcalloc(ec_bm_pages(v), sizeof(*v->bm.pages), GFP_KERNEL);
	if (!v->bm.disk || !v->bm.touched || !v->bm.count || !v->bm.pages)
		goto err;
	for (pg = 0; pg < ec_bm_pages(v); pg++) {
		v->bm.pages[pg] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!v->bm.pages[pg])
			goto err;
	}
	return 0;
err:
	ec_bitmap_exit(v);
	return -ENOMEM;
}

void ec_bitmap_exit(struct ec_vol *v)
{
	unsigned int pg;

	if (v->bm.disk)
		cancel_delayed_work_sync(&v->bm.work);
	if (v->bm.pages) {
		for (pg = 0; pg < ec_bm_pages(v); pg++)
			if (v->bm.pages[pg])
				__free_page(v->bm.pages[pg]);
		kfree(v->bm.pages);
	}
	kvfree(v->bm.count);
	bitmap_free(v->bm.touched);
	bitmap_free(v->bm.disk);
	v->bm.pages = NULL;
	v->bm.count = NULL;
	v->bm.touched = NULL;
	v->bm.disk = NULL;
}
