/*
 * The sender's SACK scoreboard (RFC 6675): what the peer said it holds
 * above SND.UNA, as a few sorted intervals kept in the connection (no
 * allocation per segment), and the questions loss recovery asks of it:
 * IsLost(), NextSeg(), pipe. Sequence numbers only: tcp.c feeds it the
 * blocks of each ACK, tcp_output.c sends what NextSeg() names.
 */
#ifndef VN_TCP_SACK_H
#define VN_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

#define TCP_SACK_SB_MAX 8 /* SACKed intervals remembered per connection */
#define TCP_SACK_DUPTHRESH 3 /* RFC 6675 DupThresh, to start with */
#define TCP_SACK_DUPTHRESH_MAX 16 /* as far as reordering raises it */
#define TCP_SACK_RTX_LOG 16 /* retransmissions remembered per recovery */

struct tcp_sack_block {
	uint32_t start, end; /* [start, end), start < end */
};

struct tcp_sack_sb {
	/* Sorted, disjoint and not touching, within (SND.UNA, SND.MAX]. */
	struct tcp_sack_block blk[TCP_SACK_SB_MAX];
	uint8_t n;
	bool has_rescue; /* RescueRxt is set (one rescue per recovery) */
	uint32_t high_rxt; /* one past the highest byte retransmitted (HighRxt + 1) */
	uint32_t rescue_rxt;
	/* This recovery's retransmissions, each with SND.MAX when it went:
	 * SACKs for data sent after it say whether it was lost too. */
	struct tcp_sack_rtx {
		uint32_t start, end, mark;
	} rtx[TCP_SACK_RTX_LOG];
	uint8_t n_rtx;
	/* DupThresh of this connection: 0 is TCP_SACK_DUPTHRESH; raised by
	 * reordering seen (a spurious recovery); a timeout keeps it. */
	uint8_t dupthresh;
};

/* What one ACK's blocks did to the scoreboard. */
struct tcp_sack_update {
	uint32_t newly; /* bytes SACKed for the first time */
	uint8_t n_dsack; /* D-SACK blocks (RFC 2883): counted, not used */
	uint8_t n_bad; /* below SND.UNA, beyond SND.MAX, or empty: ignored */
	uint8_t n_full; /* intervals dropped because the scoreboard was full */
};

enum tcp_sack_next {
	TCP_SACK_NEXT_NONE,
	TCP_SACK_NEXT_RTX, /* rules 1 and 3: retransmit [seq, seq + len) */
	TCP_SACK_NEXT_NEW, /* rule 2: send new data */
	TCP_SACK_NEXT_RESCUE, /* rule 4: the rescue retransmission */
};

void tcp_sack_clear(struct tcp_sack_sb *sb);
/* The connection's DupThresh. */
static inline uint32_t
tcp_sack_dupthresh(const struct tcp_sack_sb *sb)
{
	return sb->dupthresh ? sb->dupthresh : TCP_SACK_DUPTHRESH;
}
/* Drops what una (the cumulative ACK) covers, then adds the blocks of an
 * ACK; max is the highest sequence number sent plus one (SND.MAX). */
void tcp_sack_update(struct tcp_sack_sb *sb, uint32_t una, uint32_t max,
		     const struct tcp_sack_block *b, uint32_t n, struct tcp_sack_update *r);
uint32_t tcp_sack_bytes(const struct tcp_sack_sb *sb);
/* RFC 6675 IsLost(seq): DupThresh intervals, or more than
 * (DupThresh - 1) * mss bytes, SACKed above seq (DupThresh of sb). */
bool tcp_sack_is_lost(const struct tcp_sack_sb *sb, uint32_t seq, uint32_t mss);
/* RFC 6675 SetPipe(): bytes presumed in the network between una and max. */
uint32_t tcp_sack_pipe(const struct tcp_sack_sb *sb, uint32_t una, uint32_t max, uint32_t mss);
/* End of the unSACKed run that starts at seq (max at most). */
uint32_t tcp_sack_hole_end(const struct tcp_sack_sb *sb, uint32_t seq, uint32_t max);
/* End of the SACKed interval holding seq, or seq when none holds it. */
uint32_t tcp_sack_skip(const struct tcp_sack_sb *sb, uint32_t seq);
/* RFC 6675 NextSeg(): what to send next in recovery. new_ok: unsent data
 * is there and the peer's window allows it. RESCUE records RescueRxt =
 * recovery_point; the caller moves high_rxt after sending an RTX. */
/* A retransmission of [start, end) went when SND.MAX was mark. */
void tcp_sack_rtx_note(struct tcp_sack_sb *sb, uint32_t start, uint32_t end, uint32_t mark);
/* A retransmission lost in turn (RFC 6675 leaves it to the RTO; Linux's
 * tcp_mark_lost_retrans and RACK do not): one whose start the peer has
 * not SACKed while it SACKs what IsLost() asks for (DupThresh segments)
 * of data sent after it. Sets what to send again, the lowest first. */
bool tcp_sack_lost_rtx(struct tcp_sack_sb *sb, uint32_t una, uint32_t max, uint32_t mss,
		       uint32_t *seq, uint32_t *len);
enum tcp_sack_next tcp_sack_next_seg(struct tcp_sack_sb *sb, uint32_t una, uint32_t max,
				     uint32_t mss, bool new_ok, uint32_t recovery_point,
				     uint32_t *seq, uint32_t *len);

#endif
