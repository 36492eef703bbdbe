/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a whole xl config file (lib/xl/xl_cfg.c),
 * in an exact-size copy. Every message must be one printable line
 * "FILE:LINE: FIELD: what" with a line the text has; a refusal has its
 * error and an acceptance none. An accepted config must keep every limit
 * xl_cfg.h promises, have the command line xl makes from root and extra,
 * pass the machine check on a machine as large as it asks for and fail
 * it on one with a MiB less, and on fewer CPUs fail it exactly when a
 * CPU it names is missing or a vCPU is left none. The same text with
 * CRLF line ends must parse to the same bytes and messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "idl/xen_errno.h"
#include "xl_cfg.h"
#include "xl_list.h"

#define FILE_NAME "f.cfg"

/* The number of lines text has (a last one without its line end counts). */
FUZZ_ORACLE static unsigned lines_of(const uint8_t *text, size_t size)
{
    unsigned n = 1;

    for (size_t i = 0; i < size; i++)
        n += text[i] == '\n';
    return n;
}

/* One printable line "f.cfg:LINE: FIELD: what", LINE in 1..lines. */
FUZZ_ORACLE static void check_message(const char *m, unsigned lines)
{
    size_t n = strnlen(m, XL_CFG_MSG_MAX);
    const char *p = m + strlen(FILE_NAME ":");
    unsigned line = 0;

    FUZZ_CHECK(n > 0 && n < XL_CFG_MSG_MAX);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(m[i] >= 0x20 && m[i] < 0x7f);
    FUZZ_CHECK(!strncmp(m, FILE_NAME ":", strlen(FILE_NAME ":")));
    FUZZ_CHECK(*p >= '1' && *p <= '9');
    for (; *p >= '0' && *p <= '9'; p++)
        line = line * 10 + (unsigned)(*p - '0');
    FUZZ_CHECK(line >= 1 && line <= lines);
    FUZZ_CHECK(p[0] == ':' && p[1] == ' ');
    p += 2;
    FUZZ_CHECK(strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") > 0);
    p += strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
    FUZZ_CHECK(p[0] == ':' && p[1] == ' ' && p[2]);
}

/* A text field: terminated inside it, no control character. */
FUZZ_ORACLE static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);

    FUZZ_CHECK(n < cap);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

/* xl's parse_cmdline, written out again. */
FUZZ_ORACLE static void check_cmdline(const struct xl_cfg *c)
{
    char want[2 * XL_CFG_CMDLINE_MAX];
    bool root = c->line[XL_CFG_ROOT], extra = c->line[XL_CFG_EXTRA];

    if (c->line[XL_CFG_CMDLINE])
        return;
    if (root && extra)
        snprintf(want, sizeof(want), "root=%s %s", c->root, c->extra);
    else if (root)
        snprintf(want, sizeof(want), "root=%s", c->root);
    else
        snprintf(want, sizeof(want), "%s", extra ? c->extra : "");
    FUZZ_CHECK(!strcmp(want, c->cmdline));
}

FUZZ_ORACLE static void check_devices(const struct xl_cfg *c)
{
    FUZZ_CHECK(c->nr_disks <= XL_DISKS_MAX && c->nr_vifs <= XL_VIFS_MAX);
    for (unsigned i = 0; i < c->nr_disks; i++) {
        FUZZ_CHECK(strcmp(c->disks[i].backend, c->name));
        for (unsigned j = 0; j < i; j++)
            FUZZ_CHECK(c->disks[i].devid != c->disks[j].devid);
    }
    for (unsigned i = 0; i < c->nr_vifs; i++) {
        FUZZ_CHECK(strcmp(c->vifs[i].backend, c->name));
        for (unsigned j = 0; j < i && c->vifs[i].mac_given; j++)
            FUZZ_CHECK(!c->vifs[j].mac_given || memcmp(c->vifs[i].mac, c->vifs[j].mac, 6));
    }
}

/* A machine of nr_cpus CPUs refuses exactly a config that names a CPU
 * beyond them, or leaves a vCPU none of them. */
FUZZ_ORACLE static void check_machine_cpus(const struct xl_cfg *c, unsigned lines, unsigned nr_cpus)
{
    uint64_t cpus = (1ull << nr_cpus) - 1;
    char error[XL_CFG_MSG_MAX];
    bool bad = (c->cpus_named & ~cpus) != 0;
    int r = xl_cfg_check_machine(FILE_NAME, c, c->maxmem_mib, nr_cpus, error, sizeof(error));

    for (unsigned v = 0; v < c->maxvcpus; v++)
        bad |= !((v < c->nr_vcpu_cpumasks ? c->vcpu_cpumask[v] : c->cpumask) & cpus);
    FUZZ_CHECK(r == (bad ? -XEN_EINVAL : 0));
    if (bad)
        check_message(error, lines);
}

FUZZ_ORACLE static void check_cfg(const struct xl_cfg *c, unsigned lines)
{
    char error[XL_CFG_MSG_MAX];

    check_text(c->name, sizeof(c->name));
    check_text(c->kernel, sizeof(c->kernel));
    check_text(c->ramdisk, sizeof(c->ramdisk));
    check_text(c->cmdline, sizeof(c->cmdline));
    check_text(c->root, sizeof(c->root));
    check_text(c->extra, sizeof(c->extra));
    FUZZ_CHECK(c->name[0] && xl_domain_name_ok(c->name) && c->kernel[0]);
    FUZZ_CHECK(c->memory_mib >= 1 && c->memory_mib <= c->maxmem_mib && c->maxmem_mib <= XL_CFG_MEMORY_MAX);
    FUZZ_CHECK(c->vcpus >= 1 && c->vcpus <= c->maxvcpus && c->maxvcpus <= XL_CFG_MAX_VCPUS);
    FUZZ_CHECK(c->weight >= 1 && c->weight <= XL_CFG_WEIGHT_MAX && c->cap <= 100 * c->maxvcpus);
    FUZZ_CHECK(c->cpumask && c->nr_vcpu_cpumasks <= c->maxvcpus);
    for (unsigned v = 0; v < c->nr_vcpu_cpumasks; v++)
        FUZZ_CHECK(c->vcpu_cpumask[v]);
    FUZZ_CHECK(c->on_poweroff <= XL_ACTION_PRESERVE && c->on_reboot <= XL_ACTION_PRESERVE &&
               c->on_crash <= XL_ACTION_PRESERVE);
    FUZZ_CHECK(c->line[XL_CFG_NAME] && c->line[XL_CFG_KERNEL] && !c->line[XL_CFG_BUILDER]);
    FUZZ_CHECK(c->end_line >= 1 && c->end_line <= lines);
    for (unsigned f = 0; f < XL_CFG_FIELDS; f++)
        FUZZ_CHECK(c->line[f] <= c->end_line);
    check_cmdline(c);
    check_devices(c);
    /* a machine as large as it asks for takes it; a MiB less does not */
    FUZZ_CHECK(xl_cfg_check_machine(FILE_NAME, c, c->maxmem_mib, 64, error, sizeof(error)) == 0 && !error[0]);
    FUZZ_CHECK(xl_cfg_check_machine(FILE_NAME, c, c->memory_mib - 1, 64, error, sizeof(error)) == -XEN_ENOMEM);
    check_message(error, lines);
    check_machine_cpus(c, lines, 1 + lines % 8);
}

static struct xl_cfg cfg, crlf_cfg;
static struct xl_cfg_msgs msgs, crlf_msgs;

FUZZ_ORACLE static void check_parse(int r, unsigned lines)
{
    FUZZ_CHECK(r == 0 || r == -XEN_EINVAL);
    FUZZ_CHECK(r == 0 ? !msgs.error[0] : msgs.error[0] != 0);
    if (r)
        check_message(msgs.error, lines);
    FUZZ_CHECK(msgs.nr_warnings <= XL_CFG_WARNINGS_MAX);
    FUZZ_CHECK(!msgs.warnings_dropped || msgs.nr_warnings == XL_CFG_WARNINGS_MAX);
    for (unsigned i = 0; i < msgs.nr_warnings; i++)
        check_message(msgs.warnings[i], lines);
    if (r == 0)
        check_cfg(&cfg, lines);
}

/* The same text with CRLF line ends: the same result, byte for byte. */
FUZZ_ORACLE static void check_crlf(const uint8_t *data, size_t size, int r)
{
    char *text;
    size_t n = 0;

    if (memchr(data, '\r', size) || 2 * size > XL_CFG_TEXT_MAX || !(text = malloc(2 * size + 1)))
        return;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n')
            text[n++] = '\r';
        text[n++] = (char)data[i];
    }
    FUZZ_CHECK(xl_cfg_parse(FILE_NAME, text, n, &crlf_cfg, &crlf_msgs) == r);
    FUZZ_CHECK(!memcmp(&crlf_msgs, &msgs, sizeof(msgs)));
    FUZZ_CHECK(r || !memcmp(&crlf_cfg, &cfg, sizeof(cfg)));
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    unsigned lines = lines_of(data, size);
    int r;

    if (!text)
        return 0;
    memcpy(text, data, size);
    r = xl_cfg_parse(FILE_NAME, text, size, &cfg, &msgs);
    check_parse(r, lines);
    check_crlf(data, size, r);
    free(text);
    return 0;
}
