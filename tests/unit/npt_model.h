/* SPDX-License-Identifier: MIT */
/*
 * A reference model of one nested page table, shared by the NPT unit test
 * and its fuzz target: a fake frame pool behind the npt_env_* hooks (each
 * frame its own heap block, so ASan sees a table used after it is freed)
 * and a plain list of mappings. Each npt_model_* operation runs the real
 * npt_* call and the model side by side and returns NULL, or a line
 * naming the first difference or broken invariant.
 */
#pragma once

#include "core/npt.h"

#define NPT_MODEL_FRAMES 1024 /* frames in the fake pool */
#define NPT_MODEL_MAPS   512  /* mappings the model keeps; more maps are skipped */

/* Throws away every frame and mapping; the pool then hands out at most
 * limit frames at a time (tables and owned frames together). */
void npt_model_reset(struct npt *n, size_t limit);
void npt_model_set_limit(size_t limit);

const char *npt_model_create(struct npt *n);
/* npt_model_destroy: npt_destroy; the frames of mappings without
 * NPT_OWNED are the caller's, so the model forgets them. */
const char *npt_model_destroy(struct npt *n);
/* npt_model_map: with NPT_OWNED the frame is a fresh one from the pool
 * (mpa is ignored; nothing happens when the pool is empty), else mpa as
 * given. A frame that was not mapped goes back to the pool. */
const char *npt_model_map(struct npt *n, uint64_t gpa, paddr_t mpa, unsigned flags);
/* npt_model_unmap: an owned frame the unmap hands back goes to the pool. */
const char *npt_model_unmap(struct npt *n, uint64_t gpa);
const char *npt_model_lookup(const struct npt *n, uint64_t gpa);
/* Every invariant: table and owned counts against the model and the pool,
 * and a lookup of every mapping the model holds. */
const char *npt_model_check(const struct npt *n);

/* The model's mappings, for picking a gpa that is mapped. */
size_t npt_model_count(void);
uint64_t npt_model_gpa(size_t i);
