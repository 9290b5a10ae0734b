// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: fail, replace, rebuild, scrub, and waiting for them with progress.
 */
#include <sys/sysmacros.h>
#include "ecctl.h"

/*
 * Wait until the volume's background work that 'done' describes has
 * ended. kind: "rebuild" waits for no member syncing and no rebuild;
 * "check"/"repair" for the scrub to finish.
 */
static int wait_sync(const char *name, const char *kind, uint64_t runs0)
{
	bool tty = isatty(STDOUT_FILENO), seen = false;
	double t0 = now_s(), tl = t0, last_print = 0;
	uint64_t d0 = 0, dl = 0;
	unsigned int last_act = ~0u;
	struct vol_info v;
	double rate = 0;

	for (;;) {
		bool syncing = false, running;
		unsigned int i;
		double t;

		if (get_volume(name, &v))
			return 1;
		t = now_s();
		for (i = 0; i < v.n; i++)
			if (v.mem[i].state == DM_EC_MSTATE_SYNCING)
				syncing = true;
		running = action_running(v.action);
		if (running && v.action != last_act) {
			last_act = v.action;
			d0 = dl = v.sync_done;
			t0 = tl = t;
			rate = 0;
		}
		if (running)
			seen = true;
		if (v.health == DM_EC_HEALTH_DATA_LOST) {
			if (tty)
				printf("\n");
			err("%s: data lost: %u members lost", name, v.lost);
			return 1;
		}
		if (!strcmp(kind, "rebuild")) {
			if (!running && !syncing)
				break;
			if (v.action == DM_EC_ACTION_FROZEN) {
				if (tty)
					printf("\n");
				err("%s: background work is frozen (ecctl rebuild resumes it)",
				    name);
				return 1;
			}
		} else if (!running && v.runs > runs0 && v.last_valid &&
			   !strcmp(action_name(v.last_action), kind)) {
			break;
		}
		if (running && t > tl + 0.2 && v.sync_done > dl) {
			double r = (v.sync_done - dl) * 512.0 / (t - tl);

			rate = rate ? 0.7 * rate + 0.3 * r : r;
			dl = v.sync_done;
			tl = t;
		}
		if (running && (tty || t - last_print >= 2)) {
			double pct = vol_percent(&v);
			char rs[32], eta[32] = "--:--";
			int bar = 30, fill = (int)(pct * bar / 100), j;

			human_size(rate, rs, sizeof(rs));
			if (rate > 0)
				fmt_duration((v.sync_total - v.sync_done) * 512.0 / rate,
					     eta, sizeof(eta));
			if (tty) {
				printf("\r%s: %-7s [", name, action_name(v.action));
				for (j = 0; j < bar; j++)
					putchar(j < fill ? '#' : '-');
				printf("] %5.1f%% %10s/s ETA %s  ", pct, rs, eta);
			} else {
				printf("%s: %s %.1f%% %s/s ETA %s\n", name,
				       action_name(v.action), pct, rs, eta);
			}
			fflush(stdout);
			last_print = t;
		}
		(void)d0;
		usleep(200000);
	}
	if (tty && seen)
		printf("\n");
	if (!strcmp(kind, "rebuild")) {
		printf("%s: %s\n", name, v.lost ? "rebuild done, still degraded" :
		       "all members in sync");
	} else {
		printf("%s: %s %s, %" PRIu64 " mismatched sectors\n", name,
		       action_name(v.last_valid ? v.last_action : 0),
		       v.last_valid ? result_name(v.last_result) : "finished",
		       v.last_valid ? v.last_mismatch : v.mismatch);
		if (v.last_valid && v.last_result != DM_EC_RESULT_COMPLETE)
			return 1;
	}
	return 0;
}

/* Member index from "<idx>" or a device path, given the volume. */
int member_index(const struct vol_info *v, const char *s)
{
	unsigned long long i;
	struct stat st;
	unsigned int j;

	if (*s && strspn(s, "0123456789") == strlen(s)) {
		if (parse_num(s, NULL, v->n - 1, &i)) {
			err("%s: member index %s is out of range (0..%u)", v->name,
			    s, v->n - 1);
			return -1;
		}
		return i;
	}
	if (stat(s, &st) < 0) {
		err("%s: %s", s, strerror(errno));
		return -1;
	}
	if (!S_ISBLK(st.st_mode)) {
		err("%s: not a block device", s);
		return -1;
	}
	for (j = 0; j < v->n; j++)
		if (v->mem[j].has_dev &&
		    kdev_major(v->mem[j].dev) == major(st.st_rdev) &&
		    kdev_minor(v->mem[j].dev) == minor(st.st_rdev))
			return j;
	err("%s: %s is not a member", v->name, s);
	return -1;
}

/*
 * The start of every command here: its options, then nargs operands of
 * which the first names a volume, whose state goes into v. Returns -1 to
 * go on, else the command's exit status.
 */
static int vol_cmd(int argc, char **argv, const struct opt *opts, int nargs,
		   const char *needed, struct vol_info *v)
{
	int rc = parse_opts(argc, argv, opts);

	if (rc >= 0)
		return rc;
	if (argc - optind != nargs)
		return usage_err("%s", needed);
	if (get_volume(argv[optind], v))
		return 1;
	return -1;
}

int cmd_fail(int argc, char **argv)
{
	const struct opt opts[] = { OPT_END };
	struct vol_info v;
	int idx;

	idx = vol_cmd(argc, argv, opts, 2, "a volume name and a member are needed",
		      &v);
	if (idx >= 0)
		return idx;
	idx = member_index(&v, argv[optind + 1]);
	if (idx < 0)
		return 1;
	if (nl_action(v.name, DM_EC_CMD_FAIL_MEMBER, DM_EC_A_MEMBER_INDEX,
		      NLA_U8, idx, "fail member"))
		return 1;
	printf("%s: member %d failed\n", v.name, idx);
	return 0;
}

int cmd_replace(int argc, char **argv)
{
	char *devs[MAX_N] = { 0 };
	bool wait = false;
	const struct opt opts[] = { OPT_FLAG("wait", 0, &wait), OPT_END };
	struct vol_info v;
	uint64_t sz, t;
	int idx, e;

	e = vol_cmd(argc, argv, opts, 3,
		    "a volume name, a member and a new device are needed", &v);
	if (e >= 0)
		return e;
	idx = member_index(&v, argv[optind + 1]);
	if (idx < 0)
		return 1;
	e = block_size(argv[optind + 2], &sz);
	if (e) {
		err("%s: %s", argv[optind + 2], strerror(-e));
		return 1;
	}
	devs[idx] = argv[optind + 2];
	t = v.runs;
	if (reload(&v, devs, 1UL << idx))
		return 1;
	printf("%s: member %d replaced by %s, rebuilding\n", v.name, idx,
	       argv[optind + 2]);
	return wait ? wait_sync(v.name, "rebuild", t) : 0;
}

int cmd_rebuild(int argc, char **argv)
{
	unsigned long readd = 0;
	bool wait = false, syncing = false;
	const struct opt opts[] = { OPT_FLAG("wait", 0, &wait), OPT_END };
	struct vol_info v;
	unsigned int i;
	int c;

	c = vol_cmd(argc, argv, opts, 1, "one volume name is needed", &v);
	if (c >= 0)
		return c;
	for (i = 0; i < v.n; i++) {
		if (v.mem[i].state == DM_EC_MSTATE_FAILED && v.mem[i].has_dev)
			readd |= 1UL << i;
		if (v.mem[i].state == DM_EC_MSTATE_SYNCING)
			syncing = true;
	}
	if (readd) {
		/* Failed members still in the table: add them back, rebuilt. */
		if (reload(&v, NULL, readd))
			return 1;
		for (i = 0; i < v.n; i++)
			if (readd & (1UL << i))
				printf("%s: member %u re-added, rebuilding\n",
				       v.name, i);
	} else if (v.action == DM_EC_ACTION_FROZEN) {
		if (nl_action(v.name, DM_EC_CMD_SET_ACTION, DM_EC_A_SYNC_ACTION,
			      NLA_U8, DM_EC_ACTION_IDLE, "resume background work"))
			return 1;
	} else if (!syncing && v.action != DM_EC_ACTION_REBUILD) {
		printf("%s: nothing to rebuild\n", v.name);
		return 0;
	}
	return wait ? wait_sync(v.name, "rebuild", v.runs) : 0;
}

int cmd_scrub(int argc, char **argv)
{
	bool wait = false, repair = false, stop = false;
	const struct opt opts[] = {
		OPT_FLAG("repair", 0, &repair), OPT_FLAG("wait", 0, &wait),
		OPT_FLAG("stop", 0, &stop), OPT_END
	};
	struct vol_info v;
	const char *name;
	uint64_t t;
	int c;

	c = vol_cmd(argc, argv, opts, 1, "one volume name is needed", &v);
	if (c >= 0)
		return c;
	name = argv[optind];
	if (stop && (repair || wait))
		return usage_err("--stop takes no --repair or --wait");
	if (stop) {
		/* a check or repair only: a rebuild or resync is not a scrub */
		if (v.action != DM_EC_ACTION_CHECK && v.action != DM_EC_ACTION_REPAIR) {
			printf("%s: no scrub running (%s)\n", name, action_name(v.action));
			return 0;
		}
		if (nl_action(name, DM_EC_CMD_SET_ACTION, DM_EC_A_SYNC_ACTION, NLA_U8,
			      DM_EC_ACTION_IDLE, "stop the scrub"))
			return 1;
		printf("%s: %s stopped at %" PRIu64 " of %" PRIu64 " sectors\n", name,
		       action_name(v.action), v.sync_done, v.sync_total);
		return 0;
	}
	t = v.runs;
	if (nl_action(name, DM_EC_CMD_SET_ACTION, DM_EC_A_SYNC_ACTION, NLA_U8,
		      repair ? DM_EC_ACTION_REPAIR : DM_EC_ACTION_CHECK,
		      repair ? "start repair" : "start check"))
		return 1;
	if (!wait) {
		printf("%s: %s started\n", name, repair ? "repair" : "check");
		return 0;
	}
	return wait_sync(name, repair ? "repair" : "check", t);
}

/*
 * set NAME rebuild-rate KIB/S: the rebuild and resync throttle, live
 * (netlink SET_REBUILD_RATE; the table line shows it from then on, so
 * reloads keep it). 0 is unlimited.
 */
int cmd_set(int argc, char **argv)
{
	const struct opt opts[] = { OPT_END };
	unsigned long long kib;
	const char *name, *what, *val;
	int c;

	c = parse_opts(argc, argv, opts);
	if (c >= 0)
		return c;
	if (argc - optind != 3)
		return usage_err("a volume, a setting and its value are needed");
	name = argv[optind];
	what = argv[optind + 1];
	val = argv[optind + 2];
	if (strcmp(what, "rebuild-rate"))
		return usage_err("%s: no such setting (rebuild-rate)", what);
	if (!strcmp(val, "unlimited"))
		kib = 0;
	else if (parse_num(val, NULL, DM_EC_RATE_MAX, &kib))
		return usage_err("rebuild-rate %s: not a rate in KiB/s, 0 or unlimited to %u",
				 val, DM_EC_RATE_MAX);
	if (nl_action(name, DM_EC_CMD_SET_REBUILD_RATE, DM_EC_A_MAX_REBUILD_RATE,
		      NLA_U32, kib, "set the rebuild rate"))
		return 1;
	if (kib)
		printf("%s: rebuild rate at most %llu KiB/s\n", name, kib);
	else
		printf("%s: rebuild rate unlimited\n", name);
	return 0;
}

/*
 * can-remove NAME IDX|DEV: would every stripe stay readable if that
 * member went away now? Counted as the kernel counts redundancy: members
 * failed, missing or rebuilding are lost already, and while the initial
 * sync (or a resync) runs no parity can be counted on. 0 safe, 1 not (or
 * an error), with the reason.
 */
int cmd_can_remove(int argc, char **argv)
{
	const struct opt opts[] = { OPT_END };
	struct vol_info v;
	unsigned int st;
	int idx, red;

	idx = vol_cmd(argc, argv, opts, 2, "a volume name and a member are needed", &v);
	if (idx >= 0)
		return idx;
	idx = member_index(&v, argv[optind + 1]);
	if (idx < 0)
		return 1;
	st = v.mem[idx].state;
	if (v.health == DM_EC_HEALTH_DATA_LOST) {
		printf("%s: member %d: not safe: the volume has lost data already (%u members lost, m = %u)\n",
		       v.name, idx, v.lost, v.m);
		return 1;
	}
	if (st == DM_EC_MSTATE_FAILED || st == DM_EC_MSTATE_MISSING) {
		printf("%s: member %d: safe: it is %s, nothing is read from it\n", v.name,
		       idx, mstate_name(st));
		return 0;
	}
	red = v.redundancy >= 0 ? v.redundancy : (int)v.m - (int)v.lost;
	if (v.action == DM_EC_ACTION_RESYNC || !(v.flags & DM_EC_VF_SYNCED)) {
		/* every member holds data; the parity beyond the sync does not */
		printf("%s: member %d: not safe: parity is not in sync yet (%s at %.1f%%): the stripes not yet synced need every member\n",
		       v.name, idx, action_name(v.action),
		       v.sync_total ? 100.0 * v.sync_done / v.sync_total : 0.0);
		return 1;
	}
	if (st == DM_EC_MSTATE_SYNCING) {
		/* not counted in the redundancy: parity covers it already */
		printf("%s: member %d: safe: it is not in sync yet (%d of %u parity left either way)\n",
		       v.name, idx, red, v.m);
		return 0;
	}
	if (red >= 1) {
		printf("%s: member %d: safe: %d of %u parity left after it\n", v.name, idx,
		       red - 1, v.m);
		return 0;
	}
	printf("%s: member %d: not safe: no redundancy left (%u of %u members failed, missing or rebuilding)\n",
	       v.name, idx, v.m - (red > 0 ? red : 0), v.m);
	return 1;
}
