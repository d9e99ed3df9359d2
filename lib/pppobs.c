/* pppobs.c: passive observer of one call's PPP negotiation, both directions (RFC 1661 3-6, RFC 1334, RFC 1994, RFC 2759, RFC 1962, RFC 3078, RFC 1332, RFC 5072). */
#include <stdio.h>
#include <string.h>

#include "pppobs.h"

/* Per-frame rules are reported once per call and direction (an error budget
 * for a flood of identical frames); the bit index is once_bit * 2 + dir. */
enum once_bit {
	ONCE_ACFC = 0,
	ONCE_ACFC_LCP,
	ONCE_ACFC_LCP_ECHO,
	ONCE_PFC,
	ONCE_MRU,
	ONCE_CCP_DATA,
	ONCE_CLEARTEXT,
	ONCE_BEFORE_LCP,
	ONCE_BEFORE_AUTH,
	ONCE_NCP_DATA,
	ONCE_UNKNOWN_PROTO,
	ONCE_BAD_PROTO,
	ONCE_PAP_CLEAR,
	ONCE__N
};

static int once(pt_pppobs *o, int bit, int dir)
{
	uint32_t m = 1u << (bit * 2 + dir);

	if (o->once & m)
		return 0;
	o->once |= m;
	return 1;
}

static const char *side_name(int d)
{
	return d == PT_DIR_PNS ? "PNS" : "PAC";
}

static void ids_push(pt_pppobs_ids *r, uint8_t id)
{
	for (int i = 0; i < r->n; i++)
		if (r->id[i] == id)
			return; /* a retransmission with the same id */
	if (r->n == PT_PPPOBS_IDS) {
		memmove(r->id, r->id + 1, PT_PPPOBS_IDS - 1); /* forget the oldest */
		r->n--;
	}
	r->id[r->n++] = id;
}

static int ids_has(const pt_pppobs_ids *r, uint8_t id)
{
	for (int i = 0; i < r->n; i++)
		if (r->id[i] == id)
			return 1;
	return 0;
}

/* "a, b, c" of the awaited ids into buf, for messages */
static const char *ids_text(const pt_pppobs_ids *r, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = 0;
	for (int i = 0; i < r->n && used < cap; i++) {
		int w = snprintf(buf + used, cap - used, i ? ", %u" : "%u", r->id[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

static void lcp_defaults(pt_pppobs_lcp *l)
{
	memset(l, 0, sizeof *l);
	l->mru = 1500;          /* RFC 1661 6.1 */
	l->accm = 0xffffffffu;  /* RFC 1662 7.1 */
}

void pt_pppobs_init(pt_pppobs *o)
{
	memset(o, 0, sizeof *o);
	lcp_defaults(&o->lcp[0]);
	lcp_defaults(&o->lcp[1]);
}

int pt_pppobs_mppe_active(const pt_pppobs *o, int receiver)
{
	if (receiver != PT_DIR_PNS && receiver != PT_DIR_PAC)
		return 0;
	return o->cp[PT_CPK_CCP].opened && o->ccp[receiver].has_mppe &&
	       (o->ccp[receiver].mppe_bits & PT_CCP_MPPE_KEYS) != 0;
}

void pt_pppobs_assume_open(pt_pppobs *o, int dir, const pt_ppp_frame *f, const pt_sink *sink, const pt_where *at)
{
	if (!o->midsession)
		pt_report(sink, PT_R_PPP_NEGOTIATION_NOT_CAPTURED, at,
			  "LCP/CCP negotiation not in the capture: started mid-session (first frame: %s from the %s)",
			  f ? pt_ppp_proto_name(f->proto) : "?", side_name(dir));
	o->midsession = 1;
	for (int k = 0; k < PT_CPK__N; k++) {
		o->cp[k].opened = 1;
		o->cp[k].assumed = 1;
	}
	/* RFC 1661 3.5: data flows only after authentication, so it is over */
	o->auth_done = 1;
}

int pt_pppobs_lcp_assumed(const pt_pppobs *o)
{
	return o->midsession && !o->cp[PT_CPK_LCP].ever_opened;
}

int pt_pppobs_link_start(const pt_ppp_frame *f)
{
	uint8_t code = 0;

	/* RFC 1661 3.2, 4: a link starts with Configure (and may end with Terminate) packets */
	return f->proto == PT_PPP_LCP && pt_peek_u8(&f->info, 0, &code) == PT_OK && code >= PT_CP_CONF_REQ &&
	       code <= PT_CP_TERM_ACK;
}

/* ---- stored Configure-Request options ---- */

static size_t req_kept(const pt_pppobs_req *r)
{
	return r->clipped ? PT_PPPOBS_REQ_CAP : r->len;
}

static pt_cursor req_cursor(const pt_pppobs_req *r)
{
	return pt_cur(r->opts, req_kept(r));
}

/* 1 if opts holds exactly the stored request's option octets; *diff is the
 * first differing offset otherwise. */
static int req_same(const pt_pppobs_req *r, const pt_cursor *opts, size_t *diff)
{
	pt_cursor t = *opts;
	size_t n = pt_left(&t), keep = req_kept(r), i;
	uint8_t b = 0;

	for (i = 0; i < keep && i < n; i++) {
		(void)pt_get_u8(&t, &b);
		if (b != r->opts[i])
			break;
	}
	*diff = i;
	return i == keep && n == r->len;
}

static void req_store(pt_pppobs_req *r, uint8_t id, const pt_cursor *opts)
{
	pt_cursor t = *opts;
	size_t n = pt_left(&t);
	size_t keep = n > PT_PPPOBS_REQ_CAP ? PT_PPPOBS_REQ_CAP : n;

	r->prev_valid = r->valid;
	r->prev_id = r->id;
	r->valid = 1;
	r->answered = 0;
	r->id = id;
	r->len = (uint16_t)(n > 0xffff ? 0xffff : n);
	r->clipped = n > PT_PPPOBS_REQ_CAP;
	(void)pt_copy(&t, r->opts, keep);
}

static int opt_equal(const pt_cp_opt *a, const pt_cp_opt *b)
{
	pt_cursor x = a->val, y = b->val;
	const uint8_t *p, *q;
	size_t n = pt_left(&x);

	if (a->type != b->type || a->len != b->len || n != pt_left(&y))
		return 0;
	if (n == 0)
		return 1;
	if (pt_get_bytes(&x, n, &p) != PT_OK || pt_get_bytes(&y, n, &q) != PT_OK)
		return 0;
	return memcmp(p, q, n) == 0;
}

/* Find an option of the stored request: by type (exact == 0) or identical
 * (exact != 0), at index >= from.  Returns the index, -1 if absent. */
static int req_find(const pt_pppobs_req *r, const pt_cp_opt *want, int exact, int from, pt_cp_opt *found)
{
	pt_cursor rc = req_cursor(r);
	pt_cp_opt_iter it;
	pt_cp_opt o;
	int i = 0;

	pt_cp_opt_iter_init(&it, &rc, !r->clipped);
	while (pt_cp_opt_next(&it, &o) == 1) {
		if (i >= from && o.type == want->type && (!exact || opt_equal(&o, want))) {
			if (found)
				*found = o;
			return i;
		}
		i++;
	}
	return -1;
}

/* ---- negotiated values ---- */

static void commit(pt_pppobs *o, int kind, int side)
{
	const pt_pppobs_req *r = &o->cp[kind].side[side].req;
	pt_cursor rc = req_cursor(r);
	pt_cp_opt_iter it;
	pt_cp_opt opt;
	pt_cp_optval v;

	switch (kind) {
	case PT_CPK_LCP:
		lcp_defaults(&o->lcp[side]);
		break;
	case PT_CPK_CCP:
		memset(&o->ccp[side], 0, sizeof o->ccp[side]);
		break;
	case PT_CPK_IPCP:
		memset(&o->ipcp[side], 0, sizeof o->ipcp[side]);
		break;
	case PT_CPK_IPV6CP:
		memset(&o->ipv6cp[side], 0, sizeof o->ipv6cp[side]);
		break;
	default:
		return;
	}
	pt_cp_opt_iter_init(&it, &rc, !r->clipped);
	while (pt_cp_opt_next(&it, &opt) == 1) {
		if (pt_cp_opt_decode(kind, &opt, &v) != PT_OK)
			continue;
		if (kind == PT_CPK_LCP) {
			pt_pppobs_lcp *l = &o->lcp[side];
			switch (opt.type) {
			case PT_LCP_OPT_MRU:
				l->mru = v.u16;
				break;
			case PT_LCP_OPT_ACCM:
				l->accm = v.u32;
				break;
			case PT_LCP_OPT_AUTH:
				/* RFC 1661 6.2: the requester expects the peer to authenticate */
				l->auth_proto = v.proto.proto;
				l->chap_alg = v.proto.alg;
				break;
			case PT_LCP_OPT_MAGIC:
				l->has_magic = 1;
				l->magic = v.u32;
				break;
			case PT_LCP_OPT_PFC:
				l->pfc = 1;
				break;
			case PT_LCP_OPT_ACFC:
				l->acfc = 1;
				break;
			case PT_LCP_OPT_MRRU:
				l->mrru = v.u16;
				break;
			default:
				break;
			}
		} else if (kind == PT_CPK_CCP) {
			if (opt.type == PT_CCP_OPT_MPPE) {
				o->ccp[side].has_mppe = 1;
				o->ccp[side].mppe_bits = v.u32;
			}
		} else if (kind == PT_CPK_IPCP) {
			pt_pppobs_ipcp *p = &o->ipcp[side];
			switch (opt.type) {
			case PT_IPCP_OPT_ADDR:
				p->has_addr = 1;
				memcpy(p->addr, v.addr, 4);
				break;
			case PT_IPCP_OPT_DNS1:
				p->has_dns1 = 1;
				memcpy(p->dns1, v.addr, 4);
				break;
			case PT_IPCP_OPT_DNS2:
				p->has_dns2 = 1;
				memcpy(p->dns2, v.addr, 4);
				break;
			case PT_IPCP_OPT_NBNS1:
				p->has_nbns1 = 1;
				memcpy(p->nbns1, v.addr, 4);
				break;
			case PT_IPCP_OPT_NBNS2:
				p->has_nbns2 = 1;
				memcpy(p->nbns2, v.addr, 4);
				break;
			case PT_IPCP_OPT_COMP:
				p->has_vj = v.proto.proto == PT_PPP_VJC_COMP;
				break;
			default:
				break;
			}
		} else if (kind == PT_CPK_IPV6CP && opt.type == PT_IPV6CP_OPT_IFID) {
			o->ipv6cp[side].has_ifid = 1;
			memcpy(o->ipv6cp[side].ifid, v.addr, 8);
		}
	}
}

static void cp_down(pt_pppobs *o, int kind, pt_pppobs_event *ev)
{
	pt_pppobs_cp *cp = &o->cp[kind];

	if (cp->opened && ev->cp_kind == kind)
		ev->what |= PT_PPPEV_CP_DOWN;
	cp->opened = 0;
	cp->assumed = 0;
	cp->side[0].acked = 0;
	cp->side[1].acked = 0;
	if (kind != PT_CPK_LCP)
		return;
	/* RFC 1661 3.4: back to Link Establishment; NCPs and authentication restart */
	for (int k = 0; k < PT_CPK__N; k++) {
		if (k == PT_CPK_LCP)
			continue;
		o->cp[k].opened = 0;
		o->cp[k].assumed = 0;
		o->cp[k].side[0].acked = 0;
		o->cp[k].side[1].acked = 0;
	}
	o->auth[0].state = PT_PPPOBS_AUTH_NONE;
	o->auth[1].state = PT_PPPOBS_AUTH_NONE;
	o->auth_done = 0;
}

static void check_mppe_bits(pt_pppobs *o, int side, const pt_sink *sink, const pt_where *at)
{
	uint32_t b = o->ccp[side].mppe_bits, keys = b & PT_CCP_MPPE_KEYS;

	if (!o->ccp[side].has_mppe)
		return;
	/* RFC 3078 2.1: the responder Naks down to a single encryption option;
	 * 2: "All other bits are reserved and MUST be set to 0"; D SHOULD NOT be accepted */
	if (keys == 0 && !(b & PT_CCP_MPPE_C))
		pt_report(sink, PT_R_PPP_CCP_MPPE_BITS, at, "CCP opened: %s receives with MPPE bits 0x%08x: no key length",
			  side_name(side), b);
	else if (keys & (keys - 1))
		pt_report(sink, PT_R_PPP_CCP_MPPE_BITS, at,
			  "CCP opened: %s receives with MPPE bits 0x%08x: more than one key length", side_name(side), b);
	else if (b & ~(PT_CCP_MPPE_KNOWN & ~PT_CCP_MPPE_D))
		pt_report(sink, PT_R_PPP_CCP_MPPE_BITS, at,
			  "CCP opened: %s receives with MPPE bits 0x%08x: reserved or obsolete (D) bits set",
			  side_name(side), b);
}

static void on_opened(pt_pppobs *o, int kind, const pt_sink *sink, const pt_where *at, pt_pppobs_event *ev)
{
	pt_pppobs_cp *cp = &o->cp[kind];
	int any = 0;

	cp->opened = 1;
	cp->ever_opened = 1;
	switch (kind) {
	case PT_CPK_LCP:
		ev->what |= PT_PPPEV_LCP_OPENED;
		/* RFC 1661 6.4: equal magic numbers suggest a looped-back link */
		if (o->lcp[0].has_magic && o->lcp[1].has_magic && o->lcp[0].magic == o->lcp[1].magic)
			pt_report(sink, PT_R_PPP_LCP_MAGIC_EQUAL, at, "LCP opened with magic 0x%08x on both sides",
				  o->lcp[0].magic);
		for (int a = 0; a < 2; a++) {
			pt_pppobs_auth *au = &o->auth[a];
			memset(au, 0, sizeof *au);
			au->proto = o->lcp[a].auth_proto;
			au->alg = au->proto == PT_PPP_CHAP ? o->lcp[a].chap_alg : 0;
			au->state = au->proto ? PT_PPPOBS_AUTH_PENDING : PT_PPPOBS_AUTH_NONE;
			ev->auth_proto[a] = au->proto;
			ev->chap_alg[a] = au->alg;
			any |= au->proto != 0;
		}
		if (any)
			ev->what |= PT_PPPEV_AUTH_METHOD;
		o->auth_done = !any; /* RFC 1661 3.5: no authentication, no phase */
		break;
	case PT_CPK_CCP:
		ev->what |= PT_PPPEV_CCP_OPENED;
		for (int s = 0; s < 2; s++) {
			ev->mppe_bits[s] = o->ccp[s].has_mppe ? o->ccp[s].mppe_bits : 0;
			check_mppe_bits(o, s, sink, at);
		}
		break;
	case PT_CPK_IPCP:
		ev->what |= PT_PPPEV_IPCP_OPENED;
		break;
	case PT_CPK_IPV6CP:
		ev->what |= PT_PPPEV_IPV6CP_OPENED;
		break;
	default:
		break;
	}
}

/* ---- Configure-Request / Ack / Nak / Reject ---- */

static void on_conf_req(pt_pppobs *o, int kind, int dir, const pt_cp_pkt *p, const pt_sink *sink,
			const pt_where *at, pt_pppobs_event *ev)
{
	pt_pppobs_cp *cp = &o->cp[kind];
	pt_pppobs_side *s = &cp->side[dir];
	const char *kn = pt_cp_kind_name(kind);
	size_t diff;
	int retrans = 0;

	if (s->req.valid && s->req.id == p->id) {
		if (req_same(&s->req, &p->rest, &diff)) {
			/* RFC 1661 5.1: "For retransmissions, the Identifier MAY remain
			 * unchanged".  Also after a reply seen here: the reply may have
			 * been lost beyond the capture point, so no finding. */
			s->n_retransmit++;
			retrans = 1;
		} else {
			/* RFC 1661 5.1: "MUST be changed whenever the contents of the Options field changes" */
			pt_report(sink, PT_R_PPP_CP_ID_NOT_CHANGED, at,
				  "%s Configure-Request id %u from %s reused with different options (from octet %zu)",
				  kn, p->id, side_name(dir), diff);
		}
	}
	if (!retrans) /* a retransmission's options were checked the first time */
		(void)pt_cp_opts_check(kind, PT_CP_CONF_REQ, &p->rest, p->complete, sink, at);
	if (kind == PT_CPK_LCP && !retrans) {
		pt_cp_opt_iter it;
		pt_cp_opt opt;
		pt_cp_optval v;

		pt_cp_opt_iter_init(&it, &p->rest, p->complete);
		while (pt_cp_opt_next(&it, &opt) == 1)
			/* RFC 1661 6.4: "A Magic-Number of zero is illegal" */
			if (opt.type == PT_LCP_OPT_MAGIC && pt_cp_opt_decode(kind, &opt, &v) == PT_OK && v.u32 == 0)
				pt_report(sink, PT_R_PPP_LCP_MAGIC_ZERO, at,
					  "LCP Configure-Request id %u from %s: Magic-Number 0", p->id, side_name(dir));
	}
	req_store(&s->req, p->id, &p->rest);
	s->n_conf_req++;
	/* RFC 1661 4.1 RCR in Opened: tld, both ends negotiate again */
	if (cp->opened)
		cp_down(o, kind, ev);
	s->acked = 0; /* the peer's acceptance of its own request stands (RFC 1661 4.1 Ack-Rcvd) */
}

static pt_pppobs_nak *nak_slot(pt_pppobs_side *s, uint8_t type)
{
	for (int i = 0; i < PT_PPPOBS_NAK_TRACK; i++)
		if (s->naks[i].count && s->naks[i].type == type)
			return &s->naks[i];
	for (int i = 0; i < PT_PPPOBS_NAK_TRACK; i++)
		if (!s->naks[i].count) {
			s->naks[i].type = type;
			return &s->naks[i];
		}
	return NULL; /* cap reached: further option types are not counted */
}

static void check_nak(pt_pppobs *o, int kind, int dir, const pt_cp_pkt *p, const pt_sink *sink,
		      const pt_where *at)
{
	pt_pppobs_side *s = &o->cp[kind].side[1 - dir];
	const char *kn = pt_cp_kind_name(kind);
	pt_cp_opt_iter it;
	pt_cp_opt opt, req_opt;
	int last = -1, reorder_told = 0;

	pt_cp_opt_iter_init(&it, &p->rest, p->complete);
	while (pt_cp_opt_next(&it, &opt) == 1) {
		const pt_cp_optdesc *d = pt_cp_optdesc_find(kind, opt.type);
		const char *on = pt_cp_opt_name(kind, opt.type);
		int j = req_find(&s->req, &opt, 0, 0, &req_opt);
		pt_pppobs_nak *nk;

		if (j < 0) {
			/* RFC 1661 5.3: "MAY be appended ... to prompt the peer" */
			pt_report(sink, PT_R_PPP_CP_NAK_UNREQUESTED, at,
				  "%s Configure-Nak id %u from %s: option %u (%s) was not requested", kn, p->id,
				  side_name(dir), opt.type, on);
		} else {
			if (d && (d->flags & PT_CPO_BOOL))
				/* RFC 1661 5.3: boolean options MUST use Configure-Reject */
				pt_report(sink, PT_R_PPP_CP_NAK_BOOLEAN, at,
					  "%s Configure-Nak id %u from %s: option %u (%s) has no value to Nak",
					  kn, p->id, side_name(dir), opt.type, on);
			else if (opt_equal(&opt, &req_opt) && !(d && (d->flags & PT_CPO_MULTI)))
				/* RFC 1661 5.3: MUST be modified to an acceptable value */
				pt_report(sink, PT_R_PPP_CP_NAK_SAME_VALUE, at,
					  "%s Configure-Nak id %u from %s: option %u (%s) Nak'd with the requested value",
					  kn, p->id, side_name(dir), opt.type, on);
			if (j < last && !reorder_told) {
				pt_report(sink, PT_R_PPP_CP_NAK_REORDERED, at,
					  "%s Configure-Nak id %u from %s: option %u (%s) out of the request's order",
					  kn, p->id, side_name(dir), opt.type, on);
				reorder_told = 1;
			}
			if (j > last)
				last = j;
		}
		/* RFC 1661 4.6 Max-Failure: a converging negotiation Naks an option a few times */
		nk = nak_slot(s, opt.type);
		if (nk) {
			if (nk->count < 255)
				nk->count++;
			if (nk->count > PT_PPPOBS_NAK_LOOP && !nk->reported) {
				nk->reported = 1;
				pt_report(sink, PT_R_PPP_CP_NAK_LOOP, at,
					  "%s option %u (%s) requested by %s Nak'd %u times", kn, opt.type, on,
					  side_name(1 - dir), nk->count);
			}
		}
	}
}

static void check_reject(pt_pppobs *o, int kind, int dir, const pt_cp_pkt *p, const pt_sink *sink,
			 const pt_where *at)
{
	pt_pppobs_side *s = &o->cp[kind].side[1 - dir];
	pt_cp_opt_iter it;
	pt_cp_opt opt;
	int from = 0;

	pt_cp_opt_iter_init(&it, &p->rest, p->complete);
	while (pt_cp_opt_next(&it, &opt) == 1) {
		/* RFC 1661 5.4: a proper subset, "MUST NOT be reordered or modified" */
		int j = req_find(&s->req, &opt, 1, from, NULL);
		if (j < 0) {
			int any = req_find(&s->req, &opt, 1, 0, NULL);
			pt_report(sink, PT_R_PPP_CP_REJECT_DIFFERS, at,
				  "%s Configure-Reject id %u from %s: option %u (%s) %s", pt_cp_kind_name(kind),
				  p->id, side_name(dir), opt.type, pt_cp_opt_name(kind, opt.type),
				  any >= 0 ? "out of the request's order" : "not in the request as sent");
			return;
		}
		from = j + 1;
	}
}

static void on_conf_reply(pt_pppobs *o, int kind, int dir, const pt_cp_pkt *p, const pt_sink *sink,
			  const pt_where *at, pt_pppobs_event *ev)
{
	pt_pppobs_cp *cp = &o->cp[kind];
	int q = 1 - dir; /* the requester */
	pt_pppobs_side *s = &cp->side[q];
	const char *kn = pt_cp_kind_name(kind);
	const char *cn = pt_vs_name_or(pt_cp_code_vs, p->code, "?");
	size_t diff;

	(void)pt_cp_opts_check(kind, p->code, &p->rest, p->complete, sink, at);
	if (!s->req.valid && o->start_unseen && !s->n_conf_req) {
		/* the capture misses the call's start: this answers a request sent before it.  RFC 1661 5.2: an Ack
		 * repeats that request exactly, so it stands for it; a Nak or Reject says nothing we can use */
		if (p->code != PT_CP_CONF_ACK)
			return;
		req_store(&s->req, p->id, &p->rest);
	}
	if (!s->req.valid) {
		pt_report(sink, PT_R_PPP_CP_UNSOLICITED_REPLY, at, "%s %s id %u from %s: %s sent no Configure-Request",
			  kn, cn, p->id, side_name(dir), side_name(q));
		return;
	}
	if (p->id != s->req.id) {
		/* a late reply to the request before the last one: discarded, no finding */
		if (s->req.prev_valid && p->id == s->req.prev_id)
			return;
		/* RFC 1661 5.2-5.4: "the Identifier field MUST match that of the last
		 * transmitted Configure-Request"; otherwise silently discarded */
		pt_report(sink, PT_R_PPP_CP_REPLY_ID, at, "%s %s id %u from %s, last Configure-Request id %u",
			  kn, cn, p->id, side_name(dir), s->req.id);
		return;
	}
	switch (p->code) {
	case PT_CP_CONF_ACK:
		/* RFC 1661 5.2: options "MUST exactly match those of the last transmitted Configure-Request" */
		if (!req_same(&s->req, &p->rest, &diff)) {
			pt_report(sink, PT_R_PPP_CP_ACK_DIFFERS, at,
				  "%s Configure-Ack id %u from %s: options differ from the request at octet %zu (%zu vs %u octets)",
				  kn, p->id, side_name(dir), diff, pt_left(&p->rest), s->req.len);
			return;
		}
		s->req.answered = 1;
		s->n_ack++;
		s->acked = 1;
		commit(o, kind, q);
		if (cp->side[0].acked && cp->side[1].acked && !cp->opened)
			on_opened(o, kind, sink, at, ev);
		break;
	case PT_CP_CONF_NAK:
		s->req.answered = 1;
		s->n_nak++;
		s->acked = 0;
		check_nak(o, kind, dir, p, sink, at);
		break;
	case PT_CP_CONF_REJ:
		s->req.answered = 1;
		s->n_rej++;
		s->acked = 0;
		check_reject(o, kind, dir, p, sink, at);
		break;
	default:
		break;
	}
}

/* ---- other control packets ---- */

static void check_magic(pt_pppobs *o, int dir, const pt_cp_pkt *p, const pt_sink *sink, const pt_where *at)
{
	const pt_pppobs_lcp *own = &o->lcp[dir], *peer = &o->lcp[1 - dir];
	const char *cn = pt_vs_name_or(pt_cp_code_vs, p->code, "?");

	if (pt_pppobs_lcp_assumed(o) && !o->lcp[dir].has_magic && p->magic != 0) {
		/* negotiated before the capture: the sender's magic is what it sends (RFC 1661 5.8) */
		if (!(o->lcp[1 - dir].has_magic && o->lcp[1 - dir].magic == p->magic)) {
			o->lcp[dir].has_magic = 1;
			o->lcp[dir].magic = p->magic;
		}
	}
	/* RFC 1661 6.4: "Reception of a Magic-Number field equal to the
	 * negotiated local Magic-Number indicates a looped-back link" */
	if (peer->has_magic && p->magic == peer->magic && !(own->has_magic && own->magic == p->magic))
		pt_report(sink, PT_R_PPP_LCP_ECHO_LOOPED, at, "LCP %s id %u from %s carries %s's magic 0x%08x",
			  cn, p->id, side_name(dir), side_name(1 - dir), p->magic);
	/* RFC 1661 5.8: the sender's negotiated magic, or zero before it has one */
	else if (own->has_magic ? p->magic != own->magic : p->magic != 0)
		pt_report(sink, PT_R_PPP_LCP_ECHO_MAGIC, at, "LCP %s id %u from %s: magic 0x%08x, expected 0x%08x",
			  cn, p->id, side_name(dir), p->magic, own->has_magic ? own->magic : 0);
}

static void on_lcp_only(pt_pppobs *o, int dir, const pt_cp_pkt *p, const pt_sink *sink, const pt_where *at)
{
	pt_pppobs_side *s = &o->cp[PT_CPK_LCP].side[dir], *ps = &o->cp[PT_CPK_LCP].side[1 - dir];
	const char *cn = pt_vs_name_or(pt_cp_code_vs, p->code, "?");
	char idbuf[24];
	int k;

	switch (p->code) {
	case PT_CP_PROTO_REJ:
	case PT_CP_ECHO_REQ:
	case PT_CP_ECHO_REP:
	case PT_CP_DISC_REQ:
		/* RFC 1661 5.7, 5.8, 5.9: only in the LCP Opened state */
		if (!o->cp[PT_CPK_LCP].opened)
			pt_report(sink, PT_R_PPP_LCP_CODE_NOT_OPENED, at, "LCP %s id %u from %s before LCP opened",
				  cn, p->id, side_name(dir));
		break;
	default:
		break;
	}
	switch (p->code) {
	case PT_CP_PROTO_REJ:
		pt_report(sink, PT_R_PPP_LCP_PROTOCOL_REJECT, at, "%s rejects protocol 0x%04x (%s)", side_name(dir),
			  p->rej_proto, pt_ppp_proto_name(p->rej_proto));
		/* RFC 1661 5.7: the peer MUST stop sending that protocol */
		k = pt_cp_kind_of(p->rej_proto);
		if (k >= 0)
			o->cp[k].rejected = 1;
		break;
	case PT_CP_ECHO_REQ:
		check_magic(o, dir, p, sink, at);
		ids_push(&s->echo, p->id);
		break;
	case PT_CP_ECHO_REP:
		check_magic(o, dir, p, sink, at);
		/* RFC 1661 5.8: the Reply copies the Request's Identifier */
		if (ps->echo.n && !ids_has(&ps->echo, p->id))
			pt_report(sink, PT_R_PPP_LCP_ECHO_ID, at, "LCP Echo-Reply id %u from %s, Echo-Request id %s",
				  p->id, side_name(dir), ids_text(&ps->echo, idbuf, sizeof idbuf));
		ps->echo.n = 0;
		break;
	case PT_CP_DISC_REQ:
		check_magic(o, dir, p, sink, at);
		break;
	default:
		break;
	}
}

static void gate_ncp(pt_pppobs *o, int dir, uint16_t proto, const pt_sink *sink, const pt_where *at)
{
	/* RFC 1661 3.4: only LCP before Opened; 3.5: only LCP, authentication
	 * and link quality packets until authentication completes */
	if (!o->cp[PT_CPK_LCP].opened) {
		if (once(o, ONCE_BEFORE_LCP, dir))
			pt_report(sink, PT_R_PPP_LCP_NCP_BEFORE_OPEN, at,
				  "%s frame (0x%04x) from %s before LCP opened (reported once per direction)",
				  pt_ppp_proto_name(proto), proto, side_name(dir));
	} else if (!o->auth_done) {
		if (once(o, ONCE_BEFORE_AUTH, dir))
			pt_report(sink, PT_R_PPP_AUTH_NCP_BEFORE_AUTH, at,
				  "%s frame (0x%04x) from %s before authentication completed (reported once per direction)",
				  pt_ppp_proto_name(proto), proto, side_name(dir));
	}
}

static int on_cp(pt_pppobs *o, int kind, int dir, const pt_ppp_frame *f, const pt_sink *sink,
		 const pt_where *at, pt_pppobs_event *ev)
{
	pt_cursor c = f->info;
	pt_cp_pkt *p = &ev->cp;
	pt_pppobs_cp *cp = &o->cp[kind];
	const char *kn = pt_cp_kind_name(kind);
	char idbuf[24];
	int r;

	ev->cp_kind = kind;
	r = pt_cp_parse(kind, &c, p);
	if (r == PT_EINVAL) {
		if (p->length < 4)
			pt_report(sink, PT_R_PPP_CP_BAD_LENGTH, at, "%s packet from %s: Length %u below 4", kn,
				  side_name(dir), p->length);
		else
			pt_report(sink, PT_R_PPP_CP_BAD_BODY, at, "%s %s id %u from %s: Length %u too short for its fields",
				  kn, pt_vs_name_or(pt_cp_code_vs, p->code, "?"), p->id, side_name(dir), p->length);
		return r;
	}
	if (r == PT_ETRUNC) {
		/* RFC 1661 5: a Length past the frame is invalid, unless the capture cut the frame */
		if (pt_left(&f->info) >= 4 && !f->truncated) {
			pt_report(sink, PT_R_PPP_CP_BAD_LENGTH, at, "%s %s id %u from %s: Length %u, frame holds %zu",
				  kn, pt_vs_name_or(pt_cp_code_vs, p->code, "?"), p->id, side_name(dir), p->length,
				  pt_left(&f->info));
			return PT_EINVAL;
		}
		pt_report(sink, PT_R_PPP_FRAME_TRUNCATED, at, "%s packet from %s cut short by the capture (%zu octets)",
			  kn, side_name(dir), pt_left(&f->info));
		return r;
	}
	ev->what |= PT_PPPEV_CP;
	if (!pt_cp_code_valid(kind, p->code)) {
		/* RFC 1661 5.6: answered with Code-Reject */
		pt_report(sink, PT_R_PPP_CP_UNKNOWN_CODE, at, "%s code %u id %u from %s not defined", kn, p->code,
			  p->id, side_name(dir));
		return PT_OK;
	}
	if (kind != PT_CPK_LCP)
		gate_ncp(o, dir, f->proto, sink, at);
	switch (p->code) {
	case PT_CP_CONF_REQ:
		on_conf_req(o, kind, dir, p, sink, at, ev);
		break;
	case PT_CP_CONF_ACK:
	case PT_CP_CONF_NAK:
	case PT_CP_CONF_REJ:
		on_conf_reply(o, kind, dir, p, sink, at, ev);
		break;
	case PT_CP_TERM_REQ:
		/* RFC 1661 5.5: the sender has left Opened; the peer leaves it when it
		 * answers, so its frames until the Terminate-Ack are still legal */
		if (kind == PT_CPK_LCP && !cp->side[dir].term.n) {
			ev->what |= PT_PPPEV_LCP_TERMINATE;
			ev->term_reason = p->rest;
		}
		ids_push(&cp->side[dir].term, p->id);
		break;
	case PT_CP_TERM_ACK:
		/* RFC 1661 5.5: the Ack copies the Request's Identifier (pppd sends each
		 * retransmission with a new one, so any awaited id will do); an
		 * unelicited Ack is legal (peer closed or renegotiating) */
		if (cp->side[1 - dir].term.n && !ids_has(&cp->side[1 - dir].term, p->id))
			pt_report(sink, PT_R_PPP_CP_TERMACK_ID, at, "%s Terminate-Ack id %u from %s, Terminate-Request id %s",
				  kn, p->id, side_name(dir), ids_text(&cp->side[1 - dir].term, idbuf, sizeof idbuf));
		cp->side[0].term.n = 0;
		cp->side[1].term.n = 0;
		cp_down(o, kind, ev);
		break;
	case PT_CP_CODE_REJ: {
		uint8_t rc = 0;
		(void)pt_peek_u8(&p->rest, 0, &rc);
		pt_report(sink, PT_R_PPP_CP_CODE_REJECT, at, "%s Code-Reject from %s of code %u (%s)", kn,
			  side_name(dir), rc, pt_vs_name_or(pt_cp_code_vs, rc, "?"));
		break;
	}
	case PT_CP_RESET_REQ:
		/* RFC 1962 3.1: resent with the same id until a Reset-Ack comes */
		ids_push(&cp->side[dir].reset, p->id);
		ev->what |= PT_PPPEV_CCP_RESET_REQ;
		ev->reset_id = p->id;
		break;
	case PT_CP_RESET_ACK:
		/* RFC 1962 3.1: "the Identifier field copied from the Reset-Request packet" */
		if (cp->side[1 - dir].reset.n && !ids_has(&cp->side[1 - dir].reset, p->id))
			pt_report(sink, PT_R_PPP_CCP_RESET_ACK_ID, at, "CCP Reset-Ack id %u from %s, Reset-Request id %s",
				  p->id, side_name(dir), ids_text(&cp->side[1 - dir].reset, idbuf, sizeof idbuf));
		cp->side[1 - dir].reset.n = 0;
		ev->what |= PT_PPPEV_CCP_RESET_ACK;
		ev->reset_id = p->id;
		break;
	default:
		if (kind == PT_CPK_LCP)
			on_lcp_only(o, dir, p, sink, at);
		break;
	}
	return PT_OK;
}

/* ---- authentication ---- */

static void keep_bytes(const pt_cursor *c, uint8_t *dst, size_t cap, uint8_t *len8, uint16_t *len16)
{
	pt_cursor t = *c;
	size_t n = pt_left(&t);

	if (n > cap)
		n = cap;
	(void)pt_copy(&t, dst, n);
	if (len8)
		*len8 = (uint8_t)n;
	if (len16)
		*len16 = (uint16_t)n;
}

static void auth_result(pt_pppobs *o, int a, int ok, uint32_t error, const pt_sink *sink, const pt_where *at,
			pt_pppobs_event *ev)
{
	pt_pppobs_auth *au = &o->auth[a];
	int done = 1;

	au->state = ok ? PT_PPPOBS_AUTH_SUCCESS : PT_PPPOBS_AUTH_FAILURE;
	au->error = error;
	ev->what |= PT_PPPEV_AUTH_RESULT;
	ev->auth_success = (uint8_t)ok;
	ev->auth_error = error;
	if (!ok) {
		if (error)
			pt_report(sink, PT_R_PPP_AUTH_FAILURE, at, "%s refused %s: error %u (%s)", side_name(a),
				  side_name(1 - a), error, pt_vs_name_or(pt_mschap_error_vs, error, "unknown"));
		else
			pt_report(sink, PT_R_PPP_AUTH_FAILURE, at, "%s refused %s", side_name(a), side_name(1 - a));
	}
	for (int s = 0; s < 2; s++)
		if (o->auth[s].proto && o->auth[s].state != PT_PPPOBS_AUTH_SUCCESS)
			done = 0;
	if (done && o->cp[PT_CPK_LCP].opened && !o->auth_done) {
		o->auth_done = 1;
		ev->what |= PT_PPPEV_AUTH_DONE;
	}
}

/*
 * LCP not in the capture: the authentication protocol is what the packets are, and the CHAP algorithm what
 * their sizes say (the crackers' sample captures hold nothing but the handshake).  RFC 2433 2 / RFC 2759 4:
 * an MS-CHAPv1 Challenge is 8 octets, an MS-CHAPv2 one 16; both Responses are 49 (v1: 24 LM + 24 NT + flags,
 * v2: 16 peer challenge + 8 zero + 24 NT + flags); CHAP-MD5 (RFC 1994 4.1) answers with the 16-octet hash.
 */
static void infer_auth(pt_pppobs *o, int a, const pt_ppp_frame *f, uint8_t code)
{
	pt_pppobs_auth *au = &o->auth[a];
	uint8_t vsize = 0;

	if (f->proto != PT_PPP_PAP && f->proto != PT_PPP_CHAP)
		return;
	if (!au->proto) {
		au->proto = f->proto;
		au->state = PT_PPPOBS_AUTH_PENDING;
		o->lcp[a].auth_proto = f->proto;
	}
	if (f->proto != PT_PPP_CHAP || (au->alg && au->alg != PT_CHAP_ALG_MD5) ||
	    pt_peek_u8(&f->info, 4, &vsize) != PT_OK)
		return;
	if (code == PT_CHAP_CHALLENGE)
		au->alg = vsize == 8 ? PT_CHAP_ALG_MSCHAPV1 : PT_CHAP_ALG_MD5;
	else if (code == PT_CHAP_RESPONSE && vsize == 49)
		au->alg = au->chal_valid && au->chal_len == 8 ? PT_CHAP_ALG_MSCHAPV1 : PT_CHAP_ALG_MSCHAPV2;
	else if (code == PT_CHAP_RESPONSE && !au->alg)
		au->alg = PT_CHAP_ALG_MD5;
	o->lcp[a].chap_alg = au->alg;
}

static int on_auth(pt_pppobs *o, int dir, const pt_ppp_frame *f, const pt_sink *sink, const pt_where *at,
		   pt_pppobs_event *ev)
{
	pt_cursor c = f->info;
	pt_auth_msg *m = &ev->auth_msg;
	pt_pppobs_auth *au;
	uint8_t code = 0, id = 0;
	int a, r;

	(void)pt_peek_u8(&c, 0, &code);
	(void)pt_peek_u8(&c, 1, &id);
	/* who authenticates whom: requests/responses come from the authenticatee */
	if (f->proto == PT_PPP_PAP && code >= PT_PAP_AUTH_REQ && code <= PT_PAP_AUTH_NAK)
		a = code == PT_PAP_AUTH_REQ ? 1 - dir : dir;
	else if (f->proto == PT_PPP_CHAP && code >= PT_CHAP_CHALLENGE && code <= PT_MSCHAPV2_CHANGE_PW)
		a = (code == PT_CHAP_CHALLENGE || code == PT_CHAP_SUCCESS || code == PT_CHAP_FAILURE) ? dir : 1 - dir;
	else /* unknown code: the side that negotiated this protocol, if the sender did */
		a = o->auth[dir].proto == f->proto ? dir : 1 - dir;
	au = &o->auth[a];
	ev->authenticator = a;

	if (pt_pppobs_lcp_assumed(o))
		infer_auth(o, a, f, code);
	if (!o->cp[PT_CPK_LCP].opened)
		pt_report(sink, PT_R_PPP_AUTH_BEFORE_LCP_OPEN, at, "%s packet (code %u id %u) from %s before LCP opened",
			  pt_ppp_proto_name(f->proto), code, id, side_name(dir));
	else if (au->proto != f->proto)
		/* RFC 1661 6.2: authenticate "with the acknowledged protocol" */
		pt_report(sink, PT_R_PPP_AUTH_PROTOCOL_MISMATCH, at, "%s packet from %s, but %s negotiated %s (0x%04x)",
			  pt_ppp_proto_name(f->proto), side_name(dir), side_name(a),
			  au->proto ? pt_ppp_proto_name(au->proto) : "no authentication", au->proto);

	m->alg = f->proto == PT_PPP_CHAP ? (au->proto == PT_PPP_CHAP ? au->alg : o->lcp[a].chap_alg) : 0;
	r = pt_auth_parse(f->proto, &c, m, sink, at);
	if (r == PT_ETRUNC) {
		pt_report(sink, PT_R_PPP_FRAME_TRUNCATED, at, "%s packet from %s cut short by the capture",
			  pt_ppp_proto_name(f->proto), side_name(dir));
		return r;
	}
	if (r != PT_OK)
		return r;
	ev->auth = m;
	ev->what |= PT_PPPEV_AUTH_MSG;

	if (f->proto == PT_PPP_PAP) {
		switch (m->code) {
		case PT_PAP_AUTH_REQ:
			if (once(o, ONCE_PAP_CLEAR, dir))
				pt_report(sink, PT_R_PPP_PAP_CLEARTEXT, at,
					  "PAP Authenticate-Request from %s: password in clear text", side_name(dir));
			au->req_valid = 1;
			au->req_id = m->id;
			au->attempts++;
			keep_bytes(&m->peer_id, au->name, sizeof au->name, NULL, &au->name_len);
			if (au->state != PT_PPPOBS_AUTH_SUCCESS)
				au->state = PT_PPPOBS_AUTH_PENDING;
			break;
		case PT_PAP_AUTH_ACK:
		case PT_PAP_AUTH_NAK:
			/* RFC 1334 2.2.2: Identifier copied from the Authenticate-Request */
			if (!au->req_valid)
				pt_report(sink, PT_R_PPP_PAP_REPLY_ID, at, "PAP %s id %u from %s with no Authenticate-Request",
					  pt_vs_name_or(pt_pap_code_vs, m->code, "?"), m->id, side_name(dir));
			else if (m->id != au->req_id)
				pt_report(sink, PT_R_PPP_PAP_REPLY_ID, at, "PAP %s id %u from %s, Authenticate-Request id %u",
					  pt_vs_name_or(pt_pap_code_vs, m->code, "?"), m->id, side_name(dir), au->req_id);
			auth_result(o, a, m->code == PT_PAP_AUTH_ACK, 0, sink, at, ev);
			break;
		default:
			break;
		}
		return PT_OK;
	}
	switch (m->code) {
	case PT_CHAP_CHALLENGE:
		au->chal_valid = 1;
		au->chal_id = m->id;
		au->resp_valid = 0;
		keep_bytes(&m->value, au->chal, sizeof au->chal, &au->chal_len, NULL);
		if (au->state != PT_PPPOBS_AUTH_SUCCESS)
			au->state = PT_PPPOBS_AUTH_PENDING;
		break;
	case PT_CHAP_RESPONSE:
		/* RFC 1994 4.1: the Response copies the Challenge's Identifier */
		if (!au->chal_valid)
			pt_report(sink, PT_R_PPP_CHAP_UNSOLICITED, at, "CHAP Response id %u from %s with no Challenge",
				  m->id, side_name(dir));
		else if (m->id != au->chal_id)
			pt_report(sink, PT_R_PPP_CHAP_RESPONSE_ID, at, "CHAP Response id %u from %s, Challenge id %u",
				  m->id, side_name(dir), au->chal_id);
		au->resp_valid = 1;
		au->resp_id = m->id;
		au->attempts++;
		keep_bytes(&m->value, au->resp, sizeof au->resp, &au->resp_len, NULL);
		keep_bytes(&m->name, au->name, sizeof au->name, NULL, &au->name_len);
		break;
	case PT_CHAP_SUCCESS:
	case PT_CHAP_FAILURE:
		/* RFC 1994 4.2: Identifier copied from the Response */
		if (!au->resp_valid)
			pt_report(sink, PT_R_PPP_CHAP_UNSOLICITED, at, "CHAP %s id %u from %s with no Response",
				  pt_vs_name_or(pt_chap_code_vs, m->code, "?"), m->id, side_name(dir));
		else if (m->id != au->resp_id)
			pt_report(sink, PT_R_PPP_CHAP_RESULT_ID, at, "CHAP %s id %u from %s, Response id %u",
				  pt_vs_name_or(pt_chap_code_vs, m->code, "?"), m->id, side_name(dir), au->resp_id);
		if (m->code == PT_CHAP_SUCCESS && m->success_ok) {
			au->auth_resp_valid = 1;
			memcpy(au->auth_resp, m->success.auth_resp, sizeof au->auth_resp);
		}
		auth_result(o, a, m->code == PT_CHAP_SUCCESS, m->failure_ok ? m->failure.error : 0, sink, at, ev);
		break;
	default:
		break;
	}
	return PT_OK;
}

/* ---- data and the rest ---- */

static void on_data(pt_pppobs *o, int dir, const pt_ppp_frame *f, const pt_sink *sink, const pt_where *at,
		    pt_pppobs_event *ev)
{
	int peer = 1 - dir;
	uint16_t proto = f->proto;
	size_t len = pt_left(&f->info);

	if (!f->decrypted)
		o->n_data[dir]++; /* the enclosing 0x00fd frame was counted */
	gate_ncp(o, dir, proto, sink, at);
	/* RFC 1962 2.1, RFC 3078 3: compressed/encrypted datagrams need CCP Opened */
	if ((proto == PT_PPP_COMP || proto == PT_PPP_COMP_LINK) && !o->cp[PT_CPK_CCP].opened &&
	    once(o, ONCE_CCP_DATA, dir))
		pt_report(sink, PT_R_PPP_CCP_DATA_BEFORE_OPEN, at,
			  "%s frame from %s before CCP opened (reported once per direction)",
			  pt_ppp_proto_name(proto), side_name(dir));
	/* RFC 3078 3: protocols 0x0021-0x00fa go through MPPE once negotiated */
	if (proto >= 0x0021 && proto <= 0x00fa && !f->decrypted && pt_pppobs_mppe_active(o, peer) &&
	    once(o, ONCE_CLEARTEXT, dir))
		pt_report(sink, PT_R_PPP_MPPE_CLEARTEXT_DATA, at,
			  "unencrypted %s frame from %s after MPPE was negotiated (reported once per direction)",
			  pt_ppp_proto_name(proto), side_name(dir));
	/* RFC 1332 2.1, RFC 5072 2 (RFC 1661 3.6): the NCP must be Opened */
	if (((proto == PT_PPP_IP && !o->cp[PT_CPK_IPCP].opened) ||
	     (proto == PT_PPP_IPV6 && !o->cp[PT_CPK_IPV6CP].opened)) &&
	    o->cp[PT_CPK_LCP].opened && o->auth_done && once(o, ONCE_NCP_DATA, dir))
		pt_report(sink, PT_R_PPP_NCP_DATA_BEFORE_OPEN, at,
			  "%s frame from %s before %s opened (reported once per direction)", pt_ppp_proto_name(proto),
			  side_name(dir), proto == PT_PPP_IP ? "IPCP" : "IPV6CP");
	/* RFC 1661 6.1: the MRU bounds the Information field (not the protocol field) */
	if (len > o->lcp[peer].mru && !pt_pppobs_lcp_assumed(o) && !f->truncated && !f->decrypted && once(o, ONCE_MRU, dir))
		pt_report(sink, PT_R_PPP_MRU_EXCEEDED, at,
			  "%s frame from %s: information field %zu octets, %s's MRU %u (reported once per direction)",
			  pt_ppp_proto_name(proto), side_name(dir), len, side_name(peer), o->lcp[peer].mru);
	ev->what |= PT_PPPEV_DATA;
}

static void check_framing(pt_pppobs *o, int dir, const pt_ppp_frame *f, const pt_sink *sink, const pt_where *at)
{
	int peer = 1 - dir;

	if (!f->acf_present) {
		if (f->proto == PT_PPP_LCP) {
			uint8_t code = 0;
			(void)pt_peek_u8(&f->info, 0, &code);
			/* RFC 1661 6.6: "MUST NOT be compressed when sending any LCP
			 * packet".  Linux ppp_async keeps FF 03 only on codes 1-7 and
			 * compresses Echo/Discard once ACFC is up (seen from pppd 2.4.9,
			 * captures/real/echo-timeout.pcap): ppp.acfc.on_lcp_echo, info. */
			if (code >= PT_CP_CONF_REQ && code <= PT_CP_CODE_REJ) {
				if (once(o, ONCE_ACFC_LCP, dir))
					pt_report(sink, PT_R_PPP_ACFC_ON_LCP, at,
						  "LCP %s from %s without address and control fields",
						  pt_vs_name_or(pt_cp_code_vs, code, "?"), side_name(dir));
			} else if (once(o, ONCE_ACFC_LCP_ECHO, dir)) {
				pt_report(sink, PT_R_PPP_ACFC_ON_LCP_ECHO, at,
					  "LCP %s from %s without address and control fields%s",
					  pt_vs_name_or(pt_cp_code_vs, code, "packet"), side_name(dir),
					  o->lcp[1 - dir].acfc ? " (ACFC negotiated)" : "");
			}
		} else if (!o->lcp[peer].acfc && !pt_pppobs_lcp_assumed(o) && once(o, ONCE_ACFC, dir)) {
			/* RFC 1661 6.6: only when the receiver asked for ACFC */
			pt_report(sink, PT_R_PPP_ACFC_NOT_NEGOTIATED, at,
				  "%s frame from %s without address and control fields; %s did not negotiate ACFC",
				  pt_ppp_proto_name(f->proto), side_name(dir), side_name(peer));
		}
	}
	/* RFC 1661 6.5: "MUST NOT be transmitted unless this Configuration Option has been negotiated" */
	if (f->pfc_used && !o->lcp[peer].pfc && !pt_pppobs_lcp_assumed(o) && once(o, ONCE_PFC, dir))
		pt_report(sink, PT_R_PPP_PFC_NOT_NEGOTIATED, at,
			  "%s frame from %s with a one-octet protocol field; %s did not negotiate PFC",
			  pt_ppp_proto_name(f->proto), side_name(dir), side_name(peer));
}

int pt_pppobs_on_frame(pt_pppobs *o, int dir, const pt_ppp_frame *f, const pt_sink *sink,
		       const pt_where *at, pt_pppobs_event *ev)
{
	int kind;

	memset(ev, 0, sizeof *ev);
	ev->dir = dir;
	ev->proto = f->proto;
	ev->cp_kind = -1;
	ev->authenticator = -1;
	ev->payload = f->info;
	if (dir != PT_DIR_PNS && dir != PT_DIR_PAC)
		return PT_EINVAL;
	if (!f->decrypted) {
		o->n_frames[dir]++;
		check_framing(o, dir, f, sink, at);
	}
	/* RFC 1661 2: such frames "MUST be treated as having an unrecognized Protocol" */
	if (!f->proto_ok) {
		if (once(o, ONCE_BAD_PROTO, dir))
			pt_report(sink, PT_R_PPP_FRAME_BAD_PROTOCOL, at, "frame from %s with protocol field 0x%04x",
				  side_name(dir), f->proto);
		return PT_OK;
	}
	if (f->proto == PT_PPP_CCP_LINK)
		kind = -1; /* multilink per-link CCP is not tracked; gated as an NCP below */
	else
		kind = pt_cp_kind_of(f->proto);
	if (kind >= 0)
		return on_cp(o, kind, dir, f, sink, at, ev);
	if (f->proto == PT_PPP_PAP || f->proto == PT_PPP_CHAP)
		return on_auth(o, dir, f, sink, at, ev);
	/* the two protocols of nearly every frame, both in the table, skip the walk through it */
	if (f->proto != PT_PPP_COMP && f->proto != PT_PPP_IP && !pt_vs_name(pt_ppp_proto_vs, f->proto) &&
	    once(o, ONCE_UNKNOWN_PROTO, dir))
		pt_report(sink, PT_R_PPP_FRAME_UNKNOWN_PROTOCOL, at, "frame from %s with protocol 0x%04x",
			  side_name(dir), f->proto);
	if (pt_ppp_proto_is_link_control(f->proto))
		return PT_OK; /* LQR, CBCP, BACP ...: allowed in every phase */
	if (pt_ppp_proto_is_ncp(f->proto)) {
		gate_ncp(o, dir, f->proto, sink, at);
		return PT_OK;
	}
	on_data(o, dir, f, sink, at, ev);
	return PT_OK;
}

int pt_pppobs_on_packet(pt_pppobs *o, int dir, pt_cursor *c, int truncated, const pt_sink *sink,
			const pt_where *at, pt_pppobs_event *ev)
{
	pt_ppp_frame f;
	int r;

	r = pt_ppp_parse(c, &f);
	if (r != PT_OK) {
		memset(ev, 0, sizeof *ev);
		ev->dir = dir;
		ev->cp_kind = -1;
		ev->authenticator = -1;
		if (r == PT_EINVAL)
			/* RFC 1662 3.1: All-Stations address, then UI control 0x03 */
			pt_report(sink, PT_R_PPP_FRAME_BAD_CONTROL, at, "frame from %s: address 0xff not followed by 0x03",
				  side_name(dir));
		else
			pt_report(sink, PT_R_PPP_FRAME_TRUNCATED, at, "frame from %s shorter than its PPP header",
				  side_name(dir));
		return r;
	}
	f.truncated = truncated ? 1 : 0;
	return pt_pppobs_on_frame(o, dir, &f, sink, at, ev);
}

static int once_done(const pt_pppobs *o, int bit, int dir)
{
	return (o->once & (1u << (bit * 2 + dir))) != 0;
}

int pt_pppobs_data_quiet(pt_pppobs *o, int dir, const pt_ppp_frame *f)
{
	int peer = 1 - dir;
	uint16_t proto = f->proto;

	/* what pt_pppobs_on_frame checks on an outer 0x00fd or 0x0021 frame, each guard false or its finding told */
	if ((dir != PT_DIR_PNS && dir != PT_DIR_PAC) || f->decrypted || !f->proto_ok ||
	    (proto != PT_PPP_COMP && proto != PT_PPP_IP))
		return 0;
	/* check_framing */
	if (!f->acf_present && !o->lcp[peer].acfc && !pt_pppobs_lcp_assumed(o) && !once_done(o, ONCE_ACFC, dir))
		return 0;
	if (f->pfc_used && !o->lcp[peer].pfc && !pt_pppobs_lcp_assumed(o) && !once_done(o, ONCE_PFC, dir))
		return 0;
	if (!o->cp[PT_CPK_LCP].opened ? !once_done(o, ONCE_BEFORE_LCP, dir)
				      : !o->auth_done && !once_done(o, ONCE_BEFORE_AUTH, dir))
		return 0; /* gate_ncp */
	if (proto == PT_PPP_COMP && !o->cp[PT_CPK_CCP].opened && !once_done(o, ONCE_CCP_DATA, dir))
		return 0;
	if (proto == PT_PPP_IP && pt_pppobs_mppe_active(o, peer) && !once_done(o, ONCE_CLEARTEXT, dir))
		return 0;
	if (proto == PT_PPP_IP && !o->cp[PT_CPK_IPCP].opened && o->cp[PT_CPK_LCP].opened && o->auth_done &&
	    !once_done(o, ONCE_NCP_DATA, dir))
		return 0;
	if (pt_left(&f->info) > o->lcp[peer].mru && !pt_pppobs_lcp_assumed(o) && !f->truncated &&
	    !once_done(o, ONCE_MRU, dir))
		return 0;
	o->n_frames[dir]++;
	o->n_data[dir]++;
	return 1;
}
