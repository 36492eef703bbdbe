#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`mosaic create` and `mosaic destroy` of a Linux guest, timed from the
operator's side, against the same kernel booted by QEMU with no
hypervisor, in one run.

Mosaic: one boot of the core with the builder, xenstored, the console
domain and the control domain (tests/images/bench_create.manifest: the
build service, the management NIC forwarded to a local port). Then, for
each round, the real tools/mosaic:

  - `mosaic create -q CFG` of a Debian guest (the kernel and initramfs
    of make guest, 192 MiB, 2 vCPUs, kernel log on COM1 through
    earlyprintk=xen: tests/bench/create_linux.cfg): host seconds until
    the command returns (the domain built and running), and until the
    guest's /init prints its marker on COM1;
  - `mosaic destroy`: host seconds until it returns (the domain gone and
    its memory back, as xl destroy waits).

The first round uploads the kernel and initramfs (control keeps them by
their SHA-256); the later ones find them held, as a second `xl create`
of the same files would not: both are reported.

Direct: QEMU boots the same kernel and initramfs itself (-kernel,
-initrd; tests/bench/linux.py's direct boot, 192 MiB, 2 CPUs, one host
thread): host seconds from QEMU's start to the marker. Ratio: Mosaic's
create-to-/init over that.

A benchmark, not a test: not in make test.

Usage: python3 tests/bench/create.py --out build/out/gcc [--runs 5]
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from boot import REPO  # noqa: E402
from linux import ACCEL, CPU, MARKER, SMP, TIMEOUT, bench_setup, boot_direct, fail  # noqa: E402
from run import SerialLog, free_port, mgmt_args, monitor  # noqa: E402
from control_clients import key_file  # noqa: E402

SERVICES = ("builder", "xenstored", "console", "control")
MGMT = ("06", 5710)
ADDRESS = re.compile(r"control: control: address ")


class Machine:
    """Mosaic booted once, its COM1 followed; the operator's tool."""

    def __init__(self, iso, log, sock, tmp, out):
        self.port = free_port()
        env = dict(os.environ, MOSAIC_SMP=str(SMP), MOSAIC_ACCEL=ACCEL, MOSAIC_CPU=CPU)
        argv = [str(REPO / "build/qemu.sh"), "batch", str(iso), str(log), str(sock)] + mgmt_args(MGMT, self.port)
        for p in (log, sock):
            p.unlink(missing_ok=True)
        self.sock, self.serial, self.lines = sock, SerialLog(log), []
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.tool = [str(out / "tools/mosaic"), "--key", key_file(tmp), "--port", str(self.port), "--timeout", "300"]

    def wait_for(self, regex, secs, since=0):
        """The host time when a COM1 line from index since on matches."""
        until = time.monotonic() + secs
        while time.monotonic() < until:
            done = self.proc.poll() is not None
            now = time.monotonic()
            self.lines += self.serial.read(final=done)
            for line in self.lines[since:]:
                if regex.search(line):
                    return now
            if done:
                raise RuntimeError("QEMU ended (status %d)" % self.proc.returncode)
            time.sleep(0.01)
        raise RuntimeError("no line like /%s/ within %d s" % (regex.pattern, secs))

    def mosaic(self, *args):
        p = subprocess.run(self.tool + list(args), stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
        if p.returncode:
            raise RuntimeError("mosaic %s: status %d: %s" % (" ".join(args), p.returncode,
                                                              p.stderr.decode(errors="replace").strip()))
        return p.stdout.decode()

    def close(self):
        if self.proc.poll() is None:
            try:
                monitor(self.sock, ["quit"], timeout=5)
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def round_trip(m, cfg):
    """One create, its /init, one destroy: (create s, to /init s, destroy s)."""
    since = len(m.lines)
    t0 = time.monotonic()
    domid = int(m.mosaic("create", "-q", cfg).strip())
    t1 = time.monotonic()
    t2 = m.wait_for(re.compile(r"d%d bench: .*%s" % (domid, MARKER.pattern)), TIMEOUT, since)
    t3 = time.monotonic()
    m.mosaic("destroy", str(domid))
    t4 = time.monotonic()
    return t1 - t0, t2 - t0, t4 - t3


def make_create_iso(out, iso):
    """The core (test.exit), the service domains, the control domain's
    key module (the test key, never the user's) and the manifest."""
    mods = ["%s::%s.elf" % (out / "domains" / ("%s.elf" % d), d) for d in SERVICES]
    mods += ["%s::control.key" % (REPO / "tests/images/control_test.key"),
             "%s::manifest" % (REPO / "tests/images/bench_create.manifest")]
    return subprocess.run([str(REPO / "build/mkiso.sh"), str(iso), str(out / "core/mosaic.elf"), "test.exit"]
                          + mods).returncode == 0


def main():
    args, out, bench = bench_setup("mosaic create and destroy of a Linux guest, against a direct boot.")
    iso = bench / "create.iso"
    if not make_create_iso(out, iso):
        return 1
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        key = Path(tmp) / "keys"
        key.mkdir()
        cfgdir = Path(tmp) / "cfg"
        cfgdir.mkdir()
        shutil.copy(HERE / "create_linux.cfg", cfgdir)
        for f in ("vmlinuz", "initrd.img"):
            os.symlink(out / "guest" / f, cfgdir / f)
        cfg = str(cfgdir / "create_linux.cfg")

        direct = []
        for i in range(args.runs):
            log = bench / ("create-direct-%d.log" % i)
            try:
                direct.append(boot_direct(out, log)[0])
            except RuntimeError as e:
                return fail(i, "direct", log, e)

        log = bench / "create-mosaic.log"
        m = Machine(iso, log, Path(tmp) / "mon.sock", key, out)
        rounds = []
        try:
            m.wait_for(ADDRESS, TIMEOUT)
            for i in range(args.runs + 1):
                rounds.append(round_trip(m, cfg))
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            return fail(len(rounds), "Mosaic", log, e)
        finally:
            m.close()

    med = statistics.median
    first, held = rounds[0], rounds[1:]
    print("command: python3 tests/bench/create.py --out %s --runs %d" % (args.out, args.runs))
    print("direct boot, QEMU start to /init: median %.1f s (%s)" % (med(direct), " ".join("%.1f" % x for x in direct)))
    print("first mosaic create (kernel and initramfs uploaded): create %.1f s, to /init %.1f s, destroy %.1f s"
          % first)
    for n, what in ((0, "mosaic create returns"), (1, "mosaic create to /init"), (2, "mosaic destroy returns")):
        v = [r[n] for r in held]
        print("%s (images held): median %.2f s (%s)" % (what, med(v), " ".join("%.2f" % x for x in v)))
    print("create to /init over the direct boot to /init: %.2f" % (med([r[1] for r in held]) / med(direct)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
