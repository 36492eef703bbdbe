#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host steps of tests/boot/control_restart.scn: the real tools/mosaic
against a control domain that crashes and is restarted (MOSAIC_HOST,
MOSAIC_PORT, MOSAIC_OUT as for tests/control_verbs.py, whose Tool this
uses); exits 0 when everything matched, else 1 with one line saying what
differed (every mosaic run and its output is printed before it).

The domains, as tests/images/control_restart.manifest builds them:
control d3 (on_crash = restart; its next instance is another id), alpha
d4 and beta d5 (linger, blocked until destroyed), both handed to control.

Usage: python3 tests/control_restart.py STEP   (the steps are in STEPS)
"""

import json
import sys
import time

from control_clients import fail, mosaic, run, run_step
from control_verbs import LIST_HEADER, OK, Tool

GUESTS = {"alpha": 4, "beta": 5}
BACK_WITHIN = 120  # seconds the restarted control may take to answer (a boot, DHCP, a handshake)
ASK_TIMEOUT = "10"  # seconds one try may take before it is retried


def domains(t):
    """list --json as a dict by name."""
    return {d["name"]: d for d in json.loads(t.expect(OK, "list", "--json"))}


def check_guests(doms, control_id):
    """Control (with an id control_id accepts) and both guests with their
    ids, running or blocked (not paused, shut down or crashed)."""
    if sorted(doms) != sorted(["control"] + list(GUESTS)):
        fail("list: expected control, alpha and beta, got %s" % sorted(doms))
    if not doms["control"]["control_domain"] or not control_id(doms["control"]["domid"]):
        fail("list: control is %s" % doms["control"])
    for name, domid in GUESTS.items():
        d = doms[name]
        if d["domid"] != domid or d["shutdown_reason"] is not None or any(c in d["state"] for c in "psc"):
            fail("list: %s is %s, expected d%d running" % (name, d, domid))


def answered_list(t):
    """list --json, asked until control answers (it may still be getting
    its address, or be restarting), at most BACK_WITHIN seconds."""
    until, status = time.monotonic() + BACK_WITHIN, None
    while time.monotonic() < until:
        status, out = run(mosaic(t.key, "--timeout", ASK_TIMEOUT, "list", "--json"))
        if status == OK:
            return {d["name"]: d for d in json.loads(out)}
        time.sleep(1)
    fail("control did not answer list within %d s (last status %s)" % (BACK_WITHIN, status))


def step_before(t):
    """control d3 holds alpha d4 and beta d5, both running."""
    check_guests(answered_list(t), lambda i: i == 3)


def step_crash(t):
    out = t.expect(OK, "debug-crash")
    if "crashes now" not in out:
        fail("debug-crash: %s" % out.strip())


def step_after(t):
    """Asked until the restarted control answers (bounded): the same
    guests with the same ids, running, under a control of another id."""
    check_guests(answered_list(t), lambda i: i != 3)
    rows = t.rows(LIST_HEADER, "list")
    if sorted(rows) != sorted(["control"] + list(GUESTS)):
        fail("list: %s" % sorted(rows))


def step_destroy(t):
    """The new control controls them: destroy works, and list agrees."""
    for name in GUESTS:
        if t.expect(OK, "destroy", name) != "":
            fail("destroy %s printed something" % name)
    if sorted(domains(t)) != ["control"]:
        fail("list after the destroys shows more than control")


STEPS = {"before": step_before, "crash": step_crash, "after": step_after, "destroy": step_destroy}


if __name__ == "__main__":
    sys.exit(run_step("control_restart.py", STEPS, Tool, "mosaic-keys."))
