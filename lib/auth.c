/* auth.c: PAP / CHAP / MS-CHAPv1 / MS-CHAPv2 packet and message-string parse and build (RFC 1334 2, RFC 1994 4, RFC 2433, RFC 2759). */
#include <string.h>

#include "auth.h"
#include "cp.h"
#include "ppp.h"

const pt_vs pt_pap_code_vs[] = {
	{ PT_PAP_AUTH_REQ, "Authenticate-Request" },
	{ PT_PAP_AUTH_ACK, "Authenticate-Ack" },
	{ PT_PAP_AUTH_NAK, "Authenticate-Nak" },
	{ 0, NULL }
};

const pt_vs pt_chap_code_vs[] = {
	{ PT_CHAP_CHALLENGE, "Challenge" },
	{ PT_CHAP_RESPONSE, "Response" },
	{ PT_CHAP_SUCCESS, "Success" },
	{ PT_CHAP_FAILURE, "Failure" },
	{ PT_MSCHAPV1_CHANGE_PW1, "Change-Password (v1)" },
	{ PT_MSCHAPV1_CHANGE_PW2, "Change-Password (v2)" },
	{ PT_MSCHAPV2_CHANGE_PW, "Change-Password" },
	{ 0, NULL }
};

const pt_vs pt_chap_alg_vs[] = {
	{ PT_CHAP_ALG_MD5, "MD5" },
	{ PT_CHAP_ALG_MSCHAPV1, "MS-CHAP" },
	{ PT_CHAP_ALG_MSCHAPV2, "MS-CHAPv2" },
	{ 0, NULL }
};

const pt_vs pt_mschap_error_vs[] = {
	{ 646, "ERROR_RESTRICTED_LOGON_HOURS" },
	{ 647, "ERROR_ACCT_DISABLED" },
	{ 648, "ERROR_PASSWD_EXPIRED" },
	{ 649, "ERROR_NO_DIALIN_PERMISSION" },
	{ 691, "ERROR_AUTHENTICATION_FAILURE" },
	{ 709, "ERROR_CHANGING_PASSWORD" },
	{ 0, NULL }
};

static const char hexdig[] = "0123456789ABCDEF";

static int all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* ---- message strings ---- */

/* Consume the literal s if it is next; 1 if it was. */
static int take_lit(pt_cursor *c, const char *s)
{
	size_t n = strlen(s);
	uint8_t ch;

	for (size_t i = 0; i < n; i++)
		if (pt_peek_u8(c, i, &ch) != PT_OK || ch != (uint8_t)s[i])
			return 0;
	(void)pt_skip(c, n);
	return 1;
}

/* One or more decimal digits (at most 10, value fits 32 bits). */
static int take_dec(pt_cursor *c, uint32_t *v)
{
	uint64_t acc = 0;
	unsigned n = 0;
	uint8_t ch;

	while (pt_peek_u8(c, 0, &ch) == PT_OK && ch >= '0' && ch <= '9') {
		if (++n > 10)
			return PT_EINVAL;
		acc = acc * 10 + (uint64_t)(ch - '0');
		(void)pt_skip(c, 1);
	}
	if (n == 0 || acc > 0xffffffffu)
		return PT_EINVAL;
	*v = (uint32_t)acc;
	return PT_OK;
}

static int hexval(uint8_t ch, int *lower)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f') {
		*lower = 1;
		return ch - 'a' + 10;
	}
	return -1;
}

/* Exactly 2*n hex digits, followed by end or a space. */
static int take_hex(pt_cursor *c, uint8_t *out, size_t n, int *lower)
{
	uint8_t ch;

	for (size_t i = 0; i < 2 * n; i++) {
		int v;
		if (pt_get_u8(c, &ch) != PT_OK || (v = hexval(ch, lower)) < 0)
			return PT_EINVAL;
		if (i & 1)
			out[i / 2] = (uint8_t)(out[i / 2] | v);
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	if (pt_peek_u8(c, 0, &ch) == PT_OK && ch != ' ')
		return PT_EINVAL; /* more digits than the field allows */
	return PT_OK;
}

int pt_mschapv2_success_parse(const pt_cursor *msg, pt_mschapv2_success *s)
{
	pt_cursor c = *msg;
	int lower = 0;

	memset(s, 0, sizeof *s);
	s->auth_string = pt_cur_empty_at(&c);
	s->text = s->auth_string;
	/* RFC 2759 5: "S=<auth_string> M=<message>", 40 hex digits */
	if (pt_sub(&c, 42, &s->auth_string) != PT_OK)
		return PT_EINVAL;
	c = s->auth_string;
	if (!take_lit(&c, "S=") || take_hex(&c, s->auth_resp, 20, &lower) != PT_OK)
		return PT_EINVAL;
	s->lowercase = (uint8_t)lower;
	c = *msg;
	(void)pt_skip(&c, 42);
	if (pt_left(&c) == 0)
		return PT_OK; /* "S=..." alone: seen from peers that send no text */
	if (!take_lit(&c, " M="))
		return PT_EINVAL;
	s->has_text = 1;
	s->text = c;
	return PT_OK;
}

int pt_mschap_failure_parse(const pt_cursor *msg, int v2, pt_mschap_failure *f)
{
	pt_cursor c = *msg;
	uint32_t r;
	int lower = 0;

	memset(f, 0, sizeof *f);
	f->text = pt_cur_empty_at(&c);
	/* RFC 2433 8 / RFC 2759 6: E= first, R= second */
	if (!take_lit(&c, "E=") || take_dec(&c, &f->error) != PT_OK)
		return PT_EINVAL;
	if (!take_lit(&c, " R=") || take_dec(&c, &r) != PT_OK || r > 1)
		return PT_EINVAL;
	f->retry = (uint8_t)r;
	if (take_lit(&c, " C=")) {
		/* RFC 2759 6: exactly 32 hex digits; RFC 2433 8: 16 */
		f->challenge_len = v2 ? 16 : 8;
		if (take_hex(&c, f->challenge, f->challenge_len, &lower) != PT_OK)
			return PT_EINVAL;
		f->has_challenge = 1;
	}
	if (take_lit(&c, " V=")) {
		if (take_dec(&c, &f->version) != PT_OK)
			return PT_EINVAL;
		f->has_version = 1;
	}
	if (take_lit(&c, " M=")) {
		f->has_text = 1;
		f->text = c;
		return v2 && (!f->has_challenge || !f->has_version) ? PT_EINVAL : PT_OK;
	}
	/* RFC 2759 6: C "MUST be present"; the format lists V= too */
	if (v2 && (!f->has_challenge || !f->has_version))
		return PT_EINVAL;
	/* RFC 2433 8: "accept but ignore additional text" (v1 only) */
	if (pt_left(&c) != 0 && v2)
		return PT_EINVAL;
	return PT_OK;
}

static void put_dec(pt_writer *w, uint32_t v)
{
	char d[10];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		pt_put_u8(w, (uint8_t)d[--n]);
}

static void put_hex(pt_writer *w, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pt_put_u8(w, (uint8_t)hexdig[b[i] >> 4]);
		pt_put_u8(w, (uint8_t)hexdig[b[i] & 15]);
	}
}

int pt_mschapv2_success_build(pt_writer *w, const uint8_t auth_resp[20], const char *text)
{
	pt_put_bytes(w, "S=", 2);
	put_hex(w, auth_resp, 20); /* RFC 2759 5: A-F uppercase */
	if (text) {
		pt_put_bytes(w, " M=", 3);
		pt_put_bytes(w, text, strlen(text));
	}
	return w->err;
}

int pt_mschap_failure_build(pt_writer *w, const pt_mschap_failure *f)
{
	pt_put_bytes(w, "E=", 2);
	put_dec(w, f->error);
	pt_put_bytes(w, " R=", 3);
	put_dec(w, f->retry);
	if (f->has_challenge) {
		size_t n = f->challenge_len <= sizeof f->challenge ? f->challenge_len : sizeof f->challenge;
		pt_put_bytes(w, " C=", 3);
		put_hex(w, f->challenge, n);
	}
	if (f->has_version) {
		pt_put_bytes(w, " V=", 3);
		put_dec(w, f->version);
	}
	if (f->has_text) {
		pt_put_bytes(w, " M=", 3);
		pt_put_cursor(w, &f->text);
	}
	return w->err;
}

/* ---- packets ---- */

/* Fields of a packet whose Length is complete run past it: invalid; else truncated. */
static int short_err(const pt_auth_msg *m)
{
	return m->complete ? PT_EINVAL : PT_ETRUNC;
}

static int parse_pap(pt_auth_msg *m, pt_cursor *d, const pt_sink *sink, const pt_where *at)
{
	uint8_t n;

	switch (m->code) {
	case PT_PAP_AUTH_REQ:
		/* RFC 1334 2.2.1: Peer-ID-Length, Peer-ID, Passwd-Length, Password */
		if (pt_get_u8(d, &n) != PT_OK || pt_sub(d, n, &m->peer_id) != PT_OK ||
		    pt_get_u8(d, &n) != PT_OK || pt_sub(d, n, &m->password) != PT_OK) {
			if (m->complete)
				pt_report(sink, PT_R_PPP_PAP_BAD_FORMAT, at,
					  "PAP Authenticate-Request id %u: peer-id/password lengths exceed Length %u",
					  m->id, m->length);
			return short_err(m);
		}
		return PT_OK;
	case PT_PAP_AUTH_ACK:
	case PT_PAP_AUTH_NAK:
		/* RFC 1334 2.2.2: Msg-Length, Message.  Like pppd, a reply with no
		 * Msg-Length octet at all is taken as an empty message. */
		if (pt_left(d) == 0 && m->complete)
			return PT_OK;
		if (pt_get_u8(d, &n) != PT_OK || pt_sub(d, n, &m->message) != PT_OK) {
			if (m->complete)
				pt_report(sink, PT_R_PPP_PAP_BAD_FORMAT, at,
					  "PAP %s id %u: Msg-Length exceeds Length %u",
					  pt_vs_name_or(pt_pap_code_vs, m->code, "?"), m->id, m->length);
			return short_err(m);
		}
		return PT_OK;
	default:
		m->message = *d;
		pt_report(sink, PT_R_PPP_AUTH_UNKNOWN_CODE, at, "PAP code %u id %u not defined", m->code, m->id);
		return PT_EUNSUP;
	}
}

static void check_ms_response(pt_auth_msg *m, const pt_sink *sink, const pt_where *at)
{
	pt_cursor v = m->value;

	if (pt_left(&v) != PT_AUTH_MS_RESP_LEN)
		return;
	if (m->alg == PT_CHAP_ALG_MSCHAPV1) {
		/* RFC 2433 6: LM response 24, NT response 24, use-NT flag 1 */
		(void)pt_get_bytes(&v, 24, &m->lm_resp);
		(void)pt_get_bytes(&v, 24, &m->nt_resp);
		(void)pt_get_u8(&v, &m->flags);
		m->ms_valid = 1;
		if (m->flags != 1)
			pt_report(sink, PT_R_PPP_MSCHAPV1_LM_RESPONSE, at,
				  "MS-CHAP Response id %u: use-NT flag %u, the LAN Manager response would be used",
				  m->id, m->flags);
	} else if (m->alg == PT_CHAP_ALG_MSCHAPV2) {
		/* RFC 2759 4: Peer-Challenge 16, Reserved 8 (zero), NT-Response 24, Flags 1 (zero) */
		(void)pt_get_bytes(&v, 16, &m->peer_chal);
		(void)pt_get_bytes(&v, 8, &m->reserved);
		(void)pt_get_bytes(&v, 24, &m->nt_resp);
		(void)pt_get_u8(&v, &m->flags);
		m->ms_valid = 1;
		if (!all_zero(m->reserved, 8))
			pt_report(sink, PT_R_PPP_MSCHAPV2_RESERVED_NONZERO, at,
				  "MS-CHAPv2 Response id %u: reserved octets not zero", m->id);
		if (m->flags != 0)
			pt_report(sink, PT_R_PPP_MSCHAPV2_FLAGS_NONZERO, at,
				  "MS-CHAPv2 Response id %u: flags 0x%02x, expected 0", m->id, m->flags);
	}
}

static void check_value_size(const pt_auth_msg *m, const pt_sink *sink, const pt_where *at)
{
	size_t got = pt_left(&m->value), want = 0;

	switch (m->alg) {
	case PT_CHAP_ALG_MD5:
		/* RFC 1994 4.1: the Response is an MD5 hash, 16 octets */
		want = m->code == PT_CHAP_RESPONSE ? PT_AUTH_MD5_RESP_LEN : 0;
		break;
	case PT_CHAP_ALG_MSCHAPV1:
		/* RFC 2433 5, 6 */
		want = m->code == PT_CHAP_CHALLENGE ? PT_AUTH_MSV1_CHAL_LEN : PT_AUTH_MS_RESP_LEN;
		break;
	case PT_CHAP_ALG_MSCHAPV2:
		/* RFC 2759 3, 4 */
		want = m->code == PT_CHAP_CHALLENGE ? PT_AUTH_MSV2_CHAL_LEN : PT_AUTH_MS_RESP_LEN;
		break;
	default:
		break;
	}
	if (want && got != want)
		pt_report(sink, PT_R_PPP_CHAP_VALUE_SIZE, at, "%s %s id %u: value size %zu, expected %zu",
			  pt_vs_name_or(pt_chap_alg_vs, m->alg, "CHAP"),
			  pt_vs_name_or(pt_chap_code_vs, m->code, "?"), m->id, got, want);
}

static int parse_chpw2(pt_auth_msg *m, pt_cursor *d, const pt_sink *sink, const pt_where *at)
{
	/* RFC 2759 7: 516 + 16 + 16 + 8 + 24 + 2 octets after the header */
	if (pt_get_bytes(d, 516, &m->enc_password) != PT_OK || pt_get_bytes(d, 16, &m->enc_hash) != PT_OK ||
	    pt_get_bytes(d, 16, &m->peer_chal) != PT_OK || pt_get_bytes(d, 8, &m->reserved) != PT_OK ||
	    pt_get_bytes(d, 24, &m->nt_resp) != PT_OK || pt_get_u16(d, &m->chpw_flags) != PT_OK) {
		if (m->complete)
			pt_report(sink, PT_R_PPP_CHAP_BAD_FORMAT, at,
				  "MS-CHAPv2 Change-Password id %u: Length %u, expected %u", m->id, m->length,
				  PT_AUTH_MSV2_CHPW_LEN);
		return short_err(m);
	}
	m->ms_valid = 1;
	if (!all_zero(m->reserved, 8))
		pt_report(sink, PT_R_PPP_MSCHAPV2_RESERVED_NONZERO, at,
			  "MS-CHAPv2 Change-Password id %u: reserved octets not zero", m->id);
	return PT_OK;
}

static int parse_chap(pt_auth_msg *m, pt_cursor *d, const pt_sink *sink, const pt_where *at)
{
	uint8_t n;

	switch (m->code) {
	case PT_CHAP_CHALLENGE:
	case PT_CHAP_RESPONSE:
		/* RFC 1994 4.1: Value-Size, Value (one or more octets), Name (rest) */
		if (pt_get_u8(d, &n) != PT_OK || pt_sub(d, n, &m->value) != PT_OK) {
			if (m->complete)
				pt_report(sink, PT_R_PPP_CHAP_BAD_FORMAT, at,
					  "CHAP %s id %u: Value-Size exceeds Length %u",
					  pt_vs_name_or(pt_chap_code_vs, m->code, "?"), m->id, m->length);
			return short_err(m);
		}
		m->name = *d;
		if (n == 0) {
			pt_report(sink, PT_R_PPP_CHAP_BAD_FORMAT, at, "CHAP %s id %u: Value-Size 0",
				  pt_vs_name_or(pt_chap_code_vs, m->code, "?"), m->id);
			return PT_EINVAL;
		}
		check_value_size(m, sink, at);
		if (m->code == PT_CHAP_RESPONSE)
			check_ms_response(m, sink, at);
		return PT_OK;
	case PT_CHAP_SUCCESS:
		m->message = *d;
		if (m->alg == PT_CHAP_ALG_MSCHAPV2) {
			if (pt_mschapv2_success_parse(&m->message, &m->success) == PT_OK) {
				m->success_ok = 1;
				if (m->success.lowercase)
					pt_report(sink, PT_R_PPP_MSCHAPV2_SUCCESS_FORMAT, at,
						  "MS-CHAPv2 Success id %u: authenticator response in lowercase hex",
						  m->id);
			} else if (m->complete) {
				pt_report(sink, PT_R_PPP_MSCHAPV2_SUCCESS_FORMAT, at,
					  "MS-CHAPv2 Success id %u: message is not \"S=<40 hex>[ M=<text>]\"", m->id);
			}
		}
		return PT_OK;
	case PT_CHAP_FAILURE:
		m->message = *d;
		if (m->alg == PT_CHAP_ALG_MSCHAPV1 || m->alg == PT_CHAP_ALG_MSCHAPV2) {
			int v2 = m->alg == PT_CHAP_ALG_MSCHAPV2;
			if (pt_mschap_failure_parse(&m->message, v2, &m->failure) == PT_OK) {
				m->failure_ok = 1;
				/* RFC 2759 6: "The version field ... SHOULD always be 3"; pppd 2.4.9 sends 0 */
				if (v2 && m->complete && m->failure.has_version && m->failure.version != 3)
					pt_report(sink, PT_R_PPP_MSCHAPV2_FAILURE_VERSION, at,
						  "MS-CHAPv2 Failure id %u: V=%u, expected 3", m->id, m->failure.version);
				if (!pt_vs_name(pt_mschap_error_vs, m->failure.error))
					pt_report(sink, PT_R_PPP_MSCHAP_FAILURE_CODE, at,
						  "MS-CHAP Failure id %u: error code %u not documented", m->id,
						  m->failure.error);
			} else if (m->complete) {
				pt_report(sink, PT_R_PPP_MSCHAP_FAILURE_FORMAT, at,
					  v2 ? "MS-CHAPv2 Failure id %u: message is not \"E=<dec> R=<0|1> C=<32 hex> V=<dec>[ M=<text>]\""
					     : "MS-CHAP Failure id %u: message is not \"E=<dec> R=<0|1>[ C=<16 hex>][ V=<dec>]\"",
					  m->id);
			}
		}
		return PT_OK;
	case PT_MSCHAPV2_CHANGE_PW:
		if (m->alg == PT_CHAP_ALG_MSCHAPV2)
			return parse_chpw2(m, d, sink, at);
		break;
	case PT_MSCHAPV1_CHANGE_PW1:
	case PT_MSCHAPV1_CHANGE_PW2:
		if (m->alg == PT_CHAP_ALG_MSCHAPV1) {
			m->message = *d; /* RFC 2433 9-10: kept opaque */
			return PT_OK;
		}
		break;
	default:
		break;
	}
	m->message = *d;
	pt_report(sink, PT_R_PPP_AUTH_UNKNOWN_CODE, at, "CHAP code %u id %u not defined for %s", m->code,
		  m->id, pt_vs_name_or(pt_chap_alg_vs, m->alg, "this algorithm"));
	return PT_EUNSUP;
}

int pt_auth_parse(uint16_t proto, pt_cursor *c, pt_auth_msg *m, const pt_sink *sink, const pt_where *at)
{
	uint8_t alg = m->alg;
	pt_cursor d;
	int err;

	memset(m, 0, sizeof *m);
	m->alg = alg;
	m->proto = proto;
	m->off = pt_off(c);
	m->peer_id = m->password = m->message = m->value = m->name = pt_cur_empty_at(c);
	if (proto != PT_PPP_PAP && proto != PT_PPP_CHAP)
		return PT_EUNSUP;
	/* RFC 1334 2.2, RFC 1994 4: Code, Identifier, Length as in LCP */
	if (pt_left(c) < 4)
		return PT_ETRUNC;
	(void)pt_get_u8(c, &m->code);
	(void)pt_get_u8(c, &m->id);
	(void)pt_get_u16(c, &m->length);
	if (m->length < 4) {
		pt_report(sink, proto == PT_PPP_PAP ? PT_R_PPP_PAP_BAD_FORMAT : PT_R_PPP_CHAP_BAD_FORMAT, at,
			  "%s packet Length %u below 4", pt_ppp_proto_name(proto), m->length);
		return PT_EINVAL;
	}
	m->complete = pt_sub(c, (size_t)m->length - 4, &d) == PT_OK;
	if (proto == PT_PPP_PAP)
		err = parse_pap(m, &d, sink, at);
	else
		err = parse_chap(m, &d, sink, at);
	if (err == PT_OK && !m->complete)
		err = PT_ETRUNC;
	return err;
}

static int put_len_field(pt_writer *w, const pt_cursor *c)
{
	size_t n = pt_left(c);

	if (n > 255) {
		if (!w->err)
			w->err = PT_EINVAL;
		return w->err;
	}
	pt_put_u8(w, (uint8_t)n);
	pt_put_cursor(w, c);
	return w->err;
}

static void put_or_zero(pt_writer *w, const uint8_t *b, size_t n)
{
	if (b)
		pt_put_bytes(w, b, n);
	else
		pt_put_zero(w, n);
}

int pt_auth_build(const pt_auth_msg *m, pt_writer *w)
{
	size_t start;

	if (m->proto != PT_PPP_PAP && m->proto != PT_PPP_CHAP)
		return PT_EUNSUP;
	start = pt_cp_begin(w, m->code, m->id);
	if (m->proto == PT_PPP_PAP) {
		switch (m->code) {
		case PT_PAP_AUTH_REQ:
			put_len_field(w, &m->peer_id);
			put_len_field(w, &m->password);
			break;
		case PT_PAP_AUTH_ACK:
		case PT_PAP_AUTH_NAK:
			put_len_field(w, &m->message);
			break;
		default:
			pt_put_cursor(w, &m->message);
			break;
		}
		return pt_cp_end(w, start);
	}
	switch (m->code) {
	case PT_CHAP_RESPONSE:
		if (m->ms_valid && m->alg == PT_CHAP_ALG_MSCHAPV1 && m->nt_resp) {
			pt_put_u8(w, PT_AUTH_MS_RESP_LEN);
			put_or_zero(w, m->lm_resp, 24);
			pt_put_bytes(w, m->nt_resp, 24);
			pt_put_u8(w, m->flags);
			pt_put_cursor(w, &m->name);
			break;
		}
		if (m->ms_valid && m->alg == PT_CHAP_ALG_MSCHAPV2 && m->peer_chal && m->nt_resp) {
			pt_put_u8(w, PT_AUTH_MS_RESP_LEN);
			pt_put_bytes(w, m->peer_chal, 16);
			put_or_zero(w, m->reserved, 8);
			pt_put_bytes(w, m->nt_resp, 24);
			pt_put_u8(w, m->flags);
			pt_put_cursor(w, &m->name);
			break;
		}
		/* fall through: generic Value */
		PT_FALLTHROUGH;
	case PT_CHAP_CHALLENGE:
		put_len_field(w, &m->value);
		pt_put_cursor(w, &m->name);
		break;
	case PT_MSCHAPV2_CHANGE_PW:
		if (m->alg == PT_CHAP_ALG_MSCHAPV2 && m->enc_password && m->enc_hash && m->peer_chal &&
		    m->nt_resp) {
			pt_put_bytes(w, m->enc_password, 516);
			pt_put_bytes(w, m->enc_hash, 16);
			pt_put_bytes(w, m->peer_chal, 16);
			put_or_zero(w, m->reserved, 8);
			pt_put_bytes(w, m->nt_resp, 24);
			pt_put_u16(w, m->chpw_flags);
			break;
		}
		pt_put_cursor(w, &m->message);
		break;
	default: /* Success, Failure and opaque codes carry the message/data */
		pt_put_cursor(w, &m->message);
		break;
	}
	return pt_cp_end(w, start);
}
