/* fmt_ppp.c: one-line decode of a PPP frame (RFC 1661, 1334, 1994, 2433, 2759, 1962, 3078, 1332, 5072). */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "cp.h"
#include "cursor.h"
#include "fmt.h"
#include "ip.h"
#include "ppp.h"

static void fmt_opt(int kind, const pt_cp_opt *o, char *buf, size_t cap, size_t *used)
{
	pt_cp_optval v;
	const char *name = pt_cp_opt_name(kind, o->type);
	int rc = pt_cp_opt_decode(kind, o, &v);
	pt_cursor raw = o->val;

	pt_fmt_cat(buf, cap, used, " <%s", name);
	if (rc != PT_OK) {
		if (rc != PT_EUNSUP)
			pt_fmt_cat(buf, cap, used, " [bad length %u]", o->len);
		while (pt_left(&raw)) {
			uint8_t b;
			pt_get_u8(&raw, &b);
			pt_fmt_cat(buf, cap, used, "%s%02x", pt_off(&raw) == pt_off(&o->val) + 1 ? " " : "", b);
		}
		pt_fmt_cat(buf, cap, used, ">");
		return;
	}
	switch (kind) {
	case PT_CPK_LCP:
		switch (o->type) {
		case PT_LCP_OPT_MRU:
		case PT_LCP_OPT_MRRU:
			pt_fmt_cat(buf, cap, used, " %u", v.u16);
			break;
		case PT_LCP_OPT_ACCM:
		case PT_LCP_OPT_MAGIC:
			pt_fmt_cat(buf, cap, used, " 0x%08x", v.u32);
			break;
		case PT_LCP_OPT_AUTH:
			pt_fmt_cat(buf, cap, used, " %s", pt_ppp_proto_name(v.proto.proto));
			if (v.proto.proto == PT_PPP_CHAP)
				pt_fmt_cat(buf, cap, used, " %s", pt_vs_name_or(pt_chap_alg_vs, v.proto.alg, "alg?"));
			break;
		case PT_LCP_OPT_CALLBACK:
			pt_fmt_cat(buf, cap, used, " op=%u", v.tagged.tag);
			break;
		default:
			break;
		}
		break;
	case PT_CPK_CCP:
		if (o->type == PT_CCP_OPT_MPPE) {
			const pt_vs *b;
			int first = 1;
			pt_fmt_cat(buf, cap, used, " 0x%08x", v.u32);
			for (b = pt_ccp_mppe_bits_vs; b->name; b++)
				if (v.u32 & b->value) {
					pt_fmt_cat(buf, cap, used, "%s%s", first ? " " : "|", b->name);
					first = 0;
				}
		}
		break;
	case PT_CPK_IPCP:
		if (o->type == PT_IPCP_OPT_ADDR || (o->type >= PT_IPCP_OPT_DNS1 && o->type <= PT_IPCP_OPT_NBNS2))
			pt_fmt_cat(buf, cap, used, " %u.%u.%u.%u", v.addr[0], v.addr[1], v.addr[2], v.addr[3]);
		else if (o->type == PT_IPCP_OPT_COMP)
			pt_fmt_cat(buf, cap, used, " 0x%04x", v.proto.proto);
		break;
	case PT_CPK_IPV6CP:
		if (o->type == PT_IPV6CP_OPT_IFID)
			pt_fmt_cat(buf, cap, used, " %02x%02x:%02x%02x:%02x%02x:%02x%02x", v.addr[0], v.addr[1], v.addr[2],
				   v.addr[3], v.addr[4], v.addr[5], v.addr[6], v.addr[7]);
		break;
	default:
		break;
	}
	pt_fmt_cat(buf, cap, used, ">");
}

static void fmt_text(const pt_cursor *c, const char *key, char *buf, size_t cap, size_t *used)
{
	char q[200];
	size_t n = pt_left(c);

	if (n > 60)
		n = 60;
	pt_fmt_quoted(c->p, n, q, sizeof q);
	pt_fmt_cat(buf, cap, used, " %s=%s%s", key, q, pt_left(c) > 60 ? "..." : "");
}

static void fmt_cp(int kind, pt_cursor *c, char *buf, size_t cap, size_t *used)
{
	pt_cp_pkt p;
	int rc = pt_cp_parse(kind, c, &p);

	if (rc != PT_OK && rc != PT_ETRUNC) {
		pt_fmt_cat(buf, cap, used, " [%s]", pt_strerror(rc));
		return;
	}
	pt_fmt_cat(buf, cap, used, " %s id=%u", pt_vs_name_or(pt_cp_code_vs, p.code, "Code?"), p.id);
	switch (p.code) {
	case PT_CP_CONF_REQ:
	case PT_CP_CONF_ACK:
	case PT_CP_CONF_NAK:
	case PT_CP_CONF_REJ: {
		pt_cp_opt_iter it;
		pt_cp_opt o;
		int r;
		pt_cp_opt_iter_init(&it, &p.rest, p.complete);
		while ((r = pt_cp_opt_next(&it, &o)) == 1)
			fmt_opt(kind, &o, buf, cap, used);
		if (r < 0)
			pt_fmt_cat(buf, cap, used, " [options %s]", pt_strerror(r));
		break;
	}
	case PT_CP_TERM_REQ:
	case PT_CP_TERM_ACK:
		if (pt_left(&p.rest))
			fmt_text(&p.rest, "reason", buf, cap, used);
		break;
	case PT_CP_PROTO_REJ:
		pt_fmt_cat(buf, cap, used, " proto=0x%04x(%s)", p.rej_proto, pt_ppp_proto_name(p.rej_proto));
		break;
	case PT_CP_ECHO_REQ:
	case PT_CP_ECHO_REP:
	case PT_CP_DISC_REQ:
		pt_fmt_cat(buf, cap, used, " magic=0x%08x", p.magic);
		break;
	case PT_CP_IDENT:
		pt_fmt_cat(buf, cap, used, " magic=0x%08x", p.magic);
		fmt_text(&p.rest, "message", buf, cap, used);
		break;
	case PT_CP_TIME_REM:
		pt_fmt_cat(buf, cap, used, " seconds=%u", p.seconds);
		break;
	default:
		break;
	}
	if (!p.complete)
		pt_fmt_cat(buf, cap, used, " [truncated]");
}

static void fmt_auth(uint16_t proto, uint8_t alg, pt_cursor *c, char *buf, size_t cap, size_t *used)
{
	pt_auth_msg m;
	int rc;

	memset(&m, 0, sizeof m);
	m.alg = alg;
	rc = pt_auth_parse(proto, c, &m, NULL, NULL);
	if (rc != PT_OK && rc != PT_ETRUNC) {
		pt_fmt_cat(buf, cap, used, " [%s]", pt_strerror(rc));
		return;
	}
	if (proto == PT_PPP_PAP) {
		pt_fmt_cat(buf, cap, used, " %s id=%u", pt_vs_name_or(pt_pap_code_vs, m.code, "Code?"), m.id);
		if (m.code == PT_PAP_AUTH_REQ) {
			fmt_text(&m.peer_id, "peer", buf, cap, used);
			/* the password is a secret: its length only */
			pt_fmt_cat(buf, cap, used, " password=(%zu octets, hidden)", pt_left(&m.password));
		} else if (pt_left(&m.message)) {
			fmt_text(&m.message, "message", buf, cap, used);
		}
		return;
	}
	pt_fmt_cat(buf, cap, used, " %s id=%u", pt_vs_name_or(pt_chap_code_vs, m.code, "Code?"), m.id);
	switch (m.code) {
	case PT_CHAP_CHALLENGE:
		pt_fmt_cat(buf, cap, used, " value=%zu octets", pt_left(&m.value));
		if (pt_left(&m.name))
			fmt_text(&m.name, "name", buf, cap, used);
		break;
	case PT_CHAP_RESPONSE:
		pt_fmt_cat(buf, cap, used, " value=%zu octets", pt_left(&m.value));
		fmt_text(&m.name, "name", buf, cap, used);
		break;
	case PT_CHAP_SUCCESS:
	case PT_CHAP_FAILURE:
		if (m.failure_ok)
			pt_fmt_cat(buf, cap, used, " E=%u(%s) R=%u", m.failure.error,
				   pt_vs_name_or(pt_mschap_error_vs, m.failure.error, "?"), m.failure.retry);
		if (pt_left(&m.message))
			fmt_text(&m.message, "message", buf, cap, used);
		break;
	default:
		break;
	}
	if (alg)
		pt_fmt_cat(buf, cap, used, " (%s)", pt_vs_name_or(pt_chap_alg_vs, alg, "?"));
}

void pt_fmt_inner_ip(const uint8_t *p, size_t len, char *buf, size_t cap)
{
	size_t used = 0;
	static const pt_vs l4[] = { { 1, "ICMP" }, { 6, "TCP" }, { 17, "UDP" }, { 58, "ICMPv6" }, { 47, "GRE" }, { 0, NULL } };

	pt_cursor c = pt_cur(p, len);
	pt_ip ip;
	char s[PT_IP_ADDRSTRLEN], d[PT_IP_ADDRSTRLEN];
	uint16_t sport, dport;
	uint8_t type;

	buf[0] = 0;
	if (pt_ip_parse(&c, &ip, NULL, NULL) != PT_OK) {
		pt_fmt_cat(buf, cap, &used, "not IP (%zu octets)", len);
		return;
	}
	pt_fmt_cat(buf, cap, &used, "%s%s > %s %s len=%u", ip.version == 6 ? "IPv6 " : "", pt_ip_addr_str(ip.src, s, sizeof s),
		   pt_ip_addr_str(ip.dst, d, sizeof d), pt_vs_name_or(l4, ip.proto, "proto?"), (unsigned)ip.total_len);
	if (ip.is_fragment)
		pt_fmt_cat(buf, cap, &used, " frag=%u%s", (unsigned)ip.frag_off, ip.frag_mf ? "+" : "");
	else if ((ip.proto == 1 || ip.proto == 58) && pt_peek_u8(&c, 0, &type) == PT_OK)
		pt_fmt_cat(buf, cap, &used, " type=%u", type);
	else if ((ip.proto == 6 || ip.proto == 17) && pt_peek_u16(&c, 0, &sport) == PT_OK && pt_peek_u16(&c, 2, &dport) == PT_OK)
		pt_fmt_cat(buf, cap, &used, " %u > %u", sport, dport);
}

void pt_fmt_ppp(const uint8_t *frame, size_t len, uint8_t chap_alg, char *buf, size_t cap)
{
	pt_cursor c = pt_cur(frame, len);
	pt_ppp_frame f;
	size_t used = 0;
	int rc, kind;

	if (!cap)
		return;
	buf[0] = 0;
	rc = pt_ppp_parse(&c, &f);
	if (rc != PT_OK) {
		pt_fmt_cat(buf, cap, &used, "PPP [%s]", pt_strerror(rc));
		return;
	}
	kind = pt_cp_kind_of(f.proto);
	if (kind >= 0) {
		pt_fmt_cat(buf, cap, &used, "%s", pt_cp_kind_name(kind));
		fmt_cp(kind, &f.info, buf, cap, &used);
	} else if (f.proto == PT_PPP_PAP || f.proto == PT_PPP_CHAP) {
		pt_fmt_cat(buf, cap, &used, "%s", f.proto == PT_PPP_PAP ? "PAP" : "CHAP");
		fmt_auth(f.proto, chap_alg, &f.info, buf, cap, &used);
	} else if (f.proto == PT_PPP_IP || f.proto == 0x0057) {
		char ip[160];
		pt_fmt_inner_ip(f.info.p, pt_left(&f.info), ip, sizeof ip);
		pt_fmt_cat(buf, cap, &used, "%s%s", f.proto == PT_PPP_IP ? "IP " : "", ip);
	} else if (f.proto == PT_PPP_COMP) {
		uint16_t h;
		if (pt_get_u16(&f.info, &h) == PT_OK)
			pt_fmt_cat(buf, cap, &used, "MPPE cc=%u%s%s%s len=%zu", h & 0x0fffu, (h & 0x8000) ? " flushed" : "",
				   (h & 0x2000) ? " compressed" : "", (h & 0x1000) ? " encrypted" : " clear", pt_left(&f.info));
		else
			pt_fmt_cat(buf, cap, &used, "MPPE [truncated]");
	} else {
		pt_fmt_cat(buf, cap, &used, "PPP proto=0x%04x(%s) len=%zu", f.proto, pt_ppp_proto_name(f.proto),
			   pt_left(&f.info));
	}
}
