#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host steps of tests/boot/control_create.scn: the real tools/mosaic
creates domains from the config files of tests/configs (create_*.cfg,
and the broken bad_*.cfg) against the control domain, whose builds go
through the builder's build service; each step checks what mosaic prints
and its exit status, and what `mosaic list` shows after. Exits 0 when
everything matched, else 1 with one line saying what differed.

The configs name their kernel relative to their own folder (as mosaic
takes it): each step copies them into a temporary folder beside a link
to the linger test domain (MOSAIC_OUT/domains/linger.elf), and a small
ramdisk.

Usage: python3 tests/control_create.py STEP   (the steps are listed in STEPS)
"""

import os
import pty
import random
import re
import shutil
import struct
import subprocess
import sys
import time

from control_clients import fail, key_file, mosaic, run, run_step

OK, LOCAL, PROTOCOL, DENIED, NO_DOMAIN = 0, 1, 4, 5, 6
CONFIGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs")
CYCLES = 20
LARGE_MIB = 8  # create_large.cfg's ramdisk
LARGE_SECS = 30  # its create at most: well over what it takes, far under a stalling upload


class Tool:
    def __init__(self, tmp):
        self.key = key_file(tmp)
        self.dir = os.path.join(tmp, "cfg")
        os.mkdir(self.dir)
        for name in os.listdir(CONFIGS):
            if name.endswith(".cfg"):
                shutil.copy(os.path.join(CONFIGS, name), self.dir)
        kernel = os.path.join(os.environ["MOSAIC_OUT"], "domains/linger.elf")
        os.symlink(kernel, os.path.join(self.dir, "linger.elf"))
        os.symlink(kernel, os.path.join(self.dir, "vmlinuz"))  # what the bad_*.cfg name
        with open(os.path.join(self.dir, "ramdisk.bin"), "wb") as f:
            # Ten upload chunks: more than mosaic sends before it reads an answer.
            f.write(bytes((i * 7 + 3 + (i >> 12)) & 0xFF for i in range(600 * 1024 + 4321)))

    def cfg(self, name):
        return os.path.join(self.dir, name)

    def expect(self, want, *args):
        status, out = run(mosaic(self.key, *args))
        if status != want:
            fail("mosaic %s exited %d, expected %d" % (" ".join(args), status, want))
        return out

    def create(self, name):
        """create CFG: the id it prints (the only line on stdout; -q: no progress)."""
        out = self.expect(OK, "create", "-q", self.cfg(name)).strip()
        if not re.fullmatch(r"\d+", out):
            fail("create %s printed %r, not the new domain's id" % (name, out))
        return int(out)

    def create_on_terminal(self, name):
        """create CFG with stderr a terminal: the id, and what stderr showed."""
        master, slave = pty.openpty()
        argv = mosaic(self.key, "create", self.cfg(name))
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal's other side closed
                break
            if not chunk:
                break
            shown += chunk
        out, _ = p.communicate(timeout=120)
        os.close(master)
        shown = shown.decode(errors="replace")
        print("$ %s (stderr a terminal)\n%s%s(status %d)" % (" ".join(argv[1:]), out.decode(), shown, p.returncode))
        if p.returncode != OK or not re.fullmatch(rb"\d+\n", out):
            fail("create %s on a terminal: status %d, stdout %r" % (name, p.returncode, out))
        return int(out), shown

    def domains(self):
        """list: {name: id} of every domain but control."""
        lines = self.expect(OK, "list").splitlines()
        return {f[0]: int(f[1]) for f in (line.split() for line in lines[1:]) if f[0] != "control"}


def step_create(t):
    """Two domains from two files; list shows both; a name twice is refused."""
    one, shown = t.create_on_terminal("create_one.cfg")
    if not re.search(r"\rkernel +\[#{30}\] 100% +0\.2 MiB\r?\n", shown) or "\rkernel   [" not in shown:
        fail("create one on a terminal: no progress bar of the kernel's upload ending at 100%%: %r" % shown)
    out = t.expect(OK, "create", t.cfg("create_two.cfg"))  # progress lines on stderr: not a terminal
    if "ramdisk 100%" not in out or "kernel held by the control domain already" not in out:
        fail("create two: expected the ramdisk uploaded to 100%% and the kernel not sent again: %r" % out)
    ids = [line for line in out.splitlines() if re.fullmatch(r"\d+", line)]
    if len(ids) != 1:
        fail("create two printed no id alone on a line: %r" % out)
    two = int(ids[0])
    if t.domains() != {"one": one, "two": two} or one == two:
        fail("list after two creates: %s, want one d%d and two d%d" % (t.domains(), one, two))
    vcpus = [line.split() for line in t.expect(OK, "vcpu-list", "two").splitlines()[1:]]
    if len(vcpus) != 2:
        fail("two has 2 vCPUs (create_two.cfg), vcpu-list shows %d" % len(vcpus))
    sched = t.expect(OK, "sched-credit", "-d", "two").splitlines()[1].split()
    if sched[2] != "512":
        fail("two's weight is 512 (create_two.cfg), sched-credit shows %s" % sched)
    out = t.expect(DENIED, "create", "-q", t.cfg("create_one.cfg")).strip()
    if not re.fullmatch(re.escape(t.cfg("create_one.cfg")) + r":4: name: a domain named 'one' exists already \(d%d\)" % one,
                        out):
        fail("create one twice: %r" % out)
    if t.expect(OK, "destroy", "two") != "" or t.domains() != {"one": one}:
        fail("after destroy two, list shows %s" % t.domains())


def step_large(t):
    """An 8 MiB ramdisk: uploaded in time (a stalling TCP window took
    minutes for a few MiB), the domain listed, then destroyed."""
    with open(t.cfg("large.bin"), "wb") as f:
        f.write(random.Random(LARGE_MIB).randbytes(LARGE_MIB << 20))
    start = time.monotonic()
    d = t.create("create_large.cfg")
    took = time.monotonic() - start
    print("create large (%d MiB ramdisk): d%d in %.1f s" % (LARGE_MIB, d, took))
    if took > LARGE_SECS:
        fail("create large took %.1f s, more than %d s: the upload stalls" % (took, LARGE_SECS))
    if t.domains().get("large") != d:
        fail("list after create large: %s, want large d%d" % (t.domains(), d))
    if t.expect(OK, "destroy", "large") != "" or "large" in t.domains():
        fail("destroy large: list still shows it")


BROKEN = [  # file, exit status, the line's end after FILE:
    ("bad_missing_quote.cfg", LOCAL, ":4: kernel: missing closing quote (\")"),
    ("bad_disk_spec.cfg", LOCAL, ":8: disk: unknown access 'q': want r, ro, w or rw"),
    ("bad_on_crash.cfg", LOCAL, ":6: on_crash: unknown action 'explode'"),
    ("bad_memory_machine.cfg", DENIED, ":6: memory: 9000 MiB is more than the machine's"),
]


def step_broken(t):
    """Each broken file: one line naming file, line and field; nothing created."""
    before = t.domains()
    for name, status, end in BROKEN:
        out = t.expect(status, "create", "-q", t.cfg(name)).strip()
        if "\n" in out or not out.startswith(t.cfg(name) + end.split(" ")[0]) or end not in out:
            fail("create %s: expected one line '%s%s...', got %r" % (name, t.cfg(name), end, out))
    # A CREATE whose text_len (5) is not the bytes that follow (3): an
    # error answer (16 bytes), and the next client is served as before.
    text = b"x=1"
    msg = struct.pack("<HHIII", 2, 13, 77, 5, 0)  # protocol 2 (idl/control.idl), CONTROL_MSG_CREATE + b"bad.cfg".ljust(256, b"\0") + bytes(64) + text
    out = t.expect(OK, "debug-send", (struct.pack("<I", len(msg)) + msg).hex())
    if "an answer of 16 bytes" not in out:
        fail("a malformed CREATE: expected a 16-byte error answer, got %r" % out)
    if t.domains() != before:
        fail("list after the broken configs: %s, before: %s" % (t.domains(), before))


def step_cycles(t):
    """20 creates and destroys, each a new id; the frames are counted at the end."""
    seen = set()
    for k in range(CYCLES):
        d = t.create("create_cycle.cfg")
        if d in seen:
            fail("cycle %d: id %d again" % (k, d))
        seen.add(d)
        if t.expect(OK, "destroy", "cycle") != "":
            fail("destroy printed something")
    if "cycle" in t.domains():
        fail("list still shows cycle")


def step_reboot(t):
    t.create("create_reboot.cfg")


def step_reboot_destroy(t):
    """rebooter was built again (a new id) and runs: destroy it."""
    d = t.domains()
    if "rebooter" not in d:
        fail("list shows no rebooter after its restart: %s" % d)
    t.expect(OK, "destroy", "rebooter")


def step_poweroff(t):
    t.create("create_poweroff.cfg")


def step_end(t):
    """offer powered off and was destroyed; one is destroyed: none is left."""
    d = t.domains()
    if set(d) != {"one"}:
        fail("list before the end: %s, want one only" % d)
    t.expect(OK, "destroy", "one")
    if t.domains():
        fail("list at the end: %s" % t.domains())


STEPS = {"create": step_create, "large": step_large, "broken": step_broken, "cycles": step_cycles, "reboot": step_reboot,
         "reboot-destroy": step_reboot_destroy, "poweroff": step_poweroff, "end": step_end}


def main():
    return run_step("control_create.py", STEPS, Tool, "mosaic-create.")


if __name__ == "__main__":
    sys.exit(main())
