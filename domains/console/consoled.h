/* SPDX-License-Identifier: MIT */
/*
 * The console domain's parts: the user's serial port (uart.c), the
 * guests' console rings with their bounded logs (guests.c), the console
 * channel's clients (clients.c, answering through serve.c), and the loop
 * that finds guests and clients in XenStore and moves bytes (console.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/consctl.h"
#include "idl/console.h"
#include "mosaic/bytering.h"
#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/xenbus.h"

#define GUESTS_MAX 64
#define GUEST_LOG  CONSCTL_LOG_KEPT /* bytes of output kept per domain: the newest */
#define GUEST_NAME 32

/* The user's UART (a 16550 at COM2's ports, reached directly).
 * uart_write queues (dropping what does not fit: uart_dropped counts it)
 * and sends what the transmitter takes now; uart_flush sends more, and
 * says whether bytes still wait. */
bool uart_init(uint16_t base);
void uart_write(const char *s, size_t n);
bool uart_flush(void);
uint64_t uart_dropped(void);
/* uart_read: the next received byte, or -1 when none is waiting. */
int uart_read(void);

struct guest {
    bool used;
    bool closed; /* its ring broke: not served, not attached again until it goes */
    uint16_t domid;
    char name[GUEST_NAME];
    struct xencons_interface *page;
    grant_handle_t handle;
    evtchn_port_t port; /* ours, bound to the guest's */
    struct bytering out, in;
    char log[GUEST_LOG]; /* a ring of its newest output: a cache, lost on restart */
    uint64_t logged;     /* bytes ever written to log */
};

/* guest_find: the attached (or closed) guest domid, or NULL. */
struct guest *guest_find(uint16_t domid);
/* guest_attach: map domid's console page (grant ref 0) and bind its port;
 * 0 or a negative Xen errno (nothing kept then). */
long guest_attach(uint16_t domid, uint32_t remote_port, const char *name, struct guest **out);
/* guest_detach: unmap and unbind; the slot is free again. */
void guest_detach(struct guest *g);
/* guest_gone: the guest's domain died (the core closed its end). */
bool guest_gone(const struct guest *g);
/*
 * guest_pump_out: copy what the guest wrote into its log, and to sink
 * when sink is set; returns the bytes moved, or -1 when its ring's
 * indices are impossible (the guest is then closed, logged).
 */
long guest_pump_out(struct guest *g, void (*sink)(const char *, size_t));
/* guest_put_in: up to n bytes of input onto the guest's ring; returns how
 * many fitted, or -1 as above. */
long guest_put_in(struct guest *g, const char *s, size_t n);
/* guest_log_kept: bytes its log holds now (at most GUEST_LOG). */
size_t guest_log_kept(const struct guest *g);
/* guest_next: the attached guests (closed ones too) by slot, the first
 * after `after` (NULL: from the start); NULL at the end. */
struct guest *guest_next(const struct guest *after);

/* The console channel's clients (idl/consctl.idl): the watch tokens of
 * our backend/consctl directory and of the clients' states. */
#define CLIENTS_WATCH_ROOT  "clients"
#define CLIENTS_WATCH_FRONT "client"

/* clients_init: watch our backend/consctl directory; 0 or an errno. */
long clients_init(struct xenbus *xb, uint16_t self);
/* clients_scan: take the entries the builder wrote there (on its watch). */
void clients_scan(void);
/* clients_sync: each client's channel as its front end's state says
 * (on a watch of a client's state). */
void clients_sync(void);
/* clients_serve: answer what each connected client asked. */
void clients_serve(void);
/* clients_reap: forget the clients that died, their entries removed;
 * released: a domain was released since the last call (a client that
 * never connected is looked for in the store only then). */
void clients_reap(bool released);
/* clients_any: whether some client is known. */
bool clients_any(void);
