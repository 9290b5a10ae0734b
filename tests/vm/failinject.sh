# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/vm/failinject.sh - fault-injection helpers for VM test scripts on
# the debug kernel (make debug-kernel: CONFIG_FAILSLAB, FAIL_PAGE_ALLOC,
# FAIL_MAKE_REQUEST, FAULT_INJECTION_DEBUG_FS). Source it:
#
#   . "$EC_ROOT/tests/vm/failinject.sh"
#   if fi_have failslab fail_page_alloc; then
#       fi_enable failslab 10 100000      # 10 %, at most 100000 failures
#       fi_enable fail_page_alloc 10 100000
#       fi_mark_loop 'ec_sync/|kworker/u'  # these threads, re-marked 5x/s
#       ... run the load ...
#       fi_unmark_all                     # stops the loop, unmarks all
#       n=$(fi_injected failslab)         # failures actually injected
#       fi_disable_all
#   else
#       skip "..." "no fault injection in this kernel"
#   fi
#
# Injection is always task-filtered (task-filter=Y): only tasks whose
# /proc/<pid>/make-it-fail is 1 get failures, so the rest of the guest
# keeps working. dm-ec allocates in its own threads, not in the
# submitter's: the kecd workqueue (unbound kworkers "kworker/uN:M", which
# come and go, hence fi_mark_loop) and the ec_sync/<name> kthread. Marking
# a user process (fio) would fail its own syscalls (io_submit's kiocb,
# GFP_KERNEL) and prove nothing about dm-ec. A marked child inherits the
# flag (fork copies it): `(fi_mark_self; exec dmsetup ...)` injects into
# one command.
#
# Sleeping allocations (GFP_NOIO, GFP_KERNEL) are included
# (ignore-gfp-wait=N) and order-0 pages too (min-order=0; the kernel's
# default 1 would spare every single page). Messages are off (verbose=0):
# the injector's own "FAULT_INJECTION: forcing a failure" stack traces
# would fail the script through run.sh's DMESG_BAD; allocation-failure
# warnings of callers without __GFP_NOWARN still print.
#
# Counting: 6.1 has no failure counter, but `times` counts down once per
# injected failure (when > 0), so fi_injected is the start value minus
# what is left. Give a TIMES large enough not to run out.

FI_DEBUGFS=${FI_DEBUGFS:-/sys/kernel/debug}
declare -A FI_TIMES=()
FI_LOOP_PID=""

# fi_have NAME...: every named injector exists (failslab, fail_page_alloc,
# fail_make_request)
fi_have() {
	local n
	[ -d "$FI_DEBUGFS" ] || return 1
	if ! mountpoint -q "$FI_DEBUGFS"; then
		mount -t debugfs debugfs "$FI_DEBUGFS" 2>/dev/null || return 1
	fi
	[ $# -gt 0 ] || return 0
	for n in "$@"; do
		[ -w "$FI_DEBUGFS/$n/probability" ] || return 1
	done
}

# fi_set NAME ATTR VALUE: write one attribute if the kernel has it
fi_set() {
	[ -e "$FI_DEBUGFS/$1/$2" ] || return 0
	echo "$3" >"$FI_DEBUGFS/$1/$2"
}

# fi_enable NAME PERCENT TIMES: inject into NAME with PERCENT probability,
# at most TIMES failures (> 0, so they can be counted), task-filtered
fi_enable() {
	local n=$1 p=$2 times=$3
	fi_have "$n" || return 1
	[ "$times" -gt 0 ] || return 1
	fi_set "$n" probability 0
	fi_set "$n" task-filter Y
	fi_set "$n" verbose 0
	fi_set "$n" interval 1
	fi_set "$n" space 0
	fi_set "$n" ignore-gfp-wait N
	fi_set "$n" ignore-gfp-highmem N
	fi_set "$n" min-order 0
	fi_set "$n" cache-filter N
	fi_set "$n" times "$times"
	FI_TIMES[$n]=$times
	fi_set "$n" probability "$p"
}

# fi_injected NAME: failures injected since fi_enable NAME
fi_injected() {
	local left
	left=$(cat "$FI_DEBUGFS/$1/times" 2>/dev/null) || { echo 0; return; }
	echo $(( ${FI_TIMES[$1]:-0} - left ))
}

# fi_disable NAME: stop injecting (the count stays readable)
fi_disable() {
	fi_set "$1" probability 0
}

# fi_mark_pid PID...: let these tasks (and children forked later) fail
fi_mark_pid() {
	local p
	for p in "$@"; do
		[ -w "/proc/$p/make-it-fail" ] && echo 1 >"/proc/$p/make-it-fail"
	done 2>/dev/null
	return 0
}

# fi_mark_self: the calling (sub)shell; use in ( ...; exec cmd )
fi_mark_self() { echo 1 >/proc/$BASHPID/make-it-fail; }

# fi_mark_comm REGEX: mark every task whose name matches (kernel threads
# such as dm-ec's workers)
fi_mark_comm() {
	local d c
	for d in /proc/[0-9]*; do
		read -r c <"$d/comm" 2>/dev/null || continue
		[[ $c =~ $1 ]] && echo 1 >"$d/make-it-fail"
	done 2>/dev/null
	return 0
}

# fi_mark_loop REGEX [SECONDS]: fi_mark_comm REGEX now and then every
# SECONDS (0.2) in the background, for workers started later
fi_mark_loop() {
	fi_mark_comm "$1"
	( while :; do fi_mark_comm "$1"; sleep "${2:-0.2}"; done ) &
	FI_LOOP_PID=$!
}

# fi_unmark_all: stop the mark loop and unmark every task
fi_unmark_all() {
	local d
	if [ -n "$FI_LOOP_PID" ]; then
		kill "$FI_LOOP_PID" 2>/dev/null
		wait "$FI_LOOP_PID" 2>/dev/null
		FI_LOOP_PID=""
	fi
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/make-it-fail" 2>/dev/null)" = 1 ] &&
			echo 0 >"$d/make-it-fail"
	done 2>/dev/null
	return 0
}

# fi_disable_all: stop every injector and unmark the marked tasks
fi_disable_all() {
	local n
	fi_unmark_all
	for n in failslab fail_page_alloc fail_make_request; do
		[ -d "$FI_DEBUGFS/$n" ] && fi_disable "$n"
	done
	return 0
}
