// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: the reference GF(2^8) kernel, plain C with the full product
 * table. Every other kernel is checked against this one.
 */
#include "ec_simd.h"
#include "../ec_gf.h"

void ec_gen_dot_prod_off(size_t off, size_t len, const struct ec_coefs *t,
			 const u8 * const *src, u8 * const *dst,
			 bool accumulate)
{
	unsigned int o, j;
	size_t i;

	for (o = 0; o < t->nout; o++) {
		u8 *d = dst[o] + off;

		if (!accumulate)
			memset(d, 0, len);
		for (j = 0; j < t->nsrc; j++) {
			const u8 *mul = ec_gf_mul_tbl[t->coef[o][j]];
			const u8 *s = src[j] + off;

			if (!t->coef[o][j])
				continue;
			if (t->coef[o][j] == 1) {
				for (i = 0; i < len; i++)
					d[i] ^= s[i];
				continue;
			}
			for (i = 0; i < len; i++)
				d[i] ^= mul[s[i]];
		}
	}
}

static void gen_dot_prod(size_t len, const struct ec_coefs *t,
			 const u8 * const *src, u8 * const *dst, bool accumulate)
{
	ec_gen_dot_prod_off(0, len, t, src, dst, accumulate);
}

static bool gen_valid(void)
{
	return true;
}

const struct ec_gf_ops ec_gf_generic = {
	.name = "generic",
	.valid = gen_valid,
	.dot_prod = gen_dot_prod,
};
