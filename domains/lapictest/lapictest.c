/* SPDX-License-Identifier: MIT */
/*
 * lapictest: the local APIC a domain sees, in x2APIC mode, checked from
 * inside: APIC_BASE and CPUID, #GP on reserved and read-only registers,
 * self-IPIs, the ISR/EOI and TPR gating, a one-shot and a periodic timer
 * interrupt, its other vCPUs started natively (INIT, INIT de-assert,
 * STARTUP twice, as Linux does) in real mode through a trampoline that
 * reaches 64-bit code, and IPIs to them by id, by shorthand and by
 * logical cluster. One `TEST PASS|FAIL` line per check. The test owns its
 * IDT: a copy of the runtime's exception gates plus its own vectors.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/cpuid.h"
#include "idl/hvm.h"
#include "lapictest.h"
#include "mosaic/evtchn.h"
#include "mosaic/hypercall.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"

#define VEC_ONESHOT  0x40
#define VEC_PERIODIC 0x41
#define VEC_LOW      0x45
#define VEC_NOEOI    0x50
#define VEC_IPI      0x60
#define VEC_UPCALL   0x70 /* per-vCPU event upcall (HVMOP_set_evtchn_upcall_vector) */
#define VEC_CALLBACK 0x80 /* the domain's callback vector (HVM_PARAM_CALLBACK_IRQ): the runtime's */
#define MS           1000000ull

volatile uint32_t lapictest_oneshot_count[LAPICTEST_MAX_VCPUS];
volatile uint32_t lapictest_periodic_count[LAPICTEST_MAX_VCPUS];
volatile uint32_t lapictest_ipi_count[LAPICTEST_MAX_VCPUS];
volatile uint32_t lapictest_low_count[LAPICTEST_MAX_VCPUS];
volatile uint32_t lapictest_noeoi_count[LAPICTEST_MAX_VCPUS];
volatile uint32_t lapictest_upcall_count[LAPICTEST_MAX_VCPUS];
volatile uint32_t lapictest_gp_count;

struct gate {
    uint16_t offset_low, selector;
    uint8_t ist, type_attr;
    uint16_t offset_mid;
    uint32_t offset_high, _rsvd;
};
struct __attribute__((packed)) idtr {
    uint16_t limit;
    uint64_t base;
};

static struct gate idt[256] __attribute__((aligned(16)));
static struct idtr idt_reg = { sizeof(idt) - 1, 0 };
static uint8_t ap_stacks[LAPICTEST_MAX_VCPUS][16384] __attribute__((aligned(16)));
static volatile uint32_t ap_up[LAPICTEST_MAX_VCPUS];       /* times each reached 64-bit code */
static volatile uint32_t ap_spin[LAPICTEST_MAX_VCPUS];     /* asks it to spin instead of halting */
static volatile uint32_t ap_spinning[LAPICTEST_MAX_VCPUS]; /* it spins */
static volatile uint32_t never;
static unsigned failures;

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo = 0, hi = 0; /* what a #GP leaves */

    __asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr));
    return lo | (uint64_t)hi << 32;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static void check(const char *name, const char *why)
{
    if (why) {
        printf("TEST FAIL %s: %s\n", name, why);
        failures++;
    } else {
        printf("TEST PASS %s\n", name);
    }
}

/* Waits with interrupts on (HLT: the vCPU blocks in the core) until *p
 * reaches want or timeout_ns pass; a single-shot timer bounds each HLT. */
static bool wait_for(volatile uint32_t *p, uint32_t want, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;

    while (*p < want) {
        uint64_t now = runtime_time_ns();
        if (now >= end)
            return false;
        hypercall_set_singleshot_timer(0, now + 5 * MS < end ? now + 5 * MS : end, 0);
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    return true;
}

static void sleep_ns(uint64_t ns)
{
    wait_for(&never, 1, ns);
}

static void set_gate(unsigned vector, void (*fn)(void))
{
    uint64_t h = (uint64_t)(uintptr_t)fn;

    idt[vector] = (struct gate){ (uint16_t)h, 0x08, 0, 0x8e, (uint16_t)(h >> 16), (uint32_t)(h >> 32), 0 };
}

static void setup_idt(void)
{
    struct idtr cur;

    __asm__ volatile("sidt %0" : "=m"(cur));
    memcpy(idt, (const void *)(uintptr_t)cur.base, cur.limit + 1u < sizeof(idt) ? cur.limit + 1u : sizeof(idt));
    set_gate(13, lapictest_gp);
    set_gate(VEC_ONESHOT, lapictest_irq_oneshot);
    set_gate(VEC_PERIODIC, lapictest_irq_periodic);
    set_gate(VEC_LOW, lapictest_irq_low);
    set_gate(VEC_NOEOI, lapictest_irq_noeoi);
    set_gate(VEC_IPI, lapictest_irq_ipi);
    set_gate(VEC_UPCALL, lapictest_irq_upcall);
    idt_reg.base = (uint64_t)(uintptr_t)idt;
    __asm__ volatile("lidt %0" ::"m"(idt_reg));
}

/* #GP counted for one access: true when op raised exactly one. */
#define RAISES_GP(op)                     \
    ({                                    \
        uint32_t b_ = lapictest_gp_count; \
        op;                               \
        lapictest_gp_count == b_ + 1;     \
    })

static void test_base_and_cpuid(void)
{
    uint32_t a = 1, b, c = 0, d;
    uint64_t base = rdmsr(0x1b);

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    check("lapic_cpuid_x2apic", !(c & (1u << 21))  ? "CPUID.1:ECX.x2APIC clear"
                                : (c & (1u << 24)) ? "TSC-deadline advertised"
                                : (b >> 24) != 0   ? "initial APIC id not 0"
                                                   : NULL);
    check("lapic_base", base != 0xfee00d00 ? "APIC_BASE is not enabled, x2APIC, BSP at 0xfee00000" : NULL);
    check("lapic_base_write_same", RAISES_GP(wrmsr(0x1b, base)) ? "rewriting APIC_BASE gave #GP" : NULL);
    check("lapic_base_write_other", !RAISES_GP(wrmsr(0x1b, base & ~(1ull << 10))) ? "leaving x2APIC mode was taken"
                                    : rdmsr(0x1b) != base                         ? "APIC_BASE changed"
                                                                                  : NULL);
}

static void test_registers(void)
{
    wrmsr(0x80f, 0x1ff); /* software enable, spurious vector 0xff */
    check("lapic_id_version", rdmsr(0x802) != 0              ? "id of vCPU 0 is not 0"
                              : (rdmsr(0x803) & 0xff) < 0x10 ? "not an integrated APIC"
                              : rdmsr(0x80d) != 1            ? "LDR of id 0 is not cluster 0 bit 0"
                              : rdmsr(0x80f) != 0x1ff        ? "SVR did not keep its value"
                                                             : NULL);
    uint32_t gp = lapictest_gp_count;
    for (uint32_t m = 0x800; m <= 0x8ff; m++)
        rdmsr(m);
    /* Readable: ID, version, TPR, PPR, LDR, SVR, ESR, ICR, 6 LVTs, TMICT,
     * TMCCT, TDCR, and ISR, TMR, IRR (8 each): 41 of the 256. */
    check("lapic_read_map", lapictest_gp_count - gp != 256 - 41 ? "a read of the wrong registers gave #GP" : NULL);
    check("lapic_gp_read_only", !RAISES_GP(wrmsr(0x802, 3))   ? "ID written"
                                : !RAISES_GP(wrmsr(0x80a, 0)) ? "PPR written"
                                : !RAISES_GP(wrmsr(0x820, 0)) ? "IRR written"
                                                              : NULL);
    check("lapic_gp_reserved", !RAISES_GP(rdmsr(0x809))      ? "ARBPRI read"
                               : !RAISES_GP(rdmsr(0x831))    ? "ICR2 read"
                               : !RAISES_GP(rdmsr(0x80b))    ? "EOI read"
                               : !RAISES_GP(wrmsr(0x80b, 1)) ? "nonzero EOI written"
                               : !RAISES_GP(wrmsr(0x828, 1)) ? "nonzero ESR written"
                               : !RAISES_GP(wrmsr(0x83a, 0)) ? "0x83a written"
                                                             : NULL);
}

static void test_self_ipi(void)
{
    uint32_t before = lapictest_ipi_count[0];
    bool held, pending;

    wrmsr(0x83f, VEC_IPI); /* interrupts are off: it waits in IRR */
    held = lapictest_ipi_count[0] == before;
    pending = rdmsr(0x823) & 1;
    __asm__ volatile("sti; nop; cli" ::: "memory");
    check("lapic_self_ipi", !held                                  ? "taken with interrupts off"
                            : !pending                             ? "not in IRR"
                            : lapictest_ipi_count[0] != before + 1 ? "not taken once interrupts were on"
                            : rdmsr(0x813) || rdmsr(0x823)         ? "ISR or IRR not clear after the EOI"
                                                                   : NULL);
    wrmsr(0x830, (1u << 18) | VEC_IPI); /* the ICR's self shorthand */
    __asm__ volatile("sti; nop; cli" ::: "memory");
    check("lapic_icr_self", lapictest_ipi_count[0] != before + 2 ? "not taken" : NULL);
}

/* Priorities: a vector in service holds back its class and lower ones
 * until its EOI, then they come highest first. */
static void test_isr_eoi(void)
{
    const char *why = NULL;

    wrmsr(0x83f, VEC_NOEOI);
    __asm__ volatile("sti; nop; cli" ::: "memory");
    if (lapictest_noeoi_count[0] != 1 || !(rdmsr(0x812) & (1u << 16)))
        why = "the first one is not in service";
    wrmsr(0x83f, VEC_NOEOI);
    wrmsr(0x83f, VEC_LOW);
    __asm__ volatile("sti; nop; nop; cli" ::: "memory");
    if (!why && (lapictest_noeoi_count[0] != 1 || lapictest_low_count[0] != 0))
        why = "taken while a vector of the same or a higher class was in service";
    if (!why && rdmsr(0x80a) != 0x50)
        why = "PPR is not the class in service";
    wrmsr(0x80b, 0);
    __asm__ volatile("sti; nop; nop; cli" ::: "memory");
    if (!why && (lapictest_noeoi_count[0] != 2 || lapictest_low_count[0] != 0))
        why = "after the EOI the higher one did not come first";
    wrmsr(0x80b, 0);
    __asm__ volatile("sti; nop; nop; cli" ::: "memory");
    if (!why && lapictest_low_count[0] != 1)
        why = "the lower one did not come after the second EOI";
    if (!why && (rdmsr(0x812) || rdmsr(0x814) || rdmsr(0x822) || rdmsr(0x824) || rdmsr(0x80a)))
        why = "ISR, IRR or PPR not clear at the end";
    check("lapic_isr_eoi_order", why);

    wrmsr(0x808, 0x60);
    wrmsr(0x83f, VEC_LOW);
    __asm__ volatile("sti; nop; cli" ::: "memory");
    why = lapictest_low_count[0] != 1 ? "taken above the task priority"
          : rdmsr(0x80a) != 0x60      ? "PPR is not TPR"
                                      : NULL;
    wrmsr(0x808, 0x40);
    __asm__ volatile("sti; nop; cli" ::: "memory");
    if (!why && lapictest_low_count[0] != 1)
        why = "taken at an equal priority class";
    wrmsr(0x808, 0);
    __asm__ volatile("sti; nop; cli" ::: "memory");
    if (!why && lapictest_low_count[0] != 2)
        why = "not taken once the TPR went down";
    check("lapic_tpr", why);
}

static void test_timers(void)
{
    char why[120] = "";
    uint64_t t0, t1;
    uint32_t left;

    wrmsr(0x83e, 0xb); /* divide by 1: 100 MHz, 10 ns a tick */
    wrmsr(0x832, VEC_ONESHOT);
    t0 = runtime_time_ns();
    wrmsr(0x838, 200000); /* 2 ms */
    left = (uint32_t)rdmsr(0x839);
    t1 = runtime_time_ns(); /* a loaded host may stop the vCPU between the two */
    if (!wait_for(&lapictest_oneshot_count[0], 1, 2000 * MS))
        snprintf(why, sizeof(why), "no interrupt in 2 s");
    if (!why[0] && (left > 200000 || (left == 0 && t1 - t0 < 2 * MS - 100000)))
        snprintf(why, sizeof(why), "current count %u %llu us after the start", left,
                 (unsigned long long)(t1 - t0) / 1000);
    t1 = runtime_time_ns();
    if (!why[0] && t1 - t0 < 2 * MS - 100000)
        snprintf(why, sizeof(why), "early: after %llu us", (unsigned long long)(t1 - t0) / 1000);
    if (!why[0] && rdmsr(0x839) != 0)
        snprintf(why, sizeof(why), "current count not 0 after expiry");
    sleep_ns(10 * MS);
    if (!why[0] && lapictest_oneshot_count[0] != 1)
        snprintf(why, sizeof(why), "a one-shot timer fired %u times", lapictest_oneshot_count[0]);
    printf("lapictest: one-shot timer of 2 ms: interrupt after %llu us\n", (unsigned long long)(t1 - t0) / 1000);
    check("lapic_timer_oneshot", why[0] ? why : NULL);

    why[0] = 0;
    wrmsr(0x83e, 0x0); /* divide by 2 */
    wrmsr(0x832, (1u << 17) | VEC_PERIODIC);
    t0 = runtime_time_ns();
    wrmsr(0x838, 100000); /* 2 ms */
    if (!wait_for(&lapictest_periodic_count[0], 5, 3000 * MS))
        snprintf(why, sizeof(why), "%u interrupts in 3 s", lapictest_periodic_count[0]);
    t1 = runtime_time_ns();
    if (!why[0] && t1 - t0 < 10 * MS - 100000)
        snprintf(why, sizeof(why), "5 periods of 2 ms took %llu us", (unsigned long long)(t1 - t0) / 1000);
    printf("lapictest: periodic timer of 2 ms: 5 interrupts after %llu us\n", (unsigned long long)(t1 - t0) / 1000);
    wrmsr(0x832, (1u << 17) | (1u << 16) | VEC_PERIODIC); /* masked: counts on, raises nothing */
    sleep_ns(2 * MS);
    left = lapictest_periodic_count[0];
    sleep_ns(10 * MS);
    if (!why[0] && lapictest_periodic_count[0] != left)
        snprintf(why, sizeof(why), "a masked timer fired");
    wrmsr(0x838, 0);
    check("lapic_timer_periodic", why[0] ? why : NULL);
}

/* INIT, INIT de-assert, STARTUP twice (Linux's wakeup_secondary_cpu_via_init). */
static void init_sipi(unsigned id)
{
    uint64_t dest = (uint64_t)id << 32;

    wrmsr(0x830, dest | 0xc500);
    wrmsr(0x830, dest | 0x8500);
    for (int i = 0; i < 2; i++) {
        wrmsr(0x828, 0);
        wrmsr(0x830, dest | 0x600 | (LAPICTEST_TRAMP_BASE >> 12));
    }
}

/* The address of sym (a label of entry.S's trampoline) in its copy at
 * LAPICTEST_TRAMP_BASE, made from an integer the compiler cannot see
 * through (no object lives at that address as far as C knows). */
static uintptr_t tramp(const char *sym)
{
    static volatile uintptr_t base = LAPICTEST_TRAMP_BASE;

    return base + (uintptr_t)(sym - lapictest_tramp);
}

static volatile uint32_t *tramp_entered(void)
{
    return (volatile uint32_t *)tramp(lapictest_tramp_entered);
}

static void set_ap_stack(unsigned i)
{
    *(volatile uint64_t *)tramp(lapictest_tramp_stack) = (uint64_t)(uintptr_t)&ap_stacks[i][sizeof(ap_stacks[i])];
}

static void test_startup(unsigned n)
{
    uint64_t cr3;
    char name[40], why[80];

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    memcpy((void *)tramp(lapictest_tramp), lapictest_tramp, (size_t)(lapictest_tramp_end - lapictest_tramp));
    *(volatile uint64_t *)tramp(lapictest_tramp_cr3) = cr3;
    *(volatile uint64_t *)tramp(lapictest_tramp_entry) = (uint64_t)(uintptr_t)lapictest_ap_main;
    for (unsigned i = 1; i < n; i++) {
        set_ap_stack(i);
        init_sipi(i);
        wrmsr(0x828, 0);
        snprintf(name, sizeof(name), "lapic_startup_vcpu%u", i);
        why[0] = 0;
        if (rdmsr(0x828) & 0xef)
            snprintf(why, sizeof(why), "ESR 0x%llx after STARTUP", (unsigned long long)rdmsr(0x828));
        else if (!wait_for(&ap_up[i], 1, 5000 * MS))
            snprintf(why, sizeof(why), "did not reach 64-bit code in 5 s");
        else if (*tramp_entered() != i)
            snprintf(why, sizeof(why), "the trampoline ran %u times for %u vCPUs", *tramp_entered(), i);
        check(name, why[0] ? why : NULL);
    }
}

/* Sends the IPI icr and says which vCPUs took it (bit per id): waits up
 * to 2 s for each one in expect, then 20 ms more with interrupts on, so
 * vCPU 0 takes one sent to itself and a stray one has time to land. */
static uint32_t ipi_takers(uint64_t icr, unsigned n, uint32_t expect)
{
    uint32_t before[LAPICTEST_MAX_VCPUS], took = 0;

    for (unsigned i = 0; i < n; i++)
        before[i] = lapictest_ipi_count[i];
    wrmsr(0x830, icr);
    for (unsigned i = 1; i < n; i++)
        if (expect & (1u << i))
            wait_for(&lapictest_ipi_count[i], before[i] + 1, 2000 * MS);
    sleep_ns(20 * MS);
    for (unsigned i = 0; i < n; i++)
        took |= lapictest_ipi_count[i] != before[i] ? 1u << i : 0;
    return took;
}

static void test_ipis(unsigned n)
{
    const uint32_t all = (1u << n) - 1, others = all & ~1u;
    char name[40], why[80];

    for (unsigned i = 1; i < n; i++) {
        uint32_t took = ipi_takers(((uint64_t)i << 32) | VEC_IPI, n, 1u << i);
        snprintf(name, sizeof(name), "lapic_ipi_vcpu%u", i);
        snprintf(why, sizeof(why), "taken by vCPUs 0x%x", took);
        check(name, took == 1u << i ? NULL : why);
    }
    static const struct {
        const char *name;
        uint64_t icr; /* but the vector */
        bool self;    /* vCPU 0 takes it too */
    } cases[] = {
        { "lapic_ipi_all_but_self", 3u << 18, false },
        { "lapic_ipi_all", 2u << 18, true },
        { "lapic_ipi_broadcast", 0xffffffffull << 32, true },
        { "lapic_ipi_logical", 1u << 11, false }, /* cluster 0, a bit per id but 0 (below) */
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint64_t icr = cases[c].icr | VEC_IPI | ((cases[c].icr & (1u << 11)) ? (uint64_t)others << 32 : 0);
        uint32_t want = cases[c].self ? all : others, took = ipi_takers(icr, n, want);
        snprintf(why, sizeof(why), "taken by vCPUs 0x%x, not 0x%x", took, want);
        check(cases[c].name, took == want ? NULL : why);
    }
    wrmsr(0x828, 0);
    uint32_t took = ipi_takers((200ull << 32) | VEC_IPI, n, 0); /* an id no vCPU has */
    wrmsr(0x828, 0);
    check("lapic_ipi_nobody", took ? "delivered somewhere" : rdmsr(0x828) ? "an error in ESR" : NULL);

    if (n < 4)
        return;
    /* STARTUP without INIT: vCPU 1 (halted) waits for none, keeps going. */
    uint32_t entered = *tramp_entered();
    wrmsr(0x830, (1ull << 32) | 0x600 | (LAPICTEST_TRAMP_BASE >> 12));
    sleep_ns(20 * MS);
    check("lapic_startup_alone_ignored", *tramp_entered() != entered                     ? "the trampoline ran"
                                         : ipi_takers((1ull << 32) | VEC_IPI, n, 2) != 2 ? "vCPU 1 stopped answering"
                                                                                         : NULL);
    /* INIT and STARTUP to vCPU 2 while it executes (spins): ignored. */
    ap_spin[2] = 1;
    wrmsr(0x830, (2ull << 32) | VEC_IPI);
    if (!wait_for(&ap_spinning[2], 1, 2000 * MS)) {
        check("lapic_init_running_ignored", "vCPU 2 did not start spinning");
    } else {
        init_sipi(2);
        sleep_ns(20 * MS);
        check("lapic_init_running_ignored", *tramp_entered() != entered ? "the trampoline ran"
                                            : !ap_spinning[2]           ? "vCPU 2 stopped spinning"
                                                                        : NULL);
    }
    ap_spin[2] = 0;
    /* INIT and STARTUP to vCPU 3 while it is halted: it starts again. */
    set_ap_stack(3);
    /* Halted: unless the last IPI's wake has not run yet (a loaded host),
     * then INIT finds it executing and is ignored; so a few tries. */
    for (int i = 0; i < 10 && ap_up[3] < 2; i++) {
        init_sipi(3);
        wait_for(&ap_up[3], 2, 200 * MS);
    }
    check("lapic_init_restarts_halted", !wait_for(&ap_up[3], 2, 5000 * MS) ? "vCPU 3 did not start again"
                                        : *tramp_entered() != entered + 1  ? "the trampoline did not run once"
                                        : ipi_takers((3ull << 32) | VEC_IPI, n, 8) != 8 ? "vCPU 3 does not answer"
                                                                                        : NULL);
}

static long set_upcall_vector(uint32_t vcpu, uint8_t vector)
{
    struct xen_hvm_evtchn_upcall_vector uv = { .vcpu = vcpu, .vector = vector };

    return hypercall3(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, (unsigned long)(uintptr_t)&uv, 0);
}

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port;
    ++*(volatile unsigned *)arg;
}

/* Events for vCPU 0: first through the domain's callback vector (outside
 * the APIC: no IRR, ISR or EOI), then, once it has a per-vCPU upcall
 * vector, through its APIC (IRR, ISR, EOI) and no longer the callback. */
static const char *upcall_vcpu0(evtchn_port_t port)
{
    static volatile unsigned events;
    uint64_t cb = evtchn_upcall_count();
    uint32_t b = lapictest_upcall_count[0];

    evtchn_set_handler(port, on_event, (void *)&events); /* the dispatch clears its pending bit */
    evtchn_send(port);
    __asm__ volatile("sti; nop; cli" ::: "memory");
    /* Level-like, as on Xen: an exit inside the handler before it lowers
     * the flag raises it once more (the second finds nothing). */
    if (evtchn_upcall_count() == cb || events != 1)
        return "the callback vector did not come";
    cb = evtchn_upcall_count();
    if (rdmsr(0x80a) || rdmsr(0x817) || rdmsr(0x814))
        return "the callback vector went through the APIC";
    if (set_upcall_vector(0, VEC_UPCALL) != 0)
        return "HVMOP_set_evtchn_upcall_vector failed";
    for (uint32_t i = 1; i <= 2; i++) {
        evtchn_send(port);
        if (!(rdmsr(0x823) & (1u << 16)))
            return "the upcall vector is not in IRR";
        __asm__ volatile("sti; nop; cli" ::: "memory");
        if (lapictest_upcall_count[0] != b + i || evtchn_upcall_count() != cb)
            return "the event did not come at the upcall vector (alone)";
        if (rdmsr(0x813) || rdmsr(0x823))
            return "ISR or IRR not clear after the EOI";
        evtchn_dispatch(); /* lowers the upcall flag: the next event is a new edge */
        if (events != 1 + i)
            return "the event was not pending";
    }
    return NULL;
}

static void test_upcall_vector(unsigned n)
{
    uint32_t a = XEN_CPUID_FIRST_LEAF + 4, b, c = 0, d;
    evtchn_port_t port;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    check("lapic_upcall_cpuid", !(a & XEN_HVM_CPUID_UPCALL_VECTOR) ? "XEN_HVM_CPUID_UPCALL_VECTOR clear" : NULL);
    check("lapic_upcall_refused", set_upcall_vector(0, 0x0f) != -XEN_EINVAL   ? "vector 0x0f taken"
                                  : set_upcall_vector(n, 0x70) != -XEN_ENOENT ? "a vCPU past the last taken"
                                                                              : NULL);
    check("lapic_upcall_vcpu0", evtchn_bind_ipi(0, &port) ? "bind_ipi failed" : upcall_vcpu0(port));
    if (n > 1) {
        const char *why = set_upcall_vector(1, VEC_UPCALL) ? "HVMOP_set_evtchn_upcall_vector failed"
                          : evtchn_bind_ipi(1, &port)      ? "bind_ipi failed"
                          : evtchn_send(port)              ? "send failed"
                          : !wait_for(&lapictest_upcall_count[1], 1, 2000 * MS) ? "vCPU 1 did not take it"
                                                                                : NULL;
        check("lapic_upcall_vcpu1", why);
    }
}

_Noreturn void lapictest_ap_main(void)
{
    uint32_t id = (uint32_t)rdmsr(0x802);
    char msg[] = "lapictest: vcpu ? in 64-bit mode after STARTUP\n";

    __asm__ volatile("lidt %0" ::"m"(idt_reg));
    wrmsr(0x80f, 0x1ff);
    msg[16] = (char)('0' + id % 10);
    hypercall_console_write(msg, sizeof(msg) - 1);
    id %= LAPICTEST_MAX_VCPUS;
    __atomic_fetch_add(&ap_up[id], 1, __ATOMIC_SEQ_CST);
    for (;;) {
        __asm__ volatile("sti; hlt" ::: "memory"); /* an IPI ends it */
        while (ap_spin[id]) {
            ap_spinning[id] = 1;
            __asm__ volatile("pause" ::: "memory");
        }
        ap_spinning[id] = 0;
    }
}

int main(void)
{
    unsigned n = runtime_nr_vcpus();

    if (n > LAPICTEST_MAX_VCPUS)
        n = LAPICTEST_MAX_VCPUS;
    printf("lapictest: %u vcpus\n", n);
    if (evtchn_upcall_enable(VEC_CALLBACK) != 0) /* before the IDT is copied: the runtime's gate */
        check("lapic_callback_vector", "HVM_PARAM_CALLBACK_IRQ refused");
    setup_idt();
    test_base_and_cpuid();
    test_registers();
    test_self_ipi();
    test_isr_eoi();
    test_timers();
    test_startup(n);
    test_ipis(n);
    test_upcall_vector(n);
    printf("lapictest: done, %u failed\n", failures);
    return failures != 0;
}
