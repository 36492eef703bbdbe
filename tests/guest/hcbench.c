/* SPDX-License-Identifier: MIT */
/*
 * Guest benchmark: what a system call and a hypercall cost a Linux program.
 * Built statically with the host's gcc and glibc (build/guest/rules.mk), run
 * by tests/guest/bench.sh. Times LOOPS loops of CALLS calls each with
 * clock_gettime(CLOCK_MONOTONIC) and prints the median loop's cost per call:
 *
 *   BENCH getppid_ns N        getppid(2) through syscall(2)
 *   BENCH xen_version_ns N    HYPERVISOR_xen_version(XENVER_version) through
 *                             /dev/xen/privcmd's IOCTL_PRIVCMD_HYPERCALL
 *   BENCH xen_version_ns none when there is no privcmd (not on Xen)
 *
 * and the same in TSC cycles (BENCH getppid_cycles N, ...), read around the
 * same loops: the guest's clock is only as right as the TSC frequency its
 * hypervisor or kernel calibrated, while under QEMU's TCG the TSC counts
 * the host's own cycles, so cycles compare across boots whatever the
 * calibration said.
 *
 * or a line starting "BENCH FAIL" when a call fails. The Xen ABI comes from
 * Debian's libxen-dev: <xen/xen.h>, <xen/version.h>, <xen/sys/privcmd.h>.
 *
 * Usage: hcbench [CALLS [LOOPS]]   (default 10000 calls, 7 loops)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <xen/xen.h>
#include <xen/version.h>
#include <xen/sys/privcmd.h>

#define MAX_LOOPS 101

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_u64);
    return v[n / 2];
}

/* One loop of getppid calls; returns 0 or -errno. */
static int loop_getppid(long calls)
{
    for (long i = 0; i < calls; i++)
        if (syscall(SYS_getppid) < 0)
            return -errno;
    return 0;
}

/* One loop of xen_version hypercalls on an open privcmd; 0 or -errno. */
static int loop_xen_version(int fd, long calls)
{
    privcmd_hypercall_t hc;
    memset(&hc, 0, sizeof(hc));
    hc.op = __HYPERVISOR_xen_version;
    hc.arg[0] = XENVER_version;
    for (long i = 0; i < calls; i++)
        if (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc) < 0)
            return -errno;
    return 0;
}

/* Times the loops and prints two BENCH lines, NAME_ns and NAME_cycles; 0 on
 * success. */
static int bench(const char *name, int fd, long calls, int loops)
{
    uint64_t ns[MAX_LOOPS], cycles[MAX_LOOPS];
    for (int i = 0; i < loops; i++) {
        uint64_t t0 = now_ns(), c0 = __rdtsc();
        int rc = fd < 0 ? loop_getppid(calls) : loop_xen_version(fd, calls);
        uint64_t c1 = __rdtsc(), t1 = now_ns();
        if (rc != 0) {
            printf("BENCH FAIL %s: %s\n", name, strerror(-rc));
            return 1;
        }
        ns[i] = (t1 - t0) / (uint64_t)calls;
        cycles[i] = (c1 - c0) / (uint64_t)calls;
    }
    printf("BENCH %s_ns %llu\n", name, (unsigned long long)median(ns, loops));
    printf("BENCH %s_cycles %llu\n", name, (unsigned long long)median(cycles, loops));
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
    int loops = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 7;
    if (calls < 1 || loops < 1 || loops > MAX_LOOPS) {
        fprintf(stderr, "usage: %s [CALLS [LOOPS]] (LOOPS 1..%d)\n", argv[0], MAX_LOOPS);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int failed = bench("getppid", -1, calls, loops);

    int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        fd = open("/proc/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        printf("BENCH xen_version_ns none\nBENCH xen_version_cycles none\n");
        return failed;
    }
    /* The version itself once, so a reader sees the call did something. */
    privcmd_hypercall_t hc = { .op = __HYPERVISOR_xen_version, .arg = { XENVER_version } };
    long version = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
    if (version < 0) {
        printf("BENCH FAIL xen_version_ns: %s\n", strerror(errno));
        return 1;
    }
    printf("hcbench: xen_version says %ld.%ld\n", version >> 16, version & 0xffff);
    failed |= bench("xen_version", fd, calls, loops);
    close(fd);
    return failed;
}
