# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/vm/follow.sh - sourced by tests/demo.sh and tests/perf/bench_vm.sh:
# boot the test VM with one guest script and show that script's output
# live on the terminal while it runs.
#
#   vm_follow OUT run.sh-ARGS... GUEST_SCRIPT
#	runs tests/vm/run.sh with those arguments, its own output into the
#	file OUT; prints "(VM logs: DIR)" and then the guest script's output
#	as it grows. Sets VM_RC (run.sh's exit status), VM_LOGDIR and
#	VM_GUEST_OUT (the guest output file, empty if it never appeared).
#   vm_verdict OUT GUEST_SCRIPT
#	the runner's summary lines (the guest output is already shown), or
#	all of OUT when there was no guest output to follow.
#
# The caller's EXIT trap should kill "$VM_PID" if it is set.

VM_PID=
VM_RC=
VM_LOGDIR=
VM_GUEST_OUT=

vm_follow() {
	local out=$1 tailpid=
	shift
	tests/vm/run.sh "$@" >"$out" 2>&1 &
	VM_PID=$!
	VM_LOGDIR=
	VM_GUEST_OUT=
	# The runner names its log directory before it starts QEMU; the
	# guest's output file appears there when the script starts.
	for _ in $(seq 1 600); do
		VM_LOGDIR=$(sed -n 's/^# vm: .*logs in \(.*\)$/\1/p' "$out" | head -1)
		[ -n "$VM_LOGDIR" ] && break
		kill -0 "$VM_PID" 2>/dev/null || break
		sleep 0.2
	done
	if [ -n "$VM_LOGDIR" ]; then
		echo "(VM logs: $VM_LOGDIR)"
		VM_GUEST_OUT=$ROOT/$VM_LOGDIR/guest/1.out
		for _ in $(seq 1 600); do
			[ -e "$VM_GUEST_OUT" ] && break
			kill -0 "$VM_PID" 2>/dev/null || break
			sleep 0.5
		done
		if [ -e "$VM_GUEST_OUT" ]; then
			tail -n +1 -F "$VM_GUEST_OUT" 2>/dev/null &
			tailpid=$!
		else
			VM_GUEST_OUT=
		fi
	fi
	wait "$VM_PID"
	VM_RC=$?
	VM_PID=
	sleep 1
	[ -n "$tailpid" ] && kill "$tailpid" 2>/dev/null && wait "$tailpid" 2>/dev/null
	return 0
}

vm_verdict() {
	local out=$1 script=$2
	echo
	if [ -z "$VM_GUEST_OUT" ]; then
		cat "$out"
	else
		grep -v '^# ' "$out" | grep -v '^1\.\.' || true
		grep -E "^# (dmesg|console|vm|$script):" "$out" || true
	fi
}
