#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/debug-kernel.sh - build, once, a debug kernel for the test VM
# from Debian's linux-source-6.1, with KASAN, KFENCE, UBSAN, lockdep,
# DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS and fault injection (failslab,
# fail_page_alloc, fail_make_request), and only the drivers the VM tests
# use. `make debug-kernel` calls it; `make check-debug` boots it.
#
# Cache (build/debug-kernel/, never committed):
#   src/         the extracted kernel source (linux-source-6.1)
#   obj/         the build tree (O=): .config, vmlinux, the headers and
#                Module.symvers that dm-ec.ko is built against
#   root/lib/modules/<kver>/   the modules, as the guest's modprobe wants
#   bzImage, kver              the image the VM boots, its release (the
#                PVH entry of vmlinux does not boot with KASAN: a triple
#                fault before the first console line)
#   config.frag                the options applied to x86_64_defconfig
# A second run does nothing unless the source tarball is newer than the
# cached build, the options changed, or DEBUG_KERNEL_REBUILD=1.
#
# usage: scripts/debug-kernel.sh [--print-dir]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=${EC_DEBUG_KERNEL_DIR:-$ROOT/build/debug-kernel}
TARBALL=${EC_KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${JOBS:-$(nproc)}
ME=scripts/debug-kernel.sh

if [ "${1:-}" = --print-dir ]; then
	echo "$D"
	exit 0
fi

die() { echo "$ME: error: $*" >&2; exit 1; }
say() { echo "$ME: $*"; }

if [ ! -r "$TARBALL" ]; then
	say "installing linux-source-6.1 and the kernel build tools"
	apt-get install -y --no-install-recommends linux-source-6.1 flex bison bc \
		libelf-dev libssl-dev cpio xz-utils >/dev/null ||
		die "cannot install linux-source-6.1 (apt-get)"
fi
[ -r "$TARBALL" ] || die "$TARBALL missing"
for t in flex bison bc; do
	command -v $t >/dev/null || apt-get install -y --no-install-recommends \
		flex bison bc libelf-dev libssl-dev >/dev/null || die "$t missing"
done

# The options: x86_64_defconfig, less what a 9p-rooted TCG guest with RAM
# disks never uses, plus the drivers the tests load and the debug net.
mkdir -p "$D"
cat >"$D/config.frag.new" <<'EOF'
# identity
LOCALVERSION="-ecdebug"
LOCALVERSION_AUTO=n
# boot: PVH entry (run.sh boots the ELF vmlinux), serial console, 9p root
PVH=y
SERIAL_8250=y
SERIAL_8250_CONSOLE=y
VIRTIO=y
VIRTIO_PCI=y
VIRTIO_BLK=y
NET_9P=y
NET_9P_VIRTIO=y
9P_FS=y
9P_FS_POSIX_ACL=y
DEVTMPFS=y
TMPFS=y
TMPFS_POSIX_ACL=y
CONFIGFS_FS=y
DEBUG_FS=y
BLK_DEV_INITRD=y
RD_GZIP=y
MODULES=y
MODULE_UNLOAD=y
MODULE_FORCE_UNLOAD=y
MODULE_SIG=n
MODULE_COMPRESS_NONE=y
# what the tests use: RAM and loop disks, md, dm targets, filesystems
# (tests/run_debug.sh boots with preempt=full: PREEMPT_DYNAMIC)
PREEMPT_DYNAMIC=y
BLK_DEV=y
BLK_DEV_RAM=m
BLK_DEV_LOOP=m
MD=y
BLK_DEV_MD=m
MD_LINEAR=m
MD_RAID0=m
MD_RAID1=m
MD_RAID10=m
MD_RAID456=m
BLK_DEV_DM=m
DM_ZERO=m
DM_DELAY=m
DM_FLAKEY=m
DM_DUST=m
DM_LOG_WRITES=m
DM_SNAPSHOT=m
DM_MIRROR=m
DM_RAID=m
DM_INTEGRITY=n
DM_CRYPT=n
EXT4_FS=y
EXT4_FS_POSIX_ACL=y
XFS_FS=y
XFS_POSIX_ACL=y
LIBCRC32C=y
CRYPTO_CRC32C=y
CRYPTO_CRC32C_INTEL=y
AIO=y
IO_URING=y
NAMESPACES=y
NET_NS=y
USER_NS=y
VETH=m
# not in a TCG guest with no devices
DRM=n
FB=n
SOUND=n
USB_SUPPORT=n
WLAN=n
WIRELESS=n
CFG80211=n
RFKILL=n
ETHERNET=n
NETFILTER=n
ATA=n
# t_load and t_discard hot-unplug and discard on scsi_debug members
SCSI=m
BLK_DEV_SD=m
SCSI_DEBUG=m
AGP=n
HID=n
INPUT_MOUSE=n
INPUT_JOYSTICK=n
INPUT_TOUCHSCREEN=n
INPUT_TABLET=n
HIBERNATION=n
SUSPEND=n
XEN=n
HYPERV=n
MICROCODE=n
SECURITY_SELINUX=n
AUDIT=n
EFI=n
KEXEC=n
CRASH_DUMP=n
PROFILING=n
DEBUG_INFO_NONE=y
DEBUG_INFO_BTF=n
KALLSYMS=y
KALLSYMS_ALL=y
FRAME_POINTER=y
UNWINDER_FRAME_POINTER=y
# the debug net
KASAN=y
KASAN_GENERIC=y
KASAN_INLINE=y
KASAN_VMALLOC=y
KFENCE=y
UBSAN=y
UBSAN_BOUNDS=y
UBSAN_SHIFT=y
UBSAN_DIV_ZERO=y
UBSAN_BOOL=y
UBSAN_ENUM=y
UBSAN_SANITIZE_ALL=y
PROVE_LOCKING=y
DEBUG_LOCKDEP=n
LOCKDEP_BITS=16
LOCKDEP_CHAINS_BITS=17
DEBUG_ATOMIC_SLEEP=y
DEBUG_OBJECTS=y
DEBUG_OBJECTS_FREE=y
DEBUG_OBJECTS_TIMERS=y
DEBUG_OBJECTS_WORK=y
DEBUG_OBJECTS_RCU_HEAD=y
DEBUG_OBJECTS_PERCPU_COUNTER=y
DEBUG_LIST=y
DEBUG_SG=y
DEBUG_KOBJECT_RELEASE=n
SLUB_DEBUG=y
SOFTLOCKUP_DETECTOR=y
DETECT_HUNG_TASK=y
FAULT_INJECTION=y
FAILSLAB=y
FAIL_PAGE_ALLOC=y
FAIL_MAKE_REQUEST=y
FAULT_INJECTION_DEBUG_FS=y
EOF
if [ -s "$D/bzImage" ] && [ -s "$D/kver" ] && [ "${DEBUG_KERNEL_REBUILD:-0}" != 1 ] &&
   [ "$D/bzImage" -nt "$TARBALL" ] && cmp -s "$D/config.frag.new" "$D/config.frag"; then
	rm -f "$D/config.frag.new"
	say "cached: $(cat "$D/kver") in $D"
	exit 0
fi
mv "$D/config.frag.new" "$D/config.frag"
rm -f "$D/bzImage"

if [ ! -f "$D/src/Makefile" ] || [ "$TARBALL" -nt "$D/src/Makefile" ]; then
	say "extracting $TARBALL"
	rm -rf "$D/src" "$D/src.tmp"
	mkdir -p "$D/src.tmp"
	tar -xf "$TARBALL" -C "$D/src.tmp" --strip-components=1
	mv "$D/src.tmp" "$D/src"
fi

O=$D/obj
mkdir -p "$O"
t0=$(date +%s)
say "configuring in $O"
make -s -C "$D/src" O="$O" x86_64_defconfig
cfg=()
while IFS= read -r l; do
	case $l in ''|'#'*) continue ;; esac
	k=${l%%=*}
	v=${l#*=}
	case $v in
	y) cfg+=(--enable "$k") ;;
	n) cfg+=(--disable "$k") ;;
	m) cfg+=(--module "$k") ;;
	\"*) cfg+=(--set-str "$k" "$(eval echo "$v")") ;;
	*) cfg+=(--set-val "$k" "$v") ;;
	esac
done <"$D/config.frag"
"$D/src/scripts/config" --file "$O/.config" "${cfg[@]}"
make -s -C "$D/src" O="$O" olddefconfig
# Every option asked for must have survived olddefconfig (a dependency
# that is not met drops it silently).
miss=
while IFS= read -r l; do
	case $l in ''|'#'*) continue ;; esac
	k=${l%%=*}
	v=${l#*=}
	case $v in
	n) grep -q "^CONFIG_$k=" "$O/.config" && miss+=" $k(should be off)" ;;
	\"*) ;;
	*) grep -q "^CONFIG_$k=$v\$" "$O/.config" || miss+=" $k=$v" ;;
	esac
done <"$D/config.frag"
[ -z "$miss" ] || die "options lost in olddefconfig:$miss"

say "building with -j$JOBS (nice 19): about 30 min on 2 cores"
nice -n 19 make -s -C "$D/src" O="$O" -j"$JOBS" bzImage modules
kver=$(make -s -C "$D/src" O="$O" kernelrelease)
rm -rf "$D/root"
make -s -C "$D/src" O="$O" INSTALL_MOD_PATH="$D/root" modules_install
depmod -b "$D/root" "$kver"
echo "$kver" >"$D/kver"
cp "$O/arch/x86/boot/bzImage" "$D/bzImage.tmp"
mv "$D/bzImage.tmp" "$D/bzImage"
say "built $kver in $(( $(date +%s) - t0 )) s: $D/bzImage"
