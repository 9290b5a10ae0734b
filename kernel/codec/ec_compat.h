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

#include "ec_compat_user.h"

#endif /* __KERNEL__ */

#endif /* EC_COMPAT_H */
