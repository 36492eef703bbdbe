#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Static checks on the linked core (run after every link):
#  - no loadable segment is both writable and executable;
#  - the core's source names no special domain (STYLE 3: capabilities, not
#    identities, decide who may do what).
set -euo pipefail
elf=$1

if readelf -lW "$elf" | awk '$1=="LOAD" && $7 ~ /W/ && $7 ~ /E/ {found=1} END {exit !found}'; then
    echo "check-core: $elf has a segment that is both writable and executable" >&2
    readelf -lW "$elf" >&2
    exit 1
fi

if grep -rnE 'domid[^;]*== *0\b|\bdom0\b|hardware_domain|DOMID_(SELF|FIRST)' core/ --include='*.[chS]'; then
    echo "check-core: core/ must not single out a domain by its id (see STYLE 3)" >&2
    exit 1
fi
