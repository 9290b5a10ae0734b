/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * dm-ec table line, shared by the kernel target (kernel/ec_target.c parses
 * and emits it) and ecctl (user/ecctl/dm.c builds and re-parses it):
 *
 *	<k> <m> <chunk_sectors> <#opt_args> [<opt_arg>...] <dev_0> ... <dev_{n-1}>
 *
 * Documentation/admin-guide.md describes each argument.
 */
#ifndef _UAPI_LINUX_DM_EC_TABLE_H
#define _UAPI_LINUX_DM_EC_TABLE_H

#define DM_EC_TARGET_NAME	"ec"

/* Optional arguments (keywords compare case-insensitively). */
#define DM_EC_OPT_REBUILD	"rebuild"		/* <idx> */
#define DM_EC_OPT_NOSYNC	"nosync"
#define DM_EC_OPT_RATE		"max_rebuild_rate"	/* <KiB/s> */
#define DM_EC_OPT_REGION	"region_size"		/* <sectors> */
#define DM_EC_OPT_NOPPL		"noppl"

/* chunk_sectors: a power of two in this range (4 KiB to 4 MiB). */
#define DM_EC_CHUNK_MIN		8
#define DM_EC_CHUNK_MAX		8192

#endif /* _UAPI_LINUX_DM_EC_TABLE_H */
