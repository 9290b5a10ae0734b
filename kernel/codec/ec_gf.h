/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: GF(2^8) arithmetic, polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d),
 * generator 2. Fixed forever: it is part of the on-disk format.
 */
#ifndef EC_GF_H
#define EC_GF_H

#include "ec_compat.h"

#define EC_GF_POLY	0x11d

extern u8 ec_gf_mul_tbl[256][256];	/* full product table, 64 KiB */
extern u8 ec_gf_inv_tbl[256];		/* inverse, inv[0] = 0 */

void ec_gf_init(void);

static inline u8 ec_gf_mul(u8 a, u8 b)
{
	return ec_gf_mul_tbl[a][b];
}

static inline u8 ec_gf_inv(u8 a)
{
	return ec_gf_inv_tbl[a];
}

/* Multiply without tables (used to build them and to cross-check them). */
u8 ec_gf_mul_slow(u8 a, u8 b);

#endif /* EC_GF_H */
