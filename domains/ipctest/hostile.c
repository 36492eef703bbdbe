/* SPDX-License-Identifier: MIT */
/*
 * Hostile uses of event channels and grant tables, each of which the core
 * must refuse with Xen's error code and without leaking a port, a handle
 * or a pin: sends on closed and foreign ports, binds to ports not offered,
 * port exhaustion, grant refs out of range, not granted, or read-only,
 * double unmaps, copies across a page end, maptrack exhaustion.
 */
#include <stdio.h>
#include <string.h>

#include "ipctest.h"
#include "mosaic/hypercall.h"

#define MAX_MAPS     4096
#define EXHAUST_BASE 0xc0000000ull

static uint8_t self_page[4096] __attribute__((aligned(4096)));
static grant_handle_t handles[MAX_MAPS];
static evtchn_port_t many[1024];

static void ports(uint16_t self)
{
    evtchn_port_t p, q;
    unsigned n = 0, before = ipc_ports_in_use();
    long r;

    r = evtchn_alloc_unbound(self, &p);
    if (r == 0) {
        (void)evtchn_close(p);
        r = evtchn_send(p);
        test_check(r == -XEN_EINVAL, "evtchn_send_closed", "send on closed port %u: %ld (EINVAL)", p, r);
        r = evtchn_close(p);
        test_check(r == -XEN_EINVAL, "evtchn_close_twice", "second close of port %u: %ld (EINVAL)", p, r);
    }
    r = evtchn_send(1000);
    test_check(r == -XEN_EINVAL, "evtchn_send_foreign", "send on port 1000, never allocated here: %ld (EINVAL)", r);
    r = evtchn_send(5000);
    test_check(r == -XEN_EINVAL, "evtchn_send_out_of_range", "send on port 5000: %ld (EINVAL)", r);
    r = evtchn_alloc_unbound(IPC_NOBODY, &p);
    if (r == 0) {
        r = evtchn_bind_interdomain(DOMID_SELF, p, &q);
        test_check(r == -XEN_EINVAL, "evtchn_bind_not_offered", "bind to own port %u offered to d%u: %ld (EINVAL)", p,
                   IPC_NOBODY, r);
        (void)evtchn_close(p);
    }
    r = evtchn_bind_interdomain(DOMID_SELF, 1000, &q);
    test_check(r == -XEN_EINVAL, "evtchn_bind_free_port", "bind to a free port: %ld (EINVAL)", r);
    r = evtchn_bind_virq(99, 0, &q);
    test_check(r == -XEN_EINVAL, "evtchn_bind_bad_virq", "VIRQ 99: %ld (EINVAL)", r);
    while (n < 1024 && (r = evtchn_alloc_unbound(self, &many[n])) == 0)
        n++;
    test_check(r == -XEN_ENOSPC && n == 1023 - before, "evtchn_exhaust",
               "%u more ports, then %ld (ENOSPC): every port of 1023 in use", n, r);
    while (n)
        (void)evtchn_close(many[--n]);
    test_check(ipc_ports_in_use() == before, "evtchn_exhaust_released", "%u ports in use again", ipc_ports_in_use());
}

static void grants(uint16_t self)
{
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 33 };
    struct xen_add_to_physmap xa = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 32, .gpfn = 0x7000 };
    struct gnttab_copy op = { 0 };
    grant_handle_t h, h2;
    grant_ref_t ref, other;
    unsigned n = 0;
    long r;
    int st;

    r = gnttab_op(GNTTABOP_setup_table, &setup, 1);
    test_check(r == 0 && setup.status == GNTST_general_error, "gnttab_setup_too_big",
               "33 table frames: %ld, status %d (GNTST_general_error)", r, setup.status);
    r = hypercall_add_to_physmap(&xa);
    test_check(r == -XEN_EINVAL, "gnttab_frame_beyond_limit", "table frame 32 placed: %ld (EINVAL)", r);
    if (gnttab_grant_access(self, self_page, true, &ref) != 0 ||
        gnttab_grant_access(IPC_NOBODY, self_page, false, &other))
        return (void)test_check(false, "gnttab_self_grant", "could not grant a page to itself");
    st = gnttab_map(self, 100000, true, &(void *){ 0 }, &h);
    test_check(st == GNTST_bad_gntref, "gnttab_map_beyond_table", "ref 100000: %d (GNTST_bad_gntref)", st);
    st = gnttab_map(self, other, true, &(void *){ 0 }, &h);
    test_check(st == GNTST_general_error, "gnttab_map_not_granted", "a ref granted to d%u: %d (GNTST_general_error)",
               IPC_NOBODY, st);
    st = gnttab_map(self, ref, false, &(void *){ 0 }, &h);
    test_check(st == GNTST_general_error, "gnttab_map_ro_for_write",
               "a read-only grant mapped writable: %d (GNTST_general_error)", st);
    st = gnttab_map(DOMID_SELF, ref, true, &(void *){ 0 }, &h);
    test_check(st == GNTST_bad_domain, "gnttab_map_domid_self", "granter DOMID_SELF: %d (GNTST_bad_domain)", st);
    st = gnttab_map(IPC_NOBODY, ref, true, &(void *){ 0 }, &h);
    test_check(st == GNTST_bad_domain, "gnttab_map_no_domain", "granter d%u: %d (GNTST_bad_domain)", IPC_NOBODY, st);
    void *p = NULL;
    st = gnttab_map(self, ref, true, &p, &h);
    if (test_check(st == GNTST_okay, "gnttab_map_ro", "own read-only grant mapped read-only: %d", st)) {
        st = gnttab_map_at(self, ref, true, (uint64_t)(uintptr_t)p, &h2);
        test_check(st == GNTST_bad_virt_addr, "gnttab_map_over_mapping",
                   "mapped where a mapping is: %d (GNTST_bad_virt_addr)", st);
        st = gnttab_map_at(self, ref, true, (uint64_t)(uintptr_t)self_page, &h2);
        test_check(st == GNTST_bad_virt_addr, "gnttab_map_over_ram",
                   "mapped over its own RAM: %d (GNTST_bad_virt_addr)", st);
        test_check(gnttab_end_access(ref) == -16, "gnttab_end_while_mapped", "ending a mapped grant: EBUSY");
        st = gnttab_unmap(p, h);
        test_check(st == GNTST_okay, "gnttab_unmap", "%d", st);
        st = gnttab_unmap(p, h);
        test_check(st == GNTST_bad_handle, "gnttab_unmap_twice", "second unmap: %d (GNTST_bad_handle)", st);
    }
    st = gnttab_unmap(p, 99999);
    test_check(st == GNTST_bad_handle, "gnttab_unmap_bad_handle", "handle 99999: %d (GNTST_bad_handle)", st);
    op.source.u.ref = ref;
    op.source.domid = self;
    op.source.offset = 4000;
    op.dest.u.gmfn = (uint64_t)(uintptr_t)self_page / 4096;
    op.dest.domid = DOMID_SELF;
    op.len = 200;
    op.flags = GNTCOPY_source_gref;
    r = gnttab_copy_batch(&op, 1);
    test_check(r == 0 && op.status == GNTST_bad_copy_arg, "gnttab_copy_across_page",
               "offset 4000 + 200 bytes: %d (GNTST_bad_copy_arg)", op.status);
    op.source.offset = 0;
    op.dest.u.ref = ref;
    op.dest.domid = self;
    op.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    r = gnttab_copy_batch(&op, 1);
    test_check(r == 0 && op.status == GNTST_general_error, "gnttab_copy_into_ro",
               "into a read-only grant: %d (GNTST_general_error)", op.status);
    /* At 3 GiB, far above this domain's RAM and mapping window: the core's
     * own limit of mappings per domain is what stops it. */
    while (n < MAX_MAPS && (st = gnttab_map_at(self, ref, true, EXHAUST_BASE + n * 4096ull, &handles[n])) == GNTST_okay)
        n++;
    test_check(st == GNTST_no_space && n > 0, "gnttab_exhaust_maps",
               "%u mappings of one grant, then %d (GNTST_no_space)", n, st);
    for (unsigned i = 0; i < n; i++)
        if ((st = gnttab_unmap((void *)(uintptr_t)(EXHAUST_BASE + i * 4096ull), handles[i])) != GNTST_okay)
            test_check(false, "gnttab_exhaust_unmap", "mapping %u: %d", i, st);
    test_check(gnttab_entry_flags(ref) == (1 | 4), "gnttab_exhaust_released", "flags 0x%x after every unmap",
               gnttab_entry_flags(ref));
    test_check(gnttab_end_access(ref) == 0 && gnttab_end_access(other) == 0, "gnttab_end_access", "both grants ended");
}

void ipc_hostile_front(uint16_t self)
{
    ports(DOMID_SELF);
    grants(self);
}

void ipc_hostile_back(uint16_t peer)
{
    grant_handle_t h;
    void *p;
    int st;

    st = gnttab_map(peer, IPC_NOT_YOURS, true, &p, &h);
    test_check(st == GNTST_general_error, "peer_map_not_granted",
               "d%u's ref %u, granted to d%u: %d (GNTST_general_error)", peer, IPC_NOT_YOURS, IPC_NOBODY, st);
    st = gnttab_map(peer, IPC_RO_REF, false, &p, &h);
    test_check(st == GNTST_general_error, "peer_map_ro_for_write",
               "read-only ref %u mapped writable: %d (GNTST_general_error)", IPC_RO_REF, st);
    st = gnttab_map(peer, IPC_RO_REF, true, &p, &h);
    if (test_check(st == GNTST_okay, "peer_map_ro", "read-only ref %u mapped read-only: %d", IPC_RO_REF, st)) {
        test_check(((volatile uint8_t *)p)[100] == IPC_RO_PATTERN, "peer_map_ro_contents", "reads the peer's bytes");
        st = gnttab_unmap(p, h);
        test_check(st == GNTST_okay, "peer_unmap", "%d", st);
        st = gnttab_unmap(p, h);
        test_check(st == GNTST_bad_handle, "peer_unmap_twice", "%d (GNTST_bad_handle)", st);
    }
}
