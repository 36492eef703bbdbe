/* SPDX-License-Identifier: MIT */
/*
 * The control domain's lwIP options (build/lwip.sh --tls builds its
 * liblwip.a with them, with lwIP's altcp_tls glue over the domains' mbed
 * TLS): one netif on the management NIC, its address from DHCP or the
 * command line, and one TLS listener (conn.c) serving a few clients at
 * once. The rest is domains/lwip-port/lwipopts_port.h.
 */
#pragma once

#define LWIP_SINGLE_NETIF 1

/* altcp: TCP under TLS (lwIP's altcp_tls_mbedtls.c). Each connection
 * holds two altcp pcbs (TLS over TCP), and so does the listener. */
#define LWIP_ALTCP             1
#define LWIP_ALTCP_TLS         1
#define LWIP_ALTCP_TLS_MBEDTLS 1

/* CONN_MAX (conn.h) clients, and room for as many closing ones in
 * TIME_WAIT, which lwIP reuses first when it runs short. */
#define MEMP_NUM_TCP_PCB        16
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_ALTCP_PCB      (2 * MEMP_NUM_TCP_PCB + 2)

/* A whole TLS record (16 KiB, what a client may send: mbedtls_config.h)
 * fits the receive window, so a record never waits for the application
 * to make room (lwIP's glue warns otherwise). */
#define TCP_MSS          1460
#define TCP_WND          (12 * TCP_MSS)
#define TCP_SND_BUF      (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG 128
#define PBUF_POOL_SIZE   96
#define MEM_SIZE         (128 * 1024)
#define ARP_TABLE_SIZE   8

#include "lwipopts_port.h"
