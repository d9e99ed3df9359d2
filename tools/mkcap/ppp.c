/* ppp.c: PPP payloads for a call: LCP/CCP/IPCP/IPV6CP packets (RFC 1661 5-6) through lib/cp.h, raw PPP, inner pings (RFC 792). */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "cp.h"
#include "ip.h"
#include "mkcap.h"
#include "ppp.h"

static const struct {
	const char *name;
	uint8_t code;
} cp_codes[] = {
	{ "confreq", PT_CP_CONF_REQ },   { "confack", PT_CP_CONF_ACK },   { "confnak", PT_CP_CONF_NAK },
	{ "confrej", PT_CP_CONF_REJ },   { "termreq", PT_CP_TERM_REQ },   { "termack", PT_CP_TERM_ACK },
	{ "coderej", PT_CP_CODE_REJ },   { "protrej", PT_CP_PROTO_REJ },  { "echoreq", PT_CP_ECHO_REQ },
	{ "echorep", PT_CP_ECHO_REP },   { "discreq", PT_CP_DISC_REQ },   { "ident", PT_CP_IDENT },
	{ "timerem", PT_CP_TIME_REM },   { "resetreq", PT_CP_RESET_REQ }, { "resetack", PT_CP_RESET_ACK },
};

/* Option keys of the source language: name -> (kind, type, how the value is written). */
enum optval { OV_BOOL, OV_U16, OV_U32, OV_AUTH, OV_ADDR4, OV_IFID, OV_MPPE };

static const struct optkey {
	int kind;
	const char *key;
	uint8_t type;
	enum optval how;
} optkeys[] = {
	{ PT_CPK_LCP, "mru", PT_LCP_OPT_MRU, OV_U16 },
	{ PT_CPK_LCP, "accm", PT_LCP_OPT_ACCM, OV_U32 },
	{ PT_CPK_LCP, "auth", PT_LCP_OPT_AUTH, OV_AUTH },
	{ PT_CPK_LCP, "magic", PT_LCP_OPT_MAGIC, OV_U32 },
	{ PT_CPK_LCP, "pfc", PT_LCP_OPT_PFC, OV_BOOL },
	{ PT_CPK_LCP, "acfc", PT_LCP_OPT_ACFC, OV_BOOL },
	{ PT_CPK_LCP, "mrru", PT_LCP_OPT_MRRU, OV_U16 },
	{ PT_CPK_LCP, "ssnhf", PT_LCP_OPT_SSNHF, OV_BOOL },
	{ PT_CPK_CCP, "mppe", PT_CCP_OPT_MPPE, OV_MPPE },
	{ PT_CPK_IPCP, "addr", PT_IPCP_OPT_ADDR, OV_ADDR4 },
	{ PT_CPK_IPCP, "dns1", PT_IPCP_OPT_DNS1, OV_ADDR4 },
	{ PT_CPK_IPCP, "dns2", PT_IPCP_OPT_DNS2, OV_ADDR4 },
	{ PT_CPK_IPCP, "nbns1", PT_IPCP_OPT_NBNS1, OV_ADDR4 },
	{ PT_CPK_IPCP, "nbns2", PT_IPCP_OPT_NBNS2, OV_ADDR4 },
	{ PT_CPK_IPV6CP, "ifid", PT_IPV6CP_OPT_IFID, OV_IFID },
};

/* LCP Authentication-Protocol values (RFC 1661 6.2, RFC 1994 3, RFC 2433, RFC 2759 2). */
static const struct {
	const char *name;
	uint16_t proto;
	int alg;  /* -1: no algorithm octet */
} auths[] = {
	{ "pap", PT_PPP_PAP, -1 },           { "chap-md5", PT_PPP_CHAP, 5 },
	{ "chap-mschapv1", PT_PPP_CHAP, 0x80 }, { "chap-mschapv2", PT_PPP_CHAP, 0x81 },
	{ "mschapv1", PT_PPP_CHAP, 0x80 },   { "mschapv2", PT_PPP_CHAP, 0x81 },
	{ "eap", PT_PPP_EAP, -1 },
};

/* RFC 3078 2: Supported Bits by letter: H (stateless), M (56), S (128), L (40), D, C (MPPC). */
static uint32_t mppe_bits(mk_line *l, mk_tok *t)
{
	uint32_t v = 0;
	const char *s = t->val;

	if (s[0] >= '0' && s[0] <= '9')
		return mk_num(l, t, 0xffffffffu);
	for (; *s; s++) {
		switch (*s) {
		case 'H': v |= PT_CCP_MPPE_H; break;
		case 'M': v |= PT_CCP_MPPE_M; break;
		case 'S': v |= PT_CCP_MPPE_S; break;
		case 'L': v |= PT_CCP_MPPE_L; break;
		case 'D': v |= PT_CCP_MPPE_D; break;
		case 'C': v |= PT_CCP_MPPE_C; break;
		case '+': break;
		default:
			mk_die(l, t->vcol + (int)(s - t->val), "MPPE bits: letters H M S L D C (H+S) or a number");
		}
	}
	return v;
}

static void addr4(mk_line *l, mk_tok *t, uint8_t out[4])
{
	if (inet_pton(AF_INET, t->val, out) != 1)
		mk_die(l, t->vcol, "'%s': IPv4 address expected", t->val);
}

static void build_opt(mk_line *l, int kind, const struct optkey *k, mk_tok *t, pt_writer *w)
{
	pt_cp_optval v;
	int rc;

	memset(&v, 0, sizeof v);
	switch (k->how) {
	case OV_BOOL:
		if (t->key)
			mk_die(l, t->col, "'%s' takes no value", k->key);
		break;
	case OV_U16:
		v.u16 = (uint16_t)mk_num(l, t, 0xffff);
		break;
	case OV_U32:
		v.u32 = mk_num(l, t, 0xffffffffu);
		break;
	case OV_MPPE:
		v.u32 = mppe_bits(l, t);
		break;
	case OV_ADDR4:
		addr4(l, t, v.addr);
		break;
	case OV_IFID:
		if (mk_hex(l, t, v.addr, 8) != 8)
			mk_die(l, t->vcol, "interface identifier: 8 bytes of hex expected");
		break;
	case OV_AUTH: {
		size_t i;
		for (i = 0; i < sizeof auths / sizeof auths[0]; i++)
			if (!strcasecmp(t->val, auths[i].name))
				break;
		if (i == sizeof auths / sizeof auths[0]) {
			/* hex octets as the option data: the protocol and any algorithm octet (c22381) */
			uint8_t b[3];
			size_t n = mk_hex(l, t, b, 3);
			if (n < 2)
				mk_die(l, t->vcol, "auth: pap, chap-md5, mschapv1, mschapv2, eap, or hex (c22381)");
			pt_cp_put_opt(w, PT_LCP_OPT_AUTH, b, n);
			return;
		}
		v.proto.proto = auths[i].proto;
		if (auths[i].alg >= 0)
			v.proto.alg = (uint8_t)auths[i].alg; /* the CHAP algorithm octet (RFC 1994 3) */
		break;
	}
	}
	rc = pt_cp_opt_build(kind, k->type, &v, w);
	if (rc != PT_OK)
		mk_die(l, t->col, "lib/cp cannot build option '%s': %s", k->key, pt_strerror(rc));
}

/* Options in the order the source lists them (order matters: an Ack must repeat the Request). */
static void build_opts(mk_line *l, int kind, pt_writer *w)
{
	for (int i = l->pos; i < l->ntok; i++) {
		mk_tok *t = &l->tok[i];
		const char *name = t->key ? t->key : t->val;
		if (t->used || (t->quoted && !t->key))
			continue;
		if (t->key && !strcmp(t->key, "opt")) {
			/* any option: opt=TYPE or opt=TYPE:HEX (raw data octets) */
			char *colon = strchr(t->val, ':');
			mk_tok num = *t, hx = *t;
			uint8_t data[256];
			size_t n = 0;
			if (colon) {
				*colon = '\0';
				num.vlen = (size_t)(colon - t->val);
				hx.val = colon + 1;
				hx.vlen = t->vlen - num.vlen - 1;
				hx.vcol = t->vcol + (int)num.vlen + 1;
				n = mk_hex(l, &hx, data, 253);
			}
			t->used = 1;
			pt_cp_put_opt(w, (uint8_t)mk_num(l, &num, 255), data, n);
			continue;
		}
		if (t->key && !strcmp(t->key, "rawopt")) {
			/* octets as they are: a broken length, a cut option */
			uint8_t data[256];
			size_t n = mk_hex(l, t, data, sizeof data);
			t->used = 1;
			pt_put_bytes(w, data, n);
			continue;
		}
		for (size_t k = 0; k < sizeof optkeys / sizeof optkeys[0]; k++) {
			if (optkeys[k].kind != kind || strcmp(optkeys[k].key, name))
				continue;
			if (!t->key && optkeys[k].how != OV_BOOL)
				break;
			t->used = 1;
			build_opt(l, kind, &optkeys[k], t, w);
			break;
		}
	}
}

/* Data for the codes that carry text or octets: data="text" or hex "..." */
static size_t cp_data(mk_line *l, uint8_t *out, size_t cap)
{
	mk_tok *t = mk_kv(l, "data");
	size_t n = 0;

	if (t) {
		if (t->vlen > cap)
			mk_die(l, t->vcol, "data too long");
		memcpy(out, t->val, t->vlen);
		n = t->vlen;
	}
	if (mk_accept(l, "hex")) {
		if (t)
			mk_die(l, l->endcol, "data= and hex: one or the other");
		n = mk_hex(l, mk_need(l, "quoted hex string"), out, cap);
	}
	return n;
}

static size_t build_cp(mk *m, mk_line *l, mk_call *k, int side, int kind, uint8_t *out, size_t cap)
{
	mk_tok *t = mk_need(l, "code (confreq, confack, confnak, confrej, termreq, termack, ...)");
	pt_writer w = pt_wr(out, cap);
	uint8_t code = 0, id;
	size_t i, start;
	uint8_t data[1500];
	size_t n;

	for (i = 0; i < sizeof cp_codes / sizeof cp_codes[0]; i++)
		if (!strcmp(t->val, cp_codes[i].name))
			break;
	if (i < sizeof cp_codes / sizeof cp_codes[0])
		code = cp_codes[i].code;
	else if (t->val[0] >= '0' && t->val[0] <= '9')
		code = (uint8_t)mk_num(l, t, 255);
	else
		mk_die(l, t->col, "unknown code '%s'", t->val);
	if (!mk_kv_has(l, "id"))
		mk_die(l, l->endcol, "id=N is required");
	id = (uint8_t)mk_kv_num(l, "id", 0, 255);
	start = pt_cp_begin(&w, code, id);
	switch (code) {
	case PT_CP_CONF_REQ:
	case PT_CP_CONF_ACK:
	case PT_CP_CONF_NAK:
	case PT_CP_CONF_REJ:
		build_opts(l, kind, &w);
		break;
	case PT_CP_PROTO_REJ:
		/* RFC 1661 5.7: the rejected protocol, then the rejected information */
		pt_put_u16(&w, (uint16_t)mk_kv_num(l, "proto", 0, 0xffff));
		n = cp_data(l, data, sizeof data);
		pt_put_bytes(&w, data, n);
		break;
	case PT_CP_ECHO_REQ:
	case PT_CP_ECHO_REP:
	case PT_CP_DISC_REQ:
	case PT_CP_IDENT:
		/* RFC 1661 5.8, RFC 1570 2.1: Magic-Number then data / message */
		if (kind == PT_CPK_LCP) {
			pt_put_u32(&w, mk_kv_num(l, "magic", 0, 0xffffffffu));
			n = cp_data(l, data, sizeof data);
			pt_put_bytes(&w, data, n);
			break;
		}
		n = cp_data(l, data, sizeof data);
		pt_put_bytes(&w, data, n);
		break;
	case PT_CP_TIME_REM:
		if (kind == PT_CPK_LCP) {
			/* RFC 1570 2.2: Magic-Number, Seconds-Remaining, message */
			pt_put_u32(&w, mk_kv_num(l, "magic", 0, 0xffffffffu));
			pt_put_u32(&w, mk_kv_num(l, "seconds", 0, 0xffffffffu));
		}
		n = cp_data(l, data, sizeof data);
		pt_put_bytes(&w, data, n);
		break;
	case PT_CP_RESET_REQ:
		/* RFC 3078 8.2: the receiver lost sync: the peer's next packet re-initialises (A bit) */
		if (kind == PT_CPK_CCP)
			mk_mppe_reset(k, !side);
		n = cp_data(l, data, sizeof data);
		pt_put_bytes(&w, data, n);
		break;
	default:
		n = cp_data(l, data, sizeof data);
		pt_put_bytes(&w, data, n);
		break;
	}
	(void)m;
	if (pt_cp_end(&w, start) != PT_OK || w.err)
		mk_die(l, t->col, "control packet too long");
	return pt_wlen(&w);
}

/* An IPv4 ICMP echo request or reply (RFC 792), the inner traffic of a tunnel. */
static size_t build_ping(mk *m, mk_line *l, uint8_t *out, size_t cap)
{
	uint8_t src[4], dst[4], icmp[65536];
	mk_tok *s = mk_kv(l, "src"), *d = mk_kv(l, "dst");
	uint32_t size = mk_kv_num(l, "size", 56, 65000);
	int reply = mk_flag(l, "reply");
	uint16_t id = (uint16_t)mk_kv_num(l, "id", 1, 0xffff), seq = (uint16_t)mk_kv_num(l, "seq", 1, 0xffff);
	uint8_t ttl = (uint8_t)mk_kv_num(l, "ttl", 64, 255);
	uint16_t ipid = (uint16_t)mk_kv_num(l, "ipid", seq, 0xffff);
	pt_writer w = pt_wr(icmp, sizeof icmp);
	size_t n;

	(void)m;
	if (!s || !d)
		mk_die(l, l->endcol, "ping needs src=ADDRESS dst=ADDRESS");
	addr4(l, s, src);
	addr4(l, d, dst);
	pt_put_u8(&w, reply ? 0 : 8);
	pt_put_u8(&w, 0);
	pt_put_u16(&w, 0);
	pt_put_u16(&w, id);
	pt_put_u16(&w, seq);
	for (uint32_t i = 0; i < size; i++)
		pt_put_u8(&w, (uint8_t)(0x10 + i));
	if (w.err)
		mk_die(l, 1, "ping too large");
	pt_patch_u16(&w, 2, pt_ip_cksum(icmp, pt_wlen(&w)));
	n = mk_ipv4_packet(out, cap, src, dst, 1, ipid, ttl, icmp, pt_wlen(&w));
	if (!n)
		mk_die(l, 1, "ping too large");
	return n;
}

void mk_ppp_build(mk *m, mk_line *l, mk_call *k, int side, const char *what, uint16_t *proto, uint8_t *out,
		  size_t cap, size_t *len)
{
	static const struct {
		const char *name;
		int kind;
	} cps[] = { { "lcp", PT_CPK_LCP }, { "ccp", PT_CPK_CCP }, { "ipcp", PT_CPK_IPCP }, { "ipv6cp", PT_CPK_IPV6CP } };

	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		if (strcmp(what, cps[i].name))
			continue;
		*proto = pt_cp_kind_proto(cps[i].kind);
		*len = build_cp(m, l, k, side, cps[i].kind, out, cap);
		return;
	}
	if (!strcmp(what, "ppp")) {
		/* any protocol with raw information octets */
		mk_tok *p = mk_need(l, "PPP protocol number (0x0021)");
		*proto = (uint16_t)mk_num(l, p, 0xffff);
		*len = 0;
		if (mk_accept(l, "hex"))
			*len = mk_hex(l, mk_need(l, "quoted hex string"), out, cap);
		return;
	}
	if (!strcmp(what, "ping")) {
		*proto = PT_PPP_IP;
		*len = build_ping(m, l, out, cap);
		return;
	}
	if (mk_auth_build(m, l, k, side, what, proto, out, cap, len))
		return;
	mk_die(l, 1, "unknown PPP payload '%s' (lcp, ccp, ipcp, ipv6cp, pap, chap, mschapv1, mschapv2, ppp, ping)", what);
}
