/*
 * IPv4 and MAC addresses as the control plane writes them: strict parsers and
 * formatters, and the argument types the CLI and the YAML schema use for them,
 * so a command, a config key and a Lua call accept exactly the same text.
 */
#ifndef VECNET_NET_ADDR_H
#define VECNET_NET_ADDR_H

#include <vecnet/cli.h>
#include <vecnet/common.h>
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

#endif
