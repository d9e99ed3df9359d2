/* verdict.c: the first root cause of a call's failure, in plain words, from the tunnel model (RFC 2637, 1661, 2759, 3078). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "fmt.h"
#include "verdict.h"

const pt_vs pt_verdict_code_vs[] = {
	{ PT_V_OK, "ok" },
	{ PT_V_OK_NO_DATA, "ok-no-data" },
	{ PT_V_INCOMPLETE, "incomplete" },
	{ PT_V_TCP_NO_ANSWER, "tcp-no-answer" },
	{ PT_V_TCP_REFUSED, "tcp-refused" },
	{ PT_V_CTRL_REFUSED, "control-refused" },
	{ PT_V_CTRL_NO_REPLY, "control-no-reply" },
	{ PT_V_CTRL_BROKEN, "control-broken" },
	{ PT_V_CALL_REFUSED, "call-refused" },
	{ PT_V_CALL_NO_REPLY, "call-no-reply" },
	{ PT_V_NO_CALL, "no-call" },
	{ PT_V_GRE_NONE, "gre-blocked" },
	{ PT_V_GRE_ONE_WAY, "gre-one-way" },
	{ PT_V_LCP_FAILED, "lcp-failed" },
	{ PT_V_AUTH_FAILED, "auth-failed" },
	{ PT_V_AUTH_FORGED, "auth-forged" },
	{ PT_V_MPPE_REFUSED, "encryption-refused" },
	{ PT_V_CCP_FAILED, "encryption-failed" },
	{ PT_V_IPCP_FAILED, "ipcp-failed" },
	{ PT_V_DECRYPT_FAILED, "decrypt-failed" },
	{ PT_V_ECHO_TIMEOUT, "echo-timeout" },
	{ PT_V_MTU, "mtu" },
	{ PT_V_HANGUP, "hangup" },
	{ PT_V_CONTROL_ONLY, "control-only" },
	{ 0, NULL },
};

const char *pt_verdict_mschap_error(uint32_t e)
{
	/* RFC 2433 8 and RFC 2759 6: the Failure packet's E= values */
	switch (e) {
	case 646:
		return "the account may not log on at this time of day (646, restricted logon hours)";
	case 647:
		return "the account is disabled (647)";
	case 648:
		return "the password has expired (648)";
	case 649:
		return "the account has no dial-in permission (649)";
	case 691:
		return "the user name or password was rejected (691, authentication failure)";
	case 709:
		return "changing the password failed (709)";
	default:
		return NULL;
	}
}

const char *pt_verdict_ctrl_result(uint16_t type, uint8_t result, uint8_t error, char *buf, size_t cap)
{
	const pt_vs *vs = type == PT_CTRL_SCCRP   ? pt_ctrl_sccrp_result_vs
			  : type == PT_CTRL_OCRP  ? pt_ctrl_ocrp_result_vs
			  : type == PT_CTRL_ICRP  ? pt_ctrl_icrp_result_vs
			  : type == PT_CTRL_CDN   ? pt_ctrl_cdn_result_vs
						  : pt_ctrl_stopccrp_result_vs;
	const char *r = pt_vs_name_or(vs, result, "unknown result");

	if (result == PT_CTRL_RESULT_GENERAL_ERROR && error)
		snprintf(buf, cap, "result %u (%s), error %u (%s)", result, r, error,
			 pt_vs_name_or(pt_ctrl_gerr_vs, error, "unknown error"));
	else
		snprintf(buf, cap, "result %u (%s)", result, r);
	return buf;
}

static void vset(pt_verdict *v, int code, const char *advice, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void vset(pt_verdict *v, int code, const char *advice, const char *fmt, ...)
{
	va_list ap;

	v->code = code;
	v->ok = code == PT_V_OK || code == PT_V_OK_NO_DATA;
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof v->text, fmt, ap);
	va_end(ap);
	snprintf(v->advice, sizeof v->advice, "%s", advice ? advice : "");
}

static void evidence(pt_verdict *v, uint64_t pkt)
{
	if (!pkt || v->nevidence >= PT_VERDICT_MAX_EVIDENCE)
		return;
	for (size_t i = 0; i < v->nevidence; i++)
		if (v->evidence[i] == pkt)
			return;
	v->evidence[v->nevidence++] = pkt;
}

static void rule(pt_verdict *v, const uint8_t *seen, int r)
{
	if (v->nrules >= PT_VERDICT_MAX_RULES || !pt_rule_seen(seen, r))
		return;
	v->rules[v->nrules++] = r;
}

static const char *side(int d)
{
	return d == PT_DIR_PNS ? "PNS (client)" : "PAC (server)";
}

static const char *sideshort(int d)
{
	return d == PT_DIR_PNS ? "PNS" : "PAC";
}

/* the connection really ended (FIN or RST), as opposed to the capture stopping */
static int over(const pt_conn *c)
{
	return c && c->ended && (c->end_how == PT_END_FIN || c->end_how == PT_END_RST);
}

static const pt_conn *conn_of(const pt_tunnel *t, uint32_t idx)
{
	for (size_t i = 0; i < pt_tunnel_nconns(t); i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		if (c->idx == idx)
			return c;
	}
	return NULL;
}

static const char *mppe_words(uint32_t bits, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = 0;
	if (!(bits & (PT_CCP_MPPE_KEYS))) {
		pt_fmt_cat(buf, cap, &used, "%s", (bits & PT_CCP_MPPE_C) ? "MPPC compression only" : "no encryption");
		return buf;
	}
	pt_fmt_cat(buf, cap, &used, "MPPE");
	if (bits & PT_CCP_MPPE_S)
		pt_fmt_cat(buf, cap, &used, "-128");
	if (bits & PT_CCP_MPPE_M)
		pt_fmt_cat(buf, cap, &used, "%s56", (bits & PT_CCP_MPPE_S) ? "/" : "-");
	if (bits & PT_CCP_MPPE_L)
		pt_fmt_cat(buf, cap, &used, "%s40", (bits & (PT_CCP_MPPE_S | PT_CCP_MPPE_M)) ? "/" : "-");
	pt_fmt_cat(buf, cap, &used, " %s", (bits & PT_CCP_MPPE_H) ? "stateless" : "stateful");
	return buf;
}

static const char *auth_name(const pt_pppobs_auth *au)
{
	if (au->proto == PT_PPP_PAP)
		return "PAP";
	if (au->proto == PT_PPP_CHAP)
		switch (au->alg) {
		case PT_CHAP_ALG_MD5:
			return "CHAP-MD5";
		case PT_CHAP_ALG_MSCHAPV1:
			return "MS-CHAPv1";
		case PT_CHAP_ALG_MSCHAPV2:
			return "MS-CHAPv2";
		default:
			return "CHAP";
		}
	return "authentication";
}

/* How the call ended: LCP Terminate, Call-Disconnect-Notify, Stop-Control-Connection, TCP. */
static void teardown(const pt_tunnel *t, const pt_call *k, const pt_conn *c, pt_verdict *v)
{
	const struct pt_call_ext *x = k->ext;
	size_t used = 0;
	const pt_ctrl_call *fc = c && k->fsm_call >= 0 ? pt_ctrl_conn_call(&c->fsm, k->fsm_call) : NULL;
	char buf[96];

	(void)t;
	v->teardown[0] = 0;
	if (x && x->term_dir >= 0)
		pt_fmt_cat(v->teardown, sizeof v->teardown, &used, "LCP Terminate-Request from the %s%s%s%s (packet %llu)",
			   sideshort(x->term_dir), x->term_reason[0] ? " \"" : "", x->term_reason,
			   x->term_reason[0] ? "\"" : "", (unsigned long long)x->term_pkt);
	if (x && x->term_dir >= 0 && x->term2_pkt)
		/* both ends terminated the link: say both */
		pt_fmt_cat(v->teardown, sizeof v->teardown, &used, " and from the %s%s%s%s (packet %llu)",
			   sideshort(!x->term_dir), x->term2_reason[0] ? " \"" : "", x->term2_reason,
			   x->term2_reason[0] ? "\"" : "", (unsigned long long)x->term2_pkt);
	if (k->clear_dir >= 0)
		pt_fmt_cat(v->teardown, sizeof v->teardown, &used, "%sCall-Clear-Request from the %s (packet %llu)", used ? "; " : "",
			   sideshort(k->clear_dir), (unsigned long long)k->clear_pkt);
	if (fc && k->up && k->down && fc->state == PT_CALL_CLOSED && (fc->result || fc->cause))
		pt_fmt_cat(v->teardown, sizeof v->teardown, &used, "%sCall-Disconnect-Notify %s", used ? "; " : "",
			   pt_verdict_ctrl_result(PT_CTRL_CDN, fc->result, fc->error, buf, sizeof buf));
	else if (!fc && k->has_cdn)
		/* a call set up before the capture: its Call-Disconnect-Notify, from the message itself */
		pt_fmt_cat(v->teardown, sizeof v->teardown, &used, "%sCall-Disconnect-Notify (packet %llu) %s", used ? "; " : "",
			   (unsigned long long)k->down_pkt, pt_verdict_ctrl_result(PT_CTRL_CDN, k->cdn_result, k->cdn_error, buf, sizeof buf));
	if (c && c->stop_pkt)
		pt_fmt_cat(v->teardown, sizeof v->teardown, &used, "%sStop-Control-Connection-Request from the %s%s",
			   used ? "; " : "", sideshort(c->stop_dir), c->fsm.stop_reason == PT_STOP_LOCAL_SHUTDOWN ? " (local shutdown)"
									  : c->fsm.stop_reason == PT_STOP_PROTOCOL ? " (protocol version)"
																: "");
	if (over(c)) {
		const char *how = c->end_how == PT_END_FIN ? "closed" : c->end_how == PT_END_RST ? "reset" : NULL;
		int who = c->end_dir == 0 ? (c->pns_is_cli ? PT_DIR_PNS : PT_DIR_PAC) : (c->pns_is_cli ? PT_DIR_PAC : PT_DIR_PNS);
		if (how)
			pt_fmt_cat(v->teardown, sizeof v->teardown, &used, "%sTCP %s by the %s", used ? "; " : "", how,
				   sideshort(who));
	}
}

static uint64_t frames(const pt_call *k, int d)
{
	return k->d[d].ppp_frames;
}

static uint64_t user_data(const pt_call *k, int d)
{
	const struct pt_call_ext *x = k->ext;
	const pt_inner_stats *s = &x->inner[d];
	if (x->keys == 1 || !x->enc_frames[d])
		return s->ipv4 + s->ipv6 + s->other;
	return x->enc_frames[d];
}

/* RFC 2637 4.3: what the GRE sequence numbers say was lost, appended to a verdict of a call that worked. */
static void loss_words(const pt_call *k, pt_verdict *v)
{
	size_t used = strlen(v->text);
	int first = 1;

	for (int d = 0; d < 2; d++) {
		const pt_gre_flow *g = &k->gre[d];
		uint64_t total = g->payload_pkts + g->lost;
		if (!g->lost || !total)
			continue;
		pt_fmt_cat(v->text, sizeof v->text, &used, "%s%llu of %llu %s packets lost (%llu%%)", first ? "; " : ", ",
			   (unsigned long long)g->lost, (unsigned long long)total, d == PT_DIR_PNS ? "PNS->PAC" : "PAC->PNS",
			   (unsigned long long)((g->lost * 100 + total / 2) / total));
		first = 0;
	}
}

/* A capture of the authentication alone (LCP before it, nothing after): say what it shows. */
static int auth_only(const pt_call *k, pt_verdict *v)
{
	const struct pt_call_ext *x = k->ext;

	for (int a = 0; a < 2; a++) {
		const pt_pppobs_auth *au = &x->auth[a];
		if (!au->proto || au->state == PT_PPPOBS_AUTH_FAILURE)
			continue;
		evidence(v, x->auth_pkt[a]);
		vset(v, PT_V_INCOMPLETE, "capture the whole session to see whether the tunnel came up",
		     "the capture holds only the authentication (LCP was negotiated before it): %s user \"%s\" %s by the %s%s",
		     auth_name(au), x->user[a], au->state == PT_PPPOBS_AUTH_SUCCESS ? "accepted" : "answered, no result yet,",
		     side(a), x->authv[a] == PT_AUTHV_OK ? " (password verified)"
			      : x->authv[a] == PT_AUTHV_WRONG ? " (the password given does not match)" : "");
		return 1;
	}
	return 0;
}

/* ---- the causes, one function each, in the order a tunnel comes up (the table below) ---- */

/* What every cause reads: the call, its connection, its PPP session, and whether the capture holds its LCP. */
typedef struct vq {
	const pt_tunnel *t;
	const pt_call *k;
	const pt_conn *c;
	const struct pt_call_ext *x;
	const pt_ctrl_call *fc;
	const pt_pppobs *o;
	int assumed;     /* LCP was negotiated before the capture: no LCP, encryption or NCP causes */
} vq;

#define VQ_LOCALS                                                                                              \
	const pt_tunnel *t = q->t;                                                                             \
	const pt_call *k = q->k;                                                                               \
	const pt_conn *c = q->c;                                                                               \
	const struct pt_call_ext *x = q->x;                                                                    \
	const pt_ctrl_call *fc = q->fc;                                                                        \
	const pt_pppobs *o = q->o;                                                                             \
	char buf[160], wb[64], wb2[64];                                                                        \
	(void)t, (void)k, (void)c, (void)x, (void)fc, (void)o, (void)buf, (void)wb, (void)wb2

/* 2. GRE causes apply to a call that came up, or that the control channel does not know */
#define GRE_LOCALS                                                                                             \
	int pns = k->gre[PT_DIR_PNS].packets != 0, pac = k->gre[PT_DIR_PAC].packets != 0;                      \
	int ended = pt_call_ended(t, k);                                                                       \
	int64_t after = pt_tunnel_t_last(t) - k->t_up;                                                         \
	(void)pns, (void)pac, (void)ended, (void)after;                                                        \
	if (!(k->up || !c || k->fsm_call < 0))                                                                 \
		return 0

static int cause_call_refused(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!(c && !k->up && !k->up_inferred))
		return 0;
	/* a refusal is a reply; a call the PNS cleared (or that closed with the connection) was never answered */
	if (fc && fc->state == PT_CALL_CLOSED && k->clear_dir < 0 && fc->result &&
	    !pt_rule_seen(k->rules_seen, PT_R_FSM_CALL_UNKNOWN)) {
		evidence(v, k->req_pkt);
		evidence(v, k->down_pkt);
		vset(v, PT_V_CALL_REFUSED,
		     fc->result == 4 || fc->result == 3 ? "the server has no free line or address for this call: check its connection limit and address pool (pptpd: remoteip range)"
		     : fc->result == 7 ? "the server does not accept calls from this client: check its access rules and connection limit"
				       : "see the server's log for why it refused the call",
		     "the %s refused the call: %s %s", sideshort(fc->incoming ? PT_DIR_PNS : PT_DIR_PAC),
		     fc->incoming ? "Incoming-Call-Reply" : "Outgoing-Call-Reply",
		     pt_verdict_ctrl_result(fc->incoming ? PT_CTRL_ICRP : PT_CTRL_OCRP, fc->result, fc->error, buf,
					    sizeof buf));
		return 1;
	}
	return 0;
}

static int cause_call_no_reply(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!(c && !k->up && !k->up_inferred))
		return 0;
	if (k->gre[0].packets == 0 && k->gre[1].packets == 0) {
		evidence(v, k->req_pkt);
		evidence(v, k->clear_pkt);
		vset(v, over(c) || k->clear_dir >= 0 ? PT_V_CALL_NO_REPLY : PT_V_INCOMPLETE,
		     "the server never answered the call request: check the server's log and that it is not overloaded",
		     "the call request (packet %llu) got no reply%s", (unsigned long long)k->req_pkt,
		     k->clear_dir >= 0 ? "; the caller gave up with a Call-Clear-Request"
		     : over(c)        ? " before the control connection ended"
				      : " in the capture");
		return 1;
	}
	return 0;
}

static int cause_gre_early(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	GRE_LOCALS;
	if (!pns && !pac && k->up && !ended && after < 3000000) {
		/* RFC 1661 4.6: not one Restart timer (3 s) has run out since the call came up */
		evidence(v, k->up_pkt);
		vset(v, PT_V_INCOMPLETE, "capture longer to see the outcome",
		     "incomplete: the capture ends %lld.%01lld s after the call came up (packet %llu), before any GRE",
		     (long long)(after / 1000000), (long long)(after / 100000 % 10), (unsigned long long)k->up_pkt);
		return 1;
	}
	return 0;
}

static int cause_control_only(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	GRE_LOCALS;
	if (!pns && !pac && !pt_tunnel_gre_packets(t)) {
		evidence(v, k->up_pkt);
		rule(v, k->rules_seen, PT_R_GRE_NOT_CAPTURED);
		if (fc && fc->has_accm)
			snprintf(buf, sizeof buf, "; a Set-Link-Info (send ACCM 0x%08x, receive ACCM 0x%08x) shows that PPP did run",
				 fc->send_accm, fc->recv_accm);
		else if (!fc && k->has_sli)
			snprintf(buf, sizeof buf, "; a Set-Link-Info (send ACCM 0x%08x, receive ACCM 0x%08x) shows that PPP did run",
				 k->sli_send_accm, k->sli_recv_accm);
		else
			buf[0] = 0;
		if (k->clear_dir >= 0 && k->up) {
			size_t bl = strlen(buf);
			int64_t held = k->t_clear - k->t_up;
			snprintf(buf + bl, sizeof buf - bl, "; the %s cleared the call %lld.%01lld s after it came up",
				 sideshort(k->clear_dir), (long long)(held / 1000000), (long long)(held / 100000 % 10));
		}
		vset(v, PT_V_CONTROL_ONLY,
		     "capture GRE as well (IP protocol 47, not a port: filter \"tcp port 1723 or ip proto 47\"); if the filter did include it, GRE does not pass the capture point in either direction",
		     "control channel only: the call %s but the capture holds no GRE at all, so nothing can be said of PPP%s",
		     k->up ? (snprintf(wb, sizeof wb, "came up (packet %llu)", (unsigned long long)k->up_pkt), wb)
			   : "was set up before the capture started",
		     buf);
		return 1;
	}
	return 0;
}

static int cause_gre_none(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	GRE_LOCALS;
	if (!pns && !pac) {
		evidence(v, k->up_pkt);
		rule(v, k->rules_seen, PT_R_GRE_NONE);
		vset(v, PT_V_GRE_NONE,
		     "allow IP protocol 47 (GRE, not a TCP or UDP port) both ways on every firewall between the two; on a NAT router enable PPTP passthrough (Linux: nf_conntrack_pptp)",
		     "the call came up (packet %llu) but none of its GRE was seen in either direction, while the capture holds other GRE: this call's GRE does not reach the capture point",
		     (unsigned long long)k->up_pkt);
		return 1;
	}
	return 0;
}

static int cause_gre_one_way(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	GRE_LOCALS;
	if (!pns || !pac) {
		int silent = pns ? PT_DIR_PAC : PT_DIR_PNS;
		unsigned nreq = x->ppp.cp[PT_CPK_LCP].side[!silent].n_conf_req;
		pt_addr_fmt(silent == PT_DIR_PNS ? &k->pns : &k->pac, 0, wb, sizeof wb);
		pt_addr_fmt(silent == PT_DIR_PNS ? &k->pac : &k->pns, 0, wb2, sizeof wb2);
		evidence(v, k->up_pkt);
		evidence(v, k->d[!silent].first_pkt);
		rule(v, k->rules_seen, PT_R_GRE_NEVER_SENT);
		if (pt_call_lcp_unanswered(k, !silent)) {
			vset(v, PT_V_GRE_ONE_WAY,
			     "allow IP protocol 47 (GRE) in both directions on the firewalls between client and server; behind NAT enable PPTP passthrough / the PPTP conntrack helper",
			     "GRE went only one way: %llu packets from the %s %s, none from the %s %s. Both ends send LCP Configure-Requests unprompted, so GRE from %s is blocked between it and the capture point (its pppd logs \"LCP: timeout sending Config-Requests\")",
			     (unsigned long long)k->gre[!silent].packets, sideshort(!silent), wb2, side(silent), wb, wb);
		} else if (ended) {
			vset(v, PT_V_GRE_ONE_WAY,
			     "capture the whole call attempt; if the silent side really sent nothing, look at its log (pppd not started, or its GRE blocked)",
			     "GRE went only one way: %llu packets from the %s %s (%u LCP Configure-Request%s), none from the %s %s before the call ended: too few LCP retries to tell whether its GRE is blocked",
			     (unsigned long long)k->gre[!silent].packets, sideshort(!silent), wb2, nreq, nreq == 1 ? "" : "s", side(silent), wb);
		} else {
			vset(v, PT_V_INCOMPLETE, "capture longer to see the outcome",
			     "incomplete: the capture ends %lld.%01lld s after the call came up, with GRE only from the %s so far (%u LCP Configure-Request%s): too early to tell whether the %s's GRE is blocked",
			     (long long)(after / 1000000), (long long)(after / 100000 % 10), sideshort(!silent), nreq, nreq == 1 ? "" : "s",
			     sideshort(silent));
		}
		return 1;
	}
	return 0;
}

static int cause_lcp(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!o->cp[PT_CPK_LCP].ever_opened) {
		const pt_pppobs_side *sp = &o->cp[PT_CPK_LCP].side[PT_DIR_PNS], *sa = &o->cp[PT_CPK_LCP].side[PT_DIR_PAC];
		evidence(v, k->d[0].first_pkt);
		evidence(v, k->d[1].first_pkt);
		rule(v, k->rules_seen, PT_R_PPP_CP_NAK_LOOP);
		rule(v, k->rules_seen, PT_R_PPP_CP_REJECT_DIFFERS);
		rule(v, k->rules_seen, PT_R_PPP_CP_ACK_DIFFERS);
		if (!k->down && !over(c) && x->term_dir < 0 && sp->n_conf_req + sa->n_conf_req < 4) {
			vset(v, PT_V_INCOMPLETE, "capture longer to see the outcome",
			     "the capture ends while LCP is still negotiating (%u and %u Configure-Requests)", sp->n_conf_req,
			     sa->n_conf_req);
			return 1;
		}
		/* the option Nak'd most, by either side */
		{
			int best = -1, bd = 0, bn = 0;
			for (int d = 0; d < 2; d++)
				for (int i = 0; i < PT_PPPOBS_NAK_TRACK; i++) {
					const pt_pppobs_nak *nk = &o->cp[PT_CPK_LCP].side[d].naks[i];
					if (nk->count > bn) {
						bn = nk->count;
						best = nk->type;
						bd = d;
					}
				}
			if (best >= 0 && bn >= 3) {
				vset(v, PT_V_LCP_FAILED,
				     "the two ends insist on incompatible values of this option: align it on both peers (pppd: mru, auth options; Windows: the VPN's authentication settings)",
				     "LCP never converged: the %s's %s was Nak'd %d times (the PNS sent %u Configure-Requests, the PAC %u)",
				     side(bd), pt_cp_opt_name(PT_CPK_LCP, (uint8_t)best), bn, sp->n_conf_req, sa->n_conf_req);
				return 1;
			}
		}
		vset(v, PT_V_LCP_FAILED,
		     pt_rule_seen(k->rules_seen, PT_R_PPP_CP_NAK_LOOP)
			     ? "the two ends insist on incompatible LCP options: align the MRU/authentication settings of both peers"
			     : "check that both ends accept each other's LCP options (authentication protocol, MRU); a one-sided GRE problem also looks like this",
		     "LCP never converged: the PNS sent %u Configure-Requests (%u acknowledged, %u Nak'd, %u rejected), the PAC %u (%u, %u, %u)%s",
		     sp->n_conf_req, sp->n_ack, sp->n_nak, sp->n_rej, sa->n_conf_req, sa->n_ack, sa->n_nak, sa->n_rej,
		     pt_rule_seen(k->rules_seen, PT_R_PPP_CP_NAK_LOOP) ? "; an option was Nak'd over and over" : "");
		return 1;
	}
	return 0;
}

static int cause_auth(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	for (int a = 0; a < 2; a++) {
		const pt_pppobs_auth *au = &x->auth[a];
		const char *why;
		if (!au->proto)
			continue;
		if (au->state == PT_PPPOBS_AUTH_FAILURE) {
			evidence(v, x->auth_pkt[a]);
			evidence(v, x->fail_pkt[a]);
			rule(v, k->rules_seen, PT_R_PPP_AUTH_FAILURE);
			rule(v, k->rules_seen, PT_R_AUTH_PASSWORD_MISMATCH);
			why = x->fail_error[a] ? pt_verdict_mschap_error(x->fail_error[a]) : NULL;
			if (x->authv[a] == PT_AUTHV_WRONG)
				vset(v, PT_V_AUTH_FAILED, "use the right password for this user (and check the user name)",
				     "authentication failed: the %s rejected %s user \"%s\"%s%s, and the password given does not match either: the client used a wrong password",
				     side(a), auth_name(au), x->user[a], why ? ": " : "", why ? why : "");
			else if (x->authv[a] == PT_AUTHV_OK)
				vset(v, PT_V_AUTH_FAILED,
				     x->fail_error[a] == 649 ? "grant the account dial-in (remote access) permission on the server"
				     : x->fail_error[a] == 648 ? "change the account's password on the server"
				     : x->fail_error[a] == 647 ? "enable the account on the server"
				     : "the password is right: check the account on the server (secrets file, permissions, policy)",
				     "authentication failed: the %s rejected %s user \"%s\"%s%s although the password given is correct: the server side refuses this account",
				     side(a), auth_name(au), x->user[a], why ? ": " : "", why ? why : "");
			else
				vset(v, PT_V_AUTH_FAILED,
				     x->fail_error[a] == 649 ? "grant the account dial-in (remote access) permission on the server"
							     : "check the user name and password (give --password to tell which side is wrong)",
				     "authentication failed: the %s rejected %s user \"%s\"%s%s", side(a), auth_name(au), x->user[a],
				     why ? ": " : "", why ? why : "");
			return 1;
		}
		if (x->success_forged[a]) {
			evidence(v, x->auth_pkt[a]);
			rule(v, k->rules_seen, PT_R_AUTH_MSCHAPV2_AUTHENTICATOR_MISMATCH);
			vset(v, PT_V_AUTH_FORGED, "do not trust this server: it is not the one holding the account, or it is an impostor",
			     "the MS-CHAPv2 Success from the %s does not prove that it knows the password of \"%s\": a forged or foreign server",
			     side(a), x->user[a]);
			return 1;
		}
		if (au->state == PT_PPPOBS_AUTH_PENDING && x->auth_pkt[a] && (k->down || x->term_dir >= 0 || over(c))) {
			evidence(v, x->auth_pkt[a]);
			evidence(v, x->term_pkt);
			vset(v, PT_V_AUTH_FAILED, "check that both ends agree on the authentication protocol and that the server can reach its user database",
			     "authentication by %s never finished: the link went down before the %s answered", auth_name(au),
			     side(a));
			return 1;
		}
	}
	return 0;
}

static int cause_auth_only(const vq *q, pt_verdict *v)
{
	return !q->k->d[0].data_frames && !q->k->d[1].data_frames && auth_only(q->k, v);
}

static int cause_mppe(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!x->ccp_open && (x->mppe_wanted[0] || x->mppe_wanted[1] || x->mppe_refused_by >= 0)) {
		int asker = x->mppe_refused_by >= 0 ? !x->mppe_refused_by : (x->mppe_wanted[PT_DIR_PNS] ? PT_DIR_PNS : PT_DIR_PAC);
		evidence(v, x->mppe_refused_pkt);
		evidence(v, x->term_pkt);
		rule(v, k->rules_seen, PT_R_PPP_LCP_PROTOCOL_REJECT);
		if (x->mppe_refused_by >= 0) {
			vset(v, PT_V_MPPE_REFUSED,
			     "enable MPPE on the refusing side (pppd: require-mppe-128 or mppe required; Windows: allow \"optional encryption\"), or stop requiring it on the other",
			     "encryption refused: the %s asked for %s but the %s rejected MPPE (%s at packet %llu)%s%s%s",
			     side(asker), mppe_words(x->mppe_wanted[asker], wb, sizeof wb), side(x->mppe_refused_by),
			     x->mppe_refused_pkt && pt_rule_seen(k->rules_seen, PT_R_PPP_LCP_PROTOCOL_REJECT) ? "LCP Protocol-Reject of CCP"
															      : "CCP Configure-Reject",
			     (unsigned long long)x->mppe_refused_pkt, x->term_reason[0] ? "; the link ended with \"" : "",
			     x->term_reason, x->term_reason[0] ? "\"" : "");
			return 1;
		}
		if (k->down || x->term_dir >= 0 || over(c)) {
			vset(v, PT_V_CCP_FAILED,
			     "make both ends agree on MPPE key length and mode (stateless vs stateful: pppd refuses stateful unless mppe-stateful)",
			     "encryption never came up: the %s asked for %s and the %s asked for %s, CCP never opened%s%s%s",
			     side(PT_DIR_PNS), mppe_words(x->mppe_wanted[PT_DIR_PNS], wb, sizeof wb), side(PT_DIR_PAC),
			     mppe_words(x->mppe_wanted[PT_DIR_PAC], wb2, sizeof wb2), x->term_reason[0] ? " (\"" : "",
			     x->term_reason, x->term_reason[0] ? "\")" : "");
			return 1;
		}
	}
	return 0;
}

static int cause_mppe_ended(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!x->ccp_open && x->term_dir >= 0 && (strstr(x->term_reason, "MPPE") || strstr(x->term_reason, "ncrypt"))) {
		evidence(v, x->term_pkt);
		vset(v, PT_V_CCP_FAILED,
		     "the encryption settings cannot be met: MPPE needs MS-CHAP, and 40/56-bit keys with MS-CHAPv1 need LAN Manager hashes that pppd refuses; use MS-CHAPv2 or 128-bit MPPE on both ends",
		     "encryption could not start: the %s ended the link with \"%s\" before CCP was negotiated", side(x->term_dir),
		     x->term_reason);
		return 1;
	}
	return 0;
}

static int cause_before_ipcp(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!o->cp[PT_CPK_IPCP].ever_opened && !o->cp[PT_CPK_IPV6CP].ever_opened && !k->down && !over(c) && x->term_dir < 0 &&
	    k->clear_dir < 0) {
		vset(v, PT_V_INCOMPLETE, "capture longer to see the outcome",
		     "the capture ends before a network protocol (IPCP) came up: LCP %s, no verdict yet",
		     o->cp[PT_CPK_LCP].ever_opened ? "opened" : "still negotiating");
		return 1;
	}
	return 0;
}

static int cause_auth_ended(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!o->cp[PT_CPK_IPCP].ever_opened && !o->cp[PT_CPK_IPV6CP].ever_opened && x->term_dir >= 0 &&
	    o->cp[PT_CPK_IPCP].side[0].n_conf_req + o->cp[PT_CPK_IPCP].side[1].n_conf_req +
		    o->cp[PT_CPK_IPV6CP].side[0].n_conf_req + o->cp[PT_CPK_IPV6CP].side[1].n_conf_req == 0 &&
	    strstr(x->term_reason, "uthenticat")) {
		evidence(v, x->auth_pkt[!x->term_dir]);
		evidence(v, x->term_pkt);
		vset(v, PT_V_AUTH_FAILED,
		     "the client did not accept the server's proof of the password: check that it talks to the right server (give --password to check the MS-CHAPv2 S=)",
		     "authentication failed: the %s ended the link right after authentication with \"%s\" (packet %llu), before any network protocol",
		     side(x->term_dir), x->term_reason, (unsigned long long)x->term_pkt);
		return 1;
	}
	return 0;
}

static int cause_ipcp(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (!o->cp[PT_CPK_IPCP].ever_opened && !o->cp[PT_CPK_IPV6CP].ever_opened &&
	    (k->down || x->term_dir >= 0 || over(c)) && frames(k, 0) + frames(k, 1) > 0) {
		evidence(v, x->ipcp_termreq_pkt);
		evidence(v, x->term_pkt);
		vset(v, PT_V_IPCP_FAILED,
		     "check the server's address pool (pptpd: localip/remoteip) and that the client does not insist on a fixed address",
		     "no network protocol came up: IPCP never opened (the PNS Nak'd %llu and rejected %llu of the PAC's requests, the PAC Nak'd %llu and rejected %llu)",
		     (unsigned long long)x->ipcp_naks[PT_DIR_PNS], (unsigned long long)x->ipcp_rejs[PT_DIR_PNS],
		     (unsigned long long)x->ipcp_naks[PT_DIR_PAC], (unsigned long long)x->ipcp_rejs[PT_DIR_PAC]);
		return 1;
	}
	return 0;
}

static int cause_decrypt(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	for (int d = 0; d < 2; d++) {
		/* a frame of garbage passes the protocol check one time in two (a 1-octet odd protocol): count IP */
		if (x->keys == 1 && k->d[d].decrypt_failed && x->inner[d].ipv4 + x->inner[d].ipv6 == 0) {
			evidence(v, x->first_bad_pkt[d]);
			rule(v, k->rules_seen, PT_R_MPPE_DECRYPT_INVALID_PPP);
			vset(v, PT_V_DECRYPT_FAILED,
			     "if the password is right, the two ends disagree on the keys: check MPPE key length and stateful/stateless mode on both",
			     "none of the %llu encrypted frames from the %s decrypt to valid PPP with keys from the verified password (key mismatch, or stateful/stateless confusion; peers log \"Unsupported protocol\")",
			     (unsigned long long)x->enc_frames[d], side(d));
			return 1;
		}
	}
	return 0;
}

static int cause_lcp_echo(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	for (int d = 0; d < 2; d++) {
		if (x->t_first_unanswered[d] && x->lcp_echo_req[d] >= 2 && x->t_last_rx[!d] < x->t_first_unanswered[d] &&
		    (x->term_dir == d || k->down || over(c))) {
			int64_t secs = (x->t_last_rx[d] - x->t_first_unanswered[d]) / 1000000;
			evidence(v, x->pkt_first_unanswered[d]);
			evidence(v, x->term_pkt);
			vset(v, PT_V_ECHO_TIMEOUT,
			     "the peer or the path went away: check the peer's host, and for NAT/firewall state timeouts on GRE",
			     "the link died: the %s stopped answering LCP Echo-Requests; the %s kept asking for %lld s and then gave up",
			     side(!d), sideshort(d), (long long)secs);
			return 1;
		}
	}
	return 0;
}

static int cause_ctrl_echo(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (c && pt_rule_seen(c->rules_seen, PT_R_FSM_ECHO_UNANSWERED) && over(c)) {
		rule(v, c->rules_seen, PT_R_FSM_ECHO_UNANSWERED);
		vset(v, PT_V_ECHO_TIMEOUT, "the peer or the path went away: check the peer's host and the firewalls' TCP state",
		     "the control connection died: a PPTP Echo-Request went unanswered for 60 s");
		return 1;
	}
	return 0;
}

static int cause_path_died(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (x->term_dir < 0 && (k->clear_dir >= 0 || over(c))) {
		int64_t t_end = k->clear_dir >= 0 ? k->t_clear : c->t_end;
		uint64_t p_end = k->clear_dir >= 0 ? k->clear_pkt : c->end_pkt;
		for (int d = 0; d < 2; d++) {
			int64_t quiet = t_end - k->d[d].t_last;
			if (k->d[d].t_last && quiet >= 3000000 && t_end - k->d[!d].t_last < quiet) {
				evidence(v, k->d[d].last_pkt);
				evidence(v, p_end);
				vset(v, PT_V_ECHO_TIMEOUT,
				     "the path dropped everything from one side: check for a link failure, NAT or firewall state that timed out, or the peer's host",
				     "the link died: nothing from the %s reached the capture point for %lld.%01lld s, then the call was %s without an LCP Terminate (the keepalive LCP Echo-Requests timed out)",
				     side(d), (long long)(quiet / 1000000), (long long)(quiet / 100000 % 10),
				     k->clear_dir >= 0 ? (k->clear_dir == PT_DIR_PNS ? "cleared by the PNS (Call-Clear-Request)" : "cleared by the PAC") : "dropped with its control connection");
				return 1;
			}
		}
	}
	return 0;
}

static int cause_hangup(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (x->term_dir < 0 && k->clear_dir < 0 && !k->down && c && c->ended &&
	    (c->end_how == PT_END_FIN || c->end_how == PT_END_RST)) {
		int who = c->end_dir == 0 ? (c->pns_is_cli ? PT_DIR_PNS : PT_DIR_PAC) : (c->pns_is_cli ? PT_DIR_PAC : PT_DIR_PNS);
		evidence(v, c->end_pkt);
		vset(v, PT_V_HANGUP, "look at the log of that side: its PPTP or pppd process died, was killed, or lost its network",
		     "the tunnel worked, then the %s %s the control connection without any teardown (no LCP Terminate, no Call-Clear-Request): its process died or was killed",
		     side(who), c->end_how == PT_END_FIN ? "closed" : "reset");
		return 1;
	}
	return 0;
}

static int cause_mtu(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	if (x->oversize[0] || x->oversize[1]) {
		int d = x->oversize[0] ? 0 : 1;
		evidence(v, x->oversize_pkt[d]);
		rule(v, k->rules_seen, PT_R_PPP_MRU_EXCEEDED);
		vset(v, PT_V_MTU,
		     "lower the MTU of the tunnel interface (pppd: mtu 1400 or less) or raise the peer's MRU so that they match",
		     "the %s sent %llu frames larger than the MRU the other side negotiated: large packets will vanish", side(d),
		     (unsigned long long)x->oversize[d]);
		return 1;
	}
	return 0;
}

static int cause_ok(const vq *q, pt_verdict *v)
{
	VQ_LOCALS;
	{
		uint64_t up0 = user_data(k, 0), up1 = user_data(k, 1);
		size_t used = 0;
		char what[200];
		what[0] = 0;
		for (int a = 0; a < 2; a++)
			if (x->auth[a].proto)
				pt_fmt_cat(what, sizeof what, &used, "%s%s user \"%s\"%s", used ? ", " : "", auth_name(&x->auth[a]),
					   x->user[a], x->authv[a] == PT_AUTHV_OK ? " (password verified)" : x->authv[a] == PT_AUTHV_WRONG ? " (the password given does not match)" : "");
		if (x->ccp_open && x->key_bits)
			pt_fmt_cat(what, sizeof what, &used, "%s%s", used ? ", " : "", mppe_words(x->mppe_bits, wb, sizeof wb));
		else if (o->midsession && x->mppe_d_frames[0] + x->mppe_d_frames[1])
			/* RFC 3078 3.1: the D bit says encrypted; A on every packet says stateless */
			pt_fmt_cat(what, sizeof what, &used, "%snegotiated before the capture: MPPE %s, keys unknown", used ? ", " : "",
				   x->mppe_a_frames[0] + x->mppe_a_frames[1] == x->mppe_d_frames[0] + x->mppe_d_frames[1] ? "stateless" : "stateful");
		else if (pt_pppobs_lcp_assumed(o))
			pt_fmt_cat(what, sizeof what, &used, "%snegotiated before the capture, no encryption seen", used ? ", " : "");
		else
			pt_fmt_cat(what, sizeof what, &used, "%sno encryption", used ? ", " : "");
		evidence(v, x->auth_done_pkt);
		evidence(v, x->ipcp_open_pkt);
		if (up0 && up1) {
			vset(v, PT_V_OK, "", "OK: tunnel up (%s), data flowed both ways (%llu frames from the PNS, %llu from the PAC)",
			     what, (unsigned long long)up0, (unsigned long long)up1);
			if (x->inner[0].fragments + x->inner[1].fragments) {
				/* the inner packet plus PPP, MPPE, GRE and the outer IP header must fit the path MTU:
				 * tunnel MTU = path MTU - overhead, and TCP MSS = tunnel MTU - 40 (IPv4 + TCP headers) */
				int d = x->max_inner[1] > x->max_inner[0];
				unsigned ov = x->overhead[d], fit = ov < 1500 - 576 ? 1500 - ov : 576;
				unsigned mru = pt_pppobs_lcp_assumed(o) ? x->max_inner[d] : o->lcp[!d].mru;
				unsigned long long nf = x->inner[0].fragments + x->inner[1].fragments;
				if (mru + ov > 1500)
					/* full-size tunnel packets do not fit the path: the tunnel MTU is too large */
					snprintf(v->advice, sizeof v->advice,
						 "%llu inner IP fragments; a %u-octet inner packet takes %u octets of PPP%s, GRE and outer IP headers, so a 1500-octet path carries at most %u: set the tunnel MTU to %u (pppd: mtu %u) and clamp TCP MSS to %u",
						 nf, x->max_inner[d], ov, x->enc_frames[d] ? ", MPPE" : "", fit, fit, fit, fit - 40);
				else
					/* the tunnel fits the path: the senders' packets were larger than the tunnel MTU */
					snprintf(v->advice, sizeof v->advice,
						 "%llu inner IP fragments: the senders' packets were larger than the tunnel MTU %u (the largest inner packet, %u octets + %u of PPP%s, GRE and IP headers, fits a 1500-octet path); clamp TCP MSS to %u on the tunnel so TCP does not fragment",
						 nf, mru, x->max_inner[d], ov, x->enc_frames[d] ? ", MPPE" : "", mru - 40);
			}
		}
		else
			vset(v, PT_V_OK_NO_DATA, "send traffic through the tunnel to test it (routes on the client?)",
			     "tunnel up (%s) but user data went %s", what,
			     !up0 && !up1 ? "neither way" : up0 ? "only from the PNS" : "only from the PAC");
		loss_words(k, v);
	}
	return 1;
}

enum { VQ_ANY = 0, VQ_NOT_ASSUMED = 1, VQ_ONLY_ASSUMED = 2 };

/*
 * The verdict table: the first row whose cause applies writes the verdict.  Each row is the cause, the evidence
 * it needs (what its function checks), and the function that writes its sentence; `when` leaves out the rows
 * that only follow from seeing the negotiation when the capture starts after it.  A new or a refined cause is
 * a row here, and a crafted capture with its test (tests/verdicts/LIST, tests/analyzer/truth.sh).
 */
static const struct verdict_row {
	const char *cause;
	const char *needs;
	int (*decide)(const vq *q, pt_verdict *v);
	int when;
} verdict_rows[] = {
	{ "call-refused", "an Outgoing/Incoming-Call-Reply with a Result Code other than 1 (RFC 2637 2.8, 2.10)", cause_call_refused, VQ_ANY },
	{ "call-no-reply, incomplete", "a call request without reply and no GRE for it", cause_call_no_reply, VQ_ANY },
	{ "incomplete", "no GRE yet, the capture ends within one LCP Restart timer (3 s) of the call coming up", cause_gre_early, VQ_ANY },
	{ "control-only", "the call came up, no GRE at all in the capture", cause_control_only, VQ_ANY },
	{ "gre-blocked", "none of the call's GRE, while the capture holds other GRE", cause_gre_none, VQ_ANY },
	{ "gre-one-way, incomplete", "GRE from one side: blocked with 3 LCP Configure-Requests unanswered (PT_LCP_RETRIES_EVIDENCE); otherwise ended or incomplete", cause_gre_one_way, VQ_ANY },
	{ "lcp-failed, incomplete", "LCP never opened (or incomplete while it still negotiates)", cause_lcp, VQ_NOT_ASSUMED },
	{ "auth-failed, auth-forged", "an authentication Failure, a forged MS-CHAPv2 Success, or no answer before the link went down", cause_auth, VQ_ANY },
	{ "incomplete", "the capture holds only the authentication", cause_auth_only, VQ_ONLY_ASSUMED },
	{ "encryption-refused, encryption-failed", "MPPE asked for and rejected, or CCP never opened before the end", cause_mppe, VQ_NOT_ASSUMED },
	{ "encryption-failed", "the link ended naming encryption before CCP", cause_mppe_ended, VQ_NOT_ASSUMED },
	{ "incomplete", "the capture ends before a network protocol came up", cause_before_ipcp, VQ_NOT_ASSUMED },
	{ "auth-failed", "the link ended right after authentication naming it, before any NCP", cause_auth_ended, VQ_NOT_ASSUMED },
	{ "ipcp-failed", "IPCP (and IPV6CP) never opened before the end", cause_ipcp, VQ_NOT_ASSUMED },
	{ "decrypt-failed", "keys from a verified password, and no encrypted frame of a side decrypts to IP", cause_decrypt, VQ_ANY },
	{ "echo-timeout", "LCP Echo-Requests of one side unanswered until it gave up", cause_lcp_echo, VQ_ANY },
	{ "echo-timeout", "a PPTP Echo-Request unanswered for 60 s, then the connection ended", cause_ctrl_echo, VQ_ANY },
	{ "echo-timeout", "one side silent for 3 s or more before the call was cleared without LCP Terminate", cause_path_died, VQ_ANY },
	{ "hangup", "TCP closed or reset with no LCP Terminate and no Call-Clear-Request", cause_hangup, VQ_ANY },
	{ "mtu", "frames above the receiver's MRU", cause_mtu, VQ_ANY },
	{ "ok, ok-no-data", "none of the above: up, with or without data (and the losses GRE shows)", cause_ok, VQ_ANY },
};

void pt_verdict_call(const pt_tunnel *t, const pt_call *k, pt_verdict *v)
{
	vq q;
	const pt_pppobs *o = &k->ext->ppp;

	memset(v, 0, sizeof *v);
	v->conn = k->conn;
	v->call = k->idx;
	q.t = t;
	q.k = k;
	q.c = k->conn ? conn_of(t, k->conn) : NULL;
	q.x = k->ext;
	q.fc = q.c && k->fsm_call >= 0 ? pt_ctrl_conn_call(&q.c->fsm, k->fsm_call) : NULL;
	q.o = o;
	/* a capture that starts after LCP: no LCP to judge; authentication if it is in the capture, then the data */
	q.assumed = pt_pppobs_lcp_assumed(o) ||
		    (!o->cp[PT_CPK_LCP].side[0].n_conf_req && !o->cp[PT_CPK_LCP].side[1].n_conf_req &&
		     k->d[0].data_frames + k->d[1].data_frames > 0);
	teardown(t, k, q.c, v);
	for (size_t i = 0; i < sizeof verdict_rows / sizeof verdict_rows[0]; i++) {
		const struct verdict_row *r = &verdict_rows[i];
		if ((r->when == VQ_NOT_ASSUMED && q.assumed) || (r->when == VQ_ONLY_ASSUMED && !q.assumed))
			continue;
		if (r->decide(&q, v))
			return;
	}
}

int pt_verdict_conn(const pt_tunnel *t, const pt_conn *c, pt_verdict *v)
{
	char buf[160], a[64];

	(void)t;
	if (c->ncalls)
		return 0;
	memset(v, 0, sizeof *v);
	v->conn = c->idx;
	v->call = -1;
	pt_addr_fmt(&c->srv, 1, a, sizeof a);
	if (c->tcp.syn && !c->tcp.synack && !c->msgs[0] && !c->msgs[1]) {
		evidence(v, c->tcp.syn_pkt);
		if (c->tcp.rst_from[1])
			vset(v, PT_V_TCP_REFUSED, "start the PPTP server (pptpd) or open TCP port 1723 on its firewall",
			     "TCP connection to %s refused (RST): no PPTP server listens there", a);
		else
			vset(v, PT_V_TCP_NO_ANSWER,
			     "check the server address, that the server runs, and that TCP port 1723 is open on every firewall on the way",
			     "TCP connection to %s never answered: the SYN got no SYN-ACK (server down, or TCP 1723 filtered)", a);
		return 1;
	}
	switch ((enum pt_conn_state)c->fsm.state) {
	case PT_CONN_IDLE:
		vset(v, over(c) ? PT_V_CTRL_BROKEN : PT_V_INCOMPLETE, "look at the findings of this connection",
		     "no Start-Control-Connection exchange was seen on this connection");
		return 1;
	case PT_CONN_WAIT_SCCRP:
		vset(v, over(c) ? PT_V_CTRL_NO_REPLY : PT_V_INCOMPLETE, "check the server's log: it accepted TCP but did not speak PPTP",
		     "the server accepted TCP %s but never answered the Start-Control-Connection-Request", a);
		return 1;
	case PT_CONN_CLOSED:
		if (c->refuse_pkt) {
			evidence(v, c->refuse_pkt);
			vset(v, PT_V_CTRL_REFUSED,
			     c->fsm.result == 5 ? "use a client that speaks PPTP version 1"
			     : c->fsm.result == 2 && c->fsm.error == PT_GERR_NO_RESOURCE ? "the server is out of resources: raise its connection limit or wait for sessions to end"
			     : c->fsm.result == 4 ? "the server does not accept control connections from this address: check its access rules"
						  : "see the server's log for the reason",
			     "the server refused the control connection: Start-Control-Connection-Reply %s",
			     pt_verdict_ctrl_result(PT_CTRL_SCCRP, c->fsm.result, c->fsm.error, buf, sizeof buf));
			return 1;
		}
		PT_FALLTHROUGH;
	case PT_CONN_ESTABLISHED:
	case PT_CONN_WAIT_STOPCCRP:
		if (!c->midstream && !c->msgs[c->pns_is_cli ? 1 : 0]) {
			/* the PAC never said a word: a StopCCRQ of the PNS does not make the connection "up" */
			evidence(v, c->stop_pkt);
			vset(v, PT_V_CTRL_NO_REPLY, "check the server's log: it accepted TCP but did not speak PPTP",
			     "the server accepted TCP %s but never answered the Start-Control-Connection-Request; the %s gave up%s",
			     a, sideshort(c->stop_dir), c->stop_pkt ? " with a Stop-Control-Connection-Request" : "");
			return 1;
		}
		evidence(v, c->stop_pkt);
		vset(v, PT_V_NO_CALL, "the client set up the control connection but placed no call: check the client's log",
		     "the control connection came up but no call was placed%s%s", c->stop_pkt ? "; it was stopped by the " : "",
		     c->stop_pkt ? sideshort(c->stop_dir) : "");
		return 1;
	}
	return 1;
}

size_t pt_verdict_nrows(void)
{
	return sizeof verdict_rows / sizeof verdict_rows[0];
}

const char *pt_verdict_row(size_t i, const char **needs)
{
	if (i >= pt_verdict_nrows())
		return NULL;
	if (needs)
		*needs = verdict_rows[i].needs;
	return verdict_rows[i].cause;
}
