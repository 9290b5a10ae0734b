#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_assemble.sh - volumes back after a "reboot" (issue 13): two volumes
# created with ecctl, written with random data and removed; their member
# devices recreated under other names, in another order (other minors);
# `ecctl assemble --scan` finds both by reading every block device, places
# each member by the slot its superblock records and starts them under the
# names the superblocks record, data intact; with one member absent the
# volume does not start, and starts degraded with --degraded, data intact;
# a stale member (older events, old data) is named, resynced by the kernel
# and never trusted; two volumes recording one name: neither starts;
# --readonly; ecctl.conf (a name by uuid, read-only, auto no, a bad
# file); --incremental as members appear one by one; a device under another one (a RAM disk under dm-linear,
# the same superblock at offset 0) is not taken for the member; 66 volumes
# at once are all reported (none dropped by a fixed table).
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${EC_ECCTL:-${ECCTL:-$EC_ROOT/build/user/ecctl}}
[ -x "$E" ] || die "$E not built (make user)"
T=$EC_TMP
PER=$((4 * 2048))			# data area per member: 4 MiB
SZ=$((EC_DATA_OFFSET + PER))
# Members are dm-linear 1 MiB into each RAM disk, so that the RAM disk
# itself shows no superblock: a member taken away is really absent.
OFF=2048
ec_setup 0
for i in $(seq 0 11); do ec_member_create "$i" "$SZ" "$OFF" || die "member $i"; done


rc_is "create ect_a (4+2) with ecctl" 0 "$E" create ect_a -k 4 -m 2 -c 64K --nosync "${MEM[@]:0:6}"
rc_is "create ect_b (4+2) with ecctl" 0 "$E" create ect_b -k 4 -m 2 -c 64K --nosync "${MEM[@]:6:6}"
EC_VOLS+=(ect_a ect_b)
ecpy fill "$(vol a)" "$T/a.ref" --seed 11
tap $? "random data on ect_a"
ecpy fill "$(vol b)" "$T/b.ref" --seed 12
tap $? "random data on ect_b"
len_a=$(blockdev --getsz "$(vol a)")
rc_is "remove ect_a" 0 "$E" remove ect_a
rc_is "remove ect_b" 0 "$E" remove ect_b

# "reboot": every member device gone, then back under other names and in
# another order (ect_m20.. over the RAM disks in a shuffled order).
members_back() {	# members_back SKIP...: recreate all but /dev/ram<SKIP>
	local j=20 r skip=" $* "
	for r in 7 2 10 0 5 11 3 8 1 6 9 4; do
		if [[ $skip != *" $r "* ]]; then
			dmsetup create "ect_m$j" --table "0 $SZ linear /dev/ram$r $OFF" || return 1
		fi
		j=$((j + 1))
	done
}
members_gone() {
	local d
	for d in $(dmsetup ls | awk '$1 ~ /^ect_m[0-9]+$/ { print $1 }'); do
		dmsetup remove "$d" || return 1
	done
}
members_gone && members_back
tap $? "member devices recreated under other names, in another order"

rc_is "assemble --scan: exit 0" 0 "$E" assemble --scan
grep -q "^ect_a: started from 6 of 6 members (4+2)" "$T/out" &&
	grep -q "^ect_b: started from 6 of 6 members (4+2)" "$T/out"
tap $? "  ... starts both volumes under their recorded names" || diag_file "$T/out"
is "$(ec_health a) $(ec_health b)" "AAAAAA AAAAAA" "  ... every member in its slot, healthy"
is "$(blockdev --getsz "$(vol a)")" "$len_a" "  ... the same length"
ecpy verify "$(vol a)" "$T/a.ref"
tap $? "  ... ect_a's data intact"
ecpy verify "$(vol b)" "$T/b.ref"
tap $? "  ... ect_b's data intact"
! grep -qE '/dev/ram' "$T/err" && [ -z "$(dmsetup table ect_a | grep -o ' 1:[0-9]*')" ]
tap $? "  ... through the dm-linear members, not the RAM disks under them"
rc_is "assemble --scan again: exit 0" 0 "$E" assemble --scan
grep -q "^ect_a: already active" "$T/out"
tap $? "  ... says the volumes are already active"
rc_is "remove ect_a" 0 "$E" remove ect_a
rc_is "remove ect_b" 0 "$E" remove ect_b

# One member of ect_a absent (RAM disk 2: ect_a's slot 2).
members_gone && members_back 2
tap $? "members back but one of ect_a's"
rc_is "assemble ect_a with a member missing: refused, exit 1" 1 "$E" assemble ect_a
grep -q "ect_a: 1 of 6 members missing (slots 2): not started (--degraded" "$T/err"
tap $? "  ... naming the missing slot and --degraded" || diag_file "$T/err"
! dmsetup info ect_a >/dev/null 2>&1
tap $? "  ... and nothing is started"
rc_is "assemble ect_a --degraded: exit 0" 0 "$E" assemble ect_a --degraded
is "$(ec_health a)" "AA-AAA" "  ... started with slot 2 missing"
ecpy verify "$(vol a)" "$T/a.ref"
tap $? "  ... data intact, degraded"
! dmsetup info ect_b >/dev/null 2>&1
tap $? "  ... ect_b was not started (assemble <name> starts that one)"
rc_is "assemble ect_b --readonly: exit 0" 0 "$E" assemble ect_b --readonly
is "$(blockdev --getro "$(vol b)")" 1 "  ... read-only"
ecpy verify "$(vol b)" "$T/b.ref"
tap $? "  ... ect_b's data intact"
rc_is "assemble nosuch: exit 1" 1 "$E" assemble nosuch
grep -q "nosuch: no member of a volume of that name found" "$T/err"
tap $? "  ... says so"
rc_is "remove ect_a" 0 "$E" remove ect_a
rc_is "remove ect_b" 0 "$E" remove ect_b

# ecctl.conf (ecctl.conf(5)): ect_b renamed and started read-only by its
# uuid; "auto no" keeps --scan and --incremental from starting anything,
# while assemble <name> still starts the volume.
members_gone && members_back
uub=""
for d in /dev/mapper/ect_m2*; do
	"$E" examine --export "$d" >"$T/exp" 2>/dev/null || continue
	grep -qx DM_EC_NAME=ect_b "$T/exp" && uub=$(sed -n 's/^DM_EC_ARRAY_UUID=//p' "$T/exp")
done
printf '# test\nvolume ect_b2 uuid=%s readonly\n' "$uub" >"$ECCTL_CONF"
rc_is "ecctl.conf renames ect_b (by uuid) to ect_b2, read-only: assemble --scan" 0 "$E" assemble --scan
grep -q "^ect_a: started from 6 of 6" "$T/out" &&
	grep -q "^ect_b2: started from 6 of 6 members (4+2), read-only" "$T/out"
tap $? "  ... starts ect_a, and ect_b as ect_b2" || diag_file "$T/out"
is "$(blockdev --getro "$(vol b2)")" 1 "  ... ect_b2 read-only"
ecpy verify "$(vol b2)" "$T/b.ref"
tap $? "  ... ect_b2's data is ect_b's"
rc_is "  ... remove ect_a" 0 "$E" remove ect_a
rc_is "  ... remove ect_b2" 0 "$E" remove ect_b2
printf 'auto no\n' >"$ECCTL_CONF"
rc_is "ecctl.conf auto no: assemble --scan, exit 0" 0 "$E" assemble --scan
grep -q "^ect_a: not started (auto no in $ECCTL_CONF" "$T/out" &&
	grep -q "^ect_b: not started (auto no" "$T/out" &&
	! dmsetup info ect_a >/dev/null 2>&1 && ! dmsetup info ect_b >/dev/null 2>&1
tap $? "  ... says so and starts nothing" || diag_file "$T/out"
rc_is "  ... assemble --incremental, exit 0" 0 "$E" assemble --incremental /dev/mapper/ect_m20
grep -q "not started on its own (auto no" "$T/out" && ! dmsetup info ect_a >/dev/null 2>&1
tap $? "  ... starts nothing either" || diag_file "$T/out"
rc_is "  ... assemble ect_a still starts it" 0 "$E" assemble ect_a
rc_is "  ... remove ect_a" 0 "$E" remove ect_a
printf 'auto yes\nvolume x/y uuid=%s\n' "$uub" >"$ECCTL_CONF"
rc_is "a bad ecctl.conf: assemble --scan refuses, exit 1" 1 "$E" assemble --scan
grep -q "^ecctl assemble: $ECCTL_CONF:2: volume x/y: not a volume name" "$T/err" &&
	! dmsetup info ect_a >/dev/null 2>&1
tap $? "  ... naming the file and line, starting nothing" || diag_file "$T/err"
rm -f "$ECCTL_CONF"

# udev's path: --incremental as each member appears; the volume starts
# with the last one.
members_gone
inc_ok=0
j=60
for r in 3 0 5 1 4 2; do
	dmsetup create "ect_m$j" --table "0 $SZ linear /dev/ram$r $OFF" || inc_ok=1
	"$E" assemble --incremental "/dev/mapper/ect_m$j" >"$T/out" 2>"$T/err" || inc_ok=1
	if [ $j -lt 65 ]; then
		grep -q "^ect_a: $((j - 59)) of 6 members present, waiting" "$T/out" || inc_ok=1
		dmsetup info ect_a >/dev/null 2>&1 && inc_ok=1
	fi
	j=$((j + 1))
done
tap $inc_ok "assemble --incremental: waits while members are missing" || diag_file "$T/out"
grep -q "^ect_a: started from 6 of 6 members" "$T/out"
tap $? "  ... and starts the volume with the last one"
ecpy verify "$(vol a)" "$T/a.ref"
tap $? "  ... data intact"
rc_is "  ... once more: exit 0" 0 "$E" assemble --incremental /dev/mapper/ect_m60
grep -q "^ect_a: already active" "$T/out"
tap $? "  ... says already active"
rc_is "--incremental of a device that is no member: exit 1" 1 "$E" assemble --incremental /dev/ram11
rc_is "remove ect_a" 0 "$E" remove ect_a

# A stale member: ect_a runs degraded without slot 2 and is written; then
# slot 2 comes back with its old superblock (older events) and old data.
members_gone && members_back 2
"$E" assemble ect_a --degraded >/dev/null 2>&1
tap $? "ect_a started degraded without slot 2"
ecpy fill "$(vol a)" "$T/a2.ref" --seed 31
tap $? "  ... new data written while slot 2 is away"
rc_is "remove ect_a" 0 "$E" remove ect_a
members_gone && members_back
rc_is "assemble ect_a with slot 2 back, stale: exit 0" 0 "$E" assemble ect_a
grep -q "stale (events [0-9]* < [0-9]*)" "$T/err"
tap $? "  ... names the stale member" || diag_file "$T/err"
ec_wait_sync a 300
tap $? "  ... the kernel brings slot 2 back in sync"
is "$(ec_health a)" AAAAAA "  ... every member in sync"
ecpy verify "$(vol a)" "$T/a2.ref"
tap $? "  ... the data is the new data (the stale member was never trusted)"
ec_reload a "0 $len_a ec 4 2 128 0 $(dmsetup table ect_a | cut -d' ' -f8- |
	awk '{ $1 = "-"; $4 = "-"; print }')"
tap $? "  ... reloaded with slots 0 and 3 missing"
ecpy verify "$(vol a)" "$T/a2.ref"
tap $? "  ... and the data decodes with the resynced slot 2 in use"
rc_is "remove ect_a" 0 "$E" remove ect_a

# A device under the member (dm-linear at offset 0 over a RAM disk) shows
# the same superblock: the member above it is used.
members_gone
for i in $(seq 0 5); do dmsetup create "ect_m$((40 + i))" --table "0 $SZ linear /dev/ram$((6 + i)) $OFF" || break; done
for i in $(seq 0 5); do dmsetup create "ect_m$((50 + i))" --table "0 $SZ linear /dev/mapper/ect_m$((40 + i)) 0" || break; done
rc_is "assemble ect_b, its members under a second dm-linear each" 0 "$E" assemble ect_b
want=""
for i in $(seq 0 5); do want+=" $(devnum "/dev/mapper/ect_m$((50 + i))")"; done
is "$(dmsetup table ect_b | cut -d' ' -f8-)" "${want# }" "  ... the top devices are the members, not the ones under them"
rc_is "remove ect_b" 0 "$E" remove ect_b
for i in $(seq 0 5); do dmsetup remove "ect_m$((50 + i))"; done

# Two volumes recording one name: neither is started (ect_b's members,
# ect_m40.., wiped and made a second volume named ect_a).
for i in $(seq 40 45); do "$E" wipe "/dev/mapper/ect_m$i" >/dev/null 2>&1; done
members_back 6 7 8 9 10 11		# ect_a's own members again
rc_is "a second volume named ect_a on ect_b's wiped members" 0 \
	"$E" create ect_a -k 4 -m 2 -c 64K --nosync $(printf '/dev/mapper/ect_m%s ' $(seq 40 45))
rc_is "  ... removed" 0 "$E" remove ect_a
rc_is "assemble --scan with two volumes recording ect_a: exit 1" 1 "$E" assemble --scan
[ "$(grep -c "ect_a: two volumes claim this name" "$T/err")" -eq 2 ]
tap $? "  ... both named, neither started" || diag_file "$T/err"
! dmsetup info ect_a >/dev/null 2>&1
tap $? "  ... no ect_a"

# More volumes than a fixed table holds: 66 of them, one member each of a
# 1+1 volume (a copy of one member's superblocks, each with its own array
# UUID and name), on dm-linear devices cut from three RAM disks. --scan
# must report every one of them as incomplete, none dropped.
G=66
GSZ=$((EC_DATA_OFFSET + 8))
per=$(( $(blockdev --getsz /dev/ram12) / GSZ ))
gdev() { echo "/dev/mapper/ect_s$1"; }
gok=0
for i in $(seq 0 $((G + 1))); do
	dmsetup create "ect_s$i" --table "0 $GSZ linear /dev/ram$((12 + i / per)) $(( (i % per) * GSZ ))" || gok=1
done
tap $gok "$((G + 2)) small devices for $G volumes"
rc_is "  ... a 1+1 volume on two of them" 0 "$E" create ect_g -k 1 -m 1 -c 4K --nosync "$(gdev $G)" "$(gdev $((G + 1)))"
rc_is "  ... removed" 0 "$E" remove ect_g
gok=0
for i in $(seq 0 $((G - 1))); do
	dd if="$(gdev $G)" of="$(gdev "$i")" bs=512 count=$EC_BITMAP_OFFSET oflag=direct status=none &&
		x=$(ecpy sb-patch "$(gdev "$i")" "array_uuid=ect-g-uuid-$(printf %05d "$i")" "name=ect_g$i") || gok=1
done
dmsetup remove "ect_s$G" && dmsetup remove "ect_s$((G + 1))" || gok=1
tap $gok "  ... its first member copied to $G devices, each its own volume (uuid, name)"
rc_is "assemble --scan with $G incomplete volumes: exit 1" 1 "$E" assemble --scan
is "$(grep -cE '^ecctl assemble: ect_g[0-9]+: 1 of 2 members missing \(slots 1\): not started' "$T/err")" "$G" \
	"  ... every one of them named as incomplete, none dropped" || diag_file "$T/err" 3
rc_is "  ... assemble ect_g$((G - 1)) --degraded starts the last one" 0 "$E" assemble "ect_g$((G - 1))" --degraded
rc_is "  ... removed" 0 "$E" remove "ect_g$((G - 1))"
for i in $(seq 0 $((G - 1))); do dmsetup remove "ect_s$i"; done

members_gone
ec_cleanup
tap_done
