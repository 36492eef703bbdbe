#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest benchmark (not a test): what a system call and a hypercall cost a
# Linux program here, from /tests/hcbench (tests/guest/hcbench.c). Lines
# "BENCH <figure> <value>" for tests/bench/linux.py; on a kernel without
# Xen there is no privcmd, and the hypercall line says "none".

/tests/hcbench 10000 7 || echo "BENCH FAIL hcbench: exit status $?"
echo "BENCH done"
