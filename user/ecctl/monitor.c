// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: monitor: the kernel's events, printed, and for a daemon handed
 * to a program (--program) and to syslog (--syslog).
 *
 * A failure that happened while no monitor ran is not missed: at start
 * the monitor joins the event group, then takes a dump of every volume
 * and raises the events of the states it finds (members failed or
 * missing, degraded, data lost). It keeps what it has reported per
 * volume, so a kernel event for a state the dump already showed is not
 * raised twice; after lost events (ENOBUFS: the socket's buffer
 * overflowed) it takes a dump again and raises what changed. --oneshot
 * does the dump alone and exits with the worst volume's status (as
 * ecctl status: 0 healthy, 3 degraded, 4 data lost).
 *
 * --mail ADDRESS (or "mail" in ecctl.conf) mails failures, data lost and
 * scrubs with mismatches through the system's sendmail (ECCTL_SENDMAIL
 * names another). The program runs for every event, one at a time, in
 * order:
 *   PROG EVENT VOLUME MEMBER DEVICE
 * (MEMBER and DEVICE empty when the event has none) with the details in
 * the environment; Documentation/ecctl.8 lists the names.
 */
#include <signal.h>
#include <syslog.h>
#include <time.h>
#include <sys/wait.h>
#include <netlink/genl/ctrl.h>
#include "ecctl.h"

bool mon_json;

/* One event, from the kernel or found in a dump. */
struct mon_event {
	unsigned int ev;
	char name[DM_EC_NAME_MAX];
	uint32_t dev;
	int member;			/* -1: none */
	char device[64];		/* the member's device node, or "" */
	int lost, m;			/* -1: not given */
	int action;			/* -1: not given */
	uint64_t done, total;
	bool have_mismatch;
	uint64_t mismatch;
	int result;			/* -1: not given */
	bool from_scan;			/* found in a dump, not sent by the kernel */
};

/* What has been reported of one volume. */
struct mon_vol {
	uint8_t uuid[16];
	char name[DM_EC_NAME_MAX];
	uint32_t failed;		/* members reported failed or missing */
	int lost;			/* lost count last reported (-1: none) */
	bool seen;			/* in the last dump */
};

static struct {
	const char *program;
	const char *mail;
	const char *sendmail;
	bool syslog;
	struct mon_vol *vol;
	unsigned int nvol;
	bool tracking;		/* the daemon: dedupe by state */
} mon;

static void mon_time(char *ts, size_t len, bool utc)
{
	struct timespec now;
	char t[40];
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	if (utc)
		gmtime_r(&now.tv_sec, &tm);
	else
		localtime_r(&now.tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, len, "%s.%03ld%s", t, now.tv_nsec / 1000000, utc ? "Z" : "");
}

static void mon_print(const struct mon_event *e)
{
	char ts[64];

	/* Local time for people, UTC ("Z") in JSON as everywhere else. */
	mon_time(ts, sizeof(ts), mon_json);
	if (mon_json) {
		printf("{\"time\": \"%s\", \"event\": \"%s\", \"volume\": ", ts,
		       event_name(e->ev));
		json_str(stdout, e->name);
		printf(", \"dev\": \"%u:%u\"", kdev_major(e->dev), kdev_minor(e->dev));
		if (e->member >= 0)
			printf(", \"member\": %d", e->member);
		if (e->device[0]) {
			printf(", \"device\": ");
			json_str(stdout, e->device);
		}
		if (e->lost >= 0)
			printf(", \"lost\": %d, \"m\": %d", e->lost, e->m);
		if (e->action >= 0)
			printf(", \"action\": \"%s\", \"sync_done\": %" PRIu64
			       ", \"sync_total\": %" PRIu64, action_name(e->action),
			       e->done, e->total);
		if (e->have_mismatch)
			printf(", \"mismatch_cnt\": %" PRIu64, e->mismatch);
		if (e->result >= 0)
			printf(", \"result\": \"%s\"", result_name(e->result));
		if (e->from_scan)
			printf(", \"found\": true");
		printf("}\n");
	} else {
		printf("%s %s %s", ts, e->name, event_name(e->ev));
		if (e->member >= 0)
			printf(" member=%d", e->member);
		if (e->device[0])
			printf(" device=%s", e->device);
		if (e->action >= 0)
			printf(" action=%s progress=%.1f%%", action_name(e->action),
			       e->total ? 100.0 * e->done / e->total : 0.0);
		if (e->result >= 0)
			printf(" result=%s", result_name(e->result));
		if (e->have_mismatch)
			printf(" mismatches=%" PRIu64, e->mismatch);
		if (e->lost >= 0 && e->action < 0)
			printf(" lost=%d/%d", e->lost, e->m);
		if (e->from_scan)
			printf(" (found)");
		printf("\n");
	}
	fflush(stdout);
}

static void setenv_u(const char *k, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	setenv(k, b, 1);
}

/* PROG EVENT VOLUME [MEMBER DEVICE], details in DM_EC_*; waited for. */
static void mon_run(const struct mon_event *e)
{
	char member[12] = "", ts[64], vdev[24];
	int status;
	pid_t pid;

	if (e->member >= 0)
		snprintf(member, sizeof(member), "%d", e->member);
	pid = fork();
	if (pid < 0) {
		err("%s: cannot run %s: %s", e->name, mon.program, strerror(errno));
		return;
	}
	if (pid == 0) {
		mon_time(ts, sizeof(ts), true);
		snprintf(vdev, sizeof(vdev), "%u:%u", kdev_major(e->dev), kdev_minor(e->dev));
		setenv("DM_EC_EVENT", event_name(e->ev), 1);
		setenv("DM_EC_VOLUME", e->name, 1);
		setenv("DM_EC_VOLUME_DEV", vdev, 1);
		setenv("DM_EC_TIME", ts, 1);
		setenv("DM_EC_FOUND", e->from_scan ? "1" : "0", 1);
		if (e->member >= 0)
			setenv("DM_EC_MEMBER", member, 1);
		if (e->device[0])
			setenv("DM_EC_DEVICE", e->device, 1);
		if (e->lost >= 0) {
			setenv_u("DM_EC_LOST", e->lost);
			setenv_u("DM_EC_M", e->m);
		}
		if (e->action >= 0) {
			setenv("DM_EC_ACTION", action_name(e->action), 1);
			setenv_u("DM_EC_SYNC_DONE", e->done);
			setenv_u("DM_EC_SYNC_TOTAL", e->total);
		}
		if (e->have_mismatch)
			setenv_u("DM_EC_MISMATCH_CNT", e->mismatch);
		if (e->result >= 0)
			setenv("DM_EC_RESULT", result_name(e->result), 1);
		/* PROG EVENT VOLUME [MEMBER DEVICE] ("-": no device known) */
		if (e->member >= 0)
			execl(mon.program, mon.program, event_name(e->ev), e->name,
			      member, e->device[0] ? e->device : "-", (char *)NULL);
		else
			execl(mon.program, mon.program, event_name(e->ev), e->name,
			      (char *)NULL);
		fprintf(stderr, "%s: %s: %s\n", who, mon.program, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status))
		err("%s: %s %s exited with status %d", e->name, mon.program,
		    event_name(e->ev), WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		err("%s: %s %s killed by signal %d", e->name, mon.program,
		    event_name(e->ev), WTERMSIG(status));
}

static void mon_syslog(const struct mon_event *e)
{
	int prio = LOG_INFO;

	if (e->ev == DM_EC_EVENT_SYNC_PROGRESS)
		return;
	if (e->ev == DM_EC_EVENT_DATA_LOST)
		prio = LOG_CRIT;
	else if (e->ev == DM_EC_EVENT_MEMBER_FAILED || e->ev == DM_EC_EVENT_DEGRADED)
		prio = LOG_ERR;
	else if (e->have_mismatch && e->mismatch)
		prio = LOG_WARNING;
	if (e->member >= 0)
		syslog(prio, "%s: %s: member %d%s%s%s", e->name, event_name(e->ev),
		       e->member, e->device[0] ? " (" : "", e->device,
		       e->device[0] ? ")" : "");
	else if (e->lost >= 0 && e->action < 0)
		syslog(prio, "%s: %s: %d of %d parity members lost", e->name,
		       event_name(e->ev), e->lost, e->m);
	else if (e->result >= 0)
		syslog(prio, "%s: %s %s: %s, %" PRIu64 " mismatched sectors", e->name,
		       e->action >= 0 ? action_name(e->action) : "sync",
		       event_name(e->ev), result_name(e->result), e->mismatch);
	else
		syslog(prio, "%s: %s", e->name, event_name(e->ev));
}

/* What is worth a mail: failures, data lost, a sync that failed or found mismatches. */
static bool mon_mailworthy(const struct mon_event *e)
{
	return e->ev == DM_EC_EVENT_MEMBER_FAILED || e->ev == DM_EC_EVENT_DEGRADED ||
	       e->ev == DM_EC_EVENT_DATA_LOST ||
	       (e->ev == DM_EC_EVENT_SYNC_FINISHED &&
		(e->result == DM_EC_RESULT_ERROR || (e->have_mismatch && e->mismatch)));
}

/* A mail through the system's sendmail (-t: the recipient from To:). */
static void mon_mail(const struct mon_event *e)
{
	char host[256] = "?", ts[64];
	int pfd[2], status;
	pid_t pid;
	FILE *f;

	if (!mon_mailworthy(e))
		return;
	if (pipe(pfd)) {
		err("%s: cannot mail %s: %s", e->name, mon.mail, strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		err("%s: cannot mail %s: %s", e->name, mon.mail, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		dup2(pfd[0], STDIN_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execl(mon.sendmail, mon.sendmail, "-t", "-oi", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	gethostname(host, sizeof(host) - 1);
	mon_time(ts, sizeof(ts), true);
	f = fdopen(pfd[1], "w");
	if (f) {
		fprintf(f, "To: %s\nSubject: dm-ec: %s: %s", mon.mail, e->name,
			event_name(e->ev));
		if (e->member >= 0)
			fprintf(f, ", member %d%s%s", e->member, e->device[0] ? " " : "",
				e->device);
		fprintf(f, " on %s\nAuto-Submitted: auto-generated\n\n", host);
		fprintf(f, "dm-ec volume %s on %s: %s at %s.\n", e->name, host,
			event_name(e->ev), ts);
		if (e->member >= 0)
			fprintf(f, "Member %d%s%s.\n", e->member, e->device[0] ? ": " : "",
				e->device);
		if (e->lost >= 0 && e->action < 0)
			fprintf(f, "Members lost: %d; the volume survives %d.\n", e->lost, e->m);
		if (e->result >= 0)
			fprintf(f, "%s %s, %" PRIu64 " mismatched sectors.\n",
				e->action >= 0 ? action_name(e->action) : "sync",
				result_name(e->result), e->mismatch);
		fprintf(f, "\nSee: ecctl status %s\n", e->name);
		fclose(f);
	} else {
		close(pfd[1]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		err("%s: mail to %s: %s failed", e->name, mon.mail, mon.sendmail);
}

static void mon_emit(const struct mon_event *e)
{
	mon_print(e);
	if (mon.syslog)
		mon_syslog(e);
	if (mon.mail)
		mon_mail(e);
	if (mon.program)
		mon_run(e);
}

static struct mon_vol *mon_vol_get(const char *name, const uint8_t *uuid)
{
	struct mon_vol *nv;
	unsigned int i;

	for (i = 0; i < mon.nvol; i++)
		if (uuid ? !memcmp(mon.vol[i].uuid, uuid, 16) :
			   !strcmp(mon.vol[i].name, name))
			return &mon.vol[i];
	if (!uuid)
		return NULL;
	nv = realloc(mon.vol, (mon.nvol + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	mon.vol = nv;
	nv = &mon.vol[mon.nvol++];
	memset(nv, 0, sizeof(*nv));
	memcpy(nv->uuid, uuid, 16);
	nv->lost = -1;
	snprintf(nv->name, sizeof(nv->name), "%s", name);
	return nv;
}

static void member_device(const struct vol_info *v, int i, char *out, size_t len)
{
	out[0] = '\0';
	if (v && i >= 0 && (unsigned int)i < v->n && v->mem[i].has_dev)
		dev_path(kdev_major(v->mem[i].dev), kdev_minor(v->mem[i].dev), out, len);
}

static bool bad_state(unsigned int st)
{
	return st == DM_EC_MSTATE_FAILED || st == DM_EC_MSTATE_MISSING;
}

/*
 * A dump's volume against what was reported: the events of what changed
 * (members failed or missing, members back in sync, the lost count).
 */
static void mon_diff(const struct vol_info *v)
{
	struct mon_vol *mv = mon_vol_get(v->name, v->uuid);
	struct mon_event e = { .dev = v->dev, .lost = -1, .m = -1, .action = -1,
			       .result = -1, .from_scan = true };
	unsigned int i;

	if (!mv)
		return;
	mv->seen = true;
	snprintf(mv->name, sizeof(mv->name), "%s", v->name);
	snprintf(e.name, sizeof(e.name), "%s", v->name);
	for (i = 0; i < v->n; i++) {
		bool bad = bad_state(v->mem[i].state), had = mv->failed & (1U << i);

		if (bad == had)
			continue;
		e.ev = bad ? DM_EC_EVENT_MEMBER_FAILED : DM_EC_EVENT_MEMBER_IN_SYNC;
		if (!bad && v->mem[i].state != DM_EC_MSTATE_ACTIVE)
			continue;	/* back but still rebuilding */
		e.member = i;
		member_device(v, i, e.device, sizeof(e.device));
		mv->failed ^= 1U << i;
		mon_emit(&e);
	}
	e.member = -1;
	e.device[0] = '\0';
	if ((int)v->lost != mv->lost && (v->lost || mv->lost > 0)) {
		e.ev = v->health == DM_EC_HEALTH_DATA_LOST ? DM_EC_EVENT_DATA_LOST :
		       DM_EC_EVENT_DEGRADED;
		e.lost = v->lost;
		e.m = v->m;
		if (v->lost)
			mon_emit(&e);
	}
	mv->lost = v->lost;
}

/* A dump of every volume, diffed; the worst exit status (0, 3, 4) or 1. */
static int mon_scan(void)
{
	struct vol_list l = { 0 };
	unsigned int i;
	int worst = 0;

	if (get_volumes(NULL, &l)) {
		free(l.v);
		return 1;
	}
	for (i = 0; i < mon.nvol; i++)
		mon.vol[i].seen = false;
	for (i = 0; i < l.nr; i++) {
		mon_diff(&l.v[i]);
		if (l.v[i].health == DM_EC_HEALTH_DATA_LOST)
			worst = EXIT_LOST;
		else if (l.v[i].health == DM_EC_HEALTH_DEGRADED && worst < EXIT_LOST)
			worst = EXIT_DEGRADED;
	}
	/* volumes removed meanwhile: forgotten */
	for (i = 0; i < mon.nvol;) {
		if (mon.vol[i].seen) {
			i++;
			continue;
		}
		mon.vol[i] = mon.vol[--mon.nvol];
	}
	free(l.v);
	return worst;
}

/* A kernel event: parsed, checked against what was reported, emitted. */
int mon_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[DM_EC_A_MAX + 1];
	struct mon_event e = { .member = -1, .lost = -1, .m = -1, .action = -1,
			       .result = -1 };
	struct mon_vol *mv;
	struct vol_info v;
	bool have_v = false;

	if (!genlmsg_valid_hdr(nlh, 0) || g->cmd != DM_EC_CMD_EVENT)
		return NL_SKIP;
	snprintf(e.name, sizeof(e.name), "?");
	if (nla_parse(tb, DM_EC_A_MAX, genlmsg_attrdata(g, 0),
		      genlmsg_attrlen(g, 0), vol_policy) < 0 ||
	    (tb[DM_EC_A_NAME] && !nl_str(tb[DM_EC_A_NAME], e.name, sizeof(e.name)))) {
		err("malformed event from the kernel (ignored)");
		return NL_SKIP;
	}
	e.ev = get_u8(tb, DM_EC_A_EVENT);
	e.dev = get_u32(tb, DM_EC_A_DEV);
	if (tb[DM_EC_A_MEMBER_INDEX])
		e.member = get_u8(tb, DM_EC_A_MEMBER_INDEX);
	if (tb[DM_EC_A_LOST]) {
		e.lost = get_u8(tb, DM_EC_A_LOST);
		e.m = get_u8(tb, DM_EC_A_M);
	}
	if (tb[DM_EC_A_SYNC_ACTION]) {
		e.action = get_u8(tb, DM_EC_A_SYNC_ACTION);
		e.done = get_u64(tb, DM_EC_A_SYNC_DONE);
		e.total = get_u64(tb, DM_EC_A_SYNC_TOTAL);
	}
	if (tb[DM_EC_A_MISMATCH_CNT]) {
		e.have_mismatch = true;
		e.mismatch = get_u64(tb, DM_EC_A_MISMATCH_CNT);
	}
	if (tb[DM_EC_A_LAST_RESULT])
		e.result = get_u8(tb, DM_EC_A_LAST_RESULT);
	if (!mon.tracking) {
		mon_emit(&e);
		return NL_OK;
	}
	/* the daemon: the member's device, and no state reported twice */
	if (e.member >= 0 && e.member < MAX_N && !get_volume(e.name, &v)) {
		have_v = true;
		member_device(&v, e.member, e.device, sizeof(e.device));
	}
	mv = mon_vol_get(e.name, have_v ? v.uuid : NULL);
	if (mv && e.member >= 0 && e.member < 32) {
		uint32_t bit = 1U << e.member;

		if (e.ev == DM_EC_EVENT_MEMBER_FAILED) {
			if (mv->failed & bit)
				return NL_OK;	/* the dump reported it */
			mv->failed |= bit;
		} else if (e.ev == DM_EC_EVENT_MEMBER_IN_SYNC) {
			mv->failed &= ~bit;
		}
	}
	if (mv && (e.ev == DM_EC_EVENT_DEGRADED || e.ev == DM_EC_EVENT_DATA_LOST)) {
		if (e.lost == mv->lost)
			return NL_OK;
		mv->lost = e.lost;
	}
	mon_emit(&e);
	return NL_OK;
}

static void mon_signal(int sig)
{
	fflush(stdout);
	_exit(0);
}

/* The event socket: its own, so that dumps on nl_sk never eat events. */
static struct nl_sock *mon_socket(void)
{
	struct nl_sock *s = nl_socket_alloc();
	int grp;

	if (!s || genl_connect(s) < 0) {
		err("cannot connect to generic netlink");
		goto bad;
	}
	grp = genl_ctrl_resolve_grp(s, DM_EC_GENL_NAME, DM_EC_MCGRP_EVENTS);
	if (grp < 0) {
		err("multicast group %s of %s not found", DM_EC_MCGRP_EVENTS,
		    DM_EC_GENL_NAME);
		goto bad;
	}
	if (nl_socket_add_membership(s, grp) < 0) {
		err("cannot join multicast group %s", DM_EC_MCGRP_EVENTS);
		goto bad;
	}
	nl_socket_disable_seq_check(s);
	nl_socket_modify_cb(s, NL_CB_VALID, NL_CB_CUSTOM, mon_cb, NULL);
	/* room for bursts (many volumes, progress): ENOBUFS is the rest */
	nl_socket_set_buffer_size(s, 1 << 20, 0);
	return s;
bad:
	if (s)
		nl_socket_free(s);
	return NULL;
}

int cmd_monitor(int argc, char **argv)
{
	bool oneshot = false;
	const char *program = NULL, *mail = NULL;
	bool use_syslog = false;
	const struct opt opts[] = {
		OPT_FLAG("json", 0, &mon_json), OPT_FLAG("oneshot", 0, &oneshot),
		OPT_ARG("program", 0, &program), OPT_FLAG("syslog", 0, &use_syslog),
		OPT_ARG("mail", 0, &mail), OPT_END
	};
	struct nl_sock *es = NULL;
	static struct conf conf;	/* lives as long as the monitor */
	int ret;

	ret = parse_opts(argc, argv, opts);
	if (ret >= 0)
		return ret;
	if (optind != argc)
		return usage_err("no arguments expected");
	if (conf_load(&conf))
		return 1;
	/* the command line over ecctl.conf */
	if (!program)
		program = conf.program;
	if (!mail)
		mail = conf.mail;
	if (!use_syslog && conf.syslog > 0)
		use_syslog = true;
	if (program && access(program, X_OK)) {
		err("%s: %s", program, strerror(errno));
		return 1;
	}
	if (mail && (mail[0] == '-' || !strchr(mail, '@'))) {
		err("%s: not a mail address", mail);
		return EXIT_USAGE;
	}
	mon.sendmail = getenv("ECCTL_SENDMAIL");
	if (!mon.sendmail || !*mon.sendmail)
		mon.sendmail = "/usr/sbin/sendmail";
	if (mail && access(mon.sendmail, X_OK)) {
		err("%s: no sendmail (%s): cannot mail %s", mon.sendmail,
		    strerror(errno), mail);
		return 1;
	}
	mon.program = program;
	mon.mail = mail;
	mon.syslog = use_syslog;
	mon.tracking = true;
	if (use_syslog)
		openlog("ecctl-monitor", LOG_PID, LOG_DAEMON);
	signal(SIGCHLD, SIG_DFL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (nl_open())
		return 1;
	if (oneshot)
		return mon_scan();
	/* join first, then the dump: nothing falls between the two */
	es = mon_socket();
	if (!es)
		return 1;
	signal(SIGINT, mon_signal);
	signal(SIGTERM, mon_signal);
	if (!mon_json)
		fprintf(stderr, "%s: following dm-ec events, ^C to stop\n", who);
	if (mon_scan() == 1)
		return 1;
	for (;;) {
		ret = nl_recvmsgs_default(es);
		if (ret >= 0 || ret == -NLE_AGAIN || ret == -NLE_INTR)
			continue;
		if (ret == -NLE_NOMEM) {
			/* events were dropped: what they said is in a dump */
			err("events lost (socket buffer full): taking a dump");
			if (mon_scan() == 1)
				return 1;
			continue;
		}
		err("receiving events: %s", nl_geterror(ret));
		return 1;
	}
	return 0;
}
