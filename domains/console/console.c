/* SPDX-License-Identifier: MIT */
/*
 * The console domain: serves every domain's PV console ring (Xen's
 * xenconsoled, whose XenStore nodes it reads), keeps a bounded log of
 * each domain's output, and gives the user one domain's console at a time
 * on the second serial port (COM2), switched with Ctrl-A pressed three
 * times, as on Xen's serial console.
 *
 * It keeps nothing a restart would need: the domains to serve are the
 * entries the builder writes under our home, backend/console/<domid>/0
 * (libxl's back-end entry for a domain's first console), each naming the
 * front end's console/ directory (port, ring-ref, type); the ring page is
 * mapped through the domain's grant ref 0. On start everything is read
 * again from there; the logs and which domain is selected are caches.
 * A domain is released when the core has closed its end of our port
 * (it died), looked for on every @releaseDomain event and periodically;
 * its back-end entry is then removed.
 *
 * COM2 is polled every POLL_NS, every DRAIN_NS while output waits for the
 * transmitter (polling, plainly: its interrupt would
 * need the core to route a device interrupt to a domain as an event,
 * which it does not yet); guest output wakes the loop through the ports.
 *
 * Arguments: uart=HEX (the UART's first port, default 2f8), show=NAME
 * (COM2 shows that domain when it attaches, rather than the first one to
 * attach: `make run`'s guest, which comes after the driver domains),
 * exit=idle (stop once every served domain is gone: tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consoled.h"
#include "idl/hvm.h"
#include "idl/xen_errno.h"
#include "mosaic/hvm.h"
#include "mosaic/mgmt.h"
#include "mosaic/time.h"
#include "mosaic/xenbus.h"

#define POLL_NS        (10 * TIME_NS_PER_MS)  /* how often COM2's receiver is looked at */
#define DRAIN_NS       (1 * TIME_NS_PER_MS)   /* the same while output waits for the transmitter */
#define LIVENESS_NS    (100 * TIME_NS_PER_MS) /* how often dead domains are looked for */
#define CTRL_A         0x01
#define SWITCH_PRESSES 3

static struct xenbus xb;
static char backend_dir[64]; /* /local/domain/<self>/backend/console */
static struct guest *selected;
static const char *show_first; /* show=NAME: selected when it attaches */
static unsigned ctrl_a_count;
static bool served_any;
static uint16_t failed[GUESTS_MAX]; /* domains whose console could not be attached */
static unsigned nfailed;

static void to_uart(const char *s, size_t n)
{
    uart_write(s, n);
}

/* A banner on COM2 naming the selected domain (or none). */
static void banner(void)
{
    char line[200];
    int n;

    if (selected)
        n = snprintf(line, sizeof(line),
                     "\r\n[console: now d%u '%s' (log: %zu bytes kept of %llu written); Ctrl-A three times "
                     "switches]\r\n",
                     selected->domid, selected->name, guest_log_kept(selected), (unsigned long long)selected->logged);
    else
        n = snprintf(line, sizeof(line), "\r\n[console: no domain to show]\r\n");
    uart_write(line, (size_t)n);
    if (selected)
        printf("console: COM2 shows d%u '%s' (log: %zu of %llu bytes)\n", selected->domid, selected->name,
               guest_log_kept(selected), (unsigned long long)selected->logged);
    else
        printf("console: COM2 shows no domain\n");
}

/* The next served domain after the selected one, wrapping; NULL if none. */
static void select_next(void)
{
    struct guest *g = selected;

    /* Every slot at most once, wrapping at the end. */
    for (unsigned i = 0; i <= GUESTS_MAX; i++) {
        g = guest_next(g);
        if (!g)
            g = guest_next(NULL);
        if (!g || !g->closed)
            break;
    }
    selected = g && !g->closed ? g : NULL;
    banner();
}

/* What the domain named itself in XenStore, printable characters only. */
static void read_name(uint16_t domid, char *name, size_t cap)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    if (xenbus_read(&xb, 0, path, name, cap) < 0)
        snprintf(name, cap, "d%u", domid);
    for (char *p = name; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
}

static bool has_failed(uint16_t domid)
{
    for (unsigned i = 0; i < nfailed; i++)
        if (failed[i] == domid)
            return true;
    return false;
}

/* One back-end entry: attach the domain's console if it is complete. */
static void consider(uint16_t domid)
{
    char path[96], val[32], name[GUEST_NAME];
    unsigned long port;
    struct guest *g;
    long r;

    if (guest_find(domid) || has_failed(domid))
        return;
    snprintf(path, sizeof(path), "%s/%u/0/online", backend_dir, domid);
    if (xenbus_read(&xb, 0, path, val, sizeof(val)) < 0 || strcmp(val, "1"))
        return; /* not complete yet: its last node comes with a later event */
    snprintf(path, sizeof(path), "/local/domain/%u/console/port", domid);
    r = xenbus_read(&xb, 0, path, val, sizeof(val));
    port = r > 0 ? strtoul(val, NULL, 10) : 0;
    read_name(domid, name, sizeof(name));
    if (!port || port >= EVTCHN_PORTS_2L || (r = guest_attach(domid, (uint32_t)port, name, &g)) != 0) {
        printf("console: d%u '%s': cannot attach its console (port %lu): %ld\n", domid, name, port, r);
        if (nfailed < GUESTS_MAX)
            failed[nfailed++] = domid;
        return;
    }
    served_any = true;
    printf("console: d%u '%s' attached (port %lu)\n", domid, name, port);
    if (!selected || (show_first && !strcmp(name, show_first) && strcmp(selected->name, show_first) != 0)) {
        selected = g;
        banner();
    }
}

/* Every back-end entry, as the store has them now. */
static void scan(void)
{
    char list[1024];
    long n = xenbus_directory(&xb, 0, backend_dir, list, sizeof(list));

    for (long i = 0; n > 0 && i < n && i < (long)sizeof(list);) {
        char *end;
        unsigned long domid = strtoul(list + i, &end, 10);
        if (*end == '\0' && end != list + i && domid < DOMID_FIRST_RESERVED)
            consider((uint16_t)domid);
        i += (long)strlen(list + i) + 1;
    }
}

/* Domains that died: released, their back-end entries removed. */
static void reap(void)
{
    for (struct guest *g = guest_next(NULL), *next; g; g = next) {
        next = guest_next(g);
        if (!guest_gone(g))
            continue;
        char path[96];
        snprintf(path, sizeof(path), "%s/%u", backend_dir, g->domid);
        (void)guest_pump_out(g, g == selected ? to_uart : NULL); /* its last words */
        printf("console: d%u '%s' released\n", g->domid, g->name);
        (void)xenbus_rm(&xb, 0, path);
        guest_detach(g);
        if (g == selected) {
            selected = NULL;
            select_next();
        }
    }
}

/* Bytes the user typed: to the selected domain only; Ctrl-A pressed
 * three times in a row switches instead (fewer are passed on). */
static void user_input(void)
{
    static const char held[SWITCH_PRESSES] = { CTRL_A, CTRL_A, CTRL_A };
    int c;

    while ((c = uart_read()) >= 0) {
        char ch = (char)c;
        if (ch == CTRL_A) {
            if (++ctrl_a_count == SWITCH_PRESSES) {
                ctrl_a_count = 0;
                select_next();
            }
            continue;
        }
        if (selected && ctrl_a_count)
            (void)guest_put_in(selected, held, ctrl_a_count);
        ctrl_a_count = 0;
        if (selected)
            (void)guest_put_in(selected, &ch, 1); /* dropped when its ring is full */
    }
}

static int setup(uint16_t uart_base)
{
    struct mgmt_domain_info self = { .domid = MGMT_DOMID_SELF };
    uint64_t pfn = 0, port = 0;

    if (mgmt_call(MGMT_DOMAIN_INFO, &self, sizeof(self)) != 0 || gnttab_init(1) != 0 ||
        hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_PFN, &pfn) != 0 ||
        hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &port) != 0 || !pfn || !port) {
        printf("console: no XenStore ring or grant table: nothing to serve\n");
        return -1;
    }
    xenbus_connect(&xb, (void *)(uintptr_t)(pfn << 12), (evtchn_port_t)port);
    snprintf(backend_dir, sizeof(backend_dir), "/local/domain/%u/backend/console", self.domid);
    if (xenbus_watch(&xb, backend_dir, "backend") != 0 || xenbus_watch(&xb, "@releaseDomain", "release") != 0) {
        printf("console: cannot watch %s and @releaseDomain\n", backend_dir);
        return -1;
    }
    if (clients_init(&xb, self.domid) != 0)
        printf("console: cannot watch backend/consctl: no console channel clients\n");
    if (uart_init(uart_base))
        printf("console: d%u serving consoles; user console on the UART at 0x%x (polled every %llu ms)\n", self.domid,
               uart_base, (unsigned long long)(POLL_NS / TIME_NS_PER_MS));
    else
        printf("console: d%u serving consoles; the UART at 0x%x is not reachable: logs only\n", self.domid, uart_base);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long uart_base = 0x2f8;
    bool exit_idle = false;
    uint64_t next_reap = 0, dropped = 0;
    bool draining = false, released = false;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "uart=", 5))
            uart_base = strtoul(argv[i] + 5, NULL, 16);
        else if (!strncmp(argv[i], "show=", 5) && argv[i][5])
            show_first = argv[i] + 5;
        else if (!strcmp(argv[i], "exit=idle"))
            exit_idle = true;
        else
            printf("console: unknown argument '%s' ignored\n", argv[i]);
    }
    if (uart_base > 0xfff8 || setup((uint16_t)uart_base) != 0)
        return 1;
    scan(); /* a restart finds everything again here */
    clients_scan();
    for (;;) {
        struct xenbus_event ev;
        long r = xenbus_wait_event(&xb, &ev, runtime_time_ns() + (draining ? DRAIN_NS : POLL_NS));
        if (r == 0 && !strcmp(ev.token, "backend"))
            scan();
        else if (r == 0 && !strcmp(ev.token, CLIENTS_WATCH_ROOT))
            clients_scan();
        else if (r == 0 && !strcmp(ev.token, CLIENTS_WATCH_FRONT))
            clients_sync();
        else if (r == 0) {
            next_reap = 0; /* @releaseDomain: look now */
            released = true;
        } else if (r == -XEN_EIO) {
            printf("console: the XenStore ring broke: stopping\n");
            return 1;
        }
        for (struct guest *g = guest_next(NULL); g; g = guest_next(g))
            (void)guest_pump_out(g, g == selected ? to_uart : NULL);
        if (selected && selected->closed)
            select_next();
        clients_serve(); /* after the pump: the logs are as fresh as they get */
        user_input();
        draining = uart_flush();
        if (runtime_time_ns() >= next_reap) {
            reap();
            clients_reap(released);
            released = false;
            next_reap = runtime_time_ns() + LIVENESS_NS;
            if (uart_dropped() != dropped) {
                dropped = uart_dropped();
                printf("console: COM2 is slower than the output: %llu bytes not shown there (in the logs)\n",
                       (unsigned long long)dropped);
            }
            if (exit_idle && served_any && !guest_next(NULL) && !draining)
                break;
        }
    }
    printf("console: every served domain is gone; stopping\n");
    return 0;
}
