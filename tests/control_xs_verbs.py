#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host steps of tests/boot/control_xs_verbs.scn: the real tools/mosaic
against the control domain (as tests/control_verbs.py runs it), on the
Linux guest 'balloon' (160 MiB) handed to it: mem-set and mem-max with
their refusals, the core's count of its pages shrinking, shutdown -w.

Usage: python3 tests/control_xs_verbs.py STEP   (the steps are listed in STEPS)
"""

import json
import os
import re
import sys
import tempfile
import time

from control_clients import fail, run_step
from control_verbs import DENIED, LOCAL, OK, Tool

TARGET_KIB = 96 * 1024
SHRINK_WAIT = 90  # seconds the balloon may take to give its memory back under emulation


def mem_kib(t, name):
    """The domain's (mem_kib, max_mem_kib) as the core counts them (list --json)."""
    for d in json.loads(t.expect(OK, "list", "--json")):
        if d["name"] == name:
            return d["mem_kib"], d["max_mem_kib"]
    fail("list --json does not show %s" % name)


def free_mib(t):
    """The machine's free memory (mosaic info), MiB."""
    kv = dict(re.findall(r"^(\w+)\s+: (.*)$", t.expect(OK, "info"), re.M))
    return int(kv.get("free_memory", "0"))


def free_file():
    """Where mem-set leaves the free memory it saw for shrunk (one run per port)."""
    return os.path.join(tempfile.gettempdir(), "control_xs_verbs.%s.free" % os.environ.get("MOSAIC_PORT", "0"))


def step_mem_set(t):
    """Refusals first (nothing changes), then the target of 96 MiB."""
    mem, top = mem_kib(t, "balloon")
    if not 160 * 1024 <= top <= 160 * 1024 + 64 or mem > top or mem < 150 * 1024:
        fail("balloon before mem-set: %d KiB of at most %d, expected about 160 MiB" % (mem, top))
    t.error(DENIED, "above its maximum", "mem-set", "balloon", "1g")
    t.error(DENIED, "below its target", "mem-max", "balloon", "64m")
    t.error(LOCAL, "invalid memory size: 96x", "mem-set", "balloon", "96x")
    t.error(LOCAL, "invalid memory size: 0", "mem-set", "balloon", "0")
    t.error(DENIED, "not permitted on 'control'", "mem-set", "control", "16")
    lines = t.expect(DENIED, "shutdown", "control").strip().splitlines()  # xl's line comes first
    if lines[:1] != ["Shutting down domain control"] or len(lines) != 2 or \
            not lines[1].startswith("mosaic: shutdown: not permitted on 'control'"):
        fail("shutdown control printed %r" % lines)
    t.expect(OK, "mem-max", "balloon", "160m")  # its maximum as it was, and libxl's 1 MiB in the core
    if mem_kib(t, "balloon")[1] != 161 * 1024:
        fail("mem-max 160m: the core's maximum is %d KiB" % mem_kib(t, "balloon")[1])
    with open(free_file(), "w") as f:
        f.write("%d %d\n" % (free_mib(t), mem))
    out = t.expect(OK, "mem-set", "balloon", "96")
    if out.strip():
        fail("mem-set printed something: %r" % out)


def step_shrunk(t):
    """The core counts fewer pages (the balloon gave them back) and holds
    the guest to them (its limit is the target and 1 MiB)."""
    until = time.monotonic() + SHRINK_WAIT
    while True:
        mem, top = mem_kib(t, "balloon")
        if top != TARGET_KIB + 1024:
            fail("balloon's maximum is %d KiB after mem-set 96, expected %d" % (top, TARGET_KIB + 1024))
        if mem <= TARGET_KIB + 8 * 1024:
            break
        if time.monotonic() > until:
            fail("balloon still has %d KiB after %d s (target %d)" % (mem, SHRINK_WAIT, TARGET_KIB))
        time.sleep(2)
    # The frames it gave back are free again (MiB, as info rounds them).
    with open(free_file()) as f:
        free_before, mem_before = (int(v) for v in f.read().split())
    os.unlink(free_file())
    gained, gave = free_mib(t) - free_before, (mem_before - mem) // 1024
    print("balloon: %d KiB now (target %d): gave %d MiB, the machine has %d MiB more free" %
          (mem, TARGET_KIB, gave, gained))
    if gained < gave - 1:
        fail("the balloon gave back %d MiB, but only %d MiB more are free" % (gave, gained))


def step_shutdown(t):
    """shutdown -w: xl's lines, the reason code of a poweroff (0)."""
    out = t.expect(OK, "shutdown", "-w", "balloon")
    want = ["Shutting down domain balloon", "Waiting for 1 domains"]
    lines = out.strip().splitlines()
    if lines[:2] != want or len(lines) != 3 or not lines[2].startswith("Domain ") or \
            not lines[2].endswith(" has been shut down, reason code 0"):
        fail("shutdown -w printed %r" % lines)


STEPS = {"mem-set": step_mem_set, "shrunk": step_shrunk, "shutdown": step_shutdown}


if __name__ == "__main__":
    sys.exit(run_step("control_xs_verbs.py", STEPS, Tool, "mosaic-keys."))
