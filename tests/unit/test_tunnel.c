/* test_tunnel.c: the tunnel model: stream framing, resynchronisation, GRE bound to calls, verdicts. */
#include <string.h>

#include "gre.h"
#include "pptp.h"
#include "tunnel.h"
#include "ut.h"
#include "verdict.h"

#define MAXF 256
static pt_finding fnd[MAXF];
static int nf;

static void on_finding(void *user, const pt_finding *f)
{
	(void)user;
	if (nf < MAXF)
		fnd[nf++] = *f;
}

static int count(int rule)
{
	int n = 0;
	for (int i = 0; i < nf; i++)
		n += fnd[i].rule == rule;
	return n;
}

static pt_tunnel *tun;
static pt_addr cli, srv;
static pt_where at;

static void setup(void)
{
	pt_tunnel_hooks h;

	memset(&h, 0, sizeof h);
	h.on_finding = on_finding;
	tun = pt_tunnel_new(NULL, &h);
	memset(&cli, 0, sizeof cli);
	memset(&srv, 0, sizeof srv);
	cli.family = srv.family = 4;
	memcpy(cli.a, "\xc0\x00\x02\x02", 4);
	memcpy(srv.a, "\xc0\x00\x02\x01", 4);
	cli.port = 40000;
	srv.port = 1723;
	memset(&at, 0, sizeof at);
	at.pkt = 1;
	at.ts_us = 1700000000000000LL;
	at.call = -1;
	nf = 0;
}

static size_t build(uint16_t type, uint8_t *buf, size_t cap, void (*fill)(pt_ctrl_msg *))
{
	pt_ctrl_msg m;
	pt_writer w = pt_wr(buf, cap);

	pt_ctrl_init(&m, type);
	if (fill)
		fill(&m);
	CU_ASSERT_EQUAL_FATAL(pt_ctrl_build(&m, &w), PT_OK);
	return pt_wlen(&w);
}

static void f_sccrq(pt_ctrl_msg *m)
{
	m->u.sccrq.version = 0x0100;
	m->u.sccrq.framing_cap = 3;
	m->u.sccrq.bearer_cap = 3;
}
static void f_sccrp(pt_ctrl_msg *m)
{
	m->u.sccrp.version = 0x0100;
	m->u.sccrp.result = 1;
	m->u.sccrp.framing_cap = 3;
	m->u.sccrp.bearer_cap = 3;
	m->u.sccrp.max_channels = 1;
}
static void f_ocrq(pt_ctrl_msg *m)
{
	m->u.ocrq.call_id = 5;
	m->u.ocrq.min_bps = 300;
	m->u.ocrq.max_bps = 100000;
	m->u.ocrq.bearer_type = 3;
	m->u.ocrq.framing_type = 3;
	m->u.ocrq.recv_window = 16;
}
static void f_ocrp(pt_ctrl_msg *m)
{
	m->u.ocrp.call_id = 9;
	m->u.ocrp.peer_call_id = 5;
	m->u.ocrp.result = 1;
	m->u.ocrp.recv_window = 16;
}

/* Feed bytes the way TCP reassembly does: unconsumed bytes are offered again with the next ones. */
static uint8_t pend[2][4096];
static size_t npend[2];
static void feed(pt_conn *c, int dir, const uint8_t *p, size_t n)
{
	size_t used;
	CU_ASSERT_FATAL(npend[dir] + n <= sizeof pend[dir]);
	memcpy(pend[dir] + npend[dir], p, n);
	npend[dir] += n;
	used = pt_tunnel_ctrl_data(tun, c, dir, pend[dir], npend[dir], &at);
	memmove(pend[dir], pend[dir] + used, npend[dir] - used);
	npend[dir] -= used;
	at.pkt++;
}

static pt_conn *setup_call(void)
{
	uint8_t b[512];
	size_t n;
	pt_conn *c = pt_tunnel_ctrl_open(tun, &cli, &srv, 0, &at);

	npend[0] = npend[1] = 0;
	n = build(PT_CTRL_SCCRQ, b, sizeof b, f_sccrq);
	feed(c, 0, b, n);
	n = build(PT_CTRL_SCCRP, b, sizeof b, f_sccrp);
	feed(c, 1, b, n);
	n = build(PT_CTRL_OCRQ, b, sizeof b, f_ocrq);
	feed(c, 0, b, n);
	n = build(PT_CTRL_OCRP, b, sizeof b, f_ocrp);
	feed(c, 1, b, n);
	return c;
}

static void test_framing_split(void)
{
	uint8_t b[512];
	size_t n;
	pt_conn *c;

	setup();
	c = pt_tunnel_ctrl_open(tun, &cli, &srv, 0, &at);
	npend[0] = npend[1] = 0;
	n = build(PT_CTRL_SCCRQ, b, sizeof b, f_sccrq);
	/* one message in three pieces */
	feed(c, 0, b, 1);
	feed(c, 0, b + 1, 100);
	CU_ASSERT_EQUAL(c->msgs[0], 0);
	feed(c, 0, b + 101, n - 101);
	CU_ASSERT_EQUAL(c->msgs[0], 1);
	/* two messages in one piece */
	n = build(PT_CTRL_SCCRP, b, sizeof b, f_sccrp);
	{
		uint8_t two[400];
		size_t m = build(PT_CTRL_ECHORQ, two + n, sizeof two - n, NULL);
		memcpy(two, b, n);
		feed(c, 1, two, n + m);
	}
	CU_ASSERT_EQUAL(c->msgs[1], 2);
	CU_ASSERT_EQUAL(c->fsm.state, PT_CONN_ESTABLISHED);
	CU_ASSERT_EQUAL(nf, 0);
	pt_tunnel_free(tun);
}

static void test_resync_midstream(void)
{
	uint8_t b[512], junk[40];
	size_t n;
	pt_conn *c;

	setup();
	c = pt_tunnel_ctrl_open(tun, &cli, &srv, 1, &at);
	npend[0] = npend[1] = 0;
	memset(junk, 0x55, sizeof junk);
	n = build(PT_CTRL_ECHORQ, b, sizeof b, NULL);
	feed(c, 0, junk, sizeof junk);
	feed(c, 0, b, n);
	CU_ASSERT_EQUAL(c->msgs[0], 1);
	CU_ASSERT_EQUAL(c->skipped[0], sizeof junk);
	/* the skip before the first message of a mid-stream start is part of that start, not a second finding */
	CU_ASSERT_EQUAL(count(PT_R_STREAM_RESYNC), 0);
	/* a gap: the stream is resynchronised on the next cookie, the gap reported once */
	pt_tunnel_ctrl_gap(tun, c, 0, 100, &at);
	CU_ASSERT_EQUAL(count(PT_R_STREAM_GAP), 1);
	feed(c, 0, b + 3, n - 3); /* the tail of a message */
	feed(c, 0, b, n);
	CU_ASSERT_EQUAL(c->msgs[0], 2);
	/* ... and what is skipped after the gap belongs to it (issue 20: one loss, one finding) */
	CU_ASSERT_EQUAL(count(PT_R_STREAM_RESYNC), 0);
	/* garbage in a stream seen whole is reported */
	feed(c, 0, junk, sizeof junk);
	feed(c, 0, b, n);
	CU_ASSERT_EQUAL(c->msgs[0], 3);
	CU_ASSERT_EQUAL(count(PT_R_STREAM_RESYNC), 1);
	pt_tunnel_free(tun);
}

static void test_gre_binding(void)
{
	uint8_t g[64], p[8] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x04 };
	pt_writer w;
	pt_gre_hdr h;
	pt_addr s, d;
	const pt_call *k;

	setup();
	setup_call();
	CU_ASSERT_EQUAL_FATAL(pt_tunnel_ncalls(tun), 1);
	k = pt_tunnel_call(tun, 0);
	CU_ASSERT_EQUAL(k->pns_call_id, 5);
	CU_ASSERT_EQUAL(k->pac_call_id, 9);
	CU_ASSERT(k->up);
	/* RFC 2637 4.1: PNS -> PAC GRE carries the PAC's Call ID (9) */
	s = cli;
	d = srv;
	s.port = d.port = 0;
	pt_gre_init(&h, 9);
	h.has_seq = 1;
	h.seq = 0;
	w = pt_wr(g, sizeof g);
	CU_ASSERT_EQUAL(pt_gre_build(&h, p, sizeof p, &w), PT_OK);
	pt_tunnel_gre(tun, &s, &d, g, pt_wlen(&w), pt_wlen(&w), &at);
	CU_ASSERT_EQUAL(k->gre[PT_DIR_PNS].packets, 1);
	CU_ASSERT_EQUAL(k->gre[PT_DIR_PAC].packets, 0);
	/* the other way carries the PNS's Call ID (5) */
	pt_gre_init(&h, 5);
	h.has_seq = 1;
	w = pt_wr(g, sizeof g);
	pt_gre_build(&h, p, sizeof p, &w);
	pt_tunnel_gre(tun, &d, &s, g, pt_wlen(&w), pt_wlen(&w), &at);
	CU_ASSERT_EQUAL(k->gre[PT_DIR_PAC].packets, 1);
	CU_ASSERT_EQUAL(count(PT_R_GRE_UNKNOWN_CALL), 0);
	/* a Call ID no control connection set up: reported, modelled as a call of its own */
	pt_gre_init(&h, 77);
	h.has_seq = 1;
	w = pt_wr(g, sizeof g);
	pt_gre_build(&h, p, sizeof p, &w);
	pt_tunnel_gre(tun, &s, &d, g, pt_wlen(&w), pt_wlen(&w), &at);
	CU_ASSERT_EQUAL(count(PT_R_GRE_UNKNOWN_CALL), 1);
	CU_ASSERT_EQUAL(pt_tunnel_ncalls(tun), 2);
	CU_ASSERT_EQUAL(pt_tunnel_call(tun, 1)->conn, 0);
	pt_tunnel_free(tun);
}

static void test_gre_one_way_verdict(void)
{
	uint8_t g[64], p[8] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };
	pt_writer w;
	pt_gre_hdr h;
	pt_addr s, d;
	pt_verdict v;
	pt_where end;

	setup();
	setup_call();
	s = srv;
	d = cli;
	s.port = d.port = 0;
	for (uint32_t i = 0; i < 5; i++) {
		pt_gre_init(&h, 5);
		h.has_seq = 1;
		h.seq = i;
		w = pt_wr(g, sizeof g);
		pt_gre_build(&h, p, sizeof p, &w);
		at.ts_us += 3000000;
		pt_tunnel_gre(tun, &s, &d, g, pt_wlen(&w), pt_wlen(&w), &at);
		at.pkt++;
	}
	end = at;
	pt_tunnel_finish(tun, &end);
	CU_ASSERT_EQUAL(count(PT_R_GRE_NEVER_SENT), 1);
	pt_verdict_call(tun, pt_tunnel_call(tun, 0), &v);
	CU_ASSERT_EQUAL(v.code, PT_V_GRE_ONE_WAY);
	CU_ASSERT(!v.ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(v.text, "192.0.2.2"));
	pt_tunnel_free(tun);
}

static void test_no_call_verdict(void)
{
	uint8_t b[512];
	size_t n;
	pt_conn *c;
	pt_verdict v;

	setup();
	c = pt_tunnel_ctrl_open(tun, &cli, &srv, 0, &at);
	npend[0] = npend[1] = 0;
	n = build(PT_CTRL_SCCRQ, b, sizeof b, f_sccrq);
	feed(c, 0, b, n);
	CU_ASSERT_EQUAL(pt_verdict_conn(tun, c, &v), 1);
	CU_ASSERT_EQUAL(v.code, PT_V_INCOMPLETE);
	pt_tunnel_ctrl_close(tun, c, PT_END_FIN, 1, 0, NULL, &at);
	CU_ASSERT_EQUAL(pt_verdict_conn(tun, c, &v), 1);
	CU_ASSERT_EQUAL(v.code, PT_V_CTRL_NO_REPLY);
	pt_tunnel_free(tun);
}

static void test_addr_fmt(void)
{
	pt_addr a;
	char b[64];

	memset(&a, 0, sizeof a);
	a.family = 6;
	a.a[0] = 0x20;
	a.a[1] = 0x01;
	a.a[2] = 0x0d;
	a.a[3] = 0xb8;
	a.a[15] = 1;
	a.port = 1723;
	pt_addr_fmt(&a, 1, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(b, "[2001:db8::1]:1723");
	a.family = 4;
	memcpy(a.a, "\x0a\x00\x00\x01", 4);
	pt_addr_fmt(&a, 0, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(b, "10.0.0.1");
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("tunnel", NULL, NULL);
	UT_ADD(s, test_framing_split);
	UT_ADD(s, test_resync_midstream);
	UT_ADD(s, test_gre_binding);
	UT_ADD(s, test_gre_one_way_verdict);
	UT_ADD(s, test_no_call_verdict);
	UT_ADD(s, test_addr_fmt);
}
