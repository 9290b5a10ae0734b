/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The golden corpus: which files exist and how their data was made.
 * Shared by gen.c (writes the files, once) and tests/codec/test_golden.c
 * (checks every implementation, and ISA-L, against them).
 *
 * For each raw geometry "rs_<k>_<m>_c<chunk>":
 *   rs_<k>_<m>_c<chunk>.data    k blocks of <chunk> bytes, concatenated
 *   rs_<k>_<m>_c<chunk>.parity  the m parity blocks, concatenated
 * and for the libec container format:
 *   chunks_10_4.data / .bin     a 10000-byte buffer / its 14 chunks
 *                               (libec_encode_chunks, set ID GOLDEN_SET_ID)
 *   stream_4_2.data / .bin      a 2500-byte stream / its chunks, stripe by
 *                               stripe (libec stream encoder, 256-byte
 *                               chunks, 3 stripes of 6 chunks)
 */
#ifndef EC_GOLDEN_H
#define EC_GOLDEN_H

#include <stdint.h>
#include <stddef.h>

struct golden_geo {
	unsigned int k, m;
	size_t chunk;
};

static const struct golden_geo golden_geos[] = {
	{ 10, 4, 4096 },	/* the default geometry, smallest chunk */
	{ 4, 2, 4096 },
	{ 6, 3, 1000 },		/* not a multiple of any vector width */
	{ 28, 4, 512 },		/* the widest with 4 parity */
	{ 31, 1, 64 },		/* the widest of all */
	{ 1, 1, 513 },		/* mirroring */
	{ 12, 4, 1 },		/* one byte per block */
};

#define GOLDEN_NGEO	(sizeof(golden_geos) / sizeof(golden_geos[0]))

#define GOLDEN_CHUNKS_LEN	10000
#define GOLDEN_STREAM_LEN	2500
#define GOLDEN_STREAM_CHUNK	256

static const uint8_t GOLDEN_SET_ID[16] = {
	0xd3, 0xec, 0x00, 0x01, 0x67, 0x6f, 0x6c, 0x64,
	0x65, 0x6e, 0x2d, 0x73, 0x65, 0x74, 0x00, 0x01,
};

static inline uint64_t golden_rnd(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Data block i of a geometry (or, for the container files, the whole
 * buffer as block 0): blocks 0, 1 and 2 are all zeros, all ones and a
 * ramp when k >= 3 (edge cases for table kernels); the rest come from a
 * PRNG seeded by the geometry and block number.
 */
static inline void golden_fill(unsigned int k, unsigned int m, size_t chunk,
			       unsigned int i, uint8_t *p)
{
	uint64_t s = 0xec2024ull ^ ((uint64_t)k << 40) ^ ((uint64_t)m << 32) ^
		     ((uint64_t)chunk << 8) ^ i;
	size_t j;

	for (j = 0; j < chunk; j++) {
		if (k >= 3 && i == 0)
			p[j] = 0;
		else if (k >= 3 && i == 1)
			p[j] = 0xff;
		else if (k >= 3 && i == 2)
			p[j] = j * 7 + 1;
		else
			p[j] = golden_rnd(&s) >> 56;
	}
}

#endif /* EC_GOLDEN_H */
