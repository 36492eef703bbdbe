/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the guest page walk (guest_walk.h). The input is the
 * guest's CR0, CR3, CR4, EFER and RFLAGS, then walks to make, then a
 * guest-physical memory image (layout in fuzz.h). Each walk is checked
 * against the header's promises (the offset kept, *gpa untouched on a
 * fault, at most four entry reads, each 8-byte aligned) and compared with
 * a plain reference walk written out mode by mode below; each copy of a
 * range is compared with walks of its pages.
 */
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/guest_walk.h"
#include "fuzz.h"

struct image {
    const uint8_t *mem; /* exact-size heap copy: ASan sees a read past it */
    size_t size;
    uint64_t base; /* guest-physical address of mem[0] */
    unsigned reads;
    size_t copied; /* bytes the copy hook has seen, in order */
    bool copy_order_ok;
};

static int read_hook(void *ctx, uint64_t gpa, uint64_t *word)
{
    struct image *im = ctx;

    im->reads++;
    FUZZ_CHECK((gpa & 7) == 0);
    if (gpa < im->base || gpa - im->base >= im->size || im->size - (gpa - im->base) < 8)
        return -1;
    memcpy(word, im->mem + (gpa - im->base), 8);
    return 0;
}

static int copy_hook(void *ctx, uint64_t gpa, size_t offset, size_t len)
{
    struct image *im = ctx;

    im->copy_order_ok =
        im->copy_order_ok && offset == im->copied && len >= 1 && len <= 4096 && (gpa & 4095) + len <= 4096;
    im->copied += len;
    return 0;
}

/* ------------------------------------------------------------ reference */

#define REF_FAULT 1

/* An entry as the CPU reads it: 4 or 8 bytes, little-endian, all inside the image. */
FUZZ_ORACLE static int ref_read(const struct image *im, uint64_t gpa, unsigned bytes, uint64_t *v)
{
    uint64_t off = gpa - im->base;

    *v = 0;
    if (gpa < im->base || off >= im->size || im->size - off < bytes)
        return REF_FAULT;
    for (unsigned i = 0; i < bytes; i++)
        *v |= (uint64_t)im->mem[off + i] << (8 * i);
    return 0;
}

static bool bit(uint64_t v, unsigned n)
{
    return (v >> n) & 1;
}

/* The rights the leaf ends with, against the access (APM vol. 2, 5.6). */
FUZZ_ORACLE static int ref_rights(const struct guest_walk *w, unsigned acc, bool wr, bool us, bool nx)
{
    bool user = acc & GUEST_WALK_USER, write = acc & GUEST_WALK_WRITE, fetch = acc & GUEST_WALK_FETCH;
    bool smep = bit(w->cr4, 20), smap = bit(w->cr4, 21), ac = bit(w->rflags, 18);

    if (user)
        return (us && (!write || wr) && !(fetch && nx && bit(w->efer, 11))) ? 0 : REF_FAULT;
    if (write && !wr && bit(w->cr0, 16))
        return REF_FAULT;
    if (fetch && nx && bit(w->efer, 11))
        return REF_FAULT;
    if (us && fetch && smep)
        return REF_FAULT;
    if (us && !fetch && smap && !ac)
        return REF_FAULT;
    return 0;
}

/* Long mode: PML4E, PDPE (1 GiB if PS), PDE (2 MiB if PS), PTE. */
FUZZ_ORACLE static int ref_long(const struct guest_walk *w, const struct image *im, uint64_t va, unsigned acc,
                                uint64_t *pa)
{
    uint64_t e[4], next = w->cr3 & 0x000ffffffffff000ull;
    uint64_t rsvd_nx = bit(w->efer, 11) ? 0 : 1ull << 63;
    bool wr = true, us = true, nx = false;
    unsigned idx[4] = { (va >> 39) & 511, (va >> 30) & 511, (va >> 21) & 511, (va >> 12) & 511 };

    if (!bit(w->cr4, 5) || bit(w->cr4, 12))
        return REF_FAULT;
    if (va >= 0x0000800000000000ull && va < 0xffff800000000000ull)
        return REF_FAULT;
    for (unsigned i = 0; i < 4; i++) {
        if (ref_read(im, next + idx[i] * 8ull, 8, &e[i]) || !bit(e[i], 0) || (e[i] & rsvd_nx))
            return REF_FAULT;
        wr = wr && bit(e[i], 1);
        us = us && bit(e[i], 2);
        nx = nx || bit(e[i], 63);
        if (i == 0 && bit(e[0], 7))
            return REF_FAULT;
        if (i == 1 && bit(e[1], 7)) {
            if ((e[1] >> 13) & 0x1ffff)
                return REF_FAULT;
            *pa = (e[1] & 0x000fffffc0000000ull) + (va & 0x3fffffff);
            return ref_rights(w, acc, wr, us, nx);
        }
        if (i == 2 && bit(e[2], 7)) {
            if ((e[2] >> 13) & 0xff)
                return REF_FAULT;
            *pa = (e[2] & 0x000fffffffe00000ull) + (va & 0x1fffff);
            return ref_rights(w, acc, wr, us, nx);
        }
        next = e[i] & 0x000ffffffffff000ull;
    }
    *pa = next + (va & 0xfff);
    return ref_rights(w, acc, wr, us, nx);
}

/* PAE: a PDPTE from the 32-byte table at CR3, a PDE (2 MiB if PS), a PTE. */
FUZZ_ORACLE static int ref_pae(const struct guest_walk *w, const struct image *im, uint32_t va, unsigned acc,
                               uint64_t *pa)
{
    /* PDE and PTE: bits 62:52 reserved, and 63 without EFER.NXE. */
    uint64_t pdpte, pde, pte, high = 0x7ff0000000000000ull | (bit(w->efer, 11) ? 0 : 1ull << 63);
    bool wr, us, nx;

    if (ref_read(im, (w->cr3 & 0xffffffe0u) + (va >> 30) * 8ull, 8, &pdpte) || !bit(pdpte, 0) ||
        (pdpte & 0xfff00000000001e6ull))
        return REF_FAULT;
    if (ref_read(im, (pdpte & 0x000ffffffffff000ull) + ((va >> 21) & 511) * 8ull, 8, &pde) || !bit(pde, 0) ||
        (pde & high))
        return REF_FAULT;
    if (bit(pde, 7)) {
        if ((pde >> 13) & 0xff)
            return REF_FAULT;
        *pa = (pde & 0x000fffffffe00000ull) + (va & 0x1fffff);
        return ref_rights(w, acc, bit(pde, 1), bit(pde, 2), bit(pde, 63));
    }
    if (ref_read(im, (pde & 0x000ffffffffff000ull) + ((va >> 12) & 511) * 8ull, 8, &pte) || !bit(pte, 0) ||
        (pte & high))
        return REF_FAULT;
    wr = bit(pde, 1) && bit(pte, 1);
    us = bit(pde, 2) && bit(pte, 2);
    nx = bit(pde, 63) || bit(pte, 63);
    *pa = (pte & 0x000ffffffffff000ull) + (va & 0xfff);
    return ref_rights(w, acc, wr, us, nx);
}

/* 32-bit: a PDE (4 MiB if PS and CR4.PSE, PSE-40 high bits), a PTE. */
FUZZ_ORACLE static int ref_legacy(const struct guest_walk *w, const struct image *im, uint32_t va, unsigned acc,
                                  uint64_t *pa)
{
    uint64_t pde, pte;

    if (ref_read(im, (w->cr3 & 0xfffff000u) + (va >> 22) * 4ull, 4, &pde) || !bit(pde, 0))
        return REF_FAULT;
    if (bit(pde, 7) && bit(w->cr4, 4)) {
        if (bit(pde, 21))
            return REF_FAULT;
        *pa = (pde & 0xffc00000u) + (((pde >> 13) & 0xff) << 32) + (va & 0x3fffff);
        return ref_rights(w, acc, bit(pde, 1), bit(pde, 2), false);
    }
    if (ref_read(im, (pde & 0xfffff000u) + ((va >> 12) & 1023) * 4ull, 4, &pte) || !bit(pte, 0))
        return REF_FAULT;
    *pa = (pte & 0xfffff000u) + (va & 0xfff);
    return ref_rights(w, acc, bit(pde, 1) && bit(pte, 1), bit(pde, 2) && bit(pte, 2), false);
}

FUZZ_ORACLE static int ref_walk(const struct guest_walk *w, const struct image *im, uint64_t va, unsigned acc,
                                uint64_t *pa)
{
    if (!bit(w->cr0, 31)) {
        *pa = bit(w->efer, 10) ? va : va & 0xffffffffu;
        return 0;
    }
    if (bit(w->efer, 10))
        return ref_long(w, im, va, acc, pa);
    if (bit(w->cr4, 5))
        return ref_pae(w, im, (uint32_t)va, acc, pa);
    return ref_legacy(w, im, (uint32_t)va, acc, pa);
}

/* ------------------------------------------------------------ harness */

FUZZ_ORACLE static void check_walk(const struct guest_walk *w, struct image *im, uint64_t va, unsigned acc)
{
    uint64_t gpa = 0x5a5a5a5a5a5a5a5aull, ref = 0;
    int rc, ref_rc;

    im->reads = 0;
    rc = guest_walk(w, va, acc, &gpa);
    ref_rc = ref_walk(w, im, va, acc, &ref);
    FUZZ_CHECK(rc == 0 || rc == -ERR_FAULT);
    FUZZ_CHECK(im->reads <= 4);
    FUZZ_CHECK((rc == 0) == (ref_rc == 0));
    if (rc == 0) {
        FUZZ_CHECK(gpa == ref);
        FUZZ_CHECK((gpa & 0xfff) == (va & 0xfff));
    } else {
        FUZZ_CHECK(gpa == 0x5a5a5a5a5a5a5a5aull);
    }
}

/* A copy of [va, va + n) calls the hook once per page, in order, for
 * exactly the pages before the first that does not translate. */
FUZZ_ORACLE static void check_copy(const struct guest_walk *w, struct image *im, uint64_t va, size_t n, unsigned acc)
{
    size_t expect = 0;
    bool ok = !(n && va + (n - 1) < va);
    int rc;

    for (uint64_t p = va; ok && expect < n;) {
        size_t chunk = MIN(n - expect, 4096 - (p & 4095));
        uint64_t pa;

        if (ref_walk(w, im, p, acc, &pa) != 0)
            ok = false;
        else
            expect += chunk, p += chunk;
    }
    im->copied = 0;
    im->copy_order_ok = true;
    rc = guest_walk_copy(w, va, n, acc);
    FUZZ_CHECK(rc == (ok ? 0 : -ERR_FAULT));
    FUZZ_CHECK(im->copy_order_ok);
    FUZZ_CHECK(im->copied == expect);
}

struct walk_record {
    uint8_t access;
    uint64_t gva;
    uint16_t len;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct walk_record rec[FUZZ_WALK_MAX];
    struct image im = { 0 };
    struct guest_walk w = { .read = read_hook, .copy = copy_hook, .ctx = &im };
    unsigned nwalks;
    uint8_t *mem;

    w.cr0 = fuzz_u64(&in);
    w.cr3 = fuzz_u64(&in);
    w.cr4 = fuzz_u64(&in);
    w.efer = fuzz_u64(&in);
    w.rflags = fuzz_u64(&in);
    im.base = fuzz_u32(&in) & ~4095ull;
    nwalks = fuzz_u8(&in) % (FUZZ_WALK_MAX + 1);
    for (unsigned i = 0; i < nwalks; i++) {
        rec[i].access = fuzz_u8(&in);
        rec[i].gva = fuzz_u64(&in);
        rec[i].len = (uint16_t)fuzz_uint(&in, 2);
    }
    /* Whole 8-byte words, so the 8-byte reads of the walk and the 4-byte
     * reads of the reference see the same memory. */
    im.size = in.left & ~(size_t)7;
    mem = malloc(im.size ? im.size : 1);
    FUZZ_CHECK(mem != NULL);
    memcpy(mem, in.p, im.size);
    im.mem = mem;
    for (unsigned i = 0; i < nwalks; i++) {
        if (rec[i].access & FUZZ_WALK_COPY)
            check_copy(&w, &im, rec[i].gva, rec[i].len, rec[i].access & 7u);
        else
            check_walk(&w, &im, rec[i].gva, rec[i].access & 7u);
    }
    free(mem);
    return 0;
}
