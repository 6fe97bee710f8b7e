/*
 * ACL rules as text: the one parser the CLI, the `acl:` config section and
 * Lua share, and the formatter `show acl-plugin acl` uses. The syntax is
 * VPP's acl-plugin CLI:
 *   permit|deny|permit+reflect|action 0-2 [ipv4|ipv6] [src PREFIX] [dst PREFIX]
 *   [proto N|tcp|udp|icmp|icmp6] [sport A[-B]] [dport A[-B]]
 *   [icmp-type A[-B]] [icmp-code A[-B]] [tcp-flags VALUE MASK]
 * A bare address is a /32 (/128); host bits of a prefix are cleared. Defaults
 * match anything. For ICMP and ICMPv6, as in VPP, sport holds the type and
 * dport the code. A rule is IPv4 or IPv6: its prefixes say which, or the
 * ipv4/ipv6 word, or proto icmp6; with none of them it is IPv4 (VPP).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"

#define ACL_TOKENS_MAX 32

static int
rule_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool
parse_uint(const char *s, uint32_t max, uint32_t *v)
{
	char *end;
	unsigned long x;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno || *end || x > max)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* "A" or "A-B" within 0..max, A <= B. */
static bool
parse_range(const char *s, uint32_t max, uint16_t *lo, uint16_t *hi)
{
	char buf[32], *dash;
	uint32_t a, b;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (!parse_uint(buf, max, &a))
		return false;
	b = a;
	if (dash && !parse_uint(dash + 1, max, &b))
		return false;
	if (a > b)
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

static bool
parse_proto(const char *s, uint8_t *proto)
{
	uint32_t v;

	if (strcmp(s, "tcp") == 0)
		v = 6;
	else if (strcmp(s, "udp") == 0)
		v = 17;
	else if (strcmp(s, "icmp") == 0)
		v = 1;
	else if (strcmp(s, "icmp6") == 0 || strcmp(s, "icmpv6") == 0 || strcmp(s, "ipv6-icmp") == 0)
		v = IPPROTO_ICMPV6;
	else if (!parse_uint(s, 255, &v))
		return false;
	*proto = (uint8_t)v;
	return true;
}

static bool parse_pfx(const char *s, struct vn_prefix *p);

static bool
parse_pfx6(const char *s, struct vn_prefix6 *p)
{
	if (strchr(s, '/')) {
		if (vn_parse_prefix6(s, p) < 0)
			return false;
	} else {
		if (vn_parse_ip6(s, &p->addr) < 0)
			return false;
		p->len = 128;
	}
	vn_ip6_mask(&p->addr, p->len);
	return true;
}

/* Family of a rule so far: 0 unknown, 4 or 6; a conflict is an error. */
static bool
set_family(uint8_t *fam, uint8_t f)
{
	if (*fam && *fam != f)
		return false;
	*fam = f;
	return true;
}

/* An IPv4 or IPv6 prefix into r, by its text; false if bad or of the other
 * family than the rule's so far. */
static bool
parse_addr(const char *s, struct acl_rule *r, bool is_src, uint8_t *fam, bool *mixed)
{
	bool v6 = strchr(s, ':') != NULL;

	*mixed = !set_family(fam, v6 ? 6 : 4);
	if (*mixed)
		return false;
	if (v6)
		return parse_pfx6(s, is_src ? &r->src6 : &r->dst6);
	return parse_pfx(s, is_src ? &r->src : &r->dst);
}

static bool
parse_pfx(const char *s, struct vn_prefix *p)
{
	if (strchr(s, '/')) {
		if (vn_parse_prefix(s, p) < 0)
			return false;
	} else {
		if (vn_parse_ip4(s, &p->addr) < 0)
			return false;
		p->len = 32;
	}
	p->addr &= vn_prefix_mask(p->len);
	return true;
}

const char *
acl_action_name(uint8_t action)
{
	switch (action) {
	case ACL_DENY:
		return "deny";
	case ACL_PERMIT:
		return "permit";
	case ACL_PERMIT_REFLECT:
		return "permit+reflect";
	}
	return "?";
}

int
acl_rule_parse(const char *text, struct acl_rule *r, char *err, size_t len)
{
	char buf[512], *tok[ACL_TOKENS_MAX], *save = NULL;
	uint32_t n = 0, v, fv, fm;
	bool has_ports = false, has_icmp = false, has_flags = false, has_action = false, mixed;
	uint8_t fam = 0;
	bool icmp;

	if (strlen(text) >= sizeof(buf))
		return rule_err(err, len, "rule too long");
	strcpy(buf, text);
	for (char *t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == ACL_TOKENS_MAX)
			return rule_err(err, len, "too many words in rule");
		tok[n++] = t;
	}
	if (n == 0)
		return rule_err(err, len, "empty rule");
	*r = (struct acl_rule){
		.sport_hi = 65535,
		.dport_hi = 65535,
	};
	for (uint32_t i = 0; i < n; i++) {
		const char *w = tok[i];
		const char *arg = i + 1 < n ? tok[i + 1] : NULL;

		if (i == 0) {
			if (strcmp(w, "permit") == 0) {
				r->action = ACL_PERMIT;
			} else if (strcmp(w, "deny") == 0) {
				r->action = ACL_DENY;
			} else if (strcmp(w, "permit+reflect") == 0) {
				r->action = ACL_PERMIT_REFLECT;
			} else if (strcmp(w, "action") == 0) {
				if (!arg || !parse_uint(arg, 2, &v))
					return rule_err(err, len,
							"'action' needs 0 (deny), 1 (permit) or "
							"2 (permit+reflect), got '%s'",
							arg ? arg : "");
				r->action = (uint8_t)v;
				i++;
			} else {
				return rule_err(err, len,
						"rule must start with permit, deny, permit+reflect "
						"or action N, not '%s'",
						w);
			}
			has_action = true;
			continue;
		}
		if (strcmp(w, "ipv4") == 0 || strcmp(w, "ipv6") == 0) {
			if (!set_family(&fam, w[3] == '6' ? 6 : 4))
				return rule_err(err, len, "'%s' in a rule of the other family", w);
			continue;
		}
		if (strcmp(w, "tcp-flags") == 0) {
			if (!arg || i + 2 >= n || !parse_uint(arg, 255, &fv) ||
			    !parse_uint(tok[i + 2], 255, &fm))
				return rule_err(err, len, "'tcp-flags' needs VALUE MASK (0-255 each)");
			if (fv & ~fm)
				return rule_err(err, len,
						"tcp-flags value 0x%x has bits outside mask 0x%x", fv,
						fm);
			r->tcp_flags_value = (uint8_t)fv;
			r->tcp_flags_mask = (uint8_t)fm;
			has_flags = true;
			i += 2;
			continue;
		}
		if (strcmp(w, "src") && strcmp(w, "dst") && strcmp(w, "proto") && strcmp(w, "sport") &&
		    strcmp(w, "dport") && strcmp(w, "icmp-type") && strcmp(w, "icmp-code"))
			return rule_err(err, len, "unknown word '%s' in rule", w);
		if (!arg)
			return rule_err(err, len, "'%s' needs a value", w);
		if (strcmp(w, "src") == 0 || strcmp(w, "dst") == 0) {
			if (!parse_addr(arg, r, w[0] == 's', &fam, &mixed))
				return rule_err(err, len,
						mixed ? "%s prefix '%s' of the other family: a "
							"rule is IPv4 or IPv6"
						      : "bad %s prefix '%s'",
						w, arg);
		} else if (strcmp(w, "proto") == 0) {
			if (!parse_proto(arg, &r->proto))
				return rule_err(err, len,
						"bad proto '%s' (0-255, tcp, udp, icmp or icmp6)",
						arg);
		} else if (strcmp(w, "sport") == 0) {
			if (!parse_range(arg, 65535, &r->sport_lo, &r->sport_hi))
				return rule_err(err, len, "bad sport range '%s' (A or A-B, 0-65535)",
						arg);
			has_ports = true;
		} else if (strcmp(w, "dport") == 0) {
			if (!parse_range(arg, 65535, &r->dport_lo, &r->dport_hi))
				return rule_err(err, len, "bad dport range '%s' (A or A-B, 0-65535)",
						arg);
			has_ports = true;
		} else if (strcmp(w, "icmp-type") == 0) {
			if (!parse_range(arg, 255, &r->sport_lo, &r->sport_hi))
				return rule_err(err, len, "bad icmp-type range '%s' (0-255)", arg);
			has_icmp = true;
		} else if (strcmp(w, "icmp-code") == 0) {
			if (!parse_range(arg, 255, &r->dport_lo, &r->dport_hi))
				return rule_err(err, len, "bad icmp-code range '%s' (0-255)", arg);
			has_icmp = true;
		} else {
			return rule_err(err, len, "unknown word '%s' in rule", w);
		}
		i++;
	}
	if (!has_action)
		return rule_err(err, len, "rule has no action");
	/* ICMPv6 says IPv6 when nothing else did; ICMP of the other family is a mistake. */
	if (r->proto == IPPROTO_ICMPV6 && !set_family(&fam, 6))
		return rule_err(err, len, "proto 58 (icmp6) in an IPv4 rule: ICMP is proto 1");
	if (r->proto == IPPROTO_ICMP && !set_family(&fam, 4))
		return rule_err(err, len, "proto 1 (icmp) in an IPv6 rule: ICMPv6 is proto 58 "
					  "(icmp6)");
	r->is_ip6 = fam == 6;
	icmp = r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6;
	if (has_icmp && !icmp)
		return rule_err(err, len, "icmp-type/icmp-code need proto icmp (1) or icmp6 (58)");
	if (has_ports && r->proto == 0)
		return rule_err(err, len, "sport/dport need a protocol (proto tcp, udp, ...)");
	if (has_ports && icmp && (r->sport_hi > 255 || r->dport_hi > 255))
		return rule_err(err, len, "for ICMP sport/dport are type/code, 0-255");
	if (has_flags && r->proto != 6)
		return rule_err(err, len, "tcp-flags need proto tcp (6)");
	if (icmp && !has_ports && !has_icmp)
		r->sport_hi = r->dport_hi = 255;
	return 0;
}

int
acl_rules_parse(const char *text, struct acl_rule **rules, uint32_t *n, char *err, size_t len)
{
	uint32_t cap = 1, k = 0;
	const char *p = text;
	struct acl_rule *out;
	char e[200];

	for (const char *c = text; *c; c++)
		cap += *c == ',';
	if (cap > ACL_RULES_MAX)
		return rule_err(err, len, "too many rules (at most %u)", ACL_RULES_MAX);
	out = calloc(cap, sizeof(*out));
	if (!out)
		return rule_err(err, len, "out of memory");
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		char *one = strndup(p, l);
		int rc;

		if (!one) {
			free(out);
			return rule_err(err, len, "out of memory");
		}
		rc = acl_rule_parse(one, &out[k], e, sizeof(e));
		free(one);
		if (rc < 0) {
			free(out);
			if (cap == 1)
				return rule_err(err, len, "%s", e);
			return rule_err(err, len, "rule %u: %s", k + 1, e);
		}
		k++;
		if (!comma)
			break;
		p = comma + 1;
	}
	*rules = out;
	*n = k;
	return 0;
}

static void
fmt_range(char *b, size_t l, const char *kw, uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		snprintf(b, l, " %s %u", kw, lo);
	else
		snprintf(b, l, " %s %u-%u", kw, lo, hi);
}

char *
acl_rule_format(const struct acl_rule *r, char *buf, size_t len)
{
	char s[VN_PREFIX6_STRLEN], d[VN_PREFIX6_STRLEN], sp[32] = "", dp[32] = "", fl[32] = "";

	if (r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6) {
		fmt_range(sp, sizeof(sp), "icmp-type", r->sport_lo, r->sport_hi);
		fmt_range(dp, sizeof(dp), "icmp-code", r->dport_lo, r->dport_hi);
	} else if (r->proto != 0) {
		fmt_range(sp, sizeof(sp), "sport", r->sport_lo, r->sport_hi);
		fmt_range(dp, sizeof(dp), "dport", r->dport_lo, r->dport_hi);
	}
	if (r->tcp_flags_mask)
		snprintf(fl, sizeof(fl), " tcp-flags %u %u", r->tcp_flags_value, r->tcp_flags_mask);
	if (r->is_ip6) {
		vn_fmt_prefix6(&r->src6, s);
		vn_fmt_prefix6(&r->dst6, d);
	} else {
		vn_fmt_prefix(&r->src, s);
		vn_fmt_prefix(&r->dst, d);
	}
	snprintf(buf, len, "%s src %s dst %s proto %u%s%s%s", acl_action_name(r->action), s, d,
		 r->proto, sp, dp, fl);
	return buf;
}
