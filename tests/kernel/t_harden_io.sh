#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_harden_io.sh - I/O path hardening (issue 11, items 1, 2, 7, 9).
#
# flush:   a member failing flushes (dm-flakey error_writes) while another member delays
#          its plain writes (dm-delay): when the volume's flush returns, the
#          superblocks of every other member already say FAILED.
# flushmem: the same with every page allocation of every kworker failing
#          (fail_page_alloc 100 %, debug kernel; a skip elsewhere): the
#          superblock commit must not need memory (issue 11).
# md:      member 3 is a one-disk md raid0 (iostats off, so md rewrites
#          bi_bdev of our bios) over a dm device that starts failing writes
#          under fio: the member must show D and the data verify, also after the
#          device under md is healthy again (it holds stale data); rebuilt
#          through md, the data verifies with four other members missing.
# reserve: module parameter reserve_test=3 makes every 3rd fast-path page
#          allocation fail, so the reserve path of ec_io_alloc() runs: 16
#          fio writers on a degraded volume, then during rebuild, check and
#          repair; verify, check 0, whole-volume compares.
# bmflush: a member whose flush fails when the bitmap's lazy clearing
#          flushes every member is failed and no bit is cleared (issue 11,
#          item 12; the old module cleared the bits on the other members).
# replayflush: a member whose flush fails at the end of the log replay
#          of an unclean volume is failed (item 12).
# geom:    28+4, 31+1, 16+4, 3+3, 2+2, 1+1 over dm-linear slices of the RAM
#          disks (32 members): initial resync, random fill, small unaligned
#          writes, check, m members missing: whole volume compared.
#
# EC_HIO_PARTS selects parts (default "flush,flushmem,bmflush,replayflush,md,reserve,geom"),
# EC_HIO_GEOM the geometries of part geom (comma separated).

. "$(dirname "$0")/lib.sh"
ec_require_vm
. "$EC_LIB_DIR/../vm/failinject.sh"

command -v fio >/dev/null || die "fio not installed"
PARTS=${EC_HIO_PARTS:-flush,flushmem,bmflush,replayflush,md,reserve,geom}
PARTS=${PARTS//,/ }
GEOMS=${EC_HIO_GEOM:-16+4,3+3,2+2,1+1,31+1,28+4}
GEOMS=${GEOMS//,/ }
EC_RAM_MIB=24
MSZ=$((EC_RAM_MIB * 2048))
ec_setup 14
ALL14=$(seq 0 13)
K=10 M=4 C=8
LEN=$(( 48 * 2048 / (K * C) * (K * C) ))
PREFIX="0 $LEN ec $K $M $C"
REF=$EC_TMP/ref
MD=""
LOOP=""

hio_cleanup() {
	fi_have && fi_disable_all
	if [ -n "$MD" ]; then
		dmsetup remove ect_f 2>/dev/null
		echo clear >"/sys/block/$MD/md/array_state" 2>/dev/null
		echo "$MD" >/sys/module/md_mod/parameters/new_array 2>/dev/null
		MD=""
	fi
	[ -w /sys/module/dm_ec/parameters/reserve_test ] &&
		echo 0 >/sys/module/dm_ec/parameters/reserve_test
}
trap 'hio_cleanup; ec_cleanup quiet' EXIT

# sb_state DEV COPY MEMBER: the member's state in DEV's superblock copy
sb_state() {
	local st
	st=$(ecpy sb-dump "$1" --copy "$2")
	st=$(sed -n 's/^member_state=//p' <<<"$st")
	echo "${st:$(($3 * 2)):2}"
}

# sb_not_failed M I...: the superblock copies of members I... that do not
# say member M is FAILED, as " m<I>.sb<copy>=<state>" each (none: all do)
sb_not_failed() {
	local m=$1 i c st
	shift
	for i in "$@"; do
		for c in 0 1; do
			st=$(sb_state /dev/ram$i $c "$m")
			[ "$st" = 01 ] || printf ' m%s.sb%s=%s' "$i" "$c" "$st"
		done
	done
}

fresh_volume() {	# fresh_volume DEVS...: a new 10+4 volume "f", in sync
	ec_remove f 2>/dev/null
	ec_wipe_for "$LEN" $K $C $ALL14
	ec_create f "$PREFIX 1 nosync $*"
}

# ---------------------------------------------------------------------------
# loop_member5 PART: member 5 moved onto a loop device over a new, zeroed
# image, then a fresh volume "f" over all 14. brd has no write cache, so
# the block layer completes flushes to it before they reach the driver;
# a loop device has one, so the volume has a write cache and flushes
# reach member 5. LOOP names the device. Returns 1 after its own "not ok".
loop_member5() {
	LOOP=""
	ec_modprobe loop
	rm -f "$EC_TMP/m5.img"
	truncate -s $((MSZ * 512)) "$EC_TMP/m5.img" &&
		LOOP=$(losetup -f --show "$EC_TMP/m5.img") &&
		member_swap 5 "0 $MSZ linear $LOOP 0"
	tap $? "$1: member 5 on loop device ${LOOP:-?}" || return 1
	if ! fresh_volume "$(ec_devs "" $ALL14)"; then
		not_ok "$1: create volume"
		loop_member5_done
		return 1
	fi
}

# loop_member5_fail PART: from now on member 5 fails every write and flush
loop_member5_fail() {
	ec_modprobe dm-flakey
	member_swap 5 "0 $MSZ flakey $LOOP 0 0 3600 1 error_writes"
	tap $? "$1: member 5 fails every write and flush (dm-flakey error_writes)"
}

# loop_member5_done: member 5 back on its RAM disk, loop device and image gone
loop_member5_done() {
	member_set_linear 5
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	rm -f "$EC_TMP/m5.img"
	LOOP=""
}

# flush_case NAME [nomem]: the flush case; with "nomem" every page
# allocation of every kworker fails while the flush runs (debug kernel):
# the superblock commit that must precede the flush's completion runs in
# kworkers (kecd for the flush, the system queue for the member's failure).
flush_case() {
	local p=$1 nomem=${2:-} t0 dt late="" rc n
	loop_member5 "$p" || return
	ec_modprobe dm-delay
	# member 7: plain writes take 2 s, reads and flushes are not delayed;
	# the superblock commit writes its second copy with FUA only.
	member_swap 7 "0 $MSZ delay /dev/ram7 0 0 /dev/ram7 0 2000 /dev/ram7 0 0"
	tap $? "$p: member 7 delays plain writes by 2 s (dm-delay, 3 classes)"
	like "$(cat /sys/dev/block/"$(devnum "$(vol f)")"/queue/write_cache)" \
		"write back" "$p: the volume has a write cache (flushes reach dm-ec)"
	loop_member5_fail "$p"
	if [ -n "$nomem" ]; then
		fi_enable fail_page_alloc 100 10000000
		fi_mark_loop '^kworker/'
	fi
	t0=$(now)
	sync "$(vol f)"
	rc=$?
	if [ -n "$nomem" ]; then
		fi_unmark_all
		fi_disable fail_page_alloc
		n=$(fi_injected fail_page_alloc)
		diag "$p: page allocations failed in kworkers during the flush: $n"
	fi
	tap $rc "$p: fsync of the volume succeeds (m members left)"
	dt=$(echo "$(now) $t0" | awk '{ printf "%.2f", $1 - $2 }')
	late=$(sb_not_failed 5 0 7 8 13)
	[ -z "$late" ]
	tap $? "$p: when the flush returned (after $dt s), every superblock copy says member 5 FAILED" \
		"still not FAILED:$late"
	is "$(ec_health f | cut -c6)" D "$p: member 5 is D"
	sleep 3
	late=$(sb_not_failed 5 7 13)
	[ -z "$late" ]
	tap $? "$p: 3 s later the superblocks say FAILED (the commit did happen)" "not FAILED:$late"
	member_set_linear 7
	ec_remove f
	loop_member5_done
}

part_flush() { flush_case flush; }

# The same with every kworker's page allocations failing: the commit has
# its page from the table load (issue 11: it used to allocate one, and
# -ENOMEM failed the flush and left the failure off the superblocks).
part_flushmem() {
	if ! fi_have fail_page_alloc; then
		skip "flushmem: flush with page allocations failing" "no fault injection in this kernel"
		return
	fi
	flush_case flushmem nomem
	fi_disable_all
}

# ---------------------------------------------------------------------------
# bm_bits DEV: the number of set bits in the first bitmap page of DEV
bm_bits() {
	dd if="$1" bs=512 skip=16 count=8 status=none |
		python3 -c 'import sys; print(sum(bin(b).count("1") for b in sys.stdin.buffer.read()))'
}

part_bmflush() {
	local b0 b13 mark
	loop_member5 bmflush || return
	mark=$(kmsg_mark)
	# one write: its region's bit goes to disk on every member
	dd if=/dev/urandom of="$(vol f)" bs=4k count=1 seek=100 oflag=direct status=none
	tap $? "bmflush: a 4 KiB write"
	b0=$(bm_bits /dev/ram0)
	[ "$b0" -ge 1 ]
	tap $? "bmflush: its region is dirty in member 0's bitmap ($b0 bits)"
	# Before the lazy clearing (5 s after the last write) flushes every
	# member, member 5 starts failing writes and flushes.
	loop_member5_fail bmflush
	sleep 9
	is "$(ec_health f | cut -c6)" D "bmflush: member 5 is D after the clearing pass"
	b0=$(bm_bits /dev/ram0)
	b13=$(bm_bits /dev/ram13)
	[ "$b0" -ge 1 ] && [ "$b13" -ge 1 ]
	tap $? "bmflush: a failed flush clears no bit (members 0, 13: $b0, $b13 bits)" \
		"the bits were cleared although member 5's flush failed: its cached writes may be lost"
	kmsg_since "$mark" | grep -q "member 5 .*failed: flush error"
	tap $? "bmflush: the kernel log says member 5 failed on a flush error" \
		"$(kmsg_since "$mark" | grep 'member 5' | head -3)"
	ec_remove f
	loop_member5_done
}

# ---------------------------------------------------------------------------
# replayflush: the log replay at the assembly of an unclean volume ends
# with a flush of every member, so that the parity it restored is on the
# medium before anything relies on it. A member whose flush fails there
# must be failed (issue 11, item 12). Member 5 fails every write and
# flush from the assembly on; the replay's flush is the first write it
# sees (the superblocks and the bitmap are only read before it). A
# module that ignores that flush's error fails the "replay's flush"
# check: member 5 goes D only at the next superblock write, and with a
# member whose writes work but whose flush fails it would stay A.
part_replayflush() {
	local i fl bad=0 late="" mark
	loop_member5 replayflush || return
	ecpy fill "$(vol f)" "$REF.rf" --seed 61
	ec_remove f
	# as after a crash: CLEAN off in both copies of every superblock
	for i in $ALL14; do
		fl=$(ecpy sb-dump "${MEM[$i]}" | sed -n 's/^flags=//p')
		ecpy sb-set "${MEM[$i]}" --offset 12 --value $((fl & ~1)) || bad=1
	done
	tap $bad "replayflush: every member's superblocks say unclean"
	loop_member5_fail replayflush
	mark=$(kmsg_mark)
	ec_create f "$PREFIX 0 $(ec_devs "" $ALL14)"
	tap $? "replayflush: the unclean volume assembles (the log is replayed)"
	kmsg_since "$mark" | grep -q "member 5 .*failed: log replay flush error"
	tap $? "replayflush: member 5 failed on the replay's flush" \
		"$(kmsg_since "$mark" | grep -E 'member 5|replay' | head -3)"
	is "$(ec_health f)" AAAAADAAAAAAAA "replayflush: member 5 D, every other A"
	late=$(sb_not_failed 5 0 7 13)
	[ -z "$late" ]
	tap $? "replayflush: the other members' superblocks say member 5 FAILED" \
		"not FAILED:$late"
	ecpy verify "$(vol f)" "$REF.rf"
	tap $? "replayflush: whole volume equal"
	ec_remove f
	loop_member5_done
}

# ---------------------------------------------------------------------------
md_make() {	# md_make DEV: one-disk raid0 over DEV, name in $MD
	local mdn=md_ect dn sz
	ec_modprobe md-mod && ec_modprobe raid0 || return 1
	echo "$mdn" >/sys/module/md_mod/parameters/new_array || return 1
	MD=$mdn
	dn=$(devnum "$1") || return 1
	sz=$((MSZ / 2))		# KiB
	echo none >/sys/block/$MD/md/metadata_version &&
		echo raid0 >/sys/block/$MD/md/level &&
		echo 524288 >/sys/block/$MD/md/chunk_size &&
		echo 1 >/sys/block/$MD/md/raid_disks &&
		echo "$dn" >/sys/block/$MD/md/new_dev || return 1
	local rd
	rd=$(ls -d /sys/block/$MD/md/dev-* | head -1)
	echo 0 >"$rd/slot" && echo 0 >"$rd/offset" && echo "$sz" >"$rd/size" &&
		echo active >/sys/block/$MD/md/array_state || return 1
	echo 0 >/sys/block/$MD/queue/iostats || return 1
	[ "$(blockdev --getsz /dev/$MD)" -ge "$MSZ" ]
}

part_md() {
	local log=$EC_TMP/fio.md rc h devs RG="region_size 16384"
	local args="--name=md --filename=$(vol f) --rw=randwrite --bs=4k --ioengine=libaio
		--iodepth=8 --direct=1 --size=24M --verify=crc32c --verify_fatal=1 --randseed=301"
	md_make "${MEM[3]}"
	tap $? "md: one-disk md raid0 /dev/$MD over ect_m3, iostats off" \
		"$(cat /sys/block/$MD/md/array_state 2>&1)" || return
	devs=$(ec_devs "" $ALL14)
	devs=${devs/${MEM[3]}/\/dev\/$MD}
	# One write-intent region: its bit is set by fio's first write, so no
	# further bitmap write (which would see member 3 fail) comes until fio
	# ends; only the completion of the data bios can tell.
	ec_remove f 2>/dev/null
	ec_wipe_for "$LEN" $K $C $ALL14
	ec_create f "$PREFIX 3 nosync $RG $devs"
	tap $? "md: 10+4 volume with member 3 = /dev/$MD, one bitmap region" || return
	fio $args >"$log" 2>&1 &
	local pid=$!
	EC_BG_PIDS+=("$pid")
	sleep 3
	# Writes fail, reads still work: only the completion of our own
	# member bios (through md) can tell that member 3 missed writes.
	member_set_flakey 3 0 3600 error_writes
	tap $? "md: the device under md fails every write (dm-flakey error_writes) under fio"
	wait "$pid"
	rc=$?
	EC_BG_PIDS=("${EC_BG_PIDS[@]/$pid}")
	fio_ok "$log" && [ $rc -eq 0 ]
	tap $? "md: fio write + verify reports no error" "fio exit $rc" \
		"$(grep -iE 'err=|verify|error' "$log" | head -5)"
	# On a fast host fio may have ended before the swap: the same pass
	# (same seed, same data) again, now surely against the failing device.
	fio $args >"$log.2" 2>&1
	rc=$?
	fio_ok "$log.2" && [ $rc -eq 0 ]
	tap $? "md: a second pass with the device failing reports no error" "fio exit $rc" \
		"$(grep -iE 'err=|verify|error' "$log.2" | head -5)"
	h=$(ec_health f)
	is "${h:3:1}" D "md: member 3 is D ($h)"
	# The device under md comes back with what it held: stale blocks.
	member_set_linear 3
	fio $args --verify_only >"$log.v" 2>&1
	rc=$?
	fio_ok "$log.v" && [ $rc -eq 0 ]
	tap $? "md: verify after the device under md is back (stale data there)" \
		"fio exit $rc" "$(grep -iE 'verify|error' "$log.v" | head -3)"
	devs=${devs/${MEM[0]}/-}; devs=${devs/${MEM[1]}/-}; devs=${devs/${MEM[2]}/-}
	ec_reload f "$PREFIX 3 nosync $RG $devs"
	tap $? "md: reload with members 0 1 2 missing (3 failed)"
	fio $args --verify_only >"$log.v2" 2>&1
	rc=$?
	fio_ok "$log.v2" && [ $rc -eq 0 ]
	tap $? "md: verify with members 0 1 2 missing and 3 failed" "fio exit $rc" \
		"$(grep -iE 'verify|error' "$log.v2" | head -3)"
	# Rebuild onto the md member (its device healthy again): rebuild
	# writes go through md too; then do without four other members.
	devs=$(ec_devs "" $ALL14)
	devs=${devs/${MEM[3]}/\/dev\/$MD}
	ec_reload f "$PREFIX 10 $RG rebuild 0 rebuild 1 rebuild 2 rebuild 3 $devs" &&
		ec_wait_sync f 300
	tap $? "md: members 0 1 2 3 rebuilt (3 through md)"
	is "$(ec_health f)" AAAAAAAAAAAAAA "md: every member A"
	devs=${devs/${MEM[5]}/-}; devs=${devs/${MEM[8]}/-}
	devs=${devs/${MEM[11]}/-}; devs=${devs/${MEM[13]}/-}
	ec_reload f "$PREFIX 2 $RG $devs"
	fio $args --verify_only >"$log.v3" 2>&1
	rc=$?
	fio_ok "$log.v3" && [ $rc -eq 0 ]
	tap $? "md: verify with members 5 8 11 13 missing (3 rebuilt)" "fio exit $rc" \
		"$(grep -iE 'verify|error' "$log.v3" | head -3)"
	ec_remove f
	echo clear >"/sys/block/$MD/md/array_state"
	echo "$MD" >/sys/module/md_mod/parameters/new_array 2>/dev/null
	MD=""
}

# ---------------------------------------------------------------------------
part_reserve() {
	local knob=/sys/module/dm_ec/parameters/reserve_test s0 s1
	[ -w $knob ] || { not_ok "reserve: module parameter reserve_test"; return; }
	fresh_volume "$(ec_devs "2 9" $ALL14)"
	tap $? "reserve: 10+4 volume, members 2 and 9 missing" || return
	ecpy fill "$(vol f)" "$REF" --seed 41
	echo 3 >$knob
	tap $? "reserve: reserve_test=3"
	fio16 "reserve: degraded" 401
	ec_reload f "$PREFIX 6 max_rebuild_rate 1024 rebuild 2 rebuild 9 $(ec_devs "" $ALL14)"
	tap $? "reserve: members 2 and 9 back, rebuilding"
	fio16 "reserve: during rebuild" 402
	diag "action when fio ended: $(ec_action f) (health $(ec_health f))"
	ec_wait_sync f 300
	tap $? "reserve: rebuild finishes"
	dmsetup message ect_f 0 check
	fio16 "reserve: during check" 403
	ec_wait_idle f 300
	dmsetup message ect_f 0 repair
	fio16 "reserve: during repair" 404
	ec_wait_idle f 300
	dmsetup message ect_f 0 check && ec_wait_idle f 300
	is "$(ec_mismatch f)" 0 "reserve: check afterwards finds parity consistent"
	fio16 "reserve: verify" 404 --verify_only
	s0=$(vol_sum)
	echo 0 >$knob
	ec_reload f "$PREFIX 0 $(ec_devs "0 4 7 13" $ALL14)"
	s1=$(vol_sum)
	is "$s1" "$s0" "reserve: whole volume equal with members 0 4 7 13 missing"
	ec_reload f "$PREFIX 0 $(ec_devs "1 2 3 9" $ALL14)"
	s1=$(vol_sum)
	is "$s1" "$s0" "reserve: whole volume equal with members 1 2 3 9 missing"
	ec_remove f
}

# ---------------------------------------------------------------------------
part_geom() {
	local SZ=10240 g k m n i len devs miss seed=90 t0
	ec_remove_all
	for i in $(seq 0 31); do
		dmsetup create "ect_m$i" --table \
			"0 $SZ linear /dev/ram$((i % 16)) $(( i / 16 * SZ ))" || {
			not_ok "geom: create slice member $i"; return; }
		MEM[i]=/dev/mapper/ect_m$i
	done
	for g in $GEOMS; do
		k=${g%+*} m=${g#*+} n=$((k + m)) seed=$((seed + 1))
		len=$(ec_max_length "$k" 16 $SZ)
		for i in $(seq 0 $((n - 1))); do
			dd if=/dev/zero of="${MEM[i]}" bs=1M count=4 oflag=direct status=none
		done
		t0=$(now)
		ec_create g "0 $len ec $k $m 16 0 $(ec_devs "" $(seq 0 $((n - 1))))"
		tap $? "geom $g: create ($((len / 2048)) MiB, chunk 16)" || continue
		ec_wait_sync g 300
		tap $? "geom $g: initial resync finishes ($(elapsed "$t0") s)"
		ecpy fill "$(vol g)" "$REF.g" --seed $seed
		ecpy randwrite "$(vol g)" "$REF.g" --chunk 16 --k "$k" --ops 60 \
			--lbs 512 --max-mib 1 --seed $seed >/dev/null
		tap $? "geom $g: random fill + 60 small unaligned writes"
		dmsetup message ect_g 0 check && ec_wait_idle g 300
		is "$(ec_mismatch g)" 0 "geom $g: check finds parity consistent"
		miss=$(seq 0 $((n - 1)) | awk -v s=$seed 'BEGIN { srand(s) } { print rand(), $1 }' |
			sort -n | head -"$m" | awk '{ print $2 }' | sort -n | tr '\n' ' ')
		ec_reload g "0 $len ec $k $m 16 0 $(ec_devs "$miss" $(seq 0 $((n - 1))))"
		ecpy verify "$(vol g)" "$REF.g"
		tap $? "geom $g: whole volume equal with members ${miss% } missing"
		ecpy randwrite "$(vol g)" "$REF.g" --chunk 16 --k "$k" --ops 30 \
			--lbs 512 --max-mib 1 --seed $((seed + 100)) >/dev/null &&
			ecpy verify "$(vol g)" "$REF.g"
		tap $? "geom $g: 30 small writes degraded, whole volume equal"
		ec_remove g
		tap $? "geom $g: remove"
	done
}

for p in $PARTS; do
	diag "part $p"
	"part_$p"
done
hio_cleanup
ec_cleanup
tap_done
