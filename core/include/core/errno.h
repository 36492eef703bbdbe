/* SPDX-License-Identifier: MIT */
/*
 * The core's closed set of error codes. Functions return 0 or a negative
 * ERR_* value. Each is Xen's public errno value (idl/xen_errno.idl), so a
 * hypercall can hand it to a guest unchanged; no number is written here.
 */
#pragma once

#include "idl/xen_errno.h"

#define ERR_PERM     XEN_EPERM     /* caller lacks the capability */
#define ERR_NOENT    XEN_ENOENT    /* no such object */
#define ERR_SRCH     XEN_ESRCH     /* no such domain */
#define ERR_IO       XEN_EIO       /* device or hardware failure */
#define ERR_NXIO     XEN_ENXIO     /* no such device */
#define ERR_2BIG     XEN_E2BIG     /* argument too large */
#define ERR_NOMEM    XEN_ENOMEM    /* out of memory or quota */
#define ERR_ACCES    XEN_EACCES    /* access denied by an object's rights */
#define ERR_FAULT    XEN_EFAULT    /* bad address */
#define ERR_BUSY     XEN_EBUSY     /* object in use */
#define ERR_EXIST    XEN_EEXIST    /* object exists */
#define ERR_NODEV    XEN_ENODEV    /* no such device */
#define ERR_INVAL    XEN_EINVAL    /* malformed argument */
#define ERR_NOSPC    XEN_ENOSPC    /* table full */
#define ERR_RANGE    XEN_ERANGE    /* value out of range */
#define ERR_NOSYS    XEN_ENOSYS    /* operation not implemented */
#define ERR_TIME     XEN_ETIME     /* a deadline already passed */
#define ERR_OVERFLOW XEN_EOVERFLOW /* arithmetic overflow in an argument */

/* Not supported here: no IOMMU translates the function, no interrupt remapping. */
#define ERR_NOTSUPP XEN_EOPNOTSUPP

/* err_name: Xen's name of a positive (or negated) errno value ("EINVAL"), "E?" if unknown. */
const char *err_name(int err);
