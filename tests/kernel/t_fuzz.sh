#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_fuzz.sh - table and message fuzz (build/tests/ec_fuzz, raw DM ioctls):
# 10^4 random and mutated table lines and target messages (10^5 with
# EC_FULL=1; EC_FUZZ_N overrides, EC_FUZZ_SEED fixes the seed) against 12
# small members, one of them too small for any volume. Asserted:
#   - every load, resume and message returns (the driver's watchdog), a
#     refused load leaves its reason in the kernel log, valid lines on
#     blank members load and resume, printed tables reload (ec_fuzz);
#   - a 2+2 volume created before the fuzz, on members the fuzz never
#     names, is untouched: healthy, same table, its data reads back;
#   - no kernel warning (our own grep; the VM runner checks too);
#   - dm-ec unloads (rmmod) at the end;
#   - slab usage back to the baseline taken before dm-ec was loaded:
#     active objects of the kmalloc-*, bio and dm caches, and the number of
#     vmalloc areas (see SLAB_TOL below).
. "$(dirname "$0")/lib.sh"
ec_require_vm

FUZZ=${EC_FUZZ:-$EC_ROOT/build/tests/ec_fuzz}
[ -x "$FUZZ" ] || die "$FUZZ not built (make user)"
if [ "${EC_FULL:-0}" = 1 ]; then N=${EC_FUZZ_N:-100000}; else N=${EC_FUZZ_N:-10000}; fi
# make check: a fixed seed; a random one under EC_FULL=1
if [ "${EC_FULL:-0}" = 1 ]; then
	SEED=${EC_FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}
else
	SEED=${EC_FUZZ_SEED:-577177548}
fi
SZ=24576			# member size: 12 MiB, 8 MiB data area
SZ10=$((SZ - 1000))		# member 10 is a bit smaller
SMALL=4096			# member 11: smaller than the metadata area
# Tolerances of the slab comparison (Documentation/testing.md, "The slab
# check"): objects allocated by dm-ec's own code (allocation sites in no
# loaded code once dm-ec is unloaded: slub_debug=U) may not grow by more
# than SLAB_MOD_TOL; each watched cache by no more than SLAB_TOL objects
# (more than one slab page of the smallest caches, which other users of
# the guest's kernel were seen to take: kmalloc-8 +512), and their sum by
# SLAB_SUM_TOL. A leak of one object per accepted load would be about
# 1000 (about 3000 per constructor past its argument checks).
SLAB_MOD_TOL=${EC_SLAB_MOD_TOL:-10}
SLAB_TOL=${EC_SLAB_TOL:-600}
SLAB_SUM_TOL=${EC_SLAB_SUM_TOL:-1000}

# slab_snapshot FILE: "cache active_objects" of the watched caches, plus
# "vmalloc N" (areas in /proc/vmallocinfo), after dropping dentries and
# inodes (the 9p root caches fids in kmalloc objects) and letting RCU
# frees finish.
slab_snapshot() {
	local i c
	sync
	for i in 1 2 3; do
		echo 3 >/proc/sys/vm/drop_caches
		sleep 1
	done
	# Shrinking a cache also empties KASAN's quarantine of it (debug
	# kernel): objects freed long ago would count as in use otherwise.
	for c in /sys/kernel/slab/*/shrink; do
		echo 1 >"$c"
	done 2>/dev/null
	awk 'NR > 2 && ($1 ~ /^(kmalloc-|kmalloc-cg-|dma-kmalloc-|bio|biovec|dm_|kcopyd)/) { print $1, $2 }' \
		/proc/slabinfo >"$1"
	echo "vmalloc $(wc -l </proc/vmallocinfo)" >>"$1"
	# allocation sites (slub_debug=U, debugfs), for the diagnostics
	: >"$1.sites"
	for c in $(awk '$1 != "vmalloc" { print $1 }' "$1"); do
		[ -r /sys/kernel/debug/slab/$c/alloc_traces ] || continue
		awk -v c="$c" '$1 ~ /^[0-9]+$/ { print c, $2, $1 }' \
			/sys/kernel/debug/slab/$c/alloc_traces >>"$1.sites"
	done
}

# slab_sites A B: the allocation sites whose object count grew most
slab_sites() {
	awk 'FNR == NR { a[$1 " " $2] += $3; next } { b[$1 " " $2] += $3 }
		END { for (s in b) if (b[s] - a[s] > 0) print b[s] - a[s], s }' \
		"$1.sites" "$2.sites" | sort -rn | head -n "${3:-10}" |
		sed 's/^/#     +/'
}

# Allocation sites of kernel threads: the workqueue core starts unbound
# workers as the load needs them and lets an idle one go only after 5
# minutes, so how many are alive at the end depends on the host's speed
# (seen: 15 more workers, 6 objects each, in the VM here; 199 fewer in
# the whole suite, workers of earlier scripts let go during the fuzz).
# Their objects are not dm-ec's: with alloc_traces (slub_debug=U) their
# change is taken out of each cache's change before the comparison, and
# printed.
THREAD_SITES='^(alloc_worker|set_kthread_struct|security_prepare_creds|security_task_alloc|tomoyo_[a-z_]*|__get_vm_area_node|__vmalloc_node_range|alloc_vmap_area|dup_task_struct|copy_process|create_worker|kthread_create_on_node|__kthread_create_on_node|prepare_creds|alloc_pid)\+'

# slab_threads A B: "cache change" of the kernel-thread sites from A to B,
# either way (workers started by earlier scripts may also be let go while
# the fuzz runs: seen -199 objects in six caches)
slab_threads() {
	awk -v re="$THREAD_SITES" '
		FNR == NR { a[$1 " " $2] += $3; all[$1 " " $2] = 1; next }
		{ b[$1 " " $2] += $3; all[$1 " " $2] = 1 }
		END {
			for (s in all) {
				split(s, f, " ")
				if (f[2] ~ re) g[f[1]] += b[s] - a[s]
			}
			for (c in g) if (g[c]) print c, g[c]
		}' "$1.sites" "$2.sites"
}

# slab_module A B: objects at allocation sites in no loaded code (dm-ec's
# own, once it is unloaded; a raw address in alloc_traces) from A to B
slab_module() {
	awk 'FNR == NR { if ($2 ~ /^0x/) a += $3; next } { if ($2 ~ /^0x/) b += $3 }
		END { print b - a }' "$1.sites" "$2.sites"
}

# slab_compare A B: print caches whose count changed beyond SLAB_TOL (or
# the sum beyond SLAB_SUM_TOL), after taking out what kernel threads
# started in between hold (slab_threads), and the objects of dm-ec's own
# allocation sites (beyond SLAB_MOD_TOL: a leak of dm-ec's); return 1 if
# any; the largest changes as diagnostics.
slab_compare() {
	local mod
	mod=$(slab_module "$1" "$2")
	printf '#   objects allocated by dm-ec itself (sites in no loaded code): %+d\n' "$mod"
	[ "$mod" -le "$SLAB_MOD_TOL" ] || { slab_compare_caches "$@"; return 1; }
	slab_compare_caches "$@"
}
slab_compare_caches() {
	slab_threads "$1" "$2" >"$2.threads"
	awk -v tol="$SLAB_TOL" -v sumtol="$SLAB_SUM_TOL" '
		FILENAME == ARGV[1] { t[$1] = $2; next }
		FILENAME == ARGV[2] { a[$1] = $2; next }
		{ b[$1] = $2 }
		END {
			bad = 0; sum = 0
			for (c in t) tsum += t[c]
			if (tsum) printf "#   kernel threads started or ended in between: %+d objects (taken out below)\n", tsum
			for (c in b) {
				d = b[c] - a[c] - t[c]
				if (c != "vmalloc") sum += d
				if (d != 0) printf "#   %s %+d (%d -> %d%s)\n", c, d, a[c], b[c], t[c] ? sprintf(", %+d of threads", t[c]) : ""
				# freed vmalloc areas linger until a lazy purge:
				# fewer is no leak, a few more is noise
				if (c == "vmalloc" && d > 100) bad = 1
				if (c != "vmalloc" && (d > tol || d < -tol)) bad = 1
			}
			printf "#   sum over the caches %+d\n", sum
			if (sum > sumtol || sum < -sumtol) bad = 1
			exit bad
		}' "$2.threads" "$1" "$2"
}

ec_modprobe dm-mod || die "cannot load dm-mod"
ec_brd_setup || die "cannot set up brd RAM disks"
for i in $(seq 0 15); do
	case $i in
	10) s=$SZ10 ;;
	11) s=$SMALL ;;
	*) s=$SZ ;;
	esac
	ec_member_create "$i" "$s" || die "cannot create member $i"
done
ec_wipe "$SZ" $(seq 0 15) || die "cannot zero the RAM disks"
ecpy_start
ecpy dm status ect_m0 >/dev/null	# python and its modules are loaded
DBGFS=0
mountpoint -q /sys/kernel/debug || { mount -t debugfs debugfs /sys/kernel/debug && DBGFS=1; }
# Load and unload dm-ec once: what it pulls in and keeps (libcrc32c, the
# crc32c crypto driver, ...) is then part of the baseline.
ec_load_module && ec_unload_module || die "cannot load and unload $EC_KO"
"$FUZZ" -n 0 "${MEM[0]}" "${MEM[1]}" >/dev/null 2>&1	# the binary is cached

# Baseline before dm-ec is loaded, and the noise between two snapshots
# (the first one only warms up: reading debugfs' alloc_traces allocates
# what stays).
slab_snapshot "$EC_TMP/slab0w"
slab_snapshot "$EC_TMP/slab0a"
dmsetup ls >/dev/null; "$FUZZ" -n 0 "${MEM[0]}" "${MEM[1]}" >/dev/null 2>&1
slab_snapshot "$EC_TMP/slab0"
noise=$(slab_compare "$EC_TMP/slab0a" "$EC_TMP/slab0")
diag "slab noise between two baseline snapshots:"
printf '%s\n' "$noise" | tail -n 12

ec_load_module || die "cannot load $EC_KO"

# The sentinel: 2+2 chunk 8 on members 12..15, with data, alive throughout.
SLEN=$(ec_max_length 2 8 "$SZ")
STABLE="0 $SLEN ec 2 2 8 1 nosync ${MEM[12]} ${MEM[13]} ${MEM[14]} ${MEM[15]}"
ec_create s "$STABLE" || die "cannot create the sentinel volume"
ecpy fill "$(vol s)" "$EC_TMP/s.ref" --seed 7
tap $? "sentinel 2+2 volume written ($((SLEN / 2048)) MiB)"
st_before=$(ec_status s)
tbl_before=$(dmsetup table ect_s)
protect=()
for i in 12 13 14 15; do
	protect+=(-x "${MEM[$i]}" -x "$(devnum /dev/ram$i)")
done
protect+=(-x "$(vol s)")

mark=$(kmsg_mark)
t0=$(now)
diag "ec_fuzz: seed $SEED, $N inputs (reproduce: EC_FUZZ_SEED=$SEED EC_FUZZ_N=$N)"
dmesg -n 1			# the serial console is slow under TCG
"$FUZZ" -s "$SEED" -n "$N" "${protect[@]}" -S "${MEM[11]}" \
	"${MEM[@]:0:11}" >"$EC_TMP/fuzz.out" 2>&1
rc=$?
dmesg -n 5
secs=$(elapsed "$t0")
grep -v '^FAIL' "$EC_TMP/fuzz.out" | head -n 50 | sed 's/^# /#   /; s/^\([^#]\)/#   \1/'
grep '^FAIL' "$EC_TMP/fuzz.out" | head -n 20 | sed 's/^/#   /'
tap $rc "ec_fuzz: $N inputs, every one answered as expected ($secs s, seed $SEED)"
cp "$EC_TMP/fuzz.out" "${EC_RESULTS:-$EC_TMP}/t_fuzz.ec_fuzz.out" 2>/dev/null

kmsg_since "$mark" >"$EC_TMP/kmsg"
bad=$(grep -E 'BUG|WARNING|Oops|invalid opcode|KASAN|UBSAN|hung task|blocked for more|soft lockup|corruption|Call Trace|kmem_cache_destroy' "$EC_TMP/kmsg" | head -n 5)
[ -z "$bad" ]
tap $? "no kernel warning during the fuzz ($(wc -l <"$EC_TMP/kmsg") log lines)" "$bad"

# The sentinel is untouched.
is "$(ec_status s)" "$st_before" "sentinel status unchanged: $st_before"
is "$(dmsetup table ect_s)" "$tbl_before" "sentinel table unchanged"
ecpy verify "$(vol s)" "$EC_TMP/s.ref"
tap $? "sentinel data reads back identical after the fuzz"
ec_remove s || not_ok "remove the sentinel"
out=$(ecpy dm create ect_s "$STABLE") &&
	out=$(ecpy verify "$out" "$EC_TMP/s.ref") &&
	[ "$(ec_health s)" = AAAA ]
tap $? "sentinel assembles again from its members, healthy, data identical" "$out"
ecpy dm remove ect_s

# Found by the fuzz: a table loaded on blank members and resumed only after
# another device formatted them with another region_size. The resume reads
# the superblocks again; the bitmap was sized by the constructor for the
# old region count (a heap overflow, caught by slub_debug, before the fix).
# Now the resume is refused and nothing is overrun.
ec_wipe 16 0 1 2
L3=$(ec_max_length 2 8 "$SZ")
mark=$(kmsg_mark)
dmsetup create ect_fz1 --notable &&
	dmsetup load ect_fz1 --table "0 $L3 ec 2 1 8 0 ${MEM[*]:0:3}" &&
	dmsetup create ect_fz2 --table "0 $L3 ec 2 1 8 2 region_size 8 ${MEM[*]:0:3}" &&
	dmsetup remove ect_fz2
tap $? "table A loaded on blank members, then B formats them with region_size 8"
dmsetup resume ect_fz1 >/dev/null 2>&1
rc=$?
dmsetup remove ect_fz1
why=$(kmsg_since "$mark" | grep -E 'ec: .*(changed|bitmap)' | tail -n 1)
[ $rc -ne 0 ] && [ -n "$why" ]
tap $? "resuming A is refused: the members changed under it (${why##*ec: })" "resume rc $rc"
bad=$(kmsg_since "$mark" | grep -E 'BUG|Redzone|Poison|WARNING|corrupt' | head -n 3)
[ -z "$bad" ]
tap $? "no slab corruption from the stale table" "$bad"

# Nothing left, dm-ec unloads, slabs back to the baseline.
left=$(dmsetup ls | grep -E '^(ecf_|ect_s)' || true)
[ -z "$left" ]
tap $? "no fuzz device left" "$left"
rmmod dm_ec
tap $? "rmmod dm_ec after the fuzz"
slab_snapshot "$EC_TMP/slab1"
diag "slab changes from before loading dm-ec to after unloading it (tolerance $SLAB_MOD_TOL at dm-ec's own sites, $SLAB_TOL per cache, $SLAB_SUM_TOL in sum):"
out=$(slab_compare "$EC_TMP/slab0" "$EC_TMP/slab1")
rc=$?
printf '%s\n' "$out" | head -n 20
if [ $rc -ne 0 ] || [ -n "${EC_SLAB_SITES:-}" ]; then
	diag "  allocation sites that grew most:"
	slab_sites "$EC_TMP/slab0" "$EC_TMP/slab1" 15
fi
tap $rc "slab usage back to the baseline after $N inputs"

[ "$DBGFS" = 1 ] && umount /sys/kernel/debug
ec_cleanup
tap_done
