/* SPDX-License-Identifier: MIT */
/*
 * netdrv, the network driver domain (domains/netdrv/README.md, to come
 * with the event loop): the NIC (nic.c), the guests' vifs (vif.c,
 * netback.c), the switch (switch.c) and the host stack (ipstack.c).
 * Until those land this only sets up the frame pool.
 */
#include <stdio.h>

#include "pkt.h"

int main(void)
{
    if (pkt_pool_init(64, 8) != 0) {
        printf("netdrv: no memory for the frame pool\n");
        return 1;
    }
    printf("netdrv: nothing to serve yet\n");
    return 0;
}
