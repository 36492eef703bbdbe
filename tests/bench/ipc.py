#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""IPC figures for BENCHMARKS.md, over several boots of two ISOs that run
domains/ipctest (an echo ring between two domains, tests/boot/ipc.scn):
one with the two domains on different CPUs, one with both on CPU 0. The
different-CPU case is booted twice: with a host thread per emulated CPU
(QEMU's default, what make test runs) and with both CPUs on one host
thread, for comparison; boots that fail are counted, not averaged in.
Per boot, ipctest prints the ring throughput (64-byte requests/s), the
median event-channel round trip (cycles and us) next to the median null
hypercall of the same run, and bulk transfer rates by grant copy and by
grant map (4 KiB pages). The medians over the boots are reported.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from boot import REPO, boot_once  # noqa: E402

FIGURES = [
    ("req_per_s", re.compile(r"ring_exchange: \d+ requests, every response matched: (\d+) requests/s")),
    ("rt_cycles", re.compile(r"event round trip: median (\d+) cycles")),
    ("rt_us", re.compile(r"event round trip: median \d+ cycles \(([\d.]+) us\)")),
    ("null_cycles", re.compile(r"null hypercall median (\d+) cycles")),
    ("copy_kbs", re.compile(r"bulk_copy: 2000 pages by grant copy, every checksum right: (\d+) KB/s")),
    ("map_kbs", re.compile(r"bulk_map: 2000 pages by grant map, every checksum right: (\d+) KB/s")),
]
# name, the back end's CPU, QEMU's -accel; labels for the report.
CONFIGS = [("2cpu", 1, "tcg"), ("2cpu1t", 1, "tcg,thread=single"), ("1cpu", 0, "tcg")]
LABELS = [("2cpu", "different CPUs"), ("2cpu1t", "diff. CPUs, 1T"), ("1cpu", "same CPU")]
DONE = [("done", re.compile(r"no domains left running"))]

MANIFEST = """[ipcfront]
image = ipctest.elf
memory = 16
cpus = 0
cmdline = role=front self=2 peer=3 port=1 count=%d

[ipcback]
image = ipctest.elf
memory = 16
cpus = %d
cmdline = role=back self=3 peer=2 port=1 upcall=0
"""


def run_config(out, bench, name, back_cpu, accel, count, runs, tmp):
    manifest = bench / ("ipc_%s.manifest" % name)
    manifest.write_text(MANIFEST % (count, back_cpu))
    iso = bench / ("ipc_%s.iso" % name)
    mods = ["%s::builder.elf" % (out / "domains/builder.elf"), "%s::ipctest.elf" % (out / "domains/ipctest.elf"),
            "%s::manifest" % manifest]
    if subprocess.run([str(REPO / "build/mkiso.sh"), str(iso), str(out / "core/mosaic.elf"), "test.exit"]
                      + mods).returncode:
        return None
    env = dict(os.environ, MOSAIC_SMP="2", MOSAIC_ACCEL=accel)
    got = {n: [] for n, _ in FIGURES}
    failed = 0
    for i in range(runs):
        log = bench / ("ipc_%s-%d.log" % (name, i))
        boot_once(iso, log, Path(tmp) / "mon.sock", env, [], DONE)
        text = log.read_bytes().decode(errors="replace") if log.exists() else ""
        found = [(n, regex.search(text)) for n, regex in FIGURES]
        missing = [n for n, m in found if not m]
        if missing:
            # A failed boot is reported, not averaged in.
            failed += 1
            print("%s run %d failed (no %s); log tail:" % (name, i + 1, ", ".join(missing)))
            print("\n".join("    " + l for l in text.replace("\r", "").splitlines()[-8:]))
            continue
        for n, m in found:
            got[n].append(float(m.group(1)))
    if failed == runs:
        return None
    r = {n: statistics.median(v) for n, v in got.items()}
    r["failed"] = failed
    return r


def main():
    ap = argparse.ArgumentParser(description="Measure event-channel, ring and grant figures.")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--count", type=int, default=1000000)
    args = ap.parse_args()
    out = Path(args.out).resolve()
    bench = out / "tests/bench"
    bench.mkdir(parents=True, exist_ok=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        for name, cpu, accel in CONFIGS:
            results[name] = run_config(out, bench, name, cpu, accel, args.count, args.runs, tmp)
    print("command: python3 tests/bench/ipc.py --out %s --runs %d --count %d  (2 CPUs; front end on CPU 0,"
          % (os.path.relpath(out, REPO), args.runs, args.count))
    print("         back end on CPU 1 ('different CPUs') or CPU 0 ('same CPU'), blocking and polling its ports;")
    print("         '1T': -accel tcg,thread=single, both emulated CPUs on one host thread)")
    for name, label in LABELS:
        r = results[name]
        if r is None:
            print("%-14s every boot failed (%d of %d): no figures" % (label, args.runs, args.runs))
            continue
        print("%-14s event round trip: median %d cycles (%.1f us); null hypercall %d cycles; ratio %.1f"
              % (label, r["rt_cycles"], r["rt_us"], r["null_cycles"], r["rt_cycles"] / r["null_cycles"]))
        print("%-14s ring throughput: %d requests/s (64-byte requests, 32-slot ring)" % (label, r["req_per_s"]))
        print("%-14s bulk 4 KiB pages: grant copy %.2f MB/s, grant map %.2f MB/s"
              % (label, r["copy_kbs"] / 1024, r["map_kbs"] / 1024))
        print("%-14s boots that failed (medians are over the others): %d of %d" % (label, r["failed"], args.runs))
    return 0 if any(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
