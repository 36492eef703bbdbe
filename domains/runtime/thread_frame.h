/* SPDX-License-Identifier: MIT */
/*
 * What thread_switch.S leaves on a suspended thread's stack, lowest
 * address first (the saved stack pointer points at it): the SSE and x87
 * control words, the callee-saved registers of the System V ABI, and the
 * address to return to. thread.c builds the same frame for a new thread
 * and checks it against these offsets.
 */
#pragma once

#define THREAD_FRAME_MXCSR 0x00
#define THREAD_FRAME_FCW   0x04
#define THREAD_FRAME_R15   0x10
#define THREAD_FRAME_R14   0x18
#define THREAD_FRAME_R13   0x20
#define THREAD_FRAME_R12   0x28
#define THREAD_FRAME_RBX   0x30
#define THREAD_FRAME_RBP   0x38
#define THREAD_FRAME_RIP   0x40
#define THREAD_FRAME_SIZE  0x48
