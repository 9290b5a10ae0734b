#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/build/dkms_smoke.sh - in the test VM: the module DKMS built
# (EC_KO, from tests/build/t_install.sh) loads, reports the project's
# version, and serves a 4+2 volume end to end: random data written,
# two members missing, read back identical; unloads cleanly.
. "$EC_ROOT/tests/kernel/lib.sh"
ec_require_vm

want=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$EC_ROOT/dkms.conf")
ec_setup 6 $((EC_DATA_OFFSET + 8192))
is "$(cat /sys/module/dm_ec/version 2>/dev/null)" "$want" \
	"the DKMS-built module is loaded and says version $want"
K=4 M=2 C=128
LEN=$((K * 8192))
ec_create s "0 $LEN ec $K $M $C 1 nosync $(ec_devs "" 0 1 2 3 4 5)"
tap $? "a 4+2 volume on the DKMS-built module"
ecpy fill "$(vol s)" "$EC_TMP/ref" --seed 7
tap $? "random data written over the whole volume"
ec_reload s "0 $LEN ec $K $M $C 0 $(ec_devs "1 4" 0 1 2 3 4 5)"
tap $? "reloaded with members 1 and 4 missing"
ecpy verify "$(vol s)" "$EC_TMP/ref"
tap $? "the data reads back identical with two members missing"
ec_remove s
ec_cleanup
tap_done
