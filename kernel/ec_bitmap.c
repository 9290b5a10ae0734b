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
	return DIV_ROUND_UP(v->bm_nbits, EC_BM_BITS_PER_PAGE);
}

/* Region size: the table's (or the superblock's) unless too many bits. */
void ec_bitmap_geometry(struct ec_vol *v)
{
	while (DIV_ROUND_UP_SECTOR_T(v->data_sectors, v->region_sectors) >
	       (sector_t)DM_EC_BITMAP_MAX_SECTORS * 512 * 8)
		v->region_sectors <<= 1;
	v->bm_nbits = DIV_ROUND_UP_SECTOR_T(v->data_sectors, v->region_sectors);
}

static int ec_bm_io(struct ec_vol *v, unsigned int i, unsigned int pg,
		    enum req_op op, blk_opf_t flags)
{
	return ec_rw_pages(v->mem[i].dev->bdev,
			   DM_EC_BITMAP_OFFSET + pg * (PAGE_SIZE >> 9),
			   &v->bm_pages[pg], 1, PAGE_SIZE, op | flags);
}

/* Copy the in-memory disk bits of page pg into its buffer and write it. */
static void ec_bm_write_page(struct ec_vol *v, unsigned int pg)
{
	unsigned long bad = ec_bad_mask(v);
	unsigned int i;

	spin_lock(&v->bm_lock);
	bitmap_to_arr32(page_address(v->bm_pages[pg]),
			v->bm_disk + pg * (EC_BM_BITS_PER_PAGE / BITS_PER_LONG),
			min_t(unsigned long, EC_BM_BITS_PER_PAGE,
			      v->bm_nbits - (unsigned long)pg * EC_BM_BITS_PER_PAGE));
	spin_unlock(&v->bm_lock);
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

	if (!v->bm_disk)
		return;
	ec_bm_range(v, row, &r0, &r1);
	spin_lock(&v->bm_lock);
	for (r = r0; r <= r1; r++) {
		v->bm_count[r]++;
		set_bit(r, v->bm_touched);
		if (!test_bit(r, v->bm_disk))
			need = true;
	}
	spin_unlock(&v->bm_lock);
	if (!need)
		return;

	mutex_lock(&v->bm_io_lock);
	for (r = r0; r <= r1; r++) {
		if (test_bit(r, v->bm_disk))
			continue;
		spin_lock(&v->bm_lock);
		set_bit(r, v->bm_disk);
		spin_unlock(&v->bm_lock);
		ec_bm_write_page(v, r / EC_BM_BITS_PER_PAGE);
	}
	mutex_unlock(&v->bm_io_lock);
}

void ec_bitmap_endwrite(struct ec_vol *v, sector_t row)
{
	unsigned long r0, r1, r;

	if (!v->bm_disk)
		return;
	ec_bm_range(v, row, &r0, &r1);
	spin_lock(&v->bm_lock);
	for (r = r0; r <= r1; r++)
		v->bm_count[r]--;
	spin_unlock(&v->bm_lock);
	if (!delayed_work_pending(&v->bm_work))
		queue_delayed_work(system_long_wq, &v->bm_work,
				   EC_BM_CLEAR_DELAY);
}

static bool ec_bm_may_clear(struct ec_vol *v)
{
	unsigned int i;

	if (ec_bad_mask(v) || READ_ONCE(v->resync_cp) != (sector_t)-1)
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

	if (!v->bm_disk || !ec_bm_may_clear(v))
		return;
	mutex_lock(&v->bm_io_lock);
	spin_lock(&v->bm_lock);
	for_each_set_bit(r, v->bm_disk, v->bm_nbits) {
		if (!v->bm_count[r]) {
			clear_bit(r, v->bm_touched);
			any = true;
		}
	}
	spin_unlock(&v->bm_lock);
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
	spin_lock(&v->bm_lock);
	for_each_set_bit(r, v->bm_disk, v->bm_nbits) {
		if (!v->bm_count[r] && !test_bit(r, v->bm_touched)) {
			clear_bit(r, v->bm_disk);
			if (r / EC_BM_BITS_PER_PAGE < BITS_PER_LONG)
				dirty_pages |= 1UL << (r / EC_BM_BITS_PER_PAGE);
			else
				dirty_pages = ~0UL;
		}
	}
	spin_unlock(&v->bm_lock);
	for (pg = 0; pg < ec_bm_pages(v); pg++)
		if (dirty_pages == ~0UL ||
		    (pg < BITS_PER_LONG && (dirty_pages & (1UL << pg))))
			ec_bm_write_page(v, pg);
out:
	mutex_unlock(&v->bm_io_lock);
}

static void ec_bm_work(struct work_struct *w)
{
	struct ec_vol *v = container_of(to_delayed_work(w), struct ec_vol,
					bm_work);

	ec_bitmap_clear_idle(v);
	/* Come back while bits remain that could not be cleared yet. */
	if (!bitmap_empty(v->bm_disk, v->bm_nbits) && ec_bm_may_clear(v))
		queue_delayed_work(system_long_wq, &v->bm_work,
				   EC_BM_CLEAR_DELAY);
}

/* Is any region of member sectors [ms, ms + len) dirty in the loaded bits? */
bool ec_bitmap_dirty(struct ec_vol *v, sector_t ms, unsigned int len)
{
	unsigned long r0, r1, r;

	if (!v->bm_disk)
		return true;
	r0 = div64_u64(ms, v->region_sectors);
	r1 = div64_u64(ms + len - 1, v->region_sectors);
	for (r = r0; r <= r1 && r < v->bm_nbits; r++)
		if (test_bit(r, v->bm_disk))
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

	bitmap_zero(v->bm_disk, v->bm_nbits);
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
						 v->bm_nbits - first);
			unsigned long *dst = v->bm_disk + first / BITS_PER_LONG;

			if (ec_bm_io(v, i, pg, REQ_OP_READ, 0))
				continue;	/* the others still have the bits */
			memcpy(tmp, page_address(v->bm_pages[pg]), PAGE_SIZE);
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
	spin_lock_init(&v->bm_lock);
	mutex_init(&v->bm_io_lock);
	INIT_DELAYED_WORK(&v->bm_work, ec_bm_work);
	v->bm_disk = bitmap_zalloc(v->bm_nbits, GFP_KERNEL);
	v->bm_touched = bitmap_zalloc(v->bm_nbits, GFP_KERNEL);
	v->bm_count = kvcalloc(v->bm_nbits, sizeof(*v->bm_count), GFP_KERNEL);
	v->bm_pages = kcalloc(ec_bm_pages(v), sizeof(*v->bm_pages), GFP_KERNEL);
	if (!v->bm_disk || !v->bm_touched || !v->bm_count || !v->bm_pages)
		goto err;
	for (pg = 0; pg < ec_bm_pages(v); pg++) {
		v->bm_pages[pg] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!v->bm_pages[pg])
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

	if (v->bm_disk)
		cancel_delayed_work_sync(&v->bm_work);
	if (v->bm_pages) {
		for (pg = 0; pg < ec_bm_pages(v); pg++)
			if (v->bm_pages[pg])
				__free_page(v->bm_pages[pg]);
		kfree(v->bm_pages);
	}
	kvfree(v->bm_count);
	bitmap_free(v->bm_touched);
	bitmap_free(v->bm_disk);
	v->bm_pages = NULL;
	v->bm_count = NULL;
	v->bm_touched = NULL;
	v->bm_disk = NULL;
}
