/* SPDX-License-Identifier: MIT */
/*
 * core_main: the boot sequence of the boot CPU, in order: console, traps,
 * boot information, memory, page tables, CPU features, ACPI, interrupt
 * controller and time, IOMMU, the other CPUs. Every input from the loader
 * is validated before use; bad input ends in one line and a clean stop.
 * Which domains run is not decided here: that is the builder's job.
 */
#include "core/acpi.h"
#include "core/arch.h"
#include "core/boot_modules.h"
#include "core/cmdline.h"
#include "core/elf.h"
#include "core/layout.h"
#include "core/errno.h"
#include "core/iommu.h"
#include "core/mb2.h"
#include "core/pci.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/svm.h"
#include "core/version.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "mbi_inject.h"
#include "core/string.h"
#include "root_domain.h"

#define MB2_LOADER_MAGIC 0x36d76289u
#define MBI_MAX_SIZE     (1u << 20) /* a larger info block is not plausible */
#define LOW_MEMORY_END   0x100000   /* firmware, BIOS data, the AP trampoline */

void core_main(uint32_t magic, uint32_t info_pa);

extern const char core_image_start_phys[], core_image_end_phys[];

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

static const void *acpi_map(paddr_t pa, size_t len, void *ctx)
{
    paddr_t top = *(const paddr_t *)ctx;

    if (pa >= top || len > top - pa)
        return NULL;
    return phys_to_virt(pa);
}

static void bring_up_cpus(void)
{
    uint64_t maxcpus = MAX_CPUS, hang = ~0ull;
    unsigned n, want;

    if (cmdline_uint(mbi.cmdline, "maxcpus", &maxcpus) == 0 && maxcpus == 0)
        maxcpus = 1;
    cmdline_uint(mbi.cmdline, "test.ap_hang", &hang);
    if (!memmap_contains(&ram, TRAMPOLINE_PADDR, TRAMPOLINE_PADDR + PAGE_SIZE)) {
        log_warn("smp: the start-up page 0x%x is not usable RAM; running on the boot CPU only", TRAMPOLINE_PADDR);
        maxcpus = 1;
    }
    want = (unsigned)MIN(acpi.ncpus, maxcpus);
    n = arch_boot_cpus(&acpi, (unsigned)MIN(maxcpus, MAX_CPUS), hang < MAX_CPUS ? (int)hang : -1);
    if (n == want)
        log_info("core: all %u CPUs online", n);
    else
        log_warn("core: %u of %u CPUs online", n, want);
    arch_boot_check_cpus();
}

/* The second half of the boot, on the boot CPU's guarded stack. */
static void core_main_late(void)
{
    uint64_t report_ms = 0;

    arch_boot_report_cpu();
    svm_detect(&svm);
    vcpu_cpu_init();
    if (!mbi.rsdp_len)
        panic_refuse("acpi: the loader passed no ACPI RSDP; the core needs the MADT to find CPUs");
    if (acpi_parse(mbi.rsdp, mbi.rsdp_len, acpi_map, &direct_map_top, &acpi) != 0)
        panic_refuse("acpi: the firmware tables are unusable");
    arch_boot_timer(&acpi);
    iommu_detect(&acpi);
    pci_init(&acpi);
    bring_up_cpus();

    log_info("mm: free frames: %zu of %zu", frame_free_count(), frame_total_count());
    log_info("core: boot complete in %llu ms", (unsigned long long)(arch_time_ns() / 1000000u));
    arch_test_fault_maybe(mbi.cmdline);
    cmdline_uint(mbi.cmdline, "test.sched_report", &report_ms);
    sched_init();
    if (mbi.module_count)
        root_domain_build(&mbi, mbi.cmdline);
    sched_start(cmdline_find(mbi.cmdline, "test.exit", &(const char *){ 0 }, &(size_t){ 0 }), report_ms);
}

void core_main(uint32_t magic, uint32_t info_pa)
{
    paddr_t top;

    arch_boot_early();
    log_info("core: Mosaic %s (management ABI %u) starting", MOSAIC_VERSION, MOSAIC_ABI_VERSION);
    if (magic != MB2_LOADER_MAGIC)
        panic_refuse("boot: not started by a Multiboot2 loader (magic 0x%x)", magic);
    if (info_pa & 7 || info_pa >= GIB(4) - 16)
        panic_refuse("boot: Multiboot2 information at 0x%x is misaligned or out of reach", info_pa);

    parse_boot_info(info_pa);
    top = setup_memory(info_pa);
    direct_map_top = MAX(ALIGN_UP(top, MIB(2)), GIB(4));
    arch_boot_paging(direct_map_top);
    check_root_image(); /* modules may lie anywhere in RAM: needs the full map */
    arch_boot_switch_stack(core_main_late);
}
