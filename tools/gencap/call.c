/* call.c: one PPTP call as two PPP ends in memory: LCP/CCP/IPCP engines, MS-CHAPv2 both ways, MPPE (and MPPC) on the data (RFC 2637 4, RFC 1661, RFC 2759, RFC 3078, RFC 2118). */
#include <stdlib.h>
#include <string.h>

#include "gencap.h"
#include "gre.h"
#include "ip.h"
#include "ppp.h"

const char *const gc_prof_name[GC_P__N] = { "mppe-128 stateless", "mppe-128 stateful", "mppe-40 stateless",
					    "mppe-128 stateful + mppc", "mppe-40 stateful" };

static gc_gen *gen_of(gc_call *c) { return c->s->g; }
static int64_t now_of(gc_call *c) { return c->s->g->out.now; }

/* ---- GRE (RFC 2637 4.1): sequence on payload packets, acknowledgments piggybacked or alone ---- */

static void gre_mark_rx(gc_end *to, uint32_t seq)
{
	if (!to->rx_any || pt_gre_seq_diff(seq, to->rx_seq) > 0)
		to->rx_seq = seq;
	to->rx_any = 1;
	to->ack_pending = 1;
	to->unacked++;
}

static void gre_emit(gc_end *e, const uint8_t *pkt, size_t len)
{
	gc_sess *s = e->call->s;

	gc_out_ip(&s->g->out, s->ip[e->side], s->ip[!e->side], PT_GRE_IPPROTO, s->ipid[e->side]++, pkt, len);
}

static void gre_ack_only(gc_end *e);

/* data: a packet that may be lost or reordered on its way to the capture point */
static void send_gre(gc_end *e, const uint8_t *payload, size_t len, int data)
{
	gc_call *c = e->call;
	gc_gen *g = gen_of(c);
	gc_end *peer = &c->e[!e->side];
	uint8_t buf[GC_MAXPKT + 32];
	pt_writer w = pt_wr(buf, sizeof buf);
	pt_gre_hdr h;
	uint32_t seq = 0;

	/* RFC 2637 4.1: the key carries the receiver's Call ID */
	pt_gre_init(&h, c->call_id[!e->side]);
	if (len) {
		h.has_seq = h.s = 1;
		h.seq = seq = e->gre_seq++;
	}
	if (e->ack_pending) {
		h.has_ack = h.a = 1;
		h.ack = e->rx_seq;
		e->acked = e->rx_seq;
		e->ack_pending = 0;
		e->unacked = 0;
	}
	if (pt_gre_build(&h, payload, len, &w) != PT_OK)
		return;
	if (data && gc_chance(&g->rng, g->loss_ppm)) {
		/* lost before the capture point: the numbers are used, nothing is seen */
		g->lost++;
		if (!e->stateless)
			peer->reset_due = 1;
		return;
	}
	if (data && e->stateless && !e->held_valid && gc_chance(&g->rng, g->reorder_ppm)) {
		/* held back: it arrives after the next one (reordering) */
		memcpy(e->held, buf, pt_wlen(&w));
		e->held_len = pt_wlen(&w);
		e->held_seq = seq;
		e->held_valid = 1;
		g->reordered++;
		return;
	}
	gre_emit(e, buf, pt_wlen(&w));
	if (len)
		gre_mark_rx(peer, seq);
	if (data && e->held_valid) {
		e->held_valid = 0;
		gre_emit(e, e->held, e->held_len);
		gre_mark_rx(peer, e->held_seq);
	}
	if (len && peer->reset_due) {
		/* RFC 3078 8.2: the receiver saw the count jump and asks for a flush */
		peer->reset_due = 0;
		(void)pt_cpeng_send_code(&peer->cp[PT_CPK_CCP], PT_CP_RESET_REQ, -1, NULL, 0);
	}
	/* a receiver that has nothing to send acknowledges on its own (RFC 2637 4.4) */
	if (peer->unacked >= GC_WINDOW / 4)
		gre_ack_only(peer);
}

static void gre_ack_only(gc_end *e)
{
	if (e->ack_pending)
		send_gre(e, NULL, 0, 0);
}

/* ---- PPP ---- */

static int is_data_proto(uint16_t p)
{
	return p >= PT_MPPE_PROTO_MIN && p <= PT_MPPE_PROTO_MAX;
}

static void queue_to_peer(gc_end *e, uint16_t proto, const uint8_t *info, size_t len)
{
	gc_call *c = e->call;
	gc_pppq *q;

	if (c->qn == GC_PPPQ || len > sizeof q->data)
		return;   /* the link is congested: dropped, as a real one would */
	q = &c->q[(c->qh + c->qn) % GC_PPPQ];
	c->qn++;
	q->to = (uint8_t)!e->side;
	q->proto = proto;
	q->len = (uint16_t)len;
	memcpy(q->data, info, len);
}

static void send_ppp(gc_end *e, uint16_t proto, const uint8_t *info, size_t len)
{
	const pt_cpeng_result *lr = pt_cpeng_result_get(&e->cp[PT_CPK_LCP]);
	uint8_t frame[GC_MAXPKT + 16];
	pt_writer w = pt_wr(frame, sizeof frame);
	int up = pt_cpeng_is_open(&e->cp[PT_CPK_LCP]);
	/* RFC 1661 6.5-6.6: never on LCP; only once agreed */
	int acfc = up && lr->tx_acfc && proto != PT_PPP_LCP, pfc = up && lr->tx_pfc && proto != PT_PPP_LCP;

	if (len > GC_INNER_MAX + 4)
		return;
	if (e->mppe_on && is_data_proto(proto)) {
		/* RFC 3078 3: the protocol field and the data are encrypted, sent as protocol 0x00FD */
		uint8_t plain[GC_MAXPKT], comp[PT_MPPC_MAX_OUT(GC_MAXPKT)], enc[GC_MAXPKT + 16];
		pt_writer pw = pt_wr(plain, sizeof plain), ew = pt_wr(enc, sizeof enc);
		const uint8_t *in = plain;
		size_t inlen;
		uint16_t flags = 0;
		pt_mppe_info mi;

		pt_put_u16(&pw, proto);
		pt_put_bytes(&pw, info, len);
		inlen = pt_wlen(&pw);
		if (e->mppc_on) {
			/* RFC 2118: compress first, then encrypt the compressed stream (RFC 3078 4) */
			size_t clen;
			if (pt_mppc_compress(&e->mppc, plain, inlen, comp, sizeof comp, &clen, &flags) != PT_OK)
				return;
			in = comp;
			inlen = clen;
		}
		if (pt_mppe_encrypt(&e->tx, flags, in, inlen, &ew, &mi) != PT_OK)
			return;
		if (pt_ppp_build(PT_PPP_COMP, acfc, pfc, enc, pt_wlen(&ew), &w) != PT_OK)
			return;
		send_gre(e, frame, pt_wlen(&w), 1);
		return;
	}
	if (pt_ppp_build(proto, acfc, pfc, info, len, &w) != PT_OK)
		return;
	send_gre(e, frame, pt_wlen(&w), 0);
	if (!is_data_proto(proto))
		queue_to_peer(e, proto, info, len);
}

static void mppe_setup(gc_end *e)
{
	const pt_cpeng_result *r = pt_cpeng_result_get(&e->cp[PT_CPK_CCP]);
	uint8_t send[16], recv[16];
	int bits = (r->tx_bits & PT_CCP_MPPE_S) ? 128 : (r->tx_bits & PT_CCP_MPPE_M) ? 56 : (r->tx_bits & PT_CCP_MPPE_L) ? 40 : 0;

	if (!bits || e->auth.status != PT_AUTHS_SUCCESS)
		return;
	if (pt_authpeer_mppe_keys(&e->auth, bits, 1, send, recv) != PT_OK)
		return;
	pt_mppe_done(&e->tx);
	e->stateless = (r->tx_bits & PT_CCP_MPPE_H) != 0;
	if (pt_mppe_init(&e->tx, send, bits, e->stateless ? PT_MPPE_OPT_STATELESS : 0) != PT_OK)
		return;
	if (gen_of(e->call)->keylog) {
		/* packets from here on, GRE key (the receiver's Call ID), bits, stateless, start key */
		gc_gen *g = gen_of(e->call);
		fprintf(g->keylog, "%llu %u %d %d ", (unsigned long long)g->out.pkts, e->call->call_id[!e->side], bits,
			e->stateless);
		for (size_t i = 0; i < pt_mppe_key_len(bits); i++)
			fprintf(g->keylog, "%02x", send[i]);
		fputc('\n', g->keylog);
	}
	pt_wipe(send, sizeof send);
	pt_wipe(recv, sizeof recv);
	e->bits = bits;
	e->mppe_on = 1;
	e->mppc_on = (r->tx_bits & PT_CCP_MPPE_C) != 0;
	if (e->mppc_on)
		pt_mppc_init(&e->mppc, e->stateless);
}

static void engine_start(gc_end *e, int k)
{
	int64_t now = now_of(e->call);

	if (e->cp_started[k])
		return;
	e->cp_started[k] = 1;
	pt_cpeng_open(&e->cp[k], now);
	pt_cpeng_up(&e->cp[k], now);
}

static void start_ncps(gc_end *e)
{
	if (e->ncp_started)
		return;
	e->ncp_started = 1;
	engine_start(e, PT_CPK_CCP);
}

static void start_auth(gc_end *e)
{
	const pt_cpeng_result *r = pt_cpeng_result_get(&e->cp[PT_CPK_LCP]);
	gc_gen *g = gen_of(e->call);
	uint8_t buf[PT_AUTHPEER_MAX_PKT], chal[16];
	pt_writer w = pt_wr(buf, sizeof buf);
	int m = e->side == 0 ? r->peer_auth : r->our_auth;

	if (e->auth_started)
		return;
	e->auth_started = 1;
	gc_rand_bytes(&g->rng, chal, sizeof chal);
	if (e->side == 0)
		pt_authpeer_client_init(&e->auth, m, &g->cred, chal, NULL);
	else
		pt_authpeer_server_init(&e->auth, m, &g->cred, chal, NULL);
	if (pt_authpeer_start(&e->auth, (uint8_t)gc_rand(&g->rng), &w) == 1)
		send_ppp(e, pt_authpeer_proto(m), buf, pt_wlen(&w));
}

static void cp_send(void *user, int kind, const uint8_t *pkt, size_t len)
{
	send_ppp(user, pt_cp_kind_proto(kind), pkt, len);
}

static void cp_up(void *user, int kind)
{
	gc_end *e = user;

	if (kind == PT_CPK_LCP)
		start_auth(e);
	else if (kind == PT_CPK_CCP) {
		mppe_setup(e);
		/* RFC 3078 4 and pppd: with MPPE required, IPCP follows CCP */
		engine_start(e, PT_CPK_IPCP);
	}
}

static void cp_down(void *user, int kind)
{
	gc_end *e = user;

	if (kind == PT_CPK_CCP || kind == PT_CPK_LCP)
		e->mppe_on = 0;
	if (kind == PT_CPK_LCP)
		for (int k = PT_CPK_LCP + 1; k < PT_CPK__N; k++)
			if (e->cp_started[k])
				pt_cpeng_down(&e->cp[k], now_of(e->call));
}

static void cp_other(void *user, int kind, const pt_cp_pkt *p)
{
	gc_end *e = user;

	if (kind == PT_CPK_CCP && p->code == PT_CP_RESET_REQ) {
		/* RFC 3078 8.2 / RFC 1962 3: the next packet re-initialises (and MPPC flushes); acknowledge */
		if (e->mppe_on)
			pt_mppe_reset_request(&e->tx);
		if (e->mppc_on)
			pt_mppc_reset_request(&e->mppc);
		(void)pt_cpeng_send_code(&e->cp[PT_CPK_CCP], PT_CP_RESET_ACK, p->id, NULL, 0);
	}
}

static void policy(gc_call *c, int side, pt_cpeng_policy *pol)
{
	gc_gen *g = gen_of(c);
	uint32_t keys, h, mppc;

	memset(pol, 0, sizeof *pol);
	pol->lcp.mru = 1400;
	pol->lcp.magic = (uint32_t)gc_rand(&g->rng) | 1;
	pol->lcp.want_pfc = pol->lcp.want_acfc = 1;
	pol->lcp.accept_pfc = pol->lcp.accept_acfc = 1;
	if (side == 1) {
		pol->lcp.auth = PT_AUTHM_MSCHAPV2;
	} else {
		pol->lcp.accept_auth = PT_AUTHM_BIT(PT_AUTHM_MSCHAPV2);
		pol->lcp.auth_pref[0] = PT_AUTHM_MSCHAPV2;
	}
	switch (c->prof) {
	case GC_P40_STATELESS: keys = PT_CCP_MPPE_L; h = PT_CCP_MPPE_H; mppc = 0; break;
	case GC_P40_STATEFUL: keys = PT_CCP_MPPE_L; h = 0; mppc = 0; break;
	case GC_P128_STATEFUL: keys = PT_CCP_MPPE_S; h = 0; mppc = 0; break;
	case GC_P128_MPPC: keys = PT_CCP_MPPE_S; h = 0; mppc = PT_CCP_MPPE_C; break;
	default: keys = PT_CCP_MPPE_S; h = PT_CCP_MPPE_H; mppc = 0; break;
	}
	pol->ccp.want_bits = keys | h | mppc;
	pol->ccp.accept_bits = keys | h | mppc;
	pol->ccp.require = 1;
	if (side == 1) {
		memcpy(pol->ipcp.local, c->inner[1], 4);
		memcpy(pol->ipcp.peer, c->inner[0], 4);
		pol->ipcp.dns[0][0] = 10, pol->ipcp.dns[0][3] = 53;
	} else {
		pol->ipcp.accept_local = 1;
		pol->ipcp.want_dns = 1;
	}
	pol->ipcp.accept_any_peer = side == 1 ? 0 : 1;
}

gc_call *gc_call_new(gc_gen *g, gc_sess *s, int prof)
{
	gc_call *c = calloc(1, sizeof *c);
	uint32_t h = g->next_host++;

	if (!c)
		return NULL;
	c->s = s;
	c->prof = prof;
	c->state = GC_C_OCRQ;
	c->call_id[0] = g->next_call_id++;
	c->call_id[1] = (uint16_t)(g->next_call_id++ ^ 0x8000);
	c->serial = (uint16_t)g->calls;
	/* inner addresses: the PNS gets 172.16.x.y from the PAC's pool; the PAC end is 172.31.255.254 */
	c->inner[0][0] = 172, c->inner[0][1] = (uint8_t)(16 + (h >> 16) % 15);
	c->inner[0][2] = (uint8_t)(h >> 8), c->inner[0][3] = (uint8_t)(1 + h % 250);
	c->inner[1][0] = 172, c->inner[1][1] = 31, c->inner[1][2] = 255, c->inner[1][3] = 254;
	c->tcp_seq[0] = (uint32_t)gc_rand(&g->rng);
	c->tcp_seq[1] = (uint32_t)gc_rand(&g->rng);
	c->tcp_port = (uint16_t)(32768 + gc_below(&g->rng, 28000));
	/* a call carries between 50 KB and about 25 MB, most of them small (log-uniform) */
	c->budget = (uint64_t)50000 << gc_below(&g->rng, 10);
	c->budget += gc_below(&g->rng, (uint32_t)c->budget);
	for (int d = 0; d < 2; d++) {
		c->e[d].call = c;
		c->e[d].side = d;
		c->e[d].gre_seq = (uint32_t)gc_below(&g->rng, 4) ? 0 : (uint32_t)gc_rand(&g->rng);
	}
	g->calls++;
	g->prof_calls[prof]++;
	return c;
}

void gc_call_free(gc_call *c)
{
	if (!c)
		return;
	for (int d = 0; d < 2; d++) {
		pt_mppe_done(&c->e[d].tx);
		pt_authpeer_wipe(&c->e[d].auth);
	}
	free(c);
}

void gc_call_ppp_start(gc_call *c)
{
	pt_cpeng_policy pol;
	pt_cpeng_cb cb;

	/* the PAC opens first (pptpd starts pppd on OCRQ); the PNS follows */
	for (int d = 1; d >= 0; d--) {
		policy(c, d, &pol);
		memset(&cb, 0, sizeof cb);
		cb.user = &c->e[d];
		cb.send = cp_send;
		cb.up = cp_up;
		cb.down = cp_down;
		cb.other = cp_other;
		for (int k = 0; k < PT_CPK__N; k++)
			pt_cpeng_init(&c->e[d].cp[k], k, &pol, &cb);
		engine_start(&c->e[d], PT_CPK_LCP);
	}
	c->next_lcp_echo = now_of(c) + 1000000 + (int64_t)gc_below(&gen_of(c)->rng, 5000000);
}

static void deliver(gc_call *c, const gc_pppq *q)
{
	gc_end *e = &c->e[q->to];
	int64_t now = now_of(c);
	int k = pt_cp_kind_of(q->proto);

	if (k >= 0) {
		if (!e->cp_started[k] && k != PT_CPK_LCP && pt_cpeng_is_open(&e->cp[PT_CPK_LCP]))
			engine_start(e, k);
		if (e->cp_started[k])
			(void)pt_cpeng_input(&e->cp[k], q->data, q->len, now);
		return;
	}
	if (q->proto == PT_PPP_CHAP || q->proto == PT_PPP_PAP) {
		uint8_t buf[PT_AUTHPEER_MAX_PKT];
		pt_writer w = pt_wr(buf, sizeof buf);
		if (!e->auth_started)
			start_auth(e);
		if (pt_authpeer_input(&e->auth, q->proto, q->data, q->len, &w) == 1)
			send_ppp(e, q->proto, buf, pt_wlen(&w));
		if (e->auth.status == PT_AUTHS_SUCCESS)
			start_ncps(e);
	}
}

static int link_up(gc_call *c)
{
	for (int d = 0; d < 2; d++)
		if (!pt_cpeng_is_open(&c->e[d].cp[PT_CPK_IPCP]) || !c->e[d].mppe_on)
			return 0;
	return 1;
}

/* Deliver one queued control packet (or run the timers); 1 once both ends have IPCP up and MPPE on. */
int gc_call_ppp_step(gc_call *c)
{
	if (c->qn) {
		gc_pppq q = c->q[c->qh];
		c->qh = (c->qh + 1) % GC_PPPQ;
		c->qn--;
		deliver(c, &q);
		c->stall = 0;
	} else {
		int64_t now = now_of(c);
		c->stall++;
		for (int d = 0; d < 2; d++)
			for (int k = 0; k < PT_CPK__N; k++)
				if (c->e[d].cp_started[k])
					pt_cpeng_tick(&c->e[d].cp[k], now);
	}
	return link_up(c);
}

/* ---- inner traffic (what a user of the tunnel sends) ---- */

static void fill_payload(gc_gen *g, uint8_t *p, size_t n, int text)
{
	static const char *const words[] = { "GET ", "HTTP/1.1 ", "Host: ", "Content-Type: ", "text/html; ", "charset=utf-8\r\n",
					     "<div class=\"", "row\">", "</div>\n", "the ", "tunnel ", "packet ", "alice ",
					     "wonderland ", "Accept-Encoding: gzip\r\n", "{\"id\": ", "\"name\": ", "},\n" };
	size_t i = 0;

	if (!text) {
		gc_rand_bytes(&g->rng, p, n);
		return;
	}
	while (i < n) {
		const char *w = words[gc_below(&g->rng, sizeof words / sizeof words[0])];
		size_t l = strlen(w);
		if (l > n - i)
			l = n - i;
		memcpy(p + i, w, l);
		i += l;
	}
}

static void send_ip(gc_call *c, int from, uint8_t proto, const uint8_t *remote, const uint8_t *l4, size_t len)
{
	uint8_t dgram[GC_INNER_MAX + 64];
	pt_writer w = pt_wr(dgram, sizeof dgram);
	pt_ip ip;

	/* a control packet in flight (a CCP Reset-Request after a loss) arrives before the next datagram leaves */
	while (c->qn)
		(void)gc_call_ppp_step(c);
	memset(&ip, 0, sizeof ip);
	ip.version = 4;
	ip.ttl = from == 0 ? 128 : 63;
	ip.proto = proto;
	ip.df = proto == PT_IPPROTO_TCP;
	ip.frag_id = c->ipid[from]++;
	pt_ip_addr_v4(ip.src, from == 0 ? c->inner[0] : remote);
	pt_ip_addr_v4(ip.dst, from == 0 ? remote : c->inner[0]);
	if (pt_ip_build(&w, &ip, l4, len) != PT_OK)
		return;
	send_ppp(&c->e[from], PT_PPP_IP, dgram, pt_wlen(&w));
	c->budget = c->budget > pt_wlen(&w) ? c->budget - pt_wlen(&w) : 0;
}

static void build_ip_hdr(pt_ip *ip, int from, const gc_call *c, const uint8_t *remote)
{
	memset(ip, 0, sizeof *ip);
	ip->version = 4;
	pt_ip_addr_v4(ip->src, from == 0 ? c->inner[0] : remote);
	pt_ip_addr_v4(ip->dst, from == 0 ? remote : c->inner[0]);
}

/* A TCP segment of the bulk flow: from 0 the client's side, 1 the server's. */
static void tcp_seg(gc_call *c, int from, uint8_t flags, size_t plen)
{
	static const uint8_t web[4] = { 198, 51, 100, 80 };
	gc_gen *g = gen_of(c);
	uint8_t seg[GC_INNER_MAX], data[GC_INNER_MAX];
	pt_writer w = pt_wr(seg, sizeof seg);
	pt_tcp_hdr th;
	pt_ip ip;

	build_ip_hdr(&ip, from, c, web);
	memset(&th, 0, sizeof th);
	th.sport = from == 0 ? c->tcp_port : 443;
	th.dport = from == 0 ? 443 : c->tcp_port;
	th.seq = c->tcp_seq[from];
	th.ack = c->tcp_seq[!from];
	th.flags = flags;
	th.window = 65535;
	fill_payload(g, data, plen, c->prof == GC_P128_MPPC ? gc_below(&g->rng, 3) != 0 : gc_below(&g->rng, 4) == 0);
	if (pt_tcp_build(&w, &ip, &th, NULL, 0, data, plen) != PT_OK)
		return;
	c->tcp_seq[from] += (uint32_t)plen;
	send_ip(c, from, PT_IPPROTO_TCP, web, seg, pt_wlen(&w));
}

static void udp_pkt(gc_call *c, int from, const uint8_t *remote, uint16_t rport, uint16_t lport, size_t plen, int text)
{
	uint8_t seg[GC_INNER_MAX];
	pt_writer w = pt_wr(seg, sizeof seg);
	pt_ip ip;
	uint16_t ck;

	if (plen + 8 > sizeof seg)
		plen = sizeof seg - 8;
	build_ip_hdr(&ip, from, c, remote);
	pt_put_u16(&w, from == 0 ? lport : rport);
	pt_put_u16(&w, from == 0 ? rport : lport);
	pt_put_u16(&w, (uint16_t)(plen + 8));
	pt_put_u16(&w, 0);
	fill_payload(gen_of(c), seg + 8, plen, text);
	/* RFC 768: checksum over the pseudo-header (0 sent as FFFF) */
	ck = pt_ip_l4_cksum(&ip, PT_IPPROTO_UDP, seg, plen + 8);
	if (!ck)
		ck = 0xffff;
	seg[6] = (uint8_t)(ck >> 8), seg[7] = (uint8_t)ck;
	send_ip(c, from, PT_IPPROTO_UDP, remote, seg, plen + 8);
}

static void icmp_echo(gc_call *c, int from, uint8_t type)
{
	static const uint8_t gw[4] = { 10, 0, 0, 1 };
	uint8_t m[64];
	uint16_t ck;

	memset(m, 0, sizeof m);
	m[0] = type;   /* RFC 792: 8 Echo, 0 Echo Reply */
	m[4] = (uint8_t)(c->call_id[0] >> 8), m[5] = (uint8_t)c->call_id[0];
	m[6] = (uint8_t)(c->ping_seq >> 8), m[7] = (uint8_t)c->ping_seq;
	for (size_t i = 8; i < sizeof m; i++)
		m[i] = (uint8_t)(0x10 + i);
	ck = pt_ip_cksum(m, sizeof m);
	m[2] = (uint8_t)(ck >> 8), m[3] = (uint8_t)ck;
	send_ip(c, from, PT_IPPROTO_ICMP, gw, m, sizeof m);
}

/* One step of a call that is up: a queued control packet, else some user traffic. */
void gc_call_data_step(gc_call *c)
{
	static const uint8_t dns[4] = { 10, 0, 0, 53 }, voip[4] = { 203, 0, 113, 7 };
	gc_gen *g = gen_of(c);
	uint32_t r;

	if (c->qn) {
		(void)gc_call_ppp_step(c);
		return;
	}
	if (now_of(c) >= c->next_lcp_echo) {
		gc_call_lcp_echo(c);
		return;
	}
	r = gc_below(&g->rng, 100);
	if (r < 55) {
		/* bulk download: two full segments, one ack (delayed ack) */
		tcp_seg(c, 1, PT_TH_ACK, 1340);
		tcp_seg(c, 1, PT_TH_ACK | PT_TH_PSH, 600 + gc_below(&g->rng, 741));
		tcp_seg(c, 0, PT_TH_ACK, 0);
	} else if (r < 65) {
		/* a request up, its ack down */
		tcp_seg(c, 0, PT_TH_ACK | PT_TH_PSH, 200 + gc_below(&g->rng, 500));
		tcp_seg(c, 1, PT_TH_ACK, 0);
	} else if (r < 85) {
		/* voice: 20 ms frames both ways */
		udp_pkt(c, 0, voip, 5004, (uint16_t)(c->tcp_port + 1), 160 + gc_below(&g->rng, 12), 0);
		udp_pkt(c, 1, voip, 5004, (uint16_t)(c->tcp_port + 1), 160 + gc_below(&g->rng, 12), 0);
	} else if (r < 95) {
		udp_pkt(c, 0, dns, 53, (uint16_t)(c->tcp_port + 2), 28 + gc_below(&g->rng, 30), 1);
		udp_pkt(c, 1, dns, 53, (uint16_t)(c->tcp_port + 2), 60 + gc_below(&g->rng, 400), 1);
	} else {
		icmp_echo(c, 0, 8);
		icmp_echo(c, 1, 0);
		c->ping_seq++;
	}
}

/* RFC 1661 5.8: an LCP Echo-Request from one end (the engine of the other answers). */
void gc_call_lcp_echo(gc_call *c)
{
	gc_gen *g = gen_of(c);
	int d = (int)gc_below(&g->rng, 2);

	(void)pt_cpeng_send_code(&c->e[d].cp[PT_CPK_LCP], PT_CP_ECHO_REQ, -1, NULL, 0);
	c->next_lcp_echo = now_of(c) + 5000000 + (int64_t)gc_below(&g->rng, 5000000);
}

/* The PNS hangs up: LCP Terminate-Request (RFC 1661 5.5). */
void gc_call_terminate(gc_call *c)
{
	pt_cpeng_close(&c->e[0].cp[PT_CPK_LCP], "User request", now_of(c));
}

int gc_call_term_done(gc_call *c)
{
	(void)gc_call_ppp_step(c);
	return !c->qn && pt_cpeng_state(&c->e[0].cp[PT_CPK_LCP]) != PT_CPS_CLOSING;
}
