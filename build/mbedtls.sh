#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build mbed TLS (a TLS 1.2 PSK server: domains/mbedtls-port/
# mbedtls_config.h says what is in and why) for the domains, freestanding
# against the domains' newlib, from Debian's mbedtls source package, once
# per compiler and per configuration, into a cache outside the work tree.
# The control domain links it, and lwIP's altcp_tls glue is compiled
# against its headers (build/lwip.sh --tls).
#
# Usage: build/mbedtls.sh CC            fetch and build if missing
#        build/mbedtls.sh --prefix CC   print the install prefix, do nothing
#
# The source is Debian's pristine upstream tarball (mbedtls_*.orig.tar.gz),
# fetched as build/libbuild.sh says; Debian's patches are not applied (they
# change the default configuration, which ours replaces). The library
# lands in PREFIX/{include/mbedtls,lib/libmbedtls.a}, include/mbedtls/
# config.h being our configuration, with
#   PREFIX = ${MOSAIC_CACHE:-$HOME/.cache/mosaic}/mbedtls-<version>-<cc>-<config>
# <config> hashing the flags, the file list, the configuration and the
# newlib it was built against, so a changed configuration names a new
# library; PREFIX/.complete is written last.
set -euo pipefail

die() {
    echo "mbedtls: $*" >&2
    exit 1
}

prefix_only=0
if [ "${1-}" = --prefix ]; then
    prefix_only=1
    shift
fi
[ $# -ge 1 ] || die "usage: build/mbedtls.sh [--prefix] CC"
cc=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
config_h=$here/../domains/mbedtls-port/mbedtls_config.h
[ -f "$config_h" ] || die "no $config_h"
# shellcheck source=build/libbuild.sh
source "$here/libbuild.sh"

# The one pin: the upstream version of bookworm's mbedtls (any Debian
# revision of it: see build/libbuild.sh).
version=2.28.3
suite=bookworm

kind=$(cc_kind "$cc")
target_cc=("$cc")
[ "$kind" = clang ] && target_cc=("$cc" --target=x86_64-unknown-elf)

# What the configuration enables, file by file; a file left out whose
# functions are needed fails the control domain's link, loudly.
sources=(aes.c asn1parse.c bignum.c chacha20.c chachapoly.c cipher.c cipher_wrap.c constant_time.c
    ctr_drbg.c ecdh.c ecp.c ecp_curves.c entropy.c md.c oid.c pk.c pk_wrap.c pkparse.c platform_util.c
    poly1305.c sha256.c ssl_ciphersuites.c ssl_msg.c ssl_srv.c ssl_tls.c x509.c x509_crt.c)
# As build/newlib.sh builds newlib, plus newlib's headers before the
# compiler's (as domains/rules.mk compiles the domains).
target_cflags="-std=gnu99 -O2 -g -ffreestanding -fno-stack-protector -mno-red-zone -fno-pic -fno-pie -fno-common -fno-asynchronous-unwind-tables"
# The project's warnings (build/toolchain.mk), less those mbed TLS's own
# code trips with gcc or clang: implicit narrowing (-Wconversion), and
# shadowed names and format strings built at run time in a few places.
warn=$(MAKEFLAGS= make --no-print-directory -s -f "$here/toolchain.mk" -f - CC="$cc" mbedtls-warn-flags <<<'mbedtls-warn-flags: ; @echo $(WARN_FLAGS)')
warn="$warn -Wno-conversion -Wno-cast-align"
newlib=$("$here/newlib.sh" --prefix "$cc")
config=$({
    printf '%s\n' "${sources[@]}" "$target_cflags" "$warn" "$newlib"
    cat "$config_h"
} | sha256sum | cut -c1-8)

cache=${MOSAIC_CACHE:-$HOME/.cache/mosaic}
prefix=$cache/mbedtls-$version-$kind-$config

if [ $prefix_only -eq 1 ]; then
    echo "$prefix"
    exit 0
fi
[ -f "$prefix/.complete" ] && exit 0
[ -f "$newlib/.complete" ] || die "newlib is not built yet ($newlib); run build/newlib.sh $cc first"

cache_build_start mbedtls "$cache" "$prefix"
debian_orig_tarball "$cache" "$suite" mbedtls "$version" "mbedtls_$version.orig.tar.gz"

rm -rf "$prefix"
echo "  MBEDTLS $version for $kind (once; cached in $prefix)"
tar -xf "$cache/src/mbedtls_$version.orig.tar.gz" -C "$work" --strip-components=1 ||
    die "cannot unpack the mbedtls tarball"
# The headers the library is built with are the ones installed, our
# configuration in place of upstream's config.h.
mkdir -p "$prefix/include"
cp -r "$work/include/mbedtls" "$prefix/include/"
cp "$config_h" "$prefix/include/mbedtls/config.h"
include_dir=$($cc -print-file-name=include)
cflags=(-nostdinc -isystem "$newlib/x86_64-elf/include" -isystem "$include_dir"
    $target_cflags $warn -I"$prefix/include" -I"$work/library")
build_archive "$work/library" "$prefix/lib/libmbedtls.a"
cp "$work/LICENSE" "$prefix/"
touch "$prefix/.complete"
