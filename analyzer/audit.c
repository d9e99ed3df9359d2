/* audit.c: pptp-analyze --audit: the security findings of a capture, grouped with their advice (issue 25; RFC 1334 2, RFC 2433, RFC 2759 10, RFC 3078, RFC 3079). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "json.h"
#include "ppp.h"
#include "tcpreasm.h" /* PT_TCP_PPTP_PORT */

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

const char *pa_audit_advice(int rule)
{
	for (size_t i = 0; i < sizeof advice_table / sizeof advice_table[0]; i++)
		if (advice_table[i].rule == rule)
			return advice_table[i].advice;
	return NULL;
}

/* ---- password policy ---- */

int pa_policy_parse(pa_policy *p, const char *spec)
{
	const char *s = spec;

	memset(p, 0, sizeof *p);
	snprintf(p->text, sizeof p->text, "%s", spec);
	while (*s) {
		char key[16];
		size_t kl = strcspn(s, "=,");
		char *end;
		unsigned long v;
		if (kl == 0 || kl >= sizeof key || s[kl] != '=')
			goto bad;
		memcpy(key, s, kl);
		key[kl] = 0;
		v = strtoul(s + kl + 1, &end, 10);
		if (end == s + kl + 1 || (*end && *end != ',') || v > 256)
			goto bad;
		if (strcmp(key, "min") == 0)
			p->min_len = (unsigned)v;
		else if (strcmp(key, "classes") == 0 && v <= 4)
			p->classes = (unsigned)v;
		else
			goto bad;
		s = *end ? end + 1 : end;
	}
	p->set = 1;
	return 0;
bad:
	fprintf(stderr, "pptp-analyze: --password-policy wants 'min=N,classes=N' (classes 0-4 of upper, lower, digit, other), not '%s'\n",
		spec);
	return -1;
}

int pa_policy_check(const pa_policy *p, const char *pw, size_t len)
{
	unsigned up = 0, lo = 0, dg = 0, ot = 0, chars = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pw[i];
		if ((c & 0xc0) != 0x80)
			chars++; /* UTF-8: count characters, not octets */
		if (c >= 'A' && c <= 'Z')
			up = 1;
		else if (c >= 'a' && c <= 'z')
			lo = 1;
		else if (c >= '0' && c <= '9')
			dg = 1;
		else
			ot = 1;
	}
	return chars >= p->min_len && up + lo + dg + ot >= p->classes;
}

/* ---- setup ---- */

int pa_audit_init(pa_audit *a, int on, const char *wordlist, const char *policy, unsigned guess_failures,
		  double guess_window_s, int show_keys)
{
	memset(a, 0, sizeof *a);
	a->on = on;
	a->wordlist = wordlist;
	a->show_keys = show_keys;
	a->guess_failures = guess_failures ? guess_failures : 5;
	a->guess_window_us = guess_window_s > 0 ? (int64_t)(guess_window_s * 1e6) : 300 * (int64_t)1000000;
	if (policy && pa_policy_parse(&a->policy, policy) != 0)
		return -1;
	return 0;
}

int pa_audit_active(const pa_audit *a)
{
	return a->on || a->wordlist || a->policy.set;
}

void pa_audit_free(pa_audit *a)
{
	if (a->hs) {
		explicit_bzero(a->hs, a->nhs * sizeof *a->hs);
		free(a->hs);
	}
	if (a->users) {
		explicit_bzero(a->users, a->nusers * sizeof *a->users);
		free(a->users);
	}
	free(a->fails);
	free(a->flows);
	memset(a, 0, sizeof *a);
}

/* ---- what the hooks collect ---- */

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

static int user_of(pa_audit *a, const uint8_t *raw, size_t len)
{
	if (len > sizeof a->users[0].raw)
		len = sizeof a->users[0].raw;
	for (size_t i = 0; i < a->nusers; i++)
		if (a->users[i].raw_len == len && memcmp(a->users[i].raw, raw, len) == 0)
			return (int)i;
	if (a->nusers >= PA_AUDIT_MAX_USERS)
		return -1;
	if (!a->users && !(a->users = calloc(PA_AUDIT_MAX_USERS, sizeof *a->users)))
		return -1;
	{
		pa_user *u = &a->users[a->nusers];
		memcpy(u->raw, raw, len);
		u->raw_len = (uint16_t)len;
		printable(raw, len, u->name, sizeof u->name);
	}
	return (int)a->nusers++;
}

static pa_hs *new_hs(pa_audit *a)
{
	if (a->nhs >= PA_AUDIT_MAX_HS) {
		a->hs_dropped++;
		return NULL;
	}
	if (!a->hs && !(a->hs = calloc(PA_AUDIT_MAX_HS, sizeof *a->hs)))
		return NULL;
	return &a->hs[a->nhs];
}

static void add_fail(pa_audit *a, const pt_where *at, const pt_call *k, int authr)
{
	const struct pt_call_ext *x = k->ext;
	pa_fail *f;

	if (a->nfails >= PA_AUDIT_MAX_FAILS) {
		a->fails_dropped++;
		return;
	}
	if (!a->fails && !(a->fails = calloc(PA_AUDIT_MAX_FAILS, sizeof *a->fails)))
		return;
	f = &a->fails[a->nfails++];
	f->ts_us = at->ts_us;
	f->pkt = at->pkt;
	f->call = k->idx;
	f->user = user_of(a, x->user_raw[authr], x->user_len[authr]);
	f->from = authr == PT_DIR_PAC ? k->pns : k->pac; /* the authenticatee */
}

void pa_audit_on_auth(pa_audit *a, const pt_where *at, const pt_call *k, int authr, const pt_auth_msg *m)
{
	const struct pt_call_ext *x = k->ext;
	const pt_pppobs_auth *au;
	pa_hs *h;

	if (!x || (authr != PT_DIR_PNS && authr != PT_DIR_PAC))
		return;
	au = &x->ppp.auth[authr];
	if ((m->proto == PT_PPP_PAP && m->code == PT_PAP_AUTH_NAK) ||
	    (m->proto == PT_PPP_CHAP && m->code == PT_CHAP_FAILURE)) {
		add_fail(a, at, k, authr);
		return;
	}
	if (m->proto == PT_PPP_PAP && m->code == PT_PAP_AUTH_REQ) {
		size_t n = pt_left(&m->password);
		if (!(h = new_hs(a)))
			return;
		memset(h, 0, sizeof *h);
		h->method = PA_HS_PAP;
		if (n > sizeof h->pap_pw)
			n = sizeof h->pap_pw;
		memcpy(h->pap_pw, m->password.p, n);
		h->pap_len = (uint16_t)n;
		h->user = user_of(a, m->peer_id.p, pt_left(&m->peer_id));
	} else if (m->proto == PT_PPP_CHAP && m->code == PT_CHAP_RESPONSE && au->chal_valid) {
		if (!(h = new_hs(a)))
			return;
		memset(h, 0, sizeof *h);
		h->id = m->id;
		h->chal_len = au->chal_len > sizeof h->chal ? (uint8_t)sizeof h->chal : au->chal_len;
		memcpy(h->chal, au->chal, h->chal_len);
		if (au->alg == PT_CHAP_ALG_MD5 && pt_left(&m->value) == 16) {
			h->method = PA_HS_MD5;
			memcpy(h->md5, m->value.p, 16);
		} else if (au->alg == PT_CHAP_ALG_MSCHAPV1 && m->ms_valid && m->nt_resp && h->chal_len == 8) {
			static const uint8_t zero[24];
			h->method = PA_HS_MSCHAPV1;
			memcpy(h->nt_resp, m->nt_resp, 24);
			if (m->lm_resp && memcmp(m->lm_resp, zero, 24) != 0) {
				memcpy(h->lm_resp, m->lm_resp, 24);
				h->has_lm = 1;
			}
		} else if (au->alg == PT_CHAP_ALG_MSCHAPV2 && m->ms_valid && m->nt_resp && m->peer_chal && h->chal_len == 16) {
			const char *nm = (const char *)m->name.p;
			h->method = PA_HS_MSCHAPV2;
			memcpy(h->nt_resp, m->nt_resp, 24);
			if (pt_mschap2_challenge_hash(m->peer_chal, h->chal, nm, pt_left(&m->name), PT_MSCHAP_USER_STRIP_DOMAIN,
						      h->v2hash[0]) != PT_OK ||
			    pt_mschap2_challenge_hash(m->peer_chal, h->chal, nm, pt_left(&m->name), PT_MSCHAP_USER_AS_SENT,
						      h->v2hash[1]) != PT_OK)
				return;
		} else {
			return;
		}
		h->user = user_of(a, m->name.p, pt_left(&m->name));
	} else {
		return;
	}
	if (h->user < 0)
		return;
	h->call = k->idx;
	h->pkt = at->pkt;
	a->users[h->user].nhs++;
	a->nhs++;
}

static int flow_is(const pa_flow *f, const pt_addr *s, const pt_addr *d, uint8_t proto)
{
	return f->proto == proto && f->src.port == s->port && f->dst.port == d->port && pt_addr_eq(&f->src, s) &&
	       pt_addr_eq(&f->dst, d);
}

static pa_flow *flow_find(pa_audit *a, const pt_addr *s, const pt_addr *d, uint8_t proto)
{
	if (a->nflows && a->flow_last < a->nflows && flow_is(&a->flows[a->flow_last], s, d, proto))
		return &a->flows[a->flow_last]; /* a flow's packets come in runs */
	for (size_t i = a->nflows; i-- > 0;) {
		pa_flow *f = &a->flows[i];
		if (flow_is(f, s, d, proto)) {
			a->flow_last = i;
			return f;
		}
	}
	return NULL;
}

/*
 * An ICMP error about a PPTP packet (RFC 792 / RFC 4443: it quotes the offending IP header and the first octets
 * after it): "protocol 47 unreachable", or a TCP 1723 port unreachable, belongs to the tunnel, not to other traffic.
 */
static int icmp_about_pptp(const pt_ip *ip)
{
	pt_cursor c = pt_cur(ip->payload, ip->payload_len);
	uint8_t type = 0, b = 0, proto = 0;
	uint16_t p1 = 0, p2 = 0;
	size_t off = 8;

	if (pt_peek_u8(&c, 0, &type) != PT_OK)
		return 0;
	if (ip->proto == 1 && (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)) {
		if (pt_peek_u8(&c, off, &b) != PT_OK || (b >> 4) != 4 || pt_peek_u8(&c, off + 9, &proto) != PT_OK)
			return 0;
		off += (size_t)(b & 15) * 4;
	} else if (ip->proto == 58 && type >= 1 && type <= 4) {
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

void pa_audit_other(pa_audit *a, const pt_ip *ip, uint16_t sport, uint16_t dport, const pt_where *at)
{
	pt_addr s, d;
	pa_flow *f;

	if (!a->on)
		return;
	if ((ip->proto == 1 || ip->proto == 58) && icmp_about_pptp(ip))
		return;
	memset(&s, 0, sizeof s);
	memset(&d, 0, sizeof d);
	s.family = d.family = (uint8_t)ip->version;
	if (ip->version == 6) {
		memcpy(s.a, ip->src, 16);
		memcpy(d.a, ip->dst, 16);
	} else {
		memcpy(s.a, ip->src + 12, 4);
		memcpy(d.a, ip->dst + 12, 4);
	}
	s.port = sport;
	d.port = dport;
	if ((f = flow_find(a, &s, &d, ip->proto))) {
		f->packets++;
		return;
	}
	if (a->nflows >= PA_AUDIT_MAX_FLOWS) {
		a->flows_dropped++;
		return;
	}
	if (!a->flows && !(a->flows = calloc(PA_AUDIT_MAX_FLOWS, sizeof *a->flows)))
		return;
	f = &a->flows[a->nflows++];
	f->src = s;
	f->dst = d;
	f->proto = ip->proto;
	f->packets = 1;
	f->first_pkt = at->pkt;
	f->first_ts = at->ts_us;
}

/* ---- findings at the end ---- */

static pt_where where_call(const pt_call *k, uint64_t pkt, int64_t ts, int dir)
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

static const char *method_name(int m)
{
	switch (m) {
	case PA_HS_PAP:
		return "PAP";
	case PA_HS_MD5:
		return "CHAP-MD5";
	case PA_HS_MSCHAPV1:
		return "MS-CHAPv1";
	case PA_HS_MSCHAPV2:
		return "MS-CHAPv2";
	}
	return "?";
}

static const char *lcp_auth_name(uint16_t proto, uint8_t alg)
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

static int64_t pkt_ts(const pt_tunnel *t, const pt_call *k)
{
	(void)t;
	return k->d[0].t_first ? k->d[0].t_first : k->d[1].t_first;
}

static void call_findings(const pa_audit *a, const pt_tunnel *t, const pt_sink *sink)
{
	(void)a;
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
			w = where_call(k, x->ipcp_open_pkt ? x->ipcp_open_pkt : x->lcp_open_pkt, pkt_ts(t, k), PT_DIR_UNKNOWN);
			pt_report(sink, PT_R_AUDIT_ENCRYPTION_NONE, &w,
				  "call %d: no MPPE negotiated; %" PRIu64 " inner IP packets crossed the wire in clear", k->idx + 1,
				  data);
		}
		/* RFC 1661 6.2: a Nak of the Authentication-Protocol option names the protocol the peer wants instead */
		if (x->eap_naked_by >= 0 && x->eap_nak_proto != PT_PPP_EAP) {
			int by = x->eap_naked_by;
			w = where_call(k, x->lcp_open_pkt ? x->lcp_open_pkt : k->d[by].first_pkt, pkt_ts(t, k), by);
			pt_report(sink, PT_R_AUDIT_EAP_DOWNGRADE, &w,
				  "call %d: the %s offered EAP; the %s refused it and asked for %s instead", k->idx + 1,
				  by == PT_DIR_PNS ? "PAC" : "PNS", by == PT_DIR_PNS ? "PNS" : "PAC",
				  lcp_auth_name(x->eap_nak_proto, x->eap_nak_alg));
		}
	}
}

static void handshake_findings(const pa_audit *a, const pt_tunnel *t, const pt_sink *sink)
{
	for (size_t i = 0; i < a->nhs; i++) {
		const pa_hs *h = &a->hs[i];
		const pt_call *k = h->call >= 0 && (size_t)h->call < pt_tunnel_ncalls(t) ? pt_tunnel_call(t, (size_t)h->call) : NULL;
		pt_where w = where_call(k, h->pkt, k ? pkt_ts(t, k) : 0, PT_DIR_UNKNOWN);
		const char *u = a->users[h->user].name;
		if (h->method == PA_HS_MSCHAPV2)
			pt_report(sink, PT_R_AUDIT_MSCHAPV2_CAPTURED, &w,
				  "MS-CHAPv2 handshake of user \"%s\" captured (challenge, peer challenge, NT-Response): its NT hash can be searched for offline",
				  u);
		else if (h->method == PA_HS_MSCHAPV1 && h->has_lm)
			pt_report(sink, PT_R_AUDIT_MSCHAPV1_LM, &w,
				  "MS-CHAPv1 response of user \"%s\" carries a LAN Manager response (not all zeros)", u);
	}
}

static void fmt_rate(char *buf, size_t cap, unsigned n, int64_t span_us)
{
	if (span_us <= 0)
		snprintf(buf, cap, "all at once");
	else
		snprintf(buf, cap, "%.1f per minute", (double)(n - 1) * 60e6 / (double)span_us);
}

/* The largest number of failures of one key (a user, or an address) within the window: sliding over time order. */
static void guessing(const pa_audit *a, const pt_tunnel *t, const pt_sink *sink, int by_addr)
{
	size_t n = a->nfails;
	uint8_t *done = n ? calloc(n, 1) : NULL;
	size_t keys = 0;

	if (n && !done)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t cnt = 0, best = 0, best_lo = 0, best_hi = 0, lo = 0, total = 0;
		size_t *list;
		if (done[i])
			continue;
		if (++keys > 4096)
			break; /* bounded work: the first 4096 users or addresses (in order of their first failure) */
		list = malloc(n * sizeof *list);
		if (!list)
			break;
		for (size_t j = i; j < n; j++) {
			int same = by_addr ? pt_addr_eq(&a->fails[j].from, &a->fails[i].from) : a->fails[j].user == a->fails[i].user;
			if (!same)
				continue;
			done[j] = 1;
			list[cnt++] = j;
		}
		total = cnt;
		for (size_t hi = 0; hi < cnt; hi++) {
			while (a->fails[list[hi]].ts_us - a->fails[list[lo]].ts_us > a->guess_window_us)
				lo++;
			if (hi - lo + 1 > best) {
				best = hi - lo + 1;
				best_lo = lo;
				best_hi = hi;
			}
		}
		if (best >= a->guess_failures) {
			const pa_fail *f0 = &a->fails[list[best_lo]], *f1 = &a->fails[list[best_hi]];
			const pt_call *k = f0->call >= 0 && (size_t)f0->call < pt_tunnel_ncalls(t) ? pt_tunnel_call(t, (size_t)f0->call)
												     : NULL;
			pt_where w = where_call(k, f0->pkt, f0->ts_us, PT_DIR_UNKNOWN);
			char who[300], rate[40];
			int64_t span = f1->ts_us - f0->ts_us;
			if (by_addr) {
				char ad[64];
				pt_addr_fmt(&f0->from, 0, ad, sizeof ad);
				snprintf(who, sizeof who, "from %s", ad);
			} else {
				snprintf(who, sizeof who, "for user \"%s\"", f0->user >= 0 ? a->users[f0->user].name : "?");
			}
			fmt_rate(rate, sizeof rate, (unsigned)best, span);
			pt_report(sink, PT_R_AUDIT_AUTH_GUESSING, &w,
				  "%zu authentication failures %s within %.1f s (packets %" PRIu64 "-%" PRIu64 ", %s; %zu in the capture; threshold %u in %.0f s)",
				  best, who, (double)span / 1e6, f0->pkt, f1->pkt, rate, total, a->guess_failures,
				  (double)a->guess_window_us / 1e6);
		}
		free(list);
	}
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

/* The white paper's PPTP filtering: a server that takes PPTP only answers on TCP 1723 and GRE. */
static void filtering(const pa_audit *a, const pt_tunnel *t, const pt_sink *sink)
{
	pt_addr srv[64];
	size_t ns = 0;

	for (size_t i = 0; i < pt_tunnel_nconns(t) && ns < 64; i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		const pt_addr *pac = c->pns_is_cli ? &c->srv : &c->cli;
		size_t j;
		for (j = 0; j < ns; j++)
			if (pt_addr_eq(&srv[j], pac))
				break;
		if (j == ns)
			srv[ns++] = *pac;
	}
	for (size_t i = 0; i < pt_tunnel_ncalls(t) && ns < 64; i++) {
		const pt_call *k = pt_tunnel_call(t, i);
		size_t j;
		if (!k->pac.family)
			continue;
		for (j = 0; j < ns; j++)
			if (pt_addr_eq(&srv[j], &k->pac))
				break;
		if (j == ns)
			srv[ns++] = k->pac;
	}
	for (size_t s = 0; s < ns; s++) {
		char msg[PT_FINDING_MSG], ad[64];
		size_t len, shown = 0, nflows = 0;
		int answers = 0;
		uint64_t pkts = 0;
		const pa_flow *first = NULL;
		pt_where w;
		pt_addr_fmt(&srv[s], 0, ad, sizeof ad);
		len = (size_t)snprintf(msg, sizeof msg, "server %s:", ad);
		for (size_t i = 0; i < a->nflows; i++) {
			const pa_flow *f = &a->flows[i];
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

static int user_hs(const pa_audit *a, int u)
{
	for (size_t i = 0; i < a->nhs; i++)
		if (a->hs[i].user == u)
			return (int)i;
	return -1;
}

int pa_audit_finish(pa_audit *a, const pt_tunnel *t, const pt_cred *creds, size_t ncreds, const pt_sink *sink,
		    const pt_where *end)
{
	int rc = 0;

	if (a->on) {
		call_findings(a, t, sink);
		handshake_findings(a, t, sink);
		guessing(a, t, sink, 0);
		guessing(a, t, sink, 1);
		filtering(a, t, sink);
	}
	if (a->wordlist) {
		if (pa_wordlist_run(a) != 0) {
			fprintf(stderr, "pptp-analyze: %s\n", a->wl_error);
			rc = 2;
		}
		for (size_t u = 0; u < a->nusers; u++) {
			pa_user *us = &a->users[u];
			int hi = user_hs(a, (int)u);
			const pa_hs *h = hi >= 0 ? &a->hs[hi] : NULL;
			const pt_call *k = h && h->call >= 0 && (size_t)h->call < pt_tunnel_ncalls(t) ? pt_tunnel_call(t, (size_t)h->call) : NULL;
			pt_where w = where_call(k, h ? h->pkt : end->pkt, k ? pkt_ts(t, k) : end->ts_us, PT_DIR_UNKNOWN);
			if (!us->found_line)
				continue;
			if (a->show_keys)
				pt_report(sink, PT_R_AUDIT_WORDLIST_FOUND, &w,
					  "password of user \"%s\" found at line %" PRIu64 " of the wordlist (%s%s): \"%s\"", us->name,
					  us->found_line, h ? method_name(h->method) : "?", us->lm_only ? ", LAN Manager response: case unknown" : "",
					  us->shown);
			else
				pt_report(sink, PT_R_AUDIT_WORDLIST_FOUND, &w,
					  "password of user \"%s\" found at line %" PRIu64 " of the wordlist (%s%s)", us->name,
					  us->found_line, h ? method_name(h->method) : "?", us->lm_only ? ", LAN Manager response: case unknown" : "");
			if (a->policy.set && us->policy_checked && !us->policy_ok)
				pt_report(sink, PT_R_AUDIT_PASSWORD_POLICY, &w,
					  "the recovered password of user \"%s\" does not meet the policy %s", us->name, a->policy.text);
		}
	}
	if (a->policy.set) {
		for (size_t i = 0; i < ncreds && a->nknown < sizeof a->known / sizeof a->known[0]; i++) {
			const pt_cred *c = &creds[i];
			pt_where w = *end;
			if (!c->has_password)
				continue;
			snprintf(a->known[a->nknown].user, sizeof a->known[0].user, "%s", c->user[0] ? c->user : "(any user)");
			a->known[a->nknown].ok = (uint8_t)pa_policy_check(&a->policy, c->password, strlen(c->password));
			w.call = -1;
			w.conn = 0;
			w.dir = PT_DIR_UNKNOWN;
			if (!a->known[a->nknown].ok)
				pt_report(sink, PT_R_AUDIT_PASSWORD_POLICY, &w, "the password given for %s%s%s does not meet the policy %s",
					  c->user[0] ? "user \"" : "", a->known[a->nknown].user, c->user[0] ? "\"" : "", a->policy.text);
			a->nknown++;
		}
	}
	return rc;
}

/* ---- the Security section ---- */

typedef struct group {
	int rule;
	uint64_t count;
} group;

static size_t groups_of(const pa_findings *fs, group *g, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++) {
		int r = fs->v[i].rule;
		size_t j;
		if (!pa_audit_advice(r))
			continue;
		for (j = 0; j < n; j++)
			if (g[j].rule == r)
				break;
		if (j == n) {
			if (n == cap)
				continue;
			g[n].rule = r;
			g[n++].count = 0;
		}
		g[j].count++;
	}
	/* most severe first, then catalog order */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			const pt_rule *x = pt_rule_get(g[j - 1].rule), *y = pt_rule_get(g[j].rule);
			if (x->sev > y->sev || (x->sev == y->sev && g[j - 1].rule < g[j].rule))
				break;
			group tmp = g[j - 1];
			g[j - 1] = g[j];
			g[j] = tmp;
		}
	return n;
}

void pa_audit_text(FILE *f, const pa_audit *a, const pa_findings *fs)
{
	group g[64];
	size_t n;

	if (!pa_audit_active(a))
		return;
	n = groups_of(fs, g, 64);
	fputs("\nSecurity\n", f);
	if (!n && a->on)
		fputs("  no weakness found in what the capture holds\n", f);
	for (size_t i = 0; i < n; i++) {
		const pt_rule *r = pt_rule_get(g[i].rule);
		fprintf(f, "  %s %s (%" PRIu64 "x): %s\n", pt_sev_name(r->sev), r->id, g[i].count, r->text);
		fprintf(f, "    advice: %s\n", pa_audit_advice(g[i].rule));
	}
	if (a->wordlist) {
		size_t found = 0;
		for (size_t u = 0; u < a->nusers; u++)
			found += a->users[u].found_line != 0;
		fprintf(f, "  wordlist: %" PRIu64 " words tried in %.2f s against %zu handshake%s of %zu user%s; %zu found\n",
			a->wl_words, a->wl_seconds, a->nhs, a->nhs == 1 ? "" : "s", a->nusers, a->nusers == 1 ? "" : "s", found);
		for (size_t u = 0; u < a->nusers; u++) {
			const pa_user *us = &a->users[u];
			if (!us->nhs)
				continue;
			if (us->found_line)
				fprintf(f, "    user \"%s\": found at line %" PRIu64 "%s%s%s%s\n", us->name, us->found_line,
					a->show_keys ? ": \"" : "", a->show_keys ? us->shown : "", a->show_keys ? "\"" : "",
					us->lm_only ? " (LAN Manager response: case unknown)" : "");
			else
				fprintf(f, "    user \"%s\": not in the list\n", us->name);
			if (us->found_line && a->policy.set)
				fprintf(f, "      password policy %s: %s\n", a->policy.text, us->policy_ok ? "meets it" : "does not meet it");
		}
	}
	for (size_t i = 0; i < a->nknown; i++)
		fprintf(f, "  password policy %s: the password given for %s %s\n", a->policy.text, a->known[i].user,
			a->known[i].ok ? "meets it" : "does not meet it");
	if (a->policy.set && !a->nknown && !a->wordlist)
		fprintf(f, "  password policy %s: no known password to check (give one, or --wordlist)\n", a->policy.text);
}

void pa_audit_json(FILE *f, const pa_audit *a, const pa_findings *fs)
{
	group g[64];
	size_t n;
	pa_json j;

	if (!pa_audit_active(a))
		return;
	n = groups_of(fs, g, 64);
	for (size_t i = 0; i < n; i++) {
		const pt_rule *r = pt_rule_get(g[i].rule);
		pa_json_begin(&j, f, "security");
		pa_json_str(&j, "kind", "rule");
		pa_json_str(&j, "rule", r->id);
		pa_json_str(&j, "severity", pt_sev_name(r->sev));
		pa_json_str(&j, "ref", r->ref);
		pa_json_uint(&j, "count", g[i].count);
		pa_json_str(&j, "text", r->text);
		pa_json_str(&j, "advice", pa_audit_advice(g[i].rule));
		pa_json_end(&j);
	}
	if (a->wordlist) {
		size_t found = 0;
		for (size_t u = 0; u < a->nusers; u++)
			found += a->users[u].found_line != 0;
		pa_json_begin(&j, f, "security");
		pa_json_str(&j, "kind", "wordlist");
		pa_json_uint(&j, "words", a->wl_words);
		{
			char sec[32];
			snprintf(sec, sizeof sec, "%.3f", a->wl_seconds);
			pa_json_raw(&j, "seconds", sec);
		}
		pa_json_uint(&j, "handshakes", a->nhs);
		pa_json_uint(&j, "users", a->nusers);
		pa_json_uint(&j, "users_found", found);
		pa_json_end(&j);
		for (size_t u = 0; u < a->nusers; u++) {
			const pa_user *us = &a->users[u];
			if (!us->nhs)
				continue;
			pa_json_begin(&j, f, "security");
			pa_json_str(&j, "kind", "user");
			pa_json_strn(&j, "user", us->raw, us->raw_len);
			pa_json_bool(&j, "found", us->found_line != 0);
			if (us->found_line)
				pa_json_uint(&j, "line", us->found_line);
			if (us->found_line && a->show_keys)
				pa_json_str(&j, "password", us->shown);
			if (us->found_line && a->policy.set)
				pa_json_bool(&j, "policy_ok", us->policy_ok);
			pa_json_end(&j);
		}
	}
	for (size_t i = 0; i < a->nknown; i++) {
		pa_json_begin(&j, f, "security");
		pa_json_str(&j, "kind", "policy");
		pa_json_str(&j, "user", a->known[i].user);
		pa_json_str(&j, "policy", a->policy.text);
		pa_json_bool(&j, "policy_ok", a->known[i].ok);
		pa_json_end(&j);
	}
}
