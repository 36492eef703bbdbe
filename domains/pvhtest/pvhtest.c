/* SPDX-License-Identifier: MIT */
/*
 * Test domain for what the core gives a Linux PVH domU: xen_version's
 * sub-ops and features, vm_assist, the CPUID and MSRs a guest sees, MOVs
 * to guest-physical addresses nothing backs, its runstate area, SCHEDOP_poll, ballooning with decrease_reservation and
 * populate_physmap, and (last, since the runtime keeps reading shared
 * info) a vcpu_info registered elsewhere. Each check prints one
 * `TEST PASS <name>` or `TEST FAIL <name>: <why>` line, then
 * `pvhtest: done`. Needs two vCPUs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>

#include "mosaic/evtchn.h"
#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"

#define PAGE 4096u
#define MS   1000000ull

static int failures;
static char why[160];

static void check(const char *name, const char *err)
{
    if (err == NULL) {
        printf("TEST PASS %s\n", name);
    } else {
        printf("TEST FAIL %s: %s\n", name, err);
        failures++;
    }
}

/* why, formatted: for a failure that carries numbers. */
#define fail(...) (snprintf(why, sizeof(why), __VA_ARGS__), (const char *)why)

static long xen_version(unsigned cmd, void *arg)
{
    return hypercall3(__HYPERVISOR_xen_version, cmd, (unsigned long)(uintptr_t)arg, 0);
}

static long vcpu_op(unsigned cmd, unsigned vcpu, void *arg)
{
    return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, (unsigned long)(uintptr_t)arg);
}

static long memory_op(unsigned long cmd, void *arg)
{
    return hypercall3(__HYPERVISOR_memory_op, cmd, (unsigned long)(uintptr_t)arg, 0);
}

static long sched_poll(evtchn_port_t *ports, unsigned n, uint64_t timeout)
{
    struct sched_poll p = { (uint64_t)(uintptr_t)ports, n, 0, timeout };

    return hypercall3(__HYPERVISOR_sched_op, SCHEDOP_poll, (unsigned long)(uintptr_t)&p, 0);
}

/* ------------------------------------------------------------ xen_version */

static const char *test_version(void)
{
    struct xen_feature_info f = { 0, 0 };
    static char caps[XEN_CAPABILITIES_INFO_LEN], cmdline[XEN_COMMANDLINE_LEN];
    struct xen_compile_info info;
    struct xen_platform_parameters pp = { 1 };
    uint32_t need = (1u << XENFEAT_hvm_safe_pvclock) | (1u << XENFEAT_hvm_callback_vector) |
                    (1u << XENFEAT_auto_translated_physmap) | (1u << XENFEAT_writable_page_tables);
    long r;

    if ((r = xen_version(XENVER_get_features, &f)) != 0 || (f.submap & need) != need)
        return fail("get_features: %ld, submap 0x%lx", r, (unsigned long)f.submap);
    if (f.submap & ((1u << XENFEAT_dom0) | (1u << XENFEAT_mmu_pt_update_preserve_ad)))
        return "get_features offers dom0 or a PV-only feature";
    f.submap_idx = 1;
    if ((r = xen_version(XENVER_get_features, &f)) != -XEN_EINVAL)
        return fail("get_features word 1: %ld, want -EINVAL", r);
    if ((r = xen_version(XENVER_pagesize, NULL)) != PAGE)
        return fail("pagesize: %ld", r);
    if ((r = xen_version(XENVER_capabilities, caps)) != 0 || !strstr(caps, "hvm-3.0-x86_64"))
        return fail("capabilities: %ld", r);
    memset(cmdline, 'x', sizeof(cmdline));
    if ((r = xen_version(XENVER_commandline, cmdline)) != 0 || strcmp(cmdline, "<denied>") != 0)
        return fail("commandline: %ld (a domU is denied it)", r);
    if ((r = xen_version(XENVER_build_id, NULL)) != -XEN_EPERM)
        return fail("build_id: %ld, want -EPERM", r);
    if (xen_version(XENVER_compile_info, &info) != 0 || xen_version(XENVER_platform_parameters, &pp) != 0 ||
        pp.virt_start != 0 || xen_version(XENVER_changeset, caps) != 0)
        return "compile_info, platform_parameters or changeset";
    if ((r = xen_version(XENVER_build_id + 1, NULL)) != -XEN_ENOSYS)
        return fail("an unknown sub-op: %ld", r);
    return NULL;
}

static const char *test_vm_assist(void)
{
    long r;

    if ((r = hypercall3(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_writable_pagetables, 0)) != -XEN_EINVAL)
        return fail("a PV assist: %ld, want -EINVAL", r);
    if ((r = hypercall3(__HYPERVISOR_vm_assist, 9, VMASST_TYPE_runstate_update_flag, 0)) != -XEN_ENOSYS)
        return fail("an unknown command: %ld, want -ENOSYS", r);
    if ((r = hypercall3(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag, 0)) != 0)
        return fail("runstate_update_flag: %ld", r);
    return NULL;
}

/* ------------------------------------------------------------ CPUID, MSRs */

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

static const char *test_cpuid(void)
{
    uint32_t r[4];

    cpuid(1, r);
    if (r[3] & ((1u << 7) | (1u << 14)))
        return "leaf 1 offers MCE or MCA without machine-check MSRs";
    if (r[2] & (1u << 15))
        return "leaf 1 offers PDCM";
    cpuid(0x80000001, r);
    if (r[3] & ((1u << 7) | (1u << 14)))
        return "leaf 0x80000001 offers MCE or MCA";
    if (r[2] & ((1u << 23) | (1u << 24) | (1u << 28) | (1u << 10)))
        return "leaf 0x80000001 offers performance counters or IBS";
    if (r[2] & (1u << 29))
        return "leaf 0x80000001 offers MONITORX, which gives #UD";
    if ((r[3] & ((1u << 29) | (1u << 20))) != ((1u << 29) | (1u << 20)))
        return "leaf 0x80000001 lost long mode or NX";
    cpuid(0, r);
    if (r[0] >= 0xa) {
        cpuid(0xa, r);
        if (r[0] | r[1] | r[2] | r[3])
            return "leaf 0xa describes a PMU";
    }
    return NULL;
}

void pvhtest_gp_entry(void);
volatile unsigned pvhtest_gp_count;

struct idtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* The runtime's IDT with #GP caught (on), or as it was (off). */
static void gp_catch(bool on)
{
    static uint8_t idt[256 * 16] __attribute__((aligned(16)));
    static struct idtr saved;
    struct idtr mine;
    uint64_t h = (uint64_t)(uintptr_t)pvhtest_gp_entry;

    if (!on) {
        __asm__ volatile("lidt %0" ::"m"(saved));
        return;
    }
    __asm__ volatile("sidt %0" : "=m"(saved));
    memcpy(idt, (const void *)(uintptr_t)saved.base,
           (size_t)saved.limit + 1 < sizeof(idt) ? saved.limit + 1u : sizeof(idt));
    memcpy(idt + 13 * 16 + 0, &h, 2);                      /* offset 15..0 */
    memcpy(idt + 13 * 16 + 6, (const uint8_t *)&h + 2, 2); /* 31..16 */
    memcpy(idt + 13 * 16 + 8, (const uint8_t *)&h + 4, 4); /* 63..32 */
    mine = (struct idtr){ saved.limit, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" ::"m"(mine));
}

/* A read: true and *val, or false when it raised #GP. */
static bool rdmsr_ok(uint32_t msr, uint64_t *val)
{
    unsigned before = pvhtest_gp_count;
    uint32_t lo = 0, hi = 0;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    *val = lo | (uint64_t)hi << 32;
    return pvhtest_gp_count == before;
}

static bool wrmsr_ok(uint32_t msr, uint64_t val)
{
    unsigned before = pvhtest_gp_count;

    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
    return pvhtest_gp_count == before;
}

/* What Xen 4.17 answers a PVH domU on AMD (core/svm/svm_msr.c). */
static const char *msr_checks(void)
{
    static const uint32_t gp[] = { 0xc0011020, 0xc0010010, 0xc0011028, 0x179, 0x17a };
    uint64_t v;

    if (!rdmsr_ok(0x1d9, &v) || v != 0 || !wrmsr_ok(0x1d9, 0))
        return "DEBUGCTL does not read 0 or refuses 0";
    if (wrmsr_ok(0x1d9, 1))
        return "DEBUGCTL took a nonzero value";
    if (!rdmsr_ok(0x8b, &v) || v != 0 || wrmsr_ok(0x8b, 1))
        return "PATCHLEVEL";
    if (!rdmsr_ok(0xc0011029, &v) || v != 2 || !wrmsr_ok(0xc0011029, 0))
        return "DE_CFG";
    if (!rdmsr_ok(0xc0010000, &v) || v != 0 || !wrmsr_ok(0xc0010000, 0x430076) || !rdmsr_ok(0xc0010004, &v) || v != 0)
        return "PERFEVTSEL0/PERFCTR0 with no vPMU";
    if (!rdmsr_ok(0xc001001f, &v) || v != 0)
        return "NB_CFG";
    for (unsigned i = 0; i < sizeof(gp) / sizeof(gp[0]); i++)
        if (rdmsr_ok(gp[i], &v))
            return fail("MSR 0x%x read without #GP", gp[i]);
    return NULL;
}

static const char *test_msrs(void)
{
    const char *err;

    gp_catch(true);
    err = msr_checks();
    gp_catch(false);
    return err;
}

/* ------------------------------------------------ unbacked guest-physical */

/* Where no device is (a guest's HPET probe): MOVs read all ones, writes
 * vanish, and each width leaves the rest of its register as the CPU does. */
static const char *test_unbacked(void)
{
    volatile uint32_t *hpet = (volatile uint32_t *)(uintptr_t)0xfed00000u;
    uint64_t rax = 0x1122334455667788ull, r9 = 0;

    hpet[4] = 0x12345678u;
    if (hpet[4] != 0xffffffffu || hpet[0] != 0xffffffffu)
        return "a 32-bit read did not give all ones";
    __asm__ volatile("movb (%1), %%ah" : "+a"(rax) : "r"(hpet) : "memory");
    if (rax != 0x112233445566ff88ull)
        return fail("movb to %%ah gave 0x%llx", (unsigned long long)rax);
    __asm__ volatile("movw 2(%1), %%ax" : "+a"(rax) : "r"(hpet) : "memory");
    if (rax != 0x112233445566ffffull)
        return fail("movw gave 0x%llx", (unsigned long long)rax);
    rax = 0x1122334455667788ull;
    __asm__ volatile("movl (%1), %%eax" : "+a"(rax) : "r"(hpet) : "memory");
    if (rax != 0xffffffffull)
        return fail("movl gave 0x%llx (the upper half must clear)", (unsigned long long)rax);
    __asm__ volatile("movq 8(%1), %%r9; movq %%r9, %0" : "=r"(r9) : "r"(hpet) : "r9", "memory");
    if (r9 != ~0ull)
        return "movq into r9";
    __asm__ volatile("movb $1, 1(%0); movw $2, 2(%0); movq %%rax, 8(%0)" ::"r"(hpet) : "memory");
    return NULL;
}

/* -------------------------------------------------------------- runstate */

static struct vcpu_runstate_info runstate __attribute__((aligned(64)));

static const char *test_runstate(void)
{
    struct vcpu_register_runstate_memory_area area = { (uint64_t)(uintptr_t)&runstate };
    struct vcpu_runstate_info got;
    uint64_t blocked0, running0, entry0;
    long r;

    if ((r = vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area)) != 0)
        return fail("register: %ld", r);
    if (runstate.state != RUNSTATE_running || runstate.state_entry_time == 0)
        return fail("not running at registration (state %d)", runstate.state);
    blocked0 = runstate.time[RUNSTATE_blocked];
    running0 = runstate.time[RUNSTATE_running];
    entry0 = runstate.state_entry_time;
    runtime_sleep_ns(30 * MS); /* blocks */
    for (int i = 0; i < 5; i++)
        hypercall_sched_yield();
    if (runstate.state != RUNSTATE_running || runstate.state_entry_time <= entry0)
        return "the area was not written when the vCPU ran again";
    if (runstate.state_entry_time & XEN_RUNSTATE_UPDATE)
        return "XEN_RUNSTATE_UPDATE left set";
    if (runstate.time[RUNSTATE_blocked] < blocked0 + 20 * MS)
        return fail("30 ms asleep added %ld ns of blocked time", (long)(runstate.time[RUNSTATE_blocked] - blocked0));
    if (runstate.time[RUNSTATE_running] <= running0)
        return "no running time accumulated";
    if ((r = vcpu_op(VCPUOP_get_runstate_info, 0, &got)) != 0 || got.state != RUNSTATE_running ||
        got.time[RUNSTATE_blocked] < runstate.time[RUNSTATE_blocked])
        return fail("get_runstate_info: %ld", r);
    if (vcpu_op(VCPUOP_get_runstate_info, 1, &got) != 0 || got.state != RUNSTATE_offline)
        return "vCPU 1, never started, is not offline";
    printf("pvhtest: runstate: running %llu us, runnable %llu us, blocked %llu us, offline %llu us\n",
           (unsigned long long)runstate.time[0] / 1000, (unsigned long long)runstate.time[1] / 1000,
           (unsigned long long)runstate.time[2] / 1000, (unsigned long long)runstate.time[3] / 1000);
    return NULL;
}

/* ------------------------------------------------------------------ poll */

static evtchn_port_t poll_port;
static uint8_t info_page[PAGE] __attribute__((aligned(PAGE)));
static long sibling_up_rc = 1; /* register_vcpu_info on vCPU 1 while it runs */

static void send_later(void *arg)
{
    (void)arg;
    runtime_sleep_ns(20 * MS);
    evtchn_send(poll_port);
}

static const char *test_poll(void)
{
    evtchn_port_t bad[2] = { 0, 5000 };
    uint64_t t0, took;
    long r;

    if ((r = evtchn_bind_ipi(0, &poll_port)) != 0)
        return fail("bind_ipi: %ld", r);
    evtchn_mask(poll_port); /* as Linux's spinlock port: the poll must still wake */
    if ((r = sched_poll(bad, 2, 0)) != -XEN_EINVAL)
        return fail("a port out of range: %ld, want -EINVAL", r);
    if ((r = sched_poll(&poll_port, 129, 0)) != -XEN_EINVAL) /* Xen's limit is 128 */
        return fail("129 ports: %ld, want -EINVAL", r);
    t0 = runtime_time_ns();
    if ((r = sched_poll(&poll_port, 1, t0 + 20 * MS)) != 0)
        return fail("poll with a timeout: %ld", r);
    took = runtime_time_ns() - t0;
    if (took < 15 * MS || took > 500 * MS)
        return fail("a 20 ms timeout took %ld us", (long)(took / 1000));
    if (runtime_vcpu_start(1, send_later, NULL) != 0)
        return "cannot start vCPU 1";
    struct vcpu_register_vcpu_info up = { (uint64_t)(uintptr_t)info_page / PAGE, 1024, 0 };
    sibling_up_rc = vcpu_op(VCPUOP_register_vcpu_info, 1, &up); /* checked with the vcpu_info test */
    t0 = runtime_time_ns();
    r = sched_poll(&poll_port, 1, t0 + 5000 * MS);
    took = runtime_time_ns() - t0;
    runtime_vcpu_join(1);
    if (r != 0 || took > 2000 * MS || !evtchn_test_and_clear(poll_port))
        return fail("woken by the masked port after %ld us (rc %ld)", (long)(took / 1000), r);
    if (took < 5 * MS)
        return fail("returned after %ld us, before the port was raised", (long)(took / 1000));
    evtchn_send(poll_port); /* pending already: no wait at all */
    t0 = runtime_time_ns();
    if ((r = sched_poll(&poll_port, 1, 0)) != 0 || runtime_time_ns() - t0 > 100 * MS)
        return fail("a pending port: %ld", r);
    evtchn_test_and_clear(poll_port);
    printf("pvhtest: poll woke %llu us after the call\n", (unsigned long long)(took / 1000));
    return NULL;
}

/* ------------------------------------------------------------- balloon */

#define BALLOON_PAGES 600 /* past one call's 512 frames: the call continues */

static long reservation(unsigned cmd, const uint64_t *gfns, unsigned long n)
{
    struct xen_memory_reservation res = { (uint64_t)(uintptr_t)gfns, n, 0, 0, DOMID_SELF, { 0 } };

    return memory_op(cmd, &res);
}

static long current_pages(void)
{
    uint16_t self = DOMID_SELF;

    return memory_op(XENMEM_current_reservation, &self);
}

static const char *test_balloon(void)
{
    static uint64_t gfns[BALLOON_PAGES + 1], holes[8];
    uint16_t self = DOMID_SELF;
    long before = current_pages(), max = memory_op(XENMEM_maximum_reservation, &self), r, slack = max - before;
    uint8_t *buf = memalign(PAGE, BALLOON_PAGES * PAGE);

    /* The runtime's shared-info page took the place of a RAM frame, which
     * went back (as on Xen): that is the slack below max_pages. */
    if (buf == NULL || before <= 0 || slack < 0 || slack >= 8)
        return fail("current %ld, maximum %ld pages", before, max);
    for (unsigned i = 0; i < BALLOON_PAGES; i++)
        gfns[i] = (uint64_t)(uintptr_t)(buf + i * PAGE) / PAGE;
    for (unsigned i = 0; i < 8; i++)
        holes[i] = 0x40000 + i; /* 1 GiB up: past this domain's RAM */
    /* Up to max_pages and no further. */
    if ((r = reservation(XENMEM_populate_physmap, holes, (unsigned long)slack + 1)) != slack)
        return fail("populate past max_pages: %ld extents, want %ld", r, slack);
    if (current_pages() != max || reservation(XENMEM_decrease_reservation, holes, (unsigned long)slack) != slack)
        return "the frames added at the limit";
    if ((r = reservation(XENMEM_decrease_reservation, gfns, BALLOON_PAGES)) != BALLOON_PAGES)
        return fail("decrease: %ld of %d extents", r, BALLOON_PAGES);
    if ((r = current_pages()) != before - BALLOON_PAGES)
        return fail("%ld pages after giving back, want %ld", r, before - BALLOON_PAGES);
    /* A frame that is not there any more stops the list where it is. */
    if ((r = reservation(XENMEM_decrease_reservation, gfns + 10, 3)) != 0)
        return fail("decrease of a ballooned frame: %ld, want 0", r);
    if ((r = reservation(XENMEM_populate_physmap, gfns, BALLOON_PAGES)) != BALLOON_PAGES)
        return fail("populate: %ld of %d extents", r, BALLOON_PAGES);
    if ((r = current_pages()) != before)
        return fail("%ld pages after taking back, want %ld", r, before);
    for (unsigned i = 0; i < BALLOON_PAGES * PAGE; i += 512)
        if (buf[i] != 0)
            return "a repopulated frame is not zeroed";
    memset(buf, 0x5a, BALLOON_PAGES * PAGE);
    /* Refused at the third: a hole; the first two go. */
    gfns[BALLOON_PAGES] = gfns[2];
    gfns[2] = holes[0];
    if ((r = reservation(XENMEM_decrease_reservation, gfns, 4)) != 2)
        return fail("decrease across a hole: %ld extents, want 2", r);
    gfns[2] = gfns[BALLOON_PAGES];
    if ((r = reservation(XENMEM_populate_physmap, gfns, 2)) != 2 || current_pages() != before)
        return fail("repopulating two: %ld", r);
    free(buf);
    return NULL;
}

/* ------------------------------------------------------------- vcpu_info */

/* The runtime's shared-info page (runtime_priv.h): this test compares the
 * record there with the one it registers. */
volatile uint8_t *runtime_shared_info(void);

/* Linux registers a secondary vCPU's record before it starts it: allowed
 * while the sibling is down (not while it runs), and events for it land
 * there from then on. */
static const char *sibling_vcpu_info(uint64_t gfn)
{
    volatile struct vcpu_info *rec = (volatile struct vcpu_info *)(volatile void *)(info_page + 1024);
    struct vcpu_register_vcpu_info reg = { gfn, 1024, 0 };
    evtchn_port_t port;
    long r;

    if (sibling_up_rc != -XEN_EINVAL)
        return fail("registering for vCPU 1 while it ran: %ld, want -EINVAL", sibling_up_rc);
    if ((r = vcpu_op(VCPUOP_register_vcpu_info, 1, &reg)) != 0)
        return fail("registering for vCPU 1, down: %ld", r);
    rec->evtchn_upcall_pending = 0;
    rec->evtchn_pending_sel = 0;
    if (evtchn_bind_ipi(1, &port) != 0 || evtchn_send(port) != 0)
        return "bind_ipi to vCPU 1 or send";
    if (rec->evtchn_upcall_pending != 1 || !(rec->evtchn_pending_sel & (1ull << (port / 64))))
        return "an event for vCPU 1 did not reach its registered record";
    return NULL;
}

static const char *test_vcpu_info(void)
{
    struct vcpu_info *rec = (struct vcpu_info *)(void *)(info_page + 192);
    const volatile struct shared_info *shared =
        (const volatile struct shared_info *)(const volatile void *)runtime_shared_info();
    struct vcpu_register_vcpu_info reg = { (uint64_t)(uintptr_t)info_page / PAGE, 4090, 0 };
    uint64_t gfn = reg.mfn, t0, old_time;
    evtchn_port_t port;
    long r;

    if (shared == NULL)
        return "no shared info";
    if ((r = vcpu_op(VCPUOP_register_vcpu_info, 0, &reg)) != -XEN_ENXIO)
        return fail("an offset that crosses the page: %ld, want -ENXIO", r);
    reg = (struct vcpu_register_vcpu_info){ 0x40000, 0, 0 }; /* no RAM there */
    if ((r = vcpu_op(VCPUOP_register_vcpu_info, 0, &reg)) != -XEN_EINVAL)
        return fail("a frame that is no RAM: %ld, want -EINVAL", r);
    reg = (struct vcpu_register_vcpu_info){ gfn, 192, 0 };
    if ((r = vcpu_op(VCPUOP_register_vcpu_info, 0, &reg)) != 0)
        return fail("register: %ld", r);
    /* Copied over, and everything marked pending. */
    if (rec->time.version == 0 || (rec->time.version & 1) || rec->time.tsc_to_system_mul == 0)
        return "the time record did not come with it";
    if (rec->evtchn_upcall_pending != 1 || rec->evtchn_pending_sel != ~0ull)
        return "the selector and upcall flag are not all up";
    if ((r = vcpu_op(VCPUOP_register_vcpu_info, 0, &reg)) != -XEN_EINVAL)
        return fail("registering twice: %ld, want -EINVAL", r);
    /* The frame stays: the core refuses to give it back. */
    if ((r = reservation(XENMEM_decrease_reservation, &gfn, 1)) != 0)
        return fail("the vcpu_info frame was ballooned out (%ld)", r);
    /* Taken by the guest, as an upcall handler would. */
    rec->evtchn_upcall_pending = 0;
    rec->evtchn_pending_sel = 0;
    /* The time record is kept here now (refreshed whenever the vCPU is
     * scheduled in), and no longer in shared info. */
    old_time = shared->vcpu_info[0].time.system_time;
    t0 = rec->time.system_time;
    runtime_sleep_ns(5 * MS);
    if (rec->time.system_time <= t0)
        return "the time record here is not updated";
    if (shared->vcpu_info[0].time.system_time != old_time)
        return "shared info's record is still updated";
    /* Events mark the new record only. */
    if ((r = evtchn_bind_ipi(0, &port)) != 0 || (r = evtchn_send(port)) != 0)
        return fail("bind_ipi or send: %ld", r);
    if (rec->evtchn_upcall_pending != 1 || !(rec->evtchn_pending_sel & (1ull << (port / 64))))
        return "an event did not reach the registered record";
    if (shared->vcpu_info[0].evtchn_upcall_pending)
        return "an event still went to shared info's record";
    printf("pvhtest: vcpu_info at frame 0x%llx + 192\n", (unsigned long long)gfn);
    return sibling_vcpu_info(gfn);
}

int main(void)
{
    if (!platform_is_xen() || runtime_nr_vcpus() < 2 || !runtime_time_available()) {
        printf("pvhtest: needs Mosaic, a clock and two vCPUs\n");
        return 1;
    }
    check("xen_version_subops", test_version());
    check("vm_assist", test_vm_assist());
    check("cpuid_backed", test_cpuid());
    check("msr_platform", test_msrs());
    check("unbacked_mmio", test_unbacked());
    check("runstate", test_runstate());
    check("sched_poll", test_poll());
    check("balloon", test_balloon());
    check("vcpu_info_register", test_vcpu_info());
    printf("pvhtest: done\n");
    return failures == 0 ? 0 : 1;
}
