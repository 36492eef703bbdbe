#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build lwIP (IPv4 over Ethernet: ARP, ICMP, UDP, TCP, DHCP client; no
# sockets, NO_SYS) for the domains, freestanding against the domains'
# newlib, from Debian's lwip source package, once per compiler and per
# lwipopts.h, into a cache outside the work tree. With --host, the same
# for the host (the C library of the host, the unit tests' sanitizers),
# for the unit tests that link lwIP.
#
# Usage: build/lwip.sh [--host] CC [LWIPOPTS]           fetch and build if missing
#        build/lwip.sh --prefix [--host] CC [LWIPOPTS]  print the install prefix, do nothing
#
# LWIPOPTS is a domain's lwipopts.h (default domains/netdrv/lwipopts.h);
# the port every domain shares is domains/lwip-port (arch/cc.h and the
# common options lwipopts_port.h). The source is Debian's pristine
# upstream tarball (lwip_*.orig.tar.xz, not the Debian-patched tree:
# PLATFORM.md, "lwIP"), fetched as build/libbuild.sh says; src/netif/ppp
# (other licences) is neither built nor installed. The library lands in
# PREFIX/{include,lib/liblwip.a}, include holding lwIP's headers, the
# port's and lwipopts.h, with
#   PREFIX = ${MOSAIC_CACHE:-$HOME/.cache/mosaic}/lwip-<version>-[host-]<cc>-<config>
# <config> hashing the flags, the file list, the port's headers,
# lwipopts.h and the newlib it was built against (and with --tls the mbed
# TLS prefix, itself a hash of its configuration); PREFIX/.complete is
# written last.
set -euo pipefail

die() {
    echo "lwip: $*" >&2
    exit 1
}

prefix_only=0
host=0
tls=
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) prefix_only=1 ;;
    --host) host=1 ;;
    --tls)
        [ $# -ge 2 ] || die "--tls needs the mbed TLS prefix (build/mbedtls.sh --prefix CC)"
        tls=$2
        shift
        ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || die "usage: build/lwip.sh [--prefix] [--host] [--tls MBEDTLS] CC [LWIPOPTS]"
cc=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
opts_h=${2:-$here/../domains/netdrv/lwipopts.h}
port=$here/../domains/lwip-port
[ -f "$opts_h" ] || die "no $opts_h"
# shellcheck source=build/libbuild.sh
source "$here/libbuild.sh"

# The one pin: the upstream version of bookworm's lwip (any Debian
# revision of it: see build/libbuild.sh).
version=2.1.3
deb_version=$version+dfsg1
suite=bookworm

kind=$(cc_kind "$cc")
# lwIP's core, IPv4 and Ethernet: PLATFORM.md's 29 files.
sources=(core/init.c core/def.c core/dns.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c core/netif.c
    core/pbuf.c core/raw.c core/stats.c core/sys.c core/altcp.c core/altcp_alloc.c core/altcp_tcp.c core/tcp.c
    core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c
    core/ipv4/autoip.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/igmp.c
    core/ipv4/ip4_frag.c core/ipv4/ip4.c core/ipv4/ip4_addr.c netif/ethernet.c)
# --tls: the altcp_tls layer over mbed TLS (BSD-3-Clause like the rest).
[ -z "$tls" ] || sources+=(apps/altcp_tls/altcp_tls_mbedtls.c apps/altcp_tls/altcp_tls_mbedtls_mem.c)

# The project's warnings (build/toolchain.mk), less the one lwIP's own
# code trips, with gcc and clang alike: implicit narrowing in its
# arithmetic on u16_t and u8_t (-Wconversion).
warn=$(MAKEFLAGS= make --no-print-directory -s -f "$here/toolchain.mk" -f - CC="$cc" lwip-warn-flags <<<'lwip-warn-flags: ; @echo $(WARN_FLAGS)')
warn="$warn -Wno-conversion"
# The altcp_tls glue trips two more: an int compared with an unsigned
# constant in an assertion, and mbedtls_ssl_flush_output's result (which
# mbed TLS 2.28 marks must-use) ignored where the glue retries later.
[ -z "$tls" ] || warn="$warn -Wno-sign-compare -Wno-unused-result"
if [ $host -eq 1 ]; then
    # As tests/rules.mk builds the unit tests.
    target_cc=("$cc")
    target_cflags="-std=gnu99 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    newlib=
    name=lwip-$version-host-$kind
else
    # As build/newlib.sh builds newlib, plus newlib's headers before the
    # compiler's (as domains/rules.mk compiles the domains).
    target_cc=("$cc")
    [ "$kind" = clang ] && target_cc=("$cc" --target=x86_64-unknown-elf)
    target_cflags="-std=gnu99 -O2 -g -ffreestanding -fno-stack-protector -mno-red-zone -fno-pic -fno-pie -fno-common -fno-asynchronous-unwind-tables"
    newlib=$("$here/newlib.sh" --prefix "$cc")
    name=lwip-$version-$kind
fi
config=$({
    printf '%s\n' "${sources[@]}" "$target_cflags" "$warn" "$newlib"
    [ -z "$tls" ] || printf '%s\n' "$tls"
    cat "$port/arch/cc.h" "$port/lwipopts_port.h" "$opts_h"
} | sha256sum | cut -c1-8)

cache=${MOSAIC_CACHE:-$HOME/.cache/mosaic}
prefix=$cache/$name-$config

if [ $prefix_only -eq 1 ]; then
    echo "$prefix"
    exit 0
fi
[ -f "$prefix/.complete" ] && exit 0
[ $host -eq 1 ] || [ -f "$newlib/.complete" ] || die "newlib is not built yet ($newlib); run build/newlib.sh $cc first"
[ -z "$tls" ] || [ -f "$tls/.complete" ] || die "mbed TLS is not built yet ($tls); run build/mbedtls.sh $cc first"

cache_build_start lwip "$cache" "$prefix"
debian_orig_tarball "$cache" "$suite" lwip "$deb_version" "lwip_$deb_version.orig.tar.xz"

rm -rf "$prefix"
echo "  LWIP    $version for $([ $host -eq 1 ] && echo "the host, ")$kind (once; cached in $prefix)"
tar -xf "$cache/src/lwip_$deb_version.orig.tar.xz" -C "$work" --strip-components=1 --exclude='*/src/netif/ppp' ||
    die "cannot unpack the lwip tarball"
# The headers the library is built with are the ones installed: lwIP's,
# the port's and the domain's lwipopts.h, all from PREFIX/include.
mkdir -p "$prefix/include/arch"
cp -r "$work/src/include/lwip" "$work/src/include/netif" "$prefix/include/"
# init.c, memp.c and ethernet.c include two PPP headers, empty with
# PPP_SUPPORT 0; nothing installed needs them.
rm -rf "$prefix/include/netif/ppp"
cp "$port/arch/cc.h" "$prefix/include/arch/"
cp "$port/lwipopts_port.h" "$prefix/include/"
cp "$opts_h" "$prefix/include/lwipopts.h"
cflags=($target_cflags $warn -I"$prefix/include" -I"$work/src/include")
[ -z "$tls" ] || cflags+=(-isystem "$tls/include")
if [ $host -eq 0 ]; then
    include_dir=$($cc -print-file-name=include)
    cflags=(-nostdinc -isystem "$newlib/x86_64-elf/include" -isystem "$include_dir" "${cflags[@]}")
fi
build_archive "$work/src" "$prefix/lib/liblwip.a"
cp "$work/COPYING" "$prefix/"
touch "$prefix/.complete"
