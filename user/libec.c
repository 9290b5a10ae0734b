// SPDX-License-Identifier: GPL-2.0
/*
 * libec: the public userspace API over the dm-ec codec (kernel/ec_*.c
 * built for userspace). See libec.h for the contract and the chunk format.
 */
#include <unistd.h>

#include "ec_codec.h"
#include "ec_gf.h"
#include "libec.h"

struct libec_ctx {
	struct ec_code code;
};

/* malloc that does not return NULL for a zero size. */
static void *malloc_nz(size_t size)
{
	return malloc(size ? size : 1);
}

/* ---------------------------------------------------------------------- */
/* Setup */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ret;

static void crc32c_init(void);

static void do_init(void)
{
	crc32c_init();
	init_ret = ec_codec_init(getenv("LIBEC_CODEC"));
}

int libec_init(void)
{
	pthread_once(&init_once, do_init);
	return init_ret;
}

const char *libec_codec_name(void)
{
	if (libec_init())
		return NULL;
	return ec_codec_ops()->name;
}

unsigned int libec_impl_count(void)
{
	unsigned int n = 0;

	while (ec_gf_all_ops[n])
		n++;
	return n;
}

const char *libec_impl_name(unsigned int i)
{
	return i < libec_impl_count() ? ec_gf_all_ops[i]->name : NULL;
}

bool libec_impl_usable(const char *name)
{
	const struct ec_gf_ops *ops = name ? ec_codec_find(name) : NULL;

	return ops && ops->valid();
}

const char *libec_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "invalid argument";
	case -ENOMEM:
		return "out of memory";
	case -ENODEV:
		return "no such codec implementation on this CPU";
	case -EIO:
		return "not enough intact blocks to rebuild the data";
	case -ENOSPC:
		return "output buffer too small";
	case -EBADMSG:
		return "inconsistent chunks";
	case -EPROTO:
		return "stream chunks out of order or stream cut short";
	default:
		return "unknown error";
	}
}

/* ---------------------------------------------------------------------- */
/* Contexts */

int libec_ctx_new(struct libec_ctx **ctxp, unsigned int k, unsigned int m)
{
	struct libec_ctx *ctx;
	int ret;

	if (!ctxp)
		return -EINVAL;
	*ctxp = NULL;
	ret = libec_init();
	if (ret)
		return ret;
	if (k < 1 || m < 1 || m > LIBEC_MAX_M || k + m > LIBEC_MAX_N)
		return -EINVAL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ret = ec_code_init(&ctx->code, k, m, EC_DEFAULT_CACHE);
	if (ret) {
		free(ctx);
		return ret;
	}
	*ctxp = ctx;
	return 0;
}

void libec_ctx_free(struct libec_ctx *ctx)
{
	if (!ctx)
		return;
	ec_code_destroy(&ctx->code);
	free(ctx);
}

unsigned int libec_ctx_k(const struct libec_ctx *ctx)
{
	return ctx->code.k;
}

unsigned int libec_ctx_m(const struct libec_ctx *ctx)
{
	return ctx->code.m;
}

int libec_ctx_set_impl(struct libec_ctx *ctx, const char *name)
{
	const struct ec_gf_ops *ops;

	if (!ctx)
		return -EINVAL;
	if (!name) {
		ec_code_set_ops(&ctx->code, ec_codec_ops());
		return 0;
	}
	ops = ec_codec_find(name);
	if (!ops || !ops->valid())
		return -ENODEV;
	ec_code_set_ops(&ctx->code, ops);
	return 0;
}

const char *libec_ctx_impl(const struct libec_ctx *ctx)
{
	return ctx->code.ops->name;
}

void libec_ctx_cache_stats(const struct libec_ctx *ctx, uint64_t *hits,
			   uint64_t *misses)
{
	struct ec_code *c = (struct ec_code *)&ctx->code;

	ec_lock(&c->lock);
	if (hits)
		*hits = c->hits;
	if (misses)
		*misses = c->misses;
	ec_unlock(&c->lock);
}

/* ---------------------------------------------------------------------- */
/* Raw blocks */

int libec_encode(struct libec_ctx *ctx, size_t len,
		 const void * const *data, void * const *parity)
{
	if (!ctx || !data || !parity)
		return -EINVAL;
	ec_encode(&ctx->code, len, (const u8 * const *)data,
		  (u8 * const *)parity);
	return 0;
}

static unsigned int pick_threads(unsigned int nthreads, size_t len)
{
	long cpus;

	if (!nthreads) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = cpus > 0 ? (unsigned int)cpus : 1;
	}
	if (nthreads > 64)
		nthreads = 64;
	/* No point in threads for less than 64 KiB each. */
	if (len / 65536 < nthreads)
		nthreads = len / 65536 ? (unsigned int)(len / 65536) : 1;
	return nthreads;
}

/*
 * Run fn(job, i) for i < n on n threads (the caller's thread is one of
 * them). Falls back to running everything here if a thread cannot start.
 */
static void run_parallel(void *(*fn)(void *), void *jobs, size_t job_size,
			 unsigned int n)
{
	pthread_t tid[64];
	bool started[64] = { false };
	unsigned int i;

	for (i = 1; i < n; i++)
		started[i] = !pthread_create(&tid[i], NULL, fn,
					     (char *)jobs + i * job_size);
	fn(jobs);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			fn((char *)jobs + i * job_size);
	}
}

/* One thread's share of a parallel encode: bytes [off, off + len). */
struct enc_job {
	const struct ec_code *code;
	size_t off, len;
	const u8 * const *data;
	u8 * const *parity;
};

static void *enc_job_run(void *arg)
{
	struct enc_job *j = arg;
	const u8 *d[EC_MAX_N];
	u8 *p[EC_MAX_M];
	unsigned int i;

	for (i = 0; i < j->code->k; i++)
		d[i] = j->data[i] + j->off;
	for (i = 0; i < j->code->m; i++)
		p[i] = j->parity[i] + j->off;
	ec_encode(j->code, j->len, d, p);
	return NULL;
}

/* Cut [0, len) into n ranges, multiples of 64 bytes except the last. */
static void split_range(size_t len, unsigned int n, unsigned int i,
			size_t *off, size_t *cnt)
{
	size_t per = (len / n + 63) & ~(size_t)63;
	size_t a = per * i, b = per * (i + 1);

	if (a > len)
		a = len;
	if (b > len || i == n - 1)
		b = len;
	*off = a;
	*cnt = b - a;
}

int libec_encode_mt(struct libec_ctx *ctx, size_t len,
		    const void * const *data, void * const *parity,
		    unsigned int nthreads)
{
	struct enc_job jobs[64];
	unsigned int i, n;

	if (!ctx || !data || !parity)
		return -EINVAL;
	n = pick_threads(nthreads, len);
	if (n <= 1)
		return libec_encode(ctx, len, data, parity);
	for (i = 0; i < n; i++) {
		jobs[i].code = &ctx->code;
		jobs[i].data = (const u8 * const *)data;
		jobs[i].parity = (u8 * const *)parity;
		split_range(len, n, i, &jobs[i].off, &jobs[i].len);
	}
	run_parallel(enc_job_run, jobs, sizeof(jobs[0]), n);
	return 0;
}

int libec_update(struct libec_ctx *ctx, unsigned int j, size_t len,
		 const void *old_data, const void *new_data,
		 void * const *parity)
{
	if (!ctx || j >= ctx->code.k || !old_data || !new_data || !parity)
		return -EINVAL;
	ec_update(&ctx->code, j, len, old_data, new_data,
		  (u8 * const *)parity);
	return 0;
}

bool libec_can_recover(const struct libec_ctx *ctx, uint32_t erased)
{
	return ctx && ec_can_recover(&ctx->code, erased);
}

int libec_reconstruct(struct libec_ctx *ctx, uint32_t erased, size_t len,
		      void * const *blocks)
{
	if (!ctx || !blocks)
		return -EINVAL;
	return ec_reconstruct(&ctx->code, erased, len, (u8 * const *)blocks);
}

int libec_verify(struct libec_ctx *ctx, size_t len,
		 const void * const *blocks)
{
	u8 *scratch[EC_MAX_M];
	unsigned int i, m;
	u8 *mem;
	u32 bad;

	if (!ctx || !blocks)
		return -EINVAL;
	m = ctx->code.m;
	mem = malloc_nz(len * m);
	if (!mem)
		return -ENOMEM;
	for (i = 0; i < m; i++)
		scratch[i] = mem + i * len;
	bad = ec_verify(&ctx->code, len, (const u8 * const *)blocks, scratch);
	free(mem);
	return (int)bad;
}

/* ---------------------------------------------------------------------- */
/* CRC-32C, table driven, eight bytes per step ("slicing by 8") */

#define CRC32C_POLY	0x82f63b78u	/* Castagnoli, bit-reflected */

static u32 crc_tbl[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc32c_build(void)
{
	unsigned int i, j;
	u32 c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (c & 1 ? CRC32C_POLY : 0);
		crc_tbl[0][i] = c;
	}
	/* tbl[j][i]: the CRC of byte i followed by j zero bytes. */
	for (j = 1; j < 8; j++)
		for (i = 0; i < 256; i++)
			crc_tbl[j][i] = (crc_tbl[j - 1][i] >> 8) ^
					crc_tbl[0][crc_tbl[j - 1][i] & 0xff];
}

static void crc32c_init(void)
{
	pthread_once(&crc_once, crc32c_build);
}

static inline u32 get_le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u64 get_le64(const u8 *p)
{
	return get_le32(p) | (u64)get_le32(p + 4) << 32;
}

static inline void put_le16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put_le32(u8 *p, u32 v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

static inline void put_le64(u8 *p, u64 v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

uint32_t libec_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 c = ~crc, lo, hi;

	crc32c_init();
	for (; len && ((uintptr_t)p & 7); len--)
		c = (c >> 8) ^ crc_tbl[0][(c ^ *p++) & 0xff];
	for (; len >= 8; len -= 8, p += 8) {
		/* Byte order independent: the loads are explicit LE. */
		lo = get_le32(p) ^ c;
		hi = get_le32(p + 4);
		c = crc_tbl[7][lo & 0xff] ^ crc_tbl[6][(lo >> 8) & 0xff] ^
		    crc_tbl[5][(lo >> 16) & 0xff] ^ crc_tbl[4][lo >> 24] ^
		    crc_tbl[3][hi & 0xff] ^ crc_tbl[2][(hi >> 8) & 0xff] ^
		    crc_tbl[1][(hi >> 16) & 0xff] ^ crc_tbl[0][hi >> 24];
	}
	for (; len; len--)
		c = (c >> 8) ^ crc_tbl[0][(c ^ *p++) & 0xff];
	return ~c;
}

/* ---------------------------------------------------------------------- */
/* Chunk headers */

#define HDR_SIZE	LIBEC_CHUNK_HDR_SIZE

static void hdr_write(u8 *h, const struct libec_chunk_hdr *x)
{
	memset(h, 0, HDR_SIZE);
	put_le32(h + 0, LIBEC_CHUNK_MAGIC);
	put_le16(h + 4, LIBEC_CHUNK_VERSION);
	put_le16(h + 6, HDR_SIZE);
	memcpy(h + 8, x->set_id, 16);
	h[24] = x->k;
	h[25] = x->m;
	h[26] = x->index;
	h[27] = x->flags;
	put_le32(h + 28, x->chunk_size);
	put_le64(h + 32, x->stripe);
	put_le64(h + 40, x->data_end);
	put_le32(h + 48, x->payload_crc);
	put_le32(h + 60, libec_crc32c(0, h, 60));
}

int libec_chunk_parse(const void *chunk, size_t len,
		      struct libec_chunk_hdr *x)
{
	const u8 *h = chunk;
	unsigned int i;

	if (!h || len < HDR_SIZE)
		return -EBADMSG;
	if (get_le32(h) != LIBEC_CHUNK_MAGIC ||
	    (h[4] | h[5] << 8) != LIBEC_CHUNK_VERSION ||
	    (h[6] | h[7] << 8) != HDR_SIZE ||
	    get_le32(h + 60) != libec_crc32c(0, h, 60))
		return -EBADMSG;
	for (i = 52; i < 60; i++)
		if (h[i])
			return -EBADMSG;
	memcpy(x->set_id, h + 8, 16);
	x->k = h[24];
	x->m = h[25];
	x->index = h[26];
	x->flags = h[27];
	x->chunk_size = get_le32(h + 28);
	x->stripe = get_le64(h + 32);
	x->data_end = get_le64(h + 40);
	x->payload_crc = get_le32(h + 48);
	if (x->k < 1 || x->m < 1 || x->m > LIBEC_MAX_M ||
	    x->k + x->m > LIBEC_MAX_N || x->index >= x->k + x->m ||
	    (x->flags & ~LIBEC_CHUNK_F_LAST) ||
	    len - HDR_SIZE < x->chunk_size)
		return -EBADMSG;
	return 0;
}

size_t libec_payload_size(const struct libec_ctx *ctx, size_t len)
{
	return len / ctx->code.k + !!(len % ctx->code.k);
}

size_t libec_chunk_size(const struct libec_ctx *ctx, size_t len)
{
	return HDR_SIZE + libec_payload_size(ctx, len);
}

/* ---------------------------------------------------------------------- */
/* Chunk set encoding */

/* One thread's share: payload bytes [off, off + len) of every chunk. */
struct chunk_job {
	const struct ec_code *code;
	const u8 *buf;		/* the data */
	size_t buf_len;
	size_t cs;		/* payload size */
	size_t off, len;
	u8 * const *chunks;
	unsigned int id, nthreads;
	u32 crc[EC_MAX_N];	/* filled for chunks i with i % nthreads == id */
};

/* Data payloads: buf split in cs-sized pieces, zero after the end. */
static void fill_data(const u8 *buf, size_t buf_len, size_t cs,
		      unsigned int i, size_t off, size_t len, u8 *dst)
{
	size_t start = i * cs + off, n = 0;

	if (start < buf_len)
		n = min(len, buf_len - start);
	memcpy(dst, buf + start, n);
	memset(dst + n, 0, len - n);
}

static void *chunk_job_copy(void *arg)
{
	struct chunk_job *j = arg;
	const u8 *d[EC_MAX_N];
	u8 *p[EC_MAX_M];
	unsigned int i, k = j->code->k;

	for (i = 0; i < k; i++) {
		fill_data(j->buf, j->buf_len, j->cs, i, j->off, j->len,
			  j->chunks[i] + HDR_SIZE + j->off);
		d[i] = j->chunks[i] + HDR_SIZE + j->off;
	}
	for (i = 0; i < j->code->m; i++)
		p[i] = j->chunks[k + i] + HDR_SIZE + j->off;
	ec_encode(j->code, j->len, d, p);
	return NULL;
}

static void *chunk_job_crc(void *arg)
{
	struct chunk_job *j = arg;
	unsigned int i, n = j->code->k + j->code->m;

	for (i = j->id; i < n; i += j->nthreads)
		j->crc[i] = libec_crc32c(0, j->chunks[i] + HDR_SIZE, j->cs);
	return NULL;
}

static int encode_set(struct libec_ctx *ctx, const u8 *set_id, u64 stripe,
		      u64 data_end, unsigned int flags, const u8 *buf,
		      size_t len, size_t cs, u8 * const *chunks,
		      unsigned int nthreads)
{
	struct chunk_job *jobs;
	struct libec_chunk_hdr h;
	unsigned int i, t, n = ctx->code.k + ctx->code.m;

	nthreads = pick_threads(nthreads, cs * ctx->code.k);
	jobs = calloc(nthreads, sizeof(*jobs));
	if (!jobs)
		return -ENOMEM;
	for (t = 0; t < nthreads; t++) {
		jobs[t].code = &ctx->code;
		jobs[t].buf = buf;
		jobs[t].buf_len = len;
		jobs[t].cs = cs;
		jobs[t].chunks = chunks;
		jobs[t].id = t;
		jobs[t].nthreads = nthreads;
		split_range(cs, nthreads, t, &jobs[t].off, &jobs[t].len);
	}
	run_parallel(chunk_job_copy, jobs, sizeof(*jobs), nthreads);
	run_parallel(chunk_job_crc, jobs, sizeof(*jobs), nthreads);

	memset(&h, 0, sizeof(h));
	memcpy(h.set_id, set_id, 16);
	h.k = ctx->code.k;
	h.m = ctx->code.m;
	h.flags = flags;
	h.chunk_size = cs;
	h.stripe = stripe;
	h.data_end = data_end;
	for (i = 0; i < n; i++) {
		h.index = i;
		h.payload_crc = jobs[i % nthreads].crc[i];
		hdr_write(chunks[i], &h);
	}
	free(jobs);
	return 0;
}

int libec_encode_chunks_mt(struct libec_ctx *ctx, const uint8_t set_id[16],
			   const void *buf, size_t len, void * const *chunks,
			   unsigned int nthreads)
{
	size_t cs;
	unsigned int i;

	if (!ctx || !set_id || (!buf && len) || !chunks)
		return -EINVAL;
	for (i = 0; i < ctx->code.k + ctx->code.m; i++)
		if (!chunks[i])
			return -EINVAL;
	cs = libec_payload_size(ctx, len);
	if (cs > UINT32_MAX)
		return -EINVAL;
	return encode_set(ctx, set_id, 0, len, LIBEC_CHUNK_F_LAST, buf, len,
			  cs, (u8 * const *)chunks, nthreads);
}

int libec_encode_chunks(struct libec_ctx *ctx, const uint8_t set_id[16],
			const void *buf, size_t len, void * const *chunks)
{
	return libec_encode_chunks_mt(ctx, set_id, buf, len, chunks, 1);
}

/* ---------------------------------------------------------------------- */
/* Chunk set decoding */

/*
 * The chunks chosen for one set: by index, the payload of a chunk that
 * passed every check, or NULL.
 */
struct chunk_sel {
	struct libec_chunk_hdr ref;		/* the set's header fields */
	const u8 *payload[EC_MAX_N];
	u32 present;
	size_t data_len;			/* bytes of data in this stripe */
};

static bool same_set(const struct libec_chunk_hdr *a,
		     const struct libec_chunk_hdr *b)
{
	return !memcmp(a->set_id, b->set_id, 16) && a->stripe == b->stripe;
}

static bool same_shape(const struct libec_chunk_hdr *a,
		       const struct libec_chunk_hdr *b)
{
	return a->chunk_size == b->chunk_size && a->data_end == b->data_end &&
	       a->flags == b->flags;
}

/*
 * Sort the chunks: parse headers, pick the set, and for each index the
 * first chunk whose payload CRC holds. Payloads are checked lazily: only
 * for the indices in 'want' plus, in index order, enough others to have k
 * good chunks (all of them when check_all). Statuses go to st[] (nchunks
 * entries, never NULL here).
 */
static int select_chunks(struct libec_ctx *ctx, const u8 *set_id,
			 const void * const *chunks, const size_t *lens,
			 unsigned int nchunks, bool check_all,
			 unsigned int exclude, int *st, struct chunk_sel *sel)
{
	unsigned int k = ctx->code.k, n = k + ctx->code.m;
	struct libec_chunk_hdr *h;
	unsigned int i, j, best = ~0u, best_votes = 0, good = 0;
	u64 stripe_bytes, start;

	memset(sel, 0, sizeof(*sel));
	h = calloc(nchunks ? nchunks : 1, sizeof(*h));
	if (!h)
		return -ENOMEM;

	for (i = 0; i < nchunks; i++) {
		if (!chunks[i] || !lens || lens[i] < HDR_SIZE)
			st[i] = LIBEC_CHUNK_MISSING;
		else if (libec_chunk_parse(chunks[i], lens[i], &h[i]))
			st[i] = LIBEC_CHUNK_BAD_HEADER;
		else if (h[i].k != k || h[i].m != n - k ||
			 (set_id && memcmp(set_id, h[i].set_id, 16)))
			st[i] = LIBEC_CHUNK_FOREIGN;
		else
			st[i] = LIBEC_CHUNK_UNUSED;
	}
	/* The (set ID, stripe) with the most headers wins; first on a tie. */
	for (i = 0; i < nchunks; i++) {
		unsigned int votes = 0;

		if (st[i] != LIBEC_CHUNK_UNUSED)
			continue;
		for (j = 0; j < nchunks; j++)
			if (st[j] == LIBEC_CHUNK_UNUSED && same_set(&h[i], &h[j]))
				votes++;
		if (votes > best_votes) {
			best = i;
			best_votes = votes;
		}
	}
	if (best == ~0u) {
		free(h);
		return -EIO;
	}
	sel->ref = h[best];
	for (i = 0; i < nchunks; i++)
		if (st[i] == LIBEC_CHUNK_UNUSED &&
		    (!same_set(&h[best], &h[i]) || !same_shape(&h[best], &h[i])))
			st[i] = LIBEC_CHUNK_FOREIGN;

	/* Index by index; lower indices first, so data before parity. */
	for (j = 0; j < n; j++) {
		if (j == exclude)
			continue;
		if (good >= k && !check_all)
			break;
		for (i = 0; i < nchunks; i++) {
			if (st[i] != LIBEC_CHUNK_UNUSED || h[i].index != j)
				continue;
			if (sel->payload[j]) {
				st[i] = LIBEC_CHUNK_DUPLICATE;
				continue;
			}
			if (libec_crc32c(0, (const u8 *)chunks[i] + HDR_SIZE,
					 h[i].chunk_size) != h[i].payload_crc) {
				st[i] = LIBEC_CHUNK_BAD_PAYLOAD;
				continue;
			}
			sel->payload[j] = (const u8 *)chunks[i] + HDR_SIZE;
			sel->present |= 1u << j;
			st[i] = good < k ? LIBEC_CHUNK_USED : LIBEC_CHUNK_UNUSED;
			good++;
		}
	}
	free(h);
	if (good < k)
		return -EIO;

	/* Where this stripe sits in the data, and how much of it is data. */
	stripe_bytes = (u64)sel->ref.chunk_size * k;
	if (stripe_bytes && sel->ref.stripe > UINT64_MAX / stripe_bytes)
		return -EBADMSG;
	start = sel->ref.stripe * stripe_bytes;
	if (sel->ref.data_end < start ||
	    sel->ref.data_end - start > stripe_bytes)
		return -EBADMSG;
	sel->data_len = sel->ref.data_end - start;
	return 0;
}

/*
 * Rebuild every block in 'targets' (not in sel->present) from the first k
 * present blocks: into out[] (one buffer per block index, chunk_size
 * bytes). The erasure set handed to the codec is the targets plus the
 * absent blocks below the last survivor, which is how ec_plan_get picks
 * its survivors (the first k not erased).
 */
static int rebuild(struct libec_ctx *ctx, const struct chunk_sel *sel,
		   u32 targets, u8 **out)
{
	unsigned int k = ctx->code.k, n = k + ctx->code.m;
	u8 *blocks[EC_MAX_N];
	u8 *tmp = NULL;
	size_t cs = sel->ref.chunk_size;
	unsigned int i, s = 0, last = 0, ntmp = 0;
	u32 erased = targets;
	int ret;

	if (!targets)
		return 0;
	for (i = 0; i < n && s < k; i++)
		if (sel->present & (1u << i)) {
			s++;
			last = i;
		}
	if (s < k)
		return -EIO;
	for (i = 0; i < last; i++)
		if (!(sel->present & (1u << i)))
			erased |= 1u << i;
	/* Erased blocks nobody asked for still need somewhere to go. */
	for (i = 0; i < n; i++)
		if ((erased & ~targets) & (1u << i))
			ntmp++;
	if (ntmp) {
		tmp = malloc_nz(ntmp * cs);
		if (!tmp)
			return -ENOMEM;
	}
	ntmp = 0;
	for (i = 0; i < n; i++) {
		if (targets & (1u << i))
			blocks[i] = out[i];
		else if (erased & (1u << i))
			blocks[i] = tmp + cs * ntmp++;
		else
			blocks[i] = (u8 *)sel->payload[i];
	}
	ret = ec_reconstruct(&ctx->code, erased, cs, blocks);
	free(tmp);
	return ret;
}

int libec_decode_chunks(struct libec_ctx *ctx, const uint8_t set_id[16],
			const void * const *chunks, const size_t *lens,
			unsigned int nchunks, void *out, size_t out_size,
			size_t *out_len, int *status,
			struct libec_decode_info *info)
{
	unsigned int k, i;
	struct chunk_sel sel;
	u8 *rb[EC_MAX_N] = { NULL };
	u8 *mem = NULL;
	u32 missing;
	size_t cs;
	int *st = status, ret;

	if (!ctx || (!chunks && nchunks))
		return -EINVAL;
	k = ctx->code.k;
	if (!st) {
		st = calloc(nchunks ? nchunks : 1, sizeof(*st));
		if (!st)
			return -ENOMEM;
	}
	ret = select_chunks(ctx, set_id, chunks, lens, nchunks, !out, ~0u, st,
			    &sel);
	if (ret)
		goto out;
	if (info) {
		memcpy(info->set_id, sel.ref.set_id, 16);
		info->stripe = sel.ref.stripe;
		info->data_end = sel.ref.data_end;
		info->flags = sel.ref.flags;
		info->chunk_size = sel.ref.chunk_size;
		info->present = sel.present;
		info->rebuilt = 0;
	}
	if (out_len)
		*out_len = sel.data_len;
	if (!out)
		goto out;
	if (out_size < sel.data_len) {
		ret = -ENOSPC;
		goto out;
	}
	cs = sel.ref.chunk_size;
	missing = ~sel.present & ((1u << k) - 1);
	if (missing) {
		unsigned int nm = __builtin_popcount(missing), j = 0;

		mem = malloc_nz(nm * cs);
		if (!mem) {
			ret = -ENOMEM;
			goto out;
		}
		for (i = 0; i < k; i++)
			if (missing & (1u << i))
				rb[i] = mem + cs * j++;
		ret = rebuild(ctx, &sel, missing, rb);
		if (ret)
			goto out;
		if (info)
			info->rebuilt = missing;
	}
	for (i = 0; i < k && i * cs < sel.data_len; i++) {
		const u8 *src = rb[i] ? rb[i] : sel.payload[i];

		memcpy((u8 *)out + i * cs, src, min(cs, sel.data_len - i * cs));
	}
out:
	free(mem);
	if (st != status)
		free(st);
	return ret;
}

int libec_recover_chunk(struct libec_ctx *ctx, const uint8_t set_id[16],
			const void * const *chunks, const size_t *lens,
			unsigned int nchunks, unsigned int index, void *out,
			size_t out_size)
{
	struct chunk_sel sel;
	struct libec_chunk_hdr h;
	u8 *rb[EC_MAX_N] = { NULL };
	int *st, ret;

	if (!ctx || (!chunks && nchunks) || !out ||
	    index >= ctx->code.k + ctx->code.m)
		return -EINVAL;
	st = calloc(nchunks ? nchunks : 1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	/* The target itself is never used, even if a copy of it is there. */
	ret = select_chunks(ctx, set_id, chunks, lens, nchunks, false, index,
			    st, &sel);
	free(st);
	if (ret)
		return ret;
	if (out_size < HDR_SIZE + (size_t)sel.ref.chunk_size)
		return -ENOSPC;
	rb[index] = (u8 *)out + HDR_SIZE;
	sel.present &= ~(1u << index);
	ret = rebuild(ctx, &sel, 1u << index, rb);
	if (ret)
		return ret;
	h = sel.ref;
	h.index = index;
	h.payload_crc = libec_crc32c(0, rb[index], h.chunk_size);
	hdr_write(out, &h);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Stream encoder */

struct libec_stream_enc {
	struct libec_ctx *ctx;
	u8 set_id[16];
	size_t cs;			/* payload bytes per chunk */
	size_t fill;			/* data bytes in the current stripe */
	u64 stripe;			/* number of the current stripe */
	u64 bytes;			/* total written */
	libec_chunk_fn fn;
	void *arg;
	int err;			/* sticky: first failure, or
					 * -EPROTO once finished */
	u8 *chunk[EC_MAX_N];		/* header + payload each */
	u8 *mem;
};

int libec_stream_enc_new(struct libec_stream_enc **sp, struct libec_ctx *ctx,
			 const uint8_t set_id[16], size_t chunk_size,
			 libec_chunk_fn fn, void *arg)
{
	struct libec_stream_enc *s;
	unsigned int i, n;

	if (!sp || !ctx || !set_id || !fn || !chunk_size ||
	    chunk_size > UINT32_MAX)
		return -EINVAL;
	*sp = NULL;
	n = ctx->code.k + ctx->code.m;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mem = malloc(n * (HDR_SIZE + chunk_size));
	if (!s->mem) {
		free(s);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		s->chunk[i] = s->mem + i * (HDR_SIZE + chunk_size);
	s->ctx = ctx;
	memcpy(s->set_id, set_id, 16);
	s->cs = chunk_size;
	s->fn = fn;
	s->arg = arg;
	*sp = s;
	return 0;
}

/* Pad, encode and hand out the current stripe. */
static int stream_emit(struct libec_stream_enc *s, unsigned int flags)
{
	struct libec_ctx *ctx = s->ctx;
	struct libec_chunk_hdr h;
	const u8 *d[EC_MAX_N];
	u8 *p[EC_MAX_M];
	unsigned int i, k = ctx->code.k, n = k + ctx->code.m;
	int ret;

	for (i = 0; i < k; i++) {
		size_t used = s->fill > i * s->cs ? s->fill - i * s->cs : 0;

		if (used < s->cs)
			memset(s->chunk[i] + HDR_SIZE + used, 0, s->cs - used);
		d[i] = s->chunk[i] + HDR_SIZE;
	}
	for (i = 0; i < ctx->code.m; i++)
		p[i] = s->chunk[k + i] + HDR_SIZE;
	ec_encode(&ctx->code, s->cs, d, p);

	memset(&h, 0, sizeof(h));
	memcpy(h.set_id, s->set_id, 16);
	h.k = k;
	h.m = ctx->code.m;
	h.flags = flags;
	h.chunk_size = s->cs;
	h.stripe = s->stripe;
	h.data_end = s->bytes;
	for (i = 0; i < n; i++) {
		h.index = i;
		h.payload_crc = libec_crc32c(0, s->chunk[i] + HDR_SIZE, s->cs);
		hdr_write(s->chunk[i], &h);
		ret = s->fn(s->arg, s->stripe, i, s->chunk[i],
			    HDR_SIZE + s->cs);
		if (ret)
			return s->err = ret;
	}
	s->stripe++;
	s->fill = 0;
	return 0;
}

int libec_stream_enc_write(struct libec_stream_enc *s, const void *buf,
			   size_t len)
{
	const u8 *p = buf;
	size_t stripe = s->cs * s->ctx->code.k, n, i, off;
	int ret;

	if (s->err)
		return s->err;
	if (!buf && len)
		return -EINVAL;
	while (len) {
		/* A full stripe goes out only once we know it is not last. */
		if (s->fill == stripe) {
			ret = stream_emit(s, 0);
			if (ret)
				return ret;
		}
		i = s->fill / s->cs;
		off = s->fill % s->cs;
		n = min(len, s->cs - off);
		memcpy(s->chunk[i] + HDR_SIZE + off, p, n);
		s->fill += n;
		s->bytes += n;
		p += n;
		len -= n;
	}
	return 0;
}

int libec_stream_enc_finish(struct libec_stream_enc *s)
{
	int ret;

	if (s->err)
		return s->err;
	ret = stream_emit(s, LIBEC_CHUNK_F_LAST);
	if (!ret)
		s->err = -EPROTO;	/* nothing may follow the last stripe */
	return ret;
}

uint64_t libec_stream_enc_bytes(const struct libec_stream_enc *s)
{
	return s->bytes;
}

void libec_stream_enc_free(struct libec_stream_enc *s)
{
	if (!s)
		return;
	free(s->mem);
	free(s);
}

/* ---------------------------------------------------------------------- */
/* Stream decoder */

struct libec_stream_dec {
	struct libec_ctx *ctx;
	u8 set_id[16];
	bool have_id, done;
	u32 cs;				/* chunk size, from the first stripe */
	u64 stripe;			/* next stripe expected */
	u64 bytes;			/* data handed out so far */
	libec_data_fn fn;
	void *arg;
	u8 *buf;			/* one stripe of data */
};

int libec_stream_dec_new(struct libec_stream_dec **sp, struct libec_ctx *ctx,
			 const uint8_t set_id[16], libec_data_fn fn, void *arg)
{
	struct libec_stream_dec *s;

	if (!sp || !ctx || !fn)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	if (set_id) {
		memcpy(s->set_id, set_id, 16);
		s->have_id = true;
	}
	s->fn = fn;
	s->arg = arg;
	*sp = s;
	return 0;
}

int libec_stream_dec_stripe(struct libec_stream_dec *s,
			    const void * const *chunks, const size_t *lens,
			    unsigned int nchunks)
{
	struct libec_decode_info info;
	size_t len, size;
	int ret;

	if (!s)
		return -EINVAL;
	if (s->done)
		return -EPROTO;
	/* The first stripe tells the chunk size (any good header will do). */
	if (!s->buf) {
		struct libec_chunk_hdr h;
		unsigned int i;

		for (i = 0; i < nchunks; i++)
			if (chunks && chunks[i] && lens &&
			    !libec_chunk_parse(chunks[i], lens[i], &h) &&
			    (!s->have_id || !memcmp(h.set_id, s->set_id, 16)))
				break;
		if (i == nchunks)
			return -EIO;
		size = (size_t)h.chunk_size * s->ctx->code.k;
		s->buf = malloc_nz(size);
		if (!s->buf)
			return -ENOMEM;
		s->cs = h.chunk_size;
	}
	ret = libec_decode_chunks(s->ctx, s->have_id ? s->set_id : NULL,
				  chunks, lens, nchunks, s->buf,
				  (size_t)s->cs * s->ctx->code.k, &len, NULL,
				  &info);
	if (ret)
		return ret == -ENOSPC ? -EPROTO : ret;
	if (info.chunk_size != s->cs || info.data_end != s->bytes + len ||
	    (!(info.flags & LIBEC_CHUNK_F_LAST) &&
	     len != (size_t)s->cs * s->ctx->code.k))
		return -EPROTO;
	if (!s->have_id) {
		memcpy(s->set_id, info.set_id, 16);
		s->have_id = true;
	}
	if (info.stripe != s->stripe)
		return -EPROTO;
	s->stripe++;
	s->bytes += len;
	if (info.flags & LIBEC_CHUNK_F_LAST)
		s->done = true;
	if (len) {
		ret = s->fn(s->arg, s->buf, len);
		if (ret)
			return ret;
	}
	return s->done;
}

int libec_stream_dec_finish(struct libec_stream_dec *s)
{
	return s->done ? 0 : -EPROTO;
}

uint64_t libec_stream_dec_bytes(const struct libec_stream_dec *s)
{
	return s->bytes;
}

void libec_stream_dec_free(struct libec_stream_dec *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}
