/* SPDX-License-Identifier: MIT */
/*
 * The table from domain id to domain: two levels, so a lookup is two
 * loads whatever the number of domains, and memory grows with the ids in
 * use (a leaf frame is made when its first id is taken and retired when
 * its last goes), not with a constant. Ids rotate, as Xen's do: a freed
 * id is given again only once the space has wrapped. Portable: writers
 * hold the owner's lock; lookups take no lock, and the owner frees
 * objects and leaves through the deferred-free mechanism (retire.h).
 */
#pragma once

#include "core/epoch.h"
#include "core/types.h"

#define DOMAIN_IDS_END        0x7ff0 /* ids run 1 .. DOMAIN_IDS_END - 1: Xen's DOMID_FIRST_RESERVED is the end */
#define DOMAIN_IDS_LEAF_SLOTS ((PAGE_SIZE - sizeof(struct epoch_item)) / sizeof(void *))
#define DOMAIN_IDS_LEAVES     ((DOMAIN_IDS_END + DOMAIN_IDS_LEAF_SLOTS - 1) / DOMAIN_IDS_LEAF_SLOTS)

/* One frame: the objects of DOMAIN_IDS_LEAF_SLOTS consecutive ids. */
struct domain_ids_leaf {
    void *slot[DOMAIN_IDS_LEAF_SLOTS]; /* owner's lock; read with atomic loads */
    struct epoch_item retired;         /* while it waits to be freed */
};
_Static_assert(sizeof(struct domain_ids_leaf) <= PAGE_SIZE, "a leaf is one frame");

struct domain_ids {
    struct domain_ids_leaf *leaf[DOMAIN_IDS_LEAVES]; /* owner's lock; read with atomic loads */
    uint16_t used[DOMAIN_IDS_LEAVES];                /* ids taken in each leaf: owner's lock */
    uint16_t next;                                   /* the next id to try: owner's lock */
    uint16_t count;                                  /* ids taken: owner's lock */
};

/* Provided by the owner, called with its lock held: a zeroed leaf or
 * NULL; and a leaf no longer in the table, to free once no lookup can
 * be reading it. */
struct domain_ids_leaf *domain_ids_env_leaf_alloc(void);
void domain_ids_env_leaf_retire(struct domain_ids_leaf *leaf);

/* domain_ids_init: no id taken; the first given is 1. */
void domain_ids_init(struct domain_ids *t);

/* domain_ids_add: the next id after the last one given that is free,
 * now naming obj (not NULL), in *id. 0, -ERR_NOSPC (every id taken) or
 * -ERR_NOMEM (no frame for its leaf); nothing changes on failure. */
int domain_ids_add(struct domain_ids *t, void *obj, uint16_t *id) __attribute__((warn_unused_result));

/* domain_ids_remove: id (taken) names nothing any more. */
void domain_ids_remove(struct domain_ids *t, uint16_t id);

/* domain_ids_find: what id names, or NULL; any id, from a guest too.
 * Lock-free: the object stays readable until the caller's next
 * quiescent point. */
void *domain_ids_find(const struct domain_ids *t, uint16_t id);
