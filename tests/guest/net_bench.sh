#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest network benchmark (not a test), for tests/bench/net.py: the same
# commands whichever way eth0 arrives (virtio_net alone on QEMU,
# xen-netfront behind Mosaic's netdrv), against the peer of the boot's
# network namespace (tests/net_peer.py runs iperf3 -s there). Lines
# "BENCH <figure> <value>":
#   ping_min_us, ping_avg_us   ping -c 20 -i 0.2 PEER (busybox), in us
#   tcp_tx_kbits               iperf3 -c PEER -t 10 -f k: guest to peer,
#                              the receiver's Kbit/s
#   tcp_rx_kbits               the same with -R: peer to guest
# then "BENCH done". eth0 is configured as net.sh does (net_ip, net_gw,
# net_peer: tests/guest/net.sh lists the keys).

test_name=net_bench
# shellcheck source=tests/guest/net_lib.sh
. /tests/net_lib.sh

bench_fail() { echo "BENCH FAIL $*"; echo "BENCH done"; exit 0; }

wait_dev || bench_fail "no $dev"
configure || bench_fail "cannot configure $dev"
reach "$peer" || bench_fail "no reply from $peer"

# busybox: "round-trip min/avg/max = 0.345/0.789/2.100 ms".
out=$(ping -c 20 -i 0.2 "$peer" 2>&1)
rtt=$(echo "$out" | sed -n 's|.*min/avg/max = \([0-9.]*\)/\([0-9.]*\)/.*|\1 \2|p')
[ -n "$rtt" ] || bench_fail "ping: $(echo "$out" | tail -n 2 | oneline)"
# shellcheck disable=SC2086 # two words: min and avg
set -- $rtt
echo "BENCH ping_min_us $(echo "$1" | awk '{printf "%d", $1 * 1000}')"
echo "BENCH ping_avg_us $(echo "$2" | awk '{printf "%d", $1 * 1000}')"

# iperf3 FIGURE [-R]: the receiver's line "... N Kbits/sec  receiver".
iperf() {
    name=$1
    shift
    out=$(timeout 60 iperf3 -c "$peer" -t 10 -f k "$@" 2>&1)
    kbits=$(echo "$out" | awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Kbits/sec") print $i }' | tail -n 1)
    if [ -z "$kbits" ]; then
        echo "BENCH FAIL iperf3 $*: $(echo "$out" | tail -n 3 | oneline)"
        return
    fi
    echo "BENCH $name $kbits"
}
iperf tcp_tx_kbits
iperf tcp_rx_kbits -R
echo "BENCH done"
