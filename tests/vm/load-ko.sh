#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/vm/load-ko.sh [KO [module params...]] - insmod an out-of-tree
# module after modprobing the in-tree modules it depends on (insmod does
# not resolve them; dm-ec needs dm-mod and libcrc32c). POSIX sh: works in
# the x86 chroot and in the arm64 busybox guest. KO defaults to $EC_KO.
# Usage in a test: sh "$EC_ROOT/tests/vm/load-ko.sh" || exit 1
set -eu
ko=${1:-${EC_KO:?EC_KO is not set}}
[ $# -gt 0 ] && shift
[ -r "$ko" ] || { echo "load-ko: $ko: not found" >&2; exit 1; }
name=$(basename "$ko" .ko | tr - _)
if grep -q "^$name " /proc/modules; then
	echo "load-ko: $name already loaded" >&2
	exit 0
fi
for d in $(modinfo -F depends "$ko" | tr , ' '); do
	modprobe "$d" || { echo "load-ko: modprobe $d (needed by $ko) failed" >&2; exit 1; }
done
insmod "$ko" "$@"
