// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: module init and exit.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include "dm-ec.h"

static char *codec;
module_param(codec, charp, 0444);
MODULE_PARM_DESC(codec, "Force a GF(2^8) kernel by name, one of those in the parameter codecs");

/*
 * codecs (read-only): every kernel built into the module, from the one
 * list (simd/ec_simd_list.h), the one in use in brackets, those this CPU
 * cannot run in parentheses: "generic ssse3 [avx2] (avx512)".
 */
static int ec_codecs_get(char *buf, const struct kernel_param *kp)
{
	const struct ec_gf_ops *ops;
	unsigned int i;
	int len = 0;

	for (i = 0; (ops = ec_gf_all_ops[i]); i++)
		len += sysfs_emit_at(buf, len, ops == ec_codec_ops() ? "%s[%s]" :
				     ops->valid() ? "%s%s" : "%s(%s)",
				     i ? " " : "", ops->name);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static const struct kernel_param_ops ec_codecs_ops = {
	.get = ec_codecs_get,
};
module_param_cb(codecs, &ec_codecs_ops, NULL, 0444);
MODULE_PARM_DESC(codecs, "The GF(2^8) kernels built in: [in use], (not usable on this CPU)");

static int __init dm_ec_init(void)
{
	int ret;

	ret = ec_codec_init(codec);
	if (ret) {
		pr_err("dm-ec: codec initialisation failed (%d)\n", ret);
		return ret;
	}
	ret = ec_nl_init();
	if (ret) {
		pr_err("dm-ec: cannot register the generic netlink family (%d)\n",
		       ret);
		return ret;
	}
	ret = ec_target_register();
	if (ret) {
		pr_err("dm-ec: cannot register the target (%d)\n", ret);
		goto err_target;
	}
	return 0;

err_target:
	ec_nl_exit();
	return ret;
}

static void __exit dm_ec_exit(void)
{
	ec_target_unregister();
	ec_nl_exit();
}

module_init(dm_ec_init);
module_exit(dm_ec_exit);

MODULE_DESCRIPTION("device-mapper Reed-Solomon erasure-coded target");
MODULE_AUTHOR("dm-ec developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(DM_EC_VERSION);
