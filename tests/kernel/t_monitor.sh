#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_monitor.sh - ecctl monitor as the daemon (issue 14): --program runs a
# hook for every event, with EVENT VOLUME [MEMBER DEVICE] as arguments and
# the details in DM_EC_*; a 4+2 volume: two members fail, are rebuilt
# (sync events, members back in sync); the monitor is stopped, a member
# fails while it is down, and the restarted monitor reports it (found in
# its dump at start); two more fail, the last by an I/O error (data lost). Every event arrives
# exactly once, in order, with the right member and device. --oneshot
# reports the states found and exits with the worst volume's status. The
# program and a mail address from ecctl.conf; mail through sendmail.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${EC_ECCTL:-${ECCTL:-$EC_ROOT/build/user/ecctl}}
[ -x "$E" ] || die "$E not built (make user)"
T=$EC_TMP
SZ=$((EC_DATA_OFFSET + 4 * 2048))
ec_setup 0
for i in $(seq 0 5); do ec_member_create "$i" "$SZ" || die "member $i"; done
ec_wipe "$SZ" 0 1 2 3 4 5

cat >"$T/hook" <<'EOF'
#!/bin/sh
# the hook of the test: one line per call, arguments and environment
[ $# -eq 2 ] || [ $# -eq 4 ] || echo "bad argument count $#: $*" >>"${0%/*}/hook.log"
echo "$1 $2 member=$3 device=$4 lost=${DM_EC_LOST:-} m=${DM_EC_M:-} found=$DM_EC_FOUND action=${DM_EC_ACTION:-} result=${DM_EC_RESULT:-} time=${DM_EC_TIME:+yes}" >>"${0%/*}/hook.log"
EOF
chmod +x "$T/hook"
: >"$T/hook.log"

"$E" create ect_a -k 4 -m 2 -c 64K --nosync "${MEM[@]}" >/dev/null
tap $? "create ect_a (4+2)"
EC_VOLS+=(ect_a)
ecpy fill "$(vol a)" "$T/a.ref" --seed 5 >/dev/null
tap $? "random data on ect_a"

MONPID=
mon_start() {
	"$E" monitor --program "$T/hook" >>"$T/mon.out" 2>>"$T/mon.err" &
	MONPID=$!
	EC_BG_PIDS+=("$MONPID")
	sleep 1
	kill -0 "$MONPID" 2>/dev/null
}
mon_stop() { kill "$MONPID" 2>/dev/null; wait "$MONPID" 2>/dev/null; }
# hook_wait N: until the hook has logged N lines but progress (30 s)
hook_lines() { grep -vc '^sync_progress ' "$T/hook.log"; }
hook_wait() {
	local n=300
	while [ "$(hook_lines)" -lt "$1" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	[ "$(hook_lines)" -ge "$1" ]
}

mon_start
tap $? "monitor --program started"
sleep 1
[ ! -s "$T/hook.log" ]
tap $? "  ... a healthy volume: no event at start"
dmsetup message ect_a 0 fail 1 && hook_wait 2
dmsetup message ect_a 0 fail 4 && hook_wait 4
tap $? "members 1 and 4 failed: four events"
"$E" rebuild ect_a --wait >/dev/null 2>&1
tap $? "rebuild (members 1 and 4 re-added)"
hook_wait 8
mon_stop
dmsetup message ect_a 0 fail 2
sleep 1
mon_start
tap $? "a member failed while no monitor ran; monitor restarted"
hook_wait 10
dmsetup message ect_a 0 fail 3 && hook_wait 12
# a third one cannot be failed by message (more than m): an I/O error does it
member_set_error 5 && dd if="$(vol a)" of=/dev/null bs=64K count=64 iflag=direct 2>/dev/null
dd if=/dev/zero of="$(vol a)" bs=64K count=64 oflag=direct 2>/dev/null
hook_wait 14
sleep 1
mon_stop

want="member_failed ect_a member=1 device=/dev/mapper/ect_m1 lost=1 m=2 found=0 action= result= time=yes
degraded ect_a member= device= lost=1 m=2 found=0 action= result= time=yes
member_failed ect_a member=4 device=/dev/mapper/ect_m4 lost=2 m=2 found=0 action= result= time=yes
degraded ect_a member= device= lost=2 m=2 found=0 action= result= time=yes
sync_started ect_a member= device= lost=0 m=2 found=0 action=rebuild result= time=yes
sync_finished ect_a member= device= lost=0 m=2 found=0 action=rebuild result=complete time=yes
member_in_sync ect_a member=1 device=/dev/mapper/ect_m1 lost=0 m=2 found=0 action= result= time=yes
member_in_sync ect_a member=4 device=/dev/mapper/ect_m4 lost=0 m=2 found=0 action= result= time=yes
member_failed ect_a member=2 device=/dev/mapper/ect_m2 lost= m= found=1 action= result= time=yes
degraded ect_a member= device= lost=1 m=2 found=1 action= result= time=yes
member_failed ect_a member=3 device=/dev/mapper/ect_m3 lost=2 m=2 found=0 action= result= time=yes
degraded ect_a member= device= lost=2 m=2 found=0 action= result= time=yes
member_failed ect_a member=5 device=/dev/mapper/ect_m5 lost=3 m=2 found=0 action= result= time=yes
data_lost ect_a member= device= lost=3 m=2 found=0 action= result= time=yes"
got=$(grep -v '^sync_progress ' "$T/hook.log")
is "$got" "$want" "every event once, in order, with member, device and details (the one missed while down found at restart)" ||
	diag_file "$T/mon.err"
grep '^sync_progress ' "$T/hook.log" | grep -vq 'action=rebuild'
tap $((! $?)) "  ... progress events (if any) name the rebuild"

"$E" monitor --oneshot >"$T/one.out" 2>"$T/one.err"
is "$?" 4 "monitor --oneshot: exit 4 (data lost)"
is "$(grep -c ' member_failed member=[235] device=/dev/mapper/ect_m[235] (found)$' "$T/one.out") $(grep -c ' data_lost lost=3/2 (found)$' "$T/one.out")" \
	"3 1" "  ... says what it found: members 2, 3, 5 failed, data lost" ||
	diag_file "$T/one.out"
"$E" monitor --oneshot --json >"$T/one.json"
python3 -c 'import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
assert evs and all(e["found"] and e["volume"] == "ect_a" for e in evs), evs' "$T/one.json"
tap $? "  ... --json: one object per event, \"found\": true"
rc_mon=0
"$E" monitor --program /nonexistent >/dev/null 2>"$T/err" && rc_mon=1
grep -q "^ecctl monitor: /nonexistent: No such file" "$T/err" || rc_mon=1
tap $rc_mon "monitor --program of a missing program: refused, naming it"

member_set_linear 5
ec_remove a

# The same from ecctl.conf (program, mail), mail through a stand-in for
# sendmail (ECCTL_SENDMAIL): a new volume, a member fails.
for d in "${MEM[@]}"; do "$E" wipe "$d" >/dev/null 2>&1; done
"$E" create ect_b -k 4 -m 2 -c 64K --nosync "${MEM[@]}" >/dev/null
tap $? "create ect_b on the wiped members"
EC_VOLS+=(ect_b)
cat >"$T/sendmail" <<'EOF'
#!/bin/sh
# stand-in for sendmail -t -oi: each mail into a file
[ "$1 $2" = "-t -oi" ] || exit 2
n=$(ls "${0%/*}"/mail.* 2>/dev/null | wc -l)
cat >"${0%/*}/mail.$n"
EOF
chmod +x "$T/sendmail"
: >"$T/hook.log"
printf 'program %s\nmail root@localhost\n' "$T/hook" >"$ECCTL_CONF"
ECCTL_SENDMAIL=$T/sendmail "$E" monitor >"$T/mon2.out" 2>"$T/mon2.err" &
MONPID=$!
EC_BG_PIDS+=("$MONPID")
sleep 1
dmsetup message ect_b 0 fail 0
hook_wait 2
sleep 1
mon_stop
is "$(cut -d' ' -f1-4 "$T/hook.log" | tr '\n' ';')" \
	"member_failed ect_b member=0 device=/dev/mapper/ect_m0;degraded ect_b member= device=;" \
	"ecctl.conf's program runs for each event"
ls "$T"/mail.* >/dev/null 2>&1 && [ "$(ls "$T"/mail.* | wc -l)" -eq 2 ]
tap $? "  ... its mail address gets two mails (member failed, degraded)" "$(ls "$T")"
grep -qx 'To: root@localhost' "$T/mail.0" &&
	grep -q '^Subject: dm-ec: ect_b: member_failed, member 0 /dev/mapper/ect_m0 on ' "$T/mail.0" &&
	grep -q '^See: ecctl status ect_b$' "$T/mail.0"
tap $? "  ... To:, a Subject naming volume, event, member and device, what to run" "$(head -3 "$T/mail.0")"
rm -f "$ECCTL_CONF"
rc_mon=0
ECCTL_SENDMAIL=/nonexistent "$E" monitor --mail root@localhost >/dev/null 2>"$T/err" && rc_mon=1
grep -q "no sendmail" "$T/err" || rc_mon=1
tap $rc_mon "monitor --mail without a sendmail: refused, saying so"
ec_remove b
ec_cleanup
tap_done
