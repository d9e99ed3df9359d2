/* feed.c: the plugin's model of one capture file: Wireshark's GRE packets into lib/tunnel, TCP 1723 segments through
 * lib/tcpreasm into it (as pptp-analyze does), on the first pass; per-frame results kept in file scope for every pass. */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto_data.h>
#include <wsutil/wmem/wmem.h>

#include "auditor.h"
#include "mschap.h"
#include "tcpreasm.h"
#include "tunnel.h"

#include "pptpsuite.h"

#define PS_MAX_CREDS 256

/* pinfo->pool keys of proto_pptpsuite (0, in file scope, is the frame's ps_rec) */
enum { PS_KEY_REC = 0, PS_KEY_NOFEED = 1 };

/* One capture file's state: created at the first PPTP packet, gone at cleanup. */
typedef struct ps_model {
	pt_tunnel *tun;
	pt_tcp tcp;
	int tcp_ok;
	pt_sink sink;              /* findings of the TCP layer (cap.tcp.*) */
	pt_cred creds[PS_MAX_CREDS];
	size_t ncreds;
	wmem_map_t *recs;          /* frame number -> ps_rec, file scope */
	packet_info *pinfo;        /* the frame being fed (first pass only) */
	const uint8_t *frame_lo, *frame_hi;   /* bytes of the GRE packet being fed: on_inner data inside is clear */
	uint32_t last_pkt;
	int64_t last_ts;
	int finished;
} ps_model;

static ps_model *model;

/* what an empty tvb is read through: lib/ never gets a NULL cursor (NULL + 0 is undefined behaviour) */
static const uint8_t ps_none[1];

/*
 * The security audit of the capture file (preference pptpsuite.audit; lib/auditor, as pptp-analyze --audit): made at
 * the first IP datagram it needs, apart from the model, since traffic other than PPTP counts before the first PPTP
 * packet too.  Its findings come at the end of the sequential pass, on the frames they name.
 */
static pt_audit *audit;

/* The last frame of the sequential pass, whatever it carried: the end of input, as pptp-analyze sees it. */
static uint32_t last_frame;
static int64_t last_frame_ts;

static ps_rec *rec_for(uint32_t pkt)
{
	ps_rec *r;

	if (!model->recs)
		model->recs = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
	r = wmem_map_lookup(model->recs, GUINT_TO_POINTER(pkt));
	if (!r) {
		r = wmem_new0(wmem_file_scope(), ps_rec);
		r->call = -1;
		wmem_map_insert(model->recs, GUINT_TO_POINTER(pkt), r);
		if (model->pinfo && model->pinfo->num == pkt)
			p_add_proto_data(wmem_file_scope(), model->pinfo, proto_pptpsuite, PS_KEY_REC, r);
	}
	return r;
}

ps_rec *ps_rec_get(packet_info *pinfo)
{
	ps_rec *r = p_get_proto_data(wmem_file_scope(), pinfo, proto_pptpsuite, PS_KEY_REC);

	if (r || !model || !model->recs)
		return r;
	/* made for this frame while another was being fed (end-of-input findings) */
	return wmem_map_lookup(model->recs, GUINT_TO_POINTER(pinfo->num));
}

/* ---- lib/tunnel hooks ---- */

static void on_finding(void *user, const pt_finding *f)
{
	uint32_t pkt = f->at.pkt ? (uint32_t)f->at.pkt : model->last_pkt;
	ps_find *x;
	ps_rec *r;

	(void)user;
	if (!pkt)
		return;
	r = rec_for(pkt);
	x = wmem_new0(wmem_file_scope(), ps_find);
	x->rule = f->rule;
	x->conn = f->at.conn;
	x->call = f->at.call;
	x->dir = f->at.dir;
	x->msg = wmem_strdup(wmem_file_scope(), f->msg);
	if (r->finds_tail)
		r->finds_tail->next = x;
	else
		r->finds = x;
	r->finds_tail = x;
}

static void on_inner(void *user, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len)
{
	ps_rec *r;
	uint8_t *b;

	(void)user;
	/* clear IP on the link is shown by Wireshark itself: only decrypted frames (outside the packet's bytes) */
	if (!data || (data >= model->frame_lo && data < model->frame_hi) || len > 65535 || !at->pkt)
		return;
	r = rec_for((uint32_t)at->pkt);
	if (r->inner)
		return;
	b = wmem_alloc(wmem_file_scope(), len + 2);
	b[0] = (uint8_t)(proto >> 8);
	b[1] = (uint8_t)proto;
	if (len)
		memcpy(b + 2, data, len);
	r->inner = b;
	r->inner_len = (uint32_t)len + 2;
}

static void on_gre_call(void *user, const pt_where *at, const pt_call *k)
{
	const struct pt_call_ext *x = k->ext;
	ps_rec *r;

	(void)user;
	if (!at->pkt)
		return;
	r = rec_for((uint32_t)at->pkt);
	r->has_call = 1;
	r->conn = k->conn;
	r->call = k->idx;
	r->dir = at->dir;
	if (!x)
		return;
	r->key_bits = (uint8_t)x->key_bits;
	r->stateless = x->stateless;
	r->mppc = x->mppc;
	r->keys = x->keys;
	for (int a = 0; a < 2; a++) {
		/* the response (and the Success/Failure after it) of an authentication checked against the credentials */
		if (x->auth_pkt[a] != at->pkt || x->authv[a] == PT_AUTHV_NONE)
			continue;
		r->authv = x->authv[a];
		r->auth_forged = x->success_forged[a];
		r->auth_user = wmem_strdup(wmem_file_scope(), x->user[a]);
	}
}

static pt_audit *audit_get(void)
{
	pt_audit_cfg cfg;

	if (audit || !ps_audit_on)
		return audit;
	memset(&cfg, 0, sizeof cfg);
	cfg.guess_failures = ps_audit_guess_failures;
	cfg.guess_window_us = (int64_t)ps_audit_guess_window * 1000000;
	audit = pt_audit_new(&cfg);
	return audit;
}

static void on_auth(void *user, const pt_where *at, const pt_call *k, int authenticator, const struct pt_auth_msg *m)
{
	(void)user;
	pt_audit_auth(audit_get(), at, k, authenticator, m);
}

/* ---- lib/tcpreasm callbacks: the same glue as pptp-analyze's ---- */

static void *tcp_open(void *user, const pt_tcp_key *key, int midstream, const pt_where *at)
{
	ps_model *m = user;
	pt_addr cli, srv;

	pt_addr_from_tcp_key(&cli, key, 0);
	pt_addr_from_tcp_key(&srv, key, 1);
	return pt_tunnel_ctrl_open(m->tun, &cli, &srv, midstream, at);
}

static size_t tcp_data(void *user, void *conn, int dir, const uint8_t *data, size_t len, const pt_where *at)
{
	ps_model *m = user;
	return pt_tunnel_ctrl_data(m->tun, conn, dir, data, len, at);
}

static void tcp_gap(void *user, void *conn, int dir, uint32_t missing, const pt_where *at)
{
	ps_model *m = user;
	pt_tunnel_ctrl_gap(m->tun, conn, dir, missing, at);
}

static void tcp_close(void *user, void *conn, int how, int dir, const pt_where *at)
{
	ps_model *m = user;
	const pt_tcp_conn_info *ci = pt_tcp_info(&m->tcp, conn);
	int end = how == PT_TCP_FIN ? PT_END_FIN : how == PT_TCP_RST ? PT_END_RST : how == PT_TCP_EOF ? PT_END_EOF
												: PT_END_EVICTED;

	/* the TCP facts only feed the verdicts, which the plugin does not show */
	if (how == PT_TCP_FIN && ci && ci->first_fin >= 0)
		dir = ci->first_fin;
	pt_tunnel_ctrl_close(m->tun, conn, end, dir < 0 ? 0 : dir, 0, NULL, at);
}

static const pt_tcp_ops tcp_ops = { tcp_open, tcp_data, tcp_gap, tcp_close };

/* ---- the model's life ---- */

static void creds_load(ps_model *m)
{
	for (unsigned i = 0; i < ps_ncred_rows && m->ncreds < PS_MAX_CREDS; i++) {
		const ps_cred_row *row = &ps_cred_rows[i];
		pt_cred *c = &m->creds[m->ncreds];
		const char *user = row->user ? row->user : "";
		int rc = PT_EINVAL;

		if (row->password && row->password[0])
			rc = pt_cred_from_password(c, user, row->password);
		else if (row->nt_hash && row->nt_hash[0])
			rc = pt_cred_from_nt_hash_hex(c, user, row->nt_hash);
		if (rc == PT_OK)
			m->ncreds++;
		else
			pt_cred_wipe(c);
	}
}

static ps_model *model_get(void)
{
	pt_tunnel_cfg cfg;
	pt_tunnel_hooks hooks;

	if (model)
		return model->tun && model->tcp_ok ? model : NULL;
	model = g_new0(ps_model, 1);
	creds_load(model);
	memset(&cfg, 0, sizeof cfg);
	cfg.creds = model->ncreds ? model->creds : NULL;
	cfg.ncreds = model->ncreds;
	memset(&hooks, 0, sizeof hooks);
	hooks.on_finding = on_finding;
	hooks.on_inner = on_inner;
	hooks.on_gre_call = on_gre_call;
	hooks.on_auth = ps_audit_on ? on_auth : NULL;
	model->tun = pt_tunnel_new(&cfg, &hooks);
	model->sink.fn = on_finding;
	model->tcp_ok = pt_tcp_init(&model->tcp, &tcp_ops, model, 0, 0) == PT_OK;
	return model->tun && model->tcp_ok ? model : NULL;
}

void ps_feed_frame(packet_info *pinfo)
{
	if (!PINFO_FD_VISITED(pinfo) && pinfo->num > last_frame) {
		last_frame = pinfo->num;
		last_frame_ts = (int64_t)pinfo->abs_ts.secs * 1000000 + pinfo->abs_ts.nsecs / 1000;
	}
}

void ps_feed_init(void)
{
	last_frame = 0;
	last_frame_ts = 0;
	ps_feed_cleanup();
}

void ps_feed_cleanup(void)
{
	pt_audit_free(audit);
	audit = NULL;
	if (!model)
		return;
	if (model->tcp_ok)
		pt_tcp_destroy(&model->tcp);
	pt_tunnel_free(model->tun);
	for (size_t i = 0; i < model->ncreds; i++)
		pt_cred_wipe(&model->creds[i]);
	explicit_bzero(model->creds, sizeof model->creds);
	g_free(model);
	model = NULL;
}

void ps_feed_postseq(void)
{
	pt_where end;

	if (!model || !model->tun || !model->tcp_ok || model->finished)
		return;
	model->finished = 1;
	memset(&end, 0, sizeof end);
	end.pkt = last_frame > model->last_pkt ? last_frame : model->last_pkt;
	end.ts_us = last_frame > model->last_pkt ? last_frame_ts : model->last_ts;
	end.call = -1;
	end.dir = PT_DIR_UNKNOWN;
	model->pinfo = NULL;
	/* end of input in pptp-analyze's order: TCP streams, then the model */
	pt_tcp_finish(&model->tcp, &model->sink, &end);
	pt_tunnel_finish(model->tun, &end);
	/* then the audit, as pptp-analyze --audit does */
	pt_audit_finish(audit_get(), model->tun, &model->sink);
}

/* ---- feeding ---- */

static pt_where where_of(packet_info *pinfo)
{
	pt_where w;

	memset(&w, 0, sizeof w);
	w.pkt = pinfo->num;
	w.ts_us = (int64_t)pinfo->abs_ts.secs * 1000000 + pinfo->abs_ts.nsecs / 1000;
	w.call = -1;
	w.dir = PT_DIR_UNKNOWN;
	return w;
}

/* An address as lib/ip keeps it: IPv6 as is, IPv4 IPv4-mapped (::ffff:a.b.c.d). */
static int ip16_of(const address *a, uint8_t out[16])
{
	static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (a->type == AT_IPv4 && a->len == 4) {
		memcpy(out, v4_mapped, 12);
		memcpy(out + 12, a->data, 4);
		return 4;
	}
	if (a->type == AT_IPv6 && a->len == 16) {
		memcpy(out, a->data, 16);
		return 6;
	}
	return 0;
}

static int addr_of(const address *a, pt_addr *out)
{
	uint8_t b[16];
	int v = ip16_of(a, b);

	memset(out, 0, sizeof *out);
	out->family = (uint8_t)v;
	if (v == 4)
		memcpy(out->a, b + 12, 4);
	else if (v == 6)
		memcpy(out->a, b, 16);
	return v ? 0 : -1;
}

/* Packets the model must not see: the copy of a header inside an ICMP error, anything inside decrypted PPP. */
static int feed_ok(packet_info *pinfo)
{
	if (PINFO_FD_VISITED(pinfo))
		return 0;
	/* the first fragment of a datagram Wireshark could not reassemble: pptp-analyze waits for whole datagrams */
	if (pinfo->fragmented)
		return 0;
	if (proto_is_frame_protocol(pinfo->layers, "icmp") || proto_is_frame_protocol(pinfo->layers, "icmpv6"))
		return 0;
	if (p_get_proto_data(pinfo->pool, pinfo, proto_pptpsuite, PS_KEY_NOFEED))
		return 0;   /* inside a decrypted frame, or a second GRE header in this frame */
	return 1;
}

static void begin_frame(ps_model *m, packet_info *pinfo)
{
	m->pinfo = pinfo;
	if (pinfo->num > m->last_pkt) {
		m->last_pkt = pinfo->num;
		m->last_ts = (int64_t)pinfo->abs_ts.secs * 1000000 + pinfo->abs_ts.nsecs / 1000;
	}
}

void ps_feed_gre(tvbuff_t *tvb, packet_info *pinfo)
{
	ps_model *m;
	pt_addr src, dst;
	pt_where at;
	unsigned caplen = tvb_captured_length(tvb);
	const uint8_t *p;

	if (!feed_ok(pinfo))
		return;
	p_add_proto_data(pinfo->pool, pinfo, proto_pptpsuite, PS_KEY_NOFEED, GUINT_TO_POINTER(1));
	if (addr_of(&pinfo->src, &src) != 0 || addr_of(&pinfo->dst, &dst) != 0 || !(m = model_get()))
		return;
	begin_frame(m, pinfo);
	at = where_of(pinfo);
	p = caplen ? tvb_get_ptr(tvb, 0, caplen) : ps_none;
	m->frame_lo = p;
	m->frame_hi = p + caplen;
	pt_tunnel_gre(m->tun, &src, &dst, p, caplen, tvb_reported_length(tvb), &at);
	m->frame_lo = m->frame_hi = NULL;
	m->pinfo = NULL;
}

/*
 * IP protocol 6, before the stock TCP dissector: a segment to or from port 1723 goes to lib/tcpreasm whole (header
 * parsed by lib/ip, raw sequence numbers), exactly as pptp-analyze hands it over; Wireshark's own reassembly is
 * left to its PPTP dissector.
 */
void ps_feed_tcp(tvbuff_t *tvb, packet_info *pinfo)
{
	unsigned caplen = tvb_captured_length(tvb), wire = tvb_reported_length(tvb);
	const uint8_t *p;
	pt_cursor c;
	pt_ip ip;
	pt_tcp_hdr th;
	pt_where at;
	ps_model *m;
	int v;

	/* the ports first: nothing else is done for TCP that is not PPTP, but for the audit */
	if (caplen >= 4 && tvb_get_ntohs(tvb, 0) != PT_TCP_PPTP_PORT && tvb_get_ntohs(tvb, 2) != PT_TCP_PPTP_PORT) {
		ps_feed_other(tvb, pinfo, 6);
		return;
	}
	if (caplen < 4 || !feed_ok(pinfo))
		return;
	memset(&ip, 0, sizeof ip);
	v = ip16_of(&pinfo->src, ip.src);
	if (!v || ip16_of(&pinfo->dst, ip.dst) != v || !(m = model_get()))
		return;
	ip.version = v;
	ip.proto = 6;
	ip.total_len = wire;
	ip.truncated = caplen < wire;
	p = tvb_get_ptr(tvb, 0, caplen);
	c = pt_cur(p, caplen);
	begin_frame(m, pinfo);
	at = where_of(pinfo);
	if (pt_tcp_parse(&c, &ip, &th, &m->sink, &at) == PT_OK)
		pt_tcp_segment(&m->tcp, &ip, &th, th.payload, th.payload_len, &m->sink, &at);
	m->pinfo = NULL;
}

/*
 * The audit's view of an IP datagram that is neither TCP 1723 nor GRE (pptp-analyze --audit hands lib/auditor the
 * same): its protocol, TCP ports from a valid header (lib/ip, as pptp-analyze parses it), UDP ports as RFC 768 has
 * them, and the payload (an ICMP error about PPTP is the tunnel's).  Only on the first pass, with the preference on.
 */
void ps_feed_other(tvbuff_t *tvb, packet_info *pinfo, unsigned proto)
{
	unsigned caplen, wire;
	const uint8_t *p;
	pt_addr src, dst;
	uint16_t sp = 0, dp = 0;
	pt_cursor c;
	pt_where at;
	pt_audit *a;

	if (!ps_audit_on || proto > 255 || !feed_ok(pinfo) || addr_of(&pinfo->src, &src) != 0 ||
	    addr_of(&pinfo->dst, &dst) != 0 || !(a = audit_get()))
		return;
	caplen = tvb_captured_length(tvb);
	wire = tvb_reported_length(tvb);
	p = caplen ? tvb_get_ptr(tvb, 0, caplen) : ps_none;
	c = pt_cur(p, caplen);
	at = where_of(pinfo);
	if (proto == 6) {
		pt_ip ip;
		pt_tcp_hdr th;
		memset(&ip, 0, sizeof ip);
		ip.version = ip16_of(&pinfo->src, ip.src);
		(void)ip16_of(&pinfo->dst, ip.dst);
		ip.proto = 6;
		ip.total_len = wire;
		ip.truncated = caplen < wire;
		if (pt_tcp_parse(&c, &ip, &th, NULL, &at) != PT_OK)
			return;
		sp = th.sport;
		dp = th.dport;
	} else if (proto == 17 && pt_peek_u16(&c, 0, &sp) == PT_OK) {
		(void)pt_peek_u16(&c, 2, &dp);
	}
	pt_audit_other(a, &src, &dst, (uint8_t)proto, sp, dp, p, caplen, &at);
}
