// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: choose the GF(2^8) kernel. Every variant the CPU can run is first
 * checked bit for bit against generic C, then timed on a 10+4 encode; the
 * fastest correct one is used, unless one is forced by name.
 */
#include "ec_codec.h"
#include "ec_gf.h"

const struct ec_gf_ops * const ec_gf_all_ops[] = {
	&ec_gf_generic,
#define EC_GF(name)	(&ec_gf_##name),
#include "simd/ec_simd_list.h"
#undef EC_GF
	NULL
};

const struct ec_gf_ops *ec_codec_find(const char *name)
{
	unsigned int i;

	for (i = 0; ec_gf_all_ops[i]; i++)
		if (!strcmp(ec_gf_all_ops[i]->name, name))
			return ec_gf_all_ops[i];
	return NULL;
}

#define SEL_K		10
#define SEL_M		4
#define SEL_LEN		4096
#define SEL_BUFS	(SEL_K + 2 * SEL_M)

struct sel_ctx {
	struct ec_code code;
	u8 *buf[SEL_BUFS];
};

static u32 sel_rand(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Compare ops against generic on random coefficients and data, with odd
 * lengths and offsets, plain and accumulating. Returns 0 when identical.
 */
static int sel_check(struct sel_ctx *x, const struct ec_gf_ops *ops)
{
	static const size_t lens[] = { 0, 1, 15, 31, 33, 63, 64, 65, 127, 255,
				       1000, 2049, SEL_LEN - 64 };
	struct ec_coefs *t = &x->code.parity;
	const u8 *src[SEL_K];
	u8 *d1[SEL_M], *d2[SEL_M];
	u8 coef[SEL_M * SEL_K];
	unsigned int i, j, r;
	u32 seed = 0x2545f491;
	int ret = 0;

	for (r = 0; r < 2 * ARRAY_SIZE(lens); r++) {
		size_t len = lens[r % ARRAY_SIZE(lens)];
		unsigned int off = sel_rand(&seed) % 64;
		unsigned int nsrc = 1 + sel_rand(&seed) % SEL_K;
		unsigned int nout = 1 + sel_rand(&seed) % SEL_M;
		bool acc = r & 1;

		for (i = 0; i < SEL_M * SEL_K; i++)
			coef[i] = sel_rand(&seed);
		coef[0] = 0;
		coef[1] = 1;
		ec_coefs_init(t, nsrc, nout, coef, SEL_K);
		for (j = 0; j < nsrc; j++) {
			for (i = 0; i < SEL_LEN; i++)
				x->buf[j][i] = sel_rand(&seed);
			src[j] = x->buf[j] + off;
		}
		for (j = 0; j < nout; j++) {
			d1[j] = x->buf[SEL_K + j] + off;
			d2[j] = x->buf[SEL_K + SEL_M + j] + off;
			for (i = 0; i < SEL_LEN; i++)
				x->buf[SEL_K + j][i] = sel_rand(&seed);
			memcpy(x->buf[SEL_K + SEL_M + j], x->buf[SEL_K + j],
			       SEL_LEN);
		}
		ec_gf_generic.dot_prod(len, t, src, d1, acc);
		if (ops->dot_prod == ec_gf_generic.dot_prod)
			continue;
		ec_dot_prod(ops, len, t, src, d2, acc);
		for (j = 0; j < nout; j++)
			if (memcmp(x->buf[SEL_K + j], x->buf[SEL_K + SEL_M + j],
				   SEL_LEN)) {
				ret = -EIO;
				goto out;
			}
	}
out:
	/*
	 * Restore the real parity rows, after a failure too: the speed test
	 * and the round trip of the kernels that follow use them.
	 */
	ec_coefs_init(t, SEL_K, SEL_M, &x->code.enc[SEL_K][0], EC_MAX_K);
	return ret;
}

/* MB/s of data encoded, 10+4, 4 KiB chunks, for about 10 ms. */
static unsigned long sel_speed(struct sel_ctx *x, const struct ec_gf_ops *ops)
{
	u64 t0, dt;
	unsigned long n = 0;

	ec_code_set_ops(&x->code, ops);
	t0 = ec_now_ns();
	do {
		ec_encode(&x->code, SEL_LEN, (const u8 * const *)x->buf,
			  x->buf + SEL_K);
		n++;
		dt = ec_now_ns() - t0;
	} while (dt < 10000000ull);
	return (unsigned long)(n * SEL_K * SEL_LEN * 1000ull / dt);
}

/*
 * Round trip with ops: encode, then for a spread of erasure sets rebuild
 * and compare. Returns 0 on success.
 */
static int sel_roundtrip(struct sel_ctx *x)
{
	static const u32 sets[] = { 0x1, 0x200, 0x400, 0x2000, 0x3, 0x3c00,
				    0x0f, 0x2301, 0x3c0, 0x1248 };
	u8 *blk[SEL_K + SEL_M];
	unsigned int i, s;
	int ret;

	for (i = 0; i < SEL_K + SEL_M; i++)
		blk[i] = x->buf[i];
	ec_encode(&x->code, SEL_LEN, (const u8 * const *)blk, blk + SEL_K);
	if (ec_verify(&x->code, SEL_LEN, (const u8 * const *)blk,
		      x->buf + SEL_K + SEL_M))
		return -EIO;
	for (s = 0; s < ARRAY_SIZE(sets); s++) {
		for (i = 0; i < SEL_K + SEL_M; i++)
			if (sets[s] & (1u << i))
				memcpy(x->buf[SEL_K + SEL_M], blk[i], SEL_LEN);
		/* Keep one lost block aside, wipe all lost blocks, rebuild. */
		for (i = 0; i < SEL_K + SEL_M; i++)
			if (sets[s] & (1u << i))
				memset(blk[i], 0xa5, SEL_LEN);
		ret = ec_reconstruct(&x->code, sets[s], SEL_LEN, blk);
		if (ret)
			return ret;
		if (ec_verify(&x->code, SEL_LEN, (const u8 * const *)blk,
			      x->buf + SEL_K + SEL_M))
			return -EIO;
	}
	/* Five erasures must be refused. */
	if (ec_reconstruct(&x->code, 0x1f, SEL_LEN, blk) != -EIO)
		return -EIO;
	return 0;
}

int ec_codec_init(const char *force)
{
	const struct ec_gf_ops *best = &ec_gf_generic, *ops;
	unsigned long speed, best_speed = 0;
	struct sel_ctx *x;
	unsigned int i;
	int ret;

	ec_gf_init();
	for (i = 0; i < 256; i++)
		if (ec_gf_mul(i, ec_gf_inv(i)) != (i ? 1 : 0) ||
		    ec_gf_mul(i, 0x8e) != ec_gf_mul_slow(i, 0x8e))
			return -EIO;

	x = ec_zalloc(sizeof(*x));
	if (!x)
		return -ENOMEM;
	ret = ec_code_init(&x->code, SEL_K, SEL_M, 4);
	if (ret)
		goto out_free;
	for (i = 0; i < SEL_BUFS; i++) {
		x->buf[i] = ec_zalloc(SEL_LEN + 64);
		if (!x->buf[i]) {
			ret = -ENOMEM;
			goto out_bufs;
		}
	}

	for (i = 0; (ops = ec_gf_all_ops[i]); i++) {
		if (!ops->valid())
			continue;
		if (force && *force && strcmp(force, ops->name))
			continue;
		if (sel_check(x, ops)) {
			ec_log("%s: wrong results, not used", ops->name);
			continue;
		}
		speed = sel_speed(x, ops);
		ec_log("%s encode 10+4: %lu MB/s", ops->name, speed);
		if (speed > best_speed) {
			best = ops;
			best_speed = speed;
		}
	}
	if (force && *force && strcmp(force, best->name)) {
		ec_log("codec %s is not available here", force);
		ret = -ENODEV;
		goto out_bufs;
	}
	ec_code_set_ops(&x->code, best);
	ret = sel_roundtrip(x);
	if (ret) {
		ec_log("%s: self-test failed (%d)", best->name, ret);
		goto out_bufs;
	}
	ec_codec_use(best);
	ec_log("using %s", best->name);

out_bufs:
	for (i = 0; i < SEL_BUFS; i++)
		ec_free(x->buf[i]);
	ec_code_destroy(&x->code);
out_free:
	ec_free(x);
	return ret;
}
