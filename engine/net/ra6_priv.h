/*
 * Engine-private parts of IPv6 router advertisements and link-local
 * addresses: the rows `show ip6 nd` and `show ip6 interface` share, and
 * how an interface's link-local interface identifier is made (ll6.c).
 */
#ifndef VN_RA6_PRIV_H
#define VN_RA6_PRIV_H

#include <vecnet/cli.h>
#include <vecnet/net/addr.h>

/* RA settings, prefixes and counters of if_index, indented two spaces. */
void vn_ra6_show_rows(struct vn_cli_out *out, uint32_t if_index);

/*
 * Link-local interface identifiers: modified EUI-64 of the MAC (RFC 4291,
 * VPP's way and the default), or stable and opaque (RFC 8064, RFC 7217
 * section 5): the first 64 bits of SHA-256(fe80::/64 prefix, interface
 * name, DAD counter, secret). A duplicate found by DAD moves a stable one
 * to the next DAD counter, up to VN_LL6_IDGEN_RETRIES times.
 */
enum vn_ll6_mode { VN_LL6_EUI64, VN_LL6_STABLE };
#define VN_LL6_IDGEN_RETRIES 3
#define VN_LL6_SECRET_LEN 16

/* Main thread, before interfaces exist: the mode and the secret (NULL:
 * vn_ll6_default_secret). */
void vn_ll6_set_mode(enum vn_ll6_mode mode, const uint8_t *secret);
enum vn_ll6_mode vn_ll6_mode(void);
/* SHA-256 of "vecnet ip6-stable-secret" and /etc/machine-id, first 16
 * bytes: stable across restarts, different per machine; -errno without it. */
int vn_ll6_default_secret(uint8_t secret[VN_LL6_SECRET_LEN]);
/* RFC 7217 section 5 for prefix fe80::/64 (pure). */
void vn_ll6_stable_of(const uint8_t secret[VN_LL6_SECRET_LEN], const char *ifname,
		      uint32_t dad_counter, struct vn_ip6 *out);
/* The link-local address of an interface (name, MAC, DAD counter). */
struct vn_interface;
void vn_interface_ll6(const struct vn_interface *ifp, struct vn_ip6 *out);
/* DAD found if_index's link-local address in use: true when a new stable
 * one is being tried (republished and probed), false to keep it. */
bool vn_ll6_dad_failed(uint32_t if_index);
uint32_t vn_ll6_dad_counter(uint32_t if_index);
/* VPP's `set ip6 link-local address IF ADDR`: a link-local address of our
 * choosing (fe80::/10 unicast; -EINVAL otherwise), NULL to go back to the
 * mode's own; republished and, if IPv6 is on there, probed. */
int vn_ll6_set_manual(uint32_t if_index, const struct vn_ip6 *addr);
void vn_ll6_interface_del(uint32_t if_index);

#endif
