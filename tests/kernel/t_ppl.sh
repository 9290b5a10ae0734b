#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_ppl.sh - the write hole of a degraded volume is closed by the
# partial-parity log.
#
# Member 0 is missing. Small writes go to stripes where member 0 holds a
# data block that the writes do not touch. The members are imaged before
# (S0) and after (S1) the writes; a torn state is S1's metadata area
# (superblocks of a live volume, the log entries, which are durable before
# any in-place write is issued) with, per written stripe, some members'
# chunks from S1 (their write landed) and the others from S0. Assembled
# with member 0 still missing, every block must read back: the written
# blocks old or new according to whether their member's write landed,
# and member 0's blocks (decoded from the others) with their old content.
# The same torn states with the log area zeroed lose member 0's data:
# that is the hole, and proves the test can see it.

. "$(dirname "$0")/lib.sh"
ec_require_vm

K=10 M=4 N=14 C=16
ROWS=32
LEN=$((ROWS * K * C))
MSECT=$((EC_DATA_OFFSET + ROWS * C))
X=0
ec_setup $N $MSECT
ALL=$(seq 0 $((N - 1)))
REF0=$EC_TMP/ref0 REF1=$EC_TMP/ref1 REFT=$EC_TMP/reft
S0=$EC_TMP/s0 S1=$EC_TMP/s1
EC_LOG_OFFSET=2048		# include/uapi/linux/dm-ec-format.h
mkdir -p "$S0" "$S1"

ec_wipe "$MSECT" $ALL
ec_create p "$(ec_table $LEN $K $M $C "nosync" $(ec_devs "" $ALL))"
tap $? "10+4/$C: create a $((LEN / 2048)) MiB volume" || die "cannot go on"
ecpy fill "$(vol p)" "$REF0" --seed 5
tap $? "fill the volume with a pattern"
ec_remove p
ec_create p "$(ec_table $LEN $K $M $C "" $(ec_devs "$X" $ALL))"
tap $? "assemble with member $X missing"
is "$(ec_health p)" "-AAAAAAAAAAAAA" "member $X missing"

# Stripes where member X holds a data block; write another data block.
rows=() wblk=() i=0
for r in $(seq 0 $((ROWS - 1))); do
	bx=$(( ((X - r) % N + N) % N ))
	[ "$bx" -lt "$K" ] || continue
	rows+=("$r")
	wblk+=($(( (bx + 1 + i % 3) % K )))
	i=$((i + 1))
	[ ${#rows[@]} -ge 6 ] && break
done
diag "stripes ${rows[*]}, written blocks ${wblk[*]}"

image() {		# image DIR [SKIP]: every member's RAM disk but SKIP's
	local i
	for i in $ALL; do
		[ "$i" = "${2:-}" ] && continue
		dd if=/dev/ram"$i" of="$1/$i" bs=64k count=$((MSECT / 128)) iflag=direct status=none || return 1
	done
}
image "$S0" "$X"
tap $? "image the members before the writes (S0)"
cp "$REF0" "$REF1"
head -c $((64 * 1024)) /dev/urandom >"$EC_TMP/new"
rc=0
for j in "${!rows[@]}"; do
	off=$(( rows[j] * K * C + wblk[j] * C + (j % 2) * 8 ))
	dd if="$EC_TMP/new" of="$(vol p)" bs=512 skip=$((j * 8)) seek=$off count=8 \
		oflag=direct conv=notrunc status=none || rc=1
	dd if="$EC_TMP/new" of="$REF1" bs=512 skip=$((j * 8)) seek=$off count=8 \
		conv=notrunc status=none || rc=1
done
tap $rc "4 KiB writes into ${#rows[@]} stripes while degraded"
image "$S1" "$X"
tap $? "image the members with the volume live after the writes (S1)"
ecpy verify "$(vol p)" "$REF1"
tap $? "the live volume reads the writes back"
ec_remove p

# member_of ROW BLOCK
member_of() { echo $(( ($2 + $1) % N )); }

# torn NAME DATA PARITY [nolog]: build a torn state and check it.
# DATA: 1 if the data block's write landed; PARITY: how many of the m
# parity writes landed (the first ones).
torn() {
	local name=$1 data=$2 npar=$3 nolog=${4:-} i j r b m off
	for i in $ALL; do
		[ "$i" = "$X" ] && continue
		dd if="$S0/$i" of=/dev/ram"$i" bs=64k status=none oflag=direct || return 1
		dd if="$S1/$i" of=/dev/ram"$i" bs=64k count=$((EC_DATA_OFFSET / 128)) \
			conv=notrunc status=none oflag=direct || return 1
		if [ -n "$nolog" ]; then
			dd if=/dev/zero of=/dev/ram"$i" bs=64k seek=$((EC_LOG_OFFSET / 128)) \
				count=$(((EC_DATA_OFFSET - EC_LOG_OFFSET) / 128)) conv=notrunc \
				status=none oflag=direct || return 1
		fi
	done
	cp "$REF0" "$REFT"
	for j in "${!rows[@]}"; do
		r=${rows[j]}
		land=()
		[ "$data" = 1 ] && land+=("$(member_of "$r" "${wblk[j]}")")
		for b in $(seq $K $((K + npar - 1))); do
			land+=("$(member_of "$r" "$b")")
		done
		for m in "${land[@]}"; do
			dd if="$S1/$m" of=/dev/ram"$m" bs=4k \
				skip=$(((EC_DATA_OFFSET + r * C) / 8)) \
				seek=$(((EC_DATA_OFFSET + r * C) / 8)) count=$((C / 8)) \
				conv=notrunc status=none oflag=direct || return 1
		done
		if [ "$data" = 1 ]; then
			off=$(( r * K * C + wblk[j] * C ))
			dd if="$REF1" of="$REFT" bs=512 skip=$off seek=$off count=$C \
				conv=notrunc status=none || return 1
		fi
	done
	return 0
}

case_ok() {		# case_ok DESC DATA PARITY
	local id
	torn "$1" "$2" "$3" || { not_ok "$1: build the torn state"; return; }
	id=$(kmsg_mark)
	ec_create p "$(ec_table $LEN $K $M $C "" $(ec_devs "$X" $ALL))"
	tap $? "$1: assemble with member $X missing" || return
	kmsg_since "$id" | grep -q "partial-parity log"
	tap $? "$1: the kernel log reports the replay"
	ec_wait_sync p 120 >/dev/null
	ecpy verify "$(vol p)" "$REFT"
	tap $? "$1: every block reads back (member $X's blocks unchanged)"
	ec_remove p
}

case_ok "data landed, no parity" 1 0
case_ok "parity landed, data not" 0 4
case_ok "data and 2 of 4 parities landed" 1 2
case_ok "only the log landed" 0 0
case_ok "everything landed" 1 4

# Without the log the same torn state loses member X's data.
torn "no log" 1 0 nolog
ec_create p "$(ec_table $LEN $K $M $C "" $(ec_devs "$X" $ALL))"
tap $? "no log, data landed without parity: assemble"
ec_wait_sync p 120 >/dev/null
! ecpy verify "$(vol p)" "$REFT" >/dev/null 2>&1
tap $? "no log: member $X's blocks in the torn stripes read back wrong (the write hole)"
ec_remove p

# Entries must not outlive a write made without them. Member X is rebuilt
# (frozen part way): writes meanwhile are logged. Once it is in sync,
# other blocks of the same stripes are written, unlogged. A crash image then holds entries
# that are stale; assembled with member Y missing (it holds a block of
# those stripes that was never written), a replay of them would corrupt
# Y's blocks. The move to a new log generation before the first unlogged
# write prevents that.
Y=3
ec_wipe "$MSECT" $ALL
ec_create p "$(ec_table $LEN $K $M $C "nosync" $(ec_devs "" $ALL))"
ecpy fill "$(vol p)" "$REF0" --seed 6
tap $? "stale entries: fill a whole volume"
ec_remove p
ec_create p "$(ec_table $LEN $K $M $C "rebuild $X max_rebuild_rate 64" $(ec_devs "" $ALL))" &&
	dmsetup message ect_p 0 frozen
tap $? "stale entries: rebuild member $X, frozen"
h=$(ec_health p)
is "${h:$X:1}" a "member $X is rebuilding ($h, $(ec_action p))"
rows2=() wb2=()
for r in $(seq 0 $((ROWS - 1))); do
	by=$(( ((Y - r) % N + N) % N ))
	[ "$by" -lt "$K" ] || continue
	rows2+=("$r")
	wb2+=($(( (by + 1) % K )))
	[ ${#rows2[@]} -ge 4 ] && break
done
cp "$REF0" "$REF1"
rc=0
for pass in 1 2; do
	[ $pass = 2 ] && { dmsetup message ect_p 0 idle && ec_wait_sync p 120 || rc=1; }
	[ $pass = 2 ] && is "$(ec_health p)" AAAAAAAAAAAAAA "stale entries: member $X rebuilt"
	head -c $((16 * 4096)) /dev/urandom >"$EC_TMP/new$pass"
	for j in "${!rows2[@]}"; do
		# pass 2 writes another block of the stripe: one that the
		# entries of pass 1 count as unchanged
		off=$(( rows2[j] * K * C + ((wb2[j] + pass - 1) % K) * C ))
		dd if="$EC_TMP/new$pass" of="$(vol p)" bs=512 skip=$((j * 8)) seek=$off \
			count=8 oflag=direct conv=notrunc status=none || rc=1
		dd if="$EC_TMP/new$pass" of="$REF1" bs=512 skip=$((j * 8)) seek=$off \
			count=8 conv=notrunc status=none || rc=1
	done
done
tap $rc "stale entries: blocks of the same stripes written during the rebuild (logged) and after it"
image "$S1"
ec_remove p
for i in $ALL; do
	dd if="$S1/$i" of=/dev/ram"$i" bs=64k status=none oflag=direct || rc=1
done
ec_create p "$(ec_table $LEN $K $M $C "" $(ec_devs "$Y" $ALL))"
tap $? "stale entries: crash image assembled with member $Y missing"
ec_wait_sync p 120 >/dev/null
ecpy verify "$(vol p)" "$REF1"
tap $? "stale entries: every block reads back, member $Y's decoded from parity"
ec_remove p

# One entry per slice: an entry whose write completed may be replayed, so
# no older entry of the same slice may stay behind it in the log (its
# partial parity still has the old contents of blocks written since; it
# would be the newest left if a later entry's slot were reused). Random
# 4 KiB writes at queue depth 16 into all 32 stripes while degraded; then no
# member's log may hold two entries of one generation that overlap.
ec_wipe "$MSECT" $ALL
ec_create p "$(ec_table $LEN $K $M $C "nosync" $(ec_devs "$X" $ALL))"
tap $? "one entry per slice: create with member $X missing"
fio --name=ppl --filename="$(vol p)" --rw=randwrite --bs=4k --size=$((LEN * 512)) \
	--iodepth=16 --ioengine=libaio --direct=1 --number_ios=2000 --randrepeat=0 \
	--output=/dev/null
tap $? "one entry per slice: 2000 random 4 KiB writes at queue depth 16"
ec_remove p
dup=$(python3 -B -I -S - "$EC_LOG_OFFSET" "$EC_DATA_OFFSET" $(seq 1 $((N - 1))) <<'PY'
import struct, sys
lo, hi = int(sys.argv[1]) * 512, int(sys.argv[2]) * 512
n = dup = 0
for m in sys.argv[3:]:
    with open('/dev/ram' + m, 'rb', buffering=0) as f:
        f.seek(lo)
        area = f.read(hi - lo)
    seen = []
    for off in range(0, len(area), 4096):
        h = area[off:off + 64]
        if h[:8] != b'dm-ec-lg':
            continue
        gen, _seq, stripe = struct.unpack_from('<QQQ', h, 8)
        first, nr = struct.unpack_from('<II', h, 48)
        n += 1
        for g, s, a, b in seen:
            if g == gen and s == stripe and a < first + nr and first < b:
                dup += 1
        seen.append((gen, stripe, first, first + nr))
print(n, dup)
PY
)
diag "log entries found, overlapping pairs: $dup"
[ "${dup% *}" -gt 20 ] && [ "${dup#* }" = 0 ]
tap $? "one entry per slice: no two entries of a stripe overlap in a member's log (${dup#* } pairs)"

# noppl: no entries are written; the option round-trips.
ec_wipe "$MSECT" $ALL
ec_create p "$(ec_table $LEN $K $M $C "nosync noppl" $(ec_devs "$X" $ALL))"
tap $? "create with noppl, member $X missing"
like "$(dmsetup table ect_p)" " noppl " "noppl is in the table line"
dd if="$EC_TMP/new" of="$(vol p)" bs=4096 count=4 oflag=direct status=none
tap $? "degraded writes with noppl"
nz=0
for i in $(seq 1 $((N - 1))); do
	nz=$((nz + $(dd if=/dev/ram"$i" bs=64k skip=$((EC_LOG_OFFSET / 128)) \
		count=$(((EC_DATA_OFFSET - EC_LOG_OFFSET) / 128)) iflag=direct status=none |
		tr -d '\0' | wc -c)))
done
is "$nz" 0 "noppl: the log areas stay empty"
ec_remove p

ec_cleanup
tap_done
