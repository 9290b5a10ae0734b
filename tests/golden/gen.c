// SPDX-License-Identifier: GPL-2.0
/*
 * Write the golden corpus (see golden.h) into a directory, using the
 * generic C implementation only. Run once; the files are committed and
 * pin the encoding (and the libec chunk format) across versions:
 *
 *	make golden-regen      (= build/tests/golden_gen tests/golden)
 *
 * Regenerating must give the same bytes unless the format changed on
 * purpose; tests/codec/test_golden.c checks every implementation and
 * ISA-L against them.
 */
#include "ec_codec.h"
#include "libec.h"
#include "golden.h"

static int write_file(const char *dir, const char *name, const void *p,
		      size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	printf("%-28s %7zu bytes\n", name, len);
	return 0;
}

static int gen_raw(const char *dir, const struct golden_geo *g)
{
	unsigned int k = g->k, m = g->m, i;
	size_t cs = g->chunk;
	uint8_t *data = malloc(k * cs), *parity = malloc(m * cs);
	const u8 *d[EC_MAX_N];
	u8 *p[EC_MAX_M];
	struct ec_code c;
	char name[64];
	int ret = -1;

	if (!data || !parity || ec_code_init(&c, k, m, 0))
		goto out;
	ec_code_set_ops(&c, &ec_gf_generic);
	for (i = 0; i < k; i++) {
		golden_fill(k, m, cs, i, data + i * cs);
		d[i] = data + i * cs;
	}
	for (i = 0; i < m; i++)
		p[i] = parity + i * cs;
	ec_encode(&c, cs, d, p);
	ec_code_destroy(&c);
	snprintf(name, sizeof(name), "rs_%u_%u_c%zu.data", k, m, cs);
	if (write_file(dir, name, data, k * cs))
		goto out;
	snprintf(name, sizeof(name), "rs_%u_%u_c%zu.parity", k, m, cs);
	ret = write_file(dir, name, parity, m * cs);
out:
	free(data);
	free(parity);
	return ret;
}

static int gen_chunks(const char *dir)
{
	struct libec_ctx *ctx;
	uint8_t data[GOLDEN_CHUNKS_LEN], *bin, *ch[14];
	size_t cl;
	unsigned int i;
	int ret;

	if (libec_ctx_new(&ctx, 10, 4) || libec_ctx_set_impl(ctx, "generic"))
		return -1;
	golden_fill(0, 0, sizeof(data), 0, data);
	cl = libec_chunk_size(ctx, sizeof(data));
	bin = malloc(14 * cl);
	for (i = 0; i < 14; i++)
		ch[i] = bin + i * cl;
	ret = libec_encode_chunks(ctx, GOLDEN_SET_ID, data, sizeof(data),
				  (void * const *)ch);
	if (!ret)
		ret = write_file(dir, "chunks_10_4.data", data, sizeof(data));
	if (!ret)
		ret = write_file(dir, "chunks_10_4.bin", bin, 14 * cl);
	free(bin);
	libec_ctx_free(ctx);
	return ret;
}

struct out {
	uint8_t buf[65536];
	size_t len;
};

static int append(void *arg, uint64_t stripe, unsigned int index,
		  const void *chunk, size_t len)
{
	struct out *o = arg;

	if (o->len + len > sizeof(o->buf))
		return -ENOSPC;
	memcpy(o->buf + o->len, chunk, len);
	o->len += len;
	return 0;
}

static int gen_stream(const char *dir)
{
	static struct out o;
	struct libec_ctx *ctx;
	struct libec_stream_enc *s;
	uint8_t data[GOLDEN_STREAM_LEN];
	int ret;

	if (libec_ctx_new(&ctx, 4, 2) || libec_ctx_set_impl(ctx, "generic"))
		return -1;
	golden_fill(0, 1, sizeof(data), 0, data);
	ret = libec_stream_enc_new(&s, ctx, GOLDEN_SET_ID, GOLDEN_STREAM_CHUNK,
				   append, &o);
	/* Uneven writes: the output must not depend on them. */
	if (!ret)
		ret = libec_stream_enc_write(s, data, 1000);
	if (!ret)
		ret = libec_stream_enc_write(s, data + 1000, 1500);
	if (!ret)
		ret = libec_stream_enc_finish(s);
	libec_stream_enc_free(s);
	if (!ret)
		ret = write_file(dir, "stream_4_2.data", data, sizeof(data));
	if (!ret)
		ret = write_file(dir, "stream_4_2.bin", o.buf, o.len);
	libec_ctx_free(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <dir>\n", argv[0]);
		return 2;
	}
	if (libec_init()) {
		fprintf(stderr, "libec_init failed\n");
		return 1;
	}
	for (i = 0; i < GOLDEN_NGEO; i++)
		if (gen_raw(argv[1], &golden_geos[i]))
			return 1;
	if (gen_chunks(argv[1]) || gen_stream(argv[1]))
		return 1;
	return 0;
}
