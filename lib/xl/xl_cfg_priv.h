/* SPDX-License-Identifier: MIT */
/*
 * Between the two halves of xl_cfg: xl_cfg.c reads the settings (the
 * grammar, the messages, the checks across keys, the machine check),
 * xl_cfg_keys.c knows each key (its kind of value and what it takes).
 * Private to lib/xl.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "xl_cfg.h"
#include "xl_lex.h"

struct xl_parse;

/* What a key's value is. */
enum xl_cfg_kind {
    XL_KIND_TEXT,   /* a string kept as given: += adds to it */
    XL_KIND_WORD,   /* a string from a fixed set */
    XL_KIND_NUMBER, /* a number, or a string holding one (xl reads both alike) */
    XL_KIND_LIST,   /* a list of strings: += adds items */
    XL_KIND_CPUS,   /* a CPULIST string, or a list of them (one per vCPU) */
};

struct xl_cfg_key {
    enum xl_cfg_field field;
    enum xl_cfg_kind kind;
    /* A single value (all kinds but XL_KIND_LIST): 0 or a failure. */
    int (*value)(struct xl_parse *p, const char *v);
    /* Lists: start a new one (for '='), then take each item, in order. */
    void (*reset)(struct xl_parse *p);
    int (*item)(struct xl_parse *p, const char *v);
    /* XL_KIND_TEXT: the field in struct xl_cfg, which += adds to. */
    size_t offset, size;
};

/* A parse under way. */
struct xl_parse {
    const char *file;
    struct xl_cfg *cfg;
    struct xl_cfg_msgs *msgs;
    struct xl_lex lex;
    const struct xl_cfg_key *key;                /* the setting's key, NULL for one not taken */
    const char *field;                           /* the name messages give: the key's, or "syntax" */
    char key_text[XL_LEX_WORD_MAX + 1];          /* the setting's key as written */
    bool append;                                 /* += onto a value given before */
    bool cpus_list;                              /* cpus was last given as a list */
    unsigned cpus_entries;                       /* that list's entries */
    uint64_t cpus_entry_named[XL_CFG_MAX_VCPUS]; /* the CPUs each entry kept names (xl_cpus_parse) */
    char joined[XL_CFG_CMDLINE_MAX];             /* a text key's value and what += adds to it */
};

/* xl_cfg_fail: the parse's error, "FILE:LINE: FIELD: ..." into
 * p->msgs->error (the first one only). Returns -XEN_EINVAL. */
__attribute__((format(printf, 4, 5))) int xl_cfg_fail(struct xl_parse *p, unsigned line, const char *field,
                                                      const char *fmt, ...);

/* xl_cfg_warn: a warning of the same form, kept if there is room, else
 * counted in p->msgs->warnings_dropped. */
__attribute__((format(printf, 4, 5))) void xl_cfg_warn(struct xl_parse *p, unsigned line, const char *field,
                                                       const char *fmt, ...);

/* xl_cfg_key_find: the key named name, or NULL for one not taken. */
const struct xl_cfg_key *xl_cfg_key_find(const char *name);

/* xl_cfg_key_of_xl: whether name is a key of xl's that Mosaic does not
 * carry out (its warning says so). */
bool xl_cfg_key_of_xl(const char *name);

/* xl_cfg_defaults: *cfg zeroed, then xl's defaults of the keys that
 * have one of their own (weight, actions, CPUs). */
void xl_cfg_defaults(struct xl_cfg *cfg);
