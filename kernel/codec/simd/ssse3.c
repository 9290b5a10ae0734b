// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: GF(2^8) dot product with SSSE3 split-nibble lookups.
 *
 * c * x = c * (x & 15) ^ c * (x & 0xf0): two 16-entry PSHUFB tables per
 * coefficient (t->nib). One pass over the data: each source vector is
 * loaded and split once and feeds every output, whose running sums stay in
 * registers until they are stored once.
 */
#include "x86_common.h"

#define V	16	/* bytes per vector */
#define U	4	/* most vectors per stream per main-loop iteration */

/* Vectors per stream per iteration: as many as 16 registers can hold. */
#define UN(nout)	((nout) == 1 ? 4 : 2)

static __always_inline __m128i ld(const u8 *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

/* acc ^ c * x, x given as its low and high nibbles */
static __always_inline __m128i mul_add(__m128i acc, __m128i tl, __m128i th,
				       __m128i lo, __m128i hi)
{
	acc = _mm_xor_si128(acc, _mm_shuffle_epi8(tl, lo));
	return _mm_xor_si128(acc, _mm_shuffle_epi8(th, hi));
}

/* nv vectors of every stream at offset i. */
static __always_inline void step(size_t i, const struct ec_coefs *t,
				 const u8 * const *src, u8 * const *dst,
				 const unsigned int nout, const unsigned int nv,
				 const bool acc)
{
	const __m128i mask = _mm_set1_epi8(0x0f);
	__m128i a[EC_MAX_M][U] EC_NOINIT, lo[U] EC_NOINIT, hi[U] EC_NOINIT;
	__m128i x, tl, th;
	unsigned int nsrc = t->nsrc, o, v, j;

#pragma GCC unroll 8
	for (o = 0; o < nout; o++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++)
			a[o][v] = acc ? ld(dst[o] + i + v * V) :
					_mm_setzero_si128();
	}
	for (j = 0; j < nsrc; j++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++) {
			x = ld(src[j] + i + v * V);
			lo[v] = _mm_and_si128(x, mask);
			hi[v] = _mm_and_si128(_mm_srli_epi16(x, 4), mask);
		}
#pragma GCC unroll 8
		for (o = 0; o < nout; o++) {
			tl = ld(t->nib[o][j]);
			th = ld(t->nib[o][j] + 16);
#pragma GCC unroll 8
			for (v = 0; v < nv; v++)
				a[o][v] = mul_add(a[o][v], tl, th, lo[v], hi[v]);
		}
	}
#pragma GCC unroll 8
	for (o = 0; o < nout; o++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++)
			_mm_storeu_si128((__m128i *)(dst[o] + i + v * V),
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

static void ssse3_dot_prod(size_t len, const struct ec_coefs *t,
			   const u8 * const *src, u8 * const *dst, bool acc)
{
	EC_DISPATCH();
}

static bool ssse3_valid(void)
{
	return EC_CPU_HAS(ssse3, SSSE3);
}

const struct ec_gf_ops ec_gf_ssse3 = {
	.name = "ssse3",
	.valid = ssse3_valid,
	.dot_prod = ssse3_dot_prod,
};
