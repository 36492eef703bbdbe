/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the MOV decoder that finishes accesses to unbacked
 * guest-physical memory (insn_mov.h): the forms Linux and the runtime
 * compile readl/writel and friends to, with every prefix and addressing
 * form; lengths checked byte for byte; everything else, a register
 * operand or a truncated instruction refused with nothing written. The
 * insn_mov fuzz target covers the rest.
 */
#include "core/insn_mov.h"

#include <string.h>

#include "core/errno.h"
#include "harness.h"

struct want {
    const char *what;
    uint8_t bytes[INSN_MOV_MAX];
    uint8_t len, size, reg;
    bool write, imm, high, long64;
};

static const struct want good[] = {
    { "mov (%rdi),%eax", { 0x8b, 0x07 }, 2, 4, 0, false, false, false, true },
    { "mov %esi,(%rdi)", { 0x89, 0x37 }, 2, 4, 6, true, false, false, true },
    { "mov (%rdi),%al", { 0x8a, 0x07 }, 2, 1, 0, false, false, false, true },
    { "mov (%rdi),%ah", { 0x8a, 0x27 }, 2, 1, 4, false, false, true, true },
    { "mov (%rdi),%spl", { 0x40, 0x8a, 0x27 }, 3, 1, 4, false, false, false, true },
    { "mov (%rdi),%ax", { 0x66, 0x8b, 0x07 }, 3, 2, 0, false, false, false, true },
    { "mov (%rdi),%r9", { 0x4c, 0x8b, 0x0f }, 3, 8, 9, false, false, false, true },
    { "mov 0x20(%rax),%edx", { 0x8b, 0x50, 0x20 }, 3, 4, 2, false, false, false, true },
    { "mov 0x1000(%rax),%edx", { 0x8b, 0x90, 0x00, 0x10, 0, 0 }, 6, 4, 2, false, false, false, true },
    { "mov (%rax,%rbx,4),%ecx", { 0x8b, 0x0c, 0x98 }, 3, 4, 1, false, false, false, true },
    { "mov 0x8(%rsp),%ecx", { 0x8b, 0x4c, 0x24, 0x08 }, 4, 4, 1, false, false, false, true },
    { "mov 0xfed000f0(,%rax,1),%ecx", { 0x8b, 0x0c, 0x05, 0xf0, 0, 0xd0, 0xfe }, 7, 4, 1, false, false, false, true },
    { "mov 0x10(%rip),%eax", { 0x8b, 0x05, 0x10, 0, 0, 0 }, 6, 4, 0, false, false, false, true },
    { "movl $1,(%rax)", { 0xc7, 0x00, 1, 0, 0, 0 }, 6, 4, 0, true, true, false, true },
    { "movq $-1,0x8(%rax)", { 0x48, 0xc7, 0x40, 0x08, 0xff, 0xff, 0xff, 0xff }, 8, 8, 0, true, true, false, true },
    { "movw $1,(%rax)", { 0x66, 0xc7, 0x00, 1, 0 }, 5, 2, 0, true, true, false, true },
    { "movb $1,(%rax)", { 0xc6, 0x00, 1 }, 3, 1, 0, true, true, false, true },
    { "mov %fs:(%rax),%eax", { 0x64, 0x8b, 0x00 }, 3, 4, 0, false, false, false, true },
    { "mov (%eax),%eax (addr32)", { 0x67, 0x8b, 0x00 }, 3, 4, 0, false, false, false, true },
    { "movabs 0xfed00000,%eax", { 0xa1, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0 }, 9, 4, 0, false, false, false, true },
    { "movabs %al,0xfed00000", { 0xa2, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0 }, 9, 1, 0, true, false, false, true },
    { "32-bit: mov (%eax),%ecx", { 0x8b, 0x08 }, 2, 4, 1, false, false, false, false },
    { "32-bit: movl $1,(%eax)", { 0xc7, 0x00, 1, 0, 0, 0 }, 6, 4, 0, true, true, false, false },
    { "32-bit: mov 0xfed00000,%eax", { 0xa1, 0, 0, 0xd0, 0xfe }, 5, 4, 0, false, false, false, false },
    { "32-bit: mov 0x4(%eax),%ecx", { 0x8b, 0x48, 0x04 }, 3, 4, 1, false, false, false, false },
};

TEST(mov_forms)
{
    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        const struct want *w = &good[i];
        struct insn_mov m;

        memset(&m, 0xa5, sizeof(m));
        if (insn_mov_decode(w->bytes, INSN_MOV_MAX, w->long64, &m) != 0) {
            test_fail(__FILE__, __LINE__, "%s refused", w->what);
            continue;
        }
        if (m.len != w->len || m.size != w->size || m.reg != w->reg || m.write != w->write || m.imm != w->imm ||
            m.high_byte != w->high)
            test_fail(__FILE__, __LINE__, "%s: len %u size %u reg %u write %d imm %d high %d", w->what, m.len, m.size,
                      m.reg, m.write, m.imm, m.high_byte);
        /* Exactly its own bytes are enough; one fewer is refused. */
        EXPECT_EQ(insn_mov_decode(w->bytes, w->len, w->long64, &m), 0);
        EXPECT_EQ(insn_mov_decode(w->bytes, w->len - 1u, w->long64, &m), -ERR_INVAL);
    }
}

TEST(refused)
{
    static const struct {
        uint8_t bytes[INSN_MOV_MAX];
        bool long64;
    } bad[] = {
        { { 0x8b, 0xc0 }, true },             /* mov %eax,%eax: no memory operand */
        { { 0xff, 0x00 }, true },             /* incl (%rax) */
        { { 0xc7, 0x08, 1, 0, 0, 0 }, true }, /* C7 /1: not a MOV */
        { { 0xf0, 0x89, 0x00 }, true },       /* LOCK */
        { { 0xf3, 0xa5 }, true },             /* rep movsl */
        { { 0x0f, 0xb6, 0x00 }, true },       /* movzbl: not among the forms */
        { { 0x67, 0x8b, 0x00 }, false },      /* 16-bit addressing */
        { { 0x48 }, true },                   /* a REX and nothing */
        { { 0x48, 0x8b, 0x00 }, false },      /* 32-bit: 0x48 is DEC, no REX */
        { { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x8b }, true },
    };
    struct insn_mov m;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        memset(&m, 0xa5, sizeof(m));
        EXPECT_EQ(insn_mov_decode(bad[i].bytes, INSN_MOV_MAX, bad[i].long64, &m), -ERR_INVAL);
        for (size_t b = 0; b < sizeof(m); b++)
            EXPECT_EQ(((uint8_t *)&m)[b], 0xa5);
    }
    EXPECT_EQ(insn_mov_decode(good[0].bytes, 0, true, &m), -ERR_INVAL);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(mov_forms),
        TEST_ENTRY(refused),
        TEST_END,
    });
}
