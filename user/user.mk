# SPDX-License-Identifier: GPL-2.0
# Userspace build: libec (the kernel's GF/RS sources built for userspace,
# as lib/raid6/test does), ecctl, tests and benchmarks. Included by the
# top-level Makefile; objects go to build/user.

UB := $(B)/user
UCC ?= gcc
UCFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	   -I$(CURDIR)/kernel -I$(CURDIR)/include -I$(CURDIR)/user -pthread

UARCH := $(shell $(UCC) -dumpmachine | cut -d- -f1)

LIBEC_SRC := kernel/ec_gf.c kernel/ec_rs.c kernel/ec_codec.c \
	     kernel/ec_select.c kernel/simd/generic.c $(wildcard user/libec.c)
ifeq ($(UARCH),x86_64)
LIBEC_SRC += kernel/simd/ssse3.c kernel/simd/avx2.c kernel/simd/avx2_xor.c \
	     kernel/simd/avx512.c \
	     kernel/simd/gfni_avx2.c kernel/simd/gfni_avx512.c
endif
ifeq ($(UARCH),aarch64)
LIBEC_SRC += kernel/simd/neon.c
endif

USIMD_ssse3 := -mssse3
USIMD_avx2 := -mavx2
USIMD_avx2_xor := -mavx2
USIMD_avx512 := -mavx2 -mavx512f -mavx512bw
USIMD_gfni_avx2 := -mavx2 -mgfni
USIMD_gfni_avx512 := -mavx2 -mavx512f -mavx512bw -mgfni

LIBEC_OBJ := $(patsubst %.c,$(UB)/%.o,$(LIBEC_SRC))

$(UB)/%.o: %.c $(wildcard kernel/*.h kernel/simd/*.h user/*.h include/uapi/linux/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) $(USIMD_$(basename $(notdir $<))) -c -o $@ $<

$(UB)/libec.a: $(LIBEC_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(UB)/ec_bench: user/ec_bench.c $(UB)/libec.a
	$(UCC) $(UCFLAGS) -o $@ $< $(UB)/libec.a -lisal -pthread

NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)
DM_LIBS = $(shell pkg-config --libs devmapper)

$(UB)/ecctl: user/ecctl.c $(UB)/libec.a include/uapi/linux/dm-ec.h include/uapi/linux/dm-ec-format.h
	$(UCC) $(UCFLAGS) $(NL_CFLAGS) -o $@ $< $(UB)/libec.a $(NL_LIBS) $(DM_LIBS) -pthread

$(B)/tests/nlfuzz: tests/kernel/nlfuzz.c include/uapi/linux/dm-ec.h
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<

$(B)/tests/lwreplay: tests/kernel/lwreplay.c
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $<

# tests/user: ecctl and its unit test (user/ecctl.c compiled in, a fake
# libdevmapper instead of the real one) with AddressSanitizer and UBSan
# when the compiler has them.
USAN := $(shell echo 'int main(void) { return 0; }' | \
	  $(UCC) -fsanitize=address,undefined -x c -o /dev/null - 2>/dev/null && \
	  echo -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	  -fno-omit-frame-pointer)

$(B)/tests/ecctl-san: user/ecctl.c $(UB)/libec.a include/uapi/linux/dm-ec.h include/uapi/linux/dm-ec-format.h
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) $(USAN) $(NL_CFLAGS) -o $@ $< $(UB)/libec.a $(NL_LIBS) $(DM_LIBS) -pthread

$(B)/tests/ecctl_unit: tests/user/ecctl_unit.c user/ecctl.c $(UB)/libec.a include/uapi/linux/dm-ec.h include/uapi/linux/dm-ec-format.h
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) $(USAN) -Wno-format-truncation $(NL_CFLAGS) -o $@ $< $(UB)/libec.a $(NL_LIBS) -pthread

.PHONY: user-tests
user-tests: $(B)/tests/ecctl-san $(B)/tests/ecctl_unit

user: $(UB)/libec.a $(UB)/ec_bench $(UB)/ecctl $(B)/tests/nlfuzz $(B)/tests/lwreplay \
      user-tests

-include tests/codec/codec.mk
