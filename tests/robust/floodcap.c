/* floodcap.c: a capture built to exhaust pptp-analyze's memory (issue 23 part 5), written with lib/'s builders as raw IP: control connections opened and never closed, GRE for random Call IDs, TCP streams with huge holes, IP fragments that never complete, an endless LCP negotiation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gre.h"
#include "ip.h"
#include "ppp.h"
#include "pptp.h"

static FILE *out;
static uint64_t npkt;
static uint32_t ts = 1700000000;

static void rec(const uint8_t *p, size_t len)
{
	uint8_t h[16];
	uint32_t v[4] = { ts + (uint32_t)(npkt / 100000), (uint32_t)(npkt % 100000) * 10, (uint32_t)len, (uint32_t)len };

	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 4; b++)
			h[i * 4 + b] = (uint8_t)(v[i] >> (8 * b));
	fwrite(h, 16, 1, out);
	fwrite(p, len, 1, out);
	npkt++;
}

static void v4(uint8_t out16[16], uint32_t a)
{
	uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
	pt_ip_addr_v4(out16, b);
}

static void ip_packet(uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, int mf, uint32_t off,
		      const uint8_t *payload, size_t len)
{
	uint8_t pkt[2048];
	pt_writer w = pt_wr(pkt, sizeof pkt);
	pt_ip ip;

	memset(&ip, 0, sizeof ip);
	ip.version = 4;
	v4(ip.src, src);
	v4(ip.dst, dst);
	ip.proto = proto;
	ip.ttl = 64;
	ip.frag_id = id;
	ip.frag_mf = mf;
	ip.frag_off = off;
	ip.is_fragment = mf || off;
	if (pt_ip_build(&w, &ip, payload, len) == PT_OK)
		rec(pkt, pt_wlen(&w));
}

static void tcp_segment(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq, uint8_t flags,
			const uint8_t *data, size_t len)
{
	uint8_t seg[2048];
	pt_writer w = pt_wr(seg, sizeof seg);
	pt_ip ip;
	pt_tcp_hdr th;

	memset(&ip, 0, sizeof ip);
	ip.version = 4;
	v4(ip.src, src);
	v4(ip.dst, dst);
	ip.proto = 6;
	memset(&th, 0, sizeof th);
	th.sport = sport;
	th.dport = dport;
	th.seq = seq;
	th.ack = 1;
	th.flags = flags;
	th.window = 65535;
	if (pt_tcp_build(&w, &ip, &th, NULL, 0, data, len) == PT_OK)
		ip_packet(src, dst, 6, (uint16_t)seq, 0, 0, seg, pt_wlen(&w));
}

int main(int argc, char **argv)
{
	uint8_t msg[256], gre[512];
	uint32_t rnd = 12345;
	unsigned conns = argc > 2 ? (unsigned)atoi(argv[2]) : 200000;
	pt_ctrl_msg m;
	pt_writer w;
	static const uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					 0xff, 0xff, 0, 0, 101, 0, 0, 0 };

	if (argc < 2 || !(out = fopen(argv[1], "wb"))) {
		fprintf(stderr, "usage: floodcap OUT.pcap [CONNECTIONS]\n");
		return 2;
	}
	fwrite(hdr, sizeof hdr, 1, out);
	pt_ctrl_init(&m, PT_CTRL_SCCRQ);
	m.u.sccrq.version = PT_PPTP_VERSION;
	w = pt_wr(msg, sizeof msg);
	(void)pt_ctrl_build(&m, &w);
	/* 1. control connections opened (SYN, SCCRQ) and never closed, from many addresses and ports */
	for (unsigned i = 0; i < conns; i++) {
		uint32_t cli = 0x0a000000u + (i / 60000), srv = 0xc0000201u;
		uint16_t port = (uint16_t)(1024 + i % 60000);
		tcp_segment(cli, port, srv, 1723, 0, PT_TH_SYN, NULL, 0);
		tcp_segment(cli, port, srv, 1723, 1, PT_TH_ACK | PT_TH_PSH, msg, pt_wlen(&w));
	}
	/* 2. GRE for random Call IDs between random pairs */
	for (unsigned i = 0; i < conns / 2; i++) {
		pt_gre_hdr h;
		pt_writer g = pt_wr(gre, sizeof gre);
		static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };
		rnd = rnd * 1103515245u + 12345u;
		pt_gre_init(&h, (uint16_t)(rnd >> 8));
		h.has_seq = h.s = 1;
		h.seq = rnd;
		if (pt_gre_build(&h, lcp, sizeof lcp, &g) == PT_OK)
			ip_packet(0x0b000000u + (rnd >> 16), 0xc0000201u, 47, (uint16_t)i, 0, 0, gre, pt_wlen(&g));
	}
	/* 3. TCP streams to 1723 with holes of a gigabyte between their segments */
	for (unsigned i = 0; i < 2000; i++)
		for (unsigned s = 0; s < 20; s++)
			tcp_segment(0x0c000001u + i, 40000, 0xc0000201u, 1723, 1 + s * 1000000000u, PT_TH_ACK, msg, 100);
	/* 4. first fragments of GRE datagrams that never complete */
	for (unsigned i = 0; i < conns / 4; i++)
		ip_packet(0x0d000001u + (i % 5000), 0xc0000201u, 47, (uint16_t)i, 1, 0, msg, 64);
	/* 5. one call's endless LCP negotiation: Configure-Requests with no end, both ways */
	for (unsigned i = 0; i < conns / 2; i++) {
		pt_gre_hdr h;
		pt_writer g = pt_wr(gre, sizeof gre);
		uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, (uint8_t)i, 0x00, 0x0a, 0x05, 0x06, 1, 2, 3, (uint8_t)i };
		pt_gre_init(&h, 7);
		h.has_seq = h.s = 1;
		h.seq = i;
		if (pt_gre_build(&h, lcp, sizeof lcp, &g) == PT_OK)
			ip_packet(0x0e000001u, 0xc0000201u, 47, (uint16_t)i, 0, 0, gre, pt_wlen(&g));
	}
	fclose(out);
	fprintf(stderr, "floodcap: %llu packets\n", (unsigned long long)npkt);
	return 0;
}
