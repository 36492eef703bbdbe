/* SPDX-License-Identifier: MIT */
/*
 * netdrv's NIC port: the first virtio-net function assigned to the
 * domain, driven by drivers/virtio_net.h and joined to the switch as
 * SWITCH_PORT_NIC. Received frames go to the switch with their offload
 * metadata in pkt.h's terms; frames the switch sends out go to the
 * device, each holding its reference until the device is done with it.
 * Without a NIC netdrv serves its vifs alone. Not thread-safe: netdrv is
 * one event loop.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct nic_counters {
    uint64_t rx_frames;  /* frames handed to the switch */
    uint64_t rx_bad;     /* frames the device described badly: dropped */
    uint64_t rx_starved; /* receive buffers not posted again: the pool was empty */
    uint64_t tx_frames;  /* frames queued to the device */
    uint64_t tx_dropped; /* frames not queued: the queue full, or metadata the device cannot take */
};

/* nic_init: open the first assigned PCI function that is a modern
 * virtio-net device (functions that are not, or that fail to start, are
 * logged and passed over), log its MAC, link state and offloads, add it
 * to the switch (partial checksums and TCP segmentation offered to the
 * switch as the device takes them), post rx_buffers receive frames from
 * the pool (at most the queue's size) and bind its interrupt (or poll,
 * said once). 0; -XEN_ENODEV: no NIC (netdrv then serves vifs alone);
 * or the switch's refusal. */
int nic_init(unsigned rx_buffers) __attribute__((warn_unused_result));

/* nic_poll: frames received go to the switch (each buffer posted again,
 * a fresh one from the pool), transmitted frames are put, the interrupt
 * is re-armed. True if anything moved. Nothing without a NIC. */
bool nic_poll(void);
/* nic_kick: tell the device about what was posted and queued since the
 * last kick (once per pass of the event loop). */
void nic_kick(void);
/* nic_polled: the NIC has no interrupt: the loop must poll it. */
bool nic_polled(void);

/* nic_port: the NIC's switch port, or 0 when there is none. */
int nic_port(void);
/* nic_mac: the NIC's MAC (the device's, or a locally administered one
 * made from its PCI address when it gives none); false without a NIC. */
bool nic_mac(uint8_t mac[6]);
void nic_counters_get(struct nic_counters *out);
