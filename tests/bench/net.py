#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Network latency and throughput of a Linux guest on Mosaic against the
same kernel with no hypervisor: boots alternate between the two, on the
same emulated machine (q35, build/qemu.sh's CPU model, 2 CPUs on one host
thread) with the same NIC, a virtio-net-pci function (modern only) on a tap
in a fresh network namespace per boot, where the peer (192.0.2.1) runs
`iperf3 -s` (tests/net_peer.py, PeerNetwork). Each boot runs
tests/guest/net_bench.sh in the guest (192.0.2.11/24) and powers off.
Figures, medians over the boots, with their ratio:

  - ping -c 20 -i 0.2 192.0.2.1: min and avg round trip, us;
  - iperf3 -c 192.0.2.1 -t 10: TCP guest -> peer, and with -R peer ->
    guest, MiB/s (the receiver's figure, which iperf3 gives in Kbit/s).

Directly, the kernel drives the virtio-net function itself (virtio_net,
eth0). On Mosaic the function is netdrv's (its DMA through the IOMMU:
iommu_platform=on) and the guest's eth0 is xen-netfront on a vif bridged
to it: builder, xenstored, console domain, netdrv and one guest, from
MOSAIC_MANIFEST (its guest's extra must be GUEST_ARGS, its vif
['bridge=xenbr0,backend=netdrv'], netdrv's pci the NIC's slot). netdrv
stays up after the guest: a Mosaic boot ends at the builder's line for the
guest's power-off, and QEMU is then quit (boot.boot_once). mosaic_pieces()
says whether that side can run; without netdrv's image or that manifest it
is skipped, and the output says so. A benchmark, not a test: not in make
test.

Usage: python3 tests/bench/net.py --out build/out/gcc [--runs 3]
"""

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import linux  # noqa: E402
from boot import REPO  # noqa: E402
import net_peer  # noqa: E402  (tests/, on the path through boot)
from run import nic_args  # noqa: E402

SLOT = "05.0"  # the NIC at 0000:00:05.0
PEER = net_peer.PEER_CIDR.split("/")[0]
GUEST_ARGS = "mosaic_test=net_bench mosaic_after=poweroff net_ip=192.0.2.11/24 net_peer=%s" % PEER
GUEST_MIB = 256
GUEST_COMMANDS = ("ping -c 20 -i 0.2 %s" % PEER, "iperf3 -c %s -t 10 -f k" % PEER,
                  "iperf3 -c %s -t 10 -f k -R" % PEER)
KBITS_MIBS = 1000 / 8 / 2**20  # iperf3's Kbit/s (1000 bits) in MiB/s
FIGURES = (("ping_min_us", "ping min round trip", "us", 1),
           ("ping_avg_us", "ping avg round trip", "us", 1),
           ("tcp_tx_kbits", "TCP guest -> peer (iperf3 -c)", "MiB/s", KBITS_MIBS),
           ("tcp_rx_kbits", "TCP peer -> guest (iperf3 -c -R)", "MiB/s", KBITS_MIBS))
SERVICES = ("builder", "xenstored", "console", "netdrv")
MOSAIC_MANIFEST = "tests/images/bench_net.manifest"
MOSAIC_MILESTONES = [
    ("marker", re.compile(r"d\d+ linux: .*" + linux.MARKER.pattern)),
    ("bench done", re.compile(r"d\d+ linux: .*BENCH done")),
    ("powered off", re.compile(r"builder: d\d+ 'linux' powered off; destroyed")),
]


def nic(iommu):
    return nic_args([(SLOT, None, [])], iommu)


def direct_argv(out, log):
    argv = linux.direct_argv(out, log)
    argv[argv.index("-append") + 1] = "console=ttyS0 quiet " + GUEST_ARGS
    argv[argv.index("-m") + 1] = "%dM" % GUEST_MIB
    return argv + nic(False)


def in_namespace(log, boot):
    """Runs boot(net) with a fresh PeerNetwork (its log beside the boot's),
    removed afterwards whatever happens."""
    net = net_peer.PeerNetwork([net_peer.PEER_CIDR], Path(str(log) + ".peer"))
    try:
        net.start()
        return boot(net)
    except OSError as e:
        raise RuntimeError(str(e)) from None
    finally:
        net.stop()


def run_direct(out, log):
    def boot(net):
        return linux.boot_direct(out, log, net.prefix() + direct_argv(out, log))[1]
    return in_namespace(log, boot)


def mosaic_pieces(out):
    """The Mosaic side's ISO pieces, (services, guest files, manifest), or
    the reason it cannot run yet."""
    missing = [str(p) for p in [out / "domains" / ("%s.elf" % d) for d in SERVICES] + [REPO / MOSAIC_MANIFEST]
               if not p.exists()]
    if missing:
        return "not run: no %s" % ", ".join(os.path.relpath(p, REPO) for p in missing)
    return SERVICES, ("vmlinuz", "initrd.img"), MOSAIC_MANIFEST


def run_mosaic(iso, log, sock):
    def boot(net):
        _, text = linux.boot_mosaic_log(iso, log, sock, MOSAIC_MILESTONES, nic(True), net.prefix())
        return linux.bench_lines(text, r"d\d+ linux: ")
    return in_namespace(log, boot)


def main():
    args, out, bench = linux.bench_setup("Network latency and throughput in Linux on Mosaic and alone.")
    pieces = mosaic_pieces(out)
    iso = bench / "net.iso"
    if not isinstance(pieces, str) and not linux.make_iso(out, iso, *pieces):
        return 1
    net_peer.remove_stale_namespaces()

    boots = [("direct", lambda log: run_direct(out, log))]
    with tempfile.TemporaryDirectory(prefix="mosaic-bench.") as tmp:
        if not isinstance(pieces, str):
            boots.append(("Mosaic", lambda log: run_mosaic(iso, log, Path(tmp) / "mon.sock")))
        results = linux.alternate(args.runs, bench, "net", boots, [f for f, _, _, _ in FIGURES])
    if results is None:
        return 1

    print("command: python3 tests/bench/net.py --out %s --runs %d" % (os.path.relpath(out, REPO), args.runs))
    print("  in the guest (tests/guest/net_bench.sh): " + "; ".join(GUEST_COMMANDS))
    print("  the peer: a fresh network namespace per boot, tap0 %s, iperf3 -s (tests/net_peer.py)"
          % net_peer.PEER_CIDR)
    print("  direct: ip netns exec NS " + shlex.join(direct_argv(out, Path("LOG"))))
    if isinstance(pieces, str):
        print("  Mosaic: " + pieces)
    else:
        print("  Mosaic: ip netns exec NS env MOSAIC_SMP=%d MOSAIC_ACCEL=%s build/qemu.sh batch %s LOG SOCK %s"
              % (linux.SMP, linux.ACCEL, os.path.relpath(iso, REPO), shlex.join(nic(True))))
        print("          (core test.exit; %s; %s)" % (" ".join(SERVICES), MOSAIC_MANIFEST))
    linux.print_figures(FIGURES, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
