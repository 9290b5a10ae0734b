// SPDX-License-Identifier: GPL-2.0
/*
 * The golden corpus (tests/golden, see golden.h): parity committed once
 * must be reproduced byte for byte by every implementation on this CPU,
 * and by ISA-L; the libec chunk and stream files too. A failure here means
 * the on-disk encoding changed.
 */
#include "ec_codec.h"
#include "libec.h"
#include "common.h"
#include "golden.h"

#include "kselftest_harness.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/golden"
#endif

/* A whole file from the corpus (EC_GOLDEN_DIR overrides the place). */
static uint8_t *golden_read(const char *name, size_t *len)
{
	const char *dir = getenv("EC_GOLDEN_DIR");
	char path[4096];
	uint8_t *buf = NULL;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : GOLDEN_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "# %s: %m\n", path);
		return NULL;
	}
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n + 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	fclose(f);
	return buf;
}

struct raw {
	uint8_t *data, *parity;
	size_t dlen, plen;
};

static int raw_load(const struct golden_geo *g, struct raw *r)
{
	char name[64];

	snprintf(name, sizeof(name), "rs_%u_%u_c%zu.data", g->k, g->m,
		 g->chunk);
	r->data = golden_read(name, &r->dlen);
	snprintf(name, sizeof(name), "rs_%u_%u_c%zu.parity", g->k, g->m,
		 g->chunk);
	r->parity = golden_read(name, &r->plen);
	if (!r->data || !r->parity || r->dlen != g->k * g->chunk ||
	    r->plen != g->m * g->chunk)
		return -1;
	return 0;
}

static void raw_free(struct raw *r)
{
	free(r->data);
	free(r->parity);
}

/* The data files are what the generator makes (the corpus is intact). */
TEST(corpus_intact)
{
	unsigned int g, i;

	for (g = 0; g < GOLDEN_NGEO; g++) {
		const struct golden_geo *geo = &golden_geos[g];
		uint8_t *blk = malloc(geo->chunk);
		struct raw r;

		ASSERT_EQ(0, raw_load(geo, &r));
		for (i = 0; i < geo->k; i++) {
			golden_fill(geo->k, geo->m, geo->chunk, i, blk);
			ASSERT_EQ(0, memcmp(blk, r.data + i * geo->chunk,
					    geo->chunk));
		}
		raw_free(&r);
		free(blk);
	}
}

/* ISA-L gives the committed parity. */
TEST(isal_matches_corpus)
{
#ifdef HAVE_ISAL
	unsigned int g, i;

	for (g = 0; g < GOLDEN_NGEO; g++) {
		const struct golden_geo *geo = &golden_geos[g];
		uint8_t *d[EC_MAX_N], *p[EC_MAX_M];
		uint8_t *par = malloc(geo->m * geo->chunk);
		struct raw r;

		ASSERT_EQ(0, raw_load(geo, &r));
		for (i = 0; i < geo->k; i++)
			d[i] = r.data + i * geo->chunk;
		for (i = 0; i < geo->m; i++)
			p[i] = par + i * geo->chunk;
		isal_encode(geo->k, geo->m, geo->chunk, d, p);
		ASSERT_EQ(0, memcmp(par, r.parity, r.plen)) {
			TH_LOG("%u+%u chunk %zu: ISA-L differs from the corpus",
			       geo->k, geo->m, geo->chunk);
		}
		raw_free(&r);
		free(par);
	}
#else
	SKIP(return, "built without <isa-l/erasure_code.h>");
#endif
}

#include "impl_fixture.h"

/* Parity of every geometry, and rebuilding from the committed files. */
TEST_F(impl, raw_parity)
{
	unsigned int g, i, e;

	NEED_IMPL();
	for (g = 0; g < GOLDEN_NGEO; g++) {
		const struct golden_geo *geo = &golden_geos[g];
		unsigned int k = geo->k, m = geo->m, n = k + m;
		size_t cs = geo->chunk;
		uint8_t *work = malloc(n * cs + 1);
		u8 *blk[EC_MAX_N];
		struct ec_code c;
		struct raw r;
		uint64_t seed = 1 + g;

		ASSERT_EQ(0, raw_load(geo, &r));
		ASSERT_EQ(0, ec_code_init(&c, k, m, 0));
		ec_code_set_ops(&c, self->ops);
		for (i = 0; i < n; i++)
			blk[i] = work + i * cs;
		memcpy(work, r.data, r.dlen);
		ec_encode(&c, cs, (const u8 * const *)blk, blk + k);
		ASSERT_EQ(0, memcmp(work + k * cs, r.parity, r.plen)) {
			TH_LOG("%s %u+%u chunk %zu: parity differs from corpus",
			       self->ops->name, k, m, cs);
		}
		/* Rebuild random erasure sets from the files. */
		for (e = 0; e < 20; e++) {
			u32 set = 0;

			while ((unsigned int)__builtin_popcount(set) <
			       1 + e % m)
				set |= 1u << (rnd_next(&seed) % n);
			memcpy(work, r.data, r.dlen);
			memcpy(work + k * cs, r.parity, r.plen);
			for (i = 0; i < n; i++)
				if (set & (1u << i))
					memset(blk[i], 0x3c, cs);
			ASSERT_EQ(0, ec_reconstruct(&c, set, cs, blk));
			ASSERT_EQ(0, memcmp(work, r.data, r.dlen));
			ASSERT_EQ(0, memcmp(work + k * cs, r.parity, r.plen));
		}
		ec_code_destroy(&c);
		raw_free(&r);
		free(work);
	}
}

/* The libec chunk format: same bytes, and they decode back. */
TEST_F(impl, chunk_set)
{
	struct libec_ctx *ctx;
	uint8_t *data, *bin, *mine, *out;
	size_t dlen, blen, cl, got;
	const void *cp[14];
	size_t lens[14];
	void *ch[14];
	unsigned int i, nc = 0;

	NEED_IMPL();
	data = golden_read("chunks_10_4.data", &dlen);
	bin = golden_read("chunks_10_4.bin", &blen);
	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, bin);
	ASSERT_EQ(GOLDEN_CHUNKS_LEN, dlen);
	ASSERT_EQ(0, libec_ctx_new(&ctx, 10, 4));
	ASSERT_EQ(0, libec_ctx_set_impl(ctx, self->ops->name));
	cl = libec_chunk_size(ctx, dlen);
	ASSERT_EQ(14 * cl, blen);
	mine = malloc(blen);
	out = malloc(dlen);
	for (i = 0; i < 14; i++)
		ch[i] = mine + i * cl;
	ASSERT_EQ(0, libec_encode_chunks(ctx, GOLDEN_SET_ID, data, dlen, ch));
	ASSERT_EQ(0, memcmp(mine, bin, blen));
	/* Decode the committed chunks with four of them gone. */
	for (i = 0; i < 14; i++) {
		if (i == 0 || i == 4 || i == 9 || i == 11)
			continue;
		cp[nc] = bin + i * cl;
		lens[nc++] = cl;
	}
	ASSERT_EQ(0, libec_decode_chunks(ctx, GOLDEN_SET_ID, cp, lens, nc,
					 out, dlen, &got, NULL, NULL));
	ASSERT_EQ(dlen, got);
	ASSERT_EQ(0, memcmp(out, data, dlen));
	libec_ctx_free(ctx);
	free(data);
	free(bin);
	free(mine);
	free(out);
}

struct out {
	uint8_t *buf;
	size_t len, cap;
};

static int append(void *arg, uint64_t stripe, unsigned int index,
		  const void *chunk, size_t len)
{
	struct out *o = arg;

	if (o->len + len > o->cap)
		return -ENOSPC;
	memcpy(o->buf + o->len, chunk, len);
	o->len += len;
	return 0;
}

static int append_data(void *arg, const void *data, size_t len)
{
	return append(arg, 0, 0, data, len);
}

/* The stream format: same bytes, and it decodes back. */
TEST_F(impl, stream)
{
	struct libec_ctx *ctx;
	struct libec_stream_enc *enc;
	struct libec_stream_dec *dec;
	uint8_t *data, *bin;
	size_t dlen, blen, cl = LIBEC_CHUNK_HDR_SIZE + GOLDEN_STREAM_CHUNK;
	struct out o, d;
	const void *cp[6];
	size_t lens[6];
	unsigned int s, i, nstripes;

	NEED_IMPL();
	data = golden_read("stream_4_2.data", &dlen);
	bin = golden_read("stream_4_2.bin", &blen);
	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, bin);
	ASSERT_EQ(GOLDEN_STREAM_LEN, dlen);
	ASSERT_EQ(0, blen % (6 * cl));
	nstripes = blen / (6 * cl);
	ASSERT_EQ(3, nstripes);
	ASSERT_EQ(0, libec_ctx_new(&ctx, 4, 2));
	ASSERT_EQ(0, libec_ctx_set_impl(ctx, self->ops->name));
	o = (struct out){ .buf = malloc(blen), .cap = blen };
	ASSERT_EQ(0, libec_stream_enc_new(&enc, ctx, GOLDEN_SET_ID,
					  GOLDEN_STREAM_CHUNK, append, &o));
	/* Other write sizes than the generator's: same output. */
	for (i = 0; i < dlen; i += 333)
		ASSERT_EQ(0, libec_stream_enc_write(enc, data + i,
						    dlen - i < 333 ?
						    dlen - i : 333));
	ASSERT_EQ(0, libec_stream_enc_finish(enc));
	libec_stream_enc_free(enc);
	ASSERT_EQ(blen, o.len);
	ASSERT_EQ(0, memcmp(o.buf, bin, blen));

	d = (struct out){ .buf = malloc(dlen), .cap = dlen };
	ASSERT_EQ(0, libec_stream_dec_new(&dec, ctx, GOLDEN_SET_ID,
					  append_data, &d));
	for (s = 0; s < nstripes; s++) {
		unsigned int nc = 0;

		for (i = 0; i < 6; i++) {
			if (i == s || i == (s + 3) % 6)	/* two missing */
				continue;
			cp[nc] = bin + (s * 6 + i) * cl;
			lens[nc++] = cl;
		}
		ASSERT_EQ(s == nstripes - 1, libec_stream_dec_stripe(dec, cp,
								     lens, nc));
	}
	ASSERT_EQ(0, libec_stream_dec_finish(dec));
	ASSERT_EQ(dlen, d.len);
	ASSERT_EQ(0, memcmp(d.buf, data, dlen));
	libec_stream_dec_free(dec);
	libec_ctx_free(ctx);
	free(o.buf);
	free(d.buf);
	free(data);
	free(bin);
}

TEST_HARNESS_MAIN
