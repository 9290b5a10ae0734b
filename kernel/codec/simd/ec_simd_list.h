/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-ec: the SIMD kernels of GF(2^8) built for this architecture, as
 * EC_GF(name) lines: the one list. The includer defines EC_GF() for what
 * it makes of each (simd/ec_simd.h the declarations, ec_select.c the table
 * ec_gf_all_ops, tests/codec a fixture variant per kernel); the generic
 * kernel, always built and the reference for the others, comes first and
 * is named by each includer itself. A kernel named foo is struct
 * ec_gf_ops ec_gf_foo, in simd/foo.c. No include guard: included once per
 * use.
 */
#if defined(__x86_64__) || defined(CONFIG_X86_64)
EC_GF(ssse3)
EC_GF(avx2)
EC_GF(avx2_xor)
EC_GF(avx512)
EC_GF(gfni_avx2)
EC_GF(gfni_avx512)
#endif
#if defined(__aarch64__) || defined(CONFIG_ARM64)
EC_GF(neon)
#endif
