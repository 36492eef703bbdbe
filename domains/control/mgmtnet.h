/* SPDX-License-Identifier: MIT */
/*
 * The control domain's management network: the first virtio-net function
 * assigned to it (drivers/virtio_net.h; its DMA confined by the IOMMU like
 * netdrv's) as lwIP's one netif, its address from DHCP or the command
 * line. A network of its own, so a crashed netdrv never cuts the operator
 * off (DESIGN.md, "Operator interface"). Frames cross between the device
 * and lwIP through a queue emptied by mgmtnet_poll, so lwIP never runs
 * inside the driver's reap. Not thread-safe: control is one event loop.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* From the command line: ip=dhcp (the default) or ip=A.B.C.D/N with
 * gw=A.B.C.D; zeroed, then filled by mgmtnet_parse_arg. Network order. */
struct mgmtnet_cfg {
    bool is_static;
    uint32_t ip, mask, gw;
};

/* mgmtnet_parse_arg: one word of the command line into cfg. 1 when it
 * was ip= or gw= (cfg updated), 0 when it is not ours, -XEN_EINVAL when
 * its value is bad (one log line saying why). */
int mgmtnet_parse_arg(const char *arg, struct mgmtnet_cfg *cfg) __attribute__((warn_unused_result));

/* mgmtnet_init: open the NIC (logging its PCI address, MAC and link),
 * post its receive buffers, bind its interrupt (or poll), start lwIP and
 * the netif with cfg's address or DHCP. Logs "control: address
 * A.B.C.D/N gw A.B.C.D" when the address is set. 0, or -XEN_ENODEV (no
 * virtio-net function), -XEN_ENOMEM, -XEN_EINVAL (gw= without a static
 * ip=), or the driver's error; each with one log line. */
int mgmtnet_init(const struct mgmtnet_cfg *cfg) __attribute__((warn_unused_result));

/* mgmtnet_poll: frames received go to lwIP, transmitted buffers come
 * back, lwIP's timers run, the device is kicked. now_ns: the runtime's
 * clock. True if anything moved. */
bool mgmtnet_poll(uint64_t now_ns);

/* mgmtnet_deadline_ns: when mgmtnet_poll next has work (lwIP's next
 * timer; sooner for a NIC without an interrupt); UINT64_MAX for none. */
uint64_t mgmtnet_deadline_ns(uint64_t now_ns);

/* mgmtnet_has_addr: the netif has its address (static, or DHCP bound). */
bool mgmtnet_has_addr(void);
