// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: status and list: a volume for humans, scripts and exit codes.
 */
#include "ecctl.h"

/* Volume state for humans, scripts and exit codes                     */

static bool vol_rebuilding(const struct vol_info *v)
{
	return v->action == DM_EC_ACTION_REBUILD;
}

/* The kernel's view, "health" in every JSON output: "ok", "degraded", "data_lost". */
static const char *health_name(const struct vol_info *v)
{
	return v->health == DM_EC_HEALTH_OK ? "ok" :
	       v->health == DM_EC_HEALTH_DEGRADED ? "degraded" : "data_lost";
}

/* "healthy", "degraded", "rebuilding", "failed" */
const char *vol_state(const struct vol_info *v)
{
	if (v->health == DM_EC_HEALTH_DATA_LOST)
		return "failed";
	if (vol_rebuilding(v))
		return "rebuilding";
	if (v->health == DM_EC_HEALTH_DEGRADED)
		return "degraded";
	return "healthy";
}

int vol_exit(const struct vol_info *v)
{
	if (v->health == DM_EC_HEALTH_DATA_LOST)
		return EXIT_LOST;
	if (v->health == DM_EC_HEALTH_DEGRADED || vol_rebuilding(v))
		return EXIT_DEGRADED;
	return 0;
}

double vol_percent(const struct vol_info *v)
{
	return v->sync_total ? 100.0 * v->sync_done / v->sync_total : 0;
}

bool action_running(unsigned int a)
{
	return a != DM_EC_ACTION_IDLE && a != DM_EC_ACTION_FROZEN;
}

/* A member's UUID (40 bytes) and device path ("-" without one). */
static void member_str(const struct member_info *mi, char *uuid, char *path,
		       size_t len)
{
	uuid_str(mi->uuid, uuid);
	if (mi->has_dev)
		dev_path(kdev_major(mi->dev), kdev_minor(mi->dev), path, len);
	else
		snprintf(path, len, "-");
}

/*
 * What the admin should do, one sentence each (as zpool status's
 * "action:"): status prints them as "advice:" lines, --json as "advice".
 * Returns how many were written into out[].
 */
#define MAX_ADVICE	(MAX_N + 4)
#define ADVICE_LEN	1024
static unsigned int vol_advice(const struct vol_info *v, char out[][ADVICE_LEN])
{
	unsigned int n = 0, i;
	char p[300], u[40];

	if (v->health == DM_EC_HEALTH_DATA_LOST)
		snprintf(out[n++], ADVICE_LEN,
			 "data is lost (%u members lost, %u tolerated): bring back members that are only disconnected (ecctl rebuild %s re-adds those present), else restore from a backup",
			 v->lost, v->m, v->name);
	for (i = 0; i < v->n && n < MAX_ADVICE - 3; i++) {
		const struct member_info *mi = &v->mem[i];

		member_str(mi, u, p, sizeof(p));
		if (mi->state == DM_EC_MSTATE_FAILED && mi->has_dev)
			snprintf(out[n++], ADVICE_LEN,
				 "member %u (%s) failed: replace it (ecctl replace %s %u <new-device>), or if the fault has passed, ecctl rebuild %s",
				 i, p, v->name, i, v->name);
		else if (mi->state == DM_EC_MSTATE_FAILED || mi->state == DM_EC_MSTATE_MISSING)
			snprintf(out[n++], ADVICE_LEN,
				 "member %u is missing: connect it again and restart the volume (ecctl assemble), or replace it (ecctl replace %s %u <new-device>)",
				 i, v->name, i);
	}
	if (v->action == DM_EC_ACTION_FROZEN)
		snprintf(out[n++], ADVICE_LEN, "background work is frozen: ecctl rebuild %s resumes it",
			 v->name);
	else if ((vol_rebuilding(v) || v->action == DM_EC_ACTION_RESYNC) &&
		 v->health != DM_EC_HEALTH_DATA_LOST)
		snprintf(out[n++], ADVICE_LEN,
			 "%s running: leave the members in place until it ends (ecctl can-remove %s <member> says which may go)",
			 v->action == DM_EC_ACTION_RESYNC ? "a sync of parity" : "a rebuild",
			 v->name);
	if (v->mismatch && (v->action == DM_EC_ACTION_IDLE) && v->last_valid &&
	    v->last_action == DM_EC_ACTION_CHECK)
		snprintf(out[n++], ADVICE_LEN,
			 "the last check found %" PRIu64 " mismatched sectors: ecctl scrub %s --repair rewrites them",
			 v->mismatch, v->name);
	return n;
}

void print_json_volume(FILE *f, const struct vol_info *v)
{
	char adv[MAX_ADVICE][ADVICE_LEN];
	unsigned int na;
	char u[40], p[300], t[40];
	unsigned int i;
	bool first = true;

	uuid_str(v->uuid, u);
	fprintf(f, "{\"name\": ");
	json_str(f, v->name);
	fprintf(f, ", \"dev\": \"%u:%u\", \"uuid\": \"%s\"", kdev_major(v->dev),
		kdev_minor(v->dev), u);
	fprintf(f, ", \"k\": %u, \"m\": %u, \"chunk_sectors\": %u", v->k, v->m,
		v->chunk);
	fprintf(f, ", \"sectors\": %" PRIu64 ", \"size_bytes\": %" PRIu64,
		v->sectors, v->sectors * 512);
	fprintf(f, ", \"codec\": ");
	json_str(f, v->codec);
	fprintf(f, ", \"state\": \"%s\", \"health\": \"%s\", \"lost\": %u",
		vol_state(v), health_name(v), v->lost);
	if (v->redundancy >= 0)
		fprintf(f, ", \"redundancy\": %d", v->redundancy);
	fprintf(f, ", \"sync_action\": \"%s\", \"sync_done\": %" PRIu64
		", \"sync_total\": %" PRIu64 ", \"sync_percent\": %.1f",
		action_name(v->action), v->sync_done, v->sync_total,
		vol_percent(v));
	fprintf(f, ", \"mismatch_cnt\": %" PRIu64, v->mismatch);
	fprintf(f, ", \"decode_cache\": {\"hits\": %" PRIu64 ", \"misses\": %"
		PRIu64 "}", v->hits, v->misses);
	fprintf(f, ", \"max_rebuild_rate\": %u, \"events\": %" PRIu64
		", \"sync_runs\": %" PRIu64, v->rate, v->events, v->runs);
	fprintf(f, ", \"flags\": [");
	if (v->flags & DM_EC_VF_SYNCED) {
		fprintf(f, "\"synced\"");
		first = false;
	}
	if (v->flags & DM_EC_VF_CLEAN) {
		fprintf(f, "%s\"clean\"", first ? "" : ", ");
		first = false;
	}
	if (v->flags & DM_EC_VF_NOSYNC)
		fprintf(f, "%s\"nosync\"", first ? "" : ", ");
	fprintf(f, "]");
	if (v->last_valid) {
		fmt_time(v->last_time, t, sizeof(t));
		fprintf(f, ", \"last_sync\": {\"action\": \"%s\", \"result\": \"%s\", "
			"\"time\": \"%s\", \"mismatch_cnt\": %" PRIu64 "}",
			action_name(v->last_action), result_name(v->last_result),
			t, v->last_mismatch);
	} else {
		fprintf(f, ", \"last_sync\": null");
	}
	na = vol_advice(v, adv);
	fprintf(f, ", \"advice\": [");
	for (i = 0; i < na; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_str(f, adv[i]);
	}
	fprintf(f, "]");
	fprintf(f, ", \"members\": [");
	for (i = 0; i < v->n; i++) {
		const struct member_info *mi = &v->mem[i];

		member_str(mi, u, p, sizeof(p));
		fprintf(f, "%s{\"index\": %u, ", i ? ", " : "", i);
		if (mi->has_dev) {
			fprintf(f, "\"dev\": \"%u:%u\", \"device\": ",
				kdev_major(mi->dev), kdev_minor(mi->dev));
			json_str(f, p);
		} else {
			fprintf(f, "\"dev\": null, \"device\": null");
		}
		fprintf(f, ", \"uuid\": \"%s\", \"state\": \"%s\", \"state_char\": \"%c\""
			", \"read_errors\": %u, \"write_errors\": %u}", u,
			mstate_name(mi->state),
			mstate_char(mi->state),
			mi->read_errors, mi->write_errors);
	}
	fprintf(f, "]}");
}

/* A second sample for the rate and ETA of a running sync. */
static void vol_eta(const struct vol_info *a, const struct vol_info *b,
		    double dt, char *out, size_t len)
{
	double rate;
	char d[32];

	out[0] = '\0';
	if (!b || b->action != a->action || b->sync_done <= a->sync_done ||
	    dt <= 0)
		return;
	rate = (b->sync_done - a->sync_done) / dt;
	fmt_duration((b->sync_total - b->sync_done) / rate, d, sizeof(d));
	snprintf(out, len, ", ETA %s", d);
}

void print_volume(const struct vol_info *v, const struct vol_info *v2,
		  double dt)
{
	char u[40], size[32], chunk[32], t[40], p[300], eta[64];
	char adv[MAX_ADVICE][ADVICE_LEN];
	unsigned int i, na;

	uuid_str(v->uuid, u);
	human_size(v->sectors * 512, size, sizeof(size));
	human_size((uint64_t)v->chunk * 512, chunk, sizeof(chunk));
	printf("%s (%u:%u)\n", v->name, kdev_major(v->dev), kdev_minor(v->dev));
	printf("         uuid: %s\n", u);
	printf("     geometry: %u+%u (k data + m parity), chunk %s, %s (%" PRIu64
	       " sectors)\n", v->k, v->m, chunk, size, v->sectors);
	printf("        codec: %s\n", v->codec);
	printf("        state: ");
	if (v->health == DM_EC_HEALTH_DATA_LOST)
		printf("failed: data lost (%u members lost, %u tolerated)\n",
		       v->lost, v->m);
	else if (vol_rebuilding(v)) {
		vol_eta(v, v2, dt, eta, sizeof(eta));
		printf("rebuilding %.1f%%%s", vol_percent(v2 ? v2 : v), eta);
		if (v->lost)
			printf(", degraded (%u of %u parity lost)", v->lost, v->m);
		printf("\n");
	} else if (v->health == DM_EC_HEALTH_DEGRADED && v->lost)
		printf("degraded (%u of %u parity lost)\n", v->lost, v->m);
	else if (v->health == DM_EC_HEALTH_DEGRADED)
		printf("degraded (not yet in sync: %d of %u members may fail)\n",
		       v->redundancy < 0 ? 0 : v->redundancy, v->m);
	else
		printf("healthy\n");
	printf("       action: %s", action_name(v->action));
	if (action_running(v->action)) {
		vol_eta(v, v2, dt, eta, sizeof(eta));
		printf(" %.1f%% (%" PRIu64 "/%" PRIu64 " sectors)%s",
		       vol_percent(v2 ? v2 : v), v->sync_done, v->sync_total, eta);
	}
	printf("\n");
	if (v->last_valid) {
		fmt_time(v->last_time, t, sizeof(t));
		printf("     last run: %s %s at %s", action_name(v->last_action),
		       result_name(v->last_result), t);
		if (v->last_action == DM_EC_ACTION_CHECK ||
		    v->last_action == DM_EC_ACTION_REPAIR)
			printf(", %" PRIu64 " mismatched sectors", v->last_mismatch);
		printf("\n");
	} else {
		printf("     last run: none since activation\n");
	}
	printf("   last scrub: %" PRIu64 " mismatched sectors\n", v->mismatch);
	printf(" decode cache: %" PRIu64 " hits, %" PRIu64 " misses\n", v->hits,
	       v->misses);
	if (v->rate)
		printf(" rebuild rate: %u KiB/s max\n", v->rate);
	na = vol_advice(v, adv);
	for (i = 0; i < na; i++)
		printf("       advice: %s\n", adv[i]);
	printf("\n  %-5s %-24s %-8s %6s %6s  %s\n", "index", "device", "state",
	       "rerr", "werr", "uuid");
	for (i = 0; i < v->n; i++) {
		const struct member_info *mi = &v->mem[i];

		member_str(mi, u, p, sizeof(p));
		printf("  %-5u %-24s %-8s %6u %6u  %s\n", i, p,
		       mstate_name(mi->state), mi->read_errors,
		       mi->write_errors, u);
	}
}

int cmd_status(int argc, char **argv)
{
	struct vol_list l = { 0 }, l2 = { 0 };
	bool json = false, running = false, prom = false;
	const struct opt opts[] = {
		OPT_FLAG("json", 0, &json), OPT_FLAG("prometheus", 0, &prom), OPT_END
	};
	const char *name = NULL;
	int rc = 0, e;
	unsigned int i;
	double t0 = 0, dt = 0;

	rc = parse_opts(argc, argv, opts);
	if (rc >= 0)
		return rc;
	rc = 0;
	if (argc - optind > 1)
		return usage_err("at most one volume name");
	if (optind < argc)
		name = argv[optind];
	if (json && prom)
		return usage_err("--json and --prometheus are exclusive");
	if (get_volumes(name, &l))
		return 1;
	if (prom) {
		/* for a textfile collector: exit 0 whatever the health */
		print_prometheus(stdout, &l);
		free(l.v);
		return fflush(stdout) ? 1 : 0;
	}
	for (i = 0; i < l.nr; i++)
		running |= action_running(l.v[i].action);
	/* A second look for the rate and ETA of running work. */
	if (running && !json) {
		t0 = now_s();
		usleep(500000);
		if (get_volumes(name, &l2) || l2.nr != l.nr) {
			free(l2.v);
			l2.v = NULL;
			l2.nr = 0;
		}
		dt = now_s() - t0;
	}
	if (json && name) {
		print_json_volume(stdout, &l.v[0]);
		printf("\n");
	} else if (json) {
		printf("{\"volumes\": [");
		for (i = 0; i < l.nr; i++) {
			printf("%s", i ? ", " : "");
			print_json_volume(stdout, &l.v[i]);
		}
		printf("]}\n");
	} else {
		for (i = 0; i < l.nr; i++) {
			const struct vol_info *v2 = NULL;

			if (l2.nr == l.nr && !strcmp(l2.v[i].name, l.v[i].name))
				v2 = &l2.v[i];
			if (i)
				printf("\n");
			print_volume(&l.v[i], v2, dt);
		}
		if (!l.nr && !name)
			printf("no dm-ec volumes\n");
	}
	for (i = 0; i < l.nr; i++) {
		e = vol_exit(&l.v[i]);
		if (e > rc)
			rc = e;
	}
	free(l.v);
	free(l2.v);
	return rc;
}

int cmd_list(int argc, char **argv)
{
	struct vol_list l = { 0 };
	bool json = false;
	const struct opt opts[] = { OPT_FLAG("json", 0, &json), OPT_END };
	unsigned int i, j;
	int rc;

	rc = parse_opts(argc, argv, opts);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return usage_err("no arguments expected");
	if (get_volumes(NULL, &l))
		return 1;
	if (json)
		printf("{\"volumes\": [");
	else if (l.nr)
		printf("%-20s %-9s %-6s %12s  %-10s %s\n", "NAME", "DEV", "K+M",
		       "SIZE", "STATE", "HEALTH");
	for (i = 0; i < l.nr; i++) {
		const struct vol_info *v = &l.v[i];
		char size[32], geo[16], dev[24], health[MAX_N + 1];

		for (j = 0; j < v->n; j++)
			health[j] = mstate_char(v->mem[j].state);
		health[v->n] = '\0';
		snprintf(dev, sizeof(dev), "%u:%u", kdev_major(v->dev),
			 kdev_minor(v->dev));
		if (json) {
			printf("%s{\"name\": ", i ? ", " : "");
			json_str(stdout, v->name);
			printf(", \"dev\": \"%s\", \"k\": %u, \"m\": %u, \"sectors\": %"
			       PRIu64 ", \"state\": \"%s\", \"health\": \"%s\", "
			       "\"state_chars\": \"%s\", \"lost\": %u",
			       dev, v->k, v->m, v->sectors, vol_state(v),
			       health_name(v), health, v->lost);
			if (v->redundancy >= 0)
				printf(", \"redundancy\": %d", v->redundancy);
			printf(", \"sync_action\": \"%s\"}", action_name(v->action));
			continue;
		}
		human_size(v->sectors * 512, size, sizeof(size));
		snprintf(geo, sizeof(geo), "%u+%u", v->k, v->m);
		printf("%-20s %-9s %-6s %12s  %-10s %s\n", v->name, dev, geo, size,
		       vol_state(v), health);
	}
	if (json)
		printf("]}\n");
	else if (!l.nr)
		printf("no dm-ec volumes\n");
	free(l.v);
	return 0;
}
