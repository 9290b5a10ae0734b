/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: the small environment the codec needs, for the kernel and for
 * userspace. The GF/RS code and the SIMD kernels include only this file,
 * so the same sources build into dm-ec.ko and into libec (as lib/raid6
 * and lib/raid6/test do).
 */
#ifndef EC_COMPAT_H
#define EC_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/ktime.h>
#include <linux/errno.h>
#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/printk.h>
#include <linux/bitops.h>
#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>
#endif
#ifdef CONFIG_ARM64
#include <asm/neon.h>
#include <asm/simd.h>
#include <asm/cpufeature.h>
#endif

typedef spinlock_t ec_lock_t;
#define ec_lock_init(l)		spin_lock_init(l)
#define ec_lock_destroy(l)	do { } while (0)
#define ec_lock(l)		spin_lock(l)
#define ec_unlock(l)		spin_unlock(l)

#define ec_zalloc(sz)		kzalloc(sz, GFP_KERNEL)
#define ec_free(p)		kfree(p)
#define ec_now_ns()		ktime_get_ns()
#define ec_log(fmt, ...)	pr_info("dm-ec: " fmt "\n", ##__VA_ARGS__)
#define ec_popcount(x)		hweight32(x)

#if defined(CONFIG_X86)
#define ec_simd_usable()	may_use_simd()
#define ec_simd_begin()		kernel_fpu_begin()
#define ec_simd_end()		kernel_fpu_end()
#elif defined(CONFIG_ARM64)
#define ec_simd_usable()	may_use_simd()
#define ec_simd_begin()		kernel_neon_begin()
#define ec_simd_end()		kernel_neon_end()
#else
#define ec_simd_usable()	false
#define ec_simd_begin()		do { } while (0)
#define ec_simd_end()		do { } while (0)
#endif

#else /* !__KERNEL__ */

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

typedef pthread_mutex_t ec_lock_t;
#define ec_lock_init(l)		pthread_mutex_init(l, NULL)
#define ec_lock_destroy(l)	pthread_mutex_destroy(l)
#define ec_lock(l)		pthread_mutex_lock(l)
#define ec_unlock(l)		pthread_mutex_unlock(l)

#define ec_zalloc(sz)		calloc(1, sz)
#define ec_free(p)		free(p)
#define ec_log(fmt, ...)	do { if (getenv("EC_VERBOSE")) fprintf(stderr, "libec: " fmt "\n", ##__VA_ARGS__); } while (0)

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

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef min
#define min(a, b)		((a) < (b) ? (a) : (b))
#endif
#ifndef __aligned
#define __aligned(x)		__attribute__((aligned(x)))
#endif
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#endif /* __KERNEL__ */

#endif /* EC_COMPAT_H */
