#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Linux on Mosaic against Linux with no hypervisor, in one run: boots
alternate between the two, the same kernel and initramfs (make guest) on
the same emulated machine (q35, the CPU model of build/qemu.sh, 2 CPUs,
a host thread each). Each boot runs the guest benchmark
(tests/guest/bench.sh, /tests/hcbench) and powers off. Figures, medians
over the boots:

  - host seconds from QEMU's start to /init's marker line, both ways,
    and their ratio (Mosaic / direct);
  - inside the guest, ns and TSC cycles per getppid system call (both
    ways, and their ratio) and per xen_version hypercall through
    /dev/xen/privcmd (on Mosaic only: without a hypervisor there is no
    privcmd). Cycles are the figure to trust: under TCG the TSC counts
    host cycles, while ns are only as right as the TSC frequency the core
    (or, directly, Linux) calibrated in that boot, printed beside;
  - the frames the service domains (builder, xenstored, console domain)
    hold, from the core's log: each one's "destroyed: all N of its frames
    returned" line at the end of the run, which counts every frame the
    domain held (its memory, nested page tables, VMCBs, shared info,
    event-channel and grant-table frames) - beside the memory each was
    created with.

Mosaic boots: the core (test.exit), builder, xenstored, console domain
and the guest of tests/images/bench_linux.manifest (192 MiB, 2 vCPUs,
kernel log on COM1 through earlyprintk=xen, where the marker is seen).
Direct boots: QEMU loads the kernel itself (-kernel/-initrd), -m of the
guest's 192 MiB, console on ttyS0. A benchmark, not a test: not in make
test.

Usage: python3 tests/bench/linux.py --out build/out/gcc [--runs 3]
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

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import boot  # noqa: E402
from boot import REPO  # noqa: E402
from run import SerialLog  # noqa: E402

SMP = 2
ACCEL = "tcg"
CPU = "EPYC,+svm,+npt,-rdtscp"  # build/qemu.sh's default
GUEST_MIB = 192  # tests/images/bench_linux.manifest
SERVICES = ("builder", "xenstored", "console")
TIMEOUT = 600

MARKER = re.compile(r"mosaic-guest: init reached on (\d+) CPUs")
BENCH = re.compile(r"BENCH (\w+) (\d+|none)\s*$")
BENCH_FAIL = re.compile(r"BENCH FAIL |TEST FAIL ")
MOSAIC_MILESTONES = [
    ("created", re.compile(r"domain: d\d+ 'linux' created")),
    ("first kernel line", re.compile(r"d\d+ linux: ")),
    ("marker", re.compile(r"d\d+ linux: .*" + MARKER.pattern)),
    ("bench done", re.compile(r"d\d+ linux: .*BENCH done")),
    ("end", re.compile(r"core: no domains left running")),
]
CREATED = re.compile(r"domain: d(\d+) '([\w-]+)' created: (\d+) vCPUs?, up to (\d+) MiB")
DESTROYED = re.compile(r"domain: d(\d+) '([\w-]+)' destroyed: all (\d+) of its frames returned")


def bench_lines(text, guest_prefix):
    """{figure: value or None} from the BENCH lines (the first of each:
    a line can appear twice, on the console and in the kernel log)."""
    figures = {}
    for line in text.replace("\r", "").splitlines():
        if guest_prefix and not re.search(guest_prefix, line):
            continue
        if BENCH_FAIL.search(line):
            raise RuntimeError(line)
        m = BENCH.search(line)
        if m and m.group(1) not in figures:
            figures[m.group(1)] = None if m.group(2) == "none" else int(m.group(2))
    return figures


def direct_argv(out, log):
    cmdline = "console=ttyS0 mosaic_test=bench mosaic_after=poweroff xen_privcmd.unrestricted=1"
    return [str(REPO / "build/qemu-root.sh"), "--exec",
            "-accel", ACCEL, "-machine", "q35", "-cpu", CPU, "-smp", str(SMP),
            "-m", "%dM" % GUEST_MIB, "-no-reboot", "-display", "none",
            "-serial", "file:%s" % log,
            "-kernel", str(out / "guest/vmlinuz"), "-initrd", str(out / "guest/initrd.img"),
            "-append", cmdline]


def boot_direct(out, log, argv=None):
    """Boots the kernel directly (argv: QEMU's command line, default
    direct_argv's). Returns (seconds to marker, figures, the TSC MHz Linux
    calibrated) or raises RuntimeError."""
    log.unlink(missing_ok=True)
    serial, marker = SerialLog(log), None
    start = time.monotonic()
    proc = subprocess.Popen(argv or direct_argv(out, log), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - start < TIMEOUT:
            done = proc.poll() is not None
            now = time.monotonic()
            for line in serial.read(final=done):
                m = MARKER.search(line)
                if m and marker is None:
                    if int(m.group(1)) != SMP:
                        raise RuntimeError("marker names %s CPUs" % m.group(1))
                    marker = now - start
            if done:
                break
            time.sleep(0.01)
        else:
            raise RuntimeError("no power-off within %d s" % TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if marker is None:
        raise RuntimeError("QEMU ended (status %d) before the marker" % proc.returncode)
    text = log.read_bytes().decode(errors="replace")
    m = re.search(r"tsc: Detected (\d+\.\d+) MHz", text)
    return marker, bench_lines(text, None), m.group(1) if m else "?"


def boot_mosaic_log(iso, log, sock, milestones, extra=(), prefix=()):
    """Boots Mosaic once on this benchmark's machine (extra: more QEMU
    arguments; prefix: what QEMU runs under, boot.boot_once's); returns
    ({milestone: seconds}, the serial log's text) or raises RuntimeError
    when a milestone was not seen."""
    env = dict(os.environ, MOSAIC_SMP=str(SMP), MOSAIC_ACCEL=ACCEL, MOSAIC_CPU=CPU)
    seen = boot.boot_once(iso, log, sock, env, [], milestones, extra, prefix)
    text = log.read_bytes().decode(errors="replace").replace("\r", "") if log.exists() else ""
    missing = [n for n, _ in milestones if n not in seen]
    if missing:
        raise RuntimeError("missing %s" % missing)
    return seen, text


def bench_setup(description):
    """The benchmark's arguments (--out, --runs), its output directory and
    boot_once's limit: (args, out, bench directory)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--out", required=True, help="build output directory (build/out/<cc>)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out = Path(args.out).resolve()
    bench = out / "tests/bench"
    bench.mkdir(parents=True, exist_ok=True)
    boot.RUN_TIMEOUT = TIMEOUT  # boot_once's limit; Linux under nested TCG takes minutes
    return args, out, bench


def boot_mosaic(iso, log, sock):
    """Returns (seconds to marker, figures, service frames {name: (MiB,
    frames)}, {milestone: seconds}, the TSC MHz the core calibrated) or
    raises RuntimeError."""
    seen, text = boot_mosaic_log(iso, log, sock, MOSAIC_MILESTONES)
    m = dict(MOSAIC_MILESTONES)["marker"].search(text)
    if int(m.group(1)) != SMP:
        raise RuntimeError("marker names %s CPUs" % m.group(1))
    created = {m.group(2): int(m.group(4)) for m in CREATED.finditer(text)}
    destroyed = {m.group(2): int(m.group(3)) for m in DESTROYED.finditer(text)}
    services = {}
    for name in SERVICES:
        if name not in destroyed:
            raise RuntimeError("no 'destroyed' line for %s" % name)
        services[name] = (created.get(name), destroyed[name])
    m = re.search(r"time: TSC (\d+\.\d+) MHz", text)
    return seen["marker"], bench_lines(text, r"d\d+ linux: "), services, seen, m.group(1) if m else "?"


def make_iso(out, iso, services, guest_files, manifest):
    """The benchmark's ISO: the core (test.exit), the service domains, the
    guest's files (from make guest) and the manifest. True when made."""
    mods = ["%s::%s" % (out / "domains" / ("%s.elf" % d), "%s.elf" % d) for d in services]
    mods += ["%s::%s" % (out / "guest" / f, f) for f in guest_files]
    mods.append("%s::manifest" % (REPO / manifest))
    return subprocess.run([str(REPO / "build/mkiso.sh"), str(iso), str(out / "core/mosaic.elf"), "test.exit"]
                          + mods).returncode == 0


def fail(i, kind, log, why):
    print("run %d (%s) failed: %s; last serial lines (%s):" % (i + 1, kind, why, log))
    text = log.read_bytes().decode(errors="replace") if log.exists() else ""
    for line in text.replace("\r", "").splitlines()[-30:]:
        print("    " + line)
    return 1


def alternate(runs, bench, stem, boots, figures):
    """Boots `runs` rounds, each kind of boots ((kind, boot(log) ->
    {figure: value})) in turn in each round, the serial logs
    bench/<stem>-<kind>-<round>.log; every name in figures must have a
    value. Returns {kind: [figures of each boot]}, or None once a boot
    failed (said, with its log's last lines)."""
    results = {kind: [] for kind, _ in boots}
    for i in range(runs):
        for kind, boot in boots:
            log = bench / ("%s-%s-%d.log" % (stem, kind.lower(), i))
            try:
                got = boot(log)
                missing = [f for f in figures if got.get(f) is None]
                if missing:
                    raise RuntimeError("no BENCH line for %s" % ", ".join(missing))
            except RuntimeError as e:
                fail(i, kind, log, e)
                return None
            results[kind].append(got)
    return results


def print_figures(figures, results):
    """One line a figure of figures ((name, what, unit, scale)): each kind's
    median over its boots (results, alternate's) and every boot's value,
    then Mosaic / direct when both ran."""
    med = statistics.median
    for name, what, unit, scale in figures:
        cols, medians = [], {}
        for kind, runs in results.items():
            v = [r[name] * scale for r in runs]
            medians[kind] = med(v)
            cols.append("%s median %.1f %s (%s)" % (kind, med(v), unit, " ".join("%.1f" % x for x in v)))
        ratio = ""
        if "Mosaic" in medians and "direct" in medians:
            ratio = "; Mosaic / direct = %.2f" % (medians["Mosaic"] / medians["direct"])
        print("%s: %s%s" % (what, ", ".join(cols), ratio))


def main():
    args, out, bench = bench_setup("Linux on Mosaic against Linux without a hypervisor.")

    iso = bench / "linux.iso"
    if not make_iso(out, iso, SERVICES, ("vmlinuz", "initrd.img"), "tests/images/bench_linux.manifest"):
        return 1

    direct, mosaic = [], []
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        for i in range(args.runs):
            log = bench / ("linux-direct-%d.log" % i)
            try:
                direct.append(boot_direct(out, log))
            except RuntimeError as e:
                return fail(i, "direct", log, e)
            log = bench / ("linux-mosaic-%d.log" % i)
            try:
                mosaic.append(boot_mosaic(iso, log, Path(tmp) / "mon.sock"))
            except RuntimeError as e:
                return fail(i, "Mosaic", log, e)

    med = statistics.median

    def fig(runs, name):
        values = [r[1].get(name) for r in runs]
        if any(v is None for v in values):
            return None, values
        return med(values), values

    print("command: python3 tests/bench/linux.py --out %s --runs %d" % (os.path.relpath(out, REPO), args.runs))
    print("  direct: " + shlex.join(direct_argv(out, Path("LOG"))))
    print("  Mosaic: MOSAIC_SMP=%d MOSAIC_ACCEL=%s build/qemu.sh batch %s LOG SOCK"
          % (SMP, ACCEL, os.path.relpath(iso, REPO)))
    print("          (core test.exit; builder xenstored console; tests/images/bench_linux.manifest)")
    d = [r[0] for r in direct]
    m = [r[0] for r in mosaic]
    print("QEMU start -> /init marker: direct median %.2f s (%s), Mosaic median %.2f s (%s); Mosaic / direct = %.2f"
          % (med(d), " ".join("%.2f" % v for v in d), med(m), " ".join("%.2f" % v for v in m), med(m) / med(d)))
    print("  Mosaic's part by part (medians): QEMU start -> guest created %.2f s; -> its first kernel line %.2f s;"
          " -> marker %.2f s" % tuple(med([r[3][b] - (r[3][a] if a else 0) for r in mosaic])
                                   for a, b in ((None, "created"), ("created", "first kernel line"),
                                                ("first kernel line", "marker"))))
    figures = {}
    for unit in ("ns", "cycles"):
        for call in ("getppid", "xen_version"):
            for kind, runs in (("direct", direct), ("Mosaic", mosaic)):
                figures[call, unit, kind] = fig(runs, "%s_%s" % (call, unit))
    missing = [k for k, (v, _) in figures.items() if v is None and not (k[0] == "xen_version" and k[2] == "direct")]
    if missing:
        print("missing BENCH figures: %s" % ", ".join("%s %s %s %s" % (k + (figures[k][1],)) for k in missing))
        return 1
    for unit in ("ns", "cycles"):
        (gd, gd_all), (gm, gm_all) = figures["getppid", unit, "direct"], figures["getppid", unit, "Mosaic"]
        xm, xm_all = figures["xen_version", unit, "Mosaic"]
        print("getppid: direct median %d %s (%s), Mosaic median %d %s (%s); Mosaic / direct = %.2f"
              % (gd, unit, " ".join(map(str, gd_all)), gm, unit, " ".join(map(str, gm_all)), gm / gd))
        print("xen_version through privcmd: Mosaic median %d %s (%s) = %.1f getppid calls; direct: no privcmd"
              % (xm, unit, " ".join(map(str, xm_all)), xm / gm))
    print("TSC frequency each boot's clock was calibrated to: direct (Linux) %s MHz, Mosaic (the core) %s MHz"
          % (" ".join(r[2] for r in direct), " ".join(r[4] for r in mosaic)))
    print("service domains, frames held at their end (the core's 'destroyed' lines; 4 KiB each):")
    total = []
    for i, r in enumerate(mosaic):
        total.append(sum(f for _, f in r[2].values()))
    for name in SERVICES:
        mib = mosaic[0][2][name][0]
        frames = [r[2][name][1] for r in mosaic]
        print("  %-10s created with %s MiB: %s frames" % (name, mib, " ".join(map(str, frames))))
    print("  all three: median %d frames = %.1f MiB" % (med(total), med(total) * 4096 / 2**20))
    return 0


if __name__ == "__main__":
    sys.exit(main())
