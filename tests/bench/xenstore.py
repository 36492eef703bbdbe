#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""XenStore figures for BENCHMARKS.md, over several boots of the
tests/boot/xenstore.scn set-up (xenstored on CPU 1, two xstest clients on
CPU 0): read and write requests per second from one client alone and
from each of two clients at once, the latency from one domain's write to
the watch event in another, and the null hypercall of the same boot as
the baseline. Failed boots are counted, not averaged in.
"""
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from boot import REPO, boot_once, domain_bench_setup  # noqa: E402

FIGURES = [
    ("null_ns", re.compile(r"xsa: xstest: null hypercall (\d+) ns")),
    ("one_reads", re.compile(r"xsa: xstest: one client: (\d+) reads/s")),
    ("one_writes", re.compile(r"xsa: xstest: one client: \d+ reads/s, (\d+) writes/s")),
    ("two_reads_a", re.compile(r"xsa: xstest: two clients, this one: (\d+) reads/s")),
    ("two_writes_a", re.compile(r"xsa: xstest: two clients, this one: \d+ reads/s, (\d+) writes/s")),
    ("two_reads_b", re.compile(r"xsb: xstest: two clients, this one: (\d+) reads/s")),
    ("two_writes_b", re.compile(r"xsb: xstest: two clients, this one: \d+ reads/s, (\d+) writes/s")),
    ("watch_us", re.compile(r"xstest: write to watch event in another domain: median (\d+) us")),
]
DONE = [("done", re.compile(r"no domains left running"))]
# As tests/boot/xenstore.scn: a host thread per emulated CPU.
ACCEL = "tcg"


def main():
    setup = domain_bench_setup("Measure XenStore request rates and watch latency.", "xenstore",
                               ["xenstored.elf", "xstest.elf"], "xenstore.manifest")
    if not setup:
        return 1
    args, out, bench, iso = setup
    got = {n: [] for n, _ in FIGURES}
    failed = 0
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        for i in range(args.runs):
            log = bench / ("xenstore-%d.log" % i)
            boot_once(iso, log, Path(tmp) / "mon.sock", dict(os.environ, MOSAIC_SMP="2", MOSAIC_ACCEL=ACCEL), [], DONE)
            text = log.read_bytes().decode(errors="replace") if log.exists() else ""
            found = [(n, regex.search(text)) for n, regex in FIGURES]
            missing = [n for n, m in found if not m]
            if missing:
                failed += 1
                print("run %d failed (no %s); log tail:" % (i + 1, ", ".join(missing)))
                print("\n".join("    " + l for l in text.replace("\r", "").splitlines()[-8:]))
                continue
            for n, m in found:
                got[n].append(float(m.group(1)))
    if failed == args.runs:
        return 1
    r = {n: statistics.median(v) for n, v in got.items()}
    per_read_ns = 1e9 / r["one_reads"]
    print("command: python3 tests/bench/xenstore.py --out %s --runs %d  (xenstored on CPU 1, clients on CPU 0;"
          " -accel %s)" % (os.path.relpath(out, REPO), args.runs, ACCEL))
    print("one client:  %d reads/s, %d writes/s; a read costs %.0f us = %.1f null hypercalls (%d ns each)"
          % (r["one_reads"], r["one_writes"], per_read_ns / 1000, per_read_ns / r["null_ns"], r["null_ns"]))
    print("two clients: %d + %d reads/s, %d + %d writes/s"
          % (r["two_reads_a"], r["two_reads_b"], r["two_writes_a"], r["two_writes_b"]))
    print("write to watch event in another domain: median %d us" % r["watch_us"])
    print("boots that failed (medians are over the others): %d of %d" % (failed, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
