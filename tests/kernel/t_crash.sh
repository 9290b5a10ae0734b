#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_crash.sh - "an acknowledged write that was followed by a completed flush
# survives power loss".
#
# Writes (O_DIRECT) end with fsync; then, with the volume still live, the
# members' contents are copied: that is what a power cut would leave. The
# volume is removed (clean shutdown), the copies are put back, and the
# volume is assembled again: it must notice the unclean shutdown, resync,
# and read back everything; also when two members are missing at the
# restart (dirty and degraded at once).

. "$(dirname "$0")/lib.sh"
ec_require_vm

REF=$EC_TMP/ref
ec_setup 14
ALL14=$(seq 0 13)
K=10 M=4 C=16
LEN=$(( 16 * 2048 / (K * C) * (K * C) ))
PREFIX="0 $LEN ec $K $M $C"
# Per member: metadata area + its share of the volume + a stripe's worth.
IMG_SECTORS=$(( EC_DATA_OFFSET + LEN / K + 2 * C ))
RAMS=$(printf '/dev/ram%s ' $ALL14)

crash_image() { ecpy meta-save --sectors "$IMG_SECTORS" "$EC_TMP/crash" $RAMS; }
power_cut() {		# remove the volume, then put the crash image back
	ec_remove c
	ecpy meta-restore "$EC_TMP/crash" $RAMS
}

ec_create c "$PREFIX 1 nosync $(ec_devs "" $ALL14)"
tap $? "10+4/16: create $((LEN / 2048)) MiB volume" || die "cannot go on"
LBS=$(lbs c)
ecpy fill "$(vol c)" "$REF" --seed 21 &&
	ecpy randwrite "$(vol c)" "$REF" --chunk $C --k $K --ops 60 --lbs "$LBS" --seed 22
tap $? "writes, each batch ending with fsync"

crash_image
tap $? "copy the members while the volume is live (the power cut)"
ecpy sb-dump /dev/ram0 >"$EC_TMP/sb"
sb=$(awk -F= '$1 == "flags" { print $2 }' "$EC_TMP/sb")
[ -n "$sb" ] && [ $((sb & 1)) -eq 0 ]
todo $? "the live volume's superblock is not marked clean (flags $sb)"
power_cut

# --- restart after the cut, all members present --------------------------------
id=$(kmsg_mark)
ec_create c "$PREFIX 0 $(ec_devs "" $ALL14)"
tap $? "assemble after the power cut"
diag "status: $(ec_status c)"
kmsg_since "$id" | grep -qiE 'clean|resync'
todo $? "the kernel log mentions the unclean shutdown"
ec_wait_sync c 300
tap $? "resync after the unclean shutdown finishes"
is "$(ec_health c)" AAAAAAAAAAAAAA "every member A"
ecpy verify "$(vol c)" "$REF"
tap $? "every flushed write survived"
dmsetup message ect_c 0 check && ec_wait_idle c 300
is "$(ec_mismatch c)" 0 "check: parity consistent"
ec_remove c

# --- the same cut, restarted with two members missing ----------------------------
ecpy meta-restore "$EC_TMP/crash" $RAMS
ec_create c "$PREFIX 0 $(ec_devs "2 9" $ALL14)"
tap $? "assemble after the power cut with members 2 and 9 missing"
diag "status: $(ec_status c)"
ecpy verify "$(vol c)" "$REF"
tap $? "every flushed write readable, dirty and degraded"
ec_wait_idle c 300
ecpy verify "$(vol c)" "$REF"
tap $? "still readable once background work is over"
ec_remove c

# --- a cut in the middle of a second batch, flushed halfway ---------------------------
# Batch A is written and flushed; batch B (other offsets) is written after
# the copy: the restart must return batch A's data where B did not land.
ecpy meta-restore "$EC_TMP/crash" $RAMS
ec_create c "$PREFIX 0 $(ec_devs "" $ALL14)" && ec_wait_sync c 300
tap $? "assemble again, resync"
cp "$REF" "$EC_TMP/ref.a"
ecpy randwrite "$(vol c)" "$EC_TMP/ref.a" --chunk $C --k $K --ops 20 --lbs "$LBS" --seed 23
tap $? "batch A written and flushed"
crash_image
ecpy randwrite "$(vol c)" "$EC_TMP/ref.b" --chunk $C --k $K --ops 20 --lbs "$LBS" --seed 24 \
	>/dev/null
power_cut
ec_create c "$PREFIX 0 $(ec_devs "" $ALL14)" && ec_wait_sync c 300
tap $? "assemble after a cut that lost batch B"
ecpy verify "$(vol c)" "$EC_TMP/ref.a"
tap $? "batch A survived; nothing of batch B is visible"
ec_remove c

ec_cleanup
tap_done
