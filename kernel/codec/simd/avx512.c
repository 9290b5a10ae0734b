// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: GF(2^8) dot product with AVX-512BW split-nibble lookups.
 *
 * c * x = c * (x & 15) ^ c * (x & 0xf0): two 16-entry VPSHUFB tables per
 * coefficient (t->nib), broadcast to all four 128-bit lanes. One pass over
 * the data: each source vector is loaded and split once and feeds every
 * output, whose running sums stay in registers until they are stored once.
 */
#include "x86_common.h"

#define V	64	/* bytes per vector */
#define U	4	/* vectors per stream per main-loop iteration */

static __always_inline __m512i tbl(const u8 *p)
{
	return _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)p));
}

/* acc ^ c * x, x given as its low and high nibbles: one three-way XOR */
static __always_inline __m512i mul_add(__m512i acc, __m512i tl, __m512i th,
				       __m512i lo, __m512i hi)
{
	return _mm512_ternarylogic_epi64(acc, _mm512_shuffle_epi8(tl, lo),
					 _mm512_shuffle_epi8(th, hi), 0x96);
}

/*
 * nv vectors of every stream at offset i; with a mask, the last partial
 * vector (zero-filled loads contribute nothing, the store is masked).
 */
static __always_inline void step(size_t i, const struct ec_coefs *t,
				 const u8 * const *src, u8 * const *dst,
				 const unsigned int nout, const unsigned int nv,
				 const bool acc, const bool masked,
				 __mmask64 k, const bool nt)
{
	const __m512i mask = _mm512_set1_epi8(0x0f);
	__m512i a[EC_MAX_M][U] EC_NOINIT, lo[U] EC_NOINIT, hi[U] EC_NOINIT;
	__m512i x, tl, th;
	unsigned int nsrc = t->nsrc, o, v, j;

#pragma GCC unroll 8
	for (o = 0; o < nout; o++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++) {
			if (!acc)
				a[o][v] = _mm512_setzero_si512();
			else if (masked)
				a[o][v] = _mm512_maskz_loadu_epi8(k, dst[o] + i);
			else
				a[o][v] = _mm512_loadu_si512(dst[o] + i + v * V);
		}
	}
	for (j = 0; j < nsrc; j++) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++) {
			if (masked)
				x = _mm512_maskz_loadu_epi8(k, src[j] + i);
			else
				x = _mm512_loadu_si512(src[j] + i + v * V);
			lo[v] = _mm512_and_si512(x, mask);
			hi[v] = _mm512_and_si512(_mm512_srli_epi16(x, 4), mask);
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
			if (masked)
				_mm512_mask_storeu_epi8(dst[o] + i, k, a[o][v]);
			else if (nt)
				_mm512_stream_si512((void *)(dst[o] + i + v * V),
						    a[o][v]);
			else
				_mm512_storeu_si512(dst[o] + i + v * V, a[o][v]);
		}
	}
}

static __always_inline void run(size_t len, const struct ec_coefs *t,
				const u8 * const *src, u8 * const *dst,
				const unsigned int nout, const bool acc)
{
	size_t i = 0;

	if (ec_use_nt(len, dst, nout, acc, V)) {
		for (; i + U * V <= len; i += U * V)
			step(i, t, src, dst, nout, U, acc, false, 0, true);
		/* Order the streaming stores before what follows. */
		_mm_sfence();
	}
	for (; i + U * V <= len; i += U * V)
		step(i, t, src, dst, nout, U, acc, false, 0, false);
	for (; i + V <= len; i += V)
		step(i, t, src, dst, nout, 1, acc, false, 0, false);
	if (i < len)
		step(i, t, src, dst, nout, 1, acc, true,
		     _cvtu64_mask64(~0ull >> (64 - (len - i))), false);
}

static void avx512_dot_prod(size_t len, const struct ec_coefs *t,
			    const u8 * const *src, u8 * const *dst, bool acc)
{
	EC_DISPATCH();
}

static bool avx512_valid(void)
{
	return EC_CPU_HAS(avx512f, AVX512F) && EC_CPU_HAS(avx512bw, AVX512BW) &&
	       EC_OS_ZMM();
}

const struct ec_gf_ops ec_gf_avx512 = {
	.name = "avx512",
	.valid = avx512_valid,
	.dot_prod = avx512_dot_prod,
};
