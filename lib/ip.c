/* ip.c: IPv4 (RFC 791), IPv6 and its extension headers (RFC 8200), TCP header (RFC 9293): parsers, builders, RFC 1071 checksums. */
#include <arpa/inet.h>
#include <string.h>

#include "ip.h"

const pt_vs pt_ipproto_vs[] = {
	{ PT_IPPROTO_HOPOPTS, "Hop-by-Hop" },
	{ PT_IPPROTO_ICMP, "ICMP" },
	{ PT_IPPROTO_TCP, "TCP" },
	{ PT_IPPROTO_UDP, "UDP" },
	{ PT_IPPROTO_ROUTING, "Routing" },
	{ PT_IPPROTO_FRAGMENT, "Fragment" },
	{ PT_IPPROTO_GRE, "GRE" },
	{ PT_IPPROTO_ESP, "ESP" },
	{ PT_IPPROTO_AH, "AH" },
	{ PT_IPPROTO_ICMPV6, "ICMPv6" },
	{ PT_IPPROTO_NONE, "No Next Header" },
	{ PT_IPPROTO_DSTOPTS, "Destination Options" },
	{ PT_IPPROTO_MOBILITY, "Mobility" },
	{ PT_IPPROTO_HIP, "HIP" },
	{ PT_IPPROTO_SHIM6, "Shim6" },
	{ 0, NULL }
};

/* ---- checksums (RFC 1071: one's complement sum of 16-bit words) ---- */

static uint64_t sum_cursor(uint64_t sum, pt_cursor c)
{
	uint16_t w;
	uint8_t b;

	while (pt_get_u16(&c, &w) == PT_OK)
		sum += w;
	if (pt_get_u8(&c, &b) == PT_OK)
		sum += (uint32_t)b << 8;   /* an odd byte is padded with zero on the right */
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t pt_ip_cksum(const uint8_t *buf, size_t len)
{
	return fold(sum_cursor(0, pt_cur(buf, len)));
}

static uint64_t sum_pseudo(const pt_ip *ip, uint8_t proto, size_t len)
{
	uint64_t sum = 0;

	if (ip->version == 4) {
		/* RFC 9293 3.1: source, destination, zero, protocol, TCP length */
		sum = sum_cursor(sum, pt_cur(ip->src + 12, 4));
		sum = sum_cursor(sum, pt_cur(ip->dst + 12, 4));
		sum += proto;
		sum += (uint16_t)len;
	} else {
		/* RFC 8200 8.1: source, destination, 32-bit length, 3 zero bytes, next header */
		sum = sum_cursor(sum, pt_cur(ip->src, 16));
		sum = sum_cursor(sum, pt_cur(ip->dst, 16));
		sum += (uint32_t)len >> 16;
		sum += (uint32_t)len & 0xFFFF;
		sum += proto;
	}
	return sum;
}

uint16_t pt_ip_l4_cksum(const pt_ip *ip, uint8_t proto, const uint8_t *seg, size_t len)
{
	return fold(sum_cursor(sum_pseudo(ip, proto, len), pt_cur(seg, len)));
}

/* ---- addresses ---- */

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };

void pt_ip_addr_v4(uint8_t out[16], const uint8_t v4[4])
{
	memcpy(out, v4_mapped_prefix, 12);
	memcpy(out + 12, v4, 4);
}

int pt_ip_addr_is_v4(const uint8_t a[16])
{
	return memcmp(a, v4_mapped_prefix, 12) == 0;
}

const char *pt_ip_addr_str(const uint8_t a[16], char *buf, size_t n)
{
	const char *r;

	if (!buf || n == 0)
		return "";
	if (pt_ip_addr_is_v4(a))
		r = inet_ntop(AF_INET, a + 12, buf, (socklen_t)n);
	else
		r = inet_ntop(AF_INET6, a, buf, (socklen_t)n);
	if (!r)
		buf[0] = '\0';
	return buf;
}

/* ---- IPv4 ---- */

/* RFC 791 3.1: options are End (0), No-Op (1) or type, length (counting both), data. */
static void check_v4_options(const pt_ip *ip, const pt_sink *sink, const pt_where *at)
{
	pt_cursor o = pt_cur(ip->opt, ip->opt_len);
	uint8_t type, len;

	while (pt_get_u8(&o, &type) == PT_OK) {
		size_t where = ip->opt_off + pt_off(&o) - 1;
		if (type == 0)
			return;
		if (type == 1)
			continue;
		if (pt_get_u8(&o, &len) != PT_OK) {
			pt_report(sink, PT_R_CAP_IPV4_BAD_OPTION, at, "option %u at offset %zu has no length byte", type, where);
			return;
		}
		if (len < 2) {
			pt_report(sink, PT_R_CAP_IPV4_BAD_OPTION, at, "option %u at offset %zu: length %u < 2", type, where, len);
			return;
		}
		if (pt_skip(&o, (size_t)len - 2) != PT_OK) {
			pt_report(sink, PT_R_CAP_IPV4_BAD_OPTION, at,
				  "option %u at offset %zu: length %u runs past the header (%zu bytes left)", type, where, len,
				  pt_left(&o) + 2);
			return;
		}
	}
}

/* A 16-bit field of a header already known to be captured whole (bounds checked by the caller). */
static inline uint16_t hdr_u16(const uint8_t *b, size_t at)
{
	return (uint16_t)(b[at] << 8 | b[at + 1]);
}


/* The steady-state IPv4 header of a tunnel packet: IHL 5, protocol 47, not a fragment, reserved bit clear, the whole
 * Total Length captured.  Fills ip as pt_ip_parse would (csum_ok tells the checksum) and returns 1; 0 for anything
 * else, which the caller gives to pt_ip_parse.  Reports nothing: the caller decides what a bad checksum needs. */
int pt_ip_parse_v4_quiet(const uint8_t *b, size_t captured, size_t off, pt_ip *ip)
{
	uint64_t sum;
	uint16_t tot;

	if (captured < PT_IPV4_HDR_MIN || b[0] != 0x45 || b[9] != 47 || (b[6] & 0xBF) || b[7])
		return 0;
	tot = hdr_u16(b, 2);
	if (tot < PT_IPV4_HDR_MIN || tot > captured)
		return 0;
	sum = (uint64_t)hdr_u16(b, 0) + tot + hdr_u16(b, 4) + hdr_u16(b, 6) + hdr_u16(b, 8);
	for (size_t i = 12; i < PT_IPV4_HDR_MIN; i += 2)
		sum += hdr_u16(b, i);
	memset(ip, 0, sizeof *ip);
	pt_ip_addr_v4(ip->src, b + 12);
	pt_ip_addr_v4(ip->dst, b + 16);
	ip->csum = hdr_u16(b, 10);
	ip->csum_ok = fold(sum) == ip->csum;
	ip->version = 4;
	ip->proto = 47;
	ip->tos = b[1];
	ip->ttl = b[8];
	ip->frag_id = hdr_u16(b, 4);
	ip->df = (b[6] >> 6) & 1;
	ip->hdr_len = PT_IPV4_HDR_MIN;
	ip->total_len = tot;
	ip->off = off;
	ip->trailer = captured - tot;
	ip->payload_off = off + PT_IPV4_HDR_MIN;
	ip->payload = b + PT_IPV4_HDR_MIN;
	ip->payload_len = (size_t)tot - PT_IPV4_HDR_MIN;
	return 1;
}
static int parse_v4(pt_cursor *c, pt_ip *ip, const pt_sink *sink, const pt_where *at)
{
	pt_cursor h = *c, pay;
	size_t captured = pt_left(c), ihl, plen;
	const uint8_t *b = NULL;
	uint8_t vihl, proto;
	uint16_t tot, ff;
	uint64_t sum;

	if (captured < PT_IPV4_HDR_MIN) {
		pt_report(sink, PT_R_CAP_IP_TRUNCATED, at, "IPv4 header needs 20 bytes, %zu captured", captured);
		return PT_ETRUNC;
	}
	/* RFC 791 3.1: version/IHL, TOS, total length, identification, flags/offset, TTL, protocol, checksum,
	 * source, destination; the 20 octets are read from one borrowed block (the hot path of every packet). */
	(void)pt_get_bytes(&h, PT_IPV4_HDR_MIN, &b);
	vihl = b[0];
	ip->tos = b[1];
	tot = hdr_u16(b, 2);
	ip->frag_id = hdr_u16(b, 4);
	ff = hdr_u16(b, 6);
	ip->ttl = b[8];
	proto = b[9];
	ip->csum = hdr_u16(b, 10);
	pt_ip_addr_v4(ip->src, b + 12);
	pt_ip_addr_v4(ip->dst, b + 16);
	ip->version = 4;
	ip->proto = proto;

	/* RFC 791 3.1: IHL counts 32-bit words; the minimum header is 5 words. */
	ihl = (size_t)(vihl & 0x0F) * 4;
	if (ihl < PT_IPV4_HDR_MIN) {
		pt_report(sink, PT_R_CAP_IPV4_MALFORMED, at, "IHL %zu bytes, minimum 20", ihl);
		return PT_EINVAL;
	}
	if (captured < ihl) {
		pt_report(sink, PT_R_CAP_IP_TRUNCATED, at, "IPv4 header with options needs %zu bytes, %zu captured", ihl,
			  captured);
		return PT_ETRUNC;
	}
	ip->hdr_len = (uint16_t)ihl;
	if (tot == 0) {
		/* Not RFC 791: large-send offload hands the capture an unfinished header. */
		ip->total_len = (uint32_t)captured;
		pt_report(sink, PT_R_CAP_IPV4_ZERO_LENGTH, at, "total length 0, using the %zu bytes captured", captured);
	} else if (tot < ihl) {
		pt_report(sink, PT_R_CAP_IPV4_MALFORMED, at, "total length %u < header length %zu", tot, ihl);
		return PT_EINVAL;
	} else {
		ip->total_len = tot;
	}

	/* RFC 791 3.1: the checksum field holds the complement of the header's sum, computed with the field at zero.
	 * All ihl octets are captured (checked above), and ihl is a multiple of 4. */
	sum = (uint64_t)hdr_u16(b, 0) + hdr_u16(b, 2) + hdr_u16(b, 4) + hdr_u16(b, 6) + hdr_u16(b, 8);
	for (size_t i = 12; i < ihl; i += 2)
		sum += hdr_u16(b, i);
	{
		uint16_t want = fold(sum);
		ip->csum_ok = want == ip->csum;
		if (!ip->csum_ok)
			pt_report(sink, PT_R_CAP_IPV4_BAD_CHECKSUM, at, "header checksum 0x%04x, expected 0x%04x", ip->csum,
				  want);
	}

	if (ihl > PT_IPV4_HDR_MIN) {
		ip->opt_off = ip->off + PT_IPV4_HDR_MIN;
		ip->opt_len = (uint16_t)(ihl - PT_IPV4_HDR_MIN);
		(void)pt_get_bytes(&h, ip->opt_len, &ip->opt);
		check_v4_options(ip, sink, at);
	}

	/* RFC 791 3.1: flags are reserved, DF, MF; the offset counts 8-octet units. */
	ip->rf = (ff >> 15) & 1;
	ip->df = (ff >> 14) & 1;
	ip->frag_mf = (ff >> 13) & 1;
	ip->frag_off = (uint32_t)(ff & 0x1FFF) * 8;
	ip->is_fragment = ip->frag_mf || ip->frag_off;

	/* The total length is the truth: bytes past it are link padding, fewer is a short capture. */
	plen = ip->total_len - ihl;
	if (captured < ip->total_len) {
		ip->truncated = 1;
		plen = captured - ihl;
	} else {
		ip->trailer = captured - ip->total_len;
	}
	pay = *c;
	(void)pt_skip(&pay, ihl);
	ip->payload_off = pt_off(&pay);
	(void)pt_sub(&pay, plen, c);
	ip->payload = c->p;
	ip->payload_len = plen;
	return PT_OK;
}

/* ---- IPv6 ---- */

static int is_ext(uint8_t nh)
{
	switch (nh) {
	case PT_IPPROTO_HOPOPTS:
	case PT_IPPROTO_ROUTING:
	case PT_IPPROTO_DSTOPTS:
	case PT_IPPROTO_AH:
	case PT_IPPROTO_MOBILITY:
	case PT_IPPROTO_HIP:
	case PT_IPPROTO_SHIM6:
		return 1;
	}
	return 0;
}

int pt_ip6_skip_ext(pt_cursor *c, uint8_t *nh, int first, unsigned *count)
{
	while (is_ext(*nh)) {
		uint8_t next, hl;
		size_t len;
		int rc;

		/* RFC 8200 4.3: Hop-by-Hop Options may only follow the IPv6 header immediately. */
		if (*nh == PT_IPPROTO_HOPOPTS && !(first && *count == 0))
			return PT_EINVAL;
		if (*count >= PT_IP6_MAX_EXT)
			return PT_EINVAL;
		if ((rc = pt_peek_u8(c, 0, &next)) != PT_OK || (rc = pt_peek_u8(c, 1, &hl)) != PT_OK)
			return rc;
		if (*nh == PT_IPPROTO_AH)
			len = ((size_t)hl + 2) * 4;   /* RFC 4302 2.2: length in 32-bit words, minus 2 */
		else
			len = ((size_t)hl + 1) * 8;   /* RFC 8200 4.3-4.6: 8-octet units, not counting the first 8 */
		if ((rc = pt_skip(c, len)) != PT_OK)
			return rc;
		*nh = next;
		(*count)++;
	}
	return PT_OK;
}

static int v6_chain_error(pt_ip *ip, int rc, const char *what, size_t where, const pt_sink *sink, const pt_where *at)
{
	if (rc == PT_ETRUNC && ip->truncated) {
		pt_report(sink, PT_R_CAP_IP_TRUNCATED, at, "IPv6 %s at offset %zu cut short by the capture", what, where);
		return PT_ETRUNC;
	}
	if (rc == PT_ETRUNC)
		pt_report(sink, PT_R_CAP_IPV6_MALFORMED, at, "%s at offset %zu runs past the payload length", what, where);
	else
		pt_report(sink, PT_R_CAP_IPV6_MALFORMED, at, "%s at offset %zu: hop-by-hop not first, or more than %d headers",
			  what, where, PT_IP6_MAX_EXT);
	return PT_EINVAL;
}

static int parse_v6(pt_cursor *c, pt_ip *ip, const pt_sink *sink, const pt_where *at)
{
	pt_cursor h = *c, pay;
	size_t captured = pt_left(c), plen;
	uint32_t vtf = 0;
	uint16_t len = 0;
	uint8_t nh = 0;
	unsigned count = 0;
	int rc;

	if (captured < PT_IPV6_HDR_LEN) {
		pt_report(sink, PT_R_CAP_IP_TRUNCATED, at, "IPv6 header needs 40 bytes, %zu captured", captured);
		return PT_ETRUNC;
	}
	/* RFC 8200 3: version(4) traffic class(8) flow label(20), payload length, next header, hop limit, addresses. */
	(void)pt_get_u32(&h, &vtf);
	(void)pt_get_u16(&h, &len);
	(void)pt_get_u8(&h, &nh);
	(void)pt_get_u8(&h, &ip->ttl);
	(void)pt_copy(&h, ip->src, 16);
	(void)pt_copy(&h, ip->dst, 16);
	ip->version = 6;
	ip->tos = (uint8_t)(vtf >> 20);
	ip->flow = vtf & 0xFFFFF;
	if (len == 0 && nh == PT_IPPROTO_HOPOPTS)
		return PT_EUNSUP;   /* RFC 2675 jumbogram: not on links PPTP runs over */
	ip->total_len = PT_IPV6_HDR_LEN + (uint32_t)len;
	plen = len;
	if (captured - PT_IPV6_HDR_LEN < plen) {
		ip->truncated = 1;
		plen = captured - PT_IPV6_HDR_LEN;
	} else {
		ip->trailer = captured - ip->total_len;
	}
	(void)pt_sub(&h, plen, &pay);

	for (;;) {
		if ((rc = pt_ip6_skip_ext(&pay, &nh, 1, &count)) != PT_OK)
			return v6_chain_error(ip, rc, "extension header", pt_off(&pay), sink, at);
		if (nh != PT_IPPROTO_FRAGMENT)
			break;
		/* RFC 8200 4.5: next header, reserved, offset(13) res(2) M(1), identification(32). */
		{
			uint8_t fnh = 0, res = 0;
			uint16_t offm = 0;
			size_t where = pt_off(&pay);
			if (pt_left(&pay) < PT_IPV6_FRAG_HDR_LEN)
				return v6_chain_error(ip, PT_ETRUNC, "fragment header", where, sink, at);
			if (ip->frag_hdr)
				return v6_chain_error(ip, PT_EINVAL, "second fragment header", where, sink, at);
			(void)pt_get_u8(&pay, &fnh);
			(void)pt_get_u8(&pay, &res);
			(void)pt_get_u16(&pay, &offm);
			(void)pt_get_u32(&pay, &ip->frag_id);
			ip->frag_hdr = 1;
			ip->frag_hdr_off = where;
			ip->frag_off = offm & 0xFFF8u;
			ip->frag_mf = offm & 1;
			nh = fnh;
			count++;
			if (ip->frag_off || ip->frag_mf) {
				/* A real fragment: what follows is fragment data, not headers. */
				ip->is_fragment = 1;
				break;
			}
			/* RFC 6946: an atomic fragment (offset 0, M 0) is processed as a whole datagram. */
		}
	}
	ip->proto = nh;
	ip->payload_off = pt_off(&pay);
	ip->hdr_len = (uint16_t)(ip->payload_off - ip->off);
	ip->payload = pay.p;
	ip->payload_len = pt_left(&pay);
	*c = pay;
	return PT_OK;
}

int pt_ip_parse(pt_cursor *c, pt_ip *ip, const pt_sink *sink, const pt_where *at)
{
	uint8_t b;

	memset(ip, 0, sizeof *ip);
	ip->off = pt_off(c);
	if (pt_peek_u8(c, 0, &b) != PT_OK) {
		pt_report(sink, PT_R_CAP_IP_TRUNCATED, at, "no IP header captured");
		return PT_ETRUNC;
	}
	switch (b >> 4) {
	case 4:
		return parse_v4(c, ip, sink, at);
	case 6:
		return parse_v6(c, ip, sink, at);
	}
	pt_report(sink, PT_R_CAP_IPV4_MALFORMED, at, "IP version %u, expected 4 or 6", b >> 4);
	return PT_EINVAL;
}

int pt_ip_build(pt_writer *w, const pt_ip *ip, const uint8_t *payload, size_t len)
{
	size_t start = pt_wlen(w);

	if (ip->version == 4) {
		size_t optlen = ip->opt ? ip->opt_len : 0, pad = (4 - optlen % 4) % 4, ihl = PT_IPV4_HDR_MIN + optlen + pad;
		size_t tot = ihl + len;

		if (ihl > 60 || tot > 0xFFFF) {
			if (!w->err)
				w->err = PT_EINVAL;
			return w->err;
		}
		pt_put_u8(w, (uint8_t)(0x40 | (ihl / 4)));
		pt_put_u8(w, ip->tos);
		pt_put_u16(w, (uint16_t)tot);
		pt_put_u16(w, (uint16_t)ip->frag_id);
		pt_put_u16(w, (uint16_t)((ip->rf ? 0x8000 : 0) | (ip->df ? 0x4000 : 0) | (ip->frag_mf ? 0x2000 : 0) |
					 ((ip->frag_off / 8) & 0x1FFF)));
		pt_put_u8(w, ip->ttl);
		pt_put_u8(w, ip->proto);
		pt_put_u16(w, 0);
		pt_put_bytes(w, ip->src + 12, 4);
		pt_put_bytes(w, ip->dst + 12, 4);
		pt_put_bytes(w, ip->opt, optlen);
		pt_put_zero(w, pad);
		if (!w->err)
			pt_patch_u16(w, start + 10, pt_ip_cksum(w->base + start, ihl));
	} else if (ip->version == 6) {
		int frag = ip->is_fragment || ip->frag_hdr;
		size_t plen = len + (frag ? PT_IPV6_FRAG_HDR_LEN : 0);

		if (plen > 0xFFFF) {
			if (!w->err)
				w->err = PT_EINVAL;
			return w->err;
		}
		pt_put_u32(w, (6u << 28) | ((uint32_t)ip->tos << 20) | (ip->flow & 0xFFFFF));
		pt_put_u16(w, (uint16_t)plen);
		pt_put_u8(w, frag ? PT_IPPROTO_FRAGMENT : ip->proto);
		pt_put_u8(w, ip->ttl);
		pt_put_bytes(w, ip->src, 16);
		pt_put_bytes(w, ip->dst, 16);
		if (frag) {
			pt_put_u8(w, ip->proto);
			pt_put_u8(w, 0);
			pt_put_u16(w, (uint16_t)((ip->frag_off & 0xFFF8u) | (ip->frag_mf ? 1 : 0)));
			pt_put_u32(w, ip->frag_id);
		}
	} else if (!w->err) {
		w->err = PT_EINVAL;
	}
	pt_put_bytes(w, payload, len);
	return w->err;
}

/* ---- TCP ---- */

/* RFC 9293 3.2: End (0), No-Op (1), else kind, length, data; MSS is kind 2, RFC 7323 window scale kind 3, RFC 2018 SACK-permitted kind 4. */
static void tcp_options(pt_cursor o, pt_tcp_hdr *th)
{
	uint8_t kind, len;

	while (pt_get_u8(&o, &kind) == PT_OK) {
		if (kind == 0)
			return;
		if (kind == 1)
			continue;
		if (pt_get_u8(&o, &len) != PT_OK || len < 2 || pt_left(&o) < (size_t)len - 2)
			return;   /* malformed options are skipped, the segment still counts */
		if (kind == 2 && len == 4) {
			th->has_mss = 1;
			(void)pt_get_u16(&o, &th->mss);
		} else if (kind == 3 && len == 3) {
			th->has_wscale = 1;
			(void)pt_get_u8(&o, &th->wscale);
		} else {
			if (kind == 4 && len == 2)
				th->sack_ok = 1;
			(void)pt_skip(&o, (size_t)len - 2);
		}
	}
}

int pt_tcp_parse(pt_cursor *c, const pt_ip *ip, pt_tcp_hdr *th, const pt_sink *sink, const pt_where *at)
{
	pt_cursor h = *c, opt;
	int cut = ip ? ip->truncated : 1;
	uint8_t doff = 0, flags = 0;

	memset(th, 0, sizeof *th);
	th->off = pt_off(c);
	if (pt_left(&h) < PT_TCP_HDR_MIN) {
		if (cut) {
			pt_report(sink, PT_R_CAP_TCP_TRUNCATED, at, "TCP header needs 20 bytes, %zu captured", pt_left(&h));
			return PT_ETRUNC;
		}
		pt_report(sink, PT_R_CAP_TCP_MALFORMED, at, "segment of %zu bytes is shorter than a TCP header", pt_left(&h));
		return PT_EINVAL;
	}
	/* RFC 9293 3.1: ports, sequence, acknowledgment, offset(4) reserved(4) flags(8), window, checksum, urgent. */
	(void)pt_get_u16(&h, &th->sport);
	(void)pt_get_u16(&h, &th->dport);
	(void)pt_get_u32(&h, &th->seq);
	(void)pt_get_u32(&h, &th->ack);
	(void)pt_get_u8(&h, &doff);
	(void)pt_get_u8(&h, &flags);
	(void)pt_get_u16(&h, &th->window);
	(void)pt_get_u16(&h, &th->csum);
	(void)pt_get_u16(&h, &th->urg);
	th->hlen = (uint8_t)((doff >> 4) * 4);
	th->reserved = doff & 0x0F;
	th->flags = flags;
	if (th->hlen < PT_TCP_HDR_MIN) {
		pt_report(sink, PT_R_CAP_TCP_MALFORMED, at, "data offset %u bytes, minimum 20", th->hlen);
		return PT_EINVAL;
	}
	th->opt_off = pt_off(&h);
	th->opt_len = (uint8_t)(th->hlen - PT_TCP_HDR_MIN);
	if (pt_sub(&h, th->opt_len, &opt) != PT_OK) {
		if (cut) {
			pt_report(sink, PT_R_CAP_TCP_TRUNCATED, at, "TCP header with options needs %u bytes, %zu captured",
				  th->hlen, pt_left(c));
			return PT_ETRUNC;
		}
		pt_report(sink, PT_R_CAP_TCP_MALFORMED, at, "data offset %u bytes exceeds the %zu-byte segment", th->hlen,
			  pt_left(c));
		return PT_EINVAL;
	}
	tcp_options(opt, th);
	th->payload = h.p;
	th->payload_len = pt_left(&h);
	*c = h;
	return PT_OK;
}

int pt_tcp_build(pt_writer *w, const pt_ip *ip, const pt_tcp_hdr *th, const uint8_t *opt, size_t opt_len,
		 const uint8_t *payload, size_t len)
{
	size_t start = pt_wlen(w), pad = (4 - opt_len % 4) % 4, hlen = PT_TCP_HDR_MIN + opt_len + pad;

	if (hlen > 60) {
		if (!w->err)
			w->err = PT_EINVAL;
		return w->err;
	}
	pt_put_u16(w, th->sport);
	pt_put_u16(w, th->dport);
	pt_put_u32(w, th->seq);
	pt_put_u32(w, th->ack);
	pt_put_u8(w, (uint8_t)((hlen / 4) << 4 | (th->reserved & 0x0F)));
	pt_put_u8(w, th->flags);
	pt_put_u16(w, th->window);
	pt_put_u16(w, 0);
	pt_put_u16(w, th->urg);
	pt_put_bytes(w, opt, opt_len);
	pt_put_zero(w, pad);
	pt_put_bytes(w, payload, len);
	if (!w->err)
		pt_patch_u16(w, start + 16, pt_ip_l4_cksum(ip, PT_IPPROTO_TCP, w->base + start, hlen + len));
	return w->err;
}
