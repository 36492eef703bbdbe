#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Raw disk images for the boot scenarios' virtual disks (tests/run.py's
`disk` directive): a sparse file of the given size, blank or with a GPT
(UEFI 2.10, section 5.3): the protective MBR, the primary header and
partition entry array, the backup array and header at the end, their
CRC32s, and one "Linux filesystem data" partition per size asked for,
each aligned to 1 MiB, one after the other. GUIDs are derived from the
image's name, so the same scenario makes the same bytes. Standard
library only.

Usage as a program (a check by hand): tests/disk_image.py FILE SIZE [PART-SIZE...]
"""

import os
import re
import struct
import sys
import uuid
import zlib

SECTOR = 512
ENTRIES = 128        # the array's entries, as every partitioning tool writes it
ENTRY_SIZE = 128
ARRAY_SECTORS = ENTRIES * ENTRY_SIZE // SECTOR  # 32
ALIGN = 2048         # sectors: partitions start on 1 MiB boundaries
LINUX_DATA = uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4")
GUID_SPACE = uuid.UUID("6d6f7361-6963-2d64-6973-6b2d696d6167")  # this file's own namespace for uuid5


def parse_size(text):
    """'64M', '1G', '512K' or a byte count; binary units; a whole number
    of sectors."""
    m = re.fullmatch(r"(\d+)([KMG]?)", text)
    if not m:
        raise ValueError("size %r: want a number with K, M or G" % text)
    n = int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)]
    if n == 0 or n % SECTOR:
        raise ValueError("size %r: not a positive multiple of %d bytes" % (text, SECTOR))
    return n


def gpt_layout(size, parts):
    """(first, last) sectors of each partition; ValueError if they do not fit."""
    sectors = size // SECTOR
    last_usable = sectors - 2 - ARRAY_SECTORS
    out, lba = [], ALIGN
    for p in parts:
        n = p // SECTOR
        if lba + n - 1 > last_usable:
            raise ValueError("partitions of %s bytes do not fit a %d-byte disk with a GPT"
                             % ("+".join(str(x) for x in parts), size))
        out.append((lba, lba + n - 1))
        lba += -(-n // ALIGN) * ALIGN
    return out


def protective_mbr(sectors):
    mbr = bytearray(SECTOR)
    # One partition of type 0xEE from LBA 1 over the whole disk (or what
    # 32 bits can say); CHS fields as the specification gives them.
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff", 1,
                               min(sectors - 1, 0xFFFFFFFF))
    mbr[510:512] = b"\x55\xaa"
    return bytes(mbr)


def gpt_header(my_lba, alt_lba, sectors, array_lba, disk_guid, array_crc):
    def pack(crc):
        return struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x00010000, 92, crc, 0, my_lba, alt_lba,
                           2 + ARRAY_SECTORS, sectors - 2 - ARRAY_SECTORS,
                           disk_guid.bytes_le, array_lba, ENTRIES, ENTRY_SIZE, array_crc)
    header = pack(zlib.crc32(pack(0)))
    return header + bytes(SECTOR - len(header))


def entry_array(name, layout):
    array = bytearray(ENTRIES * ENTRY_SIZE)
    for i, (first, last) in enumerate(layout):
        label = ("part%d" % (i + 1)).encode("utf-16-le")
        struct.pack_into("<16s16sQQQ72s", array, i * ENTRY_SIZE, LINUX_DATA.bytes_le,
                         uuid.uuid5(GUID_SPACE, "%s/part%d" % (name, i + 1)).bytes_le, first, last, 0, label)
    return bytes(array)


def make(path, size, parts=None):
    """Writes a fresh sparse image at path: blank, or with a GPT holding
    partitions of the sizes in parts (bytes each) when parts is a list."""
    layout = gpt_layout(size, parts) if parts is not None else None
    sectors = size // SECTOR
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.truncate(size)
        if layout is not None:
            name = os.path.basename(path)
            disk_guid = uuid.uuid5(GUID_SPACE, name)
            array = entry_array(name, layout)
            crc = zlib.crc32(array)
            last = sectors - 1
            backup_array = last - ARRAY_SECTORS
            f.seek(0)
            f.write(protective_mbr(sectors))
            f.write(gpt_header(1, last, sectors, 2, disk_guid, crc))
            f.write(array)
            f.seek(backup_array * SECTOR)
            f.write(array)
            f.write(gpt_header(last, 1, sectors, backup_array, disk_guid, crc))
    os.replace(tmp, path)
    return layout


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    parts = [parse_size(p) for p in sys.argv[3:]]
    layout = make(sys.argv[1], parse_size(sys.argv[2]), parts or None)
    for i, (first, last) in enumerate(layout or [], 1):
        print("part%d: sectors %d-%d" % (i, first, last))


if __name__ == "__main__":
    main()
