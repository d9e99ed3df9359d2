/* cpeng.h: an active PPP control-protocol endpoint (LCP, CCP, IPCP, IPV6CP) on the RFC 1661 automaton, for either side of a link. */
#ifndef PT_CPENG_H
#define PT_CPENG_H

/*
 * One engine drives one control protocol of one end, in the manner of
 * pppd's fsm.c: the RFC 1661 4.1 table (cpfsm.h) decides the actions, a
 * per-protocol option policy builds our Configure-Request and judges the
 * peer's (Ack / Nak / Reject), and the caller is told what to send and
 * when the layer goes up or down.  No clock and no I/O: the caller passes
 * the time in every call and asks for the next deadline; packets leave
 * through the send callback as bare control packets (Code, Identifier,
 * Length, data), which the caller wraps in PPP (protocol pt_cp_kind_proto)
 * and GRE.  Random values (magic numbers) come from the caller's policy.
 * Values an engine must invent (a Magic-Number or Interface-Identifier to suggest in a Nak)
 * are derived deterministically from those.  Callbacks run inside the engine's calls: they
 * may drive other engines, but must not feed a packet back into the same engine (queue it).
 */

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "cpfsm.h"

#define PT_CPENG_RESTART_US 3000000   /* RFC 1661 4.6 Restart timer default: 3 s */
#define PT_CPENG_MAX_PKT 1500         /* largest control packet built or kept */
#define PT_CPENG_EXTRA 64             /* octets of extra raw options a test may add */

/* Authentication methods (LCP Authentication-Protocol option, RFC 1334 3, RFC 1994 3, RFC 2433 4, RFC 2759 2). */
enum pt_authm {
	PT_AUTHM_NONE = 0,
	PT_AUTHM_PAP = 1,
	PT_AUTHM_CHAP_MD5 = 2,
	PT_AUTHM_MSCHAPV1 = 3,
	PT_AUTHM_MSCHAPV2 = 4,
	PT_AUTHM__N = 5
};
#define PT_AUTHM_BIT(m) (1u << (m))
extern const pt_vs pt_authm_vs[];   /* "none", "pap", "chap-md5", "mschapv1", "mschapv2" */
/* The option value of a method: protocol 0xc023 or 0xc223 and CHAP algorithm (0 for PAP). */
void pt_authm_to_opt(int m, uint16_t *proto, uint8_t *alg);
int pt_authm_from_opt(uint16_t proto, uint8_t alg);  /* PT_AUTHM_NONE if unknown */

/* LCP (RFC 1661 6, RFC 1570): what this end asks for and what it lets the peer have. */
typedef struct pt_lcp_policy {
	uint16_t mru;          /* requested MRU; 0 = no MRU option (default 1500 assumed) */
	uint8_t want_accm;     /* send ACCM (value accm) */
	uint32_t accm;
	uint32_t magic;        /* Magic-Number to send (from the caller's random source); 0 = none */
	uint8_t want_pfc, want_acfc;
	/* authenticator side: the method we require of the peer (PT_AUTHM_NONE: none) */
	uint8_t auth;
	/* authenticatee side: the methods the peer may require of us (PT_AUTHM_BIT set), and the
	 * order we suggest in a Nak (most preferred first; 0 ends the list) */
	uint32_t accept_auth;
	uint8_t auth_pref[PT_AUTHM__N];
	/* (an empty auth_pref suggests the strongest accepted: MS-CHAPv2, MS-CHAPv1, CHAP-MD5, PAP) */
	uint8_t accept_pfc, accept_acfc;   /* Ack the peer's PFC / ACFC (else Reject) */
	uint16_t min_peer_mru;             /* Nak a smaller MRU up to this (0 = accept any >= 64) */
	/* authenticator side: other methods we would require instead of auth when the peer Naks it
	 * suggesting one of them (PT_AUTHM_BIT set); 0 = use accept_auth for this */
	uint32_t auth_alt;
} pt_lcp_policy;

/* CCP with MPPE/MPPC (RFC 1962, RFC 3078 2, RFC 2118). */
typedef struct pt_ccp_policy {
	uint32_t want_bits;    /* MPPE Supported Bits of our request (PT_CCP_MPPE_*); 0 = an empty request */
	uint32_t accept_bits;  /* bits we are willing to have in the peer's request (keys, H, C) */
	uint8_t require;       /* MPPE is required: a Reject of it, or no common key length, closes CCP;
	                        * a peer request without MPPE is Nak'd with it, and closes CCP after
	                        * Max-Failure such Naks */
	uint8_t nak_stateless; /* answer a peer request with H set by a Nak without H (ask stateful) */
} pt_ccp_policy;

/* IPCP (RFC 1332, RFC 1877) and IPV6CP (RFC 5072). */
typedef struct pt_ipcp_policy {
	uint8_t local[4];      /* our address; 0.0.0.0 = ask the peer to assign one (it Naks) */
	uint8_t peer[4];       /* the address we assign to a peer that asks 0.0.0.0; 0 = none to give */
	uint8_t accept_any_peer; /* Ack whatever non-zero address the peer asks for (else: Ack only
	                          * peer, Nak another with peer, Reject when peer is 0.0.0.0) */
	uint8_t accept_local;   /* take the address a Nak offers even when we asked for a specific one (pppd: ipcp-accept-local) */
	uint8_t want_dns;      /* ask for primary/secondary DNS (129, 131) */
	uint8_t dns[2][4];     /* what we give when asked */
} pt_ipcp_policy;

typedef struct pt_ipv6cp_policy {
	uint8_t ifid[8];       /* our Interface-Identifier (from the caller's random source) */
} pt_ipv6cp_policy;

typedef struct pt_cpeng_policy {
	pt_lcp_policy lcp;
	pt_ccp_policy ccp;
	pt_ipcp_policy ipcp;
	pt_ipv6cp_policy ipv6cp;
	/* timers and counters: 0 = the RFC 1661 4.6 defaults */
	int64_t restart_us;
	unsigned max_configure, max_terminate, max_failure;
	uint8_t passive;       /* RFC 1661 4.1 passive option: do not give up in Req-Sent, wait
	                        * (TO- goes to Stopped without This-Layer-Finished, as pppd does) */
	/* test knobs: raw options (type, length, data as sent) appended to every Configure-Request;
	 * options the peer Rejects are no longer sent */
	uint8_t extra[PT_CPENG_EXTRA];
	size_t nextra;
} pt_cpeng_policy;

/* What was agreed, filled as Configure-Ack / Nak / Reject go by; valid once the layer is up. */
typedef struct pt_cpeng_result {
	/* LCP */
	uint16_t peer_mru;         /* the peer's MRU (what we may send): 1500 unless it asked */
	uint16_t our_mru;
	uint32_t our_magic, peer_magic;
	uint8_t our_auth;          /* the method the peer agreed we require of it */
	uint8_t peer_auth;         /* the method we agreed the peer requires of us */
	/* RFC 1661 6.5-6.6: PFC/ACFC is a request to receive compressed frames */
	uint8_t tx_pfc, tx_acfc;   /* we may compress toward the peer: it asked and we acked */
	uint8_t rx_pfc, rx_acfc;   /* the peer may compress toward us: we asked and it acked */
	uint32_t peer_accm;
	/* CCP: the bits each direction uses (our request as acked = what the peer sends us; RFC 3078 2) */
	uint32_t rx_bits;          /* our acked request: how the peer encrypts toward us */
	uint32_t tx_bits;          /* the peer's acked request: how we encrypt toward it */
	uint8_t mppe_rejected;     /* the peer rejected the MPPE option */
	/* IPCP */
	uint8_t local[4], peer[4];
	uint8_t dns[2][4];
	/* IPV6CP */
	uint8_t local_ifid[8], peer_ifid[8];
	/* counters, for scenarios */
	unsigned confreq_sent, confreq_rcvd, nak_rcvd, rej_rcvd, nak_sent, rej_sent;
	unsigned term_rcvd, code_rej_rcvd, timeouts;
	char term_reason[80];      /* printable, from a received Terminate-Request */
} pt_cpeng_result;

/* Calls toward the owner.  send is required; the others may be NULL. */
typedef struct pt_cpeng_cb {
	void *user;
	/* one control packet to send (Code onward); kind = enum pt_cp_kind */
	void (*send)(void *user, int kind, const uint8_t *pkt, size_t len);
	void (*up)(void *user, int kind);        /* This-Layer-Up */
	void (*down)(void *user, int kind);      /* This-Layer-Down */
	void (*finished)(void *user, int kind);  /* This-Layer-Finished */
	/* a packet the automaton does not handle: Echo-Reply, Discard-Request, Identification,
	 * Time-Remaining (LCP), Reset-Request / Reset-Ack (CCP, RFC 1962 3), Protocol-Reject
	 * (LCP: rej_proto names the protocol; the owner closes that protocol's engine).  Delivered in
	 * Opened only (RFC 1661 5.8, RFC 1962 3), Protocol-Reject in any state. */
	void (*other)(void *user, int kind, const pt_cp_pkt *p);
} pt_cpeng_cb;

typedef struct pt_cpeng {
	int kind;                  /* enum pt_cp_kind */
	pt_cpfsm fsm;
	pt_cpeng_policy pol;
	pt_cpeng_cb cb;
	pt_cpeng_result res;
	uint8_t id;                /* Identifier of our last Configure-Request / Terminate-Request */
	uint8_t next_id;
	int64_t deadline;          /* Restart timer; -1 stopped */
	/* our request as it stands after Naks/Rejects (which options are still sent, and values) */
	uint32_t rejected;         /* bit t (t < 32): the peer rejected option type t */
	uint16_t req_mru;
	uint32_t req_bits;         /* CCP */
	uint8_t req_addr[4];       /* IPCP */
	uint8_t req_dns[2][4];
	uint8_t req_auth;          /* LCP: the method we ask for now (after Naks) */
	uint8_t req_ifid[8];
	char term_text[64];        /* our Terminate-Request data */
	unsigned failures_rcvd;    /* Naks received in a row, for giving up */
	/* added with cpeng.c */
	uint32_t req_magic;        /* LCP: the Magic-Number we send now (changed after a Nak) */
	uint32_t req_accm;         /* LCP: the ACCM we send now */
	uint8_t rejected_ext;      /* bits for option types above 31: 1 Primary-DNS, 2 Secondary-DNS */
	uint8_t seen_reply;        /* a valid Ack/Nak/Reject of request id was taken (RFC 1661 5.1) */
	uint8_t term_id;           /* Identifier of our last Terminate-Request */
	uint8_t extra_now[PT_CPENG_EXTRA]; /* pol.extra less the options the peer rejected */
	size_t nextra_now;
	uint8_t req_pkt[PT_CPENG_MAX_PKT]; /* our last Configure-Request as sent (retransmission, Ack check) */
	size_t req_len;
} pt_cpeng;

/* Set up in Initial (RFC 1661 4.2); pol is copied.  kind: PT_CPK_LCP ... */
void pt_cpeng_init(pt_cpeng *e, int kind, const pt_cpeng_policy *pol, const pt_cpeng_cb *cb);

/* RFC 1661 4.3 events from the owner.  now_us is the caller's clock. */
void pt_cpeng_up(pt_cpeng *e, int64_t now_us);         /* lower layer is Up */
void pt_cpeng_down(pt_cpeng *e, int64_t now_us);       /* lower layer is Down */
void pt_cpeng_open(pt_cpeng *e, int64_t now_us);       /* administrative Open */
void pt_cpeng_close(pt_cpeng *e, const char *reason, int64_t now_us);  /* Close: Terminate-Request with reason */

/*
 * One received control packet (the PPP Information field: Code, Identifier, Length, data).
 * Classifies it (RCR+/RCR-, RCA, RCN, RTR, RTA, RUC, RXJ+/RXJ-, RXR), drops what RFC 1661
 * says to drop silently (a reply whose Identifier does not match, an Ack that is not our
 * request), answers (Ack/Nak/Reject built by the policy, Code-Reject, Echo-Reply with our
 * magic) and runs the automaton.  Returns PT_OK, or PT_EINVAL / PT_ETRUNC for a packet that
 * does not parse (dropped, nothing sent).
 */
int pt_cpeng_input(pt_cpeng *e, const uint8_t *pkt, size_t len, int64_t now_us);

/* The Restart timer: -1 when it is not running, else the time it fires. */
int64_t pt_cpeng_deadline(const pt_cpeng *e);
/* Fire the timer if now_us has reached the deadline (TO+ / TO-). */
void pt_cpeng_tick(pt_cpeng *e, int64_t now_us);

/* A Protocol-Reject of this engine's protocol was received (RXJ-: the layer finishes). */
void pt_cpeng_proto_rejected(pt_cpeng *e, int64_t now_us);

/*
 * Send a packet outside the automaton: LCP Echo-Request / Discard-Request (with our magic put
 * in front of data), Protocol-Reject (data = the rejected protocol and information), CCP
 * Reset-Request / Reset-Ack.  id < 0 takes the next Identifier.  Returns the Identifier used.
 */
int pt_cpeng_send_code(pt_cpeng *e, uint8_t code, int id, const uint8_t *data, size_t len);

int pt_cpeng_state(const pt_cpeng *e);                 /* enum pt_cpfsm_state */
static inline int pt_cpeng_is_open(const pt_cpeng *e) { return e->fsm.state == PT_CPS_OPENED; }
const pt_cpeng_result *pt_cpeng_result_get(const pt_cpeng *e);

#endif
