/* SPDX-License-Identifier: MIT */
/*
 * Grant tables, Xen's version 1 (public/grant_table.h): a domain writes
 * grant entries (flags, the domain allowed, its frame) into table frames
 * it shares with the core; another domain maps the granted frame into its
 * own guest-physical space or copies to or from it. The core keeps, per
 * granting domain, an active entry for each ref in use (pin counts: the
 * GTF_reading/GTF_writing flags stay up while it is pinned, so the granter
 * cannot end access under a mapping), and per mapping domain a maptrack
 * table of handles. When a granter dies with frames still mapped, those
 * frames become orphans owned by the mappings: they go back to the
 * allocator when the last of them is unmapped, never before.
 *
 * Portable bookkeeping (STYLE 18): no lock, no hardware. Every function
 * expects the caller to hold the one lock over all grant tables; the
 * environment supplies the gnttab_env_* hooks (guest memory and frames).
 */
#pragma once

#include "core/types.h"
#include "idl/gnttab.h"
#include "idl/xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

#define GNTTAB_MAX_FRAMES        32  /* table frames per domain (Xen's default max_grant_frames: 64) */
#define GNTTAB_ENTRIES_PER_FRAME 512 /* 8-byte v1 entries per 4 KiB */
#define GNTTAB_MAPTRACK_FRAMES   8   /* maptrack frames per domain */
#define GNTTAB_MAPS_PER_FRAME    256 /* 16-byte handles per 4 KiB */
#define GNTTAB_MAX_MAPS          (GNTTAB_MAPTRACK_FRAMES * GNTTAB_MAPS_PER_FRAME)
#define GNTTAB_DOMID_SELF        DOMID_SELF

/* grant_entry_v1.flags (idl/gnttab.idl GTF_*). */
#define GTF_TYPE_MASK     GTF_type_mask
#define GTF_PERMIT_ACCESS GTF_permit_access
#define GTF_READONLY      GTF_readonly
#define GTF_READING       GTF_reading
#define GTF_WRITING       GTF_writing

/* gnttab_map_grant_ref.flags (GNTMAP_*). */
#define GNTMAP_DEVICE_MAP      GNTMAP_device_map
#define GNTMAP_HOST_MAP        GNTMAP_host_map
#define GNTMAP_READONLY        GNTMAP_readonly
#define GNTMAP_APPLICATION_MAP GNTMAP_application_map
#define GNTMAP_CONTAINS_PTE    GNTMAP_contains_pte

/* Per-operation status codes (GNTST_*), written into each request. */
#define GNTST_OKAY              GNTST_okay
#define GNTST_GENERAL_ERROR     GNTST_general_error
#define GNTST_BAD_DOMAIN        GNTST_bad_domain
#define GNTST_BAD_GNTREF        GNTST_bad_gntref
#define GNTST_BAD_HANDLE        GNTST_bad_handle
#define GNTST_BAD_VIRT_ADDR     GNTST_bad_virt_addr
#define GNTST_BAD_DEV_ADDR      GNTST_bad_dev_addr
#define GNTST_NO_DEVICE_SPACE   GNTST_no_device_space
#define GNTST_PERMISSION_DENIED GNTST_permission_denied
#define GNTST_BAD_PAGE          GNTST_bad_page
#define GNTST_BAD_COPY_ARG      GNTST_bad_copy_arg
#define GNTST_ADDRESS_TOO_BIG   GNTST_address_too_big
#define GNTST_EAGAIN            GNTST_eagain
#define GNTST_NO_SPACE          GNTST_no_space

/* Core state of one ref with pins: 8 bytes, a frame of them per table frame. */
struct gnttab_active {
    uint16_t pin_ro; /* read-only mappings and copies in progress */
    uint16_t pin_rw; /* writable ones */
    uint32_t gfn;    /* the granter's frame, read once at the first pin */
};

/* One mapping made by this domain: 16 bytes. */
struct gnttab_map {
    uint16_t granter; /* the granting domain */
    uint16_t flags;   /* GNTTAB_MAP_* */
    grant_ref_t ref;
    uint32_t gfn; /* where it is mapped in this domain */
    uint32_t mfn; /* the machine frame */
};
#define GNTTAB_MAP_USED     (1u << 0)
#define GNTTAB_MAP_READONLY (1u << 1)
#define GNTTAB_MAP_ORPHAN   (1u << 2) /* the granter died: the frame is this mapping's to free */

struct gnttab_table {
    uint16_t dom;
    uint16_t nr_frames;          /* table frames set up */
    uint16_t nr_maptrack_frames; /* maptrack frames set up */
    uint16_t _pad;
    uint32_t nr_maps;                                /* handles in use */
    uint32_t nr_pinned;                              /* active entries with pins (of this domain's grants) */
    uint8_t *shared[GNTTAB_MAX_FRAMES];              /* grant entries, guest-writable */
    struct gnttab_active *active[GNTTAB_MAX_FRAMES]; /* core only */
    struct gnttab_map *maptrack[GNTTAB_MAPTRACK_FRAMES];
};

/* What the environment provides, called with the lock held. */
struct gnttab_table *gnttab_env_table(uint16_t dom); /* NULL: no such domain */
/* gnttab_env_next: every live table in turn, the first for NULL, NULL
 * after the last; the scans for a dead granter's mappings use it,
 * whatever the domains' ids. */
struct gnttab_table *gnttab_env_next(const struct gnttab_table *prev);
/* gnttab_env_ram: the frame of t's own RAM at gfn (not a foreign mapping,
 * not shared info); 0 or -ERR_FAULT. */
int gnttab_env_ram(struct gnttab_table *t, uint64_t gfn, uint64_t *mfn);
/* gnttab_env_map: map mfn at gfn in t's guest-physical space, read-only
 * when ro; -ERR_EXIST when something is there, -ERR_NOMEM. */
int gnttab_env_map(struct gnttab_table *t, uint64_t gfn, uint64_t mfn, bool ro);
void gnttab_env_unmap(struct gnttab_table *t, uint64_t gfn);
/* gnttab_env_detach: take the RAM frame at gfn out of dying t without
 * freeing it (a mapping elsewhere keeps it). */
void gnttab_env_detach(struct gnttab_table *t, uint64_t gfn);
void *gnttab_env_frame(uint64_t mfn); /* the core's pointer to a frame */
void gnttab_env_free(uint64_t mfn);

/* gnttab_table_init: an empty table (no frames) for domain dom. */
void gnttab_table_init(struct gnttab_table *t, uint16_t dom);

/* gnttab_add_frame: grows the table by one zeroed table frame and its
 * active frame (both from the environment). -ERR_NOSPC at the limit. */
int gnttab_add_frame(struct gnttab_table *t, void *shared, void *active) __attribute__((warn_unused_result));
/* gnttab_add_maptrack: one more maptrack frame (zeroed). -ERR_NOSPC. */
int gnttab_add_maptrack(struct gnttab_table *t, void *frame) __attribute__((warn_unused_result));
/* gnttab_maptrack_full: a new mapping needs another maptrack frame. */
bool gnttab_maptrack_full(const struct gnttab_table *t);

/*
 * gnttab_map: t maps ref of domain dom at gfn (GNTMAP_* flags). Returns a
 * GNTST_* status; on GNTST_OKAY *handle names the mapping. Refusals, the
 * first that applies (Xen's order for a PVH mapper, then Mosaic's own
 * address checks):
 *   GNTST_BAD_GNTREF        neither GNTMAP_HOST_MAP nor GNTMAP_DEVICE_MAP
 *   GNTST_GENERAL_ERROR     GNTMAP_DEVICE_MAP, _APPLICATION_MAP or
 *                           _CONTAINS_PTE (with host_map or without)
 *   GNTST_BAD_VIRT_ADDR     gfn beyond 32 bits
 *   GNTST_BAD_DOMAIN        no such domain; DOMID_SELF too (by id only)
 *   GNTST_NO_SPACE          no free handle
 *   GNTST_BAD_GNTREF        ref beyond dom's table
 *   GNTST_NO_SPACE          the ref's pin count is at its limit
 *   GNTST_GENERAL_ERROR     entry not GTF_permit_access for t's domain, a
 *                           writable map of a GTF_readonly entry, or an
 *                           entry the granter keeps changing
 *   GNTST_BAD_PAGE          the granted frame is not dom's RAM
 *   GNTST_BAD_VIRT_ADDR     something is mapped at gfn already
 */
int gnttab_map(struct gnttab_table *t, uint16_t dom, grant_ref_t ref, uint32_t flags, uint64_t gfn,
               grant_handle_t *handle) __attribute__((warn_unused_result));
/* gnttab_unmap: undo handle, which must be mapped at gfn. GNTST_*. */
int gnttab_unmap(struct gnttab_table *t, grant_handle_t handle, uint64_t gfn) __attribute__((warn_unused_result));

/* One side of a copy: a grant ref of dom (by id or DOMID_SELF), or (no
 * gref) a frame of t itself, which dom must name as DOMID_SELF. */
struct gnttab_copy_side {
    bool gref;
    uint16_t dom;
    uint64_t ref_or_gfn;
    uint16_t offset;
};
/*
 * gnttab_copy: len bytes from src to dst. GNTST_*, the first that applies
 * (Xen's order): for src, then dst, GNTST_PERMISSION_DENIED (a frame by
 * number with a dom other than DOMID_SELF, even t's own id) or
 * GNTST_BAD_DOMAIN (a grant's domain does not exist); then src read-only,
 * then dst writable: GNTST_BAD_GNTREF, GNTST_NO_SPACE (pin limit),
 * GNTST_GENERAL_ERROR (entry not granted to t, writing into a GTF_readonly
 * entry, unstable entry), GNTST_BAD_PAGE (not RAM); last
 * GNTST_BAD_COPY_ARG (crosses the end of a page). Pins last only while it
 * runs; a refused copy writes nothing.
 */
int gnttab_copy(struct gnttab_table *t, const struct gnttab_copy_side *src, const struct gnttab_copy_side *dst,
                uint16_t len) __attribute__((warn_unused_result));

/*
 * gnttab_seed: writes entry ref of t on its domain's behalf, as Xen's
 * toolstack seeds a new domain's reserved entries before it runs: access
 * for domain grantee to frame gfn, read-only when ro. The entry is made
 * invalid first and its flags written last, so no reader ever sees half
 * of it valid. -ERR_INVAL for a ref beyond the table, -ERR_BUSY while a
 * mapping or copy pins it (nothing is written then); 0 otherwise.
 */
int gnttab_seed(struct gnttab_table *t, grant_ref_t ref, uint16_t grantee, uint32_t gfn, bool ro)
    __attribute__((warn_unused_result));

/* gnttab_frame_pinned: some active entry of t pins its RAM frame at gfn
 * (it must not be freed or replaced). */
bool gnttab_frame_pinned(const struct gnttab_table *t, uint64_t gfn);

/* gnttab_release: for a dying domain: unmap everything it mapped, and turn
 * frames others still map from its grants into orphans. */
void gnttab_release(struct gnttab_table *t);
