#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_lifecycle.sh - Documentation/admin-guide.md's "Lifecycle on a server",
# run as written: every shell block of that chapter marked
# "<!-- test: t_lifecycle -->", line by line, in order. Each command must
# exit 0, or N where the line ends in "# exit N". The chapter's disks
# /dev/sdb../dev/sdh are device nodes made here for dm-linear members over
# RAM disks; "modprobe dm-ec" loads the tree's module; "# reboot" stops
# what runs (umount, the volume, the module), takes the members away and
# brings them back under other device-mapper names and minors, in another
# order behind /dev/sdb.. ("the disk of slot N does not come back": that
# one stays away, and /dev/sdh is a blank disk). Runs in the test VM.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${EC_ECCTL:-${ECCTL:-$EC_ROOT/build/user/ecctl}}
[ -x "$E" ] || die "$E not built (make user)"
GUIDE=$EC_ROOT/Documentation/admin-guide.md
T=$EC_TMP
SZ=$((EC_DATA_OFFSET + 32 * 2048))	# 32 MiB data area per disk
NDISK=7
OFF=2048	# 1 MiB into each RAM disk: a disk taken away is not seen as /dev/ramN
NAMES=(sdb sdc sdd sde sdf sdg sdh)

for n in "${NAMES[@]}"; do
	[ -e "/dev/$n" ] && { skip "the chapter's disks" "/dev/$n exists in this guest"; tap_done; exit 0; }
done
ec_setup 0
ec_modprobe ext4 || die "cannot load ext4 (mount cannot load it in the chroot)"
mkdir -p "$T/bin"
ln -s "$E" "$T/bin/ecctl"
export PATH=$T/bin:$PATH

# Every block of the chapter for this test: "LINE" per command, "" between
sed -n '/^## Lifecycle on a server/,/^## [^L]/p' "$GUIDE" | awk '
	/^<!-- test: t_lifecycle -->/ { want = 1; next }
	/^```sh/ { inblk = want; want = 0; next }
	/^```/ { if (inblk) print ""; inblk = 0; next }
	inblk { print }' >"$T/chapter"
[ "$(grep -c . "$T/chapter")" -ge 20 ]
tap $? "the chapter's commands extracted ($(grep -vc -e '^$' -e '^#' "$T/chapter") commands)"

# disks GEN RAM...: dm-linear ect_l<GEN>_<j> 1 MiB into each RAM disk, behind
# /dev/sdb, /dev/sdc, ... in the order given ("-": that name stays absent)
DISKS=()
disks() {
	local gen=$1 j=0 r mm
	shift
	for r in "$@"; do
		if [ "$r" != - ]; then
			dmsetup create "ect_l${gen}_$j" --table "0 $SZ linear /dev/ram$r $OFF" || return 1
			mm=$(dmsetup info -c --noheadings -o major,minor "ect_l${gen}_$j" | tr -d ' ')
			mknod "/dev/${NAMES[j]}" b "${mm%:*}" "${mm#*:}" || return 1
			DISKS+=("ect_l${gen}_$j")
		fi
		j=$((j + 1))
	done
}
disks_gone() {
	local d n
	for n in "${NAMES[@]}"; do rm -f "/dev/$n"; done
	for d in "${DISKS[@]}"; do dmsetup remove "$d" || return 1; done
	DISKS=()
}
# RAM disk r holds slot SLOT_RAM[r]'s member ("" for none)
ec_wipe $((OFF + SZ)) $(seq 0 $((NDISK - 1))) || die "cannot zero the RAM disks"
disks 0 0 1 2 3 4 5 6
tap $? "seven disks /dev/sdb../dev/sdh (dm-linear over RAM disks 0-6)"
declare -A RAM_OF=([0]=0 [1]=1 [2]=2 [3]=3 [4]=4 [5]=5)	# slot -> RAM disk
GEN=0

modprobe() {	# the tree's module (/lib/modules is the host's, read-only)
	if [ "$*" = dm-ec ]; then ec_load_module; else command modprobe "$@"; fi
}

reboot_sim() {	# reboot_sim [DEAD_SLOT]
	local dead=${1:-} order=() r s
	mountpoint -q /mnt && umount /mnt
	dmsetup info vol0 >/dev/null 2>&1 && { dmsetup remove vol0 || return 1; }
	ec_unload_module || return 1
	disks_gone || return 1
	# the members come back behind other names: slots in reverse order
	# (/dev/sdb is slot 5's, or with slot DEAD away slot 4's, and so on),
	# then with DEAD no /dev/sdg and a blank disk as /dev/sdh (RAM disk 6,
	# or the one a replace did not use)
	for s in 5 4 3 2 1 0; do
		[ "$s" = "$dead" ] || order+=("${RAM_OF[$s]}")
	done
	if [ -n "$dead" ]; then
		order+=(-)
		for r in $(seq 0 $((NDISK - 1))); do
			[[ " ${RAM_OF[*]} " == *" $r "* ]] && continue
			ec_wipe $((OFF + SZ)) "$r" || return 1
			order+=("$r")
			break
		done
	fi
	GEN=$((GEN + 1))
	disks "$GEN" "${order[@]}" || return 1
	# at boot the kernel loads dm-ec when the first "ec" table comes
	# (request_module); the tree's module is not where modprobe looks
	ec_load_module
}

# the chapter, line by line
n=0
while IFS= read -r line; do
	case $line in
	"")
		continue ;;
	"# reboot; the disk of slot "*" does not come back")
		s=${line#"# reboot; the disk of slot "}
		s=${s%% *}
		reboot_sim "$s"
		tap $? "$line (its RAM disk ${RAM_OF[$s]} stays away)"
		continue ;;
	"# reboot"*)
		reboot_sim
		tap $? "$line (volume stopped, module unloaded, disks back in another order)"
		continue ;;
	"#"*)
		continue ;;
	esac
	want=0
	if [[ $line =~ \#\ exit\ ([0-9]+)$ ]]; then want=${BASH_REMATCH[1]}; fi
	n=$((n + 1))
	( eval "$line" ) >"$T/out.$n" 2>"$T/err.$n"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "\$ ${line%%  *#*}   (exit $rc)"
	else
		not_ok "\$ ${line%%  *#*}   (exit $rc, expected $want)"
		diag_file "$T/out.$n" 5
		diag_file "$T/err.$n" 5
	fi
	# where the member of a replaced slot now lives
	if [[ $line =~ ^ecctl\ replace\ vol0\ ([0-9]+)\ /dev/(sd[a-z]) ]] && [ "$rc" -eq 0 ]; then
		mm=$(stat -c '%t:%T' "/dev/${BASH_REMATCH[2]}")
		for d in "${DISKS[@]}"; do
			[ "$(dmsetup info -c --noheadings -o major,minor "$d" | tr -d ' ')" = \
			  "$((16#${mm%:*})):$((16#${mm#*:}))" ] || continue
			RAM_OF[${BASH_REMATCH[1]}]=$(dmsetup table "$d" | awk '{ print $4 }' | sed 's|/dev/ram||')
		done
	fi
done <"$T/chapter"

# What the chapter's commands said, checked where it matters
grep -l "vol0: 1 of 6 members missing (slots 5): not started" "$T"/err.* >/dev/null
tap $? "the degraded reboot: assemble --scan named slot 5 as missing"
grep -l "/dev/sdb: no valid dm-ec superblock" "$T"/err.* >/dev/null
tap $? "after wipe, examine /dev/sdb finds no superblock (the disk is there)"
! dmsetup info vol0 >/dev/null 2>&1 && ! grep -q . <(ls /dev/mapper | grep -x vol0)
tap $? "the volume is gone at the end"

mountpoint -q /mnt && umount /mnt
dmsetup info vol0 >/dev/null 2>&1 && dmsetup remove vol0
disks_gone
ec_cleanup
tap_done
