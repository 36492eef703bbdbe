/* SPDX-License-Identifier: MIT */
/*
 * The domains the builder inherits (adopt.c). When a controller dies the
 * core hands the domains it controlled to its own controller; for a
 * domain the builder built from the manifest (the control domain), that
 * is the builder. Each domain so inherited is recorded with the manifest
 * section whose instance held it, and when the builder restarts that
 * section (on_crash = restart) the new instance gets them back: they
 * were that section's by intent. Nothing here knows which section is a
 * toolstack: the rule is the same for every restarted section. Pure C
 * over an environment passed in (the management call and the log), so
 * that a model of the core can test it on the host.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/mgmt.h"

/* What the bookkeeping needs from its surroundings. */
struct adopt_env {
    /* The management hypercall: cmd with its struct (size bytes). */
    long (*mgmt)(void *ctx, uint32_t cmd, void *arg, size_t size);
    /* One line for the log, without its newline. */
    void (*log)(void *ctx, const char *line);
    void *ctx;
    /* After a domain is handed back to to: what the new controller must
     * be given besides (the XenStore nodes a controller writes); NULL:
     * nothing. Its error is logged, the handover stands. */
    long (*handed)(void *ctx, uint16_t domid, uint16_t to);
};

/* Domains held for sections at once: more are the builder's alone. */
#define ADOPT_HELD_MAX 64u
/* Ids the core can give a domain: below DOMID_SELF. */
#define ADOPT_IDS MGMT_DOMID_SELF

/* One inherited domain and the section whose dead instance held it. */
struct adopt_held {
    uint16_t domid;
    const void *section; /* the builder's token for the section (its manifest entry) */
};

struct adopt {
    const struct adopt_env *env;
    uint8_t known[ADOPT_IDS / 8]; /* bit set: the builder controlled it at the last look */
    uint8_t seen[ADOPT_IDS / 8];  /* the look under way: known only once the whole list came */
    struct adopt_held held[ADOPT_HELD_MAX];
    unsigned nheld;
};

/* adopt_init: nothing known, nothing held; env is kept. */
void adopt_init(struct adopt *a, const struct adopt_env *env);

/* adopt_each: calls fn with each domain the caller controls, in id order,
 * with its MGMT_DOMAIN_INFO (a domain that goes while it is looked at is
 * skipped). 0, or the core's error for the list. */
int adopt_each(const struct adopt_env *env, void (*fn)(void *arg, const struct mgmt_domain_info *info), void *arg)
    __attribute__((warn_unused_result));

/* adopt_look: remember which domains the builder controls now, so that
 * adopt_from can tell those a controller's death adds; held entries whose
 * domain the builder no longer controls are dropped. Call before the
 * builder destroys a domain, and once a turn. */
void adopt_look(struct adopt *a);

/* adopt_from: the domains the builder controls now that it did not at
 * the last look, and that own (if not NULL) does not claim as the
 * builder's own (the instances it watches), are recorded as held for
 * section (name: for the log line each gets). Call once the dead
 * instance is gone (MGMT_DOMAIN_INFO answers -ESRCH): the core hands its
 * domains on before that. Returns how many were recorded; those past
 * ADOPT_HELD_MAX stay the builder's alone, with a line each. */
unsigned adopt_from(struct adopt *a, const void *section, const char *name, bool (*own)(void *arg, uint16_t domid),
                    void *own_arg);

/* adopt_held_for: whether domid is held for some section. */
bool adopt_held_for(const struct adopt *a, uint16_t domid);

/* adopt_give_back: hands every domain held for section to to (its new
 * instance, named name) with MGMT_DOMAIN_HANDOVER, one line each, shut
 * down or not: the new instance acts on their shutdowns as the old one
 * would have. A domain the core refuses to hand (gone meanwhile) stays
 * the builder's, with the reason. Returns how many were handed. */
unsigned adopt_give_back(struct adopt *a, const void *section, uint16_t to, const char *name);

/* adopt_forget: section will not be restarted: what is held for it stays
 * the builder's, as any domain it inherits (one line each). */
void adopt_forget(struct adopt *a, const void *section, const char *name);
