#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_udev.sh - boot-time assembly through udev (issue 13): a volume created
# with ecctl, written and removed; then systemd-udevd is started in the
# guest with the rule make install puts in place (user/system/
# 64-dm-ec.rules.in, pointing at this tree's ecctl, under /run/udev) and
# the members appear one by one under new names: the rule's
# `ecctl examine --export` marks each as ID_FS_TYPE=dm_ec_member with its
# DM_EC_NAME, `ecctl assemble --incremental` starts the volume with the
# last one, and its data is intact. With one member short nothing starts
# until the last-resort service (run as systemd runs it) starts the volume
# degraded.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${EC_ECCTL:-${ECCTL:-$EC_ROOT/build/user/ecctl}}
[ -x "$E" ] || die "$E not built (make user)"
UDEVD=/lib/systemd/systemd-udevd
[ -x "$UDEVD" ] || { skip "systemd-udevd is not installed"; tap_done; exit 0; }
T=$EC_TMP
PER=$((4 * 2048))
SZ=$((EC_DATA_OFFSET + PER))
OFF=2048		# members 1 MiB into the RAM disks: the disks show no superblock
ec_setup 0
for i in $(seq 0 5); do ec_member_create "$i" "$SZ" "$OFF" || die "member $i"; done

"$E" create ect_u -k 4 -m 2 -c 64K --nosync "${MEM[@]:0:6}" >/dev/null
tap $? "create ect_u (4+2)"
EC_VOLS+=(ect_u)
ecpy fill "$(vol u)" "$T/u.ref" --seed 21
tap $? "random data on ect_u"
"$E" remove ect_u
tap $? "remove ect_u"
for i in $(seq 0 5); do dmsetup remove "ect_m$i"; done

# wait_for SECONDS CMD...: until CMD succeeds (udevadm settle does nothing
# in the guest's chroot)
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
member_known() {
	udevadm info --query=property --name="$1" 2>/dev/null | grep -qx 'ID_FS_TYPE=dm_ec_member'
}

mkdir -p /run/udev/rules.d
sed "s|@SBINDIR@|$(dirname "$E")|g" "$EC_ROOT/user/system/64-dm-ec.rules.in" \
	>/run/udev/rules.d/64-dm-ec.rules
# In the foreground of a background job, so that its pid is ours to stop
# (udevadm control is ignored in the guest's chroot) and ec_cleanup stops
# it on any way out: no later script may find a udevd running our rule.
"$UDEVD" --resolve-names=never 2>"$T/udevd.log" &
UDEVD_PID=$!
EC_BG_PIDS+=("$UDEVD_PID")
wait_for 10 test -S /run/udev/control
tap $? "systemd-udevd started with the dm-ec rule"
unset DM_DISABLE_UDEV

j=0
for r in 4 1 5 0 3 2; do
	dmsetup create "ect_m$((80 + j))" --table "0 $SZ linear /dev/ram$r $OFF" ||
		diag "dmsetup create ect_m$((80 + j)) failed"
	# udev has run the rule for it (the property is set after RUN is queued)
	wait_for 60 member_known "/dev/mapper/ect_m$((80 + j))" ||
		diag "udev did not mark ect_m$((80 + j)) as a member"
	if [ $j -lt 5 ] && dmsetup info ect_u >/dev/null 2>&1; then
		diag "ect_u started with only $((j + 1)) members"
	fi
	j=$((j + 1))
done
wait_for 60 dmsetup info ect_u
is "$(udevadm info --query=property --name=/dev/mapper/ect_m80 2>/dev/null |
	grep -E '^(ID_FS_TYPE|DM_EC_NAME)=' | sort | tr '\n' ' ')" \
	"DM_EC_NAME=ect_u ID_FS_TYPE=dm_ec_member " \
	"udev knows a member: ID_FS_TYPE=dm_ec_member, DM_EC_NAME=ect_u (examine --export)"
dmsetup info ect_u >/dev/null 2>&1
tap $? "the rule started ect_u once its last member appeared (assemble --incremental)"
is "$(ec_health u)" AAAAAA "  ... with every member in its slot"
ecpy verify "$(vol u)" "$T/u.ref"
tap $? "  ... data intact"

# One member short: udev starts nothing, wants the last-resort timer; its
# service, run as systemd runs it when the timer fires (ExecStart with %I,
# ConditionPathExists checked), starts the volume degraded.
"$E" remove ect_u >/dev/null
tap $? "remove ect_u"
for j in $(seq 80 85); do dmsetup remove "ect_m$j"; done
j=0
for r in 4 1 5 0 3; do		# /dev/ram2 (slot 2) stays away
	dmsetup create "ect_m$((90 + j))" --table "0 $SZ linear /dev/ram$r $OFF" ||
		diag "dmsetup create ect_m$((90 + j)) failed"
	wait_for 60 member_known "/dev/mapper/ect_m$((90 + j))" ||
		diag "udev did not mark ect_m$((90 + j)) as a member"
	j=$((j + 1))
done
sleep 2
! dmsetup info ect_u >/dev/null 2>&1
tap $? "5 of 6 members: udev does not start ect_u"
udevadm info --query=property --name=/dev/mapper/ect_m90 2>/dev/null |
	grep -q '^SYSTEMD_WANTS=.*dm-ec-last-resort@ect_u.timer'
tap $? "  ... and wants dm-ec-last-resort@ect_u.timer"
SVC=$T/dm-ec-last-resort@.service
sed "s|@SBINDIR@|$(dirname "$E")|g" "$EC_ROOT/user/system/dm-ec-last-resort@.service.in" >"$SVC"
grep -q '^OnActiveSec=' "$EC_ROOT/user/system/dm-ec-last-resort@.timer"
tap $? "  ... the timer fires once, a while after the first member (OnActiveSec)"
last_resort() {	# last_resort INSTANCE: run the service as systemd would; 0 ran, 1 failed, 2 skipped
	local cond exec
	cond=$(sed -n 's/^ConditionPathExists=//p' "$SVC" | sed "s|%I|$1|g")
	exec=$(sed -n 's/^ExecStart=//p' "$SVC" | sed "s|%I|$1|g")
	case $cond in
	!*) [ ! -e "${cond#!}" ] || return 2 ;;
	?*) [ -e "$cond" ] || return 2 ;;
	esac
	$exec >"$T/lr.out" 2>&1 || return 1
}
last_resort ect_u
tap $? "the last-resort service starts ect_u" || diag_file "$T/lr.out"
grep -q "^ect_u: started from 5 of 6 members (4+2), degraded: slots 2 missing" "$T/lr.out"
tap $? "  ... degraded, saying which slot is missing" || diag_file "$T/lr.out"
is "$(ec_health u)" AA-AAA "  ... health AA-AAA"
ecpy verify "$(vol u)" "$T/u.ref"
tap $? "  ... data intact"
last_resort ect_u
is "$?" 2 "  ... once the volume is there, the service's condition skips it"

kill "$UDEVD_PID" && wait "$UDEVD_PID" 2>/dev/null
! kill -0 "$UDEVD_PID" 2>/dev/null
tap $? "systemd-udevd stopped"
# libdevmapper takes the control socket for a running udev
rm -f /run/udev/rules.d/64-dm-ec.rules /run/udev/control
export DM_DISABLE_UDEV=1
ec_remove u
for j in $(seq 80 85) $(seq 90 94); do dmsetup remove "ect_m$j" 2>/dev/null; done
ec_cleanup
tap_done
