/* SPDX-License-Identifier: MIT */
/*
 * The control domain's deliberate crash (CONTROL_MSG_DEBUG_CRASH, `mosaic
 * debug-crash`): a test of what happens when control dies. The request is
 * answered first; the crash comes once no client is connected (the
 * client has its answer and left) or CRASH_GRACE_NS after the request,
 * whichever is first. The crash is a real fault (an invalid opcode), the
 * way a bug would end the domain: the runtime's trap handler reports it
 * and shuts the domain down as crashed, and the builder acts on it as its
 * manifest's on_crash says.
 */
#pragma once

#include <stdint.h>

#define CRASH_GRACE_NS (2000ull * 1000000ull)

/* crash_request: ask for the crash (the verbs' environment, ctx unused). */
void crash_request(void *ctx);

/* crash_poll: crashes, never returning, if one was asked for and its
 * time has come (clients is how many are connected now); otherwise
 * returns the time by which it must be called again (UINT64_MAX when no
 * crash was asked for). From the event loop only. */
uint64_t crash_poll(uint64_t now, unsigned clients);
