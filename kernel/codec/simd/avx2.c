// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: GF(2^8) dot product with AVX2 split-nibble lookups.
 *
 * c * x = c * (x & 15) ^ c * (x & 0xf0): two 16-entry VPSHUFB tables per
 * coefficient (t->nib), broadcast to both 128-bit lanes. One pass over the
 * data: each source vector is loaded and split once and feeds every
 * output, whose running sums stay in registers until they are stored once.
 */
#include "x86_common.h"

#define V	32	/* bytes per vector */
#define U	4	/* most vectors per stream per main-loop iteration */

/* Vectors per stream per iteration: as many as 16 registers can hold. */
#define UN(nout)	((nout) == 1 ? 4 : 2)

static __always_inline __m256i tbl(const u8 *p)
{
	return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
}

/* acc ^ c * x, x given as its low and high nibbles */
static __always_inline __m256i mul_add(__m256i acc, __m256i tl, __m256i th,
				       __m256i lo, __m256i hi)
{
	return _mm256_xor_si256(acc,
				_mm256_xor_si256(_mm256_shuffle_epi8(tl, lo),
						 _mm256_shuffle_epi8(th, hi)));
}

/* nv vectors of every stream at offset i. */
static __always_inline void step(size_t i, const struct ec_coefs *t,
				 const u8 * const *src, u8 * const *dst,
				 const unsigned int nout, const unsigned int nv,
				 const bool acc, const bool nt)
{
	const __m256i mask = _mm256_set1_epi8(0x0f);
	__m256i a[EC_MAX_M][U] EC_NOINIT, lo[U] EC_NOINIT, hi[U] EC_NOINIT;
	__m256i x, tl, th;
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
		for (v = 0; v < nv; v++) {
			x = _mm256_loadu_si256((const __m256i *)
					       (src[j] + i + v * V));
			lo[v] = _mm256_and_si256(x, mask);
			hi[v] = _mm256_and_si256(_mm256_srli_epi16(x, 4), mask);
		}
#pragma GCC unroll 8
		for (o = 0; o < nout; o++) {
			tl = tbl(t->nib[o][j]);
			th = tbl(t->nib[o][j] + 16);
#pragma GCC unroll 8
			for (v = 0; v < nv; v++)
				a[o][v] = mul_add(a[o][v], tl, th, lo[v], hi[v]);
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

static void avx2_dot_prod(size_t len, const struct ec_coefs *t,
			  const u8 * const *src, u8 * const *dst, bool acc)
{
	EC_DISPATCH();
}

static bool avx2_valid(void)
{
	return EC_CPU_HAS(avx2, AVX2) && EC_OS_YMM();
}

const struct ec_gf_ops ec_gf_avx2 = {
	.name = "avx2",
	.valid = avx2_valid,
	.dot_prod = avx2_dot_prod,
};
