/* SPDX-License-Identifier: MIT */
/*
 * Domain ids to objects (domain_ids.h). Writers publish a leaf before any
 * slot in it, and clear a slot before the leaf goes, with release stores;
 * readers load with acquire, so they see a leaf's slots as written.
 */
#include "core/domain_ids.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/nospec.h"

void domain_ids_init(struct domain_ids *t)
{
    memset(t, 0, sizeof(*t));
    t->next = 1;
}

static uint16_t after(uint16_t id)
{
    return id + 1u >= DOMAIN_IDS_END ? 1 : (uint16_t)(id + 1u);
}

static bool taken(const struct domain_ids *t, uint16_t id)
{
    const struct domain_ids_leaf *l = t->leaf[id / DOMAIN_IDS_LEAF_SLOTS];

    return l && l->slot[id % DOMAIN_IDS_LEAF_SLOTS];
}

int domain_ids_add(struct domain_ids *t, void *obj, uint16_t *id)
{
    uint16_t i = t->next;
    size_t n;

    ASSERT(obj);
    if (t->count >= DOMAIN_IDS_END - 1)
        return -ERR_NOSPC;
    while (taken(t, i)) /* ends: some id is free */
        i = after(i);
    n = i / DOMAIN_IDS_LEAF_SLOTS;
    if (!t->leaf[n]) {
        struct domain_ids_leaf *l = domain_ids_env_leaf_alloc();
        if (!l)
            return -ERR_NOMEM;
        __atomic_store_n(&t->leaf[n], l, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&t->leaf[n]->slot[i % DOMAIN_IDS_LEAF_SLOTS], obj, __ATOMIC_RELEASE);
    t->used[n]++;
    t->count++;
    t->next = after(i);
    *id = i;
    return 0;
}

void domain_ids_remove(struct domain_ids *t, uint16_t id)
{
    size_t n = id / DOMAIN_IDS_LEAF_SLOTS;
    struct domain_ids_leaf *l;

    ASSERT(id > 0 && id < DOMAIN_IDS_END && taken(t, id));
    l = t->leaf[n];
    __atomic_store_n(&l->slot[id % DOMAIN_IDS_LEAF_SLOTS], NULL, __ATOMIC_RELEASE);
    t->count--;
    if (--t->used[n] == 0) {
        __atomic_store_n(&t->leaf[n], NULL, __ATOMIC_RELEASE);
        domain_ids_env_leaf_retire(l);
    }
}

void *domain_ids_find(const struct domain_ids *t, uint16_t id)
{
    const struct domain_ids_leaf *l;

    if (id == 0 || id >= DOMAIN_IDS_END)
        return NULL;
    id = (uint16_t)index_nospec(id, DOMAIN_IDS_END);
    l = __atomic_load_n(&t->leaf[id / DOMAIN_IDS_LEAF_SLOTS], __ATOMIC_ACQUIRE);
    return l ? __atomic_load_n(&l->slot[id % DOMAIN_IDS_LEAF_SLOTS], __ATOMIC_ACQUIRE) : NULL;
}
