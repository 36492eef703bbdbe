#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Assemble a BIOS-bootable GRUB2 ISO that multiboot2-loads the core with a
# command line and a list of modules. Only grub.cfg and the file layout are
# decided here; what the core does with its modules is not.
#
# Usage: build/mkiso.sh OUT.iso CORE.elf "CORE_CMDLINE" [MODULE_FILE[::STRING] ...]
#
# A module's STRING defaults to the basename of MODULE_FILE. The command
# line and module strings are split into words at blanks; GRUB hands them
# to the core joined by single spaces. Modules are passed byte for byte
# (module2 --nounzip): GRUB would otherwise silently unpack gzip/xz files.
set -euo pipefail

die() { echo "mkiso: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: $0 OUT.iso CORE.elf \"CORE_CMDLINE\" [MODULE_FILE[::STRING] ...]"
out=$1 core=$2 cmdline=$3
shift 3
[ -f "$core" ] || die "core image '$core' not found"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue not found (run build/deps.sh)"

# Quote each blank-separated word for GRUB's script parser. Inside single
# quotes nothing is special except the quote itself, written as '\''.
grub_words() {
    local w q=\' out=""
    local -a words
    read -r -a words <<<"$1" || true
    for w in "${words[@]}"; do
        out+=" '${w//$q/$q\\$q$q}'"
    done
    printf '%s' "$out"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-iso.XXXXXX")
final_tmp=""
trap 'rm -rf "$work"; [ -z "$final_tmp" ] || rm -f "$final_tmp"' EXIT
root=$work/root
mkdir -p "$root/boot/grub"
cp "$core" "$root/boot/mosaic.elf"

cfg=$root/boot/grub/grub.cfg
{
    echo "set timeout=0"
    echo "set timeout_style=hidden"
    echo "menuentry 'Mosaic' {"
    echo "    multiboot2 /boot/mosaic.elf$(grub_words "$cmdline")"
    n=0
    for spec in "$@"; do
        file=${spec%%::*}
        if [ "$file" != "$spec" ]; then string=${spec#*::}; else string=$(basename -- "$file"); fi
        [ -f "$file" ] || die "module '$file' not found"
        cp "$file" "$root/boot/mod$n"
        echo "    module2 --nounzip /boot/mod$n$(grub_words "$string")"
        n=$((n + 1))
    done
    echo "    boot"
    echo "}"
} >"$cfg"

# Only the BIOS platform (-d): the ISO is the same whether or not GRUB's EFI
# images happen to be installed, and no EFI system partition (mtools) is made.
mkdir -p "$(dirname -- "$out")"
tmp_iso=$work/out.iso
if ! grub-mkrescue -d /usr/lib/grub/i386-pc -o "$tmp_iso" \
        --locales= --fonts= --themes= --compress=xz \
        --install-modules="multiboot2 normal iso9660 biosdisk configfile" \
        "$root" >"$work/log" 2>&1; then
    cat "$work/log" >&2
    die "grub-mkrescue failed"
fi
# Same directory as the target so the final mv is an atomic rename.
final_tmp=$(mktemp "$out.tmp.XXXXXX")
cp "$tmp_iso" "$final_tmp"
chmod 644 "$final_tmp"
mv -f "$final_tmp" "$out"
final_tmp=""
