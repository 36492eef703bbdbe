/* SPDX-License-Identifier: MIT */
/*
 * The keys of an xl config that Mosaic carries out (xl_cfg.h), one
 * value at a time: each checks its own value and stores it. The checks
 * between keys and the defaults that hang on other keys are
 * xl_cfg.c's, after the whole file.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "xl_cfg_priv.h"
#include "xl_cpus.h"
#include "xl_list.h"

static const char *const field_names[XL_CFG_FIELDS] = {
    [XL_CFG_NAME] = "name",
    [XL_CFG_TYPE] = "type",
    [XL_CFG_BUILDER] = "builder",
    [XL_CFG_MEMORY] = "memory",
    [XL_CFG_MAXMEM] = "maxmem",
    [XL_CFG_VCPUS] = "vcpus",
    [XL_CFG_MAXVCPUS] = "maxvcpus",
    [XL_CFG_CPUS] = "cpus",
    [XL_CFG_CPU_WEIGHT] = "cpu_weight",
    [XL_CFG_CAP] = "cap",
    [XL_CFG_KERNEL] = "kernel",
    [XL_CFG_RAMDISK] = "ramdisk",
    [XL_CFG_CMDLINE] = "cmdline",
    [XL_CFG_ROOT] = "root",
    [XL_CFG_EXTRA] = "extra",
    [XL_CFG_DISK] = "disk",
    [XL_CFG_VIF] = "vif",
    [XL_CFG_ON_POWEROFF] = "on_poweroff",
    [XL_CFG_ON_REBOOT] = "on_reboot",
    [XL_CFG_ON_CRASH] = "on_crash",
};

const char *xl_cfg_field_name(enum xl_cfg_field field)
{
    return (unsigned)field < XL_CFG_FIELDS ? field_names[field] : "?";
}

void xl_cfg_defaults(struct xl_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->cpumask = ~0ull;
    cfg->weight = XL_CFG_WEIGHT_DEF;
    cfg->on_poweroff = XL_ACTION_DESTROY;
    cfg->on_reboot = XL_ACTION_RESTART;
    cfg->on_crash = XL_ACTION_DESTROY;
}

/* A failure about the value being read: its key, its token's line. */
#define FAIL(p, ...) xl_cfg_fail(p, (p)->lex.tok_line, (p)->field, __VA_ARGS__)

/* ---- numbers ---- */

/* v as xl's strtol(v, 0) reads it, less what misleads: decimal, or hex
 * after 0x; a leading 0 (octal to xl), a sign or blanks are refused. */
static int number(struct xl_parse *p, const char *v, uint64_t min, uint64_t max, const char *unit, uint64_t *out)
{
    char shown[XL_VALUE_SHOWN_MAX];
    bool hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
    const char *d = hex ? v + 2 : v;
    uint64_t n = 0;

    xl_value_shown(shown, sizeof(shown), v);
    if (v[0] == '0' && v[1] >= '0' && v[1] <= '9')
        return FAIL(p, "'%s' starts with 0, which xl reads as octal: write it in decimal or as 0x...", shown);
    if (!*d)
        return FAIL(p, "'%s' is not a number", shown);
    for (; *d; d++) {
        unsigned digit;
        if (*d >= '0' && *d <= '9')
            digit = (unsigned)(*d - '0');
        else if (hex && ((*d | 0x20) >= 'a' && (*d | 0x20) <= 'f'))
            digit = (unsigned)((*d | 0x20) - 'a' + 10);
        else
            return FAIL(p, "'%s' is not a number", shown);
        if (n <= max) /* max is far below 2^59: this cannot overflow */
            n = n * (hex ? 16 : 10) + digit;
    }
    if (n < min || n > max)
        return FAIL(p, "%s%s is out of range: want %llu to %llu%s", shown, unit, (unsigned long long)min,
                    (unsigned long long)max, unit);
    *out = n;
    return 0;
}

static int set_memory(struct xl_parse *p, const char *v)
{
    return number(p, v, 1, XL_CFG_MEMORY_MAX, " MiB", &p->cfg->memory_mib);
}

static int set_maxmem(struct xl_parse *p, const char *v)
{
    return number(p, v, 1, XL_CFG_MEMORY_MAX, " MiB", &p->cfg->maxmem_mib);
}

/* A number of at most 32 bits into *out. */
static int set_unsigned(struct xl_parse *p, const char *v, unsigned min, unsigned max, unsigned *out)
{
    uint64_t n;
    int r = number(p, v, min, max, "", &n);

    if (r == 0)
        *out = (unsigned)n;
    return r;
}

static int set_vcpus(struct xl_parse *p, const char *v)
{
    return set_unsigned(p, v, 1, XL_CFG_MAX_VCPUS, &p->cfg->vcpus);
}

static int set_maxvcpus(struct xl_parse *p, const char *v)
{
    return set_unsigned(p, v, 1, XL_CFG_MAX_VCPUS, &p->cfg->maxvcpus);
}

static int set_weight(struct xl_parse *p, const char *v)
{
    return set_unsigned(p, v, 1, XL_CFG_WEIGHT_MAX, &p->cfg->weight);
}

/* 100 per vCPU at most: the rest is checked against maxvcpus at the end. */
static int set_cap(struct xl_parse *p, const char *v)
{
    return set_unsigned(p, v, 0, 100 * XL_CFG_MAX_VCPUS, &p->cfg->cap);
}

/* ---- words ---- */

/* Whether v is what xl's strncmp(v, word, strlen(v)) takes for word: a
 * beginning of it (the empty string too). */
static bool xl_abbreviates(const char *v, const char *word)
{
    return strlen(v) <= strlen(word) && !strncmp(v, word, strlen(v));
}

static int set_type(struct xl_parse *p, const char *v)
{
    char shown[XL_VALUE_SHOWN_MAX];

    if (!strcmp(v, "pvh"))
        return 0;
    xl_value_shown(shown, sizeof(shown), v);
    /* xl's order: hvm, then pv, so that "p" is pv and only "pvh" is pvh */
    if (xl_abbreviates(v, "hvm") || xl_abbreviates(v, "pv"))
        return FAIL(p, "'%s': Mosaic runs PVH guests only, not xl's %s ones (type = \"pvh\")", shown,
                    xl_abbreviates(v, "hvm") ? "HVM" : "PV");
    return FAIL(p, "unknown type '%s' (xl's are pv, pvh and hvm; Mosaic runs pvh)", shown);
}

/* xl's deprecated form of type: "generic" is pv, "hvm" is hvm; neither
 * is a PVH guest. */
static int set_builder(struct xl_parse *p, const char *v)
{
    char shown[XL_VALUE_SHOWN_MAX];

    xl_value_shown(shown, sizeof(shown), v);
    if (xl_abbreviates(v, "hvm") || xl_abbreviates(v, "generic"))
        return FAIL(p, "'%s' (xl's old form of type = \"%s\"): Mosaic runs PVH guests only (type = \"pvh\")", shown,
                    xl_abbreviates(v, "hvm") ? "hvm" : "pv");
    return FAIL(p, "unknown builder '%s' (xl's are generic and hvm; Mosaic takes type = \"pvh\")", shown);
}

/* xl's actions on shutdown (xl.cfg(5)); the first three are Mosaic's. */
static const char *const actions[] = { [XL_ACTION_DESTROY] = "destroy",
                                       [XL_ACTION_RESTART] = "restart",
                                       [XL_ACTION_PRESERVE] = "preserve",
                                       "rename-restart",
                                       "coredump-destroy",
                                       "coredump-restart",
                                       "soft-reset" };
#define MOSAIC_ACTIONS 3

const char *xl_action_name(enum xl_action action)
{
    return (unsigned)action < MOSAIC_ACTIONS ? actions[action] : "?";
}

static int set_action(struct xl_parse *p, const char *v)
{
    char shown[XL_VALUE_SHOWN_MAX];
    enum xl_action *slot = p->key->field == XL_CFG_ON_POWEROFF ? &p->cfg->on_poweroff
                           : p->key->field == XL_CFG_ON_REBOOT ? &p->cfg->on_reboot
                                                               : &p->cfg->on_crash;

    for (unsigned i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        if (strcmp(v, actions[i]))
            continue;
        if (i >= MOSAIC_ACTIONS)
            return FAIL(p,
                        "'%s' is an action xl knows but Mosaic does not carry out (it does destroy, restart, "
                        "preserve)",
                        actions[i]);
        *slot = (enum xl_action)i;
        return 0;
    }
    xl_value_shown(shown, sizeof(shown), v);
    return FAIL(p,
                "unknown action '%s' (xl's are destroy, restart, rename-restart, preserve, coredump-destroy, "
                "coredump-restart, soft-reset)",
                shown);
}

/* ---- text ---- */

/* A text key's value, before its own check: it fits its field and has
 * no control character. */
static int text_fits(struct xl_parse *p, const char *v)
{
    char shown[XL_VALUE_SHOWN_MAX];
    size_t n = strlen(v);

    xl_value_shown(shown, sizeof(shown), v);
    if (n >= p->key->size)
        return FAIL(p, "'%s' is longer than %zu bytes", shown, p->key->size - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return FAIL(p, "'%s' has a control character (byte 0x%02x)", shown, (unsigned char)v[i]);
    return 0;
}

/* v, which fits, into the key's field. */
static int store_text(struct xl_parse *p, const char *v)
{
    memcpy((char *)p->cfg + p->key->offset, v, strlen(v) + 1);
    return 0;
}

static int set_text(struct xl_parse *p, const char *v)
{
    int r = text_fits(p, v);

    return r ? r : store_text(p, v);
}

static int set_name(struct xl_parse *p, const char *v)
{
    char shown[XL_VALUE_SHOWN_MAX];
    int r = text_fits(p, v);

    if (r)
        return r;
    xl_value_shown(shown, sizeof(shown), v);
    if (!*v || !xl_domain_name_ok(v))
        return FAIL(p, "'%s' is not a domain name: 1 to %d letters, digits, '-' and '_'", shown, XL_CFG_NAME_MAX - 1);
    return store_text(p, v);
}

static int set_kernel(struct xl_parse *p, const char *v)
{
    if (!*v)
        return FAIL(p, "empty: want the path of the guest's kernel");
    return set_text(p, v);
}

/* ---- CPUs ---- */

static int set_cpus(struct xl_parse *p, const char *v)
{
    char why[XL_CPUS_WHY_MAX];
    struct xl_cfg *cfg = p->cfg;

    if (xl_cpus_parse(v, &cfg->cpumask, &cfg->cpus_named, why, sizeof(why)) != 0)
        return FAIL(p, "%s", why);
    cfg->nr_vcpu_cpumasks = 0;
    p->cpus_list = false;
    return 0;
}

/* xl's per-vCPU form: item i for vCPU i; vCPUs past the list run on any
 * CPU, and items past the vCPUs are checked, then dropped (at the end). */
static void reset_cpus(struct xl_parse *p)
{
    p->cfg->cpumask = ~0ull;
    p->cfg->cpus_named = 0;
    p->cfg->nr_vcpu_cpumasks = 0;
    p->cpus_entries = 0;
    p->cpus_list = true;
}

static int add_cpus(struct xl_parse *p, const char *v)
{
    struct xl_cfg *cfg = p->cfg;
    char why[XL_CPUS_WHY_MAX];
    uint64_t mask, named;

    if (xl_cpus_parse(v, &mask, &named, why, sizeof(why)) != 0)
        return FAIL(p, "vCPU %u's %s", p->cpus_entries, why);
    if (p->cpus_entries < XL_CFG_MAX_VCPUS) {
        p->cpus_entry_named[cfg->nr_vcpu_cpumasks] = named;
        cfg->vcpu_cpumask[cfg->nr_vcpu_cpumasks++] = mask;
    }
    p->cpus_entries++;
    return 0;
}

/* ---- devices ---- */

static void reset_disks(struct xl_parse *p)
{
    p->cfg->nr_disks = 0;
}

static int add_disk(struct xl_parse *p, const char *spec)
{
    struct xl_cfg *cfg = p->cfg;
    struct xl_disk *disk = &cfg->disks[cfg->nr_disks];
    char why[XL_DISK_WHY_MAX];

    if (cfg->nr_disks == XL_DISKS_MAX)
        return FAIL(p, "more than %u disks", XL_DISKS_MAX);
    if (xl_disk_parse(spec, disk, why, sizeof(why)) != 0)
        return FAIL(p, "%s", why);
    for (unsigned i = 0; i < cfg->nr_disks; i++)
        if (cfg->disks[i].devid == disk->devid)
            return FAIL(p, "%s is the same device as %s (%u)", disk->vdev, cfg->disks[i].vdev, disk->devid);
    cfg->nr_disks++;
    return 0;
}

static void reset_vifs(struct xl_parse *p)
{
    p->cfg->nr_vifs = 0;
}

/* One VIFSPEC; its warning, if any, is the parse's. */
static int add_vif(struct xl_parse *p, const char *spec)
{
    struct xl_cfg *cfg = p->cfg;
    unsigned handle = cfg->nr_vifs;
    struct xl_vif *vif = &cfg->vifs[handle];
    char why[XL_VIF_WHY_MAX];

    if (handle == XL_VIFS_MAX)
        return FAIL(p, "more than %u vifs", XL_VIFS_MAX);
    if (xl_vif_parse(spec, vif, why, sizeof(why)) != 0)
        return FAIL(p, "vif %u: %s", handle, why);
    vif->handle = handle;
    for (unsigned i = 0; i < handle && vif->mac_given; i++)
        if (cfg->vifs[i].mac_given && !memcmp(cfg->vifs[i].mac, vif->mac, sizeof(vif->mac)))
            return FAIL(p, "vif %u has the MAC of vif %u", handle, i);
    if (why[0])
        xl_cfg_warn(p, p->lex.tok_line, p->field, "vif %u: %s", handle, why);
    cfg->nr_vifs++;
    return 0;
}

/* ---- the table ---- */

#define TEXT(f, member, check)                                                                       \
    {                                                                                                \
        .field = f, .kind = XL_KIND_TEXT, .value = check, .offset = offsetof(struct xl_cfg, member), \
        .size = sizeof(((struct xl_cfg *)0)->member)                                                 \
    }

static const struct xl_cfg_key keys[] = {
    TEXT(XL_CFG_NAME, name, set_name),
    { .field = XL_CFG_TYPE, .kind = XL_KIND_WORD, .value = set_type },
    { .field = XL_CFG_BUILDER, .kind = XL_KIND_WORD, .value = set_builder },
    { .field = XL_CFG_MEMORY, .kind = XL_KIND_NUMBER, .value = set_memory },
    { .field = XL_CFG_MAXMEM, .kind = XL_KIND_NUMBER, .value = set_maxmem },
    { .field = XL_CFG_VCPUS, .kind = XL_KIND_NUMBER, .value = set_vcpus },
    { .field = XL_CFG_MAXVCPUS, .kind = XL_KIND_NUMBER, .value = set_maxvcpus },
    { .field = XL_CFG_CPUS, .kind = XL_KIND_CPUS, .value = set_cpus, .reset = reset_cpus, .item = add_cpus },
    { .field = XL_CFG_CPU_WEIGHT, .kind = XL_KIND_NUMBER, .value = set_weight },
    { .field = XL_CFG_CAP, .kind = XL_KIND_NUMBER, .value = set_cap },
    TEXT(XL_CFG_KERNEL, kernel, set_kernel),
    TEXT(XL_CFG_RAMDISK, ramdisk, set_text),
    TEXT(XL_CFG_CMDLINE, cmdline, set_text),
    TEXT(XL_CFG_ROOT, root, set_text),
    TEXT(XL_CFG_EXTRA, extra, set_text),
    { .field = XL_CFG_DISK, .kind = XL_KIND_LIST, .reset = reset_disks, .item = add_disk },
    { .field = XL_CFG_VIF, .kind = XL_KIND_LIST, .reset = reset_vifs, .item = add_vif },
    { .field = XL_CFG_ON_POWEROFF, .kind = XL_KIND_WORD, .value = set_action },
    { .field = XL_CFG_ON_REBOOT, .kind = XL_KIND_WORD, .value = set_action },
    { .field = XL_CFG_ON_CRASH, .kind = XL_KIND_WORD, .value = set_action },
};

const struct xl_cfg_key *xl_cfg_key_find(const char *name)
{
    for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strcmp(name, field_names[keys[i].field]))
            return &keys[i];
    return NULL;
}

/* Keys of xl.cfg(5) a PV or PVH guest's file may well have, which
 * Mosaic does not carry out. */
static const char *const xl_only_keys[] = {
    "uuid",
    "pool",
    "cpus_soft",
    "on_watchdog",
    "on_soft_reset",
    "bootloader",
    "bootloader_args",
    "firmware",
    "pvshim",
    "pvshim_path",
    "pvshim_cmdline",
    "pvshim_extra",
    "seclabel",
    "init_seclabel",
    "max_grant_frames",
    "max_maptrack_frames",
    "max_grant_version",
    "vnuma",
    "pci",
    "vfb",
    "vkb",
    "vtpm",
    "channel",
    "p9",
    "usbctrl",
    "usbdev",
    "vdispl",
    "vsnd",
    "iomem",
    "ioports",
    "irqs",
    "e820_host",
    "nomigrate",
    "driver_domain",
    "tsc_mode",
    "localtime",
    "rtc_timeoffset",
    "xen_platform_pci",
    "device_model_version",
};

bool xl_cfg_key_of_xl(const char *name)
{
    for (unsigned i = 0; i < sizeof(xl_only_keys) / sizeof(xl_only_keys[0]); i++)
        if (!strcmp(name, xl_only_keys[i]))
            return true;
    return false;
}
