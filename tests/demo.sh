#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/demo.sh - `make demo`: boot the test VM (tests/vm/run.sh) and run
# tests/demo_guest.sh in it, showing its narration live. Builds nothing
# (make has built dm-ec.ko already) and loads nothing into the host kernel.
# Exit status: 0 when every verification of the demo passed.
#
# Environment: DEMO_MEM (VM memory, default 2G), DEMO_TIMEOUT (seconds,
# default 600).

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

[ -f dm-ec.ko ] || { echo "demo: dm-ec.ko not built (run 'make demo')" >&2; exit 1; }

echo "dm-ec demo: booting a QEMU VM (TCG: no KVM needed, nothing loaded into this kernel);"
echo "the guest narrates below. Takes 2-4 minutes."

out=$(mktemp)
trap 'rm -f "$out"; [ -n "${vmpid:-}" ] && kill "$vmpid" 2>/dev/null' EXIT
tests/vm/run.sh --mem "${DEMO_MEM:-2G}" --timeout "${DEMO_TIMEOUT:-600}" \
	--script-timeout "$(( ${DEMO_TIMEOUT:-600} - 60 ))" tests/demo_guest.sh >"$out" 2>&1 &
vmpid=$!

# The runner names its log directory before it starts QEMU; the guest's
# output file grows there while the script runs.
logdir=
for _ in $(seq 1 600); do
	logdir=$(sed -n 's/^# vm: .*logs in \(.*\)$/\1/p' "$out" | head -1)
	[ -n "$logdir" ] && break
	kill -0 "$vmpid" 2>/dev/null || break
	sleep 0.2
done
if [ -n "$logdir" ]; then
	echo "(VM logs: $logdir)"
	guest_out=$ROOT/$logdir/guest/1.out
	for _ in $(seq 1 300); do
		[ -e "$guest_out" ] && break
		kill -0 "$vmpid" 2>/dev/null || break
		sleep 0.5
	done
	if [ -e "$guest_out" ]; then
		tail -n +1 -F "$guest_out" 2>/dev/null &
		tailpid=$!
	fi
fi
wait "$vmpid"
rc=$?
vmpid=
sleep 1
[ -n "${tailpid:-}" ] && kill "$tailpid" 2>/dev/null && wait "$tailpid" 2>/dev/null

# The runner's verdict (its copy of the guest output is already shown).
echo
if [ -z "${guest_out:-}" ] || [ ! -e "$guest_out" ]; then
	cat "$out"
else
	grep -v '^# ' "$out" | grep -v '^1\.\.' || true
	grep -E '^# (dmesg|console|vm|tests/demo_guest.sh):' "$out" || true
fi
if [ "$rc" -eq 0 ]; then
	echo "make demo: PASSED"
else
	echo "make demo: FAILED (exit $rc); logs in ${logdir:-build/vm-logs/latest}"
fi
exit "$rc"
