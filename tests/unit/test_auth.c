/* test_auth.c: PAP, CHAP, MS-CHAPv1 and MS-CHAPv2 packets and message strings: known packets, round trips, truncation, hostile fields. */
#include <string.h>

#include "auth.h"
#include "ppp.h"
#include "ut.h"

static int nfind;
static int rule_count[PT_R__COUNT];

static void sink_fn(void *user, const pt_finding *f)
{
	(void)user;
	nfind++;
	if (f->rule >= 0 && f->rule < PT_R__COUNT)
		rule_count[f->rule]++;
}

static const pt_sink sink = { sink_fn, NULL };

static void reset_sink(void)
{
	nfind = 0;
	memset(rule_count, 0, sizeof rule_count);
}

/* Raw packet assembly, independent of the builders under test. */
typedef struct pkt {
	uint8_t b[700];
	size_t n;
} pkt;

static void p_begin(pkt *p, uint8_t code, uint8_t id)
{
	p->n = 0;
	p->b[p->n++] = code;
	p->b[p->n++] = id;
	p->b[p->n++] = 0;
	p->b[p->n++] = 0;
}

static void p_put(pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void p_u8(pkt *p, uint8_t v)
{
	p->b[p->n++] = v;
}

static void p_str(pkt *p, const char *s)
{
	p_put(p, s, strlen(s));
}

static void p_end(pkt *p)
{
	p->b[2] = (uint8_t)(p->n >> 8);
	p->b[3] = (uint8_t)p->n;
}

static int parse(uint16_t proto, uint8_t alg, const pkt *p, size_t len, pt_auth_msg *m)
{
	pt_cursor c = pt_cur(p->b, len);
	m->alg = alg;
	return pt_auth_parse(proto, &c, m, &sink, NULL);
}

/* parse, rebuild from the struct, compare; every shorter capture is truncated and silent */
static void roundtrip(uint16_t proto, uint8_t alg, const pkt *p)
{
	pt_auth_msg m;
	uint8_t out[700];
	pt_writer w = pt_wr(out, sizeof out);

	reset_sink();
	CU_ASSERT_EQUAL(parse(proto, alg, p, p->n, &m), PT_OK);
	CU_ASSERT_EQUAL(pt_auth_build(&m, &w), PT_OK);
	reset_sink(); /* findings of the whole packet were checked by the caller */
	CU_ASSERT_EQUAL(pt_wlen(&w), p->n);
	CU_ASSERT_EQUAL(memcmp(out, p->b, p->n), 0);
	for (size_t len = 0; len < p->n; len++) {
		int r = parse(proto, alg, p, len, &m);
		CU_ASSERT_EQUAL(r, PT_ETRUNC);
	}
	CU_ASSERT_EQUAL(nfind, 0);
}

static void mk_pap_req(pkt *p, const char *user, const char *pw)
{
	p_begin(p, PT_PAP_AUTH_REQ, 5);
	p_u8(p, (uint8_t)strlen(user));
	p_str(p, user);
	p_u8(p, (uint8_t)strlen(pw));
	p_str(p, pw);
	p_end(p);
}

static void test_pap(void)
{
	pkt p;
	pt_auth_msg m;

	/* RFC 1334 2.2.1: 01 05 00 0e 04 "user" 04 "pass" */
	mk_pap_req(&p, "user", "pass");
	CU_ASSERT_EQUAL(p.n, 14);
	CU_ASSERT_EQUAL(p.b[3], 0x0e);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_PAP, 0, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(m.code, PT_PAP_AUTH_REQ);
	CU_ASSERT_EQUAL(m.id, 5);
	CU_ASSERT_EQUAL(pt_left(&m.peer_id), 4);
	CU_ASSERT_EQUAL(memcmp(m.peer_id.p, "user", 4), 0);
	CU_ASSERT_EQUAL(pt_off(&m.peer_id), 5);
	CU_ASSERT_EQUAL(pt_left(&m.password), 4);
	CU_ASSERT_EQUAL(pt_off(&m.password), 10);
	CU_ASSERT_EQUAL(nfind, 0);
	roundtrip(PT_PPP_PAP, 0, &p);

	/* empty peer-id and password are legal */
	mk_pap_req(&p, "", "");
	roundtrip(PT_PPP_PAP, 0, &p);

	/* Ack with a message, Nak with an empty one */
	p_begin(&p, PT_PAP_AUTH_ACK, 5);
	p_u8(&p, 2);
	p_str(&p, "OK");
	p_end(&p);
	roundtrip(PT_PPP_PAP, 0, &p);
	p_begin(&p, PT_PAP_AUTH_NAK, 5);
	p_u8(&p, 0);
	p_end(&p);
	roundtrip(PT_PPP_PAP, 0, &p);

	/* an Ack without Msg-Length is taken as empty (as pppd does) */
	p_begin(&p, PT_PAP_AUTH_ACK, 5);
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_PAP, 0, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(pt_left(&m.message), 0);
	CU_ASSERT_EQUAL(nfind, 0);

	/* Peer-ID-Length past a complete Length: invalid, reported */
	p_begin(&p, PT_PAP_AUTH_REQ, 6);
	p_u8(&p, 10);
	p_str(&p, "user");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_PAP, 0, &p, p.n, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_PAP_BAD_FORMAT], 1);
	/* Msg-Length past the Length */
	p_begin(&p, PT_PAP_AUTH_NAK, 6);
	p_u8(&p, 9);
	p_str(&p, "no");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_PAP, 0, &p, p.n, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_PAP_BAD_FORMAT], 1);
	/* Length below 4 */
	p_begin(&p, PT_PAP_AUTH_REQ, 6);
	p.b[3] = 3;
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_PAP, 0, &p, 4, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_PAP_BAD_FORMAT], 1);
	/* unknown code */
	p_begin(&p, 9, 1);
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_PAP, 0, &p, p.n, &m), PT_EUNSUP);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_AUTH_UNKNOWN_CODE], 1);
	/* not an authentication protocol */
	CU_ASSERT_EQUAL(parse(PT_PPP_LCP, 0, &p, p.n, &m), PT_EUNSUP);
}

static void mk_chap(pkt *p, uint8_t code, uint8_t id, const uint8_t *val, size_t vlen, const char *name)
{
	p_begin(p, code, id);
	p_u8(p, (uint8_t)vlen);
	p_put(p, val, vlen);
	p_str(p, name);
	p_end(p);
}

static void fill(uint8_t *b, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(first + i);
}

static void test_chap_md5(void)
{
	pkt p;
	pt_auth_msg m;
	uint8_t v[32];

	fill(v, 16, 0xa0);
	/* RFC 1994 4.1 Challenge with a 16-octet value and the name "pptpd" */
	mk_chap(&p, PT_CHAP_CHALLENGE, 0x21, v, 16, "pptpd");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(pt_left(&m.value), 16);
	CU_ASSERT_EQUAL(pt_off(&m.value), 5);
	CU_ASSERT_EQUAL(pt_left(&m.name), 5);
	CU_ASSERT_EQUAL(memcmp(m.name.p, "pptpd", 5), 0);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p);
	/* an MD5 challenge may have any size */
	mk_chap(&p, PT_CHAP_CHALLENGE, 0x21, v, 7, "x");
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p);
	/* the Response is an MD5 hash: 16 octets */
	mk_chap(&p, PT_CHAP_RESPONSE, 0x21, v, 16, "user");
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p);
	mk_chap(&p, PT_CHAP_RESPONSE, 0x21, v, 8, "user");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_CHAP_VALUE_SIZE], 1);
	/* Value-Size 0 */
	mk_chap(&p, PT_CHAP_CHALLENGE, 0x21, v, 0, "x");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p, p.n, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_CHAP_BAD_FORMAT], 1);
	/* Value-Size past the Length */
	mk_chap(&p, PT_CHAP_CHALLENGE, 0x21, v, 4, "");
	p.b[4] = 40;
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p, p.n, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_CHAP_BAD_FORMAT], 1);
	/* Success/Failure: plain messages */
	p_begin(&p, PT_CHAP_SUCCESS, 0x21);
	p_str(&p, "Welcome");
	p_end(&p);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p);
	p_begin(&p, PT_CHAP_FAILURE, 0x21);
	p_end(&p);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p);
	/* code 7 is not CHAP-MD5 */
	p_begin(&p, PT_MSCHAPV2_CHANGE_PW, 1);
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MD5, &p, p.n, &m), PT_EUNSUP);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_AUTH_UNKNOWN_CODE], 1);
}

static void mk_v2_response(pkt *p, uint8_t id, uint8_t reserved_fill, uint8_t flags)
{
	uint8_t v[49];

	fill(v, 16, 0x21);                 /* Peer-Challenge */
	memset(v + 16, reserved_fill, 8);  /* Reserved */
	fill(v + 24, 24, 0x41);            /* NT-Response */
	v[48] = flags;
	mk_chap(p, PT_CHAP_RESPONSE, id, v, sizeof v, "user");
}

static void test_mschapv2_packets(void)
{
	pkt p;
	pt_auth_msg m, m2;
	uint8_t v[16], out[128];
	pt_writer w;

	/* RFC 2759 3: 16-octet challenge */
	fill(v, 16, 0x10);
	mk_chap(&p, PT_CHAP_CHALLENGE, 0x5c, v, 16, "pptpd");
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p);
	mk_chap(&p, PT_CHAP_CHALLENGE, 0x5c, v, 8, "pptpd");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_CHAP_VALUE_SIZE], 1);

	/* RFC 2759 4: 49-octet Response, views at the right offsets */
	mk_v2_response(&p, 0x5c, 0, 0);
	CU_ASSERT_EQUAL(p.n, 4 + 1 + 49 + 4);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_EQUAL(m.ms_valid, 1);
	CU_ASSERT_PTR_EQUAL(m.peer_chal, &p.b[5]);
	CU_ASSERT_PTR_EQUAL(m.reserved, &p.b[21]);
	CU_ASSERT_PTR_EQUAL(m.nt_resp, &p.b[29]);
	CU_ASSERT_EQUAL(m.peer_chal[0], 0x21);
	CU_ASSERT_EQUAL(m.nt_resp[23], 0x41 + 23);
	CU_ASSERT_EQUAL(m.flags, 0);
	CU_ASSERT_EQUAL(memcmp(m.name.p, "user", 4), 0);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p);
	/* the builder composes the value from the views when asked (conformance peer) */
	m2 = m;
	m2.value = pt_cur(out, 0);
	m2.reserved = NULL;
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_auth_build(&m2, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), p.n);
	CU_ASSERT_EQUAL(memcmp(out, p.b, p.n), 0);

	/* reserved octets and flags must be zero */
	mk_v2_response(&p, 0x5c, 0x01, 0);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAPV2_RESERVED_NONZERO], 1);
	CU_ASSERT_EQUAL(nfind, 1);
	mk_v2_response(&p, 0x5c, 0, 0x01);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAPV2_FLAGS_NONZERO], 1);
	CU_ASSERT_EQUAL(nfind, 1);
	/* wrong response size: reported, no views */
	mk_chap(&p, PT_CHAP_RESPONSE, 0x5c, v, 16, "user");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_CHAP_VALUE_SIZE], 1);
	CU_ASSERT_EQUAL(m.ms_valid, 0);
}

static void test_mschapv1_packets(void)
{
	pkt p;
	pt_auth_msg m;
	uint8_t v[49];

	fill(v, 8, 0x70);
	mk_chap(&p, PT_CHAP_CHALLENGE, 3, v, 8, "");
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p);
	/* RFC 2433 6: LM 24 (zero, as pppd sends), NT 24, use-NT flag 1 */
	memset(v, 0, 24);
	fill(v + 24, 24, 0x30);
	v[48] = 1;
	mk_chap(&p, PT_CHAP_RESPONSE, 3, v, 49, "DOMAIN\\user");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_EQUAL(m.ms_valid, 1);
	CU_ASSERT_PTR_EQUAL(m.lm_resp, &p.b[5]);
	CU_ASSERT_PTR_EQUAL(m.nt_resp, &p.b[29]);
	CU_ASSERT_EQUAL(m.flags, 1);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p);
	/* flag 0 asks for the LAN Manager response */
	v[48] = 0;
	mk_chap(&p, PT_CHAP_RESPONSE, 3, v, 49, "user");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAPV1_LM_RESPONSE], 1);
	/* 16-octet challenge is wrong for v1 */
	mk_chap(&p, PT_CHAP_CHALLENGE, 3, v, 16, "");
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_CHAP_VALUE_SIZE], 1);
	/* v1 Success carries plain text (no S=), no finding */
	p_begin(&p, PT_CHAP_SUCCESS, 3);
	p_str(&p, "Access granted");
	p_end(&p);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p);
	/* v1 change-password codes are kept opaque */
	p_begin(&p, PT_MSCHAPV1_CHANGE_PW2, 4);
	p_str(&p, "opaque");
	p_end(&p);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p);
}

static const char auth_hex40[] = "0123456789ABCDEF0123456789ABCDEF01234567";

static int success_msg(const char *s, pt_mschapv2_success *out)
{
	pt_cursor c = pt_cur(s, strlen(s));
	return pt_mschapv2_success_parse(&c, out);
}

static void test_mschapv2_success_strings(void)
{
	pt_mschapv2_success s;
	char buf[128];
	uint8_t out[128];
	pt_writer w;
	static const uint8_t ar[20] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23,
					0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67 };

	/* pppd: "S=<40 hex> M=Access granted" */
	snprintf(buf, sizeof buf, "S=%s M=Access granted", auth_hex40);
	CU_ASSERT_EQUAL(success_msg(buf, &s), PT_OK);
	CU_ASSERT_EQUAL(memcmp(s.auth_resp, ar, 20), 0);
	CU_ASSERT_EQUAL(s.lowercase, 0);
	CU_ASSERT_EQUAL(s.has_text, 1);
	CU_ASSERT_EQUAL(pt_left(&s.text), 14);
	CU_ASSERT_EQUAL(pt_left(&s.auth_string), 42);
	/* S= alone */
	snprintf(buf, sizeof buf, "S=%s", auth_hex40);
	CU_ASSERT_EQUAL(success_msg(buf, &s), PT_OK);
	CU_ASSERT_EQUAL(s.has_text, 0);
	/* lowercase: parsed, flagged */
	CU_ASSERT_EQUAL(success_msg("S=0123456789abcdef0123456789abcdef01234567", &s), PT_OK);
	CU_ASSERT_EQUAL(s.lowercase, 1);
	/* malformed */
	CU_ASSERT_EQUAL(success_msg("S=0123", &s), PT_EINVAL);
	CU_ASSERT_EQUAL(success_msg("Access granted", &s), PT_EINVAL);
	CU_ASSERT_EQUAL(success_msg("S=0123456789ABCDEF0123456789ABCDEF0123456G", &s), PT_EINVAL);
	snprintf(buf, sizeof buf, "S=%sX", auth_hex40);
	CU_ASSERT_EQUAL(success_msg(buf, &s), PT_EINVAL);
	snprintf(buf, sizeof buf, "S=%s Mx", auth_hex40);
	CU_ASSERT_EQUAL(success_msg(buf, &s), PT_EINVAL);
	CU_ASSERT_EQUAL(success_msg("", &s), PT_EINVAL);

	/* builder: uppercase hex, optional text */
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_mschapv2_success_build(&w, ar, "Access granted"), PT_OK);
	snprintf(buf, sizeof buf, "S=%s M=Access granted", auth_hex40);
	CU_ASSERT_EQUAL(pt_wlen(&w), strlen(buf));
	CU_ASSERT_EQUAL(memcmp(out, buf, strlen(buf)), 0);
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_mschapv2_success_build(&w, ar, NULL), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 42);
	w = pt_wr(out, 10);
	CU_ASSERT_EQUAL(pt_mschapv2_success_build(&w, ar, NULL), PT_ENOSPC);
}

static int failure_msg(const char *s, int v2, pt_mschap_failure *f)
{
	pt_cursor c = pt_cur(s, strlen(s));
	return pt_mschap_failure_parse(&c, v2, f);
}

static void test_mschap_failure_strings(void)
{
	pt_mschap_failure f, g;
	uint8_t out[160];
	pt_writer w;
	pt_cursor c;

	/* pppd's v2 failure */
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 C=00112233445566778899aabbccddeeff V=0 M=Access denied", 1, &f), PT_OK);
	CU_ASSERT_EQUAL(f.error, 691);
	CU_ASSERT_EQUAL(f.retry, 1);
	CU_ASSERT_EQUAL(f.has_challenge, 1);
	CU_ASSERT_EQUAL(f.challenge_len, 16);
	CU_ASSERT_EQUAL(f.challenge[15], 0xff);
	CU_ASSERT_EQUAL(f.has_version, 1);
	CU_ASSERT_EQUAL(f.version, 0);
	CU_ASSERT_EQUAL(f.has_text, 1);
	CU_ASSERT_EQUAL(pt_left(&f.text), 13);
	/* Windows: V=3, empty M= */
	CU_ASSERT_EQUAL(failure_msg("E=648 R=0 C=FFEEDDCCBBAA99887766554433221100 V=3 M=", 1, &f), PT_OK);
	CU_ASSERT_EQUAL(f.error, 648);
	CU_ASSERT_EQUAL(f.version, 3);
	CU_ASSERT_EQUAL(pt_left(&f.text), 0);
	/* without M= (text is optional) */
	CU_ASSERT_EQUAL(failure_msg("E=691 R=0 C=FFEEDDCCBBAA99887766554433221100 V=3", 1, &f), PT_OK);
	CU_ASSERT_EQUAL(f.has_text, 0);
	/* v2: C is mandatory and exactly 32 digits; V is part of the form */
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 V=3 M=x", 1, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 C=00112233445566778899aabbccddee V=3", 1, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 C=00112233445566778899aabbccddeeff00 V=3", 1, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 C=00112233445566778899aabbccddeeff M=x", 1, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 C=00112233445566778899aabbccddeeff V=3 junk", 1, &f), PT_EINVAL);
	/* E and R forms */
	CU_ASSERT_EQUAL(failure_msg("E=abc R=1", 0, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E= R=1", 0, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E=691 R=2", 0, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E=691", 0, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("E=99999999999 R=0", 0, &f), PT_EINVAL);
	CU_ASSERT_EQUAL(failure_msg("Access denied", 0, &f), PT_EINVAL);
	/* RFC 2433 8: v1, C (16 digits) and V optional, unknown text ignored */
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 C=0011223344556677 V=0", 0, &f), PT_OK);
	CU_ASSERT_EQUAL(f.challenge_len, 8);
	CU_ASSERT_EQUAL(f.challenge[7], 0x77);
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1", 0, &f), PT_OK);
	CU_ASSERT_EQUAL(f.has_challenge, 0);
	CU_ASSERT_EQUAL(f.has_version, 0);
	CU_ASSERT_EQUAL(failure_msg("E=647 R=0 X=whatever", 0, &f), PT_OK);
	CU_ASSERT_EQUAL(f.error, 647);
	CU_ASSERT_EQUAL(failure_msg("E=691 R=1 C=00112233 V=0", 0, &f), PT_EINVAL);

	/* builder and parse agree */
	memset(&f, 0, sizeof f);
	f.error = 691;
	f.retry = 1;
	f.has_challenge = 1;
	f.challenge_len = 16;
	fill(f.challenge, 16, 0xf0);
	f.has_version = 1;
	f.version = 3;
	f.has_text = 1;
	f.text = pt_cur("Access denied", 13);
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_mschap_failure_build(&w, &f), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), strlen("E=691 R=1 C=F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF V=3 M=Access denied"));
	CU_ASSERT_EQUAL(memcmp(out, "E=691 R=1 C=F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF V=3 M=Access denied", pt_wlen(&w)), 0);
	c = pt_cur(out, pt_wlen(&w));
	CU_ASSERT_EQUAL(pt_mschap_failure_parse(&c, 1, &g), PT_OK);
	CU_ASSERT_EQUAL(g.error, 691);
	CU_ASSERT_EQUAL(memcmp(g.challenge, f.challenge, 16), 0);
	CU_ASSERT_EQUAL(g.version, 3);
	/* v1 minimal */
	memset(&f, 0, sizeof f);
	f.error = 0;
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_mschap_failure_build(&w, &f), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 7);
	CU_ASSERT_EQUAL(memcmp(out, "E=0 R=0", 7), 0);
	/* error code names */
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_mschap_error_vs, 691), "ERROR_AUTHENTICATION_FAILURE");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_mschap_error_vs, 646), "ERROR_RESTRICTED_LOGON_HOURS");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_mschap_error_vs, 709), "ERROR_CHANGING_PASSWORD");
	CU_ASSERT_PTR_NULL(pt_vs_name(pt_mschap_error_vs, 692));
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_chap_alg_vs, 0x81), "MS-CHAPv2");
}

static void test_mschap_result_packets(void)
{
	pkt p;
	pt_auth_msg m;
	char buf[128];

	snprintf(buf, sizeof buf, "S=%s M=Access granted", auth_hex40);
	p_begin(&p, PT_CHAP_SUCCESS, 0x5c);
	p_str(&p, buf);
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(m.success_ok, 1);
	CU_ASSERT_EQUAL(m.success.auth_resp[19], 0x67);
	CU_ASSERT_EQUAL(pt_off(&m.success.auth_string), 4);
	CU_ASSERT_EQUAL(nfind, 0);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p);
	/* malformed and lowercase Success */
	p_begin(&p, PT_CHAP_SUCCESS, 0x5c);
	p_str(&p, "Access granted");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(m.success_ok, 0);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAPV2_SUCCESS_FORMAT], 1);
	p_begin(&p, PT_CHAP_SUCCESS, 0x5c);
	p_str(&p, "S=0123456789abcdef0123456789abcdef01234567");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(m.success_ok, 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAPV2_SUCCESS_FORMAT], 1);

	/* Failure */
	p_begin(&p, PT_CHAP_FAILURE, 0x5c);
	p_str(&p, "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=0 M=Access denied");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(m.failure_ok, 1);
	CU_ASSERT_EQUAL(m.failure.error, 691);
	/* pppd's V=0: RFC 2759 6 says the version SHOULD be 3 */
	CU_ASSERT_EQUAL(nfind, 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAPV2_FAILURE_VERSION], 1);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p);
	p_begin(&p, PT_CHAP_FAILURE, 0x5c);
	p_str(&p, "E=691 R=1 M=Access denied");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(m.failure_ok, 0);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAP_FAILURE_FORMAT], 1);
	p_begin(&p, PT_CHAP_FAILURE, 0x5c);
	p_str(&p, "E=999 R=0");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, &p, p.n, &m), PT_OK);
	CU_ASSERT_EQUAL(m.failure_ok, 1);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_MSCHAP_FAILURE_CODE], 1);
	/* a truncated Failure is not a format error */
	p_begin(&p, PT_CHAP_FAILURE, 0x5c);
	p_str(&p, "E=691 R=1 C=00112233445566778899AABBCCDDEEFF V=0 M=Access denied");
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, 20, &m), PT_ETRUNC);
	CU_ASSERT_EQUAL(nfind, 0);
}

static void test_mschapv2_change_password(void)
{
	pkt p;
	pt_auth_msg m;
	uint8_t blk[516];

	/* RFC 2759 7: Length 586, Identifier = Failure id + 1 */
	p_begin(&p, PT_MSCHAPV2_CHANGE_PW, 0x5d);
	fill(blk, sizeof blk, 0);
	p_put(&p, blk, 516);
	fill(blk, 16, 0x80);
	p_put(&p, blk, 16);
	fill(blk, 16, 0x90);
	p_put(&p, blk, 16);
	memset(blk, 0, 8);
	p_put(&p, blk, 8);
	fill(blk, 24, 0xa0);
	p_put(&p, blk, 24);
	p_u8(&p, 0);
	p_u8(&p, 0);
	p_end(&p);
	CU_ASSERT_EQUAL(p.n, PT_AUTH_MSV2_CHPW_LEN);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_OK);
	CU_ASSERT_PTR_EQUAL(m.enc_password, &p.b[4]);
	CU_ASSERT_PTR_EQUAL(m.enc_hash, &p.b[520]);
	CU_ASSERT_PTR_EQUAL(m.peer_chal, &p.b[536]);
	CU_ASSERT_PTR_EQUAL(m.nt_resp, &p.b[560]);
	CU_ASSERT_EQUAL(m.chpw_flags, 0);
	roundtrip(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p);
	/* short */
	p.n = 500;
	p_end(&p);
	reset_sink();
	CU_ASSERT_EQUAL(parse(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, &p, p.n, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(rule_count[PT_R_PPP_CHAP_BAD_FORMAT], 1);
}

static void test_auth_build_limits(void)
{
	pt_auth_msg m;
	uint8_t out[600], big[300];
	pt_writer w = pt_wr(out, sizeof out);

	memset(&m, 0, sizeof m);
	memset(big, 'a', sizeof big);
	m.proto = PT_PPP_PAP;
	m.code = PT_PAP_AUTH_REQ;
	m.peer_id = pt_cur(big, 256); /* one octet too long for Peer-ID-Length */
	CU_ASSERT_EQUAL(pt_auth_build(&m, &w), PT_EINVAL);
	m.proto = PT_PPP_LCP;
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_auth_build(&m, &w), PT_EUNSUP);
	m.proto = PT_PPP_CHAP;
	m.code = PT_CHAP_CHALLENGE;
	m.value = pt_cur(big, 16);
	w = pt_wr(out, 10);
	CU_ASSERT_EQUAL(pt_auth_build(&m, &w), PT_ENOSPC);
}

static uint32_t rng_state = 0x2545f491u;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Random packets and message strings for every algorithm: no crash, no
 * out-of-bounds read (ASan), results in the known set; Success/Failure
 * strings built from hex/digit-heavy alphabets reach the deep parser paths. */
static void test_auth_random(void)
{
	static const uint8_t algs[] = { 0, PT_CHAP_ALG_MD5, PT_CHAP_ALG_MSCHAPV1, PT_CHAP_ALG_MSCHAPV2 };
	static const char alpha[] = "ERCVMS= 0123456789ABCDEFabcdef";
	int bad = 0;

	for (int i = 0; i < 30000; i++) {
		pkt p;
		pt_auth_msg m;
		size_t n = rng() % 90;
		int r;

		p.b[0] = (uint8_t)(rng() % 9);
		p.b[1] = (uint8_t)rng();
		p.b[2] = 0;
		p.b[3] = (uint8_t)(rng() % 100);
		for (size_t k = 4; k < 4 + n; k++)
			p.b[k] = (rng() & 1) ? (uint8_t)alpha[rng() % (sizeof alpha - 1)] : (uint8_t)(rng() % 60);
		if (rng() % 3 == 0) /* a well-formed "E=" or "S=" start */
			memcpy(p.b + 4, (rng() & 1) ? "E=691 R=1 C=" : "S=0123456789", 12);
		reset_sink();
		r = parse((rng() & 1) ? PT_PPP_CHAP : PT_PPP_PAP, algs[rng() % 4], &p, 4 + n, &m);
		if (r != PT_OK && r != PT_ETRUNC && r != PT_EINVAL && r != PT_EUNSUP)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("auth", NULL, NULL);
	UT_ADD(s, test_pap);
	UT_ADD(s, test_chap_md5);
	UT_ADD(s, test_mschapv2_packets);
	UT_ADD(s, test_mschapv1_packets);
	UT_ADD(s, test_mschapv2_success_strings);
	UT_ADD(s, test_mschap_failure_strings);
	UT_ADD(s, test_mschap_result_packets);
	UT_ADD(s, test_mschapv2_change_password);
	UT_ADD(s, test_auth_build_limits);
	UT_ADD(s, test_auth_random);
}
