/* SPDX-License-Identifier: MIT */
/*
 * A test domain that waits and then powers off on its own, as a guest
 * that is done does (tests/boot/control_verbs.scn: the control domain
 * must destroy it once it has shut down). Argument secs=N: how long it
 * waits, blocked, before it powers off (default 30); secs=0 waits until
 * it is destroyed; then=reboot: it shuts down with reason reboot
 * instead (tests/boot/control_create.scn: on_reboot = "restart" builds
 * it again). One line when it starts, one when it ends; nothing else,
 * and no CPU time while it waits.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/sched.h"
#include "mosaic/hypercall.h"
#include "mosaic/time.h"

int main(int argc, char **argv)
{
    unsigned long secs = 30;
    bool reboot = false;

    for (int i = 1; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "then=reboot")) {
            reboot = true;
            continue;
        }
        if (strncmp(argv[i], "secs=", 5) || (secs = strtoul(argv[i] + 5, &end, 10), *end || end == argv[i] + 5)) {
            printf("linger: unknown argument '%s' (secs=N, then=reboot)\n", argv[i]);
            return 1;
        }
    }
    if (!secs) {
        printf("linger: waiting until destroyed\n");
        for (;;)
            runtime_sleep_ns(3600 * TIME_NS_PER_S);
    }
    printf("linger: %s in %lu s\n", reboot ? "rebooting" : "powering off", secs);
    runtime_sleep_ns(secs * TIME_NS_PER_S);
    printf("linger: %lu s passed: %s\n", secs, reboot ? "rebooting" : "powering off");
    if (reboot)
        (void)hypercall_sched_shutdown(SHUTDOWN_reboot);
    return 0;
}
