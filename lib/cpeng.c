/* cpeng.c: an active PPP control-protocol endpoint (LCP, CCP, IPCP, IPV6CP) on the RFC 1661 4.1 automaton, with one option policy per protocol (RFC 1661 5-6, RFC 1962, RFC 3078 2, RFC 1332, RFC 1877, RFC 5072). */
#include <string.h>

#include "auth.h"
#include "cpeng.h"
#include "ppp.h"

/*
 * The shape follows pppd's fsm.c: pt_cpfsm_event() says what to do, run()
 * does it.  A received Configure-Request is judged by the protocol's policy
 * before the event is known (RCR+ or RCR-), so the answer is built first and
 * sent when the automaton asks for sca/scn.  No allocation; every packet
 * octet is read through the cursor.  Callbacks must not feed packets back into
 * the same engine from inside a callback (queue them, as the tests do).
 */

const pt_vs pt_authm_vs[] = {
	{ PT_AUTHM_NONE, "none" },
	{ PT_AUTHM_PAP, "pap" },
	{ PT_AUTHM_CHAP_MD5, "chap-md5" },
	{ PT_AUTHM_MSCHAPV1, "mschapv1" },
	{ PT_AUTHM_MSCHAPV2, "mschapv2" },
	{ 0, NULL }
};

void pt_authm_to_opt(int m, uint16_t *proto, uint8_t *alg)
{
	*proto = 0;
	*alg = 0;
	switch (m) {
	case PT_AUTHM_PAP: /* RFC 1334 2.1 */
		*proto = PT_PPP_PAP;
		break;
	case PT_AUTHM_CHAP_MD5: /* RFC 1994 3 */
		*proto = PT_PPP_CHAP;
		*alg = PT_CHAP_ALG_MD5;
		break;
	case PT_AUTHM_MSCHAPV1: /* RFC 2433 4 */
		*proto = PT_PPP_CHAP;
		*alg = PT_CHAP_ALG_MSCHAPV1;
		break;
	case PT_AUTHM_MSCHAPV2: /* RFC 2759 2 */
		*proto = PT_PPP_CHAP;
		*alg = PT_CHAP_ALG_MSCHAPV2;
		break;
	default:
		break;
	}
}

int pt_authm_from_opt(uint16_t proto, uint8_t alg)
{
	if (proto == PT_PPP_PAP)
		return PT_AUTHM_PAP;
	if (proto != PT_PPP_CHAP)
		return PT_AUTHM_NONE;
	switch (alg) {
	case PT_CHAP_ALG_MD5:
		return PT_AUTHM_CHAP_MD5;
	case PT_CHAP_ALG_MSCHAPV1:
		return PT_AUTHM_MSCHAPV1;
	case PT_CHAP_ALG_MSCHAPV2:
		return PT_AUTHM_MSCHAPV2;
	default:
		return PT_AUTHM_NONE;
	}
}

/* ---- small helpers ---- */

#define DEFAULT_MRU 1500 /* RFC 1661 6.1 */
#define MIN_MRU 64        /* the least MRU we let a peer ask for (policy: min_peer_mru) */

enum verdict { V_ACK = 0, V_NAK = 1, V_REJ = 2 };

/* Values of the peer's Configure-Request, kept once we Ack it. */
typedef struct peer_req {
	uint16_t mru;
	uint32_t accm;
	uint32_t magic;
	uint8_t auth;
	uint8_t pfc, acfc;
	uint32_t bits;
	uint8_t addr[4];
	uint8_t ifid[8];
} peer_req;

/* What run() needs from the packet or timer that caused the event. */
typedef struct evctx {
	const pt_cp_pkt *p;        /* received packet, or NULL */
	pt_cursor raw;             /* the received packet's Length octets (for Code-Reject) */
	const uint8_t *reply;      /* sca/scn answer built by the policy */
	size_t reply_len;
	int reply_rej;             /* the scn answer is a Configure-Reject */
	const peer_req *peer;      /* committed on sca */
	int retransmit;            /* TO+: send the same packet again */
	int64_t now;
} evctx;

static int zero_n(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return 0;
	return 1;
}

static int negotiating(int state)
{
	return state == PT_CPS_REQ_SENT || state == PT_CPS_ACK_RCVD || state == PT_CPS_ACK_SENT;
}

static void emit(pt_cpeng *e, const uint8_t *pkt, size_t len)
{
	if (e->cb.send)
		e->cb.send(e->cb.user, e->kind, pkt, len);
}

static void copy_printable(char *dst, size_t cap, const pt_cursor *src)
{
	pt_cursor c = *src;
	size_t n = 0;
	uint8_t ch;

	while (n + 1 < cap && pt_get_u8(&c, &ch) == PT_OK)
		dst[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
	dst[n] = '\0';
}

/* A Magic-Number to suggest or switch to: deterministic (the caller's random value drives it),
 * never zero (RFC 1661 6.4) and never one of the two given. */
static uint32_t magic_other(uint32_t seed, uint32_t not_a, uint32_t not_b)
{
	uint32_t x = seed;

	do
		x = x * 1664525u + 1013904223u;
	while (x == 0 || x == not_a || x == not_b);
	return x;
}

/* Strongest MPPE key length among bits (RFC 3078 2: S 128, M 56, L 40). */
static uint32_t mppe_strongest(uint32_t bits)
{
	if (bits & PT_CCP_MPPE_S)
		return PT_CCP_MPPE_S;
	if (bits & PT_CCP_MPPE_M)
		return PT_CCP_MPPE_M;
	if (bits & PT_CCP_MPPE_L)
		return PT_CCP_MPPE_L;
	return 0;
}

/* ---- our Configure-Request ---- */

static const uint8_t lcp_order[] = { PT_LCP_OPT_MRU, PT_LCP_OPT_ACCM, PT_LCP_OPT_AUTH,
				     PT_LCP_OPT_MAGIC, PT_LCP_OPT_PFC, PT_LCP_OPT_ACFC };
static const uint8_t ccp_order[] = { PT_CCP_OPT_MPPE };
static const uint8_t ipcp_order[] = { PT_IPCP_OPT_ADDR, PT_IPCP_OPT_DNS1, PT_IPCP_OPT_DNS2 };
static const uint8_t ipv6cp_order[] = { PT_IPV6CP_OPT_IFID };

static const uint8_t *order_of(int kind, size_t *n)
{
	switch (kind) {
	case PT_CPK_LCP:
		*n = sizeof lcp_order;
		return lcp_order;
	case PT_CPK_CCP:
		*n = sizeof ccp_order;
		return ccp_order;
	case PT_CPK_IPCP:
		*n = sizeof ipcp_order;
		return ipcp_order;
	case PT_CPK_IPV6CP:
		*n = sizeof ipv6cp_order;
		return ipv6cp_order;
	default:
		*n = 0;
		return NULL;
	}
}

static uint8_t ext_bit(int kind, uint8_t type)
{
	if (kind == PT_CPK_IPCP && type == PT_IPCP_OPT_DNS1)
		return 1;
	if (kind == PT_CPK_IPCP && type == PT_IPCP_OPT_DNS2)
		return 2;
	return 0;
}

static int is_rejected(const pt_cpeng *e, uint8_t type)
{
	if (type < 32)
		return (e->rejected >> type) & 1u;
	return (e->rejected_ext & ext_bit(e->kind, type)) != 0;
}

static void mark_rejected(pt_cpeng *e, uint8_t type)
{
	if (type < 32)
		e->rejected |= 1u << type;
	else
		e->rejected_ext |= ext_bit(e->kind, type);
}

/* Does our request carry this option now? */
static int want_opt(const pt_cpeng *e, uint8_t type)
{
	if (is_rejected(e, type))
		return 0;
	switch (e->kind) {
	case PT_CPK_LCP:
		switch (type) {
		case PT_LCP_OPT_MRU:
			return e->req_mru != 0;
		case PT_LCP_OPT_ACCM:
			return e->pol.lcp.want_accm != 0;
		case PT_LCP_OPT_AUTH:
			return e->req_auth != PT_AUTHM_NONE;
		case PT_LCP_OPT_MAGIC:
			return e->req_magic != 0;
		case PT_LCP_OPT_PFC:
			return e->pol.lcp.want_pfc != 0;
		case PT_LCP_OPT_ACFC:
			return e->pol.lcp.want_acfc != 0;
		default:
			return 0;
		}
	case PT_CPK_CCP:
		return type == PT_CCP_OPT_MPPE && e->req_bits != 0;
	case PT_CPK_IPCP:
		if (type == PT_IPCP_OPT_ADDR)
			return 1;
		return (type == PT_IPCP_OPT_DNS1 || type == PT_IPCP_OPT_DNS2) && e->pol.ipcp.want_dns;
	case PT_CPK_IPV6CP:
		return type == PT_IPV6CP_OPT_IFID;
	default:
		return 0;
	}
}

/* One of our options with its current value. */
static void put_our_opt(const pt_cpeng *e, uint8_t type, pt_writer *w)
{
	pt_cp_optval v;

	memset(&v, 0, sizeof v);
	switch (e->kind) {
	case PT_CPK_LCP:
		switch (type) {
		case PT_LCP_OPT_MRU:
			v.u16 = e->req_mru;
			break;
		case PT_LCP_OPT_ACCM:
			v.u32 = e->req_accm;
			break;
		case PT_LCP_OPT_AUTH:
			pt_authm_to_opt(e->req_auth, &v.proto.proto, &v.proto.alg);
			break;
		case PT_LCP_OPT_MAGIC:
			v.u32 = e->req_magic;
			break;
		default: /* PFC, ACFC: no data */
			break;
		}
		break;
	case PT_CPK_CCP:
		v.u32 = e->req_bits;
		break;
	case PT_CPK_IPCP:
		if (type == PT_IPCP_OPT_ADDR)
			memcpy(v.addr, e->req_addr, 4);
		else
			memcpy(v.addr, e->req_dns[type == PT_IPCP_OPT_DNS2], 4);
		break;
	case PT_CPK_IPV6CP:
		memcpy(v.addr, e->req_ifid, 8);
		break;
	default:
		return;
	}
	(void)pt_cp_opt_build(e->kind, type, &v, w);
}

static void build_request(const pt_cpeng *e, pt_writer *w)
{
	size_t n;
	const uint8_t *order = order_of(e->kind, &n);

	for (size_t i = 0; i < n; i++)
		if (want_opt(e, order[i]))
			put_our_opt(e, order[i], w);
	/* test knob: raw options as given, less those the peer rejected */
	pt_put_bytes(w, e->extra_now, e->nextra_now);
}

/* The negotiated values go back to their RFC defaults (counters stay). */
static void reset_results(pt_cpeng *e)
{
	pt_cpeng_result *r = &e->res;

	r->peer_mru = DEFAULT_MRU;
	r->our_mru = DEFAULT_MRU;
	r->our_magic = r->peer_magic = 0;
	r->our_auth = r->peer_auth = PT_AUTHM_NONE;
	r->tx_pfc = r->tx_acfc = r->rx_pfc = r->rx_acfc = 0;
	r->peer_accm = 0xffffffffu; /* RFC 1661 6.2 default */
	r->rx_bits = r->tx_bits = 0;
	r->mppe_rejected = 0;
	memset(r->local, 0, sizeof r->local);
	memset(r->peer, 0, sizeof r->peer);
	memset(r->dns, 0, sizeof r->dns);
	memset(r->local_ifid, 0, sizeof r->local_ifid);
	memset(r->peer_ifid, 0, sizeof r->peer_ifid);
}

/* A new negotiation starts from the policy (pppd's resetci). */
static void reset_request(pt_cpeng *e)
{
	e->rejected = 0;
	e->rejected_ext = 0;
	e->req_mru = e->pol.lcp.mru;
	e->req_accm = e->pol.lcp.accm;
	e->req_magic = e->pol.lcp.magic;
	e->req_auth = e->pol.lcp.auth < PT_AUTHM__N ? e->pol.lcp.auth : PT_AUTHM_NONE;
	e->req_bits = e->pol.ccp.want_bits;
	memcpy(e->req_addr, e->pol.ipcp.local, 4);
	memset(e->req_dns, 0, sizeof e->req_dns);
	memcpy(e->req_ifid, e->pol.ipv6cp.ifid, 8);
	e->nextra_now = e->pol.nextra <= sizeof e->extra_now ? e->pol.nextra : sizeof e->extra_now;
	memcpy(e->extra_now, e->pol.extra, e->nextra_now);
	e->failures_rcvd = 0;
	reset_results(e);
}

/* Our request was acked: what it asked for is agreed. */
static void commit_ours(pt_cpeng *e)
{
	pt_cpeng_result *r = &e->res;

	switch (e->kind) {
	case PT_CPK_LCP:
		r->our_mru = want_opt(e, PT_LCP_OPT_MRU) ? e->req_mru : DEFAULT_MRU;
		r->our_magic = want_opt(e, PT_LCP_OPT_MAGIC) ? e->req_magic : 0;
		r->our_auth = want_opt(e, PT_LCP_OPT_AUTH) ? e->req_auth : PT_AUTHM_NONE;
		r->rx_pfc = (uint8_t)want_opt(e, PT_LCP_OPT_PFC);
		r->rx_acfc = (uint8_t)want_opt(e, PT_LCP_OPT_ACFC);
		break;
	case PT_CPK_CCP:
		r->rx_bits = want_opt(e, PT_CCP_OPT_MPPE) ? e->req_bits : 0;
		break;
	case PT_CPK_IPCP:
		memcpy(r->local, e->req_addr, 4);
		if (want_opt(e, PT_IPCP_OPT_DNS1))
			memcpy(r->dns[0], e->req_dns[0], 4);
		if (want_opt(e, PT_IPCP_OPT_DNS2))
			memcpy(r->dns[1], e->req_dns[1], 4);
		break;
	case PT_CPK_IPV6CP:
		memcpy(r->local_ifid, e->req_ifid, 8);
		break;
	default:
		break;
	}
}

/* The peer's request was acked. */
static void commit_peer(pt_cpeng *e, const peer_req *pr)
{
	pt_cpeng_result *r = &e->res;

	switch (e->kind) {
	case PT_CPK_LCP:
		r->peer_mru = pr->mru;
		r->peer_accm = pr->accm;
		r->peer_magic = pr->magic;
		r->peer_auth = pr->auth;
		r->tx_pfc = pr->pfc;
		r->tx_acfc = pr->acfc;
		break;
	case PT_CPK_CCP:
		r->tx_bits = pr->bits;
		break;
	case PT_CPK_IPCP:
		memcpy(r->peer, pr->addr, 4);
		break;
	case PT_CPK_IPV6CP:
		memcpy(r->peer_ifid, pr->ifid, 8);
		break;
	default:
		break;
	}
}

/* ---- the actions (RFC 1661 4.4) ---- */

static void send_request(pt_cpeng *e, const evctx *x, int prev_state)
{
	if (!x->retransmit || e->req_len < 4) {
		pt_writer w = pt_wr(e->req_pkt, sizeof e->req_pkt);
		size_t st;

		/* a fresh negotiation (not a reply to a Nak/Reject) starts from the policy */
		if (!negotiating(prev_state))
			reset_request(e);
		/* RFC 1661 5.1: a new Identifier whenever the options change or a reply came */
		e->id = e->next_id++;
		st = pt_cp_begin(&w, PT_CP_CONF_REQ, e->id);
		build_request(e, &w);
		if (pt_cp_end(&w, st) != PT_OK) {
			e->req_len = 0;
			return;
		}
		e->req_len = pt_wlen(&w);
	}
	/* RFC 1661 5.1: "For retransmissions, the Identifier MAY remain unchanged" (pppd keeps it) */
	e->seen_reply = 0;
	e->res.confreq_sent++;
	emit(e, e->req_pkt, e->req_len);
}

static void send_simple(pt_cpeng *e, uint8_t code, uint8_t id, const void *data, size_t len)
{
	uint8_t buf[PT_CPENG_MAX_PKT];
	pt_writer w = pt_wr(buf, sizeof buf);
	size_t st = pt_cp_begin(&w, code, id);

	pt_put_bytes(&w, data, len);
	if (pt_cp_end(&w, st) == PT_OK)
		emit(e, buf, pt_wlen(&w));
}

static void send_terminate(pt_cpeng *e, const evctx *x)
{
	if (!x->retransmit)
		e->term_id = e->next_id++;
	/* RFC 1661 5.5: Data, zero or more octets, "uninterpreted" */
	send_simple(e, PT_CP_TERM_REQ, e->term_id, e->term_text, strnlen(e->term_text, sizeof e->term_text));
}

static void send_code_reject(pt_cpeng *e, const evctx *x)
{
	uint8_t buf[PT_CPENG_MAX_PKT];
	pt_writer w = pt_wr(buf, sizeof buf);
	pt_cursor rej = x->raw, cut;
	size_t room = e->res.peer_mru < sizeof buf ? e->res.peer_mru : sizeof buf;
	size_t st = pt_cp_begin(&w, PT_CP_CODE_REJ, e->next_id++);

	/* RFC 1661 5.6: Rejected-Packet, truncated to the peer's MRU */
	(void)pt_sub(&rej, room >= 4 && pt_left(&rej) > room - 4 ? room - 4 : pt_left(&rej), &cut);
	pt_put_cursor(&w, &cut);
	if (pt_cp_end(&w, st) == PT_OK)
		emit(e, buf, pt_wlen(&w));
}

static void send_echo_reply(pt_cpeng *e, const pt_cp_pkt *p)
{
	uint8_t buf[PT_CPENG_MAX_PKT];
	pt_writer w = pt_wr(buf, sizeof buf);
	size_t st = pt_cp_begin(&w, PT_CP_ECHO_REP, p->id);

	/* RFC 1661 5.8: our Magic-Number (zero when not negotiated), the Data copied */
	pt_put_u32(&w, e->res.our_magic);
	pt_put_cursor(&w, &p->rest);
	if (pt_cp_end(&w, st) == PT_OK)
		emit(e, buf, pt_wlen(&w));
}

static void run(pt_cpeng *e, enum pt_cp_event ev, const evctx *x)
{
	unsigned acts, failures = e->fsm.failures;
	int prev = e->fsm.state;

	/* RFC 1661 4.4 Illegal-Event: nothing happens */
	if (pt_cpfsm_event(&e->fsm, ev, &acts) < 0)
		return;
	/* RFC 1661 4.6 Max-Failure counts Naks sent "without sending a Configure-Ack"; cpfsm clears
	 * it on every irc, so a Nak received (RCN: irc, scr) would restart it and two peers Nak-ing
	 * each other never converge.  pppd clears it only when a negotiation starts: keep it
	 * across RCA/RCN while negotiating. */
	if ((acts & PT_CPA_IRC) && negotiating(prev) && !(acts & (PT_CPA_SCA | PT_CPA_SCN | PT_CPA_STR)))
		e->fsm.failures = failures;
	if ((acts & PT_CPA_TLD) && e->cb.down)
		e->cb.down(e->cb.user, e->kind);
	/* [p] pppd's passive option: the lower layer is not told to finish, we wait in Stopped */
	if ((acts & PT_CPA_TLF) && e->cb.finished && !((acts & PT_CPA_NOTE_PASSIVE) && e->pol.passive))
		e->cb.finished(e->cb.user, e->kind);
	if (acts & PT_CPA_SCR)
		send_request(e, x, prev);
	if ((acts & PT_CPA_SCA) && x->reply) {
		if (x->peer)
			commit_peer(e, x->peer);
		emit(e, x->reply, x->reply_len);
	}
	if ((acts & PT_CPA_SCN) && x->reply) {
		if (x->reply_rej)
			e->res.rej_sent++;
		else
			e->res.nak_sent++;
		emit(e, x->reply, x->reply_len);
	}
	if (acts & PT_CPA_STR)
		send_terminate(e, x);
	if (acts & PT_CPA_STA)
		send_simple(e, PT_CP_TERM_ACK, x->p ? x->p->id : e->next_id++, NULL, 0);
	if ((acts & PT_CPA_SCJ) && x->p)
		send_code_reject(e, x);
	if ((acts & PT_CPA_SER) && x->p && e->kind == PT_CPK_LCP && x->p->code == PT_CP_ECHO_REQ)
		send_echo_reply(e, x->p);
	/* RFC 1661 4.1: the Restart timer runs in Closing, Stopping, Req-Sent, Ack-Rcvd, Ack-Sent;
	 * it restarts with every scr/str and with zrc (4.4) */
	if (!pt_cpfsm_timer_running(e->fsm.state))
		e->deadline = -1;
	else if ((acts & (PT_CPA_SCR | PT_CPA_STR | PT_CPA_ZRC)) || e->deadline < 0)
		e->deadline = x->now + e->pol.restart_us;
	if ((acts & PT_CPA_TLU) && e->cb.up)
		e->cb.up(e->cb.user, e->kind);
}

static void run_simple(pt_cpeng *e, enum pt_cp_event ev, int64_t now)
{
	evctx x;

	memset(&x, 0, sizeof x);
	x.now = now;
	run(e, ev, &x);
}

/* ---- judging the peer's Configure-Request (RFC 1661 5.2-5.4) ---- */

static void put_addr_opt(int kind, uint8_t type, const uint8_t *a, size_t n, pt_writer *w)
{
	pt_cp_optval v;

	memset(&v, 0, sizeof v);
	memcpy(v.addr, a, n);
	(void)pt_cp_opt_build(kind, type, &v, w);
}

static int judge_lcp(pt_cpeng *e, const pt_cp_opt *o, const pt_cp_optval *v, int dec, pt_writer *nak,
		     peer_req *pr)
{
	const pt_lcp_policy *pol = &e->pol.lcp;
	pt_cp_optval s;

	memset(&s, 0, sizeof s);
	/* a known option of impossible length is rejected (pppd does the same) */
	if (dec != PT_OK && o->type != PT_LCP_OPT_AUTH)
		return V_REJ;
	switch (o->type) {
	case PT_LCP_OPT_MRU: {
		uint16_t min = pol->min_peer_mru ? pol->min_peer_mru : MIN_MRU;
		if (v->u16 < min) {
			s.u16 = min;
			(void)pt_cp_opt_build(PT_CPK_LCP, PT_LCP_OPT_MRU, &s, nak);
			return V_NAK;
		}
		pr->mru = v->u16;
		return V_ACK;
	}
	case PT_LCP_OPT_ACCM:
		pr->accm = v->u32;
		return V_ACK;
	case PT_LCP_OPT_AUTH: {
		/* RFC 1661 6.2: the peer requires us to authenticate with this method */
		int m = dec == PT_OK ? pt_authm_from_opt(v->proto.proto, v->proto.alg) : PT_AUTHM_NONE;
		static const uint8_t strongest[] = { PT_AUTHM_MSCHAPV2, PT_AUTHM_MSCHAPV1, PT_AUTHM_CHAP_MD5,
						     PT_AUTHM_PAP };
		int sug = PT_AUTHM_NONE;

		if (m != PT_AUTHM_NONE && (pol->accept_auth & PT_AUTHM_BIT(m))) {
			pr->auth = (uint8_t)m;
			return V_ACK;
		}
		/* RFC 1661 6.2: Nak with the method we want; the first of auth_pref we accept */
		for (size_t i = 0; i < PT_AUTHM__N && pol->auth_pref[i]; i++)
			if (pol->auth_pref[i] < PT_AUTHM__N && (pol->accept_auth & PT_AUTHM_BIT(pol->auth_pref[i]))) {
				sug = pol->auth_pref[i];
				break;
			}
		for (size_t i = 0; sug == PT_AUTHM_NONE && i < sizeof strongest; i++)
			if (pol->accept_auth & PT_AUTHM_BIT(strongest[i]))
				sug = strongest[i];
		if (sug == PT_AUTHM_NONE)
			return V_REJ; /* we authenticate with nothing: refuse the option */
		pt_authm_to_opt(sug, &s.proto.proto, &s.proto.alg);
		(void)pt_cp_opt_build(PT_CPK_LCP, PT_LCP_OPT_AUTH, &s, nak);
		return V_NAK;
	}
	case PT_LCP_OPT_MAGIC:
		/* RFC 1661 6.4: zero MUST be Nak'd; our own value means a looped-back link (or a
		 * collision): Nak with another value */
		if (v->u32 == 0 || (want_opt(e, PT_LCP_OPT_MAGIC) && v->u32 == e->req_magic)) {
			s.u32 = magic_other(v->u32 ^ e->req_magic ^ 0x5a5a5a5au, e->req_magic, v->u32);
			(void)pt_cp_opt_build(PT_CPK_LCP, PT_LCP_OPT_MAGIC, &s, nak);
			return V_NAK;
		}
		pr->magic = v->u32;
		return V_ACK;
	case PT_LCP_OPT_PFC:
		/* RFC 1661 6.5: boolean, so Reject (not Nak) when unwanted */
		if (!pol->accept_pfc)
			return V_REJ;
		pr->pfc = 1;
		return V_ACK;
	case PT_LCP_OPT_ACFC:
		if (!pol->accept_acfc)
			return V_REJ;
		pr->acfc = 1;
		return V_ACK;
	default:
		/* Quality, Callback, Multilink, ...: not offered by this end (RFC 1661 5.4) */
		return V_REJ;
	}
}

static int judge_ccp(pt_cpeng *e, const pt_cp_opt *o, const pt_cp_optval *v, int dec, pt_writer *nak,
		     peer_req *pr, const char **close_reason)
{
	const pt_ccp_policy *pol = &e->pol.ccp;
	uint32_t acc = pol->accept_bits, bits, common, prop;
	pt_cp_optval s;

	if (o->type != PT_CCP_OPT_MPPE || dec != PT_OK)
		return V_REJ; /* only MPPE/MPPC is offered (RFC 1962 4) */
	bits = v->u32;
	common = bits & acc & PT_CCP_MPPE_KEYS;
	if (!common) {
		if (pol->require)
			*close_reason = "no common MPPE key length";
		return V_REJ;
	}
	/* RFC 3078 2: exactly one key length; offered several, we name the strongest we accept */
	prop = mppe_strongest(common) | (bits & acc & (PT_CCP_MPPE_H | PT_CCP_MPPE_C));
	if (pol->nak_stateless)
		prop &= ~PT_CCP_MPPE_H;
	if (prop == bits) {
		pr->bits = bits;
		return V_ACK;
	}
	memset(&s, 0, sizeof s);
	s.u32 = prop;
	(void)pt_cp_opt_build(PT_CPK_CCP, PT_CCP_OPT_MPPE, &s, nak);
	return V_NAK;
}

static int judge_ipcp(pt_cpeng *e, const pt_cp_opt *o, const pt_cp_optval *v, int dec, pt_writer *nak,
		      peer_req *pr)
{
	const pt_ipcp_policy *pol = &e->pol.ipcp;

	if (dec != PT_OK)
		return V_REJ;
	switch (o->type) {
	case PT_IPCP_OPT_ADDR:
		/* RFC 1332 3.3: 0.0.0.0 asks us to assign one */
		if (zero_n(v->addr, 4)) {
			if (zero_n(pol->peer, 4))
				return V_REJ;
			put_addr_opt(PT_CPK_IPCP, PT_IPCP_OPT_ADDR, pol->peer, 4, nak);
			return V_NAK;
		}
		if (pol->accept_any_peer || memcmp(v->addr, pol->peer, 4) == 0) {
			memcpy(pr->addr, v->addr, 4);
			return V_ACK;
		}
		if (zero_n(pol->peer, 4))
			return V_REJ; /* neither this address nor one of ours to offer */
		put_addr_opt(PT_CPK_IPCP, PT_IPCP_OPT_ADDR, pol->peer, 4, nak);
		return V_NAK;
	case PT_IPCP_OPT_DNS1:
	case PT_IPCP_OPT_DNS2: {
		/* RFC 1877 1.1, 1.3: the peer asks for our name servers (0.0.0.0) or checks one */
		const uint8_t *d = pol->dns[o->type == PT_IPCP_OPT_DNS2];
		if (zero_n(d, 4))
			return V_REJ;
		if (memcmp(v->addr, d, 4) == 0)
			return V_ACK;
		put_addr_opt(PT_CPK_IPCP, o->type, d, 4, nak);
		return V_NAK;
	}
	default:
		/* IP-Compression-Protocol (VJ), IP-Addresses, NBNS, Mobile-IPv4: not offered */
		return V_REJ;
	}
}

static int judge_ipv6cp(pt_cpeng *e, const pt_cp_opt *o, const pt_cp_optval *v, int dec, pt_writer *nak,
			peer_req *pr)
{
	uint8_t sug[8];

	if (dec != PT_OK || o->type != PT_IPV6CP_OPT_IFID)
		return V_REJ; /* IPv6-Compression-Protocol: not offered */
	/* RFC 5072 4.1: zero, or equal to ours, is Nak'd with another identifier: ours with the
	 * lowest bit flipped (deterministic; the caller's random value went into ours) */
	if (zero_n(v->addr, 8) || memcmp(v->addr, e->req_ifid, 8) == 0) {
		memcpy(sug, e->req_ifid, 8);
		sug[7] ^= 0x01;
		if (zero_n(sug, 8))
			sug[6] ^= 0x01;
		put_addr_opt(PT_CPK_IPV6CP, PT_IPV6CP_OPT_IFID, sug, 8, nak);
		return V_NAK;
	}
	memcpy(pr->ifid, v->addr, 8);
	return V_ACK;
}

/*
 * Judge a Configure-Request: fills the Nak and Reject packets (headers already begun) and
 * returns the verdict, or PT_EINVAL when the option list does not parse (dropped).
 */
static int judge(pt_cpeng *e, const pt_cp_pkt *p, pt_writer *nak, pt_writer *rej, peer_req *pr,
		 const char **close_reason)
{
	pt_cp_opt_iter it;
	pt_cp_opt o;
	pt_cp_optval v;
	int r, nnak = 0, nrej = 0, seen_mppe = 0;
	int exhausted = pt_cpfsm_nak_exhausted(&e->fsm);

	memset(pr, 0, sizeof *pr);
	pr->mru = DEFAULT_MRU;
	pr->accm = 0xffffffffu;
	pt_cp_opt_iter_init(&it, &p->rest, 1);
	for (;;) {
		pt_cursor before = it.c, raw;
		int dec, verdict;
		size_t mark = pt_wlen(nak);

		r = pt_cp_opt_next(&it, &o);
		if (r == 0)
			break;
		if (r < 0)
			return PT_EINVAL; /* RFC 1661 6: a broken option list: discard */
		(void)pt_sub(&before, o.len, &raw);
		dec = pt_cp_opt_decode(e->kind, &o, &v);
		switch (e->kind) {
		case PT_CPK_LCP:
			verdict = judge_lcp(e, &o, &v, dec, nak, pr);
			break;
		case PT_CPK_CCP:
			seen_mppe |= o.type == PT_CCP_OPT_MPPE;
			verdict = judge_ccp(e, &o, &v, dec, nak, pr, close_reason);
			break;
		case PT_CPK_IPCP:
			verdict = judge_ipcp(e, &o, &v, dec, nak, pr);
			break;
		case PT_CPK_IPV6CP:
			verdict = judge_ipv6cp(e, &o, &v, dec, nak, pr);
			break;
		default:
			verdict = V_REJ;
			break;
		}
		/* RFC 1661 4.6 Max-Failure: after that many Naks, Reject what we would Nak */
		if (verdict == V_NAK && exhausted) {
			nak->p = nak->base + mark;
			verdict = V_REJ;
		}
		if (verdict == V_REJ) {
			/* RFC 1661 5.4: the rejected options exactly as received */
			pt_put_cursor(rej, &raw);
			nrej++;
		} else if (verdict == V_NAK) {
			nnak++;
		}
	}
	/* CCP with MPPE required and a request without it: ask for it (RFC 1661 5.3 lets a Nak
	 * name an option the request lacks) */
	if (e->kind == PT_CPK_CCP && e->pol.ccp.require && !seen_mppe && exhausted)
		*close_reason = "MPPE required but the peer does not ask for it";
	else if (e->kind == PT_CPK_CCP && e->pol.ccp.require && !seen_mppe) {
		uint32_t acc = e->pol.ccp.accept_bits;
		uint32_t prop = mppe_strongest(acc & PT_CCP_MPPE_KEYS) | (acc & PT_CCP_MPPE_H);
		pt_cp_optval s;

		if (e->pol.ccp.nak_stateless)
			prop &= ~PT_CCP_MPPE_H;
		if (prop & PT_CCP_MPPE_KEYS) {
			memset(&s, 0, sizeof s);
			s.u32 = prop;
			(void)pt_cp_opt_build(PT_CPK_CCP, PT_CCP_OPT_MPPE, &s, nak);
			nnak++;
		}
	}
	if (nak->err || rej->err)
		return PT_EINVAL;
	return nrej ? V_REJ : nnak ? V_NAK : V_ACK;
}

static int rcv_conf_req(pt_cpeng *e, const pt_cp_pkt *p, evctx *x)
{
	uint8_t ack[PT_CPENG_MAX_PKT], nakb[PT_CPENG_MAX_PKT], rejb[PT_CPENG_MAX_PKT];
	pt_writer aw = pt_wr(ack, sizeof ack), nw = pt_wr(nakb, sizeof nakb), rw = pt_wr(rejb, sizeof rejb);
	size_t as = pt_cp_begin(&aw, PT_CP_CONF_ACK, p->id);
	size_t ns = pt_cp_begin(&nw, PT_CP_CONF_NAK, p->id);
	size_t rs = pt_cp_begin(&rw, PT_CP_CONF_REJ, p->id);
	const char *close_reason = NULL;
	peer_req pr;
	int v;

	e->res.confreq_rcvd++;
	v = judge(e, p, &nw, &rw, &pr, &close_reason);
	if (v < 0)
		return v;
	if (close_reason && (negotiating(e->fsm.state) || e->fsm.state == PT_CPS_OPENED)) {
		pt_cpeng_close(e, close_reason, x->now);
		return PT_OK;
	}
	x->peer = &pr;
	if (v == V_ACK) {
		/* RFC 1661 5.2: the options as received */
		pt_put_cursor(&aw, &p->rest);
		if (pt_cp_end(&aw, as) != PT_OK)
			return PT_EINVAL;
		x->reply = ack;
		x->reply_len = pt_wlen(&aw);
		run(e, PT_CPE_RCR_PLUS, x);
		return PT_OK;
	}
	if (v == V_REJ) {
		if (pt_cp_end(&rw, rs) != PT_OK)
			return PT_EINVAL;
		x->reply = rejb;
		x->reply_len = pt_wlen(&rw);
		x->reply_rej = 1;
	} else {
		if (pt_cp_end(&nw, ns) != PT_OK)
			return PT_EINVAL;
		x->reply = nakb;
		x->reply_len = pt_wlen(&nw);
	}
	run(e, PT_CPE_RCR_MINUS, x);
	return PT_OK;
}

/* ---- replies to our Configure-Request ---- */

/* The reply names our last request and no reply to it was taken (RFC 1661 5.2-5.4). */
static int reply_matches(const pt_cpeng *e, const pt_cp_pkt *p)
{
	return e->req_len >= 4 && p->id == e->id && !e->seen_reply;
}

/* Our last request's options. */
static pt_cursor our_opts(const pt_cpeng *e)
{
	pt_cursor c = pt_cur(e->req_pkt, e->req_len);

	(void)pt_skip(&c, 4);
	return c;
}

/* Is this option (raw: type, length, data) one of our request's, octet for octet? */
static int in_list(const pt_cursor *list, const pt_cursor *raw)
{
	pt_cp_opt_iter it;
	pt_cp_opt o;
	size_t n = pt_left(raw);

	pt_cp_opt_iter_init(&it, list, 1);
	for (;;) {
		pt_cursor before = it.c, mine;
		const uint8_t *a, *b;
		pt_cursor rc = *raw;

		if (pt_cp_opt_next(&it, &o) != 1)
			return 0;
		(void)pt_sub(&before, o.len, &mine);
		if (pt_left(&mine) != n)
			continue;
		if (pt_get_bytes(&mine, n, &a) == PT_OK && pt_get_bytes(&rc, n, &b) == PT_OK && memcmp(a, b, n) == 0)
			return 1;
	}
}

/* Remove one option (raw octets) from the extra options we still send. */
static int drop_extra(pt_cpeng *e, const pt_cursor *raw)
{
	pt_cursor list = pt_cur(e->extra_now, e->nextra_now);
	pt_cp_opt_iter it;
	pt_cp_opt o;
	size_t n = pt_left(raw);

	if (!in_list(&list, raw))
		return 0;
	pt_cp_opt_iter_init(&it, &list, 1);
	for (;;) {
		pt_cursor before = it.c, mine;
		const uint8_t *a, *b;
		pt_cursor rc = *raw;
		size_t at;

		if (pt_cp_opt_next(&it, &o) != 1)
			return 0;
		at = pt_off(&before);
		(void)pt_sub(&before, o.len, &mine);
		if (pt_left(&mine) == n && pt_get_bytes(&mine, n, &a) == PT_OK && pt_get_bytes(&rc, n, &b) == PT_OK &&
		    memcmp(a, b, n) == 0) {
			memmove(e->extra_now + at, e->extra_now + at + n, e->nextra_now - at - n);
			e->nextra_now -= n;
			return 1;
		}
	}
}

/* RFC 1661 5.4: a Configure-Reject lists options of our request, unmodified. */
static int take_reject(pt_cpeng *e, const pt_cp_pkt *p, const char **reason)
{
	pt_cursor mine = our_opts(e), extra = pt_cur(e->extra_now, e->nextra_now);
	pt_cp_opt_iter it;
	pt_cp_opt o;
	int r;

	/* first pass: every option must be ours, else the packet is discarded (pppd: "bad Rej") */
	pt_cp_opt_iter_init(&it, &p->rest, 1);
	for (;;) {
		pt_cursor before = it.c, raw;
		r = pt_cp_opt_next(&it, &o);
		if (r == 0)
			break;
		if (r < 0)
			return PT_EINVAL;
		(void)pt_sub(&before, o.len, &raw);
		if (!in_list(&mine, &raw))
			return PT_EINVAL;
	}
	pt_cp_opt_iter_init(&it, &p->rest, 1);
	for (;;) {
		pt_cursor before = it.c, raw;

		if (pt_cp_opt_next(&it, &o) != 1)
			break;
		(void)pt_sub(&before, o.len, &raw);
		if (in_list(&extra, &raw) && drop_extra(e, &raw)) {
			extra = pt_cur(e->extra_now, e->nextra_now);
			continue;
		}
		mark_rejected(e, o.type);
		if (e->kind == PT_CPK_LCP && o.type == PT_LCP_OPT_AUTH && e->req_auth != PT_AUTHM_NONE)
			*reason = "peer refused to authenticate";
		if (e->kind == PT_CPK_CCP && o.type == PT_CCP_OPT_MPPE) {
			e->res.mppe_rejected = 1;
			if (e->pol.ccp.require)
				*reason = "MPPE required but rejected by the peer";
		}
	}
	return PT_OK;
}

/* A value the peer Nak'd that we cannot take: count, and give up past Max-Failure. */
static void nak_unmet(pt_cpeng *e, const char **reason, const char *why)
{
	e->failures_rcvd++;
	if (e->failures_rcvd >= e->fsm.max_failure)
		*reason = why;
}

/* RFC 1661 5.3: a Configure-Nak suggests values; take those we can. */
static int take_nak(pt_cpeng *e, const pt_cp_pkt *p, const char **reason)
{
	pt_cp_opt_iter it;
	pt_cp_opt o;
	pt_cp_optval v;
	int r;

	/* first pass: structure and lengths of the options we know */
	pt_cp_opt_iter_init(&it, &p->rest, 1);
	for (;;) {
		r = pt_cp_opt_next(&it, &o);
		if (r == 0)
			break;
		if (r < 0 || pt_cp_opt_decode(e->kind, &o, &v) == PT_EINVAL)
			return PT_EINVAL;
	}
	pt_cp_opt_iter_init(&it, &p->rest, 1);
	while (pt_cp_opt_next(&it, &o) == 1) {
		if (pt_cp_opt_decode(e->kind, &o, &v) != PT_OK || !want_opt(e, o.type))
			continue; /* options we did not ask for: not added (RFC 1661 5.3 allows either) */
		switch (e->kind) {
		case PT_CPK_LCP:
			switch (o.type) {
			case PT_LCP_OPT_MRU:
				if (v.u16 >= MIN_MRU && (v.u16 <= e->pol.lcp.mru || v.u16 <= DEFAULT_MRU))
					e->req_mru = v.u16;
				else
					nak_unmet(e, reason, "no acceptable MRU");
				break;
			case PT_LCP_OPT_ACCM:
				e->req_accm |= v.u32; /* RFC 1662 7.1: the union of both maps */
				break;
			case PT_LCP_OPT_AUTH: {
				int m = pt_authm_from_opt(v.proto.proto, v.proto.alg);
				uint32_t alt = e->pol.lcp.auth_alt ? e->pol.lcp.auth_alt : e->pol.lcp.accept_auth;
				if (m != PT_AUTHM_NONE && m != e->req_auth && (alt & PT_AUTHM_BIT(m)))
					e->req_auth = (uint8_t)m;
				else
					nak_unmet(e, reason, "peer refused the authentication method we require");
				break;
			}
			case PT_LCP_OPT_MAGIC:
				/* RFC 1661 6.4: a Nak of Magic-Number: take another value */
				e->req_magic = magic_other(e->req_magic ^ v.u32, e->req_magic, v.u32);
				break;
			default: /* PFC, ACFC are boolean: a Nak of them means nothing */
				break;
			}
			break;
		case PT_CPK_CCP: {
			uint32_t allowed = e->pol.ccp.want_bits | e->pol.ccp.accept_bits;
			uint32_t keys = mppe_strongest(v.u32 & allowed & PT_CCP_MPPE_KEYS);
			if (keys) {
				e->req_bits = keys | (v.u32 & allowed & (PT_CCP_MPPE_H | PT_CCP_MPPE_C));
			} else {
				nak_unmet(e, reason, e->pol.ccp.require ? "no acceptable MPPE proposal" : NULL);
				if (*reason == NULL && e->failures_rcvd >= e->fsm.max_failure)
					mark_rejected(e, PT_CCP_OPT_MPPE); /* not required: stop asking */
			}
			break;
		}
		case PT_CPK_IPCP:
			if (o.type == PT_IPCP_OPT_ADDR) {
				/* RFC 1332 3.3: take the address offered when we asked for one */
				if (!zero_n(v.addr, 4) && (zero_n(e->pol.ipcp.local, 4) || e->pol.ipcp.accept_local))
					memcpy(e->req_addr, v.addr, 4);
				else
					nak_unmet(e, reason, "peer refuses our IP address");
			} else {
				memcpy(e->req_dns[o.type == PT_IPCP_OPT_DNS2], v.addr, 4); /* RFC 1877 1.1 */
			}
			break;
		case PT_CPK_IPV6CP:
			/* RFC 5072 4.1: take the identifier offered */
			if (!zero_n(v.addr, 8))
				memcpy(e->req_ifid, v.addr, 8);
			break;
		default:
			break;
		}
	}
	return PT_OK;
}

static int rcv_reply(pt_cpeng *e, const pt_cp_pkt *p, evctx *x)
{
	const char *reason = NULL;
	int rc;

	if (!reply_matches(e, p))
		return PT_OK; /* RFC 1661 5.2-5.4: silently discarded */
	if (p->code == PT_CP_CONF_ACK) {
		pt_cursor mine = our_opts(e);
		const uint8_t *a, *b;
		pt_cursor got = p->rest;
		size_t n = pt_left(&mine);

		/* RFC 1661 5.2: the options must be exactly those of the request */
		if (pt_left(&got) != n)
			return PT_OK;
		if (n && (pt_get_bytes(&mine, n, &a) != PT_OK || pt_get_bytes(&got, n, &b) != PT_OK ||
			  memcmp(a, b, n) != 0))
			return PT_OK;
		e->seen_reply = 1;
		e->failures_rcvd = 0;
		commit_ours(e);
		run(e, PT_CPE_RCA, x);
		return PT_OK;
	}
	rc = p->code == PT_CP_CONF_NAK ? take_nak(e, p, &reason) : take_reject(e, p, &reason);
	if (rc < 0)
		return rc;
	e->seen_reply = 1;
	if (p->code == PT_CP_CONF_NAK)
		e->res.nak_rcvd++;
	else
		e->res.rej_rcvd++;
	if (reason && (negotiating(e->fsm.state) || e->fsm.state == PT_CPS_OPENED)) {
		pt_cpeng_close(e, reason, x->now);
		return PT_OK;
	}
	run(e, PT_CPE_RCN, x);
	return PT_OK;
}

/* ---- the entry points ---- */

void pt_cpeng_init(pt_cpeng *e, int kind, const pt_cpeng_policy *pol, const pt_cpeng_cb *cb)
{
	memset(e, 0, sizeof *e);
	e->kind = kind;
	if (pol)
		e->pol = *pol;
	if (cb)
		e->cb = *cb;
	if (e->pol.restart_us <= 0)
		e->pol.restart_us = PT_CPENG_RESTART_US;
	pt_cpfsm_init(&e->fsm, e->pol.max_configure, e->pol.max_terminate, e->pol.max_failure);
	e->deadline = -1;
	e->next_id = 1;
	reset_request(e);
}

void pt_cpeng_up(pt_cpeng *e, int64_t now_us)
{
	run_simple(e, PT_CPE_UP, now_us);
}

void pt_cpeng_down(pt_cpeng *e, int64_t now_us)
{
	run_simple(e, PT_CPE_DOWN, now_us);
}

void pt_cpeng_open(pt_cpeng *e, int64_t now_us)
{
	run_simple(e, PT_CPE_OPEN, now_us);
}

void pt_cpeng_close(pt_cpeng *e, const char *reason, int64_t now_us)
{
	size_t n = reason ? strnlen(reason, sizeof e->term_text - 1) : 0;

	memset(e->term_text, 0, sizeof e->term_text);
	if (n)
		memcpy(e->term_text, reason, n);
	run_simple(e, PT_CPE_CLOSE, now_us);
}

void pt_cpeng_proto_rejected(pt_cpeng *e, int64_t now_us)
{
	/* RFC 1661 5.7: the peer does not speak this protocol: catastrophic for it */
	run_simple(e, PT_CPE_RXJ_MINUS, now_us);
}

int64_t pt_cpeng_deadline(const pt_cpeng *e)
{
	return e->deadline;
}

void pt_cpeng_tick(pt_cpeng *e, int64_t now_us)
{
	evctx x;

	if (e->deadline < 0 || now_us < e->deadline)
		return;
	e->deadline = -1;
	e->res.timeouts++;
	memset(&x, 0, sizeof x);
	x.now = now_us;
	x.retransmit = 1;
	run(e, pt_cpfsm_timeout_event(&e->fsm), &x);
}

/* RFC 1661 5.6: a Code-Reject of a code we cannot do without is catastrophic. */
static enum pt_cp_event code_reject_event(const pt_cp_pkt *p)
{
	pt_cursor c = p->rest;
	uint8_t code = 0;

	(void)pt_get_u8(&c, &code);
	return (code >= PT_CP_CONF_REQ && code <= PT_CP_CODE_REJ) ? PT_CPE_RXJ_MINUS : PT_CPE_RXJ_PLUS;
}

static void to_other(pt_cpeng *e, const pt_cp_pkt *p)
{
	if (e->cb.other)
		e->cb.other(e->cb.user, e->kind, p);
}

int pt_cpeng_input(pt_cpeng *e, const uint8_t *pkt, size_t len, int64_t now_us)
{
	pt_cursor c = pt_cur(pkt, len), whole = c;
	pt_cp_pkt p;
	evctx x;
	int rc = pt_cp_parse(e->kind, &c, &p);

	if (rc != PT_OK)
		return rc;
	if (p.length > PT_CPENG_MAX_PKT)
		return PT_EINVAL;
	/* RFC 1661 4.2: no packets are exchanged in Initial and Starting (pppd drops them) */
	if (e->fsm.state == PT_CPS_INITIAL || e->fsm.state == PT_CPS_STARTING)
		return PT_OK;
	memset(&x, 0, sizeof x);
	x.p = &p;
	x.now = now_us;
	(void)pt_sub(&whole, p.length, &x.raw);
	if (!pt_cp_code_valid(e->kind, p.code)) {
		run(e, PT_CPE_RUC, &x); /* RFC 1661 5.6: Code-Reject */
		return PT_OK;
	}
	switch ((enum pt_cp_code)p.code) {
	case PT_CP_CONF_REQ:
		return rcv_conf_req(e, &p, &x);
	case PT_CP_CONF_ACK:
	case PT_CP_CONF_NAK:
	case PT_CP_CONF_REJ:
		return rcv_reply(e, &p, &x);
	case PT_CP_TERM_REQ:
		e->res.term_rcvd++;
		copy_printable(e->res.term_reason, sizeof e->res.term_reason, &p.rest);
		run(e, PT_CPE_RTR, &x);
		return PT_OK;
	case PT_CP_TERM_ACK:
		run(e, PT_CPE_RTA, &x);
		return PT_OK;
	case PT_CP_CODE_REJ:
		e->res.code_rej_rcvd++;
		run(e, code_reject_event(&p), &x);
		return PT_OK;
	case PT_CP_PROTO_REJ:
		/* RFC 1661 5.7: LCP itself rejected is fatal; another protocol is the owner's to close */
		if (p.rej_proto == PT_PPP_LCP) {
			run(e, PT_CPE_RXJ_MINUS, &x);
		} else {
			run(e, PT_CPE_RXJ_PLUS, &x);
			to_other(e, &p);
		}
		return PT_OK;
	case PT_CP_ECHO_REQ:
		run(e, PT_CPE_RXR, &x); /* ser in Opened only */
		return PT_OK;
	case PT_CP_ECHO_REP:
	case PT_CP_DISC_REQ:
		run(e, PT_CPE_RXR, &x);
		/* RFC 1661 5.8-5.9: outside Opened, silently discarded */
		if (e->fsm.state == PT_CPS_OPENED)
			to_other(e, &p);
		return PT_OK;
	case PT_CP_IDENT:
	case PT_CP_TIME_REM:
	case PT_CP_RESET_REQ:
	case PT_CP_RESET_ACK:
		/* RFC 1570 1, RFC 1962 3: for the owner (Reset-* only mean something in Opened) */
		if (e->fsm.state == PT_CPS_OPENED)
			to_other(e, &p);
		return PT_OK;
	}
	return PT_OK;
}

int pt_cpeng_send_code(pt_cpeng *e, uint8_t code, int id, const uint8_t *data, size_t len)
{
	uint8_t buf[PT_CPENG_MAX_PKT];
	pt_writer w = pt_wr(buf, sizeof buf);
	uint8_t use;
	size_t st;

	if (id > 255)
		return PT_EINVAL;
	use = id < 0 ? e->next_id++ : (uint8_t)id;
	st = pt_cp_begin(&w, code, use);
	/* RFC 1661 5.8-5.9, RFC 1570 1: these codes carry our Magic-Number first (0 if none) */
	if (e->kind == PT_CPK_LCP && (code == PT_CP_ECHO_REQ || code == PT_CP_ECHO_REP || code == PT_CP_DISC_REQ ||
				      code == PT_CP_IDENT || code == PT_CP_TIME_REM))
		pt_put_u32(&w, e->res.our_magic);
	if (data)
		pt_put_bytes(&w, data, len);
	if (pt_cp_end(&w, st) != PT_OK)
		return w.err;
	emit(e, buf, pt_wlen(&w));
	return use;
}

int pt_cpeng_state(const pt_cpeng *e)
{
	return e->fsm.state;
}

const pt_cpeng_result *pt_cpeng_result_get(const pt_cpeng *e)
{
	return &e->res;
}
