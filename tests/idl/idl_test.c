/* SPDX-License-Identifier: MIT */
/*
 * Tests of the IDL generator, run as a program: each test runs a build of
 * idlgen (made under the sanitizers) on an input from tests/idl/ and checks
 * its exit status and its one line of diagnostics, or compiles what it
 * wrote. Error inputs carry the expected message in a "# expect:" line.
 * The compilers are run with -Werror -Wpadded, so a header that compiles
 * proves its asserts hold and that the layout has no implicit padding.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(IDL_TOP) || !defined(IDLGEN) || !defined(IDL_BUILT) || !defined(IDL_CC)
#error "build with -DIDL_TOP, -DIDLGEN, -DIDL_BUILT and -DIDL_CC (idl/rules.mk)"
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
    char cmd[2048];
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

/* ---- The management interface ---- */

TEST(mgmt_generates)
{
    EXPECT_EQ(generate("idl/mgmt.idl", "mgmt.h"), 0);
    EXPECT_EQ(output[0], '\0');
}

TEST(mgmt_freestanding_gcc)
{
    expect_header_compiles("gcc", STRICT_FLAGS, "mgmt.h");
}

TEST(mgmt_freestanding_clang)
{
    expect_header_compiles("clang", STRICT_FLAGS, "mgmt.h");
}

/* The core's own include setup: no system headers, the compiler's only. */
TEST(mgmt_core_flags)
{
    char flags[1024];

    EXPECT_EQ(run("%s -print-file-name=include", IDL_CC), 0);
    output[strcspn(output, "\n")] = '\0';
    snprintf(flags, sizeof(flags), "%s -nostdinc -isystem %.512s", STRICT_FLAGS, output);
    expect_header_compiles(IDL_CC, flags, "mgmt.h");
}

/* The generator make ran (-O2, no sanitizers) wrote the same header. */
TEST(mgmt_matches_build)
{
    char mine[256];

    tmp_path(mine, sizeof(mine), "mgmt.h");
    EXPECT_TRUE(same_files(IDL_BUILT "/mgmt.h", mine));
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
    EXPECT_TRUE(strstr(output, "usage: idlgen INPUT.idl OUTPUT.h"));
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

int main(void)
{
    int failed;

    if (chdir(IDL_TOP) != 0 || !mkdtemp(tmp_dir)) {
        perror("idl_test: setup");
        return 1;
    }
    failed = test_run((const struct test[]){
        TEST_ENTRY(mgmt_generates),
        TEST_ENTRY(mgmt_freestanding_gcc),
        TEST_ENTRY(mgmt_freestanding_clang),
        TEST_ENTRY(mgmt_core_flags),
        TEST_ENTRY(mgmt_matches_build),
        TEST_ENTRY(layout_values_and_offsets),
        TEST_ENTRY(layout_header_text),
        TEST_ENTRY(output_is_deterministic),
        TEST_ENTRY(usage),
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
        TEST_END,
    });
    run("rm -rf %s", tmp_dir);
    return failed;
}
