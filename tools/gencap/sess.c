/* sess.c: one PPTP control connection (RFC 2637 2-3) over a TCP connection on port 1723, its calls, Echo, and the capture writer it shares. */
#include <stdlib.h>
#include <string.h>

#include "gencap.h"
#include "ip.h"

/* ---- randomness ---- */

uint64_t gc_rand(gc_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t gc_below(gc_rng *r, uint32_t n)
{
	return n ? (uint32_t)(((gc_rand(r) >> 32) * n) >> 32) : 0;
}

int gc_chance(gc_rng *r, unsigned per_million)
{
	return per_million && gc_below(r, 1000000) < per_million;
}

void gc_rand_bytes(gc_rng *r, uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t v = gc_rand(r);
		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = gc_rand(r);
		memcpy(p, &v, n);
	}
}

/* ---- the capture: classic pcap, LINKTYPE_ETHERNET (1), microseconds, little-endian ---- */

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static void wr(gc_out *o, const void *p, size_t n)
{
	if (fwrite(p, 1, n, o->f) != n) {
		perror("pptp-gencap: write");
		exit(1);
	}
	o->bytes += n;
}

void gc_out_start(gc_out *o)
{
	uint8_t h[24];

	le32(h, 0xa1b2c3d4u);
	h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0;
	le32(h + 8, 0);
	le32(h + 12, 0);
	le32(h + 16, 65535);
	le32(h + 20, 1);
	wr(o, h, sizeof h);
}

void gc_out_ip(gc_out *o, const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint16_t ipid,
	       const uint8_t *payload, size_t len)
{
	uint8_t frame[16 + 14 + 20 + 2048];
	pt_writer w = pt_wr(frame + 16, sizeof frame - 16);
	pt_ip ip;
	size_t n;
	uint64_t ts = o->now < 0 ? 0 : (uint64_t)o->now;

	/* Ethernet II (RFC 894): the PAC's router and the PNS's gateway, EtherType IPv4 */
	static const uint8_t macs[12] = { 0x00, 0x16, 0x3e, 0x5a, 0x01, 0x01, 0x00, 0x16, 0x3e, 0x5a, 0x02, 0x02 };
	pt_put_bytes(&w, macs, sizeof macs);
	pt_put_u16(&w, 0x0800);
	memset(&ip, 0, sizeof ip);
	ip.version = 4;
	ip.ttl = 64;
	ip.proto = proto;
	ip.df = 1;
	ip.frag_id = ipid;
	pt_ip_addr_v4(ip.src, src);
	pt_ip_addr_v4(ip.dst, dst);
	if (pt_ip_build(&w, &ip, payload, len) != PT_OK)
		return;
	n = pt_wlen(&w);
	le32(frame, (uint32_t)(ts / 1000000));
	le32(frame + 4, (uint32_t)(ts % 1000000));
	le32(frame + 8, (uint32_t)n);
	le32(frame + 12, (uint32_t)n);
	wr(o, frame, n + 16);
	o->pkts++;
}

/* ---- PPTP control (RFC 2637 2) ---- */

void gc_ctrl_template(pt_ctrl_msg *m, uint16_t type)
{
	/* lib/pptp's valid message, then what a Windows client and a Linux server would fill in */
	pt_ctrl_init_valid(m, type);
	switch (type) {
	case PT_CTRL_SCCRQ:
		m->u.sccrq.firmware_rev = 0x0a28;
		pt_ctrl_str64_set(&m->u.sccrq.host_name, "alice-laptop");
		pt_ctrl_str64_set(&m->u.sccrq.vendor, "Microsoft");
		break;
	case PT_CTRL_SCCRP:
		m->u.sccrp.max_channels = 1;
		m->u.sccrp.firmware_rev = 1;
		pt_ctrl_str64_set(&m->u.sccrp.host_name, "vpn-gw");
		pt_ctrl_str64_set(&m->u.sccrp.vendor, "linux");
		break;
	case PT_CTRL_OCRQ:
		m->u.ocrq.min_bps = 300;
		m->u.ocrq.max_bps = 100000000;
		m->u.ocrq.recv_window = GC_WINDOW;
		break;
	case PT_CTRL_OCRP:
		m->u.ocrp.connect_speed = 100000000;
		m->u.ocrp.recv_window = GC_WINDOW;
		break;
	default:
		break;
	}
}

/* One TCP segment of the control connection, from 0 (PNS) or 1 (PAC). */
void gc_sess_tcp(gc_sess *s, int from, uint8_t flags, const uint8_t *payload, size_t len)
{
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };   /* RFC 9293 3.2: MSS 1460 on SYN */
	uint8_t seg[1200];
	pt_writer w = pt_wr(seg, sizeof seg);
	pt_tcp_hdr th;
	pt_ip ip;

	memset(&ip, 0, sizeof ip);
	ip.version = 4;
	pt_ip_addr_v4(ip.src, s->ip[from]);
	pt_ip_addr_v4(ip.dst, s->ip[!from]);
	memset(&th, 0, sizeof th);
	th.sport = from == 0 ? s->port : PT_PPTP_TCP_PORT;
	th.dport = from == 0 ? PT_PPTP_TCP_PORT : s->port;
	th.seq = s->tcp_seq[from];
	th.ack = (flags & PT_TH_ACK) ? s->tcp_seq[!from] : 0;
	th.flags = flags;
	th.window = 64240;
	if (pt_tcp_build(&w, &ip, &th, (flags & PT_TH_SYN) ? mss : NULL, (flags & PT_TH_SYN) ? sizeof mss : 0, payload,
			 len) != PT_OK)
		return;
	s->tcp_seq[from] += (uint32_t)len + ((flags & (PT_TH_SYN | PT_TH_FIN)) ? 1u : 0u);
	s->unacked[!from] = 0;
	if (len)
		s->unacked[from]++;
	gc_out_ip(&s->g->out, s->ip[from], s->ip[!from], PT_IPPROTO_TCP, s->ipid[from]++, seg, pt_wlen(&w));
}

void gc_sess_ctrl(gc_sess *s, int from, const pt_ctrl_msg *m)
{
	uint8_t buf[PT_PPTP_MAX_LEN];
	pt_writer w = pt_wr(buf, sizeof buf);

	if (pt_ctrl_build(m, &w) != PT_OK)
		return;
	gc_sess_tcp(s, from, PT_TH_ACK | PT_TH_PSH, buf, pt_wlen(&w));
}
