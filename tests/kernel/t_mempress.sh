#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_mempress.sh - memory-pressure campaign (issue 11, "the test net").
#
# A 10+4 volume with members 2 and 9 missing (so writes use the
# partial-parity log), 16 fio writers (random sizes 512 B..64 KiB, aligned
# and not, crc32c verify) while the volume is degraded, then during a
# rebuild of 2 and 9, a check and a repair; a member failing writes under
# the load; afterwards check finds 0 mismatches and the whole volume reads
# back equal with 4 members missing.
#
# Pressure:
#  - debug kernel (failslab + fail_page_alloc present): allocation failures
#    injected into the threads dm-ec allocates in (ec_sync/<name> and the
#    unbound kworkers of kecd, re-marked 5x/s), every phase counts the
#    failures actually injected and asserts a minimum; then table loads
#    and messages with their n-th allocation failing (fail-nth, armed
#    around the ioctl alone): each either works or fails cleanly, and
#    nothing changes (data, health).
#  - any kernel: reserve_test=1 (every fast-path page allocation of an io
#    goes to the reserve, so every io serialises on reserve_lock);
#    on Debian's kernel this is the whole script, the injection parts
#    are TAP skips.
# What must hold under injection: fio error-free and verifying (an
# allocation failure must never become an I/O error where a mempool
# exists), no member failed by it (every member's state asserted), no
# kernel report (run.sh's DMESG_BAD: any stack trace, so also any
# allocation-failure warning; dm-ec's own allocations in the I/O path are
# all __GFP_NOWARN or mempool-backed).
#
# env: EC_MP_IO (per fio job and phase, default 1M; 512K on the debug
# kernel), EC_MP_PCT (injection probability, %, default 10),
# EC_MP_PARTS (campaign,ctr), EC_MP_CTR_ROUNDS (table loads, default 40;
# EC_FULL=1: one per allocation site).

. "$(dirname "$0")/lib.sh"
ec_require_vm
. "$EC_LIB_DIR/../vm/failinject.sh"

command -v fio >/dev/null || die "fio not installed"
EC_RAM_MIB=24
ec_setup 14
ALL14=$(seq 0 13)
K=10 M=4 C=8
LEN=$(( 40 * 2048 / (K * C) * (K * C) ))
PREFIX="0 $LEN ec $K $M $C"
REF=$EC_TMP/ref
KNOB=/sys/module/dm_ec/parameters/reserve_test
PCT=${EC_MP_PCT:-10}
FI=0
if fi_have failslab fail_page_alloc; then
	FI=1
	IO=${EC_MP_IO:-512K}
	RATE=${EC_MP_RATE:-64}		# KiB/s: the rebuild outlasts fio
else
	IO=${EC_MP_IO:-1M}
	RATE=${EC_MP_RATE:-256}
fi
FIO16_IO=$IO			# fio16 (lib.sh): bytes per writer and phase
NMARK='^(ec_sync/|kworker/u)'
MINFAIL=${EC_MP_MINFAIL:-20}

mp_cleanup() {
	fi_have && fi_disable_all
	[ -w $KNOB ] && echo 0 >$KNOB
}
trap 'mp_cleanup; ec_cleanup quiet' EXIT

# inject_on [PAGE_PCT]: failslab and fail_page_alloc into dm-ec's threads
inject_on() {
	[ $FI = 1 ] || return 0
	fi_enable failslab "$PCT" 10000000
	fi_enable fail_page_alloc "${1:-$PCT}" 10000000
	fi_mark_loop "$NMARK"
}

# inject_off NAME: stop, report and assert the injected count
inject_off() {
	local a b
	[ $FI = 1 ] || { skip "$1: allocation failures injected" "no fault injection in this kernel"; return; }
	fi_unmark_all
	fi_disable failslab
	fi_disable fail_page_alloc
	a=$(fi_injected failslab) b=$(fi_injected fail_page_alloc)
	TOT_SLAB=$((TOT_SLAB + a)) TOT_PAGE=$((TOT_PAGE + b))
	[ $((a + b)) -ge "$MINFAIL" ]
	tap $? "$1: allocation failures injected: failslab $a, fail_page_alloc $b (>= $MINFAIL)"
}
TOT_SLAB=0 TOT_PAGE=0

# ---------------------------------------------------------------------------
# campaign MODE: MODE "inject" (debug kernel) or "reserve" (reserve_test=1)
campaign() {
	local mode=$1 s0 s1 act kick
	ec_remove f 2>/dev/null
	ec_wipe_for "$LEN" $K $C $ALL14
	ec_create f "$PREFIX 1 nosync $(ec_devs "2 9" $ALL14)"
	tap $? "$mode: 10+4 volume, members 2 and 9 missing" || return
	ecpy fill "$(vol f)" "$REF" --seed 51
	if [ "$mode" = reserve ]; then
		echo 1 >$KNOB
		tap $? "$mode: reserve_test=1 (every io through the reserve)"
	fi
	[ "$mode" = inject ] && inject_on
	fio16 "$mode: degraded" 501
	[ "$mode" = inject ] && inject_off "$mode: degraded"
	is "$(ec_health f)" "$(health_expect 14 "2 9")" "$mode: degraded: no member failed"

	ec_reload f "$PREFIX 6 max_rebuild_rate $RATE rebuild 2 rebuild 9 $(ec_devs "" $ALL14)"
	tap $? "$mode: members 2 and 9 back, rebuilding"
	[ "$mode" = inject ] && inject_on
	fio16 "$mode: during rebuild" 502
	diag "action when fio ended: $(ec_action f) (health $(ec_health f))"
	[ "$mode" = inject ] && inject_off "$mode: during rebuild"
	ec_reload f "$PREFIX 0 $(ec_devs "" $ALL14)"
	ec_wait_sync f 300
	tap $? "$mode: rebuild finishes"
	is "$(ec_health f)" AAAAAAAAAAAAAA "$mode: after rebuild every member A"

	for act in check repair; do
		# the action restarted whenever it ends while fio runs
		( n=0; while :; do
			[ "$(ec_action f)" = idle ] && dmsetup message ect_f 0 $act &&
				n=$((n + 1)) && echo $n >"$EC_TMP/kicks"
			sleep 0.3
		done ) &
		kick=$!
		sleep 0.5
		[ "$mode" = inject ] && inject_on
		fio16 "$mode: during $act" 503
		kill $kick; wait $kick 2>/dev/null
		diag "$act ran $(cat "$EC_TMP/kicks" 2>/dev/null) times during fio"
		ec_wait_idle f 300
		[ "$mode" = inject ] && inject_off "$mode: during $act"
		is "$(ec_health f)" AAAAAAAAAAAAAA "$mode: during $act: no member failed"
	done

	# A member failing writes under the load: the writes that saw the
	# error are acknowledged only after ec_meta_commit() recorded the
	# failure, from the write path (kecd) with every page allocation
	# outside the mempools failing (fail_page_alloc 100 %).
	# Writes are capped so that fio still writes when member 5 goes at
	# 3 s, whatever the host's speed (a fast CI host once finished this
	# phase first: member 5 never saw a write).
	[ "$mode" = inject ] && inject_on 100
	( sleep 3; member_set_error 5 ) &
	kick=$!
	fio16 "$mode: member 5 fails under the load" 504 \
		--rate=,$(( $(numfmt --from=iec "$IO") / 8 ))
	wait $kick
	[ "$mode" = inject ] && inject_off "$mode: member 5 fails"
	is "$(ec_health f)" AAAAADAAAAAAAA "$mode: member 5 fails: member 5 D, every other A"
	member_set_linear 5
	ec_reload f "$PREFIX 2 rebuild 5 $(ec_devs "" $ALL14)" && ec_wait_sync f 300
	tap $? "$mode: member 5 rebuilt"

	echo 0 >$KNOB
	dmsetup message ect_f 0 check && ec_wait_idle f 300
	is "$(ec_mismatch f)" 0 "$mode: check afterwards: 0 mismatches"
	fio16 "$mode: verify" 504 --verify_only
	s0=$(vol_sum)
	ec_reload f "$PREFIX 0 $(ec_devs "0 4 7 13" $ALL14)"
	s1=$(vol_sum)
	is "$s1" "$s0" "$mode: whole volume equal with members 0 4 7 13 missing"
	ec_reload f "$PREFIX 0 $(ec_devs "1 2 3 9" $ALL14)"
	fio16 "$mode: verify with members 1 2 3 9 missing" 504 --verify_only
	ec_reload f "$PREFIX 0 $(ec_devs "" $ALL14)"
}

# ---------------------------------------------------------------------------
# ctr_msg: table loads and messages with one allocation failure injected
# by count (/proc/thread-self/fail-nth, armed by ecio.py around the
# ioctl alone: marking dmsetup instead failed its exec and, once, the 9p
# root filesystem of the guest for every later script). A dry run counts
# the fault-injection sites a table load and resume pass (T); then load
# n fails its n-th site, for n spread over 1..T (every n with EC_FULL=1):
# dm core, dm-ec's constructor (mempools, bitmap, log, codec), its
# preresume (superblock reads, bitmap load, commit). Each load either
# works or fails with an error; a failed one leaves no device behind and a
# plain retry works: every member A, the data unchanged. Messages (check,
# frozen, idle) likewise, every site of each.
# fi_sites OUT: the T of a dry run's output ("not fired, L left")
FN_BIG=1000000
fi_sites() {
	local l
	l=$(sed -n 's/^fail-nth [0-9]*: not fired, \([0-9]*\) left$/\1/p' <<<"$1")
	[ -n "$l" ] && echo $((FN_BIG - l))
}

ctr_msg() {
	local s0 r n T rc nfail=0 nok=0 nfired=0 nec=0 bad="" tbl out mark msg
	local rounds=${EC_MP_CTR_ROUNDS:-40} where=""
	[ $FI = 1 ] || { skip "ctr/message under injection" "no fault injection in this kernel"; return; }
	tbl="$PREFIX 0 $(ec_devs "" $ALL14)"
	if ! dmsetup info ect_f >/dev/null 2>&1; then	# EC_MP_PARTS=ctr alone
		ec_wipe_for "$LEN" $K $C $ALL14
		ec_create f "$PREFIX 1 nosync $(ec_devs "" $ALL14)"
		ecpy fill "$(vol f)" "$REF" --seed 52
	fi
	s0=$(vol_sum)
	ec_remove f
	# Armed at probability 0: only fail-nth fires, only in its thread.
	fi_enable failslab 0 10000000 && fi_enable fail_page_alloc 0 10000000
	out=$(ecpy dm create ect_f "$tbl" --fail-nth $FN_BIG)
	T=$(fi_sites "$out")
	[ -n "$T" ] && [ "$T" -gt 0 ]
	tap $? "ctr: a table load and resume pass ${T:-?} fault-injection sites" "$out" || return
	ec_remove f
	[ "${EC_FULL:-0}" = 1 ] && rounds=$T
	[ "$rounds" -gt "$T" ] && rounds=$T
	mark=$(kmsg_mark)
	kmsg_allocfail begin
	for ((r = 0; r < rounds; r++)); do
		n=$((rounds > 1 ? 1 + r * (T - 1) / (rounds - 1) : 1))
		out=$(ecpy dm create ect_f "$tbl" --fail-nth $n)
		rc=$?
		case $out in
		*"fired in "*) nfired=$((nfired + 1)); where+=" ${out##*fired in }" ;;
		esac
		if [ $rc = 0 ]; then
			nok=$((nok + 1))
			dmsetup mknodes ect_f	# ecio.py made it by ioctl: no node
		else
			nfail=$((nfail + 1))
			dmsetup info ect_f >/dev/null 2>&1 && bad+=" n$n:left-behind"
			dmsetup remove ect_f >/dev/null 2>&1
			dmsetup create ect_f --table "$tbl" >/dev/null 2>&1 ||
				bad+=" n$n:retry-failed"
		fi
		[ "$(ec_health f)" = AAAAAAAAAAAAAA ] || bad+=" n$n:health=$(ec_health f)"
		if [ $((r % 8)) = 7 ]; then
			[ "$(vol_sum)" = "$s0" ] || bad+=" n$n:data"
		fi
		ec_remove f >/dev/null 2>&1 || bad+=" n$n:remove"
	done
	nec=$(kmsg_since "$mark" | grep -c 'device-mapper: table: .*: ec: ')
	diag "table loads: $nok succeeded, $nfail failed, $nfired with the failure fired (in:$(tr ' ' '\n' <<<"$where" | grep . | sort | uniq -c | awk '{ printf " %s %s", $2, $1 }')), $nec refused by dm-ec's constructor"
	[ "$nfired" -ge $((rounds * 3 / 4)) ] && [ "$nfail" -ge 1 ] && [ "$nec" -ge 1 ]
	tap $? "ctr: $rounds table loads with the n-th of $T allocation sites failing ($nfail failed, $nec in dm-ec's constructor)"
	[ -z "$bad" ]
	tap $? "ctr: each failed load left nothing behind, the retry worked, data and health unchanged" \
		"$bad"
	ec_create f "$tbl"
	[ "$(vol_sum)" = "$s0" ]
	tap $? "ctr: whole volume unchanged after the loads"

	nfail=0 nfired=0 bad="" where=""
	local tot=0
	for msg in check frozen idle; do
		out=$(ecpy dm message ect_f "$msg" --fail-nth $FN_BIG)
		T=$(fi_sites "$out")
		dmsetup message ect_f 0 idle >/dev/null 2>&1
		ec_wait_idle f 120
		[ -n "$T" ] || { bad+=" $msg:dry-run($out)"; continue; }
		[ "$T" -gt 16 ] && T=16
		for ((n = 1; n <= T; n++)); do
			tot=$((tot + 1))
			out=$(ecpy dm message ect_f "$msg" --fail-nth $n) || nfail=$((nfail + 1))
			[[ $out == *"fired in "* ]] && nfired=$((nfired + 1))
			dmsetup message ect_f 0 idle >/dev/null 2>&1
			ec_wait_idle f 120 || bad+=" $msg.n$n:not-idle"
			[ "$(ec_health f)" = AAAAAAAAAAAAAA ] || bad+=" $msg.n$n:health=$(ec_health f)"
			[ "$(ec_mismatch f)" = 0 ] || bad+=" $msg.n$n:mismatch=$(ec_mismatch f)"
		done
	done
	fi_disable_all
	kmsg_allocfail end
	diag "messages: $tot with one site failing, $nfired fired, $nfail failed"
	[ "$nfired" -ge 1 ]
	tap $? "msg: check, frozen, idle with each of their allocation sites failing in turn ($tot)"
	[ -z "$bad" ]
	tap $? "msg: volume idle, every member A, 0 mismatches after each" "$bad"
	[ "$(vol_sum)" = "$s0" ]
	tap $? "msg: whole volume unchanged"
}

PARTS=${EC_MP_PARTS:-campaign,ctr}
t0=$(now)
if [ $FI = 1 ]; then
	diag "fault injection present: injection campaign, $PCT %, marked tasks /$NMARK/"
	[[ $PARTS == *campaign* ]] && campaign inject
	[[ $PARTS == *ctr* ]] && ctr_msg
	diag "injected in total: failslab $TOT_SLAB, fail_page_alloc $TOT_PAGE"
else
	diag "no fault injection in this kernel: reserve_test=1 campaign"
	[[ $PARTS == *campaign* ]] && campaign reserve
	skip "injection campaign" "no fault injection in this kernel"
	[[ $PARTS == *ctr* ]] && ctr_msg
fi
diag "t_mempress: $(elapsed "$t0") s"
ec_remove f
tap_done
