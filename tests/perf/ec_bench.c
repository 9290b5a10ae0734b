// SPDX-License-Identifier: GPL-2.0
/*
 * ec_bench: single-thread benchmark of dm-ec's GF(2^8) kernels against
 * ISA-L's ec_encode_data, side by side on the same buffers in one run.
 *
 * For each chunk size: encode (k data -> m parity), decode with 1, 2 and 4
 * erasures, and a pure streaming pass of the same shape (read k streams,
 * write m) as the memory ceiling. Every implementation is first checked
 * bit for bit (parity identical to ISA-L's, decodes give back the original
 * bytes); a failure there is the only thing that makes the exit status
 * non-zero. Throughput is GB/s (10^9 bytes/s) of data: k x chunk bytes per
 * stripe, for encode and decode alike.
 *
 * Method: per size and operation, every implementation is warmed up and
 * calibrated so that one repetition lasts >= 50 ms; repetitions of the
 * implementations are then interleaved (so that a noisy neighbour hurts
 * all of them alike) and the median is reported; a ratio is the median of
 * the per-round ratios, i.e. of runs made side by side. Time is the
 * thread's CPU time unless --wall. Buffers are 64-byte aligned, written
 * before use, and shared by all implementations. Nothing is pinned. Small
 * chunk sizes therefore run from cache, as in ISA-L's own perf programs.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <isa-l.h>
#include <isa-l/erasure_code.h>

#include "ec_codec.h"

#if __has_include("libec.h") && !defined(EC_BENCH_NO_LIBEC)
#include "libec.h"
#define HAVE_LIBEC 1
#else
#define HAVE_LIBEC 0
#endif

#if defined(__x86_64__)
#include <immintrin.h>
/* Exported by libisal 2.30, not declared in its header. */
void ec_encode_data_avx512(int len, int k, int rows, unsigned char *gftbls,
			   unsigned char **data, unsigned char **coding);
#endif

#define MAX_SIZES	8
#define MAX_IMPLS	16	/* ours, ISA-L's 4, and the 2 ceiling passes */
#define MAX_DEC		4	/* erasure sets timed */
#define MAX_REPS	15
#define PEAK_INPUT	(40u << 20)	/* bytes encoded for the memory test */
#define PEAK_CHUNK	(4u << 20)
#define BIG_BUF		(128u << 20)	/* memcpy/read test, well past L3 */

static const size_t default_sizes[] = { 4 << 10, 64 << 10, 1 << 20, 4 << 20 };

typedef void (*isal_fn)(int len, int k, int rows, unsigned char *tbls,
			unsigned char **src, unsigned char **dst);

struct opts {
	unsigned int k, m;
	size_t sizes[MAX_SIZES];
	unsigned int nsizes;
	bool quick, json, generic_decode;
	unsigned int reps;
	u64 rep_ns, warm_ns;
};

/* One implementation: one of ours (ops) or an ISA-L entry point (fn). */
struct impl {
	const char *name;		/* "avx2", "isal", "isal_avx2", ... */
	const char *label;		/* for the text tables */
	const struct ec_gf_ops *ops;
	isal_fn fn;
	int peer;			/* ISA-L impl of the same ISA, or -1 */
};

/* One operation: every implementation at every size. */
struct table {
	double gbps[MAX_IMPLS][MAX_SIZES];	/* NAN: not timed */
	double ns[MAX_IMPLS][MAX_SIZES][MAX_REPS];	/* per call, by round */
};

struct results {
	struct table enc;
	struct table dec[MAX_DEC];
	double pass[2][MAX_SIZES];	/* k in, m out: plain, NT stores */
	double read_bw, copy_bw;
	u32 dec_set[MAX_DEC];
	unsigned int ndec;
	long peak_kib, base_kib;	/* -1: not measured */
	double load[2];			/* load average at start and end */
	unsigned int verified_enc, verified_dec;	/* results checked */
	const char *peak_how;
};

static struct impl impls[MAX_IMPLS];
static unsigned int nimpls;
static int isal_auto = -1;		/* index of ISA-L's dispatcher */
static const char *pass_isa = "scalar";

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * The benchmark clock: this thread's CPU time, so that time spent
 * descheduled on a busy host is not counted (cache and memory contention
 * still is); --wall switches to the monotonic clock. Wall and CPU time
 * are summed over all timed repetitions to report the on-CPU share.
 */
static clockid_t bench_clock = CLOCK_THREAD_CPUTIME_ID;
static u64 total_wall, total_cpu;

static u64 now_ns(void)
{
	return clock_ns(bench_clock);
}

static void *xalloc(size_t len)
{
	void *p = aligned_alloc(64, (len + 63) & ~(size_t)63);

	if (!p) {
		fprintf(stderr, "ec_bench: out of memory (%zu bytes)\n", len);
		exit(1);
	}
	return p;
}

static void fill_random(u8 *p, size_t len, u64 *seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		*seed ^= *seed << 13;
		*seed ^= *seed >> 7;
		*seed ^= *seed << 17;
		p[i] = (u8)(*seed >> 24);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *size_str(size_t n, char *buf, size_t len)
{
	if (n >= (1u << 20) && !(n % (1u << 20)))
		snprintf(buf, len, "%zu MiB", n >> 20);
	else if (n >= 1024 && !(n % 1024))
		snprintf(buf, len, "%zu KiB", n >> 10);
	else
		snprintf(buf, len, "%zu B", n);
	return buf;
}

static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (toupper((unsigned char)*end)) {
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'M':
		v <<= 20;
		end++;
		break;
	}
	if (!strcasecmp(end, "iB") || !strcasecmp(end, "B"))
		end += strlen(end);
	if (*end || !v || v > (64ull << 20))
		return false;
	*out = v;
	return true;
}

static long proc_status_kib(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* The 1-minute load average, or -1: a busy host makes every figure low. */
static double loadavg(void)
{
	double v = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !p)
			continue;
		p += strspn(p + 1, " \t") + 1;
		p[strcspn(p, "\n")] = 0;
		snprintf(buf, len, "%s", p);
		break;
	}
	fclose(f);
}

/* ---------------------------------------------------------------------- */
/* The streaming pass: read k streams, XOR them, write m (the ceiling)   */

/*
 * With nt, the outputs are written with non-temporal stores, as our
 * kernels do from 1 MiB on; the ceiling is the faster of the two.
 */
typedef void (*pass_fn)(size_t len, unsigned int k, unsigned int m,
			u8 * const *src, u8 * const *dst, bool nt);

static void pass_scalar(size_t len, unsigned int k, unsigned int m,
			u8 * const *src, u8 * const *dst, bool nt)
{
	size_t i;
	unsigned int j;

	(void)nt;	/* portable C has no non-temporal stores */
	for (i = 0; i + 8 <= len; i += 8) {
		u64 x, y;

		memcpy(&x, src[0] + i, 8);
		for (j = 1; j < k; j++) {
			memcpy(&y, src[j] + i, 8);
			x ^= y;
		}
		for (j = 0; j < m; j++)
			memcpy(dst[j] + i, &x, 8);
	}
	for (; i < len; i++)
		for (j = 0; j < m; j++)
			dst[j][i] = src[0][i];
}

#if defined(__x86_64__)
/* Bytes [off, len) that did not fill a vector step. */
static void pass_tail(size_t off, size_t len, unsigned int k, unsigned int m,
		      const u8 * const *s, u8 * const *d)
{
	u8 *s2[EC_MAX_N], *d2[EC_MAX_M];
	unsigned int j;

	if (off >= len)
		return;
	for (j = 0; j < k; j++)
		s2[j] = (u8 *)s[j] + off;
	for (j = 0; j < m; j++)
		d2[j] = d[j] + off;
	pass_scalar(len - off, k, m, s2, d2, false);
}

/* Two vectors per stream and step, pointers kept in locals. */
__attribute__((target("avx2")))
static void pass_avx2(size_t len, unsigned int k, unsigned int m,
		      u8 * const *src, u8 * const *dst, bool nt)
{
	const u8 *s[EC_MAX_N];
	u8 *d[EC_MAX_M];
	size_t i;
	unsigned int j;

	memcpy(s, src, k * sizeof(*s));
	memcpy(d, dst, m * sizeof(*d));
	for (i = 0; i + 64 <= len; i += 64) {
		__m256i a = _mm256_load_si256((const __m256i *)(s[0] + i));
		__m256i b = _mm256_load_si256((const __m256i *)(s[0] + i + 32));

		for (j = 1; j < k; j++) {
			a = _mm256_xor_si256(a, _mm256_load_si256(
					(const __m256i *)(s[j] + i)));
			b = _mm256_xor_si256(b, _mm256_load_si256(
					(const __m256i *)(s[j] + i + 32)));
		}
		for (j = 0; j < m && nt; j++) {
			_mm256_stream_si256((__m256i *)(d[j] + i), a);
			_mm256_stream_si256((__m256i *)(d[j] + i + 32), b);
		}
		for (j = 0; j < m && !nt; j++) {
			_mm256_store_si256((__m256i *)(d[j] + i), a);
			_mm256_store_si256((__m256i *)(d[j] + i + 32), b);
		}
	}
	if (nt)
		_mm_sfence();
	pass_tail(i, len, k, m, s, d);
}

__attribute__((target("avx512f")))
static void pass_avx512(size_t len, unsigned int k, unsigned int m,
			u8 * const *src, u8 * const *dst, bool nt)
{
	const u8 *s[EC_MAX_N];
	u8 *d[EC_MAX_M];
	size_t i;
	unsigned int j;

	memcpy(s, src, k * sizeof(*s));
	memcpy(d, dst, m * sizeof(*d));
	for (i = 0; i + 128 <= len; i += 128) {
		__m512i a = _mm512_load_si512((const void *)(s[0] + i));
		__m512i b = _mm512_load_si512((const void *)(s[0] + i + 64));

		for (j = 1; j < k; j++) {
			a = _mm512_xor_si512(a, _mm512_load_si512(
					(const void *)(s[j] + i)));
			b = _mm512_xor_si512(b, _mm512_load_si512(
					(const void *)(s[j] + i + 64)));
		}
		for (j = 0; j < m && nt; j++) {
			_mm512_stream_si512((void *)(d[j] + i), a);
			_mm512_stream_si512((void *)(d[j] + i + 64), b);
		}
		for (j = 0; j < m && !nt; j++) {
			_mm512_store_si512((void *)(d[j] + i), a);
			_mm512_store_si512((void *)(d[j] + i + 64), b);
		}
	}
	if (nt)
		_mm_sfence();
	pass_tail(i, len, k, m, s, d);
}

__attribute__((target("avx2")))
static u64 read_avx2(const u8 *p, size_t len)
{
	__m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
	size_t i;

	for (i = 0; i + 128 <= len; i += 128) {
		a = _mm256_xor_si256(a, _mm256_load_si256((const void *)(p + i)));
		b = _mm256_xor_si256(b, _mm256_load_si256((const void *)(p + i + 32)));
		c = _mm256_xor_si256(c, _mm256_load_si256((const void *)(p + i + 64)));
		d = _mm256_xor_si256(d, _mm256_load_si256((const void *)(p + i + 96)));
	}
	a = _mm256_xor_si256(_mm256_xor_si256(a, b), _mm256_xor_si256(c, d));
	return (u64)_mm256_extract_epi64(a, 0) ^ (u64)_mm256_extract_epi64(a, 3);
}
#endif

static u64 read_scalar(const u8 *p, size_t len)
{
	u64 a = 0, b = 0, x, y;
	size_t i;

	for (i = 0; i + 16 <= len; i += 16) {
		memcpy(&x, p + i, 8);
		memcpy(&y, p + i + 8, 8);
		a ^= x;
		b ^= y;
	}
	return a ^ b;
}

typedef u64 (*read_fn_t)(const u8 *p, size_t len);
static read_fn_t read_fn = read_scalar;

/* The fastest streaming pass and read loop this CPU runs. */
static pass_fn pick_pass(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		read_fn = read_avx2;
	if (__builtin_cpu_supports("avx512f")) {
		pass_isa = "avx512";
		return pass_avx512;
	}
	if (__builtin_cpu_supports("avx2")) {
		pass_isa = "avx2";
		return pass_avx2;
	}
#endif
	return pass_scalar;
}

/* ---------------------------------------------------------------------- */
/* Jobs and timing                                                        */

struct stripe;

struct job {
	void (*run)(const struct job *j);
	const struct impl *impl;
	struct ec_code *code;
	const struct ec_plan *plan;
	unsigned char *tbls;		/* ISA-L tables */
	unsigned int k, rows;
	size_t len;
	u8 **src, **dst, **blocks;
	pass_fn pass;
	bool nt;
	u64 iters;
	double samples[MAX_REPS];
};

static void run_ours_encode(const struct job *j)
{
	ec_code_set_ops(j->code, j->impl->ops);
	ec_encode(j->code, j->len, (const u8 * const *)j->src, j->dst);
}

static void run_ours_decode(const struct job *j)
{
	ec_code_set_ops(j->code, j->impl->ops);
	ec_plan_apply(j->code, j->plan, j->len, j->blocks);
}

static void run_isal(const struct job *j)
{
	j->impl->fn((int)j->len, (int)j->k, (int)j->rows, j->tbls, j->src,
		    j->dst);
}

static void run_pass(const struct job *j)
{
	j->pass(j->len, j->k, j->rows, j->src, j->dst, j->nt);
}

#if defined(__x86_64__)
__attribute__((target("avx")))
static void zeroupper_avx(void)
{
	_mm256_zeroupper();
}
#endif

/*
 * ISA-L's AVX2 and AVX-512 entry points return with the upper halves of
 * the vector registers dirty (no VZEROUPPER); legacy-SSE code that runs
 * next (our ssse3 kernel) then pays the SSE/AVX transition penalty, 4-5x
 * here. Start every job clean so that none pays for its predecessor.
 */
static void clean_upper(void)
{
#if defined(__x86_64__)
	static int avx = -1;

	if (avx < 0)
		avx = __builtin_cpu_supports("avx");
	if (avx)
		zeroupper_avx();
#endif
}

static void calibrate(struct job *j, const struct opts *o)
{
	u64 t0, dt, n = 0;

	clean_upper();
	j->run(j);			/* first touch, cold caches */
	t0 = now_ns();
	do {
		j->run(j);
		n++;
		dt = now_ns() - t0;
	} while (dt < o->warm_ns);
	j->iters = (o->rep_ns * n + dt - 1) / (dt ? dt : 1);
	if (!j->iters)
		j->iters = 1;
	clean_upper();
}

/*
 * Time a group of jobs that do the same work: calibrate each, then
 * interleave their repetitions (round r runs every job once), so that the
 * jobs of one round ran side by side. gbps[i] = bytes / median time of
 * job i; the times of each round stay in jobs[i].samples.
 */
static void measure(struct job *jobs, unsigned int n, double bytes,
		    const struct opts *o, double *gbps)
{
	unsigned int i, r;
	u64 it, t0, w0, c0;

	for (i = 0; i < n; i++)
		calibrate(&jobs[i], o);
	for (r = 0; r < o->reps; r++)
		for (i = 0; i < n; i++) {
			struct job *j = &jobs[i];

			clean_upper();
			w0 = clock_ns(CLOCK_MONOTONIC);
			c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
			t0 = now_ns();
			for (it = 0; it < j->iters; it++)
				j->run(j);
			j->samples[r] = (double)(now_ns() - t0) / j->iters;
			total_cpu += clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
			total_wall += clock_ns(CLOCK_MONOTONIC) - w0;
		}
	for (i = 0; i < n; i++)
		gbps[i] = bytes / median(jobs[i].samples, o->reps);
}

/* ---------------------------------------------------------------------- */
/* Implementations                                                        */

static void add_impl(const char *name, const char *label,
		     const struct ec_gf_ops *ops, isal_fn fn)
{
	struct impl *im = &impls[nimpls++];

	im->name = name;
	im->label = label;
	im->ops = ops;
	im->fn = fn;
	im->peer = -1;
}

static int find_impl(const char *name)
{
	unsigned int i;

	for (i = 0; i < nimpls; i++)
		if (!strcmp(impls[i].name, name))
			return (int)i;
	return -1;
}

/* The ISA-L entry point using the same instruction set as our variant. */
static const char *isal_peer_name(const char *ours)
{
	if (strstr(ours, "512"))
		return "isal_avx512";
	if (strstr(ours, "avx2"))
		return "isal_avx2";
	if (strstr(ours, "ssse3"))
		return "isal_sse";
	return NULL;
}

static void setup_impls(void)
{
	const struct ec_gf_ops *ops;
	unsigned int i;

	for (i = 0; (ops = ec_gf_all_ops[i]) && nimpls < MAX_IMPLS - 6; i++)
		if (ops->valid())
			add_impl(ops->name, ops->name, ops, NULL);

	isal_auto = (int)nimpls;
	add_impl("isal", "ISA-L (dispatch)", NULL, ec_encode_data);
#if defined(__x86_64__)
	/* ISA-L's own dispatch conditions (mbin_dispatch_init6). */
	if (__builtin_cpu_supports("sse4.1"))
		add_impl("isal_sse", "ISA-L sse", NULL, ec_encode_data_sse);
	if (__builtin_cpu_supports("avx2"))
		add_impl("isal_avx2", "ISA-L avx2", NULL, ec_encode_data_avx2);
	if (__builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512vl") &&
	    __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512cd"))
		add_impl("isal_avx512", "ISA-L avx512", NULL,
			 ec_encode_data_avx512);
#endif
	for (i = 0; i < nimpls; i++) {
		const char *peer = impls[i].ops ? isal_peer_name(impls[i].name)
						: NULL;

		if (peer)
			impls[i].peer = find_impl(peer);
	}
}

/* ---------------------------------------------------------------------- */
/* Buffers, ISA-L matrices, verification                                  */

struct stripe {
	unsigned int k, m;
	size_t len;
	u8 *blk[EC_MAX_N];		/* data 0..k-1, parity k..k+m-1 */
	u8 *orig[EC_MAX_N];		/* the same, pristine */
	u8 isal_mat[EC_MAX_N * EC_MAX_K];	/* ISA-L's (k+m) x k matrix */
	unsigned char *enc_tbls;	/* ISA-L tables for the m parity rows */
};

static void stripe_init(struct stripe *s, unsigned int k, unsigned int m,
			size_t len, u64 *seed)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->k = k;
	s->m = m;
	s->len = len;
	for (i = 0; i < k + m; i++) {
		s->blk[i] = xalloc(len);
		s->orig[i] = xalloc(len);
		fill_random(s->blk[i], len, seed);
	}
	gf_gen_cauchy1_matrix(s->isal_mat, (int)(k + m), (int)k);
	s->enc_tbls = xalloc(32 * k * m);
	ec_init_tables((int)k, (int)m, s->isal_mat + k * k, s->enc_tbls);
	/* Reference parity from ISA-L; our code must reproduce it. */
	ec_encode_data((int)len, (int)k, (int)m, s->enc_tbls, s->blk,
		       s->blk + k);
	for (i = 0; i < k + m; i++)
		memcpy(s->orig[i], s->blk[i], len);
}

static void stripe_free(struct stripe *s)
{
	unsigned int i;

	for (i = 0; i < s->k + s->m; i++) {
		free(s->blk[i]);
		free(s->orig[i]);
	}
	free(s->enc_tbls);
}

static void die_mismatch(const char *what, const char *impl, size_t len,
			 unsigned int block)
{
	char sz[32];

	fprintf(stderr, "ec_bench: VERIFY FAILED: %s by %s, chunk %s: block %u "
		"differs from the original\n", what, impl,
		size_str(len, sz, sizeof(sz)), block);
	exit(1);
}

/* Block indices of an erasure set, ascending. */
static unsigned int set_members(u32 set, unsigned int n, u8 *idx)
{
	unsigned int i, c = 0;

	for (i = 0; i < n; i++)
		if (set & (1u << i))
			idx[c++] = (u8)i;
	return c;
}

/*
 * The erasure set used for e losses: data blocks first, then for 3 or
 * more a mix: e = 4 loses data 0, 1 and parity 0, 1.
 */
static u32 erasure_set(unsigned int k, unsigned int m, unsigned int e)
{
	unsigned int nd = e <= 2 ? e : (e + 1) / 2, i;
	u32 set = 0;

	if (nd > k)
		nd = k;
	for (i = 0; i < nd; i++)
		set |= 1u << i;
	for (i = 0; i < e - nd && i < m; i++)
		set |= 1u << (k + i);
	return set;
}

/*
 * ISA-L decode tables for an erasure set: invert the survivors' rows, take
 * the inverse's rows for lost data and generator row x inverse for lost
 * parity (as ISA-L's erasure_code examples do). Sources are the first k
 * surviving blocks, as in ec_plan_get().
 */
static int isal_decode_setup(const struct stripe *s, u32 set,
			     unsigned char *tbls, u8 **src, u8 **dst)
{
	unsigned int k = s->k, n = s->k + s->m, i, j, l, ns = 0;
	u8 b[EC_MAX_K * EC_MAX_K], inv[EC_MAX_K * EC_MAX_K];
	u8 rows[EC_MAX_M * EC_MAX_K], lost[EC_MAX_M], surv[EC_MAX_K];
	unsigned int nl = set_members(set, n, lost);

	for (i = 0; i < n && ns < k; i++)
		if (!(set & (1u << i)))
			surv[ns++] = (u8)i;
	for (i = 0; i < k; i++)
		memcpy(b + i * k, s->isal_mat + surv[i] * k, k);
	if (gf_invert_matrix(b, inv, (int)k))
		return -1;
	for (l = 0; l < nl; l++) {
		if (lost[l] < k) {
			memcpy(rows + l * k, inv + lost[l] * k, k);
			continue;
		}
		for (j = 0; j < k; j++) {
			u8 v = 0;

			for (i = 0; i < k; i++)
				v ^= gf_mul(s->isal_mat[lost[l] * k + i],
					    inv[i * k + j]);
			rows[l * k + j] = v;
		}
	}
	ec_init_tables((int)k, (int)nl, rows, tbls);
	for (i = 0; i < k; i++)
		src[i] = s->blk[surv[i]];
	for (l = 0; l < nl; l++)
		dst[l] = s->blk[lost[l]];
	return 0;
}

static void wipe(struct stripe *s, u32 set)
{
	unsigned int i;

	for (i = 0; i < s->k + s->m; i++)
		if (set & (1u << i))
			memset(s->blk[i], 0xa5, s->len);
}

/* Compare the blocks of set (or all parity when set == 0) with orig. */
static void check_blocks(struct stripe *s, u32 set, const char *what,
			 const char *impl)
{
	unsigned int i;

	for (i = 0; i < s->k + s->m; i++) {
		if (set ? !(set & (1u << i)) : i < s->k)
			continue;
		if (memcmp(s->blk[i], s->orig[i], s->len))
			die_mismatch(what, impl, s->len, i);
	}
}

/* ---------------------------------------------------------------------- */
/* One chunk size                                                         */

static void store(struct table *t, unsigned int i, unsigned int s,
		  double gbps, const double *samples)
{
	t->gbps[i][s] = gbps;
	if (samples)
		memcpy(t->ns[i][s], samples, sizeof(t->ns[i][s]));
}

static void bench_size(struct ec_code *code, const struct opts *o,
		       unsigned int si, pass_fn pass, struct results *res,
		       u64 *seed)
{
	unsigned int k = o->k, m = o->m, i, d, nj;
	size_t len = o->sizes[si];
	double bytes = (double)k * len, g[MAX_IMPLS];
	struct job jobs[MAX_IMPLS + 2];
	struct stripe s;
	int map[MAX_IMPLS];

	stripe_init(&s, k, m, len, seed);

	/* Encode: verify every implementation, then time them together. */
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < nimpls; i++) {
		struct job *j = &jobs[i];

		j->impl = &impls[i];
		j->code = code;
		j->k = k;
		j->rows = m;
		j->len = len;
		j->src = s.blk;
		j->dst = s.blk + k;
		j->tbls = s.enc_tbls;
		j->run = impls[i].ops ? run_ours_encode : run_isal;
		wipe(&s, ((1u << m) - 1) << k);
		j->run(j);
		check_blocks(&s, 0, "encode", impls[i].name);
		res->verified_enc++;
	}
	/*
	 * The ceiling, timed in the same rounds: the same streams, no GF;
	 * plain stores (column nimpls) and non-temporal ones (nimpls + 1).
	 */
	for (i = nimpls; i < nimpls + 2; i++) {
		jobs[i].run = run_pass;
		jobs[i].pass = pass;
		jobs[i].nt = i > nimpls;
		jobs[i].k = k;
		jobs[i].rows = m;
		jobs[i].len = len;
		jobs[i].src = s.blk;
		jobs[i].dst = s.blk + k;
	}
	measure(jobs, nimpls + 2, bytes, o, g);
	for (i = 0; i < nimpls + 2; i++)
		store(&res->enc, i, si, g[i], jobs[i].samples);
	res->pass[0][si] = g[nimpls];
	res->pass[1][si] = g[nimpls + 1];
	for (i = k; i < k + m; i++)
		memcpy(s.blk[i], s.orig[i], len);

	/* Decode. */
	for (d = 0; d < res->ndec; d++) {
		u32 set = res->dec_set[d];
		struct ec_plan plan;
		unsigned char *tbls = xalloc(32 * k * EC_MAX_M);
		u8 *src[EC_MAX_K], *dst[EC_MAX_M];

		if (ec_plan_get(code, set, &plan) ||
		    isal_decode_setup(&s, set, tbls, src, dst)) {
			fprintf(stderr, "ec_bench: no decode plan for 0x%x\n",
				set);
			exit(1);
		}
		memset(jobs, 0, sizeof(jobs));
		for (i = 0, nj = 0; i < nimpls; i++) {
			struct job *j = &jobs[nj];

			map[i] = -1;
			j->impl = &impls[i];
			j->code = code;
			j->plan = &plan;
			j->blocks = s.blk;
			j->k = k;
			j->rows = plan.nerr;
			j->len = len;
			j->src = src;
			j->dst = dst;
			j->tbls = tbls;
			j->run = impls[i].ops ? run_ours_decode : run_isal;
			wipe(&s, set);
			j->run(j);
			check_blocks(&s, set, "decode", impls[i].name);
			res->verified_dec++;
			if (impls[i].ops == &ec_gf_generic &&
			    !o->generic_decode)
				continue;
			map[i] = (int)nj++;
		}
		measure(jobs, nj, bytes, o, g);
		for (i = 0; i < nimpls; i++)
			store(&res->dec[d], i, si, map[i] < 0 ? NAN : g[map[i]],
			      map[i] < 0 ? NULL : jobs[map[i]].samples);
		free(tbls);
	}
	stripe_free(&s);
}

static volatile u64 read_sink;

static void run_read(const struct job *j)
{
	read_sink ^= read_fn(j->src[0], j->len);
}

static void run_copy(const struct job *j)
{
	memcpy(j->dst[0], j->src[0], j->len);
	read_sink ^= j->dst[0][j->len / 2];
}

/* Plain read and memcpy bandwidth on buffers far larger than the caches. */
static void bench_memory(const struct opts *o, struct results *res)
{
	size_t len = o->quick ? BIG_BUF / 2 : BIG_BUF;
	u8 *a = xalloc(len), *b = xalloc(len);
	struct job jobs[2];
	double g[2];

	memset(a, 0x5a, len);
	memset(b, 0, len);
	memset(jobs, 0, sizeof(jobs));
	jobs[0].run = run_read;
	jobs[1].run = run_copy;
	jobs[0].len = jobs[1].len = len;
	jobs[0].src = jobs[1].src = &a;
	jobs[1].dst = &b;
	measure(jobs, 2, (double)len, o, g);
	res->read_bw = g[0];
	res->copy_bw = g[1];
	free(a);
	free(b);
}

/* ---------------------------------------------------------------------- */
/* Peak memory of a 40 MiB encode, in a child forked before any buffer    */

#if HAVE_LIBEC
static int peak_sink(void *arg, uint64_t stripe, unsigned int index,
		     const void *chunk, size_t len)
{
	u64 *sum = arg;

	*sum += ((const u8 *)chunk)[len - 1] + stripe + index;
	return 0;
}

static int peak_encode(unsigned int k, unsigned int m)
{
	static const uint8_t id[16] = "ec_bench peak";
	struct libec_ctx *ctx;
	struct libec_stream_enc *s;
	size_t piece = 1u << 20, done;
	u8 *buf = xalloc(piece);
	u64 seed = 1, sum = 0;
	int ret;

	ret = libec_ctx_new(&ctx, k, m);
	if (ret)
		return ret;
	ret = libec_stream_enc_new(&s, ctx, id, PEAK_CHUNK, peak_sink, &sum);
	for (done = 0; !ret && done < PEAK_INPUT; done += piece) {
		fill_random(buf, piece, &seed);
		ret = libec_stream_enc_write(s, buf, piece);
	}
	if (!ret)
		ret = libec_stream_enc_finish(s);
	libec_stream_enc_free(s);
	libec_ctx_free(ctx);
	free(buf);
	return ret;
}
#define PEAK_HOW "libec stream encoder, 4 MiB chunks, fed 1 MiB at a time"
#else
static int peak_encode(unsigned int k, unsigned int m)
{
	struct ec_code code;
	u8 *blk[EC_MAX_N];
	size_t stripe = (size_t)k * PEAK_CHUNK, done;
	unsigned int i;
	u64 seed = 1;

	if (ec_code_init(&code, k, m, 1))
		return -1;
	for (i = 0; i < k + m; i++)
		blk[i] = xalloc(PEAK_CHUNK);
	for (done = 0; done < PEAK_INPUT; done += stripe) {
		for (i = 0; i < k; i++)
			fill_random(blk[i], PEAK_CHUNK, &seed);
		ec_encode(&code, PEAK_CHUNK, (const u8 * const *)blk, blk + k);
	}
	for (i = 0; i < k + m; i++)
		free(blk[i]);
	ec_code_destroy(&code);
	return 0;
}
#define PEAK_HOW "ec_encode, 4 MiB chunks, one stripe of buffers"
#endif

static void bench_peak(const struct opts *o, struct results *res)
{
	long v[2] = { -1, -1 };
	int fd[2], status;
	pid_t pid;

	res->peak_kib = res->base_kib = -1;
	res->peak_how = PEAK_HOW;
	if (pipe(fd))
		return;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return;
	}
	if (!pid) {
		close(fd[0]);
		v[1] = proc_status_kib("VmRSS");
		if (peak_encode(o->k, o->m) == 0)
			v[0] = proc_status_kib("VmHWM");
		if (write(fd[1], v, sizeof(v)) != sizeof(v))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], v, sizeof(v)) == sizeof(v)) {
		res->peak_kib = v[0];
		res->base_kib = v[1];
	}
	close(fd[0]);
	waitpid(pid, &status, 0);
}

/* ---------------------------------------------------------------------- */
/* Targets                                                                */

enum verdict { V_PASS, V_MISS, V_NA };

struct check {
	char target[64];
	enum verdict v;
	char detail[128];
};

/*
 * Throughput of a over throughput of b at size s: the median over rounds
 * of the ratio of their times in that round. NAN if either is missing.
 */
static double ratio(const struct table *t, int a, int b, unsigned int s,
		    const struct opts *o)
{
	double r[MAX_REPS];
	unsigned int i;

	if (a < 0 || b < 0 || isnan(t->gbps[a][s]) || isnan(t->gbps[b][s]))
		return NAN;
	for (i = 0; i < o->reps; i++)
		r[i] = t->ns[b][s][i] / t->ns[a][s][i];
	return median(r, o->reps);
}

/*
 * Per size, the index of our fastest variant (names starting with prefix
 * if given; SIMD only if asked), or -1. False if there is none.
 */
static bool best_ours(const struct table *t, const struct opts *o,
		      const char *prefix, bool simd_only, int *best)
{
	unsigned int i, s;
	bool any = false;

	for (s = 0; s < o->nsizes; s++)
		best[s] = -1;
	for (i = 0; i < nimpls; i++) {
		if (!impls[i].ops ||
		    (simd_only && impls[i].ops == &ec_gf_generic))
			continue;
		if (prefix && strncmp(impls[i].name, prefix, strlen(prefix)))
			continue;
		for (s = 0; s < o->nsizes; s++) {
			if (isnan(t->gbps[i][s]))
				continue;
			if (best[s] < 0 || t->gbps[i][s] > t->gbps[best[s]][s])
				best[s] = (int)i;
			any = true;
		}
	}
	return any;
}

/* r[s] = ratio of a[s] (or a when a_per_size is NULL) to b. */
static bool ratios(const struct table *t, const int *a_per_size, int a, int b,
		   const struct opts *o, double *r)
{
	unsigned int s;

	for (s = 0; s < o->nsizes; s++) {
		r[s] = ratio(t, a_per_size ? a_per_size[s] : a, b, s, o);
		if (isnan(r[s]))
			return false;
	}
	return true;
}

/* r[s] = ratio of best[s] to the faster of the two ceiling passes. */
static bool ceiling_ratios(const struct table *t, const int *best,
			   const struct opts *o, double *r)
{
	unsigned int s, c = nimpls;

	for (s = 0; s < o->nsizes; s++) {
		int ceil = t->gbps[c][s] >= t->gbps[c + 1][s] ? (int)c :
							      (int)c + 1;

		r[s] = ratio(t, best[s], ceil, s, o);
		if (isnan(r[s]))
			return false;
	}
	return true;
}

/* Pass when v[s] >= need (ratio) or > need (GB/s) at every size. */
static void size_check(struct check *c, const char *target, const double *v,
		       const struct opts *o, double need, bool is_ratio,
		       const char *what)
{
	unsigned int s, at = 0;
	char sz[32];
	bool ok;

	snprintf(c->target, sizeof(c->target), "%s", target);
	if (!v) {
		c->v = V_NA;
		snprintf(c->detail, sizeof(c->detail), "%s: not available here",
			 what);
		return;
	}
	for (s = 1; s < o->nsizes; s++)
		if (v[s] < v[at])
			at = s;
	ok = is_ratio ? v[at] >= need : v[at] > need;
	c->v = ok ? V_PASS : V_MISS;
	snprintf(c->detail, sizeof(c->detail), "%s: lowest %.2f%s at %s",
		 what, v[at], is_ratio ? "x" : " GB/s",
		 size_str(o->sizes[at], sz, sizeof(sz)));
}

static unsigned int make_checks(const struct results *res,
				const struct opts *o, struct check *c)
{
	const struct table *enc = &res->enc;
	const struct table *dec = res->ndec ? &res->dec[res->ndec - 1] : NULL;
	int best[MAX_SIZES], gfni[MAX_SIZES], dbest[MAX_SIZES];
	int avx2 = find_impl("avx2"), isal_avx2 = find_impl("isal_avx2");
	int gen = find_impl("generic");
	double r[MAX_SIZES], v[MAX_SIZES];
	bool have_best, have_gfni, have_dec, ok;
	unsigned int n = 0, s, nlost = 0;
	char t[64];

	if (res->ndec)
		nlost = (unsigned int)__builtin_popcount(
				res->dec_set[res->ndec - 1]);
	have_best = best_ours(enc, o, NULL, true, best);
	have_gfni = best_ours(enc, o, "gfni", true, gfni);
	have_dec = dec && best_ours(dec, o, NULL, true, dbest);

	ok = ratios(enc, NULL, avx2, isal_avx2, o, r);
	size_check(&c[n++], "encode >= 1.0x ISA-L with AVX2 at every size",
		   ok ? r : NULL, o, 1.0, true, "avx2 / ISA-L avx2");
	ok = have_gfni && ratios(enc, gfni, 0, isal_auto, o, r);
	size_check(&c[n++], "encode >= 1.0x ISA-L with GFNI at every size",
		   ok ? r : NULL, o, 1.0, true, "best gfni / ISA-L");
	ok = have_dec && ratios(dec, dbest, 0, isal_auto, o, r);
	/* The decode targets are for 4 losses: the last set, with m = 4. */
	snprintf(t, sizeof(t), "%u-erasure decode >= 1.0x ISA-L at every size",
		 nlost);
	size_check(&c[n++], t, ok ? r : NULL, o, 1.0, true,
		   "best SIMD / ISA-L");
	for (s = 0; have_best && s < o->nsizes; s++)
		v[s] = enc->gbps[best[s]][s];
	size_check(&c[n++], "encode > 1 GB/s", have_best ? v : NULL, o, 1.0,
		   false, "best SIMD");
	for (s = 0; have_dec && s < o->nsizes; s++)
		v[s] = dec->gbps[dbest[s]][s];
	snprintf(t, sizeof(t), "decode of %u losses > 800 MB/s", nlost);
	size_check(&c[n++], t, have_dec ? v : NULL, o, 0.8, false,
		   "best SIMD");
	ok = have_best && ratios(enc, best, 0, gen, o, r);
	size_check(&c[n++], "SIMD >= 4x generic (encode) at every size",
		   ok ? r : NULL, o, 4.0, true, "best SIMD / generic");

	snprintf(c[n].target, sizeof(c[n].target),
		 "< 100 MB peak memory for 40 MB input");
	if (res->peak_kib < 0) {
		c[n].v = V_NA;
		snprintf(c[n].detail, sizeof(c[n].detail), "not measured");
	} else {
		c[n].v = res->peak_kib * 1024.0 < 100e6 ? V_PASS : V_MISS;
		snprintf(c[n].detail, sizeof(c[n].detail),
			 "VmHWM %.1f MB (%.1f MiB) for 40 MiB",
			 res->peak_kib * 1024.0 / 1e6, res->peak_kib / 1024.0);
	}
	return n + 1;
}

/* ---------------------------------------------------------------------- */
/* Output                                                                 */

static double on_cpu_share(void)
{
	return total_wall ? (double)total_cpu / total_wall : 0;
}

static const char * const verdict_str[] = { "PASS", "MISS", "n/a" };

static void print_row(const char *label, const double *v,
		      const struct opts *o, const char *fmt)
{
	unsigned int s;

	printf("  %-30s", label);
	for (s = 0; s < o->nsizes; s++) {
		if (isnan(v[s]))
			printf(" %9s", "-");
		else
			printf(fmt, v[s]);
	}
	printf("\n");
}

static void print_header(const char *title, const struct opts *o)
{
	unsigned int s;
	char sz[32];

	printf("\n%-32s", title);
	for (s = 0; s < o->nsizes; s++)
		printf(" %9s", size_str(o->sizes[s], sz, sizeof(sz)));
	printf("\n");
}

/*
 * Ratio rows: our best and each of our variants over ISA-L's dispatcher,
 * and each over ISA-L's entry point for the same instruction set; with
 * ceiling, also our best over the streaming pass (timed as column nimpls).
 */
static void print_ratios(const struct table *t, const struct opts *o,
			 bool ceiling)
{
	double r[MAX_SIZES];
	int best[MAX_SIZES];
	char label[64];
	unsigned int i;

	if (!best_ours(t, o, NULL, false, best))
		return;
	if (ratios(t, best, 0, isal_auto, o, r))
		print_row("best dm-ec / ISA-L", r, o, " %8.2fx");
	if (ceiling && ceiling_ratios(t, best, o, r))
		print_row("best dm-ec / ceiling", r, o, " %8.2fx");
	for (i = 0; i < nimpls; i++) {
		const struct impl *im = &impls[i];

		if (!im->ops || isnan(t->gbps[i][0]))
			continue;
		ratios(t, NULL, (int)i, isal_auto, o, r);
		snprintf(label, sizeof(label), "%s / ISA-L", im->name);
		print_row(label, r, o, " %8.2fx");
		if (im->peer < 0)
			continue;
		ratios(t, NULL, (int)i, im->peer, o, r);
		snprintf(label, sizeof(label), "%s / %s", im->name,
			 impls[im->peer].label);
		print_row(label, r, o, " %8.2fx");
	}
}

static void print_text(const struct results *res, const struct opts *o,
		       const char *cpu, const struct check *c,
		       unsigned int nc)
{
	char title[64], sz[32];
	unsigned int i, d;
	u8 idx[EC_MAX_M];

	printf("dm-ec codec benchmark: RS %u+%u, single thread, GB/s of data "
	       "(%u x chunk per stripe)\n", o->k, o->m, o->k);
	printf("CPU: %s; ISA-L %d.%d.%d; codec selects %s\n", cpu,
	       ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION, ISAL_PATCH_VERSION,
	       ec_codec_ops()->name);
	printf("median of %u interleaved repetitions of >= %llu ms %s each%s\n",
	       o->reps, (unsigned long long)(o->rep_ns / 1000000),
	       bench_clock == CLOCK_MONOTONIC ? "wall time" : "thread CPU time",
	       o->quick ? " (quick mode)" : "");
	printf("host: %ld CPUs, load average %.2f at start, %.2f at end; "
	       "on CPU %.0f%% of the timed wall time\n",
	       sysconf(_SC_NPROCESSORS_ONLN), res->load[0], res->load[1],
	       100.0 * on_cpu_share());

	print_header("encode", o);
	for (i = 0; i < nimpls; i++)
		print_row(impls[i].label, res->enc.gbps[i], o, " %9.2f");
	snprintf(title, sizeof(title), "ceiling %u>%u, %s stores", o->k,
		 o->m, pass_isa);
	print_row(title, res->pass[0], o, " %9.2f");
	snprintf(title, sizeof(title), "ceiling %u>%u, %s NT stores", o->k,
		 o->m, pass_isa);
	print_row(title, res->pass[1], o, " %9.2f");
	print_header("encode ratio", o);
	print_ratios(&res->enc, o, true);

	for (d = 0; d < res->ndec; d++) {
		unsigned int n = set_members(res->dec_set[d], o->k + o->m, idx);
		char *p = title;

		p += sprintf(p, "decode, %u lost (", n);
		for (i = 0; i < n; i++)
			p += sprintf(p, "%s%c%u", i ? " " : "",
				     idx[i] < o->k ? 'd' : 'p',
				     idx[i] < o->k ? idx[i] : idx[i] - o->k);
		sprintf(p, ")");
		print_header(title, o);
		for (i = 0; i < nimpls; i++)
			if (!isnan(res->dec[d].gbps[i][0]))
				print_row(impls[i].label, res->dec[d].gbps[i],
					  o, " %9.2f");
		print_ratios(&res->dec[d], o, false);
	}

	printf("\nmemory: read %.1f GB/s, memcpy %.1f GB/s (%s buffers)\n",
	       res->read_bw, res->copy_bw,
	       size_str(o->quick ? BIG_BUF / 2 : BIG_BUF, sz, sizeof(sz)));
	if (res->peak_kib >= 0)
		printf("peak memory, 40 MiB encode (%s): VmHWM %.1f MiB, "
		       "of which %.1f MiB before encoding\n", res->peak_how,
		       res->peak_kib / 1024.0, res->base_kib / 1024.0);
	else
		printf("peak memory: not measured (%s failed)\n",
		       res->peak_how);

	printf("verified: %u encodes bit-identical to ISA-L's parity, %u "
	       "decodes bit-identical to the lost blocks\n",
	       res->verified_enc, res->verified_dec);

	printf("\ntargets\n");
	for (i = 0; i < nc; i++)
		printf("  %-4s  %-46s %s\n", verdict_str[c[i].v], c[i].target,
		       c[i].detail);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_array(const double *v, unsigned int n)
{
	unsigned int s;

	putchar('[');
	for (s = 0; s < n; s++) {
		if (isnan(v[s]))
			printf("%snull", s ? ", " : "");
		else
			printf("%s%.3f", s ? ", " : "", v[s]);
	}
	putchar(']');
}

static void json_impls(const double (*v)[MAX_SIZES], const struct opts *o)
{
	unsigned int i, n = 0;

	printf("{");
	for (i = 0; i < nimpls; i++) {
		if (isnan(v[i][0]))
			continue;
		printf("%s\n      ", n++ ? "," : "");
		json_str(impls[i].name);
		printf(": ");
		json_array(v[i], o->nsizes);
	}
	printf("}");
}

/*
 * The ratio rows of print_ratios(), keyed "best", "<ours>" (over ISA-L's
 * dispatcher) and "<ours>/<isal_entry>".
 */
static void json_ratios(const struct table *t, const struct opts *o,
			bool ceiling)
{
	double r[MAX_SIZES];
	int best[MAX_SIZES];
	unsigned int i;

	printf("{\n      \"best\": ");
	if (best_ours(t, o, NULL, false, best) &&
	    ratios(t, best, 0, isal_auto, o, r))
		json_array(r, o->nsizes);
	else
		printf("null");
	if (ceiling && best_ours(t, o, NULL, false, best) &&
	    ceiling_ratios(t, best, o, r)) {
		printf(",\n      \"best/ceiling\": ");
		json_array(r, o->nsizes);
	}
	for (i = 0; i < nimpls; i++) {
		const struct impl *im = &impls[i];

		if (!im->ops || isnan(t->gbps[i][0]))
			continue;
		ratios(t, NULL, (int)i, isal_auto, o, r);
		printf(",\n      \"%s\": ", im->name);
		json_array(r, o->nsizes);
		if (im->peer < 0)
			continue;
		ratios(t, NULL, (int)i, im->peer, o, r);
		printf(",\n      \"%s/%s\": ", im->name,
		       impls[im->peer].name);
		json_array(r, o->nsizes);
	}
	printf("}");
}

static void print_json(const struct results *res, const struct opts *o,
		       const char *cpu, const struct check *c,
		       unsigned int nc)
{
	unsigned int i, d, n;
	u8 idx[EC_MAX_M];

	printf("{\n  \"cpu\": ");
	json_str(cpu);
	printf(",\n  \"isal_version\": \"%d.%d.%d\",\n", ISAL_MAJOR_VERSION,
	       ISAL_MINOR_VERSION, ISAL_PATCH_VERSION);
	printf("  \"codec_selected\": ");
	json_str(ec_codec_ops()->name);
	printf(",\n  \"k\": %u,\n  \"m\": %u,\n  \"unit\": \"GB/s of data\",\n",
	       o->k, o->m);
	printf("  \"loadavg\": [%.2f, %.2f],\n", res->load[0], res->load[1]);
	printf("  \"clock\": \"%s\",\n  \"on_cpu_share\": %.3f,\n",
	       bench_clock == CLOCK_MONOTONIC ? "wall" : "thread_cpu",
	       on_cpu_share());
	printf("  \"reps\": %u,\n  \"min_rep_ms\": %llu,\n  \"quick\": %s,\n",
	       o->reps, (unsigned long long)(o->rep_ns / 1000000),
	       o->quick ? "true" : "false");
	printf("  \"sizes\": [");
	for (i = 0; i < o->nsizes; i++)
		printf("%s%zu", i ? ", " : "", o->sizes[i]);
	printf("],\n  \"encode\": ");
	json_impls(res->enc.gbps, o);
	printf(",\n  \"encode_ratio\": ");
	json_ratios(&res->enc, o, true);
	printf(",\n  \"ceiling\": {\"pass\": ");
	json_array(res->pass[0], o->nsizes);
	printf(", \"pass_nt\": ");
	json_array(res->pass[1], o->nsizes);
	printf(", \"pass_isa\": \"%s\", \"read\": %.3f, \"memcpy\": %.3f},\n",
	       pass_isa, res->read_bw, res->copy_bw);
	printf("  \"decode\": [");
	for (d = 0; d < res->ndec; d++) {
		n = set_members(res->dec_set[d], o->k + o->m, idx);
		printf("%s\n    {\"lost\": [", d ? "," : "");
		for (i = 0; i < n; i++)
			printf("%s%u", i ? ", " : "", idx[i]);
		printf("], \"gbps\": ");
		json_impls(res->dec[d].gbps, o);
		printf(",\n     \"ratio\": ");
		json_ratios(&res->dec[d], o, false);
		printf("}");
	}
	printf("],\n  \"peak_memory\": {\"method\": ");
	json_str(res->peak_how);
	printf(", \"input_bytes\": %u, \"vmhwm_kib\": %ld, "
	       "\"baseline_kib\": %ld},\n", PEAK_INPUT, res->peak_kib,
	       res->base_kib);
	printf("  \"verified\": {\"encode\": %u, \"decode\": %u},\n",
	       res->verified_enc, res->verified_dec);
	printf("  \"targets\": [");
	for (i = 0; i < nc; i++) {
		printf("%s\n    {\"target\": ", i ? "," : "");
		json_str(c[i].target);
		printf(", \"result\": \"%s\", \"detail\": ", verdict_str[c[i].v]);
		json_str(c[i].detail);
		printf("}");
	}
	printf("]\n}\n");
}

/* ---------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ec_bench [-q] [-s SIZE] [-k K] [-m M] [-g] [--wall] "
		"[--json]\n"
		"  -s SIZE   one chunk size only (e.g. 4K, 64K, 1M, 4M)\n"
		"  -q        quick: 3 repetitions of >= 20 ms\n"
		"  -k K      data blocks (default 10)\n"
		"  -m M      parity blocks, 1..4 (default 4)\n"
		"  -g        also time the generic kernel in decode\n"
		"  --wall    time with the wall clock, not thread CPU time\n"
		"  --json    one JSON document instead of tables\n");
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->k = 10;
	o->m = 4;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-q")) {
			o->quick = true;
		} else if (!strcmp(a, "-g")) {
			o->generic_decode = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--wall")) {
			bench_clock = CLOCK_MONOTONIC;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "-s") && v) {
			if (!parse_size(v, &o->sizes[0]))
				goto bad;
			o->nsizes = 1;
			i++;
		} else if ((!strcmp(a, "-k") || !strcmp(a, "-m")) && v) {
			char *end;
			unsigned long n = strtoul(v, &end, 10);

			if (*end || !n || n > EC_MAX_N)
				goto bad;
			*(a[1] == 'k' ? &o->k : &o->m) = (unsigned int)n;
			i++;
		} else {
			goto bad;
		}
	}
	if (o->m > EC_MAX_M || o->k + o->m > EC_MAX_N) {
		fprintf(stderr, "ec_bench: need 1 <= m <= %d, k + m <= %d\n",
			EC_MAX_M, EC_MAX_N);
		exit(2);
	}
	if (!o->nsizes) {
		memcpy(o->sizes, default_sizes, sizeof(default_sizes));
		o->nsizes = ARRAY_SIZE(default_sizes);
	}
	o->reps = o->quick ? 3 : 5;
	o->rep_ns = (o->quick ? 20 : 50) * 1000000ull;
	o->warm_ns = (o->quick ? 10 : 25) * 1000000ull;
	return;
bad:
	usage(stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const unsigned int losses[] = { 1, 2, 4 };
	static struct results res;
	struct check checks[8];
	struct ec_code code;
	struct opts o;
	char cpu[128], sz[32];
	unsigned int i, s, nc;
	u64 seed = 0x9e3779b97f4a7c15ull;
	pass_fn pass;
	int ret;

	parse_args(argc, argv, &o);
	res.load[0] = loadavg();
	ret = ec_codec_init(NULL);
	if (ret) {
		fprintf(stderr, "ec_bench: codec init failed (%d)\n", ret);
		return 1;
	}
	/* Before any benchmark buffer exists. */
	bench_peak(&o, &res);

	cpu_model(cpu, sizeof(cpu));
	pass = pick_pass();
	setup_impls();
	if (ec_code_init(&code, o.k, o.m, EC_DEFAULT_CACHE)) {
		fprintf(stderr, "ec_bench: cannot set up a %u+%u code\n", o.k,
			o.m);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(losses); i++)
		if (losses[i] <= o.m)
			res.dec_set[res.ndec++] = erasure_set(o.k, o.m,
							      losses[i]);
	if (o.m == 3)
		res.dec_set[res.ndec++] = erasure_set(o.k, o.m, 3);

	for (s = 0; s < o.nsizes; s++) {
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "ec_bench: %s chunks...\n",
				size_str(o.sizes[s], sz, sizeof(sz)));
		bench_size(&code, &o, s, pass, &res, &seed);
	}
	bench_memory(&o, &res);
	ec_code_destroy(&code);
	res.load[1] = loadavg();

	nc = make_checks(&res, &o, checks);
	if (o.json)
		print_json(&res, &o, cpu, checks, nc);
	else
		print_text(&res, &o, cpu, checks, nc);
	return 0;
}
