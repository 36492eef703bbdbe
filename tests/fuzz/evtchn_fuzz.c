/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the event-channel bookkeeping (evtchn.c) driven by the
 * randomized model check of its unit test, with the input as the random
 * stream: binds, closes, sends, unmasks, status and vCPU moves with
 * sensible and garbage ports, domains, vCPUs and virqs, and floods that
 * fill a table. Each result is compared with the unit test's model and
 * check_tables runs after every step.
 */
#include "fuzz.h"

int evtchn_unit_main(void);
#define main evtchn_unit_main
#include "../unit/evtchn_test.c"
#undef main

/* About one step per four input bytes: most steps use fewer. */
#define FUZZ_STEPS 4000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rng_feed(data, size);
    setup();
    world_save(&model);
    rbroken = false;
    random_steps = size / 4 + 1 < FUZZ_STEPS ? size / 4 + 1 : FUZZ_STEPS;
    random_run();
    FUZZ_CHECK(!rbroken);
    teardown();
    return 0;
}
