/* SPDX-License-Identifier: MIT */
/*
 * The core log: one formatted line per call, "[cpuN] " prefixed, written
 * whole to the serial console under a lock so lines from different CPUs
 * never interleave. A CPU that faults while holding the lock (or a panic
 * that finds the lock held by a stopped CPU) still gets its lines out.
 */
#include "core/arch.h"
#include "core/fmt.h"
#include "core/log.h"
#include "core/spinlock.h"
#include "core/string.h"

#define LOG_LINE_MAX 240

static struct spinlock console_lock = SPINLOCK_INIT;
static char log_ring[LOG_RING_BYTES]; /* the newest lines: protected by console_lock */
static uint64_t log_written;          /* bytes ever put in log_ring: protected by console_lock */
/* Set once at boot; a debug build (CORE_DEBUG) starts at the debug level. */
static enum log_level log_threshold = CORE_DEBUG ? LOG_DEBUG : LOG_INFO;
static bool log_forced; /* set on panic */

void log_set_level(enum log_level lvl)
{
    log_threshold = lvl;
}

void log_force_console(void)
{
    log_forced = true;
}

/* Takes the console lock unless this CPU already holds it (a fault inside
 * the logger) or a panic gave up waiting for another CPU. */
static bool console_acquire(uint64_t *flags)
{
    *flags = arch_irq_save();
    if (spin_held_by_me(&console_lock))
        return false;
    if (log_forced) {
        for (unsigned i = 0; i < 10000000u; i++) {
            if (!spin_is_locked(&console_lock)) {
                spin_lock(&console_lock);
                return true;
            }
            arch_cpu_relax();
        }
        return false;
    }
    spin_lock(&console_lock);
    return true;
}

static void ring_put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        log_ring[(log_written + i) % LOG_RING_BYTES] = s[i];
    log_written += n;
}

size_t log_read(uint64_t *index, char *out, size_t len, uint64_t *lost)
{
    uint64_t flags, oldest, at;
    size_t n;

    flags = arch_irq_save();
    spin_lock(&console_lock);
    oldest = log_written > LOG_RING_BYTES ? log_written - LOG_RING_BYTES : 0;
    at = *index < oldest ? oldest : *index;
    *lost += at - *index;
    n = at >= log_written ? 0 : (size_t)MIN((uint64_t)len, log_written - at);
    for (size_t i = 0; i < n; i++)
        out[i] = log_ring[(at + i) % LOG_RING_BYTES];
    spin_unlock(&console_lock);
    arch_irq_restore(flags);
    *index = at + n;
    return n;
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    char line[LOG_LINE_MAX + 16];
    va_list ap;
    uint64_t flags;
    int head, n;
    bool locked;

    if (lvl > log_threshold)
        return;
    head = snprintf(line, sizeof(line), "[cpu%u] ", arch_cpu_index());
    va_start(ap, fmt);
    n = vsnprintf(line + head, LOG_LINE_MAX - (size_t)head, fmt, ap);
    va_end(ap);
    n += head;
    if (n >= LOG_LINE_MAX) {
        /* Mark a cut line so nobody mistakes it for the whole fact. */
        n = LOG_LINE_MAX - 1;
        memcpy(line + n - 3, "...", 3);
    }
    line[n++] = '\r';
    line[n++] = '\n';

    locked = console_acquire(&flags);
    arch_console_write(line, (size_t)n);
    line[n - 2] = '\n'; /* the ring keeps plain lines */
    ring_put(line, (size_t)n - 1);
    if (locked)
        spin_unlock(&console_lock);
    arch_irq_restore(flags);
}

void log_regs(const struct log_reg *regs, unsigned n)
{
    char line[LOG_LINE_MAX];
    size_t len = 0;

    for (unsigned i = 0; i < n; i++) {
        char *at = line + len;
        size_t room = sizeof(line) - len;
        int w = regs[i].digits == 4   ? snprintf(at, room, " %s=%04llx", regs[i].name, regs[i].value)
                : regs[i].digits == 8 ? snprintf(at, room, " %s=%08llx", regs[i].name, regs[i].value)
                                      : snprintf(at, room, " %s=%016llx", regs[i].name, regs[i].value);
        len = w > 0 && (size_t)w < sizeof(line) - len ? len + (size_t)w : sizeof(line) - 1;
        if (i % 4 == 3 || i == n - 1) {
            log_err(" %s", line); /* indented under the line that says why */
            len = 0;
        }
    }
}
