/* authpeer.c: both ends of PAP, CHAP-MD5, MS-CHAPv1 and MS-CHAPv2 (RFC 1334 2, RFC 1994 4, RFC 2433, RFC 2759) and the MPPE start keys of each end (RFC 3079), on lib/auth (packets) and lib/mschap (arithmetic). */
#include <string.h>

#include "auth.h"
#include "authpeer.h"
#include "crypto.h"
#include "mppe.h"
#include "ppp.h"

const pt_vs pt_authpeer_status_vs[] = {
	{ PT_AUTHS_IDLE, "idle" },
	{ PT_AUTHS_PENDING, "pending" },
	{ PT_AUTHS_SUCCESS, "success" },
	{ PT_AUTHS_FAILURE, "failure" },
	{ PT_AUTHS_FORGED, "forged" },
	{ 0, NULL }
};

#define PW_BUF (sizeof(((pt_cred *)0)->password) + 1)

static uint8_t alg_of(int method)
{
	switch (method) {
	case PT_AUTHM_CHAP_MD5:
		return PT_CHAP_ALG_MD5;
	case PT_AUTHM_MSCHAPV1:
		return PT_CHAP_ALG_MSCHAPV1;
	case PT_AUTHM_MSCHAPV2:
		return PT_CHAP_ALG_MSCHAPV2;
	default:
		return 0;
	}
}

uint16_t pt_authpeer_proto(int method)
{
	switch (method) {
	case PT_AUTHM_PAP:
		return PT_PPP_PAP;
	case PT_AUTHM_CHAP_MD5:
	case PT_AUTHM_MSCHAPV1:
	case PT_AUTHM_MSCHAPV2:
		return PT_PPP_CHAP;
	default:
		return 0;
	}
}

static void init_common(pt_authpeer *a, int side, int method, const pt_cred *cred, const pt_authpeer_knobs *knobs)
{
	memset(a, 0, sizeof *a);
	a->side = (uint8_t)side;
	a->method = (uint8_t)method;
	a->status = PT_AUTHS_IDLE;
	if (cred)
		a->cred = *cred;
	if (knobs)
		a->knobs = *knobs;
	memcpy(a->our_name, "pptp-suite", sizeof "pptp-suite");
}

void pt_authpeer_client_init(pt_authpeer *a, int method, const pt_cred *cred, const uint8_t peer_chal[16],
			     const pt_authpeer_knobs *knobs)
{
	init_common(a, PT_AUTH_CLIENT, method, cred, knobs);
	if (peer_chal)
		memcpy(a->peer_chal, peer_chal, sizeof a->peer_chal);
}

void pt_authpeer_server_init(pt_authpeer *a, int method, const pt_cred *cred, const uint8_t chal[16],
			     const pt_authpeer_knobs *knobs)
{
	init_common(a, PT_AUTH_SERVER, method, cred, knobs);
	/* RFC 2433 5: 8 octets; RFC 1994 4.1 (any; we send 16), RFC 2759 3: 16 */
	a->auth_chal_len = method == PT_AUTHM_MSCHAPV1 ? PT_MSCHAP1_CHAL_LEN : PT_MSCHAP2_CHAL_LEN;
	if (chal)
		memcpy(a->auth_chal, chal, a->auth_chal_len);
}

/* ---- the client's secrets (real, or another one for knobs.wrong_password) ---- */

static int client_password(const pt_authpeer *a, char out[PW_BUF])
{
	size_t n;

	if (!a->cred.has_password)
		return PT_EUNSUP;
	n = strnlen(a->cred.password, sizeof a->cred.password);
	memcpy(out, a->cred.password, n);
	out[n] = '\0';
	if (a->knobs.wrong_password) {
		/* another password: one character more, or the last one changed when at the limit */
		if (n < PT_MSCHAP_PW_MAX) {
			out[n] = 'x';
			out[n + 1] = '\0';
		} else {
			out[n - 1] = out[n - 1] == 'x' ? 'y' : 'x';
		}
	}
	return PT_OK;
}

static int client_nt_hash(const pt_authpeer *a, uint8_t out[PT_NT_HASH_LEN])
{
	if (a->cred.has_password && (a->knobs.wrong_password || !a->cred.has_nt_hash)) {
		char pw[PW_BUF];
		int rc = client_password(a, pw);

		if (rc == PT_OK)
			rc = pt_nt_password_hash(pw, out);
		pt_wipe(pw, sizeof pw);
		return rc;
	}
	if (!a->cred.has_nt_hash)
		return PT_EUNSUP;
	memcpy(out, a->cred.nt_hash, PT_NT_HASH_LEN);
	if (a->knobs.wrong_password)
		out[0] ^= 0x01; /* only a hash to go on: another hash */
	return PT_OK;
}

static int client_lm_hash(const pt_authpeer *a, uint8_t out[PT_LM_HASH_LEN])
{
	if (a->cred.has_password && a->knobs.wrong_password) {
		char pw[PW_BUF];
		int rc = client_password(a, pw);

		if (rc == PT_OK)
			rc = pt_lm_password_hash(pw, out);
		pt_wipe(pw, sizeof pw);
		return rc;
	}
	if (!a->cred.has_lm_hash)
		return PT_EUNSUP;
	memcpy(out, a->cred.lm_hash, PT_LM_HASH_LEN);
	return PT_OK;
}

/* ---- packets out ---- */

int pt_authpeer_resend(const pt_authpeer *a, pt_writer *w)
{
	if (!a->last_len)
		return 0;
	pt_put_bytes(w, a->last, a->last_len);
	return w->err ? w->err : 1;
}

/* Build into last (for retransmission), then copy to w. */
static int send_msg(pt_authpeer *a, const pt_auth_msg *m, pt_writer *w)
{
	pt_writer lw = pt_wr(a->last, sizeof a->last);
	int rc = pt_auth_build(m, &lw);

	if (rc != PT_OK) {
		pt_wipe(a->last, sizeof a->last);
		a->last_len = 0;
		return rc;
	}
	a->last_len = pt_wlen(&lw);
	return pt_authpeer_resend(a, w);
}

static pt_cursor str_cur(const char *s, size_t cap)
{
	return pt_cur(s, strnlen(s, cap));
}

int pt_authpeer_start(pt_authpeer *a, uint8_t id, pt_writer *w)
{
	pt_auth_msg m;
	uint16_t proto = pt_authpeer_proto(a->method);
	int rc;

	if (!proto)
		return PT_EUNSUP;
	memset(&m, 0, sizeof m);
	m.proto = proto;
	m.id = id;
	m.alg = alg_of(a->method);
	a->id = id;
	a->last_len = 0;
	if (a->side == PT_AUTH_CLIENT) {
		char pw[PW_BUF];

		a->status = PT_AUTHS_PENDING;
		if (a->method != PT_AUTHM_PAP)
			return 0; /* RFC 1994 4.1: the authenticator speaks first */
		rc = client_password(a, pw);
		if (rc != PT_OK)
			return rc;
		/* RFC 1334 2.2.1: Peer-ID and Password, each with a one-octet length */
		m.code = PT_PAP_AUTH_REQ;
		m.peer_id = str_cur(a->cred.user, sizeof a->cred.user);
		m.password = str_cur(pw, sizeof pw);
		if (pt_left(&m.peer_id) > 255 || pt_left(&m.password) > 255)
			rc = PT_EINVAL;
		else
			rc = send_msg(a, &m, w);
		pt_wipe(pw, sizeof pw);
		return rc;
	}
	a->status = PT_AUTHS_PENDING;
	if (a->method == PT_AUTHM_PAP)
		return 0; /* RFC 1334 2.2.1: the peer sends first */
	/* RFC 1994 4.1: Challenge Value and our Name */
	m.code = PT_CHAP_CHALLENGE;
	m.value = pt_cur(a->auth_chal, a->auth_chal_len);
	m.name = str_cur(a->our_name, sizeof a->our_name);
	return send_msg(a, &m, w);
}

/* ---- client ---- */

static int client_response(pt_authpeer *a, const pt_auth_msg *c, pt_writer *w)
{
	pt_cursor val = c->value;
	size_t n = pt_left(&val);
	const uint8_t *chal;
	uint8_t resp[PT_MSCHAP_RESP_LEN], lm[PT_MSCHAP_RESP_LEN], hash[16], md5[16];
	pt_auth_msg m;
	int rc;

	/* RFC 2433 5: 8 octets; RFC 2759 3: 16; RFC 1994 4.1: one or more */
	if (n == 0 || (a->method == PT_AUTHM_MSCHAPV1 && n != PT_MSCHAP1_CHAL_LEN) ||
	    (a->method == PT_AUTHM_MSCHAPV2 && n != PT_MSCHAP2_CHAL_LEN))
		return PT_EINVAL;
	(void)pt_get_bytes(&val, n, &chal);
	a->id = c->id;
	a->auth_chal_len = n < sizeof a->auth_chal ? n : sizeof a->auth_chal;
	memcpy(a->auth_chal, chal, a->auth_chal_len);
	a->has_nt_resp = 0;
	a->status = PT_AUTHS_PENDING;
	memset(&m, 0, sizeof m);
	memset(lm, 0, sizeof lm);
	memset(resp, 0, sizeof resp);
	m.proto = PT_PPP_CHAP;
	m.code = PT_CHAP_RESPONSE;
	m.id = c->id;
	m.alg = alg_of(a->method);
	/* RFC 1994 4.1: Name, our identification */
	m.name = str_cur(a->cred.user, sizeof a->cred.user);
	switch (a->method) {
	case PT_AUTHM_CHAP_MD5: {
		char pw[PW_BUF];

		rc = client_password(a, pw);
		if (rc == PT_OK)
			rc = pt_chap_md5_response(c->id, pw, strlen(pw), chal, n, md5);
		pt_wipe(pw, sizeof pw);
		m.value = pt_cur(md5, sizeof md5);
		break;
	}
	case PT_AUTHM_MSCHAPV1:
		/* RFC 2433 6: LM response (zero unless asked), NT response, use-NT flag */
		rc = PT_OK;
		if (!a->knobs.v1_lm_only) {
			rc = client_nt_hash(a, hash);
			if (rc == PT_OK)
				rc = pt_mschap1_nt_response(a->auth_chal, hash, resp);
		}
		if (rc == PT_OK && (a->knobs.v1_lm || a->knobs.v1_lm_only)) {
			rc = client_lm_hash(a, hash);
			if (rc == PT_OK)
				rc = pt_mschap1_lm_response(a->auth_chal, hash, lm);
		}
		m.ms_valid = 1;
		m.lm_resp = lm;
		m.nt_resp = resp;
		m.flags = a->knobs.v1_lm_only ? 0 : 1;
		if (rc == PT_OK && !a->knobs.v1_lm_only) {
			memcpy(a->nt_resp, resp, sizeof a->nt_resp);
			a->has_nt_resp = 1;
		}
		break;
	case PT_AUTHM_MSCHAPV2:
		/* RFC 2759 4: Peer-Challenge, 8 zero octets, NT-Response (8.1), Flags 0 */
		rc = client_nt_hash(a, hash);
		if (rc == PT_OK)
			rc = pt_mschap2_nt_response(a->auth_chal, a->peer_chal, a->cred.user,
						    strnlen(a->cred.user, sizeof a->cred.user),
						    PT_MSCHAP_USER_STRIP_DOMAIN, hash, resp);
		m.ms_valid = 1;
		m.peer_chal = a->peer_chal;
		m.nt_resp = resp;
		m.flags = 0;
		if (rc == PT_OK) {
			memcpy(a->nt_resp, resp, sizeof a->nt_resp);
			a->has_nt_resp = 1;
		}
		break;
	default:
		rc = PT_EUNSUP;
		break;
	}
	if (rc == PT_OK)
		rc = send_msg(a, &m, w);
	pt_wipe(hash, sizeof hash);
	pt_wipe(md5, sizeof md5);
	pt_wipe(lm, sizeof lm);
	pt_wipe(resp, sizeof resp);
	return rc;
}

/* RFC 2759 5, 8.8: does the Success message prove the server knows our password? */
static int client_check_success(const pt_authpeer *a, const pt_auth_msg *s)
{
	pt_cursor msg = s->message;
	size_t n = pt_left(&msg);
	const uint8_t *txt = NULL;
	uint8_t hash[16];
	int rc;

	if (!a->has_nt_resp || (n && pt_get_bytes(&msg, n, &txt) != PT_OK) || !txt)
		return PT_AUTH_MISMATCH;
	rc = client_nt_hash(a, hash);
	if (rc == PT_OK)
		rc = pt_mschap2_check_auth_response(hash, a->nt_resp, a->peer_chal, a->auth_chal, a->cred.user,
						    strnlen(a->cred.user, sizeof a->cred.user),
						    PT_MSCHAP_USER_STRIP_DOMAIN, (const char *)txt, n);
	pt_wipe(hash, sizeof hash);
	return rc;
}

static int client_input(pt_authpeer *a, const pt_auth_msg *m, pt_writer *w)
{
	if (m->proto == PT_PPP_PAP) {
		/* RFC 1334 2.2.2: the Identifier of the Authenticate-Request it answers */
		if ((m->code != PT_PAP_AUTH_ACK && m->code != PT_PAP_AUTH_NAK) || a->status != PT_AUTHS_PENDING ||
		    m->id != a->id)
			return PT_ESTATE;
		a->status = m->code == PT_PAP_AUTH_ACK ? PT_AUTHS_SUCCESS : PT_AUTHS_FAILURE;
		return 0;
	}
	switch (m->code) {
	case PT_CHAP_CHALLENGE:
		return client_response(a, m, w);
	case PT_CHAP_SUCCESS:
		if (a->status != PT_AUTHS_PENDING || m->id != a->id || !a->last_len)
			return PT_ESTATE;
		if (a->method == PT_AUTHM_MSCHAPV2 && !a->knobs.skip_s_check)
			/* RFC 2759 5: a Success whose S= is wrong did not come from who knows the password */
			a->status = client_check_success(a, m) == PT_OK ? PT_AUTHS_SUCCESS : PT_AUTHS_FORGED;
		else
			a->status = PT_AUTHS_SUCCESS; /* MS-CHAPv1 Success carries no S= (RFC 2433 7) */
		return 0;
	case PT_CHAP_FAILURE:
		if (a->status != PT_AUTHS_PENDING || m->id != a->id || !a->last_len)
			return PT_ESTATE;
		a->status = PT_AUTHS_FAILURE;
		if (m->failure_ok) {
			/* RFC 2433 8, RFC 2759 6: E= and R= */
			a->error = m->failure.error;
			a->retry = m->failure.retry;
		}
		return 0;
	default:
		return PT_ESTATE;
	}
}

/* ---- server ---- */

static const char *after_domain(const char *s, size_t n, size_t *rest)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '\\')
		i--;
	*rest = n - i;
	return s + i;
}

/* The Name / Peer-ID is our user; MS-CHAP names may carry "DOMAIN\" (RFC 2759 4: stripped for hashing). */
static int name_ok(const pt_authpeer *a, const pt_cursor *name)
{
	pt_cursor c = *name;
	size_t n = pt_left(&c), ul = strnlen(a->cred.user, sizeof a->cred.user), tn, tu;
	const uint8_t *p = NULL;
	const char *xn, *xu;

	if (n && pt_get_bytes(&c, n, &p) != PT_OK)
		return 0;
	if (n == ul && (n == 0 || memcmp(p, a->cred.user, n) == 0))
		return 1;
	if (a->method != PT_AUTHM_MSCHAPV1 && a->method != PT_AUTHM_MSCHAPV2)
		return 0;
	if (!p)
		return 0;
	xn = after_domain((const char *)p, n, &tn);
	xu = after_domain(a->cred.user, ul, &tu);
	return tn == tu && memcmp(xn, xu, tn) == 0;
}

static void copy_printable(char *dst, size_t cap, const pt_cursor *src)
{
	pt_cursor c = *src;
	size_t n = 0;
	uint8_t ch;

	while (n + 1 < cap && pt_get_u8(&c, &ch) == PT_OK)
		dst[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
	dst[n] = '\0';
}

static int server_pap(pt_authpeer *a, const pt_auth_msg *m, pt_writer *w)
{
	static const char ok[] = "Login ok", bad[] = "Login incorrect";
	pt_cursor pw = m->password;
	size_t n = pt_left(&pw);
	const uint8_t *p = NULL;
	pt_auth_msg r;
	int good;

	if (m->code != PT_PAP_AUTH_REQ)
		return PT_ESTATE;
	/* RFC 1334 2.2.1: a retransmitted request is answered again (the Ack may have been lost) */
	a->id = m->id;
	copy_printable(a->peer_name, sizeof a->peer_name, &m->peer_id);
	good = name_ok(a, &m->peer_id) && (n == 0 || pt_get_bytes(&pw, n, &p) == PT_OK) &&
	       pt_cred_verify_pap(&a->cred, p ? p : (const uint8_t *)"", n) == PT_OK;
	a->status = good ? PT_AUTHS_SUCCESS : PT_AUTHS_FAILURE;
	memset(&r, 0, sizeof r);
	r.proto = PT_PPP_PAP;
	r.code = good ? PT_PAP_AUTH_ACK : PT_PAP_AUTH_NAK;
	r.id = m->id;
	r.message = good ? pt_cur(ok, sizeof ok - 1) : pt_cur(bad, sizeof bad - 1);
	return send_msg(a, &r, w);
}

/* RFC 2759 6: the challenge a retry would use (derived, so runs stay reproducible). */
static void next_challenge(pt_authpeer *a)
{
	static const char label[] = "pptp-suite retry challenge";
	pt_iov v[2] = { { a->auth_chal, 16 }, { label, sizeof label - 1 } };
	uint8_t d[PT_SHA1_LEN];

	if (pt_sha1(v, 2, d) == PT_OK)
		memcpy(a->next_chal, d, sizeof a->next_chal);
	pt_wipe(d, sizeof d);
}

static int server_verify(pt_authpeer *a, const pt_auth_msg *m, const uint8_t *name, size_t nlen)
{
	pt_cursor val = m->value;
	size_t n = pt_left(&val);
	const uint8_t *v = NULL;
	int mode = PT_MSCHAP_USER_STRIP_DOMAIN, rc;

	switch (a->method) {
	case PT_AUTHM_CHAP_MD5:
		if (!n || pt_get_bytes(&val, n, &v) != PT_OK)
			return PT_EINVAL;
		return pt_cred_verify_chap_md5(&a->cred, m->id, a->auth_chal, a->auth_chal_len, v, n);
	case PT_AUTHM_MSCHAPV1:
		if (!m->ms_valid || !m->nt_resp)
			return PT_EINVAL;
		if (m->flags & 1) {
			memcpy(a->nt_resp, m->nt_resp, sizeof a->nt_resp);
			a->has_nt_resp = 1;
		}
		/* RFC 2433 6: the use-NT flag picks the response checked */
		return pt_cred_verify_mschap1(&a->cred, a->auth_chal, m->lm_resp, m->nt_resp, m->flags & 1);
	case PT_AUTHM_MSCHAPV2:
		if (!m->ms_valid || !m->nt_resp || !m->peer_chal)
			return PT_EINVAL;
		memcpy(a->peer_chal, m->peer_chal, sizeof a->peer_chal);
		memcpy(a->nt_resp, m->nt_resp, sizeof a->nt_resp);
		a->has_nt_resp = 1;
		rc = pt_cred_verify_mschap2(&a->cred, a->auth_chal, a->peer_chal, (const char *)name, nlen, a->nt_resp,
					    PT_MSCHAP_USER_AUTO, &mode);
		a->user_mode = (uint8_t)mode;
		return rc;
	default:
		return PT_EUNSUP;
	}
}

static int server_chap(pt_authpeer *a, const pt_auth_msg *m, pt_writer *w)
{
	uint8_t msg[160];
	pt_writer mw = pt_wr(msg, sizeof msg);
	pt_cursor nc = m->name;
	size_t nlen = pt_left(&nc);
	const uint8_t *name = (const uint8_t *)"";
	pt_auth_msg r;
	int good;

	if (m->code != PT_CHAP_RESPONSE)
		return PT_ESTATE;
	/* RFC 1994 4.1: a Response whose Identifier is not the Challenge's is silently discarded */
	if (m->id != a->id || a->status == PT_AUTHS_IDLE)
		return PT_ESTATE;
	/* RFC 1994 4.2: a Response again after our answer: the answer again */
	if (a->status == PT_AUTHS_SUCCESS || a->status == PT_AUTHS_FAILURE)
		return pt_authpeer_resend(a, w);
	if (nlen)
		(void)pt_get_bytes(&nc, nlen, &name);
	copy_printable(a->peer_name, sizeof a->peer_name, &m->name);
	good = name_ok(a, &m->name) && server_verify(a, m, name, nlen) == PT_OK;
	a->status = good ? PT_AUTHS_SUCCESS : PT_AUTHS_FAILURE;
	memset(&r, 0, sizeof r);
	r.proto = PT_PPP_CHAP;
	r.alg = alg_of(a->method);
	r.id = m->id;
	r.code = good ? PT_CHAP_SUCCESS : PT_CHAP_FAILURE;
	if (good && a->method == PT_AUTHM_MSCHAPV2 && !a->knobs.no_s) {
		/* RFC 2759 5, 8.7: "S=<AuthenticatorResponse> M=<message>" */
		char s[PT_MSCHAP2_AUTHRESP_LEN + 1];
		uint8_t ar[20];
		int rc = pt_mschap2_auth_response(a->cred.nt_hash, a->nt_resp, a->peer_chal, a->auth_chal,
						  (const char *)name, nlen, a->user_mode, s);

		if (rc != PT_OK)
			return rc;
		for (int i = 0; i < 20; i++)
			ar[i] = (uint8_t)(pt_hexdigit(s[2 + 2 * i]) << 4 | pt_hexdigit(s[3 + 2 * i]));
		if (a->knobs.bad_s)
			ar[19] ^= 0x01; /* test knob: a forged authenticator response */
		(void)pt_mschapv2_success_build(&mw, ar, "Access granted");
		pt_wipe(s, sizeof s);
	} else if (good) {
		static const char t[] = "Access granted";
		if (a->method == PT_AUTHM_MSCHAPV2)
			pt_put_bytes(&mw, "M=", 2); /* test knob no_s: the message without S= */
		pt_put_bytes(&mw, t, sizeof t - 1);
	} else if (a->method == PT_AUTHM_MSCHAPV1 || a->method == PT_AUTHM_MSCHAPV2) {
		/* RFC 2433 8: "E=691 R=1"; RFC 2759 6 adds C= (a new challenge), V=3 and M= */
		static const char t[] = "Authentication failure";
		pt_mschap_failure f;

		memset(&f, 0, sizeof f);
		f.error = 691;
		f.retry = 1;
		if (a->method == PT_AUTHM_MSCHAPV2) {
			next_challenge(a);
			f.has_challenge = 1;
			f.challenge_len = 16;
			memcpy(f.challenge, a->next_chal, 16);
			f.has_version = 1;
			f.version = 3;
			f.has_text = 1;
			f.text = pt_cur(t, sizeof t - 1);
		}
		(void)pt_mschap_failure_build(&mw, &f);
		a->error = 691;
		a->retry = 1;
	} else {
		static const char t[] = "Authentication failed";
		pt_put_bytes(&mw, t, sizeof t - 1);
	}
	if (mw.err)
		return mw.err;
	r.message = pt_cur(msg, pt_wlen(&mw));
	return send_msg(a, &r, w);
}

int pt_authpeer_input(pt_authpeer *a, uint16_t proto, const uint8_t *pkt, size_t len, pt_writer *w)
{
	pt_cursor c = pt_cur(pkt, len);
	pt_auth_msg m;
	int rc;

	if (!proto || proto != pt_authpeer_proto(a->method))
		return PT_EUNSUP;
	memset(&m, 0, sizeof m);
	m.alg = alg_of(a->method);
	rc = pt_auth_parse(proto, &c, &m, NULL, NULL);
	if (rc != PT_OK)
		return rc;
	if (a->side == PT_AUTH_CLIENT)
		return client_input(a, &m, w);
	return proto == PT_PPP_PAP ? server_pap(a, &m, w) : server_chap(a, &m, w);
}

/* ---- MPPE start keys ---- */

int pt_authpeer_mppe_keys(const pt_authpeer *a, int bits, int nt_v1, uint8_t send[16], uint8_t recv[16])
{
	uint8_t hash[16], hh[16], key[16];
	int rc;

	if (a->method != PT_AUTHM_MSCHAPV1 && a->method != PT_AUTHM_MSCHAPV2)
		return PT_EUNSUP;
	if (bits != 40 && bits != 56 && bits != 128)
		return PT_EINVAL;
	if (a->status != PT_AUTHS_SUCCESS)
		return PT_ESTATE;
	memset(send, 0, 16);
	memset(recv, 0, 16);
	if (a->side == PT_AUTH_CLIENT)
		rc = client_nt_hash(a, hash);
	else if (a->cred.has_nt_hash)
		rc = (memcpy(hash, a->cred.nt_hash, sizeof hash), PT_OK);
	else
		rc = PT_EUNSUP;
	if (rc != PT_OK)
		return rc;
	if (a->method == PT_AUTHM_MSCHAPV2) {
		/* RFC 3079 3: asymmetric; the side that sent the Challenge is the server */
		rc = a->has_nt_resp ? pt_mppe_chap2_start_keys(hash, a->nt_resp, bits, a->side == PT_AUTH_SERVER,
								send, recv)
				    : PT_ESTATE;
	} else {
		/* RFC 3079 2: the same key both ways */
		memset(key, 0, sizeof key);
		rc = pt_nt_hash_hash(hash, hh);
		if (rc == PT_OK)
			rc = pt_mppe_chap1_start_key_nt(hh, a->auth_chal, key); /* 2.3: 128-bit */
		if (rc == PT_OK && bits < 128 && !nt_v1) {
			/* RFC 3079 2.1-2.2: 40/56-bit from the LAN Manager hash (nt_v1: pppd/Linux keep the
			 * first 8 octets of the NT-based key instead) */
			uint8_t lmh[16];

			rc = a->side == PT_AUTH_CLIENT ? client_lm_hash(a, lmh)
			     : a->cred.has_lm_hash ? (memcpy(lmh, a->cred.lm_hash, sizeof lmh), PT_OK)
						   : PT_EUNSUP;
			memset(key, 0, sizeof key);
			if (rc == PT_OK)
				pt_mppe_chap1_start_key_lm(lmh, key);
			pt_wipe(lmh, sizeof lmh);
		}
		if (rc == PT_OK && bits < 128)
			memset(key + 8, 0, 8);
		if (rc == PT_OK) {
			memcpy(send, key, 16);
			memcpy(recv, key, 16);
		}
		pt_wipe(hh, sizeof hh);
		pt_wipe(key, sizeof key);
	}
	pt_wipe(hash, sizeof hash);
	if (rc != PT_OK) {
		pt_wipe(send, 16);
		pt_wipe(recv, 16);
	}
	return rc;
}

void pt_authpeer_wipe(pt_authpeer *a)
{
	pt_cred_wipe(&a->cred);
	pt_wipe(a->nt_resp, sizeof a->nt_resp);
	a->has_nt_resp = 0;
	pt_wipe(a->auth_chal, sizeof a->auth_chal);
	pt_wipe(a->peer_chal, sizeof a->peer_chal);
	pt_wipe(a->next_chal, sizeof a->next_chal);
	pt_wipe(a->last, sizeof a->last); /* a PAP request holds the password */
	a->last_len = 0;
}
