/* SPDX-License-Identifier: MIT */
/* Deliberate core faults for boot tests (core/boot/test_fault.c). */
#pragma once

/*
 * test_fault_maybe: when the command line has test.fault=KIND (pf, gp,
 * ud, de, stack, panic), raise that fault on CPU test.fault_cpu (default 0).
 * Does not return when a fault was raised.
 */
void test_fault_maybe(const char *cmdline);
