#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/static_checks.sh - kernel-side static checks as TAP: the module
# builds with W=1 without a warning, checkpatch --strict is clean, sparse
# (C=2) is clean; the same for the arm64 cross-build.
#
# usage: scripts/static_checks.sh [w1] [sparse] [checkpatch] [arm64]
#        (no argument: all of them)
set -uo pipefail
want=" ${*:-w1 sparse checkpatch arm64} "
on() { [[ $want == *" $1 "* ]]; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=$ROOT/build
KVER=$(scripts/deps.sh --print-kver)
KDIR=/lib/modules/$KVER/build
n=0
bad=0
t() {	# t <desc> <log> : result of the last command in $?
	local rc=$?
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/#   /' "$2" | tail -30
		bad=1
	fi
}
mkdir -p "$B"

# A private copy of the sources so W=1/C=2 builds don't disturb the tree's
# own objects.
src=$B/static-src
rm -rf "$src"
mkdir -p "$src"
cp -r Kbuild dkms.conf kernel include "$src/"
find "$src" -name '*.o' -o -name '.*.cmd' | xargs rm -f

if on w1; then
	make -C "$KDIR" M="$src" W=1 modules > "$B/w1.log" 2>&1 &&
		! grep -E 'warning:|error:' "$B/w1.log"
	t "x86_64 module builds with W=1 and no warnings" "$B/w1.log"
fi

if on sparse; then
find "$src" -name '*.o' | xargs rm -f
# sparse cannot parse GCC's vector intrinsic headers (it does not know
# the __builtin_ia32_* functions); what it says about them is not about
# our code and is left out. Everything else must be clean.
make -C "$KDIR" M="$src" C=2 CF="-D__CHECK_ENDIAN__" modules > "$B/sparse.log" 2>&1 &&
	! grep -E 'warning:|error:' "$B/sparse.log" |
		grep -v -e '^/usr/lib/gcc/' -e 'error: too many errors'

t "sparse (C=2) is clean" "$B/sparse.log"
fi

if on checkpatch; then
cp=$B/ksrc/scripts/checkpatch.pl
# the kernel's sources (ec_compat_user.h is the codec's userspace side)
files=$(ls kernel/*.[ch] kernel/codec/*.[ch] kernel/codec/simd/*.[ch] include/uapi/linux/*.h |
	grep -v '/ec_compat_user\.h$')
perl "$cp" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,NEW_TYPEDEFS,PREFER_DEFINED_ATTRIBUTE_MACRO \
	-f $files > "$B/checkpatch.log" 2>&1
! grep -E ': (ERROR|WARNING|CHECK):' "$B/checkpatch.log"
t "checkpatch --strict is clean" "$B/checkpatch.log"
fi

a64=$B/arm64-mod
if ! on arm64; then
	:
elif [ -d "$B/arm64/usr/src" ]; then
	make -C "$ROOT" module-arm64 > "$B/arm64.log" 2>&1 &&
		[ -f "$a64/dm-ec.ko" ] && ! grep -E 'warning:|error:' "$B/arm64.log"
	t "arm64 module cross-builds with W=1 and no warnings" "$B/arm64.log"
else
	false
	t "arm64 kernel headers are present (scripts/deps.sh --arm64)" /dev/null
fi
exit $bad
