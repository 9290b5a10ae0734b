#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/run.sh - run test scripts inside a QEMU (TCG) VM booting
# Debian's own kernel, and report them as TAP.
#
# usage: tests/vm/run.sh [--arch x86_64|arm64] [--mem 2G] [--smp 2]
#                        [--slub-debug] [--timeout SEC] [--script-timeout SEC]
#                        [--ko PATH] [--kernel DIR] [--append ARGS] [--verbose]
#                        script [script...]
#
# The VM boots once. Its initramfs (busybox + the kernel's 9p/virtio
# modules) mounts the host's / read-only over virtio-9p and a fresh
# writable result directory, then runs every script in order:
#
#  x86_64: inside a chroot into the host root (proc, sys, devtmpfs, devpts,
#          tmpfs /tmp /run /root /var/tmp mounted), as `bash script` with
#          cwd = repo root; the host's tools, libraries and
#          /lib/modules/<kver> are usable (modprobe brd, dmsetup, fio, ...).
#  arm64:  the host root is x86, so no chroot: `sh script` runs in the
#          busybox initramfs (sh, insmod, modprobe, dmesg, grep, dd, ...),
#          the host tree is at /host; `modprobe` finds the arm64 modules
#          extracted by scripts/deps.sh under build/arm64/lib/modules.
#
# --kernel DIR (x86_64) boots another kernel instead of Debian's: DIR holds
# `bzImage`, `kver` (its release) and
# `root/lib/modules/<kver>/` (depmod'ed), as scripts/debug-kernel.sh leaves
# build/debug-kernel/. The guest's /lib/modules is then a tmpfs holding
# just that kernel's modules, so modprobe in the chroot finds them.
#
# Environment of each script:
#   EC_VM=1  DM_DISABLE_UDEV=1  EC_ARCH=x86_64|arm64
#   EC_ROOT     the repo root as seen by the script (/host/... on arm64)
#   EC_KO       the module to insmod (default <repo>/dm-ec.ko; --ko)
#   EC_RESULTS  a writable directory that ends up in the run's log dir
#   EC_*        every other EC_ variable of the caller (EC_FULL, EC_RAM_MIB,
#               ...), except EC_VM*
#
# A script fails when it exits non-zero, times out (--script-timeout,
# default 600 s), or when the kernel log written while it ran contains a
# BUG/WARNING/Oops/KASAN/UBSAN/lockdep/hung-task/list or slab corruption
# report (regex in DMESG_BAD below; extend it with EC_VM_DMESG_BAD, exempt
# lines with EC_VM_DMESG_IGNORE; the kernel's allocation-failure reports
# inside a test's kmsg_allocfail window are expected). A panic or the overall timeout (--timeout,
# default 1800 s) fails the running script and every later one.
#
# Output (stdout): TAP. "1..N", then for each script its output as
# "# " comment lines (its own "ok"/"not ok" lines as "#   ok ..."), its
# offending dmesg lines, and "ok N - script" / "not ok N - script"; last
# line "# vm: P passed, F failed". Exit status 0 iff all passed.
# Logs: build/vm-logs/<time>-<arch>/ (console.log, params, N.out, N.dmesg,
# N.rc, boot.dmesg); build/vm-logs/latest points at the newest.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=$ROOT/build
ME=tests/vm/run.sh

die() { echo "$ME: error: $*" >&2; exit 2; }
note() { [ "$verbose" -eq 1 ] && echo "# vm: $*" >&2; return 0; }

usage() {
	sed -n '7,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

arch=$(uname -m)
mem=2G
smp=2
slub=0
timeout=1800
script_timeout=600
ko=
kdir=
extra_append=
verbose=0
scripts=()

while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=${2:?--arch needs a value}; shift 2 ;;
	--arch=*) arch=${1#*=}; shift ;;
	--mem) mem=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--slub-debug) slub=1; shift ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--script-timeout) script_timeout=${2:?}; shift 2 ;;
	--ko) ko=${2:?}; shift 2 ;;
	--kernel) kdir=${2:?--kernel needs a directory}; shift 2 ;;
	--kernel=*) kdir=${1#*=}; shift ;;
	--append) extra_append=${2:?}; shift 2 ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage ;;
	--) shift; scripts+=("$@"); break ;;
	-*) die "unknown option '$1'" ;;
	*) scripts+=("$1"); shift ;;
	esac
done
case $arch in
x86_64|amd64|x86) arch=x86_64 ;;
arm64|aarch64) arch=arm64 ;;
*) die "unsupported --arch '$arch' (x86_64 or arm64)" ;;
esac
[ ${#scripts[@]} -gt 0 ] || usage
[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout wants seconds"
[[ $script_timeout =~ ^[0-9]+$ ]] || die "--script-timeout wants seconds"

# Scripts: repo-relative when inside the repo, else absolute host paths.
rel=()
for s in "${scripts[@]}"; do
	[ -f "$s" ] || die "no such script: $s"
	a=$(cd "$(dirname "$s")" && pwd)/$(basename "$s")
	case $a in
	"$ROOT"/*) rel+=("${a#"$ROOT"/}") ;;
	*) rel+=("$a") ;;
	esac
done
if [ -n "$ko" ]; then
	[ -e "$ko" ] || echo "# vm: warning: --ko $ko does not exist" >&2
	ko=$(cd "$(dirname "$ko")" && pwd)/$(basename "$ko")
else
	ko=$ROOT/dm-ec.ko
fi

for t in timeout cpio gzip; do
	command -v $t >/dev/null || die "$t not found (run scripts/deps.sh)"
done

# --- kernel, modules, busybox and QEMU for the chosen arch ---------------
kver_amd64() {
	local v best=
	for v in /lib/modules/*-amd64; do
		if [ ! -e "$v/modules.dep" ] || [ ! -e "/boot/vmlinuz-${v##*/}" ]; then
			continue
		fi
		best=$(printf '%s\n%s\n' "$best" "${v##*/}" | sed '/^$/d' | sort -V | tail -1)
	done
	echo "$best"
}

case $arch in
x86_64)
	kver=$(kver_amd64)
	[ -n "$kver" ] || die "no Debian amd64 kernel in /boot + /lib/modules (run scripts/deps.sh)"
	kernel=/boot/vmlinuz-$kver
	moddir=/lib/modules
	busybox=/bin/busybox
	qemu="qemu-system-x86_64"
	# shellcheck disable=SC2054 # commas are QEMU syntax
	qemu_args=(-machine q35 -accel tcg,thread=multi -cpu max)
	console=ttyS0
	mode=chroot
	if [ -n "$kdir" ]; then
		kdir=$(cd "$kdir" 2>/dev/null && pwd -P) || die "--kernel: no such directory"
		[ -s "$kdir/kver" ] || die "--kernel $kdir: no kver file (scripts/debug-kernel.sh)"
		kver=$(cat "$kdir/kver")
		kernel=$kdir/bzImage
		moddir=$kdir/root/lib/modules
	fi
	;;
arm64)
	A=$B/arm64
	# shellcheck disable=SC2010
	kver=$(ls "$A/lib/modules" 2>/dev/null | grep -- '-arm64$' | sort -V | tail -1 || true)
	[ -n "$kver" ] || die "no arm64 kernel under build/arm64 (run scripts/deps.sh)"
	kernel=$A/boot/Image-$kver
	moddir=$A/lib/modules
	busybox=$A/bin/busybox
	qemu="qemu-system-aarch64"
	# shellcheck disable=SC2054 # commas are QEMU syntax
	qemu_args=(-machine virt -accel tcg,thread=multi -cpu max,pauth-impdef=on)
	console=ttyAMA0
	mode=busybox
	;;
esac
[ -r "$kernel" ] || die "kernel image $kernel missing"

# Decompressing Debian's xz bzImage takes 8+ s under TCG. Boot the ELF
# vmlinux inside it through its PVH entry instead (CONFIG_PVH=y); it is
# extracted once into build/vm/. Falls back to the bzImage.
mkdir -p "$B/vm" "$B/vm-logs"
pvh_vmlinux() {
	local out=$B/vm/vmlinux-$kver off
	if [ ! -s "$out" ] || [ "$out" -ot "$kernel" ]; then
		grep -q '^CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null || return 1
		off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$kernel" | head -1 | cut -d: -f1)
		[ -n "$off" ] || return 1
		tail -c +$((off + 1)) "$kernel" | xz -dc >"$out.tmp" 2>/dev/null || true
		[ "$(head -c4 "$out.tmp" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
			{ rm -f "$out.tmp"; return 1; }
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}
if [ "$arch" = x86_64 ] && [ -z "$kdir" ] && [ -z "${EC_VM_BZIMAGE:-}" ]; then
	kernel=$(pvh_vmlinux) || kernel=/boot/vmlinuz-$kver
fi
[ -x "$busybox" ] || die "busybox $busybox missing (busybox-static; scripts/deps.sh)"
[ -e "$moddir/$kver/modules.dep" ] || die "$moddir/$kver/modules.dep missing"
command -v "$qemu" >/dev/null || die "$qemu not found (run scripts/deps.sh)"

# --- initramfs ------------------------------------------------------------
# Modules needed to reach the 9p shares, in load order, deps first,
# resolved from modules.dep; ones built into the kernel are skipped.
declare -A MOD_PATH=() MOD_DEPS=() MOD_SEEN=()
MOD_ORDER=()
# modname PATH: sets REPLY to the module name (no fork: modules.dep is long)
modname() { REPLY=${1##*/}; REPLY=${REPLY%%.ko*}; REPLY=${REPLY//-/_}; }
load_moddep() {
	local line file deps n
	while IFS= read -r line; do
		file=${line%%:*}
		deps=${line#*:}
		modname "$file"
		MOD_PATH[$REPLY]=$file
		MOD_DEPS[$REPLY]=$deps
	done <"$1/modules.dep"
}
mod_visit() {
	local n d
	modname "$1"
	n=$REPLY
	[ -n "${MOD_SEEN[$n]:-}" ] && return 0
	MOD_SEEN[$n]=1
	if [ -z "${MOD_PATH[$n]:-}" ]; then
		# shellcheck disable=SC2001
		# (grep reads all: with pipefail, an early exit would fail sed)
		if sed 's/-/_/g' "$2/modules.builtin" | grep "/$n\.ko$" >/dev/null; then
			return 0
		fi
		die "module $n is neither in $2/modules.dep nor built in"
	fi
	for d in ${MOD_DEPS[$n]}; do
		mod_visit "$d" "$2"
	done
	MOD_ORDER+=("${MOD_PATH[$n]}")
}

mk_initramfs() {
	local out=$1 kd=$moddir/$kver stage m i=0 f
	stage=$(mktemp -d "$B/vm/stage.XXXXXX")
	load_moddep "$kd"
	for m in virtio_pci 9pnet_virtio 9p; do
		mod_visit "$m" "$kd"
	done
	mkdir -p "$stage"/{bin,modules}
	cp "$busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$ROOT/tests/vm/init.sh" "$stage/init"
	chmod 755 "$stage/init" "$stage/bin/busybox"
	: >"$stage/modules/order"
	for m in "${MOD_ORDER[@]}"; do
		i=$((i + 1))
		modname "$m"
		f=$(printf '%02d-%s.ko' $i "$REPLY")
		case $m in
		*.ko.xz) xz -dc "$kd/$m" >"$stage/modules/$f" ;;
		*.ko.zst) zstd -qdc "$kd/$m" >"$stage/modules/$f" ;;
		*.ko.gz) gzip -dc "$kd/$m" >"$stage/modules/$f" ;;
		*) cp "$kd/$m" "$stage/modules/$f" ;;
		esac
		echo "$f" >>"$stage/modules/order"
	done
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$stage"
}

stamp=$(date +%Y%m%d-%H%M%S)
logdir=$(mktemp -d "$B/vm-logs/$stamp-$arch.XXXX")
ln -sfn "$(basename "$logdir")" "$B/vm-logs/latest"
res=$logdir/guest
mkdir -p "$res"
initrd=$logdir/initramfs.cpio.gz
mk_initramfs "$initrd"
note "kernel $kernel, initramfs modules: ${MOD_ORDER[*]##*/}"

# --- parameters for the guest --------------------------------------------
# guest_path HOSTPATH: where the guest sees a host file. The chroot has
# its own /tmp, /run, /root, /var/tmp (and /dev, /proc, /sys), so files
# from there are copied into the result share first.
guest_path() {
	local p=$1 n
	case $p in
	/tmp/*|/run/*|/root/*|/var/tmp/*|/var/lock/*|/dev/*|/proc/*|/sys/*)
		if [ -e "$p" ]; then
			mkdir -p "$res/files"
			n=$(printf '%s' "$p" | md5sum | cut -c1-8)-$(basename "$p")
			cp "$p" "$res/files/$n"
			[ "$mode" = chroot ] && echo "/tmp/ec-results/files/$n" ||
				echo "/results/files/$n"
			return
		fi ;;
	esac
	[ "$mode" = chroot ] && echo "$p" || echo "/host$p"
}
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	echo "mode=$(sq "$mode")"
	echo "arch=$(sq "$arch")"
	echo "root=$(sq "$ROOT")"
	echo "ko=$(sq "$(guest_path "$ko")")"
	echo "moddir=$(sq "$moddir")"
	echo "script_timeout=$(sq "$script_timeout")"
	echo "nscripts=${#rel[@]}"
	i=0
	for s in "${rel[@]}"; do
		i=$((i + 1))
		[ "${s#/}" != "$s" ] && s=$(guest_path "$s")
		echo "script_$i=$(sq "$s")"
	done
	# Test knobs (EC_FULL, EC_RAM_MIB, ...) reach the scripts; the runner's
	# own EC_VM* variables and what init sets itself do not.
	envs=
	for e in $(compgen -e | grep -E '^EC_[A-Z0-9_]+$' | sort); do
		case $e in EC_VM*|EC_ROOT|EC_KO|EC_ARCH|EC_RESULTS) continue ;; esac
		if [[ ${!e} =~ ^[A-Za-z0-9_.,:/+=-]*$ ]]; then
			envs+=" $e=${!e}"
		else
			echo "run.sh: not passing $e to the VM (value has unsafe characters)" >&2
		fi
	done
	echo "script_env=$(sq "$envs")"
} >"$res/params"

append="console=$console panic=-1 loglevel=5 log_buf_len=8M rdinit=/init"
append+=" mitigations=off nokaslr"
[ "$slub" -eq 1 ] && append+=" slub_debug=FZPU"
[ -n "$extra_append" ] && append+=" $extra_append"

cmd=("$qemu" "${qemu_args[@]}" -m "$mem" -smp "$smp"
	-display none -monitor none -nic none -no-reboot
	-serial "file:$logdir/console.log"
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
	-fsdev "local,id=results,path=$res,security_model=none,multidevs=remap"
	-device "virtio-9p-pci,fsdev=results,mount_tag=results"
	-fsdev "local,id=repo,path=$ROOT,security_model=none,multidevs=remap"
	-device "virtio-9p-pci,fsdev=repo,mount_tag=repo")
printf '%q ' "${cmd[@]}" >"$logdir/qemu.cmd"
echo >>"$logdir/qemu.cmd"

echo "1..${#rel[@]}"
echo "# vm: $arch kernel $kver, logs in ${logdir#"$ROOT"/}"
t0=$(date +%s.%N)
qrc=0
if [ "$verbose" -eq 1 ]; then
	: >"$logdir/console.log"
	tail -n +1 -f "$logdir/console.log" >&2 &
	tailpid=$!
fi
timeout -k 10 "$timeout" "${cmd[@]}" </dev/null >"$logdir/qemu.out" 2>&1 || qrc=$?
t1=$(date +%s.%N)
if [ "$verbose" -eq 1 ]; then
	kill "$tailpid" 2>/dev/null || true
	wait "$tailpid" 2>/dev/null || true
fi

# --- results ----------------------------------------------------------------
DMESG_BAD='BUG:|WARNING:|Oops|kernel BUG|scheduling while atomic|KASAN|UBSAN'
DMESG_BAD+='|general protection|invalid opcode|Unable to handle kernel|Internal error:'
DMESG_BAD+='|blocked for more than|hung_task|soft lockup|hard LOCKUP|rcu_sched self-detected|rcu: INFO'
DMESG_BAD+='|list_del corruption|list_add corruption|Poison overwritten|Redzone overwritten'
DMESG_BAD+='|Object padding overwritten|Padding overwritten|Freepointer corrupt|slab.*corrupt'
DMESG_BAD+='|double free|use-after-free|possible recursive locking|circular locking dependency'
DMESG_BAD+='|inconsistent lock state|refcount_t:|stack-protector|Call Trace:|Call trace:|Kernel panic'
DMESG_BAD+='|ODEBUG:|KFENCE:|lock held when returning|suspicious RCU usage|irq lock inversion'
[ -n "${EC_VM_DMESG_BAD:-}" ] && DMESG_BAD+="|$EC_VM_DMESG_BAD"
dmesg_ignore=${EC_VM_DMESG_IGNORE:-}

# Between "ec-test: allocation failures expected: begin" and "...: end"
# (lib.sh kmsg_allocfail, written by a test injecting allocation
# failures) the kernel's own allocation-failure reports are expected: each
# such block, from its header line to the end of its stack dump
# ("</TASK>"), is left out. Everything else is checked as always.
allocfail_filter() {
	awk '/ec-test: allocation failures expected: begin/ { w = 1 }
	     /ec-test: allocation failures expected: end/ { w = 0 }
	     w && /page allocation failure|kmem_cache_create.*failed with error|vmalloc error:/ { s = 1 }
	     s { if (/<\/TASK>/) s = 0; next }
	     { print }' "$1"
}

bad_dmesg() {
	[ -f "$1" ] || return 1
	if [ -n "$dmesg_ignore" ]; then
		allocfail_filter "$1" | grep -E "$DMESG_BAD" | grep -Ev "$dmesg_ignore"
	else
		allocfail_filter "$1" | grep -E "$DMESG_BAD"
	fi
}

pass=0 fail=0
if [ ! -f "$res/done" ]; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		why="VM timed out after ${timeout}s"
	elif grep -q 'Kernel panic' "$logdir/console.log" 2>/dev/null; then
		why="kernel panic"
	else
		why="VM ended early (qemu exit $qrc)"
	fi
else
	why=
fi
i=0
for s in "${rel[@]}"; do
	i=$((i + 1))
	ok=1
	reasons=()
	if [ -f "$res/$i.out" ]; then
		sed -e 's/^\(not ok\|ok\)\b/  &/' -e 's/^/# /' "$res/$i.out"
	fi
	if [ -f "$res/$i.rc" ]; then
		rc=$(cat "$res/$i.rc")
		if [ "$rc" != 0 ]; then
			ok=0
			if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
				reasons+=("timed out after ${script_timeout}s (exit $rc)")
			else
				reasons+=("exit status $rc")
			fi
		fi
	elif [ -f "$res/$i.start" ]; then
		ok=0
		reasons+=("did not finish: $why")
	else
		ok=0
		reasons+=("not run: $why")
	fi
	# The dmesg of a script that did not finish is only on the console.
	if [ ! -f "$res/$i.dmesg" ] && [ -f "$res/$i.start" ]; then
		sed -n "/vm-init: begin $i /,/vm-init: end $i /p" "$logdir/console.log" \
			2>/dev/null >"$res/$i.dmesg" || true
	fi
	if bad=$(bad_dmesg "$res/$i.dmesg") && [ -n "$bad" ]; then
		ok=0
		reasons+=("kernel log reports problems")
		printf '%s\n' "$bad" | head -40 | sed 's/^/# dmesg: /'
	fi
	if [ $ok -eq 1 ]; then
		echo "ok $i - $s"
		pass=$((pass + 1))
	else
		echo "not ok $i - $s"
		for r in "${reasons[@]}"; do echo "# $s: $r"; done
		fail=$((fail + 1))
	fi
done
[ -n "$why" ] && tail -n 60 "$logdir/console.log" 2>/dev/null | sed 's/^/# console: /'
if bad=$(bad_dmesg "$res/boot.dmesg") && [ -n "$bad" ]; then
	echo "# vm: note: the boot log already had reports (see boot.dmesg):"
	printf '%s\n' "$bad" | head -10 | sed 's/^/# boot: /'
fi

if [ -f "$res/1.start" ]; then
	up=$(cut -d' ' -f1 "$res/1.start")
	t_first=$(stat -c %.3Y "$res/1.start")
	echo "# vm: first script started $(printf '%.1f' "$(echo "$t_first - $t0" | bc)") s" \
		"after QEMU launch (guest uptime ${up} s); VM wall time" \
		"$(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s"
fi
echo "# vm: $pass passed, $fail failed"
[ $fail -eq 0 ]
