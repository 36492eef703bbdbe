/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a manifest's vif value as an operator might
 * write it, xl's list of VIFSPECs (lib/xl/xl_list.c), each item
 * read by xl_vif_parse; and the same bytes as one VIFSPEC. Every reason
 * or warning must be a terminated printable line; every accepted vif
 * must have a unicast nonzero MAC when one was given, names that can go
 * into XenStore as they are, an ip= for route and nat, and a bridge in
 * bridge mode.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "idl/xen_errno.h"
#include "xl_list.h"
#include "xl_vif.h"

FUZZ_ORACLE static void check_why(const char *why, int r)
{
    size_t n = strnlen(why, XL_VIF_WHY_MAX);

    FUZZ_CHECK(n < XL_VIF_WHY_MAX);
    FUZZ_CHECK(r == 0 || (r == -XEN_EINVAL && n > 0));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(why[i] >= 0x20 && why[i] < 0x7f);
}

/* A name field: terminated inside its array, of the allowed bytes. */
FUZZ_ORACLE static void check_name(const char *s, size_t cap, const char *allowed)
{
    size_t n = strnlen(s, cap);

    FUZZ_CHECK(n < cap && strspn(s, allowed) == n);
}

FUZZ_ORACLE static void check_vif(const struct xl_vif *v)
{
    static const char ifname[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    static const char domname[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

    if (v->mac_given)
        FUZZ_CHECK(!(v->mac[0] & 1) && (v->mac[0] | v->mac[1] | v->mac[2] | v->mac[3] | v->mac[4] | v->mac[5]));
    else
        FUZZ_CHECK(!(v->mac[0] | v->mac[1] | v->mac[2] | v->mac[3] | v->mac[4] | v->mac[5]));
    FUZZ_CHECK(v->mode == XL_VIF_BRIDGE || v->mode == XL_VIF_ROUTE || v->mode == XL_VIF_NAT);
    FUZZ_CHECK(v->mode == XL_VIF_BRIDGE ? v->bridge[0] != '\0' : v->ip[0] != '\0');
    check_name(v->bridge, sizeof(v->bridge), ifname);
    check_name(v->vifname, sizeof(v->vifname), ifname);
    check_name(v->gatewaydev, sizeof(v->gatewaydev), ifname);
    check_name(v->backend, sizeof(v->backend), domname);
    check_name(v->ip, sizeof(v->ip), "0123456789./ ");
}

static unsigned items;

static int item(void *ctx, const char *spec)
{
    struct xl_vif v;
    char why[XL_VIF_WHY_MAX];
    int r = xl_vif_parse(spec, &v, why, sizeof(why));

    (void)ctx;
    items++;
    FUZZ_CHECK(strlen(spec) <= XL_LIST_ITEM_MAX);
    check_why(why, r);
    if (r == 0)
        check_vif(&v);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char why[XL_VIF_WHY_MAX];
    struct xl_vif v;
    int r;

    memcpy(text, data, size);
    text[size] = '\0'; /* an embedded NUL just ends the text early */
    items = 0;
    r = xl_list_parse(text, item, NULL, why, sizeof(why));
    FUZZ_CHECK(r == 0 || (r == -XEN_EINVAL && items == 0 && why[0]));
    r = xl_vif_parse(text, &v, why, sizeof(why));
    check_why(why, r);
    if (r == 0)
        check_vif(&v);
    free(text);
    return 0;
}
