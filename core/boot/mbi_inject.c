/* SPDX-License-Identifier: MIT */
/*
 * Boot-input fault injection for tests (option test.mbi=KIND): copies the
 * loader's (already validated) information block and damages the copy in
 * one defined way, so boot scenarios can prove the real parsers refuse or
 * distrust malformed input on a real boot. Never active unless asked for.
 */
#include "core/env.h"
#include "core/errno.h"
#include "mbi_inject.h"

#define TAG_MODULE 3
#define TAG_MMAP   6

struct tag {
    uint32_t type;
    uint32_t size;
};

/* Finds the first tag of a type in a block known to be well formed. */
static uint8_t *find_tag(uint8_t *mbi, uint32_t type)
{
    uint32_t total;

    memcpy(&total, mbi, 4);
    for (uint32_t off = 8; off + 8 <= total;) {
        struct tag t;
        memcpy(&t, mbi + off, sizeof(t));
        if (t.type == 0 || t.size < 8)
            break;
        if (t.type == type)
            return mbi + off;
        off += (t.size + 7) & ~7u;
    }
    return NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Stretches the first usable entry that has a successor 64 KiB into it. */
static int inject_overlap(uint8_t *mmap)
{
    uint32_t size, esize;

    memcpy(&size, mmap + 4, 4);
    memcpy(&esize, mmap + 8, 4);
    for (uint32_t off = 16; off + 2 * esize <= size; off += esize) {
        uint64_t base, len, next;
        uint32_t type;
        memcpy(&base, mmap + off, 8);
        memcpy(&len, mmap + off + 8, 8);
        memcpy(&type, mmap + off + 16, 4);
        memcpy(&next, mmap + off + esize, 8);
        if (type == 1 && base + len == next && base >= 0x100000) {
            put64(mmap + off + 8, len + 0x10000);
            return 0;
        }
    }
    return -ERR_NOENT;
}

int mbi_inject(const void *mbi, void *buf, size_t bufsize, const char *kind)
{
    uint32_t total;
    uint8_t *b = buf, *mmap, *mod;

    memcpy(&total, mbi, 4);
    if (total > bufsize)
        return -ERR_2BIG;
    memcpy(buf, mbi, total);
    mmap = find_tag(b, TAG_MMAP);
    mod = find_tag(b, TAG_MODULE);
    if (!strcmp(kind, "total-size"))
        put32(b, 0x7ffffff8); /* claims 2 GiB */
    else if (!strcmp(kind, "truncated"))
        put32(b, total - 16); /* cuts into the last tags: no end tag */
    else if (!strcmp(kind, "mmap-entry-size") && mmap)
        put32(mmap + 8, 20);
    else if (!strcmp(kind, "no-mmap") && mmap)
        put32(mmap, 0x7fff);
    else if (!strcmp(kind, "mmap-overlap") && mmap)
        return inject_overlap(mmap);
    else if (!strcmp(kind, "module-size") && mod)
        put32(mod + 12, 0xfffff000); /* mod_end far beyond RAM */
    else if (!strcmp(kind, "module-overlap") && mod)
        put32(mod + 8, 0x100000); /* mod_start inside the core image */
    else
        return -ERR_INVAL;
    return 0;
}
