#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Make the Linux guest's initramfs (cpio "newc", gzip) from the Debian
packages build/guest/fetch.sh unpacked: busybox-static and its applet links,
xenstore-utils' programs with the libraries and loader they need, the named
kernel modules with those they depend on, /init and the guest tests
(scripts, and statically linked programs beside them), and any other
program of the packages named with --elf, with the libraries it loads
(the benchmark image's fio).

The archive is deterministic: entries sorted, owned by root, time 0, inode
numbers counted from 1, gzip without a name or time. It needs no cpio
program and no root (device nodes are written into the archive, not made).
It fetches nothing; what it reads must already be in --root.

Usage: build/guest/initramfs.py --root DIR --init FILE [--test FILE...]
           [--program FILE...] [--module NAME...] [--native-module NAME...]
           [--elf PATH...] --out FILE
"""

import argparse
import gzip
import io
import os
import stat
import struct
import subprocess
import sys

# Where Debian's loader looks for libraries when there is no ld.so.cache.
LIB_DIRS = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"]
DT_NEEDED = 1
DT_RPATH = 15
DT_RUNPATH = 29


class Image:
    """The archive's entries by path (no leading slash)."""

    def __init__(self, root):
        self.root = root
        self.entries = {}  # path -> (mode, data bytes, rdev (major, minor))
        self.by_inode = {}  # (st_dev, st_ino) of a file in root -> path added

    def add_dir(self, path):
        while path and path not in self.entries:
            self.entries[path] = (stat.S_IFDIR | 0o755, b"", (0, 0))
            path = os.path.dirname(path)

    def add(self, path, mode, data=b"", rdev=(0, 0)):
        if path in self.entries:
            sys.exit("initramfs: /%s added twice" % path)
        self.add_dir(os.path.dirname(path))
        self.entries[path] = (mode, data, rdev)

    def add_symlink(self, path, target):
        self.add(path, stat.S_IFLNK | 0o777, target.encode())

    def add_from_root(self, path, follow_elf=True):
        """Copies root/path: a symlink with what it points to, a file with
        the libraries it needs, and a hard link to a file already added as
        a symlink to it (Debian ships xenstore-utils' programs as hard links
        of one multi-call binary, which dispatches on its name)."""
        if path in self.entries:
            return
        host = os.path.join(self.root, path)
        st = os.lstat(host)
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(host)
            self.add_symlink(path, target)
            resolved = target.lstrip("/") if target.startswith("/") else \
                os.path.normpath(os.path.join(os.path.dirname(path), target))
            self.add_from_root(resolved, follow_elf)
            return
        if not stat.S_ISREG(st.st_mode):
            sys.exit("initramfs: %s is neither a file nor a symlink" % host)
        first = self.by_inode.get((st.st_dev, st.st_ino))
        if first is not None:
            self.add_symlink(path, os.path.relpath(first, os.path.dirname(path)))
            return
        self.by_inode[(st.st_dev, st.st_ino)] = path
        with open(host, "rb") as f:
            data = f.read()
        self.add(path, stat.S_IFREG | (0o755 if st.st_mode & 0o111 else 0o644), data)
        if follow_elf and data[:4] == b"\x7fELF":
            self.add_elf_deps(path, data)

    def add_elf_deps(self, path, data):
        sections = elf_sections(data)
        if ".interp" in sections:
            self.add_from_root(section_bytes(data, sections[".interp"]).rstrip(b"\0").decode().lstrip("/"))
        needed, runpath = elf_dynamic(data, sections)
        for name in needed:
            # The loader looks in DT_RUNPATH (or DT_RPATH) first: Ceph's
            # libraries keep theirs in a folder of their own.
            for d in runpath + LIB_DIRS:
                if os.path.lexists(os.path.join(self.root, d, name)):
                    self.add_from_root(os.path.join(d, name))
                    break
            else:
                sys.exit("initramfs: /%s needs %s, which no package in --root provides" % (path, name))


# ---- ELF: just enough for section contents, DT_NEEDED and .modinfo ----

def elf_sections(data):
    """Section name -> (offset, size, link index), for a little-endian ELF64."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = []
    for i in range(shnum):
        name, _type, _flags, _addr, off, size, link = struct.unpack_from("<IIQQQQI", data, shoff + i * shentsize)
        headers.append((name, off, size, link))
    str_off = headers[shstrndx][1]
    out = {}
    for name, off, size, link in headers:
        end = data.index(b"\0", str_off + name)
        out[data[str_off + name:end].decode()] = (off, size, link, headers[link][1:3])
    return out


def section_bytes(data, sec):
    return data[sec[0]:sec[0] + sec[1]]


def elf_dynamic(data, sections):
    """DT_NEEDED names, and the DT_RUNPATH (else DT_RPATH) folders without
    their leading slash."""
    if ".dynamic" not in sections:
        return [], []
    dyn = sections[".dynamic"]
    str_off = dyn[3][0]  # the string table .dynamic links to (.dynstr)
    needed, paths = [], {}
    for i in range(0, dyn[1], 16):
        tag, val = struct.unpack_from("<qQ", data, dyn[0] + i)
        if tag == 0:
            break
        text = lambda: data[str_off + val:data.index(b"\0", str_off + val)].decode()
        if tag == DT_NEEDED:
            needed.append(text())
        elif tag in (DT_RPATH, DT_RUNPATH):
            paths[tag] = [d.lstrip("/") for d in text().split(":") if d.startswith("/")]
    return needed, paths.get(DT_RUNPATH, paths.get(DT_RPATH, []))


def modinfo(path):
    """A module's .modinfo as key -> list of values."""
    with open(path, "rb") as f:
        data = f.read()
    info = {}
    for item in section_bytes(data, elf_sections(data)[".modinfo"]).split(b"\0"):
        if b"=" in item:
            k, v = item.decode().split("=", 1)
            info.setdefault(k, []).append(v)
    return info


def mod_name(s):
    """Module names treat '-' and '_' alike (the kernel's own rule)."""
    return os.path.basename(s).removesuffix(".ko").replace("-", "_")


def add_modules(img, names, native=()):
    """Adds the named modules and those they depend on, a modules.dep for
    busybox modprobe, and etc/modules naming the requested ones that are
    modules (a built-in one needs no loading and is left out); the same
    for those of native in etc/modules.native (what /init loads when the
    kernel runs on no hypervisor: the virtio disk of the benchmarks)."""
    mods = os.path.join(img.root, "lib/modules")
    releases = os.listdir(mods)
    if len(releases) != 1:
        sys.exit("initramfs: expected one kernel under %s, found %s" % (mods, releases))
    rel_dir = os.path.join("lib/modules", releases[0])
    files = {}
    for dirpath, _dirs, fnames in os.walk(os.path.join(img.root, rel_dir, "kernel")):
        for f in fnames:
            if f.endswith(".ko"):
                files[mod_name(f)] = os.path.relpath(os.path.join(dirpath, f), os.path.join(img.root, rel_dir))
    with open(os.path.join(img.root, rel_dir, "modules.builtin")) as f:
        builtin = {mod_name(line.strip()) for line in f if line.strip()}

    deps = {}  # name -> its direct dependencies

    def need(name):
        if name in deps or name in builtin:
            return
        if name not in files:
            sys.exit("initramfs: no module %s in %s" % (name, rel_dir))
        deps[name] = [mod_name(d) for v in modinfo(os.path.join(img.root, rel_dir, files[name]))
                      .get("depends", []) for d in v.split(",") if d]
        for d in deps[name]:
            need(d)

    def to_load(names):
        loaded = []
        for n in names:
            need(mod_name(n))
            if mod_name(n) not in builtin:
                loaded.append(n)
        return loaded

    loaded, loaded_native = to_load(names), to_load(native)

    def closure(name):
        """Its dependencies as depmod lists them: each before every one it
        needs, so that modprobe, loading from the end, loads a module's
        own before it (virtio_pci needs virtio and virtio_ring, and virtio
        needs virtio_ring too: a plain depth-first walk put virtio_ring
        before virtio)."""
        post = []

        def visit(n):
            for d in deps[n]:
                if d not in post and d not in builtin:
                    visit(d)
            if n not in post:
                post.append(n)

        visit(name)
        return list(reversed(post[:-1]))

    lines = []
    for name in sorted(deps):
        img.add_from_root(os.path.join(rel_dir, files[name]), follow_elf=False)
        lines.append("%s:%s\n" % (files[name], "".join(" " + files[d] for d in closure(name))))
    img.add(os.path.join(rel_dir, "modules.dep"), stat.S_IFREG | 0o644, "".join(lines).encode())
    img.add("etc/modules", stat.S_IFREG | 0o644, "".join(n + "\n" for n in loaded).encode())
    img.add("etc/modules.native", stat.S_IFREG | 0o644, "".join(n + "\n" for n in loaded_native).encode())


# ---- cpio "newc" ----

def cpio_newc(entries):
    out = io.BytesIO()

    def record(ino, path, mode, data, rdev, nlink):
        name = path.encode() + b"\0"
        fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name), 0)
        out.write(b"070701" + b"".join(b"%08X" % v for v in fields) + name)
        out.write(b"\0" * (-(110 + len(name)) % 4) + data + b"\0" * (-len(data) % 4))

    for ino, path in enumerate(sorted(entries), 1):
        mode, data, rdev = entries[path]
        record(ino, path, mode, data, rdev, 2 if stat.S_ISDIR(mode) else 1)
    record(0, "TRAILER!!!", 0, b"", (0, 0), 1)
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", required=True, help="the tree build/guest/fetch.sh unpacked")
    ap.add_argument("--init", required=True, help="the script that becomes /init")
    ap.add_argument("--test", action="append", default=[], help="a guest test script, copied to /tests")
    ap.add_argument("--program", action="append", default=[],
                    help="a statically linked guest program, copied to /tests")
    ap.add_argument("--module", action="append", default=[], help="a kernel module to carry, loaded on Xen")
    ap.add_argument("--native-module", action="append", default=[],
                    help="a kernel module to carry, loaded on no hypervisor")
    ap.add_argument("--elf", action="append", default=[],
                    help="a program in --root (path without the leading slash), carried with its libraries")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    img = Image(args.root)
    for d in ("dev", "proc", "sys", "tmp", "run", "root", "etc"):
        img.add_dir(d)
    # init's first stdio, opened by the kernel before devtmpfs is mounted.
    img.add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    with open(args.init, "rb") as f:
        img.add("init", stat.S_IFREG | 0o755, f.read())
    for t in args.test:
        with open(t, "rb") as f:
            img.add("tests/" + os.path.basename(t), stat.S_IFREG | 0o755, f.read())
    for p in args.program:
        with open(p, "rb") as f:
            data = f.read()
        # Static, so it needs nothing from --root: no loader, no libraries.
        sections = elf_sections(data)
        if ".interp" in sections or elf_dynamic(data, sections)[0]:
            sys.exit("initramfs: %s is not statically linked" % p)
        img.add("tests/" + os.path.basename(p), stat.S_IFREG | 0o755, data)

    img.add_from_root("bin/busybox")
    # The applets' paths, from the binary itself (a static x86_64 program,
    # which any host this tree builds on runs). linuxrc is for initrds of
    # the old kind; /init is ours.
    applets = subprocess.run([os.path.join(args.root, "bin/busybox"), "--list-full"], check=True,
                             capture_output=True, text=True).stdout.split()
    for a in sorted(applets):
        if a != "linuxrc" and a not in img.entries:
            img.add_symlink(a, "/bin/busybox")

    # xenstore-utils: one program and its links; xenstore-control is a
    # dom0 tool behind Debian's xen-utils wrapper, which a domU lacks.
    img.add_from_root("usr/bin/xenstore")
    for f in sorted(os.listdir(os.path.join(args.root, "usr/bin"))):
        p = os.path.join(args.root, "usr/bin", f)
        if f.startswith("xenstore-") and not os.path.islink(p) and os.path.samefile(p, os.path.join(args.root, "usr/bin/xenstore")):
            img.add_from_root("usr/bin/" + f)

    add_modules(img, args.module, args.native_module)
    for e in args.elf:
        img.add_from_root(e)

    tmp = args.out + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
            gz.write(cpio_newc(img.entries))
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
