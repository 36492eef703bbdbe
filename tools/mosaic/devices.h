/* SPDX-License-Identifier: MIT */
/*
 * mosaic's hot-plug verbs (xl's block-attach, block-detach, block-list,
 * network-attach, network-detach, network-list; tools/mosaic/README.md),
 * each a struct command's run (commands.h): its arguments checked (a
 * spec with lib/xl, as a config file's), its requests sent, every answer
 * checked, xl's output. The exit statuses are commands.h's.
 */
#pragma once

#include "commands.h"

int devices_block_attach(const struct opts *o, int argc, char **argv);
int devices_block_detach(const struct opts *o, int argc, char **argv);
int devices_block_list(const struct opts *o, int argc, char **argv);
int devices_network_attach(const struct opts *o, int argc, char **argv);
int devices_network_detach(const struct opts *o, int argc, char **argv);
int devices_network_list(const struct opts *o, int argc, char **argv);
