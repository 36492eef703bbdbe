/* SPDX-License-Identifier: MIT */
/*
 * Fakes for the netif engine's host tests and fuzz target
 * (domains/netdrv/netback.h): a guest with a grant table of pages for the
 * engine's grant copies, a log, and the parts of netdrv the engine calls
 * (switch_input records the frames it gets; offload_csum_setup and
 * offload_csum_complete stand in for offload.c with a TCP-over-IPv4
 * reading that is enough to tell the engine's calls apart).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "netback.h"

#define NB_FAKE_GRANTS    64u
#define NB_FAKE_LOG_LINES 16u
#define NB_FAKE_INPUT_MAX 64u

struct nb_fake {
    /* The guest: grant ref r (< NB_FAKE_GRANTS) grants page[r] if granted[r]. */
    uint8_t page[NB_FAKE_GRANTS][4096];
    bool granted[NB_FAKE_GRANTS];
    bool readonly[NB_FAKE_GRANTS];
    unsigned copy_calls, copies;
    unsigned bad_copies; /* a copy crossing one of our pages or its granted page: never */
    char log[NB_FAKE_LOG_LINES][160];
    unsigned nlog;
    /* Frames switch_input got (the test puts them), and their port. */
    struct pkt *input[NB_FAKE_INPUT_MAX];
    int input_port[NB_FAKE_INPUT_MAX];
    unsigned ninput, input_lost; /* beyond NB_FAKE_INPUT_MAX: put at once */
    unsigned csum_setups, csum_completes;
    bool csum_setup_fails;
};

extern struct nb_fake *nb_fake; /* the one the switch and offload fakes record into */
extern const struct netback_env nb_fake_env;

void nb_fake_init(struct nb_fake *f);
/* Grant page ref (readonly or not); fills it with fill. */
void nb_fake_grant(struct nb_fake *f, uint32_t ref, bool readonly, uint8_t fill);
/* Put every frame switch_input recorded. */
void nb_fake_inputs_put(struct nb_fake *f);
bool nb_fake_log_has(const struct nb_fake *f, const char *needle);
