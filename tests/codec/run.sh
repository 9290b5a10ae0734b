#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the codec test programs (built by 'make user' into build/tests) and
# print TAP the way the kernel's kselftest runner does: one result line
# per program, each program's own TAP output nested as "# " comments.
# Exit status: 0 when every program passed (skips count as passes).
#
# usage: tests/codec/run.sh [program...]   (default: all of them)
# env:   EC_TEST_DIR  where the programs are (default: <repo>/build/tests)

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${EC_TEST_DIR:-$top/build/tests}
progs=${*:-codec_test libec_test golden_test}

n=0
for p in $progs; do n=$((n + 1)); done
echo "TAP version 13"
echo "1..$n"

i=0 fails=0 tpass=0 tfail=0 tskip=0
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
for p in $progs; do
	i=$((i + 1))
	echo "# selftests: codec: $p"
	if [ ! -x "$dir/$p" ]; then
		echo "not ok $i selftests: codec: $p # missing $dir/$p (make user)"
		fails=$((fails + 1))
		continue
	fi
	t0=$(date +%s)
	(cd "$top" && "$dir/$p") >"$tmp" 2>&1
	rc=$?
	t1=$(date +%s)
	sed 's/^/# /' "$tmp"
	# Per-test counts from the harness's "# Totals:" line.
	tot=$(grep '^# Totals:' "$tmp" | tail -1)
	for f in pass fail skip; do
		v=$(echo "$tot" | sed -n "s/.* $f:\([0-9]*\).*/\1/p")
		case $f in
		pass) tpass=$((tpass + ${v:-0}));;
		fail) tfail=$((tfail + ${v:-0}));;
		skip) tskip=$((tskip + ${v:-0}));;
		esac
	done
	if [ $rc -eq 0 ]; then
		echo "ok $i selftests: codec: $p # $((t1 - t0))s"
	elif [ $rc -eq 4 ]; then
		echo "ok $i selftests: codec: $p # SKIP"
	else
		echo "not ok $i selftests: codec: $p # exit=$rc, $((t1 - t0))s"
		fails=$((fails + 1))
	fi
done
echo "# codec tests: $tpass passed, $tfail failed, $tskip skipped"
[ $fails -eq 0 ]
