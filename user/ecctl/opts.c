// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: the option parser every command uses; numbers and sizes.
 */
#include "ecctl.h"

/*
 * A decimal number: digits only (no sign, no white space), no overflow.
 * *end is what follows the digits; NULL: nothing may follow.
 */
int parse_num(const char *s, char **end, unsigned long long max,
	      unsigned long long *out)
{
	unsigned long long v;
	char *e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno || v > max || (!end && *e))
		return -1;
	if (end)
		*end = e;
	*out = v;
	return 0;
}

const struct cmd *cur_cmd;

int usage_cmd(const struct cmd *c, FILE *f)
{
	fprintf(f, "usage: %s %s %s\n  %s\n", prog, c->name, c->args, c->help);
	return EXIT_USAGE;
}

/* A usage error of the current command: the reason, then its usage. */
int usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return usage_cmd(cur_cmd, stderr);
}

#define MAX_OPTS	16
#define OPT_LONG	256	/* getopt value of opts[i] without a letter */

/*
 * getopt_long over the current command's arguments with opts (ended by
 * an entry with neither name nor letter) and -h/--help. optind is left at the first
 * operand. Returns -1 to go on, else the exit status for the command to
 * return: 0 after --help, EXIT_USAGE after an unknown option (getopt
 * has said which).
 */
int parse_opts(int argc, char **argv, const struct opt *opts)
{
	struct option lo[MAX_OPTS + 2];
	char so[3 * MAX_OPTS + 2];
	int val[MAX_OPTS];
	unsigned int n, nl = 0, i, o = 0;
	int c;

	for (n = 0; (opts[n].name || opts[n].letter) && n < MAX_OPTS; n++) {
		val[n] = opts[n].letter ? opts[n].letter : OPT_LONG + (int)n;
		if (opts[n].name)
			lo[nl++] = (struct option){
				.name = opts[n].name,
				.has_arg = opts[n].arg ? required_argument :
							 no_argument,
				.val = val[n],
			};
		if (opts[n].letter) {
			so[o++] = opts[n].letter;
			if (opts[n].arg)
				so[o++] = ':';
		}
	}
	lo[nl++] = (struct option){ .name = "help", .val = 'h' };
	lo[nl] = (struct option){ 0 };
	so[o++] = 'h';
	so[o] = '\0';

	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h')
			return usage_cmd(cur_cmd, stdout), 0;
		for (i = 0; i < n; i++)
			if (c == val[i])
				break;
		if (i == n)
			return usage_cmd(cur_cmd, stderr);
		if (opts[i].arg)
			*opts[i].arg = optarg;
		else
			*opts[i].flag = true;
	}
	return -1;
}

/*
 * A size: a number with suffix s (sectors), K or M (KiB, MiB; also KB,
 * KiB, MB, MiB, any case) or none (KiB), in sectors up to UINT32_MAX.
 * The range is checked before multiplying.
 */
int parse_size_sectors(const char *s, unsigned int *out)
{
	unsigned long long v, mult;
	char *end;

	if (parse_num(s, &end, ULLONG_MAX, &v))
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'S':
		mult = 1;
		end++;
		break;
	case 'M':
		mult = 2048;
		end++;
		break;
	case 'K':
		end++;
		/* fall through */
	case '\0':
		mult = 2;
		break;
	default:
		return -1;
	}
	if (mult > 1 && end[-1] && isalpha((unsigned char)end[-1])) {
		if (toupper((unsigned char)*end) == 'I' &&
		    toupper((unsigned char)end[1]) == 'B')
			end += 2;
		else if (toupper((unsigned char)*end) == 'B')
			end++;
	}
	if (*end || v > UINT32_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}
