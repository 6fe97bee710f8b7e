/* Address parsers and formatters: strictness at every edge a config typo can hit. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <string.h>
#include <vecnet/net/interface.h>
#include <vecnet/common.h>

#include "vn_test.h"

static void
test_ip4_valid(void)
{
	uint32_t a = 1;
	char buf[16];

	CU_ASSERT_EQUAL(vn_parse_ip4("10.0.1.2", &a), 0);
	CU_ASSERT_EQUAL(a, 0x0a000102);
	CU_ASSERT_EQUAL(vn_parse_ip4("0.0.0.0", &a), 0);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(vn_parse_ip4("255.255.255.255", &a), 0);
	CU_ASSERT_EQUAL(a, 0xffffffff);
	CU_ASSERT_STRING_EQUAL(vn_fmt_ip4(0xc0000201, buf), "192.0.2.1");
	CU_ASSERT_STRING_EQUAL(vn_fmt_ip4(0xffffffff, buf), "255.255.255.255");
	CU_ASSERT_STRING_EQUAL(vn_fmt_ip4(0, buf), "0.0.0.0");
}

static void
test_ip4_invalid(void)
{
	static const char *const bad[] = {
	    "256.1.1.1", "1.2.3",    "1.2.3.4.5",  "1.2.3.4 ",	" 1.2.3.4", "1.2.3.4x",
	    "1.2.3.",	 ".1.2.3",   "1..2.3",	   "a.b.c.d",	"",	    "1.2.3.1000",
	    "01.2.3.4",	 "1.2.3.-4", "1.2.3.4/24", "0x1.2.3.4", "+1.2.3.4",
	};
	uint32_t a = 0x12345678;

	for (size_t i = 0; i < VN_ARRAY_LEN(bad); i++) {
		CU_ASSERT_EQUAL(vn_parse_ip4(bad[i], &a), -EINVAL);
		if (vn_parse_ip4(bad[i], &a) != -EINVAL)
			fprintf(stderr, "accepted bad IPv4 '%s'\n", bad[i]);
	}
	/* A failed parse leaves the output alone. */
	CU_ASSERT_EQUAL(a, 0x12345678);
	CU_ASSERT_EQUAL(vn_parse_ip4(NULL, &a), -EINVAL);
}

static void
test_prefix(void)
{
	struct vn_prefix p;
	char buf[19];

	CU_ASSERT_EQUAL(vn_parse_prefix("10.0.1.1/24", &p), 0);
	/* Host bits are kept: it is an interface address. */
	CU_ASSERT_EQUAL(p.addr, 0x0a000101);
	CU_ASSERT_EQUAL(p.len, 24);
	CU_ASSERT_STRING_EQUAL(vn_fmt_prefix(&p, buf), "10.0.1.1/24");
	CU_ASSERT_EQUAL(vn_parse_prefix("0.0.0.0/0", &p), 0);
	CU_ASSERT_EQUAL(p.addr, 0);
	CU_ASSERT_EQUAL(p.len, 0);
	CU_ASSERT_EQUAL(vn_parse_prefix("255.255.255.255/32", &p), 0);
	CU_ASSERT_EQUAL(p.len, 32);
	CU_ASSERT_STRING_EQUAL(vn_fmt_prefix(&p, buf), "255.255.255.255/32");

	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4/33", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4/", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4/-1", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4/24x", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4/24 ", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4/024", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4/100", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("256.2.3.4/8", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3/8", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("/8", &p), -EINVAL);
	CU_ASSERT_EQUAL(vn_parse_prefix("1.2.3.4//8", &p), -EINVAL);
}

static void
test_prefix_mask(void)
{
	CU_ASSERT_EQUAL(vn_prefix_mask(0), 0);
	CU_ASSERT_EQUAL(vn_prefix_mask(24), 0xffffff00);
	CU_ASSERT_EQUAL(vn_prefix_mask(32), 0xffffffff);
}

static void
test_mac(void)
{
	static const uint8_t want[6] = {0x02, 0x00, 0xab, 0xcd, 0xef, 0x09};
	uint8_t mac[6];
	char buf[18];

	CU_ASSERT_EQUAL(vn_parse_mac("02:00:ab:cd:ef:09", mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
	memset(mac, 0, sizeof(mac));
	CU_ASSERT_EQUAL(vn_parse_mac("02-00-AB-Cd-eF-09", mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
	CU_ASSERT_STRING_EQUAL(vn_fmt_mac(mac, buf), "02:00:ab:cd:ef:09");
	CU_ASSERT_EQUAL(vn_parse_mac("ff:ff:ff:ff:ff:ff", mac), 0);
	CU_ASSERT_STRING_EQUAL(vn_fmt_mac(mac, buf), "ff:ff:ff:ff:ff:ff");
}

static void
test_mac_invalid(void)
{
	static const char *const bad[] = {
	    "02:00:00:00:01",	    /* 5 bytes */
	    "02:00:00:00:01:02:03", /* 7 bytes */
	    "02:00:00:00:01:0",	    /* short last byte */
	    "2:0:0:0:1:2",	    /* single digits */
	    "02:00:00:00:01:022",   /* long last byte */
	    "02:00-00:00:01:02",    /* mixed separators */
	    "02.00.00.00.01.02",    /* wrong separator */
	    "0200.0000.0102",	    /* Cisco form */
	    "020000000102",	    /* no separators */
	    "02:00:00:00:01:0g",    /* not hex */
	    "02:00:00:00:01:02 ",   /* trailing space */
	    " 02:00:00:00:01:02",   /* leading space */
	    "",
	};
	uint8_t mac[6] = {1, 2, 3, 4, 5, 6};

	for (size_t i = 0; i < VN_ARRAY_LEN(bad); i++) {
		CU_ASSERT_EQUAL(vn_parse_mac(bad[i], mac), -EINVAL);
		if (vn_parse_mac(bad[i], mac) != -EINVAL)
			fprintf(stderr, "accepted bad MAC '%s'\n", bad[i]);
	}
	CU_ASSERT_EQUAL(mac[0], 1);
	CU_ASSERT_EQUAL(mac[5], 6);
}

static CU_TestInfo vn_parse_tests[] = {
    {"ip4 valid and format", test_ip4_valid},
    {"ip4 invalid", test_ip4_invalid},
    {"prefix", test_prefix},
    {"prefix mask", test_prefix_mask},
    {"mac valid and format", test_mac},
    {"mac invalid", test_mac_invalid},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo vn_suites[] = {
    {.pName = "parse", .pTests = vn_parse_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return vn_test_run(vn_suites);
}
