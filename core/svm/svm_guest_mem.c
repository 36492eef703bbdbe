/* SPDX-License-Identifier: MIT */
/*
 * Reaching guest memory by guest-virtual address, as hypercall arguments
 * require: the guest's own page tables are walked (paging off, 32-bit
 * two-level, or long-mode four-level) and every table and data access
 * goes through the domain's nested page tables, so a guest can name only
 * its own memory. PAE without long mode is not supported yet.
 */
#include "../arch/x86_64/x86.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/vcpu.h"
#include "svm_priv.h"

#define PG_P      (1ull << 0)
#define PG_PS     (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

static int read_gpa_u64(struct domain *d, uint64_t gpa, uint64_t *out)
{
    return domain_copy_from_phys(d, gpa, out, sizeof(*out));
}

static int walk_long(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
    uint64_t table = v->arch.vmcb->state.cr3 & ADDR_MASK, e = 0;
    int64_t canon = (int64_t)(gva << 16) >> 16;

    if ((uint64_t)canon != gva)
        return -ERR_FAULT;
    for (unsigned level = 4; level >= 1; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        if (read_gpa_u64(v->dom, table + ((gva >> shift) & 511) * 8, &e) != 0 || !(e & PG_P))
            return -ERR_FAULT;
        if (level > 1 && level < 4 && (e & PG_PS)) {
            uint64_t size = 1ull << shift;
            *gpa = ((e & ADDR_MASK) & ~(size - 1)) | (gva & (size - 1));
            return 0;
        }
        table = e & ADDR_MASK;
    }
    *gpa = table | (gva & (PAGE_SIZE - 1));
    return 0;
}

static int walk_32(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
    uint32_t e, table = (uint32_t)v->arch.vmcb->state.cr3 & 0xfffff000u;

    if (domain_copy_from_phys(v->dom, table + ((gva >> 22) & 1023) * 4, &e, 4) != 0 || !(e & PG_P))
        return -ERR_FAULT;
    if ((e & PG_PS) && (v->arch.vmcb->state.cr4 & (1u << 4))) { /* 4 MiB page */
        *gpa = (e & 0xffc00000u) | (gva & 0x3fffffu);
        return 0;
    }
    table = e & 0xfffff000u;
    if (domain_copy_from_phys(v->dom, table + ((gva >> 12) & 1023) * 4, &e, 4) != 0 || !(e & PG_P))
        return -ERR_FAULT;
    *gpa = (e & 0xfffff000u) | (gva & 0xfffu);
    return 0;
}

static int translate(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
    const struct vmcb_state *s = &v->arch.vmcb->state;

    if (!(s->cr0 & (1u << 31))) {
        *gpa = svm_guest_long_mode(v) ? gva : (gva & 0xffffffffu);
        return 0;
    }
    if (s->efer & (1u << 10))
        return walk_long(v, gva, gpa);
    if (!(s->cr4 & (1u << 5)))
        return walk_32(v, (uint32_t)gva, gpa);
    return -ERR_FAULT;
}

static int copy_guest(struct vcpu *v, uint64_t gva, void *buf, size_t n, bool to_guest)
{
    uint8_t *p = buf;

    while (n) {
        size_t chunk = MIN(n, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        uint64_t gpa;
        int r = translate(v, gva, &gpa);
        if (r == 0)
            r = to_guest ? domain_guest_write(v->dom, gpa, p, chunk) : domain_copy_from_phys(v->dom, gpa, p, chunk);
        if (r != 0)
            return -ERR_FAULT;
        gva += chunk;
        p += chunk;
        n -= chunk;
    }
    return 0;
}

int vcpu_copy_from_guest(struct vcpu *v, uint64_t gva, void *dst, size_t n)
{
    return copy_guest(v, gva, dst, n, false);
}

int vcpu_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t n)
{
    return copy_guest(v, gva, (void *)(uintptr_t)src, n, true);
}
