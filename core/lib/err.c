/* SPDX-License-Identifier: MIT */
/* Names of the core's error codes, for log lines: Xen's, from the one list in idl/xen_errno.idl. */
#include "core/errno.h"

/* "XEN_EINVAL" without its "XEN_". */
#define ERR_CASE(name, value) \
    case value: return &#name[sizeof("XEN_") - 1];

const char *err_name(int err)
{
    switch (err < 0 ? -err : err) {
        XEN_ERRNO_VALUES(ERR_CASE)
    default: return "E?";
    }
}
