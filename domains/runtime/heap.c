/* SPDX-License-Identifier: MIT */
/*
 * The heap behind newlib's malloc: one contiguous range that sbrk() moves a
 * break through. It starts at the end of the image and ends at the end of
 * the RAM region holding the image, or earlier where the builder left
 * something the domain still needs (start_info, command lines, modules,
 * the memory map). It never grows into another RAM region. Only malloc
 * calls sbrk, under newlib's malloc lock (lock.c): that lock is what keeps
 * two vCPUs from moving the break at once.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "runtime_priv.h"

static uint64_t heap_start, heap_limit, heap_break; /* set once by heap_init; break moved by sbrk */

static uint64_t align_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) & ~(a - 1);
}

/* find_ram: the end of the RAM entry that holds [start, end), or 0. */
static uint64_t find_ram(const struct hvm_memmap_table_entry *map, size_t n, uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t base = map[i].addr, size = map[i].size;

        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM || size > UINT64_MAX - base)
            continue;
        if (base <= start && end <= base + size)
            return base + size;
    }
    return 0;
}

/* skip_busy: the first address at or above start that no busy range
 * covers. Ranges may touch each other, so repeat until none moves it. */
static uint64_t skip_busy(uint64_t start, const struct heap_busy *busy, size_t nbusy)
{
    for (size_t moved = 1; moved;) {
        moved = 0;
        for (size_t i = 0; i < nbusy; i++) {
            if (busy[i].start <= start && start < busy[i].end) {
                start = align_up(busy[i].end, RUNTIME_PAGE_SIZE);
                moved = 1;
            }
        }
    }
    return start;
}

const char *heap_init(const struct hvm_memmap_table_entry *map, size_t n, const struct heap_busy *busy, size_t nbusy)
{
    uint64_t image_start = (uint64_t)(uintptr_t)__image_start;
    uint64_t image_end = (uint64_t)(uintptr_t)__image_end;
    uint64_t start, limit = find_ram(map, n, image_start, image_end);

    if (limit == 0)
        return "no RAM entry in the memory map holds the image";
    if (limit > RUNTIME_MAPPED_END)
        limit = RUNTIME_MAPPED_END;
    start = skip_busy(align_up(image_end, RUNTIME_PAGE_SIZE), busy, nbusy);
    for (size_t i = 0; i < nbusy; i++) {
        if (busy[i].start >= start && busy[i].start < limit)
            limit = busy[i].start;
    }
    if (start >= limit)
        return "no free memory after the image";
    heap_start = heap_break = start;
    heap_limit = limit;
    return NULL;
}

/* newlib's memory source. Moving the break below the heap's start, or past
 * its limit, fails with ENOMEM and changes nothing. */
void *sbrk(ptrdiff_t increment)
{
    uint64_t old = heap_break;

    if (increment >= 0 ? (uint64_t)increment > heap_limit - old : 0 - (uint64_t)increment > old - heap_start) {
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_break = old + (uint64_t)increment;
    return (void *)(uintptr_t)old;
}
