/* SPDX-License-Identifier: MIT */
/*
 * xstest: a XenStore client test domain, run as a pair ("role=a" and
 * "role=b", each told its own and its peer's id). Through xenbus each
 * writes, reads, lists and watches its own subtree, runs transactions,
 * is refused the other's subtree, measures request rates and the watch
 * latency against its peer, and then: a floods the store until its node
 * quota stops it while b checks that it is still served; a sends
 * malformed messages, the last one an impossible length that makes the
 * store give up its ring; b sees a's release. Every check prints one
 * TEST PASS/FAIL line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xenstore.h"
#include "mosaic/hvm.h"
#include "mosaic/hypercall.h"
#include "mosaic/test.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/xenbus.h"

#define SEC      1000000000ull
#define BENCH_NS (1 * SEC)
#define PINGS    200

static struct xenbus xb;
static unsigned self, peer;
static bool role_a;
static char buf[4096];

/* A path under a domain's home. */
static const char *at(unsigned dom, const char *rel)
{
    static char paths[4][128];
    static unsigned next;
    char *p = paths[next++ % 4];

    snprintf(p, sizeof(paths[0]), "/local/domain/%u%s%s", dom, rel[0] ? "/" : "", rel);
    return p;
}

static bool wait_for_node(const char *path, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;

    /* A look every 10 ms. Not through xenbus_wait_event: that would take
     * the watch events this domain waits for later off the queue. */
    while (xenbus_read(&xb, 0, path, buf, sizeof(buf)) < 0) {
        if (runtime_time_ns() >= end)
            return false;
        thread_sleep_ns(10000000ull);
    }
    return true;
}

/* name is one of the NUL-terminated names in list (len bytes). */
static bool has_name(const char *list, long len, const char *name)
{
    for (long i = 0; i < len; i += (long)strlen(list + i) + 1)
        if (!strcmp(list + i, name))
            return true;
    return false;
}

static void basics(void)
{
    struct xenbus_event e = { 0 };
    long r;

    r = xenbus_request(&xb, XS_GET_DOMAIN_PATH, 0, at(self, "") + 14, (uint32_t)strlen(at(self, "") + 14) + 1, buf,
                       sizeof(buf) - 1, NULL);
    test_check(r == 0 && !strcmp(buf, at(self, "")), "get_domain_path", "%s", r == 0 ? buf : "error");
    r = xenbus_write(&xb, 0, "data/x", "value-x");
    test_check(r == 0, "write_own", "data/x: %ld", r);
    r = xenbus_read(&xb, 0, at(self, "data/x"), buf, sizeof(buf));
    test_check(r == 7 && !strcmp(buf, "value-x"), "read_own", "%s: %ld '%s'", at(self, "data/x"), r, r >= 0 ? buf : "");
    r = xenbus_mkdir(&xb, 0, "data/dir");
    test_check(r == 0, "mkdir_own", "data/dir: %ld", r);
    r = xenbus_directory(&xb, 0, "data", buf, sizeof(buf));
    test_check(r == 6 && has_name(buf, r, "x") && has_name(buf, r, "dir"), "directory_own",
               "data: %ld bytes, x and dir", r);
    r = xenbus_read(&xb, 0, "data/none", buf, sizeof(buf));
    test_check(r == -XEN_ENOENT, "read_missing", "%ld (ENOENT)", r);
    /* A watch on a path that does not exist yet: the initial event, then
     * one when it is created. */
    r = xenbus_watch(&xb, "data/later", "tok-later");
    test_check(r == 0 && xenbus_wait_event(&xb, &e, runtime_time_ns() + SEC) == 0 && !strcmp(e.token, "tok-later"),
               "watch_initial_event", "%s %s", e.path, e.token);
    r = xenbus_write(&xb, 0, "data/later", "now");
    test_check(r == 0 && xenbus_wait_event(&xb, &e, runtime_time_ns() + SEC) == 0 && !strcmp(e.path, "data/later"),
               "watch_fires_on_create", "%s", e.path);
    (void)xenbus_unwatch(&xb, "data/later", "tok-later");
    r = xenbus_rm(&xb, 0, "data/dir");
    test_check(r == 0, "rm_own", "data/dir: %ld", r);
}

static void transactions(void)
{
    uint32_t t1 = 0, t2 = 0;
    long r;

    r = xenbus_transaction_start(&xb, &t1);
    test_check(r == 0 && xenbus_write(&xb, t1, "data/t1", "one") == 0 && xenbus_write(&xb, t1, "data/t2", "two") == 0 &&
                   xenbus_read(&xb, 0, "data/t1", buf, sizeof(buf)) == -XEN_ENOENT &&
                   xenbus_transaction_end(&xb, t1, true) == 0 && xenbus_read(&xb, 0, "data/t2", buf, sizeof(buf)) == 3,
               "transaction_commit", "both writes appear at commit, none before");
    /* t1 reads x, t2 changes x and commits first: t1's commit conflicts. */
    r = xenbus_transaction_start(&xb, &t1);
    r |= xenbus_transaction_start(&xb, &t2);
    r |= xenbus_read(&xb, t1, "data/x", buf, sizeof(buf)) < 0;
    r |= xenbus_write(&xb, t2, "data/x", "changed");
    r |= xenbus_transaction_end(&xb, t2, true);
    r |= xenbus_write(&xb, t1, "data/y", "lost");
    long end = xenbus_transaction_end(&xb, t1, true);
    test_check(r == 0 && end == -XEN_EAGAIN && xenbus_read(&xb, 0, "data/y", buf, sizeof(buf)) == -XEN_ENOENT,
               "transaction_conflict", "commit after a conflicting one: %ld (EAGAIN), no partial effect", end);
}

static void isolation(void)
{
    long r = xenbus_read(&xb, 0, at(peer, ""), buf, sizeof(buf));

    test_check(r == -XEN_EACCES, "read_other_denied", "%s: %ld (EACCES)", at(peer, ""), r);
    r = xenbus_write(&xb, 0, at(peer, "intruder"), "x");
    test_check(r == -XEN_EACCES, "write_other_denied", "%s: %ld (EACCES)", at(peer, "intruder"), r);
}

/* The node both may use: ours, readable and writable by the peer. */
static void share(void)
{
    char perms[32];
    int n = snprintf(perms, sizeof(perms), "n%u", self) + 1;

    n += snprintf(perms + n, sizeof(perms) - (size_t)n, "b%u", peer) + 1;
    test_check(xenbus_write(&xb, 0, "shared", "") == 0 && xenbus_set_perms(&xb, 0, "shared", perms, (size_t)n) == 0,
               "set_perms", "shared: owner d%u, d%u may read and write", self, peer);
}

/* Requests of one kind for BENCH_NS: requests per second. */
static unsigned rate(bool write)
{
    uint64_t start = runtime_time_ns(), n = 0;

    while (runtime_time_ns() - start < BENCH_NS) {
        long r = write ? xenbus_write(&xb, 0, "data/bench", "0123456789") : xenbus_read(&xb, 0, "data/x", buf, 64);
        if (r < 0)
            return 0;
        n++;
    }
    return (unsigned)(n * SEC / (runtime_time_ns() - start));
}

static void barrier(const char *name)
{
    char path[64];

    snprintf(path, sizeof(path), "shared/%s", name);
    (void)xenbus_write(&xb, 0, path, "1");
    snprintf(path, sizeof(path), "%s", at(peer, ""));
    snprintf(path + strlen(path), sizeof(path) - strlen(path), "/shared/%s", name);
    if (!wait_for_node(path, 60 * SEC))
        test_check(false, "barrier", "%s never came", path);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void benchmarks(void)
{
    static uint64_t lat[PINGS];
    unsigned rd, wr;

    barrier("bench1");
    if (role_a) { /* a alone: b waits */
        uint64_t t0 = runtime_time_ns();
        for (unsigned i = 0; i < 2000; i++)
            (void)hypercall_xen_version();
        printf("xstest: null hypercall %llu ns\n", (unsigned long long)((runtime_time_ns() - t0) / 2000));
        rd = rate(false), wr = rate(true);
        printf("xstest: one client: %u reads/s, %u writes/s\n", rd, wr);
        test_check(rd && wr, "bench_one_client", "%u reads/s, %u writes/s", rd, wr);
    }
    barrier("bench2");
    rd = rate(false), wr = rate(true);
    printf("xstest: two clients, this one: %u reads/s, %u writes/s\n", rd, wr);
    test_check(rd && wr, "bench_two_clients", "%u reads/s, %u writes/s", rd, wr);
    barrier("bench3");
    /* Watch latency: b writes its clock into a's shared/ping; a takes the
     * event and reads the node: now minus the written time. */
    if (role_a) {
        struct xenbus_event e = { 0 };
        unsigned got = 0;
        (void)xenbus_write(&xb, 0, "shared/ping", "0");
        (void)xenbus_watch(&xb, "shared/ping", "ping");
        (void)xenbus_wait_event(&xb, &e, runtime_time_ns() + SEC); /* the initial event */
        (void)xenbus_write(&xb, 0, "shared/pingready", "1");
        while (got < PINGS && xenbus_wait_event(&xb, &e, runtime_time_ns() + 10 * SEC) == 0) {
            uint64_t now = runtime_time_ns();
            if (xenbus_read(&xb, 0, "shared/ping", buf, sizeof(buf)) > 0 && strtoull(buf, NULL, 10))
                lat[got++] = now - strtoull(buf, NULL, 10);
            (void)xenbus_write(&xb, 0, "shared/pong", "1");
        }
        qsort(lat, got, sizeof(lat[0]), cmp_u64);
        if (test_check(got == PINGS, "watch_latency", "%u events", got))
            printf("xstest: write to watch event in another domain: median %llu us over %u\n",
                   (unsigned long long)(lat[got / 2] / 1000), got);
    } else {
        char ts[24];
        (void)wait_for_node(at(peer, "shared/pingready"), 10 * SEC);
        for (unsigned i = 0; i < PINGS; i++) {
            (void)xenbus_rm(&xb, 0, at(peer, "shared/pong"));
            snprintf(ts, sizeof(ts), "%llu", (unsigned long long)runtime_time_ns());
            (void)xenbus_write(&xb, 0, at(peer, "shared/ping"), ts);
            (void)wait_for_node(at(peer, "shared/pong"), 10 * SEC);
        }
    }
}

/* a fills its node quota; b keeps being served meanwhile. */
static void flood(void)
{
    if (role_a)
        (void)xenbus_write(&xb, 0, "shared/flooded", "0"); /* made now: no quota is left later */
    barrier("flood");
    if (role_a) {
        char path[32];
        long r = 0;
        unsigned n;
        /* 20 children per directory: the node quota (1000 per domain), not
         * the entry size of one directory (2048 bytes), must stop it. */
        for (n = 0; n < 5000 && r == 0; n++) {
            snprintf(path, sizeof(path), "flood/d%u/n%u", n / 20, n % 20);
            r = xenbus_write(&xb, 0, path, "x");
        }
        test_check(r == -XEN_ENOSPC && n > 900 && n < 1000, "quota_nodes", "write %u refused: %ld (ENOSPC)", n, r);
        (void)xenbus_write(&xb, 0, "shared/flooded", "1"); /* an existing node: no quota needed */
        r = xenbus_rm(&xb, 0, "flood");
        test_check(r == 0 && xenbus_write(&xb, 0, "data/after", "1") == 0, "quota_recovers", "rm flood: %ld", r);
    } else {
        unsigned reads = 0, bad = 0;
        while (xenbus_read(&xb, 0, at(peer, "shared/flooded"), buf, sizeof(buf)) < 0 || strcmp(buf, "1")) {
            if (xenbus_read(&xb, 0, "data/x", buf, sizeof(buf)) < 0)
                bad++;
            if (++reads > 200000)
                break;
        }
        test_check(bad == 0 && reads > 0, "served_during_flood", "%u reads while d%u flooded, %u failed", reads, peer,
                   bad);
    }
}

/* a's malformed messages; the last breaks its ring for good. */
static void malformed(void)
{
    struct xsd_sockmsg h;
    long r;

    barrier("malformed");
    if (!role_a) {
        struct xenbus_event e = { 0 };
        (void)xenbus_watch(&xb, "@releaseDomain", "rel");
        (void)xenbus_wait_event(&xb, &e, runtime_time_ns() + SEC); /* the initial event */
        (void)wait_for_node(at(peer, "shared/breaking"), 60 * SEC);
        thread_sleep_ns(100000000ull);
        r = xenbus_read(&xb, 0, "data/x", buf, sizeof(buf));
        test_check(r > 0, "served_after_peer_broke", "read: %ld", r);
        r = xenbus_wait_event(&xb, &e, runtime_time_ns() + 30 * SEC);
        test_check(r == 0 && !strcmp(e.path, "@releaseDomain"), "release_event", "%s", r == 0 ? e.path : "none");
        return;
    }
    r = xenbus_request(&xb, 999, 0, "x", 2, buf, sizeof(buf), NULL);
    test_check(r == -XEN_ENOSYS, "unknown_type", "type 999: %ld (ENOSYS, as Xen's xenstored)", r);
    r = xenbus_request(&xb, XS_READ, 0, "data/x", 6, buf, sizeof(buf), NULL); /* no NUL */
    test_check(r == -XEN_EINVAL, "missing_terminator", "READ without NUL: %ld (EINVAL)", r);
    r = xenbus_read(&xb, 0, "data/x", buf, sizeof(buf));
    test_check(r > 0, "served_after_malformed", "read: %ld", r);
    (void)xenbus_write(&xb, 0, "shared/breaking", "1");
    h = (struct xsd_sockmsg){ XS_READ, 77, 0, XENSTORE_PAYLOAD_MAX + 1 };
    r = xenbus_send_raw(&xb, &h, sizeof(h));
    struct xenstore_domain_interface *intf = (void *)xb.req.data;
    uint64_t end = runtime_time_ns() + 5 * SEC;
    while (__atomic_load_n(&intf->error, __ATOMIC_ACQUIRE) == 0 && runtime_time_ns() < end)
        thread_sleep_ns(1000000);
    test_check(r == 0 && intf->error == XENSTORE_ERROR_PROTO, "bad_length", "length %u: the store set error %u (PROTO)",
               XENSTORE_PAYLOAD_MAX + 1, intf->error);
}

int main(int argc, char **argv)
{
    uint64_t pfn = 0, port = 0;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "role=", 5))
            role_a = !strcmp(argv[i] + 5, "a");
        else if (!strncmp(argv[i], "self=", 5))
            self = (unsigned)strtoul(argv[i] + 5, NULL, 0);
        else if (!strncmp(argv[i], "peer=", 5))
            peer = (unsigned)strtoul(argv[i] + 5, NULL, 0);
    }
    if (!test_check(hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_PFN, &pfn) == 0 &&
                        hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &port) == 0 && pfn && port,
                    "store_params", "store page gfn 0x%llx, port %llu", (unsigned long long)pfn,
                    (unsigned long long)port))
        return 1;
    xenbus_connect(&xb, (void *)(uintptr_t)(pfn << 12), (evtchn_port_t)port);
    basics();
    transactions();
    isolation();
    share();
    benchmarks();
    flood();
    malformed();
    printf("xstest: %s done, %u failed\n", role_a ? "a" : "b", test_failures());
    return test_failures() ? 1 : 0;
}
