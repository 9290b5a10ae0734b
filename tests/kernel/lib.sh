# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/kernel/lib.sh - shared helpers for the dm-ec kernel tests.
#
# Sourced by tests/kernel/t_*.sh, which run as root inside the test VM
# (tests/vm/run.sh): bash, cwd = repo root, EC_VM=1, DM_DISABLE_UDEV=1,
# EC_KO = the module to load. Several scripts run in one boot, so every
# script removes what it created (ec_cleanup, also run from an EXIT trap).
#
# Conventions
#   - Output is TAP-ish: "ok N - desc", "not ok N - desc", "# diag".
#     tap_done prints the plan and a summary and returns non-zero when
#     any test failed. "# TODO" lines report behaviour the contract
#     leaves open; they never fail a script.
#   - Every dm device we create is named ect_*: members ect_m<i> (dm-linear
#     over /dev/ram<i>, so that a member can be swapped for dm-error or
#     dm-flakey under a live volume), volumes ect_<name>.
#   - Sizes are in 512-byte sectors unless the name says otherwise.
#   - No `set -e`: many commands are expected to fail.

set -u

EC_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EC_KO=${EC_KO:-$PWD/dm-ec.ko}
EC_TMP=${EC_TMP:-/tmp/ect.$$}
# ecctl reads no /etc/dm-ec/ecctl.conf of the machine: a test that wants
# one writes this file
export ECCTL_CONF=${ECCTL_CONF:-$EC_TMP/ecctl.conf}
# The member layout's data offset (sectors: the metadata area before it),
# from the one header that defines it for the kernel and ecctl.
EC_DATA_OFFSET=$(awk '$1 == "#define" && $2 == "DM_EC_DATA_OFFSET" { print $3 }' \
	"$EC_LIB_DIR/../../include/uapi/linux/dm-ec-format.h")
# ... and where the bitmap starts (the two superblock copies lie below it)
EC_BITMAP_OFFSET=$(awk '$1 == "#define" && $2 == "DM_EC_BITMAP_OFFSET" { print $3 }' \
	"$EC_LIB_DIR/../../include/uapi/linux/dm-ec-format.h")
EC_RAM_MIB=${EC_RAM_MIB:-96}	# size of each brd RAM disk
EC_RAM_NR=16

MEM=()				# member device paths, index = member number
MEM_SECTORS=()			# size of each member
EC_VOLS=()			# volumes created by this script (names)
EC_MOUNTS=()			# mount points to unmount at cleanup
EC_BG_PIDS=()			# background processes to kill at cleanup

# ---------------------------------------------------------------------------
# TAP
TAP_N=0
TAP_FAILED=0
TAP_TODO_FAILED=0

diag() { printf '# %s\n' "$*"; }

# diag_file FILE [MAX]: a file's (last MAX) lines as diagnostics
diag_file() {
	[ -s "$1" ] || return 0
	tail -n "${2:-20}" "$1" | sed 's/^/#   /'
}

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	local l
	for l in "$@"; do diag "  $l"; done
}

# rc_is DESC WANT CMD...: ok when CMD exits WANT; its stdout and stderr
# stay in $EC_TMP/out and $EC_TMP/err (shown when it does not)
rc_is() {
	local desc=$1 want=$2 rc
	shift 2
	"$@" >"$EC_TMP/out" 2>"$EC_TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc" "exit $rc, expected $want: $*"
		diag_file "$EC_TMP/out" 5
		diag_file "$EC_TMP/err" 5
	fi
}

# tap COND_RC DESC [DIAG...]: ok when COND_RC is 0
tap() {
	local rc=$1
	shift
	if [ "$rc" -eq 0 ]; then ok "$1"; else not_ok "$@"; fi
}

# todo COND_RC DESC: behaviour the contract does not pin down; reported,
# never fails the script.
todo() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2 # TODO not in the contract"
	else
		TAP_TODO_FAILED=$((TAP_TODO_FAILED + 1))
		echo "not ok $TAP_N - $2 # TODO not in the contract"
	fi
}

skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

# check DESC CMD...: run CMD (output kept for the diagnostics), ok when it
# exits 0
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc" "command failed (exit $rc): $*"
		[ -n "$out" ] && printf '%s\n' "$out" | tail -n 15 | sed 's/^/#     /'
	fi
	return $rc
}

# check_fails DESC CMD...: ok when CMD exits non-zero
check_fails() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc" "command succeeded but should have failed: $*"
	[ -n "$out" ] && printf '%s\n' "$out" | tail -n 5 | sed 's/^/#     /'
	return 1
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
		return 0
	fi
	not_ok "$3" "got:      '$1'" "expected: '$2'"
	return 1
}

# like GOT REGEX DESC (extended regex, whole string)
like() {
	if [[ $1 =~ $2 ]]; then
		ok "$3"
		return 0
	fi
	not_ok "$3" "got:      '$1'" "expected: /$2/"
	return 1
}

# tap_done: plan + summary; returns 1 if anything failed
tap_done() {
	echo "1..$TAP_N"
	diag "$((TAP_N - TAP_FAILED)) passed, $TAP_FAILED failed" \
		"($TAP_TODO_FAILED TODO not ok)"
	[ "$TAP_FAILED" -eq 0 ]
}

die() {
	not_ok "fatal: $*"
	exit 1
}

# fio_ok LOG: fio's output LOG shows its job ended with err=0 and reports
# no I/O error and no verify failure
fio_ok() {
	grep -qE 'err= *0' "$1" &&
		! grep -qiE 'io_u error|verify.*(bad|fail)|bad (magic|header)|err= *[1-9]' "$1"
}

# fio16 NAME SEED [fio args]: 16 writers, each on its own 1/16 of volume
# f (LEN sectors), random sizes 512 B..64 KiB, FIO16_IO bytes each
# (default 1M), crc32c verify; one TAP line "NAME: 16 fio writers, ..."
fio16() {
	local name=$1 seed=$2 log=$EC_TMP/fio16.${1// /_} rc
	shift 2
	fio --name=w --filename="$(vol f)" --numjobs=16 --rw=randwrite \
		--bsrange=512-64k --ioengine=libaio --iodepth=4 --direct=1 \
		--size=$((LEN * 512 / 16)) --offset_increment=$((LEN * 512 / 16)) \
		--io_size="${FIO16_IO:-1M}" --verify=crc32c --verify_fatal=1 --randseed="$seed" \
		--group_reporting "$@" >"$log" 2>&1
	rc=$?
	fio_ok "$log" && [ $rc -eq 0 ]
	tap $? "$name: 16 fio writers, write + verify" "fio exit $rc" \
		"$(grep -iE 'err=|verify|error' "$log" | head -5)"
}

# vol_sum: sha256 of the whole volume f
vol_sum() { sha256sum <"$(vol f)" | cut -d' ' -f1; }

# ---------------------------------------------------------------------------
# Setup and cleanup

# ec_require_vm: these scripts load modules and create RAM disks; refuse to
# run anywhere but the throwaway test VM.
ec_require_vm() {
	if [ "${EC_VM:-}" != 1 ] || [ "$(id -u)" != 0 ]; then
		echo "$0: runs only as root inside the test VM (tests/vm/run.sh)" >&2
		exit 77
	fi
	export DM_DISABLE_UDEV=1
	mkdir -p "$EC_TMP"
	# The VM's devtmpfs has no /dev/fd (udev would make it); bash's
	# process substitution and <(...) in tools need it.
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	local i n=0
	for i in stdin stdout stderr; do
		[ -e /dev/$i ] || ln -s /proc/self/fd/$n /dev/$i
		n=$((n + 1))
	done
	trap 'ec_cleanup quiet; exit 1' INT TERM
	trap 'ec_cleanup quiet' EXIT
}

# now: seconds since boot, with fraction
now() { cut -d' ' -f1 /proc/uptime; }

# elapsed T0: seconds (integer) since T0 from now()
elapsed() { echo "$(now) $1" | awk '{ printf "%d", $1 - $2 }'; }

# ec_modprobe MOD...: in the chroot the kernel's own request_module() runs
# the initramfs' modprobe, which knows no modules: load explicitly.
ec_modprobe() {
	local m
	for m in "$@"; do
		modprobe "$m" 2>/dev/null || modprobe "${m//-/_}" || return 1
	done
}

ec_module_loaded() { [ -d /sys/module/dm_ec ]; }

# ec_load_module [PARAM=VALUE...]: insmod $EC_KO after its dependencies
ec_load_module() {
	local deps d
	ec_modprobe dm-mod || return 1
	ec_module_loaded && return 0
	[ -f "$EC_KO" ] || { diag "EC_KO=$EC_KO does not exist"; return 1; }
	deps=$(modinfo -F depends "$EC_KO" 2>/dev/null | tr ',' ' ')
	for d in $deps; do
		ec_modprobe "$d" || diag "cannot load dependency $d"
	done
	insmod "$EC_KO" "$@"
}

ec_unload_module() {
	ec_module_loaded || return 0
	rmmod dm_ec
}

# ec_brd_setup: 16 RAM disks of EC_RAM_MIB MiB. brd's parameters are fixed
# while it is loaded; if it already is (a previous script could not unload
# it), use it as it is.
ec_brd_setup() {
	if [ ! -b /dev/ram0 ]; then
		modprobe brd rd_nr=$EC_RAM_NR rd_size=$((EC_RAM_MIB * 1024)) \
			max_part=0 || return 1
	fi
	local i
	for i in $(seq 0 $((EC_RAM_NR - 1))); do
		[ -b /dev/ram$i ] || { diag "/dev/ram$i missing"; return 1; }
	done
}

# ram_sectors I: size of /dev/ram<I>
ram_sectors() { blockdev --getsz /dev/ram"$1"; }

# ec_setup [N [SECTORS]]: load everything, members 0..N-1 (default 16) as
# dm-linear over /dev/ram<i>, each SECTORS long (default: the whole disk),
# zeroed where it matters (brd is zero when freshly loaded; see ec_wipe).
ec_setup() {
	local n=${1:-$EC_RAM_NR} sz=${2:-} i
	ec_modprobe dm-mod || die "cannot load dm-mod"
	ec_brd_setup || die "cannot set up brd RAM disks"
	ec_load_module || die "cannot load $EC_KO"
	ecpy_start
	for i in $(seq 0 $((n - 1))); do
		ec_member_create "$i" "${sz:-$(ram_sectors "$i")}" ||
			die "cannot create member $i"
	done
}

# ec_member_create I SECTORS [OFFSET]: ect_m<I> = linear over /dev/ram<I>
ec_member_create() {
	local i=$1 sz=$2 off=${3:-0}
	dmsetup create "ect_m$i" --table "0 $sz linear /dev/ram$i $off" || return 1
	MEM[i]=/dev/mapper/ect_m$i
	MEM_SECTORS[i]=$sz
}

# member_table_linear I: the member's healthy table
member_table_linear() { echo "0 ${MEM_SECTORS[$1]} linear /dev/ram$1 0"; }

# member_swap I TABLE: replace a member's table under a live volume
member_swap() {
	local i=$1 table=$2
	dmsetup suspend "ect_m$i" &&
		dmsetup load "ect_m$i" --table "$table" &&
		dmsetup resume "ect_m$i"
}

member_set_error() { member_swap "$1" "0 ${MEM_SECTORS[$1]} error"; }
member_set_linear() { member_swap "$1" "$(member_table_linear "$1")"; }
# member_set_flakey I UP DOWN [FEATURES...] (see dm-flakey.rst)
member_set_flakey() {
	local i=$1 up=$2 down=$3
	shift 3
	local feat=""
	[ $# -gt 0 ] && feat=" $# $*"
	ec_modprobe dm-flakey || return 1
	member_swap "$i" "0 ${MEM_SECTORS[$i]} flakey /dev/ram$i 0 $up $down$feat"
}

# devnum PATH: major:minor of a block device
devnum() {
	local d
	d=$(stat -L -c '%t %T' "$1") || return 1
	set -- $d
	echo "$((16#$1)):$((16#$2))"
}

# ec_wipe [SECTORS] I...: zero the first SECTORS (default: all) of the
# RAM disks behind members I...
ec_wipe() {
	local sz=$1 i n
	shift
	for i in "$@"; do
		n=${sz:-$(ram_sectors "$i")}
		dd if=/dev/zero of=/dev/ram"$i" bs=1M count=$((n / 2048)) \
			oflag=direct status=none || return 1
		if [ $((n % 2048)) -ne 0 ]; then
			dd if=/dev/zero of=/dev/ram"$i" bs=512 \
				seek=$((n / 2048 * 2048)) count=$((n % 2048)) \
				oflag=direct status=none || return 1
		fi
	done
}

# ec_wipe_for LEN K CHUNK I...: zero what a volume of LEN sectors uses on
# members I... (metadata area + data area, whole chunks), so that "nosync"
# is true: data written for another geometry would leave the parity of the
# new one wrong wherever the new volume is not written in whole stripes.
ec_wipe_for() {
	local len=$1 k=$2 chunk=$3 per
	shift 3
	per=$(( (len + k * chunk - 1) / (k * chunk) * chunk ))
	ec_wipe $(( (EC_DATA_OFFSET + per + 2047) / 2048 * 2048 )) "$@"
}

# ec_hash_members [SECTORS] I...: one sha256 per member's RAM disk (of its
# first SECTORS), "i hash" lines
ec_hash_members() {
	local sz=$1 i
	shift
	for i in "$@"; do
		if [ -n "$sz" ]; then
			echo "$i $(head -c $((sz * 512)) /dev/ram"$i" | sha256sum | cut -d' ' -f1)"
		else
			echo "$i $(sha256sum </dev/ram"$i" | cut -d' ' -f1)"
		fi
	done
}

# ---------------------------------------------------------------------------
# Volumes

# ec_devs MISSING I...: device list for members I..., "-" for those in
# MISSING (space separated indexes)
ec_devs() {
	local missing=" $1 " i out=()
	shift
	for i in "$@"; do
		if [[ $missing == *" $i "* ]]; then
			out+=(-)
		else
			out+=("${MEM[$i]}")
		fi
	done
	echo "${out[*]}"
}

# SLOT[i]: the device in slot i of the volume a script works on (paths;
# slots_reset N: members 0..N-1 in order). A replaced member's slot gets
# the new device.
SLOT=()
slots_reset() {
	local i
	SLOT=()
	for ((i = 0; i < $1; i++)); do SLOT[i]=${MEM[$i]}; done
}

# slot_devs MISSING: the devices of SLOT, those in MISSING (indexes) as "-"
slot_devs() {
	local miss=" $1 " i out=()
	for i in "${!SLOT[@]}"; do
		if [[ $miss == *" $i "* ]]; then out+=(-); else out+=("${SLOT[$i]}"); fi
	done
	echo "${out[*]}"
}

# slot_others SEED N EXCLUDE...: N slot indexes not in EXCLUDE, picked by
# SEED (the same SEED picks the same slots)
slot_others() {
	local seed=$1 n=$2
	shift 2
	printf '%s\n' "${!SLOT[@]}" | grep -vxF "$(printf '%s\n' "$@")" |
		awk -v s="$seed" 'BEGIN { srand(s) } { print rand(), $1 }' |
		sort -n | head -"$n" | awk '{ print $2 }' | sort -n | tr '\n' ' '
}

# ec_table LENGTH K M CHUNK "OPTS" DEVS...: a table line; OPTS are the
# optional words (their count is added)
ec_table() {
	local len=$1 k=$2 m=$3 chunk=$4 opts=$5 nopt=0
	shift 5
	[ -n "$opts" ] && nopt=$(wc -w <<<"$opts")
	echo "0 $len ec $k $m $chunk $nopt${opts:+ $opts} $*"
}

# ec_max_length K CHUNK MEMBER_SECTORS: the largest valid <length>
ec_max_length() {
	echo $(( $1 * (($3 - EC_DATA_OFFSET) / $2 * $2) ))
}

# ec_create NAME TABLE: create /dev/mapper/ect_NAME
ec_create() {
	local name=ect_$1
	dmsetup create "$name" --table "$2" || return 1
	EC_VOLS+=("$name")
}

ec_remove() {
	local name=ect_$1
	blockdev --flushbufs "/dev/mapper/$name" 2>/dev/null
	dmsetup remove "$name"
}

# ec_reload NAME TABLE: replace the table of a live volume
ec_reload() {
	local name=ect_$1
	dmsetup reload "$name" --table "$2" && dmsetup resume "$name"
}

vol() { echo "/dev/mapper/ect_$1"; }

# ec_status NAME: the status line without "<start> <len> ec"
ec_status() {
	dmsetup status "ect_$1" | awk '$3 == "ec" { $1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit }'
}

# ec_field NAME N: field N (1 = k) of the status
ec_field() { ec_status "$1" | awk -v n="$2" '{ print $n }'; }
ec_health() { ec_field "$1" 4; }
ec_action() { ec_field "$1" 6; }
ec_mismatch() { ec_field "$1" 7; }
ec_codec() { ec_field "$1" 8; }

# ec_wait_sync NAME [TIMEOUT]: until sync_action is idle and no member is
# 'a'. Returns 1 on timeout.
ec_wait_sync() {
	local name=$1 tmo=${2:-300} t0 st
	t0=$(now)
	while :; do
		st=$(ec_status "$name")
		set -- $st
		if [ "${6:-}" = idle ] && [[ ${4:-a} != *a* ]]; then
			return 0
		fi
		if [ "$(elapsed "$t0")" -ge "$tmo" ]; then
			diag "timeout waiting for sync of $name: $st"
			return 1
		fi
		sleep 0.5
	done
}

# ec_wait_idle NAME [TIMEOUT]: until sync_action is idle
ec_wait_idle() {
	local name=$1 tmo=${2:-300} t0 st
	t0=$(now)
	while :; do
		st=$(ec_status "$name")
		set -- $st
		[ "${6:-}" = idle ] && return 0
		if [ "$(elapsed "$t0")" -ge "$tmo" ]; then
			diag "timeout waiting for idle of $name: $st"
			return 1
		fi
		sleep 0.5
	done
}

# health_expect N MISSING: the health string of an in-sync volume of N
# members with MISSING (indexes) given as "-"
health_expect() {
	local n=$1 missing=" $2 " i s=""
	for ((i = 0; i < n; i++)); do
		if [[ $missing == *" $i "* ]]; then s+="-"; else s+="A"; fi
	done
	echo "$s"
}

# ---------------------------------------------------------------------------
# Kernel log

# kmsg_mark: write a unique marker line to the kernel log, print its id
kmsg_mark() {
	local id
	id="${0##*/}-$$-$RANDOM$RANDOM"
	echo "ec-test: mark $id" >/dev/kmsg
	echo "$id"
}

# kmsg_since ID: kernel log lines after the marker
kmsg_since() {
	dmesg | awk -v m="ec-test: mark $1" 'f { print } index($0, m) { f = 1 }'
}

# kmsg_allocfail begin|end: between the two, the kernel's own reports of
# a failed allocation (a stack dump after "page allocation failure",
# "kmem_cache_create(...) failed with error", "vmalloc error") are
# expected, for a test that injects allocation failures by count into a
# path whose callers may warn (tests/vm/run.sh exempts exactly those
# report blocks inside the window; any other report still fails)
kmsg_allocfail() {
	echo "ec-test: allocation failures expected: $1" >/dev/kmsg
}

# ---------------------------------------------------------------------------
# Data helpers (see ecio.py)
#
# Starting python costs seconds under TCG, so one ecio.py server runs per
# script as a coprocess and `ecpy CMD ARGS...` sends it a command line.

ecpy_start() {
	[ -n "${ECPY_PID:-}" ] && return 0
	coproc ECPY { exec python3 -B -I -S "$EC_LIB_DIR/ecio.py" serve 2>&1; }
	EC_BG_PIDS+=("$ECPY_PID")
}

# ecpy CMD ARGS...: run an ecio.py command in the server, print its output,
# return its exit status. Each request carries a token that the answer's
# last line repeats ("<token> <rc>"), so a caller that gave up early cannot
# make the next one read its output. Bash gives the coprocess' descriptors
# to command substitutions but not to pipeline members or process
# substitutions: use `x=$(ecpy ...)` or a file, never `ecpy ... | cmd`.
ecpy() {
	local line
	if [ -z "${ECPY_PID:-}" ]; then
		diag "ecpy: call ecpy_start (or ec_setup) first"
		return 2
	fi
	local tok="@@$RANDOM$RANDOM"
	{ printf '%s ' "$tok"; printf '%q ' "$@"; echo; } >&"${ECPY[1]}" || return 2
	while IFS= read -r line <&"${ECPY[0]}"; do
		case $line in
		"$tok "*) return "${line#"$tok "}" ;;
		@@*) diag "ecpy: output of an earlier command: $line" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
	diag "ecio.py server died"
	return 2
}

# lbs NAME: logical block size of a volume
lbs() { blockdev --getss "$(vol "$1")"; }

flushbufs() { blockdev --flushbufs "$1" 2>/dev/null; }

# ---------------------------------------------------------------------------
# Cleanup

# ec_remove_all: every ect_* device, volumes (anything not a member) first
ec_remove_all() {
	local d rc=0 pass
	for pass in vol member; do
		for d in $(dmsetup ls 2>/dev/null | awk '$1 ~ /^ect_/ { print $1 }'); do
			if [ $pass = vol ] && [[ $d == ect_m[0-9]* ]]; then continue; fi
			dmsetup resume "$d" 2>/dev/null
			dmsetup remove "$d" 2>/dev/null ||
				dmsetup remove --force "$d" 2>/dev/null || rc=1
		done
	done
	return $rc
}

# ec_cleanup [quiet]: undo everything; without "quiet", report it as a test
ec_cleanup() {
	local rc=0 p mp
	trap - EXIT
	for p in "${EC_BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	EC_BG_PIDS=()
	for mp in "${EC_MOUNTS[@]}"; do
		mountpoint -q "$mp" && { umount "$mp" || umount -l "$mp"; }
	done
	EC_MOUNTS=()
	ec_remove_all || rc=1
	if dmsetup ls 2>/dev/null | grep -q '^ect_'; then
		rc=1
		diag "left over: $(dmsetup ls | grep '^ect_' | tr '\n' ' ')"
	fi
	ec_unload_module || rc=1
	rmmod dm_flakey 2>/dev/null
	rmmod brd 2>/dev/null
	rm -rf "$EC_TMP"
	if [ "${1:-}" != quiet ]; then
		tap $rc "cleanup: devices removed, dm-ec unloaded"
	fi
	return $rc
}

# --- crash-point replay (crashpt.py: t_replay.sh, t_initsync_cut.sh) ---

# replay_brd: crashpt.py's 56 RAM disks of 16 MiB: members 0-13, the log
# 14-27, replay targets 28-41, snapshot stores 42-55 (brd allocates only
# what is written).
replay_brd() {
	if [ -b /dev/ram0 ]; then
		rmmod brd || return 1
	fi
	modprobe brd rd_nr=56 rd_size=16384 max_part=0
}

# replay_remove: what crashpt.py made, users before what they use
replay_remove() {
	local d mp
	for mp in "$EC_TMP"/*/mnt "$EC_TMP"/*/cmnt; do
		mountpoint -q "$mp" 2>/dev/null && umount -l "$mp"
	done
	for d in ect_cp ect_rv ect_tc $(dmsetup ls | awk '$1 ~ /^ect_(sn|m)[0-9]/ { print $1 }') \
		ect_lw ect_base ect_lgd ect_rt; do
		dmsetup info "$d" >/dev/null 2>&1 && dmsetup remove "$d"
	done
}

# crashpt ARGS...: run crashpt.py; its "ok - "/"not ok - " lines become
# tests, the rest is printed; CRASHPT_RC = its exit status
crashpt() {
	local l
	CRASHPT_RC=255
	while IFS= read -r l; do
		case $l in
		"ok - "*) ok "${l#ok - }" ;;
		"not ok - "*) not_ok "${l#not ok - }" ;;
		"@@rc "*) CRASHPT_RC=${l#@@rc } ;;
		*) echo "$l" ;;
		esac
	done < <(python3 -B -I -S "$EC_LIB_DIR/crashpt.py" "$@" 2>&1; echo "@@rc $?")
}
