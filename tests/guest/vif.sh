#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: the vif nodes the toolstack wrote for this domain's two
# network interfaces are libxl's, seen from inside with Debian's
# xenstore-utils. vif 0 is in bridge mode with the MAC the manifest gave
# (vif_mac=, command line) and the default bridge; vif 1 is in route mode
# (vif_ip=) with a MAC drawn in Xen's range. For each: its frontend
# directory (backend, backend-id, handle, mac, state), the backend's
# directory readable and holding libxl's keys (frontend, frontend-id,
# handle, mac, type, online, state, and bridge or script and ip as the
# mode has them, the others absent) and not writable by this domain.
# It needs no driver domain to answer. (With none, xen-netfront would
# hold the boot up for 300 s waiting for it: the scenario keeps it out
# with the kernel's module_blacklist.) One TEST line per check.

test_name=vif
# shellcheck source=tests/guest/xs_lib.sh
. /tests/xs_lib.sh

id=$(xenstore-read domid 2>&1)

# A key that must not be there. $1 check name, $2 path.
key_absent() {
    if got=$(xenstore-read "$2" 2>&1); then
        fail "$1" "$2 is '$(echo "$got" | oneline)', not absent"
        return 1
    fi
    return 0
}

# vif $1's frontend; its mac must be $2 (a pattern); sets back and mac.
check_front() {
    front=/local/domain/$id/device/vif/$1
    back=$(xenstore-read "$front/backend" 2>&1)
    be=$(xenstore-read "$front/backend-id" 2>&1)
    mac=$(xenstore-read "$front/mac" 2>&1)
    case $be in
    '' | *[!0-9]*)
        fail "frontend$1" "$front/backend-id: $(echo "$be" | oneline)"
        return 1
        ;;
    esac
    # shellcheck disable=SC2254 # $2 is a pattern
    case $mac in
    $2) ;;
    *)
        fail "frontend$1" "$front/mac is '$(echo "$mac" | oneline)', not $2"
        return 1
        ;;
    esac
    if [ "$back" != "/local/domain/$be/backend/vif/$id/$1" ]; then
        fail "frontend$1" "$front/backend is '$(echo "$back" | oneline)'"
        return 1
    fi
    key_is "frontend$1" "$front/handle" "$1" && key_is "frontend$1" "$front/state" 1 && pass "frontend$1"
}

# vif $1's backend keys: the shared ones, then the key=value pairs in
# $2, then the keys in $3, which must be absent.
check_back() {
    ok=1
    for kv in "frontend=/local/domain/$id/device/vif/$1" "frontend-id=$id" "handle=$1" "mac=$mac" type=vif \
        online=1 state=1 $2; do
        key_is "backend$1" "$back/${kv%%=*}" "${kv#*=}" || ok=
    done
    for k in $3; do
        key_absent "backend$1" "$back/$k" || ok=
    done
    [ -n "$ok" ] && pass "backend$1"
}

# Readable, not writable: libxl gives the frontend read access only.
check_perms() {
    if out=$(xenstore-write "$back/mac" 00:16:3e:00:00:00 2>&1); then
        fail "backend-perms$1" "$back/mac was writable"
    elif [ "$(xenstore-read "$back/mac" 2>&1)" != "$mac" ]; then
        fail "backend-perms$1" "$back/mac changed: $(echo "$out" | oneline)"
    else
        pass "backend-perms$1"
    fi
}

hex='[0-9a-f][0-9a-f]'
if check_front 0 "${vif_mac:-?}"; then
    check_back 0 bridge=xenbr0 "script ip"
    check_perms 0
fi
if check_front 1 "00:16:3e:$hex:$hex:$hex"; then
    check_back 1 "script=vif-route ip=${vif_ip:-?}" bridge
    check_perms 1
fi
