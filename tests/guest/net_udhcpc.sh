#!/bin/sh
# SPDX-License-Identifier: MIT
#
# busybox udhcpc's event script for the network tests (udhcpc -s
# /tests/net_udhcpc.sh): not a test itself (run with no event, as a test
# would be, it does nothing). udhcpc passes the event as $1 and the lease
# in the environment: interface, ip, mask (prefix length), router (one or
# more addresses), dns (written to /etc/resolv.conf).
# shellcheck disable=SC2154 # interface, ip, dns: set by udhcpc

case ${1:-} in
deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound | renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in ${router:-}; do
        ip route replace default via "$r" dev "$interface"
        break
    done
    if [ -n "${dns:-}" ]; then
        for d in $dns; do echo "nameserver $d"; done >/etc/resolv.conf
    fi
    echo "net: DHCP lease on $interface: $ip/${mask:-24}, router ${router:-none}"
    ;;
leasefail | nak)
    echo "net: DHCP on $interface: $1 ${message:-}"
    ;;
esac
exit 0
