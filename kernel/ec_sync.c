// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: background work over the whole volume, one slice at a time and
 * under the same slice locks as user I/O: initial or post-crash resync
 * (parity recomputed from data), rebuild of new or stale members, and
 * check / repair scrubs. Progress is checkpointed in the superblocks.
 */
#include <linux/delay.h>
#include <linux/sched/signal.h>
#include <linux/sched/mm.h>
#include <linux/mm.h>
#include "dm-ec.h"

static const char * const ec_action_names[] = {
	[EC_ACT_IDLE] = "idle",
	[EC_ACT_FROZEN] = "frozen",
	[EC_ACT_RESYNC] = "resync",
	[EC_ACT_REBUILD] = "rebuild",
	[EC_ACT_CHECK] = "check",
	[EC_ACT_REPAIR] = "repair",
};

const char *ec_action_name(enum ec_action a)
{
	return ec_action_names[a];
}

static sector_t ec_sync_end(struct ec_vol *v)
{
	return v->rows * v->chunk_sectors;
}

static unsigned long ec_rebuild_members(struct ec_vol *v)
{
	unsigned long bad = ec_bad_mask(v), r = 0;
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (test_bit(EC_MF_REBUILD, &v->mem[i].flags) &&
		    !(bad & (1UL << i)))
			r |= 1UL << i;
	return r;
}

static enum ec_action ec_sync_next(struct ec_vol *v)
{
	enum ec_action req = READ_ONCE(v->sync.requested);

	if (req == EC_ACT_FROZEN)
		return EC_ACT_FROZEN;
	if (ec_data_lost(v))
		return EC_ACT_IDLE;
	if (ec_rebuild_members(v))
		return EC_ACT_REBUILD;
	if (READ_ONCE(v->sync.resync_cp) < ec_sync_end(v))
		return EC_ACT_RESYNC;
	if (req == EC_ACT_CHECK || req == EC_ACT_REPAIR)
		return req;
	return EC_ACT_IDLE;
}

/* Rebuild the rebuilding members' part of one slice. */
static int ec_sync_rebuild(struct ec_io *io)
{
	struct ec_vol *v = io->v;
	u32 unread = ec_blocks(v, io->row, ec_unreadable(v, io->row, io->s1));
	u32 targets = ec_blocks(v, io->row, ec_rebuild_members(v));
	int ret;

	if (!targets)
		return 0;
	if (hweight32(unread) > v->m)
		return -EIO;
	ret = ec_read_decode(io, unread, targets);
	if (ret)
		return ret;
	if (ec_io_blocks(io, targets, REQ_OP_WRITE, 0, false))
		return -EAGAIN;
	return 0;
}

/* Scratch for locating bad blocks: a plan and 2m pages. */
struct ec_locate {
	struct ec_plan plan;
	u8 rec[EC_MAX_M][PAGE_SIZE];	/* reconstructed erased blocks */
	u8 par[EC_MAX_M][PAGE_SIZE];	/* parity recomputed from them */
};

/*
 * Is the stripe page consistent once the blocks of E (unreadable ones and
 * the candidates) are replaced by what the others say they should be?
 * On success the candidates' rebuilt contents are in lc->rec.
 */
static bool ec_consistent_without(struct ec_vol *v, struct ec_locate *lc,
				  u8 **blk, u32 e)
{
	u8 *vec[EC_MAX_N], *par[EC_MAX_M];
	unsigned int b, i;

	if (ec_plan_get(v->code, e, &lc->plan))
		return false;
	for (b = 0; b < v->n; b++)
		vec[b] = blk[b];
	for (i = 0; i < lc->plan.nerr; i++)
		vec[lc->plan.missing[i]] = lc->rec[i];
	ec_plan_apply(v->code, &lc->plan, PAGE_SIZE, vec);
	for (i = 0; i < v->m; i++)
		par[i] = lc->par[i];
	ec_encode(v->code, PAGE_SIZE, (const u8 * const *)vec, par);
	for (i = 0; i < v->m; i++)
		if (memcmp(par[i], vec[v->k + i], PAGE_SIZE))
			return false;
	return true;
}

/*
 * Find the one or two blocks that make a stripe page inconsistent. With r
 * parities to spare (m minus unreadable blocks), up to r / 2 bad blocks
 * can be told apart from good ones. Returns the mask of located blocks
 * with their correct contents in lc->rec (in ascending block order,
 * skipping unreadable blocks), or 0 when they cannot be located.
 */
static u32 ec_locate(struct ec_vol *v, struct ec_locate *lc, u8 **blk,
		     u32 unread)
{
	unsigned int r = v->m - hweight32(unread), a, b;

	if (r >= 2) {
		for (a = 0; a < v->n; a++)
			if (!(unread & (1U << a)) &&
			    ec_consistent_without(v, lc, blk, unread | 1U << a))
				return 1U << a;
	}
	if (r >= 4) {
		for (a = 0; a < v->n; a++)
			for (b = a + 1; b < v->n; b++)
				if (!(unread & (1U << a | 1U << b)) &&
				    ec_consistent_without(v, lc, blk,
							  unread | 1U << a | 1U << b))
					return 1U << a | 1U << b;
	}
	return 0;
}

/*
 * Recompute parity and compare. A resync rewrites parity that differs. A
 * check counts mismatched sectors; a repair also locates the bad blocks
 * (any member, data or parity) and rewrites exactly those; what cannot be
 * located is counted and left alone, so a repair never overwrites a
 * correct member.
 */
static int ec_sync_parity(struct ec_io *io, enum ec_action act)
{
	struct ec_vol *v = io->v;
	u32 unread = ec_blocks(v, io->row, ec_unreadable(v, io->row, io->s1));
	u32 all = ec_mask(v->n), dmask = ec_dmask(v), fix = 0;
	u8 *blk[EC_MAX_N], *scr[EC_MAX_N];
	struct ec_locate *lc = NULL;
	unsigned int b, i, p, noio;
	u64 bad_pages = 0;
	int ret;

	if (unread & dmask)
		return 0;	/* data incomplete: nothing to check against */
	ec_io_alloc(io, (u64)(all & ~dmask) << v->n);
	ret = ec_read_decode(io, unread, all & ~unread);
	if (ret)
		return ret;
	for (p = io->p0; p < io->p1; p++) {
		u32 diff = 0, bad;

		ec_ptrs(io, 0, p, blk);
		ec_ptrs(io, v->n, p, scr);
		ec_encode(v->code, PAGE_SIZE, (const u8 * const *)blk,
			  scr + v->k);
		for (b = v->k; b < v->n; b++)
			if (!(unread & (1U << b)) &&
			    memcmp(blk[b], scr[b], PAGE_SIZE))
				diff |= 1U << b;
		if (!diff)
			continue;
		bad_pages++;
		if (act == EC_ACT_RESYNC) {
			for (b = v->k; b < v->n; b++)
				if (diff & (1U << b))
					memcpy(blk[b], scr[b], PAGE_SIZE);
			fix |= diff;
			continue;
		}
		if (act != EC_ACT_REPAIR)
			continue;
		if (!lc) {
			noio = memalloc_noio_save();
			lc = kvmalloc(sizeof(*lc), GFP_KERNEL);
			memalloc_noio_restore(noio);
		}
		bad = lc ? ec_locate(v, lc, blk, unread) : 0;
		if (!bad) {
			DMERR_LIMIT("%s: stripe %llu: mismatch cannot be located, left as is",
				    dm_device_name(dm_table_get_md(v->ti->table)),
				    (unsigned long long)io->row);
			continue;
		}
		for (b = 0, i = 0; b < v->n; b++) {
			if (!(unread & (1U << b)) && (bad & (1U << b)))
				memcpy(blk[b], lc->rec[i], PAGE_SIZE);
			if ((unread | bad) & (1U << b))
				i++;
		}
		fix |= bad;
		atomic64_add(8, &v->sync.repaired);
	}
	kvfree(lc);
	if (act == EC_ACT_CHECK || act == EC_ACT_REPAIR)
		atomic64_add(bad_pages << 3, &v->sync.mismatches);
	if (!fix || act == EC_ACT_CHECK)
		return 0;
	/* Rewrite the fixed blocks (pages left unchanged are rewritten as read). */
	if (ec_io_blocks(io, fix, REQ_OP_WRITE, 0, false))
		return -EAGAIN;
	return 0;
}

static int ec_sync_slice(struct ec_vol *v, enum ec_action act, sector_t pos)
{
	sector_t row = div_u64(pos, v->chunk_sectors);
	unsigned int s0 = pos - row * v->chunk_sectors;
	unsigned int tries;
	struct ec_io *io;
	int ret = 0;

	if (act != EC_ACT_CHECK)
		ec_bitmap_startwrite(v, row);
	io = ec_io_get(v, row, s0, s0 + v->slice_sectors);
	for (tries = 0; tries <= v->n; tries++) {
		if (act == EC_ACT_REBUILD)
			ret = ec_sync_rebuild(io);
		else
			ret = ec_sync_parity(io, act);
		if (ret != -EAGAIN)
			break;
	}
	/*
	 * Move the rebuild checkpoint past the slice before unlocking it: a
	 * write waiting for the slice must see the rebuilt members in sync
	 * and update them, or a read-modify-write would leave their parity
	 * behind just below the checkpoint.
	 */
	if (act == EC_ACT_REBUILD && !ret)
		WRITE_ONCE(v->sync.rebuild_cp, pos + v->slice_sectors);
	ec_io_put(io);
	if (act != EC_ACT_CHECK)
		ec_bitmap_endwrite(v, row);
	return ret;
}

/*
 * Time that done sectors take at rate KiB/s (two sectors a KiB), in ns,
 * saturated. done * 512 * NSEC_PER_SEC would wrap after 2^64 / 512e9
 * sectors (17.2 GiB), so whole seconds and the rest are taken apart.
 */
u64 ec_sync_rate_ns(u64 done, unsigned int rate)
{
	u64 per_s = 2 * (u64)rate, rem, sec;

	sec = div64_u64_rem(done, per_s, &rem);
	if (sec >= div_u64(U64_MAX, NSEC_PER_SEC) - 1)
		return U64_MAX;
	/* rem < 2^33 sectors: rem * NSEC_PER_SEC < 2^63 */
	return sec * NSEC_PER_SEC + div64_u64(rem * NSEC_PER_SEC, per_s);
}

/*
 * A rebuild passes a slice whose region is clean on disk without copying
 * it, but a write that marks the region dirty just after the test and has
 * read the old checkpoint would leave a rebuilding member's parity behind,
 * below the checkpoint. Every write sets its bit and then takes v->lock
 * (ec_try_lock) before it reads the checkpoint: with the test and the move
 * under v->lock, the write either came first (its bit is seen: the slice
 * is rebuilt under its lock) or comes after (it sees the checkpoint).
 */
static bool ec_sync_skip_clean(struct ec_vol *v, sector_t pos)
{
	bool clean;

	spin_lock(&v->lock);
	clean = !ec_bitmap_dirty(v, pos, v->slice_sectors);
	if (clean)
		WRITE_ONCE(v->sync.rebuild_cp, pos + v->slice_sectors);
	spin_unlock(&v->lock);
	return clean;
}

static void ec_sync_throttle(struct ec_vol *v, u64 t0, sector_t done)
{
	unsigned int rate = READ_ONCE(v->max_rebuild_rate);
	u64 want_ns, el;

	if (!rate)
		return;
	want_ns = ec_sync_rate_ns(done, rate);
	el = ktime_get_ns() - t0;
	if (want_ns > el)
		schedule_timeout_interruptible(nsecs_to_jiffies(want_ns - el) + 1);
}

static void ec_sync_run(struct ec_vol *v, enum ec_action act)
{
	unsigned int gen = READ_ONCE(v->sync.req_gen);
	sector_t end = ec_sync_end(v), pos, start;
	unsigned long rebuilding = ec_rebuild_members(v);
	u64 t0 = ktime_get_ns();
	int ret = 0;

	if (act == EC_ACT_REBUILD)
		start = v->sync.rebuild_cp;
	else if (act == EC_ACT_RESYNC)
		start = v->sync.resync_cp;
	else
		start = 0;
	if (act == EC_ACT_CHECK || act == EC_ACT_REPAIR) {
		atomic64_set(&v->sync.mismatches, 0);
		atomic64_set(&v->sync.repaired, 0);
	}
	WRITE_ONCE(v->sync.total, end);
	WRITE_ONCE(v->sync.done, start);
	WRITE_ONCE(v->sync.action, act);
	DMINFO("%s: %s started at sector %llu of %llu",
	       dm_device_name(dm_table_get_md(v->ti->table)),
	       ec_action_name(act), (unsigned long long)start,
	       (unsigned long long)end);
	ec_nl_sync_started(v, act);	/* netlink event */

	for (pos = start; pos < end; pos += v->slice_sectors) {
		if (kthread_should_stop() || READ_ONCE(v->sync.req_gen) != gen)
			break;
		if (act == EC_ACT_REBUILD && ec_rebuild_members(v) != rebuilding)
			break;	/* a member failed: start over with the new set */
		/* After a crash, or for a stale member: only dirty regions. */
		if (act == EC_ACT_RESYNC && v->sync.resync_bitmap &&
		    pos < v->sync.resync_bm_end &&
		    !ec_bitmap_dirty(v, pos, v->slice_sectors))
			goto next;
		if (act == EC_ACT_REBUILD && v->sync.rebuild_bitmap &&
		    ec_sync_skip_clean(v, pos))
			goto next;
		ret = ec_sync_slice(v, act, pos);
		if (ret)
			break;
next:
		if (act == EC_ACT_REBUILD)
			WRITE_ONCE(v->sync.rebuild_cp, pos + v->slice_sectors);
		else if (act == EC_ACT_RESYNC)
			WRITE_ONCE(v->sync.resync_cp, pos + v->slice_sectors);
		WRITE_ONCE(v->sync.done, pos + v->slice_sectors);
		ec_nl_sync_progress(v, act);	/* netlink event, <= 1/s */
		if (time_after(jiffies, v->sync.last_cp + EC_SYNC_CP_INTERVAL)) {
			v->sync.last_cp = jiffies;
			ec_meta_commit(v);
		}
		ec_sync_throttle(v, t0, pos + v->slice_sectors - start);
		cond_resched();
	}

	if (ret) {
		DMERR("%s: %s stopped at sector %llu: error %d",
		      dm_device_name(dm_table_get_md(v->ti->table)),
		      ec_action_name(act), (unsigned long long)pos, ret);
		WRITE_ONCE(v->sync.requested, EC_ACT_FROZEN);
	} else if (pos >= end) {
		unsigned int i;

		if (act == EC_ACT_REBUILD) {
			for (i = 0; i < v->n; i++)
				if (rebuilding & (1UL << i))
					clear_bit(EC_MF_REBUILD, &v->mem[i].flags);
			v->sync.rebuild_cp = 0;
		} else if (act == EC_ACT_RESYNC) {
			v->sync.resync_cp = (sector_t)-1;
			v->sync.resync_bitmap = false;
			v->sb_flags |= DM_EC_SB_F_SYNCED;
		} else if (READ_ONCE(v->sync.req_gen) == gen) {
			WRITE_ONCE(v->sync.requested, EC_ACT_IDLE);
		}
		DMINFO("%s: %s finished, %llu mismatched sectors",
		       dm_device_name(dm_table_get_md(v->ti->table)),
		       ec_action_name(act),
		       (unsigned long long)atomic64_read(&v->sync.mismatches));
	}
	v->sync.last_cp = jiffies;
	ec_meta_commit(v);
	ec_nl_sync_finished(v, act, ret, !ret && pos >= end, rebuilding);
	ec_state_event(v);
}

static int ec_sync_thread(void *arg)
{
	struct ec_vol *v = arg;

	while (!kthread_should_stop()) {
		enum ec_action act = ec_sync_next(v);

		if (act == EC_ACT_IDLE || act == EC_ACT_FROZEN) {
			WRITE_ONCE(v->sync.action, act);
			wait_event_interruptible(v->sync.wait,
						 kthread_should_stop() ||
						 READ_ONCE(v->sync.kicked));
			WRITE_ONCE(v->sync.kicked, false);
			continue;
		}
		WRITE_ONCE(v->sync.kicked, false);
		ec_sync_run(v, act);
	}
	return 0;
}

void ec_sync_kick(struct ec_vol *v)
{
	WRITE_ONCE(v->sync.kicked, true);
	wake_up(&v->sync.wait);
}

int ec_sync_start(struct ec_vol *v)
{
	struct task_struct *t;

	if (v->sync.task)
		return 0;
	t = kthread_run(ec_sync_thread, v, "ec_sync/%s",
			dm_device_name(dm_table_get_md(v->ti->table)));
	if (IS_ERR(t))
		return PTR_ERR(t);
	v->sync.task = t;
	return 0;
}

void ec_sync_stop(struct ec_vol *v)
{
	if (!v->sync.task)
		return;
	kthread_stop(v->sync.task);
	v->sync.task = NULL;
}

int ec_sync_request(struct ec_vol *v, enum ec_action want)
{
	enum ec_action cur = READ_ONCE(v->sync.action);

	switch (want) {
	case EC_ACT_CHECK:
	case EC_ACT_REPAIR:
		if (cur == EC_ACT_RESYNC || cur == EC_ACT_REBUILD) {
			DMERR("%s refused: %s in progress", ec_action_name(want),
			      ec_action_name(cur));
			return -EBUSY;
		}
		if (ec_data_lost(v)) {
			DMERR("%s refused: more than %u members lost",
			      ec_action_name(want), v->m);
			return -EIO;
		}
		break;
	case EC_ACT_RESYNC:
		v->sync.resync_bitmap = false;
		WRITE_ONCE(v->sync.resync_cp, 0);
		v->sb_flags &= ~DM_EC_SB_F_SYNCED;
		want = EC_ACT_IDLE;
		break;
	default:
		break;
	}
	WRITE_ONCE(v->sync.requested, want);
	v->sync.req_gen++;
	ec_sync_kick(v);
	return 0;
}
