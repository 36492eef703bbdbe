/* SPDX-License-Identifier: MIT */
/*
 * A reference for the build service's request decoder (domains/builder/
 * buildreq.c), shared by its unit test and its fuzz target: the rules of
 * idl/build.idl written out again, plainly, in the order buildreq.h
 * gives, so that every answer of the decoder can be predicted; and the
 * checks of what an accepted request decodes to.
 */
#pragma once

#include <stdint.h>

#include "buildreq.h"

/* What the decoder must answer: 0, or a negative Xen errno with the field
 * and index it names. */
struct buildreq_expect {
    int status;
    uint16_t field;
    uint32_t index;
};

/* buildreq_model_request, buildreq_model_spec: the answer the rules give
 * for a ring entry, and for a spec page. */
struct buildreq_expect buildreq_model_request(const struct build_request *req);
struct buildreq_expect buildreq_model_spec(const struct build_spec *s);

/* buildreq_model_check: NULL when the decoder's result (r, *err or *p)
 * is the one expected for s and everything in the plan follows from s;
 * else what is wrong, one line. */
const char *buildreq_model_check(const struct build_spec *s, int r, const struct buildreq_plan *p,
                                 const struct construct_failure *err);

/* buildreq_model_good: a spec every rule accepts: a 1-vCPU 16 MiB domain,
 * a 3-page kernel and 1-page ramdisk (index refs 100 and 101), a command
 * line, no devices. */
void buildreq_model_good(struct build_spec *s);

/* buildreq_model_devices: the good spec with two disks served by
 * "blkdrv" (xvda read-write, xvdb read-only from vdb2) and two vifs by
 * "netdrv" (vif 0 bridged with MAC 00:16:3e:01:02:03, vif 1 routed at
 * 10.0.0.2 with no MAC). */
void buildreq_model_devices(struct build_spec *s);
