#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_rebuild.sh - replacing members under load, and a rebuild that is
# interrupted and resumes from its checkpoint.
#
# 1. Replace under load: fio write + verify passes run back to back on a
#    10+4 volume; two members are swapped for dm-error under them
#    (`ecctl status` exits 3), then `ecctl replace ... --wait` puts a new
#    device in each slot while fio keeps running. fio sees no error, every
#    member ends A, `ecctl status` exits 0, fio's --verify_only passes, and
#    the data also verifies with four *other* members missing (so the two
#    rebuilt members must be right).
# 2. Interrupted rebuild: a member is replaced and rebuilt slowly
#    (max_rebuild_rate); partway the volume is removed and created again
#    from the same members, once with the same table ("rebuild <idx>") and
#    once with no rebuild option (the superblocks say so). Each time the
#    rebuild must resume where the superblocks' rebuild_cp says (the kernel
#    log's start sector equals it, progress is > 0 at once), then finish;
#    the data verifies with four other members missing.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"
ec_require_vm
trap 'load_kill; hung_task_restore; ec_cleanup quiet' EXIT
trap 'load_kill; hung_task_restore; ec_cleanup quiet; exit 1' INT TERM

command -v fio >/dev/null || die "fio not installed"
E=${ECCTL:-$EC_ROOT/build/user/ecctl}
[ -x "$E" ] || die "$E not built (make user)"

FULL=${EC_FULL:-0}
K=10 M=4 C=128
# per member data area: 8 MiB in part 1, 4 MiB in part 2 (twice that
# under EC_FULL)
PER=$(( (FULL == 1 ? 16 : 8) * 2048 ))
PER2=$(( (FULL == 1 ? 8 : 4) * 2048 ))
LEN=$((K * PER))
PREFIX="0 $LEN ec $K $M $C"
# each fio pass: 4 MiB (16) of 4 KiB writes spread over the volume
LOAD_SIZE=${EC_LOAD_SIZE:-$([ "$FULL" = 1 ] && echo 16M || echo 4M)}
SPAN=$((LEN / 2048))M
# part 2: one 64 KiB slice every 2 s while the rebuild is interrupted
# (the steps between interruptions take long in a loaded TCG VM)
RATE=32

ec_setup 16 $((EC_DATA_OFFSET + PER))
hung_task_setup 20
diag "volume $((LEN / 2048)) MiB, fio passes of $LOAD_SIZE over $SPAN, rebuild rate $RATE KiB/s"

slots_reset 14

# verify_missing NAME SEED SIZE MISSING DESC: reload NAME with the slots in
# MISSING given as "-", fio --verify_only, reload with them back (those
# slots are then stale: the caller removes the volume)
verify_missing() {
	local name=$1 seed=$2 size=$3 miss=$4
	ec_reload "$name" "$PREFIX 0 $(slot_devs "$miss")"
	tap $? "$5: reload with slots ${miss% } missing" || return 1
	fio_verify_only "$(vol "$name")" "$seed" "$size" "$SPAN"
	tap $? "$5: data verifies with slots ${miss% } missing"
}

# ecctl_rc NAME: exit status of `ecctl status NAME`
ecctl_rc() {
	"$E" status "ect_$1" >"$EC_TMP/ecctl.out" 2>&1
	echo $?
}

# ====================================================================
# 1. Replace under load
T0=$(now)
ec_create r "$PREFIX 1 nosync $(slot_devs "")"
tap $? "replace: create $((LEN / 2048)) MiB 10+4 volume (chunk $C)" || die "cannot go on"
is "$(ecctl_rc r)" 0 "replace: ecctl status exits 0 when healthy"

load_start "$(vol r)" "$LOAD_SIZE" 300 "$SPAN"
sleep 2
load_running
tap $? "replace: fio load running"
member_set_error 3
tap $? "replace: member 3 swapped for dm-error under load"
sleep 1
member_set_error 8
tap $? "replace: member 8 swapped for dm-error under load"
wait_for "members 3 and 8 D" 60 eval 'health_is r 3 D && health_is r 8 D'
tap $? "replace: members 3 and 8 are D ($(ec_health r))"
is "$(ecctl_rc r)" 3 "replace: ecctl status exits 3 (degraded)"
grep -q "degraded" "$EC_TMP/ecctl.out"
tap $? "replace: ecctl status says degraded" "$(grep state: "$EC_TMP/ecctl.out")"

t=$(now)
id=$(kmsg_mark)
"$E" replace ect_r 3 "${MEM[14]}" --wait >"$EC_TMP/rep1" 2>&1
tap $? "replace: ecctl replace ect_r 3 ${MEM[14]} --wait, under load ($(elapsed "$t") s)" \
	"$(tail -3 "$EC_TMP/rep1")"
SLOT[3]=${MEM[14]}
kmsg_since "$id" | grep -q ': rebuild finished'
tap $? "replace: the kernel log shows the rebuild of slot 3 finished"
load_running
tap $? "replace: fio still running after the first rebuild"
is "$(ec_health r)" AAAAAAAADAAAAA "replace: slot 3 rebuilt, 8 still D"
is "$(ecctl_rc r)" 3 "replace: ecctl status still exits 3"
t=$(now)
id=$(kmsg_mark)
"$E" replace ect_r "${MEM[8]}" "${MEM[15]}" --wait >"$EC_TMP/rep2" 2>&1
tap $? "replace: ecctl replace ect_r ${MEM[8]} ${MEM[15]} --wait, under load ($(elapsed "$t") s)" \
	"$(tail -3 "$EC_TMP/rep2")"
SLOT[8]=${MEM[15]}
kmsg_since "$id" | grep -q ': rebuild finished'
tap $? "replace: the kernel log shows the rebuild of slot 8 finished"
load_running
tap $? "replace: fio still running after the second rebuild"
is "$(ec_health r)" AAAAAAAAAAAAAA "replace: every member A"
is "$(ecctl_rc r)" 0 "replace: ecctl status exits 0 again"
like "$(dmsetup table ect_r)" "^0 $LEN ec $K $M $C 1 nosync( [0-9]+:[0-9]+){14}$" \
	"replace: table has the new devices and no rebuild option left"
load_stop "replace: every fio pass under the failures and rebuilds reports no error"
[ "$LOAD_PASSES" -ge 2 ]
tap $? "replace: the load spanned more than one pass ($LOAD_PASSES)"
fio_verify_only "$(vol r)" "$LOAD_SEED" "$LOAD_SIZE" "$SPAN"
tap $? "replace: fio --verify_only of the last pass"
dmsetup message ect_r 0 check && ec_wait_idle r 300
is "$(ec_mismatch r)" 0 "replace: check finds parity consistent"
verify_missing r "$LOAD_SEED" "$LOAD_SIZE" "$(slot_others 31 4 3 8)" "replace"
ec_remove r
tap $? "replace: remove the volume"
member_set_linear 3 && member_set_linear 8
diag "replace under load: $(elapsed "$T0") s"

# ====================================================================
# 2. Interrupted rebuild
T0=$(now)
LEN=$((K * PER2))
PREFIX="0 $LEN ec $K $M $C"
ec_wipe_for "$LEN" $K $C $(seq 0 15) || die "cannot wipe the members"
slots_reset 14
X=5
ec_create b "$PREFIX 3 nosync max_rebuild_rate $RATE $(slot_devs "")"
tap $? "interrupt: create the volume (max_rebuild_rate $RATE)" || die "cannot go on"
fio --name=f --filename="$(vol b)" --rw=write --bs=1M --ioengine=libaio \
	--iodepth=4 --direct=1 --size=$((LEN / 2048))M --verify=crc32c \
	--do_verify=0 --randseed=77 >"$EC_TMP/fill" 2>&1
tap $? "interrupt: fill the volume with fio (crc32c headers)"
FILL=$((LEN / 2048))M
dmsetup message ect_b 0 fail $X
tap $? "interrupt: fail member $X"
SLOT[X]=${MEM[14]}
ec_reload b "$PREFIX 5 rebuild $X nosync max_rebuild_rate $RATE $(slot_devs "")"
tap $? "interrupt: a new device in slot $X, rebuild $X"

# sb_field DEV KEY: a field of DEV's superblock
sb_field() {
	local out
	out=$(ecpy sb-dump "$1") || return 1
	awk -F= -v k="$2" '$1 == k { print $2 }' <<<"$out"
}

# newest_cp: rebuild_cp of the superblock with the highest event count
# among the volume's members (what a load goes by)
newest_cp() {
	local i ev best=-1 cp=
	for i in "${!SLOT[@]}"; do
		ev=$(sb_field "${SLOT[$i]}" events)
		if [ "$ev" -gt "$best" ]; then
			best=$ev
			cp=$(sb_field "${SLOT[$i]}" rebuild_cp)
		fi
	done
	echo "$cp"
}

# interrupt PCT HOW: wait until the rebuild is past PCT %, stop the
# volume, check the checkpoint, create it again and check that the
# rebuild resumes there. HOW: "same" (remove, the same table), "plain"
# (remove, a table without the rebuild option: the superblocks say it),
# "cut" (a power cut: the superblocks as they are on the members at a
# moment after a periodic checkpoint are put back after the removal).
LASTCP=0
interrupt() {
	local pct=$1 how=$2 tbl st done0 cp total start id sbx
	wait_for "rebuild past $pct%" 120 sync_past b "$pct"
	tap $? "interrupt ($how): rebuild of $X past $pct% ($(ec_status b))"
	tbl=$(dmsetup table ect_b)
	[ "$how" = same ] &&
		like "$tbl" " rebuild $X " "interrupt ($how): the table names rebuild $X while it runs"
	if [ "$how" = cut ]; then
		wait_for "a periodic checkpoint past $LASTCP" 30 \
			eval '[ "$(sb_field "${MEM[0]}" rebuild_cp)" -gt "$LASTCP" ]'
		tap $? "interrupt ($how): a periodic checkpoint past $LASTCP reaches the superblocks"
		ecpy meta-save --sectors 16 "$EC_TMP/cut" $(slot_devs "")
		tap $? "interrupt ($how): copy the superblocks of the live volume"
	fi
	st=$(ec_field b 5)
	done0=${st%/*}
	total=${st#*/}
	ec_remove b
	tap $? "interrupt ($how): remove the volume at $done0/$total"
	if [ "$how" = cut ]; then
		ecpy meta-restore "$EC_TMP/cut" $(slot_devs "")
		tap $? "interrupt ($how): put the copied superblocks back"
		done0=$LASTCP
	fi
	cp=$(newest_cp)
	sbx=$(sb_field "${MEM[14]}" rebuild_cp)
	st=$(sb_field "${MEM[0]}" member_state)
	is "${st:$((2 * X)):2}" 02 "interrupt ($how): superblocks record member $X as rebuilding"
	[ "$how" = cut ] || is "$sbx" "$cp" "interrupt ($how): the new member's superblock has the same checkpoint"
	[ -n "$cp" ] && [ "$cp" -ge "$done0" ] && [ "$cp" -gt "$LASTCP" ] && [ "$cp" -lt "$total" ]
	tap $? "interrupt ($how): checkpoint $cp in [$done0, $total) and past the last ($LASTCP)"
	if [ "$how" = same ]; then
		tbl=${tbl#"0 $LEN ec "}
	else
		tbl="$K $M $C 3 nosync max_rebuild_rate $RATE $(slot_devs "")"
	fi
	id=$(kmsg_mark)
	ec_create b "0 $LEN ec $tbl"
	tap $? "interrupt ($how): create again: $tbl"
	wait_for "rebuild to run" 30 eval '[ "$(ec_action b)" = rebuild ]'
	st=$(ec_field b 5)
	[ "${st%/*}" -gt 0 ] && [ "${st%/*}" -ge "$cp" ]
	tap $? "interrupt ($how): progress right after the restart ($st) is > 0 and >= $cp"
	health_is b $X a
	tap $? "interrupt ($how): member $X is a ($(ec_health b))"
	start=$(kmsg_since "$id" | sed -n 's/.*: rebuild started at sector \([0-9]*\) of.*/\1/p' | head -1)
	is "$start" "$cp" "interrupt ($how): the kernel log says the rebuild restarted at the checkpoint"
	if [ "$how" = cut ]; then
		kmsg_since "$id" | grep -q 'not shut down cleanly'
		tap $? "interrupt ($how): the kernel log notes the unclean shutdown"
	fi
	LASTCP=$cp
}
interrupt 5 same
interrupt 10 plain
interrupt 10 cut
# the rest at full speed
ec_reload b "$PREFIX 1 nosync $(slot_devs "")"
tap $? "interrupt: reload without the rate limit"
ec_wait_sync b 300
tap $? "interrupt: rebuild finishes"
is "$(ec_health b)" AAAAAAAAAAAAAA "interrupt: every member A"
fio --name=f --filename="$(vol b)" --rw=write --bs=1M --ioengine=libaio \
	--iodepth=4 --direct=1 --size="$FILL" --verify=crc32c --verify_only \
	--randseed=77 >"$EC_TMP/fillv" 2>&1 && fio_ok "$EC_TMP/fillv"
tap $? "interrupt: the data verifies"
sets="$(slot_others 41 4 $X)"
[ "$FULL" = 1 ] && sets+=",$(slot_others 42 4 $X),$(slot_others 43 4 $X)"
IFS=, read -ra SETS <<<"$sets"
for miss in "${SETS[@]}"; do
	ec_reload b "$PREFIX 0 $(slot_devs "$miss")"
	tap $? "interrupt: reload with slots ${miss% } missing"
	fio --name=f --filename="$(vol b)" --rw=write --bs=1M --ioengine=libaio \
		--iodepth=4 --direct=1 --size="$FILL" --verify=crc32c --verify_only \
		--randseed=77 >"$EC_TMP/fillv" 2>&1 && fio_ok "$EC_TMP/fillv"
	tap $? "interrupt: data verifies with slots ${miss% } missing (needs the rebuilt member $X)"
	[ "$miss" = "${SETS[-1]}" ] && break
	# They come back stale (the superblocks say missing): rebuilt.
	ec_reload b "$PREFIX 0 $(slot_devs "")" && ec_wait_sync b 300
	tap $? "interrupt: slots ${miss% } back and rebuilt ($(ec_health b))"
done
ec_remove b
tap $? "interrupt: remove the volume"
diag "interrupted rebuild: $(elapsed "$T0") s"

no_hung_tasks "no hung task reported (hung_task_timeout_secs 20)"
hung_task_restore
ec_cleanup
tap_done
