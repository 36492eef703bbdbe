#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: the vbd nodes the toolstack wrote for this domain's disk
# xvda (51712) are libxl's, seen from inside with Debian's xenstore-utils:
# its frontend directory (backend, backend-id, virtual-device,
# device-type), the backend's directory readable and holding libxl's
# keys (frontend, frontend-id, params, mode, dev, type, online,
# removable, bootable, device-type) and not writable by this domain.
# It needs no driver domain to answer. (With none, xen-blkfront would
# hold the boot up for 300 s waiting for it: the scenario keeps it out
# with the kernel's module_blacklist.)
# vbd_params=NAME and vbd_mode=w|r (command line) say what the manifest
# gave; one TEST line per check.

test_name=vbd
# shellcheck source=tests/guest/xs_lib.sh
. /tests/xs_lib.sh

id=$(xenstore-read domid 2>&1)
front=/local/domain/$id/device/vbd/51712

back=$(xenstore-read "$front/backend" 2>&1)
be=$(xenstore-read "$front/backend-id" 2>&1)
case $be in
'' | *[!0-9]*)
    fail frontend "$front/backend-id: $(echo "$be" | oneline)"
    exit 0
    ;;
esac
if [ "$back" = "/local/domain/$be/backend/vbd/$id/51712" ] &&
    key_is frontend "$front/virtual-device" 51712 && key_is frontend "$front/device-type" disk; then
    pass frontend
elif [ "$back" != "/local/domain/$be/backend/vbd/$id/51712" ]; then
    fail frontend "$front/backend is '$(echo "$back" | oneline)'"
fi

ok=1
for kv in "frontend $front" "frontend-id $id" "params ${vbd_params:-?}" "mode ${vbd_mode:-w}" "dev xvda" \
    "type phy" "online 1" "removable 0" "bootable 1" "device-type disk"; do
    key_is backend "$back/${kv%% *}" "${kv#* }" || ok=
done
[ -n "$ok" ] && pass backend

# Readable, not writable: libxl gives the frontend read access only
# (xenstore-write says no more than "could not write path").
if out=$(xenstore-write "$back/params" changed 2>&1); then
    fail backend-perms "$back/params was writable"
elif [ "$(xenstore-read "$back/params" 2>&1)" != "${vbd_params:-?}" ]; then
    fail backend-perms "$back/params changed: $(echo "$out" | oneline)"
else
    pass backend-perms
fi
