/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets and the seed generator: the layout of the
 * inputs that are not a raw firmware structure, and a bounds-checked
 * little-endian reader that returns zeros once the input is used up (so
 * every input, however short, is a valid test case).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * acpi: flags (1 byte), RSDP copy (20 or 36 bytes), physical memory image.
 * Checksums are hard for a mutator to keep right, so FIX_SUMS lets the
 * harness repair them: the RSDP's two, and that of every table mapped in
 * whole (a mapping whose length equals the header's length field).
 */
#define FUZZ_ACPI_RSDP_V2   0x01u /* the RSDP copy is 36 bytes, else 20 */
#define FUZZ_ACPI_HIGH_BASE 0x02u /* memory sits just below 2^64, else at ..._LOW_BASE */
#define FUZZ_ACPI_FIX_SUMS  0x04u /* repair checksums as described above */
#define FUZZ_ACPI_UNSTABLE  0x08u /* a table's length grows each time its header is mapped */
#define FUZZ_ACPI_LOW_BASE  0x7fe0000ull
#define FUZZ_ACPI_HIGH      0xffffffffffffe000ull

/*
 * dmar: control (1 byte), DMAR table. Control bit 0 repairs the table
 * checksum; bits 1..7 give the size of the buffer dmar_describe writes to.
 */
#define FUZZ_DMAR_FIX_SUM 0x01u

/*
 * memmap: entry count (1 byte, modulo MB2_MAX_MMAP + 1), that many
 * entries of FUZZ_MEMMAP_ENTRY bytes (base u64, len u64, type u8), then
 * operations: an opcode byte, low two bits
 *   0 remove [start u64, end u64)        1 contains [start u64, end u64)
 *   2 remove relative to range k          3 contains relative to range k
 * where a relative operand is k (u8), offset (s32), length (u32):
 * start = range[k % count].start + offset, end = start + length.
 */
#define FUZZ_MEMMAP_ENTRY 17u

/*
 * boot_modules: module count (u8, modulo MB2_MAX_MODULES + 1); per module
 * start u64, end u64, name length u8 (255: no command line) and the name;
 * firmware entry count (u8, modulo 33) and entries as for memmap; reserved
 * region count (u8, modulo 5) and per region start u64, end u64.
 */

/*
 * guest_walk: CR0, CR3, CR4, EFER, RFLAGS (u64 each), the image's base
 * (u32, rounded down to a page), a walk count (u8, modulo FUZZ_WALK_MAX +
 * 1) and that many records: access (u8: bits 0..2 the GUEST_WALK_* kind,
 * FUZZ_WALK_COPY for a guest_walk_copy), gva (u64), copy length (u16).
 * The rest is guest-physical memory from the base (whole 8-byte words).
 */
#define FUZZ_WALK_MAX  16
#define FUZZ_WALK_COPY 0x80u

/*
 * npt: the pool's frame limit (u16), then operations of an opcode byte
 * and its operands. Opcode bits 0..2:
 *   0 map (gpa, flags u8, mpa u64)   1 unmap (gpa)   2 lookup (gpa)
 *   3 destroy, then create           4 pool limit (u16)
 *   5 map again at mapping k (k u8, flags u8)
 *   6 unmap mapping k (k u8)         7 lookup mapping k (k u8, offset u16)
 * A gpa is a u64, or with opcode bit 3 a u16 shifted left by
 * 12 + 9 * (opcode bits 4..5), so that mappings share tables.
 */
#define FUZZ_NPT_NEAR 0x08u

/*
 * hcall_decode: family (u8, modulo 9: xen_version, console_io, sched_op,
 * memory_op, vcpu_op, hvm_op, event_channel_op, grant_table_op, one
 * grant-copy element), flags (u8: bit 0 the copy-in faulted; bits 1, 2, 3
 * read a[0], a[1], a[2] as u64, else as u8 modulo 16, u8, u16), the
 * context (domid u16, nr_vcpus u8 modulo 32 plus 1, vcpu u8 modulo
 * nr_vcpus, initialised vCPUs u32, grant frame limit u8, time u64), the
 * three arguments, then the argument struct (zero past the input).
 */
/*
 * mgmt_decode: flags (u8: bit 0 the copy-in faulted; bit 1 the command
 * is a u64, else a u8 modulo 16; bit 2 a size (u16) follows the address,
 * else the size is the command's own; bit 3 the online mask is a u64,
 * else a u8), the vCPU limit (u8 modulo 64), the online mask, the
 * command, the address (u64), [the size], then the argument struct
 * (zero past the input).
 */

/*
 * bytering: the console page's indices' start (u32), then operations of an
 * opcode byte (modulo 6) and a length (u16, modulo 1089): 0 the guest sets
 * out_prod (u32), 1 it sets in_cons (u32), 2 it produces length bytes
 * (then in the input), 3 the console domain reads, 4 peeks, 5 writes
 * length bytes (then in the input) onto the in ring.
 */

/*
 * consctl_serve: the guest's domid (u8, modulo 4), its log's byte count
 * so far (u64, 40 bits kept), then operations of an opcode byte: bit 0
 * the guest writes a length (u8) of bytes (then in the input), repeated
 * (opcode >> 1) % 32 + 1 times; else a request: bit 1 the console is
 * closed, bit 2 its input ring is emptied first, the request's bytes
 * (sizeof(struct consctl_request)), then with bit 3 op, domid and
 * reserved made right and in_len, max_out brought in range, and with
 * bit 4 too pos made near the log's end.
 *
 * consctl_front: operations of an opcode byte (bit 0: control's own id,
 * else spinner's; bit 7: the channel fails with ENODEV, ETIMEDOUT or EIO
 * by (opcode >> 1) % 3), the position (u64), the input's length (u16,
 * modulo CONTROL_CONSOLE_IN_MAX + 1) and bytes, the response's bytes
 * (sizeof(struct consctl_response)); with bit 5 the response is made
 * mostly right (status 0, or -ESRCH with bit 6).
 */

struct fuzz_in {
    const uint8_t *p;
    size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
    if (!in->left)
        return 0;
    in->left--;
    return *in->p++;
}

static inline uint64_t fuzz_uint(struct fuzz_in *in, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)fuzz_u8(in) << (8 * i);
    return v;
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
    return (uint32_t)fuzz_uint(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
    return fuzz_uint(in, 8);
}

/*
 * FUZZ_ORACLE marks the harness's own checking code: left out of coverage
 * instrumentation, so that only the code under test guides the fuzzer and
 * a thorough check does not slow every run down with comparison tracing.
 */
#define FUZZ_ORACLE __attribute__((no_sanitize("coverage"), noinline))

/* FUZZ_CHECK: an invariant of the code under test; abort() on violation. */
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));
#define FUZZ_CHECK(cond)                          \
    do {                                          \
        if (!(cond))                              \
            fuzz_fail(__FILE__, __LINE__, #cond); \
    } while (0)

/* fuzz_filled: every one of the n bytes at p is pattern (an output that
 * was filled before a call and that the call must not have written). */
bool fuzz_filled(const void *p, size_t n, uint8_t pattern);

/* Every target defines this libFuzzer entry point. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Targets that run a unit test's randomized model check (gnttab, evtchn)
 * link fuzz_model.c: the input is the random stream (then zeros), which
 * fuzz_rng_feed starts.
 */
void fuzz_rng_feed(const uint8_t *data, size_t size);
