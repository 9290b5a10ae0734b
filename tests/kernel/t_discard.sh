#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_discard.sh - discard on members that can write zeroes (scsi_debug, one
# store per disk): whole stripes read back as zeros, partial ones keep their
# data, parity stays consistent (check finds 0 mismatches), zeros also read
# back degraded; on members that cannot (brd) discard is not offered.
set -u
# the data offset of a member, from the format header (as lib.sh reads it)
EC_DATA_OFFSET=$(awk '$1 == "#define" && $2 == "DM_EC_DATA_OFFSET" { print $3 }' \
	"$EC_ROOT/include/uapi/linux/dm-ec-format.h")
n=0
bad=0
t() {	# t <desc> <cmd...>
	local d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; bad=1; fi
}
cleanup() {
	dmsetup remove ect_dz >/dev/null 2>&1
	dmsetup remove ect_dn >/dev/null 2>&1
	rmmod scsi_debug >/dev/null 2>&1
	# brd's sizes are fixed when it loads: leave none for the next script
	[ "$own_brd" = 1 ] && rmmod brd >/dev/null 2>&1
	rmmod dm_ec >/dev/null 2>&1
	rm -rf "$tmp"
}
tmp=$(mktemp -d)
own_brd=0
trap cleanup EXIT

sh "$EC_ROOT/tests/vm/load-ko.sh" || exit 1
modprobe sd_mod
modprobe scsi_debug dev_size_mb=24 add_host=14 num_tgts=1 per_host_store=1 lbpws=1 lbprz=1 || exit 1
udevadm settle >/dev/null 2>&1
sleep 3
devs=$(ls /sys/block | grep '^sd' | sort -V | head -14 | sed 's|^|/dev/|')
for d in $devs; do
	[ -b "$d" ] || mknod "$d" b $(tr ':' ' ' < "/sys/block/${d#/dev/}/dev")
done
t "14 scsi_debug disks" [ "$(echo $devs | wc -w)" -eq 14 ]

row=$((10 * 128))					# sectors per stripe
len=$((10 * (24 * 2048 - EC_DATA_OFFSET) / 128 * 128))
dmsetup create ect_dz --table "0 $len ec 10 4 128 1 nosync $(echo $devs)"
t "volume over scsi_debug members" [ -b /dev/mapper/ect_dz ]
q=/sys/dev/block/$(dmsetup info -c -o major,minor --noheadings --separator : ect_dz)/queue
t "discard is offered (granularity = chunk)" \
	[ "$(cat $q/discard_granularity)" = 65536 ]

head -c $((16 << 20)) /dev/urandom > "$tmp/ref"
dd if="$tmp/ref" of=/dev/mapper/ect_dz bs=1M oflag=direct status=none
# stripes 3..7 whole, and 8 sectors of stripe 8 (which must keep its data)
blkdiscard -o $((row * 3 * 512)) -l $((row * 5 * 512 + 4096)) /dev/mapper/ect_dz
t "blkdiscard succeeds" [ $? -eq 0 ]
dd if=/dev/zero of="$tmp/ref" bs=512 seek=$((row * 3)) count=$((row * 5)) conv=notrunc status=none
dd if=/dev/mapper/ect_dz of="$tmp/out" bs=1M count=16 iflag=direct status=none
t "whole stripes read back as zeros, the rest unchanged" cmp -s "$tmp/ref" "$tmp/out"
dmsetup message ect_dz 0 check
for i in $(seq 1 120); do
	set -- $(dmsetup status ect_dz)
	[ "$9" = idle ] && break
	sleep 1
done
t "check after discard: 0 mismatches" [ "${10}" = 0 ]
tbl=$(dmsetup table ect_dz | awk '{ $9 = "-"; $10 = "-"; $11 = "-"; $12 = "-"; print }')
dmsetup reload ect_dz --table "$tbl" && dmsetup suspend ect_dz && dmsetup resume ect_dz
dd if=/dev/mapper/ect_dz of="$tmp/out" bs=1M count=16 iflag=direct status=none
t "same content with 4 members missing" cmp -s "$tmp/ref" "$tmp/out"
dmsetup remove ect_dz

if [ ! -d /sys/module/brd ]; then
	modprobe brd rd_nr=14 rd_size=16384 && own_brd=1
fi
rd=$(for i in $(seq 0 13); do echo /dev/ram$i; done)
if [ "$own_brd" = 1 ] && [ "$(cat /sys/block/ram0/queue/write_zeroes_max_bytes)" = 0 ]; then
	dmsetup create ect_dn --table "0 $((10 * (16 * 2048 - EC_DATA_OFFSET))) ec 10 4 8 1 nosync $(echo $rd)"
	q=/sys/dev/block/$(dmsetup info -c -o major,minor --noheadings --separator : ect_dn)/queue
	t "no discard on members that cannot write zeroes" \
		[ "$(cat $q/discard_max_bytes)" = 0 ]
	dmsetup remove ect_dn
fi
echo "1..$n"
exit $bad
