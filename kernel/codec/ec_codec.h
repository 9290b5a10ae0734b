/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: Reed-Solomon k+m erasure code over GF(2^8) with the Cauchy matrix
 * of ISA-L's gf_gen_cauchy1_matrix: rows 0..k-1 are the identity, parity
 * row i (k <= i < k+m), column j holds 1 / (i ^ j).
 *
 * Blocks are numbered 0..k+m-1: data 0..k-1, parity k..k+m-1. An erasure
 * set is a bit mask of blocks that are missing.
 */
#ifndef EC_CODEC_H
#define EC_CODEC_H

#include "ec_compat.h"
#include "simd/ec_simd.h"

#define EC_DEFAULT_CACHE	64	/* decode plans cached per code */

/* How to rebuild the blocks of one erasure set from k survivors. */
struct ec_plan {
	u32 erased;			/* the erasure set */
	unsigned int nerr;		/* popcount(erased), <= m */
	u8 survivors[EC_MAX_K];		/* k block indices used as sources */
	u8 missing[EC_MAX_M];		/* erased block indices, ascending */
	struct ec_coefs coefs;		/* nerr x k rows over the survivors */
};

struct ec_cache_slot {
	u64 stamp;			/* last use, for LRU; 0 = empty */
	struct ec_plan plan;
};

struct ec_code {
	unsigned int k, m;
	u8 enc[EC_MAX_N][EC_MAX_K];	/* (k+m) x k encoding matrix */
	struct ec_coefs parity;		/* m x k parity rows */
	struct ec_coefs *upd;		/* per data column: m x 2, for ec_update */
	const struct ec_gf_ops *ops;	/* kernel in use */
	/* decode plan cache, bounded: nslots plans, LRU replacement */
	ec_lock_t lock;
	unsigned int nslots;
	u64 clock;
	u64 hits, misses;
	struct ec_cache_slot *slots;
	u8 work[EC_MAX_K][EC_MAX_K];	/* inversion scratch, under lock */
	u8 inv[EC_MAX_K][EC_MAX_K];
};

/*
 * Codec-wide setup: GF tables and the choice of kernel (ec_select.c, which
 * hands its choice to ec_codec_use()); ec_codec_ops() is the kernel new
 * codes get (ec_codec.c).
 */
int ec_codec_init(const char *force);
const struct ec_gf_ops *ec_codec_find(const char *name);
const struct ec_gf_ops *ec_codec_ops(void);
void ec_codec_use(const struct ec_gf_ops *ops);

int ec_code_init(struct ec_code *c, unsigned int k, unsigned int m,
		 unsigned int cache_slots);
void ec_code_destroy(struct ec_code *c);
/* Use another kernel for this code (tests and benchmarks). */
void ec_code_set_ops(struct ec_code *c, const struct ec_gf_ops *ops);

/* parity[0..m-1] = parity of data[0..k-1] */
void ec_encode(const struct ec_code *c, size_t len, const u8 * const *data,
	       u8 * const *parity);

/*
 * Data block j changes from old to new: fold the delta into the m parity
 * blocks without reading the other data blocks.
 */
void ec_update(const struct ec_code *c, unsigned int j, size_t len,
	       const u8 *old, const u8 *new, u8 * const *parity);

/* Can the blocks of this erasure set be rebuilt? */
bool ec_can_recover(const struct ec_code *c, u32 erased);

/*
 * Fill *plan for an erasure set (from the cache when it is there).
 * -EINVAL for an empty set or a block index >= k+m, -EIO for more than m
 * erasures (nothing is written to plan in either case).
 */
int ec_plan_get(struct ec_code *c, u32 erased, struct ec_plan *plan);

/* Rebuild the missing blocks of plan; blocks[] has k+m entries. */
void ec_plan_apply(const struct ec_code *c, const struct ec_plan *plan,
		   size_t len, u8 * const *blocks);

/* ec_plan_get + ec_plan_apply; the plan lives on the heap for a moment. */
int ec_reconstruct(struct ec_code *c, u32 erased, size_t len,
		   u8 * const *blocks);

/*
 * Check blocks[0..k+m-1]: recompute parity into scratch[0..m-1] and
 * compare. Returns the mask of parity rows (bit i for block k+i) whose
 * syndrome is non-zero; 0 means consistent.
 */
u32 ec_verify(const struct ec_code *c, size_t len, const u8 * const *blocks,
	      u8 * const *scratch);

/*
 * The shared call behind all of the above: dot products with the code's
 * kernel, in bounded SIMD sections, falling back to generic C where SIMD
 * cannot be used.
 */
void ec_dot_prod(const struct ec_gf_ops *ops, size_t len,
		 const struct ec_coefs *t, const u8 * const *src,
		 u8 * const *dst, bool accumulate);

/* Matrix helpers (ec_rs.c). */
void ec_gen_cauchy1(unsigned int k, unsigned int m, u8 *a, unsigned int stride);
int ec_invert(unsigned int n, u8 *a, unsigned int a_stride, u8 *out,
	      unsigned int out_stride);

/* Largest amount of data per stream in one SIMD section. */
#define EC_SIMD_SECTION	4096

#endif /* EC_CODEC_H */
