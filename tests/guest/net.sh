#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: the network interface eth0 (virtio_net alone on QEMU,
# xen-netfront behind Mosaic's netdrv) against the peer of the scenario's
# network namespace (tests/net_peer.py). TEST lines, each step with a
# finite limit:
#   net-link     eth0 appears, comes up, gets its address (static or DHCP)
#   net-ping     the peer answers a ping
#   net-other    the other guest answers a ping (with net_other only)
#   net-send     net_bytes random bytes to the peer's sink: the sha256 the
#                peer computed is the one computed here
#   net-receive  the peer's source: as many bytes as it announced, with
#                the sha256 it announced
#   net-nat      (with net_nat_addr only) the peer's echo-address service
#                saw net_nat_addr, netdrv's outside address, not ours
# (tests/guest/net_listen.sh then leaves a listener for the peer to try.)
#
# Kernel command line keys (init's environment):
#   net_ip=ADDR/PREFIX | dhcp    (required) eth0's address, or a DHCP lease
#   net_gw=ADDR                  default route (optional; DHCP's router wins)
#   net_mode=bridge|route|nat    what netdrv does here (informational; nat
#                                with net_nat_addr adds net-nat)
#   net_peer=ADDR                the peer (default 192.0.2.1)
#   net_other=ADDR               another guest to ping (optional; it has
#                                net_other_wait s, default 120, to answer)
#   net_nat_addr=ADDR            netdrv's outside address (optional)
#   net_bytes=N                  bytes each way (default 104857600, 100 MiB)
#   net_wait=SECS                how long eth0 may take to appear (default 60)
#   net_dev=NAME                 the interface (default eth0)

test_name=net
# shellcheck source=tests/guest/net_lib.sh
. /tests/net_lib.sh

bytes=${net_bytes:-104857600}
# A limit for moving $bytes one way: 60 s plus 1 s per MiB, which even an
# emulated machine without acceleration beats.
limit=$((60 + bytes / 1048576))

wait_dev || exit 0
configure || exit 0

if reach "$peer"; then pass ping; else fail ping "no reply from $peer within 20 s"; fi
if [ -n "${net_other:-}" ]; then
    # The other guest may still be booting: it gets net_other_wait
    # seconds (default 120) to answer one of one ping every 2 s.
    other_wait=${net_other_wait:-120}
    if timeout "$other_wait" sh -c "until ping -c 1 -W 2 $net_other >/dev/null 2>&1; do :; done"; then
        pass other
    else
        fail other "no reply from $net_other within $other_wait s"
    fi
fi

# send: the length line and the bytes into nc; the same bytes through a
# FIFO into sha256sum here.
fifo=/tmp/net-send.fifo
rm -f "$fifo" && mkfifo "$fifo"
sha256sum <"$fifo" >/tmp/net-send.sum &
sum_pid=$!
start=$(date +%s)
reply=$({
    echo "$bytes"
    head -c "$bytes" /dev/urandom | tee "$fifo"
} | timeout "$limit" nc "$peer" "$sink_port" 2>&1)
wait "$sum_pid"
ours=$(cut -d' ' -f1 /tmp/net-send.sum)
rm -f "$fifo" /tmp/net-send.sum
if [ "$reply" = "$ours" ] && [ ${#ours} -eq 64 ]; then
    pass send
    echo "net: sent $bytes bytes in $(($(date +%s) - start)) s, sha256 $ours"
else
    net_diag # first: a scenario may end at the failure's line
    fail send "the peer's sha256 '$(echo "$reply" | oneline)' is not ours '$ours' (limit $limit s)"
fi

# receive: the header line, then the bytes through a FIFO into wc -c and
# into sha256sum.
fifo=/tmp/net-recv.fifo
rm -f "$fifo" && mkfifo "$fifo"
wc -c <"$fifo" >/tmp/net-recv.count &
count_pid=$!
start=$(date +%s)
got=$(echo "$bytes" | timeout "$limit" nc "$peer" "$source_port" | {
    read -r n sum
    echo "$n $sum $(tee "$fifo" | sha256sum | cut -d' ' -f1)"
})
wait "$count_pid"
count=$(tr -d ' ' </tmp/net-recv.count)
rm -f "$fifo" /tmp/net-recv.count
# shellcheck disable=SC2086 # three words: count, sum announced, sum got
set -- $got
if [ $# -eq 3 ] && [ "$2" = "$3" ] && [ "$1" = "$count" ]; then
    pass receive
    echo "net: received $count bytes in $(($(date +%s) - start)) s, sha256 $3"
else
    net_diag
    fail receive "announced '${1:-?} ${2:-?}', got $count bytes with sha256 ${3:-?} (limit $limit s)"
fi

if [ -n "${net_nat_addr:-}" ]; then
    seen=$(timeout 30 nc "$peer" "$echo_port" </dev/null 2>&1 | head -n 1)
    if [ "$seen" = "$net_nat_addr" ]; then
        pass nat
    else
        fail nat "the peer saw '$(echo "$seen" | oneline)', not netdrv's outside address $net_nat_addr (ours: $(own_address))"
    fi
fi
