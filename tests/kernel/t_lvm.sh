#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_lvm.sh - dm-ec and LVM, both ways (issue 13):
#   on top     a 4+2 dm-ec volume as an LVM physical volume: pvcreate,
#              vgcreate, lvcreate, ext4 on the LV, files with checksums;
#              two members failed: the LV still reads every file back;
#   underneath a 4+2 dm-ec volume over six LVs of a volume group on RAM
#              disks: random data written, two LVs gone, read back
#              identical; assembled again by ecctl assemble from the LVs;
#              ecctl create refuses the VG's physical volumes themselves.
# LVM runs without udev (the guest has none): its configuration, in
# LVM_SYSTEM_DIR, turns off udev synchronisation and scans only the
# test's devices.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${EC_ECCTL:-${ECCTL:-$EC_ROOT/build/user/ecctl}}
[ -x "$E" ] || die "$E not built (make user)"
command -v pvcreate >/dev/null || { skip "lvm2 is not installed"; tap_done; exit 0; }
T=$EC_TMP
PER=$((8 * 2048))
SZ=$((EC_DATA_OFFSET + PER))
ec_setup 6 $SZ
ec_modprobe ext4 || die "cannot load ext4"

export LVM_SYSTEM_DIR=$T/lvm
mkdir -p "$LVM_SYSTEM_DIR"
cat >"$LVM_SYSTEM_DIR/lvm.conf" <<'CONF'
devices {
	obtain_device_list_from_udev = 0
	use_devicesfile = 0
	scan_lvs = 1
	filter = [ "a|^/dev/mapper/ect_l$|", "a|^/dev/ram(6|7|8)$|", "a|^/dev/mapper/ectlv-|", "r|.*|" ]
}
activation {
	udev_sync = 0
	udev_rules = 0
	monitoring = 0
}
CONF

# ---- LVM on top of dm-ec --------------------------------------------------
"$E" create ect_l -k 4 -m 2 -c 64K --nosync "${MEM[@]:0:6}" >/dev/null
tap $? "a 4+2 dm-ec volume"
EC_VOLS+=(ect_l)
pvcreate -q /dev/mapper/ect_l >"$T/lvm.out" 2>&1 &&
	vgcreate -q ectvg /dev/mapper/ect_l >>"$T/lvm.out" 2>&1 &&
	lvcreate -q -y -L 24M -n lv0 ectvg >>"$T/lvm.out" 2>&1
tap $? "pvcreate, vgcreate, lvcreate on it" || diag_file "$T/lvm.out"
LV=/dev/mapper/ectvg-lv0
mkfs.ext4 -q -F -E nodiscard "$LV" >"$T/mkfs.out" 2>&1
tap $? "ext4 on the LV" || diag_file "$T/mkfs.out"
M=$T/mnt
mkdir -p "$M"
mount "$LV" "$M" && EC_MOUNTS+=("$M")
ecpy mkfiles "$M" "$T/manifest" --count 200 --seed 5
tap $? "200 files with checksums"
umount "$M"
mount -o ro "$LV" "$M"
"$E" fail ect_l 1 >/dev/null && "$E" fail ect_l 4 >/dev/null
tap $? "two members of the dm-ec volume failed"
echo 3 >/proc/sys/vm/drop_caches
(cd "$M" && sha256sum -c --quiet "$T/manifest") >"$T/sum.out" 2>&1
tap $? "every file reads back through the LV, degraded" || diag_file "$T/sum.out"
umount "$M"
vgchange -q -an ectvg >/dev/null 2>&1
tap $? "vgchange -an"
"$E" remove ect_l
tap $? "remove the dm-ec volume under the VG"

# ---- dm-ec on top of LVM --------------------------------------------------
for r in 6 7 8; do dd if=/dev/zero of=/dev/ram$r bs=1M count=4 status=none; done
pvcreate -q /dev/ram6 /dev/ram7 /dev/ram8 >"$T/lvm.out" 2>&1 &&
	vgcreate -q ectlv /dev/ram6 /dev/ram7 /dev/ram8 >>"$T/lvm.out" 2>&1
tap $? "a volume group on three RAM disks" || diag_file "$T/lvm.out"
"$E" create ect_p -k 1 -m 1 -c 64K /dev/ram6 /dev/ram7 >"$T/out" 2>&1
[ $? -eq 1 ] && grep -q "^ecctl create: /dev/ram6: not blank: LVM2_member" "$T/out" &&
	grep -q "^ecctl create: /dev/ram7: not blank: LVM2_member" "$T/out" && ! dmsetup info ect_p >/dev/null 2>&1
tap $? "ecctl create refuses the LVM physical volumes, naming each (LVM2_member)" || diag_file "$T/out"
ok_lv=0
lvs=()
for i in 0 1 2 3 4 5; do
	lvcreate -q -y -L 20M -n "m$i" ectlv >>"$T/lvm.out" 2>&1 || ok_lv=1
	lvs+=("/dev/mapper/ectlv-m$i")
done
tap $ok_lv "six LVs" || diag_file "$T/lvm.out"
"$E" create ect_o -k 4 -m 2 -c 64K --nosync "${lvs[@]}" >"$T/out" 2>&1
tap $? "a 4+2 dm-ec volume over the six LVs" || diag_file "$T/out"
EC_VOLS+=(ect_o)
ecpy fill "$(vol o)" "$T/o.ref" --seed 9
tap $? "random data written"
len=$(blockdev --getsz "$(vol o)")
ec_reload o "0 $len ec 4 2 128 0 $(devnum "${lvs[0]}") - $(devnum "${lvs[2]}") $(devnum "${lvs[3]}") - $(devnum "${lvs[5]}")"
tap $? "reloaded with LVs m1 and m4 missing"
ecpy verify "$(vol o)" "$T/o.ref"
tap $? "  ... the data reads back identical"
"$E" remove ect_o >/dev/null
"$E" assemble ect_o --degraded >"$T/out" 2>&1
grep -q "^ect_o: started from 6 of 6 members" "$T/out"
tap $? "ecctl assemble finds the volume on the LVs (all six)" || diag_file "$T/out"
ecpy verify "$(vol o)" "$T/o.ref"
tap $? "  ... data intact"
"$E" remove ect_o >/dev/null
vgchange -q -an ectlv >/dev/null 2>&1
tap $? "vgchange -an of the members' VG"
vgremove -q -f ectlv >/dev/null 2>&1
for r in 6 7 8; do pvremove -q -ff -y /dev/ram$r >/dev/null 2>&1; done
ec_cleanup
tap_done
