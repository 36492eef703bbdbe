/* SPDX-License-Identifier: MIT */
/* Building the root domain from boot module 0 (core/boot/root_domain.c). */
#pragma once

#include "core/domain.h"
#include "core/mb2.h"

/* root_domain_build: create and load the root domain; refuses to boot
 * (one line naming the reason) when the image or its size is wrong. */
struct domain *root_domain_build(const struct mb2_info *mbi, const char *core_cmdline);
