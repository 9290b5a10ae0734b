#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_load.sh - member faults under a running fio verify load.
#
# Each round creates a fresh 10+4 volume, runs fio write + verify passes
# back to back over it (tests/kernel/load.sh) and, while they run:
#   errors   member 2 swapped for dm-error, member 9 for dm-flakey failing
#            writes
#   slow     member 5 behind dm-delay (50 ms reads, 200 ms writes), then
#            back to normal
#   vanish   member 6, a scsi_debug disk, deleted (hot unplug); member 7
#            removed (dmsetup remove --force --deferred)
#   rebuild  member 1 fails and is replaced; during its (throttled)
#            rebuild member 4 and then member 10 fail
#   resync   a `resync` (throttled); during it member 12 fails
# and then checks: fio saw no error, the failed members are D and no other
# is, fio's --verify_only passes, and the data verifies with further members
# missing (4 in all). Last, `5th`: with 4 members lost a fifth fails under
# a reader and a writer: they get EIO, never wrong data, and nothing hangs.
# The hung-task timeout is 20 s for the whole script.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"
ec_require_vm

SD=			# scsi_debug disk, when loaded
sd_cleanup() {
	[ -d /sys/module/scsi_debug ] && rmmod scsi_debug 2>/dev/null
	SD=
}
# at exit: dm-delay too (ec_cleanup unloads dm-ec, dm-flakey and brd)
finally() {
	load_kill
	hung_task_restore
	ec_remove_all
	sd_cleanup
	ec_cleanup "$@"
	local rc=$?
	[ -d /sys/module/dm_delay ] && rmmod dm_delay
	return $rc
}
trap 'finally quiet' EXIT
trap 'finally quiet; exit 1' INT TERM

command -v fio >/dev/null || die "fio not installed"
E=${ECCTL:-$EC_ROOT/build/user/ecctl}
[ -x "$E" ] || die "$E not built (make user)"

FULL=${EC_FULL:-0}
K=10 M=4 C=128
PER=$(( (FULL == 1 ? 8 : 4) * 2048 ))	# member data area (sectors)
LEN=$((K * PER))
PREFIX="0 $LEN ec $K $M $C"
SPAN=$((LEN / 2048))M
LOAD_SIZE=${EC_LOAD_SIZE:-$([ "$FULL" = 1 ] && echo 8M || echo 2M)}
# throttled resync: about 15 s for a member; the rebuild would take
# 2 minutes (the limit is lifted once the third failure is in)
RATE=$((PER / 2 / 15))
RBRATE=$((PER / 2 / 120))
NLFUZZ=$EC_ROOT/build/tests/nlfuzz

ec_setup 15 $((EC_DATA_OFFSET + PER))
ec_modprobe dm-delay || diag "no dm-delay"
ec_modprobe dm-flakey || diag "no dm-flakey"
hung_task_setup 20
diag "volume $((LEN / 2048)) MiB, fio passes of $LOAD_SIZE over $SPAN, rate $RATE KiB/s"

# swapped I...: members I... are no longer plain dm-linear (see fresh)
SWAPPED=""
swapped() { SWAPPED+=" $*"; }

# fresh NAME OPTS...: every member back to a healthy dm-linear, zeroed
# where the volume lives, and a new volume with nosync and OPTS; slot 6 on
# $SD when it is set
fresh() {
	local name=$1 i
	shift
	for i in $SWAPPED; do
		if dmsetup info "ect_m$i" >/dev/null 2>&1; then
			member_set_linear "$i" || return 1
		else
			ec_member_create "$i" $((EC_DATA_OFFSET + PER)) || return 1
		fi
	done
	SWAPPED=""
	slots_reset 14
	ec_wipe_for "$LEN" $K $C $(seq 0 14) || return 1
	[ -n "$SD" ] && SLOT[6]=/dev/$SD
	local opts="nosync $*"
	ec_create "$name" "$PREFIX $(wc -w <<<"$opts") $opts $(slot_devs "")"
}

# degraded_as NAME DESC EXPECTED: health is EXPECTED (D/-/A per slot)
degraded_as() { is "$(ec_health "$1")" "$3" "$2: health $3"; }

# health_with D...: the health string with the slots D... failed
health_with() {
	local i s="" d=" $* "
	for i in "${!SLOT[@]}"; do
		if [[ $d == *" $i "* ]]; then s+=D; else s+=A; fi
	done
	echo "$s"
}

# finish NAME DESC FAILED...: stop the load and check it, then verify the
# last pass as it is and with more slots missing (4 lost in all)
finish() {
	local name=$1 desc=$2 miss
	shift 2
	load_stop "$desc: every fio pass reports no error"
	degraded_as "$name" "$desc" "$(health_with "$@")"
	miss="$* $(slot_others "$LOAD_SEED" $((4 - $#)) "$@")"
	ec_reload "$name" "$PREFIX 0 $(slot_devs "$miss")"
	tap $? "$desc: reload with slots $(tr ' ' '\n' <<<"$miss" | sort -n | tr '\n' ' ')missing"
	fio_verify_only "$(vol "$name")" "$LOAD_SEED" "$LOAD_SIZE" "$SPAN"
	tap $? "$desc: data verifies with 4 slots missing"
	ec_remove "$name"
	tap $? "$desc: remove the volume"
}

# under_load SEED DESC: start the load and give it a moment
under_load() {
	load_start "$(vol v)" "$LOAD_SIZE" "$1" "$SPAN"
	sleep 1
	load_running
	tap $? "$2: fio load running"
}

wait_d() {	# wait_d DESC SLOT...: until the slots are D
	local desc=$1 i
	shift
	for i in "$@"; do
		wait_for "slot $i D" 60 health_is v "$i" D || break
	done
	tap $? "$desc: slot(s) $* D ($(ec_health v))"
}

# ---- errors -------------------------------------------------------------
T0=$(now)
fresh v
tap $? "errors: fresh $((LEN / 2048)) MiB volume" || die "cannot go on"
under_load 400 errors
swapped 2 9
member_set_error 2
tap $? "errors: slot 2 swapped for dm-error"
member_set_flakey 9 1 1 error_writes
tap $? "errors: slot 9 swapped for dm-flakey error_writes (1 s up, 1 s down)"
wait_d errors 2 9
sleep 2
finish v errors 2 9
diag "errors: $(elapsed "$T0") s"

# ---- slow ---------------------------------------------------------------
T0=$(now)
fresh v
tap $? "slow: fresh volume"
under_load 410 slow
swapped 5
member_swap 5 "0 ${MEM_SECTORS[5]} delay /dev/ram5 0 50 /dev/ram5 0 200"
tap $? "slow: slot 5 behind dm-delay (reads 50 ms, writes 200 ms)"
sleep "$([ "$FULL" = 1 ] && echo 20 || echo 6)"
load_running
tap $? "slow: fio still running with the slow member"
member_set_linear 5
tap $? "slow: slot 5 back to full speed under load"
sleep 1
finish v slow
diag "slow: $(elapsed "$T0") s"

# ---- vanish -------------------------------------------------------------
T0=$(now)
SD=
if modprobe scsi_debug dev_size_mb=$(( (EC_DATA_OFFSET + PER) / 2048 + 1 )) add_host=1 num_tgts=1 \
	max_luns=1 2>/dev/null; then
	modprobe sd_mod 2>/dev/null
	for i in $(seq 1 50); do
		SD=$(ls /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block 2>/dev/null | head -1)
		[ -n "$SD" ] && break
		sleep 0.2
	done
	if [ -n "$SD" ]; then
		[ -b "/dev/$SD" ] || mknod "/dev/$SD" b $(tr ':' ' ' <"/sys/block/$SD/dev")
		dd if=/dev/zero of="/dev/$SD" bs=1M count=$(( (EC_DATA_OFFSET + PER) / 2048 )) \
			oflag=direct status=none
	fi
fi
fresh v
tap $? "vanish: fresh volume, slot 6 ${SD:+on scsi_debug /dev/$SD}"
under_load 420 vanish
vanished=""
if [ -n "$SD" ]; then
	echo 1 >"/sys/block/$SD/device/delete"
	tap $? "vanish: scsi_debug disk of slot 6 deleted under load"
	vanished+=" 6"
else
	skip "vanish: scsi_debug disk of slot 6 deleted under load" "no scsi_debug"
fi
swapped 7
dmsetup remove --force --deferred ect_m7 >/dev/null 2>&1
dmsetup table ect_m7 2>/dev/null | grep -q ' error'
tap $? "vanish: slot 7 removed (dmsetup remove --force --deferred: its I/O fails)"
vanished+=" 7"
wait_d vanish $vanished
sleep 2
# shellcheck disable=SC2086
finish v vanish $vanished
dmsetup info ect_m7 >/dev/null 2>&1
tap $((!$?)) "vanish: the removed slot 7 device is gone once the volume let go"
sd_cleanup
SD=
diag "vanish: $(elapsed "$T0") s"

# ---- failures during a rebuild ------------------------------------------
T0=$(now)
fresh v max_rebuild_rate $RBRATE
tap $? "rebuild: fresh volume (max_rebuild_rate $RBRATE)"
under_load 430 rebuild
swapped 1 4 10
member_set_error 1
tap $? "rebuild: slot 1 swapped for dm-error"
wait_d rebuild 1
SLOT[1]=${MEM[14]}
ec_reload v "$PREFIX 4 rebuild 1 max_rebuild_rate $RBRATE $(slot_devs "")"
tap $? "rebuild: a new device in slot 1, rebuilding under load"
wait_for "rebuild past 5%" 120 eval '[ "$(ec_action v)" = rebuild ] && sync_past v 5'
tap $? "rebuild: rebuild of slot 1 past 5% ($(ec_status v))"
member_set_error 4
tap $? "rebuild: a second failure: slot 4 swapped for dm-error"
wait_d rebuild 4
wait_for "rebuild past 10%" 120 sync_past v 10
tap $? "rebuild: rebuild past 10% ($(ec_status v))"
member_set_flakey 10 0 5
tap $? "rebuild: a third failure: slot 10 swapped for dm-flakey failing all I/O"
wait_d rebuild 10
[ "$(ec_action v)" = rebuild ] && health_is v 1 a
tap $? "rebuild: still rebuilding slot 1 ($(ec_status v))"
# the rest at full speed: netlink SET_REBUILD_RATE 0, or a reload
if [ -x "$NLFUZZ" ]; then
	"$NLFUZZ" rate ect_v 0 >/dev/null
else
	ec_reload v "$PREFIX 2 rebuild 1 $(slot_devs "")"
fi
tap $? "rebuild: rate limit lifted"
ec_wait_sync v 180
tap $? "rebuild: the rebuild of slot 1 finishes"
finish v rebuild 4 10
diag "rebuild: $(elapsed "$T0") s"

# ---- a failure during resync -------------------------------------------
T0=$(now)
fresh v max_rebuild_rate $RATE
tap $? "resync: fresh volume (max_rebuild_rate $RATE)"
under_load 440 resync
swapped 12
dmsetup message ect_v 0 resync
tap $? "resync: message resync under load"
wait_for "resync past 20%" 120 eval '[ "$(ec_action v)" = resync ] && sync_past v 20'
tap $? "resync: resync past 20% ($(ec_status v))"
member_set_error 12
tap $? "resync: slot 12 swapped for dm-error"
wait_d resync 12
wait_for "resync to end" 180 eval '[ "$(ec_action v)" = idle ]'
tap $? "resync: the resync ends ($(ec_status v))"
st=$(ec_field v 5)
is "${st%/*}" "${st#*/}" "resync: it went to the end"
finish v resync 12
diag "resync: $(elapsed "$T0") s"

# ---- a fifth failure -----------------------------------------------------
T0=$(now)
fresh v
tap $? "5th: fresh volume"
HALF=$((LEN / 2 / 2048))
# shellcheck disable=SC2046
fio $(fio_args "$(vol v)" 450 "$LOAD_SIZE" "${HALF}M") >"$EC_TMP/w5" 2>&1 && fio_ok "$EC_TMP/w5"
tap $? "5th: fio writes $LOAD_SIZE over the first half (crc32c headers)"
swapped 0 3 7 11 13
for i in 0 3 7 11; do member_set_error $i; done
tap $? "5th: slots 0 3 7 11 swapped for dm-error"
fio_verify_only "$(vol v)" 450 "$LOAD_SIZE" "${HALF}M"
tap $? "5th: data verifies with 4 members failing"
wait_d 5th 0 3 7 11
# a reader of the first half, a writer of the second, then the 5th failure
# (fio --loops would read other offsets in its second loop: the same
# verify_only run three times instead)
# shellcheck disable=SC2046
for i in 1 2 3; do
	timeout 300 fio $(fio_args "$(vol v)" 450 "$LOAD_SIZE" "${HALF}M") --verify_only \
		--verify_fatal=0 --continue_on_error=all
done >"$EC_TMP/r5" 2>&1 &
rp=$!
timeout 300 fio --name=w --filename="$(vol v)" --rw=randwrite --bs=4k \
	--ioengine=libaio --iodepth=8 --direct=1 --offset="${HALF}M" --size="${HALF}M" \
	--time_based --runtime=8 --continue_on_error=all >"$EC_TMP/ww5" 2>&1 &
wp=$!
EC_BG_PIDS+=("$rp" "$wp")
sleep 1
member_set_error 13
tap $? "5th: slot 13 swapped for dm-error under a reader and a writer"
wait "$rp"
rrc=$?
wait "$wp"
wrc=$?
EC_BG_PIDS=("${EC_BG_PIDS[@]/$rp}")
EC_BG_PIDS=("${EC_BG_PIDS[@]/$wp}")
[ $rrc -ne 124 ] && [ $wrc -ne 124 ]
tap $? "5th: reader and writer end (exit $rrc, $wrc)"
! fio_bad_data "$EC_TMP/r5"
tap $? "5th: the reader never got wrong data" "$(grep -iE 'verify|bad' "$EC_TMP/r5" | head -3)"
grep -qE 'Input/output error|err= *5|error=Input' "$EC_TMP/r5"
tap $? "5th: the reader got EIO" "$(grep -iE 'err' "$EC_TMP/r5" | head -3)"
grep -qE 'Input/output error|err= *5|error=Input' "$EC_TMP/ww5"
tap $? "5th: the writer got EIO" "$(grep -iE 'err' "$EC_TMP/ww5" | head -3)"
degraded_as v 5th "$(health_with 0 3 7 11 13)"
"$E" status ect_v >/dev/null 2>&1
is $? 4 "5th: ecctl status exits 4 (data lost)"
dd if="$(vol v)" of=/dev/null bs=1M iflag=direct status=none 2>/dev/null
tap $((!$?)) "5th: reading the whole volume fails"
dd if=/dev/zero of="$(vol v)" bs=4k count=1 oflag=direct status=none 2>/dev/null
tap $((!$?)) "5th: a write fails"
# shellcheck disable=SC2046
fio $(fio_args "$(vol v)" 450 "$LOAD_SIZE" "${HALF}M") --verify_only \
	--verify_fatal=0 --continue_on_error=all >"$EC_TMP/r5b" 2>&1
! fio_bad_data "$EC_TMP/r5b" && grep -qE 'Input/output error|err= *5' "$EC_TMP/r5b"
tap $? "5th: reading the first pass again: EIO, no wrong data"
ec_remove v
tap $? "5th: remove the volume"
diag "5th: $(elapsed "$T0") s"

no_hung_tasks "no hung task reported (hung_task_timeout_secs 20)"
finally
tap_done
