#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_ecctl_input.sh - ecctl's input handling, on the host: no VM, no module,
# no device-mapper (DM_DEV_DIR points nowhere, so no ioctl is ever made).
#
# - command-line numbers (-k, -m, --chunk) that only fit by wrapping around,
#   device paths that would add words to a table line;
# - examine and recover on member images (regular files from mkimg.py) with
#   crafted superblocks: chunk_sectors 0 (SIGFPE before), data_offset and
#   data_sectors out of range or disagreeing, truncated members, impossible
#   geometry, the output being one of the members, 31+1 volumes (the 32-bit
#   member mask): every crafted image is refused with a message naming it
#   and the cause, the others are used, and the recovered image is compared
#   with the volume data, byte for byte;
# - create refuses devices holding a filesystem, a partition table or
#   another volume's dm-ec superblock (each named, with what it holds),
#   unless --force; wipe clears a member's metadata area and nothing else,
#   and refuses devices without dm-ec metadata unless --force;
# - JSON with names that are not valid UTF-8, checked by a strict parser;
# - build/tests/ecctl_unit: netlink replies and events with wrong types,
#   lengths, ranges and strings, and reload() against a fake libdevmapper
#   (crafted tables, a resume that fails).
#
# ecctl is the ASan/UBSan build (build/tests/ecctl-san, from `make user`)
# unless ECCTL says otherwise; each run must end with the expected exit
# status, no signal and no sanitizer report. Prints TAP.
#
# usage: tests/user/t_ecctl_input.sh     (from anywhere; needs `make user`)
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E=${ECCTL:-$ROOT/build/tests/ecctl-san}
export ECCTL_CONF=/nonexistent/ecctl.conf	# this machine's own is not read
U=${ECCTL_UNIT:-$ROOT/build/tests/ecctl_unit}
MK="python3 $ROOT/tests/user/mkimg.py"
T=$(mktemp -d /tmp/t_ecctl_input.XXXXXX)
trap 'rm -rf "$T"' EXIT
export DM_DEV_DIR=$T/nodev
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=98

N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $N - $1"
	shift
	local l
	for l in "$@"; do printf '#   %s\n' "$l"; done
}
diag_file() { [ -s "$1" ] && head -n "${2:-8}" "$1" | sed 's/^/#     /'; }
tap() { if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi; }
DATA_OFFSET=$(awk '$1 == "#define" && $2 == "DM_EC_DATA_OFFSET" { print $3 }' \
	"$ROOT/include/uapi/linux/dm-ec-format.h")

for f in "$E" "$U"; do
	if [ ! -x "$f" ]; then
		echo "Bail out! $f not built (make user)"
		exit 1
	fi
done

# ec DESC WANT_RC ERR_REGEX ARGS...: run ecctl ARGS; ok when it exits
# WANT_RC, its stderr matches ERR_REGEX (extended; '' = anything), it was
# not killed by a signal and no sanitizer spoke. Output in $T/out, $T/err.
ec() {
	local desc=$1 want=$2 re=$3 rc why=()
	shift 3
	"$E" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq "$want" ] || why+=("exit $rc, expected $want")
	[ "$rc" -gt 128 ] && why+=("killed by signal $((rc - 128))")
	grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$T/err" &&
		why+=("sanitizer report")
	if [ -n "$re" ] && ! grep -qE -- "$re" "$T/err"; then
		why+=("stderr does not match /$re/")
	fi
	if [ ${#why[@]} -eq 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc" "${why[@]}" "ecctl $*"
	diag_file "$T/err"
	return 1
}

# same DESC FILE1 FILE2: identical contents
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1" "$(cmp "$2" "$3" 2>&1 | head -n 1)"
	fi
}

# strict_json DESC FILE: one JSON document, UTF-8 (python decodes strictly)
strict_json() {
	local r
	if r=$(python3 -c 'import json, sys
json.loads(open(sys.argv[1], "rb").read())' "$1" 2>&1); then
		ok "$2"
	else
		not_ok "$2" "$(printf '%s' "$r" | tail -n 1)"
		diag_file "$1" 3
	fi
}

# vol DIR K M CHUNK ROWS [mkimg options]: fresh member images + data.bin
vol() {
	local d=$1
	shift
	rm -rf "$d"
	$MK build "$d" "$@" >/dev/null || { echo "Bail out! mkimg.py build failed"; exit 1; }
}

# ---- command line ---------------------------------------------------------
: >"$T/d0"
: >"$T/d1"
ec "create -k 4294967297 is a usage error (was taken as 1)" 2 '-k 4294967297' \
	create x -k 4294967297 -m 1 "$T/d0" "$T/d1"
ec "create -m 4294967297 is a usage error" 2 '-m 4294967297' \
	create x -k 1 -m 4294967297 "$T/d0" "$T/d1"
ec "create -k -18446744073709551615 is a usage error" 2 '-k' \
	create x -k -18446744073709551615 -m 1 "$T/d0" "$T/d1"
ec "create -k ' 1' is a usage error" 2 '-k' create x -k ' 1' -m 1 "$T/d0" "$T/d1"
ec "create --chunk 9007199254740996M is a usage error (was 4M after wrapping)" 2 \
	'--chunk 9007199254740996M' create x -k 1 -m 1 -c 9007199254740996M "$T/d0" "$T/d1"
ec "create --chunk 9223372036854779904K is a usage error" 2 '--chunk' \
	create x -k 1 -m 1 -c 9223372036854779904K "$T/d0" "$T/d1"
ec "create --chunk -8s is a usage error" 2 '--chunk' \
	create x -k 1 -m 1 -c -8s "$T/d0" "$T/d1"
ec "create --chunk 64KBB is a usage error" 2 '--chunk' \
	create x -k 1 -m 1 -c 64KBB "$T/d0" "$T/d1"
: >"$T/d 2"
ec "create with a device path holding white space is a usage error" 2 \
	"white space" create x -k 1 -m 1 "$T/d0" "$T/d 2"

# ---- create refuses devices that hold anything; wipe ---------------------
# (host: regular files; libblkid and the dm-ec superblock read see the same
# bytes as on a block device. The dm steps fail here: DM_DEV_DIR is empty.)
P=$T/probe
mkdir -p "$P"
for i in 0 1 2 3; do truncate -s 16M "$P/b$i"; done
truncate -s 16M "$P/ext4" && mkfs.ext4 -q -F "$P/ext4" >/dev/null 2>&1
$MK gpt "$P/gpt" --mib 16
vol "$P/v" 2 1 8 4096
sha_b0=$(sha256sum <"$P/b0")
ec "create refuses a device holding ext4, naming it" 1 \
	"ext4: not blank: ext4 filesystem \(--force" create x -k 2 -m 1 -c 8 "$P/b0" "$P/ext4" "$P/b1"
ec "create refuses a device holding a GPT" 1 "gpt: not blank: gpt partition table" \
	create x -k 2 -m 1 -c 8 "$P/b0" "$P/gpt" "$P/b1"
ec "create refuses a member of another dm-ec volume, naming the volume and slot" 1 \
	"m1.img: not blank: dm-ec metadata \(member 1 of volume [0-9a-f-]{36}\)" \
	create x -k 2 -m 1 -c 8 "$P/b0" "$P/v/m1.img" "$P/b1"
$MK md "$P/md" --mib 16
ec "create refuses an md RAID member (v1.2 superblock), naming it" 1 \
	"md: not blank: linux_raid_member signature \(raid\)" create x -k 2 -m 1 -c 8 "$P/b0" "$P/md" "$P/b1"
ec "create names every device that is not blank, in one run" 1 "gpt: not blank" \
	create x -k 2 -m 1 -c 8 "$P/ext4" "$P/gpt" "$P/b1"
grep -q "ext4: not blank" "$T/err"
tap $? "  ... the ext4 one too"
! grep -q "cannot create" "$T/err"
tap $? "  ... and stops before device-mapper"
[ "$(sha256sum <"$P/b0")" = "$sha_b0" ]
tap $? "  ... a refused create writes nothing"
ec "create on blank devices passes the probe (and reaches device-mapper)" 1 \
	"x: cannot create the volume" create x -k 2 -m 1 -c 8 "$P/b0" "$P/b1" "$P/b2"
! grep -q "not blank" "$T/err"
tap $? "  ... with no device refused"
ec "create --force skips the probe" 1 "x: cannot create the volume" \
	create x -k 2 -m 1 -c 8 --force "$P/ext4" "$P/gpt" "$P/v/m1.img"
! grep -q "not blank" "$T/err"
tap $? "  ... and refuses nothing"
cp --sparse=always "$P/v/m0.img" "$P/w.img"
ec "wipe clears a member's metadata" 0 "" wipe "$P/w.img"
grep -q "w.img: dm-ec metadata wiped (sectors 0-$((DATA_OFFSET - 1)))" "$T/out"
tap $? "  ... and says which sectors"
ec "  ... examine then finds no superblock" 1 "no valid dm-ec superblock" examine "$P/w.img"
cmp -s -n $((DATA_OFFSET * 512)) "$P/w.img" /dev/zero
tap $? "  ... the whole metadata area is zero (superblocks, bitmap, log)"
cmp -s -i $((DATA_OFFSET * 512)) "$P/w.img" "$P/v/m0.img"
tap $? "  ... the data area is untouched"
ec "wipe refuses a device without dm-ec metadata" 1 "b3: no dm-ec metadata: not wiped \(--force" \
	wipe "$P/b3"
ec "wipe refuses a device holding ext4, naming it" 1 "ext4: ext4 filesystem: not wiped" \
	wipe "$P/ext4"
ec "wipe --force clears it anyway" 0 "" wipe --force "$P/ext4"
ec "create accepts a wiped member" 1 "x: cannot create the volume" \
	create x -k 2 -m 1 -c 8 "$P/w.img" "$P/ext4" "$P/b1"
! grep -q "not blank" "$T/err"
tap $? "  ... with no device refused"
ec "wipe of a missing device names it" 1 "nosuch: No such file" wipe "$P/nosuch"
ec "wipe wants one device" 2 "one device is needed" wipe

# ---- examine --export (udev), small things ---------------------------------
ec "examine --export of a member: exit 0" 0 "" examine --export "$P/v/m1.img"
exp_ok=0
for kv in ID_FS_TYPE=dm_ec_member ID_FS_USAGE=raid DM_EC_MEMBER_INDEX=1 DM_EC_K=2 DM_EC_M=1 \
	  DM_EC_CHUNK_SECTORS=8 DM_EC_MEMBER_STATE=active; do
	grep -qx "$kv" "$T/out" || { exp_ok=1; diag "missing $kv"; }
done
cp "$T/out" "$T/export"
uu=$("$E" examine --json "$P/v/m1.img" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["array_uuid"])')
[ -n "$uu" ] && grep -qx "DM_EC_ARRAY_UUID=$uu" "$T/export" && grep -qx "ID_FS_UUID=$uu" "$T/export" ||
	{ exp_ok=1; diag "array uuid $uu not exported"; }
! grep -qvE '^[A-Z_]+=[^ ]+$' "$T/export" || exp_ok=1
tap $exp_ok "  ... KEY=value lines for udev: type dm_ec_member, slot, geometry, one word each"
ec "examine --export of a blank device fails, naming it" 1 "b3: no valid dm-ec superblock" \
	examine --export "$P/b3"
[ ! -s "$T/out" ]
tap $? "  ... and prints nothing for udev to import"
ec "examine --json --export is a usage error" 2 "exclusive" examine --json --export "$P/v/m1.img"
vol "$P/v2" 2 1 8 64 --sb-version 2 --name 'db01' --host 'node-7'
ec "examine of a version 2 member: exit 0" 0 "" examine "$P/v2/m2.img"
grep -qx "            volume: db01, created on node-7" "$T/out"
tap $? "  ... names the volume and the host it was created on"
ec "examine --json of it" 0 "" examine --json "$P/v2/m2.img"
[ "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["version"], d["name"], d["host"])' "$T/out")" = "2 db01 node-7" ]
tap $? "  ... version 2, name and host keys"
ec "examine --export of it" 0 "" examine --export "$P/v2/m2.img"
grep -qx "DM_EC_NAME=db01" "$T/out"
tap $? "  ... DM_EC_NAME for udev"
grep -qx "DM_EC_AUTO=1" "$T/out"
tap $? "  ... DM_EC_AUTO=1 without an ecctl.conf"

# ---- ecctl.conf --------------------------------------------------------------
uu2=$("$E" examine --json "$P/v2/m2.img" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["array_uuid"])')
C=$T/ecctl.conf
printf '# a comment\n\nauto yes   # trailing comment\nvolume web-db uuid=%s auto=no readonly\n' "$uu2" >"$C"
ECCTL_CONF=$C ec "ecctl.conf renames a volume by uuid" 0 "" examine --export "$P/v2/m2.img"
grep -qx "DM_EC_NAME=web-db" "$T/out" && grep -qx "DM_EC_AUTO=0" "$T/out"
tap $? "  ... examine --export says the configured name and auto=no" "$(grep DM_EC_ "$T/out" | head -3)"
printf 'auto no\n' >"$C"
ECCTL_CONF=$C ec "ecctl.conf: auto no" 0 "" examine --export "$P/v2/m2.img"
grep -qx "DM_EC_NAME=db01" "$T/out" && grep -qx "DM_EC_AUTO=0" "$T/out"
tap $? "  ... recorded name kept, DM_EC_AUTO=0"
badconf() {	# badconf DESC LINE2 REGEX: line 2 of the file is refused, naming it
	printf 'auto yes\n%s\n' "$2" >"$C"
	ECCTL_CONF=$C ec "ecctl.conf: $1: assemble refuses" 1 "^ecctl assemble: $C:2: (volume [^:]*: )?$3" assemble --scan
}
badconf "unknown statement" "autostart yes" "unknown statement 'autostart'"
badconf "auto maybe" "auto maybe" "auto takes one word, yes or no"
badconf "volume without a name" "volume" "volume: a name is needed"
badconf "volume without uuid" "volume x" "volume x: uuid= is needed"
badconf "bad uuid" "volume x uuid=1234" "volume x: '1234' is not a UUID"
badconf "uuid with 33 digits" "volume x uuid=${uu2}0" "'${uu2}0' is not a UUID"
badconf "auto=maybe" "volume x uuid=$uu2 auto=maybe" "auto= takes yes or no"
badconf "unknown setting" "volume x uuid=$uu2 fast" "unknown setting 'fast'"
badconf "a name with /" "volume a/b uuid=$uu2" "volume a/b: not a volume name"
badconf "a name of 128 bytes" "volume $(printf 'n%.0s' $(seq 128)) uuid=$uu2" "not a volume name"
badconf "program, relative" "program hook.sh" "program takes one absolute path"
badconf "mail, no @" "mail root" "mail takes one address"
badconf "mail, two words" "mail a@b c@d" "mail takes one address"
badconf "syslog maybe" "syslog maybe" "syslog takes one word, yes or no"
printf 'program /usr/local/bin/hook\nmail root@localhost\nsyslog yes\n' >"$C"
ECCTL_CONF=$C ec "ecctl.conf: program, mail, syslog parse" 0 "" examine --export "$P/v2/m2.img"
printf 'volume x uuid=%s\nvolume x uuid=00000000-0000-0000-0000-000000000001\n' "$uu2" >"$C"
ECCTL_CONF=$C ec "ecctl.conf: a name twice" 1 "$C:2: volume x: named twice" assemble --scan
printf 'volume x uuid=%s\nvolume y uuid=%s\n' "$uu2" "$uu2" >"$C"
ECCTL_CONF=$C ec "ecctl.conf: a uuid twice" 1 "$C:2: volume y: its uuid is volume x's already" assemble --scan
{ printf 'auto yes # '; head -c 2000 /dev/zero | tr '\0' x; echo; } >"$C"
ECCTL_CONF=$C ec "ecctl.conf: a line too long" 1 "$C:1: line longer than" assemble --scan
# The man page's example: it parses, "auto no" holds for a volume it does
# not list, and its first volume line (with this member's uuid) names it.
sed -n '/^\.SH EXAMPLE/,/^\.EE/p' "$ROOT/Documentation/ecctl.conf.5" | sed '1,2d;$d' >"$C"
grep -q '^volume pg-data uuid=' "$C"
tap $? "ecctl.conf(5): its example extracted"
ECCTL_CONF=$C ec "  ... parses" 0 "" examine --export "$P/v2/m2.img"
grep -qx "DM_EC_NAME=db01" "$T/out" && grep -qx "DM_EC_AUTO=0" "$T/out"
tap $? "  ... a volume it does not list: recorded name, auto no"
sed -i "s/^volume pg-data uuid=[^ ]*/volume pg-data uuid=$uu2/" "$C"
ECCTL_CONF=$C ec "  ... with this member's uuid on pg-data's line" 0 "" examine --export "$P/v2/m2.img"
grep -qx "DM_EC_NAME=pg-data" "$T/out" && grep -qx "DM_EC_AUTO=1" "$T/out"
tap $? "  ... named pg-data, auto=yes"
ECCTL_CONF=$T ec "ecctl.conf that is a directory: refused" 1 "$T: Is a directory" assemble --scan
ECCTL_CONF=$T ec "  ... examine --export still exports the member" 0 "$T: Is a directory" \
	examine --export "$P/v2/m2.img"
grep -qx "DM_EC_NAME=db01" "$T/out" && ! grep -q "DM_EC_AUTO" "$T/out"
tap $? "  ... with the recorded name and no DM_EC_AUTO"
ec "examine --json of a version 1 member" 0 "" examine --json "$P/v/m1.img"
[ "$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["version"], d["name"], d["host"])' "$T/out")" = "1 None None" ]
tap $? "  ... version 1: name and host null"
ec "recover from version 2 members" 0 "" recover -o "$T/v2.out" "$P/v2/m0.img" "$P/v2/m2.img"
same "  ... the data" "$P/v2/data.bin" "$T/v2.out"
ec "create with 1 device: the usage error says \"1 device\"" 2 "1 device given, k \+ m = 2 needed" \
	create x -k 1 -m 1 "$P/b0"
ec "libdevmapper's own messages stay off the terminal" 1 "^ecctl create: x: cannot create the volume" \
	create x -k 2 -m 1 -c 8 "$P/b0" "$P/b1" "$P/b2"
! grep -qE "mapper/control|libdevmapper" "$T/err"
tap $? "  ... only ecctl's message"
ec "-v shows them" 1 "libdevmapper: " -v create x -k 2 -m 1 -c 8 "$P/b0" "$P/b1" "$P/b2"
ec "--version: exit 0" 0 "" --version
grep -qE "^ecctl [0-9.]+ \(dm_ec netlink version 1\); module (not loaded|[0-9.]+)$" "$T/out"
tap $? "  ... names ecctl's and the module's version"

# ---- examine ----------------------------------------------------------------
vol "$T/a" 4 2 8 16
cp "$T/a/m0.img" "$T/a/m"$'\xff\xfe'".img"
ec "examine --json of a file whose name is not UTF-8: exit 0" 0 '' \
	examine --json "$T/a/m"$'\xff\xfe'".img"
strict_json "$T/out" "  ... the output is valid JSON (strict UTF-8)"

cp "$T/a/m1.img" "$T/x.img"
$MK set "$T/x.img" ctime 0x7fffffffffffffff
if command -v valgrind >/dev/null && [ -x "$ROOT/build/user/ecctl" ]; then
	valgrind -q --error-exitcode=97 "$ROOT/build/user/ecctl" examine --json \
		"$T/x.img" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q 'uninitialised' "$T/err"; then
		ok "examine of a superblock with ctime 2^63-1: no uninitialised reads (valgrind)"
	else
		not_ok "examine of a superblock with ctime 2^63-1: no uninitialised reads (valgrind)" "exit $rc"
		diag_file "$T/err"
	fi
	strict_json "$T/out" "  ... the output is valid JSON"
fi

cp "$T/a/m1.img" "$T/x.img"
$MK set "$T/x.img" chunk_sectors 0
ec "examine: chunk_sectors 0 is refused, naming the device and the field" 1 \
	"x.img: .*chunk_sectors 0" examine "$T/x.img"
cp "$T/a/m1.img" "$T/x.img"
$MK set "$T/x.img" k 0xffffffff
$MK set "$T/x.img" m 1
ec "examine: k 2^32-1 m 1 is refused" 1 "x.img: .*k " examine "$T/x.img"
cp "$T/a/m1.img" "$T/x.img"
$MK set "$T/x.img" data_offset 0
ec "examine: data_offset 0 is refused" 1 "x.img: .*data_offset 0" examine "$T/x.img"
cp "$T/a/m1.img" "$T/x.img"
$MK set "$T/x.img" data_sectors 0xfffffffffffffff8
ec "examine: data_sectors 2^64-8 is refused" 1 "x.img: .*data_sectors" examine "$T/x.img"

# ---- recover ------------------------------------------------------------------
A=$T/a
M=("$A"/m[0-5].img)
ec "recover: 4+2, all members" 0 '' recover -o "$T/out.img" "${M[@]}"
same "  ... the image is the volume data" "$T/out.img" "$A/data.bin"
ec "recover: 4+2, members 1 and 4 missing, in another order" 0 '' \
	recover -o "$T/out.img" "$A/m5.img" "$A/m3.img" "$A/m0.img" "$A/m2.img"
same "  ... the image is the volume data" "$T/out.img" "$A/data.bin"

# Golden version 1 images (tests/golden/v1: written by a module of that
# format): examine reads them, recover decodes their volume, clean and
# after a power cut with member 2 failed.
G=$T/golden
mkdir -p "$G"
for set in clean crash; do
	mkdir -p "$G/$set"
	for f in "$ROOT/tests/golden/v1/$set"/*.xz; do
		xz -dc "$f" >"$G/$set/$(basename "$f" .xz)"
	done
done
ec "examine: golden version 1 member" 0 "" examine "$G/clean/m0.img"
grep -q "superblock: version 1, copy 0 valid, copy 1 valid" "$T/out" &&
	grep -q "volume: (not recorded: version 1)" "$T/out" && grep -q "state: clean, synced" "$T/out"
tap $? "  ... version 1, both copies valid, no name, clean and synced"
ec "recover: golden v1 'clean' from 4 of its 6 members" 0 '' \
	recover -o "$T/out.img" "$G/clean/m5.img" "$G/clean/m0.img" "$G/clean/m3.img" "$G/clean/m1.img"
same "  ... the data its module wrote" "$T/out.img" "$G/clean/data.bin"
ec "examine: golden v1 'crash' member" 0 "" examine "$G/crash/m0.img"
grep -q "members: AADAAA" "$T/out"
tap $? "  ... says member 2 failed"
ec "recover: golden v1 'crash' (not shut down cleanly) without member 2" 0 "not shut down cleanly" \
	recover -o "$T/out.img" "$G/crash/m0.img" "$G/crash/m1.img" "$G/crash/m3.img" "$G/crash/m4.img" "$G/crash/m5.img"
same "  ... the data (every write had completed)" "$T/out.img" "$G/crash/data.bin"

# One crafted member, newest (events 6), among five good ones: refused, and
# the volume recovered from the others.
crafted() {	# DESC FIELD VALUE REGEX
	local desc=$1 field=$2 val=$3 re=$4
	vol "$T/c" 4 2 8 16 --seed 7
	$MK set "$T/c/m2.img" "$field" "$val"
	$MK set "$T/c/m2.img" events 6
	rm -f "$T/out.img"
	ec "recover: one member with $desc: refused, the rest used" 0 "$re" \
		recover -o "$T/out.img" "$T/c"/m[0-5].img
	same "  ... the image is the volume data" "$T/out.img" "$T/c/data.bin"
}
crafted "chunk_sectors 0 (SIGFPE before)" chunk_sectors 0 "m2.img: .*chunk_sectors 0"
crafted "chunk_sectors 12" chunk_sectors 12 "m2.img: .*chunk_sectors 12"
crafted "data_offset 0 (recovered the wrong sectors before)" data_offset 0 \
	"m2.img: .*data_offset 0"
crafted "data_sectors 2^60" data_sectors 0x1000000000000000 "m2.img: .*data_sectors"
crafted "data_sectors 64 (not the others')" data_sectors 64 "m2.img: .*data"
crafted "member_index 200" member_index 200 "m2.img: .*member_index 200"
crafted "k 28" k 28 "m2.img"
crafted "member state 7 for member 3" member_state.3 7 "m3.img: member 3 is unknown"

# Every member crafted alike: nothing to recover from, and no image.
allcrafted() {	# DESC FIELD VALUE REGEX
	local desc=$1 field=$2 val=$3 re=$4 i
	vol "$T/c" 4 2 8 16 --seed 9
	for i in 0 1 2 3 4 5; do $MK set "$T/c/m$i.img" "$field" "$val"; done
	rm -f "$T/out.img"
	ec "recover: every member with $desc: refused" 1 "$re" \
		recover -o "$T/out.img" "$T/c"/m[0-5].img
	if [ ! -e "$T/out.img" ]; then
		ok "  ... no image written"
	else
		not_ok "  ... no image written" "$(stat -c %s "$T/out.img") bytes written"
	fi
}
allcrafted "chunk_sectors 0" chunk_sectors 0 "chunk_sectors 0"
allcrafted "data_sectors 0" data_sectors 0 "data_sectors 0"
allcrafted "data_sectors 131 (not whole chunks)" data_sectors 131 "data_sectors 131"
allcrafted "data_sectors 2^40 (beyond the images)" data_sectors 0x10000000000 "too small"

vol "$T/c" 4 2 8 16 --seed 11
truncate -s $(((8192 + 64) * 512)) "$T/c/m4.img"
ec "recover: a truncated member is treated as missing" 0 "m4.img: .*too small" \
	recover -o "$T/out.img" "$T/c"/m[0-5].img
same "  ... the image is the volume data" "$T/out.img" "$T/c/data.bin"

sha=$(sha256sum <"$T/c/m1.img")
ec "recover: -o naming one of the members is refused" 1 "m1.img: .*member" \
	recover -o "$T/c/m1.img" "$T/c"/m[0-5].img
if [ "$(sha256sum <"$T/c/m1.img")" = "$sha" ]; then
	ok "  ... the member is untouched"
else
	not_ok "  ... the member is untouched"
fi

vol "$T/c" 4 2 8 16 --seed 13
for i in 0 1 2 3 4 5; do $MK set "$T/c/m$i.img" flags 2; done
ec "recover: not shut down cleanly, all members: no warning" 0 '' \
	recover -o "$T/out.img" "$T/c"/m[0-5].img
if grep -q "warning" "$T/err"; then
	not_ok "  ... no warning" "$(head -n 1 "$T/err")"
else
	ok "  ... no warning"
fi
ec "recover: not shut down cleanly, member 0 missing: warns" 0 \
	"warning: the volume was not shut down cleanly" \
	recover -o "$T/out.img" "$T/c"/m[1-5].img
same "  ... the image is the volume data" "$T/out.img" "$T/c/data.bin"

# 31+1: 32 members, the whole 32-bit member mask.
vol "$T/w" 31 1 8 2 --unsynced
ec "recover: 31+1 not synced, all 32 members: no warning about missing members" 0 '' \
	recover -o "$T/out.img" "$T/w"/m*.img
if grep -q "warning" "$T/err"; then
	not_ok "  ... no 'initial sync' warning with every member present" "$(head -n 1 "$T/err")"
else
	ok "  ... no 'initial sync' warning with every member present"
fi
same "  ... the image is the volume data" "$T/out.img" "$T/w/data.bin"
ec "recover: 31+1 not synced, member 7 missing: warns" 0 "warning: the initial sync" \
	recover -o "$T/out.img" $(ls "$T/w"/m*.img | grep -v '/m7.img$')
vol "$T/w" 31 1 8 3
ec "recover: 31+1, member 30 missing" 0 '' \
	recover -o "$T/out.img" $(ls "$T/w"/m*.img | grep -v '/m30.img$')
same "  ... the image is the volume data" "$T/out.img" "$T/w/data.bin"

# ---- unit tests: netlink replies, events, reload() ----------------------------
mkdir -p "$T/unit"
"$U" "$T/unit" >"$T/unit.out" 2>&1
rc=$?
[ $rc -eq 0 ] || not_ok "ecctl_unit ran to the end" "exit $rc"
while IFS= read -r line; do
	case $line in
	"PASS "*) ok "unit: ${line#PASS }" ;;
	"FAIL "*) not_ok "unit: ${line#FAIL }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$T/unit.out"
for j in reply_valid reply_state9 json_utf8 json_utf8_event; do
	if [ -f "$T/unit/$j.json" ]; then
		strict_json "$T/unit/$j.json" "unit: $j: the JSON output is valid (strict UTF-8)"
	else
		not_ok "unit: $j: the JSON output is valid (strict UTF-8)" "no output"
	fi
done
# The bytes that are not UTF-8 become U+FFFD, the valid ones stay.
if python3 -c 'import json, sys
d = json.loads(open(sys.argv[1], "rb").read())
raw = (b"v\xff\xfe-\xc3\x28-\xe2\x82-\xed\xa0\x80-\xc0\xaf-\xf4\x90\x80\x80"
       b"-\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80-\x01\x1f\"\\\x7f")
want = raw.decode("utf-8", "replace")
sys.exit(0 if d["name"] == want and d["codec"] == "g\ufffdx" else 1)' \
	"$T/unit/json_utf8.json" 2>/dev/null; then
	ok "unit: json_utf8: invalid bytes are U+FFFD, valid characters kept"
else
	not_ok "unit: json_utf8: invalid bytes are U+FFFD, valid characters kept" \
		"$(head -c 300 "$T/unit/json_utf8.json" | cat -v)"
fi

# ---- the monitor's hook examples (user/hooks), with stand-ins for ledctl and curl
H=$T/hooks
mkdir -p "$H"
printf '#!/bin/sh\necho "ledctl $*" >>"%s/calls"\n' "$H" >"$H/ledctl"
printf '#!/bin/sh\nfor a; do last=$a; done\necho "curl $*" >>"%s/calls"\n' "$H" >"$H/curl"
chmod +x "$H/ledctl" "$H/curl"
: >"$H/calls"
PATH=$H:$PATH "$ROOT/user/hooks/dm-ec-ledctl" member_failed vol0 3 /dev/sdd &&
	PATH=$H:$PATH "$ROOT/user/hooks/dm-ec-ledctl" member_in_sync vol0 3 /dev/sdd &&
	PATH=$H:$PATH "$ROOT/user/hooks/dm-ec-ledctl" degraded vol0 &&
	PATH=$H:$PATH "$ROOT/user/hooks/dm-ec-ledctl" member_failed vol0 4 -
is_calls=$(cat "$H/calls")
[ "$is_calls" = "ledctl failure=/dev/sdd
ledctl normal=/dev/sdd" ]
tap $? "hook dm-ec-ledctl: failure LED on when a member fails, off when it is back; nothing else" "$is_calls"
: >"$H/calls"
PATH=$H:$PATH DM_EC_WEBHOOK_URL=http://127.0.0.1:9/hook DM_EC_LOST=1 DM_EC_M=4 \
	"$ROOT/user/hooks/dm-ec-webhook" member_failed 'vol"0' 3 /dev/sdd &&
	PATH=$H:$PATH DM_EC_WEBHOOK_URL=http://127.0.0.1:9/hook "$ROOT/user/hooks/dm-ec-webhook" sync_progress vol0
body=$(sed -n 's/.*--data-binary \(.*\) http:\/\/127.0.0.1:9\/hook$/\1/p' "$H/calls")
[ "$(wc -l <"$H/calls")" -eq 1 ] &&
	python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert d["event"] == "member_failed" and d["volume"] == "vol\"0" and d["member"] == "3" and d["device"] == "/dev/sdd" and d["lost"] == "1", d' "$body"
tap $? "hook dm-ec-webhook: one POST of valid JSON (volume name escaped), none for progress" "$(cat "$H/calls")"
PATH=$H:$PATH "$ROOT/user/hooks/dm-ec-webhook" member_failed vol0 2>"$T/err"
[ $? -eq 1 ] && grep -q "no URL" "$T/err"
tap $? "hook dm-ec-webhook without a URL: exit 1, saying so"

# Every message names the command it comes from: "ecctl <command>: ...",
# getopt's own included; usage lines follow as they are.
prefix() {	# prefix CMD ARGS...: every stderr line but the usage is "ecctl CMD: ..."
	local c=$1 bad
	"$E" "$@" >/dev/null 2>"$T/err"
	bad=$(grep -v -e '^usage: ecctl ' -e '^  ' "$T/err" | grep -v "^ecctl $c: ")
	[ -s "$T/err" ] && [ -z "$bad" ]
	tap $? "messages of 'ecctl $*' start with 'ecctl $c:'" "$(head -3 "$T/err")"
}
prefix create --bogus x
prefix create -k
prefix create x -k 1 -m 1 /dev/nonexistent "$P/b0"
prefix create x -k 99999999999 -m 1 "$P/b0" "$P/b1"
prefix examine /dev/nonexistent
prefix examine --nope "$P/b0"
prefix wipe /dev/nonexistent
prefix recover -o "$T/r.out" /dev/nonexistent
prefix recover -o
prefix assemble --incremental /dev/nonexistent
prefix assemble --bogus
prefix status --bogus
prefix scrub
echo "1..$N"
echo "# $((N - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
