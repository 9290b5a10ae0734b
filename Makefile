# SPDX-License-Identifier: GPL-2.0
# dm-ec top-level Makefile: the module (through Kbuild), the userspace
# library, tools, tests and benchmarks. See README.md.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
KVER ?= $(shell ls /lib/modules 2>/dev/null | grep -E 'amd64$$' | sort -V | tail -1)
B := $(CURDIR)/build

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

.PHONY: all deps module module-arm64 user check check-full bench bench-vm demo style \
	sparse install clean help debug-kernel module-debug check-debug

all: deps module user

deps:
	@scripts/deps.sh

module:
	$(KMAKE) modules

# Cross-build for Debian's arm64 kernel in a copy of the sources
# (build/arm64-mod/dm-ec.ko), leaving the native objects alone.
module-arm64: deps
	@rm -rf $(ARM64_M) && mkdir -p $(ARM64_M)
	@cp -r Kbuild kernel include $(ARM64_M)/
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
	@cp -r Kbuild kernel include $(DEBUG_M)/
	@find $(DEBUG_M) \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete
	$(MAKE) -C $(DEBUG_KDIR)/obj M=$(DEBUG_M) \
		KCFLAGS=-Wframe-larger-than=4096 modules

# The VM suite on the debug kernel (EC_TESTS= picks scripts): fails on any
# KASAN, KFENCE, UBSAN, lockdep or DEBUG_OBJECTS report. Not in make check.
check-debug: deps module-debug user
	@tests/run_debug.sh

include user/user.mk
-include tests/kernel/fuzz.mk

check: deps module user
	@tests/run_tests.sh

check-full: deps module user
	@EC_FULL=1 tests/run_tests.sh

bench: deps user
	@$(B)/tests/ec_bench

demo: deps module user
	@tests/demo.sh

bench-vm: deps module
	@tests/perf/bench_vm.sh

style: deps
	@scripts/static_checks.sh checkpatch

sparse: deps
	@scripts/static_checks.sh sparse

install: module user
	$(KMAKE) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	install -D -m 0755 $(B)/user/ecctl $(DESTDIR)/usr/local/sbin/ecctl
	install -D -m 0644 Documentation/ecctl.8 $(DESTDIR)/usr/local/share/man/man8/ecctl.8
	install -D -m 0644 user/ecctl.bash-completion \
		$(DESTDIR)/usr/share/bash-completion/completions/ecctl
	install -D -m 0644 user/libec.h $(DESTDIR)/usr/local/include/libec.h
	install -D -m 0644 $(B)/user/libec.a $(DESTDIR)/usr/local/lib/libec.a

clean:
	-$(KMAKE) clean
	rm -rf $(B)

help:
	@echo "make [all]     build dm-ec.ko and the userspace tools (runs make deps)"
	@echo "make deps      install what a fresh Debian 12 machine lacks"
	@echo "make check     run every test; ends with 'N passed, N failed'"
	@echo "make bench     codec benchmark against ISA-L"
	@echo "make demo      the whole lifecycle in a VM"
	@echo "make style     checkpatch; make sparse: sparse (C=2)"
	@echo "make ARCH=arm64 module   cross-build for Debian's arm64 kernel"
	@echo "make debug-kernel  build (once) the KASAN/lockdep/UBSAN test kernel"
	@echo "make check-debug   the VM tests on the debug kernel"
