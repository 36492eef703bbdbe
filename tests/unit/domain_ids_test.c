/* SPDX-License-Identifier: MIT */
/* The domain id table: ids rotate and are never given twice at once,
 * lookups find exactly what was added, a leaf frame exists exactly while
 * one of its ids is taken, and a refused add changes nothing. A random
 * model checks every id after each step. */
#include "core/domain_ids.h"

#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "harness.h"

static unsigned leaves_live, leaves_retired;
static bool leaf_alloc_fails;

struct domain_ids_leaf *domain_ids_env_leaf_alloc(void)
{
    if (leaf_alloc_fails)
        return NULL;
    leaves_live++;
    return calloc(1, sizeof(struct domain_ids_leaf));
}

void domain_ids_env_leaf_retire(struct domain_ids_leaf *leaf)
{
    for (size_t i = 0; i < DOMAIN_IDS_LEAF_SLOTS; i++)
        if (leaf->slot[i])
            test_fail(__FILE__, __LINE__, "a leaf retired with slot %zu in use", i);
    leaves_live--;
    leaves_retired++;
    free(leaf);
}

static struct domain_ids t;
static char objs[DOMAIN_IDS_END]; /* objects: &objs[id] for the domain with that id */

static void reset(void)
{
    domain_ids_init(&t);
    leaves_live = leaves_retired = 0;
    leaf_alloc_fails = false;
}

static uint16_t add(void *obj)
{
    uint16_t id = 0;

    EXPECT_EQ(domain_ids_add(&t, obj, &id), 0);
    return id;
}

static void remove_all(void)
{
    for (unsigned id = 1; id < DOMAIN_IDS_END; id++)
        if (domain_ids_find(&t, (uint16_t)id))
            domain_ids_remove(&t, (uint16_t)id);
    EXPECT_EQ(leaves_live, 0);
}

TEST(ids_start_at_one_and_are_found)
{
    reset();
    EXPECT_EQ(add(&objs[1]), 1);
    EXPECT_EQ(add(&objs[2]), 2);
    EXPECT_TRUE(domain_ids_find(&t, 1) == &objs[1]);
    EXPECT_TRUE(domain_ids_find(&t, 2) == &objs[2]);
    EXPECT_TRUE(domain_ids_find(&t, 3) == NULL);
    EXPECT_TRUE(domain_ids_find(&t, 0) == NULL);
    EXPECT_TRUE(domain_ids_find(&t, DOMAIN_IDS_END) == NULL);
    EXPECT_TRUE(domain_ids_find(&t, UINT16_MAX) == NULL);
    remove_all();
}

TEST(a_freed_id_is_not_given_again_until_the_space_wraps)
{
    uint16_t last = 0;

    reset();
    add(&objs[1]); /* a long-lived domain keeps id 1 */
    for (unsigned i = 0; i < DOMAIN_IDS_END + 10; i++) {
        uint16_t id = add(&objs[0]);
        EXPECT_NE(id, 1);
        if (last && id != last + 1)
            EXPECT_TRUE(last == DOMAIN_IDS_END - 1 && id == 2); /* wrapped, past the one taken */
        domain_ids_remove(&t, id);
        last = id;
    }
    remove_all();
}

TEST(every_id_taken_is_nospc_and_changes_nothing)
{
    uint16_t id = 0;

    reset();
    for (unsigned i = 1; i < DOMAIN_IDS_END; i++)
        EXPECT_EQ(add(&objs[i]), i);
    EXPECT_EQ(leaves_live, DOMAIN_IDS_LEAVES);
    EXPECT_EQ(domain_ids_add(&t, &objs[0], &id), -ERR_NOSPC);
    EXPECT_EQ(id, 0);
    domain_ids_remove(&t, 77);
    EXPECT_EQ(add(&objs[77]), 77); /* the only free one */
    remove_all();
    EXPECT_EQ(leaves_retired, DOMAIN_IDS_LEAVES);
}

TEST(no_leaf_frame_is_nomem_and_changes_nothing)
{
    uint16_t id = 0;

    reset();
    for (unsigned i = 1; i < DOMAIN_IDS_LEAF_SLOTS; i++)
        add(&objs[i]);
    leaf_alloc_fails = true; /* the next id opens the second leaf */
    EXPECT_EQ(domain_ids_add(&t, &objs[0], &id), -ERR_NOMEM);
    EXPECT_EQ(domain_ids_add(&t, &objs[0], &id), -ERR_NOMEM);
    EXPECT_EQ(id, 0);
    EXPECT_EQ(leaves_live, 1);
    leaf_alloc_fails = false;
    EXPECT_EQ(add(&objs[0]), DOMAIN_IDS_LEAF_SLOTS);
    EXPECT_EQ(leaves_live, 2);
    remove_all();
}

/* Random adds and removes against a plain array of who holds each id. */
TEST(random_steps_match_a_model)
{
    static void *model[DOMAIN_IDS_END];
    uint16_t next = 1;
    unsigned count = 0;

    reset();
    memset(model, 0, sizeof(model));
    srand(11);
    for (unsigned step = 0; step < 200000; step++) {
        if (count < 3000 && rand() % 3) {
            uint16_t id = add(&objs[step % DOMAIN_IDS_END]);
            while (model[next])
                next = next + 1u >= DOMAIN_IDS_END ? 1 : (uint16_t)(next + 1u);
            if (id != next)
                test_fail(__FILE__, __LINE__, "step %u: got id %u, the model's next free is %u", step, id, next);
            model[id] = &objs[step % DOMAIN_IDS_END];
            next = id + 1u >= DOMAIN_IDS_END ? 1 : (uint16_t)(id + 1u);
            count++;
        } else if (count) {
            uint16_t id = (uint16_t)(1 + (unsigned)rand() % (DOMAIN_IDS_END - 1));
            while (!model[id])
                id = id + 1u >= DOMAIN_IDS_END ? 1 : (uint16_t)(id + 1u);
            domain_ids_remove(&t, id);
            model[id] = NULL;
            count--;
        }
        if (step % 1000 == 0 || step > 199000) {
            unsigned leaves = 0;
            for (unsigned id = 0; id <= UINT16_MAX; id++)
                if (domain_ids_find(&t, (uint16_t)id) != (id < DOMAIN_IDS_END ? model[id] : NULL))
                    test_fail(__FILE__, __LINE__, "step %u: id %u found wrongly", step, id);
            for (unsigned l = 0; l < DOMAIN_IDS_LEAVES; l++) {
                bool any = false;
                for (unsigned s = 0; s < DOMAIN_IDS_LEAF_SLOTS && l * DOMAIN_IDS_LEAF_SLOTS + s < DOMAIN_IDS_END; s++)
                    any |= model[l * DOMAIN_IDS_LEAF_SLOTS + s] != NULL;
                leaves += any;
            }
            if (leaves != leaves_live)
                test_fail(__FILE__, __LINE__, "step %u: %u leaves live, %u have ids", step, leaves_live, leaves);
        }
    }
    remove_all();
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(ids_start_at_one_and_are_found),
        TEST_ENTRY(a_freed_id_is_not_given_again_until_the_space_wraps),
        TEST_ENTRY(every_id_taken_is_nospc_and_changes_nothing),
        TEST_ENTRY(no_leaf_frame_is_nomem_and_changes_nothing),
        TEST_ENTRY(random_steps_match_a_model),
        TEST_END,
    });
}
