#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host-side clients of the control domain, for tests/boot/control_tls.scn's
`host` steps: each runs the real tools/mosaic (or a plain TCP socket)
against the port the runner forwarded (MOSAIC_HOST, MOSAIC_PORT; the tool
at MOSAIC_OUT/tools/mosaic) and exits 0 when the server behaved as the
step says, else 1 with one line saying what differed.

Keys: the scenario's own throwaway key (tests/images/control_test.key),
copied to a private 0600 file as mosaic insists; a wrong key is made on
the spot (the same identity, another secret). Never the user's key.

Usage: python3 tests/control_clients.py version | wrong-key | unknown-identity | concurrent
"""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEST_KEY = REPO / "tests/images/control_test.key"
TIMEOUT = 120  # seconds a step may take: a handshake under emulation is slow
# mosaic's exit codes (tools/mosaic/main.c)
OK, REFUSED, PROTOCOL = 0, 3, 4


def fail(why):
    print("control_clients: " + why)
    sys.exit(1)


def key_file(tmp, identity=None, secret=None):
    """The test key, or one with another identity or secret, as a 0600 file."""
    lines = TEST_KEY.read_text().splitlines()
    out = []
    for line in lines:
        if identity and line.startswith("identity "):
            line = "identity " + identity
        if secret and line.startswith("key "):
            line = "key " + secret
        out.append(line)
    path = Path(tmp) / ("key-%d" % len(list(Path(tmp).iterdir())))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(out) + "\n")
    return str(path)


def mosaic(key, *args):
    return [os.path.join(os.environ["MOSAIC_OUT"], "tools/mosaic"), "--key", key, "--timeout", "90"] + list(args)


def run(argv):
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=TIMEOUT)
    out = p.stdout.decode(errors="replace")
    print("$ %s\n%s(status %d)" % (" ".join(argv[1:]), out, p.returncode))
    return p.returncode, out


def expect_status(argv, want, what):
    status, out = run(argv)
    if status != want:
        fail("%s: mosaic exited %d, expected %d: %s" % (what, status, want, out.strip()[-200:]))
    return out


def step_version(tmp):
    out = expect_status(mosaic(key_file(tmp), "-v", "version"), OK, "the right key")
    if "control domain: mosaic-control 1, protocol 2..2" not in out:
        fail("the right key: no version answer in: " + out.strip())


def step_wrong_key(tmp):
    expect_status(mosaic(key_file(tmp, secret=secrets.token_hex(32)), "version"), REFUSED, "a wrong key")


def step_unknown_identity(tmp):
    expect_status(mosaic(key_file(tmp, identity="intruder"), "version"), REFUSED, "an unknown identity")


def plain_tcp_garbage():
    """A client that is not TLS: it must be disconnected, not left hanging."""
    addr = (os.environ["MOSAIC_HOST"], int(os.environ["MOSAIC_PORT"]))
    with socket.create_connection(addr, timeout=TIMEOUT) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)))
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        except socket.timeout:
            fail("a plain TCP client sending garbage was not disconnected within %ds" % TIMEOUT)
    print("plain TCP client with garbage: disconnected")


def step_concurrent(tmp):
    """A good client asks every 1.5 s on one connection while a plain TCP
    client sends garbage and two authenticated clients send broken frames
    (a length above 64 KiB, a length of 0): those three are disconnected,
    the good one gets every answer."""
    key = key_file(tmp)
    rounds = 8
    good = subprocess.Popen(mosaic(key, "--repeat", str(rounds), "--interval", "1500", "version"),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = good.stdout.readline().decode(errors="replace")
    if "control domain:" not in first:
        good.kill()
        fail("the good client's first answer did not come: " + first.strip())
    start = time.monotonic()
    plain_tcp_garbage()
    expect_status(mosaic(key, "debug-send", "ffffffff"), PROTOCOL, "a frame of 4 GiB")
    expect_status(mosaic(key, "debug-send", "00000000"), PROTOCOL, "a frame of length 0")
    rest, _ = good.communicate(timeout=TIMEOUT)
    answers = [first] + rest.decode(errors="replace").splitlines()
    print("good client: %d answers, %d while the others were refused (%.1fs); exit %d"
          % (len([a for a in answers if "control domain:" in a]), rounds, time.monotonic() - start, good.returncode))
    if good.returncode != OK or sum("control domain:" in a for a in answers) != rounds:
        fail("the good client did not get all %d answers: %s" % (rounds, " | ".join(answers)))


def run_step(script, steps, make, prefix):
    """The step sys.argv names, given make(tmp) (a temporary folder that
    lives as long as the step); 0, or 2 with the usage for another."""
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        print("usage: %s %s" % (script, " | ".join(steps)))
        return 2
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        steps[sys.argv[1]](make(tmp))
    print("%s %s: all as expected" % (script.split(".")[0], sys.argv[1]))
    return 0


STEPS = {"version": step_version, "wrong-key": step_wrong_key, "unknown-identity": step_unknown_identity,
         "concurrent": step_concurrent}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in STEPS:
        print(__doc__.strip().splitlines()[-1])
        return 2
    for var in ("MOSAIC_HOST", "MOSAIC_PORT", "MOSAIC_OUT"):
        if not os.environ.get(var):
            fail("%s is not set (run from a scenario's host step)" % var)
    with tempfile.TemporaryDirectory(prefix="mosaic-keys.") as tmp:
        STEPS[sys.argv[1]](tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
