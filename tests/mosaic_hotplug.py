#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host steps of tests/boot/mosaic_hotplug.scn: xl's block-attach,
network-attach, block-list, network-list, block-detach and
network-detach with the real tools/mosaic, on a Debian guest that
mosaic creates from tests/configs/linux_one.cfg (xvda from blkdrv's
vda1, eth0 on netdrv's bridge). The guest's own view through `mosaic
console` shows what it gained and lost. Each step checks what mosaic
prints and its exit status; exits 0 when everything matched, else 1
with one line saying what differed.

Usage: python3 tests/mosaic_hotplug.py STEP   (the steps are listed in STEPS)
"""

import re
import sys

from control_clients import fail, run_step
from mosaic_linux import OK, Tool

DENIED = 5  # the control domain refused (commands.h, MOSAIC_DENIED)
DISK = "format=raw, vdev=xvdb, access=rw, backend=blkdrv, target=vda2"
MAC = "00:16:3e:00:00:31"
VIF = "mac=%s,bridge=xenbr0,backend=netdrv" % MAC
SECTORS = 131072  # vda2: 64 MiB
# Until the guest has probed (or removed) both devices, at most 60 s.
WAIT = ("i=0; while [ $i -lt 60 ] && { [ %s -e /sys/block/xvdb ] || [ %s -e /sys/class/net/eth1 ]; }; "
        "do sleep 1; i=$((i+1)); done; ")


def one_line(out, what, words):
    """out is one line holding each of words."""
    lines = out.strip().splitlines()
    if len(lines) != 1 or not all(w in lines[0] for w in words):
        fail("%s: want one line with %s, got %r" % (what, words, out))


def step_create(t):
    out = t.expect(OK, "create", "-q", "%s/linux_one.cfg" % t.dir)
    if not re.fullmatch(r"\d+", out.strip()):
        fail("create linux_one.cfg printed %r" % out)


def step_attach(t):
    """Both attached (nothing printed, as xl); the same vdev again is one
    line; the guest finds xvdb (64 MiB) and eth1 with its MAC."""
    for args in (("block-attach", "one", DISK), ("network-attach", "one", VIF)):
        out = t.expect(OK, *args)
        if out:
            fail("%s printed %r" % (args[0], out))
    one_line(t.expect(DENIED, "block-attach", "one", DISK.replace("target=vda2", "target=vda1")),
             "block-attach of xvdb again", ["block-attach", "already"])
    out = t.console("one", WAIT % ("!", "!") + "cat /sys/block/xvdb/size /sys/class/net/eth1/address; "
                    "echo seen-$((40+2))", "seen-42")
    if not re.search(r"^%d\r?$" % SECTORS, out, re.M) or not re.search(r"^%s\r?$" % MAC, out, re.M):
        fail("console one: no xvdb of %d sectors and eth1 of %s: %r" % (SECTORS, MAC, out[-300:]))


def rows(out, header):
    lines = out.splitlines()
    if not lines or lines[0].split()[:len(header)] != header:
        fail("list header %r, not %r" % (lines[:1], header))
    return [line.split() for line in lines[1:]]


def step_list(t, disks=("51712", "51728"), vifs=("0", "1")):
    """block-list and network-list as xl prints them: each device with
    its backend d-id, the guest's state 4 (connected) and the BE-path."""
    blk = rows(t.expect(OK, "block-list", "one"), ["Vdev", "BE", "handle", "state", "evt-ch", "ring-ref", "BE-path"])
    if [r[0] for r in blk] != list(disks) or any(r[3] != "4" or "/backend/vbd/" not in r[6] for r in blk):
        fail("block-list one: %s" % blk)
    net = rows(t.expect(OK, "network-list", "one"), ["Idx", "BE", "Mac", "Addr.", "handle", "state"])
    if [r[0] for r in net] != list(vifs) or any(r[4] != "4" or "/backend/vif/" not in r[7] for r in net):
        fail("network-list one: %s" % net)
    if len(vifs) == 2 and net[1][2] != MAC:
        fail("network-list one: vif 1 is not %s: %s" % (MAC, net[1]))


def step_detach(t):
    """Both detached (nothing printed); unknown ones are one line each;
    the guest no longer has xvdb or eth1; the lists show the config's."""
    for args in (("block-detach", "one", "xvdb"), ("network-detach", "one", MAC)):
        out = t.expect(OK, *args)
        if out:
            fail("%s printed %r" % (args[0], out))
    one_line(t.expect(DENIED, "block-detach", "one", "xvdc"), "block-detach of xvdc", ["block-detach", "no such"])
    one_line(t.expect(DENIED, "network-detach", "one", "7"), "network-detach of 7", ["network-detach", "no such"])
    out = t.console("one", WAIT % ("", "") + "ls /sys/block /sys/class/net; echo gone-$((40+2))", "gone-42")
    # What ls printed: the terminal may have wrapped the command line, so
    # its echo is cut off at ls's first line, not at the command's end.
    m = re.search(r"/sys/block:(.*)gone-42", out, re.S)
    listing = m.group(1) if m else ""
    if "xvdb" in listing or "eth1" in listing or "xvda" not in listing or "eth0" not in listing:
        fail("console one: after the detaches it has %r" % listing[-300:])
    step_list(t, ("51712",), ("0",))


def step_destroy(t):
    t.expect(OK, "destroy", "one")
    doms = t.domains()
    if sorted(doms) != ["control"]:
        fail("list after destroy: %s" % sorted(doms))


STEPS = {"create": step_create, "attach": step_attach, "list": step_list, "detach": step_detach,
         "destroy": step_destroy}


if __name__ == "__main__":
    sys.exit(run_step("mosaic_hotplug.py", STEPS, Tool, "mosaic-keys."))
