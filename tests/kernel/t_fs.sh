#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_fs.sh - ext4 and XFS on a 10+4 volume.
#
# mkfs, a few thousand small files (sha256 manifest on tmpfs), unmount;
# assemble with 4 members missing; mount, check every file, unmount, fsck
# must be clean; re-add the members with "rebuild", check again.

. "$(dirname "$0")/lib.sh"
ec_require_vm

NFILES=${EC_FS_FILES:-3000}
ec_setup 14
ALL14=$(seq 0 13)
MNT=$EC_TMP/mnt
mkdir -p "$MNT"
EC_MOUNTS+=("$MNT")

# fs_round FS CHUNK MIB MISSING
fs_round() {
	local fs=$1 chunk=$2 mib=$3 missing=$4 len prefix t0 man=$EC_TMP/manifest.$1
	local name="$fs (10+4 chunk $chunk)" rb=""
	len=$(( mib * 2048 / (10 * chunk) * (10 * chunk) ))
	prefix="0 $len ec 10 4 $chunk"
	mountpoint -q "$MNT" && umount "$MNT"
	dmsetup remove ect_fs >/dev/null 2>&1
	ec_wipe_for "$len" 10 "$chunk" $ALL14
	ec_create fs "$prefix 1 nosync $(ec_devs "" $ALL14)"
	tap $? "$name: create $((len / 2048)) MiB volume" || return 1

	case $fs in
	ext4) mkfs.ext4 -q -F -E nodiscard "$(vol fs)" >"$EC_TMP/mkfs.log" 2>&1 ;;
	# mkfs.xfs refuses < 300 MB unless it believes it runs under fstests
	xfs) TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f -K "$(vol fs)" \
		>"$EC_TMP/mkfs.log" 2>&1 ;;
	esac
	tap $? "$name: mkfs" "$(tail -3 "$EC_TMP/mkfs.log")"
	mount -t "$fs" "$(vol fs)" "$MNT"
	tap $? "$name: mount" || return 1
	t0=$(now)
	ecpy mkfiles "$MNT/tree" "$man" --count "$NFILES" --seed 7
	tap $? "$name: write $NFILES files"
	sync
	(cd "$MNT/tree" && sha256sum -c --quiet --strict "$man")
	tap $? "$name: every checksum matches (healthy)"
	diag "files written and checked in $(elapsed "$t0") s"
	umount "$MNT"
	tap $? "$name: unmount"
	ec_remove fs

	# Four members missing; a new device, so no page cache carries over.
	ec_create fs "$prefix 0 $(ec_devs "$missing" $ALL14)"
	tap $? "$name: assemble with members $missing missing"
	is "$(ec_health fs)" "$(health_expect 14 "$missing")" "$name: health shows them missing"
	mount -t "$fs" "$(vol fs)" "$MNT"
	tap $? "$name: mount degraded" || return 1
	(cd "$MNT/tree" && sha256sum -c --quiet --strict "$man")
	tap $? "$name: every checksum matches with 4 members missing"
	# Some writes while degraded, checked after the rebuild.
	cp -a "$MNT/tree/d00" "$MNT/copy-d00"
	tap $? "$name: copy a directory while degraded"
	umount "$MNT"
	tap $? "$name: unmount"
	case $fs in
	ext4) e2fsck -fn "$(vol fs)" >"$EC_TMP/fsck.log" 2>&1 ;;
	xfs) xfs_repair -n "$(vol fs)" >"$EC_TMP/fsck.log" 2>&1 ;;
	esac
	tap $? "$name: fsck clean with 4 members missing" "$(tail -5 "$EC_TMP/fsck.log")"
	ec_remove fs

	for i in $missing; do rb+="rebuild $i "; done
	ec_create fs "$prefix 8 $rb$(ec_devs "" $ALL14)"
	tap $? "$name: re-add the members with '$rb'"
	ec_wait_sync fs 300
	tap $? "$name: rebuild finishes"
	is "$(ec_health fs)" AAAAAAAAAAAAAA "$name: every member A"
	ec_remove fs
	# Verify through a different failure set: the rebuilt members count.
	local other=""
	for i in $ALL14; do [[ " $missing " == *" $i "* ]] || other+="$i "; done
	other=$(echo "$other" | awk '{ print $1, $3, $5, $7 }')
	ec_create fs "$prefix 0 $(ec_devs "$other" $ALL14)"
	mount -t "$fs" -o ro "$(vol fs)" "$MNT"
	tap $? "$name: mount read-only with members $other missing"
	(cd "$MNT/tree" && sha256sum -c --quiet --strict "$man") &&
		diff -r "$MNT/tree/d00" "$MNT/copy-d00" >/dev/null
	tap $? "$name: files and the degraded copy intact after the rebuild"
	umount "$MNT"
	case $fs in
	ext4) e2fsck -fn "$(vol fs)" >"$EC_TMP/fsck.log" 2>&1 ;;
	xfs) xfs_repair -n "$(vol fs)" >"$EC_TMP/fsck.log" 2>&1 ;;
	esac
	tap $? "$name: fsck clean" "$(tail -5 "$EC_TMP/fsck.log")"
	ec_remove fs
	rm -f "$man"
}

ec_modprobe ext4 && fs_round ext4 128 160 "2 5 8 11" ||
	not_ok "ext4 round did not complete"
ec_modprobe xfs && fs_round xfs 8 160 "0 6 7 13" ||
	not_ok "xfs round did not complete"

ec_cleanup
tap_done
