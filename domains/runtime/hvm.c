/* SPDX-License-Identifier: MIT */
/* HVM params (mosaic/hvm.h): the two hvm_op calls, one struct xen_hvm_param each way. */
#include <stddef.h>

#include "mosaic/hvm.h"
#include "mosaic/hypercall.h"

long hvm_param_set(uint16_t domid, uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index, .value = value };

    return hypercall3(__HYPERVISOR_hvm_op, HVMOP_set_param, (unsigned long)(uintptr_t)&p, 0);
}

long hvm_param_get(uint16_t domid, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index };
    long r = hypercall3(__HYPERVISOR_hvm_op, HVMOP_get_param, (unsigned long)(uintptr_t)&p, 0);

    if (r == 0)
        *value = p.value;
    return r;
}
