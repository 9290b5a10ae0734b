// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: monitor: print events until interrupted.
 */
#include <signal.h>
#include <time.h>
#include <netlink/genl/ctrl.h>
#include "ecctl.h"

bool mon_json;

int mon_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[DM_EC_A_MAX + 1];
	char ts[64], tz[40], name[DM_EC_NAME_MAX] = "?";
	unsigned int ev, dev;
	struct timespec now;
	struct tm tm;
	const char *evn;

	if (!genlmsg_valid_hdr(nlh, 0) || g->cmd != DM_EC_CMD_EVENT)
		return NL_SKIP;
	if (nla_parse(tb, DM_EC_A_MAX, genlmsg_attrdata(g, 0),
		      genlmsg_attrlen(g, 0), vol_policy) < 0 ||
	    (tb[DM_EC_A_NAME] && !nl_str(tb[DM_EC_A_NAME], name, sizeof(name)))) {
		err("malformed event from the kernel (ignored)");
		return NL_SKIP;
	}
	ev = get_u8(tb, DM_EC_A_EVENT);
	evn = event_name(ev);
	dev = get_u32(tb, DM_EC_A_DEV);
	/* Local time for people, UTC ("Z") in JSON as everywhere else. */
	clock_gettime(CLOCK_REALTIME, &now);
	if (mon_json)
		gmtime_r(&now.tv_sec, &tm);
	else
		localtime_r(&now.tv_sec, &tm);
	strftime(tz, sizeof(tz), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, sizeof(ts), "%s.%03ld%s", tz, now.tv_nsec / 1000000,
		 mon_json ? "Z" : "");

	if (mon_json) {
		printf("{\"time\": \"%s\", \"event\": \"%s\", \"volume\": ", ts, evn);
		json_str(stdout, name);
		printf(", \"dev\": \"%u:%u\"", kdev_major(dev), kdev_minor(dev));
		if (tb[DM_EC_A_MEMBER_INDEX])
			printf(", \"member\": %u", get_u8(tb, DM_EC_A_MEMBER_INDEX));
		if (tb[DM_EC_A_LOST])
			printf(", \"lost\": %u, \"m\": %u", get_u8(tb, DM_EC_A_LOST),
			       get_u8(tb, DM_EC_A_M));
		if (tb[DM_EC_A_SYNC_ACTION])
			printf(", \"action\": \"%s\", \"sync_done\": %" PRIu64
			       ", \"sync_total\": %" PRIu64,
			       action_name(get_u8(tb, DM_EC_A_SYNC_ACTION)),
			       get_u64(tb, DM_EC_A_SYNC_DONE),
			       get_u64(tb, DM_EC_A_SYNC_TOTAL));
		if (tb[DM_EC_A_MISMATCH_CNT])
			printf(", \"mismatch_cnt\": %" PRIu64,
			       get_u64(tb, DM_EC_A_MISMATCH_CNT));
		if (tb[DM_EC_A_LAST_RESULT])
			printf(", \"result\": \"%s\"",
			       result_name(get_u8(tb, DM_EC_A_LAST_RESULT)));
		printf("}\n");
	} else {
		printf("%s %s %s", ts, name, evn);
		if (tb[DM_EC_A_MEMBER_INDEX])
			printf(" member=%u", get_u8(tb, DM_EC_A_MEMBER_INDEX));
		if (tb[DM_EC_A_SYNC_ACTION]) {
			uint64_t d = get_u64(tb, DM_EC_A_SYNC_DONE);
			uint64_t t = get_u64(tb, DM_EC_A_SYNC_TOTAL);

			printf(" action=%s progress=%.1f%%",
			       action_name(get_u8(tb, DM_EC_A_SYNC_ACTION)),
			       t ? 100.0 * d / t : 0.0);
		}
		if (tb[DM_EC_A_LAST_RESULT])
			printf(" result=%s",
			       result_name(get_u8(tb, DM_EC_A_LAST_RESULT)));
		if (tb[DM_EC_A_MISMATCH_CNT])
			printf(" mismatches=%" PRIu64,
			       get_u64(tb, DM_EC_A_MISMATCH_CNT));
		if (tb[DM_EC_A_LOST] && ev != DM_EC_EVENT_SYNC_PROGRESS &&
		    ev != DM_EC_EVENT_SYNC_STARTED && ev != DM_EC_EVENT_SYNC_FINISHED)
			printf(" lost=%u/%u", get_u8(tb, DM_EC_A_LOST),
			       get_u8(tb, DM_EC_A_M));
		printf("\n");
	}
	fflush(stdout);
	return NL_OK;
}

static void mon_signal(int sig)
{
	fflush(stdout);
	_exit(0);
}

int cmd_monitor(int argc, char **argv)
{
	const struct opt opts[] = { OPT_FLAG("json", 0, &mon_json), OPT_END };
	int grp, ret;

	ret = parse_opts(argc, argv, opts);
	if (ret >= 0)
		return ret;
	if (optind != argc)
		return usage_err("no arguments expected");
	if (nl_open())
		return 1;
	grp = genl_ctrl_resolve_grp(nl_sk, DM_EC_GENL_NAME, DM_EC_MCGRP_EVENTS);
	if (grp < 0) {
		err("multicast group %s of %s not found", DM_EC_MCGRP_EVENTS,
		    DM_EC_GENL_NAME);
		return 1;
	}
	if (nl_socket_add_membership(nl_sk, grp) < 0) {
		err("cannot join multicast group %s", DM_EC_MCGRP_EVENTS);
		return 1;
	}
	nl_socket_disable_seq_check(nl_sk);
	nl_socket_modify_cb(nl_sk, NL_CB_VALID, NL_CB_CUSTOM, mon_cb, NULL);
	signal(SIGINT, mon_signal);
	signal(SIGTERM, mon_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mon_json)
		fprintf(stderr, "%s: following dm-ec events, ^C to stop\n", who);
	for (;;) {
		ret = nl_recvmsgs_default(nl_sk);
		if (ret < 0 && ret != -NLE_AGAIN && ret != -NLE_INTR) {
			err("receiving events: %s", nl_geterror(ret));
			return 1;
		}
	}
	return 0;
}
