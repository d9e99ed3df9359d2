/* ladder.c: the message sequence of each session (RFC 2637 control messages, the PPP negotiation of RFC 1661/1994/
 * 2759/1962/3078/1332/5072, first data, teardown) between its PNS and PAC, as a text ladder or an SVG picture.
 *
 * Built from the same events every front end already has: the tunnel's decode lines (lib/fmt's one-line format,
 * the contract the scenario language reuses) and its findings.  Memory is bounded: at most max_sessions sessions
 * and, per session, the first 3/4 of max_arrows arrows and a ring of the last 1/4; what falls between is counted
 * and the picture says so.  Data frames are never drawn one by one: the first of each direction of a call is an
 * arrow, the rest are runs ("... 412 data frames ...") unless a finding falls on one. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "ladder.h"
#include "rules.h"

#define LAD_LABEL 112
#define LAD_FMSG 112
#define LAD_FPER 3         /* findings kept per arrow (the rest counted) */
#define LAD_PEND 8
#define LAD_CALLS 8
#define LAD_BACK 64        /* how far back a late finding looks for its arrow */

enum lad_kind { AK_CTRL = 1, AK_PPP, AK_DATA, AK_GRE, AK_NOTE, AK_RUN, AK_END };

typedef struct lad_find {
	int rule;
	char msg[LAD_FMSG];
} lad_find;

typedef struct lad_arrow {
	uint64_t pkt, pkt2;        /* AK_RUN: first and last frame */
	int64_t ts, ts2;
	uint64_t n[2], acks;       /* AK_RUN: data frames by sender, GRE acknowledgments alone */
	int32_t call;
	uint8_t kind, dir;
	uint16_t nf;
	uint32_t fmore;
	lad_find f[LAD_FPER];
	char label[LAD_LABEL];
} lad_arrow;

typedef struct lad_sess {
	uint32_t conn;             /* key: the control connection, or 0 and ... */
	int32_t call;              /* ... the call of GRE without one */
	int64_t t0;
	uint64_t pkt0;
	lad_arrow *head;
	size_t nhead, cap_head;
	lad_arrow *ring;
	size_t nring, rpos;
	uint64_t skip_arrows, skip_data, skip_find;
	lad_arrow run;
	int has_run;
	int32_t calls[LAD_CALLS];
	uint8_t first[LAD_CALLS][2];
	int ncalls, many_calls;
	uint64_t data_total[2];
	char end[2][80];           /* "192.0.2.2:36161" */
	char host[2][72];          /* host_name of its SCCRQ/SCCRP, as decoded (quoted, escaped) */
	uint32_t nfind[3];
	const char *what;          /* "control connection", "GRE without its control connection" */
} lad_sess;

struct pt_ladder {
	size_t max_sess, head_max, tail_max;
	lad_sess *s;
	size_t ns;
	uint64_t sess_dropped;
	uint32_t drop_conn_hi;
	int32_t drop_call_hi;
	uint32_t other_n[3];
	lad_find other[4];
	size_t nother;
	/* the packet being read */
	int cur_active;
	uint64_t cur_pkt;
	size_t cur_s;
	int cur_dir;
	int64_t cur_ts;
	int32_t cur_call;
	int cur_state;             /* 0 nothing yet, 1 a GRE header alone, 2 an arrow, 3 a data frame folded into a run */
	char cur_gre[LAD_LABEL];
	char cur_data[LAD_LABEL];
	uint64_t run_prev_pkt2;
	int64_t run_prev_ts2;
	lad_find pend[LAD_PEND];
	size_t npend;
	uint32_t pend_more;
	char title[512];
	uint64_t max_pkt;          /* the last packet seen */
	int eof;                   /* pt_ladder_eof: the input is over, what comes now is the model's last word */
	int finished;
};

/* ---------------------------------------------------------------- labels */

/* bounded copy, always terminated */
static void scopy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (!cap)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void cat(char *buf, size_t cap, size_t *used, const char *s)
{
	pt_fmt_cat(buf, cap, used, "%s", s);
}

/* One token of a decode line: <option ...>, [note], or word / key=value where "..." and (...) may hold spaces. */
static const char *next_tok(const char *p, char *tok, size_t cap)
{
	size_t n = 0;
	int depth = 0, quoted = 0;
	char close = 0;

	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	if (*p == '<')
		close = '>';
	else if (*p == '[')
		close = ']';
	for (; *p; p++) {
		if (close) {
			if (n + 1 < cap)
				tok[n++] = *p;
			if (n > 1 && *p == close) {
				p++;
				break;
			}
			continue;
		}
		if (quoted) {
			if (*p == '\\' && p[1]) {
				if (n + 2 < cap) {
					tok[n++] = *p;
					tok[n++] = p[1];
				}
				p++;
				continue;
			}
			if (*p == '"')
				quoted = 0;
		} else if (*p == '"') {
			quoted = 1;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth) {
			depth--;
		} else if (*p == ' ' && !depth) {
			break;
		}
		if (n + 1 < cap)
			tok[n++] = *p;
	}
	tok[n] = 0;
	return p;
}

/* value of key=value: "1(Connected)" -> "Connected"; "\"alice\"" -> alice (escapes kept: printable) */
static void show_val(const char *v, char *out, size_t cap)
{
	const char *lp = strchr(v, '(');
	size_t n;

	if (*v == '"') {
		n = strlen(v + 1);
		if (n && v[n] == '"')
			n--;
		snprintf(out, cap, "%.*s", (int)n, v + 1);
		return;
	}
	if (lp && v[strlen(v) - 1] == ')' && lp[1] != ')') {
		n = strlen(lp + 1) - 1;
		snprintf(out, cap, "%.*s", (int)n, lp + 1);
		return;
	}
	snprintf(out, cap, "%s", v);
}

static int is_key(const char *tok, const char *key, const char **val)
{
	size_t k = strlen(key);
	if (strncmp(tok, key, k) == 0 && tok[k] == '=') {
		*val = tok + k + 1;
		return 1;
	}
	return 0;
}

static void ctrl_label(const char *line, char *buf, size_t cap)
{
	char tok[256], v[200];
	const char *p = next_tok(line, tok, sizeof tok), *val;
	size_t used = 0;

	buf[0] = 0;
	if (!p)
		return;
	cat(buf, cap, &used, tok);
	while ((p = next_tok(p, tok, sizeof tok))) {
		if (is_key(tok, "call_id", &val)) {
			pt_fmt_cat(buf, cap, &used, " call=%s", val);
		} else if (is_key(tok, "peer_call_id", &val)) {
			pt_fmt_cat(buf, cap, &used, " peer=%s", val);
		} else if (is_key(tok, "result", &val) || is_key(tok, "reason", &val)) {
			show_val(val, v, sizeof v);
			pt_fmt_cat(buf, cap, &used, " %.*s=%s", (int)(val - tok - 1), tok, v);
		} else if (is_key(tok, "error", &val) || is_key(tok, "cause", &val)) {
			if (val[0] != '0' || (val[1] && val[1] != '(')) {
				show_val(val, v, sizeof v);
				pt_fmt_cat(buf, cap, &used, " %.*s=%s", (int)(val - tok - 1), tok, v);
			}
		} else if (is_key(tok, "host_name", &val)) {
			pt_fmt_cat(buf, cap, &used, " host=%s", val);
		} else if (is_key(tok, "id", &val) || is_key(tok, "len", &val) || is_key(tok, "magic", &val) ||
			   is_key(tok, "msg_type", &val) || is_key(tok, "type", &val) || tok[0] == '[') {
			pt_fmt_cat(buf, cap, &used, " %s", tok);
		}
	}
}

static const struct { const char *name, *shortname; } cp_codes[] = {
	{ "Configure-Request", "Conf-Req" }, { "Configure-Ack", "Conf-Ack" },   { "Configure-Nak", "Conf-Nak" },
	{ "Configure-Reject", "Conf-Rej" },  { "Terminate-Request", "Term-Req" }, { "Terminate-Ack", "Term-Ack" },
	{ "Code-Reject", "Code-Rej" },       { "Protocol-Reject", "Proto-Rej" }, { "Echo-Request", "Echo-Req" },
	{ "Echo-Reply", "Echo-Rep" },        { "Discard-Request", "Discard-Req" }, { "Identification", "Ident" },
	{ "Time-Remaining", "Time-Rem" },    { "Reset-Request", "Reset-Req" },   { "Reset-Ack", "Reset-Ack" },
	{ "Authenticate-Request", "Auth-Req" }, { "Authenticate-Ack", "Auth-Ack" }, { "Authenticate-Nak", "Auth-Nak" },
	{ NULL, NULL }
};

/* LCP/CCP/IPCP/IPV6CP options: short name, and whether a Request/Ack shows it (Nak and Reject show all). */
static const struct { const char *name, *shortname; int key; } cp_opts[] = {
	{ "Maximum-Receive-Unit", "MRU", 1 },
	{ "Async-Control-Character-Map", "ACCM", 0 },
	{ "Authentication-Protocol", "Auth", 1 },
	{ "Magic-Number", "Magic", 0 },
	{ "Protocol-Field-Compression", "PFC", 0 },
	{ "Address-and-Control-Field-Compression", "ACFC", 0 },
	{ "Callback", "Callback", 1 },
	{ "Multilink-MRRU", "MRRU", 1 },
	{ "IP-Address", "IP", 1 },
	{ "Primary-DNS", "DNS1", 1 },
	{ "Secondary-DNS", "DNS2", 1 },
	{ "Primary-NBNS", "NBNS1", 1 },
	{ "Secondary-NBNS", "NBNS2", 1 },
	{ "Interface-Identifier", "IfId", 1 },
	{ NULL, NULL, 0 }
};

/* "<Name arg...>" of a Configure-* packet */
static void opt_label(const char *tok, int all, char *buf, size_t cap, size_t *used)
{
	char name[96], arg[160];
	const char *sp;
	size_t n = strlen(tok);

	if (n < 2)
		return;
	snprintf(arg, sizeof arg, "%.*s", (int)(n - 2), tok + 1); /* without < > */
	sp = strchr(arg, ' ');
	snprintf(name, sizeof name, "%.*s", sp ? (int)(sp - arg) : (int)strlen(arg), arg);
	sp = sp ? sp + 1 : "";
	if (!strcmp(name, "MPPE/MPPC")) {
		/* "0x01000040 H (stateless)|S (128-bit)" */
		int any = 0;
		if (strstr(sp, "S (128-bit)"))
			cat(buf, cap, used, " MPPE-128"), any = 1;
		if (strstr(sp, "M (56-bit)"))
			cat(buf, cap, used, " MPPE-56"), any = 1;
		if (strstr(sp, "L (40-bit)"))
			cat(buf, cap, used, " MPPE-40"), any = 1;
		if (strstr(sp, "C (MPPC)"))
			cat(buf, cap, used, " MPPC"), any = 1;
		if (!any)
			pt_fmt_cat(buf, cap, used, " MPPE(%.10s)", sp);
		if (strstr(sp, "H (stateless)"))
			cat(buf, cap, used, " stateless");
		else if (any)
			cat(buf, cap, used, " stateful");
		return;
	}
	for (int i = 0; cp_opts[i].name; i++) {
		if (strcmp(name, cp_opts[i].name))
			continue;
		if (!cp_opts[i].key && !all)
			return;
		if (!strcmp(name, "Authentication-Protocol")) {
			/* "CHAP MS-CHAPv2" / "CHAP MD5" / "PAP" / "EAP" */
			if (!strncmp(sp, "CHAP ", 5))
				pt_fmt_cat(buf, cap, used, " Auth=%s", !strcmp(sp + 5, "MD5") ? "CHAP-MD5" : sp + 5);
			else
				pt_fmt_cat(buf, cap, used, " Auth=%s", sp);
		} else if (*sp && cp_opts[i].key) {
			pt_fmt_cat(buf, cap, used, " %s=%s", cp_opts[i].shortname, sp);
		} else {
			pt_fmt_cat(buf, cap, used, " %s", cp_opts[i].shortname);
		}
		return;
	}
	pt_fmt_cat(buf, cap, used, " %s", name);
}

static void ppp_label(const char *line, char *buf, size_t cap)
{
	char proto[32], code[64], tok[256], v[200], alg[32] = "";
	const char *p = next_tok(line, proto, sizeof proto), *val, *q;
	size_t used = 0;
	int all = 0, i;

	buf[0] = 0;
	if (!p)
		return;
	/* the CHAP algorithm is the last token: "(MS-CHAPv2)" */
	q = strrchr(line, '(');
	if (!strcmp(proto, "CHAP") && q && q[strlen(q) - 1] == ')' && q > line && q[-1] == ' ')
		snprintf(alg, sizeof alg, "%.*s", (int)strlen(q) - 2, q + 1);
	if (!strcmp(alg, "MD5"))
		snprintf(alg, sizeof alg, "CHAP-MD5");
	else if (!strcmp(alg, "MS-CHAP"))
		snprintf(alg, sizeof alg, "MS-CHAPv1");
	p = next_tok(p, code, sizeof code);
	cat(buf, cap, &used, alg[0] ? alg : proto);
	if (!p) {
		return;
	}
	if (code[0] == '[') {
		pt_fmt_cat(buf, cap, &used, " %s", code);
		return;
	}
	for (i = 0; cp_codes[i].name; i++)
		if (!strcmp(code, cp_codes[i].name))
			break;
	pt_fmt_cat(buf, cap, &used, " %s", cp_codes[i].name ? cp_codes[i].shortname : code);
	all = !strcmp(code, "Configure-Nak") || !strcmp(code, "Configure-Reject");
	while ((p = next_tok(p, tok, sizeof tok))) {
		if (tok[0] == '<') {
			opt_label(tok, all, buf, cap, &used);
		} else if (tok[0] == '[') {
			pt_fmt_cat(buf, cap, &used, " %s", tok);
		} else if (is_key(tok, "name", &val) || is_key(tok, "peer", &val)) {
			show_val(val, v, sizeof v);
			pt_fmt_cat(buf, cap, &used, " %s", v);
		} else if (is_key(tok, "reason", &val) || is_key(tok, "message", &val)) {
			if (!strcmp(code, "Success") || !strcmp(code, "Failure"))
				continue; /* S=... M=...: the E= code says it */
			pt_fmt_cat(buf, cap, &used, " %s", val);
		} else if (is_key(tok, "E", &val)) {
			pt_fmt_cat(buf, cap, &used, " E=%.*s", (int)strcspn(val, "("), val);
		} else if (is_key(tok, "proto", &val)) {
			show_val(val, v, sizeof v);
			pt_fmt_cat(buf, cap, &used, " %s", v);
		}
	}
}

int pt_ladder_label(const char *line, char *buf, size_t cap)
{
	static const char *const cps[] = { "LCP ", "CCP ", "IPCP ", "IPV6CP ", "PAP ", "CHAP ", NULL };

	if (!cap)
		return 0;
	buf[0] = 0;
	while (*line == ' ')
		line++;
	for (int i = 0; cps[i]; i++)
		if (!strncmp(line, cps[i], strlen(cps[i]))) {
			ppp_label(line, buf, cap);
			return 2;
		}
	if (!strncmp(line, "IP ", 3) || !strncmp(line, "IPv6 ", 5) || !strncmp(line, "MPPE ", 5)) {
		snprintf(buf, cap, "%s", line);
		return 3;
	}
	if (!strncmp(line, "PPP proto=0x", 12)) {
		unsigned long proto = strtoul(line + 12, NULL, 16);
		char tok[128];
		const char *p = next_tok(line + 4, tok, sizeof tok);
		(void)p;
		snprintf(buf, cap, "PPP %s", tok + 6);
		return proto < 0x4000 ? 3 : 2;
	}
	if (!strncmp(line, "PPP", 3)) {
		snprintf(buf, cap, "%s", line);
		return 2;
	}
	if (!strncmp(line, "GRE ", 4)) {
		char tok[128];
		size_t used = 0;
		const char *p = line + 3;
		cat(buf, cap, &used, "GRE");
		while ((p = next_tok(p, tok, sizeof tok)))
			if (!strncmp(tok, "seq=", 4) || !strncmp(tok, "ack=", 4) || !strncmp(tok, "ver=", 4) ||
			    !strncmp(tok, "proto=", 6) || tok[0] == '[')
				pt_fmt_cat(buf, cap, &used, " %s", tok);
		return 0;
	}
	ctrl_label(line, buf, cap);
	return 1;
}

/* ---------------------------------------------------------------- the model */

pt_ladder *pt_ladder_new(const pt_ladder_cfg *cfg)
{
	pt_ladder *l = calloc(1, sizeof *l);
	size_t arrows;

	if (!l)
		return NULL;
	l->max_sess = cfg && cfg->max_sessions ? cfg->max_sessions : 64;
	arrows = cfg && cfg->max_arrows ? cfg->max_arrows : 240;
	if (arrows < 8)
		arrows = 8;
	l->tail_max = arrows / 4;
	l->head_max = arrows - l->tail_max;
	l->s = calloc(l->max_sess, sizeof *l->s);
	if (!l->s) {
		free(l);
		return NULL;
	}
	return l;
}

void pt_ladder_free(pt_ladder *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->ns; i++) {
		free(l->s[i].head);
		free(l->s[i].ring);
	}
	free(l->s);
	free(l);
}

void pt_ladder_title(pt_ladder *l, const char *title)
{
	if (l)
		scopy(l->title, sizeof l->title, title ? title : "");
}

size_t pt_ladder_nsessions(const pt_ladder *l)
{
	return l ? l->ns : 0;
}

/* the session an event belongs to, made on first sight; SIZE_MAX none (capture-wide, or past the cap) */
static size_t sess_get(pt_ladder *l, const pt_where *at)
{
	uint32_t conn = at->conn;
	int32_t call = conn ? -1 : at->call;

	if (!conn && call < 0)
		return SIZE_MAX;
	if (l->cur_active && l->s[l->cur_s].conn == conn && l->s[l->cur_s].call == call)
		return l->cur_s;
	for (size_t i = 0; i < l->ns; i++)
		if (l->s[i].conn == conn && l->s[i].call == call)
			return i;
	if (l->ns >= l->max_sess || l->finished) {
		/* indexes grow in order of appearance: a higher one is a session not seen before */
		if (conn ? conn > l->drop_conn_hi : call > l->drop_call_hi) {
			l->sess_dropped++;
			if (conn)
				l->drop_conn_hi = conn;
			else
				l->drop_call_hi = call;
		}
		return SIZE_MAX;
	}
	lad_sess *s = &l->s[l->ns];
	memset(s, 0, sizeof *s);
	s->conn = conn;
	s->call = call;
	s->t0 = at->ts_us;
	s->pkt0 = at->pkt;
	s->what = conn ? "control connection" : "GRE without its control connection";
	return l->ns++;
}

/* arrow i counting back from the last (0 = last), NULL past the start */
static lad_arrow *sess_back(lad_sess *s, size_t i, size_t tail_max)
{
	if (i < s->nring)
		return &s->ring[(s->rpos + s->nring - 1 - i) % tail_max];
	i -= s->nring;
	return i < s->nhead ? &s->head[s->nhead - 1 - i] : NULL;
}

static void push_raw(pt_ladder *l, lad_sess *s, const lad_arrow *a)
{
	if (s->nhead < l->head_max) {
		if (s->nhead == s->cap_head) {
			size_t nc = s->cap_head ? s->cap_head * 2 : 16;
			lad_arrow *n;
			if (nc > l->head_max)
				nc = l->head_max;
			n = realloc(s->head, nc * sizeof *n);
			if (!n)
				return;
			s->head = n;
			s->cap_head = nc;
		}
		s->head[s->nhead++] = *a;
		return;
	}
	if (!s->ring) {
		s->ring = calloc(l->tail_max, sizeof *s->ring);
		if (!s->ring)
			return;
	}
	if (s->nring < l->tail_max) {
		s->ring[s->nring++] = *a;
		return;
	}
	/* the ring is full: the oldest of it leaves the picture, counted */
	{
		lad_arrow *old = &s->ring[s->rpos];
		if (old->kind == AK_RUN)
			s->skip_data += old->n[0] + old->n[1];
		else
			s->skip_arrows++;
		s->skip_find += old->nf + old->fmore;
		*old = *a;
		s->rpos = (s->rpos + 1) % l->tail_max;
	}
}

/* sess_last with a full ring: the newest is just before rpos */
static lad_arrow *last_arrow(pt_ladder *l, lad_sess *s)
{
	if (s->nring == l->tail_max && s->nring)
		return &s->ring[(s->rpos + l->tail_max - 1) % l->tail_max];
	if (s->nring)
		return &s->ring[s->nring - 1];
	return s->nhead ? &s->head[s->nhead - 1] : NULL;
}

static void flush_run(pt_ladder *l, lad_sess *s)
{
	if (!s->has_run)
		return;
	s->has_run = 0;
	if (s->run.n[0] + s->run.n[1])
		push_raw(l, s, &s->run);
}

static void add_find(lad_arrow *a, const lad_find *f)
{
	if (a->nf < LAD_FPER)
		a->f[a->nf++] = *f;
	else
		a->fmore++;
}

static int call_slot(lad_sess *s, int32_t call)
{
	for (int i = 0; i < s->ncalls; i++)
		if (s->calls[i] == call)
			return i;
	if (s->ncalls < LAD_CALLS) {
		s->calls[s->ncalls] = call;
		return s->ncalls++;
	}
	s->many_calls = 1;
	return -1;
}

static lad_arrow *add_arrow(pt_ladder *l, lad_sess *s, int kind, int dir, int32_t call, uint64_t pkt, int64_t ts,
			    const char *label)
{
	lad_arrow a;
	lad_arrow *p;

	memset(&a, 0, sizeof a);
	a.kind = (uint8_t)kind;
	a.dir = (uint8_t)(dir == PT_DIR_PNS || dir == PT_DIR_PAC ? dir : PT_DIR_UNKNOWN);
	a.call = call;
	a.pkt = pkt;
	a.ts = ts;
	scopy(a.label, sizeof a.label, label);
	if (call >= 0 && kind != AK_END)
		(void)call_slot(s, call); /* a session with several calls names the call on each arrow */
	flush_run(l, s);
	push_raw(l, s, &a);
	p = last_arrow(l, s);
	/* the current packet's findings that came before its line */
	if (p && l->cur_active && &l->s[l->cur_s] == s && l->cur_pkt == pkt) {
		for (size_t i = 0; i < l->npend; i++)
			add_find(p, &l->pend[i]);
		p->fmore += l->pend_more;
		l->npend = 0;
		l->pend_more = 0;
		l->cur_state = 2;
	}
	return p;
}

/* the data frame folded into the run gets its own arrow after all (a finding fell on it) */
static lad_arrow *promote_data(pt_ladder *l, lad_sess *s)
{
	char lab[LAD_LABEL + 8];

	if (s->has_run && s->run.n[l->cur_dir & 1]) {
		s->run.n[l->cur_dir & 1]--;
		s->run.pkt2 = l->run_prev_pkt2;
		s->run.ts2 = l->run_prev_ts2;
		if (!s->run.n[0] && !s->run.n[1])
			s->has_run = 0;
	}
	snprintf(lab, sizeof lab, "data: %s", l->cur_data);
	return add_arrow(l, s, AK_DATA, l->cur_dir, l->cur_call, l->cur_pkt, l->cur_ts, lab);
}

static void end_pkt(pt_ladder *l)
{
	lad_sess *s;

	if (!l->cur_active)
		return;
	s = &l->s[l->cur_s];
	if (l->npend) {
		if (l->cur_state == 1)
			add_arrow(l, s, AK_GRE, l->cur_dir, l->cur_call, l->cur_pkt, l->cur_ts, l->cur_gre);
		else
			add_arrow(l, s, AK_NOTE, l->cur_dir, l->cur_call, l->cur_pkt, l->cur_ts, "");
	} else if (l->cur_state == 1 && s->has_run) {
		s->run.acks++;
	}
	l->cur_active = 0;
	l->npend = 0;
	l->pend_more = 0;
}

static void begin_pkt(pt_ladder *l, size_t si, const pt_where *at)
{
	if (l->cur_active && l->cur_pkt == at->pkt && l->cur_s == si)
		return;
	end_pkt(l);
	l->cur_active = 1;
	l->cur_pkt = at->pkt;
	l->cur_s = si;
	l->cur_dir = at->dir;
	l->cur_ts = at->ts_us;
	l->cur_call = at->call;
	l->cur_state = 0;
	l->cur_gre[0] = 0;
	l->cur_data[0] = 0;
}


static void data_frame(pt_ladder *l, lad_sess *s, const char *lab)
{
	int dir = l->cur_dir == PT_DIR_PAC ? 1 : 0;
	int slot = call_slot(s, l->cur_call);
	char buf[LAD_LABEL + 16];

	s->data_total[dir]++;
	scopy(l->cur_data, sizeof l->cur_data, lab);
	if (slot >= 0 && !s->first[slot][dir]) {
		s->first[slot][dir] = 1;
		snprintf(buf, sizeof buf, "first data: %s", lab);
		add_arrow(l, s, AK_DATA, l->cur_dir, l->cur_call, l->cur_pkt, l->cur_ts, buf);
		return;
	}
	if (!s->has_run) {
		memset(&s->run, 0, sizeof s->run);
		s->run.kind = AK_RUN;
		s->run.dir = PT_DIR_UNKNOWN;
		s->run.call = l->cur_call;
		s->run.pkt = l->cur_pkt;
		s->run.ts = l->cur_ts;
		s->has_run = 1;
	}
	l->run_prev_pkt2 = s->run.pkt2 ? s->run.pkt2 : l->cur_pkt;
	l->run_prev_ts2 = s->run.pkt2 ? s->run.ts2 : l->cur_ts;
	s->run.n[dir]++;
	s->run.pkt2 = l->cur_pkt;
	s->run.ts2 = l->cur_ts;
	l->cur_state = 3;
	if (l->npend)
		promote_data(l, s);
}

void pt_ladder_decode(pt_ladder *l, const pt_where *at, const char *line)
{
	char lab[LAD_LABEL];
	size_t si;
	lad_sess *s;
	int kind;

	if (!l || !line || l->finished)
		return;
	if (at->pkt > l->max_pkt)
		l->max_pkt = at->pkt;
	si = sess_get(l, at);
	if (si == SIZE_MAX)
		return;
	s = &l->s[si];
	if (line[0] == ' ') {
		/* a continuation: the PPP frame of the GRE packet just read, or its decrypted payload */
		if (!l->cur_active || l->cur_s != si || l->cur_pkt != at->pkt)
			return;
		while (*line == ' ')
			line++;
		if (!strncmp(line, "decrypted: ", 11)) {
			lad_arrow *a = last_arrow(l, s);
			line += 11;
			if (l->cur_state == 2 && a && a->kind == AK_DATA && a->pkt == at->pkt) {
				if (!strncmp(a->label, "first data: ", 12))
					snprintf(a->label, sizeof a->label, "first data: %s", line);
				else
					snprintf(a->label, sizeof a->label, "data: %s", line);
			} else if (l->cur_state == 3) {
				scopy(l->cur_data, sizeof l->cur_data, line);
			}
			return;
		}
		if (l->cur_state >= 2)
			return; /* one PPP frame per GRE packet */
		kind = pt_ladder_label(line, lab, sizeof lab);
		if (kind == 3)
			data_frame(l, s, lab);
		else
			add_arrow(l, s, AK_PPP, at->dir, at->call, at->pkt, at->ts_us, lab);
		return;
	}
	begin_pkt(l, si, at);
	kind = pt_ladder_label(line, lab, sizeof lab);
	if (kind == 0) {
		l->cur_state = 1;
		scopy(l->cur_gre, sizeof l->cur_gre, lab);
		l->cur_dir = at->dir;
		l->cur_call = at->call;
		return;
	}
	/* a control message; the ends' host names go in the lifelines' heads */
	if (!strncmp(line, "SCCRQ", 5) || !strncmp(line, "SCCRP", 5)) {
		const char *h = strstr(line, " host_name=\"");
		int side = at->dir == PT_DIR_PAC ? 1 : 0;
		if (h && !s->host[side][0]) {
			char tok[200];
			if (next_tok(h + 11, tok, sizeof tok))
				scopy(s->host[side], sizeof s->host[side], tok);
		}
	}
	add_arrow(l, s, AK_CTRL, at->dir, at->call, at->pkt, at->ts_us, lab);
}

void pt_ladder_finding(pt_ladder *l, const pt_finding *f)
{
	const pt_rule *r;
	lad_find lf;
	size_t si;
	lad_sess *s;

	if (!l || !f || l->finished)
		return;
	r = pt_rule_get(f->rule);
	lf.rule = f->rule;
	scopy(lf.msg, sizeof lf.msg, f->msg);
	if (strlen(f->msg) >= sizeof lf.msg)
		memcpy(lf.msg + sizeof lf.msg - 4, "...", 4);
	si = sess_get(l, &f->at);
	if (si == SIZE_MAX) {
		if (!f->at.conn && f->at.call < 0) {
			if (r && r->sev >= 0 && r->sev < 3)
				l->other_n[r->sev]++;
			if (l->nother < sizeof l->other / sizeof l->other[0])
				l->other[l->nother++] = lf;
		}
		return;
	}
	s = &l->s[si];
	if (r && r->sev >= 0 && r->sev < 3)
		s->nfind[r->sev]++;
	if (l->eof && f->at.pkt >= l->max_pkt) {
		/* a check made when the input ended, dated at its last packet: on a note that closes the session */
		lad_arrow *a = last_arrow(l, s);
		if (!a || a->kind != AK_NOTE || a->pkt < l->max_pkt)
			a = add_arrow(l, s, AK_NOTE, PT_DIR_UNKNOWN, -1, f->at.pkt, f->at.ts_us, "end of the capture");
		if (a)
			add_find(a, &lf);
		return;
	}
	if (f->at.pkt > l->max_pkt)
		l->max_pkt = f->at.pkt;
	if (l->cur_active && l->cur_s == si && l->cur_pkt == f->at.pkt) {
		lad_arrow *a = last_arrow(l, s);
		if (l->cur_state == 2 && a) {
			add_find(a, &lf);
			return;
		}
		if (l->cur_state == 3) {
			a = promote_data(l, s);
			if (a)
				add_find(a, &lf);
			return;
		}
	} else if (f->at.pkt) {
		/* a packet read before (a check made at close or at the end): its arrow, if still in the picture */
		for (size_t i = 0; i < LAD_BACK; i++) {
			lad_arrow *a = sess_back(s, i, l->tail_max);
			if (!a)
				break;
			if (a->kind != AK_RUN && a->pkt == f->at.pkt) {
				add_find(a, &lf);
				return;
			}
		}
		begin_pkt(l, si, &f->at);
	} else {
		begin_pkt(l, si, &f->at);
	}
	if (l->npend < LAD_PEND)
		l->pend[l->npend++] = lf;
	else
		l->pend_more++;
}

void pt_ladder_eof(pt_ladder *l)
{
	if (!l)
		return;
	end_pkt(l);
	l->eof = 1;
}

static const pt_conn *find_conn(const pt_tunnel *t, uint32_t idx)
{
	size_t n = pt_tunnel_nconns(t);
	for (size_t i = 0; i < n; i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		if (c && c->idx == idx)
			return c;
	}
	return NULL;
}

void pt_ladder_finish(pt_ladder *l, const pt_tunnel *t)
{
	if (!l || l->finished)
		return;
	end_pkt(l);
	for (size_t i = 0; i < l->ns; i++) {
		lad_sess *s = &l->s[i];
		const pt_conn *c;
		const char *end = NULL;
		int dir = PT_DIR_UNKNOWN, kind = AK_NOTE;

		flush_run(l, s);
		if (!t)
			continue;
		if (!s->conn) {
			const pt_call *k = s->call >= 0 && (size_t)s->call < pt_tunnel_ncalls(t) ? pt_tunnel_call(t, (size_t)s->call)
											    : NULL;
			if (k && k->idx == s->call) {
				pt_addr_fmt(&k->pns, 0, s->end[0], sizeof s->end[0]);
				pt_addr_fmt(&k->pac, 0, s->end[1], sizeof s->end[1]);
			}
			continue;
		}
		c = find_conn(t, s->conn);
		if (!c)
			continue;
		pt_addr_fmt(c->pns_is_cli ? &c->cli : &c->srv, 1, s->end[0], sizeof s->end[0]);
		pt_addr_fmt(c->pns_is_cli ? &c->srv : &c->cli, 1, s->end[1], sizeof s->end[1]);
		if (!c->ended)
			continue;
		switch (c->end_how) {
		case PT_END_FIN:
		case PT_END_RST:
			end = c->end_how == PT_END_FIN ? "TCP FIN" : "TCP RST";
			kind = AK_END;
			dir = (c->end_dir == 0) == (c->pns_is_cli != 0) ? PT_DIR_PNS : PT_DIR_PAC;
			break;
		case PT_END_EVICTED:
			end = "TCP connection evicted (the reassembler's cap)";
			break;
		case PT_END_EOF:
			end = "capture ends, TCP connection open";
			break;
		default:
			break;
		}
		if (!end)
			continue;
		{
			/* the findings of the close wait on a note at that packet: it becomes the teardown arrow */
			/* (the oldest of the notes that end the session at or after the closing packet) */
			lad_arrow *a = NULL;
			for (size_t j = 0; j < LAD_BACK && c->end_pkt; j++) {
				lad_arrow *b = sess_back(s, j, l->tail_max);
				if (!b || b->kind != AK_NOTE || b->pkt < c->end_pkt)
					break;
				a = b;
			}
			if (!a)
				a = add_arrow(l, s, kind, dir, -1, c->end_pkt, c->t_end, end);
			if (a) {
				a->kind = (uint8_t)kind;
				a->dir = (uint8_t)dir;
				a->pkt = c->end_pkt;
				a->ts = c->t_end;
				scopy(a->label, sizeof a->label, end);
			}
		}
	}
	l->finished = 1;
}

/* ---------------------------------------------------------------- rendering */

typedef struct wr {
	pt_ladder_out out;
	void *u;
} wr;

static void wf(wr *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wf(wr *w, const char *fmt, ...)
{
	char b[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof b)
		n = (int)sizeof b - 1;
	w->out(w->u, b, (size_t)n);
}

/* every string from the capture goes through here: printable ASCII, other octets as '?' */
static void clean(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 1 < cap; s++)
		out[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[n] = 0;
}

/* XML text / attribute content */
static void wx(wr *w, const char *s)
{
	char b[512];
	size_t n = 0;

	for (; *s; s++) {
		const char *e = NULL;
		char one[2] = { *s, 0 };
		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default:
			if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
				one[0] = '?';
			e = one;
		}
		size_t k = strlen(e);
		if (n + k >= sizeof b) {
			w->out(w->u, b, n);
			n = 0;
		}
		memcpy(b + n, e, k);
		n += k;
	}
	if (n)
		w->out(w->u, b, n);
}

/* what an arrow says, with its call when the session has several */
static void arrow_text(const lad_sess *s, const lad_arrow *a, char *buf, size_t cap)
{
	char lab[LAD_LABEL];
	size_t used = 0;

	buf[0] = 0;
	clean(a->label, lab, sizeof lab);
	if ((s->ncalls > 1 || s->many_calls) && a->call >= 0 && a->kind != AK_RUN)
		pt_fmt_cat(buf, cap, &used, "[call %d] ", a->call + 1);
	if (a->kind == AK_RUN) {
		pt_fmt_cat(buf, cap, &used, "... %llu data frame%s (PNS>PAC %llu, PAC>PNS %llu)",
			   (unsigned long long)(a->n[0] + a->n[1]), a->n[0] + a->n[1] == 1 ? "" : "s",
			   (unsigned long long)a->n[0], (unsigned long long)a->n[1]);
		if (a->acks)
			pt_fmt_cat(buf, cap, &used, ", %llu GRE ack%s", (unsigned long long)a->acks, a->acks == 1 ? "" : "s");
		pt_fmt_cat(buf, cap, &used, " ...");
	} else if (a->kind == AK_NOTE && !lab[0]) {
		pt_fmt_cat(buf, cap, &used, "(packet %llu)", (unsigned long long)a->pkt);
	} else {
		pt_fmt_cat(buf, cap, &used, "%s", lab);
	}
}

static void skip_text(const pt_ladder *l, const lad_sess *s, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = 0;
	pt_fmt_cat(buf, cap, &used, "... %llu messages", (unsigned long long)s->skip_arrows);
	if (s->skip_data)
		pt_fmt_cat(buf, cap, &used, ", %llu data frames", (unsigned long long)s->skip_data);
	if (s->skip_find)
		pt_fmt_cat(buf, cap, &used, " and %llu findings", (unsigned long long)s->skip_find);
	pt_fmt_cat(buf, cap, &used, " not drawn (the picture keeps %zu arrows per session) ...", l->head_max + l->tail_max);
}

static int worst_sev(const lad_arrow *a)
{
	int w = -1;
	for (int i = 0; i < a->nf; i++) {
		const pt_rule *r = pt_rule_get(a->f[i].rule);
		if (r && (int)r->sev > w)
			w = (int)r->sev;
	}
	return w; /* -1 none; PT_SEV_ERROR is the highest */
}

static void find_text(const lad_find *f, char *buf, size_t cap)
{
	const pt_rule *r = pt_rule_get(f->rule);
	char m[LAD_FMSG];
	clean(f->msg, m, sizeof m);
	snprintf(buf, cap, "!! %s %s: %s", r ? pt_sev_name(r->sev) : "?", r ? r->id : "?", m);
}

static void sess_head(const lad_sess *s, size_t i, char *buf, size_t cap)
{
	char e0[80], e1[80], h0[80], h1[80];
	size_t used = 0;

	clean(s->end[0], e0, sizeof e0);
	clean(s->end[1], e1, sizeof e1);
	clean(s->host[0], h0, sizeof h0);
	clean(s->host[1], h1, sizeof h1);
	buf[0] = 0;
	if (s->conn)
		pt_fmt_cat(buf, cap, &used, "session %zu (control connection %u)", i + 1, s->conn);
	else
		pt_fmt_cat(buf, cap, &used, "session %zu (GRE of call %d without its control connection)", i + 1, s->call + 1);
	pt_fmt_cat(buf, cap, &used, ": PNS %s%s%s <-> PAC %s%s%s", e0[0] ? e0 : "?", h0[0] ? " " : "", h0,
		   e1[0] ? e1 : "?", h1[0] ? " " : "", h1);
}

/* visit the drawn rows of a session in order; the skip row is a == NULL */
typedef void (*row_fn)(void *ctx, const lad_sess *s, const lad_arrow *a);

static void each_row(const pt_ladder *l, const lad_sess *s, row_fn fn, void *ctx)
{
	for (size_t i = 0; i < s->nhead; i++)
		fn(ctx, s, &s->head[i]);
	if (s->skip_arrows || s->skip_data)
		fn(ctx, s, NULL);
	for (size_t i = 0; i < s->nring; i++)
		fn(ctx, s, &s->ring[(s->rpos + i) % l->tail_max]);
}

/* ---- text ---- */

typedef struct tctx {
	const pt_ladder *l;
	wr *w;
	size_t lane;               /* characters between the two lifelines */
	size_t maxlab;
} tctx;

static void t_measure(void *ctx, const lad_sess *s, const lad_arrow *a)
{
	tctx *t = ctx;
	char b[300];
	if (!a)
		return; /* the row of what was left out may run past the lane */
	arrow_text(s, a, b, sizeof b);
	if (strlen(b) > t->maxlab)
		t->maxlab = strlen(b);
}

static void t_pad(wr *w, char c, size_t n)
{
	char b[256];
	while (n) {
		size_t k = n < sizeof b ? n : sizeof b;
		memset(b, c, k);
		w->out(w->u, b, k);
		n -= k;
	}
}

static void t_row(void *ctx, const lad_sess *s, const lad_arrow *a)
{
	tctx *t = ctx;
	wr *w = t->w;
	char lab[300], fl[300];
	size_t n, room = t->lane - 6;

	if (a)
		arrow_text(s, a, lab, sizeof lab);
	else
		skip_text(t->l, s, lab, sizeof lab);
	if (!a || a->kind == AK_RUN || a->kind == AK_NOTE || a->dir == PT_DIR_UNKNOWN) {
		/* a row across the lane: runs, notes, what was left out */
		if (a)
			wf(w, "%+11.6f %8s ", (double)(a->ts - s->t0) / 1e6, "");
		else
			wf(w, "%11s %8s ", "", "");
		if (!a && strlen(lab) > t->lane - 2) {
			wf(w, "|  %s\n", lab);
			return;
		}
		if (strlen(lab) > t->lane - 2)
			lab[t->lane - 2] = 0;
		n = strlen(lab);
		wf(w, "|");
		t_pad(w, ' ', (t->lane - n) / 2);
		wf(w, "%s", lab);
		t_pad(w, ' ', t->lane - n - (t->lane - n) / 2);
		wf(w, "|");
	} else {
		char pk[24];
		snprintf(pk, sizeof pk, "#%llu", (unsigned long long)a->pkt);
		wf(w, "%+11.6f %8s ", (double)(a->ts - s->t0) / 1e6, pk);
		if (strlen(lab) > room) {
			lab[room - 3] = lab[room - 2] = lab[room - 1] = '.';
			lab[room] = 0;
		}
		n = strlen(lab);
		if (a->dir == PT_DIR_PNS) {
			wf(w, "|-- %s ", lab);
			t_pad(w, '-', t->lane - n - 5);
			wf(w, ">|");
		} else {
			wf(w, "|<");
			t_pad(w, '-', t->lane - n - 5);
			wf(w, " %s --|", lab);
		}
	}
	if (a && a->nf) {
		for (int i = 0; i < a->nf; i++) {
			find_text(&a->f[i], fl, sizeof fl);
			if (i) {
				wf(w, "%11s %8s |", "", "");
				t_pad(w, ' ', t->lane);
				wf(w, "|");
			}
			wf(w, "  %s\n", fl);
		}
		if (a->fmore) {
			wf(w, "%11s %8s |", "", "");
			t_pad(w, ' ', t->lane);
			wf(w, "|  !! ... and %u more findings on this message\n", a->fmore);
		}
	} else {
		wf(w, "\n");
	}
}

void pt_ladder_text(const pt_ladder *l, pt_ladder_out out, void *user)
{
	wr w = { out, user };

	if (!l || !out)
		return;
	if (l->title[0]) {
		char b[512];
		clean(l->title, b, sizeof b);
		wf(&w, "%s\n\n", b);
	}
	if (!l->ns)
		wf(&w, "no PPTP session to draw\n");
	for (size_t i = 0; i < l->ns; i++) {
		const lad_sess *s = &l->s[i];
		tctx t = { l, &w, 0, 0 };
		char head[400], e[80];
		size_t n;

		each_row(l, s, t_measure, &t);
		t.lane = t.maxlab + 8;
		if (t.lane < 44)
			t.lane = 44;
		if (t.lane > 100)
			t.lane = 100;
		sess_head(s, i, head, sizeof head);
		wf(&w, "%s%s\n", i ? "\n" : "", head);
		wf(&w, "findings: %u error, %u warning, %u info; time from packet %llu\n", s->nfind[PT_SEV_ERROR],
		   s->nfind[PT_SEV_WARNING], s->nfind[PT_SEV_INFO], (unsigned long long)s->pkt0);
		wf(&w, "%11s %8s ", "time", "packet");
		clean(s->end[0], e, sizeof e);
		snprintf(head, sizeof head, "PNS %s", e[0] ? e : "");
		n = strlen(head);
		wf(&w, "%s", head);
		clean(s->end[1], e, sizeof e);
		snprintf(head, sizeof head, "PAC %s", e[0] ? e : "");
		t_pad(&w, ' ', n < t.lane + 1 ? t.lane + 1 - n : 1);
		wf(&w, "%s\n", head);
		each_row(l, s, t_row, &t);
	}
	if (l->sess_dropped)
		wf(&w, "\n%llu more sessions not drawn (the picture keeps %zu)\n", (unsigned long long)l->sess_dropped,
		   l->max_sess);
	if (l->other_n[0] + l->other_n[1] + l->other_n[2]) {
		char fl[300];
		wf(&w, "\noutside any session: %u error, %u warning, %u info\n", l->other_n[PT_SEV_ERROR],
		   l->other_n[PT_SEV_WARNING], l->other_n[PT_SEV_INFO]);
		for (size_t i = 0; i < l->nother; i++) {
			find_text(&l->other[i], fl, sizeof fl);
			wf(&w, "  %s\n", fl);
		}
	}
}

/* ---- SVG ---- */

#define SV_FS 13        /* arrow labels */
#define SV_CW 7.9       /* DejaVu Sans Mono advance at 13 px (0.602 em), rounded up */
#define SV_FS2 12       /* times, findings */
#define SV_CW2 7.3
#define SV_ROW 26
#define SV_FLINE 16

static const char *sev_colour(int sev)
{
	switch (sev) {
	case PT_SEV_ERROR: return "#c62828";
	case PT_SEV_WARNING: return "#e65100";
	case PT_SEV_INFO: return "#1565c0";
	default: return "#37474f";
	}
}

typedef struct sctx {
	const pt_ladder *l;
	wr *w;
	size_t maxlab, maxfind;
	double y;                  /* running */
	double x0, x1;             /* lifelines */
	double fx;                 /* findings column */
	double width;              /* the picture's */
	int draw;
} sctx;

static double row_h(const lad_arrow *a)
{
	int lines = a ? a->nf + (a->fmore ? 1 : 0) : 0;
	double h = SV_ROW;
	if (lines > 1)
		h += (lines - 1) * SV_FLINE;
	return h;
}

static void s_row(void *ctx, const lad_sess *s, const lad_arrow *a)
{
	sctx *c = ctx;
	wr *w = c->w;
	char lab[300], fl[300];
	double y = c->y, ymid = y + 17;
	int sev = a ? worst_sev(a) : -1;

	if (a)
		arrow_text(s, a, lab, sizeof lab);
	else
		skip_text(c->l, s, lab, sizeof lab);
	if (!c->draw) {
		if (a && strlen(lab) > c->maxlab)
			c->maxlab = strlen(lab);
		for (int i = 0; a && i < a->nf; i++) {
			find_text(&a->f[i], fl, sizeof fl);
			if (strlen(fl) > c->maxfind)
				c->maxfind = strlen(fl);
		}
		c->y += row_h(a);
		return;
	}
	{
		size_t room = (size_t)((c->x1 - c->x0 - 24) / SV_CW);
		if (a && strlen(lab) > room && room > 3) {
			lab[room - 3] = lab[room - 2] = lab[room - 1] = '.';
			lab[room] = 0;
		}
	}
	if (a)
		wf(w, "<text x=\"8\" y=\"%.1f\" font-size=\"%d\" fill=\"#546e7a\">%+.6f</text>\n", ymid + 4, SV_FS2,
		   (double)(a->ts - s->t0) / 1e6);
	if (a && a->kind != AK_RUN) {
		wf(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"#90a4ae\" text-anchor=\"end\">#%llu</text>\n",
		   c->x0 - 10, ymid + 4, SV_FS2, (unsigned long long)a->pkt);
	}
	if (!a || a->kind == AK_RUN || a->kind == AK_NOTE || a->dir == PT_DIR_UNKNOWN) {
		const char *fill = !a ? "#fff3e0" : a->kind == AK_RUN ? "#e8f5e9" : "#f5f5f5";
		/* what was left out: a band across the whole picture (its sentence is wider than the lane) */
		double rx = a ? c->x0 + 6 : 4, rw = a ? c->x1 - c->x0 - 12 : c->width - 8;
		wf(w, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" rx=\"4\" fill=\"%s\" stroke=\"#b0bec5\"/>\n",
		   rx, ymid - 12, rw, fill);
		wf(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\" fill=\"%s\" font-style=\"italic\">",
		   (c->x0 + c->x1) / 2, ymid + 3, SV_FS, sev >= 0 ? sev_colour(sev) : "#37474f");
		wx(w, lab);
		wf(w, "</text>\n");
	} else {
		const char *col = sev >= 0 ? sev_colour(sev) : a->kind == AK_DATA ? "#2e7d32" : a->kind == AK_END ? "#6a1b9a"
												       : "#37474f";
		int m = sev == PT_SEV_ERROR ? 0 : sev == PT_SEV_WARNING ? 1 : sev == PT_SEV_INFO ? 2 : a->kind == AK_DATA ? 3 : a->kind == AK_END ? 4 : 5;
		double xa = a->dir == PT_DIR_PNS ? c->x0 : c->x1, xb = a->dir == PT_DIR_PNS ? c->x1 - 2 : c->x0 + 2;
		wf(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s "
		      "marker-end=\"url(#m%d)\"/>\n",
		   xa, ymid + 6, xb, ymid + 6, col, sev >= 0 ? "2.2" : "1.5", a->kind == AK_DATA ? " stroke-dasharray=\"6 3\"" : "", m);
		wf(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\" fill=\"%s\">", (c->x0 + c->x1) / 2,
		   ymid + 1, SV_FS, col);
		wx(w, lab);
		wf(w, "</text>\n");
	}
	for (int i = 0; a && i < a->nf + (a->fmore ? 1 : 0); i++) {
		const pt_rule *r = i < a->nf ? pt_rule_get(a->f[i].rule) : NULL;
		if (i < a->nf)
			find_text(&a->f[i], fl, sizeof fl);
		else
			snprintf(fl, sizeof fl, "!! ... and %u more findings on this message", a->fmore);
		wf(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\"%s>", c->fx, ymid + 4 + i * SV_FLINE, SV_FS2,
		   r ? sev_colour((int)r->sev) : "#37474f", r && r->sev == PT_SEV_ERROR ? " font-weight=\"bold\"" : "");
		wx(w, fl);
		wf(w, "</text>\n");
	}
	c->y += row_h(a);
}

static void s_box(wr *w, double x, double y, const char *role, const char *addr, const char *host)
{
	char a[80], h[80];
	size_t n = strlen(role);
	double bw;

	clean(addr, a, sizeof a);
	clean(host, h, sizeof h);
	if (strlen(a) > n)
		n = strlen(a);
	if (strlen(h) > n)
		n = strlen(h);
	bw = (double)n * SV_CW + 20;
	wf(w, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"52\" rx=\"6\" fill=\"#eceff1\" stroke=\"#455a64\"/>\n",
	   x - bw / 2, y, bw);
	wf(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\" text-anchor=\"middle\">%s</text>\n", x,
	   y + 16, role);
	wf(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\">", x, y + 31, SV_FS2);
	wx(w, a[0] ? a : "?");
	wf(w, "</text>\n");
	if (h[0]) {
		wf(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\" fill=\"#546e7a\">", x, y + 46, SV_FS2);
		wx(w, h);
		wf(w, "</text>\n");
	}
}

void pt_ladder_svg(const pt_ladder *l, pt_ladder_out out, void *user)
{
	wr w = { out, user };
	sctx c;
	double height = 20, width, lane, fw, top, box[2] = { 0, 0 }, headw = 0;
	size_t maxlab = 0, maxfind = 0;
	char b[600];

	if (!l || !out)
		return;
	/* measure: widths from the longest label, finding, box and heading; height from every row */
	memset(&c, 0, sizeof c);
	c.l = l;
	c.w = &w;
	if (l->title[0]) {
		height += 28;
		headw = (double)strlen(l->title) * 9.1 + 16; /* 15 px bold */
	}
	for (size_t i = 0; i < l->ns; i++) {
		const lad_sess *s = &l->s[i];
		c.y = 0;
		each_row(l, s, s_row, &c);
		height += 30 + 64 + c.y + 24;
		for (int k = 0; k < 2; k++) {
			/* a lifeline's box: its widest line, as s_box draws it */
			size_t n = strlen(s->end[k]) > strlen(s->host[k]) ? strlen(s->end[k]) : strlen(s->host[k]);
			if ((double)n * SV_CW + 20 > box[k])
				box[k] = (double)n * SV_CW + 20;
		}
		sess_head(s, i, b, sizeof b);
		if ((double)strlen(b) * 8.5 + 16 > headw) /* 14 px bold */
			headw = (double)strlen(b) * 8.5 + 16;
	}
	for (size_t i = 0; i < l->nother; i++) {
		find_text(&l->other[i], b, sizeof b);
		if ((double)strlen(b) * SV_CW2 + 40 > headw)
			headw = (double)strlen(b) * SV_CW2 + 40;
	}
	if (l->sess_dropped || l->other_n[0] + l->other_n[1] + l->other_n[2])
		height += 24 + 18 * (double)l->nother;
	if (!l->ns)
		height += 30;
	maxlab = c.maxlab;
	maxfind = c.maxfind;
	lane = (double)maxlab * SV_CW + 48;
	if (lane < 360)
		lane = 360;
	if (lane < box[0] / 2 + box[1] / 2 + 24)
		lane = box[0] / 2 + box[1] / 2 + 24;
	if (lane > 1100)
		lane = 1100;
	fw = maxfind ? (double)maxfind * SV_CW2 + 24 : 0;
	if (fw > 1200)
		fw = 1200;
	/* the time and frame columns left of the PNS, its box never past the left edge */
	c.x0 = 190;
	if (c.x0 < box[0] / 2 + 8)
		c.x0 = box[0] / 2 + 8;
	c.x1 = c.x0 + lane;
	c.fx = c.x1 + (box[1] / 2 + 16 > 28 ? box[1] / 2 + 16 : 28);
	width = c.fx + fw;
	if (width < c.x1 + box[1] / 2 + 16)
		width = c.x1 + box[1] / 2 + 16;
	if (width < headw)
		width = headw;
	c.width = width;

	wf(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	wf(&w, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" height=\"%.0f\" "
	       "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans Mono, monospace\">\n",
	   width, height, width, height);
	wf(&w, "<title>PPTP message sequence</title>\n<defs>\n");
	{
		static const char *const mc[] = { "#c62828", "#e65100", "#1565c0", "#2e7d32", "#6a1b9a", "#37474f" };
		for (int i = 0; i < 6; i++)
			wf(&w, "<marker id=\"m%d\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"11\" markerHeight=\"11\" "
			       "markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n",
			   i, mc[i]);
	}
	wf(&w, "</defs>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, height);
	top = 20;
	if (l->title[0]) {
		wf(&w, "<text x=\"8\" y=\"%.1f\" font-size=\"15\" font-weight=\"bold\" fill=\"#b71c1c\">", top + 8);
		wx(&w, l->title);
		wf(&w, "</text>\n");
		top += 28;
	}
	if (!l->ns) {
		wf(&w, "<text x=\"8\" y=\"%.1f\" font-size=\"14\">no PPTP session to draw</text>\n", top + 14);
		top += 30;
	}
	c.draw = 1;
	for (size_t i = 0; i < l->ns; i++) {
		const lad_sess *s = &l->s[i];
		double y0;

		sess_head(s, i, b, sizeof b);
		wf(&w, "<text x=\"8\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">", top + 12);
		wx(&w, b);
		wf(&w, "</text>\n");
		snprintf(b, sizeof b, "findings: %u error, %u warning, %u info; time in seconds from packet %llu",
			 s->nfind[PT_SEV_ERROR], s->nfind[PT_SEV_WARNING], s->nfind[PT_SEV_INFO], (unsigned long long)s->pkt0);
		wf(&w, "<text x=\"8\" y=\"%.1f\" font-size=\"%d\" fill=\"#546e7a\">", top + 27, SV_FS2);
		wx(&w, b);
		wf(&w, "</text>\n");
		top += 30;
		s_box(&w, c.x0, top, "PNS", s->end[0], s->host[0]);
		s_box(&w, c.x1, top, "PAC", s->end[1], s->host[1]);
		y0 = top + 52;
		c.y = top + 64;
		{
			/* the rows' height first, for the lifelines under them */
			sctx m = c;
			m.draw = 0;
			each_row(l, s, s_row, &m);
			wf(&w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#90a4ae\" stroke-width=\"2\" "
			       "stroke-dasharray=\"4 4\"/>\n",
			   c.x0, y0, c.x0, m.y + 8);
			wf(&w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#90a4ae\" stroke-width=\"2\" "
			       "stroke-dasharray=\"4 4\"/>\n",
			   c.x1, y0, c.x1, m.y + 8);
		}
		each_row(l, s, s_row, &c);
		top = c.y + 24;
	}
	if (l->sess_dropped || l->other_n[0] + l->other_n[1] + l->other_n[2]) {
		if (l->sess_dropped)
			snprintf(b, sizeof b, "%llu more sessions not drawn (the picture keeps %zu); ",
				 (unsigned long long)l->sess_dropped, l->max_sess);
		else
			b[0] = 0;
		snprintf(b + strlen(b), sizeof b - strlen(b), "outside any session: %u error, %u warning, %u info",
			 l->other_n[PT_SEV_ERROR], l->other_n[PT_SEV_WARNING], l->other_n[PT_SEV_INFO]);
		wf(&w, "<text x=\"8\" y=\"%.1f\" font-size=\"%d\">", top + 12, SV_FS2);
		wx(&w, b);
		wf(&w, "</text>\n");
		top += 24;
		for (size_t i = 0; i < l->nother; i++) {
			const pt_rule *r = pt_rule_get(l->other[i].rule);
			find_text(&l->other[i], b, sizeof b);
			wf(&w, "<text x=\"24\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\">", top + 8, SV_FS2,
			   r ? sev_colour((int)r->sev) : "#37474f");
			wx(&w, b);
			wf(&w, "</text>\n");
			top += 18;
		}
	}
	wf(&w, "</svg>\n");
}
