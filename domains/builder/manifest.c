/* SPDX-License-Identifier: MIT */
/*
 * Parsing the boot manifest (format in manifest.h). Input comes from a
 * boot module: bounded, never trusted to be NUL-terminated or sane.
 */
#include "manifest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "xl_cpus.h"
#include "xl_list.h"

#define LINE_MAX_LEN 512

static void trim(char *s)
{
    size_t n = strlen(s);
    char *start = s;

    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (*start && isspace((unsigned char)*start))
        start++;
    memmove(s, start, strlen(start) + 1);
}

static bool parse_uint(const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long n;

    if (!isdigit((unsigned char)*v))
        return false;
    n = strtoull(v, &end, 10);
    if (*end || n > max)
        return false;
    *out = n;
    return true;
}

/* xl's CPU list (lib/xl's xl_cpus.h: "all", "N", "N-M", "^N", several
 * comma-separated), quoted or not. */
static bool parse_cpus(const char *quoted, uint64_t *mask)
{
    char v[LINE_MAX_LEN], why[XL_CPUS_WHY_MAX];
    size_t n = strlen(quoted);
    uint64_t named;

    if (n >= 2 && (quoted[0] == '"' || quoted[0] == '\'') && quoted[n - 1] == quoted[0])
        quoted++, n -= 2;
    if (n >= sizeof(v))
        return false;
    memcpy(v, quoted, n);
    v[n] = '\0';
    return xl_cpus_parse(v, mask, &named, why, sizeof(why)) == 0;
}

/* xl's per-vCPU form: [ENTRY, ENTRY, ...], each entry as parse_cpus
 * takes it, at most MANIFEST_MAX_VCPUS. */
static bool parse_cpu_list(const char *v, struct manifest_domain *d)
{
    size_t n = strlen(v);
    char list[LINE_MAX_LEN], *entry, *next;
    unsigned count = 0;

    if (n < 2 || v[0] != '[' || v[n - 1] != ']' || n - 2 >= sizeof(list))
        return false;
    memcpy(list, v + 1, n - 2);
    list[n - 2] = '\0';
    for (entry = list; entry != NULL; entry = next) {
        next = strchr(entry, ',');
        if (next != NULL)
            *next++ = '\0';
        trim(entry);
        if (count == MANIFEST_MAX_VCPUS || !parse_cpus(entry, &d->vcpu_cpumask[count]))
            return false;
        count++;
    }
    d->nr_vcpu_cpumasks = count;
    d->cpumask = ~0ull;
    return true;
}

void manifest_kernel_cmdline(const struct manifest_domain *d, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s", d->cmdline, d->cmdline[0] && d->extra[0] ? " " : "", d->extra);
}

uint64_t manifest_vcpu_cpus(const struct manifest_domain *d, unsigned vcpu)
{
    return vcpu < d->nr_vcpu_cpumasks ? d->vcpu_cpumask[vcpu] : d->cpumask;
}

static void report(struct manifest *m, unsigned line, const char *what, const char *detail)
{
    printf("builder: manifest:%u: %s%s%s\n", line, what, *detail ? ": " : "", detail);
    m->errors++;
}

/* An error inside the current section: that domain will not be built. */
static void error(struct manifest *m, unsigned line, const char *what, const char *detail)
{
    report(m, line, what, detail);
    if (m->count)
        m->dom[m->count - 1].valid = false;
}

/* The words of the 'caps' key: idl/mgmt.idl's capability bits. */
static const struct {
    const char *name;
    uint64_t bit;
} cap_names[] = {
    { "create", MGMT_CAP_DOMAIN_CREATE },
    { "build", MGMT_CAP_DOMAIN_BUILD },
    { "control", MGMT_CAP_DOMAIN_CONTROL },
    { "grant", MGMT_CAP_CAP_GRANT },
    { "ioport", MGMT_CAP_IOPORT },
    { "pci", MGMT_CAP_PCI },
    { "log", MGMT_CAP_LOG },
};

/* The bit a capability's name stands for; 0 for no capability. */
static uint64_t cap_bit(const char *word)
{
    for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
        if (!strcmp(word, cap_names[i].name))
            return cap_names[i].bit;
    return 0;
}

/* "none", or capability names separated by commas (repeats are harmless).
 * A bad word is named on its own, so that a typo in a long list is found
 * at a glance; the domain is then not built. */
static void parse_caps(struct manifest *m, unsigned line, const char *v, uint64_t *caps)
{
    char word[LINE_MAX_LEN], detail[LINE_MAX_LEN + 96];
    uint64_t set = 0;

    if (!strcmp(v, "none")) {
        *caps = 0;
        return;
    }
    for (;;) {
        size_t len = strcspn(v, ",");
        uint64_t bit;
        memcpy(word, v, len); /* v is a part of one line: len < LINE_MAX_LEN */
        word[len] = '\0';
        trim(word);
        bit = cap_bit(word);
        if (!bit) {
            snprintf(
                detail, sizeof(detail),
                "'%.40s' (want none alone, or some of create, build, control, grant, ioport, pci, log separated by "
                "commas)",
                word);
            error(m, line, "unknown capability in 'caps'", detail);
            return;
        }
        set |= bit;
        if (!v[len])
            break;
        v += len + 1;
    }
    *caps = set;
}

/* One hex port range of the ioports key, "FIRST-LAST" or "PORT"; at
 * most MANIFEST_MAX_IOPORTS of them. */
static bool parse_ioport_range(const char *w, size_t len, struct manifest_domain *d)
{
    char buf[24], *end;
    unsigned long first, last;

    if (!len || len >= sizeof(buf) || d->nr_ioports == MANIFEST_MAX_IOPORTS)
        return false;
    memcpy(buf, w, len);
    buf[len] = '\0';
    first = strtoul(buf, &end, 16);
    last = *end == '-' ? strtoul(end + 1, &end, 16) : first;
    if (end == buf || *end || last < first || last > 0xffff || !isxdigit((unsigned char)buf[0]))
        return false;
    d->ioports[d->nr_ioports].first = (uint16_t)first;
    d->ioports[d->nr_ioports++].nr = (uint32_t)(last - first + 1);
    return true;
}

/* One PCI function of the pci key, xl's BDF: "[SSSS:]BB:DD.F" in hex
 * (segment 0 only: the only one Mosaic assigns from); at most
 * MANIFEST_MAX_PCI of them. */
static bool parse_pci_bdf(const char *w, size_t len, struct manifest_domain *d)
{
    unsigned seg = 0, bus, dev, fn;
    char buf[16], tail;

    if (!len || len >= sizeof(buf) || d->nr_pci == MANIFEST_MAX_PCI)
        return false;
    memcpy(buf, w, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (!isxdigit((unsigned char)buf[i]) && buf[i] != ':' && buf[i] != '.')
            return false;
    if (sscanf(buf, "%x:%x:%x.%x%c", &seg, &bus, &dev, &fn, &tail) != 4 &&
        (seg = 0, sscanf(buf, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3))
        return false;
    if (seg != 0 || bus > 0xff || dev > 0x1f || fn > 7)
        return false;
    d->pci[d->nr_pci++] = bus << 8 | dev << 3 | fn;
    return true;
}

/* A key with several values: separated by commas, or xl's list of them
 * (["a", "b"] or ['a', 'b']); each value, its blanks and quotes dropped,
 * goes to item. */
static bool parse_values(const char *v, bool (*item)(const char *w, size_t len, struct manifest_domain *d),
                         struct manifest_domain *d)
{
    size_t n = strlen(v);

    if (n >= 2 && v[0] == '[' && v[n - 1] == ']')
        v++, n -= 2;
    for (;;) {
        size_t len = strcspn(v, ","), w = 0, e;
        if (len > n)
            len = n;
        e = len;
        while (w < e && (v[w] == ' ' || v[w] == '"' || v[w] == '\''))
            w++;
        while (e > w && (v[e - 1] == ' ' || v[e - 1] == '"' || v[e - 1] == '\''))
            e--;
        if (!item(v + w, e - w, d))
            return false;
        if (len == n)
            return true;
        v += len + 1, n -= len + 1;
    }
}

static bool copy_text(char *dst, size_t n, const char *v)
{
    if (strlen(v) >= n)
        return false;
    strcpy(dst, v);
    return true;
}

/* xl's actions on a domain's shutdown that Mosaic's builder carries out
 * (xl's rename-restart, coredump-* and soft-reset are refused). */
static bool parse_action(const char *val, enum manifest_action *out)
{
    static const char *const names[] = {
        [ACTION_DESTROY] = "destroy", [ACTION_RESTART] = "restart", [ACTION_PRESERVE] = "preserve"
    };

    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(val, names[i])) {
            *out = (enum manifest_action)i;
            return true;
        }
    return false;
}

/* Collects a section's devices, one spec of its list at a time. */
struct dev_list {
    struct manifest_domain *d;
    unsigned line;
    char *why;
    size_t cap;
};

static int add_disk(void *ctx, const char *spec)
{
    struct dev_list *l = ctx;
    struct manifest_domain *d = l->d;
    struct xl_disk *disk = &d->disks[d->nr_disks];
    int r;

    if (d->nr_disks == MANIFEST_MAX_DISKS) {
        snprintf(l->why, l->cap, "more than %u disks", MANIFEST_MAX_DISKS);
        return -XEN_E2BIG;
    }
    if ((r = xl_disk_parse(spec, disk, l->why, l->cap)) != 0)
        return r;
    /* Mosaic has no domain 0 to default to, and no domain serves itself. */
    if (!disk->backend[0] || !strcmp(disk->backend, d->name)) {
        snprintf(l->why, l->cap, "%s: name the driver domain that serves it with backend=NAME, another section",
                 disk->vdev);
        return -XEN_EINVAL;
    }
    for (unsigned i = 0; i < d->nr_disks; i++)
        if (d->disks[i].devid == disk->devid) {
            snprintf(l->why, l->cap, "%s is the same device as %s (%u)", disk->vdev, d->disks[i].vdev, disk->devid);
            return -XEN_EEXIST;
        }
    d->nr_disks++;
    return 0;
}

static bool same_mac(const uint8_t a[6], const uint8_t b[6])
{
    return !memcmp(a, b, 6);
}

/* The vif's checks beyond its spec's. */
static int vif_fits(struct dev_list *l, const struct xl_vif *vif, unsigned handle)
{
    struct manifest_domain *d = l->d;

    if (!vif->backend[0] || !strcmp(vif->backend, d->name)) {
        snprintf(l->why, l->cap, "vif %u: name the driver domain that serves it with backend=NAME, another section",
                 handle);
        return -XEN_EINVAL;
    }
    for (unsigned i = 0; i < handle && vif->mac_given; i++)
        if (d->vifs[i].mac_given && same_mac(d->vifs[i].mac, vif->mac)) {
            snprintf(l->why, l->cap, "vif %u has the MAC of vif %u", handle, i);
            return -XEN_EEXIST;
        }
    return 0;
}

/* One VIFSPEC; its warning, if any, printed as a line of its own. */
static int add_vif(void *ctx, const char *spec)
{
    struct dev_list *l = ctx;
    struct manifest_domain *d = l->d;
    unsigned handle = d->nr_vifs;
    char reason[XL_VIF_WHY_MAX];
    int r;

    if (handle == MANIFEST_MAX_VIFS) {
        snprintf(l->why, l->cap, "more than %u vifs", MANIFEST_MAX_VIFS);
        return -XEN_E2BIG;
    }
    if ((r = xl_vif_parse(spec, &d->vifs[handle], reason, sizeof(reason))) != 0) {
        snprintf(l->why, l->cap, "vif %u: %s", handle, reason);
        return r;
    }
    d->vifs[handle].handle = handle;
    if ((r = vif_fits(l, &d->vifs[handle], handle)) != 0)
        return r;
    if (reason[0])
        printf("builder: manifest:%u: [%s] warning for 'vif' %u: %s\n", l->line, d->name, handle, reason);
    d->nr_vifs++;
    return 0;
}

/* xl's disk = [...] or vif = [...]: the whole list is refused with its
 * first bad item, named with the section, the key and the value; *count
 * is the number of items kept. */
static void parse_devices(struct manifest *m, unsigned line, const char *key, const char *val,
                          int (*add)(void *ctx, const char *spec), unsigned *count)
{
    struct manifest_domain *d = &m->dom[m->count - 1];
    char why[XL_DISK_WHY_MAX + 16], what[MANIFEST_NAME_MAX + 32];
    char detail[LINE_MAX_LEN + sizeof(why) + 8];
    struct dev_list l = { d, line, why, sizeof(why) };

    *count = 0;
    if (xl_list_parse(val, add, &l, why, sizeof(why)) == 0)
        return;
    *count = 0;
    snprintf(what, sizeof(what), "[%s] bad value for '%s'", d->name, key);
    snprintf(detail, sizeof(detail), "%s: %s", val, why);
    error(m, line, what, detail);
}

/* One "key = value" line inside a section. */
static void parse_key(struct manifest *m, unsigned line, const char *key, const char *val)
{
    struct manifest_domain *d = &m->dom[m->count - 1];
    uint64_t n = 0;
    bool ok;

    if (!strcmp(key, "disk")) {
        d->disk_line = line;
        parse_devices(m, line, key, val, add_disk, &d->nr_disks); /* names the bad disk itself */
        return;
    }
    if (!strcmp(key, "vif")) {
        d->vif_line = line;
        parse_devices(m, line, key, val, add_vif, &d->nr_vifs);
        return;
    }
    if (!strcmp(key, "caps")) {
        parse_caps(m, line, val, &d->caps); /* names the bad word itself */
        return;
    }
    if (!strcmp(key, "image") || !strcmp(key, "kernel"))
        ok = *val && copy_text(d->image, sizeof(d->image), val);
    else if (!strcmp(key, "ramdisk"))
        ok = *val && copy_text(d->ramdisk, sizeof(d->ramdisk), val);
    else if (!strcmp(key, "cmdline"))
        ok = copy_text(d->cmdline, sizeof(d->cmdline), val);
    else if (!strcmp(key, "extra"))
        ok = copy_text(d->extra, sizeof(d->extra), val);
    else if (!strcmp(key, "memory"))
        ok = parse_uint(val, 1u << 20, &n) && n >= 1 && (d->memory_mib = n, true);
    else if (!strcmp(key, "vcpus"))
        ok = parse_uint(val, MANIFEST_MAX_VCPUS, &n) && n >= 1 && (d->vcpus = (unsigned)n, true);
    else if (!strcmp(key, "weight"))
        ok = parse_uint(val, 65535, &n) && n >= 1 && (d->weight = (unsigned)n, true);
    else if (!strcmp(key, "cap"))
        ok = parse_uint(val, 800, &n) && (d->cap = (unsigned)n, true);
    else if (!strcmp(key, "cpus"))
        ok = *val == '[' ? parse_cpu_list(val, d) : (d->nr_vcpu_cpumasks = 0, parse_cpus(val, &d->cpumask));
    else if (!strcmp(key, "ioports"))
        ok = (d->nr_ioports = 0, parse_values(val, parse_ioport_range, d));
    else if (!strcmp(key, "pci"))
        ok = (d->nr_pci = 0, parse_values(val, parse_pci_bdf, d));
    else if (!strcmp(key, "build_service"))
        ok = (!strcmp(val, "yes") && (d->build_service = true, true)) ||
             (!strcmp(val, "no") && (d->build_service = false, true));
    else if (!strcmp(key, "service") && !strcmp(val, "console"))
        ok = (d->service = SERVICE_CONSOLE, true);
    else if (!strcmp(key, "watch_release"))
        ok = (!strcmp(val, "yes") && (d->watch_release = true, true)) ||
             (!strcmp(val, "no") && (d->watch_release = false, true));
    else if (!strcmp(key, "service"))
        ok = !strcmp(val, "xenstore") && (d->service = SERVICE_XENSTORE, true);
    else if (!strcmp(key, "handover"))
        ok = *val && copy_text(d->handover, sizeof(d->handover), val) && (d->handover_line = line, true);
    else if (!strcmp(key, "on_poweroff"))
        ok = parse_action(val, &d->on_poweroff);
    else if (!strcmp(key, "on_reboot"))
        ok = parse_action(val, &d->on_reboot);
    else if (!strcmp(key, "on_crash"))
        ok = parse_action(val, &d->on_crash);
    else {
        error(m, line, "unknown key", key);
        return;
    }
    if (!ok) {
        char what[64];
        snprintf(what, sizeof(what), "bad value for '%.32s'", key); /* a known key: short */
        error(m, line, what, val);
    }
}

static void start_section(struct manifest *m, unsigned line, char *s)
{
    size_t n = strlen(s);
    struct manifest_domain *d;

    /* A refused header starts no domain: the keys below it must not reach
     * the previous one, nor a refusal mark that one invalid. */
    m->skipping = true;
    if (n < 3 || s[n - 1] != ']' || n - 2 >= MANIFEST_NAME_MAX) {
        report(m, line, "bad section header (want [name], name under 32 characters), section skipped", s);
        return;
    }
    if (m->count == MANIFEST_MAX_DOMAINS) {
        report(m, line, "too many domains, section skipped", s);
        return;
    }
    m->skipping = false;
    d = &m->dom[m->count++];
    memset(d, 0, sizeof(*d));
    memcpy(d->name, s + 1, n - 2);
    d->vcpus = 1;
    d->weight = 256;
    d->on_reboot = ACTION_RESTART; /* xl's defaults: the other two destroy */
    d->cpumask = ~0ull;
    d->line = line;
    d->valid = true;
    for (const char *p = d->name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            error(m, line, "domain names use letters, digits, '-' and '_'", d->name);
}

static void parse_line(struct manifest *m, unsigned line, char *s)
{
    char *hash = strchr(s, '#'), *eq;

    if (hash)
        *hash = '\0';
    trim(s);
    if (!*s)
        return;
    if (*s == '[') {
        start_section(m, line, s);
        return;
    }
    if (m->skipping)
        return;
    if (!m->count) {
        report(m, line, "a key outside any [domain] section", s);
        return;
    }
    eq = strchr(s, '=');
    if (!eq) {
        error(m, line, "expected 'key = value'", s);
        return;
    }
    *eq = '\0';
    trim(s);
    trim(eq + 1);
    parse_key(m, line, s, eq + 1);
}

/* The index of the section named name before section before, or -1. */
static int section_before(const struct manifest *m, unsigned before, const char *name)
{
    for (unsigned i = 0; i < before; i++)
        if (!strcmp(m->dom[i].name, name))
            return (int)i;
    return -1;
}

/* A device's backend is a domain of an earlier section: built first. */
static void check_backend(struct manifest *m, unsigned i, const char *backend, const char *key, unsigned line)
{
    struct manifest_domain *d = &m->dom[i];
    char what[MANIFEST_NAME_MAX + 80];

    if (!d->valid || section_before(m, i, backend) >= 0)
        return;
    snprintf(what, sizeof(what), "[%s] bad value for '%s': no section before it is named", d->name, key);
    report(m, line, what, backend);
    d->valid = false;
}

static void check_backends(struct manifest *m, unsigned i)
{
    struct manifest_domain *d = &m->dom[i];

    for (unsigned k = 0; k < d->nr_disks; k++)
        check_backend(m, i, d->disks[k].backend, "disk", d->disk_line);
    for (unsigned k = 0; k < d->nr_vifs; k++)
        check_backend(m, i, d->vifs[k].backend, "vif", d->vif_line);
}

/* A handover names an earlier section holding the control capability,
 * and its domain is no service (the builder's to restart). The disk and
 * vif nodes of a domain handed over stay the builder's to remove once it
 * is gone, as for the build service's domains (service.c). */
static void check_handover(struct manifest *m, unsigned i)
{
    struct manifest_domain *d = &m->dom[i];
    char what[MANIFEST_NAME_MAX + 96];
    int to;

    if (!d->valid || !d->handover[0])
        return;
    to = section_before(m, i, d->handover);
    snprintf(what, sizeof(what), "[%s] bad value for 'handover'", d->name);
    if (to < 0)
        report(m, d->handover_line, what, "no section before it is named so");
    else if (!(m->dom[to].caps & MGMT_CAP_DOMAIN_CONTROL))
        report(m, d->handover_line, what, "that domain lacks the control capability (caps = control)");
    else if (d->service != SERVICE_NONE)
        report(m, d->handover_line, what, "a service domain stays with the builder");
    else
        return;
    d->valid = false;
}

static void check_complete(struct manifest *m)
{
    for (unsigned i = 0; i < m->count; i++) {
        struct manifest_domain *d = &m->dom[i];
        check_backends(m, i);
        check_handover(m, i);
        if (d->valid && !d->image[0]) {
            report(m, d->line, "domain has no 'image' (or 'kernel')", d->name);
            d->valid = false;
        }
        if (d->valid && !d->memory_mib) {
            report(m, d->line, "domain has no 'memory'", d->name);
            d->valid = false;
        }
        if (d->valid && d->nr_vcpu_cpumasks > d->vcpus) {
            report(m, d->line, "the 'cpus' list has more entries than the domain has vCPUs", d->name);
            d->valid = false;
        }
    }
}

void manifest_parse(const char *text, size_t len, struct manifest *m)
{
    char line[LINE_MAX_LEN];
    unsigned lineno = 1;
    size_t pos = 0;

    memset(m, 0, sizeof(*m));
    while (pos < len) {
        size_t n = 0;
        bool too_long = false;
        while (pos < len && text[pos] != '\n') {
            if (n + 1 < sizeof(line))
                line[n++] = text[pos];
            else
                too_long = true;
            pos++;
        }
        pos++; /* the newline */
        line[n] = '\0';
        if (too_long || memchr(line, '\0', n))
            report(m, lineno, "line too long or not text", "");
        else
            parse_line(m, lineno, line);
        lineno++;
    }
    check_complete(m);
}

/* Whether mac is a vif's in m other than vif k of domain i. */
static bool mac_taken(const struct manifest *m, unsigned i, unsigned k, const uint8_t mac[6])
{
    for (unsigned j = 0; j < m->count; j++)
        for (unsigned n = 0; n < m->dom[j].nr_vifs; n++)
            if ((j != i || n != k) && same_mac(m->dom[j].vifs[n].mac, mac))
                return true;
    return false;
}

/* Draws vif k of domain i a MAC no other vif has; false when none came. */
static bool draw_mac(struct manifest *m, unsigned i, unsigned k, uint64_t (*bits)(void *ctx), void *ctx)
{
    struct xl_vif *vif = &m->dom[i].vifs[k];

    for (unsigned t = 0; t < MANIFEST_MAC_TRIES; t++) {
        xl_vif_random_mac(vif->mac, bits(ctx));
        if (!mac_taken(m, i, k, vif->mac))
            return true;
    }
    memset(vif->mac, 0, sizeof(vif->mac));
    return false;
}

void manifest_draw_macs(struct manifest *m, uint64_t (*bits)(void *ctx), void *ctx)
{
    for (unsigned i = 0; i < m->count; i++) {
        struct manifest_domain *d = &m->dom[i];
        for (unsigned k = 0; k < d->nr_vifs && d->valid; k++) {
            if (d->vifs[k].mac_given || draw_mac(m, i, k, bits, ctx))
                continue;
            printf("builder: manifest:%u: [%s] vif %u: no MAC unlike the others' in %u draws; domain not built\n",
                   d->vif_line, d->name, k, MANIFEST_MAC_TRIES);
            d->valid = false;
        }
    }
}
