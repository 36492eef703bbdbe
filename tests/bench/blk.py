#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Disk throughput of a Linux guest on Mosaic against the same kernel with
no hypervisor, in one run: boots alternate between the two, on the same
emulated machine (q35, build/qemu.sh's CPU model, 2 CPUs on one host
thread) with the same kind of disk, a fresh raw image each boot behind
QEMU's virtio-blk-pci (modern only). Each boot runs Debian's fio in the
guest (tests/guest/fio.sh, the benchmark initramfs initrd-bench.img) and
powers off. Figures, medians over the boots, with their ratio:

  - 1 MiB direct sequential write and read, MiB/s;
  - 4 KiB direct random read, IOPS.

On Mosaic the disk is the block driver domain's (blkdrv owns the virtio
function, its DMA through the IOMMU: iommu_platform=on) and the guest sees
it as /dev/xvda through its own xen-blkfront; directly, the kernel drives
the same virtio-blk device itself as /dev/vda. Mosaic boots: the core
(test.exit), builder, xenstored, console domain, blkdrv and the guest of
tests/images/bench_blk.manifest. A benchmark, not a test: not in make test.

Usage: python3 tests/bench/blk.py --out build/out/gcc [--runs 3]
"""

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import linux  # noqa: E402
from boot import REPO  # noqa: E402

DISK_MIB = 512
GUEST_MIB = 384  # tests/images/bench_blk.manifest: fio's libraries unpack to about 120 MiB of initramfs
SLOT = 4  # tests/images/bench_blk.manifest's pci = 0000:00:04.0
SERVICES = ("builder", "xenstored", "console", "blkdrv")
FIGURES = (("seq_write_kibs", "1 MiB sequential write", "MiB/s", 1 / 1024),
           ("seq_read_kibs", "1 MiB sequential read", "MiB/s", 1 / 1024),
           ("rand_read_iops", "4 KiB random read", "IOPS", 1))
MOSAIC_MILESTONES = [
    ("marker", re.compile(r"d\d+ linux: .*" + linux.MARKER.pattern)),
    ("bench done", re.compile(r"d\d+ linux: .*BENCH done")),
    ("end", re.compile(r"core: no domains left running")),
]


def disk_args(image, iommu):
    dev = "virtio-blk-pci,drive=bench0,disable-legacy=on,addr=0x%x" % SLOT
    if iommu:
        dev += ",iommu_platform=on"
    return ["-drive", "file=%s,if=none,id=bench0,format=raw" % image, "-device", dev]


def fresh_disk(path):
    path.unlink(missing_ok=True)
    with open(path, "wb") as f:
        f.truncate(DISK_MIB << 20)


def direct_argv(out, log, image):
    argv = linux.direct_argv(out, log)
    argv[argv.index("-initrd") + 1] = str(out / "guest/initrd-bench.img")
    argv[argv.index("-append") + 1] = "console=ttyS0 mosaic_test=fio mosaic_after=poweroff"
    argv[argv.index("-m") + 1] = "%dM" % GUEST_MIB
    return argv + disk_args(image, False)


def run_direct(out, log, image):
    fresh_disk(image)
    _, figures, _ = linux.boot_direct(out, log, direct_argv(out, log, image))
    return figures


def run_mosaic(iso, log, sock, image):
    fresh_disk(image)
    _, text = linux.boot_mosaic_log(iso, log, sock, MOSAIC_MILESTONES, disk_args(image, True))
    return linux.bench_lines(text, r"d\d+ linux: ")


def main():
    args, out, bench = linux.bench_setup("fio in Linux on Mosaic against Linux without a hypervisor.")

    iso = bench / "blk.iso"
    if not linux.make_iso(out, iso, SERVICES, ("vmlinuz", "initrd-bench.img"), "tests/images/bench_blk.manifest"):
        return 1

    with tempfile.TemporaryDirectory(prefix="mosaic-bench.", dir=bench) as tmp:
        image = Path(tmp) / "disk.img"
        boots = (("direct", lambda log: run_direct(out, log, image)),
                 ("Mosaic", lambda log: run_mosaic(iso, log, Path(tmp) / "mon.sock", image)))
        results = linux.alternate(args.runs, bench, "blk", boots, [f for f, _, _, _ in FIGURES])
    if results is None:
        return 1

    print("command: python3 tests/bench/blk.py --out %s --runs %d" % (os.path.relpath(out, REPO), args.runs))
    print("  direct: " + shlex.join(direct_argv(out, Path("LOG"), Path("DISK"))))
    print("  Mosaic: MOSAIC_SMP=%d MOSAIC_ACCEL=%s build/qemu.sh batch %s LOG SOCK %s"
          % (linux.SMP, linux.ACCEL, os.path.relpath(iso, REPO), shlex.join(disk_args(Path("DISK"), True))))
    print("          (core test.exit; builder xenstored console blkdrv; tests/images/bench_blk.manifest;"
          " fio: tests/guest/fio.sh; a fresh %d MiB raw image each boot)" % DISK_MIB)
    linux.print_figures(FIGURES, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
