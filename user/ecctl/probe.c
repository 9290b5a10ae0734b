// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: what a device holds before dm-ec metadata goes over it: a dm-ec
 * superblock (read and checked as examine does), or any signature
 * libblkid knows (filesystems, partition tables, md/LVM/LUKS and other
 * RAID or crypto headers). create and wipe refuse such a device unless
 * --force.
 */
#include <blkid/blkid.h>
#include "ecctl.h"

/* dm-ec metadata on fd: a valid superblock copy, or the magic in one. */
static bool probe_dm_ec(int fd, char *what, size_t len)
{
	struct sb_read r[2];
	char u[40];
	int best = sb_load(fd, r);

	if (best >= 0) {
		uuid_str(r[best].sb.array_uuid, u);
		snprintf(what, len, "dm-ec metadata (member %u of volume %s)",
			 le32toh(r[best].sb.member_index), u);
		return true;
	}
	if (le64toh(r[0].sb.magic) == DM_EC_SB_MAGIC ||
	    le64toh(r[1].sb.magic) == DM_EC_SB_MAGIC) {
		snprintf(what, len, "dm-ec metadata (a superblock that does not check: %s)",
			 r[0].valid ? r[1].why : r[0].why);
		return true;
	}
	return false;
}

/* What libblkid finds on path: "" when nothing; -1 (said) on an error. */
static int probe_blkid(const char *path, char *what, size_t len)
{
	const char *type = NULL, *usage = NULL;
	blkid_probe pr;
	int rc;

	pr = blkid_new_probe_from_filename(path);
	if (!pr) {
		err("%s: cannot probe for signatures: %s", path, strerror(errno));
		return -1;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	rc = blkid_do_safeprobe(pr);
	what[0] = '\0';
	if (rc == -2) {
		snprintf(what, len, "several signatures (libblkid cannot tell which is live)");
	} else if (rc == 0 && !blkid_probe_lookup_value(pr, "TYPE", &type, NULL)) {
		blkid_probe_lookup_value(pr, "USAGE", &usage, NULL);
		if (usage && !strcmp(usage, "filesystem"))
			snprintf(what, len, "%s filesystem", type);
		else
			snprintf(what, len, "%s signature (%s)", type,
				 usage ? usage : "unknown use");
	} else if (rc == 0 && !blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL)) {
		snprintf(what, len, "%s partition table", type);
	} else if (rc == -1) {
		err("%s: cannot probe for signatures", path);
		blkid_free_probe(pr);
		return -1;
	}
	blkid_free_probe(pr);
	return 0;
}

int probe_signature(const char *path, char *what, size_t len, bool *dm_ec)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err("%s: %s", path, strerror(errno));
		return -1;
	}
	*dm_ec = probe_dm_ec(fd, what, len);
	close(fd);
	if (*dm_ec)
		return 0;
	return probe_blkid(path, what, len);
}
