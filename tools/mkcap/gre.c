/* gre.c: GRE flow commands: enhanced GRE (RFC 2637 4.1) built by lib/gre.h around PPP frames (lib/ppp.h), with MPPE (lib/mppe.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gre.h"
#include "mkcap.h"
#include "mppe.h"
#include "ppp.h"

/* Sequence and acknowledgement numbers the sender puts in the header, tracked per call unless overridden. */
static mk_tok *gkv(mk_line *l, const char *pfx, const char *key)
{
	char name[32];
	snprintf(name, sizeof name, "%s%s", pfx, key);
	return mk_kv(l, name);
}

static int gflag(mk_line *l, const char *pfx, const char *word)
{
	char name[32];
	snprintf(name, sizeof name, "%s%s", pfx, word);
	return mk_flag(l, name);
}

/*
 * GRE header fields a line may override: on `gre` and `ack` lines as seq=, ack=, call=, proto=, version=,
 * flags=, key_len=, noseq, noack; on lines that build a PPP payload with a gre_ prefix (gre_seq=...), so
 * they cannot clash with the payload's own fields (a ping's seq=).
 */
static void gre_send(mk *m, mk_line *l, mk_call *k, int side, const uint8_t *payload, size_t len, int has_payload,
		     const char *pfx)
{
	pt_gre_hdr h;
	pt_writer w;
	mk_tok *t;
	uint8_t *buf = m->scratch;
	int want_seq = has_payload, want_ack;
	uint32_t frag = m->frag;
	int rc, drop;

	/* RFC 2637 4.1: the key carries the payload length and the RECEIVER's call ID */
	pt_gre_init(&h, k->call_id[!side]);
	/* RFC 2637 4.3: acknowledge the highest sequence number received from the peer when not yet acknowledged */
	want_ack = k->sent[!side] && (!k->ackd[side] || k->acked[side] != k->seq[!side] - 1);
	if (gflag(l, pfx, "noseq"))
		want_seq = 0;
	if (gflag(l, pfx, "noack"))
		want_ack = 0;
	if ((t = gkv(l, pfx, "seq")) != NULL) {
		want_seq = 1;
		h.seq = mk_num(l, t, 0xffffffffu);
	} else {
		h.seq = k->seq[side];
	}
	if ((t = gkv(l, pfx, "ack")) != NULL) {
		want_ack = 1;
		h.ack = mk_num(l, t, 0xffffffffu);
	} else {
		h.ack = k->seq[!side] - 1;
	}
	h.has_seq = (uint8_t)want_seq;
	h.has_ack = (uint8_t)want_ack;
	if ((t = gkv(l, pfx, "call")) != NULL)
		h.call_id = (uint16_t)mk_num(l, t, 0xffff);
	if ((t = gkv(l, pfx, "proto")) != NULL)
		h.protocol = (uint16_t)mk_num(l, t, 0xffff);
	if ((t = gkv(l, pfx, "version")) != NULL)
		h.ver = (uint8_t)mk_num(l, t, 7);
	if ((t = mk_kv(l, "frag")) != NULL)
		frag = mk_num(l, t, 65535);
	w = pt_wr(buf, 65535);
	rc = pt_gre_build(&h, payload, len, &w);
	if (rc != PT_OK)
		mk_die(l, 1, "lib/gre cannot build the packet: %s", pt_strerror(rc));
	drop = mk_flag(l, "drop");
	if ((t = gkv(l, pfx, "flags")) != NULL) {
		/* the first two octets as given: C R K S s Recur A Flags Ver */
		uint32_t f = mk_num(l, t, 0xffff);
		buf[0] = (uint8_t)(f >> 8);
		buf[1] = (uint8_t)f;
	}
	if ((t = gkv(l, pfx, "key_len")) != NULL) {
		/* RFC 2637 4.1: Payload Length, the key's high half, as given instead of the real length */
		uint32_t v = mk_num(l, t, 0xffff);
		buf[4] = (uint8_t)(v >> 8);
		buf[5] = (uint8_t)v;
	}
	mk_done(l);
	if (want_seq) {
		/* an explicit number moves the tracker too, so later packets follow it */
		k->seq[side] = h.seq + 1;
		k->sent[side] = 1;
	}
	if (want_ack) {
		k->ackd[side] = 1;
		k->acked[side] = h.ack;
	}
	/* drop: a packet lost before the capture point: numbers and keys advance, nothing is written */
	if (!drop)
		mk_emit_ip(m, l, k->conn, side, 47, buf, pt_wlen(&w), frag);
}

/* RFC 3078 3: MPPE carries the PPP protocols 0x0021..0x00FA; control protocols stay in the clear. */
static int mppe_covers(uint16_t proto)
{
	return proto >= PT_MPPE_PROTO_MIN && proto <= PT_MPPE_PROTO_MAX;
}

void mk_call_cmd(mk *m, mk_line *l, mk_call *k, int side)
{
	mk_tok *t = mk_need(l, "what to send (lcp, ccp, ipcp, ipv6cp, pap, chap, mschapv1, mschapv2, ppp, ping, gre, ack)");
	static uint8_t info[65536], frame[65536];
	size_t len = 0;
	uint16_t proto = 0;
	int acfc, pfc, clear;
	mk_tok *o;
	pt_writer w;

	if (t->quoted)
		mk_die(l, t->col, "what to send expected, not a string");
	if (!strcmp(t->val, "ack")) {
		/* an acknowledgement-only packet: no S bit, no payload */
		gre_send(m, l, k, side, NULL, 0, 0, "");
		return;
	}
	if (!strcmp(t->val, "gre")) {
		/* GRE with its payload given as bytes (a broken PPP frame, or nothing) */
		if (mk_accept(l, "hex"))
			len = mk_hex(l, mk_need(l, "quoted hex string"), info, sizeof info);
		len = mk_mutate(l, info, len, sizeof info);
		gre_send(m, l, k, side, info, len, 1, "");
		return;
	}
	mk_ppp_build(m, l, k, side, t->val, &proto, info, sizeof info - 64, &len);
	len = mk_mutate(l, info, len, sizeof info - 64);
	/* RFC 1661 6.5, 6.6: LCP packets always go with the full address/control and protocol fields */
	acfc = proto == PT_PPP_LCP ? 0 : k->acfc[side];
	pfc = proto == PT_PPP_LCP ? 0 : k->pfc[side];
	if ((o = mk_kv(l, "acfc")) != NULL)
		acfc = mk_bool(l, o);
	if ((o = mk_kv(l, "pfc")) != NULL)
		pfc = mk_bool(l, o);
	clear = mk_flag(l, "clear");
	if (k->mppe && mppe_covers(proto) && !clear)
		len = mk_mppe_encrypt(m, l, k, side, &proto, pfc, info, len, sizeof info);
	w = pt_wr(frame, sizeof frame);
	if (pt_ppp_build(proto, acfc, pfc, info, len, &w) != PT_OK)
		mk_die(l, t->col, "lib/ppp cannot frame protocol 0x%04x", proto);
	gre_send(m, l, k, side, frame, pt_wlen(&w), 1, "gre_");
}
