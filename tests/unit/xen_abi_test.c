/* SPDX-License-Identifier: MIT */
/*
 * The Xen ABI test: every size, offset and number of the Xen ABI
 * described in idl/ (hypercall numbers and sub-ops, errno values, the
 * shared-info page, start info, the hypercall arguments, ring pages,
 * blkif, netif, console, XenStore, event channels, grant tables) equals
 * what Xen's public headers say, and every name those files declare is
 * among the facts compared (the headers' IDL_*_DECLS lists), so none can
 * be forgotten. This file holds Mosaic's side of tests/idl/xen_abi_list.h;
 * tests/idl/xen_abi_xen.c holds Xen's.
 */
#include "idl/xen_errno.h"
#include "idl/xen.h"
#include "idl/xen_version.h"
#include "idl/memory.h"
#include "idl/vcpu.h"
#include "idl/sched.h"
#include "idl/hvm.h"
#include "idl/start_info.h"
#include "idl/elfnote.h"
#include "idl/cpuid.h"
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

#include <stdbool.h>
#include <stdio.h>
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
    MGMT_DOMAIN_INFO_ERRORS(X)     \
    MGMT_GNTTAB_SEED_ERRORS(X)     \
    MGMT_IOPORT_PERMIT_ERRORS(X)
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
    EXPECT_TRUE(COUNT(mosaic) > 900);
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

/* Mosaic's errno values (idl/xen_errno.idl), by name without XEN_. */
#define ERRNO_ENTRY(name, value) { &#name[sizeof("XEN_") - 1], (long long)(value) },
static const struct xen_abi_fact errnos[] = { XEN_ERRNO_VALUES(ERRNO_ENTRY) };

static const struct xen_abi_fact *idl_errno(const char *name)
{
    for (size_t i = 0; i < COUNT(errnos); i++)
        if (strcmp(errnos[i].name, name) == 0)
            return &errnos[i];
    return NULL;
}

/* The errno values have Xen's numbers (also among the facts)... */
TEST(errno_values)
{
    EXPECT_TRUE(COUNT(errnos) > 40);
    expect_facts("XEN_E");
    EXPECT_EQ(XEN_EINVAL, 22);
    EXPECT_EQ(-XEN_EINVAL, -22); /* signed: a negated errno is a negative int */
}

/* ... and are all of Xen's guest-visible ones (the two aliases as consts). */
TEST(errno_list_complete)
{
    EXPECT_TRUE(xen_abi_xen_errno_list_count > 40);
    for (size_t i = 0; i < xen_abi_xen_errno_list_count; i++) {
        const char *name = xen_abi_xen_errno_list[i].name;
        const struct xen_abi_fact *e = idl_errno(name);
        if (strcmp(name, "EWOULDBLOCK") == 0 || strcmp(name, "EDEADLOCK") == 0)
            continue; /* XEN_EWOULDBLOCK, XEN_EDEADLOCK: among the facts */
        if (!e)
            test_fail(__FILE__, __LINE__, "Xen's %s is not in idl/xen_errno.idl", name);
        else if (e->value != xen_abi_xen_errno_list[i].value)
            test_fail(__FILE__, __LINE__, "%s: Mosaic %lld, Xen %lld", name, e->value, xen_abi_xen_errno_list[i].value);
    }
    EXPECT_EQ(COUNT(errnos) + 2, xen_abi_xen_errno_list_count);
}

/* The management commands' error lists carry Xen's numbers. */
TEST(mgmt_errors_are_xen_errnos)
{
    EXPECT_TRUE(COUNT(mgmt_errors) >= 10);
    for (size_t i = 0; i < COUNT(mgmt_errors); i++) {
        const struct xen_abi_fact *e = idl_errno(mgmt_errors[i].name);
        EXPECT_TRUE(e != NULL);
        if (e && e->value != mgmt_errors[i].value)
            test_fail(__FILE__, __LINE__, "mgmt %s: %lld, Xen %lld", e->name, mgmt_errors[i].value, e->value);
    }
}

TEST(hypercalls_and_domids)
{
    expect_facts("__HYPERVISOR_");
    expect_facts("DOMID_");
    expect_facts("VIRQ_");
    expect_facts("CONSOLEIO_");
    expect_facts("VMASST_");
    EXPECT_EQ(__HYPERVISOR_hvm_op, 34);
}

TEST(shared_info)
{
    expect_facts("shared_info");
    expect_facts("vcpu_info");
    expect_facts("vcpu_time_info");
    expect_facts("XEN_PVCLOCK");
    EXPECT_EQ(sizeof(struct shared_info), 3136);
    EXPECT_EQ(offsetof(struct shared_info, evtchn_pending), 2048);
    EXPECT_EQ(sizeof(struct vcpu_info), 64);
}

TEST(hypercall_families)
{
    expect_facts("XENVER_");
    expect_facts("XENFEAT_");
    expect_facts("XENMEM_");
    expect_facts("XENMAPSPACE_");
    expect_facts("VCPUOP_");
    expect_facts("vcpu_");
    expect_facts("SCHEDOP_");
    expect_facts("SHUTDOWN_");
    expect_facts("sched_");
    expect_facts("HVMOP_");
    expect_facts("HVM_PARAM_");
    expect_facts("xen_hvm_");
    expect_facts("xen_memory");
}

TEST(start_info_elfnote_cpuid)
{
    expect_facts("hvm_");
    expect_facts("XEN_HVM_");
    expect_facts("XEN_ELFNOTE_");
    expect_facts("XEN_CPUID_");
    EXPECT_EQ(sizeof(struct hvm_start_info), 56);
}

/*
 * Names the Xen files declare that have no counterpart in Xen's headers,
 * each with the reason; everything else must be a fact above.
 */
static const char *const mosaic_only[] = {
    "MOSAIC_XEN_VERSION_MAJOR",
    "MOSAIC_XEN_VERSION_MINOR", /* the version Mosaic reports: its choice */
    "sizeof struct e820_entry", /* memory_op's buffer format, which Xen's public headers do not declare */
    "struct e820_entry.addr",
    "struct e820_entry.size",
    "struct e820_entry.type",
    "BLKIF_SECTOR_SIZE",         /* blkif.h gives the 512-byte sector in words only */
    "RING_PAGE_SIZE",            /* the ring pages' size, a Mosaic name for 4096 (__CONST_RING_SIZE's argument) */
    "sizeof struct ring_header", /* copied into each NAME_sring, whose fields are facts */
    "struct ring_header.req_prod",
    "struct ring_header.req_event",
    "struct ring_header.rsp_prod",
    "struct ring_header.rsp_event",
};

static bool is_fact(const char *name)
{
    for (size_t i = 0; i < COUNT(mosaic); i++)
        if (strcmp(mosaic[i].name, name) == 0)
            return true;
    return false;
}

static size_t unchecked;

static void expect_checked(const char *name)
{
    for (size_t i = 0; i < COUNT(mosaic_only); i++)
        if (strcmp(mosaic_only[i], name) == 0)
            return;
    if (!is_fact(name)) {
        test_fail(__FILE__, __LINE__, "%s is declared in idl/ but not compared with Xen (tests/idl/xen_abi_list.h)",
                  name);
        unchecked++;
    }
}

static void decl_const(const char *name)
{
    expect_checked(name);
}

static void decl_aggregate(const char *kind, const char *name)
{
    char buf[160];

    snprintf(buf, sizeof(buf), "sizeof %s %s", kind, name);
    expect_checked(buf);
}

/* Mosaic's named padding (a leading '_') stands where Xen's layout has a
 * gap: the offsets of the fields around it and the size already fix it. */
static void decl_field(const char *kind, const char *name, const char *field)
{
    char buf[200];

    if (field[0] == '_')
        return;
    snprintf(buf, sizeof(buf), "%s %s.%s", kind, name, field);
    expect_checked(buf);
}

#define DECL_CONST(name)              decl_const(#name);
#define DECL_AGGREGATE(kind, name)    decl_aggregate(#kind, #name);
#define DECL_FIELD(kind, name, field) decl_field(#kind, #name, #field);
#define DECLS(file)                   file(DECL_CONST, DECL_AGGREGATE, DECL_FIELD)

/* Every const, enum value, struct, union and field of the Xen files in
 * idl/ is a fact compared above (mgmt.idl and echo.idl are Mosaic's own). */
TEST(every_declaration_is_checked)
{
    unchecked = 0;
    DECLS(IDL_XEN_ERRNO_DECLS)
    DECLS(IDL_XEN_DECLS)
    DECLS(IDL_XEN_VERSION_DECLS)
    DECLS(IDL_MEMORY_DECLS)
    DECLS(IDL_VCPU_DECLS)
    DECLS(IDL_SCHED_DECLS)
    DECLS(IDL_HVM_DECLS)
    DECLS(IDL_START_INFO_DECLS)
    DECLS(IDL_ELFNOTE_DECLS)
    DECLS(IDL_CPUID_DECLS)
    DECLS(IDL_RING_DECLS)
    DECLS(IDL_BLKIF_DECLS)
    DECLS(IDL_NETIF_DECLS)
    DECLS(IDL_CONSOLE_DECLS)
    DECLS(IDL_XENSTORE_DECLS)
    DECLS(IDL_EVTCHN_DECLS)
    DECLS(IDL_GNTTAB_DECLS)
    EXPECT_EQ(unchecked, 0);
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
        TEST_ENTRY(hypercalls_and_domids),
        TEST_ENTRY(shared_info),
        TEST_ENTRY(hypercall_families),
        TEST_ENTRY(start_info_elfnote_cpuid),
        TEST_ENTRY(every_declaration_is_checked),
        TEST_END,
    });
}
