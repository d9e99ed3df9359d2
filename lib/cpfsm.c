/* cpfsm.c: RFC 1661 4.1 State Transition Table as a const table, with the 4.4 counter actions and 4.6 counters. */
#include "cpfsm.h"
#include "cursor.h"

const pt_vs pt_cpfsm_state_vs[] = {
	{ PT_CPS_INITIAL, "Initial" },
	{ PT_CPS_STARTING, "Starting" },
	{ PT_CPS_CLOSED, "Closed" },
	{ PT_CPS_STOPPED, "Stopped" },
	{ PT_CPS_CLOSING, "Closing" },
	{ PT_CPS_STOPPING, "Stopping" },
	{ PT_CPS_REQ_SENT, "Req-Sent" },
	{ PT_CPS_ACK_RCVD, "Ack-Rcvd" },
	{ PT_CPS_ACK_SENT, "Ack-Sent" },
	{ PT_CPS_OPENED, "Opened" },
	{ 0, NULL }
};

const pt_vs pt_cp_event_vs[] = {
	{ PT_CPE_UP, "Up" },
	{ PT_CPE_DOWN, "Down" },
	{ PT_CPE_OPEN, "Open" },
	{ PT_CPE_CLOSE, "Close" },
	{ PT_CPE_TO_PLUS, "TO+" },
	{ PT_CPE_TO_MINUS, "TO-" },
	{ PT_CPE_RCR_PLUS, "RCR+" },
	{ PT_CPE_RCR_MINUS, "RCR-" },
	{ PT_CPE_RCA, "RCA" },
	{ PT_CPE_RCN, "RCN" },
	{ PT_CPE_RTR, "RTR" },
	{ PT_CPE_RTA, "RTA" },
	{ PT_CPE_RUC, "RUC" },
	{ PT_CPE_RXJ_PLUS, "RXJ+" },
	{ PT_CPE_RXJ_MINUS, "RXJ-" },
	{ PT_CPE_RXR, "RXR" },
	{ 0, NULL }
};

const pt_vs pt_cpfsm_action_vs[] = {
	{ PT_CPA_TLD, "tld" },
	{ PT_CPA_TLS, "tls" },
	{ PT_CPA_TLF, "tlf" },
	{ PT_CPA_IRC, "irc" },
	{ PT_CPA_ZRC, "zrc" },
	{ PT_CPA_SCR, "scr" },
	{ PT_CPA_SCA, "sca" },
	{ PT_CPA_SCN, "scn" },
	{ PT_CPA_STR, "str" },
	{ PT_CPA_STA, "sta" },
	{ PT_CPA_SCJ, "scj" },
	{ PT_CPA_SER, "ser" },
	{ PT_CPA_TLU, "tlu" },
	{ PT_CPA_NOTE_RESTART, "[r]" },
	{ PT_CPA_NOTE_PASSIVE, "[p]" },
	{ PT_CPA_NOTE_CROSSED, "[x]" },
	{ 0, NULL }
};

typedef struct cell {
	uint8_t legal;
	uint8_t next;
	uint16_t actions;
} cell;

/* Spelling of the RFC's cells: actions "/" state, with its footnote letter. */
#define X { 0, 0, 0 }                       /* '-': illegal event */
#define S(st) { 1, PT_CPS_##st, 0 }
#define A(acts, st) { 1, PT_CPS_##st, (uint16_t)(acts) }
#define tld PT_CPA_TLD
#define tls PT_CPA_TLS
#define tlf PT_CPA_TLF
#define irc PT_CPA_IRC
#define zrc PT_CPA_ZRC
#define scr PT_CPA_SCR
#define sca PT_CPA_SCA
#define scn PT_CPA_SCN
#define str PT_CPA_STR
#define sta PT_CPA_STA
#define scj PT_CPA_SCJ
#define ser PT_CPA_SER
#define tlu PT_CPA_TLU
#define r_ PT_CPA_NOTE_RESTART
#define p_ PT_CPA_NOTE_PASSIVE
#define x_ PT_CPA_NOTE_CROSSED

/*
 * RFC 1661 4.1 State Transition Table.  Rows are events, columns states
 * 0 Initial, 1 Starting, 2 Closed, 3 Stopped, 4 Closing, 5 Stopping,
 * 6 Req-Sent, 7 Ack-Rcvd, 8 Ack-Sent, 9 Opened.  The comment above each row
 * is the RFC's row as printed.
 */
static const cell table[PT_CPE__N][PT_CPS__N] = {
	/* Up   |    2     irc,scr/6     -         -         -         -     -   -   -   - */
	[PT_CPE_UP] = { S(CLOSED), A(irc | scr, REQ_SENT), X, X, X, X, X, X, X, X },
	/* Down |    -         -         0       tls/1       0         1     1   1   1   tld/1 */
	[PT_CPE_DOWN] = { X, X, S(INITIAL), A(tls, STARTING), S(INITIAL), S(STARTING),
			  S(STARTING), S(STARTING), S(STARTING), A(tld, STARTING) },
	/* Open |  tls/1       1     irc,scr/6     3r        5r        5r    6   7   8   9r */
	[PT_CPE_OPEN] = { A(tls, STARTING), S(STARTING), A(irc | scr, REQ_SENT), A(r_, STOPPED),
			  A(r_, STOPPING), A(r_, STOPPING), S(REQ_SENT), S(ACK_RCVD), S(ACK_SENT),
			  A(r_, OPENED) },
	/* Close|    0       tlf/0       2         2         4         4
	 *          irc,str/4 irc,str/4 irc,str/4 tld,irc,str/4 */
	[PT_CPE_CLOSE] = { S(INITIAL), A(tlf, INITIAL), S(CLOSED), S(CLOSED), S(CLOSING), S(CLOSING),
			   A(irc | str, CLOSING), A(irc | str, CLOSING), A(irc | str, CLOSING),
			   A(tld | irc | str, CLOSING) },
	/*  TO+ |    -  -  -  -  str/4  str/5  scr/6  scr/6  scr/8  - */
	[PT_CPE_TO_PLUS] = { X, X, X, X, A(str, CLOSING), A(str, STOPPING), A(scr, REQ_SENT),
			     A(scr, REQ_SENT), A(scr, ACK_SENT), X },
	/*  TO- |    -  -  -  -  tlf/2  tlf/3  tlf/3p  tlf/3p  tlf/3p  - */
	[PT_CPE_TO_MINUS] = { X, X, X, X, A(tlf, CLOSED), A(tlf, STOPPED), A(tlf | p_, STOPPED),
			      A(tlf | p_, STOPPED), A(tlf | p_, STOPPED), X },
	/* RCR+ |  -  -  sta/2 irc,scr,sca/8  4  5  sca/8  sca,tlu/9  sca/8  tld,scr,sca/8 */
	[PT_CPE_RCR_PLUS] = { X, X, A(sta, CLOSED), A(irc | scr | sca, ACK_SENT), S(CLOSING),
			      S(STOPPING), A(sca, ACK_SENT), A(sca | tlu, OPENED), A(sca, ACK_SENT),
			      A(tld | scr | sca, ACK_SENT) },
	/* RCR- |  -  -  sta/2 irc,scr,scn/6  4  5  scn/6  scn/7  scn/6  tld,scr,scn/6 */
	[PT_CPE_RCR_MINUS] = { X, X, A(sta, CLOSED), A(irc | scr | scn, REQ_SENT), S(CLOSING),
			       S(STOPPING), A(scn, REQ_SENT), A(scn, ACK_RCVD), A(scn, REQ_SENT),
			       A(tld | scr | scn, REQ_SENT) },
	/* RCA  |  -  -  sta/2  sta/3  4  5  irc/7  scr/6x  irc,tlu/9  tld,scr/6x */
	[PT_CPE_RCA] = { X, X, A(sta, CLOSED), A(sta, STOPPED), S(CLOSING), S(STOPPING),
			 A(irc, ACK_RCVD), A(scr | x_, REQ_SENT), A(irc | tlu, OPENED),
			 A(tld | scr | x_, REQ_SENT) },
	/* RCN  |  -  -  sta/2  sta/3  4  5  irc,scr/6  scr/6x  irc,scr/8  tld,scr/6x */
	[PT_CPE_RCN] = { X, X, A(sta, CLOSED), A(sta, STOPPED), S(CLOSING), S(STOPPING),
			 A(irc | scr, REQ_SENT), A(scr | x_, REQ_SENT), A(irc | scr, ACK_SENT),
			 A(tld | scr | x_, REQ_SENT) },
	/* RTR  |  -  -  sta/2  sta/3  sta/4  sta/5  sta/6  sta/6  sta/6  tld,zrc,sta/5 */
	[PT_CPE_RTR] = { X, X, A(sta, CLOSED), A(sta, STOPPED), A(sta, CLOSING), A(sta, STOPPING),
			 A(sta, REQ_SENT), A(sta, REQ_SENT), A(sta, REQ_SENT),
			 A(tld | zrc | sta, STOPPING) },
	/* RTA  |  -  -  2  3  tlf/2  tlf/3  6  6  8  tld,scr/6 */
	[PT_CPE_RTA] = { X, X, S(CLOSED), S(STOPPED), A(tlf, CLOSED), A(tlf, STOPPED), S(REQ_SENT),
			 S(REQ_SENT), S(ACK_SENT), A(tld | scr, REQ_SENT) },
	/* RUC  |  -  -  scj/2  scj/3  scj/4  scj/5  scj/6  scj/7  scj/8  scj/9 */
	[PT_CPE_RUC] = { X, X, A(scj, CLOSED), A(scj, STOPPED), A(scj, CLOSING), A(scj, STOPPING),
			 A(scj, REQ_SENT), A(scj, ACK_RCVD), A(scj, ACK_SENT), A(scj, OPENED) },
	/* RXJ+ |  -  -  2  3  4  5  6  6  8  9 */
	[PT_CPE_RXJ_PLUS] = { X, X, S(CLOSED), S(STOPPED), S(CLOSING), S(STOPPING), S(REQ_SENT),
			      S(REQ_SENT), S(ACK_SENT), S(OPENED) },
	/* RXJ- |  -  -  tlf/2  tlf/3  tlf/2  tlf/3  tlf/3  tlf/3  tlf/3  tld,irc,str/5 */
	[PT_CPE_RXJ_MINUS] = { X, X, A(tlf, CLOSED), A(tlf, STOPPED), A(tlf, CLOSED), A(tlf, STOPPED),
			       A(tlf, STOPPED), A(tlf, STOPPED), A(tlf, STOPPED),
			       A(tld | irc | str, STOPPING) },
	/* RXR  |  -  -  2  3  4  5  6  7  8  ser/9 */
	[PT_CPE_RXR] = { X, X, S(CLOSED), S(STOPPED), S(CLOSING), S(STOPPING), S(REQ_SENT),
			 S(ACK_RCVD), S(ACK_SENT), A(ser, OPENED) },
};

#undef X
#undef S
#undef A
#undef tld
#undef tls
#undef tlf
#undef irc
#undef zrc
#undef scr
#undef sca
#undef scn
#undef str
#undef sta
#undef scj
#undef ser
#undef tlu
#undef r_
#undef p_
#undef x_

void pt_cpfsm_init(pt_cpfsm *f, unsigned max_configure, unsigned max_terminate, unsigned max_failure)
{
	f->state = PT_CPS_INITIAL;
	f->restart = 0;
	f->failures = 0;
	f->max_configure = max_configure ? max_configure : PT_CPFSM_MAX_CONFIGURE;
	f->max_terminate = max_terminate ? max_terminate : PT_CPFSM_MAX_TERMINATE;
	f->max_failure = max_failure ? max_failure : PT_CPFSM_MAX_FAILURE;
}

int pt_cpfsm_lookup(int state, int ev, int *next, unsigned *actions)
{
	const cell *c;

	if (state < 0 || state >= PT_CPS__N || ev < 0 || ev >= PT_CPE__N)
		return PT_EINVAL;
	c = &table[ev][state];
	if (!c->legal)
		return PT_ESTATE;
	*next = c->next;
	*actions = c->actions;
	return PT_OK;
}

int pt_cpfsm_event(pt_cpfsm *f, enum pt_cp_event ev, unsigned *actions_out)
{
	unsigned acts;
	int next, err;

	*actions_out = 0;
	err = pt_cpfsm_lookup(f->state, (int)ev, &next, &acts);
	if (err != PT_OK)
		return err; /* RFC 1661 4.4 Illegal-Event: no transition taken */
	/* RFC 1661 4.4 irc: "Max-Terminate or Max-Configure", whichever packet
	 * the same cell sends (str -> terminate, otherwise configure) */
	if (acts & PT_CPA_IRC) {
		f->restart = (int)((acts & PT_CPA_STR) ? f->max_terminate : f->max_configure);
		f->failures = 0;
	}
	if (acts & PT_CPA_ZRC)
		f->restart = 0;
	/* RFC 1661 4.4 scr/str: "The Restart counter is decremented each time" */
	if (acts & (PT_CPA_SCR | PT_CPA_STR))
		f->restart--;
	/* RFC 1661 4.6 Max-Failure: Naks sent without sending an Ack */
	if (acts & PT_CPA_SCN)
		f->failures++;
	if (acts & PT_CPA_SCA)
		f->failures = 0;
	f->state = (uint8_t)next;
	*actions_out = acts;
	return next;
}

enum pt_cp_event pt_cpfsm_timeout_event(const pt_cpfsm *f)
{
	return f->restart > 0 ? PT_CPE_TO_PLUS : PT_CPE_TO_MINUS;
}

int pt_cpfsm_timer_running(int state)
{
	switch (state) {
	case PT_CPS_CLOSING:
	case PT_CPS_STOPPING:
	case PT_CPS_REQ_SENT:
	case PT_CPS_ACK_RCVD:
	case PT_CPS_ACK_SENT:
		return 1;
	default:
		return 0;
	}
}

int pt_cpfsm_nak_exhausted(const pt_cpfsm *f)
{
	return f->failures >= f->max_failure;
}
