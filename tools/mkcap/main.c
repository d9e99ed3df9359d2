/* main.c: mkcap, the crafted-capture generator: reads a session description (docs/mkcap.md), writes pcap or pcapng. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "mkcap.h"
#include "version.h"

static char tmp_path[4096];

static void remove_tmp(void)
{
	if (tmp_path[0])
		remove(tmp_path);
}

static const char usage[] = "usage: mkcap [-F pcap|pcapng] -o OUT SOURCE.txt\n       mkcap -h | --help | -V | --version\n";

int mk_side(const char *word)
{
	if (!strcmp(word, "pns"))
		return MK_PNS;
	if (!strcmp(word, "pac"))
		return MK_PAC;
	return -1;
}

mk_conn *mk_find_conn(mk *m, const char *name)
{
	for (int i = 0; i < m->nconn; i++)
		if (!strcmp(m->conn[i].name, name))
			return &m->conn[i];
	return NULL;
}

mk_call *mk_find_call(mk *m, const char *name)
{
	for (int i = 0; i < m->ncall; i++)
		if (!strcmp(m->call[i].name, name))
			return &m->call[i];
	return NULL;
}

/* "192.0.2.1:1723" or "[2001:db8::1]:1723" */
int mk_parse_host(const char *s, mk_host *h)
{
	char buf[80];
	const char *port;
	char *end;
	unsigned long p;

	memset(h, 0, sizeof *h);
	if (strlen(s) >= sizeof buf)
		return -1;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return -1;
		memcpy(buf, s + 1, (size_t)(rb - s - 1));
		buf[rb - s - 1] = '\0';
		if (inet_pton(AF_INET6, buf, h->ip) != 1)
			return -1;
		h->v6 = 1;
		port = rb + 2;
	} else {
		const char *colon = strrchr(s, ':');
		if (!colon)
			return -1;
		memcpy(buf, s, (size_t)(colon - s));
		buf[colon - s] = '\0';
		if (inet_pton(AF_INET, buf, h->ip) != 1)
			return -1;
		port = colon + 1;
	}
	p = strtoul(port, &end, 10);
	if (!*port || *end || p > 65535)
		return -1;
	h->port = (uint16_t)p;
	/* a locally administered MAC made from the address, so captures need no MAC lines */
	h->mac[0] = 0x02;
	h->mac[1] = 0x00;
	memcpy(h->mac + 2, h->ip + (h->v6 ? 12 : 0), 4);
	return 0;
}

static void parse_mac(mk_line *l, mk_tok *t, uint8_t mac[6])
{
	if (mk_hex(l, t, mac, 6) != 6)
		mk_die(l, t->vcol, "MAC address of 6 bytes expected (02:00:00:00:00:01)");
}

static void check_name(mk *m, mk_line *l, mk_tok *t)
{
	static const char *const reserved[] = { "link", "time", "conn", "call", "fragment", "snaplen", "ttl",
						"framing", "mppe", "format", "include", "pns", "pac", "both", NULL };
	if (t->quoted || !t->vlen || t->vlen >= MK_NAME)
		mk_die(l, t->col, "a name of 1..%d characters expected", MK_NAME - 1);
	for (size_t i = 0; i < t->vlen; i++) {
		char ch = t->val[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		      ch == '-'))
			mk_die(l, t->col, "'%s': names are letters, digits, '_' and '-'", t->val);
	}
	for (int i = 0; reserved[i]; i++)
		if (!strcmp(t->val, reserved[i]))
			mk_die(l, t->col, "'%s' is a keyword, not a name", t->val);
	if (mk_find_conn(m, t->val) || mk_find_call(m, t->val))
		mk_die(l, t->col, "'%s' is already defined", t->val);
}

static void dir_link(mk *m, mk_line *l)
{
	mk_tok *t = mk_need(l, "link type (ether, vlan N, qinq N M, sll, sll2, raw, null)");
	static const struct {
		const char *name;
		enum mk_link link;
		int ntags;
	} links[] = {
		{ "ether", MK_LINK_ETHER, 0 }, { "vlan", MK_LINK_VLAN, 1 }, { "qinq", MK_LINK_QINQ, 2 },
		{ "sll", MK_LINK_SLL, 0 },     { "sll2", MK_LINK_SLL2, 0 }, { "raw", MK_LINK_RAW, 0 },
		{ "null", MK_LINK_NULL, 0 },
	};
	size_t i;

	if (m->out.started)
		mk_die(l, 1, "link must come before the first packet");
	if (m->link_depth >= 0 && m->link_depth < m->depth) {
		/* the including file chose the link: the included one's choice gives way */
		l->pos = l->ntok;
		for (int j = 0; j < l->ntok; j++)
			l->tok[j].used = 1;
		return;
	}
	m->link_depth = m->depth;
	for (i = 0; i < sizeof links / sizeof links[0]; i++)
		if (!strcmp(t->val, links[i].name))
			break;
	if (i == sizeof links / sizeof links[0])
		mk_die(l, t->col, "unknown link type '%s' (ether, vlan, qinq, sll, sll2, raw, null)", t->val);
	m->link = links[i].link;
	for (int k = 0; k < links[i].ntags; k++) {
		/* the TCI: priority and DEI may be given in the top bits (0x2064 = priority 1, VLAN 100) */
		m->vlan[k] = (uint16_t)mk_num(l, mk_need(l, "VLAN id"), 0xffff);
	}
}

static void dir_conn(mk *m, mk_line *l)
{
	mk_tok *name = mk_need(l, "connection name"), *t;
	mk_conn *c;

	check_name(m, l, name);
	if (m->nconn == MK_MAXCONN)
		mk_die(l, 1, "too many connections (at most %d)", MK_MAXCONN);
	c = &m->conn[m->nconn];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name->val);
	for (int k = 0; k < 2; k++) {
		int side;
		t = mk_need(l, "pns or pac");
		side = mk_side(t->val);
		if (side < 0 || (k == 1 && c->h[side].port))
			mk_die(l, t->col, "%s expected", k ? "the other side (pns or pac)" : "pns or pac");
		t = mk_need(l, "ADDRESS:PORT");
		if (mk_parse_host(t->val, &c->h[side]) != 0)
			mk_die(l, t->col, "'%s': ADDRESS:PORT expected (192.0.2.1:1723 or [2001:db8::1]:1723)", t->val);
		if (!c->h[side].port)
			mk_die(l, t->col, "port 0 is not allowed");
	}
	if (c->h[0].v6 != c->h[1].v6)
		mk_die(l, 1, "both sides must be IPv4 or both IPv6");
	c->d[MK_PNS].isn = mk_kv_num(l, "isn_pns", 0x10000000u + (uint32_t)m->nconn * 0x01000000u, 0xffffffffu);
	c->d[MK_PAC].isn = mk_kv_num(l, "isn_pac", 0x80000000u + (uint32_t)m->nconn * 0x01000000u, 0xffffffffu);
	c->d[MK_PNS].window = c->d[MK_PAC].window = (uint16_t)mk_kv_num(l, "window", 64240, 65535);
	c->d[MK_PNS].ip_id = (uint16_t)mk_kv_num(l, "ipid_pns", 0x1000, 65535);
	c->d[MK_PAC].ip_id = (uint16_t)mk_kv_num(l, "ipid_pac", 0x2000, 65535);
	if ((t = mk_kv(l, "pns_mac")) != NULL)
		parse_mac(l, t, c->h[MK_PNS].mac);
	if ((t = mk_kv(l, "pac_mac")) != NULL)
		parse_mac(l, t, c->h[MK_PAC].mac);
	for (int s = 0; s < 2; s++)
		c->d[s].nxt = c->d[s].isn;
	if (mk_flag(l, "established")) {
		/* the capture starts after the handshake */
		for (int s = 0; s < 2; s++)
			c->d[s].nxt = c->d[s].isn + 1;
	}
	mk_done(l);
	m->nconn++;
}

static void dir_call(mk *m, mk_line *l)
{
	mk_tok *name = mk_need(l, "call name"), *ct;
	mk_call *k;
	mk_conn *c;

	check_name(m, l, name);
	ct = mk_need(l, "connection name");
	c = mk_find_conn(m, ct->val);
	if (!c)
		mk_die(l, ct->col, "no connection named '%s'", ct->val);
	if (m->ncall == MK_MAXCALL)
		mk_die(l, 1, "too many calls (at most %d)", MK_MAXCALL);
	k = &m->call[m->ncall];
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name->val);
	k->conn = c;
	if (!mk_kv_has(l, "pns_call") || !mk_kv_has(l, "pac_call"))
		mk_die(l, l->endcol, "pns_call=N and pac_call=N are required (each side's own call ID)");
	k->call_id[MK_PNS] = (uint16_t)mk_kv_num(l, "pns_call", 0, 65535);
	k->call_id[MK_PAC] = (uint16_t)mk_kv_num(l, "pac_call", 0, 65535);
	k->seq[MK_PNS] = mk_kv_num(l, "seq_pns", 0, 0xffffffffu);
	k->seq[MK_PAC] = mk_kv_num(l, "seq_pac", 0, 0xffffffffu);
	for (int s = 0; s < 2; s++)
		k->acfc[s] = k->pfc[s] = 0;
	mk_done(l);
	m->ncall++;
}

static void dir_framing(mk *m, mk_line *l)
{
	mk_tok *t = mk_need(l, "call name"), *d;
	mk_call *k = mk_find_call(m, t->val);
	int from, to;

	if (!k)
		mk_die(l, t->col, "no call named '%s'", t->val);
	d = mk_need(l, "pns, pac or both");
	if (!strcmp(d->val, "both")) {
		from = 0;
		to = 1;
	} else {
		from = to = mk_side(d->val);
		if (from < 0)
			mk_die(l, d->col, "pns, pac or both expected");
	}
	{
		mk_tok *a = mk_kv(l, "acfc"), *p = mk_kv(l, "pfc");
		if (!a && !p)
			mk_die(l, l->endcol, "acfc=on|off and/or pfc=on|off expected");
		for (int s = from; s <= to; s++) {
			if (a)
				k->acfc[s] = mk_bool(l, a);
			if (p)
				k->pfc[s] = mk_bool(l, p);
		}
	}
	mk_done(l);
}

static void directive(mk *m, mk_line *l, mk_tok *t)
{
	const char *w = t->val;

	if (!strcmp(w, "link")) {
		dir_link(m, l);
	} else if (!strcmp(w, "time")) {
		mk_tok *v = mk_need(l, "start time in seconds");
		m->t_us = mk_time_us(l, v, v->val);
	} else if (!strcmp(w, "format")) {
		mk_tok *v = mk_need(l, "pcap or pcapng");
		if (m->out.started)
			mk_die(l, 1, "format must come before the first packet");
		if (!strcmp(v->val, "pcap"))
			m->out.fmt = MK_FMT_PCAP;
		else if (!strcmp(v->val, "pcapng"))
			m->out.fmt = MK_FMT_PCAPNG;
		else
			mk_die(l, v->col, "pcap or pcapng expected");
	} else if (!strcmp(w, "snaplen")) {
		if (m->out.started)
			mk_die(l, 1, "snaplen must come before the first packet");
		m->out.snaplen = mk_num(l, mk_need(l, "snapshot length"), 262144);
		if (m->out.snaplen < 14)
			mk_die(l, t->col, "snaplen below 14 bytes");
	} else if (!strcmp(w, "ttl")) {
		m->ttl = (uint8_t)mk_num(l, mk_need(l, "TTL / hop limit"), 255);
	} else if (!strcmp(w, "fragment")) {
		mk_tok *v = mk_need(l, "size or off");
		if (!strcmp(v->val, "off")) {
			m->frag = 0;
		} else {
			m->frag = mk_num(l, v, 65535);
			if (m->frag < 28)
				mk_die(l, v->col, "fragment size must be at least 28 (IPv4 header and 8 bytes)");
		}
		m->frag_reverse = mk_accept(l, "reverse");
	} else if (!strcmp(w, "conn")) {
		dir_conn(m, l);
	} else if (!strcmp(w, "call")) {
		dir_call(m, l);
	} else if (!strcmp(w, "framing")) {
		dir_framing(m, l);
	} else if (!strcmp(w, "mppe")) {
		mk_tok *n = mk_need(l, "call name");
		mk_call *k = mk_find_call(m, n->val);
		if (!k)
			mk_die(l, n->col, "no call named '%s'", n->val);
		mk_mppe_directive(m, l, k);
	} else {
		mk_die(l, t->col, "unknown directive or name '%s'", w);
	}
	mk_done(l);
}

static void timed(mk *m, mk_line *l, mk_tok *t)
{
	mk_conn *c;
	mk_call *k;
	mk_tok *s;
	int side = -1;

	c = mk_find_conn(m, t->val);
	k = c ? NULL : mk_find_call(m, t->val);
	if (!c && !k)
		mk_die(l, t->col, "no connection or call named '%s'", t->val);
	s = mk_peek(l);
	if (s && !s->quoted && mk_side(s->val) >= 0) {
		side = mk_side(s->val);
		mk_next(l);
	}
	s = mk_peek(l);
	if (s && !s->quoted && !strcmp(s->val, "frame")) {
		/* any bytes after the link header, on a connection's or a call's addresses */
		if (side < 0)
			mk_die(l, s->col, "pns or pac expected before 'frame'");
		mk_next(l);
		mk_frame_cmd(m, l, c ? c : k->conn, side);
		return;
	}
	/* ip_*, tcp_*, frag_* apply to every packet this line writes */
	mk_ov_parse(m, l, c ? c : k->conn, c != NULL);
	if (c) {
		mk_conn_cmd(m, l, c, side);
	} else {
		if (side < 0)
			mk_die(l, s ? s->col : l->endcol, "pns or pac expected after '%s'", t->val);
		mk_call_cmd(m, l, k, side);
	}
	mk_ov_clear(&m->ov);
}

static void run(mk *m, const char *path, FILE *in);

/* include "FILE": read another source here, its path relative to the including file */
static void include(mk *m, mk_line *l)
{
	mk_tok *t = mk_need(l, "file name");
	char path[4096];
	const char *slash = strrchr(l->file, '/');
	FILE *f;

	mk_done(l);
	if (m->depth >= 8)
		mk_die(l, t->col, "includes nested too deep");
	if (t->val[0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", t->val);
	else
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - l->file), l->file, t->val);
	f = fopen(path, "r");
	if (!f)
		mk_die(l, t->col, "cannot open '%s'", path);
	m->depth++;
	run(m, path, f);
	m->depth--;
	fclose(f);
}

static void run(mk *m, const char *path, FILE *in)
{
	char *text = malloc(65536);
	mk_line *lp = malloc(sizeof *lp);
	int lineno = 0;

	if (!text || !lp)
		mk_fatal("out of memory");

	while (fgets(text, 65536, in)) {
		mk_tok *t;
		size_t n = strlen(text);
		lineno++;
		memset(lp, 0, sizeof *lp);
		lp->file = path;
		lp->lineno = lineno;
		if (n == 65535 && text[n - 1] != '\n')
			mk_die(lp, 1, "line too long (at most %d characters)", 65534);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)text[i] < 0x20 && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
				mk_die(lp, (int)i + 1, "control character in the source");
		if (!mk_tokenize(lp, text))
			continue;
		t = mk_next(lp);
		if (!t || t->quoted)
			mk_die(lp, t ? t->col : 1, "a directive, a time (+0.010, @1.5) or a name expected");
		if (t->val[0] == '+' || t->val[0] == '@') {
			int64_t v = mk_time_us(lp, t, t->val + 1);
			m->t_us = t->val[0] == '+' ? m->t_us + v : m->t0_us + v;
			t = mk_need(lp, "a connection or call name");
			timed(m, lp, t);
		} else if (mk_find_conn(m, t->val) || mk_find_call(m, t->val)) {
			timed(m, lp, t);
		} else if (!strcmp(t->val, "include")) {
			include(m, lp);
		} else {
			directive(m, lp, t);
			if (!strcmp(t->val, "time"))
				m->t0_us = m->t_us;
		}
	}
	if (ferror(in))
		mk_fatal("%s: read error", path);
	free(text);
	free(lp);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static mk m;
	const char *outpath = NULL, *src = NULL;
	FILE *in;
	int fmt = -1, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:F:hV", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			outpath = optarg;
			break;
		case 'F':
			if (!strcmp(optarg, "pcap"))
				fmt = MK_FMT_PCAP;
			else if (!strcmp(optarg, "pcapng"))
				fmt = MK_FMT_PCAPNG;
			else {
				fprintf(stderr, "mkcap: -F wants pcap or pcapng, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("mkcap (pptp-suite) %s\n", PT_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "mkcap: %s needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "mkcap: unknown option '%s'\n%s", argv[optind - 1], usage);
			return 2;
		}
	}
	if (optind < argc)
		src = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "mkcap: one source at a time ('%s')\n", argv[optind]);
		return 2;
	}
	if (!outpath || !src) {
		fputs(usage, stderr);
		return 2;
	}
	in = fopen(src, "r");
	if (!in)
		mk_fatal("%s: cannot open", src);
	mk_ov_clear(&m.ov);
	m.out.snaplen = 262144;
	m.ttl = 64;
	m.link = MK_LINK_ETHER;
	m.link_depth = -1;
	m.t_us = m.t0_us = 1700000000LL * 1000000;
	m.out.fmt = fmt >= 0 ? (enum mk_fmt)fmt : MK_FMT_PCAP;
	/* write to a temporary name and rename, so an error leaves no half-written capture behind */
	snprintf(tmp_path, sizeof tmp_path, "%s.tmp", outpath);
	m.out.f = fopen(tmp_path, "wb");
	if (!m.out.f)
		mk_fatal("%s: cannot create", tmp_path);
	atexit(remove_tmp);
	run(&m, src, in);
	if (!m.out.started)
		m.out.linktype = mk_linktype(m.link);
	mk_out_start(&m.out);
	if (fclose(m.out.f) != 0)
		mk_fatal("%s: write error", tmp_path);
	m.out.f = NULL;
	if (rename(tmp_path, outpath) != 0)
		mk_fatal("%s: cannot rename to %s", tmp_path, outpath);
	tmp_path[0] = '\0';
	fclose(in);
	for (int i = 0; i < m.ncall; i++)
		mk_mppe_free(&m.call[i]);
	for (int i = 0; i < m.nconn; i++)
		for (int s = 0; s < 2; s++) {
			free(m.conn[i].d[s].defer);
			for (int j = 0; j < m.conn[i].d[s].nheld; j++)
				free(m.conn[i].d[s].held[j].data);
			for (int j = 0; j < m.conn[i].d[s].nlost; j++)
				free(m.conn[i].d[s].lost[j].data);
		}
	return 0;
}
