/* SPDX-License-Identifier: MIT */
/*
 * The manifest with its output caught (manifest_caught.h): stdout goes to
 * a temporary file while it parses.
 */
#include "manifest_caught.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

void manifest_caught(const char *text, struct manifest *m, uint64_t (*bits)(void *ctx), void *ctx, char *out,
                     size_t cap)
{
    FILE *tmp = tmpfile();
    int saved = dup(1);
    size_t n;

    fflush(stdout);
    dup2(fileno(tmp), 1);
    manifest_parse(text, strlen(text), m);
    if (bits)
        manifest_draw_macs(m, bits, ctx);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(tmp);
    n = fread(out, 1, cap - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

void manifest_refuses(const char *head, const char *key_line, const char *needle, const char *file, int line)
{
    static struct manifest m;
    static char text[1024], out[4096];

    snprintf(text, sizeof(text), "%s%s\n", head, key_line);
    manifest_caught(text, &m, NULL, NULL, out, sizeof(out));
    if (m.errors != 1 || m.dom[1].valid || !m.dom[0].valid)
        test_fail(file, line, "'%s': %u errors, second section %s: %s", key_line, m.errors,
                  m.dom[1].valid ? "valid" : "invalid", out);
    else if (!strstr(out, needle) || strchr(out, '\n') != out + strlen(out) - 1)
        test_fail(file, line, "'%s' printed '%s', not one line with '%s'", key_line, out, needle);
}
