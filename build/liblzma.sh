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
# The source comes from Debian's archive through a private apt, as
# build/libbuild.sh says. Only the upstream tarball (*.orig.tar.xz) is
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
# shellcheck source=build/libbuild.sh
source "$here/libbuild.sh"

# The one pin: the upstream version of bookworm's xz-utils (any Debian
# revision of it: see build/libbuild.sh).
version=5.4.1
suite=bookworm

kind=$(cc_kind "$cc")
target_cc=("$cc")
[ "$kind" = clang ] && target_cc=("$cc" --target=x86_64-unknown-elf)

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

cache_build_start liblzma "$cache" "$prefix"
debian_orig_tarball "$cache" "$suite" xz-utils "$version" "xz-utils_$version.orig.tar.xz"

rm -rf "$prefix"
echo "  LIBLZMA $version for $kind (once; cached in $prefix)"
tar -xf "$cache/src/xz-utils_$version.orig.tar.xz" -C "$work" --strip-components=1 ||
    die "cannot unpack the xz-utils tarball"
src=$work/src/liblzma
include_dir=$($cc -print-file-name=include)
cflags=($target_cflags -nostdinc -isystem "$newlib/x86_64-elf/include" -isystem "$include_dir"
    -DHAVE_CONFIG_H -I"$here/liblzma" -I"$work/src/common" -I"$src/api" -I"$src/common" -I"$src/check"
    -I"$src/lz" -I"$src/lzma" -I"$src/rangecoder" -I"$src/simple" -I"$src/delta" -w)
mkdir -p "$prefix/include"
build_archive "$src" "$prefix/lib/liblzma.a"
cp -r "$src/api/lzma.h" "$src/api/lzma" "$prefix/include/"
cp "$work/COPYING" "$prefix/" 2>/dev/null || true
touch "$prefix/.complete"
