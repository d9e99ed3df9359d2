/* auditor.c: the security audit's checks (issue 25): no encryption (RFC 3078 1), EAP downgrade (RFC 1661 5.3-5.4,
 * RFC 3748), MS-CHAPv2 handshakes captured (RFC 2759 8), MS-CHAPv1 LAN Manager responses (RFC 2433 A.1), online
 * guessing (RFC 1994 5), PPTP filtering (RFC 2637 1.1).  Shared by pptp-analyze --audit and the Wireshark plugin. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditor.h"
#include "auth.h"
#include "ppp.h"
#include "tcpreasm.h" /* PT_TCP_PPTP_PORT */

#define NAME_CAP 256
#define FLOW_BUCKETS 2048 /* a power of two, twice PT_AUDIT_MAX_FLOWS */

typedef struct au_user {
	uint8_t raw[NAME_CAP];
	uint16_t raw_len;
	char name[NAME_CAP];           /* printable */
} au_user;

enum { HS_V2 = 1, HS_V1_LM };

typedef struct au_hs {               /* a handshake worth a finding */
	uint8_t kind;
	int user;
	int32_t call;
	uint64_t pkt;
} au_hs;

typedef struct au_fail {
	int64_t ts_us;
	uint64_t pkt;
	int user;
	int32_t call;
	pt_addr from;                  /* the authenticatee's address */
} au_fail;

typedef struct au_flow {
	pt_addr src, dst;              /* ports in .port */
	uint8_t proto;
	uint64_t packets, first_pkt;
	int64_t first_ts;
	int32_t hnext;                 /* bucket chain, -1 end */
} au_flow;

struct pt_audit {
	pt_audit_cfg cfg;
	au_user *users;
	size_t nusers;
	au_hs *hs;
	size_t nhs, hs_dropped;
	au_fail *fails;
	size_t nfails, capfails, fails_dropped;
	au_flow *flows;
	size_t nflows, flows_dropped;
	int32_t *bucket;               /* FLOW_BUCKETS heads, -1 empty */
};

pt_audit *pt_audit_new(const pt_audit_cfg *cfg)
{
	pt_audit *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	if (cfg)
		a->cfg = *cfg;
	if (!a->cfg.guess_failures)
		a->cfg.guess_failures = 5;
	if (a->cfg.guess_window_us <= 0)
		a->cfg.guess_window_us = 300 * (int64_t)1000000;
	return a;
}

void pt_audit_free(pt_audit *a)
{
	if (!a)
		return;
	if (a->users) {
		explicit_bzero(a->users, PT_AUDIT_MAX_USERS * sizeof *a->users);
		free(a->users);
	}
	free(a->hs);
	free(a->fails);
	free(a->flows);
	free(a->bucket);
	free(a);
}

/* ---- users ---- */

static void printable(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", p[i]);
	}
	out[o] = 0;
}

int pt_audit_user(pt_audit *a, const uint8_t *raw, size_t len)
{
	au_user *u;

	if (len > NAME_CAP)
		len = NAME_CAP;
	for (size_t i = 0; i < a->nusers; i++)
		if (a->users[i].raw_len == len && (!len || memcmp(a->users[i].raw, raw, len) == 0))
			return (int)i;
	if (a->nusers >= PT_AUDIT_MAX_USERS)
		return -1;
	if (!a->users && !(a->users = calloc(PT_AUDIT_MAX_USERS, sizeof *a->users)))
		return -1;
	u = &a->users[a->nusers];
	if (len)
		memcpy(u->raw, raw, len);
	u->raw_len = (uint16_t)len;
	printable(raw, len, u->name, sizeof u->name);
	return (int)a->nusers++;
}

const char *pt_audit_user_name(const pt_audit *a, int u)
{
	return u >= 0 && (size_t)u < a->nusers ? a->users[u].name : "?";
}

const uint8_t *pt_audit_user_raw(const pt_audit *a, int u, size_t *len)
{
	if (u < 0 || (size_t)u >= a->nusers) {
		*len = 0;
		return NULL;
	}
	*len = a->users[u].raw_len;
	return a->users[u].raw;
}

size_t pt_audit_nusers(const pt_audit *a)
{
	return a->nusers;
}

/* ---- what the hooks collect ---- */

static void add_fail(pt_audit *a, const pt_where *at, const pt_call *k, int authr)
{
	const struct pt_call_ext *x = k->ext;
	au_fail *f;

	if (a->nfails >= PT_AUDIT_MAX_FAILS) {
		a->fails_dropped++;
		return;
	}
	if (a->nfails == a->capfails) {
		size_t cap = a->capfails ? a->capfails * 2 : 64;
		au_fail *v = realloc(a->fails, cap * sizeof *v);
		if (!v)
			return;
		a->fails = v;
		a->capfails = cap;
	}
	f = &a->fails[a->nfails++];
	memset(f, 0, sizeof *f);
	f->ts_us = at->ts_us;
	f->pkt = at->pkt;
	f->call = k->idx;
	f->user = pt_audit_user(a, x->user_raw[authr], x->user_len[authr]);
	f->from = authr == PT_DIR_PAC ? k->pns : k->pac; /* the authenticatee */
}

void pt_audit_auth(pt_audit *a, const pt_where *at, const pt_call *k, int authr, const pt_auth_msg *m)
{
	static const uint8_t zero[24];
	const struct pt_call_ext *x = k->ext;
	const pt_pppobs_auth *au;
	uint8_t kind = 0;
	au_hs *h;
	int u;

	if (!a || !x || (authr != PT_DIR_PNS && authr != PT_DIR_PAC))
		return;
	au = &x->ppp.auth[authr];
	if ((m->proto == PT_PPP_PAP && m->code == PT_PAP_AUTH_NAK) ||
	    (m->proto == PT_PPP_CHAP && m->code == PT_CHAP_FAILURE)) {
		add_fail(a, at, k, authr);
		return;
	}
	if (m->proto != PT_PPP_CHAP || m->code != PT_CHAP_RESPONSE || !au->chal_valid || !m->ms_valid || !m->nt_resp)
		return;
	/* RFC 2759 4: challenge (16), peer challenge and NT-Response: all an offline search needs */
	if (au->alg == PT_CHAP_ALG_MSCHAPV2 && m->peer_chal && au->chal_len == 16)
		kind = HS_V2;
	/* RFC 2433 A.1: the LAN Manager response, unless all zeros (NT response only) */
	else if (au->alg == PT_CHAP_ALG_MSCHAPV1 && au->chal_len == 8 && m->lm_resp && memcmp(m->lm_resp, zero, 24) != 0)
		kind = HS_V1_LM;
	if (!kind)
		return;
	if (a->nhs >= PT_AUDIT_MAX_HS) {
		a->hs_dropped++;
		return;
	}
	if ((u = pt_audit_user(a, m->name.p, pt_left(&m->name))) < 0)
		return;
	if (!a->hs && !(a->hs = calloc(PT_AUDIT_MAX_HS, sizeof *a->hs)))
		return;
	h = &a->hs[a->nhs++];
	h->kind = kind;
	h->user = u;
	h->call = k->idx;
	h->pkt = at->pkt;
}

static int flow_is(const au_flow *f, const pt_addr *s, const pt_addr *d, uint8_t proto)
{
	return f->proto == proto && f->src.port == s->port && f->dst.port == d->port && pt_addr_eq(&f->src, s) &&
	       pt_addr_eq(&f->dst, d);
}

static uint32_t flow_hash(const pt_addr *s, const pt_addr *d, uint8_t proto)
{
	uint32_t h = 2166136261u ^ proto;
	size_t n = s->family == 6 ? 16 : 4;

	/* FNV-1a over both addresses and ports */
	for (size_t i = 0; i < n; i++)
		h = (h ^ s->a[i]) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d->a[i]) * 16777619u;
	h = (h ^ s->port) * 16777619u;
	h = (h ^ d->port) * 16777619u;
	return h & (FLOW_BUCKETS - 1);
}

/*
 * An ICMP error about a PPTP packet (RFC 792 / RFC 4443: it quotes the offending IP header and the first octets
 * after it): "protocol 47 unreachable", or a TCP 1723 port unreachable, belongs to the tunnel, not to other traffic.
 */
static int icmp_about_pptp(uint8_t ipproto, const uint8_t *payload, size_t len)
{
	pt_cursor c = pt_cur(payload, len);
	uint8_t type = 0, b = 0, proto = 0;
	uint16_t p1 = 0, p2 = 0;
	size_t off = 8;

	if (pt_peek_u8(&c, 0, &type) != PT_OK)
		return 0;
	if (ipproto == 1 && (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)) {
		if (pt_peek_u8(&c, off, &b) != PT_OK || (b >> 4) != 4 || pt_peek_u8(&c, off + 9, &proto) != PT_OK)
			return 0;
		off += (size_t)(b & 15) * 4;
	} else if (ipproto == 58 && type >= 1 && type <= 4) {
		if (pt_peek_u8(&c, off + 6, &proto) != PT_OK)
			return 0;
		off += 40;
	} else {
		return 0;
	}
	if (proto == 47)
		return 1;
	return proto == 6 && pt_peek_u16(&c, off, &p1) == PT_OK && pt_peek_u16(&c, off + 2, &p2) == PT_OK &&
	       (p1 == PT_TCP_PPTP_PORT || p2 == PT_TCP_PPTP_PORT);
}

void pt_audit_other(pt_audit *a, const pt_addr *src, const pt_addr *dst, uint8_t proto, uint16_t sport,
		    uint16_t dport, const uint8_t *payload, size_t len, const pt_where *at)
{
	pt_addr s = *src, d = *dst;
	uint32_t b;
	au_flow *f;

	if (!a)
		return;
	/* (no cursor over NULL: NULL + 0 is undefined behaviour) */
	if ((proto == 1 || proto == 58) && payload && icmp_about_pptp(proto, payload, len))
		return;
	s.port = sport;
	d.port = dport;
	if (!a->bucket) {
		if (!(a->bucket = malloc(FLOW_BUCKETS * sizeof *a->bucket)))
			return;
		memset(a->bucket, 0xff, FLOW_BUCKETS * sizeof *a->bucket);
	}
	b = flow_hash(&s, &d, proto);
	for (int32_t i = a->bucket[b]; i >= 0; i = a->flows[i].hnext)
		if (flow_is(&a->flows[i], &s, &d, proto)) {
			a->flows[i].packets++;
			return;
		}
	if (a->nflows >= PT_AUDIT_MAX_FLOWS) {
		a->flows_dropped++;
		return;
	}
	if (!a->flows && !(a->flows = calloc(PT_AUDIT_MAX_FLOWS, sizeof *a->flows)))
		return;
	f = &a->flows[a->nflows];
	f->src = s;
	f->dst = d;
	f->proto = proto;
	f->packets = 1;
	f->first_pkt = at->pkt;
	f->first_ts = at->ts_us;
	f->hnext = a->bucket[b];
	a->bucket[b] = (int32_t)a->nflows++;
}

/* ---- findings at the end ---- */

pt_where pt_audit_where(const pt_call *k, uint64_t pkt, int64_t ts, int dir)
{
	pt_where w;
	memset(&w, 0, sizeof w);
	w.pkt = pkt;
	w.ts_us = ts;
	w.conn = k ? k->conn : 0;
	w.call = k ? k->idx : -1;
	w.dir = dir;
	return w;
}

static int64_t call_ts(const pt_call *k)
{
	return k->d[0].t_first ? k->d[0].t_first : k->d[1].t_first;
}

static const pt_call *call_at(const pt_tunnel *t, int32_t idx)
{
	return idx >= 0 && (size_t)idx < pt_tunnel_ncalls(t) ? pt_tunnel_call(t, (size_t)idx) : NULL;
}

static const char *auth_name(uint16_t proto, uint8_t alg)
{
	if (proto == PT_PPP_PAP)
		return "PAP";
	if (proto == PT_PPP_CHAP)
		return alg == PT_CHAP_ALG_MD5 ? "CHAP-MD5" : alg == PT_CHAP_ALG_MSCHAPV1 ? "MS-CHAPv1"
			: alg == PT_CHAP_ALG_MSCHAPV2 ? "MS-CHAPv2" : "CHAP";
	if (proto == PT_PPP_EAP)
		return "EAP";
	return "no authentication";
}

static const char *side(int dir)
{
	return dir == PT_DIR_PNS ? "PNS" : "PAC";
}

static void call_findings(const pt_tunnel *t, const pt_sink *sink)
{
	for (size_t i = 0; i < pt_tunnel_ncalls(t); i++) {
		const pt_call *k = pt_tunnel_call(t, i);
		const struct pt_call_ext *x = k->ext;
		uint64_t data;
		pt_where w;

		if (!x)
			continue;
		data = x->inner[0].ipv4 + x->inner[0].ipv6 + x->inner[1].ipv4 + x->inner[1].ipv6;
		/* RFC 3078 1: without CCP/MPPE the PPP payload is carried as it is */
		if (x->lcp_open_pkt && !x->ccp_open && !x->enc_frames[0] && !x->enc_frames[1] && !x->mppe_d_frames[0] &&
		    !x->mppe_d_frames[1] && (data || x->ipcp_open_pkt)) {
			w = pt_audit_where(k, x->ipcp_open_pkt ? x->ipcp_open_pkt : x->lcp_open_pkt, call_ts(k), PT_DIR_UNKNOWN);
			pt_report(sink, PT_R_AUDIT_ENCRYPTION_NONE, &w,
				  "call %d: no MPPE negotiated; %" PRIu64 " inner IP packets crossed the wire in clear", k->idx + 1,
				  data);
		}
		/* RFC 1661 5.3: a Nak of the Authentication-Protocol option names the protocol the peer wants instead */
		if (x->eap_naked_by >= 0 && x->eap_nak_proto != PT_PPP_EAP) {
			int by = x->eap_naked_by;
			w = pt_audit_where(k, x->lcp_open_pkt ? x->lcp_open_pkt : k->d[by].first_pkt, call_ts(k), by);
			pt_report(sink, PT_R_AUDIT_EAP_DOWNGRADE, &w,
				  "call %d: the %s offered EAP; the %s refused it and asked for %s instead", k->idx + 1,
				  side(!by), side(by), auth_name(x->eap_nak_proto, x->eap_nak_alg));
		} else if (x->eap_rejected_by >= 0 && x->lcp_open_pkt && x->ppp.auth[!x->eap_rejected_by].proto != PT_PPP_EAP) {
			/* RFC 1661 5.4: the Reject names nothing; what LCP opened with (RFC 1661 6.2, the offerer's last
			 * Configure-Request as acknowledged) is what the offerer gave in to: a weaker method, or none */
			int by = x->eap_rejected_by, offerer = !by;
			const pt_pppobs_auth *au = &x->ppp.auth[offerer];
			w = pt_audit_where(k, x->lcp_open_pkt, call_ts(k), by);
			if (au->proto)
				pt_report(sink, PT_R_AUDIT_EAP_DOWNGRADE, &w,
					  "call %d: the %s offered EAP; the %s Configure-Rejected the Authentication-Protocol option (packet %" PRIu64 ") and %s was negotiated instead",
					  k->idx + 1, side(offerer), side(by), x->eap_rej_pkt, auth_name(au->proto, au->alg));
			else
				pt_report(sink, PT_R_AUDIT_EAP_DOWNGRADE, &w,
					  "call %d: the %s offered EAP; the %s Configure-Rejected the Authentication-Protocol option (packet %" PRIu64 ") and LCP opened with no authentication",
					  k->idx + 1, side(offerer), side(by), x->eap_rej_pkt);
		}
	}
}

static void handshake_findings(const pt_audit *a, const pt_tunnel *t, const pt_sink *sink)
{
	for (size_t i = 0; i < a->nhs; i++) {
		const au_hs *h = &a->hs[i];
		const pt_call *k = call_at(t, h->call);
		pt_where w = pt_audit_where(k, h->pkt, k ? call_ts(k) : 0, PT_DIR_UNKNOWN);
		const char *u = pt_audit_user_name(a, h->user);
		if (h->kind == HS_V2)
			pt_report(sink, PT_R_AUDIT_MSCHAPV2_CAPTURED, &w,
				  "MS-CHAPv2 handshake of user \"%s\" captured (challenge, peer challenge, NT-Response): its NT hash can be searched for offline",
				  u);
		else
			pt_report(sink, PT_R_AUDIT_MSCHAPV1_LM, &w,
				  "MS-CHAPv1 response of user \"%s\" carries a LAN Manager response (not all zeros)", u);
	}
}

static void fmt_rate(char *buf, size_t cap, size_t n, int64_t span_us)
{
	if (span_us <= 0)
		snprintf(buf, cap, "all at once");
	else
		snprintf(buf, cap, "%.1f per minute", (double)(n - 1) * 60e6 / (double)span_us);
}

/* The largest number of failures of one key (a user, or an address) within the window: sliding over time order. */
static void guessing(const pt_audit *a, const pt_tunnel *t, const pt_sink *sink, int by_addr)
{
	size_t n = a->nfails, keys = 0;
	uint8_t *done;
	size_t *list;

	if (!n)
		return;
	done = calloc(n, 1);
	list = malloc(n * sizeof *list);
	if (!done || !list)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t cnt = 0, best = 0, best_lo = 0, best_hi = 0, lo = 0;
		if (done[i])
			continue;
		if (++keys > PT_AUDIT_MAX_KEYS)
			break; /* bounded work: the first users or addresses (in order of their first failure) */
		for (size_t j = i; j < n; j++) {
			int same = by_addr ? pt_addr_eq(&a->fails[j].from, &a->fails[i].from) : a->fails[j].user == a->fails[i].user;
			if (!same)
				continue;
			done[j] = 1;
			list[cnt++] = j;
		}
		for (size_t hi = 0; hi < cnt; hi++) {
			while (a->fails[list[hi]].ts_us - a->fails[list[lo]].ts_us > a->cfg.guess_window_us)
				lo++;
			if (hi - lo + 1 > best) {
				best = hi - lo + 1;
				best_lo = lo;
				best_hi = hi;
			}
		}
		if (best >= a->cfg.guess_failures) {
			const au_fail *f0 = &a->fails[list[best_lo]], *f1 = &a->fails[list[best_hi]];
			const pt_call *k = call_at(t, f0->call);
			pt_where w = pt_audit_where(k, f0->pkt, f0->ts_us, PT_DIR_UNKNOWN);
			char who[300], rate[40];
			int64_t span = f1->ts_us - f0->ts_us;
			if (by_addr) {
				char ad[64];
				pt_addr_fmt(&f0->from, 0, ad, sizeof ad);
				snprintf(who, sizeof who, "from %s", ad);
			} else {
				snprintf(who, sizeof who, "for user \"%s\"", pt_audit_user_name(a, f0->user));
			}
			fmt_rate(rate, sizeof rate, best, span);
			pt_report(sink, PT_R_AUDIT_AUTH_GUESSING, &w,
				  "%zu authentication failures %s within %.1f s (packets %" PRIu64 "-%" PRIu64 ", %s; %zu in the capture; threshold %u in %.0f s)",
				  best, who, (double)span / 1e6, f0->pkt, f1->pkt, rate, cnt, a->cfg.guess_failures,
				  (double)a->cfg.guess_window_us / 1e6);
		}
	}
out:
	free(list);
	free(done);
}

static const char *proto_name(uint8_t p, char *buf, size_t cap)
{
	switch (p) {
	case 1:
		return "ICMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 58:
		return "ICMPv6";
	}
	snprintf(buf, cap, "IP protocol %u", p);
	return buf;
}

static size_t add_server(pt_addr *srv, size_t ns, size_t cap, const pt_addr *a)
{
	for (size_t j = 0; j < ns; j++)
		if (pt_addr_eq(&srv[j], a))
			return ns;
	if (ns < cap)
		srv[ns++] = *a;
	return ns;
}

/* The white paper's PPTP filtering: a server that takes PPTP only answers on TCP 1723 and GRE. */
static void filtering(const pt_audit *a, const pt_tunnel *t, const pt_sink *sink)
{
	pt_addr srv[64];
	size_t ns = 0;

	if (!a->nflows)
		return;
	for (size_t i = 0; i < pt_tunnel_nconns(t) && ns < 64; i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		ns = add_server(srv, ns, 64, c->pns_is_cli ? &c->srv : &c->cli);
	}
	for (size_t i = 0; i < pt_tunnel_ncalls(t) && ns < 64; i++) {
		const pt_call *k = pt_tunnel_call(t, i);
		if (k->pac.family)
			ns = add_server(srv, ns, 64, &k->pac);
	}
	for (size_t s = 0; s < ns; s++) {
		char msg[PT_FINDING_MSG], ad[64];
		size_t len, shown = 0, nflows = 0;
		int answers = 0;
		uint64_t pkts = 0;
		const au_flow *first = NULL;
		pt_where w;
		pt_addr_fmt(&srv[s], 0, ad, sizeof ad);
		len = (size_t)snprintf(msg, sizeof msg, "server %s:", ad);
		for (size_t i = 0; i < a->nflows; i++) {
			const au_flow *f = &a->flows[i];
			char sa[64], da[64], pn[24];
			if (!pt_addr_eq(&f->src, &srv[s]) && !pt_addr_eq(&f->dst, &srv[s]))
				continue;
			nflows++;
			answers |= pt_addr_eq(&f->src, &srv[s]);
			pkts += f->packets;
			if (!first)
				first = f;
			if (shown < 3 && len < sizeof msg) {
				pt_addr_fmt(&f->src, f->proto == 6 || f->proto == 17, sa, sizeof sa);
				pt_addr_fmt(&f->dst, f->proto == 6 || f->proto == 17, da, sizeof da);
				len += (size_t)snprintf(msg + len, sizeof msg - len, "%s %s %s > %s (%" PRIu64 " packet%s)",
							shown ? "," : "", proto_name(f->proto, pn, sizeof pn), sa, da, f->packets,
							f->packets == 1 ? "" : "s");
				shown++;
			}
		}
		if (!first)
			continue;
		if (len < sizeof msg)
			snprintf(msg + len, sizeof msg - len, "%s; %zu flow%s, %" PRIu64 " packet%s besides TCP 1723 and GRE%s",
				 nflows > shown ? ", ..." : "", nflows, nflows == 1 ? "" : "s", pkts, pkts == 1 ? "" : "s",
				 answers ? ": the server answers on other ports" : "");
		memset(&w, 0, sizeof w);
		w.pkt = first->first_pkt;
		w.ts_us = first->first_ts;
		w.call = -1;
		w.dir = PT_DIR_UNKNOWN;
		pt_report(sink, PT_R_AUDIT_FILTER_OPEN, &w, "%s", msg);
	}
}

/* ---- the advice table: PT_ADVICE lines of lib/rules_audit.def ---- */

typedef struct advice_row {
	int rule;
	const char *advice;
} advice_row;

static const advice_row advice_table[] = {
#define PT_RULE(sym, id, sev, ref, text)
#define PT_ADVICE(sym, adv) { PT_R_##sym, adv },
#include "rules_audit.def"
#undef PT_ADVICE
#undef PT_RULE
};

const char *pt_audit_advice(int rule)
{
	for (size_t i = 0; i < sizeof advice_table / sizeof advice_table[0]; i++)
		if (advice_table[i].rule == rule)
			return advice_table[i].advice;
	return NULL;
}

void pt_audit_finish(const pt_audit *a, const pt_tunnel *t, const pt_sink *sink)
{
	if (!a || !t)
		return;
	call_findings(t, sink);
	handshake_findings(a, t, sink);
	guessing(a, t, sink, 0);
	guessing(a, t, sink, 1);
	filtering(a, t, sink);
}
