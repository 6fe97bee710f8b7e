/*
 * Address parsers and formatters shared by the CLI, the YAML loader and Lua.
 *
 * Parsing is strict on purpose: a config value like `10.0.1.1x` or `1.2.3` is a
 * typo, and accepting it the way inet_aton() does (octal, short forms, trailing
 * junk) would silently route somewhere else. Addresses are in host byte order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vecnet/net/addr.h>

/* Reads a decimal number of 1..max_digits digits at *s, no sign, no leading zero
 * (so "010" is not mistaken for octal or decimal), and advances *s past it. */
static int
vn_parse_dec(const char **s, uint32_t max_digits, uint32_t max_value, uint32_t *out)
{
	const char *p = *s;
	uint32_t v = 0, n = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > max_digits)
			return -EINVAL;
		v = v * 10 + (uint32_t)(*p - '0');
		p++;
	}
	if (n == 0 || (n > 1 && **s == '0') || v > max_value)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

/* Parses A.B.C.D at *s and advances past it; the caller checks what follows. */
static int
vn_parse_ip4_prefix_of(const char **s, uint32_t *addr)
{
	uint32_t a = 0, octet;

	for (int i = 0; i < 4; i++) {
		if (i > 0 && *(*s)++ != '.')
			return -EINVAL;
		if (vn_parse_dec(s, 3, 255, &octet) < 0)
			return -EINVAL;
		a = a << 8 | octet;
	}
	*addr = a;
	return 0;
}

int
vn_parse_ip4(const char *s, uint32_t *addr)
{
	uint32_t a;

	if (s == NULL || vn_parse_ip4_prefix_of(&s, &a) < 0 || *s != '\0')
		return -EINVAL;
	*addr = a;
	return 0;
}

int
vn_parse_prefix(const char *s, struct vn_prefix *p)
{
	uint32_t a, len;

	if (s == NULL || vn_parse_ip4_prefix_of(&s, &a) < 0 || *s++ != '/')
		return -EINVAL;
	if (vn_parse_dec(&s, 2, 32, &len) < 0 || *s != '\0')
		return -EINVAL;
	/* Host bits are kept: `10.0.1.1/24` is a valid interface address. */
	p->addr = a;
	p->len = (uint8_t)len;
	return 0;
}

static int
vn_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
vn_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	char sep = 0;

	if (s == NULL)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi, lo;

		if (i > 0) {
			/* Either separator, but the same one throughout. */
			if ((*s != ':' && *s != '-') || (sep != 0 && *s != sep))
				return -EINVAL;
			sep = *s++;
		}
		hi = vn_hex_digit(s[0]);
		lo = hi < 0 ? -1 : vn_hex_digit(s[1]);
		if (lo < 0)
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (*s != '\0')
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = m[i];
	return 0;
}

char *
vn_fmt_ip4(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
	return buf;
}

char *
vn_fmt_prefix(const struct vn_prefix *p, char *buf)
{
	char a[16];

	/* The clamp lets the compiler prove 19 bytes are enough. */
	snprintf(buf, 19, "%s/%u", vn_fmt_ip4(p->addr, a), VN_MIN((unsigned)p->len, 32u));
	return buf;
}

char *
vn_fmt_mac(const uint8_t mac[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

/* inet_pton is strict (no trailing junk, at most one "::"); the zone index
 * ("%eth0") it refuses too, which is what a route or address wants. */
int
vn_parse_ip6(const char *s, struct vn_ip6 *addr)
{
	struct vn_ip6 a;

	if (s == NULL || strchr(s, ':') == NULL || inet_pton(AF_INET6, s, a.b) != 1)
		return -EINVAL;
	*addr = a;
	return 0;
}

int
vn_parse_prefix6(const char *s, struct vn_prefix6 *p)
{
	char buf[VN_IP6_STRLEN];
	const char *slash = s ? strchr(s, '/') : NULL;
	uint32_t len;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	slash++;
	if (vn_parse_ip6(buf, &p->addr) < 0 || vn_parse_dec(&slash, 3, 128, &len) < 0 ||
	    *slash != '\0')
		return -EINVAL;
	p->len = (uint8_t)len;
	return 0;
}

char *
vn_fmt_ip6(const struct vn_ip6 *addr, char *buf)
{
	if (inet_ntop(AF_INET6, addr->b, buf, VN_IP6_STRLEN) == NULL)
		snprintf(buf, VN_IP6_STRLEN, "?");
	return buf;
}

char *
vn_fmt_prefix6(const struct vn_prefix6 *p, char *buf)
{
	char a[VN_IP6_STRLEN];

	snprintf(buf, VN_PREFIX6_STRLEN, "%s/%u", vn_fmt_ip6(&p->addr, a),
		 VN_MIN((unsigned)p->len, 128u));
	return buf;
}

/* --- as CLI arguments and YAML scalars ------------------------------------ */
static int
cli_parse_ip4(const char *w, void *out)
{
	return vn_parse_ip4(w, out);
}

static int
cli_parse_prefix(const char *w, void *out)
{
	return vn_parse_prefix(w, out);
}

static int
cli_parse_mac(const char *w, void *out)
{
	return vn_parse_mac(w, out);
}

const struct vn_cli_arg_type vn_cli_ip4 = {.what = "IPv4 address", .parse = cli_parse_ip4};
const struct vn_cli_arg_type vn_cli_prefix = {.what = "prefix A.B.C.D/LEN",
					      .parse = cli_parse_prefix};
const struct vn_cli_arg_type vn_cli_mac = {.what = "MAC address", .parse = cli_parse_mac};

static int
cli_parse_ip6(const char *w, void *out)
{
	return vn_parse_ip6(w, out);
}

static int
cli_parse_prefix6(const char *w, void *out)
{
	return vn_parse_prefix6(w, out);
}

const struct vn_cli_arg_type vn_cli_ip6 = {.what = "IPv6 address", .parse = cli_parse_ip6};
const struct vn_cli_arg_type vn_cli_prefix6 = {.what = "prefix X:X::X/LEN",
					       .parse = cli_parse_prefix6};

static int
cfg_check_ip4(const char *s)
{
	uint32_t a;

	return vn_parse_ip4(s, &a);
}

static int
cfg_check_prefix(const char *s)
{
	struct vn_prefix p;

	return vn_parse_prefix(s, &p);
}

static int
cfg_check_mac(const char *s)
{
	uint8_t mac[6];

	return vn_parse_mac(s, mac);
}

const struct vn_cfg_scalar vn_cfg_ip4 = {.expect = "an IPv4 address", .check = cfg_check_ip4};
const struct vn_cfg_scalar vn_cfg_prefix = {.expect = "an IPv4 prefix A.B.C.D/LEN",
					    .check = cfg_check_prefix};
const struct vn_cfg_scalar vn_cfg_mac = {.expect = "a MAC address xx:xx:xx:xx:xx:xx",
					 .check = cfg_check_mac};

static int
cfg_check_ip6(const char *s)
{
	struct vn_ip6 a;

	return vn_parse_ip6(s, &a);
}

static int
cfg_check_prefix6(const char *s)
{
	struct vn_prefix6 p;

	return vn_parse_prefix6(s, &p);
}

static int
cfg_check_ip_any(const char *s)
{
	return cfg_check_ip4(s) == 0 ? 0 : cfg_check_ip6(s);
}

static int
cfg_check_prefix_any(const char *s)
{
	return cfg_check_prefix(s) == 0 ? 0 : cfg_check_prefix6(s);
}

const struct vn_cfg_scalar vn_cfg_ip6 = {.expect = "an IPv6 address", .check = cfg_check_ip6};
const struct vn_cfg_scalar vn_cfg_prefix6 = {.expect = "an IPv6 prefix X:X::X/LEN",
					     .check = cfg_check_prefix6};
const struct vn_cfg_scalar vn_cfg_ip_any = {.expect = "an IPv4 or IPv6 address",
					    .check = cfg_check_ip_any};
const struct vn_cfg_scalar vn_cfg_prefix_any = {
    .expect = "a prefix A.B.C.D/LEN or X:X::X/LEN", .check = cfg_check_prefix_any};
