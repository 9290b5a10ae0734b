// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: /etc/dm-ec/ecctl.conf, the optional configuration file
 * (Documentation/ecctl.conf.5). One statement per line, words separated
 * by blanks, '#' to the end of the line a comment:
 *
 *   auto yes|no                    volumes started on their own (udev,
 *                                  --incremental, --scan); default yes
 *   volume NAME uuid=UUID [auto=yes|no] [readonly]
 *                                  the volume of array UUID: its name
 *                                  (whatever its superblocks record), its
 *                                  own auto policy, read-only start
 *   program PATH                   ecctl monitor: run PATH for every event
 *   mail ADDRESS                   ecctl monitor: mail failures there
 *   syslog yes|no                  ecctl monitor: log events to syslog
 *
 * A file that does not exist is no configuration (the defaults); a file
 * that cannot be read or holds a line that cannot be parsed is an error
 * naming the file and the line, and the command does nothing.
 * ECCTL_CONF names another file (tests, a chroot).
 */
#include "ecctl.h"

#define CONF_DEFAULT	"/etc/dm-ec/ecctl.conf"

const char *conf_path(void)
{
	const char *p = getenv("ECCTL_CONF");

	return p && *p ? p : CONF_DEFAULT;
}

/* 32 hex digits, '-' anywhere between them ignored. */
int parse_uuid(const char *s, uint8_t *out)
{
	unsigned int n = 0;

	for (; *s; s++) {
		int v;

		if (*s == '-')
			continue;
		if (!isxdigit((unsigned char)*s) || n == 32)
			return -1;
		v = isdigit((unsigned char)*s) ? *s - '0' : (tolower(*s) - 'a' + 10);
		if (n % 2)
			out[n / 2] |= v;
		else
			out[n / 2] = v << 4;
		n++;
	}
	return n == 32 ? 0 : -1;
}

static int yes_no(const char *s, bool *out)
{
	if (!strcmp(s, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "no")) {
		*out = false;
		return 0;
	}
	return -1;
}

/* A volume name dm-ec and device-mapper take: 1..127 bytes, no '/', printable. */
bool vol_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= DM_EC_SB_NAME_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

#define CONF_ERR(fmt, ...) \
	({ err("%s:%u: " fmt, path, line, ##__VA_ARGS__); rc = -1; goto out; })

static int conf_volume(struct conf *c, char **w, unsigned int nw,
		       const char *path, unsigned int line)
{
	struct conf_vol v = { .auto_start = -1 };
	bool have_uuid = false;
	struct conf_vol *nv;
	unsigned int i;
	int rc = 0;

	if (nw < 2)
		CONF_ERR("volume: a name is needed");
	if (!vol_name_ok(w[1]))
		CONF_ERR("volume %s: not a volume name (1..%d bytes, no '/' or blank)",
			 w[1], DM_EC_SB_NAME_LEN - 1);
	snprintf(v.name, sizeof(v.name), "%s", w[1]);
	for (i = 2; i < nw; i++) {
		bool b;

		if (!strncmp(w[i], "uuid=", 5)) {
			if (parse_uuid(w[i] + 5, v.uuid))
				CONF_ERR("volume %s: '%s' is not a UUID", v.name, w[i] + 5);
			have_uuid = true;
		} else if (!strncmp(w[i], "auto=", 5)) {
			if (yes_no(w[i] + 5, &b))
				CONF_ERR("volume %s: auto= takes yes or no, not '%s'",
					 v.name, w[i] + 5);
			v.auto_start = b;
		} else if (!strcmp(w[i], "readonly")) {
			v.readonly = true;
		} else {
			CONF_ERR("volume %s: unknown setting '%s'", v.name, w[i]);
		}
	}
	if (!have_uuid)
		CONF_ERR("volume %s: uuid= is needed", v.name);
	for (i = 0; i < c->nvol; i++) {
		if (!strcmp(c->vol[i].name, v.name))
			CONF_ERR("volume %s: named twice", v.name);
		if (!memcmp(c->vol[i].uuid, v.uuid, 16))
			CONF_ERR("volume %s: its uuid is volume %s's already", v.name,
				 c->vol[i].name);
	}
	nv = realloc(c->vol, (c->nvol + 1) * sizeof(*nv));
	if (!nv)
		CONF_ERR("out of memory");
	c->vol = nv;
	c->vol[c->nvol++] = v;
out:
	return rc;
}

/* *dst = a copy of s (the last statement wins); -1 without memory. */
static int conf_str(char **dst, const char *s)
{
	char *d = strdup(s);

	if (!d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

/* Read the configuration into *c (zeroed first); 0, or -1 (said). */
int conf_load(struct conf *c)
{
	const char *path = conf_path();
	char buf[1024], *w[16];
	unsigned int line = 0;
	int rc = 0;
	FILE *f;

	memset(c, 0, sizeof(*c));
	c->auto_start = true;
	c->syslog = -1;
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		err("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		unsigned int nw = 0;
		char *p, *save = NULL;

		line++;
		if (!strchr(buf, '\n') && !feof(f))
			CONF_ERR("line longer than %zu bytes", sizeof(buf) - 2);
		p = strchr(buf, '#');
		if (p)
			*p = '\0';
		for (p = strtok_r(buf, " \t\r\n", &save); p;
		     p = strtok_r(NULL, " \t\r\n", &save)) {
			if (nw == sizeof(w) / sizeof(w[0]))
				CONF_ERR("too many words");
			w[nw++] = p;
		}
		if (!nw)
			continue;
		if (!strcmp(w[0], "auto")) {
			if (nw != 2 || yes_no(w[1], &c->auto_start))
				CONF_ERR("auto takes one word, yes or no");
		} else if (!strcmp(w[0], "program")) {
			if (nw != 2 || w[1][0] != '/')
				CONF_ERR("program takes one absolute path");
			if (conf_str(&c->program, w[1]))
				CONF_ERR("out of memory");
		} else if (!strcmp(w[0], "mail")) {
			if (nw != 2 || w[1][0] == '-' || !strchr(w[1], '@') ||
			    strpbrk(w[1], "\"'\\<>()[],;:"))
				CONF_ERR("mail takes one address (user@host)");
			if (conf_str(&c->mail, w[1]))
				CONF_ERR("out of memory");
		} else if (!strcmp(w[0], "syslog")) {
			bool b;

			if (nw != 2 || yes_no(w[1], &b))
				CONF_ERR("syslog takes one word, yes or no");
			c->syslog = b;
		} else if (!strcmp(w[0], "volume")) {
			if (conf_volume(c, w, nw, path, line)) {
				rc = -1;
				goto out;
			}
		} else {
			CONF_ERR("unknown statement '%s'", w[0]);
		}
	}
	if (ferror(f)) {
		err("%s: %s", path, strerror(errno));
		rc = -1;
	}
out:
	fclose(f);
	if (rc)
		conf_free(c);
	return rc;
}

void conf_free(struct conf *c)
{
	free(c->vol);
	free(c->program);
	free(c->mail);
	c->vol = NULL;
	c->program = NULL;
	c->mail = NULL;
	c->nvol = 0;
}

/* The volume line for array uuid, or NULL. */
const struct conf_vol *conf_vol(const struct conf *c, const uint8_t *uuid)
{
	unsigned int i;

	for (i = 0; i < c->nvol; i++)
		if (!memcmp(c->vol[i].uuid, uuid, 16))
			return &c->vol[i];
	return NULL;
}

/* Does the volume of array uuid start on its own (udev, --scan)? */
bool conf_auto(const struct conf *c, const uint8_t *uuid)
{
	const struct conf_vol *v = conf_vol(c, uuid);

	return v && v->auto_start >= 0 ? v->auto_start : c->auto_start;
}
