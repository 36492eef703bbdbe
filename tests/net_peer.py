#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The network scenarios' peer: TCP services a guest checks its data
against without trusting the transport between them, a probe that the
scenarios' `peer` steps run, and (class PeerNetwork, for tests/run.py and
tests/bench/net.py) the network namespace of one boot that they run in:
QEMU's tap devices, the peer's address, these services and Debian's
`iperf3 -s`, all inside it, so nothing reaches the host's own network.
Standard library only.

Services (one line of text is ASCII ending in "\\n"):
  5301 sink:   the client sends a line "N", then exactly N bytes; the peer
               replies "<sha256 hex of those N bytes>\\n" and closes. A
               short or overlong stream gets "error: <why>\\n" instead.
  5302 source: the client may send a line "N" (and close its side); the
               peer sends "N <sha256 hex>\\n", then N random bytes (N at most,
               and without a request, --source-bytes, default 100 MiB), and
               closes.
  5303 echo-address: the peer replies "<client's IP address as the peer
               saw it>\\n" and closes (the NAT test: it must be netdrv's
               outside address, not the guest's own).
Each connection is logged as one line on standard output. With --frames
FILE it also watches the taps (an AF_PACKET socket on each named with
--watch) and writes each new sender it sees, "<source MAC> <source IPv4
address or ->" (IPv4's source, ARP's sender), as a line of FILE: what
reached the peer's side, for the anti-spoofing checks (`seen`).

Usage: tests/net_peer.py serve [--bind ADDR] [--source-bytes N] [--frames FILE --watch IFACE...]
           prints "net_peer: ready" once all three listen, serves until killed
       tests/net_peer.py seen (--mac MAC | --ip ADDR) [--frames FILE]
           exit 0 when a frame from MAC (or with source ADDR) reached the
           peer, 1 when none did; FILE defaults to $NET_PEER_FRAMES, which
           the runner's peer steps have
       tests/net_peer.py probe ADDR PORT [--timeout SECS]
           exit 0 when a TCP connection to ADDR:PORT is accepted within
           SECS (default 5), 1 when refused or timed out
"""

import argparse
import hashlib
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

SINK_PORT, SOURCE_PORT, ECHO_PORT = 5301, 5302, 5303
REQUEST_SECS = 2  # how long the source waits for a client's size line
IPERF_PORT = 5201  # iperf3's own default
PEER_CIDR = "192.0.2.1/24"  # TEST-NET-1 (RFC 5737): documentation only, routed nowhere
NETNS_PREFIX = "mosaic-"
DEFAULT_SOURCE_BYTES = 100 << 20
MAX_SINK_BYTES = 1 << 32
CHUNK = 1 << 16
IDLE_SECS = 120  # a connection that sends nothing for this long is dropped

log_lock = threading.Lock()


def log(text):
    with log_lock:
        print("net_peer: " + text, flush=True)


def read_line(sock, limit=64):
    """One line, byte by byte (nothing after it is consumed), or None."""
    line = b""
    while not line.endswith(b"\n"):
        b = sock.recv(1)
        if not b or len(line) >= limit:
            return None
        line += b
    return line[:-1].decode("ascii", errors="replace").strip()


class Sink(socketserver.BaseRequestHandler):
    def handle(self):
        sock, who = self.request, self.client_address[0]
        sock.settimeout(IDLE_SECS)
        try:
            reply = self.receive(sock)
        except OSError as e:
            reply = "error: %s" % e
        log("sink %s: %s" % (who, reply))
        try:
            sock.sendall(reply.encode() + b"\n")
        except OSError:
            pass

    @staticmethod
    def receive(sock):
        line = read_line(sock)
        if line is None or not line.isdigit() or int(line) > MAX_SINK_BYTES:
            return "error: the first line must be a byte count up to %d, got %r" % (MAX_SINK_BYTES, line)
        want, got, h = int(line), 0, hashlib.sha256()
        while got < want:
            try:
                data = sock.recv(min(CHUNK, want - got))
            except OSError as e:
                return "error: %s after %d of %d bytes" % (e, got, want)
            if not data:
                return "error: the stream ended after %d of %d bytes" % (got, want)
            h.update(data)
            got += len(data)
        # Nothing may follow the N bytes; a client that half-closes lets
        # us see that at once, one that does not is given a second.
        sock.settimeout(1)
        try:
            extra = sock.recv(1)
        except socket.timeout:
            extra = b""
        if extra:
            return "error: more than the %d bytes announced" % want
        return h.hexdigest()


class Source(socketserver.BaseRequestHandler):
    size = DEFAULT_SOURCE_BYTES

    def request_size(self, sock):
        """The client may ask for N bytes (a line "N", then its end of
        the connection closed) up to the default; without one it gets the
        default."""
        line = b""
        sock.settimeout(REQUEST_SECS)
        try:
            while not line.endswith(b"\n") and len(line) < 32:
                chunk = sock.recv(32)
                if not chunk:
                    break
                line += chunk
        except socket.timeout:
            pass
        sock.settimeout(IDLE_SECS)
        text = line.decode("ascii", "replace").strip()
        if text.isdigit() and 0 < int(text) <= self.size:
            return int(text)
        return self.size

    def handle(self):
        sock, who = self.request, self.client_address[0]
        size = self.request_size(sock)
        data = os.urandom(size)
        digest = hashlib.sha256(data).hexdigest()
        try:
            sock.sendall(b"%d %s\n" % (size, digest.encode()))
            view = memoryview(data)
            for off in range(0, size, CHUNK):
                sock.sendall(view[off:off + CHUNK])
            sock.shutdown(socket.SHUT_WR)
            log("source %s: sent %d bytes, sha256 %s" % (who, size, digest))
        except OSError as e:
            log("source %s: %s" % (who, e))


class EchoAddress(socketserver.BaseRequestHandler):
    def handle(self):
        who = self.client_address[0]
        log("echo-address %s" % who)
        try:
            self.request.sendall(who.encode() + b"\n")
        except OSError:
            pass


def watch(iface, frames):
    """Records each new (source MAC, source IPv4) of the frames iface
    receives; runs until the process ends."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))  # ETH_P_ALL
    sock.bind((iface, 0))
    seen = set()
    while True:
        frame, meta = sock.recvfrom(65536)
        if meta[2] == socket.PACKET_OUTGOING or len(frame) < 14:
            continue
        mac = frame[6:12].hex(":")
        kind = int.from_bytes(frame[12:14], "big")
        addr = "-"
        if kind == 0x0800 and len(frame) >= 34:
            addr = socket.inet_ntoa(frame[26:30])
        elif kind == 0x0806 and len(frame) >= 42:
            addr = socket.inet_ntoa(frame[28:32])
        if (mac, addr) not in seen:
            seen.add((mac, addr))
            with open(frames, "a") as f:
                f.write("%s %s\n" % (mac, addr))


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def serve(args):
    Source.size = args.source_bytes
    servers = [Server((args.bind, port), handler)
               for port, handler in ((SINK_PORT, Sink), (SOURCE_PORT, Source), (ECHO_PORT, EchoAddress))]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    if args.frames:
        open(args.frames, "w").close()
        threads += [threading.Thread(target=watch, args=(i, args.frames), daemon=True) for i in args.watch]
    for t in threads:
        t.start()
    log("ready")
    for t in threads:
        t.join()
    return 0


def seen(args):
    path = args.frames or os.environ.get("NET_PEER_FRAMES")
    if not path:
        print("net_peer: seen needs --frames or NET_PEER_FRAMES")
        return 2
    with open(path) as f:
        senders = [line.split() for line in f if len(line.split()) == 2]
    hits = [" ".join(s) for s in senders if (args.mac and s[0] == args.mac.lower()) or s[1] == args.ip]
    print("net_peer: %s: %s" % (args.mac or args.ip, "seen as " + ", ".join(hits) if hits else
                                "no frame reached the peer (%d senders seen)" % len(senders)))
    return 0 if hits else 1


def probe(args):
    try:
        with socket.create_connection((args.addr, args.port), timeout=args.timeout):
            print("net_peer: %s:%d accepted the connection" % (args.addr, args.port))
            return 0
    except OSError as e:
        print("net_peer: %s:%d: %s" % (args.addr, args.port, e))
        return 1


# ---------------------------------------------- the namespace of one boot

def ip(*args, check=True):
    """Runs iproute2's ip; raises RuntimeError with what it said on failure."""
    proc = subprocess.run(["ip"] + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if check and proc.returncode:
        raise RuntimeError("ip %s: %s" % (" ".join(args), proc.stdout.decode(errors="replace").strip()))
    return proc.stdout.decode(errors="replace")


def remove_stale_namespaces():
    """Deletes the namespaces mosaic-<pid>-<n> of runs whose process is
    gone (killed before they could clean up); others' are left alone."""
    for line in ip("netns", "list", check=False).splitlines():
        m = re.match(r"(%s(\d+)-\d+)\b" % re.escape(NETNS_PREFIX), line)
        if m and not Path("/proc/%s" % m.group(2)).exists():
            ip("netns", "del", m.group(1), check=False)


def run_step(prefix, command, env, secs, log, tag):
    """A scenario's step: the shell command (sh -c, from the repository,
    after the argv prefix) with env, killed with its children after secs;
    the command, its output and status appended to log as "TAG$ ...".
    Returns (exit status, or None after secs, its output)."""
    proc = subprocess.Popen(prefix + ["sh", "-c", command], cwd=Path(__file__).resolve().parent.parent, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=secs)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
        status = None
    text = out.decode(errors="replace")
    with open(log, "a") as f:
        f.write("%s$ %s\n%s(%s)\n" % (tag, command, text, "timed out" if status is None else "status %d" % status))
    return status, text


class PeerNetwork:
    """One boot's network namespace NETNS_PREFIX<pid>-<n>: a tap device per
    NIC (tap0, tap1, ...), each up, with the address its NIC asks for (the
    first NIC's default PEER_CIDR), lo up, and the peer's servers
    (net_peer.py serve, iperf3 -s) started inside, their output in log.
    prefix() is what QEMU's command runs under; stop() ends the servers and
    deletes the namespace (taps with it), whatever state start() got to."""

    count = 0
    count_lock = threading.Lock()

    def __init__(self, nics, log):
        """nics: [(tap address as CIDR or None, ...)]; log: a Path."""
        with PeerNetwork.count_lock:
            PeerNetwork.count += 1
            self.name = "%s%d-%d" % (NETNS_PREFIX, os.getpid(), PeerNetwork.count)
        self.addrs, self.log, self.servers, self.made = list(nics), log, [], False
        self.frames = Path(str(log) + ".frames")

    def prefix(self):
        return ["ip", "netns", "exec", self.name]

    def tap(self, i):
        return "tap%d" % i

    def start(self, source_bytes=DEFAULT_SOURCE_BYTES):
        ip("netns", "add", self.name)
        self.made = True
        ip("-n", self.name, "link", "set", "lo", "up")
        for i, addr in enumerate(self.addrs):
            ip("-n", self.name, "tuntap", "add", "dev", self.tap(i), "mode", "tap")
            if addr:
                ip("-n", self.name, "addr", "add", addr, "dev", self.tap(i))
            ip("-n", self.name, "link", "set", self.tap(i), "up")
        out = open(self.log, "ab")
        try:
            watch = [w for i in range(len(self.addrs)) for w in ("--watch", self.tap(i))]
            for argv in ([sys.executable, str(Path(__file__).resolve()), "serve",
                          "--source-bytes", str(source_bytes), "--frames", str(self.frames)] + watch,
                         ["iperf3", "-s", "-p", str(IPERF_PORT)]):
                self.servers.append(subprocess.Popen(self.prefix() + argv, stdin=subprocess.DEVNULL,
                                                     stdout=out, stderr=subprocess.STDOUT))
        finally:
            out.close()
        self.wait_listening([SINK_PORT, SOURCE_PORT, ECHO_PORT, IPERF_PORT])

    def wait_listening(self, ports, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            text = ip("-n", self.name, "-o", "link", check=False)  # the namespace is still there
            listening = subprocess.run(self.prefix() + ["ss", "-Hltn"], stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL).stdout.decode(errors="replace")
            found = {int(p) for p in re.findall(r"\S+:(\d+)\s", listening)}
            if set(ports) <= found:
                return
            dead = [s.args[-1] for s in self.servers if s.poll() is not None]
            if dead or time.monotonic() > deadline or not text:
                raise RuntimeError("the peer's servers in %s are not listening on %s (%s); see %s"
                                   % (self.name, sorted(set(ports) - found),
                                      "one exited" if dead else "timed out", self.log))
            time.sleep(0.1)

    def run(self, command, secs):
        """Runs a shell command in the namespace (cwd: the repository);
        returns (exit status, or None after secs, its output)."""
        return run_step(self.prefix(), command, dict(os.environ, NET_PEER_FRAMES=str(self.frames)), secs,
                        self.log, "peer")

    def stop(self):
        for s in self.servers:
            if s.poll() is None:
                s.terminate()
        for s in self.servers:
            try:
                s.wait(timeout=5)
            except subprocess.TimeoutExpired:
                s.kill()
                s.wait()
        self.servers = []
        if self.made:
            ip("netns", "del", self.name, check=False)
            self.made = False


def main():
    ap = argparse.ArgumentParser(description="The network scenarios' peer.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--bind", default="0.0.0.0")
    s.add_argument("--source-bytes", type=int, default=DEFAULT_SOURCE_BYTES)
    s.add_argument("--frames", help="record the senders of the frames the --watch interfaces receive")
    s.add_argument("--watch", action="append", default=[])
    w = sub.add_parser("seen")
    who = w.add_mutually_exclusive_group(required=True)
    who.add_argument("--mac")
    who.add_argument("--ip")
    w.add_argument("--frames")
    p = sub.add_parser("probe")
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("--timeout", type=float, default=5)
    args = ap.parse_args()
    return {"serve": serve, "probe": probe, "seen": seen}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
