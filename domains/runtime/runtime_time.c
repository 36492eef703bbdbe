/* SPDX-License-Identifier: MIT */
/*
 * Guest time under the Xen ABI: at start-up the hypervisor puts its
 * shared-info page over a page of the image, and every read follows Xen's
 * pvclock protocol on the time record of the vCPU that reads (the
 * hypervisor rewrites a vCPU's record, bumping its version, whenever it
 * runs it on a CPU, so a move between the reads is seen and retried).
 * Blocking arms the vCPU's single-shot timer and calls sched_op(block)
 * until the clock passes the deadline. On bare QEMU there is no clock:
 * nothing here calibrates the TSC, so a domain there can tell that it has
 * no time rather than get a guessed one.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"
#include "runtime_priv.h"
#include "shared_info.h"

static_assert(RUNTIME_MAX_VCPUS <= XEN_LEGACY_MAX_VCPUS, "a time record for every vCPU the runtime starts");

/* The frame the hypervisor's shared-info page replaces: a page of its own,
 * since the RAM there is gone once it is mapped. Never touched before. */
static uint8_t shared_info_page[RUNTIME_PAGE_SIZE] __attribute__((aligned(RUNTIME_PAGE_SIZE)));
static_assert(sizeof(struct shared_info) <= sizeof(shared_info_page), "shared_info");

/* Set once by runtime_time_init on vCPU 0, before any other vCPU starts;
 * NULL while there is no clock. */
static const volatile struct shared_info *time_page;

/* The monotonic guard of one vCPU, read and written by that vCPU only (no
 * interrupts: no lock needed); a cache line each. */
struct time_cpu {
    uint64_t last_ns, held_back;
} __attribute__((aligned(64)));

static struct time_cpu time_cpus[RUNTIME_MAX_VCPUS];

void runtime_time_init(void)
{
    struct xen_add_to_physmap map = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uint64_t)(uintptr_t)shared_info_page / RUNTIME_PAGE_SIZE,
    };
    char msg[96];
    long rc;

    if (!platform_is_xen())
        return;
    rc = hypercall_add_to_physmap(&map);
    if (rc != 0) {
        snprintf(msg, sizeof(msg), "runtime: no clock: memory_op add_to_physmap(shared_info) returned %ld\n", rc);
        platform_console_write(msg, strlen(msg));
        return;
    }
    /* A PVH vCPU should start without one; make sure that only the timers
     * the runtime arms end a block. Failing to stop what is not running
     * changes nothing, so the result does not matter. */
    runtime_time_init_vcpu();
    time_page = (const volatile struct shared_info *)(const volatile void *)shared_info_page;
}

void runtime_time_init_vcpu(void)
{
    if (platform_is_xen())
        (void)hypercall_stop_periodic_timer(runtime_vcpu_id());
}

/* rdtsc_ordered: the TSC, read after every earlier load has completed
 * (LFENCE is dispatch-serializing on AMD), so that it belongs to the
 * record version read before it. */
static uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

/* pvclock_scale: TSC ticks to ns, as Xen defines it: shift first, then a
 * 32.32 fixed-point multiply. Shifts beyond 63 bits leave nothing. */
static uint64_t pvclock_scale(uint64_t ticks, uint32_t mul, int8_t shift)
{
    if (shift >= 0)
        ticks = shift < 64 ? ticks << shift : 0;
    else
        ticks = shift > -64 ? ticks >> -shift : 0;
    return (uint64_t)(((unsigned __int128)ticks * mul) >> 32);
}

/* pvclock_read: one consistent reading of the record (Xen's protocol:
 * version, fields, TSC, version again; retried while the hypervisor is
 * updating it, i.e. the version is odd or changed). */
static uint64_t pvclock_read(const volatile struct vcpu_time_info *r)
{
    uint32_t version, mul;
    uint64_t stamp, system, tsc;
    int8_t shift;

    do {
        version = r->version;
        stamp = r->tsc_timestamp;
        system = r->system_time;
        mul = r->tsc_to_system_mul;
        shift = r->tsc_shift;
        tsc = rdtsc_ordered();
    } while ((version & 1) != 0 || version != r->version);

    /* A TSC behind the stamp (another CPU's, not quite in step) counts as
     * no time at all rather than 2^64 ticks. */
    return system + (tsc > stamp ? pvclock_scale(tsc - stamp, mul, shift) : 0);
}

bool runtime_time_available(void)
{
    return time_page != NULL;
}

uint64_t runtime_time_ns(void)
{
    unsigned vcpu = runtime_vcpu_id();
    struct time_cpu *c = &time_cpus[vcpu];
    uint64_t now;

    if (time_page == NULL)
        return 0;
    now = pvclock_read(&time_page->vcpu_info[vcpu].time);
    if (now < c->last_ns) {
        c->held_back++;
        return c->last_ns;
    }
    c->last_ns = now;
    return now;
}

uint64_t runtime_time_held_back(void)
{
    return time_cpus[runtime_vcpu_id()].held_back;
}

int runtime_block_until_ns(uint64_t deadline)
{
    char msg[96];
    long rc;

    if (time_page == NULL)
        return -ENOSYS;
    while (runtime_time_ns() < deadline) {
        rc = hypercall_set_singleshot_timer(runtime_vcpu_id(), deadline, VCPU_SSHOTTMR_future);
        /* Passed by the hypervisor's reckoning: this clock, a few ns
         * behind, is about to pass it too. */
        if (rc == -XEN_ETIME)
            continue;
        if (rc == 0)
            rc = hypercall_sched_block();
        if (rc != 0) {
            snprintf(msg, sizeof(msg), "cannot sleep: set_singleshot_timer or block returned %ld", rc);
            runtime_fatal(msg);
        }
    }
    return 0;
}

int runtime_sleep_ns(uint64_t ns)
{
    uint64_t now = runtime_time_ns();

    if (time_page == NULL)
        return -ENOSYS;
    return runtime_block_until_ns(ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
}

volatile uint8_t *runtime_shared_info(void)
{
    return time_page ? (volatile uint8_t *)(uintptr_t)shared_info_page : NULL;
}
