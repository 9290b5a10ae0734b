// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: Advanced SIMD (NEON) GF(2^8) kernel for arm64.
 *
 * A product c * x is looked up in two 16-entry tables, one per nibble of
 * x, with TBL; the two halves are XORed. Every source vector is loaded
 * and split into nibbles once and then feeds all outputs, so a call reads
 * the data once whatever the number of parity blocks.
 */
#include "ec_simd.h"

#ifdef __KERNEL__
/* Reconciles the compiler's stdint.h with the kernel's u64. */
#include <asm/neon-intrinsics.h>
#else
#include <arm_neon.h>
#endif

/* Widest block: four vectors per source, 64 bytes. */
#define NEON_MAXW	4

/*
 * Process 16 * w bytes at offset i for all nout outputs. nout and w are
 * compile-time constants at every call site so that the accumulators live
 * in registers: nout * w of them, plus 2 * w nibble vectors and 2 * nout
 * tables, must stay within the 32 vector registers. The loops over o and v
 * must be unrolled completely, or GCC -O2 keeps acc[][] on the stack.
 */
static __always_inline void neon_block(size_t i, const struct ec_coefs *t,
				       const u8 * const *src, u8 * const *dst,
				       bool accumulate, const unsigned int nout,
				       const unsigned int w)
{
	const uint8x16_t mask = vdupq_n_u8(0x0f);
	/*
	 * Initialised here, not by loops: with -ftrivial-auto-var-init=zero
	 * the kernel would otherwise reserve a stack frame for these arrays.
	 */
	uint8x16_t acc[EC_MAX_M][NEON_MAXW] = {};
	uint8x16_t lo[NEON_MAXW] = {}, hi[NEON_MAXW] = {};
	unsigned int j, o, v;

	for (j = 0; j < t->nsrc; j++) {
		const u8 *s = src[j] + i;

		#pragma GCC unroll 4
		for (v = 0; v < w; v++) {
			uint8x16_t x = vld1q_u8(s + 16 * v);

			lo[v] = vandq_u8(x, mask);
			hi[v] = vshrq_n_u8(x, 4);
		}
		#pragma GCC unroll 4
		for (o = 0; o < nout; o++) {
			const uint8x16_t tlo = vld1q_u8(t->nib[o][j]);
			const uint8x16_t thi = vld1q_u8(t->nib[o][j] + 16);

			#pragma GCC unroll 4
			for (v = 0; v < w; v++) {
				uint8x16_t p = veorq_u8(vqtbl1q_u8(tlo, lo[v]),
							vqtbl1q_u8(thi, hi[v]));

				acc[o][v] = veorq_u8(acc[o][v], p);
			}
		}
	}

	#pragma GCC unroll 4
	for (o = 0; o < nout; o++) {
		u8 *d = dst[o] + i;

		#pragma GCC unroll 4
		for (v = 0; v < w; v++) {
			if (accumulate)
				acc[o][v] = veorq_u8(acc[o][v],
						     vld1q_u8(d + 16 * v));
			vst1q_u8(d + 16 * v, acc[o][v]);
		}
	}
}

static __always_inline void neon_dot_n(size_t len, const struct ec_coefs *t,
				       const u8 * const *src, u8 * const *dst,
				       bool accumulate, const unsigned int nout)
{
	/* With three or four outputs, 64-byte blocks would spill. */
	const unsigned int w = nout <= 2 ? 4 : 2;
	size_t i = 0;

	for (; i + 16 * w <= len; i += 16 * w)
		neon_block(i, t, src, dst, accumulate, nout, w);
	for (; i + 16 <= len; i += 16)
		neon_block(i, t, src, dst, accumulate, nout, 1);
	if (i < len)
		ec_gen_dot_prod_off(i, len - i, t, src, dst, accumulate);
}

static void neon_dot_prod(size_t len, const struct ec_coefs *t,
			  const u8 * const *src, u8 * const *dst,
			  bool accumulate)
{
	switch (t->nout) {
	case 1:
		neon_dot_n(len, t, src, dst, accumulate, 1);
		break;
	case 2:
		neon_dot_n(len, t, src, dst, accumulate, 2);
		break;
	case 3:
		neon_dot_n(len, t, src, dst, accumulate, 3);
		break;
	case 4:
		neon_dot_n(len, t, src, dst, accumulate, 4);
		break;
	default:
		ec_gen_dot_prod_off(0, len, t, src, dst, accumulate);
		break;
	}
}

static bool neon_valid(void)
{
#ifdef __KERNEL__
	return system_supports_fpsimd() && cpu_have_named_feature(ASIMD);
#else
	/* Advanced SIMD is mandatory in AArch64. */
	return true;
#endif
}

const struct ec_gf_ops ec_gf_neon = {
	.name = "neon",
	.valid = neon_valid,
	.dot_prod = neon_dot_prod,
};
