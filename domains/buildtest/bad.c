/* SPDX-License-Identifier: MIT */
/*
 * Requests the builder must refuse, one per way a client can be wrong:
 * each must get its errno, name the field (and the disk, vif, vCPU or
 * page) and leave nothing behind: no domain handed to us, and in the end
 * the machine's free frames as they were. One TEST line each, named
 * bad_<case>_<ERRNO>.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "buildtest.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "mosaic/runtime.h"
#include "mosaic/test.h"
#include "mosaic/time.h"

#define MIB (1ull << 20)

/* A ramdisk of BIG_RAMDISK bytes whose every page is the real ramdisk's
 * first (index pages only: the builder refuses it before reading one). */
#define BIG_RAMDISK (30 * MIB)
static struct bc_image big;

enum spec_ref { SPEC_OURS, SPEC_NEVER_GRANTED, SPEC_OTHERS };

struct bad_case {
    const char *name;
    void (*mutate)(struct build_spec *s); /* NULL: the good spec */
    void (*tamper)(bool on);              /* our index pages wrong while on */
    uint32_t op;                          /* 0: BUILD_OP_BUILD */
    uint8_t reserved0;
    enum spec_ref spec;
    long status;
    uint16_t field;
    uint32_t index;
};

static void version(struct build_spec *s)
{
    s->version = 2;
}
static void spec_reserved(struct build_spec *s)
{
    s->reserved[5] = 1;
}
static void name_long(struct build_spec *s)
{
    memset(s->name, 'a', sizeof(s->name));
}
static void name_blank(struct build_spec *s)
{
    strcpy(s->name, "bad name");
}
static void name_empty(struct build_spec *s)
{
    memset(s->name, 0, sizeof(s->name));
}
static void name_tail(struct build_spec *s)
{
    s->name[sizeof(s->name) - 1] = 'x';
}
static void memory_zero(struct build_spec *s)
{
    s->memory_mib = 0;
}
static void memory_huge(struct build_spec *s)
{
    s->memory_mib = BUILD_MEMORY_MAX_MIB + 1ull;
}
static void memory_machine(struct build_spec *s)
{
    s->memory_mib = 100000;
}
static void maxmem_below(struct build_spec *s)
{
    s->maxmem_mib = 8;
}
static void vcpus_zero(struct build_spec *s)
{
    s->vcpus = 0;
}
static void vcpus_nine(struct build_spec *s)
{
    s->vcpus = BUILD_VCPUS_MAX + 1;
}
static void weight_big(struct build_spec *s)
{
    s->weight = 70000;
}
static void cap_big(struct build_spec *s)
{
    s->cap = 150;
}
static void cpus_past(struct build_spec *s)
{
    s->vcpu_cpus[3] = 1;
}
static void cpus_absent(struct build_spec *s)
{
    s->cpus = 1ull << 63;
}
static void cmdline_long(struct build_spec *s)
{
    memset(s->cmdline, 'x', sizeof(s->cmdline));
}
static void cmdline_control(struct build_spec *s)
{
    strcpy(s->cmdline, "a\x01"
                       "b");
}
static void kernel_empty(struct build_spec *s)
{
    s->kernel_size = 0;
}
static void kernel_huge(struct build_spec *s)
{
    s->kernel_size = BUILD_KERNEL_MAX + 1ull;
}
static void kernel_extra_index(struct build_spec *s)
{
    s->kernel_index[3] = s->kernel_index[0];
}
static void kernel_index_ungranted(struct build_spec *s)
{
    s->kernel_index[0] = BT_NEVER_REF;
}
static void kernel_not_elf(struct build_spec *s)
{
    memset(s->kernel_index, 0, sizeof(s->kernel_index));
    memset(s->ramdisk_index, 0, sizeof(s->ramdisk_index));
    bc_spec_images(s, &bt_ramdisk, &bt_ramdisk);
}
static void ramdisk_huge(struct build_spec *s)
{
    s->ramdisk_size = BUILD_RAMDISK_MAX + 1ull;
}
static void ramdisk_no_room(struct build_spec *s)
{
    s->ramdisk_size = big.size;
    memcpy(s->ramdisk_index, big.iref, sizeof(big.iref));
}
static void disk(struct build_spec *s, unsigned i, const char *text)
{
    snprintf(s->disks[i].spec, sizeof(s->disks[i].spec), "%s", text);
    s->nr_disks = i + 1;
}
static void disk_bad(struct build_spec *s)
{
    disk(s, 0, "phy:vdz7,xvda,q,backend=buildtest");
}
static void disk_no_backend(struct build_spec *s)
{
    disk(s, 0, "phy:vdz7,xvda,w");
}
static void disk_self(struct build_spec *s)
{
    disk(s, 0, "phy:vdz7,xvda,w,backend=bt-bad");
}
static void disk_absent(struct build_spec *s)
{
    disk(s, 0, "phy:vdz7,xvda,w,backend=nosuch");
}
static void disk_twice(struct build_spec *s)
{
    disk(s, 0, "phy:vdz7,xvda,w,backend=buildtest");
    disk(s, 1, "phy:vdz8,xvda,r,backend=buildtest");
}
static void disks_many(struct build_spec *s)
{
    s->nr_disks = BUILD_DISKS_MAX + 1;
}
static void disk_slot_dirty(struct build_spec *s)
{
    s->disks[2].spec[100] = 'x';
}
static void vif(struct build_spec *s, unsigned i, const char *text)
{
    snprintf(s->vifs[i].spec, sizeof(s->vifs[i].spec), "%s", text);
    s->nr_vifs = i + 1;
}
static void vif_bad(struct build_spec *s)
{
    vif(s, 0, "mac=zz:00:00:00:00:00,backend=buildtest");
}
static void vif_same_mac(struct build_spec *s)
{
    vif(s, 0, "mac=00:16:3e:00:00:01,backend=buildtest");
    vif(s, 1, "mac=00:16:3e:00:00:01,bridge=xenbr1,backend=buildtest");
}
static void vif_unterminated(struct build_spec *s)
{
    memset(s->vifs[0].spec, 'b', sizeof(s->vifs[0].spec));
    s->nr_vifs = 1;
}

/* Page `page` of img named by a ref we never granted while on. */
static void ungrant(struct bc_image *img, uint32_t page, bool on)
{
    static uint32_t saved;

    if (on)
        saved = img->index[page], img->index[page] = BT_NEVER_REF;
    else
        img->index[page] = saved;
}
static void kernel_page_ungranted(bool on)
{
    ungrant(&bt_kernel, 5, on);
}
static void ramdisk_page_ungranted(bool on)
{
    ungrant(&bt_ramdisk, 2, on);
}

static const struct bad_case cases[] = {
    { "op", NULL, NULL, 7, 0, SPEC_OURS, -XEN_ENOSYS, BUILD_FIELD_OP, 0 },
    { "request_reserved", NULL, NULL, 0, 1, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_RESERVED, 0 },
    { "spec_not_granted", NULL, NULL, 0, 0, SPEC_NEVER_GRANTED, -XEN_EFAULT, BUILD_FIELD_SPEC, 0 },
    { "spec_granted_to_another", NULL, NULL, 0, 0, SPEC_OTHERS, -XEN_EFAULT, BUILD_FIELD_SPEC, 0 },
    { "spec_version", version, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_SPEC, 0 },
    { "spec_reserved", spec_reserved, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_RESERVED, 0 },
    { "name_too_long", name_long, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_NAME, 0 },
    { "name_blank", name_blank, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_NAME, 0 },
    { "name_empty", name_empty, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_NAME, 0 },
    { "name_bytes_after", name_tail, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_NAME, 0 },
    { "memory_zero", memory_zero, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_MEMORY, 0 },
    { "memory_past_limit", memory_huge, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_MEMORY, 0 },
    { "memory_past_machine", memory_machine, NULL, 0, 0, SPEC_OURS, -XEN_ENOMEM, BUILD_FIELD_MEMORY, 0 },
    { "maxmem_below_memory", maxmem_below, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_MAXMEM, 0 },
    { "vcpus_zero", vcpus_zero, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_VCPUS, 0 },
    { "vcpus_nine", vcpus_nine, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_VCPUS, 0 },
    { "weight", weight_big, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_WEIGHT, 0 },
    { "cap", cap_big, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_CAP, 0 },
    { "cpus_past_vcpus", cpus_past, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_CPUS, 3 },
    { "cpus_absent", cpus_absent, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_CPUS, 0 },
    { "cmdline_unterminated", cmdline_long, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_CMDLINE, 0 },
    { "cmdline_control_byte", cmdline_control, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_CMDLINE, 0 },
    { "kernel_size_zero", kernel_empty, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_KERNEL, 0 },
    { "kernel_too_big", kernel_huge, NULL, 0, 0, SPEC_OURS, -XEN_E2BIG, BUILD_FIELD_KERNEL, 0 },
    { "kernel_index_past_size", kernel_extra_index, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_KERNEL, 3 },
    { "kernel_index_not_granted", kernel_index_ungranted, NULL, 0, 0, SPEC_OURS, -XEN_EFAULT, BUILD_FIELD_KERNEL, 0 },
    { "kernel_page_not_granted", NULL, kernel_page_ungranted, 0, 0, SPEC_OURS, -XEN_EFAULT, BUILD_FIELD_KERNEL, 5 },
    { "kernel_not_elf", kernel_not_elf, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_KERNEL, 0 },
    { "ramdisk_too_big", ramdisk_huge, NULL, 0, 0, SPEC_OURS, -XEN_E2BIG, BUILD_FIELD_RAMDISK, 0 },
    { "ramdisk_page_not_granted", NULL, ramdisk_page_ungranted, 0, 0, SPEC_OURS, -XEN_EFAULT, BUILD_FIELD_RAMDISK, 2 },
    { "ramdisk_past_memory", ramdisk_no_room, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_RAMDISK, 0 },
    { "disk_spec", disk_bad, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_DISK, 0 },
    { "disk_no_backend", disk_no_backend, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_DISK, 0 },
    { "disk_backend_itself", disk_self, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_DISK, 0 },
    { "disk_backend_not_running", disk_absent, NULL, 0, 0, SPEC_OURS, -XEN_ESRCH, BUILD_FIELD_DISK, 0 },
    { "disk_twice", disk_twice, NULL, 0, 0, SPEC_OURS, -XEN_EEXIST, BUILD_FIELD_DISK, 1 },
    { "disks_too_many", disks_many, NULL, 0, 0, SPEC_OURS, -XEN_E2BIG, BUILD_FIELD_DISK, 0 },
    { "disk_unused_slot", disk_slot_dirty, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_DISK, 2 },
    { "vif_spec", vif_bad, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_VIF, 0 },
    { "vif_same_mac", vif_same_mac, NULL, 0, 0, SPEC_OURS, -XEN_EEXIST, BUILD_FIELD_VIF, 1 },
    { "vif_unterminated", vif_unterminated, NULL, 0, 0, SPEC_OURS, -XEN_EINVAL, BUILD_FIELD_VIF, 0 },
};

/* One case: its answer, and nothing handed to us. */
static void run(struct bc_conn *c, struct bc_spec *s, const struct bad_case *k, unsigned controlled)
{
    static const uint32_t refs[] = { [SPEC_NEVER_GRANTED] = BT_NEVER_REF, [SPEC_OTHERS] = 1 /* the store ring's */ };
    struct build_response rsp;
    char name[64], why[160];
    uint64_t id;
    int got;

    snprintf(name, sizeof(name), "bad_%s_%s", k->name, runtime_errno_name(-k->status));
    memset(s->spec, 0, sizeof(*s->spec));
    s->spec->version = BUILD_SPEC_VERSION;
    bt_fill(s->spec, "bt-bad");
    if (k->mutate)
        k->mutate(s->spec);
    if (k->tamper)
        k->tamper(true);
    if (bc_send(c, k->op ? k->op : BUILD_OP_BUILD, k->spec == SPEC_OURS ? s->ref : refs[k->spec], k->reserved0, &id) !=
        0) {
        test_check(false, name, "no ring slot");
        return;
    }
    got = bc_receive(c, &rsp, 6 * BT_WAIT_NS);
    if (k->tamper)
        k->tamper(false);
    if (got != 1 || rsp.id != id) {
        test_check(false, name, "no answer to request %llu (%d)", (unsigned long long)id, got);
        return;
    }
    snprintf(why, sizeof(why), "%s", rsp.why);
    test_check(rsp.status == k->status && rsp.field == k->field && rsp.index == k->index && rsp.domid == 0 && why[0] &&
                   bt_controlled() == controlled,
               name, "%s, field %u index %u: %s", bt_errno(rsp.status), rsp.field, rsp.index, why);
}

void bt_bad(struct bc_conn *c)
{
    static struct bc_spec s;
    unsigned controlled = bt_controlled();
    uint64_t free0 = bt_free_pages(), free1;

    big.size = BIG_RAMDISK;
    big.index_pages = BUILD_RAMDISK_INDEX_MAX;
    big.index = memalign(BT_PAGE, BUILD_RAMDISK_INDEX_MAX * BT_PAGE);
    if (!big.index || bc_spec_new(&s, c->builder) != 0) {
        test_check(false, "bad", "no memory or grant for the cases");
        return;
    }
    for (uint32_t i = 0; i < BUILD_RAMDISK_INDEX_MAX * BUILD_REFS_PER_INDEX; i++)
        big.index[i] = bt_ramdisk.index[0];
    for (uint32_t k = 0; k < BUILD_RAMDISK_INDEX_MAX; k++)
        (void)gnttab_grant_access(c->builder, (const uint8_t *)big.index + k * BT_PAGE, true, &big.iref[k]);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run(c, &s, &cases[i], controlled);
    bc_spec_end(&s);
    for (uint32_t k = 0; k < BUILD_RAMDISK_INDEX_MAX; k++)
        (void)gnttab_end_access(big.iref[k]);
    free1 = bt_wait_free(free0); /* the domains of the late refusals (a page, a CPU, a backend) reaped */
    test_check(free1 == free0 && bt_controlled() == controlled, "bad_left_nothing",
               "%zu bad requests: %llu free frames before, %llu after; %u domains ours",
               sizeof(cases) / sizeof(cases[0]), (unsigned long long)free0, (unsigned long long)free1, bt_controlled());
}
