#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: what this guest sends as someone else must not leave it
# through netdrv (anti-spoofing). Run after net.sh in the same boot
# (mosaic_test=net,net_spoof): it uses the address net.sh configured.
# It pings the peer
#   as a foreign MAC (eth0's address changed to net_spoof_mac), then
#   from a foreign IPv4 address (net_spoof_ip added to eth0, ping -I),
# and restores both. The verdict on what left the guest is the peer's:
# the scenario's `peer` steps ask `tests/net_peer.py seen --mac/--ip`
# whether any frame from either reached it. TEST lines here:
#   net_spoof-ip       the peer did not answer the foreign address (with
#                      net_spoof_expect=open, the control run on QEMU
#                      alone where nothing filters: it did answer)
#   net_spoof-restore  with its own MAC and address again, the peer answers
# It ends with "net_spoof: done" for the scenario to wait for.
#
# Keys: net_spoof_mac (default 52:54:00:de:ad:01), net_spoof_ip (default
# 192.0.2.99), net_spoof_expect=blocked|open (default blocked); and
# net.sh's net_peer and net_dev.

test_name=net_spoof
# shellcheck source=tests/guest/net_lib.sh
. /tests/net_lib.sh

mac=${net_spoof_mac:-52:54:00:de:ad:01}
foreign=${net_spoof_ip:-192.0.2.99}
expect=${net_spoof_expect:-blocked}
own_mac=$(cat "/sys/class/net/$dev/address" 2>/dev/null)
if [ -z "$own_mac" ] || [ -z "$(own_address)" ]; then
    fail restore "$dev is not configured (run net.sh first: mosaic_test=net,net_spoof)"
    echo "net_spoof: done"
    exit 0
fi

# As a foreign MAC: nothing to judge here (a reply, if any, would go to
# the MAC the peer learned before); the peer says whether it came out.
ip link set "$dev" down && ip link set "$dev" address "$mac" && ip link set "$dev" up
if ping -c 3 -W 3 "$peer" >/dev/null 2>&1; then r=answered; else r="no reply"; fi
echo "net_spoof: ping $peer as MAC $mac: $r"
ip link set "$dev" down && ip link set "$dev" address "$own_mac" && ip link set "$dev" up

# From a foreign address on our own MAC.
ip addr add "$foreign/32" dev "$dev"
if ping -c 3 -W 3 -I "$foreign" "$peer" >/dev/null 2>&1; then r=answered; else r="no reply"; fi
ip addr del "$foreign/32" dev "$dev"
echo "net_spoof: ping $peer from $foreign: $r"
case $expect:$r in
blocked:"no reply" | open:answered) pass ip ;;
blocked:*) fail ip "the peer answered a ping from the foreign address $foreign" ;;
*) fail ip "net_spoof_expect=open, and the peer did not answer $foreign" ;;
esac

# A link that went down and up again: routes and the default gateway
# may be gone with it.
if [ -n "${net_gw:-}" ]; then ip route replace default via "$net_gw" dev "$dev" 2>/dev/null; fi
if reach "$peer"; then
    pass restore
else
    fail restore "no reply from $peer with our own MAC $own_mac and address $(own_address)"
fi
echo "net_spoof: done"
