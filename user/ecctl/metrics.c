// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: status --prometheus: every volume as Prometheus metrics in the
 * text exposition format (node_exporter's textfile collector reads it).
 * Names, labels and meanings: Documentation/netlink.md, "Metrics". Rates
 * are left to Prometheus (rate() over the counters and sync_done).
 */
#include "ecctl.h"

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void vol_labels(FILE *f, const struct vol_info *v)
{
	char u[40];

	uuid_str(v->uuid, u);
	fputs("volume=\"", f);
	label(f, v->name);
	fprintf(f, "\",uuid=\"%s\"", u);
}

struct metric {
	const char *name, *type, *help;
};

static const struct metric M_HEALTH = { "dm_ec_volume_health", "gauge",
	"Volume health: 0 ok, 1 degraded (members lost or parity not in sync), 2 data lost." };
static const struct metric M_REDUNDANCY = { "dm_ec_volume_redundancy", "gauge",
	"Members that may still fail before data is lost." };
static const struct metric M_K = { "dm_ec_volume_data_members", "gauge",
	"k: data members per stripe." };
static const struct metric M_M = { "dm_ec_volume_parity_members", "gauge",
	"m: parity members per stripe." };
static const struct metric M_SIZE = { "dm_ec_volume_size_bytes", "gauge",
	"Size of the volume." };
static const struct metric M_MEMBERS = { "dm_ec_volume_members", "gauge",
	"Members by state (in_sync, syncing, failed, missing)." };
static const struct metric M_ACTION = { "dm_ec_sync_action", "gauge",
	"1 for the background work running now (idle, frozen, resync, rebuild, check, repair)." };
static const struct metric M_DONE = { "dm_ec_sync_done_sectors", "gauge",
	"Progress of the current or last sync, in sectors of one member." };
static const struct metric M_TOTAL = { "dm_ec_sync_total_sectors", "gauge",
	"Length of the current or last sync, in sectors of one member." };
static const struct metric M_MISMATCH = { "dm_ec_mismatch_sectors", "gauge",
	"Sectors found inconsistent by the current or last check or repair." };
static const struct metric M_RUNS = { "dm_ec_sync_runs_total", "counter",
	"Syncs, rebuilds and scrubs ended since the volume was loaded." };
static const struct metric M_LAST = { "dm_ec_last_sync_end_timestamp_seconds", "gauge",
	"When the last sync, rebuild or scrub ended (Unix time); absent if none did." };
static const struct metric M_LASTRES = { "dm_ec_last_sync_result", "gauge",
	"1 for the action and result of the last sync, rebuild or scrub." };
static const struct metric M_RATE = { "dm_ec_max_rebuild_rate_kibibytes_per_second", "gauge",
	"The sync throttle, 0 unlimited." };
static const struct metric M_HITS = { "dm_ec_decode_cache_hits_total", "counter",
	"Degraded reads served from the decode cache." };
static const struct metric M_MISSES = { "dm_ec_decode_cache_misses_total", "counter",
	"Degraded reads that decoded." };
static const struct metric M_MSTATE = { "dm_ec_member_state", "gauge",
	"1 for each member's state (in_sync, syncing, failed, missing)." };
static const struct metric M_RERR = { "dm_ec_member_read_errors_total", "counter",
	"Read errors of the member since the volume was loaded." };
static const struct metric M_WERR = { "dm_ec_member_write_errors_total", "counter",
	"Write errors of the member since the volume was loaded." };

static void head(FILE *f, const struct metric *m)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name, m->type);
}

/* NAME{volume,uuid[,extra]} VALUE for every volume */
#define EACH(m, expr) do {						\
	head(f, &(m));							\
	for (i = 0; i < l->nr; i++) {					\
		const struct vol_info *v = &l->v[i];			\
									\
		fprintf(f, "%s{", (m).name);				\
		vol_labels(f, v);					\
		fprintf(f, "} %" PRIu64 "\n", (uint64_t)(expr));	\
	}								\
} while (0)

/* A per-member error counter of every volume: its read or write errors. */
static void member_errors(FILE *f, const struct vol_list *l, const struct metric *m,
			  bool write)
{
	unsigned int i, j;

	head(f, m);
	for (i = 0; i < l->nr; i++)
		for (j = 0; j < l->v[i].n; j++) {
			const struct member_info *mi = &l->v[i].mem[j];

			fprintf(f, "%s{", m->name);
			vol_labels(f, &l->v[i]);
			fprintf(f, ",member=\"%u\"} %u\n", j,
				write ? mi->write_errors : mi->read_errors);
		}
}

static const unsigned int mstates[] = {
	DM_EC_MSTATE_ACTIVE, DM_EC_MSTATE_SYNCING, DM_EC_MSTATE_FAILED,
	DM_EC_MSTATE_MISSING,
};

void print_prometheus(FILE *f, const struct vol_list *l)
{
	unsigned int i, j, s, a;

	EACH(M_HEALTH, v->health == DM_EC_HEALTH_OK ? 0 :
		       v->health == DM_EC_HEALTH_DEGRADED ? 1 : 2);
	head(f, &M_REDUNDANCY);
	for (i = 0; i < l->nr; i++) {
		const struct vol_info *v = &l->v[i];
		int r = v->redundancy >= 0 ? v->redundancy : (int)v->m - (int)v->lost;

		fprintf(f, "%s{", M_REDUNDANCY.name);
		vol_labels(f, v);
		fprintf(f, "} %d\n", r > 0 ? r : 0);
	}
	EACH(M_K, v->k);
	EACH(M_M, v->m);
	EACH(M_SIZE, v->sectors * 512);
	head(f, &M_MEMBERS);
	for (i = 0; i < l->nr; i++) {
		const struct vol_info *v = &l->v[i];

		for (s = 0; s < sizeof(mstates) / sizeof(mstates[0]); s++) {
			unsigned int n = 0;

			for (j = 0; j < v->n; j++)
				n += v->mem[j].state == mstates[s];
			fprintf(f, "%s{", M_MEMBERS.name);
			vol_labels(f, v);
			fprintf(f, ",state=\"%s\"} %u\n", mstate_name(mstates[s]), n);
		}
	}
	head(f, &M_ACTION);
	for (i = 0; i < l->nr; i++) {
		const struct vol_info *v = &l->v[i];

		for (a = 0; a <= DM_EC_ACTION_MAX; a++) {
			fprintf(f, "%s{", M_ACTION.name);
			vol_labels(f, v);
			fprintf(f, ",action=\"%s\"} %d\n", action_name(a), v->action == a);
		}
	}
	EACH(M_DONE, v->sync_done);
	EACH(M_TOTAL, v->sync_total);
	EACH(M_MISMATCH, v->mismatch);
	EACH(M_RUNS, v->runs);
	head(f, &M_LAST);
	for (i = 0; i < l->nr; i++) {
		const struct vol_info *v = &l->v[i];

		if (!v->last_valid)
			continue;
		fprintf(f, "%s{", M_LAST.name);
		vol_labels(f, v);
		fprintf(f, "} %" PRIu64 "\n", v->last_time);
	}
	head(f, &M_LASTRES);
	for (i = 0; i < l->nr; i++) {
		const struct vol_info *v = &l->v[i];

		if (!v->last_valid)
			continue;
		fprintf(f, "%s{", M_LASTRES.name);
		vol_labels(f, v);
		fprintf(f, ",action=\"%s\",result=\"%s\"} 1\n", action_name(v->last_action),
			result_name(v->last_result));
	}
	EACH(M_RATE, v->rate);
	EACH(M_HITS, v->hits);
	EACH(M_MISSES, v->misses);
	head(f, &M_MSTATE);
	for (i = 0; i < l->nr; i++) {
		const struct vol_info *v = &l->v[i];

		for (j = 0; j < v->n; j++) {
			for (s = 0; s < sizeof(mstates) / sizeof(mstates[0]); s++) {
				fprintf(f, "%s{", M_MSTATE.name);
				vol_labels(f, v);
				fprintf(f, ",member=\"%u\",state=\"%s\"} %d\n", j,
					mstate_name(mstates[s]), v->mem[j].state == mstates[s]);
			}
		}
	}
	member_errors(f, l, &M_RERR, false);
	member_errors(f, l, &M_WERR, true);
}
