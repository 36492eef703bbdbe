#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The QEMU binary every boot runs: qemu-system-x86_64 built once from
# Debian 13 (trixie)'s qemu source package with Mosaic's patches
# (build/qemu-patches/*.patch), into a cache outside the work tree. It
# runs on the host's own libraries, with the firmware and ROMs of the
# trixie root build/qemu-root.sh makes. Why a patched build and not
# Debian's binary: docs/known-bugs.md ("Fixed"), docs/qemu.md.
#
# Everything comes from deb.debian.org through a private apt (its own
# lists, signed by Debian's archive keyring; the host's apt sources and
# state are never read or changed): the source (apt checks its hashes
# against trixie's signed Sources) and trixie's meson and pycotap, which
# QEMU 10's build wants newer than bookworm has (unpacked into the build
# directory, never installed). The host's build packages come from
# build/deps.sh.
#
# Usage: build/qemu-build.sh          build it if missing (quiet when present)
#        build/qemu-build.sh --path   print the binary's path, build nothing
#
# The binary is ${MOSAIC_CACHE:-$HOME/.cache/mosaic}/qemu-<series>-<patches>/
# qemu-system-x86_64, <patches> a hash of the patches, so changing one
# builds anew. It is built in a scratch directory and marked complete only
# once it runs and names its version.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/libbuild.sh"
die() {
    echo "qemu-build: $*" >&2
    exit 1
}

# The series and the lowest version taken, as build/qemu-root.sh's pin: a
# later 10.0.x (deb.debian.org keeps only trixie's current one) carries
# backported fixes only, and the patches are checked to apply.
pin=10.0.13
series=${pin%.*}
suite=trixie
cache=${MOSAIC_CACHE:-$HOME/.cache/mosaic}
patches=("$here"/qemu-patches/*.patch)
sum=$(cat "${patches[@]}" | sha256sum | cut -c1-8)
prefix=$cache/qemu-$series-mosaic-$sum
binary=$prefix/qemu-system-x86_64

case ${1-} in
--path)
    echo "$binary"
    exit 0
    ;;
"") ;;
*) die "usage: build/qemu-build.sh [--path]" ;;
esac
[ -f "$prefix/.complete" ] && exit 0

cache_build_start qemu-build "$cache" "$prefix"
# A private apt for trixie's sources and packages.
debian_private_apt "$cache/apt-$suite" "$suite" deb-src deb
opts=("${apt_opts[@]}")
apt-get "${opts[@]}" update >>"$log" 2>&1 || fail "apt-get update for $suite"

# trixie's current qemu source, which must be $series.x from $pin on.
version=$(apt-cache "${opts[@]}" showsrc qemu | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1)
upstream=${version#*:}
upstream=${upstream%%[+~-]*}
if [[ ! $upstream =~ ^${series//./\\.}\.([0-9]+)$ ]] || [ "${BASH_REMATCH[1]}" -lt "${pin##*.}" ]; then
    die "$suite has qemu $version, and this tree wants $series.x from $pin on: check the patches and the IPC scenarios on the new one, then move the pin here and in build/qemu-root.sh"
fi
echo "  QEMU    $suite qemu $version source + ${#patches[@]} patch(es), qemu-system-x86_64 only (once; cached in $prefix)"
(cd "$work" && apt-get "${opts[@]}" source --download-only "qemu=$version" &&
    apt-get "${opts[@]}" download meson python3-pycotap) >>"$log" 2>&1 ||
    fail "fetching qemu $version's source and $suite's meson"

tar -xJf "$work"/qemu_*.orig.tar.xz -C "$work" >>"$log" 2>&1 || fail "unpacking qemu's source"
src=$work/qemu-$upstream
[ -d "$src" ] || fail "finding qemu-$upstream in the source tarball"
for p in "${patches[@]}"; do
    patch -d "$src" -p1 --forward --batch <"$p" >>"$log" 2>&1 || fail "applying $(basename "$p")"
done
# Debian's tarball has no firmware blobs: nothing to unpack or install
# (the firmware comes from the trixie root).
grep -q '^if unpack_edk2_blobs$' "$src/pc-bios/meson.build" ||
    fail "finding pc-bios/meson.build's EDK2 unpacking to switch off (its line changed)"
sed -i 's/^if unpack_edk2_blobs$/if false/' "$src/pc-bios/meson.build"

pydeps=$work/pydeps
for deb in "$work"/meson_*.deb "$work"/python3-pycotap_*.deb; do
    dpkg-deb -x "$deb" "$pydeps" >>"$log" 2>&1 || fail "unpacking $(basename "$deb")"
done
export PYTHONPATH=$pydeps/usr/lib/python3/dist-packages

names=$(for p in "${patches[@]}"; do basename "$p" .patch; done | paste -sd, -)
mkdir -p "$src/build"
(cd "$src/build" && ../configure --target-list=x86_64-softmmu --with-pkgversion="mosaic: $names" \
    --enable-slirp --disable-kvm --disable-xen --disable-docs --disable-tools \
    --disable-guest-agent --disable-install-blobs --disable-werror --disable-gtk \
    --disable-sdl --disable-vnc --disable-opengl --disable-virglrenderer --disable-spice \
    --disable-curses) >>"$log" 2>&1 || fail "configuring qemu"
ninja -C "$src/build" -j "$(nproc)" qemu-system-x86_64 >>"$log" 2>&1 || fail "building qemu-system-x86_64"

"$src/build/qemu-system-x86_64" --version >"$work/version" 2>>"$log" || fail "running the new qemu-system-x86_64"
grep -q "^QEMU emulator version $upstream (mosaic: $names)" "$work/version" || fail "the new QEMU's version ($(head -n 1 "$work/version"))"
mkdir -p "$prefix"
cp "$src/build/qemu-system-x86_64" "$binary.tmp"
mv "$binary.tmp" "$binary"
touch "$prefix/.complete"
