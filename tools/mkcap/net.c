/* net.c: what mkcap puts below the messages: link header, IPv4 or IPv6 with fragments (RFC 791 3.2, RFC 8200 4.5), TCP segments, all built by lib/link.h and lib/ip.h; the line's header overrides; raw frames. */
#include <string.h>

#include "ip.h"
#include "link.h"
#include "mkcap.h"

uint32_t mk_linktype(enum mk_link l)
{
	switch (l) {
	case MK_LINK_ETHER:
	case MK_LINK_VLAN:
	case MK_LINK_QINQ:
		return PT_LINK_EN10MB;
	case MK_LINK_SLL:
		return PT_LINK_LINUX_SLL;
	case MK_LINK_SLL2:
		return PT_LINK_LINUX_SLL2;
	case MK_LINK_RAW:
		return PT_LINK_RAW;
	case MK_LINK_NULL:
		return PT_LINK_NULL;
	}
	return PT_LINK_EN10MB;
}

/* The link header for one datagram from side `side` to the other. */
static void link_header(const mk *m, pt_writer *w, const mk_conn *c, int side, int v6)
{
	const mk_host *src = &c->h[side], *dst = &c->h[!side];
	pt_link k;

	memset(&k, 0, sizeof k);
	k.dlt = (int)mk_linktype(m->link);
	k.l3 = v6 ? PT_L3_IPV6 : PT_L3_IPV4;
	memcpy(k.eth_dst, dst->mac, 6);
	memcpy(k.eth_src, src->mac, 6);
	if (m->link == MK_LINK_VLAN) {
		k.ntags = 1;
		k.tag[0].tpid = PT_ETH_VLAN;
		k.tag[0].tci = m->vlan[0];
	} else if (m->link == MK_LINK_QINQ) {
		/* IEEE 802.1ad: the service tag outside, the customer tag inside */
		k.ntags = 2;
		k.tag[0].tpid = PT_ETH_QINQ;
		k.tag[0].tci = m->vlan[0];
		k.tag[1].tpid = PT_ETH_VLAN;
		k.tag[1].tci = m->vlan[1];
	}
	/* Linux cooked: captured on the PNS host, so its own packets are outgoing (4), the PAC's to us (0) */
	k.sll_pkttype = side == MK_PNS ? 4 : 0;
	k.sll_hatype = 1; /* ARPHRD_ETHER */
	k.sll_halen = 6;
	memcpy(k.sll_addr, src->mac, 6);
	k.sll_ifindex = 2;
	/* BSD loopback in the file's (little-endian) order; AF_INET6 as NetBSD/OpenBSD number it */
	k.af = v6 ? PT_BSD_AF_INET6_BSD : PT_BSD_AF_INET;
	k.af_big_endian = 0;
	pt_link_build(w, &k);
}

static void ip_of(const mk *m, const mk_conn *c, int side, uint8_t proto, pt_ip *ip)
{
	memset(ip, 0, sizeof *ip);
	ip->version = c->h[side].v6 ? 6 : 4;
	if (c->h[side].v6) {
		memcpy(ip->src, c->h[side].ip, 16);
		memcpy(ip->dst, c->h[!side].ip, 16);
	} else {
		pt_ip_addr_v4(ip->src, c->h[side].ip);
		pt_ip_addr_v4(ip->dst, c->h[!side].ip);
	}
	ip->proto = proto;
	ip->ttl = m->ttl;
}

static void write_frame(mk *m, const mk_line *l, pt_writer *w)
{
	if (w->err)
		mk_die(l, 1, "packet too long for one frame");
	if (!m->out.started)
		m->out.linktype = mk_linktype(m->link);
	mk_out_packet(&m->out, m->t_us, w->base, pt_wlen(w));
}

size_t mk_ipv4_packet(uint8_t *out, size_t cap, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		      uint16_t id, uint8_t ttl, const uint8_t *payload, size_t len)
{
	pt_writer w = pt_wr(out, cap);
	pt_ip ip;

	memset(&ip, 0, sizeof ip);
	ip.version = 4;
	pt_ip_addr_v4(ip.src, src);
	pt_ip_addr_v4(ip.dst, dst);
	ip.proto = proto;
	ip.ttl = ttl;
	ip.frag_id = id;
	if (len > 65535 - PT_IPV4_HDR_MIN || pt_ip_build(&w, &ip, payload, len) != PT_OK)
		return 0;
	return pt_wlen(&w);
}

/* The line's overrides of fields lib/ip builds from pt_ip (docs/mkcap.md "Header overrides"). */
static void ov_ip(const mk_hdrov *ov, pt_ip *ip)
{
	const int64_t *v = ov->v;

	if (v[MK_IP_TOS] >= 0)
		ip->tos = (uint8_t)v[MK_IP_TOS];
	if (v[MK_IP_TTL] >= 0)
		ip->ttl = (uint8_t)v[MK_IP_TTL];
	if (v[MK_IP_PROTO] >= 0)
		ip->proto = (uint8_t)v[MK_IP_PROTO];
	if (v[MK_IP_FLOW] >= 0)
		ip->flow = (uint32_t)v[MK_IP_FLOW];
	if (v[MK_IP_ID] >= 0)
		ip->frag_id = (uint32_t)v[MK_IP_ID];
	if (v[MK_IP_RF] >= 0)
		ip->rf = (int)v[MK_IP_RF];
	if (v[MK_IP_DF] >= 0)
		ip->df = (int)v[MK_IP_DF];
	if (v[MK_IP_MF] >= 0)
		ip->frag_mf = (int)v[MK_IP_MF];
	if (v[MK_IP_OFF] >= 0)
		ip->frag_off = (uint32_t)v[MK_IP_OFF];
	/* RFC 8200 4.5: IPv6 carries identification, offset and M in a Fragment header; lib writes one when asked */
	if (ip->version == 6 && (v[MK_IP_ID] >= 0 || v[MK_IP_MF] >= 0 || v[MK_IP_OFF] >= 0))
		ip->frag_hdr = 1;
	if (ov->has_ip_opt) {
		ip->opt = ov->ip_opt;
		ip->opt_len = (uint16_t)ov->ip_opt_len;
	}
}

/*
 * The line's overrides of fields lib/ip computes (version, IHL, length, checksum), written over the header built
 * at `at`. The IPv4 checksum is computed again over the changed header unless ip_csum= gives it, so a line has
 * only the faults it asks for.
 */
static void ov_patch(const mk_hdrov *ov, pt_writer *w, size_t at, const pt_ip *ip)
{
	const int64_t *v = ov->v;
	pt_cursor hc = pt_cur(w->base + at, pt_wlen(w) - at);
	uint8_t vihl = 0;
	int changed = 0;

	if (w->err || pt_get_u8(&hc, &vihl) != PT_OK)
		return;
	if (v[MK_IP_VER] >= 0 || v[MK_IP_IHL] >= 0) {
		unsigned ver = v[MK_IP_VER] >= 0 ? (unsigned)v[MK_IP_VER] : (unsigned)ip->version;
		if (ip->version == 6) {
			/* RFC 8200 3: version(4) traffic class(8) flow label(20) */
			pt_patch_u16(w, at, (uint16_t)(ver << 12 | (unsigned)ip->tos << 4 | (ip->flow >> 16 & 0xF)));
		} else {
			unsigned ihl = v[MK_IP_IHL] >= 0 ? (unsigned)v[MK_IP_IHL] : (vihl & 0x0Fu);
			pt_patch_u16(w, at, (uint16_t)(ver << 12 | ihl << 8 | ip->tos));
		}
		changed = 1;
	}
	if (v[MK_IP_LEN] >= 0) {
		/* IPv4 Total Length (RFC 791 3.1), IPv6 Payload Length (RFC 8200 3) */
		pt_patch_u16(w, at + (ip->version == 6 ? 4 : 2), (uint16_t)v[MK_IP_LEN]);
		changed = 1;
	}
	if (ip->version != 4)
		return;
	if (v[MK_IP_CSUM] >= 0) {
		pt_patch_u16(w, at + 10, (uint16_t)v[MK_IP_CSUM]);
	} else if (changed) {
		size_t hlen = (size_t)(vihl & 0x0Fu) * 4;
		pt_patch_u16(w, at + 10, 0);
		pt_patch_u16(w, at + 10, pt_ip_cksum(w->base + at, hlen));
	}
}

/* One IP packet (a datagram or one fragment) behind its link header, with the line's overrides. */
static void ip_packet(mk *m, const mk_line *l, const mk_conn *c, int side, const pt_ip *ip0, const uint8_t *payload,
		      size_t len)
{
	pt_writer w = pt_wr(m->pkt, sizeof m->pkt);
	pt_ip ip = *ip0;
	size_t at;

	ov_ip(&m->ov, &ip);
	link_header(m, &w, c, side, ip.version == 6);
	at = pt_wlen(&w);
	pt_ip_build(&w, &ip, payload, len);
	ov_patch(&m->ov, &w, at, &ip);
	write_frame(m, l, &w);
}

void mk_emit_ip(mk *m, const mk_line *l, mk_conn *c, int side, uint8_t proto,
		const uint8_t *payload, size_t len, uint32_t frag_over)
{
	const mk_hdrov *ov = &m->ov;
	mk_tcpdir *d = &c->d[side];
	int v6 = c->h[side].v6;
	size_t hlen, chunk, nfrag;
	pt_ip ip;

	ip_of(m, c, side, proto, &ip);
	if (v6 && ov->has_ip_ext) {
		/* RFC 8200 4: extension headers go between the IPv6 header and the payload, as the line gives them
		 * (lib/ip builds only the Fragment header); when fragmented they are in the fragmentable part */
		if (ov->ip_ext_len + len > sizeof m->l4)
			mk_die(l, 1, "IPv6 payload too long (%zu bytes)", ov->ip_ext_len + len);
		memmove(m->l4 + ov->ip_ext_len, payload, len);
		memcpy(m->l4, ov->ip_ext, ov->ip_ext_len);
		payload = m->l4;
		len += ov->ip_ext_len;
		ip.proto = ov->ip_ext_type;
	}
	if (v6) {
		if (len > 65535)
			mk_die(l, 1, "IPv6 payload too long (%zu bytes)", len);
		hlen = PT_IPV6_HDR_LEN;
		/* RFC 8200 4.5: a Fragment header (fragmenting, or ip_off=/ip_mf asked for one) takes the host's next
		 * identification; without one IPv6 has no identification and the counter stays */
		if ((frag_over && hlen + len > frag_over) || ov->v[MK_IP_MF] >= 0 || ov->v[MK_IP_OFF] >= 0) {
			d->ip_id++;
			ip.frag_id = d->ip_id;
		}
	} else {
		if (len > 65535 - PT_IPV4_HDR_MIN)
			mk_die(l, 1, "IPv4 datagram too long (%zu bytes)", PT_IPV4_HDR_MIN + len);
		d->ip_id++;
		ip.frag_id = d->ip_id;
		/* TCP goes with Don't Fragment set, as stacks do; GRE without, so it may be fragmented */
		ip.df = proto == PT_IPPROTO_TCP;
		hlen = PT_IPV4_HDR_MIN + ((ov->ip_opt_len + 3) & ~(size_t)3);
	}
	if (!frag_over || hlen + len <= frag_over) {
		if (ov->frag_drop | ov->frag_dup)
			mk_die(l, ov->frag_col, "this %zu-byte datagram is not fragmented (fragment N or frag=N below it)",
			       hlen + len);
		ip_packet(m, l, c, side, &ip, payload, len);
		return;
	}
	/* RFC 791 3.2, RFC 8200 4.5: fragments carry multiples of 8 data octets, MF on all but the last; an IPv6
	 * fragment is the IPv6 header, a Fragment header and the data, with a 32-bit identification */
	if (v6)
		hlen += PT_IPV6_FRAG_HDR_LEN;
	if (frag_over < hlen + 8)
		mk_die(l, 1, "fragment size %u leaves no room for data", frag_over);
	chunk = (frag_over - hlen) & ~(size_t)7;
	nfrag = (len + chunk - 1) / chunk;
	if (nfrag < 64 && ((ov->frag_drop | ov->frag_dup) >> nfrag) != 0)
		mk_die(l, ov->frag_col, "frag_drop/frag_dup name a fragment past the last: this datagram has %zu", nfrag);
	for (size_t k = 0; k < nfrag; k++) {
		size_t i = m->frag_reverse ? nfrag - 1 - k : k;
		size_t off = i * chunk, n = len - off < chunk ? len - off : chunk;
		uint64_t bit = i < 64 ? (uint64_t)1 << i : 0;
		ip.frag_off = (uint32_t)off;
		ip.frag_mf = i + 1 < nfrag;
		ip.is_fragment = 1;
		/* frag_drop: lost before the capture point; frag_dup: written twice */
		if (ov->frag_drop & bit)
			continue;
		ip_packet(m, l, c, side, &ip, payload + off, n);
		if (ov->frag_dup & bit)
			ip_packet(m, l, c, side, &ip, payload + off, n);
	}
}

/* `frame hex "..."`: the bytes as they are after the link header of a packet from side (l3=4|6 says which IP the
 * link header announces; default the connection's) */
void mk_frame_cmd(mk *m, mk_line *l, mk_conn *c, int side)
{
	pt_writer w = pt_wr(m->pkt, sizeof m->pkt);
	int v6 = c->h[side].v6;
	mk_tok *t = mk_peek(l);
	size_t len;

	if (!mk_accept(l, "hex"))
		mk_die(l, t ? t->col : l->endcol, "hex \"...\" expected after frame");
	len = mk_hex(l, mk_need(l, "quoted hex string"), m->l4, sizeof m->l4);
	if ((t = mk_kv(l, "l3")) != NULL) {
		uint32_t v = mk_num(l, t, 6);
		if (v != 4 && v != 6)
			mk_die(l, t->vcol, "l3=4 or l3=6 expected");
		v6 = v == 6;
	}
	len = mk_mutate(l, m->l4, len, sizeof m->l4);
	mk_done(l);
	link_header(m, &w, c, side, v6);
	pt_put_bytes(&w, m->l4, len);
	write_frame(m, l, &w);
}

/* One TCP segment (RFC 9293 3.1) from side; ACK carries the peer's next sequence number. */
void mk_tcp_segment(mk *m, const mk_line *l, mk_conn *c, int side, uint32_t seq, uint8_t flags,
		    const uint8_t *data, size_t len, int with_mss)
{
	const mk_hdrov *ov = &m->ov;
	const int64_t *v = ov->v;
	pt_writer w = pt_wr(m->scratch, sizeof m->scratch);
	pt_tcp_hdr th;
	pt_ip ip;
	uint16_t mss = c->h[side].v6 ? 1440 : 1460;
	/* MSS option (RFC 9293 3.2): kind 2, length 4 */
	const uint8_t mss_opt[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
	const uint8_t *opt = with_mss ? mss_opt : NULL;
	size_t optlen = with_mss ? sizeof mss_opt : 0;

	ip_of(m, c, side, PT_IPPROTO_TCP, &ip);
	memset(&th, 0, sizeof th);
	th.sport = c->h[side].port;
	th.dport = c->h[!side].port;
	th.seq = seq;
	th.ack = (flags & PT_TH_ACK) ? c->d[!side].nxt : 0;
	th.flags = v[MK_TCP_FLAGS] >= 0 ? (uint8_t)v[MK_TCP_FLAGS] : flags;
	th.window = v[MK_TCP_WIN] >= 0 ? (uint16_t)v[MK_TCP_WIN] : c->d[side].window;
	if (v[MK_TCP_URG] >= 0)
		th.urg = (uint16_t)v[MK_TCP_URG];
	if (v[MK_TCP_RES] >= 0)
		th.reserved = (uint8_t)v[MK_TCP_RES];
	if (ov->has_tcp_opt) {
		opt = ov->tcp_opt;
		optlen = ov->tcp_opt_len;
	}
	if (pt_tcp_build(&w, &ip, &th, opt, optlen, data, len) != PT_OK)
		mk_die(l, 1, "TCP segment too long");
	if (v[MK_TCP_DOFF] >= 0) {
		/* Data Offset as given (RFC 9293 3.1: 32-bit words), over the header lib built; the checksum follows */
		pt_patch_u16(&w, 12, (uint16_t)((unsigned)v[MK_TCP_DOFF] << 12 | (unsigned)th.reserved << 8 | th.flags));
		if (v[MK_TCP_CSUM] < 0) {
			pt_patch_u16(&w, 16, 0);
			pt_patch_u16(&w, 16, pt_ip_l4_cksum(&ip, PT_IPPROTO_TCP, w.base, pt_wlen(&w)));
		}
	}
	if (v[MK_TCP_CSUM] >= 0)
		pt_patch_u16(&w, 16, (uint16_t)v[MK_TCP_CSUM]);
	mk_emit_ip(m, l, c, side, PT_IPPROTO_TCP, m->scratch, pt_wlen(&w), 0);
}
