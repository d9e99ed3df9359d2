/* lex.c: mkcap's tokenizer and value parsers (words, key=value, "strings", hex, numbers, times). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mkcap.h"

void mk_die(const mk_line *l, int col, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d:%d: ", l->file, l->lineno, col > 0 ? col : 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	mk_exit(2);
}

void mk_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("mkcap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Unquote the string starting at *sp (just past the opening quote) into dst, in place. */
static char *read_string(mk_line *l, char *base, char **sp, size_t *len)
{
	char *s = *sp, *dst = s, *start = s;
	int qcol = (int)(s - base);     /* the opening quote */

	for (;;) {
		int c = (unsigned char)*s;
		if (c == '\0' || c == '\n' || c == '\r')
			mk_die(l, qcol, "unterminated string");
		s++;
		if (c == '"')
			break;
		if (c == '\\') {
			int e = (unsigned char)*s++;
			switch (e) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '0': c = '\0'; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'x': {
				int h = pt_hexdigit((unsigned char)s[0]), lo = h < 0 ? -1 : pt_hexdigit((unsigned char)s[1]);
				if (h < 0 || lo < 0)
					mk_die(l, (int)(s - base) - 1, "bad \\x escape: two hex digits expected");
				c = h * 16 + lo;
				s += 2;
				break;
			}
			default:
				mk_die(l, (int)(s - base) - 1, "unknown escape \\%c", e ? e : '0');
			}
		}
		*dst++ = (char)c;
	}
	*len = (size_t)(dst - start);
	*dst = '\0';
	*sp = s;
	return start;
}

int mk_tokenize(mk_line *l, char *text)
{
	char *s = text;

	l->ntok = 0;
	l->pos = 0;
	l->endcol = 1;
	for (;;) {
		mk_tok *t;
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (l->ntok == MK_MAXTOK)
			mk_die(l, (int)(s - text) + 1, "too many tokens on one line (at most %d)", MK_MAXTOK);
		t = &l->tok[l->ntok++];
		memset(t, 0, sizeof *t);
		t->col = (int)(s - text) + 1;
		if (*s == '"') {
			s++;
			t->val = read_string(l, text, &s, &t->vlen);
			t->quoted = 1;
			t->vcol = t->col;
		} else {
			char *w = s, *eq = NULL;
			while (*s && !isspace((unsigned char)*s) && *s != '#') {
				if (*s == '=' && !eq) {
					eq = s;
					if (s[1] == '"')
						break;
				}
				if (*s == '"')
					mk_die(l, (int)(s - text) + 1, "unexpected quote inside a word");
				s++;
			}
			if (eq) {
				t->key = w;
				t->vcol = (int)(eq - text) + 2;
				if (eq == w)
					mk_die(l, t->col, "missing name before '='");
				if (eq[1] == '"') {
					s = eq + 2;
					t->val = read_string(l, text, &s, &t->vlen);
					t->quoted = 1;
				} else {
					t->val = eq + 1;
					t->vlen = (size_t)(s - t->val);
					if (!t->vlen)
						mk_die(l, t->vcol, "missing value after '='");
				}
				*eq = '\0';
			} else {
				t->val = w;
				t->vlen = (size_t)(s - w);
				t->vcol = t->col;
			}
		}
		if (*s && !isspace((unsigned char)*s) && *s != '#')
			mk_die(l, (int)(s - text) + 1, "space expected after a string");
		l->endcol = (int)(s - text) + 1;
		if (*s == '#') {
			*s = '\0';
			break;
		}
		if (*s) {
			*s = '\0';
			s++;
		}
	}
	return l->ntok;
}

mk_tok *mk_peek(mk_line *l)
{
	for (int i = l->pos; i < l->ntok; i++)
		if (!l->tok[i].key && !l->tok[i].used)
			return &l->tok[i];
	return NULL;
}

mk_tok *mk_next(mk_line *l)
{
	for (; l->pos < l->ntok; l->pos++) {
		mk_tok *t = &l->tok[l->pos];
		if (!t->key && !t->used) {
			t->used = 1;
			l->pos++;
			return t;
		}
	}
	return NULL;
}

mk_tok *mk_need(mk_line *l, const char *what)
{
	mk_tok *t = mk_next(l);
	if (!t)
		mk_die(l, l->endcol, "missing %s", what);
	return t;
}

int mk_accept(mk_line *l, const char *word)
{
	mk_tok *t = mk_peek(l);
	if (t && !t->quoted && strcmp(t->val, word) == 0) {
		mk_next(l);
		return 1;
	}
	return 0;
}

mk_tok *mk_kv(mk_line *l, const char *key)
{
	mk_tok *found = NULL;
	for (int i = 0; i < l->ntok; i++) {
		mk_tok *t = &l->tok[i];
		if (t->key && strcmp(t->key, key) == 0) {
			if (found)
				mk_die(l, t->col, "'%s' given twice", key);
			found = t;
		}
	}
	if (found)
		found->used = 1;
	return found;
}

int mk_kv_has(mk_line *l, const char *key)
{
	for (int i = 0; i < l->ntok; i++)
		if (l->tok[i].key && strcmp(l->tok[i].key, key) == 0)
			return 1;
	return 0;
}

int mk_flag(mk_line *l, const char *word)
{
	for (int i = l->pos; i < l->ntok; i++) {
		mk_tok *t = &l->tok[i];
		if (!t->key && !t->quoted && !t->used && strcmp(t->val, word) == 0) {
			t->used = 1;
			return 1;
		}
	}
	return 0;
}

void mk_done(mk_line *l)
{
	for (int i = 0; i < l->ntok; i++) {
		const mk_tok *t = &l->tok[i];
		if (t->used)
			continue;
		if (t->key)
			mk_die(l, t->col, "unknown field '%s' here", t->key);
		if (t->quoted)
			mk_die(l, t->col, "unexpected string here");
		mk_die(l, t->col, "unexpected '%s'", t->val);
	}
}

uint64_t mk_num64(const mk_line *l, const mk_tok *t)
{
	char *end;
	unsigned long long v;

	if (t->quoted || !t->vlen || t->val[0] == '-' || t->val[0] == '+' || isspace((unsigned char)t->val[0]))
		mk_die(l, t->vcol, "'%s': number expected", t->val);
	errno = 0;
	if (t->val[0] == '0' && (t->val[1] == 'b' || t->val[1] == 'B'))
		v = strtoull(t->val + 2, &end, 2);
	else
		v = strtoull(t->val, &end, 0);
	if (errno || *end || end == t->val)
		mk_die(l, t->vcol, "'%s': number expected (decimal, 0x hex or 0b binary)", t->val);
	return v;
}

uint32_t mk_num(const mk_line *l, const mk_tok *t, uint32_t max)
{
	uint64_t v = mk_num64(l, t);
	if (v > max)
		mk_die(l, t->vcol, "%s: %llu is out of range (at most %lu)", t->key ? t->key : "value",
		       (unsigned long long)v, (unsigned long)max);
	return (uint32_t)v;
}

uint32_t mk_kv_num(mk_line *l, const char *key, uint32_t dflt, uint32_t max)
{
	mk_tok *t = mk_kv(l, key);
	return t ? mk_num(l, t, max) : dflt;
}

uint64_t mk_kv_list(mk_line *l, const char *key, const char *what)
{
	mk_tok *t = mk_kv(l, key);
	uint64_t mask = 0;
	char *s;

	if (!t)
		return 0;
	for (s = t->val; *s;) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b;
		if (end == s || a < 1 || a > 64)
			mk_die(l, t->vcol + (int)(s - t->val), "%s number 1..64 expected", what);
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b < a || b > 64)
				mk_die(l, t->vcol + (int)(s - t->val), "%s range a-b expected", what);
		}
		for (unsigned long i = a; i <= b; i++)
			mask |= (uint64_t)1 << (i - 1);
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			mk_die(l, t->vcol + (int)(s - t->val), "%s list like 1,3-4 expected", what);
	}
	return mask;
}

int mk_bool(const mk_line *l, const mk_tok *t)
{
	const char *v = t->val;
	if (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
		return 1;
	if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
		return 0;
	mk_die(l, t->vcol, "'%s': on or off expected", v);
}

/* Seconds with up to 6 decimals, parsed exactly (no floating point: output must not depend on rounding). */
int64_t mk_time_us(const mk_line *l, const mk_tok *t, const char *s)
{
	int64_t whole = 0, frac = 0;
	int nd = 0, col = t->vcol + (int)(s - t->val);
	const char *p = s;

	if (!isdigit((unsigned char)*p) && *p != '.')
		mk_die(l, col, "'%s': time in seconds expected", s);
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 100000000000LL)
			mk_die(l, col, "'%s': time too large", s);
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (++nd > 6)
				mk_die(l, col, "'%s': at most 6 decimals (microseconds)", s);
			frac = frac * 10 + (*p - '0');
		}
	}
	if (*p)
		mk_die(l, col, "'%s': time in seconds expected", s);
	for (; nd < 6; nd++)
		frac *= 10;
	return whole * 1000000 + frac;
}

/* Hex bytes: pairs of digits, with spaces, ':', '-' or '.' allowed between bytes; an optional 0x prefix. */
size_t mk_hex(const mk_line *l, const mk_tok *t, uint8_t *out, size_t cap)
{
	const char *s = t->val, *end = t->val + t->vlen;
	size_t n = 0;

	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (s < end) {
		int h, lo;
		if (*s == ' ' || *s == ':' || *s == '-' || *s == '.' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		h = pt_hexdigit((unsigned char)s[0]);
		lo = s + 1 < end ? pt_hexdigit((unsigned char)s[1]) : -1;
		if (h < 0 || lo < 0)
			mk_die(l, t->vcol + (t->quoted ? 1 : 0) + (int)(s - t->val),
			       "bad hex: pairs of hex digits expected");
		if (n == cap)
			mk_die(l, t->vcol, "hex data too long (at most %zu bytes)", cap);
		out[n++] = (uint8_t)(h * 16 + lo);
		s += 2;
	}
	return n;
}
