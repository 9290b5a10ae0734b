#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deps.sh - install what a fresh Debian 12 machine needs to build,
# check and test dm-ec, for x86_64 and (cross-built, run under QEMU) arm64.
# `make` asks only for --build (what a server needs to build and install
# dm-ec); make check, bench and demo ask for the test world too.
#
# Idempotent: when everything is already in place it only runs one
# dpkg-query and a few stamp-file tests (well under a second).
#
#   scripts/deps.sh --build [KVER]  the build dependencies alone: compiler,
#                              kernel headers for KVER (default: uname -r),
#                              libnl-3, libdevmapper, libblkid, pkg-config
#   scripts/deps.sh --deb      the build dependencies and what make deb needs
#                              (dpkg-dev, debhelper, dh-dkms)
#   scripts/deps.sh            host packages + arm64 kernel tree + kernel-source bits
#   scripts/deps.sh --host     host packages only
#   scripts/deps.sh --arm64    host packages + arm64 kernel/busybox under build/arm64
#   scripts/deps.sh --ksrc     host packages + selftest headers/checkpatch under build/ksrc
#   scripts/deps.sh --print-kver   print the Debian amd64 kernel version used
#
# What ends up where (build/ is gitignored, nothing here is ever committed):
#   build/arm64/               dpkg -x of linux-image-<v>-arm64, linux-headers-<v>-arm64
#                              and busybox-static (all :arm64); the headers' scripts/
#                              point at the host's x86 linux-kbuild tools so that
#                              `make ARCH=arm64 module` cross-builds.
#   build/arm64/lib/modules/<v>-arm64/modules.dep   generated with depmod -b
#   build/ksrc/                kselftest headers, lib.mk, checkpatch.pl and its data
#   build/.deps-*.stamp        "already done" markers
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$ROOT/build

die() { echo "deps.sh: error: $*" >&2; exit 1; }
log() { echo "deps.sh: $*" >&2; }

# What building and installing dm-ec needs (make, make install, DKMS).
BUILD_PKGS=(
	make gcc libc6-dev pkg-config kmod
	libnl-3-dev libnl-genl-3-dev libdevmapper-dev libblkid-dev
)

# Debian packages for the host (amd64) to test: the build's and the test
# world's. Keep sorted-ish by purpose.
PKGS=(
	"${BUILD_PKGS[@]}"
	# kernel to build against and to boot in the VM
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# toolchain and kbuild helpers
	make gcc libc6-dev bc flex bison libelf-dev pkg-config kmod
	gcc-aarch64-linux-gnu sparse python3 dkms
	# userspace build deps
	libnl-3-dev libnl-genl-3-dev libdevmapper-dev libisal-dev
	# test tooling
	dmsetup fio e2fsprogs xfsprogs util-linux
	# t_lvm: LVM over and under a volume
	lvm2
	# t_admin: status --prometheus parsed by a real client library
	python3-prometheus-client
	# VM runner
	qemu-system-x86 qemu-system-arm qemu-user-static busybox-static
	cpio xz-utils gzip
)

want_host=0 want_arm64=0 want_ksrc=0 want_build=0 want_deb=0
if [ $# -eq 0 ]; then
	want_host=1 want_arm64=1 want_ksrc=1
fi
for a in "$@"; do
	case $a in
	--host) want_host=1 ;;
	--arm64) want_host=1 want_arm64=1 ;;
	--ksrc) want_host=1 want_ksrc=1 ;;
	--print-kver) want_host=0 ;;
	--build) want_build=1 ;;
	--deb) want_deb=1 ;;
	-h|--help) sed -n '3,32p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) [ $want_build -eq 1 ] || die "unknown option '$a' (try --help)"
	   BUILD_KVER=$a ;;
	esac
done

# Root is only needed when something must be installed.
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=need_sudo
fi
# shellcheck disable=SC2317 # called through $SUDO
need_sudo() {
	command -v sudo >/dev/null 2>&1 ||
		die "not root and no sudo: cannot run '$*'; run scripts/deps.sh as root once"
	sudo "$@"
}

apt_updated=0
apt_update() {
	if [ $apt_updated -eq 0 ]; then
		log "apt-get update"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
			die "apt-get update failed"
		apt_updated=1
	fi
}

# Print the packages (from the arguments) that are not fully installed.
missing_pkgs() {
	local p st
	declare -A ok=()
	while IFS=' ' read -r p st; do
		[ "$st" = "ii" ] && ok[$p]=1
	done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null || true)
	for p in "$@"; do
		[ -n "${ok[${p%%:*}]:-}" ] || echo "$p"
	done
}

install_pkgs() {
	local miss
	miss=$(missing_pkgs "$@")
	[ -z "$miss" ] && return 0
	log "installing: $(echo "$miss" | tr '\n' ' ')"
	apt_update
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $miss >&2 || die "apt-get install failed"
}

# The newest Debian amd64 kernel that has headers (…/build) installed.
host_kver() {
	local v best=
	for v in /lib/modules/*-amd64; do
		[ -e "$v/build/Makefile" ] || continue
		best=$(printf '%s\n%s\n' "$best" "${v##*/}" | sed '/^$/d' | sort -V | tail -1)
	done
	[ -n "$best" ] || die "no /lib/modules/*-amd64 with headers; is linux-headers-amd64 installed?"
	echo "$best"
}

setup_arm64() {
	local abi=${1%-amd64} akver stamp dir kbuild f debs
	akver=$abi-arm64
	stamp=$B/.deps-arm64-$akver.stamp
	[ -e "$stamp" ] && return 0

	dir=$B/arm64
	debs=$B/debs/arm64
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "dpkg --add-architecture arm64"
		$SUDO dpkg --add-architecture arm64
		apt_updated=0
	fi
	if ! apt-cache show "linux-image-$akver:arm64" >/dev/null 2>&1; then
		apt_update
	fi
	mkdir -p "$debs"
	rm -f "$debs"/*.deb
	log "downloading arm64 kernel $akver and busybox-static"
	# apt-get download writes into the current directory; _apt cannot
	# write into build/, which only produces a harmless warning as root.
	(cd "$debs" && apt-get download -q "linux-image-$akver:arm64" \
		"linux-headers-$akver:arm64" busybox-static:arm64 >&2) ||
		die "apt-get download of the arm64 kernel $akver failed (is arm64 in the apt sources?)"

	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$debs"/*.deb; do
		dpkg -x "$f" "$dir"
	done

	# The arm64 headers include the arch-independent -common package by
	# absolute path; it is the same package the amd64 headers depend on.
	f=$(sed -n 's/^include //p' "$dir/usr/src/linux-headers-$akver/Makefile")
	[ -e "$f" ] || die "$f missing: install linux-headers-$abi-common"

	# scripts/ and tools/ are relative symlinks to ../../lib/linux-kbuild-X;
	# point that at the host (x86) kbuild tools: fixdep, modpost, … are
	# host programs and handle any target ELF.
	kbuild=$(readlink "$dir/usr/src/linux-headers-$akver/scripts")
	kbuild=${kbuild%/scripts}
	kbuild=${kbuild##*/}
	[ -d "/usr/lib/$kbuild/scripts" ] || die "/usr/lib/$kbuild missing (package $kbuild)"
	mkdir -p "$dir/usr/lib"
	rm -rf "${dir:?}/usr/lib/$kbuild"
	ln -s "/usr/lib/$kbuild" "$dir/usr/lib/$kbuild"

	# Kernel image: Debian ships an uncompressed Image on arm64 today;
	# unpack it if a later one is gzip-compressed (QEMU wants an Image).
	f=$dir/boot/vmlinuz-$akver
	[ -e "$f" ] || die "$f missing from linux-image-$akver"
	if [ "$(head -c2 "$f" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
		gzip -dc "$f" >"$dir/boot/Image-$akver"
	else
		ln -sf "vmlinuz-$akver" "$dir/boot/Image-$akver"
	fi

	# The deb ships no modules.dep (postinst makes it): make one.
	depmod -b "$dir" "$akver" || die "depmod -b $dir $akver failed"
	[ -x "$dir/bin/busybox" ] || die "busybox-static:arm64 did not unpack"

	touch "$stamp"
	log "arm64 kernel tree ready in build/arm64 ($akver)"
}

setup_ksrc() {
	local tarball stamp dst top
	# shellcheck disable=SC2012
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
	[ -n "$tarball" ] || die "no /usr/src/linux-source-*.tar.xz (package linux-source-6.1)"
	stamp=$B/.deps-ksrc-$(basename "$tarball" .tar.xz).stamp
	[ -e "$stamp" ] && return 0
	dst=$B/ksrc
	top=$(basename "$tarball" .tar.xz)
	log "extracting selftest headers and checkpatch from $tarball"
	rm -rf "$dst"
	mkdir -p "$dst"
	tar -xJf "$tarball" -C "$dst" --strip-components=1 --wildcards \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/testing/selftests/kselftest_module.h" \
		"$top/tools/testing/selftests/lib.mk" \
		"$top/tools/testing/selftests/run_kselftest.sh" \
		"$top/tools/testing/selftests/kselftest/*" \
		"$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" ||
		die "extracting from $tarball failed"
	touch "$stamp"
}

# The build dependencies, and the headers of the kernel to build for when
# they are not there: a kernel without a package of headers (a custom or
# cloud kernel) gets a warning; KVER=/KDIR= then name another.
install_build() {
	local kver=${BUILD_KVER:-$(uname -r)}
	install_pkgs "${BUILD_PKGS[@]}"
	[ -e "/lib/modules/$kver/build/Makefile" ] && return 0
	apt_update
	if apt-cache show "linux-headers-$kver" >/dev/null 2>&1; then
		log "installing linux-headers-$kver"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "linux-headers-$kver" >&2 ||
			die "apt-get install linux-headers-$kver failed"
	else
		log "warning: no package linux-headers-$kver: the module cannot be built for the running kernel; use KVER= or KDIR= for another"
	fi
}

if [ $want_build -eq 1 ]; then
	install_build
	exit 0
fi
if [ $want_deb -eq 1 ]; then
	install_pkgs "${BUILD_PKGS[@]}" dpkg-dev debhelper dh-dkms
	exit 0
fi
if [ $want_host -eq 1 ]; then
	install_pkgs "${PKGS[@]}"
fi
mkdir -p "$B"
KVER=$(host_kver)
if [ "${1:-}" = "--print-kver" ]; then
	echo "$KVER"
	exit 0
fi
[ $want_arm64 -eq 1 ] && setup_arm64 "$KVER"
[ $want_ksrc -eq 1 ] && setup_ksrc
exit 0
