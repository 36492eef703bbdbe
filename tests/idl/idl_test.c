/* SPDX-License-Identifier: MIT */
/*
 * Tests of the IDL generator, run as a program: each test runs a build of
 * idlgen (made under the sanitizers) on an input from tests/idl/ or idl/
 * and checks its exit status and its one line of diagnostics, or compiles
 * what it wrote. Error inputs carry the expected message in a "# expect:"
 * line. The compilers are run with -Werror -Wpadded, so a header that
 * compiles proves its asserts hold and that the layout has no implicit
 * padding; ring helpers are also compiled with the core's own flags.
 */
#include "harness.h"

#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(IDL_TOP) || !defined(IDLGEN) || !defined(IDL_BUILT) || !defined(IDL_CC) || !defined(IDL_CORE_CFLAGS) || \
    !defined(IDL_WARN_FLAGS)
#error "build with -DIDL_TOP, -DIDLGEN, -DIDL_BUILT, -DIDL_CC, -DIDL_CORE_CFLAGS and -DIDL_WARN_FLAGS (idl/rules.mk)"
#endif

#define OUTPUT_MAX 16384

/* Flags proving a generated header stands alone in a freestanding build. */
#define STRICT_FLAGS "-std=c11 -ffreestanding -Wall -Wextra -Werror -Wpadded -Wpedantic -Wconversion"

static char tmp_dir[] = "/tmp/idl_test.XXXXXX";
static char output[OUTPUT_MAX];

/* Runs cmd with the shell; its stdout and stderr end up in output. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[4096];
    size_t len = 0;
    va_list ap;
    FILE *p;
    int status;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
    va_end(ap);
    strcat(cmd, " 2>&1");
    output[0] = '\0';
    p = popen(cmd, "r");
    if (!p)
        return -1;
    while (len + 1 < sizeof(output)) {
        size_t n = fread(output + len, 1, sizeof(output) - 1 - len, p);
        if (n == 0)
            break;
        len += n;
    }
    output[len] = '\0';
    status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The whole file as a string to free(), or NULL. */
static char *read_file(const char *path)
{
    enum { FILE_MAX = 1 << 20 };
    FILE *f = fopen(path, "rb");
    char *b = f ? malloc(FILE_MAX + 1) : NULL;
    size_t n;

    if (!b) {
        if (f)
            fclose(f);
        return NULL;
    }
    n = fread(b, 1, FILE_MAX, f);
    fclose(f);
    b[n] = '\0';
    return b;
}

/* Both files readable and byte for byte the same. */
static bool same_files(const char *a, const char *b)
{
    char *da = read_file(a), *db = read_file(b);
    bool same = da && db && strcmp(da, db) == 0;

    free(da);
    free(db);
    return same;
}

static bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmp_dir, name);
}

/* Generates tests/idl/<name>.idl (or path) into the temporary directory. */
static int generate(const char *input, const char *header)
{
    char out[256];

    tmp_path(out, sizeof(out), header);
    return run("%s %s %s", IDLGEN, input, out);
}

/* Checks that tests/idl/<name>.idl fails with exactly its "# expect:" line. */
static void expect_error(const char *name)
{
    char input[128], want[512], out[256];
    char *src, *exp;
    size_t len;

    snprintf(input, sizeof(input), "tests/idl/%s.idl", name);
    src = read_file(input);
    exp = src ? strstr(src, "# expect: ") : NULL;
    if (!exp) {
        test_fail(__FILE__, __LINE__, "%s has no '# expect: ' line", input);
        free(src);
        return;
    }
    exp += strlen("# expect: ");
    len = strcspn(exp, "\n");
    snprintf(want, sizeof(want), "%s:%.*s\n", input, (int)len, exp);
    free(src);
    tmp_path(out, sizeof(out), "error.h");
    EXPECT_EQ(generate(input, "error.h"), 1);
    if (strcmp(output, want) != 0)
        test_fail(__FILE__, __LINE__, "expected \"%.*s\", got \"%s\"", (int)strlen(want) - 1, want, output);
    EXPECT_FALSE(file_exists(out));
}

/* Compiles a file including the generated header from the temporary directory. */
static void expect_compiles(const char *cc, const char *flags, const char *source)
{
    int status = run("%s %s -I%s -c %s -o /dev/null", cc, flags, tmp_dir, source);

    if (status != 0)
        test_fail(__FILE__, __LINE__, "%s %s failed (%d):\n%s", cc, source, status, output);
}

static void expect_header_compiles(const char *cc, const char *flags, const char *header)
{
    char src[256];
    FILE *f;

    tmp_path(src, sizeof(src), "include_only.c");
    f = fopen(src, "w");
    if (!f) {
        test_fail(__FILE__, __LINE__, "cannot create %s", src);
        return;
    }
    fprintf(f, "#include \"%s\"\n", header);
    fclose(f);
    expect_compiles(cc, flags, src);
}

/* ---- The descriptions in idl/ ---- */

#define IDL_FILES_MAX 64

/* The names (without .idl) of every .idl file in idl/, sorted; their number. */
static size_t idl_files(char names[][64])
{
    glob_t g;
    size_t n = 0;

    if (glob("idl/*.idl", 0, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc && n < IDL_FILES_MAX; i++) {
        const char *base = g.gl_pathv[i] + strlen("idl/");
        snprintf(names[n++], 64, "%.*s", (int)(strlen(base) - strlen(".idl")), base);
    }
    globfree(&g);
    return n;
}

/* Generates each idl/X.idl into the temporary directory as X.h; true if all did, silently. */
static bool generate_all(char names[][64], size_t *count)
{
    bool ok = true;

    *count = idl_files(names);
    for (size_t i = 0; i < *count; i++) {
        char input[128], header[80];
        snprintf(input, sizeof(input), "idl/%.60s.idl", names[i]);
        snprintf(header, sizeof(header), "%.60s.h", names[i]);
        if (generate(input, header) != 0 || output[0] != '\0') {
            test_fail(__FILE__, __LINE__, "%s: %s", input, output);
            ok = false;
        }
    }
    return ok;
}

TEST(idl_files_generate)
{
    char names[IDL_FILES_MAX][64];
    size_t n;

    EXPECT_TRUE(generate_all(names, &n));
    /* mgmt, ring, blkif, netif, console, xenstore, evtchn, gnttab at least. */
    EXPECT_TRUE(n >= 8);
}

/* Each header alone, freestanding, with both compilers. */
TEST(idl_headers_freestanding)
{
    char names[IDL_FILES_MAX][64], header[80];
    size_t n;

    if (!generate_all(names, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        snprintf(header, sizeof(header), "%.60s.h", names[i]);
        expect_header_compiles("gcc", STRICT_FLAGS, header);
        expect_header_compiles("clang", STRICT_FLAGS, header);
    }
}

/* Each header alone, with the core's own flags (no system headers but the compiler's). */
TEST(idl_headers_core_flags)
{
    char names[IDL_FILES_MAX][64], header[80];
    size_t n;

    if (!generate_all(names, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        snprintf(header, sizeof(header), "%.60s.h", names[i]);
        expect_header_compiles(IDL_CC, IDL_CORE_CFLAGS " -Wpadded -Wpedantic", header);
    }
}

/* All headers in one file: no two of them declare the same name differently. */
TEST(idl_headers_together)
{
    char names[IDL_FILES_MAX][64], src[256];
    size_t n;
    FILE *f;

    if (!generate_all(names, &n))
        return;
    tmp_path(src, sizeof(src), "all_headers.c");
    f = fopen(src, "w");
    if (!f) {
        test_fail(__FILE__, __LINE__, "cannot create %s", src);
        return;
    }
    for (size_t i = 0; i < n; i++)
        fprintf(f, "#include \"%s.h\"\n", names[i]);
    fclose(f);
    expect_compiles("gcc", STRICT_FLAGS, src);
    expect_compiles("clang", STRICT_FLAGS, src);
}

/* The generator make ran (-O2, no sanitizers) wrote the same headers. */
TEST(idl_headers_match_build)
{
    char names[IDL_FILES_MAX][64], mine[256], built[256];
    size_t n;

    if (!generate_all(names, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        snprintf(mine, sizeof(mine), "%s/%.60s.h", tmp_dir, names[i]);
        snprintf(built, sizeof(built), "%.120s/%.60s.h", IDL_BUILT, names[i]);
        if (!same_files(built, mine))
            test_fail(__FILE__, __LINE__, "%s differs from %s", built, mine);
    }
}

/* The ring helpers' bodies meet the core's flags and the host's warnings, with both compilers. */
TEST(ring_helpers_compile)
{
    char names[IDL_FILES_MAX][64];
    size_t n;

    if (!generate_all(names, &n))
        return;
    expect_compiles(IDL_CC, IDL_CORE_CFLAGS " -Wpadded -Wpedantic", "tests/idl/ring_use.c");
    expect_compiles("gcc", "-std=c11 -O2 " IDL_WARN_FLAGS " -Wpadded -Wpedantic", "tests/idl/ring_use.c");
    expect_compiles("clang", "-std=c11 -O2 " IDL_WARN_FLAGS " -Wpadded -Wpedantic", "tests/idl/ring_use.c");
}

/* Every management command (a value of enum mgmt_cmd) has an errors block. */
TEST(mgmt_every_command_lists_errors)
{
    char path[256], name[128], macro[160];
    char *h, *p;
    unsigned commands = 0;

    EXPECT_EQ(generate("idl/mgmt.idl", "mgmt.h"), 0);
    tmp_path(path, sizeof(path), "mgmt.h");
    h = read_file(path);
    p = h ? strstr(h, "enum mgmt_cmd, stored as uint32_t") : NULL;
    EXPECT_TRUE(p != NULL);
    if (!p) {
        free(h);
        return;
    }
    p = strchr(p, '\n') + 1;
    while (sscanf(p, "#define %127s", name) == 1) {
        if (strstr(name, "_VALUES(X)")) /* the enum's list of values ends it */
            break;
        snprintf(macro, sizeof(macro), "#define %s_ERRORS(X) X(", name);
        if (!strstr(h, macro))
            test_fail(__FILE__, __LINE__, "mgmt.h has no %s_ERRORS", name);
        commands++;
        p = strchr(p, '\n') + 1;
    }
    EXPECT_EQ(commands, 24);
    EXPECT_TRUE(strstr(h, " * MGMT_DOMAIN_POPULATE returns 0 or one of these errors, negated (Xen's errno values):\n"));
    EXPECT_TRUE(strstr(h, "#define MGMT_DOMAIN_INFO_ERRORS(X) X(EINVAL, 22) X(EFAULT, 14) X(EPERM, 1) X(ESRCH, 3)\n"));
    free(h);
}

/* ---- A valid input using every construct ---- */

TEST(layout_values_and_offsets)
{
    EXPECT_EQ(generate("tests/idl/layout.idl", "layout.h"), 0);
    expect_compiles(IDL_CC, STRICT_FLAGS, "tests/idl/layout_check.c");
    expect_compiles("gcc", STRICT_FLAGS, "tests/idl/layout_check.c");
    expect_compiles("clang", STRICT_FLAGS, "tests/idl/layout_check.c");
}

TEST(layout_header_text)
{
    static const char banner[] = "/* Generated by idl/gen from tests/idl/layout.idl: do not edit. */\n"
                                 "#pragma once\n";
    char path[256];
    char *h;
    unsigned includes = 0;

    EXPECT_EQ(generate("tests/idl/layout.idl", "layout.h"), 0);
    tmp_path(path, sizeof(path), "layout.h");
    h = read_file(path);
    EXPECT_TRUE(h != NULL);
    if (!h)
        return;
    EXPECT_EQ(strncmp(h, banner, strlen(banner)), 0);
    for (const char *p = strstr(h, "#include"); p; p = strstr(p + 1, "#include"))
        includes++;
    EXPECT_EQ(includes, 2);
    EXPECT_TRUE(strstr(h, "#include <stddef.h>\n#include <stdint.h>\n"));
    EXPECT_FALSE(strstr(h, "packed"));
    /* Comments above, after, and between items are all kept. */
    EXPECT_TRUE(strstr(h, "#define LAYOUT_BIG   0x100000000ull /* needs a 64-bit suffix */\n"));
    EXPECT_TRUE(strstr(h, "/* A free-standing comment: the blank line below keeps it off the enum. */\n"));
    EXPECT_TRUE(strstr(h, " * enum layout_kind, stored as uint8_t:\n * Kinds of thing, one byte each.\n"));
    EXPECT_TRUE(strstr(h, "    uint8_t a;                   /* 0x00: in */\n"));
    EXPECT_TRUE(strstr(h, "    uint64_t f;                  /* 0x10: out: 64-bit */\n"));
    EXPECT_TRUE(strstr(h, "    /* A field with a comment above it. */\n    uint32_t words[0x3];"));
    EXPECT_TRUE(strstr(h, "    char name[LAYOUT_SMALL];"));
    /* Comment text can neither close nor nest the C comment. */
    EXPECT_TRUE(strstr(h, "with * / and / * and ? ? in it"));
    EXPECT_TRUE(strstr(h, "_Static_assert(sizeof(struct layout_all) == 64, "));
    EXPECT_TRUE(strstr(h, "_Static_assert(offsetof(struct layout_all, reserved2) == 0x3c, "));
    free(h);
}

/* ---- Imports, unions, signed enums, errors blocks, rings ---- */

TEST(constructs_values_and_layout)
{
    EXPECT_EQ(generate("tests/idl/constructs.idl", "constructs.h"), 0);
    EXPECT_EQ(output[0], '\0');
    expect_compiles("gcc", STRICT_FLAGS, "tests/idl/constructs_check.c");
    expect_compiles("clang", STRICT_FLAGS, "tests/idl/constructs_check.c");
    expect_compiles(IDL_CC, IDL_CORE_CFLAGS " -Wpadded -Wpedantic", "tests/idl/constructs_check.c");
}

TEST(constructs_header_text)
{
    char path[256];
    char *h;
    unsigned includes = 0;

    EXPECT_EQ(generate("tests/idl/constructs.idl", "constructs.h"), 0);
    tmp_path(path, sizeof(path), "constructs.h");
    h = read_file(path);
    EXPECT_TRUE(h != NULL);
    if (!h)
        return;
    /* An import includes nothing: what is used is written out. */
    for (const char *p = strstr(h, "#include"); p; p = strstr(p + 1, "#include"))
        includes++;
    EXPECT_EQ(includes, 2);
    EXPECT_FALSE(strstr(h, "#define FEAT_AREA"));
    EXPECT_FALSE(strstr(h, "struct feat_header"));
    EXPECT_TRUE(strstr(h, "#define FEAT_LEN 256u /* an imported const, written out */\n"));
    EXPECT_TRUE(strstr(h, "#define FEAT_BAD   (-1)\n"));
    EXPECT_TRUE(strstr(h, "    uint64_t big;     /* 0x00: the union takes the largest member */\n"));
    EXPECT_TRUE(strstr(h, " * What FEAT_OP_GET can return.\n"
                          " * FEAT_OP_GET returns 0 or one of these errors, negated (Xen's errno values):\n"
                          " *   EPERM       1  not allowed\n"
                          " *     No such thing.\n"
                          " *   ENOENT      2\n"));
    EXPECT_TRUE(strstr(h, "#define FEAT_OP_GET_ERRORS(X) X(EPERM, 1) X(ENOENT, 2) X(EOVERFLOW, 75)\n"));
    EXPECT_TRUE(strstr(h, "#define FEAT_RING_SIZE  16u /* (256 - 24) / 8 = 29, rounded down */\n"));
    EXPECT_TRUE(strstr(h, "    struct feat_req req; /* 0x00: a request */\n"));
    EXPECT_TRUE(strstr(
        h, "    uint64_t extra;                              /* 0x10: [FRONT] copied into the page struct */\n"));
    EXPECT_TRUE(strstr(h, "static inline int feat_back_get_request(struct feat_back *back, struct feat_req *req)\n"));
    EXPECT_TRUE(strstr(h, "#define IDL_RING_BROKEN (-74)\n"));
    free(h);
}

/* Two rings in one file (netif): one definition of the broken-ring code. */
TEST(ring_broken_defined_once)
{
    char path[256];
    const char *first;
    char *h;

    EXPECT_EQ(generate("idl/netif.idl", "netif.h"), 0);
    tmp_path(path, sizeof(path), "netif.h");
    h = read_file(path);
    first = h ? strstr(h, "#define IDL_RING_BROKEN") : NULL;
    EXPECT_TRUE(first != NULL);
    EXPECT_TRUE(first && !strstr(first + 1, "#define IDL_RING_BROKEN"));
    EXPECT_TRUE(h && strstr(h, "struct netif_tx_front {") && strstr(h, "struct netif_rx_back {"));
    free(h);
}

/* An error inside an imported file names that file. */
TEST(err_import_chain)
{
    EXPECT_EQ(generate("tests/idl/err_import_chain.idl", "error.h"), 1);
    EXPECT_EQ(
        strcmp(output, "tests/idl/import_chains.idl:3:1: an imported file cannot import (imports do not chain)\n"), 0);
}

TEST(output_is_deterministic)
{
    char a[256], b[256];

    EXPECT_EQ(generate("tests/idl/layout.idl", "again1.h"), 0);
    EXPECT_EQ(generate("tests/idl/layout.idl", "again2.h"), 0);
    tmp_path(a, sizeof(a), "again1.h");
    tmp_path(b, sizeof(b), "again2.h");
    EXPECT_TRUE(same_files(a, b));
}

/* ---- Command line and output file ---- */

TEST(usage)
{
    EXPECT_EQ(run("%s", IDLGEN), 2);
    EXPECT_TRUE(strstr(output, "usage: idlgen [--asm] INPUT.idl OUTPUT.h"));
}

/* Every enum's X-macro of values, and every file's list of what it declares. */
TEST(values_and_decls_macros)
{
    char path[256];
    char *h;

    EXPECT_EQ(generate("tests/idl/constructs.idl", "constructs.h"), 0);
    tmp_path(path, sizeof(path), "constructs.h");
    h = read_file(path);
    EXPECT_TRUE(h != NULL);
    if (!h)
        return;
    EXPECT_TRUE(strstr(h, "#define FEAT_STATUS_VALUES(X) X(FEAT_OK, 0) X(FEAT_BAD, (-1))"));
    EXPECT_TRUE(strstr(h, "#define IDL_CONSTRUCTS_DECLS(CONST, AGGREGATE, FIELD) \\\n    CONST(FEAT_LEN)"));
    EXPECT_TRUE(
        strstr(h, "    AGGREGATE(union, feat_u) \\\n    FIELD(union, feat_u, word) \\\n    FIELD(union, feat_u, big)"));
    /* Imported names are the importer's to list. */
    EXPECT_FALSE(strstr(h, "CONST(FEAT_AREA)"));
    EXPECT_FALSE(strstr(h, "CONST(XEN_EPERM)"));
    free(h);
}

/* --asm: the numbers only, without C's suffixes, for .S files. */
TEST(asm_header)
{
    char path[256];
    char *h;

    EXPECT_EQ(run("%s --asm tests/idl/constructs.idl %s/asm.h", IDLGEN, tmp_dir), 0);
    tmp_path(path, sizeof(path), "asm.h");
    h = read_file(path);
    EXPECT_TRUE(h != NULL);
    if (!h)
        return;
    EXPECT_TRUE(strstr(h, "#pragma once\n"));
    EXPECT_TRUE(strstr(h, "#define FEAT_LEN 256\n"));
    EXPECT_FALSE(strstr(h, "#include"));
    EXPECT_FALSE(strstr(h, "struct feat"));
    EXPECT_FALSE(strstr(h, "256u"));
    free(h);
}

TEST(missing_input)
{
    EXPECT_EQ(generate("tests/idl/no_such_file.idl", "none.h"), 1);
    EXPECT_EQ(strcmp(output, "idlgen: cannot open tests/idl/no_such_file.idl\n"), 0);
}

/* A failed run leaves an existing header alone, and no temporary file. */
TEST(error_keeps_old_output)
{
    char path[256], tmp[300];
    char *kept;
    FILE *f;

    tmp_path(path, sizeof(path), "kept.h");
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(path, "w");
    EXPECT_TRUE(f != NULL);
    if (!f)
        return;
    fputs("old\n", f);
    fclose(f);
    EXPECT_EQ(generate("tests/idl/err_padding.idl", "kept.h"), 1);
    kept = read_file(path);
    EXPECT_TRUE(kept && strcmp(kept, "old\n") == 0);
    free(kept);
    EXPECT_FALSE(file_exists(tmp));
}

/* ---- One test per error ---- */

#define ERROR_TEST(name)     \
    TEST(name)               \
    {                        \
        expect_error(#name); \
    }
ERROR_TEST(err_syntax)
ERROR_TEST(err_toplevel)
ERROR_TEST(err_eof)
ERROR_TEST(err_unknown_type)
ERROR_TEST(err_later_struct)
ERROR_TEST(err_self)
ERROR_TEST(err_enum_type)
ERROR_TEST(err_unknown_const)
ERROR_TEST(err_duplicate_name)
ERROR_TEST(err_duplicate_value_name)
ERROR_TEST(err_duplicate_field)
ERROR_TEST(err_duplicate_value)
ERROR_TEST(err_enum_range)
ERROR_TEST(err_enum_storage)
ERROR_TEST(err_enum_empty)
ERROR_TEST(err_empty_struct)
ERROR_TEST(err_padding)
ERROR_TEST(err_padding_nested)
ERROR_TEST(err_tail_padding)
ERROR_TEST(err_array_zero)
ERROR_TEST(err_keyword)
ERROR_TEST(err_reserved)
ERROR_TEST(err_field_macro)
ERROR_TEST(err_bad_char)
ERROR_TEST(err_number_suffix)
ERROR_TEST(err_number_octal)
ERROR_TEST(err_number_overflow)
ERROR_TEST(err_import_missing)
ERROR_TEST(err_import_twice)
ERROR_TEST(err_import_self)
ERROR_TEST(err_import_struct)
ERROR_TEST(err_negative_const)
ERROR_TEST(err_negative_unsigned)
ERROR_TEST(err_signed_range)
ERROR_TEST(err_union_tail)
ERROR_TEST(err_errors_unknown)
ERROR_TEST(err_errors_duplicate)
ERROR_TEST(err_errors_op)
ERROR_TEST(err_errors_twice)
ERROR_TEST(err_errors_empty)
ERROR_TEST(err_errors_macro)
ERROR_TEST(err_errors_no_errno)
ERROR_TEST(err_enum_values_macro)
ERROR_TEST(err_ring_entries)
ERROR_TEST(err_ring_small)
ERROR_TEST(err_ring_header)
ERROR_TEST(err_ring_syntax)
ERROR_TEST(err_ring_word)
ERROR_TEST(err_ring_name)
ERROR_TEST(err_ring_imported)
ERROR_TEST(err_ring_macro)

int main(void)
{
    int failed;

    if (chdir(IDL_TOP) != 0 || !mkdtemp(tmp_dir)) {
        perror("idl_test: setup");
        return 1;
    }
    failed = test_run((const struct test[]){
        TEST_ENTRY(idl_files_generate),
        TEST_ENTRY(idl_headers_freestanding),
        TEST_ENTRY(idl_headers_core_flags),
        TEST_ENTRY(idl_headers_together),
        TEST_ENTRY(idl_headers_match_build),
        TEST_ENTRY(ring_helpers_compile),
        TEST_ENTRY(mgmt_every_command_lists_errors),
        TEST_ENTRY(layout_values_and_offsets),
        TEST_ENTRY(layout_header_text),
        TEST_ENTRY(constructs_values_and_layout),
        TEST_ENTRY(constructs_header_text),
        TEST_ENTRY(ring_broken_defined_once),
        TEST_ENTRY(err_import_chain),
        TEST_ENTRY(output_is_deterministic),
        TEST_ENTRY(usage),
        TEST_ENTRY(values_and_decls_macros),
        TEST_ENTRY(asm_header),
        TEST_ENTRY(missing_input),
        TEST_ENTRY(error_keeps_old_output),
        TEST_ENTRY(err_syntax),
        TEST_ENTRY(err_toplevel),
        TEST_ENTRY(err_eof),
        TEST_ENTRY(err_unknown_type),
        TEST_ENTRY(err_later_struct),
        TEST_ENTRY(err_self),
        TEST_ENTRY(err_enum_type),
        TEST_ENTRY(err_unknown_const),
        TEST_ENTRY(err_duplicate_name),
        TEST_ENTRY(err_duplicate_value_name),
        TEST_ENTRY(err_duplicate_field),
        TEST_ENTRY(err_duplicate_value),
        TEST_ENTRY(err_enum_range),
        TEST_ENTRY(err_enum_storage),
        TEST_ENTRY(err_enum_empty),
        TEST_ENTRY(err_empty_struct),
        TEST_ENTRY(err_padding),
        TEST_ENTRY(err_padding_nested),
        TEST_ENTRY(err_tail_padding),
        TEST_ENTRY(err_array_zero),
        TEST_ENTRY(err_keyword),
        TEST_ENTRY(err_reserved),
        TEST_ENTRY(err_field_macro),
        TEST_ENTRY(err_bad_char),
        TEST_ENTRY(err_number_suffix),
        TEST_ENTRY(err_number_octal),
        TEST_ENTRY(err_number_overflow),
        TEST_ENTRY(err_import_missing),
        TEST_ENTRY(err_import_twice),
        TEST_ENTRY(err_import_self),
        TEST_ENTRY(err_import_struct),
        TEST_ENTRY(err_negative_const),
        TEST_ENTRY(err_negative_unsigned),
        TEST_ENTRY(err_signed_range),
        TEST_ENTRY(err_union_tail),
        TEST_ENTRY(err_errors_unknown),
        TEST_ENTRY(err_errors_duplicate),
        TEST_ENTRY(err_errors_op),
        TEST_ENTRY(err_errors_twice),
        TEST_ENTRY(err_errors_empty),
        TEST_ENTRY(err_errors_macro),
        TEST_ENTRY(err_errors_no_errno),
        TEST_ENTRY(err_enum_values_macro),
        TEST_ENTRY(err_ring_entries),
        TEST_ENTRY(err_ring_small),
        TEST_ENTRY(err_ring_header),
        TEST_ENTRY(err_ring_syntax),
        TEST_ENTRY(err_ring_word),
        TEST_ENTRY(err_ring_name),
        TEST_ENTRY(err_ring_imported),
        TEST_ENTRY(err_ring_macro),
        TEST_END,
    });
    run("rm -rf %s", tmp_dir);
    return failed;
}
