# SPDX-License-Identifier: GPL-2.0
# Userspace build: libec (the codec library kernel/codec/ built for
# userspace, as lib/raid6/test does), ecctl, tests and benchmarks. Included
# by the top-level Makefile; objects go to build/user, test and benchmark
# programs to build/tests.

UB := $(B)/user
UCC ?= gcc
UCFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	   -I$(CURDIR)/kernel/codec -I$(CURDIR)/include -I$(CURDIR)/user -pthread

UARCH := $(shell $(UCC) -dumpmachine | cut -d- -f1)

CODEC := kernel/codec
LIBEC_SRC := $(CODEC)/ec_gf.c $(CODEC)/ec_rs.c $(CODEC)/ec_codec.c \
	     $(CODEC)/ec_select.c $(CODEC)/simd/generic.c $(wildcard user/libec.c)
ifeq ($(UARCH),x86_64)
LIBEC_SRC += $(CODEC)/simd/ssse3.c $(CODEC)/simd/avx2.c $(CODEC)/simd/avx2_xor.c \
	     $(CODEC)/simd/avx512.c \
	     $(CODEC)/simd/gfni_avx2.c $(CODEC)/simd/gfni_avx512.c
endif
ifeq ($(UARCH),aarch64)
LIBEC_SRC += $(CODEC)/simd/neon.c
endif

USIMD_ssse3 := -mssse3
USIMD_avx2 := -mavx2
USIMD_avx2_xor := -mavx2
USIMD_avx512 := -mavx2 -mavx512f -mavx512bw
USIMD_gfni_avx2 := -mavx2 -mgfni
USIMD_gfni_avx512 := -mavx2 -mavx512f -mavx512bw -mgfni

LIBEC_OBJ := $(patsubst %.c,$(UB)/%.o,$(LIBEC_SRC))

$(UB)/%.o: %.c $(wildcard $(CODEC)/*.h $(CODEC)/simd/*.h user/*.h include/uapi/linux/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) $(USIMD_$(basename $(notdir $<))) -c -o $@ $<

$(UB)/libec.a: $(LIBEC_OBJ)
	@rm -f $@
	ar rcs $@ $^

# benchmarks: tests/perf (make bench runs it)
$(B)/tests/ec_bench: tests/perf/ec_bench.c $(UB)/libec.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< $(UB)/libec.a -lisal -pthread

NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)
DM_LIBS = $(shell pkg-config --libs devmapper)
BLKID_LIBS = $(shell pkg-config --libs blkid)

# ecctl: user/ecctl/, one file per concern (ecctl.h lists them)
ECCTL_SRC := $(wildcard user/ecctl/*.c)
ECCTL_DEPS := $(wildcard user/ecctl/*.h) user/libec.h $(wildcard include/uapi/linux/*.h)
ECCTL_OBJ := $(patsubst %.c,$(UB)/%.o,$(ECCTL_SRC))

ECCTL_VERSION = -DECCTL_VERSION='"$(VERSION)"'

$(UB)/user/ecctl/%.o: user/ecctl/%.c $(ECCTL_DEPS) dkms.conf
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) $(NL_CFLAGS) $(ECCTL_VERSION) -c -o $@ $<

$(UB)/ecctl: $(ECCTL_OBJ) $(UB)/libec.a
	$(UCC) $(UCFLAGS) -o $@ $(ECCTL_OBJ) $(UB)/libec.a $(NL_LIBS) $(DM_LIBS) $(BLKID_LIBS) -pthread

$(B)/tests/nlfuzz: tests/kernel/nlfuzz.c include/uapi/linux/dm-ec.h
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<

$(B)/tests/lwreplay: tests/kernel/lwreplay.c
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<

# tests/user: ecctl and its unit test (every ecctl file but ecctl.c, a
# fake libdevmapper instead of the real one) with AddressSanitizer and
# UBSan when the compiler has them.
USAN := $(shell echo 'int main(void) { return 0; }' | \
	  $(UCC) -fsanitize=address,undefined -x c -o /dev/null - 2>/dev/null && \
	  echo -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	  -fno-omit-frame-pointer)

$(B)/tests/ecctl-san: $(ECCTL_SRC) $(ECCTL_DEPS) $(UB)/libec.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) $(USAN) $(NL_CFLAGS) $(ECCTL_VERSION) -o $@ $(ECCTL_SRC) $(UB)/libec.a $(NL_LIBS) $(DM_LIBS) $(BLKID_LIBS) -pthread

$(B)/tests/ecctl_unit: tests/user/ecctl_unit.c $(ECCTL_SRC) $(ECCTL_DEPS) $(UB)/libec.a
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) $(USAN) -Wno-format-truncation $(NL_CFLAGS) -Iuser/ecctl -o $@ $< \
		$(filter-out user/ecctl/ecctl.c,$(ECCTL_SRC)) $(UB)/libec.a $(NL_LIBS) $(BLKID_LIBS) -pthread

.PHONY: user-tests
user-tests: $(B)/tests/ecctl-san $(B)/tests/ecctl_unit

# tools: what a server needs (make, make install), no test dependency;
# user: the tools and every test and benchmark program (make check).
tools: $(UB)/libec.a $(UB)/ecctl

user: tools $(B)/tests/ec_bench $(B)/tests/nlfuzz $(B)/tests/lwreplay user-tests

-include tests/codec/codec.mk
