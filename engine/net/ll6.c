/*
 * Link-local interface identifiers, ra6_priv.h: modified EUI-64 (RFC 4291)
 * or stable, semantically opaque ones (RFC 8064, RFC 7217 section 5).
 * Main thread only; workers read the address from the interface snapshot.
 */
#define VN_LOG_MOD "ip6"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/interface.h>

#include "net/ra6_priv.h"

static enum vn_ll6_mode ll6_mode = VN_LL6_EUI64;
static uint8_t ll6_secret[VN_LL6_SECRET_LEN];
static uint8_t dad_counter[VN_IF_MAX];
static struct vn_ip6 manual[VN_IF_MAX]; /* :: when none */

int
vn_ll6_default_secret(uint8_t secret[VN_LL6_SECRET_LEN])
{
	static const char tag[] = "vecnet ip6-stable-secret";
	uint8_t id[64], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	ssize_t n;
	int fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, id, sizeof(id));
	close(fd);
	if (n < 32)
		return -ENODATA;
	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(tag) - 1, (const uint8_t *)tag);
	sha256_update(&ctx, (size_t)n, id);
	sha256_digest(&ctx, sizeof(digest), digest);
	memcpy(secret, digest, VN_LL6_SECRET_LEN);
	return 0;
}

void
vn_ll6_set_mode(enum vn_ll6_mode mode, const uint8_t *secret)
{
	ll6_mode = mode;
	if (secret) {
		memcpy(ll6_secret, secret, VN_LL6_SECRET_LEN);
	} else if (mode == VN_LL6_STABLE && vn_ll6_default_secret(ll6_secret) < 0) {
		/* Still opaque, but it changes if the hostname does. */
		char host[256] = "";
		struct sha256_ctx ctx;
		uint8_t digest[SHA256_DIGEST_SIZE];

		VN_WARN("no /etc/machine-id: the stable link-local secret comes from the hostname "
			"(set engine.ip6-stable-secret)");
		gethostname(host, sizeof(host) - 1);
		sha256_init(&ctx);
		sha256_update(&ctx, strlen(host), (const uint8_t *)host);
		sha256_digest(&ctx, sizeof(digest), digest);
		memcpy(ll6_secret, digest, VN_LL6_SECRET_LEN);
	}
}

enum vn_ll6_mode
vn_ll6_mode(void)
{
	return ll6_mode;
}

/* RFC 5453 reserved identifiers (and all zeros) are never used. */
static bool
ll6_iid_reserved(const uint8_t *iid)
{
	static const uint8_t zero[8], anycast_hi[7] = {0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t pmip[5] = {0x02, 0x00, 0x5e, 0xff, 0xfe};

	return memcmp(iid, zero, 8) == 0 || memcmp(iid, pmip, 5) == 0 ||
	       (memcmp(iid, anycast_hi, 7) == 0 && iid[7] >= 0x80);
}

void
vn_ll6_stable_of(const uint8_t secret[VN_LL6_SECRET_LEN], const char *ifname,
		 uint32_t dad_counter_v, struct vn_ip6 *out)
{
	/* F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key), no Network_ID. */
	static const uint8_t prefix[8] = {0xfe, 0x80};
	uint8_t digest[SHA256_DIGEST_SIZE], ctr[4];
	struct sha256_ctx ctx;

	for (;; dad_counter_v++) {
		ctr[0] = (uint8_t)(dad_counter_v >> 24);
		ctr[1] = (uint8_t)(dad_counter_v >> 16);
		ctr[2] = (uint8_t)(dad_counter_v >> 8);
		ctr[3] = (uint8_t)dad_counter_v;
		sha256_init(&ctx);
		sha256_update(&ctx, sizeof(prefix), prefix);
		sha256_update(&ctx, strlen(ifname), (const uint8_t *)ifname);
		sha256_update(&ctx, sizeof(ctr), ctr);
		sha256_update(&ctx, VN_LL6_SECRET_LEN, secret);
		sha256_digest(&ctx, sizeof(digest), digest);
		if (!ll6_iid_reserved(digest))
			break;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out->b, prefix, 8);
	memcpy(out->b + 8, digest, 8);
}

void
vn_interface_ll6(const struct vn_interface *ifp, struct vn_ip6 *out)
{
	if (ifp->if_index < VN_IF_MAX && !vn_ip6_is_unspecified(&manual[ifp->if_index]))
		*out = manual[ifp->if_index];
	else if (ll6_mode == VN_LL6_STABLE)
		vn_ll6_stable_of(ll6_secret, ifp->name,
				 ifp->if_index < VN_IF_MAX ? dad_counter[ifp->if_index] : 0, out);
	else
		vn_ip6_link_local_of(ifp->mac, out);
}

bool
vn_ll6_dad_failed(uint32_t if_index)
{
	const struct vn_interface *ifp = vn_interface_get(if_index);
	struct vn_ip6 ll;

	if (ll6_mode != VN_LL6_STABLE || !ifp || dad_counter[if_index] >= VN_LL6_IDGEN_RETRIES ||
	    !vn_ip6_is_unspecified(&manual[if_index]))
		return false; /* an address set by hand stays */
	/* RFC 7217 6: the next DAD counter gives a new identifier to try. */
	dad_counter[if_index]++;
	vn_interface_publish(if_index);
	vn_interface_ll6(ifp, &ll);
	VN_INFO("%s: trying stable link-local address number %u", ifp->name,
		dad_counter[if_index]);
	vn_dad6_start(if_index, &ll);
	return true;
}

uint32_t
vn_ll6_dad_counter(uint32_t if_index)
{
	return if_index < VN_IF_MAX ? dad_counter[if_index] : 0;
}

int
vn_ll6_set_manual(uint32_t if_index, const struct vn_ip6 *addr)
{
	const struct vn_interface *ifp = vn_interface_get(if_index);
	struct vn_ip6 old, now;

	if (!ifp || if_index >= VN_IF_MAX)
		return -ENODEV;
	if (addr && (!vn_ip6_is_link_local(addr) || vn_ip6_is_multicast(addr)))
		return -EINVAL;
	vn_interface_ll6(ifp, &old);
	manual[if_index] = addr ? *addr : (struct vn_ip6){{0}};
	vn_interface_ll6(ifp, &now);
	if (vn_ip6_eq(&old, &now))
		return 0;
	/* As when IPv6 is enabled: the new address is probed (RFC 4862 5.4). */
	vn_dad6_stop(if_index, &old);
	vn_interface_publish(if_index);
	if (ifp->n_addrs6)
		vn_dad6_start(if_index, &now);
	return 0;
}

void
vn_ll6_interface_del(uint32_t if_index)
{
	if (if_index < VN_IF_MAX) {
		dad_counter[if_index] = 0;
		manual[if_index] = (struct vn_ip6){{0}};
	}
}

/* A new interface in this slot starts from DAD counter 0. */
static void
ll6_interface_deleted(uint32_t if_index)
{
	vn_ll6_interface_del(if_index);
}

VN_INTERFACE_HOOKS(ll6_hooks) = {.deleted = ll6_interface_deleted};
