/* SPDX-License-Identifier: MIT */
/*
 * dmatest: DMA isolation, from both sides. The attacker (role=attacker) is
 * a driver domain given a virtio-blk function: it reads its disk legally
 * into its own memory, then asks the device to read disk data into many
 * bus addresses outside its RAM; the IOMMU must stop every one. The victim
 * (role=victim) fills its RAM with a known pattern before the attack and
 * checks every byte after. They meet on one XenStore node in the victim's
 * home, which the victim creates and lets the attacker write: "filling",
 * "ready" (the attack may start), then "done" from the attacker.
 *
 * Command line: role=attacker|victim peer=<the other's domain id>, and
 * for the attacker step=<MiB between targets, 1> limit=<MiB, targets
 * below it, 2048> wait=<ms one stray read may take, 20>.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/xen_errno.h"
#include "mosaic/xenbus.h"

#define DMAT_SEC           1000000000ull
#define DMAT_MS            1000000ull
#define DMAT_NODE          "dmatest" /* under the victim's home */
#define DMAT_DISK_BYTE     0xa5      /* what the attacker writes on its disk first */
#define DMAT_RENDEZVOUS_NS (300 * DMAT_SEC)

struct dmat_args {
    bool attacker;
    uint16_t peer;      /* the other domain's id */
    uint64_t step_mib;  /* attacker: the stride of its targets above its RAM */
    uint64_t limit_mib; /* attacker: targets stop below this */
    uint64_t wait_ms;   /* attacker: how long one stray read may take to complete */
};

/* dmat_xenbus: the domain's store client (connected by main). */
struct xenbus *dmat_xenbus(void);

/* dmat_node_path: the rendezvous node's absolute path, given the victim. */
void dmat_node_path(uint16_t victim, char *buf, unsigned cap);

/* dmat_wait_node: wait until the node's value starts with prefix (false
 * when timeout_ns passes first). */
bool dmat_wait_node(const char *path, const char *prefix, uint64_t timeout_ns);

/* dmat_pattern_fill: take all the heap there is in 1 MiB pieces, give
 * reserve_mib of them back (for what the domain still allocates), and
 * fill the rest with the address pattern. Returns the MiB filled. Once. */
unsigned dmat_pattern_fill(unsigned reserve_mib);

/* dmat_pattern_changed: the words that no longer hold their pattern, and
 * the first of them in *first (NULL: none). */
uint64_t dmat_pattern_changed(const uint64_t **first);

int dmat_attacker(const struct dmat_args *a);
int dmat_victim(const struct dmat_args *a);
