#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: crash the kernel on purpose (sysrq c). What passes is judged
# outside: the hypervisor must see the domain crash (on Xen, a panicking
# PVH Linux shuts down with SHUTDOWN_crash) and act on it. The only line
# this prints itself is a failure: the trigger returned.

echo "mosaic-guest: panic: crashing the kernel through /proc/sysrq-trigger"
echo 1 >/proc/sys/kernel/sysrq
sleep 1 # let /init pass the line on before the kernel stops
echo c >/proc/sysrq-trigger
sleep 5
echo "TEST FAIL panic: the kernel is still running after sysrq c"
