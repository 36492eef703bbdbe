/* SPDX-License-Identifier: MIT */
/*
 * The verbs' environment inside the control domain (verbs.h): the
 * management hypercall, sleeping on the runtime's clock, the log on the
 * console, XenStore through control's own connection; and the watch on the domains control controls: the core
 * tells a controller of each shutdown with VIRQ_DOM_EXC, and a slow
 * periodic look covers a notification missed, as the builder does.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "verbs.h"

/* A look at the controlled domains at least this often. */
#define VERBS_DOMAIN_WATCH_NS (2ull * 1000000000ull)

/* verbs_domain_env: the environment of the verbs here. */
const struct verbs_env *verbs_domain_env(void);

struct xenbus;

/* verbs_domain_store_init: control's own connection to XenStore (the
 * ring the builder gave it, as to any domain; build_domain_store's),
 * through which shutdown and mem-set write the nodes the builder opened
 * to it. 0, or -XEN_ENODEV for none (logged: those verbs then answer
 * -XEN_ENODEV). */
int verbs_domain_store_init(struct xenbus *store);

/* verbs_domain_watch_init: bind VIRQ_DOM_EXC (its events are taken by
 * verbs_domain_watch_poll, no handler). 0, or the bind's error (logged:
 * the periodic look still runs). */
int verbs_domain_watch_init(void);

/* verbs_domain_watch_poll: at time now (runtime_time_ns), destroy the
 * controlled domains that shut down (verbs_reap) if VIRQ_DOM_EXC came or
 * the period is over. Returns how many were destroyed. */
unsigned verbs_domain_watch_poll(uint64_t now);

/* verbs_domain_watch_deadline: when the next periodic look is due. */
uint64_t verbs_domain_watch_deadline(void);

/* verbs_domain_idle: whether, at time now, control has controlled at
 * least one domain since it started and none for for_ns now (as the
 * watch's looks saw it): for control's exit=idle (main.c). */
bool verbs_domain_idle(uint64_t now, uint64_t for_ns);
