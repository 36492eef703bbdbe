/* SPDX-License-Identifier: MIT */
/* HVM params (mosaic/hvm.h): the two hvm_op calls, one struct each way. */
#include <stddef.h>

#include "mosaic/hvm.h"
#include "mosaic/hypercall.h"

#define HVMOP_SET_PARAM 0
#define HVMOP_GET_PARAM 1

/* hvm/hvm_op.h: struct xen_hvm_param, read and written by the hypervisor. */
struct xen_hvm_param {
    uint16_t domid; /* 0x00 */
    uint16_t _pad0; /* 0x02 */
    uint32_t index; /* 0x04 */
    uint64_t value; /* 0x08 */
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");
_Static_assert(offsetof(struct xen_hvm_param, domid) == 0x00, "xen_hvm_param");
_Static_assert(offsetof(struct xen_hvm_param, _pad0) == 0x02, "xen_hvm_param");
_Static_assert(offsetof(struct xen_hvm_param, index) == 0x04, "xen_hvm_param");
_Static_assert(offsetof(struct xen_hvm_param, value) == 0x08, "xen_hvm_param");

long hvm_param_set(uint16_t domid, uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index, .value = value };

    return hypercall3(HYPERCALL_HVM_OP, HVMOP_SET_PARAM, (unsigned long)(uintptr_t)&p, 0);
}

long hvm_param_get(uint16_t domid, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index };
    long r = hypercall3(HYPERCALL_HVM_OP, HVMOP_GET_PARAM, (unsigned long)(uintptr_t)&p, 0);

    if (r == 0)
        *value = p.value;
    return r;
}
