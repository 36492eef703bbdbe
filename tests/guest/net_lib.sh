#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Shared by the network tests (net.sh, net_spoof.sh) and net_bench.sh,
# which source it: not a test itself (run alone it prints nothing). TEST
# lines name $test_name. Reads the kernel command line's net_* keys
# (tests/guest/net.sh lists them).

# The variables set here are for the scripts that source this, and
# test_name is theirs.
# shellcheck disable=SC2034,SC2154
pass() { echo "TEST PASS $test_name-$1"; }
fail() { echo "TEST FAIL $test_name-$1: $2"; }
oneline() { tr '\n' ' ' | sed 's/ $//'; }
# net_diag: after a failed transfer, what the kernel says of $dev: its
# event channels' interrupt counts and its counters, for the log.
net_diag() {
    grep -E "$dev|xen" /proc/interrupts | sed 's/^/net: interrupts: /'
    for c in rx_packets tx_packets rx_errors tx_errors rx_dropped tx_dropped; do
        printf '%s=%s ' "$c" "$(cat "/sys/class/net/$dev/statistics/$c" 2>/dev/null)"
    done | sed 's/^/net: counters: /'
    echo
    grep -E '^(Ip|Tcp):' /proc/net/snmp | sed 's/^/net: snmp: /'
}

dev=${net_dev:-eth0}
peer=${net_peer:-192.0.2.1}
# tests/net_peer.py's services.
sink_port=5301
source_port=5302
echo_port=5303

# wait_dev: true once $dev exists; the NIC's driver (virtio_net alone on
# QEMU, xen-netfront on Mosaic, whose backend connects after it loads)
# may take a while, so up to net_wait seconds (default 60). A TEST FAIL
# line "<test>-link" when it never comes.
wait_dev() {
    timeout "${net_wait:-60}" sh -c "while [ ! -e /sys/class/net/$dev ]; do sleep 0.1; done"
    [ -e "/sys/class/net/$dev" ] && return 0
    fail link "no network interface $dev after ${net_wait:-60} s"
    return 1
}

# configure: $dev up with net_ip (CIDR, or dhcp: busybox udhcpc with
# /tests/net_udhcpc.sh), net_gw as default route. TEST line "<test>-link".
configure() {
    if ! out=$(ip link set "$dev" up 2>&1); then
        fail link "ip link set $dev up: $(echo "$out" | oneline)"
        return 1
    fi
    case ${net_ip:-} in
    dhcp)
        if ! out=$(timeout 60 udhcpc -i "$dev" -s /tests/net_udhcpc.sh -f -q -t 10 -T 2 -n 2>&1); then
            fail link "no DHCP lease on $dev: $(echo "$out" | tail -n 3 | oneline)"
            return 1
        fi
        ;;
    */*)
        if ! out=$(ip addr add "$net_ip" dev "$dev" 2>&1); then
            fail link "ip addr add $net_ip dev $dev: $(echo "$out" | oneline)"
            return 1
        fi
        ;;
    *)
        fail link "net_ip=${net_ip:-} is neither an address/prefix nor dhcp"
        return 1
        ;;
    esac
    if [ -n "${net_gw:-}" ] && ! out=$(ip route replace default via "$net_gw" dev "$dev" 2>&1); then
        fail link "default route via $net_gw: $(echo "$out" | oneline)"
        return 1
    fi
    echo "net: $dev $(cat "/sys/class/net/$dev/address") is $(ip -o -4 addr show dev "$dev" | awk '{print $4}'), mode ${net_mode:-bridge}"
    pass link
}

# reach ADDR: true when ADDR answers a ping within 20 s (the first reply
# may wait for ARP and for a bridge to learn the guest).
reach() {
    ping -c 1 -W 20 "$1" >/dev/null 2>&1 || ping -c 3 -W 5 "$1" >/dev/null 2>&1
}

# own_address: the IPv4 address $dev has now (no prefix).
own_address() {
    ip -o -4 addr show dev "$dev" | awk '{print $4}' | cut -d/ -f1 | head -n 1
}
