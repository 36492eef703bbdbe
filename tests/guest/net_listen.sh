#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Not a check itself: leaves a TCP listener on net_listen (default 5001)
# running (busybox nc, persistent, echoing what it gets) and says
# "net: listening on PORT", for a scenario's `peer` step to reach (bridge
# and route modes) or to fail to reach (an unsolicited connection from
# outside, which NAT must not let in). Last in mosaic_test, after net.sh
# (and net_spoof.sh, which takes the link down and up): nothing after it
# may touch eth0 while the peer tries.

port=${net_listen:-5001}
nc -ll -p "$port" -e /bin/cat </dev/null >/dev/null 2>&1 &
sleep 1
if kill -0 $! 2>/dev/null; then
    echo "net: listening on $port"
else
    echo "TEST FAIL net-listen: busybox nc could not listen on $port"
fi
