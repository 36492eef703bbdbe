#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The firmware of the QEMU Mosaic runs on, and the way every boot starts
# it: Debian 13 (trixie)'s qemu-system-x86 with SeaBIOS and iPXE, in a
# minimal trixie root made once with debootstrap from deb.debian.org into a
# cache outside the work tree. The QEMU binary itself is build/qemu-build.sh's
# (trixie's source with Mosaic's patch for the multi-threaded race of
# docs/known-bugs.md), run on the host's libraries without chroot, so host
# paths in QEMU's arguments (ISO, logs, monitor sockets) work unchanged.
# docs/qemu.md has the details.
#
# It never touches the host's apt sources or packages (debootstrap comes
# from build/deps.sh) and never fetches from anywhere but deb.debian.org.
#
# Usage: build/qemu-root.sh               make the root if missing (quiet when present)
#        build/qemu-root.sh --root        print the root's path, make nothing
#        build/qemu-root.sh --exec ARG... run build/qemu-build.sh's qemu-system-x86_64,
#                                         with the root's firmware, with ARGs (replaces
#                                         this script; both must exist)
#
# The root is ${MOSAIC_CACHE:-$HOME/.cache/mosaic}/qemu-trixie-<pin>. It is
# made in a temporary directory beside it, checked, and renamed only when
# complete, so an interrupted run never leaves a root that looks finished;
# the next run removes what an interrupted one left.
set -euo pipefail

die() {
    echo "qemu-root: $*" >&2
    exit 1
}

# The QEMU version, pinned here and nowhere else: the one the tests were
# last measured on (docs/known-bugs.md has its failure counts). A later
# 10.0.x is accepted too: deb.debian.org keeps only trixie's current version
# (older ones move to snapshot.debian.org, which we must not use), so an
# exact pin would break every fresh machine at the next point release, and a
# stable 10.0.x update carries backported fixes only. An older version or
# another series is refused. The test run header prints the exact version.
pin=10.0.13
suite=trixie
mirror=http://deb.debian.org/debian
# qemu-system-x86 depends on its firmware today (SeaBIOS; ipxe-qemu for the
# default NIC's option ROM); naming them keeps the root right if that changes.
packages=qemu-system-x86,seabios,ipxe-qemu

cache=${MOSAIC_CACHE:-$HOME/.cache/mosaic}
root=$cache/qemu-trixie-$pin

# The root's layout, for running its QEMU from outside it.
libdir=usr/lib/x86_64-linux-gnu
loader=$libdir/ld-linux-x86-64.so.2
binary=usr/bin/qemu-system-x86_64

# The root's own QEMU, run through the root's loader: only to check a new
# root (its QEMU version names the firmware's).
exec_root_qemu() {
    export QEMU_MODULE_DIR=$root/$libdir/qemu
    exec "$root/$loader" --library-path "$root/$libdir:$root/usr/lib" \
        --argv0 qemu-system-x86_64 "$root/$binary" \
        -L "$root/usr/share/qemu" -L "$root/usr/share/seabios" "$@"
}

# What every boot runs: build/qemu-build.sh's patched QEMU, on the host's
# libraries, with the root's firmware and ROMs. -L first: QEMU's
# compiled-in firmware path names the host's /usr/share/{qemu,seabios},
# which may hold other versions' files. It is built without modules.
exec_qemu() {
    local built
    [ -d "$root/usr/share/qemu" ] ||
        die "no QEMU root at $root; make it with build/qemu-root.sh (make deps does)"
    built=$("$(dirname "${BASH_SOURCE[0]}")/qemu-build.sh" --path)
    [ -x "$built" ] || die "no QEMU at $built; build it with build/qemu-build.sh (make deps does)"
    exec "$built" -L "$root/usr/share/qemu" -L "$root/usr/share/seabios" "$@"
}

case ${1-} in
--root)
    echo "$root"
    exit 0
    ;;
--exec)
    shift
    exec_qemu "$@"
    ;;
"") ;;
*) die "usage: build/qemu-root.sh [--root | --exec QEMU-ARG...]" ;;
esac

[ -d "$root" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root() { sudo -n "$@"; }
else
    die "making $root needs root (debootstrap); run build/qemu-root.sh as root or with sudo"
fi
debootstrap=$(PATH=$PATH:/usr/sbin:/sbin command -v debootstrap) ||
    die "debootstrap not found; run build/deps.sh (package debootstrap)"

mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P) # mount points are listed by their real path
root=$cache/qemu-trixie-$pin
case $cache in *[[:space:]\\]*) die "cache path '$cache' has blanks or backslashes" ;; esac

# Mount points at or below DIR, deepest first. debootstrap mounts proc and
# sysfs in its target, and in some containers binds nodes of the host's
# /dev; a killed run leaves them mounted.
mounts_under() {
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# Removes a half-made root. Never through a mount: whatever is mounted
# below it is unmounted first, and if anything still is, it is left alone.
remove_tree() {
    local dir=$1 m
    for m in $(mounts_under "$dir"); do
        as_root umount -l "$m" || true
    done
    if [ -n "$(mounts_under "$dir")" ]; then
        echo "qemu-root: not removing $dir: still mounted there: $(mounts_under "$dir" | tr "\n" " ")" >&2
        return 1
    fi
    as_root rm -rf --one-file-system "$dir"
}

# Two makes at once: the second waits, then finds the first one's root.
exec 9>"$root.lock"
flock 9
[ -d "$root" ] && exit 0

# Left by an interrupted run (we hold the lock, so no run is making them).
for old in "$root".tmp.*; do
    if [ -d "$old" ]; then
        remove_tree "$old"
    elif [ -e "$old" ]; then
        rm -f "$old"
    fi
done

tmp=$(mktemp -d "$root.tmp.XXXXXX")
chmod 755 "$tmp" # mktemp's 0700 would become the root's own mode
log=$tmp.log
trap 'remove_tree "$tmp"' EXIT
fail() {
    echo "qemu-root: $1; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}

echo "  QEMU    $suite qemu-system-x86 >= $pin (once; cached in $root)"
as_root "$debootstrap" --variant=minbase --include="$packages" --arch=amd64 \
    --force-check-gpg --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$suite" "$tmp" "$mirror" >"$log" 2>&1 || fail "debootstrap $suite failed"
[ -z "$(mounts_under "$tmp")" ] || fail "debootstrap left mounts in $tmp"

version=$(dpkg-query --admindir="$tmp/var/lib/dpkg" -W -f='${Version}' qemu-system-x86) ||
    fail "qemu-system-x86 is not installed in the new root"
upstream=${version#*:}
upstream=${upstream%%[+~-]*}
series=${pin%.*}
if [[ ! $upstream =~ ^${series//./\\.}\.([0-9]+)$ ]] || [ "${BASH_REMATCH[1]}" -lt "${pin##*.}" ]; then
    die "$suite has qemu-system-x86 $version, and this tree wants $series.x from $pin on: measure the new one with the IPC scenarios (docs/known-bugs.md), then move the pin in build/qemu-root.sh"
fi
for f in "$loader" "$binary" usr/share/seabios/bios-256k.bin usr/share/qemu/efi-e1000e.rom; do
    [ -e "$tmp/$f" ] || fail "the new root has no /$f"
done
# Package lists and downloaded packages: we never run apt in the root.
as_root rm -rf --one-file-system "$tmp/var/lib/apt/lists" "$tmp/var/cache/apt"

# Its own QEMU must run from outside, through its loader.
root=$tmp
(exec_root_qemu --version) >"$log" 2>&1 || fail "the new root's QEMU does not run"
grep -q "^QEMU emulator version $upstream " "$log" || fail "the new root's QEMU is not $upstream"
root=$cache/qemu-trixie-$pin

as_root mv -T "$tmp" "$root"
trap - EXIT
rm -f "$log"
