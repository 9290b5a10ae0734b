// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: superblocks. Every member carries two copies of a 4 KiB
 * superblock; the valid copy with the highest event counter wins. Loading
 * only reads and decides; ec_meta_commit() writes.
 */
#include <linux/blkdev.h>
#include <linux/crc32c.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include "dm-ec.h"

/* Standard CRC-32C (Castagnoli), as stored on disk. */
u32 ec_crc32c(u32 crc, const void *buf, size_t len)
{
	return ~crc32c(~crc, buf, len);
}

static int ec_sb_io(struct block_device *bdev, sector_t sector,
		    struct page *page, enum req_op op, blk_opf_t flags)
{
	return ec_rw_pages(bdev, sector, &page, 1, DM_EC_SB_SIZE, op | flags);
}

enum { SB_BLANK, SB_VALID };

/*
 * Read both copies; keep the valid one with the highest event counter in
 * out. Returns SB_BLANK, SB_VALID or a negative error with *why set.
 */
static int ec_sb_read(struct block_device *bdev, struct page *page,
		      struct dm_ec_sb *out, const char **why)
{
	static const sector_t where[] = { DM_EC_SB0_SECTOR, DM_EC_SB1_SECTOR };
	struct dm_ec_sb *sb = page_address(page);
	bool found = false, magic = false, newer = false;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		ret = ec_sb_io(bdev, where[i], page, REQ_OP_READ, 0);
		if (ret) {
			*why = "cannot read its superblock";
			return ret;
		}
		if (le64_to_cpu(sb->magic) != DM_EC_SB_MAGIC)
			continue;
		magic = true;
		if (ec_crc32c(0, sb, offsetof(struct dm_ec_sb, crc)) !=
		    le32_to_cpu(sb->crc))
			continue;
		if (le32_to_cpu(sb->version) > DM_EC_SB_VERSION ||
		    le32_to_cpu(sb->version) < DM_EC_SB_VERSION_MIN) {
			newer = true;
			continue;
		}
		if (!found || le64_to_cpu(sb->events) > le64_to_cpu(out->events))
			memcpy(out, sb, sizeof(*out));
		found = true;
	}
	if (found)
		return SB_VALID;
	if (newer) {
		*why = "has a superblock of a newer version";
		return -EPROTO;
	}
	if (magic) {
		*why = "has a superblock with a bad checksum";
		return -EUCLEAN;
	}
	return SB_BLANK;
}

static bool ec_sb_geometry_ok(struct ec_vol *v, const struct dm_ec_sb *sb)
{
	return le32_to_cpu(sb->k) == v->k && le32_to_cpu(sb->m) == v->m &&
	       le32_to_cpu(sb->chunk_sectors) == v->chunk_sectors &&
	       le64_to_cpu(sb->data_offset) == DM_EC_DATA_OFFSET;
}

/*
 * Is the superblock's description of the member layout one this module
 * can use on member i? Every field used later is range-checked here, in
 * 64 bits and without overflow; a member is never trusted. Returns the
 * reason or NULL.
 */
static const char *ec_sb_layout_bad(struct ec_vol *v, const struct dm_ec_sb *sb,
				    unsigned int i)
{
	u64 ds = le64_to_cpu(sb->data_sectors), size, vol;
	u32 region = le32_to_cpu(sb->region_sectors);

	if (!ds || ds % v->chunk_sectors)
		return "has a superblock with an invalid data area size";
	size = bdev_nr_sectors(v->mem[i].dev->bdev);
	if (size < DM_EC_DATA_OFFSET || ds > size - DM_EC_DATA_OFFSET)
		return "is smaller than the data area its superblock gives";
	if (check_mul_overflow(ds, (u64)v->k, &vol) || vol > (u64)LLONG_MAX >> 9)
		return "has a superblock with an impossibly large data area";
	/* 0: the table's region size (older superblocks) */
	if (region && (!is_power_of_2(region) || region < 8 ||
		       region > (1U << 30)))
		return "has a superblock with an invalid region size";
	if (le32_to_cpu(sb->bitmap_sectors) > DM_EC_BITMAP_MAX_SECTORS ||
	    le64_to_cpu(sb->bitmap_offset) != DM_EC_BITMAP_OFFSET ||
	    le64_to_cpu(sb->log_offset) != DM_EC_LOG_OFFSET ||
	    le64_to_cpu(sb->log_sectors) != DM_EC_DATA_OFFSET - DM_EC_LOG_OFFSET)
		return "has a superblock with an invalid bitmap or log area";
	return NULL;
}

/*
 * A checkpoint only says how much work is left, and a crashed machine's
 * checkpoint must still assemble, so a bad one is never refused: one not
 * on a slice boundary is rounded down (redoing a slice is harmless), one
 * past the data area restarts the work from the start.
 */
static sector_t ec_sb_checkpoint(struct ec_vol *v, u64 cp, const char *what,
				 bool verbose)
{
	if (cp > v->data_sectors) {
		if (verbose)
			DMWARN("%s checkpoint %llu is past the data area (%llu): starting over",
			       what, (unsigned long long)cp,
			       (unsigned long long)v->data_sectors);
		return 0;
	}
	if (cp % v->slice_sectors) {
		if (verbose)
			DMWARN("%s checkpoint %llu is not on a slice boundary: rounded down",
			       what, (unsigned long long)cp);
		cp -= cp % v->slice_sectors;
	}
	return cp;
}

/* What ec_meta_load() found on the members. */
struct ec_found {
	struct dm_ec_sb *sbs;		/* each member's newest valid copy */
	struct dm_ec_sb *ref;		/* the newest of them (events) */
	unsigned long blank, valid, unreadable;
	unsigned int bad;		/* the member refused ... */
	const char *why;		/* ... and why (NULL: msg says it) */
};

/* Read every present member's superblock; ref is the newest. */
static int ec_meta_read(struct ec_vol *v, struct ec_found *f,
			struct page *page, bool verbose)
{
	const char *why = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < v->n; i++) {
		if (!v->mem[i].dev)
			continue;
		ret = ec_sb_read(v->mem[i].dev->bdev, page, &f->sbs[i], &why);
		if (ret == -EIO) {
			/* A dead disk in the table: load with it failed. */
			f->unreadable |= 1UL << i;
			if (verbose)
				DMWARN("member %u (%s) %s: failed", i,
				       v->mem[i].dev->name, why);
			continue;
		}
		if (ret < 0) {
			f->bad = i;
			f->why = why;
			return ret;
		}
		if (ret == SB_BLANK) {
			f->blank |= 1UL << i;
			continue;
		}
		f->valid |= 1UL << i;
		if (!f->ref ||
		    le64_to_cpu(f->sbs[i].events) > le64_to_cpu(f->ref->events))
			f->ref = &f->sbs[i];
	}
	return 0;
}

/* The device-mapper name of the volume being loaded, for the superblock. */
static void ec_meta_name(struct ec_vol *v)
{
	if (dm_copy_name_and_uuid(dm_table_get_md(v->ti->table), v->sb_name,
				  NULL))
		v->sb_name[0] = '\0';
}

/* A new volume: every present member is blank. */
static int ec_meta_new(struct ec_vol *v, struct ec_found *f, char *msg,
		       size_t msglen)
{
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (f->unreadable & (1UL << i))
			set_bit(EC_MF_FAILED, &v->mem[i].flags);
	if (ec_data_lost(v)) {
		snprintf(msg, msglen,
			 "ec: a new volume with %u of %u members missing: at most m = %u may be",
			 (unsigned int)hweight_long(ec_bad_mask(v)), v->n, v->m);
		return -EINVAL;
	}
	v->formatted = true;
	generate_random_uuid(v->array_uuid);
	for (i = 0; i < v->n; i++)
		generate_random_uuid(v->mem[i].uuid);
	v->ctime = ktime_get_real_seconds();
	ec_meta_name(v);
	strscpy(v->sb_host, utsname()->nodename, sizeof(v->sb_host));
	v->events = 0;
	v->sync.resync_cp = v->nosync ? (sector_t)-1 : 0;
	v->sb_flags = v->nosync ? DM_EC_SB_F_SYNCED : 0;
	v->sync.rebuild_cp = 0;
	v->sync.resync_bitmap = false;
	v->sync.rebuild_bitmap = false;
	ec_bitmap_geometry(v);
	return 0;
}

/* A member refused: it is f->bad, for the reason f->why. */
static int ec_meta_refuse(struct ec_found *f, unsigned int i, const char *why)
{
	f->bad = i;
	f->why = why;
	return -EINVAL;
}

/*
 * Does every formatted member belong to ref's volume, in its own slot,
 * with a layout this module can use; is every blank one to be rebuilt;
 * is every readable member large enough for the data area?
 */
static int ec_meta_check(struct ec_vol *v, struct ec_found *f, char *msg,
			 size_t msglen)
{
	const struct dm_ec_sb *ref = f->ref;
	const char *why;
	unsigned int i;

	for (i = 0; i < v->n; i++) {
		const struct dm_ec_sb *sb = &f->sbs[i];

		if (!(f->valid & (1UL << i)))
			continue;
		if (memcmp(sb->array_uuid, ref->array_uuid, 16))
			return ec_meta_refuse(f, i, "belongs to another volume");
		if (!ec_sb_geometry_ok(v, sb))
			return ec_meta_refuse(f, i,
					      "has a different geometry (k, m or chunk_sectors)");
		why = ec_sb_layout_bad(v, sb, i);
		if (why)
			return ec_meta_refuse(f, i, why);
		if (sb->data_sectors != ref->data_sectors)
			return ec_meta_refuse(f, i,
					      "has a data area size that differs from the other members'");
		if (le32_to_cpu(sb->member_index) != i) {
			snprintf(msg, msglen,
				 "ec: member %u (%s) is member %u of its volume",
				 i, v->mem[i].dev->name,
				 le32_to_cpu(sb->member_index));
			return -EINVAL;
		}
		if (memcmp(sb->member_uuid, ref->member_uuids[i], 16) &&
		    !(v->rebuild_opt & (1UL << i)))
			return ec_meta_refuse(f, i,
					      "is not the member the volume recorded in this slot (use rebuild)");
	}
	for (i = 0; i < v->n; i++) {
		if ((f->blank & (1UL << i)) && !(v->rebuild_opt & (1UL << i))) {
			snprintf(msg, msglen,
				 "ec: member %u (%s) is blank; add 'rebuild %u' to rebuild it",
				 i, v->mem[i].dev->name, i);
			return -EINVAL;
		}
	}
	/* Blank members and members with a bad superblock alike. */
	for (i = 0; i < v->n; i++)
		if (v->mem[i].dev && !(f->unreadable & (1UL << i)) &&
		    bdev_nr_sectors(v->mem[i].dev->bdev) - DM_EC_DATA_OFFSET <
		    le64_to_cpu(ref->data_sectors))
			return ec_meta_refuse(f, i,
					      "is smaller than the volume's data area");
	return 0;
}

/* The volume's geometry, counters and sync state, from ref. */
static void ec_meta_adopt(struct ec_vol *v, const struct dm_ec_sb *ref,
			  bool verbose)
{
	memcpy(v->array_uuid, ref->array_uuid, 16);
	v->data_sectors = le64_to_cpu(ref->data_sectors);
	if (le32_to_cpu(ref->region_sectors))
		v->region_sectors = le32_to_cpu(ref->region_sectors);
	ec_bitmap_geometry(v);
	v->events = le64_to_cpu(ref->events);
	v->ctime = le64_to_cpu(ref->ctime);
	/*
	 * Version 2 records the name and host at format; a version 1 volume
	 * (those bytes reserved) gets its current name recorded now. A name
	 * without its NUL counts as none: only whole strings are kept.
	 */
	v->sb_name[0] = '\0';
	v->sb_host[0] = '\0';
	if (le32_to_cpu(ref->version) >= 2 &&
	    memchr(ref->name, '\0', sizeof(ref->name)) &&
	    memchr(ref->host, '\0', sizeof(ref->host))) {
		memcpy(v->sb_name, ref->name, sizeof(v->sb_name));
		memcpy(v->sb_host, ref->host, sizeof(v->sb_host));
	}
	if (!v->sb_name[0])
		ec_meta_name(v);
	v->sb_flags = le32_to_cpu(ref->flags);
	v->sync.rebuild_cp = ec_sb_checkpoint(v, le64_to_cpu(ref->rebuild_cp),
					      "rebuild", verbose);
	v->log.gen = le64_to_cpu(ref->log_gen);
	v->sync.resync_bitmap = false;
	v->sync.resync_bm_end = (sector_t)-1;
	v->sync.rebuild_bitmap = true;
	if (!(v->sb_flags & DM_EC_SB_F_SYNCED) &&
	    !(v->sb_flags & DM_EC_SB_F_CLEAN)) {
		/*
		 * A crash during the initial sync: above the checkpoint all is
		 * resynced anyway, but below it writes made after the sync
		 * passed may be torn. Their bits are set (nothing is cleared
		 * before the sync completes): resync those regions from the
		 * start, then everything from the checkpoint on.
		 */
		v->sync.resync_bm_end =
			ec_sb_checkpoint(v, le64_to_cpu(ref->resync_cp),
					 "resync", verbose);
		v->sync.resync_cp = 0;
		v->sync.resync_bitmap = true;
	} else if (!(v->sb_flags & DM_EC_SB_F_SYNCED)) {
		v->sync.resync_cp =
			ec_sb_checkpoint(v, le64_to_cpu(ref->resync_cp),
					 "resync", verbose);
	} else if (!(v->sb_flags & DM_EC_SB_F_CLEAN)) {
		/* Unclean shutdown: resync the regions the bitmap names. */
		v->sync.resync_cp = 0;
		v->sync.resync_bitmap = true;
	} else {
		v->sync.resync_cp = (sector_t)-1;
	}
	if (verbose && !(v->sb_flags & DM_EC_SB_F_CLEAN) &&
	    (v->sb_flags & DM_EC_SB_F_SYNCED))
		DMWARN("volume was not shut down cleanly: resyncing parity");
}

/*
 * Each member's flags, from the state ref records for it, what its own
 * superblock says and the table's rebuild options.
 */
static void ec_meta_members(struct ec_vol *v, const struct ec_found *f,
			    bool verbose)
{
	const struct dm_ec_sb *ref = f->ref;
	unsigned int i;

	v->rebuild_new = 0;
	for (i = 0; i < v->n; i++) {
		struct ec_member *mb = &v->mem[i];
		u8 state = ref->member_state[i];

		clear_bit(EC_MF_REBUILD, &mb->flags);
		clear_bit(EC_MF_FAILED, &mb->flags);

		if (f->blank & (1UL << i))
			generate_random_uuid(mb->uuid);
		else
			memcpy(mb->uuid, ref->member_uuids[i], 16);
		if (!mb->dev)
			continue;
		if (f->unreadable & (1UL << i)) {
			set_bit(EC_MF_FAILED, &mb->flags);
			continue;
		}
		if (v->rebuild_opt & (1UL << i)) {
			/* New or stale by request: rebuilt from scratch. */
			if (state == DM_EC_MEMBER_ACTIVE)
				v->rebuild_new |= 1UL << i;
			if (state != DM_EC_MEMBER_REBUILDING ||
			    !(f->valid & (1UL << i)))
				v->sync.rebuild_cp = 0;
			v->sync.rebuild_bitmap = false;
			if (f->blank & (1UL << i) ||
			    memcmp(f->sbs[i].member_uuid, ref->member_uuids[i], 16))
				generate_random_uuid(mb->uuid);
			set_bit(EC_MF_REBUILD, &mb->flags);
		} else if (state == DM_EC_MEMBER_REBUILDING) {
			set_bit(EC_MF_REBUILD, &mb->flags);
			/* which kind of rebuild it was is not recorded */
			v->sync.rebuild_bitmap = false;
		} else if (state == DM_EC_MEMBER_FAILED) {
			/* Failed stays failed until replaced (rebuild <idx>). */
			set_bit(EC_MF_FAILED, &mb->flags);
		} else if (state != DM_EC_MEMBER_ACTIVE) {
			/* Missed writes while absent or failed: not trusted. */
			if (verbose)
				DMWARN("member %u (%s) is stale: rebuilding it",
				       i, mb->dev->name);
			set_bit(EC_MF_REBUILD, &mb->flags);
			v->sync.rebuild_cp = 0;
		}
	}
}

/*
 * Assembly: read the members' superblocks, refuse what does not belong
 * together (msg names the member and why), and take the volume's state
 * from the newest; blank members everywhere make a new volume.
 */
int ec_meta_load(struct ec_vol *v, char *msg, size_t msglen, bool verbose)
{
	struct ec_found f = { };
	struct page *page;
	int ret;

	f.sbs = kvcalloc(v->n, sizeof(*f.sbs), GFP_KERNEL);
	page = alloc_page(GFP_KERNEL);
	msg[0] = 0;
	if (!f.sbs || !page) {
		strscpy(msg, "ec: out of memory", msglen);
		ret = -ENOMEM;
		goto out;
	}
	ret = ec_meta_read(v, &f, page, verbose);
	if (ret)
		goto refuse;
	if (!f.ref) {
		ret = ec_meta_new(v, &f, msg, msglen);
		goto out;
	}
	ret = ec_meta_check(v, &f, msg, msglen);
	if (ret)
		goto refuse;
	ec_meta_adopt(v, f.ref, verbose);
	ec_meta_members(v, &f, verbose);
	goto out;

refuse:
	if (f.why)
		snprintf(msg, msglen, "ec: member %u (%s) %s", f.bad,
			 v->mem[f.bad].dev ? v->mem[f.bad].dev->name : "-",
			 f.why);
out:
	if (page)
		__free_page(page);
	kvfree(f.sbs);
	return ret;
}

static void ec_sb_fill(struct ec_vol *v, struct dm_ec_sb *sb, unsigned int idx)
{
	unsigned int i;
	u32 flags = v->sb_flags & ~DM_EC_SB_F_CLEAN;

	if (v->clean)
		flags |= DM_EC_SB_F_CLEAN;
	memset(sb, 0, sizeof(*sb));
	sb->magic = cpu_to_le64(DM_EC_SB_MAGIC);
	sb->version = cpu_to_le32(DM_EC_SB_VERSION);
	sb->flags = cpu_to_le32(flags);
	memcpy(sb->array_uuid, v->array_uuid, 16);
	memcpy(sb->member_uuid, v->mem[idx].uuid, 16);
	sb->member_index = cpu_to_le32(idx);
	sb->k = cpu_to_le32(v->k);
	sb->m = cpu_to_le32(v->m);
	sb->chunk_sectors = cpu_to_le32(v->chunk_sectors);
	sb->data_offset = cpu_to_le64(v->data_offset);
	sb->data_sectors = cpu_to_le64(v->data_sectors);
	sb->events = cpu_to_le64(v->events);
	sb->ctime = cpu_to_le64(v->ctime);
	sb->utime = cpu_to_le64(ktime_get_real_seconds());
	sb->resync_cp = cpu_to_le64(min_t(sector_t, v->sync.resync_cp,
					  v->data_sectors));
	sb->rebuild_cp = cpu_to_le64(v->sync.rebuild_cp);
	sb->region_sectors = cpu_to_le32(v->region_sectors);
	sb->bitmap_sectors = cpu_to_le32(DIV_ROUND_UP(v->bm.nbits, 8 * 512));
	sb->bitmap_offset = cpu_to_le64(DM_EC_BITMAP_OFFSET);
	sb->log_offset = cpu_to_le64(DM_EC_LOG_OFFSET);
	sb->log_sectors = cpu_to_le64(DM_EC_DATA_OFFSET - DM_EC_LOG_OFFSET);
	sb->log_gen = cpu_to_le64(v->log.gen);
	memcpy(sb->name, v->sb_name, sizeof(sb->name));
	memcpy(sb->host, v->sb_host, sizeof(sb->host));
	for (i = 0; i < v->n; i++) {
		sb->member_state[i] = ec_mstate_disk(ec_member_state(v, i));
		memcpy(sb->member_uuids[i], v->mem[i].uuid, 16);
	}
	sb->crc = cpu_to_le32(ec_crc32c(0, sb, offsetof(struct dm_ec_sb, crc)));
}

/*
 * Write the current state to every usable member, copy 0 then copy 1,
 * each flushed and FUA, so a torn write leaves one good copy. A member
 * that fails the write is failed and the round repeats. With more than m
 * members lost nothing is written: the members keep the last state in
 * which the volume was whole. Needs no memory (the page is the volume's,
 * from the constructor): what a failed write left is judged by the
 * member states afterwards (ec_data_lost()).
 */
void ec_meta_commit(struct ec_vol *v)
{
	struct page *page = v->sb_page;
	unsigned long bad;
	unsigned int i, round;

	mutex_lock(&v->sb_lock);
	for (round = 0; round <= v->n; round++) {
		bool again = false;

		bad = ec_bad_mask(v);
		if (hweight_long(bad) > v->m) {
			DMERR_LIMIT("more than %u members lost: superblocks left as they are",
				    v->m);
			break;
		}
		v->events++;
		for (i = 0; i < v->n; i++) {
			struct block_device *bdev;

			if (bad & (1UL << i))
				continue;
			bdev = v->mem[i].dev->bdev;
			ec_sb_fill(v, page_address(page), i);
			if (ec_sb_io(bdev, DM_EC_SB0_SECTOR, page, REQ_OP_WRITE,
				     REQ_SYNC | REQ_PREFLUSH | REQ_FUA) ||
			    ec_sb_io(bdev, DM_EC_SB1_SECTOR, page, REQ_OP_WRITE,
				     REQ_SYNC | REQ_FUA)) {
				atomic_inc(&v->mem[i].write_errors);
				ec_member_fail(v, i, "superblock write error");
				again = true;
			}
		}
		if (!again)
			break;
	}
	mutex_unlock(&v->sb_lock);
}
