// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: GF(2^8) dot product with GFNI on 512-bit vectors.
 *
 * The field is 0x11d, not the AES field of GF2P8MULB, so each product is
 * a GF2P8AFFINEQB with the coefficient's 8x8 bit matrix (t->aff). One pass
 * over the data: each source vector is loaded once and feeds every output,
 * whose running sums stay in registers until they are stored once.
 */
#include "x86_common.h"

#define V	64	/* bytes per vector */
#define U	4	/* vectors per stream per main-loop iteration */

static __always_inline __m512i mul(__m512i x, __m512i m)
{
	return _mm512_gf2p8affine_epi64_epi8(x, m, 0);
}

/* acc ^ c0 * x0 ^ c1 * x1: one three-way XOR for two products */
static __always_inline __m512i mul2_add(__m512i acc, __m512i x0, __m512i m0,
					__m512i x1, __m512i m1)
{
	return _mm512_ternarylogic_epi64(acc, mul(x0, m0), mul(x1, m1), 0x96);
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
	__m512i a[EC_MAX_M][U] EC_NOINIT, x0[U] EC_NOINIT, x1[U] EC_NOINIT;
	__m512i m0, m1;
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
	/* Two sources at a time: one three-way XOR per pair of products. */
	for (j = 0; j + 1 < nsrc; j += 2) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++) {
			if (masked) {
				x0[v] = _mm512_maskz_loadu_epi8(k, src[j] + i);
				x1[v] = _mm512_maskz_loadu_epi8(k, src[j + 1] + i);
			} else {
				x0[v] = _mm512_loadu_si512(src[j] + i + v * V);
				x1[v] = _mm512_loadu_si512(src[j + 1] + i + v * V);
			}
		}
#pragma GCC unroll 8
		for (o = 0; o < nout; o++) {
			m0 = _mm512_set1_epi64(t->aff[o][j]);
			m1 = _mm512_set1_epi64(t->aff[o][j + 1]);
#pragma GCC unroll 8
			for (v = 0; v < nv; v++)
				a[o][v] = mul2_add(a[o][v], x0[v], m0, x1[v], m1);
		}
	}
	if (j < nsrc) {
#pragma GCC unroll 8
		for (v = 0; v < nv; v++) {
			if (masked)
				x0[v] = _mm512_maskz_loadu_epi8(k, src[j] + i);
			else
				x0[v] = _mm512_loadu_si512(src[j] + i + v * V);
		}
#pragma GCC unroll 8
		for (o = 0; o < nout; o++) {
			m0 = _mm512_set1_epi64(t->aff[o][j]);
#pragma GCC unroll 8
			for (v = 0; v < nv; v++)
				a[o][v] = _mm512_xor_si512(a[o][v],
							   mul(x0[v], m0));
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

static void gfni_avx512_dot_prod(size_t len, const struct ec_coefs *t,
				 const u8 * const *src, u8 * const *dst,
				 bool acc)
{
	EC_DISPATCH();
}

static bool gfni_avx512_valid(void)
{
	return EC_CPU_HAS(avx512f, AVX512F) && EC_CPU_HAS(avx512bw, AVX512BW) &&
	       EC_CPU_HAS(gfni, GFNI) && EC_OS_ZMM();
}

const struct ec_gf_ops ec_gf_gfni_avx512 = {
	.name = "gfni_avx512",
	.valid = gfni_avx512_valid,
	.dot_prod = gfni_avx512_dot_prod,
};
