/* SPDX-License-Identifier: MIT */
/*
 * xl's DISKSPEC and virtual device names (xl_disk.h). The input comes
 * from a boot manifest: bounded here, never trusted to be sane. A spec is
 * read parameter by parameter, left to right, with xl's rules: blanks
 * before a parameter are skipped, "key=value" names a parameter, a bare
 * word is the next positional one, target= takes the rest.
 */
#include "xl_disk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "xl_list.h"

/* Which parameters were given, and whether with a value (xl lets an
 * empty one be given again). */
enum { P_TARGET, P_FORMAT, P_VDEV, P_ACCESS, P_BACKEND, P_BACKENDTYPE, P_DEVTYPE, P_COUNT };

struct parse {
    struct xl_disk *d;
    bool given[P_COUNT];
    bool valued[P_COUNT];
    bool deprecated_prefix; /* "phy:" and friends: no positional format */
    char *why;
    size_t cap;
};

static const char *const param_names[P_COUNT] = { "target",  "format",      "vdev",   "access",
                                                  "backend", "backendtype", "devtype" };

static int fail(struct parse *p, const char *what, const char *value, const char *hint)
{
    return xl_fail(p->why, p->cap, what, value, hint);
}

/* ---- virtual device names ---- */

/* Letters a-z as a bijective base-26 number (a=0, z=25, aa=26), at most
 * max; *p moves past them. False when there are none or too many. */
static bool disk_letters(const char **p, uint32_t max, uint32_t *disk)
{
    uint64_t n = 0;
    const char *s = *p;

    if (*s < 'a' || *s > 'z')
        return false;
    for (; *s >= 'a' && *s <= 'z'; s++) {
        n = (n + (s == *p ? 0 : 1)) * 26 + (uint64_t)(*s - 'a');
        if (n > max)
            return false;
    }
    *disk = (uint32_t)n;
    *p = s;
    return true;
}

/* Decimal digits with no leading zero (but "0"), at most max, to the end. */
static bool plain_number(const char *s, uint32_t max, uint32_t *out)
{
    uint64_t n = 0;

    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        n = n * 10 + (uint64_t)(*s - '0');
        if (n > max)
            return false;
    }
    *out = (uint32_t)n;
    return true;
}

/* A partition after a disk's letters: none (0), or 1..max. */
static bool partition(const char *s, uint32_t max, uint32_t *part)
{
    *part = 0;
    return !*s || (*s != '0' && plain_number(s, max, part));
}

#define XVD_MAX_DISK      ((1u << 20) - 1)
#define XVD_MAX_PARTITION 255u

static uint32_t xvd_number(uint32_t disk, uint32_t part)
{
    if (disk <= 15 && part <= 15)
        return 202u << 8 | disk << 4 | part;
    return 1u << 28 | disk << 8 | part;
}

/* "d<disk>[p<partition>]", xen-vbd-interface(7)'s own spelling. */
static bool d_p_name(const char *s, uint32_t *devid)
{
    char disk_s[12];
    const char *pp = strchr(s, 'p');
    size_t n = pp ? (size_t)(pp - s) : strlen(s);
    uint32_t disk, part = 0;

    if (s[0] != 'd' || n < 2 || n - 1 >= sizeof(disk_s))
        return false;
    memcpy(disk_s, s + 1, n - 1);
    disk_s[n - 1] = '\0';
    if (!plain_number(disk_s, XVD_MAX_DISK, &disk) || (pp && !plain_number(pp + 1, XVD_MAX_PARTITION, &part)))
        return false;
    *devid = xvd_number(disk, part);
    return true;
}

/* A number written directly: valid only as one of the encodings. */
static bool valid_encoding(unsigned long long v)
{
    uint32_t major = (uint32_t)(v >> 8), minor = (uint32_t)(v & 0xff);

    if (v >> 28 == 1)
        return true; /* any disk below 2^20, any partition */
    if (v >> 28)
        return false; /* 2 << 28 onwards: reserved */
    switch (major) {
    case 202: /* xvd */
    case 8: /* sd, disks and partitions up to 15 */ return true;
    case 3: /* hd, disks 0 and 1 */
    case 22: /* hd, disks 2 and 3 */ return minor < 128;
    default: return false;
    }
}

static bool number_name(const char *s, uint32_t *devid)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return false;
    v = strtoull(s, &end, 0);
    if (*end || !valid_encoding(v))
        return false;
    *devid = (uint32_t)v;
    return true;
}

int xl_vdev_devid(const char *vdev, uint32_t *devid)
{
    const char *s;
    uint32_t disk, part;

    if (!strncmp(vdev, "xvd", 3) && (s = vdev + 3, disk_letters(&s, XVD_MAX_DISK, &disk)) &&
        partition(s, XVD_MAX_PARTITION, &part)) {
        *devid = xvd_number(disk, part);
        return 0;
    }
    if (d_p_name(vdev, devid) || number_name(vdev, devid))
        return 0;
    if (!strncmp(vdev, "hd", 2) && (s = vdev + 2, disk_letters(&s, 3, &disk)) && partition(s, 63, &part)) {
        *devid = (disk < 2 ? 3u : 22u) << 8 | (disk & 1) << 6 | part;
        return 0;
    }
    if (!strncmp(vdev, "sd", 2) && (s = vdev + 2, disk_letters(&s, 15, &disk)) && partition(s, 15, &part)) {
        *devid = 8u << 8 | disk << 4 | part;
        return 0;
    }
    return -XEN_EINVAL;
}

/* ---- DISKSPEC ---- */

/* Saves a parameter's value; a second value is refused unless the first
 * was empty (xl's rule). */
static int give(struct parse *p, int which, const char *value)
{
    if (p->given[which] && p->valued[which]) {
        char what[40];
        snprintf(what, sizeof(what), "%s given twice, again as", param_names[which]);
        return fail(p, what, value, "");
    }
    p->given[which] = true;
    p->valued[which] = *value != '\0';
    return 0;
}

static int copy_value(struct parse *p, char *dst, size_t cap, const char *value, const char *what)
{
    if (strlen(value) >= cap) {
        char hint[48];
        snprintf(hint, sizeof(hint), "longer than %zu bytes", cap - 1);
        return fail(p, what, value, hint);
    }
    strcpy(dst, value);
    return 0;
}

static int set_format(struct parse *p, const char *v)
{
    int r = give(p, P_FORMAT, v);

    if (r || !*v || !strcmp(v, "raw"))
        return r;
    if (!strcmp(v, "qcow") || !strcmp(v, "qcow2") || !strcmp(v, "vhd") || !strcmp(v, "qed") || !strcmp(v, "empty"))
        return fail(p, "format", v, "only raw disks are served here");
    return fail(p, "unknown format", v, "want raw");
}

static int set_access(struct parse *p, const char *v)
{
    int r = give(p, P_ACCESS, v);

    if (r)
        return r;
    if (!strcmp(v, "r") || !strcmp(v, "ro"))
        p->d->readonly = true;
    else if (!strcmp(v, "w") || !strcmp(v, "rw") || !*v)
        p->d->readonly = false;
    else
        return fail(p, "unknown access", v, "want r, ro, w or rw");
    return 0;
}

static int set_vdev(struct parse *p, const char *v)
{
    int r = give(p, P_VDEV, v);

    return r ? r : copy_value(p, p->d->vdev, sizeof(p->d->vdev), v, "vdev");
}

static int set_devtype(struct parse *p, const char *v)
{
    int r = give(p, P_DEVTYPE, v);

    if (r || !strcmp(v, "disk"))
        return r;
    if (!strcmp(v, "cdrom"))
        return fail(p, "devtype", v, "only disks are served here");
    return fail(p, "unknown devtype", v, "want disk");
}

static int set_backend(struct parse *p, const char *v)
{
    int r = give(p, P_BACKEND, v);

    if (r)
        return r;
    if (!xl_domain_name_ok(v))
        return fail(p, "backend", v, "a domain name: letters, digits, '-' and '_'");
    return copy_value(p, p->d->backend, sizeof(p->d->backend), v, "backend");
}

static int set_backendtype(struct parse *p, const char *v)
{
    int r = give(p, P_BACKENDTYPE, v);

    if (r || !strcmp(v, "phy") || !*v)
        return r;
    if (!strcmp(v, "tap") || !strcmp(v, "qdisk") || !strcmp(v, "standalone"))
        return fail(p, "backendtype", v, "only phy (a driver domain's blkback) is served here");
    return fail(p, "unknown backendtype", v, "want phy");
}

static int set_target(struct parse *p, const char *v)
{
    int r = give(p, P_TARGET, v);

    return r ? r : copy_value(p, p->d->target, sizeof(p->d->target), v, "target");
}

/* The named parameters: key=value. */
static int named(struct parse *p, const char *key, const char *v)
{
    static const char *const unsupported[] = { "script",      "colo-host",   "colo-port",   "colo-export",
                                               "active-disk", "hidden-disk", "grant_usage", "specification" };

    if (!strcmp(key, "format"))
        return set_format(p, v);
    if (!strcmp(key, "access"))
        return set_access(p, v);
    if (!strcmp(key, "vdev"))
        return set_vdev(p, v);
    if (!strcmp(key, "devtype"))
        return set_devtype(p, v);
    if (!strcmp(key, "backend"))
        return set_backend(p, v);
    if (!strcmp(key, "backendtype"))
        return set_backendtype(p, v);
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
        if (!strcmp(key, unsupported[i]))
            return fail(p, "parameter", key, "not supported here (raw disks of a driver domain only)");
    return fail(p, "unknown parameter", key, "");
}

/* xl's flags, all of them refused: what they ask for is not done here. */
static bool is_flag(const char *w)
{
    static const char *const flags[] = { "cdrom", "direct-io-safe", "discard", "no-discard",
                                         "colo",  "no-colo",        "trusted", "untrusted" };

    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (!strcmp(w, flags[i]))
            return true;
    return false;
}

/*
 * xl's deprecated prefixes before a positional parameter, "phy:" and the
 * like: ignored ones are skipped, raw: sets the format, the script and
 * other format prefixes are refused. Moves *w past them. A word, a colon
 * and then a letter or digit is no prefix (it may be "xvda:disk").
 */
static int prefixes(struct parse *p, char **w)
{
    static const char *const ignored[] = { "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy" };
    static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };

    for (;;) {
        char *s = *w, *colon;
        size_t i;
        bool known = false, word_follows;

        if (*s < 'a' || *s > 'z')
            return 0;
        for (colon = s; (*colon >= 'a' && *colon <= 'z') || (*colon >= '0' && *colon <= '9'); colon++)
            ;
        if (*colon != ':')
            return 0;
        word_follows = (colon[1] >= 'a' && colon[1] <= 'z') || (colon[1] >= '0' && colon[1] <= '9');
        *colon = '\0';
        for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]) && !known; i++)
            known = !strcmp(s, ignored[i]);
        for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
            if (!strcmp(s, scripts[i]))
                return fail(p, "prefix", s, "block scripts are not run here");
        if (!strcmp(s, "raw") || !strcmp(s, "qcow") || !strcmp(s, "qcow2") || !strcmp(s, "vhd")) {
            int r = set_format(p, s);
            if (r)
                return r;
            known = true;
        }
        if (!known && word_follows) {
            *colon = ':'; /* a word with a colon in it, no prefix */
            return 0;
        }
        if (!known)
            return fail(p, "unknown deprecated disk prefix", s, "");
        p->deprecated_prefix = true;
        *w = colon + 1;
    }
}

/* A bare word: the next positional parameter not yet given. */
static int positional(struct parse *p, char *w)
{
    char *colon;
    int r = prefixes(p, &w);

    if (r)
        return r;
    if (!p->given[P_TARGET])
        return set_target(p, w);
    if (!p->deprecated_prefix && !p->given[P_FORMAT])
        return set_format(p, w);
    if (!p->given[P_VDEV]) {
        /* "<vdev>:<devtype>", the old way of naming a cdrom */
        if ((colon = strrchr(w, ':')) != NULL) {
            *colon = '\0';
            if ((r = set_devtype(p, colon + 1)) != 0)
                return r;
        }
        return set_vdev(p, w);
    }
    if (!p->given[P_ACCESS])
        return set_access(p, w);
    return fail(p, "too many positional parameters at", w, "");
}

/* What the builder needs in the end: a vdev it can number, a target it
 * can write into XenStore as it is. */
static int finish(struct parse *p)
{
    struct xl_disk *d = p->d;

    if (!d->target[0])
        return fail(p, "no target in", "", "name the disk, e.g. 'phy:vdb,xvda,w'");
    if (strchr(d->target, ','))
        return fail(p, "target", d->target, "target= takes the rest of the spec, commas and all: put target= last");
    for (const char *c = d->target; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._/:+-", *c)))
            return fail(p, "target", d->target, "letters, digits and ._/:+- only");
    if (!d->vdev[0])
        return fail(p, "no vdev in", "", "name the guest's device, e.g. xvda");
    if (xl_vdev_devid(d->vdev, &d->devid) != 0)
        return fail(p, "vdev", d->vdev, "not a virtual device name (xvda, xvdb2, hda, sdb, d0p1, or its number)");
    return 0;
}

int xl_disk_parse(const char *spec, struct xl_disk *out, char *why, size_t cap)
{
    char buf[XL_DISK_SPEC_MAX + 1];
    char *w, *next;
    struct parse p = { .d = out, .why = why, .cap = cap };
    int r;

    memset(out, 0, sizeof(*out));
    if ((r = xl_spec_copy(spec, buf, sizeof(buf), "disk spec", why, cap)) != 0)
        return r;
    for (w = buf; r == 0 && w != NULL; w = next) {
        char *eq;
        while (*w == ' ' || *w == '\t' || *w == '\n')
            w++;
        if (!strncmp(w, "target=", 7)) { /* the rest of the string, commas and all */
            r = set_target(&p, w + 7);
            break;
        }
        next = strchr(w, ',');
        if (next)
            *next++ = '\0';
        if (!*w && !next)
            break; /* the end, or a trailing comma's empty rest */
        eq = strchr(w, '=');
        if (eq) {
            *eq = '\0';
            r = named(&p, w, eq + 1);
        } else if (is_flag(w)) {
            r = fail(&p, "flag", w, "not supported here (raw disks of a driver domain only)");
        } else {
            r = positional(&p, w);
        }
    }
    return r ? r : finish(&p);
}
