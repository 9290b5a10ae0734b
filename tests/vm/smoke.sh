#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/vm/smoke.sh - the VM runner's own smoke test: POSIX sh only (it
# also runs under busybox on arm64), loads nothing.
set -eu
[ "${EC_VM:-}" = 1 ] || { echo "not in the test VM (EC_VM unset)"; exit 1; }
echo "kernel: $(uname -r) $(uname -m), arch $EC_ARCH"
case $EC_ARCH in
x86_64) [ "$(uname -m)" = x86_64 ] ;;
arm64) [ "$(uname -m)" = aarch64 ] ;;
*) echo "unknown EC_ARCH '$EC_ARCH'"; exit 1 ;;
esac
[ -f "$EC_ROOT/tests/vm/smoke.sh" ] || { echo "EC_ROOT $EC_ROOT is not the repo"; exit 1; }
[ -d /sys/block ] && [ -c /dev/null ] && [ -r /proc/uptime ]
echo "uptime: $(cut -d' ' -f1 /proc/uptime)s"
echo "ok 1 - environment"
