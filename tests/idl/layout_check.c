/* SPDX-License-Identifier: MIT */
/*
 * Compiled by idl_test against the header generated from layout.idl: pins
 * the values, types and layout the generator must produce, independently
 * of the asserts the header carries itself.
 */
#include "layout.h"

#define IS_TYPE(expr, type) _Generic((expr), type : 1, default : 0)

_Static_assert(LAYOUT_SMALL == 7 && IS_TYPE(LAYOUT_SMALL, unsigned int), "decimal const");
_Static_assert(LAYOUT_HEX == 255 && IS_TYPE(LAYOUT_HEX, unsigned int), "hex const");
_Static_assert(LAYOUT_BIG == 0x100000000 && IS_TYPE(LAYOUT_BIG, unsigned long long), "64-bit const");
_Static_assert(LAYOUT_ALIAS == 7, "const naming a const");
_Static_assert(LAYOUT_KIND_A == 1 && LAYOUT_KIND_B == 0xfe, "u8 enum");
_Static_assert(LAYOUT_WIDE_LOW == 7 && LAYOUT_WIDE_HIGH == UINT64_MAX, "u64 enum");

_Static_assert(sizeof(struct layout_pair) == 4 && _Alignof(struct layout_pair) == 2, "pair");
_Static_assert(IS_TYPE(((struct layout_pair *)0)->hi, int16_t), "i16 field");

_Static_assert(sizeof(struct layout_all) == 64 && _Alignof(struct layout_all) == 8, "all: size");
_Static_assert(offsetof(struct layout_all, a) == 0 && offsetof(struct layout_all, b) == 1, "all: a, b");
_Static_assert(offsetof(struct layout_all, c) == 2 && offsetof(struct layout_all, d) == 4, "all: c, d");
_Static_assert(offsetof(struct layout_all, e) == 8 && offsetof(struct layout_all, f) == 16, "all: e, f");
_Static_assert(offsetof(struct layout_all, g) == 24 && offsetof(struct layout_all, name) == 32, "all: g, name");
_Static_assert(offsetof(struct layout_all, pairs) == 40 && offsetof(struct layout_all, words) == 48, "all: arrays");
_Static_assert(offsetof(struct layout_all, reserved2) == 60, "all: last field");
_Static_assert(sizeof(((struct layout_all *)0)->name) == 7, "char array of a const length");
_Static_assert(sizeof(((struct layout_all *)0)->pairs) == 8, "array of structs");
_Static_assert(sizeof(((struct layout_all *)0)->words) == 12, "array of a hex length");
_Static_assert(IS_TYPE(((struct layout_all *)0)->a, uint8_t), "u8 field");
_Static_assert(IS_TYPE(((struct layout_all *)0)->b, int8_t), "i8 field");
_Static_assert(IS_TYPE(((struct layout_all *)0)->d, int32_t), "i32 field");
_Static_assert(IS_TYPE(((struct layout_all *)0)->f, uint64_t), "u64 field");
_Static_assert(IS_TYPE(((struct layout_all *)0)->g, int64_t), "i64 field");
_Static_assert(IS_TYPE(((struct layout_all *)0)->pairs[1], struct layout_pair), "nested struct field");
