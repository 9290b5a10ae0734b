#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_initsync_cut.sh - power cuts during the initial sync (issue 11, item
# 8). A 10+4 volume (chunk 8, 40 MiB) is created WITHOUT nosync on
# members full of random data, whose 14 members are slices of one
# dm-log-writes device (as in t_replay.sh), with the initial sync
# throttled (max_rebuild_rate) to ~30 s. While it runs, small unaligned
# writes of random data (1..24 sectors, so read-modify-writes) go to
# stripes below the sync position and above it, each flushed and followed
# by a mark. Then the log is replayed (build/tests/lwreplay) to crash
# points: right after the create, after some marks, and "torn" points
# cut inside the read-modify-write of a write (after its first member
# write, before its last), for writes issued below the sync and above it;
# the superblock's saved resync_cp says which side of the checkpoint the
# torn write is on. At each point the volume assembles (on snapshots),
# the resync finishes, `check` finds mismatch_cnt 0, and the whole volume
# holds every write acknowledged before the cut exactly, and the write in
# flight old or new per 4 KiB block.
#
# Before the fix (resync_bm_end) the resync after such a crash restarted at
# the saved checkpoint and ignored the write-intent bitmap below it: a
# torn read-modify-write below the checkpoint kept its stale parity: on
# the module of baadc7c^ every torn point below the saved checkpoint fails
# with "check: mismatch_cnt 8" (4 of 4 in make check), those above pass.
#
# env: EC_ISYNC_POINTS ("marks,below,above,random" crash points; 2,4,2,2,
#      with EC_FULL=1 6,16,8,8; random: cut at a random entry of a write),
#      EC_ISYNC_SEED, EC_ISYNC_RATE (KiB/s, 128).

. "$(dirname "$0")/lib.sh"
ec_require_vm

if [ "${EC_FULL:-0}" = 1 ]; then
	POINTS=${EC_ISYNC_POINTS:-6,16,8,8}
	SEED=${EC_ISYNC_SEED:-$RANDOM}
else
	POINTS=${EC_ISYNC_POINTS:-2,4,2,2}
	SEED=${EC_ISYNC_SEED:-11}
fi
IFS=, read -r MARKS BELOW ABOVE RANDOM_CUTS <<<"$POINTS"
RATE=${EC_ISYNC_RATE:-128}
export LWREPLAY=${LWREPLAY:-$EC_ROOT/build/tests/lwreplay}
[ -x "$LWREPLAY" ] || die "$LWREPLAY not built (make user)"

trap 'replay_remove; ec_cleanup quiet' EXIT
trap 'replay_remove; ec_cleanup quiet; exit 1' INT TERM

ec_modprobe dm-mod dm-log-writes dm-snapshot || die "cannot load modules"
ec_load_module || die "cannot load $EC_KO"
diag "crash points: $MARKS marks, $BELOW torn below, $ABOVE torn above, ${RANDOM_CUTS:-0} random; seed $SEED, sync $RATE KiB/s"

T0=$(now)
dir=$EC_TMP/isync
mkdir -p "$dir"
replay_brd || die "cannot reload brd"
crashpt isync-record --dir "$dir" --seed "$SEED" --rate "$RATE"
tap "$CRASHPT_RC" "initial sync at $RATE KiB/s: writes below and above it, each flushed and marked in the log"
diag "record: $(elapsed "$T0") s"
if [ "$CRASHPT_RC" -eq 0 ]; then
	crashpt isync-replay --dir "$dir" --seed "$SEED" --marks "$MARKS" \
		--below "$BELOW" --above "$ABOVE" --random "${RANDOM_CUTS:-0}"
	[ "$CRASHPT_RC" -ne 255 ]
	tap $? "replay ran to the end"
fi
diag "all: $(elapsed "$T0") s"

replay_remove
ec_cleanup
tap_done
