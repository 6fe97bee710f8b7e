/*
 * The engine's own config sections: schema tables, the checks that span
 * sections (routes and neighbours naming interfaces), and the conversion of a
 * validated tree into struct vn_config. Defaults live here and in config.h.
 *
 * Enum tables are indexed by the C enum, so conversion is a table lookup and a
 * new value cannot be accepted by the schema but missed by the converter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>

#include "app/engine_config.h"
#include "core/config_priv.h"
#include "tcp/session_priv.h"

/* Any lcore id DPDK can be built with; the EAL rejects cores that do not exist. */
#define VN_CFG_MAX_CORE 1023
/* sun_path is 108 bytes including the NUL. */
#define VN_CFG_MAX_SOCKET_PATH 107
#define VN_CFG_MAX_RX_QUEUES 64

static const char *const vn_hugepages_names[] = {
    [VN_HUGEPAGES_AUTO] = "auto", [VN_HUGEPAGES_ON] = "on", [VN_HUGEPAGES_OFF] = "off", NULL};
static const char *const vn_log_level_names[] = {[VN_LOG_ERROR] = "error",
						 [VN_LOG_WARNING] = "warning",
						 [VN_LOG_INFO] = "info",
						 [VN_LOG_DEBUG] = "debug",
						 NULL};
static const char *const vn_poll_names[] = {
    [VN_POLL_ALWAYS] = "always", [VN_POLL_ADAPTIVE] = "adaptive", NULL};
static const char *const vn_ll6_mode_names[] = {
    [VN_LL6_EUI64] = "eui64", [VN_LL6_STABLE] = "stable", NULL};

/* engine.ip6-stable-secret: 128 bits, 32 hex digits (colons allowed between bytes). */
static int
vn_cfg_parse_secret(const char *s, uint8_t out[VN_LL6_SECRET_LEN])
{
	uint32_t n = 0;

	while (*s && n < 2 * VN_LL6_SECRET_LEN) {
		int v = *s >= '0' && *s <= '9'	 ? *s - '0'
			: *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
			: *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
						 : -1;
		if (*s == ':' && n % 2 == 0 && n > 0) {
			s++;
			continue;
		}
		if (v < 0)
			return -EINVAL;
		if (out)
			out[n / 2] = (uint8_t)(n % 2 ? out[n / 2] | v : v << 4);
		n++;
		s++;
	}
	return *s == '\0' && n == 2 * VN_LL6_SECRET_LEN ? 0 : -EINVAL;
}

static int
vn_cfg_check_secret(const char *s)
{
	return vn_cfg_parse_secret(s, NULL);
}

static const struct vn_cfg_scalar vn_cfg_secret128 = {
    .expect = "a 128-bit secret in hex (32 hex digits)",
    .check = vn_cfg_check_secret,
};

static const struct vn_cfg_field vn_engine_fields[] = {
    {.key = "main-core",
     .type = VN_CFG_T_INT,
     .min = 0,
     .max = VN_CFG_MAX_CORE,
     .def = "0",
     .example = "0",
     .doc = "CPU of the control thread (CLI, timers, neighbour learning); it forwards too "
	    "when `workers` is empty. Must exist and be in the process's CPU affinity."},
    {.key = "workers",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_INT,
     .min = 0,
     .max = VN_CFG_MAX_CORE,
     .max_items = VN_CFG_MAX_WORKERS,
     .def = "[]",
     .example = "[1, 2]",
     .doc = "One forwarding thread per listed CPU; `[]` runs the graph on the main thread. "
	    "A worker on `main-core` is accepted with a warning (it shares the control "
	    "thread's core); isolate worker CPUs with `isolcpus` (docs/tuning.md)."},
    {.key = "buffers",
     .type = VN_CFG_T_INT,
     .min = 1024,
     .max = 16777216,
     .def = "16384",
     .example = "65536",
     .doc = "Packet buffers (mbufs) in the pool, about 2.3 KB each; with `hugepages: on` "
	    "enough 2 MB pages must be reserved for them (`--check` says how many)."},
    {.key = "ip4-routes",
     .type = VN_CFG_T_INT,
     .min = 1024,
     .max = 1 << 27,
     .def = "2097152",
     .example = "4194304",
     .doc = "Most IPv4 routes the FIB holds: static, connected, local and host routes "
	    "alike. An `ip route add` (or interface address) beyond it is refused whole, "
	    "saying the table is full. Memory (some 40 bytes a route) is touched only as "
	    "routes arrive."},
    {.key = "ip6-routes",
     .type = VN_CFG_T_INT,
     .min = 1024,
     .max = 1 << 23,
     .def = "262144",
     .example = "1048576",
     .doc = "Most IPv6 routes the FIB holds (static, connected, local and host routes "
	    "alike); an `ip route add` beyond it is refused saying the table is full. Its "
	    "tables are allocated at start, about 600 bytes a route beyond the default "
	    "(LPM groups, one 1 KB group per four routes, and the route hash): a million "
	    "routes take some 600 MB more."},
    {.key = "hugepages",
     .type = VN_CFG_T_ENUM,
     .enum_values = vn_hugepages_names,
     .def = "auto",
     .example = "on",
     .doc = "`on` needs reserved and mounted hugepages (fails at start otherwise, saying "
	    "the command); `off` uses ordinary memory; `auto` takes hugepages when enough "
	    "are free for `buffers` and a hugetlbfs is mounted."},
    {.key = "log-level",
     .type = VN_CFG_T_ENUM,
     .enum_values = vn_log_level_names,
     .def = "info",
     .example = "debug",
     .doc = "Least severe message logged, for vecnet's and DPDK's messages alike (DPDK's "
	    "lines are logged with their DPDK log type, e.g. `[dpdk:lib.eal]`)."},
    {.key = "poll",
     .type = VN_CFG_T_ENUM,
     .enum_values = vn_poll_names,
     .def = "adaptive",
     .example = "always",
     .doc = "`always` spins the forwarding thread; `adaptive` lets the main thread sleep "
	    "in the CLI poll after 1 ms without packets (workers always spin)."},
    {.key = "ip6-link-local",
     .type = VN_CFG_T_ENUM,
     .enum_values = vn_ll6_mode_names,
     .def = "eui64",
     .example = "stable",
     .doc = "How interfaces' IPv6 link-local addresses are made: `eui64` from the MAC "
	    "(RFC 4291, as VPP), or `stable` (RFC 8064, RFC 7217): opaque, the same across "
	    "restarts and MAC changes, different per interface name and per machine, so the "
	    "MAC is not given away. A stable one found duplicate by DAD is replaced (up to 3 "
	    "times)."},
    {.key = "ip6-stable-secret",
     .type = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_secret128,
     .def = "SHA-256 of /etc/machine-id, first 128 bits",
     .example = "\"00112233445566778899aabbccddeeff\"",
     .doc = "The secret key of `ip6-link-local: stable` (RFC 7217 secret_key), 32 hex "
	    "digits. Keep it to keep the addresses when the machine (its machine-id) "
	    "changes; by default it comes from /etc/machine-id, so it is stable across "
	    "restarts."},
    {.key = NULL},
};

static const struct vn_cfg_field vn_cli_fields[] = {
    {.key = "socket",
     .type = VN_CFG_T_STR,
     .max_len = VN_CFG_MAX_SOCKET_PATH,
     .def = "/run/vecnet/cli.sock",
     .example = "/run/vecnet/lab.sock",
     .doc = "Unix socket `vecnetctl -s` talks to; its directory is created if missing. "
	    "Two engines on one machine need two sockets."},
    {.key = NULL},
};

static const struct vn_cfg_field vn_plugins_fields[] = {
    {.key = "path",
     .type = VN_CFG_T_STR,
     .max_len = 255,
     .def = "`plugins/` beside the executable, else `PREFIX/lib/vecnet/plugins`",
     .example = "/usr/local/lib/vecnet/plugins",
     .doc = "Directory of the `*_plugin.so` files; must exist when given. Relative to the "
	    "config file's directory."},
    {.key = "enable",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_STR,
     .max_len = 255,
     .def = "[all]",
     .example = "[nat44, acl]",
     .doc = "Plugins to load, by descriptor name or by file name without `_plugin.so`; "
	    "`all` loads every one found. Each name must match a plugin in `path`."},
    {.key = NULL},
};

/* Router advertisements per interface (net/ra6.h), VPP's `ip6 nd IF ...`. */
static const struct vn_cfg_field vn_ra6_prefix_fields[] = {
    {.key = "prefix",
     .type = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_prefix6,
     .required = true,
     .example = "2001:db8:1::/64",
     .doc = "Prefix to advertise, or a connected one to change or hide."},
    {.key = "valid-lifetime",
     .type = VN_CFG_T_INT,
     .min = 0,
     .max = UINT32_MAX,
     .def = "2592000",
     .example = "86400",
     .doc = "Seconds; 4294967295 is infinite."},
    {.key = "preferred-lifetime",
     .type = VN_CFG_T_INT,
     .min = 0,
     .max = UINT32_MAX,
     .def = "604800",
     .example = "14400",
     .doc = "Seconds, at most valid-lifetime; 4294967295 is infinite."},
    {.key = "no-advertise", .type = VN_CFG_T_BOOL, .def = "false", .doc = "Left out of RAs."},
    {.key = "off-link", .type = VN_CFG_T_BOOL, .def = "false", .doc = "L flag clear."},
    {.key = "no-autoconfig",
     .type = VN_CFG_T_BOOL,
     .def = "false",
     .doc = "A flag clear: hosts make no SLAAC address in it."},
    {.key = NULL},
};

static const struct vn_cfg_field vn_ra6_fields[] = {
    {.key = "ra",
     .type = VN_CFG_T_BOOL,
     .def = "false",
     .example = "true",
     .doc = "Send router advertisements here (`ip6 nd IF no ra-suppress`); off by default."},
    {.key = "managed-config-flag", .type = VN_CFG_T_BOOL, .def = "false", .doc = "M flag."},
    {.key = "other-config-flag", .type = VN_CFG_T_BOOL, .def = "false", .doc = "O flag."},
    {.key = "send-unicast",
     .type = VN_CFG_T_BOOL,
     .def = "false",
     .doc = "Answer a router solicitation to its sender, not to ff02::1."},
    {.key = "suppress-link-layer",
     .type = VN_CFG_T_BOOL,
     .def = "false",
     .doc = "Leave our MAC (source link-layer option) out of RAs (`ra-suppress-link-layer`)."},
    {.key = "lifetime",
     .type = VN_CFG_T_INT,
     .min = 0,
     .max = VN_RA6_LIFETIME_MAX_S,
     .def = "3 x interval-max, at most 9000",
     .example = "1800",
     .doc = "Router lifetime in seconds: 0 (not a default router) or interval-max to 9000."},
    {.key = "interval-max",
     .type = VN_CFG_T_INT,
     .min = VN_RA6_MAX_INTERVAL_MIN_S,
     .max = VN_RA6_MAX_INTERVAL_MAX_S,
     .def = "200",
     .example = "30",
     .doc = "MaxRtrAdvInterval, seconds."},
    {.key = "interval-min",
     .type = VN_CFG_T_INT,
     .min = VN_RA6_MIN_INTERVAL_MIN_S,
     .max = VN_RA6_MAX_INTERVAL_MAX_S * 3 / 4,
     .def = "0.75 x interval-max",
     .example = "10",
     .doc = "MinRtrAdvInterval, seconds, 3 to 0.75 x interval-max."},
    {.key = "initial-count",
     .type = VN_CFG_T_INT,
     .min = 0,
     .max = 10,
     .def = "3",
     .doc = "The first unsolicited RAs go faster, this many ..."},
    {.key = "initial-interval",
     .type = VN_CFG_T_INT,
     .min = 1,
     .max = VN_RA6_MAX_INTERVAL_MAX_S,
     .def = "16",
     .doc = "... at most this many seconds apart (a cap: intervals shorter stay)."},
    {.key = "prefixes",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_MAP,
     .fields = vn_ra6_prefix_fields,
     .max_items = VN_RA6_PREFIX_MAX,
     .def = "[]",
     .example = "[{ prefix: 2001:db8:1::/64, valid-lifetime: 86400, preferred-lifetime: 14400 }]",
     .doc = "Per-prefix settings (`ip6 nd IF prefix ...`). Connected global prefixes are "
	    "advertised anyway, on-link and autonomous."},
    {.key = NULL},
};

static const struct vn_cfg_field vn_interface_fields[] = {
    {.key = "name",
     .type = VN_CFG_T_STR,
     .required = true,
     .max_len = VN_IFNAME_MAX - 1,
     .example = "lan0",
     .doc = "The interface's name in the CLI, routes and neighbours; unique."},
    {.key = "device",
     .type = VN_CFG_T_STR,
     .required = true,
     .max_len = 255,
     .example = "net_af_packet0,iface=veth0",
     .doc = "A PCI address (`0000:03:00.0`, bound to `vfio-pci` or `uio_pci_generic`), "
	    "DPDK vdev arguments (`net_af_packet0,iface=veth0`, `net_null0`, `net_pcap0,...`), "
	    "or `host:IFNAME` for a host interface: a Linux interface through vecnet's own "
	    "AF_PACKET driver, which takes Linux's offloads as they are (docs/interfaces.md). "
	    "Devices vecnet makes itself: `loopback`; "
	    "`tap:NAME[,host-ns=NS][,host-ip4-addr=A/LEN][,host-ip4-gw=A][,hw-addr=MAC]` "
	    "(a tap whose Linux side NAME is moved into namespace NS and addressed there); "
	    "`memif:master|slave[,id=N][,socket=PATH][,hw-addr=MAC]` (id 0 and "
	    "`/run/vpp/memif.sock` unless given). "
	    "`--check` looks for the Linux interface or the PCI device and its driver."},
    {.key = "rx-queues",
     .type = VN_CFG_T_INT,
     .min = 1,
     .max = VN_CFG_MAX_RX_QUEUES,
     .def = "1",
     .example = "2",
     .doc = "Receive queues, spread over the workers (RSS on NICs that have it)."},
    {.key = "mtu",
     .type = VN_CFG_T_INT,
     .min = 68,
     .max = 9000,
     .def = "1500",
     .example = "9000",
     .doc = "IP MTU; set on the device too where the driver allows it."},
    {.key = "addresses",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_prefix_any,
     .max_items = VN_CFG_MAX_ADDRS,
     .def = "[]",
     .example = "[10.0.1.1/24, 2001:db8:1::1/64]",
     .doc = "IPv4 and IPv6 addresses with prefix length; each adds a connected and a local "
	    "route. Every interface also has an IPv6 link-local address, from its MAC "
	    "unless `engine.ip6-link-local: stable`."},
    {.key = "up",
     .type = VN_CFG_T_BOOL,
     .def = "true",
     .example = "false",
     .doc = "Admin state at start: interfaces are up unless this says `false` "
	    "(`set interface state IF up` later)."},
    {.key = "workers",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_INT,
     .min = 0,
     .max = VN_CFG_MAX_CORE,
     .max_items = VN_CFG_MAX_WORKERS,
     .def = "spread over all",
     .example = "[0]",
     .doc = "Worker numbers (0 = first of `engine.workers`) that poll this interface's "
	    "receive queues, in queue order."},
    {.key = "ip6-nd",
     .type = VN_CFG_T_MAP,
     .fields = vn_ra6_fields,
     .example = "\n      ra: true\n      interval-max: 30\n",
     .doc = "IPv6 router advertisements on this interface (docs/ip6.md), off unless "
	    "`ra: true`. A received RA never installs a route or an address."},
    {.key = NULL},
};

/* VLAN sub-interfaces, VPP's `create sub-interfaces PARENT ID [dot1q V |
 * dot1ad V [dot1q V]] [inner-dot1q V]`: named PARENT.ID; `id` alone is dot1q
 * ID; with dot1ad, dot1q (or inner-dot1q) is the inner tag. */
static const struct vn_cfg_field vn_subif_fields[] = {
    {.key = "parent", .type = VN_CFG_T_STR, .required = true, .max_len = VN_IFNAME_MAX - 1},
    {.key = "id", .type = VN_CFG_T_INT, .required = true, .min = 0, .max = UINT32_MAX - 1},
    {.key = "dot1q", .type = VN_CFG_T_INT, .min = 1, .max = 4094},
    {.key = "dot1ad", .type = VN_CFG_T_INT, .min = 1, .max = 4094},
    {.key = "inner-dot1q", .type = VN_CFG_T_INT, .min = 1, .max = 4094},
    {.key = "mtu", .type = VN_CFG_T_INT, .min = 68, .max = 9000},
    {.key = "addresses",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_prefix_any,
     .max_items = VN_CFG_MAX_ADDRS},
    {.key = "up", .type = VN_CFG_T_BOOL},
    {.key = "ip6-nd",
     .type = VN_CFG_T_MAP,
     .fields = vn_ra6_fields,
     .doc = "IPv6 router advertisements on this sub-interface, as `interfaces[].ip6-nd`."},
    {.key = NULL},
};

static const struct vn_cfg_field vn_route_fields[] = {
    {.key = "prefix",
     .type = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_prefix_any,
     .required = true,
     .example = "0.0.0.0/0",
     .doc = "Destination prefix, IPv4 or IPv6."},
    {.key = "via",
     .type = VN_CFG_T_SCALAR_OR_LIST,
     .elem = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_ip_any,
     .min_items = 1,
     .max_items = VN_CFG_MAX_PATHS,
     .example = "[192.0.2.1, 192.0.2.2]",
     .doc = "Next hop, or a list of next hops (ECMP), of the prefix's family. Give `via` or "
	    "`drop: true`. An IPv6 link-local next hop needs `interface`."},
    {.key = "interface",
     .type = VN_CFG_T_STR,
     .max_len = VN_IFNAME_MAX - 1,
     .example = "lan0",
     .doc = "Interface of the next hop, when it is not found by the connected routes."},
    {.key = "drop",
     .type = VN_CFG_T_BOOL,
     .example = "true",
     .doc = "A route that drops (counted under `show errors`); must be `true` when given."},
    {.key = NULL},
};

static const struct vn_cfg_field vn_neighbor_fields[] = {
    {.key = "interface",
     .type = VN_CFG_T_STR,
     .required = true,
     .max_len = VN_IFNAME_MAX - 1,
     .example = "lan0",
     .doc = "Interface the neighbour is on."},
    {.key = "address",
     .type = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_ip_any,
     .required = true,
     .example = "10.0.1.2",
     .doc = "Its IPv4 or IPv6 address."},
    {.key = "mac",
     .type = VN_CFG_T_SCALAR,
     .scalar = &vn_cfg_mac,
     .required = true,
     .example = "\"02:00:00:00:01:02\"",
     .doc = "Its MAC address (quote it: YAML reads some as numbers)."},
    {.key = NULL},
};

/* Packets held while their next hop resolves (vn_neighbor_config). */
static const struct vn_cfg_field vn_neighbor_config_fields[] = {
    {.key = "queue-length",
     .type = VN_CFG_T_INT,
     .min = 0,
     .max = VN_NEIGHBOR_QUEUE_MAX,
     .def = "3",
     .example = "3",
     .doc = "Packets held per unresolved next hop, per worker; 0 drops them as before."},
    {.key = "resolve-timeout-ms",
     .type = VN_CFG_T_INT,
     .min = 1,
     .max = VN_NEIGHBOR_TIMEOUT_MAX_MS,
     .def = "1000",
     .example = "1000",
     .doc = "How long held packets wait for the answer before they are dropped."},
    {.key = NULL},
};

/* IPv6 neighbour discovery (vn_nd6_config). */
static const struct vn_cfg_field vn_nd6_config_fields[] = {
    {.key = "reachable-time-ms",
     .type = VN_CFG_T_INT,
     .min = 1,
     .max = VN_ND_REACHABLE_MAX_MS,
     .def = "30000",
     .example = "30000",
     .doc = "How long a confirmed IPv6 neighbour stays REACHABLE before it is STALE "
	    "(RFC 4861 ReachableTime)."},
    {.key = "dad-transmits",
     .type = VN_CFG_T_INT,
     .min = 0,
     .max = VN_ND_DAD_TRANSMITS_MAX,
     .def = "1",
     .example = "1",
     .doc = "Duplicate address detection probes per new IPv6 address, 1 s apart; 0 uses "
	    "addresses at once (RFC 4862 DupAddrDetectTransmits)."},
    {.key = NULL},
};

const struct vn_cfg_field vn_config_top_fields[] = {
    {.key = "engine",
     .type = VN_CFG_T_MAP,
     .fields = vn_engine_fields,
     .doc = "Threads, memory and logging.",
     .example = "  main-core: 0\n  workers: [1]\n  buffers: 16384\n  hugepages: auto\n"
		"  log-level: info\n"},
    {.key = "cli",
     .type = VN_CFG_T_MAP,
     .fields = vn_cli_fields,
     .doc = "The control socket.",
     .example = "  socket: /run/vecnet/cli.sock\n"},
    {.key = "plugins",
     .type = VN_CFG_T_MAP,
     .fields = vn_plugins_fields,
     .doc = "Which plugins load (before the rest of the file is checked: their sections "
	    "are known only then).",
     .example = "  path: ../build/plugins\n  enable: [all]\n"},
    {.key = "interfaces",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_MAP,
     .fields = vn_interface_fields,
     .def = "[]",
     .doc = "The engine's interfaces, created in order.",
     .example = "  - name: lan0\n    device: net_af_packet0,iface=veth-lan\n"
		"    addresses: [10.0.1.1/24]\n  - name: wan0\n    device: 0000:03:00.0\n"
		"    rx-queues: 2\n"},
    {.key = "sub-interfaces",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_MAP,
     .fields = vn_subif_fields,
     .def = "[]",
     .doc = "VLAN sub-interfaces (named PARENT.ID), created after the interfaces.",
     .example = "  - { parent: lan0, id: 100, addresses: [10.0.100.1/24], up: true }\n"},
    {.key = "routes",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_MAP,
     .fields = vn_route_fields,
     .def = "[]",
     .doc = "Static routes, after the interfaces' connected routes.",
     .example = "  - { prefix: 0.0.0.0/0, via: 192.0.2.1 }\n"
		"  - { prefix: 203.0.113.0/24, drop: true }\n"},
    {.key = "neighbors",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_MAP,
     .fields = vn_neighbor_fields,
     .def = "[]",
     .doc = "Static ARP entries.",
     .example = "  - { interface: lan0, address: 10.0.1.2, mac: \"02:00:00:00:01:02\" }\n"},
    {.key = "neighbor-config",
     .type = VN_CFG_T_MAP,
     .fields = vn_neighbor_config_fields,
     .doc = "Packets held while their next hop resolves by ARP (as Linux's unres_qlen).",
     .example = "  queue-length: 3\n  resolve-timeout-ms: 1000\n"},
    {.key = "ip6-nd",
     .type = VN_CFG_T_MAP,
     .fields = vn_nd6_config_fields,
     .doc = "IPv6 neighbour discovery: reachability time and duplicate address detection.",
     .example = "  reachable-time-ms: 30000\n  dad-transmits: 1\n"},
    {.key = "exec",
     .type = VN_CFG_T_LIST,
     .elem = VN_CFG_T_STR,
     .max_len = 4095,
     .def = "[]",
     .example = "[setup.cli, setup.lua]",
     .doc = "Files run in order once the engine is up: CLI command files (one command a "
	    "line, `#` comments) and Lua scripts (`.lua`). They are files, not commands; "
	    "`--check` checks they exist and are readable. Relative to the config file."},
    {.key = "tcp",
     .type = VN_CFG_T_MAP,
     .fields = vn_tcp_cfg_fields,
     .doc = "The TCP host stack (docs/tcp.md): on or off, FIFO sizes, timeouts and limits, "
	    "for connections opened after they change (`set tcp` at run time).",
     .example = "  enable: true\n  rx-fifo-size: 262144\n"},
    {.key = NULL},
};

/* --- cross-section checks --------------------------------------------- */

/* Items of a list section that are maps; skips what the schema already rejected. */
static const struct vn_cfg_node *
vn_cfg_first_map(const struct vn_cfg_node *seq)
{
	const struct vn_cfg_node *c = seq != NULL && seq->type == VN_CFG_SEQ ? seq->child : NULL;

	while (c != NULL && c->type != VN_CFG_MAP)
		c = c->next;
	return c;
}

static const struct vn_cfg_node *
vn_cfg_next_map(const struct vn_cfg_node *c)
{
	for (c = c->next; c != NULL && c->type != VN_CFG_MAP; c = c->next)
		;
	return c;
}

/* Index of c within its list, for error paths. */
static uint32_t
vn_cfg_index(const struct vn_cfg_node *seq, const struct vn_cfg_node *c)
{
	uint32_t i = 0;

	for (const struct vn_cfg_node *p = seq->child; p != c; p = p->next)
		i++;
	return i;
}

static const struct vn_cfg_node *
vn_cfg_scalar(const struct vn_cfg_node *map, const char *key)
{
	const struct vn_cfg_node *n = vn_cfg_map_get(map, key);

	return n != NULL && n->type == VN_CFG_SCALAR && n->value[0] != '\0' ? n : NULL;
}

static bool
vn_cfg_interface_exists(const struct vn_cfg_node *interfaces, const char *name)
{
	for (const struct vn_cfg_node *c = vn_cfg_first_map(interfaces); c;
	     c = vn_cfg_next_map(c)) {
		const struct vn_cfg_node *n = vn_cfg_scalar(c, "name");

		if (n != NULL && strcmp(n->value, name) == 0)
			return true;
	}
	return false;
}

/* The name a sub-interface item gives its interface ("lan0.100"); false
 * when the schema refused its parent or id. */
static bool
vn_cfg_subif_name(const struct vn_cfg_node *c, char *buf, size_t len)
{
	const struct vn_cfg_node *parent = vn_cfg_scalar(c, "parent");
	const struct vn_cfg_node *id = vn_cfg_scalar(c, "id");
	int64_t v;

	if (!parent || !id || vn_cfg_parse_int(id->value, &v) < 0)
		return false;
	snprintf(buf, len, "%s.%lld", parent->value, (long long)v);
	return true;
}

static bool
vn_cfg_subif_exists(const struct vn_cfg_node *subifs, const char *name)
{
	char buf[2 * VN_IFNAME_MAX];

	for (const struct vn_cfg_node *c = vn_cfg_first_map(subifs); c; c = vn_cfg_next_map(c))
		if (vn_cfg_subif_name(c, buf, sizeof(buf)) && strcmp(buf, name) == 0)
			return true;
	return false;
}

static void vn_cfg_check_ra6(struct vn_cfg_errors *e, const char *section,
			     const struct vn_cfg_node *iface, uint32_t i);

static void
vn_cfg_check_subifs(struct vn_cfg_errors *e, const struct vn_cfg_node *interfaces,
		    const struct vn_cfg_node *subifs)
{
	for (const struct vn_cfg_node *c = vn_cfg_first_map(subifs); c; c = vn_cfg_next_map(c)) {
		const struct vn_cfg_node *parent = vn_cfg_scalar(c, "parent");
		const struct vn_cfg_node *id = vn_cfg_scalar(c, "id");
		uint32_t i = vn_cfg_index(subifs, c);
		int64_t v;

		vn_cfg_check_ra6(e, "sub-interfaces", c, i);
		if (parent && !vn_cfg_interface_exists(interfaces, parent->value))
			vn_cfg_error(e, parent,
				     "sub-interfaces[%u].parent: no interface named '%s' in "
				     "interfaces",
				     i, parent->value);
		if (vn_cfg_map_get(c, "dot1q") && vn_cfg_map_get(c, "inner-dot1q") &&
		    !vn_cfg_map_get(c, "dot1ad"))
			continue; /* dot1q OUTER inner-dot1q INNER */
		if (vn_cfg_map_get(c, "dot1q") && vn_cfg_map_get(c, "dot1ad") &&
		    vn_cfg_map_get(c, "inner-dot1q"))
			vn_cfg_error(e, c,
				     "sub-interfaces[%u]: with dot1ad, give the inner tag as dot1q "
				     "or inner-dot1q, not both",
				     i);
		else if (vn_cfg_map_get(c, "inner-dot1q") && !vn_cfg_map_get(c, "dot1q") &&
			 !vn_cfg_map_get(c, "dot1ad"))
			vn_cfg_error(e, c, "sub-interfaces[%u]: inner-dot1q needs dot1q or dot1ad", i);
		else if (!vn_cfg_map_get(c, "dot1q") && !vn_cfg_map_get(c, "dot1ad") && id &&
			 vn_cfg_parse_int(id->value, &v) == 0 && (v < 1 || v > 4094))
			vn_cfg_error(e, id,
				     "sub-interfaces[%u].id: %lld is not a VLAN id (1-4094): give "
				     "dot1q or dot1ad",
				     i, (long long)v);
	}
}

static void
vn_cfg_check_interfaces(struct vn_cfg_errors *e, const struct vn_cfg_node *interfaces)
{
	for (const struct vn_cfg_node *c = vn_cfg_first_map(interfaces); c;
	     c = vn_cfg_next_map(c)) {
		const struct vn_cfg_node *name = vn_cfg_scalar(c, "name");

		vn_cfg_check_ra6(e, "interfaces", c, vn_cfg_index(interfaces, c));
		if (name == NULL)
			continue;
		for (const struct vn_cfg_node *p = vn_cfg_first_map(interfaces); p != c;
		     p = vn_cfg_next_map(p)) {
			const struct vn_cfg_node *first = vn_cfg_scalar(p, "name");

			if (first != NULL && strcmp(first->value, name->value) == 0) {
				vn_cfg_error(e, name,
					     "interfaces[%u].name: duplicate interface name '%s' "
					     "(first defined at %d:%d)",
					     vn_cfg_index(interfaces, c), name->value, first->line,
					     first->col);
				break;
			}
		}
	}
}

/* The ranges of ip6-nd that depend on each other (RFC 4861 6.2.1). */
static void
vn_cfg_check_ra6(struct vn_cfg_errors *e, const char *section, const struct vn_cfg_node *iface,
		 uint32_t i)
{
	const struct vn_cfg_node *nd = vn_cfg_map_get(iface, "ip6-nd"), *n, *pfx;
	int64_t max, v, valid;

	if (nd == NULL || nd->type != VN_CFG_MAP)
		return;
	max = vn_cfg_get_int(nd, "interval-max", VN_RA6_MAX_INTERVAL_DEF_S);
	if ((n = vn_cfg_scalar(nd, "interval-min")) && vn_cfg_parse_int(n->value, &v) == 0 &&
	    v > max * 3 / 4)
		vn_cfg_error(e, n, "%s[%u].ip6-nd.interval-min: %lld is more than 0.75 x "
				   "interval-max (%lld): give at most %lld",
			     section, i, (long long)v, (long long)max, (long long)(max * 3 / 4));
	if ((n = vn_cfg_scalar(nd, "lifetime")) && vn_cfg_parse_int(n->value, &v) == 0 && v != 0 &&
	    v < max)
		vn_cfg_error(e, n, "%s[%u].ip6-nd.lifetime: %lld is less than interval-max "
				   "(%lld): give 0 or %lld to 9000",
			     section, i, (long long)v, (long long)max, (long long)max);
	pfx = vn_cfg_map_get(nd, "prefixes");
	for (const struct vn_cfg_node *p = vn_cfg_first_map(pfx); p; p = vn_cfg_next_map(p)) {
		struct vn_prefix6 p6;

		n = vn_cfg_scalar(p, "prefix");
		if (n && vn_parse_prefix6(n->value, &p6) == 0 &&
		    (vn_ip6_is_link_local(&p6.addr) || vn_ip6_is_multicast(&p6.addr)))
			vn_cfg_error(e, n, "%s[%u].ip6-nd.prefixes[%u].prefix: %s is "
					   "link-local or multicast: advertise a global prefix",
				     section, i, vn_cfg_index(pfx, p), n->value);
		valid = vn_cfg_get_int(p, "valid-lifetime", VN_RA6_VALID_DEF_S);
		if ((n = vn_cfg_scalar(p, "preferred-lifetime")) &&
		    vn_cfg_parse_int(n->value, &v) == 0 && v > valid)
			vn_cfg_error(e, n, "%s[%u].ip6-nd.prefixes[%u].preferred-lifetime: "
					   "%lld is more than valid-lifetime (%lld)",
				     section, i, vn_cfg_index(pfx, p), (long long)v, (long long)valid);
	}
}

static const struct vn_cfg_node *vn_cfg_subifs; /* of the tree being checked */

static void
vn_cfg_check_ref(struct vn_cfg_errors *e, const struct vn_cfg_node *interfaces,
		 const struct vn_cfg_node *seq, const struct vn_cfg_node *item)
{
	const struct vn_cfg_node *ifn = vn_cfg_scalar(item, "interface");

	if (ifn != NULL && !vn_cfg_interface_exists(interfaces, ifn->value) &&
	    !vn_cfg_subif_exists(vn_cfg_subifs, ifn->value))
		vn_cfg_error(e, ifn,
			     "%s[%u].interface: no interface named '%s' in interfaces or "
			     "sub-interfaces",
			     seq->key, vn_cfg_index(seq, item), ifn->value);
}

/* Every next hop of the prefix's family (the scalars are checked already). */
static void
vn_cfg_check_route_family(struct vn_cfg_errors *e, const struct vn_cfg_node *route,
			  const struct vn_cfg_node *via, uint32_t i)
{
	const struct vn_cfg_node *prefix = vn_cfg_map_get(route, "prefix");
	struct vn_prefix p4;
	uint32_t a4;

	if (prefix == NULL || prefix->type != VN_CFG_SCALAR || via == NULL)
		return;
	bool is_ip4 = vn_parse_prefix(prefix->value, &p4) == 0;
	for (const struct vn_cfg_node *v = via->type == VN_CFG_SEQ ? via->child : via; v;
	     v = via->type == VN_CFG_SEQ ? v->next : NULL)
		if (v->type == VN_CFG_SCALAR && (vn_parse_ip4(v->value, &a4) == 0) != is_ip4)
			vn_cfg_error(e, v, "routes[%u].via: %s is not an %s address like the prefix",
				     i, v->value, is_ip4 ? "IPv4" : "IPv6");
}

static void
vn_cfg_check_routes(struct vn_cfg_errors *e, const struct vn_cfg_node *interfaces,
		    const struct vn_cfg_node *routes)
{
	if (routes == NULL || routes->type != VN_CFG_SEQ)
		return;
	/* The index is counted as we go: a million routes must not cost a million walks. */
	uint32_t i = 0;
	for (const struct vn_cfg_node *c = routes->child; c; c = c->next, i++) {
		if (c->type != VN_CFG_MAP)
			continue;
		const struct vn_cfg_node *via = vn_cfg_map_get(c, "via");
		const struct vn_cfg_node *drop = vn_cfg_map_get(c, "drop");
		bool is_drop;

		/* `drop: false` alone would be a route with nowhere to go. */
		if (via != NULL && drop != NULL)
			vn_cfg_error(e, drop, "routes[%u]: give either 'via' or 'drop', not both",
				     i);
		else if (via == NULL && drop == NULL)
			vn_cfg_error(e, c, "routes[%u]: expected one of 'via' or 'drop: true'", i);
		else if (drop != NULL && drop->type == VN_CFG_SCALAR &&
			 vn_cfg_parse_bool(drop->value, &is_drop) == 0 && !is_drop)
			vn_cfg_error(e, drop,
				     "routes[%u].drop: must be true when given (use 'via' "
				     "for a forwarding route)",
				     i);
		vn_cfg_check_ref(e, interfaces, routes, c);
		vn_cfg_check_route_family(e, c, via, i);
	}
}

static void
vn_cfg_check_workers(struct vn_cfg_errors *e, const struct vn_cfg_node *engine)
{
	const struct vn_cfg_node *workers = vn_cfg_map_get(engine, "workers");

	if (workers == NULL || workers->type != VN_CFG_SEQ)
		return;
	for (const struct vn_cfg_node *c = workers->child; c != NULL; c = c->next) {
		int64_t core, other;

		if (c->type != VN_CFG_SCALAR || vn_cfg_parse_int(c->value, &core) < 0)
			continue;
		for (const struct vn_cfg_node *p = workers->child; p != c; p = p->next) {
			if (p->type == VN_CFG_SCALAR && vn_cfg_parse_int(p->value, &other) == 0 &&
			    other == core) {
				vn_cfg_error(e, c, "engine.workers[%u]: core %lld is listed twice",
					     vn_cfg_index(workers, c), (long long)core);
				break;
			}
		}
	}
}

static void
vn_cfg_check_plugins(struct vn_cfg_errors *e, const struct vn_cfg_node *plugins)
{
	const struct vn_cfg_node *enable = vn_cfg_map_get(plugins, "enable");
	uint32_t n = 0;

	if (enable == NULL || enable->type != VN_CFG_SEQ)
		return;
	for (const struct vn_cfg_node *c = enable->child; c != NULL; c = c->next)
		n++;
	for (const struct vn_cfg_node *c = enable->child; c != NULL; c = c->next)
		if (n > 1 && c->type == VN_CFG_SCALAR && strcmp(c->value, "all") == 0)
			vn_cfg_error(e, c, "plugins.enable: 'all' must be the only item");
}

int
vn_config_engine_check(struct vn_cfg_errors *e, const struct vn_cfg_node *root)
{
	const struct vn_cfg_node *interfaces = vn_cfg_map_get(root, "interfaces");
	const struct vn_cfg_node *neighbors = vn_cfg_map_get(root, "neighbors");
	int before = e->count;

	vn_cfg_check_workers(e, vn_cfg_map_get(root, "engine"));
	vn_cfg_check_plugins(e, vn_cfg_map_get(root, "plugins"));
	vn_cfg_check_interfaces(e, interfaces);
	vn_cfg_subifs = vn_cfg_map_get(root, "sub-interfaces");
	vn_cfg_check_subifs(e, interfaces, vn_cfg_subifs);
	vn_cfg_check_routes(e, interfaces, vn_cfg_map_get(root, "routes"));
	vn_tcp_cfg_check(e, vn_cfg_map_get(root, "tcp"));
	for (const struct vn_cfg_node *c = vn_cfg_first_map(neighbors); c; c = vn_cfg_next_map(c))
		vn_cfg_check_ref(e, interfaces, neighbors, c);
	return e->count - before;
}

/* --- conversion (the tree is valid here) ------------------------------ */
static uint32_t
vn_cfg_count(const struct vn_cfg_node *seq)
{
	uint32_t n = 0;

	for (const struct vn_cfg_node *c = seq ? seq->child : NULL; c != NULL; c = c->next)
		n++;
	return n;
}

static int
vn_cfg_enum_index(const char *const *names, const char *value, int def)
{
	for (int i = 0; value != NULL && names[i] != NULL; i++)
		if (strcmp(names[i], value) == 0)
			return i;
	return def;
}

static uint32_t
vn_cfg_ints(const struct vn_cfg_node *seq, int *out)
{
	uint32_t n = 0;
	int64_t v;

	for (const struct vn_cfg_node *c = seq ? seq->child : NULL; c != NULL; c = c->next)
		if (vn_cfg_parse_int(c->value, &v) == 0)
			out[n++] = (int)v;
	return n;
}

/* A NULL-free array of copies of a list of strings; *n counts what was copied,
 * so vn_config_free can release a partial result. */
static int
vn_cfg_strings(const struct vn_cfg_node *seq, char ***out, uint32_t *n)
{
	uint32_t count = vn_cfg_count(seq);

	*n = 0;
	if (count == 0)
		return 0;
	*out = calloc(count, sizeof(**out));
	if (*out == NULL)
		return -ENOMEM;
	for (const struct vn_cfg_node *c = seq->child; c != NULL; c = c->next) {
		(*out)[*n] = strdup(c->value);
		if ((*out)[*n] == NULL)
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

static void
vn_cfg_convert_engine(const struct vn_cfg_node *engine, struct vn_config *cfg)
{
	cfg->main_core = (int)vn_cfg_get_int(engine, "main-core", 0);
	cfg->n_workers = vn_cfg_ints(vn_cfg_map_get(engine, "workers"), cfg->workers);
	cfg->buffers = (uint32_t)vn_cfg_get_int(engine, "buffers", 16384);
	cfg->ip4_routes = (uint32_t)vn_cfg_get_int(engine, "ip4-routes", VN_CFG_IP4_ROUTES_DEF);
	cfg->ip6_routes = (uint32_t)vn_cfg_get_int(engine, "ip6-routes", VN_CFG_IP6_ROUTES_DEF);
	cfg->hugepages = vn_cfg_enum_index(
	    vn_hugepages_names, vn_cfg_get_str(engine, "hugepages", NULL), VN_HUGEPAGES_AUTO);
	cfg->log_level = vn_cfg_enum_index(vn_log_level_names,
					   vn_cfg_get_str(engine, "log-level", NULL), VN_LOG_INFO);
	cfg->poll = vn_cfg_enum_index(vn_poll_names, vn_cfg_get_str(engine, "poll", NULL),
				      VN_POLL_ADAPTIVE);
	cfg->ip6_link_local = vn_cfg_enum_index(
	    vn_ll6_mode_names, vn_cfg_get_str(engine, "ip6-link-local", NULL), VN_LL6_EUI64);
	cfg->has_ip6_secret =
	    vn_cfg_parse_secret(vn_cfg_get_str(engine, "ip6-stable-secret", ""), cfg->ip6_secret) == 0;
}

static void
vn_cfg_convert_ra6(const struct vn_cfg_node *m, struct vn_ra6_config *c)
{
	const struct vn_cfg_node *pfx = vn_cfg_map_get(m, "prefixes");

	vn_ra6_config_default(c);
	c->send = vn_cfg_get_bool(m, "ra", false);
	c->managed = vn_cfg_get_bool(m, "managed-config-flag", false);
	c->other = vn_cfg_get_bool(m, "other-config-flag", false);
	c->send_unicast = vn_cfg_get_bool(m, "send-unicast", false);
	c->no_lladdr = vn_cfg_get_bool(m, "suppress-link-layer", false);
	c->max_interval_s = (uint32_t)vn_cfg_get_int(m, "interval-max", c->max_interval_s);
	c->min_interval_s = (uint32_t)vn_cfg_get_int(m, "interval-min", 0);
	c->lifetime_s = (uint32_t)vn_cfg_get_int(m, "lifetime", VN_RA6_LIFETIME_AUTO);
	c->initial_count = (uint32_t)vn_cfg_get_int(m, "initial-count", c->initial_count);
	c->initial_interval_s =
	    (uint32_t)vn_cfg_get_int(m, "initial-interval", c->initial_interval_s);
	for (const struct vn_cfg_node *p = pfx ? pfx->child : NULL;
	     p != NULL && c->n_prefixes < VN_RA6_PREFIX_MAX; p = p->next) {
		struct vn_ra6_prefix *e = &c->prefixes[c->n_prefixes];

		if (vn_parse_prefix6(vn_cfg_get_str(p, "prefix", ""), &e->prefix) < 0)
			continue;
		vn_ip6_mask(&e->prefix.addr, e->prefix.len);
		e->valid_s = (uint32_t)vn_cfg_get_int(p, "valid-lifetime", VN_RA6_VALID_DEF_S);
		e->preferred_s =
		    (uint32_t)vn_cfg_get_int(p, "preferred-lifetime", VN_RA6_PREFERRED_DEF_S);
		e->no_advertise = vn_cfg_get_bool(p, "no-advertise", false);
		e->off_link = vn_cfg_get_bool(p, "off-link", false);
		e->no_autoconfig = vn_cfg_get_bool(p, "no-autoconfig", false);
		c->n_prefixes++;
	}
}

static void
vn_cfg_convert_interface(const struct vn_cfg_node *m, struct vn_config_interface *ifc)
{
	const struct vn_cfg_node *addrs = vn_cfg_map_get(m, "addresses");

	snprintf(ifc->name, sizeof(ifc->name), "%s", vn_cfg_get_str(m, "name", ""));
	snprintf(ifc->device, sizeof(ifc->device), "%s", vn_cfg_get_str(m, "device", ""));
	ifc->rx_queues = (uint16_t)vn_cfg_get_int(m, "rx-queues", 1);
	ifc->mtu = (uint16_t)vn_cfg_get_int(m, "mtu", 1500);
	ifc->up = vn_cfg_get_bool(m, "up", true);
	for (const struct vn_cfg_node *c = addrs ? addrs->child : NULL; c != NULL; c = c->next)
		if (vn_parse_prefix(c->value, &ifc->addresses[ifc->n_addresses]) == 0)
			ifc->n_addresses++;
		else if (vn_parse_prefix6(c->value, &ifc->addresses6[ifc->n_addresses6]) == 0)
			ifc->n_addresses6++;
	ifc->n_workers = vn_cfg_ints(vn_cfg_map_get(m, "workers"), ifc->workers);
	ifc->has_ra6 = vn_cfg_map_get(m, "ip6-nd") != NULL;
	if (ifc->has_ra6)
		vn_cfg_convert_ra6(vn_cfg_map_get(m, "ip6-nd"), &ifc->ra6);
}

static void
vn_cfg_convert_subif(const struct vn_cfg_node *m, struct vn_config_subif *s)
{
	const struct vn_cfg_node *addrs = vn_cfg_map_get(m, "addresses");
	bool ad = vn_cfg_map_get(m, "dot1ad") != NULL;

	snprintf(s->parent, sizeof(s->parent), "%s", vn_cfg_get_str(m, "parent", ""));
	s->id = (uint32_t)vn_cfg_get_int(m, "id", 0);
	s->outer_tpid = ad ? 0x88a8 : 0x8100;
	s->outer_vid = (uint16_t)(ad ? vn_cfg_get_int(m, "dot1ad", 0)
				     : vn_cfg_get_int(m, "dot1q", s->id));
	s->inner_vid = (uint16_t)vn_cfg_get_int(m, "inner-dot1q",
						ad ? vn_cfg_get_int(m, "dot1q", 0) : 0);
	s->mtu = (uint16_t)vn_cfg_get_int(m, "mtu", 0);
	s->up = vn_cfg_get_bool(m, "up", false);
	s->has_ra6 = vn_cfg_map_get(m, "ip6-nd") != NULL;
	if (s->has_ra6)
		vn_cfg_convert_ra6(vn_cfg_map_get(m, "ip6-nd"), &s->ra6);
	for (const struct vn_cfg_node *c = addrs ? addrs->child : NULL; c != NULL; c = c->next)
		if (vn_parse_prefix(c->value, &s->addresses[s->n_addresses]) == 0)
			s->n_addresses++;
		else if (vn_parse_prefix6(c->value, &s->addresses6[s->n_addresses6]) == 0)
			s->n_addresses6++;
}

static void
vn_cfg_convert_route(const struct vn_cfg_node *m, struct vn_config_route *r)
{
	const struct vn_cfg_node *via = vn_cfg_map_get(m, "via");

	vn_parse_prefix(vn_cfg_get_str(m, "prefix", ""), &r->prefix);
	r->drop = vn_cfg_get_bool(m, "drop", false);
	if (via != NULL && via->type == VN_CFG_SCALAR && vn_parse_ip4(via->value, &r->via[0]) == 0)
		r->n_paths = 1;
	for (const struct vn_cfg_node *c = via && via->type == VN_CFG_SEQ ? via->child : NULL;
	     c != NULL; c = c->next)
		if (vn_parse_ip4(c->value, &r->via[r->n_paths]) == 0)
			r->n_paths++;
	snprintf(r->interface, sizeof(r->interface), "%s", vn_cfg_get_str(m, "interface", ""));
}

static void
vn_cfg_convert_route6(const struct vn_cfg_node *m, struct vn_config_route6 *r)
{
	const struct vn_cfg_node *via = vn_cfg_map_get(m, "via");

	vn_parse_prefix6(vn_cfg_get_str(m, "prefix", ""), &r->prefix);
	r->drop = vn_cfg_get_bool(m, "drop", false);
	if (via != NULL && via->type == VN_CFG_SCALAR && vn_parse_ip6(via->value, &r->via[0]) == 0)
		r->n_paths = 1;
	for (const struct vn_cfg_node *c = via && via->type == VN_CFG_SEQ ? via->child : NULL;
	     c != NULL; c = c->next)
		if (vn_parse_ip6(c->value, &r->via[r->n_paths]) == 0)
			r->n_paths++;
	snprintf(r->interface, sizeof(r->interface), "%s", vn_cfg_get_str(m, "interface", ""));
}

static void
vn_cfg_convert_neighbor6(const struct vn_cfg_node *m, struct vn_config_neighbor6 *nb)
{
	snprintf(nb->interface, sizeof(nb->interface), "%s", vn_cfg_get_str(m, "interface", ""));
	vn_parse_ip6(vn_cfg_get_str(m, "address", ""), &nb->address);
	vn_parse_mac(vn_cfg_get_str(m, "mac", ""), nb->mac);
}

static void
vn_cfg_convert_neighbor(const struct vn_cfg_node *m, struct vn_config_neighbor *nb)
{
	snprintf(nb->interface, sizeof(nb->interface), "%s", vn_cfg_get_str(m, "interface", ""));
	vn_parse_ip4(vn_cfg_get_str(m, "address", ""), &nb->address);
	vn_parse_mac(vn_cfg_get_str(m, "mac", ""), nb->mac);
}

int
vn_config_convert(const struct vn_cfg_node *root, struct vn_config *cfg)
{
	const struct vn_cfg_node *plugins = vn_cfg_map_get(root, "plugins");
	const struct vn_cfg_node *enable = vn_cfg_map_get(plugins, "enable");
	const struct vn_cfg_node *interfaces = vn_cfg_map_get(root, "interfaces");
	const struct vn_cfg_node *subifs = vn_cfg_map_get(root, "sub-interfaces");
	const struct vn_cfg_node *routes = vn_cfg_map_get(root, "routes");
	const struct vn_cfg_node *neighbors = vn_cfg_map_get(root, "neighbors");
	const struct vn_cfg_node *c;
	uint32_t i;

	vn_cfg_convert_engine(vn_cfg_map_get(root, "engine"), cfg);
	vn_config_resolve_path(cfg->file,
			       vn_cfg_get_str(vn_cfg_map_get(root, "cli"), "socket",
					      "/run/vecnet/cli.sock"),
			       cfg->cli_socket, sizeof(cfg->cli_socket));
	vn_config_plugin_dir(cfg->file, root, cfg->plugins_path, sizeof(cfg->plugins_path));
	cfg->neighbor_queue_len = (uint32_t)vn_cfg_get_int(
	    vn_cfg_map_get(root, "neighbor-config"), "queue-length", VN_NEIGHBOR_QUEUE_DEFAULT);
	cfg->neighbor_timeout_ms =
	    (uint32_t)vn_cfg_get_int(vn_cfg_map_get(root, "neighbor-config"), "resolve-timeout-ms",
				     VN_NEIGHBOR_TIMEOUT_DEFAULT_MS);
	cfg->nd6_reachable_ms = (uint32_t)vn_cfg_get_int(
	    vn_cfg_map_get(root, "ip6-nd"), "reachable-time-ms", VN_ND_REACHABLE_DEFAULT_MS);
	cfg->nd6_dad_transmits = (uint32_t)vn_cfg_get_int(
	    vn_cfg_map_get(root, "ip6-nd"), "dad-transmits", VN_ND_DAD_TRANSMITS_DEFAULT);
	/* No `enable:` loads every plugin found; `[all]` says so explicitly. */
	if (enable == NULL || (enable->child != NULL && strcmp(enable->child->value, "all") == 0))
		cfg->plugins_all = true;
	else if (vn_cfg_strings(enable, &cfg->plugins_enable, &cfg->n_plugins_enable) < 0)
		return -ENOMEM;
	if (vn_cfg_strings(vn_cfg_map_get(root, "exec"), &cfg->exec, &cfg->n_exec) < 0)
		return -ENOMEM;
	for (i = 0; i < cfg->n_exec; i++) {
		char path[4096], *copy;

		vn_config_resolve_path(cfg->file, cfg->exec[i], path, sizeof(path));
		if ((copy = strdup(path)) == NULL)
			return -ENOMEM;
		free(cfg->exec[i]);
		cfg->exec[i] = copy;
	}

	/* calloc(0) may return NULL or not; either is fine for an empty table. */
	cfg->interfaces = calloc(vn_cfg_count(interfaces), sizeof(*cfg->interfaces));
	cfg->routes = calloc(vn_cfg_count(routes), sizeof(*cfg->routes));
	cfg->neighbors = calloc(vn_cfg_count(neighbors), sizeof(*cfg->neighbors));
	/* Sized for all: untouched pages of calloc cost nothing. */
	cfg->routes6 = calloc(vn_cfg_count(routes), sizeof(*cfg->routes6));
	cfg->neighbors6 = calloc(vn_cfg_count(neighbors), sizeof(*cfg->neighbors6));
	cfg->subifs = calloc(vn_cfg_count(subifs), sizeof(*cfg->subifs));
	if ((subifs != NULL && subifs->child != NULL && cfg->subifs == NULL) ||
	    (interfaces != NULL && interfaces->child != NULL && cfg->interfaces == NULL) ||
	    (routes != NULL && routes->child != NULL && cfg->routes == NULL) ||
	    (neighbors != NULL && neighbors->child != NULL &&
	     (cfg->neighbors == NULL || cfg->neighbors6 == NULL)) ||
	    (routes != NULL && routes->child != NULL && cfg->routes6 == NULL))
		return -ENOMEM;
	for (i = 0, c = interfaces ? interfaces->child : NULL; c != NULL; c = c->next, i++)
		vn_cfg_convert_interface(c, &cfg->interfaces[i]);
	cfg->n_interfaces = i;
	for (i = 0, c = subifs ? subifs->child : NULL; c != NULL; c = c->next, i++)
		vn_cfg_convert_subif(c, &cfg->subifs[i]);
	cfg->n_subifs = i;
	/* Each entry goes to its family's table, by its prefix or address. */
	for (c = routes ? routes->child : NULL; c != NULL; c = c->next) {
		struct vn_prefix p4;
		if (vn_parse_prefix(vn_cfg_get_str(c, "prefix", ""), &p4) == 0)
			vn_cfg_convert_route(c, &cfg->routes[cfg->n_routes++]);
		else
			vn_cfg_convert_route6(c, &cfg->routes6[cfg->n_routes6++]);
	}
	for (c = neighbors ? neighbors->child : NULL; c != NULL; c = c->next) {
		uint32_t a4;
		if (vn_parse_ip4(vn_cfg_get_str(c, "address", ""), &a4) == 0)
			vn_cfg_convert_neighbor(c, &cfg->neighbors[cfg->n_neighbors++]);
		else
			vn_cfg_convert_neighbor6(c, &cfg->neighbors6[cfg->n_neighbors6++]);
	}
	return 0;
}
