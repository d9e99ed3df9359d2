/* ctrl_fsm.c: PPTP control connection and call state machines, RFC 2637 section 3, for an observer or a peer. */
#include <string.h>

#include "ctrl_fsm.h"
#include "rules.h"

const pt_vs pt_conn_state_vs[] = {
	{ PT_CONN_IDLE, "idle" },
	{ PT_CONN_WAIT_SCCRP, "wait-SCCRP" },
	{ PT_CONN_ESTABLISHED, "established" },
	{ PT_CONN_WAIT_STOPCCRP, "wait-StopCCRP" },
	{ PT_CONN_CLOSED, "closed" },
	{ 0, NULL }
};

const pt_vs pt_call_state_vs[] = {
	{ PT_CALL_FREE, "free" },
	{ PT_CALL_WAIT_OCRP, "wait-OCRP" },
	{ PT_CALL_WAIT_ICRP, "wait-ICRP" },
	{ PT_CALL_WAIT_ICCN, "wait-ICCN" },
	{ PT_CALL_ESTABLISHED, "established" },
	{ PT_CALL_WAIT_CDN, "wait-CDN" },
	{ PT_CALL_CLOSED, "closed" },
	{ 0, NULL }
};

static const char *dir_name(int dir)
{
	return dir == PT_DIR_PNS ? "PNS" : dir == PT_DIR_PAC ? "PAC" : "?";
}

static const char *call_state_name(int s)
{
	return pt_vs_name_or(pt_call_state_vs, (uint32_t)s, "?");
}

void pt_ctrl_conn_init(pt_ctrl_conn *cc)
{
	memset(cc, 0, sizeof *cc);
	cc->state = PT_CONN_IDLE;
	cc->initiator = -1;
	cc->stopper = -1;
}

void pt_ctrl_conn_set_midstream(pt_ctrl_conn *cc, int on)
{
	cc->midstream = on ? 1 : 0;
	if (on)
		cc->lenient = 1;
}

int pt_ctrl_role_hint(uint16_t type)
{
	const pt_ctrl_desc *d = pt_ctrl_desc_get(type);
	return d ? d->sender : PT_DIR_UNKNOWN;
}

/* ---- calls -------------------------------------------------------------- */

static int call_live(const pt_ctrl_call *c)
{
	return c->state != PT_CALL_FREE && c->state != PT_CALL_CLOSED;
}

static int find_id(const pt_ctrl_conn *cc, int pac, uint16_t id, int live_only)
{
	int best = -1;

	/* A linear scan: the table holds at most PT_CTRL_MAX_CALLS entries and
	 * control messages are rare; the per-packet GRE path maps call IDs in
	 * the tunnel model. */
	for (int i = 0; i < PT_CTRL_MAX_CALLS; i++) {
		const pt_ctrl_call *c = &cc->calls[i];
		int has = pac ? c->has_pac_id : c->has_pns_id;
		uint16_t cid = pac ? c->pac_call_id : c->pns_call_id;

		if (c->state == PT_CALL_FREE || !has || cid != id)
			continue;
		if (call_live(c))
			return i;
		if (!live_only && (best < 0 || c->order > cc->calls[best].order))
			best = i;
	}
	return best;
}

int pt_ctrl_conn_find_pns(const pt_ctrl_conn *cc, uint16_t pns_call_id)
{
	return find_id(cc, 0, pns_call_id, 0);
}

int pt_ctrl_conn_find_pac(const pt_ctrl_conn *cc, uint16_t pac_call_id)
{
	return find_id(cc, 1, pac_call_id, 0);
}

const pt_ctrl_call *pt_ctrl_conn_call(const pt_ctrl_conn *cc, int idx)
{
	if (idx < 0 || idx >= PT_CTRL_MAX_CALLS || cc->calls[idx].state == PT_CALL_FREE)
		return NULL;
	return &cc->calls[idx];
}

static pt_where where_call(const pt_where *at, int idx)
{
	pt_where w;

	if (at)
		w = *at;
	else {
		memset(&w, 0, sizeof w);
		w.dir = PT_DIR_UNKNOWN;
	}
	w.call = idx;
	return w;
}

static void call_close(pt_ctrl_conn *cc, int idx, const pt_where *at)
{
	pt_ctrl_call *c = &cc->calls[idx];

	if (call_live(c) && cc->live_calls)
		cc->live_calls--;
	c->state = PT_CALL_CLOSED;
	c->pkt_end = at ? at->pkt : 0;
	c->ts_end = at ? at->ts_us : 0;
}

/* A slot for a new call: a free one, else the oldest closed one, else the
 * oldest live one (DESIGN.md: every table has a cap; eviction is reported). */
static int call_alloc(pt_ctrl_conn *cc, const pt_sink *sink, const pt_where *at)
{
	int closed = -1, live = -1, idx;
	pt_ctrl_call *c;

	for (int i = 0; i < PT_CTRL_MAX_CALLS; i++) {
		c = &cc->calls[i];
		if (c->state == PT_CALL_FREE) {
			closed = i;
			live = -1;
			break;
		}
		if (c->state == PT_CALL_CLOSED) {
			if (closed < 0 || c->order < cc->calls[closed].order)
				closed = i;
		} else if (live < 0 || c->order < cc->calls[live].order) {
			live = i;
		}
	}
	idx = closed >= 0 ? closed : live;
	if (idx < 0)
		idx = 0; /* cannot happen: every slot is free, closed or live */
	c = &cc->calls[idx];
	if (closed < 0) {
		pt_where w = where_call(at, idx);
		cc->calls_evicted++;
		pt_report(sink, PT_R_FSM_CALL_EVICTED, &w,
			  "%d calls in the table: dropped the oldest (PNS Call ID %u, PAC Call ID %u, %s)", PT_CTRL_MAX_CALLS,
			  c->pns_call_id, c->pac_call_id, call_state_name(c->state));
		if (cc->live_calls)
			cc->live_calls--;
	}
	memset(c, 0, sizeof *c);
	c->order = ++cc->next_order;
	c->pkt_start = at ? at->pkt : 0;
	c->ts_start = at ? at->ts_us : 0;
	cc->live_calls++;
	cc->calls_total++;
	return idx;
}

/*
 * RFC 2637 3.2.2: each side picks Call IDs unique among its calls on the
 * connection.  A reused ID is reported and the older call closed, so that
 * lookups (and GRE demultiplexing above) follow the newest one.
 */
static int claim_id(pt_ctrl_conn *cc, int pac, uint16_t id, int self, const char *abbrev, const pt_sink *sink,
		    const pt_where *at)
{
	int old = find_id(cc, pac, id, 1);

	if (old < 0 || old == self)
		return 0;
	{
		pt_where w = where_call(at, old);
		pt_report(sink, PT_R_FSM_CALL_ID_DUP, &w, "%s: %s Call ID %u already used by live call %d (%s)",
			  abbrev, pac ? "PAC" : "PNS", id, old, call_state_name(cc->calls[old].state));
	}
	call_close(cc, old, at);
	return 1;
}

/* ---- echo --------------------------------------------------------------- */

static void echo_report_unanswered(const pt_ctrl_echo *e, const char *why, const pt_sink *sink, const pt_where *at)
{
	pt_report(sink, PT_R_FSM_ECHO_UNANSWERED, at, "Echo-Request id 0x%08x from the %s (frame %llu) %s",
		  (unsigned)e->id, dir_name(e->dir), (unsigned long long)e->pkt, why);
}

static void echo_add(pt_ctrl_conn *cc, int dir, uint32_t id, const pt_sink *sink, const pt_where *at)
{
	int slot = -1;

	for (int i = 0; i < PT_CTRL_MAX_ECHO; i++) {
		if (!cc->echo[i].used) {
			slot = i;
			break;
		}
		if (slot < 0 || cc->echo[i].ts_us < cc->echo[slot].ts_us)
			slot = i;
	}
	if (cc->echo[slot].used && !cc->echo[slot].reported)
		echo_report_unanswered(&cc->echo[slot], "dropped unanswered: echo table full", sink, at);
	cc->echo[slot].used = 1;
	cc->echo[slot].reported = 0;
	cc->echo[slot].dir = (uint8_t)dir;
	cc->echo[slot].id = id;
	cc->echo[slot].pkt = at ? at->pkt : 0;
	cc->echo[slot].ts_us = at ? at->ts_us : 0;
}

/* The outstanding request a reply from dir answers: sent by the other side. */
static int echo_find(const pt_ctrl_conn *cc, int dir, uint32_t id)
{
	for (int i = 0; i < PT_CTRL_MAX_ECHO; i++)
		if (cc->echo[i].used && cc->echo[i].dir != dir && cc->echo[i].id == id)
			return i;
	return -1;
}

static int echo_any(const pt_ctrl_conn *cc, int dir)
{
	for (int i = 0; i < PT_CTRL_MAX_ECHO; i++)
		if (cc->echo[i].used && cc->echo[i].dir != dir)
			return 1;
	return 0;
}

/* ---- the connection-level judgement, shared by on_msg and may_send ------ */

typedef struct verdict {
	int rule;      /* finding to report, -1 none */
	int rule2;     /* a second one (SLI from the PAC while not established) */
	int apply;     /* feed the message to the model */
	int ok;        /* PT_OK or PT_ESTATE */
	const char *why;
} verdict;

#define T(x) (1u << PT_CTRL_##x)

static void reject(verdict *v, int rule, int apply, const char *why)
{
	if (v->rule < 0)
		v->rule = rule;
	else
		v->rule2 = rule;
	v->apply = apply;
	v->ok = PT_ESTATE;
	v->why = why;
}

/* The state the message meets: a midstream capture treats the first message
 * that is not an SCCRQ as arriving on an established connection. */
static int effective_state(const pt_ctrl_conn *cc, uint16_t type)
{
	if (cc->state == PT_CONN_IDLE && (cc->midstream || cc->lenient) && type != PT_CTRL_SCCRQ)
		return PT_CONN_ESTABLISHED;
	return cc->state;
}

static void judge_conn(const pt_ctrl_conn *cc, int dir, const pt_ctrl_desc *d, verdict *v)
{
	uint32_t t = 1u << d->type;

	v->rule = v->rule2 = -1;
	v->apply = 1;
	v->ok = PT_OK;
	v->why = "";

	/* RFC 2637 2.7-2.15: call messages go one way only. */
	if (d->sender != PT_DIR_UNKNOWN && dir != d->sender) {
		if (d->type == PT_CTRL_SLI) {
			/* RFC 2637 2.15 has the PNS send SLI; some PACs send it too
			 * and pptp-linux (pptp_ctrl.c) accepts it: a warning only. */
			v->rule = PT_R_FSM_SLI_FROM_PAC;
		} else {
			reject(v, PT_R_FSM_WRONG_SENDER, 0, "");
			return;
		}
	}
	switch ((enum pt_conn_state)effective_state(cc, d->type)) {
	case PT_CONN_IDLE:
		/* RFC 2637 2.1: the control connection comes first. */
		if (t & T(SCCRQ))
			return;
		if (t & (T(SCCRP) | T(STOPCCRP)))
			reject(v, PT_R_FSM_UNSOLICITED_REPLY, 0, "no request outstanding");
		else
			reject(v, PT_R_FSM_NOT_ESTABLISHED, 1, "connection idle");
		return;
	case PT_CONN_WAIT_SCCRP:
		if (t & T(SCCRQ)) {
			/* RFC 2637 3.1.3: both sides sent SCCRQ at once. */
			if (dir == cc->initiator)
				reject(v, PT_R_FSM_SCCRQ_REPEATED, 0, "");
			else if (!cc->collision)
				v->rule = PT_R_FSM_SCCRQ_COLLISION;
			else
				v->apply = 0;
			return;
		}
		if (t & T(SCCRP)) {
			if (dir == cc->initiator && !cc->collision)
				reject(v, PT_R_FSM_UNSOLICITED_REPLY, 0, "its own request");
			return;
		}
		if (t & T(STOPCCRQ))
			return;
		if (t & T(STOPCCRP)) {
			reject(v, PT_R_FSM_UNSOLICITED_REPLY, 0, "no StopCCRQ outstanding");
			return;
		}
		reject(v, PT_R_FSM_NOT_ESTABLISHED, 1, "awaiting SCCRP");
		return;
	case PT_CONN_ESTABLISHED:
		if (t & T(SCCRQ))
			reject(v, PT_R_FSM_SCCRQ_REPEATED, 0, "");
		else if ((t & T(SCCRP)) && cc->collision)
			v->apply = 0; /* the other half of a collision */
		else if (t & T(SCCRP))
			reject(v, PT_R_FSM_UNSOLICITED_REPLY, 0, "connection already established");
		else if (t & T(STOPCCRP))
			reject(v, PT_R_FSM_UNSOLICITED_REPLY, 0, "no StopCCRQ outstanding");
		return;
	case PT_CONN_WAIT_STOPCCRP:
		if (dir == cc->stopper) {
			/* RFC 2637 3.1.1: after StopCCRQ the sender only awaits the reply. */
			if (t & T(STOPCCRP))
				reject(v, PT_R_FSM_UNSOLICITED_REPLY, 0, "its own StopCCRQ");
			else
				reject(v, PT_R_FSM_AFTER_OWN_STOP, !(t & T(STOPCCRQ)), "");
			return;
		}
		/* The other side may have sent anything before it read the
		 * StopCCRQ (the two directions are separate streams). */
		if (t & T(SCCRQ))
			reject(v, PT_R_FSM_SCCRQ_REPEATED, 0, "");
		else if (t & T(SCCRP))
			reject(v, PT_R_FSM_UNSOLICITED_REPLY, 0, "connection already established");
		else if (t & T(STOPCCRQ))
			v->apply = 0; /* both sides stopping at once */
		return;
	case PT_CONN_CLOSED:
		reject(v, PT_R_FSM_AFTER_CLOSE, 0, "");
		return;
	}
}

static void report_verdict(const verdict *v, int dir, const pt_ctrl_desc *d, const pt_ctrl_conn *cc,
			   const pt_sink *sink, const pt_where *at)
{
	int rules[2] = { v->rule, v->rule2 };
	const char *st = pt_vs_name_or(pt_conn_state_vs, cc->state, "?");

	for (int i = 0; i < 2; i++) {
		switch (rules[i]) {
		case -1:
			break;
		case PT_R_FSM_WRONG_SENDER:
			pt_report(sink, rules[i], at, "%s sent by the %s; %s: only the %s sends it", d->abbrev,
				  dir_name(dir), d->ref, dir_name(d->sender));
			break;
		case PT_R_FSM_SLI_FROM_PAC:
			pt_report(sink, rules[i], at, "SLI sent by the PAC; RFC 2637 2.15: the PNS sends it");
			break;
		case PT_R_FSM_SCCRQ_COLLISION:
			pt_report(sink, rules[i], at, "SCCRQ from the %s while the %s's SCCRQ awaits a reply",
				  dir_name(dir), dir_name(cc->initiator));
			break;
		case PT_R_FSM_AFTER_OWN_STOP:
			pt_report(sink, rules[i], at, "%s from the %s after its own StopCCRQ", d->abbrev, dir_name(dir));
			break;
		default:
			pt_report(sink, rules[i], at, "%s from the %s in state %s%s%s", d->abbrev, dir_name(dir), st,
				  v->why[0] ? ": " : "", v->why);
			break;
		}
	}
}

/* ---- applying one message ----------------------------------------------- */

static void ev_call(pt_ctrl_event *ev, const pt_ctrl_conn *cc, int idx, int kind)
{
	const pt_ctrl_call *c = &cc->calls[idx];

	ev->kind = kind;
	ev->call = idx;
	ev->pns_call_id = c->pns_call_id;
	ev->pac_call_id = c->pac_call_id;
	ev->pns_window = c->pns_window;
	ev->pac_window = c->pac_window;
	ev->pns_delay = c->pns_delay;
	ev->pac_delay = c->pac_delay;
	ev->connect_speed = c->connect_speed;
	ev->result = c->result;
	ev->error = c->error;
	ev->cause = c->cause;
}

/* Find the live call a message names; report pptp.fsm.call_unknown if none. */
static int named_call(const pt_ctrl_conn *cc, int pac, uint16_t id, const pt_ctrl_desc *d, const char *field,
		      const pt_sink *sink, const pt_where *at)
{
	int idx = find_id(cc, pac, id, 1);

	if (idx < 0 && !cc->lenient)
		pt_report(sink, PT_R_FSM_CALL_UNKNOWN, at, "%s: %s %u names no live call with that %s Call ID",
			  d->abbrev, field, id, pac ? "PAC" : "PNS");
	return idx;
}

/* Is the named call in one of the states (bit set of 1 << state)? Report otherwise. */
static int call_in(const pt_ctrl_conn *cc, int idx, unsigned states, const pt_ctrl_desc *d, const pt_sink *sink,
		   const pt_where *at)
{
	pt_where w;

	if (states & (1u << cc->calls[idx].state))
		return 1;
	w = where_call(at, idx);
	pt_report(sink, PT_R_FSM_CALL_STATE, &w, "%s for call %d in state %s", d->abbrev, idx,
		  call_state_name(cc->calls[idx].state));
	return 0;
}

#define S(x) (1u << PT_CALL_##x)

static void pns_max_channels(int dir, uint16_t max, const pt_ctrl_desc *d, const pt_sink *sink,
			     const pt_where *at)
{
	/* RFC 2637 2.1: Maximum Channels is the PAC's capacity; from the PNS it
	 * SHOULD be 0 and is ignored. */
	if (dir == PT_DIR_PNS && max != 0)
		pt_report(sink, PT_R_FSM_PNS_MAX_CHANNELS, at, "%s from the PNS with Maximum Channels %u", d->abbrev,
			  max);
}

static int apply_msg(pt_ctrl_conn *cc, int dir, const pt_ctrl_msg *m, const pt_ctrl_desc *d,
		     const pt_sink *sink, const pt_where *at, pt_ctrl_event *ev)
{
	int idx, ok = PT_OK;
	pt_ctrl_call *c;
	pt_where w;

	switch ((enum pt_ctrl_type)m->type) {
	case PT_CTRL_SCCRQ:
		/* RFC 2637 3.1.1: the originator sends SCCRQ and enters wait_ctl_reply. */
		if (cc->state == PT_CONN_WAIT_SCCRP)
			cc->collision = 1;
		else {
			cc->initiator = (int8_t)dir;
			cc->state = PT_CONN_WAIT_SCCRP;
		}
		if (dir == PT_DIR_PAC)
			cc->max_channels = m->u.sccrq.max_channels;
		pns_max_channels(dir, m->u.sccrq.max_channels, d, sink, at);
		ev->kind = PT_CEV_CONN_REQUEST;
		break;
	case PT_CTRL_SCCRP:
		/* RFC 2637 3.1.1: Result Code 1 establishes; anything else closes. */
		cc->version = m->u.sccrp.version;
		cc->result = m->u.sccrp.result;
		cc->error = m->u.sccrp.error;
		if (dir == PT_DIR_PAC)
			cc->max_channels = m->u.sccrp.max_channels;
		pns_max_channels(dir, m->u.sccrp.max_channels, d, sink, at);
		ev->result = cc->result;
		ev->error = cc->error;
		if (m->u.sccrp.result == PT_CTRL_RESULT_OK) {
			cc->state = PT_CONN_ESTABLISHED;
			ev->kind = PT_CEV_CONN_UP;
		} else {
			cc->state = PT_CONN_CLOSED;
			ev->kind = PT_CEV_CONN_REFUSED;
		}
		break;
	case PT_CTRL_STOPCCRQ:
		cc->stopper = (int8_t)dir;
		cc->stop_reason = m->u.stopccrq.reason;
		cc->state = PT_CONN_WAIT_STOPCCRP;
		ev->kind = PT_CEV_CONN_STOPPING;
		ev->reason = m->u.stopccrq.reason;
		break;
	case PT_CTRL_STOPCCRP:
		/* RFC 2637 2.3: stopping the connection implicitly clears every call. */
		cc->state = PT_CONN_CLOSED;
		cc->result = m->u.stopccrp.result;
		cc->error = m->u.stopccrp.error;
		ev->kind = PT_CEV_CONN_STOPPED;
		ev->result = cc->result;
		ev->error = cc->error;
		for (int i = 0; i < PT_CTRL_MAX_CALLS; i++)
			if (call_live(&cc->calls[i])) {
				call_close(cc, i, at);
				ev->cleared |= (uint64_t)1 << i;
			}
		break;
	case PT_CTRL_ECHORQ:
		/* RFC 2637 3.1.4: keep-alive; the reply echoes the Identifier. */
		echo_add(cc, dir, m->u.echorq.id, sink, at);
		ev->kind = PT_CEV_ECHO_REQUEST;
		ev->echo_id = m->u.echorq.id;
		break;
	case PT_CTRL_ECHORP:
		/* RFC 2637 2.6: Identifier is the one from the Echo-Request. */
		idx = echo_find(cc, dir, m->u.echorp.id);
		ev->echo_id = m->u.echorp.id;
		if (idx < 0) {
			pt_report(sink, PT_R_FSM_ECHO_UNMATCHED, at,
				  "Echo-Reply id 0x%08x from the %s: no Echo-Request from the %s with that id",
				  (unsigned)m->u.echorp.id, dir_name(dir), dir_name(!dir));
			ok = PT_ESTATE;
			break;
		}
		ev->kind = PT_CEV_ECHO_MATCHED;
		ev->req_pkt = cc->echo[idx].pkt;
		ev->req_ts_us = cc->echo[idx].ts_us;
		ev->result = m->u.echorp.result;
		ev->error = m->u.echorp.error;
		cc->echo[idx].used = 0;
		break;
	case PT_CTRL_OCRQ:
		/* RFC 2637 3.2.4.2: the PNS opens an outgoing call: wait_reply. */
		idx = call_alloc(cc, sink, at);
		if (claim_id(cc, 0, m->u.ocrq.call_id, idx, d->abbrev, sink, at))
			ok = PT_ESTATE;
		c = &cc->calls[idx];
		c->state = PT_CALL_WAIT_OCRP;
		c->has_pns_id = 1;
		c->pns_call_id = m->u.ocrq.call_id;
		c->call_serial = m->u.ocrq.call_serial;
		c->pns_window = m->u.ocrq.recv_window;
		c->pns_delay = m->u.ocrq.proc_delay;
		ev_call(ev, cc, idx, PT_CEV_CALL_REQUEST);
		break;
	case PT_CTRL_OCRP:
		/* RFC 2637 2.8: Peer's Call ID is the Call ID of the OCRQ. */
		idx = named_call(cc, 0, m->u.ocrp.peer_call_id, d, "Peer's Call ID", sink, at);
		if (idx < 0 && cc->lenient) {
			/* the OCRQ was in bytes the capture missed: adopt the call */
			idx = call_alloc(cc, sink, at);
			cc->calls[idx].state = PT_CALL_WAIT_OCRP;
			cc->calls[idx].has_pns_id = 1;
			cc->calls[idx].pns_call_id = m->u.ocrp.peer_call_id;
		}
		if (idx < 0 || !call_in(cc, idx, S(WAIT_OCRP) | S(WAIT_CDN), d, sink, at)) {
			ok = PT_ESTATE;
			break;
		}
		c = &cc->calls[idx];
		w = where_call(at, idx);
		c->result = m->u.ocrp.result;
		c->error = m->u.ocrp.error;
		c->cause = m->u.ocrp.cause;
		if (m->u.ocrp.result != PT_CTRL_RESULT_OK) {
			call_close(cc, idx, &w);
			ev_call(ev, cc, idx, PT_CEV_CALL_REFUSED);
			break;
		}
		if (claim_id(cc, 1, m->u.ocrp.call_id, idx, d->abbrev, sink, &w))
			ok = PT_ESTATE;
		c->has_pac_id = 1;
		c->pac_call_id = m->u.ocrp.call_id;
		c->pac_window = m->u.ocrp.recv_window;
		c->pac_delay = m->u.ocrp.proc_delay;
		c->connect_speed = m->u.ocrp.connect_speed;
		/* A reply crossing the PNS's CCRQ leaves the call awaiting CDN. */
		if (c->state == PT_CALL_WAIT_OCRP) {
			c->state = PT_CALL_ESTABLISHED;
			c->pkt_up = at ? at->pkt : 0;
			c->ts_up = at ? at->ts_us : 0;
		}
		ev_call(ev, cc, idx, PT_CEV_CALL_UP);
		break;
	case PT_CTRL_ICRQ:
		/* RFC 2637 3.2.3.1: the PAC announces an incoming call: wait_reply. */
		idx = call_alloc(cc, sink, at);
		if (claim_id(cc, 1, m->u.icrq.call_id, idx, d->abbrev, sink, at))
			ok = PT_ESTATE;
		c = &cc->calls[idx];
		c->state = PT_CALL_WAIT_ICRP;
		c->incoming = 1;
		c->has_pac_id = 1;
		c->pac_call_id = m->u.icrq.call_id;
		c->call_serial = m->u.icrq.call_serial;
		ev_call(ev, cc, idx, PT_CEV_CALL_REQUEST);
		break;
	case PT_CTRL_ICRP:
		/* RFC 2637 3.2.3.2: the PNS accepts (wait_connect) or refuses. */
		idx = named_call(cc, 1, m->u.icrp.peer_call_id, d, "Peer's Call ID", sink, at);
		if (idx < 0 || !call_in(cc, idx, S(WAIT_ICRP), d, sink, at)) {
			ok = PT_ESTATE;
			break;
		}
		c = &cc->calls[idx];
		w = where_call(at, idx);
		c->result = m->u.icrp.result;
		c->error = m->u.icrp.error;
		if (m->u.icrp.result != PT_CTRL_RESULT_OK) {
			call_close(cc, idx, &w);
			ev_call(ev, cc, idx, PT_CEV_CALL_REFUSED);
			break;
		}
		if (claim_id(cc, 0, m->u.icrp.call_id, idx, d->abbrev, sink, &w))
			ok = PT_ESTATE;
		c->has_pns_id = 1;
		c->pns_call_id = m->u.icrp.call_id;
		c->pns_window = m->u.icrp.recv_window;
		c->pns_delay = m->u.icrp.tx_delay;
		c->state = PT_CALL_WAIT_ICCN;
		ev_call(ev, cc, idx, PT_CEV_CALL_ACCEPTED);
		break;
	case PT_CTRL_ICCN:
		/* RFC 2637 2.11: Peer's Call ID is the PNS's, from the ICRP. */
		idx = named_call(cc, 0, m->u.iccn.peer_call_id, d, "Peer's Call ID", sink, at);
		if (idx < 0 || !call_in(cc, idx, S(WAIT_ICCN) | S(WAIT_CDN), d, sink, at)) {
			ok = PT_ESTATE;
			break;
		}
		c = &cc->calls[idx];
		c->pac_window = m->u.iccn.recv_window;
		c->pac_delay = m->u.iccn.tx_delay;
		c->connect_speed = m->u.iccn.connect_speed;
		if (c->state == PT_CALL_WAIT_ICCN) {
			c->state = PT_CALL_ESTABLISHED;
			c->pkt_up = at ? at->pkt : 0;
			c->ts_up = at ? at->ts_us : 0;
		}
		ev_call(ev, cc, idx, PT_CEV_CALL_UP);
		break;
	case PT_CTRL_CCRQ:
		/* RFC 2637 2.12: Call ID is the PNS's; the PAC answers with CDN. */
		idx = named_call(cc, 0, m->u.ccrq.call_id, d, "Call ID", sink, at);
		if (idx < 0 || !call_in(cc, idx, S(WAIT_OCRP) | S(WAIT_ICCN) | S(ESTABLISHED), d, sink, at)) {
			ok = PT_ESTATE;
			break;
		}
		cc->calls[idx].state = PT_CALL_WAIT_CDN;
		ev_call(ev, cc, idx, PT_CEV_CALL_CLEARING);
		break;
	case PT_CTRL_CDN:
		/* RFC 2637 2.13: Call ID is the PAC's (pptp-linux maps it back the same way). */
		idx = named_call(cc, 1, m->u.cdn.call_id, d, "Call ID", sink, at);
		if (idx < 0 || !call_in(cc, idx, S(WAIT_ICRP) | S(WAIT_ICCN) | S(ESTABLISHED) | S(WAIT_CDN), d, sink,
					at)) {
			ok = PT_ESTATE;
			break;
		}
		c = &cc->calls[idx];
		w = where_call(at, idx);
		c->result = m->u.cdn.result;
		c->error = m->u.cdn.error;
		c->cause = m->u.cdn.cause;
		call_close(cc, idx, &w);
		ev_call(ev, cc, idx, PT_CEV_CALL_DOWN);
		ev->cleared = (uint64_t)1 << idx;
		break;
	case PT_CTRL_WEN:
		/* RFC 2637 2.14: sent by the PAC; Peer's Call ID is the PNS's. */
		idx = named_call(cc, 0, m->u.wen.peer_call_id, d, "Peer's Call ID", sink, at);
		if (idx < 0 || !call_in(cc, idx, S(ESTABLISHED) | S(WAIT_CDN), d, sink, at)) {
			ok = PT_ESTATE;
			break;
		}
		ev_call(ev, cc, idx, PT_CEV_WAN_ERROR);
		break;
	case PT_CTRL_SLI:
		/* RFC 2637 2.15: from the PNS, Peer's Call ID is the PAC's; a PAC
		 * sending it (pptp.fsm.sli_from_pac) names the PNS's. */
		idx = named_call(cc, dir == PT_DIR_PNS, m->u.sli.peer_call_id, d, "Peer's Call ID", sink, at);
		if (idx < 0 || !call_in(cc, idx, S(ESTABLISHED) | S(WAIT_CDN), d, sink, at)) {
			ok = PT_ESTATE;
			break;
		}
		c = &cc->calls[idx];
		c->has_accm = 1;
		c->send_accm = m->u.sli.send_accm;
		c->recv_accm = m->u.sli.recv_accm;
		ev_call(ev, cc, idx, PT_CEV_LINK_INFO);
		ev->send_accm = c->send_accm;
		ev->recv_accm = c->recv_accm;
		break;
	}
	return ok;
}

int pt_ctrl_conn_on_msg(pt_ctrl_conn *cc, int dir, const pt_ctrl_msg *m, const pt_sink *sink,
			const pt_where *at, pt_ctrl_event *ev)
{
	const pt_ctrl_desc *d = pt_ctrl_desc_get(m->type);
	pt_ctrl_event dummy;
	verdict v;
	int ok;

	if (!ev)
		ev = &dummy;
	memset(ev, 0, sizeof *ev);
	ev->kind = PT_CEV_NONE;
	ev->dir = dir;
	ev->call = -1;
	if (!d || (dir != PT_DIR_PNS && dir != PT_DIR_PAC))
		return PT_EINVAL;
	cc->msgs[dir]++;
	judge_conn(cc, dir, d, &v);
	report_verdict(&v, dir, d, cc, sink, at);
	/* a capture that starts with SCCRQ saw the whole connection after all */
	if (m->type == PT_CTRL_SCCRQ && cc->state == PT_CONN_IDLE)
		cc->lenient = 0;
	if (effective_state(cc, m->type) != cc->state) {
		pt_report(sink, PT_R_FSM_MIDSTREAM, at, "first message seen is %s from the %s", d->abbrev,
			  dir_name(dir));
		cc->state = PT_CONN_ESTABLISHED;
	}
	cc->midstream = 0;
	if (!v.apply)
		return v.ok;
	ok = apply_msg(cc, dir, m, d, sink, at, ev);
	return v.ok != PT_OK ? v.ok : ok;
}

int pt_ctrl_conn_may_send(const pt_ctrl_conn *cc, int dir, uint16_t type)
{
	const pt_ctrl_desc *d = pt_ctrl_desc_get(type);
	verdict v;

	if (!d || (dir != PT_DIR_PNS && dir != PT_DIR_PAC))
		return PT_EINVAL;
	if (d->sender != PT_DIR_UNKNOWN && dir != d->sender)
		return PT_EINVAL;
	judge_conn(cc, dir, d, &v);
	if (v.ok != PT_OK || v.rule >= 0 || !v.apply)
		return PT_ESTATE;
	/* Call messages need a call they can name, in the right state. */
	for (int i = 0; i < PT_CTRL_MAX_CALLS; i++) {
		const pt_ctrl_call *c = &cc->calls[i];
		unsigned st = 1u << c->state;

		switch ((enum pt_ctrl_type)type) {
		case PT_CTRL_SCCRQ:
		case PT_CTRL_SCCRP:
		case PT_CTRL_STOPCCRQ:
		case PT_CTRL_STOPCCRP:
		case PT_CTRL_ECHORQ:
		case PT_CTRL_OCRQ:
		case PT_CTRL_ICRQ:
			return PT_OK;
		case PT_CTRL_ECHORP:
			return echo_any(cc, dir) ? PT_OK : PT_ESTATE;
		case PT_CTRL_OCRP:
			if (st & S(WAIT_OCRP))
				return PT_OK;
			break;
		case PT_CTRL_ICRP:
			if (st & S(WAIT_ICRP))
				return PT_OK;
			break;
		case PT_CTRL_ICCN:
			if (st & S(WAIT_ICCN))
				return PT_OK;
			break;
		case PT_CTRL_CCRQ:
			if (st & (S(WAIT_OCRP) | S(WAIT_ICCN) | S(ESTABLISHED)))
				return PT_OK;
			break;
		case PT_CTRL_CDN:
			if (st & (S(WAIT_ICRP) | S(WAIT_ICCN) | S(ESTABLISHED) | S(WAIT_CDN)))
				return PT_OK;
			break;
		case PT_CTRL_WEN:
		case PT_CTRL_SLI:
			if (st & S(ESTABLISHED))
				return PT_OK;
			break;
		}
	}
	return PT_ESTATE;
}

void pt_ctrl_conn_tick(pt_ctrl_conn *cc, int64_t now_us, const pt_sink *sink, const pt_where *at)
{
	/* RFC 2637 3.1.4: no Echo-Reply within 60 seconds: the connection is dead. */
	for (int i = 0; i < PT_CTRL_MAX_ECHO; i++) {
		pt_ctrl_echo *e = &cc->echo[i];
		if (e->used && !e->reported && now_us - e->ts_us >= PT_CTRL_ECHO_TIMEOUT_US) {
			e->reported = 1;
			echo_report_unanswered(e, "unanswered after 60 s", sink, at);
		}
	}
}

void pt_ctrl_conn_finish(pt_ctrl_conn *cc, const pt_sink *sink, const pt_where *at)
{
	for (int i = 0; i < PT_CTRL_MAX_ECHO; i++) {
		pt_ctrl_echo *e = &cc->echo[i];
		/* a request younger than the timeout when the capture stops is not (yet) a fault */
		if (e->used && !e->reported && at && at->ts_us - e->ts_us >= PT_CTRL_ECHO_TIMEOUT_US) {
			e->reported = 1;
			echo_report_unanswered(e, "never answered", sink, at);
		}
	}
	for (int i = 0; i < PT_CTRL_MAX_CALLS; i++) {
		const pt_ctrl_call *c = &cc->calls[i];
		if (call_live(c)) {
			pt_where w = where_call(at, i);
			pt_report(sink, PT_R_FSM_CALL_NOT_CLEARED, &w, "call with PNS Call ID %u, PAC Call ID %u still %s",
				  c->pns_call_id, c->pac_call_id, call_state_name(c->state));
		}
	}
	if (cc->state == PT_CONN_WAIT_SCCRP || cc->state == PT_CONN_ESTABLISHED ||
	    cc->state == PT_CONN_WAIT_STOPCCRP)
		pt_report(sink, PT_R_FSM_CONN_NOT_STOPPED, at, "control connection still %s",
			  pt_vs_name_or(pt_conn_state_vs, cc->state, "?"));
}

void pt_ctrl_conn_note_gap(pt_ctrl_conn *cc)
{
	cc->lenient = 1;
}
