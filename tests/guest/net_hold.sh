#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Not a check itself: keeps the guest up (last in mosaic_test, before
# mosaic_after=poweroff) while the scenario's `peer` steps run against
# it, and lets it go when the peer says so: a connection to
# net_hold_port (default 5009), or net_hold seconds (default 120)
# passing, for a guest the peer cannot reach (behind NAT). Prints
# "net: holding on PORT" first and "net: released (how)" at the end.

port=${net_hold_port:-5009}
secs=${net_hold:-120}
echo "net: holding on $port for up to $secs s"
if timeout "$secs" nc -l -p "$port" </dev/null >/dev/null 2>&1; then
    echo "net: released (by the peer)"
else
    echo "net: released (after $secs s)"
fi
