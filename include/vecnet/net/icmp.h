/*
 * ICMPv4 types and codes (RFC 792, RFC 1191) that DPDK's rte_icmp.h lacks.
 * Nodes that send a packet to ip4-icmp-error set vn_meta.icmp_type/icmp_code
 * (and icmp_mtu for VN_ICMP_CODE_FRAG_NEEDED) with these.
 */
#ifndef VECNET_ICMP_H
#define VECNET_ICMP_H

#define VN_ICMP_ECHO_REPLY 0
#define VN_ICMP_DEST_UNREACH 3
#define VN_ICMP_SOURCE_QUENCH 4
#define VN_ICMP_REDIRECT 5
#define VN_ICMP_ECHO_REQUEST 8
#define VN_ICMP_TIME_EXCEEDED 11
#define VN_ICMP_PARAM_PROBLEM 12

/* VN_ICMP_DEST_UNREACH codes */
#define VN_ICMP_CODE_NET_UNREACH 0
#define VN_ICMP_CODE_HOST_UNREACH 1
#define VN_ICMP_CODE_PROTO_UNREACH 2
#define VN_ICMP_CODE_PORT_UNREACH 3
#define VN_ICMP_CODE_FRAG_NEEDED 4 /* carries the next-hop MTU (RFC 1191) */

/* VN_ICMP_TIME_EXCEEDED codes */
#define VN_ICMP_CODE_TTL_EXCEEDED 0
#define VN_ICMP_CODE_REASSEMBLY_EXCEEDED 1

#endif
