#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Linux with no hypervisor: the guest images (make guest) booted directly
on the project's QEMU, the baseline a Linux guest on Mosaic is compared
against. Each boot runs the guest's nproc test and powers off; the figure is
host wall-clock seconds from QEMU's start to /init's marker line, median
over the runs, with the kernel's own timestamp of that line beside it (what
the kernel took, without firmware and loading).

A run fails, and the script with it, unless the marker, TEST PASS nproc and
a power-off all appear. It is a benchmark, not a test: not part of make test.

Usage: python3 tests/bench/linux_direct.py --out build/out/gcc [--runs 5] [--smp 2]
"""

import argparse
import re
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from run import SerialLog  # noqa: E402  (shared with the test runner)

MARKER = re.compile(r"^(?:\[\s*(\d+\.\d+)\] )?mosaic-guest: init reached on (\d+) CPUs")
PASS = re.compile(r"TEST PASS nproc$")
FAIL = re.compile(r"TEST FAIL ")
RUN_TIMEOUT = 180


def qemu_argv(out, smp, log):
    # The machine of build/qemu.sh less what only Mosaic uses (IOMMU, exit
    # device, CD): the same CPU model and accelerator, so the comparison
    # is of the software, not of the emulated machine.
    cmdline = "console=ttyS0 mosaic_test=nproc mosaic_cpus=%d mosaic_after=poweroff" % smp
    return [str(REPO / "build/qemu-root.sh"), "--exec",
            "-accel", "tcg", "-machine", "q35", "-cpu", "EPYC,-rdtscp",
            "-smp", str(smp), "-m", "1G", "-no-reboot", "-display", "none",
            "-serial", "file:%s" % log,
            "-kernel", str(out / "guest/vmlinuz"), "-initrd", str(out / "guest/initrd.img"),
            "-append", cmdline]


def boot_once(argv, log):
    """Boots once; returns (host seconds to marker, kernel seconds at marker,
    host seconds to exit) or a string saying what went wrong."""
    log.unlink(missing_ok=True)
    serial = SerialLog(log)
    marker = kernel_at = passed = None
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - start < RUN_TIMEOUT:
            done = proc.poll() is not None
            now = time.monotonic()
            for line in serial.read(final=done):
                m = MARKER.search(line)
                if m and m.group(1) and kernel_at is None:
                    kernel_at = float(m.group(1))  # the /dev/kmsg copy
                if m and marker is None:
                    marker = now - start
                    if int(m.group(2)) != int(argv[argv.index("-smp") + 1]):
                        return "marker names %s CPUs: %s" % (m.group(2), line)
                if PASS.search(line):
                    passed = True
                if FAIL.search(line):
                    return line
            if done:
                break
            time.sleep(0.01)
        else:
            return "no power-off within %d s" % RUN_TIMEOUT
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    ended = time.monotonic() - start
    if marker is None or not passed:
        return "QEMU ended (status %d) before %s" % (
            proc.returncode, "the marker" if marker is None else "TEST PASS nproc")
    return marker, kernel_at, ended


def main():
    ap = argparse.ArgumentParser(description="Boot the Linux guest images directly on QEMU.")
    ap.add_argument("--out", required=True, help="build output directory (build/out/<cc>)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--smp", type=int, default=2)
    args = ap.parse_args()
    out = Path(args.out).resolve()
    bench = out / "tests/bench"
    bench.mkdir(parents=True, exist_ok=True)

    results = []
    for i in range(args.runs):
        log = bench / ("linux_direct-%d.log" % i)
        argv = qemu_argv(out, args.smp, log)
        r = boot_once(argv, log)
        if isinstance(r, str):
            print("run %d failed: %s; last serial lines (%s):" % (i + 1, r, log))
            text = log.read_bytes().decode(errors="replace") if log.exists() else ""
            for line in text.replace("\r", "").splitlines()[-30:]:
                print("    " + line)
            return 1
        results.append(r)

    print("command: " + shlex.join(argv))
    print()
    print("%-34s %8s %8s %8s   (%d runs, %d CPUs)" % ("", "median", "min", "max", args.runs, args.smp))
    for name, k in (("host s, QEMU start -> marker", 0), ("kernel s at marker (its clock)", 1),
                    ("host s, QEMU start -> power off", 2)):
        values = [r[k] for r in results if r[k] is not None]
        if values:
            print("%-34s %8.3f %8.3f %8.3f" % (name, statistics.median(values), min(values), max(values)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
