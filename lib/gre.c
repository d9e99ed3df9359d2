/* gre.c: enhanced GRE for PPTP, RFC 2637 4.1 (header) and 4.2-4.4 (sequence, acks, window), per direction. */
#include <string.h>

#include "gre.h"
#include "rules.h"

const pt_vs pt_gre_proto_vs[] = {
	{ PT_GRE_PROTO_PPP, "PPP" },
	{ 0, NULL }
};

int32_t pt_gre_seq_diff(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	/* Serial arithmetic: the shorter way round the 32-bit circle. */
	if (d <= 0x7fffffffu)
		return (int32_t)d;
	return -(int32_t)(~d) - 1;
}

/* ---- header ------------------------------------------------------------- */

static void decode_bits(pt_gre_hdr *h, uint16_t fv)
{
	h->flags_ver = fv;
	h->c = (fv & PT_GRE_F_C) != 0;
	h->r = (fv & PT_GRE_F_R) != 0;
	h->k = (fv & PT_GRE_F_K) != 0;
	h->s = (fv & PT_GRE_F_S) != 0;
	h->ssr = (fv & PT_GRE_F_SSR) != 0;
	h->recur = (uint8_t)((fv & PT_GRE_RECUR_MASK) >> 8);
	h->a = (fv & PT_GRE_F_A) != 0;
	h->flags = (uint8_t)((fv & PT_GRE_FLAGS_MASK) >> 3);
	h->ver = (uint8_t)(fv & PT_GRE_VER_MASK);
	h->has_seq = h->s;
	h->has_ack = h->a;
}

int pt_gre_parse_wire(pt_cursor *c, size_t wire_len, pt_gre_hdr *h, const pt_sink *sink, const pt_where *at)
{
	size_t start = pt_off(c), wire_payload, captured;
	uint16_t fv;
	int rc = PT_OK;

	memset(h, 0, sizeof *h);
	h->off = start;
	if (pt_get_u16(c, &fv) || pt_get_u16(c, &h->protocol))
		return PT_ETRUNC;
	decode_bits(h, fv);

	/* RFC 2637 4.1: Version 1 marks enhanced GRE; anything else is another GRE. */
	if (h->ver != PT_GRE_VERSION) {
		pt_report(sink, PT_R_GRE_VERSION, at, "GRE Version %u, expected 1", h->ver);
		return PT_EUNSUP;
	}
	/* RFC 2637 4.1: C and R are 0; set, they would insert RFC 1701 checksum,
	 * offset and routing fields, so the rest cannot be read as PPTP GRE. */
	if (h->c || h->r) {
		pt_report(sink, PT_R_GRE_BITS, at, "GRE %s%s%s set, must be 0", h->c ? "C" : "",
			  h->c && h->r ? " and " : "", h->r ? "R" : "");
		return PT_EINVAL;
	}
	/* RFC 2637 4.1: s, Recur and Flags are 0. */
	if (h->ssr)
		pt_report(sink, PT_R_GRE_BITS, at, "GRE s (strict source route) set, must be 0");
	if (h->recur)
		pt_report(sink, PT_R_GRE_BITS, at, "GRE Recur %u, must be 0", h->recur);
	if (h->flags)
		pt_report(sink, PT_R_GRE_BITS, at, "GRE Flags 0x%x, must be 0", h->flags);
	/* RFC 2637 4.1: K is 1; the key carries payload length and call ID. */
	if (!h->k) {
		pt_report(sink, PT_R_GRE_NO_KEY, at, "GRE K bit clear: no payload length or call ID");
		return PT_EINVAL;
	}
	if (pt_get_u16(c, &h->payload_len) || pt_get_u16(c, &h->call_id))
		return PT_ETRUNC;
	/* RFC 2637 4.1: Sequence Number if S, then Acknowledgment Number if A. */
	if (h->s && pt_get_u32(c, &h->seq))
		return PT_ETRUNC;
	if (h->a && pt_get_u32(c, &h->ack))
		return PT_ETRUNC;
	h->hdr_len = (uint16_t)(pt_off(c) - start);

	/* RFC 2637 4.1: Protocol Type 0x880B (PPP). */
	if (h->protocol != PT_GRE_PROTO_PPP) {
		pt_report(sink, PT_R_GRE_PROTOCOL, at, "GRE Protocol Type 0x%04x, expected 0x880b", h->protocol);
		rc = PT_EUNSUP;
	}
	/* RFC 2637 4.1: S is set when a payload is present and clear on an
	 * acknowledgment-only packet (which then has Payload Length 0 and A=1). */
	if (h->payload_len && !h->s)
		pt_report(sink, PT_R_GRE_PAYLOAD_NO_SEQ, at, "Payload Length %u but S clear", h->payload_len);
	else if (!h->payload_len && h->s)
		pt_report(sink, PT_R_GRE_SEQ_NO_PAYLOAD, at, "S set (seq %u) but Payload Length 0", (unsigned)h->seq);
	else if (!h->payload_len && !h->s && !h->a)
		pt_report(sink, PT_R_GRE_EMPTY, at, "no payload, no sequence number, no acknowledgment");

	/* RFC 2637 4.1: the key's high half is the payload length, excluding the GRE header. */
	captured = pt_left(c);
	wire_payload = wire_len > h->hdr_len ? wire_len - h->hdr_len : 0;
	if (wire_payload < captured)
		wire_payload = captured;
	if (wire_payload != h->payload_len)
		pt_report(sink, PT_R_GRE_LENGTH_MISMATCH, at,
			  "Payload Length expected %zu (octets after the header), got %u", wire_payload,
			  h->payload_len);
	{
		size_t want = h->payload_len < wire_payload ? h->payload_len : wire_payload;
		if (captured < want) {
			pt_report(sink, PT_R_GRE_TRUNCATED, at, "captured %zu of %zu payload octets", captured, want);
			if (rc == PT_OK)
				rc = PT_ETRUNC;
		}
	}
	return rc;
}

int pt_gre_parse_quiet(pt_cursor *c, size_t wire_len, pt_gre_hdr *h)
{
	const uint8_t *p = c->p;
	size_t left = pt_left(c), hl, captured, wire_payload;
	uint16_t fv, plen;

	if (left < 12)
		return 0;
	fv = (uint16_t)(p[0] << 8 | p[1]);
	if ((fv & ~PT_GRE_F_A) != (PT_GRE_F_K | PT_GRE_F_S | PT_GRE_VERSION) || p[2] != 0x88 || p[3] != 0x0b)
		return 0;
	hl = fv & PT_GRE_F_A ? 16 : 12;
	plen = (uint16_t)(p[4] << 8 | p[5]);
	if (left < hl || !plen)
		return 0;
	/* as pt_gre_parse_wire: the payload on the wire, no shorter than what was captured */
	captured = left - hl;
	wire_payload = wire_len > hl ? wire_len - hl : 0;
	if (wire_payload < captured)
		wire_payload = captured;
	if (wire_payload != plen || captured < plen)
		return 0;
	/* decode_bits of these flags: K, S, Version 1, A as sent, every other field 0 */
	memset(h, 0, sizeof *h);
	h->off = pt_off(c);
	h->flags_ver = fv;
	h->k = h->s = h->has_seq = 1;
	h->a = h->has_ack = hl == 16;
	h->ver = PT_GRE_VERSION;
	h->protocol = PT_GRE_PROTO_PPP;
	h->payload_len = plen;
	h->call_id = (uint16_t)(p[6] << 8 | p[7]);
	h->seq = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
	if (hl == 16)
		h->ack = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 | (uint32_t)p[14] << 8 | p[15];
	h->hdr_len = (uint16_t)hl;
	c->p += hl;
	return 1;
}

int pt_gre_parse(pt_cursor *c, pt_gre_hdr *h, const pt_sink *sink, const pt_where *at)
{
	return pt_gre_parse_wire(c, pt_left(c), h, sink, at);
}

void pt_gre_init(pt_gre_hdr *h, uint16_t call_id)
{
	memset(h, 0, sizeof *h);
	h->k = 1;
	h->ver = PT_GRE_VERSION;
	h->protocol = PT_GRE_PROTO_PPP;
	h->call_id = call_id;
}

int pt_gre_build(const pt_gre_hdr *h, const uint8_t *payload, size_t len, pt_writer *w)
{
	uint16_t fv = 0;

	if (len > 0xffff)
		return PT_EINVAL;
	fv |= h->c ? PT_GRE_F_C : 0;
	fv |= h->r ? PT_GRE_F_R : 0;
	fv |= h->k ? PT_GRE_F_K : 0;
	fv |= h->has_seq ? PT_GRE_F_S : 0;
	fv |= h->ssr ? PT_GRE_F_SSR : 0;
	fv |= (uint16_t)((h->recur << 8) & PT_GRE_RECUR_MASK);
	fv |= h->has_ack ? PT_GRE_F_A : 0;
	fv |= (uint16_t)((h->flags << 3) & PT_GRE_FLAGS_MASK);
	fv |= (uint16_t)(h->ver & PT_GRE_VER_MASK);
	pt_put_u16(w, fv);
	pt_put_u16(w, h->protocol);
	if (h->k) {
		/* RFC 2637 4.1: key = payload length (high 16 bits) and peer's call ID. */
		pt_put_u16(w, (uint16_t)len);
		pt_put_u16(w, h->call_id);
	}
	if (h->has_seq)
		pt_put_u32(w, h->seq);
	if (h->has_ack)
		pt_put_u32(w, h->ack);
	pt_put_bytes(w, payload, len);
	return w->err;
}

/* ---- flow tracking ------------------------------------------------------ */

void pt_gre_flow_init(pt_gre_flow *f, uint16_t peer_window)
{
	memset(f, 0, sizeof *f);
	f->peer_window = peer_window;
}

void pt_gre_flow_set_window(pt_gre_flow *f, uint16_t peer_window)
{
	f->peer_window = peer_window;
	f->in_violation = 0;
}

/* Returns 1 when the packet moved the highest sequence number forward. */
static int track_seq(pt_gre_flow *f, uint32_t s, const pt_sink *sink, const pt_where *at)
{
	int32_t d;

	if (!f->has_seq) {
		f->has_seq = 1;
		f->first_seq = f->highest_seq = s;
		f->seen = 1;
		/* No RFC sets the first number; peers start at 0, so another start
		 * usually means the capture began mid-call. */
		if (s != 0)
			pt_report(sink, PT_R_GRE_SEQ_START, at, "first sequence number %u", (unsigned)s);
		return 1;
	}
	d = pt_gre_seq_diff(s, f->highest_seq);
	if (d > PT_GRE_MAX_JUMP) {
		pt_report(sink, PT_R_GRE_SEQ_JUMP, at, "seq %u after %u: jump of %ld, tracking restarted",
			  (unsigned)s, (unsigned)f->highest_seq, (long)d);
		f->jumps++;
		f->first_seq = f->highest_seq = s;
		f->seen = 1;
		return 1;
	}
	if (d > 0) {
		/* RFC 2637 4.3: a gap is packets lost (or not captured) until they turn up late. */
		if (d > 1) {
			f->lost += (uint64_t)(d - 1);
			pt_report(sink, PT_R_GRE_SEQ_GAP, at, "seq %u after %u: %ld missing", (unsigned)s,
				  (unsigned)f->highest_seq, (long)(d - 1));
		}
		f->seen = d >= PT_GRE_TRACK ? 0 : f->seen << d;
		f->seen |= 1;
		f->highest_seq = s;
		return 1;
	}
	if (d == 0) {
		f->duplicates++;
		pt_report(sink, PT_R_GRE_SEQ_DUP, at, "seq %u again", (unsigned)s);
		return 0;
	}
	/* d < 0: below the highest.  RFC 2637 4.3: out-of-sequence packets. */
	if (-(int64_t)d >= PT_GRE_TRACK) {
		f->stale++;
		pt_report(sink, PT_R_GRE_SEQ_STALE, at, "seq %u is %ld below the highest %u", (unsigned)s,
			  -(long)d, (unsigned)f->highest_seq);
		return 0;
	}
	{
		uint64_t bit = (uint64_t)1 << (unsigned)(-d);
		if (f->seen & bit) {
			f->duplicates++;
			pt_report(sink, PT_R_GRE_SEQ_DUP, at, "seq %u again (late duplicate)", (unsigned)s);
			return 0;
		}
		f->seen |= bit;
	}
	f->reordered++;
	/* Only numbers at or after the first one seen were counted as lost. */
	if (pt_gre_seq_diff(s, f->first_seq) > 0 && f->lost)
		f->lost--;
	pt_report(sink, PT_R_GRE_SEQ_REORDER, at, "seq %u after %u", (unsigned)s, (unsigned)f->highest_seq);
	return 0;
}

static void track_ack(pt_gre_flow *f, const pt_gre_flow *peer, uint32_t a, int in_order, const pt_sink *sink,
		      const pt_where *at)
{
	/* RFC 2637 4.1: the ack is the highest sequence number received from the
	 * peer, so it cannot be above what the peer has sent. */
	if (peer && peer->has_seq && pt_gre_seq_diff(a, peer->highest_seq) > 0) {
		f->acks_ahead++;
		pt_report(sink, PT_R_GRE_ACK_AHEAD, at, "ack %u but the peer's highest seq is %u", (unsigned)a,
			  (unsigned)peer->highest_seq);
		/* an impossible ack is not kept as the reference, or every correct ack after it would look old */
		return;
	}
	if (f->has_ack && pt_gre_seq_diff(a, f->highest_ack) < 0) {
		/* A packet that itself arrived late carries an older ack: no finding. */
		if (in_order)
			pt_report(sink, PT_R_GRE_ACK_BACKWARDS, at, "ack %u after ack %u", (unsigned)a,
				  (unsigned)f->highest_ack);
		return;
	}
	f->has_ack = 1;
	f->highest_ack = a;
}

static void check_window(pt_gre_flow *f, const pt_gre_flow *peer, const pt_sink *sink, const pt_where *at)
{
	uint32_t base;
	int32_t inflight;

	/* Packets in flight: sent but not yet acknowledged by the receiver. */
	base = peer && peer->has_ack ? peer->highest_ack : f->first_seq - 1;
	inflight = pt_gre_seq_diff(f->highest_seq, base);
	if (inflight < 0)
		inflight = 0;
	if ((uint32_t)inflight > f->max_in_flight)
		f->max_in_flight = (uint32_t)inflight;
	if (!f->peer_window)
		return;
	/* RFC 2637 4.2: the sender keeps no more unacknowledged packets than the
	 * receiver's Packet Recv. Window Size.  MS-PTPT 3.1.5.7: Windows does not
	 * implement the window, so gre.window.exceeded is common with it.  Reported
	 * once each time the window is overrun, not once per packet. */
	if ((uint32_t)inflight > f->peer_window) {
		if (!f->in_violation) {
			f->in_violation = 1;
			f->window_violations++;
			pt_report(sink, PT_R_GRE_WINDOW, at, "%ld packets in flight, receiver's window is %u",
				  (long)inflight, f->peer_window);
		}
	} else {
		f->in_violation = 0;
	}
}

void pt_gre_flow_on_pkt(pt_gre_flow *self, const pt_gre_flow *peer, const pt_gre_hdr *h, size_t payload_len,
			const pt_sink *sink, const pt_where *at)
{
	int in_order = 1;

	self->packets++;
	self->bytes += payload_len;
	if (h->has_seq) {
		self->payload_pkts++;
		in_order = track_seq(self, h->seq, sink, at);
	} else if (h->has_ack) {
		self->ack_only++;
	}
	if (h->has_ack)
		track_ack(self, peer, h->ack, in_order, sink, at);
	if (h->has_seq && in_order)
		check_window(self, peer, sink, at);
}

/* ---- the sending side (RFC 2637 4.2-4.4) ---- */

void pt_gre_tx_init(pt_gre_tx *t, uint32_t first_seq, uint16_t peer_window)
{
	memset(t, 0, sizeof *t);
	t->next_seq = t->first_seq = first_seq;
	t->peer_window = peer_window;
}

void pt_gre_tx_on_rx(pt_gre_tx *t, const pt_gre_hdr *h)
{
	if (h->has_seq && (!t->rx_any || pt_gre_seq_diff(h->seq, t->rx_seq) > 0)) {
		t->rx_seq = h->seq;
		t->rx_any = 1;
		t->ack_due = 1;
	}
	/* an acknowledgment of a number not sent yet is not kept (gre.ack.ahead reports it) */
	if (h->has_ack && t->sent && pt_gre_seq_diff(h->ack, t->next_seq - 1) <= 0 &&
	    (!t->peer_acked || pt_gre_seq_diff(h->ack, t->peer_ack) > 0)) {
		t->peer_ack = h->ack;
		t->peer_acked = 1;
	}
}

void pt_gre_tx_next(pt_gre_tx *t, pt_gre_hdr *h, uint16_t call_id, int has_payload)
{
	pt_gre_init(h, call_id);
	if (has_payload) {
		h->s = h->has_seq = 1;
		h->seq = t->next_seq++;
		t->sent++;
	}
	if (t->rx_any) {
		/* RFC 2637 4.2: the highest number received in sequence */
		h->a = h->has_ack = 1;
		h->ack = t->rx_seq;
		t->acked_rx = t->rx_seq;
		t->ack_due = 0;
	}
}

uint32_t pt_gre_tx_in_flight(const pt_gre_tx *t)
{
	if (!t->sent)
		return 0;
	return t->peer_acked ? t->next_seq - 1 - t->peer_ack : t->next_seq - t->first_seq;
}

int pt_gre_tx_window_open(const pt_gre_tx *t)
{
	return !t->peer_window || pt_gre_tx_in_flight(t) < t->peer_window;
}
