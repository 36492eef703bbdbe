/* SPDX-License-Identifier: MIT */
/*
 * Host tests of xl's config files (lib/xl/xl_cfg.c, xl_cfg_keys.c,
 * xl_lex.c, xl_cpus.c): every key and every default, xl's syntax (quotes
 * and escapes, lists over lines, comments, ';', +=, a key given twice),
 * each kind of error with its exact line "FILE:LINE: FIELD: what", the
 * warnings, hostile text (NULs, CRs, huge files), the machine check, and
 * the sample files of tests/configs/ read from disk.
 */
#include "xl_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "idl/xen_errno.h"
#include "xl_cpus.h"
#include "xl_lex.h"

/* The three lines every good config here starts with: keys from line 4. */
#define BASE "name = \"g\"\ntype = \"pvh\"\nkernel = \"k\"\n"

static struct xl_cfg cfg;
static struct xl_cfg_msgs msgs;

static int parse_len(const char *text, size_t len)
{
    return xl_cfg_parse("t.cfg", text, len, &cfg, &msgs);
}

static int parse(const char *text)
{
    return parse_len(text, strlen(text));
}

/* A message is one printable line "FILE:LINE: FIELD: what". */
static void check_form(const char *msg, int line)
{
    unsigned at = 0, n;
    int used = 0;
    char field[80];

    for (const char *c = msg; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            test_fail(__FILE__, line, "'%s': byte 0x%02x", msg, (unsigned char)*c);
    if (sscanf(msg, "%*[^:]:%u: %79[a-z0-9_.A-Z-]: %n", &at, field, &used) != 2 || !used || !at || !msg[used])
        test_fail(__FILE__, line, "'%s' is not FILE:LINE: FIELD: what", msg);
    n = (unsigned)strlen(msg);
    if (n + 1 >= XL_CFG_MSG_MAX + 1)
        test_fail(__FILE__, line, "'%s' overflows", msg);
}

static void check_warnings(int line)
{
    for (unsigned i = 0; i < msgs.nr_warnings; i++)
        check_form(msgs.warnings[i], line);
}

static bool ok(const char *text, int line)
{
    int r = parse(text);

    if (r)
        test_fail(__FILE__, line, "refused (%d): %s", r, msgs.error);
    else if (msgs.error[0])
        test_fail(__FILE__, line, "accepted with an error: %s", msgs.error);
    check_warnings(line);
    return r == 0;
}
#define OK(text) ok(text, __LINE__)

static void refused_len(const char *text, size_t len, const char *error, int line)
{
    int r = parse_len(text, len);

    if (r != -XEN_EINVAL)
        test_fail(__FILE__, line, "not refused (%d)", r);
    else if (strcmp(msgs.error, error))
        test_fail(__FILE__, line, "error\n    %s\nwanted\n    %s", msgs.error, error);
    check_form(msgs.error, line);
    check_warnings(line);
}
#define REFUSED(text, error)          refused_len(text, strlen(text), error, __LINE__)
#define REFUSED_LEN(text, len, error) refused_len(text, len, error, __LINE__)

/* Whether the last parse gave exactly this warning. */
static bool warned(const char *warning)
{
    for (unsigned i = 0; i < msgs.nr_warnings; i++)
        if (!strcmp(msgs.warnings[i], warning))
            return true;
    return false;
}
#define EXPECT_WARNING(w)                                                                                   \
    do {                                                                                                    \
        if (!warned(w))                                                                                     \
            test_fail(__FILE__, __LINE__, "no warning '%s' (%u warnings, first '%s')", w, msgs.nr_warnings, \
                      msgs.nr_warnings ? msgs.warnings[0] : "");                                            \
    } while (0)

#define EXPECT_STR(a, b)                                                         \
    do {                                                                         \
        if (strcmp((a), (b)))                                                    \
            test_fail(__FILE__, __LINE__, "%s is '%s', not '%s'", #a, (a), (b)); \
    } while (0)

/* ---- keys and defaults ---- */

TEST(defaults_are_xls)
{
    if (!OK(BASE))
        return;
    EXPECT_STR(cfg.name, "g");
    EXPECT_STR(cfg.kernel, "k");
    EXPECT_STR(cfg.ramdisk, "");
    EXPECT_STR(cfg.cmdline, "");
    EXPECT_EQ(cfg.memory_mib, 32); /* libxl's */
    EXPECT_EQ(cfg.maxmem_mib, 32);
    EXPECT_EQ(cfg.vcpus, 1);
    EXPECT_EQ(cfg.maxvcpus, 1);
    EXPECT_EQ(cfg.cpumask, ~0ull);
    EXPECT_EQ(cfg.cpus_named, 0);
    EXPECT_EQ(cfg.nr_vcpu_cpumasks, 0);
    EXPECT_EQ(cfg.weight, 256);
    EXPECT_EQ(cfg.cap, 0);
    EXPECT_EQ(cfg.on_poweroff, XL_ACTION_DESTROY);
    EXPECT_EQ(cfg.on_reboot, XL_ACTION_RESTART);
    EXPECT_EQ(cfg.on_crash, XL_ACTION_DESTROY);
    EXPECT_EQ(cfg.nr_disks, 0);
    EXPECT_EQ(cfg.nr_vifs, 0);
    EXPECT_EQ(cfg.line[XL_CFG_NAME], 1);
    EXPECT_EQ(cfg.line[XL_CFG_TYPE], 2);
    EXPECT_EQ(cfg.line[XL_CFG_KERNEL], 3);
    for (unsigned f = XL_CFG_BUILDER; f < XL_CFG_FIELDS; f++)
        if (f != XL_CFG_KERNEL)
            EXPECT_EQ(cfg.line[f], 0);
    EXPECT_EQ(cfg.end_line, 3);
    EXPECT_EQ(msgs.nr_warnings, 0);
    EXPECT_EQ(xl_cfg_vcpu_cpus(&cfg, 0), ~0ull);
}

TEST(every_key)
{
    static const char text[] = "name = 'web-1_a'\n"
                               "type = 'pvh'\n"
                               "kernel = '/boot/vmlinuz'\n"
                               "ramdisk = \"/boot/initrd.img\"\n"
                               "memory = 512\n"
                               "maxmem = 1024\n"
                               "vcpus = 2\n"
                               "maxvcpus = 4\n"
                               "cpus = \"0-3,^1\"\n"
                               "cpu_weight = 512\n"
                               "cap = 250\n"
                               "cmdline = 'console=hvc0 root=/dev/xvda1'\n"
                               "disk = [ 'phy:vdb,xvda,w,backend=blkdrv' ]\n"
                               "vif = [ 'mac=00:16:3e:01:02:03,backend=netdrv' ]\n"
                               "on_poweroff = 'preserve'\n"
                               "on_reboot = 'destroy'\n"
                               "on_crash = 'restart'\n";

    if (!OK(text))
        return;
    EXPECT_STR(cfg.name, "web-1_a");
    EXPECT_STR(cfg.kernel, "/boot/vmlinuz");
    EXPECT_STR(cfg.ramdisk, "/boot/initrd.img");
    EXPECT_STR(cfg.cmdline, "console=hvc0 root=/dev/xvda1");
    EXPECT_EQ(cfg.memory_mib, 512);
    EXPECT_EQ(cfg.maxmem_mib, 1024);
    EXPECT_EQ(cfg.vcpus, 2);
    EXPECT_EQ(cfg.maxvcpus, 4);
    EXPECT_EQ(cfg.cpumask, 0xd);
    EXPECT_EQ(cfg.cpus_named, 0xf);
    EXPECT_EQ(cfg.weight, 512);
    EXPECT_EQ(cfg.cap, 250);
    EXPECT_EQ(cfg.nr_disks, 1);
    EXPECT_STR(cfg.disks[0].vdev, "xvda");
    EXPECT_STR(cfg.disks[0].target, "vdb");
    EXPECT_STR(cfg.disks[0].backend, "blkdrv");
    EXPECT_EQ(cfg.nr_vifs, 1);
    EXPECT_EQ(cfg.vifs[0].mac[5], 3);
    EXPECT_STR(cfg.vifs[0].backend, "netdrv");
    EXPECT_EQ(cfg.on_poweroff, XL_ACTION_PRESERVE);
    EXPECT_EQ(cfg.on_reboot, XL_ACTION_DESTROY);
    EXPECT_EQ(cfg.on_crash, XL_ACTION_RESTART);
    for (unsigned f = 0; f < XL_CFG_FIELDS; f++) {
        static const unsigned want[XL_CFG_FIELDS] = {
            [XL_CFG_NAME] = 1,      [XL_CFG_TYPE] = 2,        [XL_CFG_KERNEL] = 3,       [XL_CFG_RAMDISK] = 4,
            [XL_CFG_MEMORY] = 5,    [XL_CFG_MAXMEM] = 6,      [XL_CFG_VCPUS] = 7,        [XL_CFG_MAXVCPUS] = 8,
            [XL_CFG_CPUS] = 9,      [XL_CFG_CPU_WEIGHT] = 10, [XL_CFG_CAP] = 11,         [XL_CFG_CMDLINE] = 12,
            [XL_CFG_DISK] = 13,     [XL_CFG_VIF] = 14,        [XL_CFG_ON_POWEROFF] = 15, [XL_CFG_ON_REBOOT] = 16,
            [XL_CFG_ON_CRASH] = 17,
        };
        if (cfg.line[f] != want[f])
            test_fail(__FILE__, __LINE__, "%s on line %u, not %u", xl_cfg_field_name(f), cfg.line[f], want[f]);
    }
    EXPECT_EQ(msgs.nr_warnings, 0);
}

TEST(memory_and_vcpus_default_to_each_other)
{
    if (OK(BASE "maxmem = 300\n"))
        EXPECT_TRUE(cfg.memory_mib == 300 && cfg.maxmem_mib == 300);
    if (OK(BASE "memory = 300\n"))
        EXPECT_TRUE(cfg.memory_mib == 300 && cfg.maxmem_mib == 300);
    if (OK(BASE "vcpus = 3\n"))
        EXPECT_TRUE(cfg.vcpus == 3 && cfg.maxvcpus == 3);
    if (OK(BASE "maxvcpus = 3\n"))
        EXPECT_TRUE(cfg.vcpus == 1 && cfg.maxvcpus == 3);
    if (OK(BASE "vcpus = 8\nmaxvcpus = 8\ncap = 800\n"))
        EXPECT_EQ(cfg.cap, 800);
}

TEST(numbers_as_xl_reads_them)
{
    if (OK(BASE "memory = 0x200\n"))
        EXPECT_EQ(cfg.memory_mib, 512);
    if (OK(BASE "memory = 0X1F\n"))
        EXPECT_EQ(cfg.memory_mib, 31);
    if (OK(BASE "memory = \"384\"\n")) /* xl reads a quoted number alike */
        EXPECT_EQ(cfg.memory_mib, 384);
    if (OK(BASE "cap = 0\n"))
        EXPECT_EQ(cfg.cap, 0);
    REFUSED(BASE "memory = 0755\n",
            "t.cfg:4: memory: '0755' starts with 0, which xl reads as octal: write it in decimal or as 0x...");
    REFUSED(BASE "memory = 512M\n", "t.cfg:4: memory: '512M' is not a number");
    REFUSED(BASE "memory = 0x\n", "t.cfg:4: memory: '0x' is not a number");
    REFUSED(BASE "memory = 0xfg\n", "t.cfg:4: memory: '0xfg' is not a number");
    REFUSED(BASE "memory = 1.5\n", "t.cfg:4: memory: '1.5' is not a number");
    REFUSED(BASE "memory = ' 512'\n", "t.cfg:4: memory: ' 512' is not a number");
    REFUSED(BASE "memory = ''\n", "t.cfg:4: memory: '' is not a number");
    REFUSED(BASE "memory = 0\n", "t.cfg:4: memory: 0 MiB is out of range: want 1 to 1048576 MiB");
    REFUSED(BASE "memory = 99999999999999999999999999\n",
            "t.cfg:4: memory: 99999999999999999999999999 MiB is out of range: want 1 to 1048576 MiB");
    REFUSED(BASE "maxmem = 1048577\n", "t.cfg:4: maxmem: 1048577 MiB is out of range: want 1 to 1048576 MiB");
    REFUSED(BASE "vcpus = 0\n", "t.cfg:4: vcpus: 0 is out of range: want 1 to 8");
    REFUSED(BASE "maxvcpus = 9\n", "t.cfg:4: maxvcpus: 9 is out of range: want 1 to 8");
    REFUSED(BASE "cpu_weight = 0\n", "t.cfg:4: cpu_weight: 0 is out of range: want 1 to 65535");
    REFUSED(BASE "cpu_weight = 65536\n", "t.cfg:4: cpu_weight: 65536 is out of range: want 1 to 65535");
    REFUSED(BASE "cap = 801\n", "t.cfg:4: cap: 801 is out of range: want 0 to 800");
    REFUSED(BASE "memory = -1\n", "t.cfg:4: memory: unexpected character '-'");
    REFUSED(BASE "memory = [ 512 ]\n", "t.cfg:4: memory: want a single value, not a list");
}

TEST(type_is_pvh_only)
{
    if (OK("name = 'g'\nkernel = 'k'\n")) /* xl's default is PV: said, then built as PVH */
        EXPECT_WARNING("t.cfg:2: type: not given: xl would build a PV guest, Mosaic builds a PVH one");
    REFUSED(BASE "type = 'hvm'\n",
            "t.cfg:4: type: 'hvm': Mosaic runs PVH guests only, not xl's HVM ones (type = \"pvh\")");
    REFUSED(BASE "type = 'pv'\n",
            "t.cfg:4: type: 'pv': Mosaic runs PVH guests only, not xl's PV ones (type = \"pvh\")");
    /* xl takes abbreviations, hvm's first: "p" is pv, "" is hvm */
    REFUSED(BASE "type = 'p'\n", "t.cfg:4: type: 'p': Mosaic runs PVH guests only, not xl's PV ones (type = \"pvh\")");
    REFUSED(BASE "type = ''\n", "t.cfg:4: type: '': Mosaic runs PVH guests only, not xl's HVM ones (type = \"pvh\")");
    REFUSED(BASE "type = 'PVH'\n", "t.cfg:4: type: unknown type 'PVH' (xl's are pv, pvh and hvm; Mosaic runs pvh)");
    REFUSED(BASE "type = 'pvhx'\n", "t.cfg:4: type: unknown type 'pvhx' (xl's are pv, pvh and hvm; Mosaic runs pvh)");
    REFUSED(BASE "builder = 'generic'\n", "t.cfg:4: builder: 'generic' (xl's old form of type = \"pv\"): Mosaic runs "
                                          "PVH guests only (type = \"pvh\")");
    REFUSED(BASE "builder = 'hvm'\n", "t.cfg:4: builder: 'hvm' (xl's old form of type = \"hvm\"): Mosaic runs PVH "
                                      "guests only (type = \"pvh\")");
    REFUSED(BASE "builder = 'linux'\n",
            "t.cfg:4: builder: unknown builder 'linux' (xl's are generic and hvm; Mosaic takes type = \"pvh\")");
}

TEST(actions)
{
    static const char *const not_done[] = { "rename-restart", "coredump-destroy", "coredump-restart", "soft-reset" };
    static const char *const keys[] = { "on_poweroff", "on_reboot", "on_crash" };
    char text[160], error[400];

    for (unsigned k = 0; k < 3; k++) {
        for (unsigned i = 0; i < 4; i++) {
            snprintf(text, sizeof(text), BASE "%s = '%s'\n", keys[k], not_done[i]);
            snprintf(error, sizeof(error),
                     "t.cfg:4: %s: '%s' is an action xl knows but Mosaic does not carry out (it does destroy, "
                     "restart, preserve)",
                     keys[k], not_done[i]);
            REFUSED(text, error);
        }
        snprintf(text, sizeof(text), BASE "%s = 'reboot'\n", keys[k]);
        snprintf(error, sizeof(error),
                 "t.cfg:4: %s: unknown action 'reboot' (xl's are destroy, restart, rename-restart, preserve, "
                 "coredump-destroy, coredump-restart, soft-reset)",
                 keys[k]);
        REFUSED(text, error);
    }
    REFUSED(BASE "on_crash = destroy\n", "t.cfg:4: on_crash: the value must be quoted: write \"destroy\"");
    REFUSED(BASE "on_crash += 'destroy'\non_crash += 'x'\n",
            "t.cfg:5: on_crash: += is taken for text keys and lists: give the whole value");
    EXPECT_STR(xl_action_name(XL_ACTION_DESTROY), "destroy");
    EXPECT_STR(xl_action_name(XL_ACTION_RESTART), "restart");
    EXPECT_STR(xl_action_name(XL_ACTION_PRESERVE), "preserve");
    EXPECT_STR(xl_action_name((enum xl_action)7), "?");
}

TEST(names_and_paths)
{
    char text[600], error[200], big[300];

    REFUSED("name = 'a b'\n", "t.cfg:1: name: 'a b' is not a domain name: 1 to 31 letters, digits, '-' and '_'");
    REFUSED("name = ''\n", "t.cfg:1: name: '' is not a domain name: 1 to 31 letters, digits, '-' and '_'");
    REFUSED("name = 'abcdefghijabcdefghijabcdefghij12'\n",
            "t.cfg:1: name: 'abcdefghijabcdefghijabcdefghij12' is longer than 31 bytes");
    if (OK("name = 'abcdefghijabcdefghijabcdefghij1'\nkernel = 'k'\n"))
        EXPECT_EQ(strlen(cfg.name), 31);
    REFUSED("name = 'tab\\there'\n", "t.cfg:1: name: 'tab?here' has a control character (byte 0x09)");
    REFUSED(BASE "kernel = ''\n", "t.cfg:4: kernel: empty: want the path of the guest's kernel");
    REFUSED(BASE "kernel = 'a\\nb'\n", "t.cfg:4: kernel: 'a?b' has a control character (byte 0x0a)");
    memset(big, 'p', 256);
    big[256] = '\0';
    snprintf(text, sizeof(text), BASE "ramdisk = '%s'\n", big);
    snprintf(error, sizeof(error), "t.cfg:4: ramdisk: '%.40s...' is longer than 255 bytes", big);
    REFUSED(text, error);
    big[255] = '\0';
    snprintf(text, sizeof(text), BASE "ramdisk = '%s'\n", big);
    if (OK(text))
        EXPECT_EQ(strlen(cfg.ramdisk), 255);
    /* a number where a string is wanted is its text, as in xl */
    if (OK(BASE "ramdisk = 12\n"))
        EXPECT_STR(cfg.ramdisk, "12");
    REFUSED("kernel = 'k'\n", "t.cfg:1: name: missing: xl needs name = \"...\"");
    REFUSED("name = 'g'\n\n# nothing else\n", "t.cfg:3: kernel: missing: Mosaic boots the kernel it names (no "
                                              "bootloader)");
}

TEST(cmdline_root_extra_as_xl)
{
    if (OK(BASE "root = '/dev/xvda1'\n"))
        EXPECT_STR(cfg.cmdline, "root=/dev/xvda1");
    if (OK(BASE "extra = 'console=hvc0'\n"))
        EXPECT_STR(cfg.cmdline, "console=hvc0");
    if (OK(BASE "extra = 'console=hvc0'\nroot = '/dev/xvda1'\n")) {
        EXPECT_STR(cfg.cmdline, "root=/dev/xvda1 console=hvc0");
        EXPECT_STR(cfg.root, "/dev/xvda1");
        EXPECT_STR(cfg.extra, "console=hvc0");
        EXPECT_EQ(msgs.nr_warnings, 0);
    }
    if (OK(BASE "root = '/dev/xvda1'\ncmdline = 'quiet'\nextra = 'x'\n")) {
        EXPECT_STR(cfg.cmdline, "quiet");
        EXPECT_WARNING("t.cfg:5: cmdline: root and extra ignored in favour of cmdline, as in xl");
    }
    if (OK(BASE "cmdline = ''\nroot = 'r'\n"))
        EXPECT_STR(cfg.cmdline, "");
}

TEST(cmdline_limits)
{
    static char text[2 * XL_CFG_CMDLINE_MAX + 200];
    char extra[XL_CFG_CMDLINE_MAX + 1];

    memset(extra, 'e', sizeof(extra));
    extra[XL_CFG_CMDLINE_MAX - 1] = '\0'; /* 2047 bytes: the most there is room for */
    snprintf(text, sizeof(text), BASE "extra = '%s'\n", extra);
    if (OK(text))
        EXPECT_EQ(strlen(cfg.cmdline), XL_CFG_CMDLINE_MAX - 1);
    snprintf(text, sizeof(text), BASE "cmdline = '%s'\n", extra);
    if (OK(text))
        EXPECT_EQ(strlen(cfg.cmdline), XL_CFG_CMDLINE_MAX - 1);
    snprintf(text, sizeof(text), BASE "extra = '%s'\n\nroot = 'r'\n", extra);
    REFUSED(text, "t.cfg:6: root: root= and extra make a command line longer than 2047 bytes");
    snprintf(text, sizeof(text), BASE "root = 'r'\nextra = '%s'\n", extra);
    REFUSED(text, "t.cfg:5: extra: root= and extra make a command line longer than 2047 bytes");
    extra[XL_CFG_CMDLINE_MAX - 1] = 'e';
    extra[XL_CFG_CMDLINE_MAX] = '\0'; /* 2048: the lexer's most, one more than the field's */
    snprintf(text, sizeof(text), BASE "cmdline = '%s'\n", extra);
    REFUSED(text, "t.cfg:4: cmdline: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee...' is longer than 2047 bytes");
    snprintf(text, sizeof(text), BASE "cmdline = '%se'\n", extra);
    REFUSED(text, "t.cfg:4: cmdline: a string longer than 2048 bytes");
    extra[1500] = '\0';
    snprintf(text, sizeof(text), BASE "cmdline = '%s'\ncmdline += '%s'\n", extra, extra);
    REFUSED(text, "t.cfg:5: cmdline: longer than 2047 bytes with what += adds");
}

TEST(cpus_forms)
{
    if (OK(BASE "cpus = 'all'\n"))
        EXPECT_TRUE(cfg.cpumask == ~0ull && cfg.cpus_named == 0);
    if (OK(BASE "cpus = '3'\n"))
        EXPECT_TRUE(cfg.cpumask == 8 && cfg.cpus_named == 8);
    if (OK(BASE "cpus = 5\n")) /* a number is its text */
        EXPECT_EQ(cfg.cpumask, 0x20);
    if (OK(BASE "cpus = '0-3,5,^1'\n")) /* xl.cfg(5)'s example: 0, 2, 3, 5 */
        EXPECT_TRUE(cfg.cpumask == 0x2d && cfg.cpus_named == 0x2f);
    if (OK(BASE "cpus = 'all,^7'\n"))
        EXPECT_TRUE(cfg.cpumask == ~0x80ull && cfg.cpus_named == 0);
    if (OK(BASE "cpus = ' 1 , ,2,'\n"))
        EXPECT_EQ(cfg.cpumask, 6);
    if (OK(BASE "cpus = '^1,0-2'\n")) /* left to right, as xl */
        EXPECT_EQ(cfg.cpumask, 7);
    if (OK(BASE "cpus = '0-63'\n"))
        EXPECT_EQ(cfg.cpumask, ~0ull);
    if (OK(BASE "cpus = '63'\n"))
        EXPECT_EQ(cfg.cpumask, 1ull << 63);
    REFUSED(BASE "cpus = '^all'\n", "t.cfg:4: cpus: item '^all': '^' and 'all' do not combine (as in xl)");
    REFUSED(BASE "cpus = 'node:1'\n",
            "t.cfg:4: cpus: item 'node:1': NUMA nodes are not taken: Mosaic places no memory by node; name CPUs");
    REFUSED(BASE "cpus = '^nodes:0-1'\n",
            "t.cfg:4: cpus: item '^nodes:0-1': NUMA nodes are not taken: Mosaic places no memory by node; name CPUs");
    REFUSED(BASE "cpus = '64'\n",
            "t.cfg:4: cpus: item '64': want all, N or N-M with CPU numbers 0 to 63, maybe after '^'");
    REFUSED(BASE "cpus = '3-1'\n", "t.cfg:4: cpus: item '3-1': want N-M with N <= M, CPU numbers 0 to 63");
    REFUSED(BASE "cpus = '1-'\n", "t.cfg:4: cpus: item '1-': want N-M with N <= M, CPU numbers 0 to 63");
    REFUSED(BASE "cpus = '1x'\n",
            "t.cfg:4: cpus: item '1x': want all, N or N-M with CPU numbers 0 to 63, maybe after '^'");
    REFUSED(BASE "cpus = ''\n", "t.cfg:4: cpus: list '': leaves no CPU to run on");
    REFUSED(BASE "cpus = '2,^2'\n", "t.cfg:4: cpus: list '2,^2': leaves no CPU to run on");
}

TEST(cpus_list_one_per_vcpu)
{
    if (OK(BASE "vcpus = 3\ncpus = [\"2\", \"3-8,^5\"]\n")) {
        EXPECT_EQ(cfg.nr_vcpu_cpumasks, 2);
        EXPECT_EQ(xl_cfg_vcpu_cpus(&cfg, 0), 4);
        EXPECT_EQ(xl_cfg_vcpu_cpus(&cfg, 1), 0x1d8);
        EXPECT_EQ(xl_cfg_vcpu_cpus(&cfg, 2), ~0ull); /* past the list: anywhere */
        EXPECT_EQ(cfg.cpus_named, 0x1fc);
        EXPECT_EQ(msgs.nr_warnings, 0);
    }
    /* more entries than vCPUs: xl ignores the rest, and so does the machine check */
    if (OK(BASE "vcpus = 2\ncpus = ['0', '1', '60']\n")) {
        EXPECT_EQ(cfg.nr_vcpu_cpumasks, 2);
        EXPECT_EQ(cfg.cpus_named, 3);
        EXPECT_WARNING("t.cfg:5: cpus: 3 entries for 2 vCPUs: the last 1 ignored, as in xl");
    }
    if (OK(BASE "cpus = ['0','1','2','3','4','5','6','7','8','9']\nmaxvcpus = 8\n"))
        EXPECT_TRUE(cfg.nr_vcpu_cpumasks == 8 && cfg.cpus_named == 0xff);
    /* a list after a string starts over, and a string after a list */
    if (OK(BASE "cpus = '1'\ncpus = ['2']\n"))
        EXPECT_TRUE(cfg.cpumask == ~0ull && cfg.nr_vcpu_cpumasks == 1 && cfg.cpus_named == 4);
    if (OK(BASE "cpus = ['2']\ncpus = '1'\n"))
        EXPECT_TRUE(cfg.cpumask == 2 && cfg.nr_vcpu_cpumasks == 0 && cfg.cpus_named == 2);
    if (OK(BASE "vcpus = 2\ncpus = ['2']\ncpus += ['3']\n"))
        EXPECT_TRUE(cfg.nr_vcpu_cpumasks == 2 && xl_cfg_vcpu_cpus(&cfg, 1) == 8);
    REFUSED(BASE "cpus = ['0',\n 'x']\n",
            "t.cfg:5: cpus: vCPU 1's item 'x': want all, N or N-M with CPU numbers 0 to 63, maybe after '^'");
    REFUSED(BASE "cpus = [['0']]\n", "t.cfg:4: cpus: item 1 is a list: want a string");
    REFUSED(BASE "cpus = '1'\ncpus += ['2']\n", "t.cfg:5: cpus: += cannot add a list to a string (nor in xl)");
    REFUSED(BASE "cpus = ['1']\ncpus += '2'\n", "t.cfg:5: cpus: += cannot add a string to a list (nor in xl)");
    REFUSED(BASE "cpus = '1'\ncpus += '2'\n",
            "t.cfg:5: cpus: += is taken for text keys and lists: give the whole value");
}

TEST(disks)
{
    if (OK(BASE "disk = ['phy:vdb,xvda,w,backend=blkdrv', 'vdev=xvdb, access=r, backend=blkdrv, target=vdb2']\n")) {
        EXPECT_EQ(cfg.nr_disks, 2);
        EXPECT_TRUE(cfg.disks[1].readonly && !strcmp(cfg.disks[1].target, "vdb2"));
    }
    if (OK(BASE "disk = []\n"))
        EXPECT_EQ(cfg.nr_disks, 0);
    /* no backend: the control domain names its own (there is no domain 0) */
    if (OK(BASE "disk = ['vdb,,xvda']\n"))
        EXPECT_STR(cfg.disks[0].backend, "");
    REFUSED(BASE "disk = ['phy:vdb,xvda,q']\n", "t.cfg:4: disk: unknown access 'q': want r, ro, w or rw");
    REFUSED(BASE "disk = ['vdb,qcow2,xvda']\n", "t.cfg:4: disk: format 'qcow2': only raw disks are served here");
    REFUSED(BASE "disk = ['vdb,,xvda', 'vdc,,xvda']\n", "t.cfg:4: disk: xvda is the same device as xvda (51712)");
    REFUSED(BASE "disk = ['vdb,,xvda', 'vdc,,51712']\n", "t.cfg:4: disk: 51712 is the same device as xvda (51712)");
    REFUSED(BASE "disk = ['vdb,,xvda', 'vdb,,xvdb', 'vdb,,xvdc', 'vdb,,xvdd', 'vdb,,xvde']\n",
            "t.cfg:4: disk: more than 4 disks");
    REFUSED(BASE "disk = 'vdb,,xvda'\n", "t.cfg:4: disk: want a list [ 'spec', ... ], even of one");
    REFUSED("name = 'g'\nkernel = 'k'\ndisk = ['vdb,,xvda,backend=g']\n",
            "t.cfg:3: disk: xvda: backend=g is the domain itself");
    REFUSED(BASE "disk = [ 'vdb,,xvda', [ 'x' ] ]\n", "t.cfg:4: disk: item 2 is a list: want a string");
    /* += adds items; = starts over */
    if (OK(BASE "disk = ['vdb,,xvda']\ndisk += ['vdc,,xvdb']\n"))
        EXPECT_EQ(cfg.nr_disks, 2);
    if (OK(BASE "disk = ['vdb,,xvda']\ndisk = ['vdc,,xvdb']\n"))
        EXPECT_TRUE(cfg.nr_disks == 1 && !strcmp(cfg.disks[0].vdev, "xvdb"));
}

TEST(vifs)
{
    if (OK(BASE "vif = [ 'mac=00:16:3e:00:00:01', 'script=vif-route,ip=10.0.0.2,backend=netdrv' ]\n")) {
        EXPECT_EQ(cfg.nr_vifs, 2);
        EXPECT_EQ(cfg.vifs[1].mode, XL_VIF_ROUTE);
        EXPECT_FALSE(cfg.vifs[1].mac_given);
    }
    if (OK(BASE "vif = ['model=e1000']\n"))
        EXPECT_WARNING("t.cfg:4: vif: vif 0: model 'e1000': ignored: a PV vif has no emulated model");
    REFUSED(BASE "vif = ['mac=00:16:3e:00:00:01', 'mac=00:16:3E:00:00:01']\n",
            "t.cfg:4: vif: vif 1 has the MAC of vif 0");
    REFUSED(BASE "vif = ['', '', '', '', '']\n", "t.cfg:4: vif: more than 4 vifs");
    REFUSED(BASE "vif = ['type=ioemu']\n",
            "t.cfg:4: vif: vif 0: type 'ioemu': an emulated NIC; a PV guest gets type=vif only");
    REFUSED(BASE "vif = ['backend=g']\n", "t.cfg:4: vif: vif 0: backend=g is the domain itself");
    REFUSED(BASE "vif = 'bridge=xenbr0'\n", "t.cfg:4: vif: want a list [ 'spec', ... ], even of one");
}

/* ---- syntax ---- */

TEST(syntax_over_lines_with_comments)
{
    static const char text[] = "# a guest\n"
                               "\n"
                               "name = \"g\" # its name\n"
                               "type='pvh';kernel='k'   ;  memory = 64;\n"
                               "\t  \n"
                               "disk = [   # the disks\n"
                               "  'vdb,,xvda',\n"
                               "\n"
                               "  # one more\n"
                               "  \"vdc,,xvdb\" ,\n"
                               "]\n"
                               "vif=[\n"
                               "]\n"
                               "cpus = [ '0'\n"
                               "  , '1' ]\n"
                               "vcpus = 2;;\n"
                               "# the end, no line end";

    if (!OK(text))
        return;
    EXPECT_EQ(cfg.memory_mib, 64);
    EXPECT_EQ(cfg.line[XL_CFG_KERNEL], 4);
    EXPECT_EQ(cfg.line[XL_CFG_MEMORY], 4);
    EXPECT_EQ(cfg.nr_disks, 2);
    EXPECT_EQ(cfg.line[XL_CFG_DISK], 6);
    EXPECT_EQ(cfg.nr_vifs, 0);
    EXPECT_EQ(cfg.nr_vcpu_cpumasks, 2);
    EXPECT_EQ(cfg.line[XL_CFG_VCPUS], 16);
    EXPECT_EQ(cfg.end_line, 17);
    EXPECT_EQ(msgs.nr_warnings, 0);
}

TEST(syntax_errors_name_line_and_key)
{
    REFUSED(BASE "memory = 64 vcpus = 2\n",
            "t.cfg:4: memory: expected the end of the line or ';' after the value, found 'vcpus'");
    REFUSED(BASE "memory 64\n", "t.cfg:4: memory: expected '=' or '+=' after the key, found '64'");
    REFUSED(BASE "memory =\n", "t.cfg:4: memory: expected a value: a quoted string, a number or a list [ ... ], "
                               "found the end of the line");
    REFUSED(BASE "memory =", "t.cfg:4: memory: expected a value: a quoted string, a number or a list [ ... ], "
                             "found the end of the file");
    REFUSED(BASE "memory = ;\n", "t.cfg:4: memory: expected a value: a quoted string, a number or a list [ ... ], "
                                 "found ';'");
    REFUSED(BASE "Memory = 64\n",
            "t.cfg:4: Memory: not a key: xl's are lower-case letters, digits, '_' and '.', from a letter");
    REFUSED(BASE "on-crash = 'x'\n",
            "t.cfg:4: on-crash: not a key: xl's are lower-case letters, digits, '_' and '.', from a letter");
    REFUSED(BASE "= 5\n", "t.cfg:4: syntax: expected a key, found '='");
    REFUSED(BASE "'name' = 5\n", "t.cfg:4: syntax: expected a key, found the string 'name'");
    REFUSED(BASE "5 = 5\n", "t.cfg:4: syntax: expected a key, found '5'");
    REFUSED(BASE "memory = 64 +\n", "t.cfg:4: memory: unexpected character '+'");
    REFUSED(BASE "memory = (64)\n", "t.cfg:4: memory: unexpected character '('");
    REFUSED(BASE "name = \"g\" \"h\"\n",
            "t.cfg:4: name: expected the end of the line or ';' after the value, found the string 'h'");
    REFUSED(BASE "\n\nextra = 'console=hvc0\n", "t.cfg:6: extra: missing closing quote (')");
    REFUSED(BASE "extra = \"a\\\"\n", "t.cfg:4: extra: missing closing quote (\")");
    REFUSED(BASE "extra = \"a\\", "t.cfg:4: extra: missing closing quote (\")");
    REFUSED(BASE "extra = \"a\\q\"\n", "t.cfg:4: extra: unknown escape \\q");
    REFUSED(BASE "extra = \"a\\x41\"\n",
            "t.cfg:4: extra: a numeric escape (\\x...): xl drops or refuses those; write the byte itself");
    REFUSED(BASE "extra = \"a\\101\"\n",
            "t.cfg:4: extra: a numeric escape (\\1...): xl drops or refuses those; write the byte itself");
    REFUSED(BASE "a_very_long_key_that_goes_on_and_on_and_on_and_on_and_on_and_on_and = 1\n",
            "t.cfg:4: syntax: a word or number longer than 64 bytes");
    REFUSED(BASE "@\n", "t.cfg:4: syntax: unexpected character '@'");
    REFUSED(BASE "memory = \xe2\x80\x9c"
                 "64\xe2\x80\x9d\n",
            "t.cfg:4: memory: unexpected byte 0xe2");
}

TEST(lists_syntax)
{
    if (OK(BASE "disk = [ 'vdb,,xvda', ]\n"))
        EXPECT_EQ(cfg.nr_disks, 1);
    REFUSED(BASE "disk = [ , ]\n", "t.cfg:4: disk: expected item 1 or ']' (the list opened on line 4), found ','");
    REFUSED(BASE "disk = [ 'vdb,,xvda' 'vdc,,xvdb' ]\n",
            "t.cfg:4: disk: expected ',' or ']' after item 1 (the list opened on line 4), found the string "
            "'vdc,,xvdb'");
    REFUSED(BASE "disk = [ 'vdb,,xvda',, ]\n",
            "t.cfg:4: disk: expected item 2 or ']' (the list opened on line 4), found ','");
    REFUSED(BASE "disk = [\n  'vdb,,xvda',\n\n",
            "t.cfg:7: disk: expected item 2 or ']' (the list opened on line 4), found the end of the file");
    REFUSED(BASE "disk = [ vdb ]\n", "t.cfg:4: disk: expected item 1 or ']' (the list opened on line 4), found 'vdb'");
    /* an item's error is on the item's own line */
    REFUSED(BASE "disk = [\n  'vdb,,xvda',\n  'vdc,,xvdb,q',\n]\n",
            "t.cfg:6: disk: unknown access 'q': want r, ro, w or rw");
    /* nested lists are xl's syntax: a key not taken may have them */
    if (OK(BASE "vnuma = [ [ 'pnode=0', 'size=512' ], [ 'pnode=1', [ [] ] ] ]\n"))
        EXPECT_WARNING("t.cfg:4: vnuma: xl's key, not carried out by Mosaic, ignored");
    REFUSED(BASE "x = [[[[[[[[[ ]]]]]]]]]\n", "t.cfg:4: x: lists nested deeper than 8");
    if (OK(BASE "x = [[[[[[[[ ]]]]]]]]\n"))
        EXPECT_WARNING("t.cfg:4: x: unknown key, ignored");
    REFUSED(BASE "x = [ 'a' ] ]\n", "t.cfg:4: x: expected the end of the line or ';' after the value, found ']'");
}

TEST(strings_and_escapes)
{
    if (OK(BASE "extra = \"say \\\"hi\\\" it's \\\\ \\'\"\n"))
        EXPECT_STR(cfg.extra, "say \"hi\" it's \\ '");
    if (OK(BASE "extra = 'a \"b\" \\'c\\''\n"))
        EXPECT_STR(cfg.extra, "a \"b\" 'c'");
    if (OK(BASE "extra = 'a # not a comment ; nor this'\n"))
        EXPECT_STR(cfg.extra, "a # not a comment ; nor this");
    if (OK(BASE "extra = '\xc3\xa9t\xc3\xa9'\n")) /* UTF-8 passes as bytes */
        EXPECT_STR(cfg.extra, "\xc3\xa9t\xc3\xa9");
    /* xl's other escapes decode to control characters, which no key takes */
    REFUSED(BASE "extra = 'a\\tb'\n", "t.cfg:4: extra: 'a?b' has a control character (byte 0x09)");
    REFUSED(BASE "extra = 'a\tb'\n", "t.cfg:4: extra: 'a?b' has a control character (byte 0x09)");
    REFUSED(BASE "extra = 'a\\vb'\n", "t.cfg:4: extra: 'a?b' has a control character (byte 0x0b)");
}

TEST(duplicates_last_one_counts)
{
    if (OK(BASE "memory = 64\nvcpus = 2\nmemory = 128\n")) {
        EXPECT_EQ(cfg.memory_mib, 128);
        EXPECT_EQ(cfg.line[XL_CFG_MEMORY], 6);
        EXPECT_WARNING("t.cfg:6: memory: given again (line 4 before): the last one counts, as in xl");
        EXPECT_EQ(msgs.nr_warnings, 1);
    }
    if (OK(BASE "name = 'other'\n"))
        EXPECT_STR(cfg.name, "other");
    /* each value is checked, even one a later one replaces */
    REFUSED(BASE "memory = 'lots'\nmemory = 64\n", "t.cfg:4: memory: 'lots' is not a number");
}

TEST(append)
{
    if (OK(BASE "extra = 'console=hvc0'\nextra += ' quiet'\n")) {
        EXPECT_STR(cfg.cmdline, "console=hvc0 quiet");
        EXPECT_EQ(cfg.line[XL_CFG_EXTRA], 5);
        EXPECT_EQ(msgs.nr_warnings, 0);
    }
    if (OK(BASE "extra += 'first'\n")) /* += onto nothing is = */
        EXPECT_STR(cfg.cmdline, "first");
    if (OK(BASE "name += '-2'\n"))
        EXPECT_STR(cfg.name, "g-2");
    REFUSED(BASE "name += ' 2'\n", "t.cfg:4: name: 'g 2' is not a domain name: 1 to 31 letters, digits, '-' and '_'");
    REFUSED(BASE "memory = 64\nmemory += 64\n", "t.cfg:5: memory: += does not add to a number (nor in xl)");
    REFUSED(BASE "extra += ['x']\n", "t.cfg:4: extra: want a single value, not a list");
    if (OK(BASE "vif += ['']\nvif += ['']\n"))
        EXPECT_EQ(cfg.nr_vifs, 2);
}

TEST(unknown_keys_warn_and_go_on)
{
    if (!OK(BASE "frobnicate = 1\nbootloader = 'pygrub'\npci = [ '0000:00:04.0' ]\nfoo.bar_2 = [ ]\n"))
        return;
    EXPECT_EQ(msgs.nr_warnings, 4);
    EXPECT_WARNING("t.cfg:4: frobnicate: unknown key, ignored");
    EXPECT_WARNING("t.cfg:5: bootloader: xl's key, not carried out by Mosaic, ignored");
    EXPECT_WARNING("t.cfg:6: pci: xl's key, not carried out by Mosaic, ignored");
    EXPECT_WARNING("t.cfg:7: foo.bar_2: unknown key, ignored");
    /* a key not taken still needs xl's syntax */
    REFUSED(BASE "frobnicate = 'unterminated\n", "t.cfg:4: frobnicate: missing closing quote (')");
}

TEST(warnings_are_bounded)
{
    static char text[4096];
    size_t n = (size_t)snprintf(text, sizeof(text), BASE);

    for (unsigned i = 0; i < XL_CFG_WARNINGS_MAX + 5; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "unknown%u = %u\n", i, i);
    if (!OK(text))
        return;
    EXPECT_EQ(msgs.nr_warnings, XL_CFG_WARNINGS_MAX);
    EXPECT_EQ(msgs.warnings_dropped, 5);
    EXPECT_WARNING("t.cfg:4: unknown0: unknown key, ignored");
    EXPECT_WARNING("t.cfg:11: unknown7: unknown key, ignored");
}

/* ---- checks across keys, on the later key's line ---- */

TEST(cross_checks_name_the_later_line)
{
    REFUSED(BASE "memory = 512\nmaxmem = 256\n", "t.cfg:5: maxmem: 256 MiB is less than memory's 512 MiB (line 4)");
    REFUSED(BASE "maxmem = 256\n\nmemory = 512\n", "t.cfg:6: memory: 512 MiB is more than maxmem's 256 MiB (line 4)");
    REFUSED(BASE "vcpus = 4\nmaxvcpus = 2\n", "t.cfg:5: maxvcpus: 2 is less than vcpus' 4 (line 4)");
    REFUSED(BASE "maxvcpus = 2\nvcpus = 4\n", "t.cfg:5: vcpus: 4 is more than maxvcpus' 2 (line 4)");
    REFUSED(BASE "cap = 101\n", "t.cfg:4: cap: 101 is more than 100 per vCPU, and the domain has 1 (by default)");
    REFUSED(BASE "vcpus = 2\ncap = 201\n",
            "t.cfg:5: cap: 201 is more than 100 per vCPU, and the domain has 2 (vcpus, line 4)");
    REFUSED(BASE "cap = 300\nmaxvcpus = 2\n", "t.cfg:5: maxvcpus: 2 vCPUs allow a cap of at most 200, and cap is "
                                              "300 (line 4)");
    if (OK(BASE "cap = 300\nvcpus = 1\nmaxvcpus = 3\n"))
        EXPECT_EQ(cfg.cap, 300);
}

/* ---- hostile text ---- */

TEST(nul_bytes)
{
    static const char in_string[] = BASE "extra = 'a\0b'\n";
    static const char in_comment[] = BASE "# a\0b\n";
    static const char between[] = BASE "memory = 64\0\n";
    static const char first[] = "\0name = 'g'\n";

    REFUSED_LEN(in_string, sizeof(in_string) - 1, "t.cfg:4: extra: a NUL byte in a string");
    REFUSED_LEN(in_comment, sizeof(in_comment) - 1, "t.cfg:4: syntax: a NUL byte: not a text file");
    REFUSED_LEN(between, sizeof(between) - 1, "t.cfg:4: memory: a NUL byte: not a text file");
    REFUSED_LEN(first, sizeof(first) - 1, "t.cfg:1: syntax: a NUL byte: not a text file");
    /* only len bytes are read: the text need not end with a NUL */
    if (!parse_len(BASE "memory = 640", sizeof(BASE) - 1 + 11))
        EXPECT_EQ(cfg.memory_mib, 64);
    else
        test_fail(__FILE__, __LINE__, "%s", msgs.error);
}

/* Turns every LF of text into CRLF, into out. */
static size_t crlf(const char *text, char *out)
{
    size_t n = 0;

    for (; *text; text++) {
        if (*text == '\n')
            out[n++] = '\r';
        out[n++] = *text;
    }
    out[n] = '\0';
    return n;
}

TEST(crlf_line_ends)
{
    static const char text[] = "name = 'g' # x\ntype = 'pvh'\nkernel = 'k'\ndisk = [\n 'vdb,,xvda',\n]\n"
                               "extra = 'a'\nmemory = 64";
    static char lf_only[sizeof(text)], both[2 * sizeof(text)];
    static struct xl_cfg lf_cfg;

    if (!OK(text))
        return;
    lf_cfg = cfg;
    memcpy(lf_only, text, sizeof(text));
    crlf(text, both);
    if (OK(both)) /* the same config, byte for byte */
        EXPECT_EQ(memcmp(&cfg, &lf_cfg, sizeof(cfg)), 0);
    REFUSED(BASE "memory = 64\rvcpus = 2\n",
            "t.cfg:4: memory: a carriage return (byte 0x0d) not followed by a line feed");
    REFUSED(BASE "extra = 'a\r\n'\n", "t.cfg:4: extra: missing closing quote (')");
}

TEST(huge_inputs)
{
    size_t big = XL_CFG_TEXT_MAX;
    char *text = malloc(big + 2);
    size_t n, lines = 0;

    if (!text)
        return;
    /* the largest file taken: comments, then the keys on its last lines */
    memset(text, '\n', big);
    for (size_t i = 0; i + 64 < big; i += 64) { /* 64-byte lines "# xxx...x" */
        memset(text + i, 'x', 63);
        text[i] = '#';
        text[i + 63] = '\n';
    }
    n = strlen(BASE "memory = 64\n");
    memcpy(text + big - n, BASE "memory = 64\n", n);
    for (size_t i = 0; i < big; i++)
        lines += text[i] == '\n';
    if (!parse_len(text, big)) {
        EXPECT_EQ(cfg.memory_mib, 64);
        EXPECT_EQ(cfg.line[XL_CFG_MEMORY], lines);
        EXPECT_EQ(cfg.end_line, lines);
    } else {
        test_fail(__FILE__, __LINE__, "%s", msgs.error);
    }
    text[big] = '\n';
    REFUSED_LEN(text, big + 1, "t.cfg:1: file: 1048577 bytes, more than 1048576");
    /* one line of blanks then a value; a setting repeated a thousand times */
    memset(text, ' ', big);
    memcpy(text + big - n, BASE "memory = 64\n", n);
    if (parse_len(text, big))
        test_fail(__FILE__, __LINE__, "%s", msgs.error);
    n = 0;
    n += (size_t)sprintf(text + n, BASE);
    for (unsigned i = 0; i < 1000; i++)
        n += (size_t)sprintf(text + n, "memory = %u\n", i + 1);
    if (OK(text)) {
        EXPECT_EQ(cfg.memory_mib, 1000);
        EXPECT_EQ(msgs.nr_warnings, XL_CFG_WARNINGS_MAX);
        EXPECT_EQ(msgs.warnings_dropped, 999 - XL_CFG_WARNINGS_MAX);
    }
    free(text);
}

TEST(long_file_names_are_cut)
{
    char name[300];

    memset(name, 'd', sizeof(name));
    memcpy(name + sizeof(name) - 10, "\x01/x.cfg", 8);
    name[sizeof(name) - 2] = '\0';
    EXPECT_EQ(xl_cfg_parse(name, "memory = 0", 10, &cfg, &msgs), -XEN_EINVAL);
    EXPECT_EQ(strncmp(msgs.error, "...dddd", 7), 0);
    EXPECT_TRUE(strstr(msgs.error, "d?/x.cfg:1: memory: 0 MiB is out of range") != NULL);
    EXPECT_EQ(strlen(msgs.error) < XL_CFG_MSG_MAX, 1);
}

TEST(lexer_tokens)
{
    static const char text[] = "a.b_1 += [0x1f, 'q\\'\"',\r\n\"\"] ; # c\n=";
    static const enum xl_tok want[] = { XL_TOK_WORD,   XL_TOK_ADD,     XL_TOK_OPEN,    XL_TOK_NUMBER, XL_TOK_COMMA,
                                        XL_TOK_STRING, XL_TOK_COMMA,   XL_TOK_NEWLINE, XL_TOK_STRING, XL_TOK_CLOSE,
                                        XL_TOK_SEMI,   XL_TOK_NEWLINE, XL_TOK_EQ,      XL_TOK_END,    XL_TOK_END };
    static const unsigned lines[] = { 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3 };
    static struct xl_lex l;

    xl_lex_init(&l, text, sizeof(text) - 1);
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        enum xl_tok t = xl_lex_next(&l);
        if (t != want[i] || l.tok_line != lines[i])
            test_fail(__FILE__, __LINE__, "token %u: %d on line %u, not %d on line %u", i, t, l.tok_line, want[i],
                      lines[i]);
        if (i == 0)
            EXPECT_STR(l.tok, "a.b_1");
        if (i == 3)
            EXPECT_STR(l.tok, "0x1f");
        if (i == 5)
            EXPECT_STR(l.tok, "q'\"");
        if (i == 8)
            EXPECT_TRUE(l.tok_len == 0 && !l.tok[0]);
    }
    /* an error stays: every later call gives it again */
    xl_lex_init(&l, "x\x01y", 3);
    EXPECT_EQ(xl_lex_next(&l), XL_TOK_WORD);
    EXPECT_EQ(xl_lex_next(&l), XL_TOK_ERROR);
    EXPECT_STR(l.why, "unexpected byte 0x01");
    EXPECT_EQ(xl_lex_next(&l), XL_TOK_ERROR);
    EXPECT_STR(l.why, "unexpected byte 0x01");
}

/* ---- the machine ---- */

TEST(machine_check)
{
    char error[XL_CFG_MSG_MAX];

    if (OK(BASE "memory = 9000\n")) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 4, error, sizeof(error)), -XEN_ENOMEM);
        EXPECT_STR(error, "t.cfg:4: memory: 9000 MiB is more than the machine's 2048 MiB");
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 9000, 4, error, sizeof(error)), 0);
        EXPECT_STR(error, "");
    }
    if (OK(BASE "memory = 1024\nmaxmem = 4096\n")) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 4, error, sizeof(error)), -XEN_ENOMEM);
        EXPECT_STR(error, "t.cfg:5: maxmem: 4096 MiB is more than the machine's 2048 MiB");
    }
    if (OK(BASE "maxmem = 4096\n")) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 4, error, sizeof(error)), -XEN_ENOMEM);
        EXPECT_STR(error, "t.cfg:4: maxmem: 4096 MiB is more than the machine's 2048 MiB");
    }
    if (OK(BASE)) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 16, 4, error, sizeof(error)), -XEN_ENOMEM);
        EXPECT_STR(error, "t.cfg:3: memory: the default 32 MiB is more than the machine's 16 MiB");
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 32, 1, error, sizeof(error)), 0);
    }
    if (OK(BASE "cpus = '0-5'\n")) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 4, error, sizeof(error)), -XEN_EINVAL);
        EXPECT_STR(error, "t.cfg:4: cpus: CPU 4 is not one of the machine's 4 (0 to 3)");
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 6, error, sizeof(error)), 0);
    }
    if (OK(BASE "vcpus = 2\ncpus = ['1', '7']\n")) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 4, error, sizeof(error)), -XEN_EINVAL);
        EXPECT_STR(error, "t.cfg:5: cpus: CPU 7 is not one of the machine's 4 (0 to 3)");
    }
    if (OK(BASE "vcpus = 2\ncpus = ['1', 'all,^0-3']\n")) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 4, error, sizeof(error)), -XEN_EINVAL);
        EXPECT_STR(error, "t.cfg:5: cpus: vCPU 1 may run on none of the machine's 4 CPUs");
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 64, error, sizeof(error)), 0);
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 200, error, sizeof(error)), 0);
    }
    if (OK(BASE "cpus = 'all'\n")) {
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 1, error, sizeof(error)), 0);
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 0, error, sizeof(error)), -XEN_EINVAL);
        EXPECT_STR(error, "t.cfg:4: cpus: the machine has no CPU to run on");
        /* no room for a message: only the answer */
        EXPECT_EQ(xl_cfg_check_machine("t.cfg", &cfg, 2048, 0, error, 0), -XEN_EINVAL);
    }
}

TEST(field_names)
{
    static const char *const names[XL_CFG_FIELDS] = {
        "name",  "type",       "builder", "memory",      "maxmem",    "vcpus",    "maxvcpus",
        "cpus",  "cpu_weight", "cap",     "kernel",      "ramdisk",   "cmdline",  "root",
        "extra", "disk",       "vif",     "on_poweroff", "on_reboot", "on_crash",
    };

    for (unsigned f = 0; f < XL_CFG_FIELDS; f++)
        EXPECT_STR(xl_cfg_field_name(f), names[f]);
    EXPECT_STR(xl_cfg_field_name(XL_CFG_FIELDS), "?");
}

/* ---- the sample files, from disk ---- */

/* tests/configs/NAME parsed as the tool will: read whole, then parsed. */
static int parse_file(const char *name, int line)
{
    static char text[1 << 16];
    char path[128];
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "tests/configs/%s", name);
    if (!(f = fopen(path, "rb"))) {
        test_fail(__FILE__, line, "cannot open %s (run from the tree's top)", path);
        return -1;
    }
    n = fread(text, 1, sizeof(text), f);
    fclose(f);
    return xl_cfg_parse(path, text, n, &cfg, &msgs);
}

TEST(sample_files)
{
    char error[XL_CFG_MSG_MAX];

    EXPECT_EQ(parse_file("guest_full.cfg", __LINE__), 0);
    EXPECT_STR(msgs.error, "");
    EXPECT_EQ(msgs.nr_warnings, 0);
    EXPECT_STR(cfg.name, "guest1");
    EXPECT_STR(cfg.cmdline, "root=/dev/xvda console=hvc0 quiet");
    EXPECT_TRUE(cfg.memory_mib == 256 && cfg.maxmem_mib == 512 && cfg.vcpus == 2 && cfg.maxvcpus == 2);
    EXPECT_TRUE(cfg.nr_vcpu_cpumasks == 2 && cfg.vcpu_cpumask[0] == 1 && cfg.vcpu_cpumask[1] == 2);
    EXPECT_TRUE(cfg.weight == 512 && cfg.cap == 150);
    EXPECT_TRUE(cfg.nr_disks == 2 && cfg.disks[1].readonly && cfg.nr_vifs == 1);
    EXPECT_TRUE(cfg.on_poweroff == XL_ACTION_DESTROY && cfg.on_reboot == XL_ACTION_RESTART &&
                cfg.on_crash == XL_ACTION_PRESERVE);
    EXPECT_EQ(xl_cfg_check_machine("tests/configs/guest_full.cfg", &cfg, 2048, 2, error, sizeof(error)), 0);

    EXPECT_EQ(parse_file("guest_minimal.cfg", __LINE__), 0);
    EXPECT_TRUE(cfg.memory_mib == 32 && cfg.vcpus == 1 && msgs.nr_warnings == 0);

    EXPECT_EQ(parse_file("bad_missing_quote.cfg", __LINE__), -XEN_EINVAL);
    EXPECT_STR(msgs.error, "tests/configs/bad_missing_quote.cfg:4: kernel: missing closing quote (\")");
    EXPECT_EQ(parse_file("bad_disk_spec.cfg", __LINE__), -XEN_EINVAL);
    EXPECT_STR(msgs.error, "tests/configs/bad_disk_spec.cfg:8: disk: unknown access 'q': want r, ro, w or rw");
    EXPECT_EQ(parse_file("bad_on_crash.cfg", __LINE__), -XEN_EINVAL);
    EXPECT_STR(msgs.error, "tests/configs/bad_on_crash.cfg:6: on_crash: unknown action 'explode' (xl's are destroy, "
                           "restart, rename-restart, preserve, coredump-destroy, coredump-restart, soft-reset)");
    EXPECT_EQ(parse_file("bad_type_hvm.cfg", __LINE__), -XEN_EINVAL);
    EXPECT_STR(msgs.error, "tests/configs/bad_type_hvm.cfg:3: type: 'hvm': Mosaic runs PVH guests only, not xl's "
                           "HVM ones (type = \"pvh\")");
    /* a good file: the machine (2 GiB) refuses it */
    EXPECT_EQ(parse_file("bad_memory_machine.cfg", __LINE__), 0);
    EXPECT_EQ(xl_cfg_check_machine("tests/configs/bad_memory_machine.cfg", &cfg, 2048, 2, error, sizeof(error)),
              -XEN_ENOMEM);
    EXPECT_STR(error, "tests/configs/bad_memory_machine.cfg:6: memory: 9000 MiB is more than the machine's 2048 MiB");
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(defaults_are_xls),
        TEST_ENTRY(every_key),
        TEST_ENTRY(memory_and_vcpus_default_to_each_other),
        TEST_ENTRY(numbers_as_xl_reads_them),
        TEST_ENTRY(type_is_pvh_only),
        TEST_ENTRY(actions),
        TEST_ENTRY(names_and_paths),
        TEST_ENTRY(cmdline_root_extra_as_xl),
        TEST_ENTRY(cmdline_limits),
        TEST_ENTRY(cpus_forms),
        TEST_ENTRY(cpus_list_one_per_vcpu),
        TEST_ENTRY(disks),
        TEST_ENTRY(vifs),
        TEST_ENTRY(syntax_over_lines_with_comments),
        TEST_ENTRY(syntax_errors_name_line_and_key),
        TEST_ENTRY(lists_syntax),
        TEST_ENTRY(strings_and_escapes),
        TEST_ENTRY(duplicates_last_one_counts),
        TEST_ENTRY(append),
        TEST_ENTRY(unknown_keys_warn_and_go_on),
        TEST_ENTRY(warnings_are_bounded),
        TEST_ENTRY(cross_checks_name_the_later_line),
        TEST_ENTRY(nul_bytes),
        TEST_ENTRY(crlf_line_ends),
        TEST_ENTRY(huge_inputs),
        TEST_ENTRY(long_file_names_are_cut),
        TEST_ENTRY(lexer_tokens),
        TEST_ENTRY(machine_check),
        TEST_ENTRY(field_names),
        TEST_ENTRY(sample_files),
        TEST_END,
    });
}
