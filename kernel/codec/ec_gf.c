// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: GF(2^8) tables and the coefficient tables of the kernels.
 */
#include "ec_gf.h"
#include "simd/ec_simd.h"

u8 ec_gf_mul_tbl[256][256] __aligned(64);
u8 ec_gf_inv_tbl[256];

u8 ec_gf_mul_slow(u8 a, u8 b)
{
	unsigned int p = 0, x = a;

	while (b) {
		if (b & 1)
			p ^= x;
		x <<= 1;
		if (x & 0x100)
			x ^= EC_GF_POLY;
		b >>= 1;
	}
	return p;
}

void ec_gf_init(void)
{
	u8 exp[255], log[256];
	unsigned int i, j, x = 1;

	for (i = 0; i < 255; i++) {
		exp[i] = x;
		log[x] = i;
		x <<= 1;
		if (x & 0x100)
			x ^= EC_GF_POLY;
	}
	log[0] = 0;
	for (i = 0; i < 256; i++) {
		ec_gf_mul_tbl[i][0] = 0;
		ec_gf_mul_tbl[0][i] = 0;
	}
	for (i = 1; i < 256; i++)
		for (j = 1; j < 256; j++)
			ec_gf_mul_tbl[i][j] = exp[(log[i] + log[j]) % 255];
	ec_gf_inv_tbl[0] = 0;
	for (i = 1; i < 256; i++)
		ec_gf_inv_tbl[i] = exp[(255 - log[i]) % 255];
}

void ec_coefs_init(struct ec_coefs *t, unsigned int nsrc, unsigned int nout,
		   const u8 *coef, unsigned int stride)
{
	unsigned int o, j, x, b, r;

	memset(t, 0, sizeof(*t));
	t->nsrc = nsrc;
	t->nout = nout;
	for (o = 0; o < nout; o++) {
		for (j = 0; j < nsrc; j++) {
			u8 c = coef[o * stride + j];
			u64 m = 0;

			t->coef[o][j] = c;
			for (x = 0; x < 16; x++) {
				t->nib[o][j][x] = ec_gf_mul(c, x);
				t->nib[o][j][16 + x] = ec_gf_mul(c, x << 4);
			}
			for (b = 0; b < 8; b++) {
				u8 col = ec_gf_mul(c, 1u << b);

				for (r = 0; r < 8; r++)
					if (col & (1u << r))
						m |= 1ull << ((7 - r) * 8 + b);
			}
			t->aff[o][j] = m;
		}
	}
}
