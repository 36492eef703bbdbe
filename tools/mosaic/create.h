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

/* mosaic_console_attach: the hook -c calls once the domain is created:
 * attach to domid's console as `mosaic console` does, until the
 * operator leaves; its exit status. Defined where the console verb is;
 * without one (a weak reference left NULL) -c says the console is not
 * available yet. */
int mosaic_console_attach(const struct opts *o, uint16_t domid, const char *name) __attribute__((weak));
