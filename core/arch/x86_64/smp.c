/* SPDX-License-Identifier: MIT */
/*
 * Bringing up the application processors listed in the MADT, one at a
 * time (INIT, STARTUP, wait for the AP to report online), and the
 * cross-CPU call. A CPU that does not come up in time is parked with INIT
 * and left out; the core carries on with the others.
 */
#include "arch_priv.h"
#include "core/acpi.h"
#include "core/arch.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/sched.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "trap.h"
#include "x86.h"

#define AP_START_TIMEOUT_US 5000000u /* generous: emulated CPUs on a loaded host start late */
#define AP_SIPI_RETRY_US    250000u  /* a STARTUP IPI again after this long without the CPU */
#define AP_SIPI_RETRIES     3u       /* then only waiting: see start_one */
#define CALL_TIMEOUT_US     1000000u

struct trampoline_params {
    uint64_t cr3;
    uint64_t entry;
    uint64_t stack;
    uint64_t percpu;
};

extern const char trampoline_start[], trampoline_end[], trampoline_params[];
extern void trampoline_ap_entry(void);

uint64_t smp_kernel_cr3;    /* read by trampoline_ap_entry */
static unsigned ncpus = 1;  /* CPUs with a percpu slot: boot CPU + started APs */
static unsigned online = 1; /* atomic: CPUs in CPU_ONLINE */
static int hang_index = -1; /* test.ap_hang: this AP never reports */

uint64_t arch_online_cpu_mask(void)
{
    uint64_t mask = 1; /* the boot CPU */

    for (unsigned i = 1; i < ncpus; i++)
        if (__atomic_load_n(&percpu_area[i].state, __ATOMIC_ACQUIRE) == CPU_ONLINE)
            mask |= 1ull << i;
    return mask;
}

void arch_kick_cpu(unsigned cpu)
{
    if (cpu < ncpus && percpu_area[cpu].state == CPU_ONLINE)
        lapic_send_ipi(percpu_area[cpu].apic_id, ICR_FIXED | VEC_KICK);
}

unsigned smp_online_count(void)
{
    return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

static bool wait_state(struct percpu *pc, uint32_t state, uint64_t us)
{
    uint64_t end = arch_time_ns() + us * 1000u;

    while (__atomic_load_n(&pc->state, __ATOMIC_ACQUIRE) != state) {
        if (arch_time_ns() > end)
            return false;
        cpu_relax();
    }
    return true;
}

static void start_one(struct percpu *pc, struct trampoline_params *tp)
{
    vaddr_t ist[3];

    tp->stack = paging_map_stack(pc->index, ist);
    pc->stack_top = tp->stack;
    pc->stack_base = tp->stack - CORE_STACK_SIZE;
    for (unsigned i = 0; i < 3; i++)
        pc->tss.ist[i] = ist[i]; /* gdt_init_cpu copies these back */
    tp->percpu = (uint64_t)pc;
    __atomic_store_n(&pc->state, CPU_STARTING, __ATOMIC_RELEASE);

    lapic_send_ipi(pc->apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
    time_delay_us(10000);
    for (unsigned i = 0; i < 2 && pc->state == CPU_STARTING; i++) {
        lapic_send_ipi(pc->apic_id, ICR_STARTUP | (TRAMPOLINE_PADDR >> 12));
        time_delay_us(200);
    }
    /* STARTUP again while the CPU does not report in: QEMU running all
     * CPUs on one host thread has been seen to drop the first INIT/SIPI
     * sequence (about one boot in ten on a loaded host). A CPU already
     * running ignores a STARTUP IPI; only one still waiting for it starts.
     * Only early on: a STARTUP still pending when the CPU is parked with
     * INIT below would start it again (QEMU keeps a pending STARTUP across
     * INIT), into the trampoline the next CPU is about to use. */
    for (unsigned i = 0; i < AP_SIPI_RETRIES; i++) {
        if (wait_state(pc, CPU_ONLINE, AP_SIPI_RETRY_US))
            return;
        if (i == 0)
            log_warn("smp: cpu%u (APIC id %u) not up after %u ms; STARTUP again, %u times", pc->index, pc->apic_id,
                     AP_SIPI_RETRY_US / 1000u, AP_SIPI_RETRIES);
        lapic_send_ipi(pc->apic_id, ICR_STARTUP | (TRAMPOLINE_PADDR >> 12));
    }
    if (wait_state(pc, CPU_ONLINE, AP_START_TIMEOUT_US - AP_SIPI_RETRIES * AP_SIPI_RETRY_US))
        return;
    /* Put it back into wait-for-SIPI so it cannot run stale code later
     * (the last STARTUP went out over 4 s ago). */
    lapic_send_ipi(pc->apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
    __atomic_store_n(&pc->state, CPU_FAILED, __ATOMIC_RELEASE);
    log_err("smp: cpu%u (APIC id %u) did not come up within %u ms; parked with INIT, continuing without it", pc->index,
            pc->apic_id, AP_START_TIMEOUT_US / 1000u);
}

void smp_boot_aps(const struct acpi_info *acpi, unsigned max_cpus, int hang_cpu)
{
    size_t size = (size_t)(trampoline_end - trampoline_start);
    struct trampoline_params *tp;
    paddr_t troot;
    uint32_t self = lapic_id();

    hang_index = hang_cpu;
    memcpy(phys_to_virt(TRAMPOLINE_PADDR), trampoline_start, size);
    tp = phys_to_virt(TRAMPOLINE_PADDR + (paddr_t)(trampoline_params - trampoline_start));
    troot = paging_trampoline_root(TRAMPOLINE_PADDR);
    smp_kernel_cr3 = paging_root();
    tp->cr3 = troot;
    tp->entry = (uint64_t)trampoline_ap_entry;

    for (unsigned i = 0; i < acpi->ncpus && ncpus < max_cpus; i++) {
        struct percpu *pc;
        if (acpi->cpus[i].apic_id == self)
            continue;
        pc = &percpu_area[ncpus];
        pc->index = ncpus++;
        pc->apic_id = acpi->cpus[i].apic_id;
        start_one(pc, tp);
    }
    paging_drop_trampoline_root(troot);
    memset(phys_to_virt(TRAMPOLINE_PADDR), 0, size);
}

void smp_ap_main(struct percpu *pc)
{
    vaddr_t ist[3] = { pc->tss.ist[0], pc->tss.ist[1], pc->tss.ist[2] };

    percpu_install(pc);
    write_cr4(read_cr4() | CR4_PGE);
    gdt_init_cpu(pc, ist);
    idt_load();
    if ((int)pc->index == hang_index) {
        /* test.ap_hang: behave like a CPU that never reports in. */
        arch_halt_forever();
    }
    lapic_init_ap();
    vcpu_cpu_init();
    if (lapic_timer_selftest(1000) != 0)
        log_warn("smp: cpu%u has no working timer interrupt", pc->index);
    __atomic_fetch_add(&online, 1, __ATOMIC_ACQ_REL);
    __atomic_store_n(&pc->state, CPU_ONLINE, __ATOMIC_RELEASE);
    log_debug("smp: cpu%u (APIC id %u) online", pc->index, pc->apic_id);
    sched_start(false, 0);
}

void arch_idle_loop(void)
{
    for (;;)
        cpu_idle_wait();
}

/* Runs this CPU's pending call, if any. Interrupt context or polling. */
static void call_run_pending(struct percpu *pc)
{
    void (*fn)(void *) = __atomic_load_n(&pc->call.fn, __ATOMIC_ACQUIRE);

    if (!fn)
        return;
    fn(pc->call.arg);
    __atomic_store_n(&pc->call.fn, NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&pc->call.done, 1, __ATOMIC_RELEASE);
}

void smp_call_handler(struct trap_frame *f)
{
    (void)f;
    call_run_pending(this_cpu());
}

int smp_call(unsigned cpu, void (*fn)(void *), void *arg)
{
    struct percpu *pc, *self = this_cpu();
    uint64_t end;

    if (cpu >= ncpus || percpu_area[cpu].state != CPU_ONLINE)
        return -ERR_NODEV;
    pc = &percpu_area[cpu];
    if (pc == self) {
        fn(arg);
        return 0;
    }
    while (__atomic_exchange_n(&pc->call_lock, 1, __ATOMIC_ACQUIRE))
        call_run_pending(self); /* never deadlock against a caller of ours */
    pc->call.arg = arg;
    pc->call.done = 0;
    __atomic_store_n(&pc->call.fn, fn, __ATOMIC_RELEASE);
    lapic_send_ipi(pc->apic_id, ICR_FIXED | VEC_CALL);
    end = arch_time_ns() + CALL_TIMEOUT_US * 1000ull;
    while (!__atomic_load_n(&pc->call.done, __ATOMIC_ACQUIRE)) {
        call_run_pending(self);
        if (arch_time_ns() > end) {
            /* Too late to take the call back safely: the mailbox stays
             * claimed, so a late run cannot race with a new call. */
            log_err("smp: cpu%u did not answer a cross-CPU call within %u ms", cpu, CALL_TIMEOUT_US / 1000u);
            return -ERR_BUSY;
        }
        cpu_relax();
    }
    __atomic_store_n(&pc->call_lock, 0, __ATOMIC_RELEASE);
    return 0;
}
