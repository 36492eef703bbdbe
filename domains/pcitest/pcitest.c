/* SPDX-License-Identifier: MIT */
/*
 * A test domain for PCI assignment (idl/mgmt.idl's MGMT_PCI_*), run as a
 * driver domain would be: the builder gives it a virtio-blk function
 * (tests/boot/pci_assign.scn). From inside it checks what the core mapped
 * (the configuration page, the BARs where MGMT_PCI_INFO says, the MSI-X
 * pages left out), the configuration-write filter, MSI-X binding to event
 * channels, and every error of the four operations it can reach. Each
 * check is one `TEST PASS <name>` / `TEST FAIL <name>: <why>` line; then
 * `pcitest: done`, exit status 0 (1 if a check failed).
 *
 * Modes (`mode=` on the command line): main (default), holding create,
 * build, control and pci, with 0000:00:04.0 assigned; nocap, holding
 * nothing and assigned nothing.
 */
#include "pcitest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "mosaic/evtchn.h"
#include "mosaic/hypercall.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/time.h"

#define SBDF_VIRTIO       0x20u /* 00:04.0: the scenario's virtio-blk-pci */
#define SBDF_SMBUS        0xfbu /* 00:1f.3: q35's SMBus controller, an endpoint nobody holds */
#define SBDF_HOST         0x00u /* 00:00.0: q35's host bridge */
#define SBDF_NONE         0x80u /* 00:10.0: nothing there */
#define SBDF_BRIDGE       0x28u /* 00:05.0: the scenario's PCI Express root port */
#define NO_DOMAIN         0x7000u
#define VIRTIO_VENDOR     0x1af4u
#define CAP_VENDOR        0x09u /* PCI vendor-specific capability: virtio's */
#define CAP_MSIX          0x11u
#define VIRTIO_COMMON     1u /* virtio 1.2, 4.1.4: cfg_type of the common configuration */
#define COMMON_NUM_QUEUES 0x12u
#define CMD_MEMORY        (1u << 1)
#define CMD_MASTER        (1u << 2)
#define GONE_LOOKS        100
#define PAGE              4096u

static int checks, failures;
static char why_buf[192];

void pcitest_check(const char *name, const char *why)
{
    checks++;
    if (!why) {
        printf("TEST PASS %s\n", name);
    } else {
        printf("TEST FAIL %s: %s\n", name, why);
        failures++;
    }
}

const char *pcitest_why(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

/* NULL when r is -wanted (0: success). */
static const char *want(long r, long wanted)
{
    return r == -wanted ? NULL : pcitest_why("returned %ld, want %ld", r, -wanted);
}

/* One check of a call's result; a refusal's name ends in its errno's
 * ("_EINVAL"). */
static void expect(const char *name, long r, long wanted)
{
    char full[96];

    snprintf(full, sizeof(full), wanted ? "%s_%s" : "%s", name, runtime_errno_name(wanted));
    pcitest_check(full, want(r, wanted));
}

/* Guest-physical reads: the runtime maps [0, 4 GiB) 1:1. */
uint32_t pcitest_rd(uint64_t gpa, unsigned size)
{
    volatile void *p = (volatile void *)(uintptr_t)gpa;

    return size == 1 ? *(volatile uint8_t *)p : size == 2 ? *(volatile uint16_t *)p : *(volatile uint32_t *)p;
}

/* A capability's offset in the configuration page at cfg, 0 if none. */
unsigned pcitest_cap(uint64_t cfg, uint8_t id, uint8_t type)
{
    unsigned at = pcitest_rd(cfg + 0x34, 1) & 0xfcu;

    for (unsigned n = 0; at >= 0x40 && n < 48; n++, at = pcitest_rd(cfg + at + 1, 1) & 0xfcu)
        if (pcitest_rd(cfg + at, 1) == id && (id != CAP_VENDOR || pcitest_rd(cfg + at + 3, 1) == type))
            return at;
    return 0;
}

/* ---- what the core mapped ---- */

static void check_mappings(const struct mgmt_pci_info *in)
{
    uint64_t cfg = in->cfg_gpa;
    unsigned common = pcitest_cap(cfg, CAP_VENDOR, VIRTIO_COMMON), msix = pcitest_cap(cfg, CAP_MSIX, 0);
    const char *w = NULL;

    pcitest_check("pci_cfg_page_vendor_1af4",
                  pcitest_rd(cfg, 2) == VIRTIO_VENDOR
                      ? NULL
                      : pcitest_why("vendor 0x%04x at 0x%llx", pcitest_rd(cfg, 2), (unsigned long long)cfg));
    for (unsigned i = 0; i < MGMT_PCI_MAX_BARS && !w; i++) {
        uint64_t reg = pcitest_rd(cfg + 0x10 + 4 * i, 4);
        if (!(in->bar_flags[i] & MGMT_PCI_BAR_MEM))
            continue;
        if (in->bar_flags[i] & MGMT_PCI_BAR_64)
            reg |= (uint64_t)pcitest_rd(cfg + 0x14 + 4 * i, 4) << 32;
        if ((reg & ~0xfull) != in->bar_addr[i])
            w = pcitest_why("BAR%u register 0x%llx, info 0x%llx", i, (unsigned long long)reg,
                            (unsigned long long)in->bar_addr[i]);
    }
    pcitest_check("pci_info_bars_match_registers", w);
    if (!common || !msix) {
        pcitest_check("pci_virtio_caps", pcitest_why("common cfg cap at 0x%x, MSI-X cap at 0x%x", common, msix));
        return;
    }
    {
        unsigned bar = pcitest_rd(cfg + common + 4, 1);
        uint64_t at = in->bar_addr[bar] + pcitest_rd(cfg + common + 8, 4);
        uint32_t q = bar < MGMT_PCI_MAX_BARS && in->bar_addr[bar] && at < (1ull << 32)
                         ? pcitest_rd(at + COMMON_NUM_QUEUES, 2)
                         : 0;
        pcitest_check("pci_bar_mapped_virtio_num_queues",
                      q >= 1 && q != 0xffff
                          ? NULL
                          : pcitest_why("num_queues %u read at 0x%llx (BAR%u)", q, (unsigned long long)at, bar));
    }
    {
        uint32_t t = pcitest_rd(cfg + msix + 4, 4);
        unsigned bir = t & 7;
        uint64_t at = in->bar_addr[bir] + (t & ~7u);
        uint32_t v = bir < MGMT_PCI_MAX_BARS && in->bar_addr[bir] ? pcitest_rd(at, 4) : 0;
        pcitest_check("pci_msix_table_page_unmapped_reads_ones",
                      v == 0xffffffffu && (in->bar_flags[bir] & MGMT_PCI_BAR_MSIX)
                          ? NULL
                          : pcitest_why("0x%08x at 0x%llx, BAR%u flags 0x%x", v, (unsigned long long)at, bir,
                                        in->bar_flags[bir]));
    }
}

/* ---- the filter ---- */

static long cfg_write_raw(uint32_t sbdf, uint16_t offset, uint8_t size, uint8_t reserved, uint32_t value)
{
    struct mgmt_pci_cfg_write c = {
        .sbdf = sbdf, .offset = offset, .size = size, .reserved0 = reserved, .value = value
    };

    return mgmt_call(MGMT_PCI_CFG_WRITE, &c, sizeof(c));
}

static void check_filter(const struct mgmt_pci_info *in)
{
    uint64_t cfg = in->cfg_gpa;
    uint32_t bar0 = pcitest_rd(cfg + 0x10, 4), cmd = pcitest_rd(cfg + 4, 2);
    long r;

    expect("pci_cfg_write_bar", mgmt_pci_cfg_write(SBDF_VIRTIO, 0x10, 4, 0xfe000000u), XEN_EACCES);
    pcitest_check("pci_cfg_write_bar_unchanged", pcitest_rd(cfg + 0x10, 4) == bar0 ? NULL : "BAR0 moved");
    expect("pci_cfg_write_command_and_status", mgmt_pci_cfg_write(SBDF_VIRTIO, 4, 4, cmd | CMD_MEMORY), XEN_EACCES);
    expect("pci_cfg_write_command_io_bit", mgmt_pci_cfg_write(SBDF_VIRTIO, 4, 2, cmd ^ 1u), XEN_EACCES);
    expect("pci_cfg_write_msi_x_table_offset",
           mgmt_pci_cfg_write(SBDF_VIRTIO, (uint16_t)(pcitest_cap(cfg, CAP_MSIX, 0) + 4), 4, 0), XEN_EACCES);
    r = mgmt_pci_cfg_write(SBDF_VIRTIO, 4, 2, cmd | CMD_MEMORY | CMD_MASTER);
    pcitest_check("pci_cfg_write_command_memory_master",
                  want(r, 0) ? want(r, 0)
                  : (pcitest_rd(cfg + 4, 2) & (CMD_MEMORY | CMD_MASTER)) == (CMD_MEMORY | CMD_MASTER)
                      ? NULL
                      : pcitest_why("command reads 0x%04x", pcitest_rd(cfg + 4, 2)));
    expect("pci_cfg_write_size_3", cfg_write_raw(SBDF_VIRTIO, 4, 3, 0, 0), XEN_EINVAL);
    expect("pci_cfg_write_unaligned", cfg_write_raw(SBDF_VIRTIO, 5, 2, 0, 0), XEN_EINVAL);
    expect("pci_cfg_write_past_4k", cfg_write_raw(SBDF_VIRTIO, 0x1000, 1, 0, 0), XEN_EINVAL);
    expect("pci_cfg_write_reserved", cfg_write_raw(SBDF_VIRTIO, 4, 2, 1, cmd), XEN_EINVAL);
    expect("pci_cfg_write_not_ours", mgmt_pci_cfg_write(SBDF_SMBUS, 4, 2, 0), XEN_ENODEV);
}

/* ---- MSI-X binding ---- */

static const char *port_is(evtchn_port_t port, uint32_t status)
{
    struct evtchn_info i;
    long r = evtchn_status(DOMID_SELF, port, &i);

    if (r)
        return pcitest_why("status of port %u returned %ld", port, r);
    return i.status == status ? NULL : pcitest_why("port %u has status %u, want %u", port, i.status, status);
}

/* Returns the port entry 0 is bound to at the end (0: none). */
static uint32_t check_msi(const struct mgmt_pci_info *in)
{
    struct mgmt_pci_msi_bind b = { .sbdf = SBDF_VIRTIO, .reserved1 = 1 };
    uint32_t p1 = 0, p2 = 0;
    long r = mgmt_pci_msi_bind(SBDF_VIRTIO, 0, &p1);

    pcitest_check("pci_msi_bind_entry_0", want(r, 0) ? want(r, 0) : port_is(p1, EVTCHN_PIRQ));
    expect("pci_msi_bind_entry_past_last", mgmt_pci_msi_bind(SBDF_VIRTIO, (uint16_t)in->nr_msix, &p2), XEN_EINVAL);
    expect("pci_msi_bind_not_ours", mgmt_pci_msi_bind(SBDF_SMBUS, 0, &p2), XEN_ENODEV);
    expect("pci_msi_bind_reserved", mgmt_call(MGMT_PCI_MSI_BIND, &b, sizeof(b)), XEN_EINVAL);
    r = mgmt_pci_msi_bind(SBDF_VIRTIO, 0, &p2);
    pcitest_check("pci_msi_bind_again_moves_to_new_port", want(r, 0)                 ? want(r, 0)
                                                          : p2 == p1                 ? "same port"
                                                          : port_is(p2, EVTCHN_PIRQ) ? why_buf
                                                                                     : port_is(p1, 0));
    r = evtchn_close(p2);
    pcitest_check("pci_msi_port_close", want(r, 0) ? want(r, 0) : port_is(p2, 0));
    r = mgmt_pci_msi_bind(SBDF_VIRTIO, 0, &p1);
    pcitest_check("pci_msi_bind_after_close", want(r, 0) ? want(r, 0) : port_is(p1, EVTCHN_PIRQ));
    return r ? 0 : p1;
}

/* ---- assignment ---- */

static long assign_raw(uint16_t domid, uint16_t reserved, uint32_t sbdf)
{
    struct mgmt_pci_assign a = { .domid = domid, .reserved0 = reserved, .sbdf = sbdf };

    return mgmt_call(MGMT_PCI_ASSIGN, &a, sizeof(a));
}

static uint16_t child_create(const char *name)
{
    struct mgmt_domain_create c = { .nr_vcpus = 1, .max_pages = 16 };

    snprintf(c.name, sizeof(c.name), "%s", name);
    return mgmt_call(MGMT_DOMAIN_CREATE, &c, sizeof(c)) == 0 ? c.domid : 0;
}

static const char *destroy_and_wait(uint16_t domid)
{
    struct mgmt_domain_destroy x = { .domid = domid };
    long r = mgmt_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x));

    if (r)
        return pcitest_why("destroy of d%u returned %ld", domid, r);
    for (unsigned n = 0; n < GONE_LOOKS; n++) {
        struct mgmt_domain_info i = { .domid = domid };
        if (mgmt_call(MGMT_DOMAIN_INFO, &i, sizeof(i)) == -XEN_ESRCH)
            return NULL;
        if (runtime_sleep_ns(50 * TIME_NS_PER_MS) != 0)
            hypercall_sched_yield();
    }
    return pcitest_why("d%u still there 5 s after its destroy", domid);
}

/* A domain that runs: two pages, `jmp .` at 0x1000, a small CPU cap. */
static uint16_t runner_start(void)
{
    static const uint8_t spin[2] = { 0xeb, 0xfe };
    uint16_t d = child_create("pcitest-runner");
    struct mgmt_domain_populate p = { .domid = d, .gfn = 0, .nr_pages = 2 };
    struct mgmt_domain_copy c = { .domid = d, .dst_gpa = 0x1000, .src = (uint64_t)(uintptr_t)spin, .len = 2 };
    struct mgmt_vcpu_set_pvh pvh = { .domid = d, .vcpu = 0, .entry = 0x1000, .start_info = 0 };
    struct mgmt_domain_sched s = { .domid = d, .weight = 256, .cap = 10 };
    struct mgmt_domain_unpause u = { .domid = d };

    if (!d || mgmt_call(MGMT_DOMAIN_POPULATE, &p, sizeof(p)) || mgmt_call(MGMT_DOMAIN_COPY, &c, sizeof(c)) ||
        mgmt_call(MGMT_VCPU_SET_PVH, &pvh, sizeof(pvh)) || mgmt_call(MGMT_DOMAIN_SCHED, &s, sizeof(s)) ||
        mgmt_call(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u)))
        return 0;
    return d;
}

static void check_assign(const struct mgmt_pci_info *in)
{
    uint64_t ecam = in->cfg_gpa - ((uint64_t)SBDF_VIRTIO << 12);
    uint16_t child = child_create("pcitest-child"), runner, again;
    struct mgmt_domain_populate over = { .domid = child, .gfn = (ecam >> 12) + SBDF_SMBUS, .nr_pages = 1 };

    pcitest_check("pci_assign_child_created", child ? NULL : "create refused");
    expect("pci_assign_segment_1", assign_raw(child, 0, 0x10000u | SBDF_SMBUS), XEN_EINVAL);
    expect("pci_assign_reserved", assign_raw(child, 1, SBDF_SMBUS), XEN_EINVAL);
    expect("pci_assign_no_domain", mgmt_pci_assign(NO_DOMAIN, SBDF_SMBUS), XEN_ESRCH);
    expect("pci_assign_already_assigned", mgmt_pci_assign(child, SBDF_VIRTIO), XEN_EBUSY);
    expect("pci_assign_no_function", mgmt_pci_assign(child, SBDF_NONE), XEN_ENODEV);
    expect("pci_assign_host_bridge", mgmt_pci_assign(child, SBDF_HOST), XEN_ENODEV);
    expect("pci_assign_root_port", mgmt_pci_assign(child, SBDF_BRIDGE), XEN_ENODEV);
    /* The child's RAM where the SMBus function's configuration page goes. */
    expect("pci_assign_populate_over_cfg_page", mgmt_call(MGMT_DOMAIN_POPULATE, &over, sizeof(over)), 0);
    expect("pci_assign_over_ram", mgmt_pci_assign(child, SBDF_SMBUS), XEN_EEXIST);
    pcitest_check("pci_assign_child_gone", destroy_and_wait(child));
    runner = runner_start();
    pcitest_check("pci_assign_runner_started", runner ? NULL : "refused");
    expect("pci_assign_not_building", mgmt_pci_assign(runner, SBDF_SMBUS), XEN_EBUSY);
    pcitest_check("pci_assign_runner_gone", destroy_and_wait(runner));
    /* Given, taken back with its holder, given again. */
    child = child_create("pcitest-child");
    expect("pci_assign_smbus_to_child", mgmt_pci_assign(child, SBDF_SMBUS), 0);
    pcitest_check("pci_assign_smbus_child_gone", destroy_and_wait(child));
    again = child_create("pcitest-child");
    expect("pci_assign_smbus_again", mgmt_pci_assign(again, SBDF_SMBUS), 0);
    pcitest_check("pci_assign_smbus_again_gone", destroy_and_wait(again));
}

/* ---- what every command checks first ---- */

/* Each PCI command: a size one short or one long is -EINVAL, the right
 * size at page 0 (which the runtime leaves unmapped) -EFAULT. */
static void check_sizes(void)
{
    static const struct {
        const char *name;
        uint32_t cmd;
        size_t size;
    } cmds[] = {
        { "assign", MGMT_PCI_ASSIGN, sizeof(struct mgmt_pci_assign) },
        { "info", MGMT_PCI_INFO, sizeof(struct mgmt_pci_info) },
        { "cfg_write", MGMT_PCI_CFG_WRITE, sizeof(struct mgmt_pci_cfg_write) },
        { "msi_bind", MGMT_PCI_MSI_BIND, sizeof(struct mgmt_pci_msi_bind) },
    };
    static uint8_t buf[256];
    char name[64];

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        uintptr_t a = (uintptr_t)buf;
        long shorter = hypercall3(MOSAIC_HYPERCALL_MGMT, cmds[i].cmd, a, cmds[i].size - 1);
        long longer = hypercall3(MOSAIC_HYPERCALL_MGMT, cmds[i].cmd, a, cmds[i].size + 1);

        snprintf(name, sizeof(name), "pci_%s_wrong_size", cmds[i].name);
        expect(name, shorter != -XEN_EINVAL ? shorter : longer, XEN_EINVAL);
        snprintf(name, sizeof(name), "pci_%s_unreadable", cmds[i].name);
        expect(name, hypercall3(MOSAIC_HYPERCALL_MGMT, cmds[i].cmd, 0, cmds[i].size), XEN_EFAULT);
    }
}

/* ---- modes ---- */

static void main_mode(void)
{
    struct mgmt_pci_info in, extra;
    long r = mgmt_pci_info(0, &in);
    uint32_t port;

    pcitest_check("pci_info_index_0", want(r, 0) ? want(r, 0)
                                      : in.sbdf == SBDF_VIRTIO && in.nr_msix > 0
                                          ? NULL
                                          : pcitest_why("sbdf 0x%x, %u MSI-X entries", in.sbdf, in.nr_msix));
    expect("pci_info_index_past_last", mgmt_pci_info(1, &extra), XEN_ENOENT);
    if (r)
        return;
    printf("pcitest: 00:04.0 configuration page at 0x%llx, %u MSI-X entries\n", (unsigned long long)in.cfg_gpa,
           in.nr_msix);
    for (unsigned i = 0; i < MGMT_PCI_MAX_BARS; i++)
        if (in.bar_flags[i])
            printf("pcitest: BAR%u at 0x%llx, %llu bytes, flags 0x%x\n", i, (unsigned long long)in.bar_addr[i],
                   (unsigned long long)in.bar_size[i], in.bar_flags[i]);
    check_sizes();
    check_mappings(&in);
    check_filter(&in);
    port = check_msi(&in);
    if (port)
        pcitest_irq(&in, port);
    check_assign(&in);
}

static void nocap_mode(void)
{
    struct mgmt_pci_info in;
    uint32_t port;

    expect("pci_nocap_assign", mgmt_pci_assign(1, SBDF_SMBUS), XEN_EPERM);
    expect("pci_nocap_info", mgmt_pci_info(0, &in), XEN_ENOENT);
    expect("pci_nocap_cfg_write", mgmt_pci_cfg_write(SBDF_VIRTIO, 4, 2, 0), XEN_ENODEV);
    expect("pci_nocap_msi_bind", mgmt_pci_msi_bind(SBDF_VIRTIO, 0, &port), XEN_ENODEV);
}

int main(int argc, char **argv)
{
    bool nocap = false;

    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "mode=nocap"))
            nocap = true;
    printf("pcitest: mode %s\n", nocap ? "nocap" : "main");
    if (nocap)
        nocap_mode();
    else
        main_mode();
    printf("pcitest: %d checks, %d failed\n", checks, failures);
    printf("pcitest: done\n");
    return failures ? 1 : 0;
}
