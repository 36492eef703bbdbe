/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the control domain's checks of the console domain's
 * responses on the console channel (verbs_console, domains/control/
 * verbs.c). The input (layout in fuzz.h) names the request (domain,
 * position, input) and supplies every byte of the response the console
 * domain "wrote" (or an error of the channel); the result must be one
 * verbs.h lists, and an answer it accepts must hold exactly the
 * response's output, with no count the request did not allow. The core
 * is the unit tests' model (control_fake.c): it never sees a call it
 * would refuse for its fields.
 */
#include <string.h>

#include "control_fake.h"
#include "fuzz.h"
#include "idl/xen_errno.h"

static struct fake_core core;
static struct consctl_response given;
static int channel; /* 0, or the channel's error */
static unsigned asked;

static int console(void *ctx, struct consctl_request *q, struct consctl_response *rsp)
{
    (void)ctx;
    asked++;
    if (channel)
        return channel;
    memcpy(rsp, &given, sizeof(given));
    rsp->id = q->id;
    return 0;
}

FUZZ_ORACLE static void check(int r, uint16_t domid, uint32_t in_len, const struct control_console_answer *a,
                              const uint8_t *out)
{
    FUZZ_CHECK(core.bad_calls == 0);
    if (r == 0) {
        FUZZ_CHECK(channel == 0 && given.status == 0 && asked == 1);
        FUZZ_CHECK(a->len == given.out_len && a->len <= CONTROL_CONSOLE_OUT_MAX && a->next == given.next &&
                   a->next >= a->len && a->lost == given.lost && a->in_taken == given.in_taken &&
                   a->in_taken <= in_len && a->domid == domid);
        FUZZ_CHECK(!memcmp(out, given.out, a->len));
        return;
    }
    if (domid == core.self) {
        FUZZ_CHECK(r == -XEN_EPERM && asked == 0);
        return;
    }
    if (channel) {
        FUZZ_CHECK(r == channel);
        return;
    }
    FUZZ_CHECK(asked == 1);
    FUZZ_CHECK(r == (given.status == -XEN_ESRCH ? -XEN_ENOENT : -XEN_EIO));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t in_bytes[CONTROL_CONSOLE_IN_MAX], out[CONTROL_CONSOLE_OUT_MAX];
    static const int errors[] = { -XEN_ENODEV, -XEN_ETIMEDOUT, -XEN_EIO };
    struct fuzz_in in = { data, size };
    struct control_console_answer a;
    struct verbs_env env;

    fake_scene(&core, MGMT_CAP_DOMAIN_CONTROL);
    env = fake_env(&core);
    env.console = console;
    while (in.left) {
        uint8_t op = fuzz_u8(&in);
        uint16_t domid = op & 1 ? core.self : 4; /* spinner, control's */
        uint64_t pos = fuzz_u64(&in);
        uint32_t in_len = fuzz_uint(&in, 2) % (CONTROL_CONSOLE_IN_MAX + 1);
        for (uint32_t i = 0; i < in_len; i++)
            in_bytes[i] = fuzz_u8(&in);
        channel = op & 0x80 ? errors[(op >> 1) % 3] : 0;
        for (size_t i = 0; i < sizeof(given); i++)
            ((uint8_t *)&given)[i] = fuzz_u8(&in);
        if (op & 0x20) { /* a response that keeps most rules, to reach the accepting path */
            given.status = op & 0x40 ? -XEN_ESRCH : 0;
            given.reserved = 0;
            given.out_len %= CONSCTL_OUT_MAX + 1;
            given.in_taken = in_len ? (uint16_t)(given.in_taken % (in_len + 1)) : 0;
            if (given.next < given.out_len)
                given.next += given.out_len;
        }
        asked = 0;
        memset(&a, 0, sizeof(a));
        int r = verbs_console(&env, domid, pos, in_bytes, in_len, &a, out);
        check(r, domid, in_len, &a, out);
    }
    return 0;
}
