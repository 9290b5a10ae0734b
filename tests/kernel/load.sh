# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/kernel/load.sh - fio verify load for t_rebuild.sh and t_load.sh
# (sourced after lib.sh).
#
# load_start runs fio passes back to back in the background until
# load_stop: each pass is a random 4 KiB O_DIRECT write of the whole
# region with crc32c verify headers, then fio's own read-back verify of
# it, with a new seed each pass. load_stop waits for the pass in progress,
# checks every pass and leaves the seed of the last one in LOAD_SEED, so
# that `fio_verify_only DEV SEED SIZE` can check the volume afterwards.

LOAD_PID=
LOAD_DIR=
LOAD_SEED=
LOAD_PASSES=0
LOAD_T0=

# fio_args DEV SEED SIZE [SPAN]: one write + verify pass: SIZE bytes in
# 4 KiB blocks at random places of the first SPAN (default SIZE) of DEV,
# each block at most once
fio_args() {
	echo --name=v --filename="$1" --rw=randwrite --bs=4k \
		--ioengine=libaio --iodepth=8 --direct=1 --size="${4:-$3}" \
		--io_size="$3" --verify=crc32c --verify_fatal=1 \
		--randseed="$2" --verify_state_save=0 --output-format=normal
}

# fio_bad_data LOG: fio found data that is not what it wrote
fio_bad_data() {
	grep -qiE 'verify.*(bad|fail)|bad (magic|header)|crc32c.*(wanted|fail)' "$1"
}

# fio_verify_only DEV SEED SIZE [SPAN]: read back and check a pass
fio_verify_only() {
	local log=$EC_TMP/fio.vo rc
	# never let fio make a regular file where the volume should be
	[ -b "$1" ] || { diag "$1 is not a block device"; return 1; }
	# shellcheck disable=SC2046
	fio $(fio_args "$@") --verify_only >"$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] && fio_ok "$log" && return 0
	diag "fio --verify_only exit $rc"
	grep -iE 'err=|verify|error' "$log" | head -5 | sed 's/^/#   /'
	return 1
}

# load_start DEV SIZE SEED0 [SPAN]: fio passes (see fio_args) in the
# background, seeds SEED0, SEED0 + 1, ...
load_start() {
	local dev=$1 size=$2 seed0=$3 span=${4:-$2}
	[ -b "$dev" ] || { diag "$dev is not a block device"; return 1; }
	LOAD_DIR=$EC_TMP/load.$seed0
	rm -rf "$LOAD_DIR"
	mkdir -p "$LOAD_DIR"
	LOAD_T0=$(now)
	(
		i=0
		while :; do
			s=$((seed0 + i))
			# shellcheck disable=SC2046
			fio $(fio_args "$dev" "$s" "$size" "$span") >"$LOAD_DIR/pass.$i" 2>&1
			echo "$i $s $?" >>"$LOAD_DIR/rc"
			i=$((i + 1))
			[ -e "$LOAD_DIR/stop" ] && break
		done
	) &
	LOAD_PID=$!
	EC_BG_PIDS+=("$LOAD_PID")
}

# load_running: the load loop is alive
load_running() { [ -n "$LOAD_PID" ] && kill -0 "$LOAD_PID" 2>/dev/null; }

# load_stop DESC: let the pass in progress finish, then one TAP result:
# every pass exited 0 and reported no error. Sets LOAD_SEED (last pass)
# and LOAD_PASSES.
load_stop() {
	local desc=$1 bad="" i s rc
	[ -n "$LOAD_PID" ] || { not_ok "$desc" "no load running"; return 1; }
	touch "$LOAD_DIR/stop"
	wait "$LOAD_PID"
	EC_BG_PIDS=("${EC_BG_PIDS[@]/$LOAD_PID}")
	LOAD_PID=
	LOAD_PASSES=0
	LOAD_SEED=
	while read -r i s rc; do
		LOAD_PASSES=$((LOAD_PASSES + 1))
		LOAD_SEED=$s
		if [ "$rc" -ne 0 ] || ! fio_ok "$LOAD_DIR/pass.$i"; then
			bad+=" $i(exit $rc)"
		fi
	done <"$LOAD_DIR/rc"
	if [ -z "$bad" ] && [ "$LOAD_PASSES" -gt 0 ]; then
		ok "$desc ($LOAD_PASSES passes in $(elapsed "$LOAD_T0") s)"
		return 0
	fi
	not_ok "$desc" "passes: $LOAD_PASSES, failed:$bad"
	for i in $bad; do
		grep -iE 'err=|verify|error' "$LOAD_DIR/pass.${i%%(*}" 2>/dev/null | head -4 |
			sed 's/^/#     /'
	done
	return 1
}

# load_kill: at exit, stop the loop and the fio it runs
load_kill() {
	[ -n "$LOAD_PID" ] || return 0
	touch "$LOAD_DIR/stop" 2>/dev/null
	pkill -P "$LOAD_PID" fio 2>/dev/null
	kill "$LOAD_PID" 2>/dev/null
	wait "$LOAD_PID" 2>/dev/null
	LOAD_PID=
}

# wait_for DESC TIMEOUT CMD...: poll CMD every 0.2 s until it succeeds;
# returns 1 (with a diagnostic) on timeout
wait_for() {
	local desc=$1 tmo=$2 t0
	shift 2
	t0=$(now)
	until "$@"; do
		if [ "$(elapsed "$t0")" -ge "$tmo" ]; then
			diag "timeout ($tmo s) waiting for $desc"
			return 1
		fi
		sleep 0.2
	done
}

# health_is NAME IDX CHAR: member IDX of volume NAME shows CHAR
health_is() {
	local h
	h=$(ec_health "$1")
	[ "${h:$2:1}" = "$3" ]
}

# sync_past NAME PERCENT: the running sync has done at least PERCENT
sync_past() {
	local st
	st=$(ec_field "$1" 5)
	[ "${st#*/}" -gt 0 ] 2>/dev/null &&
		[ $(( ${st%/*} * 100 / ${st#*/} )) -ge "$2" ]
}

# hung_task_setup SECS / hung_task_restore: a low hung-task timeout for
# the script, so that a task stuck in D state is reported within the run
HUNG_OLD=
hung_task_setup() {
	local f=/proc/sys/kernel/hung_task_timeout_secs
	[ -w $f ] || { diag "no $f: hung tasks are not detected"; return 0; }
	HUNG_OLD=$(cat $f)
	echo "$1" >$f
}
hung_task_restore() {
	[ -n "$HUNG_OLD" ] && echo "$HUNG_OLD" >/proc/sys/kernel/hung_task_timeout_secs
	HUNG_OLD=
}

# no_hung_tasks DESC: the kernel log has no hung-task report
no_hung_tasks() {
	local l
	l=$(dmesg | grep -E 'blocked for more than|hung_task' | head -3)
	[ -z "$l" ]
	tap $? "$1" "$l"
}
