#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host steps of tests/boot/mosaic_linux.scn: an operator's session with
the real tools/mosaic against Mosaic running two Debian guests that
mosaic itself creates from config files (tests/configs/linux_one.cfg,
linux_two.cfg: each with a disk from blkdrv and a vif on netdrv's
bridge), through the control domain. Each step checks what mosaic
prints and its exit status, and what the guests say through `mosaic
console`; exits 0 when everything matched, else 1 with one line saying
what differed.

The configs name their kernel and ramdisk relative to their own folder:
each step copies them beside links to make guest's vmlinuz and
initrd.img (MOSAIC_OUT/guest).

Usage: python3 tests/mosaic_linux.py STEP   (the steps are listed in STEPS)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

from control_clients import TIMEOUT, fail, key_file, mosaic, run, run_step

OK = 0
CONFIGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs")
SETTLE = 60  # seconds a state may take to show under emulation


class Tool:
    def __init__(self, tmp):
        self.key = key_file(tmp)
        self.dir = os.path.join(tmp, "cfg")
        os.mkdir(self.dir)
        for name in ("linux_one.cfg", "linux_two.cfg"):
            shutil.copy(os.path.join(CONFIGS, name), self.dir)
        for f in ("vmlinuz", "initrd.img"):
            os.symlink(os.path.join(os.environ["MOSAIC_OUT"], "guest", f), os.path.join(self.dir, f))

    def expect(self, want, *args):
        status, out = run(mosaic(self.key, *args))
        if status != want:
            fail("mosaic %s exited %d, expected %d" % (" ".join(args), status, want))
        return out

    def domains(self):
        """{name: list --json's object} of every domain listed."""
        return {d["name"]: d for d in json.loads(self.expect(OK, "list", "--json"))}

    def settle(self, what, test):
        """test(domains()) becomes true within SETTLE seconds."""
        until, seen = time.monotonic() + SETTLE, None
        while time.monotonic() < until:
            seen = self.domains()
            if test(seen):
                return seen
            time.sleep(1)
        fail("%s: not within %d s; list shows %s" % (what, SETTLE, sorted(seen.items())))

    def console(self, dom, command, marker):
        """command typed into dom's shell; its output up to marker."""
        argv = mosaic(self.key, "console", "--wait", "90", "--until", marker, dom)
        p = subprocess.run(argv, input=command.encode() + b"\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        out = p.stdout.decode(errors="replace")
        print("$ %s <<< %r\n%s\n[stderr] %s(status %d)" % (" ".join(argv[1:]), command, out[-3000:],
                                                           p.stderr.decode(errors="replace"), p.returncode))
        if p.returncode != OK:
            fail("console %s: status %d (no %r in the output)" % (dom, p.returncode, marker))
        # What the command printed: after the last echo of the command line.
        return out.rsplit(command[-20:], 1)[-1]


def step_create(t):
    """Both guests from their config files (the second with -c, attached
    to its console): each create prints the new id; list shows them
    running or blocked, with their memory and vCPUs."""
    ids = {}
    for name, attach in (("one", ()), ("two", ("-c",))):
        # two with -c: attached to its console once created (stdin is no
        # terminal: the output is followed for 2 s, then it ends).
        out = t.expect(OK, "create", "-q", *attach, os.path.join(t.dir, "linux_%s.cfg" % name))
        first = out.splitlines()[0].strip() if out.strip() else ""
        if not re.fullmatch(r"\d+", first):
            fail("create linux_%s.cfg printed %r, not the new domain's id first" % (name, out[:200]))
        ids[name] = int(first)
    doms = t.domains()
    for name, vcpus in (("one", 2), ("two", 1)):
        d = doms.get(name)
        if not d or d["domid"] != ids[name] or d["vcpus"] != vcpus or d["state"][2:5] != "---" or \
                not 150 * 1024 <= d["mem_kib"] <= 160 * 1024:
            fail("list after create: %s is %s" % (name, d))


def step_console(t):
    """Each guest's disk and vif, seen from its shell through mosaic
    console: xvda's size, an address on eth0, and a ping from one to two
    across netdrv's bridge."""
    for name, ip, sectors in (("one", "192.0.2.21", 131072), ("two", "192.0.2.22", 131072)):
        out = t.console(name, "ip addr add %s/24 dev eth0; ip link set eth0 up; cat /sys/block/xvda/size; "
                        "echo done-$((20+22))" % ip, "done-42")
        if not re.search(r"^%d\r?$" % sectors, out, re.M):
            fail("console %s: xvda is not %d sectors: %r" % (name, sectors, out[-300:]))
    out = t.console("one", "ping -c 3 -W 5 192.0.2.22 | tail -2; echo pinged-$((40+2))", "pinged-42")
    if not re.search(r"3 packets transmitted, [1-3] packets received", out):
        fail("console one: two did not answer its ping across the bridge: %r" % out[-300:])


def step_pause(t):
    t.expect(OK, "pause", "two")
    t.settle("two paused", lambda d: d["two"]["state"][2] == "p")
    t.expect(OK, "unpause", "two")
    t.settle("two unpaused", lambda d: d["two"]["state"][2] == "-")


def step_vcpu_pin(t):
    """vCPU 1 of one pinned to CPU 1: vcpu-list shows the affinity, and
    the CPU it runs or last ran on is 1 (the core's placement agrees)."""
    t.expect(OK, "vcpu-pin", "one", "1", "1")
    until = time.monotonic() + SETTLE
    while True:
        rows = [r.split() for r in t.expect(OK, "vcpu-list", "one").splitlines()[1:]]
        v1 = [r for r in rows if len(r) == 7 and r[2] == "1"]
        if v1 and v1[0][6] == "1" and v1[0][3] == "1":
            return
        if time.monotonic() > until:
            fail("vcpu-pin one 1 1: vcpu-list shows %s" % v1)
        time.sleep(1)


def step_sched(t):
    t.expect(OK, "sched-credit", "-d", "one", "-w", "512", "-c", "150")
    rows = t.expect(OK, "sched-credit", "-d", "one").splitlines()
    if len(rows) != 2 or rows[1].split()[2:] != ["512", "150"]:
        fail("sched-credit -d one: %r" % rows)


def meminfo_kib(t):
    out = t.console("one", "grep MemTotal /proc/meminfo; echo mem-$((40+2))", "mem-42")
    m = re.search(r"MemTotal:\s+(\d+) kB", out)
    if not m:
        fail("console one: no MemTotal in %r" % out[-300:])
    return int(m.group(1))


def step_mem_set(t):
    """mem-set one 96: its balloon gives memory back, which the guest's
    own MemTotal and mosaic list both show."""
    before = meminfo_kib(t)
    t.expect(OK, "mem-set", "one", "96")
    t.settle("one ballooned down to 96 MiB", lambda d: d["one"]["mem_kib"] <= 97 * 1024)
    after = meminfo_kib(t)
    if not after < before - 32 * 1024:
        fail("mem-set one 96: the guest's MemTotal went from %d to %d kB" % (before, after))


def step_reboot(t):
    """reboot two: it reboots through control/shutdown and control
    builds it again (on_reboot = "restart") under a new id."""
    old = t.domains()["two"]["domid"]
    t.expect(OK, "reboot", "two")
    t.settle("two rebuilt under a new id", lambda d: "two" in d and d["two"]["domid"] != old)


def step_shutdown(t):
    """shutdown -w one: it powers off (reason 0) and control destroys it
    (on_poweroff = "destroy")."""
    out = t.expect(OK, "shutdown", "-w", "one")
    if "reason code 0" not in out:
        fail("shutdown -w one printed %r" % out)
    t.settle("one gone", lambda d: "one" not in d)


def step_destroy(t):
    if t.expect(OK, "destroy", "two") != "":
        fail("destroy two printed something")
    doms = t.domains()
    if sorted(doms) != ["control"]:
        fail("list after destroy: %s" % sorted(doms))


STEPS = {"create": step_create, "console": step_console, "pause": step_pause, "vcpu-pin": step_vcpu_pin,
         "sched": step_sched, "mem-set": step_mem_set, "reboot": step_reboot, "shutdown": step_shutdown,
         "destroy": step_destroy}


if __name__ == "__main__":
    sys.exit(run_step("mosaic_linux.py", STEPS, Tool, "mosaic-keys."))
