/*
 * Applies a validated config through the same control functions the CLI and
 * Lua call: interfaces and addresses, routes, neighbours, plugin sections,
 * then the exec: files in order.
 */
#define VN_LOG_MOD "config"
#include <errno.h>
#include <string.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/vlan.h>

#include "app/engine_config.h"
#include "app/app.h"
#include "net/fib_priv.h"
#include "tcp/session_priv.h"

int vn_config_apply_sections(const struct vn_config *cfg, FILE *err);

/* Interfaces open before the graph is built (port-rx needs their queues). */
int
vn_config_create_interfaces(const struct vn_config *cfg)
{
	/* Before any interface: their link-local addresses follow it. */
	vn_ll6_set_mode(cfg->ip6_link_local, cfg->has_ip6_secret ? cfg->ip6_secret : NULL);
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct vn_config_interface *ci = &cfg->interfaces[i];
		uint32_t idx;
		int rc = vn_interface_create(ci->name, ci->device, ci->rx_queues, ci->mtu, &idx);
		if (rc < 0) {
			/* The driver's own words say why (no such Linux interface, ...). */
			VN_ERR("interface %s (%s): %s%s%s", ci->name, ci->device, strerror(-rc),
			       vn_eal_first_error()[0] ? "; DPDK said: " : "", vn_eal_first_error());
			return rc;
		}
		struct vn_interface *ifp = vn_interface_get(idx);
		for (uint32_t w = 0; w < ci->n_workers && w < VN_ARRAY_LEN(ifp->rx_workers); w++)
			ifp->rx_workers[w] = ci->workers[w];
	}
	/* Sub-interfaces have no queues of their own, but routes may name them. */
	for (uint32_t i = 0; i < cfg->n_subifs; i++) {
		const struct vn_config_subif *cs = &cfg->subifs[i];
		struct vn_subif_tags t = {
			.outer_tpid = cs->outer_tpid,
			.outer_vid = cs->outer_vid,
			.inner_vid = cs->inner_vid,
		};
		uint32_t idx;
		int rc = vn_subif_create(vn_interface_by_name(cs->parent)->if_index, cs->id, &t,
					 &idx);
		if (rc < 0) {
			VN_ERR("sub-interface %s.%u: %s", cs->parent, cs->id,
			       rc == -EEXIST ? "name or VLAN tags already used" : strerror(-rc));
			return rc;
		}
		if (cs->mtu)
			vn_interface_set_mtu(idx, cs->mtu);
	}
	return 0;
}

static int
config_apply_addrs6(const char *ifname, uint32_t if_index, const struct vn_prefix6 *a, uint32_t n)
{
	char b[VN_PREFIX6_STRLEN];

	for (uint32_t i = 0; i < n; i++) {
		int rc = vn_interface_addr6_add(if_index, &a[i]);
		if (rc < 0) {
			VN_ERR("%s: address %s: %s", ifname, vn_fmt_prefix6(&a[i], b),
			       strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* IPv6 neighbours, then routes (which may resolve through them). */
static int
config_apply_ip6(const struct vn_config *cfg)
{
	char b1[VN_PREFIX6_STRLEN], b2[VN_IP6_STRLEN];
	int rc;

	for (uint32_t i = 0; i < cfg->n_neighbors6; i++) {
		const struct vn_config_neighbor6 *cn = &cfg->neighbors6[i];
		struct vn_interface *ifp = vn_interface_by_name(cn->interface);
		rc = vn_neighbor6_set(ifp->if_index, &cn->address, cn->mac, true);
		if (rc < 0) {
			VN_ERR("neighbor %s on %s: %s", vn_fmt_ip6(&cn->address, b2),
			       cn->interface, strerror(-rc));
			return rc;
		}
	}
	for (uint32_t i = 0; i < cfg->n_routes6; i++) {
		const struct vn_config_route6 *cr = &cfg->routes6[i];
		struct vn_route6_path paths[VN_CFG_MAX_PATHS];

		/* A big table's buckets are cold: ask for the next batch's at once. */
		if (i % VN_FIB6_PREFETCH_MAX == 0) {
			struct vn_prefix6 next[VN_FIB6_PREFETCH_MAX];
			uint32_t n = VN_MIN(cfg->n_routes6 - i, VN_FIB6_PREFETCH_MAX);

			for (uint32_t k = 0; k < n; k++)
				next[k] = cfg->routes6[i + k].prefix;
			vn_fib6_prefetch(next, n);
		}
		struct vn_prefix6 p = cr->prefix;
		uint32_t if_index = VN_IF_ANY;

		if (cr->interface[0])
			if_index = vn_interface_by_name(cr->interface)->if_index;
		for (uint32_t k = 0; k < cr->n_paths; k++)
			paths[k] = (struct vn_route6_path){.via = cr->via[k], .if_index = if_index};
		vn_ip6_mask(&p.addr, p.len); /* a route names its network, as on the CLI */
		rc = cr->drop ? vn_route6_add_drop(&p) : vn_route6_add(&p, paths, cr->n_paths);
		if (rc < 0) {
			VN_ERR("route %s%s%s: %s", vn_fmt_prefix6(&p, b1),
			       cr->drop ? " drop" : " via ",
			       cr->drop ? "" : vn_fmt_ip6(&cr->via[0], b2),
			       rc == -ENOSPC ? "route table full (raise engine.ip6-routes)"
					     : strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* Addresses and state come after the graph exists (they program the FIB). */
int
vn_config_apply(const struct vn_config *cfg)
{
	struct vn_neighbor_config nc = {.queue_len = cfg->neighbor_queue_len,
					.timeout_ms = cfg->neighbor_timeout_ms};
	char b1[32], b2[32];
	int rc;

	rc = vn_neighbor_config_set(&nc);
	if (rc < 0) {
		VN_ERR("neighbor-config: %s", strerror(-rc));
		return rc;
	}
	/* Before the addresses: whether they are probed first. */
	rc = vn_nd6_config_set(&(struct vn_nd6_config){.reachable_ms = cfg->nd6_reachable_ms,
							.dad_transmits = cfg->nd6_dad_transmits});
	if (rc < 0) {
		VN_ERR("ip6-nd: %s", strerror(-rc));
		return rc;
	}
	for (uint32_t i = 0; i < cfg->n_interfaces; i++) {
		const struct vn_config_interface *ci = &cfg->interfaces[i];
		struct vn_interface *ifp = vn_interface_by_name(ci->name);
		for (uint32_t a = 0; a < ci->n_addresses; a++) {
			rc = vn_interface_addr_add(ifp->if_index, &ci->addresses[a]);
			if (rc < 0) {
				VN_ERR("%s: address %s: %s", ci->name,
				       vn_fmt_prefix(&ci->addresses[a], b1), strerror(-rc));
				return rc;
			}
		}
		rc = config_apply_addrs6(ci->name, ifp->if_index, ci->addresses6, ci->n_addresses6);
		if (rc < 0)
			return rc;
		if (ci->has_ra6 && (rc = vn_ra6_config_set(ifp->if_index, &ci->ra6)) < 0) {
			VN_ERR("%s: ip6-nd: %s", ci->name, strerror(-rc));
			return rc;
		}
		vn_interface_set_admin(ifp->if_index, ci->up);
	}
	for (uint32_t i = 0; i < cfg->n_subifs; i++) {
		const struct vn_config_subif *cs = &cfg->subifs[i];
		char name[2 * VN_IFNAME_MAX];

		snprintf(name, sizeof(name), "%s.%u", cs->parent, cs->id);
		struct vn_interface *ifp = vn_interface_by_name(name);
		for (uint32_t a = 0; ifp && a < cs->n_addresses; a++) {
			rc = vn_interface_addr_add(ifp->if_index, &cs->addresses[a]);
			if (rc < 0) {
				VN_ERR("%s: address %s: %s", name,
				       vn_fmt_prefix(&cs->addresses[a], b1), strerror(-rc));
				return rc;
			}
		}
		if (ifp) {
			rc = config_apply_addrs6(name, ifp->if_index, cs->addresses6,
						 cs->n_addresses6);
			if (rc < 0)
				return rc;
		}
		if (ifp && cs->has_ra6 && (rc = vn_ra6_config_set(ifp->if_index, &cs->ra6)) < 0) {
			VN_ERR("%s: ip6-nd: %s", name, strerror(-rc));
			return rc;
		}
		if (ifp)
			vn_interface_set_admin(ifp->if_index, cs->up);
	}
	for (uint32_t i = 0; i < cfg->n_neighbors; i++) {
		const struct vn_config_neighbor *cn = &cfg->neighbors[i];
		struct vn_interface *ifp = vn_interface_by_name(cn->interface);
		rc = vn_neighbor_set(ifp->if_index, cn->address, cn->mac, true);
		if (rc < 0) {
			VN_ERR("neighbor %s on %s: %s", vn_fmt_ip4(cn->address, b1), cn->interface,
			       strerror(-rc));
			return rc;
		}
	}
	for (uint32_t i = 0; i < cfg->n_routes; i++) {
		const struct vn_config_route *cr = &cfg->routes[i];
		struct vn_route_path paths[VN_CFG_MAX_PATHS];
		uint32_t if_index = VN_IF_ANY;

		if (cr->interface[0])
			if_index = vn_interface_by_name(cr->interface)->if_index;
		for (uint32_t p = 0; p < cr->n_paths; p++)
			paths[p] = (struct vn_route_path){.via = cr->via[p], .if_index = if_index};
		rc = cr->drop ? vn_route_add_drop(&cr->prefix)
			      : vn_route_add(&cr->prefix, paths, cr->n_paths);
		if (rc < 0) {
			VN_ERR("route %s%s%s: %s", vn_fmt_prefix(&cr->prefix, b1),
			       cr->drop ? " drop" : " via ",
			       cr->drop ? "" : vn_fmt_ip4(cr->via[0], b2),
			       rc == -ENOSPC && vn_fib_route_room() == 0
				   ? "route table full (raise engine.ip4-routes)"
				   : strerror(-rc));
			return rc;
		}
	}
	rc = config_apply_ip6(cfg);
	if (rc < 0)
		return rc;
	if ((rc = vn_tcp_cfg_apply(vn_cfg_map_get(cfg->root, "tcp"))) < 0)
		return rc;
	if (vn_config_apply_sections(cfg, stderr) != 0)
		return -EINVAL;
	return 0;
}

int
vn_config_early(const struct vn_config *cfg)
{
	return vn_tcp_cfg_early(vn_cfg_map_get(cfg->root, "tcp"));
}

int
vn_config_start(const struct vn_config *cfg)
{
	return vn_tcp_cfg_start(cfg->file, vn_cfg_map_get(cfg->root, "tcp"));
}

int
vn_config_exec(const struct vn_config *cfg)
{
	for (uint32_t i = 0; i < cfg->n_exec; i++) {
		struct vn_cli_out *o = vn_cli_out_new();
		int rc = vn_exec_file(cfg->exec[i], o);
		if (rc < 0)
			VN_ERR("exec %s", vn_cli_out_errmsg(o));
		else if (*vn_cli_out_text(o))
			VN_INFO("exec %s:\n%s", cfg->exec[i], vn_cli_out_text(o));
		vn_cli_out_free(o);
		if (rc < 0)
			return rc;
	}
	return 0;
}
