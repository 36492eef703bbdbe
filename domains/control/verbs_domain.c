/* SPDX-License-Identifier: MIT */
/*
 * The control domain's environment for the verbs and its watch on the
 * shutdowns of the domains it controls (verbs_domain.h).
 */
#include "verbs_domain.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "build_domain.h"
#include "conschan.h"
#include "crash.h"
#include "idl/xen_errno.h"
#include "mosaic/evtchn.h"
#include "mosaic/mgmt.h"
#include "mosaic/time.h"
#include "mosaic/xenbus.h"

static long env_mgmt(void *ctx, uint32_t cmd, void *arg, size_t size)
{
    (void)ctx;
    return mgmt_call(cmd, arg, size);
}

static void env_sleep_ms(void *ctx, unsigned ms)
{
    (void)ctx;
    runtime_sleep_ns(ms * TIME_NS_PER_MS);
}

static void env_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

static struct xenbus *xb; /* control's one store connection (build_domain.c's) */

static long env_xs_read(void *ctx, const char *path, char *buf, size_t cap)
{
    (void)ctx;
    return xb ? xenbus_read(xb, 0, path, buf, cap) : -XEN_ENODEV;
}

static long env_xs_write(void *ctx, const char *path, const char *value)
{
    (void)ctx;
    return xb ? xenbus_write(xb, 0, path, value) : -XEN_ENODEV;
}

static long env_xs_directory(void *ctx, const char *path, char *buf, size_t cap)
{
    (void)ctx;
    return xb ? xenbus_directory(xb, 0, path, buf, cap) : -XEN_ENODEV;
}

static const struct verbs_env env = { .mgmt = env_mgmt,
                                      .sleep_ms = env_sleep_ms,
                                      .log = env_log,
                                      .xs_read = env_xs_read,
                                      .xs_write = env_xs_write,
                                      .ctx = NULL,
                                      .crash = crash_request,
                                      .build = build_domain,
                                      .console = conschan_exchange,
                                      .xs_directory = env_xs_directory,
                                      .device = build_domain_device };

int verbs_domain_store_init(struct xenbus *store)
{
    xb = store;
    if (!xb)
        printf("control: no XenStore connection: shutdown, reboot, mem-set and mem-max cannot be done\n");
    return xb ? 0 : -XEN_ENODEV;
}

const struct verbs_env *verbs_domain_env(void)
{
    return &env;
}

static struct {
    evtchn_port_t port;
    bool bound;
    uint64_t next;       /* the next periodic look */
    bool ever;           /* some domain was controlled at a look */
    uint64_t none_since; /* since when none is; 0 while some is */
} watch;

int verbs_domain_watch_init(void)
{
    long r = evtchn_bind_virq(VIRQ_DOM_EXC, 0, &watch.port);

    watch.bound = r == 0;
    watch.next = runtime_time_ns();
    if (r)
        printf("control: VIRQ_DOM_EXC not bound (error %ld): shutdowns are seen every %llu s only\n", r,
               (unsigned long long)(VERBS_DOMAIN_WATCH_NS / TIME_NS_PER_S));
    return (int)r;
}

unsigned verbs_domain_watch_poll(uint64_t now)
{
    bool told = watch.bound && evtchn_test_and_clear(watch.port);
    unsigned reaped, left;

    if (!told && now < watch.next)
        return 0;
    watch.next = now + VERBS_DOMAIN_WATCH_NS;
    reaped = verbs_reap(&env, &left);
    if (left == 0 && !watch.none_since)
        watch.none_since = now;
    else if (left != 0)
        watch.none_since = 0;
    watch.ever |= left != 0 && left != UINT_MAX;
    return reaped;
}

bool verbs_domain_idle(uint64_t now, uint64_t for_ns)
{
    return watch.ever && watch.none_since && now - watch.none_since >= for_ns;
}

uint64_t verbs_domain_watch_deadline(void)
{
    return watch.next;
}
