// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: send malformed requests to the dm_ec generic netlink family.
 *
 *   nlfuzz cases <volume>          targeted bad requests, one TAP line each
 *   nlfuzz random <n> <seed> <volume>
 *                                  n random requests; mutating ones always
 *                                  carry something invalid, so none may
 *                                  succeed
 *   nlfuzz perm <volume>           mutating requests must fail with EPERM
 *                                  (run as an unprivileged user)
 *   nlfuzz rate <volume> <KiB/s>   a valid SET_REBUILD_RATE (must succeed)
 *
 * Raw sockets, no libnl: the point is to send what a library would not.
 * Exit status 0 when every request was answered as expected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "uapi/linux/dm-ec.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int sk;
static uint16_t family;
static uint32_t seq = 1;
static char extack[256];
static int nfail, ntest;

struct msg {
	union {
		struct nlmsghdr nlh;
		char buf[8192];
	};
};

static void msg_init(struct msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		     uint8_t version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nlh.nlmsg_seq = seq++;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
}

/* Append an attribute; len is the payload length actually copied. */
static void put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh.nlmsg_len));

	if (NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf))
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, 1);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, 4);
}

/* Send, then read answers until the ACK/error or DONE. Returns the errno. */
static int transact(struct msg *m, int *nreplies)
{
	char rbuf[65536];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int replies = 0;

	extack[0] = '\0';
	if (sendto(sk, m->buf, m->nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(sk, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->nlh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				if (nreplies)
					*nreplies = replies;
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = NLMSG_HDRLEN + sizeof(*e);
				struct nlattr *a;

				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
					for (a = (struct nlattr *)((char *)h + off);
					     off + NLA_HDRLEN <= h->nlmsg_len &&
					     a->nla_len >= NLA_HDRLEN;
					     off += NLA_ALIGN(a->nla_len),
					     a = (struct nlattr *)((char *)h + off))
						if (a->nla_type == NLMSGERR_ATTR_MSG)
							snprintf(extack, sizeof(extack), "%.*s",
								 (int)(a->nla_len - NLA_HDRLEN),
								 (char *)a + NLA_HDRLEN);
				}
				if (nreplies)
					*nreplies = replies;
				return e->error;
			}
			replies++;
		}
	}
}

static int resolve(void)
{
	struct msg m;
	char rbuf[8192];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;
	ssize_t n;

	msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	m.nlh.nlmsg_flags = NLM_F_REQUEST;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, DM_EC_GENL_NAME);
	if (sendto(sk, m.buf, m.nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -1;
	n = recv(sk, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		return -1;
	h = (struct nlmsghdr *)rbuf;
	if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != GENL_ID_CTRL)
		return -1;
	{
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		int rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				family = *(uint16_t *)((char *)a + NLA_HDRLEN);
				return 0;
			}
			rem -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return -1;
}

/* One case: ok when the kernel answers with error 'want' (0: any error). */
static void expect(const char *desc, struct msg *m, int want, int need_ext)
{
	int r = transact(m, NULL);
	int good = want ? r == want : r < 0;

	if (need_ext && !extack[0])
		good = 0;
	ntest++;
	if (!good)
		nfail++;
	printf("%s %d - %s: %s%s%s%s\n", good ? "ok" : "not ok", ntest, desc,
	       r ? strerror(-r) : "accepted", extack[0] ? " (kernel reports: " : "",
	       extack, extack[0] ? ")" : "");
}

static void cases(const char *vol)
{
	char big[300];
	struct msg m;
	uint32_t u32;
	int r, nrep;

	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';

	/* Sanity: a good query works. */
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	r = transact(&m, NULL);
	ntest++;
	if (r)
		nfail++;
	printf("%s %d - valid GET_VOLUME %s: %s\n", r ? "not ok" : "ok", ntest,
	       vol, r ? strerror(-r) : "answered");
	msg_init(&m, family, NLM_F_DUMP, DM_EC_CMD_GET_VOLUME, 1);
	r = transact(&m, &nrep);
	ntest++;
	if (r || nrep < 1)
		nfail++;
	printf("%s %d - dump GET_VOLUME: %d volumes\n", r || nrep < 1 ? "not ok" : "ok",
	       ntest, nrep);

	msg_init(&m, family, 0, 99, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	expect("unknown command 99", &m, -EOPNOTSUPP, 0);
	msg_init(&m, family, 0, DM_EC_CMD_UNSPEC, 1);
	expect("command UNSPEC", &m, 0, 0);
	msg_init(&m, family, 0, DM_EC_CMD_EVENT, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	expect("EVENT as a request", &m, 0, 0);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	expect("GET_VOLUME without name or dev", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_str(&m, DM_EC_A_NAME, "no-such-volume-nlfuzz");
	expect("GET_VOLUME of a nonexistent name", &m, -ENODEV, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_u32(&m, DM_EC_A_DEV, 0xfffff);
	expect("GET_VOLUME of a nonexistent dev", &m, -ENODEV, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u32(&m, DM_EC_A_DEV, 0xfffff);
	expect("GET_VOLUME name and dev disagree", &m, -ENODEV, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put(&m, DM_EC_A_NAME, vol, strlen(vol));
	expect("name without NUL", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_str(&m, DM_EC_A_NAME, big);
	expect("name of 299 bytes", &m, 0, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_u8(&m, DM_EC_A_DEV, 1);
	expect("dev as u8", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u32(&m, DM_EC_A_MAX + 7, 1);
	expect("unknown attribute type", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_K, 3);
	expect("reply-only attribute K in a request", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	m.nlh.nlmsg_len += 2;	/* a truncated attribute header */
	expect("truncated attribute", &m, -EINVAL, 0);
	msg_init(&m, family, 0, DM_EC_CMD_GET_VOLUME, 1);
	((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->reserved = 7;
	put_str(&m, DM_EC_A_NAME, vol);
	expect("reserved genl header field set", &m, -EINVAL, 0);

	msg_init(&m, family, 0, DM_EC_CMD_SET_ACTION, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	expect("SET_ACTION without an action", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_ACTION, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_SYNC_ACTION, DM_EC_ACTION_REBUILD);
	expect("SET_ACTION rebuild", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_ACTION, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_SYNC_ACTION, 200);
	expect("SET_ACTION out of range", &m, -ERANGE, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_ACTION, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u32(&m, DM_EC_A_SYNC_ACTION, DM_EC_ACTION_CHECK);
	expect("SET_ACTION as u32", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_ACTION, 1);
	put_u8(&m, DM_EC_A_SYNC_ACTION, DM_EC_ACTION_CHECK);
	expect("SET_ACTION without a volume", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_ACTION, 1);
	put_str(&m, DM_EC_A_NAME, "no-such-volume-nlfuzz");
	put_u8(&m, DM_EC_A_SYNC_ACTION, DM_EC_ACTION_CHECK);
	expect("SET_ACTION on a nonexistent volume", &m, -ENODEV, 1);

	msg_init(&m, family, 0, DM_EC_CMD_FAIL_MEMBER, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	expect("FAIL_MEMBER without an index", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_FAIL_MEMBER, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_MEMBER_INDEX, 31);
	expect("FAIL_MEMBER index 31 (>= k+m)", &m, -ERANGE, 1);
	msg_init(&m, family, 0, DM_EC_CMD_FAIL_MEMBER, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_MEMBER_INDEX, 200);
	expect("FAIL_MEMBER index 200 (policy)", &m, -ERANGE, 1);
	msg_init(&m, family, 0, DM_EC_CMD_FAIL_MEMBER, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put(&m, DM_EC_A_MEMBER_INDEX, "", 0);
	expect("FAIL_MEMBER empty index", &m, -EINVAL, 1);

	msg_init(&m, family, 0, DM_EC_CMD_SET_REBUILD_RATE, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	expect("SET_REBUILD_RATE without a rate", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_REBUILD_RATE, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	u32 = 0xffffffff;
	put_u32(&m, DM_EC_A_MAX_REBUILD_RATE, u32);
	expect("SET_REBUILD_RATE too big", &m, -ERANGE, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_REBUILD_RATE, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_MAX_REBUILD_RATE, 1);
	expect("SET_REBUILD_RATE as u8", &m, -EINVAL, 1);
	msg_init(&m, family, 0, DM_EC_CMD_SET_REBUILD_RATE, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u32(&m, DM_EC_A_MAX_REBUILD_RATE, 100);
	put(&m, DM_EC_A_MEMBERS | NLA_F_NESTED, "\x04\x00\x01\x00", 4);
	expect("SET_REBUILD_RATE with a nested reply attribute", &m, -EINVAL, 1);
}

static uint32_t rnd_state;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void random_msgs(unsigned long count, uint32_t seed, const char *vol)
{
	unsigned long i, accepted_mut = 0, errors = 0, ok_get = 0, timeouts = 0;
	uint8_t payload[300];
	struct msg m;

	rnd_state = seed ? seed : 1;
	for (i = 0; i < count; i++) {
		uint8_t cmd = rnd() % 8;
		unsigned int nattr = rnd() % 6, j, l;
		int mutating = cmd == DM_EC_CMD_SET_ACTION ||
			       cmd == DM_EC_CMD_FAIL_MEMBER ||
			       cmd == DM_EC_CMD_SET_REBUILD_RATE || cmd >= DM_EC_CMD_MAX + 1;
		int r;

		msg_init(&m, family, rnd() % 8 == 0 ? NLM_F_DUMP : 0, cmd,
			 rnd() % 4 ? 1 : rnd() & 0xff);
		if (rnd() % 2)
			put_str(&m, DM_EC_A_NAME, vol);
		for (j = 0; j < nattr; j++) {
			uint16_t type = rnd() % (DM_EC_A_MAX + 4);

			l = rnd() % 3 ? rnd() % 9 : rnd() % sizeof(payload);
			for (unsigned int b = 0; b < l; b++)
				payload[b] = rnd();
			if (rnd() % 5 == 0)
				type |= NLA_F_NESTED;
			put(&m, type, payload, l);
		}
		/* Mutating requests always carry one attribute the policy refuses. */
		if (mutating)
			put_u32(&m, DM_EC_A_MAX + 1 + rnd() % 50, rnd());
		r = transact(&m, NULL);
		if (r == -ETIMEDOUT)
			timeouts++;
		else if (r < 0)
			errors++;
		else if (mutating)
			accepted_mut++;
		else
			ok_get++;
	}
	ntest++;
	if (accepted_mut || timeouts)
		nfail++;
	printf("%s %d - %lu random requests: %lu rejected, %lu queries answered, %lu mutating accepted, %lu timeouts\n",
	       accepted_mut || timeouts ? "not ok" : "ok", ntest, count, errors,
	       ok_get, accepted_mut, timeouts);
}

static void perm(const char *vol)
{
	struct msg m;

	msg_init(&m, family, 0, DM_EC_CMD_SET_ACTION, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_SYNC_ACTION, DM_EC_ACTION_CHECK);
	expect("unprivileged SET_ACTION", &m, -EPERM, 0);
	msg_init(&m, family, 0, DM_EC_CMD_FAIL_MEMBER, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u8(&m, DM_EC_A_MEMBER_INDEX, 0);
	expect("unprivileged FAIL_MEMBER", &m, -EPERM, 0);
	msg_init(&m, family, 0, DM_EC_CMD_SET_REBUILD_RATE, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u32(&m, DM_EC_A_MAX_REBUILD_RATE, 1);
	expect("unprivileged SET_REBUILD_RATE", &m, -EPERM, 0);
}

static void rate(const char *vol, uint32_t kib)
{
	struct msg m;
	int r;

	msg_init(&m, family, 0, DM_EC_CMD_SET_REBUILD_RATE, 1);
	put_str(&m, DM_EC_A_NAME, vol);
	put_u32(&m, DM_EC_A_MAX_REBUILD_RATE, kib);
	r = transact(&m, NULL);
	ntest++;
	if (r)
		nfail++;
	printf("%s %d - SET_REBUILD_RATE %u: %s\n", r ? "not ok" : "ok", ntest,
	       kib, r ? strerror(-r) : "accepted");
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: nlfuzz cases|perm <volume> | nlfuzz random <n> <seed> <volume> | nlfuzz rate <volume> <KiB/s>\n");
		return 2;
	}
	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sk < 0 || bind(sk, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("nlfuzz: socket");
		return 1;
	}
	setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (resolve()) {
		fprintf(stderr, "nlfuzz: family %s not found\n", DM_EC_GENL_NAME);
		return 1;
	}
	if (!strcmp(argv[1], "cases"))
		cases(argv[2]);
	else if (!strcmp(argv[1], "perm"))
		perm(argv[2]);
	else if (!strcmp(argv[1], "rate") && argc == 4)
		rate(argv[2], strtoul(argv[3], NULL, 0));
	else if (!strcmp(argv[1], "random") && argc == 5)
		random_msgs(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
			    argv[4]);
	else
		return 2;
	printf("# nlfuzz: %d of %d as expected\n", ntest - nfail, ntest);
	return nfail ? 1 : 0;
}
