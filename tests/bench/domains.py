#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Domain figures for BENCHMARKS.md, over several boots of one ISO (the
builder, a 16 MiB hello domain and the hypercall benchmark domain):
  - build time: from the core's "created" line for the 16 MiB domain to
    that domain's first console line (the builder populates it, copies
    the image in, writes start_info, unpauses it; it boots and prints);
  - boot time: from QEMU start to the builder's "all started" line;
  - the hypercall medians hcbench prints (TSC cycles, inside the guest).
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

MILESTONES = [
    ("banner", re.compile(r"^\[cpu0\] core: Mosaic")),
    ("hello16 created", re.compile(r"domain: d\d+ 'hello16' created")),
    ("hello16 first output", re.compile(r"d\d+ hello16: ")),
    ("all manifest domains started", re.compile(r"builder: (\d+) of \1 domains started")),
    ("hcbench done", re.compile(r"hcbench: null hypercall")),
]
FIGURES = [
    ("empty", re.compile(r"hcbench: empty timed region: median (\d+) cycles")),
    ("cpuid", re.compile(r"hcbench: CPUID exit: median (\d+) cycles")),
    ("null", re.compile(r"hcbench: null hypercall: median (\d+) cycles")),
]


def main():
    setup = domain_bench_setup("Measure domain build, boot and hypercall figures.", "domains",
                               ["hello.elf", "hcbench.elf"], "bench_domains.manifest")
    if not setup:
        return 1
    args, out, bench, iso = setup
    env = dict(os.environ, MOSAIC_SMP="2")
    build, boot, figures = [], [], {name: [] for name, _ in FIGURES}
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        for i in range(args.runs):
            log = bench / ("domains-%d.log" % i)
            seen = boot_once(iso, log, Path(tmp) / "mon.sock", env, [], MILESTONES)
            text = log.read_bytes().decode(errors="replace") if log.exists() else ""
            if len(seen) < len(MILESTONES):
                print("run %d: missing %s; log tail:" % (i + 1, [n for n, _ in MILESTONES if n not in seen]))
                print("\n".join("    " + l for l in text.replace("\r", "").splitlines()[-30:]))
                return 1
            build.append(seen["hello16 first output"] - seen["hello16 created"])
            boot.append(seen["all manifest domains started"])
            for name, regex in FIGURES:
                figures[name].append(int(regex.search(text).group(1)))
    med = statistics.median
    print("command: python3 tests/bench/domains.py --out %s --runs %d  (2 CPUs, core cmdline 'test.exit',"
          % (os.path.relpath(out, REPO), args.runs))
    print("         modules: builder.elf hello.elf hcbench.elf tests/images/bench_domains.manifest)")
    print("build a 16 MiB domain, created -> its first console line: median %.3f s (%.3f..%.3f)"
          % (med(build), min(build), max(build)))
    print("QEMU start -> all manifest domains started:              median %.3f s (%.3f..%.3f)"
          % (med(boot), min(boot), max(boot)))
    e, c, n = med(figures["empty"]), med(figures["cpuid"]), med(figures["null"])
    print("null hypercall (xen_version): median of medians %d cycles; CPUID exit %d cycles; timing overhead %d"
          % (n, c, e))
    print("  ratio null hypercall / CPUID exit = %.2f" % ((n - e) / (c - e)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
