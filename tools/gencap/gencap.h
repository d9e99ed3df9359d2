/* gencap.h: pptp-gencap, large realistic PPTP captures from two in-memory peers on lib/'s endpoint pieces (RFC 2637, RFC 1661, RFC 2759, RFC 3078, RFC 2118). */
#ifndef GC_GENCAP_H
#define GC_GENCAP_H

#include <stdint.h>
#include <stdio.h>

#include "authpeer.h"
#include "cpeng.h"
#include "mppc.h"
#include "mppe.h"
#include "pptp.h"

#define GC_MAXPKT 1600          /* largest PPP frame built */
#define GC_INNER_MAX 1380       /* largest inner IP datagram (LCP MRU 1400 less MPPE overhead) */
#define GC_PPPQ 32              /* control packets in flight inside one call */
#define GC_CALLS_PER_SESS 3
#define GC_WINDOW 64            /* RFC 2637 2.7: Packet Recv. Window Size we announce */

/* Deterministic randomness (splitmix64): the whole capture follows from the seed. */
typedef struct gc_rng {
	uint64_t s;
} gc_rng;
uint64_t gc_rand(gc_rng *r);
uint32_t gc_below(gc_rng *r, uint32_t n);     /* 0..n-1 */
int gc_chance(gc_rng *r, unsigned per_million);
void gc_rand_bytes(gc_rng *r, uint8_t *p, size_t n);

/* The capture being written: classic pcap, Ethernet, microseconds; buffered stdio, nothing kept. */
typedef struct gc_out {
	FILE *f;
	uint64_t bytes;          /* file octets written */
	uint64_t pkts;
	int64_t now;             /* the capture clock, microseconds */
} gc_out;
void gc_out_start(gc_out *o);
void gc_out_ip(gc_out *o, const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint16_t ipid,
	       const uint8_t *payload, size_t len);

/* Call profiles: what CCP agrees on (RFC 3078 2). */
enum gc_prof { GC_P128_STATELESS, GC_P128_STATEFUL, GC_P40_STATELESS, GC_P128_MPPC, GC_P40_STATEFUL, GC_P__N };
extern const char *const gc_prof_name[GC_P__N];

enum gc_call_state { GC_C_OCRQ, GC_C_OCRP, GC_C_PPP, GC_C_SLI, GC_C_DATA, GC_C_TERM, GC_C_CCRQ, GC_C_CDN, GC_C_DONE };

struct gc_call;
struct gc_sess;

/* One end of a call's PPP link: 0 the PNS (client), 1 the PAC (server). */
typedef struct gc_end {
	struct gc_call *call;
	int side;
	pt_cpeng cp[PT_CPK__N];
	uint8_t cp_started[PT_CPK__N];
	pt_authpeer auth;
	uint8_t auth_started, ncp_started;
	pt_mppe_ctx tx;
	uint8_t mppe_on, mppc_on, stateless;
	int bits;
	pt_mppc_ctx mppc;
	uint32_t gre_seq;        /* next sequence number to send */
	uint32_t rx_seq;         /* highest received from the peer */
	uint8_t rx_any;
	uint32_t acked;          /* last ack we sent */
	uint8_t ack_pending;
	unsigned unacked;        /* received since we last acked */
	uint8_t reset_due;       /* stateful: the peer lost a packet; it sends Reset-Request after the next */
	uint8_t held_valid;      /* a GRE packet held back (reordering) */
	uint8_t held[GC_MAXPKT + 32];
	size_t held_len;
	uint32_t held_seq;
} gc_end;

typedef struct gc_pppq {
	uint8_t to;              /* receiving side */
	uint16_t proto;
	uint16_t len;
	uint8_t data[PT_CPENG_MAX_PKT];
} gc_pppq;

typedef struct gc_call {
	struct gc_sess *s;
	int state;
	int prof;
	uint16_t call_id[2];     /* PNS's, PAC's */
	uint16_t serial;
	gc_end e[2];
	gc_pppq q[GC_PPPQ];
	unsigned qh, qn;
	unsigned stall;
	uint64_t budget;         /* inner octets still to send */
	uint8_t inner[2][4];     /* IPCP addresses: PNS's, PAC's */
	uint32_t tcp_seq[2];     /* inner bulk TCP flow, both ways */
	uint16_t tcp_port;
	uint16_t ping_seq, ipid[2];
	int64_t next_lcp_echo;
	int failed;
} gc_call;

typedef struct gc_sess {
	struct gc_gen *g;
	int state;
	uint8_t ip[2][4];        /* PNS, PAC outer addresses */
	uint16_t port;           /* PNS TCP port */
	uint32_t tcp_seq[2];
	uint16_t ipid[2];
	int ncalls, calls_left;  /* calls still to open on this connection */
	gc_call *c[GC_CALLS_PER_SESS];
	int64_t next_echo;
	uint32_t echo_id;
	int echo_dir;            /* an Echo-Request is outstanding from this side (-1: none) */
	int unacked[2];          /* control segments not yet acknowledged by the other side */
} gc_sess;

typedef struct gc_gen {
	gc_rng rng;
	gc_out out;
	pt_cred cred;
	uint64_t target;         /* file octets wanted */
	int nsess;               /* concurrent control connections */
	int closing;             /* target reached: no new calls */
	gc_sess **s;
	uint16_t next_call_id;
	uint32_t next_host;
	unsigned loss_ppm, reorder_ppm;
	FILE *keylog;           /* --keylog: the start keys of each direction, for the crypto floor */
	/* totals for the summary line */
	uint64_t calls, sessions, calls_failed, lost, reordered, prof_calls[GC_P__N];
} gc_gen;

/* call.c */
gc_call *gc_call_new(gc_gen *g, gc_sess *s, int prof);
void gc_call_free(gc_call *c);
void gc_call_ppp_start(gc_call *c);
int gc_call_ppp_step(gc_call *c);     /* one queued control packet delivered; 1 when the link is up */
void gc_call_data_step(gc_call *c);
void gc_call_lcp_echo(gc_call *c);
void gc_call_terminate(gc_call *c);
int gc_call_term_done(gc_call *c);

/* sess.c */
void gc_sess_ctrl(gc_sess *s, int from, const pt_ctrl_msg *m);
void gc_sess_tcp(gc_sess *s, int from, uint8_t flags, const uint8_t *payload, size_t len);
void gc_ctrl_template(pt_ctrl_msg *m, uint16_t type);

#endif
