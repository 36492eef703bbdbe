/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the hypercall decoders (hcall_decode.h, mgmt_decode.h):
 * per family, the errors in the order Xen (or idl/mgmt.idl) lists them,
 * what a success decodes to, and that a refusal writes nothing. The fuzz
 * targets hcall_decode and mgmt_decode cover the rest.
 */
#include "core/hcall_decode.h"

#include <string.h>

#include "core/mgmt_decode.h"

#include "harness.h"
#include "idl/xen_errno.h"

static const struct hcall_ctx ctx = {
    .domid = 5,
    .vcpu = 1,
    .nr_vcpus = 3,
    .vcpus_initialised = 0x3,
    .gnttab_max_frames = 32,
    .now_ns = 1000,
};

static bool untouched(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i] != 0xa5)
            return false;
    return true;
}

TEST(arg_sizes)
{
    uint64_t gva;

    EXPECT_EQ(hcall_decode_arg(__HYPERVISOR_vcpu_op, (const uint64_t[]){ VCPUOP_initialise, 1, 0x2000 }, &gva),
              sizeof(struct vcpu_hvm_context));
    EXPECT_EQ(gva, 0x2000);
    EXPECT_EQ(hcall_decode_arg(__HYPERVISOR_event_channel_op, (const uint64_t[]){ EVTCHNOP_status, 0x1000, 0 }, &gva),
              sizeof(struct evtchn_status));
    EXPECT_EQ(gva, 0x1000);
    EXPECT_EQ(hcall_decode_arg(__HYPERVISOR_event_channel_op, (const uint64_t[]){ EVTCHNOP_init_control, 1, 0 }, &gva),
              0);
    EXPECT_EQ(hcall_decode_arg(__HYPERVISOR_grant_table_op, (const uint64_t[]){ GNTTABOP_copy, 1, 1 }, &gva), 0);
    EXPECT_EQ(hcall_decode_arg(__HYPERVISOR_sched_op, (const uint64_t[]){ SCHEDOP_shutdown, 1, 0 }, &gva), 4);
}

TEST(xen_version_console_sched)
{
    union hcall_arg arg = { .feature = { 0, 0 } };
    struct hcall_xen_version v;
    struct hcall_console_io c;
    struct hcall_sched_op s;

    memset(&v, 0xa5, sizeof(v));
    EXPECT_EQ(hcall_decode_xen_version((const uint64_t[]){ XENVER_build_id + 1, 0, 0 }, &arg, &v), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_xen_version((const uint64_t[]){ XENVER_get_features, 0, 0 }, NULL, &v), -XEN_EFAULT);
    arg.feature.submap_idx = 1;
    EXPECT_EQ(hcall_decode_xen_version((const uint64_t[]){ XENVER_get_features, 0, 0 }, &arg, &v), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_xen_version((const uint64_t[]){ XENVER_pagesize, 0x1000, 0 }, &arg, &v), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_xen_version((const uint64_t[]){ XENVER_build_id, 0, 0 }, &arg, &v), -XEN_EPERM);
    EXPECT_TRUE(untouched(&v, sizeof(v)));
    arg.feature.submap_idx = 0;
    EXPECT_EQ(hcall_decode_xen_version((const uint64_t[]){ XENVER_get_features, 0, 0 }, &arg, &v), 0);
    /* What Linux needs of a PVH host: pvclock usable, events as a vector,
     * a translated physmap; never PV-only features or dom0. */
    EXPECT_EQ(v.submap, (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
                            (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock) |
                            (1u << XENFEAT_not_direct_mapped));
    for (uint64_t cmd = XENVER_version; cmd <= XENVER_commandline; cmd++)
        EXPECT_EQ(hcall_decode_xen_version((const uint64_t[]){ cmd, 0, 0 }, &arg, &v), 0);

    EXPECT_EQ(hcall_decode_console_io((const uint64_t[]){ 2, 1, 0 }, &c), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_console_io((const uint64_t[]){ CONSOLEIO_write, 0x80000000ull, 0 }, &c), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_console_io((const uint64_t[]){ CONSOLEIO_read, 0x80000000ull, 0 }, &c), 0);
    EXPECT_EQ(hcall_decode_console_io((const uint64_t[]){ CONSOLEIO_write, 0x7fffffff, 0x40 }, &c), 0);
    EXPECT_EQ(c.count, 0x7fffffff);

    arg.shutdown_reason = SHUTDOWN_soft_reset;
    EXPECT_EQ(hcall_decode_sched_op((const uint64_t[]){ SCHEDOP_remote_shutdown, 0, 0 }, &arg, &s), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_sched_op((const uint64_t[]){ SCHEDOP_shutdown, 0, 0 }, NULL, &s), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_sched_op((const uint64_t[]){ SCHEDOP_shutdown, 0, 0 }, &arg, &s), -XEN_EINVAL);
    arg.shutdown_reason = SHUTDOWN_crash;
    EXPECT_EQ(hcall_decode_sched_op((const uint64_t[]){ SCHEDOP_shutdown, 0, 0 }, &arg, &s), 0);
    EXPECT_EQ(s.reason, SHUTDOWN_crash);
}

TEST(memory_op_order)
{
    const uint64_t add[] = { XENMEM_add_to_physmap, 0x1000, 0 };
    union hcall_arg arg = { .physmap = { 7, 0, XENMAPSPACE_grant_table, 32, 1ull << 36 } };
    struct hcall_memory_op o;

    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_exchange, 0, 0 }, NULL, &o), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_memory_op(&ctx, add, NULL, &o), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_memory_op(&ctx, add, &arg, &o), -XEN_EINVAL); /* another domain */
    arg.physmap.domid = DOMID_SELF;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, add, &arg, &o), -XEN_EINVAL); /* frame past the limit */
    arg.physmap.idx = 31;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, add, &arg, &o), -XEN_EINVAL); /* gpfn past 2^36 */
    arg.physmap.idx = XENMAPIDX_grant_table_status;
    arg.physmap.gpfn = 0x100;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, add, &arg, &o), -XEN_EINVAL); /* a version-2 status frame */
    arg.physmap.space = XENMAPSPACE_gmfn;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, add, &arg, &o), -XEN_EINVAL);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    arg.physmap = (struct xen_add_to_physmap){ 5, 0, XENMAPSPACE_shared_info, 0, 0x200 };
    EXPECT_EQ(hcall_decode_memory_op(&ctx, add, &arg, &o), 0);
    EXPECT_EQ(o.gpfn, 0x200);
    arg.memory_map = (struct xen_memory_map){ 0, 0, 0x3000 };
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_memory_map, 0, 0 }, &arg, &o), -XEN_EINVAL);
}

TEST(vcpu_op_order)
{
    union hcall_arg arg = { .timer = { 999, VCPU_SSHOTTMR_future, 0 } };
    struct hcall_vcpu_op o;

    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_initialise, 3, 0 }, NULL, &o), -XEN_ENOENT);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_initialise, 1, 0 }, NULL, &o), -XEN_EEXIST);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_initialise, 2, 0 }, NULL, &o), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_up, 2, 0 }, NULL, &o), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_get_physid, 0, 0 }, &arg, &o), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_get_physid, 1, 0 }, &arg, &o), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_set_singleshot_timer, 1, 0 }, NULL, &o),
              -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_set_singleshot_timer, 1, 0 }, &arg, &o),
              -XEN_ETIME);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    arg.timer = (struct vcpu_set_singleshot_timer){ 0, 0, 0 };
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_set_singleshot_timer, 1, 0 }, &arg, &o), 0);
    EXPECT_EQ(o.timeout_ns, 1); /* 0 would mean no timer */
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_up, 1, 0 }, NULL, &o), 0);
}

/* Reservations: every refusal is the count done so far (the restart
 * extent), never an error, as Xen's do_memory_op answers. */
TEST(memory_reservation)
{
    const uint64_t dec = XENMEM_decrease_reservation | (2ull << HCALL_MEMOP_EXTENT_SHIFT);
    union hcall_arg arg = { .reservation = { 0x4000, 5, 0, 0, DOMID_SELF, { 0 } } };
    struct hcall_memory_op o;

    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ dec, 0, 0 }, NULL, &o), 0);
    EXPECT_TRUE(o.none && o.start == 2 && o.cmd == XENMEM_decrease_reservation);
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ dec, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(!o.none && o.start == 2 && o.nr_extents == 5 && o.order == 0 && o.buffer == 0x4000);
    arg.reservation.extent_order = HCALL_MEMOP_MAX_ORDER + 1;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ dec, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(o.none);
    arg.reservation.extent_order = 0;
    arg.reservation.domid = 6; /* another domain */
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ dec, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(o.none);
    arg.reservation.domid = 5;      /* its own id */
    arg.reservation.mem_flags = 12; /* address bits that leave no frame */
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ dec, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(o.none);
    arg.reservation.mem_flags = 32;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_populate_physmap, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(!o.none && o.start == 0 && o.cmd == XENMEM_populate_physmap);
    arg.reservation.nr_extents = 2; /* the restart is past the end */
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ dec, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(o.none);
    arg.reservation.nr_extents = 1ull << 26; /* no room for the restart encoding */
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_populate_physmap, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(o.none);

    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_current_reservation | 64, 0, 0 }, &arg, &o),
              -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_maximum_reservation, 0, 0 }, NULL, &o),
              -XEN_EFAULT);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    arg.domid = DOMID_SELF;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_current_reservation, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(!o.foreign && o.target == 5);
    arg.domid = 9;
    EXPECT_EQ(hcall_decode_memory_op(&ctx, (const uint64_t[]){ XENMEM_maximum_reservation, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(o.foreign && o.target == 9);
}

/* register_vcpu_info in Xen's order (map_vcpu_info): the argument, then
 * the offset (-ENXIO), then the frame; runstate registration only needs
 * its argument; both for any vCPU of the domain. */
TEST(vcpu_records)
{
    union hcall_arg arg = { .vcpu_info = { 0x123, 4096 - 64 + 8, 0xffffffff } };
    const uint64_t reg[] = { VCPUOP_register_vcpu_info, 2, 0x1000 };
    struct hcall_vcpu_op o;

    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_register_vcpu_info, 3, 0 }, &arg, &o), -XEN_ENOENT);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, reg, NULL, &o), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, reg, &arg, &o), -XEN_ENXIO); /* crosses the page */
    arg.vcpu_info.offset = 4;
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, reg, &arg, &o), -XEN_ENXIO); /* not aligned */
    arg.vcpu_info = (struct vcpu_register_vcpu_info){ 1ull << 36, 8, 0 };
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, reg, &arg, &o), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_register_runstate_memory_area, 0, 0 }, NULL, &o),
              -XEN_EFAULT);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    arg.vcpu_info = (struct vcpu_register_vcpu_info){ 0x123, 4096 - 64, 7 }; /* rsvd is ignored, as on Xen */
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, reg, &arg, &o), 0);
    EXPECT_TRUE(o.gfn == 0x123 && o.offset == 4096 - 64 && o.vcpu == 2);
    arg.runstate.addr = 0xffff800000001000ull;
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_register_runstate_memory_area, 0, 0 }, &arg, &o),
              0);
    EXPECT_TRUE(o.addr == 0xffff800000001000ull && o.vcpu == 0);
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, (const uint64_t[]){ VCPUOP_get_runstate_info, 2, 0x5000 }, &arg, &o), 0);
    EXPECT_EQ(o.addr, 0x5000);
}

TEST(sched_poll_and_vm_assist)
{
    union hcall_arg arg = { .poll = { 0x2000, HCALL_POLL_PORTS + 1, 0, 77 } };
    struct hcall_sched_op s;
    uint32_t mask = 0xa5;
    bool on = false;

    memset(&s, 0xa5, sizeof(s));
    EXPECT_EQ(hcall_decode_sched_op((const uint64_t[]){ SCHEDOP_poll, 0, 0 }, NULL, &s), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_sched_op((const uint64_t[]){ SCHEDOP_poll, 0, 0 }, &arg, &s), -XEN_EINVAL);
    EXPECT_TRUE(untouched(&s, sizeof(s)));
    arg.poll.nr_ports = HCALL_POLL_PORTS;
    EXPECT_EQ(hcall_decode_sched_op((const uint64_t[]){ SCHEDOP_poll, 0, 0 }, &arg, &s), 0);
    EXPECT_TRUE(s.ports == 0x2000 && s.nr_ports == HCALL_POLL_PORTS && s.timeout == 77);

    /* The type first (-EINVAL for any but runstate_update_flag), then the command. */
    EXPECT_EQ(hcall_decode_vm_assist((const uint64_t[]){ 7, VMASST_TYPE_writable_pagetables, 0 }, &mask, &on),
              -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_vm_assist((const uint64_t[]){ VMASST_CMD_enable, VMASST_TYPE_m2p_strict, 0 }, &mask, &on),
              -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_vm_assist((const uint64_t[]){ 7, VMASST_TYPE_runstate_update_flag, 0 }, &mask, &on),
              -XEN_ENOSYS);
    EXPECT_EQ(mask, 0xa5);
    EXPECT_EQ(hcall_decode_vm_assist((const uint64_t[]){ VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag, 0 },
                                     &mask, &on),
              0);
    EXPECT_TRUE(mask == 1u << VMASST_TYPE_runstate_update_flag && on);
    EXPECT_EQ(hcall_decode_vm_assist((const uint64_t[]){ VMASST_CMD_disable | (1ull << 32),
                                                         VMASST_TYPE_runstate_update_flag | (1ull << 32), 0 },
                                     &mask, &on),
              0); /* unsigned int arguments, as Xen's */
    EXPECT_FALSE(on);
}

/* Regression: a command above 32 bits must not alias a timer command. */
TEST(vcpu_op_wide_command)
{
    struct hcall_vcpu_op o;
    uint64_t a[] = { (1ull << 32) | VCPUOP_stop_singleshot_timer, 1, 0 };

    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, a, NULL, &o), -XEN_ENOSYS);
    a[0] = (1ull << 32) | VCPUOP_up;
    EXPECT_EQ(hcall_decode_vcpu_op(&ctx, a, NULL, &o), -XEN_ENOSYS);
}

TEST(hvm_op_order)
{
    const uint64_t set[] = { HVMOP_set_param, 0, 0 };
    union hcall_arg arg = { .hvm_param = { DOMID_SELF, 0, HVM_NR_PARAMS, 0 } };
    struct hcall_hvm_op o;

    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, (const uint64_t[]){ HVMOP_flush_tlbs, 0, 0 }, NULL, &o), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, NULL, &o), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), -XEN_EINVAL);
    arg.hvm_param.index = HVM_PARAM_TIMER_MODE;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), -XEN_EINVAL);
    arg.hvm_param.index = HVM_PARAM_STORE_PFN;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), -XEN_EPERM);
    arg.hvm_param.index = HVM_PARAM_CALLBACK_IRQ;
    arg.hvm_param.value = 0x1f | (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), -XEN_EINVAL);
    arg.hvm_param.value = 0x20 | (uint64_t)HVM_PARAM_CALLBACK_TYPE_PCI_INTX << 56;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), -XEN_EINVAL);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    arg.hvm_param.value = 1; /* GSI 1, as Linux sets beside per-vCPU upcall vectors: off */
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), 0);
    EXPECT_EQ(o.value, 0);
    EXPECT_EQ(o.slot, HCALL_HVM_CALLBACK);
    arg.hvm_param.value = 0xf3 | (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), 0);
    EXPECT_EQ(o.value, 0xf3);
    EXPECT_EQ(o.slot, HCALL_HVM_CALLBACK);
    /* A domain it builds: its frames may be set; the lookup is perform's. */
    arg.hvm_param = (struct xen_hvm_param){ 9, 0, HVM_PARAM_STORE_PFN, 0x77 };
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), 0);
    EXPECT_TRUE(o.foreign);
    EXPECT_EQ(o.target, 9);
    EXPECT_EQ(o.slot, 0);
    EXPECT_EQ(o.after_lookup, 0);
    /* Xen's order: a refusal that follows the lookup waits for it, so a
     * caller without rights over d9 hears -EPERM or -ESRCH first. */
    arg.hvm_param.index = HVM_PARAM_TIMER_MODE;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.hvm_param.index = HVM_NR_PARAMS;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, set, &arg, &o), -XEN_EINVAL);
}

TEST(hvm_upcall_vector)
{
    const uint64_t a[] = { HVMOP_set_evtchn_upcall_vector, 0x1000, 0 };
    union hcall_arg arg = { .upcall_vector = { ctx.nr_vcpus, 0x0f, { 0 } } };
    struct hcall_hvm_op o;
    uint64_t gva;

    EXPECT_EQ(hcall_decode_arg(__HYPERVISOR_hvm_op, a, &gva), sizeof(struct xen_hvm_evtchn_upcall_vector));
    EXPECT_EQ(gva, 0x1000);
    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, a, NULL, &o), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, a, &arg, &o), -XEN_EINVAL); /* vector first, as Xen */
    arg.upcall_vector.vector = 0x10;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, a, &arg, &o), -XEN_ENOENT);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    arg.upcall_vector.vcpu = ctx.nr_vcpus - 1;
    arg.upcall_vector.vector = 0xf3;
    EXPECT_EQ(hcall_decode_hvm_op(&ctx, a, &arg, &o), 0);
    EXPECT_EQ(o.cmd, HVMOP_set_evtchn_upcall_vector);
    EXPECT_EQ(o.slot, ctx.nr_vcpus - 1);
    EXPECT_EQ(o.value, 0xf3);
}

TEST(evtchn_op)
{
    union hcall_arg arg = { .alloc_unbound = { DOMID_SELF, DOMID_SELF, 0 } };
    struct hcall_evtchn_op o;

    EXPECT_EQ(hcall_decode_evtchn_op(&ctx, (const uint64_t[]){ EVTCHNOP_init_control, 0, 0 }, &arg, &o), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_evtchn_op(&ctx, (const uint64_t[]){ EVTCHNOP_bind_pirq, 0, 0 }, &arg, &o), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_evtchn_op(&ctx, (const uint64_t[]){ EVTCHNOP_send, 0, 0 }, NULL, &o), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_evtchn_op(&ctx, (const uint64_t[]){ EVTCHNOP_alloc_unbound, 0, 0 }, &arg, &o), 0);
    EXPECT_FALSE(o.foreign);
    EXPECT_EQ(o.remote_dom, 5); /* DOMID_SELF: the caller */
    arg.alloc_unbound = (struct evtchn_alloc_unbound){ 9, DOMID_SELF, 0 };
    EXPECT_EQ(hcall_decode_evtchn_op(&ctx, (const uint64_t[]){ EVTCHNOP_alloc_unbound, 0, 0 }, &arg, &o), 0);
    EXPECT_TRUE(o.foreign);
    EXPECT_EQ(o.target, 9);
    EXPECT_EQ(o.remote_dom, 5); /* still the caller, not the table's owner */
}

TEST(gnttab_op_order)
{
    union hcall_arg arg = { .setup_table = { 9, 0, 4, 0, 0, 0, 0x5000 } };
    struct hcall_gnttab_op o;

    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_transfer, 0, 1 }, &arg, &o), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_copy, 0, 1025 }, &arg, &o), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_setup_table, 0, 2 }, NULL, &o), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_setup_table, 0, 1 }, NULL, &o), -XEN_EFAULT);
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_get_version, 0, 1 }, &arg, &o), -XEN_EPERM);
    arg.set_version.version = 2;
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_set_version, 0, 1 }, &arg, &o), -XEN_EINVAL);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    arg.setup_table = (struct gnttab_setup_table){ 9, 0, 4, 0, 0, 0, 0x5000 };
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_setup_table, 0, 1 }, &arg, &o), 0);
    EXPECT_EQ(o.status, GNTST_permission_denied);
    arg.setup_table.dom = DOMID_SELF;
    arg.setup_table.nr_frames = 33;
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_setup_table, 0, 1 }, &arg, &o), 0);
    EXPECT_EQ(o.status, GNTST_general_error);
    arg.setup_table.nr_frames = 32;
    EXPECT_EQ(hcall_decode_gnttab_op(&ctx, (const uint64_t[]){ GNTTABOP_setup_table, 0, 1 }, &arg, &o), 0);
    EXPECT_EQ(o.status, GNTST_okay);
    EXPECT_EQ(o.nr_frames, 32);
}

TEST(gnttab_copy_element)
{
    struct gnttab_copy c = { .source = { .u.ref = 7, .domid = 3, .offset = 8 }, .dest = { .u.gmfn = 0x1234 } };
    struct hcall_gnttab_side s, d;

    c.flags = 4;
    memset(&s, 0xa5, sizeof(s));
    EXPECT_EQ(hcall_decode_gnttab_copy(&c, &s, &d), GNTST_bad_copy_arg);
    EXPECT_TRUE(untouched(&s, sizeof(s)));
    c.flags = GNTCOPY_source_gref;
    EXPECT_EQ(hcall_decode_gnttab_copy(&c, &s, &d), GNTST_okay);
    EXPECT_TRUE(s.gref);
    EXPECT_EQ(s.frame, 7);
    EXPECT_FALSE(d.gref);
    EXPECT_EQ(d.frame, 0x1234);
}

/* The management hypercall (mgmt_decode.h): per command, the errors in
 * idl/mgmt.idl's order and which of them wait for the lookup or the
 * state check. */
static const struct hcall_mgmt_ctx mctx = { .max_vcpus = 8, .online_cpus = 0x3 };

/* Decodes cmd with arg at its own size; the op in *o. */
static int mgmt_decode(uint32_t cmd, const union hcall_mgmt_arg *arg, struct hcall_mgmt_op *o)
{
    const uint64_t a[] = { cmd, 0x1000, hcall_mgmt_arg_size(cmd) };

    return hcall_decode_mgmt(&mctx, a, arg, o);
}

/* cmd with arg passes decode, needing the control capability, checked
 * as check, aimed at domid, with no field refused. */
static void expect_passes(uint32_t cmd, const union hcall_mgmt_arg *arg, int check, uint16_t domid)
{
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(cmd, arg, &o), 0);
    EXPECT_EQ(o.check, check);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_CONTROL);
    EXPECT_EQ(o.domid, domid);
    EXPECT_EQ(o.after_lookup, 0);
}

/* Size, then copy: refused before any lookup, *out untouched. */
TEST(mgmt_size_then_fault)
{
    union hcall_mgmt_arg arg = { .unpause = { 2, { 0, 0, 0 } } };
    struct hcall_mgmt_op o;

    memset(&o, 0xa5, sizeof(o));
    EXPECT_EQ(hcall_mgmt_arg_size(0), 0);
    EXPECT_EQ(hcall_mgmt_arg_size(MGMT_DOMAIN_SET_MAXMEM + 1), 0);
    EXPECT_EQ(hcall_mgmt_arg_size(MGMT_DOMAIN_SET_MAXMEM), 16);
    EXPECT_EQ(hcall_mgmt_arg_size(MGMT_DOMAIN_INFO), sizeof(struct mgmt_domain_info));
    EXPECT_EQ(hcall_decode_mgmt(&mctx, (const uint64_t[]){ 0, 0, 8 }, &arg, &o), -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_mgmt(&mctx, (const uint64_t[]){ (1ull << 32) | MGMT_DOMAIN_UNPAUSE, 0, 8 }, &arg, &o),
              -XEN_ENOSYS);
    EXPECT_EQ(hcall_decode_mgmt(&mctx, (const uint64_t[]){ MGMT_DOMAIN_UNPAUSE, 0, 7 }, NULL, &o), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_mgmt(&mctx, (const uint64_t[]){ MGMT_DOMAIN_UNPAUSE, 0, 9 }, &arg, &o), -XEN_EINVAL);
    EXPECT_EQ(hcall_decode_mgmt(&mctx, (const uint64_t[]){ MGMT_DOMAIN_UNPAUSE, 0, 8 }, NULL, &o), -XEN_EFAULT);
    EXPECT_TRUE(untouched(&o, sizeof(o)));
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_UNPAUSE, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_CONTROL);
    EXPECT_EQ(o.domid, 2);
    EXPECT_EQ(o.after_lookup, 0);
}

TEST(mgmt_create_fields_after_capability)
{
    union hcall_mgmt_arg arg = { .create = { .name = "child", .nr_vcpus = 8, .max_pages = 1 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CAP);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_CREATE);
    EXPECT_EQ(o.after_lookup, 0);
    EXPECT_TRUE(strcmp(o.arg.create.name, "child") == 0);
    /* Each bad field: the capability is checked first, then -EINVAL. */
    arg.create.nr_vcpus = 9;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.create.nr_vcpus = 0;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.create.nr_vcpus = 1;
    arg.create.max_pages = 0;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.create.max_pages = 1;
    arg.create.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.create.reserved0 = 0;
    EXPECT_EQ(o.after_state, 0);
}

TEST(mgmt_create_names)
{
    static const char *const bad[] = { "", "two words", "tab\there", "del\x7f", "high\x80" };
    union hcall_mgmt_arg arg = { .create = { .nr_vcpus = 1, .max_pages = 1 } };
    struct hcall_mgmt_op o;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(arg.create.name, 0, sizeof(arg.create.name));
        memcpy(arg.create.name, bad[i], strlen(bad[i]));
        EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
        EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    }
    memset(arg.create.name, 'x', sizeof(arg.create.name)); /* unterminated */
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.create.name[31] = 0; /* 31 bytes and the NUL: the longest */
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
    arg.create.name[0] = '~';
    arg.create.name[1] = '!';
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_CREATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
}

/* Reserved after the lookup, the range after the state (-EBUSY first). */
TEST(mgmt_populate_order)
{
    union hcall_mgmt_arg arg = { .populate = { 3, { 0, 1, 0 }, (1ull << 36) - 1, 2 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_POPULATE, &arg, &o), 0);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_BUILD);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    EXPECT_EQ(o.after_state, -XEN_EOVERFLOW);
    arg.populate.reserved[1] = 0;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_POPULATE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
    EXPECT_EQ(o.after_state, -XEN_EOVERFLOW);
    arg.populate.nr_pages = 1; /* ends exactly at 2^36 */
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_POPULATE, &arg, &o), 0);
    EXPECT_EQ(o.after_state, 0);
    arg.populate.nr_pages = 0;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_POPULATE, &arg, &o), 0);
    EXPECT_EQ(o.after_state, -XEN_EOVERFLOW);
    arg.populate.gfn = ~0ull;
    arg.populate.nr_pages = 2; /* wraps below the limit */
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_POPULATE, &arg, &o), 0);
    EXPECT_EQ(o.after_state, -XEN_EOVERFLOW);
}

TEST(mgmt_copy_order)
{
    union hcall_mgmt_arg arg = { .copy = { 3, { 0, 0, 7 }, 0x1000, 0x2000, (16ull << 20) + 1 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_COPY, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    EXPECT_EQ(o.after_state, -XEN_EINVAL);
    arg.copy.reserved[2] = 0;
    arg.copy.len = 16ull << 20;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_COPY, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
    EXPECT_EQ(o.after_state, 0);
    arg.copy.dst_gpa = ~0ull - 10;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_COPY, &arg, &o), 0);
    EXPECT_EQ(o.after_state, -XEN_EINVAL);
    arg.copy.dst_gpa = 0;
    arg.copy.src = ~0ull;
    arg.copy.len = 1;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_COPY, &arg, &o), 0);
    EXPECT_EQ(o.after_state, -XEN_EINVAL);
    arg.copy.len = 0; /* an empty copy anywhere */
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_COPY, &arg, &o), 0);
    EXPECT_EQ(o.after_state, 0);
}

TEST(mgmt_set_pvh_reserved_after_state)
{
    union hcall_mgmt_arg arg = { .set_pvh = { 3, 1, 0, 0x100000, 0x2000 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_VCPU_SET_PVH, &arg, &o), 0);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_BUILD);
    EXPECT_EQ(o.after_lookup, 0);
    EXPECT_EQ(o.after_state, -XEN_EINVAL);
}

TEST(mgmt_sched_and_affinity)
{
    union hcall_mgmt_arg arg = { .sched = { 3, 0, 100 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SCHED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL); /* weight 0 */
    arg.sched.weight = 1;
    arg.sched.cap = 801;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SCHED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.sched.cap = 800;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SCHED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);

    arg.affinity = (struct mgmt_vcpu_affinity){ 3, 0, 7, 0x4 }; /* CPU 2 is offline */
    EXPECT_EQ(mgmt_decode(MGMT_VCPU_AFFINITY, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.affinity.cpumask = 0x6;
    EXPECT_EQ(mgmt_decode(MGMT_VCPU_AFFINITY, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0); /* vCPU 7 is mgmt.c's to check */
    arg.affinity.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_VCPU_AFFINITY, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
}

TEST(mgmt_reserved_of_grant_unpause_destroy_info)
{
    union hcall_mgmt_arg arg = { .cap_grant = { 3, { 0, 0, 1 }, 0x1 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_CAP_GRANT, &arg, &o), 0);
    EXPECT_EQ(o.need, MGMT_CAP_CAP_GRANT);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.unpause = (struct mgmt_domain_unpause){ 3, { 1, 0, 0 } };
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_UNPAUSE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.destroy = (struct mgmt_domain_destroy){ 3, { 0, 1, 0 } };
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_DESTROY, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    memset(&arg, 0, sizeof(arg));
    arg.info.domid = MGMT_DOMID_SELF;
    arg.info.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_INFO, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_NONE); /* its own: no lookup */
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.info.domid = 3;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_INFO, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
}

TEST(mgmt_gnttab_seed_fields)
{
    const struct mgmt_gnttab_seed good = { 3, 1, 7, MGMT_GNTTAB_SEED_READONLY, 0, 0xffffffffull };
    union hcall_mgmt_arg arg = { .gnttab_seed = good };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_GNTTAB_SEED, &arg, &o), 0);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_BUILD);
    EXPECT_EQ(o.after_lookup, 0);
    arg.gnttab_seed.ref = MGMT_GNTTAB_SEED_REFS;
    EXPECT_EQ(mgmt_decode(MGMT_GNTTAB_SEED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.gnttab_seed = good;
    arg.gnttab_seed.flags = 2;
    EXPECT_EQ(mgmt_decode(MGMT_GNTTAB_SEED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.gnttab_seed = good;
    arg.gnttab_seed.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_GNTTAB_SEED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.gnttab_seed = good;
    arg.gnttab_seed.grantee = MGMT_DOMID_SELF;
    EXPECT_EQ(mgmt_decode(MGMT_GNTTAB_SEED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.gnttab_seed = good;
    arg.gnttab_seed.gfn = 1ull << 32;
    EXPECT_EQ(mgmt_decode(MGMT_GNTTAB_SEED, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    EXPECT_EQ(o.after_state, 0);
}

TEST(mgmt_ioport_permit_fields)
{
    union hcall_mgmt_arg arg = { .ioport = { 3, 0x2f8, 8 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_IOPORT_PERMIT, &arg, &o), 0);
    EXPECT_EQ(o.need, MGMT_CAP_IOPORT);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
    EXPECT_EQ(o.domid, 3);
    EXPECT_EQ(o.after_lookup, 0);
    EXPECT_EQ(o.after_state, 0);
    arg.ioport.nr_ports = 0;
    EXPECT_EQ(mgmt_decode(MGMT_IOPORT_PERMIT, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    /* The last port is 0xffff: up to it, not past. */
    arg.ioport = (struct mgmt_ioport_permit){ 3, 0xffff, 1 };
    EXPECT_EQ(mgmt_decode(MGMT_IOPORT_PERMIT, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
    arg.ioport.nr_ports = 2;
    EXPECT_EQ(mgmt_decode(MGMT_IOPORT_PERMIT, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.ioport = (struct mgmt_ioport_permit){ 3, 0, 0x10000 };
    EXPECT_EQ(mgmt_decode(MGMT_IOPORT_PERMIT, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
    arg.ioport.nr_ports = 0xffffffffu; /* would wrap a 32-bit sum */
    EXPECT_EQ(mgmt_decode(MGMT_IOPORT_PERMIT, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
}

TEST(mgmt_pci_assign_fields)
{
    union hcall_mgmt_arg arg = { .pci_assign = { 3, 0, 0x20 } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_PCI_ASSIGN, &arg, &o), 0);
    EXPECT_EQ(o.need, MGMT_CAP_PCI);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
    EXPECT_EQ(o.domid, 3);
    EXPECT_EQ(o.after_lookup, 0);
    arg.pci_assign.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_PCI_ASSIGN, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.pci_assign = (struct mgmt_pci_assign){ 3, 0, 0x10020 }; /* segment 1 */
    EXPECT_EQ(mgmt_decode(MGMT_PCI_ASSIGN, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.pci_assign.sbdf = 0xffff; /* the last function of segment 0 */
    EXPECT_EQ(mgmt_decode(MGMT_PCI_ASSIGN, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
}

/* The caller's own functions: no capability, no target, whatever the
 * first bytes say (they are no domid). */
TEST(mgmt_pci_own_function_calls)
{
    union hcall_mgmt_arg arg = { .pci_info = { .index = MGMT_DOMID_SELF } }; /* no domid: the same bytes mean nothing */
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_PCI_INFO, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_NONE);
    EXPECT_EQ(o.need, 0);
    EXPECT_EQ(o.after_lookup, 0);
    arg.pci_msi_bind = (struct mgmt_pci_msi_bind){ .sbdf = 0x20, .entry = 2 };
    EXPECT_EQ(mgmt_decode(MGMT_PCI_MSI_BIND, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_NONE);
    EXPECT_EQ(o.after_lookup, 0);
    arg.pci_msi_bind.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_PCI_MSI_BIND, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.pci_msi_bind = (struct mgmt_pci_msi_bind){ .sbdf = 0x20, .reserved1 = 1 };
    EXPECT_EQ(mgmt_decode(MGMT_PCI_MSI_BIND, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
}

/* Pause, handover, list and vCPU info: reserved fields after the lookup;
 * list names no target (its capability alone); vCPU info on DOMID_SELF
 * needs nothing, as info does; a handover to the domain itself or to an
 * id that names no domain is -EINVAL after the lookup. */
TEST(mgmt_running_domain_commands)
{
    union hcall_mgmt_arg arg = { .pause = { 3, { 0, 0, 0 } } };
    struct hcall_mgmt_op o;

    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_PAUSE, &arg, &o), 0);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_CONTROL);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
    EXPECT_EQ(o.domid, 3);
    EXPECT_EQ(o.after_lookup, 0);
    arg.pause.reserved[1] = 1;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_PAUSE, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);

    arg.handover = (struct mgmt_domain_handover){ 3, 4, { 0, 0 } };
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_HANDOVER, &arg, &o), 0);
    EXPECT_EQ(o.domid, 3);
    EXPECT_EQ(o.after_lookup, 0);
    arg.handover.to = 3;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_HANDOVER, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.handover.to = MGMT_DOMID_SELF;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_HANDOVER, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.handover = (struct mgmt_domain_handover){ 3, 4, { 0, 1 } };
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_HANDOVER, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);

    memset(&arg, 0, sizeof(arg));
    arg.list.first = 7;
    expect_passes(MGMT_DOMAIN_LIST, &arg, HCALL_MGMT_CHECK_CAP, 0);
    arg.list.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_LIST, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);

    memset(&arg, 0, sizeof(arg));
    arg.vcpu_info.domid = MGMT_DOMID_SELF;
    arg.vcpu_info.vcpu = 9; /* checked against the domain's vCPUs when performing */
    EXPECT_EQ(mgmt_decode(MGMT_VCPU_INFO, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_NONE);
    EXPECT_EQ(o.after_lookup, 0);
    arg.vcpu_info.domid = 3;
    arg.vcpu_info.reserved0 = 1;
    EXPECT_EQ(mgmt_decode(MGMT_VCPU_INFO, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);

    memset(&arg, 0xff, sizeof(arg)); /* phys_info: every field is out */
    EXPECT_EQ(mgmt_decode(MGMT_PHYS_INFO, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CAP);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_CONTROL);
    EXPECT_EQ(o.domid, 0);
    EXPECT_EQ(o.after_lookup, 0);

    memset(&arg, 0, sizeof(arg));
    arg.log_read.len = MGMT_LOG_RING;
    EXPECT_EQ(mgmt_decode(MGMT_LOG_READ, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CAP);
    EXPECT_EQ(o.need, MGMT_CAP_LOG);
    EXPECT_EQ(o.after_lookup, 0);
    arg.log_read.len = MGMT_LOG_RING + 1;
    EXPECT_EQ(mgmt_decode(MGMT_LOG_READ, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    arg.log_read.len = 0;
    EXPECT_EQ(mgmt_decode(MGMT_LOG_READ, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);

    memset(&arg, 0xff, sizeof(arg)); /* sched_get: every field but the target is out */
    arg.sched_get.domid = MGMT_DOMID_SELF;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SCHED_GET, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_NONE);
    EXPECT_EQ(o.need, MGMT_CAP_DOMAIN_CONTROL);
    EXPECT_EQ(o.after_lookup, 0);
    arg.sched_get.domid = 4;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SCHED_GET, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
    EXPECT_EQ(o.domid, 4);
    EXPECT_EQ(o.after_lookup, 0);
}

/* set_maxmem: a controlled target; max_pages 0 and reserved bytes are
 * refused after the lookup; any other limit passes decode (the machine's
 * RAM is the perform step's bound). */
TEST(mgmt_set_maxmem_fields)
{
    union hcall_mgmt_arg arg;
    struct hcall_mgmt_op o;

    memset(&arg, 0, sizeof(arg));
    arg.set_maxmem.domid = 5;
    arg.set_maxmem.max_pages = 4096;
    expect_passes(MGMT_DOMAIN_SET_MAXMEM, &arg, HCALL_MGMT_CHECK_CONTROL, 5);
    arg.set_maxmem.max_pages = UINT64_MAX;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SET_MAXMEM, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, 0);
    arg.set_maxmem.max_pages = 0;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SET_MAXMEM, &arg, &o), 0);
    EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    for (unsigned i = 0; i < 3; i++) {
        arg.set_maxmem.max_pages = 1;
        memset(arg.set_maxmem.reserved, 0, sizeof(arg.set_maxmem.reserved));
        arg.set_maxmem.reserved[i] = 1;
        EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SET_MAXMEM, &arg, &o), 0);
        EXPECT_EQ(o.after_lookup, -XEN_EINVAL);
    }
    arg.set_maxmem.domid = MGMT_DOMID_SELF; /* no self form: the lookup refuses it */
    arg.set_maxmem.reserved[2] = 0;
    EXPECT_EQ(mgmt_decode(MGMT_DOMAIN_SET_MAXMEM, &arg, &o), 0);
    EXPECT_EQ(o.check, HCALL_MGMT_CHECK_CONTROL);
}

TEST(mgmt_pci_cfg_write_fields)
{
    static const struct {
        uint16_t offset;
        uint8_t size, reserved0;
        int want;
    } cases[] = {
        { 4, 2, 0, 0 },
        { 4, 4, 0, 0 },
        { 5, 1, 0, 0 },
        { 0xffc, 4, 0, 0 },
        { 0xfff, 1, 0, 0 },
        { 4, 3, 0, -XEN_EINVAL },
        { 4, 0, 0, -XEN_EINVAL },
        { 4, 8, 0, -XEN_EINVAL },
        { 5, 2, 0, -XEN_EINVAL },
        { 6, 4, 0, -XEN_EINVAL },
        { 0x1000, 1, 0, -XEN_EINVAL },
        { 0xfffe, 2, 0, -XEN_EINVAL },
        { 4, 2, 1, -XEN_EINVAL },
    };
    union hcall_mgmt_arg arg;
    struct hcall_mgmt_op o;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        arg.pci_cfg_write = (struct mgmt_pci_cfg_write){
            .sbdf = 0x20, .offset = cases[i].offset, .size = cases[i].size, .reserved0 = cases[i].reserved0
        };
        EXPECT_EQ(mgmt_decode(MGMT_PCI_CFG_WRITE, &arg, &o), 0);
        EXPECT_EQ(o.check, HCALL_MGMT_CHECK_NONE);
        EXPECT_EQ(o.after_lookup, cases[i].want);
    }
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(arg_sizes),
        TEST_ENTRY(xen_version_console_sched),
        TEST_ENTRY(memory_op_order),
        TEST_ENTRY(vcpu_op_order),
        TEST_ENTRY(vcpu_op_wide_command),
        TEST_ENTRY(memory_reservation),
        TEST_ENTRY(vcpu_records),
        TEST_ENTRY(sched_poll_and_vm_assist),
        TEST_ENTRY(hvm_op_order),
        TEST_ENTRY(hvm_upcall_vector),
        TEST_ENTRY(evtchn_op),
        TEST_ENTRY(gnttab_op_order),
        TEST_ENTRY(gnttab_copy_element),
        TEST_ENTRY(mgmt_size_then_fault),
        TEST_ENTRY(mgmt_set_maxmem_fields),
        TEST_ENTRY(mgmt_create_fields_after_capability),
        TEST_ENTRY(mgmt_create_names),
        TEST_ENTRY(mgmt_populate_order),
        TEST_ENTRY(mgmt_copy_order),
        TEST_ENTRY(mgmt_set_pvh_reserved_after_state),
        TEST_ENTRY(mgmt_sched_and_affinity),
        TEST_ENTRY(mgmt_reserved_of_grant_unpause_destroy_info),
        TEST_ENTRY(mgmt_gnttab_seed_fields),
        TEST_ENTRY(mgmt_ioport_permit_fields),
        TEST_ENTRY(mgmt_pci_assign_fields),
        TEST_ENTRY(mgmt_pci_own_function_calls),
        TEST_ENTRY(mgmt_pci_cfg_write_fields),
        TEST_ENTRY(mgmt_running_domain_commands),
        TEST_END,
    });
}
