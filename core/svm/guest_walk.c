/* SPDX-License-Identifier: MIT */
/*
 * The guest page walk (guest_walk.h): the guest's paging mode from its
 * control registers, its page-table entries through the caller's read
 * hook, reserved bits and rights checked as the CPU checks them. Portable:
 * no VMCB, no NPT and no lock here; svm_guest_mem.c supplies the hooks.
 */
#include "core/guest_walk.h"
#include "core/errno.h"

#define PTE_P      (1ull << 0)
#define PTE_W      (1ull << 1)
#define PTE_U      (1ull << 2)
#define PTE_PS     (1ull << 7)
#define PTE_NX     (1ull << 63)
#define PTE_ADDR   0x000ffffffffff000ull /* bits 51:12 */
#define PTE_HIGH   0x7ff0000000000000ull /* bits 62:52: reserved in PAE entries */
#define RSVD_1G    0x000000003fffe000ull /* bits 29:13 of a 1 GiB page's entry */
#define RSVD_2M    0x00000000001fe000ull /* bits 20:13 of a 2 MiB page's entry */
#define RSVD_PDPTE 0x00000000000001e6ull /* bits 8:5 and 2:1 of a PAE PDPTE */
#define PSE_RSVD   (1u << 21)            /* in a 4 MiB page's PDE (PSE-40) */

/* The rights every level of one walk granted so far. */
struct walk_rights {
    bool write, user, nx;
};

static void rights_add(struct walk_rights *r, uint64_t e)
{
    r->write = r->write && (e & PTE_W);
    r->user = r->user && (e & PTE_U);
    r->nx = r->nx || (e & PTE_NX);
}

/* The final rights check once the leaf is found (APM vol. 2, 5.6). */
static int rights_check(const struct guest_walk *w, unsigned access, const struct walk_rights *r)
{
    bool user = access & GUEST_WALK_USER, fetch = access & GUEST_WALK_FETCH;

    if (user && !r->user)
        return -ERR_FAULT;
    if ((access & GUEST_WALK_WRITE) && !r->write && (user || (w->cr0 & GUEST_WALK_CR0_WP)))
        return -ERR_FAULT;
    if (fetch && r->nx && (w->efer & GUEST_WALK_EFER_NXE))
        return -ERR_FAULT;
    if (!user && r->user && fetch && (w->cr4 & GUEST_WALK_CR4_SMEP))
        return -ERR_FAULT;
    if (!user && r->user && !fetch && (w->cr4 & GUEST_WALK_CR4_SMAP) && !(w->rflags & GUEST_WALK_RFLAGS_AC))
        return -ERR_FAULT;
    return 0;
}

static int read_u32(const struct guest_walk *w, uint64_t gpa, uint32_t *out)
{
    uint64_t word;

    if (w->read(w->ctx, gpa & ~7ull, &word) != 0)
        return -ERR_FAULT;
    *out = (uint32_t)(word >> ((gpa & 4) * 8));
    return 0;
}

/* Bits that must be zero in a 64-bit entry at level (4: PML4 .. 1: PT). */
static uint64_t rsvd_bits(const struct guest_walk *w, bool long_mode, unsigned level, bool large)
{
    uint64_t m = (w->efer & GUEST_WALK_EFER_NXE) ? 0 : PTE_NX;

    if (!long_mode)
        m |= PTE_HIGH;
    if (level == 4)
        m |= PTE_PS;
    if (large)
        m |= level == 3 ? RSVD_1G : RSVD_2M;
    return m;
}

/* Long-mode levels 4..1, or PAE levels 2..1 below the PDPTE: 64-bit entries. */
static int walk_64(const struct guest_walk *w, uint64_t gva, uint64_t table, unsigned top, unsigned access,
                   struct walk_rights *r, uint64_t *gpa)
{
    bool long_mode = top == 4;

    for (unsigned level = top;; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t e, size = 1ull << shift;
        bool large;

        if (w->read(w->ctx, table + ((gva >> shift) & 511) * 8, &e) != 0 || !(e & PTE_P))
            return -ERR_FAULT;
        large = (level == 2 || level == 3) && (e & PTE_PS);
        if (e & rsvd_bits(w, long_mode, level, large))
            return -ERR_FAULT;
        rights_add(r, e);
        if (large || level == 1) {
            if (rights_check(w, access, r) != 0)
                return -ERR_FAULT;
            *gpa = (e & PTE_ADDR & ~(size - 1)) | (gva & (size - 1));
            return 0;
        }
        table = e & PTE_ADDR;
    }
}

static int walk_long(const struct guest_walk *w, uint64_t gva, unsigned access, uint64_t *gpa)
{
    struct walk_rights r = { true, true, false };

    if (!(w->cr4 & GUEST_WALK_CR4_PAE) || (w->cr4 & GUEST_WALK_CR4_LA57))
        return -ERR_FAULT; /* not a mode a guest can run in, or five-level paging */
    if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
        return -ERR_FAULT; /* not canonical */
    return walk_64(w, gva, w->cr3 & PTE_ADDR, 4, access, &r, gpa);
}

static int walk_pae(const struct guest_walk *w, uint32_t gva, unsigned access, uint64_t *gpa)
{
    struct walk_rights r = { true, true, false };
    uint64_t pdpte;

    /* The PDPTE grants every right (it has no R/W, U/S or NX bits). */
    if (w->read(w->ctx, (w->cr3 & 0xffffffe0u) + (gva >> 30) * 8, &pdpte) != 0 || !(pdpte & PTE_P) ||
        (pdpte & (RSVD_PDPTE | PTE_HIGH | PTE_NX)))
        return -ERR_FAULT;
    return walk_64(w, gva, pdpte & PTE_ADDR, 2, access, &r, gpa);
}

static int walk_32(const struct guest_walk *w, uint32_t gva, unsigned access, uint64_t *gpa)
{
    struct walk_rights r = { true, true, false };
    uint32_t pde, pte;

    if (read_u32(w, (w->cr3 & 0xfffff000u) + (gva >> 22) * 4, &pde) != 0 || !(pde & PTE_P))
        return -ERR_FAULT;
    rights_add(&r, pde);
    if ((pde & PTE_PS) && (w->cr4 & GUEST_WALK_CR4_PSE)) {
        /* 4 MiB page: PDE bits 20:13 are address bits 39:32 (PSE-40). */
        if ((pde & PSE_RSVD) || rights_check(w, access, &r) != 0)
            return -ERR_FAULT;
        *gpa = (pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & 0xff) << 32) | (gva & 0x3fffffu);
        return 0;
    }
    if (read_u32(w, (pde & 0xfffff000u) + ((gva >> 12) & 1023) * 4, &pte) != 0 || !(pte & PTE_P))
        return -ERR_FAULT;
    rights_add(&r, pte);
    if (rights_check(w, access, &r) != 0)
        return -ERR_FAULT;
    *gpa = (pte & 0xfffff000u) | (gva & 0xfffu);
    return 0;
}

int guest_walk(const struct guest_walk *w, uint64_t gva, unsigned access, uint64_t *gpa)
{
    if (!(w->cr0 & GUEST_WALK_CR0_PG)) {
        /* No paging: linear is physical (32 bits wide outside long mode). */
        *gpa = (w->efer & GUEST_WALK_EFER_LMA) ? gva : (uint32_t)gva;
        return 0;
    }
    if (w->efer & GUEST_WALK_EFER_LMA)
        return walk_long(w, gva, access, gpa);
    if (w->cr4 & GUEST_WALK_CR4_PAE)
        return walk_pae(w, (uint32_t)gva, access, gpa);
    return walk_32(w, (uint32_t)gva, access, gpa);
}

int guest_walk_copy(const struct guest_walk *w, uint64_t gva, size_t n, unsigned access)
{
    size_t done = 0;

    if (n && gva + (n - 1) < gva)
        return -ERR_FAULT;
    while (done < n) {
        size_t chunk = MIN(n - done, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        uint64_t gpa;

        if (guest_walk(w, gva, access, &gpa) != 0 || w->copy(w->ctx, gpa, done, chunk) != 0)
            return -ERR_FAULT;
        gva += chunk;
        done += chunk;
    }
    return 0;
}
