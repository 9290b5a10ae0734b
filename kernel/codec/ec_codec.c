// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: encode, update, reconstruct and verify, with a bounded cache of
 * decode plans per code.
 */
#include "ec_codec.h"
#include "ec_gf.h"

void ec_dot_prod(const struct ec_gf_ops *ops, size_t len,
		 const struct ec_coefs *t, const u8 * const *src,
		 u8 * const *dst, bool accumulate)
{
#ifdef __KERNEL__
	const u8 *s[EC_MAX_N];
	u8 *d[EC_MAX_M];
	size_t off, n;
	unsigned int j;

	if (ops == &ec_gf_generic || !ec_simd_usable()) {
		ec_gf_generic.dot_prod(len, t, src, dst, accumulate);
		return;
	}
	/* SIMD disables preemption: keep each section short. */
	for (off = 0; off < len; off += n) {
		n = min_t(size_t, len - off, EC_SIMD_SECTION);
		for (j = 0; j < t->nsrc; j++)
			s[j] = src[j] + off;
		for (j = 0; j < t->nout; j++)
			d[j] = dst[j] + off;
		ec_simd_begin();
		ops->dot_prod(n, t, s, d, accumulate);
		ec_simd_end();
	}
#else
	ops->dot_prod(len, t, src, dst, accumulate);
#endif
}

/* The kernel new codes use: generic until ec_codec_init() has chosen. */
static const struct ec_gf_ops *ec_ops = &ec_gf_generic;

const struct ec_gf_ops *ec_codec_ops(void)
{
	return ec_ops;
}

void ec_codec_use(const struct ec_gf_ops *ops)
{
	ec_ops = ops;
}

int ec_code_init(struct ec_code *c, unsigned int k, unsigned int m,
		 unsigned int cache_slots)
{
	unsigned int i, j;

	if (!k || !m || m > EC_MAX_M || k + m > EC_MAX_N)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->k = k;
	c->m = m;
	for (i = 0; i < k; i++)
		c->enc[i][i] = 1;
	ec_gen_cauchy1(k, m, &c->enc[k][0], EC_MAX_K);
	ec_coefs_init(&c->parity, k, m, &c->enc[k][0], EC_MAX_K);
	c->ops = ec_codec_ops();
	c->upd = ec_zalloc(sizeof(*c->upd) * k);
	if (!c->upd)
		return -ENOMEM;
	for (j = 0; j < k; j++) {
		u8 col[EC_MAX_M][2];

		for (i = 0; i < m; i++) {
			col[i][0] = c->enc[k + i][j];
			col[i][1] = c->enc[k + i][j];
		}
		ec_coefs_init(&c->upd[j], 2, m, &col[0][0], 2);
	}
	ec_lock_init(&c->lock);
	c->nslots = cache_slots;
	if (cache_slots) {
		c->slots = ec_zalloc(sizeof(*c->slots) * cache_slots);
		if (!c->slots) {
			ec_free(c->upd);
			c->upd = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

void ec_code_destroy(struct ec_code *c)
{
	ec_free(c->slots);
	c->slots = NULL;
	ec_free(c->upd);
	c->upd = NULL;
	ec_lock_destroy(&c->lock);
}

void ec_code_set_ops(struct ec_code *c, const struct ec_gf_ops *ops)
{
	c->ops = ops;
}

void ec_encode(const struct ec_code *c, size_t len, const u8 * const *data,
	       u8 * const *parity)
{
	ec_dot_prod(c->ops, len, &c->parity, data, parity, false);
}

/*
 * parity_i ^= a_ij * (old ^ new) = a_ij * old ^ a_ij * new: a two-source
 * dot product accumulated into the parity, with no delta buffer. The
 * coefficients of each column are built once, in ec_code_init().
 */
void ec_update(const struct ec_code *c, unsigned int j, size_t len,
	       const u8 *old, const u8 *new, u8 * const *parity)
{
	const u8 *src[2] = { old, new };

	ec_dot_prod(c->ops, len, &c->upd[j], src, parity, true);
}

bool ec_can_recover(const struct ec_code *c, u32 erased)
{
	unsigned int n = c->k + c->m;

	if (n < 32 && (erased >> n))
		return false;
	return (unsigned int)ec_popcount(erased) <= c->m;
}

/* Build the plan for an erasure set; called with c->lock held. */
static int ec_plan_build(struct ec_code *c, u32 erased, struct ec_plan *p)
{
	unsigned int k = c->k, n = c->k + c->m;
	unsigned int i, j, s = 0, e = 0, o;
	u8 rows[EC_MAX_M][EC_MAX_K];
	int ret;

	memset(p, 0, sizeof(*p) - sizeof(p->coefs));
	p->erased = erased;
	for (i = 0; i < n; i++) {
		if (erased & (1u << i))
			p->missing[e++] = i;
		else if (s < k)
			p->survivors[s++] = i;
	}
	p->nerr = e;
	/* B = generator rows of the survivors; D = B^-1 maps them to data. */
	for (i = 0; i < k; i++)
		memcpy(c->work[i], c->enc[p->survivors[i]], k);
	ret = ec_invert(k, &c->work[0][0], EC_MAX_K, &c->inv[0][0], EC_MAX_K);
	if (ret)
		return ret;
	for (o = 0; o < e; o++) {
		unsigned int b = p->missing[o];

		if (b < k) {
			memcpy(rows[o], c->inv[b], k);
			continue;
		}
		/* A parity block: its generator row times D. */
		for (j = 0; j < k; j++) {
			u8 v = 0;

			for (i = 0; i < k; i++)
				v ^= ec_gf_mul(c->enc[b][i], c->inv[i][j]);
			rows[o][j] = v;
		}
	}
	ec_coefs_init(&p->coefs, k, e, &rows[0][0], EC_MAX_K);
	return 0;
}

int ec_plan_get(struct ec_code *c, u32 erased, struct ec_plan *plan)
{
	struct ec_cache_slot *victim = NULL;
	unsigned int i;
	int ret = 0;

	if (!erased || (c->k + c->m < 32 && (erased >> (c->k + c->m))))
		return -EINVAL;
	if ((unsigned int)ec_popcount(erased) > c->m)
		return -EIO;

	ec_lock(&c->lock);
	c->clock++;
	for (i = 0; i < c->nslots; i++) {
		struct ec_cache_slot *sl = &c->slots[i];

		if (sl->stamp && sl->plan.erased == erased) {
			sl->stamp = c->clock;
			c->hits++;
			memcpy(plan, &sl->plan, sizeof(*plan));
			goto out;
		}
		if (!victim || sl->stamp < victim->stamp)
			victim = sl;
	}
	c->misses++;
	if (victim) {
		ret = ec_plan_build(c, erased, &victim->plan);
		if (!ret) {
			victim->stamp = c->clock;
			memcpy(plan, &victim->plan, sizeof(*plan));
		} else {
			victim->stamp = 0;
		}
	} else {
		ret = ec_plan_build(c, erased, plan);
	}
out:
	ec_unlock(&c->lock);
	return ret;
}

void ec_plan_apply(const struct ec_code *c, const struct ec_plan *plan,
		   size_t len, u8 * const *blocks)
{
	const u8 *src[EC_MAX_K];
	u8 *dst[EC_MAX_M];
	unsigned int i;

	for (i = 0; i < c->k; i++)
		src[i] = blocks[plan->survivors[i]];
	for (i = 0; i < plan->nerr; i++)
		dst[i] = blocks[plan->missing[i]];
	ec_dot_prod(c->ops, len, &plan->coefs, src, dst, false);
}

int ec_reconstruct(struct ec_code *c, u32 erased, size_t len,
		   u8 * const *blocks)
{
	struct ec_plan *plan;
	int ret;

	plan = ec_zalloc(sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	ret = ec_plan_get(c, erased, plan);
	if (!ret)
		ec_plan_apply(c, plan, len, blocks);
	ec_free(plan);
	return ret;
}

u32 ec_verify(const struct ec_code *c, size_t len, const u8 * const *blocks,
	      u8 * const *scratch)
{
	u32 bad = 0;
	unsigned int i;

	ec_encode(c, len, blocks, scratch);
	for (i = 0; i < c->m; i++)
		if (memcmp(scratch[i], blocks[c->k + i], len))
			bad |= 1u << i;
	return bad;
}
