/* test_pppobs.c: the PPP observer: a clean full exchange without findings, and a crafted exchange for every ppp.* rule. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "cp.h"
#include "ppp.h"
#include "pppobs.h"
#include "rules.h"
#include "ut.h"

#define PNS PT_DIR_PNS
#define PAC PT_DIR_PAC

static pt_pppobs obs;
static pt_pppobs_event ev;
static int nfind;
static int rule_count[PT_R__COUNT];
static int rule_ever[PT_R__COUNT];
static char last_msg[PT_FINDING_MSG];
static uint8_t frame[2048]; /* the last frame fed; ev's cursors point here */

static void sink_fn(void *user, const pt_finding *f)
{
	(void)user;
	nfind++;
	if (f->rule >= 0 && f->rule < PT_R__COUNT) {
		rule_count[f->rule]++;
		rule_ever[f->rule]++;
	}
	snprintf(last_msg, sizeof last_msg, "%s", f->msg);
}

static const pt_sink sink = { sink_fn, NULL };
static const pt_where at = { 1, 0, 1, 0, PT_DIR_UNKNOWN };

static void start(void)
{
	pt_pppobs_init(&obs);
	nfind = 0;
	memset(rule_count, 0, sizeof rule_count);
	last_msg[0] = 0;
}

static void clear_findings(void)
{
	nfind = 0;
	memset(rule_count, 0, sizeof rule_count);
}

/* exactly n findings, all of this rule */
static void expect_only(int rule, int n)
{
	CU_ASSERT_EQUAL(rule_count[rule], n);
	CU_ASSERT_EQUAL(nfind, n);
	if (nfind != n || rule_count[rule] != n)
		fprintf(stderr, "\n  expected %d x %s, got %d findings (last: %s)\n", n, pt_rule_get(rule)->id, nfind,
			last_msg);
}

static int feed(int dir, size_t n, int truncated)
{
	pt_cursor c = pt_cur(frame, n);
	return pt_pppobs_on_packet(&obs, dir, &c, truncated, &sink, &at, &ev);
}

/* A raw frame from hex. */
static int rawf(int dir, const char *hex)
{
	int n = ut_hex(hex, frame, sizeof frame);
	CU_ASSERT_FATAL(n >= 0);
	return feed(dir, (size_t)n, 0);
}

/* FF 03, protocol, then a code/id/length packet carrying data. */
static int ctl(int dir, uint16_t proto, uint8_t code, uint8_t id, const void *data, size_t n)
{
	size_t len = 4 + n;

	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = (uint8_t)(proto >> 8);
	frame[3] = (uint8_t)proto;
	frame[4] = code;
	frame[5] = id;
	frame[6] = (uint8_t)(len >> 8);
	frame[7] = (uint8_t)len;
	memcpy(frame + 8, data, n);
	return feed(dir, 8 + n, 0);
}

static int cpf(int dir, uint16_t proto, uint8_t code, uint8_t id, const char *hex)
{
	uint8_t d[512];
	int n = ut_hex(hex, d, sizeof d);
	CU_ASSERT_FATAL(n >= 0);
	return ctl(dir, proto, code, id, d, (size_t)n);
}

static int ctls(int dir, uint16_t proto, uint8_t code, uint8_t id, const char *s)
{
	return ctl(dir, proto, code, id, s, strlen(s));
}

static int dataf(int dir, uint16_t proto, size_t len, int acfc, int pfc)
{
	static uint8_t payload[2000];
	pt_writer w = pt_wr(frame, sizeof frame);

	memset(payload, 0x5a, sizeof payload);
	CU_ASSERT_FATAL(pt_ppp_build(proto, acfc, pfc, payload, len, &w) == PT_OK);
	return feed(dir, pt_wlen(&w), 0);
}

/* CHAP Challenge/Response from value octets and a name. */
static int chap(int dir, uint8_t code, uint8_t id, const uint8_t *val, size_t vlen, const char *name)
{
	uint8_t d[300];
	size_t n = 0;

	d[n++] = (uint8_t)vlen;
	memcpy(d + n, val, vlen);
	n += vlen;
	memcpy(d + n, name, strlen(name));
	n += strlen(name);
	return ctl(dir, PT_PPP_CHAP, code, id, d, n);
}

/* ---- the clean exchange, in steps ---- */

/* pppd-like LCP: MRU 1400, ACCM 0, (PAC) Auth CHAP/MS-CHAPv2, Magic, PFC, ACFC */
static const char pns_lcp[] = "01040578 020600000000 050611111111 0702 0802";
static const char pac_lcp_v2[] = "01040578 020600000000 0305c22381 050622222222 0702 0802";
static const char pac_lcp_v1[] = "01040578 020600000000 0305c22380 050622222222 0702 0802";
static const char pac_lcp_pap[] = "01040578 020600000000 0304c023 050622222222 0702 0802";
static const char pac_lcp_none[] = "01040578 020600000000 050622222222 0702 0802";

static void lcp_up(const char *pac_opts)
{
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, pns_lcp);
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REQ, 1, pac_opts);
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, pns_lcp);
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_ACK, 1, pac_opts);
}

static const char auth_ok_msg[] = "S=0123456789ABCDEF0123456789ABCDEF01234567 M=Access granted";

static void v2_value(uint8_t v[49], uint8_t reserved, uint8_t flags)
{
	for (int i = 0; i < 16; i++)
		v[i] = (uint8_t)(0x21 + i);
	memset(v + 16, reserved, 8);
	for (int i = 0; i < 24; i++)
		v[24 + i] = (uint8_t)(0x41 + i);
	v[48] = flags;
}

static const uint8_t chal16[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static void mschapv2_ok(void)
{
	uint8_t v[49];

	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	v2_value(v, 0, 0);
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_SUCCESS, 7, auth_ok_msg);
}

/* CCP, MPPE-128 stateless: PNS offers H+S+L, PAC Naks down to H+S (RFC 3078 2.1) */
static void ccp_up(void)
{
	cpf(PAC, PT_PPP_CCP, PT_CP_CONF_REQ, 1, "120601000040");
	cpf(PNS, PT_PPP_CCP, PT_CP_CONF_REQ, 1, "120601000060");
	cpf(PAC, PT_PPP_CCP, PT_CP_CONF_NAK, 1, "120601000040");
	cpf(PNS, PT_PPP_CCP, PT_CP_CONF_ACK, 1, "120601000040");
	cpf(PNS, PT_PPP_CCP, PT_CP_CONF_REQ, 2, "120601000040");
	cpf(PAC, PT_PPP_CCP, PT_CP_CONF_ACK, 2, "120601000040");
}

/* IPCP: PNS asks 0.0.0.0 and DNS, PAC Naks with values, PNS asks again, Ack */
static void ipcp_up(void)
{
	cpf(PAC, PT_PPP_IPCP, PT_CP_CONF_REQ, 1, "03060a000001");
	cpf(PNS, PT_PPP_IPCP, PT_CP_CONF_REQ, 1, "030600000000 810600000000");
	cpf(PAC, PT_PPP_IPCP, PT_CP_CONF_NAK, 1, "03060a000002 81060a000001");
	cpf(PNS, PT_PPP_IPCP, PT_CP_CONF_ACK, 1, "03060a000001");
	cpf(PNS, PT_PPP_IPCP, PT_CP_CONF_REQ, 2, "03060a000002 81060a000001");
	cpf(PAC, PT_PPP_IPCP, PT_CP_CONF_ACK, 2, "03060a000002 81060a000001");
}

static void full_setup(void)
{
	start();
	lcp_up(pac_lcp_v2);
	mschapv2_ok();
	ccp_up();
	ipcp_up();
}

static void test_clean_exchange(void)
{
	uint8_t v[49];

	start();
	/* LCP both ways */
	CU_ASSERT_EQUAL(cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, pns_lcp), PT_OK);
	CU_ASSERT_EQUAL(ev.what, PT_PPPEV_CP);
	CU_ASSERT_EQUAL(ev.cp_kind, PT_CPK_LCP);
	CU_ASSERT_EQUAL(ev.cp.code, PT_CP_CONF_REQ);
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REQ, 1, pac_lcp_v2);
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, pns_lcp);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].acked, 1);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].opened, 0);
	CU_ASSERT_EQUAL(cpf(PNS, PT_PPP_LCP, PT_CP_CONF_ACK, 1, pac_lcp_v2), PT_OK);
	CU_ASSERT_EQUAL(ev.what, PT_PPPEV_CP | PT_PPPEV_LCP_OPENED | PT_PPPEV_AUTH_METHOD);
	CU_ASSERT_EQUAL(ev.auth_proto[PAC], PT_PPP_CHAP);
	CU_ASSERT_EQUAL(ev.chap_alg[PAC], 0x81);
	CU_ASSERT_EQUAL(ev.auth_proto[PNS], 0);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].opened, 1);
	CU_ASSERT_EQUAL(obs.lcp[PNS].mru, 1400);
	CU_ASSERT_EQUAL(obs.lcp[PNS].accm, 0);
	CU_ASSERT_EQUAL(obs.lcp[PNS].magic, 0x11111111u);
	CU_ASSERT_EQUAL(obs.lcp[PAC].magic, 0x22222222u);
	CU_ASSERT_EQUAL(obs.lcp[PAC].pfc, 1);
	CU_ASSERT_EQUAL(obs.lcp[PAC].acfc, 1);
	CU_ASSERT_EQUAL(obs.lcp[PAC].auth_proto, PT_PPP_CHAP);
	CU_ASSERT_EQUAL(obs.auth[PAC].state, PT_PPPOBS_AUTH_PENDING);
	CU_ASSERT_EQUAL(obs.auth[PNS].state, PT_PPPOBS_AUTH_NONE);
	CU_ASSERT_EQUAL(obs.auth_done, 0);

	/* MS-CHAPv2 challenge, response, success */
	CU_ASSERT_EQUAL(chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd"), PT_OK);
	CU_ASSERT_EQUAL(ev.what, PT_PPPEV_AUTH_MSG);
	CU_ASSERT_PTR_EQUAL(ev.auth, &ev.auth_msg);
	CU_ASSERT_EQUAL(ev.authenticator, PAC);
	CU_ASSERT_EQUAL(ev.auth->alg, 0x81);
	v2_value(v, 0, 0);
	CU_ASSERT_EQUAL(chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user"), PT_OK);
	CU_ASSERT_EQUAL(ev.auth->ms_valid, 1);
	CU_ASSERT_EQUAL(ev.authenticator, PAC);
	CU_ASSERT_EQUAL(ctls(PAC, PT_PPP_CHAP, PT_CHAP_SUCCESS, 7, auth_ok_msg), PT_OK);
	CU_ASSERT_EQUAL(ev.what, PT_PPPEV_AUTH_MSG | PT_PPPEV_AUTH_RESULT | PT_PPPEV_AUTH_DONE);
	CU_ASSERT_EQUAL(ev.auth_success, 1);
	CU_ASSERT_EQUAL(ev.auth->success_ok, 1);
	CU_ASSERT_EQUAL(obs.auth[PAC].state, PT_PPPOBS_AUTH_SUCCESS);
	CU_ASSERT_EQUAL(obs.auth[PAC].chal_len, 16);
	CU_ASSERT_EQUAL(obs.auth[PAC].resp_len, 49);
	CU_ASSERT_EQUAL(obs.auth[PAC].name_len, 4);
	CU_ASSERT_EQUAL(memcmp(obs.auth[PAC].name, "user", 4), 0);
	CU_ASSERT_EQUAL(obs.auth[PAC].auth_resp_valid, 1);
	CU_ASSERT_EQUAL(obs.auth[PAC].auth_resp[0], 0x01);
	CU_ASSERT_EQUAL(obs.auth_done, 1);

	/* CCP MPPE-128 stateless, with a Nak */
	ccp_up();
	CU_ASSERT(ev.what & PT_PPPEV_CCP_OPENED);
	CU_ASSERT_EQUAL(ev.mppe_bits[PNS], PT_CCP_MPPE_H | PT_CCP_MPPE_S);
	CU_ASSERT_EQUAL(ev.mppe_bits[PAC], PT_CCP_MPPE_H | PT_CCP_MPPE_S);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_CCP].side[PNS].n_nak, 1);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_CCP].side[PNS].n_conf_req, 2);
	CU_ASSERT(pt_pppobs_mppe_active(&obs, PNS));
	CU_ASSERT(pt_pppobs_mppe_active(&obs, PAC));

	/* IPCP with a Nak of 0.0.0.0 then Ack */
	ipcp_up();
	CU_ASSERT(ev.what & PT_PPPEV_IPCP_OPENED);
	CU_ASSERT_EQUAL(obs.ipcp[PNS].has_addr, 1);
	CU_ASSERT_EQUAL(memcmp(obs.ipcp[PNS].addr, "\x0a\x00\x00\x02", 4), 0);
	CU_ASSERT_EQUAL(obs.ipcp[PNS].has_dns1, 1);
	CU_ASSERT_EQUAL(memcmp(obs.ipcp[PNS].dns1, "\x0a\x00\x00\x01", 4), 0);
	CU_ASSERT_EQUAL(memcmp(obs.ipcp[PAC].addr, "\x0a\x00\x00\x01", 4), 0);

	/* IPV6CP interface identifiers */
	cpf(PNS, PT_PPP_IPV6CP, PT_CP_CONF_REQ, 1, "010a0200000000000001");
	cpf(PAC, PT_PPP_IPV6CP, PT_CP_CONF_REQ, 1, "010a0200000000000002");
	cpf(PAC, PT_PPP_IPV6CP, PT_CP_CONF_ACK, 1, "010a0200000000000001");
	cpf(PNS, PT_PPP_IPV6CP, PT_CP_CONF_ACK, 1, "010a0200000000000002");
	CU_ASSERT(ev.what & PT_PPPEV_IPV6CP_OPENED);
	CU_ASSERT_EQUAL(obs.ipv6cp[PAC].ifid[7], 2);

	/* encrypted data with the negotiated ACFC and PFC, at the MRU */
	CU_ASSERT_EQUAL(dataf(PNS, PT_PPP_COMP, 1400, 1, 1), PT_OK);
	CU_ASSERT_EQUAL(ev.what, PT_PPPEV_DATA);
	CU_ASSERT_EQUAL(ev.proto, PT_PPP_COMP);
	CU_ASSERT_EQUAL(pt_left(&ev.payload), 1400);
	dataf(PAC, PT_PPP_COMP, 60, 0, 0);
	CU_ASSERT_EQUAL(obs.n_data[PNS], 1);

	/* LCP echo both ways with the negotiated magic numbers */
	cpf(PNS, PT_PPP_LCP, PT_CP_ECHO_REQ, 1, "11111111");
	cpf(PAC, PT_PPP_LCP, PT_CP_ECHO_REP, 1, "22222222");
	cpf(PAC, PT_PPP_LCP, PT_CP_ECHO_REQ, 9, "22222222 00");
	cpf(PNS, PT_PPP_LCP, PT_CP_ECHO_REP, 9, "11111111 00");
	cpf(PNS, PT_PPP_LCP, PT_CP_ECHO_REQ, 2, "11111111");
	cpf(PNS, PT_PPP_LCP, PT_CP_ECHO_REQ, 3, "11111111");
	cpf(PAC, PT_PPP_LCP, PT_CP_ECHO_REP, 2, "22222222");
	/* Linux compresses FF 03 on LCP echoes once ACFC is up: info only */
	rawf(PNS, "c021 09040008 11111111");
	expect_only(PT_R_PPP_ACFC_ON_LCP_ECHO, 1);
	clear_findings();

	/* CCP Reset-Request / Reset-Ack */
	cpf(PNS, PT_PPP_CCP, PT_CP_RESET_REQ, 5, "");
	CU_ASSERT(ev.what & PT_PPPEV_CCP_RESET_REQ);
	CU_ASSERT_EQUAL(ev.reset_id, 5);
	CU_ASSERT_EQUAL(ev.dir, PNS);
	cpf(PAC, PT_PPP_CCP, PT_CP_RESET_ACK, 5, "");
	CU_ASSERT(ev.what & PT_PPPEV_CCP_RESET_ACK);

	/* retransmission of a request (same id, same options) is counted, not reported */
	CU_ASSERT_EQUAL(nfind, 0);

	/* LCP Terminate with a reason */
	cpf(PNS, PT_PPP_LCP, PT_CP_TERM_REQ, 2, "55736572207265717565737420");
	CU_ASSERT(ev.what & PT_PPPEV_LCP_TERMINATE);
	CU_ASSERT_EQUAL(ev.what & PT_PPPEV_CP_DOWN, 0);
	CU_ASSERT_EQUAL(pt_left(&ev.term_reason), 13);
	CU_ASSERT_EQUAL(memcmp(ev.term_reason.p, "User request ", 13), 0);
	/* the PAC may still send until it answers (frames in flight) */
	dataf(PAC, PT_PPP_COMP, 60, 1, 1);
	/* pppd resends with a new id; the Ack of the first one arrives late */
	cpf(PNS, PT_PPP_LCP, PT_CP_TERM_REQ, 3, "55736572207265717565737420");
	CU_ASSERT_EQUAL(ev.what & PT_PPPEV_LCP_TERMINATE, 0);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].opened, 1);
	cpf(PAC, PT_PPP_LCP, PT_CP_TERM_ACK, 2, "");
	CU_ASSERT(ev.what & PT_PPPEV_CP_DOWN);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].opened, 0);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_CCP].opened, 0);
	CU_ASSERT_EQUAL(obs.auth_done, 0);
	cpf(PAC, PT_PPP_LCP, PT_CP_TERM_ACK, 3, "");

	CU_ASSERT_EQUAL(nfind, 0);
	if (nfind)
		fprintf(stderr, "\n  clean exchange: %d findings, last: %s\n", nfind, last_msg);
}

static void test_retransmit_and_late_reply(void)
{
	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, pns_lcp);
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, pns_lcp);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].n_retransmit, 1);
	/* a new request after a timeout, then the Ack of the old one arrives late */
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 2, pns_lcp);
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, pns_lcp);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].acked, 0);
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 2, pns_lcp);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].acked, 1);
	CU_ASSERT_EQUAL(nfind, 0);
	/* LCP renegotiation after Opened takes everything down */
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REQ, 1, pac_lcp_none);
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_ACK, 1, pac_lcp_none);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].opened, 1);
	CU_ASSERT_EQUAL(obs.auth_done, 1); /* no authentication negotiated */
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REQ, 2, pac_lcp_none);
	CU_ASSERT(ev.what & PT_PPPEV_CP_DOWN);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].opened, 0);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].acked, 0);
	CU_ASSERT_EQUAL(nfind, 0);
	/* bad direction */
	{
		pt_cursor c = pt_cur(frame, 0);
		CU_ASSERT_EQUAL(pt_pppobs_on_packet(&obs, 2, &c, 0, &sink, &at, &ev), PT_ETRUNC);
		ut_hex("ff03c021 01010004", frame, sizeof frame);
		c = pt_cur(frame, 8);
		CU_ASSERT_EQUAL(pt_pppobs_on_packet(&obs, 2, &c, 0, &sink, &at, &ev), PT_EINVAL);
	}
}

/* ---- each rule from a crafted exchange ---- */

static void test_rules_framing(void)
{
	start();
	CU_ASSERT_EQUAL(rawf(PNS, "ff03c021 0101"), PT_ETRUNC);
	expect_only(PT_R_PPP_FRAME_TRUNCATED, 1);
	clear_findings();
	CU_ASSERT_EQUAL(rawf(PNS, "ff"), PT_ETRUNC);
	expect_only(PT_R_PPP_FRAME_TRUNCATED, 1);
	clear_findings();
	/* a control packet whose Length runs past a frame the capture cut */
	ut_hex("ff03c021 01010020 01040578", frame, sizeof frame);
	CU_ASSERT_EQUAL(feed(PNS, 12, 1), PT_ETRUNC);
	expect_only(PT_R_PPP_FRAME_TRUNCATED, 1);

	start();
	CU_ASSERT_EQUAL(rawf(PNS, "ff02c021 01010004"), PT_EINVAL);
	expect_only(PT_R_PPP_FRAME_BAD_CONTROL, 1);

	start();
	rawf(PNS, "ff03 0020 00");
	expect_only(PT_R_PPP_FRAME_BAD_PROTOCOL, 1);

	start();
	lcp_up(pac_lcp_none);
	clear_findings();
	rawf(PNS, "ff03 1235 00");
	expect_only(PT_R_PPP_FRAME_UNKNOWN_PROTOCOL, 1);

	/* PFC and ACFC before anything was negotiated (plus the phase finding) */
	start();
	rawf(PNS, "ff03 21 4500");
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_PFC_NOT_NEGOTIATED], 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_LCP_NCP_BEFORE_OPEN], 1);
	CU_ASSERT_EQUAL(nfind, 2);
	start();
	rawf(PNS, "0021 4500");
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_ACFC_NOT_NEGOTIATED], 1);
	CU_ASSERT_EQUAL(nfind, 2);
	/* once negotiated, both are fine */
	full_setup();
	clear_findings();
	dataf(PAC, PT_PPP_COMP, 100, 1, 1);
	CU_ASSERT_EQUAL(nfind, 0);

	start();
	rawf(PNS, "c021 01010004");
	expect_only(PT_R_PPP_ACFC_ON_LCP, 1);
	start();
	rawf(PNS, "c021 0b010008 00000000");
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_ACFC_ON_LCP_ECHO], 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_ACFC_ON_LCP], 0);

	full_setup();
	clear_findings();
	dataf(PNS, PT_PPP_COMP, 1401, 0, 0);
	expect_only(PT_R_PPP_MRU_EXCEEDED, 1);
	/* once per call and direction */
	dataf(PNS, PT_PPP_COMP, 1401, 0, 0);
	CU_ASSERT_EQUAL(nfind, 1);
}

static void test_rules_cp_format(void)
{
	start();
	CU_ASSERT_EQUAL(rawf(PNS, "ff03c021 01010003"), PT_EINVAL);
	expect_only(PT_R_PPP_CP_BAD_LENGTH, 1);
	clear_findings();
	/* Length past a frame that was captured whole */
	CU_ASSERT_EQUAL(rawf(PNS, "ff03c021 01010020 01040578"), PT_EINVAL);
	expect_only(PT_R_PPP_CP_BAD_LENGTH, 1);

	start();
	CU_ASSERT_EQUAL(rawf(PNS, "ff03c021 09010006 1234"), PT_EINVAL);
	expect_only(PT_R_PPP_CP_BAD_BODY, 1);

	start();
	cpf(PNS, PT_PPP_LCP, 0x20, 1, "");
	expect_only(PT_R_PPP_CP_UNKNOWN_CODE, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "010305");
	expect_only(PT_R_PPP_CP_OPT_LENGTH, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "5502 0702");
	expect_only(PT_R_PPP_CP_OPT_UNKNOWN, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578 01040578");
	expect_only(PT_R_PPP_CP_OPT_DUPLICATE, 1);
}

static void test_rules_negotiation(void)
{
	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578");
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "010405dc");
	expect_only(PT_R_PPP_CP_ID_NOT_CHANGED, 1);
	/* ... after a Nak, with the Nak'd value */
	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_NAK, 1, "010405dc");
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "010405dc");
	expect_only(PT_R_PPP_CP_ID_NOT_CHANGED, 1);
	/* the same request again after a reply seen here: the reply may have been
	 * lost beyond the capture point, so it is a retransmission */
	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "010305");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, "010305");
	clear_findings();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "010305");
	CU_ASSERT_EQUAL(nfind, 0); /* not even the option length again */
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].n_retransmit, 1);

	start();
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, "01040578");
	expect_only(PT_R_PPP_CP_UNSOLICITED_REPLY, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 2, "01040578");
	expect_only(PT_R_PPP_CP_REPLY_ID, 1);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].acked, 0);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578 0702");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, "010405dc 0702");
	expect_only(PT_R_PPP_CP_ACK_DIFFERS, 1);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].acked, 0);
	clear_findings();
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, "01040578");
	expect_only(PT_R_PPP_CP_ACK_DIFFERS, 1);

	/* Nak appending an option to prompt the peer: allowed, noted */
	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_NAK, 1, "0305c22381");
	expect_only(PT_R_PPP_CP_NAK_UNREQUESTED, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_NAK, 1, "01040578");
	expect_only(PT_R_PPP_CP_NAK_SAME_VALUE, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578 0702");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_NAK, 1, "0702");
	expect_only(PT_R_PPP_CP_NAK_BOOLEAN, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578 050611111111");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_NAK, 1, "050633333333 010405dc");
	expect_only(PT_R_PPP_CP_NAK_REORDERED, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578 0702");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REJ, 1, "010405dc");
	expect_only(PT_R_PPP_CP_REJECT_DIFFERS, 1);
	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578 0702");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REJ, 1, "0702 01040578");
	expect_only(PT_R_PPP_CP_REJECT_DIFFERS, 1);
	/* a proper, in-order subset is fine */
	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "01040578 0702 0802");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REJ, 1, "01040578 0802");
	CU_ASSERT_EQUAL(nfind, 0);

	/* the same option Nak'd round after round */
	start();
	for (int i = 1; i <= PT_PPPOBS_NAK_LOOP + 1; i++) {
		cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, (uint8_t)i, "01040578");
		cpf(PAC, PT_PPP_LCP, PT_CP_CONF_NAK, (uint8_t)i, "010405dc");
		CU_ASSERT_EQUAL(nfind, i <= PT_PPPOBS_NAK_LOOP ? 0 : 1);
	}
	expect_only(PT_R_PPP_CP_NAK_LOOP, 1);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_LCP].side[PNS].n_nak, PT_PPPOBS_NAK_LOOP + 1);

	start();
	lcp_up(pac_lcp_none);
	cpf(PNS, PT_PPP_LCP, PT_CP_TERM_REQ, 2, "");
	cpf(PAC, PT_PPP_LCP, PT_CP_TERM_ACK, 3, "");
	expect_only(PT_R_PPP_CP_TERMACK_ID, 1);

	start();
	lcp_up(pac_lcp_none);
	cpf(PAC, PT_PPP_LCP, PT_CP_CODE_REJ, 4, "20010004");
	expect_only(PT_R_PPP_CP_CODE_REJECT, 1);
}

static void test_rules_lcp(void)
{
	start();
	lcp_up(pac_lcp_none);
	cpf(PAC, PT_PPP_LCP, PT_CP_PROTO_REJ, 3, "80fd 0101000a");
	expect_only(PT_R_PPP_LCP_PROTOCOL_REJECT, 1);
	CU_ASSERT_EQUAL(obs.cp[PT_CPK_CCP].rejected, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_ECHO_REQ, 1, "00000000");
	expect_only(PT_R_PPP_LCP_CODE_NOT_OPENED, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "050600000000");
	expect_only(PT_R_PPP_LCP_MAGIC_ZERO, 1);

	start();
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "050611111111");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_REQ, 1, "050611111111");
	cpf(PAC, PT_PPP_LCP, PT_CP_CONF_ACK, 1, "050611111111");
	cpf(PNS, PT_PPP_LCP, PT_CP_CONF_ACK, 1, "050611111111");
	expect_only(PT_R_PPP_LCP_MAGIC_EQUAL, 1);

	start();
	lcp_up(pac_lcp_none);
	cpf(PNS, PT_PPP_LCP, PT_CP_ECHO_REQ, 1, "33333333");
	expect_only(PT_R_PPP_LCP_ECHO_MAGIC, 1);
	clear_findings();
	cpf(PAC, PT_PPP_LCP, PT_CP_ECHO_REP, 1, "00000000");
	expect_only(PT_R_PPP_LCP_ECHO_MAGIC, 1);

	start();
	lcp_up(pac_lcp_none);
	cpf(PNS, PT_PPP_LCP, PT_CP_DISC_REQ, 1, "22222222");
	expect_only(PT_R_PPP_LCP_ECHO_LOOPED, 1);

	start();
	lcp_up(pac_lcp_none);
	cpf(PNS, PT_PPP_LCP, PT_CP_ECHO_REQ, 1, "11111111");
	cpf(PAC, PT_PPP_LCP, PT_CP_ECHO_REP, 2, "22222222");
	expect_only(PT_R_PPP_LCP_ECHO_ID, 1);

	start();
	cpf(PNS, PT_PPP_IPCP, PT_CP_CONF_REQ, 1, "030600000000");
	expect_only(PT_R_PPP_LCP_NCP_BEFORE_OPEN, 1);
	/* reported once per direction */
	cpf(PNS, PT_PPP_IPCP, PT_CP_CONF_REQ, 2, "030600000000");
	CU_ASSERT_EQUAL(nfind, 1);
}

static void test_rules_auth(void)
{
	uint8_t v[49];

	start();
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	expect_only(PT_R_PPP_AUTH_BEFORE_LCP_OPEN, 1);

	start();
	lcp_up(pac_lcp_v2);
	ut_hex("0475736572 0470617373", v, sizeof v);
	ctl(PNS, PT_PPP_PAP, PT_PAP_AUTH_REQ, 1, v, 10);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_AUTH_PROTOCOL_MISMATCH], 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_PAP_CLEARTEXT], 1);
	CU_ASSERT_EQUAL(nfind, 2);
	/* no authentication negotiated at all */
	start();
	lcp_up(pac_lcp_none);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	expect_only(PT_R_PPP_AUTH_PROTOCOL_MISMATCH, 1);

	start();
	lcp_up(pac_lcp_v2);
	cpf(PNS, PT_PPP_IPCP, PT_CP_CONF_REQ, 1, "030600000000");
	expect_only(PT_R_PPP_AUTH_NCP_BEFORE_AUTH, 1);

	start();
	lcp_up(pac_lcp_v2);
	cpf(PAC, PT_PPP_CHAP, 9, 1, "");
	expect_only(PT_R_PPP_AUTH_UNKNOWN_CODE, 1);

	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	v2_value(v, 0, 0);
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_FAILURE, 7, "E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=bad");
	expect_only(PT_R_PPP_AUTH_FAILURE, 1);
	CU_ASSERT(ev.what & PT_PPPEV_AUTH_RESULT);
	CU_ASSERT_EQUAL(ev.auth_success, 0);
	CU_ASSERT_EQUAL(ev.auth_error, 691);
	CU_ASSERT_EQUAL(obs.auth[PAC].state, PT_PPPOBS_AUTH_FAILURE);
	CU_ASSERT_EQUAL(obs.auth_done, 0);

	/* pppd 2.4.9 says V=0 where RFC 2759 6 wants 3 */
	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_FAILURE, 7, "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=0 M=Access denied");
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAPV2_FAILURE_VERSION], 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_AUTH_FAILURE], 1);
	CU_ASSERT_EQUAL(nfind, 2);

	/* PAP */
	start();
	lcp_up(pac_lcp_pap);
	ut_hex("0475736572 0470617373", v, sizeof v);
	ctl(PNS, PT_PPP_PAP, PT_PAP_AUTH_REQ, 1, v, 10);
	expect_only(PT_R_PPP_PAP_CLEARTEXT, 1);
	CU_ASSERT_EQUAL(memcmp(obs.auth[PAC].name, "user", 4), 0);
	clear_findings();
	cpf(PAC, PT_PPP_PAP, PT_PAP_AUTH_ACK, 2, "00");
	expect_only(PT_R_PPP_PAP_REPLY_ID, 1);
	CU_ASSERT_EQUAL(obs.auth_done, 1);
	start();
	lcp_up(pac_lcp_pap);
	cpf(PNS, PT_PPP_PAP, PT_PAP_AUTH_REQ, 1, "09 7573");
	expect_only(PT_R_PPP_PAP_BAD_FORMAT, 1);
	/* a clean PAP run: only the clear-text warning */
	start();
	lcp_up(pac_lcp_pap);
	ctl(PNS, PT_PPP_PAP, PT_PAP_AUTH_REQ, 1, v, 10);
	cpf(PAC, PT_PPP_PAP, PT_PAP_AUTH_ACK, 1, "00");
	CU_ASSERT(ev.what & PT_PPPEV_AUTH_DONE);
	expect_only(PT_R_PPP_PAP_CLEARTEXT, 1);
}

static void test_rules_chap(void)
{
	uint8_t v[49];

	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 0, "pptpd");
	expect_only(PT_R_PPP_CHAP_BAD_FORMAT, 1);

	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 8, "pptpd");
	expect_only(PT_R_PPP_CHAP_VALUE_SIZE, 1);

	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	v2_value(v, 0, 0);
	chap(PNS, PT_CHAP_RESPONSE, 8, v, 49, "user");
	expect_only(PT_R_PPP_CHAP_RESPONSE_ID, 1);
	clear_findings();
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_SUCCESS, 9, auth_ok_msg);
	expect_only(PT_R_PPP_CHAP_RESULT_ID, 1);

	start();
	lcp_up(pac_lcp_v2);
	v2_value(v, 0, 0);
	chap(PNS, PT_CHAP_RESPONSE, 8, v, 49, "user");
	expect_only(PT_R_PPP_CHAP_UNSOLICITED, 1);
	start();
	lcp_up(pac_lcp_v2);
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_SUCCESS, 9, auth_ok_msg);
	expect_only(PT_R_PPP_CHAP_UNSOLICITED, 1);

	/* MS-CHAPv1 asking for the LM response */
	start();
	lcp_up(pac_lcp_v1);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 8, "");
	memset(v, 0, sizeof v);
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	expect_only(PT_R_PPP_MSCHAPV1_LM_RESPONSE, 1);

	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	v2_value(v, 0xee, 0);
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	expect_only(PT_R_PPP_MSCHAPV2_RESERVED_NONZERO, 1);
	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	v2_value(v, 0, 4);
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	expect_only(PT_R_PPP_MSCHAPV2_FLAGS_NONZERO, 1);

	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	v2_value(v, 0, 0);
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_SUCCESS, 7, "Access granted");
	expect_only(PT_R_PPP_MSCHAPV2_SUCCESS_FORMAT, 1);
	CU_ASSERT_EQUAL(obs.auth[PAC].auth_resp_valid, 0);

	start();
	lcp_up(pac_lcp_v2);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 16, "pptpd");
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_FAILURE, 7, "Access denied");
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAP_FAILURE_FORMAT], 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_AUTH_FAILURE], 1);
	CU_ASSERT_EQUAL(nfind, 2);

	start();
	lcp_up(pac_lcp_v1);
	chap(PAC, PT_CHAP_CHALLENGE, 7, chal16, 8, "");
	v[48] = 1;
	chap(PNS, PT_CHAP_RESPONSE, 7, v, 49, "user");
	ctls(PAC, PT_PPP_CHAP, PT_CHAP_FAILURE, 7, "E=1234 R=0");
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAP_FAILURE_CODE], 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_AUTH_FAILURE], 1);
	CU_ASSERT_EQUAL(nfind, 2);
}

static void test_rules_ccp_mppe(void)
{
	start();
	lcp_up(pac_lcp_v2);
	mschapv2_ok();
	clear_findings();
	dataf(PNS, PT_PPP_COMP, 100, 1, 1);
	expect_only(PT_R_PPP_CCP_DATA_BEFORE_OPEN, 1);

	full_setup();
	clear_findings();
	cpf(PNS, PT_PPP_CCP, PT_CP_RESET_REQ, 5, "");
	cpf(PAC, PT_PPP_CCP, PT_CP_RESET_ACK, 6, "");
	expect_only(PT_R_PPP_CCP_RESET_ACK_ID, 1);

	/* both ends accept all of H+S+L: more than one key length agreed */
	start();
	lcp_up(pac_lcp_v2);
	mschapv2_ok();
	cpf(PAC, PT_PPP_CCP, PT_CP_CONF_REQ, 1, "120601000060");
	cpf(PNS, PT_PPP_CCP, PT_CP_CONF_REQ, 1, "120601000040");
	cpf(PAC, PT_PPP_CCP, PT_CP_CONF_ACK, 1, "120601000040");
	cpf(PNS, PT_PPP_CCP, PT_CP_CONF_ACK, 1, "120601000060");
	CU_ASSERT(ev.what & PT_PPPEV_CCP_OPENED);
	expect_only(PT_R_PPP_CCP_MPPE_BITS, 1);

	/* a frame the caller decrypted out of an MPPE datagram is not cleartext */
	full_setup();
	clear_findings();
	{
		pt_ppp_frame f;
		pt_cursor c;
		int n = ut_hex("21 4500 0014", frame, sizeof frame);
		c = pt_cur(frame, (size_t)n);
		CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_OK);
		f.decrypted = 1;
		CU_ASSERT_EQUAL(pt_pppobs_on_frame(&obs, PNS, &f, &sink, &at, &ev), PT_OK);
		CU_ASSERT_EQUAL(ev.what, PT_PPPEV_DATA);
		CU_ASSERT_EQUAL(nfind, 0);
		CU_ASSERT_EQUAL(obs.n_data[PNS], 0);
	}
	dataf(PNS, PT_PPP_IP, 100, 1, 1);
	expect_only(PT_R_PPP_MPPE_CLEARTEXT_DATA, 1);
	dataf(PNS, PT_PPP_IP, 100, 1, 1);
	CU_ASSERT_EQUAL(nfind, 1);

	/* no CCP at all: IP before IPCP opened */
	start();
	lcp_up(pac_lcp_v2);
	mschapv2_ok();
	clear_findings();
	dataf(PNS, PT_PPP_IP, 100, 1, 1);
	expect_only(PT_R_PPP_NCP_DATA_BEFORE_OPEN, 1);
	/* and data before authentication finished */
	start();
	lcp_up(pac_lcp_v2);
	dataf(PNS, PT_PPP_IP, 100, 1, 1);
	expect_only(PT_R_PPP_AUTH_NCP_BEFORE_AUTH, 1);
}

/* Hostile input: random frames of every protocol, mixed into a live call.
 * ASan/UBSan catch any out-of-bounds read; results stay in the known set. */
static uint32_t rng_state = 0x9e3779b9u;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_random_frames(void)
{
	static const uint16_t protos[] = { PT_PPP_LCP, PT_PPP_CCP, PT_PPP_IPCP, PT_PPP_IPV6CP, PT_PPP_PAP,
					   PT_PPP_CHAP, PT_PPP_IP, PT_PPP_COMP, 0x80fb, 0x0020 };
	int bad = 0;

	for (int round = 0; round < 4; round++) {
		full_setup();
		for (int i = 0; i < 5000; i++) {
			size_t n = 0, len = rng() % 80;
			uint16_t proto = protos[rng() % (sizeof protos / sizeof protos[0])];
			int r;

			if (rng() & 1) {
				frame[n++] = 0xff;
				frame[n++] = 0x03;
			}
			frame[n++] = (uint8_t)(proto >> 8);
			frame[n++] = (uint8_t)proto;
			frame[n++] = (uint8_t)(rng() % 18);        /* code */
			frame[n++] = (uint8_t)rng();               /* id */
			frame[n++] = 0;
			frame[n++] = (uint8_t)(rng() % 90);        /* length, often wrong */
			for (size_t k = 0; k < len; k++)
				frame[n++] = (uint8_t)(rng() % 4 ? rng() % 24 : rng()); /* small values look like options */
			r = feed((int)(rng() & 1), rng() % (n + 1), (int)(rng() & 1));
			if (r != PT_OK && r != PT_ETRUNC && r != PT_EINVAL && r != PT_EUNSUP)
				bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* A capture that starts mid-session (issue 20): the note once, then no finding that only follows from the
 * negotiation being out of the capture; the Echo magic numbers are learnt from the traffic. */
static void test_midsession(void)
{
	pt_ppp_frame f;
	pt_cursor c;

	start();
	CU_ASSERT_EQUAL(ut_hex("21 45 00 00 14 00 00 00 00 40 01 00 00 0a 00 00 02 0a 00 00 01", frame, sizeof frame), 21);
	c = pt_cur(frame, 21);
	CU_ASSERT_FATAL(pt_ppp_parse(&c, &f) == PT_OK);
	CU_ASSERT(!pt_pppobs_link_start(&f));
	pt_pppobs_assume_open(&obs, PNS, &f, &sink, &at);
	pt_pppobs_assume_open(&obs, PNS, &f, &sink, &at); /* once per call */
	expect_only(PT_R_PPP_NEGOTIATION_NOT_CAPTURED, 1);
	CU_ASSERT(pt_pppobs_lcp_assumed(&obs));
	clear_findings();
	/* ACFC and PFC, IP before any IPCP seen, an 0x00FD frame before any CCP seen: all quiet */
	CU_ASSERT_EQUAL(feed(PNS, 21, 0), PT_OK);
	CU_ASSERT_EQUAL(rawf(PAC, "fd 90 00 11 22 33 44"), PT_OK);
	/* Echo-Request and Reply with each side's magic: learnt, not "expected 0" */
	CU_ASSERT_EQUAL(rawf(PNS, "ff 03 c0 21 09 05 00 08 11 22 33 44"), PT_OK);
	CU_ASSERT_EQUAL(rawf(PAC, "ff 03 c0 21 0a 05 00 08 55 66 77 88"), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);
	/* ... and used: the PAC sending the PNS's magic is a looped-back link */
	CU_ASSERT_EQUAL(rawf(PAC, "ff 03 c0 21 09 06 00 08 11 22 33 44"), PT_OK);
	expect_only(PT_R_PPP_LCP_ECHO_LOOPED, 1);
	/* a renegotiation is checked as usual */
	clear_findings();
	CU_ASSERT_EQUAL(rawf(PNS, "ff 03 c0 21 01 01 00 0a 05 06 11 22 33 44"), PT_OK);
	CU_ASSERT(!obs.cp[PT_CPK_LCP].opened);
	CU_ASSERT_EQUAL(rawf(PNS, "21 45 00 00 14 00 00 00 00 40 01 00 00 0a 00 00 02 0a 00 00 01"), PT_OK);
	CU_ASSERT(rule_count[PT_R_PPP_LCP_NCP_BEFORE_OPEN] == 1);
}


/* pt_pppobs_data_quiet against pt_pppobs_on_frame: in every state random frames lead to (none, LCP only, LCP and
 * authentication, everything up, mid-session), where the quiet path takes a frame the full observer reports nothing
 * on it, its event is PT_PPPEV_DATA alone with the frame's payload and the observer ends up the same, octet for
 * octet; where it does not take one it changes nothing. */
static void test_data_quiet_as_on_frame(void)
{
	static const uint16_t protos[] = { PT_PPP_IP, PT_PPP_COMP, PT_PPP_IP, PT_PPP_COMP, PT_PPP_LCP, PT_PPP_CCP,
					   PT_PPP_IPCP, 0x0057 };
	int taken = 0, left = 0, bad = 0;

	for (int round = 0; round < 10; round++) {
		start();
		if (round % 5 >= 1)
			lcp_up(round & 1 ? pac_lcp_v2 : pac_lcp_none);
		if (round % 5 >= 2 && (round & 1))
			mschapv2_ok();
		if (round % 5 >= 3)
			ccp_up();
		if (round % 5 >= 4)
			ipcp_up();
		for (int i = 0; i < 3000; i++) {
			size_t n = 0, len = rng() % 1700;
			uint16_t proto = protos[rng() % (sizeof protos / sizeof protos[0])];
			int dir = (int)(rng() & 1), q;
			pt_pppobs before, quiet;
			pt_ppp_frame f;
			pt_cursor c;

			if (rng() % 4) {
				frame[n++] = 0xff;
				frame[n++] = 0x03;
			}
			if (proto >= 0x100 || rng() % 4)
				frame[n++] = (uint8_t)(proto >> 8);
			frame[n++] = (uint8_t)proto;
			for (size_t k = 0; k < len; k++)
				frame[n++] = (uint8_t)(rng() % 24);
			c = pt_cur(frame, n);
			if (pt_ppp_parse(&c, &f) != PT_OK)
				continue;
			f.truncated = (rng() % 8) == 0;
			before = obs;
			quiet = obs;
			q = pt_pppobs_data_quiet(&quiet, dir, &f);
			clear_findings();
			(void)pt_pppobs_on_frame(&obs, dir, &f, &sink, &at, &ev);
			if (q) {
				taken++;
				if (nfind || ev.what != PT_PPPEV_DATA || ev.proto != f.proto || ev.payload.p != f.info.p ||
				    ev.payload.end != f.info.end || memcmp(&quiet, &obs, sizeof obs) != 0)
					bad++;
			} else {
				left++;
				if (memcmp(&quiet, &before, sizeof before) != 0)
					bad++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(taken > 1000);
	CU_ASSERT(left > 1000);
}
/* Registered last: every rule of rules_ppp.def was produced by some exchange above. */
static void test_every_ppp_rule_triggered(void)
{
	int n = 0;

	for (int i = 0; i < PT_R__COUNT; i++) {
		const pt_rule *r = pt_rule_get(i);
		if (strncmp(r->id, "ppp.", 4) != 0)
			continue;
		n++;
		if (!rule_ever[i])
			fprintf(stderr, "\n  rule %s never triggered\n", r->id);
		CU_ASSERT(rule_ever[i] > 0);
	}
	CU_ASSERT(n >= 50);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("pppobs", NULL, NULL);
	UT_ADD(s, test_clean_exchange);
	UT_ADD(s, test_retransmit_and_late_reply);
	UT_ADD(s, test_rules_framing);
	UT_ADD(s, test_rules_cp_format);
	UT_ADD(s, test_rules_negotiation);
	UT_ADD(s, test_rules_lcp);
	UT_ADD(s, test_rules_auth);
	UT_ADD(s, test_rules_chap);
	UT_ADD(s, test_rules_ccp_mppe);
	UT_ADD(s, test_random_frames);
	UT_ADD(s, test_data_quiet_as_on_frame);
	UT_ADD(s, test_midsession);
	UT_ADD(s, test_every_ppp_rule_triggered);
}
