#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: the kernel brought up as many CPUs as the command line says
# the domain has (mosaic_cpus=N, set by whoever wrote the command line).
# One TEST line; /init sends it to the console and the kernel log.

have=$(nproc)
if [ -z "${mosaic_cpus-}" ]; then
    echo "TEST FAIL nproc: no mosaic_cpus=N on the kernel command line"
elif [ "$have" = "$mosaic_cpus" ]; then
    echo "TEST PASS nproc"
else
    echo "TEST FAIL nproc: nproc says $have, mosaic_cpus=$mosaic_cpus"
fi
