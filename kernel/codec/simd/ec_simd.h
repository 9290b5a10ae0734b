/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: GF(2^8) multiply-accumulate kernels, one per instruction set.
 *
 * Every kernel computes, for o < nout and i < len,
 *
 *	dst[o][i] (=, or ^= when accumulate) XOR_j coef[o][j] * src[j][i]
 *
 * over GF(2^8) with polynomial 0x11d. This one operation serves encode
 * (coefficients: the parity rows), reconstruction (rows of the inverted
 * survivor matrix), parity update for a changed block (two sources, old
 * and new data, same coefficient, accumulate into the parity) and
 * verification (recompute into scratch and compare).
 *
 * Kernels accept any len (0 included) and any alignment; SIMD kernels hand
 * their tail to the generic code. They never touch FPU state management:
 * the caller (ec_codec.c) brackets them with ec_simd_begin/end.
 */
#ifndef EC_SIMD_H
#define EC_SIMD_H

#include "../ec_compat.h"

#define EC_MAX_M	4	/* parity blocks, and outputs of one kernel call */
#define EC_MAX_N	32	/* k + m */
#define EC_MAX_K	(EC_MAX_N - 1)

/*
 * Coefficients of one kernel call, in every format the kernels use. Built
 * once by ec_coefs_init() (cheap next to a matrix inversion) and cached.
 */
struct ec_coefs {
	unsigned int nsrc;		/* sources, 1..EC_MAX_N */
	unsigned int nout;		/* outputs, 1..EC_MAX_M */
	u8 coef[EC_MAX_M][EC_MAX_N];	/* plain coefficients (generic) */
	/*
	 * Split-nibble tables for PSHUFB/TBL kernels: for coefficient c,
	 * nib[o][j][x] = c * x and nib[o][j][16 + x] = c * (x << 4), x < 16.
	 */
	u8 nib[EC_MAX_M][EC_MAX_N][32] __attribute__((aligned(64)));
	/*
	 * GF2P8AFFINEQB matrices: multiplication by c as an 8x8 bit matrix;
	 * byte 7 - r holds the input bits that feed output bit r.
	 */
	u64 aff[EC_MAX_M][EC_MAX_N];
};

struct ec_gf_ops {
	const char *name;
	/* Usable on this CPU (and, for the kernel, by this kernel build). */
	bool (*valid)(void);
	void (*dot_prod)(size_t len, const struct ec_coefs *t,
			 const u8 * const *src, u8 * const *dst,
			 bool accumulate);
};

void ec_coefs_init(struct ec_coefs *t, unsigned int nsrc, unsigned int nout,
		   const u8 *coef, unsigned int stride);

/* The generic kernel also finishes the tails of the SIMD kernels. */
void ec_gen_dot_prod_off(size_t off, size_t len, const struct ec_coefs *t,
			 const u8 * const *src, u8 * const *dst,
			 bool accumulate);

/* ec_gf_<name> for every kernel of ec_simd_list.h, and the generic one */
#define EC_GF(name)	ec_gf_##name,
extern const struct ec_gf_ops
#include "ec_simd_list.h"
	ec_gf_generic;
#undef EC_GF

/* All variants built for this architecture, generic first, NULL-terminated. */
extern const struct ec_gf_ops * const ec_gf_all_ops[];

#endif /* EC_SIMD_H */
