// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: GF(2^8) dot product with AVX2 doubling and XOR, no table lookups.
 *
 * c * x = XOR over the set bits b of c of x * 2^b, and x * 2 is a shift
 * with a conditional XOR of the polynomial (as lib/raid6 computes Q). Each
 * source vector is doubled up to the highest bit any of its coefficients
 * has, and every power is XORed into the outputs whose coefficient has
 * that bit. About twice the instructions of the VPSHUFB kernel, but only
 * adds, compares, ANDs and XORs: where a table lookup is expensive (under
 * emulators such as QEMU's TCG, which has no inline form of VPSHUFB) it is
 * several times faster. The selection at load picks whichever is faster.
 */
#include "x86_common.h"

#define V	32	/* bytes per vector */
#define U	2	/* most vectors per stream per step */

#define UN(nout)	2

static __always_inline __m256i mul2(__m256i x, __m256i poly)
{
	__m256i hi = _mm256_cmpgt_epi8(_mm256_setzero_si256(), x);

	return _mm256_xor_si256(_mm256_add_epi8(x, x),
				_mm256_and_si256(hi, poly));
}

static __always_inline void step(size_t i, const struct ec_coefs *t,
				 const u8 * const *src, u8 * const *dst,
				 const unsigned int nout, const unsigned int nv,
				 const bool acc)
{
	const __m256i poly = _mm256_set1_epi8(0x1d);
	__m256i a[EC_MAX_M][U] EC_NOINIT, x[U] EC_NOINIT;
	unsigned int nsrc = t->nsrc, o, v, j;

#pragma GCC unroll 4
	for (o = 0; o < nout; o++) {
#pragma GCC unroll 4
		for (v = 0; v < nv; v++)
			a[o][v] = acc ? _mm256_loadu_si256((const __m256i *)
						(dst[o] + i + v * V)) :
					_mm256_setzero_si256();
	}
	for (j = 0; j < nsrc; j++) {
		unsigned int any = 0, b;

#pragma GCC unroll 4
		for (o = 0; o < nout; o++)
			any |= t->coef[o][j];
#pragma GCC unroll 4
		for (v = 0; v < nv; v++)
			x[v] = _mm256_loadu_si256((const __m256i *)
						  (src[j] + i + v * V));
		for (b = 0; any; b++, any >>= 1) {
			if (b) {
#pragma GCC unroll 4
				for (v = 0; v < nv; v++)
					x[v] = mul2(x[v], poly);
			}
			if (!(any & 1))
				continue;
#pragma GCC unroll 4
			for (o = 0; o < nout; o++) {
				if (!(t->coef[o][j] & (1U << b)))
					continue;
#pragma GCC unroll 4
				for (v = 0; v < nv; v++)
					a[o][v] = _mm256_xor_si256(a[o][v], x[v]);
			}
		}
	}
#pragma GCC unroll 4
	for (o = 0; o < nout; o++) {
#pragma GCC unroll 4
		for (v = 0; v < nv; v++)
			_mm256_storeu_si256((__m256i *)(dst[o] + i + v * V),
					    a[o][v]);
	}
}

static __always_inline void run(size_t len, const struct ec_coefs *t,
				const u8 * const *src, u8 * const *dst,
				const unsigned int nout, const bool acc)
{
	size_t i = 0;

	for (; i + UN(nout) * V <= len; i += UN(nout) * V)
		step(i, t, src, dst, nout, UN(nout), acc);
	for (; i + V <= len; i += V)
		step(i, t, src, dst, nout, 1, acc);
	if (i < len)
		ec_gen_dot_prod_off(i, len - i, t, src, dst, acc);
}

static void avx2_xor_dot_prod(size_t len, const struct ec_coefs *t,
			      const u8 * const *src, u8 * const *dst, bool acc)
{
	EC_DISPATCH();
}

static bool avx2_xor_valid(void)
{
	return EC_CPU_HAS(avx2, AVX2) && EC_OS_YMM();
}

const struct ec_gf_ops ec_gf_avx2_xor = {
	.name = "avx2_xor",
	.valid = avx2_xor_valid,
	.dot_prod = avx2_xor_dot_prod,
};
