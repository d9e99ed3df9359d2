/* cp.c: LCP/CCP/IPCP/IPV6CP packet and option parse/build, option descriptor tables (RFC 1661 5-6, RFC 1570, RFC 1962, RFC 3078, RFC 1332, RFC 1877, RFC 5072). */
#include <string.h>

#include "cp.h"
#include "ppp.h"

const pt_vs pt_cp_code_vs[] = {
	{ PT_CP_CONF_REQ, "Configure-Request" },
	{ PT_CP_CONF_ACK, "Configure-Ack" },
	{ PT_CP_CONF_NAK, "Configure-Nak" },
	{ PT_CP_CONF_REJ, "Configure-Reject" },
	{ PT_CP_TERM_REQ, "Terminate-Request" },
	{ PT_CP_TERM_ACK, "Terminate-Ack" },
	{ PT_CP_CODE_REJ, "Code-Reject" },
	{ PT_CP_PROTO_REJ, "Protocol-Reject" },
	{ PT_CP_ECHO_REQ, "Echo-Request" },
	{ PT_CP_ECHO_REP, "Echo-Reply" },
	{ PT_CP_DISC_REQ, "Discard-Request" },
	{ PT_CP_IDENT, "Identification" },
	{ PT_CP_TIME_REM, "Time-Remaining" },
	{ PT_CP_RESET_REQ, "Reset-Request" },
	{ PT_CP_RESET_ACK, "Reset-Ack" },
	{ 0, NULL }
};

const pt_vs pt_ccp_mppe_bits_vs[] = {
	{ PT_CCP_MPPE_H, "H (stateless)" },
	{ PT_CCP_MPPE_M, "M (56-bit)" },
	{ PT_CCP_MPPE_S, "S (128-bit)" },
	{ PT_CCP_MPPE_L, "L (40-bit)" },
	{ PT_CCP_MPPE_D, "D (obsolete)" },
	{ PT_CCP_MPPE_C, "C (MPPC)" },
	{ 0, NULL }
};

int pt_cp_kind_of(uint16_t proto)
{
	switch (proto) {
	case PT_PPP_LCP:
		return PT_CPK_LCP;
	case PT_PPP_CCP:
	case PT_PPP_CCP_LINK: /* RFC 1962 2: same packets, per-link */
		return PT_CPK_CCP;
	case PT_PPP_IPCP:
		return PT_CPK_IPCP;
	case PT_PPP_IPV6CP:
		return PT_CPK_IPV6CP;
	default:
		return -1;
	}
}

uint16_t pt_cp_kind_proto(int kind)
{
	static const uint16_t protos[PT_CPK__N] = { PT_PPP_LCP, PT_PPP_CCP, PT_PPP_IPCP, PT_PPP_IPV6CP };
	return kind >= 0 && kind < PT_CPK__N ? protos[kind] : 0;
}

const char *pt_cp_kind_name(int kind)
{
	static const char *const names[PT_CPK__N] = { "LCP", "CCP", "IPCP", "IPV6CP" };
	return kind >= 0 && kind < PT_CPK__N ? names[kind] : "?";
}

int pt_cp_code_valid(int kind, uint8_t code)
{
	switch (kind) {
	case PT_CPK_LCP:
		/* RFC 1661 5: 1-11; RFC 1570 1: 12 Identification, 13 Time-Remaining */
		return code >= 1 && code <= 13;
	case PT_CPK_CCP:
		/* RFC 1962 2: codes 1-7 as LCP, plus 14 and 15 (section 3) */
		return (code >= 1 && code <= 7) || code == 14 || code == 15;
	case PT_CPK_IPCP:   /* RFC 1332 2: codes 1-7 only */
	case PT_CPK_IPV6CP: /* RFC 5072 3: codes 1-7 only */
		return code >= 1 && code <= 7;
	default:
		return 0;
	}
}

static void patch_u8(pt_writer *w, size_t at, uint8_t v)
{
	if (!w->err && at < pt_wlen(w))
		w->base[at] = v;
}

int pt_cp_parse(int kind, pt_cursor *c, pt_cp_pkt *p)
{
	pt_cursor body;
	int fixed_err;

	memset(p, 0, sizeof *p);
	p->off = pt_off(c);
	p->data = pt_cur_empty_at(c);
	p->rest = p->data;
	if (pt_left(c) < 4)
		return PT_ETRUNC;
	(void)pt_get_u8(c, &p->code);
	(void)pt_get_u8(c, &p->id);
	(void)pt_get_u16(c, &p->length);
	/* RFC 1661 5: Length counts the 4 header octets; less is invalid */
	if (p->length < 4)
		return PT_EINVAL;
	p->complete = pt_sub(c, (size_t)p->length - 4, &p->data) == PT_OK;
	body = p->data;
	fixed_err = p->complete ? PT_EINVAL : PT_ETRUNC;

	if (kind == PT_CPK_LCP) {
		switch (p->code) {
		case PT_CP_PROTO_REJ: /* RFC 1661 5.7: Rejected-Protocol, 2 octets */
			if (pt_get_u16(&body, &p->rej_proto) != PT_OK)
				return fixed_err;
			break;
		case PT_CP_ECHO_REQ:  /* RFC 1661 5.8, 5.9: Magic-Number first */
		case PT_CP_ECHO_REP:
		case PT_CP_DISC_REQ:
		case PT_CP_IDENT:     /* RFC 1570 1.1: Magic-Number, Message */
			if (pt_get_u32(&body, &p->magic) != PT_OK)
				return fixed_err;
			break;
		case PT_CP_TIME_REM:  /* RFC 1570 1.2: Magic, Seconds-Remaining, Message */
			if (pt_get_u32(&body, &p->magic) != PT_OK ||
			    pt_get_u32(&body, &p->seconds) != PT_OK)
				return fixed_err;
			break;
		default:
			break;
		}
	}
	p->rest = body;
	return p->complete ? PT_OK : PT_ETRUNC;
}

size_t pt_cp_begin(pt_writer *w, uint8_t code, uint8_t id)
{
	size_t start = pt_wlen(w);

	pt_put_u8(w, code);
	pt_put_u8(w, id);
	pt_put_u16(w, 0); /* Length, patched by pt_cp_end */
	return start;
}

int pt_cp_end(pt_writer *w, size_t start)
{
	size_t len;

	if (w->err)
		return w->err;
	len = pt_wlen(w) - start;
	if (len > 0xffff || len < 4) {
		w->err = PT_EINVAL;
		return w->err;
	}
	pt_patch_u16(w, start + 2, (uint16_t)len);
	return w->err;
}

int pt_cp_build(const pt_cp_pkt *p, pt_writer *w)
{
	size_t start = pt_cp_begin(w, p->code, p->id);

	switch (p->code) {
	case PT_CP_PROTO_REJ:
		pt_put_u16(w, p->rej_proto);
		break;
	case PT_CP_ECHO_REQ:
	case PT_CP_ECHO_REP:
	case PT_CP_DISC_REQ:
	case PT_CP_IDENT:
		pt_put_u32(w, p->magic);
		break;
	case PT_CP_TIME_REM:
		pt_put_u32(w, p->magic);
		pt_put_u32(w, p->seconds);
		break;
	default:
		break;
	}
	pt_put_cursor(w, &p->rest);
	return pt_cp_end(w, start);
}

/* ---- options ---- */

void pt_cp_opt_iter_init(pt_cp_opt_iter *it, const pt_cursor *opts, int complete)
{
	it->c = *opts;
	it->complete = complete ? 1 : 0;
}

int pt_cp_opt_next(pt_cp_opt_iter *it, pt_cp_opt *o)
{
	uint8_t t, l;

	if (pt_left(&it->c) == 0)
		return 0;
	o->off = pt_off(&it->c);
	if (pt_peek_u8(&it->c, 0, &t) != PT_OK || pt_peek_u8(&it->c, 1, &l) != PT_OK)
		return it->complete ? PT_EINVAL : PT_ETRUNC;
	/* RFC 1661 6: Length includes Type and Length; below 2 is impossible */
	if (l < 2)
		return PT_EINVAL;
	/* RFC 1661 6: data beyond the Information field: discard the packet */
	if (pt_left(&it->c) < l)
		return it->complete ? PT_EINVAL : PT_ETRUNC;
	(void)pt_skip(&it->c, 2);
	(void)pt_sub(&it->c, (size_t)l - 2, &o->val);
	o->type = t;
	o->len = l;
	return 1;
}

/* Decoders: the length was checked against the descriptor before the call. */
static int dec_none(const pt_cp_opt *o, pt_cp_optval *v)
{
	(void)o;
	memset(v, 0, sizeof *v);
	return PT_OK;
}

static int dec_u8(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;
	memset(v, 0, sizeof *v);
	return pt_get_u8(&c, &v->u8) == PT_OK && pt_left(&c) == 0 ? PT_OK : PT_EINVAL;
}

static int dec_u16(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;
	memset(v, 0, sizeof *v);
	return pt_get_u16(&c, &v->u16) == PT_OK && pt_left(&c) == 0 ? PT_OK : PT_EINVAL;
}

static int dec_u32(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;
	memset(v, 0, sizeof *v);
	return pt_get_u32(&c, &v->u32) == PT_OK && pt_left(&c) == 0 ? PT_OK : PT_EINVAL;
}

static int dec_auth(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;

	memset(v, 0, sizeof *v);
	if (pt_get_u16(&c, &v->proto.proto) != PT_OK)
		return PT_EINVAL;
	if (v->proto.proto == PT_PPP_CHAP) {
		/* RFC 1994 3: CHAP option length 5, the Algorithm octet last */
		if (pt_get_u8(&c, &v->proto.alg) != PT_OK || pt_left(&c) != 0)
			return PT_EINVAL;
	} else if (v->proto.proto == PT_PPP_PAP) {
		/* RFC 1334 2.1: PAP option length 4, no data */
		if (pt_left(&c) != 0)
			return PT_EINVAL;
	}
	v->proto.data = c;
	return PT_OK;
}

static int dec_proto(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;

	memset(v, 0, sizeof *v);
	if (pt_get_u16(&c, &v->proto.proto) != PT_OK)
		return PT_EINVAL;
	v->proto.data = c;
	return PT_OK;
}

static int dec_ipcomp(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;

	memset(v, 0, sizeof *v);
	if (pt_get_u16(&c, &v->proto.proto) != PT_OK)
		return PT_EINVAL;
	if (v->proto.proto == PT_PPP_VJC_COMP) {
		/* RFC 1332 4.1: Van Jacobson: length 6, Max-Slot-Id, Comp-Slot-Id */
		if (pt_get_u8(&c, &v->proto.max_slot) != PT_OK ||
		    pt_get_u8(&c, &v->proto.comp_slot) != PT_OK || pt_left(&c) != 0)
			return PT_EINVAL;
	}
	v->proto.data = c;
	return PT_OK;
}

static int dec_tagged(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;

	memset(v, 0, sizeof *v);
	if (pt_get_u8(&c, &v->tagged.tag) != PT_OK)
		return PT_EINVAL;
	v->tagged.data = c;
	return PT_OK;
}

static int dec_addr(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;
	size_t n = pt_left(&c);

	memset(v, 0, sizeof *v);
	if (n > sizeof v->addr)
		return PT_EINVAL;
	return pt_copy(&c, v->addr, n) == PT_OK ? PT_OK : PT_EINVAL;
}

static int dec_vendor(const pt_cp_opt *o, pt_cp_optval *v)
{
	pt_cursor c = o->val;

	memset(v, 0, sizeof *v);
	/* RFC 2153 2.1: OUI (3 octets), Kind (1 octet), Value */
	if (pt_copy(&c, v->vendor.oui, 3) != PT_OK || pt_get_u8(&c, &v->vendor.kind) != PT_OK)
		return PT_EINVAL;
	v->vendor.data = c;
	return PT_OK;
}

static int dec_raw(const pt_cp_opt *o, pt_cp_optval *v)
{
	memset(v, 0, sizeof *v);
	v->raw = o->val;
	return PT_OK;
}

static void bld_none(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	(void)v;
	(void)w;
}

static void bld_u8(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_u8(w, v->u8);
}

static void bld_u16(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_u16(w, v->u16);
}

static void bld_u32(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_u32(w, v->u32);
}

static void bld_auth(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_u16(w, v->proto.proto);
	if (v->proto.proto == PT_PPP_CHAP)
		pt_put_u8(w, v->proto.alg);
	pt_put_cursor(w, &v->proto.data);
}

static void bld_proto(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_u16(w, v->proto.proto);
	pt_put_cursor(w, &v->proto.data);
}

static void bld_ipcomp(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_u16(w, v->proto.proto);
	if (v->proto.proto == PT_PPP_VJC_COMP) {
		pt_put_u8(w, v->proto.max_slot);
		pt_put_u8(w, v->proto.comp_slot);
	}
	pt_put_cursor(w, &v->proto.data);
}

static void bld_tagged(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_u8(w, v->tagged.tag);
	pt_put_cursor(w, &v->tagged.data);
}

static void bld_addr(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	size_t n = d->len_min >= 2 ? (size_t)d->len_min - 2 : 0;

	if (n > sizeof v->addr)
		n = sizeof v->addr;
	pt_put_bytes(w, v->addr, n);
}

static void bld_vendor(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_bytes(w, v->vendor.oui, 3);
	pt_put_u8(w, v->vendor.kind);
	pt_put_cursor(w, &v->vendor.data);
}

static void bld_raw(const pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w)
{
	(void)d;
	pt_put_cursor(w, &v->raw);
}

#define NONE dec_none, bld_none
#define U8 dec_u8, bld_u8
#define U16 dec_u16, bld_u16
#define U32 dec_u32, bld_u32
#define AUTH dec_auth, bld_auth
#define PROTO dec_proto, bld_proto
#define IPCOMP dec_ipcomp, bld_ipcomp
#define TAGGED dec_tagged, bld_tagged
#define ADDR dec_addr, bld_addr
#define VENDOR dec_vendor, bld_vendor
#define RAW dec_raw, bld_raw
#define B PT_CPO_BOOL
#define M PT_CPO_MULTI

/* LCP: RFC 1661 6 (1-8), RFC 1570 2 (9, 10, 13, 15), RFC 1663 (11), RFC 1990
 * (17-19), RFC 1976 (21), RFC 1934 (22), RFC 2125 (23), RFC 2153 (0). */
const pt_cp_optdesc pt_cp_lcp_opts[] = {
	{ PT_LCP_OPT_VENDOR, 6, 255, M, "Vendor-Specific", VENDOR },
	{ PT_LCP_OPT_MRU, 4, 4, 0, "Maximum-Receive-Unit", U16 },
	{ PT_LCP_OPT_ACCM, 6, 6, 0, "Async-Control-Character-Map", U32 },
	/* RFC 1661 6.2: MUST NOT include multiple Authentication-Protocol options */
	{ PT_LCP_OPT_AUTH, 4, 255, 0, "Authentication-Protocol", AUTH },
	{ PT_LCP_OPT_QUALITY, 4, 255, 0, "Quality-Protocol", PROTO },
	{ PT_LCP_OPT_MAGIC, 6, 6, 0, "Magic-Number", U32 },
	{ PT_LCP_OPT_PFC, 2, 2, B, "Protocol-Field-Compression", NONE },
	{ PT_LCP_OPT_ACFC, 2, 2, B, "Address-and-Control-Field-Compression", NONE },
	{ PT_LCP_OPT_FCS_ALT, 3, 3, 0, "FCS-Alternatives", U8 },
	{ PT_LCP_OPT_SDP, 3, 3, 0, "Self-Describing-Padding", U8 },
	{ PT_LCP_OPT_NUMBERED, 3, 255, 0, "Numbered-Mode", TAGGED },
	{ PT_LCP_OPT_CALLBACK, 3, 255, 0, "Callback", TAGGED },
	{ PT_LCP_OPT_COMPOUND, 2, 2, B, "Compound-Frames", NONE },
	{ PT_LCP_OPT_MRRU, 4, 4, 0, "Multilink-MRRU", U16 },
	{ PT_LCP_OPT_SSNHF, 2, 2, B, "Multilink-Short-Sequence-Number-Header", NONE },
	{ PT_LCP_OPT_EPDISC, 3, 255, 0, "Multilink-Endpoint-Discriminator", TAGGED },
	{ PT_LCP_OPT_DCE_ID, 3, 3, 0, "DCE-Identifier", U8 },
	{ PT_LCP_OPT_MLPP, 2, 2, B, "Multi-Link-Plus-Procedure", NONE },
	{ PT_LCP_OPT_LINK_DISC, 4, 4, 0, "Link-Discriminator", U16 },
	{ 0, 0, 0, 0, NULL, NULL, NULL }
};

/* CCP: RFC 1962 4 (0 OUI, the rest by number), RFC 3078 2 / RFC 2118 (18). */
const pt_cp_optdesc pt_cp_ccp_opts[] = {
	{ PT_CCP_OPT_OUI, 6, 255, M, "OUI", VENDOR },
	{ PT_CCP_OPT_PRED1, 2, 2, B, "Predictor-1", NONE },
	{ PT_CCP_OPT_PRED2, 2, 2, B, "Predictor-2", NONE },
	{ PT_CCP_OPT_PUDDLE, 2, 2, B, "Puddle-Jumper", NONE },
	{ PT_CCP_OPT_HPPPC, 2, 255, 0, "HP-PPC", RAW },
	{ PT_CCP_OPT_STAC, 5, 5, M, "Stac-LZS", RAW },
	{ PT_CCP_OPT_MPPE, 6, 6, 0, "MPPE/MPPC", U32 },
	{ PT_CCP_OPT_FZA, 2, 255, 0, "Gandalf-FZA", RAW },
	{ PT_CCP_OPT_V42BIS, 2, 255, 0, "V.42bis", RAW },
	{ PT_CCP_OPT_BSD, 3, 3, 0, "BSD-Compress", U8 },
	{ PT_CCP_OPT_LZSDCP, 6, 6, 0, "LZS-DCP", RAW },
	{ PT_CCP_OPT_MVRCA, 2, 255, 0, "MVRCA/Deflate-draft", RAW },
	{ PT_CCP_OPT_DCE, 2, 255, 0, "DCE", RAW },
	{ PT_CCP_OPT_DEFLATE, 4, 4, 0, "Deflate", RAW },
	{ PT_CCP_OPT_V44, 2, 255, 0, "V.44/LZJH", RAW },
	{ 0, 0, 0, 0, NULL, NULL, NULL }
};

/* IPCP: RFC 1332 3 (1-3), RFC 2290 (4), RFC 1877 1 (129-132). */
const pt_cp_optdesc pt_cp_ipcp_opts[] = {
	{ PT_IPCP_OPT_ADDRS, 10, 10, 0, "IP-Addresses", ADDR },
	{ PT_IPCP_OPT_COMP, 4, 255, 0, "IP-Compression-Protocol", IPCOMP },
	{ PT_IPCP_OPT_ADDR, 6, 6, 0, "IP-Address", ADDR },
	{ PT_IPCP_OPT_MOBILE, 6, 6, 0, "Mobile-IPv4", ADDR },
	{ PT_IPCP_OPT_DNS1, 6, 6, 0, "Primary-DNS", ADDR },
	{ PT_IPCP_OPT_NBNS1, 6, 6, 0, "Primary-NBNS", ADDR },
	{ PT_IPCP_OPT_DNS2, 6, 6, 0, "Secondary-DNS", ADDR },
	{ PT_IPCP_OPT_NBNS2, 6, 6, 0, "Secondary-NBNS", ADDR },
	{ 0, 0, 0, 0, NULL, NULL, NULL }
};

/* IPV6CP: RFC 5072 4.1 (1), 4.2 of RFC 2472 / RFC 5172 (2). */
const pt_cp_optdesc pt_cp_ipv6cp_opts[] = {
	{ PT_IPV6CP_OPT_IFID, 10, 10, 0, "Interface-Identifier", ADDR },
	{ PT_IPV6CP_OPT_COMP, 4, 255, 0, "IPv6-Compression-Protocol", PROTO },
	{ 0, 0, 0, 0, NULL, NULL, NULL }
};

#undef NONE
#undef U8
#undef U16
#undef U32
#undef AUTH
#undef PROTO
#undef IPCOMP
#undef TAGGED
#undef ADDR
#undef VENDOR
#undef RAW
#undef B
#undef M

static const pt_cp_optdesc *table_of(int kind)
{
	switch (kind) {
	case PT_CPK_LCP:
		return pt_cp_lcp_opts;
	case PT_CPK_CCP:
		return pt_cp_ccp_opts;
	case PT_CPK_IPCP:
		return pt_cp_ipcp_opts;
	case PT_CPK_IPV6CP:
		return pt_cp_ipv6cp_opts;
	default:
		return NULL;
	}
}

const pt_cp_optdesc *pt_cp_optdesc_find(int kind, uint8_t type)
{
	const pt_cp_optdesc *d = table_of(kind);

	for (; d && d->name; d++)
		if (d->type == type)
			return d;
	return NULL;
}

const char *pt_cp_opt_name(int kind, uint8_t type)
{
	const pt_cp_optdesc *d = pt_cp_optdesc_find(kind, type);
	return d ? d->name : "unknown";
}

int pt_cp_opt_decode(int kind, const pt_cp_opt *o, pt_cp_optval *v)
{
	const pt_cp_optdesc *d = pt_cp_optdesc_find(kind, o->type);

	memset(v, 0, sizeof *v);
	if (!d)
		return PT_EUNSUP;
	if (o->len < d->len_min || o->len > d->len_max)
		return PT_EINVAL;
	return d->decode(o, v);
}

int pt_cp_opt_build(int kind, uint8_t type, const pt_cp_optval *v, pt_writer *w)
{
	const pt_cp_optdesc *d = pt_cp_optdesc_find(kind, type);
	size_t start, len;

	if (!d)
		return PT_EUNSUP;
	start = pt_wlen(w);
	pt_put_u8(w, type);
	pt_put_u8(w, 0); /* Length, patched below */
	d->build(d, v, w);
	if (w->err)
		return w->err;
	len = pt_wlen(w) - start;
	if (len > 255) {
		w->err = PT_EINVAL;
		return w->err;
	}
	patch_u8(w, start + 1, (uint8_t)len);
	return w->err;
}

int pt_cp_put_opt(pt_writer *w, uint8_t type, const void *data, size_t len)
{
	if (len > 253) {
		if (!w->err)
			w->err = PT_EINVAL;
		return w->err;
	}
	pt_put_u8(w, type);
	pt_put_u8(w, (uint8_t)(len + 2));
	pt_put_bytes(w, data, len);
	return w->err;
}

int pt_cp_opts_check(int kind, uint8_t code, const pt_cursor *opts, int complete,
		     const pt_sink *sink, const pt_where *at)
{
	uint8_t seen[32];
	pt_cp_opt_iter it;
	pt_cp_opt o;
	const char *kn = pt_cp_kind_name(kind);
	const char *cn = pt_vs_name_or(pt_cp_code_vs, code, "?");
	int r;

	memset(seen, 0, sizeof seen);
	memset(&o, 0, sizeof o);
	pt_cp_opt_iter_init(&it, opts, complete);
	while ((r = pt_cp_opt_next(&it, &o)) == 1) {
		const pt_cp_optdesc *d = pt_cp_optdesc_find(kind, o.type);
		pt_cp_optval v;

		if (code == PT_CP_CONF_REJ)
			continue; /* RFC 1661 5.4: copies of the request, good or bad */
		if (!d) {
			if (code == PT_CP_CONF_REQ)
				pt_report(sink, PT_R_PPP_CP_OPT_UNKNOWN, at,
					  "%s %s: option type %u not known", kn, cn, o.type);
			continue;
		}
		if (o.len < d->len_min || o.len > d->len_max) {
			if (d->len_min == d->len_max)
				pt_report(sink, PT_R_PPP_CP_OPT_LENGTH, at,
					  "%s %s: option %u (%s) length %u, expected %u", kn, cn,
					  o.type, d->name, o.len, d->len_min);
			else
				pt_report(sink, PT_R_PPP_CP_OPT_LENGTH, at,
					  "%s %s: option %u (%s) length %u, expected %u..%u", kn, cn,
					  o.type, d->name, o.len, d->len_min, d->len_max);
		} else if (d->decode(&o, &v) != PT_OK) {
			pt_report(sink, PT_R_PPP_CP_OPT_LENGTH, at,
				  "%s %s: option %u (%s) length %u does not fit its contents", kn, cn,
				  o.type, d->name, o.len);
		}
		/* RFC 1661 6: single-instance options; 6.2 names Auth-Protocol */
		if (!(d->flags & PT_CPO_MULTI)) {
			if (seen[o.type >> 3] & (1u << (o.type & 7)))
				pt_report(sink, PT_R_PPP_CP_OPT_DUPLICATE, at,
					  "%s %s: option %u (%s) listed more than once", kn, cn,
					  o.type, d->name);
			seen[o.type >> 3] |= (uint8_t)(1u << (o.type & 7));
		}
	}
	if (r == PT_EINVAL)
		pt_report(sink, PT_R_PPP_CP_OPT_LENGTH, at,
			  "%s %s: option at offset %zu has length below 2 or runs past the packet",
			  kn, cn, o.off);
	return r < 0 ? r : PT_OK;
}
