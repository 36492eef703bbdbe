#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot-time benchmark: host wall-clock seconds from QEMU's start to the
core's boot milestones on the serial console, over several boots of one ISO.

It separates what the core costs (banner to all CPUs online) from what
firmware and GRUB cost (QEMU start to banner) in the same runs, so the
figure stays meaningful on a slower or busier host. It asserts nothing
about absolute speed.

Usage: python3 tests/bench/boot.py --out build/out [--runs 5] [--smp 2]
"""

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from run import SerialLog, monitor  # noqa: E402  (shared with the test runner)

CMDLINE = "test.exit"
MILESTONES = [
    ("banner", re.compile(r"^\[cpu0\] core: Mosaic")),
    ("all CPUs online", re.compile(r"core: all \d+ CPUs online")),
    ("boot complete", re.compile(r"core: boot complete")),
]
RUN_TIMEOUT = 120


def domain_bench_setup(description, name, images, manifest):
    """What the domain benchmarks share: --out and --runs (default 3), and
    <out>/tests/bench/<name>.iso of the core (command line test.exit),
    the builder, the domain images (file names in <out>/domains) and
    tests/images/<manifest>. Returns (args, out, bench dir, iso), or None
    when the ISO could not be made."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out = Path(args.out).resolve()
    bench = out / "tests/bench"
    bench.mkdir(parents=True, exist_ok=True)
    iso = bench / ("%s.iso" % name)
    mods = ["%s::%s" % (out / "domains" / img, img) for img in ["builder.elf"] + images]
    mods.append("%s::manifest" % (REPO / "tests/images" / manifest))
    if subprocess.run([str(REPO / "build/mkiso.sh"), str(iso), str(out / "core/mosaic.elf"), "test.exit"]
                      + mods).returncode:
        return None
    return args, out, bench, iso


def boot_once(iso, log, sock, env, argv_out, milestones=MILESTONES, extra=(), prefix=()):
    """Boots once (extra: QEMU arguments added at the end, devices;
    prefix: a command QEMU runs under, e.g. `ip netns exec NS`);
    returns {milestone: seconds} for the milestones seen."""
    for p in (log, sock):
        p.unlink(missing_ok=True)
    argv = list(prefix) + [str(REPO / "build/qemu.sh"), "batch", str(iso), str(log), str(sock)] + list(extra)
    serial, seen = SerialLog(log), {}
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while len(seen) < len(milestones) and time.monotonic() - start < RUN_TIMEOUT:
            if not argv_out:
                # qemu.sh exec's QEMU (build/qemu-build.sh's, through
                # build/qemu-root.sh): once the process image has changed,
                # its /proc cmdline is the exact QEMU command line.
                try:
                    args = Path("/proc/%d/cmdline" % proc.pid).read_bytes().split(b"\0")[:-1]
                    if args and args[0].endswith(b"qemu-system-x86_64"):
                        argv_out.extend(a.decode() for a in args)
                except OSError:
                    pass
            done = proc.poll() is not None
            now = time.monotonic()
            for line in serial.read(final=done):
                for name, regex in milestones:
                    if name not in seen and regex.search(line):
                        seen[name] = now - start
            if done:
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            try:
                proc.wait(timeout=10)   # test.exit: the core ends QEMU itself
            except subprocess.TimeoutExpired:
                try:
                    monitor(sock, ["quit"], timeout=5)
                    proc.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    proc.kill()
                    proc.wait()
    return seen


def main():
    ap = argparse.ArgumentParser(description="Measure Mosaic's boot milestones in QEMU.")
    ap.add_argument("--out", required=True, help="build output directory (build/out)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--smp", type=int, default=2)
    args = ap.parse_args()
    out = Path(args.out).resolve()
    bench_dir = out / "tests/bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    iso = bench_dir / "boot.iso"
    core = out / "core/mosaic.elf"
    mk = subprocess.run([str(REPO / "build/mkiso.sh"), str(iso), str(core), CMDLINE])
    if mk.returncode:
        return 1

    env = dict(os.environ, MOSAIC_SMP=str(args.smp))
    times = {name: [] for name, _ in MILESTONES}
    qemu_argv = []
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        for i in range(args.runs):
            log = bench_dir / ("boot-%d.log" % i)
            seen = boot_once(iso, log, Path(tmp) / "mon.sock", env, qemu_argv)
            missing = [name for name, _ in MILESTONES if name not in seen]
            if missing:
                print("boot run %d: never reached %s; last serial lines (%s):"
                      % (i + 1, ", ".join(missing), log))
                text = log.read_bytes().decode(errors="replace") if log.exists() else ""
                for line in text.replace("\r", "").splitlines()[-40:]:
                    print("    " + line)
                return 1
            for name in seen:
                times[name].append(seen[name])

    print("command: MOSAIC_SMP=%d build/qemu.sh batch %s LOG SOCK   (core cmdline %r)"
          % (args.smp, os.path.relpath(iso, REPO), CMDLINE))
    print("qemu:    " + shlex.join(qemu_argv))
    print()
    print("%-26s %8s %8s %8s   (host seconds from QEMU start, %d runs, %d CPUs)"
          % ("milestone", "median", "min", "max", args.runs, args.smp))
    for name, values in times.items():
        print("%-26s %8.3f %8.3f %8.3f"
              % (name, statistics.median(values), min(values), max(values)))
    banner, online = times["banner"], times["all CPUs online"]
    core = [o - b for b, o in zip(banner, online)]
    ratios = [c / b for b, c in zip(banner, core)]
    print("%-26s %8.3f %8.3f %8.3f" % ("core: banner -> online", statistics.median(core),
                                        min(core), max(core)))
    print()
    print("core share: (all CPUs online - banner) / banner = %.3f median (%.3f..%.3f);"
          % (statistics.median(ratios), min(ratios), max(ratios)))
    print("  i.e. the core's SMP bring-up per second spent in firmware and GRUB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
