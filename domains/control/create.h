/* SPDX-License-Identifier: MIT */
/*
 * xl create in the control domain: a config file's text (parsed again
 * here with lib/xl: nothing from the network is trusted) and the images
 * it names (images.h) into a build_spec for the builder's build service
 * (idl/build.idl), asked through the verbs' environment (verbs.h), and
 * the domains so created remembered with their config and images, so
 * that a shutdown is acted on as xl does (on_poweroff, on_reboot,
 * on_crash: destroy, restart from the same images under a new id, or
 * preserve). Pure C: host-tested and fuzzed with the requests (msg.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/control.h"
#include "images.h"
#include "verbs.h"
#include "xl_cfg.h"

#define CREATE_DOMAINS_MAX 32 /* domains created and remembered at once */

/* create_domain: build the domain the config text (len bytes, of the
 * file named file) describes from the kernel image ksha names and the
 * ramdisk rsha names (NULL: none). 0 with *domid and name (CONTROL_NAME_MAX
 * bytes, NUL-padded); else a negative errno (idl/control.idl's
 * CONTROL_MSG_CREATE list) and one line in why (cap bytes). */
int create_domain(const struct verbs_env *e, const char *file, const uint8_t *text, size_t len,
                  const uint8_t ksha[CONTROL_SHA256_SIZE], const uint8_t *rsha, uint16_t *domid, char *name, char *why,
                  size_t cap) __attribute__((warn_unused_result));

/* create_action: what control does with domid, shut down for reason
 * (SHUTDOWN_*): its config's on_poweroff, on_reboot or on_crash, or
 * destroy for a domain control did not create (or any other reason). */
enum xl_action create_action(uint16_t domid, uint32_t reason);

/* create_preserved: note that domid is kept shut down (on_* = preserve):
 * true the first time (log it then), false after. */
bool create_preserved(uint16_t domid);

/* create_restart: domid was destroyed: build it again from its config
 * and images. 0 with the new id in *domid; else the error and why. */
int create_restart(const struct verbs_env *e, uint16_t *domid, char *why, size_t cap)
    __attribute__((warn_unused_result));

/* create_forget: domid is gone: its config dropped, its images released. */
void create_forget(uint16_t domid);

/* create_prune: forget every remembered domain the core no longer knows. */
void create_prune(const struct verbs_env *e);

/* create_forget_all: forget every domain (its images released): a
 * fresh start, for the host tests and the fuzz target's each input. */
void create_forget_all(void);

/* create_count: domains remembered now. */
unsigned create_count(void);
