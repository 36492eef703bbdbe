/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the grant-table bookkeeping (gnttab.c) driven by the
 * randomized model check of its unit test, with the input as the random
 * stream: hostile granters rewriting pinned entries, garbage refs, domains
 * and gfns, maps, unmaps, copies, ballooning, deaths. Every status is
 * compared with the documented rules, and check_world (pins, maptrack,
 * frame ownership) runs after each step.
 */
#include "fuzz.h"

int gnttab_unit_main(void);
#define main gnttab_unit_main
#include "../unit/gnttab_test.c"
#undef main

/* About one step per four input bytes: most steps use fewer. */
#define FUZZ_STEPS 4000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_feed(data, size);
    setup();
    rbroken = false;
    memset(tampered, 0, sizeof(tampered));
    memset(&flood, 0, sizeof(flood));
    random_steps = size / 4 + 1 < FUZZ_STEPS ? size / 4 + 1 : FUZZ_STEPS;
    random_run();
    FUZZ_CHECK(!rbroken);
    teardown();
    return 0;
}
