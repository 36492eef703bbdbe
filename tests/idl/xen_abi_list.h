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

/* Errno values by name: Xen's, and what idlgen writes in an errors list
 * (tests/idl/xen_errnos.idl lists every name idlgen knows). */
struct xen_abi_errno {
    const char *name;
    long long xen, idl;
};
extern const struct xen_abi_errno xen_abi_errnos[];
extern const size_t xen_abi_errnos_count;
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

/* What a ring helper returns for a broken ring: -EBADMSG. */
#define XEN_ABI_MISC(X) X("IDL_RING_BROKEN", -XEN_EBADMSG, IDL_RING_BROKEN)

#define XEN_ABI_FACTS(X)        \
    XEN_ABI_MISC(X)             \
    XEN_ABI_BLKIF(X)            \
    XEN_ABI_NETIF(X)            \
    XEN_ABI_CONSOLE_XENSTORE(X) \
    XEN_ABI_EVTCHN(X)           \
    XEN_ABI_GNTTAB_CONSTS(X)    \
    XEN_ABI_GNTTAB_STRUCTS(X)
