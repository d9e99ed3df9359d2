/* ctrl_fsm.h: one PPTP control connection and its calls as seen by an observer or a peer (RFC 2637 section 3). */
#ifndef PT_CTRL_FSM_H
#define PT_CTRL_FSM_H

#include <stdint.h>

#include "finding.h"
#include "pptp.h"

#define PT_CTRL_MAX_CALLS 64       /* calls remembered per connection (live + recently closed) */
#define PT_CTRL_MAX_ECHO 8         /* outstanding Echo-Requests remembered per connection */
#define PT_CTRL_ECHO_TIMEOUT_US (60 * 1000000LL)   /* RFC 2637 3.1.4 */

/* Connection states, named for what they await (RFC 2637 3.1.1/3.1.2). */
enum pt_conn_state {
	PT_CONN_IDLE = 0,         /* awaiting Start-Control-Connection-Request */
	PT_CONN_WAIT_SCCRP,       /* SCCRQ seen: awaiting the reply (RFC: wait_ctl_reply) */
	PT_CONN_ESTABLISHED,
	PT_CONN_WAIT_STOPCCRP,    /* StopCCRQ seen: awaiting the reply (RFC: wait_stop_reply) */
	PT_CONN_CLOSED            /* refused by SCCRP, or stopped by StopCCRP */
};

/* Call states, named for what they await (RFC 2637 3.2.3/3.2.4, both sides in one). */
enum pt_call_state {
	PT_CALL_FREE = 0,         /* slot unused */
	PT_CALL_WAIT_OCRP,        /* OCRQ seen: awaiting Outgoing-Call-Reply */
	PT_CALL_WAIT_ICRP,        /* ICRQ seen: awaiting Incoming-Call-Reply */
	PT_CALL_WAIT_ICCN,        /* ICRP accepted: awaiting Incoming-Call-Connected */
	PT_CALL_ESTABLISHED,
	PT_CALL_WAIT_CDN,         /* CCRQ seen: awaiting Call-Disconnect-Notify */
	PT_CALL_CLOSED            /* refused, disconnected or implicitly cleared; kept for lookups */
};

extern const pt_vs pt_conn_state_vs[];
extern const pt_vs pt_call_state_vs[];

typedef struct pt_ctrl_call {
	uint8_t state;            /* enum pt_call_state */
	uint8_t incoming;         /* 1: started by ICRQ (PAC), 0: by OCRQ (PNS) */
	uint8_t has_pns_id, has_pac_id;
	uint16_t pns_call_id;     /* the Call ID the PNS assigned (OCRQ, ICRP) */
	uint16_t pac_call_id;     /* the Call ID the PAC assigned (OCRP, ICRQ) */
	uint16_t call_serial;
	uint16_t pns_window;      /* PNS's Packet Recv. Window Size (OCRQ or ICRP) */
	uint16_t pac_window;      /* PAC's (OCRP or ICCN) */
	uint16_t pns_delay;       /* Packet Processing/Transmit Delay, 1/10 s */
	uint16_t pac_delay;
	uint32_t connect_speed;
	uint8_t has_accm;
	uint32_t send_accm, recv_accm;   /* last Set-Link-Info */
	uint8_t result, error;    /* of the refusal or disconnect */
	uint16_t cause;
	uint64_t pkt_start, pkt_up, pkt_end;   /* frame numbers (pt_where.pkt) */
	int64_t ts_start, ts_up, ts_end;       /* capture times, us */
	uint64_t order;           /* creation order, for eviction */
} pt_ctrl_call;

typedef struct pt_ctrl_echo {
	uint8_t used, dir, reported;
	uint32_t id;
	uint64_t pkt;
	int64_t ts_us;
} pt_ctrl_echo;

typedef struct pt_ctrl_conn {
	uint8_t state;            /* enum pt_conn_state */
	uint8_t midstream;        /* set by the caller: the capture missed the start */
	uint8_t lenient;          /* bytes of the stream were missed (mid-stream start or a gap): adopt calls named by replies */
	int8_t initiator;         /* dir that sent the SCCRQ, or -1 */
	int8_t stopper;           /* dir that sent the StopCCRQ, or -1 */
	uint8_t collision;        /* both sides sent SCCRQ */
	uint16_t version;         /* from SCCRP */
	uint8_t result, error;    /* of SCCRP / StopCCRP */
	uint8_t stop_reason;
	uint16_t max_channels;    /* from the PAC's SCCRQ/SCCRP */
	pt_ctrl_echo echo[PT_CTRL_MAX_ECHO];
	pt_ctrl_call calls[PT_CTRL_MAX_CALLS];
	uint64_t next_order;
	uint32_t live_calls;
	/* counters */
	uint64_t msgs[2];         /* per sender dir */
	uint64_t calls_total, calls_evicted;
} pt_ctrl_conn;

/* What one message did, for the layer above (tunnel model, reports, peer). */
enum pt_ctrl_ev_kind {
	PT_CEV_NONE = 0,
	PT_CEV_CONN_REQUEST,      /* SCCRQ */
	PT_CEV_CONN_UP,           /* SCCRP result 1 */
	PT_CEV_CONN_REFUSED,      /* SCCRP other result: result, error */
	PT_CEV_CONN_STOPPING,     /* StopCCRQ: reason, who */
	PT_CEV_CONN_STOPPED,      /* StopCCRP: result, error; cleared = calls implicitly cleared */
	PT_CEV_ECHO_REQUEST,      /* id */
	PT_CEV_ECHO_MATCHED,      /* id, req_pkt, req_ts_us (rtt = at->ts_us - req_ts_us) */
	PT_CEV_CALL_REQUEST,      /* OCRQ/ICRQ: call */
	PT_CEV_CALL_UP,           /* OCRP result 1 or ICCN: call with both ids, windows, delays, speed */
	PT_CEV_CALL_ACCEPTED,     /* ICRP result 1: awaiting ICCN */
	PT_CEV_CALL_REFUSED,      /* OCRP/ICRP other result: result, error, cause */
	PT_CEV_CALL_CLEARING,     /* CCRQ */
	PT_CEV_CALL_DOWN,         /* CDN: result, error, cause */
	PT_CEV_WAN_ERROR,         /* WEN: call */
	PT_CEV_LINK_INFO          /* SLI: call, send_accm, recv_accm */
};

typedef struct pt_ctrl_event {
	int kind;                 /* enum pt_ctrl_ev_kind */
	int dir;                  /* who sent the message */
	int call;                 /* index in cc->calls, -1 none */
	uint16_t pns_call_id, pac_call_id;
	uint16_t pns_window, pac_window;
	uint16_t pns_delay, pac_delay;
	uint32_t connect_speed;
	uint8_t result, error;
	uint16_t cause;
	uint8_t reason;
	uint32_t echo_id;
	uint64_t req_pkt;
	int64_t req_ts_us;
	uint32_t send_accm, recv_accm;
	uint64_t cleared;         /* bit i: call i was cleared by this message */
} pt_ctrl_event;

void pt_ctrl_conn_init(pt_ctrl_conn *cc);
/* For a capture that starts after the TCP handshake: the first message that
 * is not an SCCRQ puts the connection in ESTABLISHED (pptp.fsm.midstream). */
void pt_ctrl_conn_set_midstream(pt_ctrl_conn *cc, int on);
/* The caller lost bytes of the control stream: from now on replies may name calls whose request was
 * not seen; they are adopted instead of reported (pptp.fsm.call_unknown). */
void pt_ctrl_conn_note_gap(pt_ctrl_conn *cc);

/* Which side sends this type: PT_DIR_PNS, PT_DIR_PAC, or PT_DIR_UNKNOWN
 * (either side, or unknown type).  Lets the caller assign roles. */
int pt_ctrl_role_hint(uint16_t type);

/*
 * Feed one parsed message sent by dir (PT_DIR_PNS or PT_DIR_PAC).  Checks
 * sender role, connection and call state, call IDs, echo identifiers; updates
 * the model; fills ev (may be NULL).  Returns PT_OK when the message fits,
 * PT_ESTATE when it broke a rule of order (reported; the model is updated as
 * far as it makes sense), PT_EINVAL for a bad dir or unknown type.
 */
int pt_ctrl_conn_on_msg(pt_ctrl_conn *cc, int dir, const pt_ctrl_msg *m, const pt_sink *sink,
			const pt_where *at, pt_ctrl_event *ev);

/*
 * May dir send a message of this type now?  Same rules, no side effect.
 * PT_OK, PT_ESTATE (not now), PT_EINVAL (never from this side / unknown).
 * For call messages: "is there a call this message could name".
 */
int pt_ctrl_conn_may_send(const pt_ctrl_conn *cc, int dir, uint16_t type);

/* Report Echo-Requests unanswered for 60 s at now_us (each once). */
void pt_ctrl_conn_tick(pt_ctrl_conn *cc, int64_t now_us, const pt_sink *sink, const pt_where *at);
/* End of capture: unanswered echoes, calls still up, connection not stopped. */
void pt_ctrl_conn_finish(pt_ctrl_conn *cc, const pt_sink *sink, const pt_where *at);

/* Calls: index lookup (live calls first, else the most recent closed one), -1 if none. */
int pt_ctrl_conn_find_pns(const pt_ctrl_conn *cc, uint16_t pns_call_id);
int pt_ctrl_conn_find_pac(const pt_ctrl_conn *cc, uint16_t pac_call_id);
const pt_ctrl_call *pt_ctrl_conn_call(const pt_ctrl_conn *cc, int idx);   /* NULL if out of range or free */

#endif
