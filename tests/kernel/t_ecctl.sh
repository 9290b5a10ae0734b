#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_ecctl.sh - ecctl end to end in the test VM: every command, exit codes
# (usage 2, errors 1, status 0/3/4), JSON keys, unprivileged users
# (status allowed, actions refused), events from monitor, examine,
# offline recover with 4 member images missing, replace/rebuild --wait,
# scrub.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${ECCTL:-$EC_ROOT/build/user/ecctl}
[ -x "$E" ] || die "$E not built (make user)"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
SZ=20480			# sectors per member
K=4 M=4 N=8
CH=128				# 64 KiB
VLEN=$(ec_max_length $K $CH $SZ)

ec_setup 13 $SZ
T=$EC_TMP

# rc_is DESC WANT CMD...: exit status of CMD is WANT; output kept in $T/out

# pyjson EXPR < json: evaluate a Python expression over d (the document);
# prints the result, exit 1 if it raises
pyjson() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if not isinstance(r, bool) else ("yes" if r else "no"))' "$1"
}

# ---- usage and help ----
rc_is "no arguments: usage, exit 2" 2 "$E"
rc_is "unknown command: exit 2" 2 "$E" frobnicate
rc_is "--help: exit 0" 0 "$E" --help
for c in create remove status list monitor fail replace rebuild scrub examine recover wipe; do
	"$E" "$c" --help >"$T/out" 2>&1
	rc=$?
	grep -q "usage: ecctl $c" "$T/out"
	tap $((rc | $?)) "$c --help prints its usage, exit 0"
done
rc_is "create: bad -k is a usage error" 2 "$E" create x -k 0 "${MEM[@]:0:8}"
rc_is "create: wrong device count is a usage error" 2 "$E" create x -k 4 -m 4 "${MEM[@]:0:7}"
rc_is "create: chunk 12K is a usage error" 2 "$E" create x -k 4 -m 4 -c 12K "${MEM[@]:0:8}"
rc_is "create: unknown option is a usage error" 2 "$E" create x --bogus "${MEM[@]:0:8}"
rc_is "create: a missing device is an error" 1 "$E" create x -k 1 -m 1 /dev/nonexistent "${MEM[0]}"
grep -q "ecctl create: /dev/nonexistent: No such file" "$T/err"
tap $? "  ... naming the device and the cause"
rc_is "status of an unknown volume: exit 1" 1 "$E" status nope
is "$(cat "$T/err")" "ecctl status: nope: no such volume" "  ... message names the volume"
rc_is "remove of an unknown volume: exit 1" 1 "$E" remove nope
is "$(cat "$T/err")" "ecctl remove: nope: no such volume" "  ... message names the volume"

# ---- create, list, status ----
"$E" monitor --json >"$T/mon" 2>"$T/mon.err" &
MONPID=$!
EC_BG_PIDS+=("$MONPID")

rc_is "create ect_a (4+4, 64K chunk, --nosync)" 0 "$E" create ect_a -k $K -m $M -c 64K --nosync "${MEM[@]:0:8}"
EC_VOLS+=(ect_a)
like "$(dmsetup table ect_a)" "^0 $VLEN ec 4 4 128 1 nosync( [0-9]+:[0-9]+){8}$" "table: length from the members, nosync"
rc_is "create: an existing name is refused" 1 "$E" create ect_a -k $K -m $M "${MEM[@]:0:8}"
grep -q "ect_a: a device-mapper device of that name exists" "$T/err"
tap $? "  ... with a clear message"
rc_is "create: members of an active volume are refused under another name" 1 \
	"$E" create ect_x -k $K -m $M "${MEM[@]:0:8}"
grep -q "${MEM[0]}: not blank: dm-ec metadata (member 0 of volume " "$T/err"
tap $? "  ... naming each device and the volume it belongs to"
rc_is "wipe: a member of an active volume is refused" 1 "$E" wipe "${MEM[3]}"
grep -q "${MEM[3]}: in use" "$T/err"
tap $? "  ... saying it is in use"

rc_is "list" 0 "$E" list
grep -q "^ect_a .* 4+4 .*healthy *AAAAAAAA" "$T/out"
tap $? "list shows the volume, geometry, state, health"
"$E" list --json | pyjson '[(v["name"], v["k"], v["m"], v["state"], v["health"], v["state_chars"], v["lost"], v["redundancy"], v["sectors"]) for v in d["volumes"] if v["name"] == "ect_a"]' >"$T/out"
is "$(cat "$T/out")" "[('ect_a', 4, 4, 'healthy', 'ok', 'AAAAAAAA', 0, 4, $VLEN)]" "list --json keys (health as in status --json)"

rc_is "status healthy: exit 0" 0 "$E" status ect_a
grep -q "state: healthy" "$T/out" && grep -q "geometry: 4+4" "$T/out" &&
	grep -q "codec: " "$T/out" && [ "$(grep -c ' in_sync ' "$T/out")" = 8 ]
tap $? "status text: geometry, state, codec, 8 members in sync"
"$E" status ect_a --json >"$T/st.json"
keys='["name","dev","uuid","k","m","chunk_sectors","sectors","size_bytes","codec","state","health","lost","sync_action","sync_done","sync_total","sync_percent","mismatch_cnt","decode_cache","max_rebuild_rate","events","flags","last_sync","members"]'
mkeys='["index","dev","device","uuid","state","state_char","read_errors","write_errors"]'
pyjson "all(k in d for k in $keys) and all(all(k in m for k in $mkeys) for m in d['members']) and set(d['decode_cache']) == {'hits','misses'}" <"$T/st.json" >"$T/out"
is "$(cat "$T/out")" yes "status --json has every documented key"
pyjson '(d["k"], d["m"], d["chunk_sectors"], d["sectors"], d["state"], d["health"], len(d["members"]), d["members"][3]["device"])' <"$T/st.json" >"$T/out"
is "$(cat "$T/out")" "(4, 4, 128, $VLEN, 'healthy', 'ok', 8, '/dev/mapper/ect_m3')" "status --json values"
"$E" status --json | pyjson '[v["name"] for v in d["volumes"]]' >"$T/out"
is "$(cat "$T/out")" "['ect_a']" "status --json without a name: every volume"

# ---- unprivileged ----
rc_is "nobody: status allowed" 0 "${NOBODY[@]}" "$E" status ect_a
rc_is "nobody: list allowed" 0 "${NOBODY[@]}" "$E" list --json
rc_is "nobody: scrub refused" 1 "${NOBODY[@]}" "$E" scrub ect_a
grep -q "ect_a: start check: permission denied" "$T/err"
tap $? "  ... permission denied, naming the volume"
rc_is "nobody: fail refused" 1 "${NOBODY[@]}" "$E" fail ect_a 0
rc_is "nobody: remove refused" 1 "${NOBODY[@]}" "$E" remove ect_a
rc_is "still healthy after the refusals" 0 "$E" status ect_a

# ---- data, scrub ----
head -c $((VLEN * 512)) /dev/urandom >"$T/data"
dd if="$T/data" of="$(vol a)" bs=1M oflag=direct status=none
tap $? "write $((VLEN / 2048)) MiB of random data"
rc_is "scrub --wait" 0 "$E" scrub ect_a --wait
grep -q "ect_a: check complete, 0 mismatched sectors" "$T/out"
tap $? "  ... reports the check result" "$(cat "$T/out")"
"$E" status ect_a --json | pyjson '(d["last_sync"]["action"], d["last_sync"]["result"], d["last_sync"]["mismatch_cnt"])' >"$T/out"
is "$(cat "$T/out")" "('check', 'complete', 0)" "status: last scrub result"
rc_is "scrub --repair --wait" 0 "$E" scrub ect_a --repair --wait
grep -q "repair complete" "$T/out"
tap $? "  ... repair complete"

# ---- recover with 4 member images missing ----
for i in 0 1 2 3 4 5 6 7; do
	dd if="${MEM[$i]}" of="$T/m$i.img" bs=1M status=none
done
rc_is "examine a member image" 0 "$E" examine "$T/m2.img"
grep -q "member index: 2 of 8" "$T/out" && grep -q "geometry: 4+4, chunk 128 sectors" "$T/out" &&
	grep -q "members: AAAAAAAA" "$T/out"
tap $? "  ... index, geometry, member states"
"$E" examine "$T/m2.img" --json | pyjson '(d["member_index"], d["k"], d["m"], d["chunk_sectors"], d["data_offset"], len(d["members"]), d["array_uuid"] == sys.argv[0] or True)' >"$T/out"
is "$(cat "$T/out")" "(2, 4, 4, 128, 8192, 8, True)" "examine --json keys"
auuid=$(pyjson 'd["uuid"]' <"$T/st.json")
is "$("$E" examine "${MEM[5]}" --json | pyjson 'd["array_uuid"]')" "$auuid" "examine: array UUID matches status"
rc_is "examine a blank device: exit 1" 1 "$E" examine "${MEM[12]}"
grep -q "no valid dm-ec superblock" "$T/err"
tap $? "  ... says so"
cp "$T/m6.img" "$T/bad.img" && printf 'X' | dd of="$T/bad.img" bs=1 seek=100 conv=notrunc status=none &&
	printf 'X' | dd of="$T/bad.img" bs=1 seek=$((4096 + 100)) conv=notrunc status=none
rc_is "examine: a corrupted superblock fails the CRC" 1 "$E" examine "$T/bad.img"
grep -q "checksum mismatch" "$T/err"
tap $? "  ... checksum mismatch"
rc_is "recover with members 1, 3, 4, 6 missing" 0 "$E" recover -o "$T/rec.img" "$T/m0.img" "$T/m2.img" "$T/m5.img" "$T/m7.img"
cmp -n $((VLEN * 512)) "$T/rec.img" "$T/data"
tap $? "  ... image equals the volume's data"
rc_is "recover with 5 members missing fails" 1 "$E" recover -o "$T/rec2.img" "$T/m0.img" "$T/m2.img" "$T/m5.img"
rm -f "$T/rec.img" "$T/rec2.img" "$T"/m?.img "$T/bad.img"

# ---- failures: degraded, refusal beyond m ----
rc_is "fail member 1 by index" 0 "$E" fail ect_a 1
rc_is "status degraded: exit 3" 3 "$E" status ect_a
grep -q "state: degraded (1 of 4 parity lost)" "$T/out"
tap $? "  ... degraded (1 of 4 parity lost)"
rc_is "fail member 3 by device path" 0 "$E" fail ect_a "${MEM[3]}"
rc_is "fail members 5 and 6" 0 sh -c "'$E' fail ect_a 5 && '$E' fail ect_a 6"
rc_is "a fifth failure is refused" 1 "$E" fail ect_a 7
grep -q "^kernel reports: refused" "$T/err"
tap $? "  ... with the kernel's reason" "$(cat "$T/err")"
rc_is "fail: bad index" 1 "$E" fail ect_a 9
rc_is "fail: not a member" 1 "$E" fail ect_a "${MEM[12]}"
"$E" status ect_a --json | pyjson '(d["state"], d["health"], d["lost"], "".join(m["state_char"] for m in d["members"]))' >"$T/out"
is "$(cat "$T/out")" "('degraded', 'degraded', 4, 'ADADADDA')" "status --json: 4 lost"
"$E" list --json | pyjson '[(v["state"], v["health"], v["lost"], v["redundancy"], v["state_chars"]) for v in d["volumes"] if v["name"] == "ect_a"]' >"$T/out"
is "$(cat "$T/out")" "[('degraded', 'degraded', 4, 0, 'ADADADDA')]" "list --json: the same health, lost, redundancy as status"
cmp "$(vol a)" "$T/data"
tap $? "data intact with 4 members failed"

# ---- replace and rebuild ----
rc_is "replace member 1 with a new device --wait" 0 "$E" replace ect_a 1 "${MEM[8]}" --wait
grep -q "ect_a: all members in sync\|rebuild done" "$T/out"
tap $? "  ... waits for the rebuild" "$(tail -2 "$T/out")"
"$E" status ect_a --json | pyjson '(d["members"][1]["device"], d["members"][1]["state"], d["lost"])' >"$T/out"
is "$(cat "$T/out")" "('/dev/mapper/ect_m8', 'in_sync', 3)" "member 1 is the new device, in sync"
rc_is "replace by device path (member 3)" 0 "$E" replace ect_a "${MEM[3]}" "${MEM[9]}" --wait
rc_is "rebuild --wait re-adds failed members 5, 6" 0 "$E" rebuild ect_a --wait
rc_is "healthy again: exit 0" 0 "$E" status ect_a
cmp "$(vol a)" "$T/data"
tap $? "data intact after replace and rebuild"
rc_is "rebuild with nothing to do" 0 "$E" rebuild ect_a
grep -q "nothing to rebuild" "$T/out"
tap $? "  ... says so"
rc_is "scrub after rebuild: no mismatches" 0 "$E" scrub ect_a --wait
grep -q "0 mismatched" "$T/out"
tap $? "  ... 0 mismatched sectors"

# ---- --wait on a terminal: a progress bar with percent, rate and ETA ----
# (the rate limit makes the check last a few seconds)
"$EC_ROOT/build/tests/nlfuzz" rate ect_a 2048 >/dev/null
script -qec "'$E' scrub ect_a --wait" /dev/null >"$T/tty" 2>&1
tap $? "scrub --wait on a terminal"
grep -qE '\[[#-]{30}\] +[0-9.]+% +[0-9.]+ [KMG]?i?B/s ETA [0-9:-]+' "$T/tty"
tap $? "  ... draws a progress bar with percent, rate and ETA" "$(tr '\r' '\n' <"$T/tty" | tail -3)"
"$EC_ROOT/build/tests/nlfuzz" rate ect_a 0 >/dev/null

# ---- data lost: exit 4 ----
rc_is "create ect_b (2+1) with 3 members" 0 "$E" create ect_b -k 2 -m 1 -c 4K --nosync "${MEM[10]}" "${MEM[11]}" "${MEM[12]}"
EC_VOLS+=(ect_b)
member_set_error 10
member_set_error 11
dd if="$(vol b)" of=/dev/null bs=4K count=64 iflag=direct status=none 2>/dev/null
dd if=/dev/zero of="$(vol b)" bs=4K count=64 oflag=direct status=none 2>/dev/null
sleep 1
rc_is "status with data lost: exit 4" 4 "$E" status ect_b
grep -q "state: failed: data lost" "$T/out"
tap $? "  ... failed: data lost" "$(grep state: "$T/out")"
rc_is "status of all volumes: the worst, exit 4" 4 "$E" status
"$E" status ect_b --json | pyjson '(d["state"], d["health"])' >"$T/out"
is "$(cat "$T/out")" "('failed', 'data_lost')" "status --json: data_lost"
rc_is "scrub with data lost is refused" 1 "$E" scrub ect_b
grep -q "kernel reports:" "$T/err"
tap $? "  ... kernel reports the reason"

# ---- monitor ----
sleep 1
kill "$MONPID" 2>/dev/null
wait "$MONPID" 2>/dev/null
python3 - "$T/mon" >"$T/out" 2>&1 <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
for e in evs:
    for k in ("time", "event", "volume", "dev"):
        assert k in e, (k, e)
names = {e["event"] for e in evs}
print(" ".join(sorted(names)))
fin = [e for e in evs if e["event"] == "sync_finished" and e["action"] == "check"]
assert fin and "mismatch_cnt" in fin[0] and fin[0]["result"] == "complete", fin
fl = [e for e in evs if e["event"] == "member_failed" and e["volume"] == "ect_a"]
assert sorted(e["member"] for e in fl) == [1, 3, 5, 6], fl
assert any(e["event"] == "data_lost" and e["volume"] == "ect_b" for e in evs)
assert any(e["event"] == "member_in_sync" and e["member"] == 1 for e in evs)
PY
tap $? "monitor --json: one object per line, every event kind" "$(cat "$T/out")"
for ev in member_failed degraded data_lost sync_started sync_finished member_in_sync; do
	grep -q "\"event\": \"$ev\"" "$T/mon"
	tap $? "  ... $ev seen"
done
"$E" monitor >"$T/mon.txt" 2>&1 &
mp=$!
EC_BG_PIDS+=("$mp")
sleep 1
"$E" scrub ect_a --wait >/dev/null
sleep 0.5
kill $mp 2>/dev/null
wait $mp 2>/dev/null
grep -qE '^[0-9T:.-]+ ect_a sync_finished action=check .*result=complete mismatches=0' "$T/mon.txt"
tap $? "monitor text: timestamped lines" "$(tail -3 "$T/mon.txt")"

# ---- dm events: dmsetup wait (and dmeventd, LVM's monitoring) wake on a
# member failure and when a sync ends ----
dm_wait() {	# dm_wait NAME ACTION...: dmsetup wait returns within 30 s of ACTION
	local ev wp rc
	ev=$(dmsetup info -c --noheadings -o events "ect_$1" | tr -d ' ')
	timeout 30 dmsetup wait "ect_$1" "$ev" >/dev/null 2>&1 &
	wp=$!
	sleep 1
	kill -0 "$wp" 2>/dev/null || { diag "dmsetup wait returned before the event"; return 1; }
	shift
	"$@" >/dev/null 2>&1
	wait "$wp"
	rc=$?
	[ "$rc" -eq 0 ] || diag "dmsetup wait: exit $rc (124: no event in 30 s)"
	return "$rc"
}
dm_wait a "$E" scrub ect_a
tap $? "dmsetup wait returns when a scrub ends"
j=$(ec_health a | grep -bo A | head -1 | cut -d: -f1)
dm_wait a dmsetup message ect_a 0 fail "$j"
tap $? "dmsetup wait returns when a member fails (member $j)"

# ---- remove ----
member_set_linear 10
member_set_linear 11
rc_is "remove ect_b" 0 "$E" remove ect_b
rc_is "remove ect_a" 0 "$E" remove ect_a
rc_is "remove again: exit 1" 1 "$E" remove ect_a
rc_is "wipe: a member of the removed volume is wiped" 0 "$E" wipe "${MEM[3]}"
rc_is "  ... examine then finds no superblock" 1 "$E" examine "${MEM[3]}"
rc_is "create: refused while the other members still hold ect_a's superblocks" 1 \
	"$E" create ect_a -k $K -m $M -c 64K --nosync "${MEM[@]:0:8}"
for i in 0 1 2 4 5 6 7; do "$E" wipe "${MEM[$i]}" >/dev/null 2>&1 || break; done
rc_is "create: after wipe of every member, create works again" 0 \
	"$E" create ect_a -k $K -m $M -c 64K --nosync "${MEM[@]:0:8}"
rc_is "  ... and the new volume is healthy" 0 "$E" status ect_a
rc_is "remove ect_a" 0 "$E" remove ect_a
"$E" list --json | pyjson 'len(d["volumes"])' >"$T/out"
is "$(cat "$T/out")" 0 "list --json: no volumes left"

ec_cleanup
tap_done
