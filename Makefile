# SPDX-License-Identifier: GPL-2.0
# dm-ec top-level Makefile: the module (through Kbuild), the userspace
# library, tools, tests and benchmarks. See README.md.
#
# `make` builds what a server needs (the module for the running kernel,
# ecctl, libec) with only the build dependencies (scripts/deps.sh --build);
# `make install` / `make uninstall` put it in place or take it away.
# The test world (QEMU, cross compilers, kernel source, ISA-L) comes with
# make check, bench and demo alone, which build the module for the kernel
# the test VM boots (TEST_KVER: Debian's newest amd64 kernel here).

# The project's one version: dkms.conf's PACKAGE_VERSION.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' $(CURDIR)/dkms.conf)
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
KVER ?= $(shell uname -r)
TEST_KVER ?= $(shell ls /lib/modules 2>/dev/null | grep -E 'amd64$$' | sort -V | tail -1)
B := $(CURDIR)/build
PREFIX ?= /usr/local
# Install locations (DESTDIR= stages them, as packages do).
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
HOOKDIR ?= $(PREFIX)/share/dm-ec/hooks
INCDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PCDIR ?= $(LIBDIR)/pkgconfig
COMPLDIR ?= /usr/share/bash-completion/completions
UDEVDIR ?= /usr/lib/udev/rules.d
UNITDIR ?= /usr/lib/systemd/system
MODULE_SRC := Kbuild dkms.conf kernel include

ifeq ($(ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
KDIR ?= $(B)/arm64/usr/src/$(shell ls $(B)/arm64/usr/src 2>/dev/null | grep -E 'arm64$$' | tail -1)
export CROSS_COMPILE
else
KDIR ?= /lib/modules/$(KVER)/build
endif

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=$(ARCH)
ARM64_KDIR = $(B)/arm64/usr/src/$(shell ls $(B)/arm64/usr/src 2>/dev/null | grep -E 'arm64$$' | tail -1)
ARM64_M := $(B)/arm64-mod

.PHONY: all deps deps-build module test-module module-arm64 tools user check \
	check-full bench bench-vm demo style sparse install install-module install-tools \
	uninstall deb clean help \
	debug-kernel module-debug check-debug

all: deps-build module tools

deps-build:
	@scripts/deps.sh --build $(KVER)

deps:
	@scripts/deps.sh

module:
	@[ -e $(KDIR)/Makefile ] || { echo "make: no kernel build tree $(KDIR) (headers of $(KVER)): install linux-headers-$(KVER), or name another kernel with KVER= or KDIR=" >&2; exit 1; }
	$(KMAKE) modules

# The module for the kernel the test VM boots (make check, demo, bench-vm).
test-module:
	@$(MAKE) --no-print-directory module KVER=$(TEST_KVER)

# Cross-build for Debian's arm64 kernel in a copy of the sources
# (build/arm64-mod/dm-ec.ko), leaving the native objects alone.
module-arm64: deps
	@rm -rf $(ARM64_M) && mkdir -p $(ARM64_M)
	@cp -r $(MODULE_SRC) $(ARM64_M)/
	@find $(ARM64_M) \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete
	$(MAKE) -C $(ARM64_KDIR) M=$(ARM64_M) ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- W=1 modules

# The debug kernel (KASAN, KFENCE, UBSAN, lockdep, fault injection) for
# the VM tests, built once from linux-source-6.1 and cached under
# build/debug-kernel (scripts/debug-kernel.sh), and dm-ec.ko built against
# it in a copy of the sources (build/debug-mod/dm-ec.ko). KASAN's redzones
# push the SIMD kernels' frames past 2 KiB (the debug kernel's stacks are
# twice as large), hence the frame limit.
DEBUG_KDIR := $(B)/debug-kernel
DEBUG_M := $(B)/debug-mod

debug-kernel:
	@scripts/debug-kernel.sh

module-debug: debug-kernel
	@rm -rf $(DEBUG_M) && mkdir -p $(DEBUG_M)
	@cp -r $(MODULE_SRC) $(DEBUG_M)/
	@find $(DEBUG_M) \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete
	$(MAKE) -C $(DEBUG_KDIR)/obj M=$(DEBUG_M) \
		KCFLAGS=-Wframe-larger-than=4096 modules

# The VM suite on the debug kernel (EC_TESTS= picks scripts): fails on any
# KASAN, KFENCE, UBSAN, lockdep or DEBUG_OBJECTS report. Not in make check.
check-debug: deps module-debug user
	@tests/run_debug.sh

include user/user.mk
-include tests/kernel/fuzz.mk

check: deps test-module user
	@tests/run_tests.sh

check-full: deps test-module user
	@EC_FULL=1 tests/run_tests.sh

bench: deps user
	@$(B)/tests/ec_bench

demo: deps test-module user
	@tests/demo.sh

bench-vm: deps test-module
	@tests/perf/bench_vm.sh

style: deps
	@scripts/static_checks.sh checkpatch

sparse: deps
	@scripts/static_checks.sh sparse

# The module under /lib/modules/$(KVER)/updates (depmod unless staged in
# DESTDIR), ecctl, its man page and completion, libec with a pkg-config
# file. uninstall takes away exactly that.
INSTALLED := $(SBINDIR)/ecctl $(MANDIR)/man8/ecctl.8 $(MANDIR)/man5/ecctl.conf.5 $(COMPLDIR)/ecctl \
	     $(INCDIR)/libec.h $(LIBDIR)/libec.a $(PCDIR)/libec.pc \
	     $(UDEVDIR)/64-dm-ec.rules $(UNITDIR)/dm-ec-last-resort@.timer \
	     $(UNITDIR)/dm-ec-last-resort@.service $(UNITDIR)/ecctl-monitor.service \
	     $(UNITDIR)/ecctl-scrub@.service $(UNITDIR)/ecctl-scrub@.timer \
	     $(UNITDIR)/ecctl-metrics.service $(UNITDIR)/ecctl-metrics.timer \
	     $(HOOKDIR)/dm-ec-ledctl $(HOOKDIR)/dm-ec-webhook
# user/system/*.in name ecctl where make install puts it
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g'

install: install-module install-tools

install-module: module
	$(KMAKE) INSTALL_MOD_DIR=updates $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) \
		DEPMOD=true modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))

install-tools: tools
	install -D -m 0755 $(B)/user/ecctl $(DESTDIR)$(SBINDIR)/ecctl
	install -D -m 0644 Documentation/ecctl.8 $(DESTDIR)$(MANDIR)/man8/ecctl.8
	install -D -m 0644 Documentation/ecctl.conf.5 $(DESTDIR)$(MANDIR)/man5/ecctl.conf.5
	install -D -m 0644 user/ecctl.bash-completion $(DESTDIR)$(COMPLDIR)/ecctl
	install -D -m 0755 user/hooks/dm-ec-ledctl $(DESTDIR)$(HOOKDIR)/dm-ec-ledctl
	install -D -m 0755 user/hooks/dm-ec-webhook $(DESTDIR)$(HOOKDIR)/dm-ec-webhook
	install -D -m 0644 user/libec.h $(DESTDIR)$(INCDIR)/libec.h
	install -D -m 0644 $(B)/user/libec.a $(DESTDIR)$(LIBDIR)/libec.a
	@mkdir -p $(DESTDIR)$(PCDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    user/libec.pc.in >$(DESTDIR)$(PCDIR)/libec.pc
	@mkdir -p $(DESTDIR)$(UDEVDIR) $(DESTDIR)$(UNITDIR)
	$(SUBST) user/system/64-dm-ec.rules.in >$(DESTDIR)$(UDEVDIR)/64-dm-ec.rules
	$(SUBST) user/system/dm-ec-last-resort@.service.in \
		>$(DESTDIR)$(UNITDIR)/dm-ec-last-resort@.service
	install -m 0644 user/system/dm-ec-last-resort@.timer $(DESTDIR)$(UNITDIR)/
	$(SUBST) user/system/ecctl-monitor.service.in >$(DESTDIR)$(UNITDIR)/ecctl-monitor.service
	$(SUBST) user/system/ecctl-scrub@.service.in >$(DESTDIR)$(UNITDIR)/ecctl-scrub@.service
	$(SUBST) user/system/ecctl-metrics.service.in >$(DESTDIR)$(UNITDIR)/ecctl-metrics.service
	install -m 0644 user/system/ecctl-scrub@.timer user/system/ecctl-metrics.timer \
		$(DESTDIR)$(UNITDIR)/

# Debian packages, built from a copy of the tree in build/deb: dm-ec-dkms
# (the module's source, dh-dkms) and ecctl (tools, libec, rule, units).
# debian/changelog is written there, with dkms.conf's version.
DEB_SRC := $(B)/deb/dm-ec-$(VERSION)
deb:
	@scripts/deps.sh --deb
	rm -rf $(B)/deb && mkdir -p $(DEB_SRC)
	cp -r Kbuild Makefile dkms.conf kernel include user scripts Documentation debian $(DEB_SRC)/
	find $(DEB_SRC) \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '*.a' \) -delete
	printf 'dm-ec (%s) unstable; urgency=medium\n\n  * dm-ec %s.\n\n -- dm-ec developers <dm-ec-devel@localhost>  %s\n' \
		'$(VERSION)' '$(VERSION)' "$$(date -R)" >$(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
		{ tail -20 ../build.log >&2; exit 1; }
	@ls $(B)/deb/*.deb

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/dm-ec.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

clean:
	-$(KMAKE) clean
	rm -rf $(B)

help:
	@echo "make [all]     build dm-ec.ko for uname -r (KVER=, KDIR=), ecctl and libec;"
	@echo "               installs only the build dependencies (scripts/deps.sh --build)"
	@echo "make install   the module (updates/), ecctl, man page, completion, libec"
	@echo "make uninstall take away what make install put in place"
	@echo "make deb       Debian packages dm-ec-dkms and ecctl in build/deb"
	@echo "make deps      install what testing needs on a fresh Debian 12 machine"
	@echo "make check     run every test; ends with 'N passed, N failed'"
	@echo "make bench     codec benchmark against ISA-L"
	@echo "make demo      the whole lifecycle in a VM"
	@echo "make style     checkpatch; make sparse: sparse (C=2)"
	@echo "make ARCH=arm64 module   cross-build for Debian's arm64 kernel"
	@echo "make debug-kernel  build (once) the KASAN/lockdep/UBSAN test kernel"
	@echo "make check-debug   the VM tests on the debug kernel"
