// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: administer dm-ec volumes. This file: the command table, help
 * and main; ecctl.h says which file does what.
 *
 * Volumes are created, removed and reloaded through libdevmapper; queries,
 * actions and events go through the "dm_ec" generic netlink family
 * (include/uapi/linux/dm-ec.h); examine and recover read the members
 * directly and need no kernel module. See Documentation/ecctl.8.
 */
#include <libdevmapper.h>
#include "ecctl.h"

static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "create", cmd_create, "<name> [-k 10] [-m 4] [-c|--chunk 4M] [--nosync] [--force] [--rate KiB/s] [--region-size SIZE] [--noppl] <dev>...",
	  "create a volume of k data + m parity members (k+m devices, '-' for a missing one); devices holding anything are refused unless --force; --rate: rebuild throttle, --region-size: bitmap granularity, --noppl: no partial-parity log" },
	{ "remove", cmd_remove, "<name>", "remove a volume" },
	{ "assemble", cmd_assemble, "<name> | --scan [--degraded] [--readonly] | --incremental <dev>",
	  "start volumes from the members found on this machine, whatever their device names; with members missing only if --degraded" },
	{ "status", cmd_status, "[<name>] [--json | --prometheus]",
	  "show volumes in detail; exit 0 healthy, 3 degraded, 4 data lost; --prometheus: metrics for node_exporter's textfile collector (exit 0)" },
	{ "list", cmd_list, "[--json]", "one line per volume" },
	{ "monitor", cmd_monitor, "[--json] [--program PROG] [--mail ADDR] [--syslog] [--oneshot]",
	  "report events (failures, sync progress) until interrupted, and the states found at start; --program runs PROG EVENT VOLUME MEMBER DEVICE for each; --oneshot: the states found, then exit 0, 3 or 4" },
	{ "fail", cmd_fail, "<name> <idx|dev>", "mark a member failed" },
	{ "replace", cmd_replace, "<name> <idx|dev> <new-dev> [--wait]",
	  "put a new device in a member's slot and rebuild it" },
	{ "rebuild", cmd_rebuild, "<name> [--wait]",
	  "re-add failed members still present and rebuild; resume frozen work" },
	{ "scrub", cmd_scrub, "<name> [--repair] [--wait] | <name> --stop",
	  "check parity (count mismatches) or repair it; --stop ends a running scrub" },
	{ "examine", cmd_examine, "<dev> [--json | --export]",
	  "print a member's superblock (no module needed); --export: KEY=value lines for udev" },
	{ "recover", cmd_recover, "-o <image> <dev>...",
	  "rebuild the volume's data into an image offline (no module needed)" },
	{ "wipe", cmd_wipe, "<dev> [--force]",
	  "clear a member's dm-ec metadata (refused on members of an active volume)" },
	{ "can-remove", cmd_can_remove, "<name> <idx|dev>",
	  "is it safe to take that member away now (every stripe stays readable)? exit 0 yes, 1 no, with why" },
	{ "set", cmd_set, "<name> rebuild-rate <KiB/s | 0 | unlimited>",
	  "change a volume's setting live: the rebuild and resync throttle" },
	{ "help", cmd_help, "[<command>]", "show help" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: %s [-v] <command> [<args>]\n\ncommands:\n", prog);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].args);
	fprintf(f, "\n'%s <command> --help' describes a command; -v shows libdevmapper's own\n"
		"messages. Exit status: 0 success, 1 error, 2 usage error; status: 3\n"
		"degraded, 4 data lost.\n", prog);
}

static int cmd_help(int argc, char **argv)
{
	unsigned int i;

	if (argc > 1) {
		for (i = 0; i < NCMDS; i++)
			if (!strcmp(argv[1], cmds[i].name))
				return usage_cmd(&cmds[i], stdout), 0;
		fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	usage(stdout);
	return 0;
}

/* -v: libdevmapper's own messages on stderr (off: ecctl says what failed). */
static bool verbose;

static void __attribute__((format(printf, 5, 6)))
dm_log(int level, const char *file, int line, int dm_errno_or_class,
       const char *fmt, ...)
{
	va_list ap;

	if (!verbose || !strcmp(fmt, "<backtrace>"))
		return;
	fprintf(stderr, "%s: libdevmapper: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ecctl's version and the loaded module's, if it is loaded. */
static int version(void)
{
	char mv[64] = "";
	FILE *f = fopen("/sys/module/dm_ec/version", "r");

	if (f) {
		if (!fgets(mv, sizeof(mv), f))
			mv[0] = '\0';
		mv[strcspn(mv, "\n")] = '\0';
		fclose(f);
	}
	printf("ecctl %s (dm_ec netlink version %d); module %s\n", ECCTL_VERSION,
	       DM_EC_GENL_VERSION, mv[0] ? mv : "not loaded");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc >= 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"))) {
		verbose = true;
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);
	if (!strcmp(argv[1], "--version"))
		return version();
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		cur_cmd = &cmds[i];
		set_who(cmds[i].name);
		argv[1] = (char *)who;	/* getopt's own messages say it too */
		optind = 1;
		opterr = 1;
		dm_log_with_errno_init(dm_log);
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
