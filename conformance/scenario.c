/* scenario.c: the scenario language (docs/scenarios.md): reading a file, checking every line before anything is sent, and running it step by step against the endpoint. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conform.h"
#include "fmt.h"
#include "mkcap.h"
#include "ppp.h"

/* ---- reading ---- */

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		fputs("pptp-conform: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

typedef struct run {
	const cf_scn *s;
	const cf_opts *o;
	cf_ep *e;            /* NULL while checking (dry run) */
	cf_result *r;
	double timeout;      /* the scenario's default wait */
	uint8_t pend[4096];  /* `send pack ...`: bytes waiting for the next message */
	char subst[16][12];  /* $call, $peer, $echo in a sent field, as numbers */
	size_t npend;
} run;

static int step(run *x, mk_line *l);

/* A failure: the step, what was expected, what came. */
static int fail(run *x, const mk_line *l, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(run *x, const mk_line *l, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	x->r->verdict = CF_FAIL;
	x->r->fail_line = l->lineno;
	n = (size_t)snprintf(x->r->why, sizeof x->r->why, "line %d: ", l->lineno);
	va_start(ap, fmt);
	vsnprintf(x->r->why + n, sizeof x->r->why - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int skip(run *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int skip(run *x, const char *fmt, ...)
{
	va_list ap;

	x->r->verdict = CF_SKIP;
	va_start(ap, fmt);
	vsnprintf(x->r->why, sizeof x->r->why, fmt, ap);
	va_end(ap);
	return -1;
}

static double kv_secs(mk_line *l, const char *key, double dflt, double cap)
{
	mk_tok *t = mk_kv(l, key);
	char *end;
	double v;

	if (!t)
		return dflt;
	v = strtod(t->val, &end);
	if (*end || v < 0 || v > 3600)
		mk_die(l, t->vcol, "%s: seconds, 0 to 3600", key);
	/* --timeout caps every wait */
	return cap > 0 && v > cap ? cap : v;
}

static double pos_secs(mk_line *l, const char *what)
{
	mk_tok *t = mk_need(l, what);
	char *end;
	double v = strtod(t->val, &end);

	if (*end || v < 0 || v > 3600)
		mk_die(l, t->col, "%s: seconds, 0 to 3600", what);
	return v;
}

static double capped(const run *x, double v)
{
	return x->o->timeout > 0 && v > x->o->timeout ? x->o->timeout : v;
}

static int64_t deadline_of(double secs)
{
	return cf_now_us() + (int64_t)(secs * 1e6);
}

static mk_line *tokenize(const cf_scn *s, const cf_step *st, char *buf, size_t cap, mk_line *l)
{
	snprintf(buf, cap, "%s", st->text);
	memset(l, 0, sizeof *l);
	l->file = s->file;
	l->lineno = st->line;
	mk_tokenize(l, buf);
	return l;
}

/* An error of the file as a whole, or of a line before it is tokenized: FILE:LINE:1, through mkcap's mk_die. */
static void file_die(const char *path, int lineno, const char *msg, size_t n) __attribute__((noreturn));
static void file_die(const char *path, int lineno, const char *msg, size_t n)
{
	mk_line l;

	memset(&l, 0, sizeof l);
	l.file = path;
	l.lineno = lineno;
	mk_die(&l, 1, msg, n);
}

cf_scn *cf_scn_load(const char *path)
{
	FILE *f = fopen(path, "r");
	cf_scn *s;

	if (!f) {
		fprintf(stderr, "pptp-conform: %s: cannot open: %m\n", path);
		exit(2);
	}
	s = cf_scn_read(f, path, NULL);
	fclose(f);
	return s;
}

cf_scn *cf_scn_read(FILE *f, const char *path, cf_scn **held)
{
	cf_scn *s;
	char line[4096], copy[4096];
	int lineno = 0;

	s = calloc(1, sizeof *s);
	if (!s)
		exit(2);
	if (held)
		*held = s;
	s->file = xstrdup(path);
	s->role = CF_PNS;
	{
		/* the id defaults to the file name without directory and .pptp */
		const char *b = strrchr(path, '/');
		b = b ? b + 1 : path;
		snprintf(s->id, sizeof s->id, "%.*s", (int)strcspn(b, "."), b);
	}
	while (fgets(line, sizeof line, f)) {
		mk_line l;
		mk_tok *t;
		size_t n = strlen(line);

		lineno++;
		if (n && line[n - 1] != '\n' && !feof(f))
			file_die(path, lineno, "line too long (at most %zu characters)", sizeof line - 2);
		line[strcspn(line, "\r\n")] = 0;
		snprintf(copy, sizeof copy, "%s", line);
		memset(&l, 0, sizeof l);
		l.file = s->file;
		l.lineno = lineno;
		if (mk_tokenize(&l, line) < 0 || l.ntok == 0)
			continue;
		t = mk_peek(&l);
		if (!t) {
			mk_die(&l, l.tok[0].col, "a line starts with a word");
		}
		if (!strcmp(t->val, "scenario") || !strcmp(t->val, "title") || !strcmp(t->val, "rfc") ||
		    !strcmp(t->val, "role") || !strcmp(t->val, "requires") || !strcmp(t->val, "allow")) {
			const char *what = t->val;
			mk_next(&l);
			mk_tok *v = mk_need(&l, "a value");
			if (!strcmp(what, "scenario"))
				snprintf(s->id, sizeof s->id, "%s", v->val);
			else if (!strcmp(what, "title"))
				snprintf(s->title, sizeof s->title, "%s", v->val);
			else if (!strcmp(what, "rfc"))
				snprintf(s->rfc, sizeof s->rfc, "%s", v->val);
			else if (!strcmp(what, "requires"))
				snprintf(s->requires, sizeof s->requires, "%s", v->val);
			else if (!strcmp(what, "allow")) {
				if (s->nallow >= 32)
					mk_die(&l, v->col, "at most 32 allow lines");
				if (!strchr(v->val, '*') && pt_rule_lookup(v->val) < 0)
					mk_die(&l, v->col, "no rule '%s' in the catalog (pptp-analyze --list-rules)", v->val);
				s->allow[s->nallow++] = xstrdup(v->val);
			} else if (!strcmp(v->val, "client") || !strcmp(v->val, "pns"))
				s->role = CF_PNS;
			else if (!strcmp(v->val, "server") || !strcmp(v->val, "pac"))
				s->role = CF_PAC;
			else
				mk_die(&l, v->col, "role is client or server");
			mk_done(&l);
			continue;
		}
		if (s->nstep >= CF_MAXSTEP)
			mk_die(&l, 1, "at most %d steps", CF_MAXSTEP);
		s->step[s->nstep].line = lineno;
		s->step[s->nstep].text = xstrdup(copy);
		s->nstep++;
	}
	if (!s->title[0])
		file_die(path, 1, "missing `title \"...\"`%.0zu", 0);
	if (!s->rfc[0])
		file_die(path, 1, "missing `rfc \"RFC nnnn s.s\"` (the section the scenario verifies)%.0zu", 0);
	/* every step is checked now, before anything is sent: errors are FILE:LINE:COL */
	{
		run x;
		cf_result r;
		cf_opts o;
		memset(&x, 0, sizeof x);
		memset(&r, 0, sizeof r);
		memset(&o, 0, sizeof o);
		x.s = s;
		x.o = &o;
		x.r = &r;
		x.timeout = 5;
		for (int i = 0; i < s->nstep; i++) {
			char buf[4096];
			mk_line l;
			step(&x, tokenize(s, &s->step[i], buf, sizeof buf, &l));
		}
	}
	return s;
}

void cf_scn_free(cf_scn *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nstep; i++)
		free(s->step[i].text);
	for (int i = 0; i < s->nallow; i++)
		free(s->allow[i]);
	free(s->file);
	free(s);
}

/* ---- matching a received control message ---- */

/* pattern: *, N, !N, N..M, A|B|C, or a glob for strings */
static int match_num(const char *pat, uint32_t v)
{
	char buf[160], *save = NULL;

	if (!strcmp(pat, "*"))
		return 1;
	if (pat[0] == '!')
		return !match_num(pat + 1, v);
	snprintf(buf, sizeof buf, "%s", pat);
	for (char *alt = strtok_r(buf, "|", &save); alt; alt = strtok_r(NULL, "|", &save)) {
		char *dots = strstr(alt, "..");
		if (dots) {
			*dots = 0;
			if (v >= strtoul(alt, NULL, 0) && v <= strtoul(dots + 2, NULL, 0))
				return 1;
		} else if (strtoul(alt, NULL, 0) == v) {
			return 1;
		}
	}
	return 0;
}

static int valid_num_pattern(const char *pat)
{
	char buf[160], *save = NULL;
	int n = 0;

	if (!strcmp(pat, "*"))
		return 1;
	if (pat[0] == '!')
		pat++;
	snprintf(buf, sizeof buf, "%s", pat);
	for (char *alt = strtok_r(buf, "|", &save); alt; alt = strtok_r(NULL, "|", &save), n++) {
		char *dots = strstr(alt, ".."), *end;
		if (dots)
			*dots = 0;
		(void)strtoul(alt, &end, 0);
		if (end == alt || *end)
			return 0;
		if (dots) {
			(void)strtoul(dots + 2, &end, 0);
			if (end == dots + 2 || *end)
				return 0;
		}
	}
	return n > 0;
}

static const pt_ctrl_field *field_by_key(uint16_t type, const char *key)
{
	const pt_ctrl_desc *d = pt_ctrl_desc_get(type);
	size_t nh;
	const pt_ctrl_field *hf = pt_ctrl_hdr_fields(&nh);

	for (size_t i = 0; i < nh; i++)
		if (hf[i].key && !strcmp(hf[i].key, key))
			return &hf[i];
	for (size_t i = 0; d && i < d->nfields; i++)
		if (d->fields[i].key && !strcmp(d->fields[i].key, key))
			return &d->fields[i];
	return NULL;
}

/* Check the matchers of the line against m; on mismatch write "field X: expected P vs actual V". */
static int ctrl_matches(const run *x, mk_line *l, uint16_t type, const pt_ctrl_msg *m, int dry, char *why, size_t cap)
{
	for (int i = 0; i < l->ntok; i++) {
		mk_tok *t = &l->tok[i];
		const pt_ctrl_field *f;
		if (!t->key || t->used || !strcmp(t->key, "within"))
			continue;
		f = field_by_key(type, t->key);
		if (!f)
			mk_die(l, t->col, "%s has no field '%s'", pt_ctrl_abbrev(type), t->key);
		t->used = 1;
		if (f->kind == PT_FK_STR) {
			if (dry)
				continue;
			const uint8_t *b = (const uint8_t *)m + f->moff;
			char s[160];
			size_t n = b[0];
			if (n > f->len)
				n = f->len;
			memcpy(s, b + 1, n);
			s[n] = 0;
			if (fnmatch(t->val, s, 0) != 0) {
				snprintf(why, cap, "field %s: expected \"%s\" vs actual \"%s\"", t->key, t->val, s);
				return 0;
			}
			continue;
		}
		if (t->val[0] == '$') {
			/* $call: our Call ID, $peer: the target's, $echo: our last Echo Identifier */
			uint32_t want;
			if (strcmp(t->val, "$call") && strcmp(t->val, "$peer") && strcmp(t->val, "$echo"))
				mk_die(l, t->vcol, "%s: $call, $peer or $echo", t->key);
			if (dry)
				continue;
			want = !strcmp(t->val, "$call") ? x->e->our_call_id : !strcmp(t->val, "$peer") ? x->e->peer_call_id : x->e->echo_id;
			if (pt_ctrl_field_get(m, f) != want) {
				snprintf(why, cap, "field %s: expected %s (%u) vs actual %u", t->key, t->val, want, pt_ctrl_field_get(m, f));
				return 0;
			}
			continue;
		}
		if (!valid_num_pattern(t->val))
			mk_die(l, t->vcol, "%s: a number, N..M, A|B, !N or *", t->key);
		if (dry)
			continue;
		uint32_t v = pt_ctrl_field_get(m, f);
		if (!match_num(t->val, v)) {
			snprintf(why, cap, "field %s: expected %s vs actual %u (0x%x)", t->key, t->val, v, v);
			return 0;
		}
	}
	return 1;
}

static int expect_ctrl(run *x, mk_line *l, uint16_t type)
{
	/* maybe: if the next message is of another type, or none comes, the step passes and takes nothing */
	int maybe = mk_flag(l, "maybe");
	double w = kv_secs(l, "within", maybe ? 1 : x->timeout, x->o->timeout);
	char why[400];
	int64_t dl;

	if (!x->e) {
		(void)ctrl_matches(x, l, type, NULL, 1, why, sizeof why);
		mk_done(l);
		return 0;
	}
	w = capped(x, w);
	dl = deadline_of(w);
	for (;;) {
		cf_ctrl_rx *q = cf_ep_ctrl_peek(x->e);
		if (q) {
			if (q->rc != PT_OK && q->rc != PT_EUNSUP) {
				char line[CF_LINE];
				snprintf(line, sizeof line, "%s", q->line);
				cf_ep_ctrl_pop(x->e);
				return fail(x, l, "expected %s vs actual a malformed message (%s): %s", pt_ctrl_abbrev(type),
					    pt_strerror(q->rc), line);
			}
			/* the Echo the endpoint answers by itself is not the scenario's business */
			if ((q->m.type == PT_CTRL_ECHORQ && x->e->k.auto_echo && type != PT_CTRL_ECHORQ) ||
			    (q->m.type == PT_CTRL_ECHORP && type != PT_CTRL_ECHORP && !maybe)) {
				/* (an unanswered or unsolicited Echo-Reply is the checker's: pptp.fsm.echo_unmatched); a `maybe`
				   step takes nothing, so an Echo-Reply after it is still there for the next step */
				cf_ep_ctrl_pop(x->e);
				continue;
			}
			if (q->m.type != type && maybe)
				return 0;
			if (q->m.type != type) {
				char line[CF_LINE];
				snprintf(line, sizeof line, "%s", q->line);
				cf_ep_ctrl_pop(x->e);
				return fail(x, l, "expected %s vs actual %s", pt_ctrl_abbrev(type), line);
			}
			for (int i = 0; i < l->ntok; i++)
				if (l->tok[i].key && strcmp(l->tok[i].key, "within"))
					l->tok[i].used = 0;
			if (!ctrl_matches(x, l, type, &q->m, 0, why, sizeof why)) {
				char line[CF_LINE];
				snprintf(line, sizeof line, "%s", q->line);
				cf_ep_ctrl_pop(x->e);
				return fail(x, l, "%s: %s; received: %s", pt_ctrl_abbrev(type), why, line);
			}
			cf_ep_ctrl_pop(x->e);
			return 0;
		}
		if (maybe && (x->e->tfd < 0 || cf_now_us() >= dl))
			return 0;
		if (x->e->tfd < 0)
			return fail(x, l, "expected %s vs actual: the connection was closed%s", pt_ctrl_abbrev(type),
				    x->e->close_rst ? " (RST)" : "");
		if (cf_now_us() >= dl)
			return fail(x, l, "expected %s within %.1f s vs actual: nothing", pt_ctrl_abbrev(type), w);
		(void)cf_ep_poll(x->e, dl);
	}
}

/* PPP expectation: the first received frame whose decode line matches the glob; frames before it are passed over. */
static int expect_ppp(run *x, mk_line *l, int negate)
{
	mk_tok *pat = mk_need(l, "a quoted pattern (glob over the decode line, e.g. \"LCP Configure-Ack*\")");
	double w = kv_secs(l, "within", negate ? 2 : x->timeout, x->o->timeout);
	int64_t dl;
	unsigned seen = 0;
	char last[CF_LINE] = "";

	mk_done(l);
	if (!x->e)
		return 0;
	w = capped(x, w);
	dl = deadline_of(w);
	for (;;) {
		cf_ppp_rx *q;
		while ((q = cf_ep_ppp_at(x->e, seen)) != NULL) {
			if (fnmatch(pat->val, q->line, 0) == 0) {
				if (negate) {
					char line[CF_LINE];
					snprintf(line, sizeof line, "%s", q->line);
					return fail(x, l, "expected no \"%s\" vs actual: %s", pat->val, line);
				}
				cf_ep_ppp_drop(x->e, seen + 1);
				return 0;
			}
			snprintf(last, sizeof last, "%s", q->line);
			seen++;
		}
		if (cf_now_us() >= dl)
			break;
		if (cf_ep_poll(x->e, dl) < 0 && x->e->gfd < 0)
			break;
	}
	if (negate)
		return 0;
	return fail(x, l, "expected PPP \"%s\" within %.1f s vs actual: %s%s", pat->val, w,
		    seen ? "other frames, the last " : "nothing", last);
}

/* ---- sending ---- */

static int parse_split(mk_line *l, size_t *split)
{
	int n = 0;

	if (!mk_accept(l, "split"))
		return 0;
	mk_tok *t = mk_need(l, "segment sizes (split 10,20)");
	char buf[160], *save = NULL;
	snprintf(buf, sizeof buf, "%s", t->val);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (*end || v == 0 || v > 4096 || n >= 32)
			mk_die(l, t->col, "split: up to 32 sizes from 1 to 4096");
		split[n++] = v;
	}
	return n;
}

/* $call (our Call ID), $peer (the target's), $echo (our last Echo Identifier) as the value of a sent field. */
static void subst_vars(run *x, mk_line *l)
{
	int n = 0;

	for (int i = 0; i < l->ntok; i++) {
		mk_tok *t = &l->tok[i];
		uint32_t v;
		if (!t->key || t->quoted || t->val[0] != '$')
			continue;
		if (!strcmp(t->val, "$call"))
			v = x->e ? x->e->our_call_id : 0;
		else if (!strcmp(t->val, "$peer"))
			v = x->e ? x->e->peer_call_id : 0;
		else if (!strcmp(t->val, "$echo"))
			v = x->e ? x->e->echo_id : 0;
		else
			mk_die(l, t->vcol, "%s: $call, $peer or $echo", t->key);
		if (n >= 16)
			mk_die(l, t->vcol, "at most 16 variables on a line");
		snprintf(x->subst[n], sizeof x->subst[n], "%u", v);
		t->val = x->subst[n];
		t->vlen = strlen(t->val);
		n++;
	}
}

static int send_ctrl(run *x, mk_line *l)
{
	size_t split[32];
	int nsplit, pack;
	mk_tok *t;
	uint16_t type;
	uint8_t buf[4096];
	size_t n;
	pt_ctrl_msg m;

	nsplit = parse_split(l, split);
	pack = mk_accept(l, "pack");
	double gap = kv_secs(l, "gap", 0.002, 0);
	/* repeat=N: the same message N times (a flood), each write as it comes */
	uint32_t repeat = mk_kv_num(l, "repeat", 1, 100000);
	t = mk_need(l, "a message (SCCRQ, OCRQ, ...) or raw");
	if (!strcmp(t->val, "raw")) {
		if (mk_accept(l, "hex"))
			n = mk_hex(l, mk_need(l, "quoted hex string"), buf, sizeof buf);
		else {
			mk_tok *s = mk_need(l, "hex \"...\" or a quoted string");
			n = s->vlen < sizeof buf ? s->vlen : sizeof buf;
			memcpy(buf, s->val, n);
		}
		mk_done(l);
	} else {
		subst_vars(x, l);
		type = mk_ctrl_type(t->val);
		if (!type)
			mk_die(l, t->col, "unknown message '%s' (SCCRQ SCCRP StopCCRQ StopCCRP EchoRQ EchoRP OCRQ OCRP ICRQ ICRP ICCN CCRQ CDN WEN SLI, or raw)", t->val);
		if (x->e)
			cf_ep_ctrl_template(x->e, type, &m);
		else
			pt_ctrl_init(&m, type);
		n = mk_ctrl_build_from(l, &m, buf, sizeof buf);
		mk_done(l);
		if (x->e)
			cf_ep_ctrl_sent(x->e, &m);
	}
	if (!x->e)
		return 0;
	if (x->npend + n > sizeof x->pend)
		return fail(x, l, "too many packed messages");
	memcpy(x->pend + x->npend, buf, n);
	x->npend += n;
	if (pack)
		return 0;
	for (uint32_t r = 1; r < repeat; r++) {
		if (cf_ep_send_ctrl_bytes(x->e, x->pend, x->npend, split, nsplit, gap) < 0) {
			x->npend = 0;
			return x->e->k.send_fail_ok ? 0 : fail(x, l, "could not send: %s", x->e->err);
		}
	}
	if (cf_ep_send_ctrl_bytes(x->e, x->pend, x->npend, split, nsplit, gap) < 0) {
		x->npend = 0;
		return x->e->k.send_fail_ok ? 0 : fail(x, l, "could not send: %s", x->e->err);
	}
	x->npend = 0;
	return 0;
}

static int gre_send(run *x, mk_line *l)
{
	static mk m;        /* mkcap's builders want a context; only the call state is used */
	static mk_call k;
	cf_gre_ov ov;
	mk_tok *t;
	uint8_t info[CF_MAXPKT], frame[CF_MAXPKT + 8];
	size_t n = 0;
	uint16_t proto = 0;

	subst_vars(x, l);
	memset(&ov, 0, sizeof ov);
	if ((t = mk_kv(l, "gre_flags"))) {
		ov.has_flags = 1;
		ov.flags_ver = (uint16_t)mk_num(l, t, 0xffff);
	}
	if ((t = mk_kv(l, "gre_proto"))) {
		ov.has_proto = 1;
		ov.proto = (uint16_t)mk_num(l, t, 0xffff);
	}
	if ((t = mk_kv(l, "key_len"))) {
		ov.has_key_len = 1;
		ov.key_len = (uint16_t)mk_num(l, t, 0xffff);
	}
	if ((t = mk_kv(l, "call_id"))) {
		ov.has_call = 1;
		ov.call_id = (uint16_t)mk_num(l, t, 0xffff);
	}
	if ((t = mk_kv(l, "seq"))) {
		ov.has_seq = 1;
		ov.seq = mk_num(l, t, 0xffffffffu);
	}
	if ((t = mk_kv(l, "ack"))) {
		ov.has_ack = 1;
		ov.ack = mk_num(l, t, 0xffffffffu);
	}
	ov.no_seq = mk_flag(l, "noseq");
	ov.no_ack = mk_flag(l, "noack");
	uint32_t repeat = mk_kv_num(l, "repeat", 1, 100000);
	t = mk_need(l, "what to send: lcp/ccp/ipcp/ipv6cp/pap/chap/ppp ..., ackonly or raw");
	if (!strcmp(t->val, "ackonly")) {
		mk_done(l);
		if (!x->e)
			return 0;
		ov.no_seq = 1;
		if (!ov.has_ack) {
			ov.has_ack = 1;
			ov.ack = x->e->gtx.rx_seq;
		}
		return cf_ep_send_gre(x->e, &ov, NULL, 0) < 0 ? fail(x, l, "%s", x->e->err) : 0;
	}
	if (!strcmp(t->val, "raw")) {
		/* the PPP frame as bytes (address/control and protocol included) */
		(void)mk_accept(l, "hex"); /* `gre send raw hex "..."` as docs/scenarios.md writes it, or without the word */
		n = mk_hex(l, mk_need(l, "hex bytes"), frame, sizeof frame);
		mk_done(l);
		if (!x->e)
			return 0;
		return cf_ep_send_gre(x->e, &ov, frame, n) < 0 ? fail(x, l, "%s", x->e->err) : 0;
	}
	{
		char what[32];
		snprintf(what, sizeof what, "%s", t->val);
		mk_ppp_build(&m, l, &k, x->s->role == CF_PNS ? MK_PNS : MK_PAC, what, &proto, info, sizeof info, &n);
	}
	mk_done(l);
	if (!x->e)
		return 0;
	{
		pt_writer w = pt_wr(frame, sizeof frame);
		if (pt_ppp_build(proto, 0, 0, info, n, &w) != PT_OK)
			return fail(x, l, "frame too long");
		if (x->e->mppe_on && proto >= PT_MPPE_PROTO_MIN && proto <= PT_MPPE_PROTO_MAX)
			return cf_ep_send_ppp(x->e, proto, info, n) < 0 ? fail(x, l, "%s", x->e->err) : 0;
		for (uint32_t r = 0; r < repeat; r++)
			if (cf_ep_send_gre(x->e, &ov, frame, pt_wlen(&w)) < 0)
				return fail(x, l, "%s", x->e->err);
		return 0;
	}
}

/* ---- high-level steps on the endpoint ---- */

static int wait_until(run *x, int (*done)(const cf_ep *), double secs)
{
	int64_t dl = deadline_of(capped(x, secs));

	while (!done(x->e)) {
		if (cf_now_us() >= dl)
			return 0;
		if (cf_ep_poll(x->e, dl) < 0 && !done(x->e))
			return 0;
	}
	return 1;
}

static int lcp_open_done(const cf_ep *e) { return e->cp_was_open[PT_CPK_LCP]; }
static int auth_done(const cf_ep *e)
{
	return e->auth_method == PT_AUTHM_NONE ? lcp_open_done(e) : e->auth.status >= PT_AUTHS_SUCCESS;
}
static int lcp_dead(const cf_ep *e)
{
	int s = pt_cpeng_state(&e->cp[PT_CPK_LCP]);
	return s == PT_CPS_STOPPED || s == PT_CPS_CLOSED || s == PT_CPS_INITIAL;
}
static int all_up(const cf_ep *e)
{
	return pt_cpeng_is_open(&e->cp[PT_CPK_IPCP]) && (!e->pol.ccp.want_bits || e->mppe_on);
}
static int closed_done(const cf_ep *e) { return e->tfd < 0; }

static const char *cp_state(const cf_ep *e, int k)
{
	return pt_vs_name_or(pt_cpfsm_state_vs, (uint32_t)pt_cpeng_state(&e->cp[k]), "?");
}

static uint32_t mppe_bits_of(mk_line *l, mk_tok *t, int stateful)
{
	uint32_t b;

	if (!strcmp(t->val, "128"))
		b = PT_CCP_MPPE_S;
	else if (!strcmp(t->val, "56"))
		b = PT_CCP_MPPE_M;
	else if (!strcmp(t->val, "40"))
		b = PT_CCP_MPPE_L;
	else if (!strcmp(t->val, "none"))
		return 0;
	else if (!strcmp(t->val, "any"))
		b = PT_CCP_MPPE_S | PT_CCP_MPPE_M | PT_CCP_MPPE_L;
	else
		mk_die(l, t->vcol, "mppe: 128, 56, 40, any or none");
	return stateful ? b : b | PT_CCP_MPPE_H;
}

static int ppp_open(run *x, mk_line *l, int start_only)
{
	mk_tok *mt = mk_kv(l, "mppe");
	int stateful = mk_flag(l, "stateful");
	uint32_t bits = PT_CCP_MPPE_S | PT_CCP_MPPE_H;
	const char *phase = mk_accept(l, "lcp") ? "lcp" : mk_accept(l, "auth") ? "auth" : "all";
	double w = kv_secs(l, "within", 15, x->o->timeout);

	if (mt)
		bits = mppe_bits_of(l, mt, stateful);
	else if (stateful)
		bits = PT_CCP_MPPE_S;
	mk_done(l);
	if (!x->e)
		return 0;
	if (x->e->peer_call_id == 0 && !x->e->call_up && x->s->role == CF_PNS)
		return fail(x, l, "no call: `call open` first");
	if (mt || stateful)
		x->e->pol.ccp.want_bits = bits;
	else
		bits = x->e->pol.ccp.want_bits;
	if (bits && (mt || stateful)) {
		x->e->pol.ccp.accept_bits = (bits & PT_CCP_MPPE_KEYS) | (stateful ? 0 : PT_CCP_MPPE_H);
		/* RFC 3078 2: a peer that asks stateless (pppd always does first) gets a Nak without H */
		x->e->pol.ccp.nak_stateless = (uint8_t)stateful;
	}
	if (!x->e->k.ppp_auto)
		cf_ep_ppp_start(x->e);
	if (start_only)
		return 0;
	if (!wait_until(x, lcp_open_done, w))
		return fail(x, l, "expected LCP Opened within %.1f s vs actual LCP %s (%u Configure-Requests sent, %u received)",
			    capped(x, w), cp_state(x->e, PT_CPK_LCP), x->e->cp[PT_CPK_LCP].res.confreq_sent,
			    x->e->cp[PT_CPK_LCP].res.confreq_rcvd);
	if (!strcmp(phase, "lcp"))
		return 0;
	if (!wait_until(x, auth_done, w))
		return fail(x, l, "expected authentication (%s) to end within %.1f s vs actual: still %s",
			    pt_vs_name_or(pt_authm_vs, (uint32_t)x->e->auth_method, "?"), capped(x, w),
			    pt_vs_name_or(pt_authpeer_status_vs, x->e->auth.status, "?"));
	if (x->e->auth_method != PT_AUTHM_NONE && x->e->auth.status != PT_AUTHS_SUCCESS)
		return fail(x, l, "expected authentication (%s) to succeed vs actual %s (E=%u)",
			    pt_vs_name_or(pt_authm_vs, (uint32_t)x->e->auth_method, "?"),
			    pt_vs_name_or(pt_authpeer_status_vs, x->e->auth.status, "?"), x->e->auth.error);
	if (!strcmp(phase, "auth"))
		return 0;
	if (!wait_until(x, all_up, w)) {
		const pt_cpeng_result *cr = pt_cpeng_result_get(&x->e->cp[PT_CPK_CCP]);
		if (bits && cr->mppe_rejected)
			return fail(x, l, "expected CCP with MPPE 0x%08x vs actual: the peer rejected MPPE", bits);
		return fail(x, l, "expected CCP%s and IPCP Opened within %.1f s vs actual CCP %s, IPCP %s, MPPE %s", bits ? " (MPPE)" : "",
			    capped(x, w), cp_state(x->e, PT_CPK_CCP), cp_state(x->e, PT_CPK_IPCP), x->e->mppe_on ? "on" : "off");
	}
	/* the peer configures its interface when its IPCP comes up: give it a moment before data */
	{
		int64_t dl = deadline_of(0.3);
		while (cf_now_us() < dl)
			(void)cf_ep_poll(x->e, dl);
	}
	return 0;
}

static int ping(run *x, mk_line *l)
{
	uint32_t count = mk_kv_num(l, "count", 3, 100000);
	uint32_t size = mk_kv_num(l, "size", 56, 1400);
	uint32_t want = mk_kv_num(l, "expect", count, 100000);
	uint32_t most = mk_kv_num(l, "max", count, 100000);
	double w = kv_secs(l, "within", x->timeout, x->o->timeout);
	double gap = kv_secs(l, "interval", 0, 0);
	uint64_t base;

	mk_done(l);
	if (!x->e)
		return 0;
	if (!pt_cpeng_is_open(&x->e->cp[PT_CPK_IPCP]))
		return fail(x, l, "ping: IPCP is not Opened (%s)", cp_state(x->e, PT_CPK_IPCP));
	base = x->e->pongs_rcvd;
	for (uint32_t i = 0; i < count; i++) {
		if (cf_ep_ping(x->e, size) < 0)
			return fail(x, l, "ping: %s", x->e->err);
		/* keep the receive side drained between pings */
		(void)cf_ep_poll(x->e, cf_now_us() + (int64_t)(gap * 1e6));
		if (x->e->tfd < 0 && x->s->role == CF_PNS)
			break;
	}
	int64_t dl = deadline_of(capped(x, w));
	while ((most < count || x->e->pongs_rcvd - base < want) && cf_now_us() < dl)
		(void)cf_ep_poll(x->e, dl);
	if (x->e->pongs_rcvd - base < want)
		return fail(x, l, "expected %u echo replies vs actual %llu of %u (MPPE %s, %llu frames undecryptable)", want,
			    (unsigned long long)(x->e->pongs_rcvd - base), count, x->e->mppe_on ? "on" : "off",
			    (unsigned long long)x->e->mppe_rx_fail);
	if (x->e->pongs_rcvd - base > most)
		return fail(x, l, "expected at most %u echo replies vs actual %llu", most, (unsigned long long)(x->e->pongs_rcvd - base));
	return 0;
}

/* expect state WHAT VALUE: reached within the time; expect never WHAT VALUE: not reached during it. */
static int expect_state(run *x, mk_line *l, int never)
{
	mk_tok *what = mk_need(l, "lcp, ccp, ipcp, auth or mppe");
	mk_tok *val = mk_need(l, "the state");
	double w = kv_secs(l, "within", never ? 5 : x->timeout, x->o->timeout);
	static const char *const whats[] = { "lcp", "ccp", "ipcp", "auth", "mppe", NULL };
	int wi;

	for (wi = 0; whats[wi] && strcmp(whats[wi], what->val); wi++)
		;
	if (!whats[wi])
		mk_die(l, what->col, "expect state: lcp, ccp, ipcp, auth or mppe");
	mk_done(l);
	if (!x->e)
		return 0;
	int64_t dl = deadline_of(capped(x, w));
	for (;;) {
		char actual[64] = "";
		int ok = 0;
		if (wi <= 2) {
			int k = wi == 0 ? PT_CPK_LCP : wi == 1 ? PT_CPK_CCP : PT_CPK_IPCP;
			snprintf(actual, sizeof actual, "%s", cp_state(x->e, k));
			ok = !strcasecmp(val->val, actual) || (!strcmp(val->val, "down") && strcasecmp(actual, "opened"));
		} else if (wi == 3) {
			snprintf(actual, sizeof actual, "%s", pt_vs_name_or(pt_authpeer_status_vs, x->e->auth.status, "?"));
			ok = !strcasecmp(val->val, actual);
		} else {
			snprintf(actual, sizeof actual, "%d%s", x->e->mppe_on ? x->e->mppe_bits : 0,
				 x->e->mppe_on ? (x->e->mrx_stateless ? "-stateless" : "-stateful") : "");
			ok = !strcmp(val->val, actual) || (!strcmp(val->val, "off") && !x->e->mppe_on);
		}
		if (ok && never)
			return fail(x, l, "expected %s never %s vs actual %s", what->val, val->val, actual);
		if (ok)
			return 0;
		if (cf_now_us() >= dl)
			return never ? 0 : fail(x, l, "expected %s %s vs actual %s", what->val, val->val, actual);
		(void)cf_ep_poll(x->e, dl);
	}
}

static int authm_lookup(const char *name)
{
	for (int m = 0; m < PT_AUTHM__N; m++)
		if (!strcmp(pt_vs_name_or(pt_authm_vs, (uint32_t)m, ""), name))
			return m;
	return -1;
}

static int set_knob(run *x, mk_line *l)
{
	mk_tok *k = mk_need(l, "a setting");
	mk_tok *v = mk_need(l, "its value");
	const char *n = k->val;
	uint32_t u = 0;
	int is_num = strcmp(n, "auth") && strcmp(n, "password") && strcmp(n, "lcp.extra") && strcmp(n, "ccp.want") &&
		     strcmp(n, "ccp.accept") && strcmp(n, "ipcp.addr") && strcmp(n, "user");
	static const char *const known[] = { "auto_echo", "auto_ack", "gre_seq", "recv_window", "mppe_skip_cc",
		"mppe_clear", "mppe_rfc_stateful", "no_reset_req", "lcp.mru", "lcp.magic", "lcp.pfc", "lcp.acfc",
		"lcp.accm", "restart", "max_configure", "auth", "password", "lcp.extra", "ccp.want", "ccp.accept",
		"ccp.require", "ccp.nak_stateless", "ipcp.addr", "call_id", "loss", "gre.seq", "auth_silent", "user", "auth_no_s", "auth_bad_s", "auth_skip_s_check", "auth_v1_lm", "send_fail_ok", NULL };
	int i;

	for (i = 0; known[i] && strcmp(known[i], n); i++)
		;
	if (!known[i])
		mk_die(l, k->col, "unknown setting '%s'", n);
	if (is_num)
		u = mk_num(l, v, 0xffffffffu);
	mk_done(l);
	if (!x->e) {
		if (!strcmp(n, "auth") && authm_lookup(v->val) < 0)
			mk_die(l, v->col, "auth: none, pap, chap-md5, mschapv1, mschapv2");
		return 0;
	}
	cf_ep *e = x->e;
	if (!strcmp(n, "auto_echo")) e->k.auto_echo = (uint8_t)u;
	else if (!strcmp(n, "auto_ack")) e->k.auto_ack = (uint8_t)u;
	else if (!strcmp(n, "gre_seq")) e->k.gre_seq = (uint8_t)u;
	else if (!strcmp(n, "recv_window")) e->k.recv_window = (uint16_t)u;
	else if (!strcmp(n, "mppe_skip_cc")) e->k.mppe_skip_cc = (uint8_t)u;
	else if (!strcmp(n, "mppe_clear")) e->k.mppe_clear_d = (uint8_t)u;
	else if (!strcmp(n, "mppe_rfc_stateful")) e->k.mppe_rfc_stateful = (uint8_t)u;
	else if (!strcmp(n, "no_reset_req")) e->k.no_reset_req = (uint8_t)u;
	else if (!strcmp(n, "lcp.mru")) e->pol.lcp.mru = (uint16_t)u;
	else if (!strcmp(n, "lcp.magic")) e->pol.lcp.magic = u;
	else if (!strcmp(n, "lcp.pfc")) e->pol.lcp.want_pfc = (uint8_t)u;
	else if (!strcmp(n, "lcp.acfc")) e->pol.lcp.want_acfc = (uint8_t)u;
	else if (!strcmp(n, "lcp.accm")) { e->pol.lcp.want_accm = 1; e->pol.lcp.accm = u; }
	else if (!strcmp(n, "restart")) e->pol.restart_us = (int64_t)u * 1000;
	else if (!strcmp(n, "max_configure")) e->pol.max_configure = u;
	else if (!strcmp(n, "ccp.require")) e->pol.ccp.require = (uint8_t)u;
	else if (!strcmp(n, "ccp.nak_stateless")) e->pol.ccp.nak_stateless = (uint8_t)u;
	else if (!strcmp(n, "call_id")) e->our_call_id = (uint16_t)u;
	else if (!strcmp(n, "auth_silent")) e->k.auth_silent = (uint8_t)u;
	else if (!strcmp(n, "auth_no_s")) e->k.auth.no_s = (uint8_t)u;
	else if (!strcmp(n, "auth_bad_s")) e->k.auth.bad_s = (uint8_t)u;
	else if (!strcmp(n, "auth_skip_s_check")) e->k.auth.skip_s_check = (uint8_t)u;
	else if (!strcmp(n, "auth_v1_lm")) e->k.auth.v1_lm = (uint8_t)u;
	else if (!strcmp(n, "user")) {
		char pw[257];
		snprintf(pw, sizeof pw, "%s", e->cred.password);
		if (pt_cred_from_password(&e->cred, v->val, pw) != PT_OK) {
			explicit_bzero(pw, sizeof pw);
			return fail(x, l, "user: not usable");
		}
		explicit_bzero(pw, sizeof pw);
	}
	else if (!strcmp(n, "loss")) e->k.loss = (uint8_t)(u > 100 ? 100 : u);
	else if (!strcmp(n, "send_fail_ok")) e->k.send_fail_ok = (uint8_t)u;
	else if (!strcmp(n, "gre.seq")) {
		e->gtx.next_seq = u;
		if (!e->gtx.sent)
			e->gtx.first_seq = u;
	}
	else if (!strcmp(n, "auth")) {
		int m = authm_lookup(v->val);
		if (e->role == CF_PAC)
			e->pol.lcp.auth = (uint8_t)m;
		else
			e->pol.lcp.accept_auth = m == PT_AUTHM_NONE ? 0 : PT_AUTHM_BIT(m);
		memset(e->pol.lcp.auth_pref, 0, sizeof e->pol.lcp.auth_pref);
		e->pol.lcp.auth_pref[0] = (uint8_t)m;
	} else if (!strcmp(n, "password")) {
		/* a scenario that tests a wrong password names it; the user's own stays untouched elsewhere */
		char user[256];
		snprintf(user, sizeof user, "%s", e->cred.user);
		if (pt_cred_from_password(&e->cred, user, v->val) != PT_OK)
			return fail(x, l, "password: not usable");
	} else if (!strcmp(n, "lcp.extra")) {
		uint8_t b[PT_CPENG_EXTRA];
		mk_tok hv = *v;
		size_t nb = mk_hex(l, &hv, b, sizeof b);
		memcpy(e->pol.extra, b, nb);
		e->pol.nextra = nb;
	} else if (!strcmp(n, "ccp.want") || !strcmp(n, "ccp.accept")) {
		uint32_t b = 0;
		for (const char *p = v->val; *p; p++)
			b |= *p == 'H' ? PT_CCP_MPPE_H : *p == 'S' ? PT_CCP_MPPE_S : *p == 'M' ? PT_CCP_MPPE_M :
			     *p == 'L' ? PT_CCP_MPPE_L : *p == 'C' ? PT_CCP_MPPE_C : *p == 'D' ? PT_CCP_MPPE_D : 0;
		if (!strcmp(n, "ccp.want"))
			e->pol.ccp.want_bits = b;
		else
			e->pol.ccp.accept_bits = b;
	} else if (!strcmp(n, "ipcp.addr")) {
		unsigned a, b, c, d;
		if (sscanf(v->val, "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a > 255 || b > 255 || c > 255 || d > 255)
			return fail(x, l, "ipcp.addr: a dotted IPv4 address");
		e->pol.ipcp.local[0] = (uint8_t)a;
		e->pol.ipcp.local[1] = (uint8_t)b;
		e->pol.ipcp.local[2] = (uint8_t)c;
		e->pol.ipcp.local[3] = (uint8_t)d;
	}
	return 0;
}

/* Steps made of steps: the same lines a scenario could write, run through step(). */
static int macro(run *x, mk_line *l, const char *const *lines, int n, const char *extra, int extra_at)
{
	for (int i = 0; i < n; i++) {
		char text[1024], buf[1024];
		mk_line sub;
		int rc;
		snprintf(text, sizeof text, "%s%s%s", lines[i], i == extra_at && extra[0] ? " " : "", i == extra_at ? extra : "");
		snprintf(buf, sizeof buf, "%s", text);
		memset(&sub, 0, sizeof sub);
		sub.file = l->file;
		sub.lineno = l->lineno;
		mk_tokenize(&sub, buf);
		rc = step(x, &sub);
		if (rc)
			return rc;
	}
	return 0;
}

/* The rest of the line as text (key=value fields passed on to a message of the macro). */
static void rest_of(mk_line *l, char *out, size_t cap)
{
	size_t used = 0;

	out[0] = 0;
	for (int i = 0; i < l->ntok; i++) {
		mk_tok *t = &l->tok[i];
		if (t->used || i < l->pos)
			continue;
		t->used = 1;
		if (t->key)
			used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, "%s%s=%s%s%s", used ? " " : "", t->key,
						 t->quoted ? "\"" : "", t->val, t->quoted ? "\"" : "");
		else
			used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, "%s%s", used ? " " : "", t->val);
	}
}

static int high_level(run *x, mk_line *l, const char *what)
{
	mk_tok *w = mk_need(l, "open, clear or stop");
	char extra[800];

	rest_of(l, extra, sizeof extra);
	if (!strcmp(what, "ctrl") && !strcmp(w->val, "open")) {
		static const char *const s[] = { "connect", "send SCCRQ", "expect SCCRP result=1" };
		return macro(x, l, s, 3, extra, 1);
	}
	if (!strcmp(what, "ctrl") && !strcmp(w->val, "stop")) {
		static const char *const s[] = { "send StopCCRQ", "expect StopCCRP result=1" };
		return macro(x, l, s, 2, extra, 0);
	}
	if (!strcmp(what, "call") && !strcmp(w->val, "open")) {
		static const char *const s[] = { "send OCRQ", "expect OCRP result=1 peer_call_id=$call" };
		return macro(x, l, s, 2, extra, 0);
	}
	if (!strcmp(what, "call") && !strcmp(w->val, "clear")) {
		static const char *const s[] = { "send CCRQ", "expect CDN call_id=$peer" };
		return macro(x, l, s, 2, extra, 0);
	}
	mk_die(l, w->col, "%s %s: ctrl open, ctrl stop, call open or call clear", what, w->val);
	return -1;
}

/* One step: every token is read (and checked) before anything is done, so the dry run finds every error. */
static int step(run *x, mk_line *l)
{
	mk_tok *t = mk_next(l);
	const char *c;

	if (!t)
		mk_die(l, 1, "a step starts with a word (connect, send, expect, ...)");
	c = t->val;

	if (!strcmp(c, "connect") || !strcmp(c, "accept")) {
		double w = kv_secs(l, "within", x->timeout, x->o->timeout);
		mk_done(l);
		if (!x->e)
			return 0;
		int rc = !strcmp(c, "connect") ? cf_ep_connect(x->e, capped(x, w)) : cf_ep_accept(x->e, capped(x, w));
		if (rc < 0) {
			x->r->verdict = CF_SKIP; /* set-up: reported as an error by the caller */
			snprintf(x->r->why, sizeof x->r->why, "setup: %s", x->e->err);
			return -2;
		}
		return 0;
	}
	if (!strcmp(c, "send"))
		return send_ctrl(x, l);
	if (!strcmp(c, "ctrl") || !strcmp(c, "call"))
		return high_level(x, l, c);
	if (!strcmp(c, "gre"))
		return mk_accept(l, "send") ? gre_send(x, l) : (mk_die(l, t->col, "gre send ..."), 0);
	if (!strcmp(c, "expect")) {
		mk_tok *w = mk_need(l, "what to expect");
		uint16_t type = mk_ctrl_type(w->val);
		if (type)
			return expect_ctrl(x, l, type);
		if (!strcmp(w->val, "ppp"))
			return expect_ppp(x, l, 0);
		if (!strcmp(w->val, "no-ppp"))
			return expect_ppp(x, l, 1);
		if (!strcmp(w->val, "state"))
			return expect_state(x, l, 0);
		if (!strcmp(w->val, "never"))
			return expect_state(x, l, 1);
		if (!strcmp(w->val, "close")) {
			double s = kv_secs(l, "within", x->timeout, x->o->timeout);
			mk_done(l);
			if (!x->e)
				return 0;
			if (!wait_until(x, closed_done, s))
				return fail(x, l, "expected the connection to close within %.1f s vs actual: still open", capped(x, s));
			return 0;
		}
		if (!strcmp(w->val, "silence")) {
			/* no control message for that long (Echo answered by the endpoint aside) */
			double s = capped(x, pos_secs(l, "seconds"));
			int orclose = mk_flag(l, "or-close");
			mk_done(l);
			if (!x->e)
				return 0;
			int64_t dl = deadline_of(s);
			while (cf_now_us() < dl) {
				cf_ctrl_rx *q = cf_ep_ctrl_peek(x->e);
				if (q && q->m.type == PT_CTRL_ECHORQ && x->e->k.auto_echo) {
					cf_ep_ctrl_pop(x->e);
					continue;
				}
				if (q) {
					char line[CF_LINE];
					snprintf(line, sizeof line, "%s", q->line);
					cf_ep_ctrl_pop(x->e);
					return fail(x, l, "expected silence for %.1f s vs actual %s", s, line);
				}
				if (x->e->tfd < 0)
					return orclose ? 0 : fail(x, l, "expected silence for %.1f s vs actual: the connection was closed", s);
				(void)cf_ep_poll(x->e, dl);
			}
			return 0;
		}
		if (!strcmp(w->val, "open")) {
			/* the connection stays up for that long */
			double s = capped(x, pos_secs(l, "seconds"));
			mk_done(l);
			if (!x->e)
				return 0;
			int64_t dl = deadline_of(s);
			while (cf_now_us() < dl && x->e->tfd >= 0)
				(void)cf_ep_poll(x->e, dl);
			if (x->e->tfd < 0)
				return fail(x, l, "expected the connection to stay open for %.1f s vs actual: closed", s);
			return 0;
		}
		mk_die(l, w->col, "expect MESSAGE, ppp \"...\", no-ppp \"...\", state, close, silence or open");
	}
	if (!strcmp(c, "wait")) {
		double s = pos_secs(l, "seconds");
		mk_done(l);
		if (!x->e)
			return 0;
		int64_t dl = deadline_of(capped(x, s));
		while (cf_now_us() < dl)
			(void)cf_ep_poll(x->e, dl);
		return 0;
	}
	if (!strcmp(c, "close") || !strcmp(c, "reset")) {
		mk_done(l);
		if (x->e)
			cf_ep_disconnect(x->e, !strcmp(c, "reset"));
		return 0;
	}
	if (!strcmp(c, "set"))
		return set_knob(x, l);
	if (!strcmp(c, "ppp")) {
		mk_tok *w = mk_need(l, "open or close");
		if (!strcmp(w->val, "open") || !strcmp(w->val, "start"))
			return ppp_open(x, l, !strcmp(w->val, "start"));
		if (!strcmp(w->val, "close")) {
			double s = kv_secs(l, "within", x->timeout, x->o->timeout);
			mk_done(l);
			if (!x->e)
				return 0;
			pt_cpeng_close(&x->e->cp[PT_CPK_LCP], "pptp-conform: done", cf_now_us());
			if (!wait_until(x, lcp_dead, s))
				return fail(x, l, "expected LCP Terminate-Ack within %.1f s vs actual LCP %s", capped(x, s),
					    cp_state(x->e, PT_CPK_LCP));
			return 0;
		}
		mk_die(l, w->col, "ppp open, ppp start or ppp close");
	}
	if (!strcmp(c, "ping"))
		return ping(x, l);
	if (!strcmp(c, "skip-unless")) {
		/* skip-unless auth mschapv2: SKIP (not FAIL) when the target did not choose what the scenario needs */
		mk_tok *w = mk_need(l, "auth or mppe");
		mk_tok *v = mk_need(l, "the value");
		mk_done(l);
		if (!x->e)
			return 0;
		if (!strcmp(w->val, "auth")) {
			if (strcmp(pt_vs_name_or(pt_authm_vs, (uint32_t)x->e->auth_method, "?"), v->val))
				return skip(x, "the target asked for %s authentication, the scenario needs %s",
					    pt_vs_name_or(pt_authm_vs, (uint32_t)x->e->auth_method, "?"), v->val);
			return 0;
		}
		mk_die(l, w->col, "skip-unless auth METHOD");
	}
	if (!strcmp(c, "timeout")) {
		double s = pos_secs(l, "seconds");
		mk_done(l);
		x->timeout = s;
		return 0;
	}
	mk_die(l, t->col, "unknown step '%s' (connect, accept, send, expect, gre send, ppp open, ping, set, wait, close, reset, timeout)", c);
	return -1;
}

/* ---- running one scenario ---- */

static int allowed(const cf_scn *s, int rule)
{
	const pt_rule *r = pt_rule_get(rule);

	for (int i = 0; r && i < s->nallow; i++)
		if (fnmatch(s->allow[i], r->id, 0) == 0)
			return 1;
	return 0;
}

void cf_run(const cf_scn *s, const cf_opts *o, cf_rng *rng, cf_pcap *pcap, cf_pcap *inner, cf_result *r)
{
	cf_ep *e = calloc(1, sizeof *e);
	run x;
	int64_t t0 = cf_now_us();
	int rc = 0;

	memset(r, 0, sizeof *r);
	r->s = s;
	if (!e || cf_ep_init(e, s->role, o, rng, pcap, inner) < 0) {
		r->verdict = CF_SKIP;
		snprintf(r->why, sizeof r->why, "setup: out of memory");
		free(e);
		return;
	}
	memset(&x, 0, sizeof x);
	x.s = s;
	x.o = o;
	x.e = e;
	x.r = r;
	x.timeout = o->timeout > 0 && o->timeout < 5 ? o->timeout : 5;
	if (s->requires[0]) {
		/* `requires WORD`: the target must be configured for it (--peer-has WORD,...), else SKIP */
		char have[256], *save = NULL;
		int found = 0;
		snprintf(have, sizeof have, "%s", o->peer_has ? o->peer_has : "");
		for (char *p = strtok_r(have, ",", &save); p; p = strtok_r(NULL, ",", &save))
			found |= !strcmp(p, s->requires);
		if (!found) {
			r->verdict = CF_SKIP;
			snprintf(r->why, sizeof r->why, "needs a target configured for %s (--peer-has %s)", s->requires, s->requires);
			cf_ep_free(e);
			free(e);
			return;
		}
	}
	if (s->role == CF_PAC && cf_ep_listen(e) < 0) {
		r->verdict = CF_SKIP;
		snprintf(r->why, sizeof r->why, "setup: %s", e->err);
		rc = -2;
	}
	for (int i = 0; !rc && i < s->nstep; i++) {
		char buf[4096];
		mk_line l;
		if (o->verbose)
			fprintf(stderr, "%s:%d: %s\n", s->file, s->step[i].line, s->step[i].text);
		rc = step(&x, tokenize(s, &s->step[i], buf, sizeof buf, &l));
		if (o->verbose && rc)
			fprintf(stderr, "%s:%d: %s\n", s->file, s->step[i].line, r->why);
	}
	/* let the last answers arrive for the checker, then end the run the way a peer would */
	if (!rc && e->tfd >= 0)
		(void)cf_ep_poll(e, cf_now_us() + 100000);
	cf_ep_disconnect(e, 0);
	if (r->verdict == CF_PASS) {
		/* the target's own messages broke a rule of the catalog: the scenario fails even if it did not ask */
		int target = s->role == CF_PNS ? PT_DIR_PAC : PT_DIR_PNS;
		for (unsigned i = 0; i < e->nfind; i++) {
			const pt_rule *ru = pt_rule_get(e->find[i].rule);
			if (!ru || ru->sev == PT_SEV_INFO || e->find[i].dir != target || allowed(s, e->find[i].rule))
				continue;
			if (r->nfind < 16)
				r->find[r->nfind++] = e->find[i];
		}
		if (r->nfind) {
			const pt_rule *ru = pt_rule_get(r->find[0].rule);
			r->verdict = CF_FAIL;
			snprintf(r->why, sizeof r->why, "the target broke %s (%s, %s) at frame %llu: %s%s", ru->id, ru->ref,
				 pt_sev_name(ru->sev), (unsigned long long)r->find[0].pkt, r->find[0].msg,
				 r->nfind > 1 ? " (and more)" : "");
		}
	}
	r->secs = (double)(cf_now_us() - t0) / 1e6;
	if (rc == -2)
		r->fail_line = -2; /* setup error */
	if (r->verdict == CF_FAIL && o->svg_dir && e->ladder)
		(void)cf_picture_write(o->svg_dir, s, r, e);
	cf_ep_free(e);
	free(e);
}
