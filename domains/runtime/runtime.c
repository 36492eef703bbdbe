/* SPDX-License-Identifier: MIT */
/*
 * Start-up in C: check the start_info the builder left (magic, version,
 * and that every address it names lies in mapped memory), copy it and the
 * lists and strings it points to, place the heap, unmap page 0, run the
 * constructors and call main. Only module contents stay where the builder
 * put them; the runtime never parses them: that is each domain's business.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/runtime.h"
#include "idl/xen_errno.h"
#include "runtime_priv.h"

#define CMDLINE_MAX 4096 /* bytes, including the NUL */
#define MODULES_MAX 64
#define MEMMAP_MAX  128
#define ARGV0       "domain"

int main(int argc, char **argv); /* the domain program's */

/* Copies made at start-up, read-only afterwards. start_info's pointers are
 * rewritten to lead to the copies. */
static struct hvm_start_info start_info;
static struct hvm_memmap_table_entry memmap[MEMMAP_MAX];
static struct hvm_modlist_entry modlist[MODULES_MAX];
static char cmdline[CMDLINE_MAX];
static struct runtime_module modules[MODULES_MAX];

void runtime_fatal(const char *msg)
{
    platform_console_write("runtime: ", 9);
    platform_console_write(msg, strlen(msg));
    platform_console_write("\n", 1);
    platform_shutdown(SHUTDOWN_crash);
}

static const void *phys(uint64_t paddr)
{
    return (const void *)(uintptr_t)paddr;
}

/* phys_strlen: length of the NUL-terminated string at paddr when it ends,
 * inside mapped memory, within CMDLINE_MAX bytes; else SIZE_MAX. */
static size_t phys_strlen(uint64_t paddr)
{
    for (size_t n = 0; n < CMDLINE_MAX; n++) {
        if (!runtime_phys_ok(paddr, n + 1))
            return SIZE_MAX;
        if (((const char *)phys(paddr))[n] == '\0')
            return n;
    }
    return SIZE_MAX;
}

/* string_ok: a 0 paddr means "no string"; any other must be readable. */
static bool string_ok(uint64_t paddr)
{
    return paddr == 0 || phys_strlen(paddr) != SIZE_MAX;
}

/* Module contents are used in place, so not in page 0, which goes away. */
static const char *check_modules(const struct hvm_start_info *si)
{
    const struct hvm_modlist_entry *mod = phys(si->modlist_paddr);

    if (si->nr_modules == 0)
        return NULL;
    if (si->nr_modules > MODULES_MAX)
        return "start_info lists more than 64 modules";
    if (!runtime_phys_ok(si->modlist_paddr, si->nr_modules * sizeof(*mod)))
        return "start_info module list lies outside mapped memory";
    for (uint32_t i = 0; i < si->nr_modules; i++) {
        if (mod[i].paddr < RUNTIME_PAGE_SIZE || !runtime_phys_ok(mod[i].paddr, mod[i].size))
            return "a boot module lies in page 0 or outside mapped memory";
        if (!string_ok(mod[i].cmdline_paddr))
            return "a boot module's string is unreadable or longer than 4095 bytes";
    }
    return NULL;
}

/* check_start_info: decode step; reads start_info, changes nothing.
 * Returns NULL or why the domain cannot start. */
static const char *check_start_info(uint64_t paddr)
{
    const struct hvm_start_info *si = phys(paddr);

    if (!runtime_phys_ok(paddr, sizeof(*si)))
        return "start_info lies outside mapped memory";
    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        return "start_info has a bad magic (want 0x336ec578)";
    if (si->version < 1 || si->memmap_entries == 0)
        return "start_info has no memory map (version 1 needed)";
    if (si->memmap_entries > MEMMAP_MAX)
        return "start_info memory map has more than 128 entries";
    if (!runtime_phys_ok(si->memmap_paddr, si->memmap_entries * sizeof(struct hvm_memmap_table_entry)))
        return "start_info memory map lies outside mapped memory";
    if (!string_ok(si->cmdline_paddr))
        return "command line is unreadable or longer than 4095 bytes";
    return check_modules(si);
}

/* copy_start_info: perform step, after check_start_info accepted paddr.
 * Module strings are copied later, onto the heap (copy_modules). */
static void copy_start_info(uint64_t paddr)
{
    start_info = *(const struct hvm_start_info *)phys(paddr);
    memcpy(memmap, phys(start_info.memmap_paddr), start_info.memmap_entries * sizeof(memmap[0]));
    start_info.memmap_paddr = (uint64_t)(uintptr_t)memmap;
    if (start_info.nr_modules != 0)
        memcpy(modlist, phys(start_info.modlist_paddr), start_info.nr_modules * sizeof(modlist[0]));
    start_info.modlist_paddr = (uint64_t)(uintptr_t)modlist;
    if (start_info.cmdline_paddr != 0)
        memcpy(cmdline, phys(start_info.cmdline_paddr), phys_strlen(start_info.cmdline_paddr) + 1);
    start_info.cmdline_paddr = (uint64_t)(uintptr_t)cmdline;
}

/* The heap must leave alone what is still used in place: the modules and,
 * until copy_modules, their strings. */
static void start_heap(void)
{
    struct heap_busy busy[2 * MODULES_MAX];
    size_t n = 0;
    const char *why;

    for (uint32_t i = 0; i < start_info.nr_modules; i++) {
        uint64_t s = modlist[i].cmdline_paddr;

        busy[n++] = (struct heap_busy){ modlist[i].paddr, modlist[i].paddr + modlist[i].size };
        if (s != 0)
            busy[n++] = (struct heap_busy){ s, s + phys_strlen(s) + 1 };
    }
    why = heap_init(memmap, start_info.memmap_entries, busy, n);
    if (why != NULL)
        runtime_fatal(why);
}

static void copy_modules(void)
{
    for (uint32_t i = 0; i < start_info.nr_modules; i++) {
        const char *s = modlist[i].cmdline_paddr == 0 ? "" : phys(modlist[i].cmdline_paddr);
        char *copy = strdup(s);

        if (copy == NULL)
            runtime_fatal("out of memory copying module strings");
        modlist[i].cmdline_paddr = (uint64_t)(uintptr_t)copy;
        modules[i] = (struct runtime_module){ phys(modlist[i].paddr), (size_t)modlist[i].size, copy };
    }
}

/* Nothing the domain needs is left in page 0: make NULL accesses fault. */
static void unmap_page0(void)
{
    boot_pt0[0] = 0;
    __asm__ volatile("invlpg (%0)" : : "r"(0ul) : "memory");
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* split_args: argv[0] = ARGV0, then the words of line (which it cuts up
 * in place). argv[argc] is NULL. */
static char **split_args(char *line, int *argc)
{
    char **argv = calloc(strlen(line) / 2 + 2, sizeof(*argv)); /* at most one word per two bytes */
    int n = 0;

    if (argv == NULL)
        runtime_fatal("out of memory splitting the command line");
    argv[n++] = (char *)ARGV0;
    for (char *p = line; *p != '\0';) {
        while (is_space(*p))
            *p++ = '\0';
        if (*p == '\0')
            break;
        argv[n++] = p;
        while (*p != '\0' && !is_space(*p))
            p++;
    }
    argv[n] = NULL;
    *argc = n;
    return argv;
}

static void run_array(void (**start)(void), void (**end)(void))
{
    for (void (**f)(void) = start; f < end; f++)
        (*f)();
}

static void run_destructors(void)
{
    for (void (**f)(void) = __fini_array_end; f > __fini_array_start;)
        (*--f)();
}

void runtime_entry(uint64_t start_info_paddr)
{
    const char *why;
    char *words, **argv;
    int argc;

    platform_init();
    runtime_vcpu_init(); /* before any output: the console lock needs the vCPU id */
    trap_init();
    thread_init_vcpu("main", boot_stack_bottom); /* before malloc: its lock needs the thread */
    why = check_start_info(start_info_paddr);
    if (why != NULL)
        runtime_fatal(why);
    copy_start_info(start_info_paddr);
    start_heap();
    copy_modules();
    unmap_page0();
    runtime_time_init();

    words = strdup(cmdline);
    if (words == NULL)
        runtime_fatal("out of memory copying the command line");
    argv = split_args(words, &argc);
    run_array(__preinit_array_start, __preinit_array_end);
    run_array(__init_array_start, __init_array_end);
    if (atexit(run_destructors) != 0)
        runtime_fatal("atexit failed");
    exit(main(argc, argv));
}

const struct hvm_start_info *runtime_start_info(void)
{
    return &start_info;
}

uint64_t runtime_ram_end(void)
{
    uint64_t end = 0;

    for (uint32_t i = 0; i < start_info.memmap_entries; i++)
        if (memmap[i].addr + memmap[i].size > end)
            end = memmap[i].addr + memmap[i].size;
    return end;
}

const char *runtime_cmdline(void)
{
    return cmdline;
}

size_t runtime_module_count(void)
{
    return start_info.nr_modules;
}

const struct runtime_module *runtime_module(size_t index)
{
    return index < start_info.nr_modules ? &modules[index] : NULL;
}

/* "XEN_EINVAL" without its "XEN_". */
#define ERRNO_CASE(name, value) \
    case value: return &#name[sizeof("XEN_") - 1];

const char *runtime_errno_name(long e)
{
    switch (e) {
    case 0: return "ok"; XEN_ERRNO_VALUES(ERRNO_CASE)
    default: return "?";
    }
}
