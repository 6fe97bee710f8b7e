/*
 * The SACK scoreboard and RFC 6675's questions of it (sack.h). Intervals
 * are few (TCP_SACK_SB_MAX), so every question is a walk over them.
 *
 * IsLost() is the same for every byte of one hole (the run between two
 * SACKed intervals): the intervals and bytes above any of them are the
 * same. So pipe and NextSeg() work hole by hole, not byte by byte.
 */
#include <string.h>

#include "tcp/tcp_priv.h"

void
tcp_sack_clear(struct tcp_sack_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
}

uint32_t
tcp_sack_bytes(const struct tcp_sack_sb *sb)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < sb->n; i++)
		n += sb->blk[i].end - sb->blk[i].start;
	return n;
}

/* The cumulative ACK moved to una: what it covers leaves the scoreboard. */
static void
sb_ack(struct tcp_sack_sb *sb, uint32_t una)
{
	uint32_t i = 0;

	while (i < sb->n && seq_leq(sb->blk[i].end, una))
		i++;
	memmove(&sb->blk[0], &sb->blk[i], (sb->n - i) * sizeof(sb->blk[0]));
	sb->n = (uint8_t)(sb->n - i);
	if (sb->n && seq_lt(sb->blk[0].start, una))
		sb->blk[0].start = una;
}

/* Adds [start, end), merging what it overlaps or touches. When the
 * intervals do not fit, the highest goes: recovery works from the bottom,
 * and forgetting a SACK costs at most a needless retransmission. */
static bool
sb_add(struct tcp_sack_sb *sb, uint32_t start, uint32_t end)
{
	struct tcp_sack_block out[TCP_SACK_SB_MAX + 1];
	uint32_t k = 0;
	bool placed = false;

	for (uint32_t i = 0; i < sb->n; i++) {
		struct tcp_sack_block b = sb->blk[i];
		if (seq_lt(b.end, start)) {
			out[k++] = b;
		} else if (seq_gt(b.start, end)) {
			if (!placed) {
				out[k++] = (struct tcp_sack_block){start, end};
				placed = true;
			}
			out[k++] = b;
		} else { /* overlaps or touches: one interval */
			if (seq_lt(b.start, start))
				start = b.start;
			if (seq_gt(b.end, end))
				end = b.end;
		}
	}
	if (!placed)
		out[k++] = (struct tcp_sack_block){start, end};
	sb->n = (uint8_t)VN_MIN(k, (uint32_t)TCP_SACK_SB_MAX);
	memcpy(sb->blk, out, sb->n * sizeof(out[0]));
	return k <= TCP_SACK_SB_MAX;
}

void
tcp_sack_update(struct tcp_sack_sb *sb, uint32_t una, uint32_t max,
		const struct tcp_sack_block *b, uint32_t n, struct tcp_sack_update *r)
{
	uint32_t before;

	memset(r, 0, sizeof(*r));
	sb_ack(sb, una);
	before = tcp_sack_bytes(sb);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t start = b[i].start, end = b[i].end;
		/* RFC 2883 4: a first block below the ACK, or inside the
		 * second, reports a duplicate, not a hole. */
		if (i == 0 && (seq_leq(end, una) ||
			       (n > 1 && seq_geq(start, b[1].start) && seq_leq(end, b[1].end) &&
				seq_lt(start, end)))) {
			r->n_dsack++;
			continue;
		}
		if (!seq_lt(start, end) || seq_leq(end, una) || seq_gt(end, max)) {
			r->n_bad++;
			continue;
		}
		if (seq_lt(start, una))
			start = una;
		if (!sb_add(sb, start, end))
			r->n_full++;
	}
	r->newly = tcp_sack_bytes(sb) - before;
	if ((int32_t)r->newly < 0) /* the highest interval went for a lower one */
		r->newly = 0;
}

bool
tcp_sack_is_lost(const struct tcp_sack_sb *sb, uint32_t seq, uint32_t mss)
{
	uint32_t n_above = 0, bytes = 0;

	for (uint32_t i = 0; i < sb->n; i++) {
		const struct tcp_sack_block *b = &sb->blk[i];
		if (seq_leq(b->end, seq + 1))
			continue;
		n_above++;
		bytes += b->end - (seq_gt(b->start, seq) ? b->start : seq + 1);
	}
	return n_above >= tcp_sack_dupthresh(sb) || bytes > (tcp_sack_dupthresh(sb) - 1) * mss;
}

uint32_t
tcp_sack_skip(const struct tcp_sack_sb *sb, uint32_t seq)
{
	for (uint32_t i = 0; i < sb->n; i++)
		if (seq_geq(seq, sb->blk[i].start) && seq_lt(seq, sb->blk[i].end))
			return sb->blk[i].end;
	return seq;
}

uint32_t
tcp_sack_hole_end(const struct tcp_sack_sb *sb, uint32_t seq, uint32_t max)
{
	for (uint32_t i = 0; i < sb->n; i++)
		if (seq_gt(sb->blk[i].start, seq))
			return seq_lt(sb->blk[i].start, max) ? sb->blk[i].start : max;
	return max;
}

/* The hole at or after from: [*hs, *he), false when none is below max. */
static bool
sb_hole(const struct tcp_sack_sb *sb, uint32_t from, uint32_t max, uint32_t *hs, uint32_t *he)
{
	uint32_t seq = from, next;

	/* Out of SACKed intervals; each step leaves one behind. */
	for (uint32_t i = 0; i <= sb->n && seq_lt(seq, max); i++) {
		next = tcp_sack_skip(sb, seq);
		if (next == seq) {
			*hs = seq;
			*he = tcp_sack_hole_end(sb, seq, max);
			return true;
		}
		seq = next;
	}
	return false;
}

uint32_t
tcp_sack_pipe(const struct tcp_sack_sb *sb, uint32_t una, uint32_t max, uint32_t mss)
{
	uint32_t pipe = 0, hs, he, seq = una;

	while (seq_lt(seq, max) && sb_hole(sb, seq, max, &hs, &he)) {
		/* SetPipe: a byte not lost is in flight; a retransmitted one
		 * (below HighRxt) is, once more. */
		if (!tcp_sack_is_lost(sb, hs, mss))
			pipe += he - hs;
		if (seq_gt(sb->high_rxt, hs))
			pipe += (seq_lt(sb->high_rxt, he) ? sb->high_rxt : he) - hs;
		seq = he;
	}
	return pipe;
}

void
tcp_sack_rtx_note(struct tcp_sack_sb *sb, uint32_t start, uint32_t end, uint32_t mark)
{
	for (uint32_t i = 0; i < sb->n_rtx; i++)
		if (sb->rtx[i].start == start) { /* sent again: the newer copy counts */
			sb->rtx[i].end = end;
			sb->rtx[i].mark = mark;
			return;
		}
	if (sb->n_rtx == TCP_SACK_RTX_LOG) { /* the oldest goes: the RTO covers it */
		memmove(&sb->rtx[0], &sb->rtx[1], (TCP_SACK_RTX_LOG - 1) * sizeof(sb->rtx[0]));
		sb->n_rtx--;
	}
	sb->rtx[sb->n_rtx++] = (struct tcp_sack_rtx){start, end, mark};
}

bool
tcp_sack_lost_rtx(struct tcp_sack_sb *sb, uint32_t una, uint32_t max, uint32_t mss,
		  uint32_t *seq, uint32_t *len)
{
	uint32_t i = 0, k = 0, best = UINT32_MAX;

	/* What the cumulative ACK covers is done with. */
	for (i = 0; i < sb->n_rtx; i++)
		if (seq_gt(sb->rtx[i].end, una))
			sb->rtx[k++] = sb->rtx[i];
	sb->n_rtx = (uint8_t)k;
	for (i = 0; i < sb->n_rtx; i++) {
		const struct tcp_sack_rtx *r = &sb->rtx[i];
		uint32_t start = seq_lt(r->start, una) ? una : r->start;
		if (tcp_sack_skip(sb, start) != start || seq_geq(start, max))
			continue; /* delivered */
		/* IsLost() of the byte before the mark: DupThresh segments
		 * SACKed of what was sent after this retransmission. */
		if (!tcp_sack_is_lost(sb, r->mark - 1, mss))
			continue;
		if (best == UINT32_MAX || seq_lt(start, *seq)) {
			best = i;
			*seq = start;
		}
	}
	if (best == UINT32_MAX)
		return false;
	*len = tcp_sack_hole_end(sb, *seq, max) - *seq;
	if (seq_lt(sb->rtx[best].end, *seq + *len))
		*len = sb->rtx[best].end - *seq;
	*len = VN_MIN(*len, mss);
	return *len > 0;
}

enum tcp_sack_next
tcp_sack_next_seg(struct tcp_sack_sb *sb, uint32_t una, uint32_t max, uint32_t mss,
		  bool new_ok, uint32_t recovery_point, uint32_t *seq, uint32_t *len)
{
	uint32_t from = seq_gt(sb->high_rxt, una) ? sb->high_rxt : una;
	uint32_t top = sb->n ? sb->blk[sb->n - 1].end : una; /* highest SACKed */
	uint32_t hs, he, s, ls = 0, le = 0;
	bool found = false;

	/* Rule 1: the first lost hole above HighRxt, below the highest SACK. */
	for (s = from; seq_lt(s, top) && sb_hole(sb, s, top, &hs, &he); s = he) {
		if (tcp_sack_is_lost(sb, hs, mss)) {
			*seq = hs;
			*len = VN_MIN(he - hs, mss);
			return TCP_SACK_NEXT_RTX;
		}
	}
	/* Rule 2: new data. */
	if (new_ok)
		return TCP_SACK_NEXT_NEW;
	/* Rule 3: any hole above HighRxt below the highest SACK. */
	if (seq_lt(from, top) && sb_hole(sb, from, top, &hs, &he)) {
		*seq = hs;
		*len = VN_MIN(he - hs, mss);
		return TCP_SACK_NEXT_RTX;
	}
	/* Rule 4: once per recovery, the segment that holds the highest
	 * outstanding unSACKed byte, of those not retransmitted yet (the RFC
	 * would repeat a retransmission when the top hole is the one
	 * retransmitted; we do not). */
	if (sb->has_rescue && seq_leq(una, sb->rescue_rxt))
		return TCP_SACK_NEXT_NONE;
	for (s = from; seq_lt(s, max) && sb_hole(sb, s, max, &hs, &he); s = he) {
		ls = hs;
		le = he;
		found = true;
	}
	if (!found)
		return TCP_SACK_NEXT_NONE;
	*seq = le - ls > mss ? le - mss : ls;
	*len = le - *seq;
	sb->has_rescue = true;
	sb->rescue_rxt = recovery_point;
	return TCP_SACK_NEXT_RESCUE;
}
