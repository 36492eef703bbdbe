#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The one definition of the emulated machine Mosaic runs on (DESIGN.md,
# "The machine we build for"), shared by `make run`, the boot scenarios and
# the benchmarks. It launches QEMU; it does not build anything. The QEMU is
# build/qemu-build.sh's (Debian 13's source with Mosaic's patch) with the
# firmware of the root build/qemu-root.sh makes (build/deps.sh runs both),
# not the host's.
#
# Usage: build/qemu.sh run ISO [EXTRA...]
#        build/qemu.sh batch ISO LOGFILE MONSOCK [EXTRA...]
#
# run:   interactive: this terminal is COM2, the console domain's user
#        console (Ctrl-A three times switches between domains there), with
#        QEMU's monitor behind its escape key, moved from Ctrl-A to Ctrl-]
#        (-echr) so that Ctrl-A reaches the console domain: Ctrl-] x quits,
#        Ctrl-] c is the monitor. COM1, the core's log, goes to the file
#        MOSAIC_RUN_LOG (default: run.log beside the ISO), named at start.
# batch: no display, COM1 into LOGFILE, HMP monitor on the UNIX socket
#        MONSOCK; QEMU replaces this script so the caller gets its status.
#        With MOSAIC_COM2=SOCK, COM2 is a UNIX socket QEMU serves at SOCK
#        and waits for (the test runner connects, reads and types there).
#
# Environment: MOSAIC_SMP (default 2), MOSAIC_MEM (default 2G),
# MOSAIC_MGMT_PORT (run: the host port for the control domain, default 5710),
# MOSAIC_CPU (default EPYC,+svm,+npt,-rdtscp), MOSAIC_ACCEL (default tcg:
# one host thread per CPU; tcg,thread=single runs every CPU on one host
# thread). EXTRA arguments go last, so
# they may add devices; change the CPU through MOSAIC_CPU.
#
# Exit status in both modes: the guest ends QEMU by writing V to I/O port
# 0xf4 (isa-debug-exit), which makes QEMU exit with (V << 1) | 1. The core
# writes 0 after a completed test run (status 1), 1 after a panic or fault
# dump (status 3) and 2 when it refuses to boot (status 5). -no-reboot turns
# a triple fault or guest reset into a plain exit with status 0.
set -euo pipefail

usage() {
    echo "usage: $0 run ISO [EXTRA...]" >&2
    echo "       $0 batch ISO LOGFILE MONSOCK [EXTRA...]" >&2
    exit 2
}

# QEMU splits option values at commas; a literal comma is written twice.
qarg() { printf '%s' "${1//,/,,}"; }

[ $# -ge 2 ] || usage
mode=$1 iso=$2
shift 2
[ -f "$iso" ] || { echo "qemu.sh: ISO '$iso' not found" >&2; exit 2; }
qemu=("$(dirname "${BASH_SOURCE[0]}")/qemu-root.sh" --exec)

# shellcheck disable=SC2054  # commas separate QEMU sub-options, not elements
machine=(
    -accel "${MOSAIC_ACCEL:-tcg}" -machine q35
    -cpu "${MOSAIC_CPU:-EPYC,+svm,+npt,-rdtscp}"
    -smp "${MOSAIC_SMP:-2}"
    -m "${MOSAIC_MEM:-2G}"
    -device intel-iommu,intremap=on
    -no-reboot
    -device isa-debug-exit,iobase=0xf4,iosize=0x04
    -drive "file=$(qarg "$iso"),format=raw,media=cdrom,readonly=on"
    -boot d
)

case $mode in
run)
    runlog=${MOSAIC_RUN_LOG:-$(dirname "$iso")/run.log}
    echo "mosaic: booting $iso in QEMU; the core's log (COM1) goes to $runlog"
    echo "mosaic: this terminal is COM2, the console domain's: Ctrl-A three times switches domains;"
    echo "mosaic: QEMU's escape is Ctrl-] (Ctrl-] x quits, Ctrl-] c is its monitor)"
    # The network driver domain's NIC (build/run.manifest): QEMU's
    # user-mode network, its DMA through the IOMMU.
    echo "mosaic: the guest's eth0 is bridged by netdrv to QEMU's user-mode network (10.0.2.0/24, DHCP)"
    # The control domain's management NIC (build/run.manifest): a
    # user-mode network of its own that reaches nothing (restrict=on),
    # its TLS port forwarded to 127.0.0.1:MOSAIC_MGMT_PORT.
    # The block driver domain's disk (build/run.manifest): a sparse file
    # kept beside the ISO from one run to the next, the guest's xvda.
    disk=${MOSAIC_RUN_DISK:-$(dirname "$iso")/run-disk.img}
    [ -e "$disk" ] || truncate -s 1G "$disk"
    echo "mosaic: the guest's xvda is $disk (1 GiB, kept between runs), served by blkdrv"
    mgmt_port=${MOSAIC_MGMT_PORT:-5710}
    echo "mosaic: the control domain listens on 127.0.0.1:$mgmt_port; from another terminal:"
    tool="$(dirname "$iso")/tools/mosaic --port $mgmt_port"
    echo "mosaic:   $tool list          # the domains (xl list); the guest is 'debian'"
    echo "mosaic:   $tool top           # CPU and memory, live (Ctrl-C ends it)"
    echo "mosaic:   $tool vcpu-list debian; $tool vcpu-pin debian 0 1"
    echo "mosaic:   $tool sched-credit -d debian -w 512; $tool pause debian; $tool unpause debian"
    echo "mosaic:   $tool dmesg; $tool info; $tool help"
    exec "${qemu[@]}" "${machine[@]}" -display none -echr 0x1d \
        -netdev user,id=run0 \
        -device virtio-net-pci,netdev=run0,disable-legacy=on,iommu_platform=on,addr=05 \
        -netdev "user,id=mgmt0,restrict=on,hostfwd=tcp:127.0.0.1:$mgmt_port-:5710" \
        -device virtio-net-pci,netdev=mgmt0,disable-legacy=on,iommu_platform=on,addr=06 \
        -drive "file=$(qarg "$disk"),if=none,id=run-disk,format=raw,cache=writeback" \
        -device virtio-blk-pci,drive=run-disk,disable-legacy=on,iommu_platform=on,addr=04 \
        -serial "file:$(qarg "$runlog")" -serial mon:stdio "$@"
    ;;
batch)
    [ $# -ge 2 ] || usage
    log=$1 sock=$2
    shift 2
    com2=()
    if [ -n "${MOSAIC_COM2:-}" ]; then
        com2=(-serial "unix:$(qarg "$MOSAIC_COM2"),server=on,wait=on")
    fi
    exec "${qemu[@]}" "${machine[@]}" -display none \
        -serial "file:$(qarg "$log")" "${com2[@]}" \
        -monitor "unix:$(qarg "$sock"),server=on,wait=off" "$@"
    ;;
*)
    usage
    ;;
esac
