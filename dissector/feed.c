/* feed.c: the plugin's model of one capture file: Wireshark's GRE packets and in-order TCP 1723 bytes into lib/tunnel
 * on the first pass, per-frame results kept in file scope for every later pass. */
#include <string.h>

#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/wmem/wmem.h>

#include "mschap.h"
#include "tunnel.h"

#include "pptpsuite.h"

#define PS_MAX_CREDS 256
#define PS_PPTP_PORT 1723

/* One capture file's state: created at the first PPTP packet, gone at cleanup. */
typedef struct ps_model {
	pt_tunnel *tun;
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

/* The last frame of the sequential pass, whatever it carried: the end of input, as pptp-analyze sees it. */
static uint32_t last_frame;
static int64_t last_frame_ts;

/* One TCP control connection, hung off Wireshark's conversation. */
typedef struct ps_tcp {
	pt_conn *conn;
	address cli_addr;          /* file scope copy */
	uint32_t cli_port;
	uint32_t next[2];          /* next expected sequence number, per TCP direction (0 = client -> server) */
	uint8_t have_next[2];
	GByteArray *pend[2];       /* octets lib/tunnel has not consumed yet, offered again with the next segment */
} ps_tcp;

static GPtrArray *tcp_states;  /* every ps_tcp of the file, for cleanup */

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
			p_add_proto_data(wmem_file_scope(), model->pinfo, proto_pptpsuite, 0, r);
	}
	return r;
}

ps_rec *ps_rec_get(packet_info *pinfo)
{
	ps_rec *r = p_get_proto_data(wmem_file_scope(), pinfo, proto_pptpsuite, 0);

	if (r || !model || !model->recs)
		return r;
	/* made for this frame while another was being fed (end-of-input findings) */
	return wmem_map_lookup(model->recs, GUINT_TO_POINTER(pinfo->num));
}

/* ---- lib/tunnel hooks ---- */

static void on_finding(void *user, const pt_finding *f)
{
	uint32_t pkt = f->at.pkt ? (uint32_t)f->at.pkt : model->last_pkt;
	ps_find *x = wmem_new0(wmem_file_scope(), ps_find);
	ps_rec *r;

	(void)user;
	if (!pkt)
		return;
	r = rec_for(pkt);
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
		return model->tun ? model : NULL;
	model = g_new0(ps_model, 1);
	creds_load(model);
	memset(&cfg, 0, sizeof cfg);
	cfg.creds = model->ncreds ? model->creds : NULL;
	cfg.ncreds = model->ncreds;
	memset(&hooks, 0, sizeof hooks);
	hooks.on_finding = on_finding;
	hooks.on_inner = on_inner;
	hooks.on_gre_call = on_gre_call;
	model->tun = pt_tunnel_new(&cfg, &hooks);
	return model->tun ? model : NULL;
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
	if (tcp_states) {
		for (unsigned i = 0; i < tcp_states->len; i++) {
			ps_tcp *s = g_ptr_array_index(tcp_states, i);
			for (int d = 0; d < 2; d++)
				if (s->pend[d])
					g_byte_array_free(s->pend[d], TRUE);
			g_free(s);
		}
		g_ptr_array_free(tcp_states, TRUE);
		tcp_states = NULL;
	}
	if (!model)
		return;
	pt_tunnel_free(model->tun);
	for (size_t i = 0; i < model->ncreds; i++)
		pt_cred_wipe(&model->creds[i]);
	g_free(model);
	model = NULL;
}

void ps_feed_postseq(void)
{
	pt_where end;

	if (!model || !model->tun || model->finished)
		return;
	model->finished = 1;
	memset(&end, 0, sizeof end);
	end.pkt = last_frame > model->last_pkt ? last_frame : model->last_pkt;
	end.ts_us = last_frame > model->last_pkt ? last_frame_ts : model->last_ts;
	end.call = -1;
	end.dir = PT_DIR_UNKNOWN;
	model->pinfo = NULL;
	/* RFC 9293: connections still open at the end of the capture end there (PT_END_EOF), as in pptp-analyze */
	for (unsigned i = 0; tcp_states && i < tcp_states->len; i++) {
		ps_tcp *s = g_ptr_array_index(tcp_states, i);
		if (s->conn && !s->conn->ended)
			pt_tunnel_ctrl_close(model->tun, s->conn, PT_END_EOF, 0, 0, NULL, &end);
	}
	pt_tunnel_finish(model->tun, &end);
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

static int addr_of(const address *a, uint32_t port, pt_addr *out)
{
	memset(out, 0, sizeof *out);
	out->port = (uint16_t)port;
	if (a->type == AT_IPv4 && a->len == 4) {
		out->family = 4;
		memcpy(out->a, a->data, 4);
		return 0;
	}
	if (a->type == AT_IPv6 && a->len == 16) {
		out->family = 6;
		memcpy(out->a, a->data, 16);
		return 0;
	}
	return -1;
}

/* Packets the model must not see: the copy of a header inside an ICMP error, anything inside decrypted PPP. */
static int feed_ok(packet_info *pinfo)
{
	if (PINFO_FD_VISITED(pinfo))
		return 0;
	if (proto_is_frame_protocol(pinfo->layers, "icmp") || proto_is_frame_protocol(pinfo->layers, "icmpv6"))
		return 0;
	if (p_get_proto_data(pinfo->pool, pinfo, proto_pptpsuite, 1))
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
	p_add_proto_data(pinfo->pool, pinfo, proto_pptpsuite, 1, GUINT_TO_POINTER(1));
	if (addr_of(&pinfo->src, 0, &src) != 0 || addr_of(&pinfo->dst, 0, &dst) != 0 || !(m = model_get()))
		return;
	begin_frame(m, pinfo);
	at = where_of(pinfo);
	p = caplen ? tvb_get_ptr(tvb, 0, caplen) : NULL;
	m->frame_lo = p;
	m->frame_hi = p ? p + caplen : NULL;
	pt_tunnel_gre(m->tun, &src, &dst, p, caplen, tvb_reported_length(tvb), &at);
	m->frame_lo = m->frame_hi = NULL;
	m->pinfo = NULL;
}

static ps_tcp *tcp_state(ps_model *m, packet_info *pinfo, conversation_t *conv)
{
	ps_tcp *s = conversation_get_proto_data(conv, proto_pptpsuite);
	struct tcp_analysis *tcpd;
	pt_addr cli, srv;
	pt_where at;
	int to_server = pinfo->destport == PS_PPTP_PORT || pinfo->srcport != PS_PPTP_PORT;
	int midstream;

	if (s)
		return s;
	s = g_new0(ps_tcp, 1);
	if (!tcp_states)
		tcp_states = g_ptr_array_new();
	g_ptr_array_add(tcp_states, s);
	conversation_add_proto_data(conv, proto_pptpsuite, s);
	copy_address_wmem(wmem_file_scope(), &s->cli_addr, to_server ? &pinfo->src : &pinfo->dst);
	s->cli_port = to_server ? pinfo->srcport : pinfo->destport;
	if (addr_of(to_server ? &pinfo->src : &pinfo->dst, s->cli_port, &cli) != 0 ||
	    addr_of(to_server ? &pinfo->dst : &pinfo->src, to_server ? pinfo->destport : pinfo->srcport, &srv) != 0)
		return s;
	/* RFC 9293 3.5: without the SYN the stream is joined mid-way and message boundaries must be found */
	tcpd = get_tcp_conversation_data(conv, pinfo);
	midstream = !tcpd || nstime_is_zero(&tcpd->ts_mru_syn);
	at = where_of(pinfo);
	s->conn = pt_tunnel_ctrl_open(m->tun, &cli, &srv, midstream, &at);
	return s;
}

void ps_feed_tcp(tvbuff_t *tvb, packet_info *pinfo, const void *tcpinfo)
{
	const struct tcpinfo *ti = tcpinfo;
	conversation_t *conv;
	ps_model *m;
	ps_tcp *s;
	pt_where at;
	unsigned caplen = tvb_captured_length(tvb), len = tvb_reported_length(tvb), skip = 0;
	int dir;
	int32_t d;
	size_t used;
	GByteArray *pend;

	if (!ti || !len || !feed_ok(pinfo) || !(m = model_get()))
		return;
	conv = find_or_create_conversation(pinfo);
	begin_frame(m, pinfo);
	s = tcp_state(m, pinfo, conv);
	if (!s->conn) {
		m->pinfo = NULL;
		return;
	}
	dir = (addresses_equal(&pinfo->src, &s->cli_addr) && pinfo->srcport == s->cli_port) ? 0 : 1;
	at = where_of(pinfo);
	if (!s->have_next[dir]) {
		s->next[dir] = ti->seq;
		s->have_next[dir] = 1;
		/* as lib/tcpreasm does: a stream joined mid-way starts each direction with an empty gap */
		if (s->conn->midstream)
			pt_tunnel_ctrl_gap(m->tun, s->conn, dir, 0, &at);
	}
	d = (int32_t)(ti->seq - s->next[dir]);
	if (!s->pend[dir])
		s->pend[dir] = g_byte_array_new();
	pend = s->pend[dir];
	if (d > 0) {
		/* RFC 9293 3.4: octets never seen; the control stream resynchronises on the magic cookie */
		pt_tunnel_ctrl_gap(m->tun, s->conn, dir, (uint32_t)d, &at);
		g_byte_array_set_size(pend, 0);
		s->next[dir] = ti->seq;
	} else if (d < 0) {
		skip = (unsigned)-d;          /* a retransmission: only what is new */
	}
	if (skip >= len) {
		m->pinfo = NULL;
		return;
	}
	if (skip < caplen)
		g_byte_array_append(pend, tvb_get_ptr(tvb, skip, caplen - skip), caplen - skip);
	s->next[dir] = ti->seq + len;
	used = pt_tunnel_ctrl_data(m->tun, s->conn, dir, pend->data, pend->len, &at);
	if (used)
		g_byte_array_remove_range(pend, 0, (guint)(used < pend->len ? used : pend->len));
	if (caplen < len) {
		/* cut by the snapshot length: the rest of the segment is a gap */
		pt_tunnel_ctrl_gap(m->tun, s->conn, dir, len - (caplen > skip ? caplen : skip), &at);
		g_byte_array_set_size(pend, 0);
	}
	m->pinfo = NULL;
}
