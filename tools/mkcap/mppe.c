/* mppe.c: MPPE for a call (RFC 3078 encryption, RFC 3079 3 MS-CHAPv2 keys), all arithmetic in lib/mppe.h and lib/mschap.h. */
#include <stdlib.h>
#include <string.h>

#include "mkcap.h"
#include "mppe.h"
#include "mschap.h"

struct mk_mppe {
	pt_mppe_ctx ctx[2];   /* the sender's state per side: [MK_PNS] encrypts what the PNS sends */
	int bits;
};

void mk_mppe_free(mk_call *k)
{
	if (!k->mppe)
		return;
	pt_mppe_done(&k->mppe->ctx[0]);
	pt_mppe_done(&k->mppe->ctx[1]);
	free(k->mppe);
	k->mppe = NULL;
}

void mk_mppe_reset(mk_call *k, int side)
{
	if (k->mppe)
		pt_mppe_reset_request(&k->mppe->ctx[side]);
}

static void key_hex(mk_line *l, mk_tok *t, uint8_t *key, size_t keylen)
{
	if (mk_hex(l, t, key, PT_MPPE_KEY_MAX) != keylen)
		mk_die(l, t->vcol, "%s: a start key of %zu bytes expected for these bits", t->key, keylen);
}

/*
 * mppe CALL [key-from] [bits=40|56|128] [stateless|stateful] [flush_rekeys]
 *      [ pns_key=HEX pac_key=HEX | password=TEXT nt_response=HEX | (keys from the call's MS-CHAPv2 exchange) ]
 * mppe CALL off
 */
void mk_mppe_directive(mk *m, mk_line *l, mk_call *k)
{
	uint8_t send[16], recv[16], nt_hash[16], nt_resp[24];
	mk_tok *pk, *ak;
	int bits, rc, stateless;
	unsigned opts = 0;
	size_t keylen;

	(void)m;
	(void)mk_accept(l, "key-from"); /* optional, reads well: mppe k1 key-from password=... */
	if (mk_accept(l, "off")) {
		mk_done(l);
		mk_mppe_free(k);
		return;
	}
	bits = (int)mk_kv_num(l, "bits", 128, 128);
	keylen = pt_mppe_key_len(bits);
	if (!keylen)
		mk_die(l, mk_kv(l, "bits") ? mk_kv(l, "bits")->vcol : 1, "bits: 40, 56 or 128");
	stateless = mk_flag(l, "stateless");
	if (mk_flag(l, "stateful")) {
		if (stateless)
			mk_die(l, 1, "stateless or stateful, not both");
	} else if (!stateless) {
		mk_die(l, l->endcol, "say stateless or stateful");
	}
	if (stateless)
		opts |= PT_MPPE_OPT_STATELESS;
	if (mk_flag(l, "flush_rekeys"))
		opts |= PT_MPPE_OPT_FLUSH_REKEYS;
	pk = mk_kv(l, "pns_key");
	ak = mk_kv(l, "pac_key");
	if (pk || ak) {
		if (!pk || !ak)
			mk_die(l, (pk ? pk : ak)->col, "pns_key= and pac_key= go together");
		key_hex(l, pk, send, keylen);
		key_hex(l, ak, recv, keylen);
	} else {
		/* RFC 3079 3: start keys from the NT password hash and the NT-Response */
		mk_tok *pw = mk_kv(l, "password"), *nr = mk_kv(l, "nt_response");
		const char *password = k->password;
		if (pw)
			password = pw->val;
		else if (!k->have_password)
			mk_die(l, l->endcol, "no keys: give password= and nt_response=, pns_key= and pac_key=, "
					    "or put an mschapv2 response on %s first", k->name);
		if (nr) {
			if (mk_hex(l, nr, nt_resp, sizeof nt_resp) != sizeof nt_resp)
				mk_die(l, nr->vcol, "nt_response: 24 bytes expected");
		} else if (k->have_nt_resp) {
			memcpy(nt_resp, k->nt_resp, sizeof nt_resp);
		} else {
			mk_die(l, l->endcol, "no NT-Response: give nt_response= or put an mschapv2 response on %s first",
			       k->name);
		}
		if (pt_nt_password_hash(password, nt_hash) != PT_OK)
			mk_die(l, pw ? pw->vcol : 1, "password: not usable for an NT hash (UTF-8, at most 256 characters)");
		/* seen from the PNS, the client: its send key encrypts PNS -> PAC, its receive key PAC -> PNS */
		rc = pt_mppe_chap2_start_keys(nt_hash, nt_resp, bits, 0, send, recv);
		pt_wipe(nt_hash, sizeof nt_hash);
		if (rc != PT_OK)
			mk_die(l, 1, "lib/mppe key derivation failed: %s", pt_strerror(rc));
	}
	mk_done(l);
	mk_mppe_free(k);
	k->mppe = calloc(1, sizeof *k->mppe);
	if (!k->mppe)
		mk_fatal("out of memory");
	k->mppe->bits = bits;
	if (pt_mppe_init(&k->mppe->ctx[MK_PNS], send, bits, opts) != PT_OK ||
	    pt_mppe_init(&k->mppe->ctx[MK_PAC], recv, bits, opts) != PT_OK)
		mk_die(l, 1, "lib/mppe cannot start with these keys");
	pt_wipe(send, sizeof send);
	pt_wipe(recv, sizeof recv);
}

/* RFC 3078 3: the protocol field and the data are encrypted together and sent as protocol 0x00FD. */
size_t mk_mppe_encrypt(mk *m, mk_line *l, mk_call *k, int side, uint16_t *proto, int pfc, uint8_t *info, size_t len,
		       size_t cap)
{
	static uint8_t plain[65600];
	pt_writer w;
	pt_mppe_info inf;
	uint16_t bits = 0;
	size_t n = 0;
	mk_tok *t;

	(void)m;
	if ((t = mk_kv(l, "inner_pfc")) != NULL)
		pfc = mk_bool(l, t);
	if (mk_flag(l, "flush"))
		bits |= PT_MPPE_BIT_A;
	if (len + 2 > sizeof plain)
		mk_die(l, 1, "payload too long to encrypt");
	if (!(pfc && *proto < 0x100))
		plain[n++] = (uint8_t)(*proto >> 8);
	plain[n++] = (uint8_t)*proto;
	memcpy(plain + n, info, len);
	n += len;
	w = pt_wr(info, cap);
	if (pt_mppe_encrypt(&k->mppe->ctx[side], bits, plain, n, &w, &inf) != PT_OK || w.err)
		mk_die(l, 1, "lib/mppe cannot encrypt this packet");
	*proto = 0x00fd; /* RFC 1962 2.1, RFC 3078 3: compressed (here encrypted) datagram */
	return pt_wlen(&w);
}
