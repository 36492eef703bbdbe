#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Static checks on the linked core (run after every link).
# Usage: check-core.sh CORE.elf OBJROOT OBJ...  (OBJROOT: where core/ objects live)
#  - no loadable segment is both writable and executable;
#  - the core's source names no special domain (STYLE 3: capabilities, not
#    identities, decide who may do what).
set -euo pipefail
elf=$1 objroot=$2
shift 2 # the rest: the core's object files

if readelf -lW "$elf" | awk '$1=="LOAD" && $7 ~ /W/ && $7 ~ /E/ {found=1} END {exit !found}'; then
    echo "check-core: $elf has a segment that is both writable and executable" >&2
    readelf -lW "$elf" >&2
    exit 1
fi

if grep -rnE 'domid[^;]*== *0\b|\bdom0\b|hardware_domain|is_control_domain|DOMID_IDLE' core/ --include='*.[chS]'; then
    echo "check-core: core/ must not single out a domain by its id (see STYLE 3)" >&2
    exit 1
fi

# Module boundaries (STYLE 15): every global symbol of a core object starts
# with its file's or folder's name (arch code may also use arch_, and the
# virtualisation extension in svm/ implements vcpu_), or is one
# of the few C-library names the core provides itself.
libc_names=" memcmp memcpy memmove memset snprintf vsnprintf strcmp strlen strncmp strnlen core_main "
bad=0
for obj; do
    src=${obj#"$objroot"/}; src=${src%.o}
    stem=$(basename "${src%.*}"); dir=$(basename "$(dirname "$src")")
    while IFS= read -r sym; do
        case $sym in
        "$stem" | "$stem"_* | "$dir"_*) continue ;;
        arch_*) case $src in arch/*) continue ;; esac ;;
        vcpu_*) case $src in svm/*) continue ;; esac ;; # the generic vCPU interface

        esac
        case $libc_names in *" $sym "*) continue ;; esac
        echo "check-core: core/$src exports '$sym' without its prefix ('${stem}_' or '${dir}_')" >&2
        bad=1
    done < <(nm -g --defined-only "$obj" | awk '{print $3}')
done
[ $bad -eq 0 ] || exit 1
