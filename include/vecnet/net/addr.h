/*
 * IPv4, IPv6 and MAC addresses as the control plane writes them: strict parsers and
 * formatters, and the argument types the CLI and the YAML schema use for them,
 * so a command, a config key and a Lua call accept exactly the same text.
 */
#ifndef VECNET_NET_ADDR_H
#define VECNET_NET_ADDR_H

#include <vecnet/cli.h>
#include <vecnet/common.h>
#include <string.h>
#include <vecnet/config.h>

/* An IPv4 prefix; addresses are kept in host byte order in the control plane. */
struct vn_prefix {
	uint32_t addr;
	uint8_t len;
};

/* Parsers and formatters shared by CLI, config and Lua. Return 0 or -EINVAL. */
int vn_parse_ip4(const char *s, uint32_t *addr);
int vn_parse_prefix(const char *s, struct vn_prefix *p);
int vn_parse_mac(const char *s, uint8_t mac[6]);
/* Format into buf (at least 16 / 19 / 18 bytes) and return buf. */
char *vn_fmt_ip4(uint32_t addr, char *buf);
char *vn_fmt_prefix(const struct vn_prefix *p, char *buf);
char *vn_fmt_mac(const uint8_t mac[6], char *buf);

static inline uint32_t
vn_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/* CLI arguments: IPv4 address (host order), prefix A.B.C.D/LEN, MAC. */
extern const struct vn_cli_arg_type vn_cli_ip4, vn_cli_prefix, vn_cli_mac;

static inline bool
vn_cli_arg_ip4(struct vn_cli_args *a, uint32_t *addr)
{
	return vn_cli_arg(a, &vn_cli_ip4, addr);
}

static inline bool
vn_cli_arg_prefix(struct vn_cli_args *a, struct vn_prefix *p)
{
	return vn_cli_arg(a, &vn_cli_prefix, p);
}

static inline bool
vn_cli_arg_mac(struct vn_cli_args *a, uint8_t mac[6])
{
	return vn_cli_arg(a, &vn_cli_mac, mac);
}

/* YAML scalars: `.type = VN_CFG_T_SCALAR, .scalar = &vn_cfg_ip4` (or .elem). */
extern const struct vn_cfg_scalar vn_cfg_ip4, vn_cfg_prefix, vn_cfg_mac;

/* --- IPv6 ------------------------------------------------------------------
 * IPv6 addresses stay in network byte order everywhere (control plane and
 * packets alike): 16 bytes compare and hash the same either way, and the
 * fast path copies them without swapping. */
struct vn_ip6 {
	uint8_t b[16];
};

struct vn_prefix6 {
	struct vn_ip6 addr;
	uint8_t len;
};

/* RFC 5952 text (inet_pton/inet_ntop): no zone index, no trailing junk. */
int vn_parse_ip6(const char *s, struct vn_ip6 *addr);
int vn_parse_prefix6(const char *s, struct vn_prefix6 *p);
/* Format into buf (at least VN_IP6_STRLEN / VN_PREFIX6_STRLEN bytes) and return buf. */
#define VN_IP6_STRLEN 46
#define VN_PREFIX6_STRLEN 50
char *vn_fmt_ip6(const struct vn_ip6 *addr, char *buf);
char *vn_fmt_prefix6(const struct vn_prefix6 *p, char *buf);

static inline bool
vn_ip6_eq(const struct vn_ip6 *a, const struct vn_ip6 *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

static inline bool
vn_ip6_is_unspecified(const struct vn_ip6 *a)
{
	static const struct vn_ip6 zero;

	return vn_ip6_eq(a, &zero);
}

static inline bool
vn_ip6_is_multicast(const struct vn_ip6 *a)
{
	return a->b[0] == 0xff;
}

static inline bool
vn_ip6_is_link_local(const struct vn_ip6 *a)
{
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/* Clears the bits past len (a route names its network). */
static inline void
vn_ip6_mask(struct vn_ip6 *a, uint8_t len)
{
	for (uint32_t i = 0; i < 16; i++) {
		uint32_t bits = len > i * 8 ? VN_MIN(len - i * 8, 8u) : 0;
		a->b[i] &= (uint8_t)(0xff00u >> bits);
	}
}

/* True if a lies in p. */
static inline bool
vn_prefix6_contains(const struct vn_prefix6 *p, const struct vn_ip6 *a)
{
	struct vn_ip6 x = *a, y = p->addr;

	vn_ip6_mask(&x, p->len);
	vn_ip6_mask(&y, p->len);
	return vn_ip6_eq(&x, &y);
}

/* fe80::/64 with the modified EUI-64 interface identifier of mac (RFC 4291 2.5.1). */
static inline void
vn_ip6_link_local_of(const uint8_t mac[6], struct vn_ip6 *a)
{
	memset(a, 0, sizeof(*a));
	a->b[0] = 0xfe;
	a->b[1] = 0x80;
	a->b[8] = mac[0] ^ 0x02;
	a->b[9] = mac[1];
	a->b[10] = mac[2];
	a->b[11] = 0xff;
	a->b[12] = 0xfe;
	a->b[13] = mac[3];
	a->b[14] = mac[4];
	a->b[15] = mac[5];
}

/* ff02::1:ffXX:XXXX, the solicited-node group of a (RFC 4291 2.7.1). */
static inline void
vn_ip6_solicited_node_of(const struct vn_ip6 *a, struct vn_ip6 *group)
{
	static const uint8_t pfx[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};

	memcpy(group->b, pfx, sizeof(pfx));
	memcpy(group->b + 13, a->b + 13, 3);
}

/* 33:33 + the group's last 32 bits (RFC 2464 7). */
static inline void
vn_ip6_mcast_mac_of(const struct vn_ip6 *group, uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->b + 12, 4);
}

/* CLI arguments: IPv6 address, prefix X:X::X/LEN; either family's address or prefix. */
extern const struct vn_cli_arg_type vn_cli_ip6, vn_cli_prefix6;

static inline bool
vn_cli_arg_ip6(struct vn_cli_args *a, struct vn_ip6 *addr)
{
	return vn_cli_arg(a, &vn_cli_ip6, addr);
}

static inline bool
vn_cli_arg_prefix6(struct vn_cli_args *a, struct vn_prefix6 *p)
{
	return vn_cli_arg(a, &vn_cli_prefix6, p);
}

/* YAML scalars: an IPv6 address or prefix; an address or prefix of either family. */
extern const struct vn_cfg_scalar vn_cfg_ip6, vn_cfg_prefix6, vn_cfg_ip_any, vn_cfg_prefix_any;

#endif
