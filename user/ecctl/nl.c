// SPDX-License-Identifier: GPL-2.0
/*
 * ecctl: the "dm_ec" generic netlink family: transport, replies checked, actions.
 */
#include <netlink/genl/ctrl.h>
#include <linux/netlink.h>
#include "ecctl.h"

struct nl_sock *nl_sk;
static int nl_family;

int nl_open(void)
{
	int one = 1;

	if (nl_sk)
		return 0;
	nl_sk = nl_socket_alloc();
	if (!nl_sk) {
		err("cannot allocate a netlink socket");
		return -1;
	}
	if (genl_connect(nl_sk) < 0) {
		err("cannot connect to generic netlink");
		return -1;
	}
	setsockopt(nl_socket_get_fd(nl_sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_family = genl_ctrl_resolve(nl_sk, DM_EC_GENL_NAME);
	if (nl_family < 0) {
		err("generic netlink family %s not found (is the dm-ec module loaded?)",
		    DM_EC_GENL_NAME);
		return -1;
	}
	return 0;
}

static int nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nl_req *r = arg;

	if (r->parse)
		return r->parse(msg, r->arg);
	return NL_OK;
}

static int nl_finish_cb(struct nl_msg *msg, void *arg)
{
	((struct nl_req *)arg)->done = 1;
	return NL_SKIP;
}

static int nl_ack_cb(struct nl_msg *msg, void *arg)
{
	((struct nl_req *)arg)->done = 1;
	return NL_STOP;
}

/* Error with an extended ACK: the kernel's message follows the error. */
int nl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nl_req *r = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	size_t off = sizeof(*nlh) + sizeof(*e);
	struct nlattr *a;
	int rem;

	r->error = e->error;
	r->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The request echoed back: its length is the kernel's word. */
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return NL_STOP;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	}
	if (off >= nlh->nlmsg_len)
		return NL_STOP;
	a = (struct nlattr *)((char *)nlh + off);
	rem = nlh->nlmsg_len - off;
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG) {
			snprintf(r->ext_msg, sizeof(r->ext_msg), "%.*s",
				 nla_len(a), (char *)nla_data(a));
			r->ext_msg[strcspn(r->ext_msg, "\n")] = '\0';
		}
	}
	return NL_STOP;
}

/* Send msg (consumed) and process the answers. */
static int nl_transact(struct nl_msg *msg, struct nl_req *r)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nl_valid_cb, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, nl_finish_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_ack_cb, r);
	nl_cb_err(cb, NL_CB_CUSTOM, nl_error_cb, r);
	ret = nl_send_auto(nl_sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!r->done) {
		ret = nl_recvmsgs(nl_sk, cb);
		if (ret < 0 && !r->done) {
			if (!r->error)
				r->error = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return r->error;
}

/* Report a failed request on object 'what'. */
static void nl_report(const char *what, const char *doing, struct nl_req *r)
{
	if (r->error == -ENODEV)
		err("%s: no such volume", what);
	else if (r->error == -EPERM)
		err("%s: %s: permission denied (CAP_NET_ADMIN needed)", what,
		    doing);
	else
		err("%s: %s: %s", what, doing, strerror(-r->error));
	if (r->ext_msg[0] && r->error != -ENODEV)
		fprintf(stderr, "kernel reports: %s\n", r->ext_msg);
}

static struct nl_msg *nl_new(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl_family, 0,
			 flags | NLM_F_REQUEST | NLM_F_ACK, cmd,
			 DM_EC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Replies are checked against the types and ranges of uapi/linux/dm-ec.h
 * before anything is used: sizes index fixed arrays, and a string must
 * end within its attribute.
 */
struct nla_policy vol_policy[DM_EC_A_MAX + 1] = {
	[DM_EC_A_NAME] = { .type = NLA_STRING, .maxlen = DM_EC_NAME_MAX },
	[DM_EC_A_DEV] = { .type = NLA_U32 },
	[DM_EC_A_UUID] = { .minlen = DM_EC_UUID_LEN, .maxlen = DM_EC_UUID_LEN },
	[DM_EC_A_K] = { .type = NLA_U8 },
	[DM_EC_A_M] = { .type = NLA_U8 },
	[DM_EC_A_CHUNK_SECTORS] = { .type = NLA_U32 },
	[DM_EC_A_SECTORS] = { .type = NLA_U64 },
	[DM_EC_A_CODEC] = { .type = NLA_STRING, .maxlen = 32 },
	[DM_EC_A_SYNC_ACTION] = { .type = NLA_U8 },
	[DM_EC_A_SYNC_DONE] = { .type = NLA_U64 },
	[DM_EC_A_SYNC_TOTAL] = { .type = NLA_U64 },
	[DM_EC_A_MISMATCH_CNT] = { .type = NLA_U64 },
	[DM_EC_A_CACHE_HITS] = { .type = NLA_U64 },
	[DM_EC_A_CACHE_MISSES] = { .type = NLA_U64 },
	[DM_EC_A_HEALTH] = { .type = NLA_U8 },
	[DM_EC_A_LOST] = { .type = NLA_U8 },
	[DM_EC_A_FLAGS] = { .type = NLA_U32 },
	[DM_EC_A_MAX_REBUILD_RATE] = { .type = NLA_U32 },
	[DM_EC_A_EVENTS] = { .type = NLA_U64 },
	[DM_EC_A_LAST_ACTION] = { .type = NLA_U8 },
	[DM_EC_A_LAST_RESULT] = { .type = NLA_U8 },
	[DM_EC_A_LAST_TIME] = { .type = NLA_U64 },
	[DM_EC_A_LAST_MISMATCH] = { .type = NLA_U64 },
	[DM_EC_A_MEMBERS] = { .type = NLA_NESTED },
	[DM_EC_A_MEMBER_INDEX] = { .type = NLA_U8 },
	[DM_EC_A_EVENT] = { .type = NLA_U8 },
	[DM_EC_A_SYNC_RUNS] = { .type = NLA_U64 },
	[DM_EC_A_REDUNDANCY] = { .type = NLA_U8 },
};

static struct nla_policy member_policy[DM_EC_MEMBER_A_MAX + 1] = {
	[DM_EC_MEMBER_A_INDEX] = { .type = NLA_U8 },
	[DM_EC_MEMBER_A_DEV] = { .type = NLA_U32 },
	[DM_EC_MEMBER_A_UUID] = { .minlen = DM_EC_UUID_LEN,
				  .maxlen = DM_EC_UUID_LEN },
	[DM_EC_MEMBER_A_STATE] = { .type = NLA_U8 },
	[DM_EC_MEMBER_A_READ_ERRORS] = { .type = NLA_U32 },
	[DM_EC_MEMBER_A_WRITE_ERRORS] = { .type = NLA_U32 },
	[DM_EC_MEMBER_A_NAME] = { .type = NLA_STRING, .maxlen = 32 },
};

/*
 * Copy a string attribute: it must hold its NUL and fit in out. The
 * policy says so too, but what libnl checks differs between versions.
 */
bool nl_str(const struct nlattr *a, char *out, size_t size)
{
	const char *d = nla_data(a);
	int n = nla_len(a);
	const char *nul = n > 0 ? memchr(d, '\0', n) : NULL;

	if (!nul || (size_t)(nul - d) >= size)
		return false;
	memcpy(out, d, nul - d + 1);
	return true;
}

/* Attributes present are of the right size: the policy checked. */
uint64_t get_u64(struct nlattr **tb, int i)
{
	return tb[i] ? nla_get_u64(tb[i]) : 0;
}

unsigned int get_u8(struct nlattr **tb, int i)
{
	return tb[i] ? nla_get_u8(tb[i]) : 0;
}

uint32_t get_u32(struct nlattr **tb, int i)
{
	return tb[i] ? nla_get_u32(tb[i]) : 0;
}

/* The members of v (k and m already checked); NULL or why not. */
static const char *parse_members(struct vol_info *v, struct nlattr *nest)
{
	struct nlattr *ma[DM_EC_MEMBER_A_MAX + 1];
	uint32_t seen = 0;
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		struct member_info *mi;
		unsigned int i;

		if (nla_parse_nested(ma, DM_EC_MEMBER_A_MAX, a, member_policy) < 0)
			return "a member's attributes have the wrong type or size";
		if (!ma[DM_EC_MEMBER_A_INDEX])
			return "a member has no index";
		i = nla_get_u8(ma[DM_EC_MEMBER_A_INDEX]);
		if (i >= v->n)
			return "a member index is not below k + m";
		if (seen & (1U << i))
			return "a member index is given twice";
		seen |= 1U << i;
		mi = &v->mem[i];
		mi->index = i;
		if (ma[DM_EC_MEMBER_A_DEV]) {
			mi->has_dev = true;
			mi->dev = nla_get_u32(ma[DM_EC_MEMBER_A_DEV]);
		}
		if (ma[DM_EC_MEMBER_A_UUID])
			memcpy(mi->uuid, nla_data(ma[DM_EC_MEMBER_A_UUID]), 16);
		mi->state = get_u8(ma, DM_EC_MEMBER_A_STATE);
		mi->read_errors = get_u32(ma, DM_EC_MEMBER_A_READ_ERRORS);
		mi->write_errors = get_u32(ma, DM_EC_MEMBER_A_WRITE_ERRORS);
		if (!ma[DM_EC_MEMBER_A_NAME])
			snprintf(mi->name, sizeof(mi->name), "-");
		else if (!nl_str(ma[DM_EC_MEMBER_A_NAME], mi->name, sizeof(mi->name)))
			return "a member name is not a string of at most 31 bytes";
	}
	if (rem > 0)
		return "the member list is truncated";
	if (seen != member_mask(v->n))
		return "members are missing from the list";
	return NULL;
}

/* Check one reply and fill v from it; NULL or why it is refused. */
static const char *parse_volume_attrs(struct vol_info *v, struct nlattr **tb)
{
	const char *why;

	if (!tb[DM_EC_A_NAME] || !nl_str(tb[DM_EC_A_NAME], v->name, sizeof(v->name)))
		return "no volume name, or a name that is not a string of at most 127 bytes";
	if (!tb[DM_EC_A_K] || !tb[DM_EC_A_M] || !tb[DM_EC_A_CHUNK_SECTORS])
		return "k, m or chunk_sectors is missing";
	v->k = get_u8(tb, DM_EC_A_K);
	v->m = get_u8(tb, DM_EC_A_M);
	v->chunk = get_u32(tb, DM_EC_A_CHUNK_SECTORS);
	if (v->k < 1 || v->k > LIBEC_MAX_K || v->m < 1 || v->m > LIBEC_MAX_M ||
	    v->k + v->m > MAX_N)
		return "k or m is out of range (1 <= k, 1 <= m <= 4, k + m <= 32)";
	v->n = v->k + v->m;
	if (v->chunk < 8 || v->chunk > 8192 || (v->chunk & (v->chunk - 1)))
		return "chunk_sectors is not a power of two in 8..8192";
	v->sectors = get_u64(tb, DM_EC_A_SECTORS);
	if (v->sectors > UINT64_MAX >> 9)
		return "the volume size is out of range";
	v->health = get_u8(tb, DM_EC_A_HEALTH);
	if (v->health > DM_EC_HEALTH_MAX)
		return "the health value is unknown";
	v->dev = get_u32(tb, DM_EC_A_DEV);
	if (tb[DM_EC_A_UUID])
		memcpy(v->uuid, nla_data(tb[DM_EC_A_UUID]), 16);
	if (tb[DM_EC_A_CODEC] &&
	    !nl_str(tb[DM_EC_A_CODEC], v->codec, sizeof(v->codec)))
		return "the codec name is not a string of at most 31 bytes";
	v->action = get_u8(tb, DM_EC_A_SYNC_ACTION);
	v->sync_done = get_u64(tb, DM_EC_A_SYNC_DONE);
	v->sync_total = get_u64(tb, DM_EC_A_SYNC_TOTAL);
	v->mismatch = get_u64(tb, DM_EC_A_MISMATCH_CNT);
	v->hits = get_u64(tb, DM_EC_A_CACHE_HITS);
	v->misses = get_u64(tb, DM_EC_A_CACHE_MISSES);
	v->lost = get_u8(tb, DM_EC_A_LOST);
	v->redundancy = tb[DM_EC_A_REDUNDANCY] ? (int)get_u8(tb, DM_EC_A_REDUNDANCY) : -1;
	if (v->redundancy > (int)v->m)
		return "the redundancy is more than m";
	v->flags = get_u32(tb, DM_EC_A_FLAGS);
	v->rate = get_u32(tb, DM_EC_A_MAX_REBUILD_RATE);
	v->events = get_u64(tb, DM_EC_A_EVENTS);
	v->runs = get_u64(tb, DM_EC_A_SYNC_RUNS);
	if (tb[DM_EC_A_LAST_ACTION]) {
		v->last_valid = true;
		v->last_action = get_u8(tb, DM_EC_A_LAST_ACTION);
		v->last_result = get_u8(tb, DM_EC_A_LAST_RESULT);
		v->last_time = get_u64(tb, DM_EC_A_LAST_TIME);
		v->last_mismatch = get_u64(tb, DM_EC_A_LAST_MISMATCH);
	}
	if (!tb[DM_EC_A_MEMBERS])
		return "the member list is missing";
	why = parse_members(v, tb[DM_EC_A_MEMBERS]);
	return why;
}

int parse_volume(struct nl_msg *msg, void *arg)
{
	struct vol_list *l = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[DM_EC_A_MAX + 1];
	const char *why = NULL;
	struct vol_info *v;

	if (!genlmsg_valid_hdr(nlh, 0) || g->cmd != DM_EC_CMD_GET_VOLUME)
		return NL_SKIP;
	if (l->nr == l->alloc) {
		unsigned int na = l->alloc ? 2 * l->alloc : 8;
		struct vol_info *nv = realloc(l->v, na * sizeof(*nv));

		if (!nv) {
			err("out of memory");
			l->bad++;
			return NL_STOP;
		}
		l->v = nv;
		l->alloc = na;
	}
	v = &l->v[l->nr];
	memset(v, 0, sizeof(*v));
	if (nla_parse(tb, DM_EC_A_MAX, genlmsg_attrdata(g, 0),
		      genlmsg_attrlen(g, 0), vol_policy) < 0)
		why = "attributes of the wrong type or size";
	else
		why = parse_volume_attrs(v, tb);
	if (why) {
		err("%s: malformed reply from the kernel: %s",
		    v->name[0] ? v->name : "volume", why);
		l->bad++;
		return NL_SKIP;
	}
	l->nr++;
	return NL_OK;
}

/* One volume by name (name != NULL) or all of them. */
int get_volumes(const char *name, struct vol_list *l)
{
	struct nl_req r = { .parse = parse_volume, .arg = l };
	struct nl_msg *msg;

	if (nl_open())
		return -1;
	msg = nl_new(DM_EC_CMD_GET_VOLUME, name ? 0 : NLM_F_DUMP);
	if (!msg)
		return -1;
	if (name && nla_put_string(msg, DM_EC_A_NAME, name) < 0) {
		nlmsg_free(msg);
		err("%s: name too long", name);
		return -1;
	}
	if (nl_transact(msg, &r)) {
		nl_report(name ? name : "volumes", "query", &r);
		return -1;
	}
	if (l->bad)
		return -1;	/* said by parse_volume() */
	if (name && l->nr != 1) {
		err("%s: no such volume", name);
		return -1;
	}
	return 0;
}

int get_volume(const char *name, struct vol_info *out)
{
	struct vol_list l = { 0 };

	if (get_volumes(name, &l)) {
		free(l.v);
		return -1;
	}
	*out = l.v[0];
	free(l.v);
	return 0;
}

/* A mutating request: cmd on volume name with one more attribute. */
int nl_action(const char *name, uint8_t cmd, int attr, int type,
	      uint32_t val, const char *doing)
{
	struct nl_req r = { 0 };
	struct nl_msg *msg;

	if (nl_open())
		return -1;
	msg = nl_new(cmd, 0);
	if (!msg)
		return -1;
	nla_put_string(msg, DM_EC_A_NAME, name);
	if (type == NLA_U8)
		nla_put_u8(msg, attr, val);
	else
		nla_put_u32(msg, attr, val);
	if (nl_transact(msg, &r)) {
		nl_report(name, doing, &r);
		return -1;
	}
	return 0;
}
