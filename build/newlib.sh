#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build newlib (the C library of the service domains) from Debian's
# newlib-source tarball, once per compiler, into a cache outside the work
# tree; later calls find the finished install and return at once. Quiet
# unless the build fails, then it shows the tail of the log. It never
# downloads anything: the tarball comes from `build/deps.sh`.
#
# Usage: build/newlib.sh CC            build if missing (CC: gcc or clang)
#        build/newlib.sh --prefix CC   print the install prefix, build nothing
#
# The library lands in PREFIX/x86_64-elf/{include,lib}, PREFIX being
#   ${MOSAIC_CACHE:-$HOME/.cache/mosaic}/newlib-<version>-<gcc|clang>-<config>
# <config> is a hash of the configure options and target flags below, so
# changing them builds a new library next to the old one instead of reusing
# it. PREFIX/.complete is written last, so an interrupted build is redone.
# Configuration: see PLATFORM.md, "newlib". Retargetable locking is on: the
# runtime supplies the locks (domains/runtime/lock.c), which makes malloc
# and stdio safe from several vCPUs.
set -euo pipefail

die() {
    echo "newlib: $*" >&2
    exit 1
}

prefix_only=0
if [ "${1-}" = --prefix ]; then
    prefix_only=1
    shift
fi
[ $# -ge 1 ] || die "usage: build/newlib.sh [--prefix] CC"
cc=$1

# The version the domains are written against (PLATFORM.md), from Debian's
# newlib-source. Pinned, so that --prefix needs nothing installed.
version=3.3.0

# One cache per compiler family: the compiler's own freestanding headers
# and code generation go into the library, so gcc and clang builds differ.
case $($cc -dM -E -x c /dev/null 2>/dev/null) in
*__clang__*)
    kind=clang
    target_cc="$cc --target=x86_64-unknown-elf"
    ;;
*)
    kind=gcc
    target_cc=$cc
    ;;
esac
# What goes into the library besides the compiler; the cache key hashes
# it (the compiler's include directory, added at build time, is not part of
# the key: it only names where the compiler keeps its own headers).
configure_options=(--target=x86_64-elf --disable-multilib --disable-newlib-supplied-syscalls
    --enable-newlib-io-long-long --enable-newlib-io-c99-formats
    --enable-newlib-retargetable-locking)
target_cflags="-O2 -ffreestanding -fno-stack-protector -mno-red-zone -fno-pic -fno-pie"
config=$(printf '%s\n' "${configure_options[@]}" "$target_cflags" | sha256sum | cut -c1-8)

cache=${MOSAIC_CACHE:-$HOME/.cache/mosaic}
prefix=$cache/newlib-$version-$kind-$config

if [ $prefix_only -eq 1 ]; then
    echo "$prefix"
    exit 0
fi
[ -f "$prefix/.complete" ] && exit 0
tarball=
for f in /usr/src/newlib/newlib-"$version".tar.*; do
    [ -f "$f" ] && tarball=$f
done
[ -n "$tarball" ] || die "no /usr/src/newlib/newlib-$version.tar.*; run build/deps.sh (package newlib-source)"

include_dir=$($cc -print-file-name=include 2>/dev/null) || true
[ -d "$include_dir" ] || die "'$cc -print-file-name=include' names no directory; is CC a gcc or clang?"

mkdir -p "$cache"
# Two builds for the same compiler (two make runs) must not interleave:
# the second waits, then finds the first one's stamp.
exec 9>"$prefix.lock"
flock 9
[ -f "$prefix/.complete" ] && exit 0

work=$(mktemp -d "$cache/newlib-build.XXXXXX")
log=$work/build.log
trap 'rm -rf "$work"' EXIT
fail() {
    echo "newlib: $1 failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    trap - EXIT # keep the tree and the whole log for a closer look
    exit 1
}

rm -rf "$prefix"
echo "  NEWLIB  $version for $kind (once; cached in $prefix)"
mkdir -p "$work/src" "$work/obj"
tar -xf "$tarball" -C "$work/src" --strip-components=1 || die "cannot unpack $tarball"

target_cflags+=" -nostdinc -isystem $include_dir"

cd "$work/obj"
# Run from make, we inherit its MAKEFLAGS, command-line variables (CC=...)
# included: newlib's own makes must not see them.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
# The host's binutils serve the x86_64-elf target; naming them keeps
# configure from looking for x86_64-elf-ar and friends.
"$work/src/configure" "${configure_options[@]}" --prefix="$prefix" \
    CC_FOR_TARGET="$target_cc" CFLAGS_FOR_TARGET="$target_cflags" \
    AR_FOR_TARGET=ar AS_FOR_TARGET=as LD_FOR_TARGET=ld NM_FOR_TARGET=nm \
    RANLIB_FOR_TARGET=ranlib OBJDUMP_FOR_TARGET=objdump \
    STRIP_FOR_TARGET=strip READELF_FOR_TARGET=readelf \
    >"$log" 2>&1 || fail configure
make -j"$(nproc)" all-target-newlib >>"$log" 2>&1 || fail "make all-target-newlib"
make install-target-newlib >>"$log" 2>&1 || fail "make install-target-newlib"

for f in x86_64-elf/lib/libc.a x86_64-elf/lib/libm.a x86_64-elf/include/stdio.h; do
    [ -f "$prefix/$f" ] || fail "install (no $f)"
done
grep -q '^#define _RETARGETABLE_LOCKING 1' "$prefix/x86_64-elf/include/newlib.h" ||
    fail "install (newlib.h does not define _RETARGETABLE_LOCKING)"
touch "$prefix/.complete"
