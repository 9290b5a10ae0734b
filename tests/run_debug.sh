#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run_debug.sh - the kernel tests in the x86_64 VM on the debug
# kernel (make debug-kernel: KASAN, KFENCE, UBSAN, lockdep,
# DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, fault injection) with dm-ec.ko built
# against it (make module-debug). Called by `make check-debug`; not part
# of `make check`. A script fails on its own assertions or on any report
# in the kernel log (tests/vm/run.sh, DMESG_BAD). Ends with
# "N passed, N failed".
#
# env: EC_TESTS="t_table t_data" picks the scripts (default: those of
#      make check, from tests/run_tests.sh); EC_FULL=1 their long
#      variants; EC_DEBUG_TIMEOUT the whole VM's limit in seconds (default
#      28800: the debug kernel runs the suite several times slower).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=$ROOT/build
LOG=$B/test-logs
mkdir -p "$LOG"
K=$B/debug-kernel
KO=$B/debug-mod/dm-ec.ko
[ -s "$K/bzImage" ] || { echo "no debug kernel: make debug-kernel" >&2; exit 2; }
[ -f "$KO" ] || { echo "no $KO: make module-debug" >&2; exit 2; }

# The scripts of make check unless EC_TESTS names others (one list, in
# tests/run_tests.sh).
default=$(sed -n 's/^for t in ${EC_TESTS:-\(.*\)}; do$/\1/p' tests/run_tests.sh)
[ -n "$default" ] || { echo "no script list in tests/run_tests.sh" >&2; exit 2; }
scripts=()
for t in ${EC_TESTS:-$default}; do
	[ -f "tests/kernel/$t.sh" ] && scripts+=("tests/kernel/$t.sh")
done
tmo=${EC_DEBUG_TIMEOUT:-28800}
echo "# debug kernel $(cat "$K/kver"), ${#scripts[@]} scripts"
# preempt=full: more interleavings than Debian's voluntary preemption,
# and sleeping in atomic context is caught everywhere.
# slub_debug=U: allocation sites, which t_fuzz's slab check needs to take
# kernel threads out.
tests/vm/run.sh --kernel "$K" --ko "$KO" --append "preempt=full slub_debug=U" --timeout "$tmo" \
	--script-timeout $((tmo / 2)) "${scripts[@]}" >"$LOG/vm-debug.log" 2>&1
grep -E '^(ok|not ok) |^# dmesg: ' "$LOG/vm-debug.log"
pass=$(grep -c '^ok ' "$LOG/vm-debug.log")
fail=$(grep -c '^not ok ' "$LOG/vm-debug.log")
[ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && fail=1
echo "# log: $LOG/vm-debug.log, $(tail -1 "$LOG/vm-debug.log")"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
