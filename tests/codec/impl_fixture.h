/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "impl" fixture of the codec tests: one variant per GF(2^8) kernel
 * built here (generic and kernel/codec/simd/ec_simd_list.h), skipped when
 * the CPU lacks it. Included after kselftest_harness.h, once per program.
 */
#ifndef EC_TEST_IMPL_FIXTURE_H
#define EC_TEST_IMPL_FIXTURE_H

FIXTURE(impl) {
	const struct ec_gf_ops *ops;
};

FIXTURE_VARIANT(impl) {
	const char *name;
};

FIXTURE_VARIANT_ADD(impl, generic) { .name = "generic" };
#define EC_GF(n)	FIXTURE_VARIANT_ADD(impl, n) { .name = #n };
#include "simd/ec_simd_list.h"
#undef EC_GF

FIXTURE_SETUP(impl)
{
	const struct ec_gf_ops *ops;

	ASSERT_EQ(0, libec_init());
	ops = ec_codec_find(variant->name);
	if (!ops)
		SKIP(return, "%s: not built", variant->name);
	if (!ops->valid())
		SKIP(return, "%s: not supported by this CPU", variant->name);
	self->ops = ops;
}

FIXTURE_TEARDOWN(impl)
{
}

/* The 6.1 harness runs the body after a SKIP in setup: stop it here. */
#define NEED_IMPL() do { if (!self->ops) return; } while (0)

#endif
