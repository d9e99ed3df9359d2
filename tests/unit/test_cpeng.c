/* test_cpeng.c: two control-protocol engines (PNS-like and PAC-like policies) wired through an in-memory queue: LCP, CCP/MPPE, IPCP, IPV6CP negotiation, Nak/Reject paths, Restart timer, Terminate, Echo, Code-Reject (RFC 1661, RFC 1962, RFC 3078 2, RFC 1332, RFC 1877, RFC 5072). */
#include <string.h>

#include "authpeer.h"
#include "cpeng.h"
#include "cursor.h"
#include "ut.h"

#define QMAX 256
#define LOGMAX 256

typedef struct qpkt {
	int from;
	size_t len;
	uint8_t b[PT_CPENG_MAX_PKT];
} qpkt;

typedef struct tlink tlink;

typedef struct side {
	tlink *l;
	int idx;
} side;

struct tlink {
	pt_cpeng e[2];
	side sd[2];
	qpkt q[QMAX];
	int qh, qt;
	int drop[2];          /* packets sent by this side are lost */
	int ups[2], downs[2], fins[2], others[2];
	uint8_t other_code[2];
	uint32_t other_magic[2];
	uint16_t other_proto[2];
	uint8_t other_data[2][64];
	size_t other_len[2];
	/* every packet sent, per side */
	qpkt log[2][LOGMAX];
	int nlog[2];
	int64_t now;
};

static void cb_send(void *user, int kind, const uint8_t *pkt, size_t len)
{
	side *s = user;
	tlink *l = s->l;
	(void)kind;
	CU_ASSERT_FATAL(len <= PT_CPENG_MAX_PKT);
	if (l->nlog[s->idx] < LOGMAX) {
		qpkt *g = &l->log[s->idx][l->nlog[s->idx]++];
		g->from = s->idx;
		g->len = len;
		memcpy(g->b, pkt, len);
	}
	if (l->drop[s->idx] || (l->qt + 1) % QMAX == l->qh)
		return;
	l->q[l->qt].from = s->idx;
	l->q[l->qt].len = len;
	memcpy(l->q[l->qt].b, pkt, len);
	l->qt = (l->qt + 1) % QMAX;
}

static void cb_up(void *user, int kind)
{
	side *s = user;
	(void)kind;
	s->l->ups[s->idx]++;
}

static void cb_down(void *user, int kind)
{
	side *s = user;
	(void)kind;
	s->l->downs[s->idx]++;
}

static void cb_fin(void *user, int kind)
{
	side *s = user;
	(void)kind;
	s->l->fins[s->idx]++;
}

static void cb_other(void *user, int kind, const pt_cp_pkt *p)
{
	side *s = user;
	pt_cursor r = p->rest;
	size_t n = pt_left(&r);
	(void)kind;
	s->l->others[s->idx]++;
	s->l->other_code[s->idx] = p->code;
	s->l->other_magic[s->idx] = p->magic;
	s->l->other_proto[s->idx] = p->rej_proto;
	if (n > sizeof s->l->other_data[0])
		n = sizeof s->l->other_data[0];
	(void)pt_copy(&r, s->l->other_data[s->idx], n);
	s->l->other_len[s->idx] = n;
}

static tlink L; /* one link per test; static to keep the stack small */

static void link_init(int kind, const pt_cpeng_policy *p0, const pt_cpeng_policy *p1)
{
	pt_cpeng_cb cb;

	memset(&L, 0, sizeof L);
	for (int i = 0; i < 2; i++) {
		L.sd[i].l = &L;
		L.sd[i].idx = i;
		memset(&cb, 0, sizeof cb);
		cb.user = &L.sd[i];
		cb.send = cb_send;
		cb.up = cb_up;
		cb.down = cb_down;
		cb.finished = cb_fin;
		cb.other = cb_other;
		pt_cpeng_init(&L.e[i], kind, i ? p1 : p0, &cb);
	}
}

/* Deliver queued packets until none is left (bounded). */
static int pump(void)
{
	int n = 0;

	while (L.qh != L.qt && n < 1000) {
		qpkt *g = &L.q[L.qh];
		static uint8_t b[PT_CPENG_MAX_PKT];
		size_t len = g->len;
		int to = !g->from;

		memcpy(b, g->b, len);
		L.qh = (L.qh + 1) % QMAX;
		(void)pt_cpeng_input(&L.e[to], b, len, L.now);
		n++;
	}
	return n;
}

static void start_both(void)
{
	for (int i = 0; i < 2; i++) {
		pt_cpeng_open(&L.e[i], L.now);
		pt_cpeng_up(&L.e[i], L.now);
	}
	pump();
}

/* The last packet side i sent with this code, or NULL. */
static const qpkt *last_sent(int i, uint8_t code)
{
	for (int k = L.nlog[i] - 1; k >= 0; k--)
		if (L.log[i][k].len >= 4 && L.log[i][k].b[0] == code)
			return &L.log[i][k];
	return NULL;
}

static int count_sent(int i, uint8_t code)
{
	int n = 0;
	for (int k = 0; k < L.nlog[i]; k++)
		n += L.log[i][k].len >= 4 && L.log[i][k].b[0] == code;
	return n;
}

/* ---- policies ---- */

static void pns_lcp(pt_cpeng_policy *p)
{
	memset(p, 0, sizeof *p);
	p->lcp.mru = 1400;
	p->lcp.magic = 0x11111111u;
	p->lcp.want_pfc = 1;
	p->lcp.want_acfc = 1;
	p->lcp.accept_pfc = 1;
	p->lcp.accept_acfc = 1;
	p->lcp.accept_auth = PT_AUTHM_BIT(PT_AUTHM_MSCHAPV2) | PT_AUTHM_BIT(PT_AUTHM_MSCHAPV1) |
			     PT_AUTHM_BIT(PT_AUTHM_CHAP_MD5);
	p->lcp.auth_pref[0] = PT_AUTHM_MSCHAPV2;
	p->lcp.auth_pref[1] = PT_AUTHM_MSCHAPV1;
}

static void pac_lcp(pt_cpeng_policy *p)
{
	memset(p, 0, sizeof *p);
	p->lcp.magic = 0x22222222u;
	p->lcp.want_accm = 1;
	p->lcp.accm = 0;
	p->lcp.auth = PT_AUTHM_MSCHAPV2;
	p->lcp.accept_pfc = 1;
	p->lcp.accept_acfc = 1;
}

/* ---- LCP ---- */

static void test_lcp_open_mschapv2(void)
{
	pt_cpeng_policy a, b;
	const pt_cpeng_result *r0, *r1;

	pns_lcp(&a);
	pac_lcp(&b);
	link_init(PT_CPK_LCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	CU_ASSERT(pt_cpeng_is_open(&L.e[0]) && pt_cpeng_is_open(&L.e[1]));
	CU_ASSERT_EQUAL(L.ups[0], 1);
	CU_ASSERT_EQUAL(L.ups[1], 1);
	r0 = pt_cpeng_result_get(&L.e[0]);
	r1 = pt_cpeng_result_get(&L.e[1]);
	/* the PAC requires MS-CHAPv2 of the PNS, which agreed */
	CU_ASSERT_EQUAL(r1->our_auth, PT_AUTHM_MSCHAPV2);
	CU_ASSERT_EQUAL(r0->peer_auth, PT_AUTHM_MSCHAPV2);
	CU_ASSERT_EQUAL(r0->our_auth, PT_AUTHM_NONE);
	CU_ASSERT_EQUAL(r1->peer_auth, PT_AUTHM_NONE);
	CU_ASSERT_EQUAL(r0->our_magic, 0x11111111u);
	CU_ASSERT_EQUAL(r0->peer_magic, 0x22222222u);
	CU_ASSERT_EQUAL(r1->our_magic, 0x22222222u);
	CU_ASSERT_EQUAL(r1->peer_magic, 0x11111111u);
	/* MRU: the PNS asked 1400 (what the PAC may send), the PAC asked none */
	CU_ASSERT_EQUAL(r1->peer_mru, 1400);
	CU_ASSERT_EQUAL(r0->our_mru, 1400);
	CU_ASSERT_EQUAL(r0->peer_mru, 1500);
	/* PFC/ACFC: the PNS asked, the PAC acked: the PAC may compress toward the PNS */
	CU_ASSERT_EQUAL(r1->tx_pfc, 1);
	CU_ASSERT_EQUAL(r1->tx_acfc, 1);
	CU_ASSERT_EQUAL(r0->rx_pfc, 1);
	CU_ASSERT_EQUAL(r0->rx_acfc, 1);
	CU_ASSERT_EQUAL(r0->tx_pfc, 0);
	CU_ASSERT_EQUAL(r1->rx_pfc, 0);
	CU_ASSERT_EQUAL(r0->peer_accm, 0);
	CU_ASSERT_EQUAL(r1->peer_accm, 0xffffffffu);
	CU_ASSERT_EQUAL(r0->nak_sent + r0->rej_sent + r1->nak_sent + r1->rej_sent, 0);
	/* Opened: the Restart timer is off */
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[0]), -1);
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[1]), -1);
	/* Identifiers of our requests: the first is 1 */
	CU_ASSERT_EQUAL(L.e[0].id, 1);
}

static void test_lcp_auth_nak_to_another(void)
{
	pt_cpeng_policy a, b;
	const qpkt *nak;

	/* the PNS does CHAP-MD5 or PAP only; the PAC would take CHAP-MD5 instead of MS-CHAPv2 */
	pns_lcp(&a);
	a.lcp.accept_auth = PT_AUTHM_BIT(PT_AUTHM_CHAP_MD5) | PT_AUTHM_BIT(PT_AUTHM_PAP);
	a.lcp.auth_pref[0] = PT_AUTHM_CHAP_MD5;
	a.lcp.auth_pref[1] = 0;
	pac_lcp(&b);
	b.lcp.auth_alt = PT_AUTHM_BIT(PT_AUTHM_CHAP_MD5) | PT_AUTHM_BIT(PT_AUTHM_MSCHAPV1);
	link_init(PT_CPK_LCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(L.e[1].res.our_auth, PT_AUTHM_CHAP_MD5);
	CU_ASSERT_EQUAL(L.e[0].res.peer_auth, PT_AUTHM_CHAP_MD5);
	CU_ASSERT_EQUAL(L.e[0].res.nak_sent, 1);
	CU_ASSERT_EQUAL(L.e[1].res.nak_rcvd, 1);
	/* the Nak: Authentication-Protocol c223 algorithm 5 */
	nak = last_sent(0, PT_CP_CONF_NAK);
	CU_ASSERT_FATAL(nak != NULL);
	{
		static const uint8_t want[] = { 3, 5, 0xc2, 0x23, 5 };
		CU_ASSERT_EQUAL(nak->len, 4 + sizeof want);
		CU_ASSERT(memcmp(nak->b + 4, want, sizeof want) == 0);
	}
}

static void test_lcp_auth_refused(void)
{
	pt_cpeng_policy a, b;

	/* the PNS offers PAP only; the PAC insists on MS-CHAPv2 (no alternative): it gives up */
	pns_lcp(&a);
	a.lcp.accept_auth = PT_AUTHM_BIT(PT_AUTHM_PAP);
	a.lcp.auth_pref[0] = PT_AUTHM_PAP;
	a.lcp.auth_pref[1] = 0;
	pac_lcp(&b);
	b.max_failure = 3;
	link_init(PT_CPK_LCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_CLOSED);
	CU_ASSERT_EQUAL(L.e[1].res.nak_rcvd, 3);
	CU_ASSERT_EQUAL(L.e[0].res.term_rcvd, 1);
	CU_ASSERT_STRING_EQUAL(L.e[0].res.term_reason, "peer refused the authentication method we require");
	CU_ASSERT_EQUAL(L.ups[0] + L.ups[1], 0);

	/* a client that does no authentication at all Rejects the option; the PAC closes */
	pns_lcp(&a);
	a.lcp.accept_auth = 0;
	a.lcp.auth_pref[0] = 0;
	pac_lcp(&b);
	link_init(PT_CPK_LCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(L.e[0].res.rej_sent, 1);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_CLOSED);
	CU_ASSERT_STRING_EQUAL(L.e[0].res.term_reason, "peer refused to authenticate");
}

static void test_lcp_unknown_option_rejected(void)
{
	pt_cpeng_policy a, b;
	/* type 30 (unknown to LCP) and Callback (13, RFC 1570 2.3): both Rejected */
	static const uint8_t extra[] = { 30, 4, 0xab, 0xcd, 13, 3, 6 };
	const qpkt *rej, *req;

	pns_lcp(&a);
	memcpy(a.extra, extra, sizeof extra);
	a.nextra = sizeof extra;
	pac_lcp(&b);
	link_init(PT_CPK_LCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(L.e[1].res.rej_sent, 1);
	CU_ASSERT_EQUAL(L.e[0].res.rej_rcvd, 1);
	rej = last_sent(1, PT_CP_CONF_REJ);
	CU_ASSERT_FATAL(rej != NULL);
	/* RFC 1661 5.4: the rejected options, unmodified, in order */
	CU_ASSERT_EQUAL(rej->len, 4 + sizeof extra);
	CU_ASSERT(memcmp(rej->b + 4, extra, sizeof extra) == 0);
	CU_ASSERT_EQUAL(rej->b[1], L.log[0][0].b[1]); /* the Identifier of the request */
	/* and the PNS stopped sending them */
	CU_ASSERT_EQUAL(L.e[0].nextra_now, 0);
	req = last_sent(0, PT_CP_CONF_REQ);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT(req->len < L.log[0][0].len);
	CU_ASSERT(req->b[1] != L.log[0][0].b[1]); /* RFC 1661 5.1: a new Identifier */
}

/* Hand-built packets into one engine in Req-Sent, its answers read from the log. */
static void lone_engine(const pt_cpeng_policy *p)
{
	link_init(PT_CPK_LCP, p, p);
	L.drop[0] = 1;
	pt_cpeng_open(&L.e[0], 0);
	pt_cpeng_up(&L.e[0], 0);
}

static void test_lcp_judging(void)
{
	pt_cpeng_policy a;
	const qpkt *g;
	/* MRU 32 (below the 64 we accept), magic equal to ours, Quality-Protocol LQR */
	static const uint8_t mru32[] = { 1, 7, 0, 8, 1, 4, 0, 32 };
	static const uint8_t loop[] = { 1, 9, 0, 10, 5, 6, 0x11, 0x11, 0x11, 0x11 };
	static const uint8_t magic0[] = { 1, 9, 0, 10, 5, 6, 0, 0, 0, 0 };
	static const uint8_t lqr[] = { 1, 10, 0, 12, 4, 8, 0xc0, 0x25, 0, 0, 0, 10 };
	static const uint8_t badlen[] = { 1, 11, 0, 7, 1, 1, 0 };
	static const uint8_t badmru[] = { 1, 12, 0, 9, 1, 5, 5, 220, 0 };
	int i;

	pns_lcp(&a);
	lone_engine(&a);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_REQ_SENT);
	/* RFC 1661 4.6 Max-Failure: five Naks of MRU 32, then Rejects */
	for (i = 0; i < 6; i++) {
		uint8_t b[sizeof mru32];
		memcpy(b, mru32, sizeof b);
		b[1] = (uint8_t)(7 + i);
		CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], b, sizeof b, 0), PT_OK);
		g = &L.log[0][L.nlog[0] - 1];
		CU_ASSERT_EQUAL(g->b[1], b[1]);
		if (i < 5) {
			static const uint8_t want[] = { 1, 4, 0, 64 };
			CU_ASSERT_EQUAL(g->b[0], PT_CP_CONF_NAK);
			CU_ASSERT_EQUAL(g->len, 8);
			CU_ASSERT(memcmp(g->b + 4, want, 4) == 0);
		} else {
			CU_ASSERT_EQUAL(g->b[0], PT_CP_CONF_REJ);
			CU_ASSERT(memcmp(g->b + 4, mru32 + 4, 4) == 0);
		}
	}
	CU_ASSERT_EQUAL(L.e[0].res.nak_sent, 5);
	CU_ASSERT_EQUAL(L.e[0].res.rej_sent, 1);

	/* loopback: a request with our own Magic-Number is Nak'd with another; zero too */
	lone_engine(&a);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], loop, sizeof loop, 0), PT_OK);
	g = &L.log[0][L.nlog[0] - 1];
	CU_ASSERT_EQUAL(g->b[0], PT_CP_CONF_NAK);
	CU_ASSERT_EQUAL(g->b[4], 5);
	CU_ASSERT(memcmp(g->b + 6, loop + 6, 4) != 0);
	CU_ASSERT(g->b[6] | g->b[7] | g->b[8] | g->b[9]);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], magic0, sizeof magic0, 0), PT_OK);
	g = &L.log[0][L.nlog[0] - 1];
	CU_ASSERT_EQUAL(g->b[0], PT_CP_CONF_NAK);
	CU_ASSERT(g->b[6] | g->b[7] | g->b[8] | g->b[9]);
	/* an option we do not do is Rejected */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], lqr, sizeof lqr, 0), PT_OK);
	g = &L.log[0][L.nlog[0] - 1];
	CU_ASSERT_EQUAL(g->b[0], PT_CP_CONF_REJ);
	CU_ASSERT_EQUAL(g->len, sizeof lqr);
	/* a broken option list is dropped without an answer; a known option of wrong length Rejected */
	i = L.nlog[0];
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], badlen, sizeof badlen, 0), PT_EINVAL);
	CU_ASSERT_EQUAL(L.nlog[0], i);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], badlen, 3, 0), PT_ETRUNC);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], badlen, 5, 0), PT_ETRUNC); /* Length 7, 5 captured */
	CU_ASSERT_EQUAL(L.nlog[0], i);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], badmru, sizeof badmru, 0), PT_OK);
	g = &L.log[0][L.nlog[0] - 1];
	CU_ASSERT_EQUAL(g->b[0], PT_CP_CONF_REJ);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_REQ_SENT);
}

static void test_lcp_wrong_identifier(void)
{
	pt_cpeng_policy a;
	uint8_t ack[PT_CPENG_MAX_PKT];
	const qpkt *req;
	size_t n;

	pns_lcp(&a);
	lone_engine(&a);
	req = last_sent(0, PT_CP_CONF_REQ);
	CU_ASSERT_FATAL(req != NULL);
	n = req->len;
	memcpy(ack, req->b, n);
	ack[0] = PT_CP_CONF_ACK;
	/* RFC 1661 5.2: an Ack with another Identifier is silently discarded */
	ack[1] = (uint8_t)(req->b[1] + 1);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], ack, n, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_REQ_SENT);
	/* ... and so is a Nak or Reject */
	ack[0] = PT_CP_CONF_NAK;
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], ack, n, 0), PT_OK);
	ack[0] = PT_CP_CONF_REJ;
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], ack, n, 0), PT_OK);
	CU_ASSERT_EQUAL(L.e[0].res.nak_rcvd + L.e[0].res.rej_rcvd, 0);
	/* an Ack whose options differ from the request is discarded too */
	ack[0] = PT_CP_CONF_ACK;
	ack[1] = req->b[1];
	ack[7] ^= 0x01; /* the MRU value */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], ack, n, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_REQ_SENT);
	/* a Reject naming an option we did not send is bad: dropped */
	{
		uint8_t rej[] = { PT_CP_CONF_REJ, req->b[1], 0, 8, 1, 4, 0x05, 0xdc };
		CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], rej, sizeof rej, 0), PT_EINVAL);
		CU_ASSERT_EQUAL(L.e[0].res.rej_rcvd, 0);
	}
	/* the right one is taken; a second copy of it is not */
	ack[7] ^= 0x01;
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], ack, n, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_ACK_RCVD);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], ack, n, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_ACK_RCVD);
	CU_ASSERT_EQUAL(count_sent(0, PT_CP_CONF_REQ), 1);
}

static void test_restart_timer(void)
{
	pt_cpeng_policy a;
	int64_t t;
	uint8_t id;

	pns_lcp(&a);
	a.restart_us = 2000000;
	a.max_configure = 4;
	lone_engine(&a);
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[0]), 2000000);
	id = L.log[0][0].b[1];
	pt_cpeng_tick(&L.e[0], 1999999);
	CU_ASSERT_EQUAL(L.nlog[0], 1);
	/* TO+: the same request again (RFC 1661 5.1: the Identifier may stay) */
	pt_cpeng_tick(&L.e[0], 2000000);
	CU_ASSERT_EQUAL(L.nlog[0], 2);
	CU_ASSERT_EQUAL(L.log[0][1].len, L.log[0][0].len);
	CU_ASSERT(memcmp(L.log[0][1].b, L.log[0][0].b, L.log[0][0].len) == 0);
	CU_ASSERT_EQUAL(L.log[0][1].b[1], id);
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[0]), 4000000);
	for (t = 4000000; pt_cpeng_deadline(&L.e[0]) >= 0 && t < 100000000; t = pt_cpeng_deadline(&L.e[0]))
		pt_cpeng_tick(&L.e[0], t);
	/* TO- after Max-Configure requests: Stopped, This-Layer-Finished */
	CU_ASSERT_EQUAL(count_sent(0, PT_CP_CONF_REQ), 4);
	CU_ASSERT_EQUAL(L.e[0].res.confreq_sent, 4);
	CU_ASSERT_EQUAL(L.e[0].res.timeouts, 4);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_STOPPED);
	CU_ASSERT_EQUAL(L.fins[0], 1);
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[0]), -1);

	/* passive: stopped without telling the lower layer; a late request still opens it */
	a.passive = 1;
	a.restart_us = 0; /* the RFC default, 3 s */
	lone_engine(&a);
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[0]), PT_CPENG_RESTART_US);
	while (pt_cpeng_deadline(&L.e[0]) >= 0)
		pt_cpeng_tick(&L.e[0], pt_cpeng_deadline(&L.e[0]));
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_STOPPED);
	CU_ASSERT_EQUAL(L.fins[0], 0);
	{
		static const uint8_t req[] = { 1, 9, 0, 4 };
		CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], req, sizeof req, 0), PT_OK);
		CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_ACK_SENT);
		CU_ASSERT_EQUAL(L.log[0][L.nlog[0] - 2].b[0], PT_CP_CONF_REQ);
		CU_ASSERT_EQUAL(L.log[0][L.nlog[0] - 1].b[0], PT_CP_CONF_ACK);
		CU_ASSERT(pt_cpeng_deadline(&L.e[0]) > 0);
	}
}

static void test_lost_packets_recovered(void)
{
	pt_cpeng_policy a, b;

	/* the PAC's first packets are lost; the Restart timer brings the link up */
	pns_lcp(&a);
	pac_lcp(&b);
	link_init(PT_CPK_LCP, &a, &b);
	L.drop[1] = 1;
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_REQ_SENT);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_ACK_SENT);
	L.drop[1] = 0;
	L.now = pt_cpeng_deadline(&L.e[0]);
	pt_cpeng_tick(&L.e[0], L.now);
	pt_cpeng_tick(&L.e[1], L.now);
	pump();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
}

static void open_lcp(void)
{
	pt_cpeng_policy a, b;

	pns_lcp(&a);
	pac_lcp(&b);
	link_init(PT_CPK_LCP, &a, &b);
	start_both();
	CU_ASSERT_FATAL(pt_cpeng_is_open(&L.e[0]) && pt_cpeng_is_open(&L.e[1]));
}

static void test_lcp_mru_nak(void)
{
	pt_cpeng_policy a, b;

	/* the PAC wants to send at least 1400; the PNS asked 1000: Nak'd up, and taken */
	pns_lcp(&a);
	a.lcp.mru = 1000;
	pac_lcp(&b);
	b.lcp.min_peer_mru = 1400;
	link_init(PT_CPK_LCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(L.e[1].res.nak_sent, 1);
	CU_ASSERT_EQUAL(L.e[0].res.our_mru, 1400);
	CU_ASSERT_EQUAL(L.e[1].res.peer_mru, 1400);
}

static void test_lcp_nak_of_ours(void)
{
	pt_cpeng_policy a;
	const qpkt *r0, *r1;
	uint8_t nak[] = { PT_CP_CONF_NAK, 0, 0, 20, 5, 6, 0x11, 0x11, 0x11, 0x11, 2, 6, 0, 0x0a, 0, 0,
			  1, 4, 0x02, 0x00 };

	/* a Nak of Magic-Number (RFC 1661 6.4): another magic; of ACCM: the union; of MRU: taken */
	pns_lcp(&a);
	a.lcp.want_accm = 1;
	a.lcp.accm = 0x00000001u;
	lone_engine(&a);
	r0 = last_sent(0, PT_CP_CONF_REQ);
	nak[1] = r0->b[1];
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], nak, sizeof nak, 0), PT_OK);
	CU_ASSERT_EQUAL(L.e[0].res.nak_rcvd, 1);
	r1 = last_sent(0, PT_CP_CONF_REQ);
	CU_ASSERT(r1 != r0);
	CU_ASSERT_EQUAL(r1->b[1], (uint8_t)(r0->b[1] + 1));
	CU_ASSERT(L.e[0].req_magic != 0x11111111u && L.e[0].req_magic != 0);
	CU_ASSERT_EQUAL(L.e[0].req_accm, 0x000a0001u);
	CU_ASSERT_EQUAL(L.e[0].req_mru, 512);
	/* the same Nak again: its Identifier is the old one now, dropped */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], nak, sizeof nak, 0), PT_OK);
	CU_ASSERT_EQUAL(L.e[0].res.nak_rcvd, 1);
	/* a Nak whose option list is broken is dropped */
	nak[1] = r1->b[1];
	nak[5] = 30;
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], nak, sizeof nak, 0), PT_EINVAL);
	CU_ASSERT_EQUAL(L.e[0].res.nak_rcvd, 1);
}

static void test_lcp_renegotiate(void)
{
	/* the peer restarts LCP (a Configure-Request in Opened): tld, scr, sca, and up again */
	open_lcp();
	pt_cpeng_down(&L.e[1], L.now);
	pt_cpeng_up(&L.e[1], L.now);
	pump();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(L.downs[0], 1);
	CU_ASSERT_EQUAL(L.ups[0], 2);
	CU_ASSERT_EQUAL(L.ups[1], 2);
	CU_ASSERT_EQUAL(L.e[0].res.peer_auth, PT_AUTHM_MSCHAPV2);
	CU_ASSERT_EQUAL(L.e[1].res.our_auth, PT_AUTHM_MSCHAPV2);
}

static void test_max_failure_converges(void)
{
	pt_cpeng_policy a;

	/* identical Interface-Identifiers at both ends: each Naks the other with the same value, for
	 * ever but for RFC 1661 4.6 Max-Failure, which must survive the Naks each side receives:
	 * after max_failure Naks the identifiers are Rejected and the layer opens without them */
	memset(&a, 0, sizeof a);
	a.ipv6cp.ifid[0] = 0x02;
	a.ipv6cp.ifid[7] = 0x07;
	a.max_failure = 3;
	link_init(PT_CPK_IPV6CP, &a, &a);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(L.e[0].res.nak_sent, 3);
	CU_ASSERT(L.e[0].res.rej_sent >= 1);
}

static void test_terminate(void)
{
	const qpkt *tr;

	open_lcp();
	pt_cpeng_close(&L.e[0], "User request", L.now);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_CLOSING);
	CU_ASSERT_EQUAL(L.downs[0], 1);
	tr = last_sent(0, PT_CP_TERM_REQ);
	CU_ASSERT_FATAL(tr != NULL);
	CU_ASSERT_EQUAL(tr->len, 4 + strlen("User request"));
	pump();
	/* the PAC: tld, zrc, sta -> Stopping; the PNS: Terminate-Ack -> Closed, tlf */
	CU_ASSERT_EQUAL(L.e[1].res.term_rcvd, 1);
	CU_ASSERT_STRING_EQUAL(L.e[1].res.term_reason, "User request");
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_STOPPING);
	CU_ASSERT_EQUAL(L.downs[1], 1);
	CU_ASSERT_EQUAL(last_sent(1, PT_CP_TERM_ACK)->b[1], tr->b[1]);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_CLOSED);
	CU_ASSERT_EQUAL(L.fins[0], 1);
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[0]), -1);
	/* RFC 1661 5.5: the PAC waits one Restart period, then finishes */
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[1]), L.now + PT_CPENG_RESTART_US);
	pt_cpeng_tick(&L.e[1], pt_cpeng_deadline(&L.e[1]));
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_STOPPED);
	CU_ASSERT_EQUAL(L.fins[1], 1);

	/* an unanswered Terminate-Request is sent Max-Terminate times (2), then Closed */
	open_lcp();
	L.drop[0] = 1;
	pt_cpeng_close(&L.e[0], NULL, 0);
	while (pt_cpeng_deadline(&L.e[0]) >= 0)
		pt_cpeng_tick(&L.e[0], pt_cpeng_deadline(&L.e[0]));
	CU_ASSERT_EQUAL(count_sent(0, PT_CP_TERM_REQ), 2);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_CLOSED);
	CU_ASSERT_EQUAL(L.fins[0], 1);

	/* lower layer down from Opened: tld, Starting */
	open_lcp();
	pt_cpeng_down(&L.e[1], 0);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_STARTING);
	CU_ASSERT_EQUAL(L.downs[1], 1);
	CU_ASSERT_EQUAL(pt_cpeng_deadline(&L.e[1]), -1);
}

static void test_echo(void)
{
	static const uint8_t data[] = { 'p', 'i', 'n', 'g' };
	const qpkt *rep;
	int id;

	open_lcp();
	id = pt_cpeng_send_code(&L.e[0], PT_CP_ECHO_REQ, -1, data, sizeof data);
	CU_ASSERT(id >= 0);
	/* RFC 1661 5.8: our magic in front of the data */
	CU_ASSERT_EQUAL(last_sent(0, PT_CP_ECHO_REQ)->len, 12);
	CU_ASSERT_EQUAL(last_sent(0, PT_CP_ECHO_REQ)->b[4], 0x11);
	pump();
	rep = last_sent(1, PT_CP_ECHO_REP);
	CU_ASSERT_FATAL(rep != NULL);
	CU_ASSERT_EQUAL(rep->b[1], (uint8_t)id);
	CU_ASSERT_EQUAL(rep->len, 12);
	/* the answer carries the PAC's magic and the data */
	CU_ASSERT_EQUAL(L.others[0], 1);
	CU_ASSERT_EQUAL(L.other_code[0], PT_CP_ECHO_REP);
	CU_ASSERT_EQUAL(L.other_magic[0], 0x22222222u);
	CU_ASSERT_EQUAL(L.other_len[0], sizeof data);
	CU_ASSERT(memcmp(L.other_data[0], data, sizeof data) == 0);
	/* Discard-Request goes to the owner, unanswered */
	pt_cpeng_send_code(&L.e[0], PT_CP_DISC_REQ, 77, NULL, 0);
	pump();
	CU_ASSERT_EQUAL(L.other_code[1], PT_CP_DISC_REQ);
	CU_ASSERT_EQUAL(L.nlog[1], 3); /* Conf-Req, Conf-Ack, Echo-Reply */
	CU_ASSERT_EQUAL(pt_cpeng_send_code(&L.e[0], PT_CP_ECHO_REQ, 300, NULL, 0), PT_EINVAL);
}

static void test_code_reject(void)
{
	static const uint8_t odd[] = { 0x20, 0x42, 0, 6, 0xde, 0xad };
	static const uint8_t cr_echo[] = { PT_CP_CODE_REJ, 9, 0, 12, PT_CP_ECHO_REQ, 1, 0, 8, 0, 0, 0, 0 };
	static const uint8_t cr_req[] = { PT_CP_CODE_REJ, 10, 0, 8, PT_CP_CONF_REQ, 1, 0, 4 };
	static const uint8_t pr_ccp[] = { PT_CP_PROTO_REJ, 11, 0, 10, 0x80, 0xfd, 1, 1, 0, 4 };
	const qpkt *cr;

	open_lcp();
	/* RFC 1661 5.6: an unknown code is answered with Code-Reject carrying the packet */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[1], odd, sizeof odd, 0), PT_OK);
	cr = last_sent(1, PT_CP_CODE_REJ);
	CU_ASSERT_FATAL(cr != NULL);
	CU_ASSERT_EQUAL(cr->len, 4 + sizeof odd);
	CU_ASSERT(memcmp(cr->b + 4, odd, sizeof odd) == 0);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	/* RFC 1661 5.6: truncated to the peer's MRU (the PNS asked 1400) */
	{
		static uint8_t big[PT_CPENG_MAX_PKT];
		big[0] = 0x21;
		big[2] = PT_CPENG_MAX_PKT >> 8;
		big[3] = PT_CPENG_MAX_PKT & 0xff;
		CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[1], big, sizeof big, 0), PT_OK);
		CU_ASSERT_EQUAL(last_sent(1, PT_CP_CODE_REJ)->len, 1400);
	}
	/* a Code-Reject of Echo-Request is permitted (RXJ+): still Opened */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[1], cr_echo, sizeof cr_echo, 0), PT_OK);
	CU_ASSERT_EQUAL(L.e[1].res.code_rej_rcvd, 1);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	/* a Protocol-Reject of CCP: for the owner; LCP stays */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[1], pr_ccp, sizeof pr_ccp, 0), PT_OK);
	CU_ASSERT_EQUAL(L.other_code[1], PT_CP_PROTO_REJ);
	CU_ASSERT_EQUAL(L.other_proto[1], 0x80fd);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	/* a Code-Reject of Configure-Request is catastrophic (RXJ-): tld, irc, str -> Stopping */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[1], cr_req, sizeof cr_req, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_STOPPING);
	CU_ASSERT_EQUAL(L.downs[1], 1);
	CU_ASSERT(last_sent(1, PT_CP_TERM_REQ) != NULL);

	/* IPCP knows codes 1-7 only: Echo-Request there is an unknown code */
	{
		pt_cpeng_policy p;
		static const uint8_t echo[] = { PT_CP_ECHO_REQ, 3, 0, 8, 0, 0, 0, 0 };
		memset(&p, 0, sizeof p);
		link_init(PT_CPK_IPCP, &p, &p);
		pt_cpeng_open(&L.e[0], 0);
		pt_cpeng_up(&L.e[0], 0);
		CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], echo, sizeof echo, 0), PT_OK);
		CU_ASSERT(last_sent(0, PT_CP_CODE_REJ) != NULL);
	}
	/* a Protocol-Reject for this engine's protocol: it finishes */
	open_lcp();
	pt_cpeng_proto_rejected(&L.e[0], 0);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_STOPPING);
}

static void test_initial_drops(void)
{
	pt_cpeng_policy a;
	static const uint8_t req[] = { 1, 1, 0, 4 };

	pns_lcp(&a);
	link_init(PT_CPK_LCP, &a, &a);
	/* RFC 1661 4.2: nothing is answered in Initial or Starting */
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], req, sizeof req, 0), PT_OK);
	pt_cpeng_open(&L.e[0], 0);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_STARTING);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], req, sizeof req, 0), PT_OK);
	CU_ASSERT_EQUAL(L.nlog[0], 0);
	/* Closed: a Configure-Request is answered with Terminate-Ack (sta/2) */
	link_init(PT_CPK_LCP, &a, &a);
	pt_cpeng_up(&L.e[0], 0);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_CLOSED);
	CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], req, sizeof req, 0), PT_OK);
	CU_ASSERT_EQUAL(L.nlog[0], 1);
	CU_ASSERT_EQUAL(L.log[0][0].b[0], PT_CP_TERM_ACK);
	CU_ASSERT_EQUAL(L.log[0][0].b[1], 1);
}

/* ---- CCP ---- */

static void ccp_pol(pt_cpeng_policy *p, uint32_t want, uint32_t accept)
{
	memset(p, 0, sizeof *p);
	p->ccp.want_bits = want;
	p->ccp.accept_bits = accept;
}

#define S_ PT_CCP_MPPE_S
#define M_ PT_CCP_MPPE_M
#define L_ PT_CCP_MPPE_L
#define H_ PT_CCP_MPPE_H

static void test_ccp_mppe128_stateless(void)
{
	pt_cpeng_policy a, b;

	ccp_pol(&a, S_ | H_, S_ | M_ | L_ | H_);
	ccp_pol(&b, S_ | H_, S_ | H_);
	a.ccp.require = b.ccp.require = 1;
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(L.e[i].res.rx_bits, S_ | H_);
		CU_ASSERT_EQUAL(L.e[i].res.tx_bits, S_ | H_);
		CU_ASSERT_EQUAL(L.e[i].res.nak_sent, 0);
	}
	/* the option on the wire: 18, 6, 01 00 00 40 */
	{
		static const uint8_t want[] = { 18, 6, 0x01, 0x00, 0x00, 0x40 };
		CU_ASSERT_EQUAL(L.log[0][0].len, 10);
		CU_ASSERT(memcmp(L.log[0][0].b + 4, want, 6) == 0);
	}
	/* Reset-Request (RFC 1962 3) goes to the owner */
	pt_cpeng_send_code(&L.e[0], PT_CP_RESET_REQ, -1, NULL, 0);
	pump();
	CU_ASSERT_EQUAL(L.others[1], 1);
	CU_ASSERT_EQUAL(L.other_code[1], PT_CP_RESET_REQ);
}

static void test_ccp_stateful_by_nak(void)
{
	pt_cpeng_policy a, b;
	const qpkt *nak;

	/* the PNS asks stateless; the PAC Naks it to stateful and asks stateful itself */
	ccp_pol(&a, S_ | H_, S_ | H_);
	ccp_pol(&b, S_, S_ | H_);
	b.ccp.nak_stateless = 1;
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	nak = last_sent(1, PT_CP_CONF_NAK);
	CU_ASSERT_FATAL(nak != NULL);
	{
		static const uint8_t want[] = { 18, 6, 0x00, 0x00, 0x00, 0x40 };
		CU_ASSERT(memcmp(nak->b + 4, want, 6) == 0);
	}
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(L.e[i].res.rx_bits, S_);
		CU_ASSERT_EQUAL(L.e[i].res.tx_bits, S_);
	}
}

static void test_ccp_40bit(void)
{
	pt_cpeng_policy a, b;
	const qpkt *nak;

	/* the PNS offers every key length; the PAC does 40-bit only: Nak with L, then agreed */
	ccp_pol(&a, S_ | M_ | L_ | H_, S_ | M_ | L_ | H_);
	ccp_pol(&b, L_ | H_, L_ | H_);
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	nak = last_sent(1, PT_CP_CONF_NAK);
	CU_ASSERT_FATAL(nak != NULL);
	CU_ASSERT_EQUAL(nak->b[9], 0x20);
	CU_ASSERT_EQUAL(nak->b[6], 0x01);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(L.e[i].res.rx_bits, L_ | H_);
		CU_ASSERT_EQUAL(L.e[i].res.tx_bits, L_ | H_);
	}

	/* offered several key lengths, we Nak with the strongest we accept (128 > 56 > 40) */
	ccp_pol(&a, S_ | M_ | L_, S_ | M_ | L_);
	ccp_pol(&b, M_, M_ | L_);
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	nak = last_sent(1, PT_CP_CONF_NAK);
	CU_ASSERT_FATAL(nak != NULL);
	CU_ASSERT_EQUAL(nak->b[9], 0x80);
	CU_ASSERT_EQUAL(L.e[0].res.rx_bits, M_);
	CU_ASSERT_EQUAL(L.e[1].res.tx_bits, M_);
}

static void test_ccp_mppe_rejected(void)
{
	pt_cpeng_policy a, b;

	/* the PAC does no MPPE: it Rejects the option; the PNS requires MPPE and closes */
	ccp_pol(&a, S_ | H_, S_ | H_);
	a.ccp.require = 1;
	ccp_pol(&b, 0, 0);
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(L.e[0].res.mppe_rejected, 1);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_CLOSED);
	CU_ASSERT_STRING_EQUAL(L.e[1].res.term_reason, "MPPE required but rejected by the peer");
	CU_ASSERT_EQUAL(L.ups[0] + L.ups[1], 0);

	/* not required: CCP opens with MPPE in one direction only */
	a.ccp.require = 0;
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(L.e[0].res.mppe_rejected, 1);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(L.e[0].res.rx_bits, 0);
}

static void test_ccp_required_not_offered(void)
{
	pt_cpeng_policy a, b;
	const qpkt *nak;

	/* the PAC accepts MPPE but asks for none: the PNS, which requires it, Naks the empty request
	 * with MPPE (RFC 1661 5.3), and gives up after Max-Failure */
	ccp_pol(&a, S_ | H_, S_ | H_);
	a.ccp.require = 1;
	ccp_pol(&b, 0, S_ | H_);
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	nak = last_sent(0, PT_CP_CONF_NAK);
	CU_ASSERT_FATAL(nak != NULL);
	CU_ASSERT_EQUAL(nak->len, 10);
	CU_ASSERT_EQUAL(nak->b[4], 18);
	CU_ASSERT_EQUAL(L.e[0].res.nak_sent, PT_CPFSM_MAX_FAILURE);
	CU_ASSERT_EQUAL(L.e[1].res.term_rcvd, 1);
	CU_ASSERT_STRING_EQUAL(L.e[1].res.term_reason, "MPPE required but the peer does not ask for it");
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_CLOSED);

	/* no common key length: closed at once */
	ccp_pol(&b, L_, L_);
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_CLOSED);
	CU_ASSERT_STRING_EQUAL(L.e[1].res.term_reason, "no common MPPE key length");
}

/* ---- IPCP, IPV6CP ---- */

static void test_ipcp_assign(void)
{
	pt_cpeng_policy a, b;
	static const uint8_t vj[] = { 2, 6, 0x00, 0x2d, 15, 1 };
	static const uint8_t srv[4] = { 10, 0, 0, 1 }, cli[4] = { 10, 0, 0, 2 };
	static const uint8_t dns1[4] = { 192, 0, 2, 53 }, dns2[4] = { 192, 0, 2, 54 };

	memset(&a, 0, sizeof a);
	a.ipcp.accept_any_peer = 1;
	a.ipcp.want_dns = 1;
	memcpy(a.extra, vj, sizeof vj);
	a.nextra = sizeof vj;
	memset(&b, 0, sizeof b);
	memcpy(b.ipcp.local, srv, 4);
	memcpy(b.ipcp.peer, cli, 4);
	memcpy(b.ipcp.dns[0], dns1, 4);
	memcpy(b.ipcp.dns[1], dns2, 4);
	link_init(PT_CPK_IPCP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	CU_ASSERT(memcmp(L.e[0].res.local, cli, 4) == 0);
	CU_ASSERT(memcmp(L.e[0].res.peer, srv, 4) == 0);
	CU_ASSERT(memcmp(L.e[1].res.local, srv, 4) == 0);
	CU_ASSERT(memcmp(L.e[1].res.peer, cli, 4) == 0);
	CU_ASSERT(memcmp(L.e[0].res.dns[0], dns1, 4) == 0);
	CU_ASSERT(memcmp(L.e[0].res.dns[1], dns2, 4) == 0);
	/* VJ compression (RFC 1332 4) is Rejected, then the Nak of 0.0.0.0 gives the address */
	CU_ASSERT_EQUAL(L.e[1].res.rej_sent, 1);
	CU_ASSERT_EQUAL(L.e[1].res.nak_sent, 1);
	CU_ASSERT_EQUAL(L.e[0].nextra_now, 0);

	/* a server with no address to give Rejects a request for 0.0.0.0 */
	memset(b.ipcp.peer, 0, 4);
	a.nextra = 0;
	link_init(PT_CPK_IPCP, &a, &b);
	start_both();
	CU_ASSERT(last_sent(1, PT_CP_CONF_REJ) != NULL);
	CU_ASSERT_EQUAL(last_sent(1, PT_CP_CONF_REJ)->b[4], 3);

	/* a fixed address that is not the one we assign is Nak'd with ours */
	{
		pt_cpeng_policy c;
		static const uint8_t other[4] = { 10, 9, 9, 9 };
		memset(&c, 0, sizeof c);
		memcpy(c.ipcp.local, other, 4);
		c.ipcp.accept_any_peer = 1;
		memcpy(b.ipcp.peer, cli, 4);
		link_init(PT_CPK_IPCP, &c, &b);
		start_both();
		CU_ASSERT(last_sent(1, PT_CP_CONF_NAK) != NULL);
		CU_ASSERT(memcmp(last_sent(1, PT_CP_CONF_NAK)->b + 6, cli, 4) == 0);
		CU_ASSERT(L.e[0].res.nak_rcvd >= 1);
	}
}

static void test_ipv6cp(void)
{
	pt_cpeng_policy a, b;
	static const uint8_t id[8] = { 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
	static const uint8_t want[8] = { 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x54 };
	const qpkt *g;

	/* the PNS has no identifier (zero): RFC 5072 4.1, the PAC Naks with one for it */
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memcpy(b.ipv6cp.ifid, id, 8);
	link_init(PT_CPK_IPV6CP, &a, &b);
	start_both();
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[1]), PT_CPS_OPENED);
	CU_ASSERT(memcmp(L.e[0].res.local_ifid, want, 8) == 0);
	CU_ASSERT(memcmp(L.e[1].res.peer_ifid, want, 8) == 0);
	CU_ASSERT(memcmp(L.e[1].res.local_ifid, id, 8) == 0);
	CU_ASSERT(memcmp(L.e[0].res.peer_ifid, id, 8) == 0);
	CU_ASSERT_EQUAL(L.e[1].res.nak_sent, 1);

	/* a peer identifier equal to ours is Nak'd with a different one (ours, low bit flipped);
	 * two engines that picked the same value would do this symmetrically for ever, so one
	 * engine is fed by hand */
	link_init(PT_CPK_IPV6CP, &b, &b);
	L.drop[0] = 1;
	pt_cpeng_open(&L.e[0], 0);
	pt_cpeng_up(&L.e[0], 0);
	{
		uint8_t req[14] = { 1, 5, 0, 14, 1, 10 };
		memcpy(req + 6, id, 8);
		CU_ASSERT_EQUAL(pt_cpeng_input(&L.e[0], req, sizeof req, 0), PT_OK);
		g = &L.log[0][L.nlog[0] - 1];
		CU_ASSERT_EQUAL(g->b[0], PT_CP_CONF_NAK);
		CU_ASSERT_EQUAL(g->len, 14);
		CU_ASSERT(memcmp(g->b + 6, want, 8) == 0);
	}

	/* compression is Rejected */
	{
		static const uint8_t comp[] = { 2, 4, 0x00, 0x4f };
		memcpy(a.ipv6cp.ifid, want, 8);
		memcpy(a.extra, comp, sizeof comp);
		a.nextra = sizeof comp;
		link_init(PT_CPK_IPV6CP, &a, &b);
		start_both();
		CU_ASSERT_EQUAL(L.e[1].res.rej_sent, 1);
		CU_ASSERT_EQUAL(L.e[1].res.nak_sent, 0);
		CU_ASSERT_EQUAL(pt_cpeng_state(&L.e[0]), PT_CPS_OPENED);
	}
}

static void test_authm_names(void)
{
	uint16_t proto;
	uint8_t alg;

	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_authm_vs, PT_AUTHM_MSCHAPV2), "mschapv2");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_authm_vs, PT_AUTHM_NONE), "none");
	for (int m = PT_AUTHM_PAP; m < PT_AUTHM__N; m++) {
		pt_authm_to_opt(m, &proto, &alg);
		CU_ASSERT_EQUAL(pt_authm_from_opt(proto, alg), m);
	}
	CU_ASSERT_EQUAL(pt_authm_from_opt(0xc223, 0x42), PT_AUTHM_NONE);
	CU_ASSERT_EQUAL(pt_authm_from_opt(0xc227, 0), PT_AUTHM_NONE);
}

/* ---- a whole session: LCP, the method it agreed, CCP, keys, IPCP ---- */

static int mppe_bits_of(uint32_t b)
{
	return (b & S_) ? 128 : (b & M_) ? 56 : (b & L_) ? 40 : 0;
}

static void test_session(void)
{
	pt_cpeng_policy a, b;
	pt_authpeer cli, srv;
	pt_cred cred;
	uint8_t pkt[PT_AUTHPEER_MAX_PKT], out[PT_AUTHPEER_MAX_PKT];
	uint8_t ks[2][2][16];
	pt_writer w = pt_wr(pkt, sizeof pkt);
	int rc, from = 1;
	static const uint8_t chal[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t pch[16] = { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };

	/* LCP: the PAC requires MS-CHAPv2 */
	open_lcp();
	CU_ASSERT_FATAL(L.e[0].res.peer_auth == PT_AUTHM_MSCHAPV2 && L.e[1].res.our_auth == PT_AUTHM_MSCHAPV2);
	/* authentication with the agreed method, the PAC as server (RFC 1661 3.5) */
	CU_ASSERT_FATAL(pt_cred_from_password(&cred, "bob", "correct horse") == PT_OK);
	pt_authpeer_client_init(&cli, L.e[0].res.peer_auth, &cred, pch, NULL);
	pt_authpeer_server_init(&srv, L.e[1].res.our_auth, &cred, chal, NULL);
	pt_cred_wipe(&cred);
	CU_ASSERT_EQUAL(pt_authpeer_start(&cli, 1, &w), 0);
	CU_ASSERT_EQUAL(pt_authpeer_start(&srv, 1, &w), 1);
	for (int i = 0; i < 4 && pt_wlen(&w); i++) {
		pt_writer ow = pt_wr(out, sizeof out);
		rc = pt_authpeer_input(from ? &cli : &srv, pt_authpeer_proto(PT_AUTHM_MSCHAPV2), pkt, pt_wlen(&w), &ow);
		CU_ASSERT(rc >= 0);
		memcpy(pkt, out, pt_wlen(&ow));
		w = pt_wr(pkt, sizeof pkt);
		w.p += pt_wlen(&ow);
		from = !from;
	}
	CU_ASSERT_FATAL(cli.status == PT_AUTHS_SUCCESS && srv.status == PT_AUTHS_SUCCESS);
	/* CCP: Windows-like PAC offers 128 and 40 stateless; the PNS takes 128 */
	ccp_pol(&a, S_ | H_, S_ | H_);
	ccp_pol(&b, S_ | L_ | H_, S_ | L_ | H_);
	a.ccp.require = b.ccp.require = 1;
	link_init(PT_CPK_CCP, &a, &b);
	start_both();
	CU_ASSERT_FATAL(pt_cpeng_is_open(&L.e[0]) && pt_cpeng_is_open(&L.e[1]));
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(L.e[i].res.tx_bits, S_ | H_);
		CU_ASSERT_EQUAL(L.e[i].res.rx_bits, S_ | H_);
	}
	/* each end's send key is the other's receive key */
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&cli, mppe_bits_of(L.e[0].res.tx_bits), 0, ks[0][0], ks[0][1]), PT_OK);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&srv, mppe_bits_of(L.e[1].res.tx_bits), 0, ks[1][0], ks[1][1]), PT_OK);
	CU_ASSERT(memcmp(ks[0][0], ks[1][1], 16) == 0);
	CU_ASSERT(memcmp(ks[1][0], ks[0][1], 16) == 0);
	CU_ASSERT(memcmp(ks[0][0], ks[0][1], 16) != 0);
	pt_authpeer_wipe(&cli);
	pt_authpeer_wipe(&srv);
	/* IPCP: the PNS gets its address */
	memset(&a, 0, sizeof a);
	a.ipcp.accept_any_peer = 1;
	memset(&b, 0, sizeof b);
	b.ipcp.local[0] = 192, b.ipcp.local[1] = 168, b.ipcp.local[3] = 1;
	b.ipcp.peer[0] = 192, b.ipcp.peer[1] = 168, b.ipcp.peer[3] = 100;
	link_init(PT_CPK_IPCP, &a, &b);
	start_both();
	CU_ASSERT(pt_cpeng_is_open(&L.e[0]) && pt_cpeng_is_open(&L.e[1]));
	CU_ASSERT_EQUAL(L.e[0].res.local[3], 100);
	CU_ASSERT_EQUAL(L.e[0].res.peer[3], 1);
}

/* ---- hostile input: random packets never crash and leave the engine consistent ---- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void test_random_packets(void)
{
	static const int kinds[] = { PT_CPK_LCP, PT_CPK_CCP, PT_CPK_IPCP, PT_CPK_IPV6CP };
	pt_cpeng_policy a, b;

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		pns_lcp(&a);
		pac_lcp(&b);
		a.ccp.want_bits = b.ccp.want_bits = S_ | H_;
		a.ccp.accept_bits = b.ccp.accept_bits = S_ | M_ | L_ | H_;
		b.ipcp.peer[0] = 10;
		b.ipcp.peer[3] = 2;
		a.ipcp.accept_any_peer = 1;
		a.ipv6cp.ifid[7] = 1;
		b.ipv6cp.ifid[7] = 2;
		link_init(kinds[k], &a, &b);
		start_both();
		for (int n = 0; n < 3000; n++) {
			uint8_t p[80];
			size_t len = 4 + rnd() % 60, st;
			int state;

			for (size_t i = 0; i < len; i++)
				p[i] = (uint8_t)rnd();
			p[0] = (uint8_t)(1 + rnd() % 16);
			if (rnd() % 4 == 0)
				p[1] = L.e[0].id; /* a reply to our request */
			p[2] = 0;
			p[3] = (uint8_t)(rnd() % 3 ? len : rnd() % 90);
			/* options of plausible shape, sometimes */
			if (rnd() % 2 && len > 6) {
				for (size_t i = 4; i + 2 <= len; i += st) {
					st = 2 + rnd() % 8;
					if (i + st > len)
						st = len - i;
					p[i] = (uint8_t)(rnd() % 4 ? rnd() % 24 : rnd());
					p[i + 1] = (uint8_t)st;
				}
			}
			(void)pt_cpeng_input(&L.e[rnd() % 2], p, len, L.now);
			pump();
			if (rnd() % 50 == 0) {
				L.now += 3000000;
				pt_cpeng_tick(&L.e[0], L.now);
				pt_cpeng_tick(&L.e[1], L.now);
				pump();
			}
			if (rnd() % 200 == 0) {
				pt_cpeng_close(&L.e[rnd() % 2], "fuzz", L.now);
				pump();
			}
			if (rnd() % 100 == 0) {
				pt_cpeng_open(&L.e[0], L.now);
				pt_cpeng_open(&L.e[1], L.now);
				pump();
			}
			for (int i = 0; i < 2; i++) {
				state = pt_cpeng_state(&L.e[i]);
				CU_ASSERT((pt_cpeng_deadline(&L.e[i]) >= 0) == (pt_cpfsm_timer_running(state) != 0));
				CU_ASSERT(L.e[i].nextra_now <= PT_CPENG_EXTRA);
			}
			L.nlog[0] = L.nlog[1] = 0;
		}
	}
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("cpeng_lcp", NULL, NULL);
	UT_ADD(s, test_authm_names);
	UT_ADD(s, test_lcp_open_mschapv2);
	UT_ADD(s, test_lcp_auth_nak_to_another);
	UT_ADD(s, test_lcp_auth_refused);
	UT_ADD(s, test_lcp_unknown_option_rejected);
	UT_ADD(s, test_lcp_judging);
	UT_ADD(s, test_lcp_wrong_identifier);
	UT_ADD(s, test_restart_timer);
	UT_ADD(s, test_lost_packets_recovered);
	UT_ADD(s, test_terminate);
	UT_ADD(s, test_echo);
	UT_ADD(s, test_code_reject);
	UT_ADD(s, test_initial_drops);
	UT_ADD(s, test_lcp_mru_nak);
	UT_ADD(s, test_lcp_nak_of_ours);
	UT_ADD(s, test_lcp_renegotiate);
	s = CU_add_suite("cpeng_ccp", NULL, NULL);
	UT_ADD(s, test_ccp_mppe128_stateless);
	UT_ADD(s, test_ccp_stateful_by_nak);
	UT_ADD(s, test_ccp_40bit);
	UT_ADD(s, test_ccp_mppe_rejected);
	UT_ADD(s, test_ccp_required_not_offered);
	s = CU_add_suite("cpeng_ipcp", NULL, NULL);
	UT_ADD(s, test_ipcp_assign);
	UT_ADD(s, test_ipv6cp);
	UT_ADD(s, test_max_failure_converges);
	s = CU_add_suite("cpeng_session", NULL, NULL);
	UT_ADD(s, test_session);
	s = CU_add_suite("cpeng_hostile", NULL, NULL);
	UT_ADD(s, test_random_packets);
}
