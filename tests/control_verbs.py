#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host steps of tests/boot/control_verbs.scn: each runs the real
tools/mosaic against the control domain (MOSAIC_HOST, MOSAIC_PORT; the
tool at MOSAIC_OUT/tools/mosaic; the scenario's throwaway key, as
tests/control_clients.py makes it) and checks what it prints and its exit
status; exits 0 when everything matched, else 1 with one line saying
what differed (every mosaic run and its output is printed before it).

The domains, as tests/images/control_verbs.manifest builds them: control
d3 (pinned to CPU 0), spinner d4 (tiny_pvh_spin, 2 MiB, pinned to CPU 1:
always running), linger d5 (8 MiB, blocked until it powers off on its
own), the last two handed to control.

Usage: python3 tests/control_verbs.py STEP   (the steps are listed in STEPS)
"""

import json
import re
import sys
import time

from control_clients import fail, key_file, mosaic, run, run_step

# mosaic's exit statuses (tools/mosaic/commands.h)
OK, LOCAL, DENIED, NO_DOMAIN = 0, 1, 5, 6
LIST_HEADER = "%-40s %5s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
VCPU_HEADER = "%-32s %5s %5s %5s %5s %9s %s" % ("Name", "ID", "VCPU", "CPU", "State", "Time(s)", "Affinity")
SCHED_HEADER = "%-32s %5s %6s %4s" % ("Name", "ID", "Weight", "Cap")
SETTLE = 15  # seconds a state may take to show (a vCPU waiting for its CPU)


class Tool:
    def __init__(self, tmp):
        self.key = key_file(tmp)

    def expect(self, want, *args):
        """mosaic ARGS must exit with want; its output (stderr after stdout)."""
        status, out = run(mosaic(self.key, *args))
        if status != want:
            fail("mosaic %s exited %d, expected %d" % (" ".join(args), status, want))
        return out

    def error(self, want, needle, *args):
        """mosaic ARGS fails with want and one line naming what was wrong."""
        out = self.expect(want, *args).strip()
        if "\n" in out or not out.startswith("mosaic: %s: " % args[0]) or needle not in out:
            fail("mosaic %s: expected one line with '%s', got: %s" % (" ".join(args), needle, out))

    def rows(self, header, *args):
        """A table's rows (split on blanks) by domain name, after its header."""
        lines = self.expect(OK, *args).splitlines()
        if not lines or lines[0] != header:
            fail("mosaic %s: the header is not xl's: %r" % (" ".join(args), lines[:1]))
        rows = {}
        for line in lines[1:]:
            f = line.split()
            rows.setdefault(f[0], []).append(f)
        return rows

    def state(self, name):
        """The domain's xl list state, or None when it is not listed."""
        r = self.rows(LIST_HEADER, "list").get(name)
        return r[0][4] if r else None

    def settle(self, name, want):
        """The domain's state becomes want within SETTLE seconds."""
        until, got = time.monotonic() + SETTLE, None
        while time.monotonic() < until:
            got = self.state(name)
            if got == want:
                return
            time.sleep(0.5)
        fail("%s's state stayed %s, expected %s" % (name, got, want))

    def vcpu(self, name):
        """The domain's vCPU 0 row of vcpu-list."""
        r = self.rows(VCPU_HEADER, "vcpu-list", name)
        if list(r) != [name] or len(r[name]) != 1:
            fail("vcpu-list %s: expected one row of %s, got %s" % (name, name, r))
        return r[name][0]


def step_list(t):
    """Both guests with xl's letters, the control domain first; --json;
    a name picks a domain; the help and a bad verb need no connection."""
    rows = t.rows(LIST_HEADER, "list")
    if sorted(rows) != ["control", "linger", "spinner"]:
        fail("list: expected control, spinner and linger, got %s" % sorted(rows))
    # id, memory (MiB: the RAM it has now, which its runtime may have made
    # a page or two smaller than the manifest's), vCPUs, state
    want = {"control": ["3", 32, "1", "r-----"], "spinner": ["4", 2, "1", None], "linger": ["5", 8, "1", None]}
    for name, w in want.items():
        got = rows[name][0][1:5]
        if got[0] != w[0] or not w[1] - 1 <= int(got[1]) <= w[1] or got[2] != w[2] or (w[3] and got[3] != w[3]):
            fail("list: %s is %s, expected %s (memory a MiB less at most)" % (name, got, w))
    t.settle("spinner", "r-----")
    t.settle("linger", "-b----")
    doms = json.loads(t.expect(OK, "list", "--json"))
    byname = {d["name"]: d for d in doms}
    if sorted(byname) != ["control", "linger", "spinner"] or byname["spinner"]["domid"] != 4 or \
            byname["linger"]["max_mem_kib"] != 8192 or not byname["control"]["control_domain"] or \
            byname["spinner"]["shutdown_reason"] is not None or byname["spinner"]["cpu_time"] <= 0:
        fail("list --json: unexpected %s" % doms)
    if list(t.rows(LIST_HEADER, "list", "spinner")) != ["spinner"]:
        fail("list spinner: other domains shown")
    t.error(NO_DOMAIN, "no domain 'nosuch'", "list", "nosuch")
    for args in (["help", "list"], ["list", "--help"], ["vcpu-pin", "-h"]):
        if "usage: mosaic [OPTIONS] " + args[0 if args[0] != "help" else 1] not in t.expect(OK, *args):
            fail("mosaic %s: no usage line" % " ".join(args))
    out = t.expect(LOCAL, "frob").strip()
    if out != "mosaic: unknown verb 'frob' (mosaic help lists them)":
        fail("mosaic frob: %s" % out)


def step_info(t):
    out = t.expect(OK, "info")
    kv = dict(re.findall(r"^(\w+)\s+: (.*)$", out, re.M))
    if kv.get("nr_cpus") != "2" or kv.get("online_cpus") != "0-1" or kv.get("mosaic_abi_version") != "7":
        fail("info: unexpected %s" % kv)
    total, free = int(kv.get("total_memory", "0")), int(kv.get("free_memory", "0"))
    if not 0 < free < total or not re.match(r"\d+:\d\d:\d\d \(\d+ s\)$", kv.get("uptime", "")):
        fail("info: memory %d of %d MiB free, uptime %r" % (free, total, kv.get("uptime")))


def step_pause(t):
    """Paused: 'p' in list, its vCPU down (not running, no CPU); twice is refused."""
    if t.expect(OK, "pause", "spinner") != "":
        fail("pause printed something")
    t.settle("spinner", "--p---")
    v = t.vcpu("spinner")
    if v[3] != "-" or v[4] != "--p":
        fail("vcpu-list of the paused spinner: CPU %s, state %s, expected - and --p" % (v[3], v[4]))
    t.error(DENIED, "'spinner' is not running", "pause", "spinner")
    t.error(DENIED, "not permitted on 'control'", "pause", "control")


def step_unpause(t):
    t.expect(OK, "unpause", "4")
    t.settle("spinner", "r-----")
    until = time.monotonic() + SETTLE
    while t.vcpu("spinner")[4] != "r--":
        if time.monotonic() > until:
            fail("the unpaused spinner's vCPU does not run")
        time.sleep(0.5)
    t.error(DENIED, "'spinner' is not paused", "unpause", "spinner")


def affinity(t, want):
    v = t.vcpu("spinner")
    if v[6] != want:
        fail("spinner's vCPU 0 affinity is %s, expected %s" % (v[6], want))


def step_vcpu_pin(t):
    """The manifest's cpus = 1, then each form of CPU list; refusals."""
    affinity(t, "1")
    t.expect(OK, "vcpu-pin", "spinner", "0", "all")
    affinity(t, "all")
    t.expect(OK, "vcpu-pin", "spinner", "0", "0")
    affinity(t, "0")
    t.expect(OK, "vcpu-pin", "4", "all", "0-1")
    affinity(t, "all")
    t.expect(OK, "vcpu-pin", "spinner", "0", "1,0")
    affinity(t, "all")
    t.expect(OK, "vcpu-pin", "spinner", "0", "1")
    affinity(t, "1")
    t.error(DENIED, "'spinner' has no such vCPU, or none of those CPUs is online", "vcpu-pin", "spinner", "1", "0")
    t.error(DENIED, "'spinner' has no such vCPU, or none of those CPUs is online", "vcpu-pin", "spinner", "0", "5")
    t.error(DENIED, "not permitted on 'control'", "vcpu-pin", "control", "0", "0")
    t.error(LOCAL, "CPUS item '0-x': want N-M with N <= M", "vcpu-pin", "spinner", "0", "0-x")
    t.error(NO_DOMAIN, "no domain 'ghost'", "vcpu-pin", "ghost", "0", "1")
    rows = t.rows(VCPU_HEADER, "vcpu-list")
    if sorted(rows) != ["control", "linger", "spinner"] or rows["control"][0][4] != "r--" or \
            rows["linger"][0][4] != "-b-":
        fail("vcpu-list: unexpected %s" % rows)


def step_sched_credit(t):
    rows = t.rows(SCHED_HEADER, "sched-credit")
    if rows.get("spinner") != [["spinner", "4", "256", "0"]] or rows.get("linger") != [["linger", "5", "256", "0"]] \
            or "control" not in rows:
        fail("sched-credit: unexpected %s" % rows)
    if t.expect(OK, "sched-credit", "-d", "spinner", "-w", "512", "-c", "50") != "":
        fail("sched-credit: setting printed something")
    t.expect(OK, "sched-credit", "-d", "4", "-c", "40")
    if t.rows(SCHED_HEADER, "sched-credit", "-d", "spinner") != {"spinner": [["spinner", "4", "512", "40"]]}:
        fail("sched-credit -d spinner: not 512 and 40")
    t.error(DENIED, "not permitted on 'control'", "sched-credit", "-d", "control", "-w", "100")
    t.error(LOCAL, "-w '0': want a number from 1 to 65535", "sched-credit", "-d", "spinner", "-w", "0")
    t.error(LOCAL, "-w and -c need -d DOMAIN", "sched-credit", "-w", "300")


def step_dmesg(t):
    """The core's log holds the lines it wrote about the pause and handover."""
    out = t.expect(OK, "dmesg")
    for needle in ("domain: d4 'spinner' paused", "domain: d4 'spinner' unpaused",
                   "domain: d4 'spinner' handed to d3 'control'"):
        if needle not in out:
            fail("dmesg: no line with %r in its %d lines" % (needle, out.count("\n")))


def step_uptime(t):
    rows = t.rows("%-32s %5s %s" % ("Name", "ID", "Uptime"), "uptime")
    times = {}
    for name in ("control", "spinner", "linger"):
        f = rows.get(name, [[]])[0]
        if len(f) != 3 or not re.match(r"\d+:\d\d:\d\d$", f[2]):
            fail("uptime: %s's row is %s" % (name, f))
        h, m, s = map(int, f[2].split(":"))
        times[name] = h * 3600 + m * 60 + s
    if not times["control"] >= times["spinner"] >= times["linger"] > 0:
        fail("uptime: control, spinner and linger started in that order, but their uptimes are %s" % times)


TOP_HEADER = "%10s %6s %10s %6s %10s %6s %10s %9s %5s" % ("NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
                                                         "MAXMEM(k)", "MAXMEM(%)", "VCPUS")


def step_top(t):
    """Three frames a second apart: the spinner, capped at 40% by
    sched-credit, shows about that much of a CPU in the frames after the
    first; linger, blocked, next to none."""
    frames = t.expect(OK, "top", "-b", "-i", "3", "-d", "1").split("\n\n")
    frames = [f for f in frames if f.strip()]
    if len(frames) != 3:
        fail("top -i 3: %d frames" % len(frames))
    for frame in frames[1:]:
        lines = frame.splitlines()
        if len(lines) < 4 or lines[3] != TOP_HEADER or not re.match(r"\d+ domains: ", lines[1]):
            fail("top: a frame is not xentop's: %r" % lines[:4])
        rows = {f[0]: f for f in (line.split() for line in lines[4:])}
        spin, linger = rows.get("spinner"), rows.get("linger")
        if not spin or not linger or spin[1] != "r-----" and spin[1] != "------" or spin[8] != "1":
            fail("top: spinner %s, linger %s" % (spin, linger))
        if not 25.0 <= float(spin[3]) <= 55.0 or float(linger[3]) > 5.0:
            fail("top: spinner at %s%% (capped at 40), linger at %s%%" % (spin[3], linger[3]))
        if int(spin[4]) <= 0 or int(spin[6]) < int(spin[4]):
            fail("top: spinner's memory %s of %s KiB" % (spin[4], spin[6]))
    t.error(LOCAL, "-d takes a delay in seconds", "top", "-d", "0")
def max_mem_kib(t, name):
    for d in json.loads(t.expect(OK, "list", "--json")):
        if d["name"] == name:
            return d["max_mem_kib"]
    fail("list --json does not show %s" % name)


def step_xs_verbs(t):
    """The XenStore verbs on guests with no PV drivers: shutdown and reboot
    are refused as xl refuses them (no control/feature-*); mem-max
    and mem-set set the core's limit to their value and libxl's 1 MiB,
    which list shows (the spinner has no balloon: its pages stay)."""
    lines = t.expect(DENIED, "reboot", "spinner").strip().splitlines()
    if lines[:1] != ["Rebooting domain spinner"] or len(lines) != 2 or \
            "PV control interface not available on 'spinner'" not in lines[1]:
        fail("reboot spinner printed %r" % lines)
    lines = t.expect(DENIED, "shutdown", "-w", "linger").strip().splitlines()
    if lines[:2] != ["Shutting down domain linger", "Waiting for 1 domains"] or len(lines) != 3 or \
            "PV control interface not available on 'linger'" not in lines[2]:
        fail("shutdown -w linger printed %r" % lines)
    if t.expect(OK, "mem-max", "spinner", "4m") != "":
        fail("mem-max printed something")
    if max_mem_kib(t, "spinner") != 5120:
        fail("mem-max spinner 4m: list shows a maximum of %d KiB" % max_mem_kib(t, "spinner"))
    t.expect(OK, "mem-set", "spinner", "3072K")
    if max_mem_kib(t, "spinner") != 4096:
        fail("mem-set spinner 3072K: list shows a maximum of %d KiB" % max_mem_kib(t, "spinner"))
    t.error(DENIED, "above its maximum", "mem-set", "spinner", "5m")
    t.error(DENIED, "below its target", "mem-max", "spinner", "2m")
    t.error(LOCAL, "invalid memory size", "mem-max", "spinner", "2q")
    t.expect(OK, "mem-max", "spinner", "3m")
    if max_mem_kib(t, "spinner") != 4096:
        fail("mem-max spinner 3m: list shows a maximum of %d KiB" % max_mem_kib(t, "spinner"))


def step_destroy(t):
    if t.expect(OK, "destroy", "spinner") != "":
        fail("destroy printed something")
    if t.state("spinner") is not None:
        fail("list still shows the destroyed spinner")
    t.error(NO_DOMAIN, "no domain 'spinner' among those the control domain controls", "pause", "spinner")
    t.error(DENIED, "not permitted on 'control'", "destroy", "control")


def step_linger_gone(t):
    """linger powered off and control destroyed it: only control is left."""
    rows = t.rows(LIST_HEADER, "list")
    if sorted(rows) != ["control"]:
        fail("list after linger powered off: %s" % sorted(rows))


STEPS = {"list": step_list, "info": step_info, "pause": step_pause, "unpause": step_unpause,
         "vcpu-pin": step_vcpu_pin, "sched-credit": step_sched_credit, "dmesg": step_dmesg, "uptime": step_uptime,
         "top": step_top, "xs-verbs": step_xs_verbs, "destroy": step_destroy, "linger-gone": step_linger_gone}


def main():
    return run_step("control_verbs.py", STEPS, Tool, "mosaic-keys.")


if __name__ == "__main__":
    sys.exit(main())
