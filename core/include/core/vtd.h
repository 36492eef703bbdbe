/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d remapping hardware as the core programs it: the register
 * offsets and bits of one remapping unit, and the in-memory formats it
 * reads (root, context and second-level paging entries in legacy mode, the
 * interrupt remapping table entry, invalidation descriptors, fault
 * records). Intel VT-d specification rev. 4.1; section numbers below are
 * that document's. Scalable mode, first-level tables and posted
 * interrupts are not used and not declared.
 */
#pragma once

#include "core/types.h"

/* Register offsets (11.4); 32- or 64-bit, naturally aligned. */
#define VTD_VER     0x000 /* 32 version */
#define VTD_CAP     0x008 /* 64 capabilities */
#define VTD_ECAP    0x010 /* 64 extended capabilities */
#define VTD_GCMD    0x018 /* 32 global command */
#define VTD_GSTS    0x01c /* 32 global status */
#define VTD_RTADDR  0x020 /* 64 root table address (bits 11:10 TTM 0: legacy) */
#define VTD_FSTS    0x034 /* 32 fault status */
#define VTD_FECTL   0x038 /* 32 fault event control */
#define VTD_IQT     0x088 /* 64 invalidation queue tail: bits 18:4, the next slot */
#define VTD_IQA     0x090 /* 64 invalidation queue address; QS 2:0, DW 11 */
#define VTD_IRTA    0x0b8 /* 64 interrupt remapping table address; S 3:0, EIME 11 */
#define VTD_FRCD_SZ 16u   /* one fault recording register (11.4.7.3) */

/* CAP (11.4.2). */
#define VTD_CAP_ND(c)    ((unsigned)(c)&7u)               /* domain ids: 2^(4 + 2 ND) */
#define VTD_CAP_CM       (1ull << 7)                      /* caching mode: not-present entries cached too */
#define VTD_CAP_SAGAW(c) ((unsigned)((c) >> 8) & 0x1fu)   /* bit 1: 3 levels (39 bits), bit 2: 4 (48 bits) */
#define VTD_CAP_MGAW(c)  ((unsigned)((c) >> 16) & 0x3fu)  /* guest address bits - 1 */
#define VTD_CAP_FRO(c)   ((unsigned)((c) >> 24) & 0x3ffu) /* fault registers at 16 * FRO */
#define VTD_CAP_PSI      (1ull << 39)                     /* page-selective IOTLB invalidation */
#define VTD_CAP_NFR(c)   ((unsigned)((c) >> 40) & 0xffu)  /* fault registers - 1 */
#define VTD_CAP_DWD      (1ull << 54)                     /* write draining */
#define VTD_CAP_DRD      (1ull << 55)                     /* read draining */

/* ECAP (11.4.3). */
#define VTD_ECAP_C  (1ull << 0) /* page-walk coherency: else entries are flushed from the CPU caches */
#define VTD_ECAP_QI (1ull << 1) /* queued invalidation */
#define VTD_ECAP_IR (1ull << 3) /* interrupt remapping */

/* GCMD and GSTS share bit positions (11.4.4): a command bit's status bit. */
#define VTD_GCMD_TE    (1u << 31) /* translation enable */
#define VTD_GCMD_SRTP  (1u << 30) /* set root table pointer (one-shot) */
#define VTD_GCMD_QIE   (1u << 26) /* queued invalidation enable */
#define VTD_GCMD_IRE   (1u << 25) /* interrupt remapping enable */
#define VTD_GCMD_SIRTP (1u << 24) /* set interrupt remapping table pointer (one-shot) */
#define VTD_GCMD_CFI   (1u << 23) /* compatibility-format interrupts pass through */
/* The bits that stay as written; the rest are one-shot commands. */
#define VTD_GCMD_PERSISTENT (VTD_GCMD_TE | VTD_GCMD_QIE | VTD_GCMD_IRE | VTD_GCMD_CFI)

/* FSTS (11.4.7.1) and FECTL (11.4.7.2). */
#define VTD_FSTS_PFO  (1u << 0)  /* primary fault overflow (write 1 to clear) */
#define VTD_FSTS_PPF  (1u << 1)  /* a fault record is pending */
#define VTD_FECTL_IM  (1u << 31) /* fault event interrupt masked */
#define VTD_IQA_QS_4K 0u         /* queue of one page: 256 descriptors of 128 bits */
#define VTD_IQ_SLOTS  256u
#define VTD_IRTA_S(n) ((n)-1u) /* a table of 2^n entries */

/* Root entry, legacy mode (9.1): one per bus, indexed by bus number. */
struct vtd_root_entry {
    uint64_t lo; /* 0x00 VTD_ENTRY_P, context table address 63:12 */
    uint64_t hi; /* 0x08 reserved */
};
_Static_assert(offsetof(struct vtd_root_entry, lo) == 0x00, "VT-d 9.1");
_Static_assert(offsetof(struct vtd_root_entry, hi) == 0x08, "VT-d 9.1");
_Static_assert(sizeof(struct vtd_root_entry) == 16, "VT-d 9.1");

/* Context entry, legacy mode (9.3): one per devfn of a bus. */
struct vtd_context_entry {
    uint64_t lo; /* 0x00 VTD_ENTRY_P, TT 3:2 (0: untranslated requests only), table 63:12 */
    uint64_t hi; /* 0x08 AW 2:0, DID 23:8 */
};
_Static_assert(offsetof(struct vtd_context_entry, lo) == 0x00, "VT-d 9.3");
_Static_assert(offsetof(struct vtd_context_entry, hi) == 0x08, "VT-d 9.3");
_Static_assert(sizeof(struct vtd_context_entry) == 16, "VT-d 9.3");

#define VTD_ENTRY_P        (1ull << 0)
#define VTD_ADDR_MASK      0x000ffffffffff000ull
#define VTD_CTX_AW(levels) ((uint64_t)(levels)-2u) /* 1: 39 bits, 3 levels; 2: 48 bits, 4 levels */
#define VTD_CTX_DID(id)    ((uint64_t)(id) << 8)
#define VTD_CTX_DID_OF(hi) ((unsigned)((hi) >> 8) & 0xffffu)

/* Second-level paging entry (9.8), 64 bits at every level: R and W on a
 * table entry allow what its leaves allow. PS (bit 7) stays clear: 4 KiB
 * leaves only. */
#define VTD_SL_R (1ull << 0)
#define VTD_SL_W (1ull << 1)

/* Interrupt remapping table entry for remapped interrupts (9.10). */
struct vtd_irte {
    uint64_t lo; /* 0x00 P 0, FPD 1, DM 2, RH 3, TM 4, DLM 7:5, IM 15, V 23:16, DST 63:32 */
    uint64_t hi; /* 0x08 SID 15:0, SQ 17:16, SVT 19:18 */
};
_Static_assert(offsetof(struct vtd_irte, lo) == 0x00, "VT-d 9.10");
_Static_assert(offsetof(struct vtd_irte, hi) == 0x08, "VT-d 9.10");
_Static_assert(sizeof(struct vtd_irte) == 16, "VT-d 9.10");

#define VTD_IRTE_V(v)          ((uint64_t)(v) << 16)
#define VTD_IRTE_DST_XAPIC(id) ((uint64_t)((id)&0xffu) << 40) /* DST bits 15:8 (xAPIC mode, IRTA.EIME clear) */
#define VTD_IRTE_SVT_SID       (1ull << 18)                   /* verify the requester id against SID under SQ's mask */
#define VTD_IRTE_SQ_ALL        (0ull << 16)                   /* SQ 0: compare all 16 bits */

/* An IRTE for an edge-triggered, fixed, physical-destination interrupt of
 * vector to the CPU with xAPIC id apic_id, accepted only from requester
 * sid (bus << 8 | devfn). */
static inline struct vtd_irte vtd_irte_make(uint16_t sid, uint8_t vector, uint32_t apic_id)
{
    return (struct vtd_irte){ .lo = VTD_ENTRY_P | VTD_IRTE_V(vector) | VTD_IRTE_DST_XAPIC(apic_id),
                              .hi = sid | VTD_IRTE_SQ_ALL | VTD_IRTE_SVT_SID };
}

/* MSI address and data in remappable format (5.1.2.2): 0xfee in 31:20,
 * handle 14:0 in 19:5, interrupt format 1 in bit 4, SHV 0 in bit 3 (no
 * subhandle: the data is not used, and written 0), handle bit 15 in bit 2. */
#define VTD_MSI_BASE  0xfee00000u
#define VTD_MSI_REMAP (1u << 4)
static inline uint64_t vtd_msi_address(unsigned handle)
{
    return VTD_MSI_BASE | ((handle & 0x7fffu) << 5) | VTD_MSI_REMAP | ((handle >> 15 & 1u) << 2);
}

/* Invalidation descriptor, 128 bits (6.5.2). */
struct vtd_inv_desc {
    uint64_t lo; /* 0x00 type 3:0, then per type */
    uint64_t hi; /* 0x08 per type */
};
_Static_assert(offsetof(struct vtd_inv_desc, lo) == 0x00, "VT-d 6.5.2");
_Static_assert(offsetof(struct vtd_inv_desc, hi) == 0x08, "VT-d 6.5.2");
_Static_assert(sizeof(struct vtd_inv_desc) == 16, "VT-d 6.5.2");

/* Context-cache invalidation (6.5.2.1): G 5:4, DID 31:16, SID 47:32. */
#define VTD_INV_CC          0x1ull
#define VTD_INV_CC_GLOBAL   (1ull << 4)
#define VTD_INV_CC_DEVICE   (3ull << 4)
#define VTD_INV_CC_DID(id)  ((uint64_t)(id) << 16)
#define VTD_INV_CC_SID(sid) ((uint64_t)(sid) << 32)
/* IOTLB invalidation (6.5.2.3): G 5:4, DW 6, DR 7, DID 31:16; hi: AM 5:0, address 63:12. */
#define VTD_INV_IOTLB         0x2ull
#define VTD_INV_IOTLB_GLOBAL  (1ull << 4)
#define VTD_INV_IOTLB_DOMAIN  (2ull << 4)
#define VTD_INV_IOTLB_PAGE    (3ull << 4)
#define VTD_INV_IOTLB_DW      (1ull << 6)
#define VTD_INV_IOTLB_DR      (1ull << 7)
#define VTD_INV_IOTLB_DID(id) ((uint64_t)(id) << 16)
/* Interrupt entry cache invalidation (6.5.2.5): G 4 (1: one index), IIDX 47:32. */
#define VTD_INV_IEC          0x4ull
#define VTD_INV_IEC_GLOBAL   0ull
#define VTD_INV_IEC_INDEX(i) ((1ull << 4) | ((uint64_t)(i) << 32))
/* Invalidation wait (6.5.2.8): SW 5 writes data 63:32 to the address in hi 63:2. */
#define VTD_INV_WAIT         0x5ull
#define VTD_INV_WAIT_SW      (1ull << 5)
#define VTD_INV_WAIT_FN      (1ull << 6) /* later descriptors wait for this one */
#define VTD_INV_WAIT_DATA(v) ((uint64_t)(v) << 32)

/* Fault recording register (11.4.7.3, the record of 9.9). */
struct vtd_fault_record {
    uint64_t lo; /* 0x00 FI 63:12: the page, or the interrupt index in 63:48 */
    uint64_t hi; /* 0x08 SID 15:0, FR 39:32, T1 62 (1: read), F 63 (write 1 to clear) */
};
_Static_assert(offsetof(struct vtd_fault_record, lo) == 0x00, "VT-d 11.4.7.3");
_Static_assert(offsetof(struct vtd_fault_record, hi) == 0x08, "VT-d 11.4.7.3");
_Static_assert(sizeof(struct vtd_fault_record) == VTD_FRCD_SZ, "VT-d 11.4.7.3");

#define VTD_FR_SID(hi)    ((uint16_t)(hi))
#define VTD_FR_REASON(hi) ((uint8_t)((hi) >> 32))
#define VTD_FR_READ       (1ull << 62)
#define VTD_FR_F          (1ull << 63)
#define VTD_FR_IR_FIRST   0x20u /* reasons from here on are interrupt-remapping faults (App. A) */
