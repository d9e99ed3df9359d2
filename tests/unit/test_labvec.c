/* test_labvec.c: lib/mschap, lib/mppe and lib/authpeer on the values measured from the lab's real sessions
 * (vectors/lab-*.txt, taken from captures/real/ by vectors/lab-extract.sh): MS-CHAPv2 (RFC 2759 8), MPPE start
 * and first session keys (RFC 3079 3.4, RFC 3078 5, 7), the first encrypted frame each way decrypted. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authpeer.h"
#include "cursor.h"
#include "mppe.h"
#include "mschap.h"
#include "ppp.h"
#include "ut.h"

#define NLAB_MIN 4 /* MPPE-128 and MPPE-40 stateless, MPPE-128 stateful from pppd and from pptp-linux */

static glob_t lab_files;

static int lab_setup(void)
{
	return glob(ut_path("vectors/lab-*.txt"), 0, NULL, &lab_files) == 0 ? 0 : -1;
}

static int lab_cleanup(void)
{
	globfree(&lab_files);
	return 0;
}

/* the file's name under the repository (ut_vec_load takes it relative to $PT_TOP) */
static const char *rel(size_t i)
{
	const char *p = strstr(lab_files.gl_pathv[i], "vectors/lab-");
	return p ? p : lab_files.gl_pathv[i];
}

static const char *S(const char *name)
{
	return (const char *)ut_vec(name, -1);
}

static int num(const char *name)
{
	const char *s = S(name);
	return s ? atoi(s) : -1;
}

/* compare got[n] with the vector NAME, saying which file and value differ */
static int same(size_t i, const char *name, const uint8_t *got, int n)
{
	const unsigned char *want = ut_vec(name, n);

	if (want && memcmp(got, want, (size_t)n) == 0)
		return 1;
	fprintf(stderr, "%s: %s differs\n", rel(i), name);
	return 0;
}

static void test_lab_files(void)
{
	CU_ASSERT(lab_files.gl_pathc >= NLAB_MIN);
	for (size_t i = 0; i < lab_files.gl_pathc; i++) {
		CU_ASSERT(ut_vec_load(rel(i)) > 30);
		CU_ASSERT_PTR_NOT_NULL(ut_vec("password_hash", 16));
		CU_ASSERT_PTR_NOT_NULL(ut_vec("nt_response", 24));
		CU_ASSERT_PTR_NOT_NULL(ut_vec("authenticator_response", 42));
		CU_ASSERT(num("mppe_bits") == 40 || num("mppe_bits") == 56 || num("mppe_bits") == 128);
	}
}

/* RFC 2759 8: the hashes, the NT-Response the real peer sent, and the S= the real authenticator sent */
static void test_lab_mschap2(void)
{
	for (size_t i = 0; i < lab_files.gl_pathc; i++) {
		uint8_t nt[16], hh[16], ch[8], ntr[24];
		char ar[PT_MSCHAP2_AUTHRESP_LEN + 1];
		const char *user;
		const uint8_t *ac, *pc, *vr;
		pt_cred c;
		int mode = -1;

		CU_ASSERT_FATAL(ut_vec_load(rel(i)) > 30);
		user = S("user_name");
		ac = ut_vec("authenticator_challenge", 16);
		pc = ut_vec("peer_challenge", 16);
		vr = ut_vec("nt_response", 24);
		CU_ASSERT_FATAL(user && ac && pc && vr);
		CU_ASSERT_EQUAL(pt_nt_password_hash(S("password"), nt), PT_OK);
		CU_ASSERT(same(i, "password_hash", nt, 16));
		CU_ASSERT_EQUAL(pt_nt_hash_hash(nt, hh), PT_OK);
		CU_ASSERT(same(i, "password_hash_hash", hh, 16));
		CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(pc, ac, user, strlen(user), PT_MSCHAP_USER_STRIP_DOMAIN, ch), PT_OK);
		CU_ASSERT(same(i, "challenge_hash", ch, 8));
		CU_ASSERT_EQUAL(pt_mschap2_nt_response(ac, pc, user, strlen(user), PT_MSCHAP_USER_STRIP_DOMAIN, nt, ntr), PT_OK);
		CU_ASSERT(same(i, "nt_response", ntr, 24));
		CU_ASSERT_EQUAL(pt_mschap2_auth_response(nt, vr, pc, ac, user, strlen(user), PT_MSCHAP_USER_STRIP_DOMAIN, ar), PT_OK);
		CU_ASSERT(same(i, "authenticator_response", (const uint8_t *)ar, 42));
		CU_ASSERT_EQUAL(pt_mschap2_check_auth_response(nt, vr, pc, ac, user, strlen(user), PT_MSCHAP_USER_STRIP_DOMAIN,
		                                               S("authenticator_response"), 42),
		                PT_OK);
		/* the credential check the analyzer makes, by password and by the hash alone */
		CU_ASSERT_EQUAL_FATAL(pt_cred_from_password(&c, user, S("password")), PT_OK);
		CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&c, ac, pc, user, strlen(user), vr, PT_MSCHAP_USER_AUTO, &mode), PT_OK);
		pt_cred_wipe(&c);
		{
			char hex[33];
			for (int k = 0; k < 16; k++)
				snprintf(hex + 2 * k, 3, "%02x", nt[k]);
			CU_ASSERT_EQUAL_FATAL(pt_cred_from_nt_hash_hex(&c, user, hex), PT_OK);
			CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&c, ac, pc, user, strlen(user), vr, PT_MSCHAP_USER_AUTO, &mode),
			                PT_OK);
			pt_cred_wipe(&c);
		}
		/* another password does not verify */
		CU_ASSERT_EQUAL_FATAL(pt_cred_from_password(&c, user, "not-the-password"), PT_OK);
		CU_ASSERT_NOT_EQUAL(pt_cred_verify_mschap2(&c, ac, pc, user, strlen(user), vr, PT_MSCHAP_USER_AUTO, &mode), PT_OK);
		pt_cred_wipe(&c);
	}
}

/* RFC 3079 3.4 start keys, RFC 3079 3.1-3.3 initial session keys, RFC 3078 7 the key of the first packet */
static void test_lab_mppe_keys(void)
{
	static const char *const dirs[2] = { "pns_to_pac", "pac_to_pns" };

	for (size_t i = 0; i < lab_files.gl_pathc; i++) {
		uint8_t nt[16], hh[16], mk[16], snd[16], rcv[16], isk[16], pk[16];
		int bits, stateless;
		size_t kl;
		pt_rc4 scratch;

		CU_ASSERT_FATAL(ut_vec_load(rel(i)) > 30);
		bits = num("mppe_bits");
		kl = pt_mppe_key_len(bits);
		stateless = strcmp(S("mppe_mode"), "stateless") == 0;
		CU_ASSERT_FATAL(kl == 8 || kl == 16);
		CU_ASSERT_EQUAL_FATAL(pt_nt_password_hash(S("password"), nt), PT_OK);
		CU_ASSERT_EQUAL(pt_nt_hash_hash(nt, hh), PT_OK);
		CU_ASSERT_EQUAL(pt_mppe_chap2_master_key(hh, ut_vec("nt_response", 24), mk), PT_OK);
		CU_ASSERT(same(i, "master_key", mk, 16));
		/* the PNS is the client: it sends with the client's send key; the PAC (the authenticator) the server's */
		CU_ASSERT_EQUAL(pt_mppe_chap2_start_keys(nt, ut_vec("nt_response", 24), bits, 0, snd, rcv), PT_OK);
		CU_ASSERT(same(i, "start_key_pns_to_pac", snd, (int)kl));
		CU_ASSERT(same(i, "start_key_pac_to_pns", rcv, (int)kl));
		CU_ASSERT_EQUAL(pt_mppe_chap2_start_keys(nt, ut_vec("nt_response", 24), bits, 1, snd, rcv), PT_OK);
		CU_ASSERT(same(i, "start_key_pac_to_pns", snd, (int)kl));
		CU_ASSERT(same(i, "start_key_pns_to_pac", rcv, (int)kl));
		CU_ASSERT_EQUAL_FATAL(pt_rc4_open(&scratch), PT_OK);
		for (int d = 0; d < 2; d++) {
			char name[64];
			const uint8_t *start;

			snprintf(name, sizeof name, "start_key_%s", dirs[d]);
			start = ut_vec(name, (int)kl);
			CU_ASSERT_PTR_NOT_NULL_FATAL(start);
			CU_ASSERT_EQUAL(pt_mppe_initial_session_key(start, bits, isk), PT_OK);
			snprintf(name, sizeof name, "initial_session_key_%s", dirs[d]);
			CU_ASSERT(same(i, name, isk, (int)kl));
			/* stateless: changed once before count 0 (RFC 3078 7.1); stateful: count 0 under the initial key */
			if (stateless) {
				CU_ASSERT_EQUAL(pt_mppe_next_session_key(&scratch, start, isk, bits, pk), PT_OK);
			} else {
				memcpy(pk, isk, kl);
			}
			snprintf(name, sizeof name, "first_packet_key_%s", dirs[d]);
			CU_ASSERT(same(i, name, pk, (int)kl));
		}
		pt_rc4_close(&scratch);
	}
}

/* The first MPPE frame each side sent, as captured, decrypted by lib/mppe from the start key alone */
static void test_lab_first_frames(void)
{
	static const char *const dirs[2] = { "pns_to_pac", "pac_to_pns" };

	for (size_t i = 0; i < lab_files.gl_pathc; i++) {
		int bits;
		unsigned opts;
		size_t kl;

		CU_ASSERT_FATAL(ut_vec_load(rel(i)) > 30);
		bits = num("mppe_bits");
		kl = pt_mppe_key_len(bits);
		opts = strcmp(S("mppe_mode"), "stateless") == 0 ? PT_MPPE_OPT_STATELESS : 0;
		for (int d = 0; d < 2; d++) {
			char name[64];
			uint8_t pkt[300], out[300];
			const uint8_t *start, *hdr, *ct;
			size_t n = 0, ctlen;
			pt_mppe_ctx rx;
			pt_mppe_info info;
			pt_cursor c;
			int plen;

			snprintf(name, sizeof name, "start_key_%s", dirs[d]);
			start = ut_vec(name, (int)kl);
			snprintf(name, sizeof name, "first_header_%s", dirs[d]);
			hdr = ut_vec(name, 2);
			snprintf(name, sizeof name, "first_ciphertext_%s", dirs[d]);
			ct = ut_vec(name, -1);
			CU_ASSERT_FATAL(start && hdr && ct);
			ctlen = (size_t)ut_vec_len(name);
			CU_ASSERT_FATAL(ctlen > 0 && ctlen <= sizeof pkt - 2);
			memcpy(pkt, hdr, 2);
			memcpy(pkt + 2, ct, ctlen);
			CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, bits, opts), PT_OK);
			c = pt_cur(pkt, ctlen + 2);
			CU_ASSERT_EQUAL(pt_mppe_decrypt(&rx, &c, out, sizeof out, &n, &info), PT_OK);
			CU_ASSERT_EQUAL(info.hdr.cc, 0);
			snprintf(name, sizeof name, "first_plaintext_%s", dirs[d]);
			CU_ASSERT_EQUAL(n, ctlen);
			plen = (int)(n < ctlen ? n : ctlen);
			CU_ASSERT(same(i, name, out, plen));
			pt_mppe_done(&rx);
		}
	}
}

/* lib/authpeer as both ends, with the recorded challenges: the client's Response is the real peer's, the
 * server's S= the real authenticator's, and the start keys of both ends are the file's; then the server fed
 * the recorded Response octets as captured */
static void test_lab_authpeer(void)
{
	for (size_t i = 0; i < lab_files.gl_pathc; i++) {
		pt_authpeer cl, sv;
		pt_cred cc;
		uint8_t b[PT_AUTHPEER_MAX_PKT], o[PT_AUTHPEER_MAX_PKT], snd[16], rcv[16];
		pt_writer w = pt_wr(b, sizeof b), ow = pt_wr(o, sizeof o);
		const char *user;
		const uint8_t *id;
		int bits;
		size_t kl, ul, n;

		CU_ASSERT_FATAL(ut_vec_load(rel(i)) > 30);
		user = S("user_name");
		id = ut_vec("chap_identifier", 1);
		bits = num("mppe_bits");
		kl = pt_mppe_key_len(bits);
		CU_ASSERT_FATAL(user && id && kl);
		ul = strlen(user);
		CU_ASSERT_EQUAL_FATAL(pt_cred_from_password(&cc, user, S("password")), PT_OK);
		pt_authpeer_server_init(&sv, PT_AUTHM_MSCHAPV2, &cc, ut_vec("authenticator_challenge", 16), NULL);
		pt_authpeer_client_init(&cl, PT_AUTHM_MSCHAPV2, &cc, ut_vec("peer_challenge", 16), NULL);
		/* server: Challenge */
		CU_ASSERT_EQUAL_FATAL(pt_authpeer_start(&sv, *id, &w), 1);
		CU_ASSERT(memcmp(b + 5, ut_vec("authenticator_challenge", 16), 16) == 0);
		/* client: Response = Peer-Challenge, reserved, NT-Response, Flags (RFC 2759 4), as the real peer sent */
		CU_ASSERT_EQUAL_FATAL(pt_authpeer_input(&cl, PT_PPP_CHAP, b, pt_wlen(&w), &ow), 1);
		n = pt_wlen(&ow);
		CU_ASSERT_FATAL(n == 4 + 1 + 49 + ul);
		CU_ASSERT_EQUAL(o[1], *id);
		CU_ASSERT(memcmp(o + 5, ut_vec("peer_challenge", 16), 16) == 0);
		CU_ASSERT(memcmp(o + 21, ut_vec("reserved", 8), 8) == 0);
		CU_ASSERT(same(i, "nt_response", o + 29, 24));
		CU_ASSERT(memcmp(o + 53, ut_vec("response_flags", 1), 1) == 0);
		CU_ASSERT(memcmp(o + 54, user, ul) == 0);
		/* server: the recorded Response (the same octets, rebuilt from the file) gets the recorded S= */
		{
			uint8_t r[PT_AUTHPEER_MAX_PKT];
			size_t rl = 4 + 1 + 49 + ul;
			r[0] = 2;
			r[1] = *id;
			r[2] = (uint8_t)(rl >> 8);
			r[3] = (uint8_t)rl;
			r[4] = 49;
			memcpy(r + 5, ut_vec("peer_challenge", 16), 16);
			memcpy(r + 21, ut_vec("reserved", 8), 8);
			memcpy(r + 29, ut_vec("nt_response", 24), 24);
			memcpy(r + 53, ut_vec("response_flags", 1), 1);
			memcpy(r + 54, user, ul);
			CU_ASSERT(memcmp(r, o, rl) == 0);
			w = pt_wr(b, sizeof b);
			CU_ASSERT_EQUAL_FATAL(pt_authpeer_input(&sv, PT_PPP_CHAP, r, rl, &w), 1);
		}
		CU_ASSERT_EQUAL(sv.status, PT_AUTHS_SUCCESS);
		CU_ASSERT_EQUAL(b[0], 3);
		CU_ASSERT_FATAL(pt_wlen(&w) >= 4 + 42);
		CU_ASSERT(same(i, "authenticator_response", b + 4, 42));
		/* client: the Success proves the password (S= checked) */
		ow = pt_wr(o, sizeof o);
		CU_ASSERT(pt_authpeer_input(&cl, PT_PPP_CHAP, b, pt_wlen(&w), &ow) >= 0);
		CU_ASSERT_EQUAL(cl.status, PT_AUTHS_SUCCESS);
		/* the start keys of each end */
		CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&cl, bits, 0, snd, rcv), PT_OK);
		CU_ASSERT(same(i, "start_key_pns_to_pac", snd, (int)kl));
		CU_ASSERT(same(i, "start_key_pac_to_pns", rcv, (int)kl));
		CU_ASSERT_EQUAL(pt_authpeer_mppe_keys(&sv, bits, 0, snd, rcv), PT_OK);
		CU_ASSERT(same(i, "start_key_pac_to_pns", snd, (int)kl));
		CU_ASSERT(same(i, "start_key_pns_to_pac", rcv, (int)kl));
		pt_authpeer_wipe(&cl);
		pt_authpeer_wipe(&sv);
		pt_cred_wipe(&cc);
	}
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("lab_vectors", lab_setup, lab_cleanup);
	UT_ADD(s, test_lab_files);
	UT_ADD(s, test_lab_mschap2);
	UT_ADD(s, test_lab_mppe_keys);
	UT_ADD(s, test_lab_first_frames);
	UT_ADD(s, test_lab_authpeer);
}
