/* SPDX-License-Identifier: MIT */
/*
 * The Xen ABI test: every size, offset and number of the Xen protocols
 * described in idl/ (ring pages, blkif, netif, console, XenStore, event
 * channels, grant tables) equals what Xen's public headers say, and the
 * errno values idlgen writes are Xen's. This file holds Mosaic's side of
 * tests/idl/xen_abi_list.h; tests/idl/xen_abi_xen.c holds Xen's.
 */
#include "idl/ring.h"
#include "idl/blkif.h"
#include "idl/netif.h"
#include "idl/console.h"
#include "idl/xenstore.h"
#include "idl/evtchn.h"
#include "idl/gnttab.h"
#include "idl/mgmt.h"

#include "harness.h"
#include "xen_abi_list.h"

#include <string.h>

#define MOSAIC_SIDE(name, xen, mosaic) { name, (long long)(mosaic) },
static const struct xen_abi_fact mosaic[] = { XEN_ABI_FACTS(MOSAIC_SIDE) };

/* Every error any management command lists. */
#define MGMT_ALL_ERRORS(X)         \
    MGMT_DOMAIN_CREATE_ERRORS(X)   \
    MGMT_DOMAIN_POPULATE_ERRORS(X) \
    MGMT_DOMAIN_COPY_ERRORS(X)     \
    MGMT_VCPU_SET_PVH_ERRORS(X)    \
    MGMT_DOMAIN_SCHED_ERRORS(X)    \
    MGMT_VCPU_AFFINITY_ERRORS(X)   \
    MGMT_CAP_GRANT_ERRORS(X)       \
    MGMT_DOMAIN_UNPAUSE_ERRORS(X)  \
    MGMT_DOMAIN_DESTROY_ERRORS(X)  \
    MGMT_DOMAIN_INFO_ERRORS(X)
#define MGMT_ERROR(name, value) { #name, (long long)(value) },
static const struct xen_abi_fact mgmt_errors[] = { MGMT_ALL_ERRORS(MGMT_ERROR) };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The two sides expanded the same list: same length, same names in the same order. */
TEST(lists_agree)
{
    EXPECT_EQ(xen_abi_xen_count, COUNT(mosaic));
    for (size_t i = 0; i < COUNT(mosaic) && i < xen_abi_xen_count; i++)
        if (strcmp(mosaic[i].name, xen_abi_xen[i].name) != 0)
            test_fail(__FILE__, __LINE__, "entry %zu: %s vs %s", i, mosaic[i].name, xen_abi_xen[i].name);
    /* A list this short means a section was lost. */
    EXPECT_TRUE(COUNT(mosaic) > 400);
}

static void expect_facts(const char *prefix)
{
    for (size_t i = 0; i < COUNT(mosaic) && i < xen_abi_xen_count; i++) {
        const char *name = mosaic[i].name;
        if (strncmp(name, prefix, strlen(prefix)) != 0 && !strstr(name, prefix))
            continue;
        if (mosaic[i].value != xen_abi_xen[i].value)
            test_fail(__FILE__, __LINE__, "%s: Mosaic %lld, Xen %lld", name, mosaic[i].value, xen_abi_xen[i].value);
    }
}

/* Every fact, whatever its protocol: the tests below only group the failures. */
TEST(every_fact_matches)
{
    size_t bad = 0;

    for (size_t i = 0; i < COUNT(mosaic) && i < xen_abi_xen_count; i++)
        bad += mosaic[i].value != xen_abi_xen[i].value;
    EXPECT_EQ(bad, 0);
}

TEST(ring_pages)
{
    expect_facts("_sring");
    expect_facts("RING_SIZE");
    expect_facts("IDL_RING_BROKEN");
    EXPECT_EQ(BLKIF_RING_SIZE, 32);
    EXPECT_EQ(NETIF_TX_RING_SIZE, 256);
    EXPECT_EQ(NETIF_RX_RING_SIZE, 256);
    EXPECT_EQ(sizeof(struct ring_header), 64);
}

TEST(blkif)
{
    expect_facts("blkif");
    expect_facts("BLKIF_");
    expect_facts("VDISK_");
    EXPECT_EQ(sizeof(struct blkif_request), 112);
}

TEST(netif)
{
    expect_facts("netif");
    expect_facts("NET");
    expect_facts("XEN_NETIF");
    EXPECT_EQ(sizeof(struct netif_tx_request), 12);
}

TEST(console)
{
    expect_facts("xencons");
    EXPECT_EQ(sizeof(struct xencons_interface), 3088);
}

TEST(xenstore)
{
    expect_facts("XS_");
    expect_facts("XENSTORE_");
    expect_facts("xsd_sockmsg");
    expect_facts("xenstore_domain_interface");
    EXPECT_EQ(sizeof(struct xenstore_domain_interface), 2076);
    EXPECT_EQ(XENSTORE_PAYLOAD_MAX, 4096);
}

TEST(evtchn)
{
    expect_facts("evtchn");
    expect_facts("EVTCHN");
    expect_facts("BIND_PIRQ");
}

TEST(gnttab)
{
    expect_facts("gnttab");
    expect_facts("grant_entry");
    expect_facts("GNT");
    expect_facts("GTF_");
}

/* The errno names idlgen knows have Xen's values... */
TEST(errno_values)
{
    EXPECT_TRUE(xen_abi_errnos_count > 40);
    for (size_t i = 0; i < xen_abi_errnos_count; i++)
        if (xen_abi_errnos[i].xen != xen_abi_errnos[i].idl)
            test_fail(__FILE__, __LINE__, "%s: idlgen writes %lld, Xen has %lld", xen_abi_errnos[i].name,
                      xen_abi_errnos[i].idl, xen_abi_errnos[i].xen);
}

static const struct xen_abi_errno *idl_errno(const char *name)
{
    for (size_t i = 0; i < xen_abi_errnos_count; i++)
        if (strcmp(xen_abi_errnos[i].name, name) == 0)
            return &xen_abi_errnos[i];
    return NULL;
}

/* ... and are all of Xen's guest-visible ones. */
TEST(errno_list_complete)
{
    EXPECT_TRUE(xen_abi_xen_errno_list_count > 40);
    for (size_t i = 0; i < xen_abi_xen_errno_list_count; i++)
        if (!idl_errno(xen_abi_xen_errno_list[i].name))
            test_fail(__FILE__, __LINE__, "Xen's %s is not in tests/idl/xen_errnos.idl (or idlgen's table)",
                      xen_abi_xen_errno_list[i].name);
}

/* The management commands' error lists carry Xen's numbers. */
TEST(mgmt_errors_are_xen_errnos)
{
    EXPECT_TRUE(COUNT(mgmt_errors) >= 10);
    for (size_t i = 0; i < COUNT(mgmt_errors); i++) {
        const struct xen_abi_errno *e = idl_errno(mgmt_errors[i].name);
        EXPECT_TRUE(e != NULL);
        if (e && e->xen != mgmt_errors[i].value)
            test_fail(__FILE__, __LINE__, "mgmt %s: %lld, Xen %lld", e->name, mgmt_errors[i].value, e->xen);
    }
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(lists_agree),
        TEST_ENTRY(every_fact_matches),
        TEST_ENTRY(ring_pages),
        TEST_ENTRY(blkif),
        TEST_ENTRY(netif),
        TEST_ENTRY(console),
        TEST_ENTRY(xenstore),
        TEST_ENTRY(evtchn),
        TEST_ENTRY(gnttab),
        TEST_ENTRY(errno_values),
        TEST_ENTRY(errno_list_complete),
        TEST_ENTRY(mgmt_errors_are_xen_errnos),
        TEST_END,
    });
}
