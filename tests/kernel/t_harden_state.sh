#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# t_harden_state.sh - state and control paths of issue 11 (items 6, 10,
# 11, 13, 14 and parts of 15):
#   perm    mutating netlink commands need CAP_SYS_ADMIN, not only
#           CAP_NET_ADMIN (14)
#   hang    FAIL_MEMBER waiting for a superblock write to a hung member
#           does not block other generic netlink families, nor dumps of
#           dm_ec itself (14)
#   health  a member rebuilding (frozen) or an initial sync is not
#           "healthy": netlink health, ecctl status exit 3 (11)
#   fail    with m members failed-or-rebuilding, a further fail (dm
#           message, netlink) or a table making another member rebuild is
#           refused, and the data reads back whole (10)
#   rate    the rebuild throttle holds beyond 17 GiB (13): a 1+1 volume on
#           32 GiB sparse members (ram + dm-zero) rebuilt through the
#           bitmap skip path at 2 GiB/s must take at least 16 s
#   ppl     PPL slots under 256 concurrent logged writes on a degraded
#           10+4 chunk-128 volume (45 slots per member): no deadlock (15a)
#   noact   messages to a table whose first resume failed are refused and
#           do not touch the kernel's wait queues or the members (6)
# EC_STATE_ONLY=perm,hang,... runs a subset. Runs in the test VM.
. "$(dirname "$0")/lib.sh"
ec_require_vm

E=${ECCTL:-$EC_ROOT/build/user/ecctl}
NLFUZZ=${NLFUZZ:-$EC_ROOT/build/tests/nlfuzz}
[ -x "$E" ] && [ -x "$NLFUZZ" ] || die "ecctl or nlfuzz not built (make user)"
SECTIONS=${EC_STATE_ONLY:-perm,hang,health,fail,rate,ppl,noact}
SECTIONS=${SECTIONS//,/ }
T=$EC_TMP

ec_setup 16 24576
SMALL=24576			# members 0..15: 12 MiB, 8 MiB data area

# json NAME EXPR: evaluate EXPR on `ecctl status NAME --json` (d)
json() {
	"$E" status "ect_$1" --json 2>/dev/null |
		python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

ecctl_rc() {
	"$E" status "ect_$1" >"$T/ecctl.out" 2>&1
	echo $?
}

# mkvol NAME K M CHUNK OPTS FIRST: a nosync volume on members FIRST..,
# filled with random data (copy in $T/NAME.data)
mkvol() {
	local name=$1 k=$2 m=$3 c=$4 opts=$5 first=$6 len
	len=$(ec_max_length "$k" "$c" "$SMALL")
	ec_wipe "$EC_DATA_OFFSET" $(seq "$first" $((first + k + m - 1))) || return 1
	ec_create "$name" "$(ec_table "$len" "$k" "$m" "$c" "nosync${opts:+ $opts}" \
		"${MEM[@]:$first:$((k + m))}")" || return 1
	head -c $((len * 512)) /dev/urandom >"$T/$name.data"
	dd if="$T/$name.data" of="$(vol "$name")" bs=1M oflag=direct status=none
}

# same_data NAME: the whole volume reads back as written
same_data() { cmp -s "$(vol "$1")" "$T/$1.data"; }

# ---------------------------------------------------------------------
sec_perm() {
	mkvol cp 2 2 8 "" 0 || { not_ok "perm: create"; return; }
	local before out
	before=$(ec_health cp)
	out=$(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin \
		"$NLFUZZ" perm ect_cp 2>&1)
	tap $? "perm: CAP_NET_ADMIN without CAP_SYS_ADMIN: every mutating request EPERM" \
		"$(printf '%s' "$out" | grep 'not ok')"
	is "$(ec_health cp)" "$before" "perm: volume unchanged ($before)"
	is "$(ec_action cp)" idle "perm: no check started"
	out=$(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin \
		"$E" status ect_cp --json 2>&1)
	like "$out" '"name": "ect_cp"' "perm: queries still work without CAP_SYS_ADMIN"
	ec_remove cp
}

# ---------------------------------------------------------------------
sec_hang() {
	mkvol ch 2 2 8 "" 0 || { not_ok "hang: create"; return; }
	local t pid rc out i
	# Member 3 is suspended: the superblock commit of "fail 1" hangs on it.
	dmsetup suspend ect_m3
	t=$(now)
	"$E" fail ect_ch 1 >"$T/hang.out" 2>&1 &
	pid=$!
	sleep 2
	kill -0 "$pid" 2>/dev/null
	tap $? "hang: ecctl fail waits for the superblock write to the hung member"
	# In the background: a request stuck on a mutex cannot be killed.
	genl ctrl list >/dev/null 2>&1 &
	local p1=$!
	"$E" list >/dev/null 2>&1 &
	local p2=$!
	"$E" status ect_ch >"$T/hang.st" 2>&1 &
	local p3=$!
	for i in $(seq 1 10); do
		kill -0 $p1 2>/dev/null || kill -0 $p2 2>/dev/null ||
			kill -0 $p3 2>/dev/null || break
		sleep 0.5
	done
	! kill -0 $p1 2>/dev/null
	tap $? "hang: genl ctrl list answers meanwhile (nlctrl family)"
	! kill -0 $p2 2>/dev/null
	tap $? "hang: ecctl list (dump of dm_ec) answers meanwhile"
	! kill -0 $p3 2>/dev/null
	tap $? "hang: ecctl status of the volume answers meanwhile"
	dmsetup resume ect_m3
	wait $p1 $p2 $p3
	wait "$pid"
	rc=$?
	is "$rc" 0 "hang: ecctl fail returns 0 once the member answers ($(elapsed "$t") s)"
	is "$(ec_health ch)" ADAA "hang: member 1 D"
	out=$(ecpy sb-dump "${MEM[0]}")
	out=$(grep '^member_state=' <<<"$out")
	like "$out" '^member_state=0001' "hang: member 1 failed on disk when fail returns"
	same_data ch
	tap $? "hang: data intact"
	ec_remove ch
}

# ---------------------------------------------------------------------
sec_health() {
	local rc
	mkvol ca 2 2 8 "" 0 || { not_ok "health: create"; return; }
	is "$(ecctl_rc ca)" 0 "health: in sync: ecctl status exits 0"
	# Member 0 rebuilt from scratch at 64 KiB/s, then frozen.
	ec_reload ca "$(ec_table "$(ec_max_length 2 8 "$SMALL")" 2 2 8 \
		"nosync max_rebuild_rate 64 rebuild 0" "${MEM[@]:0:4}")"
	tap $? "health: reload with rebuild 0 (64 KiB/s)"
	sleep 1
	dmsetup message ect_ca 0 frozen
	sleep 2
	is "$(ec_action ca):$(ec_health ca)" "frozen:aAAA" "health: rebuild frozen, member 0 a"
	is "$(json ca 'd["health"]')" degraded "health: netlink health degraded while member 0 is out of sync"
	is "$(ecctl_rc ca)" 3 "health: ecctl status exits 3 while member 0 is out of sync"
	is "$(json ca 'd["redundancy"]')" 1 "health: redundancy 1 of 2 while member 0 rebuilds"
	dmsetup message ect_ca 0 idle
	"$NLFUZZ" rate ect_ca 0 >/dev/null
	ec_wait_sync ca 300
	tap $? "health: rebuild finishes"
	is "$(ecctl_rc ca)" 0 "health: in sync again: exit 0"
	ec_remove ca
	# Initial sync (no nosync), throttled
	local len
	len=$(ec_max_length 2 8 "$SMALL")
	ec_create cb "$(ec_table "$len" 2 2 8 "max_rebuild_rate 64" "${MEM[@]:4:4}")"
	tap $? "health: create without nosync (initial sync at 64 KiB/s)"
	sleep 1
	is "$(ec_action cb):$(ec_health cb)" "resync:aaaa" "health: initial sync running"
	is "$(json cb 'd["health"]')" degraded "health: netlink health degraded during the initial sync"
	is "$(ecctl_rc cb)" 3 "health: ecctl status exits 3 during the initial sync"
	is "$(json cb 'd["redundancy"]')" 0 "health: redundancy 0 during the initial sync"
	grep -q "state: degraded (not yet in sync: 0 of 2 members may fail)" "$T/ecctl.out"
	tap $? "health: ecctl status says the volume is not yet in sync" \
		"$(grep 'state:' "$T/ecctl.out")"
	ec_remove cb
}

# ---------------------------------------------------------------------
# fail_round NAME PATH: 2+2 member 0 rebuilding (slowly), member 1 failed;
# then PATH (msg, nl, ctr) tries to lose a third member
fail_round() {
	local name=$1 path=$2 len rc out tbl
	len=$(ec_max_length 2 8 "$SMALL")
	mkvol "$name" 2 2 8 "" 4 || { not_ok "fail $path: create"; return; }
	tbl=$(ec_table "$len" 2 2 8 "nosync max_rebuild_rate 64 rebuild 0" "${MEM[@]:4:4}")
	ec_reload "$name" "$tbl"
	tap $? "fail $path: reload with rebuild 0 (64 KiB/s)"
	sleep 1
	dmsetup message "ect_$name" 0 fail 1
	tap $? "fail $path: fail 1 accepted (1 failed + 1 rebuilding = m)"
	is "$(ec_health "$name")" aDAA "fail $path: health aDAA"
	case $path in
	msg)
		out=$(dmsetup message "ect_$name" 0 fail 2 2>&1)
		rc=$?
		;;
	nl)
		out=$("$E" fail "ect_$name" 2 2>&1)
		rc=$?
		;;
	ctr)
		out=$(dmsetup reload "ect_$name" --table "$(ec_table "$len" 2 2 8 \
			"nosync max_rebuild_rate 64 rebuild 0 rebuild 2" "${MEM[@]:4:4}")" 2>&1)
		rc=$?
		[ $rc -eq 0 ] && { dmsetup resume "ect_$name"; out="$out (loaded)"; }
		;;
	esac
	tap $([ $rc -ne 0 ]; echo $?) "fail $path: a third member lost is refused (rc $rc)" "$out"
	[ "$path" = nl ] && like "$out" "refused" "fail nl: ecctl shows the kernel's reason"
	[ "$path" = ctr ] && {
		dmesg | grep -q "members failed, missing or rebuilding"
		tap $? "fail ctr: the kernel log names the reason"
	}
	is "$(ec_health "$name")" aDAA "fail $path: health still aDAA"
	same_data "$name"
	tap $? "fail $path: whole volume reads back as written"
	# the member that is rebuilding can itself be failed: nothing more lost
	if [ "$path" = msg ]; then
		dmsetup message "ect_$name" 0 fail 0
		tap $? "fail msg: failing the rebuilding member 0 is accepted"
		is "$(ec_health "$name")" DDAA "fail msg: health DDAA"
		same_data "$name"
		tap $? "fail msg: data intact with 0 and 1 failed"
	fi
	ec_remove "$name"
}

sec_fail() {
	fail_round cf msg
	fail_round cg nl
	fail_round ci ctr
}

# ---------------------------------------------------------------------
# 32 GiB sparse members: superblocks, bitmap and log on 16 MiB of RAM disk,
# the data area dm-zero (writes dropped, reads zero).
sec_rate() {
	local big=$((32 * 1024 * 2048)) i len tbl t0 t rate=2097152 min
	ec_modprobe dm-zero 2>/dev/null
	for i in 14 15; do
		dmsetup create "ect_z$i" <<-EOF || { not_ok "rate: member $i"; return; }
		0 32768 linear /dev/ram$i 0
		32768 $((big - 32768)) zero
		EOF
	done
	ec_wipe 32768 14 15
	len=$(( (big - EC_DATA_OFFSET) / 128 * 128 ))
	mk() { ec_table "$len" 1 1 128 "nosync max_rebuild_rate $rate" "$@"; }
	ec_create cr "$(mk /dev/mapper/ect_z14 /dev/mapper/ect_z15)" &&
		ec_remove cr && ec_create cr "$(mk /dev/mapper/ect_z14 -)" &&
		ec_remove cr
	tap $? "rate: 1+1 on 32 GiB sparse members, then member 1 missing"
	t0=$(now)
	ec_create cr "$(mk /dev/mapper/ect_z14 /dev/mapper/ect_z15)"
	tap $? "rate: member 1 back: stale, rebuilt from the (clean) bitmap at $rate KiB/s"
	ec_wait_sync cr 120
	tap $? "rate: rebuild finished"
	t=$(elapsed "$t0")
	min=$(( len / 2 / rate * 9 / 10 ))
	diag "rate: $((len / 2048 / 1024)) GiB at $((rate / 1024)) MiB/s in $t s (at least $min s)"
	tap $([ "$t" -ge "$min" ]; echo $?) "rate: throttle held over 32 GiB ($t s >= $min s)"
	ec_remove cr
	dmsetup remove ect_z14
	dmsetup remove ect_z15
}

# ---------------------------------------------------------------------
# 10+4, chunk 128 (slice 128: (8192 - 2048) / 136 = 45 log slots per
# member), member 0 missing, on the whole RAM disks: 256 concurrent 4 KiB
# random writes, each logged on 3 or 4 members.
sec_ppl() {
	local i len sz=98304 pid t0 rc
	ec_wipe "$EC_DATA_OFFSET" $(seq 1 13)
	for i in $(seq 1 13); do
		dmsetup remove "ect_m$i" && ec_member_create "$i" "$sz" ||
			{ not_ok "ppl: member $i"; return; }
	done
	len=$(ec_max_length 10 128 "$sz")
	ec_create cq "$(ec_table "$len" 10 4 128 nosync - "${MEM[@]:1:13}")"
	tap $? "ppl: 10+4 chunk 128, member 0 missing, $((len / 2048)) MiB"
	t0=$(now)
	fio --name=ppl --filename="$(vol cq)" --rw=randwrite --bs=4k \
		--ioengine=libaio --iodepth=256 --direct=1 --time_based \
		--runtime=20 --numjobs=1 --size=$((len * 512)) \
		--output="$T/fio.out" >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 90); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	if kill -0 "$pid" 2>/dev/null; then
		not_ok "ppl: fio still running after 90 s (runtime 20 s): writes hang"
		grep -l "ec_ppl\|ec_write" /proc/[0-9]*/stack 2>/dev/null | head -3 |
			while read -r f; do diag "$f"; sed 's/^/#   /' "$f"; done
		echo w >/proc/sysrq-trigger
		return
	fi
	wait "$pid"
	rc=$?
	tap $rc "ppl: fio iodepth 256 finished in $(elapsed "$t0") s"
	diag "$(grep -E 'IOPS' "$T/fio.out" | head -1)"
	ec_remove cq
	for i in $(seq 1 13); do
		dmsetup remove "ect_m$i" && ec_member_create "$i" "$SMALL"
	done
}

# ---------------------------------------------------------------------
# Load a table while another device formats its members differently: the
# first resume fails, dm keeps the table live and suspended.
sec_noact() {
	local tbl out rc
	ec_wipe "$SMALL" 14 15
	tbl=$(ec_table "$(ec_max_length 1 8 "$SMALL")" 1 1 8 nosync "${MEM[14]}" "${MEM[15]}")
	dmsetup create ect_cn --notable && EC_VOLS+=(ect_cn) &&
		dmsetup load ect_cn --table "$tbl" &&
		ec_create co "$(ec_table "$(ec_max_length 1 8 "$SMALL")" 1 1 8 \
			"nosync region_size 16384" "${MEM[14]}" "${MEM[15]}")" &&
		ec_remove co
	tap $? "noact: table loaded, members reformatted by another device"
	ec_hash_members "$SMALL" 14 15 >"$T/noact.before"
	dmsetup resume ect_cn >/dev/null 2>&1
	tap $([ $? -ne 0 ]; echo $?) "noact: the first resume fails"
	out=$(dmsetup info ect_cn | grep -E '^(State|Tables present):' | tr -s ' \n' ' ')
	like "$out" "State: SUSPENDED Tables present: LIVE" "noact: table live, device suspended"
	for msg in check "fail 0" frozen resync; do
		out=$(timeout 20 dmsetup message ect_cn 0 $msg 2>&1)
		rc=$?
		tap $([ $rc -eq 1 ] && [[ $out == *"busy"* ]]; echo $?) \
			"noact: message '$msg' refused with EBUSY (rc $rc)" "$out"
	done
	ec_hash_members "$SMALL" 14 15 >"$T/noact.after"
	cmp -s "$T/noact.before" "$T/noact.after"
	tap $? "noact: members untouched"
	dmsetup remove ect_cn
	tap $? "noact: removed"
}

for s in $SECTIONS; do
	diag "---- $s"
	t_s=$(now)
	"sec_$s"
	diag "---- $s: $(elapsed "$t_s") s"
done
ec_cleanup
tap_done
