/* mschap.c: password hashes and challenge responses of CHAP-MD5 (RFC 1994), MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759). */
#include <string.h>

#include "crypto.h"
#include "cursor.h"
#include "mschap.h"

/* RFC 2759 8.7: "Magic server to client signing constant" */
static const uint8_t auth_magic1[39] = {
	0x4D, 0x61, 0x67, 0x69, 0x63, 0x20, 0x73, 0x65, 0x72, 0x76,
	0x65, 0x72, 0x20, 0x74, 0x6F, 0x20, 0x63, 0x6C, 0x69, 0x65,
	0x6E, 0x74, 0x20, 0x73, 0x69, 0x67, 0x6E, 0x69, 0x6E, 0x67,
	0x20, 0x63, 0x6F, 0x6E, 0x73, 0x74, 0x61, 0x6E, 0x74
};

/* RFC 2759 8.7: "Pad to make it do more than one iteration" */
static const uint8_t auth_magic2[41] = {
	0x50, 0x61, 0x64, 0x20, 0x74, 0x6F, 0x20, 0x6D, 0x61, 0x6B,
	0x65, 0x20, 0x69, 0x74, 0x20, 0x64, 0x6F, 0x20, 0x6D, 0x6F,
	0x72, 0x65, 0x20, 0x74, 0x68, 0x61, 0x6E, 0x20, 0x6F, 0x6E,
	0x65, 0x20, 0x69, 0x74, 0x65, 0x72, 0x61, 0x74, 0x69, 0x6F,
	0x6E
};

/* RFC 2433 A.3: the known text DesHash() encrypts */
static const uint8_t lm_std_text[8] = { 'K', 'G', 'S', '!', '@', '#', '$', '%' };

static const char hex_upper[] = "0123456789ABCDEF";

/* ---- UTF-8 to UTF-16LE ---- */

static int put_unit(uint8_t *out, size_t cap, size_t *n, uint32_t u)
{
	if (cap - *n < 2)
		return PT_ENOSPC;
	out[(*n)++] = (uint8_t)u;
	out[(*n)++] = (uint8_t)(u >> 8);
	return PT_OK;
}

int pt_utf8_to_utf16le(const char *s, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	const uint8_t *b = (const uint8_t *)s;
	size_t i = 0, n = 0;
	int rc;

	while (i < len) {
		uint8_t c = b[i];
		uint32_t cp, min;
		size_t more;

		if (c < 0x80) {
			cp = c;
			more = 0;
			min = 0;
		} else if ((c & 0xe0) == 0xc0) {
			cp = c & 0x1fu;
			more = 1;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			cp = c & 0x0fu;
			more = 2;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			cp = c & 0x07u;
			more = 3;
			min = 0x10000;
		} else {
			return PT_EINVAL; /* continuation byte or 0xf8.. lead */
		}
		if (len - i - 1 < more)
			return PT_EINVAL; /* sequence cut short */
		for (size_t k = 1; k <= more; k++) {
			if ((b[i + k] & 0xc0) != 0x80)
				return PT_EINVAL;
			cp = (cp << 6) | (b[i + k] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return PT_EINVAL; /* overlong, beyond Unicode, or a lone surrogate */
		i += more + 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			rc = put_unit(out, cap, &n, 0xd800 | (cp >> 10));
			if (rc == PT_OK)
				rc = put_unit(out, cap, &n, 0xdc00 | (cp & 0x3ff));
		} else {
			rc = put_unit(out, cap, &n, cp);
		}
		if (rc != PT_OK)
			return rc;
	}
	*outlen = n;
	return PT_OK;
}

/* ---- hashes ---- */

int pt_nt_password_hash(const char *pw_utf8, uint8_t out[PT_NT_HASH_LEN])
{
	uint8_t uni[PT_MSCHAP_PW_MAX * 2];
	size_t n = 0;
	pt_iov v;
	int rc;

	rc = pt_utf8_to_utf16le(pw_utf8, strlen(pw_utf8), uni, sizeof uni, &n);
	if (rc == PT_ENOSPC)
		rc = PT_EINVAL; /* RFC 2759 8.1: 0-to-256-unicode-char Password */
	if (rc == PT_OK) {
		/* RFC 2759 8.3: MD4 of the password, no terminating 0 */
		v.p = uni;
		v.len = n;
		rc = pt_md4(&v, 1, out);
	}
	pt_wipe(uni, sizeof uni);
	return rc;
}

int pt_nt_hash_hash(const uint8_t nt_hash[PT_NT_HASH_LEN], uint8_t out[PT_NT_HASH_LEN])
{
	pt_iov v = { nt_hash, PT_NT_HASH_LEN };

	/* RFC 2759 8.4: HashNtPasswordHash = MD4(PasswordHash) */
	return pt_md4(&v, 1, out);
}

int pt_lm_password_hash(const char *pw, uint8_t out[PT_LM_HASH_LEN])
{
	uint8_t up[PT_LM_PW_MAX];
	size_t len = strlen(pw);
	int rc;

	if (len > PT_LM_PW_MAX)
		return PT_EUNSUP;
	/* RFC 2433 A.2: uppercased, zero padded to 14 characters */
	memset(up, 0, sizeof up);
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = (uint8_t)pw[i];

		if (ch >= 0x80)
			return PT_EUNSUP; /* OEM code pages are not modelled */
		up[i] = (ch >= 'a' && ch <= 'z') ? (uint8_t)(ch - 'a' + 'A') : ch;
	}
	/* RFC 2433 A.3: DesHash(half) = DES("KGS!@#$%") keyed by the half */
	rc = pt_des_encrypt7(up, lm_std_text, out);
	if (rc == PT_OK)
		rc = pt_des_encrypt7(up + 7, lm_std_text, out + 8);
	pt_wipe(up, sizeof up);
	return rc;
}

int pt_challenge_response(const uint8_t chal[8], const uint8_t hash[16], uint8_t out[PT_MSCHAP_RESP_LEN])
{
	uint8_t z[21];
	int rc = PT_OK;

	/* RFC 2759 8.5: ZPasswordHash is the hash zero-padded to 21 octets */
	memset(z, 0, sizeof z);
	memcpy(z, hash, 16);
	for (int i = 0; i < 3 && rc == PT_OK; i++)
		rc = pt_des_encrypt7(z + 7 * i, chal, out + 8 * i);
	pt_wipe(z, sizeof z);
	return rc;
}

/* ---- MS-CHAPv2 ---- */

/* The name as hashed: RFC 2759 4: "only the user name is used, without any associated Windows NT domain name" */
static void user_part(const char **user, size_t *len, int mode)
{
	pt_cursor c = pt_cur(*user, *len);
	size_t cut = 0;
	const uint8_t *rest = NULL;
	uint8_t ch;

	if (mode != PT_MSCHAP_USER_STRIP_DOMAIN)
		return;
	while (pt_get_u8(&c, &ch) == PT_OK)
		if (ch == '\\')
			cut = pt_off(&c);
	c = pt_cur(*user, *len);
	(void)pt_skip(&c, cut);
	*len -= cut;
	if (pt_get_bytes(&c, *len, &rest) == PT_OK)
		*user = (const char *)rest;
}

int pt_mschap2_challenge_hash(const uint8_t peer_chal[16], const uint8_t auth_chal[16], const char *user,
                              size_t user_len, int user_mode, uint8_t out[8])
{
	uint8_t d[PT_SHA1_LEN];
	pt_iov v[3];
	int rc;

	if (user_mode != PT_MSCHAP_USER_STRIP_DOMAIN && user_mode != PT_MSCHAP_USER_AS_SENT)
		return PT_EINVAL;
	if (user_len > 256)
		return PT_EINVAL; /* RFC 2759 8.2: 0-to-256-char UserName */
	user_part(&user, &user_len, user_mode);
	/* RFC 2759 8.2: SHA-1(PeerChallenge, AuthenticatorChallenge, UserName), first 8 octets */
	v[0].p = peer_chal;
	v[0].len = 16;
	v[1].p = auth_chal;
	v[1].len = 16;
	v[2].p = user;
	v[2].len = user_len;
	rc = pt_sha1(v, user_len ? 3 : 2, d);
	if (rc == PT_OK)
		memcpy(out, d, 8);
	return rc;
}

int pt_mschap2_nt_response(const uint8_t auth_chal[16], const uint8_t peer_chal[16], const char *user,
                           size_t user_len, int user_mode, const uint8_t nt_hash[PT_NT_HASH_LEN],
                           uint8_t out[PT_MSCHAP_RESP_LEN])
{
	uint8_t ch[8];
	int rc;

	/* RFC 2759 8.1: ChallengeResponse(ChallengeHash(...), NtPasswordHash) */
	rc = pt_mschap2_challenge_hash(peer_chal, auth_chal, user, user_len, user_mode, ch);
	if (rc == PT_OK)
		rc = pt_challenge_response(ch, nt_hash, out);
	return rc;
}

static int auth_digest(const uint8_t nt_hash[PT_NT_HASH_LEN], const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                       const uint8_t peer_chal[16], const uint8_t auth_chal[16], const char *user, size_t user_len,
                       int user_mode, uint8_t out[PT_SHA1_LEN])
{
	uint8_t hh[16], d[PT_SHA1_LEN], ch[8];
	pt_iov v[3];
	int rc;

	/* RFC 2759 8.7 */
	rc = pt_nt_hash_hash(nt_hash, hh);
	if (rc == PT_OK) {
		v[0].p = hh;
		v[0].len = sizeof hh;
		v[1].p = nt_resp;
		v[1].len = PT_MSCHAP_RESP_LEN;
		v[2].p = auth_magic1;
		v[2].len = sizeof auth_magic1;
		rc = pt_sha1(v, 3, d);
	}
	if (rc == PT_OK)
		rc = pt_mschap2_challenge_hash(peer_chal, auth_chal, user, user_len, user_mode, ch);
	if (rc == PT_OK) {
		v[0].p = d;
		v[0].len = sizeof d;
		v[1].p = ch;
		v[1].len = sizeof ch;
		v[2].p = auth_magic2;
		v[2].len = sizeof auth_magic2;
		rc = pt_sha1(v, 3, out);
	}
	pt_wipe(hh, sizeof hh);
	pt_wipe(d, sizeof d);
	return rc;
}

int pt_mschap2_auth_response(const uint8_t nt_hash[PT_NT_HASH_LEN], const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                             const uint8_t peer_chal[16], const uint8_t auth_chal[16], const char *user,
                             size_t user_len, int user_mode, char out[PT_MSCHAP2_AUTHRESP_LEN + 1])
{
	uint8_t d[PT_SHA1_LEN];
	int rc;

	rc = auth_digest(nt_hash, nt_resp, peer_chal, auth_chal, user, user_len, user_mode, d);
	if (rc != PT_OK)
		return rc;
	/* RFC 2759 5: 40 hexadecimal digits, A-F uppercase, after "S=" */
	out[0] = 'S';
	out[1] = '=';
	for (int i = 0; i < PT_SHA1_LEN; i++) {
		out[2 + 2 * i] = hex_upper[d[i] >> 4];
		out[3 + 2 * i] = hex_upper[d[i] & 15];
	}
	out[PT_MSCHAP2_AUTHRESP_LEN] = '\0';
	return PT_OK;
}

/* "S=" + 40 hex digits, then the end or a space (RFC 2759 5: "S=<auth_string> M=<message>") */
static int parse_success(const char *msg, size_t len, uint8_t out[PT_SHA1_LEN])
{
	pt_cursor c = pt_cur(msg, len);
	uint8_t s, eq, hi, lo, sp;

	if (pt_get_u8(&c, &s) != PT_OK || pt_get_u8(&c, &eq) != PT_OK || s != 'S' || eq != '=')
		return PT_EINVAL;
	for (int i = 0; i < PT_SHA1_LEN; i++) {
		if (pt_get_u8(&c, &hi) != PT_OK || pt_get_u8(&c, &lo) != PT_OK)
			return PT_EINVAL;
		if (pt_hexdigit((char)hi) < 0 || pt_hexdigit((char)lo) < 0)
			return PT_EINVAL;
		out[i] = (uint8_t)(pt_hexdigit((char)hi) << 4 | pt_hexdigit((char)lo));
	}
	if (pt_get_u8(&c, &sp) == PT_OK && sp != ' ')
		return PT_EINVAL;
	return PT_OK;
}

int pt_mschap2_check_auth_response(const uint8_t nt_hash[PT_NT_HASH_LEN], const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                                   const uint8_t peer_chal[16], const uint8_t auth_chal[16], const char *user,
                                   size_t user_len, int user_mode, const char *msg, size_t msg_len)
{
	uint8_t got[PT_SHA1_LEN], want[PT_SHA1_LEN];
	int rc;

	rc = parse_success(msg, msg_len, got);
	if (rc == PT_OK)
		rc = auth_digest(nt_hash, nt_resp, peer_chal, auth_chal, user, user_len, user_mode, want);
	/* RFC 2759 8.8: ResponseOK when MyResponse equals ReceivedResponse */
	if (rc == PT_OK && !pt_ct_equal(got, want, sizeof want))
		rc = PT_AUTH_MISMATCH;
	pt_wipe(want, sizeof want);
	return rc;
}

/* ---- MS-CHAPv1, CHAP-MD5 ---- */

int pt_mschap1_nt_response(const uint8_t chal[8], const uint8_t nt_hash[PT_NT_HASH_LEN], uint8_t out[PT_MSCHAP_RESP_LEN])
{
	/* RFC 2433 A.5: NtChallengeResponse */
	return pt_challenge_response(chal, nt_hash, out);
}

int pt_mschap1_lm_response(const uint8_t chal[8], const uint8_t lm_hash[PT_LM_HASH_LEN], uint8_t out[PT_MSCHAP_RESP_LEN])
{
	/* RFC 2433 A.1: LmChallengeResponse */
	return pt_challenge_response(chal, lm_hash, out);
}

int pt_chap_md5_response(uint8_t id, const void *secret, size_t secret_len, const uint8_t *chal, size_t chal_len,
                         uint8_t out[16])
{
	pt_iov v[3];
	size_t n = 0;

	/* RFC 1994 4.1: hash over Identifier, then the secret, then the Challenge Value */
	v[n].p = &id;
	v[n++].len = 1;
	if (secret_len) {
		v[n].p = secret;
		v[n++].len = secret_len;
	}
	if (chal_len) {
		v[n].p = chal;
		v[n++].len = chal_len;
	}
	return pt_md5(v, n, out);
}

/* ---- credentials ---- */

int pt_cred_from_password(pt_cred *c, const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password);
	int rc;

	memset(c, 0, sizeof *c);
	if (ul >= sizeof c->user || pl >= sizeof c->password)
		return PT_EINVAL;
	memcpy(c->user, user, ul);
	memcpy(c->password, password, pl);
	c->has_password = 1;
	rc = pt_nt_password_hash(password, c->nt_hash);
	if (rc != PT_OK) {
		pt_cred_wipe(c);
		return rc;
	}
	c->has_nt_hash = 1;
	/* not every password has a LAN Manager hash (long or non-ASCII): then none */
	c->has_lm_hash = pt_lm_password_hash(password, c->lm_hash) == PT_OK;
	return PT_OK;
}

int pt_cred_from_nt_hash_hex(pt_cred *c, const char *user, const char *hex)
{
	size_t ul = strlen(user);

	memset(c, 0, sizeof *c);
	if (ul >= sizeof c->user || strlen(hex) != 2 * PT_NT_HASH_LEN)
		return PT_EINVAL;
	for (int i = 0; i < PT_NT_HASH_LEN; i++) {
		int hi = pt_hexdigit(hex[2 * i]), lo = pt_hexdigit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			pt_cred_wipe(c);
			return PT_EINVAL;
		}
		c->nt_hash[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(c->user, user, ul);
	c->has_nt_hash = 1;
	return PT_OK;
}

void pt_cred_wipe(pt_cred *c)
{
	pt_wipe(c, sizeof *c);
}

int pt_cred_verify_pap(const pt_cred *c, const uint8_t *pw, size_t pw_len)
{
	size_t have;

	if (!c->has_password)
		return PT_EUNSUP;
	have = strlen(c->password);
	/* RFC 1334 2.2.1: the Password field carries the password in clear */
	if (have != pw_len)
		return PT_AUTH_MISMATCH;
	return pt_ct_equal(c->password, pw, have) ? PT_OK : PT_AUTH_MISMATCH;
}

int pt_cred_verify_chap_md5(const pt_cred *c, uint8_t id, const uint8_t *chal, size_t chal_len,
                            const uint8_t *resp, size_t resp_len)
{
	uint8_t want[16];
	int rc;

	if (!c->has_password)
		return PT_EUNSUP;
	if (resp_len != sizeof want)
		return PT_EINVAL; /* RFC 1994 4.1: 16 octets for MD5 */
	rc = pt_chap_md5_response(id, c->password, strlen(c->password), chal, chal_len, want);
	if (rc == PT_OK && !pt_ct_equal(want, resp, sizeof want))
		rc = PT_AUTH_MISMATCH;
	pt_wipe(want, sizeof want);
	return rc;
}

int pt_cred_verify_mschap1(const pt_cred *c, const uint8_t chal[8], const uint8_t *lm_resp24,
                           const uint8_t *nt_resp24, int use_nt)
{
	uint8_t want[PT_MSCHAP_RESP_LEN];
	int rc;

	/* RFC 2433 6: flag 1 selects the Windows NT response, 0 the LAN Manager one */
	if (use_nt) {
		if (!nt_resp24)
			return PT_EINVAL;
		if (!c->has_nt_hash)
			return PT_EUNSUP;
		rc = pt_mschap1_nt_response(chal, c->nt_hash, want);
		if (rc == PT_OK && !pt_ct_equal(want, nt_resp24, sizeof want))
			rc = PT_AUTH_MISMATCH;
	} else {
		if (!lm_resp24)
			return PT_EINVAL;
		if (!c->has_lm_hash)
			return PT_EUNSUP;
		rc = pt_mschap1_lm_response(chal, c->lm_hash, want);
		if (rc == PT_OK && !pt_ct_equal(want, lm_resp24, sizeof want))
			rc = PT_AUTH_MISMATCH;
	}
	pt_wipe(want, sizeof want);
	return rc;
}

/* The user-name modes a verify call tries, in order. */
static int modes_for(int user_mode, int modes[2])
{
	switch (user_mode) {
	case PT_MSCHAP_USER_STRIP_DOMAIN:
	case PT_MSCHAP_USER_AS_SENT:
		modes[0] = user_mode;
		return 1;
	case PT_MSCHAP_USER_AUTO:
		modes[0] = PT_MSCHAP_USER_STRIP_DOMAIN;
		modes[1] = PT_MSCHAP_USER_AS_SENT;
		return 2;
	}
	return 0;
}

int pt_cred_verify_mschap2(const pt_cred *c, const uint8_t auth_chal[16], const uint8_t peer_chal[16],
                           const char *user, size_t user_len, const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                           int user_mode, int *mode_used)
{
	uint8_t want[PT_MSCHAP_RESP_LEN];
	int modes[2], n = modes_for(user_mode, modes), rc = PT_EINVAL;

	if (n == 0)
		return PT_EINVAL;
	if (!c->has_nt_hash)
		return PT_EUNSUP;
	for (int i = 0; i < n; i++) {
		rc = pt_mschap2_nt_response(auth_chal, peer_chal, user, user_len, modes[i], c->nt_hash, want);
		if (rc != PT_OK)
			break;
		if (pt_ct_equal(want, nt_resp, sizeof want)) {
			if (mode_used)
				*mode_used = modes[i];
			break;
		}
		rc = PT_AUTH_MISMATCH;
	}
	pt_wipe(want, sizeof want);
	return rc;
}

int pt_cred_verify_mschap2_success(const pt_cred *c, const uint8_t auth_chal[16], const uint8_t peer_chal[16],
                                   const char *user, size_t user_len, const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                                   int user_mode, const char *msg, size_t msg_len)
{
	int modes[2], n = modes_for(user_mode, modes), rc = PT_EINVAL;

	if (n == 0)
		return PT_EINVAL;
	if (!c->has_nt_hash)
		return PT_EUNSUP;
	for (int i = 0; i < n; i++) {
		rc = pt_mschap2_check_auth_response(c->nt_hash, nt_resp, peer_chal, auth_chal, user, user_len,
		                                    modes[i], msg, msg_len);
		if (rc != PT_AUTH_MISMATCH)
			break;
	}
	return rc;
}
