/* SPDX-License-Identifier: MIT */
/*
 * The system calls newlib is built to call (configured with
 * --disable-newlib-supplied-syscalls, so without leading underscores).
 * A domain has no files: descriptors 0-2 are the console (reads see end
 * of file, writes go to platform_console_write), every other descriptor is
 * EBADF. sbrk lives in heap.c. The domain is one process, pid 1.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
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
