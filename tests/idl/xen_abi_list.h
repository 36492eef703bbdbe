/* SPDX-License-Identifier: MIT */
/*
 * The facts the Xen ABI test compares: each is a name, Xen's expression
 * and Mosaic's. Two files expand the same list with their own X: one
 * compiles Xen's public headers (tests/idl/xen_abi_xen.c), the other the
 * generated ones (tests/unit/xen_abi_test.c); the two can never share a
 * file, as both define struct blkif_request and the like. Each side keeps
 * its own expression and drops the other's unexpanded.
 */
#pragma once

#include <stddef.h>

struct xen_abi_fact {
    const char *name;
    long long value;
};

/* Xen's side, in list order (tests/idl/xen_abi_xen.c). */
extern const struct xen_abi_fact xen_abi_xen[];
extern const size_t xen_abi_xen_count;

/* Every errno xen/errno.h gives guests, by name. */
extern const struct xen_abi_fact xen_abi_xen_errno_list[];
extern const size_t xen_abi_xen_errno_list_count;

/* A field's offset and size; the struct's size. Same names on both sides unless given twice. */
#define FIELD2(X, xt, xf, mt, mf)                      \
    X(#mt "." #mf, offsetof(xt, xf), offsetof(mt, mf)) \
    X("sizeof " #mt "." #mf, sizeof(((xt *)0)->xf), sizeof(((mt *)0)->mf))
#define FIELD(X, t, f)  FIELD2(X, struct t, f, struct t, f)
#define UFIELD(X, t, f) FIELD2(X, union t, f, union t, f)
#define SIZE(X, t)      X("sizeof struct " #t, sizeof(struct t), sizeof(struct t))
#define USIZE(X, t)     X("sizeof union " #t, sizeof(union t), sizeof(union t))
#define NUM(X, n)       X(#n, (n), (n))
/* A shared ring page: the four indices, the reserved bytes up to the slots, the slot size and count. */
#define SRING(X, name, size_macro)                                                                                   \
    FIELD(X, name##_sring, req_prod)                                                                                 \
    FIELD(X, name##_sring, req_event)                                                                                \
    FIELD(X, name##_sring, rsp_prod)                                                                                 \
    FIELD(X, name##_sring, rsp_event)                                                                                \
    X(#name "_sring reserved start", offsetof(struct name##_sring, pvt), offsetof(struct name##_sring, _rsvd_0x10))  \
    X(#name "_sring reserved end", offsetof(struct name##_sring, __pad) + sizeof(((struct name##_sring *)0)->__pad), \
      offsetof(struct name##_sring, _rsvd_0x10) + sizeof(((struct name##_sring *)0)->_rsvd_0x10))                    \
    X(#name "_sring.ring", offsetof(struct name##_sring, ring), offsetof(struct name##_sring, ring))                 \
    USIZE(X, name##_sring_entry)                                                                                     \
    UFIELD(X, name##_sring_entry, req)                                                                               \
    UFIELD(X, name##_sring_entry, rsp)                                                                               \
    X(#size_macro, __CONST_RING_SIZE(name, 4096), size_macro)

#define XEN_ABI_BLKIF(X)                             \
    NUM(X, BLKIF_OP_READ)                            \
    NUM(X, BLKIF_OP_WRITE)                           \
    NUM(X, BLKIF_OP_WRITE_BARRIER)                   \
    NUM(X, BLKIF_OP_FLUSH_DISKCACHE)                 \
    NUM(X, BLKIF_OP_RESERVED_1)                      \
    NUM(X, BLKIF_OP_DISCARD)                         \
    NUM(X, BLKIF_OP_INDIRECT)                        \
    NUM(X, BLKIF_MAX_SEGMENTS_PER_REQUEST)           \
    NUM(X, BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)     \
    NUM(X, BLKIF_RSP_EOPNOTSUPP)                     \
    NUM(X, BLKIF_RSP_ERROR)                          \
    NUM(X, BLKIF_RSP_OKAY)                           \
    NUM(X, BLKIF_DISCARD_SECURE)                     \
    NUM(X, VDISK_CDROM)                              \
    NUM(X, VDISK_REMOVABLE)                          \
    NUM(X, VDISK_READONLY)                           \
    SIZE(X, blkif_request_segment)                   \
    FIELD(X, blkif_request_segment, gref)            \
    FIELD(X, blkif_request_segment, first_sect)      \
    FIELD(X, blkif_request_segment, last_sect)       \
    SIZE(X, blkif_request)                           \
    FIELD(X, blkif_request, operation)               \
    FIELD(X, blkif_request, nr_segments)             \
    FIELD(X, blkif_request, handle)                  \
    FIELD(X, blkif_request, id)                      \
    FIELD(X, blkif_request, sector_number)           \
    FIELD(X, blkif_request, seg)                     \
    SIZE(X, blkif_request_discard)                   \
    FIELD(X, blkif_request_discard, operation)       \
    FIELD(X, blkif_request_discard, flag)            \
    FIELD(X, blkif_request_discard, handle)          \
    FIELD(X, blkif_request_discard, id)              \
    FIELD(X, blkif_request_discard, sector_number)   \
    FIELD(X, blkif_request_discard, nr_sectors)      \
    SIZE(X, blkif_request_indirect)                  \
    FIELD(X, blkif_request_indirect, operation)      \
    FIELD(X, blkif_request_indirect, indirect_op)    \
    FIELD(X, blkif_request_indirect, nr_segments)    \
    FIELD(X, blkif_request_indirect, id)             \
    FIELD(X, blkif_request_indirect, sector_number)  \
    FIELD(X, blkif_request_indirect, handle)         \
    FIELD(X, blkif_request_indirect, indirect_grefs) \
    SIZE(X, blkif_response)                          \
    FIELD(X, blkif_response, id)                     \
    FIELD(X, blkif_response, operation)              \
    FIELD(X, blkif_response, status)                 \
    SRING(X, blkif, BLKIF_RING_SIZE)

#define XEN_ABI_NETIF(X)                                                                \
    NUM(X, XEN_NETIF_NR_SLOTS_MIN)                                                      \
    NUM(X, XEN_NETIF_MAX_TX_SIZE)                                                       \
    NUM(X, NETTXF_csum_blank)                                                           \
    NUM(X, NETTXF_data_validated)                                                       \
    NUM(X, NETTXF_more_data)                                                            \
    NUM(X, NETTXF_extra_info)                                                           \
    NUM(X, NETRXF_data_validated)                                                       \
    NUM(X, NETRXF_csum_blank)                                                           \
    NUM(X, NETRXF_more_data)                                                            \
    NUM(X, NETRXF_extra_info)                                                           \
    NUM(X, NETRXF_gso_prefix)                                                           \
    NUM(X, NETIF_RSP_DROPPED)                                                           \
    NUM(X, NETIF_RSP_ERROR)                                                             \
    NUM(X, NETIF_RSP_OKAY)                                                              \
    NUM(X, NETIF_RSP_NULL)                                                              \
    NUM(X, XEN_NETIF_EXTRA_TYPE_NONE)                                                   \
    NUM(X, XEN_NETIF_EXTRA_TYPE_GSO)                                                    \
    NUM(X, XEN_NETIF_EXTRA_TYPE_MCAST_ADD)                                              \
    NUM(X, XEN_NETIF_EXTRA_TYPE_MCAST_DEL)                                              \
    NUM(X, XEN_NETIF_EXTRA_TYPE_HASH)                                                   \
    NUM(X, XEN_NETIF_EXTRA_TYPE_MAX)                                                    \
    NUM(X, XEN_NETIF_EXTRA_FLAG_MORE)                                                   \
    NUM(X, XEN_NETIF_GSO_TYPE_NONE)                                                     \
    NUM(X, XEN_NETIF_GSO_TYPE_TCPV4)                                                    \
    NUM(X, XEN_NETIF_GSO_TYPE_TCPV6)                                                    \
    SIZE(X, netif_tx_request)                                                           \
    FIELD(X, netif_tx_request, gref)                                                    \
    FIELD(X, netif_tx_request, offset)                                                  \
    FIELD(X, netif_tx_request, flags)                                                   \
    FIELD(X, netif_tx_request, id)                                                      \
    FIELD(X, netif_tx_request, size)                                                    \
    SIZE(X, netif_tx_response)                                                          \
    FIELD(X, netif_tx_response, id)                                                     \
    FIELD(X, netif_tx_response, status)                                                 \
    SIZE(X, netif_rx_request)                                                           \
    FIELD(X, netif_rx_request, id)                                                      \
    FIELD2(X, struct netif_rx_request, pad, struct netif_rx_request, _pad0)             \
    FIELD(X, netif_rx_request, gref)                                                    \
    SIZE(X, netif_rx_response)                                                          \
    FIELD(X, netif_rx_response, id)                                                     \
    FIELD(X, netif_rx_response, offset)                                                 \
    FIELD(X, netif_rx_response, flags)                                                  \
    FIELD(X, netif_rx_response, status)                                                 \
    SIZE(X, netif_extra_info)                                                           \
    FIELD(X, netif_extra_info, type)                                                    \
    FIELD(X, netif_extra_info, flags)                                                   \
    FIELD(X, netif_extra_info, u)                                                       \
    FIELD(X, netif_extra_info, u.gso.size)                                              \
    FIELD(X, netif_extra_info, u.gso.type)                                              \
    FIELD2(X, struct netif_extra_info, u.gso.pad, struct netif_extra_info, u.gso._pad0) \
    FIELD(X, netif_extra_info, u.gso.features)                                          \
    FIELD(X, netif_extra_info, u.mcast.addr)                                            \
    FIELD(X, netif_extra_info, u.hash.type)                                             \
    FIELD(X, netif_extra_info, u.hash.algorithm)                                        \
    FIELD(X, netif_extra_info, u.hash.value)                                            \
    FIELD(X, netif_extra_info, u.pad)                                                   \
    SRING(X, netif_tx, NETIF_TX_RING_SIZE)                                              \
    SRING(X, netif_rx, NETIF_RX_RING_SIZE)

#define XEN_ABI_CONSOLE_XENSTORE(X)                      \
    SIZE(X, xencons_interface)                           \
    FIELD(X, xencons_interface, in)                      \
    FIELD(X, xencons_interface, out)                     \
    FIELD(X, xencons_interface, in_cons)                 \
    FIELD(X, xencons_interface, in_prod)                 \
    FIELD(X, xencons_interface, out_cons)                \
    FIELD(X, xencons_interface, out_prod)                \
    NUM(X, XS_CONTROL)                                   \
    NUM(X, XS_DEBUG)                                     \
    NUM(X, XS_DIRECTORY)                                 \
    NUM(X, XS_READ)                                      \
    NUM(X, XS_GET_PERMS)                                 \
    NUM(X, XS_WATCH)                                     \
    NUM(X, XS_UNWATCH)                                   \
    NUM(X, XS_TRANSACTION_START)                         \
    NUM(X, XS_TRANSACTION_END)                           \
    NUM(X, XS_INTRODUCE)                                 \
    NUM(X, XS_RELEASE)                                   \
    NUM(X, XS_GET_DOMAIN_PATH)                           \
    NUM(X, XS_WRITE)                                     \
    NUM(X, XS_MKDIR)                                     \
    NUM(X, XS_RM)                                        \
    NUM(X, XS_SET_PERMS)                                 \
    NUM(X, XS_WATCH_EVENT)                               \
    NUM(X, XS_ERROR)                                     \
    NUM(X, XS_IS_DOMAIN_INTRODUCED)                      \
    NUM(X, XS_RESUME)                                    \
    NUM(X, XS_SET_TARGET)                                \
    NUM(X, XS_RESET_WATCHES)                             \
    NUM(X, XS_DIRECTORY_PART)                            \
    NUM(X, XS_TYPE_COUNT)                                \
    NUM(X, XS_INVALID)                                   \
    NUM(X, XS_WATCH_PATH)                                \
    NUM(X, XS_WATCH_TOKEN)                               \
    NUM(X, XENSTORE_RING_SIZE)                           \
    NUM(X, XENSTORE_PAYLOAD_MAX)                         \
    NUM(X, XENSTORE_ABS_PATH_MAX)                        \
    NUM(X, XENSTORE_REL_PATH_MAX)                        \
    NUM(X, XENSTORE_SERVER_FEATURE_RECONNECTION)         \
    NUM(X, XENSTORE_SERVER_FEATURE_ERROR)                \
    NUM(X, XENSTORE_CONNECTED)                           \
    NUM(X, XENSTORE_RECONNECT)                           \
    NUM(X, XENSTORE_ERROR_NONE)                          \
    NUM(X, XENSTORE_ERROR_COMM)                          \
    NUM(X, XENSTORE_ERROR_RINGIDX)                       \
    NUM(X, XENSTORE_ERROR_PROTO)                         \
    SIZE(X, xsd_sockmsg)                                 \
    FIELD(X, xsd_sockmsg, type)                          \
    FIELD(X, xsd_sockmsg, req_id)                        \
    FIELD(X, xsd_sockmsg, tx_id)                         \
    FIELD(X, xsd_sockmsg, len)                           \
    SIZE(X, xenstore_domain_interface)                   \
    FIELD(X, xenstore_domain_interface, req)             \
    FIELD(X, xenstore_domain_interface, rsp)             \
    FIELD(X, xenstore_domain_interface, req_cons)        \
    FIELD(X, xenstore_domain_interface, req_prod)        \
    FIELD(X, xenstore_domain_interface, rsp_cons)        \
    FIELD(X, xenstore_domain_interface, rsp_prod)        \
    FIELD(X, xenstore_domain_interface, server_features) \
    FIELD(X, xenstore_domain_interface, connection)      \
    FIELD(X, xenstore_domain_interface, error)

#define XEN_ABI_EVTCHN(X)                                                          \
    NUM(X, EVTCHNOP_bind_interdomain)                                              \
    NUM(X, EVTCHNOP_bind_virq)                                                     \
    NUM(X, EVTCHNOP_bind_pirq)                                                     \
    NUM(X, EVTCHNOP_close)                                                         \
    NUM(X, EVTCHNOP_send)                                                          \
    NUM(X, EVTCHNOP_status)                                                        \
    NUM(X, EVTCHNOP_alloc_unbound)                                                 \
    NUM(X, EVTCHNOP_bind_ipi)                                                      \
    NUM(X, EVTCHNOP_bind_vcpu)                                                     \
    NUM(X, EVTCHNOP_unmask)                                                        \
    NUM(X, EVTCHNOP_reset)                                                         \
    NUM(X, EVTCHNOP_init_control)                                                  \
    NUM(X, EVTCHNOP_expand_array)                                                  \
    NUM(X, EVTCHNOP_set_priority)                                                  \
    NUM(X, EVTCHNSTAT_closed)                                                      \
    NUM(X, EVTCHNSTAT_unbound)                                                     \
    NUM(X, EVTCHNSTAT_interdomain)                                                 \
    NUM(X, EVTCHNSTAT_pirq)                                                        \
    NUM(X, EVTCHNSTAT_virq)                                                        \
    NUM(X, EVTCHNSTAT_ipi)                                                         \
    NUM(X, BIND_PIRQ__WILL_SHARE)                                                  \
    SIZE(X, evtchn_alloc_unbound)                                                  \
    FIELD(X, evtchn_alloc_unbound, dom)                                            \
    FIELD(X, evtchn_alloc_unbound, remote_dom)                                     \
    FIELD(X, evtchn_alloc_unbound, port)                                           \
    SIZE(X, evtchn_bind_interdomain)                                               \
    FIELD(X, evtchn_bind_interdomain, remote_dom)                                  \
    FIELD(X, evtchn_bind_interdomain, remote_port)                                 \
    FIELD(X, evtchn_bind_interdomain, local_port)                                  \
    SIZE(X, evtchn_bind_virq)                                                      \
    FIELD(X, evtchn_bind_virq, virq)                                               \
    FIELD(X, evtchn_bind_virq, vcpu)                                               \
    FIELD(X, evtchn_bind_virq, port)                                               \
    SIZE(X, evtchn_bind_pirq)                                                      \
    FIELD(X, evtchn_bind_pirq, pirq)                                               \
    FIELD(X, evtchn_bind_pirq, flags)                                              \
    FIELD(X, evtchn_bind_pirq, port)                                               \
    SIZE(X, evtchn_bind_ipi)                                                       \
    FIELD(X, evtchn_bind_ipi, vcpu)                                                \
    FIELD(X, evtchn_bind_ipi, port)                                                \
    SIZE(X, evtchn_close)                                                          \
    FIELD(X, evtchn_close, port)                                                   \
    SIZE(X, evtchn_send)                                                           \
    FIELD(X, evtchn_send, port)                                                    \
    SIZE(X, evtchn_status)                                                         \
    FIELD(X, evtchn_status, dom)                                                   \
    FIELD(X, evtchn_status, port)                                                  \
    FIELD(X, evtchn_status, status)                                                \
    FIELD(X, evtchn_status, vcpu)                                                  \
    FIELD(X, evtchn_status, u)                                                     \
    FIELD(X, evtchn_status, u.unbound.dom)                                         \
    FIELD(X, evtchn_status, u.interdomain.dom)                                     \
    FIELD(X, evtchn_status, u.interdomain.port)                                    \
    FIELD(X, evtchn_status, u.pirq)                                                \
    FIELD(X, evtchn_status, u.virq)                                                \
    SIZE(X, evtchn_bind_vcpu)                                                      \
    FIELD(X, evtchn_bind_vcpu, port)                                               \
    FIELD(X, evtchn_bind_vcpu, vcpu)                                               \
    SIZE(X, evtchn_unmask)                                                         \
    FIELD(X, evtchn_unmask, port)                                                  \
    SIZE(X, evtchn_reset)                                                          \
    FIELD(X, evtchn_reset, dom)                                                    \
    SIZE(X, evtchn_init_control)                                                   \
    FIELD(X, evtchn_init_control, control_gfn)                                     \
    FIELD(X, evtchn_init_control, offset)                                          \
    FIELD(X, evtchn_init_control, vcpu)                                            \
    FIELD(X, evtchn_init_control, link_bits)                                       \
    FIELD2(X, struct evtchn_init_control, _pad, struct evtchn_init_control, _pad0) \
    SIZE(X, evtchn_expand_array)                                                   \
    FIELD(X, evtchn_expand_array, array_gfn)                                       \
    SIZE(X, evtchn_set_priority)                                                   \
    FIELD(X, evtchn_set_priority, port)                                            \
    FIELD(X, evtchn_set_priority, priority)                                        \
    SIZE(X, evtchn_op)                                                             \
    FIELD(X, evtchn_op, cmd)                                                       \
    FIELD(X, evtchn_op, u)                                                         \
    FIELD(X, evtchn_op, u.alloc_unbound)                                           \
    FIELD(X, evtchn_op, u.bind_interdomain)                                        \
    FIELD(X, evtchn_op, u.bind_virq)                                               \
    FIELD(X, evtchn_op, u.bind_pirq)                                               \
    FIELD(X, evtchn_op, u.bind_ipi)                                                \
    FIELD(X, evtchn_op, u.close)                                                   \
    FIELD(X, evtchn_op, u.send)                                                    \
    FIELD(X, evtchn_op, u.status)                                                  \
    FIELD(X, evtchn_op, u.bind_vcpu)                                               \
    FIELD(X, evtchn_op, u.unmask)

#define XEN_ABI_GNTTAB_CONSTS(X)       \
    NUM(X, GNTTAB_NR_RESERVED_ENTRIES) \
    NUM(X, GNTTAB_RESERVED_CONSOLE)    \
    NUM(X, GNTTAB_RESERVED_XENSTORE)   \
    NUM(X, GTF_invalid)                \
    NUM(X, GTF_permit_access)          \
    NUM(X, GTF_accept_transfer)        \
    NUM(X, GTF_transitive)             \
    NUM(X, GTF_type_mask)              \
    NUM(X, GTF_readonly)               \
    NUM(X, GTF_reading)                \
    NUM(X, GTF_writing)                \
    NUM(X, GTF_PWT)                    \
    NUM(X, GTF_PCD)                    \
    NUM(X, GTF_PAT)                    \
    NUM(X, GTF_sub_page)               \
    NUM(X, GTF_transfer_committed)     \
    NUM(X, GTF_transfer_completed)     \
    NUM(X, GNTTABOP_map_grant_ref)     \
    NUM(X, GNTTABOP_unmap_grant_ref)   \
    NUM(X, GNTTABOP_setup_table)       \
    NUM(X, GNTTABOP_dump_table)        \
    NUM(X, GNTTABOP_transfer)          \
    NUM(X, GNTTABOP_copy)              \
    NUM(X, GNTTABOP_query_size)        \
    NUM(X, GNTTABOP_unmap_and_replace) \
    NUM(X, GNTTABOP_set_version)       \
    NUM(X, GNTTABOP_get_status_frames) \
    NUM(X, GNTTABOP_get_version)       \
    NUM(X, GNTTABOP_swap_grant_ref)    \
    NUM(X, GNTTABOP_cache_flush)       \
    NUM(X, GNTST_okay)                 \
    NUM(X, GNTST_general_error)        \
    NUM(X, GNTST_bad_domain)           \
    NUM(X, GNTST_bad_gntref)           \
    NUM(X, GNTST_bad_handle)           \
    NUM(X, GNTST_bad_virt_addr)        \
    NUM(X, GNTST_bad_dev_addr)         \
    NUM(X, GNTST_no_device_space)      \
    NUM(X, GNTST_permission_denied)    \
    NUM(X, GNTST_bad_page)             \
    NUM(X, GNTST_bad_copy_arg)         \
    NUM(X, GNTST_address_too_big)      \
    NUM(X, GNTST_eagain)               \
    NUM(X, GNTST_no_space)             \
    NUM(X, GNTMAP_device_map)          \
    NUM(X, GNTMAP_host_map)            \
    NUM(X, GNTMAP_readonly)            \
    NUM(X, GNTMAP_application_map)     \
    NUM(X, GNTMAP_contains_pte)        \
    NUM(X, GNTMAP_guest_avail_mask)    \
    NUM(X, GNTCOPY_source_gref)        \
    NUM(X, GNTCOPY_dest_gref)          \
    NUM(X, GNTTAB_CACHE_CLEAN)         \
    NUM(X, GNTTAB_CACHE_INVAL)         \
    NUM(X, GNTTAB_CACHE_SOURCE_GREF)

#define XEN_ABI_GNTTAB_STRUCTS(X)                                               \
    SIZE(X, grant_entry_v1)                                                     \
    FIELD(X, grant_entry_v1, flags)                                             \
    FIELD(X, grant_entry_v1, domid)                                             \
    FIELD(X, grant_entry_v1, frame)                                             \
    SIZE(X, grant_entry_header)                                                 \
    FIELD(X, grant_entry_header, flags)                                         \
    FIELD(X, grant_entry_header, domid)                                         \
    USIZE(X, grant_entry_v2)                                                    \
    UFIELD(X, grant_entry_v2, hdr)                                              \
    UFIELD(X, grant_entry_v2, full_page)                                        \
    UFIELD(X, grant_entry_v2, full_page.frame)                                  \
    UFIELD(X, grant_entry_v2, sub_page.page_off)                                \
    UFIELD(X, grant_entry_v2, sub_page.length)                                  \
    UFIELD(X, grant_entry_v2, sub_page.frame)                                   \
    UFIELD(X, grant_entry_v2, transitive.trans_domid)                           \
    UFIELD(X, grant_entry_v2, transitive.gref)                                  \
    SIZE(X, gnttab_map_grant_ref)                                               \
    FIELD(X, gnttab_map_grant_ref, host_addr)                                   \
    FIELD(X, gnttab_map_grant_ref, flags)                                       \
    FIELD(X, gnttab_map_grant_ref, ref)                                         \
    FIELD(X, gnttab_map_grant_ref, dom)                                         \
    FIELD(X, gnttab_map_grant_ref, status)                                      \
    FIELD(X, gnttab_map_grant_ref, handle)                                      \
    FIELD(X, gnttab_map_grant_ref, dev_bus_addr)                                \
    SIZE(X, gnttab_unmap_grant_ref)                                             \
    FIELD(X, gnttab_unmap_grant_ref, host_addr)                                 \
    FIELD(X, gnttab_unmap_grant_ref, dev_bus_addr)                              \
    FIELD(X, gnttab_unmap_grant_ref, handle)                                    \
    FIELD(X, gnttab_unmap_grant_ref, status)                                    \
    SIZE(X, gnttab_setup_table)                                                 \
    FIELD(X, gnttab_setup_table, dom)                                           \
    FIELD(X, gnttab_setup_table, nr_frames)                                     \
    FIELD(X, gnttab_setup_table, status)                                        \
    FIELD(X, gnttab_setup_table, frame_list)                                    \
    SIZE(X, gnttab_dump_table)                                                  \
    FIELD(X, gnttab_dump_table, dom)                                            \
    FIELD(X, gnttab_dump_table, status)                                         \
    SIZE(X, gnttab_transfer)                                                    \
    FIELD(X, gnttab_transfer, mfn)                                              \
    FIELD(X, gnttab_transfer, domid)                                            \
    FIELD(X, gnttab_transfer, ref)                                              \
    FIELD(X, gnttab_transfer, status)                                           \
    SIZE(X, gnttab_copy_ptr)                                                    \
    SIZE(X, gnttab_copy)                                                        \
    FIELD(X, gnttab_copy, source)                                               \
    FIELD(X, gnttab_copy, source.u.ref)                                         \
    FIELD(X, gnttab_copy, source.u.gmfn)                                        \
    FIELD(X, gnttab_copy, source.domid)                                         \
    FIELD(X, gnttab_copy, source.offset)                                        \
    FIELD(X, gnttab_copy, dest)                                                 \
    FIELD(X, gnttab_copy, dest.u.ref)                                           \
    FIELD(X, gnttab_copy, dest.u.gmfn)                                          \
    FIELD(X, gnttab_copy, dest.domid)                                           \
    FIELD(X, gnttab_copy, dest.offset)                                          \
    FIELD(X, gnttab_copy, len)                                                  \
    FIELD(X, gnttab_copy, flags)                                                \
    FIELD(X, gnttab_copy, status)                                               \
    SIZE(X, gnttab_query_size)                                                  \
    FIELD(X, gnttab_query_size, dom)                                            \
    FIELD(X, gnttab_query_size, nr_frames)                                      \
    FIELD(X, gnttab_query_size, max_nr_frames)                                  \
    FIELD(X, gnttab_query_size, status)                                         \
    SIZE(X, gnttab_unmap_and_replace)                                           \
    FIELD(X, gnttab_unmap_and_replace, host_addr)                               \
    FIELD(X, gnttab_unmap_and_replace, new_addr)                                \
    FIELD(X, gnttab_unmap_and_replace, handle)                                  \
    FIELD(X, gnttab_unmap_and_replace, status)                                  \
    SIZE(X, gnttab_set_version)                                                 \
    FIELD(X, gnttab_set_version, version)                                       \
    SIZE(X, gnttab_get_status_frames)                                           \
    FIELD(X, gnttab_get_status_frames, nr_frames)                               \
    FIELD(X, gnttab_get_status_frames, dom)                                     \
    FIELD(X, gnttab_get_status_frames, status)                                  \
    FIELD(X, gnttab_get_status_frames, frame_list)                              \
    SIZE(X, gnttab_get_version)                                                 \
    FIELD(X, gnttab_get_version, dom)                                           \
    FIELD2(X, struct gnttab_get_version, pad, struct gnttab_get_version, _pad0) \
    FIELD(X, gnttab_get_version, version)                                       \
    SIZE(X, gnttab_swap_grant_ref)                                              \
    FIELD(X, gnttab_swap_grant_ref, ref_a)                                      \
    FIELD(X, gnttab_swap_grant_ref, ref_b)                                      \
    FIELD(X, gnttab_swap_grant_ref, status)                                     \
    SIZE(X, gnttab_cache_flush)                                                 \
    FIELD(X, gnttab_cache_flush, a)                                             \
    FIELD(X, gnttab_cache_flush, a.dev_bus_addr)                                \
    FIELD(X, gnttab_cache_flush, a.ref)                                         \
    FIELD(X, gnttab_cache_flush, offset)                                        \
    FIELD(X, gnttab_cache_flush, length)                                        \
    FIELD(X, gnttab_cache_flush, op)

/* A member of Xen's unnamed vcpu_hvm_context.cpu_regs union, Mosaic's union vcpu_hvm_regs. */
#define REGS_MEMBER(X, m)                                                                          \
    X("union vcpu_hvm_regs." #m,                                                                   \
      offsetof(struct vcpu_hvm_context, cpu_regs.m) - offsetof(struct vcpu_hvm_context, cpu_regs), \
      offsetof(union vcpu_hvm_regs, m))                                                            \
    X("sizeof union vcpu_hvm_regs." #m, sizeof(((struct vcpu_hvm_context *)0)->cpu_regs.m),        \
      sizeof(((union vcpu_hvm_regs *)0)->m))

#define XEN_ABI_XEN_ERRNO(X)  \
    NUM(X, XEN_EPERM)         \
    NUM(X, XEN_ENOENT)        \
    NUM(X, XEN_ESRCH)         \
    NUM(X, XEN_EIO)           \
    NUM(X, XEN_ENXIO)         \
    NUM(X, XEN_E2BIG)         \
    NUM(X, XEN_ENOEXEC)       \
    NUM(X, XEN_EBADF)         \
    NUM(X, XEN_ECHILD)        \
    NUM(X, XEN_EAGAIN)        \
    NUM(X, XEN_ENOMEM)        \
    NUM(X, XEN_EACCES)        \
    NUM(X, XEN_EFAULT)        \
    NUM(X, XEN_EBUSY)         \
    NUM(X, XEN_EEXIST)        \
    NUM(X, XEN_EXDEV)         \
    NUM(X, XEN_ENODEV)        \
    NUM(X, XEN_ENOTDIR)       \
    NUM(X, XEN_EISDIR)        \
    NUM(X, XEN_EINVAL)        \
    NUM(X, XEN_ENFILE)        \
    NUM(X, XEN_EMFILE)        \
    NUM(X, XEN_ENOSPC)        \
    NUM(X, XEN_EROFS)         \
    NUM(X, XEN_EMLINK)        \
    NUM(X, XEN_EDOM)          \
    NUM(X, XEN_ERANGE)        \
    NUM(X, XEN_EDEADLK)       \
    NUM(X, XEN_ENAMETOOLONG)  \
    NUM(X, XEN_ENOLCK)        \
    NUM(X, XEN_ENOSYS)        \
    NUM(X, XEN_ENOTEMPTY)     \
    NUM(X, XEN_ENODATA)       \
    NUM(X, XEN_ETIME)         \
    NUM(X, XEN_EBADMSG)       \
    NUM(X, XEN_EOVERFLOW)     \
    NUM(X, XEN_EILSEQ)        \
    NUM(X, XEN_ENOTSOCK)      \
    NUM(X, XEN_EMSGSIZE)      \
    NUM(X, XEN_EOPNOTSUPP)    \
    NUM(X, XEN_EADDRINUSE)    \
    NUM(X, XEN_EADDRNOTAVAIL) \
    NUM(X, XEN_ENOBUFS)       \
    NUM(X, XEN_EISCONN)       \
    NUM(X, XEN_ENOTCONN)      \
    NUM(X, XEN_ETIMEDOUT)     \
    NUM(X, XEN_ECONNREFUSED)  \
    NUM(X, XEN_EWOULDBLOCK)   \
    NUM(X, XEN_EDEADLOCK)

#define XEN_ABI_XEN(X)                                     \
    NUM(X, __HYPERVISOR_set_trap_table)                    \
    NUM(X, __HYPERVISOR_mmu_update)                        \
    NUM(X, __HYPERVISOR_set_gdt)                           \
    NUM(X, __HYPERVISOR_stack_switch)                      \
    NUM(X, __HYPERVISOR_set_callbacks)                     \
    NUM(X, __HYPERVISOR_fpu_taskswitch)                    \
    NUM(X, __HYPERVISOR_sched_op_compat)                   \
    NUM(X, __HYPERVISOR_platform_op)                       \
    NUM(X, __HYPERVISOR_set_debugreg)                      \
    NUM(X, __HYPERVISOR_get_debugreg)                      \
    NUM(X, __HYPERVISOR_update_descriptor)                 \
    NUM(X, __HYPERVISOR_memory_op)                         \
    NUM(X, __HYPERVISOR_multicall)                         \
    NUM(X, __HYPERVISOR_update_va_mapping)                 \
    NUM(X, __HYPERVISOR_set_timer_op)                      \
    NUM(X, __HYPERVISOR_event_channel_op_compat)           \
    NUM(X, __HYPERVISOR_xen_version)                       \
    NUM(X, __HYPERVISOR_console_io)                        \
    NUM(X, __HYPERVISOR_physdev_op_compat)                 \
    NUM(X, __HYPERVISOR_grant_table_op)                    \
    NUM(X, __HYPERVISOR_vm_assist)                         \
    NUM(X, __HYPERVISOR_update_va_mapping_otherdomain)     \
    NUM(X, __HYPERVISOR_iret)                              \
    NUM(X, __HYPERVISOR_vcpu_op)                           \
    NUM(X, __HYPERVISOR_set_segment_base)                  \
    NUM(X, __HYPERVISOR_mmuext_op)                         \
    NUM(X, __HYPERVISOR_xsm_op)                            \
    NUM(X, __HYPERVISOR_nmi_op)                            \
    NUM(X, __HYPERVISOR_sched_op)                          \
    NUM(X, __HYPERVISOR_callback_op)                       \
    NUM(X, __HYPERVISOR_xenoprof_op)                       \
    NUM(X, __HYPERVISOR_event_channel_op)                  \
    NUM(X, __HYPERVISOR_physdev_op)                        \
    NUM(X, __HYPERVISOR_hvm_op)                            \
    NUM(X, __HYPERVISOR_sysctl)                            \
    NUM(X, __HYPERVISOR_domctl)                            \
    NUM(X, __HYPERVISOR_kexec_op)                          \
    NUM(X, __HYPERVISOR_tmem_op)                           \
    NUM(X, __HYPERVISOR_argo_op)                           \
    NUM(X, __HYPERVISOR_xenpmu_op)                         \
    NUM(X, __HYPERVISOR_dm_op)                             \
    NUM(X, __HYPERVISOR_hypfs_op)                          \
    NUM(X, __HYPERVISOR_arch_0)                            \
    NUM(X, __HYPERVISOR_arch_1)                            \
    NUM(X, __HYPERVISOR_arch_2)                            \
    NUM(X, __HYPERVISOR_arch_3)                            \
    NUM(X, __HYPERVISOR_arch_4)                            \
    NUM(X, __HYPERVISOR_arch_5)                            \
    NUM(X, __HYPERVISOR_arch_6)                            \
    NUM(X, __HYPERVISOR_arch_7)                            \
    NUM(X, DOMID_FIRST_RESERVED)                           \
    NUM(X, DOMID_SELF)                                     \
    NUM(X, DOMID_IO)                                       \
    NUM(X, DOMID_XEN)                                      \
    NUM(X, DOMID_COW)                                      \
    NUM(X, DOMID_INVALID)                                  \
    NUM(X, DOMID_IDLE)                                     \
    NUM(X, DOMID_MASK)                                     \
    NUM(X, VIRQ_TIMER)                                     \
    NUM(X, VIRQ_DEBUG)                                     \
    NUM(X, VIRQ_CONSOLE)                                   \
    NUM(X, VIRQ_DOM_EXC)                                   \
    NUM(X, VIRQ_TBUF)                                      \
    NUM(X, VIRQ_DEBUGGER)                                  \
    NUM(X, VIRQ_XENOPROF)                                  \
    NUM(X, VIRQ_CON_RING)                                  \
    NUM(X, VIRQ_PCPU_STATE)                                \
    NUM(X, VIRQ_MEM_EVENT)                                 \
    NUM(X, VIRQ_ARGO)                                      \
    NUM(X, VIRQ_ENOMEM)                                    \
    NUM(X, VIRQ_XENPMU)                                    \
    NUM(X, VIRQ_ARCH_0)                                    \
    NUM(X, VIRQ_ARCH_1)                                    \
    NUM(X, VIRQ_ARCH_2)                                    \
    NUM(X, VIRQ_ARCH_3)                                    \
    NUM(X, VIRQ_ARCH_4)                                    \
    NUM(X, VIRQ_ARCH_5)                                    \
    NUM(X, VIRQ_ARCH_6)                                    \
    NUM(X, VIRQ_ARCH_7)                                    \
    NUM(X, NR_VIRQS)                                       \
    NUM(X, CONSOLEIO_write)                                \
    NUM(X, CONSOLEIO_read)                                 \
    NUM(X, VMASST_CMD_enable)                              \
    NUM(X, VMASST_CMD_disable)                             \
    NUM(X, VMASST_TYPE_4gb_segments)                       \
    NUM(X, VMASST_TYPE_4gb_segments_notify)                \
    NUM(X, VMASST_TYPE_writable_pagetables)                \
    NUM(X, VMASST_TYPE_pae_extended_cr3)                   \
    NUM(X, VMASST_TYPE_architectural_iopl)                 \
    NUM(X, VMASST_TYPE_runstate_update_flag)               \
    NUM(X, VMASST_TYPE_m2p_strict)                         \
    NUM(X, XEN_LEGACY_MAX_VCPUS)                           \
    NUM(X, XEN_PVCLOCK_TSC_STABLE_BIT)                     \
    NUM(X, XEN_PVCLOCK_GUEST_STOPPED)                      \
    SIZE(X, vcpu_time_info)                                \
    FIELD(X, vcpu_time_info, version)                      \
    FIELD(X, vcpu_time_info, pad0)                         \
    FIELD(X, vcpu_time_info, tsc_timestamp)                \
    FIELD(X, vcpu_time_info, system_time)                  \
    FIELD(X, vcpu_time_info, tsc_to_system_mul)            \
    FIELD(X, vcpu_time_info, tsc_shift)                    \
    FIELD(X, vcpu_time_info, flags)                        \
    FIELD(X, vcpu_time_info, pad1)                         \
    SIZE(X, arch_vcpu_info)                                \
    FIELD(X, arch_vcpu_info, cr2)                          \
    FIELD(X, arch_vcpu_info, pad)                          \
    SIZE(X, vcpu_info)                                     \
    FIELD(X, vcpu_info, evtchn_upcall_pending)             \
    FIELD(X, vcpu_info, evtchn_upcall_mask)                \
    FIELD(X, vcpu_info, evtchn_pending_sel)                \
    FIELD(X, vcpu_info, arch)                              \
    FIELD(X, vcpu_info, time)                              \
    SIZE(X, arch_shared_info)                              \
    FIELD(X, arch_shared_info, max_pfn)                    \
    FIELD(X, arch_shared_info, pfn_to_mfn_frame_list_list) \
    FIELD(X, arch_shared_info, nmi_reason)                 \
    FIELD(X, arch_shared_info, p2m_cr3)                    \
    FIELD(X, arch_shared_info, p2m_vaddr)                  \
    FIELD(X, arch_shared_info, p2m_generation)             \
    SIZE(X, shared_info)                                   \
    FIELD(X, shared_info, vcpu_info)                       \
    FIELD(X, shared_info, evtchn_pending)                  \
    FIELD(X, shared_info, evtchn_mask)                     \
    FIELD(X, shared_info, wc_version)                      \
    FIELD(X, shared_info, wc_sec)                          \
    FIELD(X, shared_info, wc_nsec)                         \
    FIELD(X, shared_info, wc_sec_hi)                       \
    FIELD(X, shared_info, arch)

#define XEN_ABI_XEN_VERSION(X)                                               \
    NUM(X, XENVER_version)                                                   \
    NUM(X, XENVER_extraversion)                                              \
    NUM(X, XENVER_compile_info)                                              \
    NUM(X, XENVER_capabilities)                                              \
    NUM(X, XENVER_changeset)                                                 \
    NUM(X, XENVER_platform_parameters)                                       \
    NUM(X, XENVER_get_features)                                              \
    NUM(X, XENVER_pagesize)                                                  \
    NUM(X, XENVER_guest_handle)                                              \
    NUM(X, XENVER_commandline)                                               \
    NUM(X, XENVER_build_id)                                                  \
    NUM(X, XEN_EXTRAVERSION_LEN)                                             \
    NUM(X, XEN_CAPABILITIES_INFO_LEN)                                        \
    NUM(X, XEN_CHANGESET_INFO_LEN)                                           \
    X("XEN_COMMANDLINE_LEN", sizeof(xen_commandline_t), XEN_COMMANDLINE_LEN) \
    SIZE(X, xen_compile_info)                                                \
    FIELD(X, xen_compile_info, compiler)                                     \
    FIELD(X, xen_compile_info, compile_by)                                   \
    FIELD(X, xen_compile_info, compile_domain)                               \
    FIELD(X, xen_compile_info, compile_date)                                 \
    SIZE(X, xen_platform_parameters)                                         \
    FIELD(X, xen_platform_parameters, virt_start)                            \
    SIZE(X, xen_feature_info)                                                \
    FIELD(X, xen_feature_info, submap_idx)                                   \
    FIELD(X, xen_feature_info, submap)                                       \
    NUM(X, XENFEAT_writable_page_tables)                                     \
    NUM(X, XENFEAT_writable_descriptor_tables)                               \
    NUM(X, XENFEAT_auto_translated_physmap)                                  \
    NUM(X, XENFEAT_supervisor_mode_kernel)                                   \
    NUM(X, XENFEAT_pae_pgdir_above_4gb)                                      \
    NUM(X, XENFEAT_mmu_pt_update_preserve_ad)                                \
    NUM(X, XENFEAT_highmem_assist)                                           \
    NUM(X, XENFEAT_gnttab_map_avail_bits)                                    \
    NUM(X, XENFEAT_hvm_callback_vector)                                      \
    NUM(X, XENFEAT_hvm_safe_pvclock)                                         \
    NUM(X, XENFEAT_hvm_pirqs)                                                \
    NUM(X, XENFEAT_dom0)                                                     \
    NUM(X, XENFEAT_memory_op_vnode_supported)                                \
    NUM(X, XENFEAT_ARM_SMCCC_supported)                                      \
    NUM(X, XENFEAT_linux_rsdp_unrestricted)                                  \
    NUM(X, XENFEAT_not_direct_mapped)                                        \
    NUM(X, XENFEAT_direct_mapped)                                            \
    NUM(X, XENFEAT_NR_SUBMAPS)

#define XEN_ABI_MEMORY(X)                          \
    NUM(X, XENMEM_increase_reservation)            \
    NUM(X, XENMEM_decrease_reservation)            \
    NUM(X, XENMEM_maximum_ram_page)                \
    NUM(X, XENMEM_current_reservation)             \
    NUM(X, XENMEM_maximum_reservation)             \
    NUM(X, XENMEM_machphys_mfn_list)               \
    NUM(X, XENMEM_populate_physmap)                \
    NUM(X, XENMEM_add_to_physmap)                  \
    NUM(X, XENMEM_memory_map)                      \
    NUM(X, XENMEM_machine_memory_map)              \
    NUM(X, XENMEM_exchange)                        \
    NUM(X, XENMEM_machphys_mapping)                \
    NUM(X, XENMEM_set_memory_map)                  \
    NUM(X, XENMEM_maximum_gpfn)                    \
    NUM(X, XENMEM_remove_from_physmap)             \
    NUM(X, XENMEM_set_pod_target)                  \
    NUM(X, XENMEM_get_pod_target)                  \
    NUM(X, XENMEM_add_to_physmap_batch)            \
    NUM(X, XENMEM_machphys_compat_mfn_list)        \
    SIZE(X, xen_memory_reservation)                \
    FIELD(X, xen_memory_reservation, extent_start) \
    FIELD(X, xen_memory_reservation, nr_extents)   \
    FIELD(X, xen_memory_reservation, extent_order) \
    FIELD(X, xen_memory_reservation, mem_flags)    \
    FIELD(X, xen_memory_reservation, domid)        \
    NUM(X, XENMAPSPACE_shared_info)                \
    NUM(X, XENMAPSPACE_grant_table)                \
    NUM(X, XENMAPSPACE_gmfn)                       \
    NUM(X, XENMAPSPACE_gmfn_range)                 \
    NUM(X, XENMAPSPACE_gmfn_foreign)               \
    NUM(X, XENMAPSPACE_dev_mmio)                   \
    NUM(X, XENMAPIDX_grant_table_status)           \
    SIZE(X, xen_add_to_physmap)                    \
    FIELD(X, xen_add_to_physmap, domid)            \
    FIELD(X, xen_add_to_physmap, size)             \
    FIELD(X, xen_add_to_physmap, space)            \
    FIELD(X, xen_add_to_physmap, idx)              \
    FIELD(X, xen_add_to_physmap, gpfn)             \
    SIZE(X, xen_remove_from_physmap)               \
    FIELD(X, xen_remove_from_physmap, domid)       \
    FIELD(X, xen_remove_from_physmap, gpfn)        \
    SIZE(X, xen_memory_map)                        \
    FIELD(X, xen_memory_map, nr_entries)           \
    FIELD(X, xen_memory_map, buffer)

#define XEN_ABI_VCPU(X)                                 \
    NUM(X, VCPUOP_initialise)                           \
    NUM(X, VCPUOP_up)                                   \
    NUM(X, VCPUOP_down)                                 \
    NUM(X, VCPUOP_is_up)                                \
    NUM(X, VCPUOP_get_runstate_info)                    \
    NUM(X, VCPUOP_register_runstate_memory_area)        \
    NUM(X, VCPUOP_set_periodic_timer)                   \
    NUM(X, VCPUOP_stop_periodic_timer)                  \
    NUM(X, VCPUOP_set_singleshot_timer)                 \
    NUM(X, VCPUOP_stop_singleshot_timer)                \
    NUM(X, VCPUOP_register_vcpu_info)                   \
    NUM(X, VCPUOP_send_nmi)                             \
    NUM(X, VCPUOP_get_physid)                           \
    NUM(X, VCPUOP_register_vcpu_time_memory_area)       \
    NUM(X, RUNSTATE_running)                            \
    NUM(X, RUNSTATE_runnable)                           \
    NUM(X, RUNSTATE_blocked)                            \
    NUM(X, RUNSTATE_offline)                            \
    SIZE(X, vcpu_runstate_info)                         \
    FIELD(X, vcpu_runstate_info, state)                 \
    FIELD(X, vcpu_runstate_info, state_entry_time)      \
    FIELD(X, vcpu_runstate_info, time)                  \
    NUM(X, XEN_RUNSTATE_UPDATE)                         \
    SIZE(X, vcpu_register_runstate_memory_area)         \
    FIELD(X, vcpu_register_runstate_memory_area, addr)  \
    SIZE(X, vcpu_set_periodic_timer)                    \
    FIELD(X, vcpu_set_periodic_timer, period_ns)        \
    NUM(X, VCPU_SSHOTTMR_future)                        \
    SIZE(X, vcpu_set_singleshot_timer)                  \
    FIELD(X, vcpu_set_singleshot_timer, timeout_abs_ns) \
    FIELD(X, vcpu_set_singleshot_timer, flags)          \
    SIZE(X, vcpu_register_vcpu_info)                    \
    FIELD(X, vcpu_register_vcpu_info, mfn)              \
    FIELD(X, vcpu_register_vcpu_info, offset)           \
    FIELD(X, vcpu_register_vcpu_info, rsvd)             \
    SIZE(X, vcpu_get_physid)                            \
    FIELD(X, vcpu_get_physid, phys_id)                  \
    SIZE(X, vcpu_register_time_memory_area)             \
    FIELD(X, vcpu_register_time_memory_area, addr)

#define XEN_ABI_SCHED(X)                       \
    NUM(X, SCHEDOP_yield)                      \
    NUM(X, SCHEDOP_block)                      \
    NUM(X, SCHEDOP_shutdown)                   \
    NUM(X, SCHEDOP_poll)                       \
    NUM(X, SCHEDOP_remote_shutdown)            \
    NUM(X, SCHEDOP_shutdown_code)              \
    NUM(X, SCHEDOP_watchdog)                   \
    NUM(X, SCHEDOP_pin_override)               \
    NUM(X, SHUTDOWN_poweroff)                  \
    NUM(X, SHUTDOWN_reboot)                    \
    NUM(X, SHUTDOWN_suspend)                   \
    NUM(X, SHUTDOWN_crash)                     \
    NUM(X, SHUTDOWN_watchdog)                  \
    NUM(X, SHUTDOWN_soft_reset)                \
    NUM(X, SHUTDOWN_MAX)                       \
    SIZE(X, sched_shutdown)                    \
    FIELD(X, sched_shutdown, reason)           \
    SIZE(X, sched_poll)                        \
    FIELD(X, sched_poll, ports)                \
    FIELD(X, sched_poll, nr_ports)             \
    FIELD(X, sched_poll, timeout)              \
    SIZE(X, sched_remote_shutdown)             \
    FIELD(X, sched_remote_shutdown, domain_id) \
    FIELD(X, sched_remote_shutdown, reason)    \
    SIZE(X, sched_watchdog)                    \
    FIELD(X, sched_watchdog, id)               \
    FIELD(X, sched_watchdog, timeout)          \
    SIZE(X, sched_pin_override)                \
    FIELD(X, sched_pin_override, pcpu)

#define XEN_ABI_HVM(X)                                                                                             \
    NUM(X, HVMOP_set_param)                                                                                        \
    NUM(X, HVMOP_get_param)                                                                                        \
    NUM(X, HVMOP_flush_tlbs)                                                                                       \
    NUM(X, HVMOP_pagetable_dying)                                                                                  \
    NUM(X, HVMOP_get_time)                                                                                         \
    NUM(X, HVMOP_xentrace)                                                                                         \
    NUM(X, HVMOP_get_mem_type)                                                                                     \
    NUM(X, HVMOP_set_evtchn_upcall_vector)                                                                         \
    NUM(X, HVMOP_guest_request_vm_event)                                                                           \
    NUM(X, HVMOP_altp2m)                                                                                           \
    SIZE(X, xen_hvm_param)                                                                                         \
    FIELD(X, xen_hvm_param, domid)                                                                                 \
    FIELD(X, xen_hvm_param, pad)                                                                                   \
    FIELD(X, xen_hvm_param, index)                                                                                 \
    FIELD(X, xen_hvm_param, value)                                                                                 \
    SIZE(X, xen_hvm_get_time)                                                                                      \
    FIELD(X, xen_hvm_get_time, now)                                                                                \
    SIZE(X, xen_hvm_pagetable_dying)                                                                               \
    FIELD(X, xen_hvm_pagetable_dying, domid)                                                                       \
    FIELD(X, xen_hvm_pagetable_dying, pad)                                                                         \
    FIELD(X, xen_hvm_pagetable_dying, gpa)                                                                         \
    SIZE(X, xen_hvm_evtchn_upcall_vector)                                                                          \
    FIELD(X, xen_hvm_evtchn_upcall_vector, vcpu)                                                                   \
    FIELD(X, xen_hvm_evtchn_upcall_vector, vector)                                                                 \
    NUM(X, HVM_PARAM_CALLBACK_IRQ)                                                                                 \
    NUM(X, HVM_PARAM_STORE_PFN)                                                                                    \
    NUM(X, HVM_PARAM_STORE_EVTCHN)                                                                                 \
    NUM(X, HVM_PARAM_IOREQ_PFN)                                                                                    \
    NUM(X, HVM_PARAM_BUFIOREQ_PFN)                                                                                 \
    NUM(X, HVM_PARAM_VIRIDIAN)                                                                                     \
    NUM(X, HVM_PARAM_TIMER_MODE)                                                                                   \
    NUM(X, HVM_PARAM_HPET_ENABLED)                                                                                 \
    NUM(X, HVM_PARAM_IDENT_PT)                                                                                     \
    NUM(X, HVM_PARAM_ACPI_S_STATE)                                                                                 \
    NUM(X, HVM_PARAM_VM86_TSS)                                                                                     \
    NUM(X, HVM_PARAM_VPT_ALIGN)                                                                                    \
    NUM(X, HVM_PARAM_CONSOLE_PFN)                                                                                  \
    NUM(X, HVM_PARAM_CONSOLE_EVTCHN)                                                                               \
    NUM(X, HVM_PARAM_ACPI_IOPORTS_LOCATION)                                                                        \
    NUM(X, HVM_PARAM_PAGING_RING_PFN)                                                                              \
    NUM(X, HVM_PARAM_MONITOR_RING_PFN)                                                                             \
    NUM(X, HVM_PARAM_SHARING_RING_PFN)                                                                             \
    NUM(X, HVM_PARAM_TRIPLE_FAULT_REASON)                                                                          \
    NUM(X, HVM_PARAM_IOREQ_SERVER_PFN)                                                                             \
    NUM(X, HVM_PARAM_NR_IOREQ_SERVER_PAGES)                                                                        \
    NUM(X, HVM_PARAM_VM_GENERATION_ID_ADDR)                                                                        \
    NUM(X, HVM_PARAM_ALTP2M)                                                                                       \
    NUM(X, HVM_PARAM_X87_FIP_WIDTH)                                                                                \
    NUM(X, HVM_PARAM_VM86_TSS_SIZED)                                                                               \
    NUM(X, HVM_PARAM_MCA_CAP)                                                                                      \
    NUM(X, HVM_NR_PARAMS)                                                                                          \
    NUM(X, HVM_PARAM_CALLBACK_IRQ_TYPE_MASK)                                                                       \
    X("HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT", __builtin_ctzll(HVM_PARAM_CALLBACK_IRQ_TYPE_MASK),                      \
      HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT)                                                                           \
    NUM(X, HVM_PARAM_CALLBACK_TYPE_GSI)                                                                            \
    NUM(X, HVM_PARAM_CALLBACK_TYPE_PCI_INTX)                                                                       \
    NUM(X, HVM_PARAM_CALLBACK_TYPE_VECTOR)                                                                         \
    NUM(X, VCPU_HVM_MODE_32B)                                                                                      \
    NUM(X, VCPU_HVM_MODE_64B)                                                                                      \
    SIZE(X, vcpu_hvm_x86_32)                                                                                       \
    FIELD(X, vcpu_hvm_x86_32, eax)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, ecx)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, edx)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, ebx)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, esp)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, ebp)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, esi)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, edi)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, eip)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, eflags)                                                                              \
    FIELD(X, vcpu_hvm_x86_32, cr0)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, cr3)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, cr4)                                                                                 \
    FIELD(X, vcpu_hvm_x86_32, pad1)                                                                                \
    FIELD(X, vcpu_hvm_x86_32, efer)                                                                                \
    FIELD(X, vcpu_hvm_x86_32, cs_base)                                                                             \
    FIELD(X, vcpu_hvm_x86_32, ds_base)                                                                             \
    FIELD(X, vcpu_hvm_x86_32, ss_base)                                                                             \
    FIELD(X, vcpu_hvm_x86_32, es_base)                                                                             \
    FIELD(X, vcpu_hvm_x86_32, tr_base)                                                                             \
    FIELD(X, vcpu_hvm_x86_32, cs_limit)                                                                            \
    FIELD(X, vcpu_hvm_x86_32, ds_limit)                                                                            \
    FIELD(X, vcpu_hvm_x86_32, ss_limit)                                                                            \
    FIELD(X, vcpu_hvm_x86_32, es_limit)                                                                            \
    FIELD(X, vcpu_hvm_x86_32, tr_limit)                                                                            \
    FIELD(X, vcpu_hvm_x86_32, cs_ar)                                                                               \
    FIELD(X, vcpu_hvm_x86_32, ds_ar)                                                                               \
    FIELD(X, vcpu_hvm_x86_32, ss_ar)                                                                               \
    FIELD(X, vcpu_hvm_x86_32, es_ar)                                                                               \
    FIELD(X, vcpu_hvm_x86_32, tr_ar)                                                                               \
    FIELD(X, vcpu_hvm_x86_32, pad2)                                                                                \
    SIZE(X, vcpu_hvm_x86_64)                                                                                       \
    FIELD(X, vcpu_hvm_x86_64, rax)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rcx)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rdx)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rbx)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rsp)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rbp)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rsi)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rdi)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rip)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, rflags)                                                                              \
    FIELD(X, vcpu_hvm_x86_64, cr0)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, cr3)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, cr4)                                                                                 \
    FIELD(X, vcpu_hvm_x86_64, efer)                                                                                \
    X("sizeof union vcpu_hvm_regs", sizeof(((struct vcpu_hvm_context *)0)->cpu_regs), sizeof(union vcpu_hvm_regs)) \
    REGS_MEMBER(X, x86_32)                                                                                         \
    REGS_MEMBER(X, x86_64)                                                                                         \
    SIZE(X, vcpu_hvm_context)                                                                                      \
    FIELD(X, vcpu_hvm_context, mode)                                                                               \
    FIELD(X, vcpu_hvm_context, pad)                                                                                \
    FIELD2(X, struct vcpu_hvm_context, cpu_regs, struct vcpu_hvm_context, regs)

#define XEN_ABI_START_INFO(X)                  \
    NUM(X, XEN_HVM_START_MAGIC_VALUE)          \
    NUM(X, XEN_HVM_MEMMAP_TYPE_RAM)            \
    NUM(X, XEN_HVM_MEMMAP_TYPE_RESERVED)       \
    NUM(X, XEN_HVM_MEMMAP_TYPE_ACPI)           \
    NUM(X, XEN_HVM_MEMMAP_TYPE_NVS)            \
    NUM(X, XEN_HVM_MEMMAP_TYPE_UNUSABLE)       \
    NUM(X, XEN_HVM_MEMMAP_TYPE_DISABLED)       \
    NUM(X, XEN_HVM_MEMMAP_TYPE_PMEM)           \
    SIZE(X, hvm_start_info)                    \
    FIELD(X, hvm_start_info, magic)            \
    FIELD(X, hvm_start_info, version)          \
    FIELD(X, hvm_start_info, flags)            \
    FIELD(X, hvm_start_info, nr_modules)       \
    FIELD(X, hvm_start_info, modlist_paddr)    \
    FIELD(X, hvm_start_info, cmdline_paddr)    \
    FIELD(X, hvm_start_info, rsdp_paddr)       \
    FIELD(X, hvm_start_info, memmap_paddr)     \
    FIELD(X, hvm_start_info, memmap_entries)   \
    FIELD(X, hvm_start_info, reserved)         \
    SIZE(X, hvm_modlist_entry)                 \
    FIELD(X, hvm_modlist_entry, paddr)         \
    FIELD(X, hvm_modlist_entry, size)          \
    FIELD(X, hvm_modlist_entry, cmdline_paddr) \
    FIELD(X, hvm_modlist_entry, reserved)      \
    SIZE(X, hvm_memmap_table_entry)            \
    FIELD(X, hvm_memmap_table_entry, addr)     \
    FIELD(X, hvm_memmap_table_entry, size)     \
    FIELD(X, hvm_memmap_table_entry, type)     \
    FIELD(X, hvm_memmap_table_entry, reserved)

#define XEN_ABI_ELFNOTE(X)                 \
    NUM(X, XEN_ELFNOTE_INFO)               \
    NUM(X, XEN_ELFNOTE_ENTRY)              \
    NUM(X, XEN_ELFNOTE_HYPERCALL_PAGE)     \
    NUM(X, XEN_ELFNOTE_VIRT_BASE)          \
    NUM(X, XEN_ELFNOTE_PADDR_OFFSET)       \
    NUM(X, XEN_ELFNOTE_XEN_VERSION)        \
    NUM(X, XEN_ELFNOTE_GUEST_OS)           \
    NUM(X, XEN_ELFNOTE_GUEST_VERSION)      \
    NUM(X, XEN_ELFNOTE_LOADER)             \
    NUM(X, XEN_ELFNOTE_PAE_MODE)           \
    NUM(X, XEN_ELFNOTE_FEATURES)           \
    NUM(X, XEN_ELFNOTE_BSD_SYMTAB)         \
    NUM(X, XEN_ELFNOTE_HV_START_LOW)       \
    NUM(X, XEN_ELFNOTE_L1_MFN_VALID)       \
    NUM(X, XEN_ELFNOTE_SUSPEND_CANCEL)     \
    NUM(X, XEN_ELFNOTE_INIT_P2M)           \
    NUM(X, XEN_ELFNOTE_MOD_START_PFN)      \
    NUM(X, XEN_ELFNOTE_SUPPORTED_FEATURES) \
    NUM(X, XEN_ELFNOTE_PHYS32_ENTRY)       \
    NUM(X, XEN_ELFNOTE_MAX)

#define XEN_ABI_CPUID(X)                   \
    NUM(X, XEN_CPUID_FIRST_LEAF)           \
    NUM(X, XEN_CPUID_MAX_NUM_LEAVES)       \
    NUM(X, XEN_CPUID_SIGNATURE_EBX)        \
    NUM(X, XEN_CPUID_SIGNATURE_ECX)        \
    NUM(X, XEN_CPUID_SIGNATURE_EDX)        \
    NUM(X, XEN_HVM_CPUID_APIC_ACCESS_VIRT) \
    NUM(X, XEN_HVM_CPUID_X2APIC_VIRT)      \
    NUM(X, XEN_HVM_CPUID_IOMMU_MAPPINGS)   \
    NUM(X, XEN_HVM_CPUID_VCPU_ID_PRESENT)  \
    NUM(X, XEN_HVM_CPUID_DOMID_PRESENT)    \
    NUM(X, XEN_HVM_CPUID_EXT_DEST_ID)      \
    NUM(X, XEN_HVM_CPUID_UPCALL_VECTOR)

/* A Mosaic struct or union that is an unnamed member (at path) of Xen's
 * struct xt: its size, and each field's offset within it and size. */
#define INNER_SIZE(X, mkind, mname, xt, path) \
    X("sizeof " #mkind " " #mname, sizeof(((xt *)0)->path), sizeof(mkind mname))
#define INNER(X, mkind, mname, field, xt, path)                                                                  \
    X(#mkind " " #mname "." #field, offsetof(xt, path.field) - offsetof(xt, path), offsetof(mkind mname, field)) \
    X("sizeof " #mkind " " #mname "." #field, sizeof(((xt *)0)->path.field), sizeof(((mkind mname *)0)->field))

/* Sizes Xen writes as array bounds, and Mosaic's types for Xen's unnamed members. */
#define XEN_ABI_NESTED(X)                                                                      \
    X("XENCONS_IN_SIZE", sizeof(((struct xencons_interface *)0)->in), XENCONS_IN_SIZE)         \
    X("XENCONS_OUT_SIZE", sizeof(((struct xencons_interface *)0)->out), XENCONS_OUT_SIZE)      \
    INNER_SIZE(X, struct, netif_extra_gso, struct netif_extra_info, u.gso)                     \
    INNER(X, struct, netif_extra_gso, size, struct netif_extra_info, u.gso)                    \
    INNER(X, struct, netif_extra_gso, type, struct netif_extra_info, u.gso)                    \
    INNER(X, struct, netif_extra_gso, features, struct netif_extra_info, u.gso)                \
    INNER_SIZE(X, struct, netif_extra_mcast, struct netif_extra_info, u.mcast)                 \
    INNER(X, struct, netif_extra_mcast, addr, struct netif_extra_info, u.mcast)                \
    INNER_SIZE(X, struct, netif_extra_hash, struct netif_extra_info, u.hash)                   \
    INNER(X, struct, netif_extra_hash, type, struct netif_extra_info, u.hash)                  \
    INNER(X, struct, netif_extra_hash, algorithm, struct netif_extra_info, u.hash)             \
    INNER(X, struct, netif_extra_hash, value, struct netif_extra_info, u.hash)                 \
    INNER_SIZE(X, union, netif_extra_u, struct netif_extra_info, u)                            \
    INNER(X, union, netif_extra_u, gso, struct netif_extra_info, u)                            \
    INNER(X, union, netif_extra_u, mcast, struct netif_extra_info, u)                          \
    INNER(X, union, netif_extra_u, hash, struct netif_extra_info, u)                           \
    INNER(X, union, netif_extra_u, pad, struct netif_extra_info, u)                            \
    INNER_SIZE(X, struct, evtchn_status_unbound, struct evtchn_status, u.unbound)              \
    INNER(X, struct, evtchn_status_unbound, dom, struct evtchn_status, u.unbound)              \
    INNER_SIZE(X, struct, evtchn_status_interdomain, struct evtchn_status, u.interdomain)      \
    INNER(X, struct, evtchn_status_interdomain, dom, struct evtchn_status, u.interdomain)      \
    INNER(X, struct, evtchn_status_interdomain, port, struct evtchn_status, u.interdomain)     \
    INNER_SIZE(X, union, evtchn_status_u, struct evtchn_status, u)                             \
    INNER(X, union, evtchn_status_u, unbound, struct evtchn_status, u)                         \
    INNER(X, union, evtchn_status_u, interdomain, struct evtchn_status, u)                     \
    INNER(X, union, evtchn_status_u, pirq, struct evtchn_status, u)                            \
    INNER(X, union, evtchn_status_u, virq, struct evtchn_status, u)                            \
    INNER_SIZE(X, union, evtchn_op_u, struct evtchn_op, u)                                     \
    INNER(X, union, evtchn_op_u, alloc_unbound, struct evtchn_op, u)                           \
    INNER(X, union, evtchn_op_u, bind_interdomain, struct evtchn_op, u)                        \
    INNER(X, union, evtchn_op_u, bind_virq, struct evtchn_op, u)                               \
    INNER(X, union, evtchn_op_u, bind_pirq, struct evtchn_op, u)                               \
    INNER(X, union, evtchn_op_u, bind_ipi, struct evtchn_op, u)                                \
    INNER(X, union, evtchn_op_u, close, struct evtchn_op, u)                                   \
    INNER(X, union, evtchn_op_u, send, struct evtchn_op, u)                                    \
    INNER(X, union, evtchn_op_u, status, struct evtchn_op, u)                                  \
    INNER(X, union, evtchn_op_u, bind_vcpu, struct evtchn_op, u)                               \
    INNER(X, union, evtchn_op_u, unmask, struct evtchn_op, u)                                  \
    INNER_SIZE(X, struct, grant_entry_v2_full_page, union grant_entry_v2, full_page)           \
    INNER(X, struct, grant_entry_v2_full_page, hdr, union grant_entry_v2, full_page)           \
    INNER(X, struct, grant_entry_v2_full_page, frame, union grant_entry_v2, full_page)         \
    INNER_SIZE(X, struct, grant_entry_v2_sub_page, union grant_entry_v2, sub_page)             \
    INNER(X, struct, grant_entry_v2_sub_page, hdr, union grant_entry_v2, sub_page)             \
    INNER(X, struct, grant_entry_v2_sub_page, page_off, union grant_entry_v2, sub_page)        \
    INNER(X, struct, grant_entry_v2_sub_page, length, union grant_entry_v2, sub_page)          \
    INNER(X, struct, grant_entry_v2_sub_page, frame, union grant_entry_v2, sub_page)           \
    INNER_SIZE(X, struct, grant_entry_v2_transitive, union grant_entry_v2, transitive)         \
    INNER(X, struct, grant_entry_v2_transitive, hdr, union grant_entry_v2, transitive)         \
    INNER(X, struct, grant_entry_v2_transitive, trans_domid, union grant_entry_v2, transitive) \
    INNER(X, struct, grant_entry_v2_transitive, gref, union grant_entry_v2, transitive)        \
    UFIELD(X, grant_entry_v2, sub_page)                                                        \
    UFIELD(X, grant_entry_v2, transitive)                                                      \
    FIELD(X, gnttab_copy_ptr, u)                                                               \
    FIELD(X, gnttab_copy_ptr, domid)                                                           \
    FIELD(X, gnttab_copy_ptr, offset)                                                          \
    INNER_SIZE(X, union, gnttab_copy_ptr_u, struct gnttab_copy_ptr, u)                         \
    INNER(X, union, gnttab_copy_ptr_u, ref, struct gnttab_copy_ptr, u)                         \
    INNER(X, union, gnttab_copy_ptr_u, gmfn, struct gnttab_copy_ptr, u)                        \
    INNER_SIZE(X, union, gnttab_cache_flush_a, struct gnttab_cache_flush, a)                   \
    INNER(X, union, gnttab_cache_flush_a, dev_bus_addr, struct gnttab_cache_flush, a)          \
    INNER(X, union, gnttab_cache_flush_a, ref, struct gnttab_cache_flush, a)

/* What a ring helper returns for a broken ring: -EBADMSG. */
#define XEN_ABI_MISC(X) X("IDL_RING_BROKEN", -XEN_EBADMSG, IDL_RING_BROKEN)

#define XEN_ABI_FACTS(X)        \
    XEN_ABI_MISC(X)             \
    XEN_ABI_XEN_ERRNO(X)        \
    XEN_ABI_XEN(X)              \
    XEN_ABI_XEN_VERSION(X)      \
    XEN_ABI_MEMORY(X)           \
    XEN_ABI_VCPU(X)             \
    XEN_ABI_SCHED(X)            \
    XEN_ABI_HVM(X)              \
    XEN_ABI_START_INFO(X)       \
    XEN_ABI_ELFNOTE(X)          \
    XEN_ABI_CPUID(X)            \
    XEN_ABI_NESTED(X)           \
    XEN_ABI_BLKIF(X)            \
    XEN_ABI_NETIF(X)            \
    XEN_ABI_CONSOLE_XENSTORE(X) \
    XEN_ABI_EVTCHN(X)           \
    XEN_ABI_GNTTAB_CONSTS(X)    \
    XEN_ABI_GNTTAB_STRUCTS(X)
