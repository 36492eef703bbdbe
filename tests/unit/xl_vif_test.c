/* SPDX-License-Identifier: MIT */
/*
 * Host tests of xl's vif syntax (lib/xl/xl_vif.c) and the
 * manifest's vif key: the keys of xl-network-configuration(5) and their
 * defaults, each refusal with its reason, the warnings for what a PV vif
 * ignores, MACs drawn in Xen's range and never twice, and the lines a
 * bad vif gives in a manifest.
 */
#include "xl_vif.h"

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "idl/xen_errno.h"
#include "manifest_caught.h"

static char why[XL_VIF_WHY_MAX];

static bool parses(const char *spec, struct xl_vif *v, int line)
{
    int r = xl_vif_parse(spec, v, why, sizeof(why));

    if (r)
        test_fail(__FILE__, line, "'%s' refused: %s", spec, why);
    return r == 0;
}

/* spec must be refused with a reason containing needle. */
static void refused(const char *spec, const char *needle, int line)
{
    struct xl_vif v;

    if (xl_vif_parse(spec, &v, why, sizeof(why)) != -XEN_EINVAL)
        test_fail(__FILE__, line, "'%s' was not refused", spec);
    else if (!strstr(why, needle))
        test_fail(__FILE__, line, "'%s': reason '%s' does not say '%s'", spec, why, needle);
}
#define REFUSED(spec, needle) refused(spec, needle, __LINE__)

TEST(vif_defaults)
{
    struct xl_vif v;

    if (!parses("", &v, __LINE__))
        return;
    EXPECT_FALSE(v.mac_given);
    EXPECT_EQ(v.mode, XL_VIF_BRIDGE);
    EXPECT_FALSE(v.script_given);
    EXPECT_TRUE(!strcmp(v.bridge, "xenbr0"));
    EXPECT_TRUE(!v.ip[0] && !v.vifname[0] && !v.gatewaydev[0] && !v.backend[0]);
    EXPECT_EQ(why[0], '\0');
}

TEST(vif_every_key)
{
    static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x74, 0x3d, 0x76 };
    struct xl_vif v;

    if (parses("mac=00:16:3E:74:3d:76, bridge=xenbr1,backend=netdrv,type=vif,vifname=vif-one", &v, __LINE__)) {
        EXPECT_TRUE(v.mac_given && !memcmp(v.mac, mac, 6));
        EXPECT_TRUE(!strcmp(v.bridge, "xenbr1") && !strcmp(v.backend, "netdrv") && !strcmp(v.vifname, "vif-one"));
        EXPECT_EQ(v.mode, XL_VIF_BRIDGE);
        EXPECT_EQ(why[0], '\0');
    }
    if (parses("script=vif-route,ip=10.0.0.2,gatewaydev=eth0,backend=netdrv", &v, __LINE__)) {
        EXPECT_EQ(v.mode, XL_VIF_ROUTE);
        EXPECT_TRUE(v.script_given);
        EXPECT_TRUE(!strcmp(v.ip, "10.0.0.2") && !strcmp(v.gatewaydev, "eth0"));
        EXPECT_EQ(v.bridge[0], '\0'); /* no default bridge outside bridge mode */
    }
    if (parses("script=/etc/xen/scripts/vif-nat, ip=192.168.1.9/24 192.168.1.10", &v, __LINE__)) {
        EXPECT_EQ(v.mode, XL_VIF_NAT);
        EXPECT_TRUE(!strcmp(v.ip, "192.168.1.9/24 192.168.1.10"));
    }
    if (parses("script=vif-bridge", &v, __LINE__))
        EXPECT_TRUE(v.mode == XL_VIF_BRIDGE && v.script_given && !strcmp(v.bridge, "xenbr0"));
    /* blanks, empty items and a trailing comma, as xl takes them */
    if (parses("  mac=02:00:00:00:00:01,,\tbridge=br,", &v, __LINE__))
        EXPECT_TRUE(v.mac[0] == 2 && v.mac[5] == 1 && !strcmp(v.bridge, "br"));
}

TEST(vif_warnings)
{
    struct xl_vif v;

    if (parses("model=e1000,bridge=xenbr0", &v, __LINE__))
        EXPECT_TRUE(strstr(why, "model 'e1000': ignored") != NULL);
    if (parses("accel=foo", &v, __LINE__))
        EXPECT_TRUE(strstr(why, "accel 'foo': ignored") != NULL);
}

TEST(vif_refusals_name_the_reason)
{
    REFUSED("mac=00:16:3e:00:00", "mac '00:16:3e:00:00': want six hex pairs");
    REFUSED("mac=00:16:3e:00:00:0g", "want six hex pairs");
    REFUSED("mac=00-16-3e-00-00-01", "want six hex pairs");
    REFUSED("mac=00:16:3e:00:00:01:", "want six hex pairs");
    REFUSED("mac=0:16:3e:00:00:01", "want six hex pairs");
    REFUSED("mac=01:00:5e:00:00:01", "multicast");
    REFUSED("mac=ff:ff:ff:ff:ff:ff", "multicast");
    REFUSED("mac=00:00:00:00:00:00", "zero");
    REFUSED("script=vif-route", "script 'vif-route': needs the guest's address");
    REFUSED("script=/etc/xen/scripts/vif-nat", "script 'vif-nat': needs the guest's address");
    REFUSED("script=vif-openvswitch", "want vif-bridge, vif-route or vif-nat");
    REFUSED("script=", "want vif-bridge");
    REFUSED("ip=10.0.0", "want IPv4 addresses");
    REFUSED("ip=10.0.0.256", "want IPv4 addresses");
    REFUSED("ip=10.0.0.1/33", "want IPv4 addresses");
    REFUSED("ip=10.0.0.1  10.0.0.2", "want IPv4 addresses");
    REFUSED("ip=10.0.0.1 ", "want IPv4 addresses");
    REFUSED("ip=0010.0.0.1", "want IPv4 addresses");
    REFUSED("type=ioemu", "type 'ioemu': an emulated NIC");
    REFUSED("type=foo", "unknown type 'foo'");
    REFUSED("rate=10Mb/s", "parameter 'rate': not supported here");
    REFUSED("mtu=9000", "parameter 'mtu': not supported here");
    REFUSED("devid=3", "parameter 'devid': not supported here");
    REFUSED("frobnicate=1", "unknown parameter 'frobnicate'");
    REFUSED("bridge", "parameter 'bridge': want key=value");
    REFUSED("bridge=xenbr0,bridge=xenbr1", "bridge given twice, again as 'xenbr1'");
    REFUSED("bridge=a-very-long-bridge-name", "an interface name");
    REFUSED("bridge=", "an interface name");
    REFUSED("vifname=vif one", "an interface name");
    REFUSED("gatewaydev=eth/0", "an interface name");
    REFUSED("backend=net/drv", "a domain name");
    REFUSED("backend=", "a domain name");
}

TEST(vif_spec_too_long_or_hostile_bytes)
{
    char spec[XL_VIF_SPEC_MAX + 2];
    struct xl_vif v;

    memset(spec, 'a', sizeof(spec) - 1);
    spec[sizeof(spec) - 1] = '\0';
    REFUSED(spec, "longer than 256 bytes");
    EXPECT_EQ(xl_vif_parse("bridge=x\x01\x7f", &v, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_TRUE(strstr(why, "'x?"
                            "?'") != NULL);
    /* a short reason buffer is cut, still terminated */
    EXPECT_EQ(xl_vif_parse("type=ioemu", &v, why, 8), -XEN_EINVAL);
    EXPECT_EQ(strlen(why), 7);
}

TEST(vif_random_mac_in_xens_range)
{
    uint8_t mac[6];

    xl_vif_random_mac(mac, 0xffffffffffabcdefull);
    EXPECT_TRUE(mac[0] == 0x00 && mac[1] == 0x16 && mac[2] == 0x3e);
    EXPECT_TRUE(mac[3] == 0xab && mac[4] == 0xcd && mac[5] == 0xef);
    EXPECT_TRUE(!strcmp(xl_vif_mode_name(XL_VIF_NAT), "nat") && !strcmp(xl_vif_script_name(XL_VIF_ROUTE), "vif-route"));
}

/* ---- the manifest's vif key, with what it prints ---- */

static char out[4096];

static const char head[] = "[netdrv]\nimage = netdrv.elf\nmemory = 16\n[guest]\nkernel = vmlinuz\nmemory = 128\n";

/* A source of bits that repeats a few values, then counts on. */
static uint64_t repeating(void *ctx)
{
    unsigned *calls = ctx;
    static const uint64_t seq[] = { 0x123456, 0x123456, 0x123456, 0x654321 };

    return *calls < 4 ? seq[(*calls)++] : 0x1000000 + (*calls)++;
}

TEST(manifest_vif_key)
{
    static struct manifest m;
    static char text[1024];
    unsigned calls = 0;

    snprintf(text, sizeof(text),
             "%svif = ['mac=00:16:3e:00:00:01,backend=netdrv', 'backend=netdrv', 'script=vif-nat, ip=10.1.0.2, "
             "backend=netdrv', \"backend=netdrv,bridge=xenbr1\"]\n",
             head);
    manifest_caught(text, &m, repeating, &calls, out, sizeof(out));
    EXPECT_EQ(m.errors, 0);
    EXPECT_EQ(out[0], '\0');
    EXPECT_TRUE(m.dom[1].valid);
    EXPECT_EQ(m.dom[1].nr_vifs, 4);
    EXPECT_EQ(m.dom[0].nr_vifs, 0);
    EXPECT_EQ(m.dom[1].vifs[0].mac[5], 1);
    EXPECT_EQ(m.dom[1].vifs[2].mode, XL_VIF_NAT);
    EXPECT_TRUE(!strcmp(m.dom[1].vifs[3].bridge, "xenbr1"));
    /* vif 1 draws 0x123456; vif 2 draws it twice again, then 0x654321 */
    EXPECT_TRUE(m.dom[1].vifs[1].mac[0] == 0x00 && m.dom[1].vifs[1].mac[2] == 0x3e);
    EXPECT_TRUE(m.dom[1].vifs[1].mac[3] == 0x12 && m.dom[1].vifs[1].mac[5] == 0x56);
    EXPECT_TRUE(m.dom[1].vifs[2].mac[3] == 0x65 && m.dom[1].vifs[2].mac[5] == 0x21);
    EXPECT_EQ(m.dom[1].vifs[3].mac[5], 0x04);
    EXPECT_EQ(calls, 5);
}

static uint64_t constant(void *ctx)
{
    (void)ctx;
    return 7;
}

/* A source that never gives a new MAC: the domain is named, not built. */
TEST(manifest_vif_mac_never_unique)
{
    static struct manifest m;
    static char text[512];

    snprintf(text, sizeof(text), "%svif = ['backend=netdrv', 'backend=netdrv']\n", head);
    manifest_caught(text, &m, constant, NULL, out, sizeof(out));
    EXPECT_FALSE(m.dom[1].valid);
    EXPECT_TRUE(m.dom[0].valid);
    EXPECT_TRUE(strstr(out, "builder: manifest:7: [guest] vif 1: no MAC unlike the others' in 32 draws") != NULL);
}

TEST(manifest_vif_warning_is_one_line_and_no_error)
{
    static struct manifest m;
    static char text[512];

    snprintf(text, sizeof(text), "%svif = ['model=rtl8139, backend=netdrv']\n", head);
    manifest_caught(text, &m, NULL, NULL, out, sizeof(out));
    EXPECT_EQ(m.errors, 0);
    EXPECT_TRUE(m.dom[1].valid);
    EXPECT_TRUE(!strcmp(out, "builder: manifest:7: [guest] warning for 'vif' 0: model 'rtl8139': ignored: a PV vif "
                             "has no emulated model\n"));
}

/* One error line naming the line, the section, the key and the value,
 * and the domain not built; the others are. */
#define MANIFEST_REFUSES(vif_line, needle) manifest_refuses(head, vif_line, needle, __FILE__, __LINE__)

TEST(manifest_vif_refusals)
{
    MANIFEST_REFUSES("vif = ['backend=nosuch']",
                     "builder: manifest:7: [guest] bad value for 'vif': no section before it is named: nosuch");
    MANIFEST_REFUSES("vif = ['bridge=xenbr0']",
                     "manifest:7: [guest] bad value for 'vif': ['bridge=xenbr0']: vif 0: name the driver domain");
    MANIFEST_REFUSES("vif = ['backend=guest']", "vif 0: name the driver domain");
    MANIFEST_REFUSES("vif = ['backend=netdrv', 'script=vif-route,backend=netdrv']",
                     "[guest] bad value for 'vif': ['backend=netdrv', 'script=vif-route,backend=netdrv']: vif 1: "
                     "script 'vif-route': needs the guest's address: give ip=A.B.C.D");
    MANIFEST_REFUSES("vif = ['mac=00:16:3e:00:00:01,backend=netdrv', 'mac=00:16:3E:00:00:01,backend=netdrv']",
                     "vif 1 has the MAC of vif 0");
    MANIFEST_REFUSES("vif = ['rate=10Mb/s,backend=netdrv']", "vif 0: parameter 'rate': not supported here");
    MANIFEST_REFUSES("vif = 'backend=netdrv'", "not a list");
    MANIFEST_REFUSES("vif = ['backend=netdrv', 'backend=netdrv', 'backend=netdrv', 'backend=netdrv', "
                     "'backend=netdrv']",
                     "more than 4 vifs");
}

/* xl network-detach's names: a handle, or a MAC as mac= takes it. */
TEST(vif_names)
{
    uint32_t handle = 99;
    uint8_t mac[6];
    bool by_mac = true;

    EXPECT_EQ(xl_vif_name_parse("0", &handle, mac, &by_mac), 0);
    EXPECT_TRUE(handle == 0 && !by_mac);
    EXPECT_EQ(xl_vif_name_parse("123456789", &handle, mac, &by_mac), 0);
    EXPECT_EQ(handle, 123456789);
    EXPECT_EQ(xl_vif_name_parse("00:16:3E:00:00:31", &handle, mac, &by_mac), 0);
    EXPECT_TRUE(by_mac && mac[0] == 0 && mac[2] == 0x3e && mac[5] == 0x31);
    EXPECT_EQ(xl_vif_name_parse("1234567890", &handle, mac, &by_mac), -XEN_EINVAL); /* ten digits */
    EXPECT_EQ(xl_vif_name_parse("", &handle, mac, &by_mac), -XEN_EINVAL);
    EXPECT_EQ(xl_vif_name_parse("eth1", &handle, mac, &by_mac), -XEN_EINVAL);
    EXPECT_EQ(xl_vif_name_parse("01:16:3e:00:00:31", &handle, mac, &by_mac), -XEN_EINVAL); /* multicast */
    EXPECT_EQ(xl_vif_name_parse("00:16:3e:00:00:31,ip=1.2.3.4", &handle, mac, &by_mac), -XEN_EINVAL);
    EXPECT_EQ(xl_vif_name_parse("00:16:3e:00:00:31 ", &handle, mac, &by_mac), -XEN_EINVAL);
    EXPECT_EQ(xl_vif_name_parse("-1", &handle, mac, &by_mac), -XEN_EINVAL);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(vif_defaults), TEST_ENTRY(vif_every_key), TEST_ENTRY(vif_warnings),
        TEST_ENTRY(vif_refusals_name_the_reason), TEST_ENTRY(vif_spec_too_long_or_hostile_bytes),
        TEST_ENTRY(vif_random_mac_in_xens_range), TEST_ENTRY(manifest_vif_key),
        TEST_ENTRY(manifest_vif_mac_never_unique), TEST_ENTRY(manifest_vif_warning_is_one_line_and_no_error),
        TEST_ENTRY(manifest_vif_refusals), TEST_ENTRY(vif_names), TEST_END });
}
