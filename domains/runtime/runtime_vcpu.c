/* SPDX-License-Identifier: MIT */
/*
 * A domain's vCPUs: which one is running (each has a block that its GS
 * base points at), how many there are, and starting the others the way
 * Xen's PVH guests do: VCPUOP_initialise with a 64-bit context (the
 * runtime's page tables, a stack of its own, entry boot_vcpu_entry in
 * boot.S), then VCPUOP_up. A started vCPU sets itself up like vCPU 0
 * (GDT, IDT, x87/SSE, time) and runs its function as its first thread; it
 * goes down when its last thread ends. Nothing here restarts a vCPU.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"
#include "runtime_priv.h"

#define MSR_EFER    0xc0000080u
#define MSR_GS_BASE 0xc0000101u
#define EFER_LONG   0x00000d00u /* LME, LMA and NXE: what boot.S set */

#define CR0_PE     0x00000001u
#define CR0_MP     0x00000002u
#define CR0_ET     0x00000010u
#define CR0_PG     0x80000000u
#define CR4_PAE    0x00000020u
#define CR4_OSFXSR 0x00000200u
#define CR4_OSXMME 0x00000400u
#define RFLAGS_RSV 0x00000002u /* bit 1 is always set; interrupts stay off */

enum { VCPU_IDLE, VCPU_RUNNING, VCPU_STOPPED };

/*
 * One vCPU's block, at its GS base. id is set before the vCPU starts and
 * never changes; state is read by any vCPU and written with atomics by
 * runtime_vcpu_start (IDLE to RUNNING, or back on failure) and by the
 * vCPU itself (RUNNING to STOPPED).
 */
struct runtime_cpu {
    struct runtime_cpu *self; /* 0x00 */
    uint32_t id;              /* 0x08: read through %gs by runtime_vcpu_id */
    uint32_t state;           /* 0x0c: VCPU_* */
    void (*fn)(void *);       /* 0x10: its first thread's function */
    void *arg;                /* 0x18 */
    void *stack;              /* 0x20: malloc'd, RUNTIME_VCPU_STACK_SIZE; NULL on vCPU 0 */
} __attribute__((aligned(64)));
static_assert(offsetof(struct runtime_cpu, id) == 0x08, "runtime_vcpu_id");

static struct runtime_cpu runtime_cpus[RUNTIME_MAX_VCPUS] RUNTIME_STATE;
static unsigned runtime_vcpus = 1; /* set once by runtime_vcpu_init */

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

/* set_self: make cpu the calling vCPU's block. */
static void set_self(struct runtime_cpu *cpu)
{
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
}

/* count_vcpus: the hypervisor answers VCPUOP_is_up for every vCPU of the
 * domain and -ENOENT past the last one. */
static unsigned count_vcpus(void)
{
    unsigned n = 1;

    if (!platform_is_xen())
        return 1;
    while (n < RUNTIME_MAX_VCPUS && hypercall_vcpu_is_up(n) >= 0)
        n++;
    return n;
}

void runtime_vcpu_init(void)
{
    for (unsigned i = 0; i < RUNTIME_MAX_VCPUS; i++)
        runtime_cpus[i] = (struct runtime_cpu){ .self = &runtime_cpus[i], .id = i, .state = VCPU_IDLE };
    runtime_cpus[0].state = VCPU_RUNNING;
    set_self(&runtime_cpus[0]);
    runtime_vcpus = count_vcpus();
}

unsigned runtime_vcpu_id(void)
{
    uint32_t id;

    __asm__ volatile("movl %%gs:%c1, %0" : "=r"(id) : "i"(offsetof(struct runtime_cpu, id)));
    return id;
}

unsigned runtime_nr_vcpus(void)
{
    return runtime_vcpus;
}

/* start_context: the 64-bit start state of cpu: boot.S's page tables and
 * control registers, its stack, its block in %rdi. */
static void start_context(struct vcpu_hvm_context *ctx, const struct runtime_cpu *cpu)
{
    uint64_t top = ((uint64_t)(uintptr_t)cpu->stack + RUNTIME_VCPU_STACK_SIZE) & ~(uint64_t)15;

    *ctx = (struct vcpu_hvm_context){
        .mode = VCPU_HVM_MODE_64B,
        .regs.x86_64 = {
            .rip = (uint64_t)(uintptr_t)boot_vcpu_entry,
            .rsp = top,
            .rdi = (uint64_t)(uintptr_t)cpu,
            .rflags = RFLAGS_RSV,
            .cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_PG, /* x87/SSE usable: no EM, no TS */
            .cr3 = (uint64_t)(uintptr_t)boot_pml4,
            .cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMME,
            .efer = rdmsr(MSR_EFER) & EFER_LONG, /* NXE only where vCPU 0 has it */
        },
    };
}

int runtime_vcpu_start(unsigned vcpu, void (*fn)(void *), void *arg)
{
    struct vcpu_hvm_context ctx;
    struct runtime_cpu *cpu;
    uint32_t idle = VCPU_IDLE;
    long rc;

    if (!platform_is_xen())
        return -ENOSYS;
    if (vcpu == 0 || vcpu >= runtime_vcpus || fn == NULL)
        return -EINVAL;
    cpu = &runtime_cpus[vcpu];
    if (!__atomic_compare_exchange_n(&cpu->state, &idle, VCPU_RUNNING, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return -EBUSY;
    cpu->stack = malloc(RUNTIME_VCPU_STACK_SIZE);
    if (cpu->stack == NULL) {
        __atomic_store_n(&cpu->state, VCPU_IDLE, __ATOMIC_RELEASE);
        return -ENOMEM;
    }
    cpu->fn = fn;
    cpu->arg = arg;
    start_context(&ctx, cpu);
    /* The hypercalls order the writes above before the vCPU's first read. */
    rc = hypercall_vcpu_initialise(vcpu, &ctx);
    if (rc == 0)
        rc = hypercall_vcpu_up(vcpu);
    if (rc != 0) {
        free(cpu->stack);
        cpu->stack = NULL;
        __atomic_store_n(&cpu->state, VCPU_IDLE, __ATOMIC_RELEASE);
        return rc == -XEN_EEXIST ? -EBUSY : -EIO;
    }
    return 0;
}

/* thread_name_of: "vcpu<id>", without stdio (its state is shared). */
static void thread_name_of(unsigned id, char name[THREAD_NAME_MAX])
{
    char digits[12];
    size_t n = 0, i = 0;

    do
        digits[n++] = (char)('0' + id % 10);
    while ((id /= 10) != 0);
    for (const char *p = "vcpu"; *p != '\0'; p++)
        name[i++] = *p;
    while (n > 0)
        name[i++] = digits[--n];
    name[i] = '\0';
}

void runtime_vcpu_entry(struct runtime_cpu *cpu)
{
    char name[THREAD_NAME_MAX];

    set_self(cpu);
    trap_load();
    thread_name_of(cpu->id, name);
    thread_init_vcpu(name, cpu->stack);
    runtime_time_init_vcpu();
    cpu->fn(cpu->arg);
    thread_exit();
}

void runtime_vcpu_stop(void)
{
    unsigned id = runtime_vcpu_id();

    __atomic_store_n(&runtime_cpus[id].state, VCPU_STOPPED, __ATOMIC_RELEASE);
    /* Down at once: the hypervisor stops the caller on return. */
    for (;;)
        (void)hypercall_vcpu_down(id);
}

bool runtime_vcpu_running(unsigned vcpu)
{
    if (vcpu >= runtime_vcpus)
        return false;
    return __atomic_load_n(&runtime_cpus[vcpu].state, __ATOMIC_ACQUIRE) == VCPU_RUNNING;
}

int runtime_vcpu_join(unsigned vcpu)
{
    if (vcpu == 0 || vcpu == runtime_vcpu_id())
        return -EINVAL;
    while (runtime_vcpu_running(vcpu)) {
        if (thread_sleep_ns(TIME_NS_PER_MS) != 0) {
            thread_yield();
            __asm__ volatile("pause" ::: "memory");
        }
    }
    return 0;
}
