/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the codec tests: a seeded PRNG, guarded buffers and
 * the ISA-L reference encoder (when <isa-l/erasure_code.h> was found at
 * build time: HAVE_ISAL).
 */
#ifndef EC_TEST_COMMON_H
#define EC_TEST_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#ifdef HAVE_ISAL
#include <isa-l/erasure_code.h>
#endif

/*
 * A "# ..." line in the TAP output. The harness ends each test's process
 * with _exit(), so stdout must be flushed here.
 */
#define INFO(...) do { ksft_print_msg(__VA_ARGS__); fflush(stdout); } while (0)

/* xorshift64*: small, fast, and the same stream on every machine. */
static inline uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static inline void rnd_fill(uint64_t *s, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = rnd_next(s);
		p[i] = v;
		v >>= 8;
	}
}

/*
 * A buffer of len bytes starting 'off' bytes past a 64-byte boundary,
 * with guard bytes of a known pattern on both sides to catch overruns.
 */
#define GUARD		64
#define GUARD_BYTE	0x5a

struct gbuf {
	uint8_t *mem;
	uint8_t *p;		/* the usable bytes */
	size_t len;
};

static inline int gbuf_alloc(struct gbuf *b, size_t len, unsigned int off)
{
	if (posix_memalign((void **)&b->mem, 64, len + 2 * GUARD + 64))
		return -1;
	b->p = b->mem + GUARD + off % 64;
	b->len = len;
	memset(b->mem, GUARD_BYTE, len + 2 * GUARD + 64);
	return 0;
}

/* Guards intact? */
static inline int gbuf_ok(const struct gbuf *b)
{
	const uint8_t *end = b->mem + b->len + 2 * GUARD + 64;
	const uint8_t *q;

	for (q = b->mem; q < b->p; q++)
		if (*q != GUARD_BYTE)
			return 0;
	for (q = b->p + b->len; q < end; q++)
		if (*q != GUARD_BYTE)
			return 0;
	return 1;
}

static inline void gbuf_free(struct gbuf *b)
{
	free(b->mem);
	b->mem = b->p = NULL;
}

#ifdef HAVE_ISAL
/* ISA-L's parity for k data blocks of len bytes. */
static inline void isal_encode(unsigned int k, unsigned int m, size_t len,
			       uint8_t **data, uint8_t **parity)
{
	unsigned char a[32 * 32], tbls[32 * 32 * 32];

	gf_gen_cauchy1_matrix(a, k + m, k);
	ec_init_tables(k, m, &a[k * k], tbls);
	ec_encode_data(len, k, m, tbls, data, parity);
}
#endif

#endif /* EC_TEST_COMMON_H */
