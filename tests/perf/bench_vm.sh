#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/perf/bench_vm.sh - `make bench-vm`: dm-ec against dm-raid raid6 under
# fio, in one boot of the test VM (tests/vm/run.sh, QEMU TCG). The guest
# side is tests/perf/bench_vm_guest.sh; its output is shown live and kept in
# build/bench-vm/<time>.txt, fio's JSON in the VM log directory.
#
# Environment: BENCH_MEM (VM memory, default 4G), BENCH_TIMEOUT (s, 1800).
# BENCH_RUNTIME, BENCH_SIZE_MIB and BENCH_EC4M are read by the guest
# script, which cannot see this environment: edit their defaults there.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
[ -f dm-ec.ko ] || { echo "bench-vm: dm-ec.ko not built (run 'make bench-vm')" >&2; exit 1; }

mkdir -p build/bench-vm
txt=build/bench-vm/$(date -u +%Y%m%d-%H%M%S).txt
# shellcheck source=tests/vm/follow.sh
. tests/vm/follow.sh
out=$(mktemp)
trap 'rm -f "$out"; [ -n "$VM_PID" ] && kill "$VM_PID" 2>/dev/null' EXIT

# The module is copied first: what is measured stays what is recorded even
# if dm-ec.ko is rebuilt while the VM runs.
ko=build/bench-vm/dm-ec.ko
cp dm-ec.ko "$ko"
{
	echo "bench-vm: $(date -u '+%Y-%m-%d %H:%M UTC'), dm-ec $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- kernel 2>/dev/null || echo '+local kernel/ changes'), module srcversion $(modinfo -F srcversion "$ko" 2>/dev/null) ($(date -u -r dm-ec.ko '+built %H:%M UTC'))"
	echo "host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
} | tee "$txt"

vm_follow "$out" --ko "$ko" --mem "${BENCH_MEM:-4G}" --timeout "${BENCH_TIMEOUT:-1800}" \
	--script-timeout "$(( ${BENCH_TIMEOUT:-1800} - 60 ))" tests/perf/bench_vm_guest.sh
rc=$VM_RC

[ -n "$VM_GUEST_OUT" ] && cat "$VM_GUEST_OUT" >>"$txt"
vm_verdict "$out" tests/perf/bench_vm_guest.sh
echo "host load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$txt"
echo "transcript: $txt"
exit "$rc"
