/* SPDX-License-Identifier: MIT */
/*
 * The lwIP options every domain shares, included at the end of each
 * domain's lwipopts.h (which may set any #ifndef one below first): no
 * operating system (NO_SYS: one event loop calls lwIP, the port supplies
 * only sys_now()), IPv4 over Ethernet with ARP, ICMP, UDP, TCP and a DHCP
 * client, lwIP's raw API only (no sockets, no netconn, no threads).
 */
#pragma once

#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_TIMERS          1
#define LWIP_SOCKET          0
#define LWIP_NETCONN         0

#define LWIP_IPV4        1
#define LWIP_IPV6        0
#define LWIP_ARP         1
#define LWIP_ETHERNET    1
#define LWIP_ICMP        1
#define LWIP_UDP         1
#define LWIP_TCP         1
#define LWIP_RAW         0
#define LWIP_AUTOIP      0
#define LWIP_IGMP        0
#define LWIP_PPP_SUPPORT 0

/* lwIP's own heap and pools, sized by the domain: no malloc in the data
 * path, and exhaustion is lwIP's counted drop. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT   8

#ifndef LWIP_DHCP
#define LWIP_DHCP 1
#endif
#ifndef LWIP_DNS
#define LWIP_DNS 0
#endif
#ifndef LWIP_NETIF_STATUS_CALLBACK
#define LWIP_NETIF_STATUS_CALLBACK 1
#endif
#ifndef LWIP_STATS
#define LWIP_STATS 0
#endif
#ifndef MEM_SIZE
#define MEM_SIZE (64 * 1024)
#endif
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 32
#endif
#ifndef TCP_MSS
#define TCP_MSS 1460
#endif
