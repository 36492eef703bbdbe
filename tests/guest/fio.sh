#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest disk benchmark (not a test), for tests/bench/blk.py: Debian's fio
# on the guest's first disk, the same jobs whichever way the disk arrives
# (/dev/xvda from Mosaic's blkdrv, /dev/vda when QEMU's virtio-blk is the
# kernel's own). Lines "BENCH <figure> <value>": 1 MiB direct sequential
# write and read (KiB/s), 4 KiB direct random read (IOPS). fio's terse
# format version 3 gives the read figures in fields 7 (KiB/s) and 8 (IOPS),
# the write figures in fields 48 and 49.

size=${MOSAIC_FIO_SIZE:-256M}
runtime=${MOSAIC_FIO_RUNTIME:-20}

dev=
i=0
while [ $i -lt 300 ]; do
    for d in /dev/xvda /dev/vda; do
        [ -b "$d" ] && dev=$d && break 2
    done
    sleep 0.1
    i=$((i + 1))
done
[ -n "$dev" ] || { echo "BENCH FAIL fio: no /dev/xvda or /dev/vda after 30 s"; echo "BENCH done"; exit 0; }
echo "BENCH disk $dev"

# job NAME RW BS FIELD: run one job, print its figure from the terse line.
job() {
    out=$(fio --name="$1" --filename="$dev" --rw="$2" --bs="$3" --size="$size" --direct=1 \
        --ioengine=libaio --iodepth=4 --runtime="$runtime" --time_based=0 \
        --output-format=terse --terse-version=3 2>&1)
    status=$?
    line=$(echo "$out" | grep '^3;')
    if [ $status -ne 0 ] || [ -z "$line" ]; then
        echo "BENCH FAIL fio $1: status $status: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
        return
    fi
    err=$(echo "$line" | cut -d';' -f5)
    [ "$err" = 0 ] || { echo "BENCH FAIL fio $1: error $err"; return; }
    echo "BENCH $1 $(echo "$line" | cut -d';' -f"$4" | cut -d. -f1)"
}

job seq_write_kibs write 1M 48
job seq_read_kibs read 1M 7
job rand_read_iops randread 4k 8
echo "BENCH done"
