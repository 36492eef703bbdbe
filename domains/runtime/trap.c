/* SPDX-License-Identifier: MIT */
/*
 * The IDT and the exception report. Every exception (vectors 0-31) is
 * fatal: the vCPU, vector, error code, RIP, CR2 and all registers go to the
 * console through the raw platform path (never stdio or malloc, whose
 * state may be what broke), then the domain shuts down with reason crash.
 * Interrupts stay disabled: no vector above 31 is installed. Every vCPU
 * loads the same IDT, built once by vCPU 0.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/vcpu.h"
#include "runtime_priv.h"
#include "trap_frame.h"

#define TRAP_VECTORS 32
#define GDT_CODE64   0x08 /* boot.S */
#define GATE_INTR64  0x8e /* present, DPL 0, 64-bit interrupt gate */

/* A long-mode interrupt gate (AMD APM vol. 2, 4.8.4, figure 4-24). */
struct idt_gate {
    uint16_t offset_low;  /* 0x00: handler bits 15..0 */
    uint16_t selector;    /* 0x02 */
    uint8_t ist;          /* 0x04: 0, the current stack */
    uint8_t type_attr;    /* 0x05 */
    uint16_t offset_mid;  /* 0x06: bits 31..16 */
    uint32_t offset_high; /* 0x08: bits 63..32 */
    uint32_t _rsvd_0x0c;  /* 0x0c */
};
static_assert(sizeof(struct idt_gate) == 16, "idt_gate");
static_assert(offsetof(struct idt_gate, offset_low) == 0x00, "idt_gate");
static_assert(offsetof(struct idt_gate, selector) == 0x02, "idt_gate");
static_assert(offsetof(struct idt_gate, ist) == 0x04, "idt_gate");
static_assert(offsetof(struct idt_gate, type_attr) == 0x05, "idt_gate");
static_assert(offsetof(struct idt_gate, offset_mid) == 0x06, "idt_gate");
static_assert(offsetof(struct idt_gate, offset_high) == 0x08, "idt_gate");
static_assert(offsetof(struct idt_gate, _rsvd_0x0c) == 0x0c, "idt_gate");

/* Built by trap_entry.S; offsets in trap_frame.h. */
struct trap_frame {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rax) == TRAP_FRAME_RAX, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rbx) == TRAP_FRAME_RBX, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rcx) == TRAP_FRAME_RCX, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rdx) == TRAP_FRAME_RDX, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rsi) == TRAP_FRAME_RSI, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rdi) == TRAP_FRAME_RDI, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rbp) == TRAP_FRAME_RBP, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r8) == TRAP_FRAME_R8, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r9) == TRAP_FRAME_R9, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r10) == TRAP_FRAME_R10, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r11) == TRAP_FRAME_R11, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r12) == TRAP_FRAME_R12, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r13) == TRAP_FRAME_R13, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r14) == TRAP_FRAME_R14, "trap_entry.S");
static_assert(offsetof(struct trap_frame, r15) == TRAP_FRAME_R15, "trap_entry.S");
static_assert(offsetof(struct trap_frame, vector) == TRAP_FRAME_VECTOR, "trap_entry.S");
static_assert(offsetof(struct trap_frame, error) == TRAP_FRAME_ERROR, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rip) == TRAP_FRAME_RIP, "trap_entry.S");
static_assert(offsetof(struct trap_frame, cs) == TRAP_FRAME_CS, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rflags) == TRAP_FRAME_RFLAGS, "trap_entry.S");
static_assert(offsetof(struct trap_frame, rsp) == TRAP_FRAME_RSP, "trap_entry.S");
static_assert(offsetof(struct trap_frame, ss) == TRAP_FRAME_SS, "trap_entry.S");

extern const uint64_t trap_stubs[TRAP_VECTORS]; /* trap_entry.S */

/* Called from trap_entry.S only. */
_Noreturn void trap_report(const struct trap_frame *f);

static struct idt_gate idt[256] RUNTIME_STATE; /* 0-31 exceptions; interrupt vectors set by trap_set_irq */

static const char *const trap_names[TRAP_VECTORS] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor segment overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved",
    "#MF x87 floating point",
    "#AC alignment check",
    "#MC machine check",
    "#XF SIMD floating point",
    "#VE virtualization",
    "#CP control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved",
};

void trap_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_set_irq(uint8_t vector, void (*entry)(void))
{
    uint64_t h = (uint64_t)(uintptr_t)entry;

    if (vector < TRAP_VECTORS)
        return; /* the exception vectors stay the reporter's */
    idt[vector] = (struct idt_gate){
        .offset_low = (uint16_t)h,
        .selector = GDT_CODE64,
        .type_attr = GATE_INTR64,
        .offset_mid = (uint16_t)(h >> 16),
        .offset_high = (uint32_t)(h >> 32),
    };
}

void trap_init(void)
{
    for (size_t v = 0; v < TRAP_VECTORS; v++) {
        uint64_t h = trap_stubs[v];

        idt[v] = (struct idt_gate){
            .offset_low = (uint16_t)h,
            .selector = GDT_CODE64,
            .type_attr = GATE_INTR64,
            .offset_mid = (uint16_t)(h >> 16),
            .offset_high = (uint32_t)(h >> 32),
        };
    }
    trap_load();
}

static void put_str(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    platform_console_write(s, n);
}

/* put_hex: " name=0x<16 hex digits>", no allocation, no stdio. */
static void put_hex(const char *name, uint64_t value)
{
    char buf[19] = "0x";

    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xf];
    put_str(" ");
    put_str(name);
    put_str("=");
    platform_console_write(buf, 18);
}

static uint64_t read_cr2(void)
{
    uint64_t cr2;

    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    return cr2;
}

/* Five registers a line, in the order of the frame. */
static void put_registers(const struct trap_frame *f)
{
    const struct {
        const char *name;
        uint64_t value;
    } regs[] = {
        { "rax", f->rax }, { "rbx", f->rbx }, { "rcx", f->rcx }, { "rdx", f->rdx },       { "rsi", f->rsi },
        { "rdi", f->rdi }, { "rbp", f->rbp }, { "rsp", f->rsp }, { "r8", f->r8 },         { "r9", f->r9 },
        { "r10", f->r10 }, { "r11", f->r11 }, { "r12", f->r12 }, { "r13", f->r13 },       { "r14", f->r14 },
        { "r15", f->r15 }, { "cs", f->cs },   { "ss", f->ss },   { "rflags", f->rflags },
    };

    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        put_hex(regs[i].name, regs[i].value);
        if (i % 5 == 4)
            put_str("\n");
    }
    put_str("\n");
}

void trap_report(const struct trap_frame *f)
{
    static int depth[RUNTIME_MAX_VCPUS] RUNTIME_STATE;
    unsigned vcpu = runtime_vcpu_id();
    char vec[3] = { (char)('0' + f->vector / 10), (char)('0' + f->vector % 10), '\0' };
    char cpu[3] = { (char)('0' + vcpu / 10 % 10), (char)('0' + vcpu % 10), '\0' };

    /* A fault while reporting one: say nothing more, just stop. */
    if (depth[vcpu % RUNTIME_MAX_VCPUS]++ > 0)
        platform_shutdown(SHUTDOWN_crash);
    platform_console_lock();
    put_str("trap: vcpu ");
    put_str(vcpu < 10 ? cpu + 1 : cpu);
    put_str(" vector ");
    put_str(vec);
    put_str(" (");
    put_str(trap_names[f->vector % TRAP_VECTORS]);
    put_str(")");
    put_hex("error", f->error);
    put_hex("rip", f->rip);
    put_hex("cr2", read_cr2());
    put_str("\n");
    put_registers(f);
    put_str("trap: domain crashed\n");
    platform_shutdown(SHUTDOWN_crash);
}
