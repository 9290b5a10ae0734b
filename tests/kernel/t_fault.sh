#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_fault.sh - a member that starts failing under I/O.
#
# fio writes (random 4 KiB, O_DIRECT, crc32c verify headers) to a 10+4
# volume; while it runs a member's table is swapped for dm-error, or for
# dm-flakey (failing reads, or failing writes, in its down intervals).
# fio must see no error, the member must show D, fio's verify pass must
# succeed, and after "rebuild <idx>" the data must also verify with four
# other members missing.

. "$(dirname "$0")/lib.sh"
ec_require_vm

command -v fio >/dev/null || die "fio not installed"
ec_setup 14
ALL14=$(seq 0 13)
K=10 M=4 C=8
LEN=$(( 64 * 2048 / (K * C) * (K * C) ))
PREFIX="0 $LEN ec $K $M $C"
FIO_SIZE=${EC_FIO_SIZE:-32M}
# The rounds swap a member 3 s into fio's write phase, and dm-flakey's
# first down interval starts 1 s after the swap: the write phase must last
# well beyond that whatever the machine's speed (a fast host once finished
# 32 MiB of writes before the first down second, so member 11 never saw
# a failing write). Writes are capped to spread the size over >= 8 s.
FIO_WIOPS=$(( $(numfmt --from=iec "$FIO_SIZE") / 4096 / 8 ))

# fio_run NAME EXTRA...: the verify workload of round NAME; output in
# $EC_TMP/fio.NAME
fio_args() {
	echo --name=v --filename="$(vol f)" --rw=randwrite --bs=4k \
		--ioengine=libaio --iodepth=8 --direct=1 --size="$FIO_SIZE" \
		--verify=crc32c --verify_fatal=1 --randseed="$1" --output-format=normal
}

# round NAME MEMBER SEED SWAP_CMD...: run fio, swap MEMBER under it
round() {
	local name=$1 idx=$2 seed=$3 pid rc h log=$EC_TMP/fio.$1
	shift 3
	fio $(fio_args "$seed") --rate_iops=,"$FIO_WIOPS" >"$log" 2>&1 &
	pid=$!
	EC_BG_PIDS+=("$pid")
	sleep 3
	if kill -0 "$pid" 2>/dev/null; then
		ok "$name: fio running when member $idx starts failing"
	else
		not_ok "$name: fio running when member $idx starts failing" \
			"fio already ended: make EC_FIO_SIZE larger"
	fi
	"$@"
	tap $? "$name: swap member $idx ($*)"
	wait "$pid"
	rc=$?
	EC_BG_PIDS=("${EC_BG_PIDS[@]/$pid}")
	fio_ok "$log" && [ $rc -eq 0 ]
	tap $? "$name: fio write + verify pass reports no error" "fio exit $rc" \
		"$(grep -iE 'err=|verify|error' "$log" | head -5)"
	h=$(ec_health f)
	is "${h:$idx:1}" D "$name: member $idx is D ($h)"
	[ "$(tr -cd 'D-' <<<"$h" | wc -c)" -eq 1 ]
	tap $? "$name: no other member failed ($h)"
	fio $(fio_args "$seed") --verify_only >"$log.v" 2>&1
	rc=$?
	fio_ok "$log.v" && [ $rc -eq 0 ]
	tap $? "$name: fio --verify_only afterwards" "fio exit $rc" \
		"$(grep -iE 'err=|verify|error' "$log.v" | head -5)"
	dd if="$(vol f)" of=/dev/null bs=1M iflag=direct status=none
	tap $? "$name: whole volume readable"

	# Put the member back and rebuild it, then do without four others.
	member_set_linear "$idx"
	ec_reload f "$PREFIX 2 rebuild $idx $(ec_devs "" $ALL14)"
	tap $? "$name: reload with 'rebuild $idx'"
	ec_wait_sync f 300
	tap $? "$name: rebuild finishes"
	is "$(ec_health f)" AAAAAAAAAAAAAA "$name: every member A"
	local other
	other=$(printf '%s\n' $ALL14 | grep -vx "$idx" | awk -v s="$seed" \
		'BEGIN { srand(s) } { print rand(), $1 }' | sort -n | head -4 |
		awk '{ print $2 }' | sort -n | tr '\n' ' ')
	ec_reload f "$PREFIX 0 $(ec_devs "$other" $ALL14)"
	fio $(fio_args "$seed") --verify_only >"$log.v2" 2>&1
	rc=$?
	fio_ok "$log.v2" && [ $rc -eq 0 ]
	tap $? "$name: data verifies with members ${other% } missing" "fio exit $rc"
	# Back to all members: those four missed nothing (no writes), but
	# the volume recorded them missing, so rebuild them too.
	ec_reload f "$PREFIX 8 $(for i in $other; do printf 'rebuild %d ' "$i"; done)$(ec_devs "" $ALL14)"
	ec_wait_sync f 300
	tap $? "$name: members ${other% } rebuilt"
}

ec_create f "$PREFIX 1 nosync $(ec_devs "" $ALL14)"
tap $? "10+4/8: create $((LEN / 2048)) MiB volume" || die "cannot go on"

# race BS SIZE SEED: many writes in flight to different chunks of the same
# few stripes (parity read-modify-write must be serialised per stripe);
# then check must find no mismatch and the data must decode with two
# members missing.
race() {
	local bs=$1 size=$2 seed=$3 rc log=$EC_TMP/race.$1 name="concurrent $1 writes"
	local args="--name=r --filename=$(vol f) --rw=randwrite --bs=$bs --ioengine=libaio
		--iodepth=32 --direct=1 --size=$size --verify=crc32c --randseed=$seed"
	fio $args >"$log" 2>&1
	rc=$?
	fio_ok "$log" && [ $rc -eq 0 ]
	tap $? "$name: fio randwrite depth 32 over $size + verify" "fio exit $rc"
	dmsetup message ect_f 0 check && ec_wait_idle f 300
	is "$(ec_mismatch f)" 0 "$name: check finds parity consistent"
	ec_reload f "$PREFIX 0 $(ec_devs "0 5" $ALL14)"
	fio $args --verify_only >"$log.v" 2>&1
	rc=$?
	fio_ok "$log.v" && [ $rc -eq 0 ]
	tap $? "$name: data verifies with members 0 and 5 missing" "fio exit $rc" \
		"$(grep -iE 'verify|error' "$log.v" | head -3)"
	ec_reload f "$PREFIX 4 rebuild 0 rebuild 5 $(ec_devs "" $ALL14)" && ec_wait_sync f 300
	tap $? "$name: members 0 and 5 back and rebuilt"
}
race 4k 2M 201
race 512 512k 202

round "dm-error" 4 101 member_set_error 4
round "dm-flakey, reads fail" 9 102 member_set_flakey 9 0 2
round "dm-flakey, writes fail" 11 103 member_set_flakey 11 1 1 error_writes

ec_remove f
tap $? "remove the volume"
ec_cleanup
tap_done
