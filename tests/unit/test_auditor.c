/* test_auditor.c: lib/auditor, the security audit's checks: online guessing (threshold, window, by user and by
 * address), PPTP filtering (servers, flows, ICMP errors about PPTP, the flow cap), the user table, the advice table. */
#include <stdio.h>
#include <string.h>

#include "auditor.h"
#include "auth.h"
#include "ppp.h"
#include "ut.h"

static pt_where at(uint64_t pkt, int64_t ts_us)
{
	pt_where w;
	memset(&w, 0, sizeof w);
	w.pkt = pkt;
	w.ts_us = ts_us;
	w.call = -1;
	w.dir = PT_DIR_UNKNOWN;
	return w;
}

static pt_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	pt_addr x;
	memset(&x, 0, sizeof x);
	x.family = 4;
	x.a[0] = a;
	x.a[1] = b;
	x.a[2] = c;
	x.a[3] = d;
	return x;
}

/* A call whose PAC authenticates the PNS user `name` from pns_addr. */
typedef struct fake_call {
	pt_call k;
	struct pt_call_ext x;
} fake_call;

static void fake(fake_call *f, int idx, const char *name, pt_addr pns)
{
	memset(f, 0, sizeof *f);
	f->k.idx = idx;
	f->k.pns = pns;
	f->k.pac = v4(192, 0, 2, 1);
	f->k.ext = &f->x;
	f->x.user_len[PT_DIR_PAC] = (uint8_t)strlen(name);
	memcpy(f->x.user_raw[PT_DIR_PAC], name, strlen(name));
}

static void failure(pt_audit *a, fake_call *f, uint64_t pkt, int64_t ts)
{
	pt_auth_msg m;
	pt_where w = at(pkt, ts);
	memset(&m, 0, sizeof m);
	m.proto = PT_PPP_CHAP;
	m.code = PT_CHAP_FAILURE;
	pt_audit_auth(a, &w, &f->k, PT_DIR_PAC, &m);
}

static void test_guessing(void)
{
	pt_audit_cfg cfg = { 5, 60 * (int64_t)1000000 };
	pt_audit *a = pt_audit_new(&cfg);
	pt_tunnel *t = pt_tunnel_new(NULL, &(pt_tunnel_hooks){ .on_finding = ut_sink.fn });
	fake_call admin, bob;
	const pt_finding *f;

	CU_ASSERT_FATAL(a != NULL && t != NULL);
	fake(&admin, 0, "admin", v4(192, 0, 2, 66));
	fake(&bob, 1, "bob", v4(192, 0, 2, 77));
	/* 4 for admin within the window, then a fifth 70 s later: never 5 within 60 s */
	for (int i = 0; i < 4; i++)
		failure(a, &admin, 10 + (uint64_t)i, (int64_t)i * 1000000);
	failure(a, &admin, 20, 70 * (int64_t)1000000);
	failure(a, &bob, 21, 71 * (int64_t)1000000);
	ut_clear();
	pt_audit_finish(a, t, &ut_sink);
	CU_ASSERT_EQUAL(ut_count(PT_R_AUDIT_AUTH_GUESSING), 0);
	/* the 4 after the fifth fall within 60 s of it: 5 in 6 s (packets 20-25) for admin, by user and by address */
	for (int i = 0; i < 4; i++)
		failure(a, &admin, 22 + (uint64_t)i, (71 + i) * (int64_t)1000000 + 500000);
	ut_clear();
	pt_audit_finish(a, t, &ut_sink);
	CU_ASSERT_EQUAL(ut_count(PT_R_AUDIT_AUTH_GUESSING), 2);
	f = ut_first(PT_R_AUDIT_AUTH_GUESSING);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->at.pkt, 20);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, "5 authentication failures for user \"admin\" within 4.5 s (packets 20-25"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, "9 in the capture; threshold 5 in 60 s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ut_fs[1].msg, "5 authentication failures from 192.0.2.66"));
	CU_ASSERT_EQUAL(pt_audit_nusers(a), 2);
	pt_tunnel_free(t);
	pt_audit_free(a);
}

static void other(pt_audit *a, pt_addr s, pt_addr d, uint8_t proto, uint16_t sp, uint16_t dp, const uint8_t *p,
		  size_t len, uint64_t pkt)
{
	pt_where w = at(pkt, (int64_t)pkt * 1000);
	pt_audit_other(a, &s, &d, proto, sp, dp, p, len, &w);
}

static void test_filtering(void)
{
	pt_audit *a = pt_audit_new(NULL);
	pt_tunnel *t = pt_tunnel_new(NULL, &(pt_tunnel_hooks){ .on_finding = ut_sink.fn });
	pt_addr cli = v4(192, 0, 2, 2), srv = v4(192, 0, 2, 1), x = v4(198, 51, 100, 9), y = v4(198, 51, 100, 8);
	pt_where w = at(1, 0);
	/* ICMP destination unreachable, protocol unreachable, quoting an IPv4 header of protocol 47 */
	uint8_t about_gre[36] = { 3, 2, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 47 };
	/* ... and one quoting UDP to port 53: other traffic */
	uint8_t about_udp[36] = { 3, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17, 0, 0, 0, 0, 0, 0, 0, 0,
				  0, 0, 0x30, 0x39, 0, 53 };
	const pt_finding *f;

	CU_ASSERT_FATAL(a != NULL && t != NULL);
	cli.port = 40000;
	srv.port = 1723;
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt_tunnel_ctrl_open(t, &cli, &srv, 0, &w));
	cli.port = srv.port = 0;
	other(a, cli, srv, 17, 40000, 161, NULL, 0, 5);
	other(a, cli, srv, 17, 40000, 161, NULL, 0, 6);
	other(a, x, y, 17, 1, 2, NULL, 0, 7);                       /* not the server's */
	other(a, srv, cli, 1, 0, 0, about_gre, sizeof about_gre, 8); /* the tunnel's */
	ut_clear();
	pt_audit_finish(a, t, &ut_sink);
	CU_ASSERT_EQUAL(ut_count(PT_R_AUDIT_FILTER_OPEN), 1);
	f = ut_first(PT_R_AUDIT_FILTER_OPEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->at.pkt, 5);
	CU_ASSERT_STRING_EQUAL(f->msg, "server 192.0.2.1: UDP 192.0.2.2:40000 > 192.0.2.1:161 (2 packets); 1 flow, 2 packets besides TCP 1723 and GRE");
	/* the server answers; an ICMP error about UDP is other traffic; flows past the cap are counted out */
	other(a, srv, cli, 1, 0, 0, about_udp, sizeof about_udp, 9);
	for (unsigned i = 0; i < PT_AUDIT_MAX_FLOWS + 50; i++)
		other(a, cli, srv, 6, (uint16_t)(1024 + i), 22, NULL, 0, 10 + i);
	ut_clear();
	pt_audit_finish(a, t, &ut_sink);
	f = ut_first(PT_R_AUDIT_FILTER_OPEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, ", ICMP 192.0.2.1 > 192.0.2.2 (1 packet), TCP 192.0.2.2:1024 > 192.0.2.1:22 (1 packet), ...;"));
	/* 1024 flows kept: the UDP, the ICMP, the stranger's and 1021 of the TCP ones */
	CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, "; 1023 flows, 1024 packets besides TCP 1723 and GRE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->msg, ": the server answers on other ports"));
	pt_tunnel_free(t);
	pt_audit_free(a);
}

static void test_users_advice(void)
{
	pt_audit *a = pt_audit_new(NULL);
	static const uint8_t odd[] = { 'a', '"', 0, 0xff };
	size_t len;
	int u;

	CU_ASSERT_FATAL(a != NULL);
	u = pt_audit_user(a, odd, sizeof odd);
	CU_ASSERT_EQUAL(u, 0);
	CU_ASSERT_EQUAL(pt_audit_user(a, odd, sizeof odd), 0);
	CU_ASSERT_EQUAL(pt_audit_user(a, (const uint8_t *)"a", 1), 1);
	CU_ASSERT_STRING_EQUAL(pt_audit_user_name(a, u), "a\\x22\\x00\\xff");
	CU_ASSERT_STRING_EQUAL(pt_audit_user_name(a, -1), "?");
	CU_ASSERT(pt_audit_user_raw(a, u, &len) != NULL && len == sizeof odd);
	for (int i = 2; i < PT_AUDIT_MAX_USERS; i++) {
		char n[16];
		snprintf(n, sizeof n, "u%d", i);
		CU_ASSERT_EQUAL(pt_audit_user(a, (const uint8_t *)n, strlen(n)), i);
	}
	CU_ASSERT_EQUAL(pt_audit_user(a, (const uint8_t *)"one too many", 12), -1);
	CU_ASSERT_PTR_NOT_NULL(pt_audit_advice(PT_R_AUDIT_FILTER_OPEN));
	CU_ASSERT_PTR_NOT_NULL(pt_audit_advice(PT_R_PPP_PAP_CLEARTEXT));
	CU_ASSERT_PTR_NULL(pt_audit_advice(PT_R_GRE_SEQ_DUP));
	pt_audit_free(a);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("auditor", NULL, NULL);
	UT_ADD(s, test_guessing);
	UT_ADD(s, test_filtering);
	UT_ADD(s, test_users_advice);
}
