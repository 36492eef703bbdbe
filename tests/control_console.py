#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host steps of tests/boot/control_console.scn: each runs the real
tools/mosaic against the control domain (MOSAIC_HOST, MOSAIC_PORT; the
tool at MOSAIC_OUT/tools/mosaic; the scenario's throwaway key, as
tests/control_clients.py makes it) and checks its output and exit status;
exits 0 when everything matched, else 1 with one line saying what
differed (every mosaic run and its output is printed before it).

The domains, as tests/images/control_console.manifest builds them:
xenstored d2, console d3, control d4, linux d5 (a Debian guest with a
busybox shell on hvc0, handed to control).

Usage: python3 tests/control_console.py refusals | attach | tty | destroy
"""

import os
import re
import select
import subprocess
import sys
import termios
import time

from control_clients import TIMEOUT, fail, key_file, mosaic, run, run_step

# mosaic's exit statuses (tools/mosaic/commands.h)
OK, DENIED, NO_DOMAIN = 0, 5, 6
# Typed into the guest's shell: the answer is computed there, so only the
# shell's output (not the echo of what was typed) holds "marker-42".
COMMAND = b"echo $((6*7)) > /dev/null; uname -r; echo marker-$((40+2))\n"


def console(key, stdin, *args):
    """mosaic console ARGS with stdin (not a terminal): status, output."""
    argv = mosaic(key, "console", *args)
    p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    print("$ %s\n%s\n[stderr] %s(status %d)" % (" ".join(argv[1:]), out, err, p.returncode))
    return p.returncode, out, err


def step_refusals(key):
    """control's own console, xenstored (not control's) and a name no
    domain has are refused with one line and their status."""
    for dom, want, needle in (("control", DENIED, "not permitted on 'control'"),
                              ("4", DENIED, "not permitted on '4'"),
                              ("xenstored", NO_DOMAIN, "no domain 'xenstored'"),
                              ("2", NO_DOMAIN, "no domain '2'"),
                              ("nosuch", NO_DOMAIN, "no domain 'nosuch'")):
        status, out, err = console(key, b"", "--wait", "0", dom)
        if status != want or out or not err.startswith("mosaic: console: ") or needle not in err:
            fail("console %s: status %d, expected %d with '%s'" % (dom, status, want, needle))


def step_attach(key):
    """The log from before the attach, then the command's output."""
    status, out, _ = console(key, COMMAND, "--wait", "90", "--until", "marker-42", "linux")
    if status != OK:
        fail("console linux: status %d, expected %d" % (status, OK))
    if "marker-42" not in out:
        fail("console linux: no marker-42 in the output")
    # What the guest wrote before anyone attached: its shell's prompt.
    head = out.split("marker-$((40+2))")[0]
    if "guest:/# " not in head:
        fail("console linux: no prompt from before the attach ahead of the command")
    # uname -r's answer: the line after the command's echo, before the marker.
    after = out.split("marker-$((40+2))", 1)[1]
    if not re.search(r"^\d+\.\d+\.\d+\S*\r?$", after, re.M):
        fail("console linux: no kernel release (uname -r) in the output")


def step_tty(key):
    """On a terminal (a pty): raw mode while attached, a command typed
    runs, Ctrl-] detaches with status 0 and the terminal as it was."""
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    argv = mosaic(key, "console", "linux")
    p = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, raw_seen = b"", False
    try:
        time.sleep(2)
        raw_seen = not termios.tcgetattr(slave)[3] & termios.ICANON
        os.write(master, b"echo tty-$((3*4))\r")
        until = time.monotonic() + 60
        while b"tty-12" not in out and time.monotonic() < until:
            if select.select([p.stdout], [], [], 1)[0]:
                out += os.read(p.stdout.fileno(), 65536)
        os.write(master, b"\x1d")
        status = p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    out += p.stdout.read()
    err = p.stderr.read().decode(errors="replace")
    after = termios.tcgetattr(slave)
    print("$ %s\n%s\n[stderr] %s(status %s)" % (" ".join(argv[1:]), out.decode(errors="replace"), err, status))
    if not raw_seen:
        fail("console on a terminal: the terminal was not in raw mode while attached")
    if b"tty-12" not in out:
        fail("console on a terminal: no tty-12 in the output")
    if status != OK or "detached" not in err:
        fail("console on a terminal: Ctrl-] did not detach with status 0")
    if after != before:
        fail("console on a terminal: the terminal's settings were not restored")


def step_destroy(key):
    status, out = run(mosaic(key, "destroy", "linux"))
    if status != OK or out.strip():
        fail("destroy linux: status %d, output %r" % (status, out))


STEPS = {"refusals": step_refusals, "attach": step_attach, "tty": step_tty, "destroy": step_destroy}


if __name__ == "__main__":
    sys.exit(run_step("control_console.py", STEPS, key_file, "mosaic-keys."))
