/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the byte rings of the console page (mosaic/bytering.h,
 * domains/runtime/bytering.c) as the console domain uses them, with the
 * guest's side under the input's control. Each operation (layout in
 * fuzz.h) is either the guest publishing any index or bytes, or the
 * console domain reading, peeking or writing; every result is compared
 * with the plain rule of Xen's io/console.h: a ring whose producer is more
 * than its size ahead of the consumer is broken (nothing moves), otherwise
 * min(len, prod - cons) bytes move from (index & (size - 1)). The page is
 * malloc'ed at its exact size: an access outside it is an ASan report.
 */
#include <stdlib.h>
#include <string.h>

#include "mosaic/bytering.h"

#include "fuzz.h"
#include "idl/console.h"

FUZZ_ORACLE static void check_read(struct xencons_interface *p, const struct bytering *r, size_t len, bool consume)
{
    static char want[XENCONS_OUT_SIZE + 64], got[XENCONS_OUT_SIZE + 64];
    uint32_t prod = p->out_prod, cons = p->out_cons, avail = prod - cons;
    size_t n = len < avail ? len : avail;
    struct xencons_interface before = *p;
    long r2;

    for (size_t i = 0; avail <= XENCONS_OUT_SIZE && i < n; i++)
        want[i] = p->out[(cons + i) & (XENCONS_OUT_SIZE - 1)];
    r2 = consume ? bytering_read(r, got, len) : bytering_peek(r, got, len);
    if (avail > XENCONS_OUT_SIZE) {
        FUZZ_CHECK(r2 == BYTERING_BROKEN && memcmp(&before, p, sizeof(before)) == 0);
        return;
    }
    FUZZ_CHECK(r2 == (long)n && memcmp(want, got, n) == 0);
    FUZZ_CHECK(p->out_cons == (consume ? cons + (uint32_t)n : cons) && p->out_prod == prod);
}

FUZZ_ORACLE static void check_write(struct xencons_interface *p, const struct bytering *r, const char *src, size_t len)
{
    uint32_t prod = p->in_prod, cons = p->in_cons, used = prod - cons;
    size_t n = used > XENCONS_IN_SIZE ? 0 : XENCONS_IN_SIZE - used;
    struct xencons_interface before = *p;
    long w = bytering_write(r, src, len);

    if (used > XENCONS_IN_SIZE) {
        FUZZ_CHECK(w == BYTERING_BROKEN && memcmp(&before, p, sizeof(before)) == 0);
        return;
    }
    n = len < n ? len : n;
    FUZZ_CHECK(w == (long)n && p->in_prod == prod + (uint32_t)n && p->in_cons == cons);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(p->in[(prod + i) & (XENCONS_IN_SIZE - 1)] == src[i]);
    FUZZ_CHECK(bytering_used(r) == (long)(used + n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct xencons_interface *p = malloc(sizeof(*p));
    struct bytering out, inr;
    char src[XENCONS_IN_SIZE + 64];

    if (!p)
        abort();
    memset(p, 0, sizeof(*p));
    out = (struct bytering){ p->out, XENCONS_OUT_SIZE, &p->out_prod, &p->out_cons };
    inr = (struct bytering){ p->in, XENCONS_IN_SIZE, &p->in_prod, &p->in_cons };
    p->out_prod = p->out_cons = p->in_prod = p->in_cons = fuzz_u32(&in);
    while (in.left) {
        uint8_t op = fuzz_u8(&in);
        size_t len = fuzz_uint(&in, 2) % (sizeof(src) + 1);
        switch (op % 6) {
        case 0: p->out_prod = fuzz_u32(&in); break; /* the guest's indices: anything */
        case 1: p->in_cons = fuzz_u32(&in); break;
        case 2: /* the guest produces len bytes where it likes */
            for (size_t i = 0; i < len; i++)
                p->out[(p->out_prod + i) & (XENCONS_OUT_SIZE - 1)] = (char)fuzz_u8(&in);
            p->out_prod += (uint32_t)len;
            break;
        case 3: check_read(p, &out, len, true); break;
        case 4: check_read(p, &out, len, false); break;
        default:
            for (size_t i = 0; i < len; i++)
                src[i] = (char)fuzz_u8(&in);
            check_write(p, &inr, src, len);
            break;
        }
    }
    free(p);
    return 0;
}
