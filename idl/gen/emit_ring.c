/* SPDX-License-Identifier: MIT */
/*
 * Ring output: for `ring NAME`, the size consts, the entry union, the
 * shared page struct with its asserts, and static inline helpers for both
 * ends (Xen's ring.h protocol, done as functions that check the other
 * end's index before using it). The helpers are one template below, with
 * $N (ring name), $S (entry count macro), $B (bytes macro), $Q and $P
 * (request and response C types) filled in. Only compiler builtins are
 * used for ordering, so the header still needs nothing but <stdint.h>.
 */
#include "idlgen.h"

#include <string.h>

/* Names used inside the template (parameters, locals, fields): parse_ring.c
 * refuses a const or enum value of these names in a file with a ring. */
const char *const ring_helper_words[] = {
    "front",
    "back",
    "sring",
    "start",
    "old",
    "prod",
    "event",
    "pending",
    "req",
    "rsp",
    "bytes",
    "i",
    "ring",
    "req_prod",
    "req_event",
    "rsp_prod",
    "rsp_event",
    "req_cons",
    "req_prod_pvt",
    "req_pushed",
    "rsp_cons",
    "rsp_prod_pvt",
    "rsp_pushed",
    "broken",
    "IDL_RING_BROKEN",
    NULL,
};

static const char broken_text[] = "/*\n"
                                  " * What a ring helper returns once the other end has broken the protocol\n"
                                  " * (published an index no correct peer can): -EBADMSG, Xen's errno 74.\n"
                                  " * The ring is then never read again; the caller tears it down.\n"
                                  " */\n"
                                  "#define IDL_RING_BROKEN (-74)\n";

static const char helpers[] =
    "_Static_assert(($S & ($S - 1)) == 0 && sizeof(struct $N_sring) <= $B &&\n"
    "                   offsetof(struct $N_sring, ring) + 2 * $S * sizeof(union $N_sring_entry) > $B,\n"
    "               \"ring $N: $S is the largest power of two of entries that fits in $B bytes\");\n"
    "\n"
    "/*\n"
    " * The front end's own state for ring $N, in its private memory. Indices\n"
    " * count requests and responses since the ring was set up and wrap at\n"
    " * 2^32; index i lives in slot (i & ($S - 1)).\n"
    " */\n"
    "struct $N_front {\n"
    "    struct $N_sring *sring; /* the shared page */\n"
    "    uint32_t req_prod_pvt;   /* requests filled, published or not */\n"
    "    uint32_t req_pushed;     /* requests published in sring->req_prod */\n"
    "    uint32_t rsp_cons;       /* responses consumed */\n"
    "    uint32_t broken;         /* nonzero once the back end broke the protocol */\n"
    "};\n"
    "\n"
    "/* The back end's own state for ring $N, in its private memory. */\n"
    "struct $N_back {\n"
    "    struct $N_sring *sring; /* the shared page */\n"
    "    uint32_t req_cons;       /* requests consumed */\n"
    "    uint32_t rsp_prod_pvt;   /* responses filled, published or not */\n"
    "    uint32_t rsp_pushed;     /* responses published in sring->rsp_prod */\n"
    "    uint32_t broken;         /* nonzero once the front end broke the protocol */\n"
    "};\n"
    "\n"
    "/*\n"
    " * Sets up a new shared page with every index at start (its events asking\n"
    " * for the first message) and attaches the front end to it. The front end\n"
    " * does this before it tells the back end where the page is.\n"
    " */\n"
    "static inline void $N_front_init_at(struct $N_front *front, struct $N_sring *sring, uint32_t start)\n"
    "{\n"
    "    volatile uint8_t *bytes = (volatile uint8_t *)sring;\n"
    "\n"
    "    for (size_t i = 0; i < offsetof(struct $N_sring, ring); i++)\n"
    "        bytes[i] = 0;\n"
    "    sring->req_prod = start;\n"
    "    sring->rsp_prod = start;\n"
    "    sring->req_event = start + 1;\n"
    "    sring->rsp_event = start + 1;\n"
    "    front->sring = sring;\n"
    "    front->req_prod_pvt = start;\n"
    "    front->req_pushed = start;\n"
    "    front->rsp_cons = start;\n"
    "    front->broken = 0;\n"
    "}\n"
    "\n"
    "/* $N_front_init_at() with the indices at 0, as Xen's front ends start. */\n"
    "static inline void $N_front_init(struct $N_front *front, struct $N_sring *sring)\n"
    "{\n"
    "    $N_front_init_at(front, sring, 0);\n"
    "}\n"
    "\n"
    "/* Attaches the back end to a page its front end set up at start. Reads nothing from the page. */\n"
    "static inline void $N_back_init_at(struct $N_back *back, struct $N_sring *sring, uint32_t start)\n"
    "{\n"
    "    back->sring = sring;\n"
    "    back->req_cons = start;\n"
    "    back->rsp_prod_pvt = start;\n"
    "    back->rsp_pushed = start;\n"
    "    back->broken = 0;\n"
    "}\n"
    "\n"
    "/* $N_back_init_at() for a page set up by $N_front_init(). */\n"
    "static inline void $N_back_init(struct $N_back *back, struct $N_sring *sring)\n"
    "{\n"
    "    $N_back_init_at(back, sring, 0);\n"
    "}\n"
    "\n"
    "/* Requests the front end may still fill: $S less those awaiting their response. */\n"
    "static inline uint32_t $N_front_free_slots(const struct $N_front *front)\n"
    "{\n"
    "    return $S - (uint32_t)(front->req_prod_pvt - front->rsp_cons);\n"
    "}\n"
    "\n"
    "/*\n"
    " * The next request slot, in the shared page, for the caller to fill (and\n"
    " * not read back: the back end can change it); NULL when all $S requests\n"
    " * await their responses. $N_front_push_requests() publishes it.\n"
    " */\n"
    "static inline $Q *$N_front_req_slot(struct $N_front *front)\n"
    "{\n"
    "    if ((uint32_t)(front->req_prod_pvt - front->rsp_cons) >= $S)\n"
    "        return ($Q *)0;\n"
    "    return &front->sring->ring[front->req_prod_pvt++ & ($S - 1)].req;\n"
    "}\n"
    "\n"
    "/*\n"
    " * Publishes the requests filled since the last push. Returns true when the\n"
    " * back end asked to hear of them (its req_event lies among them): then send\n"
    " * it an event (Xen's RING_PUSH_REQUESTS_AND_CHECK_NOTIFY).\n"
    " */\n"
    "static inline _Bool $N_front_push_requests(struct $N_front *front)\n"
    "{\n"
    "    uint32_t old = front->req_pushed, prod = front->req_prod_pvt, event;\n"
    "\n"
    "    /* Release: the back end sees the requests before the index that covers them. */\n"
    "    __atomic_store_n(&front->sring->req_prod, prod, __ATOMIC_RELEASE);\n"
    "    front->req_pushed = prod;\n"
    "    /* Full barrier: req_prod is visible before req_event is read, or this end\n"
    "     * and a back end going to sleep could each miss the other's update. */\n"
    "    __atomic_thread_fence(__ATOMIC_SEQ_CST);\n"
    "    event = __atomic_load_n(&front->sring->req_event, __ATOMIC_RELAXED);\n"
    "    return (uint32_t)(prod - event) < (uint32_t)(prod - old);\n"
    "}\n"
    "\n"
    "/*\n"
    " * Responses published and not yet consumed, 0 to $S; or IDL_RING_BROKEN\n"
    " * when rsp_prod claims more responses than requests outstanding (or went\n"
    " * back), and on every call after that.\n"
    " */\n"
    "static inline int $N_front_pending(struct $N_front *front)\n"
    "{\n"
    "    uint32_t prod;\n"
    "\n"
    "    if (front->broken)\n"
    "        return IDL_RING_BROKEN;\n"
    "    /* Read once; acquire: the responses are read after the index that covers them. */\n"
    "    prod = __atomic_load_n(&front->sring->rsp_prod, __ATOMIC_ACQUIRE);\n"
    "    if ((uint32_t)(prod - front->rsp_cons) > (uint32_t)(front->req_pushed - front->rsp_cons)) {\n"
    "        front->broken = 1;\n"
    "        return IDL_RING_BROKEN;\n"
    "    }\n"
    "    return (int)(prod - front->rsp_cons);\n"
    "}\n"
    "\n"
    "/*\n"
    " * Copies the next response into *rsp and returns 1; 0 when none is\n"
    " * pending; IDL_RING_BROKEN as $N_front_pending(). The slot is read once,\n"
    " * into *rsp: check the copy, the page may change under it.\n"
    " */\n"
    "static inline int $N_front_get_response(struct $N_front *front, $P *rsp)\n"
    "{\n"
    "    int pending = $N_front_pending(front);\n"
    "\n"
    "    if (pending <= 0)\n"
    "        return pending;\n"
    "    *rsp = front->sring->ring[front->rsp_cons & ($S - 1)].rsp;\n"
    "    /* Compiler barrier: the copy is complete here and is never re-read from the page. */\n"
    "    __atomic_signal_fence(__ATOMIC_SEQ_CST);\n"
    "    front->rsp_cons++;\n"
    "    return 1;\n"
    "}\n"
    "\n"
    "/*\n"
    " * Before the front end waits for an event: the pending count when\n"
    " * responses are pending; otherwise asks for an event on the next one\n"
    " * (rsp_event = rsp_cons + 1) and looks once more, so a response published\n"
    " * meanwhile is not missed. 0: wait. IDL_RING_BROKEN as $N_front_pending().\n"
    " */\n"
    "static inline int $N_front_final_check(struct $N_front *front)\n"
    "{\n"
    "    int pending = $N_front_pending(front);\n"
    "\n"
    "    if (pending != 0)\n"
    "        return pending;\n"
    "    __atomic_store_n(&front->sring->rsp_event, front->rsp_cons + 1, __ATOMIC_RELAXED);\n"
    "    /* Full barrier: rsp_event is visible before rsp_prod is read again. */\n"
    "    __atomic_thread_fence(__ATOMIC_SEQ_CST);\n"
    "    return $N_front_pending(front);\n"
    "}\n"
    "\n"
    "/*\n"
    " * Requests published and not yet consumed, 0 to $S; or IDL_RING_BROKEN\n"
    " * when req_prod claims more than $S requests awaiting responses (or went\n"
    " * back), and on every call after that.\n"
    " */\n"
    "static inline int $N_back_pending(struct $N_back *back)\n"
    "{\n"
    "    uint32_t prod;\n"
    "\n"
    "    if (back->broken)\n"
    "        return IDL_RING_BROKEN;\n"
    "    /* Read once; acquire: the requests are read after the index that covers them. */\n"
    "    prod = __atomic_load_n(&back->sring->req_prod, __ATOMIC_ACQUIRE);\n"
    "    if ((uint32_t)(prod - back->req_cons) > $S - (uint32_t)(back->req_cons - back->rsp_prod_pvt)) {\n"
    "        back->broken = 1;\n"
    "        return IDL_RING_BROKEN;\n"
    "    }\n"
    "    return (int)(prod - back->req_cons);\n"
    "}\n"
    "\n"
    "/*\n"
    " * Copies the next request into *req and returns 1; 0 when none is\n"
    " * pending; IDL_RING_BROKEN as $N_back_pending(). The slot is read once,\n"
    " * into *req: validate the copy, the front end may change the page.\n"
    " */\n"
    "static inline int $N_back_get_request(struct $N_back *back, $Q *req)\n"
    "{\n"
    "    int pending = $N_back_pending(back);\n"
    "\n"
    "    if (pending <= 0)\n"
    "        return pending;\n"
    "    *req = back->sring->ring[back->req_cons & ($S - 1)].req;\n"
    "    /* Compiler barrier: the copy is complete here and is never re-read from the page. */\n"
    "    __atomic_signal_fence(__ATOMIC_SEQ_CST);\n"
    "    back->req_cons++;\n"
    "    return 1;\n"
    "}\n"
    "\n"
    "/*\n"
    " * The slot for the next response, in the shared page, for the caller to\n"
    " * fill; NULL when every request consumed has its response (a back end\n"
    " * answers only requests it consumed). $N_back_push_responses() publishes it.\n"
    " */\n"
    "static inline $P *$N_back_rsp_slot(struct $N_back *back)\n"
    "{\n"
    "    if (back->rsp_prod_pvt == back->req_cons)\n"
    "        return ($P *)0;\n"
    "    return &back->sring->ring[back->rsp_prod_pvt++ & ($S - 1)].rsp;\n"
    "}\n"
    "\n"
    "/*\n"
    " * Publishes the responses filled since the last push. Returns true when\n"
    " * the front end asked to hear of them (its rsp_event lies among them):\n"
    " * then send it an event (Xen's RING_PUSH_RESPONSES_AND_CHECK_NOTIFY).\n"
    " */\n"
    "static inline _Bool $N_back_push_responses(struct $N_back *back)\n"
    "{\n"
    "    uint32_t old = back->rsp_pushed, prod = back->rsp_prod_pvt, event;\n"
    "\n"
    "    /* Release: the front end sees the responses before the index that covers them. */\n"
    "    __atomic_store_n(&back->sring->rsp_prod, prod, __ATOMIC_RELEASE);\n"
    "    back->rsp_pushed = prod;\n"
    "    /* Full barrier: rsp_prod is visible before rsp_event is read. */\n"
    "    __atomic_thread_fence(__ATOMIC_SEQ_CST);\n"
    "    event = __atomic_load_n(&back->sring->rsp_event, __ATOMIC_RELAXED);\n"
    "    return (uint32_t)(prod - event) < (uint32_t)(prod - old);\n"
    "}\n"
    "\n"
    "/*\n"
    " * Before the back end waits for an event: the pending count when requests\n"
    " * are pending; otherwise asks for an event on the next one (req_event =\n"
    " * req_cons + 1) and looks once more. 0: wait. IDL_RING_BROKEN as\n"
    " * $N_back_pending().\n"
    " */\n"
    "static inline int $N_back_final_check(struct $N_back *back)\n"
    "{\n"
    "    int pending = $N_back_pending(back);\n"
    "\n"
    "    if (pending != 0)\n"
    "        return pending;\n"
    "    __atomic_store_n(&back->sring->req_event, back->req_cons + 1, __ATOMIC_RELAXED);\n"
    "    /* Full barrier: req_event is visible before req_prod is read again. */\n"
    "    __atomic_thread_fence(__ATOMIC_SEQ_CST);\n"
    "    return $N_back_pending(back);\n"
    "}\n";

/* "struct NAME" or "union NAME". */
static const char *c_type_of(char *buf, const struct idl_item *agg)
{
    snprintf(buf, IDL_NAME_MAX + 8, "%s %s", agg->kind == ITEM_UNION ? "union" : "struct", agg->name);
    return buf;
}

/* The template with its placeholders filled in. */
static void put_template(FILE *out, const char *text, const struct idl_item *r)
{
    char q[IDL_NAME_MAX + 8], p[IDL_NAME_MAX + 8];

    c_type_of(q, r->request);
    c_type_of(p, r->response);
    for (const char *c = text; *c; c++) {
        if (*c != '$') {
            fputc(*c, out);
            continue;
        }
        switch (*++c) {
        case 'N': fputs(r->name, out); break;
        case 'S': fputs(r->size_const->name, out); break;
        case 'B': fputs(r->bytes_const->name, out); break;
        case 'Q': fputs(q, out); break;
        case 'P': fputs(p, out); break;
        default: idl_fatal("emit_ring: bad placeholder '$%c'", *c);
        }
    }
}

void emit_ring(FILE *out, const struct idl_item *r)
{
    static bool broken_done; /* one definition per header */
    char q[IDL_NAME_MAX + 8], p[IDL_NAME_MAX + 8], head[3 * IDL_NAME_MAX + 96];

    snprintf(head, sizeof(head), "Ring %s: requests (%s) from the front end, responses (%s) from the back end.",
             r->name, c_type_of(q, r->request), c_type_of(p, r->response));
    emit_block_comment(out, "", head, r->doc);
    for (const struct idl_item *c = r->first; c; c = c->next)
        if (c->kind == ITEM_COMMENT)
            emit_block_comment(out, "", NULL, c->doc);
    emit_const_group(out, r->bytes_const);
    fputc('\n', out);
    emit_aggregate(out, r->entry);
    fputc('\n', out);
    emit_aggregate(out, r->sring);
    fputc('\n', out);
    if (!broken_done) {
        fputs(broken_text, out);
        fputc('\n', out);
        broken_done = true;
    }
    put_template(out, helpers, r);
}
