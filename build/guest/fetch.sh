#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Fetch the Debian packages the Linux guest images are made from (pinned in
# build/guest/versions) with `apt-get download`, and unpack them with
# dpkg-deb into one tree in a cache outside the work tree. Quiet when the
# cache is complete. It makes no image: build/guest/initramfs.py does.
#
# Usage: build/guest/fetch.sh          fetch and unpack if missing
#        build/guest/fetch.sh --dir    print the cache directory, fetch nothing
#
# The tree is ${MOSAIC_CACHE:-$HOME/.cache/mosaic}/guest-<kernel ABI>-<hash>,
# <hash> naming the versions file's contents, so a changed pin unpacks beside
# the old tree instead of mixing with it. It is unpacked in a temporary
# directory, marked .complete, then renamed: an interrupted run never leaves
# a tree that looks finished.
#
# apt runs with package lists of its own, under the cache, for bookworm,
# bookworm-updates and bookworm-security from deb.debian.org and checked
# against Debian's archive keyring: no root, nothing of the host's apt
# state read or changed, and the same packages whatever the host's sources
# say. The lists are refreshed before each fetch, so a pin that left the
# archive is named as such rather than as a failed download.
set -euo pipefail

die() {
    echo "guest: $*" >&2
    exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
versions=$here/versions
[ -f "$versions" ] || die "no $versions"

# "package version" pairs, comments and blank lines dropped.
mapfile -t pins < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$versions")
kernel_pkg=
wanted=() # package=version, as apt-get download takes them
for pin in "${pins[@]}"; do
    read -r pkg ver rest <<<"$pin"
    if [ -z "${ver-}" ] || [ -n "${rest-}" ]; then
        die "$versions: '$pin' is not 'package version'"
    fi
    wanted+=("$pkg=$ver")
    case $pkg in linux-image-*-amd64) kernel_pkg=$pkg ;; esac
done
[ -n "$kernel_pkg" ] || die "$versions names no linux-image-<abi>-amd64 package"
abi=${kernel_pkg#linux-image-}

cache=${MOSAIC_CACHE:-$HOME/.cache/mosaic}
dir=$cache/guest-$abi-$(sha256sum <"$versions" | cut -c1-8)

if [ "${1-}" = --dir ]; then
    echo "$dir"
    exit 0
fi
[ $# -eq 0 ] || die "usage: build/guest/fetch.sh [--dir]"
[ -f "$dir/.complete" ] && exit 0

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# apt depends on debian-archive-keyring, so every Debian has it.
[ -f "$keyring" ] || die "no $keyring (package debian-archive-keyring)"

mkdir -p "$cache"
# Two makes at once: the second waits, then finds the first one's tree.
# One lock for every pin, as they share the apt lists.
exec 9>"$cache/guest.lock"
flock 9
[ -f "$dir/.complete" ] && exit 0

apt_dir=$cache/apt-bookworm
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/empty"
mirror="[signed-by=$keyring] http://deb.debian.org"
printf 'deb %s/debian bookworm main\ndeb %s/debian bookworm-updates main\ndeb %s/debian-security bookworm-security main\n' \
    "$mirror" "$mirror" "$mirror" >"$apt_dir/sources.list"
apt_opts=(
    -o Dir::Etc::SourceList="$apt_dir/sources.list"
    -o Dir::Etc::SourceParts="$apt_dir/empty"
    -o Dir::Etc::Preferences=/dev/null
    -o Dir::Etc::PreferencesParts="$apt_dir/empty"
    -o Dir::State="$apt_dir"
    -o Dir::State::Lists="$apt_dir/lists"
    -o Dir::State::status=/dev/null
    -o Dir::Cache="$apt_dir"
    -o Dir::Cache::Archives="$apt_dir/archives"
    -o APT::Architecture=amd64
    -o APT::Architectures=amd64
    -o Acquire::Languages=none
    -q
)
# As root, apt would download as the user _apt, who may not enter the cache.
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
apt() { "$1" "${apt_opts[@]}" "${@:2}"; }

for old in "$dir".tmp.*; do
    [ -e "$old" ] && rm -rf "$old"
done
tmp=$(mktemp -d "$dir.tmp.XXXXXX")
log=$tmp.log
trap 'rm -rf "$tmp" "$log"' EXIT
fail() {
    echo "guest: $1; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    trap 'rm -rf "$tmp"' EXIT # keep the log
    exit 1
}

echo "  GUEST   ${#pins[@]} Debian packages, kernel $abi (once; cached in $dir)"
apt apt-get update >"$log" 2>&1 || fail "apt-get update from deb.debian.org failed"

# A pin the archive no longer has: say what it has instead. For the
# kernel that is what linux-image-amd64 depends on now (a new ABI is a new
# package name).
for want in "${wanted[@]}"; do
    pkg=${want%%=*} ver=${want#*=}
    # apt-cache show exits 0 for a version it does not know (printing
    # nothing); grep reads all, as -q would end apt-cache by SIGPIPE.
    apt apt-cache show "$want" 2>/dev/null | grep -xF "Version: $ver" >/dev/null && continue
    if [ "$pkg" = "$kernel_pkg" ]; then
        new=$(apt apt-cache depends linux-image-amd64 2>/dev/null |
            sed -n 's/^ *Depends: \(linux-image-.*-amd64\)$/\1/p' | head -n 1)
        now="${new:-?} $(apt apt-cache policy "${new:-linux-image-amd64}" 2>/dev/null |
            sed -n 's/^ *Candidate: //p')"
    else
        now="$pkg $(apt apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')"
    fi
    die "$pkg $ver (pinned in build/guest/versions) is no longer in Debian's archive, which has $now: put that line in build/guest/versions"
done

mkdir "$tmp/debs" "$tmp/root"
(cd "$tmp/debs" && apt apt-get download "${wanted[@]}") >>"$log" 2>&1 ||
    fail "apt-get download failed"
for deb in "$tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$tmp/root" >>"$log" 2>&1 || fail "dpkg-deb -x $(basename "$deb") failed"
done
rm -rf "$tmp/debs"

# What the image builder relies on, checked here so a package that moved
# a file fails now with its name rather than later as a broken guest.
for f in "boot/vmlinuz-$abi" "lib/modules/$abi/modules.builtin" bin/busybox usr/bin/xenstore usr/bin/fio usr/bin/iperf3 \
    lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2; do
    [ -e "$tmp/root/$f" ] || [ -L "$tmp/root/$f" ] || fail "the unpacked packages have no /$f"
done
cp "$versions" "$tmp/versions"
touch "$tmp/.complete"
mv -T "$tmp" "$dir"
trap - EXIT
rm -f "$log"
