/* SPDX-License-Identifier: MIT */
/*
 * The PV console front end (mosaic/console.h): the ring page the builder
 * placed (HVM_PARAM_CONSOLE_PFN; the runtime identity-maps the first 4
 * GiB, so the frame's address is its pointer) and its port (already bound
 * to the console domain by the toolstack: the guest only sends on it).
 */
#include <stdint.h>

#include "idl/hvm.h"
#include "idl/xen_errno.h"
#include "mosaic/console.h"
#include "mosaic/hvm.h"
#include "mosaic/time.h"

long console_open(struct console *c)
{
    uint64_t pfn = 0, port = 0;

    if (hvm_param_get(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &pfn) != 0 ||
        hvm_param_get(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &port) != 0 || !pfn || !port || pfn >= (1ull << 20))
        return -XEN_ENODEV;
    c->page = (struct xencons_interface *)(uintptr_t)(pfn << 12);
    c->port = (evtchn_port_t)port;
    c->out = (struct bytering){ c->page->out, XENCONS_OUT_SIZE, &c->page->out_prod, &c->page->out_cons };
    c->in = (struct bytering){ c->page->in, XENCONS_IN_SIZE, &c->page->in_prod, &c->page->in_cons };
    c->broken = false;
    return 0;
}

long console_write(struct console *c, const void *buf, size_t len, uint64_t timeout_ns)
{
    uint64_t end = timeout_ns ? runtime_time_ns() + timeout_ns : 0;
    const char *p = buf;
    size_t done = 0;

    while (!c->broken && done < len) {
        long n = bytering_write(&c->out, p + done, len - done);
        if (n == BYTERING_BROKEN) {
            c->broken = true;
            break;
        }
        done += (size_t)n;
        (void)evtchn_send(c->port);
        if (done < len) {
            if (end && runtime_time_ns() >= end)
                break;
            runtime_sleep_ns(TIME_NS_PER_MS); /* the console domain drains it */
        }
    }
    return c->broken ? -XEN_EIO : (long)done;
}

long console_read(struct console *c, void *buf, size_t cap)
{
    long n = c->broken ? BYTERING_BROKEN : bytering_read(&c->in, buf, cap);

    if (n == BYTERING_BROKEN) {
        c->broken = true;
        return -XEN_EIO;
    }
    if (n > 0)
        (void)evtchn_send(c->port); /* room again for more input */
    return n;
}

void console_wait(struct console *c, uint64_t deadline_ns)
{
    if (!evtchn_test_and_clear(c->port))
        evtchn_wait(deadline_ns);
    (void)evtchn_test_and_clear(c->port);
}
