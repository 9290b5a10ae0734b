#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_metafuzz.sh - member metadata corrupted at random on three 4+2 volumes
# with known random data (tests/kernel/metafuzz.py):
#  - A and B (4 KiB chunks, clean and healthy): superblocks and bitmaps:
#    bit flips and odd values in every field (crc fixed or not, one copy or
#    both; extremes such as 2^63, 2^64 - 4096, multiples of 2^32, 0, 1),
#    other versions, one copy bad and the other good, a newer copy with
#    another state, bitmap garbage with and without an unclean flag,
#    members truncated below the superblock's geometry, slots swapped,
#    members of A and B mixed, members missing, pairs of these; and
#    resync_cp/rebuild_cp unaligned, past the end or 2^64 - 1 with a slot
#    rebuilding (crc fixed).
#  - C (32 KiB chunks), the log volume: rewritten in small unaligned pieces
#    while member 2 was missing, so its logs hold genuine partial-parity
#    entries. CLEAN is cleared so that replay runs, and entries are mutated:
#    every header field (flip, zero, ones, random, +-1, extremes such as
#    first_sector 0xFFFFFF80 + nr 0x80), crc fixed or not, partial parity
#    with data_crc fixed or not, gen = log_gen +- 1, seq swapped, entries
#    copied to other slots and members (made valid there or not), crafted
#    entries valid by every rule, garbage slots; assembled with member 2
#    missing, present (stale, rebuilt) or with other members missing.
# Pass rule. A and B: each load is refused with a kernel log line naming
# the member (index and device) and the cause, or assembles one volume
# whose data reads back exactly; odd checkpoints must assemble, finish
# their work (all members A) and read back exactly. C: it must assemble;
# an entry invalid by format.md's rules (magic, gen, uuid, crc, the ranges
# of "Nothing read from a member is trusted", data_crc) is ignored, and one
# out of range is named in the kernel log by member and slot (and no other
# is); the volume reads back EXACTLY the reference (whole volume, degraded
# reads included; EIO only with more than m members absent or stale),
# except that an entry valid by every rule that the fuzz
# changed or crafted may rewrite its stripe's parity: then pages may
# differ only in that stripe's data blocks whose members are absent or
# rebuilding, within the entry's sectors. When such an entry's stripe had
# all data present, a full resync (SYNCED cleared) must make the parity
# right again: the volume reads back exactly with m members absent.
# Never a kernel warning. 250 iterations, 30 % of them on C (10^4 with
# EC_FULL=1; EC_METAFUZZ_N overrides, EC_METAFUZZ_SEED fixes the seed,
# fixed in make check). Runs in the test VM.
. "$(dirname "$0")/lib.sh"
ec_require_vm

if [ "${EC_FULL:-0}" = 1 ]; then N=${EC_METAFUZZ_N:-10000}; else N=${EC_METAFUZZ_N:-250}; fi
# make check: a fixed seed (a run that once found a test-model bug); a
# random one under EC_FULL=1
if [ "${EC_FULL:-0}" = 1 ]; then
	SEED=${EC_METAFUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}
else
	SEED=${EC_METAFUZZ_SEED:-519413047}
fi
K=4
M=2
CHUNK=8
DATA=2048			# data sectors per member
MS=$((EC_DATA_OFFSET + DATA))	# member size
LEN=$((K * DATA))		# 4 MiB volumes
REGION=64			# 32 bitmap bits

ec_setup 12 "$MS"
ec_wipe "$MS" $(seq 0 11) || die "cannot zero the RAM disks"

# volume A on members 0..5, B on 6..11: same geometry, different data
mk() {	# mk NAME FIRST SEED
	local name=$1 first=$2 seed=$3 devs=()
	local i
	for i in $(seq "$first" $((first + K + M - 1))); do devs+=("${MEM[$i]}"); done
	ec_create "$name" "0 $LEN ec $K $M $CHUNK 3 nosync region_size $REGION ${devs[*]}" &&
		ecpy fill "$(vol "$name")" "$EC_TMP/$name.ref" --seed "$seed" &&
		ecpy verify "$(vol "$name")" "$EC_TMP/$name.ref" &&
		ec_remove "$name"
}
mk a 0 11
tap $? "volume A (4+2, chunk $CHUNK, region $REGION) written and removed cleanly"
mk b 6 22
tap $? "volume B (same geometry) written and removed cleanly"

# volume C, the log volume: 4+2 with 32 KiB chunks (slices of 64 sectors,
# 85 log slots) on six members cut from /dev/ram12, written with random
# data, then assembled with member $LD missing and given many small
# unaligned read-modify-writes, so the parity members' logs hold genuine
# entries of the generation the superblocks carry.
LCHUNK=64
LD=2
CMEM=()
for j in $(seq 0 $((K + M - 1))); do
	dmsetup create "ect_m$((20 + j))" --table "0 $MS linear /dev/ram12 $((j * MS))" ||
		die "cannot create log member $j"
	CMEM+=("/dev/mapper/ect_m$((20 + j))")
done
ec_wipe_c() { local d; for d in "${CMEM[@]}"; do dd if=/dev/zero of="$d" bs=1M count=$((MS / 2048 + 1)) oflag=direct 2>/dev/null; done; true; }
ec_wipe_c
cdevs() { local j out=(); for j in $(seq 0 $((K + M - 1))); do
	if [ "$j" = "${1:-}" ]; then out+=(-); else out+=("${CMEM[$j]}"); fi; done; echo "${out[*]}"; }
ec_create c "0 $LEN ec $K $M $LCHUNK 1 nosync $(cdevs)" &&
	ecpy fill "$(vol c)" "$EC_TMP/c.ref" --seed 33 &&
	ec_remove c &&
	ec_create c "0 $LEN ec $K $M $LCHUNK 0 $(cdevs $LD)" &&
	ecpy randwrite "$(vol c)" "$EC_TMP/c.ref" --chunk $LCHUNK --k $K --ops 400 --max-mib 1 --seed 44 &&
	ecpy verify "$(vol c)" "$EC_TMP/c.ref" &&
	ec_remove c
tap $? "volume C (chunk $LCHUNK) written, then rewritten in small pieces with member $LD missing, removed"

spec() {	# spec NAME FIRST: NAME:REF:member=ram,...
	local s="$1:$EC_TMP/$1.ref:" i sep=""
	for i in $(seq "$2" $(($2 + K + M - 1))); do
		s+="$sep${MEM[$i]}=/dev/ram$i"
		sep=,
	done
	echo "$s"
}

mark=$(kmsg_mark)
t0=$(now)
diag "metafuzz: seed $SEED, $N iterations (reproduce: EC_METAFUZZ_SEED=$SEED EC_METAFUZZ_N=$N)"
dmesg -n 1			# the serial console is slow under TCG
python3 -B -I -S "$EC_LIB_DIR/metafuzz.py" --iters "$N" --seed "$SEED" \
	--len "$LEN" --k $K --m $M --chunk $CHUNK --data-sectors $DATA \
	--vol "$(spec a 0)" --vol "$(spec b 6)" \
	--logvol "c:$EC_TMP/c.ref:$(for d in "${CMEM[@]}"; do printf '%s=%s,' "$d" "$d"; done | sed 's/,$//')" \
	--log-chunk $LCHUNK --log-missing $LD 2>&1 | tee "$EC_TMP/mf.out" |
	# its progress (every 50 rounds) as it goes: a run cut off by a
	# timeout still says how far it got
	sed -un 's/^# \([0-9]* iterations, [0-9]* s\)$/# metafuzz: \1/p'
rc=${PIPESTATUS[0]}
dmesg -n 5
secs=$(elapsed "$t0")
grep -v '^FAIL' "$EC_TMP/mf.out" | grep -v '^#   \(table\|[ABC][0-9]\|slots\|mixed\|missing\|absent\|resync_cp\)' |
	tail -n 60 | sed 's/^# /#   /; s/^\([^#]\)/#   \1/'
grep -A8 '^FAIL' "$EC_TMP/mf.out" | head -n 60 | sed 's/^/#   /'
cp "$EC_TMP/mf.out" "${EC_RESULTS:-$EC_TMP}/t_metafuzz.out" 2>/dev/null
tap $rc "metafuzz: $N iterations, each refused with a reason naming the member or assembled with exact data ($secs s, seed $SEED)"

kmsg_since "$mark" >"$EC_TMP/kmsg"
bad=$(grep -E 'BUG|WARNING|Oops|invalid opcode|KASAN|UBSAN|hung task|blocked for more|soft lockup|corruption|Call Trace' "$EC_TMP/kmsg" | head -n 5)
[ -z "$bad" ]
tap $? "no kernel warning during the metadata fuzz ($(wc -l <"$EC_TMP/kmsg") log lines)" "$bad"

# Both volumes are whole again (the fuzz put every member back).
for v in a b; do
	first=0
	[ $v = b ] && first=6
	devs=()
	for i in $(seq $first $((first + K + M - 1))); do devs+=("${MEM[$i]}"); done
	ec_create "$v" "0 $LEN ec $K $M $CHUNK 0 ${devs[*]}" &&
		[ "$(ec_health "$v")" = AAAAAA ] &&
		ecpy verify "$(vol "$v")" "$EC_TMP/$v.ref"
	tap $? "volume ${v^^} assembles healthy with its data after the fuzz"
	ec_remove "$v"
done
# C: member $LD comes back and is rebuilt
ec_create c "0 $LEN ec $K $M $LCHUNK 0 $(cdevs)" &&
	ec_wait_sync c &&
	[ "$(ec_health c)" = AAAAAA ] &&
	ecpy verify "$(vol c)" "$EC_TMP/c.ref"
tap $? "volume C assembles, rebuilds member $LD and reads back its data after the fuzz"
ec_remove c

ec_cleanup
tap_done
