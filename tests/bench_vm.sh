#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench_vm.sh - `make bench-vm`: dm-ec against dm-raid raid6 under
# fio, in one boot of the test VM (tests/vm/run.sh, QEMU TCG). The guest
# side is tests/bench_vm_guest.sh; its output is shown live and kept in
# build/bench-vm/<time>.txt, fio's JSON in the VM log directory.
#
# Environment: BENCH_MEM (VM memory, default 4G), BENCH_TIMEOUT (s, 1800).
# BENCH_RUNTIME, BENCH_SIZE_MIB and BENCH_EC4M are read by the guest
# script, which cannot see this environment: edit their defaults there.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
[ -f dm-ec.ko ] || { echo "bench-vm: dm-ec.ko not built (run 'make bench-vm')" >&2; exit 1; }

mkdir -p build/bench-vm
txt=build/bench-vm/$(date -u +%Y%m%d-%H%M%S).txt
out=$(mktemp)
trap 'rm -f "$out"; [ -n "${vmpid:-}" ] && kill "$vmpid" 2>/dev/null' EXIT

# The module is copied first: what is measured stays what is recorded even
# if dm-ec.ko is rebuilt while the VM runs.
ko=build/bench-vm/dm-ec.ko
cp dm-ec.ko "$ko"
{
	echo "bench-vm: $(date -u '+%Y-%m-%d %H:%M UTC'), dm-ec $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- kernel 2>/dev/null || echo '+local kernel/ changes'), module srcversion $(modinfo -F srcversion "$ko" 2>/dev/null) ($(date -u -r dm-ec.ko '+built %H:%M UTC'))"
	echo "host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
} | tee "$txt"

tests/vm/run.sh --ko "$ko" --mem "${BENCH_MEM:-4G}" --timeout "${BENCH_TIMEOUT:-1800}" \
	--script-timeout "$(( ${BENCH_TIMEOUT:-1800} - 60 ))" tests/bench_vm_guest.sh >"$out" 2>&1 &
vmpid=$!

logdir=
for _ in $(seq 1 600); do
	logdir=$(sed -n 's/^# vm: .*logs in \(.*\)$/\1/p' "$out" | head -1)
	[ -n "$logdir" ] && break
	kill -0 "$vmpid" 2>/dev/null || break
	sleep 0.2
done
guest_out=
if [ -n "$logdir" ]; then
	echo "(VM logs: $logdir)"
	guest_out=$ROOT/$logdir/guest/1.out
	for _ in $(seq 1 600); do
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

[ -n "$guest_out" ] && [ -e "$guest_out" ] && cat "$guest_out" >>"$txt"
echo
if [ -z "$guest_out" ] || [ ! -e "$guest_out" ]; then
	cat "$out"
else
	grep -v '^# ' "$out" | grep -v '^1\.\.' || true
	grep -E '^# (dmesg|console|vm|tests/bench_vm_guest.sh):' "$out" || true
fi
echo "host load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$txt"
echo "transcript: $txt"
exit "$rc"
