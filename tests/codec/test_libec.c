// SPDX-License-Identifier: GPL-2.0
/*
 * The public libec API: contexts, raw blocks, chunk sets (round trips
 * with missing, corrupted, foreign and duplicate chunks), streams, and
 * threads. Only libec.h is used here.
 */
#include <pthread.h>
#include <errno.h>
#include <stdio.h>

#include "libec.h"
#include "common.h"

#include "kselftest_harness.h"

/* Longer-running tests: a fixture, for a timeout beyond the default 30s. */
FIXTURE(slow) {
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

#define TEST_SLOW(name) TEST_F_TIMEOUT(slow, name, 300)

static const uint8_t set_a[16] = { 0x6c, 0x69, 0x62, 0x65, 0x63, 0x2d, 0x74,
				   0x65, 0x73, 0x74, 0x2d, 0x73, 0x65, 0x74,
				   0x2d, 0x41 };
static const uint8_t set_b[16] = { 0xb };

/* Bit-at-a-time CRC-32C, the definition the fast one must match. */
static uint32_t crc32c_slow(uint32_t crc, const uint8_t *p, size_t len)
{
	unsigned int b;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78 : 0);
	}
	return ~crc;
}

TEST(crc32c)
{
	static const char check[] = "123456789";
	uint64_t seed = 42;
	uint8_t *buf = malloc(100000 + 8);
	size_t len, off, cut;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0xe3069283, libec_crc32c(0, check, 9));
	ASSERT_EQ(0, libec_crc32c(0, NULL, 0));
	rnd_fill(&seed, buf, 100008);
	for (len = 0; len < 80; len++)
		for (off = 0; off < 8; off++)
			ASSERT_EQ(crc32c_slow(0, buf + off, len),
				  libec_crc32c(0, buf + off, len));
	ASSERT_EQ(crc32c_slow(0, buf + 3, 100000),
		  libec_crc32c(0, buf + 3, 100000));
	/* Continuing a CRC equals computing it in one go. */
	for (cut = 0; cut < 100; cut += 7)
		ASSERT_EQ(libec_crc32c(0, buf, 1000),
			  libec_crc32c(libec_crc32c(0, buf, cut), buf + cut,
				       1000 - cut));
	free(buf);
}

TEST(context)
{
	static const unsigned int bad[][2] = { { 0, 1 }, { 1, 0 }, { 1, 5 },
					       { 29, 4 }, { 31, 2 }, { 32, 1 },
					       { 10, 100 } };
	static const unsigned int good[][2] = { { 1, 1 }, { 10, 4 }, { 28, 4 },
						{ 31, 1 }, { 1, 4 } };
	struct libec_ctx *ctx;
	unsigned int i, n, usable = 0;

	ASSERT_EQ(0, libec_init());
	ASSERT_EQ(0, libec_init());		/* idempotent */
	ASSERT_NE(NULL, libec_codec_name());
	ASSERT_TRUE(libec_impl_usable(libec_codec_name()));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx = (void *)1;
		ASSERT_EQ(-EINVAL, libec_ctx_new(&ctx, bad[i][0], bad[i][1]));
		ASSERT_EQ(NULL, ctx);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ASSERT_EQ(0, libec_ctx_new(&ctx, good[i][0], good[i][1]));
		ASSERT_EQ(good[i][0], libec_ctx_k(ctx));
		ASSERT_EQ(good[i][1], libec_ctx_m(ctx));
		ASSERT_EQ(0, strcmp(libec_ctx_impl(ctx), libec_codec_name()));
		libec_ctx_free(ctx);
	}
	ASSERT_EQ(-EINVAL, libec_ctx_new(NULL, 10, 4));

	/* Implementations: generic first; every usable one can be forced. */
	n = libec_impl_count();
	ASSERT_GE(n, 1);
	ASSERT_EQ(0, strcmp("generic", libec_impl_name(0)));
	ASSERT_EQ(NULL, libec_impl_name(n));
	ASSERT_EQ(0, libec_ctx_new(&ctx, 10, 4));
	for (i = 0; i < n; i++) {
		const char *name = libec_impl_name(i);

		if (libec_impl_usable(name)) {
			ASSERT_EQ(0, libec_ctx_set_impl(ctx, name));
			ASSERT_EQ(0, strcmp(name, libec_ctx_impl(ctx)));
			usable++;
		} else {
			ASSERT_EQ(-ENODEV, libec_ctx_set_impl(ctx, name));
		}
		INFO("%s: %s\n", name,
			       libec_impl_usable(name) ? "usable" : "no");
	}
	ASSERT_GE(usable, 1);
	ASSERT_EQ(-ENODEV, libec_ctx_set_impl(ctx, "no-such-codec"));
	ASSERT_EQ(0, libec_ctx_set_impl(ctx, NULL));
	ASSERT_EQ(0, strcmp(libec_ctx_impl(ctx), libec_codec_name()));
	libec_ctx_free(ctx);
	libec_ctx_free(NULL);

	ASSERT_NE(0, strcmp(libec_strerror(-EIO), libec_strerror(-EINVAL)));
	ASSERT_EQ(0, strcmp("unknown error", libec_strerror(-12345)));
}

/* LIBEC_CODEC forces the implementation, or makes libec_init() fail. */
TEST(env_codec)
{
	/* The harness runs each test in a fresh child: init is ours. */
	setenv("LIBEC_CODEC", "generic", 1);
	ASSERT_EQ(0, libec_init());
	ASSERT_EQ(0, strcmp("generic", libec_codec_name()));
	/* The first result sticks. */
	setenv("LIBEC_CODEC", "bogus", 1);
	ASSERT_EQ(0, libec_init());
	ASSERT_EQ(0, strcmp("generic", libec_codec_name()));
}

TEST(env_codec_bogus)
{
	struct libec_ctx *ctx;

	setenv("LIBEC_CODEC", "bogus", 1);
	ASSERT_EQ(-ENODEV, libec_init());
	ASSERT_EQ(NULL, libec_codec_name());
	ASSERT_EQ(-ENODEV, libec_ctx_new(&ctx, 10, 4));
}

/* Raw blocks through the public API, every implementation. */
TEST(raw_blocks)
{
	enum { K = 10, M = 4, N = K + M, LEN = 10007 };
	struct libec_ctx *ctx, *gen;
	uint8_t *blk[N], *ref[N], *p2[M];
	uint64_t seed = 7;
	unsigned int i, im, e;

	ASSERT_EQ(0, libec_ctx_new(&ctx, K, M));
	ASSERT_EQ(0, libec_ctx_new(&gen, K, M));
	ASSERT_EQ(0, libec_ctx_set_impl(gen, "generic"));
	for (i = 0; i < N; i++) {
		blk[i] = malloc(LEN);
		ref[i] = malloc(LEN);
		ASSERT_NE(NULL, blk[i]);
		ASSERT_NE(NULL, ref[i]);
		rnd_fill(&seed, ref[i], LEN);
	}
	for (i = 0; i < M; i++)
		p2[i] = malloc(LEN);
	ASSERT_EQ(0, libec_encode(gen, LEN, (const void * const *)ref,
				  (void * const *)(ref + K)));
	for (im = 0; im < libec_impl_count(); im++) {
		const char *name = libec_impl_name(im);

		if (!libec_impl_usable(name))
			continue;
		ASSERT_EQ(0, libec_ctx_set_impl(ctx, name));
		ASSERT_EQ(0, libec_encode(ctx, LEN, (const void * const *)ref,
					  (void * const *)p2));
		for (i = 0; i < M; i++)
			ASSERT_EQ(0, memcmp(p2[i], ref[K + i], LEN));
		ASSERT_EQ(0, libec_verify(ctx, LEN, (const void * const *)ref));
		for (e = 0; e < 50; e++) {
			uint32_t set = 0;

			while (__builtin_popcount(set) < (int)(1 + e % M))
				set |= 1u << (rnd_next(&seed) % N);
			for (i = 0; i < N; i++) {
				memcpy(blk[i], ref[i], LEN);
				if (set & (1u << i))
					memset(blk[i], 0xee, LEN);
			}
			ASSERT_TRUE(libec_can_recover(ctx, set));
			ASSERT_EQ(0, libec_reconstruct(ctx, set, LEN,
						       (void * const *)blk));
			for (i = 0; i < N; i++)
				ASSERT_EQ(0, memcmp(blk[i], ref[i], LEN));
		}
	}
	/* Refusals. */
	ASSERT_FALSE(libec_can_recover(ctx, 0x1f));
	ASSERT_FALSE(libec_can_recover(ctx, 1u << N));
	ASSERT_EQ(-EIO, libec_reconstruct(ctx, 0x1f, LEN, (void * const *)blk));
	ASSERT_EQ(-EINVAL, libec_reconstruct(ctx, 0, LEN, (void * const *)blk));
	ASSERT_EQ(-EINVAL, libec_reconstruct(ctx, 1u << N, LEN,
					     (void * const *)blk));
	/* Verify names the parity that disagrees. */
	ref[K + 2][100] ^= 1;
	ASSERT_EQ(1 << 2, libec_verify(ctx, LEN, (const void * const *)ref));
	ref[K + 2][100] ^= 1;
	/* Update: new data in block 3, parity follows. */
	rnd_fill(&seed, blk[3], LEN);
	for (i = 0; i < M; i++)
		memcpy(p2[i], ref[K + i], LEN);
	ASSERT_EQ(0, libec_update(ctx, 3, LEN, ref[3], blk[3],
				  (void * const *)p2));
	memcpy(ref[3], blk[3], LEN);
	ASSERT_EQ(0, libec_encode(gen, LEN, (const void * const *)ref,
				  (void * const *)(ref + K)));
	for (i = 0; i < M; i++)
		ASSERT_EQ(0, memcmp(p2[i], ref[K + i], LEN));
	ASSERT_EQ(-EINVAL, libec_update(ctx, K, LEN, ref[3], blk[3],
					(void * const *)p2));
	for (i = 0; i < N; i++) {
		free(blk[i]);
		free(ref[i]);
	}
	for (i = 0; i < M; i++)
		free(p2[i]);
	libec_ctx_free(ctx);
	libec_ctx_free(gen);
}

/* ---------------------------------------------------------------------- */
/* Chunk sets */

struct cset {
	unsigned int n;
	size_t clen;		/* bytes per chunk */
	uint8_t *chunk[LIBEC_MAX_N];
};

static int cset_encode(struct libec_ctx *ctx, struct cset *c,
		       const uint8_t *id, const uint8_t *buf, size_t len,
		       unsigned int nthreads)
{
	unsigned int i;

	c->n = libec_ctx_k(ctx) + libec_ctx_m(ctx);
	c->clen = libec_chunk_size(ctx, len);
	for (i = 0; i < c->n; i++) {
		c->chunk[i] = malloc(c->clen);
		if (!c->chunk[i])
			return -ENOMEM;
	}
	return libec_encode_chunks_mt(ctx, id, buf, len,
				      (void * const *)c->chunk, nthreads);
}

static void cset_free(struct cset *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		free(c->chunk[i]);
}

/* Random order, with 'drop' (a mask) left out entirely. */
static unsigned int shuffle(uint64_t *seed, const struct cset *c,
			    uint32_t drop, const void **out, size_t *lens)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < c->n; i++)
		if (!(drop & (1u << i))) {
			out[n] = c->chunk[i];
			lens[n++] = c->clen;
		}
	for (i = n; i > 1; i--) {
		const void *t = out[i - 1];

		j = rnd_next(seed) % i;
		out[i - 1] = out[j];
		out[j] = t;
	}
	return n;
}

TEST_SLOW(chunk_roundtrip)
{
	static const unsigned int geo[][2] = { { 10, 4 }, { 4, 2 }, { 1, 1 },
					       { 28, 4 }, { 31, 1 }, { 6, 3 } };
	static const size_t lens[] = { 0, 1, 9, 10, 11, 4095, 40960, 100003,
				       (1 << 20) + 7 };
	uint64_t seed = 99;
	unsigned int g, l, t, i;

	for (g = 0; g < ARRAY_SIZE(geo); g++) {
		struct libec_ctx *ctx;
		unsigned int k = geo[g][0], m = geo[g][1], n = k + m;

		ASSERT_EQ(0, libec_ctx_new(&ctx, k, m));
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			size_t len = lens[l], got;
			uint8_t *buf = malloc(len + 1), *out = malloc(len + 1);
			uint8_t *rec = malloc(libec_chunk_size(ctx, len));
			const void *cp[LIBEC_MAX_N];
			size_t cl[LIBEC_MAX_N];
			struct libec_decode_info info;
			struct cset c;

			ASSERT_NE(NULL, buf);
			ASSERT_NE(NULL, out);
			ASSERT_NE(NULL, rec);
			rnd_fill(&seed, buf, len);
			ASSERT_EQ(0, cset_encode(ctx, &c, set_a, buf, len, 1));
			ASSERT_EQ(LIBEC_CHUNK_HDR_SIZE +
				  (len + k - 1) / k, c.clen);
			for (t = 0; t < 6; t++) {
				uint32_t drop = 0;
				unsigned int nc;

				while (__builtin_popcount(drop) < (int)(t % (m + 1)))
					drop |= 1u << (rnd_next(&seed) % n);
				nc = shuffle(&seed, &c, drop, cp, cl);
				memset(out, 0xcc, len + 1);
				ASSERT_EQ(0, libec_decode_chunks(ctx, NULL, cp,
						cl, nc, out, len, &got, NULL,
						&info));
				ASSERT_EQ(len, got);
				ASSERT_EQ(0, memcmp(buf, out, len)) {
					TH_LOG("%u+%u len %zu drop 0x%x",
					       k, m, len, drop);
				}
				ASSERT_EQ(0xcc, out[len]);
				ASSERT_EQ(drop & ((1u << k) - 1), info.rebuilt);
				ASSERT_EQ(0, memcmp(info.set_id, set_a, 16));
				ASSERT_EQ(len, info.data_end);
				ASSERT_EQ(LIBEC_CHUNK_F_LAST, info.flags);
				/* Each dropped chunk comes back identical. */
				for (i = 0; i < n; i++) {
					if (!(drop & (1u << i)))
						continue;
					ASSERT_EQ(0, libec_recover_chunk(ctx,
						set_a, cp, cl, nc, i, rec,
						c.clen));
					ASSERT_EQ(0, memcmp(rec, c.chunk[i],
							    c.clen));
				}
			}
			/* m + 1 missing: -EIO. */
			{
				uint32_t drop = (1u << (m + 1)) - 1;
				unsigned int nc = shuffle(&seed, &c, drop, cp,
							  cl);

				if (nc < k) {
					ASSERT_EQ(-EIO, libec_decode_chunks(ctx,
						NULL, cp, cl, nc, out, len,
						&got, NULL, NULL));
					ASSERT_EQ(-EIO, libec_recover_chunk(
						ctx, NULL, cp, cl, nc, 0, rec,
						c.clen));
				}
			}
			cset_free(&c);
			free(buf);
			free(out);
			free(rec);
		}
		libec_ctx_free(ctx);
	}
}

/* Damaged, foreign, duplicate and truncated chunks are set aside. */
TEST(chunk_damage)
{
	enum { K = 10, M = 4, N = K + M };
	const size_t len = 50001;
	struct libec_ctx *ctx, *ctx42;
	struct cset c, other, small;
	uint8_t *buf = malloc(len), *out = malloc(len);
	const void *cp[N + 4];
	size_t cl[N + 4], got;
	int st[N + 4];
	struct libec_decode_info info;
	unsigned int i;
	uint64_t seed = 5;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, out);
	rnd_fill(&seed, buf, len);
	ASSERT_EQ(0, libec_ctx_new(&ctx, K, M));
	ASSERT_EQ(0, libec_ctx_new(&ctx42, 4, 2));
	ASSERT_EQ(0, cset_encode(ctx, &c, set_a, buf, len, 1));
	ASSERT_EQ(0, cset_encode(ctx, &other, set_b, buf, len, 1));
	ASSERT_EQ(0, cset_encode(ctx42, &small, set_a, buf, len, 1));

	/*
	 * In order: foreign set's chunk 0, our 0..13 with damage, a
	 * duplicate, a 4+2 chunk with our set ID, a NULL.
	 */
	cp[0] = other.chunk[0];
	for (i = 0; i < N; i++)
		cp[1 + i] = c.chunk[i];
	cp[N + 1] = c.chunk[1];
	cp[N + 2] = small.chunk[0];
	cp[N + 3] = NULL;
	for (i = 0; i < N + 4; i++)
		cl[i] = c.clen;
	cl[N + 2] = small.clen;
	c.chunk[3][LIBEC_CHUNK_HDR_SIZE + 777] ^= 0x10;	/* payload */
	c.chunk[5][20] ^= 0x01;				/* header */
	cl[1 + 7] = c.clen - 1;				/* truncated */

	memset(out, 0, len);
	ASSERT_EQ(0, libec_decode_chunks(ctx, NULL, cp, cl, N + 4, out, len,
					 &got, st, &info));
	ASSERT_EQ(len, got);
	ASSERT_EQ(0, memcmp(out, buf, len));
	ASSERT_EQ(LIBEC_CHUNK_FOREIGN, st[0]);
	ASSERT_EQ(LIBEC_CHUNK_USED, st[1 + 0]);
	ASSERT_EQ(LIBEC_CHUNK_BAD_PAYLOAD, st[1 + 3]);
	ASSERT_EQ(LIBEC_CHUNK_BAD_HEADER, st[1 + 5]);
	ASSERT_EQ(LIBEC_CHUNK_BAD_HEADER, st[1 + 7]);
	ASSERT_EQ(LIBEC_CHUNK_DUPLICATE, st[N + 1]);
	ASSERT_EQ(LIBEC_CHUNK_FOREIGN, st[N + 2]);
	ASSERT_EQ(LIBEC_CHUNK_MISSING, st[N + 3]);
	ASSERT_EQ((1u << 3) | (1u << 5) | (1u << 7), info.rebuilt);
	ASSERT_EQ(0, memcmp(info.set_id, set_a, 16));

	/* Check-only mode reads every payload and reports them all. */
	ASSERT_EQ(0, libec_decode_chunks(ctx, NULL, cp, cl, N + 4, NULL, 0,
					 &got, st, &info));
	ASSERT_EQ(len, got);
	ASSERT_EQ(((1u << N) - 1) & ~((1u << 3) | (1u << 5) | (1u << 7)),
		  info.present);

	/* Asking for the other set by ID: only one chunk of it: -EIO. */
	ASSERT_EQ(-EIO, libec_decode_chunks(ctx, set_b, cp, cl, N + 4, out,
					    len, &got, NULL, NULL));
	/* Output too small. */
	ASSERT_EQ(-ENOSPC, libec_decode_chunks(ctx, set_a, cp, cl, N + 4, out,
					       len - 1, &got, NULL, NULL));
	/* Two more bad chunks: 5 lost, -EIO. */
	c.chunk[0][LIBEC_CHUNK_HDR_SIZE] ^= 1;
	c.chunk[12][LIBEC_CHUNK_HDR_SIZE + 100] ^= 1;
	ASSERT_EQ(-EIO, libec_decode_chunks(ctx, NULL, cp, cl, N + 4, out,
					    len, &got, st, NULL));
	ASSERT_EQ(LIBEC_CHUNK_BAD_PAYLOAD, st[1 + 0]);
	/* Nothing at all. */
	ASSERT_EQ(-EIO, libec_decode_chunks(ctx, NULL, cp, cl, 0, out, len,
					    &got, NULL, NULL));

	/* Chunk headers parse back. */
	{
		struct libec_chunk_hdr h;

		ASSERT_EQ(0, libec_chunk_parse(c.chunk[13], c.clen, &h));
		ASSERT_EQ(13, h.index);
		ASSERT_EQ(K, h.k);
		ASSERT_EQ(M, h.m);
		ASSERT_EQ(len, h.data_end);
		ASSERT_EQ((len + K - 1) / K, h.chunk_size);
		ASSERT_EQ(-EBADMSG, libec_chunk_parse(c.chunk[13], 63, &h));
		ASSERT_EQ(-EBADMSG, libec_chunk_parse(c.chunk[5], c.clen, &h));
	}
	cset_free(&c);
	cset_free(&other);
	cset_free(&small);
	libec_ctx_free(ctx);
	libec_ctx_free(ctx42);
	free(buf);
	free(out);
}

/* ---------------------------------------------------------------------- */
/* Streams */

/* What a stream encoder produced: every chunk, in order. */
struct sink {
	unsigned int n;
	size_t clen;
	uint64_t stripes;
	uint8_t **chunk;	/* stripes * n pointers */
	uint64_t *bytes_at;	/* libec_stream_enc_bytes() at each stripe */
	struct libec_stream_enc *enc;
	int fail_at;		/* return an error at this chunk (or -1) */
	unsigned int calls;
};

static int sink_fn(void *arg, uint64_t stripe, unsigned int index,
		   const void *chunk, size_t len)
{
	struct sink *s = arg;
	uint64_t slot = stripe * s->n + index;

	if ((int)s->calls++ == s->fail_at)
		return -1234;
	/* Chunks come in order: stripe by stripe, index by index. */
	if (index ? stripe + 1 != s->stripes : stripe != s->stripes)
		return -EFAULT;
	if (!index) {
		s->stripes = stripe + 1;
		s->chunk = realloc(s->chunk, s->stripes * s->n * sizeof(void *));
		memset(s->chunk + stripe * s->n, 0, s->n * sizeof(void *));
		s->bytes_at = realloc(s->bytes_at,
				      s->stripes * sizeof(uint64_t));
		s->bytes_at[stripe] = libec_stream_enc_bytes(s->enc);
	}
	s->clen = len;
	s->chunk[slot] = malloc(len);
	memcpy(s->chunk[slot], chunk, len);
	return 0;
}

static void sink_free(struct sink *s)
{
	uint64_t i;

	for (i = 0; i < s->stripes * s->n; i++)
		free(s->chunk[i]);
	free(s->chunk);
	free(s->bytes_at);
}

/* Feed buf in random-sized writes. */
static int stream_encode(struct libec_ctx *ctx, struct sink *s,
			 size_t chunk_size, const uint8_t *buf, size_t len,
			 uint64_t *seed)
{
	size_t off = 0, n;
	int ret;

	memset(s, 0, sizeof(*s));
	s->n = libec_ctx_k(ctx) + libec_ctx_m(ctx);
	s->fail_at = -1;
	ret = libec_stream_enc_new(&s->enc, ctx, set_a, chunk_size, sink_fn,
				   s);
	if (ret)
		return ret;
	while (off < len) {
		n = rnd_next(seed) % 3 ? rnd_next(seed) % 5000 :
			rnd_next(seed) % 200000;
		if (n > len - off)
			n = len - off;
		ret = libec_stream_enc_write(s->enc, buf + off, n);
		if (ret)
			goto out;
		off += n;
	}
	ret = libec_stream_enc_finish(s->enc);
out:
	libec_stream_enc_free(s->enc);
	s->enc = NULL;
	return ret;
}

/* A stream of exactly one full stripe is the one-shot chunk set. */
TEST(stream_single_stripe_is_oneshot)
{
	enum { K = 10, M = 4, CS = 4096 };
	struct libec_ctx *ctx;
	uint8_t *buf = malloc(K * CS);
	uint64_t seed = 11;
	struct sink s;
	struct cset c;
	unsigned int i;

	ASSERT_EQ(0, libec_ctx_new(&ctx, K, M));
	rnd_fill(&seed, buf, K * CS);
	ASSERT_EQ(0, stream_encode(ctx, &s, CS, buf, K * CS, &seed));
	ASSERT_EQ(1, s.stripes);
	ASSERT_EQ(0, cset_encode(ctx, &c, set_a, buf, K * CS, 1));
	ASSERT_EQ(c.clen, s.clen);
	for (i = 0; i < K + M; i++)
		ASSERT_EQ(0, memcmp(c.chunk[i], s.chunk[i], c.clen));
	cset_free(&c);
	sink_free(&s);
	libec_ctx_free(ctx);
	free(buf);
}

/*
 * Multi-stripe streams: every stripe's payloads are the one-shot encode
 * of that stripe's data; stripes go out as soon as they are known not to
 * be last (memory: one stripe); only the last carries the LAST flag.
 */
TEST_SLOW(stream_vs_oneshot)
{
	static const struct { unsigned int k, m; size_t cs, len; } cases[] = {
		{ 10, 4, 4096, (1 << 20) + 123 },
		{ 10, 4, 4096, 3 * 40960 },	/* ends on a stripe boundary */
		{ 4, 2, 1, 1001 },
		{ 6, 3, 1000, 0 },		/* empty stream */
		{ 28, 4, 65536, 5 << 20 },
		{ 1, 1, 7, 100 },
	};
	uint64_t seed = 12;
	unsigned int t, i;

	for (t = 0; t < ARRAY_SIZE(cases); t++) {
		unsigned int k = cases[t].k, m = cases[t].m, n = k + m;
		size_t cs = cases[t].cs, len = cases[t].len, stripe = k * cs;
		uint64_t nstripes = len ? (len + stripe - 1) / stripe : 1, st;
		struct libec_ctx *ctx;
		uint8_t *buf = malloc(len + stripe), *sbuf = malloc(stripe);
		struct sink s;

		ASSERT_EQ(0, libec_ctx_new(&ctx, k, m));
		rnd_fill(&seed, buf, len);
		memset(buf + len, 0, stripe);
		ASSERT_EQ(0, stream_encode(ctx, &s, cs, buf, len, &seed));
		ASSERT_EQ(nstripes, s.stripes);
		for (st = 0; st < s.stripes; st++) {
			struct libec_chunk_hdr h;
			struct cset c;
			bool last = st == s.stripes - 1;

			/* Emitted exactly when the next byte came in. */
			if (!last)
				ASSERT_EQ((st + 1) * stripe, s.bytes_at[st]);
			memcpy(sbuf, buf + st * stripe, stripe);
			ASSERT_EQ(0, cset_encode(ctx, &c, set_a, sbuf, stripe,
						 1));
			for (i = 0; i < n; i++) {
				uint8_t *ch = s.chunk[st * n + i];

				ASSERT_EQ(0, libec_chunk_parse(ch, s.clen, &h));
				ASSERT_EQ(st, h.stripe);
				ASSERT_EQ(i, h.index);
				ASSERT_EQ(cs, h.chunk_size);
				ASSERT_EQ(last ? LIBEC_CHUNK_F_LAST : 0, h.flags);
				ASSERT_EQ(last ? len : (st + 1) * stripe,
					  h.data_end);
				ASSERT_EQ(0, memcmp(ch + LIBEC_CHUNK_HDR_SIZE,
						    c.chunk[i] +
						    LIBEC_CHUNK_HDR_SIZE, cs));
			}
			cset_free(&c);
		}
		sink_free(&s);
		libec_ctx_free(ctx);
		free(buf);
		free(sbuf);
	}
}

struct collect {
	uint8_t *buf;
	size_t len, cap;
};

static int collect_fn(void *arg, const void *data, size_t len)
{
	struct collect *c = arg;

	if (c->len + len > c->cap)
		return -ENOSPC;
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return 0;
}

/* Streams decode back through any k chunks per stripe; order enforced. */
TEST_SLOW(stream_decode)
{
	enum { K = 10, M = 4, N = K + M, CS = 4096 };
	const size_t len = 777777;
	struct libec_ctx *ctx;
	struct libec_stream_dec *dec;
	uint8_t *buf = malloc(len);
	struct collect col = { .buf = malloc(len), .cap = len };
	uint64_t seed = 13, st;
	const void *cp[N];
	size_t cl[N];
	struct sink s;
	unsigned int i, nc = 0;
	int ret;

	ASSERT_EQ(0, libec_ctx_new(&ctx, K, M));
	rnd_fill(&seed, buf, len);
	ASSERT_EQ(0, stream_encode(ctx, &s, CS, buf, len, &seed));
	ASSERT_EQ(0, libec_stream_dec_new(&dec, ctx, NULL, collect_fn, &col));
	for (st = 0; st < s.stripes; st++) {
		uint32_t drop = 0;

		while (__builtin_popcount(drop) < (int)(st % (M + 1)))
			drop |= 1u << (rnd_next(&seed) % N);
		for (nc = 0, i = 0; i < N; i++) {
			if (drop & (1u << i))
				continue;
			cp[nc] = s.chunk[st * N + i];
			cl[nc++] = s.clen;
		}
		ret = libec_stream_dec_stripe(dec, cp, cl, nc);
		ASSERT_EQ(st == s.stripes - 1 ? 1 : 0, ret);
	}
	ASSERT_EQ(0, libec_stream_dec_finish(dec));
	ASSERT_EQ(len, libec_stream_dec_bytes(dec));
	ASSERT_EQ(len, col.len);
	ASSERT_EQ(0, memcmp(col.buf, buf, len));
	/* Nothing after the last stripe. */
	ASSERT_EQ(-EPROTO, libec_stream_dec_stripe(dec, cp, cl, nc));
	libec_stream_dec_free(dec);

	/* A skipped stripe, and a stream cut short. */
	col.len = 0;
	ASSERT_EQ(0, libec_stream_dec_new(&dec, ctx, set_a, collect_fn, &col));
	for (i = 0; i < N; i++) {
		cp[i] = s.chunk[0 * N + i];
		cl[i] = s.clen;
	}
	ASSERT_EQ(0, libec_stream_dec_stripe(dec, cp, cl, N));
	for (i = 0; i < N; i++)
		cp[i] = s.chunk[2 * N + i];
	ASSERT_EQ(-EPROTO, libec_stream_dec_stripe(dec, cp, cl, N));
	ASSERT_EQ(-EPROTO, libec_stream_dec_finish(dec));
	libec_stream_dec_free(dec);

	/* Another set's ID is refused. */
	ASSERT_EQ(0, libec_stream_dec_new(&dec, ctx, set_b, collect_fn, &col));
	ASSERT_EQ(-EIO, libec_stream_dec_stripe(dec, cp, cl, N));
	libec_stream_dec_free(dec);

	sink_free(&s);
	libec_ctx_free(ctx);
	free(buf);
	free(col.buf);
}

/* Callback errors stop the stream and stick; finish ends it for good. */
TEST(stream_errors)
{
	struct libec_ctx *ctx;
	struct libec_stream_enc *enc;
	struct sink s = { .n = 6, .fail_at = 3 };
	uint8_t buf[100] = { 0 };

	ASSERT_EQ(0, libec_ctx_new(&ctx, 4, 2));
	ASSERT_EQ(-EINVAL, libec_stream_enc_new(&enc, ctx, set_a, 0, sink_fn,
						&s));
	ASSERT_EQ(0, libec_stream_enc_new(&enc, ctx, set_a, 10, sink_fn, &s));
	s.enc = enc;
	ASSERT_EQ(0, libec_stream_enc_write(enc, buf, 40));	/* held */
	ASSERT_EQ(0, s.calls);
	ASSERT_EQ(-1234, libec_stream_enc_write(enc, buf, 1));
	ASSERT_EQ(-1234, libec_stream_enc_write(enc, buf, 1));
	ASSERT_EQ(-1234, libec_stream_enc_finish(enc));
	libec_stream_enc_free(enc);
	sink_free(&s);

	memset(&s, 0, sizeof(s));
	s.n = 6;
	s.fail_at = -1;
	ASSERT_EQ(0, libec_stream_enc_new(&enc, ctx, set_a, 10, sink_fn, &s));
	s.enc = enc;
	ASSERT_EQ(0, libec_stream_enc_finish(enc));
	ASSERT_EQ(6, s.calls);
	ASSERT_EQ(-EPROTO, libec_stream_enc_write(enc, buf, 1));
	ASSERT_EQ(-EPROTO, libec_stream_enc_finish(enc));
	libec_stream_enc_free(enc);
	sink_free(&s);
	libec_ctx_free(ctx);
}

/* ---------------------------------------------------------------------- */
/* Threads */

TEST_SLOW(parallel_equals_single)
{
	enum { K = 10, M = 4 };
	static const unsigned int threads[] = { 0, 2, 3, 4, 7, 16 };
	const size_t blen = (3 << 20) + 5, clen = (7 << 20) + 3;
	struct libec_ctx *ctx;
	uint8_t *data[K], *p1[M], *p2[M], *buf;
	uint64_t seed = 21;
	struct cset one, many;
	unsigned int i, t, j;

	ASSERT_EQ(0, libec_ctx_new(&ctx, K, M));
	for (i = 0; i < K; i++) {
		data[i] = malloc(blen);
		ASSERT_NE(NULL, data[i]);
		rnd_fill(&seed, data[i], blen);
	}
	for (i = 0; i < M; i++) {
		p1[i] = malloc(blen);
		p2[i] = malloc(blen);
	}
	ASSERT_EQ(0, libec_encode(ctx, blen, (const void * const *)data,
				  (void * const *)p1));
	for (t = 0; t < ARRAY_SIZE(threads); t++) {
		for (i = 0; i < M; i++)
			memset(p2[i], 0, blen);
		ASSERT_EQ(0, libec_encode_mt(ctx, blen,
					     (const void * const *)data,
					     (void * const *)p2, threads[t]));
		for (i = 0; i < M; i++)
			ASSERT_EQ(0, memcmp(p1[i], p2[i], blen));
	}
	/* Small sizes take the single-thread path, same answer. */
	ASSERT_EQ(0, libec_encode_mt(ctx, 100, (const void * const *)data,
				     (void * const *)p2, 8));
	for (i = 0; i < M; i++)
		ASSERT_EQ(0, memcmp(p1[i], p2[i], 100));

	buf = malloc(clen);
	rnd_fill(&seed, buf, clen);
	ASSERT_EQ(0, cset_encode(ctx, &one, set_a, buf, clen, 1));
	for (t = 0; t < ARRAY_SIZE(threads); t++) {
		ASSERT_EQ(0, cset_encode(ctx, &many, set_a, buf, clen,
					 threads[t]));
		for (j = 0; j < K + M; j++)
			ASSERT_EQ(0, memcmp(one.chunk[j], many.chunk[j],
					    one.clen));
		cset_free(&many);
	}
	cset_free(&one);
	free(buf);
	for (i = 0; i < K; i++)
		free(data[i]);
	for (i = 0; i < M; i++) {
		free(p1[i]);
		free(p2[i]);
	}
	libec_ctx_free(ctx);
}

struct dec_thread {
	struct libec_ctx *ctx;
	const struct cset *c;
	const uint8_t *buf;
	size_t len;
	uint64_t seed;
	int bad;
};

static void *dec_thread_run(void *arg)
{
	struct dec_thread *t = arg;
	uint8_t *out = malloc(t->len);
	const void *cp[LIBEC_MAX_N];
	size_t cl[LIBEC_MAX_N], got;
	unsigned int r, nc;

	for (r = 0; r < 300; r++) {
		uint32_t drop = 0;

		while (__builtin_popcount(drop) < (int)(1 + r % 4))
			drop |= 1u << (rnd_next(&t->seed) % t->c->n);
		nc = shuffle(&t->seed, t->c, drop, cp, cl);
		if (libec_decode_chunks(t->ctx, NULL, cp, cl, nc, out, t->len,
					&got, NULL, NULL) ||
		    got != t->len || memcmp(out, t->buf, t->len))
			t->bad++;
	}
	free(out);
	return NULL;
}

/* One context shared by threads decoding different erasure sets. */
TEST(shared_context_threads)
{
	struct dec_thread t[4];
	pthread_t tid[4];
	struct libec_ctx *ctx;
	const size_t len = 30011;
	uint8_t *buf = malloc(len);
	uint64_t seed = 31, hits, misses;
	struct cset c;
	unsigned int i;

	ASSERT_EQ(0, libec_ctx_new(&ctx, 10, 4));
	rnd_fill(&seed, buf, len);
	ASSERT_EQ(0, cset_encode(ctx, &c, set_a, buf, len, 1));
	for (i = 0; i < 4; i++) {
		t[i] = (struct dec_thread){ .ctx = ctx, .c = &c, .buf = buf,
					    .len = len, .seed = 100 + i };
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, dec_thread_run,
					    &t[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		ASSERT_EQ(0, t[i].bad);
	}
	libec_ctx_cache_stats(ctx, &hits, &misses);
	INFO("decode cache: %llu hits, %llu misses\n",
		       (unsigned long long)hits, (unsigned long long)misses);
	ASSERT_GT(hits, 0);
	ASSERT_LE(hits + misses, 4 * 300);
	cset_free(&c);
	libec_ctx_free(ctx);
	free(buf);
}

TEST_HARNESS_MAIN
