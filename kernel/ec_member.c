// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: member state. One state function feeds the status line, netlink
 * and the superblock; failing a member (on an I/O error or by request)
 * happens here and nowhere else.
 */
#include <uapi/linux/dm-ec.h>
#include "dm-ec.h"

enum ec_mstate ec_member_state(struct ec_vol *v, unsigned int i)
{
	struct ec_member *mb = &v->mem[i];

	if (test_bit(EC_MF_MISSING, &mb->flags))
		return EC_MS_MISSING;
	if (test_bit(EC_MF_FAILED, &mb->flags))
		return EC_MS_FAILED;
	if (test_bit(EC_MF_REBUILD, &mb->flags))
		return EC_MS_REBUILDING;
	if (READ_ONCE(v->sync.resync_cp) < v->rows * v->chunk_sectors)
		return EC_MS_SYNCING;
	return EC_MS_ACTIVE;
}

/* The status line's health letter (INTERFACE.md): A a D - */
char ec_mstate_letter(enum ec_mstate st)
{
	switch (st) {
	case EC_MS_MISSING:
		return '-';
	case EC_MS_FAILED:
		return 'D';
	case EC_MS_SYNCING:
	case EC_MS_REBUILDING:
		return 'a';
	default:
		return 'A';
	}
}

/*
 * The superblock's member_state (format.md): a resync is the volume's
 * (resync_cp), not a member's, so a syncing member is ACTIVE on disk.
 */
u8 ec_mstate_disk(enum ec_mstate st)
{
	switch (st) {
	case EC_MS_MISSING:
		return DM_EC_MEMBER_MISSING;
	case EC_MS_FAILED:
		return DM_EC_MEMBER_FAILED;
	case EC_MS_REBUILDING:
		return DM_EC_MEMBER_REBUILDING;
	default:
		return DM_EC_MEMBER_ACTIVE;
	}
}

/* DM_EC_MEMBER_A_STATE (netlink.md) */
u8 ec_mstate_nl(enum ec_mstate st)
{
	switch (st) {
	case EC_MS_MISSING:
		return DM_EC_MSTATE_MISSING;
	case EC_MS_FAILED:
		return DM_EC_MSTATE_FAILED;
	case EC_MS_SYNCING:
	case EC_MS_REBUILDING:
		return DM_EC_MSTATE_SYNCING;
	default:
		return DM_EC_MSTATE_ACTIVE;
	}
}

/*
 * Fail a member by request (message or netlink). Refused when the members
 * failed, missing or rebuilding would then be more than m: at a sector
 * above rebuild_cp, reads need every member but those. Failing a member
 * that is rebuilding loses nothing more. The check and the marking are
 * one step under v->lock, so the two request paths cannot both pass it.
 * Returns 1 if the member was failed now, 0 if it already was, -EBUSY.
 */
int ec_vol_fail_member(struct ec_vol *v, unsigned int idx)
{
	unsigned long u;
	int ret = 0;

	spin_lock(&v->lock);
	u = ec_unsynced_mask(v);
	if (ec_bad_mask(v) & (1UL << idx))
		goto out;
	if (hweight_long(u | 1UL << idx) > v->m) {
		DMERR("%s: fail %u refused: %u members failed, missing or rebuilding, m = %u",
		      dm_device_name(dm_table_get_md(v->ti->table)), idx,
		      (unsigned int)hweight_long(u), v->m);
		ret = -EBUSY;
		goto out;
	}
	ret = ec_member_fail(v, idx, "failed by request");
out:
	spin_unlock(&v->lock);
	return ret;
}

/*
 * Mark a member failed. Safe in any context: the superblocks are updated
 * by ec_meta_commit() from process context (the caller, or meta_work).
 */
int ec_member_fail(struct ec_vol *v, unsigned int idx, const char *why)
{
	struct ec_member *mb = &v->mem[idx];

	if (test_and_set_bit(EC_MF_FAILED, &mb->flags))
		return 0;
	DMERR_LIMIT("%s: member %u (%s) failed: %s",
		    dm_device_name(dm_table_get_md(v->ti->table)), idx,
		    mb->dev ? mb->dev->name : "-", why);
	ec_nl_member_failed(v, idx);	/* netlink event, from meta_work */
	schedule_work(&v->meta_work);
	return 1;
}

