#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The single test runner behind `make test`.

Runs the host unit test binaries (<out>/tests/unit/*_test) and the boot
scenarios (tests/boot/*.scn, format in tests/boot/README.md) in QEMU, and
ends with the totals line "N passed, N failed". It builds nothing but the
scenario ISOs: `make` builds the core and the unit test binaries first.

Usage: python3 tests/run.py --out build/out [--filter PATTERN] [--jobs N]
"""

import argparse
import codecs
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import disk_image
import net_peer

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FORBID = ["PANIC", "unhandled exit", "triple fault"]
EXIT_GRACE = 30     # seconds QEMU has to exit by itself after the last expect
HARD_SLACK = 60     # added to the sum of expect timeouts for the hard limit
UNIT_TIMEOUT = 300
TAIL = 40
SUMMARY_RE = re.compile(r"^(\d+) passed, (\d+) failed$")
# In-guest check results; a log prefix such as "[d3] " may come first.
GUEST_TEST_RE = re.compile(r"(?:^|\s)TEST (PASS|FAIL) (\S+?)(?::\s*(.*))?$")
# QEMU 7.2 `info tlb` on x86_64, one line per leaf mapping:
# "VADDR: PADDR XGPDACTUW", a letter when the bit is set, '-' when clear
# (X = no-execute, W = writable). Only the leaf entry's bits are shown.
TLB_RE = re.compile(r"^([0-9a-f]{16}): ([0-9a-f]{16}) ([X-][G-][P-][D-][A-][C-][T-][U-][W-])$")
# Warnings QEMU prints for every boot with the EPYC model under TCG.
QEMU_NOISE_RE = re.compile(r"TCG doesn't support requested feature")

print_lock = threading.Lock()
stopping = threading.Event()


def say(*lines):
    with print_lock:
        for line in lines:
            print(line)
        sys.stdout.flush()


def exited(status):
    if status < 0:
        return "was killed by signal %d" % -status
    return "exited with status %d" % status


def indent(lines):
    return ["    " + line for line in lines]


class Totals:
    def __init__(self):
        self.passed = self.failed = self.flaky = 0
        self.lock = threading.Lock()

    def add(self, passed, failed):
        with self.lock:
            self.passed += passed
            self.failed += failed

    def add_flaky(self):
        with self.lock:
            self.flaky += 1


# ---------------------------------------------------------------- unit tests

def run_unit(path, name, totals):
    try:
        proc = subprocess.run([str(path)], cwd=REPO, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=UNIT_TIMEOUT)
        out, status = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as e:
        out, status = e.stdout or b"", None
    lines = out.decode(errors="replace").splitlines()
    passes = sum(1 for line in lines if line.startswith("PASS "))
    fails = [line for line in lines if line.startswith("FAIL ")]
    summary = next((SUMMARY_RE.match(line.strip()) for line in reversed(lines)
                    if SUMMARY_RE.match(line.strip())), None)
    report = ["FAIL %s/%s" % (name, line[5:]) for line in fails]
    if summary:
        passes, nfail = int(summary.group(1)), int(summary.group(2))
    else:
        nfail = len(fails)
    # The harness exits non-zero when something failed; a non-zero status
    # with nothing failed (e.g. a sanitizer report after the summary), a
    # signal or a missing summary is a crash.
    if status is None:
        problem = "timed out after %ds" % UNIT_TIMEOUT
    elif status < 0:
        problem = "killed by signal %d" % -status
    elif not summary:
        problem = "exited with status %d without a summary line" % status
    elif status != 0 and nfail == 0:
        problem = "exited with status %d after its summary" % status
    else:
        problem = None
    if problem:
        nfail += 1
        report.append("FAIL %s: %s; output:" % (name, problem))
        report += indent(lines[-200:])
    totals.add(passes, nfail)
    say(*report, "%s: %d passed, %d failed" % (name, passes, nfail))


# ----------------------------------------------------------- scenario files

class ScenarioError(Exception):
    pass


class Scenario:
    def __init__(self, path, out):
        self.path, self.name = path, path.stem
        self.cmdline, self.modules, self.smp = "", [], [2]
        self.cores = None  # every core the run was given
        self.env, self.qemu, self.expects = {}, [], []
        self.forbid, self.exit, self.wx_check = list(DEFAULT_FORBID), None, False
        self.captures, self.checks = [], []   # (name, regex), python expressions
        self.disks = []  # (PCI slot as QEMU's addr, size in bytes, partition sizes or None)
        self.nics = []  # (PCI slot as QEMU's addr, tap address or None, [virtio-net-pci PROP=VALUE])
        self.direct = None  # (kernel, initrd): the guest booted on QEMU alone, no core
        self.mgmt = None  # (PCI slot, guest TCP port): a NIC on QEMU's user-mode network, one port forwarded
        self.out = out
        for lineno, raw in enumerate(path.read_text().splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, _, rest = line.partition(" ")
            try:
                self.parse(key, rest.strip(), out)
            except (ValueError, re.error) as e:
                raise ScenarioError("%s:%d: %s" % (path, lineno, e)) from None
        if not self.expects and self.exit is None:
            raise ScenarioError("%s: needs at least one 'expect' or an 'exit'" % path)
        if any(kind == "peer" for kind, _, _, _ in self.expects) and not self.nics:
            raise ScenarioError("%s: 'peer' steps need a 'nic'" % path)
        if self.direct and self.mgmt:
            raise ScenarioError("%s: a 'direct' boot has no 'mgmt' NIC" % path)
        if self.direct and (self.modules or self.wx_check or self.uses_com2()):
            raise ScenarioError("%s: a 'direct' boot has no modules, COM2 or monitor-check" % path)
        if self.direct and self.cores is None:
            self.cores = [""]  # no core is booted: once is enough
        self.check_host_steps()

    def parse(self, key, rest, out):
        if key == "cmdline":
            self.cmdline = rest
        elif key == "module":
            file, _, string = rest.partition(" ")
            if not file:
                raise ValueError("module needs a path")
            base = out if file.startswith("out/") else REPO
            full = base / (file[4:] if base is out else file)
            self.modules.append(str(full) + ("::" + string.strip() if string.strip() else ""))
        elif key == "cores":
            names = rest.split()
            if not names or any(n not in ("release", "debug") for n in names):
                raise ValueError("cores takes release and/or debug, not %r" % rest)
            self.cores = ["" if n == "release" else n for n in names]
        elif key == "smp":
            self.smp = [int(n) for n in rest.split()]
            if not self.smp or min(self.smp) < 1:
                raise ValueError("smp needs positive CPU counts")
        elif key in ("cpu", "mem", "accel"):
            if not rest:
                raise ValueError("%s needs a value" % key)
            self.env["MOSAIC_" + key.upper()] = rest
        elif key == "qemu":
            self.qemu += shlex.split(rest)
        elif key in ("expect", "expect2"):
            secs, _, regex = rest.partition(" ")
            if float(secs) <= 0 or not regex.strip():
                raise ValueError("usage: %s <secs> <regex>" % key)
            self.expects.append(("expect", float(secs), re.compile(regex.strip()), 2 if key == "expect2" else 1))
        elif key == "send2":
            if not rest:
                raise ValueError("usage: send2 <text with \\r, \\n, \\xHH escapes>")
            text = codecs.decode(rest, "unicode_escape").encode("latin-1")
            self.expects.append(("send", 0.0, text, 2))
        elif key == "forbid":
            re.compile(rest)
            self.forbid.append(rest)
        elif key == "allow":
            if rest not in DEFAULT_FORBID:
                raise ValueError("allow %r: not a default forbidden pattern %r" % (rest, DEFAULT_FORBID))
            self.forbid.remove(rest)
        elif key == "exit":
            self.exit = int(rest)
        elif key == "capture":
            name, _, regex = rest.partition(" ")
            if not name.isidentifier() or not regex.strip():
                raise ValueError("usage: capture <name> <regex with one group>")
            pat = re.compile(regex.strip())
            if pat.groups != 1:
                raise ValueError("capture %s: the regex needs exactly one group" % name)
            self.captures.append((name, pat))
        elif key == "check":
            compile(rest, "check", "eval")
            self.checks.append(rest)
        elif key == "disk":
            self.disks.append(parse_disk(rest, self.disks))
        elif key == "nic":
            self.nics.append(parse_nic(rest, self.disks, self.nics))
        elif key == "peer":
            secs, _, command = rest.partition(" ")
            if float(secs) <= 0 or not command.strip():
                raise ValueError("usage: peer <secs> <shell command>")
            self.expects.append(("peer", float(secs), command.strip(), 0))
        elif key == "mgmt":
            words = rest.split()
            if len(words) != 2 or not words[1].isdigit() or not 0 < int(words[1]) < 65536:
                raise ValueError("usage: mgmt <pci-slot> <guest-tcp-port>")
            if self.mgmt:
                raise ValueError("mgmt: one per scenario")
            slot = parse_slot("mgmt", words[0], [d[0] for d in self.disks] + [n[0] for n in self.nics])
            self.mgmt = (slot, int(words[1]))
        elif key == "host":
            secs, _, command = rest.partition(" ")
            if float(secs) <= 0 or not command.strip():
                raise ValueError("usage: host <secs> <shell command>")
            self.expects.append(("host", float(secs), command.strip(), 0))
        elif key == "direct":
            words = rest.split()
            if len(words) != 2:
                raise ValueError("usage: direct <kernel> <initrd>")
            self.direct = tuple(str(out / w[4:]) if w.startswith("out/") else str(REPO / w) for w in words)
        elif key == "monitor-check":
            if rest != "wx":
                raise ValueError("unknown monitor-check %r (known: wx)" % rest)
            self.wx_check = True
        else:
            raise ValueError("unknown keyword %r" % key)

    def hard_timeout(self):
        return sum(secs for _, secs, _, _ in self.expects) + HARD_SLACK

    def check_host_steps(self):
        if any(kind == "host" for kind, _, _, _ in self.expects) and not self.mgmt:
            raise ScenarioError("%s: 'host' steps need a 'mgmt' NIC" % self.path)

    def uses_com2(self):
        return any(port == 2 for _, _, _, port in self.expects)


def parse_slot(key, word, taken):
    """A PCI slot as QEMU's addr= of a device on the root bus (DD or DD.F,
    hex), as "DD.F"; taken: the slots of earlier disks and NICs."""
    m = re.fullmatch(r"([0-9a-fA-F]{1,2})(?:\.([0-7]))?", word)
    if not m or int(m.group(1), 16) > 0x1f:
        raise ValueError("%s: PCI slot %r is not DD or DD.F (hex, device up to 1f)" % (key, word))
    slot = "%02x.%s" % (int(m.group(1), 16), m.group(2) or "0")
    if slot in taken:
        raise ValueError("%s: slot %s is taken by an earlier disk or nic" % (key, slot))
    return slot


def parse_disk(rest, earlier):
    """disk <slot> <size> [gpt <part-size>...]: sizes as disk_image takes them."""
    words = rest.split()
    if len(words) < 2 or (len(words) > 2 and words[2] != "gpt"):
        raise ValueError("usage: disk <pci-slot> <size> [gpt <part-size>...]")
    slot = parse_slot("disk", words[0], [d[0] for d in earlier])
    size = disk_image.parse_size(words[1])
    parts = [disk_image.parse_size(w) for w in words[3:]] if len(words) > 2 else None
    if parts is not None:
        disk_image.gpt_layout(size, parts)  # fits, or says why not
    return slot, size, parts


def parse_nic(rest, disks, earlier):
    """nic <slot> [addr=CIDR|addr=none] [PROP=VALUE...]: a virtio-net
    function on a tap of the boot's namespace; the tap's address defaults
    to the peer's (net_peer.PEER_CIDR) for the first NIC, none after."""
    words = rest.split()
    if not words:
        raise ValueError("usage: nic <pci-slot> [addr=CIDR|addr=none] [PROP=VALUE...]")
    slot = parse_slot("nic", words[0], [d[0] for d in disks] + [n[0] for n in earlier])
    addr, props = net_peer.PEER_CIDR if not earlier else None, []
    for w in words[1:]:
        key, eq, value = w.partition("=")
        if not eq or not value or not re.fullmatch(r"[a-z][a-z0-9_-]*", key):
            raise ValueError("nic: %r is not addr=CIDR or a virtio-net-pci PROP=VALUE" % w)
        if key == "addr":
            if value != "none" and not re.fullmatch(r"\d+\.\d+\.\d+\.\d+/\d+", value):
                raise ValueError("nic: addr=%s is not an IPv4 CIDR or none" % value)
            addr = None if value == "none" else value
        elif key in ("netdev", "mac", "addr", "id", "iommu_platform", "disable-legacy"):
            raise ValueError("nic: %s is set by the runner" % key)
        else:
            props.append(w)
    return slot, addr, props


def nic_args(nics, iommu):
    """QEMU's arguments for the NICs, on taps tap0, tap1, ... (in the order
    of nics) that the boot's namespace has: modern virtio-net functions
    whose MAC ends in the slot's device number, their DMA through the
    IOMMU when the boot has one (Mosaic's; a direct boot has none)."""
    args = []
    for i, (slot, _, props) in enumerate(nics):
        dev = "virtio-net-pci,netdev=nic%d,disable-legacy=on,addr=%s,mac=52:54:00:12:34:%s" % (i, slot, slot[:2])
        if iommu:
            dev += ",iommu_platform=on"
        args += ["-netdev", "tap,id=nic%d,ifname=tap%d,script=no,downscript=no,vhost=off" % (i, i),
                 "-device", ",".join([dev] + props)]
    return args


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now: the kernel's
    choice, so parallel boots do not collide (QEMU binds it a moment
    later; another process taking it meanwhile fails that boot loudly)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mgmt_args(mgmt, host_port):
    """The management NIC: a modern virtio-net function behind the IOMMU
    on QEMU's user-mode network (10.0.2.0/24, its DHCP gives 10.0.2.15),
    restrict=on so that nothing leaves this machine, and host_port on
    127.0.0.1 forwarded to the guest's TCP port."""
    slot, guest_port = mgmt
    return ["-netdev", "user,id=mgmt0,restrict=on,hostfwd=tcp:127.0.0.1:%d-:%d" % (host_port, guest_port),
            "-device", "virtio-net-pci,netdev=mgmt0,disable-legacy=on,iommu_platform=on,addr=%s,"
            "mac=52:54:00:12:35:%s" % (slot, slot[:2])]


def direct_argv(scn, smp, log, sock):
    """QEMU alone booting the scenario's kernel and initrd, its command
    line from 'cmdline': build/qemu.sh's CPU model and accelerator less
    SVM, without the IOMMU, exit device and CD that only the core uses."""
    env = scn.env
    return [str(REPO / "build/qemu-root.sh"), "--exec",
            "-accel", env.get("MOSAIC_ACCEL", "tcg"), "-machine", "q35",
            "-cpu", env.get("MOSAIC_CPU", "EPYC,-rdtscp"), "-smp", str(smp),
            "-m", env.get("MOSAIC_MEM", "512M"), "-no-reboot", "-display", "none",
            "-serial", "file:%s" % str(log).replace(",", ",,"),
            "-monitor", "unix:%s,server=on,wait=off" % str(sock).replace(",", ",,"),
            "-kernel", scn.direct[0], "-initrd", scn.direct[1], "-append", scn.cmdline]


def disk_args(scn, base, out_dir, iommu=True):
    """A fresh image per disk of the scenario (made here, for this boot),
    and the QEMU arguments that attach each as a modern virtio-blk device
    behind the IOMMU (iommu_platform=on: PLATFORM.md; not on a direct
    boot, which has none)."""
    args = []
    for i, (slot, size, parts) in enumerate(scn.disks):
        img = out_dir / ("%s.disk%d.img" % (base, i))
        disk_image.make(str(img), size, parts)
        path = str(img).replace(",", ",,")
        args += ["-drive", "file=%s,if=none,id=disk%d,format=raw,cache=writeback" % (path, i),
                 "-device", "virtio-blk-pci,drive=disk%d,disable-legacy=on,addr=%s%s"
                 % (i, slot, ",iommu_platform=on" if iommu else "")]
    return args


# ------------------------------------------------------------- QEMU helpers

class Lines:
    """Complete lines out of bytes that arrive in pieces."""

    partial = b""

    def lines(self, data, final):
        chunks = (self.partial + data).split(b"\n")
        self.partial = chunks.pop()
        if final and self.partial:
            chunks.append(self.partial)
            self.partial = b""
        return [c.decode(errors="replace").replace("\r", "") for c in chunks]


class SerialLog(Lines):
    """Follows QEMU's serial log file and hands out complete lines."""

    def __init__(self, path):
        self.path, self.offset = path, 0

    def read(self, final=False):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            data = b""
        self.offset += len(data)
        return self.lines(data, final)


class Com2(Lines):
    """The second serial port, a UNIX socket QEMU serves: lines out, bytes in.
    A thread drains the socket as bytes come: QEMU writes the UART's bytes
    one at a time, and a socket left unread for a while fills up and holds
    the guest's transmitter busy."""

    def __init__(self, sock_path, log_path):
        self.sock_path, self.log_path, self.sock = sock_path, log_path, None
        self.got, self.got_lock, self.reader = bytearray(), threading.Lock(), None

    def connect(self, proc, timeout=30):
        deadline = time.monotonic() + timeout
        while self.sock is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(str(self.sock_path))
                self.sock = s
            except OSError:
                s.close()
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        self.log = open(self.log_path, "wb")
        self.reader = threading.Thread(target=self.drain, args=(self.sock,), daemon=True)
        self.reader.start()

    def drain(self, sock):
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            with self.got_lock:
                self.got += chunk

    def read(self, final=False):
        if final and self.reader is not None:
            self.reader.join(timeout=1)
        with self.got_lock:
            data, self.got = bytes(self.got), bytearray()
        if data:
            self.log.write(data)
            self.log.flush()
        return self.lines(data, final)

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()
            if self.reader is not None:
                self.reader.join(timeout=5)
            self.log.close()
            self.sock = None


def monitor(sock_path, commands, timeout=30):
    """Runs HMP commands; returns each command's output (quit returns none)."""
    deadline = time.monotonic() + 5
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(sock_path))
            break
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    s.settimeout(timeout)

    def until_prompt():
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("monitor closed the connection")
            buf += chunk
        return buf.decode(errors="replace")

    with s:
        until_prompt()
        outputs = []
        for cmd in commands:
            s.sendall(cmd.encode() + b"\n")
            if cmd != "quit":
                outputs.append(until_prompt())
                continue
            # Hanging up at once can make QEMU drop the unread command:
            # wait for it to close the connection as it exits.
            try:
                while s.recv(65536):
                    pass
            except OSError:
                pass
        return outputs


def check_wx(sock_path):
    """Returns None if no mapping is both writable and executable."""
    text = monitor(sock_path, ["info tlb"])[0]
    maps = [m for m in (TLB_RE.match(line.strip()) for line in text.splitlines()) if m]
    if not maps:
        return "monitor-check wx: `info tlb` listed no mappings", indent(text.splitlines()[-5:])
    bad = [m.group(0) for m in maps if m.group(3)[8] == "W" and m.group(3)[0] != "X"]
    if bad:
        return ("monitor-check wx: %d of %d mappings are writable and executable"
                % (len(bad), len(maps)), indent(bad[:40]))
    return None


# ------------------------------------------------------------ boot scenarios

class BootRun:
    def __init__(self, scn, smp, variant, iso, out_dir, sock):
        self.scn, self.smp, self.iso, self.sock = scn, smp, iso, sock
        base = "%s@smp%d%s" % (scn.name, smp, variant_suffix(variant))
        self.name = "boot/" + base
        self.base, self.out_dir = base, out_dir
        self.log = out_dir / (base + ".log")
        self.qemu_err = out_dir / (base + ".qemu.log")
        self.com2_log = out_dir / (base + ".com2.log")
        self.peer_log = out_dir / (base + ".peer.log")
        self.host_log = out_dir / (base + ".host.log")
        self.mgmt_port = None  # the host's end of the mgmt NIC's forwarded port, while it runs
        self.net = None  # the boot's net_peer.PeerNetwork, while it runs
        self.com2 = None
        self.forbid = [re.compile(p) for p in scn.forbid]
        self.guest_tests = []        # (name, ok, why)
        self.next_expect = 0
        self.pending = {1: [], 2: []}  # lines not yet looked at by an expectation, per port
        self.proc = None

    def run_due(self):
        """Runs the send2 and peer steps that are next, in order; returns
        a failure reason (a peer step that failed) or None."""
        expects = self.scn.expects
        while self.next_expect < len(expects) and expects[self.next_expect][0] != "expect":
            kind, secs, what, _ = expects[self.next_expect]
            if kind == "send" and self.com2 is not None:
                self.com2.send(what)
            if kind in ("peer", "host"):
                status, out = self.net.run(what, secs) if kind == "peer" else self.run_host(what, secs)
                if status != 0:
                    said = out.strip().splitlines()[-10:] or ["(nothing)"]
                    return "%s step #%d `%s` %s; it said: %s" % (
                        kind, self.next_expect + 1, what,
                        "did not end within %gs" % secs if status is None else exited(status), " | ".join(said))
                self.last_met = time.monotonic()
            self.next_expect += 1
        return None

    def run_host(self, command, secs):
        """A host step: the command (sh -c, from the repository root) on
        this machine, with MOSAIC_HOST and MOSAIC_PORT naming the mgmt
        NIC's forwarded port and MOSAIC_OUT the build output; returns
        (exit status, or None after secs, its output), logged."""
        env = dict(os.environ, MOSAIC_HOST="127.0.0.1", MOSAIC_PORT=str(self.mgmt_port),
                   MOSAIC_OUT=str(self.scn.out))
        # With NICs, QEMU runs in the peer's network namespace, and so
        # does the port it forwards: the host step runs there too.
        prefix = self.net.prefix() if self.net is not None else []
        return net_peer.run_step(prefix, command, env, secs, self.host_log, "host")

    def feed(self, lines, now, port=1):
        """Checks new serial lines; returns a failure reason or None."""
        for line in lines:
            for pat in self.forbid:
                if pat.search(line):
                    return "forbidden /%s/ matched%s: %s" % (pat.pattern, " on COM2" if port == 2 else "", line)
            m = GUEST_TEST_RE.search(line) if port == 1 else None
            if m:
                self.guest_tests.append((m.group(2), m.group(1) == "PASS", m.group(3) or ""))
            self.pending[port].append(line)
        # Each port's lines meet that port's expectations in order; lines
        # of one port wait while the next expectation is on the other.
        expects = self.scn.expects
        while self.next_expect < len(expects):
            _, _, regex, want = expects[self.next_expect]
            queue = self.pending[want]
            while queue and not regex.search(queue[0]):
                queue.pop(0)
            if not queue:
                break
            queue.pop(0)
            self.next_expect += 1
            self.last_met = now
            failure = self.run_due()
            if failure:
                return failure
        return None

    def feed_all(self, serial, now, final=False):
        failure = self.feed(serial.read(final=final), now)
        if not failure and self.com2 is not None:
            failure = self.feed(self.com2.read(final=final), now, port=2)
        return failure

    def wait_expectations(self, serial, hard_deadline):
        expects = self.scn.expects
        failure = self.run_due()
        if failure:
            return failure
        while True:
            now = time.monotonic()
            status = self.proc.poll()
            failure = self.feed_all(serial, now, final=status is not None)
            if failure or self.next_expect == len(expects):
                return failure
            _, secs, regex, port = expects[self.next_expect]
            what = "expect%s #%d /%s/" % ("2" if port == 2 else "", self.next_expect + 1, regex.pattern)
            if status is not None:
                return "QEMU %s while waiting for %s" % (exited(status), what)
            if now > self.last_met + secs:
                return "no match within %gs for %s" % (secs, what)
            if now > hard_deadline or stopping.is_set():
                return "hard timeout (%ds) waiting for %s" % (self.scn.hard_timeout(), what)
            time.sleep(0.05)

    def wait_exit(self, serial, hard_deadline):
        deadline = min(self.last_met + EXIT_GRACE, hard_deadline)
        while True:
            status = self.proc.poll()
            failure = self.feed_all(serial, time.monotonic(), final=status is not None)
            if failure:
                return failure
            if status is not None:
                if status != self.scn.exit:
                    return "QEMU %s, expected status %d" % (exited(status), self.scn.exit)
                return None
            if time.monotonic() > deadline or stopping.is_set():
                return "QEMU did not exit within %ds of the last expect" % EXIT_GRACE
            time.sleep(0.05)

    def quit(self):
        if self.proc.poll() is None:
            try:
                monitor(self.sock, ["quit"], timeout=5)
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def execute(self, running):
        """Boots once; returns (failure reason or None, detail lines, secs)."""
        self.pending = {1: [], 2: []}
        com2_sock = Path(str(self.sock) + ".com2")
        for p in (self.log, self.sock, com2_sock, self.com2_log):
            p.unlink(missing_ok=True)
        env = dict(os.environ, MOSAIC_SMP=str(self.smp), **self.scn.env)
        if self.scn.uses_com2():
            env["MOSAIC_COM2"] = str(com2_sock)
            self.com2 = Com2(com2_sock, self.com2_log)
        scn, iommu = self.scn, self.scn.direct is None
        if scn.direct:
            argv = direct_argv(scn, self.smp, self.log, self.sock)
        else:
            argv = [str(REPO / "build/qemu.sh"), "batch", str(self.iso), str(self.log), str(self.sock)]
        argv += scn.qemu + disk_args(scn, self.base, self.out_dir, iommu) + nic_args(scn.nics, iommu)
        if scn.mgmt:
            self.mgmt_port = free_port()
            self.host_log.unlink(missing_ok=True)
            argv += mgmt_args(scn.mgmt, self.mgmt_port)
        serial = SerialLog(self.log)
        start = self.last_met = time.monotonic()
        hard_deadline = start + scn.hard_timeout()
        detail, failure = [], None
        if scn.nics:
            self.peer_log.unlink(missing_ok=True)
            self.net = net_peer.PeerNetwork([addr for _, addr, _ in scn.nics], self.peer_log)
            try:
                self.net.start()
            except (OSError, RuntimeError) as e:
                self.net.stop()
                self.net = None
                return "the peer's network namespace: %s" % e, detail, time.monotonic() - start
            argv = self.net.prefix() + argv
        with open(self.qemu_err, "wb") as err:
            self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                         stdout=err, stderr=err)
        running.add(self.proc)
        try:
            if self.com2 is not None:
                try:
                    self.com2.connect(self.proc)
                except OSError as e:
                    failure = "COM2: cannot connect to %s: %s" % (com2_sock, e)
            failure = failure or self.wait_expectations(serial, hard_deadline)
            if not failure and self.scn.wx_check:
                if self.proc.poll() is not None:
                    failure = "monitor-check wx: QEMU had already exited"
                else:
                    try:
                        failure, detail = check_wx(self.sock) or (None, [])
                    except OSError as e:
                        failure = "monitor-check wx: monitor: %s" % e
            if not failure and self.scn.exit is not None:
                failure = self.wait_exit(serial, hard_deadline)
        finally:
            self.quit()
            running.discard(self.proc)
            if self.net is not None:
                self.net.stop()
                self.net = None
        failure = failure or self.feed_all(serial, time.monotonic(), final=True)
        if self.com2 is not None:
            self.com2.close()
            self.com2 = None
        if not failure and any(not ok for _, ok, _ in self.guest_tests):
            failure = "in-guest tests failed"
        if not failure and self.scn.checks:
            failure, detail = self.evaluate_checks()
        return failure, detail, time.monotonic() - start

    def evaluate_checks(self):
        """capture/check: numbers from the log, judged here, not by the guest or core."""
        values = {}
        for line in tail(self.log, 100000):
            for name, pat in self.scn.captures:
                m = pat.search(line)
                if m and name not in values:
                    values[name] = float(m.group(1))
        missing = [n for n, _ in self.scn.captures if n not in values]
        if missing:
            return "capture: no line matched for %s" % ", ".join(missing), []
        shown = ["  captured " + ", ".join("%s=%g" % kv for kv in sorted(values.items()))]
        for expr in self.scn.checks:
            try:
                ok = eval(expr, {"__builtins__": {"abs": abs, "min": min, "max": max}}, dict(values))
            except Exception as e:  # a broken check is a failed check
                return "check %r: %s" % (expr, e), shown
            if not ok:
                return "check failed: %s" % expr, shown
        return None, []


def tail(path, n):
    try:
        return path.read_bytes().decode(errors="replace").replace("\r", "").splitlines()[-n:]
    except FileNotFoundError:
        return []


def failure_report(run, failure, detail):
    lines = ["FAIL %s: %s" % (run.name, failure)] + detail
    lines.append("  last %d serial lines (%s):" % (TAIL, run.log))
    lines += indent(tail(run.log, TAIL) or ["(nothing)"])
    if run.com2_log.exists():
        lines.append("  last %d COM2 lines (%s):" % (TAIL, run.com2_log))
        lines += indent(tail(run.com2_log, TAIL) or ["(nothing)"])
    if run.scn.nics and run.peer_log.exists():
        lines.append("  last %d lines of the peer's servers and steps (%s):" % (TAIL, run.peer_log))
        lines += indent(tail(run.peer_log, TAIL) or ["(nothing)"])
    if run.scn.mgmt and run.host_log.exists():
        lines.append("  last %d lines of the host steps (%s):" % (TAIL, run.host_log))
        lines += indent(tail(run.host_log, TAIL) or ["(nothing)"])
    said = [l for l in tail(run.qemu_err, TAIL) if not QEMU_NOISE_RE.search(l)]
    if said:
        lines.append("  QEMU said:")
        lines += indent(said)
    return lines


def keep_first_logs(run):
    """The failed boot's logs, whole, beside the next boot's: NAME.first.log etc."""
    for path in (run.log, run.com2_log, run.peer_log, run.qemu_err):
        if path.exists():
            shutil.copyfile(path, path.with_name(path.name.replace(".", ".first.", 1)))


def run_boot(run, totals, running, iso_error):
    if iso_error:
        failure, detail, secs = iso_error, [], 0.0
    else:
        failure, detail, secs = run.execute(running)
        if failure and not stopping.is_set():
            # One more boot, in the open: the first failure is printed in
            # full and counted as flaky, and a second failure fails the run.
            first = failure_report(run, failure, detail)
            first[0] = "FLAKY " + first[0][len("FAIL "):] + " (booting it once more)"
            say(*first)
            keep_first_logs(run)
            run.guest_tests = []
            run.next_expect = 0
            failure, detail, secs = run.execute(running)
            if not failure:
                totals.add_flaky()
    if stopping.is_set():
        return
    lines = []
    for test, ok, why in run.guest_tests:
        if not ok:
            lines.append("FAIL %s/%s: %s" % (run.name, test, why))
    guest_passed = sum(1 for _, ok, _ in run.guest_tests if ok)
    totals.add(guest_passed + (0 if failure else 1),
               len(run.guest_tests) - guest_passed + (1 if failure else 0))
    if failure:
        lines += failure_report(run, failure, detail) if not iso_error else ["FAIL %s: %s" % (run.name, failure)]
    else:
        extra = ", %d in-guest tests" % len(run.guest_tests) if run.guest_tests else ""
        lines.append("PASS %s (%.1fs%s)" % (run.name, secs, extra))
    say(*lines)


def variant_suffix(variant):
    """Test-name suffix of a core variant: none for the default build."""
    return "+" + variant if variant else ""


def parse_core_args(values, out):
    """--core NAME=ELF options; the default is the build's own core."""
    cores = []
    for v in values or []:
        name, sep, path = v.partition("=")
        if not sep or not path:
            raise SystemExit("run.py: --core takes NAME=PATH, not %r" % v)
        cores.append((name, Path(path).resolve()))
    return cores or [("", out / "core/mosaic.elf")]


def qemu_version():
    """The QEMU every boot runs, as one line for the run's header, or None."""
    root = REPO / "build/qemu-root.sh"
    proc = subprocess.run([str(root), "--exec", "--version"], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = proc.stdout.decode(errors="replace").splitlines()
    if proc.returncode or not lines:
        say("qemu: %s" % (" / ".join(lines[-3:]) or "build/qemu-root.sh --exec --version failed"))
        return None
    built = subprocess.run([str(REPO / "build/qemu-build.sh"), "--path"], stdout=subprocess.PIPE).stdout.decode().strip()
    where = subprocess.run([str(root), "--root"], stdout=subprocess.PIPE).stdout.decode().strip()
    return "qemu: %s, %s, firmware from %s" % (lines[0], built, where)


def build_iso(scn, core, iso):
    if not core.is_file():
        return "core image %s not found (build it first)" % core
    argv = [str(REPO / "build/mkiso.sh"), str(iso), str(core), scn.cmdline] + scn.modules
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode:
        return "mkiso.sh failed: " + " / ".join(proc.stdout.decode(errors="replace").splitlines()[-5:])
    return None


# --------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="Run Mosaic's unit tests and boot scenarios.")
    ap.add_argument("--out", required=True, help="build output directory (build/out)")
    ap.add_argument("--filter", help="Python regex searched in test names")
    ap.add_argument("--core", action="append", metavar="NAME=ELF",
                    help="boot the scenarios on this core too (repeatable; default: OUT/core/mosaic.elf); "
                         "runs are named boot/SCN@smpN+NAME")
    ap.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 2),
                    help="boot scenarios run in parallel (default: CPUs, at most 2)")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    cores = parse_core_args(args.core, out)
    selected = re.compile(args.filter).search if args.filter else (lambda name: True)
    totals = Totals()

    units = sorted(p for p in (out / "tests/unit").glob("*_test")
                   if p.is_file() and os.access(p, os.X_OK))
    units = [(p, "unit/" + p.name[:-len("_test")]) for p in units]
    units = [(p, n) for p, n in units if selected(n)]

    scenarios, broken = [], []
    for path in sorted((REPO / "tests/boot").glob("*.scn")):
        try:
            scenarios.append(Scenario(path, out))
        except ScenarioError as e:
            if selected("boot/" + path.stem):
                broken.append("FAIL boot/%s: %s" % (path.stem, e))
    runs = [(scn, n, variant) for variant, _ in cores for scn in scenarios for n in scn.smp
            if (scn.cores is None or variant in scn.cores)
            and selected("boot/%s@smp%d%s" % (scn.name, n, variant_suffix(variant)))]

    if not units and not runs and not broken:
        say("no tests match %r" % args.filter if args.filter else "no tests found")
        return 1
    if runs:
        version = qemu_version()
        if not version:
            return 1
        say(version)
    for line in broken:
        say(line)
        totals.add(0, 1)
    for path, name in units:
        run_unit(path, name, totals)

    boot_dir = out / "tests/boot"
    boot_dir.mkdir(parents=True, exist_ok=True)
    iso_errors = {}
    core_of = dict(cores)

    def iso_path(scn, variant):
        return boot_dir / (scn.name + variant_suffix(variant) + ".iso")

    for scn, _, variant in runs:
        key = (scn.name, variant)
        if key not in iso_errors:
            iso_errors[key] = None if scn.direct else build_iso(scn, core_of[variant], iso_path(scn, variant))
    if any(scn.nics for scn, _, _ in runs):
        net_peer.remove_stale_namespaces()

    running = set()
    # UNIX socket paths are limited to 108 bytes: keep them short, in /tmp.
    with tempfile.TemporaryDirectory(prefix="mosaic-run.") as sockdir:
        boot_runs = [BootRun(scn, n, variant, iso_path(scn, variant), boot_dir,
                             Path(sockdir) / ("%d.sock" % i))
                     for i, (scn, n, variant) in enumerate(runs)]
        pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))
        futures = [pool.submit(run_boot, r, totals, running, iso_errors[(r.scn.name, v)])
                   for r, (_, _, v) in zip(boot_runs, runs)]
        try:
            for f in futures:
                f.result()
        except KeyboardInterrupt:
            stopping.set()
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in list(running):
                proc.kill()
            say("interrupted")
            return 130
        pool.shutdown()

    if totals.flaky:
        say("%d boot run%s failed once and passed when booted again (see the FLAKY lines above)"
            % (totals.flaky, "" if totals.flaky == 1 else "s"))
    say("%d passed, %d failed" % (totals.passed, totals.failed))
    return 0 if totals.failed == 0 and totals.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
