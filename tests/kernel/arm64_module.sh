#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module on arm64 (busybox only): loads, passes its self-test, picks
# a kernel, NEON is available and forced NEON works; unloads cleanly.
n=0
t() {	# t <desc> <cmd...>
	d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; bad=1; fi
}
bad=0
dmesg -c >/dev/null
t "module loads" sh "$EC_ROOT/tests/vm/load-ko.sh"
t "self-test passed, a kernel is in use" sh -c 'dmesg | grep -q "dm-ec: using "'
t "neon variant checked and timed" sh -c 'dmesg | grep -q "dm-ec: neon encode 10+4"'
t "module unloads" rmmod dm_ec
dmesg -c >/dev/null
t "codec=neon forces NEON" insmod "$EC_KO" codec=neon
t "selection line names neon" sh -c 'dmesg | grep -q "dm-ec: using neon"'
t "module unloads again" rmmod dm_ec
t "codec=nosuch is refused" sh -c "! insmod $EC_KO codec=nosuch 2>/dev/null"
exit $bad
