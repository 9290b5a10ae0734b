#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run_tests.sh - every dm-ec test: static checks of the module
# (W=1, checkpatch, sparse), the userspace codec tests, the build and
# install (make install, DKMS) tests, the kernel tests in
# the x86_64 VM (slub_debug on) and the module in the arm64 VM. Called by
# `make check` (after the build). Prints TAP-ish lines as it goes and ends
# with "N passed, N failed" alone on the last line.
#
# env: EC_FULL=1 (make check-full) runs the long variants;
#      EC_TESTS="t_table t_data" limits the VM tests to those scripts.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=$ROOT/build
LOG=$B/test-logs
mkdir -p "$LOG"
pass=0
fail=0
failed=()

result() {	# result <ok 0|1> <name>
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		failed+=("$2")
		echo "not ok - $2"
	fi
}

# Count the TAP results of a component's output file: top-level and nested
# "ok"/"not ok" lines of subtests, as printed by kselftest and tests/vm.
count_tap() {	# count_tap <file> <prefix>
	local line name
	while IFS= read -r line; do
		case $line in
		"ok "*|"#   ok "*|"# ok "*)
			name=${line#*ok }
			result 0 "$2: $name" ;;
		"not ok "*|"#   not ok "*|"# not ok "*)
			name=${line#*not ok }
			result 1 "$2: $name" ;;
		esac
	done < "$1"
}

section() { echo "# ---- $* ----"; }

# 1. Static checks of the kernel code.
section "static checks"
scripts/static_checks.sh > "$LOG/static.log" 2>&1
count_tap "$LOG/static.log" static

# 2. Userspace: codec, libec and golden corpus (kselftest harness).
section "userspace codec tests"
tests/codec/run.sh > "$LOG/codec.log" 2>&1
grep -E '^(ok|not ok) ' "$LOG/codec.log" > "$LOG/codec.top" || true
count_tap "$LOG/codec.top" codec
grep -E '^# +(ok|not ok) ' "$LOG/codec.log" | sed 's/^# *//' > "$LOG/codec.sub" || true
count_tap "$LOG/codec.sub" codec

# 2b. ecctl's input handling on the host (crafted member images, numbers,
# netlink replies, JSON), ASan/UBSan build.
section "ecctl input tests (host)"
tests/user/t_ecctl_input.sh > "$LOG/ecctl-input.log" 2>&1
grep -E '^(ok|not ok) ' "$LOG/ecctl-input.log" > "$LOG/ecctl-input.top" || true
count_tap "$LOG/ecctl-input.top" ecctl-input
[ -s "$LOG/ecctl-input.top" ] || result 1 "ecctl-input: no results (see $LOG/ecctl-input.log)"

# 2c. A server's build: make's rules name no test dependency, make
# install/uninstall DESTDIR=, libec.pc, dkms build, and the DKMS-built
# module loaded in the VM (one short boot).
section "build, install and DKMS (host; smoke test in the VM)"
tests/build/t_install.sh --vm > "$LOG/install.log" 2>&1
grep -E '^(ok|not ok) ' "$LOG/install.log" > "$LOG/install.top" || true
count_tap "$LOG/install.top" install
[ -s "$LOG/install.top" ] || result 1 "install: no results (see $LOG/install.log)"

# 3. Kernel tests in the x86_64 VM, one boot, slub_debug on.
section "kernel tests (x86_64 VM)"
scripts=()
for t in ${EC_TESTS:-t_codec t_table t_data t_degraded t_fault t_fs t_crash t_ppl t_discard t_ecctl t_assemble t_netlink t_fuzz t_metafuzz t_rebuild t_load t_replay t_powercut t_harden_user t_harden_io t_harden_state t_harden_meta t_initsync_cut t_mempress t_lvm t_udev t_lifecycle t_monitor t_admin}; do
	[ -f "tests/kernel/$t.sh" ] && scripts+=("tests/kernel/$t.sh")
done
if [ ${#scripts[@]} -gt 0 ]; then
	# EC_FULL: 10^5 fuzz inputs, 3000 metadata fuzz rounds, 1,016 crash
	# points (t_replay alone about 1 h in the TCG VM), longer runs
	vm_tmo=(--timeout 4800 --script-timeout 1500)
	[ "${EC_FULL:-0}" = 1 ] && vm_tmo=(--timeout 21600 --script-timeout 7200)
	EC_FULL=${EC_FULL:-0} tests/vm/run.sh --slub-debug "${vm_tmo[@]}" \
		"${scripts[@]}" > "$LOG/vm-x86.log" 2>&1
	count_tap "$LOG/vm-x86.log" vm
fi

# 4. The arm64 module in the arm64 VM: loads, self-test, NEON selected.
section "arm64 VM"
if [ -f "$B/arm64-mod/dm-ec.ko" ]; then
	tests/vm/run.sh --arch arm64 --ko "$B/arm64-mod/dm-ec.ko" \
		tests/kernel/arm64_module.sh > "$LOG/vm-arm64.log" 2>&1
	count_tap "$LOG/vm-arm64.log" arm64
else
	result 1 "arm64: module was not built ($B/arm64-mod/dm-ec.ko)"
fi

if [ $fail -gt 0 ]; then
	echo "# failed:"
	printf '#   %s\n' "${failed[@]}"
	echo "# logs: $LOG"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
