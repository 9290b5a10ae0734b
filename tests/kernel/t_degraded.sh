#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_degraded.sh - degraded writes, rebuild, restart, initial sync, scrub.
#
#   1. 10+4 chunk 16: data written healthy, then with members 3 and 7
#      missing (reload with '-'); members re-added with "rebuild 3 rebuild
#      7"; wait for idle and all A; the data reads back with four *other*
#      members missing, so the rebuilt members must be right.
#   2. Stop/start (remove + create from the same members): data, health
#      and a member failed by "fail <idx>" persist; "rebuild <idx>" brings
#      it back.
#   3. 4+2 chunk 8 on members full of garbage, without nosync: the initial
#      resync makes the parity consistent (check finds 0 mismatches, every
#      1- and 2-member failure set reads back the same data).
#   4. A corrupted parity chunk: check counts it, repair fixes it.

. "$(dirname "$0")/lib.sh"
ec_require_vm

REF=$EC_TMP/ref
ec_setup 14
ALL14=$(seq 0 13)

# ---------------------------------------------------------------------------
K=10 M=4 C=16
LEN=$(( 32 * 2048 / (K * C) * (K * C) ))
PREFIX="0 $LEN ec $K $M $C"
table() { echo "$PREFIX $(ec_nopt "${2:-}") $(ec_devs "$1" $ALL14)"; }
# ec_nopt "OPTS": "<count> OPTS"
ec_nopt() { if [ -n "$1" ]; then echo "$(wc -w <<<"$1") $1"; else echo 0; fi; }

verify() { ecpy verify "$(vol d)" "$REF"; }

ec_create d "$(table "" nosync)"
tap $? "10+4/16: create $((LEN / 2048)) MiB volume" || die "cannot go on"
LBS=$(lbs d)
ecpy fill "$(vol d)" "$REF" --seed 11 && ecpy randwrite "$(vol d)" "$REF" \
	--chunk $C --k $K --ops 60 --lbs "$LBS" --seed 12
tap $? "healthy writes"

# --- 1. degraded writes, rebuild ----------------------------------------------
ec_reload d "$(table "3 7")"
tap $? "reload with members 3 and 7 missing"
is "$(ec_health d)" "$(health_expect 14 "3 7")" "health shows 3 and 7 missing"
ecpy randwrite "$(vol d)" "$REF" --chunk $C --k $K --ops 80 --lbs "$LBS" --seed 13
tap $? "80 random writes with 2 members missing"
verify
tap $? "degraded volume reads back identical"

t0=$(now)
ec_reload d "$(table "" "rebuild 3 rebuild 7")"
tap $? "reload with members 3 and 7 back and 'rebuild 3 rebuild 7'"
st=$(ec_status d)
diag "right after the reload: $st"
[[ $(echo "$st" | awk '{ print $4 }') == AAAaAAAaAAAAAA ]] ||
	[[ $(echo "$st" | awk '{ print $6 }') == idle ]]
todo $? "rebuild shows 'a' for members 3 and 7 while it runs"
ec_wait_sync d 300
tap $? "rebuild finishes (sync_action idle, no 'a')"
diag "rebuild took $(elapsed "$t0") s: $(ec_status d)"
is "$(ec_health d)" AAAAAAAAAAAAAA "every member A after the rebuild"
dt=$(ec_field d 5)
[ "${dt%/*}" = "${dt#*/}" ]
tap $? "sync_done = sync_total after the rebuild ($dt)"
verify
tap $? "reads back identical after the rebuild"

# --- 2. stop/start --------------------------------------------------------------
ec_remove d
tap $? "stop (remove)"
t0=$(now)
ec_create d "$(table "")"
tap $? "start again from the same members (no options)"
is "$(ec_health d)" AAAAAAAAAAAAAA "health persists: every member A"
sleep 1
is "$(ec_action d)" idle "clean restart: no resync"
verify
tap $? "data persists across stop/start"

dmsetup message ect_d 0 fail 5
tap $? "message 'fail 5'"
is "$(ec_health d)" AAAAADAAAAAAAA "member 5 is D"
ecpy randwrite "$(vol d)" "$REF" --chunk $C --k $K --ops 30 --lbs "$LBS" --seed 14
tap $? "writes with member 5 failed"
ec_remove d
ec_create d "$(table "")"
tap $? "restart with member 5 failed"
h=$(ec_health d)
[ "${h:5:1}" != A ] && [ "${h:0:5}${h:6}" = AAAAAAAAAAAAA ]
tap $? "the failure persists across the restart (health $h)"
verify
tap $? "data persists with member 5 failed"
ec_reload d "$(table "" "rebuild 5")"
tap $? "reload with 'rebuild 5'"
ec_wait_sync d 300
tap $? "rebuild of member 5 finishes"
is "$(ec_health d)" AAAAAAAAAAAAAA "every member A"

# The rebuilt members 3, 5 and 7 are needed by every stripe when four
# others are missing.
OTHER="0 9 12 13"
ec_reload d "$(table "$OTHER")"
tap $? "reload with members $OTHER missing"
is "$(ec_health d)" "$(health_expect 14 "$OTHER")" "health shows $OTHER missing"
verify
tap $? "reads back identical with $OTHER missing (rebuilt members are right)"
ec_reload d "$(table "" "rebuild 0 rebuild 9 rebuild 12 rebuild 13")"
tap $? "re-add $OTHER with rebuild"
ec_wait_sync d 300
tap $? "rebuild of four members finishes"
is "$(ec_health d)" AAAAAAAAAAAAAA "every member A"
ec_reload d "$(table "3 5 7 1")"
verify
tap $? "reads back identical with 1 3 5 7 missing"
ec_remove d
tap $? "stop"

# --- 3. initial sync over garbage -------------------------------------------------
# 4+2, 16 MiB: each member's data area holds 4 MiB of random bytes, the
# superblocks are zero (blank members).
K2=4 M2=2 C2=8
LEN2=$(( 16 * 2048 / (K2 * C2) * (K2 * C2) ))
P2="0 $LEN2 ec $K2 $M2 $C2"
D6=$(ec_devs "" 0 1 2 3 4 5)
for i in 0 1 2 3 4 5; do
	dd if=/dev/urandom of=/dev/ram$i bs=1M count=9 oflag=direct status=none
done
ec_wipe 16 0 1 2 3 4 5
t0=$(now)
ec_create s "$P2 0 $D6"
tap $? "4+2/8: create over garbage without nosync"
diag "just after create: $(ec_status s)"
ec_wait_sync s 300
tap $? "initial resync finishes"
diag "resync took $(elapsed "$t0") s: $(ec_status s)"
is "$(ec_health s)" AAAAAA "every member A after the resync"
dmsetup message ect_s 0 check && ec_wait_idle s 300
tap $? "check runs"
is "$(ec_mismatch s)" 0 "check after the initial resync: no mismatch"
rm -f "$REF"
dd if="$(vol s)" of="$REF" bs=1M iflag=direct status=none
tap $? "read the volume (reference)"
ec_remove s
sweep_out=$(ecpy sweep --name ect_sweep --prefix "$P2 0" --ref "$REF" \
	--sets "0;1;2;3;4;5;0,1;0,2;0,3;0,4;0,5;1,2;1,3;1,4;1,5;2,3;2,4;2,5;3,4;3,5;4,5" \
	$(for i in 0 1 2 3 4 5; do printf '%s=/dev/ram%d ' "${MEM[$i]}" "$i"; done))
tap $? "after the resync every 1- and 2-member failure set reads the same data" \
	"$(grep -v "^ok" <<<"$sweep_out")"

# --- 4. check and repair a corrupted parity chunk -----------------------------------
# Stripe 0: data blocks 0..3 on members 0..3, parity blocks 4, 5 on members
# 4, 5, at member sector 8192.
ec_create s "$P2 0 $D6"
dd if=/dev/urandom of=/dev/ram4 bs=4096 count=1 seek=$((EC_DATA_OFFSET / 8)) oflag=direct status=none
tap $? "corrupt the first parity chunk of stripe 0 (member 4)"
ecpy verify "$(vol s)" "$REF"
tap $? "data still reads back (parity is not read when healthy)"
dmsetup message ect_s 0 check && ec_wait_idle s 300
tap $? "check runs"
mm=$(ec_mismatch s)
[ "$mm" -gt 0 ] 2>/dev/null
tap $? "check counts the mismatch (mismatch_cnt $mm)"
dmsetup message ect_s 0 repair && ec_wait_idle s 300
tap $? "repair runs"
dmsetup message ect_s 0 check && ec_wait_idle s 300
is "$(ec_mismatch s)" 0 "check after repair: no mismatch"
ec_reload s "$P2 0 $(ec_devs "0 1" 0 1 2 3 4 5)"
tap $? "reload with members 0 and 1 missing (stripe 0 needs both parities)"
ecpy verify "$(vol s)" "$REF"
tap $? "reads back identical: the repaired parity is right"
ec_remove s

ec_cleanup
tap_done
