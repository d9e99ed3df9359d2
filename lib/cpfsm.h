/* cpfsm.h: the RFC 1661 section 4 option-negotiation automaton (states, events, actions, restart counter) as a table, for an active peer. */
#ifndef PT_CPFSM_H
#define PT_CPFSM_H

#include <stdint.h>

#include "vs.h"

/* RFC 1661 4.2, numbered as in the 4.1 table. */
enum pt_cpfsm_state {
	PT_CPS_INITIAL = 0,
	PT_CPS_STARTING = 1,
	PT_CPS_CLOSED = 2,
	PT_CPS_STOPPED = 3,
	PT_CPS_CLOSING = 4,
	PT_CPS_STOPPING = 5,
	PT_CPS_REQ_SENT = 6,
	PT_CPS_ACK_RCVD = 7,
	PT_CPS_ACK_SENT = 8,
	PT_CPS_OPENED = 9,
	PT_CPS__N = 10
};

/* RFC 1661 4.3, in the order of the 4.1 table's rows. */
enum pt_cp_event {
	PT_CPE_UP = 0,     /* lower layer is Up */
	PT_CPE_DOWN,       /* lower layer is Down */
	PT_CPE_OPEN,       /* administrative Open */
	PT_CPE_CLOSE,      /* administrative Close */
	PT_CPE_TO_PLUS,    /* Timeout with counter > 0 */
	PT_CPE_TO_MINUS,   /* Timeout with counter expired */
	PT_CPE_RCR_PLUS,   /* Receive-Configure-Request (Good) */
	PT_CPE_RCR_MINUS,  /* Receive-Configure-Request (Bad) */
	PT_CPE_RCA,        /* Receive-Configure-Ack */
	PT_CPE_RCN,        /* Receive-Configure-Nak/Rej */
	PT_CPE_RTR,        /* Receive-Terminate-Request */
	PT_CPE_RTA,        /* Receive-Terminate-Ack */
	PT_CPE_RUC,        /* Receive-Unknown-Code */
	PT_CPE_RXJ_PLUS,   /* Receive-Code-Reject/Protocol-Reject (permitted) */
	PT_CPE_RXJ_MINUS,  /* Receive-Code-Reject/Protocol-Reject (catastrophic) */
	PT_CPE_RXR,        /* Receive-Echo-Request/Reply, Discard-Request */
	PT_CPE__N
};

/*
 * RFC 1661 4.4 actions, one bit each.  The bits are numbered in the order the
 * caller performs them (RFC 1661 4.1: "multiple actions may be implemented in
 * any convenient order"; this order puts tld first and tlu last, as the cells
 * are written).  The counter actions (irc, zrc) and the counter decrement of
 * scr/str are already applied by pt_cpfsm_event(); the caller sends packets,
 * signals layers and runs the Restart timer (pt_cpfsm_timer_running()).
 */
enum pt_cpfsm_action {
	PT_CPA_TLD = 1u << 0,  /* This-Layer-Down */
	PT_CPA_TLS = 1u << 1,  /* This-Layer-Started */
	PT_CPA_TLF = 1u << 2,  /* This-Layer-Finished */
	PT_CPA_IRC = 1u << 3,  /* Initialize-Restart-Count */
	PT_CPA_ZRC = 1u << 4,  /* Zero-Restart-Count */
	PT_CPA_SCR = 1u << 5,  /* Send-Configure-Request */
	PT_CPA_SCA = 1u << 6,  /* Send-Configure-Ack */
	PT_CPA_SCN = 1u << 7,  /* Send-Configure-Nak/Rej */
	PT_CPA_STR = 1u << 8,  /* Send-Terminate-Request */
	PT_CPA_STA = 1u << 9,  /* Send-Terminate-Ack */
	PT_CPA_SCJ = 1u << 10, /* Send-Code-Reject */
	PT_CPA_SER = 1u << 11, /* Send-Echo-Reply */
	PT_CPA_TLU = 1u << 12, /* This-Layer-Up */
	/* footnotes of the 4.1 table, reported with the actions */
	PT_CPA_NOTE_RESTART = 1u << 13, /* [r] restart option (Open in Stopped/Closing/Stopping/Opened) */
	PT_CPA_NOTE_PASSIVE = 1u << 14, /* [p] passive option (TO- into Stopped) */
	PT_CPA_NOTE_CROSSED = 1u << 15  /* [x] crossed connection (RCA/RCN in Ack-Rcvd/Opened) */
};
#define PT_CPA_ACTIONS 0x1fffu /* the 13 action bits */

extern const pt_vs pt_cpfsm_state_vs[];
extern const pt_vs pt_cp_event_vs[];
extern const pt_vs pt_cpfsm_action_vs[]; /* one entry per bit: "tlu", "irc", ... */

/* RFC 1661 4.6 defaults */
#define PT_CPFSM_MAX_TERMINATE 2
#define PT_CPFSM_MAX_CONFIGURE 10
#define PT_CPFSM_MAX_FAILURE 5

typedef struct pt_cpfsm {
	uint8_t state;          /* enum pt_cpfsm_state */
	int restart;            /* Restart counter */
	unsigned failures;      /* Configure-Naks sent since the last Ack sent / irc */
	unsigned max_terminate;
	unsigned max_configure;
	unsigned max_failure;
} pt_cpfsm;

/* Initial state, RFC 1661 4.6 default counters (0 in an argument = default). */
void pt_cpfsm_init(pt_cpfsm *f, unsigned max_configure, unsigned max_terminate, unsigned max_failure);

/*
 * Apply an event: on a legal transition return the new state (>= 0), set
 * *actions_out to the action bits (and footnote bits) and update the restart
 * and failure counters.  On an illegal event ('-' in the table, RFC 1661 4.4
 * Illegal-Event) return PT_ESTATE with the state unchanged and *actions_out 0.
 */
int pt_cpfsm_event(pt_cpfsm *f, enum pt_cp_event ev, unsigned *actions_out);

/* The table itself: PT_OK and the cell, or PT_ESTATE for '-', PT_EINVAL out of range. */
int pt_cpfsm_lookup(int state, int ev, int *next, unsigned *actions);

/* TO+ while the restart counter is above zero, else TO- (RFC 1661 4.3 Timeout). */
enum pt_cp_event pt_cpfsm_timeout_event(const pt_cpfsm *f);

/* RFC 1661 4.1: the Restart timer runs in the states that have TO events. */
int pt_cpfsm_timer_running(int state);

/* RFC 1661 4.6 Max-Failure: further Naks should become Rejects. */
int pt_cpfsm_nak_exhausted(const pt_cpfsm *f);

#endif
