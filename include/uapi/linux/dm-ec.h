/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * dm-ec generic netlink protocol: family DM_EC_GENL_NAME ("dm_ec"),
 * version DM_EC_GENL_VERSION (1), multicast group DM_EC_MCGRP_EVENTS
 * ("events"). Documentation/netlink.md describes it with examples.
 *
 * Attributes only ever get appended; the kernel rejects unknown ones
 * (strict validation), wrong types and out-of-range values, with an
 * extended ACK message naming the attribute. A request that fails changes
 * nothing. Commands that change state need CAP_NET_ADMIN (GENL_ADMIN_PERM)
 * and CAP_SYS_ADMIN (as dm ioctls do).
 *
 * A volume is named in requests by DM_EC_A_NAME (the device-mapper name)
 * or DM_EC_A_DEV (its dev_t); when both are given they must agree.
 *
 * DM_EC_CMD_GET_VOLUME
 * --------------------
 * Request (doit): DM_EC_A_NAME or DM_EC_A_DEV. Request with NLM_F_DUMP and
 * no attributes: every volume. Each reply:
 *
 *	DM_EC_A_NAME: NLA_NUL_STRING, at most DM_EC_NAME_MAX bytes with the NUL
 *	DM_EC_A_DEV: NLA_U32, dev_t as (major << 20) | minor
 *	DM_EC_A_UUID: NLA_BINARY, 16 bytes, the array UUID
 *	DM_EC_A_K: NLA_U8, data members, 1..31
 *	DM_EC_A_M: NLA_U8, parity members, 1..4
 *	DM_EC_A_CHUNK_SECTORS: NLA_U32, stripe unit in 512-byte sectors
 *	DM_EC_A_SECTORS: NLA_U64, volume length in sectors
 *	DM_EC_A_CODEC: NLA_NUL_STRING, GF(2^8) kernel in use ("avx2", ...)
 *	DM_EC_A_SYNC_ACTION: NLA_U8, enum dm_ec_action now running
 *	DM_EC_A_SYNC_DONE: NLA_U64, sectors of the current or last run
 *	DM_EC_A_SYNC_TOTAL: NLA_U64, sectors
 *	DM_EC_A_MISMATCH_CNT: NLA_U64, sectors found wrong by the last check
 *	DM_EC_A_CACHE_HITS: NLA_U64, decode-plan cache hits
 *	DM_EC_A_CACHE_MISSES: NLA_U64, decode-plan cache misses
 *	DM_EC_A_HEALTH: NLA_U8, enum dm_ec_health
 *	DM_EC_A_LOST: NLA_U8, members failed or missing
 *	DM_EC_A_FLAGS: NLA_U32, DM_EC_VF_* flags
 *	DM_EC_A_MAX_REBUILD_RATE: NLA_U32, KiB/s, 0 = unlimited
 *	DM_EC_A_EVENTS: NLA_U64, superblock event counter
 *	DM_EC_A_LAST_ACTION: NLA_U8, enum dm_ec_action of the last finished run
 *	DM_EC_A_LAST_RESULT: NLA_U8, enum dm_ec_result of that run
 *	DM_EC_A_LAST_TIME: NLA_U64, when it ended, seconds since the epoch
 *	DM_EC_A_LAST_MISMATCH: NLA_U64, mismatched sectors it found
 *	DM_EC_A_SYNC_RUNS: NLA_U64, sync/rebuild/check runs ended since load
 *	DM_EC_A_REDUNDANCY: NLA_U8, members that may still fail before data
 *		is lost, 0..m: m less the members failed, missing or
 *		rebuilding, 0 while parity is being resynced or data is lost
 *	DM_EC_A_MEMBERS: NLA_NESTED
 *		0: NLA_NESTED (the array index is the member index)
 *			DM_EC_MEMBER_A_INDEX: NLA_U8, slot, 0..k+m-1
 *			DM_EC_MEMBER_A_DEV: NLA_U32, dev_t (absent if missing)
 *			DM_EC_MEMBER_A_UUID: NLA_BINARY, 16 bytes
 *			DM_EC_MEMBER_A_STATE: NLA_U8, enum dm_ec_mstate
 *			DM_EC_MEMBER_A_READ_ERRORS: NLA_U32
 *			DM_EC_MEMBER_A_WRITE_ERRORS: NLA_U32
 *			DM_EC_MEMBER_A_NAME: NLA_NUL_STRING, e.g. "253:3"
 *		1: NLA_NESTED
 *			...
 *
 * The last-run attributes are absent until a run has ended since load.
 *
 * DM_EC_CMD_SET_ACTION (admin)
 * ----------------------------
 *	DM_EC_A_NAME or DM_EC_A_DEV
 *	DM_EC_A_SYNC_ACTION: NLA_U8, one of DM_EC_ACTION_IDLE, _FROZEN,
 *		_RESYNC, _CHECK, _REPAIR (a rebuild starts by itself)
 *
 * DM_EC_CMD_FAIL_MEMBER (admin)
 * -----------------------------
 *	DM_EC_A_NAME or DM_EC_A_DEV
 *	DM_EC_A_MEMBER_INDEX: NLA_U8, 0..k+m-1
 * Refused (-EBUSY) when it would leave more than m members lost; failing
 * a member that is already failed or missing succeeds and does nothing.
 * Members rebuilding count as lost (their data above the rebuild
 * checkpoint is not there yet), so failing one of them is allowed.
 * The reply comes once the failure is in the superblocks.
 *
 * DM_EC_CMD_SET_REBUILD_RATE (admin)
 * ----------------------------------
 *	DM_EC_A_NAME or DM_EC_A_DEV
 *	DM_EC_A_MAX_REBUILD_RATE: NLA_U32, KiB/s, 0 = unlimited, at most
 *		DM_EC_RATE_MAX
 *
 * DM_EC_CMD_EVENT (multicast to "events", never a request)
 * --------------------------------------------------------
 *	DM_EC_A_EVENT: NLA_U8, enum dm_ec_event
 *	DM_EC_A_NAME, DM_EC_A_DEV, DM_EC_A_UUID: the volume
 *	DM_EC_A_MEMBER_INDEX: NLA_U8 (MEMBER_FAILED, MEMBER_IN_SYNC)
 *	DM_EC_A_LOST: NLA_U8 (MEMBER_FAILED, DEGRADED, DATA_LOST)
 *	DM_EC_A_M: NLA_U8 (DEGRADED, DATA_LOST)
 *	DM_EC_A_SYNC_ACTION: NLA_U8 (SYNC_*)
 *	DM_EC_A_SYNC_DONE, DM_EC_A_SYNC_TOTAL: NLA_U64 (SYNC_*)
 *	DM_EC_A_MISMATCH_CNT: NLA_U64 (SYNC_FINISHED)
 *	DM_EC_A_LAST_RESULT: NLA_U8, enum dm_ec_result (SYNC_FINISHED)
 * SYNC_PROGRESS is sent at most once a second per volume.
 */
#ifndef _UAPI_LINUX_DM_EC_H
#define _UAPI_LINUX_DM_EC_H

#define DM_EC_GENL_NAME		"dm_ec"
#define DM_EC_GENL_VERSION	1
#define DM_EC_MCGRP_EVENTS	"events"

#define DM_EC_NAME_MAX		128	/* DM_NAME_LEN, with the NUL */
#define DM_EC_UUID_LEN		16
#define DM_EC_RATE_MAX		(1U << 30)	/* KiB/s */

enum dm_ec_cmd {
	DM_EC_CMD_UNSPEC,
	DM_EC_CMD_GET_VOLUME,
	DM_EC_CMD_SET_ACTION,
	DM_EC_CMD_FAIL_MEMBER,
	DM_EC_CMD_SET_REBUILD_RATE,
	DM_EC_CMD_EVENT,
	__DM_EC_CMD_LAST,
	DM_EC_CMD_MAX = __DM_EC_CMD_LAST - 1
};

enum dm_ec_attr {
	DM_EC_A_UNSPEC,
	DM_EC_A_PAD,
	DM_EC_A_NAME,
	DM_EC_A_DEV,
	DM_EC_A_UUID,
	DM_EC_A_K,
	DM_EC_A_M,
	DM_EC_A_CHUNK_SECTORS,
	DM_EC_A_SECTORS,
	DM_EC_A_CODEC,
	DM_EC_A_SYNC_ACTION,
	DM_EC_A_SYNC_DONE,
	DM_EC_A_SYNC_TOTAL,
	DM_EC_A_MISMATCH_CNT,
	DM_EC_A_CACHE_HITS,
	DM_EC_A_CACHE_MISSES,
	DM_EC_A_HEALTH,
	DM_EC_A_LOST,
	DM_EC_A_FLAGS,
	DM_EC_A_MAX_REBUILD_RATE,
	DM_EC_A_EVENTS,
	DM_EC_A_LAST_ACTION,
	DM_EC_A_LAST_RESULT,
	DM_EC_A_LAST_TIME,
	DM_EC_A_LAST_MISMATCH,
	DM_EC_A_MEMBERS,
	DM_EC_A_MEMBER_INDEX,
	DM_EC_A_EVENT,
	DM_EC_A_SYNC_RUNS,
	DM_EC_A_REDUNDANCY,
	__DM_EC_A_LAST,
	DM_EC_A_MAX = __DM_EC_A_LAST - 1
};

enum dm_ec_member_attr {
	DM_EC_MEMBER_A_UNSPEC,
	DM_EC_MEMBER_A_INDEX,
	DM_EC_MEMBER_A_DEV,
	DM_EC_MEMBER_A_UUID,
	DM_EC_MEMBER_A_STATE,
	DM_EC_MEMBER_A_READ_ERRORS,
	DM_EC_MEMBER_A_WRITE_ERRORS,
	DM_EC_MEMBER_A_NAME,
	__DM_EC_MEMBER_A_LAST,
	DM_EC_MEMBER_A_MAX = __DM_EC_MEMBER_A_LAST - 1
};

/* DM_EC_A_SYNC_ACTION, DM_EC_A_LAST_ACTION: as in the status line */
enum dm_ec_action {
	DM_EC_ACTION_IDLE,
	DM_EC_ACTION_FROZEN,
	DM_EC_ACTION_RESYNC,
	DM_EC_ACTION_REBUILD,
	DM_EC_ACTION_CHECK,
	DM_EC_ACTION_REPAIR,
	__DM_EC_ACTION_LAST,
	DM_EC_ACTION_MAX = __DM_EC_ACTION_LAST - 1
};

/* DM_EC_MEMBER_A_STATE: the status line's health characters */
enum dm_ec_mstate {
	DM_EC_MSTATE_ACTIVE,	/* 'A' alive and in sync */
	DM_EC_MSTATE_SYNCING,	/* 'a' alive, not yet in sync */
	DM_EC_MSTATE_FAILED,	/* 'D' failed */
	DM_EC_MSTATE_MISSING,	/* '-' not in the table */
	__DM_EC_MSTATE_LAST,
	DM_EC_MSTATE_MAX = __DM_EC_MSTATE_LAST - 1
};

/* DM_EC_A_HEALTH */
enum dm_ec_health {
	DM_EC_HEALTH_OK,		/* no member lost */
	/* 1..m lost, or members out of sync (DM_EC_A_REDUNDANCY < m) */
	DM_EC_HEALTH_DEGRADED,		/* 1..m lost: all data readable */
	DM_EC_HEALTH_DATA_LOST,		/* more than m lost */
	__DM_EC_HEALTH_LAST,
	DM_EC_HEALTH_MAX = __DM_EC_HEALTH_LAST - 1
};

/* DM_EC_A_LAST_RESULT */
enum dm_ec_result {
	DM_EC_RESULT_COMPLETE,		/* ran to the end */
	DM_EC_RESULT_ABORTED,		/* stopped by a request or suspend */
	DM_EC_RESULT_ERROR,		/* stopped by an I/O error */
	__DM_EC_RESULT_LAST,
	DM_EC_RESULT_MAX = __DM_EC_RESULT_LAST - 1
};

/* DM_EC_A_FLAGS */
enum dm_ec_vol_flag {
	DM_EC_VF_SYNCED = 1U << 0,	/* initial sync complete */
	DM_EC_VF_CLEAN = 1U << 1,	/* suspended, superblocks clean */
	DM_EC_VF_NOSYNC = 1U << 2,	/* loaded with "nosync" */
	__DM_EC_VF_ALL = DM_EC_VF_SYNCED | DM_EC_VF_CLEAN | DM_EC_VF_NOSYNC
};

/* DM_EC_A_EVENT */
enum dm_ec_event {
	DM_EC_EVENT_UNSPEC,
	DM_EC_EVENT_MEMBER_FAILED,
	DM_EC_EVENT_DEGRADED,
	DM_EC_EVENT_DATA_LOST,
	DM_EC_EVENT_SYNC_STARTED,
	DM_EC_EVENT_SYNC_PROGRESS,
	DM_EC_EVENT_SYNC_FINISHED,
	DM_EC_EVENT_MEMBER_IN_SYNC,
	__DM_EC_EVENT_LAST,
	DM_EC_EVENT_MAX = __DM_EC_EVENT_LAST - 1
};

#endif /* _UAPI_LINUX_DM_EC_H */
