/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the guest page walk (core/svm/guest_walk.c). Guest memory
 * is a 256 KiB array at guest-physical 0; the read hook refuses anything
 * outside it and counts its reads, so a test can see both the answer and
 * how many entries the walk read. One test per rule of guest_walk.h, and
 * one per fault the walk of svm_guest_mem.c used to miss.
 */
#include "core/guest_walk.h"

#include "harness.h"

#include <string.h>

#include "core/errno.h"

#define PAGE      4096u
#define MEM_PAGES 64u
#define MEM_SIZE  (MEM_PAGES * PAGE)

#define P   (1ull << 0)
#define W   (1ull << 1)
#define U   (1ull << 2)
#define PS  (1ull << 7)
#define NX  (1ull << 63)
#define PWU (P | W | U)

#define CR0_PG_WP (GUEST_WALK_CR0_PG | GUEST_WALK_CR0_WP)
#define LONG_EFER (GUEST_WALK_EFER_LMA | GUEST_WALK_EFER_NXE)

#define RD 0u
#define WR GUEST_WALK_WRITE
#define US GUEST_WALK_USER
#define FX GUEST_WALK_FETCH

static uint8_t mem[MEM_SIZE];
static unsigned reads, next_table;
static uint64_t mid_flags; /* flags of the tables lm_map creates */

/* What guest_walk_copy asked the copy hook to do. */
static struct {
    uint64_t gpa;
    size_t offset, len;
} copies[8];
static unsigned ncopies;

static int read_hook(void *ctx, uint64_t gpa, uint64_t *word)
{
    (void)ctx;
    reads++;
    if (gpa & 7)
        test_fail(__FILE__, __LINE__, "unaligned entry read at 0x%llx", (unsigned long long)gpa);
    if (gpa >= MEM_SIZE)
        return -1;
    memcpy(word, &mem[gpa], 8);
    return 0;
}

static int copy_hook(void *ctx, uint64_t gpa, size_t offset, size_t len)
{
    (void)ctx;
    if (ncopies < 8) {
        copies[ncopies].gpa = gpa;
        copies[ncopies].offset = offset;
        copies[ncopies].len = len;
    }
    ncopies++;
    return gpa < MEM_SIZE && len <= MEM_SIZE - gpa ? 0 : -1;
}

static void put64(uint64_t gpa, uint64_t v)
{
    memcpy(&mem[gpa], &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
    memcpy(&mem[gpa], &v, 4);
}

static uint64_t get64(uint64_t gpa)
{
    uint64_t v;

    memcpy(&v, &mem[gpa], 8);
    return v;
}

/* A fresh guest in long mode: empty PML4 at 0x1000, tables from 0x2000. */
static struct guest_walk long_guest(void)
{
    memset(mem, 0, sizeof(mem));
    reads = ncopies = 0;
    next_table = 2;
    mid_flags = PWU;
    return (struct guest_walk){ .cr0 = CR0_PG_WP,
                                .cr3 = 0x1000,
                                .cr4 = GUEST_WALK_CR4_PAE,
                                .efer = LONG_EFER,
                                .read = read_hook,
                                .copy = copy_hook };
}

/* Writes leaf as the entry for gva at level (1: PT .. 4: PML4) of the long-mode
 * tables at 0x1000, creating the tables above it with mid_flags. */
static void lm_map(uint64_t gva, unsigned level, uint64_t leaf)
{
    uint64_t table = 0x1000;

    for (unsigned l = 4; l > level; l--) {
        uint64_t slot = table + ((gva >> (12 + 9 * (l - 1))) & 511) * 8;

        if (!(get64(slot) & P))
            put64(slot, (uint64_t)(next_table++) * PAGE | mid_flags);
        table = get64(slot) & 0x000ffffffffff000ull;
    }
    put64(table + ((gva >> (12 + 9 * (level - 1))) & 511) * 8, leaf);
}

static int walk(const struct guest_walk *w, uint64_t gva, unsigned access, uint64_t *gpa)
{
    reads = 0;
    return guest_walk(w, gva, access, gpa);
}

/* The walk's answer for gva, or ~0 when it faults. */
static uint64_t xlate(const struct guest_walk *w, uint64_t gva, unsigned access)
{
    uint64_t gpa = ~0ull;

    return walk(w, gva, access, &gpa) == 0 ? gpa : ~0ull;
}

#define FAULT (~0ull)

TEST(paging_off_is_identity)
{
    struct guest_walk w = long_guest();

    w.cr0 = 0;
    w.efer = 0;
    EXPECT_EQ(xlate(&w, 0x123456789abcull, WR), 0x56789abc);
    EXPECT_EQ(reads, 0);
    w.efer = GUEST_WALK_EFER_LMA;
    EXPECT_EQ(xlate(&w, 0x123456789abcull, RD), 0x123456789abcull);
}

TEST(long_mode_4k_page)
{
    struct guest_walk w = long_guest();
    uint64_t gva = 0x00007f8012345abcull;

    lm_map(gva, 1, 0x30000 | PWU);
    EXPECT_EQ(xlate(&w, gva, RD), 0x30abc);
    EXPECT_EQ(reads, 4);
    EXPECT_EQ(xlate(&w, gva | 0xfff, WR | US), 0x30fff);
    EXPECT_EQ(xlate(&w, gva + 0x1000, RD), FAULT); /* its PT entry is empty */
}

TEST(long_mode_not_present_at_each_level)
{
    for (unsigned level = 1; level <= 4; level++) {
        struct guest_walk w = long_guest();
        uint64_t gva = 0x0000123456789000ull;

        lm_map(gva, 1, 0x30000 | PWU);
        lm_map(gva, level, 0); /* overwrite that level's entry with not-present */
        EXPECT_EQ(xlate(&w, gva, RD), FAULT);
        EXPECT_EQ(reads, 5 - level);
    }
}

TEST(long_mode_2m_and_1g_pages)
{
    struct guest_walk w = long_guest();

    lm_map(0x40000000, 2, 0x600000 | PS | PWU);
    EXPECT_EQ(xlate(&w, 0x401abcde, RD), 0x7abcde);
    EXPECT_EQ(reads, 3);
    lm_map(0x40200000, 2, 0x600000 | PS | PWU | (1ull << 12)); /* the PAT bit is not an address bit */
    EXPECT_EQ(xlate(&w, 0x40212345, RD), 0x612345);
    lm_map(0x8000000000ull, 3, 0x40000000 | PS | PWU);
    EXPECT_EQ(xlate(&w, 0x8012345678ull, RD), 0x52345678);
    EXPECT_EQ(reads, 2);
}

/* The old walk ignored these reserved bits and translated anyway. */
TEST(long_mode_large_page_reserved_bits_fault)
{
    struct guest_walk w = long_guest();

    lm_map(0x40000000, 2, 0x600000 | PS | PWU | (1ull << 13));
    EXPECT_EQ(xlate(&w, 0x40000000, RD), FAULT);
    lm_map(0x40000000, 2, 0x600000 | PS | PWU | (1ull << 20));
    EXPECT_EQ(xlate(&w, 0x40000000, RD), FAULT);
    lm_map(0x8000000000ull, 3, 0x40000000 | PS | PWU | (1ull << 29));
    EXPECT_EQ(xlate(&w, 0x8000000000ull, RD), FAULT);
    lm_map(0x8000000000ull, 3, 0x40000000 | PS | PWU | (1ull << 13));
    EXPECT_EQ(xlate(&w, 0x8000000000ull, RD), FAULT);
}

/* The old walk treated a PML4 entry with PS as a table. */
TEST(long_mode_ps_in_pml4_faults)
{
    struct guest_walk w = long_guest();

    lm_map(0x1000, 1, 0x30000 | PWU);
    put64(0x1000, get64(0x1000) | PS);
    EXPECT_EQ(xlate(&w, 0x1000, RD), FAULT);
    EXPECT_EQ(reads, 1);
}

TEST(long_mode_nx)
{
    struct guest_walk w = long_guest();

    lm_map(0x5000, 1, 0x30000 | PWU | NX);
    EXPECT_EQ(xlate(&w, 0x5000, RD), 0x30000);
    EXPECT_EQ(xlate(&w, 0x5000, WR), 0x30000);
    EXPECT_EQ(xlate(&w, 0x5000, FX), FAULT);
    w.efer = GUEST_WALK_EFER_LMA; /* without EFER.NXE bit 63 is reserved */
    EXPECT_EQ(xlate(&w, 0x5000, RD), FAULT);
    lm_map(0x5000, 1, 0x30000 | PWU);
    EXPECT_EQ(xlate(&w, 0x5000, FX), 0x30000);
    w.efer = LONG_EFER;
    lm_map(0x5000, 3, get64(0x2000) | NX); /* NX in a table entry covers all below */
    EXPECT_EQ(xlate(&w, 0x5000, FX), FAULT);
    EXPECT_EQ(xlate(&w, 0x5000, RD), 0x30000);
}

TEST(long_mode_user_supervisor)
{
    struct guest_walk w = long_guest();

    mid_flags = P | W; /* supervisor-only tables above a user leaf */
    lm_map(0x5000, 1, 0x30000 | PWU);
    EXPECT_EQ(xlate(&w, 0x5000, RD), 0x30000);
    EXPECT_EQ(xlate(&w, 0x5000, RD | US), FAULT);
    lm_map(0x6000, 1, 0x31000 | P | W);
    EXPECT_EQ(xlate(&w, 0x6000, WR | US), FAULT);
}

/* The old walk let the core write through a read-only guest mapping. */
TEST(long_mode_write_needs_rw_at_every_level)
{
    struct guest_walk w = long_guest();

    lm_map(0x5000, 1, 0x30000 | P | U);
    EXPECT_EQ(xlate(&w, 0x5000, RD), 0x30000);
    EXPECT_EQ(xlate(&w, 0x5000, WR), FAULT);
    EXPECT_EQ(xlate(&w, 0x5000, WR | US), FAULT);
    w.cr0 = GUEST_WALK_CR0_PG; /* CR0.WP clear: the supervisor may write */
    EXPECT_EQ(xlate(&w, 0x5000, WR), 0x30000);
    EXPECT_EQ(xlate(&w, 0x5000, WR | US), FAULT);
    w.cr0 = CR0_PG_WP;
    lm_map(0x5000, 1, 0x30000 | PWU);
    lm_map(0x5000, 2, get64(0x3000) & ~W); /* a read-only page directory entry */
    EXPECT_EQ(xlate(&w, 0x5000, WR), FAULT);
    EXPECT_EQ(xlate(&w, 0x5000, RD | US), 0x30000);
}

TEST(smep_and_smap)
{
    struct guest_walk w = long_guest();

    lm_map(0x5000, 1, 0x30000 | PWU);
    lm_map(0x6000, 1, 0x31000 | P | W); /* the same tables, a supervisor page */
    w.cr4 |= GUEST_WALK_CR4_SMEP;
    EXPECT_EQ(xlate(&w, 0x5000, FX), FAULT);
    EXPECT_EQ(xlate(&w, 0x5000, FX | US), 0x30000);
    EXPECT_EQ(xlate(&w, 0x5000, RD), 0x30000);
    w.cr4 |= GUEST_WALK_CR4_SMAP;
    EXPECT_EQ(xlate(&w, 0x5000, RD), FAULT);
    EXPECT_EQ(xlate(&w, 0x5000, WR), FAULT);
    EXPECT_EQ(xlate(&w, 0x6000, WR), 0x31000);
    w.rflags = GUEST_WALK_RFLAGS_AC;
    EXPECT_EQ(xlate(&w, 0x5000, WR), 0x30000);
    EXPECT_EQ(xlate(&w, 0x5000, FX), FAULT); /* AC does not lift SMEP */
}

TEST(non_canonical_addresses_fault_without_a_read)
{
    struct guest_walk w = long_guest();

    lm_map(0xffff800000001000ull, 1, 0x30000 | PWU);
    lm_map(0x00007ffffffff000ull, 1, 0x31000 | PWU);
    EXPECT_EQ(xlate(&w, 0xffff800000001234ull, RD), 0x30234);
    EXPECT_EQ(xlate(&w, 0x00007ffffffff234ull, RD), 0x31234);
    EXPECT_EQ(xlate(&w, 0x0000800000001234ull, RD), FAULT);
    EXPECT_EQ(reads, 0);
    EXPECT_EQ(xlate(&w, 0xff00800000001234ull, RD), FAULT);
    EXPECT_EQ(xlate(&w, 0x7fff800000001234ull, RD), FAULT);
}

TEST(unsupported_modes_are_refused)
{
    struct guest_walk w = long_guest();

    lm_map(0x5000, 1, 0x30000 | PWU);
    w.cr4 |= GUEST_WALK_CR4_LA57;
    EXPECT_EQ(xlate(&w, 0x5000, RD), FAULT);
    EXPECT_EQ(reads, 0);
    w.cr4 = 0; /* long mode without PAE cannot run */
    EXPECT_EQ(xlate(&w, 0x5000, RD), FAULT);
}

TEST(tables_outside_guest_memory_fault)
{
    struct guest_walk w = long_guest();

    lm_map(0x5000, 1, 0x30000 | PWU);
    lm_map(0x5000, 2, (uint64_t)MEM_SIZE | PWU); /* the PT is beyond memory */
    EXPECT_EQ(xlate(&w, 0x5000, RD), FAULT);
    lm_map(0x5000, 2, 0x000ffffffffff000ull | PWU); /* the highest address an entry holds */
    EXPECT_EQ(xlate(&w, 0x5000, RD), FAULT);
    w.cr3 = 0xfffffffffffff000ull;
    EXPECT_EQ(xlate(&w, 0x5000, RD), FAULT);
    EXPECT_EQ(reads, 1);
}

TEST(self_referencing_tables_end_after_four_reads)
{
    struct guest_walk w = long_guest();
    uint64_t gva = (5ull << 39) | (5ull << 30) | (5ull << 21) | (5ull << 12) | 0x28;

    put64(0x1000 + 5 * 8, 0x1000 | PWU); /* PML4[5] points to the PML4 */
    EXPECT_EQ(xlate(&w, gva, RD), 0x1028);
    EXPECT_EQ(reads, 4);
    put64(0x1000, 0x1000 | PWU | PS); /* PML4[0]: PS is reserved at level 4 */
    EXPECT_EQ(xlate(&w, 0x1000, RD), FAULT);
    put64(0x1000, 0x1000 | PWU);
    EXPECT_EQ(xlate(&w, 0x10, RD), 0x1010);
    put64(0x2000, 0x2000 | PWU); /* and an entry pointing to its own table below */
    put64(0x1000 + 6 * 8, 0x2000 | PWU);
    EXPECT_EQ(xlate(&w, (6ull << 39) | 0x7, RD), 0x2007);
}

/* PAE: CR3 names four PDPTEs, which grant every right. */
static struct guest_walk pae_guest(void)
{
    struct guest_walk w = long_guest();

    w.cr3 = 0x1fe0;                      /* 32-byte aligned */
    w.efer = GUEST_WALK_EFER_NXE;        /* no LMA */
    put64(0x1fe0 + 3 * 8, 0x2000 | P);   /* PDPTE 3 -> PD at 0x2000 */
    put64(0x2000 + 1 * 8, 0x3000 | PWU); /* PD[1] of 0xc0200000 -> PT at 0x3000 */
    put64(0x3000 + 5 * 8, 0x30000 | P | U | NX);
    put64(0x2000 + 2 * 8, 0x600000 | PS | PWU); /* a 2 MiB page at 0xc0400000 */
    return w;
}

TEST(pae_mode)
{
    struct guest_walk w = pae_guest();

    EXPECT_EQ(xlate(&w, 0xc0205abc, RD | US), 0x30abc);
    EXPECT_EQ(reads, 3);
    EXPECT_EQ(xlate(&w, 0x12345c0205abcull, RD), 0x30abc); /* bits above 31 are dropped */
    EXPECT_EQ(xlate(&w, 0xc0205abc, WR), FAULT);
    EXPECT_EQ(xlate(&w, 0xc0205abc, FX | US), FAULT);
    EXPECT_EQ(xlate(&w, 0xc0512345, WR), 0x712345);
    EXPECT_EQ(xlate(&w, 0x00205abc, RD), FAULT); /* PDPTE 0 is not present */
}

TEST(pae_reserved_bits_fault)
{
    struct guest_walk w = pae_guest();

    put64(0x1fe0 + 3 * 8, 0x2000 | P | W); /* R/W is reserved in a PDPTE */
    EXPECT_EQ(xlate(&w, 0xc0205abc, RD), FAULT);
    put64(0x1fe0 + 3 * 8, 0x2000 | P | NX);
    EXPECT_EQ(xlate(&w, 0xc0205abc, RD), FAULT);
    put64(0x1fe0 + 3 * 8, 0x2000 | P);
    put64(0x3000 + 5 * 8, 0x30000 | P | (1ull << 52)); /* bits 62:52 are reserved in PAE entries */
    EXPECT_EQ(xlate(&w, 0xc0205abc, RD), FAULT);
    put64(0x2000 + 2 * 8, 0x600000 | PS | PWU | (1ull << 14));
    EXPECT_EQ(xlate(&w, 0xc0400000, RD), FAULT);
    w.efer = 0;
    put64(0x3000 + 5 * 8, 0x30000 | P | NX);
    EXPECT_EQ(xlate(&w, 0xc0205abc, RD), FAULT);
}

/* 32-bit paging: 4-byte entries, 4 MiB pages with CR4.PSE. */
static struct guest_walk legacy_guest(void)
{
    struct guest_walk w = long_guest();

    w.cr4 = GUEST_WALK_CR4_PSE;
    w.efer = 0;
    put32(0x1000 + 0x301 * 4, 0x3000 | PWU); /* PDE for 0xc0400000 */
    put32(0x3000 + 0x3ff * 4, 0x30000 | P);  /* PTE for 0xc07ff000 */
    put32(0x3000 + 0x3fe * 4, 0x31000 | PWU);
    return w;
}

TEST(legacy_32bit_paging)
{
    struct guest_walk w = legacy_guest();

    EXPECT_EQ(xlate(&w, 0xc07ff123, RD), 0x30123);
    EXPECT_EQ(reads, 2);
    EXPECT_EQ(xlate(&w, 0xc07ff123, WR), FAULT);
    EXPECT_EQ(xlate(&w, 0xc07ff123, RD | US), FAULT);
    EXPECT_EQ(xlate(&w, 0xc07fe123, WR | US), 0x31123);
    EXPECT_EQ(xlate(&w, 0xffffffffc07fe123ull, RD), 0x31123); /* bits above 31 are dropped */
    EXPECT_EQ(xlate(&w, 0xc07fd000, RD), FAULT);
}

/* The old walk dropped a 4 MiB page's address bits 39:32 (PDE bits 20:13). */
TEST(legacy_4m_pages_with_pse40)
{
    struct guest_walk w = legacy_guest();

    put32(0x1000 + 0x10 * 4, 0x00800000u | (uint32_t)(PS | PWU));
    EXPECT_EQ(xlate(&w, 0x04123456, RD), 0x00923456);
    EXPECT_EQ(reads, 1);
    put32(0x1000 + 0x10 * 4, 0x00800000u | (0x5au << 13) | (uint32_t)(PS | PWU));
    EXPECT_EQ(xlate(&w, 0x04123456, RD), 0x5a00923456ull);
    put32(0x1000 + 0x10 * 4, 0x00800000u | (1u << 21) | (uint32_t)(PS | PWU)); /* reserved */
    EXPECT_EQ(xlate(&w, 0x04123456, RD), FAULT);
    w.cr4 = 0;                                   /* without CR4.PSE the PS bit is ignored: the PDE names a page table */
    EXPECT_EQ(xlate(&w, 0x04123456, RD), FAULT); /* at 0xa00000, beyond the 256 KiB of memory */
    put32(0x1000 + 0x10 * 4, 0x4000u | (uint32_t)(PS | PWU));
    put32(0x4000 + 0x123 * 4, 0x32000 | P);
    EXPECT_EQ(xlate(&w, 0x04123456, RD), 0x32456);
}

TEST(copy_crossing_a_page_boundary)
{
    struct guest_walk w = long_guest();

    lm_map(0x5000, 1, 0x30000 | PWU);
    lm_map(0x6000, 1, 0x20000 | PWU);
    EXPECT_EQ(guest_walk_copy(&w, 0x5ffa, 16, RD), 0);
    EXPECT_EQ(ncopies, 2);
    EXPECT_EQ(copies[0].gpa, 0x30ffa);
    EXPECT_EQ(copies[0].offset, 0);
    EXPECT_EQ(copies[0].len, 6);
    EXPECT_EQ(copies[1].gpa, 0x20000);
    EXPECT_EQ(copies[1].offset, 6);
    EXPECT_EQ(copies[1].len, 10);
    ncopies = 0;
    EXPECT_EQ(guest_walk_copy(&w, 0x6ffc, 8, RD), -ERR_FAULT); /* 0x7000 is not mapped */
    EXPECT_EQ(ncopies, 1);
    ncopies = 0;
    EXPECT_EQ(guest_walk_copy(&w, 0x5000, 0, RD), 0);
    EXPECT_EQ(ncopies, 0);
    EXPECT_EQ(guest_walk_copy(&w, 0x5000, 3 * PAGE, RD), -ERR_FAULT);
    EXPECT_EQ(ncopies, 2);
}

TEST(copy_refuses_ranges_that_wrap_or_fault)
{
    struct guest_walk w = long_guest();

    lm_map(0xfffffffffffff000ull, 1, 0x30000 | PWU);
    lm_map(0x0, 1, 0x31000 | PWU);
    EXPECT_EQ(guest_walk_copy(&w, 0xfffffffffffffff0ull, 16, RD), 0);
    EXPECT_EQ(guest_walk_copy(&w, 0xfffffffffffffff0ull, 17, RD), -ERR_FAULT);
    EXPECT_EQ(ncopies, 1);
    lm_map(0x5000, 1, 0x30000 | P | U);
    ncopies = 0;
    EXPECT_EQ(guest_walk_copy(&w, 0x5000, 8, WR), -ERR_FAULT);
    EXPECT_EQ(ncopies, 0);
    lm_map(0x5000, 1, (uint64_t)MEM_SIZE | PWU); /* a data page beyond memory: the copy hook fails */
    EXPECT_EQ(guest_walk_copy(&w, 0x5000, 8, RD), -ERR_FAULT);
    EXPECT_EQ(ncopies, 1);
}

TEST(a_fault_leaves_gpa_alone)
{
    struct guest_walk w = long_guest();
    uint64_t gpa = 0x1234;

    EXPECT_EQ(walk(&w, 0x5000, RD, &gpa), -ERR_FAULT);
    EXPECT_EQ(gpa, 0x1234);
    EXPECT_EQ(walk(&w, 0x0000800000000000ull, RD, &gpa), -ERR_FAULT);
    EXPECT_EQ(gpa, 0x1234);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(paging_off_is_identity),
        TEST_ENTRY(long_mode_4k_page),
        TEST_ENTRY(long_mode_not_present_at_each_level),
        TEST_ENTRY(long_mode_2m_and_1g_pages),
        TEST_ENTRY(long_mode_large_page_reserved_bits_fault),
        TEST_ENTRY(long_mode_ps_in_pml4_faults),
        TEST_ENTRY(long_mode_nx),
        TEST_ENTRY(long_mode_user_supervisor),
        TEST_ENTRY(long_mode_write_needs_rw_at_every_level),
        TEST_ENTRY(smep_and_smap),
        TEST_ENTRY(non_canonical_addresses_fault_without_a_read),
        TEST_ENTRY(unsupported_modes_are_refused),
        TEST_ENTRY(tables_outside_guest_memory_fault),
        TEST_ENTRY(self_referencing_tables_end_after_four_reads),
        TEST_ENTRY(pae_mode),
        TEST_ENTRY(pae_reserved_bits_fault),
        TEST_ENTRY(legacy_32bit_paging),
        TEST_ENTRY(legacy_4m_pages_with_pse40),
        TEST_ENTRY(copy_crossing_a_page_boundary),
        TEST_ENTRY(copy_refuses_ranges_that_wrap_or_fault),
        TEST_ENTRY(a_fault_leaves_gpa_alone),
        TEST_END,
    });
}
