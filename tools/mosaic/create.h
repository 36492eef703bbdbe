/* SPDX-License-Identifier: MIT */
/*
 * mosaic create (xl create): the config file parsed here first (lib/xl),
 * the kernel and ramdisk it names read and uploaded (only what the
 * control domain does not hold already, by SHA-256), then the config
 * sent and the new domain's id printed.
 */
#pragma once

#include <stdint.h>

#include "commands.h"

/* create_run: the create verb (struct command.run). */
int create_run(const struct opts *o, int argc, char **argv);
