/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the block back end's request engine (domains/blkdrv/
 * blkback.c, blkreq.c) with the whole front end under the input's
 * control: the ring page's indices and slots, the grants (given or not,
 * read-only or not, their contents: indirect segment pages), and when the
 * disk finishes, in which order. Checked: every step the disk is asked
 * for lies inside the disk with a size a whole number of sectors; the
 * engine never answers more than it took nor touches the ring once it
 * found it broken; every buffer comes back. The page is malloc'ed at its
 * exact size. Each operation is an opcode byte (low 3 bits):
 *   0 slot k (u8) gets 112 bytes     1 req_prod = u32        2 req_prod += u8 % 40
 *   3 poll                           4 disk finishes u8 steps, newest first if bit 3
 *   5 grant ref u8 % FAKE_GRANTS (flags u8), its first 64 bytes from the input
 *   6 rsp_event = u32                7 stop, restart on the same page (takeover)
 */
#include <stdlib.h>
#include <string.h>

#include "blkback.h"

#include "blkback_fake.h"
#include "fuzz.h"

#define FUZZ_SECTORS 256u

FUZZ_ORACLE static void check_conn(const struct blkback_conn *c, const struct fake_env *e)
{
    FUZZ_CHECK(e->bad_submits == 0);
    FUZZ_CHECK((uint32_t)(c->ring.req_cons - c->ring.rsp_prod_pvt) <= BLKIF_RING_SIZE);
    FUZZ_CHECK(c->ring.rsp_pushed == c->ring.rsp_prod_pvt || c->stopped);
    FUZZ_CHECK(c->busy == e->ninflight || c->stopped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fake_env env; /* large: not on the stack */
    static struct blkback_conn conn;
    struct fuzz_in in = { data, size };
    struct fake_image img;
    struct blkif_sring *sring = malloc(sizeof(*sring));
    struct blkif_sring frozen;
    struct blkreq_disk geometry;
    uint8_t flags = fuzz_u8(&in);

    if (!sring)
        abort();
    memset(sring, 0, sizeof(*sring));
    sring->req_prod = sring->rsp_prod = fuzz_u32(&in); /* any start */
    fake_image_init(&img, FUZZ_SECTORS);
    fake_env_init(&env, &img);
    env.limit = 1 + (flags & 7u);
    geometry = (struct blkreq_disk){ flags & 0x10 ? 64 : 0, flags & 0x10 ? 128 : FUZZ_SECTORS, (flags & 0x20) != 0,
                                     (flags & 0x40) == 0 };
    blkback_conn_init(&conn, &fake_blkback_env, &env, NULL, &geometry, 3, flags & 0x80 ? 32 : 11, sring, "d3 768");
    while (in.left) {
        uint8_t op = fuzz_u8(&in);
        switch (op & 7u) {
        case 0: {
            unsigned k = fuzz_u8(&in) % BLKIF_RING_SIZE;
            uint8_t *slot = (uint8_t *)&sring->ring[k];
            for (size_t i = 0; i < sizeof(sring->ring[k]); i++)
                slot[i] = fuzz_u8(&in);
            break;
        }
        case 1: sring->req_prod = fuzz_u32(&in); break;
        case 2: sring->req_prod += fuzz_u8(&in) % 40u; break;
        case 3: {
            bool was_stopped = conn.stopped;
            if (was_stopped)
                frozen = *sring;
            int r = blkback_conn_poll(&conn);
            FUZZ_CHECK(r == 0 || r == 1 || r == IDL_RING_BROKEN);
            if (r == IDL_RING_BROKEN)
                blkback_conn_stop(&conn);
            if (was_stopped)
                FUZZ_CHECK(r == 0 && memcmp(&frozen, sring, sizeof(frozen)) == 0);
            break;
        }
        case 4: fake_disk_run(&env, fuzz_u8(&in), (op & 8u) != 0); break;
        case 5: {
            uint32_t ref = fuzz_u8(&in) % FAKE_GRANTS;
            uint8_t f = fuzz_u8(&in);
            env.granted[ref] = f & 1;
            env.readonly[ref] = (f & 2) != 0;
            for (unsigned i = 0; i < 64; i++)
                env.page[ref][i] = fuzz_u8(&in);
            break;
        }
        case 6: sring->rsp_event = fuzz_u32(&in); break;
        default:
            /* The instance goes; a new one takes the page up where it stands. */
            blkback_conn_stop(&conn);
            fake_disk_run(&env, 0, false);
            FUZZ_CHECK(blkback_conn_idle(&conn));
            blkback_conn_release(&conn);
            blkback_conn_init(&conn, &fake_blkback_env, &env, NULL, &geometry, 3, 32, sring, "d3 768");
            break;
        }
        check_conn(&conn, &env);
    }
    blkback_conn_stop(&conn);
    fake_disk_run(&env, 0, false);
    FUZZ_CHECK(blkback_conn_idle(&conn));
    blkback_conn_release(&conn);
    FUZZ_CHECK(env.bufs == 0);
    fake_image_free(&img);
    free(sring);
    return 0;
}
