/* SPDX-License-Identifier: MIT */
/*
 * Reaching guest memory by guest-virtual address, as hypercall arguments
 * require: the guest's paging state comes from its VMCB, and the walk
 * itself (guest_walk.c) reads the guest's tables, as every data access
 * here does, through the domain's nested page tables, so a guest can name
 * only its own memory. The rules of the walk live in guest_walk.h.
 */
#include "core/domain.h"
#include "core/errno.h"
#include "core/guest_walk.h"
#include "core/vcpu.h"
#include "svm_priv.h"

/* What the walk's hooks need: the domain, and the caller's buffer. */
struct guest_mem_ctx {
    struct domain *d;
    uint8_t *buf;
    bool to_guest;
};

static int read_entry(void *ctx, uint64_t gpa, uint64_t *word)
{
    const struct guest_mem_ctx *c = ctx;

    return domain_copy_from_phys(c->d, gpa, word, sizeof(*word));
}

static int copy_page(void *ctx, uint64_t gpa, size_t offset, size_t len)
{
    const struct guest_mem_ctx *c = ctx;

    if (c->to_guest)
        return domain_guest_write(c->d, gpa, c->buf + offset, len);
    return domain_copy_from_phys(c->d, gpa, c->buf + offset, len);
}

static int copy_guest(struct vcpu *v, uint64_t gva, void *buf, size_t n, bool to_guest, bool kernel)
{
    const struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    struct guest_mem_ctx c = { v->dom, buf, to_guest };
    struct guest_walk w = {
        .cr0 = s->cr0,
        .cr3 = s->cr3,
        .cr4 = s->cr4,
        .efer = s->efer,
        .rflags = s->rflags,
        .read = read_entry,
        .copy = copy_page,
        .ctx = &c,
    };
    unsigned access = (to_guest ? GUEST_WALK_WRITE : 0) | (s->cpl == 3 && !kernel ? GUEST_WALK_USER : 0);

    /* A registered area is a 64-bit address: while paging is off (an AP
     * in its start-up code) it names no memory, as on Xen, rather than
     * the memory its truncation would. */
    if (kernel && !(s->cr0 & GUEST_WALK_CR0_PG) && (gva >> 32))
        return -ERR_FAULT;

    return guest_walk_copy(&w, gva, n, access);
}

int vcpu_copy_from_guest(struct vcpu *v, uint64_t gva, void *dst, size_t n)
{
    return copy_guest(v, gva, dst, n, false, false);
}

int vcpu_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t n)
{
    return copy_guest(v, gva, (void *)(uintptr_t)src, n, true, false);
}

int vcpu_write_guest_kernel(struct vcpu *v, uint64_t gva, const void *src, size_t n)
{
    return copy_guest(v, gva, (void *)(uintptr_t)src, n, true, true);
}
