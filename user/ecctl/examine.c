// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: examine; superblocks read from a member and checked.
 */
#include "ecctl.h"


static uint32_t sb_crc(const struct dm_ec_sb *sb)
{
	return libec_crc32c(0, sb, offsetof(struct dm_ec_sb, crc));
}

/*
 * Nothing read from a member is trusted: every field that sizes, indexes
 * or places anything is checked as the kernel checks it.
 */
static void sb_check(struct sb_read *r)
{
	const struct dm_ec_sb *sb = &r->sb;
	unsigned int k = le32toh(sb->k), m = le32toh(sb->m);
	unsigned int idx = le32toh(sb->member_index);
	unsigned int chunk = le32toh(sb->chunk_sectors);
	uint64_t doff = le64toh(sb->data_offset), ds = le64toh(sb->data_sectors);
	char *w = r->whybuf;
	size_t wl = sizeof(r->whybuf);

	r->valid = false;
	r->why = w;
	if (le64toh(sb->magic) != DM_EC_SB_MAGIC)
		r->why = "no dm-ec superblock (bad magic)";
	else if (sb_crc(sb) != le32toh(sb->crc))
		r->why = "checksum mismatch";
	else if (le32toh(sb->version) < DM_EC_SB_VERSION_MIN ||
		 le32toh(sb->version) > DM_EC_SB_VERSION)
		snprintf(w, wl, "unsupported version %u", le32toh(sb->version));
	else if (k < 1 || k > LIBEC_MAX_K)
		snprintf(w, wl, "impossible geometry: k %u is not in 1..%u", k,
			 LIBEC_MAX_K);
	else if (m < 1 || m > LIBEC_MAX_M)
		snprintf(w, wl, "impossible geometry: m %u is not in 1..%u", m,
			 LIBEC_MAX_M);
	else if (k + m > LIBEC_MAX_N)
		snprintf(w, wl, "impossible geometry: k + m = %u is more than %u",
			 k + m, LIBEC_MAX_N);
	else if (idx >= k + m)
		snprintf(w, wl, "member_index %u is not below k + m = %u", idx,
			 k + m);
	else if (chunk < 8 || chunk > 8192 || (chunk & (chunk - 1)))
		snprintf(w, wl, "chunk_sectors %u is not a power of two in 8..8192",
			 chunk);
	else if (doff != DATA_OFFSET)
		snprintf(w, wl, "data_offset %" PRIu64 " is not %u", doff,
			 DATA_OFFSET);
	else if (!ds || ds % chunk)
		snprintf(w, wl, "data_sectors %" PRIu64 " is not a whole number of chunks",
			 ds);
	else if (ds > ((INT64_MAX >> 9) - DATA_OFFSET) / k)
		snprintf(w, wl, "data_sectors %" PRIu64 " is too large", ds);
	else
		r->valid = true;
}

/* Both copies; returns the index of the better valid copy, or -1. */
int sb_load(int fd, struct sb_read r[2])
{
	int i, best = -1;

	for (i = 0; i < 2; i++) {
		off_t off = (i ? DM_EC_SB1_SECTOR : DM_EC_SB0_SECTOR) * 512LL;
		ssize_t n = pread(fd, &r[i].sb, sizeof(r[i].sb), off);

		if (n != (ssize_t)sizeof(r[i].sb)) {
			r[i].valid = false;
			r[i].why = n < 0 ? strerror(errno) : "short read";
			continue;
		}
		sb_check(&r[i]);
		if (r[i].valid && (best < 0 || le64toh(r[i].sb.events) >
					       le64toh(r[best].sb.events)))
			best = i;
	}
	return best;
}

/*
 * Both copies of path's superblock (sb_load); when neither is valid, say
 * "<path>: <none>" with each copy's reason and return -1.
 */
int sb_read_path(const char *path, struct sb_read r[2], const char *none)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), best;

	if (fd < 0) {
		err("%s: %s", path, strerror(errno));
		return -1;
	}
	best = sb_load(fd, r);
	close(fd);
	if (best < 0)
		err("%s: %s (copy 0: %s, copy 1: %s)", path, none, r[0].why,
		    r[1].why);
	return best;
}

const char *sb_mstate(uint8_t s)
{
	switch (s) {
	case DM_EC_MEMBER_ACTIVE: return "active";
	case DM_EC_MEMBER_FAILED: return "failed";
	case DM_EC_MEMBER_REBUILDING: return "rebuilding";
	case DM_EC_MEMBER_MISSING: return "missing";
	}
	return "unknown";
}

static char sb_mchar(uint8_t s)
{
	switch (s) {
	case DM_EC_MEMBER_ACTIVE: return 'A';
	case DM_EC_MEMBER_FAILED: return 'D';
	case DM_EC_MEMBER_REBUILDING: return 'a';
	case DM_EC_MEMBER_MISSING: return '-';
	}
	return '?';
}

/* A superblock's fields in host order, with the strings both outputs print. */
struct sb_view {
	const struct dm_ec_sb *sb;
	unsigned int k, m, n, idx, chunk;
	uint32_t flags;
	uint64_t ds, doff, events, resync_cp, rebuild_cp;
	char au[40], mu[40], ct[40], ut[40], size[32];
	char name[DM_EC_SB_NAME_LEN], host[DM_EC_SB_HOST_LEN];	/* "" if none */
};

static void sb_view(const struct dm_ec_sb *sb, struct sb_view *w)
{
	w->sb = sb;
	w->k = le32toh(sb->k);
	w->m = le32toh(sb->m);
	w->n = w->k + w->m;
	w->idx = le32toh(sb->member_index);
	w->chunk = le32toh(sb->chunk_sectors);
	w->flags = le32toh(sb->flags);
	w->ds = le64toh(sb->data_sectors);
	w->doff = le64toh(sb->data_offset);
	w->events = le64toh(sb->events);
	w->resync_cp = le64toh(sb->resync_cp);
	w->rebuild_cp = le64toh(sb->rebuild_cp);
	uuid_str(sb->array_uuid, w->au);
	uuid_str(sb->member_uuid, w->mu);
	fmt_time(le64toh(sb->ctime), w->ct, sizeof(w->ct));
	fmt_time(le64toh(sb->utime), w->ut, sizeof(w->ut));
	human_size(w->ds * 512 * w->k, w->size, sizeof(w->size));
	/* Version 2 records them; a string without its NUL counts as none. */
	w->name[0] = w->host[0] = '\0';
	if (le32toh(sb->version) >= 2 && memchr(sb->name, '\0', sizeof(sb->name)) &&
	    memchr(sb->host, '\0', sizeof(sb->host))) {
		memcpy(w->name, sb->name, sizeof(w->name));
		memcpy(w->host, sb->host, sizeof(w->host));
	}
}

static void examine_json(const char *dev, const struct sb_read r[2], int best,
			 const struct sb_view *w)
{
	char mu[40];
	unsigned int i;

	printf("{\"device\": ");
	json_str(stdout, dev);
	printf(", \"superblock_copies\": [%s, %s], \"copy_used\": %d",
	       r[0].valid ? "true" : "false", r[1].valid ? "true" : "false",
	       best);
	printf(", \"version\": %u, \"array_uuid\": \"%s\", \"member_uuid\": \"%s\"",
	       le32toh(w->sb->version), w->au, w->mu);
	printf(", \"name\": ");
	if (w->name[0])
		json_str(stdout, w->name);
	else
		printf("null");
	printf(", \"host\": ");
	if (w->host[0])
		json_str(stdout, w->host);
	else
		printf("null");
	printf(", \"member_index\": %u, \"k\": %u, \"m\": %u"
	       ", \"chunk_sectors\": %u", w->idx, w->k, w->m, w->chunk);
	printf(", \"data_offset\": %" PRIu64 ", \"data_sectors\": %" PRIu64
	       ", \"max_volume_sectors\": %" PRIu64, w->doff, w->ds, w->ds * w->k);
	printf(", \"events\": %" PRIu64 ", \"ctime\": \"%s\", \"utime\": \"%s\"",
	       w->events, w->ct, w->ut);
	printf(", \"clean\": %s, \"synced\": %s",
	       w->flags & DM_EC_SB_F_CLEAN ? "true" : "false",
	       w->flags & DM_EC_SB_F_SYNCED ? "true" : "false");
	printf(", \"resync_cp\": %" PRIu64 ", \"rebuild_cp\": %" PRIu64,
	       w->resync_cp, w->rebuild_cp);
	printf(", \"region_sectors\": %u", le32toh(w->sb->region_sectors));
	printf(", \"members\": [");
	for (i = 0; i < w->n; i++) {
		uuid_str(w->sb->member_uuids[i], mu);
		printf("%s{\"index\": %u, \"uuid\": \"%s\", \"state\": \"%s\"}",
		       i ? ", " : "", i, mu, sb_mstate(w->sb->member_state[i]));
	}
	printf("]}\n");
}

static void examine_text(const char *dev, const struct sb_read r[2],
			 const struct sb_view *w)
{
	const struct dm_ec_sb *sb = w->sb;
	char mu[40];
	unsigned int i;

	printf("%s:\n", dev);
	printf("        superblock: version %u, copy 0 %s, copy 1 %s\n",
	       le32toh(sb->version), r[0].valid ? "valid" : r[0].why,
	       r[1].valid ? "valid" : r[1].why);
	printf("            volume: %s", w->name[0] ? w->name : "(not recorded: version 1)");
	if (w->host[0])
		printf(", created on %s", w->host);
	printf("\n");
	printf("        array uuid: %s\n", w->au);
	printf("       member uuid: %s\n", w->mu);
	printf("      member index: %u of %u\n", w->idx, w->n);
	printf("          geometry: %u+%u, chunk %u sectors\n", w->k, w->m,
	       w->chunk);
	printf("         data area: %" PRIu64 " sectors at sector %" PRIu64
	       " (volume up to %s)\n", w->ds, w->doff, w->size);
	printf("            events: %" PRIu64 "\n", w->events);
	printf("           created: %s\n", w->ct);
	printf("           updated: %s\n", w->ut);
	printf("             state: %s, %s\n",
	       w->flags & DM_EC_SB_F_CLEAN ? "clean" : "active or not shut down cleanly",
	       w->flags & DM_EC_SB_F_SYNCED ? "synced" : "initial sync not complete");
	if (!(w->flags & DM_EC_SB_F_SYNCED))
		printf("         resync at: sector %" PRIu64 "\n", w->resync_cp);
	if (w->rebuild_cp)
		printf("        rebuild at: sector %" PRIu64 "\n", w->rebuild_cp);
	printf("           members: ");
	for (i = 0; i < w->n; i++)
		putchar(sb_mchar(sb->member_state[i]));
	printf("\n");
	for (i = 0; i < w->n; i++) {
		uuid_str(sb->member_uuids[i], mu);
		printf("      %5u %-10s %s%s\n", i, sb_mstate(sb->member_state[i]),
		       mu, i == w->idx ? "  <- this device" : "");
	}
}

/*
 * KEY=value lines for udev (IMPORT{program}): the blkid-style identity
 * (ID_FS_TYPE=dm_ec_member, as md's members are linux_raid_member) and
 * the member's place in its volume. Every value is one word. DM_EC_NAME
 * is the name assemble starts the volume under (ecctl.conf's, else the
 * recorded one), DM_EC_AUTO whether it starts on its own; a configuration
 * that cannot be read is said and left out (the member is still one).
 */
/* A name udev can take as one value: printable, no space, quote or '\\'. */
static bool export_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || *s == '"' ||
		    *s == '\'' || *s == '\\')
			return false;
	return true;
}

static void examine_export(const struct sb_view *w)
{
	const struct conf_vol *cv;
	struct conf conf;
	bool have_conf = !conf_load(&conf);
	const char *name = w->name;

	cv = have_conf ? conf_vol(&conf, w->sb->array_uuid) : NULL;
	if (cv)
		name = cv->name;
	printf("ID_FS_TYPE=dm_ec_member\n");
	printf("ID_FS_USAGE=raid\n");
	printf("ID_FS_VERSION=%u\n", le32toh(w->sb->version));
	printf("ID_FS_UUID=%s\n", w->au);
	printf("ID_FS_UUID_SUB=%s\n", w->mu);
	printf("DM_EC_ARRAY_UUID=%s\n", w->au);
	if (name[0] && export_word(name))
		printf("DM_EC_NAME=%s\n", name);
	if (have_conf)
		printf("DM_EC_AUTO=%u\n", conf_auto(&conf, w->sb->array_uuid) ? 1 : 0);
	printf("DM_EC_MEMBER_UUID=%s\n", w->mu);
	printf("DM_EC_MEMBER_INDEX=%u\n", w->idx);
	printf("DM_EC_MEMBER_STATE=%s\n", sb_mstate(w->sb->member_state[w->idx]));
	printf("DM_EC_K=%u\n", w->k);
	printf("DM_EC_M=%u\n", w->m);
	printf("DM_EC_CHUNK_SECTORS=%u\n", w->chunk);
	printf("DM_EC_DATA_SECTORS=%" PRIu64 "\n", w->ds);
	printf("DM_EC_EVENTS=%" PRIu64 "\n", w->events);
	printf("DM_EC_CLEAN=%u\n", w->flags & DM_EC_SB_F_CLEAN ? 1 : 0);
	printf("DM_EC_SYNCED=%u\n", w->flags & DM_EC_SB_F_SYNCED ? 1 : 0);
	if (have_conf)
		conf_free(&conf);
}

int cmd_examine(int argc, char **argv)
{
	struct sb_read r[2];
	struct sb_view w;
	bool json = false, export = false;
	const struct opt opts[] = {
		OPT_FLAG("json", 0, &json), OPT_FLAG("export", 0, &export), OPT_END
	};
	const char *dev;
	int c, best;

	c = parse_opts(argc, argv, opts);
	if (c >= 0)
		return c;
	if (argc - optind != 1)
		return usage_err("one device is needed");
	if (json && export)
		return usage_err("--json and --export are exclusive");
	dev = argv[optind];
	best = sb_read_path(dev, r, "no valid dm-ec superblock");
	if (best < 0)
		return 1;
	sb_view(&r[best].sb, &w);
	if (export)
		examine_export(&w);
	else if (json)
		examine_json(dev, r, best, &w);
	else
		examine_text(dev, r, &w);
	return 0;
}
