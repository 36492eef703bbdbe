#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Install, from Debian packages only, whatever the build, `make run` and
# `make test` need and this machine lacks. Cheap checks first: when nothing
# is missing it prints nothing and never calls apt-get. It installs; it does
# not configure or build anything, except that it has build/qemu-root.sh
# make, once, the Debian 13 (trixie) root whose firmware Mosaic's QEMU uses,
# and build/qemu-build.sh build, once, that QEMU 10.0 from trixie's source
# with Mosaic's patches (docs/qemu.md), from deb.debian.org into a cache
# outside the work tree.
#
# Usage: build/deps.sh [CC]
#   CC: the compiler the build will use (default: gcc). Clang and its
#   sanitizer runtime are installed whatever CC is (`make CC=clang test`
#   must work on any machine), and the sanitizer check also runs with CC.
set -euo pipefail

cc=${1:-${CC:-gcc}}
pkgs=()
need() {
    local p
    for p in "$@"; do
        case " ${pkgs[*]-} " in *" $p "*) ;; *) pkgs+=("$p") ;; esac
    done
}
have() { command -v "$1" >/dev/null 2>&1; }
here=$(dirname "${BASH_SOURCE[0]}")

# QEMU and its firmware come from trixie, in the root build/qemu-root.sh
# makes with debootstrap; the host needs neither. debootstrap checks
# trixie's Release file against the archive keyring, which must know
# trixie's keys.
qemu_root_ok() { [ -d "$("$here/qemu-root.sh" --root)" ]; }
qemu_built_ok() { [ -x "$("$here/qemu-build.sh" --path)" ]; }

# Compile and run a program under ASan+UBSan: proves the compiler, its
# sanitizer runtime and the link all work, not just that files exist.
sanitizers_ok() {
    local compiler=$1 dir rc=0
    have "$compiler" || return 1
    dir=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-deps.XXXXXX")
    printf 'int main(int c, char **v) { (void)v; return c - 1; }\n' >"$dir/t.c"
    "$compiler" -fsanitize=address,undefined -o "$dir/t" "$dir/t.c" \
        >/dev/null 2>&1 && ASAN_OPTIONS=detect_leaks=0 "$dir/t" >/dev/null 2>&1 || rc=1
    rm -rf "$dir"
    return $rc
}

clang_rt_ok() {
    local f
    have clang || return 1
    f=$(clang -print-file-name=libclang_rt.asan-x86_64.a 2>/dev/null) || return 1
    case $f in /*) [ -f "$f" ] ;; *) return 1 ;; esac
}

check() {
    pkgs=()
    if ! qemu_root_ok; then
        [ -x /usr/sbin/debootstrap ] || have debootstrap || need debootstrap
        [ -f /usr/share/keyrings/debian-archive-trixie-automatic.gpg ] || need debian-archive-keyring
    fi
    # Building QEMU (build/qemu-build.sh): its build tools and the
    # libraries a qemu-system-x86_64 for Mosaic's boots links.
    if ! qemu_built_ok; then
        have ninja || need ninja-build
        have pkg-config || need pkg-config
        have patch || need patch
        python3 -c 'import venv, ensurepip' 2>/dev/null || need python3-venv
        [ -f /usr/include/glib-2.0/glib.h ] || need libglib2.0-dev
        [ -f /usr/include/pixman-1/pixman.h ] || need libpixman-1-dev
        [ -f /usr/include/slirp/libslirp.h ] || need libslirp-dev
        [ -f /usr/include/libfdt.h ] || need libfdt-dev
    fi
    have grub-mkrescue || need grub-common
    [ -f /usr/lib/grub/i386-pc/moddep.lst ] || need grub-pc-bin
    have xorriso || need xorriso
    have mformat || need mtools
    have clang || need clang
    have clang-format || need clang-format
    clang_rt_ok || need libclang-rt-14-dev
    have gcc || need gcc
    # newlib for the domains is built from this tarball (build/newlib.sh).
    ls /usr/src/newlib/newlib-*.tar.* >/dev/null 2>&1 || need newlib-source
    have xz || need xz-utils
    # liblzma: the builder's is built from Debian's xz-utils source, which
    # build/liblzma.sh fetches with apt-get against Debian's keyring; host
    # tests of the builder link Debian's own.
    [ -f /usr/include/lzma.h ] || need liblzma-dev
    [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need debian-archive-keyring
    # mbed TLS: the control domain's is built from Debian's mbedtls source
    # (build/mbedtls.sh, fetched like liblzma's); the operator's tool
    # (tools/mosaic) links Debian's own.
    [ -f /usr/include/mbedtls/ssl.h ] || need libmbedtls-dev
    # Xen's public headers: the Xen ABI test compares idl/ with them.
    [ -f /usr/include/xen/io/ring.h ] || need libxen-dev
    # The Linux guest's C programs (tests/guest/*.c) are linked static
    # against glibc, and take privcmd's ABI from libxen-dev.
    [ -f /usr/include/xen/sys/privcmd.h ] || need libxen-dev
    [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need libc6-dev
    sanitizers_ok gcc || need libasan8 libubsan1 libgcc-12-dev
    # The network scenarios' peer (tests/net_peer.py, run as root): a
    # namespace with tap devices and ss (iproute2), iperf3's server, and
    # ping for the peer's steps.
    PATH=$PATH:/usr/sbin:/sbin have ip || need iproute2
    PATH=$PATH:/usr/sbin:/sbin have ss || need iproute2
    have iperf3 || need iperf3
    have ping || need iputils-ping
    # A CC other than plain gcc gets the same compile-and-run check; for
    # clang a failure means its runtime package, otherwise we cannot guess.
    case $cc in
    gcc) ;;
    *clang*) sanitizers_ok "$cc" || need clang libclang-rt-14-dev ;;
    *) have "$cc" || { echo "deps: compiler '$cc' not found" >&2; exit 1; } ;;
    esac
}

# Installs the missing packages, then checks again, so a package that did
# not provide what we check for is reported here rather than as a confusing
# build or boot failure later.
install_missing() {
    local install sudo
    install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}")
    if [ "$(id -u)" -eq 0 ]; then
        sudo=()
    elif have sudo && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        echo "deps: missing packages; run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
        exit 1
    fi

    echo "deps: installing ${pkgs[*]}"
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" "${install[@]}" >/dev/null

    check
    if [ ${#pkgs[@]} -ne 0 ]; then
        echo "deps: still missing after install: ${pkgs[*]}" >&2
        exit 1
    fi
}

check
[ ${#pkgs[@]} -eq 0 ] || install_missing
qemu_root_ok || "$here/qemu-root.sh"
qemu_built_ok || "$here/qemu-build.sh"
