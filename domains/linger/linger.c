/* SPDX-License-Identifier: MIT */
/*
 * A test domain that waits and then powers off on its own, as a guest
 * that is done does (tests/boot/control_verbs.scn: the control domain
 * must destroy it once it has shut down). Argument secs=N: how long it
 * waits, blocked, before it powers off (default 30); secs=0 waits until
 * it is destroyed. One line when it starts, one when it ends; nothing
 * else, and no CPU time while it waits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mosaic/time.h"

int main(int argc, char **argv)
{
    unsigned long secs = 30;

    for (int i = 1; i < argc; i++) {
        char *end;
        if (strncmp(argv[i], "secs=", 5) || (secs = strtoul(argv[i] + 5, &end, 10), *end || end == argv[i] + 5)) {
            printf("linger: unknown argument '%s' (secs=N)\n", argv[i]);
            return 1;
        }
    }
    if (!secs) {
        printf("linger: waiting until destroyed\n");
        for (;;)
            runtime_sleep_ns(3600 * TIME_NS_PER_S);
    }
    printf("linger: powering off in %lu s\n", secs);
    runtime_sleep_ns(secs * TIME_NS_PER_S);
    printf("linger: %lu s passed: powering off\n", secs);
    return 0;
}
