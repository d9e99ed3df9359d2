/* audit.c: pptp-analyze --audit: the security findings of a capture, grouped with their advice (issue 25; RFC 1334 2, RFC 2433, RFC 2759 10, RFC 3078, RFC 3079). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "json.h"
#include "ppp.h"
#include "tcpreasm.h" /* PT_TCP_PPTP_PORT */

const char *pa_audit_advice(int rule)
{
	return pt_audit_advice(rule);
}

/* ---- password policy ---- */

int pa_policy_parse(pa_policy *p, const char *spec)
{
	const char *s = spec;

	memset(p, 0, sizeof *p);
	snprintf(p->text, sizeof p->text, "%s", spec);
	while (*s) {
		char key[16];
		size_t kl = strcspn(s, "=,");
		char *end;
		unsigned long v;
		if (kl == 0 || kl >= sizeof key || s[kl] != '=')
			goto bad;
		memcpy(key, s, kl);
		key[kl] = 0;
		v = strtoul(s + kl + 1, &end, 10);
		if (end == s + kl + 1 || (*end && *end != ',') || v > 256)
			goto bad;
		if (strcmp(key, "min") == 0)
			p->min_len = (unsigned)v;
		else if (strcmp(key, "classes") == 0 && v <= 4)
			p->classes = (unsigned)v;
		else
			goto bad;
		s = *end ? end + 1 : end;
	}
	p->set = 1;
	return 0;
bad:
	fprintf(stderr, "pptp-analyze: --password-policy wants 'min=N,classes=N' (classes 0-4 of upper, lower, digit, other), not '%s'\n",
		spec);
	return -1;
}

int pa_policy_check(const pa_policy *p, const char *pw, size_t len)
{
	unsigned up = 0, lo = 0, dg = 0, ot = 0, chars = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pw[i];
		if ((c & 0xc0) != 0x80)
			chars++; /* UTF-8: count characters, not octets */
		if (c >= 'A' && c <= 'Z')
			up = 1;
		else if (c >= 'a' && c <= 'z')
			lo = 1;
		else if (c >= '0' && c <= '9')
			dg = 1;
		else
			ot = 1;
	}
	return chars >= p->min_len && up + lo + dg + ot >= p->classes;
}

/* ---- setup ---- */

int pa_audit_init(pa_audit *a, int on, const char *wordlist, const char *policy, unsigned guess_failures,
		  double guess_window_s, int show_keys)
{
	pt_audit_cfg cfg;

	memset(a, 0, sizeof *a);
	a->on = on;
	a->wordlist = wordlist;
	a->show_keys = show_keys;
	if (policy && pa_policy_parse(&a->policy, policy) != 0)
		return -1;
	memset(&cfg, 0, sizeof cfg);
	cfg.guess_failures = guess_failures;
	cfg.guess_window_us = guess_window_s > 0 ? (int64_t)(guess_window_s * 1e6) : 0;
	if (pa_audit_active(a) && !(a->core = pt_audit_new(&cfg))) {
		fprintf(stderr, "pptp-analyze: out of memory\n");
		return -1;
	}
	return 0;
}

int pa_audit_active(const pa_audit *a)
{
	return a->on || a->wordlist || a->policy.set;
}

void pa_audit_free(pa_audit *a)
{
	if (a->hs) {
		explicit_bzero(a->hs, a->nhs * sizeof *a->hs);
		free(a->hs);
	}
	if (a->users) {
		explicit_bzero(a->users, a->nusers * sizeof *a->users);
		free(a->users);
	}
	pt_audit_free(a->core);
	memset(a, 0, sizeof *a);
}

/* ---- what the hooks collect ---- */

/* The wordlist's records follow lib/auditor's user table, index for index. */
static int sync_users(pa_audit *a)
{
	if (!a->users && pt_audit_nusers(a->core) && !(a->users = calloc(PA_AUDIT_MAX_USERS, sizeof *a->users)))
		return -1;
	a->nusers = a->users ? pt_audit_nusers(a->core) : 0;
	return 0;
}

static int user_of(pa_audit *a, const uint8_t *raw, size_t len)
{
	int u = pt_audit_user(a->core, raw, len);

	return u < 0 || sync_users(a) != 0 ? -1 : u;
}

static pa_hs *new_hs(pa_audit *a)
{
	if (a->nhs >= PA_AUDIT_MAX_HS) {
		a->hs_dropped++;
		return NULL;
	}
	if (!a->hs && !(a->hs = calloc(PA_AUDIT_MAX_HS, sizeof *a->hs)))
		return NULL;
	return &a->hs[a->nhs];
}

void pa_audit_on_auth(pa_audit *a, const pt_where *at, const pt_call *k, int authr, const pt_auth_msg *m)
{
	const struct pt_call_ext *x = k->ext;
	const pt_pppobs_auth *au;
	pa_hs *h;

	if (!x || (authr != PT_DIR_PNS && authr != PT_DIR_PAC) || !a->core)
		return;
	/* failures and the handshakes that make findings: lib/auditor (the plugin feeds the same) */
	pt_audit_auth(a->core, at, k, authr, m);
	if (sync_users(a) != 0)
		return;
	au = &x->ppp.auth[authr];
	if (m->proto == PT_PPP_PAP && m->code == PT_PAP_AUTH_REQ) {
		size_t n = pt_left(&m->password);
		if (!(h = new_hs(a)))
			return;
		memset(h, 0, sizeof *h);
		h->method = PA_HS_PAP;
		if (n > sizeof h->pap_pw)
			n = sizeof h->pap_pw;
		memcpy(h->pap_pw, m->password.p, n);
		h->pap_len = (uint16_t)n;
		h->user = user_of(a, m->peer_id.p, pt_left(&m->peer_id));
	} else if (m->proto == PT_PPP_CHAP && m->code == PT_CHAP_RESPONSE && au->chal_valid) {
		if (!(h = new_hs(a)))
			return;
		memset(h, 0, sizeof *h);
		h->id = m->id;
		h->chal_len = au->chal_len > sizeof h->chal ? (uint8_t)sizeof h->chal : au->chal_len;
		memcpy(h->chal, au->chal, h->chal_len);
		if (au->alg == PT_CHAP_ALG_MD5 && pt_left(&m->value) == 16) {
			h->method = PA_HS_MD5;
			memcpy(h->md5, m->value.p, 16);
		} else if (au->alg == PT_CHAP_ALG_MSCHAPV1 && m->ms_valid && m->nt_resp && h->chal_len == 8) {
			static const uint8_t zero[24];
			h->method = PA_HS_MSCHAPV1;
			memcpy(h->nt_resp, m->nt_resp, 24);
			if (m->lm_resp && memcmp(m->lm_resp, zero, 24) != 0) {
				memcpy(h->lm_resp, m->lm_resp, 24);
				h->has_lm = 1;
			}
		} else if (au->alg == PT_CHAP_ALG_MSCHAPV2 && m->ms_valid && m->nt_resp && m->peer_chal && h->chal_len == 16) {
			const char *nm = (const char *)m->name.p;
			h->method = PA_HS_MSCHAPV2;
			memcpy(h->nt_resp, m->nt_resp, 24);
			if (pt_mschap2_challenge_hash(m->peer_chal, h->chal, nm, pt_left(&m->name), PT_MSCHAP_USER_STRIP_DOMAIN,
						      h->v2hash[0]) != PT_OK ||
			    pt_mschap2_challenge_hash(m->peer_chal, h->chal, nm, pt_left(&m->name), PT_MSCHAP_USER_AS_SENT,
						      h->v2hash[1]) != PT_OK)
				return;
		} else {
			return;
		}
		h->user = user_of(a, m->name.p, pt_left(&m->name));
	} else {
		return;
	}
	if (h->user < 0)
		return;
	h->call = k->idx;
	h->pkt = at->pkt;
	a->users[h->user].nhs++;
	a->nhs++;
}

void pa_audit_other(pa_audit *a, const pt_ip *ip, uint16_t sport, uint16_t dport, const pt_where *at)
{
	pt_addr s, d;

	if (!a->on || !a->core)
		return;
	memset(&s, 0, sizeof s);
	memset(&d, 0, sizeof d);
	s.family = d.family = (uint8_t)ip->version;
	if (ip->version == 6) {
		memcpy(s.a, ip->src, 16);
		memcpy(d.a, ip->dst, 16);
	} else {
		memcpy(s.a, ip->src + 12, 4);
		memcpy(d.a, ip->dst + 12, 4);
	}
	pt_audit_other(a->core, &s, &d, ip->proto, sport, dport, ip->payload, ip->payload_len, at);
}

/* ---- findings at the end ---- */

static const char *method_name(int m)
{
	switch (m) {
	case PA_HS_PAP:
		return "PAP";
	case PA_HS_MD5:
		return "CHAP-MD5";
	case PA_HS_MSCHAPV1:
		return "MS-CHAPv1";
	case PA_HS_MSCHAPV2:
		return "MS-CHAPv2";
	}
	return "?";
}

static int64_t pkt_ts(const pt_call *k)
{
	return k->d[0].t_first ? k->d[0].t_first : k->d[1].t_first;
}

static int user_hs(const pa_audit *a, int u)
{
	for (size_t i = 0; i < a->nhs; i++)
		if (a->hs[i].user == u)
			return (int)i;
	return -1;
}

int pa_audit_finish(pa_audit *a, const pt_tunnel *t, const pt_cred *creds, size_t ncreds, const pt_sink *sink,
		    const pt_where *end)
{
	int rc = 0;

	if (a->on) {
		pt_audit_finish(a->core, t, sink);
	}
	if (a->wordlist) {
		if (pa_wordlist_run(a) != 0) {
			fprintf(stderr, "pptp-analyze: %s\n", a->wl_error);
			rc = 2;
		}
		for (size_t u = 0; u < a->nusers; u++) {
			pa_user *us = &a->users[u];
			int hi = user_hs(a, (int)u);
			const pa_hs *h = hi >= 0 ? &a->hs[hi] : NULL;
			const pt_call *k = h && h->call >= 0 && (size_t)h->call < pt_tunnel_ncalls(t) ? pt_tunnel_call(t, (size_t)h->call) : NULL;
			pt_where w = pt_audit_where(k, h ? h->pkt : end->pkt, k ? pkt_ts(k) : end->ts_us, PT_DIR_UNKNOWN);
			if (!us->found_line)
				continue;
			if (a->show_keys)
				pt_report(sink, PT_R_AUDIT_WORDLIST_FOUND, &w,
					  "password of user \"%s\" found at line %" PRIu64 " of the wordlist (%s%s): \"%s\"", pt_audit_user_name(a->core, (int)u),
					  us->found_line, h ? method_name(h->method) : "?", us->lm_only ? ", LAN Manager response: case unknown" : "",
					  us->shown);
			else
				pt_report(sink, PT_R_AUDIT_WORDLIST_FOUND, &w,
					  "password of user \"%s\" found at line %" PRIu64 " of the wordlist (%s%s)", pt_audit_user_name(a->core, (int)u),
					  us->found_line, h ? method_name(h->method) : "?", us->lm_only ? ", LAN Manager response: case unknown" : "");
			if (a->policy.set && us->policy_checked && !us->policy_ok)
				pt_report(sink, PT_R_AUDIT_PASSWORD_POLICY, &w,
					  "the recovered password of user \"%s\" does not meet the policy %s", pt_audit_user_name(a->core, (int)u), a->policy.text);
		}
	}
	if (a->policy.set) {
		for (size_t i = 0; i < ncreds && a->nknown < sizeof a->known / sizeof a->known[0]; i++) {
			const pt_cred *c = &creds[i];
			pt_where w = *end;
			if (!c->has_password)
				continue;
			snprintf(a->known[a->nknown].user, sizeof a->known[0].user, "%s", c->user[0] ? c->user : "(any user)");
			a->known[a->nknown].ok = (uint8_t)pa_policy_check(&a->policy, c->password, strlen(c->password));
			w.call = -1;
			w.conn = 0;
			w.dir = PT_DIR_UNKNOWN;
			if (!a->known[a->nknown].ok)
				pt_report(sink, PT_R_AUDIT_PASSWORD_POLICY, &w, "the password given for %s%s%s does not meet the policy %s",
					  c->user[0] ? "user \"" : "", a->known[a->nknown].user, c->user[0] ? "\"" : "", a->policy.text);
			a->nknown++;
		}
	}
	return rc;
}

/* ---- the Security section ---- */

typedef struct group {
	int rule;
	uint64_t count;
} group;

static size_t groups_of(const pa_findings *fs, group *g, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++) {
		int r = fs->v[i].rule;
		size_t j;
		if (!pa_audit_advice(r))
			continue;
		for (j = 0; j < n; j++)
			if (g[j].rule == r)
				break;
		if (j == n) {
			if (n == cap)
				continue;
			g[n].rule = r;
			g[n++].count = 0;
		}
		g[j].count++;
	}
	/* most severe first, then catalog order */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			const pt_rule *x = pt_rule_get(g[j - 1].rule), *y = pt_rule_get(g[j].rule);
			if (x->sev > y->sev || (x->sev == y->sev && g[j - 1].rule < g[j].rule))
				break;
			group tmp = g[j - 1];
			g[j - 1] = g[j];
			g[j] = tmp;
		}
	return n;
}

void pa_audit_text(FILE *f, const pa_audit *a, const pa_findings *fs)
{
	group g[64];
	size_t n;

	if (!pa_audit_active(a))
		return;
	n = groups_of(fs, g, 64);
	fputs("\nSecurity\n", f);
	if (!n && a->on)
		fputs("  no weakness found in what the capture holds\n", f);
	for (size_t i = 0; i < n; i++) {
		const pt_rule *r = pt_rule_get(g[i].rule);
		fprintf(f, "  %s %s (%" PRIu64 "x): %s\n", pt_sev_name(r->sev), r->id, g[i].count, r->text);
		fprintf(f, "    advice: %s\n", pa_audit_advice(g[i].rule));
	}
	if (a->wordlist) {
		size_t found = 0;
		for (size_t u = 0; u < a->nusers; u++)
			found += a->users[u].found_line != 0;
		fprintf(f, "  wordlist: %" PRIu64 " words tried in %.2f s against %zu handshake%s of %zu user%s; %zu found\n",
			a->wl_words, a->wl_seconds, a->nhs, a->nhs == 1 ? "" : "s", a->nusers, a->nusers == 1 ? "" : "s", found);
		for (size_t u = 0; u < a->nusers; u++) {
			const pa_user *us = &a->users[u];
			if (!us->nhs)
				continue;
			if (us->found_line)
				fprintf(f, "    user \"%s\": found at line %" PRIu64 "%s%s%s%s\n", pt_audit_user_name(a->core, (int)u), us->found_line,
					a->show_keys ? ": \"" : "", a->show_keys ? us->shown : "", a->show_keys ? "\"" : "",
					us->lm_only ? " (LAN Manager response: case unknown)" : "");
			else
				fprintf(f, "    user \"%s\": not in the list\n", pt_audit_user_name(a->core, (int)u));
			if (us->found_line && a->policy.set)
				fprintf(f, "      password policy %s: %s\n", a->policy.text, us->policy_ok ? "meets it" : "does not meet it");
		}
	}
	for (size_t i = 0; i < a->nknown; i++)
		fprintf(f, "  password policy %s: the password given for %s %s\n", a->policy.text, a->known[i].user,
			a->known[i].ok ? "meets it" : "does not meet it");
	if (a->policy.set && !a->nknown && !a->wordlist)
		fprintf(f, "  password policy %s: no known password to check (give one, or --wordlist)\n", a->policy.text);
}

void pa_audit_json(FILE *f, const pa_audit *a, const pa_findings *fs)
{
	group g[64];
	size_t n;
	pa_json j;

	if (!pa_audit_active(a))
		return;
	n = groups_of(fs, g, 64);
	for (size_t i = 0; i < n; i++) {
		const pt_rule *r = pt_rule_get(g[i].rule);
		pa_json_begin(&j, f, "security");
		pa_json_str(&j, "kind", "rule");
		pa_json_str(&j, "rule", r->id);
		pa_json_str(&j, "severity", pt_sev_name(r->sev));
		pa_json_str(&j, "ref", r->ref);
		pa_json_uint(&j, "count", g[i].count);
		pa_json_str(&j, "text", r->text);
		pa_json_str(&j, "advice", pa_audit_advice(g[i].rule));
		pa_json_end(&j);
	}
	if (a->wordlist) {
		size_t found = 0;
		for (size_t u = 0; u < a->nusers; u++)
			found += a->users[u].found_line != 0;
		pa_json_begin(&j, f, "security");
		pa_json_str(&j, "kind", "wordlist");
		pa_json_uint(&j, "words", a->wl_words);
		{
			char sec[32];
			snprintf(sec, sizeof sec, "%.3f", a->wl_seconds);
			pa_json_raw(&j, "seconds", sec);
		}
		pa_json_uint(&j, "handshakes", a->nhs);
		pa_json_uint(&j, "users", a->nusers);
		pa_json_uint(&j, "users_found", found);
		pa_json_end(&j);
		for (size_t u = 0; u < a->nusers; u++) {
			const pa_user *us = &a->users[u];
			if (!us->nhs)
				continue;
			pa_json_begin(&j, f, "security");
			pa_json_str(&j, "kind", "user");
			{
				size_t rl;
				const uint8_t *raw = pt_audit_user_raw(a->core, (int)u, &rl);
				pa_json_strn(&j, "user", raw, rl);
			}
			pa_json_bool(&j, "found", us->found_line != 0);
			if (us->found_line)
				pa_json_uint(&j, "line", us->found_line);
			if (us->found_line && a->show_keys)
				pa_json_str(&j, "password", us->shown);
			if (us->found_line && a->policy.set)
				pa_json_bool(&j, "policy_ok", us->policy_ok);
			pa_json_end(&j);
		}
	}
	for (size_t i = 0; i < a->nknown; i++) {
		pa_json_begin(&j, f, "security");
		pa_json_str(&j, "kind", "policy");
		pa_json_str(&j, "user", a->known[i].user);
		pa_json_str(&j, "policy", a->policy.text);
		pa_json_bool(&j, "policy_ok", a->known[i].ok);
		pa_json_end(&j);
	}
}
