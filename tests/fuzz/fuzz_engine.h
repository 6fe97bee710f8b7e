/*
 * The engine a harness fuzzes: a real one, in process. An in-memory EAL, a
 * small packet pool, RCU, FIB, neighbours, the plugins of the fuzz build
 * (dlopened as the engine does), two interfaces on ring ports (lan0 inside,
 * wan0 outside), the graph on this thread, and a configuration set up
 * through the CLI so that every node is reachable: IPv4 and IPv6
 * addresses, routes of every kind, static neighbours, NAT44 with a pool and
 * a static mapping, ACLs of both families (reflexive sessions on lan0), a
 * dot1q sub-interface wan0.100 (VLAN 100) with ACLs both ways, the sample
 * filter, a few sessions already in the tables.
 */
#ifndef VN_FUZZ_ENGINE_H
#define VN_FUZZ_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vn_graph;
struct vn_cli_out;

#define VF_LAN 0 /* interface indexes */
#define VF_WAN 1
#define VF_WAN_VLAN 2 /* wan0.100, dot1q 100 on wan0 */

extern struct vn_graph *vf_graph;
extern struct vn_cli_out *vf_out;

/* Loads the plugins only (what `vecnet --check` does before validating). */
void vf_plugins_load(void);
/* The whole engine above; aborts on failure (a harness cannot run without it). */
void vf_engine_init(void);
/* Runs a CLI line; with must_succeed, aborts when it fails. */
int vf_cli(const char *line, bool must_succeed);
/* Sends a frame into port-rx of interface if_index (through its ring). */
void vf_rx(uint32_t if_index, const uint8_t *data, size_t len);
/* Walks the graph until nothing is pending, frees what the ports sent and
 * control work posted (pcap copies, learned neighbours); returns packets sent. */
uint32_t vf_run(void);
/* Aborts unless every mbuf is back in the pool. */
void vf_check_buffers(const char *after);
/* A scratch directory for files commands write (pcap, exec, lua run). */
const char *vf_sandbox(void);

#endif
