/* pppobs.h: passive observer of one call's PPP negotiation in both directions (RFC 1661 3-6, RFC 1334, RFC 1994, RFC 2759, RFC 1962, RFC 3078, RFC 1332, RFC 5072). */
#ifndef PT_PPPOBS_H
#define PT_PPPOBS_H

#include <stdint.h>

#include "auth.h"
#include "cp.h"
#include "cursor.h"
#include "finding.h"
#include "ppp.h"

/*
 * Sides are indexed by enum pt_dir of the SENDER: PT_DIR_PNS (0), PT_DIR_PAC (1).
 * "Side d's values" are what d asked for in its own Configure-Request and the
 * peer acknowledged: for LCP that is how d receives (MRU, ACCM, PFC, ACFC),
 * whom d authenticates (Auth-Protocol), and d's own Magic-Number.
 */

#define PT_PPPOBS_REQ_CAP 256   /* option octets kept of each Configure-Request */
#define PT_PPPOBS_NAK_TRACK 8   /* option types whose Naks are counted, per side */
#define PT_PPPOBS_NAK_LOOP 5    /* RFC 1661 4.6 Max-Failure default: more Naks of one option = loop */
#define PT_PPPOBS_CHAL_CAP 64   /* CHAP Challenge / Response value octets kept */
#define PT_PPPOBS_NAME_CAP 256  /* user name octets kept (RFC 2759 4: up to 256) */

typedef struct pt_pppobs_req {
	uint8_t valid;      /* a Configure-Request was seen */
	uint8_t answered;   /* a valid Ack/Nak/Reject for it was seen */
	uint8_t id;
	uint8_t prev_valid; /* the request before this one, for late replies */
	uint8_t prev_id;
	uint8_t clipped;    /* more than PT_PPPOBS_REQ_CAP option octets: only the first kept */
	uint16_t len;       /* option octets in the request */
	uint8_t opts[PT_PPPOBS_REQ_CAP];
} pt_pppobs_req;

/* Identifiers of requests awaiting their reply (a peer may resend with a new
 * id, and the reply to an older one may arrive late). */
#define PT_PPPOBS_IDS 4
typedef struct pt_pppobs_ids {
	uint8_t n;
	uint8_t id[PT_PPPOBS_IDS];
} pt_pppobs_ids;

typedef struct pt_pppobs_nak {
	uint8_t type;
	uint8_t count;
	uint8_t reported;
} pt_pppobs_nak;

/* One control protocol as sent by one side. */
typedef struct pt_pppobs_side {
	pt_pppobs_req req;   /* this side's last Configure-Request */
	uint8_t acked;       /* the peer acknowledged it */
	pt_pppobs_ids term;  /* Terminate-Requests awaiting their Ack */
	pt_pppobs_ids echo;  /* LCP Echo-Requests awaiting their Reply */
	pt_pppobs_ids reset; /* CCP Reset-Requests awaiting their Ack */
	unsigned n_conf_req;
	unsigned n_retransmit;  /* Configure-Requests resent with the same id and options */
	unsigned n_ack, n_nak, n_rej;  /* replies received for this side's requests */
	pt_pppobs_nak naks[PT_PPPOBS_NAK_TRACK];
} pt_pppobs_side;

typedef struct pt_pppobs_cp {
	pt_pppobs_side side[2];
	uint8_t opened;        /* both sides' requests acknowledged; left on the
	                        * Terminate-Ack (the peer may still send until then) */
	uint8_t ever_opened;
	uint8_t rejected;      /* the peer sent an LCP Protocol-Reject of this protocol */
	uint8_t assumed;       /* taken as Opened without seeing the negotiation (pt_pppobs_assume_open) */
} pt_pppobs_cp;

typedef struct pt_pppobs_lcp {
	uint16_t mru;        /* default 1500 (RFC 1661 6.1) */
	uint32_t accm;       /* default 0xffffffff (RFC 1662 7.1) */
	uint16_t auth_proto; /* 0: this side does not authenticate its peer */
	uint8_t chap_alg;
	uint8_t has_magic;
	uint32_t magic;
	uint8_t pfc, acfc;   /* this side accepts compressed fields */
	uint16_t mrru;       /* 0: multilink not negotiated */
} pt_pppobs_lcp;

typedef struct pt_pppobs_ccp {
	uint8_t has_mppe;
	uint32_t mppe_bits;  /* RFC 3078 2 Supported Bits this side receives with */
} pt_pppobs_ccp;

typedef struct pt_pppobs_ipcp {
	uint8_t has_addr, has_dns1, has_dns2, has_nbns1, has_nbns2, has_vj;
	uint8_t addr[4];     /* this side's own address */
	uint8_t dns1[4], dns2[4], nbns1[4], nbns2[4];
} pt_pppobs_ipcp;

typedef struct pt_pppobs_ipv6cp {
	uint8_t has_ifid;
	uint8_t ifid[8];
} pt_pppobs_ipv6cp;

enum pt_pppobs_auth_state {
	PT_PPPOBS_AUTH_NONE = 0,    /* not negotiated (or LCP not opened) */
	PT_PPPOBS_AUTH_PENDING = 1,
	PT_PPPOBS_AUTH_SUCCESS = 2,
	PT_PPPOBS_AUTH_FAILURE = 3
};

/* Authentication run by one authenticator side (indexed by that side). */
typedef struct pt_pppobs_auth {
	uint16_t proto;      /* negotiated in LCP: 0, PT_PPP_PAP, PT_PPP_CHAP, ... */
	uint8_t alg;
	uint8_t state;       /* enum pt_pppobs_auth_state */
	uint8_t req_valid, req_id;     /* PAP Authenticate-Request */
	uint8_t chal_valid, chal_id, chal_len;
	uint8_t chal[PT_PPPOBS_CHAL_CAP];
	uint8_t resp_valid, resp_id, resp_len;
	uint8_t resp[PT_PPPOBS_CHAL_CAP];
	uint16_t name_len;   /* authenticatee's name (PAP Peer-ID, CHAP Response Name) */
	uint8_t name[PT_PPPOBS_NAME_CAP];
	uint8_t auth_resp_valid;       /* MS-CHAPv2 Success S= decoded */
	uint8_t auth_resp[20];
	uint32_t error;      /* MS-CHAP Failure E= */
	unsigned attempts;
} pt_pppobs_auth;

typedef struct pt_pppobs {
	pt_pppobs_cp cp[PT_CPK__N];      /* indexed by enum pt_cp_kind */
	pt_pppobs_lcp lcp[2];
	pt_pppobs_ccp ccp[2];
	pt_pppobs_ipcp ipcp[2];
	pt_pppobs_ipv6cp ipv6cp[2];
	pt_pppobs_auth auth[2];          /* indexed by the authenticator */
	uint8_t auth_done;   /* LCP opened and every negotiated authentication succeeded */
	uint8_t start_unseen; /* the capture misses the call's start: replies to requests before it are no fault */
	uint8_t midsession;  /* the capture started after LCP, authentication and the NCPs: their
	                      * negotiation is not in it (pt_pppobs_assume_open) */
	uint32_t once;       /* per-call "reported already" bits of the per-frame rules */
	unsigned n_frames[2];
	unsigned n_data[2];
} pt_pppobs;

/* What a frame produced; several bits may be set at once. */
enum pt_pppobs_what {
	PT_PPPEV_CP = 1u << 0,            /* control packet parsed: cp_kind, cp */
	PT_PPPEV_LCP_OPENED = 1u << 1,
	PT_PPPEV_AUTH_METHOD = 1u << 2,   /* LCP opened with authentication: auth_proto[], chap_alg[] */
	PT_PPPEV_AUTH_MSG = 1u << 3,      /* auth points at the parsed PAP/CHAP message */
	PT_PPPEV_AUTH_RESULT = 1u << 4,   /* auth_success, auth_error, authenticator */
	PT_PPPEV_AUTH_DONE = 1u << 5,     /* every negotiated authentication has succeeded (with none
	                                   * negotiated there is no event: auth_done is 1 at LCP_OPENED) */
	PT_PPPEV_CCP_OPENED = 1u << 6,    /* mppe_bits[] */
	PT_PPPEV_CCP_RESET_REQ = 1u << 7, /* reset_id; sender is dir */
	PT_PPPEV_CCP_RESET_ACK = 1u << 8,
	PT_PPPEV_IPCP_OPENED = 1u << 9,
	PT_PPPEV_IPV6CP_OPENED = 1u << 10,
	PT_PPPEV_LCP_TERMINATE = 1u << 11,/* first Terminate-Request from dir, term_reason */
	PT_PPPEV_CP_DOWN = 1u << 12,      /* cp_kind left Opened (Configure-Request or Terminate-Ack) */
	PT_PPPEV_DATA = 1u << 13          /* network-layer frame: proto, payload */
};

typedef struct pt_pppobs_event {
	unsigned what;          /* enum pt_pppobs_what bits */
	int dir;                /* sender */
	uint16_t proto;
	int cp_kind;            /* enum pt_cp_kind, -1 when not a control protocol */
	pt_cp_pkt cp;
	const pt_auth_msg *auth;/* &auth_msg when PT_PPPEV_AUTH_MSG, else NULL */
	pt_auth_msg auth_msg;
	int authenticator;      /* the side that authenticates the other */
	uint16_t auth_proto[2]; /* per authenticator side, PT_PPPEV_AUTH_METHOD */
	uint8_t chap_alg[2];
	uint8_t auth_success;
	uint32_t auth_error;    /* MS-CHAP E= on failure, else 0 */
	uint32_t mppe_bits[2];  /* per receiving side, PT_PPPEV_CCP_OPENED */
	uint8_t reset_id;
	pt_cursor term_reason;
	pt_cursor payload;      /* the Information field */
} pt_pppobs_event;

void pt_pppobs_init(pt_pppobs *o);

/*
 * Feed one PPP frame sent by dir (PT_DIR_PNS or PT_DIR_PAC), parsed by
 * pt_ppp_parse().  Findings go to sink at *at; ev (caller's storage) says
 * what happened.  Returns PT_OK, or the parse error of a malformed or cut
 * control/authentication packet (already reported), PT_EINVAL for a bad dir.
 */
int pt_pppobs_on_frame(pt_pppobs *o, int dir, const pt_ppp_frame *f, const pt_sink *sink,
		       const pt_where *at, pt_pppobs_event *ev);

/*
 * The steady state of an outer data frame (0x00fd or 0x0021, address and control present, full protocol field):
 * when pt_pppobs_on_frame() could report nothing on f, count it as it would and return 1 (its event would be
 * PT_PPPEV_DATA alone, the payload f->info); otherwise return 0 and change nothing.
 */
int pt_pppobs_data_quiet(pt_pppobs *o, int dir, const pt_ppp_frame *f);

/*
 * The same from raw octets: pt_ppp_parse() on c, reporting a bad address/
 * control pair (ppp.frame.bad_control) or a header cut short
 * (ppp.frame.truncated), then pt_pppobs_on_frame().  truncated: the capture
 * holds fewer octets than the frame had (see pt_ppp_frame.truncated).
 */
int pt_pppobs_on_packet(pt_pppobs *o, int dir, pt_cursor *c, int truncated, const pt_sink *sink,
			const pt_where *at, pt_pppobs_event *ev);

/*
 * The capture starts inside a running session: LCP, authentication, CCP and the NCPs
 * were negotiated before it.  Every protocol is taken as Opened (cp[].assumed, not
 * ever_opened) so that the checks that only follow from seeing the negotiation stay
 * quiet; values are learnt from the traffic where it shows them (Echo magic numbers).
 * ppp.negotiation.not_captured is reported once (f: the first frame seen, from dir).
 * A later Configure-Request renegotiates as usual.
 */
void pt_pppobs_assume_open(pt_pppobs *o, int dir, const pt_ppp_frame *f, const pt_sink *sink, const pt_where *at);
/* The frame belongs to LCP link establishment or termination (Configure-*, Terminate-*). */
int pt_pppobs_link_start(const pt_ppp_frame *f);
/* 1 while the framing and values of LCP are assumed rather than seen negotiated. */
int pt_pppobs_lcp_assumed(const pt_pppobs *o);

/* MPPE in force for what `receiver` receives: CCP opened with a key length. */
int pt_pppobs_mppe_active(const pt_pppobs *o, int receiver);

#endif
