#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_harden_user.sh - ecctl against the real kernel where the host tests
# (tests/user/t_ecctl_input.sh) cannot go:
#   - `ecctl replace` whose final resume fails (the replacement's superblock
#     goes bad between the table load and the resume, while the old table's
#     suspend is slowed down by a dm-delay member): the volume must not stay
#     suspended; the previous table is live again, the data unchanged, and
#     the message names the volume and says what happened;
#   - `status --json` and `list --json` with a volume name and a member
#     device name that are not valid UTF-8: the documents parse strictly,
#     the bad bytes are U+FFFD.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${EC_ECCTL:-${ECCTL:-$EC_ROOT/build/user/ecctl}}
[ -x "$E" ] || die "$E not built (make user)"
SZ=24576			# sectors per member: 8192 metadata + 16384 data
ec_setup 7 $SZ
ec_modprobe dm-delay || die "cannot load dm-delay"
T=$EC_TMP

# strict_json DESC FILE [PYEXPR]: FILE is one JSON document in UTF-8; with
# PYEXPR, also true for it (d = the document)
strict_json() {
	local r
	if r=$(python3 -c 'import json, sys
d = json.loads(open(sys.argv[1], "rb").read())
if len(sys.argv) > 2 and not eval(sys.argv[2]):
    sys.exit("expression false: " + sys.argv[2])' "$2" "${3:-}" 2>&1); then
		ok "$1"
	else
		not_ok "$1" "$(printf '%s' "$r" | tail -n 1)"
		diag_file "$2" 3
	fi
}

dm_state() { dmsetup info "$1" 2>/dev/null | awk -F': *' '$1 == "State" { print $2 }'; }

# ---- a failed final resume of replace ----------------------------------------
"$E" create ect_h -k 2 -m 2 -c 4K --nosync "${MEM[@]:0:4}" >/dev/null ||
	die "cannot create ect_h"
EC_VOLS+=(ect_h)
LEN=$(blockdev --getsz "$(vol h)")
dd if=/dev/urandom of="$T/data" bs=512 count="$LEN" status=none
dd if="$T/data" of="$(vol h)" bs=64k oflag=direct status=none
SUM=$(sha256sum <"$T/data")
TBL0=$(dmsetup table ect_h)

# Slow down the superblock writes of the old table's suspend.
member_swap 0 "0 $SZ delay /dev/ram0 0 0 /dev/ram0 0 2500" || die "cannot delay member 0"
"$E" replace ect_h 1 "${MEM[4]}" >"$T/rep.out" 2>"$T/rep.err" &
RPID=$!
t0=$(now)
while ! dmsetup info ect_h | grep -q 'INACTIVE'; do
	[ "$(elapsed "$t0")" -ge 30 ] && break
	kill -0 $RPID 2>/dev/null || break
	sleep 0.1
done
if dmsetup info ect_h | grep -q 'INACTIVE'; then
	# A superblock with the magic but a bad checksum, in both copies: the
	# new table's preresume reads it and fails.
	for s in 0 8; do
		{ printf 'dm-ec-sb'; head -c 4088 /dev/urandom; } |
			dd of=/dev/ram4 bs=4096 seek=$((s / 8)) oflag=direct status=none
	done
	ok "replace: new table loaded, replacement's superblock spoiled during the suspend"
else
	not_ok "replace: new table loaded, replacement's superblock spoiled during the suspend" \
		"no inactive table seen"
fi
wait $RPID
rc=$?
member_swap 0 "$(member_table_linear 0)" || diag "cannot restore member 0"
is "$rc" 1 "replace whose resume fails: exit 1"
diag_file "$T/rep.err" 5
grep -q "ect_h: " "$T/rep.err"
tap $? "  ... the message names the volume"
is "$(dm_state ect_h)" ACTIVE "  ... the volume is not left suspended"
is "$(dmsetup table ect_h)" "$TBL0" "  ... the previous table is live again"
if [ "$(dm_state ect_h)" = ACTIVE ]; then
	is "$(dd if="$(vol h)" bs=64k iflag=direct status=none | sha256sum)" "$SUM" \
		"  ... the data is unchanged"
	"$E" status ect_h >"$T/st" 2>&1
	is "$?" 0 "  ... ecctl status: healthy (exit 0)"
else
	not_ok "  ... the data is unchanged" "volume suspended"
	not_ok "  ... ecctl status: healthy (exit 0)" "volume suspended"
fi
if [ "$(dm_state ect_h)" = ACTIVE ]; then
	ec_remove h
else
	dmsetup remove --force ect_h
fi

# ---- JSON with names that are not UTF-8 ---------------------------------------
BADV=$'ect_j\xff\xfe'
BADM=$'ect_b\xc3\x28'
dmsetup --manglename none create "$BADM" --table "0 $SZ linear /dev/ram6 0"
have_badm=$?
bm=$(dmsetup --manglename none info -c --noheadings -o major,minor "$BADM" 2>/dev/null)
ec_wipe_for 32 1 8 5 6
if [ $have_badm -eq 0 ] &&
	dmsetup --manglename none create "$BADV" \
		--table "$(ec_table "$(ec_max_length 1 8 $SZ)" 1 1 8 nosync "${MEM[5]}" "$bm")"; then
	ok "volume and member with names that are not UTF-8 created"
	"$E" status --json >"$T/all.json" 2>"$T/err"
	is "$?" 0 "status --json (all volumes): exit 0"
	strict_json "  ... valid JSON; the name has U+FFFD for the bad bytes" "$T/all.json" \
		'any(v["name"] == "ect_j\ufffd\ufffd" for v in d["volumes"])'
	strict_json "  ... the member's device has U+FFFD too" "$T/all.json" \
		'any(m["device"] == "/dev/mapper/ect_b\ufffd(" for v in d["volumes"] for m in v["members"])'
	"$E" status "$BADV" --json >"$T/one.json" 2>"$T/err"
	is "$?" 0 "status <name> --json: exit 0"
	strict_json "  ... valid JSON" "$T/one.json" 'd["name"] == "ect_j\ufffd\ufffd"'
	"$E" list --json >"$T/list.json" 2>"$T/err"
	is "$?" 0 "list --json: exit 0"
	strict_json "  ... valid JSON" "$T/list.json" \
		'any(v["name"] == "ect_j\ufffd\ufffd" for v in d["volumes"])'
else
	not_ok "volume and member with names that are not UTF-8 created"
fi
dmsetup --manglename none remove "$BADV" 2>/dev/null
dmsetup --manglename none remove "$BADM" 2>/dev/null

ec_cleanup
tap_done
