/* SPDX-License-Identifier: MIT */
/*
 * The drivers' environment on the host (unit tests and fuzz targets):
 * log lines go to the harness's log_printf (captured for log_contains,
 * or dropped by the fuzz environment), DMA memory is aligned heap memory
 * whose bus address is its pointer, and dma_live counts what is
 * allocated so a test can prove that close frees everything.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "drivers/env.h"
#include "drivers_env.h"

unsigned dma_live;
unsigned dma_fail_after = ~0u;
/* Every live block, so one the drivers leave to a device on purpose is
 * still reachable (no leak report) and dma_release_all can free it. */
static void *dma_blocks[4096];

static void block_track(void *p, void *q)
{
    for (unsigned i = 0; i < sizeof(dma_blocks) / sizeof(dma_blocks[0]); i++) {
        if (dma_blocks[i] == p) {
            dma_blocks[i] = q;
            return;
        }
    }
}

void dma_release_all(void)
{
    for (unsigned i = 0; i < sizeof(dma_blocks) / sizeof(dma_blocks[0]); i++) {
        free(dma_blocks[i]);
        dma_blocks[i] = NULL;
    }
    dma_live = 0;
}

void drivers_log(const char *fmt, ...)
{
    char line[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_printf(LOG_WARN, "%s", line);
}

void *dma_alloc(size_t size, size_t align, uint64_t *bus)
{
    if (size == 0 || align == 0 || (align & (align - 1)) != 0 || align > 4096)
        return NULL;
    if (dma_fail_after == 0)
        return NULL;
    dma_fail_after--;
    void *p = aligned_alloc(align, (size + align - 1) & ~(align - 1));
    if (!p)
        return NULL;
    memset(p, 0, size);
    *bus = (uint64_t)(uintptr_t)p;
    block_track(NULL, p);
    dma_live++;
    return p;
}

void dma_free(void *p)
{
    if (p) {
        block_track(p, NULL);
        dma_live--;
    }
    free(p);
}

uint64_t dma_bus_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}
