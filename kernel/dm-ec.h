/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: device-mapper target "ec", Reed-Solomon k+m over k+m members.
 */
#ifndef DM_EC_H
#define DM_EC_H

#include <linux/device-mapper.h>
#include <linux/bio.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <linux/kthread.h>
#include <linux/uuid.h>
#include <uapi/linux/dm-ec-format.h>
#include "codec/ec_codec.h"

#define DM_MSG_PREFIX		"ec"

#define EC_SLICE_SECTORS	128	/* depth of one locked unit, 64 KiB */
#define EC_SLICE_PAGES		(EC_SLICE_SECTORS >> 3)
#define EC_LOCK_BITS		8
#define EC_PPL_NOKEY		U64_MAX	/* log slot holds no entry */
#define EC_SYNC_CP_INTERVAL	(HZ * 5)	/* checkpoint to superblocks */

/* Member flags (ec_member.flags) */
enum {
	EC_MF_MISSING,		/* no device in the table ("-") */
	EC_MF_FAILED,		/* an I/O error, or "fail <idx>" */
	EC_MF_REBUILD,		/* new or stale: in sync below rebuild_cp only */
};

/*
 * A member's state as status, netlink and the superblock show it, derived
 * from its flags and the volume's sync position by ec_member_state() alone
 * (ec_member.c); each interface maps it to its own encoding there.
 */
enum ec_mstate {
	EC_MS_ACTIVE,		/* in sync */
	EC_MS_SYNCING,		/* present, the volume's initial sync or resync not done */
	EC_MS_REBUILDING,	/* in sync below rebuild_cp only */
	EC_MS_FAILED,
	EC_MS_MISSING,
};

struct ec_member {
	struct dm_dev *dev;		/* NULL when missing */
	unsigned long flags;		/* EC_MF_* */
	u8 uuid[16];
	atomic_t read_errors;
	atomic_t write_errors;
};

enum ec_action {
	EC_ACT_IDLE,
	EC_ACT_FROZEN,
	EC_ACT_RESYNC,
	EC_ACT_REBUILD,
	EC_ACT_CHECK,
	EC_ACT_REPAIR,
};

/* Netlink state of a volume (ec_netlink.c). */
struct ec_nl_vol {
	struct list_head node;		/* in the list of volumes */
	u64 id;				/* dump cursor */
	unsigned long failed;		/* failures not yet announced */
	unsigned long progress;		/* jiffies of the last progress event */
	bool last_valid;		/* a sync/check run has ended */
	u8 last_action;			/* enum ec_action of that run */
	u8 last_result;			/* enum dm_ec_result */
	u64 last_time;			/* seconds since the epoch */
	u64 last_mismatch;		/* sectors */
	u64 runs;			/* runs ended since load */
	atomic_t busy;			/* requests still using the volume */
};

/* Background sync of a volume: resync, rebuild, check, repair. */
struct ec_sync {
	struct task_struct *task;
	wait_queue_head_t wait;
	enum ec_action action;		/* what runs, or idle/frozen */
	enum ec_action requested;	/* set by messages */
	unsigned int req_gen;		/* bumped by every request */
	bool kicked;
	sector_t resync_cp;		/* member sectors: parity in sync below */
	sector_t rebuild_cp;		/* rebuilding members in sync below */
	sector_t done, total;		/* of the current or last run, sectors */
	atomic64_t mismatches;		/* sectors, last check/repair */
	atomic64_t repaired;		/* sectors rewritten by the last repair */
	unsigned long last_cp;		/* jiffies of last checkpoint */
	bool resync_bitmap;		/* resync only regions dirty in bm.disk */
	sector_t resync_bm_end;		/* ... below this; all from there on */
	bool rebuild_bitmap;		/* rebuild only regions dirty in bm.disk */
};

/* The write-intent bitmap of a volume. */
struct ec_bitmap {
	unsigned long nbits;
	unsigned long *disk;		/* bits set on disk */
	unsigned long *touched;		/* written since the last clearing pass */
	u16 *count;			/* writes in flight per region */
	struct page **pages;		/* on-disk image, one buffer per page */
	spinlock_t lock;		/* disk, touched, count */
	struct mutex io_lock;		/* bitmap writes */
	struct delayed_work work;	/* lazy clearing */
};

/* The partial-parity log of a volume. */
struct ec_log {
	u64 gen;			/* entries of this generation are valid */
	atomic64_t seq;
	unsigned int slot_sectors;
	unsigned int nslots;		/* per member */
	unsigned long *slots;		/* in use: n bitmaps of nslots */
	u64 *keys;			/* n x nslots: whose entry a slot holds */
	spinlock_t lock;		/* slots, keys */
	wait_queue_head_t wait;		/* a slot freed, inflight == 0 */
	atomic_t inflight;		/* writes holding entries */
	bool used;			/* entries written in this generation */
	bool bumping;			/* gen about to change */
	struct mutex mutex;		/* generation changes */
	mempool_t *hdr_pool;		/* entry headers */
	atomic64_t entries;		/* written since load */
	atomic64_t replayed;		/* replayed at load */
};

struct ec_vol {
	struct dm_target *ti;
	unsigned int k, m, n;
	unsigned int chunk_sectors;	/* stripe unit on a member */
	unsigned int slice_sectors;	/* min(chunk, EC_SLICE_SECTORS) */
	sector_t row_sectors;		/* volume sectors per stripe: k * chunk */
	sector_t data_offset;		/* sectors, on every member */
	sector_t data_sectors;		/* per member, whole chunks */
	sector_t rows;			/* stripes in the volume */
	struct ec_member mem[EC_MAX_N];

	/* table options */
	unsigned long rebuild_opt;	/* members named by "rebuild <idx>" */
	unsigned long rebuild_new;	/* of those, in sync before this load */
	bool nosync;
	unsigned int max_rebuild_rate;	/* KiB/s, 0 = unlimited */
	unsigned int region_sectors;
	bool noppl;			/* no partial-parity log */

	/* metadata */
	u8 array_uuid[16];
	u64 events;
	u64 ctime;
	char sb_name[DM_EC_SB_NAME_LEN];	/* recorded in the superblock */
	char sb_host[DM_EC_SB_HOST_LEN];
	u32 sb_flags;
	bool formatted;			/* members were blank at load */
	bool clean;			/* suspended with no I/O in flight */
	bool activated;			/* resumed at least once */
	bool region_set;		/* region_size given in the table */
	bool discard;			/* every member can write zeroes */
	struct work_struct meta_work;	/* commits member failures */
	struct mutex sb_lock;		/* superblock writes, sb_page */
	struct page *sb_page;		/* the commit's buffer, from the ctr */

	/* codec */
	struct ec_code *code;

	/* I/O */
	struct workqueue_struct *wq;
	mempool_t *io_pool;		/* struct ec_io */
	mempool_t *page_pool;
	spinlock_t pc_lock;		/* pc_pages */
	struct list_head pc_pages;	/* freed pages kept for reuse */
	unsigned int pc_count;
	struct mutex reserve_lock;	/* one request at a time on the reserve */
	struct bio_set bs;
	spinlock_t lock;		/* row locks, member state */
	struct hlist_head row_locks[1 << EC_LOCK_BITS];
	wait_queue_head_t row_wait;
	atomic_t ios;			/* in flight, for suspend */
	wait_queue_head_t ios_wait;

	struct ec_sync sync;		/* ec_sync.c */
	struct ec_bitmap bm;		/* ec_bitmap.c */
	struct ec_log log;		/* ec_ppl.c */
	struct ec_nl_vol nl;
};

/*
 * One locked unit of work: a slice (a depth range of at most
 * slice_sectors) of one stripe. Buffers are pages: column b (a block of
 * the stripe, 0..n-1) holds pages[b], and column n + b a second set for
 * the same block (new data in read-modify-write, scratch when checking).
 */
struct ec_io {
	struct ec_vol *v;
	sector_t row;
	unsigned int s0, s1;		/* sector depth range in the chunk */
	unsigned int p0, p1;		/* page range covering [s0, s1) */
	unsigned int pbase;		/* page index of pages[.][0] */
	struct hlist_node lock_node;
	u64 key;
	atomic_t pending;
	struct completion done;
	unsigned long err_mask;		/* members whose bio failed */
	bool reserve;			/* holds reserve_lock */
	/* lets go of what others may wait for, before waiting for the reserve */
	void (*unhold)(struct ec_io *io);
	bool logged;			/* counted in log.inflight */
	u32 log_mask;			/* parity blocks holding an entry */
	u16 log_slot[EC_MAX_M];		/* their slots */
	struct page *log_hdr;		/* the entry's header */
	struct ec_plan plan;
	struct page *pages[];		/* [2n][EC_SLICE_PAGES] */
};

/*
 * Front of every bio dm-ec sends to a member from its bioset (data, log,
 * discard, rebuild): the member it went to. Stacked drivers (md raid0 and
 * linear without iostats, NVMe multipath) rewrite bi_bdev, so the member
 * of a failed bio cannot be found from bi_bdev.
 */
struct ec_mbio {
	unsigned int member;
	struct bio bio;			/* last: the bioset's front pad */
};

/* Per-bio data. */
struct ec_bio {
	struct ec_vol *v;
	struct bvec_iter iter;		/* saved for a retry after an error */
	sector_t vsector;		/* volume sector of the bio */
	unsigned int member;
	bool own;			/* completed by dm-ec, not a member */
	struct work_struct work;
};

/* Members that can neither be read nor written: failed or missing. */
static inline unsigned long ec_bad_mask(struct ec_vol *v)
{
	unsigned long bad = 0;
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (test_bit(EC_MF_MISSING, &v->mem[i].flags) ||
		    test_bit(EC_MF_FAILED, &v->mem[i].flags))
			bad |= 1UL << i;
	return bad;
}

/*
 * Members whose data is not all there: failed, missing, or rebuilding
 * (lost above rebuild_cp). Reads above rebuild_cp need all but these.
 */
static inline unsigned long ec_unsynced_mask(struct ec_vol *v)
{
	unsigned long u = ec_bad_mask(v);
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (test_bit(EC_MF_REBUILD, &v->mem[i].flags))
			u |= 1UL << i;
	return u;
}

/* More than m members failed or missing: some data cannot be had. */
static inline bool ec_data_lost(struct ec_vol *v)
{
	return hweight_long(ec_bad_mask(v)) > v->m;
}

/*
 * ec_member_fail(), any context: the failure is recorded here and
 * announced by ec_nl_meta_work() once it is on the superblocks.
 */
static inline void ec_nl_member_failed(struct ec_vol *v, unsigned int idx)
{
	set_bit(idx, &v->nl.failed);
}

/* ec_member.c */
enum ec_mstate ec_member_state(struct ec_vol *v, unsigned int i);
char ec_mstate_letter(enum ec_mstate st);
u8 ec_mstate_disk(enum ec_mstate st);
u8 ec_mstate_nl(enum ec_mstate st);
int ec_member_fail(struct ec_vol *v, unsigned int idx, const char *why);
int ec_vol_fail_member(struct ec_vol *v, unsigned int idx);

/* ec_target.c */
int ec_target_register(void);
void ec_target_unregister(void);
void ec_state_event(struct ec_vol *v);

/* ec_meta.c */
int ec_meta_load(struct ec_vol *v, char *msg, size_t msglen, bool verbose);
void ec_meta_commit(struct ec_vol *v);
u32 ec_crc32c(u32 crc, const void *buf, size_t len);

/* ec_slice.c: the slice engine, below the bio path, the sync and the log */
int ec_slice_init(struct ec_vol *v);
void ec_slice_exit(struct ec_vol *v);
struct ec_io *ec_io_get(struct ec_vol *v, sector_t row, unsigned int s0,
			unsigned int s1);
void ec_io_put(struct ec_io *io);
void ec_io_alloc(struct ec_io *io, u64 cols);
void ec_io_begin(struct ec_io *io);
struct bio *ec_member_bio(struct ec_io *io, unsigned int member,
			  sector_t sector, unsigned short nr_vecs,
			  blk_opf_t opf);
void ec_io_send(struct ec_io *io, struct bio *bio);
void ec_io_submit(struct ec_io *io, unsigned int b, unsigned int col,
		  enum req_op op, blk_opf_t flags);
unsigned long ec_io_wait(struct ec_io *io);
unsigned long ec_unreadable(struct ec_vol *v, sector_t row, unsigned int s1);
void ec_io_fail_errors(struct ec_io *io, unsigned long errs, bool write);
unsigned long ec_io_blocks(struct ec_io *io, u32 mask, enum req_op op,
			   blk_opf_t flags, bool new_data);
u32 ec_blocks(struct ec_vol *v, sector_t row, unsigned long members);
int ec_read_decode(struct ec_io *io, u32 unread, u32 want);
void ec_ptrs(struct ec_io *io, unsigned int area, unsigned int p, u8 **blk);
int ec_rw_pages(struct block_device *bdev, sector_t sector,
		struct page **pages, unsigned int np, unsigned int len,
		blk_opf_t opf);

static inline void *ec_io_buf(struct ec_io *io, unsigned int col,
			      unsigned int p)
{
	return page_address(io->pages[col * EC_SLICE_PAGES + p - io->pbase]);
}

/* ec_io.c: the dm bio path */
int ec_io_init(struct ec_vol *v);
void ec_io_exit(struct ec_vol *v);
int ec_map(struct dm_target *ti, struct bio *bio);
int ec_end_io(struct dm_target *ti, struct bio *bio, blk_status_t *err);

/* ec_bitmap.c */
void ec_bitmap_geometry(struct ec_vol *v);
int ec_bitmap_init(struct ec_vol *v);
void ec_bitmap_exit(struct ec_vol *v);
int ec_bitmap_load(struct ec_vol *v, bool formatted);
void ec_bitmap_startwrite(struct ec_vol *v, sector_t row);
void ec_bitmap_endwrite(struct ec_vol *v, sector_t row);
void ec_bitmap_clear_idle(struct ec_vol *v);
bool ec_bitmap_dirty(struct ec_vol *v, sector_t ms, unsigned int len);

/* ec_ppl.c */
int ec_ppl_init(struct ec_vol *v);
void ec_ppl_exit(struct ec_vol *v);
bool ec_ppl_wanted(struct ec_vol *v);
void ec_ppl_unlogged(struct ec_vol *v);
unsigned long ec_ppl_log(struct ec_io *io, unsigned int data_area,
			 u32 written, u32 logmask, bool full);
void ec_ppl_end(struct ec_io *io);
int ec_ppl_replay(struct ec_vol *v);

/* ec_sync.c */
int ec_sync_start(struct ec_vol *v);
void ec_sync_stop(struct ec_vol *v);
void ec_sync_kick(struct ec_vol *v);
int ec_sync_request(struct ec_vol *v, enum ec_action want);
const char *ec_action_name(enum ec_action a);
u64 ec_sync_rate_ns(u64 done, unsigned int rate);

/* ec_netlink.c */
int ec_nl_init(void);
void ec_nl_exit(void);
void ec_nl_vol_add(struct ec_vol *v);
void ec_nl_vol_del(struct ec_vol *v);
/* The events may sleep: process context only. */
bool ec_nl_meta_work(struct ec_vol *v);
void ec_nl_sync_started(struct ec_vol *v, enum ec_action act);
void ec_nl_sync_progress(struct ec_vol *v, enum ec_action act);
void ec_nl_sync_finished(struct ec_vol *v, enum ec_action act, int ret,
			 bool complete, unsigned long rebuilt);

/*
 * Bits [0, nbits) set, for block masks of up to EC_MAX_N (32) blocks:
 * (1U << 32) is undefined, so no call site may build a mask by shifting.
 */
static inline u32 ec_mask(unsigned int nbits)
{
	return nbits ? (u32)GENMASK(nbits - 1, 0) : 0;
}

/* Block masks of a stripe: data blocks 0..k-1, parity blocks k..n-1. */
static inline u32 ec_dmask(const struct ec_vol *v)
{
	return ec_mask(v->k);
}

static inline u32 ec_pmask(const struct ec_vol *v)
{
	return ec_mask(v->n) & ~ec_mask(v->k);
}

/* The layout of dm-ec-format.h: block b of stripe row on member (b + row) % n */
static inline unsigned int ec_member_of(const struct ec_vol *v, sector_t row,
					unsigned int b)
{
	return dm_ec_member_of(row, b, v->n);
}

static inline unsigned int ec_block_of(const struct ec_vol *v, sector_t row,
				       unsigned int member)
{
	return dm_ec_block_of(row, member, v->n);
}

static inline sector_t ec_member_sector(const struct ec_vol *v, sector_t row,
					unsigned int depth)
{
	return v->data_offset + row * v->chunk_sectors + depth;
}

#endif /* DM_EC_H */
