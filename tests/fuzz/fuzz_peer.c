/* fuzz_peer.c: pptp-conform's endpoint on hostile input: control-stream bytes and GRE packets from the target, as the PNS with every PPP engine running (conformance/endpoint.c, lib/cpeng, lib/authpeer, lib/mppe, the lib/tunnel checker). */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "conform.h"
#include "fuzz.h"
#include "ip.h"

/*
 * Input: our Call ID (16 bits), the target's (16 bits), a role bit, then records [ctl][chunk]:
 * ctl & 1 = 0: bytes of the control stream; 1: a GRE packet (the chunk is the IP payload, wrapped
 * in an IPv4 header from the target as the raw socket gives it).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	static cf_opts o;
	cf_rng rng = { 1 };
	cf_ep *e = calloc(1, sizeof *e);
	struct sockaddr_storage l, p;
	struct sockaddr_in *l4 = (struct sockaddr_in *)(void *)&l, *p4 = (struct sockaddr_in *)(void *)&p;
	uint16_t ours, theirs;
	int role;

	if (!e)
		return 0;
	snprintf(o.user, sizeof o.user, "alice");
	snprintf(o.password, sizeof o.password, "wonderland42");
	o.have_password = 1;
	ours = fz_u16(&in);
	theirs = fz_u16(&in);
	role = fz_u8(&in) & 1;
	if (cf_ep_init(e, role ? CF_PAC : CF_PNS, &o, &rng, NULL, NULL) != 0) {
		cf_ep_free(e);
		free(e);
		return 0;
	}
	memset(&l, 0, sizeof l);
	memset(&p, 0, sizeof p);
	l4->sin_family = p4->sin_family = AF_INET;
	l4->sin_addr.s_addr = htonl(0x7f000001);
	p4->sin_addr.s_addr = htonl(0x7f000002);
	l4->sin_port = htons(40000);
	p4->sin_port = htons(1723);
	cf_ep_socketless(e, &l, &p, sizeof(struct sockaddr_in));
	e->our_call_id = ours;
	e->peer_call_id = theirs;
	cf_ep_ppp_start(e);
	while (fz_left(&in)) {
		uint8_t ctl = fz_u8(&in);
		size_t len;
		uint8_t *b = fz_chunk(&in, 4096, &len);
		if (ctl & 1) {
			uint8_t pkt[4096 + 64];
			pt_ip ip;
			pt_writer w = pt_wr(pkt, sizeof pkt);
			memset(&ip, 0, sizeof ip);
			ip.version = 4;
			pt_ip_addr_v4(ip.src, (const uint8_t *)"\x7f\x00\x00\x02");
			pt_ip_addr_v4(ip.dst, (const uint8_t *)"\x7f\x00\x00\x01");
			ip.proto = 47;
			ip.ttl = 64;
			if (pt_ip_build(&w, &ip, b, len) == PT_OK)
				cf_ep_gre_in(e, pkt, pt_wlen(&w));
		} else {
			cf_ep_feed_ctrl(e, b, len);
			/* the scenario takes what came, as an expectation would */
			while (cf_ep_ctrl_peek(e))
				cf_ep_ctrl_pop(e);
		}
		free(b);
		cf_ep_ppp_drop(e, 1u << 30);
	}
	FZ_ASSERT(e->nfind <= CF_MAXFIND);
	FZ_ASSERT(e->cq_n <= CF_QCTRL && e->pq_n <= CF_QPPP);
	cf_ep_free(e);
	free(e);
	return 0;
}
