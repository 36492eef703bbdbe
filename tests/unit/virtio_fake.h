/* SPDX-License-Identifier: MIT */
/*
 * A fake modern virtio PCI function in host memory, for the drivers'
 * unit tests: a disk (virtio-blk) or a NIC (virtio-net); a configuration
 * page with the MSI-X and four virtio vendor capabilities, BAR 4 with the
 * common configuration, ISR, device configuration and notify windows, a
 * RAM disk or a frame capture, and a single-threaded device model.
 *
 * The common-configuration and notify pages are kept inaccessible; each
 * access the driver makes to them traps (SIGSEGV), runs one instruction
 * (the trap flag) and then lets the model react (SIGTRAP), as QEMU's
 * device would: select registers show the selected half or queue, a
 * status of 0 resets, FEATURES_OK is refused for features never offered,
 * a queue_msix_vector beyond the table reads back as none, and a write to
 * the notify window processes the avail ring (unless the test holds
 * requests). Hostile modes make the device break the used ring in chosen
 * ways. One fake at a time.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci.h"

#define FAKE_SECTORS   2048u /* 1 MiB disk */
#define FAKE_QUEUE_MAX 64u
#define FAKE_NR_MSIX   2u
#define FAKE_BAR       4u
#define FAKE_BAR_SIZE  0x4000u
#define FAKE_HELD_MAX  256u

/* Where the windows are in BAR 4 (one page each). */
#define FAKE_COMMON_OFF 0x0000u
#define FAKE_ISR_OFF    0x1000u
#define FAKE_DEVICE_OFF 0x2000u
#define FAKE_NOTIFY_OFF 0x3000u

/* Ways to break the used ring, applied to the next completion. */
enum fake_hostile {
    FAKE_HONEST = 0,
    FAKE_USED_IDX_JUMP, /* the used index advances by the queue size + 3 */
    FAKE_BAD_ID,        /* an id past the queue */
    FAKE_FREE_ID,       /* an id that is not a chain in flight */
    FAKE_BAD_LEN,       /* a length above what the chain offered */
    FAKE_TWICE,         /* the same chain used twice */
    FAKE_SHORT_LEN,     /* a length of 5: less than a virtio-net header */
};

/* One virtqueue as the device sees it. */
struct fake_queue {
    uint16_t size, msix, enable;
    uint64_t desc, avail, used;
    uint16_t last_avail, used_idx;
    uint16_t held[FAKE_HELD_MAX]; /* chains taken, not yet used */
    unsigned nheld;
};

#define FAKE_QUEUES      2u
#define FAKE_NET_TX_KEEP 70000u /* bytes of the last transmitted frame kept */

struct fake_dev {
    struct pci_func f;
    uint16_t device_id;  /* VIRTIO_ID_BLOCK or VIRTIO_ID_NET */
    uint16_t num_queues; /* what num_queues shows (1 for a disk, 2 for a NIC) */
    uint64_t offered;    /* device features */
    bool refuse_features_ok;
    bool stuck_reset;       /* status never reads back 0 */
    bool hold;              /* notifications only collect requests (the disk's, the NIC's transmits) */
    bool no_notify;         /* used ring flag NO_NOTIFY (without event index) */
    bool stale_avail_event; /* with event index: avail_event not moved on */
    bool refuse_command;    /* cfg_write refuses the command register */
    bool needs_reset;       /* DRIVER_OK reads back with DEVICE_NEEDS_RESET */
    uint16_t msix_vectors;  /* vectors the device accepts (FAKE_NR_MSIX) */
    uint16_t queue_max;
    uint16_t notify_off; /* queue 0's; queue i's is notify_off + i */
    uint32_t notify_mult;
    enum fake_hostile hostile;
    uint8_t fail_status; /* status byte written for every request (0: OK) */

    /* What the device saw. */
    uint8_t status;
    uint64_t driver_features;
    struct fake_queue q[FAKE_QUEUES];
    uint16_t msix_config;
    unsigned notifies, irqs, requests, flushes, indirect_seen, max_chain, resets;
    bool msix_enabled;
    uint16_t command;

    uint8_t disk[FAKE_SECTORS * 512];
    /* The NIC: frames sent (the last one kept whole, with its header). */
    unsigned tx_frames;
    uint32_t tx_len;
    uint8_t tx_hdr[12];
    uint8_t tx_last[FAKE_NET_TX_KEEP];
};

/* fake_create: a fresh disk offering VERSION_1, ACCESS_PLATFORM,
 * INDIRECT_DESC, EVENT_IDX, BLK_SIZE, FLUSH, TOPOLOGY, SEG_MAX; a queue of
 * FAKE_QUEUE_MAX; notify multiplier 4. Tests change fields before
 * vblk_open. The trap handlers are installed. */
struct fake_dev *fake_create(void);
/* fake_create_net: a fresh NIC (receiveq1 and transmitq1) offering
 * VERSION_1, ACCESS_PLATFORM, INDIRECT_DESC, EVENT_IDX, MAC
 * (52:54:00:12:34:56), STATUS (link up), CSUM, GUEST_CSUM, HOST_TSO4/6,
 * GUEST_TSO4/6 and MRG_RXBUF (which the driver must decline). */
struct fake_dev *fake_create_net(void);
void fake_destroy(struct fake_dev *d);

/* Configuration-space editing for capability tests (off in the page). */
void fake_cfg_put8(struct fake_dev *d, unsigned off, uint8_t v);
void fake_cfg_put32(struct fake_dev *d, unsigned off, uint32_t v);
/* Where the fake put its capabilities. */
#define FAKE_CAP_MSIX   0x40u
#define FAKE_CAP_COMMON 0x50u
#define FAKE_CAP_NOTIFY 0x60u
#define FAKE_CAP_ISR    0x78u
#define FAKE_CAP_DEVICE 0x88u

/* fake_process: take what the driver made available on every queue;
 * complete it unless hold is set (then it is collected). A NIC's receive
 * buffers are always collected, for fake_net_rx. */
void fake_process(struct fake_dev *d);
/* fake_complete_held: complete the collected requests (the disk's, the
 * NIC's transmits), newest first when reverse. */
void fake_complete_held(struct fake_dev *d, bool reverse);
/* fake_complete_one: complete held request i alone (the last one takes
 * its place). */
void fake_complete_one(struct fake_dev *d, unsigned i);
/* The device's config window, for tests that change it. */
volatile uint8_t *fake_device_cfg(struct fake_dev *d);

/* fake_net_rx: the NIC receives a frame: the oldest collected receive
 * buffer gets hdr and then the frame's len bytes, and is used (with the
 * hostile mode's length, if any). false when no buffer was posted or the
 * frame does not fit (then nothing is used). */
bool fake_net_rx(struct fake_dev *d, const void *hdr, const void *frame, uint32_t len);
