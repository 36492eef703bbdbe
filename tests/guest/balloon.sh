#!/bin/sh
# SPDX-License-Identifier: MIT
# The balloon as the guest sees it (tests/boot/control_xs_verbs.scn): a
# line to the kernel log every 2 s, from the background (init goes on to
# its shell and its traps, so that control/shutdown's poweroff reaches
# it), with the balloon driver's current and target KiB
# (/sys/devices/system/xen_memory/xen_memory0) and /proc/meminfo's MemTotal.
# First, what the guest may do with the nodes the builder opened to
# control: read its memory/target but not write it, write control/shutdown.
mem=/sys/devices/system/xen_memory/xen_memory0
if [ ! -r "$mem/info/current_kb" ]; then
    echo "TEST FAIL balloon: no $mem/info/current_kb: no Xen balloon driver"
    exit 0
fi
# The store's side of the handover: the guest reads its target but may
# not set it (the controller owns it), and may write control/shutdown.
if ! target=$(xenstore-read memory/target 2>&1); then
    echo "TEST FAIL balloon-target-read: xenstore-read memory/target: $target"
elif xenstore-write memory/target "$target" 2>/dev/null; then
    echo "TEST FAIL balloon-target-readonly: the guest wrote its own memory/target"
else
    echo "TEST PASS balloon-target-readonly ($target KiB)"
fi
if xenstore-write control/shutdown "" 2>/dev/null; then
    echo "TEST PASS balloon-shutdown-writable"
else
    echo "TEST FAIL balloon-shutdown-writable: the guest cannot write its control/shutdown"
fi
(
    while :; do
        total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
        echo "mosaic-balloon: current_kb=$(cat "$mem/info/current_kb") target_kb=$(cat "$mem/target_kb") memtotal_kb=$total" >/dev/kmsg
        sleep 2
    done
) </dev/null >/dev/null 2>&1 &
echo "mosaic-balloon: reporting every 2 s"
