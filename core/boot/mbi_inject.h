/* SPDX-License-Identifier: MIT */
/* Boot-input fault injection for tests (core/boot/mbi_inject.c). */
#pragma once

#include "core/types.h"

/*
 * mbi_inject: copy the well-formed info block at mbi into buf and damage
 * it as kind says: total-size, truncated, mmap-entry-size, no-mmap,
 * mmap-overlap, module-size, module-overlap. 0 on success; -ERR_INVAL for
 * an unknown kind or one the block has nothing to damage for;
 * -ERR_2BIG when buf is too small.
 */
int mbi_inject(const void *mbi, void *buf, size_t bufsize, const char *kind);
