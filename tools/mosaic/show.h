/* SPDX-License-Identifier: MIT */
/*
 * How mosaic shows what the control domain answers, in xl's forms: the
 * state letters of `xl list` and `xl vcpu-list`, `xl uptime`'s times,
 * names and log text made safe for a terminal (the answers come from the
 * network and the log holds what guests wrote), JSON strings. Pure C on
 * the C library; host-tested (tests/unit/mosaic_show_test.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* show_domain_state: xl list's six letters (r b p s c d, '-' for each
 * not set) for a control_domain's flags, into out (7 bytes with the NUL).
 * d never shows: the core lists no domain that is being destroyed. */
void show_domain_state(uint16_t flags, char out[7]);

/* show_vcpu_state: xl vcpu-list's three letters for a CONTROL_VCPU_*
 * state: "r--" running, "-b-" blocked, "---" waiting for a CPU, "--p"
 * down (not started, or its domain paused or shut down). */
const char *show_vcpu_state(uint32_t state);

/* show_cpus: an affinity as xl shows one, into buf (cap bytes, at least
 * SHOW_CPUS_MAX): "all" when it covers every CPU of online (online not
 * 0), else ascending ranges ("0-2,5", which lib/xl's xl_cpus_parse reads
 * back); "none" for an empty mask. */
#define SHOW_CPUS_MAX 192
void show_cpus(uint64_t mask, uint64_t online, char *buf, size_t cap);

/* show_uptime: secs as xl uptime writes it, "H:MM:SS", with "N day, " or
 * "N days, " before it from a day on, into buf (cap bytes). */
void show_uptime(uint64_t secs, char *buf, size_t cap);

/* show_name: text (at most max bytes, NUL-terminated or not) safe to
 * print: each byte outside '!'..'~' becomes '?'; into out (cap bytes).
 * show_text: the same, but blanks stay (a sentence, not a name). */
void show_name(const char *text, size_t max, char *out, size_t cap);
void show_text(const char *text, size_t max, char *out, size_t cap);

/* show_json_string: s (NUL-terminated, at most max bytes) as a JSON
 * string with its quotes on f; bytes outside ' '..'~' as \u00XX. */
void show_json_string(FILE *f, const char *s, size_t max);

/* show_log: n bytes of the core's log on f as text: newlines, tabs and
 * ' '..'~' as they are, a carriage return dropped, anything else as
 * \xHH, so that no byte a guest wrote can drive the terminal. */
void show_log(FILE *f, const uint8_t *p, size_t n);
