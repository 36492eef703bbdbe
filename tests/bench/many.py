#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Many domains for BENCHMARKS.md, over several boots of one ISO: mgtest
(mode=many) keeps 1,010 tiny domains alive at once, checks each ran and
destroys them all. Figures:
  - MGMT_DOMAIN_CREATE time with 1, 100 and 1,000 children already alive
    (median of the ten creates from each count, timed inside mgtest with
    the runtime's clock);
  - the time to create and start all of them, and to destroy them all;
  - that the free frames at the end equal those at boot.
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

COUNT = 1010
MILESTONES = [
    ("all started", re.compile(r"mgtest: many: \d+ domains created and started")),
    ("all destroyed", re.compile(r"mgtest: many: \d+ domains destroyed")),
    ("end", re.compile(r"no domains left running")),
]
WINDOWS = (1, 100, 1000)


def figures(text):
    """The figures of one boot's log, or a reason it has none."""
    f = {}
    for w in WINDOWS:
        m = re.search(r"create with %d existing: median (\d+) us" % w, text)
        if not m:
            return "no create timing at %d existing" % w
        f[w] = int(m.group(1))
    for key, pat in (("start_ms", r"(\d+) domains created and started in (\d+) ms"),
                     ("destroy_ms", r"(\d+) domains destroyed in (\d+) ms")):
        m = re.search(pat, text)
        if not m or int(m.group(1)) != COUNT:
            return "not all %d domains made it (%s)" % (COUNT, key)
        f[key] = int(m.group(2))
    boot = re.search(r"mm: free frames: (\d+) of", text)
    end = re.search(r"no domains left running \(free frames: (\d+) of", text)
    if not boot or not end or boot.group(1) != end.group(1):
        return "free frames at the end differ from boot"
    if "TEST FAIL" in text or "LEAK" in text:
        return "a check failed"
    return f


def main():
    setup = domain_bench_setup("Measure domain creation with many domains alive.", "many", ["mgtest.elf"],
                               "bench_many.manifest")
    if not setup:
        return 1
    args, out, bench, iso = setup
    env = dict(os.environ, MOSAIC_SMP="2")
    runs = []
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        for i in range(args.runs):
            log = bench / ("many-%d.log" % i)
            boot_once(iso, log, Path(tmp) / "mon.sock", env, [], MILESTONES)
            text = log.read_bytes().decode(errors="replace").replace("\r", "") if log.exists() else ""
            f = figures(text)
            if isinstance(f, str):
                print("run %d: %s; log tail:" % (i + 1, f))
                print("\n".join("    " + l for l in text.splitlines()[-30:]))
                return 1
            runs.append(f)
    med = statistics.median
    print("command: python3 tests/bench/many.py --out %s --runs %d  (2 CPUs, core cmdline 'test.exit',"
          % (os.path.relpath(out, REPO), args.runs))
    print("         modules: builder.elf mgtest.elf tests/images/bench_many.manifest)")
    for w in WINDOWS:
        v = [r[w] for r in runs]
        print("create a domain with %4d others alive: median %d us (%d..%d)" % (w, med(v), min(v), max(v)))
    for key, what in (("start_ms", "create and start"), ("destroy_ms", "destroy")):
        v = [r[key] for r in runs]
        print("%s %d domains: median %d ms (%d..%d)" % (what, COUNT, med(v), min(v), max(v)))
    print("free frames at the end equal those at boot in every run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
