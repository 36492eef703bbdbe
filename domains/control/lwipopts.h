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

/* The receive window holds two whole TLS records (16 KiB of data and 21
 * bytes around it, what a client may send: mbedtls_config.h). The glue
 * gives a record's bytes back to TCP only once the whole record has come
 * and been decrypted, so up to one record less a byte stays unread in
 * the window. With room for one record only, the window left open at
 * that moment may be smaller than a segment: the client's TCP then waits
 * for its persist timer (a second and more, backing off) before it sends
 * the record's last bytes, and a large upload crawls until mosaic gives
 * up. Two records leave at least ten segments open at any time. The
 * pool still holds the window's segments and the frames waiting for
 * lwIP (mgmtnet.c's RXQ_LEN). */
#define TCP_MSS          1460
#define TCP_WND          (24 * TCP_MSS)
#define TCP_SND_BUF      (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG 128
#define PBUF_POOL_SIZE   96
#define MEM_SIZE         (128 * 1024)
#define ARP_TABLE_SIZE   8

#include "lwipopts_port.h"
