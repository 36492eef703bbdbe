/* SPDX-License-Identifier: MIT */
/*
 * The control domain's deliberate crash (crash.h): asked for by a
 * request, carried out by the event loop once the answer can have left.
 */
#include "crash.h"

#include <stdbool.h>
#include <stdio.h>

#include "mosaic/time.h"

static struct {
    bool asked;
    uint64_t asked_ns;
} crash;

void crash_request(void *ctx)
{
    (void)ctx;
    if (crash.asked)
        return;
    crash.asked = true;
    crash.asked_ns = runtime_time_ns();
    printf("control: asked to crash (mosaic debug-crash): crashing once the client has gone\n");
}

uint64_t crash_poll(uint64_t now, unsigned clients)
{
    if (!crash.asked)
        return UINT64_MAX;
    if (clients && now < crash.asked_ns + CRASH_GRACE_NS)
        return crash.asked_ns + CRASH_GRACE_NS;
    printf("control: crashing on purpose (an invalid opcode)\n");
    /* A real fault, as a bug would make one: the runtime's trap handler
     * reports it and shuts the domain down as crashed. */
    __builtin_trap();
}
