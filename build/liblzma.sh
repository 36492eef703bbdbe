#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build liblzma's .xz decoder (LZMA2, x86 BCJ, CRC32/CRC64; the filters of
# Linux's bzImage payload) for the domains, freestanding against the
# domains' newlib, from Debian's xz-utils source package, once per compiler,
# into a cache outside the work tree. Only the builder links it.
#
# Usage: build/liblzma.sh CC            fetch and build if missing
#        build/liblzma.sh --prefix CC   print the install prefix, do nothing
#
# The source comes from Debian's archive through apt, with a private apt
# configuration in the cache (its own deb-src list, signed by Debian's
# archive keyring, and its own lists and download directories): the host's
# apt sources are never read or changed. Only the upstream tarball
# (*.orig.tar.xz, its hash checked by apt against the signed Sources) is
# used. The library lands in PREFIX/{include/lzma.h,lib/liblzma.a} with
#   PREFIX = ${MOSAIC_CACHE:-$HOME/.cache/mosaic}/liblzma-<version>-<cc>-<config>
# <config> hashing the flags, the file list, build/liblzma/config.h and the
# newlib it was built against; PREFIX/.complete is written last.
set -euo pipefail

die() {
    echo "liblzma: $*" >&2
    exit 1
}

prefix_only=0
if [ "${1-}" = --prefix ]; then
    prefix_only=1
    shift
fi
[ $# -ge 1 ] || die "usage: build/liblzma.sh [--prefix] CC"
cc=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The one pin: the upstream version of bookworm's xz-utils. Any Debian
# revision of it will do (they share this tarball; bookworm's security
# updates replace the revision in the archive, so pinning it would break a
# fresh machine the day one lands).
version=5.4.1
suite=bookworm

case $($cc -dM -E -x c /dev/null 2>/dev/null) in
*__clang__*)
    kind=clang
    target_cc=("$cc" --target=x86_64-unknown-elf)
    ;;
*)
    kind=gcc
    target_cc=("$cc")
    ;;
esac

# The decoder of a .xz stream and nothing else (see config.h).
sources=(common/common.c common/block_decoder.c common/block_header_decoder.c common/block_util.c
    common/filter_common.c common/filter_decoder.c common/filter_flags_decoder.c common/index_hash.c
    common/stream_decoder.c common/stream_flags_common.c common/stream_flags_decoder.c
    common/vli_decoder.c common/vli_size.c
    check/check.c check/crc32_fast.c check/crc32_table.c check/crc64_fast.c check/crc64_table.c
    lz/lz_decoder.c lzma/lzma_decoder.c lzma/lzma2_decoder.c
    simple/simple_coder.c simple/simple_decoder.c simple/x86.c)
# As build/newlib.sh builds newlib, plus newlib's headers before the
# compiler's (as domains/rules.mk compiles the domains).
target_cflags="-std=gnu99 -O2 -ffreestanding -fno-stack-protector -mno-red-zone -fno-pic -fno-pie -fno-common"
newlib=$("$here/newlib.sh" --prefix "$cc")
config=$({
    printf '%s\n' "${sources[@]}" "$target_cflags" "$newlib"
    cat "$here/liblzma/config.h"
} | sha256sum | cut -c1-8)

cache=${MOSAIC_CACHE:-$HOME/.cache/mosaic}
prefix=$cache/liblzma-$version-$kind-$config

if [ $prefix_only -eq 1 ]; then
    echo "$prefix"
    exit 0
fi
[ -f "$prefix/.complete" ] && exit 0
[ -f "$newlib/.complete" ] || die "newlib is not built yet ($newlib); run build/newlib.sh $cc first"

mkdir -p "$cache"
exec 9>"$prefix.lock"
flock 9
[ -f "$prefix/.complete" ] && exit 0

# fetch_source: the orig tarball into $cache/src, through a private apt.
fetch_source() {
    local apt=$cache/apt-$suite-src dir=$cache/src
    local tarball=$dir/xz-utils_$version.orig.tar.xz
    [ -f "$tarball" ] && return 0
    [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
        die "no /usr/share/keyrings/debian-archive-keyring.gpg (package debian-archive-keyring)"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$dir"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
        >"$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/none"
        -o "Dir::State=$apt" -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt"
        -o "Dir::Cache::archives=$apt/archives" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
        -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -qq)
    echo "  FETCH   xz-utils $version source ($suite, deb.debian.org; cached in $dir)"
    apt-get "${opts[@]}" update >/dev/null || die "apt-get update with $apt/sources.list failed"
    local deb_version
    deb_version=$(apt-cache "${opts[@]}" showsrc xz-utils | awk '/^Version:/ { print $2 }' |
        grep -E "^$version-" | head -n 1) || true
    [ -n "$deb_version" ] || die "$suite has no xz-utils $version-* source any more; update the pin in $0"
    local tmp
    tmp=$(mktemp -d "$cache/xz-fetch.XXXXXX")
    (cd "$tmp" && apt-get "${opts[@]}" source --download-only "xz-utils=$deb_version" >/dev/null) ||
        { rm -rf "$tmp"; die "apt-get source xz-utils=$deb_version failed"; }
    mv "$tmp/xz-utils_$version.orig.tar.xz" "$tarball" || { rm -rf "$tmp"; die "no orig tarball fetched"; }
    rm -rf "$tmp"
}

fetch_source
work=$(mktemp -d "$cache/liblzma-build.XXXXXX")
log=$work/build.log
trap 'rm -rf "$work"' EXIT
fail() {
    echo "liblzma: $1 failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    trap - EXIT
    exit 1
}

rm -rf "$prefix"
echo "  LIBLZMA $version for $kind (once; cached in $prefix)"
tar -xf "$cache/src/xz-utils_$version.orig.tar.xz" -C "$work" --strip-components=1 ||
    die "cannot unpack the xz-utils tarball"
src=$work/src/liblzma
include_dir=$($cc -print-file-name=include)
cflags=($target_cflags -nostdinc -isystem "$newlib/x86_64-elf/include" -isystem "$include_dir"
    -DHAVE_CONFIG_H -I"$here/liblzma" -I"$work/src/common" -I"$src/api" -I"$src/common" -I"$src/check"
    -I"$src/lz" -I"$src/lzma" -I"$src/rangecoder" -I"$src/simple" -I"$src/delta" -w)
mkdir -p "$work/obj" "$prefix/lib" "$prefix/include"
objs=()
for f in "${sources[@]}"; do
    o=$work/obj/$(echo "$f" | tr / _).o
    "${target_cc[@]}" "${cflags[@]}" -c "$src/$f" -o "$o" >>"$log" 2>&1 || fail "compiling $f"
    objs+=("$o")
done
ar rcs "$prefix/lib/liblzma.a" "${objs[@]}" >>"$log" 2>&1 || fail ar
cp -r "$src/api/lzma.h" "$src/api/lzma" "$prefix/include/"
cp "$work/COPYING" "$prefix/" 2>/dev/null || true
touch "$prefix/.complete"
