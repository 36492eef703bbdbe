/* SPDX-License-Identifier: MIT */
/*
 * A test domain for the console domain (tests/boot/console.scn): it
 * writes to its PV console (mosaic/console.h) and echoes every line it
 * reads there, each also reported on the core's log (console_io), so a
 * scenario can tell which domain got which input. Arguments:
 *   tag=NAME     how its lines start
 *   flood=N      N bytes of filler output first (the log bound is tested)
 *   lines=N      stop after N input lines (default 2); "quit" stops too
 *   wait=S       give up after S seconds without them (default 120)
 *   break=1      instead, publish an impossible output index (the console
 *                domain must close this console alone), then end
 * At the end it reports "contest TAG: N lines in all" and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mosaic/console.h"
#include "mosaic/time.h"

#define LINE_MAX_LEN 128

static struct console con;
static const char *tag = "contest";

static void say(const char *s)
{
    (void)console_write(&con, s, strlen(s), 5 * TIME_NS_PER_MS * 1000);
}

static void flood(unsigned long n)
{
    char line[64];

    for (unsigned long done = 0; done < n;) {
        int k = snprintf(line, sizeof(line), "%s filler %06lu ........................\r\n", tag, done);
        (void)console_write(&con, line, (size_t)k, 5 * TIME_NS_PER_MS * 1000);
        done += (unsigned long)k;
    }
}

int main(int argc, char **argv)
{
    unsigned long flood_n = 0, want = 2, wait_s = 120, got = 0, hostile = 0;
    char line[LINE_MAX_LEN], out[LINE_MAX_LEN + 64];
    size_t len = 0;
    uint64_t end;
    long r;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "tag=", 4))
            tag = argv[i] + 4;
        else if (!strncmp(argv[i], "flood=", 6))
            flood_n = strtoul(argv[i] + 6, NULL, 0);
        else if (!strncmp(argv[i], "lines=", 6))
            want = strtoul(argv[i] + 6, NULL, 0);
        else if (!strncmp(argv[i], "wait=", 5))
            wait_s = strtoul(argv[i] + 5, NULL, 0);
        else if (!strncmp(argv[i], "break=", 6))
            hostile = strtoul(argv[i] + 6, NULL, 0);
    }
    if ((r = console_open(&con)) != 0) {
        printf("contest %s: TEST FAIL console_open: %ld\n", tag, r);
        return 1;
    }
    printf("contest %s: TEST PASS console_open\n", tag);
    if (hostile) {
        /* A producer far more than the ring's size ahead of the consumer. */
        __atomic_store_n(&con.page->out_prod, con.page->out_cons + 3 * XENCONS_OUT_SIZE, __ATOMIC_RELEASE);
        (void)evtchn_send(con.port);
        runtime_sleep_ns(2000 * TIME_NS_PER_MS); /* the console domain sees it while we live */
        printf("contest %s: broke its ring, ending\n", tag);
        return 0;
    }
    flood(flood_n);
    snprintf(out, sizeof(out), "%s ready: type a line\r\n", tag);
    say(out);
    end = runtime_time_ns() + wait_s * 1000 * TIME_NS_PER_MS;
    while (got < want && runtime_time_ns() < end) {
        char c;
        r = console_read(&con, &c, 1);
        if (r < 0) {
            printf("contest %s: TEST FAIL console_read: %ld\n", tag, r);
            return 1;
        }
        if (r == 0) {
            console_wait(&con, runtime_time_ns() + 50 * TIME_NS_PER_MS);
            continue;
        }
        if (c != '\r' && c != '\n') {
            if (len < sizeof(line) - 1)
                line[len++] = c;
            continue;
        }
        if (!len)
            continue;
        line[len] = '\0';
        len = 0;
        got++;
        printf("contest %s: got '%s'\n", tag, line);
        snprintf(out, sizeof(out), "%s got: %s\r\n", tag, line);
        say(out);
        if (!strcmp(line, "quit"))
            break;
    }
    printf("contest %s: %lu lines in all\n", tag, got);
    snprintf(out, sizeof(out), "%s: %lu lines in all, bye\r\n", tag, got);
    say(out);
    return 0;
}
