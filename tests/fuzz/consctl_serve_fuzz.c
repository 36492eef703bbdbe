/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the console domain's answers on the console channel
 * (domains/console/serve.c). The input (layout in fuzz.h) writes a
 * guest's log and sends request entries whose every byte it chooses, as
 * a client's ring slot would hold them; each answer is checked against
 * idl/consctl.idl: the id echoed, an error only of those listed and
 * nothing done for it, the output the log's own bytes from the position
 * the answer names, no byte past out_len, input taken only as far as
 * the ring had room and never for a closed console.
 */
#include <string.h>

#include "consctl_fake.h"
#include "fuzz.h"
#include "idl/xen_errno.h"

static struct consctl_request q;
static struct consctl_response rsp;

FUZZ_ORACLE static void check(const struct consfake_guest *g, size_t in_before)
{
    bool ok_req =
        q.op == CONSCTL_OP_CONSOLE && q.in_len <= CONSCTL_IN_MAX && q.max_out <= CONSCTL_OUT_MAX && q.reserved == 0;
    uint64_t kept = g->logged < CONSCTL_LOG_KEPT ? g->logged : CONSCTL_LOG_KEPT;
    uint64_t oldest = g->logged - kept, start = rsp.next - rsp.out_len;

    FUZZ_CHECK(rsp.id == q.id && rsp.reserved == 0);
    for (size_t i = rsp.out_len; i < sizeof(rsp.out); i++)
        FUZZ_CHECK(rsp.out[i] == 0);
    if (q.op != CONSCTL_OP_CONSOLE) {
        FUZZ_CHECK(rsp.status == -XEN_ENOSYS);
    } else if (!ok_req) {
        FUZZ_CHECK(rsp.status == -XEN_EINVAL);
    } else if (q.domid != g->domid) {
        FUZZ_CHECK(rsp.status == -XEN_ESRCH);
    } else {
        FUZZ_CHECK(rsp.status == 0 && rsp.out_len <= q.max_out && rsp.next >= rsp.out_len);
        FUZZ_CHECK(start >= oldest && rsp.next <= g->logged);
        FUZZ_CHECK(start == (q.pos > g->logged || q.pos < oldest ? oldest : q.pos));
        FUZZ_CHECK(rsp.lost == (q.pos < oldest ? (oldest - q.pos > UINT32_MAX ? UINT32_MAX : oldest - q.pos) : 0));
        FUZZ_CHECK(rsp.out_len == (g->logged - start < q.max_out ? g->logged - start : q.max_out));
        for (size_t i = 0; i < rsp.out_len; i++)
            FUZZ_CHECK(rsp.out[i] == (uint8_t)g->log[(start + i) % CONSCTL_LOG_KEPT]);
        FUZZ_CHECK(rsp.in_taken <= q.in_len && g->in_len == in_before + rsp.in_taken);
        FUZZ_CHECK(!g->closed || rsp.in_taken == 0);
        FUZZ_CHECK(g->closed ||
                   rsp.in_taken == (q.in_len < CONSFAKE_IN - in_before ? q.in_len : CONSFAKE_IN - in_before));
        FUZZ_CHECK(!memcmp(g->in + in_before, q.in, rsp.in_taken));
        return;
    }
    FUZZ_CHECK(rsp.out_len == 0 && rsp.in_taken == 0 && rsp.next == 0 && rsp.lost == 0);
    FUZZ_CHECK(g->in_len == in_before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct serve_env env = consfake_env();
    struct consfake_guest *g;
    char text[256];

    consfake_reset();
    g = consfake_add(fuzz_u8(&in) % 4);
    g->logged = fuzz_u64(&in) & 0xffffffffffull; /* a log with a long past */
    while (in.left) {
        uint8_t op = fuzz_u8(&in);
        if (op & 1) { /* the guest writes */
            size_t n = fuzz_u8(&in);
            for (size_t i = 0; i < n; i++)
                text[i] = (char)fuzz_u8(&in);
            for (unsigned k = 0; k <= (op >> 1) % 32u; k++) /* repeated: the log wraps soon */
                consfake_write(g, text, n);
            continue;
        }
        g->closed = (op & 2) != 0;
        if (op & 4)
            g->in_len = 0; /* the guest read its input */
        /* A request slot: every byte the client's. */
        for (size_t i = 0; i < sizeof(q); i++)
            ((uint8_t *)&q)[i] = fuzz_u8(&in);
        if (op & 8) { /* mostly well-formed, so that the answers are reached */
            q.op = CONSCTL_OP_CONSOLE;
            q.domid = g->domid;
            q.reserved = 0;
            q.in_len %= CONSCTL_IN_MAX + 1;
            q.max_out %= CONSCTL_OUT_MAX + 1;
            if (op & 16)
                q.pos = g->logged - (q.pos % (CONSCTL_LOG_KEPT * 2));
        }
        size_t in_before = g->in_len;
        serve_request(&env, &q, &rsp);
        check(g, in_before);
    }
    return 0;
}
