/* report.c: the text report, JSON Lines and verdict lines of pptp-analyze (presentation only: the model is lib/). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "fmt.h"
#include "json.h"
#include "report.h"
#include "verdict.h"

void pa_fmt_reltime(int64_t ts, int64_t t0, char *buf, size_t cap)
{
	int64_t d = ts - t0;
	if (d < 0)
		snprintf(buf, cap, "-%" PRId64 ".%06" PRId64, -d / 1000000, -d % 1000000);
	else
		snprintf(buf, cap, "%" PRId64 ".%06" PRId64, d / 1000000, d % 1000000);
}

static const char *role(int d)
{
	return d == PT_DIR_PNS ? "PNS" : d == PT_DIR_PAC ? "PAC" : "-";
}

static const char *auth_method(const pt_pppobs_auth *au)
{
	if (au->proto == PT_PPP_PAP)
		return "PAP";
	if (au->proto == PT_PPP_CHAP)
		return au->alg == PT_CHAP_ALG_MD5 ? "CHAP-MD5" : au->alg == PT_CHAP_ALG_MSCHAPV1 ? "MS-CHAPv1"
						  : au->alg == PT_CHAP_ALG_MSCHAPV2 ? "MS-CHAPv2" : "CHAP";
	return au->proto ? "other" : "none";
}

static const char *auth_state(int s)
{
	switch (s) {
	case PT_PPPOBS_AUTH_PENDING:
		return "no result";
	case PT_PPPOBS_AUTH_SUCCESS:
		return "success";
	case PT_PPPOBS_AUTH_FAILURE:
		return "failure";
	default:
		return "none";
	}
}

static void mppe_desc(const struct pt_call_ext *x, char *buf, size_t cap)
{
	if (!x->ccp_open && x->ppp.midsession) {
		/* negotiated before the capture: only what the frames show (RFC 3078 3.1 header bits) */
		uint64_t dn = x->mppe_d_frames[0] + x->mppe_d_frames[1], an = x->mppe_a_frames[0] + x->mppe_a_frames[1];
		if (dn)
			snprintf(buf, cap, "MPPE, negotiated before the capture (%s, key length unknown): keys unknown",
				 an == dn ? "stateless" : "stateful");
		else
			snprintf(buf, cap, "none seen (negotiated before the capture)");
		return;
	}
	if (!x->ccp_open) {
		snprintf(buf, cap, "%s", (x->mppe_wanted[0] || x->mppe_wanted[1]) ? "asked for, never negotiated" : "none");
		return;
	}
	if (!x->key_bits)
		snprintf(buf, cap, "CCP open without MPPE (bits 0x%08x)", x->mppe_bits);
	else
		snprintf(buf, cap, "MPPE-%d %s%s (bits 0x%08x)", x->key_bits, x->stateless ? "stateless" : "stateful",
			 x->mppc ? " + MPPC" : "", x->mppe_bits);
}

/* Each verdict of the capture: calls in order, then connections without calls. */
static void each_verdict(const pt_tunnel *t, void (*fn)(void *, const pt_verdict *), void *arg)
{
	pt_verdict v;

	for (size_t i = 0; i < pt_tunnel_nconns(t); i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		for (size_t j = 0; j < pt_tunnel_ncalls(t); j++) {
			const pt_call *k = pt_tunnel_call(t, j);
			if (k->conn != c->idx)
				continue;
			pt_verdict_call(t, k, &v);
			fn(arg, &v);
		}
		if (pt_verdict_conn(t, c, &v))
			fn(arg, &v);
	}
	for (size_t j = 0; j < pt_tunnel_ncalls(t); j++) {
		const pt_call *k = pt_tunnel_call(t, j);
		if (k->conn)
			continue;
		pt_verdict_call(t, k, &v);
		fn(arg, &v);
	}
}

typedef struct vctx {
	FILE *f;
	int evidence;
	int indent;
} vctx;

static void verdict_line(void *arg, const pt_verdict *v)
{
	vctx *vc = arg;
	FILE *f = vc->f;

	if (v->call >= 0)
		fprintf(f, "%*scall %d", vc->indent, "", v->call + 1);
	else
		fprintf(f, "%*sconnection %u", vc->indent, "", v->conn);
	fprintf(f, " [%s] %s\n", pt_vs_name_or(pt_verdict_code_vs, (uint32_t)v->code, "?"), v->text);
	if (!vc->evidence)
		return;
	if (v->nevidence || v->nrules) {
		fprintf(f, "%*s  evidence:", vc->indent, "");
		for (size_t i = 0; i < v->nevidence; i++)
			fprintf(f, "%s packet %" PRIu64, i ? "," : "", v->evidence[i]);
		for (size_t i = 0; i < v->nrules; i++)
			fprintf(f, "%s %s", i || v->nevidence ? "," : "", pt_rule_get(v->rules[i])->id);
		fputc('\n', f);
	}
	if (v->advice[0])
		fprintf(f, "%*s  advice: %s\n", vc->indent, "", v->advice);
	if (v->teardown[0])
		fprintf(f, "%*s  ended: %s\n", vc->indent, "", v->teardown);
}

void pa_report_verdicts(FILE *f, const pt_tunnel *t, const pa_findings *fs, int with_evidence)
{
	vctx vc = { f, with_evidence, with_evidence ? 2 : 0 };
	(void)fs;
	each_verdict(t, verdict_line, &vc);
}

static void finding_line(FILE *f, const pt_finding *x, int64_t t0, const char *indent)
{
	const pt_rule *r = pt_rule_get(x->rule);
	char ts[40];

	pa_fmt_reltime(x->at.ts_us, t0, ts, sizeof ts);
	fprintf(f, "%s%-7s %-34s packet %" PRIu64 " at %s", indent, pt_sev_name(r->sev), r->id, x->at.pkt, ts);
	if (x->at.dir == PT_DIR_PNS || x->at.dir == PT_DIR_PAC)
		fprintf(f, " from %s", role(x->at.dir));
	fprintf(f, ": %s\n", x->msg);
}

static void findings_for(FILE *f, const pa_findings *fs, uint32_t conn, int32_t call, int64_t t0, const char *indent)
{
	size_t shown = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const pt_finding *x = &fs->v[i];
		/* a call's findings by the call alone: a call first seen in GRE may be given to its connection later */
		if (call >= 0 ? x->at.call != call : (x->at.conn != conn || x->at.call >= 0))
			continue;
		finding_line(f, x, t0, indent);
		shown++;
	}
	/* repetitions beyond the per-rule limit */
	for (size_t i = 0; i < fs->capreps; i++) {
		const pa_rep *r = &fs->reps[i];
		if (r->count && (call >= 0 ? r->call == call : r->conn == conn && r->call < 0) && fs->max_per_rule &&
		    r->count > (uint32_t)fs->max_per_rule)
			fprintf(f, "%s        ... and %u more %s\n", indent, r->count - (uint32_t)fs->max_per_rule,
				pt_rule_get(r->rule)->id);
	}
	(void)shown;
}

static void gre_line(FILE *f, const char *label, const pt_gre_flow *g)
{
	fprintf(f, "      GRE %s  %" PRIu64 " packets (%" PRIu64 " with data, %" PRIu64 " ack-only), %" PRIu64
		   " payload bytes, lost %" PRIu64 ", reordered %" PRIu64 ", duplicates %" PRIu64 "\n",
		label, g->packets, g->payload_pkts, g->ack_only, g->bytes, g->lost, g->reordered, g->duplicates);
}

/* RFC 2637 2.15: the ACCMs PPP agreed, as Set-Link-Info passed them on (the control FSM's copy, else the one the
 * call kept when it was linked by its Set-Link-Info alone); 0 when no Set-Link-Info carried them */
static int sli_accm(const pt_tunnel *t, const pt_call *k, uint32_t *send, uint32_t *recv)
{
	const pt_conn *c = NULL;
	const pt_ctrl_call *fc = NULL;

	for (size_t i = 0; k->conn && i < pt_tunnel_nconns(t); i++)
		if (pt_tunnel_conn(t, i)->idx == k->conn)
			c = pt_tunnel_conn(t, i);
	if (c && k->fsm_call >= 0)
		fc = pt_ctrl_conn_call(&c->fsm, k->fsm_call);
	if (fc && fc->has_accm) {
		*send = fc->send_accm;
		*recv = fc->recv_accm;
		return 1;
	}
	if (k->has_sli) {
		*send = k->sli_send_accm;
		*recv = k->sli_recv_accm;
		return 1;
	}
	return 0;
}

static void call_text(FILE *f, const pt_tunnel *t, const pt_call *k, const pa_findings *fs, int64_t t0)
{
	const struct pt_call_ext *x = k->ext;
	const pt_pppobs *o = &x->ppp;
	char a[64], b[64], ts[40], te[40], m[96];

	fprintf(f, "  Call %d:", k->idx + 1);
	if (k->has_pns_id)
		fprintf(f, " PNS Call ID %u", k->pns_call_id);
	if (k->has_pac_id)
		fprintf(f, "%s PAC Call ID %u", k->has_pns_id ? "," : "", k->pac_call_id);
	if (!k->conn) {
		pt_addr_fmt(&k->pns, 0, a, sizeof a);
		pt_addr_fmt(&k->pac, 0, b, sizeof b);
		fprintf(f, " (GRE %s <> %s, no control connection in the capture)", a, b);
	}
	fputc('\n', f);
	if (k->up) {
		pa_fmt_reltime(k->t_up, t0, ts, sizeof ts);
		fprintf(f, "    up         packet %" PRIu64 " at %s", k->up_pkt, ts);
		if (k->down) {
			pa_fmt_reltime(k->t_down, t0, te, sizeof te);
			fprintf(f, ", down packet %" PRIu64 " at %s", k->down_pkt, te);
		}
		fputc('\n', f);
	} else if (k->up_inferred) {
		if (x->ppp.midsession || !k->d[0].ppp_frames || !k->d[1].ppp_frames)
			fprintf(f, "    up         before the capture started (not seen on the control channel)\n");
		else
			fprintf(f, "    up         PPP both ways (the control messages that connected it are not in the capture)\n");
	} else if (k->conn) {
		fprintf(f, "    not connected%s\n", k->down ? " (refused)" : "");
	}
	gre_line(f, "PNS>PAC", &k->gre[PT_DIR_PNS]);
	gre_line(f, "PAC>PNS", &k->gre[PT_DIR_PAC]);
	{
		uint32_t sa, ra;
		if (sli_accm(t, k, &sa, &ra))
			fprintf(f, "    link info  Set-Link-Info: send ACCM 0x%08x, receive ACCM 0x%08x\n", sa, ra);
	}
	fprintf(f, "    LCP        %s", o->cp[PT_CPK_LCP].ever_opened ? "opened"
					 : pt_pppobs_lcp_assumed(o) ? "negotiated before the capture started (not in it)"
					 : "not opened");
	if (o->cp[PT_CPK_LCP].ever_opened)
		fprintf(f, "; MRU PNS %u, PAC %u", o->lcp[PT_DIR_PNS].mru, o->lcp[PT_DIR_PAC].mru);
	fputc('\n', f);
	for (int d = 0; d < 2; d++) {
		/* RFC 1570 2.3 LCP Callback, and Microsoft's CBCP that carries it out */
		if (!x->callback_op[d] && !x->cbcp_frames[d])
			continue;
		fprintf(f, "    callback   the %s", role(d));
		if (x->callback_op[d])
			fprintf(f, " asked for LCP Callback (operation %u)", x->callback_op[d] - 1u);
		if (x->cbcp_frames[d])
			fprintf(f, "%s sent %" PRIu64 " CBCP frame%s", x->callback_op[d] ? " and" : "", x->cbcp_frames[d],
				x->cbcp_frames[d] == 1 ? "" : "s");
		fputc('\n', f);
	}
	if (x->eap_naked_by >= 0) {
		pt_pppobs_auth asked;
		memset(&asked, 0, sizeof asked);
		asked.proto = x->eap_nak_proto;
		asked.alg = x->eap_nak_alg;
		fprintf(f, "    auth offer the %s offered EAP; the %s Nak'd it and asked for %s\n", role(!x->eap_naked_by),
			role(x->eap_naked_by), auth_method(&asked));
	}
	if (x->eap_rejected_by >= 0)
		fprintf(f, "    auth offer the %s offered EAP; the %s Configure-Rejected it (packet %" PRIu64 ")\n", role(!x->eap_rejected_by),
			role(x->eap_rejected_by), x->eap_rej_pkt);
	for (int d = 0; d < 2; d++) {
		const pt_pppobs_auth *au = &x->auth[d];
		if (!au->proto)
			continue;
		fprintf(f, "    auth       %s by the %s, user \"%s\": %s", auth_method(au), role(d), x->user[d],
			auth_state(au->state));
		if (x->failures[d])
			fprintf(f, " (%u failure%s%s", x->failures[d], x->failures[d] > 1 ? "s" : "",
				x->fail_error[d] ? "" : ")");
		if (x->failures[d] && x->fail_error[d])
			fprintf(f, ", E=%u %s)", x->fail_error[d], pt_vs_name_or(pt_mschap_error_vs, x->fail_error[d], ""));
		if (x->authv[d] != PT_AUTHV_NONE && x->authv[d] != PT_AUTHV_NO_CREDS)
			fprintf(f, "; %s", pt_vs_name_or(pt_authv_vs, x->authv[d], "?"));
		if (x->lm_zero[d])
			fprintf(f, "; LM response zeroed (NT response only)");
		if (x->success_checked[d])
			fprintf(f, "; server's S= %s", x->success_forged[d] ? "FORGED" : "verified");
		fputc('\n', f);
	}
	mppe_desc(x, m, sizeof m);
	fprintf(f, "    encryption %s\n", m);
	if (x->ccp_open && x->key_bits) {
		for (int d = 0; d < 2; d++)
			fprintf(f, "      %s  %" PRIu64 " encrypted frames: %" PRIu64 " decrypted, %" PRIu64 " failed%s\n",
				d == PT_DIR_PNS ? "PNS>PAC" : "PAC>PNS", x->enc_frames[d], k->d[d].decrypted,
				k->d[d].decrypt_failed, x->keys == 1 ? "" : " (no keys)");
	}
	if (o->cp[PT_CPK_IPCP].ever_opened) {
		const pt_pppobs_ipcp *p = &o->ipcp[PT_DIR_PNS], *q = &o->ipcp[PT_DIR_PAC];
		fprintf(f, "    IPCP       opened; PNS %u.%u.%u.%u, PAC %u.%u.%u.%u\n", p->addr[0], p->addr[1], p->addr[2],
			p->addr[3], q->addr[0], q->addr[1], q->addr[2], q->addr[3]);
	}
	if (o->cp[PT_CPK_IPV6CP].ever_opened)
		fprintf(f, "    IPV6CP     opened\n");
	for (int d = 0; d < 2; d++) {
		const pt_inner_stats *s = &x->inner[d];
		if (!s->ipv4 && !s->ipv6 && !s->other)
			continue;
		fprintf(f, "    data %s %" PRIu64 " IPv4 (%" PRIu64 " ICMP, %" PRIu64 " TCP, %" PRIu64 " UDP, %" PRIu64
			   " fragments), %" PRIu64 " IPv6, %" PRIu64 " other, %" PRIu64 " bytes\n",
			d == PT_DIR_PNS ? "PNS>PAC" : "PAC>PNS", s->ipv4, s->icmp, s->tcp, s->udp, s->fragments, s->ipv6,
			s->other, s->bytes);
		if (s->has_addr)
			fprintf(f, "               first IPv4 %u.%u.%u.%u > %u.%u.%u.%u\n", s->src[0], s->src[1], s->src[2], s->src[3],
				s->dst[0], s->dst[1], s->dst[2], s->dst[3]);
	}
	fprintf(f, "    findings   %u errors, %u warnings, %u info\n", k->findings[PT_SEV_ERROR], k->findings[PT_SEV_WARNING],
		k->findings[PT_SEV_INFO]);
	findings_for(f, fs, k->conn, k->idx, t0, "      ");
	(void)t;
}

void pa_report_text(FILE *f, const pa_summary *s, const pt_tunnel *t, const pa_findings *fs)
{
	int64_t t0 = s->t_first;
	char a[80], b[80], ts[40], te[40];
	vctx vc = { f, 1, 2 };

	pa_fmt_reltime(s->t_last, s->t_first, te, sizeof te);
	fprintf(f, "%s: %" PRIu64 " packets (%" PRIu64 " PPTP/GRE), %s s, link type %s; %zu control connection%s, %zu call%s\n",
		s->name, s->packets, s->pptp_packets, te, s->linkname ? s->linkname : "?", pt_tunnel_nconns(t),
		pt_tunnel_nconns(t) == 1 ? "" : "s", pt_tunnel_ncalls(t), pt_tunnel_ncalls(t) == 1 ? "" : "s");
	fprintf(f, "findings: %" PRIu64 " errors, %" PRIu64 " warnings, %" PRIu64 " info\n\n", fs->total[PT_SEV_ERROR],
		fs->total[PT_SEV_WARNING], fs->total[PT_SEV_INFO]);
	if (pt_tunnel_nconns(t) + pt_tunnel_ncalls(t)) {
		fputs("Verdicts\n", f);
		each_verdict(t, verdict_line, &vc);
		fputc('\n', f);
	} else {
		fputs("No PPTP control connection or GRE traffic in this capture.\n\n", f);
	}
	for (size_t i = 0; i < pt_tunnel_nconns(t); i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		const pt_addr *pns = c->pns_is_cli ? &c->cli : &c->srv, *pac = c->pns_is_cli ? &c->srv : &c->cli;
		pt_addr_fmt(pns, 1, a, sizeof a);
		pt_addr_fmt(pac, 1, b, sizeof b);
		pa_fmt_reltime(c->t_first, t0, ts, sizeof ts);
		pa_fmt_reltime(c->ended ? c->t_end : c->t_last, t0, te, sizeof te);
		fprintf(f, "Control connection %u: PNS %s, PAC %s%s\n", c->idx, a, b,
			c->role_known ? "" : " (roles assumed: the TCP client is the PNS)");
		fprintf(f, "  time       %s - %s, packets %" PRIu64 "-%" PRIu64 "%s\n", ts, te, c->first_pkt,
			c->ended ? c->end_pkt : c->last_pkt, c->midstream ? " (capture started mid-connection)" : "");
		fprintf(f, "  messages   PNS %" PRIu64 ", PAC %" PRIu64 "; state %s", c->msgs[c->pns_is_cli ? 0 : 1],
			c->msgs[c->pns_is_cli ? 1 : 0], pt_vs_name_or(pt_conn_state_vs, c->fsm.state, "?"));
		if (c->ended && (c->end_how == PT_END_FIN || c->end_how == PT_END_RST) && c->fsm.state != PT_CONN_CLOSED)
			/* one statement: TCP went away under a connection that was never stopped */
			fprintf(f, " when TCP was %s (never stopped)", c->end_how == PT_END_FIN ? "closed" : "reset");
		else if (c->ended)
			fprintf(f, "; TCP %s", c->end_how == PT_END_FIN ? "closed" : c->end_how == PT_END_RST ? "reset"
							   : c->end_how == PT_END_EOF ? "open at end of capture" : "dropped");
		fputc('\n', f);
		{
			/* the control messages seen, by type in RFC 2637 order */
			int any = 0;
			for (uint16_t ty = 1; ty <= 15; ty++) {
				if (!c->msg_count[ty])
					continue;
				fprintf(f, "%s%s %u", any ? ", " : "  control    ", pt_ctrl_abbrev(ty), c->msg_count[ty]);
				any = 1;
			}
			if (any)
				fputc('\n', f);
		}
		fprintf(f, "  findings   %u errors, %u warnings, %u info\n", c->findings[PT_SEV_ERROR],
			c->findings[PT_SEV_WARNING], c->findings[PT_SEV_INFO]);
		findings_for(f, fs, c->idx, -1, t0, "    ");
		for (size_t j = 0; j < pt_tunnel_ncalls(t); j++) {
			const pt_call *k = pt_tunnel_call(t, j);
			if (k->conn == c->idx)
				call_text(f, t, k, fs, t0);
		}
		fputc('\n', f);
	}
	for (size_t j = 0; j < pt_tunnel_ncalls(t); j++) {
		const pt_call *k = pt_tunnel_call(t, j);
		if (!k->conn) {
			call_text(f, t, k, fs, t0);
			fputc('\n', f);
		}
	}
	/* findings tied to no connection (capture, IP, TCP layers) */
	{
		int any = 0;
		for (size_t i = 0; i < fs->n; i++)
			if (fs->v[i].at.conn == 0 && fs->v[i].at.call < 0)
				any = 1;
		if (any) {
			fputs("Other findings\n", f);
			findings_for(f, fs, 0, -1, t0, "  ");
		}
	}
}

/* ---- JSON Lines (docs/json.md) ---- */

static void json_finding(FILE *f, const pt_finding *x, const pt_tunnel *t)
{
	const pt_rule *r = pt_rule_get(x->rule);
	const pt_call *k = x->at.call >= 0 ? pt_tunnel_call(t, (size_t)x->at.call) : NULL;
	uint32_t conn = k ? k->conn : x->at.conn; /* a call first seen in GRE may be given to its connection later */
	pa_json j;

	pa_json_begin(&j, f, "finding");
	pa_json_str(&j, "rule", r->id);
	pa_json_str(&j, "severity", pt_sev_name(r->sev));
	pa_json_str(&j, "ref", r->ref);
	pa_json_uint(&j, "packet", x->at.pkt);
	pa_json_time(&j, "ts", x->at.ts_us);
	if (conn)
		pa_json_uint(&j, "conn", conn);
	if (x->at.call >= 0)
		pa_json_int(&j, "call", x->at.call + 1);
	if (x->at.dir == PT_DIR_PNS || x->at.dir == PT_DIR_PAC)
		pa_json_str(&j, "from", role(x->at.dir));
	pa_json_str(&j, "message", x->msg);
	pa_json_end(&j);
}

static void json_verdict(void *arg, const pt_verdict *v)
{
	FILE *f = arg;
	pa_json j;
	char ev[160];
	size_t used = 0;

	pa_json_begin(&j, f, "verdict");
	if (v->conn)
		pa_json_uint(&j, "conn", v->conn);
	if (v->call >= 0)
		pa_json_int(&j, "call", v->call + 1);
	pa_json_str(&j, "verdict", pt_vs_name_or(pt_verdict_code_vs, (uint32_t)v->code, "?"));
	pa_json_bool(&j, "ok", v->ok);
	pa_json_str(&j, "text", v->text);
	pa_json_str(&j, "advice", v->advice);
	if (v->teardown[0])
		pa_json_str(&j, "ended", v->teardown);
	ev[0] = 0;
	pt_fmt_cat(ev, sizeof ev, &used, "[");
	for (size_t i = 0; i < v->nevidence; i++)
		pt_fmt_cat(ev, sizeof ev, &used, "%s%" PRIu64, i ? "," : "", v->evidence[i]);
	pt_fmt_cat(ev, sizeof ev, &used, "]");
	pa_json_raw(&j, "packets", ev);
	used = 0;
	ev[0] = 0;
	pt_fmt_cat(ev, sizeof ev, &used, "[");
	for (size_t i = 0; i < v->nrules; i++)
		pt_fmt_cat(ev, sizeof ev, &used, "%s\"%s\"", i ? "," : "", pt_rule_get(v->rules[i])->id);
	pt_fmt_cat(ev, sizeof ev, &used, "]");
	pa_json_raw(&j, "rules", ev);
	pa_json_end(&j);
}

void pa_report_json(FILE *f, const pa_summary *s, const pt_tunnel *t, const pa_findings *fs)
{
	pa_json j;
	char a[80], m[96];

	pa_json_begin(&j, f, "capture");
	pa_json_str(&j, "file", s->name);
	pa_json_str(&j, "linktype", s->linkname);
	pa_json_uint(&j, "packets", s->packets);
	pa_json_uint(&j, "pptp_packets", s->pptp_packets);
	pa_json_time(&j, "first", s->t_first);
	pa_json_time(&j, "last", s->t_last);
	pa_json_uint(&j, "connections", pt_tunnel_nconns(t));
	pa_json_uint(&j, "calls", pt_tunnel_ncalls(t));
	pa_json_uint(&j, "errors", fs->total[PT_SEV_ERROR]);
	pa_json_uint(&j, "warnings", fs->total[PT_SEV_WARNING]);
	pa_json_uint(&j, "info", fs->total[PT_SEV_INFO]);
	pa_json_uint(&j, "suppressed", fs->suppressed);
	pa_json_end(&j);

	for (size_t i = 0; i < pt_tunnel_nconns(t); i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		pa_json_begin(&j, f, "connection");
		pa_json_uint(&j, "conn", c->idx);
		pt_addr_fmt(c->pns_is_cli ? &c->cli : &c->srv, 1, a, sizeof a);
		pa_json_str(&j, "pns", a);
		pt_addr_fmt(c->pns_is_cli ? &c->srv : &c->cli, 1, a, sizeof a);
		pa_json_str(&j, "pac", a);
		pa_json_bool(&j, "roles_known", c->role_known);
		pa_json_bool(&j, "midstream", c->midstream);
		pa_json_time(&j, "start", c->t_first);
		pa_json_time(&j, "end", c->ended ? c->t_end : c->t_last);
		pa_json_uint(&j, "first_packet", c->first_pkt);
		pa_json_str(&j, "state", pt_vs_name_or(pt_conn_state_vs, c->fsm.state, "?"));
		pa_json_uint(&j, "msgs_pns", c->msgs[c->pns_is_cli ? 0 : 1]);
		pa_json_uint(&j, "msgs_pac", c->msgs[c->pns_is_cli ? 1 : 0]);
		pa_json_str(&j, "tcp_end", !c->ended ? "open" : c->end_how == PT_END_FIN ? "fin" : c->end_how == PT_END_RST ? "rst"
							     : c->end_how == PT_END_EOF ? "eof" : "evicted");
		pa_json_uint(&j, "calls", (uint64_t)c->ncalls);
		pa_json_uint(&j, "errors", c->findings[PT_SEV_ERROR]);
		pa_json_uint(&j, "warnings", c->findings[PT_SEV_WARNING]);
		pa_json_uint(&j, "info", c->findings[PT_SEV_INFO]);
		{
			/* the control messages seen, by type (RFC 2637 2.1-2.15), as the text report's "control" line */
			char cm[400];
			size_t used = 0;
			cm[0] = 0;
			pt_fmt_cat(cm, sizeof cm, &used, "{");
			for (uint16_t ty = 1; ty <= 15; ty++)
				if (c->msg_count[ty])
					pt_fmt_cat(cm, sizeof cm, &used, "%s\"%s\":%u", used > 1 ? "," : "", pt_ctrl_abbrev(ty),
						   c->msg_count[ty]);
			pt_fmt_cat(cm, sizeof cm, &used, "}");
			pa_json_raw(&j, "control", cm);
		}
		pa_json_end(&j);
	}
	for (size_t i = 0; i < pt_tunnel_ncalls(t); i++) {
		const pt_call *k = pt_tunnel_call(t, i);
		const struct pt_call_ext *x = k->ext;
		pa_json_begin(&j, f, "call");
		if (k->conn)
			pa_json_uint(&j, "conn", k->conn);
		pa_json_int(&j, "call", k->idx + 1);
		if (k->has_pns_id)
			pa_json_uint(&j, "pns_call_id", k->pns_call_id);
		if (k->has_pac_id)
			pa_json_uint(&j, "pac_call_id", k->pac_call_id);
		pa_json_bool(&j, "up", k->up || k->up_inferred);
		if (k->up_inferred)
			pa_json_bool(&j, "up_inferred", 1);
		if (k->up)
			pa_json_uint(&j, "up_packet", k->up_pkt);
		for (int d = 0; d < 2; d++) {
			const pt_gre_flow *g = &k->gre[d];
			char key[32];
			snprintf(key, sizeof key, "gre_%s", d ? "pac" : "pns");
			snprintf(m, sizeof m,
				 "{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"reordered\":%" PRIu64
				 ",\"duplicates\":%" PRIu64 "}",
				 g->packets, g->bytes, g->lost, g->reordered, g->duplicates);
			pa_json_raw(&j, key, m);
		}
		pa_json_bool(&j, "lcp_opened", x->ppp.cp[PT_CPK_LCP].ever_opened);
		for (int d = 0; d < 2; d++) {
			const pt_pppobs_auth *au = &x->auth[d];
			if (!au->proto)
				continue;
			pa_json_str(&j, "auth", auth_method(au));
			pa_json_str(&j, "authenticator", role(d));
			pa_json_strn(&j, "user", x->user_raw[d], x->user_len[d]);
			pa_json_str(&j, "auth_result", auth_state(au->state));
			if (x->fail_error[d])
				pa_json_uint(&j, "auth_error", x->fail_error[d]);
			pa_json_str(&j, "password_check", pt_vs_name_or(pt_authv_vs, x->authv[d], "?"));
			if (x->lm_zero[d])
				pa_json_bool(&j, "lm_zeroed", 1);
			break;
		}
		{
			/* the report's extras (issue 20 point 7): Set-Link-Info's ACCMs, LCP Callback and CBCP, an EAP offer Nak'd */
			uint32_t sa, ra;
			if (sli_accm(t, k, &sa, &ra)) {
				snprintf(m, sizeof m, "{\"send_accm\":%" PRIu32 ",\"recv_accm\":%" PRIu32 "}", sa, ra);
				pa_json_raw(&j, "set_link_info", m);
			}
			for (int d = 0; d < 2; d++) {
				char key[24];
				if (x->callback_op[d]) {
					snprintf(key, sizeof key, "callback_%s", d ? "pac" : "pns");
					pa_json_uint(&j, key, x->callback_op[d] - 1u);
				}
				if (x->cbcp_frames[d]) {
					snprintf(key, sizeof key, "cbcp_%s", d ? "pac" : "pns");
					pa_json_uint(&j, key, x->cbcp_frames[d]);
				}
			}
			if (x->eap_naked_by >= 0) {
				pt_pppobs_auth asked;
				memset(&asked, 0, sizeof asked);
				asked.proto = x->eap_nak_proto;
				asked.alg = x->eap_nak_alg;
				snprintf(m, sizeof m, "{\"offered_by\":\"%s\",\"naked_by\":\"%s\",\"asked\":\"%s\"}",
					 role(!x->eap_naked_by), role(x->eap_naked_by), auth_method(&asked));
				pa_json_raw(&j, "eap_nak", m);
			}
			if (x->eap_rejected_by >= 0) {
				snprintf(m, sizeof m, "{\"offered_by\":\"%s\",\"rejected_by\":\"%s\",\"packet\":%" PRIu64 "}",
					 role(!x->eap_rejected_by), role(x->eap_rejected_by), x->eap_rej_pkt);
				pa_json_raw(&j, "eap_reject", m);
			}
		}
		mppe_desc(x, m, sizeof m);
		pa_json_str(&j, "encryption", m);
		pa_json_uint(&j, "decrypted", k->d[0].decrypted + k->d[1].decrypted);
		pa_json_uint(&j, "decrypt_failed", k->d[0].decrypt_failed + k->d[1].decrypt_failed);
		pa_json_bool(&j, "ipcp_opened", x->ppp.cp[PT_CPK_IPCP].ever_opened);
		pa_json_uint(&j, "inner_ipv4", x->inner[0].ipv4 + x->inner[1].ipv4);
		for (int d = 0; d < 2; d++) {
			const pt_inner_stats *is = &x->inner[d];
			char in[400], key[16];
			snprintf(key, sizeof key, "inner_%s", d ? "pac" : "pns");
			snprintf(in, sizeof in,
				 "{\"ipv4\":%" PRIu64 ",\"ipv6\":%" PRIu64 ",\"other\":%" PRIu64 ",\"icmp\":%" PRIu64
				 ",\"tcp\":%" PRIu64 ",\"udp\":%" PRIu64 ",\"fragments\":%" PRIu64 ",\"bytes\":%" PRIu64,
				 is->ipv4, is->ipv6, is->other, is->icmp, is->tcp, is->udp, is->fragments, is->bytes);
			if (is->has_addr)
				snprintf(in + strlen(in), sizeof in - strlen(in), ",\"src\":\"%u.%u.%u.%u\",\"dst\":\"%u.%u.%u.%u\"",
					 is->src[0], is->src[1], is->src[2], is->src[3], is->dst[0], is->dst[1], is->dst[2], is->dst[3]);
			snprintf(in + strlen(in), sizeof in - strlen(in), "}");
			pa_json_raw(&j, key, in);
		}
		pa_json_uint(&j, "inner_ipv6", x->inner[0].ipv6 + x->inner[1].ipv6);
		pa_json_uint(&j, "errors", k->findings[PT_SEV_ERROR]);
		pa_json_uint(&j, "warnings", k->findings[PT_SEV_WARNING]);
		pa_json_uint(&j, "info", k->findings[PT_SEV_INFO]);
		pa_json_end(&j);
	}
	each_verdict(t, json_verdict, f);
	for (size_t i = 0; i < fs->n; i++)
		json_finding(f, &fs->v[i], t);
}
