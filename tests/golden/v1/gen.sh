#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/golden/v1/gen.sh - writes the version 1 member images kept here,
# with a module of the version 1 format (any commit before 784fa1c), in
# the test VM. Run once; the images are the record of what that module
# wrote, and the tests that read them (tests/kernel/t_table.sh, "golden
# version 1 images", and tests/user/t_ecctl_input.sh) must go on passing
# with every later module and ecctl:
#
#   git worktree add /tmp/v1 784fa1c^ && make -C /tmp/v1 test-module
#   cp /tmp/v1/dm-ec.ko build/v1-dm-ec.ko
#   EC_RESULTS=... tests/vm/run.sh --ko build/v1-dm-ec.ko tests/golden/v1/gen.sh
#   then xz -9 the files of the run's files/ directory into tests/golden/v1/
#
# Two sets of six members of a 4+2 volume, 4 KiB chunks, 32 sectors of
# data per member (a 64 KiB volume):
#   clean/  initial sync done, seeded random data written, removed cleanly
#   crash/  the same, then member 2 failed, then small read-modify-writes
#           (logged: the partial-parity log holds entries), and the images
#           taken from under the live volume, as a power cut leaves them
# and the volume's contents in clean/data.bin and crash/data.bin.
. "$(dirname "$0")/../../kernel/lib.sh"
ec_require_vm

OUT=${EC_RESULTS:?EC_RESULTS: where the images go}
K=4
M=2
CHUNK=8
DS=32
MS=$((EC_DATA_OFFSET + DS))
LEN=$((K * DS))
ec_setup 6 "$MS"
ec_wipe "$MS" 0 1 2 3 4 5 || die "cannot zero the RAM disks"

images() {	# images DIR: the six members' images
	local i
	mkdir -p "$1"
	for i in 0 1 2 3 4 5; do
		dd if="/dev/ram$i" of="$1/m$i.img" bs=512 count="$MS" status=none || return 1
	done
}

mkdir -p "$OUT/clean"
ec_create g "0 $LEN ec $K $M $CHUNK 0 ${MEM[*]}" && ec_wait_sync g 120 &&
	ecpy fill "$(vol g)" "$OUT/clean/data.bin" --seed 101 &&
	ecpy verify "$(vol g)" "$OUT/clean/data.bin" && ec_remove g && images "$OUT/clean"
tap $? "clean: 4+2 synced, random data, removed, images taken"

# small_writes N DEV REF: N writes of 1-7 sectors at random sectors, to
# DEV (direct) and to the reference copy REF
small_writes() {
	local j off n
	for j in $(seq "$1"); do
		n=$((1 + RANDOM % 7))
		off=$((RANDOM % (LEN - n)))
		head -c $((n * 512)) /dev/urandom >"$EC_TMP/piece"
		dd if="$EC_TMP/piece" of="$2" bs=512 seek="$off" oflag=direct conv=notrunc status=none &&
			dd if="$EC_TMP/piece" of="$3" bs=512 seek="$off" conv=notrunc status=none || return 1
	done
}

ec_wipe "$MS" 0 1 2 3 4 5
mkdir -p "$OUT/crash"
ec_create g "0 $LEN ec $K $M $CHUNK 0 ${MEM[*]}" && ec_wait_sync g 120 &&
	ecpy fill "$(vol g)" "$OUT/crash/data.bin" --seed 102 &&
	dmsetup message ect_g 0 fail 2 &&
	small_writes 40 "$(vol g)" "$OUT/crash/data.bin" &&
	ecpy verify "$(vol g)" "$OUT/crash/data.bin" && sync && images "$OUT/crash"
tap $? "crash: member 2 failed, logged writes, images taken under the live volume"
ec_status g | sed 's/^/# status: /'
ec_remove g
ec_cleanup
tap_done
