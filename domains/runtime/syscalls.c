/* SPDX-License-Identifier: MIT */
/*
 * The system calls newlib is built to call (configured with
 * --disable-newlib-supplied-syscalls, so without leading underscores).
 * A domain has no files: descriptors 0-2 are the console (reads see end
 * of file, writes go to platform_console_write), every other descriptor is
 * EBADF. sbrk lives in heap.c. The domain is one process, pid 1.
 * Time (gettimeofday, behind time(); usleep and sleep, which newlib
 * declares and leaves to the platform) comes from mosaic/time.h: there is
 * no wall clock yet, so the time of day counts from the hypervisor's
 * start, and without a clock (bare QEMU) these fail with ENOSYS.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "runtime_priv.h"

#define RUNTIME_PID 1

static int is_console(int fd)
{
    return fd >= 0 && fd <= 2;
}

static int bad_fd(void)
{
    errno = EBADF;
    return -1;
}

/* newlib declares read and write to return int: a write reports at most
 * INT_MAX bytes, and stdio writes the rest in another call. */
_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t count)
{
    size_t n = count > INT_MAX ? INT_MAX : count;

    if (!is_console(fd))
        return bad_fd();
    platform_console_write(buf, n);
    return (_READ_WRITE_RETURN_TYPE)n;
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t count)
{
    (void)buf;
    (void)count;
    return is_console(fd) ? 0 : bad_fd();
}

int close(int fd)
{
    return is_console(fd) ? 0 : bad_fd();
}

off_t lseek(int fd, off_t offset, int whence)
{
    (void)offset;
    (void)whence;
    if (!is_console(fd))
        return bad_fd();
    errno = ESPIPE;
    return -1;
}

int fstat(int fd, struct stat *st)
{
    if (!is_console(fd))
        return bad_fd();
    *st = (struct stat){ .st_mode = S_IFCHR | 0600 };
    return 0;
}

/* A console is a terminal: newlib then line-buffers stdout. */
int isatty(int fd)
{
    if (is_console(fd))
        return 1;
    errno = EBADF;
    return 0;
}

pid_t getpid(void)
{
    return RUNTIME_PID;
}

/* raise() and abort() end here when no handler caught the signal. */
int kill(pid_t pid, int sig)
{
    char msg[48];

    if (pid != RUNTIME_PID) {
        errno = ESRCH;
        return -1;
    }
    if (sig == 0)
        return 0;
    snprintf(msg, sizeof(msg), "killed by signal %d (abort or raise)", sig);
    runtime_fatal(msg);
}

void _exit(int status)
{
    platform_exit(status);
}

/* The epoch is the hypervisor's start (no wall clock yet); newlib's time()
 * ends here through _gettimeofday_r. The time zone, if asked for, is UTC. */
int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    uint64_t ns;

    if (!runtime_time_available()) {
        errno = ENOSYS;
        return -1;
    }
    ns = runtime_time_ns();
    if (tv != NULL) {
        tv->tv_sec = (time_t)(ns / TIME_NS_PER_S);
        tv->tv_usec = (suseconds_t)(ns % TIME_NS_PER_S / TIME_NS_PER_US);
    }
    if (tz != NULL)
        memset(tz, 0, sizeof(struct timezone));
    return 0;
}

/* Both sleep the calling thread only; the others run meanwhile. */
int usleep(useconds_t us)
{
    int rc = thread_sleep_ns((uint64_t)us * TIME_NS_PER_US);

    if (rc != 0) {
        errno = -rc;
        return -1;
    }
    return 0;
}

/* Returns the seconds not slept: all of them without a clock. */
unsigned sleep(unsigned seconds)
{
    return thread_sleep_ns((uint64_t)seconds * TIME_NS_PER_S) == 0 ? 0 : seconds;
}
