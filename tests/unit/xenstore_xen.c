/* SPDX-License-Identifier: MIT */
/*
 * Xen's own xsd_errors table (io/xs_wire.h), for the test that our error
 * names are Xen's. A file of its own: Xen's header declares the XS_*
 * message types as an enum, ours (the IDL's) as macros. Without Xen's
 * headers installed there is no table and the comparison is skipped.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#if defined(__has_include)
#if __has_include(<xen/io/xs_wire.h>)
#include <xen/io/xs_wire.h>
#define XT_HAVE_XEN 1
#endif
#endif

/* Declared in xenstore_client.h too, which cannot be included here. */
bool xt_xen_errors(unsigned i, int *err, const char **name);

bool xt_xen_errors(unsigned i, int *err, const char **name)
{
#ifdef XT_HAVE_XEN
    if (i >= sizeof(xsd_errors) / sizeof(xsd_errors[0]))
        return false;
    /* Linux's errno values, which are Xen's for these names. */
    *err = xsd_errors[i].errnum;
    *name = xsd_errors[i].errstring;
    return true;
#else
    (void)i;
    (void)err;
    (void)name;
    return false;
#endif
}
