/* SPDX-License-Identifier: MIT */
/*
 * netdrv's lwIP options (build/lwip.sh builds netdrv's liblwip.a with
 * them): one netif, the host port (ipstack.c), which answers ARP and
 * ping and gets its address from DHCP or the command line; TCP is built
 * but little used here. The rest is domains/lwip-port/lwipopts_port.h.
 */
#pragma once

#define LWIP_SINGLE_NETIF 1
#define MEM_SIZE          (32 * 1024)
#define PBUF_POOL_SIZE    32
#define MEMP_NUM_TCP_PCB  4
#define MEMP_NUM_TCP_SEG  16
#define ARP_TABLE_SIZE    32

#include "lwipopts_port.h"
