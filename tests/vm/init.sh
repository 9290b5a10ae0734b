#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # variables come from /results/params
#
# tests/vm/init.sh - /init of the test VM's initramfs (busybox ash).
# Built into the initramfs by tests/vm/run.sh; never run on the host.
#
# Mounts the host's root (9p tag "hostroot", read-only) on /host and the
# run's result directory (9p tag "results", writable) on /results, reads
# /results/params written by run.sh, then runs each script:
#   mode=chroot  (x86_64): chroot /host ... bash <script>
#   mode=busybox (arm64):  sh <script> in this busybox environment
# For script N it leaves N.out (stdout+stderr), N.dmesg (kernel log lines
# logged while it ran), N.rc (exit status) and N.start (uptime) in
# /results, then powers the VM off. QEMU runs with -no-reboot and the
# kernel with panic=-1, so a panic also ends the VM.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp \
	/host /results /lib/modules
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
umask 022

mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

say() { echo "vm-init: $*"; }
bye() {
	sync
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 5
	reboot -f
}

while read -r m; do
	insmod "/modules/$m" || say "insmod $m failed"
done </modules/order

o9p="trans=virtio,version=9p2000.L,msize=262144"
if ! mount -t 9p -o "$o9p" results /results; then
	say "cannot mount the results share"; bye
fi
if ! mount -t 9p -o "ro,$o9p,cache=loose" hostroot /host; then
	say "cannot mount the host root"; echo "no hostroot" >/results/fatal; bye
fi
if [ ! -r /results/params ]; then
	say "no /results/params"; bye
fi
# shellcheck disable=SC1091,SC2154 # mode arch root ko moddir script_timeout nscripts script_N script_env
. /results/params

say "kernel $(uname -r), mode $mode, $nscripts script(s)"

if [ "$mode" = chroot ]; then
	R=/host
	mount -t proc proc $R/proc
	mount -t sysfs sysfs $R/sys
	mount -t devtmpfs devtmpfs $R/dev
	mkdir -p $R/dev/pts $R/dev/shm
	mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
	mount -t tmpfs tmpfs $R/dev/shm
	mount -t tmpfs -o mode=1777 tmpfs $R/tmp
	mount -t tmpfs -o mode=755 tmpfs $R/run
	mkdir -p $R/run/lock $R/tmp/ec-results
	for d in /var/tmp /root /var/lock; do
		[ -d "$R$d" ] && [ ! -L "$R$d" ] && mount -t tmpfs tmpfs "$R$d"
	done
	mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
	mount -t configfs configfs $R/sys/kernel/config 2>/dev/null
	mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
	mount --bind /results $R/tmp/ec-results
	# Another kernel than the host's (run.sh --kernel): its modules
	# only, on a tmpfs over the read-only /lib/modules.
	kv=$(uname -r)
	if [ "$moddir" != /lib/modules ]; then
		if [ -d "$R$moddir/$kv" ]; then
			mount -t tmpfs -o mode=755 tmpfs $R/lib/modules &&
				mkdir -p "$R/lib/modules/$kv" &&
				mount --bind "$R$moddir/$kv" "$R/lib/modules/$kv" ||
				say "cannot put the modules of $kv on /lib/modules"
		else
			say "no modules for $kv under $moddir"
		fi
	fi
	# A repo under a path the guest covers with tmpfs (a CI clone in
	# /tmp, say) comes in as a share of its own, at the same path.
	if [ ! -d "$R$root/tests/vm" ]; then
		mkdir -p "$R$root" &&
			mount -t 9p -o "$o9p" repo "$R$root" ||
			say "cannot mount the repo share at $root"
	fi
	results_in=/tmp/ec-results
else
	R=
	# Busybox modprobe looks in /lib/modules/$(uname -r): point it at
	# the extracted arm64 kernel modules in the host tree.
	kv=$(uname -r)
	if [ -n "$moddir" ] && [ -d "/host$moddir/$kv" ]; then
		ln -s "/host$moddir/$kv" "/lib/modules/$kv"
	else
		say "no modules for $kv under /host$moddir"
	fi
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	mount -t configfs configfs /sys/kernel/config 2>/dev/null
	mkdir -p /var/tmp /run/lock
	results_in=/results
fi

dmesg -c >/results/boot.dmesg
i=1
while [ "$i" -le "$nscripts" ]; do
	eval "s=\$script_$i"
	say "begin $i $s"
	cat /proc/uptime >"/results/$i.start"
	if [ "$mode" = chroot ]; then
		# shellcheck disable=SC2016
		chroot $R /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TERM=dumb LANG=C.UTF-8 TMPDIR=/tmp \
			DM_DISABLE_UDEV=1 EC_VM=1 EC_ARCH="$arch" EC_KO="$ko" \
			EC_ROOT="$root" EC_RESULTS="$results_in" \
			$script_env \
			/bin/bash -c 'cd "$EC_ROOT" && exec timeout -k 10 "$1" bash "$2"' \
			vm "$script_timeout" "$s" </dev/null >"/results/$i.out" 2>&1
		rc=$?
	else
		(
			cd "/host$root" || exit 1
			exec env DM_DISABLE_UDEV=1 EC_VM=1 EC_ARCH="$arch" \
				EC_KO="$ko" EC_ROOT="/host$root" \
				EC_RESULTS="$results_in" HOME=/tmp TMPDIR=/tmp \
				$script_env \
				timeout -s KILL "$script_timeout" sh "$s"
		) </dev/null >"/results/$i.out" 2>&1
		rc=$?
	fi
	dmesg -c >"/results/$i.dmesg"
	echo "$rc" >"/results/$i.rc"
	cat /proc/uptime >"/results/$i.end"
	say "end $i rc=$rc"
	i=$((i + 1))
done

cat /proc/uptime >/results/done
say "all done"
bye
