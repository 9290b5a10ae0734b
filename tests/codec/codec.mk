# SPDX-License-Identifier: GPL-2.0
# Codec tests (kselftest harness), built natively against libec.a.
# Included at the end of user/user.mk; binaries go to build/tests.
#
#   make codec-tests     build them
#   make golden-regen    rebuild tests/golden/* (only when the format is
#                        meant to change: the files pin the encoding)

TB := $(B)/tests
KSFT ?= $(B)/ksrc/tools/testing/selftests

# ISA-L is the reference; without its header the comparisons are skipped.
# (A '#' must not appear inside $(shell ...): make 4.3 and older disagree.)
TEST_HASH := \#
HAVE_ISAL := $(shell echo '$(TEST_HASH)include <isa-l/erasure_code.h>' | \
	       $(UCC) -E -x c - >/dev/null 2>&1 && echo y)
TEST_ISAL_CFLAGS := $(if $(HAVE_ISAL),-DHAVE_ISAL)
TEST_ISAL_LIBS := $(if $(HAVE_ISAL),-lisal)

TEST_CFLAGS := $(UCFLAGS) -I$(KSFT) -I$(CURDIR)/tests/codec -I$(CURDIR)/tests/golden \
	       -DGOLDEN_DIR='"$(CURDIR)/tests/golden"' $(TEST_ISAL_CFLAGS)

# tests/codec/test_<name>.c -> build/tests/<name>_test
CODEC_TESTS := $(patsubst tests/codec/test_%.c,$(TB)/%_test,\
		 $(wildcard tests/codec/test_*.c))
CODEC_TEST_HDRS := tests/codec/common.h tests/codec/impl_fixture.h tests/golden/golden.h user/libec.h \
		   $(wildcard kernel/codec/*.h kernel/codec/simd/*.h)

$(CODEC_TESTS): $(TB)/%_test: tests/codec/test_%.c $(CODEC_TEST_HDRS) \
		$(UB)/libec.a | $(KSFT)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(UCC) $(TEST_CFLAGS) -o $@ $< $(UB)/libec.a $(TEST_ISAL_LIBS)

$(TB)/golden_gen: tests/golden/gen.c $(CODEC_TEST_HDRS) $(UB)/libec.a
	@mkdir -p $(dir $@)
	$(UCC) $(TEST_CFLAGS) -o $@ $< $(UB)/libec.a

$(KSFT)/kselftest_harness.h:
	@echo "missing $@: run 'make deps' (scripts/deps.sh extracts it)" >&2
	@false

.PHONY: codec-tests golden-regen
codec-tests: $(CODEC_TESTS)
user: $(CODEC_TESTS)

golden-regen: $(TB)/golden_gen
	$(TB)/golden_gen $(CURDIR)/tests/golden
