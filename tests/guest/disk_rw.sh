#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: the disk /dev/xvda (xen-blkfront, served by a block back end
# in a driver domain) keeps working for a while: round after round, 1 MiB
# of random data written at a new place with an fsync, the page cache
# dropped, the same place read back and compared. It goes on for
# disk_rw_seconds (kernel command line, default 60) so that it overlaps
# whatever else the back end is put through meanwhile (tests/boot/
# blk_hostile.scn); the last line says how many rounds passed.

pass() { echo "TEST PASS disk-rw-$1${2:+: $2}"; }
fail() { echo "TEST FAIL disk-rw-$1: $2"; }

dev=/dev/xvda
seconds=${disk_rw_seconds:-60}
case $seconds in '' | *[!0-9]*) seconds=60 ;; esac

waited=0
while [ ! -b $dev ] && [ $waited -lt 30 ]; do
    sleep 1
    waited=$((waited + 1))
done
if [ ! -b $dev ]; then
    fail present "no $dev after 30 s: $(cd /sys/block && echo *)"
    exit 0
fi
sectors=$(cat /sys/block/xvda/size 2>/dev/null)
case $sectors in '' | *[!0-9]*) sectors=0 ;; esac
# Room for at least two 1 MiB places.
if [ "$sectors" -lt 4096 ]; then
    fail present "$dev has $sectors sectors"
    exit 0
fi
pass present "$dev has $sectors sectors; writing and reading back for $seconds s"

places=$((sectors / 2048))
start=$(cut -d. -f1 /proc/uptime)
round=0
while :; do
    now=$(cut -d. -f1 /proc/uptime)
    [ $((now - start)) -ge "$seconds" ] && [ $round -gt 0 ] && break
    mib=$((round % places))
    dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 2>/dev/null
    if ! dd if=/tmp/pattern of=$dev bs=64k seek=$((mib * 16)) count=16 conv=fsync 2>/tmp/dd.err; then
        fail round "round $round: writing MiB $mib: $(tr '\n' ' ' </tmp/dd.err)"
        exit 0
    fi
    sync
    echo 3 >/proc/sys/vm/drop_caches
    if ! dd if=$dev of=/tmp/back bs=64k skip=$((mib * 16)) count=16 2>/tmp/dd.err; then
        fail round "round $round: reading MiB $mib: $(tr '\n' ' ' </tmp/dd.err)"
        exit 0
    fi
    if [ "$(md5sum </tmp/pattern)" != "$(md5sum </tmp/back)" ]; then
        fail round "round $round: MiB $mib read back differs from what was written"
        exit 0
    fi
    round=$((round + 1))
    echo "disk-rw: round $round: MiB $mib written and read back the same"
done
pass rounds "$round rounds in $seconds s, each 1 MiB read back as written"
