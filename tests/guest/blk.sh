#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest test: the disk /dev/xvda that a block driver domain serves to
# Linux's xen-blkfront, across a reboot. TEST lines:
#   first boot (no file system on it): mke2fs, mount, write files of
#     random data with their sha256 sums in SUMS beside them, sync,
#     unmount, mount again and check every sum (read back from the disk,
#     not the page cache, which the unmount dropped): blk-write; then it
#     asks /init for a reboot (/run/mosaic_after), and the toolstack
#     restarts the domain (on_reboot = restart), with the same disk;
#   next boot (a file system on it): mount, every sum of the first boot
#     still right: blk-persist; then new files written, read back the
#     same way: blk-rewrite.
# Optional, on the kernel command line: blk_dev=NAME (default xvda);
# blk_delay=SECONDS to wait first, on every boot (a scenario staggers two
# guests' reboots with it, so that its driver domain always has one of
# them to serve).

dev=/dev/${blk_dev:-xvda}
mnt=/mnt/blk
files="f1 f2 f3 f4" # 1 MiB of random data each

test_name=blk
# shellcheck source=tests/guest/blk_lib.sh
. /tests/blk_lib.sh

case ${blk_delay:-0} in
*[!0-9]*) fail delay "blk_delay=$blk_delay is not a number of seconds" ;;
*) sleep "${blk_delay:-0}" ;;
esac
wait_block "$dev" || exit 0
echo "blk: $dev is $(blockdev --getsize64 "$dev") bytes, read-only $(blockdev --getro "$dev")"
mkdir -p "$mnt"

# Files of random data, their sums in SUMS, all on the disk; then read
# back through an unmount and mount. $1: the TEST name.
write_and_check() {
    for f in $files; do
        if ! out=$(dd if=/dev/urandom of="$mnt/$f" bs=64k count=16 2>&1); then
            fail "$1" "writing $f: $(echo "$out" | oneline)"
            return 1
        fi
    done
    # shellcheck disable=SC2086 # $files: several names
    (cd "$mnt" && sha256sum $files >SUMS) || { fail "$1" "sha256sum failed"; return 1; }
    sync
    if ! out=$(umount "$mnt" 2>&1) || ! out=$(mount -t ext2 "$dev" "$mnt" 2>&1); then
        fail "$1" "unmount and mount again: $(echo "$out" | oneline)"
        return 1
    fi
    if out=$(cd "$mnt" && sha256sum -c SUMS 2>&1); then
        pass "$1"
    else
        fail "$1" "read back: $(echo "$out" | grep -v ': OK$' | oneline)"
        return 1
    fi
}

if ! ext2_magic "$dev"; then
    if ! out=$(mke2fs "$dev" 2>&1); then
        fail write "mke2fs $dev: $(echo "$out" | oneline)"
        exit 0
    fi
    if ! out=$(mount -t ext2 "$dev" "$mnt" 2>&1); then
        fail write "mount $dev after mke2fs: $(echo "$out" | oneline)"
        exit 0
    fi
    write_and_check write && echo 1 >"$mnt/BOOTS"
    umount "$mnt" || fail write "umount $mnt"
    sync
    # What follows this test: a reboot, so that the next boot finds the files.
    echo reboot >/run/mosaic_after
    exit 0
fi

if ! out=$(mount -t ext2 "$dev" "$mnt" 2>&1); then
    fail persist "mount $dev (it has a file system): $(echo "$out" | oneline)"
    exit 0
fi
boots=$(cat "$mnt/BOOTS" 2>/dev/null)
if ! out=$(cd "$mnt" && sha256sum -c SUMS 2>&1); then
    fail persist "after the reboot: $(echo "$out" | grep -v ': OK$' | oneline)"
elif [ "$(wc -l <"$mnt/SUMS")" -ne 4 ]; then
    fail persist "SUMS lists $(wc -l <"$mnt/SUMS") files, not 4"
else
    pass persist
    echo "blk: every sum of boot ${boots:-?} is right"
fi
echo $((${boots:-0} + 1)) >"$mnt/BOOTS"
write_and_check rewrite
umount "$mnt" || fail rewrite "umount $mnt"
sync
