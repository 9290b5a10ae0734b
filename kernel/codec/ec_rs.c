// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: the Reed-Solomon matrices: Cauchy generator and inversion.
 */
#include "ec_codec.h"
#include "ec_gf.h"

/* Rows k..k+m-1 of the (k+m) x k generator; row k + i goes to a[i]. */
void ec_gen_cauchy1(unsigned int k, unsigned int m, u8 *a, unsigned int stride)
{
	unsigned int i, j;

	for (i = k; i < k + m; i++)
		for (j = 0; j < k; j++)
			a[(i - k) * stride + j] = ec_gf_inv(i ^ j);
}

/*
 * Gauss-Jordan inversion of the n x n matrix a (destroyed) into out.
 * Returns -EDOM when a is singular (never for a generator submatrix).
 */
int ec_invert(unsigned int n, u8 *a, unsigned int as, u8 *out,
	      unsigned int os)
{
	unsigned int i, j, r;
	u8 t;

	for (i = 0; i < n; i++) {
		memset(out + i * os, 0, n);
		out[i * os + i] = 1;
	}
	for (i = 0; i < n; i++) {
		if (!a[i * as + i]) {
			for (r = i + 1; r < n && !a[r * as + i]; r++)
				;
			if (r == n)
				return -EDOM;
			for (j = 0; j < n; j++) {
				t = a[i * as + j];
				a[i * as + j] = a[r * as + j];
				a[r * as + j] = t;
				t = out[i * os + j];
				out[i * os + j] = out[r * os + j];
				out[r * os + j] = t;
			}
		}
		t = ec_gf_inv(a[i * as + i]);
		for (j = 0; j < n; j++) {
			a[i * as + j] = ec_gf_mul(a[i * as + j], t);
			out[i * os + j] = ec_gf_mul(out[i * os + j], t);
		}
		for (r = 0; r < n; r++) {
			u8 f = a[r * as + i];

			if (r == i || !f)
				continue;
			for (j = 0; j < n; j++) {
				a[r * as + j] ^= ec_gf_mul(a[i * as + j], f);
				out[r * os + j] ^= ec_gf_mul(out[i * os + j], f);
			}
		}
	}
	return 0;
}
