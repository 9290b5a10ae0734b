#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_codec.sh - module load: codec self-test and selection, the codec=
# parameter, version, clean unload.
#
#   dmesg on load: "dm-ec: <variant> encode 10+4: <N> MB/s" per variant,
#   then "dm-ec: using <name>"; codec=<name> forces one; an unknown name
#   makes the load fail.

. "$(dirname "$0")/lib.sh"
ec_require_vm

SPEED_RE='dm-ec: ([a-z0-9_]+) encode 10\+4: ([0-9]+) MB/s'
USING_RE='dm-ec: using ([a-z0-9_]+)'

# load_logged [PARAMS...]: insmod and keep the kernel log of the load in
# $EC_TMP/load.log; returns insmod's status
load_logged() {
	local id rc
	id=$(kmsg_mark)
	ec_load_module "$@"
	rc=$?
	kmsg_since "$id" >"$EC_TMP/load.log"
	return $rc
}

# chosen: the codec named by the "using" line of the last load
chosen() {
	grep -oE "$USING_RE" "$EC_TMP/load.log" | tail -1 | awk '{ print $3 }'
}

# speeds: "name MB/s" per speed line of the last load
speeds() {
	grep -oE "$SPEED_RE" "$EC_TMP/load.log" | awk '{ print $2, $5 }'
}

unload_clean() {
	local desc=$1
	rmmod dm_ec
	tap $? "$desc: rmmod dm_ec succeeds"
	[ ! -d /sys/module/dm_ec ]
	tap $? "$desc: module is gone"
}

ec_modprobe dm-mod || die "cannot load dm-mod"
[ -f "$EC_KO" ] || die "no module at $EC_KO"
ec_unload_module || die "dm_ec is loaded and cannot be unloaded"

is "$(modinfo -F version "$EC_KO")" 1.0.0 "modinfo version is 1.0.0"
like "$(modinfo -F license "$EC_KO")" '^GPL' "license is GPL"
like "$(modinfo -F parm "$EC_KO")" 'codec:' "module has a codec parameter"

# --- default selection ------------------------------------------------------
load_logged
tap $? "insmod dm-ec.ko (automatic codec selection)"
diag_file "$EC_TMP/load.log" 15
best=$(chosen)
like "$best" '^[a-z0-9_]+$' "dmesg has 'dm-ec: using <name>' ($best)"
is "$(grep -cE "$USING_RE" "$EC_TMP/load.log")" 1 "exactly one 'using' line"
speeds >"$EC_TMP/speeds"
variants=$(awk '{ print $1 }' "$EC_TMP/speeds" | sort -u | tr '\n' ' ')
[ -s "$EC_TMP/speeds" ]
tap $? "dmesg has per-variant speed lines ($variants)"
grep -q '^generic ' "$EC_TMP/speeds"
tap $? "the generic variant is always measured"
grep -q "^$best " "$EC_TMP/speeds"
tap $? "the chosen codec ($best) is among the measured ones"
max=$(sort -k2,2n "$EC_TMP/speeds" | tail -1 | awk '{ print $2 }')
bspeed=$(awk -v b="$best" '$1 == b { print $2; exit }' "$EC_TMP/speeds")
[ -n "$bspeed" ] && [ "$bspeed" -eq "$max" ]
tap $? "the chosen codec is the fastest measured ($bspeed of max $max MB/s)"
! grep -qE 'wrong results|self-test failed' "$EC_TMP/load.log"
tap $? "no variant failed its self-test"
[ "$(awk '{ print $2 }' "$EC_TMP/speeds" | sort -n | head -1)" -gt 0 ]
tap $? "every measured speed is positive"
dmsetup targets | grep -qE '^ec +v1\.0\.0$'
tap $? "dmsetup targets lists 'ec v1.0.0'"
# codecs: every kernel built, the one in use in brackets, those the CPU
# cannot run in parentheses; the measured ones are exactly the usable ones.
codecs=$(cat /sys/module/dm_ec/parameters/codecs 2>/dev/null)
is "$(echo "$codecs" | tr ' ' '\n' | grep -c '^\[.*\]$')" 1 \
	"codecs parameter ($codecs): one kernel in brackets"
like "$codecs" "\\[$best\\]" "codecs parameter: the one in use ($best) is in brackets"
is "$(echo "$codecs" | tr ' ' '\n' | grep -v '^(' | tr -d '[]' | sort | tr '\n' ' ')" \
	"$(echo "$variants" | tr ' ' '\n' | grep . | sort | tr '\n' ' ')" \
	"codecs parameter: the usable kernels are the measured ones"
unload_clean "default"

# --- codec=generic ------------------------------------------------------------
load_logged codec=generic
tap $? "insmod codec=generic"
is "$(chosen)" generic "codec=generic: dmesg says 'dm-ec: using generic'"
is "$(speeds | awk '{ print $1 }' | sort -u | tr '\n' ' ')" "generic " \
	"codec=generic: only generic is measured"
is "$(cat /sys/module/dm_ec/parameters/codec 2>/dev/null)" generic \
	"codec parameter readable in sysfs"
like "$(cat /sys/module/dm_ec/parameters/codecs 2>/dev/null)" "\\[generic\\]" \
	"codec=generic: codecs shows generic in use"

# A volume reports the codec in its status line.
ec_brd_setup || die "cannot set up RAM disks"
for i in 0 1 2; do ec_member_create "$i" 16384 || die "member $i"; done
if ec_create cg "$(ec_table 16384 2 1 8 nosync "${MEM[0]}" "${MEM[1]}" "${MEM[2]}")"; then
	ok "2+1 volume created"
	is "$(ec_codec cg)" generic "status codec field is 'generic'"
	dmsetup remove ect_cg
	tap $? "volume removed"
else
	not_ok "2+1 volume created"
fi
for i in 0 1 2; do dmsetup remove "ect_m$i"; done
unload_clean "codec=generic"

# --- every other variant, forced ---------------------------------------------
for v in $variants; do
	[ "$v" = generic ] && continue
	load_logged codec="$v"
	tap $? "insmod codec=$v"
	is "$(chosen)" "$v" "codec=$v: dmesg says 'dm-ec: using $v'"
	unload_clean "codec=$v"
done

# --- unknown codec --------------------------------------------------------------
load_logged codec=nosuch
rc=$?
[ $rc -ne 0 ]
tap $? "insmod codec=nosuch fails"
[ ! -d /sys/module/dm_ec ]
tap $? "codec=nosuch: module not loaded"
grep -q nosuch "$EC_TMP/load.log"
tap $? "codec=nosuch: dmesg names the unknown codec"
diag_file "$EC_TMP/load.log" 5

# --- reload after a failed load -------------------------------------------------
load_logged
tap $? "insmod works again after the failed load"
v_re=${variants% }
like "$(chosen)" "^(${v_re// /|})$" "the automatic choice is one of the measured variants"

ec_cleanup
tap_done
