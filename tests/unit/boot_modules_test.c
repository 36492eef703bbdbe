/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the boot module placement check: modules outside RAM,
 * over the core's regions or over each other are rejected with one line
 * naming both sides; absurd addresses near 2^64 must not wrap.
 */
#include "core/boot_modules.h"

#include "harness.h"

#include "core/env.h"
#include "core/errno.h"

static struct memmap ram;
static struct mb2_info info;

static const struct boot_region regions[] = {
    { 0x100000, 0x180000, "core image" },
    { 0x9000, 0xa000, "boot info" },
};

/* RAM: [0, 0x9f000) and [0x100000, 0x80000000), as on a small PC. */
static void setup(void)
{
    struct mb2_mmap_entry e[] = { { 0x0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0x100000, 0x7ff00000, 1 } };

    memset(&info, 0, sizeof(info));
    ASSERT(memmap_build(e, 3, &ram) == 0);
}

static void add_module(paddr_t start, paddr_t end, const char *cmdline)
{
    ASSERT(info.module_count < MB2_MAX_MODULES);
    info.modules[info.module_count++] = (struct mb2_module){ start, end, cmdline };
}

static int check(void)
{
    return boot_modules_check(&info, &ram, regions, ARRAY_SIZE(regions));
}

#define EXPECT_REJECT(needle) EXPECT_ONE_ERROR(check(), -ERR_INVAL, "%s", needle)

TEST(good_layout_passes)
{
    setup();
    EXPECT_EQ(check(), 0);
    add_module(0x200000, 0x2a1234, "/boot/builder.elf");
    add_module(0x2a2000, 0x400000, "/boot/initrd.img");
    add_module(0x400000, 0x500000, "adjacent is fine");
    add_module(0x180000, 0x181000, "right after the core");
    add_module(0x1000, 0x9000, "low memory, up to the info block");
    EXPECT_EQ(check(), 0);
    EXPECT_EQ(log_count(), 0);
}

TEST(empty_module_rejected)
{
    setup();
    add_module(0x200000, 0x201000, "a");
    add_module(0x300000, 0x300000, "empty");
    EXPECT_REJECT("boot: module 1 'empty' [0x300000, 0x300000) is empty");
}

TEST(module_outside_ram)
{
    setup();
    add_module(0x200000, 0x5fffffffff, "initrd.img");
    EXPECT_REJECT("boot: module 0 'initrd.img' [0x200000, 0x5fffffffff) lies outside usable RAM");
    setup();
    add_module(0x9e000, 0x101000, "across the hole");
    EXPECT_REJECT("boot: module 0 'across the hole' [0x9e000, 0x101000) lies outside usable RAM");
    setup();
    add_module(0x9f000, 0x9f001, "firmware byte");
    EXPECT_REJECT("lies outside usable RAM");
}

TEST(module_over_core_regions)
{
    setup();
    add_module(0x17f000, 0x190000, "kernel");
    EXPECT_REJECT("boot: module 0 'kernel' [0x17f000, 0x190000) overlaps core image [0x100000, 0x180000)");
    setup();
    add_module(0x8fff, 0x9001, "tiny");
    EXPECT_REJECT("boot: module 0 'tiny' [0x8fff, 0x9001) overlaps boot info [0x9000, 0xa000)");
}

TEST(unnamed_region)
{
    struct boot_region r = { 0x300000, 0x301000, NULL };

    setup();
    add_module(0x300800, 0x300900, "m");
    EXPECT_EQ(boot_modules_check(&info, &ram, &r, 1), -ERR_INVAL);
    EXPECT_LOG("overlaps reserved region [0x300000, 0x301000)");
}

TEST(modules_overlapping_each_other)
{
    setup();
    add_module(0x200000, 0x300000, "a");
    add_module(0x400000, 0x500000, "b");
    add_module(0x4fffff, 0x600000, "c");
    EXPECT_REJECT("boot: module 2 'c' [0x4fffff, 0x600000) overlaps module 1 'b'");
    setup();
    add_module(0x200000, 0x300000, "a");
    add_module(0x210000, 0x220000, "inside a");
    EXPECT_REJECT("boot: module 1 'inside a' [0x210000, 0x220000) overlaps module 0 'a'");
    setup();
    add_module(0x200000, 0x300000, "same");
    add_module(0x200000, 0x300000, "same");
    EXPECT_REJECT("overlaps module 0 'same'");
}

TEST(absurd_addresses_do_not_wrap)
{
    struct mb2_mmap_entry top[] = { { 0x100000, 0xffffffffffe00000, 1 } }; /* up to 2^64 - 1 MiB */
    struct boot_region high = { 0xfffffffffff00000, UINT64_MAX, "top" };

    setup();
    add_module(0xfffffffffffff000, UINT64_MAX, "near 2^64");
    EXPECT_REJECT("boot: module 0 'near 2^64' [0xfffffffffffff000, 0xffffffffffffffff) lies outside usable RAM");

    EXPECT_EQ(memmap_build(top, 1, &ram), 0);
    memset(&info, 0, sizeof(info));
    add_module(0xffffffffffe00000, 0xfffffffffff00000, "at the very top");
    EXPECT_EQ(boot_modules_check(&info, &ram, &high, 1), 0);
    info.modules[0].end = 0xfffffffffff00001;
    EXPECT_EQ(boot_modules_check(&info, &ram, &high, 1), -ERR_INVAL);
    EXPECT_LOG("lies outside usable RAM");
    add_module(0x200000, UINT64_MAX, "huge");
    info.modules[0].end = 0xfffffffffff00000;
    log_clear();
    EXPECT_EQ(boot_modules_check(&info, &ram, NULL, 0), -ERR_INVAL);
    EXPECT_LOG("boot: module 1 'huge' [0x200000, 0xffffffffffffffff) lies outside usable RAM");
}

TEST(long_command_line_is_shortened)
{
    static const char long_name[] = "/boot/a-very-long-module-path/with/many/components/linux.elf console=hvc0";

    setup();
    add_module(0x200000, 0x300000, long_name);
    add_module(0x250000, 0x260000, long_name);
    EXPECT_REJECT("boot: module 1 '/boot/a-very-long-module-path/with/many/comp...' [0x250000, 0x260000) "
                  "overlaps module 0 '/boot/a-very-long-module-path/with/many/comp...'");
}

TEST(null_command_line)
{
    setup();
    add_module(0x200000, 0x200000, NULL);
    EXPECT_REJECT("boot: module 0 '' [0x200000, 0x200000) is empty");
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(good_layout_passes),
        TEST_ENTRY(empty_module_rejected),
        TEST_ENTRY(module_outside_ram),
        TEST_ENTRY(module_over_core_regions),
        TEST_ENTRY(unnamed_region),
        TEST_ENTRY(modules_overlapping_each_other),
        TEST_ENTRY(absurd_addresses_do_not_wrap),
        TEST_ENTRY(long_command_line_is_shortened),
        TEST_ENTRY(null_command_line),
        TEST_END,
    });
}
