/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: the userspace side of ec_compat.h, for libec and the
 * tests: kernel types, a mutex for the decode cache, a clock.
 */
#ifndef EC_COMPAT_USER_H
#define EC_COMPAT_USER_H


#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

typedef pthread_mutex_t ec_lock_t;
#define ec_lock_init(l)		pthread_mutex_init(l, NULL)
#define ec_lock_destroy(l)	pthread_mutex_destroy(l)
#define ec_lock(l)		pthread_mutex_lock(l)
#define ec_unlock(l)		pthread_mutex_unlock(l)

#define ec_zalloc(sz)		calloc(1, sz)
#define ec_free(p)		free(p)
#define ec_log(fmt, ...)						\
	do {								\
		if (getenv("EC_VERBOSE"))				\
			fprintf(stderr, "libec: " fmt "\n", ##__VA_ARGS__); \
	} while (0)

#define ec_popcount(x)		__builtin_popcount(x)

static inline u64 ec_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#define ec_simd_usable()	true
#define ec_simd_begin()		do { } while (0)
#define ec_simd_end()		do { } while (0)

#ifndef min
static inline size_t ec_min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}
#define min(a, b)		ec_min_size(a, b)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __aligned
#define __aligned(x)		__attribute__((aligned(x)))
#endif
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif

#endif /* EC_COMPAT_USER_H */
