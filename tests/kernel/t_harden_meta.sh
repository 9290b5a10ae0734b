#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_harden_meta.sh - one crafted member image per finding of issue 11
# (items 3, 4, 5, 8): a partial-parity log entry whose first_sector +
# nr_sectors wraps in 32 bits, a data_sectors near 2^64 on every member, an
# unaligned rebuild checkpoint on a healthy volume, and a crash during the
# initial sync with a torn stripe below the checkpoint (its bitmap bit set).
# Each must be refused naming the member, or assemble with data that reads
# back exactly (random data, whole-volume compare), with no kernel warning.
# EC_HARDEN_CASES=3,4,5,8 (the default) picks the cases.
. "$(dirname "$0")/lib.sh"
ec_require_vm

K=4
M=2
N=$((K + M))
CHUNK=128			# 64 KiB: slices of 128 sectors
DATA=2048			# data sectors per member
MS=$((EC_DATA_OFFSET + DATA))
LEN=$((K * DATA))

ec_setup $N "$MS"
ec_wipe "$MS" $(seq 0 $((N - 1))) || die "cannot zero the RAM disks"
DEVS=$(ec_devs "" $(seq 0 $((N - 1))))
TABLE=$(ec_table $LEN $K $M $CHUNK "" $DEVS)
CASES=" ${EC_HARDEN_CASES:-3,4,5,8} "
CASES=${CASES//,/ }
want() { [[ $CASES == *" $1 "* ]]; }

# sbpatch DEV NAME=VALUE...: superblock fields in both copies, crc fixed
# (ecio.py sb-patch: also member_state.I, bitmap0=, log=)
sbpatch() {
	flushbufs "$1"
	ecpy sb-patch "$@"
	flushbufs "$1"
}

mkvol() {	# a synced volume with random data, removed cleanly
	ec_wipe "$MS" $(seq 0 $((N - 1))) &&
	ec_create h "0 $LEN ec $K $M $CHUNK 1 nosync $DEVS" &&
		ecpy fill "$(vol h)" "$EC_TMP/h.ref" --seed "$1" &&
		ec_remove h
}

nowarn() {	# nowarn MARK: no oops/KASAN/... since MARK
	local bad
	bad=$(kmsg_since "$1" | grep -E 'BUG|WARNING|Oops|KASAN|UBSAN|soft lockup|Call Trace' | head -3)
	[ -z "$bad" ] || { diag "$bad"; return 1; }
}

# --- item 3: log entry with first_sector + nr_sectors wrapping ----------
if want 3; then
mkvol 31 || die "cannot make the volume"
# the log gen after the clean removal is what the superblocks hold; the
# entry must be of that generation and the volume unclean
for i in $(seq 0 $((N - 1))); do sbpatch "${MEM[$i]}" flags=2 log=0xFFFFFF80,0x80,1,0x30; done
mark=$(kmsg_mark)
if ec_create h "$TABLE"; then
	ecpy verify "$(vol h)" "$EC_TMP/h.ref"
	tap $? "item 3: a wrapping log entry is ignored and the data reads back exactly"
	ec_remove h
else
	not_ok "item 3: a wrapping log entry is ignored and the data reads back exactly"
fi
kmsg_since "$mark" | grep -q 'entry out of range, ignored'
tap $? "item 3: the kernel log names the entry out of range"
nowarn "$mark"
tap $? "item 3: no kernel warning"

fi

# --- item 4: data_sectors near 2^64 on every member ---------------------
if want 4; then
mkvol 32 || die "cannot make the volume"
for i in $(seq 0 $((N - 1))); do sbpatch "${MEM[$i]}" data_sectors=18446744073709547520; done
mark=$(kmsg_mark)
if ec_create h "$TABLE"; then
	not_ok "item 4: data_sectors = 2^64 - 4096 is refused"
	dd if=/dev/urandom of="$(vol h)" bs=4k count=1 oflag=direct 2>/dev/null
	ec_remove h
else
	ok "item 4: data_sectors = 2^64 - 4096 is refused"
fi
kmsg_since "$mark" | grep -qE "ec: member 0 \(${MEM[0]##*/}|ec: member 0 \([0-9]+:[0-9]+\).*data area"
tap $? "item 4: the refusal names member 0 and the data area" \
	"$(kmsg_since "$mark" | grep 'ec:' | head -2)"
nowarn "$mark"
tap $? "item 4: no kernel warning"

fi

# --- item 5: member 3 rebuilding from rebuild_cp = 8 --------------------
if want 5; then
mkvol 33 || die "cannot make the volume"
for i in $(seq 0 $((N - 1))); do sbpatch "${MEM[$i]}" rebuild_cp=8 member_state.3=2; done
mark=$(kmsg_mark)
if ec_create h "$TABLE"; then
	ec_wait_sync h 120
	is "$(ec_health h)" AAAAAA "item 5: an unaligned rebuild checkpoint rebuilds to a healthy volume"
	ecpy verify "$(vol h)" "$EC_TMP/h.ref"
	tap $? "item 5: the data reads back exactly"
	ec_remove h
	# and member 3 alone holds the data it should: fail two others
	ec_create h "0 $LEN ec $K $M $CHUNK 0 $(ec_devs "0 1" $(seq 0 $((N - 1))))" &&
		ecpy verify "$(vol h)" "$EC_TMP/h.ref"
	tap $? "item 5: the rebuilt member decodes exactly with members 0 and 1 missing"
	ec_remove h
else
	not_ok "item 5: an unaligned rebuild checkpoint rebuilds to a healthy volume"
fi
nowarn "$mark"
tap $? "item 5: no kernel warning"
fi

# --- item 8: crash during the initial sync, torn stripe below the cp ----
# The superblocks say: not CLEAN, not SYNCED, initial sync checkpoint at
# the end of the data area, region 0 dirty in the bitmap; stripe 0's first
# parity block (member K in row 0) holds garbage, as a read-modify-write
# torn behind the sync leaves it. Assembly must resync region 0.
if want 8; then
mkvol 34 || die "cannot make the volume"
for i in $(seq 0 $((N - 1))); do sbpatch "${MEM[$i]}" flags=0 resync_cp=$DATA bitmap0=1; done
dd if=/dev/urandom of="${MEM[$K]}" bs=512 seek=$EC_DATA_OFFSET count=$CHUNK \
	oflag=direct status=none
mark=$(kmsg_mark)
if ec_create h "$TABLE"; then
	ec_wait_sync h 120
	dmsetup message ect_h 0 check && ec_wait_idle h 120
	is "$(ec_mismatch h)" 0 "item 8: the torn stripe below the initial-sync checkpoint is resynced (check: 0 mismatches)"
	ecpy verify "$(vol h)" "$EC_TMP/h.ref"
	tap $? "item 8: the data reads back exactly"
	ec_remove h
else
	not_ok "item 8: the torn stripe below the initial-sync checkpoint is resynced (check: 0 mismatches)"
fi
nowarn "$mark"
tap $? "item 8: no kernel warning"
fi

ec_cleanup
tap_done
