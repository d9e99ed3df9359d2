/* net.c: what mkcap puts below the messages: link header, IPv4 (RFC 791, fragments) or IPv6, TCP segments, all built by lib/link.h and lib/ip.h. */
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

void mk_emit_ip(mk *m, const mk_line *l, mk_conn *c, int side, uint8_t proto,
		const uint8_t *payload, size_t len, uint32_t frag_over)
{
	mk_tcpdir *d = &c->d[side];
	pt_ip ip;

	ip_of(m, c, side, proto, &ip);
	if (c->h[side].v6) {
		pt_writer w = pt_wr(m->pkt, sizeof m->pkt);
		if (len > 65535)
			mk_die(l, 1, "IPv6 payload too long (%zu bytes)", len);
		link_header(m, &w, c, side, 1);
		pt_ip_build(&w, &ip, payload, len);
		write_frame(m, l, &w);
		return;
	}
	if (len > 65535 - PT_IPV4_HDR_MIN)
		mk_die(l, 1, "IPv4 datagram too long (%zu bytes)", PT_IPV4_HDR_MIN + len);
	d->ip_id++;
	ip.frag_id = d->ip_id;
	if (!frag_over || PT_IPV4_HDR_MIN + len <= frag_over) {
		pt_writer w = pt_wr(m->pkt, sizeof m->pkt);
		/* TCP goes with Don't Fragment set, as stacks do; GRE without, so it may be fragmented */
		ip.df = proto == PT_IPPROTO_TCP;
		link_header(m, &w, c, side, 0);
		pt_ip_build(&w, &ip, payload, len);
		write_frame(m, l, &w);
		return;
	}
	{
		/* RFC 791 3.2: fragments carry multiples of 8 data octets; MF on all but the last */
		size_t chunk = (frag_over - PT_IPV4_HDR_MIN) & ~(size_t)7, nfrag;
		if (chunk < 8)
			mk_die(l, 1, "fragment size %u leaves no room for data", frag_over);
		nfrag = (len + chunk - 1) / chunk;
		for (size_t k = 0; k < nfrag; k++) {
			size_t i = m->frag_reverse ? nfrag - 1 - k : k;
			size_t off = i * chunk, n = len - off < chunk ? len - off : chunk;
			pt_writer w = pt_wr(m->pkt, sizeof m->pkt);
			ip.frag_off = (uint32_t)off;
			ip.frag_mf = i + 1 < nfrag;
			ip.is_fragment = 1;
			link_header(m, &w, c, side, 0);
			pt_ip_build(&w, &ip, payload + off, n);
			write_frame(m, l, &w);
		}
	}
}

/* One TCP segment (RFC 9293 3.1) from side; ACK carries the peer's next sequence number. */
void mk_tcp_segment(mk *m, const mk_line *l, mk_conn *c, int side, uint32_t seq, uint8_t flags,
		    const uint8_t *data, size_t len, int with_mss)
{
	pt_writer w = pt_wr(m->scratch, sizeof m->scratch);
	pt_tcp_hdr th;
	pt_ip ip;
	uint16_t mss = c->h[side].v6 ? 1440 : 1460;
	/* MSS option (RFC 9293 3.2): kind 2, length 4 */
	const uint8_t opt[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };

	ip_of(m, c, side, PT_IPPROTO_TCP, &ip);
	memset(&th, 0, sizeof th);
	th.sport = c->h[side].port;
	th.dport = c->h[!side].port;
	th.seq = seq;
	th.ack = (flags & PT_TH_ACK) ? c->d[!side].nxt : 0;
	th.flags = flags;
	th.window = c->d[side].window;
	if (pt_tcp_build(&w, &ip, &th, with_mss ? opt : NULL, with_mss ? sizeof opt : 0, data, len) != PT_OK)
		mk_die(l, 1, "TCP segment too long");
	mk_emit_ip(m, l, c, side, PT_IPPROTO_TCP, m->scratch, pt_wlen(&w), 0);
}
