#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Shared by the block tests (blk.sh, blk_ro.sh), which source it: not a
# test itself (run alone it prints nothing). TEST lines name $test_name.

# shellcheck disable=SC2154 # test_name: set by the test that sources this
pass() { echo "TEST PASS $test_name-$1"; }
fail() { echo "TEST FAIL $test_name-$1: $2"; }
oneline() { tr '\n' ' ' | sed 's/ $//'; }

# wait_block DEV: true once DEV is a block device; the backend connects
# after xen-blkfront loads, so up to 60 s (emulated). A TEST FAIL line
# "<test>-device" when it never comes.
wait_block() {
    i=0
    while [ ! -b "$1" ] && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -b "$1" ] && return 0
    fail device "no $1 after 60 s"
    return 1
}

# ext2_magic DEV: true when DEV holds an ext2 superblock (0xef53 at byte 1080).
ext2_magic() {
    [ "$(hexdump -s 1080 -n 2 -e '2/1 "%02x"' "$1" 2>/dev/null)" = 53ef ]
}
