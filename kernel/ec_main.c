// SPDX-License-Identifier: GPL-2.0
/*
 * dm-ec: module init and exit.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "dm-ec.h"

static char *codec;
module_param(codec, charp, 0444);
MODULE_PARM_DESC(codec, "Force a GF(2^8) kernel by name (generic, ssse3, avx2, avx512, gfni_avx2, gfni_avx512, neon)");

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
MODULE_VERSION("1.0.0");
