/* SPDX-License-Identifier: MIT */
/*
 * The core's closed set of error codes. Functions return 0 or a negative
 * ERR_* value. The numbers equal Xen's public errno values, so a hypercall
 * can hand them to a guest unchanged.
 */
#pragma once

#define ERR_PERM     1  /* caller lacks the capability */
#define ERR_NOENT    2  /* no such object */
#define ERR_SRCH     3  /* no such domain */
#define ERR_IO       5  /* device or hardware failure */
#define ERR_NXIO     6  /* no such device */
#define ERR_2BIG     7  /* argument too large */
#define ERR_NOMEM    12 /* out of memory or quota */
#define ERR_ACCES    13 /* access denied by an object's rights */
#define ERR_FAULT    14 /* bad address */
#define ERR_BUSY     16 /* object in use */
#define ERR_EXIST    17 /* object exists */
#define ERR_NODEV    19 /* no such device */
#define ERR_INVAL    22 /* malformed argument */
#define ERR_NOSPC    28 /* table full */
#define ERR_RANGE    34 /* value out of range */
#define ERR_NOSYS    38 /* operation not implemented */
#define ERR_OVERFLOW 75 /* arithmetic overflow in an argument */

/* err_name: short upper-case name of a positive ERR_* value, "ERR_?" if unknown. */
const char *err_name(int err);
