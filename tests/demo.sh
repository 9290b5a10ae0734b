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

# shellcheck source=tests/vm/follow.sh
. tests/vm/follow.sh
out=$(mktemp)
trap 'rm -f "$out"; [ -n "$VM_PID" ] && kill "$VM_PID" 2>/dev/null' EXIT
vm_follow "$out" --mem "${DEMO_MEM:-2G}" --timeout "${DEMO_TIMEOUT:-600}" \
	--script-timeout "$(( ${DEMO_TIMEOUT:-600} - 60 ))" tests/demo_guest.sh
rc=$VM_RC

# The runner's verdict (its copy of the guest output is already shown).
vm_verdict "$out" tests/demo_guest.sh
if [ "$rc" -eq 0 ]; then
	echo "make demo: PASSED"
else
	echo "make demo: FAILED (exit $rc); logs in ${VM_LOGDIR:-build/vm-logs/latest}"
fi
exit "$rc"
