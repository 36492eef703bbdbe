#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Wraps an ELF in a Linux bzImage as the kernel's build does (boot protocol
# 2.15 header, payload = xz with the x86 BCJ and LZMA2 filters and a CRC32
# check, then the ELF's size as 4 little-endian bytes), so that boot
# scenarios load a bzImage without a Linux kernel. No decompressor stub:
# the builder reads only the header and the payload.
# Usage: mkbzimage.py ELF OUT
import lzma
import struct
import sys

SETUP_SECTS = 1       # protected-mode code at (1 + 1) * 512
PAYLOAD_OFFSET = 0x200  # where the payload starts in it

elf = open(sys.argv[1], "rb").read()
xz = lzma.compress(elf, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32,
                   filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2, "preset": 6}])
payload = xz + struct.pack("<I", len(elf))
pm = (SETUP_SECTS + 1) * 512
image = bytearray(pm + PAYLOAD_OFFSET + len(payload))
image[0x1f1] = SETUP_SECTS
struct.pack_into("<H", image, 0x1fe, 0xAA55)
image[0x202:0x206] = b"HdrS"
struct.pack_into("<H", image, 0x206, 0x020F)
struct.pack_into("<II", image, 0x248, PAYLOAD_OFFSET, len(payload))
image[pm + PAYLOAD_OFFSET:] = payload
open(sys.argv[2], "wb").write(image)
