/* SPDX-License-Identifier: MIT */
/*
 * The runtime's test domain: checks that newlib and the runtime work in a
 * real domain (formatting, the heap, libc routines, libm, constructors,
 * start_info, threads) and the guest clock, timers and sleeping (time.c).
 * Each check prints one `TEST PASS <name>` or `TEST FAIL <name>: <why>`
 * line; then `hello: done` and exit status 0 (1 if a check failed).
 * Without a clock (bare QEMU) the time checks are not run, and one line
 * that is not a TEST line says so. With `smp` on the command line it runs
 * the checks of a domain with two vCPUs instead (smp.c).
 * `fault=pf|ud|stack|abort` on the command line ends it with that crash
 * instead, to show the crash reports.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hello.h"
#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/runtime.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"

static int failures;

int hello_failures(void)
{
    return failures;
}

void hello_check(const char *name, const char *why)
{
    if (why == NULL) {
        printf("TEST PASS %s\n", name);
    } else {
        printf("TEST FAIL %s: %s\n", name, why);
        failures++;
    }
}

static const char *test_printf(void)
{
    const char *want = "hello: printf -42 str beef 0003.142";
    int n = printf("hello: printf %d %s %x %08.3f\n", -42, "str", 0xbeefu, 3.14159);

    return n == (int)strlen(want) + 1 ? NULL : "printf returned the wrong count";
}

static const char *test_snprintf(void)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%d %s %x %08.3f", -42, "str", 0xbeefu, 3.14159);

    if (n != 21 || strcmp(buf, "-42 str beef 0003.142") != 0)
        return "wrong text for %d %s %x %08.3f";
    snprintf(buf, sizeof(buf), "%lld|%-4s|%+.2e|%#llx", -9000000000LL, "ab", 12345.678, 0xfedcba9876543210ULL);
    if (strcmp(buf, "-9000000000|ab  |+1.23e+04|0xfedcba9876543210") != 0)
        return "wrong text for long long, padding or %e";
    n = snprintf(buf, 8, "%s", "truncated string");
    if (n != 16 || strcmp(buf, "truncat") != 0)
        return "truncation is wrong";
    return NULL;
}

/* A deterministic pseudo-random sequence (64-bit LCG, Knuth's MMIX). */
static uint64_t rng_state = 1;
static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

#define BLOCKS 300

static int block_intact(const unsigned char *p, size_t size, unsigned char tag)
{
    for (size_t i = 0; i < size; i++) {
        if (p[i] != tag)
            return 0;
    }
    return 1;
}

/* Fill each block with its own byte; any overlap shows as a wrong byte. */
static const char *test_malloc(void)
{
    static unsigned char *block[BLOCKS];
    static size_t size[BLOCKS];

    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < BLOCKS; i++) {
            if (block[i] != NULL && rng() % 2 == 0)
                continue;
            free(block[i]);
            size[i] = i % 10 == 0 ? 1 + rng() % 200000 : 1 + rng() % 2000;
            block[i] = malloc(size[i]);
            if (block[i] == NULL)
                return "malloc returned NULL";
            if ((uintptr_t)block[i] % 16 != 0)
                return "a block is not 16-byte aligned";
            memset(block[i], (int)(i & 0xff), size[i]);
        }
        for (size_t i = 0; i < BLOCKS; i++) {
            if (!block_intact(block[i], size[i], (unsigned char)(i & 0xff)))
                return "blocks overlap";
        }
    }
    for (size_t i = 0; i < BLOCKS; i++) {
        free(block[i]);
        block[i] = NULL;
    }
    return NULL;
}

/* The heap ends at the end of RAM: 64 GiB cannot fit, and says so. */
static const char *test_malloc_limit(void)
{
    void *big = malloc(8u << 20), *huge;

    if (big == NULL)
        return "8 MiB failed";
    memset(big, 0x5a, 8u << 20);
    free(big);
    errno = 0;
    huge = malloc((size_t)64 << 30);
    if (huge != NULL)
        return "64 GiB succeeded";
    return errno == ENOMEM ? NULL : "errno is not ENOMEM";
}

static unsigned module_sum(void)
{
    unsigned sum = 0;

    for (size_t i = 0; i < runtime_module_count(); i++) {
        const struct runtime_module *m = runtime_module(i);

        for (size_t b = 0; b < m->size; b++)
            sum += ((const unsigned char *)m->data)[b];
    }
    return sum;
}

/* Fill the whole heap, in ever smaller pieces: the modules (QEMU puts its
 * one near the end of RAM) must come through untouched. */
static const char *test_heap_bounds(void)
{
    enum { CHUNKS_MAX = 2048 };
    static const size_t piece[] = { 4 << 20, 64 << 10, 1 << 10, 64 };
    static void *chunk[CHUNKS_MAX];
    unsigned before = module_sum(), after;
    size_t n = 0, total = 0;

    for (size_t p = 0; p < sizeof(piece) / sizeof(piece[0]); p++) {
        while (n < CHUNKS_MAX && (chunk[n] = malloc(piece[p])) != NULL) {
            memset(chunk[n++], 0xa5, piece[p]);
            total += piece[p];
        }
    }
    after = module_sum();
    printf("hello: heap held %zu KiB in %zu pieces\n", total >> 10, n);
    while (n > 0)
        free(chunk[--n]);
    if (before != after)
        return "the heap overwrote a module";
    chunk[0] = malloc(4 << 20);
    free(chunk[0]);
    return chunk[0] != NULL ? NULL : "memory not reusable after free";
}

static const char *test_strtol(void)
{
    char *end;

    if (strtol("  -1234xyz", &end, 10) != -1234 || strcmp(end, "xyz") != 0)
        return "decimal";
    if (strtol("0x7fff", NULL, 0) != 0x7fff || strtol("0777", NULL, 0) != 0777 || strtol("z", NULL, 36) != 35)
        return "bases";
    errno = 0;
    if (strtol("99999999999999999999", NULL, 10) != LONG_MAX || errno != ERANGE)
        return "overflow";
    return NULL;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

static const char *test_qsort(void)
{
    enum { N = 1000 };
    static int v[N];
    long sum = 0, sorted_sum = 0;

    for (int i = 0; i < N; i++) {
        v[i] = (int)(rng() % 10000) - 5000;
        sum += v[i];
    }
    qsort(v, N, sizeof(v[0]), cmp_int);
    for (int i = 0; i < N; i++) {
        sorted_sum += v[i];
        if (i > 0 && v[i - 1] > v[i])
            return "not in order";
    }
    return sum == sorted_sum ? NULL : "elements changed";
}

static const char *test_libm(void)
{
    volatile double two = 2.0; /* keep the compiler from folding the calls */

    if (fabs(sqrt(two) * sqrt(two) - 2.0) > 1e-12 || pow(two, 10.0) != 1024.0)
        return "sqrt or pow";
    if (fabs(exp(log(3.0 * two)) - 6.0) > 1e-12 || fabs(sin(two * M_PI)) > 1e-12)
        return "exp, log or sin";
    return NULL;
}

static int constructed;
__attribute__((constructor)) static void hello_constructor(void)
{
    constructed = 42;
}

/* FNV-1a (32 bits) of a module's bytes: a scenario compares it with what
 * the builder was given (the build service's test uploads a ramdisk). */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static const char *test_start_info(void)
{
    const struct hvm_start_info *si = runtime_start_info();

    if (si == NULL || si->magic != XEN_HVM_START_MAGIC_VALUE || si->memmap_entries == 0)
        return "no valid start_info";
    if (runtime_module(runtime_module_count()) != NULL)
        return "a module past the end";
    for (size_t i = 0; i < runtime_module_count(); i++) {
        const struct runtime_module *m = runtime_module(i);

        printf("hello: module %zu: %zu bytes, string \"%s\", fnv1a %u\n", i, m->size, m->cmdline,
               fnv1a(m->data, m->size));
    }
    return constructed == 42 ? NULL : "constructor did not run";
}

/* argv: "domain", then the command line's words in order, then NULL. */
static const char *test_args(int argc, char **argv)
{
    const char *rest = runtime_cmdline();

    if (argc < 1 || strcmp(argv[0], "domain") != 0 || argv[argc] != NULL)
        return "argv[0] or argv[argc]";
    for (int i = 1; i < argc; i++) {
        const char *at = strstr(rest, argv[i]);

        if (argv[i][0] == '\0' || strpbrk(argv[i], " \t") != NULL || at == NULL)
            return "a word is empty, has a space or is not in the command line";
        rest = at + strlen(argv[i]);
    }
    return strspn(rest, " \t") == strlen(rest) ? NULL : "words missing from argv";
}

/* Uses about 40 KiB of stack, more than a thread has, then yields. */
static void overflow_stack(void *depth)
{
    volatile char frame[1024];

    for (size_t i = 0; i < sizeof(frame); i++)
        frame[i] = (char)(uintptr_t)depth;
    if ((uintptr_t)depth < 40)
        overflow_stack((void *)((uintptr_t)depth + 1));
    else
        thread_yield();
    frame[1] = frame[0];
}

static int has_word(int argc, char **argv, const char *word)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], word) == 0)
            return 1;
    }
    return 0;
}

/* One console_io write of 200 numbered lines (20,000 bytes): the core
 * takes it in bounded steps and must print every line once, in order. */
static void console_long(void)
{
    static char buf[200 * 100];

    for (unsigned i = 0; i < 200; i++) {
        char *line = buf + i * 100;
        memset(line, '.', 99);
        snprintf(line, 99, "hello: long console write, line %03u ", i);
        line[strlen(line)] = '.';
        line[99] = '\n';
    }
    fflush(stdout);
    printf("hello: long console write returned %ld\n", hypercall_console_write(buf, sizeof(buf)));
}

static void maybe_fault(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "fault=pf") == 0) {
            printf("hello: writing to address 0\n");
            *(volatile int *)(uintptr_t)0 = 1;
        } else if (strcmp(argv[i], "fault=ud") == 0) {
            printf("hello: executing ud2\n");
            __asm__ volatile("ud2");
        } else if (strcmp(argv[i], "fault=stack") == 0) {
            printf("hello: overflowing a thread's stack\n");
            thread_create("deep", overflow_stack, NULL);
            thread_yield();
        } else if (strcmp(argv[i], "fault=abort") == 0) {
            printf("hello: calling abort\n");
            abort();
        } else if (strcmp(argv[i], "fault=icebp") == 0) {
            printf("hello: executing icebp\n"); /* #DB, as on Xen (not #UD) */
            __asm__ volatile(".byte 0xf1");
        } else if (strcmp(argv[i], "fault=rdpmc") == 0) {
            printf("hello: executing rdpmc\n"); /* #GP: no counters are offered */
            __asm__ volatile("rdpmc" : : "c"(0) : "rax", "rdx");
        } else if (strcmp(argv[i], "caches") == 0) {
            /* The core makes both no-ops; the domain goes on. */
            __asm__ volatile("invd; wbinvd" : : : "memory");
            printf("hello: invd and wbinvd retired\n");
        } else if (strcmp(argv[i], "console=long") == 0) {
            console_long();
        } else if (strcmp(argv[i], "shutdown=reboot") == 0) {
            printf("hello: asking to be rebooted\n"); /* the builder's on_reboot decides */
            fflush(stdout);
            platform_shutdown(SHUTDOWN_reboot);
        }
    }
}

int main(int argc, char **argv)
{
    printf("hello: %s, command line \"%s\", %zu module(s)\n", platform_is_xen() ? "on the Xen ABI" : "on bare QEMU",
           runtime_cmdline(), runtime_module_count());
    maybe_fault(argc, argv);
    if (has_word(argc, argv, "smp")) {
        hello_smp();
        printf("hello: done\n");
        return failures == 0 ? 0 : 1;
    }
    hello_check("printf", test_printf());
    hello_check("snprintf", test_snprintf());
    hello_check("malloc", test_malloc());
    hello_check("malloc_limit", test_malloc_limit());
    hello_check("heap_bounds", test_heap_bounds());
    hello_check("strtol", test_strtol());
    hello_check("qsort", test_qsort());
    hello_check("libm", test_libm());
    hello_check("start_info", test_start_info());
    hello_check("args", test_args(argc, argv));
    hello_check("threads", hello_test_threads());
    if (runtime_time_available() && !has_word(argc, argv, "notime")) {
        hello_check("time_monotonic", hello_test_time_monotonic());
        hello_check("time_sleep", hello_test_time_sleep());
        hello_check("time_timer_not_early", hello_test_time_timer());
        hello_check("time_threads", hello_test_time_threads());
        hello_check("time_libc", hello_test_time_libc());
        hello_check("time_agrees_core", hello_test_time_agrees_core());
        hello_time_report();
    } else if (runtime_time_available()) {
        printf("hello: time checks not run: asked so (notime)\n");
    } else {
        printf("hello: time checks not run: no clock (%s)\n", platform_is_xen()
                                                                  ? "the hypervisor refused the shared-info page"
                                                                  : "bare QEMU has no hypervisor to read time from");
    }
    printf("hello: done\n");
    return failures == 0 ? 0 : 1;
}
