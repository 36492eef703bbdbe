/* SPDX-License-Identifier: MIT */
/*
 * The register frame trap_entry.S builds for trap.c: offsets used by the
 * assembly, checked against the C struct in trap.c, so the two cannot
 * drift. Above the saved registers sit the vector and error code the stub
 * pushed, then what the CPU pushed (AMD APM vol. 2, 8.9.3).
 */
#pragma once

#define TRAP_FRAME_RAX    0x00
#define TRAP_FRAME_RBX    0x08
#define TRAP_FRAME_RCX    0x10
#define TRAP_FRAME_RDX    0x18
#define TRAP_FRAME_RSI    0x20
#define TRAP_FRAME_RDI    0x28
#define TRAP_FRAME_RBP    0x30
#define TRAP_FRAME_R8     0x38
#define TRAP_FRAME_R9     0x40
#define TRAP_FRAME_R10    0x48
#define TRAP_FRAME_R11    0x50
#define TRAP_FRAME_R12    0x58
#define TRAP_FRAME_R13    0x60
#define TRAP_FRAME_R14    0x68
#define TRAP_FRAME_R15    0x70
#define TRAP_FRAME_GPRS   0x78 /* bytes of saved registers: the stub's pushes follow */
#define TRAP_FRAME_VECTOR 0x78
#define TRAP_FRAME_ERROR  0x80
#define TRAP_FRAME_RIP    0x88 /* pushed by the CPU from here on */
#define TRAP_FRAME_CS     0x90
#define TRAP_FRAME_RFLAGS 0x98
#define TRAP_FRAME_RSP    0xa0
#define TRAP_FRAME_SS     0xa8
#define TRAP_FRAME_SIZE   0xb0
