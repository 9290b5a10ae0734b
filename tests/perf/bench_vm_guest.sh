#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/perf/bench_vm_guest.sh - dm-ec against dm-raid raid6 at the dm level,
# inside the test VM (tests/perf/bench_vm.sh boots it). 14 brd RAM disks serve
# as members of, in turn:
#
#   ec64k   dm-ec 10+4, chunk 128 sectors (64 KiB), nosync
#   ec4m    dm-ec 10+4, chunk 8192 sectors (4 MiB), nosync  (BENCH_EC4M=0 skips)
#   raid6   dm-raid raid6_zr, 64 KiB chunk, no metadata devices (dm-raid
#           refuses nosync for raid6; without metadata it starts in sync)
#
# and fio (direct=1, libaio) runs on each: sequential 1 MiB write (which
# also fills the test area) and read, sequential write in whole stripes
# (bs = data members x chunk), random 4 KiB write and read, then
# sequential 1 MiB reads with members missing (dm-ec: 1, 2, 4; raid6: 1,
# 2, off by default: see raid_degraded). Every result line also carries where the CPU time went: the guest's
# busy share of its vCPUs, and the seconds spent in fio, in kworkers (dm-ec
# works in a workqueue, "kecd"), and in md's raid thread.
#
# Results: a line per test as it ends, a table at the end, the fio JSON in
# $EC_RESULTS/fio/. Knobs (environment): BENCH_RUNTIME (s, default 10),
# BENCH_SIZE_MIB (test area, default 384), BENCH_EC4M (1), BENCH_PERF (1),
# BENCH_RAID6_DEGRADED (0). kworker seconds: threads that exit during a
# test take their time with them (shown as 0 when the sum goes negative).

set -u
if [ "${EC_VM:-}" != 1 ] || [ "$(id -u)" != 0 ]; then
	echo "$0: runs only as root inside the test VM (use 'make bench-vm')" >&2
	exit 77
fi
export DM_DISABLE_UDEV=1

N=14 K=10 M=4
RAM_MIB=128
RT=${BENCH_RUNTIME:-10}
SZ=${BENCH_SIZE_MIB:-384}
EC4M=${BENCH_EC4M:-1}
PERF=${BENCH_PERF:-1}
# raid6 with failed members hung the Debian 6.1 guest twice (see
# raid_degraded); off unless asked for.
R6DEG=${BENCH_RAID6_DEGRADED:-0}
OUT=${EC_RESULTS:-/tmp}/fio
RES=/tmp/bench-results	# target test mbs iops busy% fio_s kworker_s md_s
mkdir -p "$OUT"
: >"$RES"
: >"$RES.rebuild"
FAILS=0

log() { printf '%s\n' "$*"; }
# qlim DEV: the request size limits the block layer applies to DEV
qlim() {
	local q
	q=/sys/block/$(dmsetup info -c --noheadings -o blkdevname "${1#/dev/mapper/}")/queue
	echo "max_sectors_kb $(cat $q/max_sectors_kb), max_hw_sectors_kb $(cat $q/max_hw_sectors_kb), io_opt $(cat $q/optimal_io_size)"
}
up() { cut -d' ' -f1 /proc/uptime; }

# --- CPU accounting --------------------------------------------------------
# cpu_snap: "busy total fio kworker md ecsync" in clock ticks. busy/total
# from /proc/stat; the rest summed over every thread of /proc/*/task/*.
cpu_snap() {
	local busy
	busy=$(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i;
		print t - $5 - $6, t; exit }' /proc/stat)
	# stat: pid (comm) state ... utime=14 stime=15; comm may hold spaces
	cat /proc/[0-9]*/task/[0-9]*/stat 2>/dev/null | awk -v b="$busy" '
		{
			l = index($0, "("); r = 0
			for (i = length($0); i > 0; i--) if (substr($0, i, 1) == ")") { r = i; break }
			comm = substr($0, l + 1, r - l - 1)
			n = split(substr($0, r + 2), f, " ")
			t = f[12] + f[13]
			if (comm ~ /^fio/) fio += t
			else if (comm ~ /^kworker/) kw += t
			else if (comm ~ /^md.*_raid/) md += t
			else if (comm ~ /^ec_sync/) es += t
		}
		END { printf "%s %d %d %d %d\n", b, fio, kw, md, es }'
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# --- fio ---------------------------------------------------------------------
# bench TARGET TEST DEV FIO_ARGS...: run one fio job, print and record it
bench() {
	local tgt=$1 test=$2 dev=$3 s0 s1 json
	shift 3
	json=$OUT/$tgt-$test.json
	s0=$(cpu_snap)
	fio --name="$tgt-$test" --filename="$dev" --direct=1 --ioengine=libaio \
		--numjobs=1 --group_reporting --output-format=json \
		--output="$json" "$@" >/dev/null 2>"$json.err"
	local rc=$?
	s1=$(cpu_snap)
	if [ $rc -ne 0 ] || [ ! -s "$json" ]; then
		log "  $tgt $test: fio failed (exit $rc): $(head -c 400 "$json.err")"
		FAILS=$((FAILS + 1))
		echo "$tgt $test - - - - - -" >>"$RES"
		return 1
	fi
	# bytes/s and IOPS of whichever direction ran, errors, runtime
	local r
	r=$(jq -r '.jobs[0] | [ (.read.bw_bytes + .write.bw_bytes),
		(.read.iops + .write.iops), .error,
		((.read.runtime + .write.runtime) / 1000),
		((.read.io_bytes + .write.io_bytes) / 1048576),
		((.usr_cpu + .sys_cpu) / 100 * .job_runtime / 1000) ] | @tsv' "$json" 2>/dev/null)
	local bw iops err secs mib fios
	read -r bw iops err secs mib fios <<<"$r"
	if [ "${err:-1}" != 0 ]; then
		log "  $tgt $test: fio reports error $err"
		FAILS=$((FAILS + 1))
	fi
	# s0, s1: busy total fio kworker md ecsync (6 fields each)
	# (fio has exited by the second snapshot: its own CPU figure is used)
	echo "$s0 $s1 $bw $iops $secs $mib $fios" | awk -v tgt="$tgt" -v test="$test" -v hz="$HZ" '{
		db = $7 - $1; dt = $8 - $2
		busy = dt > 0 ? 100 * db / dt : 0
		printf "%s %s %.1f %.0f %.0f %.1f %.1f %.1f %.0f\n", tgt, test, $13 / 1e6, $14, busy,
			$17, ($10 - $4 < 0 ? 0 : ($10 - $4) / hz), ($11 - $5) / hz, $16
	}' >>"$RES"
	tail -n 1 "$RES" | awk '{
		printf "  %-6s %-10s %8.1f MB/s %8.0f IOPS   cpu busy %3d%%  fio %4.1fs kworker %4.1fs md %4.1fs  (%s MiB)\n",
			$1, $2, $3, $4, $5, $6, $7, $8, $9 }'
}

# profile TARGET TEST DEV FIO_ARGS...: where the CPU time goes, with perf's
# software clock (TCG has no PMU): the top kernel symbols, and the split
# over the vCPUs. BENCH_PERF=0 skips it.
profile() {
	local tgt=$1 test=$2 dev=$3 data=/tmp/perf.$1.$2
	shift 3
	[ "$PERF" = 1 ] && command -v perf >/dev/null || return 0
	perf record -q -e cpu-clock -F 499 -a -g -o "$data" -- \
		fio --name=p --filename="$dev" --direct=1 --ioengine=libaio --numjobs=1 \
		--runtime=6 --time_based --output-format=terse "$@" >/dev/null 2>&1
	log "  perf $tgt $test: top symbols (self), % of all samples of both vCPUs:"
	perf report -i "$data" --stdio --no-children --sort sym -g none 2>/dev/null |
		grep '%' | grep -v '^#' | head -n 14 | sed 's/^ */    /'
	log "  perf $tgt $test: busy (non-idle) share of samples per vCPU:"
	perf report -i "$data" --stdio --no-children --sort cpu,sym -g none 2>/dev/null |
		grep '%' | grep -v '^#' | awk '
		{ p = $1; sub(/%/, "", p); c = $2
		  if ($0 !~ /native_safe_halt|default_idle|amd_e400_idle|cpu_idle|mwait/) busy[c] += p
		  all[c] += p }
		END { for (c in all) printf "    cpu %s: %.1f%% busy of %.1f%% of the samples\n", c, busy[c], all[c] }' | sort
	rm -f "$data"
}

# the standard set on a healthy volume
bench_healthy() {
	local tgt=$1 dev=$2 full_bs=$3
	bench "$tgt" seqwrite "$dev" --rw=write --bs=1M --iodepth=16 --size=${SZ}M --runtime=$((RT * 2))
	bench "$tgt" seqread "$dev" --rw=read --bs=1M --iodepth=16 --size=${SZ}M --runtime=$RT --time_based
	bench "$tgt" fullwrite "$dev" --rw=write --bs="$full_bs" --iodepth=16 --size=${SZ}M --runtime=$RT --time_based
	bench "$tgt" randwrite "$dev" --rw=randwrite --bs=4k --iodepth=16 --size=${SZ}M --runtime=$RT --time_based --randrepeat=0
	bench "$tgt" randread "$dev" --rw=randread --bs=4k --iodepth=16 --size=${SZ}M --runtime=$RT --time_based --randrepeat=0
}
bench_degraded() {
	local tgt=$1 dev=$2 nmiss=$3
	bench "$tgt" "deg${nmiss}read" "$dev" --rw=read --bs=1M --iodepth=16 --size=${SZ}M --runtime=$RT --time_based
}

# --- setup -----------------------------------------------------------------
log "== setup: $N brd RAM disks of $RAM_MIB MiB, dm-ec, dm-raid"
log "guest: $(nproc) vCPU, $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo), kernel $(uname -r), fio $(fio --version)"
modprobe dm-mod
modprobe brd rd_nr=$N rd_size=$((RAM_MIB * 1024)) max_part=0 || { log "cannot load brd"; exit 1; }
sh "$EC_ROOT/tests/vm/load-ko.sh" || { log "cannot load dm-ec.ko"; exit 1; }
modprobe dm-raid || { log "cannot load dm-raid"; exit 1; }
dmesg | grep -E 'dm-ec: (using|.*encode)|raid6: (using|.*gen\(\))' | sed 's/^\[[^]]*\] /  kernel: /'
MEMSZ=$(blockdev --getsz /dev/ram0)
# Zero every RAM disk once: brd then has all its pages (reads of never
# written brd pages are cheaper than real ones), and zeros are a valid
# code word for dm-ec's nosync.
for i in $(seq 0 $((N - 1))); do
	dd if=/dev/zero of=/dev/ram$i bs=1M count=$RAM_MIB oflag=direct status=none
done
# Members are dm-linear over the RAM disks for every target (so that one
# can be swapped for dm-error under raid6).
LIN=()
for i in $(seq 0 $((N - 1))); do
	dmsetup create "bench_l$i" --table "0 $MEMSZ linear /dev/ram$i 0" || { log "cannot create bench_l$i"; exit 1; }
	LIN[i]=/dev/mapper/bench_l$i
done

# wipe_meta: zero the first 4 MiB of every member (blank for dm-ec)
wipe_meta() {
	local i
	for i in $(seq 0 $((N - 1))); do
		dd if=/dev/zero of=/dev/ram$i bs=1M count=4 oflag=direct status=none
	done
}
# devlist MISSING: member list with "-" at the indexes in MISSING
devlist() {
	local miss=" $1 " i out=()
	for i in $(seq 0 $((N - 1))); do
		if [[ $miss == *" $i "* ]]; then out+=(-); else out+=("${LIN[i]}"); fi
	done
	echo "${out[*]}"
}

# --- dm-ec -----------------------------------------------------------------
ec_run() {
	local tgt=$1 chunk=$2 len dev=/dev/mapper/bench_ec miss
	len=$((K * ((MEMSZ - 8192) / chunk * chunk)))
	log ""
	log "== $tgt: dm-ec $K+$M, chunk $chunk sectors, $((len / 2048)) MiB"
	wipe_meta
	dmsetup create bench_ec --table "0 $len ec $K $M $chunk 1 nosync $(devlist "")" ||
		{ log "dmsetup create failed"; FAILS=$((FAILS + 1)); return 1; }
	log "  status: $(dmsetup status bench_ec)"
	log "  queue: $(qlim $dev)"
	bench_healthy "$tgt" "$dev" $((K * chunk / 2))k
	log "  status: $(dmsetup status bench_ec)"
	if [ "$tgt" = ec64k ]; then
		profile "$tgt" seqwrite "$dev" --rw=write --bs=1M --iodepth=16 --size=${SZ}M
		profile "$tgt" randwrite "$dev" --rw=randwrite --bs=4k --iodepth=16 --size=${SZ}M
	fi
	for miss in "0" "0 3" "0 3 6 9"; do
		dmsetup remove bench_ec &&
			dmsetup create bench_ec --table "0 $len ec $K $M $chunk 0 $(devlist "$miss")" ||
			{ log "create with $miss missing failed"; FAILS=$((FAILS + 1)); return 1; }
		log "  missing $miss: $(dmsetup status bench_ec | cut -d' ' -f4-)"
		bench_degraded "$tgt" "$dev" "$(wc -w <<<"$miss")"
		[ "$miss" = 0 ] && ec_degraded_writes "$tgt" "$dev" "$len" "$chunk"
	done
	dmsetup remove bench_ec
	ec_rebuild "$tgt" "$len" "$chunk" "0"
	ec_rebuild "$tgt" "$len" "$chunk" "0 3 6 9"
}

# ec_degraded_writes TGT DEV LEN CHUNK: member 0 missing (the volume is
# live that way): writes with the partial-parity log (the default), then
# the same with noppl.
ec_degraded_writes() {
	local tgt=$1 dev=$2 len=$3 chunk=$4
	bench "$tgt" deg1write "$dev" --rw=write --bs=1M --iodepth=16 --size=${SZ}M --runtime=$RT --time_based
	bench "$tgt" deg1randwrite "$dev" --rw=randwrite --bs=4k --iodepth=16 --size=${SZ}M --runtime=$RT --time_based --randrepeat=0
	dmsetup remove bench_ec &&
		dmsetup create bench_ec --table "0 $len ec $K $M $chunk 1 noppl $(devlist 0)" ||
		{ log "create with noppl failed"; FAILS=$((FAILS + 1)); return 1; }
	log "  missing 0, noppl: $(dmsetup status bench_ec | cut -d' ' -f4-)"
	bench "$tgt" deg1write_noppl "$dev" --rw=write --bs=1M --iodepth=16 --size=${SZ}M --runtime=$RT --time_based
	bench "$tgt" deg1randwrite_noppl "$dev" --rw=randwrite --bs=4k --iodepth=16 --size=${SZ}M --runtime=$RT --time_based --randrepeat=0
}

# wait_idle NAME HEALTH-FIELD ACTION-FIELD LIMIT: seconds until the sync
# action is idle and no member is "a" (not in sync)
wait_idle() {
	local name=$1 hf=$2 f=$3 lim=$4 t0 st
	t0=$(up)
	while :; do
		st=$(dmsetup status "$name" | awk -v h="$hf" -v f="$f" '{ print $h, $f }')
		[[ $st == *" idle" && ${st% *} != *a* ]] && break
		awk -v a="$(up)" -v b="$t0" -v l="$lim" 'BEGIN { exit !(a - b > l) }' && return 1
		sleep 0.2
	done
	awk -v a="$(up)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }'
}

# ec_rebuild TGT LEN CHUNK "MEMBERS": rebuild MEMBERS of an idle volume
# from scratch; time and member MB/s.
ec_rebuild() {
	local tgt=$1 len=$2 chunk=$3 mem=$4 opts="" i secs per
	for i in $mem; do opts+=" rebuild $i"; done
	per=$(((MEMSZ - 8192) / chunk * chunk))
	dmsetup create bench_ec --table "0 $len ec $K $M $chunk $(($(wc -w <<<"$mem") * 2))$opts $(devlist "")" ||
		{ log "create with$opts failed"; FAILS=$((FAILS + 1)); return 1; }
	if ! secs=$(wait_idle bench_ec 7 9 900); then
		log "  rebuild of $mem did not finish"; FAILS=$((FAILS + 1))
		dmsetup remove bench_ec; return 1
	fi
	log "  $tgt rebuild of member(s) $mem: ${secs} s for $((per / 2048)) MiB per member, $(awk -v s="$secs" -v p="$per" 'BEGIN { printf "%.1f", p / 2048 / s }') MB/s per member; $(dmsetup status bench_ec | cut -d' ' -f4-)"
	echo "$tgt rebuild$(wc -w <<<"$mem") $(awk -v s="$secs" -v p="$per" 'BEGIN { printf "%.1f", p / 2048 / s }') $secs" >>"$RES.rebuild"
	dmsetup remove bench_ec
}

# --- dm-raid raid6 -----------------------------------------------------------
# dm-raid refuses 'nosync' for raid4/5/6 ("Invalid flags combination"): the
# array does its initial resync first, and the benchmark waits for it.
# Without metadata devices a member cannot be given as '-' later (a dirty
# degraded array), so members fail the way disks do: their dm-linear is
# swapped for dm-error and md marks them faulty at the first error.
raid_table() {
	local i d out=""
	for i in $(seq 0 $((N - 1))); do
		d=$(stat -L -c '%t %T' "${LIN[i]}")
		set -- $d
		out+=" - $((16#$1)):$((16#$2))"
	done
	echo "0 $(((N - 2) * MEMSZ)) raid raid6_zr 3 128 region_size 8192 $N$out"
}
raid_health() { dmsetup status bench_r6 | awk '{ print $6 }'; }
raid_run() {
	local tgt=raid6 dev=/dev/mapper/bench_r6 i t=0 st
	log ""
	log "== raid6: dm-raid raid6_zr, chunk 128 sectors, $(((N - 2) * MEMSZ / 2048)) MiB"
	log "  table: $(raid_table)"
	dmsetup create bench_r6 --table "$(raid_table)" ||
		{ log "dmsetup create raid6 failed"; FAILS=$((FAILS + 1)); return 1; }
	log "  initial resync (dm-raid has no nosync for raid6):"
	while :; do
		st=$(dmsetup status bench_r6)
		set -- $st
		# 0 LEN raid raid6_zr 14 <health> <done>/<total> <action> ...
		[ "$8" = idle ] && [[ $6 != *a* ]] && break
		[ $((t % 10)) = 0 ] && log "    ${t}s: $6 $7 $8"
		sleep 1
		t=$((t + 1))
		[ $t -gt 900 ] && { log "  resync did not finish"; FAILS=$((FAILS + 1)); return 1; }
	done
	log "  resync done after ${t}s: $(dmsetup status bench_r6 | cut -d' ' -f4-)"
	log "  queue: $(qlim $dev)"
	bench_healthy "$tgt" "$dev" $(((N - 2) * 64))k
	profile "$tgt" seqwrite "$dev" --rw=write --bs=1M --iodepth=16 --size=${SZ}M
	raid_rebuild
}

# raid_rebuild: md rebuilds member 0 of the in-sync array (dm-raid's
# "rebuild 0"); time until idle and every member A.
raid_rebuild() {
	local secs per=$MEMSZ t
	dmsetup remove bench_r6 || return 1
	t=$(raid_table | sed "s/raid6_zr 3 128 region_size 8192/raid6_zr 5 128 region_size 8192 rebuild 0/")
	dmsetup create bench_r6 --table "$t" ||
		{ log "raid6 create with rebuild 0 failed"; FAILS=$((FAILS + 1)); return 1; }
	sleep 1
	if ! secs=$(wait_idle bench_r6 6 8 900); then
		log "  raid6 rebuild did not finish"; FAILS=$((FAILS + 1)); return 1
	fi
	log "  raid6 rebuild of member 0: ${secs} s for $((per / 2048)) MiB, $(awk -v s="$secs" -v p="$per" 'BEGIN { printf "%.1f", p / 2048 / s }') MB/s; $(dmsetup status bench_r6 | cut -d' ' -f4-)"
	echo "raid6 rebuild1 $(awk -v s="$secs" -v p="$per" 'BEGIN { printf "%.1f", p / 2048 / s }') $secs" >>"$RES.rebuild"
}
# raid_degraded: runs last. In an earlier run the guest hung here (the
# first direct read after member 0 became dm-error never completed, md had
# logged "Disk failure on dm-0"); everything else is on record by then.
raid_degraded() {
	local tgt=raid6 dev=/dev/mapper/bench_r6 i
	[ -b "$dev" ] || return 1
	for i in 0 3; do
		dmsetup suspend "bench_l$i" && dmsetup load "bench_l$i" --table "0 $MEMSZ error" &&
			dmsetup resume "bench_l$i" || { log "cannot fail member $i"; return 1; }
		log "  raid6: member $i swapped for dm-error"
		# a read over every member makes md notice
		if ! timeout 120 dd if="$dev" of=/dev/null bs=1M count=64 iflag=direct status=none; then
			log "  raid6: a 64 MiB read after failing member $i did not finish in 120 s"
			log "  $(dmsetup status bench_r6)"
			FAILS=$((FAILS + 1))
			return 1
		fi
		log "  raid6: $(dmsetup status bench_r6 | cut -d' ' -f4-)"
		bench_degraded "$tgt" "$dev" "$([ $i = 0 ] && echo 1 || echo 2)"
	done
	dmsetup remove bench_r6
}

print_table() {

# --- table ---------------------------------------------------------------------
# markdown: test | ec64k MB/s (IOPS) | raid6 | ec64k/raid6 | ec4m | ec4m/raid6
log ""
log "== results (MB/s; IOPS for random 4 KiB; ratio = dm-ec / raid6)"
awk '
	{ v[$1, $2] = $3; io[$1, $2] = $4; cpu[$1, $2] = $5 "% " $7 "s"; tg[$1] = 1 }
	function cell(t, x) {
		if (!((t, x) in v) || v[t, x] == "-") return "-"
		if (x ~ /^rand/) return sprintf("%.1f (%.0f IOPS)", v[t, x], io[t, x])
		return sprintf("%.1f", v[t, x])
	}
	function ratio(t, x, r) {
		if (!((t, x) in v) || !((r, x) in v) || v[r, x] == "-" || v[t, x] == "-" || v[r, x] == 0) return "-"
		return sprintf("%.2fx", v[t, x] / v[r, x])
	}
	END {
		n = split("seqwrite seqread fullwrite randwrite randread deg1read deg2read deg4read", T, " ")
		split("seq write 1M|seq read 1M|seq write full stripe|rand write 4k|rand read 4k|seq read, 1 missing|seq read, 2 missing|seq read, 4 missing (ec only)", L, "|")
		printf "| test | dm-ec 64K | raid6 64K | ec/raid6 | dm-ec 4M | ec4M/raid6 |\n"
		printf "|---|---|---|---|---|---|\n"
		for (i = 1; i <= n; i++) {
			x = T[i]
			printf "| %s | %s | %s | %s | %s | %s |\n", L[i], cell("ec64k", x),
				cell("raid6", x), ratio("ec64k", x, "raid6"),
				cell("ec4m", x), ratio("ec4m", x, "raid6")
		}
		printf "\nCPU per test (guest busy %% of all vCPUs, kworker seconds):\n"
		printf "| test | dm-ec 64K | raid6 64K | dm-ec 4M |\n|---|---|---|---|\n"
		for (i = 1; i <= n; i++) {
			x = T[i]
			printf "| %s | %s | %s | %s |\n", L[i],
				((("ec64k", x) in cpu) ? cpu["ec64k", x] : "-"),
				((("raid6", x) in cpu) ? cpu["raid6", x] : "-"),
				((("ec4m", x) in cpu) ? cpu["ec4m", x] : "-")
		}
	}' "$RES"
log ""
log "== degraded writes, 1 member missing: partial-parity log on (default) and off (noppl)"
awk '
	{ v[$1, $2] = $3; io[$1, $2] = $4 }
	END {
		printf "| test | target | log on | noppl | on/off |\n|---|---|---|---|---|\n"
		n = split("deg1write deg1randwrite", T, " ")
		split("seq write 1M|rand write 4k", L, "|")
		m = split("ec64k ec4m", G, " ")
		for (g = 1; g <= m; g++) for (i = 1; i <= n; i++) {
			a = v[G[g], T[i]]; b = v[G[g], T[i] "_noppl"]
			if (a == "" || b == "") continue
			printf "| %s | %s | %s | %s | %.2fx |\n", L[i], G[g], a, b, (b > 0 ? a / b : 0)
		}
	}' "$RES"
log ""
log "== rebuild (MB/s per rebuilt member, seconds)"
[ -f "$RES.rebuild" ] && awk '{ printf "| %s | %s | %s MB/s | %s s |\n", $1, $2, $3, $4 }' "$RES.rebuild"
cp "$RES" "$OUT/results.txt"
log ""
log "raw: target test MB/s IOPS busy% fio_s kworker_s md_s MiB"
sed 's/^/  /' "$RES"
}

t0=$(up)
ec_run ec64k 128
[ "$EC4M" = 1 ] && ec_run ec4m 8192
raid_run
log ""
log "== healthy raid6 done in $(awk -v a="$(up)" -v b="$t0" 'BEGIN { printf "%d", a - b }') s"
print_table
log ""
if [ "$R6DEG" = 1 ]; then
	log "== raid6 with failed members"
	raid_degraded && print_table
else
	log "(raid6 with failed members skipped: it hung this guest kernel; BENCH_RAID6_DEGRADED=1)"
fi

dmsetup remove bench_r6 2>/dev/null
for i in $(seq 0 $((N - 1))); do dmsetup remove "bench_l$i"; done
rmmod dm_ec 2>/dev/null
[ "$FAILS" -eq 0 ]
