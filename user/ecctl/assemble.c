// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: assemble: start volumes from the members found on this machine,
 * whatever their device names, as after a reboot. Every block device is
 * read (its two superblock copies, checked as examine does); members are
 * grouped by array UUID, placed by the slot their own superblock names,
 * and the newest superblock of a group describes its volume. What would
 * be wrong is refused: two volumes under one name, fewer than k members,
 * members missing without --degraded. ecctl.conf (conf.c) may give a
 * volume another name, start it read-only, or keep volumes from starting
 * on their own (--scan, --incremental; assemble <name> always starts).
 */
#include <dirent.h>
#include <sys/sysmacros.h>
#include <libdevmapper.h>
#include "ecctl.h"

struct found {
	char path[300];
	unsigned int maj, min;
	struct dm_ec_sb sb;
};

struct group {
	const struct dm_ec_sb *ref;	/* the newest superblock */
	int slot[MAX_N];		/* index into found[], or -1 */
	unsigned int n, present;
	char name[DM_EC_SB_NAME_LEN];
	bool clash;			/* another group has its name */
	bool auto_start;		/* ecctl.conf: starts on its own */
	bool readonly;			/* ecctl.conf: starts read-only */
};

/* A block device's dev_t and node, from sysfs (dev_path). */
static bool sys_dev(const char *sysname, char *path, size_t len,
		    unsigned int *maj, unsigned int *min)
{
	char p[300];
	bool have = false;
	FILE *f;

	snprintf(p, sizeof(p), "/sys/class/block/%s/dev", sysname);
	f = fopen(p, "r");
	if (!f)
		return false;
	have = fscanf(f, "%u:%u", maj, min) == 2;
	fclose(f);
	if (!have)
		return false;
	dev_path(*maj, *min, path, len);
	if (path[0] != '/')	/* no node name from sysfs: /dev/<sysname> */
		snprintf(path, len, "/dev/%s", sysname);
	return true;
}

/* The active volume of array uuid, or NULL. */
static const struct vol_info *active_volume(const struct vol_list *vols,
					    const uint8_t *uuid)
{
	unsigned int i;

	for (i = 0; i < vols->nr; i++)
		if (!memcmp(vols->v[i].uuid, uuid, 16))
			return &vols->v[i];
	return NULL;
}

/* Is dev_t maj:min an active dm-ec volume itself (its data is not a member)? */
static bool is_volume(const struct vol_list *vols, unsigned int maj,
		      unsigned int min)
{
	unsigned int i;

	for (i = 0; i < vols->nr; i++)
		if (kdev_major(vols->v[i].dev) == maj && kdev_minor(vols->v[i].dev) == min)
			return true;
	return false;
}

/*
 * Is something other than an active dm-ec volume built on this device (a
 * dm or md device, a partition in use)? Then the member is the device
 * above it, not this one: the same superblock is seen through both. The
 * members of active volumes are read, so that assemble can say so.
 */
static bool has_holders(const char *sysname, const struct vol_list *vols)
{
	char p[300];
	struct dirent *de;
	bool any = false;
	DIR *d;

	snprintf(p, sizeof(p), "/sys/class/block/%s/holders", sysname);
	d = opendir(p);
	if (!d)
		return false;
	while (!any && (de = readdir(d))) {
		unsigned int maj, min;
		char path[300];

		if (de->d_name[0] == '.')
			continue;
		any = !sys_dev(de->d_name, path, sizeof(path), &maj, &min) ||
		      !is_volume(vols, maj, min);
	}
	closedir(d);
	return any;
}

/* Every block device holding a valid dm-ec superblock; the count. */
static unsigned int scan(struct found **out, const struct vol_list *vols)
{
	struct found *f = NULL;
	unsigned int nr = 0, alloc = 0;
	struct dirent *de;
	DIR *d = opendir("/sys/class/block");

	if (!d) {
		err("/sys/class/block: %s", strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		struct sb_read r[2];
		struct found x;
		int fd, best;

		if (de->d_name[0] == '.' || has_holders(de->d_name, vols) ||
		    !sys_dev(de->d_name, x.path, sizeof(x.path), &x.maj, &x.min) ||
		    is_volume(vols, x.maj, x.min))
			continue;
		fd = open(x.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		best = sb_load(fd, r);
		close(fd);
		if (best < 0)
			continue;
		x.sb = r[best].sb;
		if (nr == alloc) {
			struct found *nf;

			alloc = alloc ? 2 * alloc : 32;
			nf = realloc(f, alloc * sizeof(*f));
			if (!nf) {
				err("out of memory");
				break;
			}
			f = nf;
		}
		f[nr++] = x;
	}
	closedir(d);
	*out = f;
	return nr;
}

static bool same_geometry(const struct dm_ec_sb *a, const struct dm_ec_sb *b)
{
	return a->k == b->k && a->m == b->m && a->chunk_sectors == b->chunk_sectors &&
	       a->data_offset == b->data_offset && a->data_sectors == b->data_sectors;
}

/*
 * The name a volume starts under: ecctl.conf's for its uuid, the recorded
 * one, or dmec-<uuid> (v1); and its settings from ecctl.conf.
 */
static void group_name(struct group *g, const struct conf *conf)
{
	const struct conf_vol *cv = conf_vol(conf, g->ref->array_uuid);
	char u[40];

	g->auto_start = conf_auto(conf, g->ref->array_uuid);
	g->readonly = cv && cv->readonly;
	if (cv) {
		snprintf(g->name, sizeof(g->name), "%s", cv->name);
		return;
	}
	if (le32toh(g->ref->version) >= 2 &&
	    memchr(g->ref->name, '\0', sizeof(g->ref->name)) && g->ref->name[0] &&
	    !strchr(g->ref->name, '/')) {
		snprintf(g->name, sizeof(g->name), "%s", g->ref->name);
		return;
	}
	uuid_str(g->ref->array_uuid, u);
	snprintf(g->name, sizeof(g->name), "dmec-%.8s", u);
}

/*
 * Group the devices by array UUID (ref: the newest superblock), each in
 * the slot its superblock names; devices the newest superblock does not
 * count as that member, or a second device for a slot, are said and left
 * out. g has room for nf groups. Returns the number of groups.
 */
static unsigned int group(struct found *f, unsigned int nf, struct group *g,
			  const struct conf *conf)
{
	unsigned int ng = 0, i, j;

	for (i = 0; i < nf; i++) {
		for (j = 0; j < ng; j++)
			if (!memcmp(g[j].ref->array_uuid, f[i].sb.array_uuid, 16))
				break;
		if (j == ng) {
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng++].ref = &f[i].sb;
		} else if (le64toh(f[i].sb.events) > le64toh(g[j].ref->events)) {
			g[j].ref = &f[i].sb;
		}
	}
	for (j = 0; j < ng; j++) {
		struct group *gr = &g[j];

		gr->n = le32toh(gr->ref->k) + le32toh(gr->ref->m);
		for (i = 0; i < MAX_N; i++)
			gr->slot[i] = -1;
		group_name(gr, conf);
		for (i = 0; i < nf; i++) {
			const struct dm_ec_sb *sb = &f[i].sb;
			unsigned int idx = le32toh(sb->member_index);	/* < n: sb_check */

			if (memcmp(sb->array_uuid, gr->ref->array_uuid, 16))
				continue;
			if (!same_geometry(sb, gr->ref) ||
			    memcmp(sb->member_uuid, gr->ref->member_uuids[idx], 16)) {
				fprintf(stderr, "%s: %s: %s: not the member the newest superblock expects in slot %u (left out)\n",
					who, gr->name, f[i].path, idx);
				continue;
			}
			if (gr->slot[idx] >= 0) {
				const struct found *o = &f[gr->slot[idx]];

				if (le64toh(sb->events) <= le64toh(o->sb.events)) {
					fprintf(stderr, "%s: %s: %s: a second device for slot %u (left out; %s is used)\n",
						who, gr->name, f[i].path, idx, o->path);
					continue;
				}
				fprintf(stderr, "%s: %s: %s: a second device for slot %u (left out; %s is used)\n",
					who, gr->name, o->path, idx, f[i].path);
			} else {
				gr->present++;
			}
			gr->slot[idx] = i;
			if (le64toh(sb->events) < le64toh(gr->ref->events))
				fprintf(stderr, "%s: %s: %s: stale (events %" PRIu64 " < %" PRIu64 "): the kernel resyncs slot %u from the bitmap\n",
					who, gr->name, f[i].path,
					(uint64_t)le64toh(sb->events),
					(uint64_t)le64toh(gr->ref->events), idx);
		}
	}
	for (i = 0; i < ng; i++)
		for (j = 0; j < ng; j++)
			if (i != j && !strcmp(g[i].name, g[j].name))
				g[i].clash = true;
	return ng;
}

/* Start one group as a volume; 0, or 1 (said). */
static int start(const struct group *g, const struct found *f,
		 const struct vol_list *vols, bool degraded, bool readonly)
{
	unsigned int k = le32toh(g->ref->k), m = le32toh(g->ref->m), i;
	char params[8192], dummy[16], miss[200] = "";
	struct ec_table t = { .k = k, .m = m };
	const struct vol_info *av;
	char devs[MAX_N][24];
	uint64_t len, sz;
	struct dm_task *dmt;
	size_t o = 0;
	bool is_ec;
	int ok;

	if (g->clash) {
		char u[40];

		uuid_str(g->ref->array_uuid, u);
		err("%s: two volumes claim this name (this one: %s): neither is started",
		    g->name, u);
		return 1;
	}
	av = active_volume(vols, g->ref->array_uuid);
	if (av) {
		printf("%s: already active%s%s\n", g->name,
		       strcmp(av->name, g->name) ? " as " : "",
		       strcmp(av->name, g->name) ? av->name : "");
		return 0;
	}
	if (dm_get_table(g->name, &sz, dummy, sizeof(dummy), &is_ec) == 0) {
		err("%s: a device-mapper device of that name exists%s: not started",
		    g->name, is_ec ? " (another dm-ec volume)" : "");
		return 1;
	}
	for (i = 0; i < g->n; i++)
		if (g->slot[i] < 0)
			buf_add(miss, sizeof(miss), &o, "%s%u", o ? " " : "", i);
	if (g->present < k) {
		err("%s: only %u of the %u members needed are present (missing slots: %s): not started",
		    g->name, g->present, k, miss);
		return 1;
	}
	if (g->present < g->n && !degraded) {
		err("%s: %u of %u members missing (slots %s): not started (--degraded starts it anyway)",
		    g->name, g->n - g->present, g->n, miss);
		return 1;
	}
	t.chunk = le32toh(g->ref->chunk_sectors);
	t.ndev = g->n;
	for (i = 0; i < g->n; i++) {
		if (g->slot[i] < 0) {
			t.dev[i] = "-";
			continue;
		}
		snprintf(devs[i], sizeof(devs[i]), "%u:%u", f[g->slot[i]].maj,
			 f[g->slot[i]].min);
		t.dev[i] = devs[i];
	}
	len = (uint64_t)k * le64toh(g->ref->data_sectors);
	if (table_format(&t, params, sizeof(params), g->name))
		return 1;
	dmt = dm_task_create(DM_DEVICE_CREATE);
	ok = dmt && dm_task_set_name(dmt, g->name) &&
	     (!(readonly || g->readonly) || dm_task_set_ro(dmt)) &&
	     dm_task_add_target(dmt, 0, len, DM_EC_TARGET_NAME, params) &&
	     !dm_run(dmt, true);
	if (dmt)
		dm_task_destroy(dmt);
	if (!ok) {
		err("%s: cannot start the volume (the kernel log says why)", g->name);
		return 1;
	}
	printf("%s: started from %u of %u members (%u+%u)%s%s%s%s\n", g->name,
	       g->present, g->n, k, m, g->present < g->n ? ", degraded: slots " : "",
	       g->present < g->n ? miss : "", g->present < g->n ? " missing" : "",
	       readonly || g->readonly ? ", read-only" : "");
	return 0;
}

/*
 * --incremental DEV (udev, for each device that appears): start DEV's
 * volume once every member is present; until then say how many are.
 * Volumes ecctl.conf keeps from starting on their own are left alone.
 * Exit 0 unless DEV is not a member or the start fails.
 */
static int incremental(const char *dev, const struct group *g, unsigned int ng,
		       const struct found *f, const struct vol_list *vols,
		       bool readonly)
{
	struct sb_read r[2];
	unsigned int i;
	int best;

	best = sb_read_path(dev, r, "not a dm-ec member");
	if (best < 0)
		return 1;
	for (i = 0; i < ng; i++) {
		if (memcmp(g[i].ref->array_uuid, r[best].sb.array_uuid, 16))
			continue;
		if (!g[i].auto_start && !active_volume(vols, g[i].ref->array_uuid)) {
			printf("%s: not started on its own (auto no in %s; ecctl assemble %s starts it)\n",
			       g[i].name, conf_path(), g[i].name);
			return 0;
		}
		if (g[i].present < g[i].n) {
			if (!active_volume(vols, g[i].ref->array_uuid)) {
				printf("%s: %u of %u members present, waiting (ecctl assemble %s --degraded starts it now)\n",
				       g[i].name, g[i].present, g[i].n, g[i].name);
				return 0;
			}
		}
		return start(&g[i], f, vols, false, readonly);
	}
	err("%s: its volume was not found among the block devices", dev);
	return 1;
}

int cmd_assemble(int argc, char **argv)
{
	bool scan_all = false, degraded = false, readonly = false;
	const char *inc = NULL;
	const struct opt opts[] = {
		OPT_FLAG("scan", 0, &scan_all), OPT_FLAG("degraded", 0, &degraded),
		OPT_FLAG("readonly", 0, &readonly), OPT_ARG("incremental", 0, &inc),
		OPT_END
	};
	struct vol_list vols = { 0 };
	struct conf conf;
	struct group *g = NULL;
	struct found *f = NULL;
	unsigned int nf, ng, i, started = 0;
	const char *name = NULL;
	int rc;

	rc = parse_opts(argc, argv, opts);
	if (rc >= 0)
		return rc;
	if (inc && (scan_all || degraded || argc != optind))
		return usage_err("--incremental takes one device and no other volume");
	if (!inc && (scan_all == (argc - optind == 1) || argc - optind > 1))
		return usage_err("a volume name, or --scan, is needed");
	if (!scan_all)
		name = argv[optind];
	if (conf_load(&conf))
		return 1;
	/*
	 * Volumes already active: their own data is not scanned, and their
	 * members are not started twice. Without the module there are none.
	 */
	if (access("/sys/module/dm_ec", F_OK) == 0 &&
	    (nl_open() || get_volumes(NULL, &vols))) {
		conf_free(&conf);
		return 1;
	}
	nf = scan(&f, &vols);
	g = calloc(nf ? nf : 1, sizeof(*g));	/* at most one volume per device */
	if (!g) {
		err("out of memory");
		rc = 1;
		goto out;
	}
	ng = group(f, nf, g, &conf);
	if (inc) {
		rc = incremental(inc, g, ng, f, &vols, readonly);
		goto out;
	}
	rc = 0;
	for (i = 0; i < ng; i++) {
		if (name && strcmp(g[i].name, name))
			continue;
		started++;
		if (!name && !g[i].auto_start) {
			printf("%s: not started (auto no in %s; ecctl assemble %s starts it)\n",
			       g[i].name, conf_path(), g[i].name);
			continue;
		}
		if (start(&g[i], f, &vols, degraded, readonly))
			rc = 1;
	}
	if (name && !started) {
		err("%s: no member of a volume of that name found", name);
		rc = 1;
	} else if (!name && !ng) {
		printf("no dm-ec members found\n");
	}
out:
	conf_free(&conf);
	free(g);
	free(f);
	free(vols.v);
	return rc;
}
