/* SPDX-License-Identifier: MIT */
/*
 * The local APIC: x2APIC (MSRs) when the CPU has it, xAPIC (MMIO)
 * otherwise. Enables each CPU's APIC, sends IPIs, and runs the one-shot
 * timer, whose rate (like the TSC's) is calibrated against the PIT.
 * The legacy 8259 PICs are masked for good.
 */
#include "arch_priv.h"
#include "core/acpi.h"
#include "core/arch.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/panic.h"
#include "trap.h"
#include "x86.h"

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define APIC_ESR        0x280
#define APIC_ICR_LO     0x300
#define APIC_ICR_HI     0x310
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3e0

#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_EXTD   (1ull << 10)
#define LVT_MASKED       (1u << 16)
#define LVT_NMI          (4u << 8)
#define SVR_ENABLE       (1u << 8)
#define ICR_PENDING      (1u << 12)
#define TIMER_DIV_16     0x3

static bool use_x2apic;         /* set once by the boot CPU */
static volatile uint32_t *mmio; /* xAPIC registers, when !use_x2apic */
static uint64_t timer_khz;      /* LAPIC timer ticks per ms, divide 16 */

static uint32_t lapic_read(uint32_t reg)
{
    if (use_x2apic)
        return (uint32_t)rdmsr(0x800 + (reg >> 4));
    return mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
    if (use_x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        mmio[reg / 4] = v;
}

uint32_t lapic_timer_current(void);
uint32_t lapic_timer_current(void)
{
    return lapic_read(APIC_TIMER_CUR);
}

bool lapic_x2apic(void)
{
    return use_x2apic;
}

uint32_t lapic_id(void)
{
    uint32_t id = lapic_read(APIC_ID);

    return use_x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
    lapic_write(APIC_EOI, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    if (use_x2apic) {
        /* One 64-bit write; x2APIC ICR has no delivery-status bit. */
        wrmsr(0x800 + (APIC_ICR_LO >> 4), ((uint64_t)apic_id << 32) | icr_low);
        return;
    }
    lapic_write(APIC_ICR_HI, apic_id << 24);
    lapic_write(APIC_ICR_LO, icr_low);
    for (unsigned i = 0; i < 1000000u && (lapic_read(APIC_ICR_LO) & ICR_PENDING); i++)
        cpu_relax();
}

void lapic_send_nmi_others(void)
{
    /* Destination shorthand 11b: all excluding self. */
    uint32_t icr = ICR_NMI | (3u << 18);

    if (use_x2apic)
        wrmsr(0x800 + (APIC_ICR_LO >> 4), icr);
    else
        lapic_write(APIC_ICR_LO, icr);
}

static void timer_irq(struct trap_frame *f)
{
    (void)f;
    this_cpu()->timer_fired++;
    this_cpu()->resched = 1;
}

/* Enables this CPU's APIC in the chosen mode with every LVT masked. */
static void lapic_enable_local(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

    if (use_x2apic)
        base |= APIC_BASE_EXTD;
    wrmsr(MSR_APIC_BASE, base);
    lapic_write(APIC_TPR, 0);
    lapic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(APIC_LVT_LINT0, LVT_MASKED);
    lapic_write(APIC_LVT_LINT1, this_cpu()->index == 0 ? LVT_NMI : LVT_MASKED);
    lapic_write(APIC_LVT_ERROR, LVT_MASKED);
    lapic_write(APIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    if (!use_x2apic)
        lapic_write(APIC_ESR, 0);
}

static void pic_mask_all(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* Three 10 ms PIT windows; the middle reading of each clock wins. */
static void lapic_calibrate(void)
{
    uint64_t tsc[3], apic[3], t;
    uint32_t ticks;

    lapic_write(APIC_TIMER_INIT, 0xffffffffu);
    for (unsigned i = 0; i < 3; i++) {
        tsc[i] = pit_wait_us(10000, &ticks);
        apic[i] = ticks;
    }
    lapic_write(APIC_TIMER_INIT, 0);
    for (unsigned i = 0; i < 3; i++)
        for (unsigned j = i + 1; j < 3; j++) {
            if (tsc[j] < tsc[i])
                t = tsc[i], tsc[i] = tsc[j], tsc[j] = t;
            if (apic[j] < apic[i])
                t = apic[i], apic[i] = apic[j], apic[j] = t;
        }
    time_set_tsc_khz(tsc[1] / 10);
    timer_khz = apic[1] / 10;
    log_info("time: TSC %llu.%03llu MHz, LAPIC timer %llu kHz (divide 16), measured against the PIT",
             (unsigned long long)(tsc[1] / 10000), (unsigned long long)(tsc[1] / 10 % 1000),
             (unsigned long long)timer_khz);
}

int lapic_init_boot(const struct acpi_info *acpi)
{
    struct cpuid_regs r = cpuid(1, 0);

    if (!(r.edx & (1u << 9)))
        panic_refuse("cpu: no local APIC (CPUID 1 EDX bit 9)");
    use_x2apic = (r.ecx & (1u << 21)) != 0;
    if (!use_x2apic)
        mmio = paging_map_mmio(acpi->lapic_base, PAGE_SIZE);
    pic_mask_all();
    idt_set_handler(VEC_TIMER, timer_irq);
    lapic_enable_local();
    log_info("lapic: %s mode, boot CPU APIC id %u, version 0x%x", use_x2apic ? "x2APIC" : "xAPIC", lapic_id(),
             lapic_read(APIC_VERSION) & 0xff);
    lapic_calibrate();
    if (!timer_khz || !time_tsc_khz())
        panic_refuse("time: calibration against the PIT failed (TSC %llu kHz, LAPIC %llu kHz)",
                     (unsigned long long)time_tsc_khz(), (unsigned long long)timer_khz);
    return 0;
}

void lapic_init_ap(void)
{
    lapic_enable_local();
}

void arch_timer_oneshot(uint64_t ns)
{
    uint64_t count = ns ? ns * timer_khz / 1000000u : 0;

    if (ns && count == 0)
        count = 1;
    if (count > 0xffffffffu)
        count = 0xffffffffu;
    lapic_write(APIC_LVT_TIMER, VEC_TIMER); /* one-shot, unmasked */
    lapic_write(APIC_TIMER_INIT, (uint32_t)count);
}

int lapic_timer_selftest(uint64_t us)
{
    struct percpu *pc = this_cpu();
    uint64_t before = pc->timer_fired;
    uint64_t start = arch_time_ns(), elapsed;

    lapic_write(APIC_LVT_TIMER, VEC_TIMER); /* one-shot, unmasked */
    lapic_write(APIC_TIMER_INIT, (uint32_t)(timer_khz * us / 1000u));
    while (pc->timer_fired == before && arch_time_ns() - start < 100u * 1000000u + us * 1000u)
        cpu_idle_wait();
    irq_disable();
    elapsed = arch_time_ns() - start;
    lapic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    if (pc->timer_fired == before) {
        log_err("lapic: cpu%u timer interrupt did not arrive within %llu ms", pc->index,
                (unsigned long long)(elapsed / 1000000u));
        return -ERR_IO;
    }
    log_debug("lapic: cpu%u one-shot timer of %llu us fired after %llu us", pc->index, (unsigned long long)us,
              (unsigned long long)(elapsed / 1000u));
    return 0;
}
