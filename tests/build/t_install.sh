#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/build/t_install.sh - a server's build and install, on the host
# (issue 13): what `make`, `make install` and DKMS do, without the test
# world.
#
# - the rules of `make` (all, tools, install) name no test dependency
#   (QEMU, cross compiler, kernel source, kselftest, ISA-L, tests/);
# - `make install DESTDIR=` stages the module under updates/, ecctl, its
#   man page and completion, libec and libec.pc; the module and ecctl say
#   dkms.conf's version; a program built with `pkg-config libec` against
#   the staged library encodes, loses m blocks and rebuilds them; the udev
#   rule and the last-resort units are staged and pass systemd-analyze;
#   `make uninstall DESTDIR=` leaves nothing behind;
# - `make deb` builds dm-ec-dkms (the module's source, dkms postinst) and
#   ecctl (tool, man page, udev rule, units, libec); `dkms build` of the
#   dm-ec-dkms package's source (its own dkms tree under a temporary
#   directory) against the test kernel's headers builds dm-ec.ko; with
#   --vm, tests/build/dkms_smoke.sh then loads that module in the test VM
#   and serves a volume with it.
#
# usage: tests/build/t_install.sh [--vm]    (root; after `make deps`)
# Prints TAP.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
KVER=${TEST_KVER:-$(ls /lib/modules 2>/dev/null | grep -E 'amd64$' | sort -V | tail -1)}
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
T=$(mktemp -d /tmp/t_install.XXXXXX)
trap 'rm -rf "$T"' EXIT
N=0 FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() {
	N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; shift
	local l; for l in "$@"; do printf '#   %s\n' "$l"; done
}
tap() { if [ "$1" -eq 0 ]; then ok "$2"; else shift; not_ok "$@"; fi; }

# --- the build rules --------------------------------------------------------
TESTWORLD='qemu|aarch64|ksrc|kselftest|linux-source|isal|debug-kernel|tests/'
for tgt in all tools install; do
	out=$(make -n --no-print-directory "$tgt" KVER="$KVER" DESTDIR="$T/n" 2>&1)
	bad=$(grep -E "$TESTWORLD" <<<"$out" | head -3)
	[ -z "$bad" ]
	tap $? "make -n $tgt names no test dependency" "$bad"
done
out=$(make -n --no-print-directory all KVER="$KVER" 2>&1 | grep 'scripts/deps.sh')
[ -n "$out" ] && ! grep -qv -- 'scripts/deps.sh --build' <<<"$out"
tap $? "make installs with scripts/deps.sh --build alone (build dependencies only)" "$out"
[ -n "$VERSION" ]
tap $? "dkms.conf has a PACKAGE_VERSION ($VERSION)"

# --- make install / uninstall ---------------------------------------------------
# The admin guide's "Lifecycle on a server" install and uninstall blocks
# ("<!-- test: t_install -->"), run as written with make staged into $D.
D=$T/stage
sed -n '/^## Lifecycle on a server/,/^## [^L]/p' Documentation/admin-guide.md | awk '
	/^<!-- test: t_install -->/ { want = 1; n++; next }
	/^```sh/ { inblk = want; want = 0; next }
	/^```/ { inblk = 0; next }
	inblk { print > (dir "/guide." n) }' dir="$T"
make() { command make --no-print-directory "$@" DESTDIR="$D" KVER="$KVER"; }
guide_block() {	# guide_block N DESC: run block N line by line; each must exit 0
	local line rc=0 why=""
	[ -s "$T/guide.$1" ] || { not_ok "$2" "no block $1 in the guide"; return; }
	while IFS= read -r line; do
		case $line in ""|"#"*) continue ;; esac
		eval "$line" >>"$T/guide.$1.log" 2>&1 </dev/null ||
			{ rc=1; why="$line: exit $? ($(tail -2 "$T/guide.$1.log" | tr '\n' ' '))"; break; }
	done <"$T/guide.$1"
	tap $rc "$2: $(grep -v '^#' "$T/guide.$1" | paste -sd';' | sed 's/;/; /g')" "$why"
}
guide_block 1 "admin guide, install (DESTDIR=..., KVER=$KVER)"
missing=()
for f in "lib/modules/$KVER/updates/dm-ec.ko" usr/local/sbin/ecctl \
	 usr/local/share/man/man8/ecctl.8 usr/local/share/man/man5/ecctl.conf.5 \
	 usr/share/bash-completion/completions/ecctl \
	 usr/local/include/libec.h usr/local/lib/libec.a usr/local/lib/pkgconfig/libec.pc \
	 usr/lib/udev/rules.d/64-dm-ec.rules usr/lib/systemd/system/dm-ec-last-resort@.timer \
	 usr/lib/systemd/system/dm-ec-last-resort@.service usr/lib/systemd/system/ecctl-monitor.service \
	 usr/lib/systemd/system/ecctl-scrub@.service usr/lib/systemd/system/ecctl-scrub@.timer \
	 usr/lib/systemd/system/ecctl-metrics.service usr/lib/systemd/system/ecctl-metrics.timer \
	 usr/local/share/dm-ec/hooks/dm-ec-ledctl usr/local/share/dm-ec/hooks/dm-ec-webhook; do
	[ -f "$D/$f" ] || missing+=("$f")
done
[ ${#missing[@]} -eq 0 ]
tap $? "everything staged (module under updates/, ecctl, man, completion, libec, libec.pc, udev rule, units)" \
	"missing: ${missing[*]}"
U=$D/usr/lib/systemd/system
out=$(systemd-analyze verify --man=no --root="$D" "$U/dm-ec-last-resort@vol0.service" \
	"$U/dm-ec-last-resort@vol0.timer" 2>&1)
tap $? "systemd-analyze verify passes the last-resort timer and service" "$out"
# the monitor's unit has the default dependencies: the system's targets
# beside it (a copy of the staged tree)
VR=$T/verify-root
mkdir -p "$VR"
cp -a "$D/." "$VR/"
cp /lib/systemd/system/*.target "$VR/usr/lib/systemd/system/" 2>/dev/null
mkdir -p "$VR/bin" && cp "$(readlink -f /bin/sh)" "$VR/bin/sh"	# the metrics unit's shell
VU=$VR/usr/lib/systemd/system
out=$(systemd-analyze verify --man=no --root="$VR" "$VU/ecctl-monitor.service" \
	"$VU/ecctl-scrub@vol0.service" "$VU/ecctl-scrub@vol0.timer" \
	"$VU/ecctl-metrics.service" "$VU/ecctl-metrics.timer" 2>&1)
tap $? "systemd-analyze verify passes ecctl-monitor.service, ecctl-scrub@.timer/.service, ecctl-metrics.timer/.service (beside the system's targets)" "$out"
grep -qx 'ExecStart=/usr/local/sbin/ecctl scrub %I --wait' "$VU/ecctl-scrub@.service" &&
	grep -q '^OnCalendar=' "$VU/ecctl-scrub@.timer" &&
	grep -q "ExecStart=/bin/sh -c '/usr/local/sbin/ecctl status --prometheus >" "$VU/ecctl-metrics.service"
tap $? "the scrub and metrics units run the installed ecctl (monthly scrub; metrics into the textfile directory)"
grep -qx 'ExecStart=/usr/local/sbin/ecctl monitor --syslog' "$U/ecctl-monitor.service" &&
	grep -qx 'Restart=on-failure' "$U/ecctl-monitor.service"
tap $? "ecctl-monitor.service runs the installed ecctl monitor, restarted on failure"
grep -q 'RUN+="/usr/local/sbin/ecctl assemble --incremental $devnode"' \
	"$D/usr/lib/udev/rules.d/64-dm-ec.rules" &&
	grep -q 'IMPORT{program}="/usr/local/sbin/ecctl examine --export $devnode"' \
	"$D/usr/lib/udev/rules.d/64-dm-ec.rules" && ! grep -q '@SBINDIR@' "$D/usr/lib/udev/rules.d/64-dm-ec.rules"
tap $? "the udev rule runs the installed ecctl (examine --export, assemble --incremental)"
v=$(modinfo -F version "$D/lib/modules/$KVER/updates/dm-ec.ko" 2>&1)
[ "$v" = "$VERSION" ]
tap $? "the module's version is dkms.conf's ($v)"
v=$("$D/usr/local/sbin/ecctl" --version 2>&1)
[[ $v == "ecctl $VERSION "* ]]
tap $? "ecctl --version says $VERSION ($v)"

cat >"$T/pc.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libec.h>

int main(void)
{
	enum { K = 10, M = 4, LEN = 4096 };
	static unsigned char buf[K + M][LEN], orig[K + M][LEN];
	void *blocks[K + M];
	struct libec_ctx *ctx;
	int i;

	srand(1);
	for (i = 0; i < K + M; i++) {
		for (int j = 0; j < LEN; j++)
			buf[i][j] = rand();
		blocks[i] = buf[i];
	}
	if (libec_init() || libec_ctx_new(&ctx, K, M) ||
	    libec_encode(ctx, LEN, (const void * const *)blocks, blocks + K))
		return 1;
	memcpy(orig, buf, sizeof(buf));
	for (i = 0; i < K + M; i++)
		if ((0x2c1 >> i) & 1)
			memset(buf[i], 0, LEN);
	if (libec_reconstruct(ctx, 0x2c1, LEN, blocks))
		return 2;
	libec_ctx_free(ctx);
	return memcmp(orig, buf, sizeof(buf)) ? 3 : 0;
}
C
pc() {
	PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_PATH=$D/usr/local/lib/pkgconfig \
		pkg-config "$@" libec
}
# shellcheck disable=SC2046
gcc -o "$T/pc" "$T/pc.c" $(pc --cflags) $(pc --libs) >"$T/pc.log" 2>&1 && "$T/pc"
tap $? "a program built with pkg-config libec (staged) encodes, loses 4 blocks, rebuilds them" \
	"$(tail -3 "$T/pc.log")"
guide_block 2 "admin guide, uninstall"
unset -f make
left=$(find "$D" -type f | sed "s|^$D/||" | head -5)
[ -z "$left" ]
tap $? "make uninstall leaves no file behind" "$left"

# --- DKMS ----------------------------------------------------------------------
if ! command -v dkms >/dev/null; then
	not_ok "dkms is installed (scripts/deps.sh)"
else
	# the packages, and DKMS building the module from dm-ec-dkms's source
	make --no-print-directory deb >"$T/deb.log" 2>&1
	DK=build/deb/dm-ec-dkms_${VERSION}_all.deb
	EC=build/deb/ecctl_${VERSION}_$(dpkg --print-architecture).deb
	[ -f "$DK" ] && [ -f "$EC" ]
	tap $? "make deb builds dm-ec-dkms and ecctl $VERSION" "$(tail -5 "$T/deb.log")"
	missing=()
	lst=$(dpkg-deb -c "$DK" 2>/dev/null)
	for f in dkms.conf Kbuild kernel/ec_main.c kernel/codec/ec_rs.c include/uapi/linux/dm-ec-format.h; do
		grep -q "\./usr/src/dm-ec-$VERSION/$f\$" <<<"$lst" || missing+=("$f")
	done
	dpkg-deb -I "$DK" 2>/dev/null | grep -q 'Depends:.*dkms' || missing+=("Depends: dkms")
	dpkg-deb -e "$DK" "$T/ctl" 2>/dev/null && grep -q dkms "$T/ctl/postinst" || missing+=("postinst")
	[ ${#missing[@]} -eq 0 ]
	tap $? "dm-ec-dkms: the module's source under /usr/src/dm-ec-$VERSION, dkms postinst" \
		"missing: ${missing[*]}"
	missing=()
	lst=$(dpkg-deb -c "$EC" 2>/dev/null)
	for f in usr/sbin/ecctl usr/share/man/man8/ecctl.8.gz usr/share/man/man5/ecctl.conf.5.gz \
		 usr/lib/udev/rules.d/64-dm-ec.rules \
		 usr/lib/systemd/system/dm-ec-last-resort@.timer usr/lib/systemd/system/dm-ec-last-resort@.service \
		 usr/lib/systemd/system/ecctl-monitor.service \
		 usr/lib/libec.a usr/include/libec.h usr/lib/pkgconfig/libec.pc; do
		grep -q "\./$f\$" <<<"$lst" || missing+=("$f")
	done
	dpkg-deb -x "$EC" "$T/ecpkg" 2>/dev/null
	grep -q '/usr/sbin/ecctl assemble --incremental' "$T/ecpkg/usr/lib/udev/rules.d/64-dm-ec.rules" ||
		missing+=("rule naming /usr/sbin/ecctl")
	[ ${#missing[@]} -eq 0 ]
	tap $? "ecctl: the tool, man page, udev rule, units, libec" "missing: ${missing[*]}"
	dpkg-deb -x "$DK" "$T/pkg" 2>/dev/null
	mkdir -p "$T/dkms"
	dkms build -m dm-ec -v "$VERSION" -k "$KVER" --sourcetree "$T/pkg/usr/src" \
		--dkmstree "$T/dkms" >"$T/dkms.log" 2>&1
	tap $? "dkms build of dm-ec-dkms's source for $KVER" "$(tail -5 "$T/dkms.log")"
	ko=$(find "$T/dkms/dm-ec/$VERSION/$KVER" -name 'dm-ec.ko*' 2>/dev/null | head -1)
	[ -n "$ko" ] && [ "$(modinfo -F version "$ko")" = "$VERSION" ] &&
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$KVER" ]
	tap $? "the DKMS module is for $KVER and says version $VERSION" "${ko:-no dm-ec.ko}"
	if [ "${1:-}" = --vm ] && [ -n "$ko" ]; then
		case $ko in *.xz) xz -dc "$ko" >"$T/dm-ec.ko" ;; *) cp "$ko" "$T/dm-ec.ko" ;; esac
		tests/vm/run.sh --ko "$T/dm-ec.ko" --timeout 900 --script-timeout 800 \
			tests/build/dkms_smoke.sh >"$T/vm.out" 2>&1
		rc=$?
		sed -n 's/^\(not \)\{0,1\}ok [0-9]* - /  vm: &/p' "$T/vm.out" | sed 's/^/# /'
		tap $rc "the DKMS-built module loads in the test VM and serves a 4+2 volume" \
			"$(grep -E '^(not ok|# vm)' "$T/vm.out" | head -5)"
	fi
fi

echo "1..$N"
echo "# $((N - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
