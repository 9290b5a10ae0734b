// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: GF(2^8) dot product with GFNI on 256-bit vectors (VEX encoded,
 * for CPUs with GFNI but without AVX-512).
 *
 * The field is 0x11d, not the AES field of GF2P8MULB, so each product is
 * a GF2P8AFFINEQB with the coefficient's 8x8 bit matrix (t->aff). One pass
 * over the data: each source vector is loaded once and feeds every output,
 * whose running sums stay in registers until they are stored once.
 */
#include "x86_common.h"

#define V	32	/* bytes per vector */
#define U	4	/* most vectors per stream per main-loop iteration */

/* Vectors per stream per iteration: as many as 16 registers can hold. */
#define UN(nout)	((nout) <= 2 ? 4 : 2)

static __always_inline __m256i mul(__m256i x, __m256i m)
{
	return _mm256_gf2p8affine_epi64_epi8(x, m, 0);
}

/* nv vectors of every stream at offset i. */
static __always_inline void step(size_t i, const struct ec_coefs *t,
				 const u8 * const *src, u8 * const *dst,
				 const unsigned int nout, const unsigned int nv,
				 const bool acc, const bool nt)
{
	__m256i a[EC_MAX_M][U] EC_NOINIT, x[U] EC_NOINIT;
	__m256i m;
	unsigned int nsrc = t->nsrc, o, v, j;

#pragma GCC unroll 8
	for (o = 0; o < nout; o++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++)
			a[o][v] = acc ? _mm256_loadu_si256((const __m256i *)
						(dst[o] + i + v * V)) :
					_mm256_setzero_si256();
	}
	for (j = 0; j < nsrc; j++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++)
			x[v] = _mm256_loadu_si256((const __m256i *)
						  (src[j] + i + v * V));
#pragma GCC unroll 8
		for (o = 0; o < nout; o++) {
			m = _mm256_set1_epi64x(t->aff[o][j]);
#pragma GCC unroll 8
			for (v = 0; v < nv; v++)
				a[o][v] = _mm256_xor_si256(a[o][v], mul(x[v], m));
		}
	}
#pragma GCC unroll 8
	for (o = 0; o < nout; o++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++) {
			__m256i *d = (__m256i *)(dst[o] + i + v * V);

			if (nt)
				_mm256_stream_si256(d, a[o][v]);
			else
				_mm256_storeu_si256(d, a[o][v]);
		}
	}
}

static __always_inline void run(size_t len, const struct ec_coefs *t,
				const u8 * const *src, u8 * const *dst,
				const unsigned int nout, const bool acc)
{
	size_t i = 0;

	if (ec_use_nt(len, dst, nout, acc, V)) {
		for (; i + UN(nout) * V <= len; i += UN(nout) * V)
			step(i, t, src, dst, nout, UN(nout), acc, true);
		/* Order the streaming stores before what follows. */
		_mm_sfence();
	}
	for (; i + UN(nout) * V <= len; i += UN(nout) * V)
		step(i, t, src, dst, nout, UN(nout), acc, false);
	for (; i + V <= len; i += V)
		step(i, t, src, dst, nout, 1, acc, false);
	if (i < len)
		ec_gen_dot_prod_off(i, len - i, t, src, dst, acc);
}

static void gfni_avx2_dot_prod(size_t len, const struct ec_coefs *t,
			       const u8 * const *src, u8 * const *dst,
			       bool acc)
{
	EC_DISPATCH();
}

static bool gfni_avx2_valid(void)
{
	return EC_CPU_HAS(avx2, AVX2) && EC_CPU_HAS(gfni, GFNI) && EC_OS_YMM();
}

const struct ec_gf_ops ec_gf_gfni_avx2 = {
	.name = "gfni_avx2",
	.valid = gfni_avx2_valid,
	.dot_prod = gfni_avx2_dot_prod,
};
