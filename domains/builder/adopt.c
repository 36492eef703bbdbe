/* SPDX-License-Identifier: MIT */
/*
 * The domains the builder inherits from a dead instance of a manifest
 * section, and their return to its next instance (adopt.h). What is
 * recorded is only which section held a domain; everything else is read
 * from the core when needed. The builder's own watching of what it
 * inherits (destroying those that shut down) stays in builder.c.
 */
#include "adopt.h"

#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"

static void say(const struct adopt_env *env, const char *line)
{
    env->log(env->ctx, line);
}

void adopt_init(struct adopt *a, const struct adopt_env *env)
{
    memset(a, 0, sizeof(*a));
    a->env = env;
}

int adopt_each(const struct adopt_env *env, void (*fn)(void *arg, const struct mgmt_domain_info *info), void *arg)
{
    struct mgmt_domain_list l = { .first = 1 };

    for (;;) {
        long r = env->mgmt(env->ctx, MGMT_DOMAIN_LIST, &l, sizeof(l));
        unsigned nr;
        if (r)
            return (int)r;
        nr = l.nr < MGMT_DOMAIN_LIST_MAX ? l.nr : MGMT_DOMAIN_LIST_MAX;
        for (unsigned i = 0; i < nr; i++) {
            struct mgmt_domain_info info = { .domid = l.domids[i] };
            if (l.domids[i] < ADOPT_IDS && env->mgmt(env->ctx, MGMT_DOMAIN_INFO, &info, sizeof(info)) == 0)
                fn(arg, &info);
        }
        if (nr < MGMT_DOMAIN_LIST_MAX || l.domids[nr - 1] + 1u >= ADOPT_IDS)
            return 0;
        l.first = (uint16_t)(l.domids[nr - 1] + 1);
    }
}

static bool known(const struct adopt *a, uint16_t domid)
{
    return domid < ADOPT_IDS && (a->known[domid / 8] >> (domid % 8) & 1);
}

/* Marks domid in the bitmap map (ADOPT_IDS bits). */
static void mark(uint8_t *map, uint16_t domid)
{
    if (domid < ADOPT_IDS)
        map[domid / 8] = (uint8_t)(map[domid / 8] | 1u << (domid % 8));
}

static void note_seen(void *arg, const struct mgmt_domain_info *info)
{
    struct adopt *a = arg;

    mark(a->seen, info->domid);
}

static int find_held(const struct adopt *a, uint16_t domid)
{
    for (unsigned i = 0; i < a->nheld; i++)
        if (a->held[i].domid == domid)
            return (int)i;
    return -1;
}

/* Order is kept: domains go back in the order they came (by id). */
static void drop_held(struct adopt *a, unsigned i)
{
    memmove(&a->held[i], &a->held[i + 1], (a->nheld - i - 1) * sizeof(a->held[0]));
    a->nheld--;
}

void adopt_look(struct adopt *a)
{
    memset(a->seen, 0, sizeof(a->seen));
    if (adopt_each(a->env, note_seen, a) != 0)
        return; /* the core would not list: the last look stands */
    memcpy(a->known, a->seen, sizeof(a->known));
    for (unsigned i = a->nheld; i-- > 0;)
        if (!known(a, a->held[i].domid))
            drop_held(a, i); /* destroyed, or handed on by another way */
}

struct from_walk {
    struct adopt *a;
    const void *section;
    const char *name;
    bool (*own)(void *arg, uint16_t domid);
    void *own_arg;
    unsigned added;
};

static void note_from(void *arg, const struct mgmt_domain_info *info)
{
    struct from_walk *w = arg;
    char line[160];

    if (known(w->a, info->domid) || (w->own && w->own(w->own_arg, info->domid)))
        return;
    mark(w->a->known, info->domid);
    if (find_held(w->a, info->domid) >= 0)
        return;
    if (w->a->nheld == ADOPT_HELD_MAX) {
        snprintf(line, sizeof(line), "builder: d%u '%.32s', adopted from '%s', stays the builder's: %u held already",
                 info->domid, info->name, w->name, ADOPT_HELD_MAX);
        say(w->a->env, line);
        return;
    }
    w->a->held[w->a->nheld++] = (struct adopt_held){ info->domid, w->section };
    w->added++;
    snprintf(line, sizeof(line), "builder: d%u '%.32s' adopted from '%s', which is gone; held for its next instance",
             info->domid, info->name, w->name);
    say(w->a->env, line);
}

unsigned adopt_from(struct adopt *a, const void *section, const char *name, bool (*own)(void *arg, uint16_t domid),
                    void *own_arg)
{
    struct from_walk w = { a, section, name, own, own_arg, 0 };

    if (adopt_each(a->env, note_from, &w) != 0)
        return 0;
    return w.added;
}

bool adopt_held_for(const struct adopt *a, uint16_t domid)
{
    return find_held(a, domid) >= 0;
}

unsigned adopt_give_back(struct adopt *a, const void *section, uint16_t to, const char *name)
{
    unsigned handed = 0;
    char line[160];

    for (unsigned i = 0; i < a->nheld;) {
        struct mgmt_domain_handover h = { .domid = a->held[i].domid, .to = to };
        struct mgmt_domain_info info = { .domid = a->held[i].domid };
        long r;
        if (a->held[i].section != section) {
            i++;
            continue;
        }
        if (a->env->mgmt(a->env->ctx, MGMT_DOMAIN_INFO, &info, sizeof(info)) != 0)
            info.name[0] = '\0';
        r = a->env->mgmt(a->env->ctx, MGMT_DOMAIN_HANDOVER, &h, sizeof(h));
        if (r == 0) {
            snprintf(line, sizeof(line), "builder: d%u '%.32s' handed back to d%u '%s'%s", h.domid, info.name, to, name,
                     info.state == MGMT_STATE_SHUTDOWN ? " (shut down meanwhile: it acts on that)" : "");
            handed++;
            if (a->env->handed && (r = a->env->handed(a->env->ctx, h.domid, to)) != 0) {
                say(a->env, line);
                snprintf(line, sizeof(line), "builder: d%u: its XenStore nodes for d%u not opened (error %ld)", h.domid,
                         to, r);
            }
        } else {
            snprintf(line, sizeof(line),
                     "builder: d%u '%.32s': handing it back to d%u '%s' refused (error %ld); "
                     "the builder keeps it",
                     h.domid, info.name, to, name, r);
        }
        say(a->env, line);
        drop_held(a, i);
    }
    return handed;
}

void adopt_forget(struct adopt *a, const void *section, const char *name)
{
    char line[160];

    for (unsigned i = 0; i < a->nheld;) {
        if (a->held[i].section != section) {
            i++;
            continue;
        }
        snprintf(line, sizeof(line), "builder: d%u, held for '%s', stays the builder's: '%s' is not restarted",
                 a->held[i].domid, name, name);
        say(a->env, line);
        drop_held(a, i);
    }
}
