/* SPDX-License-Identifier: MIT */
/*
 * Domain objects: each domain and its vCPUs in frames of their own (no
 * general allocation in the core: they are counted in the domain's books
 * and checked when it goes), found by id in a two-level table
 * (domain_ids.c) and walked in a list, both read without a lock; RAM
 * from the frame allocator mapped through the domain's nested page
 * tables, and destruction that hands every owned frame back. Ids rotate,
 * as Xen's do, so a port or grant still naming a dead domain names
 * nobody. A destroyed domain's own frames go back through the deferred
 * free (docs/deferred-free.md), never while another CPU may read them.
 * Lock order: domain_lock, then the frame lock or retire_lock.
 */
#include "core/domain.h"
#include "core/arch.h"
#include "core/cap.h"
#include "core/domain_ids.h"
#include "core/errno.h"
#include "core/evtchn_domain.h"
#include "core/gnttab_domain.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/sched.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/pci.h"
#include "core/retire.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "core/vtime.h"
#include "idl/mgmt.h"

_Static_assert(DOMAIN_IDS_END == MGMT_DOMID_SELF, "ids end below Xen's first reserved id");

static struct spinlock domain_lock = SPINLOCK_INIT; /* the id table, the list, states */
static struct domain_ids ids = { .next = 1 };       /* protected by domain_lock; read lock-free */
static struct domain *list_first, *list_last;       /* protected by domain_lock; list_first read lock-free */

/* A domain others may see: created and not yet destroyed. */
static bool visible(const struct domain *d)
{
    enum domain_state s = __atomic_load_n(&d->state, __ATOMIC_SEQ_CST);

    return s != DOMAIN_DEAD && s != DOMAIN_CREATING;
}

/* d, or the first visible domain after it in the list. */
static struct domain *visible_from(struct domain *d)
{
    while (d && !visible(d))
        d = __atomic_load_n(&d->next, __ATOMIC_ACQUIRE);
    return d;
}

struct domain *domain_first(void)
{
    return visible_from(__atomic_load_n(&list_first, __ATOMIC_ACQUIRE));
}

struct domain *domain_next(const struct domain *d)
{
    return visible_from(__atomic_load_n(&d->next, __ATOMIC_ACQUIRE));
}

struct domain_ids_leaf *domain_ids_env_leaf_alloc(void)
{
    paddr_t pa;

    ASSERT(spin_held_by_me(&domain_lock));
    return frame_alloc_zeroed(&pa) == 0 ? phys_to_virt(pa) : NULL;
}

void domain_ids_env_leaf_retire(struct domain_ids_leaf *leaf)
{
    ASSERT(spin_held_by_me(&domain_lock));
    retire_frames(&leaf->retired, virt_to_phys(leaf), 1);
}

/* Gives d (CREATING: nobody finds it yet) an id and puts it at the end
 * of the list; 0, -ERR_NOSPC or -ERR_NOMEM with nothing changed. */
static int enlist(struct domain *d)
{
    uint64_t f = spin_lock_irqsave(&domain_lock);
    int r = domain_ids_add(&ids, d, &d->id);

    if (r == 0) {
        d->prev = list_last;
        /* Filled in before it is linked: a reader may reach it at once. */
        __atomic_store_n(list_last ? &list_last->next : &list_first, d, __ATOMIC_RELEASE);
        list_last = d;
    }
    spin_unlock_irqrestore(&domain_lock, f);
    return r;
}

/* Takes d out of the table and the list, and retires its frames. Its own
 * next pointer stays, so a reader standing on it walks on. */
static void delist(struct domain *d)
{
    uint64_t f = spin_lock_irqsave(&domain_lock);

    __atomic_store_n(&d->state, DOMAIN_DEAD, __ATOMIC_SEQ_CST);
    domain_ids_remove(&ids, d->id);
    __atomic_store_n(d->prev ? &d->prev->next : &list_first, d->next, __ATOMIC_RELEASE);
    if (d->next)
        d->next->prev = d->prev;
    else
        list_last = d->prev;
    retire_frames(&d->retired, virt_to_phys(d), d->frames);
    spin_unlock_irqrestore(&domain_lock, f);
}

bool domain_get(struct domain *d)
{
    __atomic_fetch_add(&d->refs, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&d->dying, __ATOMIC_SEQ_CST) || !visible(d)) {
        domain_put(d);
        return false;
    }
    return true;
}

void domain_put(struct domain *d)
{
    uint32_t was = __atomic_fetch_sub(&d->refs, 1, __ATOMIC_SEQ_CST);

    if (was == 0) /* a put without its get: kept in release builds too */
        panic("domain: d%u's hypercall references went below zero", d->id);
}

static void orphan_children(const struct domain *d);

/* Both sides publish first and look second (sequentially consistent), so
 * a getter and the reaper cannot both go ahead. d's children get their
 * heir before the claim makes d invisible: a controller that sees d gone
 * (MGMT_DOMAIN_INFO answers -ESRCH) already holds them. */
bool domain_claim_destroy(struct domain *d)
{
    orphan_children(d);
    __atomic_store_n(&d->dying, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&d->refs, __ATOMIC_SEQ_CST) == 0)
        return true;
    domain_unclaim(d); /* a hypercall is using it: the next reaper pass */
    return false;
}

void domain_unclaim(struct domain *d)
{
    __atomic_store_n(&d->dying, 0, __ATOMIC_SEQ_CST);
}

struct domain *domain_find(domid_t id)
{
    struct domain *d = domain_ids_find(&ids, id);

    return d && visible(d) ? d : NULL;
}

/* Frees the frames this call mapped in [gfn, gfn + n) after a failure. */
static void populate_undo(struct domain *d, uint64_t gfn, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        paddr_t pa;
        if (npt_unmap(&d->npt, (gfn + i) << PAGE_SHIFT, &pa) == 0) {
            iommu_unmap(d, gfn + i); /* no device may reach it once freed */
            frame_free(pa);
        }
    }
}

static int populate_check(struct domain *d, uint64_t gfn, uint64_t n)
{
    if (n == 0 || gfn + n < gfn || gfn + n > (1ull << 36))
        return -ERR_OVERFLOW;
    if (d->nr_pages + n > d->max_pages || n > frame_free_count())
        return -ERR_NOMEM;
    for (uint64_t i = 0; i < n; i++) {
        paddr_t pa;
        unsigned flags;
        if (npt_lookup(&d->npt, (gfn + i) << PAGE_SHIFT, &pa, &flags) == 0)
            return -ERR_EXIST;
    }
    return 0;
}

int domain_populate(struct domain *d, uint64_t gfn, uint64_t n)
{
    uint64_t f = spin_lock_irqsave(&d->lock);
    int r = populate_check(d, gfn, n);

    for (uint64_t i = 0; r == 0 && i < n; i++) {
        paddr_t pa;
        r = frame_alloc_zeroed(&pa);
        if (r == 0 && (r = npt_map(&d->npt, (gfn + i) << PAGE_SHIFT, pa, NPT_W | NPT_X | NPT_OWNED)) != 0)
            frame_free(pa);
        else if (r == 0 && (r = iommu_map(d, gfn + i, pa >> PAGE_SHIFT, true)) != 0)
            populate_undo(d, gfn + i, 1);
        if (r != 0)
            populate_undo(d, gfn, i); /* another CPU took the frames we counted on */
    }
    if (r == 0)
        d->nr_pages += n;
    spin_unlock_irqrestore(&d->lock, f);
    return r;
}

void domain_set_max_pages(struct domain *d, uint64_t max_pages)
{
    uint64_t f = spin_lock_irqsave(&d->lock);

    d->max_pages = max_pages;
    spin_unlock_irqrestore(&d->lock, f);
}

/* Frames holding a domain's struct with nr_vcpus vCPUs. */
static size_t struct_frames(unsigned nr_vcpus)
{
    return (size_t)(ALIGN_UP(offsetof(struct domain, vcpus) + nr_vcpus * sizeof(struct vcpu), PAGE_SIZE) >> PAGE_SHIFT);
}

/* A zeroed domain in DOMAIN_CREATING (nobody finds it) with an id, in
 * frames of its own. Reserves first: every frame domain_create will take
 * must be free now, or it is refused before anything changes (another
 * CPU may still take some meanwhile: domain_create's failures undo). */
static int domain_alloc(unsigned nr_vcpus, struct domain **out)
{
    size_t frames = struct_frames(nr_vcpus);
    paddr_t pa;
    struct domain *d;
    int r;

    /* Its struct, the nested page table root, shared info, a VMCB per
     * vCPU and the event-channel table. */
    if (frame_free_count() < frames + 2 + nr_vcpus + evtchn_domain_frames())
        return -ERR_NOMEM;
    if ((frames == 1 ? frame_alloc(&pa) : frame_alloc_range(frames, 1, 0, &pa)) != 0)
        return -ERR_NOMEM;
    d = phys_to_virt(pa);
    memset(d, 0, frames * PAGE_SIZE);
    d->frames = frames;
    d->state = DOMAIN_CREATING;
    d->lock = (struct spinlock)SPINLOCK_INIT;
    d->con_lock = (struct spinlock)SPINLOCK_INIT;
    if ((r = enlist(d)) != 0) {
        frame_free_range(pa, frames); /* never linked: nobody can have seen it */
        return r;
    }
    *out = d;
    return 0;
}

int domain_create(const char *name, unsigned nr_vcpus, uint64_t max_pages, domid_t controller, struct domain **out)
{
    struct domain *d;
    int r;

    if (nr_vcpus == 0 || nr_vcpus > DOMAIN_MAX_VCPUS)
        return -ERR_INVAL;
    if ((r = domain_alloc(nr_vcpus, &d)) != 0)
        return r;
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->max_pages = max_pages;
    d->controller = controller;
    d->shared_info_gfn = ~0ull;
    if (npt_create(&d->npt) != 0 || frame_alloc_zeroed(&d->shared_info) != 0) {
        d->shared_info = 0;
        domain_destroy(d);
        return -ERR_NOMEM;
    }
    for (unsigned i = 0; i < nr_vcpus; i++) {
        d->vcpus[i].dom = d;
        d->vcpus[i].id = i;
        d->vcpus[i].running_on = -1;
        d->vcpus[i].vcpu_info_gfn = ~0ull;
        d->vcpus[i].runstate_lock = (struct spinlock)SPINLOCK_INIT;
        d->vcpus[i].runstate.state = RUNSTATE_offline;
        d->vcpus[i].runstate.state_entry_time = arch_time_ns();
        if (vcpu_arch_init(&d->vcpus[i]) != 0) {
            d->nr_vcpus = i;
            domain_destroy(d);
            return -ERR_NOMEM;
        }
        d->nr_vcpus = i + 1;
    }
    gnttab_domain_create(d);
    if (evtchn_domain_create(d) != 0 || sched_domain_add(d) != 0) {
        domain_destroy(d);
        return -ERR_NOMEM;
    }
    log_info("domain: d%u '%s' created: %u vCPU%s, up to %llu MiB", d->id, d->name, nr_vcpus, nr_vcpus == 1 ? "" : "s",
             (unsigned long long)(max_pages >> 8));
    __atomic_store_n(&d->state, DOMAIN_BUILDING, __ATOMIC_SEQ_CST); /* published: others may find it */
    *out = d;
    return 0;
}

int domain_unpause(struct domain *d)
{
    uint64_t f = spin_lock_irqsave(&domain_lock);
    int r = -ERR_INVAL;

    bool resumed = d->state == DOMAIN_PAUSED;

    if ((d->state == DOMAIN_BUILDING && d->vcpus[0].state == VCPU_RUNNABLE) || resumed) {
        if (!resumed)
            __atomic_store_n(&d->started_ns, arch_time_ns(), __ATOMIC_RELAXED);
        __atomic_store_n(&d->state, DOMAIN_RUNNING, __ATOMIC_SEQ_CST);
        r = 0;
    }
    spin_unlock_irqrestore(&domain_lock, f);
    /* Said before any vCPU is woken, so it precedes anything the domain does. */
    if (r == 0 && resumed)
        log_info("domain: d%u '%s' unpaused", d->id, d->name);
    else if (r == 0)
        log_info("domain: d%u '%s' running: %llu MiB", d->id, d->name, (unsigned long long)(d->nr_pages >> 8));
    for (unsigned i = 0; r == 0 && i < d->nr_vcpus; i++)
        if (d->vcpus[i].state == VCPU_RUNNABLE) {
            vtime_runstate_wake(&d->vcpus[i]);
            sched_wake(&d->vcpus[i]);
        }
    return r;
}

/* Kicks every CPU running one of d's vCPUs out of the guest, to see its
 * new state. */
static void kick_vcpus(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        int cpu = __atomic_load_n(&d->vcpus[i].running_on, __ATOMIC_ACQUIRE);
        if (cpu >= 0 && (unsigned)cpu != arch_cpu_index())
            arch_kick_cpu((unsigned)cpu);
    }
}

int domain_pause(struct domain *d)
{
    uint64_t f = spin_lock_irqsave(&domain_lock);
    int r = d->state == DOMAIN_RUNNING ? 0 : -ERR_BUSY;

    if (r == 0)
        __atomic_store_n(&d->state, DOMAIN_PAUSED, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&domain_lock, f);
    if (r != 0)
        return r;
    kick_vcpus(d);
    /* As Xen's pause, synchronous: once this returns no vCPU of d runs
     * (a CPU that picks one later finds it paused and leaves it). */
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        while (__atomic_load_n(&d->vcpus[i].running_on, __ATOMIC_SEQ_CST) >= 0)
            arch_cpu_relax();
    log_info("domain: d%u '%s' paused", d->id, d->name);
    return 0;
}

/* Whether `to` is d or controlled by it, directly or through others.
 * Under domain_lock, so no controller changes meanwhile; the walk ends,
 * as control never forms a loop. */
static bool controls(const struct domain *d, const struct domain *to)
{
    for (const struct domain *c = to; c; c = c->controller != DOMID_NONE ? domain_find(c->controller) : NULL)
        if (c == d)
            return true;
    return false;
}

int domain_handover(struct domain *d, domid_t to)
{
    uint64_t f = spin_lock_irqsave(&domain_lock);
    struct domain *t = domain_find(to);
    int r = 0;

    if (!t || t->state == DOMAIN_SHUTDOWN || t->state == DOMAIN_DEAD)
        r = -ERR_SRCH;
    else if (!cap_has(t->caps, CAP_DOMAIN_CONTROL) || controls(d, t))
        r = -ERR_INVAL;
    else
        d->controller = to;
    bool stopped = r == 0 && d->state == DOMAIN_SHUTDOWN;
    spin_unlock_irqrestore(&domain_lock, f);
    if (r == 0)
        log_info("domain: d%u '%s' handed to d%u '%s'", d->id, d->name, t->id, t->name);
    if (stopped)
        evtchn_domain_virq(t, 0, EVTCHN_VIRQ_DOM_EXC); /* as if it stopped now */
    return r;
}

unsigned domain_list_controlled(domid_t controller, domid_t first, domid_t *out, unsigned max)
{
    unsigned n = 0;

    for (const struct domain *c = domain_first(); c && max; c = domain_next(c)) {
        if (__atomic_load_n(&c->controller, __ATOMIC_RELAXED) != controller || c->id < first ||
            __atomic_load_n(&c->destroy_requested, __ATOMIC_RELAXED) || (n == max && c->id >= out[max - 1]))
            continue;
        /* Into the ascending list, the largest dropped when it is full. */
        unsigned at = n < max ? n : max - 1;
        for (; at > 0 && out[at - 1] > c->id; at--)
            out[at] = out[at - 1];
        out[at] = c->id;
        n += n < max;
    }
    return n;
}

/* Domains d controlled go to d's own controller, as Unix hands orphans
 * on (or to nobody when d had none: the core reaps those once they stop);
 * the heir hears of it as of a shutdown, so it looks at what it holds.
 * One still being built can never run (only its builder could finish and
 * start it), so it goes with its controller's intent: shut down now,
 * reaped by the next pass. */
static void orphan_children(const struct domain *d)
{
    struct domain *heir = NULL;
    bool adopted = false;

    for (struct domain *c = domain_first(); c; c = domain_next(c)) {
        if (c == d || c->controller != d->id || __atomic_load_n(&c->state, __ATOMIC_SEQ_CST) != DOMAIN_BUILDING)
            continue;
        __atomic_store_n(&c->controller, DOMID_NONE, __ATOMIC_SEQ_CST); /* first: its shutdown must not signal d */
        log_info("domain: d%u '%s' was being built by d%u, which is gone: destroying it", c->id, c->name, d->id);
        domain_kill(c);
    }
    uint64_t f = spin_lock_irqsave(&domain_lock);
    if (d->controller != DOMID_NONE && (heir = domain_find(d->controller)) && heir->state == DOMAIN_DEAD)
        heir = NULL;
    for (struct domain *c = domain_first(); c; c = domain_next(c)) {
        if (c == d || c->controller != d->id)
            continue;
        c->controller = heir ? heir->id : DOMID_NONE;
        adopted = true;
        if (heir)
            log_info("domain: d%u '%s' is now controlled by d%u (d%u is gone)", c->id, c->name, heir->id, d->id);
        else
            log_info("domain: d%u '%s' no longer has a controller (d%u is gone)", c->id, c->name, d->id);
    }
    spin_unlock_irqrestore(&domain_lock, f);
    if (heir && adopted)
        evtchn_domain_virq(heir, 0, EVTCHN_VIRQ_DOM_EXC);
}

void domain_destroy(struct domain *d)
{
    /* What the domain's books say it holds, against what is freed: the
     * two must agree (other CPUs may allocate meanwhile, so the global
     * free count cannot tell; the boot scenarios compare it at the end). */
    size_t held = d->frames + d->npt.owned + d->npt.tables + d->dma.tables + d->nr_vcpus + (d->shared_info ? 1 : 0) +
                  (d->evtchn_frames ? evtchn_domain_frames() : 0) + 2u * d->gnttab.nr_frames +
                  d->gnttab.nr_maptrack_frames + d->arch_frames,
           freed = d->frames, orphaned; /* its struct's frames: retired by delist below */

    /* Every path that frees a domain takes its vCPUs out of the scheduler
     * here, so none can leave the run queues pointing into a freed domain.
     * Callers guarantee no CPU holds one (it never ran, or the reaper saw
     * them all stopped), so this cannot be refused. */
    if (sched_domain_remove(d) != 0)
        panic("domain: d%u destroyed while a CPU still holds one of its vCPUs", d->id);
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        freed += vcpu_arch_destroy(&d->vcpus[i]);
    }
    freed += vcpu_ioports_destroy(d);
    /* Its PCI functions stop and come back before its ports close and its
     * nested page tables go: nothing of theirs may reach it after. */
    pci_domain_release(d);
    /* Before the nested page tables go: frames others still map from its
     * grants are taken out of them, to be freed by the last unmapping. */
    freed += gnttab_domain_destroy(d, &orphaned);
    freed += evtchn_domain_destroy(d); /* before shared info: it clears bits there */
    freed += iommu_domain_destroy(d);  /* its DMA tables map the frames npt_destroy frees */
    freed += npt_destroy(&d->npt);
    if (d->shared_info) {
        frame_free(d->shared_info);
        freed++;
    }
    d->shared_info = 0;
    orphan_children(d); /* again: a child d's own last hypercall made after the claim's handing-on */
    if (freed == held && orphaned)
        log_info("domain: d%u '%s' destroyed: all %zu of its frames returned; %zu still mapped by other domains, "
                 "freed at their last unmapping; free frames: %zu of %zu",
                 d->id, d->name, freed, orphaned, frame_free_count(), frame_total_count());
    else if (freed == held)
        log_info("domain: d%u '%s' destroyed: all %zu of its frames returned; free frames: %zu of %zu", d->id, d->name,
                 freed, frame_free_count(), frame_total_count());
    else
        log_err("domain: d%u '%s' destroyed: LEAK: held %zu frames, %zu returned", d->id, d->name, held, freed);
    delist(d);
}

const char *domain_reason_name(enum shutdown_reason r)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog" };

    return (unsigned)r < ARRAY_SIZE(names) ? names[r] : "unknown";
}

void domain_shutdown(struct domain *d, enum shutdown_reason reason)
{
    uint64_t f = spin_lock_irqsave(&domain_lock);
    bool first = d->state == DOMAIN_RUNNING || d->state == DOMAIN_BUILDING || d->state == DOMAIN_PAUSED;

    if (first) {
        __atomic_store_n(&d->state, DOMAIN_SHUTDOWN, __ATOMIC_SEQ_CST);
        d->reason = reason;
    }
    spin_unlock_irqrestore(&domain_lock, f);
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        d->vcpus[i].state = VCPU_DOWN;
    kick_vcpus(d); /* out of the guest, to see it stopped */
    if (first) {
        struct domain *c = d->controller != DOMID_NONE ? domain_find(d->controller) : NULL;
        log_info("domain: d%u '%s' shut down: %s", d->id, d->name, domain_reason_name(reason));
        if (c)
            evtchn_domain_virq(c, 0, EVTCHN_VIRQ_DOM_EXC); /* its controller hears of it */
    }
}

void domain_kill(struct domain *d)
{
    domain_shutdown(d, SHUTDOWN_POWEROFF);
    __atomic_store_n(&d->destroy_requested, true, __ATOMIC_SEQ_CST);
    if (arch_cpu_index() != 0)
        arch_kick_cpu(0); /* the boot CPU reaps */
}

void domain_flush_guest_tlb(struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = &d->vcpus[i];
        int cpu = __atomic_load_n(&v->running_on, __ATOMIC_SEQ_CST);
        uint64_t exits = __atomic_load_n(&v->exits, __ATOMIC_SEQ_CST);
        if (cpu < 0 || (unsigned)cpu == arch_cpu_index() || !__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST))
            continue; /* its next VMRUN comes after our change and flushes */
        arch_kick_cpu((unsigned)cpu);
        while (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) && __atomic_load_n(&v->exits, __ATOMIC_SEQ_CST) == exits)
            arch_cpu_relax();
    }
}

/* Copies page by page between core memory and guest frames. With
 * need_write, a page the guest may not write refuses the copy (before
 * anything is written to it); device memory (NPT_MMIO) refuses it always:
 * the direct map is no way to reach a device. Each page is looked up and copied under
 * d->lock: a sibling's add_to_physmap or a grant unmap takes the frame
 * out under that lock, so the copy never touches a frame already given
 * back. Callers hold no domain's lock. */
static int domain_copy(struct domain *d, uint64_t gpa, void *buf, size_t n, bool to_guest, bool need_write)
{
    uint8_t *p = buf;

    while (n) {
        size_t chunk = MIN(n, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        paddr_t mpa;
        unsigned flags;
        uint64_t f = spin_lock_irqsave(&d->lock);
        int r = npt_lookup(&d->npt, gpa, &mpa, &flags) != 0 || (need_write && !(flags & NPT_W)) || (flags & NPT_MMIO)
                    ? -ERR_FAULT
                    : 0;

        if (r == 0 && to_guest)
            memcpy(phys_to_virt(mpa), p, chunk);
        else if (r == 0)
            memcpy(p, phys_to_virt(mpa), chunk);
        spin_unlock_irqrestore(&d->lock, f);
        if (r)
            return r;
        gpa += chunk;
        p += chunk;
        n -= chunk;
    }
    return 0;
}

int domain_copy_to_phys(struct domain *d, uint64_t gpa, const void *src, size_t n)
{
    return domain_copy(d, gpa, (void *)(uintptr_t)src, n, true, false);
}

int domain_guest_write_ok(struct domain *d, uint64_t gpa)
{
    paddr_t mpa;
    unsigned flags;
    uint64_t f = spin_lock_irqsave(&d->lock);
    int r = npt_lookup(&d->npt, gpa, &mpa, &flags) == 0 && (flags & (NPT_W | NPT_MMIO)) == NPT_W ? 0 : -ERR_FAULT;

    spin_unlock_irqrestore(&d->lock, f);
    return r;
}

int domain_guest_write(struct domain *d, uint64_t gpa, const void *src, size_t n)
{
    return domain_copy(d, gpa, (void *)(uintptr_t)src, n, true, true);
}

int domain_copy_from_phys(struct domain *d, uint64_t gpa, void *dst, size_t n)
{
    return domain_copy(d, gpa, dst, n, false, false);
}
