#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_netlink.sh - the dm_ec generic netlink family under malformed input:
# targeted bad requests (unknown commands, missing, oversized and
# wrongly typed attributes, unknown volumes, out-of-range values), a few
# thousand random requests, and unprivileged mutations. Every one must
# be rejected (with an extack message where the family decides), the
# volume must be unchanged and the kernel log clean. Runs in the test VM.
. "$(dirname "$0")/lib.sh"
ec_require_vm

ECCTL=${ECCTL:-$EC_ROOT/build/user/ecctl}
NLFUZZ=${NLFUZZ:-$EC_ROOT/build/tests/nlfuzz}
[ -x "$NLFUZZ" ] || die "$NLFUZZ not built (make user)"

ec_setup 6 20480
len=$(ec_max_length 4 128 20480)
ec_create nl "$(ec_table "$len" 4 2 128 nosync "${MEM[@]:0:6}")" ||
	die "cannot create the volume"
dd if=/dev/urandom of="$(vol nl)" bs=64K count=16 oflag=direct status=none
ec_wait_sync nl 120

snapshot() {
	dmsetup status ect_nl
	dmsetup table ect_nl
	"$ECCTL" status ect_nl --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("decode_cache", "last_sync"):
    d.pop(k, None)
print(json.dumps(d, sort_keys=True))'
}
before=$(snapshot)
mark=$(kmsg_mark)

# run_tap DESC CMD...: a TAP-printing helper's lines as diagnostics, one
# test for its exit status
run_tap() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/#   /'
	tap $rc "$desc"
}

run_tap "targeted malformed requests are rejected with the right errors" \
	"$NLFUZZ" cases ect_nl
seed=$RANDOM
diag "random seed $seed"
run_tap "5000 random requests: none changes anything, none hangs" \
	"$NLFUZZ" random 5000 "$seed" ect_nl
run_tap "a second random run (fresh seed) as root" \
	"$NLFUZZ" random 3000 $((seed + 1)) ect_nl
run_tap "unprivileged mutating requests fail with EPERM" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$NLFUZZ" perm ect_nl
run_tap "unprivileged random requests" \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$NLFUZZ" random 2000 $((seed + 2)) ect_nl

# Unknown volume through the tool: a clear message, exit 1
out=$("$ECCTL" status no-such-vol 2>&1)
rc=$?
is "$rc:$out" "1:ecctl status: no-such-vol: no such volume" "ecctl names an unknown volume"

after=$(snapshot)
is "$after" "$before" "status, table and netlink view unchanged"
bad=$(kmsg_since "$mark" | grep -E 'BUG|WARNING|Oops|Call Trace|general protection|refused|failed|error' | head -5)
is "$bad" "" "kernel log clean"
kmsg_since "$mark" | grep -c "invalid length" | sed 's/^/# kernel length warnings: /'

# A valid SET_REBUILD_RATE takes effect (table and netlink agree), and 0
# returns to unlimited.
"$NLFUZZ" rate ect_nl 2048 >/dev/null
tap $? "SET_REBUILD_RATE 2048 accepted"
like "$(dmsetup table ect_nl)" " max_rebuild_rate 2048 " "table shows max_rebuild_rate 2048"
is "$("$ECCTL" status ect_nl --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["max_rebuild_rate"])')" 2048 \
	"status --json max_rebuild_rate 2048"
"$NLFUZZ" rate ect_nl 0 >/dev/null
tap $? "SET_REBUILD_RATE 0 accepted"
is "$(dmsetup table ect_nl | grep -c max_rebuild_rate)" 0 "rate 0: unlimited again"

ec_remove nl
tap $? "volume removed"
ec_cleanup
tap_done
