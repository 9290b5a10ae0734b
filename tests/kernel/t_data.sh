#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_data.sh - data integrity, healthy and degraded.
#
# For each geometry: write the whole volume, then random writes of mixed
# sizes (512 B .. 8 MiB, aligned and unaligned to chunk and stripe) with a
# reference copy on tmpfs; read it all back. Then the volume is assembled
# with every 1- and 2-member failure set (and a sample of 3 and 4; for 10+4
# that is 14 + 91 + 20 + 20 sets) and must read back identical each time.
# With 5 of 14 members gone, reads of lost chunks fail with EIO and no read
# ever returns wrong data.
#
# Failure sets are assembled with '-' in their slots (create, read,
# remove); after each the members' metadata areas are put back as they
# were (ecio.py sweep), so every set starts from the same clean state and
# a member left out by one set is not stale for the next.

. "$(dirname "$0")/lib.sh"
ec_require_vm

VOL_MIB=${EC_DATA_MIB:-32}
# Each failure set reads a SPAN_MIB window of the volume (moving 1 MiB per
# set, so the sets together cover all of it): a degraded read of 4 KiB
# chunks costs seconds per MiB under TCG.
SPAN_MIB=${EC_SWEEP_MIB:-4}
# ... and does this many small reads (512 B .. 3 chunks, at any sector, into
# buffers not always page aligned) at random places.
RANDREADS=${EC_SWEEP_READS:-100}
REF=$EC_TMP/ref

ec_setup 14
ALL14=$(seq 0 13)

# length K CHUNK: VOL_MIB rounded down to whole stripes
length() { echo $(( VOL_MIB * 2048 / ($1 * $2) * ($1 * $2) )); }

# members_arg N: "member=ramdisk" words for ecio.py sweep
members_arg() {
	local i
	for ((i = 0; i < $1; i++)); do printf '%s=/dev/ram%d ' "${MEM[$i]}" "$i"; done
}

# sets_all N SIZE: every SIZE-member subset (SIZE 1 or 2) of 0..N-1, "a,b;c,d"
sets_all() {
	local n=$1 size=$2 i j out=()
	for ((i = 0; i < n; i++)); do
		if [ "$size" -eq 1 ]; then out+=("$i"); continue; fi
		for ((j = i + 1; j < n; j++)); do out+=("$i,$j"); done
	done
	local IFS=';'
	echo "${out[*]}"
}

# sets_sample N SIZE COUNT: COUNT distinct random SIZE-subsets (seeded)
sets_sample() {
	local n=$1 size=$2 count=$3 out=() s pick i
	declare -A seen=()
	while [ ${#out[@]} -lt "$count" ]; do
		pick=()
		while [ ${#pick[@]} -lt "$size" ]; do
			i=$((RANDOM % n))
			[[ " ${pick[*]} " == *" $i "* ]] || pick+=("$i")
		done
		s=$(printf '%s\n' "${pick[@]}" | sort -n | paste -sd,)
		[ -n "${seen[$s]:-}" ] && continue
		seen[$s]=1
		out+=("$s")
	done
	local IFS=';'
	echo "${out[*]}"
}

# sweep DESC PREFIX N SETS: one TAP line per failure set
sweep() {
	local desc=$1 prefix=$2 n=$3 sets=$4 line t0 cnt=0 res
	t0=$(now)
	res=$(ecpy sweep --name ect_sweep --prefix "$prefix" --ref "$REF" \
		--sets "$sets" --span-mib "$SPAN_MIB" --randreads "$RANDREADS" \
		--lbs "$LBS" --chunk "$CHUNK" $(members_arg "$n"))
	while IFS= read -r line; do
		case $line in
		"ok "*)
			cnt=$((cnt + 1))
			ok "$desc: members ${line#ok } missing: reads back identical" ;;
		"fail "*)
			cnt=$((cnt + 1))
			set -- $line
			not_ok "$desc: members $2 missing: reads back identical" "${line#fail "$2" }" ;;
		*) echo "$line" ;;
		esac
	done <<<"$res"
	diag "$desc: $cnt sets in $(elapsed "$t0") s"
}

# data_phase K M CHUNK OPS: write, verify healthy, clean stop
data_phase() {
	local k=$1 m=$2 chunk=$3 ops=$4 n=$(($1 + $2)) len t0 lbs
	len=$(length "$k" "$chunk")
	TABLE_PREFIX="0 $len ec $k $m $chunk 0"
	ec_wipe_for "$len" "$k" "$chunk" $(seq 0 $((n - 1)))
	ec_create d "0 $len ec $k $m $chunk 1 nosync $(ec_devs "" $(seq 0 $((n - 1))))"
	tap $? "$k+$m chunk $chunk: create, $((len / 2048)) MiB" || return 1
	lbs=$(lbs d)
	LBS=$lbs CHUNK=$chunk
	diag "logical block size $lbs"
	t0=$(now)
	rm -f "$REF"
	ecpy fill "$(vol d)" "$REF" --seed "$chunk"
	tap $? "$k+$m chunk $chunk: sequential write of the whole volume"
	ecpy randwrite "$(vol d)" "$REF" --chunk "$chunk" --k "$k" --ops "$ops" \
		--lbs "$lbs" --seed $((chunk + 1))
	tap $? "$k+$m chunk $chunk: $ops random writes, 512 B .. 8 MiB"
	diag "writes took $(elapsed "$t0") s"
	ecpy verify "$(vol d)" "$REF"
	tap $? "$k+$m chunk $chunk: whole volume reads back identical"
	is "$(ec_health d)" "$(health_expect "$n" "")" "$k+$m chunk $chunk: every member A"
	ec_remove d
	tap $? "$k+$m chunk $chunk: clean stop"
}

# ---------------------------------------------------------------------------
# 10+4, chunk 8 (4 KiB): every 1- and 2-member failure set, 20 of 3, 20 of 4
RANDOM=4242
if data_phase 10 4 8 150; then
	SPAN_MIB=0 sweep "10+4/8 (whole volume)" "$TABLE_PREFIX" 14 "0;5;13"
	sweep "10+4/8" "$TABLE_PREFIX" 14 "$(sets_all 14 1)"
	sweep "10+4/8" "$TABLE_PREFIX" 14 "$(sets_all 14 2)"
	sweep "10+4/8" "$TABLE_PREFIX" 14 "$(sets_sample 14 3 20)"
	sweep "10+4/8" "$TABLE_PREFIX" 14 "$(sets_sample 14 4 20)"

	# After all that, the healthy volume is still consistent.
	ec_create d "$TABLE_PREFIX $(ec_devs "" $ALL14)"
	tap $? "10+4/8: healthy assembly after the sweep"
	ecpy verify "$(vol d)" "$REF"
	tap $? "10+4/8: reads back identical after the sweep"
	dmsetup message ect_d 0 check && ec_wait_idle d 300
	tap $? "10+4/8: check runs to the end"
	is "$(ec_mismatch d)" 0 "10+4/8: check finds no mismatch"
	ec_remove d

	# ------------------------------------------------------------------
	# More than m lost: 5 of 14.
	ecpy meta-save "$EC_TMP/meta" $(printf '/dev/ram%s ' $ALL14)
	LOST="1 4 6 10 13"
	how="created with 5 members missing"
	if ! ec_create d "$TABLE_PREFIX $(ec_devs "$LOST" $ALL14)" 2>/dev/null; then
		diag "a table with 5 of 14 members missing is refused; using 4 missing + dm-error"
		how="4 missing, member 13 returning errors"
		ec_create d "$TABLE_PREFIX $(ec_devs "1 4 6 10" $ALL14)"
		member_set_error 13
		dd if="$(vol d)" of=/dev/null bs=1M iflag=direct status=none 2>/dev/null
	fi
	if dmsetup info ect_d >/dev/null 2>&1; then
		ok "10+4/8: volume up with 5 members lost ($how)"
		h=$(ec_health d)
		like "$h" '^([^-D]*[-D]){5}[^-D]*$' "10+4/8: health shows 5 members lost ($h)"
		dd if="$(vol d)" of=/dev/null bs=1M iflag=direct status=none 2>/dev/null
		[ $? -ne 0 ]
		tap $? "10+4/8: reading the whole volume fails (dd reports an error)"
		res=$(ecpy lostcheck "$(vol d)" "$REF" --chunk 8 --k 10 --n 14 \
			--missing "${LOST// /,}" --mib 8)
		rc=$?
		diag "chunk reads: $res"
		tap $rc "10+4/8: 5 lost: no read returns wrong data"
		[[ $res == *lost_ok=0* ]] && [[ $res == *lost_other=0* ]] &&
			[[ $res == *lost_wrong=0* ]]
		tap $? "10+4/8: 5 lost: every read of a lost chunk fails with EIO"
		[[ $res == *surv_eio=0* ]] && [[ $res == *surv_other=0* ]]
		todo $? "10+4/8: 5 lost: reads confined to surviving chunks succeed"
		ec_remove d
		tap $? "10+4/8: remove the volume with 5 members lost"
	else
		not_ok "10+4/8: volume up with 5 members lost"
	fi
	member_set_linear 13
	ecpy meta-restore "$EC_TMP/meta" $(printf '/dev/ram%s ' $ALL14)
	ec_create d "$TABLE_PREFIX $(ec_devs "" $ALL14)" &&
		ecpy verify "$(vol d)" "$REF"
	tap $? "10+4/8: whole again after the 5-lost episode (metadata put back)"
	ec_remove d
fi

# ---------------------------------------------------------------------------
# 10+4, chunk 128 (64 KiB): singles, and samples of 2, 3, 4
RANDOM=128
if data_phase 10 4 128 100; then
	sweep "10+4/128" "$TABLE_PREFIX" 14 "$(sets_all 14 1)"
	sweep "10+4/128" "$TABLE_PREFIX" 14 "$(sets_sample 14 2 15)"
	sweep "10+4/128" "$TABLE_PREFIX" 14 "$(sets_sample 14 3 5)"
	sweep "10+4/128" "$TABLE_PREFIX" 14 "$(sets_sample 14 4 5)"
fi

# ---------------------------------------------------------------------------
# 4+2, chunk 16: every 1- and 2-member set (other k and m)
RANDOM=16
if data_phase 4 2 16 100; then
	sweep "4+2/16" "$TABLE_PREFIX" 6 "$(sets_all 6 1)"
	sweep "4+2/16" "$TABLE_PREFIX" 6 "$(sets_all 6 2)"
fi

ec_cleanup
tap_done
