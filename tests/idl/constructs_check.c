/* SPDX-License-Identifier: MIT */
/*
 * Compiled by idl_test against the header generated from constructs.idl:
 * pins the values, types and layout of imports, unions, signed enums,
 * errors blocks and rings, independently of the header's own asserts.
 */
#include "constructs.h"

#define IS_TYPE(expr, type) _Generic((expr), type : 1, default : 0)

_Static_assert(FEAT_LEN == 256 && IS_TYPE(FEAT_LEN, unsigned int), "an imported const is written out");
_Static_assert(FEAT_OK == 0 && FEAT_BAD == -1 && FEAT_WORSE == -32768 && FEAT_GOOD == 32767, "i16 enum");
_Static_assert(IS_TYPE(FEAT_BAD, int) && IS_TYPE(FEAT_WORSE, int) && IS_TYPE(FEAT_OK, int), "signed: int");
_Static_assert(FEAT_WIDE_MIN == INT64_MIN && IS_TYPE(FEAT_WIDE_MIN, long long), "least i64");
_Static_assert(FEAT_WIDE_BIG == 0x100000000 && IS_TYPE(FEAT_WIDE_BIG, long long), "i64 past 32 bits");
_Static_assert(FEAT_WIDE_NEG == INT32_MIN && IS_TYPE(FEAT_WIDE_NEG, int), "least int");
_Static_assert(FEAT_ALIAS == -1, "const naming an enum value");

_Static_assert(sizeof(union feat_u) == 8 && _Alignof(union feat_u) == 8, "union: largest member");
_Static_assert(offsetof(union feat_u, word) == 0 && offsetof(union feat_u, bytes) == 0, "union: all at 0");
_Static_assert(sizeof(struct feat_rsp) == 8, "struct holding a union");

#define ONE(name, value)      +1
#define SUM(name, value)      +(value)
#define IS_EPERM(name, value) +(sizeof(#name) == sizeof("EPERM") && (value) == 1)
_Static_assert((0 FEAT_OP_GET_ERRORS(ONE)) == 3 && (0 FEAT_OP_GET_ERRORS(SUM)) == 1 + 2 + 75, "errors list");
_Static_assert((0 FEAT_OP_GET_ERRORS(IS_EPERM)) == 1, "errors list names");
_Static_assert((0 FEAT_OP_PUT_ERRORS(SUM)) == 22, "one-error list");

_Static_assert(FEAT_RING_BYTES == 256 && FEAT_RING_SIZE == 16, "ring size: largest power of two");
_Static_assert(sizeof(union feat_sring_entry) == 8, "ring entry: the larger of request and response");
_Static_assert(offsetof(struct feat_sring, extra) == 16 && offsetof(struct feat_sring, ring) == 24, "page layout");
_Static_assert(sizeof(struct feat_sring) == 24 + 16 * 8, "page size");
_Static_assert(IS_TYPE(IDL_RING_BROKEN, int) && IDL_RING_BROKEN == -74, "broken ring code");

int feat_use(struct feat_sring *s);
int feat_use(struct feat_sring *s)
{
    struct feat_front f;
    struct feat_back b;
    struct feat_req req;
    struct feat_rsp rsp;

    feat_front_init(&f, s);
    feat_back_init(&b, s);
    return feat_front_push_requests(&f) + feat_back_get_request(&b, &req) + feat_front_get_response(&f, &rsp);
}
