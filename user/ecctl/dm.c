// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: libdevmapper and the table line: one parser, one builder.
 *
 * The table line is include/uapi/linux/dm-ec-table.h's, which the kernel
 * parses too. ecctl builds it for create and re-parses what the kernel
 * emits to reload it with other devices or rebuild options: strictly,
 * since a table it misread would be loaded back.
 */
#include <libdevmapper.h>
#include "ecctl.h"

/* A device path goes into a table line as one word. */
bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

/* A table word that must be a number in 0..max. */
static bool tok_num(const char *t, unsigned long long max, unsigned int *out)
{
	unsigned long long v;

	if (parse_num(t, NULL, max, &v))
		return false;
	*out = v;
	return true;
}

/*
 * Split line (modified) into t, whose words point into it:
 * <k> <m> <chunk_sectors> <#opt_args> <opt>... <dev_0>...<dev_{k+m-1}>.
 * Every count is checked before it places a word. Returns 0, -E2BIG for
 * more than TABLE_MAX_WORDS words, -EINVAL for any other mismatch.
 */
int table_parse(char *line, struct ec_table *t)
{
	char *tok[TABLE_MAX_WORDS], *save = NULL, *p;
	unsigned int ntok = 0, i;

	for (p = strtok_r(line, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		if (ntok == TABLE_MAX_WORDS)
			return -E2BIG;
		tok[ntok++] = p;
	}
	if (ntok < 4 || !tok_num(tok[0], LIBEC_MAX_K, &t->k) ||
	    !tok_num(tok[1], LIBEC_MAX_M, &t->m) ||
	    !tok_num(tok[2], DM_EC_CHUNK_MAX, &t->chunk) ||
	    !tok_num(tok[3], ntok - 4, &t->nopt) || t->k < 1 || t->m < 1 ||
	    t->k + t->m > MAX_N || 4 + t->nopt + t->k + t->m != ntok)
		return -EINVAL;
	t->ndev = t->k + t->m;
	for (i = 0; i < t->nopt; i++)
		t->opt[i] = tok[4 + i];
	for (i = 0; i < t->ndev; i++)
		t->dev[i] = tok[4 + t->nopt + i];
	return 0;
}

/* t as one table line in out; -1 (said, naming volume name) if it cannot be. */
int table_format(const struct ec_table *t, char *out, size_t size,
		 const char *name)
{
	unsigned int i;
	size_t o = 0;

	buf_add(out, size, &o, "%u %u %u %u", t->k, t->m, t->chunk, t->nopt);
	for (i = 0; i < t->nopt; i++)
		buf_add(out, size, &o, " %s", t->opt[i]);
	for (i = 0; i < t->ndev; i++) {
		if (has_space(t->dev[i])) {
			err("'%s': a device path with white space cannot go in a table line",
			    t->dev[i]);
			return -1;
		}
		buf_add(out, size, &o, " %s", t->dev[i]);
	}
	if (o >= size) {
		err("%s: table line too long", name);
		return -1;
	}
	return 0;
}

int dm_run(struct dm_task *dmt, bool udev)
{
	uint32_t cookie = 0;
	int ok;

	if (udev && !dm_task_set_cookie(dmt, &cookie, 0))
		return -1;
	ok = dm_task_run(dmt);
	if (udev)
		dm_udev_wait(cookie);
	return ok ? 0 : -1;
}

/*
 * One dm task on device name: DM_DEVICE_CREATE or _RELOAD with one "ec"
 * target of len sectors and the given table, or without a table
 * (_REMOVE, _SUSPEND, _RESUME, _CLEAR: table NULL). udev: wait for udev
 * to have handled it (nodes created or gone).
 */
int dm_do(int type, const char *name, uint64_t len, const char *table,
	  bool udev)
{
	struct dm_task *dmt = dm_task_create(type);
	int ret = -1;

	if (dmt && dm_task_set_name(dmt, name) &&
	    (!table || dm_task_add_target(dmt, 0, len, DM_EC_TARGET_NAME, table)))
		ret = dm_run(dmt, udev);
	if (dmt)
		dm_task_destroy(dmt);
	return ret;
}

/* A task of type on device name run, its info in *info; NULL if it failed. */
static struct dm_task *dm_query(int type, const char *name,
				struct dm_info *info)
{
	struct dm_task *dmt = dm_task_create(type);

	if (dmt && dm_task_set_name(dmt, name) && dm_task_run(dmt) &&
	    dm_task_get_info(dmt, info))
		return dmt;
	if (dmt)
		dm_task_destroy(dmt);
	return NULL;
}

/*
 * Is there a dm device of this name (0, or -ENOENT; -1 if dm cannot say);
 * is it an ec volume (its table in params, its length in *len)?
 */
int dm_get_table(const char *name, uint64_t *len, char *params, size_t plen,
		 bool *is_ec)
{
	struct dm_task *dmt;
	struct dm_info info;
	uint64_t start, length;
	char *type = NULL, *par = NULL;

	*is_ec = false;
	dmt = dm_query(DM_DEVICE_INFO, name, &info);
	if (!dmt)
		return -1;
	dm_task_destroy(dmt);
	if (!info.exists)
		return -ENOENT;
	dmt = dm_query(DM_DEVICE_TABLE, name, &info);
	if (!dmt)
		return -1;
	if (!info.exists) {
		dm_task_destroy(dmt);
		return -ENOENT;
	}
	/* One target, "ec", whose line fits: anything else is not ours. */
	if (!dm_get_next_target(dmt, NULL, &start, &length, &type, &par) &&
	    type && !strcmp(type, DM_EC_TARGET_NAME) && par && strlen(par) < plen) {
		*is_ec = true;
		*len = length;
		snprintf(params, plen, "%s", par);
	}
	dm_task_destroy(dmt);
	return 0;
}

/* The table of a dm-ec volume, or a message naming why not. */
int check_ec(const char *name, uint64_t *len, char *params, size_t plen)
{
	bool is_ec;
	int r = dm_get_table(name, len, params, plen, &is_ec);

	if (r == -ENOENT) {
		err("%s: no such volume", name);
		return -1;
	}
	if (r) {
		err("%s: cannot read the device-mapper table", name);
		return -1;
	}
	if (!is_ec) {
		err("%s: not a dm-ec volume", name);
		return -1;
	}
	return 0;
}
/*
 * The options of t, kept for a reload (into nt): max_rebuild_rate and
 * region_size with their value, any other word as it is, rebuild only
 * for members still syncing (those go into *rebuild). -1 if they do not
 * fit.
 */
static int reload_opts(const struct vol_info *v, const struct ec_table *t,
		       struct ec_table *nt, unsigned long *rebuild)
{
	static char num[MAX_N][12];
	unsigned int i, j;
	size_t len = 0;

	nt->nopt = 0;
	for (i = 0; i < t->nopt; i++) {
		const char *w = t->opt[i];

		if (!strcmp(w, DM_EC_OPT_REBUILD) && i + 1 < t->nopt) {
			if (tok_num(t->opt[i + 1], v->n - 1, &j) &&
			    v->mem[j].state == DM_EC_MSTATE_SYNCING)
				*rebuild |= 1UL << j;
			i++;
			continue;
		}
		if (!strcmp(w, DM_EC_OPT_RATE) || !strcmp(w, DM_EC_OPT_REGION)) {
			if (i + 1 >= t->nopt)
				break;
			nt->opt[nt->nopt++] = t->opt[i++];
		}
		nt->opt[nt->nopt++] = t->opt[i];
	}
	for (j = 0; j < v->n; j++) {
		if (!(*rebuild & (1UL << j)))
			continue;
		if (nt->nopt + 2 > TABLE_MAX_WORDS)
			return -1;
		snprintf(num[j], sizeof(num[j]), "%u", j);
		nt->opt[nt->nopt++] = DM_EC_OPT_REBUILD;
		nt->opt[nt->nopt++] = num[j];
	}
	for (i = 0; i < nt->nopt; i++)
		len += 1 + strlen(nt->opt[i]);
	return len < TABLE_MAX_OPTS_LEN ? 0 : -1;
}

/*
 * Reload the table of v with the member devices in devs[] (NULL: keep)
 * and 'rebuild <idx>' for every bit in rebuild; other rebuild options are
 * kept only for members still syncing. The table read back from the
 * kernel is parsed strictly; if the new table does not resume, the
 * previous one is loaded and resumed again.
 */
int reload(const struct vol_info *v, char **devs, unsigned long rebuild)
{
	char params[8192], orig[8192], out[8192];
	struct ec_table t, nt;
	unsigned int j;
	uint64_t len;
	int e;

	if (check_ec(v->name, &len, params, sizeof(params)))
		return -1;
	memcpy(orig, params, sizeof(orig));
	e = table_parse(params, &t);
	if (e == -E2BIG) {
		err("%s: cannot parse the table: more than %u words", v->name,
		    TABLE_MAX_WORDS);
		return -1;
	}
	if (e || t.ndev != v->n) {
		err("%s: cannot parse the table", v->name);
		return -1;
	}
	nt = t;
	if (reload_opts(v, &t, &nt, &rebuild)) {
		err("%s: table line too long (options)", v->name);
		return -1;
	}
	for (j = 0; j < v->n; j++)
		if (devs && devs[j])
			nt.dev[j] = devs[j];
	if (table_format(&nt, out, sizeof(out), v->name))
		return -1;

	if (dm_do(DM_DEVICE_RELOAD, v->name, len, out, false)) {
		err("%s: cannot load the new table (the kernel log says why)",
		    v->name);
		return -1;
	}
	if (dm_do(DM_DEVICE_SUSPEND, v->name, 0, NULL, false)) {
		err("%s: cannot suspend the volume", v->name);
		/* Drop the inactive table again. */
		dm_do(DM_DEVICE_CLEAR, v->name, 0, NULL, false);
		return -1;
	}
	if (dm_do(DM_DEVICE_RESUME, v->name, 0, NULL, true)) {
		err("%s: cannot resume the volume with the new table (the kernel log says why)",
		    v->name);
		/* Never leave it suspended: back to the table it had. */
		if (dm_do(DM_DEVICE_RELOAD, v->name, len, orig, false) ||
		    dm_do(DM_DEVICE_RESUME, v->name, 0, NULL, true)) {
			err("%s: the volume is left suspended: its previous table did not resume either",
			    v->name);
			return -1;
		}
		err("%s: the previous table is live again; nothing was replaced",
		    v->name);
		return -1;
	}
	return 0;
}
