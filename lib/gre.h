/* gre.h: the enhanced GRE header of PPTP (RFC 2637 4.1) and a per-direction sequence/ack tracker (4.2-4.4). */
#ifndef PT_GRE_H
#define PT_GRE_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "finding.h"
#include "vs.h"

#define PT_GRE_IPPROTO 47
#define PT_GRE_PROTO_PPP 0x880Bu    /* RFC 2637 4.1: Protocol Type */
#define PT_GRE_VERSION 1            /* RFC 2637 4.1: enhanced GRE */

/* RFC 2637 4.1: the first 16 bits (same positions as RFC 1701). */
#define PT_GRE_F_C 0x8000u          /* checksum present: must be 0 */
#define PT_GRE_F_R 0x4000u          /* routing present: must be 0 */
#define PT_GRE_F_K 0x2000u          /* key present: must be 1 */
#define PT_GRE_F_S 0x1000u          /* sequence number present */
#define PT_GRE_F_SSR 0x0800u        /* strict source route: must be 0 */
#define PT_GRE_RECUR_MASK 0x0700u   /* recursion control: must be 0 */
#define PT_GRE_F_A 0x0080u          /* acknowledgment number present */
#define PT_GRE_FLAGS_MASK 0x0078u   /* flags: must be 0 */
#define PT_GRE_VER_MASK 0x0007u

#define PT_GRE_HDR_MIN 8            /* flags, protocol, key */
#define PT_GRE_HDR_MAX 16           /* + sequence + ack */

extern const pt_vs pt_gre_proto_vs[];  /* 0x880B PPP */

typedef struct pt_gre_hdr {
	uint16_t flags_ver;   /* the first 16 bits as on the wire */
	uint8_t c, r, k, s, ssr, recur, a, flags, ver;
	uint16_t protocol;
	uint16_t payload_len; /* key, high half */
	uint16_t call_id;     /* key, low half: the receiver's (peer's) Call ID */
	uint32_t seq;
	uint32_t ack;
	uint8_t has_seq;      /* == s */
	uint8_t has_ack;      /* == a */
	uint16_t hdr_len;     /* octets up to the payload */
	size_t off;           /* offset of the header in the cursor's buffer */
} pt_gre_hdr;

/*
 * Parse one enhanced GRE header.  c covers the GRE packet as captured (the IP
 * payload, trimmed to the IP length); on return it sits at the payload, which
 * is the next min(h->payload_len, pt_left(c)) octets.  Returns PT_OK,
 * PT_ETRUNC (header not captured: no finding; or payload cut short by the
 * capture: h is complete and gre.payload.truncated was reported), PT_EINVAL
 * (C/R set or K clear: the header cannot be read as enhanced GRE), PT_EUNSUP
 * (Version is not 1, or Protocol is not PPP: h is filled as far as it goes).
 */
int pt_gre_parse(pt_cursor *c, pt_gre_hdr *h, const pt_sink *sink, const pt_where *at);
/*
 * Same, when the packet's length on the wire (wire_len, from the IP header) is
 * known to be more than was captured: the Payload Length is checked against
 * the wire, and a short capture is reported as truncation, not as a mismatch.
 */
int pt_gre_parse_wire(pt_cursor *c, size_t wire_len, pt_gre_hdr *h, const pt_sink *sink, const pt_where *at);
/*
 * The common header (K and S set, A as it is, Version 1, PPP, Payload Length that of the packet, all captured):
 * fill h and move c exactly as pt_gre_parse_wire() would, which would report nothing and return PT_OK, and return
 * 1; anything else: 0, c and h untouched.
 */
int pt_gre_parse_quiet(pt_cursor *c, size_t wire_len, pt_gre_hdr *h);

/* A header for call_id with K=1, Version 1, Protocol PPP; no seq, no ack. */
void pt_gre_init(pt_gre_hdr *h, uint16_t call_id);
/*
 * Build header + payload.  Bits come from h (K from h->k, S from h->has_seq,
 * A from h->has_ack; C, R, s, Recur, Flags, Version as set, so a test peer can
 * send odd headers), Payload Length is len.  PT_ENOSPC if w is too small,
 * PT_EINVAL if len > 65535.
 */
int pt_gre_build(const pt_gre_hdr *h, const uint8_t *payload, size_t len, pt_writer *w);

/* Serial-number comparison of 32-bit sequence numbers (RFC 1982 style). */
int32_t pt_gre_seq_diff(uint32_t a, uint32_t b);   /* a - b in (-2^31, 2^31] */

#define PT_GRE_TRACK 64      /* sequence numbers remembered below the highest */
#define PT_GRE_MAX_JUMP 65536 /* a bigger forward step restarts tracking instead of counting loss */

/*
 * One direction of one call.  The caller keeps two (PNS->PAC and PAC->PNS)
 * and passes the opposite one as peer, so acks can be checked against what
 * the other side sent and the window against what it acknowledged.
 */
typedef struct pt_gre_flow {
	uint16_t peer_window;   /* receiver's Packet Recv. Window Size; 0 = no check */
	uint8_t has_seq, has_ack;
	uint8_t in_violation;   /* window exceeded right now (reported on entry) */
	uint32_t first_seq;     /* first seen (or first after a jump) */
	uint32_t highest_seq;
	uint32_t highest_ack;
	uint64_t seen;          /* bit i: highest_seq - i was received */
	/* counters */
	uint64_t packets;       /* every packet in this direction */
	uint64_t bytes;         /* payload octets */
	uint64_t payload_pkts;  /* packets with S=1 */
	uint64_t ack_only;      /* packets with S=0, A=1 */
	uint64_t lost;          /* sequence numbers skipped and not (yet) seen late */
	uint64_t reordered;     /* arrived below the highest, first time seen */
	uint64_t duplicates;
	uint64_t stale;         /* too far below the highest to tell */
	uint64_t jumps;
	uint64_t acks_ahead;
	uint64_t window_violations;
	uint32_t max_in_flight;
} pt_gre_flow;

void pt_gre_flow_init(pt_gre_flow *f, uint16_t peer_window);
/* The receiver's window may be learnt after the first packets (OCRP after GRE). */
void pt_gre_flow_set_window(pt_gre_flow *f, uint16_t peer_window);
/*
 * Account one packet sent in self's direction.  peer (the opposite direction)
 * may be NULL: then acks and the window are not checked.  payload_len is the
 * payload octets present (normally h->payload_len).
 */
void pt_gre_flow_on_pkt(pt_gre_flow *self, const pt_gre_flow *peer, const pt_gre_hdr *h, size_t payload_len,
			const pt_sink *sink, const pt_where *at);


/*
 * One end's sending side of a call (RFC 2637 4.2-4.4), for a peer or a generator: the numbers it
 * sends, the acknowledgments it owes, and the receive window the other end announced.  No clock:
 * an acknowledgment owed is sent piggybacked on the next payload packet or alone when the caller
 * decides (RFC 2637 4.4 leaves the timing to the implementation).
 */
typedef struct pt_gre_tx {
	uint32_t next_seq;      /* next sequence number to send */
	uint32_t first_seq;
	uint64_t sent;          /* payload packets sent */
	uint32_t peer_ack;      /* highest of our numbers the other end acknowledged */
	uint8_t peer_acked;
	uint32_t rx_seq;        /* highest number received from the other end */
	uint8_t rx_any;
	uint8_t ack_due;        /* rx_seq not acknowledged yet */
	uint32_t acked_rx;      /* the last acknowledgment we sent */
	uint16_t peer_window;   /* the other end's Packet Recv. Window Size; 0 = no limit */
} pt_gre_tx;

void pt_gre_tx_init(pt_gre_tx *t, uint32_t first_seq, uint16_t peer_window);
/* A received header: its sequence number is owed an acknowledgment, its acknowledgment frees window. */
void pt_gre_tx_on_rx(pt_gre_tx *t, const pt_gre_hdr *h);
/* Fill h for the next packet to call_id: S and the next number when it carries a payload, A with the
 * highest number received when one is known (then nothing is owed any more). */
void pt_gre_tx_next(pt_gre_tx *t, pt_gre_hdr *h, uint16_t call_id, int has_payload);
/* Payload packets sent and not acknowledged yet. */
uint32_t pt_gre_tx_in_flight(const pt_gre_tx *t);
/* RFC 2637 4.4: may another payload packet be sent now? */
int pt_gre_tx_window_open(const pt_gre_tx *t);

#endif
