/* auth.c: PAP (RFC 1334 2), CHAP (RFC 1994 4), MS-CHAPv1 (RFC 2433), MS-CHAPv2 (RFC 2759) packets: formats by lib/auth.h, answers computed by lib/mschap.h. */
#include <string.h>

#include "auth.h"
#include "crypto.h"
#include "mkcap.h"
#include "mschap.h"
#include "ppp.h"

static pt_cursor str_cur(mk_tok *t)
{
	return t ? pt_cur(t->val, t->vlen) : pt_cur("", 0);
}

static uint8_t need_id(mk_line *l)
{
	if (!mk_kv_has(l, "id"))
		mk_die(l, l->endcol, "id=N is required");
	return (uint8_t)mk_kv_num(l, "id", 0, 255);
}

static size_t hex_exact(mk_line *l, mk_tok *t, uint8_t *out, size_t want)
{
	size_t n = mk_hex(l, t, out, want);
	if (n != want)
		mk_die(l, t->vcol, "%s: %zu bytes expected", t->key ? t->key : "value", want);
	return n;
}

static const char *secret_of(mk_line *l, mk_call *k, mk_tok **pw)
{
	*pw = mk_kv(l, "password");
	if (*pw) {
		if (memchr((*pw)->val, 0, (*pw)->vlen))
			mk_die(l, (*pw)->vcol, "password: no 0 octet allowed");
		snprintf(k->password, sizeof k->password, "%s", (*pw)->val);
		k->have_password = 1;
		return (*pw)->val;
	}
	return NULL;
}

/* The message of a Success/Failure/Ack/Nak: msg="text" (or text= for MS-CHAP messages given whole). */
static void message(mk_line *l, pt_auth_msg *a, uint8_t *buf, size_t cap)
{
	mk_tok *t = mk_kv(l, "msg");
	if (t) {
		if (t->vlen > cap)
			mk_die(l, t->vcol, "message too long");
		memcpy(buf, t->val, t->vlen);
		a->message = pt_cur(buf, t->vlen);
	}
}

static int user_mode(mk_line *l)
{
	mk_tok *t = mk_kv(l, "user_mode");
	if (!t || !strcmp(t->val, "strip"))
		return PT_MSCHAP_USER_STRIP_DOMAIN;
	if (!strcmp(t->val, "as_sent"))
		return PT_MSCHAP_USER_AS_SENT;
	mk_die(l, t->vcol, "user_mode: strip or as_sent");
}

static void pap(mk_line *l, mk_call *k, const char *code, pt_auth_msg *a, uint8_t *buf, size_t cap)
{
	a->proto = PT_PPP_PAP;
	a->id = need_id(l);
	if (!strcmp(code, "req")) {
		mk_tok *u = mk_kv(l, "user"), *pw;
		/* RFC 1334 2.2.1: Peer-ID and Password, each with a length octet */
		(void)secret_of(l, k, &pw);
		a->code = PT_PAP_AUTH_REQ;
		a->peer_id = str_cur(u);
		a->password = str_cur(pw);
		if (u)
			snprintf(k->user, sizeof k->user, "%s", u->val);
	} else if (!strcmp(code, "ack") || !strcmp(code, "nak")) {
		a->code = code[0] == 'a' ? PT_PAP_AUTH_ACK : PT_PAP_AUTH_NAK;
		message(l, a, buf, cap);
	} else {
		mk_die(l, 1, "pap: req, ack or nak expected");
	}
}

/* CHAP with algorithm alg: MD5 (5), MS-CHAPv1 (0x80) or MS-CHAPv2 (0x81). */
static void chap(mk_line *l, mk_call *k, int alg, const char *code, pt_auth_msg *a, uint8_t *buf, size_t cap)
{
	static uint8_t val[256], resp[64];
	mk_tok *t;
	int rc;

	a->proto = PT_PPP_CHAP;
	a->alg = (uint8_t)alg;
	a->id = need_id(l);
	if ((t = mk_kv(l, "name")) != NULL)
		a->name = str_cur(t);
	if (!strcmp(code, "challenge")) {
		size_t want = alg == PT_CHAP_ALG_MSCHAPV2 ? PT_AUTH_MSV2_CHAL_LEN
			      : alg == PT_CHAP_ALG_MSCHAPV1 ? PT_AUTH_MSV1_CHAL_LEN : 0;
		size_t n;
		a->code = PT_CHAP_CHALLENGE;
		t = mk_kv(l, "value");
		if (!t)
			mk_die(l, l->endcol, "value=HEX (the challenge) is required");
		n = mk_hex(l, t, val, sizeof val);
		if (want && n != want && !mk_flag(l, "anysize"))
			mk_die(l, t->vcol, "value: %zu bytes expected for this algorithm (add anysize to send %zu)", want, n);
		/* remembered for the response and for MPPE keys */
		memcpy(k->auth_chal, val, n < sizeof k->auth_chal ? n : sizeof k->auth_chal);
		k->auth_chal_len = n < sizeof k->auth_chal ? n : sizeof k->auth_chal;
		a->value = pt_cur(val, n);
		return;
	}
	if (!strcmp(code, "response")) {
		mk_tok *pw, *u = mk_kv(l, "user");
		const char *secret = secret_of(l, k, &pw);
		a->code = PT_CHAP_RESPONSE;
		if (u) {
			snprintf(k->user, sizeof k->user, "%s", u->val);
			if (!mk_kv_has(l, "name"))
				a->name = str_cur(u);
		}
		if ((t = mk_kv(l, "value")) != NULL) {
			/* the value as given, whatever the algorithm */
			a->value = pt_cur(val, mk_hex(l, t, val, sizeof val));
			return;
		}
		if (!secret)
			mk_die(l, l->endcol, "password= (to compute the response) or value=HEX expected");
		if (alg == PT_CHAP_ALG_MD5) {
			/* RFC 1994 4.1: MD5 over the id, the secret and the challenge */
			rc = pt_chap_md5_response(a->id, secret, strlen(secret), k->auth_chal, k->auth_chal_len, resp);
			if (rc != PT_OK)
				mk_die(l, 1, "lib/mschap: CHAP-MD5 response failed");
			a->value = pt_cur(resp, PT_AUTH_MD5_RESP_LEN);
			return;
		}
		{
			uint8_t nt_hash[16];
			const char *user = u ? u->val : k->user;
			if (pt_nt_password_hash(secret, nt_hash) != PT_OK)
				mk_die(l, pw->vcol, "password: not usable for an NT hash");
			a->ms_valid = 1;
			a->flags = (uint8_t)mk_kv_num(l, "flags", alg == PT_CHAP_ALG_MSCHAPV1 ? 1 : 0, 255);
			if (alg == PT_CHAP_ALG_MSCHAPV1) {
				/* RFC 2433 6: NT response from the 8-octet challenge; LM response left zero */
				if (k->auth_chal_len != 8)
					mk_die(l, 1, "no 8-byte MS-CHAPv1 challenge sent on %s before", k->name);
				rc = pt_mschap1_nt_response(k->auth_chal, nt_hash, resp);
			} else {
				/* RFC 2759 4, 8.1: peer challenge, 8 zero octets, NT-Response, flags */
				t = mk_kv(l, "peer_challenge");
				if (!t)
					mk_die(l, l->endcol, "peer_challenge=HEX (16 bytes) is required");
				hex_exact(l, t, k->peer_chal, 16);
				if (k->auth_chal_len != 16)
					mk_die(l, 1, "no 16-byte MS-CHAPv2 challenge sent on %s before", k->name);
				rc = pt_mschap2_nt_response(k->auth_chal, k->peer_chal, user, strlen(user), user_mode(l),
							    nt_hash, resp);
				a->peer_chal = k->peer_chal;
			}
			pt_wipe(nt_hash, sizeof nt_hash);
			if (rc != PT_OK)
				mk_die(l, 1, "lib/mschap: response computation failed: %s", pt_strerror(rc));
			if ((t = mk_kv(l, "nt_response")) != NULL)
				hex_exact(l, t, resp, 24); /* a wrong answer on purpose */
			memcpy(k->nt_resp, resp, 24);
			k->have_nt_resp = 1;
			snprintf(k->user, sizeof k->user, "%s", user);
			a->nt_resp = k->nt_resp;
		}
		return;
	}
	if (!strcmp(code, "success") || !strcmp(code, "failure")) {
		pt_writer w = pt_wr(buf, cap);
		a->code = code[0] == 's' ? PT_CHAP_SUCCESS : PT_CHAP_FAILURE;
		if (mk_kv_has(l, "msg") || alg == PT_CHAP_ALG_MD5) {
			/* free text (also the way to send a malformed MS-CHAP message) */
			message(l, a, buf, cap);
			return;
		}
		if (a->code == PT_CHAP_SUCCESS && alg == PT_CHAP_ALG_MSCHAPV2) {
			/* RFC 2759 5: "S=" + the authenticator response, then " M=" text */
			uint8_t ar[20], nt_hash[16];
			char s[PT_MSCHAP2_AUTHRESP_LEN + 1];
			mk_tok *txt = mk_kv(l, "text");
			if ((t = mk_kv(l, "auth_response")) != NULL) {
				hex_exact(l, t, ar, 20);
			} else {
				mk_tok hx;
				if (!k->have_password || !k->have_nt_resp)
					mk_die(l, 1, "no mschapv2 response with password= on %s before", k->name);
				pt_nt_password_hash(k->password, nt_hash);
				rc = pt_mschap2_auth_response(nt_hash, k->nt_resp, k->peer_chal, k->auth_chal, k->user,
							      strlen(k->user), user_mode(l), s);
				pt_wipe(nt_hash, sizeof nt_hash);
				if (rc != PT_OK)
					mk_die(l, 1, "lib/mschap: authenticator response failed");
				memset(&hx, 0, sizeof hx);
				hx.val = s + 2;
				hx.vlen = 40;
				hex_exact(l, &hx, ar, 20);
			}
			pt_mschapv2_success_build(&w, ar, txt ? txt->val : NULL);
		} else if (a->code == PT_CHAP_SUCCESS) {
			/* RFC 2433: MS-CHAPv1 Success carries no fixed form */
			message(l, a, buf, cap);
			return;
		} else {
			/* RFC 2433 8, RFC 2759 6: E=error R=retry C=challenge V=version M=text */
			pt_mschap_failure f;
			mk_tok *txt = mk_kv(l, "text");
			memset(&f, 0, sizeof f);
			f.error = mk_kv_num(l, "error", 691, 0xffffffffu);
			f.retry = (uint8_t)mk_kv_num(l, "retry", 0, 1);
			if ((t = mk_kv(l, "challenge")) != NULL) {
				f.has_challenge = 1;
				f.challenge_len = alg == PT_CHAP_ALG_MSCHAPV2 ? 16 : 8;
				hex_exact(l, t, f.challenge, f.challenge_len);
			}
			if ((t = mk_kv(l, "version")) != NULL) {
				f.has_version = 1;
				f.version = mk_num(l, t, 0xffffffffu);
			}
			if (txt) {
				f.has_text = 1;
				f.text = str_cur(txt);
			}
			pt_mschap_failure_build(&w, &f);
		}
		if (w.err)
			mk_die(l, 1, "message too long");
		a->message = pt_cur(buf, pt_wlen(&w));
		return;
	}
	mk_die(l, 1, "CHAP code: challenge, response, success or failure expected");
}

int mk_auth_build(mk *m, mk_line *l, mk_call *k, int side, const char *what, uint16_t *proto, uint8_t *out,
		  size_t cap, size_t *len)
{
	static uint8_t buf[1024];
	pt_auth_msg a;
	pt_writer w = pt_wr(out, cap);
	mk_tok *code;
	int alg;

	(void)m;
	(void)side;
	if (!strcmp(what, "pap"))
		alg = 0;
	else if (!strcmp(what, "chap"))
		alg = PT_CHAP_ALG_MD5;
	else if (!strcmp(what, "mschapv1"))
		alg = PT_CHAP_ALG_MSCHAPV1;
	else if (!strcmp(what, "mschapv2"))
		alg = PT_CHAP_ALG_MSCHAPV2;
	else
		return 0;
	code = mk_need(l, "code (challenge, response, success, failure; pap: req, ack, nak)");
	memset(&a, 0, sizeof a);
	if (alg == 0)
		pap(l, k, code->val, &a, buf, sizeof buf);
	else
		chap(l, k, alg, code->val, &a, buf, sizeof buf);
	if (pt_auth_build(&a, &w) != PT_OK || w.err)
		mk_die(l, code->col, "lib/auth cannot build this %s packet", what);
	*proto = a.proto;
	*len = pt_wlen(&w);
	return 1;
}
