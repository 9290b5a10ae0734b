/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: what the x86 SIMD kernels share: CPU feature tests that work in
 * the kernel and in userspace, and the intrinsics header.
 */
#ifndef EC_X86_COMMON_H
#define EC_X86_COMMON_H

#include "ec_simd.h"
#include <immintrin.h>

#ifdef __KERNEL__
#define EC_CPU_HAS(user, kern)	boot_cpu_has(X86_FEATURE_##kern)
/* The register state must also be enabled (XCR0) for the kernel to use. */
#define EC_OS_YMM()	cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL)
#define EC_OS_ZMM()	cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM | \
					  XFEATURE_MASK_AVX512, NULL)
#else
/* libgcc's cpu model also checks XCR0 for the AVX and AVX-512 features. */
#define EC_CPU_HAS(user, kern)	(__builtin_cpu_init(), __builtin_cpu_supports(#user))
#define EC_OS_YMM()	true
#define EC_OS_ZMM()	true
#endif

/*
 * Vector arrays are only partly used by the one-vector steps; zeroing them
 * (CONFIG_INIT_STACK_ALL_ZERO) would pin them to the stack.
 */
#if __has_attribute(__uninitialized__)
#define EC_NOINIT	__attribute__((__uninitialized__))
#else
#define EC_NOINIT
#endif

/*
 * Outputs this large are evicted before anyone reads them back: write them
 * with non-temporal stores, which spares the memory bus the read for
 * ownership of every line. Not when accumulating (the old contents are
 * read anyway) nor for outputs not aligned to the vector size.
 */
#define EC_NT_MIN	0x100000	/* 1 MiB */

static __always_inline bool ec_use_nt(size_t len, u8 * const *dst,
				      unsigned int nout, bool acc,
				      unsigned long align)
{
	unsigned int o;

	if (acc || len < EC_NT_MIN)
		return false;
	for (o = 0; o < nout; o++)
		if ((unsigned long)dst[o] & (align - 1))
			return false;
	return true;
}

/*
 * The body of every x86 dot_prod(): call the file's run() with the output
 * count and the mode as constants, so that each specialisation keeps its
 * accumulators in registers. Uses the caller's parameters len, t, src,
 * dst and acc.
 */
#define EC_DISPATCH()					\
	do {							\
		switch (t->nout * 2 + acc) {			\
		case 2:						\
			run(len, t, src, dst, 1, false);	\
			break;					\
		case 3:						\
			run(len, t, src, dst, 1, true);		\
			break;					\
		case 4:						\
			run(len, t, src, dst, 2, false);	\
			break;					\
		case 5:						\
			run(len, t, src, dst, 2, true);		\
			break;					\
		case 6:						\
			run(len, t, src, dst, 3, false);	\
			break;					\
		case 7:						\
			run(len, t, src, dst, 3, true);		\
			break;					\
		case 8:						\
			run(len, t, src, dst, 4, false);	\
			break;					\
		case 9:						\
			run(len, t, src, dst, 4, true);		\
			break;					\
		}						\
	} while (0)

#endif /* EC_X86_COMMON_H */
