/* test_authpeer.c: client against server for PAP, CHAP-MD5, MS-CHAPv1, MS-CHAPv2 (RFC 1334, RFC 1994, RFC 2433, RFC 2759), wrong passwords, forged S=, the RFC 2759 9.2 / RFC 2433 B responses and RFC 3079 2.5 / 3.5 start keys from vectors/. */
#include <string.h>

#include "auth.h"
#include "authpeer.h"
#include "cursor.h"
#include "mppe.h"
#include "ut.h"

static const int methods[] = { PT_AUTHM_PAP, PT_AUTHM_CHAP_MD5, PT_AUTHM_MSCHAPV1, PT_AUTHM_MSCHAPV2 };

static const uint8_t chal16[16] = { 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
				    0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f };
static const uint8_t pchal16[16] = { 0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
				     0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f };

/* Packets of the last exchange, as sent: [0] client, [1] server. */
static uint8_t sent[2][8][PT_AUTHPEER_MAX_PKT];
static size_t sent_len[2][8];
static int nsent[2];

static void note(int who, const uint8_t *b, size_t n)
{
	if (nsent[who] < 8) {
		memcpy(sent[who][nsent[who]], b, n);
		sent_len[who][nsent[who]++] = n;
	}
}

/* Run one exchange to its end; the server speaks first for CHAP, the client for PAP. */
static void exchange(pt_authpeer *c, pt_authpeer *s)
{
	uint8_t b[PT_AUTHPEER_MAX_PKT], o[PT_AUTHPEER_MAX_PKT];
	uint16_t proto = pt_authpeer_proto(c->method);
	pt_writer w = pt_wr(b, sizeof b);
	int from, rc;

	nsent[0] = nsent[1] = 0;
	rc = pt_authpeer_start(s, 7, &w);
	CU_ASSERT(rc >= 0);
	from = 1;
	if (rc == 0) {
		w = pt_wr(b, sizeof b);
		rc = pt_authpeer_start(c, 7, &w);
		CU_ASSERT_EQUAL(rc, 1);
		from = 0;
	} else {
		CU_ASSERT_EQUAL(pt_authpeer_start(c, 7, &(pt_writer){ 0 }), 0);
	}
	for (int step = 0; rc == 1 && step < 6; step++) {
		size_t n = pt_wlen(&w);
		pt_writer ow = pt_wr(o, sizeof o);

		note(from, b, n);
		rc = pt_authpeer_input(from ? c : s, proto, b, n, &ow);
		CU_ASSERT(rc >= 0);
		memcpy(b, o, pt_wlen(&ow));
		w = pt_wr(b, sizeof b);
		w.p += pt_wlen(&ow);
		from = !from;
	}
}

static void cred(pt_cred *c, const char *user, const char *pw)
{
	CU_ASSERT_FATAL(pt_cred_from_password(c, user, pw) == PT_OK);
}

static void pair(pt_authpeer *c, pt_authpeer *s, int m, const pt_authpeer_knobs *kc, const pt_authpeer_knobs *ks)
{
	pt_cred cc, sc;

	cred(&cc, "alice", "s3cret-pw");
	cred(&sc, "alice", "s3cret-pw");
	pt_authpeer_client_init(c, m, &cc, pchal16, kc);
	pt_authpeer_server_init(s, m, &sc, chal16, ks);
	pt_cred_wipe(&cc);
	pt_cred_wipe(&sc);
}

/* The message of a packet (after the 4-octet header), NUL-terminated, in a static buffer. */
static const char *msg_of(const uint8_t *b, size_t n)
{
	static char s[PT_AUTHPEER_MAX_PKT];
	size_t k = n > 4 ? n - 4 : 0;

	memcpy(s, b + 4, k);
	s[k] = '\0';
	return s;
}

static void test_all_methods_succeed(void)
{
	pt_authpeer c, s;

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		pair(&c, &s, methods[i], NULL, NULL);
		exchange(&c, &s);
		CU_ASSERT_EQUAL(c.status, PT_AUTHS_SUCCESS);
		CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
		CU_ASSERT_STRING_EQUAL(s.peer_name, "alice");
		CU_ASSERT_EQUAL(pt_authpeer_proto(methods[i]), methods[i] == PT_AUTHM_PAP ? 0xc023 : 0xc223);
		pt_authpeer_wipe(&c);
		pt_authpeer_wipe(&s);
	}
	/* the MS-CHAPv2 Success: "S=<40 uppercase hex> M=Access granted" */
	pair(&c, &s, PT_AUTHM_MSCHAPV2, NULL, NULL);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(sent[1][1][0], PT_CHAP_SUCCESS);
	CU_ASSERT_EQUAL(sent_len[1][1], 4 + 42 + 17);
	CU_ASSERT(strncmp(msg_of(sent[1][1], sent_len[1][1]), "S=", 2) == 0);
	CU_ASSERT_STRING_EQUAL(msg_of(sent[1][1], sent_len[1][1]) + 42, " M=Access granted");
	CU_ASSERT_EQUAL(pt_authpeer_proto(PT_AUTHM_NONE), 0);
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_authpeer_status_vs, PT_AUTHS_FORGED), "forged");
}

static void test_wrong_password(void)
{
	pt_authpeer c, s;
	pt_authpeer_knobs k;

	memset(&k, 0, sizeof k);
	k.wrong_password = 1;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		const uint8_t *last;
		size_t n;

		pair(&c, &s, methods[i], &k, NULL);
		exchange(&c, &s);
		CU_ASSERT_EQUAL(c.status, PT_AUTHS_FAILURE);
		CU_ASSERT_EQUAL(s.status, PT_AUTHS_FAILURE);
		CU_ASSERT_FATAL(nsent[1] >= 1);
		last = sent[1][nsent[1] - 1];
		n = sent_len[1][nsent[1] - 1];
		switch (methods[i]) {
		case PT_AUTHM_PAP:
			CU_ASSERT_EQUAL(last[0], PT_PAP_AUTH_NAK);
			break;
		case PT_AUTHM_CHAP_MD5:
			CU_ASSERT_EQUAL(last[0], PT_CHAP_FAILURE);
			CU_ASSERT_STRING_EQUAL(msg_of(last, n), "Authentication failed");
			break;
		case PT_AUTHM_MSCHAPV1:
			CU_ASSERT_STRING_EQUAL(msg_of(last, n), "E=691 R=1");
			CU_ASSERT_EQUAL(c.error, 691);
			CU_ASSERT_EQUAL(c.retry, 1);
			break;
		case PT_AUTHM_MSCHAPV2: {
			const char *m = msg_of(last, n);
			CU_ASSERT(strncmp(m, "E=691 R=1 C=", 12) == 0);
			CU_ASSERT_EQUAL(strlen(m), 12 + 32 + strlen(" V=3 M=Authentication failure"));
			CU_ASSERT_STRING_EQUAL(m + 44, " V=3 M=Authentication failure");
			CU_ASSERT_EQUAL(c.error, 691);
			CU_ASSERT_EQUAL(c.retry, 1);
			CU_ASSERT_EQUAL(s.error, 691);
			break;
		}
		default:
			break;
		}
		/* no keys from a failed exchange */
		{
			uint8_t k1[16], k2[16];
			int want = methods[i] >= PT_AUTHM_MSCHAPV1 ? PT_ESTATE : PT_EUNSUP;
			CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 128, 0, k1, k2), want);
			CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, 128, 0, k1, k2), want);
		}
	}
	/* another user with the right password fails too */
	{
		pt_cred cc, sc;
		cred(&cc, "mallory", "s3cret-pw");
		cred(&sc, "alice", "s3cret-pw");
		for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
			pt_authpeer_client_init(&c, methods[i], &cc, pchal16, NULL);
			pt_authpeer_server_init(&s, methods[i], &sc, chal16, NULL);
			exchange(&c, &s);
			CU_ASSERT_EQUAL(s.status, PT_AUTHS_FAILURE);
			CU_ASSERT_STRING_EQUAL(s.peer_name, "mallory");
		}
	}
}

static void test_domain_name(void)
{
	pt_authpeer c, s;
	pt_cred cc, sc;

	/* RFC 2759 4: "DOMAIN\user" is sent, the user part is hashed; the server knows "alice" */
	cred(&cc, "CORP\\alice", "s3cret-pw");
	cred(&sc, "alice", "s3cret-pw");
	pt_authpeer_client_init(&c, PT_AUTHM_MSCHAPV2, &cc, pchal16, NULL);
	pt_authpeer_server_init(&s, PT_AUTHM_MSCHAPV2, &sc, chal16, NULL);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_SUCCESS);
	CU_ASSERT_STRING_EQUAL(s.peer_name, "CORP\\alice");
	/* CHAP-MD5 names must match exactly */
	pt_authpeer_client_init(&c, PT_AUTHM_CHAP_MD5, &cc, pchal16, NULL);
	pt_authpeer_server_init(&s, PT_AUTHM_CHAP_MD5, &sc, chal16, NULL);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_FAILURE);
}

static void test_forged_success(void)
{
	pt_authpeer c, s;
	pt_authpeer_knobs ks, kc;

	memset(&ks, 0, sizeof ks);
	memset(&kc, 0, sizeof kc);
	/* RFC 2759 5: a wrong S= means the server does not know the password */
	ks.bad_s = 1;
	pair(&c, &s, PT_AUTHM_MSCHAPV2, NULL, &ks);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_FORGED);
	/* keys are not derived after a forged Success */
	{
		uint8_t k1[16], k2[16];
		CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 128, 0, k1, k2), PT_ESTATE);
	}
	/* a client told to skip the check takes it */
	kc.skip_s_check = 1;
	pair(&c, &s, PT_AUTHM_MSCHAPV2, &kc, &ks);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_SUCCESS);
	/* no S= at all */
	memset(&ks, 0, sizeof ks);
	ks.no_s = 1;
	pair(&c, &s, PT_AUTHM_MSCHAPV2, NULL, &ks);
	exchange(&c, &s);
	CU_ASSERT_STRING_EQUAL(msg_of(sent[1][1], sent_len[1][1]), "M=Access granted");
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_FORGED);
	/* MS-CHAPv1 Success carries no S= */
	pair(&c, &s, PT_AUTHM_MSCHAPV1, NULL, &ks);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_SUCCESS);
}

static void test_mschapv1_lm_knobs(void)
{
	pt_authpeer c, s;
	pt_authpeer_knobs k;
	const uint8_t *r;

	memset(&k, 0, sizeof k);
	/* default: LM half zero, use-NT 1 */
	pair(&c, &s, PT_AUTHM_MSCHAPV1, NULL, NULL);
	exchange(&c, &s);
	r = sent[0][0];
	CU_ASSERT_EQUAL(r[4], 49);
	for (int i = 0; i < 24; i++)
		CU_ASSERT_EQUAL(r[5 + i], 0);
	CU_ASSERT_EQUAL(r[5 + 48], 1);
	/* with the LM response too */
	k.v1_lm = 1;
	pair(&c, &s, PT_AUTHM_MSCHAPV1, &k, NULL);
	exchange(&c, &s);
	r = sent[0][0];
	CU_ASSERT(r[5] | r[6] | r[7] | r[8]);
	CU_ASSERT_EQUAL(r[5 + 48], 1);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
	/* LM only: use-NT clear, the server checks the LM response */
	k.v1_lm = 0;
	k.v1_lm_only = 1;
	pair(&c, &s, PT_AUTHM_MSCHAPV1, &k, NULL);
	exchange(&c, &s);
	r = sent[0][0];
	CU_ASSERT_EQUAL(r[5 + 48], 0);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_SUCCESS);
	k.wrong_password = 1;
	pair(&c, &s, PT_AUTHM_MSCHAPV1, &k, NULL);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_FAILURE);
}

static void test_identifiers_and_resend(void)
{
	pt_authpeer c, s;
	uint8_t b[PT_AUTHPEER_MAX_PKT], o[PT_AUTHPEER_MAX_PKT], resp[PT_AUTHPEER_MAX_PKT];
	pt_writer w = pt_wr(b, sizeof b), ow;
	size_t rn;

	pair(&c, &s, PT_AUTHM_MSCHAPV2, NULL, NULL);
	CU_ASSERT_EQUAL(pt_authpeer_start(&s, 40, &w), 1);
	CU_ASSERT_EQUAL(b[0], PT_CHAP_CHALLENGE);
	CU_ASSERT_EQUAL(b[1], 40);
	CU_ASSERT_EQUAL(b[4], 16);
	CU_ASSERT(memcmp(b + 5, chal16, 16) == 0);
	CU_ASSERT_STRING_EQUAL(msg_of(b, pt_wlen(&w)) + 17, "pptp-suite");
	/* the Challenge again (RFC 1994 4.1 retransmission) */
	ow = pt_wr(o, sizeof o);
	CU_ASSERT_EQUAL(pt_authpeer_resend(&s, &ow), 1);
	CU_ASSERT_EQUAL(pt_wlen(&ow), pt_wlen(&w));
	CU_ASSERT(memcmp(o, b, pt_wlen(&w)) == 0);
	ow = pt_wr(resp, sizeof resp);
	CU_ASSERT_EQUAL(pt_authpeer_input(&c, 0xc223, b, pt_wlen(&w), &ow), 1);
	rn = pt_wlen(&ow);
	CU_ASSERT_EQUAL(resp[0], PT_CHAP_RESPONSE);
	CU_ASSERT_EQUAL(resp[1], 40);
	/* RFC 1994 4.1: a Response with another Identifier is silently discarded */
	resp[1] = 41;
	ow = pt_wr(o, sizeof o);
	CU_ASSERT(pt_authpeer_input(&s, 0xc223, resp, rn, &ow) < 0);
	CU_ASSERT_EQUAL(pt_wlen(&ow), 0);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_PENDING);
	resp[1] = 40;
	/* the wrong protocol, a truncated packet: refused */
	CU_ASSERT_EQUAL(pt_authpeer_input(&s, 0xc023, resp, rn, &ow), PT_EUNSUP);
	CU_ASSERT(pt_authpeer_input(&s, 0xc223, resp, 3, &ow) < 0);
	CU_ASSERT(pt_authpeer_input(&s, 0xc223, resp, rn - 1, &ow) < 0);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_PENDING);
	ow = pt_wr(o, sizeof o);
	CU_ASSERT_EQUAL(pt_authpeer_input(&s, 0xc223, resp, rn, &ow), 1);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
	CU_ASSERT_EQUAL(o[0], PT_CHAP_SUCCESS);
	/* the same Response again (our Success was lost): the same Success again */
	{
		uint8_t o2[PT_AUTHPEER_MAX_PKT];
		pt_writer w2 = pt_wr(o2, sizeof o2);
		CU_ASSERT_EQUAL(pt_authpeer_input(&s, 0xc223, resp, rn, &w2), 1);
		CU_ASSERT_EQUAL(pt_wlen(&w2), pt_wlen(&ow));
		CU_ASSERT(memcmp(o2, o, pt_wlen(&ow)) == 0);
	}
	/* a Success with another Identifier is not the client's */
	o[1] = 39;
	CU_ASSERT(pt_authpeer_input(&c, 0xc223, o, pt_wlen(&ow), &w) < 0);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_PENDING);
	o[1] = 40;
	CU_ASSERT_EQUAL(pt_authpeer_input(&c, 0xc223, o, pt_wlen(&ow), &w), 0);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_SUCCESS);

	/* PAP: the request retransmitted; the Ack answers it by Identifier */
	pair(&c, &s, PT_AUTHM_PAP, NULL, NULL);
	w = pt_wr(b, sizeof b);
	CU_ASSERT_EQUAL(pt_authpeer_start(&c, 3, &w), 1);
	{
		static const uint8_t want[] = { 1, 3, 0, 4 + 1 + 5 + 1 + 9, 5, 'a', 'l', 'i', 'c', 'e', 9 };
		CU_ASSERT_EQUAL(pt_wlen(&w), 20);
		CU_ASSERT(memcmp(b, want, sizeof want) == 0);
		CU_ASSERT(memcmp(b + 11, "s3cret-pw", 9) == 0);
	}
	ow = pt_wr(o, sizeof o);
	CU_ASSERT_EQUAL(pt_authpeer_resend(&c, &ow), 1);
	CU_ASSERT(memcmp(o, b, 20) == 0);
	pt_authpeer_wipe(&c);
	CU_ASSERT_EQUAL(c.last_len, 0);
	CU_ASSERT_EQUAL(c.cred.password[0], 0);
	ow = pt_wr(o, sizeof o);
	CU_ASSERT_EQUAL(pt_authpeer_resend(&c, &ow), 0);
}

/* ---- RFC vectors ---- */

static void test_rfc2759_response(void)
{
	pt_authpeer c, s;
	pt_cred cc, sc;
	uint8_t auth[16], peer[16], ntr[24], sk[8][16], start128[16], start40[8];
	char ar[43];
	const uint8_t *r;

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2759-9.2.txt") > 0);
	memcpy(auth, ut_vec("authenticator_challenge", 16), 16);
	memcpy(peer, ut_vec("peer_challenge", 16), 16);
	memcpy(ntr, ut_vec("nt_response", 24), 24);
	memcpy(ar, ut_vec("authenticator_response", 42), 42);
	ar[42] = '\0';
	cred(&cc, (const char *)ut_vec("user_name", 4), (const char *)ut_vec("password", 10));
	sc = cc;
	pt_authpeer_client_init(&c, PT_AUTHM_MSCHAPV2, &cc, peer, NULL);
	pt_authpeer_server_init(&s, PT_AUTHM_MSCHAPV2, &sc, auth, NULL);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(c.status, PT_AUTHS_SUCCESS);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
	/* RFC 2759 4: Value-Size 49: Peer-Challenge, 8 zero, NT-Response, Flags 0; Name "User" */
	r = sent[0][0];
	CU_ASSERT_EQUAL(sent_len[0][0], 4 + 1 + 49 + 4);
	CU_ASSERT_EQUAL(r[4], 49);
	CU_ASSERT(memcmp(r + 5, peer, 16) == 0);
	for (int i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(r[21 + i], 0);
	CU_ASSERT(memcmp(r + 29, ntr, 24) == 0);
	CU_ASSERT_EQUAL(r[53], 0);
	CU_ASSERT(memcmp(r + 54, "User", 4) == 0);
	CU_ASSERT(memcmp(c.nt_resp, ntr, 24) == 0);
	/* RFC 2759 9.2 AuthenticatorResponse in the server's Success */
	CU_ASSERT(strncmp(msg_of(sent[1][1], sent_len[1][1]), ar, 42) == 0);

	/* RFC 3079 3.5: the samples are the server's send key = the client's receive key */
	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc3079-3.5.txt") > 0);
	memcpy(start128, ut_vec("send_start_key_128", 16), 16);
	memcpy(start40, ut_vec("send_start_key_40", 8), 8);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, 128, 0, sk[0], sk[1]), PT_OK);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 128, 0, sk[2], sk[3]), PT_OK);
	CU_ASSERT(memcmp(sk[0], start128, 16) == 0);
	CU_ASSERT(memcmp(sk[3], start128, 16) == 0);   /* client recv == server send */
	CU_ASSERT(memcmp(sk[2], sk[1], 16) == 0);       /* client send == server recv */
	CU_ASSERT(memcmp(sk[0], sk[1], 16) != 0);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, 40, 0, sk[4], sk[5]), PT_OK);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 40, 0, sk[6], sk[7]), PT_OK);
	CU_ASSERT(memcmp(sk[4], start40, 8) == 0);
	CU_ASSERT(memcmp(sk[7], start40, 8) == 0);
	CU_ASSERT(memcmp(sk[6], sk[5], 8) == 0);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, 64, 0, sk[4], sk[5]), PT_EINVAL);
	pt_authpeer_wipe(&c);
	pt_authpeer_wipe(&s);
	pt_cred_wipe(&cc);
	pt_cred_wipe(&sc);
}

static void test_rfc2433_response(void)
{
	pt_authpeer c, s;
	pt_cred cc;
	uint8_t chal[16] = { 0 }, ntr[24];

	/* RFC 2433 B.2: password "MyPw", the NT response of this challenge */
	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2433-B.txt") > 0);
	memcpy(chal, ut_vec("challenge", 8), 8);
	memcpy(ntr, ut_vec("nt_challenge_response", 24), 24);
	cred(&cc, "User", (const char *)ut_vec("password", 4));
	pt_authpeer_client_init(&c, PT_AUTHM_MSCHAPV1, &cc, NULL, NULL);
	pt_authpeer_server_init(&s, PT_AUTHM_MSCHAPV1, &cc, chal, NULL);
	exchange(&c, &s);
	CU_ASSERT_EQUAL(s.status, PT_AUTHS_SUCCESS);
	CU_ASSERT_EQUAL(sent[1][0][4], 8); /* an 8-octet challenge */
	CU_ASSERT(memcmp(sent[0][0] + 5 + 24, ntr, 24) == 0);
	pt_cred_wipe(&cc);
}

static void test_rfc3079_chap1_keys(void)
{
	pt_authpeer c, s;
	pt_cred cc;
	uint8_t chal[16] = { 0 }, isk[16], lm[16], k[4][16];

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc3079-2.5.txt") > 0);
	memcpy(chal, ut_vec("challenge", 8), 8);
	memcpy(isk, ut_vec("initial_session_key", 16), 16);
	memcpy(lm, ut_vec("lm_password_hash", 16), 16);
	cred(&cc, "User", (const char *)ut_vec("password", 10));
	pt_authpeer_client_init(&c, PT_AUTHM_MSCHAPV1, &cc, NULL, NULL);
	pt_authpeer_server_init(&s, PT_AUTHM_MSCHAPV1, &cc, chal, NULL);
	exchange(&c, &s);
	CU_ASSERT_FATAL(c.status == PT_AUTHS_SUCCESS && s.status == PT_AUTHS_SUCCESS);
	/* RFC 3079 2.3 / 2.5.3: 128-bit, the same key both ways */
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 128, 0, k[0], k[1]), PT_OK);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, 128, 0, k[2], k[3]), PT_OK);
	for (int i = 0; i < 4; i++)
		CU_ASSERT(memcmp(k[i], isk, 16) == 0);
	/* RFC 3079 2.1 / 2.5.1: 40-bit from the LAN Manager hash */
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 40, 0, k[0], k[1]), PT_OK);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, 56, 0, k[2], k[3]), PT_OK);
	for (int i = 0; i < 4; i++)
		CU_ASSERT(memcmp(k[i], lm, 8) == 0);
	/* pppd / Linux: the first 8 octets of the NT-based key */
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 40, 1, k[0], k[1]), PT_OK);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, 40, 1, k[2], k[3]), PT_OK);
	for (int i = 0; i < 4; i++) {
		static const uint8_t z[8];
		CU_ASSERT(memcmp(k[i], isk, 8) == 0);
		CU_ASSERT(memcmp(k[i] + 8, z, 8) == 0);
	}
	/* PAP and CHAP-MD5 give no keys */
	pt_authpeer_client_init(&c, PT_AUTHM_CHAP_MD5, &cc, NULL, NULL);
	CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, 128, 0, k[0], k[1]), PT_EUNSUP);
	pt_cred_wipe(&cc);
}

/* ---- the keys in use: what one end encrypts, the other decrypts ---- */

static void one_way(const uint8_t *tkey, const uint8_t *rkey, int bits, unsigned opts)
{
	static const uint8_t plain[] = { 0x00, 0x21, 0x45, 0x00, 0x00, 0x1c, 'h', 'e', 'l', 'l', 'o' };
	pt_mppe_ctx tx, rx;
	pt_mppe_info info;
	uint8_t buf[64], out[64];
	size_t n = 0;

	CU_ASSERT_FATAL(pt_mppe_init(&tx, tkey, bits, opts) == PT_OK);
	CU_ASSERT_FATAL(pt_mppe_init(&rx, rkey, bits, opts) == PT_OK);
	for (int i = 0; i < 3; i++) {
		pt_writer w = pt_wr(buf, sizeof buf);
		pt_cursor c;
		CU_ASSERT_EQUAL(pt_mppe_encrypt(&tx, 0, plain, sizeof plain, &w, &info), PT_OK);
		c = pt_cur(buf, pt_wlen(&w));
		CU_ASSERT_EQUAL(pt_mppe_decrypt(&rx, &c, out, sizeof out, &n, &info), PT_OK);
		CU_ASSERT_EQUAL(n, sizeof plain);
		CU_ASSERT(memcmp(out, plain, sizeof plain) == 0);
	}
	pt_mppe_done(&tx);
	pt_mppe_done(&rx);
}

static void test_keys_in_use(void)
{
	static const int bits[] = { 40, 56, 128 };
	pt_authpeer c, s;
	uint8_t cs[16], cr[16], ss[16], sr[16];

	for (int m = PT_AUTHM_MSCHAPV1; m <= PT_AUTHM_MSCHAPV2; m++) {
		pair(&c, &s, m, NULL, NULL);
		exchange(&c, &s);
		CU_ASSERT_FATAL(c.status == PT_AUTHS_SUCCESS && s.status == PT_AUTHS_SUCCESS);
		for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
			for (int nt = 0; nt < 2; nt++) {
				CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&c, bits[i], nt, cs, cr), PT_OK);
				CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&s, bits[i], nt, ss, sr), PT_OK);
				/* client -> server and server -> client, stateless and stateful */
				one_way(cs, sr, bits[i], PT_MPPE_OPT_STATELESS);
				one_way(ss, cr, bits[i], PT_MPPE_OPT_STATELESS);
				one_way(cs, sr, bits[i], 0);
				one_way(ss, cr, bits[i], 0);
			}
		pt_authpeer_wipe(&c);
		pt_authpeer_wipe(&s);
	}
}

/* ---- hostile input ---- */

static void test_random_packets(void)
{
	uint32_t x = 777;
	pt_authpeer c, s;

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		for (int n = 0; n < 2000; n++) {
			uint8_t p[128], o[PT_AUTHPEER_MAX_PKT];
			pt_writer w = pt_wr(o, sizeof o);
			size_t len;
			pt_authpeer *a;

			if (n % 100 == 0) {
				uint8_t b[PT_AUTHPEER_MAX_PKT];
				pt_writer sw = pt_wr(b, sizeof b);
				pair(&c, &s, methods[i], NULL, NULL);
				(void)pt_authpeer_start(&s, 1, &sw);
				sw = pt_wr(b, sizeof b);
				(void)pt_authpeer_start(&c, 1, &sw);
			}
			x = x * 1103515245u + 12345u;
			len = 4 + (x >> 8) % 100;
			for (size_t k = 0; k < len; k++) {
				x = x * 1103515245u + 12345u;
				p[k] = (uint8_t)(x >> 16);
			}
			p[0] = (uint8_t)(1 + p[0] % 5);
			p[1] = p[1] % 4 ? 1 : p[1];
			p[2] = 0;
			p[3] = p[3] % 4 ? (uint8_t)len : p[3];
			if (p[4] % 2)
				p[4] = (uint8_t)(p[4] % 60); /* a Value-Size / Peer-ID-Length that may fit */
			a = (x >> 20) & 1 ? &c : &s;
			(void)pt_authpeer_input(a, pt_authpeer_proto(methods[i]), p, len, &w);
			CU_ASSERT(pt_wlen(&w) <= sizeof o);
			CU_ASSERT(a->status <= PT_AUTHS_FORGED);
			/* a server never believes a random packet */
			CU_ASSERT(s.status != PT_AUTHS_SUCCESS);
		}
	}
	pt_authpeer_wipe(&c);
	pt_authpeer_wipe(&s);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("authpeer", NULL, NULL);
	UT_ADD(s, test_all_methods_succeed);
	UT_ADD(s, test_wrong_password);
	UT_ADD(s, test_domain_name);
	UT_ADD(s, test_forged_success);
	UT_ADD(s, test_mschapv1_lm_knobs);
	UT_ADD(s, test_identifiers_and_resend);
	s = CU_add_suite("authpeer_vectors", NULL, NULL);
	UT_ADD(s, test_rfc2759_response);
	UT_ADD(s, test_rfc2433_response);
	UT_ADD(s, test_rfc3079_chap1_keys);
	UT_ADD(s, test_keys_in_use);
	s = CU_add_suite("authpeer_hostile", NULL, NULL);
	UT_ADD(s, test_random_packets);
}
