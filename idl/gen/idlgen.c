/* SPDX-License-Identifier: MIT */
/*
 * idlgen [--asm] INPUT.idl OUTPUT.h: reads one interface description, checks it
 * completely, and only then writes the C header, through a temporary file
 * renamed into place, so a failed run never leaves a partial header that
 * make would take as up to date. Diagnostics, memory and the driver live
 * here; the language is in lexer.c and parser.c, the output in emit_c.c.
 */
#include "idlgen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_SIZE_MAX (4u << 20)

const char *idl_path = "idlgen";

/* Where a failed run must remove its temporary output. */
static const char *tmp_path;

/* Every allocation, chained, so the whole arena stays reachable until exit. */
struct arena_block {
    struct arena_block *next;
    max_align_t data[];
};
static struct arena_block *arena;

static void free_arena(void)
{
    while (arena) {
        struct arena_block *b = arena;
        arena = b->next;
        free(b);
    }
}

void *idl_alloc(size_t size)
{
    struct arena_block *b = calloc(1, sizeof(*b) + size);

    if (!b)
        idl_fatal("out of memory");
    b->next = arena;
    arena = b;
    return b->data;
}

char *idl_strndup(const char *s, size_t len)
{
    char *d = idl_alloc(len + 1);

    memcpy(d, s, len);
    return d;
}

static _Noreturn void fail(void)
{
    if (tmp_path)
        remove(tmp_path);
    free_arena();
    exit(1);
}

void idl_error_at(int line, int col, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d:%d: ", idl_path, line, col);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fail();
}

void idl_error_line(int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: ", idl_path, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fail();
}

void idl_fatal(const char *fmt, ...)
{
    va_list ap;

    fputs("idlgen: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fail();
}

char *idl_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (!f)
        idl_fatal("cannot open %s", path);
    buf = idl_alloc(INPUT_SIZE_MAX + 1);
    *len = fread(buf, 1, INPUT_SIZE_MAX + 1, f);
    if (ferror(f))
        idl_fatal("cannot read %s", path);
    fclose(f);
    if (*len > INPUT_SIZE_MAX)
        idl_fatal("%s is larger than %u bytes", path, INPUT_SIZE_MAX);
    return buf;
}

static void write_output(const char *path, const struct idl_file *file, const char *src_name, bool for_asm)
{
    size_t len = strlen(path);
    char *tmp = idl_alloc(len + sizeof(".tmp"));
    FILE *f;
    int bad;

    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", sizeof(".tmp"));
    f = fopen(tmp, "w");
    if (!f)
        idl_fatal("cannot create %s", tmp);
    tmp_path = tmp;
    emit_c_header(f, file, src_name, for_asm);
    bad = ferror(f);
    if (fclose(f) != 0 || bad)
        idl_fatal("cannot write %s", tmp);
    if (rename(tmp, path) != 0)
        idl_fatal("cannot rename %s to %s", tmp, path);
    tmp_path = NULL;
}

int main(int argc, char **argv)
{
    struct idl_file file;
    size_t len;
    char *src;

    bool for_asm = argc == 4 && strcmp(argv[1], "--asm") == 0;

    if (argc != 3 && !for_asm) {
        fputs("usage: idlgen [--asm] INPUT.idl OUTPUT.h\n", stderr);
        return 2;
    }
    argv += for_asm;
    src = idl_read_file(argv[1], &len);
    idl_path = argv[1];
    idl_parse(src, len, &file);
    write_output(argv[2], &file, argv[1], for_asm);
    free_arena();
    return 0;
}
