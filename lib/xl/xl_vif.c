/* SPDX-License-Identifier: MIT */
/*
 * xl's VIFSPEC (xl_vif.h). The input comes from a boot manifest: bounded
 * here, never trusted to be sane. A spec is read key by key, left to
 * right; each value is checked as it comes (decode), and the rules that
 * tie keys together (route and nat need ip=, bridge's default) are
 * applied once all are read.
 */
#include "xl_vif.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "xl_list.h"

enum { K_MAC, K_BRIDGE, K_BACKEND, K_SCRIPT, K_IP, K_VIFNAME, K_TYPE, K_MODEL, K_GATEWAYDEV, K_ACCEL, K_COUNT };

static const char *const key_names[K_COUNT] = { "mac",     "bridge", "backend", "script",     "ip",
                                                "vifname", "type",   "model",   "gatewaydev", "accel" };

struct parse {
    struct xl_vif *v;
    bool given[K_COUNT];
    char *why;
    size_t cap;
    char warning[XL_VIF_WHY_MAX]; /* the first warning, handed over on success */
};

static int fail(struct parse *p, const char *what, const char *value, const char *hint)
{
    return xl_fail(p->why, p->cap, what, value, hint);
}

static void warn(struct parse *p, const char *what, const char *value, const char *hint)
{
    if (!p->warning[0])
        (void)xl_fail(p->warning, sizeof(p->warning), what, value, hint);
}

/* Six pairs of hex digits separated by colons, nothing else. */
static bool mac_text(const char *s, uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++, s += 3) {
        char pair[3] = { s[0], s[0] ? s[1] : '\0', '\0' };
        if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]) || s[2] != (i == 5 ? '\0' : ':'))
            return false;
        mac[i] = (uint8_t)strtoul(pair, NULL, 16);
    }
    return true;
}

static int set_mac(struct parse *p, const char *s)
{
    uint8_t *mac = p->v->mac;

    if (!mac_text(s, mac))
        return fail(p, "mac", s, "want six hex pairs separated by colons, e.g. 00:16:3e:12:34:56");
    if (mac[0] & 1)
        return fail(p, "mac", s, "a multicast address (the first octet is odd); a vif's must be unicast");
    if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
        return fail(p, "mac", s, "the zero address");
    p->v->mac_given = true;
    return 0;
}

/* An interface name as Linux takes one: 1..15 bytes of letters, digits
 * and ._-, into dst (XL_VIF_NAME_MAX bytes). */
static int set_ifname(struct parse *p, char *dst, const char *s, const char *key)
{
    size_t n = strlen(s);

    if (n == 0 || n >= XL_VIF_NAME_MAX ||
        strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
        return fail(p, key, s, "an interface name: 1 to 15 letters, digits, '.', '_' or '-'");
    memcpy(dst, s, n + 1);
    return 0;
}

static int set_backend(struct parse *p, const char *s)
{
    if (!*s || !xl_domain_name_ok(s) || strlen(s) >= XL_VIF_BACKEND_MAX)
        return fail(p, "backend", s, "a domain name: 1 to 31 letters, digits, '-' and '_'");
    strcpy(p->v->backend, s);
    return 0;
}

/* Xen's vif scripts by name, a directory before the name allowed. */
static int set_script(struct parse *p, const char *s)
{
    const char *slash = strrchr(s, '/'), *name = slash ? slash + 1 : s;

    for (unsigned m = XL_VIF_BRIDGE; m <= XL_VIF_NAT; m++)
        if (!strcmp(name, xl_vif_script_name((enum xl_vif_mode)m))) {
            p->v->mode = (enum xl_vif_mode)m;
            p->v->script_given = true;
            return 0;
        }
    return fail(p, "script", s, "want vif-bridge, vif-route or vif-nat (no other script is run here)");
}

/* A decimal number 0..max of at most 3 digits; *s moves past it. */
static bool small_number(const char **s, unsigned max)
{
    unsigned n = 0, digits = 0;

    for (; **s >= '0' && **s <= '9' && digits < 3; (*s)++, digits++)
        n = n * 10 + (unsigned)(**s - '0');
    return digits > 0 && n <= max && !(**s >= '0' && **s <= '9');
}

/* A.B.C.D[/N]; *s moves past it. */
static bool ipv4(const char **s)
{
    for (unsigned i = 0; i < 4; i++) {
        if ((i && *(*s)++ != '.') || !small_number(s, 255))
            return false;
    }
    if (**s == '/') {
        (*s)++;
        return small_number(s, 32);
    }
    return true;
}

/* xl's ip=: addresses separated by single blanks, as the backend's ip
 * node and the vif scripts take them. */
static int set_ip(struct parse *p, const char *v)
{
    const char *s = v;

    if (strlen(v) >= XL_VIF_IP_MAX)
        return fail(p, "ip", v, "longer than 63 bytes");
    for (;;) {
        if (!ipv4(&s))
            return fail(p, "ip", v, "want IPv4 addresses A.B.C.D, each maybe with /PREFIX, separated by blanks");
        if (!*s)
            break;
        if (*s++ != ' ')
            return fail(p, "ip", v, "want IPv4 addresses A.B.C.D, each maybe with /PREFIX, separated by blanks");
    }
    strcpy(p->v->ip, v);
    return 0;
}

static int set_type(struct parse *p, const char *v)
{
    if (!strcmp(v, "vif"))
        return 0;
    if (!strcmp(v, "ioemu"))
        return fail(p, "type", v, "an emulated NIC; a PV guest gets type=vif only");
    return fail(p, "unknown type", v, "want vif");
}

/* What a key is for: the value checked and kept in *p, or refused. */
static int by_key(struct parse *p, unsigned k, const char *v)
{
    switch (k) {
    case K_MAC: return set_mac(p, v);
    case K_BRIDGE: return set_ifname(p, p->v->bridge, v, "bridge");
    case K_BACKEND: return set_backend(p, v);
    case K_SCRIPT: return set_script(p, v);
    case K_IP: return set_ip(p, v);
    case K_VIFNAME: return set_ifname(p, p->v->vifname, v, "vifname");
    case K_TYPE: return set_type(p, v);
    case K_GATEWAYDEV: return set_ifname(p, p->v->gatewaydev, v, "gatewaydev");
    case K_MODEL: warn(p, "model", v, "ignored: a PV vif has no emulated model"); return 0;
    case K_ACCEL: warn(p, "accel", v, "ignored: no accelerator here"); return 0;
    default: return fail(p, "unknown parameter", key_names[k], ""); /* not reached: k < K_COUNT */
    }
}

/* One key=value. */
static int named(struct parse *p, const char *key, const char *v)
{
    static const char *const refused[][2] = {
        { "rate", "not supported here: netdrv does not limit a vif's rate" },
        { "mtu", "not supported here: a vif's MTU is 1500" },
        { "devid", "not supported here: a vif's handle is its place in the vif list" },
    };

    for (unsigned k = 0; k < K_COUNT; k++) {
        if (strcmp(key, key_names[k]) != 0)
            continue;
        if (p->given[k]) {
            char what[40];
            snprintf(what, sizeof(what), "%s given twice, again as", key_names[k]);
            return fail(p, what, v, "");
        }
        p->given[k] = true;
        return by_key(p, k, v);
    }
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (!strcmp(key, refused[i][0]))
            return fail(p, "parameter", key, refused[i][1]);
    return fail(p, "unknown parameter", key, "");
}

/* The rules between keys, once all are read. */
static int finish(struct parse *p)
{
    struct xl_vif *v = p->v;

    if (v->mode != XL_VIF_BRIDGE && !v->ip[0])
        return fail(p, "script", xl_vif_script_name(v->mode), "needs the guest's address: give ip=A.B.C.D");
    if (v->mode == XL_VIF_BRIDGE && !v->bridge[0])
        strcpy(v->bridge, XL_VIF_BRIDGE_DEFAULT);
    if (p->cap)
        snprintf(p->why, p->cap, "%s", p->warning);
    return 0;
}

/* The next key=value of buf at *w, NUL-terminated in place; false at the
 * end. A word with no '=' is returned as a key with value NULL. */
static bool next_pair(char **w, char **key, char **value)
{
    char *s = *w, *comma, *eq;

    if (!s)
        return false;
    s += strspn(s, " \t\n");
    comma = strchr(s, ',');
    if (comma)
        *comma++ = '\0';
    *w = comma;
    if (!*s && !comma)
        return false; /* the end, or a trailing comma's empty rest */
    eq = strchr(s, '=');
    if (eq)
        *eq++ = '\0';
    *key = s;
    *value = eq;
    return true;
}

int xl_vif_parse(const char *spec, struct xl_vif *out, char *why, size_t cap)
{
    char buf[XL_VIF_SPEC_MAX + 1], *w = buf, *key, *value;
    struct parse p = { .v = out, .why = why, .cap = cap };
    int r;

    memset(out, 0, sizeof(*out));
    if ((r = xl_spec_copy(spec, buf, sizeof(buf), "vif spec", why, cap)) != 0)
        return r;
    while (r == 0 && next_pair(&w, &key, &value)) {
        if (!*key && !value)
            continue; /* an empty item between commas */
        r = value ? named(&p, key, value) : fail(&p, "parameter", key, "want key=value");
    }
    return r ? r : finish(&p);
}

void xl_vif_random_mac(uint8_t mac[6], uint64_t bits)
{
    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    mac[3] = (uint8_t)(bits >> 16);
    mac[4] = (uint8_t)(bits >> 8);
    mac[5] = (uint8_t)bits;
}

const char *xl_vif_mode_name(enum xl_vif_mode mode)
{
    return mode == XL_VIF_ROUTE ? "route" : mode == XL_VIF_NAT ? "nat" : "bridge";
}

const char *xl_vif_script_name(enum xl_vif_mode mode)
{
    return mode == XL_VIF_ROUTE ? "vif-route" : mode == XL_VIF_NAT ? "vif-nat" : "vif-bridge";
}

int xl_vif_name_parse(const char *name, uint32_t *handle, uint8_t mac[6], bool *by_mac)
{
    char spec[XL_VIF_SPEC_MAX + 1], why[XL_VIF_WHY_MAX];
    struct xl_vif vif;
    size_t n = strlen(name);

    *by_mac = false;
    if (n > 0 && n <= 9 && strspn(name, "0123456789") == n) {
        *handle = 0;
        for (size_t i = 0; i < n; i++)
            *handle = *handle * 10 + (uint32_t)(name[i] - '0');
        return 0;
    }
    /* One key alone: a comma or a blank would let another in. */
    if (n == 0 || n > 17 || strpbrk(name, ", \t="))
        return -XEN_EINVAL;
    snprintf(spec, sizeof(spec), "mac=%s", name);
    if (xl_vif_parse(spec, &vif, why, sizeof(why)) != 0)
        return -XEN_EINVAL;
    memcpy(mac, vif.mac, 6);
    *by_mac = true;
    return 0;
}
