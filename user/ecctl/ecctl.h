/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ecctl's own interfaces between its files. One file per concern:
 *
 *   ecctl.c    the command table, help and main
 *   opts.c     the one option parser every command uses; numbers, sizes
 *   util.c     messages, names, formatting, JSON strings, device sizes
 *   nl.c       generic netlink: transport, volume replies checked, actions
 *   dm.c       libdevmapper and the table line (one parser, one builder)
 *   create.c   create, remove, wipe
 *   assemble.c assemble (members found by scanning, placed by their slot)
 *   conf.c     /etc/dm-ec/ecctl.conf (names, auto-assembly, the monitor's hooks)
 *   probe.c    what a device holds (dm-ec superblock, libblkid signatures)
 *   show.c     status, list (the volume for humans, scripts, exit codes)
 *   metrics.c  status --prometheus (the text exposition format)
 *   monitor.c  monitor
 *   action.c   fail, replace, rebuild, scrub, and waiting for them
 *   examine.c  examine; the superblock read and checked (no module needed)
 *   recover.c  recover (offline decode into an image)
 *
 * tests/user/ecctl_unit.c links every file but ecctl.c, with a fake
 * libdevmapper, and calls the parsers below directly.
 */
#ifndef ECCTL_H
#define ECCTL_H

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <endian.h>
#include <sys/stat.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "uapi/linux/dm-ec.h"
#include "uapi/linux/dm-ec-format.h"
#include "uapi/linux/dm-ec-table.h"
#include "libec.h"

#define EXIT_USAGE	2
#define EXIT_DEGRADED	3
#define EXIT_LOST	4

#define DATA_OFFSET	DM_EC_DATA_OFFSET	/* sectors */
#define MAX_N		DM_EC_MAX_MEMBERS

/* ---- util.c ---- */

extern const char *prog;
extern const char *who;
void set_who(const char *cmd);

void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...);
uint32_t member_mask(unsigned int n);
const char *action_name(unsigned int a);
const char *result_name(unsigned int r);
const char *mstate_name(unsigned int s);
char mstate_char(unsigned int s);
const char *event_name(unsigned int e);
void uuid_str(const uint8_t *u, char *out);

/* The kernel's dev_t: (major << 20) | minor. */
static inline unsigned int kdev_major(uint32_t d) { return d >> 20; }
static inline unsigned int kdev_minor(uint32_t d) { return d & 0xfffff; }

void dev_path(unsigned int maj, unsigned int min, char *out, size_t len);
void human_size(uint64_t bytes, char *out, size_t len);
void fmt_duration(double s, char *out, size_t len);
double now_s(void);
void fmt_time(uint64_t secs, char *out, size_t len);
void json_str(FILE *f, const char *str);
int fd_sectors(int fd, uint64_t *sectors);
int block_size(const char *path, uint64_t *sectors);
bool same_file(const char *path, const struct stat *st);
bool __attribute__((format(printf, 4, 5)))
buf_add(char *buf, size_t size, size_t *o, const char *fmt, ...);

/* ---- conf.c ---- */

struct conf_vol {
	char name[DM_EC_SB_NAME_LEN];
	uint8_t uuid[16];
	int auto_start;		/* -1: the file's "auto" */
	bool readonly;
};

struct conf {
	bool auto_start;	/* "auto": volumes start on their own */
	struct conf_vol *vol;
	unsigned int nvol;
	char *program;		/* monitor: "program", or NULL */
	char *mail;		/* monitor: "mail", or NULL */
	int syslog;		/* monitor: "syslog", -1 when not said */
};

const char *conf_path(void);
int conf_load(struct conf *c);
void conf_free(struct conf *c);
const struct conf_vol *conf_vol(const struct conf *c, const uint8_t *uuid);
bool conf_auto(const struct conf *c, const uint8_t *uuid);
int parse_uuid(const char *s, uint8_t *out);
bool vol_name_ok(const char *s);

/* ---- opts.c ---- */

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

/* The command running: usage_err() and --help describe it. */
extern const struct cmd *cur_cmd;

/*
 * One option of a command. Without an argument it sets *flag; with one
 * (arg set) the argument goes to *arg, the last one given winning.
 */
struct opt {
	const char *name;	/* long option, without "--" */
	int letter;		/* short option, or 0 */
	bool *flag;
	const char **arg;
};

#define OPT_FLAG(n, l, f)	{ .name = (n), .letter = (l), .flag = (f) }
#define OPT_ARG(n, l, a)	{ .name = (n), .letter = (l), .arg = (a) }
#define OPT_END			{ .name = NULL, .letter = 0 }

int parse_opts(int argc, char **argv, const struct opt *opts);
int usage_cmd(const struct cmd *c, FILE *f);
int __attribute__((format(printf, 1, 2))) usage_err(const char *fmt, ...);
int parse_num(const char *s, char **end, unsigned long long max,
	      unsigned long long *out);
int parse_size_sectors(const char *s, unsigned int *out);

/* ---- nl.c ---- */

struct member_info {
	unsigned int index;
	bool has_dev;
	uint32_t dev;
	uint8_t uuid[16];
	unsigned int state;
	uint32_t read_errors, write_errors;
	char name[32];
};

struct vol_info {
	char name[DM_EC_NAME_MAX];
	uint32_t dev;
	uint8_t uuid[16];
	unsigned int k, m, n, chunk;
	uint64_t sectors;
	char codec[32];
	unsigned int action;
	uint64_t sync_done, sync_total, mismatch, hits, misses, events;
	unsigned int health, lost;
	int redundancy;		/* DM_EC_A_REDUNDANCY, -1 from an older kernel */
	uint32_t flags, rate;
	bool last_valid;
	unsigned int last_action, last_result;
	uint64_t last_time, last_mismatch, runs;
	struct member_info mem[MAX_N];
};

struct vol_list {
	struct vol_info *v;
	unsigned int nr, alloc;
	unsigned int bad;	/* replies refused as malformed */
};

struct nl_req {
	int error;		/* 0, or a negative errno from the kernel */
	int done;
	char ext_msg[256];
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
};

extern struct nl_sock *nl_sk;
extern struct nla_policy vol_policy[DM_EC_A_MAX + 1];

int nl_open(void);
int nl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg);
bool nl_str(const struct nlattr *a, char *out, size_t size);
uint64_t get_u64(struct nlattr **tb, int i);
unsigned int get_u8(struct nlattr **tb, int i);
uint32_t get_u32(struct nlattr **tb, int i);
int parse_volume(struct nl_msg *msg, void *arg);
int get_volumes(const char *name, struct vol_list *l);
int get_volume(const char *name, struct vol_info *out);
int nl_action(const char *name, uint8_t cmd, int attr, int type,
	      uint32_t val, const char *doing);

/* ---- dm.c ---- */

struct dm_task;

#define TABLE_MAX_WORDS		(128 + MAX_N)
#define TABLE_MAX_OPTS_LEN	1024	/* the option words, with spaces */

/* A table line, split into its words (pointers into the line). */
struct ec_table {
	unsigned int k, m, chunk;
	unsigned int nopt;
	const char *opt[TABLE_MAX_WORDS];
	unsigned int ndev;
	const char *dev[MAX_N];
};

bool has_space(const char *s);
int table_parse(char *line, struct ec_table *t);
int table_format(const struct ec_table *t, char *out, size_t size,
		 const char *name);
int dm_run(struct dm_task *dmt, bool udev);
int dm_do(int type, const char *name, uint64_t len, const char *table,
	  bool udev);
int dm_get_table(const char *name, uint64_t *len, char *params, size_t plen,
		 bool *is_ec);
int check_ec(const char *name, uint64_t *len, char *params, size_t plen);
int reload(const struct vol_info *v, char **devs, unsigned long rebuild);

/* ---- metrics.c ---- */

void print_prometheus(FILE *f, const struct vol_list *l);

/* ---- show.c ---- */

const char *vol_state(const struct vol_info *v);
int vol_exit(const struct vol_info *v);
void print_volume(const struct vol_info *v, const struct vol_info *v2,
		  double dt);
bool action_running(unsigned int a);
double vol_percent(const struct vol_info *v);
void print_json_volume(FILE *f, const struct vol_info *v);

/* ---- monitor.c ---- */

extern bool mon_json;
int mon_cb(struct nl_msg *msg, void *arg);

/* ---- action.c ---- */

int member_index(const struct vol_info *v, const char *s);

/* ---- examine.c ---- */

struct sb_read {
	struct dm_ec_sb sb;
	bool valid;
	const char *why;
	char whybuf[112];
};

int sb_load(int fd, struct sb_read r[2]);
int sb_read_path(const char *path, struct sb_read r[2], const char *none);
const char *sb_mstate(uint8_t s);

/* ---- probe.c ---- */

/*
 * What path holds that dm-ec metadata written over it would destroy, in
 * words for a message ("ext4 filesystem", "gpt partition table",
 * "dm-ec metadata (member 3 of volume <uuid>)"); what[0] == 0: nothing
 * found; *dm_ec: what was found is dm-ec's. -1 (said) if path cannot be
 * read or probed.
 */
int probe_signature(const char *path, char *what, size_t len, bool *dm_ec);

/* ---- the commands ---- */

int cmd_create(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_fail(int argc, char **argv);
int cmd_replace(int argc, char **argv);
int cmd_rebuild(int argc, char **argv);
int cmd_scrub(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_can_remove(int argc, char **argv);
int cmd_examine(int argc, char **argv);
int cmd_recover(int argc, char **argv);
int cmd_wipe(int argc, char **argv);
int cmd_assemble(int argc, char **argv);

#endif
