/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: what a build service client puts before the builder, a
 * ring entry (struct build_request, the input's first 32 bytes) and a
 * spec page (struct build_spec, the next 4096; missing bytes are zero),
 * each in an exact-size heap copy; buildreq_check_request and
 * buildreq_decode (domains/builder/buildreq.c, with lib/xl's disk and vif
 * parsers). Every answer must be the one the reference of the unit test
 * gives (tests/unit/buildreq_model.c: the rules of idl/build.idl written
 * out plainly), with a reason that is one terminated printable line
 * starting with its field; an accepted spec must decode to exactly what
 * it says; a second decode must give the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "buildreq.h"
#include "buildreq_model.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct buildreq_plan plan, again;
    struct build_request *req = calloc(1, sizeof(*req));
    struct build_spec *spec = calloc(1, sizeof(*spec));
    struct construct_failure err, err2;
    struct buildreq_expect want;
    size_t n = size < sizeof(*req) ? size : sizeof(*req);
    int r;

    if (!req || !spec)
        abort();
    memcpy(req, data, n);
    if (size > n)
        memcpy(spec, data + n, size - n < sizeof(*spec) ? size - n : sizeof(*spec));
    r = buildreq_check_request(req, &err);
    want = buildreq_model_request(req);
    FUZZ_CHECK(r == want.status && (r == 0 || (err.field == want.field && err.err == r)));
    r = buildreq_decode(spec, &plan, &err);
    FUZZ_CHECK(buildreq_model_check(spec, r, &plan, &err) == NULL);
    FUZZ_CHECK(buildreq_decode(spec, &again, &err2) == r);
    FUZZ_CHECK(r ? !memcmp(&err, &err2, sizeof(err)) : !memcmp(&plan, &again, sizeof(plan)));
    free(spec);
    free(req);
    return 0;
}
