#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_powercut.sh - power cut under a running filesystem workload: ext4 or
# XFS on a 10+4 volume (chunk 8, 40 MiB) gets files of known content, each
# fsynced (tests/kernel/crashpt.py work); at a random moment all 14
# members are switched to dm-flakey drop_writes at once (tables loaded
# first, then all suspended, then all resumed), the workload keeps going
# a little, then everything is torn down (its writes dropped too) and the
# volume is assembled again on the plain linear members. It must resync,
# mount, hold every file whose fsync returned before the cut, and pass
# fsck -n. EC_POWERCUT_ROUNDS: 4 (12 with EC_FULL=1).

EC_RAM_MIB=${EC_RAM_MIB:-16}
. "$(dirname "$0")/lib.sh"
ec_require_vm

if [ "${EC_FULL:-0}" = 1 ]; then
	ROUNDS=${EC_POWERCUT_ROUNDS:-12}
else
	ROUNDS=${EC_POWERCUT_ROUNDS:-4}
fi
K=10 M=4 C=8
LEN=$((40 * 2048))
MSZ=$((EC_DATA_OFFSET + LEN / K))
ALL14=$(seq 0 13)
MNT=$EC_TMP/mnt
mkdir -p "$MNT"
EC_MOUNTS+=("$MNT")
ec_modprobe dm-flakey ext4 xfs || die "cannot load modules"
ec_setup 14 "$MSZ"
diag "$ROUNDS rounds"

# cut_all: every member to drop_writes, as close to one moment as dm allows
cut_all() {
	local i rc=0
	for i in $ALL14; do
		dmsetup load "ect_m$i" --table "0 $MSZ flakey /dev/ram$i 0 0 3600 1 drop_writes" || rc=1
	done
	for i in $ALL14; do dmsetup suspend --noflush "ect_m$i" || rc=1; done
	for i in $ALL14; do dmsetup resume "ect_m$i" || rc=1; done
	return $rc
}

fsck_vol() {
	case $1 in
	ext4) e2fsck -fn "$(vol p)" ;;
	xfs) xfs_repair -n "$(vol p)" ;;
	esac >"$EC_TMP/fsck.log" 2>&1
}

total_files=0 total_bad=0
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then fs=ext4; else fs=xfs; fi
	name="round $r ($fs)"
	rm -f "$EC_TMP/manifest"
	ec_wipe_for "$LEN" $K $C $ALL14
	ec_create p "0 $LEN ec $K $M $C 1 nosync $(ec_devs "" $ALL14)" ||
		{ not_ok "$name: create"; continue; }
	case $fs in
	ext4) mkfs.ext4 -q -F -E nodiscard "$(vol p)" ;;
	xfs) TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f -K "$(vol p)" ;;
	esac >"$EC_TMP/mkfs.log" 2>&1 && mount -t $fs "$(vol p)" "$MNT"
	tap $? "$name: mkfs, mount" "$(tail -3 "$EC_TMP/mkfs.log")" || { ec_remove p; continue; }
	python3 -B -I -S "$EC_LIB_DIR/crashpt.py" work --dir "$EC_TMP" --mnt "$MNT" \
		--seed "$r" >"$EC_TMP/work.log" 2>&1 &
	wpid=$!
	EC_BG_PIDS+=("$wpid")
	# a random moment: 3..9 s into the workload
	sleep $((3 + RANDOM % 7)).$((RANDOM % 10))
	before=$(wc -l <"$EC_TMP/manifest")
	cut_all
	tap $? "$name: all 14 members switched to drop_writes after $before fsynced files"
	sleep 1
	after=$(wc -l <"$EC_TMP/manifest")
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	umount "$MNT" || umount -l "$MNT"
	ec_remove p
	for i in $ALL14; do member_set_linear "$i" || die "cannot restore member $i"; done

	t0=$(now)
	ec_create p "0 $LEN ec $K $M $C 0 $(ec_devs "" $ALL14)"
	tap $? "$name: assemble after the cut" || continue
	ec_wait_sync p 300
	tap $? "$name: resync finishes ($(elapsed "$t0") s): $(ec_status p)"
	mount -t $fs "$(vol p)" "$MNT"
	tap $? "$name: mount" || { ec_remove p; continue; }
	head -n "$before" "$EC_TMP/manifest" >"$EC_TMP/man.before"
	bad=$(cd "$MNT" && sha256sum -c --quiet "$EC_TMP/man.before" 2>&1 |
		grep -c ': FAILED')
	total_files=$((total_files + before)) total_bad=$((total_bad + bad))
	is "$bad" 0 "$name: all $before files fsynced before the cut intact ($((after - before)) more written into the cut)"
	umount "$MNT"
	fsck_vol $fs
	tap $? "$name: fsck -n clean" "$(tail -4 "$EC_TMP/fsck.log")"
	ec_remove p
done
diag "powercut: $ROUNDS rounds, $total_files files checked, $total_bad bad"

ec_cleanup
tap_done
