/* SPDX-License-Identifier: MIT */
/*
 * A test domain that waits and then powers off on its own, as a guest
 * that is done does (tests/boot/control_verbs.scn: the control domain
 * must destroy it once it has shut down). Arguments: secs=N, how long it
 * waits, blocked, before it powers off (default 30; secs=0 waits until it
 * is destroyed); tick=N, a line "linger: tick K" every N seconds while it
 * waits (default 0: none), so that a scenario can see it still runs
 * (tests/boot/control_restart.scn); then=reboot: it shuts down with
 * reason reboot instead (tests/boot/control_create.scn: on_reboot =
 * "restart" builds it again). One line when it starts, one when it ends;
 * nothing else, and no CPU time while it waits.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/sched.h"
#include "mosaic/hypercall.h"
#include "mosaic/time.h"

/* name=N into *v; false when arg is not name= followed by digits alone. */
static bool number_arg(const char *arg, const char *name, unsigned long *v)
{
    size_t n = strlen(name);
    char *end;

    if (strncmp(arg, name, n) || arg[n] != '=')
        return false;
    *v = strtoul(arg + n + 1, &end, 10);
    return !*end && end != arg + n + 1;
}

int main(int argc, char **argv)
{
    unsigned long secs = 30, tick = 0;
    bool reboot = false;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "then=reboot")) {
            reboot = true;
            continue;
        }
        if (!number_arg(argv[i], "secs", &secs) && !number_arg(argv[i], "tick", &tick)) {
            printf("linger: unknown argument '%s' (secs=N, tick=N, then=reboot)\n", argv[i]);
            return 1;
        }
    }
    if (secs)
        printf("linger: %s in %lu s\n", reboot ? "rebooting" : "powering off", secs);
    else
        printf("linger: waiting until destroyed\n");
    /* secs=0 with no tick: one long sleep after another. */
    for (unsigned long waited = 0, k = 1; !secs || waited < secs; k++) {
        unsigned long step = tick ? tick : secs ? secs - waited : 3600;
        if (secs && step > secs - waited)
            step = secs - waited;
        runtime_sleep_ns(step * TIME_NS_PER_S);
        waited += step;
        if (tick && (!secs || waited < secs))
            printf("linger: tick %lu\n", k);
    }
    printf("linger: %lu s passed: %s\n", secs, reboot ? "rebooting" : "powering off");
    if (reboot)
        (void)hypercall_sched_shutdown(SHUTDOWN_reboot);
    return 0;
}
