// SPDX-License-Identifier: GPL-2.0
/*
 * The codec (kernel/ec_*.c as built into libec) against itself and
 * against ISA-L: every GF(2^8) implementation this CPU runs must give the
 * generic C parity and ISA-L's parity bit for bit, and rebuild every
 * erasure set of a 10+4 code; plus other geometries, parity update,
 * refusals, and the decode-plan cache.
 *
 * Each implementation is a variant of the "impl" fixture; those the CPU
 * lacks are skipped.
 */
#include "ec_codec.h"
#include "ec_gf.h"
#include "libec.h"
#include "common.h"

#include "kselftest_harness.h"

/* ---------------------------------------------------------------------- */
/* A stripe under test: k+m guarded blocks and a reference copy */

struct stripe {
	unsigned int k, m, n;
	size_t len;
	struct gbuf blk[EC_MAX_N];
	u8 *ptr[EC_MAX_N];	/* = blk[i].p */
	u8 *ref[EC_MAX_N];	/* expected contents */
	u8 *save;		/* scratch: n * len */
};

static void stripe_free(struct stripe *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		gbuf_free(&s->blk[i]);
		free(s->ref[i]);
	}
	free(s->save);
	memset(s, 0, sizeof(*s));
}

/* Random data at random alignments; parity blocks hold junk. */
static int stripe_init(struct stripe *s, unsigned int k, unsigned int m,
		       size_t len, uint64_t *seed)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->k = k;
	s->m = m;
	s->n = k + m;
	s->len = len;
	s->save = malloc(s->n * len + 1);
	if (!s->save)
		return -1;
	for (i = 0; i < s->n; i++) {
		if (gbuf_alloc(&s->blk[i], len, rnd_next(seed) % 64))
			return -1;
		s->ptr[i] = s->blk[i].p;
		s->ref[i] = malloc(len + 1);
		if (!s->ref[i])
			return -1;
		rnd_fill(seed, s->ptr[i], len);
		memcpy(s->ref[i], s->ptr[i], len);
	}
	return 0;
}

static bool stripe_guards_ok(const struct stripe *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!gbuf_ok(&s->blk[i]))
			return false;
	return true;
}

/* Index of the first block that differs from ref, or -1. */
static int stripe_diff(const struct stripe *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (memcmp(s->ptr[i], s->ref[i], s->len))
			return i;
	return -1;
}

/*
 * Encode s with ops; the parity must equal generic C's and ISA-L's. On
 * return ref[] holds the whole stripe (data and parity).
 */
static void encode_check(struct __test_metadata *_metadata,
			 const struct ec_gf_ops *ops, struct stripe *s)
{
	struct ec_code c;
	unsigned int i;
	u8 *gen[EC_MAX_M];

	ASSERT_EQ(0, ec_code_init(&c, s->k, s->m, 0));
	for (i = 0; i < s->m; i++)
		gen[i] = s->ref[s->k + i];
	ec_code_set_ops(&c, &ec_gf_generic);
	ec_encode(&c, s->len, (const u8 * const *)s->ref, gen);
	ec_code_set_ops(&c, ops);
	ec_encode(&c, s->len, (const u8 * const *)s->ptr, s->ptr + s->k);
	ec_code_destroy(&c);
	ASSERT_TRUE(stripe_guards_ok(s));
	for (i = 0; i < s->m; i++) {
		ASSERT_EQ(0, memcmp(s->ptr[s->k + i], gen[i], s->len)) {
			TH_LOG("%s %u+%u len %zu: parity %u differs from generic",
			       ops->name, s->k, s->m, s->len, i);
		}
	}
#ifdef HAVE_ISAL
	{
		u8 *isal[EC_MAX_M];

		for (i = 0; i < s->m; i++)
			isal[i] = s->save + i * s->len;
		isal_encode(s->k, s->m, s->len, s->ref, isal);
		for (i = 0; i < s->m; i++) {
			ASSERT_EQ(0, memcmp(isal[i], gen[i], s->len)) {
				TH_LOG("%u+%u len %zu: parity %u differs from ISA-L",
				       s->k, s->m, s->len, i);
			}
		}
	}
#endif
}

/* Wipe the blocks of 'erased', rebuild them with c, compare everything. */
static void erase_check(struct __test_metadata *_metadata, struct ec_code *c,
			struct stripe *s, u32 erased, uint64_t *seed)
{
	unsigned int i;
	int ret, bad;

	for (i = 0; i < s->n; i++)
		if (erased & (1u << i))
			rnd_fill(seed, s->ptr[i], s->len);
	ret = ec_reconstruct(c, erased, s->len, s->ptr);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s %u+%u: reconstruct 0x%x failed", c->ops->name,
		       s->k, s->m, erased);
	}
	bad = stripe_diff(s);
	ASSERT_EQ(-1, bad) {
		TH_LOG("%s %u+%u len %zu erased 0x%x: block %d wrong",
		       c->ops->name, s->k, s->m, s->len, erased, bad);
	}
	ASSERT_TRUE(stripe_guards_ok(s));
}

/* A random erasure set of exactly e blocks out of n. */
static u32 random_set(uint64_t *seed, unsigned int n, unsigned int e)
{
	u32 set = 0;

	while ((unsigned int)__builtin_popcount(set) < e)
		set |= 1u << (rnd_next(seed) % n);
	return set;
}

/* ---------------------------------------------------------------------- */
/* One variant per implementation */

#include "impl_fixture.h"

/* Every kernel call shape against generic: random coefficients. */
TEST_F_TIMEOUT(impl, dot_prod_random, 120)
{
	static const size_t lens[] = { 0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64,
				       65, 127, 128, 129, 255, 256, 1000, 4095,
				       4096, 4097, 8191, 12345, 65537 };
	uint64_t seed = 0x1234;
	unsigned int r, j;

	NEED_IMPL();
	for (r = 0; r < 3 * ARRAY_SIZE(lens); r++) {
		size_t len = lens[r % ARRAY_SIZE(lens)];
		unsigned int nsrc = 1 + rnd_next(&seed) % EC_MAX_N;
		unsigned int nout = 1 + rnd_next(&seed) % EC_MAX_M;
		bool acc = r & 1;
		struct gbuf src[EC_MAX_N], d1[EC_MAX_M], d2[EC_MAX_M];
		const u8 *sp[EC_MAX_N];
		u8 *p1[EC_MAX_M], *p2[EC_MAX_M];
		u8 coef[EC_MAX_M * EC_MAX_N];
		static struct ec_coefs t;

		rnd_fill(&seed, coef, sizeof(coef));
		coef[0] = 0;		/* special cases */
		coef[1] = 1;
		ec_coefs_init(&t, nsrc, nout, coef, EC_MAX_N);
		for (j = 0; j < nsrc; j++) {
			ASSERT_EQ(0, gbuf_alloc(&src[j], len, rnd_next(&seed)));
			rnd_fill(&seed, src[j].p, len);
			sp[j] = src[j].p;
		}
		for (j = 0; j < nout; j++) {
			ASSERT_EQ(0, gbuf_alloc(&d1[j], len, rnd_next(&seed)));
			ASSERT_EQ(0, gbuf_alloc(&d2[j], len, rnd_next(&seed)));
			rnd_fill(&seed, d1[j].p, len);
			memcpy(d2[j].p, d1[j].p, len);
			p1[j] = d1[j].p;
			p2[j] = d2[j].p;
		}
		ec_gf_generic.dot_prod(len, &t, sp, p1, acc);
		ec_dot_prod(self->ops, len, &t, sp, p2, acc);
		for (j = 0; j < nout; j++) {
			ASSERT_EQ(0, memcmp(p1[j], p2[j], len)) {
				TH_LOG("len %zu nsrc %u nout %u acc %d: out %u",
				       len, nsrc, nout, acc, j);
			}
			ASSERT_TRUE(gbuf_ok(&d2[j]));
		}
		for (j = 0; j < nsrc; j++)
			gbuf_free(&src[j]);
		for (j = 0; j < nout; j++) {
			gbuf_free(&d1[j]);
			gbuf_free(&d2[j]);
		}
	}
}

/* All 1,470 erasure sets of at most 4 blocks among 14, at two sizes. */
TEST_F_TIMEOUT(impl, all_erasures_10_4, 300)
{
	static const size_t lens[] = { 1, 4097 };
	uint64_t seed = 0xec104;
	struct stripe s;
	struct ec_code c;
	unsigned int l, sets;
	u32 e;

	NEED_IMPL();
	ASSERT_EQ(0, ec_code_init(&c, 10, 4, EC_DEFAULT_CACHE));
	ec_code_set_ops(&c, self->ops);
	for (l = 0; l < ARRAY_SIZE(lens); l++) {
		ASSERT_EQ(0, stripe_init(&s, 10, 4, lens[l], &seed));
		encode_check(_metadata, self->ops, &s);
		sets = 0;
		for (e = 1; e < (1u << 14); e++) {
			if (__builtin_popcount(e) > 4)
				continue;
			ASSERT_TRUE(ec_can_recover(&c, e));
			erase_check(_metadata, &c, &s, e, &seed);
			sets++;
		}
		ASSERT_EQ(1470, sets);
		stripe_free(&s);
	}
	ec_code_destroy(&c);
}

/* Odd and large sizes, unaligned, with a sample of erasure sets each. */
TEST_F_TIMEOUT(impl, sizes_10_4, 300)
{
	static const size_t lens[] = { 1, 3, 31, 63, 64, 65, 4095, 4096, 4097,
				       65537, (1 << 20) + 13, 4 << 20 };
	uint64_t seed = 0x5123;
	struct stripe s;
	struct ec_code c;
	unsigned int l, i, e;

	NEED_IMPL();
	ASSERT_EQ(0, ec_code_init(&c, 10, 4, EC_DEFAULT_CACHE));
	ec_code_set_ops(&c, self->ops);
	for (l = 0; l < ARRAY_SIZE(lens); l++) {
		bool big = lens[l] > 100000;

		ASSERT_EQ(0, stripe_init(&s, 10, 4, lens[l], &seed));
		encode_check(_metadata, self->ops, &s);
		/* The worst cases: 4 data blocks, 4 parity blocks. */
		erase_check(_metadata, &c, &s, 0x00f, &seed);
		erase_check(_metadata, &c, &s, 0x3c00, &seed);
		for (e = 1; e <= 4; e++)
			for (i = 0; i < (big ? 1u : 5u); i++)
				erase_check(_metadata, &c, &s,
					    random_set(&seed, 14, e), &seed);
		stripe_free(&s);
	}
	ec_code_destroy(&c);
}

/* Other geometries: all erasure sets when few, else a random sample. */
TEST_F_TIMEOUT(impl, geometries, 300)
{
	static const unsigned int geo[][2] = {
		{ 1, 1 }, { 1, 4 }, { 2, 2 }, { 3, 1 }, { 4, 4 }, { 6, 3 },
		{ 8, 2 }, { 12, 4 }, { 17, 2 }, { 20, 4 }, { 28, 4 },
		{ 31, 1 }, { 16, 3 }, { 24, 4 },
	};
	uint64_t seed = 0x9e0;
	struct stripe s;
	struct ec_code c;
	unsigned int g, i, e;

	NEED_IMPL();
	for (g = 0; g < ARRAY_SIZE(geo); g++) {
		unsigned int k = geo[g][0], m = geo[g][1], n = k + m;
		size_t len = 1000 + 2 * k + 1;
		u32 set;

		ASSERT_EQ(0, ec_code_init(&c, k, m, EC_DEFAULT_CACHE));
		ec_code_set_ops(&c, self->ops);
		ASSERT_EQ(0, stripe_init(&s, k, m, len, &seed));
		encode_check(_metadata, self->ops, &s);
		if (n <= 16) {
			for (set = 1; set < (1u << n); set++)
				if ((unsigned int)__builtin_popcount(set) <= m)
					erase_check(_metadata, &c, &s, set,
						    &seed);
		} else {
			for (e = 1; e <= m; e++)
				for (i = 0; i < 100; i++)
					erase_check(_metadata, &c, &s,
						    random_set(&seed, n, e),
						    &seed);
			/* All data-only worst cases at the front and back. */
			erase_check(_metadata, &c, &s, (1u << m) - 1, &seed);
			erase_check(_metadata, &c, &s,
				    ((1u << m) - 1) << (k - m), &seed);
		}
		/* m + 1 erasures are refused. */
		ASSERT_EQ(-EIO, ec_reconstruct(&c, (1u << (m + 1)) - 1, len,
					       s.ptr));
		ASSERT_EQ(-1, stripe_diff(&s));
		stripe_free(&s);
		ec_code_destroy(&c);
	}
}

/* ec_update (read-modify-write delta) equals encoding from scratch. */
TEST_F_TIMEOUT(impl, update, 120)
{
	static const unsigned int geo[][2] = { { 10, 4 }, { 6, 3 }, { 28, 4 },
					       { 1, 1 } };
	static const size_t lens[] = { 1, 63, 4097, 65537 };
	uint64_t seed = 0xda7a;
	struct stripe s;
	struct ec_code c, g;
	unsigned int gi, l, j, i;
	u8 *gen[EC_MAX_M];

	NEED_IMPL();
	for (gi = 0; gi < ARRAY_SIZE(geo); gi++) {
		unsigned int k = geo[gi][0], m = geo[gi][1];

		ASSERT_EQ(0, ec_code_init(&c, k, m, 0));
		ASSERT_EQ(0, ec_code_init(&g, k, m, 0));
		ec_code_set_ops(&c, self->ops);
		ec_code_set_ops(&g, &ec_gf_generic);
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			size_t len = lens[l];

			ASSERT_EQ(0, stripe_init(&s, k, m, len, &seed));
			encode_check(_metadata, self->ops, &s);
			for (j = 0; j < k; j++) {
				u8 *newd = s.save;

				rnd_fill(&seed, newd, len);
				ec_update(&c, j, len, s.ptr[j], newd,
					  s.ptr + k);
				memcpy(s.ptr[j], newd, len);
				memcpy(s.ref[j], newd, len);
				for (i = 0; i < m; i++)
					gen[i] = s.ref[k + i];
				ec_encode(&g, len, (const u8 * const *)s.ref,
					  gen);
				ASSERT_EQ(-1, stripe_diff(&s)) {
					TH_LOG("%u+%u len %zu: update of %u",
					       k, m, len, j);
				}
				ASSERT_TRUE(stripe_guards_ok(&s));
			}
			stripe_free(&s);
		}
		ec_code_destroy(&c);
		ec_code_destroy(&g);
	}
}

/* More than m erasures: -EIO, and no buffer is touched. */
TEST_F(impl, refuse_too_many)
{
	uint64_t seed = 0x5;
	struct stripe s;
	struct ec_code c;
	struct ec_plan plan;
	unsigned int i;
	u64 h, mi;

	NEED_IMPL();
	ASSERT_EQ(0, ec_code_init(&c, 10, 4, EC_DEFAULT_CACHE));
	ec_code_set_ops(&c, self->ops);
	ASSERT_EQ(0, stripe_init(&s, 10, 4, 4097, &seed));
	encode_check(_metadata, self->ops, &s);
	h = c.hits;
	mi = c.misses;
	for (i = 0; i < 200; i++) {
		u32 set = random_set(&seed, 14, 5 + i % 10);

		ASSERT_FALSE(ec_can_recover(&c, set));
		ASSERT_EQ(-EIO, ec_reconstruct(&c, set, s.len, s.ptr));
		memset(&plan, 0xa5, sizeof(plan));
		ASSERT_EQ(-EIO, ec_plan_get(&c, set, &plan));
		ASSERT_EQ(0xa5, ((u8 *)&plan)[0]);
	}
	ASSERT_EQ(-EIO, ec_reconstruct(&c, 0x1f, s.len, s.ptr));
	ASSERT_EQ(-EIO, ec_reconstruct(&c, 0x3fff, s.len, s.ptr));
	ASSERT_EQ(-1, stripe_diff(&s));
	ASSERT_TRUE(stripe_guards_ok(&s));
	/* Refusals do not count as cache lookups. */
	ASSERT_EQ(h, c.hits);
	ASSERT_EQ(mi, c.misses);
	stripe_free(&s);
	ec_code_destroy(&c);
}

/* Empty masks and blocks beyond k+m: -EINVAL, nothing touched. */
TEST_F(impl, invalid_masks)
{
	static const u32 bad_10_4[] = { 0, 1u << 14, 1u << 31, 0x8001,
					0xffffffff, 0x4000 | 0x3 };
	uint64_t seed = 0x6;
	struct stripe s;
	struct ec_code c;
	unsigned int i;

	NEED_IMPL();
	ASSERT_EQ(0, ec_code_init(&c, 10, 4, EC_DEFAULT_CACHE));
	ec_code_set_ops(&c, self->ops);
	ASSERT_EQ(0, stripe_init(&s, 10, 4, 333, &seed));
	encode_check(_metadata, self->ops, &s);
	for (i = 0; i < ARRAY_SIZE(bad_10_4); i++) {
		if (bad_10_4[i] == 0xffffffff) {
			/* Too many bits too: either refusal is right. */
			ASSERT_NE(0, ec_reconstruct(&c, bad_10_4[i], s.len,
						    s.ptr));
		} else {
			ASSERT_EQ(-EINVAL, ec_reconstruct(&c, bad_10_4[i],
							  s.len, s.ptr));
		}
		if (bad_10_4[i]) {
			ASSERT_FALSE(ec_can_recover(&c, bad_10_4[i]));
		}
	}
	ASSERT_EQ(-1, stripe_diff(&s));
	ASSERT_TRUE(stripe_guards_ok(&s));
	ASSERT_EQ(0, c.hits + c.misses);
	stripe_free(&s);
	ec_code_destroy(&c);

	/* Geometry limits. */
	ASSERT_EQ(-EINVAL, ec_code_init(&c, 0, 1, 0));
	ASSERT_EQ(-EINVAL, ec_code_init(&c, 1, 0, 0));
	ASSERT_EQ(-EINVAL, ec_code_init(&c, 10, 5, 0));
	ASSERT_EQ(-EINVAL, ec_code_init(&c, 29, 4, 0));
	ASSERT_EQ(0, ec_code_init(&c, 28, 4, 0));
	/* k + m == 32: every bit is a block. */
	ASSERT_TRUE(ec_can_recover(&c, 0xf0000000));
	ASSERT_FALSE(ec_can_recover(&c, 0xf8000000));
	ec_code_destroy(&c);
}

/* ---------------------------------------------------------------------- */
/* Decode-plan cache */

static unsigned int slots_used(const struct ec_code *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->nslots; i++)
		n += c->slots[i].stamp != 0;
	return n;
}

TEST(cache_lru)
{
	struct ec_code c;
	struct ec_plan p;
	u32 A = 0x1, B = 0x2, C = 0x4, D = 0x8, E = 0x10;

	ASSERT_EQ(0, libec_init());
	ASSERT_EQ(0, ec_code_init(&c, 10, 4, 4));
	ASSERT_EQ(0, ec_plan_get(&c, A, &p));		/* miss */
	ASSERT_EQ(0, ec_plan_get(&c, A, &p));		/* hit */
	ASSERT_EQ(1, c.hits);
	ASSERT_EQ(1, c.misses);
	ASSERT_EQ(0, ec_plan_get(&c, B, &p));		/* miss */
	ASSERT_EQ(0, ec_plan_get(&c, C, &p));		/* miss */
	ASSERT_EQ(0, ec_plan_get(&c, D, &p));		/* miss: full */
	ASSERT_EQ(4, slots_used(&c));
	ASSERT_EQ(0, ec_plan_get(&c, A, &p));		/* hit: A is fresh */
	ASSERT_EQ(0, ec_plan_get(&c, E, &p));		/* miss: evicts B */
	ASSERT_EQ(2, c.hits);
	ASSERT_EQ(5, c.misses);
	ASSERT_EQ(0, ec_plan_get(&c, A, &p));		/* hit */
	ASSERT_EQ(0, ec_plan_get(&c, C, &p));		/* hit */
	ASSERT_EQ(0, ec_plan_get(&c, B, &p));		/* miss: was evicted */
	ASSERT_EQ(4, c.hits);
	ASSERT_EQ(6, c.misses);
	ASSERT_EQ(4, slots_used(&c));
	ASSERT_EQ(B, p.erased);				/* B's plan */
	ec_code_destroy(&c);
}

/*
 * Every erasure set, twice, through a 64-slot cache: never more than 64
 * plans are held, and cached plans equal freshly built ones.
 */
TEST(cache_bounded)
{
	struct ec_code c, nc;
	struct ec_plan p, q;
	u32 e;
	unsigned int pass, n = 0;

	ASSERT_EQ(0, libec_init());
	ASSERT_EQ(0, ec_code_init(&c, 10, 4, EC_DEFAULT_CACHE));
	ASSERT_EQ(0, ec_code_init(&nc, 10, 4, 0));	/* no cache at all */
	for (pass = 0; pass < 2; pass++) {
		for (e = 1; e < (1u << 14); e++) {
			if (__builtin_popcount(e) > 4)
				continue;
			memset(&p, 0, sizeof(p));
			memset(&q, 0, sizeof(q));
			ASSERT_EQ(0, ec_plan_get(&c, e, &p));
			ASSERT_EQ(0, ec_plan_get(&c, e, &p));	/* hit */
			ASSERT_EQ(0, ec_plan_get(&nc, e, &q));
			ASSERT_EQ(0, memcmp(&p, &q, sizeof(p)));
			ASSERT_LE(slots_used(&c), EC_DEFAULT_CACHE);
			n++;
		}
	}
	ASSERT_EQ(2 * 1470, n);
	ASSERT_EQ(n, c.hits);
	ASSERT_EQ(n, c.misses);			/* LRU cycles: no reuse */
	ASSERT_EQ(EC_DEFAULT_CACHE, slots_used(&c));
	ASSERT_EQ(0, nc.hits);
	ASSERT_EQ(n, nc.misses);
	ec_code_destroy(&c);
	ec_code_destroy(&nc);
}

struct cache_thread {
	struct ec_code *c;
	struct ec_plan *ref;	/* [1 << 14], plan of every set of <= 2 */
	uint64_t seed;
	int bad;
	unsigned int calls;
};

static void *cache_thread_run(void *arg)
{
	struct cache_thread *t = arg;
	struct ec_plan p;
	unsigned int i;

	for (i = 0; i < 20000; i++) {
		u32 e = random_set(&t->seed, 14, 1 + rnd_next(&t->seed) % 2);

		if (ec_plan_get(t->c, e, &p) ||
		    memcmp(&p, &t->ref[e], sizeof(p)))
			t->bad++;
		t->calls++;
	}
	return NULL;
}

/* Concurrent lookups on one code: right plans, counters add up. */
TEST(cache_threads)
{
	struct cache_thread t[4];
	pthread_t tid[4];
	struct ec_code c, nc;
	struct ec_plan *ref;
	unsigned int i;
	u32 e;

	ASSERT_EQ(0, libec_init());
	ASSERT_EQ(0, ec_code_init(&c, 10, 4, 8));
	ASSERT_EQ(0, ec_code_init(&nc, 10, 4, 0));
	ref = calloc(1u << 14, sizeof(*ref));
	ASSERT_NE(NULL, ref);
	for (e = 1; e < (1u << 14); e++)
		if (__builtin_popcount(e) <= 2) {
			ASSERT_EQ(0, ec_plan_get(&nc, e, &ref[e]));
		}
	for (i = 0; i < 4; i++) {
		t[i] = (struct cache_thread){ .c = &c, .ref = ref,
					      .seed = 77 + i };
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, cache_thread_run,
					    &t[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		ASSERT_EQ(0, t[i].bad);
	}
	ASSERT_EQ(4 * 20000, c.hits + c.misses);
	ASSERT_LE(slots_used(&c), 8);
	free(ref);
	ec_code_destroy(&c);
	ec_code_destroy(&nc);
}

/*
 * ISA-L against generic C for every legal geometry (the per-implementation
 * tests also compare with ISA-L; this one shows a SKIP when ISA-L is
 * missing).
 */
TEST(isal_every_geometry)
{
#ifdef HAVE_ISAL
	uint64_t seed = 0x15a1;
	unsigned int k, m, geos = 0;

	ASSERT_EQ(0, libec_init());
	for (m = 1; m <= EC_MAX_M; m++) {
		for (k = 1; k + m <= EC_MAX_N; k++) {
			struct stripe s;

			ASSERT_EQ(0, stripe_init(&s, k, m, 777, &seed));
			encode_check(_metadata, &ec_gf_generic, &s);
			stripe_free(&s);
			geos++;
		}
	}
	ASSERT_EQ(31 + 30 + 29 + 28, geos);
#else
	SKIP(return, "built without <isa-l/erasure_code.h>");
#endif
}

/* The implementation list: generic first, names unique, selection sane. */
TEST(impl_list)
{
	unsigned int i, j;
	const char *sel;

	ASSERT_EQ(0, libec_init());
	ASSERT_EQ(&ec_gf_generic, ec_gf_all_ops[0]);
	for (i = 0; ec_gf_all_ops[i]; i++) {
		ASSERT_EQ(ec_gf_all_ops[i], ec_codec_find(ec_gf_all_ops[i]->name));
		for (j = 0; j < i; j++)
			ASSERT_NE(0, strcmp(ec_gf_all_ops[i]->name,
					    ec_gf_all_ops[j]->name));
		INFO("%s: %s\n", ec_gf_all_ops[i]->name,
			       ec_gf_all_ops[i]->valid() ? "usable" :
			       "not on this CPU");
	}
	sel = ec_codec_ops()->name;
	INFO("selected: %s\n", sel);
	ASSERT_TRUE(ec_codec_ops()->valid());
	ASSERT_EQ(NULL, ec_codec_find("no-such-codec"));
}

TEST_HARNESS_MAIN
