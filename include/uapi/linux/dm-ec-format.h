/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dm-ec on-disk format, shared by the kernel target and userspace tools
 * (ecctl examine / recover). All integers are little-endian. See
 * Documentation/format.md for the field-by-field description.
 *
 * Member layout (sectors of 512 bytes):
 *
 *	0			superblock copy 0 (4 KiB)
 *	8			superblock copy 1 (4 KiB)
 *	DM_EC_BITMAP_OFFSET	write-intent bitmap (up to DM_EC_BITMAP_MAX_SECTORS)
 *	DM_EC_LOG_OFFSET	partial-parity log (write hole of degraded writes)
 *	data_offset		data area: chunk s of the member is stripe s
 */
#ifndef _UAPI_LINUX_DM_EC_FORMAT_H
#define _UAPI_LINUX_DM_EC_FORMAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <linux/types.h>
#endif

#define DM_EC_SB_MAGIC		0x62732d63652d6d64ULL	/* "dm-ec-sb" */
#define DM_EC_SB_VERSION	2	/* written; 1 (no name, host) is read */
#define DM_EC_SB_VERSION_MIN	1
#define DM_EC_SB_NAME_LEN	128	/* name[]: NUL-terminated */
#define DM_EC_SB_HOST_LEN	80	/* host[]: NUL-terminated */
#define DM_EC_SB_SIZE		4096
#define DM_EC_SB_SECTORS	(DM_EC_SB_SIZE >> 9)
#define DM_EC_SB0_SECTOR	0
#define DM_EC_SB1_SECTOR	8

#define DM_EC_BITMAP_OFFSET	16		/* sectors */
#define DM_EC_BITMAP_MAX_SECTORS 2032		/* up to sector 2048 */
#define DM_EC_LOG_OFFSET	2048
#define DM_EC_DATA_OFFSET	8192		/* 4 MiB: aligned to any chunk */

#define DM_EC_MAX_MEMBERS	32

/* dm_ec_sb.member_state[] */
enum dm_ec_member_state {
	DM_EC_MEMBER_ACTIVE = 0,	/* in sync */
	DM_EC_MEMBER_FAILED = 1,	/* failed; must be replaced/rebuilt */
	DM_EC_MEMBER_REBUILDING = 2,	/* being rebuilt, see rebuild_cp */
	DM_EC_MEMBER_MISSING = 3,	/* absent when last assembled */
};

/* dm_ec_sb.flags */
#define DM_EC_SB_F_CLEAN	(1U << 0)	/* cleanly shut down */
#define DM_EC_SB_F_SYNCED	(1U << 1)	/* initial sync complete */
#define DM_EC_SB_F_ALL		(DM_EC_SB_F_CLEAN | DM_EC_SB_F_SYNCED)

struct dm_ec_sb {
	__le64 magic;			/*   0: DM_EC_SB_MAGIC */
	__le32 version;			/*   8: DM_EC_SB_VERSION */
	__le32 flags;			/*  12: DM_EC_SB_F_* */
	__u8 array_uuid[16];		/*  16 */
	__u8 member_uuid[16];		/*  32: this member */
	__le32 member_index;		/*  48: slot of this member */
	__le32 k;			/*  52: data members */
	__le32 m;			/*  56: parity members */
	__le32 chunk_sectors;		/*  60: stripe unit, sectors */
	__le64 data_offset;		/*  64: sectors */
	__le64 data_sectors;		/*  72: usable data area per member */
	__le64 events;			/*  80: bumped on every state change */
	__le64 ctime;			/*  88: creation, seconds since epoch */
	__le64 utime;			/*  96: last superblock write */
	__le64 resync_cp;		/* 104: parity in sync below this member sector */
	__le64 rebuild_cp;		/* 112: rebuilding members in sync below */
	__le32 region_sectors;		/* 120: write-intent region */
	__le32 bitmap_sectors;		/* 124: bitmap size on disk */
	__le64 bitmap_offset;		/* 128: sectors */
	__le64 log_offset;		/* 136: sectors */
	__le64 log_sectors;		/* 144 */
	__le64 log_gen;			/* 152: generation of valid log entries */
	__u8 reserved0[96];		/* 160: zero */
	__u8 member_state[DM_EC_MAX_MEMBERS];	/* 256: enum dm_ec_member_state */
	__u8 member_uuids[DM_EC_MAX_MEMBERS][16];	/* 288: every member's UUID */
	char name[DM_EC_SB_NAME_LEN];	/* 800: volume name at format (v2) */
	char host[DM_EC_SB_HOST_LEN];	/* 928: host name at format (v2) */
	__u8 reserved1[3084];		/* 1008: zero */
	__le32 crc;			/* 4092: crc32c of bytes 0..4091 */
} __attribute__((packed));

/*
 * Partial-parity log. The log area of a member is cut into slots of
 * DM_EC_LOG_HDR_SECTORS + min(chunk_sectors, 128) sectors. Before a write
 * to a stripe of a degraded volume is issued, every written parity block
 * of that stripe whose member is in sync receives an entry in a slot of
 * its member: this header (the same on each of them), then, unless
 * DM_EC_LOG_F_FULL, nr_sectors of partial parity for the parity block the
 * member holds: the new parity minus the contribution of the data blocks
 * in `written`. After a crash the parity is recomputed as the partial
 * parity plus the contribution of those blocks as they are found on disk.
 * That makes the stripe consistent whatever part of the write reached the
 * members, so the blocks it did not write, including those of missing
 * members, keep their content. Entries of a generation other than the
 * superblocks' log_gen are ignored.
 */
#define DM_EC_LOG_MAGIC		0x676c2d63652d6d64ULL	/* "dm-ec-lg" */
#define DM_EC_LOG_HDR_SECTORS	8
#define DM_EC_LOG_MAX_M		4
#define DM_EC_LOG_F_FULL	(1U << 0)	/* every data block rewritten whole */

struct dm_ec_log_entry {
	__le64 magic;			/*   0: DM_EC_LOG_MAGIC */
	__le64 gen;			/*   8: dm_ec_sb.log_gen when written */
	__le64 seq;			/*  16: order of entries in a generation */
	__le64 stripe;			/*  24 */
	__u8 array_uuid[16];		/*  32 */
	__le32 first_sector;		/*  48: depth in the chunk, page aligned */
	__le32 nr_sectors;		/*  52: depth range, whole pages */
	__le32 written;			/*  56: data blocks read back at replay */
	__le32 parity;			/*  60: parity blocks holding the entry */
	__le32 flags;			/*  64: DM_EC_LOG_F_* */
	__le32 data_crc[DM_EC_LOG_MAX_M]; /* 68: crc32c of parity block k+i's */
	__u8 reserved[4008];		/*  84: zero */
	__le32 crc;			/* 4092: crc32c of bytes 0..4091 */
} __attribute__((packed));

/*
 * The data layout (Documentation/format.md, "Data layout"): stripe row of
 * the volume is chunk row of every member's data area; its block b (data
 * blocks 0..k-1, then the m parity blocks) lives on member (b + row) % n,
 * so that parity rotates over the members. dm_ec_block_of() is the
 * inverse: the block of the stripe that member holds.
 */
static inline __u32 dm_ec_member_of(__u64 row, __u32 b, __u32 n)
{
	return (b + (__u32)(row % n)) % n;
}

static inline __u32 dm_ec_block_of(__u64 row, __u32 member, __u32 n)
{
	return (member + n - (__u32)(row % n)) % n;
}

#endif /* _UAPI_LINUX_DM_EC_FORMAT_H */
