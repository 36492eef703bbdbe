/* SPDX-License-Identifier: MIT */
/*
 * The fake virtio PCI function (virtio_fake.h): configuration page,
 * trapped register pages and a device model that runs, on the driver's
 * own thread, right after each access to them. Used by the unit tests
 * only; it checks what a driver must get right (ring indices, chain
 * shapes) and fails the running test when the driver does not.
 */
#define _GNU_SOURCE
#include "virtio_fake.h"

#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "harness.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"

#define PAGE      4096u
#define EFLAGS_TF 0x100u
#define PF_WRITE  0x2u /* page-fault error code: a write */
#define BIT64(n)  (1ull << (n))
#define MAX_CHAIN 160u

static struct fake_dev *fake; /* the one fake the handlers serve */
static uint8_t *bar_mem;      /* FAKE_BAR_SIZE bytes, page-aligned */
static uint8_t cfg_page[PAGE] __attribute__((aligned(PAGE)));
static uintptr_t trap_addr; /* the access being single-stepped */
static bool trap_write;

static volatile struct virtio_pci_common_cfg *common(void)
{
    return (volatile struct virtio_pci_common_cfg *)(void *)(bar_mem + FAKE_COMMON_OFF);
}

static bool has(const struct fake_dev *d, unsigned bit)
{
    return (d->driver_features >> bit) & 1u;
}

static void protect(int prot)
{
    mprotect(bar_mem + FAKE_COMMON_OFF, PAGE, prot);
    mprotect(bar_mem + FAKE_NOTIFY_OFF, PAGE, prot);
}

/* The selected queue, or NULL for an absent one. */
static struct fake_queue *selected(struct fake_dev *d)
{
    unsigned sel = common()->queue_select;

    return sel < d->num_queues && sel < FAKE_QUEUES ? &d->q[sel] : NULL;
}

/* Show the selected queue's registers, or an absent queue's. */
static void show_queue(struct fake_dev *d)
{
    volatile struct virtio_pci_common_cfg *c = common();
    const struct fake_queue none = { .msix = VIRTIO_MSI_NO_VECTOR }, *q = selected(d) ? selected(d) : &none;

    c->queue_size = q->size;
    c->queue_msix_vector = q->msix;
    c->queue_enable = q->enable;
    c->queue_notify_off = selected(d) ? (uint16_t)(d->notify_off + c->queue_select) : 0;
    c->queue_desc_lo = (uint32_t)q->desc;
    c->queue_desc_hi = (uint32_t)(q->desc >> 32);
    c->queue_driver_lo = (uint32_t)q->avail;
    c->queue_driver_hi = (uint32_t)(q->avail >> 32);
    c->queue_device_lo = (uint32_t)q->used;
    c->queue_device_hi = (uint32_t)(q->used >> 32);
}

static void device_reset(struct fake_dev *d)
{
    d->status = 0;
    d->driver_features = 0;
    d->msix_config = VIRTIO_MSI_NO_VECTOR;
    for (unsigned i = 0; i < FAKE_QUEUES; i++) {
        memset(&d->q[i], 0, sizeof(d->q[i]));
        d->q[i].size = d->queue_max;
        d->q[i].msix = VIRTIO_MSI_NO_VECTOR;
    }
    d->resets++;
    common()->device_status = 0;
    common()->msix_config = VIRTIO_MSI_NO_VECTOR;
    show_queue(d);
}

static void status_write(struct fake_dev *d, uint8_t s)
{
    if (s == 0) {
        if (d->stuck_reset) {
            common()->device_status = d->status;
            return;
        }
        device_reset(d);
        return;
    }
    if ((s & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK) &&
        (d->refuse_features_ok || (d->driver_features & ~d->offered)))
        s &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    if ((s & VIRTIO_STATUS_DRIVER_OK) && d->needs_reset)
        s |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    d->status = s;
    common()->device_status = s;
}

static void set_half(uint64_t *v, uint32_t sel, uint32_t half)
{
    if (sel < 2)
        *v = (*v & ~(0xffffffffull << (32 * sel))) | (uint64_t)half << (32 * sel);
}

static uint64_t set_lo(uint64_t v, uint32_t lo)
{
    return (v & ~0xffffffffull) | lo;
}

static uint64_t set_hi(uint64_t v, uint32_t hi)
{
    return (v & 0xffffffffull) | (uint64_t)hi << 32;
}

/* A write to the selected queue's size, enable or ring addresses (ignored
 * for an absent queue); false for another register. */
static bool queue_write(struct fake_queue *q, unsigned off)
{
    volatile struct virtio_pci_common_cfg *c = common();
    struct fake_queue scratch;

    if (!q)
        q = &scratch;
    switch (off) {
    case offsetof(struct virtio_pci_common_cfg, queue_size): q->size = c->queue_size; return true;
    case offsetof(struct virtio_pci_common_cfg, queue_enable): q->enable = c->queue_enable; return true;
    case offsetof(struct virtio_pci_common_cfg, queue_desc_lo):
        q->desc = set_lo(q->desc, c->queue_desc_lo);
        return true;
    case offsetof(struct virtio_pci_common_cfg, queue_desc_hi):
        q->desc = set_hi(q->desc, c->queue_desc_hi);
        return true;
    case offsetof(struct virtio_pci_common_cfg, queue_driver_lo):
        q->avail = set_lo(q->avail, c->queue_driver_lo);
        return true;
    case offsetof(struct virtio_pci_common_cfg, queue_driver_hi):
        q->avail = set_hi(q->avail, c->queue_driver_hi);
        return true;
    case offsetof(struct virtio_pci_common_cfg, queue_device_lo):
        q->used = set_lo(q->used, c->queue_device_lo);
        return true;
    case offsetof(struct virtio_pci_common_cfg, queue_device_hi):
        q->used = set_hi(q->used, c->queue_device_hi);
        return true;
    default: return false;
    }
}

/* The model's answer to one write to the common window, at offset off. */
static void common_write(struct fake_dev *d, unsigned off)
{
    volatile struct virtio_pci_common_cfg *c = common();
    struct fake_queue *q = selected(d);

    switch (off) {
    case offsetof(struct virtio_pci_common_cfg, device_feature_select): break;
    case offsetof(struct virtio_pci_common_cfg, driver_feature_select):
        c->driver_feature =
            c->driver_feature_select < 2 ? (uint32_t)(d->driver_features >> (32 * c->driver_feature_select)) : 0;
        break;
    case offsetof(struct virtio_pci_common_cfg, driver_feature):
        set_half(&d->driver_features, c->driver_feature_select, c->driver_feature);
        break;
    case offsetof(struct virtio_pci_common_cfg, msix_config):
        if (c->msix_config != VIRTIO_MSI_NO_VECTOR && c->msix_config >= d->msix_vectors)
            c->msix_config = VIRTIO_MSI_NO_VECTOR;
        d->msix_config = c->msix_config;
        break;
    case offsetof(struct virtio_pci_common_cfg, device_status): status_write(d, c->device_status); break;
    case offsetof(struct virtio_pci_common_cfg, queue_select): show_queue(d); break;
    case offsetof(struct virtio_pci_common_cfg, queue_msix_vector):
        if (c->queue_msix_vector != VIRTIO_MSI_NO_VECTOR && c->queue_msix_vector >= d->msix_vectors)
            c->queue_msix_vector = VIRTIO_MSI_NO_VECTOR;
        if (q)
            q->msix = c->queue_msix_vector;
        break;
    default:
        if (!queue_write(q, off))
            test_fail(__FILE__, __LINE__, "driver wrote common config offset 0x%x", off);
    }
    /* What only the device writes, whatever the driver did. */
    c->device_feature = c->device_feature_select < 2 ? (uint32_t)(d->offered >> (32 * c->device_feature_select)) : 0;
    c->num_queues = d->num_queues;
    c->queue_notify_off = q ? (uint16_t)(d->notify_off + c->queue_select) : 0;
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uintptr_t a = (uintptr_t)si->si_addr, base = (uintptr_t)bar_mem;

    if (!bar_mem || a < base || a >= base + FAKE_BAR_SIZE) {
        signal(sig, SIG_DFL); /* a real fault: crash as usual */
        return;
    }
    trap_addr = a;
    trap_write = (uc->uc_mcontext.gregs[REG_ERR] & PF_WRITE) != 0;
    protect(PROT_READ | PROT_WRITE);
    uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
}

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    unsigned off = (unsigned)(trap_addr - (uintptr_t)bar_mem);

    (void)sig;
    (void)si;
    uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)EFLAGS_TF;
    if (trap_write && off < FAKE_COMMON_OFF + PAGE)
        common_write(fake, off - FAKE_COMMON_OFF);
    else if (trap_write && off >= FAKE_NOTIFY_OFF) {
        fake->notifies++;
        fake_process(fake);
    }
    protect(PROT_NONE);
}

static int fake_cfg_write(struct pci_func *f, unsigned off, unsigned size, uint32_t value)
{
    struct fake_dev *d = f->env;

    /* The core's filter: the command register's three bits, MSI-X enable and mask. */
    if (off == 0x04 && size == 2 && !(value & ~0x0406u) && !d->refuse_command) {
        d->command = (uint16_t)value;
        memcpy(&cfg_page[off], &d->command, 2);
        return 0;
    }
    if (off == FAKE_CAP_MSIX + 2 && size == 2) {
        uint16_t ctrl;
        memcpy(&ctrl, &cfg_page[off], 2);
        if ((ctrl ^ value) & ~0xc000u)
            return -XEN_EACCES;
        d->msix_enabled = (value & 0x8000u) && !(value & 0x4000u);
        memcpy(&cfg_page[off], &value, 2);
        return 0;
    }
    return -XEN_EACCES;
}

static int fake_msix_bind(struct pci_func *f, unsigned entry, uint32_t *port)
{
    if (entry >= f->nr_msix)
        return -XEN_EINVAL;
    *port = 100 + entry;
    return 0;
}

static const struct pci_func_ops fake_ops = { .cfg_write = fake_cfg_write, .msix_bind = fake_msix_bind };

void fake_cfg_put8(struct fake_dev *d, unsigned off, uint8_t v)
{
    (void)d;
    cfg_page[off] = v;
}

void fake_cfg_put32(struct fake_dev *d, unsigned off, uint32_t v)
{
    (void)d;
    memcpy(&cfg_page[off], &v, 4);
}

static void cap_put(unsigned at, unsigned next, uint8_t len, uint8_t type, uint32_t off)
{
    const uint8_t head[8] = { PCI_CAP_ID_VNDR, (uint8_t)next, len, type, FAKE_BAR, 0, 0, 0 };
    const uint32_t window[2] = { off, PAGE };

    memcpy(&cfg_page[at], head, sizeof(head));
    memcpy(&cfg_page[at + 8], window, sizeof(window));
}

static void cfg_build(uint16_t device_id)
{
    const uint16_t ids[2] = { VIRTIO_PCI_VENDOR, (uint16_t)(VIRTIO_PCI_DEVICE_MODERN_BASE + device_id) };
    const uint16_t status = 0x10; /* capability list */
    const uint8_t msix[12] = { PCI_CAP_ID_MSIX, FAKE_CAP_COMMON, FAKE_NR_MSIX - 1, 0, 1, 0, 0, 0, 1, 8, 0, 0 };
    const uint32_t mult = 4;

    memset(cfg_page, 0, sizeof(cfg_page));
    memcpy(&cfg_page[0], ids, sizeof(ids));
    memcpy(&cfg_page[6], &status, 2);
    cfg_page[0x34] = FAKE_CAP_MSIX;
    memcpy(&cfg_page[FAKE_CAP_MSIX], msix, sizeof(msix));
    cap_put(FAKE_CAP_COMMON, FAKE_CAP_NOTIFY, 16, VIRTIO_PCI_CAP_COMMON_CFG, FAKE_COMMON_OFF);
    cap_put(FAKE_CAP_NOTIFY, FAKE_CAP_ISR, 20, VIRTIO_PCI_CAP_NOTIFY_CFG, FAKE_NOTIFY_OFF);
    memcpy(&cfg_page[FAKE_CAP_NOTIFY + 16], &mult, 4);
    cap_put(FAKE_CAP_ISR, FAKE_CAP_DEVICE, 16, VIRTIO_PCI_CAP_ISR_CFG, FAKE_ISR_OFF);
    cap_put(FAKE_CAP_DEVICE, 0, 16, VIRTIO_PCI_CAP_DEVICE_CFG, FAKE_DEVICE_OFF);
}

volatile uint8_t *fake_device_cfg(struct fake_dev *d)
{
    (void)d;
    return bar_mem + FAKE_DEVICE_OFF;
}

/* A device of the given type with its features and queues; the trap
 * handlers installed. The caller fills the device configuration window. */
static struct fake_dev *create(uint16_t device_id, uint64_t offered, uint16_t num_queues)
{
    struct fake_dev *d = calloc(1, sizeof(*d));
    struct sigaction sa;

    bar_mem = mmap(NULL, FAKE_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fake = d;
    cfg_build(device_id);
    d->device_id = device_id;
    d->num_queues = num_queues;
    d->offered = BIT64(VIRTIO_F_VERSION_1) | BIT64(VIRTIO_F_ACCESS_PLATFORM) | BIT64(VIRTIO_F_INDIRECT_DESC) |
                 BIT64(VIRTIO_F_EVENT_IDX) | offered;
    d->queue_max = FAKE_QUEUE_MAX;
    d->msix_vectors = FAKE_NR_MSIX;
    d->notify_mult = 4;
    d->notify_off = 1;
    device_reset(d);
    d->resets = 0;
    common()->device_feature = (uint32_t)d->offered;

    d->f.sbdf = 0x20;
    d->f.cfg = cfg_page;
    d->f.bar[FAKE_BAR] = bar_mem;
    d->f.bar_size[FAKE_BAR] = FAKE_BAR_SIZE;
    d->f.nr_msix = FAKE_NR_MSIX;
    d->f.ops = &fake_ops;
    d->f.env = d;

    memset(&sa, 0, sizeof(sa));
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sa.sa_sigaction = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    sa.sa_sigaction = on_trap;
    sigaction(SIGTRAP, &sa, NULL);
    protect(PROT_NONE);
    return d;
}

struct fake_dev *fake_create(void)
{
    struct fake_dev *d = create(VIRTIO_ID_BLOCK,
                                BIT64(VIRTIO_BLK_F_BLK_SIZE) | BIT64(VIRTIO_BLK_F_FLUSH) |
                                    BIT64(VIRTIO_BLK_F_TOPOLOGY) | BIT64(VIRTIO_BLK_F_SEG_MAX),
                                1);
    struct virtio_blk_config bc = { .capacity = FAKE_SECTORS, .seg_max = 62, .blk_size = 512, .physical_block_exp = 3 };

    memcpy(bar_mem + FAKE_DEVICE_OFF, &bc, sizeof(bc));
    for (unsigned i = 0; i < sizeof(d->disk); i++)
        d->disk[i] = (uint8_t)(i * 7 + 3);
    return d;
}

struct fake_dev *fake_create_net(void)
{
    struct fake_dev *d =
        create(VIRTIO_ID_NET,
               BIT64(VIRTIO_NET_F_MAC) | BIT64(VIRTIO_NET_F_STATUS) | BIT64(VIRTIO_NET_F_CSUM) |
                   BIT64(VIRTIO_NET_F_GUEST_CSUM) | BIT64(VIRTIO_NET_F_HOST_TSO4) | BIT64(VIRTIO_NET_F_HOST_TSO6) |
                   BIT64(VIRTIO_NET_F_GUEST_TSO4) | BIT64(VIRTIO_NET_F_GUEST_TSO6) | BIT64(VIRTIO_NET_F_MRG_RXBUF),
               2);
    struct virtio_net_config nc = { .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, .status = VIRTIO_NET_S_LINK_UP };

    memcpy(bar_mem + FAKE_DEVICE_OFF, &nc, sizeof(nc));
    return d;
}

void fake_destroy(struct fake_dev *d)
{
    signal(SIGSEGV, SIG_DFL);
    signal(SIGTRAP, SIG_DFL);
    munmap(bar_mem, FAKE_BAR_SIZE);
    bar_mem = NULL;
    fake = NULL;
    free(d);
}

/* ---- the device model ---- */

struct buf {
    uint64_t addr;
    uint32_t len;
    bool write;
};

static volatile uint16_t *avail16(const struct fake_queue *q, unsigned i)
{
    return (volatile uint16_t *)(uintptr_t)q->avail + i;
}

static volatile uint16_t *used16(const struct fake_queue *q, unsigned byte_off)
{
    return (volatile uint16_t *)(uintptr_t)(q->used + byte_off);
}

/* The queue whose chains are completed at a notification (or held): the
 * disk's requests, the NIC's transmits. */
static struct fake_queue *work_queue(struct fake_dev *d)
{
    return &d->q[d->device_id == VIRTIO_ID_NET ? VIRTIO_NET_TX_QUEUE : 0];
}

/* The chain at head, as the device reads it; 0 if malformed (a driver bug). */
static unsigned chain_read(const struct fake_queue *q, uint16_t head, struct buf *b, unsigned *indirect_seen)
{
    volatile struct virtq_desc *desc = (volatile struct virtq_desc *)(uintptr_t)q->desc;
    volatile struct virtq_desc *table = desc;
    unsigned n = 0, limit = q->size, i = head;

    if (desc[head].flags & VIRTQ_DESC_F_INDIRECT) {
        table = (volatile struct virtq_desc *)(uintptr_t)desc[head].addr;
        limit = desc[head].len / 16;
        if (desc[head].len % 16 || limit == 0)
            return 0;
        (*indirect_seen)++;
        i = 0;
    }
    for (;;) {
        if (n == MAX_CHAIN || n == limit || i >= limit)
            return 0;
        b[n++] = (struct buf){ table[i].addr, table[i].len, (table[i].flags & VIRTQ_DESC_F_WRITE) != 0 };
        if (table[i].flags & VIRTQ_DESC_F_INDIRECT)
            return 0; /* nested indirect: forbidden (2.6.5.3.1) */
        if (!(table[i].flags & VIRTQ_DESC_F_NEXT))
            return n;
        i = table[i].next;
    }
}

/* Perform the disk request at head; the bytes written into the chain. */
static uint32_t request_do(struct fake_dev *d, uint16_t head)
{
    struct buf b[MAX_CHAIN];
    unsigned n = chain_read(&d->q[0], head, b, &d->indirect_seen);
    struct virtio_blk_outhdr h;
    uint32_t written = 1;

    if (n < 2 || b[0].write || b[0].len != sizeof(h) || !b[n - 1].write || b[n - 1].len != 1) {
        test_fail(__FILE__, __LINE__, "driver made a malformed chain at head %u (%u buffers)", head, n);
        return 0;
    }
    if (n > d->max_chain)
        d->max_chain = n;
    d->requests++;
    memcpy(&h, (void *)(uintptr_t)b[0].addr, sizeof(h));
    uint8_t status = d->fail_status;
    uint64_t pos = h.sector * 512;
    for (unsigned i = 1; i + 1 < n; i++) {
        bool in = h.type == VIRTIO_BLK_T_IN;
        if (b[i].write != in || h.type == VIRTIO_BLK_T_FLUSH) {
            test_fail(__FILE__, __LINE__, "buffer %u of a type %u request has the wrong direction", i, h.type);
            return 0;
        }
        if (pos + b[i].len > sizeof(d->disk)) {
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
        if (in) {
            memcpy((void *)(uintptr_t)b[i].addr, &d->disk[pos], b[i].len);
            written += b[i].len;
        } else {
            memcpy(&d->disk[pos], (void *)(uintptr_t)b[i].addr, b[i].len);
        }
        pos += b[i].len;
    }
    if (h.type == VIRTIO_BLK_T_FLUSH)
        d->flushes++;
    *(volatile uint8_t *)(uintptr_t)b[n - 1].addr = status;
    return written;
}

/* Take the NIC's transmit at head: its header and frame, concatenated
 * over the chain's readable buffers (5.1.6.2); nothing is written. */
static uint32_t transmit_do(struct fake_dev *d, uint16_t head)
{
    struct buf b[MAX_CHAIN];
    unsigned n = chain_read(&d->q[VIRTIO_NET_TX_QUEUE], head, b, &d->indirect_seen);
    uint64_t pos = 0;

    if (n == 0)
        test_fail(__FILE__, __LINE__, "driver made a malformed transmit chain at head %u", head);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *src = (const uint8_t *)(uintptr_t)b[i].addr;
        if (b[i].write) {
            test_fail(__FILE__, __LINE__, "transmit chain at head %u has a writable buffer", head);
            return 0;
        }
        for (uint32_t k = 0; k < b[i].len; k++, pos++) {
            if (pos < sizeof(d->tx_hdr))
                d->tx_hdr[pos] = src[k];
            else if (pos - sizeof(d->tx_hdr) < FAKE_NET_TX_KEEP)
                d->tx_last[pos - sizeof(d->tx_hdr)] = src[k];
        }
    }
    if (n > d->max_chain)
        d->max_chain = n;
    if (pos < sizeof(d->tx_hdr))
        test_fail(__FILE__, __LINE__, "transmit of %llu bytes: shorter than its header", (unsigned long long)pos);
    d->tx_len = pos < sizeof(d->tx_hdr) ? 0 : (uint32_t)(pos - sizeof(d->tx_hdr));
    d->tx_frames++;
    return 0;
}

static void used_put(struct fake_queue *q, uint32_t id, uint32_t len)
{
    volatile struct virtq_used_elem *e =
        (volatile struct virtq_used_elem *)(uintptr_t)(q->used + 4 + 8u * (q->used_idx % q->size));
    e->id = id;
    e->len = len;
    q->used_idx++;
}

static bool need_event(uint16_t event, uint16_t now, uint16_t old)
{
    return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

static void used_publish(struct fake_dev *d, struct fake_queue *q, uint16_t old)
{
    if (d->hostile == FAKE_USED_IDX_JUMP)
        q->used_idx = (uint16_t)(q->used_idx + q->size + 3);
    __atomic_store_n(used16(q, 2), q->used_idx, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (has(d, VIRTIO_F_EVENT_IDX) ? need_event(*avail16(q, 2 + q->size), q->used_idx, old)
                                   : !(*avail16(q, 0) & VIRTQ_AVAIL_F_NO_INTERRUPT))
        d->irqs++;
}

/* Use the chain at head of q for len bytes, or as the hostile mode says. */
static void used_hostile(struct fake_dev *d, struct fake_queue *q, uint16_t head, uint32_t len)
{
    switch (d->hostile) {
    case FAKE_BAD_ID: used_put(q, q->size + 3u, len); return;
    case FAKE_FREE_ID: used_put(q, (head + q->size - 1u) % q->size, len); return;
    case FAKE_BAD_LEN: used_put(q, head, 0x10000000u); return;
    case FAKE_SHORT_LEN: used_put(q, head, 5); return;
    case FAKE_TWICE:
        used_put(q, head, len);
        used_put(q, head, len);
        return;
    default: used_put(q, head, len);
    }
}

static void complete(struct fake_dev *d, uint16_t head)
{
    bool net = d->device_id == VIRTIO_ID_NET;

    used_hostile(d, work_queue(d), head, net ? transmit_do(d, head) : request_do(d, head));
}

/* Take what the driver made available on q: completed (work queue, not
 * holding) or collected. */
static void queue_process(struct fake_dev *d, struct fake_queue *q, bool collect)
{
    if (!q->enable)
        return;
    uint16_t idx = __atomic_load_n(avail16(q, 1), __ATOMIC_ACQUIRE), old = q->used_idx;
    if ((uint16_t)(idx - q->last_avail) > q->size)
        test_fail(__FILE__, __LINE__, "avail index %u is %u ahead", idx, (uint16_t)(idx - q->last_avail));
    bool any = false;
    while (q->last_avail != idx) {
        uint16_t head = *avail16(q, 2 + q->last_avail % q->size);
        q->last_avail++;
        if (head >= q->size) {
            test_fail(__FILE__, __LINE__, "avail entry %u out of range", head);
            continue;
        }
        if (collect && q->nheld < FAKE_HELD_MAX) {
            q->held[q->nheld++] = head;
            continue;
        }
        complete(d, head);
        any = true;
    }
    if (has(d, VIRTIO_F_EVENT_IDX) && !d->stale_avail_event)
        *used16(q, 4 + 8u * q->size) = q->last_avail;
    *used16(q, 0) = d->no_notify ? VIRTQ_USED_F_NO_NOTIFY : 0;
    if (any)
        used_publish(d, q, old);
}

void fake_process(struct fake_dev *d)
{
    if (!(d->status & VIRTIO_STATUS_DRIVER_OK))
        return;
    if (d->device_id == VIRTIO_ID_NET)
        queue_process(d, &d->q[VIRTIO_NET_RX_QUEUE], true);
    queue_process(d, work_queue(d), d->hold);
}

void fake_complete_held(struct fake_dev *d, bool reverse)
{
    struct fake_queue *q = work_queue(d);
    uint16_t old = q->used_idx;

    for (unsigned i = 0; i < q->nheld; i++)
        complete(d, q->held[reverse ? q->nheld - 1 - i : i]);
    if (q->nheld)
        used_publish(d, q, old);
    q->nheld = 0;
}

void fake_complete_one(struct fake_dev *d, unsigned i)
{
    struct fake_queue *q = work_queue(d);
    uint16_t old = q->used_idx;

    if (i >= q->nheld)
        return;
    complete(d, q->held[i]);
    q->held[i] = q->held[--q->nheld];
    used_publish(d, q, old);
}

/* Scatter bytes over the chain's writable buffers from *pos on. */
static void scatter(const struct buf *b, unsigned n, uint64_t *pos, const uint8_t *src, uint32_t len)
{
    uint64_t at = 0;

    for (unsigned i = 0; i < n && len; i++) {
        if (*pos >= at + b[i].len) {
            at += b[i].len;
            continue;
        }
        uint32_t off = (uint32_t)(*pos - at), take = b[i].len - off < len ? b[i].len - off : len;
        memcpy((uint8_t *)(uintptr_t)b[i].addr + off, src, take);
        src += take;
        len -= take;
        *pos += take;
        at += b[i].len;
    }
}

bool fake_net_rx(struct fake_dev *d, const void *hdr, const void *frame, uint32_t len)
{
    struct fake_queue *q = &d->q[VIRTIO_NET_RX_QUEUE];
    struct buf b[MAX_CHAIN];
    uint64_t room = 0, pos = 0;

    if (q->nheld == 0)
        return false;
    uint16_t head = q->held[0], old = q->used_idx;
    unsigned n = chain_read(q, head, b, &d->indirect_seen);
    for (unsigned i = 0; i < n; i++) {
        if (!b[i].write)
            test_fail(__FILE__, __LINE__, "receive chain at head %u has a readable buffer", head);
        room += b[i].len;
    }
    if (n == 0 || room < 12u + len)
        return false;
    memmove(&q->held[0], &q->held[1], (q->nheld - 1u) * sizeof(q->held[0]));
    q->nheld--;
    scatter(b, n, &pos, hdr, 12);
    scatter(b, n, &pos, frame, len);
    used_hostile(d, q, head, 12u + len);
    used_publish(d, q, old);
    return true;
}
