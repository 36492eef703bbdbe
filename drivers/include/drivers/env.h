/* SPDX-License-Identifier: MIT */
/*
 * What the drivers need from where they run, besides a function's
 * pci_func_ops and the DMA allocator of drivers/pci.h: a log line, and in
 * a Mosaic domain the functions the core assigned to it. drivers/
 * domain_env.c implements it for domains; the host tests give their own.
 */
#pragma once

#include "drivers/pci.h"

/* drivers_log: one line (no newline in fmt), prefixed by the caller
 * ("virtio-blk: ..."). May be called from any driver path. */
void drivers_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* pci_func_open: in a domain, the index-th function assigned to it
 * (MGMT_PCI_INFO), its configuration page and memory BARs as the core
 * mapped them, and ops over the management hypercall. 0, or a negative
 * Xen errno: -XEN_ENOENT (fewer functions), -XEN_ERANGE (something mapped
 * where the domain's page tables do not reach). Domains only. */
int pci_func_open(unsigned index, struct pci_func *f) __attribute__((warn_unused_result));
