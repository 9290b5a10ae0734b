// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: create, remove, and wipe (a member's metadata cleared).
 */
#include <libdevmapper.h>
#include "ecctl.h"

/*
 * The volume's length in sectors: k times the data area of the smallest
 * member present ('-' is a missing one). 0 (said) if a member cannot be
 * used or none is present.
 */
static uint64_t create_len(const char *name, char **devs, unsigned int ndev,
			   unsigned int k, unsigned int chunk)
{
	uint64_t min = 0, sz;
	unsigned int i;

	for (i = 0; i < ndev; i++) {
		int e;

		if (!strcmp(devs[i], "-"))
			continue;
		e = block_size(devs[i], &sz);
		if (e) {
			err("%s: %s", devs[i], strerror(-e));
			return 0;
		}
		if (sz < DATA_OFFSET + chunk) {
			err("%s: too small: %" PRIu64 " sectors, at least %u needed",
			    devs[i], sz, DATA_OFFSET + chunk);
			return 0;
		}
		if (!min || sz < min)
			min = sz;
	}
	if (!min) {
		err("%s: no member device is present", name);
		return 0;
	}
	return (uint64_t)k * ((min - DATA_OFFSET) / chunk * chunk);
}

/*
 * Refuse devices that hold anything (a dm-ec superblock, a filesystem, a
 * partition table, RAID/LVM/LUKS headers): each one is said, with what
 * it holds. 0: every device is blank.
 */
static int create_probe(char **devs, unsigned int ndev)
{
	unsigned int i, bad = 0;
	char what[160];
	bool dm_ec;

	for (i = 0; i < ndev; i++) {
		if (!strcmp(devs[i], "-"))
			continue;
		if (probe_signature(devs[i], what, sizeof(what), &dm_ec)) {
			bad++;
		} else if (what[0]) {
			err("%s: not blank: %s (--force to use it anyway)", devs[i],
			    what);
			bad++;
		}
	}
	return bad ? -1 : 0;
}

int cmd_create(int argc, char **argv)
{
	const char *ks = NULL, *ms = NULL, *cs = NULL, *rs = NULL, *gs = NULL;
	bool nosync = false, force = false, noppl = false, is_ec;
	const struct opt opts[] = {
		OPT_ARG(NULL, 'k', &ks), OPT_ARG(NULL, 'm', &ms),
		OPT_ARG("chunk", 'c', &cs), OPT_FLAG("nosync", 0, &nosync),
		OPT_FLAG("force", 'f', &force), OPT_ARG("rate", 0, &rs),
		OPT_ARG("region-size", 0, &gs), OPT_FLAG("noppl", 0, &noppl),
		OPT_END
	};
	char rate[16], region[16];
	unsigned int region_sectors = 0;
	unsigned long long rate_kib = 0;
	struct ec_table t = { .k = 10, .m = 4, .chunk = 8192 };
	unsigned long long v;
	uint64_t len, sz;
	char params[8192], dummy[16];
	const char *name;
	unsigned int i;
	int rc;

	rc = parse_opts(argc, argv, opts);
	if (rc >= 0)
		return rc;
	if (ks && (parse_num(ks, NULL, LIBEC_MAX_K, &v) || v < 1))
		return usage_err("-k %s: not a number in 1..%u", ks, LIBEC_MAX_K);
	if (ks)
		t.k = v;
	if (ms && (parse_num(ms, NULL, LIBEC_MAX_M, &v) || v < 1))
		return usage_err("-m %s: not a number in 1..%u", ms, LIBEC_MAX_M);
	if (ms)
		t.m = v;
	if (cs && (parse_size_sectors(cs, &t.chunk) ||
		   t.chunk < DM_EC_CHUNK_MIN || t.chunk > DM_EC_CHUNK_MAX ||
		   (t.chunk & (t.chunk - 1))))
		return usage_err("--chunk %s: not a power of two from 4K to 4M", cs);
	if (rs && parse_num(rs, NULL, DM_EC_RATE_MAX, &rate_kib))
		return usage_err("--rate %s: not a rate in KiB/s, 0 (unlimited) to %u", rs,
				 DM_EC_RATE_MAX);
	if (gs && (parse_size_sectors(gs, &region_sectors) || region_sectors < 8 ||
		   (region_sectors & (region_sectors - 1))))
		return usage_err("--region-size %s: not a power of two of at least 4K", gs);
	if (argc - optind < 2)
		return usage_err("a name and k+m member devices are needed");
	name = argv[optind++];
	t.ndev = argc - optind;
	if (t.k + t.m > LIBEC_MAX_N)
		return usage_err("k + m = %u is more than %u", t.k + t.m, LIBEC_MAX_N);
	if (t.ndev != t.k + t.m)
		return usage_err("%u device%s given, k + m = %u needed", t.ndev,
				 t.ndev == 1 ? "" : "s", t.k + t.m);
	if (strlen(name) >= DM_EC_NAME_MAX || strchr(name, '/'))
		return usage_err("%s: not a valid device-mapper name", name);
	for (i = 0; i < t.ndev; i++) {
		if (has_space(argv[optind + i]))
			return usage_err("'%s': a device path with white space cannot go in a table line",
					 argv[optind + i]);
		t.dev[i] = argv[optind + i];
	}

	len = create_len(name, argv + optind, t.ndev, t.k, t.chunk);
	if (!len)
		return 1;
	if (dm_get_table(name, &sz, dummy, sizeof(dummy), &is_ec) == 0) {
		err("%s: a device-mapper device of that name exists", name);
		return 1;
	}
	if (!force && create_probe(argv + optind, t.ndev))
		return 1;
	if (nosync)
		t.opt[t.nopt++] = DM_EC_OPT_NOSYNC;
	if (noppl)
		t.opt[t.nopt++] = DM_EC_OPT_NOPPL;
	if (rs) {
		snprintf(rate, sizeof(rate), "%llu", rate_kib);
		t.opt[t.nopt++] = DM_EC_OPT_RATE;
		t.opt[t.nopt++] = rate;
	}
	if (gs) {
		snprintf(region, sizeof(region), "%u", region_sectors);
		t.opt[t.nopt++] = DM_EC_OPT_REGION;
		t.opt[t.nopt++] = region;
	}
	if (table_format(&t, params, sizeof(params), name))
		return 1;
	if (dm_do(DM_DEVICE_CREATE, name, len, params, true)) {
		err("%s: cannot create the volume (the kernel log says why)", name);
		return 1;
	}
	printf("%s: created, %u+%u, chunk %u sectors, %" PRIu64 " sectors\n",
	       name, t.k, t.m, t.chunk, len);
	return 0;
}

int cmd_remove(int argc, char **argv)
{
	const struct opt opts[] = { OPT_END };
	char params[8192];
	const char *name;
	uint64_t len;
	int rc;

	rc = parse_opts(argc, argv, opts);
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return usage_err("one volume name is needed");
	name = argv[optind];
	if (check_ec(name, &len, params, sizeof(params)))
		return 1;
	if (dm_do(DM_DEVICE_REMOVE, name, 0, NULL, true)) {
		err("%s: cannot remove the volume (in use?)", name);
		return 1;
	}
	return 0;
}

/*
 * Clear a member's dm-ec metadata: both superblock copies, the bitmap and
 * the log, everything before the data area. A device held by an active
 * volume is refused (device-mapper holds its members exclusively), and
 * so is one without dm-ec metadata unless --force.
 */
int cmd_wipe(int argc, char **argv)
{
	bool force = false, dm_ec;
	const struct opt opts[] = { OPT_FLAG("force", 'f', &force), OPT_END };
	static const char zero[64 * 1024];
	uint64_t sz, end, off;
	char what[160];
	const char *dev;
	int fd, rc;

	rc = parse_opts(argc, argv, opts);
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return usage_err("one device is needed");
	dev = argv[optind];
	fd = open(dev, O_RDWR | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EBUSY)
			err("%s: in use (a member of an active volume, or held by another driver): not wiped",
			    dev);
		else
			err("%s: %s", dev, strerror(errno));
		return 1;
	}
	rc = 1;
	if (probe_signature(dev, what, sizeof(what), &dm_ec))
		goto out;
	if (!dm_ec && !force) {
		err("%s: %s: not wiped (--force clears its first %u KiB anyway)",
		    dev, what[0] ? what : "no dm-ec metadata", DATA_OFFSET / 2);
		goto out;
	}
	if (fd_sectors(fd, &sz))
		sz = 0;
	end = (sz < DATA_OFFSET ? sz : DATA_OFFSET) * 512;
	for (off = 0; off < end; off += sizeof(zero)) {
		size_t n = end - off < sizeof(zero) ? end - off : sizeof(zero);

		if (pwrite(fd, zero, n, off) != (ssize_t)n) {
			err("%s: %s", dev, strerror(errno ? errno : EIO));
			goto out;
		}
	}
	if (fsync(fd) < 0) {
		err("%s: %s", dev, strerror(errno));
		goto out;
	}
	printf("%s: dm-ec metadata wiped (sectors 0-%" PRIu64 ")\n", dev,
	       end / 512 - 1);
	rc = 0;
out:
	close(fd);
	return rc;
}
