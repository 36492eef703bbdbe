/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the MOV decoder of insn_mov.h on any bytes in either mode.
 * Checks that it answers the same twice, writes nothing when it refuses,
 * reads no byte past the n it is given (the input is copied to the end of
 * an exact-size buffer), and that a success keeps its promises: a length
 * within n, a size of 1, 2, 4 or 8, a register below 16, high bytes only
 * for byte registers, and the same answer with the bytes after it changed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/insn_mov.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct insn_mov m, m2;
    uint8_t *b, more[INSN_MOV_MAX];
    bool long64;
    size_t n;
    int r;

    if (size < 1)
        return 0;
    long64 = data[0] & 1;
    n = MIN(size - 1, (size_t)INSN_MOV_MAX);
    b = malloc(n ? n : 1);
    if (!b)
        return 0;
    memcpy(b, data + 1, n);
    memset(&m, 0xa5, sizeof(m));
    memset(&m2, 0x5a, sizeof(m2));
    r = insn_mov_decode(b, n, long64, &m);
    FUZZ_CHECK(r == insn_mov_decode(b, n, long64, &m2));
    if (r) {
        FUZZ_CHECK(r == -ERR_INVAL && fuzz_filled(&m, sizeof(m), 0xa5) && fuzz_filled(&m2, sizeof(m2), 0x5a));
    } else {
        FUZZ_CHECK(memcmp(&m, &m2, sizeof(m)) == 0);
        FUZZ_CHECK(m.len >= 1 && m.len <= n && m.reg < 16);
        FUZZ_CHECK(m.size == 1 || m.size == 2 || m.size == 4 || m.size == 8);
        FUZZ_CHECK(!m.high_byte || (m.size == 1 && m.reg >= 4 && m.reg < 8 && !m.imm));
        FUZZ_CHECK(!m.imm || m.write);
        memcpy(more, b, m.len);
        memset(more + m.len, 0xcc, sizeof(more) - m.len);
        FUZZ_CHECK(insn_mov_decode(more, sizeof(more), long64, &m2) == 0 && memcmp(&m, &m2, sizeof(m)) == 0);
    }
    free(b);
    return 0;
}
