/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the nested page tables (npt.h) under a sequence of map,
 * unmap, lookup, destroy-and-recreate and pool-limit operations with
 * guest-chosen addresses (layout in fuzz.h). Every operation runs against
 * the reference model of tests/unit/npt_model.c, which compares results
 * and, after each step, the table and owned-frame counts with the fake
 * pool's, and every mapping it holds with a lookup.
 */
#include "core/npt.h"
#include "fuzz.h"
#include "npt_model.h"

#define NPT_FUZZ_STEPS 256 /* operations per input: a check looks up every mapping */

static uint64_t read_gpa(struct fuzz_in *in, uint8_t op)
{
    if (op & FUZZ_NPT_NEAR)
        return fuzz_uint(in, 2) << (12 + 9 * ((op >> 4) & 3));
    return fuzz_u64(in);
}

static const char *step(struct npt *n, struct fuzz_in *in)
{
    uint8_t op = fuzz_u8(in);
    uint64_t gpa;
    unsigned flags;

    switch (op & 7) {
    case 0:
        gpa = read_gpa(in, op);
        flags = fuzz_u8(in);
        return npt_model_map(n, gpa, fuzz_u64(in), flags);
    case 1: return npt_model_unmap(n, read_gpa(in, op));
    case 2: return npt_model_lookup(n, read_gpa(in, op));
    case 3: {
        const char *r = npt_model_destroy(n);

        return r ? r : npt_model_create(n);
    }
    case 4: npt_model_set_limit(fuzz_uint(in, 2) % (NPT_MODEL_FRAMES + 1)); return NULL;
    case 5: gpa = npt_model_gpa(fuzz_u8(in)); return npt_model_map(n, gpa, 0x1000, fuzz_u8(in));
    case 6: return npt_model_unmap(n, npt_model_gpa(fuzz_u8(in)));
    default: gpa = npt_model_gpa(fuzz_u8(in)); return npt_model_lookup(n, gpa | (fuzz_uint(in, 2) & 0xfff));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct npt n;
    struct fuzz_in in = { data, size };
    const char *r;

    npt_model_reset(&n, fuzz_uint(&in, 2) % (NPT_MODEL_FRAMES + 1));
    r = npt_model_create(&n);
    for (unsigned i = 0; !r && in.left && i < NPT_FUZZ_STEPS; i++) {
        r = step(&n, &in);
        if (!r)
            r = npt_model_check(&n);
    }
    if (!r)
        r = npt_model_destroy(&n);
    if (r)
        fuzz_fail(__FILE__, __LINE__, r);
    return 0;
}
