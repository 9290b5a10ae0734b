/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libec: the dm-ec Reed-Solomon erasure code for C programs.
 *
 * The code is the one dm-ec writes to disk: GF(2^8) with polynomial 0x11d,
 * k data + m parity blocks, the Cauchy generator of ISA-L's
 * gf_gen_cauchy1_matrix (parity row i, column j holds 1 / (i ^ j)). Parity
 * is byte-identical to ISA-L's and klauspost/reedsolomon's for the same
 * data. 1 <= k, 1 <= m <= 4, k + m <= 32.
 *
 * Three levels:
 *
 *  1. Blocks: encode, update, reconstruct and verify raw blocks of equal
 *     length (libec_encode() ...). Block i < k is data, k <= i < k+m parity.
 *     Erasure sets are bit masks, bit i for block i.
 *  2. Chunk sets: a buffer becomes k+m self-describing chunks (a 64-byte
 *     header, then the payload) sharing a 128-bit set ID; any k intact
 *     chunks give the buffer back (libec_encode_chunks(),
 *     libec_decode_chunks(), libec_recover_chunk()).
 *  3. Streams: a stream of any length becomes a sequence of stripes, each a
 *     chunk set of fixed chunk size, with bounded memory
 *     (libec_stream_enc_*, libec_stream_dec_*).
 *
 * Errors: every function returning int returns 0 (or a count) on success
 * and a negative errno value on failure; libec_strerror() describes them:
 *	-EINVAL		bad argument (geometry, index, mask, NULL pointer)
 *	-ENOMEM		out of memory
 *	-ENODEV		no such implementation, or not usable on this CPU
 *	-EIO		fewer than k usable blocks/chunks: data cannot be rebuilt
 *	-ENOSPC		output buffer too small
 *	-EBADMSG	the chunks are inconsistent (e.g. lengths disagree)
 *	-EPROTO		stream chunks out of order, or stream ended early
 * plus whatever a user callback returns.
 *
 * Threads: libec_init() is idempotent and thread-safe (every other entry
 * point calls it). A context may be used by several threads at once for
 * everything except libec_ctx_set_impl() and libec_ctx_free(). Stream
 * objects belong to one thread at a time.
 */
#ifndef LIBEC_H
#define LIBEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBEC_VERSION_MAJOR	1
#define LIBEC_VERSION_MINOR	0

#define LIBEC_MAX_M		4	/* parity blocks */
#define LIBEC_MAX_N		32	/* k + m */
#define LIBEC_MAX_K		(LIBEC_MAX_N - 1)

/* ---------------------------------------------------------------------- */
/* Library setup and implementations                                      */

/*
 * Set up the GF tables and pick the fastest GF(2^8) implementation this
 * CPU runs correctly (each is checked against the generic C one, then
 * timed). The environment variable LIBEC_CODEC=<name> forces one; if that
 * one is unknown or unusable, libec_init() fails with -ENODEV.
 * Idempotent and thread-safe; the first result is remembered.
 */
int libec_init(void);

/* Name of the implementation picked by libec_init(), e.g. "avx2". */
const char *libec_codec_name(void);

/*
 * Implementations built into this library, usable here or not, in a
 * fixed order ("generic" first). libec_impl_name() returns NULL for
 * i >= libec_impl_count().
 */
unsigned int libec_impl_count(void);
const char *libec_impl_name(unsigned int i);
/* Can this CPU run the named implementation? */
bool libec_impl_usable(const char *name);

/* Text for a libec error code (a negative errno value). */
const char *libec_strerror(int err);

/* ---------------------------------------------------------------------- */
/* Contexts: one k+m code                                                 */

struct libec_ctx;

/*
 * New context for k data + m parity blocks. -EINVAL unless 1 <= k,
 * 1 <= m <= 4 and k + m <= 32. The context caches up to 64 decode plans
 * (one per erasure set seen recently; LRU), so its memory is bounded.
 */
int libec_ctx_new(struct libec_ctx **ctx, unsigned int k, unsigned int m);
void libec_ctx_free(struct libec_ctx *ctx);

unsigned int libec_ctx_k(const struct libec_ctx *ctx);
unsigned int libec_ctx_m(const struct libec_ctx *ctx);

/*
 * Use the named implementation for this context only (NULL: back to the
 * library default). -ENODEV if unknown or not usable on this CPU.
 */
int libec_ctx_set_impl(struct libec_ctx *ctx, const char *name);
const char *libec_ctx_impl(const struct libec_ctx *ctx);

/* Decode-plan cache counters of the context. */
void libec_ctx_cache_stats(const struct libec_ctx *ctx, uint64_t *hits,
			   uint64_t *misses);

/* ---------------------------------------------------------------------- */
/* Level 1: raw blocks                                                    */

/*
 * parity[0..m-1] (len bytes each) = the code's parity of data[0..k-1].
 * Buffers may have any alignment; they must not overlap.
 */
int libec_encode(struct libec_ctx *ctx, size_t len,
		 const void * const *data, void * const *parity);

/*
 * Same result, with the byte range split over nthreads threads
 * (0: one per online CPU). Worth it from about a megabyte per block.
 */
int libec_encode_mt(struct libec_ctx *ctx, size_t len,
		    const void * const *data, void * const *parity,
		    unsigned int nthreads);

/*
 * Data block j changed from old_data to new_data: fold the change into
 * parity[0..m-1] without reading the other data blocks.
 */
int libec_update(struct libec_ctx *ctx, unsigned int j, size_t len,
		 const void *old_data, const void *new_data,
		 void * const *parity);

/* Can the blocks of erasure set 'erased' be rebuilt? (<= m bits, < k+m) */
bool libec_can_recover(const struct libec_ctx *ctx, uint32_t erased);

/*
 * Rebuild the blocks in 'erased' in place: blocks[] has k+m entries, the
 * erased ones are outputs, the others inputs. -EINVAL for an empty mask
 * or a bit >= k+m, -EIO for more than m erasures; on error no block is
 * written.
 */
int libec_reconstruct(struct libec_ctx *ctx, uint32_t erased, size_t len,
		      void * const *blocks);

/*
 * Check that blocks[0..k+m-1] are consistent. Returns a mask of the parity
 * blocks that disagree with the data (bit i for block k+i; 0: all good),
 * or a negative error.
 */
int libec_verify(struct libec_ctx *ctx, size_t len,
		 const void * const *blocks);

/* ---------------------------------------------------------------------- */
/* Level 2: chunk sets                                                    */

/*
 * Chunk header: 64 bytes at the start of every chunk, all integers little
 * endian. The payload (chunk_size bytes) follows.
 *
 *   off size field
 *     0    4 magic        "LECK" (0x4b43454c read as little endian)
 *     4    2 version      1
 *     6    2 header_size  64
 *     8   16 set_id       128-bit ID shared by the chunks of one set
 *    24    1 k            data chunks
 *    25    1 m            parity chunks
 *    26    1 index        0..k-1 data, k..k+m-1 parity
 *    27    1 flags        bit 0: last stripe of the set (always set for
 *                         one-shot sets); other bits zero
 *    28    4 chunk_size   payload bytes
 *    32    8 stripe       stripe number (0 for one-shot sets)
 *    40    8 data_end     original bytes up to the end of this stripe: the
 *                         whole length for a one-shot set, the running
 *                         total for a stream
 *    48    4 payload_crc  CRC-32C of the payload
 *    52    8 reserved     zero
 *    60    4 header_crc   CRC-32C of bytes 0..59
 *
 * CRC-32C is the Castagnoli CRC (reflected polynomial 0x82f63b78, initial
 * value and final xor 0xffffffff; crc of "123456789" is 0xe3069283).
 *
 * Data layout: a stripe holds k * chunk_size bytes of the original data,
 * data chunk i the bytes [i * chunk_size, (i + 1) * chunk_size) of it,
 * zero-padded after the end of the data. Parity chunks hold the parity of
 * the data payloads.
 */
#define LIBEC_CHUNK_HDR_SIZE	64
#define LIBEC_CHUNK_MAGIC	0x4b43454cu
#define LIBEC_CHUNK_VERSION	1
#define LIBEC_CHUNK_F_LAST	0x01

/* A parsed chunk header. */
struct libec_chunk_hdr {
	uint8_t set_id[16];
	unsigned int k, m, index, flags;
	uint32_t chunk_size;
	uint64_t stripe;
	uint64_t data_end;
	uint32_t payload_crc;
};

/* CRC-32C of buf, continuing from crc (start with 0). */
uint32_t libec_crc32c(uint32_t crc, const void *buf, size_t len);

/*
 * Parse and check a chunk header (magic, version, header CRC, sane
 * geometry, chunk_size + header <= len). The payload is not checked.
 * 0 or -EBADMSG.
 */
int libec_chunk_parse(const void *chunk, size_t len,
		      struct libec_chunk_hdr *hdr);

/* Payload size of each chunk for a one-shot set of len bytes. */
size_t libec_payload_size(const struct libec_ctx *ctx, size_t len);
/* Full size (header + payload) of each chunk for len bytes. */
size_t libec_chunk_size(const struct libec_ctx *ctx, size_t len);

/*
 * Split buf (len bytes) into k+m chunks of libec_chunk_size(ctx, len)
 * bytes each: chunks[i] receives chunk i. With nthreads != 1 the work is
 * spread over threads (0: one per online CPU); the output is identical.
 */
int libec_encode_chunks(struct libec_ctx *ctx, const uint8_t set_id[16],
			const void *buf, size_t len, void * const *chunks);
int libec_encode_chunks_mt(struct libec_ctx *ctx, const uint8_t set_id[16],
			   const void *buf, size_t len, void * const *chunks,
			   unsigned int nthreads);

/* What libec_decode_chunks() thought of each chunk it was given. */
enum libec_chunk_status {
	LIBEC_CHUNK_UNUSED = 0,		/* good, not needed */
	LIBEC_CHUNK_USED,		/* good, used to decode */
	LIBEC_CHUNK_MISSING,		/* NULL or too short */
	LIBEC_CHUNK_BAD_HEADER,		/* not a chunk, or header CRC wrong */
	LIBEC_CHUNK_BAD_PAYLOAD,	/* payload CRC wrong */
	LIBEC_CHUNK_FOREIGN,		/* other set ID, geometry or stripe */
	LIBEC_CHUNK_DUPLICATE,		/* index already given by another */
};

struct libec_decode_info {
	uint8_t set_id[16];	/* the set decoded */
	uint64_t stripe;	/* its stripe number */
	uint64_t data_end;	/* from the headers */
	unsigned int flags;	/* from the headers */
	uint32_t chunk_size;	/* payload bytes per chunk */
	uint32_t present;	/* mask of indices with a good chunk */
	uint32_t rebuilt;	/* mask of data indices rebuilt from parity */
};

/*
 * Decode a chunk set from chunks[0..nchunks-1] (lens[i] bytes each; a
 * NULL chunk or a 0 length means missing). Chunks may come in any order.
 * A chunk with a bad header or payload CRC, a duplicate index, or that
 * belongs to another set (set_id, when not NULL, names the set wanted;
 * otherwise the set ID with the most good headers wins, the first seen
 * on a tie) or another k+m than ctx's is treated as missing.
 *
 * The set's data (for one-shot sets: the original buffer; for a stripe
 * of a stream: its part of the stream) is written to out, which has
 * out_size bytes; *out_len (if not NULL) receives its length. With
 * out == NULL, only checks that the set can be decoded.
 * status (if not NULL) has nchunks entries and receives an
 * enum libec_chunk_status per chunk; info (if not NULL) the set details.
 * Returns 0, -EIO (fewer than k good chunks), -ENOSPC, -EINVAL, -ENOMEM.
 */
int libec_decode_chunks(struct libec_ctx *ctx, const uint8_t set_id[16],
			const void * const *chunks, const size_t *lens,
			unsigned int nchunks, void *out, size_t out_size,
			size_t *out_len, int *status,
			struct libec_decode_info *info);

/*
 * Rebuild chunk 'index' (header and payload, byte-identical to the one
 * the encoder made) from the others, into out (out_size bytes). Chunks
 * are chosen and checked as by libec_decode_chunks().
 */
int libec_recover_chunk(struct libec_ctx *ctx, const uint8_t set_id[16],
			const void * const *chunks, const size_t *lens,
			unsigned int nchunks, unsigned int index, void *out,
			size_t out_size);

/* ---------------------------------------------------------------------- */
/* Level 3: streams                                                       */

/*
 * Called for every chunk the stream encoder makes, chunk index 0..k+m-1
 * of stripe 'stripe', in order. chunk points at len bytes (header and
 * payload), valid during the call. A non-zero return stops the stream and
 * is returned by the libec_stream_enc_* call that made the chunk.
 */
typedef int (*libec_chunk_fn)(void *arg, uint64_t stripe, unsigned int index,
			      const void *chunk, size_t len);

struct libec_stream_enc;

/*
 * A stream encoder cutting data into stripes of k * chunk_size bytes
 * (chunk_size >= 1); it holds one stripe (k+m chunks) in memory, no more.
 */
int libec_stream_enc_new(struct libec_stream_enc **s, struct libec_ctx *ctx,
			 const uint8_t set_id[16], size_t chunk_size,
			 libec_chunk_fn fn, void *arg);
/* Feed len bytes; full stripes are emitted as they complete. */
int libec_stream_enc_write(struct libec_stream_enc *s, const void *buf,
			   size_t len);
/*
 * End the stream: the last stripe (partial ones zero-padded) is emitted
 * with the LAST flag; a full stripe is held back until more data comes,
 * so the last stripe is never empty unless the whole stream is (then one
 * stripe of zeros with data_end 0 marks the end).
 */
int libec_stream_enc_finish(struct libec_stream_enc *s);
/* Bytes written so far. */
uint64_t libec_stream_enc_bytes(const struct libec_stream_enc *s);
void libec_stream_enc_free(struct libec_stream_enc *s);

/*
 * Called with each stripe's data, in stream order; a non-zero return
 * stops decoding and is returned.
 */
typedef int (*libec_data_fn)(void *arg, const void *data, size_t len);

struct libec_stream_dec;

/*
 * A stream decoder: give it the chunks of each stripe in turn (any k of
 * them); it checks set ID, stripe order and the running length and hands
 * the data to fn. Memory: one stripe.
 */
int libec_stream_dec_new(struct libec_stream_dec **s, struct libec_ctx *ctx,
			 const uint8_t set_id[16], libec_data_fn fn,
			 void *arg);
/*
 * Decode the next stripe from its chunks (as libec_decode_chunks()).
 * Returns 1 after the stripe marked last, 0 otherwise, or an error
 * (-EPROTO when the stripe is not the expected one).
 */
int libec_stream_dec_stripe(struct libec_stream_dec *s,
			    const void * const *chunks, const size_t *lens,
			    unsigned int nchunks);
/* 0 if the last stripe was seen, -EPROTO if the stream was cut short. */
int libec_stream_dec_finish(struct libec_stream_dec *s);
uint64_t libec_stream_dec_bytes(const struct libec_stream_dec *s);
void libec_stream_dec_free(struct libec_stream_dec *s);

#ifdef __cplusplus
}
#endif

#endif /* LIBEC_H */
