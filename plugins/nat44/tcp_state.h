/*
 * TCP state tracker: what the NAT needs to choose a session's timeout, from
 * the SYN, FIN and RST flags it sees in each direction (as VPP's nat44-ed).
 *
 *   established  a SYN seen both ways, no RST, not FIN both ways
 *   transitory   anything else: handshake under way, closing, closed, reset
 *
 * A new SYN (without ACK) on a reset or fully closed session starts it over,
 * so a client reusing a port gets a fresh handshake. Packets without those
 * flags cost one test.
 */
#ifndef VN_NAT44_TCP_STATE_H
#define VN_NAT44_TCP_STATE_H

#include <rte_tcp.h>

#include "nat44.h"

#define NAT44_TCP_FIN_BOTH (NAT44_TCP_FIN_I2O | NAT44_TCP_FIN_O2I)
#define NAT44_TCP_SYN_BOTH (NAT44_TCP_SYN_I2O | NAT44_TCP_SYN_O2I)

static inline uint8_t
nat44_tcp_next(uint8_t st, uint8_t flags, bool o2i)
{
	if (likely(!(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG))))
		return st;
	if (flags & RTE_TCP_SYN_FLAG) {
		if (!(flags & RTE_TCP_ACK_FLAG) &&
		    ((st & NAT44_TCP_RST) || (st & NAT44_TCP_FIN_BOTH) == NAT44_TCP_FIN_BOTH))
			st = 0;
		st |= o2i ? NAT44_TCP_SYN_O2I : NAT44_TCP_SYN_I2O;
	}
	if (flags & RTE_TCP_FIN_FLAG)
		st |= o2i ? NAT44_TCP_FIN_O2I : NAT44_TCP_FIN_I2O;
	if (flags & RTE_TCP_RST_FLAG)
		st |= NAT44_TCP_RST;
	return st;
}

static inline bool
nat44_tcp_established(uint8_t st)
{
	return (st & NAT44_TCP_SYN_BOTH) == NAT44_TCP_SYN_BOTH && !(st & NAT44_TCP_RST) &&
	       (st & NAT44_TCP_FIN_BOTH) != NAT44_TCP_FIN_BOTH;
}

static inline const char *
nat44_tcp_state_name(uint8_t st)
{
	if (st & NAT44_TCP_RST)
		return "reset";
	if ((st & NAT44_TCP_FIN_BOTH) == NAT44_TCP_FIN_BOTH)
		return "closed";
	if (nat44_tcp_established(st))
		return (st & NAT44_TCP_FIN_BOTH) ? "closing" : "established";
	return "opening";
}

#endif
