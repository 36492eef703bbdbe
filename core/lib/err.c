/* SPDX-License-Identifier: MIT */
/* Names of the core's error codes, for log lines. */
#include "core/errno.h"

const char *err_name(int err)
{
    switch (err < 0 ? -err : err) {
    case ERR_PERM: return "ERR_PERM";
    case ERR_NOENT: return "ERR_NOENT";
    case ERR_SRCH: return "ERR_SRCH";
    case ERR_IO: return "ERR_IO";
    case ERR_NXIO: return "ERR_NXIO";
    case ERR_2BIG: return "ERR_2BIG";
    case ERR_NOMEM: return "ERR_NOMEM";
    case ERR_ACCES: return "ERR_ACCES";
    case ERR_FAULT: return "ERR_FAULT";
    case ERR_BUSY: return "ERR_BUSY";
    case ERR_EXIST: return "ERR_EXIST";
    case ERR_NODEV: return "ERR_NODEV";
    case ERR_INVAL: return "ERR_INVAL";
    case ERR_NOSPC: return "ERR_NOSPC";
    case ERR_RANGE: return "ERR_RANGE";
    case ERR_NOSYS: return "ERR_NOSYS";
    case ERR_OVERFLOW: return "ERR_OVERFLOW";
    default: return "ERR_?";
    }
}
