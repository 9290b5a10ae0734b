# SPDX-License-Identifier: GPL-2.0
# The table/message fuzz driver (tests/kernel/t_fuzz.sh runs it in the VM).
# Included by the top-level Makefile after user/user.mk.

$(B)/tests/ec_fuzz: tests/kernel/ec_fuzz.c
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< -pthread

user: $(B)/tests/ec_fuzz
