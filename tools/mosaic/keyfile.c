/* SPDX-License-Identifier: MIT */
/*
 * The management key file on the operator's machine (keyfile.h).
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int keyfile_path(const char *explicit, char *out, size_t cap, char *why, size_t why_cap)
{
    const char *env = getenv("MOSAIC_KEY"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;

    if (explicit || (env && *env))
        n = snprintf(out, cap, "%s", explicit ? explicit : env);
    else if (xdg && *xdg)
        n = snprintf(out, cap, "%s/mosaic/key", xdg);
    else if (home && *home)
        n = snprintf(out, cap, "%s/.config/mosaic/key", home);
    else {
        snprintf(why, why_cap, "neither XDG_CONFIG_HOME nor HOME is set: give the key with --key FILE");
        return -1;
    }
    if (n < 0 || (size_t)n >= cap) {
        snprintf(why, why_cap, "the key's path is too long");
        return -1;
    }
    return 0;
}

int keyfile_load(const char *path, struct key *k, char *why, size_t why_cap)
{
    char text[KEY_TEXT_MAX + 1], reason[128];
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ENOENT)
            snprintf(why, why_cap, "%s: no key (create one with: mosaic keygen)", path);
        else
            snprintf(why, why_cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_cap, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(why, why_cap, "%s: mode %04o lets others read it: chmod 600 it (or make a new key)", path,
                 (unsigned)(st.st_mode & 07777));
        close(fd);
        return -1;
    }
    n = read(fd, text, sizeof(text));
    close(fd);
    if (n < 0 || n > (ssize_t)KEY_TEXT_MAX) {
        snprintf(why, why_cap, "%s: %s", path, n < 0 ? strerror(errno) : "too large for a key file");
        return -1;
    }
    if (key_parse(text, (size_t)n, k, reason, sizeof(reason)) != 0) {
        snprintf(why, why_cap, "%s: %s", path, reason);
        return -1;
    }
    return 0;
}

/* The directory of path, made 0700 if missing (its parents too). */
static int make_dir_of(const char *path, char *why, size_t why_cap)
{
    char dir[4096];
    char *slash;

    if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) || !(slash = strrchr(dir, '/')) || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            goto fail;
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        goto fail;
    return 0;
fail:
    snprintf(why, why_cap, "%s: %s", dir, strerror(errno));
    return -1;
}

static int random_bytes(void *out, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd < 0 ? -1 : read(fd, out, n);

    if (fd >= 0)
        close(fd);
    return got == (ssize_t)n ? 0 : -1;
}

int keyfile_create(const char *path, const char *identity, char *why, size_t why_cap)
{
    char text[KEY_TEXT_MAX];
    struct key k;
    int fd, len;

    memset(&k, 0, sizeof(k));
    if (!key_identity_ok(identity, strlen(identity))) {
        snprintf(why, why_cap, "identity '%s': 1 to %u of A-Z a-z 0-9 . _ @ -", identity, KEY_IDENTITY_MAX);
        return -1;
    }
    snprintf(k.identity, sizeof(k.identity), "%s", identity);
    if (access(path, F_OK) == 0)
        return 0;
    if (make_dir_of(path, why, why_cap) != 0)
        return -1;
    if (random_bytes(k.secret, sizeof(k.secret)) != 0) {
        snprintf(why, why_cap, "/dev/urandom: cannot read %u bytes", KEY_BYTES);
        return -1;
    }
    len = key_format(&k, text, sizeof(text));
    memset(&k, 0, sizeof(k));
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return 0;
        snprintf(why, why_cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (len < 0 || write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
        snprintf(why, why_cap, "%s: cannot write it: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    memset(text, 0, sizeof(text));
    return close(fd) == 0 ? 1 : -1;
}
