/* tunnel_ppp.c: a call's PPP session: negotiation (pppobs), credential checks, MPPE keys and decryption, inner traffic (RFC 1661, 2759, 3078, 3079, 2118). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cursor.h"
#include "fmt.h"
#include "ip.h"
#include "mppc.h"
#include "mppe.h"
#include "mschap.h"
#include "tunnel_int.h"

const pt_vs pt_authv_vs[] = {
	{ PT_AUTHV_NONE, "not checked" },
	{ PT_AUTHV_NO_CREDS, "no credentials given" },
	{ PT_AUTHV_NO_USER, "no credentials for this user" },
	{ PT_AUTHV_OK, "password verified" },
	{ PT_AUTHV_WRONG, "wrong password" },
	{ PT_AUTHV_UNSUP, "credential cannot check this method" },
	{ 0, NULL },
};

int pt_tunnel_call_ext_new(pt_tunnel *t, pt_call *k)
{
	/* its cipher states are 64-octet aligned (pt_mppe_dir), and sizeof a multiple of it */
	struct pt_call_ext *x = aligned_alloc(_Alignof(struct pt_call_ext), sizeof(struct pt_call_ext));

	(void)t;
	if (!x)
		return PT_ENOMEM;
	memset(x, 0, sizeof *x);
	pt_pppobs_init(&x->ppp);
	x->cred[0] = x->cred[1] = -1;
	x->term_dir = -1;
	x->mppe_refused_by = -1;
	x->eap_naked_by = -1;
	x->eap_rejected_by = -1;
	k->ext = x;
	return PT_OK;
}

static void keys_drop(struct pt_call_ext *x)
{
	for (int d = 0; d < 2; d++) {
		if (x->mppe_init[d])
			pt_mppe_done(&x->mppe[d].c);
		x->mppe_init[d] = 0;
	}
}

void pt_tunnel_call_ext_free(pt_call *k)
{
	struct pt_call_ext *x = k->ext;

	if (!x)
		return;
	keys_drop(x);
	for (int d = 0; d < 2; d++)
		free(x->mppc_ctx[d]);
	explicit_bzero(x->nt_resp, sizeof x->nt_resp);
	explicit_bzero(x->alt_key, sizeof x->alt_key);
	free(x);
	k->ext = NULL;
}

/* Text off the wire for a sentence: printable ASCII kept, any other octet as \xNN (never a '?' that hides it). */
static void printable(pt_cursor c, char *out, size_t cap)
{
	size_t j = 0;
	uint8_t b;

	while (j + 1 < cap && pt_get_u8(&c, &b) == PT_OK) {
		if (b >= 0x20 && b < 0x7f) {
			out[j++] = (char)b;
		} else {
			if (j + 5 > cap)
				break;
			snprintf(out + j, cap - j, "\\x%02x", b);
			j += 4;
		}
	}
	out[j] = 0;
}

/* The peer's name as printable text (x->user) and as the octets sent (x->user_raw, for JSON's \u00XX). */
static void set_user(struct pt_call_ext *x, int a, pt_cursor name)
{
	pt_cursor r = name;
	size_t n = pt_left(&r) < sizeof x->user_raw[a] ? pt_left(&r) : sizeof x->user_raw[a];

	printable(name, x->user[a], sizeof x->user[a]);
	(void)pt_copy(&r, x->user_raw[a], n);
	x->user_len[a] = (uint8_t)n;
}

/* The credential for this user: an exact name match first, then a catch-all (empty user). */
static int cred_for(const pt_tunnel *t, const uint8_t *name, size_t len)
{
	int any = -1;

	for (size_t i = 0; i < t->ncreds; i++) {
		const pt_cred *c = &t->creds[i];
		size_t ul = strlen(c->user);
		if (ul == 0) {
			if (any < 0)
				any = (int)i;
			continue;
		}
		if (ul == len && memcmp(c->user, name, len) == 0)
			return (int)i;
		/* "DOMAIN\user" on the wire, "user" given */
		if (len > ul && name[len - ul - 1] == '\\' && memcmp(c->user, name + len - ul, ul) == 0)
			return (int)i;
	}
	return any;
}

static void secret_hook(pt_tunnel *t, const pt_where *at, const char *what, const uint8_t *key, size_t len)
{
	if (t->hooks.on_secret)
		t->hooks.on_secret(t->hooks.user, at, what, key, len);
}

/* ---- authentication checks (the authenticator is side a, the peer !a) ---- */

static void check_response(pt_tunnel *t, pt_call *k, int a, const pt_pppobs_auth *au, const pt_auth_msg *m,
			   const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	int ci, rc = PT_EUNSUP, mode = 0;
	const pt_cred *c;

	if (m->proto == PT_PPP_PAP)
		set_user(x, a, m->peer_id);
	else
		set_user(x, a, m->name);
	if (m->proto == PT_PPP_CHAP && m->ms_valid && m->nt_resp) {
		memcpy(x->nt_resp[a], m->nt_resp, 24);
		x->has_nt_resp[a] = 1;
	}
	if (m->proto == PT_PPP_CHAP && m->ms_valid && au->alg == PT_CHAP_ALG_MSCHAPV1) {
		/* RFC 2433 6: a client that sends only the NT response zeroes the LAN Manager half */
		static const uint8_t zero[24];
		x->lm_zero[a] = !m->lm_resp || memcmp(m->lm_resp, zero, 24) == 0;
	}
	if (!t->ncreds) {
		x->authv[a] = PT_AUTHV_NO_CREDS;
		return;
	}
	if (m->proto == PT_PPP_PAP)
		ci = cred_for(t, m->peer_id.p, pt_left(&m->peer_id));
	else
		ci = cred_for(t, m->name.p, pt_left(&m->name));
	if (ci < 0) {
		x->authv[a] = PT_AUTHV_NO_USER;
		pt_report(&t->sink, PT_R_AUTH_CREDENTIALS_MISSING, at, "no credentials for user \"%s\": not verified",
			  x->user[a]);
		return;
	}
	c = &t->creds[ci];
	x->cred[a] = ci;
	if (m->proto == PT_PPP_PAP) {
		rc = pt_cred_verify_pap(c, m->password.p, pt_left(&m->password));
	} else if (au->alg == PT_CHAP_ALG_MD5) {
		if (au->chal_valid)
			rc = pt_cred_verify_chap_md5(c, m->id, au->chal, au->chal_len, m->value.p, pt_left(&m->value));
	} else if (au->alg == PT_CHAP_ALG_MSCHAPV1 && m->ms_valid) {
		if (au->chal_valid && au->chal_len == 8) {
			memcpy(x->mschap1_chal[a], au->chal, 8);
			rc = pt_cred_verify_mschap1(c, au->chal, m->lm_resp, m->nt_resp, m->flags & 1);
		}
	} else if (au->alg == PT_CHAP_ALG_MSCHAPV2 && m->ms_valid) {
		if (au->chal_valid && au->chal_len == 16) {
			rc = pt_cred_verify_mschap2(c, au->chal, m->peer_chal, (const char *)m->name.p, pt_left(&m->name),
						    m->nt_resp, PT_MSCHAP_USER_AUTO, &mode);
			if (rc == PT_OK && mode == PT_MSCHAP_USER_AS_SENT && memchr(m->name.p, '\\', pt_left(&m->name)))
				pt_report(&t->sink, PT_R_AUTH_MSCHAPV2_DOMAIN_HASHED, at,
					  "NT-Response computed over \"%s\" with its domain part", x->user[a]);
		}
	}
	switch (rc) {
	case PT_OK:
		x->authv[a] = PT_AUTHV_OK;
		break;
	case PT_AUTH_MISMATCH:
		x->authv[a] = PT_AUTHV_WRONG;
		pt_report(&t->sink, PT_R_AUTH_PASSWORD_MISMATCH, at,
			  "%s response of \"%s\" does not match the password given",
			  m->proto == PT_PPP_PAP ? "PAP" : pt_vs_name_or(pt_chap_alg_vs, au->alg, "CHAP"), x->user[a]);
		break;
	default:
		if ((m->proto == PT_PPP_PAP || au->alg == PT_CHAP_ALG_MD5) ? c->has_password : c->has_nt_hash) {
			/* the credential would do: the exchange itself was unusable (no Challenge seen, odd sizes) */
			x->authv[a] = PT_AUTHV_NONE;
			break;
		}
		x->authv[a] = PT_AUTHV_UNSUP;
		pt_report(&t->sink, PT_R_AUTH_CREDENTIALS_INSUFFICIENT, at,
			  "the credential for \"%s\" cannot check %s (a clear password is needed)", x->user[a],
			  m->proto == PT_PPP_PAP ? "PAP" : pt_vs_name_or(pt_chap_alg_vs, au->alg, "CHAP"));
		break;
	}
}

/* RFC 2759 5: the authenticator proves it knows the password too. */
static void check_success(pt_tunnel *t, pt_call *k, int a, const pt_pppobs_auth *au, const pt_auth_msg *m,
			  const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	const pt_cred *c;
	int rc;

	if (au->alg != PT_CHAP_ALG_MSCHAPV2 || x->cred[a] < 0 || x->authv[a] != PT_AUTHV_OK || !x->has_nt_resp[a] ||
	    !au->chal_valid || au->chal_len != 16 || !au->resp_valid || au->resp_len < 16)
		return;
	c = &t->creds[x->cred[a]];
	rc = pt_cred_verify_mschap2_success(c, au->chal, au->resp, (const char *)au->name, au->name_len, x->nt_resp[a],
					    PT_MSCHAP_USER_AUTO, (const char *)m->message.p, pt_left(&m->message));
	x->success_checked[a] = 1;
	if (rc == PT_AUTH_MISMATCH) {
		x->success_forged[a] = 1;
		pt_report(&t->sink, PT_R_AUTH_MSCHAPV2_AUTHENTICATOR_MISMATCH, at,
			  "the %s's Success does not prove knowledge of the password of \"%s\" (forged or wrong server)",
			  a == PT_DIR_PNS ? "PNS" : "PAC", x->user[a]);
	}
}

/* ---- MPPE keys (RFC 3079) ---- */

static int bits_of(uint32_t mppe_bits)
{
	if (mppe_bits & PT_CCP_MPPE_S)
		return 128;
	if (mppe_bits & PT_CCP_MPPE_M)
		return 56;
	if (mppe_bits & PT_CCP_MPPE_L)
		return 40;
	return 0;
}

/* The side that authenticated its peer with MS-CHAP, or -1. */
static int mschap_authenticator(const struct pt_call_ext *x)
{
	for (int a = 0; a < 2; a++) {
		const pt_pppobs_auth *au = &x->auth[a];
		if (au->proto == PT_PPP_CHAP && (au->alg == PT_CHAP_ALG_MSCHAPV2 || au->alg == PT_CHAP_ALG_MSCHAPV1) &&
		    au->state == PT_PPPOBS_AUTH_SUCCESS)
			return a;
	}
	return -1;
}

static void keys_setup(pt_tunnel *t, pt_call *k, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	int a = mschap_authenticator(x), bits = x->key_bits;
	uint8_t key[2][16];
	const pt_cred *c;
	keys_drop(x);
	x->keys = 0;
	if (!bits)
		return;
	if (a < 0 || x->cred[a] < 0 || x->authv[a] != PT_AUTHV_OK) {
		x->keys = 2;
		pt_report(&t->sink, PT_R_MPPE_KEY_UNKNOWN, at, "%s: encrypted payload will not be decrypted",
			  a < 0 ? "no successful MS-CHAP authentication seen"
			  : !t->ncreds ? "no credentials given"
			  : x->authv[a] == PT_AUTHV_WRONG ? "the password given is wrong"
			  : "no usable credentials for this user");
		return;
	}
	c = &t->creds[x->cred[a]];
	if (!c->has_nt_hash) {
		x->keys = 2;
		return;
	}
	memset(key, 0, sizeof key);
	if (x->auth[a].alg == PT_CHAP_ALG_MSCHAPV2) {
		/* RFC 3079 3: the authenticator is the "server"; its send key is what it sends with */
		uint8_t send[16], recv[16];
		if (pt_mppe_chap2_start_keys(c->nt_hash, x->nt_resp[a], bits, 1, send, recv) != PT_OK) {
			x->keys = 2;
			return;
		}
		memcpy(key[a], send, 16);
		memcpy(key[!a], recv, 16);
		explicit_bzero(send, sizeof send);
		explicit_bzero(recv, sizeof recv);
	} else {
		/* RFC 3079 2: MS-CHAPv1 keys are the same both ways */
		uint8_t hh[16];
		pt_nt_hash_hash(c->nt_hash, hh);
		pt_mppe_chap1_start_key_nt(hh, x->mschap1_chal[a], key[0]);
		explicit_bzero(hh, sizeof hh);
		if (bits < 128 && c->has_lm_hash && !x->alt_used) {
			/* RFC 3079 2.1-2.2: 40/56-bit keys come from the LAN Manager hash.  pppd and Linux take
			 * the first octets of the NT-based key instead: kept as the alternative. */
			memcpy(x->alt_key, key[0], 16);
			x->has_alt = 1;
			memset(key[0], 0, 16);
			pt_mppe_chap1_start_key_lm(c->lm_hash, key[0]);
		}
		memcpy(key[1], key[0], 16);
	}
	for (int d = 0; d < 2; d++) {
		if (pt_mppe_init(&x->mppe[d].c, key[d], bits, x->stateless_dir[d] ? PT_MPPE_OPT_STATELESS : 0) == PT_OK)
			x->mppe_init[d] = 1;
		secret_hook(t, at, d == PT_DIR_PNS ? "MPPE start key PNS>PAC" : "MPPE start key PAC>PNS", key[d],
			    bits == 128 ? 16 : 8);
	}
	explicit_bzero(key, sizeof key);
	x->keys = (x->mppe_init[0] && x->mppe_init[1]) ? 1 : 2;
	if (x->mppc) {
		for (int d = 0; d < 2; d++) {
			if (!x->mppc_ctx[d])
				x->mppc_ctx[d] = malloc(sizeof *x->mppc_ctx[d]);
			if (x->mppc_ctx[d])
				pt_mppc_init(x->mppc_ctx[d], x->stateless_dir[d]);
		}
	}
}

/* ---- data frames ---- */

static void inner_account(pt_tunnel *t, pt_call *k, int dir, uint16_t proto, const uint8_t *p, size_t len,
			  size_t gre_wire, uint8_t family, const pt_ip *parsed, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	pt_inner_stats *s = &x->inner[dir];
	const pt_pppobs_lcp *rx = &x->ppp.lcp[!dir];

	pt_cursor c = pt_cur(p, len);
	pt_ip ip;
	int is_ip;

	/* parsed: the same header, already read by plain_ok from the same octets (its offsets are not used here) */
	if (parsed && (proto == PT_PPP_IP || proto == 0x0057)) {
		ip = *parsed;
		is_ip = 1;
	} else {
		is_ip = (proto == PT_PPP_IP || proto == 0x0057) && pt_ip_parse(&c, &ip, NULL, NULL) == PT_OK;
	}

	s->bytes += len;
	if (is_ip && len > x->max_inner[dir] && gre_wire + (family == 6 ? 40u : 20u) > len) {
		x->max_inner[dir] = (uint32_t)len;
		x->overhead[dir] = (uint32_t)(gre_wire + (family == 6 ? 40u : 20u) - len);
	}
	if (is_ip && proto == PT_PPP_IP && ip.version == 4) {
		s->ipv4++;
		if (!s->has_addr) {
			/* IPv4 addresses are kept IPv4-mapped by pt_ip_parse */
			memcpy(s->src, ip.src + 12, 4);
			memcpy(s->dst, ip.dst + 12, 4);
			s->has_addr = 1;
		}
		if (ip.is_fragment)
			s->fragments++;
		switch (ip.proto) {
		case 1:
			s->icmp++;
			break;
		case 6:
			s->tcp++;
			break;
		case 17:
			s->udp++;
			break;
		default:
			s->l4_other++;
			break;
		}
	} else if (is_ip && proto == 0x0057 && ip.version == 6) {
		s->ipv6++;
	} else {
		s->other++;
	}
	/* RFC 1661 6.1: the receiver's MRU bounds the Information field */
	if (rx->mru && len > rx->mru && !pt_pppobs_lcp_assumed(&x->ppp) && !x->oversize[dir]++)
		x->oversize_pkt[dir] = at->pkt;
	if (t->hooks.on_inner)
		t->hooks.on_inner(t->hooks.user, at, proto, p, len);
}

static void decode_line(pt_tunnel *t, const pt_where *at, const char *prefix, const uint8_t *frame, size_t len,
			uint8_t alg)
{
	char line[700], full[760];

	if (!t->hooks.on_decode)
		return;
	pt_fmt_ppp(frame, len, alg, line, sizeof line);
	snprintf(full, sizeof full, "%s%s", prefix, line);
	pt_tunnel_decode(t, at, full);
}

/*
 * Is this plaintext?  pt_mppe_check_plain only bounds the protocol field, which garbage passes about
 * one time in two (any odd first octet is a compressed field).  A known protocol is required, and
 * IPv4 and IPv6 must have a header whose length agrees with the frame: RC4 under a wrong key
 * passes that about once in a few million.
 */
static int plain_ok(const uint8_t *p, size_t len, uint16_t *proto, pt_ip *out)
{
	size_t plen;
	pt_cursor c = pt_cur(p, len);
	pt_ip local, *ip = out ? out : &local;

	/* IPv4, the usual case, is in pt_ppp_proto_vs: the table walk is for the others */
	if (pt_mppe_check_plain(p, len, proto, &plen) != PT_OK ||
	    (*proto != PT_PPP_IP && !pt_vs_name(pt_ppp_proto_vs, *proto)))
		return 0;
	if (*proto != PT_PPP_IP && *proto != 0x0057)
		return 1;
	if (pt_skip(&c, plen) != PT_OK || pt_ip_parse(&c, ip, NULL, NULL) != PT_OK)
		return 0;
	/* the header's own length must be exactly the frame's: no padding follows a PPP payload */
	return ip->version == (*proto == PT_PPP_IP ? 4 : 6) && ip->total_len == len - plen && !ip->trailer && ip->total_len;
}

/* One decrypted (and decompressed) frame: protocol field + payload; gre_wire and family are of the GRE packet it came in. */
/* Returns 0 only when the frame is not plaintext and may_retry says another key will be tried (nothing reported). */
static int inner_frame(pt_tunnel *t, pt_call *k, int dir, const uint8_t *p, size_t len, int may_retry, size_t gre_wire,
		       uint8_t family, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	uint16_t proto = 0;
	pt_cursor c;
	pt_ppp_frame f;
	pt_pppobs_event ev;
	pt_ip ip;

	if (!plain_ok(p, len, &proto, &ip)) {
		if (may_retry)
			return 0;
		pt_cursor pc = pt_cur(p, len);
		uint8_t b0 = 0, b1 = 0;
		(void)pt_peek_u8(&pc, 0, &b0);
		(void)pt_peek_u8(&pc, 1, &b1);
		k->d[dir].decrypt_failed++;
		if (!x->first_bad_pkt[dir])
			x->first_bad_pkt[dir] = at->pkt;
		pt_report(&t->sink, PT_R_MPPE_DECRYPT_INVALID_PPP, at,
			  "decryption produced invalid PPP (first octets %02x %02x): wrong key or lost key stream",
			  b0, b1);
		return 1;
	}
	k->d[dir].decrypted++;
	decode_line(t, at, "  decrypted: ", p, len, 0);
	c = pt_cur(p, len);
	if (pt_ppp_parse(&c, &f) == PT_OK) {
		f.decrypted = 1;
		/* control packets inside MPPE are rare but legal: let the observer see them */
		pt_pppobs_on_frame(&x->ppp, dir, &f, &t->sink, at, &ev);
		inner_account(t, k, dir, f.proto, f.info.p, pt_left(&f.info), gre_wire, family, &ip, at);
	}
	return 1;
}

/*
 * Decryption in two halves (issue 22): the cipher work of a frame, a job (pt_tunnel_job_run) that touches only its
 * direction's RC4 and MPPC state, so a front end may run it on another thread; and the rest, which reports and
 * accounts (mppe_report) on the tunnel's thread.  Decrypting here is the same two, one after the other.
 */
static void job_init(pt_mppe_job *j, const pt_tunnel *t, pt_call *k, int dir, const pt_ppp_frame *f, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	pt_cursor h = f->info;
	uint16_t hdr = 0;

	memset(j, 0, sizeof *j);
	j->call = k->idx;
	j->dir = (uint8_t)dir;
	j->in = f->info.p;
	j->in_len = pt_left(&f->info);
	/* pt_mppe_decrypt needs the data's length, and fails alike on anything above the tunnel's own buffer */
	j->out_cap = j->in_len > PT_MPPE_HDR_LEN ? j->in_len - PT_MPPE_HDR_LEN : 0;
	if (j->out_cap > PT_TUNNEL_DECRYPT_CAP)
		j->out_cap = PT_TUNNEL_DECRYPT_CAP;
	j->mppe = &x->mppe[dir].c;
	j->mppc = x->mppc_ctx[dir];
	j->mppc_on = x->mppc;
	j->stateless = x->stateless_dir[dir];
	/* RFC 2118 3.1 bit C: only a compressed packet goes through the history, whose size bounds what it gives */
	if (j->mppc_on && j->mppc && pt_peek_u16(&h, 0, &hdr) == PT_OK && (hdr & PT_MPPE_BIT_C))
		j->z_cap = PT_MPPC_HIST;
	j->at = *at;
	j->family = t->cur_family;
	j->gre_wire = t->cur_gre_wire;
	j->gre_gap = t->cur_gre_gap;
}

void pt_tunnel_job_run(pt_mppe_job *j, uint8_t *out, uint8_t *zout)
{
	pt_cursor in = pt_cur(j->in, j->in_len);
	size_t outlen = 0;
	uint16_t bits;

	j->zrc = PT_OK;
	j->decompressed = j->rekeyed = 0;
	j->rc = pt_mppe_decrypt(j->mppe, &in, out, j->out_cap, &outlen, &j->info);
	j->plain = out;
	j->plain_len = outlen;
	if (j->rc != PT_OK)
		return;
	bits = j->info.hdr.bits;
	if (j->mppc_on && (bits & PT_MPPE_BIT_C) && j->mppc) {
		size_t zlen = 0;
		j->decompressed = 1;
		j->zrc = j->z_cap >= PT_MPPC_HIST ? pt_mppc_decompress(j->mppc, bits, out, outlen, zout, j->z_cap, &zlen)
						  : PT_ENOSPC;
		j->plain = zout;
		j->plain_len = zlen;
		return;
	}
	if (!j->stateless && (bits & PT_MPPE_BIT_A) && (j->info.hdr.cc & 0xff) != 0xff &&
	    !(j->mppe->opts & PT_MPPE_OPT_FLUSH_REKEYS)) {
		/* stateful FLUSHED packet: RFC 3078 8.2 keeps the key, Linux changes it (ppp_mppe.c) */
		uint16_t proto;
		pt_cursor d = pt_cur(j->in, j->in_len);
		if (!plain_ok(out, outlen, &proto, NULL) && pt_skip(&d, PT_MPPE_HDR_LEN) == PT_OK &&
		    pt_mppe_redo_flush_rekey(j->mppe, d.p, pt_left(&d), out) == PT_OK && plain_ok(out, outlen, &proto, NULL))
			j->rekeyed = 1;
	}
	if (j->mppc_on && j->mppc && (bits & PT_MPPE_BIT_A))
		pt_mppc_init(j->mppc, j->stateless);
}

/* What a job's result says, in the packet's order; 0 when it was not plaintext and may_retry holds (nothing reported then). */
static int mppe_report(pt_tunnel *t, pt_call *k, const pt_mppe_job *j, int may_retry)
{
	const pt_mppe_info *info = &j->info;
	const pt_where *at = &j->at;
	int dir = j->dir;

	/* one loss is one finding: a jump the GRE sequence numbers already showed (gre.seq.gap) is not told again */
	if ((info->ev & PT_MPPE_EV_JUMP) && j->gre_gap < info->lost)
		pt_report(&t->sink, PT_R_MPPE_COHERENCY_JUMP, at, "coherency count %u: %u packets missing", info->hdr.cc,
			  info->lost);
	if (info->ev & (PT_MPPE_EV_BACKWARDS | PT_MPPE_EV_DUPLICATE))
		pt_report(&t->sink, PT_R_MPPE_COHERENCY_BACKWARDS, at, "coherency count %u went back or repeated",
			  info->hdr.cc);
	if (info->ev & PT_MPPE_EV_STATELESS_NO_FLUSH)
		pt_report(&t->sink, PT_R_MPPE_STATELESS_FLUSH_BIT_CLEAR, at, "coherency count %u without the A bit",
			  info->hdr.cc);
	if (info->ev & PT_MPPE_EV_NOT_ENCRYPTED)
		pt_report(&t->sink, PT_R_MPPE_NOT_ENCRYPTED, at, "coherency count %u has the D bit clear", info->hdr.cc);
	if (info->ev & PT_MPPE_EV_NEED_RESET)
		pt_report(&t->sink, PT_R_MPPE_STATEFUL_LOSS, at, "stateful key stream lost at coherency count %u",
			  info->hdr.cc);
	if (j->rc != PT_OK) {
		k->d[dir].decrypt_failed++;
		if (info->reason == PT_MPPE_R_TRUNCATED)
			pt_report(&t->sink, PT_R_MPPE_HEADER_TRUNCATED, at, "%zu octets", j->in_len);
		else if (info->reason == PT_MPPE_R_TOO_OLD)
			pt_report(&t->sink, PT_R_MPPE_STATELESS_TOO_OLD, at, "coherency count %u", info->hdr.cc);
		else if (info->reason == PT_MPPE_R_AWAIT_FLUSH && info->reset_seen && info->discarded > 1)
			pt_report(&t->sink, PT_R_MPPE_STATEFUL_NO_FLUSH_AFTER_LOSS, at,
				  "coherency count %u without the FLUSHED bit after a Reset-Request (%u packets discarded)",
				  info->hdr.cc, info->discarded);
		return 1;
	}
	if (j->decompressed && j->zrc != PT_OK) {
		k->d[dir].decrypt_failed++;
		pt_report(&t->sink, j->zrc == PT_ESTATE ? PT_R_MPPC_HISTORY_LOST : PT_R_MPPC_DECOMPRESS_ERROR, at,
			  "coherency count %u: %s", info->hdr.cc, pt_strerror(j->zrc));
		return 1;
	}
	if (j->rekeyed)
		pt_report(&t->sink, PT_R_MPPE_STATEFUL_FLUSH_REKEYS, at,
			  "coherency count %u: the sender changed key on a FLUSHED packet (as Linux does)", info->hdr.cc);
	return inner_frame(t, k, dir, j->plain, j->plain_len, may_retry, j->gre_wire, j->family, at);
}

/* Decrypt one frame here; 0 when it was not plaintext and may_retry holds (nothing reported then). */
static int mppe_try(pt_tunnel *t, pt_call *k, int dir, const pt_ppp_frame *f, int may_retry, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	pt_mppe_job j;

	if (x->keys != 1 || !x->mppe_init[dir])
		return 1;
	job_init(&j, t, k, dir, f, at);
	pt_tunnel_job_run(&j, t->dbuf, t->zbuf);
	return mppe_report(t, k, &j, may_retry);
}

void pt_tunnel_job_apply(pt_tunnel *t, const pt_mppe_job *j)
{
	pt_call *k;

	if (j->call < 0 || (size_t)j->call >= t->ncalls || !(k = t->calls[j->call])->ext || j->dir > 1)
		return;
	(void)mppe_report(t, k, j, 0);
}

/* MS-CHAPv1 40/56-bit: nothing decrypted yet and the other key derivation not tried */
static int can_switch_keys(const pt_call *k)
{
	const struct pt_call_ext *x = k->ext;
	return x->has_alt && !x->alt_used && k->d[0].decrypted + k->d[1].decrypted == 0;
}

static void switch_keys(pt_tunnel *t, pt_call *k, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	x->alt_used = 1;
	keys_drop(x);
	for (int d = 0; d < 2; d++) {
		if (pt_mppe_init(&x->mppe[d].c, x->alt_key, x->key_bits, x->stateless_dir[d] ? PT_MPPE_OPT_STATELESS : 0) == PT_OK)
			x->mppe_init[d] = 1;
		secret_hook(t, at, d == PT_DIR_PNS ? "MPPE start key PNS>PAC" : "MPPE start key PAC>PNS", x->alt_key, 8);
	}
	explicit_bzero(x->alt_key, sizeof x->alt_key);
	x->keys = (x->mppe_init[0] && x->mppe_init[1]) ? 1 : 2;
}

/* Every job of this call handed out so far applied (hooks.on_sync): before its PPP or cipher state is touched here. */
static void sync_call(pt_tunnel *t, const pt_call *k)
{
	if (t->hooks.on_sync)
		t->hooks.on_sync(t->hooks.user, k->idx);
}

/* Can this direction's frame be a job?  Its cipher state must need nothing but the frame (RFC 3078 7-8 work on the
 * direction's own state), and the call nothing of the result until the front end applies it. */
static int job_keys_ok(const pt_call *k, int dir)
{
	const struct pt_call_ext *x = k->ext;
	/* the MS-CHAPv1 retry with the other key (can_switch_keys) looks at both directions' results: not as a job */
	return x->keys == 1 && x->mppe_init[dir] && x->ccp_open && !(x->has_alt && !x->alt_used);
}

static int job_ok(const pt_tunnel *t, const pt_call *k, int dir, const pt_ppp_frame *f, int truncated)
{
	const struct pt_call_ext *x = k->ext;
	return t->hooks.on_job && t->hooks.on_sync && !t->hooks.on_decode && f->proto == PT_PPP_COMP && !truncated &&
	       (x->ppp.n_frames[0] || x->ppp.n_frames[1]) && job_keys_ok(k, dir);
}

static void mppe_frame(pt_tunnel *t, pt_call *k, int dir, const pt_ppp_frame *f, int as_job, const pt_where *at)
{
	k->ext->enc_frames[dir]++;
	if (as_job && job_keys_ok(k, dir)) {
		pt_mppe_job j;
		job_init(&j, t, k, dir, f, at);
		t->hooks.on_job(t->hooks.user, &j);
		return;
	}
	if (as_job)
		sync_call(t, k);
	if (mppe_try(t, k, dir, f, can_switch_keys(k), at))
		return;
	/* the RFC 3079 2 key (from the LAN Manager hash) gives garbage: try the one pppd and Linux use */
	switch_keys(t, k, at);
	if (mppe_try(t, k, dir, f, 0, at) && k->d[dir].decrypted)
		pt_report(&t->sink, PT_R_MPPE_KEY_V1_NT, at,
			  "MS-CHAPv1 %d-bit keys derived from the NT hash, not the LAN Manager hash of RFC 3079 2",
			  k->ext->key_bits);
}

/* ---- the observer's events ---- */

/* Control packets the verdicts need: echoes, MPPE refusals, IPCP trouble. */
static void note_cp(pt_tunnel *t, pt_call *k, int dir, const pt_pppobs_event *ev, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	const pt_cp_pkt *p = &ev->cp;

	(void)t;
	switch (ev->cp_kind) {
	case PT_CPK_LCP:
		if (p->code == PT_CP_CONF_REQ || p->code == PT_CP_CONF_NAK || p->code == PT_CP_CONF_REJ) {
			pt_cp_opt_iter it;
			pt_cp_opt o;
			pt_cp_opt_iter_init(&it, &p->rest, p->complete);
			while (pt_cp_opt_next(&it, &o) == 1) {
				pt_cp_optval v;
				uint8_t op = 0;
				/* RFC 1570 2.3: Callback, its first octet the operation */
				if (o.type == PT_LCP_OPT_CALLBACK && p->code == PT_CP_CONF_REQ && pt_peek_u8(&o.val, 0, &op) == PT_OK)
					x->callback_op[dir] = (uint8_t)(op + 1);
				/* RFC 1661 6.2: a Nak of EAP (RFC 3748) names the protocol the peer wants instead */
				if (o.type == PT_LCP_OPT_AUTH && p->code == PT_CP_CONF_NAK &&
				    x->ppp.cp[PT_CPK_LCP].side[!dir].req.valid && x->eap_naked_by < 0 &&
				    pt_cp_opt_decode(PT_CPK_LCP, &o, &v) == PT_OK && v.proto.proto != PT_PPP_EAP &&
				    x->eap_offered[!dir]) {
					x->eap_naked_by = (int8_t)dir;
					x->eap_nak_proto = v.proto.proto;
					x->eap_nak_alg = v.proto.alg;
				}
				/* RFC 1661 5.4: a Reject of the option refuses EAP (RFC 3748, 0xC227) and names nothing instead: what the
				 * offerer asks for next is the downgrade (audit.auth.eap_downgrade, lib/auditor.c) */
				if (o.type == PT_LCP_OPT_AUTH && p->code == PT_CP_CONF_REJ && x->eap_offered[!dir] &&
				    x->ppp.cp[PT_CPK_LCP].side[!dir].req.valid && x->eap_rejected_by < 0) {
					x->eap_rejected_by = (int8_t)dir;
					x->eap_rej_pkt = at->pkt;
				}
				if (o.type == PT_LCP_OPT_AUTH && p->code == PT_CP_CONF_REQ &&
				    pt_cp_opt_decode(PT_CPK_LCP, &o, &v) == PT_OK)
					x->eap_offered[dir] = v.proto.proto == PT_PPP_EAP;
			}
		}
		if (p->code == PT_CP_ECHO_REQ) {
			x->lcp_echo_req[dir]++;
			if (!x->t_first_unanswered[dir]) {
				x->t_first_unanswered[dir] = at->ts_us;
				x->pkt_first_unanswered[dir] = at->pkt;
			}
		} else if (p->code == PT_CP_ECHO_REP) {
			x->lcp_echo_rep[dir]++;
			x->t_first_unanswered[!dir] = 0;
			x->pkt_first_unanswered[!dir] = 0;
		} else if (p->code == PT_CP_PROTO_REJ && p->rej_proto == PT_PPP_CCP && x->mppe_refused_by < 0) {
			x->mppe_refused_by = (int8_t)dir;
			x->mppe_refused_pkt = at->pkt;
		}
		break;
	case PT_CPK_CCP:
		if (p->code == PT_CP_CONF_REQ || p->code == PT_CP_CONF_REJ) {
			pt_cp_opt_iter it;
			pt_cp_opt o;
			pt_cp_opt_iter_init(&it, &p->rest, p->complete);
			while (pt_cp_opt_next(&it, &o) == 1) {
				pt_cp_optval v;
				if (o.type != PT_CCP_OPT_MPPE)
					continue;
				if (p->code == PT_CP_CONF_REQ && pt_cp_opt_decode(PT_CPK_CCP, &o, &v) == PT_OK)
					x->mppe_wanted[dir] = v.u32;
				else if (p->code == PT_CP_CONF_REJ && x->mppe_refused_by < 0) {
					x->mppe_refused_by = (int8_t)dir;
					x->mppe_refused_pkt = at->pkt;
				}
			}
		}
		break;
	case PT_CPK_IPCP:
		if (p->code == PT_CP_CONF_NAK)
			x->ipcp_naks[dir]++;
		else if (p->code == PT_CP_CONF_REJ)
			x->ipcp_rejs[dir]++;
		else if (p->code == PT_CP_TERM_REQ && !x->ipcp_termreq_pkt)
			x->ipcp_termreq_pkt = at->pkt;
		break;
	default:
		break;
	}
}

static void on_ppp_event(pt_tunnel *t, pt_call *k, int dir, const pt_pppobs_event *ev, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;

	x->t_last_rx[dir] = at->ts_us;
	if (ev->what & PT_PPPEV_CP)
		note_cp(t, k, dir, ev, at);

	if (ev->what & PT_PPPEV_LCP_OPENED && !x->lcp_open_pkt)
		x->lcp_open_pkt = at->pkt;
	if (ev->what & PT_PPPEV_AUTH_MSG && ev->auth) {
		const pt_auth_msg *m = ev->auth;
		int a = ev->authenticator;
		if (a == PT_DIR_PNS || a == PT_DIR_PAC) {
			const pt_pppobs_auth *au = &x->ppp.auth[a];
			int is_resp = (m->proto == PT_PPP_PAP && m->code == PT_PAP_AUTH_REQ) ||
				      (m->proto == PT_PPP_CHAP && m->code == PT_CHAP_RESPONSE);
			if (is_resp) {
				if (m->proto == PT_PPP_PAP) {
					set_user(x, a, m->peer_id);
				} else if (au->alg == PT_CHAP_ALG_MSCHAPV1) {
					pt_report(&t->sink, PT_R_AUTH_MSCHAPV1_WEAK, at, "MS-CHAPv1 response");
				}
				check_response(t, k, a, au, m, at);
				x->auth_pkt[a] = at->pkt;
			} else if (m->proto == PT_PPP_CHAP && m->code == PT_CHAP_SUCCESS) {
				check_success(t, k, a, au, m, at);
			}
			if (t->hooks.on_auth)
				t->hooks.on_auth(t->hooks.user, at, k, a, m);
		}
	}
	if (ev->what & PT_PPPEV_AUTH_RESULT) {
		int a = ev->authenticator;
		if ((a == 0 || a == 1)) {
			x->auth_pkt[a] = at->pkt;
			if (!ev->auth_success) {
				x->failures[a]++;
				x->fail_pkt[a] = at->pkt;
				x->fail_error[a] = ev->auth_error;
			}
		}
	}
	if (ev->what & PT_PPPEV_AUTH_DONE && !x->auth_done_pkt)
		x->auth_done_pkt = at->pkt;
	if (ev->what & PT_PPPEV_CCP_OPENED) {
		/* RFC 3078 2: both directions use the bits agreed; prefer what the PAC receives with */
		uint32_t bits = ev->mppe_bits[PT_DIR_PAC] ? ev->mppe_bits[PT_DIR_PAC] : ev->mppe_bits[PT_DIR_PNS];
		x->ccp_open = 1;
		if (!x->ccp_open_pkt)
			x->ccp_open_pkt = at->pkt;
		x->mppe_bits = bits;
		x->key_bits = bits_of(bits);
		x->stateless = (bits & PT_CCP_MPPE_H) != 0;
		/* the PNS sends as the PAC asked, the PAC as the PNS asked (pptp-conform Naks only one side's H bit) */
		x->stateless_dir[PT_DIR_PNS] = ((ev->mppe_bits[PT_DIR_PAC] ? ev->mppe_bits[PT_DIR_PAC] : bits) & PT_CCP_MPPE_H) != 0;
		x->stateless_dir[PT_DIR_PAC] = ((ev->mppe_bits[PT_DIR_PNS] ? ev->mppe_bits[PT_DIR_PNS] : bits) & PT_CCP_MPPE_H) != 0;
		x->mppc = (bits & PT_CCP_MPPE_C) != 0;
		if (x->key_bits && x->key_bits < 128)
			pt_report(&t->sink, PT_R_MPPE_KEY_WEAK, at, "%d-bit MPPE keys negotiated", x->key_bits);
		if (x->key_bits && !x->stateless)
			pt_report(&t->sink, PT_R_MPPE_STATEFUL_USED, at, "stateful MPPE negotiated over a PPTP tunnel");
		keys_setup(t, k, at);
	}
	if (ev->what & PT_PPPEV_CCP_RESET_REQ) {
		/* the sender of the Reset-Request receives badly: the other side must flush */
		x->reset_reqs[dir]++;
		if (x->mppe_init[!dir])
			pt_mppe_reset_request(&x->mppe[!dir].c);
	}
	if (ev->what & PT_PPPEV_IPCP_OPENED && !x->ipcp_open_pkt)
		x->ipcp_open_pkt = at->pkt;
	if (ev->what & PT_PPPEV_LCP_TERMINATE && x->term_dir < 0) {
		x->term_dir = (int8_t)dir;
		x->term_pkt = at->pkt;
		printable(ev->term_reason, x->term_reason, sizeof x->term_reason);
	}
	else if (ev->what & PT_PPPEV_LCP_TERMINATE && dir != x->term_dir && !x->term2_pkt) {
		/* RFC 1661 5.5: both ends may send Terminate-Request; the report says both */
		x->term2_pkt = at->pkt;
		printable(ev->term_reason, x->term2_reason, sizeof x->term2_reason);
	}
	if (ev->what & PT_PPPEV_DATA) {
		if (ev->proto == PT_PPP_IP || ev->proto == 0x0057) {
			x->clear_data[dir]++;
			inner_account(t, k, dir, ev->proto, ev->payload.p, pt_left(&ev->payload), t->cur_gre_wire,
				      t->cur_family, NULL, at);
		}
	}
}

/*
 * Did the capture start inside a running session?  The first frame of the call is not LCP link
 * establishment (RFC 1661 3.2: Configure and Terminate packets come first), and the call's start is
 * not in the capture either: no Outgoing/Incoming-Call pair, or GRE sequence numbers that do not start
 * at 0 (RFC 2637 4.3).  With the start in the capture, the same frame is a fault of the sender.
 */
static int start_seen(const pt_call *k, int dir)
{
	/* the control channel knows the call (its request or reply is in the capture; packet numbers may be 0 when
	 * the front end has none), and GRE from this side starts at 0 */
	return k->fsm_call >= 0 && k->gre[dir].has_seq && k->gre[dir].first_seq == 0;
}

/* An 0x00FD frame of a session whose CCP was negotiated before the capture: what its MPPE header shows. */
static void midsession_mppe(pt_tunnel *t, pt_call *k, int dir, const pt_ppp_frame *f, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	pt_cursor c = f->info;
	uint16_t h;

	/* RFC 3078 3.1: A B C D bits and a 12-bit coherency count */
	if (pt_get_u16(&c, &h) != PT_OK || !(h & PT_MPPE_BIT_D))
		return;
	if (!x->mppe_d_frames[0] && !x->mppe_d_frames[1]) {
		x->keys = 2;
		pt_report(&t->sink, PT_R_MPPE_KEY_UNKNOWN, at,
			  "MPPE negotiated before the capture (coherency count %u): keys unknown, payload not decrypted",
			  h & 0x0fffu);
	}
	x->mppe_d_frames[dir]++;
	if (h & PT_MPPE_BIT_A)
		x->mppe_a_frames[dir]++;
}

void pt_tunnel_call_ppp(pt_tunnel *t, pt_call *k, int dir, const uint8_t *ppp, size_t len, int truncated,
			const pt_where *at)
{
	struct pt_call_ext *x = k->ext;
	pt_cursor c = pt_cur(ppp, len);
	pt_ppp_frame f;
	pt_pppobs_event ev;
	int rc, as_job;

	if (!x)
		return;
	/* parsing reads nothing of the call: whether the frame can be a job is known before anything is touched */
	rc = pt_ppp_parse(&c, &f);
	as_job = rc == PT_OK && job_ok(t, k, dir, &f, truncated);
	if (!as_job)
		sync_call(t, k);
	k->d[dir].ppp_frames++;
	/* a call the control channel does not know, carrying PPP both ways: it is up, whatever set it up */
	if (!k->up && !k->up_inferred && k->fsm_call < 0 && k->d[0].ppp_frames && k->d[1].ppp_frames)
		k->up_inferred = 1;
	if (rc != PT_OK) {
		k->d[dir].bad_frames++;
		if (rc == PT_EINVAL)
			/* RFC 1662 3.1: the All-Stations address is followed by UI, 0x03 */
			pt_report(&t->sink, PT_R_PPP_FRAME_BAD_CONTROL, at, "address 0xff not followed by 0x03 (%zu octets)", len);
		else if (truncated)
			pt_report(&t->sink, PT_R_PPP_FRAME_TRUNCATED, at, "%zu octets captured, shorter than a PPP header", len);
		else
			pt_report(&t->sink, PT_R_GRE_NOT_PPP, at, "%zu octets: %s", len, pt_strerror(rc));
		return;
	}
	f.truncated = truncated ? 1 : 0;
	{
		uint8_t alg = x->auth[0].alg ? x->auth[0].alg : x->auth[1].alg;
		decode_line(t, at, "  ", ppp, len, alg);
	}
	if (!x->ppp.n_frames[0] && !x->ppp.n_frames[1] && !start_seen(k, dir)) {
		/* the call's start is not in the capture: a reply to an earlier request is no fault, and a first
		 * frame that is not link establishment means the session was already up */
		x->ppp.start_unseen = 1;
		if (!pt_pppobs_link_start(&f)) {
			pt_pppobs_assume_open(&x->ppp, dir, &f, &t->sink, at);
			x->midsession_pkt = at->pkt;
			if (!k->up)
				k->up_inferred = 1;
		}
	}
	if (!t->no_fast && pt_pppobs_data_quiet(&x->ppp, dir, &f)) {
		/* the steady state: what on_ppp_event does with an event of PT_PPPEV_DATA alone */
		t->fast_frames++;
		x->t_last_rx[dir] = at->ts_us;
		if (f.proto == PT_PPP_IP) {
			x->clear_data[dir]++;
			inner_account(t, k, dir, f.proto, f.info.p, pt_left(&f.info), t->cur_gre_wire, t->cur_family, NULL,
				      at);
		}
	} else {
		pt_pppobs_on_frame(&x->ppp, dir, &f, &t->sink, at, &ev); /* it clears ev first */
		on_ppp_event(t, k, dir, &ev, at);
	}
	/* pt_pppobs changes auth[] only on LCP, CCP, NCP and PAP/CHAP frames (and pt_pppobs_assume_open, before a
	 * first frame): a data frame leaves it as the last copy took it, so the copy of the two records is skipped */
	if ((f.proto != PT_PPP_COMP && f.proto != PT_PPP_IP) || x->midsession_pkt == at->pkt)
		for (int a = 0; a < 2; a++)
			if (x->ppp.auth[a].state != PT_PPPOBS_AUTH_NONE)
				x->auth[a] = x->ppp.auth[a];
	if (f.proto == PT_PPP_CBCP)
		x->cbcp_frames[dir]++; /* Microsoft's Callback Control Protocol */
	if (f.proto == PT_PPP_COMP) {
		k->d[dir].data_frames++;
		if (x->ppp.midsession && !x->ccp_open)
			midsession_mppe(t, k, dir, &f, at);
		if (!truncated)
			mppe_frame(t, k, dir, &f, as_job, at);
	} else if (f.proto == PT_PPP_IP || f.proto == 0x0057) {
		k->d[dir].data_frames++;
	}
}

void pt_tunnel_call_ctrl_event(pt_tunnel *t, pt_call *k, const pt_ctrl_event *ev, const pt_where *at)
{
	(void)t;
	(void)k;
	(void)ev;
	(void)at;
}

void pt_tunnel_call_finish(pt_tunnel *t, pt_call *k, const pt_where *at)
{
	struct pt_call_ext *x = k->ext;

	(void)t;
	(void)at;
	if (!x)
		return;
	sync_call(t, k);
	/* keys are not needed any more: wipe them now */
	keys_drop(x);
	explicit_bzero(x->nt_resp, sizeof x->nt_resp);
	explicit_bzero(x->alt_key, sizeof x->alt_key);
}
