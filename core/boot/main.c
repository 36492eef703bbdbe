/* SPDX-License-Identifier: MIT */
/*
 * core_main: the boot sequence of the boot CPU, in order: console, traps,
 * boot information, memory, page tables, CPU features, ACPI, interrupt
 * controller and time, IOMMU, the other CPUs. Every input from the loader
 * is validated before use; bad input ends in one line and a clean stop.
 * Which domains run is not decided here: that is the builder's job.
 */
#include "../arch/x86_64/arch_priv.h"
#include "../arch/x86_64/x86.h"
#include "core/acpi.h"
#include "core/arch.h"
#include "core/boot_modules.h"
#include "core/cmdline.h"
#include "core/elf.h"
#include "core/errno.h"
#include "core/iommu.h"
#include "core/mb2.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/svm.h"
#include "core/version.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "mbi_inject.h"
#include "root_domain.h"
#include "test_fault.h"

#define MB2_LOADER_MAGIC 0x36d76289u
#define MBI_MAX_SIZE     (1u << 20) /* a larger info block is not plausible */
#define LOW_MEMORY_END   0x100000   /* firmware, BIOS data, the AP trampoline */

void core_main(uint32_t magic, uint32_t info_pa);

extern const char core_image_start_phys[], core_image_end_phys[];
extern char boot_stack_top[];

static const char *const known_options[] = {
    "loglevel",       "maxcpus",      "root.mem", "test.exit",         "test.fault",
    "test.fault_cpu", "test.ap_hang", "test.mbi", "test.sched_report",
};

static struct mb2_info mbi;       /* boot CPU only, during boot */
static struct memmap ram, usable; /* boot CPU only, during boot */
static struct acpi_info acpi;     /* written once at boot */
static struct svm_caps svm;       /* written once at boot */
static paddr_t direct_map_top;    /* written once at boot */
static uint8_t mbi_copy[16384];   /* test.mbi: the damaged copy */
static uint8_t bsp_ist[3][CORE_IST_SIZE] __attribute__((aligned(4096)));

static void bsp_early_init(void)
{
    struct percpu *pc = &percpu_area[0];
    vaddr_t ist[3];

    time_mark_start();
    pc->index = 0;
    pc->state = CPU_ONLINE;
    pc->stack_top = (vaddr_t)boot_stack_top;
    pc->stack_base = pc->stack_top - CORE_STACK_SIZE;
    percpu_install(pc);
    serial_init();
    for (unsigned i = 0; i < 3; i++)
        ist[i] = (vaddr_t)bsp_ist[i] + CORE_IST_SIZE;
    gdt_init_cpu(pc, ist);
    idt_init();
    idt_load();
}

/* Copies a boot option's value into buf as a string ("" when absent). */
static const char *option_str(const char *key, char *buf, size_t n)
{
    const char *v;
    size_t len;

    buf[0] = '\0';
    if (cmdline_find(mbi.cmdline, key, &v, &len)) {
        len = MIN(len, n - 1);
        memcpy(buf, v, len);
        buf[len] = '\0';
    }
    return buf;
}

static void parse_boot_info(uint32_t info_pa)
{
    const void *info = phys_to_virt(info_pa);
    uint64_t level;
    char kind[32];

    if (mb2_parse(info, MIN(MBI_MAX_SIZE, GIB(4) - info_pa), &mbi) != 0)
        panic_refuse("boot: the Multiboot2 information from the loader is malformed");
    if (cmdline_uint(mbi.cmdline, "loglevel", &level) == 0)
        log_set_level(level > LOG_DEBUG ? LOG_DEBUG : (enum log_level)level);
    log_info("boot: loader '%s', command line '%s'", mbi.loader_name, mbi.cmdline);
    cmdline_warn_unknown(mbi.cmdline, known_options, ARRAY_SIZE(known_options));

    if (!*option_str("test.mbi", kind, sizeof(kind)))
        return;
    log_warn("boot: test.mbi=%s: parsing a deliberately damaged copy of the boot information", kind);
    if (mbi_inject(info, mbi_copy, sizeof(mbi_copy), kind) != 0)
        panic_refuse("boot: test.mbi=%s: no such damage can be applied here", kind);
    if (mb2_parse(mbi_copy, sizeof(mbi_copy), &mbi) != 0)
        panic_refuse("boot: the Multiboot2 information from the loader is malformed");
}

static void check_root_image(void)
{
    const struct mb2_module *m = &mbi.modules[0];
    struct elf_image img;

    if (!mbi.module_count) {
        log_warn("boot: no modules: there is no root domain image to start");
        return;
    }
    if (elf_parse(phys_to_virt(m->start), (size_t)(m->end - m->start), &img) != 0 || elf_require_pvh(&img) != 0)
        panic_refuse("boot: module 0 '%s' is not a valid root domain image (a PVH ELF)", m->cmdline);
    log_info("boot: root domain image '%s': %llu KiB, %u segments, PVH entry 0x%x", m->cmdline,
             (unsigned long long)((m->end - m->start) >> 10), img.nsegments, img.pvh_entry);
}

/* Sanitises the memory map, validates the modules, builds the allocator. */
static paddr_t setup_memory(uint32_t info_pa)
{
    struct boot_region reserved[] = {
        { (paddr_t)core_image_start_phys, (paddr_t)core_image_end_phys, "core image" },
        { info_pa, info_pa + ALIGN_UP(*(const uint32_t *)phys_to_virt(info_pa), 8), "boot information" },
        { 0, LOW_MEMORY_END, "low memory" },
    };
    paddr_t top;

    if (memmap_build(mbi.mmap, mbi.mmap_count, &ram) != 0)
        panic_refuse("boot: the firmware memory map is unusable");
    if (boot_modules_check(&mbi, &ram, reserved, ARRAY_SIZE(reserved)) != 0)
        panic_refuse("boot: a boot module is malformed or misplaced");
    log_info("mm: %llu MiB of usable RAM in %u ranges, top 0x%llx", (unsigned long long)(memmap_bytes(&ram) >> 20),
             ram.count, (unsigned long long)memmap_top(&ram));
    usable = ram;
    for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++)
        if (memmap_remove(&usable, reserved[i].start, reserved[i].end) != 0)
            panic_refuse("mm: memory map too fragmented");
    for (unsigned i = 0; i < mbi.module_count; i++)
        if (memmap_remove(&usable, mbi.modules[i].start, mbi.modules[i].end) != 0)
            panic_refuse("mm: memory map too fragmented");
    top = memmap_top(&ram);
    if (top > DIRECT_MAP_SIZE) {
        log_warn("mm: RAM above %llu GiB is not used", (unsigned long long)(DIRECT_MAP_SIZE >> 30));
        if (memmap_remove(&usable, DIRECT_MAP_SIZE, top) != 0)
            panic_refuse("mm: memory map too fragmented");
        top = DIRECT_MAP_SIZE;
    }
    frame_init(&usable, top);
    return top;
}

static void report_cpu(void)
{
    struct cpuid_regs v = cpuid(0, 0), b[3];
    char vendor[13], brand[49];

    memcpy(vendor, &v.ebx, 4);
    memcpy(vendor + 4, &v.edx, 4);
    memcpy(vendor + 8, &v.ecx, 4);
    vendor[12] = '\0';
    brand[0] = '\0';
    if (cpuid(0x80000000, 0).eax >= 0x80000004) {
        for (unsigned i = 0; i < 3; i++)
            b[i] = cpuid(0x80000002 + i, 0);
        memcpy(brand, b, 48);
        brand[48] = '\0';
    }
    log_info("cpu: %s '%s'", vendor, brand);
}

static const void *acpi_map(paddr_t pa, size_t len, void *ctx)
{
    paddr_t top = *(const paddr_t *)ctx;

    if (pa >= top || len > top - pa)
        return NULL;
    return phys_to_virt(pa);
}

static void cross_call_probe(void *arg)
{
    uint32_t *seen = arg;

    __atomic_fetch_or(seen, 1u << arch_cpu_index(), __ATOMIC_RELAXED);
}

static void bring_up_cpus(void)
{
    uint64_t maxcpus = MAX_CPUS, hang = ~0ull;
    uint32_t seen = 0;
    unsigned n, want;

    if (cmdline_uint(mbi.cmdline, "maxcpus", &maxcpus) == 0 && maxcpus == 0)
        maxcpus = 1;
    cmdline_uint(mbi.cmdline, "test.ap_hang", &hang);
    idt_set_handler(VEC_CALL, smp_call_handler);
    if (!memmap_contains(&ram, TRAMPOLINE_PADDR, TRAMPOLINE_PADDR + PAGE_SIZE)) {
        log_warn("smp: the start-up page 0x%x is not usable RAM; running on the boot CPU only", TRAMPOLINE_PADDR);
        maxcpus = 1;
    }
    want = (unsigned)MIN(acpi.ncpus, maxcpus);
    smp_boot_aps(&acpi, (unsigned)MIN(maxcpus, MAX_CPUS), hang < MAX_CPUS ? (int)hang : -1);
    n = smp_online_count();
    if (n == want)
        log_info("core: all %u CPUs online", n);
    else
        log_warn("core: %u of %u CPUs online", n, want);
    for (unsigned i = 1; i < MAX_CPUS; i++)
        if (percpu_area[i].state == CPU_ONLINE && smp_call(i, cross_call_probe, &seen) != 0)
            panic("smp: cross-CPU call to cpu%u failed", i);
    if (n > 1)
        log_info("smp: cross-CPU calls answered by all %u other CPUs (mask 0x%x)", n - 1, seen);
}

/* The second half of the boot, on the boot CPU's guarded stack. */
static void core_main_late(void)
{
    uint64_t report_ms = 0;

    report_cpu();
    svm_detect(&svm);
    vcpu_cpu_init();
    if (!mbi.rsdp_len)
        panic_refuse("acpi: the loader passed no ACPI RSDP; the core needs the MADT to find CPUs");
    if (acpi_parse(mbi.rsdp, mbi.rsdp_len, acpi_map, &direct_map_top, &acpi) != 0)
        panic_refuse("acpi: the firmware tables are unusable");
    lapic_init_boot(&acpi);
    if (lapic_timer_selftest(10000) != 0)
        panic_refuse("lapic: the boot CPU's timer interrupt does not arrive");
    iommu_detect(&acpi);
    bring_up_cpus();

    log_info("mm: free frames: %zu of %zu", frame_free_count(), frame_total_count());
    log_info("core: boot complete in %llu ms", (unsigned long long)(arch_time_ns() / 1000000u));
    test_fault_maybe(mbi.cmdline);
    cmdline_uint(mbi.cmdline, "test.sched_report", &report_ms);
    sched_init();
    if (mbi.module_count)
        root_domain_build(&mbi, mbi.cmdline);
    sched_start(cmdline_find(mbi.cmdline, "test.exit", &(const char *){ 0 }, &(size_t){ 0 }), report_ms);
}

void core_main(uint32_t magic, uint32_t info_pa)
{
    struct percpu *pc = &percpu_area[0];
    vaddr_t ist[3];
    paddr_t top;

    bsp_early_init();
    log_info("core: Mosaic %s (management ABI %u) starting", MOSAIC_VERSION, MOSAIC_ABI_VERSION);
    if (magic != MB2_LOADER_MAGIC)
        panic_refuse("boot: not started by a Multiboot2 loader (magic 0x%x)", magic);
    if (info_pa & 7 || info_pa >= GIB(4) - 16)
        panic_refuse("boot: Multiboot2 information at 0x%x is misaligned or out of reach", info_pa);

    parse_boot_info(info_pa);
    top = setup_memory(info_pa);
    direct_map_top = MAX(ALIGN_UP(top, MIB(2)), GIB(4));
    paging_init(direct_map_top);
    paging_load();
    if (paging_check_wx() != 0)
        panic("mm: the core's page tables break W^X");
    check_root_image(); /* modules may lie anywhere in RAM: needs the full map */

    /* Leave the unguarded boot stack for a guarded slot like every AP's. */
    pc->stack_top = paging_map_stack(0, ist);
    pc->stack_base = pc->stack_top - CORE_STACK_SIZE;
    gdt_init_cpu(pc, ist);
    arch_switch_stack(pc->stack_top, core_main_late);
}
