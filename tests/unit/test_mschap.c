/* test_mschap.c: libgcrypt wrappers (vectors/primitives.txt), password hashes, CHAP-MD5/MS-CHAPv1/MS-CHAPv2 against RFC 2433 B, RFC 2759 9.2, RFC 3079 2.5. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "cursor.h"
#include "mschap.h"
#include "ut.h"


static const char *S(const char *name)
{
	return (const char *)ut_vec(name, -1);
}

/* out[n] against the loaded vector NAME */
#define EQV(out, name, n) CU_ASSERT(ut_vec((name), (n)) && memcmp((out), ut_vec((name), (n)), (n)) == 0)

/* a loaded vector as uppercase hex (a static buffer; "" when missing) */
static char *vhex(const char *name, int n)
{
	static char b[2 * 64 + 1];
	const uint8_t *v = ut_vec(name, n);

	b[0] = '\0';
	for (int i = 0; v && i < n && i < 64; i++)
		snprintf(b + 2 * i, 3, "%02X", v[i]);
	return b;
}

/* ---- crypto.c ---- */

static void test_digests(void)
{
	uint8_t out[20];
	pt_iov v[3] = { { "a", 1 }, { "b", 1 }, { "c", 1 } };
	pt_iov e = { "", 0 };

	/* vectors/primitives.txt: RFC 1320 A.5, RFC 1321 A.5, RFC 3174 7.3 */
	CU_ASSERT_FATAL(ut_vec_load("vectors/primitives.txt") > 0);
	CU_ASSERT_EQUAL(pt_md4(v, 3, out), PT_OK);
	EQV(out, "md4_abc", 16);
	CU_ASSERT_EQUAL(pt_md4(&e, 1, out), PT_OK);
	EQV(out, "md4_empty", 16);
	CU_ASSERT_EQUAL(pt_md5(v, 3, out), PT_OK);
	EQV(out, "md5_abc", 16);
	CU_ASSERT_EQUAL(pt_sha1(v, 3, out), PT_OK);
	EQV(out, "sha1_abc", 20);
	CU_ASSERT_EQUAL(pt_sha1(v, 0, out), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_sha1(v, 99, out), PT_EINVAL);
	/* the reusable MD4 context (--wordlist): the same RFC 1320 A.5 answers, one after the other */
	{
		pt_md m;
		CU_ASSERT_EQUAL(pt_md4_open(&m), PT_OK);
		CU_ASSERT_EQUAL(pt_md_digest(&m, "abc", 3, out), PT_OK);
		EQV(out, "md4_abc", 16);
		CU_ASSERT_EQUAL(pt_md_digest(&m, "", 0, out), PT_OK);
		EQV(out, "md4_empty", 16);
		pt_md_close(&m);
		CU_ASSERT_PTR_NULL(m.hd);
		CU_ASSERT_EQUAL(pt_md_digest(&m, "abc", 3, out), PT_EINVAL);
		pt_md_close(&m);
	}
}

static void test_des_rc4(void)
{
	uint8_t k7[7], k8[8], in[8], out[8];
	uint8_t buf[9];
	pt_rc4 r;

	/* the classic DES example (vectors/primitives.txt): key 133457799BBCDFF1 = these 56 bits with parity */
	CU_ASSERT_FATAL(ut_vec_load("vectors/primitives.txt") > 0);
	memcpy(k7, ut_vec("des_key_56", 7), 7);
	pt_des_key_expand(k7, k8);
	EQV(k8, "des_key", 8);
	memcpy(in, ut_vec("des_plaintext", 8), 8);
	CU_ASSERT_EQUAL(pt_des_encrypt7(k7, in, out), PT_OK);
	EQV(out, "des_ciphertext", 8);
	/* weak key (all zero) is allowed */
	memset(k7, 0, sizeof k7);
	CU_ASSERT_EQUAL(pt_des_encrypt7(k7, in, out), PT_OK);

	/* RC4 "Key" / "Plaintext" */
	CU_ASSERT_EQUAL(pt_rc4_open(&r), PT_OK);
	CU_ASSERT_EQUAL(pt_rc4_setkey(&r, (const uint8_t *)"Key", 3), PT_EINVAL); /* libgcrypt: 40 bits minimum */
	CU_ASSERT_EQUAL(pt_rc4_setkey(&r, (const uint8_t *)"Key\0\0", 5), PT_OK);
	memcpy(buf, "Plaintext", 9);
	CU_ASSERT_EQUAL(pt_rc4_crypt(&r, buf, 9), PT_OK);
	CU_ASSERT_EQUAL(pt_rc4_setkey(&r, (const uint8_t *)"Key\0\0", 5), PT_OK);
	CU_ASSERT_EQUAL(pt_rc4_crypt(&r, buf, 9), PT_OK);
	CU_ASSERT(memcmp(buf, "Plaintext", 9) == 0);
	/* "Secret" / "Attack at dawn" */
	{
		uint8_t m[14], w[14];
		CU_ASSERT_FATAL(ut_vec_len("rc4_plaintext") == 14 && ut_vec_len("rc4_key") == 6);
		memcpy(m, ut_vec("rc4_plaintext", 14), 14);
		CU_ASSERT_EQUAL(pt_rc4_setkey(&r, ut_vec("rc4_key", 6), 6), PT_OK);
		CU_ASSERT_EQUAL(pt_rc4_crypt(&r, m, 14), PT_OK);
		memcpy(w, ut_vec("rc4_ciphertext", 14), 14);
		CU_ASSERT(memcmp(m, w, 14) == 0);
		/* pt_rc4_crypt_to: the same key stream, from one buffer into another, the input left as it was */
		{
			uint8_t o[14];
			memcpy(m, "Attack at dawn", 14);
			CU_ASSERT_EQUAL(pt_rc4_setkey(&r, (const uint8_t *)"Secret", 6), PT_OK);
			CU_ASSERT_EQUAL(pt_rc4_crypt_to(&r, o, m, 14), PT_OK);
			CU_ASSERT(memcmp(o, w, 14) == 0);
			CU_ASSERT(memcmp(m, "Attack at dawn", 14) == 0);
			CU_ASSERT_EQUAL(pt_rc4_crypt_to(&r, o, m, 0), PT_OK);
		}
	}
	pt_rc4_close(&r);
	pt_rc4_close(&r);
	CU_ASSERT_EQUAL(pt_rc4_crypt(&r, buf, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_rc4_crypt_to(&r, buf, buf, 1), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_rc4_setkey(&r, buf, 8), PT_ESTATE);
}

static void test_wipe_ct(void)
{
	uint8_t a[32], b[32];

	memset(a, 0x5a, sizeof a);
	memcpy(b, a, sizeof b);
	CU_ASSERT(pt_ct_equal(a, b, sizeof a));
	b[31] ^= 1;
	CU_ASSERT(!pt_ct_equal(a, b, sizeof a));
	CU_ASSERT(pt_ct_equal(a, b, 0));
	pt_wipe(a, sizeof a);
	for (size_t i = 0; i < sizeof a; i++)
		CU_ASSERT_EQUAL(a[i], 0);
}

/* ---- passwords ---- */

static void test_utf16(void)
{
	static const struct {
		const char *in;
		const char *hex;
	} ok[] = {
		{ "", "" },
		{ "Ab", "41006200" },
		{ "\xc3\xa9", "e900" },                 /* U+00E9 */
		{ "\xe2\x82\xac", "ac20" },             /* U+20AC */
		{ "\xef\xbf\xbd", "fdff" },             /* U+FFFD */
		{ "\xf0\x9f\x98\x80", "3dd800de" },     /* U+1F600: surrogate pair */
		{ "\xf4\x8f\xbf\xbf", "ffdbffdf" },     /* U+10FFFF */
		{ "a\xd0\x96z", "610016047a00" },       /* U+0416 between ASCII */
	};
	static const char *const bad[] = {
		"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xff", "\xe2\x82", "\xc3", "\xf0\x9f\x98", "\xc3\x28",
	};
	uint8_t out[64], want[64];
	size_t n;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		int wl = ut_hex(ok[i].hex, want, sizeof want);
		CU_ASSERT_EQUAL(pt_utf8_to_utf16le(ok[i].in, strlen(ok[i].in), out, sizeof out, &n), PT_OK);
		CU_ASSERT_EQUAL(n, (size_t)wl);
		CU_ASSERT(memcmp(out, want, n) == 0);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CU_ASSERT_EQUAL(pt_utf8_to_utf16le(bad[i], strlen(bad[i]), out, sizeof out, &n), PT_EINVAL);
	/* room: 2 octets per unit, 4 for a pair */
	CU_ASSERT_EQUAL(pt_utf8_to_utf16le("abc", 3, out, 5, &n), PT_ENOSPC);
	CU_ASSERT_EQUAL(pt_utf8_to_utf16le("\xf0\x9f\x98\x80", 4, out, 3, &n), PT_ENOSPC);
	/* an embedded NUL passes as U+0000 when the length says so */
	CU_ASSERT_EQUAL(pt_utf8_to_utf16le("a\0b", 3, out, sizeof out, &n), PT_OK);
	CU_ASSERT_EQUAL(n, 6);
}

static void test_nt_hash(void)
{
	uint8_t h[16], w[16], uni[8];
	char pw[300];
	pt_iov v = { uni, 0 };

	/* the well-known NT hash of "password" (vectors/primitives.txt) */
	CU_ASSERT_FATAL(ut_vec_load("vectors/primitives.txt") > 0);
	CU_ASSERT_EQUAL(pt_nt_password_hash("password", h), PT_OK);
	EQV(h, "nt_hash_of_password", 16);
	/* empty password: MD4 of nothing */
	CU_ASSERT_EQUAL(pt_nt_password_hash("", h), PT_OK);
	EQV(h, "md4_empty", 16);
	/* non-ASCII: MD4 over the UTF-16LE octets, including a surrogate pair */
	memcpy(uni, "\xe9\x00\x3d\xd8\x00\xde", 6);
	v.len = 6;
	CU_ASSERT_EQUAL(pt_md4(&v, 1, w), PT_OK);
	CU_ASSERT_EQUAL(pt_nt_password_hash("\xc3\xa9\xf0\x9f\x98\x80", h), PT_OK);
	CU_ASSERT(memcmp(h, w, 16) == 0);
	CU_ASSERT_EQUAL(pt_nt_password_hash("\xc3\x28", h), PT_EINVAL);
	/* RFC 2759 8.1: up to 256 unicode characters */
	memset(pw, 'a', 256);
	pw[256] = '\0';
	CU_ASSERT_EQUAL(pt_nt_password_hash(pw, h), PT_OK);
	pw[256] = 'a';
	pw[257] = '\0';
	CU_ASSERT_EQUAL(pt_nt_password_hash(pw, h), PT_EINVAL);
}

static void test_lm_hash(void)
{
	uint8_t h[16], h2[16], w[16];

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc3079-2.5.txt") > 0);
	CU_ASSERT_EQUAL(pt_lm_password_hash(S("password"), h), PT_OK);
	CU_ASSERT(memcmp(h, ut_vec("lm_password_hash", 16), 16) == 0);
	/* case-insensitive */
	CU_ASSERT_EQUAL(pt_lm_password_hash("CLIENTPASS", h2), PT_OK);
	CU_ASSERT(memcmp(h, h2, 16) == 0);
	/* the empty LM hash: both halves DES under the (weak) zero key (vectors/primitives.txt) */
	CU_ASSERT_FATAL(ut_vec_load("vectors/primitives.txt") > 0);
	CU_ASSERT_EQUAL(pt_lm_password_hash("", h), PT_OK);
	memcpy(w, ut_vec("lm_hash_empty", 16), 16);
	CU_ASSERT(memcmp(h, w, 16) == 0);
	/* 7 characters or fewer: the second half is the empty half */
	CU_ASSERT_EQUAL(pt_lm_password_hash("abcdefg", h), PT_OK);
	CU_ASSERT(memcmp(h + 8, w, 8) == 0);
	CU_ASSERT_EQUAL(pt_lm_password_hash("abcdefghijklmn", h), PT_OK);
	CU_ASSERT_EQUAL(pt_lm_password_hash("abcdefghijklmno", h), PT_EUNSUP);
	CU_ASSERT_EQUAL(pt_lm_password_hash("\xc3\xa9", h), PT_EUNSUP);
}

/* ---- MS-CHAPv1 ---- */

static void test_rfc2433(void)
{
	uint8_t h[16], r[24], k8[8];

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2433-B.txt") > 0);
	CU_ASSERT_EQUAL(pt_nt_password_hash(S("password"), h), PT_OK);
	CU_ASSERT(memcmp(h, ut_vec("nt_password_hash", 16), 16) == 0);
	{
		uint8_t uni[16];
		size_t n;
		CU_ASSERT_EQUAL(pt_utf8_to_utf16le(S("password"), 4, uni, sizeof uni, &n), PT_OK);
		CU_ASSERT_EQUAL(n, 8);
		CU_ASSERT(memcmp(uni, ut_vec("password_unicode", 8), 8) == 0);
	}
	CU_ASSERT_EQUAL(pt_mschap1_nt_response(ut_vec("challenge", 8), h, r), PT_OK);
	CU_ASSERT(memcmp(r, ut_vec("nt_challenge_response", 24), 24) == 0);
	CU_ASSERT_EQUAL(pt_challenge_response(ut_vec("challenge", 8), h, r), PT_OK);
	CU_ASSERT(memcmp(r, ut_vec("nt_challenge_response", 24), 24) == 0);
	/* B.3 */
	CU_ASSERT(memcmp(h, ut_vec("des_raw_key_1", 7), 7) == 0);
	CU_ASSERT(memcmp(h + 7, ut_vec("des_raw_key_2", 7), 7) == 0);
	pt_des_key_expand(h, k8);
	CU_ASSERT(memcmp(k8, ut_vec("des_key_1", 8), 8) == 0);
	pt_des_key_expand(h + 7, k8);
	CU_ASSERT(memcmp(k8, ut_vec("des_key_2", 8), 8) == 0);
}

/* ---- MS-CHAPv2 ---- */

static void test_rfc2759(void)
{
	const uint8_t *auth, *peer;
	const char *user;
	uint8_t h[16], hh[16], ch[8], r[24];
	char s[PT_MSCHAP2_AUTHRESP_LEN + 1];

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2759-9.2.txt") > 0);
	auth = ut_vec("authenticator_challenge", 16);
	peer = ut_vec("peer_challenge", 16);
	user = S("user_name");
	CU_ASSERT_PTR_NOT_NULL_FATAL(auth);
	CU_ASSERT_PTR_NOT_NULL_FATAL(peer);
	CU_ASSERT_PTR_NOT_NULL_FATAL(user);
	CU_ASSERT(memcmp(user, ut_vec("user_name_octets", 4), 4) == 0);
	{
		uint8_t uni[64];
		size_t n;
		CU_ASSERT_EQUAL(pt_utf8_to_utf16le(S("password"), strlen(S("password")), uni, sizeof uni, &n), PT_OK);
		CU_ASSERT_EQUAL(n, 20);
		CU_ASSERT(memcmp(uni, ut_vec("password_unicode", 20), 20) == 0);
	}
	CU_ASSERT_EQUAL(pt_nt_password_hash(S("password"), h), PT_OK);
	CU_ASSERT(memcmp(h, ut_vec("password_hash", 16), 16) == 0);
	CU_ASSERT_EQUAL(pt_nt_hash_hash(h, hh), PT_OK);
	CU_ASSERT(memcmp(hh, ut_vec("password_hash_hash", 16), 16) == 0);
	CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, user, 4, PT_MSCHAP_USER_STRIP_DOMAIN, ch), PT_OK);
	CU_ASSERT(memcmp(ch, ut_vec("challenge", 8), 8) == 0);
	CU_ASSERT_EQUAL(pt_mschap2_nt_response(auth, peer, user, 4, PT_MSCHAP_USER_AS_SENT, h, r), PT_OK);
	CU_ASSERT(memcmp(r, ut_vec("nt_response", 24), 24) == 0);
	CU_ASSERT_EQUAL(pt_mschap2_auth_response(h, r, peer, auth, user, 4, PT_MSCHAP_USER_STRIP_DOMAIN, s), PT_OK);
	CU_ASSERT_STRING_EQUAL(s, S("authenticator_response"));
	CU_ASSERT_EQUAL(strlen(s), PT_MSCHAP2_AUTHRESP_LEN);

	/* domain handling: RFC 2759 4 strips "DOMAIN\" */
	CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, "BIGCO\\User", 10, PT_MSCHAP_USER_STRIP_DOMAIN, ch), PT_OK);
	CU_ASSERT(memcmp(ch, ut_vec("challenge", 8), 8) == 0);
	CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, "A\\B\\User", 8, PT_MSCHAP_USER_STRIP_DOMAIN, ch), PT_OK);
	CU_ASSERT(memcmp(ch, ut_vec("challenge", 8), 8) == 0);
	CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, "BIGCO\\User", 10, PT_MSCHAP_USER_AS_SENT, ch), PT_OK);
	CU_ASSERT(memcmp(ch, ut_vec("challenge", 8), 8) != 0);
	CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, "User", 4, PT_MSCHAP_USER_AUTO, ch), PT_EINVAL);
	/* empty user name and 256/257 octets */
	CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, "", 0, PT_MSCHAP_USER_AS_SENT, ch), PT_OK);
	{
		char big[257];
		memset(big, 'u', sizeof big);
		CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, big, 256, PT_MSCHAP_USER_AS_SENT, ch), PT_OK);
		CU_ASSERT_EQUAL(pt_mschap2_challenge_hash(peer, auth, big, 257, PT_MSCHAP_USER_AS_SENT, ch), PT_EINVAL);
	}
}

static void test_auth_response_check(void)
{
	const uint8_t *auth, *peer, *r;
	uint8_t h[16];
	char m[128];
	const char *good;

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2759-9.2.txt") > 0);
	auth = ut_vec("authenticator_challenge", 16);
	peer = ut_vec("peer_challenge", 16);
	r = ut_vec("nt_response", 24);
	good = S("authenticator_response");
	CU_ASSERT_EQUAL(pt_nt_password_hash(S("password"), h), PT_OK);

#define CHECK(msg, len) pt_mschap2_check_auth_response(h, r, peer, auth, "User", 4, PT_MSCHAP_USER_STRIP_DOMAIN, msg, len)
	CU_ASSERT_EQUAL(CHECK(good, strlen(good)), PT_OK);
	snprintf(m, sizeof m, "%s M=Access granted", good);
	CU_ASSERT_EQUAL(CHECK(m, strlen(m)), PT_OK);
	/* lowercase digits decode to the same number */
	snprintf(m, sizeof m, "%s", good);
	for (int i = 2; m[i]; i++)
		m[i] = (char)tolower((unsigned char)m[i]);
	CU_ASSERT(strcmp(m, good) != 0);
	CU_ASSERT_EQUAL(CHECK(m, strlen(m)), PT_OK);
	/* forged: one digit off, anywhere */
	for (int i = 2; i < PT_MSCHAP2_AUTHRESP_LEN; i++) {
		snprintf(m, sizeof m, "%s", good);
		m[i] = m[i] == '0' ? '1' : '0';
		CU_ASSERT_EQUAL(CHECK(m, strlen(m)), PT_AUTH_MISMATCH);
	}
	/* malformed: every truncation, wrong tag, non-hex, no space before the rest */
	for (size_t n = 0; n < PT_MSCHAP2_AUTHRESP_LEN; n++)
		CU_ASSERT_EQUAL(CHECK(good, n), PT_EINVAL);
	snprintf(m, sizeof m, "%s", good);
	m[0] = 'X';
	CU_ASSERT_EQUAL(CHECK(m, 42), PT_EINVAL);
	snprintf(m, sizeof m, "%s", good);
	m[41] = 'G';
	CU_ASSERT_EQUAL(CHECK(m, 42), PT_EINVAL);
	snprintf(m, sizeof m, "%sM=x", good);
	CU_ASSERT_EQUAL(CHECK(m, 45), PT_EINVAL);
	/* a different password, or the user name with its domain */
	CU_ASSERT_EQUAL(pt_mschap2_check_auth_response(h, r, peer, auth, "BIGCO\\User", 10, PT_MSCHAP_USER_AS_SENT, good,
	                                               strlen(good)),
	                PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_mschap2_check_auth_response(h, r, peer, auth, "BIGCO\\User", 10, PT_MSCHAP_USER_STRIP_DOMAIN,
	                                               good, strlen(good)),
	                PT_OK);
#undef CHECK
}

static void test_chap_md5(void)
{
	uint8_t out[16], chal[16];

	/* MD5(id || secret || challenge): vectors/primitives.txt (recomputed with openssl dgst -md5) */
	CU_ASSERT_FATAL(ut_vec_load("vectors/primitives.txt") > 0);
	for (int k = 1; k <= 2; k++) {
		char n[4][32];
		const uint8_t *id;
		const char *sec;

		snprintf(n[0], sizeof n[0], "chap_md5_%d_id", k);
		snprintf(n[1], sizeof n[1], "chap_md5_%d_secret", k);
		snprintf(n[2], sizeof n[2], "chap_md5_%d_challenge", k);
		snprintf(n[3], sizeof n[3], "chap_md5_%d_response", k);
		id = ut_vec(n[0], 1);
		sec = S(n[1]);
		CU_ASSERT_FATAL(id && sec && ut_vec(n[2], 16));
		memcpy(chal, ut_vec(n[2], 16), 16);
		CU_ASSERT_EQUAL(pt_chap_md5_response(*id, sec, strlen(sec), chal, 16, out), PT_OK);
		EQV(out, n[3], 16);
	}
	/* empty challenge still hashes id and secret */
	CU_ASSERT_EQUAL(pt_chap_md5_response(1, "x", 1, chal, 0, out), PT_OK);
}

/* ---- credentials ---- */

static void test_cred_setup(void)
{
	pt_cred c;
	char big[300];

	CU_ASSERT_EQUAL(pt_cred_from_password(&c, "User", "clientPass"), PT_OK);
	CU_ASSERT_STRING_EQUAL(c.user, "User");
	CU_ASSERT(c.has_password && c.has_nt_hash && c.has_lm_hash);
	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2759-9.2.txt") > 0);
	CU_ASSERT(memcmp(c.nt_hash, ut_vec("password_hash", 16), 16) == 0);
	pt_cred_wipe(&c);
	for (size_t i = 0; i < sizeof c; i++)
		CU_ASSERT_EQUAL_FATAL(((uint8_t *)&c)[i], 0);

	/* long or non-ASCII passwords have no LM hash */
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, "u", "a-much-longer-password"), PT_OK);
	CU_ASSERT(c.has_nt_hash && !c.has_lm_hash);
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, "u", "p\xc3\xa4ss"), PT_OK);
	CU_ASSERT(c.has_nt_hash && !c.has_lm_hash);
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, "u", "bad\xc3"), PT_EINVAL);
	CU_ASSERT(!c.has_password && !c.has_nt_hash);
	memset(big, 'x', sizeof big);
	big[256] = '\0';
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, "u", big), PT_OK);
	big[256] = 'x';
	big[257] = '\0';
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, "u", big), PT_EINVAL);
	big[255] = '\0';
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, big, "p"), PT_OK);
	big[255] = 'x';
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, big, "p"), PT_EINVAL);

	{
		/* RFC 2759 9.2's hash as hex, upper and lower case mixed; then one digit short, one long, a non-digit */
		char hx[40];
		snprintf(hx, sizeof hx, "%s", vhex("password_hash", 16));
		CU_ASSERT_FATAL(strlen(hx) == 32);
		hx[30] = (char)tolower((unsigned char)hx[30]);
		hx[31] = (char)tolower((unsigned char)hx[31]);
		CU_ASSERT_EQUAL(pt_cred_from_nt_hash_hex(&c, "User", hx), PT_OK);
	CU_ASSERT(c.has_nt_hash && !c.has_password && !c.has_lm_hash);
	CU_ASSERT(memcmp(c.nt_hash, ut_vec("password_hash", 16), 16) == 0);
		hx[31] = '\0';
		CU_ASSERT_EQUAL(pt_cred_from_nt_hash_hex(&c, "User", hx), PT_EINVAL);
		snprintf(hx, sizeof hx, "%se", vhex("password_hash", 16));
		CU_ASSERT_EQUAL(pt_cred_from_nt_hash_hex(&c, "User", hx), PT_EINVAL);
		snprintf(hx, sizeof hx, "%s", vhex("password_hash", 16));
		hx[31] = 'g';
		CU_ASSERT_EQUAL(pt_cred_from_nt_hash_hex(&c, "User", hx), PT_EINVAL);
	}
	CU_ASSERT(!c.has_nt_hash);
	pt_cred_wipe(&c);
}

static void test_cred_verify_simple(void)
{
	pt_cred pw, hash;
	uint8_t chal[16], resp[16];

	CU_ASSERT_EQUAL(pt_cred_from_password(&pw, "alice", "s3cret"), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_from_nt_hash_hex(&hash, "alice", "00112233445566778899aabbccddeeff"), PT_OK);
	/* PAP */
	CU_ASSERT_EQUAL(pt_cred_verify_pap(&pw, (const uint8_t *)"s3cret", 6), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_pap(&pw, (const uint8_t *)"s3cre", 5), PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_pap(&pw, (const uint8_t *)"s3creT", 6), PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_pap(&hash, (const uint8_t *)"s3cret", 6), PT_EUNSUP);
	/* CHAP-MD5 */
	memset(chal, 0xa5, sizeof chal);
	CU_ASSERT_EQUAL(pt_chap_md5_response(9, "s3cret", 6, chal, 16, resp), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_chap_md5(&pw, 9, chal, 16, resp, 16), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_chap_md5(&pw, 10, chal, 16, resp, 16), PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_chap_md5(&pw, 9, chal, 15, resp, 16), PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_chap_md5(&pw, 9, chal, 16, resp, 15), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_cred_verify_chap_md5(&hash, 9, chal, 16, resp, 16), PT_EUNSUP);
	pt_cred_wipe(&pw);
	pt_cred_wipe(&hash);
}

static void test_cred_verify_mschap1(void)
{
	pt_cred c, longpw, hash;
	uint8_t lm[24], nt[24];
	const uint8_t *chal;

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2433-B.txt") > 0);
	chal = ut_vec("challenge", 8);
	CU_ASSERT_EQUAL(pt_cred_from_password(&c, "u", "MyPw"), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&c, chal, NULL, ut_vec("nt_challenge_response", 24), 1), PT_OK);
	memcpy(nt, ut_vec("nt_challenge_response", 24), 24);
	nt[23] ^= 0x80;
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&c, chal, NULL, nt, 1), PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&c, chal, NULL, NULL, 1), PT_EINVAL);
	/* LAN Manager path */
	CU_ASSERT_EQUAL(pt_mschap1_lm_response(chal, c.lm_hash, lm), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&c, chal, lm, NULL, 0), PT_OK);
	lm[0] ^= 1;
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&c, chal, lm, NULL, 0), PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&c, chal, NULL, NULL, 0), PT_EINVAL);
	/* no LM hash for a 15-character password; an NT hash alone serves NT responses */
	CU_ASSERT_EQUAL(pt_cred_from_password(&longpw, "u", "fifteen-chars!!"), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&longpw, chal, lm, NULL, 0), PT_EUNSUP);
	CU_ASSERT_EQUAL(pt_cred_from_nt_hash_hex(&hash, "u", vhex("nt_password_hash", 16)), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&hash, chal, NULL, ut_vec("nt_challenge_response", 24), 1), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap1(&hash, chal, lm, NULL, 0), PT_EUNSUP);
	pt_cred_wipe(&c);
	pt_cred_wipe(&longpw);
	pt_cred_wipe(&hash);
}

static void test_cred_verify_mschap2(void)
{
	pt_cred pw, hash, other;
	const uint8_t *auth, *peer, *r;
	const char *good;
	uint8_t dom_resp[24];
	char dom_s[PT_MSCHAP2_AUTHRESP_LEN + 1];
	int mode = -1;

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2759-9.2.txt") > 0);
	auth = ut_vec("authenticator_challenge", 16);
	peer = ut_vec("peer_challenge", 16);
	r = ut_vec("nt_response", 24);
	good = S("authenticator_response");
	CU_ASSERT_EQUAL(pt_cred_from_password(&pw, "User", "clientPass"), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_from_nt_hash_hex(&hash, "User", vhex("password_hash", 16)), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_from_password(&other, "User", "clientPasS"), PT_OK);

	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&pw, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO, &mode), PT_OK);
	CU_ASSERT_EQUAL(mode, PT_MSCHAP_USER_STRIP_DOMAIN);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&hash, auth, peer, "User", 4, r, PT_MSCHAP_USER_STRIP_DOMAIN, NULL), PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&other, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO, NULL),
	                PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&hash, peer, auth, "User", 4, r, PT_MSCHAP_USER_AUTO, NULL),
	                PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&hash, auth, peer, "User", 4, r, 7, NULL), PT_EINVAL);
	/* "BIGCO\User": RFC-conformant peers hash "User" */
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&hash, auth, peer, "BIGCO\\User", 10, r, PT_MSCHAP_USER_AUTO, &mode), PT_OK);
	CU_ASSERT_EQUAL(mode, PT_MSCHAP_USER_STRIP_DOMAIN);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&hash, auth, peer, "BIGCO\\User", 10, r, PT_MSCHAP_USER_AS_SENT, NULL),
	                PT_AUTH_MISMATCH);
	/* a peer that hashed the whole name: AUTO finds it, STRIP does not */
	CU_ASSERT_EQUAL(pt_mschap2_nt_response(auth, peer, "BIGCO\\User", 10, PT_MSCHAP_USER_AS_SENT, hash.nt_hash, dom_resp),
	                PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&hash, auth, peer, "BIGCO\\User", 10, dom_resp, PT_MSCHAP_USER_AUTO, &mode),
	                PT_OK);
	CU_ASSERT_EQUAL(mode, PT_MSCHAP_USER_AS_SENT);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&hash, auth, peer, "BIGCO\\User", 10, dom_resp,
	                                       PT_MSCHAP_USER_STRIP_DOMAIN, NULL),
	                PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_mschap2_auth_response(hash.nt_hash, dom_resp, peer, auth, "BIGCO\\User", 10,
	                                         PT_MSCHAP_USER_AS_SENT, dom_s),
	                PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2_success(&hash, auth, peer, "BIGCO\\User", 10, dom_resp, PT_MSCHAP_USER_AUTO,
	                                               dom_s, strlen(dom_s)),
	                PT_OK);

	/* Success message: genuine, forged, malformed, and hash-only credential */
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2_success(&hash, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO, good,
	                                               strlen(good)),
	                PT_OK);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2_success(&other, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO, good,
	                                               strlen(good)),
	                PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2_success(&hash, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO,
	                                               "S=0000000000000000000000000000000000000000", 42),
	                PT_AUTH_MISMATCH);
	CU_ASSERT_EQUAL(pt_cred_verify_mschap2_success(&hash, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO,
	                                               "E=691 R=1", 9),
	                PT_EINVAL);
	{
		pt_cred none;
		memset(&none, 0, sizeof none);
		CU_ASSERT_EQUAL(pt_cred_verify_mschap2(&none, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO, NULL),
		                PT_EUNSUP);
		CU_ASSERT_EQUAL(pt_cred_verify_mschap2_success(&none, auth, peer, "User", 4, r, PT_MSCHAP_USER_AUTO, good,
		                                               strlen(good)),
		                PT_EUNSUP);
	}
	pt_cred_wipe(&pw);
	pt_cred_wipe(&hash);
	pt_cred_wipe(&other);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("crypto", NULL, NULL);
	UT_ADD(s, test_digests);
	UT_ADD(s, test_des_rc4);
	UT_ADD(s, test_wipe_ct);
	s = CU_add_suite("mschap", NULL, NULL);
	UT_ADD(s, test_utf16);
	UT_ADD(s, test_nt_hash);
	UT_ADD(s, test_lm_hash);
	UT_ADD(s, test_rfc2433);
	UT_ADD(s, test_rfc2759);
	UT_ADD(s, test_auth_response_check);
	UT_ADD(s, test_chap_md5);
	UT_ADD(s, test_cred_setup);
	UT_ADD(s, test_cred_verify_simple);
	UT_ADD(s, test_cred_verify_mschap1);
	UT_ADD(s, test_cred_verify_mschap2);
}
