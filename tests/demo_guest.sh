#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/demo_guest.sh - the dm-ec lifecycle, narrated for a storage admin.
# Runs as root inside the test VM (tests/demo.sh boots it through
# tests/vm/run.sh): 14 RAM disks, a 10+4 volume with ext4 on it, four
# members lost, every file read back, two members replaced and rebuilt,
# a scrub. Exits non-zero when any verification fails.

set -u

if [ "${EC_VM:-}" != 1 ] || [ "$(id -u)" != 0 ]; then
	echo "$0: runs only as root inside the test VM (use 'make demo')" >&2
	exit 77
fi
export DM_DISABLE_UDEV=1

K=10 M=4 N=14
CHUNK=128			# sectors: 64 KiB per member per stripe
RAM_MIB=${DEMO_RAM_MIB:-32}	# each member
NFILES=${DEMO_FILES:-200}
VOL=demo
MNT=/tmp/demo-mnt
WORK=/tmp/demo-work
FAILS=0
T0=$(cut -d' ' -f1 /proc/uptime)

# --- narration helpers ---------------------------------------------------
hr() { printf '%s\n' "------------------------------------------------------------------------"; }
section() {
	local t
	t=$(awk -v a="$(cut -d' ' -f1 /proc/uptime)" -v b="$T0" 'BEGIN { printf "%5.1f", a - b }')
	echo
	hr
	printf '[%ss] %s\n' "$t" "$*"
	hr
}
say() { printf '  %s\n' "$@"; }
# run CMD...: show the command, then run it (output indented)
run() {
	printf '  # %s\n' "$*"
	"$@" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}
pass() { printf '  PASS: %s\n' "$*"; }
fail() {
	printf '  FAIL: %s\n' "$*"
	FAILS=$((FAILS + 1))
}
die() {
	fail "$*"
	echo "  (kernel log of this run:)"
	dmesg | tail -n 30 | sed 's/^/    /'
	exit 1
}

member() { echo "demo_m$1"; }
devnum() {
	local d
	d=$(stat -L -c '%t %T' "$1") || return 1
	set -- $d
	echo "$((16#$1)):$((16#$2))"
}
status_fields() { dmsetup status "$VOL" | cut -d' ' -f4-; }
field() { status_fields | awk -v n="$1" '{ print $n }'; }

# explain_status: the status line, then each field in words
explain_status() {
	local st
	st=$(dmsetup status "$VOL")
	printf '  # dmsetup status %s\n    %s\n' "$VOL" "$st"
	set -- $st
	shift 3
	local health=$4 miss=${4//[^-]/} dead=${4//[^D]/} sync=${4//[^a]/}
	printf '    %-22s %s\n' "k m #devs:" "$1 data + $2 parity chunks per stripe, $3 members" \
		"health ($4):" "A in sync, a syncing/rebuilding, D failed, - missing" \
		"" "-> ${#miss} missing, ${#dead} failed, ${#sync} rebuilding" \
		"sync_done/total:" "$5 sectors (of the current or last sync/rebuild/check)" \
		"sync_action:" "$6" \
		"mismatch_cnt:" "$7 sectors found inconsistent by the last check" \
		"codec:" "$8 (the GF(2^8) kernel picked for this CPU)"
}

# wait_idle WHAT TIMEOUT: print progress until sync_action is idle and no
# member is 'a'
wait_idle() {
	local what=$1 tmo=$2 t=0 st last=""
	while :; do
		st=$(status_fields)
		set -- $st
		if [ "$6" = idle ] && [[ $4 != *a* ]]; then
			printf '    %3ss  %s  %s  %s  -> done\n' "$t" "$4" "$6" "$5"
			return 0
		fi
		if [ "$st" != "$last" ]; then
			local d=${5%/*} tot=${5#*/}
			[ "$tot" -gt 0 ] 2>/dev/null || tot=1
			printf '    %3ss  %s  %-7s %s (%d%%)\n' "$t" "$4" "$6" "$5" $((d * 100 / tot))
			last=$st
		fi
		if [ "$t" -ge "$tmo" ]; then
			fail "$what did not finish within ${tmo}s: $st"
			return 1
		fi
		sleep 1
		t=$((t + 1))
	done
}

cleanup() {
	mountpoint -q "$MNT" && umount "$MNT"
	dmsetup remove "$VOL" 2>/dev/null
	for i in $(seq 0 $((N - 1))); do dmsetup remove "$(member "$i")" 2>/dev/null; done
	rmmod dm_ec 2>/dev/null
	rmmod brd 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# -------------------------------------------------------------------------
section "1. Members: $N RAM disks of $RAM_MIB MiB"
say "In real life these are 14 disks. Here: brd RAM disks, each wrapped in a" \
    "dm-linear device so that we can later make a 'disk' die under the volume."
modprobe dm-mod
modprobe ext4 || die "cannot load ext4"
modprobe brd rd_nr=$N rd_size=$((RAM_MIB * 1024)) max_part=0 || die "cannot load brd"
sh "$EC_ROOT/tests/vm/load-ko.sh" || die "cannot load dm-ec.ko"
DEVS=()
for i in $(seq 0 $((N - 1))); do
	dmsetup create "$(member "$i")" --table "0 $(blockdev --getsz /dev/ram$i) linear /dev/ram$i 0" ||
		die "cannot create member $i"
	DEVS[i]=/dev/mapper/$(member "$i")
done
run dmsetup targets
say "members: ${DEVS[0]} ... ${DEVS[N - 1]}"

# -------------------------------------------------------------------------
section "2. Create a $K+$M erasure-coded volume"
MEMSZ=$(blockdev --getsz "${DEVS[0]}")
LEN=$((K * ((MEMSZ - 8192) / CHUNK * CHUNK)))
say "Table: <start> <len> ec <k> <m> <chunk_sectors> <#opts> [opts] <dev_0> ... <dev_13>" \
    "Each member keeps 4 MiB (8192 sectors) of metadata at its start (superblock," \
    "write-intent bitmap), so length = k * (member - 8192 sectors, rounded to a chunk)" \
    "= $K * $(( (MEMSZ - 8192) / CHUNK * CHUNK )) = $LEN sectors ($((LEN / 2048)) MiB)." \
    "Chunk $CHUNK sectors (64 KiB) keeps this demo quick; ecctl's default is 4 MiB" \
    "(8192), better for large sequential I/O. 'nosync': blank RAM disks are all" \
    "zeros, which is already a valid code word, so no initial sync is needed."
TABLE="0 $LEN ec $K $M $CHUNK 1 nosync ${DEVS[*]}"
run dmsetup create "$VOL" --table "$TABLE" || die "dmsetup create failed"
run dmsetup table "$VOL"
say "(dmsetup table prints members as major:minor; the line can be loaded again.)"
explain_status
[ "$(field 4)" = AAAAAAAAAAAAAA ] && pass "all 14 members in sync" ||
	fail "health is $(field 4), expected 14 x A"

# -------------------------------------------------------------------------
section "3. ext4 on the volume, $NFILES files, a sha256 manifest"
run mkfs.ext4 -q -F -E nodiscard,stride=$((CHUNK / 8)),stripe_width=$((CHUNK / 8 * K)) /dev/mapper/$VOL ||
	die "mkfs.ext4 failed"
say "(stride = one 64 KiB chunk in 4 KiB blocks, stripe_width = 10 chunks: ext4" \
    " aligns its allocations to full stripes, which saves read-modify-write.)"
mkdir -p "$MNT" "$WORK"
run mount /dev/mapper/$VOL "$MNT" || die "mount failed"
mkdir -p "$MNT/files"
# One process writes them all (a fork per file costs a lot under TCG):
# sizes 4 KiB .. 256 KiB, random contents, a sha256sum-style manifest.
python3 -I -S - "$MNT/files" "$NFILES" "$WORK/manifest" <<'PY' || die "cannot write the files"
import hashlib, os, random, sys
d, n, man = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(42)
total = 0
with open(man, "w") as m:
    for i in range(n):
        data = os.urandom(4096 * (1 + int(rnd.random() * rnd.random() * 64)))
        name = "f%04d" % i
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        m.write("%s  %s\n" % (hashlib.sha256(data).hexdigest(), name))
        total += len(data)
PY
sync
say "wrote $NFILES files, $(du -sk "$MNT/files" | cut -f1) KiB; manifest in $WORK/manifest:"
head -n 3 "$WORK/manifest" | sed 's/^/    /'
echo "    ..."
run df -h "$MNT"
explain_status

# -------------------------------------------------------------------------
DEAD="3 8"		# die under I/O (dm-error)
PULLED="0 12"		# taken out of the table ("-")
section "4. Lose 4 members: $DEAD die, $PULLED are pulled"
say "Members $DEAD: their dm-linear is swapped for dm-error, as if the disks" \
    "died: every I/O to them now fails, and dm-ec marks them D at the first error." \
    "Members $PULLED: the volume is reloaded with '-' in their slots (disks gone)."
for i in $DEAD; do
	printf '  # dmsetup suspend/load/resume %s  (table: 0 %s error)\n' "$(member "$i")" "$MEMSZ"
	dmsetup suspend "$(member "$i")" &&
		dmsetup load "$(member "$i")" --table "0 $MEMSZ error" &&
		dmsetup resume "$(member "$i")" || die "cannot swap member $i for dm-error"
done
say "Writing a file with O_DIRECT and syncing touches every member, so the dead" \
    "ones return errors:"
run dd if=/dev/urandom of="$MNT/after-failure.bin" bs=1M count=8 oflag=direct ||
	fail "write after two members died"
sync
(cd "$MNT" && sha256sum after-failure.bin) >"$WORK/manifest2"
explain_status
h=$(field 4)
[ "${h:3:1}" = D ] && [ "${h:8:1}" = D ] && pass "members 3 and 8 are marked D (failed)" ||
	fail "members 3 and 8 should be D after I/O errors: health $h"
say "Kernel log of the failures:"
dmesg | grep -i 'dm-ec\|device-mapper: ec' | tail -n 6 | sed 's/^/    /'

say "" "The dead disks come out of the table, and members $PULLED are pulled too:" \
    "unmount, reload the table with '-' in slots ${DEAD// /, } and ${PULLED// /, }." \
    "(A table may not name a member whose superblock cannot be read: the dead" \
    " ones must be given as '-'.)"
run umount "$MNT"
DEG=("${DEVS[@]}")
for i in $DEAD $PULLED; do DEG[i]=-; done
printf '  # dmsetup reload %s --table "0 %s ec %s %s %s 0 %s"\n' "$VOL" "$LEN" $K $M $CHUNK "${DEG[*]}"
dmsetup reload "$VOL" --table "0 $LEN ec $K $M $CHUNK 0 ${DEG[*]}" ||
	die "reload with members $DEAD $PULLED missing failed"
run dmsetup resume "$VOL" || die "resume failed"
explain_status
h=$(field 4)
miss=${h//[^-D]/}
[ ${#miss} -eq 4 ] && pass "4 of 14 members lost ($h): degraded, but every stripe still has 10 chunks" ||
	fail "expected 4 lost members: health $h"

# -------------------------------------------------------------------------
section "5. Read every file back with 4 members lost"
say "The page cache is dropped first, so every byte comes from the volume and" \
    "a quarter of the chunks are decoded from parity."
sync
echo 3 >/proc/sys/vm/drop_caches
run mount /dev/mapper/$VOL "$MNT" || die "mount of the degraded volume failed"
run e2fsck -fn /dev/mapper/$VOL >/dev/null 2>&1
if (cd "$MNT/files" && sha256sum --quiet -c "$WORK/manifest") >"$WORK/verify.out" 2>&1 &&
	(cd "$MNT" && sha256sum --quiet -c "$WORK/manifest2") >>"$WORK/verify.out" 2>&1; then
	pass "all $(($(wc -l <"$WORK/manifest") + 1)) files match their sha256"
else
	fail "files differ:"
	head -n 20 "$WORK/verify.out" | sed 's/^/    /'
fi
say "A new file written while degraded:"
run dd if=/dev/urandom of="$MNT/degraded.bin" bs=64k count=64 status=none ||
	fail "write while degraded"
(cd "$MNT" && sha256sum degraded.bin) >>"$WORK/manifest2"
run umount "$MNT"

# -------------------------------------------------------------------------
section "6. Replace the 2 dead members and rebuild them"
say "New disks go in slots $DEAD: the dm-error devices become linear again over" \
    "RAM disks that we wipe first (a blank replacement disk). The table lists" \
    "them with 'rebuild <idx>': dm-ec reconstructs their chunks from the others" \
    "in the background while the volume stays usable. Slots $PULLED stay empty."
for i in $DEAD; do
	dd if=/dev/zero of=/dev/ram$i bs=1M oflag=direct status=none 2>/dev/null
	dmsetup suspend "$(member "$i")" &&
		dmsetup load "$(member "$i")" --table "0 $MEMSZ linear /dev/ram$i 0" &&
		dmsetup resume "$(member "$i")" || die "cannot put member $i back"
done
say "wiped /dev/ram${DEAD// /, /dev/ram} and put them back under $(member 3), $(member 8)"
OPTS=""
for i in $DEAD; do OPTS+=" rebuild $i"; DEG[i]=${DEVS[i]}; done
printf '  # dmsetup reload %s --table "0 %s ec %s %s %s 4%s %s"\n' "$VOL" "$LEN" $K $M $CHUNK "$OPTS" "${DEG[*]}"
dmsetup reload "$VOL" --table "0 $LEN ec $K $M $CHUNK 4$OPTS ${DEG[*]}" ||
	die "reload with rebuild failed"
run dmsetup resume "$VOL" || die "resume failed"
say "Rebuild progress (health, action, sectors done/total):"
wait_idle rebuild 240
explain_status
h=$(field 4)
[ "$h" = "-AAAAAAAAAAA-A" ] && pass "members 3 and 8 rebuilt; 0 and 12 still missing ($h)" ||
	fail "after the rebuild health is $h, expected -AAAAAAAAAAA-A"

say "" "Proof that the rebuilt members hold the right data: reload with members" \
    "0, 12 AND two other ones (5, 10) missing, so that every stripe needs 3 and 8."
DEG2=("${DEG[@]}")
DEG2[5]=- DEG2[10]=-
dmsetup reload "$VOL" --table "0 $LEN ec $K $M $CHUNK 0 ${DEG2[*]}" && dmsetup resume "$VOL" ||
	die "reload with 0 5 10 12 missing failed"
printf '    health now %s\n' "$(field 4)"
echo 3 >/proc/sys/vm/drop_caches
mount -o ro /dev/mapper/$VOL "$MNT" || die "mount failed"
if (cd "$MNT/files" && sha256sum --quiet -c "$WORK/manifest") >"$WORK/verify.out" 2>&1 &&
	(cd "$MNT" && sha256sum --quiet -c "$WORK/manifest2") >>"$WORK/verify.out" 2>&1; then
	pass "all files intact, read through the rebuilt members"
else
	fail "files differ after the rebuild:"
	head -n 20 "$WORK/verify.out" | sed 's/^/    /'
fi
umount "$MNT"
dmsetup reload "$VOL" --table "0 $LEN ec $K $M $CHUNK 0 ${DEG[*]}" && dmsetup resume "$VOL" ||
	die "reload back to 0 12 missing failed"
say "Reloaded back with only 0 and 12 missing. Members 5 and 10 were out of the" \
    "table for a while: dm-ec cannot know that nothing was written meanwhile, so" \
    "it brings them up to date on its own ('a'):"
wait_idle "catch-up of 5 and 10" 240
[ "$(field 4)" = "-AAAAAAAAAAA-A" ] && pass "members 5 and 10 back in sync" ||
	fail "health $(field 4), expected -AAAAAAAAAAA-A"

# -------------------------------------------------------------------------
section "7. Scrub: 'check' reads every stripe and compares the parity"
say "(With 2 members missing, the 2 parities that are present are checked.)"
nchk=$(dmesg | grep -c 'check finished')
run dmsetup message "$VOL" 0 check || fail "message check"
wait_idle check 240
explain_status
mm=$(field 7)
done_line=$(dmesg | grep 'check finished' | tail -n +$((nchk + 1)) | tail -n 1)
printf '    kernel: %s\n' "${done_line:-(no 'check finished' line)}"
if [ -z "$done_line" ]; then
	fail "the check did not run to the end"
elif [ "$mm" = 0 ]; then
	pass "check finished: mismatch_cnt 0"
else
	fail "check found $mm mismatched sectors"
fi

# -------------------------------------------------------------------------
section "8. Clean up"
run dmsetup remove "$VOL"
for i in $(seq 0 $((N - 1))); do dmsetup remove "$(member "$i")" || fail "remove member $i"; done
rmmod dm_ec || fail "rmmod dm_ec"
rmmod brd 2>/dev/null
say "removed the volume and members, unloaded dm-ec"
trap - EXIT

echo
hr
if [ "$FAILS" -eq 0 ]; then
	echo "DEMO PASSED: every verification succeeded"
else
	echo "DEMO FAILED: $FAILS verification(s) failed (see FAIL lines above)"
fi
hr
[ "$FAILS" -eq 0 ]
