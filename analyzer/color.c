/* color.c: colour for the text report and the verdict lines (ECMA-48 SGR escapes). The report is written plain
 * (report.c, the one format scripts and golden tests read) and coloured here line by line, so colour can never
 * change a word of it: only the shapes report.c prints are recognised, anything else passes through as it is. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"

#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_RED "\033[1;31m"
#define SGR_GREEN "\033[32m"
#define SGR_YELLOW "\033[33m"
#define SGR_CYAN "\033[36m"

int pa_color_wanted(int mode, FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (mode == PA_COLOR_ALWAYS)
		return 1;
	if (mode == PA_COLOR_NEVER)
		return 0;
	if (nc && *nc)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

static void put(FILE *out, const char *p, size_t n)
{
	fwrite(p, 1, n, out);
}

static void painted(FILE *out, const char *sgr, const char *p, size_t n)
{
	fputs(sgr, out);
	put(out, p, n);
	fputs(SGR_RESET, out);
}

/* the colour of a verdict code (docs/troubleshooting.md) */
static const char *code_sgr(const char *p, size_t n)
{
	if (n == 2 && !memcmp(p, "ok", 2))
		return SGR_GREEN;
	if ((n == 10 && !memcmp(p, "ok-no-data", 10)) || (n == 10 && !memcmp(p, "incomplete", 10)))
		return SGR_YELLOW;
	return SGR_RED;
}

static const char *sev_sgr(const char *p, size_t n, size_t *wlen)
{
	static const struct {
		const char *word, *sgr;
	} sev[] = { { "error", SGR_RED }, { "warning", SGR_YELLOW }, { "info", SGR_CYAN } };

	for (size_t i = 0; i < sizeof sev / sizeof sev[0]; i++) {
		size_t w = strlen(sev[i].word);
		/* "%-7s %-34s": the word, padding to 7, one space, a rule id (lower case) */
		if (n > 9 && !memcmp(p, sev[i].word, w)) {
			size_t k = w;
			while (k < 8 && p[k] == ' ')
				k++;
			if (k == 8 && islower((unsigned char)p[8])) {
				*wlen = w;
				return sev[i].sgr;
			}
		}
	}
	return NULL;
}

/* "N errors, N warnings, N info": the non-zero error and warning counts */
static void counts(FILE *out, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && isdigit((unsigned char)p[j]))
			j++;
		if (j > i && (i == 0 || p[i - 1] == ' ')) {
			int zero = (j - i == 1 && p[i] == '0');
			const char *sgr = NULL;
			size_t w = 0;
			if (n - j >= 7 && !memcmp(p + j, " errors", 7))
				sgr = SGR_RED, w = 7;
			else if (n - j >= 9 && !memcmp(p + j, " warnings", 9))
				sgr = SGR_YELLOW, w = 9;
			if (sgr && !zero) {
				painted(out, sgr, p + i, j - i + w);
				i = j + w;
				continue;
			}
			put(out, p + i, j - i);
			i = j;
			continue;
		}
		put(out, p + i, 1);
		i++;
	}
}

/* whole words of the password outcome, anywhere in a line */
static void outcomes(FILE *out, const char *p, size_t n)
{
	static const struct {
		const char *text, *sgr;
	} w[] = { { "password verified", SGR_GREEN }, { "wrong password", SGR_RED }, { "FORGED", SGR_RED },
		  { "server's S= verified", SGR_GREEN } };
	size_t i = 0, from = 0;

	while (i < n) {
		size_t k;
		for (k = 0; k < sizeof w / sizeof w[0]; k++) {
			size_t l = strlen(w[k].text);
			if (n - i >= l && !memcmp(p + i, w[k].text, l))
				break;
		}
		if (k == sizeof w / sizeof w[0]) {
			i++;
			continue;
		}
		put(out, p + from, i - from);
		painted(out, w[k].sgr, p + i, strlen(w[k].text));
		i += strlen(w[k].text);
		from = i;
	}
	put(out, p + from, n - from);
}

static void line(FILE *out, const char *p, size_t n)
{
	size_t ind = 0, w;
	const char *q, *sgr;

	while (ind < n && p[ind] == ' ')
		ind++;
	q = p + ind;
	/* verdicts: "call N [code] text", "connection N [code] text" */
	if ((n - ind > 5 && !memcmp(q, "call ", 5)) || (n - ind > 11 && !memcmp(q, "connection ", 11))) {
		const char *b = memchr(q, '[', n - ind), *e = b ? memchr(b, ']', (size_t)(p + n - b)) : NULL;
		const char *d = q + (q[1] == 'a' ? 5 : 11);
		int digits = b && d < b - 1;
		for (; digits && d < b - 1; d++)
			digits = isdigit((unsigned char)*d) != 0;
		if (digits && e && b[-1] == ' ') {
			put(out, p, (size_t)(b - p));
			painted(out, code_sgr(b + 1, (size_t)(e - b - 1)), b, (size_t)(e - b + 1));
			put(out, e + 1, (size_t)(p + n - e - 1));
			return;
		}
	}
	/* findings: indented "severity rule.id packet ..." */
	if (ind >= 2 && (sgr = sev_sgr(q, n - ind, &w))) {
		put(out, p, ind);
		painted(out, sgr, q, w);
		put(out, q + w, n - ind - w);
		return;
	}
	/* headings */
	if ((ind == 0 && ((n >= 8 && !memcmp(p, "Verdicts", 8)) || (n > 19 && !memcmp(p, "Control connection ", 19)) ||
			  (n >= 14 && !memcmp(p, "Other findings", 14)))) ||
	    (ind == 2 && n - ind > 5 && !memcmp(q, "Call ", 5))) {
		const char *colon = memchr(p, ':', n);
		size_t h = colon ? (size_t)(colon - p) : n;
		put(out, p, ind);
		painted(out, SGR_BOLD, q, h - ind);
		put(out, p + h, n - h);
		return;
	}
	/* "findings: N errors, ..." and "  findings   N errors, ..." */
	if (n - ind > 9 && !memcmp(q, "findings", 8) && (q[8] == ':' || q[8] == ' ')) {
		counts(out, p, n);
		return;
	}
	outcomes(out, p, n);
}

void pa_color_write(FILE *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line(out, p, n);
		if (nl)
			fputc('\n', out);
		p += n + (nl ? 1 : 0);
	}
}
