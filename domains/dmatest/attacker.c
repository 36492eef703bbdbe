/* SPDX-License-Identifier: MIT */
/*
 * The attacker: a driver domain with one virtio-blk function. It first
 * writes its disk's first page full of DMAT_DISK_BYTE and reads it back
 * into its own memory (the device works, DMA into its own RAM goes
 * through), waits for the victim's "ready", fills its own free memory
 * with the address pattern, then has the device read that page into bus
 * addresses outside its RAM, one single-page request each: the first
 * page past its RAM, every step MiB from there up to the limit, and a few
 * far above 4 GiB. Then it reads its own page once more (the device still
 * works), finds its own pattern intact (no stray page landed at an
 * aliased address in its own RAM) and tells the victim "done".
 *
 * What a blocked DMA looks like from here: nothing. The IOMMU drops the
 * write and records a fault (the core logs it, naming this domain); the
 * device is not told, so the request may complete as if it had worked
 * (QEMU's virtio-blk does: it reads into a bounce buffer whose write-back
 * the IOMMU refuses) or, where the device maps the buffer first, end in
 * an error or the device's NEEDS_RESET. So each stray read gets a freshly
 * opened device, its outcome is only counted, and the verdict is the
 * victim's memory, this domain's own, and the core's fault lines. */
#include <stdio.h>
#include <string.h>

#include "dmatest.h"
#include "drivers/env.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"
#include "mosaic/runtime.h"
#include "mosaic/test.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"

#define PAGE       4096u
#define MIB        (1024ull * 1024)
#define QUEUE_SIZE 16
#define LEGAL_NS   (10 * DMAT_SEC)
#define MSI_FIRST  0xfee00000ull /* DMA writes here are interrupt requests, not memory */
#define MSI_END    0xfef00000ull
#define SHOW       4 /* outcomes of each kind named one by one */

struct completion {
    bool done;
    int status;
};

struct tally {
    unsigned tried, refused, completed, failed, silent, open_errors;
};

static struct pci_func func;

static void on_done(void *cookie, int status, void *arg)
{
    struct completion *c = cookie;

    (void)arg;
    c->done = true;
    c->status = status;
}

/* One single-page request at sector 0 to bus; waits up to wait_ns. 0 with
 * *c telling what happened, or vblk_submit's error. */
static int one_request(struct vblk *v, enum vblk_op op, uint64_t bus, uint64_t wait_ns, struct completion *c)
{
    struct vblk_req req = { .op = op, .sector = 0, .nsegs = 1, .cookie = c };
    uint64_t end = runtime_time_ns() + wait_ns;
    int r;

    *c = (struct completion){ 0 };
    req.seg[0] = (struct vblk_seg){ .bus = bus, .len = PAGE };
    if ((r = vblk_submit(v, &req)) != 0)
        return r;
    vblk_kick(v);
    while (!c->done) {
        (void)vblk_reap(v, on_done, NULL);
        if (c->done || runtime_time_ns() >= end)
            break;
        thread_sleep_ns(DMAT_MS);
    }
    return 0;
}

/* A legal write then read of the disk's first page through own memory. */
static bool legal_io(struct vblk *v, uint8_t *buf, uint64_t bus, bool write_first, const char *name)
{
    struct completion c;
    int r = 0;

    if (write_first) {
        memset(buf, DMAT_DISK_BYTE, PAGE);
        r = one_request(v, VBLK_WRITE, bus, LEGAL_NS, &c);
        if (r || !c.done || c.status)
            return test_check(false, name, "the write into its own disk: submit %d, %s, status %d", r,
                              c.done ? "done" : "not done", c.status);
    }
    memset(buf, 0, PAGE);
    r = one_request(v, VBLK_READ, bus, LEGAL_NS, &c);
    bool same = true;
    for (unsigned i = 0; i < PAGE; i++)
        same &= buf[i] == DMAT_DISK_BYTE;
    return test_check(!r && c.done && !c.status && same, name,
                      "a read of sector 0 into its own buffer at bus %#llx: submit %d, %s, status %d, %s",
                      (unsigned long long)bus, r, c.done ? "done" : "not done", c.status,
                      same ? "every byte the disk's" : "data wrong");
}

/* The end of the domain's RAM: the highest end of any memory map entry
 * (RAM and the ACPI page at its top), a page boundary. */
static uint64_t ram_end(void)
{
    return (runtime_ram_end() + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* One stray read into bus, on a freshly opened device. */
static void stray(uint64_t bus, const struct dmat_args *a, struct tally *t)
{
    struct completion c;
    struct vblk *v;
    int r;

    t->tried++;
    if ((r = vblk_open(&func, QUEUE_SIZE, &v)) != 0) {
        if (t->open_errors++ < SHOW)
            printf("dmatest: attacker: the device did not open again: %d\n", r);
        return;
    }
    r = one_request(v, VBLK_READ, bus, a->wait_ms * DMAT_MS, &c);
    if (r) {
        t->refused++; /* by the driver: the device never saw it */
        if (t->refused <= SHOW)
            printf("dmatest: attacker: %#llx refused by the driver: %d\n", (unsigned long long)bus, r);
    } else if (c.done && c.status == 0) {
        if (t->completed++ < SHOW)
            printf("dmatest: attacker: %#llx: completed\n", (unsigned long long)bus);
    } else if (c.done) {
        if (t->failed++ < SHOW)
            printf("dmatest: attacker: %#llx: error %d\n", (unsigned long long)bus, c.status);
    } else if (t->silent++ < SHOW) {
        printf("dmatest: attacker: %#llx: no completion in %llu ms\n", (unsigned long long)bus,
               (unsigned long long)a->wait_ms);
    }
    vblk_close(v);
}

static void attack(const struct dmat_args *a, struct tally *t)
{
    static const uint64_t far[] = { 1ull << 32, 1ull << 36, (1ull << 39) - PAGE, 1ull << 46 };
    uint64_t end = ram_end(), step = a->step_mib * MIB, limit = a->limit_mib * MIB;

    printf("dmatest: attacker: RAM ends at %#llx; stray reads at %#llx, then every %llu MiB from %#llx below "
           "%#llx, then %u above 4 GiB\n",
           (unsigned long long)end, (unsigned long long)end, (unsigned long long)a->step_mib,
           (unsigned long long)((end + step - 1) / step * step), (unsigned long long)limit,
           (unsigned)(sizeof(far) / sizeof(far[0])));
    stray(end, a, t);
    for (uint64_t bus = (end + step - 1) / step * step; bus < limit; bus += step)
        if (bus != end && (bus < MSI_FIRST || bus >= MSI_END))
            stray(bus, a, t);
    for (unsigned i = 0; i < sizeof(far) / sizeof(far[0]); i++)
        stray(far[i], a, t);
}

int dmat_attacker(const struct dmat_args *a)
{
    char node[64];
    struct tally t = { 0 };
    struct vblk *v;
    const uint64_t *first;
    uint64_t bus, t0, changed;
    unsigned own_mib;
    uint8_t *buf;
    int r;

    r = pci_func_open(0, &func);
    if (!test_check(r == 0, "dma-device", "function 0 assigned to it: %d (sbdf %#x)", r, func.sbdf))
        return 1;
    buf = dma_alloc(PAGE, PAGE, &bus);
    r = buf ? vblk_open(&func, QUEUE_SIZE, &v) : -XEN_ENOMEM;
    if (!test_check(r == 0, "dma-vblk-open", "virtio-blk: %d", r))
        return 1;
    bool own = legal_io(v, buf, bus, true, "dma-own");
    vblk_close(v);
    if (!own)
        return 1;
    dmat_node_path(a->peer, node, sizeof(node));
    if (!test_check(dmat_wait_node(node, "ready", DMAT_RENDEZVOUS_NS), "dma-victim-ready", "%s says ready", node))
        return 1;
    own_mib = dmat_pattern_fill(4);
    t0 = runtime_time_ns();
    attack(a, &t);
    test_check(t.refused == 0 && t.open_errors == 0 && t.tried > 0, "dma-stray-reads",
               "%u reads outside its RAM reached the device in %llu ms: %u completed, %u failed, %u never "
               "completed; %u refused by the driver, %u found no device",
               t.tried, (unsigned long long)((runtime_time_ns() - t0) / DMAT_MS), t.completed, t.failed, t.silent,
               t.refused, t.open_errors);
    r = vblk_open(&func, QUEUE_SIZE, &v);
    if (test_check(r == 0, "dma-reopen", "virtio-blk after the attack: %d", r)) {
        (void)legal_io(v, buf, bus, false, "dma-own-after");
        vblk_close(v);
    }
    changed = dmat_pattern_changed(&first);
    test_check(own_mib > 0 && changed == 0, "dma-attacker-intact",
               "its own %u MiB of pattern checked word by word: %llu changed", own_mib, (unsigned long long)changed);
    if (changed)
        printf("dmatest: attacker: first changed word at %p: %#llx\n", (const void *)first, (unsigned long long)*first);
    r = (int)xenbus_write(dmat_xenbus(), 0, node, "done");
    test_check(r == 0, "dma-told-victim", "%s = done: %d", node, r);
    return 0;
}
