/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the build service's request decoder (domains/builder/
 * buildreq.c): a good request and what it decodes to; every rule of
 * idl/build.idl broken one at a time, with the errno, the field, the
 * index and the reason's words; the order in which faults are reported;
 * the image limits exactly; xl's disk and vif specs; and a randomized run
 * in which every answer must equal the reference's (buildreq_model.c).
 */
#include "buildreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildreq_model.h"
#include "harness.h"
#include "idl/xen_errno.h"

static struct build_spec spec;
static struct buildreq_plan plan;
static struct construct_failure err;

static int decode(void)
{
    int r = buildreq_decode(&spec, &plan, &err);
    const char *why = buildreq_model_check(&spec, r, &plan, &err);

    if (why)
        test_fail(__FILE__, __LINE__, "the reference disagrees: %s", why);
    return r;
}

TEST(good_spec)
{
    buildreq_model_good(&spec);
    EXPECT_EQ(decode(), 0);
    EXPECT_TRUE(!strcmp(plan.md.name, "guest") && !strcmp(plan.cmdline, "console=hvc0 root=/dev/xvda"));
    EXPECT_EQ(plan.md.vcpus, 1);
    EXPECT_EQ(plan.md.memory_mib, 16);
    EXPECT_EQ(plan.md.maxmem_mib, 16);
    EXPECT_EQ(plan.md.weight, BUILD_WEIGHT_DEFAULT);
    EXPECT_EQ(plan.md.cpumask, ~0ull);
    EXPECT_EQ(manifest_vcpu_cpus(&plan.md, 0), ~0ull);
    EXPECT_EQ(plan.kernel.pages, 3);
    EXPECT_EQ(plan.kernel.index_pages, 1);
    EXPECT_EQ(plan.kernel.index[0], 100);
    EXPECT_EQ(buildreq_page_len(&plan.kernel, 2), 4096 - 10);
    EXPECT_EQ(plan.ramdisk.pages, 1);
    EXPECT_EQ(plan.ramdisk.index[0], 101);
    EXPECT_EQ(plan.md.nr_disks + plan.md.nr_vifs, 0);
    EXPECT_TRUE(plan.md.valid && !plan.md.caps && plan.md.service == SERVICE_NONE);
}

TEST(request_checks)
{
    struct build_request req = { .id = 9, .op = BUILD_OP_BUILD, .spec_ref = 12 };
    struct construct_failure e;

    EXPECT_EQ(buildreq_check_request(&req, &e), 0);
    for (uint32_t op = 0; op < 4; op++) {
        req.op = op == 1 ? 0xffffffffu : op == 2 ? 4 : op == 3 ? 0x80000002u : 0;
        EXPECT_EQ(buildreq_check_request(&req, &e), -XEN_ENOSYS);
        EXPECT_EQ(e.field, BUILD_FIELD_OP);
        EXPECT_EQ(buildreq_model_request(&req).status, -XEN_ENOSYS);
    }
    req.op = BUILD_OP_ATTACH;
    EXPECT_EQ(buildreq_check_request(&req, &e), 0);
    req.op = BUILD_OP_DETACH;
    EXPECT_EQ(buildreq_check_request(&req, &e), 0);
    req.op = BUILD_OP_BUILD;
    req.reserved[15] = 1;
    EXPECT_EQ(buildreq_check_request(&req, &e), -XEN_EINVAL);
    EXPECT_EQ(e.field, BUILD_FIELD_RESERVED);
    EXPECT_TRUE(strstr(e.why, "reserved") != NULL);
}

/* One way to break the good spec, and what it must get. */
struct breakage {
    const char *what;
    void (*apply)(struct build_spec *s);
    int status;
    uint16_t field;
    uint32_t index;
    const char *words; /* in the reason */
};

static void b_version(struct build_spec *s)
{
    s->version = 0;
}
static void b_reserved(struct build_spec *s)
{
    s->reserved[47] = 0x80;
}
static void b_name_long(struct build_spec *s)
{
    memset(s->name, 'n', sizeof(s->name));
}
static void b_name_space(struct build_spec *s)
{
    strcpy(s->name, "a b");
}
static void b_name_high(struct build_spec *s)
{
    s->name[1] = (char)0xc3;
}
static void b_name_empty(struct build_spec *s)
{
    memset(s->name, 0, sizeof(s->name));
}
static void b_name_tail(struct build_spec *s)
{
    s->name[20] = 'z';
}
static void b_vcpus0(struct build_spec *s)
{
    s->vcpus = 0;
}
static void b_vcpus9(struct build_spec *s)
{
    s->vcpus = 9;
}
static void b_mem0(struct build_spec *s)
{
    s->memory_mib = 0;
}
static void b_mem_big(struct build_spec *s)
{
    s->memory_mib = ~0ull;
}
static void b_maxmem(struct build_spec *s)
{
    s->maxmem_mib = 15;
}
static void b_maxmem_big(struct build_spec *s)
{
    s->maxmem_mib = BUILD_MEMORY_MAX_MIB + 1ull;
}
static void b_weight(struct build_spec *s)
{
    s->weight = 65536;
}
static void b_cap(struct build_spec *s)
{
    s->cap = 101;
}
static void b_cpus(struct build_spec *s)
{
    s->vcpu_cpus[7] = 2;
}
static void b_cmd_long(struct build_spec *s)
{
    memset(s->cmdline, 'c', sizeof(s->cmdline));
}
static void b_cmd_tab(struct build_spec *s)
{
    s->cmdline[3] = '\t';
}
static void b_cmd_tail(struct build_spec *s)
{
    s->cmdline[BUILD_CMDLINE_MAX - 1] = 'x';
}
static void b_k0(struct build_spec *s)
{
    s->kernel_size = 0;
}
static void b_kbig(struct build_spec *s)
{
    s->kernel_size = BUILD_KERNEL_MAX + 1ull;
}
static void b_kindex(struct build_spec *s)
{
    s->kernel_index[1] = 7;
}
static void b_rbig(struct build_spec *s)
{
    s->ramdisk_size = ~0ull;
}
static void b_rnone_index(struct build_spec *s)
{
    s->ramdisk_size = 0;
}
static void b_rindex(struct build_spec *s)
{
    s->ramdisk_index[7] = 1;
}
static void b_ndisks(struct build_spec *s)
{
    s->nr_disks = 5;
}
static void b_disk_slot(struct build_spec *s)
{
    s->disks[3].spec[223] = 1;
}
static void b_disk_text(struct build_spec *s)
{
    s->nr_disks = 1;
    memset(s->disks[0].spec, 'd', sizeof(s->disks[0].spec));
}
static void b_disk_parse(struct build_spec *s)
{
    s->nr_disks = 1;
    strcpy(s->disks[0].spec, "qcow2:/x.img,xvda,w,backend=blk");
}
static void b_disk_self(struct build_spec *s)
{
    s->nr_disks = 1;
    strcpy(s->disks[0].spec, "vdb,raw,xvda,w,backend=guest");
}
static void b_disk_twice(struct build_spec *s)
{
    s->nr_disks = 3;
    strcpy(s->disks[0].spec, "vdb,raw,xvda,w,backend=blk");
    strcpy(s->disks[1].spec, "vdc,raw,xvdb,w,backend=blk");
    strcpy(s->disks[2].spec, "vdd,raw,51712,r,backend=blk"); /* xvda by number */
}
static void b_nvifs(struct build_spec *s)
{
    s->nr_vifs = 0xffffffffu;
}
static void b_vif_parse(struct build_spec *s)
{
    s->nr_vifs = 1;
    strcpy(s->vifs[0].spec, "mac=01:00:00:00:00:01,backend=net"); /* multicast */
}
static void b_vif_backend(struct build_spec *s)
{
    s->nr_vifs = 2;
    strcpy(s->vifs[0].spec, "backend=net");
    strcpy(s->vifs[1].spec, "bridge=xenbr1");
}
static void b_vif_mac(struct build_spec *s)
{
    s->nr_vifs = 3;
    strcpy(s->vifs[0].spec, "mac=00:16:3e:00:00:02,backend=net");
    strcpy(s->vifs[1].spec, "backend=net");
    strcpy(s->vifs[2].spec, "mac=00:16:3E:00:00:02,backend=net,bridge=b2");
}

static const struct breakage breakages[] = {
    { "version", b_version, -XEN_EINVAL, BUILD_FIELD_SPEC, 0, "version 0 (want 1)" },
    { "reserved", b_reserved, -XEN_EINVAL, BUILD_FIELD_RESERVED, 0, "reserved bytes" },
    { "name too long", b_name_long, -XEN_EINVAL, BUILD_FIELD_NAME, 0, "not NUL-terminated" },
    { "name with a blank", b_name_space, -XEN_EINVAL, BUILD_FIELD_NAME, 0, "blank" },
    { "name with a high byte", b_name_high, -XEN_EINVAL, BUILD_FIELD_NAME, 0, "not printable" },
    { "name empty", b_name_empty, -XEN_EINVAL, BUILD_FIELD_NAME, 0, "empty" },
    { "name with bytes after", b_name_tail, -XEN_EINVAL, BUILD_FIELD_NAME, 0, "after the NUL" },
    { "vcpus 0", b_vcpus0, -XEN_EINVAL, BUILD_FIELD_VCPUS, 0, "0 (want 1 to 8)" },
    { "vcpus 9", b_vcpus9, -XEN_EINVAL, BUILD_FIELD_VCPUS, 0, "9 (want 1 to 8)" },
    { "memory 0", b_mem0, -XEN_EINVAL, BUILD_FIELD_MEMORY, 0, "0 MiB" },
    { "memory huge", b_mem_big, -XEN_EINVAL, BUILD_FIELD_MEMORY, 0, "18446744073709551615 MiB" },
    { "maxmem below", b_maxmem, -XEN_EINVAL, BUILD_FIELD_MAXMEM, 0, "15 MiB" },
    { "maxmem huge", b_maxmem_big, -XEN_EINVAL, BUILD_FIELD_MAXMEM, 0, "1048577 MiB" },
    { "weight", b_weight, -XEN_EINVAL, BUILD_FIELD_WEIGHT, 0, "65536" },
    { "cap", b_cap, -XEN_EINVAL, BUILD_FIELD_CAP, 0, "101%" },
    { "a vCPU mask past vcpus", b_cpus, -XEN_EINVAL, BUILD_FIELD_CPUS, 7, "vCPU 7 of 1" },
    { "cmdline unterminated", b_cmd_long, -XEN_EINVAL, BUILD_FIELD_CMDLINE, 0, "not NUL-terminated" },
    { "cmdline tab", b_cmd_tab, -XEN_EINVAL, BUILD_FIELD_CMDLINE, 0, "not printable" },
    { "cmdline tail", b_cmd_tail, -XEN_EINVAL, BUILD_FIELD_CMDLINE, 0, "after the NUL" },
    { "kernel 0", b_k0, -XEN_EINVAL, BUILD_FIELD_KERNEL, 0, "size 0" },
    { "kernel big", b_kbig, -XEN_E2BIG, BUILD_FIELD_KERNEL, 0, "16777217 bytes" },
    { "kernel index slot", b_kindex, -XEN_EINVAL, BUILD_FIELD_KERNEL, 1, "index ref 7 given in slot 1" },
    { "ramdisk big", b_rbig, -XEN_E2BIG, BUILD_FIELD_RAMDISK, 0, "at most 33554432" },
    { "no ramdisk, an index ref", b_rnone_index, -XEN_EINVAL, BUILD_FIELD_RAMDISK, 0, "slot 0 past the 0" },
    { "ramdisk index slot", b_rindex, -XEN_EINVAL, BUILD_FIELD_RAMDISK, 7, "slot 7" },
    { "5 disks", b_ndisks, -XEN_E2BIG, BUILD_FIELD_DISK, 0, "5 of them" },
    { "a disk slot unused, not zero", b_disk_slot, -XEN_EINVAL, BUILD_FIELD_DISK, 3, "slot 3" },
    { "a disk spec unterminated", b_disk_text, -XEN_EINVAL, BUILD_FIELD_DISK, 0, "not NUL-terminated" },
    { "a disk spec xl refuses", b_disk_parse, -XEN_EINVAL, BUILD_FIELD_DISK, 0, "qcow2" },
    { "a disk served by itself", b_disk_self, -XEN_EINVAL, BUILD_FIELD_DISK, 0, "backend=NAME" },
    { "a disk twice", b_disk_twice, -XEN_EEXIST, BUILD_FIELD_DISK, 2, "same device as disk 0" },
    { "too many vifs", b_nvifs, -XEN_E2BIG, BUILD_FIELD_VIF, 0, "4294967295 of them" },
    { "a vif spec xl refuses", b_vif_parse, -XEN_EINVAL, BUILD_FIELD_VIF, 0, "0:" },
    { "a vif with no backend", b_vif_backend, -XEN_EINVAL, BUILD_FIELD_VIF, 1, "backend=NAME" },
    { "a MAC twice", b_vif_mac, -XEN_EEXIST, BUILD_FIELD_VIF, 2, "the MAC of vif 0" },
};

TEST(each_rule_broken)
{
    for (size_t i = 0; i < sizeof(breakages) / sizeof(breakages[0]); i++) {
        const struct breakage *b = &breakages[i];
        int r;
        buildreq_model_good(&spec);
        b->apply(&spec);
        r = decode();
        if (r != b->status || err.err != b->status || err.field != b->field || err.index != b->index ||
            !strstr(err.why, b->words))
            test_fail(__FILE__, __LINE__, "%s: %d, field %u index %u: '%s'", b->what, r, err.field, err.index, err.why);
    }
}

/* Faults in every field at once are reported in buildreq.h's order:
 * mending the one reported brings up the next. */
TEST(order_of_checks)
{
    static const uint16_t order[] = {
        BUILD_FIELD_SPEC,   BUILD_FIELD_RESERVED, BUILD_FIELD_NAME, BUILD_FIELD_VCPUS, BUILD_FIELD_MEMORY,
        BUILD_FIELD_MAXMEM, BUILD_FIELD_WEIGHT,   BUILD_FIELD_CAP,  BUILD_FIELD_CPUS,  BUILD_FIELD_CMDLINE,
        BUILD_FIELD_KERNEL, BUILD_FIELD_RAMDISK,  BUILD_FIELD_DISK, BUILD_FIELD_VIF,
    };
    struct build_spec good;

    buildreq_model_good(&good);
    buildreq_model_good(&spec);
    spec.version = 3;
    spec.reserved[0] = 1;
    spec.name[0] = ' ';
    spec.vcpus = 0;
    spec.memory_mib = 0;
    spec.maxmem_mib = 1;
    spec.weight = 1u << 20;
    spec.cap = 1000;
    spec.vcpu_cpus[5] = 1;
    spec.cmdline[0] = 0x7f;
    spec.kernel_size = 0;
    spec.ramdisk_index[3] = 4;
    spec.nr_disks = 9;
    spec.nr_vifs = 9;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        EXPECT_NE(decode(), 0);
        EXPECT_EQ(err.field, order[i]);
        switch (err.field) { /* mend it */
        case BUILD_FIELD_SPEC: spec.version = good.version; break;
        case BUILD_FIELD_RESERVED: memset(spec.reserved, 0, sizeof(spec.reserved)); break;
        case BUILD_FIELD_NAME: memcpy(spec.name, good.name, sizeof(spec.name)); break;
        case BUILD_FIELD_VCPUS: spec.vcpus = 1; break;
        case BUILD_FIELD_MEMORY: spec.memory_mib = 16; break;
        case BUILD_FIELD_MAXMEM: spec.maxmem_mib = 0; break;
        case BUILD_FIELD_WEIGHT: spec.weight = 0; break;
        case BUILD_FIELD_CAP: spec.cap = 0; break;
        case BUILD_FIELD_CPUS: memset(spec.vcpu_cpus, 0, sizeof(spec.vcpu_cpus)); break;
        case BUILD_FIELD_CMDLINE: memcpy(spec.cmdline, good.cmdline, sizeof(spec.cmdline)); break;
        case BUILD_FIELD_KERNEL: spec.kernel_size = good.kernel_size; break;
        case BUILD_FIELD_RAMDISK: spec.ramdisk_index[3] = 0; break;
        case BUILD_FIELD_DISK: spec.nr_disks = 0; break;
        case BUILD_FIELD_VIF: spec.nr_vifs = 0; break;
        default: break;
        }
    }
    EXPECT_EQ(decode(), 0);
}

TEST(image_limits)
{
    buildreq_model_good(&spec);
    spec.kernel_size = BUILD_KERNEL_MAX;
    for (unsigned i = 0; i < BUILD_KERNEL_INDEX_MAX; i++)
        spec.kernel_index[i] = 200 + i;
    spec.ramdisk_size = BUILD_RAMDISK_MAX;
    for (unsigned i = 0; i < BUILD_RAMDISK_INDEX_MAX; i++)
        spec.ramdisk_index[i] = 300 + i;
    EXPECT_EQ(decode(), 0);
    EXPECT_EQ(plan.kernel.pages, BUILD_KERNEL_INDEX_MAX * BUILD_REFS_PER_INDEX);
    EXPECT_EQ(plan.kernel.index_pages, BUILD_KERNEL_INDEX_MAX);
    EXPECT_EQ(plan.ramdisk.index_pages, BUILD_RAMDISK_INDEX_MAX);
    EXPECT_EQ(plan.ramdisk.index[7], 307);
    EXPECT_EQ(buildreq_page_len(&plan.kernel, plan.kernel.pages - 1), 4096);
    /* One page over the first index page needs the second one. */
    buildreq_model_good(&spec);
    spec.kernel_size = 4096ull * BUILD_REFS_PER_INDEX + 1;
    EXPECT_EQ(decode(), 0);
    EXPECT_EQ(plan.kernel.index_pages, 2);
    EXPECT_EQ(buildreq_page_len(&plan.kernel, BUILD_REFS_PER_INDEX), 1);
    spec.kernel_index[2] = 9;
    EXPECT_EQ(decode(), -XEN_EINVAL);
    EXPECT_EQ(err.index, 2);
}

TEST(devices_decoded)
{
    buildreq_model_devices(&spec);
    strcat(spec.vifs[0].spec, ", model=e1000");
    spec.vcpus = 4;
    spec.cpus = 0x3;
    spec.vcpu_cpus[2] = 0x4;
    spec.maxmem_mib = 64;
    spec.weight = 1;
    spec.cap = 400;
    EXPECT_EQ(decode(), 0);
    EXPECT_EQ(plan.md.disks[0].devid, 51712);
    EXPECT_FALSE(plan.md.disks[0].readonly);
    EXPECT_TRUE(plan.md.disks[1].readonly && !strcmp(plan.md.disks[1].target, "vdb2"));
    EXPECT_TRUE(plan.md.vifs[0].mac_given && plan.md.vifs[0].mac[5] == 3);
    EXPECT_TRUE(!plan.md.vifs[1].mac_given && plan.md.vifs[1].mode == XL_VIF_ROUTE &&
                !strcmp(plan.md.vifs[1].ip, "10.0.0.2"));
    EXPECT_TRUE(strstr(plan.vif_warning, "vif 0: ") != NULL && strstr(plan.vif_warning, "model") != NULL);
    EXPECT_EQ(manifest_vcpu_cpus(&plan.md, 1), 0x3);
    EXPECT_EQ(manifest_vcpu_cpus(&plan.md, 2), 0x4);
    EXPECT_EQ(plan.md.maxmem_mib, 64);
    EXPECT_EQ(plan.md.weight, 1);
}

/* One random change to a spec: a byte anywhere, or a field set to a
 * value near one of its limits. */
static void mutate(struct build_spec *s)
{
    static const uint64_t edges[] = { 0,
                                      1,
                                      2,
                                      3,
                                      4,
                                      7,
                                      8,
                                      9,
                                      15,
                                      16,
                                      100,
                                      101,
                                      800,
                                      1024,
                                      4096,
                                      65535,
                                      65536,
                                      BUILD_MEMORY_MAX_MIB,
                                      BUILD_MEMORY_MAX_MIB + 1ull,
                                      BUILD_KERNEL_MAX,
                                      BUILD_KERNEL_MAX + 1ull,
                                      BUILD_RAMDISK_MAX,
                                      ~0ull };
    uint64_t v = edges[test_rng_below(sizeof(edges) / sizeof(edges[0]))];
    uint8_t *bytes = (uint8_t *)s;

    switch (test_rng_below(12)) {
    case 0: s->vcpus = (uint32_t)v; break;
    case 1: s->memory_mib = v; break;
    case 2: s->maxmem_mib = v; break;
    case 3: s->weight = (uint32_t)v; break;
    case 4: s->cap = (uint32_t)v; break;
    case 5: s->kernel_size = v; break;
    case 6: s->ramdisk_size = v; break;
    case 7: s->vcpu_cpus[test_rng_below(BUILD_VCPUS_MAX)] = v; break;
    case 8: s->nr_disks = (uint32_t)(v % 6); break;
    case 9: s->nr_vifs = (uint32_t)(v % 6); break;
    default: bytes[test_rng_below(sizeof(*s))] = (uint8_t)test_rng_next(); break;
    }
}

TEST(randomized_against_reference)
{
    unsigned long long steps = test_random_init(0x6275696c64ull, 20000);
    static struct buildreq_plan again;
    struct construct_failure err2;
    unsigned accepted = 0;

    for (unsigned long long i = 0; i < steps; i++) {
        int r;
        if (i % 2) /* with devices, so that mutations reach xl's parsers */
            buildreq_model_devices(&spec);
        else
            buildreq_model_good(&spec);
        for (uint32_t k = test_rng_below(4) + 1; k; k--)
            mutate(&spec);
        r = decode();
        accepted += r == 0;
        /* The same answer twice, byte for byte. */
        EXPECT_EQ(buildreq_decode(&spec, &again, &err2), r);
        if (r == 0 && memcmp(&again, &plan, sizeof(plan)))
            test_fail(__FILE__, __LINE__, "step %llu: a second decode differs", i);
        if (r && memcmp(&err2, &err, sizeof(err)))
            test_fail(__FILE__, __LINE__, "step %llu: a second refusal differs", i);
    }
    /* Neither side of the rules went untested. */
    EXPECT_TRUE(accepted > steps / 20 && accepted < steps - steps / 20);
}

/* A hot-plug page: decoded for either op, every refusal with its field. */
static int decode_dev(uint32_t op, uint32_t kind, const char *text, struct buildreq_device *d)
{
    struct build_device dev = { .version = BUILD_DEVICE_VERSION, .kind = kind, .domid = 7 };

    snprintf(dev.spec, sizeof(dev.spec), "%s", text);
    return buildreq_decode_device(op, &dev, d, &err);
}

TEST(device_pages)
{
    static struct buildreq_device d;
    struct build_device dev = { .version = BUILD_DEVICE_VERSION, .kind = BUILD_DEVICE_DISK, .domid = 3 };

    EXPECT_EQ(decode_dev(BUILD_OP_ATTACH, BUILD_DEVICE_DISK,
                         "format=raw, vdev=xvdb, access=rw, backend=blkdrv, target=vdb", &d),
              0);
    EXPECT_EQ(d.domid, 7);
    EXPECT_EQ(d.devid, 51728);
    EXPECT_TRUE(!strcmp(d.disk.target, "vdb") && !strcmp(d.disk.backend, "blkdrv") && !d.disk.readonly);
    EXPECT_EQ(decode_dev(BUILD_OP_ATTACH, BUILD_DEVICE_VIF, "mac=00:16:3e:00:00:31,bridge=xenbr0,backend=netdrv", &d),
              0);
    EXPECT_TRUE(d.vif.mac_given && d.vif.mac[5] == 0x31 && d.vif.handle == 0);
    EXPECT_EQ(decode_dev(BUILD_OP_ATTACH, BUILD_DEVICE_VIF, "", &d), 0); /* every default */
    EXPECT_FALSE(d.vif.mac_given);
    EXPECT_EQ(decode_dev(BUILD_OP_ATTACH, BUILD_DEVICE_DISK, "format=qcow2, vdev=xvdb, target=vdb", &d), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_DEVICE);
    EXPECT_EQ(decode_dev(BUILD_OP_ATTACH, BUILD_DEVICE_VIF, "rate=10Mb/s", &d), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_DEVICE);
    /* Detach: a vdev or its number; a handle or a MAC. */
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_DISK, "xvdb", &d), 0);
    EXPECT_EQ(d.devid, 51728);
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_DISK, "51728", &d), 0);
    EXPECT_EQ(d.devid, 51728);
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_DISK, "xvd", &d), -XEN_EINVAL);
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_DISK, "", &d), -XEN_EINVAL);
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_VIF, "1", &d), 0);
    EXPECT_TRUE(d.devid == 1 && !d.by_mac);
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_VIF, "00:16:3e:00:00:31", &d), 0);
    EXPECT_TRUE(d.by_mac && d.mac[5] == 0x31);
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_VIF, "00:16:3e:00:00:31,ip=1.2.3.4", &d), -XEN_EINVAL);
    EXPECT_EQ(decode_dev(BUILD_OP_DETACH, BUILD_DEVICE_VIF, "eth1", &d), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_DEVICE);
    /* The page's own fields, in the order they are checked. */
    dev.version = 2;
    dev.kind = 9;
    EXPECT_EQ(buildreq_decode_device(BUILD_OP_DETACH, &dev, &d, &err), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_SPEC);
    dev.version = BUILD_DEVICE_VERSION;
    dev.reserved[15] = 1;
    EXPECT_EQ(buildreq_decode_device(BUILD_OP_DETACH, &dev, &d, &err), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_RESERVED);
    dev.reserved[15] = 0;
    dev.reserved0 = 1;
    EXPECT_EQ(buildreq_decode_device(BUILD_OP_DETACH, &dev, &d, &err), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_RESERVED);
    dev.reserved0 = 0;
    EXPECT_EQ(buildreq_decode_device(BUILD_OP_DETACH, &dev, &d, &err), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_KIND);
    dev.kind = BUILD_DEVICE_DISK;
    memcpy(dev.spec, "xvdb", 5);
    dev.spec[BUILD_DEVSPEC_MAX - 1] = 'x'; /* a byte after the NUL */
    EXPECT_EQ(buildreq_decode_device(BUILD_OP_DETACH, &dev, &d, &err), -XEN_EINVAL);
    EXPECT_EQ(err.field, BUILD_FIELD_DEVICE);
    memset(dev.spec, 'a', sizeof(dev.spec)); /* no NUL */
    EXPECT_EQ(buildreq_decode_device(BUILD_OP_ATTACH, &dev, &d, &err), -XEN_EINVAL);
    EXPECT_TRUE(strstr(err.why, "NUL") != NULL);
    memset(dev.spec, 0, sizeof(dev.spec));
    memcpy(dev.spec, "xvdb\n", 6);
    EXPECT_EQ(buildreq_decode_device(BUILD_OP_DETACH, &dev, &d, &err), -XEN_EINVAL);
}

/* The build's device checks serve a hot-plug: a vdev twice, a MAC twice,
 * no backend. */
TEST(device_fits)
{
    static struct manifest_domain md;
    char why[160];

    snprintf(md.name, sizeof(md.name), "g");
    EXPECT_EQ(xl_disk_parse("phy:vda1,xvda,w,backend=blkdrv", &md.disks[0], why, sizeof(why)), 0);
    EXPECT_EQ(xl_disk_parse("phy:vdb,xvda,w,backend=blkdrv", &md.disks[1], why, sizeof(why)), 0);
    EXPECT_EQ(buildreq_device_fits(&md, BUILD_DEVICE_DISK, 1, &err), -XEN_EEXIST);
    EXPECT_EQ(xl_disk_parse("phy:vdb,xvdb,w,backend=blkdrv", &md.disks[1], why, sizeof(why)), 0);
    EXPECT_EQ(buildreq_device_fits(&md, BUILD_DEVICE_DISK, 1, &err), 0);
    EXPECT_EQ(xl_disk_parse("phy:vdb,xvdb,w", &md.disks[1], why, sizeof(why)), 0);
    EXPECT_EQ(buildreq_device_fits(&md, BUILD_DEVICE_DISK, 1, &err), -XEN_EINVAL);
    EXPECT_EQ(xl_vif_parse("backend=netdrv", &md.vifs[0], why, sizeof(why)), 0);
    xl_vif_random_mac(md.vifs[0].mac, 0x123456); /* drawn at its build */
    EXPECT_EQ(xl_vif_parse("mac=00:16:3e:12:34:56,backend=netdrv", &md.vifs[1], why, sizeof(why)), 0);
    EXPECT_EQ(buildreq_device_fits(&md, BUILD_DEVICE_VIF, 1, &err), -XEN_EEXIST);
    EXPECT_EQ(xl_vif_parse("mac=00:16:3e:12:34:57,backend=netdrv", &md.vifs[1], why, sizeof(why)), 0);
    EXPECT_EQ(buildreq_device_fits(&md, BUILD_DEVICE_VIF, 1, &err), 0);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(good_spec), TEST_ENTRY(request_checks), TEST_ENTRY(each_rule_broken), TEST_ENTRY(order_of_checks),
        TEST_ENTRY(image_limits), TEST_ENTRY(devices_decoded), TEST_ENTRY(randomized_against_reference),
        TEST_ENTRY(device_pages), TEST_ENTRY(device_fits), TEST_END });
}
