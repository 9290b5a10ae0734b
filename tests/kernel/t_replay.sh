#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_replay.sh - crash consistency by write-log replay: the 14 members of
# a 10+4 volume (chunk 8, 40 MiB) are slices of one dm-log-writes device,
# so one log holds every member write in the order they completed. ext4
# and XFS get files of known content, each fsynced and followed by a mark.
# Then the log is replayed onto fresh RAM disks (build/tests/lwreplay) up
# to each crash point: every mark, and "torn" points where the log is cut
# at a random entry between two marks. At every point the volume must
# assemble (from non-persistent snapshots of the replayed members, so the
# replay goes on forward), finish its resync, mount, hold every file
# fsynced before the point, and pass fsck -n after unmount.
#
# Variants: all members; one member missing throughout (degraded: the
# RAID write hole); a member re-added with "rebuild" while writes go on
# (crash points inside the rebuild). Details: tests/kernel/crashpt.py,
# Documentation/testing.md.
#
# env: EC_REPLAY_TORN (torn points per interval; 1, 4 with EC_FULL=1),
#      EC_REPLAY_VARIANTS ("ext4:all:15,xfs:rebuild:20,...": fs:mode:files), EC_REPLAY_SEED,
#      EC_REPLAY_OPTS (table options of the recorded volume, e.g. "noppl"
#      to show that the degraded variant finds the write hole without the log).

. "$(dirname "$0")/lib.sh"
ec_require_vm

# VARIANTS: fs:mode:files; a crash point per mark (files + 1) and TORN
# per interval (files): 100 points in check, 1,016 with EC_FULL=1
if [ "${EC_FULL:-0}" = 1 ]; then
	TORN=${EC_REPLAY_TORN:-4}
	VARIANTS=${EC_REPLAY_VARIANTS:-ext4:all:40 ext4:degraded:40 ext4:rebuild:40 xfs:all:40 xfs:degraded:22 xfs:rebuild:20}
else
	TORN=${EC_REPLAY_TORN:-1}
	VARIANTS=${EC_REPLAY_VARIANTS:-ext4:all:10 ext4:degraded:10 ext4:rebuild:9 xfs:all:6 xfs:degraded:6 xfs:rebuild:6}
fi
VARIANTS=${VARIANTS//,/ }
if [ "${EC_FULL:-0}" = 1 ]; then SEED=${EC_REPLAY_SEED:-$RANDOM}; else SEED=${EC_REPLAY_SEED:-7}; fi
MISSING=5
OPTS=${EC_REPLAY_OPTS:-}
export LWREPLAY=${LWREPLAY:-$EC_ROOT/build/tests/lwreplay}
[ -x "$LWREPLAY" ] || die "$LWREPLAY not built (make user)"

trap 'replay_remove; ec_cleanup quiet' EXIT
trap 'replay_remove; ec_cleanup quiet; exit 1' INT TERM

ec_modprobe dm-mod dm-log-writes dm-snapshot ext4 xfs || die "cannot load modules"
ec_load_module || die "cannot load $EC_KO"
diag "variants $VARIANTS, torn points per interval $TORN, seed $SEED"

T0=$(now)
for v in $VARIANTS; do
	IFS=: read -r fs mode FILES <<<"$v"
	dir=$EC_TMP/$fs-$mode
	mkdir -p "$dir"
	replay_brd || die "cannot reload brd"
	t0=$(now)
	crashpt record --fs "$fs" --mode "$mode" --dir "$dir" --files "$FILES" \
		--seed "$SEED" --missing $MISSING --opts "${OPTS//,/ }"
	tap $CRASHPT_RC "$fs $mode: $FILES files, each fsynced and marked in the log"
	[ "$CRASHPT_RC" -eq 0 ] || { replay_remove; continue; }
	crashpt replay --fs "$fs" --mode "$mode" --dir "$dir" --files "$FILES" \
		--torn "$TORN" --seed "$SEED" --missing $MISSING
	[ "$CRASHPT_RC" -ne 255 ]
	tap $? "$fs $mode: replay ran to the end"
	diag "$fs $mode: $(elapsed "$t0") s"
	replay_remove
done
diag "all variants: $(elapsed "$T0") s"

replay_remove
ec_cleanup
tap_done
