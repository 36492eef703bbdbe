/* SPDX-License-Identifier: MIT */
/*
 * The fake guest and netdrv parts of netback_fake.h.
 */
#include "netback_fake.h"

#include <stdio.h>
#include <string.h>

#include "idl/gnttab.h"
#include "idl/xen_errno.h"
#include "offload.h"
#include "switch.h"

struct nb_fake *nb_fake;

void nb_fake_init(struct nb_fake *f)
{
    memset(f, 0, sizeof(*f));
    nb_fake = f;
}

void nb_fake_grant(struct nb_fake *f, uint32_t ref, bool readonly, uint8_t fill)
{
    f->granted[ref] = true;
    f->readonly[ref] = readonly;
    memset(f->page[ref], fill, sizeof(f->page[ref]));
}

static int16_t fake_copy_one(struct nb_fake *f, const struct netback_copy *c)
{
    uintptr_t local = (uintptr_t)c->local;

    if (c->len == 0 || (local & 4095u) + c->len > 4096u || (unsigned)c->offset + c->len > 4096u) {
        f->bad_copies++;
        return GNTST_general_error;
    }
    if (c->gref >= NB_FAKE_GRANTS || !f->granted[c->gref])
        return GNTST_bad_gntref;
    if (c->to_guest && f->readonly[c->gref])
        return GNTST_permission_denied;
    if (c->to_guest)
        memcpy(&f->page[c->gref][c->offset], c->local, c->len);
    else
        memcpy(c->local, &f->page[c->gref][c->offset], c->len);
    return GNTST_okay;
}

static void fake_copy(void *ctx, uint16_t domid, struct netback_copy *c, unsigned n)
{
    struct nb_fake *f = ctx;

    (void)domid;
    f->copy_calls++;
    for (unsigned i = 0; i < n; i++) {
        f->copies++;
        c[i].status = fake_copy_one(f, &c[i]);
    }
}

static void fake_log(void *ctx, const char *line)
{
    struct nb_fake *f = ctx;

    if (f->nlog < NB_FAKE_LOG_LINES)
        snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%s", line);
}

const struct netback_env nb_fake_env = { .copy = fake_copy, .log = fake_log };

void nb_fake_inputs_put(struct nb_fake *f)
{
    for (unsigned i = 0; i < f->ninput; i++)
        pkt_put(f->input[i]);
    f->ninput = 0;
}

bool nb_fake_log_has(const struct nb_fake *f, const char *needle)
{
    for (unsigned i = 0; i < f->nlog; i++)
        if (strstr(f->log[i], needle))
            return true;
    return false;
}

void switch_input(int port, struct pkt *p)
{
    if (!nb_fake || nb_fake->ninput >= NB_FAKE_INPUT_MAX) {
        if (nb_fake)
            nb_fake->input_lost++;
        pkt_put(p);
        return;
    }
    p->in_port = (uint16_t)port;
    nb_fake->input_port[nb_fake->ninput] = port;
    nb_fake->input[nb_fake->ninput++] = p;
}

/* TCP over IPv4 without options in an untagged frame: enough to place a
 * checksum for the tests; anything else is refused as offload.c would
 * refuse what it cannot read. */
int offload_csum_setup(struct pkt *p)
{
    if (nb_fake)
        nb_fake->csum_setups++;
    if ((nb_fake && nb_fake->csum_setup_fails) || p->len < 14 + 20 + 20 || p->data[12] != 0x08 || p->data[13] != 0 ||
        p->data[14 + 9] != 6)
        return -XEN_EINVAL;
    p->flags |= PKT_CSUM_PARTIAL;
    p->csum_start = 14 + 20;
    p->csum_offset = 16;
    return 0;
}

int offload_csum_complete(struct pkt *p)
{
    if (nb_fake)
        nb_fake->csum_completes++;
    if (!(p->flags & PKT_CSUM_PARTIAL) || (uint32_t)p->csum_start + p->csum_offset + 2 > p->len)
        return -XEN_EINVAL;
    p->flags = (uint16_t)((p->flags & ~PKT_CSUM_PARTIAL) | PKT_CSUM_VALID);
    return 0;
}
