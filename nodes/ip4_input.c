/*
 * ip4-input: validates IPv4 headers before anything trusts them: version,
 * header length, total length against the frame (trailing padding trimmed),
 * header checksum, and source/destination sanity. Options are forwarded.
 * TTL is checked where it matters, in ip4-rewrite, so packets to the router
 * itself are accepted with any TTL (as Linux does). The usual header (20
 * bytes, length the frame's, good checksum, sane addresses) passes one test
 * on words loaded once, four headers at a time where the CPU has AVX-512;
 * anything else takes ip4_input_one, out of line, which names the reason or
 * handles options and padding. No packet-data prefetch: it bought nothing
 * here.
 *
 * Reads: the IPv4 header at data offset 0; data_len (pkt_len when the frame
 * is in several segments).
 * Writes: data_len/pkt_len trimmed to the total length (Ethernet padding);
 * vn_meta.feature_arc when an ip4-unicast feature is enabled; drops:
 * vn_buf.error.
 * Nexts: error-drop (0), ip4-lookup (or the first enabled ip4-unicast
 * feature).
 * Errors: drop reasons, one per check: shorter than a header, version, header
 * length, total length, checksum, source address, destination address.
 */
#include <rte_ip.h>
#include <string.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/trace.h>

enum { IP4_IN_NEXT_DROP, IP4_IN_NEXT_LOOKUP, IP4_IN_N_NEXT };

enum {
	IP4_IN_ERR_SHORT,
	IP4_IN_ERR_VERSION,
	IP4_IN_ERR_IHL,
	IP4_IN_ERR_LENGTH,
	IP4_IN_ERR_CHECKSUM,
	IP4_IN_ERR_SRC,
	IP4_IN_ERR_DST,
	IP4_IN_N_ERR,
};

static const char *const ip4_in_errors[] = {
	[IP4_IN_ERR_SHORT] = "packet shorter than an IPv4 header",
	[IP4_IN_ERR_VERSION] = "IP version is not 4",
	[IP4_IN_ERR_IHL] = "bad IPv4 header length",
	[IP4_IN_ERR_LENGTH] = "IPv4 total length does not match the frame",
	[IP4_IN_ERR_CHECKSUM] = "bad IPv4 header checksum",
	[IP4_IN_ERR_SRC] = "bad source address (multicast, broadcast or loopback)",
	[IP4_IN_ERR_DST] = "destination is multicast, broadcast or reserved (not routed)",
};

/* Header checksum check. The common 20-byte header is summed as five 32-bit
 * words (memcpy: the header is only 2-byte aligned); options take the generic path. */
static inline bool
ip4_checksum_ok(const struct rte_ipv4_hdr *ip, uint16_t hlen)
{
	uint32_t w[5];
	uint64_t sum;

	if (unlikely(hlen != sizeof(*ip)))
		return rte_raw_cksum(ip, hlen) == 0xffff;
	memcpy(w, ip, sizeof(w));
	sum = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static __rte_noinline uint16_t
ip4_input_one(struct vn_node *node, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	/* The header is in the first segment; the packet may go on in others
	 * (a jumbo frame from a host interface). */
	uint16_t len = rte_pktmbuf_data_len(m);
	uint32_t total = rte_pktmbuf_pkt_len(m);
	uint16_t hlen, tlen, err;
	uint32_t src, dst;

	if (unlikely(len < sizeof(*ip))) {
		err = IP4_IN_ERR_SHORT;
		goto drop;
	}
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		err = IP4_IN_ERR_VERSION;
		goto drop;
	}
	hlen = (ip->version_ihl & 0xf) * 4;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(hlen < sizeof(*ip) || hlen > len)) {
		err = IP4_IN_ERR_IHL;
		goto drop;
	}
	if (unlikely(tlen < hlen || tlen > total)) {
		err = IP4_IN_ERR_LENGTH;
		goto drop;
	}
	if (unlikely(!ip4_checksum_ok(ip, hlen))) {
		err = IP4_IN_ERR_CHECKSUM;
		goto drop;
	}
	src = rte_be_to_cpu_32(ip->src_addr);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (unlikely((src >> 28) == 0xe || src == 0xffffffff || (src >> 24) == 127)) {
		err = IP4_IN_ERR_SRC;
		goto drop;
	}
	if (unlikely((dst >> 28) >= 0xe || (dst >> 24) == 0 || (dst >> 24) == 127)) {
		err = IP4_IN_ERR_DST;
		goto drop;
	}
	/* Ethernet padding: only short frames have it, so it is in the last
	 * segment; a longer tail is not padding and the packet is refused. */
	if (unlikely(tlen < total) && rte_pktmbuf_trim(m, (uint16_t)(total - tlen)) < 0) {
		err = IP4_IN_ERR_LENGTH;
		goto drop;
	}
	return IP4_IN_NEXT_LOOKUP;
drop:
	vn_drop_reason(node, m, err);
	return IP4_IN_NEXT_DROP;
}

/* Martian first octets (RFC 1812 5.3.7), one table for both addresses:
 * bit 0 = bad source (multicast, class E, limited broadcast, loopback),
 * bit 1 = bad destination (multicast, class E, broadcast, network 0, loopback). */
static uint8_t ip4_bad_octet[256];

static void __attribute__((constructor))
ip4_bad_octet_init(void)
{
	for (unsigned o = 224; o < 256; o++)
		ip4_bad_octet[o] = 3;
	ip4_bad_octet[127] = 3;
	ip4_bad_octet[0] |= 2;
}

/*
 * The common packet in one test: a 20-byte header (0x45) whose total length
 * is the frame's, a correct checksum and sane addresses. The five header words
 * are loaded once and every check works on them; anything else takes
 * ip4_input_one, which names the reason or handles options and padding.
 */
static inline bool
ip4_fast_ok(const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint64_t a, b, sum;
	uint32_t c;

	/* Little endian: a = version/IHL, TOS, total length, id, fragment;
	 * b = TTL, protocol, checksum, source; c = destination. Loaded before the
	 * length check: data_off + 20 <= buf_len for every mbuf of our pools, so
	 * this stays in the buffer; a short packet's bytes past its end are stale,
	 * which is why the length is part of the test. */
	memcpy(&a, ip, sizeof(a));
	memcpy(&b, ip + 8, sizeof(b));
	memcpy(&c, ip + 16, sizeof(c));
	/* The one's-complement sum of the header is 0xffff exactly when the
	 * plain sum of its words is 0 mod 0xffff (2^16 = 1 mod 0xffff, so 32-bit
	 * words and byte order do not matter; the sum is never 0, 0x45 is in
	 * it): one multiply-based modulo instead of four folds. */
	sum = (a & 0xffffffff) + (a >> 32) + (b & 0xffffffff) + (b >> 32) + c;
	uint32_t tlen = rte_be_to_cpu_16((uint16_t)(a >> 16));
	uint32_t bad = ((uint32_t)(a & 0xff) ^ 0x45) | (tlen ^ rte_pktmbuf_data_len(m)) |
		       (tlen < sizeof(struct rte_ipv4_hdr)) | (uint32_t)(sum % 0xffff != 0) |
		       (ip4_bad_octet[(b >> 32) & 0xff] & 1) | (ip4_bad_octet[c & 0xff] & 2);
	return bad == 0;
}

#if defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>
#define IP4_INPUT_X4 1

/*
 * ip4_fast_ok for four packets at once, true when all four pass: the four
 * 16-byte header starts side by side in one 512-bit register, destinations
 * and frame lengths in 128-bit ones, every test done on the four together.
 * The checksum is summed as 16-bit halves of 32-bit words (order and byte
 * order do not matter mod 0xffff, as in ip4_fast_ok), then folded to 16 bits:
 * the header is good when the fold is 0xffff.
 */
static inline bool
ip4_fast_ok_x4(struct rte_mbuf *const *p)
{
	const uint8_t *h0 = rte_pktmbuf_mtod(p[0], const uint8_t *),
		      *h1 = rte_pktmbuf_mtod(p[1], const uint8_t *),
		      *h2 = rte_pktmbuf_mtod(p[2], const uint8_t *),
		      *h3 = rte_pktmbuf_mtod(p[3], const uint8_t *);
	uint32_t d0, d1, d2, d3;

	__m512i h = _mm512_castsi128_si512(_mm_loadu_si128((const void *)h0));
	h = _mm512_inserti32x4(h, _mm_loadu_si128((const void *)h1), 1);
	h = _mm512_inserti32x4(h, _mm_loadu_si128((const void *)h2), 2);
	h = _mm512_inserti32x4(h, _mm_loadu_si128((const void *)h3), 3);
	memcpy(&d0, h0 + 16, 4);
	memcpy(&d1, h1 + 16, 4);
	memcpy(&d2, h2 + 16, 4);
	memcpy(&d3, h3 + 16, 4);
	__m128i dst = _mm_setr_epi32((int)d0, (int)d1, (int)d2, (int)d3);
	__m128i len = _mm_setr_epi16((short)rte_pktmbuf_data_len(p[0]),
				     (short)rte_pktmbuf_data_len(p[1]),
				     (short)rte_pktmbuf_data_len(p[2]),
				     (short)rte_pktmbuf_data_len(p[3]), 0, 0, 0, 0);

	/* Byte 0 of each header (version/IHL) and byte 12 (first source octet). */
	const __mmask64 byte0 = 0x0001000100010001ull, byte12 = byte0 << 12;
	__mmask64 bad = _mm512_mask_cmpneq_epi8_mask(byte0, h, _mm512_set1_epi8(0x45)) |
			_mm512_mask_cmpge_epu8_mask(byte12, h, _mm512_set1_epi8((char)224)) |
			_mm512_mask_cmpeq_epi8_mask(byte12, h, _mm512_set1_epi8(127));
	/* First destination octets: multicast/class E/broadcast, network 0, loopback. */
	const __mmask16 octet0 = 0x1111;
	bad |= _mm_mask_cmpge_epu8_mask(octet0, dst, _mm_set1_epi8((char)224)) |
	       _mm_mask_cmpeq_epi8_mask(octet0, dst, _mm_setzero_si128()) |
	       _mm_mask_cmpeq_epi8_mask(octet0, dst, _mm_set1_epi8(127));
	/* Total length (16-bit word 1 of each header, big endian) is the frame's, >= 20. */
	__m128i tlen = _mm512_castsi512_si128(_mm512_permutexvar_epi16(
		_mm512_setr_epi32(1 | 9 << 16, 17 | 25 << 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
		h));
	tlen = _mm_or_si128(_mm_srli_epi16(tlen, 8), _mm_slli_epi16(tlen, 8));
	bad |= _mm_mask_cmpneq_epi16_mask(0xf, tlen, len) |
	       _mm_mask_cmplt_epu16_mask(0xf, tlen, _mm_set1_epi16(20));
	/* Checksum: each 32-bit word's halves, summed across the header's four words. */
	const __m512i lo16 = _mm512_set1_epi32(0xffff);
	__m512i s = _mm512_add_epi32(_mm512_srli_epi32(h, 16), _mm512_and_si512(h, lo16));
	s = _mm512_add_epi32(s, _mm512_shuffle_epi32(s, _MM_PERM_BADC));
	s = _mm512_add_epi32(s, _mm512_shuffle_epi32(s, _MM_PERM_CDAB));
	__m128i t = _mm512_castsi512_si128(_mm512_permutexvar_epi32(
		_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), s));
	const __m128i lo16x = _mm_set1_epi32(0xffff);
	t = _mm_add_epi32(t, _mm_add_epi32(_mm_srli_epi32(dst, 16), _mm_and_si128(dst, lo16x)));
	/* t < 10 * 0xffff: two folds leave t mod 0xffff in 1..0xffff (0xffff for 0). */
	t = _mm_add_epi32(_mm_srli_epi32(t, 16), _mm_and_si128(t, lo16x));
	t = _mm_add_epi32(_mm_srli_epi32(t, 16), _mm_and_si128(t, lo16x));
	bad |= _mm_mask_cmpneq_epi32_mask(0xf, t, lo16x);
	return bad == 0;
}
#endif

static uint16_t
ip4_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint16_t i = 0, fast;

	/* The usual vector: every packet passes, and nothing is stored per packet.
	 * Four at a time where the CPU can; a group with a failing packet is
	 * looked at again one by one below, which finds the first to fail. */
#ifdef IP4_INPUT_X4
	for (; i + 4 <= n; i += 4) {
		if (unlikely(!ip4_fast_ok_x4(pkts + i)))
			break;
	}
#endif
	for (; i < n; i++) {
		if (unlikely(!ip4_fast_ok(pkts[i])))
			break;
	}
	fast = i;
	if (unlikely(fast < n)) {
		for (uint16_t k = 0; k < fast; k++)
			nexts[k] = IP4_IN_NEXT_LOOKUP;
		for (; i < n; i++)
			nexts[i] = likely(ip4_fast_ok(pkts[i])) ? IP4_IN_NEXT_LOOKUP
							      : ip4_input_one(node, pkts[i]);
	}
	/* With features on the arc, the vector still moves whole when every
	 * packet goes to one place (e.g. all from one interface to its first feature). */
	vn_feature_arc_end(g, node, VN_ARC_IP4_UNICAST, false, pkts, nexts, n, fast,
			   IP4_IN_NEXT_LOOKUP, VN_FRAME_IF_MIXED);
	return n;
}

VN_NODE_REGISTER(ip4_input) = {
	.name = "ip4-input",
	.format_trace = vn_trace_format_ip4,
	.fn = ip4_input_fn,
	.n_next = IP4_IN_N_NEXT,
	.next_names = {[IP4_IN_NEXT_LOOKUP] = "ip4-lookup"},
	.n_errors = IP4_IN_N_ERR,
	.error_names = ip4_in_errors,
};
