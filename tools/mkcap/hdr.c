/* hdr.c: a timed line's IP and TCP header overrides (ip_*, tcp_*, frag_*; docs/mkcap.md), read into one struct that net.c applies. */
#include <string.h>

#include "mkcap.h"

/* Where a field may be given: both IP versions, one of them, or only on control-connection (TCP) lines. */
enum ovwhere { OV_IP, OV_IP4, OV_IP6, OV_TCP };

/* One declaration per field: its key, its largest value (the wire width) and where it applies. */
static const struct ovdesc {
	const char *key;
	uint32_t max;
	enum ovwhere where;
	int bit;  /* a flag: bare word (on) or key=on|off */
} ovtab[MK_OV_N] = {
	[MK_IP_VER] = { "ip_ver", 15, OV_IP, 0 },
	[MK_IP_IHL] = { "ip_ihl", 15, OV_IP4, 0 },
	[MK_IP_TOS] = { "ip_tos", 255, OV_IP, 0 },
	[MK_IP_LEN] = { "ip_len", 65535, OV_IP, 0 },
	[MK_IP_ID] = { "ip_id", 0xffffffffu, OV_IP, 0 },
	[MK_IP_RF] = { "ip_rf", 1, OV_IP4, 1 },
	[MK_IP_DF] = { "ip_df", 1, OV_IP4, 1 },
	[MK_IP_MF] = { "ip_mf", 1, OV_IP, 1 },
	[MK_IP_OFF] = { "ip_off", 65528, OV_IP, 0 },
	[MK_IP_TTL] = { "ip_ttl", 255, OV_IP, 0 },
	[MK_IP_PROTO] = { "ip_proto", 255, OV_IP, 0 },
	[MK_IP_CSUM] = { "ip_csum", 0xffff, OV_IP4, 0 },
	[MK_IP_FLOW] = { "ip_flow", 0xfffff, OV_IP6, 0 },
	[MK_TCP_RES] = { "tcp_res", 15, OV_TCP, 0 },
	[MK_TCP_DOFF] = { "tcp_doff", 15, OV_TCP, 0 },
	[MK_TCP_FLAGS] = { "tcp_flags", 255, OV_TCP, 0 },
	[MK_TCP_WIN] = { "tcp_win", 0xffff, OV_TCP, 0 },
	[MK_TCP_CSUM] = { "tcp_csum", 0xffff, OV_TCP, 0 },
	[MK_TCP_URG] = { "tcp_urg", 0xffff, OV_TCP, 0 },
};

void mk_ov_clear(mk_hdrov *ov)
{
	memset(ov, 0, sizeof *ov);
	for (int i = 0; i < MK_OV_N; i++)
		ov->v[i] = -1;
}

/* The field may not be given here: say why, at the token. */
static void check_where(mk_line *l, const mk_tok *t, const char *key, enum ovwhere where, int v6, int is_conn)
{
	if (where == OV_IP4 && v6)
		mk_die(l, t->col, "%s is an IPv4 header field; this connection is IPv6", key);
	if (where == OV_IP6 && !v6)
		mk_die(l, t->col, "%s is an IPv6 header field; this connection is IPv4", key);
	if (where == OV_TCP && !is_conn)
		mk_die(l, t->col, "%s changes TCP segments: on control-connection lines only", key);
}

/* RFC 9293 3.1 flag letters in tcpdump's order of bits: F S R P A U E C (tcp_flags=SA), or a number. */
static uint32_t tcp_flags(const mk_line *l, const mk_tok *t)
{
	static const char letters[] = "FSRPAUEC";
	uint32_t v = 0;

	if (t->val[0] >= '0' && t->val[0] <= '9')
		return mk_num(l, t, 255);
	for (const char *s = t->val; *s; s++) {
		const char *p = strchr(letters, *s);
		if (!p)
			mk_die(l, t->vcol + (int)(s - t->val), "TCP flag letter (F S R P A U E C) or a number expected");
		v |= 1u << (p - letters);
	}
	return v;
}

/* ip_ext=TYPE:HEX: TYPE goes in the header before, HEX is whole extension headers (Next Header, Hdr Ext Len, data). */
static void ip_ext(mk_line *l, mk_tok *t, mk_hdrov *ov)
{
	char *colon = strchr(t->val, ':');
	mk_tok num = *t, hx = *t;

	if (!colon || colon == t->val || !colon[1])
		mk_die(l, t->vcol, "ip_ext=TYPE:HEX expected (ip_ext=60:3b000000000000)");
	*colon = '\0';
	num.vlen = (size_t)(colon - t->val);
	ov->ip_ext_type = (uint8_t)mk_num(l, &num, 255);
	hx.val = colon + 1;
	hx.vlen = t->vlen - num.vlen - 1;
	hx.vcol = t->vcol + (int)num.vlen + 1;
	ov->ip_ext_len = mk_hex(l, &hx, ov->ip_ext, sizeof ov->ip_ext);
	ov->has_ip_ext = 1;
}

/* A bare word after the command's start (a flag: ip_mf), marked used; NULL when absent. */
static mk_tok *bare(mk_line *l, const char *word)
{
	for (int i = l->pos; i < l->ntok; i++) {
		mk_tok *t = &l->tok[i];
		if (!t->key && !t->quoted && !t->used && !strcmp(t->val, word)) {
			t->used = 1;
			return t;
		}
	}
	return NULL;
}

void mk_ov_parse(mk *m, mk_line *l, const mk_conn *c, int is_conn)
{
	mk_hdrov *ov = &m->ov;
	int v6 = c->h[MK_PNS].v6;
	mk_tok *t;

	mk_ov_clear(ov);
	for (int i = 0; i < MK_OV_N; i++) {
		const struct ovdesc *d = &ovtab[i];
		t = mk_kv(l, d->key);
		if (t) {
			check_where(l, t, d->key, d->where, v6, is_conn);
			if (d->bit)
				ov->v[i] = mk_bool(l, t);
			else if (i == MK_TCP_FLAGS)
				ov->v[i] = tcp_flags(l, t);
			else
				ov->v[i] = mk_num(l, t, i == MK_IP_ID && !v6 ? 0xffff : d->max);
			if (i == MK_IP_OFF && ov->v[i] % 8)
				mk_die(l, t->vcol, "ip_off counts bytes in 8-byte units (RFC 791 3.1, RFC 8200 4.5): a multiple of 8");
		} else if (d->bit && (t = bare(l, d->key)) != NULL) {
			check_where(l, t, d->key, d->where, v6, is_conn);
			ov->v[i] = 1;
		}
	}
	if ((t = mk_kv(l, "ip_opt")) != NULL) {
		check_where(l, t, "ip_opt", OV_IP4, v6, is_conn);
		ov->ip_opt_len = mk_hex(l, t, ov->ip_opt, sizeof ov->ip_opt);
		ov->has_ip_opt = 1;
	}
	if ((t = mk_kv(l, "ip_ext")) != NULL) {
		check_where(l, t, "ip_ext", OV_IP6, v6, is_conn);
		ip_ext(l, t, ov);
	}
	if ((t = mk_kv(l, "tcp_opt")) != NULL) {
		check_where(l, t, "tcp_opt", OV_TCP, v6, is_conn);
		ov->tcp_opt_len = mk_hex(l, t, ov->tcp_opt, sizeof ov->tcp_opt);
		ov->has_tcp_opt = 1;
	}
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "frag_dup" : "frag_drop";
		if ((t = mk_kv(l, key)) == NULL)
			continue;
		if (is_conn)
			mk_die(l, t->col, "%s: mkcap fragments GRE datagrams only, not TCP segments", key);
		*(k ? &ov->frag_dup : &ov->frag_drop) = mk_kv_list(l, key, "fragment");
		if (!ov->frag_col)
			ov->frag_col = t->col;
	}
}
