/* SPDX-License-Identifier: MIT */
/*
 * The builder's record of inherited domains (domains/builder/adopt.c) on
 * a small model of the core as the builder (d1) sees it: domains with
 * controllers and states, MGMT_DOMAIN_LIST in pages of 64, INFO, and
 * HANDOVER with the core's checks; a controller's death hands its
 * domains to its own controller, as core/domain/domain.c's
 * orphan_children does. Every call the model would refuse for its
 * fields is counted, and must stay 0.
 */
#include "adopt.h"

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "idl/xen_errno.h"

#define BUILDER       1
#define MODEL_DOMAINS 200

struct model_domain {
    bool exists;
    uint16_t controller;
    uint32_t state, reason;
    bool control_cap;
    char name[32];
};

static struct {
    struct model_domain d[MODEL_DOMAINS];
    unsigned bad_calls, lists;
    bool fail_list; /* the next lists are refused (as without the capability) */
    char lines[16384];
} m;

static void model_init(void)
{
    memset(&m, 0, sizeof(m));
    m.d[BUILDER] = (struct model_domain){ true, 0, MGMT_STATE_RUNNING, 0, true, "builder" };
}

static void model_add(uint16_t id, const char *name, uint16_t controller, bool control_cap)
{
    m.d[id] = (struct model_domain){ true, controller, MGMT_STATE_RUNNING, 0, control_cap, "" };
    snprintf(m.d[id].name, sizeof(m.d[id].name), "%s", name);
}

/* id dies: the domains it controlled go to its controller (the core's
 * orphan_children), then it is gone. */
static void model_kill(uint16_t id)
{
    for (unsigned i = 0; i < MODEL_DOMAINS; i++)
        if (m.d[i].exists && m.d[i].controller == id)
            m.d[i].controller = m.d[id].controller;
    m.d[id].exists = false;
}

static bool mine(uint16_t id)
{
    return id < MODEL_DOMAINS && m.d[id].exists && m.d[id].controller == BUILDER;
}

static long model_mgmt(void *ctx, uint32_t cmd, void *arg, size_t size)
{
    (void)ctx;
    switch (cmd) {
    case MGMT_DOMAIN_LIST: {
        struct mgmt_domain_list *l = arg;
        if (size != sizeof(*l) || l->reserved0) {
            m.bad_calls++;
            return -XEN_EINVAL;
        }
        if (m.fail_list)
            return -XEN_EPERM;
        m.lists++;
        l->nr = 0;
        for (unsigned i = l->first; i < MODEL_DOMAINS && l->nr < MGMT_DOMAIN_LIST_MAX; i++)
            if (mine((uint16_t)i))
                l->domids[l->nr++] = (uint16_t)i;
        return 0;
    }
    case MGMT_DOMAIN_INFO: {
        struct mgmt_domain_info *i = arg;
        if (size != sizeof(*i) || i->reserved0) {
            m.bad_calls++;
            return -XEN_EINVAL;
        }
        if (i->domid >= MODEL_DOMAINS || !m.d[i->domid].exists)
            return -XEN_ESRCH;
        if (!mine(i->domid))
            return -XEN_EPERM;
        i->state = m.d[i->domid].state;
        i->shutdown_reason = m.d[i->domid].reason;
        memcpy(i->name, m.d[i->domid].name, sizeof(i->name));
        return 0;
    }
    case MGMT_DOMAIN_HANDOVER: {
        struct mgmt_domain_handover *h = arg;
        if (size != sizeof(*h) || h->reserved[0] || h->reserved[1] || h->to == h->domid) {
            m.bad_calls++;
            return -XEN_EINVAL;
        }
        if (h->domid >= MODEL_DOMAINS || !m.d[h->domid].exists)
            return -XEN_ESRCH;
        if (!mine(h->domid))
            return -XEN_EPERM;
        if (h->to >= MODEL_DOMAINS || !m.d[h->to].exists)
            return -XEN_ESRCH;
        if (!m.d[h->to].control_cap) {
            m.bad_calls++;
            return -XEN_EINVAL;
        }
        m.d[h->domid].controller = h->to;
        return 0;
    }
    default: m.bad_calls++; return -XEN_ENOSYS;
    }
}

static void model_log(void *ctx, const char *line)
{
    size_t n = strlen(m.lines);

    (void)ctx;
    snprintf(m.lines + n, sizeof(m.lines) - n, "%s\n", line);
}

static const struct adopt_env env = { model_mgmt, model_log, NULL, NULL };
static struct adopt a;

/* The builder's watched instances: xenstored d2 and whatever is in it. */
static uint16_t watched[4];

static bool own(void *arg, uint16_t domid)
{
    (void)arg;
    for (unsigned i = 0; i < 4; i++)
        if (watched[i] && watched[i] == domid)
            return true;
    return false;
}

static bool logged(const char *needle)
{
    return strstr(m.lines, needle) != NULL;
}

static const char section_control[] = "control", section_other[] = "other";

/* The boot of the scene: xenstored d2 (watched), control d3 (watched,
 * restartable), alpha d4 and beta d5 handed to control, d6 'plain', a
 * domain of the builder's that it does not watch. */
static void scene(void)
{
    model_init();
    model_add(2, "xenstored", BUILDER, false);
    model_add(3, "control", BUILDER, true);
    model_add(4, "alpha", 3, false);
    model_add(5, "beta", 3, false);
    model_add(6, "plain", BUILDER, false);
    memset(watched, 0, sizeof(watched));
    watched[0] = 2;
    watched[1] = 3;
    adopt_init(&a, &env);
    adopt_look(&a);
}

/* The builder's steps when control d3 dies: a look, its death, the
 * domains new since the look recorded (o: the builder's own test). */
static unsigned control_gone(bool (*o)(void *arg, uint16_t domid))
{
    adopt_look(&a);
    model_kill(3);
    watched[1] = 0;
    return adopt_from(&a, section_control, "control", o, NULL);
}

/* The builder's steps when watched[1] dies and is restarted as next. */
static unsigned die_and_restart(uint16_t dead, uint16_t next)
{
    adopt_look(&a);
    model_kill(dead);
    watched[1] = 0;
    unsigned n = adopt_from(&a, section_control, "control", own, NULL);
    model_add(next, "control", BUILDER, true);
    watched[1] = next;
    EXPECT_EQ(adopt_give_back(&a, section_control, next, "control"), n);
    return n;
}

TEST(dead_instance_domains_go_to_the_next)
{
    scene();
    EXPECT_EQ(die_and_restart(3, 7), 2);
    EXPECT_EQ(m.d[4].controller, 7);
    EXPECT_EQ(m.d[5].controller, 7);
    EXPECT_EQ(m.d[6].controller, BUILDER); /* the builder's already: not control's */
    EXPECT_EQ(m.d[2].controller, BUILDER);
    EXPECT_TRUE(logged("builder: d4 'alpha' adopted from 'control', which is gone; held for its next instance"));
    EXPECT_TRUE(logged("builder: d4 'alpha' handed back to d7 'control'\n"));
    EXPECT_TRUE(logged("builder: d5 'beta' handed back to d7 'control'\n"));
    EXPECT_TRUE(strstr(m.lines, "d4 'alpha' handed back") < strstr(m.lines, "d5 'beta' handed back")); /* by id */
    EXPECT_EQ(a.nheld, 0);
    EXPECT_FALSE(adopt_held_for(&a, 4));
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(shut_down_meanwhile_goes_back_too)
{
    scene();
    adopt_look(&a);
    model_kill(3);
    m.d[5].state = MGMT_STATE_SHUTDOWN;
    m.d[5].reason = 1; /* reboot: the new instance decides */
    EXPECT_EQ(adopt_from(&a, section_control, "control", own, NULL), 2);
    EXPECT_TRUE(adopt_held_for(&a, 5));
    model_add(7, "control", BUILDER, true);
    EXPECT_EQ(adopt_give_back(&a, section_control, 7, "control"), 2);
    EXPECT_EQ(m.d[5].controller, 7);
    EXPECT_TRUE(logged("builder: d5 'beta' handed back to d7 'control' (shut down meanwhile: it acts on that)"));
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(crashes_again_and_again_then_given_up)
{
    scene();
    EXPECT_EQ(die_and_restart(3, 7), 2);
    EXPECT_EQ(die_and_restart(7, 8), 2);
    EXPECT_EQ(die_and_restart(8, 9), 2);
    EXPECT_EQ(m.d[4].controller, 9);
    /* The last crash: not restarted (the builder's RESTART_LIMIT). */
    adopt_look(&a);
    model_kill(9);
    watched[1] = 0;
    EXPECT_EQ(adopt_from(&a, section_control, "control", own, NULL), 2);
    adopt_forget(&a, section_control, "control");
    EXPECT_EQ(a.nheld, 0);
    EXPECT_EQ(m.d[4].controller, BUILDER);
    EXPECT_EQ(m.d[5].controller, BUILDER);
    EXPECT_TRUE(logged("builder: d4, held for 'control', stays the builder's: 'control' is not restarted"));
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(gone_before_the_new_instance_stays_out)
{
    scene();
    EXPECT_EQ(control_gone(own), 2);
    m.d[4].exists = false; /* destroyed meanwhile */
    model_add(7, "control", BUILDER, true);
    EXPECT_EQ(adopt_give_back(&a, section_control, 7, "control"), 1);
    EXPECT_TRUE(logged("handing it back to d7 'control' refused (error -3); the builder keeps it"));
    EXPECT_EQ(m.d[5].controller, 7);
    EXPECT_EQ(a.nheld, 0);
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(each_section_gets_its_own)
{
    scene();
    model_add(10, "other", BUILDER, true);
    model_add(11, "gamma", 10, false);
    watched[2] = 10;
    adopt_look(&a);
    model_kill(10);
    watched[2] = 0;
    EXPECT_EQ(adopt_from(&a, section_other, "other", own, NULL), 1);
    EXPECT_EQ(die_and_restart(3, 12), 2); /* control's: not gamma */
    EXPECT_EQ(m.d[11].controller, BUILDER);
    EXPECT_TRUE(adopt_held_for(&a, 11));
    model_add(13, "other", BUILDER, true);
    EXPECT_EQ(adopt_give_back(&a, section_other, 13, "other"), 1);
    EXPECT_EQ(m.d[11].controller, 13);
    EXPECT_EQ(m.d[4].controller, 12);
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(a_restarted_watched_instance_is_not_adopted)
{
    /* In one turn the builder may restart one section, then find another
     * gone: the new instance is its own, not the dead one's. */
    scene();
    adopt_look(&a);
    model_add(7, "xenstored", BUILDER, false); /* xenstored restarted as d7 */
    m.d[2].exists = false;
    watched[0] = 7;
    model_kill(3);
    watched[1] = 0;
    EXPECT_EQ(adopt_from(&a, section_control, "control", own, NULL), 2);
    EXPECT_FALSE(adopt_held_for(&a, 7));
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(many_domains_page_and_overflow)
{
    scene();
    for (uint16_t i = 20; i < 20 + ADOPT_HELD_MAX + 6; i++) {
        char name[16];
        snprintf(name, sizeof(name), "g%u", i);
        model_add(i, name, 3, false);
    }
    m.lists = 0;
    EXPECT_EQ(control_gone(own), ADOPT_HELD_MAX);
    EXPECT_EQ(m.lists, 3); /* the look, then 74 domains of the builder's: two pages */
    EXPECT_TRUE(logged("stays the builder's: 64 held already"));
    model_add(150, "control", BUILDER, true);
    EXPECT_EQ(adopt_give_back(&a, section_control, 150, "control"), ADOPT_HELD_MAX);
    unsigned back = 0, kept = 0;
    for (unsigned i = 0; i < MODEL_DOMAINS; i++) {
        if (!m.d[i].exists || i < 4 || i == 6 || i == 150)
            continue;
        back += m.d[i].controller == 150;
        kept += m.d[i].controller == BUILDER;
    }
    EXPECT_EQ(back, ADOPT_HELD_MAX); /* alpha and beta among the first 64, by id */
    EXPECT_EQ(m.d[4].controller, 150);
    EXPECT_EQ(kept, 8);
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(look_drops_what_is_gone)
{
    scene();
    EXPECT_EQ(control_gone(NULL), 2);
    m.d[4].exists = false;
    adopt_look(&a);
    EXPECT_FALSE(adopt_held_for(&a, 4));
    EXPECT_TRUE(adopt_held_for(&a, 5));
    EXPECT_EQ(adopt_from(&a, section_control, "control", NULL, NULL), 0); /* nothing new since the look */
    EXPECT_EQ(m.bad_calls, 0);
}

TEST(a_failed_look_keeps_the_last)
{
    scene();
    m.fail_list = true;
    adopt_look(&a); /* refused: what the scene's look saw stands */
    m.fail_list = false;
    model_kill(3);
    watched[1] = 0;
    EXPECT_EQ(adopt_from(&a, section_control, "control", own, NULL), 2);
    EXPECT_FALSE(adopt_held_for(&a, 6)); /* the builder's before: not control's */
    EXPECT_EQ(m.bad_calls, 0);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(dead_instance_domains_go_to_the_next), TEST_ENTRY(shut_down_meanwhile_goes_back_too),
        TEST_ENTRY(crashes_again_and_again_then_given_up), TEST_ENTRY(gone_before_the_new_instance_stays_out),
        TEST_ENTRY(each_section_gets_its_own), TEST_ENTRY(a_restarted_watched_instance_is_not_adopted),
        TEST_ENTRY(many_domains_page_and_overflow), TEST_ENTRY(look_drops_what_is_gone),
        TEST_ENTRY(a_failed_look_keeps_the_last), TEST_END });
}
