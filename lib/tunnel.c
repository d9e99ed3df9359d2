/* tunnel.c: the tunnel model: frames control streams, drives ctrl_fsm, binds GRE flows to calls (RFC 2637 1.3, 3, 4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "fmt.h"
#include "tunnel_int.h"

#define DEFAULT_MAX_CONNS 4096
#define DEFAULT_MAX_CALLS 16384   /* about 7 KiB each: about 110 MiB at most */
#define HASH_BITS 12
#define HASH_SIZE (1u << HASH_BITS)
#define MAX_ORPHANS 64

void pt_addr_from_tcp_key(pt_addr *a, const pt_tcp_key *k, int i)
{
	memset(a, 0, sizeof *a);
	a->family = (uint8_t)(k->family == 6 ? 6 : 4);
	if (a->family == 6)
		memcpy(a->a, k->addr[i], 16);
	else
		memcpy(a->a, k->addr[i] + 12, 4);
	a->port = k->port[i];
}

int pt_addr_eq(const pt_addr *x, const pt_addr *y)
{
	if (x->family != y->family)
		return 0;
	/* constant sizes: the compiler compares in place, no call (twice per GRE packet) */
	return x->family == 6 ? memcmp(x->a, y->a, 16) == 0 : memcmp(x->a, y->a, 4) == 0;
}

void pt_addr_fmt(const pt_addr *a, int with_port, char *buf, size_t cap)
{
	char h[64];

	if (a->family == 6) {
		/* RFC 5952 shape: longest run of zero groups as "::" */
		uint16_t g[8];
		int best = -1, bestlen = 0, i, n = 0;
		for (i = 0; i < 8; i++)
			g[i] = (uint16_t)(a->a[2 * i] << 8 | a->a[2 * i + 1]);
		for (i = 0; i < 8; i++) {
			int j = i;
			while (j < 8 && g[j] == 0)
				j++;
			if (j - i > bestlen && j - i > 1) {
				best = i;
				bestlen = j - i;
			}
			if (j > i)
				i = j - 1;
		}
		h[0] = 0;
		for (i = 0; i < 8; i++) {
			if (i == best) {
				n += snprintf(h + n, sizeof h - (size_t)n, "::");
				i += bestlen - 1;
				continue;
			}
			n += snprintf(h + n, sizeof h - (size_t)n, "%s%x", (n && h[n - 1] != ':') ? ":" : "", g[i]);
		}
		if (with_port)
			snprintf(buf, cap, "[%s]:%u", h, a->port);
		else
			snprintf(buf, cap, "%s", h);
	} else {
		snprintf(h, sizeof h, "%u.%u.%u.%u", a->a[0], a->a[1], a->a[2], a->a[3]);
		if (with_port)
			snprintf(buf, cap, "%s:%u", h, a->port);
		else
			snprintf(buf, cap, "%s", h);
	}
}

/* ---- findings: count per connection/call, then hand to the front end ---- */

static void tunnel_sink_fn(void *user, const pt_finding *f)
{
	pt_tunnel *t = user;
	const pt_rule *r = pt_rule_get(f->rule);
	int sev = r ? (int)r->sev : 0;

	if (f->at.conn >= 1 && f->at.conn <= t->nconns_total) {
		pt_conn *c = pt_tunnel_conn_by_idx(t, f->at.conn);
		if (c) {
			c->findings[sev]++;
			c->rules_seen[f->rule / 8] |= (uint8_t)(1u << (f->rule % 8));
		}
	}
	if (f->at.call >= 0 && (size_t)f->at.call < t->ncalls)
	{
		pt_call *k = t->calls[f->at.call];
		k->findings[sev]++;
		k->rules_seen[f->rule / 8] |= (uint8_t)(1u << (f->rule % 8));
	}
	if (t->hooks.on_finding)
		t->hooks.on_finding(t->hooks.user, f);
}

pt_tunnel *pt_tunnel_new(const pt_tunnel_cfg *cfg, const pt_tunnel_hooks *hooks)
{
	pt_tunnel *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->max_conns = cfg && cfg->max_conns ? cfg->max_conns : DEFAULT_MAX_CONNS;
	t->max_calls = cfg && cfg->max_calls ? cfg->max_calls : DEFAULT_MAX_CALLS;
	if (cfg) {
		t->creds = cfg->creds;
		t->ncreds = cfg->ncreds;
		t->no_fast = cfg->no_fastpath != 0;
	}
	if (hooks)
		t->hooks = *hooks;
	t->sink.fn = tunnel_sink_fn;
	t->sink.user = t;
	t->hash = malloc(HASH_SIZE * sizeof *t->hash);
	if (!t->hash) {
		free(t);
		return NULL;
	}
	for (size_t i = 0; i < HASH_SIZE; i++)
		t->hash[i] = -1;
	t->t0 = INT64_MIN;
	return t;
}

void pt_tunnel_free(pt_tunnel *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncalls; i++) {
		pt_tunnel_call_ext_free(t->calls[i]);
		free(t->calls[i]);
	}
	for (size_t i = 0; i < t->nconns; i++)
		free(t->conns[i]);
	free(t->calls);
	free(t->conns);
	free(t->hash);
	free(t);
}

size_t pt_tunnel_nconns(const pt_tunnel *t) { return t->nconns; }
const pt_conn *pt_tunnel_conn(const pt_tunnel *t, size_t i) { return i < t->nconns ? t->conns[i] : NULL; }
size_t pt_tunnel_ncalls(const pt_tunnel *t) { return t->ncalls; }
const pt_call *pt_tunnel_call(const pt_tunnel *t, size_t i) { return i < t->ncalls ? t->calls[i] : NULL; }
int64_t pt_tunnel_t0(const pt_tunnel *t) { return t->t0 == INT64_MIN ? 0 : t->t0; }
int64_t pt_tunnel_t_last(const pt_tunnel *t) { return t->t0 == INT64_MIN ? 0 : t->t_last; }
uint64_t pt_tunnel_gre_packets(const pt_tunnel *t) { return t->gre_pkts; }
uint64_t pt_tunnel_fast_frames(const pt_tunnel *t) { return t->fast_frames; }
uint64_t pt_tunnel_flow_hits(const pt_tunnel *t) { return t->flow_hits; }

int pt_call_lcp_unanswered(const pt_call *k, int talker)
{
	if (talker != PT_DIR_PNS && talker != PT_DIR_PAC)
		return 0;
	return k->gre[!talker].packets == 0 && k->ext &&
	       k->ext->ppp.cp[PT_CPK_LCP].side[talker].n_conf_req >= PT_LCP_RETRIES_EVIDENCE;
}

int pt_call_ended(const pt_tunnel *t, const pt_call *k)
{
	const pt_conn *c = NULL;

	for (size_t i = 0; k->conn && i < t->nconns; i++)
		if (t->conns[i]->idx == k->conn)
			c = t->conns[i];
	return k->down || k->clear_dir >= 0 ||
	       (c && c->ended && (c->end_how == PT_END_FIN || c->end_how == PT_END_RST));
}

pt_conn *pt_tunnel_conn_by_idx(pt_tunnel *t, uint32_t idx)
{
	/* connections are appended in idx order; evicted ones leave holes */
	size_t lo = 0, hi = t->nconns;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->conns[mid]->idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->nconns && t->conns[lo]->idx == idx ? t->conns[lo] : NULL;
}

static void note_time(pt_tunnel *t, const pt_where *at)
{
	if (!at)
		return;
	if (t->t0 == INT64_MIN)
		t->t0 = t->t_last = at->ts_us;
	if (at->ts_us > t->t_last)
		t->t_last = at->ts_us;
}

void pt_tunnel_decode(pt_tunnel *t, const pt_where *at, const char *line)
{
	if (t->hooks.on_decode)
		t->hooks.on_decode(t->hooks.user, at, line);
}

/* ---- control connections ---- */

pt_conn *pt_tunnel_ctrl_open(pt_tunnel *t, const pt_addr *cli, const pt_addr *srv, int midstream, const pt_where *at)
{
	pt_conn *c;
	pt_where w = *at;

	note_time(t, at);
	if (t->nconns >= t->max_conns) {
		w.conn = 0;
		w.call = -1;
		pt_report(&t->sink, PT_R_TUN_CONN_CAP, &w, "more than %zu control connections; this one is not modelled",
			  t->max_conns);
		return NULL;
	}
	if (t->nconns == t->cap_conns) {
		size_t n = t->cap_conns ? t->cap_conns * 2 : 16;
		pt_conn **nc = realloc(t->conns, n * sizeof *nc);
		if (!nc)
			return NULL;
		t->conns = nc;
		t->cap_conns = n;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->idx = ++t->nconns_total;
	c->cli = *cli;
	c->srv = *srv;
	c->pns_is_cli = 1;
	c->midstream = (uint8_t)(midstream != 0);
	c->first_pkt = c->last_pkt = at->pkt;
	c->t_first = c->t_last = at->ts_us;
	c->stop_dir = -1;
	pt_ctrl_conn_init(&c->fsm);
	if (midstream)
		pt_ctrl_conn_set_midstream(&c->fsm, 1);
	/* RFC 2637 1.3: message boundaries come from the Length field; mid-stream we must find one first */
	c->synced[0] = c->synced[1] = (uint8_t)!midstream;
	c->gap_unsync[0] = c->gap_unsync[1] = (uint8_t)(midstream != 0);
	t->conns[t->nconns++] = c;
	return c;
}

static pt_where conn_where(const pt_conn *c, const pt_where *at, int role)
{
	pt_where w = *at;
	w.conn = c->idx;
	w.call = -1;
	w.dir = role;
	return w;
}

static int tcpdir_role(const pt_conn *c, int tcpdir)
{
	return (tcpdir == 0) == (c->pns_is_cli != 0) ? PT_DIR_PNS : PT_DIR_PAC;
}

/* Learn who is PNS from the first message only one side may send. */
static void learn_role(pt_conn *c, int tcpdir, uint16_t type)
{
	int hint;

	if (c->role_known)
		return;
	hint = pt_ctrl_role_hint(type);
	if (hint == PT_DIR_UNKNOWN)
		return;
	c->role_known = 1;
	/* the sender of type is `hint`; tcpdir 0 is the client */
	c->pns_is_cli = (uint8_t)((tcpdir == 0) == (hint == PT_DIR_PNS));
}

static pt_call *call_new(pt_tunnel *t, pt_conn *c, const pt_where *at);
static void call_bind_ids(pt_tunnel *t, pt_call *k);

static pt_call *call_for_fsm(pt_tunnel *t, pt_conn *c, int fsm_idx)
{
	/* the newest call of this connection with that fsm slot */
	for (size_t i = t->ncalls; i-- > 0;) {
		pt_call *k = t->calls[i];
		if (k->conn == c->idx && k->fsm_call == fsm_idx)
			return k;
	}
	return NULL;
}

static void on_ctrl_event(pt_tunnel *t, pt_conn *c, const pt_ctrl_event *ev, const pt_where *at)
{
	pt_call *k = NULL;
	const pt_ctrl_call *fc;

	switch ((enum pt_ctrl_ev_kind)ev->kind) {
	case PT_CEV_CALL_REQUEST:
		k = call_new(t, c, at);
		if (!k)
			return;
		k->fsm_call = ev->call;
		k->t_req = at->ts_us;
		k->req_pkt = at->pkt;
		fc = pt_ctrl_conn_call(&c->fsm, ev->call);
		if (fc) {
			k->has_pns_id = fc->has_pns_id;
			k->has_pac_id = fc->has_pac_id;
			k->pns_call_id = fc->pns_call_id;
			k->pac_call_id = fc->pac_call_id;
		}
		call_bind_ids(t, k);
		break;
	case PT_CEV_CALL_UP:
	case PT_CEV_CALL_ACCEPTED:
	case PT_CEV_CALL_REFUSED:
	case PT_CEV_CALL_CLEARING:
	case PT_CEV_CALL_DOWN:
	case PT_CEV_WAN_ERROR:
	case PT_CEV_LINK_INFO:
		if (ev->call < 0)
			return;
		k = call_for_fsm(t, c, ev->call);
		if (!k) {
			/* mid-stream: a call we never saw requested */
			k = call_new(t, c, at);
			if (!k)
				return;
			k->fsm_call = ev->call;
		}
		fc = pt_ctrl_conn_call(&c->fsm, ev->call);
		if (fc && ((!k->has_pns_id && fc->has_pns_id) || (!k->has_pac_id && fc->has_pac_id))) {
			k->has_pns_id = fc->has_pns_id;
			k->has_pac_id = fc->has_pac_id;
			k->pns_call_id = fc->pns_call_id;
			k->pac_call_id = fc->pac_call_id;
			call_bind_ids(t, k);
		}
		if (ev->kind == PT_CEV_CALL_UP) {
			k->up = 1;
			k->t_up = at->ts_us;
			k->up_pkt = at->pkt;
			/* RFC 2637 4.4: each side may not exceed the other's receive window */
			pt_gre_flow_set_window(&k->gre[PT_DIR_PNS], ev->pac_window);
			pt_gre_flow_set_window(&k->gre[PT_DIR_PAC], ev->pns_window);
		} else if (ev->kind == PT_CEV_CALL_CLEARING) {
			if (k->clear_dir < 0) {
				k->clear_dir = (int8_t)ev->dir;
				k->clear_pkt = at->pkt;
				k->t_clear = at->ts_us;
			}
		} else if (ev->kind == PT_CEV_CALL_REFUSED || ev->kind == PT_CEV_CALL_DOWN) {
			if (!k->down) {
				k->down = 1;
				k->t_down = at->ts_us;
				k->down_pkt = at->pkt;
			}
		}
		pt_tunnel_call_ctrl_event(t, k, ev, at);
		break;
	case PT_CEV_CONN_REFUSED:
		if (!c->refuse_pkt)
			c->refuse_pkt = at->pkt;
		break;
	case PT_CEV_CONN_STOPPING:
		if (!c->stop_pkt) {
			c->stop_pkt = at->pkt;
			c->stop_dir = ev->dir;
		}
		break;
	case PT_CEV_CONN_STOPPED:
		/* calls implicitly cleared by the stop */
		for (size_t i = 0; i < t->ncalls; i++) {
			k = t->calls[i];
			if (k->conn == c->idx && !k->down) {
				k->down = 1;
				k->t_down = at->ts_us;
				k->down_pkt = at->pkt;
			}
		}
		break;
	case PT_CEV_NONE:
	case PT_CEV_CONN_REQUEST:
	case PT_CEV_CONN_UP:
	case PT_CEV_ECHO_REQUEST:
	case PT_CEV_ECHO_MATCHED:
		break;
	}
}

/* ctrl_fsm names calls by its own slot index: translate to the tunnel's call index. */
typedef struct fsm_sink_ctx {
	pt_tunnel *t;
	pt_conn *c;
} fsm_sink_ctx;

static void fsm_sink_fn(void *user, const pt_finding *f)
{
	fsm_sink_ctx *x = user;
	pt_finding g = *f;

	if (g.at.call >= 0) {
		pt_call *k = call_for_fsm(x->t, x->c, g.at.call);
		g.at.call = k ? k->idx : -1;
	}
	g.at.conn = x->c->idx;
	tunnel_sink_fn(x->t, &g);
}

/*
 * A control message that names a call the capture never saw set up (it started mid-session, or lost bytes):
 * Set-Link-Info and WAN-Error-Notify carry the receiver's Call ID (RFC 2637 2.14, 2.15), Call-Clear-Request
 * and Call-Disconnect-Notify the sender's own (2.12, 2.13).  The call is the connection's call with that ID,
 * or the one still missing that side's ID (GRE may have given the other), or a new one; what the message
 * says of it (cleared, disconnected, the ACCMs) is kept for the verdict.
 */
static void ctrl_names_call(pt_tunnel *t, pt_conn *c, int role, const pt_ctrl_msg *m, const pt_where *w)
{
	pt_call *k = NULL, *open = NULL;
	int owner;
	uint16_t id;

	if (role != PT_DIR_PNS && role != PT_DIR_PAC)
		return;
	switch (m->type) {
	case PT_CTRL_SLI:
		owner = !role;
		id = m->u.sli.peer_call_id;
		break;
	case PT_CTRL_WEN:
		owner = !role;
		id = m->u.wen.peer_call_id;
		break;
	case PT_CTRL_CCRQ:
		owner = role;
		id = m->u.ccrq.call_id;
		break;
	case PT_CTRL_CDN:
		owner = role;
		id = m->u.cdn.call_id;
		break;
	default:
		return;
	}
	for (size_t i = t->ncalls; i-- > 0 && !k;) {
		pt_call *q = t->calls[i];
		int has = owner == PT_DIR_PNS ? q->has_pns_id : q->has_pac_id;
		uint16_t qid = owner == PT_DIR_PNS ? q->pns_call_id : q->pac_call_id;
		/* this connection's, or first seen in GRE between its hosts the same way round (not yet given to it) */
		int ours = q->conn == c->idx ||
			   (q->conn == 0 && pt_addr_eq(&q->pns, c->pns_is_cli ? &c->cli : &c->srv) &&
			    pt_addr_eq(&q->pac, c->pns_is_cli ? &c->srv : &c->cli));
		if (!ours || q->fsm_call >= 0)
			continue;
		if (has && qid == id)
			k = q;
		else if (!has && !open)
			open = q;
	}
	if (!k)
		k = open;
	if (!k && !(k = call_new(t, c, w)))
		return;
	if (!k->conn) {
		k->conn = c->idx;
		k->orphan_told = 1;
		c->ncalls++;
	}
	if (owner == PT_DIR_PNS && !k->has_pns_id) {
		k->has_pns_id = 1;
		k->pns_call_id = id;
	} else if (owner == PT_DIR_PAC && !k->has_pac_id) {
		k->has_pac_id = 1;
		k->pac_call_id = id;
	}
	call_bind_ids(t, k);
	if (!k->up)
		k->up_inferred = 1;
	switch (m->type) {
	case PT_CTRL_SLI:
		k->has_sli = 1;
		k->sli_send_accm = m->u.sli.send_accm;
		k->sli_recv_accm = m->u.sli.recv_accm;
		break;
	case PT_CTRL_CCRQ:
		if (k->clear_dir < 0) {
			k->clear_dir = (int8_t)role;
			k->clear_pkt = w->pkt;
			k->t_clear = w->ts_us;
		}
		break;
	case PT_CTRL_CDN:
		if (!k->down) {
			k->down = 1;
			k->down_pkt = w->pkt;
			k->t_down = w->ts_us;
			k->has_cdn = 1;
			k->cdn_result = m->u.cdn.result;
			k->cdn_error = m->u.cdn.error;
			k->cdn_cause = m->u.cdn.cause;
		}
		break;
	default:
		break;
	}
}

static void ctrl_message(pt_tunnel *t, pt_conn *c, int tcpdir, const uint8_t *p, size_t len, const pt_where *at)
{
	pt_ctrl_msg m;
	pt_ctrl_event ev;
	pt_cursor cur = pt_cur(p, len);
	pt_where w;
	int role, rc;
	uint16_t type = 0;

	(void)pt_peek_u16(&cur, 8, &type); /* Control Message Type, if there */
	learn_role(c, tcpdir, type);
	role = tcpdir_role(c, tcpdir);
	w = conn_where(c, at, role);
	c->msgs[tcpdir]++;
	rc = pt_ctrl_parse(&cur, &m, &t->sink, &w);
	if (t->hooks.on_decode) {
		char line[768];
		pt_fmt_ctrl(&m, rc, role, line, sizeof line);
		pt_tunnel_decode(t, &w, line);
	}
	if (rc == PT_OK && m.type >= 1 && m.type <= 15)
		c->msg_count[m.type]++;
	if (rc != PT_OK)
		return;
	memset(&ev, 0, sizeof ev);
	ev.call = -1;
	{
		fsm_sink_ctx sx = { t, c };
		pt_sink fs = { fsm_sink_fn, &sx };
		pt_ctrl_conn_on_msg(&c->fsm, role, &m, &fs, &w, &ev);
		/* RFC 2637 3.1.4: Echo-Requests left unanswered for 60 s */
		pt_ctrl_conn_tick(&c->fsm, at->ts_us, &fs, &w);
	}
	/* a call's findings belong to the call */
	on_ctrl_event(t, c, &ev, &w);
	if (ev.call < 0 && (c->midstream || c->fsm.lenient))
		ctrl_names_call(t, c, role, &m, &w);
}

/* Find the next plausible message start: Length(2) Type(2) Magic(4). */
/* Is there a message header at offset i of c: the magic cookie at i + 4, a possible Length at i? */
static int header_at(const pt_cursor *c, size_t i, int need_length)
{
	uint16_t hi, lo, l;

	if (pt_peek_u16(c, i + 4, &hi) != PT_OK || pt_peek_u16(c, i + 6, &lo) != PT_OK ||
	    ((uint32_t)hi << 16 | lo) != PT_PPTP_MAGIC)
		return 0;
	if (!need_length)
		return 1;
	return pt_peek_u16(c, i, &l) == PT_OK && l >= PT_PPTP_HDR_LEN && l <= PT_PPTP_MAX_LEN;
}

/* Find the next plausible message start: Length(2) Type(2) Magic(4). */
static size_t find_magic(const uint8_t *p, size_t len)
{
	pt_cursor c = pt_cur(p, len);

	for (size_t i = 0; i + 8 <= len; i++)
		if (header_at(&c, i, 1))
			return i;
	return len >= 7 ? len - 7 : 0; /* keep a tail that may hold the start of a cookie */
}

size_t pt_tunnel_ctrl_data(pt_tunnel *t, pt_conn *c, int tcpdir, const uint8_t *data, size_t len, const pt_where *at)
{
	size_t used = 0;

	if (!c || tcpdir < 0 || tcpdir > 1)
		return len;
	note_time(t, at);
	c->last_pkt = at->pkt;
	c->t_last = at->ts_us;
	while (used < len) {
		const uint8_t *p = data + used;
		size_t left = len - used, mlen;
		pt_cursor cur = pt_cur(p, left);
		int rc;

		if (!c->synced[tcpdir]) {
			size_t skip = find_magic(p, left);
			if (skip) {
				c->skipped[tcpdir] += skip;
				c->skip_run[tcpdir] += skip;
				used += skip;
				continue;
			}
			if (left < 8)
				break; /* wait for more */
			c->synced[tcpdir] = 1;
			if (c->skip_run[tcpdir] && !c->gap_unsync[tcpdir]) {
				/* one finding per resynchronisation, with all the octets it cost */
				pt_where w = conn_where(c, at, tcpdir_role(c, tcpdir));
				pt_report(&t->sink, PT_R_STREAM_RESYNC, &w, "%llu octets skipped looking for a message start",
					  (unsigned long long)c->skip_run[tcpdir]);
				c->skip_run[tcpdir] = 0;
			}
			/* after bytes the capture missed, the skip is part of that loss (pptp.stream.gap, a mid-stream
			 * start): one loss, one finding */
			c->skip_run[tcpdir] = 0;
			c->gap_unsync[tcpdir] = 0;
		}
		rc = pt_ctrl_frame_len(&cur, &mlen);
		if (rc == PT_ETRUNC)
			break;
		if (rc != PT_OK) {
			pt_where w = conn_where(c, at, tcpdir_role(c, tcpdir));
			uint16_t l = 0;
			(void)pt_peek_u16(&cur, 0, &l);
			if (header_at(&cur, 0, 0))
				/* a message header with an impossible Length (RFC 2637 2) */
				pt_report(&t->sink, PT_R_CTRL_BAD_LENGTH, &w,
					  "Length %u cannot frame a message (%u..%u); resynchronising",
					  (unsigned)l, PT_PPTP_HDR_LEN, PT_PPTP_MAX_LEN);
			else
				pt_report(&t->sink, PT_R_STREAM_GARBAGE, &w, "Length %u cannot start a message; resynchronising",
					  (unsigned)l);
			c->synced[tcpdir] = 0;
			used += 1;
			continue;
		}
		if (left < mlen)
			break; /* the rest of the message is still to come */
		c->bytes[tcpdir] += mlen;
		ctrl_message(t, c, tcpdir, p, mlen, at);
		used += mlen;
	}
	c->pending[tcpdir] = len - used;
	return used;
}

void pt_tunnel_ctrl_gap(pt_tunnel *t, pt_conn *c, int tcpdir, uint32_t missing, const pt_where *at)
{
	pt_where w;

	if (!c || tcpdir < 0 || tcpdir > 1)
		return;
	c->synced[tcpdir] = 0;
	c->gap_unsync[tcpdir] = 1;
	pt_ctrl_conn_note_gap(&c->fsm);
	/* a capture that starts mid-stream is reported once as such, not as a gap */
	if (missing == 0 && c->midstream && !c->bytes[tcpdir])
		return;
	w = conn_where(c, at, tcpdir_role(c, tcpdir));
	if (missing)
		pt_report(&t->sink, PT_R_STREAM_GAP, &w, "%u octets of the %s's control stream were not captured", missing,
			  tcpdir_role(c, tcpdir) == PT_DIR_PNS ? "PNS" : "PAC");
	else
		pt_report(&t->sink, PT_R_STREAM_GAP, &w, "octets of the %s's control stream were not captured",
			  tcpdir_role(c, tcpdir) == PT_DIR_PNS ? "PNS" : "PAC");
}

void pt_tunnel_ctrl_close(pt_tunnel *t, pt_conn *c, int how, int tcpdir, size_t leftover, const pt_tcp_facts *facts,
			  const pt_where *at)
{
	pt_where w;

	if (!c || c->ended)
		return;
	c->ended = 1;
	c->end_how = (uint8_t)how;
	c->end_dir = (uint8_t)(tcpdir == 1);
	c->t_end = at->ts_us;
	c->end_pkt = at->pkt;
	if (facts)
		c->tcp = *facts;
	(void)leftover;
	for (int d = 0; d < 2; d++) {
		if (!c->pending[d] || !c->synced[d])
			continue;
		w = conn_where(c, at, tcpdir_role(c, d));
		pt_report(&t->sink, PT_R_STREAM_CUT, &w, "%zu octets of an unfinished message left when the connection ended",
			  c->pending[d]);
	}
}

/* ---- calls and GRE ---- */

static pt_call *call_new(pt_tunnel *t, pt_conn *c, const pt_where *at)
{
	pt_call *k;

	if (t->ncalls >= t->max_calls) {
		if (!t->call_cap_reported) {
			pt_where w = *at;
			w.conn = c ? c->idx : 0;
			w.call = -1;
			pt_report(&t->sink, PT_R_TUN_CALL_CAP, &w, "more than %zu calls; later calls are not modelled",
				  t->max_calls);
			t->call_cap_reported = 1;
		}
		return NULL;
	}
	if (t->ncalls == t->cap_calls) {
		size_t n = t->cap_calls ? t->cap_calls * 2 : 16;
		pt_call **nk = realloc(t->calls, n * sizeof *nk);
		if (!nk)
			return NULL;
		t->calls = nk;
		t->cap_calls = n;
	}
	k = calloc(1, sizeof *k);
	if (!k)
		return NULL;
	k->idx = (int32_t)t->ncalls;
	k->conn = c ? c->idx : 0;
	k->fsm_call = -1;
	k->hnext[0] = k->hnext[1] = -1;
	k->clear_dir = -1;
	if (c) {
		k->pns = c->pns_is_cli ? c->cli : c->srv;
		k->pac = c->pns_is_cli ? c->srv : c->cli;
		k->pns.port = k->pac.port = 0;
		c->ncalls++;
	}
	pt_gre_flow_init(&k->gre[0], 0);
	pt_gre_flow_init(&k->gre[1], 0);
	if (pt_tunnel_call_ext_new(t, k) != PT_OK) {
		free(k);
		return NULL;
	}
	t->calls[t->ncalls++] = k;
	return k;
}

static uint32_t gre_hash(uint16_t call_id, const pt_addr *src, const pt_addr *dst)
{
	/* eight octets at a time (the bucket only; call_by_gre compares the key itself) */
	const uint64_t m = 0x9e3779b97f4a7c15u;
	uint64_t h = ((uint64_t)call_id + 1) * m, w[2];

	if (src->family == 6) {
		memcpy(w, src->a, 16);
		h = ((h ^ w[0]) * m ^ w[1]) * m;
		memcpy(w, dst->a, 16);
		h = ((h ^ w[0]) * m ^ w[1]) * m;
	} else {
		uint32_t s, d;
		memcpy(&s, src->a, 4);
		memcpy(&d, dst->a, 4);
		h = (h ^ ((uint64_t)s << 32 | d)) * m;
	}
	return (uint32_t)(h >> (64 - HASH_BITS));
}

/*
 * RFC 2637 4.1: the GRE key holds the Call ID of the RECEIVER: packets the
 * PNS sends carry the PAC's Call ID and the other way round.
 */
static void call_bind_ids(pt_tunnel *t, pt_call *k)
{
	/* every change of a call's ids or addresses comes here: the cached flow may no longer be the first match */
	memset(t->last_k, 0, sizeof t->last_k);
	for (int dir = 0; dir < 2; dir++) {
		const pt_addr *src = dir == PT_DIR_PNS ? &k->pns : &k->pac;
		const pt_addr *dst = dir == PT_DIR_PNS ? &k->pac : &k->pns;
		int has = dir == PT_DIR_PNS ? k->has_pac_id : k->has_pns_id;
		uint16_t id = dir == PT_DIR_PNS ? k->pac_call_id : k->pns_call_id;
		uint32_t h;

		if (!has || !src->family || k->bound[dir])
			continue;
		k->bound[dir] = 1;
		h = gre_hash(id, src, dst);
		/* newest first: a reused Call ID finds the latest call */
		k->hnext[dir] = t->hash[h];
		t->hash[h] = k->idx * 2 + dir;
	}
}

/* the key of call k's direction d matches (call_id, src, dst) */
static int gre_key_is(const pt_call *k, int d, uint16_t call_id, const pt_addr *src, const pt_addr *dst)
{
	const pt_addr *ks = d == PT_DIR_PNS ? &k->pns : &k->pac;
	const pt_addr *kd = d == PT_DIR_PNS ? &k->pac : &k->pns;
	uint16_t id = d == PT_DIR_PNS ? k->pac_call_id : k->pns_call_id;

	return id == call_id && pt_addr_eq(ks, src) && pt_addr_eq(kd, dst);
}

/*
 * The call and sender direction of a GRE flow: the newest bound entry with that key.  The flow found last for
 * the Call ID's slot is kept (t->last_k): while call_bind_ids has not run since, a packet with its key has the
 * same first match in the same chain, so the hash and the walk are skipped.
 */
static pt_call *call_by_gre(pt_tunnel *t, uint16_t call_id, const pt_addr *src, const pt_addr *dst, int *dir)
{
	unsigned slot = call_id % PT_FLOW_CACHE;
	int32_t e;

	if (t->last_k[slot] && gre_key_is(t->last_k[slot], t->last_dir[slot], call_id, src, dst)) {
		t->flow_hits++;
		*dir = t->last_dir[slot];
		return t->last_k[slot];
	}
	e = t->hash[gre_hash(call_id, src, dst)];

	while (e >= 0) {
		pt_call *k = t->calls[e / 2];
		int d = e % 2;
		const pt_addr *ks = d == PT_DIR_PNS ? &k->pns : &k->pac;
		const pt_addr *kd = d == PT_DIR_PNS ? &k->pac : &k->pns;
		uint16_t id = d == PT_DIR_PNS ? k->pac_call_id : k->pns_call_id;
		if (id == call_id && pt_addr_eq(ks, src) && pt_addr_eq(kd, dst)) {
			*dir = d;
			if (!t->no_fast) {
				t->last_k[slot] = k;
				t->last_dir[slot] = d;
			}
			return k;
		}
		e = k->hnext[d];
	}
	return NULL;
}

/* GRE whose call we never saw on a control connection: model it on its own so PPP is still followed. */
/* The newest control connection between these two hosts (either way round), or NULL. */
static pt_conn *conn_between(pt_tunnel *t, const pt_addr *a, const pt_addr *b)
{
	for (size_t i = t->nconns; i-- > 0;) {
		pt_conn *c = t->conns[i];
		if ((pt_addr_eq(&c->cli, a) && pt_addr_eq(&c->srv, b)) || (pt_addr_eq(&c->cli, b) && pt_addr_eq(&c->srv, a)))
			return c;
	}
	return NULL;
}

static pt_call *orphan_call(pt_tunnel *t, uint16_t call_id, const pt_addr *src, const pt_addr *dst, const pt_where *at,
			    int from_pac, int *dir)
{
	pt_call *k;
	pt_conn *host;
	pt_where w = *at;

	/* the other direction of a call first seen in GRE, still missing the id this direction carries */
	for (size_t i = t->ncalls; i-- > 0;) {
		k = t->calls[i];
		if (k->fsm_call >= 0)
			continue;
		if (!k->has_pns_id && pt_addr_eq(&k->pns, dst) && pt_addr_eq(&k->pac, src)) {
			k->has_pns_id = 1;
			k->pns_call_id = call_id;
			call_bind_ids(t, k);
			*dir = PT_DIR_PAC;
			return k;
		}
		if (!k->has_pac_id && pt_addr_eq(&k->pns, src) && pt_addr_eq(&k->pac, dst)) {
			k->has_pac_id = 1;
			k->pac_call_id = call_id;
			call_bind_ids(t, k);
			*dir = PT_DIR_PNS;
			return k;
		}
	}
	/* a known call seen between other addresses (NAT between the control and the GRE capture points?) */
	for (size_t i = t->ncalls; i-- > 0;) {
		k = t->calls[i];
		if (!k->conn)
			continue;
		for (int d = 0; d < 2; d++) {
			const pt_addr *ks = d == PT_DIR_PNS ? &k->pns : &k->pac, *kd = d == PT_DIR_PNS ? &k->pac : &k->pns;
			int has = d == PT_DIR_PNS ? k->has_pac_id : k->has_pns_id;
			uint16_t id = d == PT_DIR_PNS ? k->pac_call_id : k->pns_call_id;
			if (!has || id != call_id || !(pt_addr_eq(ks, src) || pt_addr_eq(kd, dst)))
				continue;
			if (!k->reported_addr) {
				char s[64], dd[64];
				k->reported_addr = 1;
				w.conn = k->conn;
				w.call = k->idx;
				w.dir = d;
				pt_addr_fmt(src, 0, s, sizeof s);
				pt_addr_fmt(dst, 0, dd, sizeof dd);
				pt_report(&t->sink, PT_R_GRE_ADDR, &w,
					  "GRE %s > %s for Call ID %u, which the control connection set up between other addresses",
					  s, dd, call_id);
			}
			*dir = d;
			return k;
		}
	}
	/* a control connection between these hosts whose start is not in the capture: a call set up before it */
	host = conn_between(t, src, dst);
	if (host && host->midstream) {
		int d = pt_addr_eq(src, host->pns_is_cli ? &host->cli : &host->srv) ? PT_DIR_PNS : PT_DIR_PAC;
		k = call_new(t, host, at);
		if (!k)
			return NULL;
		if (d == PT_DIR_PNS) {
			k->has_pac_id = 1;
			k->pac_call_id = call_id;
		} else {
			k->has_pns_id = 1;
			k->pns_call_id = call_id;
		}
		call_bind_ids(t, k);
		*dir = d;
		return k;
	}
	if (t->norphans >= MAX_ORPHANS)
		return NULL;
	k = call_new(t, NULL, at);
	if (!k)
		return NULL;
	t->norphans++;
	/* without a control connection, call the first sender the PNS, unless it authenticates the other: the
	 * sender of a CHAP Challenge is the authenticator, normally the PAC (RFC 1994 4.1) */
	k->pns = from_pac ? *dst : *src;
	k->pac = from_pac ? *src : *dst;
	k->pns.port = k->pac.port = 0;
	if (from_pac) {
		k->has_pns_id = 1;
		k->pns_call_id = call_id;
	} else {
		k->has_pac_id = 1;
		k->pac_call_id = call_id;
	}
	call_bind_ids(t, k);
	w.conn = 0;
	w.call = k->idx;
	w.dir = PT_DIR_UNKNOWN;
	if (host) {
		char s[64], d[64];
		/* RFC 2637 3.2: the connection's start is in the capture, and it never set up this Call ID */
		pt_addr_fmt(src, 0, s, sizeof s);
		pt_addr_fmt(dst, 0, d, sizeof d);
		pt_report(&t->sink, PT_R_GRE_UNKNOWN_CALL, &w,
			  "GRE %s > %s for Call ID %u: no control connection in the capture set it up", s, d, call_id);
		k->orphan_told = 1;
	}
	*dir = from_pac ? PT_DIR_PAC : PT_DIR_PNS;
	return k;
}

/* Does this GRE packet carry a CHAP Challenge (RFC 1994 4.1: code 1), with or without address and control? */
static int gre_chap_challenge(const pt_gre_hdr *h, const pt_cursor *payload)
{
	uint8_t b[5] = { 0 };
	size_t i = 0;

	if (!h->has_seq)
		return 0;
	for (size_t j = 0; j < sizeof b; j++)
		if (pt_peek_u8(payload, j, &b[j]) != PT_OK)
			return 0;
	if (b[0] == 0xff && b[1] == 0x03)
		i = 2; /* RFC 1662 3.1 */
	/* RFC 1661 2: 0xc223 is never compressed (its high octet is not 0) */
	return b[i] == 0xc2 && b[i + 1] == 0x23 && b[i + 2] == 1;
}

/* Findings held back while the packet's call is not yet known. */
typedef struct held_findings {
	pt_finding f[8];
	size_t n;
} held_findings;

static void held_fn(void *user, const pt_finding *f)
{
	held_findings *h = user;
	if (h->n < sizeof h->f / sizeof h->f[0])
		h->f[h->n++] = *f;
}

/* Deliver them where they belong now. */
static void held_flush(pt_tunnel *t, held_findings *h, const pt_where *w)
{
	for (size_t i = 0; i < h->n; i++) {
		h->f[i].at = *w;
		tunnel_sink_fn(t, &h->f[i]);
	}
	h->n = 0;
}

void pt_tunnel_gre(pt_tunnel *t, const pt_addr *src, const pt_addr *dst, const uint8_t *gre, size_t caplen,
		   size_t wire_len, const pt_where *at)
{
	held_findings held;
	pt_sink held_sink = { held_fn, &held };

	pt_cursor cur = pt_cur(gre, caplen);
	pt_gre_hdr h;
	pt_where w = *at;
	pt_call *k;
	int dir = PT_DIR_UNKNOWN, rc;
	size_t plen;

	held.n = 0;
	note_time(t, at);
	t->gre_pkts++;
	t->cur_gre_wire = wire_len;
	t->cur_family = src->family;
	w.conn = 0;
	w.call = -1;
	w.dir = PT_DIR_UNKNOWN;
	/* parse once; the header's findings wait until the Call ID says which call they belong to */
	/* the common header without a finding (pt_gre_parse_quiet) needs none of the checks */
	if (!t->no_fast && pt_gre_parse_quiet(&cur, wire_len, &h))
		rc = PT_OK;
	else
		rc = pt_gre_parse_wire(&cur, wire_len, &h, &held_sink, &w);
	if (rc == PT_ETRUNC && caplen < PT_GRE_HDR_MIN) {
		held_flush(t, &held, &w);
		return;
	}
	k = call_by_gre(t, h.call_id, src, dst, &dir);
	if (!k)
		k = orphan_call(t, h.call_id, src, dst, at, gre_chap_challenge(&h, &cur), &dir);
	if (k) {
		w.conn = k->conn;
		w.call = k->idx;
		w.dir = dir;
	}
	held_flush(t, &held, &w);
	if (t->hooks.on_decode) {
		char line[256];
		pt_fmt_gre(&h, rc, dir, line, sizeof line);
		pt_tunnel_decode(t, &w, line);
	}
	if (!k || (rc != PT_OK && rc != PT_ETRUNC))
		return;
	plen = pt_left(&cur) < h.payload_len ? pt_left(&cur) : h.payload_len;
	if (k->conn) {
		if (k->down && at->ts_us > k->t_down && !k->reported_after_clear) {
			k->reported_after_clear = 1;
			pt_report(&t->sink, PT_R_GRE_AFTER_CLEAR, &w, "GRE from the %s for Call ID %u after the call was cleared",
				  dir == PT_DIR_PNS ? "PNS" : "PAC", h.call_id);
		} else if (!k->up && !k->down && k->fsm_call >= 0 && !k->reported_before_up) {
			/* a call set up before the capture (k->up_inferred) was connected: nothing early about it */
			k->reported_before_up = 1;
			pt_report(&t->sink, PT_R_GRE_BEFORE_UP, &w, "GRE from the %s before the call was connected",
				  dir == PT_DIR_PNS ? "PNS" : "PAC");
		}
	}
	{
		uint64_t lost = k->gre[dir].lost;
		pt_gre_flow_on_pkt(&k->gre[dir], &k->gre[!dir], &h, plen, &t->sink, &w);
		t->cur_gre_gap = k->gre[dir].lost > lost ? k->gre[dir].lost - lost : 0;
	}
	if (!k->d[dir].first_pkt) {
		k->d[dir].first_pkt = at->pkt;
		k->d[dir].t_first = at->ts_us;
	}
	k->d[dir].last_pkt = at->pkt;
	k->d[dir].t_last = at->ts_us;
	if (h.has_seq && plen > 0) {
		const uint8_t *payload;
		if (pt_get_bytes(&cur, plen, &payload) == PT_OK)
			pt_tunnel_call_ppp(t, k, dir, payload, plen, plen < h.payload_len, &w);
	}
	if (t->hooks.on_gre_call)
		t->hooks.on_gre_call(t->hooks.user, &w, k);
}

/*
 * A call first seen in GRE, before any control connection between its hosts: now that the whole capture
 * has been read, give it to a connection that started before the capture (its call was set up before it),
 * or say what is known.  Only what was captured can be a fault: an unknown Call ID on a connection seen
 * from its start (gre.call.unknown), not GRE whose control connection is simply not in the capture.
 */
static void orphan_settle(pt_tunnel *t, pt_call *k)
{
	pt_conn *host = conn_between(t, &k->pns, &k->pac);
	pt_where w;
	char s[64], d[64];

	if (k->conn || k->orphan_told)
		return;
	k->orphan_told = 1;
	memset(&w, 0, sizeof w);
	w.call = k->idx;
	w.dir = PT_DIR_UNKNOWN;
	{
		/* the call's first GRE packet, from either side */
		int first = !k->d[PT_DIR_PNS].first_pkt ||
			(k->d[PT_DIR_PAC].first_pkt && k->d[PT_DIR_PAC].first_pkt < k->d[PT_DIR_PNS].first_pkt);
		w.pkt = k->d[first].first_pkt;
		w.ts_us = k->d[first].t_first;
	}
	pt_addr_fmt(&k->pns, 0, s, sizeof s);
	pt_addr_fmt(&k->pac, 0, d, sizeof d);
	if (host && host->midstream &&
	    pt_addr_eq(&k->pns, host->pns_is_cli ? &host->cli : &host->srv)) {
		/* the first GRE sender is the connection's PNS: roles agree, the call is the connection's */
		k->conn = host->idx;
		host->ncalls++;
		return;
	}
	if (host && !host->midstream) {
		pt_report(&t->sink, PT_R_GRE_UNKNOWN_CALL, &w,
			  "GRE %s > %s for Call ID %u: no control connection in the capture set it up", s, d, k->pac_call_id);
		return;
	}
	if (host)
		pt_report(&t->sink, PT_R_GRE_NO_CONTROL, &w,
			  "GRE %s <> %s: a call set up before the capture on control connection %u", s, d, host->idx);
	else
		pt_report(&t->sink, PT_R_GRE_NO_CONTROL, &w,
			  "GRE %s <> %s: its control connection is not in the capture", s, d);
}

/*
 * What was never stopped or cleared, said once and exactly: a TCP close without Stop-Control-Connection is one
 * finding that says so, never "TCP closed" beside "control connection still established" (RFC 2637 3.1.2:
 * the connection ends with Stop-Control-Connection-Request/Reply before TCP closes).
 */
static void finish_sink_fn(void *user, const pt_finding *f)
{
	fsm_sink_ctx *x = user;
	const pt_conn *c = x->c;
	pt_finding g = *f;
	const char *how = c->ended && c->end_how == PT_END_FIN ? "closed" : c->ended && c->end_how == PT_END_RST ? "reset" : NULL;
	const char *who = c->end_dir == 0 ? (c->pns_is_cli ? "PNS" : "PAC") : (c->pns_is_cli ? "PAC" : "PNS");

	if (f->rule == PT_R_FSM_CONN_NOT_STOPPED) {
		if (how)
			snprintf(g.msg, sizeof g.msg,
				 "TCP %s by the %s without Stop-Control-Connection-Request: the control connection was never stopped (state %s)",
				 how, who, pt_vs_name_or(pt_conn_state_vs, c->fsm.state, "?"));
		else
			snprintf(g.msg, sizeof g.msg, "control connection still %s at the end of the capture",
				 pt_vs_name_or(pt_conn_state_vs, c->fsm.state, "?"));
	} else if (f->rule == PT_R_FSM_CALL_NOT_CLEARED && f->at.call >= 0) {
		const pt_ctrl_call *fc = pt_ctrl_conn_call(&c->fsm, f->at.call);
		if (fc && how)
			snprintf(g.msg, sizeof g.msg,
				 "call with PNS Call ID %u, PAC Call ID %u never cleared: left %s when TCP was %s by the %s",
				 fc->pns_call_id, fc->pac_call_id, pt_vs_name_or(pt_call_state_vs, fc->state, "?"), how, who);
		else if (fc)
			snprintf(g.msg, sizeof g.msg, "call with PNS Call ID %u, PAC Call ID %u still %s at the end of the capture",
				 fc->pns_call_id, fc->pac_call_id, pt_vs_name_or(pt_call_state_vs, fc->state, "?"));
	}
	fsm_sink_fn(user, &g);
}

void pt_tunnel_finish(pt_tunnel *t, const pt_where *at)
{
	for (size_t i = 0; i < t->ncalls; i++)
		orphan_settle(t, t->calls[i]);
	for (size_t i = 0; i < t->nconns; i++) {
		pt_conn *c = t->conns[i];
		pt_where w = conn_where(c, at, PT_DIR_UNKNOWN);
		fsm_sink_ctx sx = { t, c };
		pt_sink fs = { finish_sink_fn, &sx };
		pt_ctrl_conn_finish(&c->fsm, &fs, &w);
	}
	for (size_t i = 0; i < t->ncalls; i++) {
		pt_call *k = t->calls[i];
		pt_where w = *at;
		w.conn = k->conn;
		w.call = k->idx;
		w.dir = PT_DIR_UNKNOWN;
		if (k->up && k->conn) {
			/* RFC 2637 4: once the call is up, both sides carry PPP in GRE */
			int pns = k->gre[PT_DIR_PNS].packets != 0, pac = k->gre[PT_DIR_PAC].packets != 0;
			/* the capture stops before a Restart timer could expire: nothing to tell yet */
			int early = !pt_call_ended(t, k) && t->t_last - k->t_up < 3000000;
			if (!pns && !pac && !early && !t->gre_pkts) {
				w.pkt = k->up_pkt;
				w.ts_us = k->t_up;
				pt_report(&t->sink, PT_R_GRE_NOT_CAPTURED, &w,
					  "call up at packet %llu; the capture holds no GRE at all: control channel only",
					  (unsigned long long)k->up_pkt);
			} else if (!pns && !pac && !early) {
				w.pkt = k->up_pkt;
				w.ts_us = k->t_up;
				pt_report(&t->sink, PT_R_GRE_NONE, &w,
					  "call up at packet %llu but no GRE seen either way (PNS Call ID %u, PAC Call ID %u)",
					  (unsigned long long)k->up_pkt, k->pns_call_id, k->pac_call_id);
			} else if ((!pns || !pac) && (pns || pac) &&
				   (pt_call_lcp_unanswered(k, pns ? PT_DIR_PNS : PT_DIR_PAC) || pt_call_ended(t, k))) {
				int silent = pns ? PT_DIR_PAC : PT_DIR_PNS;
				w.pkt = k->up_pkt;
				w.ts_us = k->t_up;
				w.dir = silent;
				pt_report(&t->sink, PT_R_GRE_NEVER_SENT, &w,
					  "GRE seen only from the %s: nothing from the %s in %llu packets",
					  silent == PT_DIR_PNS ? "PAC" : "PNS", silent == PT_DIR_PNS ? "PNS" : "PAC",
					  (unsigned long long)k->gre[!silent].packets);
			}
		}
		pt_tunnel_call_finish(t, k, &w);
	}
}
