#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Xen guest ABI is written once, in idl/ (STYLE 11): fails when a
# source file outside idl/ defines again a number or struct that the Xen
# files of idl/ describe.
# Usage: check-xen-abi.sh [FILE...]   (default: every tracked source
# outside idl/ and tests/idl/, which holds the ABI test's own lists)
#  - `#define NAME` or `struct NAME {` / `union NAME {` for a name an idl/
#    Xen file declares (a const, an enum value, a struct or a union);
#  - `#define` of a Xen-style name (__HYPERVISOR_*, XENVER_*,
#    XENMEM_*, VCPUOP_*, SCHEDOP_*, HVMOP_*, HVM_PARAM_*, VIRQ_*,
#    CONSOLEIO_*, SHUTDOWN_*, EVTCHNOP_*, GNTTABOP_*, GNTST_*, GTF_*,
#    GNTMAP_*, XENFEAT_*, XEN_ELFNOTE_*, XEN_CPUID_*, an errno such as
#    XEN_EINVAL, ERR_INVAL or XS_EINVAL) to a number rather than to a
#    generated name;
#  - one of Xen's reserved domain ids (0x7ff0-0x7ff4: DOMID_SELF, _IO,
#    _XEN, _COW, _INVALID) written as a number;
#  - an errno table: a name string next to its number ({ "EINVAL", 22 }).
# Run by `make test`; `check-xen-abi.sh --self-test` proves each rule fires.
set -euo pipefail
cd "$(dirname "$0")/.."

xen_idl() { ls idl/*.idl | grep -v -e '^idl/mgmt.idl$' -e '^idl/echo.idl$'; }

# Every const, enum value, struct and union name of the Xen files, one a line.
idl_names() {
    xen_idl | xargs sed -n \
        -e 's/^const[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' \
        -e 's/^\(struct\|union\)[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' \
        -e 's/^[[:space:]]\{1,\}\([A-Z_][A-Za-z0-9_]*\)[[:space:]]*=[[:space:]]*-\{0,1\}[0-9A-Za-z_].*,.*/\1/p' |
        sort -u
}

prefixes='__HYPERVISOR_|HYPERVISOR_|HYPERCALL_|XENVER_|XENMEM_|XENMAPSPACE_|VCPUOP_|SCHEDOP_|HVMOP_|HVM_PARAM_|HVM_NR_PARAMS|VIRQ_|CONSOLEIO_|SHUTDOWN_|EVTCHNOP_|EVTCHNSTAT_|GNTTABOP_|GNTST_|GTF_|GNTMAP_|XENFEAT_|XEN_ELFNOTE_|XEN_CPUID_|XEN_HVM_|XEN_E[A-Z0-9]+\b|ERR_[A-Z0-9]+\b|XS_E[A-Z0-9]+\b'
number='(\(?-?(0x[0-9a-fA-F]+|[0-9]+)[uUlL]*\)?|\(?1u? *<< *[0-9]+\)?)'

check() {
    local names_re bad=0
    names_re=$(idl_names | paste -sd'|')
    # A name of idl/ declared again, whatever its value.
    if grep -nE "^[[:space:]]*#[[:space:]]*define[[:space:]]+($names_re)\b|^[[:space:]]*(typedef[[:space:]]+)?(struct|union)[[:space:]]+($names_re)[[:space:]]*\{" "$@"; then
        echo "check-xen-abi: the lines above declare again a name idl/ describes; include the generated header" >&2
        bad=1
    fi
    # A Xen-style name given a number by hand.
    if grep -nE "^[[:space:]]*#[[:space:]]*define[[:space:]]+($prefixes)[A-Za-z0-9_]*[[:space:]]+$number[[:space:]]*(/\*.*)?$" "$@"; then
        echo "check-xen-abi: the lines above give a Xen number by hand; take it from idl/ (a generated name)" >&2
        bad=1
    fi
    # Xen's reserved domain ids as numbers (comments aside).
    if grep -nE '^[^*#]*[^A-Za-z0-9_/*]0x7ff[0-4]u?\b' "$@" | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/\*|\*)'; then
        echo "check-xen-abi: the lines above write a reserved domain id as a number; use DOMID_SELF and friends" >&2
        bad=1
    fi
    # An errno table: a name and its number side by side.
    if grep -nE '\{ *"E[A-Z0-9]+" *, *-?[0-9]+ *\}|\{ *-?[0-9]+ *, *"E[A-Z0-9]+" *\}|case +-?[0-9]+ *: *return +"E[A-Z0-9]+"' "$@"; then
        echo "check-xen-abi: the lines above are an errno table; build it from XEN_ERRNO_VALUES (idl/xen_errno.idl)" >&2
        bad=1
    fi
    return $bad
}

self_test() {
    local rule
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    printf '%s\n' '#define DOMID_SELF 0x7ff0u' >"$dir/1.c"
    printf '%s\n' 'struct vcpu_time_info {' >"$dir/2.c"
    printf '%s\n' '#define HYPERCALL_SCHED_OP 29' >"$dir/3.c"
    printf '%s\n' '#define XEN_EINVAL    22 /* invalid */' >"$dir/4.c"
    printf '%s\n' '    r = evtchn_status(0x7ff0, port, &info);' >"$dir/5.c"
    printf '%s\n' '    { "EINVAL", 22 }, { "EACCES", 13 },' >"$dir/6.c"
    printf '%s\n' '#define __HYPERVISOR_console_io 18' >"$dir/7.S"
    printf '%s\n' '#define GTF_READONLY (1u << 2)' >"$dir/8.h"
    for rule in "$dir"/*; do
        if check "$rule" >/dev/null 2>&1; then
            echo "check-xen-abi: self-test: $(cat "$rule") was not caught" >&2
            exit 1
        fi
    done
    printf '%s\n' '#define GTF_READONLY GTF_readonly' '#define ERR_INVAL XEN_EINVAL' \
        '    x.domid = DOMID_SELF; /* 0x7ff0 */' >"$dir/ok.c"
    if ! check "$dir/ok.c"; then
        echo "check-xen-abi: self-test: an alias of a generated name was refused" >&2
        exit 1
    fi
    echo "check-xen-abi: self-test: every rule fires"
}

if [ "${1:-}" = --self-test ]; then
    self_test
    exit 0
fi
if [ $# -eq 0 ]; then
    mapfile -t files < <(git ls-files -- '*.c' '*.h' '*.S' | grep -v -e '^idl/' -e '^tests/idl/')
    set -- "${files[@]}"
fi
check "$@"
echo "check-xen-abi: no Xen number or struct outside idl/ ($# files)"
