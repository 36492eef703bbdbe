#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: a read-only disk (xl's access r), /dev/xvdb by default
# (blk_ro_dev=NAME on the command line names another). TEST lines:
#   blk_ro-flag:    the kernel has it read-only (blockdev --getro), as
#                   blkfront sets it from the backend's VDISK_READONLY;
#   blk_ro-read:    every byte reads, and twice the same (its sum);
#   blk_ro-write:   writes onto it (dd, cached and O_DIRECT) and mke2fs
#                   on it fail, and its bytes are unchanged after;
#   blk_ro-mount:   when it holds an ext2 file system, a read-write
#                   mount fails and a read-only one works (a blank disk
#                   has nothing to mount: the line says so and passes
#                   only the refusal of the write).

dev=/dev/${blk_ro_dev:-xvdb}

test_name=blk_ro
# shellcheck source=tests/guest/blk_lib.sh
. /tests/blk_lib.sh

wait_block "$dev" || exit 0

ro=$(blockdev --getro "$dev" 2>&1)
if [ "$ro" = 1 ]; then
    pass flag
else
    fail flag "blockdev --getro $dev says $(echo "$ro" | oneline)"
fi

# The whole disk, twice: the same sum, and as many bytes as it has.
size=$(blockdev --getsize64 "$dev")
sum1=$(dd if="$dev" bs=64k 2>/dev/null | sha256sum | cut -d' ' -f1)
sum2=$(dd if="$dev" bs=64k iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
got=$(dd if="$dev" bs=64k 2>/dev/null | wc -c)
if [ -n "$sum1" ] && [ "$sum1" = "$sum2" ] && [ "$got" = "$size" ]; then
    pass read
else
    fail read "read $got of $size bytes; sums $sum1 and $sum2 (cached, direct)"
fi

# Writes refused: through the page cache and direct, and mke2fs. (Linux
# lets a read-only disk be opened for writing; each write then fails.)
why=""
if dd if=/dev/zero of="$dev" bs=512 count=1 conv=notrunc 2>/dev/null; then
    why="$why dd wrote;"
fi
if dd if=/dev/zero of="$dev" bs=4096 count=1 conv=notrunc oflag=direct 2>/dev/null; then
    why="$why dd with O_DIRECT wrote;"
fi
if mke2fs "$dev" >/dev/null 2>&1; then
    why="$why mke2fs succeeded;"
fi
after=$(dd if="$dev" bs=64k iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$after" = "$sum1" ] || why="$why its bytes changed;"
if [ -z "$why" ]; then
    pass write
else
    fail write "$dev:$why"
fi

mkdir -p /mnt/ro
if ! ext2_magic "$dev"; then
    echo "blk_ro: $dev holds no ext2 file system: no mount to try"
elif mount -t ext2 -o rw "$dev" /mnt/ro 2>/dev/null && grep -q " /mnt/ro ext[24] rw" /proc/mounts; then
    fail mount "$dev mounted read-write"
    umount /mnt/ro
elif out=$(umount /mnt/ro 2>/dev/null; mount -t ext2 -o ro "$dev" /mnt/ro 2>&1); then
    pass mount
    umount /mnt/ro
else
    fail mount "a read-only mount of $dev failed: $(echo "$out" | oneline)"
fi
