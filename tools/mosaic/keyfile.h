/* SPDX-License-Identifier: MIT */
/*
 * The operator's management key on disk (the format is domains/control/
 * key.h): where it lives, reading it, and creating it once, as the
 * install step does. The file is the user's secret: created 0600 in a
 * 0700 directory, and refused when others may read it.
 */
#pragma once

#include <stddef.h>

#include "key.h"

/* keyfile_path: the key's path: explicit if not NULL, else $MOSAIC_KEY,
 * else ${XDG_CONFIG_HOME:-$HOME/.config}/mosaic/key. 0, or -1 with why
 * (neither HOME nor XDG_CONFIG_HOME, or a path too long for out). */
int keyfile_path(const char *explicit, char *out, size_t cap, char *why, size_t why_cap);

/* keyfile_load: read and parse path into k. 0, or -1 with one line in
 * why: missing (with the command that makes it), unreadable, readable by
 * others, too large, or key_parse's reason. */
int keyfile_load(const char *path, struct key *k, char *why, size_t why_cap);

/* keyfile_create: a new key (KEY_BYTES from /dev/urandom) with identity,
 * written to path (mode 0600; its directory made 0700 when missing) only
 * if path does not exist. 1: created; 0: it existed (untouched); -1 with
 * why. */
int keyfile_create(const char *path, const char *identity, char *why, size_t why_cap);
