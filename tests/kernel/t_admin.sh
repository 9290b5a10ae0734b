#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_admin.sh - the settings and questions of a running volume (issue 14):
# create --rate/--region-size/--noppl put their options in the table;
# ecctl set <name> rebuild-rate changes the throttle live (the table says
# so); ecctl scrub --stop ends a running check (and says so when none
# runs); ecctl can-remove is right during the initial sync, healthy, with
# one and two members failed, for a failed member, and for a member being
# rebuilt; status --prometheus parses with prometheus_client and says
# what status --json says; bad values are usage errors that change nothing.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${EC_ECCTL:-${ECCTL:-$EC_ROOT/build/user/ecctl}}
[ -x "$E" ] || die "$E not built (make user)"
T=$EC_TMP
SZ=$((EC_DATA_OFFSET + 8 * 2048))	# 8 MiB data area per member
ec_setup 0
for i in $(seq 0 6); do ec_member_create "$i" "$SZ" || die "member $i"; done
ec_wipe "$SZ" 0 1 2 3 4 5 6

opts() { dmsetup table "ect_$1" | awk '{ n = $7; s = ""; for (i = 8; i < 8 + n; i++) s = s " " $i; print substr(s, 2) }'; }

# create's options; the initial sync throttled to 256 KiB/s runs a while
rc_is "create --rate 256 --region-size 1M --noppl" 0 \
	"$E" create ect_a -k 4 -m 2 -c 64K --rate 256 --region-size 1M --noppl "${MEM[@]:0:6}"
EC_VOLS+=(ect_a)
o=$(opts a)
[[ " $o " == *" noppl "* && " $o " == *" max_rebuild_rate 256 "* && " $o " == *" region_size 2048 "* ]]
tap $? "  ... the table holds noppl, max_rebuild_rate 256, region_size 2048 ($o)"
rc_is "can-remove during the initial sync: not safe, exit 1" 1 "$E" can-remove ect_a 0
grep -q "not safe: parity is not in sync yet" "$T/out"
tap $? "  ... because parity is not in sync yet" "$(cat "$T/out")"
advice() { "$E" status ect_a --json | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["advice"]))'; }
advice | grep -q "^a sync of parity running: leave the members in place until it ends"
tap $? "status advice during the initial sync: leave the members in place" "$(advice)"
"$E" status ect_a | grep -q "^       advice: a sync of parity running"
tap $? "  ... the same as an advice: line of status"
rc_is "create --rate abc: usage error" 2 "$E" create ect_x -k 4 -m 2 --rate abc "${MEM[@]:0:6}"
rc_is "create --region-size 3K: usage error" 2 "$E" create ect_x -k 4 -m 2 --region-size 3K "${MEM[@]:0:6}"

# set rebuild-rate: live, and the table says so
rc_is "set ect_a rebuild-rate unlimited" 0 "$E" set ect_a rebuild-rate unlimited
[[ " $(opts a) " == *" max_rebuild_rate 0 "* ]] || [[ " $(opts a) " != *" max_rebuild_rate "* ]]
tap $? "  ... the table's rate is 0 (unlimited) ($(opts a))"
ec_wait_sync a 300
tap $? "  ... the initial sync then finishes"
rc_is "set rebuild-rate -5: usage error" 2 "$E" set ect_a rebuild-rate -5
rc_is "set rebuild-rate above the limit: usage error" 2 "$E" set ect_a rebuild-rate 99999999999
rc_is "set an unknown setting: usage error" 2 "$E" set ect_a chunk 4
rc_is "set on an unknown volume: exit 1" 1 "$E" set nope rebuild-rate 100
grep -q "^ecctl set: nope: " "$T/err"
tap $? "  ... naming it" "$(cat "$T/err")"

# scrub --stop
rc_is "scrub --stop with no scrub running: exit 0" 0 "$E" scrub ect_a --stop
grep -q "no scrub running" "$T/out"
tap $? "  ... says so"
rc_is "set ect_a rebuild-rate 256" 0 "$E" set ect_a rebuild-rate 256
[[ " $(opts a) " == *" max_rebuild_rate 256 "* ]]
tap $? "  ... the table says 256"
rc_is "scrub ect_a (throttled)" 0 "$E" scrub ect_a
sleep 1
is "$(ec_action a)" check "  ... a check runs"
rc_is "scrub ect_a --stop" 0 "$E" scrub ect_a --stop
grep -q "^ect_a: check stopped at " "$T/out"
tap $? "  ... says where it stopped" "$(cat "$T/out")"
n=50
while [ "$(ec_action a)" != idle ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
is "$(ec_action a)" idle "  ... the volume is idle"
"$E" status ect_a --json | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["last_sync"]["action"], d["last_sync"]["result"])' >"$T/ls"
is "$(cat "$T/ls")" "check aborted" "  ... the last sync: check aborted"
rc_is "scrub --stop --repair: usage error" 2 "$E" scrub ect_a --stop --repair
rc_is "set ect_a rebuild-rate 0" 0 "$E" set ect_a rebuild-rate 0

# status --prometheus: parsed by prometheus_client's text parser, values
# as status --json says
prom_check() {	# prom_check DESC
	"$E" status --prometheus >"$T/prom" 2>"$T/prom.err" || { not_ok "$1" "exit $?"; return; }
	"$E" status ect_a --json >"$T/st.json"
	python3 - "$T/prom" "$T/st.json" >"$T/prom.out" 2>&1 <<'PY'
import json, sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
st = json.load(open(sys.argv[2]))
def val(name, **lab):
    lab["volume"] = st["name"]
    got = [s.value for s in fams[name].samples
           if all(s.labels.get(k) == v for k, v in lab.items())]
    assert len(got) == 1, (name, lab, got)
    return got[0]
assert val("dm_ec_volume_health") == {"ok": 0, "degraded": 1, "data_lost": 2}[st["health"]]
assert val("dm_ec_volume_redundancy") == st["redundancy"], st["redundancy"]
assert val("dm_ec_volume_data_members") == st["k"] and val("dm_ec_volume_parity_members") == st["m"]
assert val("dm_ec_volume_size_bytes") == st["size_bytes"]
for s in ("in_sync", "syncing", "failed", "missing"):
    n = sum(1 for m in st["members"] if m["state"] == s)
    assert val("dm_ec_volume_members", state=s) == n, (s, n)
for m in st["members"]:
    assert val("dm_ec_member_state", member=str(m["index"]), state=m["state"]) == 1, m
    assert val("dm_ec_member_read_errors", member=str(m["index"])) == m["read_errors"], m
assert val("dm_ec_sync_action", action=st["sync_action"]) == 1
assert val("dm_ec_mismatch_sectors") == st["mismatch_cnt"]
assert fams["dm_ec_sync_runs"].type == "counter"
assert val("dm_ec_decode_cache_hits") == st["decode_cache"]["hits"]
print("ok: %d families" % len(fams))
PY
	tap $? "$1" "$(tail -3 "$T/prom.out")"
}
prom_check "status --prometheus parses (prometheus_client) and matches status --json, healthy"
is "$(advice)" "" "status advice, healthy and idle: none"

# can-remove
rc_is "can-remove, healthy: safe" 0 "$E" can-remove ect_a 0
grep -q "safe: 1 of 2 parity left after it" "$T/out"
tap $? "  ... 1 of 2 parity left after it" "$(cat "$T/out")"
rc_is "can-remove by device" 0 "$E" can-remove ect_a "${MEM[3]}"
grep -q "member 3: safe" "$T/out"
tap $? "  ... member 3"
dmsetup message ect_a 0 fail 1
rc_is "can-remove with member 1 failed: safe" 0 "$E" can-remove ect_a 0
grep -q "safe: 0 of 2 parity left after it" "$T/out"
tap $? "  ... 0 of 2 left after it" "$(cat "$T/out")"
rc_is "can-remove of the failed member itself: safe" 0 "$E" can-remove ect_a 1
grep -q "member 1: safe: it is failed" "$T/out"
tap $? "  ... it is failed"
dmsetup message ect_a 0 fail 4
prom_check "  ... and with members 1 and 4 failed"
advice >"$T/adv"
grep -q "^member 1 (/dev/mapper/ect_m1) failed: replace it (ecctl replace ect_a 1 <new-device>)" "$T/adv" &&
	grep -q "^member 4 (/dev/mapper/ect_m4) failed: replace it (ecctl replace ect_a 4 <new-device>)" "$T/adv"
tap $? "status advice with members 1 and 4 failed: replace each, with the command" "$(cat "$T/adv")"
rc_is "can-remove with members 1 and 4 failed: not safe, exit 1" 1 "$E" can-remove ect_a 0
grep -q "not safe: no redundancy left (2 of 2 members failed, missing or rebuilding)" "$T/out"
tap $? "  ... no redundancy left" "$(cat "$T/out")"
# member 1 replaced by a blank device: while it is rebuilt it is not
# counted, and a healthy one is not safe to take
"$E" set ect_a rebuild-rate 256 >/dev/null
rc_is "replace member 1 with a blank device (throttled rebuild)" 0 "$E" replace ect_a 1 "${MEM[6]}"
sleep 1
rc_is "can-remove of the member being rebuilt: safe" 0 "$E" can-remove ect_a 1
grep -q "member 1: safe: it is not in sync yet" "$T/out"
tap $? "  ... it is not in sync yet" "$(cat "$T/out")"
rc_is "can-remove of a member in sync meanwhile: not safe" 1 "$E" can-remove ect_a 2
rc_is "can-remove: a member that does not exist" 1 "$E" can-remove ect_a 9
"$E" set ect_a rebuild-rate 0 >/dev/null

ec_remove a
ec_cleanup
tap_done
