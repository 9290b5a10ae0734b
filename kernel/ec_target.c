// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: the "ec" target: table parsing, status, messages, lifecycle.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/log2.h>
#include <linux/sched/mm.h>
#include <uapi/linux/dm-ec-table.h>
#include "dm-ec.h"

#define EC_DEFAULT_REGION	8192	/* 4 MiB of member space per bit */

/*
 * A state change a user should see (a member failed, data lost, a sync
 * ended): dm's event counter moves, so dmsetup wait, dmeventd and LVM's
 * monitoring wake. Process context (dm_table_event takes a mutex).
 */
void ec_state_event(struct ec_vol *v)
{
	dm_table_event(v->ti->table);
}

static void ec_meta_work(struct work_struct *w)
{
	struct ec_vol *v = container_of(w, struct ec_vol, meta_work);

	ec_meta_commit(v);
	if (ec_nl_meta_work(v))		/* netlink: member failed events */
		ec_state_event(v);
}

/*
 * Constructor errors name the argument and its value. dm core prints
 * ti->error after the constructor has returned (and dropped ec_ctr_lock),
 * and the volume is freed by then, so the text lives in static buffers
 * written only under ec_ctr_lock: each failing constructor takes the next
 * of EC_ERRBUFS, so a text is overwritten only after EC_ERRBUFS - 1 more
 * constructors failed in the few instructions between our return and dm
 * core's print. Every buffer always holds a terminated string.
 */
#define EC_ERRBUFS	8
#define EC_ERRLEN	192
static DEFINE_MUTEX(ec_ctr_lock);
static char ec_errbufs[EC_ERRBUFS][EC_ERRLEN];
static unsigned int ec_errnext;

/* The buffer for this constructor's error; under ec_ctr_lock. */
static char *ec_errbuf(void)
{
	lockdep_assert_held(&ec_ctr_lock);
	ec_errnext = (ec_errnext + 1) % EC_ERRBUFS;
	return ec_errbufs[ec_errnext];
}

static __printf(2, 3) void ec_err(struct dm_target *ti, const char *fmt, ...)
{
	char *buf = ec_errbuf();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, EC_ERRLEN, fmt, ap);
	va_end(ap);
	ti->error = buf;
}

static int ec_parse_uint(const char *s, unsigned int *out)
{
	return kstrtouint(s, 10, out) ? -EINVAL : 0;
}

static void ec_vol_free(struct ec_vol *v)
{
	unsigned int i;

	if (!v)
		return;
	for (i = 0; i < EC_MAX_N; i++)
		if (v->mem[i].dev)
			dm_put_device(v->ti, v->mem[i].dev);
	if (v->code) {
		ec_code_destroy(v->code);
		kfree(v->code);
	}
	if (v->sb_page)
		__free_page(v->sb_page);
	kfree(v);
}

static int ec_parse_opts(struct ec_vol *v, struct dm_target *ti,
			 unsigned int argc, char **argv)
{
	unsigned int i, val;

	for (i = 0; i < argc; i++) {
		const char *key = argv[i];

		if (!strcasecmp(key, DM_EC_OPT_NOSYNC)) {
			v->nosync = true;
			continue;
		}
		if (!strcasecmp(key, DM_EC_OPT_NOPPL)) {
			v->noppl = true;
			continue;
		}
		if (strcasecmp(key, DM_EC_OPT_REBUILD) &&
		    strcasecmp(key, DM_EC_OPT_RATE) &&
		    strcasecmp(key, DM_EC_OPT_REGION)) {
			ec_err(ti, "ec: unknown optional argument %s", key);
			return -EINVAL;
		}
		if (i + 1 >= argc) {
			ec_err(ti, "ec: optional argument %s is missing its value",
			       key);
			return -EINVAL;
		}
		if (ec_parse_uint(argv[++i], &val)) {
			ec_err(ti, "ec: %s %s: not a non-negative number", key,
			       argv[i]);
			return -EINVAL;
		}
		if (!strcasecmp(key, DM_EC_OPT_REBUILD)) {
			if (val >= v->n) {
				ec_err(ti, "ec: rebuild %u: index out of range 0..%u",
				       val, v->n - 1);
				return -EINVAL;
			}
			if (v->rebuild_opt & (1UL << val)) {
				ec_err(ti, "ec: rebuild %u is given twice", val);
				return -EINVAL;
			}
			v->rebuild_opt |= 1UL << val;
			if (hweight_long(v->rebuild_opt) > v->m) {
				ec_err(ti, "ec: rebuild: more than m = %u members to rebuild",
				       v->m);
				return -EINVAL;
			}
		} else if (!strcasecmp(key, DM_EC_OPT_RATE)) {
			v->max_rebuild_rate = val;
		} else {
			if (!is_power_of_2(val) || val < 8) {
				ec_err(ti, "ec: region_size %u is not a power of two >= 8",
				       val);
				return -EINVAL;
			}
			v->region_sectors = val;
			v->region_set = true;
		}
	}
	return 0;
}

/* The geometry: <k> <m> <chunk_sectors> <#opt_args>, and the count of devices. */
static int ec_parse_geometry(struct dm_target *ti, unsigned int argc,
			     char **argv, unsigned int *k, unsigned int *m,
			     unsigned int *chunk, unsigned int *nopt)
{
	if (argc < 4) {
		ti->error = "ec: too few arguments: <k> <m> <chunk_sectors> <#opt_args> ...";
		return -EINVAL;
	}
	if (ec_parse_uint(argv[0], k) || *k < 1 || *k > EC_MAX_K) {
		ec_err(ti, "ec: k %s is not a number in 1..%u", argv[0], EC_MAX_K);
		return -EINVAL;
	}
	if (ec_parse_uint(argv[1], m) || *m < 1 || *m > EC_MAX_M) {
		ec_err(ti, "ec: m %s is not a number in 1..%u", argv[1], EC_MAX_M);
		return -EINVAL;
	}
	if (*k + *m > EC_MAX_N) {
		ec_err(ti, "ec: k + m = %u is more than %u", *k + *m, EC_MAX_N);
		return -EINVAL;
	}
	if (ec_parse_uint(argv[2], chunk) || !is_power_of_2(*chunk) ||
	    *chunk < DM_EC_CHUNK_MIN || *chunk > DM_EC_CHUNK_MAX) {
		ec_err(ti, "ec: chunk_sectors %s is not a power of two in 8..8192",
		       argv[2]);
		return -EINVAL;
	}
	if (ec_parse_uint(argv[3], nopt) || *nopt > argc - 4) {
		ec_err(ti, "ec: #opt_args %s is not a number of the arguments that follow",
		       argv[3]);
		return -EINVAL;
	}
	if (argc - 4 - *nopt != *k + *m) {
		ec_err(ti, "ec: %u member devices given, k + m = %u needed",
		       argc - 4 - *nopt, *k + *m);
		return -EINVAL;
	}
	return 0;
}

/*
 * Open the member devices (argv: one per slot, "-" for a missing one):
 * each at most once and large enough for one chunk of data. *min_size is
 * the smallest.
 */
static int ec_open_members(struct ec_vol *v, struct dm_target *ti,
			   char **argv, sector_t *min_size)
{
	unsigned int i, j, missing = 0;
	int ret;

	*min_size = 0;
	for (i = 0; i < v->n; i++) {
		struct ec_member *mb = &v->mem[i];
		sector_t size;

		atomic_set(&mb->read_errors, 0);
		atomic_set(&mb->write_errors, 0);
		if (!strcmp(argv[i], "-")) {
			set_bit(EC_MF_MISSING, &mb->flags);
			missing++;
			continue;
		}
		ret = dm_get_device(ti, argv[i], dm_table_get_mode(ti->table),
				    &mb->dev);
		if (ret) {
			ec_err(ti, "ec: member %u: cannot open device %s", i,
			       argv[i]);
			return ret;
		}
		for (j = 0; j < i; j++) {
			if (v->mem[j].dev &&
			    v->mem[j].dev->bdev->bd_dev == mb->dev->bdev->bd_dev) {
				ec_err(ti, "ec: member %u: device %s is already member %u",
				       i, argv[i], j);
				return -EINVAL;
			}
		}
		size = bdev_nr_sectors(mb->dev->bdev);
		if (size < DM_EC_DATA_OFFSET + v->chunk_sectors) {
			ec_err(ti, "ec: member %u: device %s is too small: %llu sectors, at least %llu needed",
			       i, argv[i], (unsigned long long)size,
			       (unsigned long long)DM_EC_DATA_OFFSET +
			       v->chunk_sectors);
			return -EINVAL;
		}
		if (!*min_size || size < *min_size)
			*min_size = size;
	}
	if (missing == v->n) {
		ti->error = "ec: no member device is present";
		return -EINVAL;
	}
	return 0;
}

/*
 * <k> <m> <chunk_sectors> <#opt_args> [<opt_arg>...] <dev_0> ... <dev_{n-1}>
 */
static int __ec_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	unsigned int k, m, chunk, nopt, i;
	sector_t min_size;
	struct ec_vol *v;
	int ret;

	ret = ec_parse_geometry(ti, argc, argv, &k, &m, &chunk, &nopt);
	if (ret)
		return ret;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v) {
		ti->error = "ec: out of memory";
		return -ENOMEM;
	}
	v->ti = ti;
	v->k = k;
	v->m = m;
	v->n = k + m;
	v->chunk_sectors = chunk;
	v->slice_sectors = min_t(unsigned int, chunk, EC_SLICE_SECTORS);
	v->row_sectors = (sector_t)k * chunk;
	v->data_offset = DM_EC_DATA_OFFSET;
	v->region_sectors = EC_DEFAULT_REGION;
	mutex_init(&v->sb_lock);
	spin_lock_init(&v->lock);
	INIT_WORK(&v->meta_work, ec_meta_work);
	/* Messages can kick the sync thread before it ever started. */
	init_waitqueue_head(&v->sync.wait);

	ret = ec_parse_opts(v, ti, nopt, argv + 4);
	if (ret)
		goto bad;

	ret = ec_open_members(v, ti, argv + 4 + nopt, &min_size);
	if (ret)
		goto bad;
	v->data_sectors = round_down(min_size - DM_EC_DATA_OFFSET, chunk);

	/*
	 * The superblock commit's buffer: a commit must never fail for
	 * memory, since a member's failure is acknowledged only once it is
	 * on the other members' superblocks.
	 */
	v->sb_page = alloc_page(GFP_KERNEL);
	v->code = kzalloc(sizeof(*v->code), GFP_KERNEL);
	if (!v->sb_page || !v->code) {
		ti->error = "ec: out of memory";
		ret = -ENOMEM;
		goto bad;
	}
	ret = ec_code_init(v->code, k, m, EC_DEFAULT_CACHE);
	if (ret) {
		kfree(v->code);
		v->code = NULL;
		ti->error = "ec: cannot set up the code";
		goto bad;
	}

	/* Reads superblocks, validates, decides; writes nothing yet. */
	ti->error = ec_errbuf();
	ret = ec_meta_load(v, ti->error, EC_ERRLEN, false);
	if (ret)
		goto bad;
	/* "rebuild" of a member in sync must leave the data readable. */
	if (v->rebuild_new && hweight_long(ec_unsynced_mask(v)) > v->m) {
		ec_err(ti, "ec: rebuild: %u members failed, missing or rebuilding: more than m = %u, the data would be lost",
		       (unsigned int)hweight_long(ec_unsynced_mask(v)), v->m);
		ret = -EINVAL;
		goto bad;
	}
	if (ti->len > (sector_t)k * v->data_sectors) {
		ec_err(ti, "ec: length %llu is more than k * member data area = %llu sectors",
		       (unsigned long long)ti->len,
		       (unsigned long long)k * v->data_sectors);
		ret = -EINVAL;
		goto bad;
	}
	v->rows = DIV_ROUND_UP_SECTOR_T(ti->len, v->row_sectors);

	ret = ec_io_init(v);
	if (ret) {
		ti->error = "ec: cannot allocate I/O resources";
		goto bad;
	}
	ret = ec_bitmap_init(v);
	if (ret) {
		ti->error = "ec: cannot allocate the write-intent bitmap";
		goto bad_io;
	}
	ret = ec_ppl_init(v);
	if (ret) {
		ti->error = "ec: cannot allocate the partial-parity log";
		goto bad_io;
	}

	ret = dm_set_target_max_io_len(ti, v->row_sectors);
	if (ret)
		goto bad_io;
	ti->num_flush_bios = v->n;
	ti->flush_supported = true;
	/* Discards become zeroed stripes: only if every member can do it. */
	v->discard = true;
	for (i = 0; i < v->n; i++)
		if (v->mem[i].dev &&
		    bdev_write_zeroes_sectors(v->mem[i].dev->bdev) <
		    v->slice_sectors)
			v->discard = false;
	if (v->discard) {
		ti->num_discard_bios = 1;
		ti->discards_supported = true;
	}
	ti->per_io_data_size = sizeof(struct ec_bio);
	ti->private = v;
	ec_nl_vol_add(v);		/* netlink: visible once live */
	return 0;

bad_io:
	ec_ppl_exit(v);
	ec_bitmap_exit(v);
	ec_io_exit(v);
bad:
	ec_vol_free(v);
	return ret;
}

static int ec_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	int ret;

	mutex_lock(&ec_ctr_lock);
	ret = __ec_ctr(ti, argc, argv);
	mutex_unlock(&ec_ctr_lock);
	return ret;
}

static void ec_dtr(struct dm_target *ti)
{
	struct ec_vol *v = ti->private;

	ec_nl_vol_del(v);		/* netlink: no more requests */
	ec_sync_stop(v);
	flush_work(&v->meta_work);
	ec_ppl_exit(v);
	ec_bitmap_exit(v);
	ec_io_exit(v);
	ec_vol_free(v);
}

static void ec_status(struct dm_target *ti, status_type_t type,
		      unsigned int flags, char *result, unsigned int maxlen)
{
	struct ec_vol *v = ti->private;
	unsigned int sz = 0, i, nopt = 0;
	unsigned long rebuilding = 0;

	switch (type) {
	case STATUSTYPE_INFO:
		DMEMIT("%u %u %u ", v->k, v->m, v->n);
		for (i = 0; i < v->n; i++)
			DMEMIT("%c", ec_mstate_letter(ec_member_state(v, i)));
		DMEMIT(" %llu/%llu %s %llu %s",
		       (unsigned long long)READ_ONCE(v->sync.done),
		       (unsigned long long)READ_ONCE(v->sync.total),
		       ec_action_name(READ_ONCE(v->sync.action)),
		       (unsigned long long)atomic64_read(&v->sync.mismatches),
		       v->code->ops->name);
		break;
	case STATUSTYPE_TABLE:
		/*
		 * "rebuild <idx>" only while that member is still rebuilding:
		 * reloading the line resumes the rebuild, and does not start
		 * it over once it is done.
		 */
		for (i = 0; i < v->n; i++)
			if ((v->rebuild_opt & (1UL << i)) &&
			    test_bit(EC_MF_REBUILD, &v->mem[i].flags))
				rebuilding |= 1UL << i;
		nopt = 2 * hweight_long(rebuilding) + (v->nosync ? 1 : 0) +
		       (v->noppl ? 1 : 0) +
		       (v->max_rebuild_rate ? 2 : 0) +
		       (v->region_set ? 2 : 0);
		DMEMIT("%u %u %u %u", v->k, v->m, v->chunk_sectors, nopt);
		for (i = 0; i < v->n; i++)
			if (rebuilding & (1UL << i))
				DMEMIT(" %s %u", DM_EC_OPT_REBUILD, i);
		if (v->nosync)
			DMEMIT(" %s", DM_EC_OPT_NOSYNC);
		if (v->max_rebuild_rate)
			DMEMIT(" %s %u", DM_EC_OPT_RATE, v->max_rebuild_rate);
		if (v->region_set)
			DMEMIT(" %s %u", DM_EC_OPT_REGION, v->region_sectors);
		if (v->noppl)
			DMEMIT(" %s", DM_EC_OPT_NOPPL);
		for (i = 0; i < v->n; i++) {
			if (v->mem[i].dev)
				DMEMIT(" %u:%u", MAJOR(v->mem[i].dev->bdev->bd_dev),
				       MINOR(v->mem[i].dev->bdev->bd_dev));
			else
				DMEMIT(" -");
		}
		break;
	case STATUSTYPE_IMA:
		result[0] = '\0';
		break;
	}
}

static int ec_message(struct dm_target *ti, unsigned int argc, char **argv,
		      char *result, unsigned int maxlen)
{
	struct ec_vol *v = ti->private;
	enum ec_action want;
	unsigned int idx;
	int ret;

	/*
	 * A table whose first resume failed stays live and suspended: it
	 * never read its members' final state, so it must not write them.
	 */
	if (!READ_ONCE(v->activated)) {
		DMERR("%s: message refused: the table was never resumed successfully",
		      dm_device_name(dm_table_get_md(ti->table)));
		return -EBUSY;
	}
	if (argc == 2 && !strcasecmp(argv[0], "fail")) {
		if (ec_parse_uint(argv[1], &idx) || idx >= v->n) {
			DMERR("fail: member index %s is out of range", argv[1]);
			return -EINVAL;
		}
		ret = ec_vol_fail_member(v, idx);
		if (ret < 0)
			return ret;
		flush_work(&v->meta_work);
		ec_sync_kick(v);
		return 0;
	}
	if (argc != 1) {
		DMERR("unknown or malformed message");
		return -EINVAL;
	}
	for (want = EC_ACT_IDLE; want <= EC_ACT_REPAIR; want++)
		if (want != EC_ACT_REBUILD &&
		    !strcasecmp(argv[0], ec_action_name(want)))
			return ec_sync_request(v, want);
	DMERR("unknown message: %s", argv[0]);
	return -EINVAL;
}

static int ec_iterate_devices(struct dm_target *ti,
			      iterate_devices_callout_fn fn, void *data)
{
	struct ec_vol *v = ti->private;
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < v->n; i++)
		if (v->mem[i].dev)
			ret = fn(ti, v->mem[i].dev, v->data_offset,
				 v->data_sectors, data);
	return ret;
}

static void ec_io_hints(struct dm_target *ti, struct queue_limits *limits)
{
	struct ec_vol *v = ti->private;

	blk_limits_io_min(limits, v->chunk_sectors << SECTOR_SHIFT);
	blk_limits_io_opt(limits, (unsigned int)(v->row_sectors << SECTOR_SHIFT));
	/*
	 * Writes are rebuilt into dm-ec's own member bios, so a write may be
	 * as large as a whole stripe whatever the members take: a full
	 * stripe needs no reads. Reads passed through are split below.
	 */
	if (limits->max_hw_sectors < min_t(sector_t, v->row_sectors, 32768)) {
		limits->max_hw_sectors = min_t(sector_t, v->row_sectors, 32768);
		limits->max_sectors = limits->max_hw_sectors;
	}
	if (v->discard) {
		limits->discard_granularity = v->chunk_sectors << SECTOR_SHIFT;
		limits->max_discard_sectors = v->row_sectors;
		limits->max_hw_discard_sectors = v->row_sectors;
	} else {
		limits->max_discard_sectors = 0;
		limits->max_hw_discard_sectors = 0;
		limits->discard_granularity = 0;
	}
}

static void ec_presuspend(struct dm_target *ti)
{
	ec_sync_stop(ti->private);
}

static void ec_flush_all(struct ec_vol *v)
{
	unsigned long bad = ec_bad_mask(v);
	unsigned int i;

	for (i = 0; i < v->n; i++) {
		if (bad & (1UL << i))
			continue;
		if (blkdev_issue_flush(v->mem[i].dev->bdev)) {
			atomic_inc(&v->mem[i].write_errors);
			ec_member_fail(v, i, "flush error");
		}
	}
}

static void ec_postsuspend(struct dm_target *ti)
{
	struct ec_vol *v = ti->private;
	unsigned int noio = memalloc_noio_save();

	/* All I/O has drained: the members are consistent. */
	flush_work(&v->meta_work);
	cancel_delayed_work_sync(&v->bm.work);
	ec_bitmap_clear_idle(v);
	/*
	 * Every member's writes must be stable before any member says
	 * clean: a superblock write flushes only its own member.
	 */
	ec_flush_all(v);
	v->clean = true;
	ec_meta_commit(v);
	memalloc_noio_restore(noio);
}

/*
 * The table was validated in the constructor without writing anything;
 * the superblocks (formatting blank members) are written only now.
 */
static int __ec_preresume(struct dm_target *ti)
{
	struct ec_vol *v = ti->private;
	char error[160];	/* not under ec_ctr_lock: our own buffer */
	int ret;

	if (!v->activated) {
		sector_t data_sectors = v->data_sectors;
		unsigned int region_sectors = v->region_sectors;
		unsigned long nbits = v->bm.nbits;

		/*
		 * A table replacing another was loaded while the other was
		 * live: read the superblocks again now that it is suspended
		 * and has recorded its last state (clean, failures).
		 */
		ret = ec_meta_load(v, error, sizeof(error), true);
		/*
		 * The bitmap and the length were sized by the constructor: if
		 * another table reformatted the members since (another region
		 * size or data area), this one no longer fits them.
		 */
		if (!ret && (v->bm.nbits != nbits ||
			     ti->len > (sector_t)v->k * v->data_sectors)) {
			DMERR("%s: members changed since the table was loaded: reload it",
			      dm_device_name(dm_table_get_md(ti->table)));
			DMERR("data area %llu -> %llu sectors, bitmap regions %lu -> %lu",
			      (unsigned long long)data_sectors,
			      (unsigned long long)v->data_sectors, nbits,
			      v->bm.nbits);
			ret = -EINVAL;
		}
		if (ret) {
			if (error[0])
				DMERR("%s", error);
			v->data_sectors = data_sectors;
			v->region_sectors = region_sectors;
			v->bm.nbits = nbits;
			return ret;
		}
		ret = ec_bitmap_load(v, v->formatted);
		if (ret)
			return ret;
		/* Parity of stripes a crash tore, before anything else. */
		if (!v->formatted && !(v->sb_flags & DM_EC_SB_F_CLEAN)) {
			ret = ec_ppl_replay(v);
			if (ret)
				return ret;
		}
		/* A new generation: the entries on disk are spent. */
		v->log.gen++;
		v->log.used = false;
		v->activated = true;
	}
	v->clean = false;
	ec_meta_commit(v);
	return 0;
}

/*
 * The device is suspended from presuspend until resume returns: memory
 * reclaim must not wait for I/O to it (a frozen filesystem, swap on it),
 * so nothing in between may allocate with __GFP_IO.
 */
static int ec_preresume(struct dm_target *ti)
{
	unsigned int noio = memalloc_noio_save();
	int ret = __ec_preresume(ti);

	memalloc_noio_restore(noio);
	return ret;
}

static void ec_resume(struct dm_target *ti)
{
	unsigned int noio = memalloc_noio_save();

	ec_sync_start(ti->private);
	memalloc_noio_restore(noio);
}

static struct target_type ec_target = {
	.name = DM_EC_TARGET_NAME,
	.version = {1, 0, 0},
	.module = THIS_MODULE,
	.ctr = ec_ctr,
	.dtr = ec_dtr,
	.map = ec_map,
	.end_io = ec_end_io,
	.status = ec_status,
	.message = ec_message,
	.iterate_devices = ec_iterate_devices,
	.io_hints = ec_io_hints,
	.presuspend = ec_presuspend,
	.postsuspend = ec_postsuspend,
	.preresume = ec_preresume,
	.resume = ec_resume,
};

int ec_target_register(void)
{
	return dm_register_target(&ec_target);
}

void ec_target_unregister(void)
{
	dm_unregister_target(&ec_target);
}
