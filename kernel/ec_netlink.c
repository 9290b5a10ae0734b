// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: generic netlink family "dm_ec": volume queries, actions and
 * multicast events. include/uapi/linux/dm-ec.h is the protocol spec.
 */
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <uapi/linux/dm-ec.h>
#include "dm-ec.h"

/* Volumes whose constructor succeeded, in order of creation. */
static LIST_HEAD(ec_nl_vols);
static DEFINE_MUTEX(ec_nl_lock);
static DECLARE_WAIT_QUEUE_HEAD(ec_nl_idle);	/* a volume's busy count hit 0 */
static u64 ec_nl_next_id = 1;

static struct genl_family ec_nl_family;

enum { EC_NL_GRP_EVENTS };

static const struct genl_multicast_group ec_nl_mcgrps[] = {
	[EC_NL_GRP_EVENTS] = { .name = DM_EC_MCGRP_EVENTS },
};

static struct netlink_range_validation ec_nl_rate_range = {
	.max = DM_EC_RATE_MAX,
};

static const struct nla_policy ec_nl_policy[DM_EC_A_MAX + 1] = {
	[DM_EC_A_NAME] = { .type = NLA_NUL_STRING, .len = DM_EC_NAME_MAX - 1 },
	[DM_EC_A_DEV] = { .type = NLA_U32 },
	[DM_EC_A_SYNC_ACTION] = NLA_POLICY_MAX(NLA_U8, DM_EC_ACTION_MAX),
	[DM_EC_A_MEMBER_INDEX] = NLA_POLICY_MAX(NLA_U8, DM_EC_MAX_MEMBERS - 1),
	[DM_EC_A_MAX_REBUILD_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &ec_nl_rate_range),
};

static struct mapped_device *ec_nl_md(struct ec_vol *v)
{
	return dm_table_get_md(v->ti->table);
}

/*
 * A reload constructs the new table while the old one is live, and the
 * old one is destroyed only after the new one has been resumed: of the
 * volumes of one device, the newest activated one is the live one.
 * Called with ec_nl_lock held.
 */
static bool ec_nl_live(struct ec_vol *v)
{
	struct mapped_device *md = ec_nl_md(v);
	struct ec_vol *w;

	if (!READ_ONCE(v->activated))
		return false;
	list_for_each_entry(w, &ec_nl_vols, nl.node)
		if (w->nl.id > v->nl.id && ec_nl_md(w) == md &&
		    READ_ONCE(w->activated))
			return false;
	return true;
}

void ec_nl_vol_add(struct ec_vol *v)
{
	mutex_lock(&ec_nl_lock);
	v->nl.id = ec_nl_next_id++;
	list_add_tail(&v->nl.node, &ec_nl_vols);
	mutex_unlock(&ec_nl_lock);
}

/* Off the list, no request finds it; wait for those still using it. */
void ec_nl_vol_del(struct ec_vol *v)
{
	mutex_lock(&ec_nl_lock);
	list_del(&v->nl.node);
	mutex_unlock(&ec_nl_lock);
	wait_event(ec_nl_idle, !atomic_read(&v->nl.busy));
}

/*
 * Members that may still fail before data is lost, over the whole volume:
 * m less the members failed, missing or rebuilding (out of sync above
 * rebuild_cp), and none while parity is not yet in sync (initial sync or
 * a resync after a crash). -1 when data is lost already.
 */
static int ec_nl_redundancy(struct ec_vol *v)
{
	int r = v->m - hweight_long(ec_unsynced_mask(v));

	if (r < 0)
		return -1;
	if (READ_ONCE(v->sync.resync_cp) < v->rows * v->chunk_sectors)
		return 0;
	return r;
}

static u8 ec_nl_health(struct ec_vol *v, int redundancy)
{
	if (redundancy < 0)
		return DM_EC_HEALTH_DATA_LOST;
	return redundancy < v->m ? DM_EC_HEALTH_DEGRADED : DM_EC_HEALTH_OK;
}

/* The device-mapper name (dm_device_name() is the disk's, "dm-N"). */
static int ec_nl_name(struct ec_vol *v, char *name)
{
	int ret = dm_copy_name_and_uuid(ec_nl_md(v), name, NULL);

	if (ret)
		name[0] = '\0';
	return ret;
}

/* Identity of a volume: in replies and in events. */
static int ec_nl_put_id(struct sk_buff *skb, struct ec_vol *v)
{
	struct mapped_device *md = ec_nl_md(v);
	char name[DM_NAME_LEN];

	ec_nl_name(v, name);
	if (nla_put_string(skb, DM_EC_A_NAME, name) ||
	    nla_put_u32(skb, DM_EC_A_DEV, disk_devt(dm_disk(md))) ||
	    nla_put(skb, DM_EC_A_UUID, DM_EC_UUID_LEN, v->array_uuid))
		return -EMSGSIZE;
	return 0;
}

static int ec_nl_put_member(struct sk_buff *skb, struct ec_vol *v,
			    unsigned int i)
{
	struct ec_member *mb = &v->mem[i];
	struct nlattr *nest;

	nest = nla_nest_start(skb, i);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, DM_EC_MEMBER_A_INDEX, i) ||
	    nla_put(skb, DM_EC_MEMBER_A_UUID, DM_EC_UUID_LEN, mb->uuid) ||
	    nla_put_u8(skb, DM_EC_MEMBER_A_STATE, ec_mstate_nl(ec_member_state(v, i))) ||
	    nla_put_u32(skb, DM_EC_MEMBER_A_READ_ERRORS,
			atomic_read(&mb->read_errors)) ||
	    nla_put_u32(skb, DM_EC_MEMBER_A_WRITE_ERRORS,
			atomic_read(&mb->write_errors)))
		goto cancel;
	if (mb->dev &&
	    (nla_put_u32(skb, DM_EC_MEMBER_A_DEV, mb->dev->bdev->bd_dev) ||
	     nla_put_string(skb, DM_EC_MEMBER_A_NAME, mb->dev->name)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ec_nl_put_volume(struct sk_buff *skb, struct ec_vol *v)
{
	unsigned int lost = hweight_long(ec_bad_mask(v)), i;
	int redundancy = ec_nl_redundancy(v);
	u32 flags = 0;
	struct nlattr *nest;

	if (v->sb_flags & DM_EC_SB_F_SYNCED)
		flags |= DM_EC_VF_SYNCED;
	if (v->clean)
		flags |= DM_EC_VF_CLEAN;
	if (v->nosync)
		flags |= DM_EC_VF_NOSYNC;

	if (ec_nl_put_id(skb, v) ||
	    nla_put_u8(skb, DM_EC_A_K, v->k) ||
	    nla_put_u8(skb, DM_EC_A_M, v->m) ||
	    nla_put_u32(skb, DM_EC_A_CHUNK_SECTORS, v->chunk_sectors) ||
	    nla_put_u64_64bit(skb, DM_EC_A_SECTORS, v->ti->len, DM_EC_A_PAD) ||
	    nla_put_string(skb, DM_EC_A_CODEC, v->code->ops->name) ||
	    nla_put_u8(skb, DM_EC_A_SYNC_ACTION, READ_ONCE(v->sync.action)) ||
	    nla_put_u64_64bit(skb, DM_EC_A_SYNC_DONE, READ_ONCE(v->sync.done),
			      DM_EC_A_PAD) ||
	    nla_put_u64_64bit(skb, DM_EC_A_SYNC_TOTAL, READ_ONCE(v->sync.total),
			      DM_EC_A_PAD) ||
	    nla_put_u64_64bit(skb, DM_EC_A_MISMATCH_CNT,
			      atomic64_read(&v->sync.mismatches), DM_EC_A_PAD) ||
	    nla_put_u64_64bit(skb, DM_EC_A_CACHE_HITS, READ_ONCE(v->code->hits),
			      DM_EC_A_PAD) ||
	    nla_put_u64_64bit(skb, DM_EC_A_CACHE_MISSES,
			      READ_ONCE(v->code->misses), DM_EC_A_PAD) ||
	    nla_put_u8(skb, DM_EC_A_HEALTH, ec_nl_health(v, redundancy)) ||
	    nla_put_u8(skb, DM_EC_A_LOST, lost) ||
	    nla_put_u32(skb, DM_EC_A_FLAGS, flags) ||
	    nla_put_u32(skb, DM_EC_A_MAX_REBUILD_RATE,
			READ_ONCE(v->max_rebuild_rate)) ||
	    nla_put_u64_64bit(skb, DM_EC_A_EVENTS, READ_ONCE(v->events),
			      DM_EC_A_PAD) ||
	    nla_put_u64_64bit(skb, DM_EC_A_SYNC_RUNS, READ_ONCE(v->nl.runs),
			      DM_EC_A_PAD) ||
	    nla_put_u8(skb, DM_EC_A_REDUNDANCY, max(redundancy, 0)))
		return -EMSGSIZE;

	if (READ_ONCE(v->nl.last_valid) &&
	    (nla_put_u8(skb, DM_EC_A_LAST_ACTION, READ_ONCE(v->nl.last_action)) ||
	     nla_put_u8(skb, DM_EC_A_LAST_RESULT, READ_ONCE(v->nl.last_result)) ||
	     nla_put_u64_64bit(skb, DM_EC_A_LAST_TIME,
			       READ_ONCE(v->nl.last_time), DM_EC_A_PAD) ||
	     nla_put_u64_64bit(skb, DM_EC_A_LAST_MISMATCH,
			       READ_ONCE(v->nl.last_mismatch), DM_EC_A_PAD)))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, DM_EC_A_MEMBERS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < v->n; i++) {
		if (ec_nl_put_member(skb, v, i)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The volume a request names; called with ec_nl_lock held. */
static struct ec_vol *ec_nl_find(struct genl_info *info)
{
	struct nlattr *name = info->attrs[DM_EC_A_NAME];
	struct nlattr *dev = info->attrs[DM_EC_A_DEV];
	char vname[DM_NAME_LEN];
	struct ec_vol *v;

	if (!name && !dev) {
		NL_SET_ERR_MSG(info->extack,
			       "a volume name (DM_EC_A_NAME) or dev_t (DM_EC_A_DEV) is required");
		return ERR_PTR(-EINVAL);
	}
	list_for_each_entry(v, &ec_nl_vols, nl.node) {
		if (!ec_nl_live(v))
			continue;
		if (name && (ec_nl_name(v, vname) ||
			     strcmp(nla_data(name), vname)))
			continue;
		if (dev && nla_get_u32(dev) != disk_devt(dm_disk(ec_nl_md(v))))
			continue;
		return v;
	}
	NL_SET_ERR_MSG_ATTR(info->extack, name ?: dev, "no such dm-ec volume");
	return ERR_PTR(-ENODEV);
}

static int ec_nl_get_volume(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct ec_vol *v;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ec_nl_family, 0,
				DM_EC_CMD_GET_VOLUME);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	mutex_lock(&ec_nl_lock);
	v = ec_nl_find(info);
	if (IS_ERR(v))
		ret = PTR_ERR(v);
	else
		ret = ec_nl_put_volume(msg, v);
	mutex_unlock(&ec_nl_lock);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

/* cb->args[0]: id of the last volume sent. */
static int ec_nl_dump_volumes(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ec_vol *v;
	void *hdr;
	int ret = 0;

	mutex_lock(&ec_nl_lock);
	list_for_each_entry(v, &ec_nl_vols, nl.node) {
		if (v->nl.id <= cb->args[0] || !ec_nl_live(v))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ec_nl_family,
				  NLM_F_MULTI, DM_EC_CMD_GET_VOLUME);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		if (ec_nl_put_volume(skb, v)) {
			genlmsg_cancel(skb, hdr);
			ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = v->nl.id;
	}
	mutex_unlock(&ec_nl_lock);
	/* A volume too big for an empty message would loop forever. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

/*
 * Changing a volume is what dm ioctls allow with CAP_SYS_ADMIN only;
 * GENL_ADMIN_PERM checks CAP_NET_ADMIN, so check this too.
 */
static int ec_nl_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(info->extack, "changing a dm-ec volume needs CAP_SYS_ADMIN");
	return -EPERM;
}

static int ec_nl_set_action(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[DM_EC_A_SYNC_ACTION];
	enum ec_action want;
	struct ec_vol *v;
	int ret;

	ret = ec_nl_admin(skb, info);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, DM_EC_A_SYNC_ACTION)) {
		NL_SET_ERR_MSG(info->extack, "an action (DM_EC_A_SYNC_ACTION) is required");
		return -EINVAL;
	}
	switch (nla_get_u8(attr)) {
	case DM_EC_ACTION_IDLE:
		want = EC_ACT_IDLE;
		break;
	case DM_EC_ACTION_FROZEN:
		want = EC_ACT_FROZEN;
		break;
	case DM_EC_ACTION_RESYNC:
		want = EC_ACT_RESYNC;
		break;
	case DM_EC_ACTION_CHECK:
		want = EC_ACT_CHECK;
		break;
	case DM_EC_ACTION_REPAIR:
		want = EC_ACT_REPAIR;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "rebuild cannot be requested: it starts when a member needs it");
		return -EINVAL;
	}

	mutex_lock(&ec_nl_lock);
	v = ec_nl_find(info);
	if (IS_ERR(v)) {
		ret = PTR_ERR(v);
		goto out;
	}
	ret = ec_sync_request(v, want);
	if (ret == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "refused: a resync or rebuild is in progress");
	else if (ret == -EIO)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "refused: more than m members are lost");
out:
	mutex_unlock(&ec_nl_lock);
	return ret;
}

/*
 * The failure is on disk when the reply goes out, but the superblock
 * writes are waited for with no lock held (the family has parallel_ops:
 * no genl_mutex either): a member that hangs stalls this request only.
 * The busy count keeps the volume from being destroyed meanwhile.
 */
static int ec_nl_fail_member(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[DM_EC_A_MEMBER_INDEX];
	struct ec_vol *v;
	unsigned int idx;
	int ret;

	ret = ec_nl_admin(skb, info);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, DM_EC_A_MEMBER_INDEX)) {
		NL_SET_ERR_MSG(info->extack, "a member index (DM_EC_A_MEMBER_INDEX) is required");
		return -EINVAL;
	}
	idx = nla_get_u8(attr);

	mutex_lock(&ec_nl_lock);
	v = ec_nl_find(info);
	if (IS_ERR(v)) {
		ret = PTR_ERR(v);
		goto out;
	}
	if (idx >= v->n) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "member index is out of range (0..k+m-1)");
		ret = -ERANGE;
		goto out;
	}
	ret = ec_vol_fail_member(v, idx);
	if (ret < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "refused: m members are already failed, missing or rebuilding, failing another would lose data");
		goto out;
	}
	ret = 0;
	atomic_inc(&v->nl.busy);
	mutex_unlock(&ec_nl_lock);
	flush_work(&v->meta_work);
	ec_sync_kick(v);
	if (atomic_dec_and_test(&v->nl.busy))
		wake_up_all(&ec_nl_idle);
	return 0;
out:
	mutex_unlock(&ec_nl_lock);
	return ret;
}

static int ec_nl_set_rate(struct sk_buff *skb, struct genl_info *info)
{
	struct ec_vol *v;
	int ret;

	ret = ec_nl_admin(skb, info);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, DM_EC_A_MAX_REBUILD_RATE)) {
		NL_SET_ERR_MSG(info->extack, "a rate (DM_EC_A_MAX_REBUILD_RATE) is required");
		return -EINVAL;
	}
	mutex_lock(&ec_nl_lock);
	v = ec_nl_find(info);
	if (IS_ERR(v))
		ret = PTR_ERR(v);
	else
		WRITE_ONCE(v->max_rebuild_rate,
			   nla_get_u32(info->attrs[DM_EC_A_MAX_REBUILD_RATE]));
	mutex_unlock(&ec_nl_lock);
	return ret;
}

static const struct genl_small_ops ec_nl_ops[] = {
	{
		.cmd = DM_EC_CMD_GET_VOLUME,
		.doit = ec_nl_get_volume,
		.dumpit = ec_nl_dump_volumes,
	}, {
		.cmd = DM_EC_CMD_SET_ACTION,
		.doit = ec_nl_set_action,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = DM_EC_CMD_FAIL_MEMBER,
		.doit = ec_nl_fail_member,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = DM_EC_CMD_SET_REBUILD_RATE,
		.doit = ec_nl_set_rate,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family ec_nl_family __ro_after_init = {
	.name = DM_EC_GENL_NAME,
	.version = DM_EC_GENL_VERSION,
	.maxattr = DM_EC_A_MAX,
	.policy = ec_nl_policy,
	/* Requests serialise on ec_nl_lock, not on every family's mutex. */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = ec_nl_ops,
	.n_small_ops = ARRAY_SIZE(ec_nl_ops),
	.mcgrps = ec_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ec_nl_mcgrps),
};

/* ---- events: process context only ---- */

static void ec_nl_event(struct ec_vol *v, u8 event, int member,
			enum ec_action act, int result)
{
	unsigned int lost = hweight_long(ec_bad_mask(v));
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&ec_nl_family, &init_net, EC_NL_GRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &ec_nl_family, 0, DM_EC_CMD_EVENT);
	if (!hdr)
		goto err;
	if (nla_put_u8(skb, DM_EC_A_EVENT, event) || ec_nl_put_id(skb, v) ||
	    nla_put_u8(skb, DM_EC_A_LOST, lost) ||
	    nla_put_u8(skb, DM_EC_A_M, v->m))
		goto err;
	if (member >= 0 && nla_put_u8(skb, DM_EC_A_MEMBER_INDEX, member))
		goto err;
	if (event >= DM_EC_EVENT_SYNC_STARTED &&
	    event <= DM_EC_EVENT_SYNC_FINISHED &&
	    (nla_put_u8(skb, DM_EC_A_SYNC_ACTION, act) ||
	     nla_put_u64_64bit(skb, DM_EC_A_SYNC_DONE, READ_ONCE(v->sync.done),
			       DM_EC_A_PAD) ||
	     nla_put_u64_64bit(skb, DM_EC_A_SYNC_TOTAL,
			       READ_ONCE(v->sync.total), DM_EC_A_PAD)))
		goto err;
	if (event == DM_EC_EVENT_SYNC_FINISHED &&
	    (nla_put_u64_64bit(skb, DM_EC_A_MISMATCH_CNT,
			       atomic64_read(&v->sync.mismatches), DM_EC_A_PAD) ||
	     nla_put_u8(skb, DM_EC_A_LAST_RESULT, result)))
		goto err;
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&ec_nl_family, skb, 0, EC_NL_GRP_EVENTS, GFP_KERNEL);
	return;
err:
	nlmsg_free(skb);
}

/*
 * From meta_work, after the failure is committed to the superblocks.
 * Returns whether a member failure was announced.
 */
bool ec_nl_meta_work(struct ec_vol *v)
{
	unsigned int i, lost;
	bool any = false;

	for (i = 0; i < v->n; i++) {
		if (test_and_clear_bit(i, &v->nl.failed)) {
			ec_nl_event(v, DM_EC_EVENT_MEMBER_FAILED, i, 0, 0);
			any = true;
		}
	}
	if (!any)
		return false;
	lost = hweight_long(ec_bad_mask(v));
	if (lost > v->m)
		ec_nl_event(v, DM_EC_EVENT_DATA_LOST, -1, 0, 0);
	else
		ec_nl_event(v, DM_EC_EVENT_DEGRADED, -1, 0, 0);
	return true;
}

void ec_nl_sync_started(struct ec_vol *v, enum ec_action act)
{
	v->nl.progress = jiffies;
	ec_nl_event(v, DM_EC_EVENT_SYNC_STARTED, -1, act, 0);
}

void ec_nl_sync_progress(struct ec_vol *v, enum ec_action act)
{
	if (time_before(jiffies, v->nl.progress + HZ))
		return;
	v->nl.progress = jiffies;
	ec_nl_event(v, DM_EC_EVENT_SYNC_PROGRESS, -1, act, 0);
}

void ec_nl_sync_finished(struct ec_vol *v, enum ec_action act, int ret,
			 bool complete, unsigned long rebuilt)
{
	u8 result = ret ? DM_EC_RESULT_ERROR :
		    complete ? DM_EC_RESULT_COMPLETE : DM_EC_RESULT_ABORTED;
	unsigned int i;

	WRITE_ONCE(v->nl.last_action, act);
	WRITE_ONCE(v->nl.last_result, result);
	WRITE_ONCE(v->nl.last_time, ktime_get_real_seconds());
	WRITE_ONCE(v->nl.last_mismatch, atomic64_read(&v->sync.mismatches));
	WRITE_ONCE(v->nl.last_valid, true);
	WRITE_ONCE(v->nl.runs, v->nl.runs + 1);
	ec_nl_event(v, DM_EC_EVENT_SYNC_FINISHED, -1, act, result);
	if (act != EC_ACT_REBUILD || !complete)
		return;
	for (i = 0; i < v->n; i++)
		if (rebuilt & BIT(i))
			ec_nl_event(v, DM_EC_EVENT_MEMBER_IN_SYNC, i, act, 0);
}

int __init ec_nl_init(void)
{
	BUILD_BUG_ON((int)EC_ACT_IDLE != (int)DM_EC_ACTION_IDLE ||
		     (int)EC_ACT_FROZEN != (int)DM_EC_ACTION_FROZEN ||
		     (int)EC_ACT_RESYNC != (int)DM_EC_ACTION_RESYNC ||
		     (int)EC_ACT_REBUILD != (int)DM_EC_ACTION_REBUILD ||
		     (int)EC_ACT_CHECK != (int)DM_EC_ACTION_CHECK ||
		     (int)EC_ACT_REPAIR != (int)DM_EC_ACTION_REPAIR);
	return genl_register_family(&ec_nl_family);
}

void ec_nl_exit(void)
{
	genl_unregister_family(&ec_nl_family);
}
