/* SPDX-License-Identifier: MIT */
/*
 * Host tests of xl's disk syntax (lib/xl/xl_disk.c), xl's list
 * of strings (xl_list.c) and the manifest's disk key: the forms of
 * xl-disk-configuration(5) that mean the same disk, each refusal with its
 * reason, every vdev name of xen-vbd-interface(7)'s examples and their
 * limits, and the error line a bad disk gives in a manifest.
 */
#include "xl_disk.h"

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "idl/xen_errno.h"
#include "manifest_caught.h"
#include "xl_list.h"

static char why[XL_DISK_WHY_MAX];

static bool parses(const char *spec, struct xl_disk *d)
{
    int r = xl_disk_parse(spec, d, why, sizeof(why));
    if (r)
        test_fail(__FILE__, __LINE__, "'%s' refused: %s", spec, why);
    return r == 0;
}

/* spec must be refused with a reason containing needle. */
static void refused(const char *spec, const char *needle, int line)
{
    struct xl_disk d;

    if (xl_disk_parse(spec, &d, why, sizeof(why)) != -XEN_EINVAL)
        test_fail(__FILE__, line, "'%s' was not refused", spec);
    else if (!strstr(why, needle))
        test_fail(__FILE__, line, "'%s': reason '%s' does not say '%s'", spec, why, needle);
}
#define REFUSED(spec, needle) refused(spec, needle, __LINE__)

static void expect_disk(const char *spec, const char *target, const char *vdev, uint32_t devid, bool ro,
                        const char *backend, int line)
{
    struct xl_disk d;

    if (!parses(spec, &d))
        return;
    if (strcmp(d.target, target) || strcmp(d.vdev, vdev) || d.devid != devid || d.readonly != ro ||
        strcmp(d.backend, backend))
        test_fail(__FILE__, line, "'%s' gave target '%s' vdev '%s' devid %u %s backend '%s'", spec, d.target, d.vdev,
                  d.devid, d.readonly ? "ro" : "rw", d.backend);
}
#define EXPECT_DISK(spec, target, vdev, devid, ro, backend) \
    expect_disk(spec, target, vdev, devid, ro, backend, __LINE__)

TEST(disk_forms_of_the_same_disk)
{
    EXPECT_DISK("phy:vdb,xvda,w", "vdb", "xvda", 51712, false, "");
    EXPECT_DISK("phy:vdb2,xvdb,r", "vdb2", "xvdb", 51728, true, "");
    EXPECT_DISK("vdev=xvda, access=rw, format=raw, backend=blkdrv, devtype=disk, target=vdb", "vdb", "xvda", 51712,
                false, "blkdrv");
    EXPECT_DISK("phy:vdb,xvda,w,backend=blkdrv", "vdb", "xvda", 51712, false, "blkdrv");
    EXPECT_DISK("vdb,raw,xvda,rw", "vdb", "xvda", 51712, false, "");
    EXPECT_DISK("vdb,,xvda", "vdb", "xvda", 51712, false, "");
    EXPECT_DISK("vdb,,xvda,", "vdb", "xvda", 51712, false, "");
    EXPECT_DISK("raw:vdb,xvda,w", "vdb", "xvda", 51712, false, "");
    EXPECT_DISK("tap:aio:vdb,xvdc,ro", "vdb", "xvdc", 51744, true, "");
    EXPECT_DISK("phy:vdb,xvda:disk,w", "vdb", "xvda", 51712, false, "");
    EXPECT_DISK("backendtype=phy,vdev=xvde,target=vdb3", "vdb3", "xvde", 51776, false, "");
    EXPECT_DISK("  phy:vdb,\txvda,  r", "vdb", "xvda", 51712, true, "");
    /* an empty value may be given again (xl's rule) */
    EXPECT_DISK(",,xvda,,target=vdb", "vdb", "xvda", 51712, false, "");
}

TEST(disk_refusals_name_the_reason)
{
    REFUSED("", "no target");
    REFUSED("phy:vdb", "no vdev");
    REFUSED("phy:vdb,xvda,q", "unknown access 'q'");
    REFUSED("vdb,qcow2,xvda", "only raw");
    REFUSED("format=vhd,vdev=xvda,target=x", "only raw");
    REFUSED("vdb,foo,xvda", "unknown format 'foo'");
    REFUSED("qcow2:vdb,xvda,w", "only raw");
    REFUSED("vdb,,xvda,w,script=block-iscsi", "'script'");
    REFUSED("iscsi:iqn,xvda,w", "block scripts");
    REFUSED("nbd:host,xvda,w", "block scripts");
    REFUSED("bogus:/x,xvda,w", "unknown deprecated disk prefix 'bogus'");
    REFUSED("vdb,,hdc,cdrom", "flag 'cdrom'");
    REFUSED("vdb,,xvda,devtype=cdrom", "only disks");
    REFUSED("phy:vdb,hdc:cdrom,r", "only disks");
    REFUSED("vdb,,xvda,discard", "flag 'discard'");
    REFUSED("vdb,,xvda,backendtype=qdisk", "only phy");
    REFUSED("vdb,,xvda,colo-host=h", "'colo-host'");
    REFUSED("vdb,,xvda,frobnicate=1", "unknown parameter 'frobnicate'");
    REFUSED("phy:vdb,xvda,w,extra", "too many positional");
    REFUSED("phy:vdb,xvda,w,vdev=xvdb", "vdev given twice");
    REFUSED("phy:vdb,xvda,w,access=r", "access given twice");
    REFUSED("phy:vdb,xvda,w,backend=a,backend=b", "backend given twice");
    REFUSED("phy:vdb,xvda,w,backend=bad/name", "domain name");
    REFUSED("phy:vdb,xvdA,w", "not a virtual device name");
    REFUSED("phy:vdb,xvda0,w", "not a virtual device name");
    REFUSED("phy:v db,xvda,w", "letters, digits");
    /* xl's target= takes the rest of the spec, commas and all */
    REFUSED("vdev=xvda, access=rw, target=vdb, format=raw, backend=blkdrv", "put target= last");
    REFUSED("phy:vdb,xvdaaaaaaaaaaaaaaaaa,w", "vdev");
    REFUSED("target=0123456789012345678901234567890123456789012345678901234567890123456789,vdev=xvda", "longer than");
}

TEST(disk_spec_too_long_or_hostile_bytes)
{
    char spec[XL_DISK_SPEC_MAX + 2];
    struct xl_disk d;

    memset(spec, 'a', sizeof(spec) - 1);
    spec[sizeof(spec) - 1] = '\0';
    REFUSED(spec, "longer than 256 bytes");
    EXPECT_EQ(xl_disk_parse("phy:vd\x01\x7f,xvda,w", &d, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_TRUE(strstr(why, "'vd?"
                            "?'") != NULL);
    /* a short reason buffer is cut, still terminated */
    EXPECT_EQ(xl_disk_parse("phy:vdb,xvda,q", &d, why, 8), -XEN_EINVAL);
    EXPECT_EQ(strlen(why), 7);
}

struct vdev_case {
    const char *name;
    uint32_t devid;
};

TEST(vdev_numbers)
{
    static const struct vdev_case ok[] = {
        { "xvda", 51712 },  /* 202 << 8 */
        { "xvdb", 51728 },  /* disk 1 */
        { "xvdb2", 51730 }, /* xen-vbd-interface's d1p2 */
        { "xvdp15", 202u << 8 | 15u << 4 | 15 },
        { "xvdq", 1u << 28 | 16u << 8 },
        { "xvda16", 1u << 28 | 16 },
        { "xvdtq37", 1u << 28 | 536u << 8 | 37 }, /* xen-vbd-interface's d536p37 */
        { "xvdz", 1u << 28 | 25u << 8 },
        { "xvdaaaaa", 1u << 28 | 475254u << 8 },
        { "xvdaa", 1u << 28 | 26u << 8 },
        { "xvda255", 1u << 28 | 255 },
        { "d0", 51712 },
        { "d0p0", 51712 },
        { "d1p2", 51730 },
        { "d536p37", 1u << 28 | 536u << 8 | 37 },
        { "hda", 3u << 8 },
        { "hdb", 3u << 8 | 1u << 6 },
        { "hdc2", 22u << 8 | 2 }, /* xen-vbd-interface's hdc2 */
        { "hdd63", 22u << 8 | 1u << 6 | 63 },
        { "sda", 8u << 8 },
        { "sdb3", 8u << 8 | 1u << 4 | 3 }, /* xen-vbd-interface's sdb3 */
        { "sdp15", 8u << 8 | 15u << 4 | 15 },
        { "51712", 51712 },
        { "0xca10", 51728 },
        { "0145000", 51712 }, /* octal */
        { "268435456", 1u << 28 },
    };
    static const char *const bad[] = {
        "",
        "xvd",
        "xvd1",
        "xvdA",
        "xvda0",
        "xvda01",
        "xvda256",
        "xvda-1",
        "xvda1x",
        "hde",
        "hda64",
        "sdq",
        "sda16",
        "sd",
        "hd",
        "d",
        "dp1",
        "d01",
        "d0p",
        "d0p256",
        "d1048576",
        "1",
        "0",
        "768000",
        "536870912",
        "0x20000000",
        "xvdb 1",
        "vda",
        "xvdaaaaaa" /* disk 2^20 and over */,
        "99999999999999999999999",
        "0xzz",
    };
    uint32_t devid;

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        devid = 0;
        if (xl_vdev_devid(ok[i].name, &devid) != 0 || devid != ok[i].devid)
            test_fail(__FILE__, __LINE__, "%s gave %u, not %u", ok[i].name, devid, ok[i].devid);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (xl_vdev_devid(bad[i], &devid) != -XEN_EINVAL)
            test_fail(__FILE__, __LINE__, "'%s' was taken, as %u", bad[i], devid);
}

/* Every xvd name of one or two letters and partitions 0..20 numbers
 * differently: the encoding loses nothing. */
TEST(vdev_xvd_names_are_distinct)
{
    static uint32_t seen[(26 + 26 * 26) * 21];
    unsigned n = 0;
    char name[16];

    for (unsigned disk = 0; disk < 26 + 26 * 26; disk++)
        for (unsigned part = 0; part <= 20; part++) {
            int len = disk < 26
                          ? snprintf(name, sizeof(name), "xvd%c", 'a' + disk)
                          : snprintf(name, sizeof(name), "xvd%c%c", 'a' + (disk - 26) / 26, 'a' + (disk - 26) % 26);
            uint32_t devid;
            if (part)
                snprintf(name + len, sizeof(name) - (size_t)len, "%u", part);
            if (xl_vdev_devid(name, &devid) != 0) {
                test_fail(__FILE__, __LINE__, "%s refused", name);
                return;
            }
            EXPECT_EQ(devid, disk <= 15 && part <= 15 ? 202u << 8 | disk << 4 | part : 1u << 28 | disk << 8 | part);
            for (unsigned k = 0; k < n; k++)
                if (seen[k] == devid)
                    test_fail(__FILE__, __LINE__, "%s numbers as an earlier name, %u", name, devid);
            seen[n++] = devid;
        }
}

static char items[4][XL_LIST_ITEM_MAX + 1];
static unsigned nitems;

static int collect(void *ctx, const char *s)
{
    (void)ctx;
    if (nitems == 4)
        return -XEN_E2BIG;
    strcpy(items[nitems++], s);
    return 0;
}

TEST(xl_string_lists)
{
    nitems = 0;
    EXPECT_EQ(xl_list_parse("['phy:vdb,xvda,w', \"vdev=xvdb, target=vdb2\" ]", collect, NULL, why, sizeof(why)), 0);
    EXPECT_EQ(nitems, 2);
    EXPECT_TRUE(!strcmp(items[0], "phy:vdb,xvda,w") && !strcmp(items[1], "vdev=xvdb, target=vdb2"));
    nitems = 0;
    EXPECT_EQ(xl_list_parse(" [ ] ", collect, NULL, why, sizeof(why)), 0);
    EXPECT_EQ(xl_list_parse("['a',]", collect, NULL, why, sizeof(why)), 0);
    EXPECT_EQ(nitems, 1);
    nitems = 0;
    EXPECT_EQ(xl_list_parse("'a'", collect, NULL, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_EQ(xl_list_parse("['a' 'b']", collect, NULL, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_EQ(xl_list_parse("['a', b]", collect, NULL, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_TRUE(strstr(why, "item 2") != NULL);
    EXPECT_EQ(xl_list_parse("['a', 'b", collect, NULL, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_EQ(xl_list_parse("['a\\'b']", collect, NULL, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_EQ(xl_list_parse("['a'] x", collect, NULL, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_EQ(xl_list_parse("['a', 'b'", collect, NULL, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_EQ(nitems, 0); /* a bad list hands over nothing */
    /* the callback's refusal ends the walk and is returned */
    EXPECT_EQ(xl_list_parse("['1','2','3','4','5']", collect, NULL, why, sizeof(why)), -XEN_E2BIG);
    EXPECT_EQ(nitems, 4);
}

/* ---- the manifest's disk key, with what it prints ---- */

static char out[4096];

static const char head[] = "[blkdrv]\nimage = blkdrv.elf\nmemory = 16\n[guest]\nkernel = vmlinuz\nmemory = 128\n";

TEST(manifest_disk_key)
{
    static struct manifest m;
    static char text[1024];

    snprintf(text, sizeof(text), "%sdisk = ['phy:vdb,xvda,w,backend=blkdrv', 'phy:vdb2,xvdb,r,backend=blkdrv']\n",
             head);
    manifest_caught(text, &m, NULL, NULL, out, sizeof(out));
    EXPECT_EQ(m.errors, 0);
    EXPECT_TRUE(m.dom[1].valid);
    EXPECT_EQ(m.dom[1].nr_disks, 2);
    EXPECT_EQ(m.dom[1].disks[0].devid, 51712);
    EXPECT_TRUE(!m.dom[1].disks[0].readonly && m.dom[1].disks[1].readonly);
    EXPECT_TRUE(!strcmp(m.dom[1].disks[1].target, "vdb2") && !strcmp(m.dom[1].disks[1].backend, "blkdrv"));
    EXPECT_EQ(m.dom[0].nr_disks, 0);
}

/* One error line naming the line, the section, the key and the value,
 * and the domain not built; the others are. */
#define MANIFEST_REFUSES(disk_line, needle) manifest_refuses(head, disk_line, needle, __FILE__, __LINE__)

TEST(manifest_disk_refusals)
{
    MANIFEST_REFUSES("disk = ['phy:vdb,xvda,w,backend=nosuch']",
                     "builder: manifest:7: [guest] bad value for 'disk': no section before it is named: nosuch");
    MANIFEST_REFUSES("disk = ['phy:vdb,xvda,w']", "manifest:7: [guest] bad value for 'disk': ['phy:vdb,xvda,w']: "
                                                  "xvda: name the driver domain");
    MANIFEST_REFUSES("disk = ['phy:vdb,xvda,w,backend=guest']", "name the driver domain");
    MANIFEST_REFUSES("disk = ['phy:vdb,xvda,w,backend=blkdrv', 'phy:vdc,d0,w,backend=blkdrv']",
                     "d0 is the same device as xvda (51712)");
    MANIFEST_REFUSES("disk = ['phy:vdb,xvda,w,backend=blkdrv', 'phy:vdb,xvda,q,backend=blkdrv']",
                     "[guest] bad value for 'disk': ['phy:vdb,xvda,w,backend=blkdrv', "
                     "'phy:vdb,xvda,q,backend=blkdrv']: unknown access 'q'");
    MANIFEST_REFUSES("disk = 'phy:vdb,xvda,w,backend=blkdrv'", "not a list");
    MANIFEST_REFUSES("disk = ['a,,xvda,backend=blkdrv', 'b,,xvdb,backend=blkdrv', 'c,,xvdc,backend=blkdrv', "
                     "'d,,xvdd,backend=blkdrv', 'e,,xvde,backend=blkdrv']",
                     "more than 4 disks");
}

/* The backend must come first: a later section is refused as unknown. */
TEST(manifest_disk_backend_after_it)
{
    static struct manifest m;
    static const char text[] = "[guest]\nkernel = vmlinuz\nmemory = 128\ndisk = ['phy:vdb,xvda,w,backend=blkdrv']\n"
                               "[blkdrv]\nimage = blkdrv.elf\nmemory = 16\n";

    manifest_caught(text, &m, NULL, NULL, out, sizeof(out));
    EXPECT_EQ(m.errors, 1);
    EXPECT_FALSE(m.dom[0].valid);
    EXPECT_TRUE(m.dom[1].valid);
    EXPECT_TRUE(strstr(out, "manifest:4: [guest] bad value for 'disk': no section before it is named: blkdrv") != NULL);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(disk_forms_of_the_same_disk), TEST_ENTRY(disk_refusals_name_the_reason),
        TEST_ENTRY(disk_spec_too_long_or_hostile_bytes), TEST_ENTRY(vdev_numbers),
        TEST_ENTRY(vdev_xvd_names_are_distinct), TEST_ENTRY(xl_string_lists), TEST_ENTRY(manifest_disk_key),
        TEST_ENTRY(manifest_disk_refusals), TEST_ENTRY(manifest_disk_backend_after_it), TEST_END });
}
