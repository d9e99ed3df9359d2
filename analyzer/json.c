/* json.c: JSON Lines output, one object per line, strings escaped per RFC 8259. */
#include <inttypes.h>
#include <string.h>

#include "json.h"

static void key(pa_json *j, const char *k)
{
	fputs(j->first ? "" : ",", j->f);
	j->first = 0;
	fprintf(j->f, "\"%s\":", k);
}

/* RFC 8259 7: every octet outside printable ASCII as \u00XX (newlines and tabs too), as docs/json.md promises */
static void esc(FILE *f, const unsigned char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (c >= 0x80)
			fprintf(f, "\\u%04x", c); /* bytes off the wire are not trusted to be UTF-8 */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void pa_json_begin(pa_json *j, FILE *f, const char *type)
{
	j->f = f;
	j->first = 1;
	fputc('{', f);
	pa_json_str(j, "type", type);
}

void pa_json_str(pa_json *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		esc(j->f, (const unsigned char *)v, strlen(v));
	else
		fputs("null", j->f);
}

void pa_json_strn(pa_json *j, const char *k, const void *v, size_t n)
{
	key(j, k);
	esc(j->f, v, n);
}

void pa_json_int(pa_json *j, const char *k, int64_t v)
{
	key(j, k);
	fprintf(j->f, "%" PRId64, v);
}

void pa_json_uint(pa_json *j, const char *k, uint64_t v)
{
	key(j, k);
	fprintf(j->f, "%" PRIu64, v);
}

void pa_json_bool(pa_json *j, const char *k, int v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->f);
}

void pa_json_time(pa_json *j, const char *k, int64_t ts)
{
	key(j, k);
	if (ts < 0)
		fprintf(j->f, "-%" PRId64 ".%06" PRId64, -ts / 1000000, -ts % 1000000);
	else
		fprintf(j->f, "%" PRId64 ".%06" PRId64, ts / 1000000, ts % 1000000);
}

void pa_json_raw(pa_json *j, const char *k, const char *raw)
{
	key(j, k);
	fputs(raw, j->f);
}

void pa_json_end(pa_json *j)
{
	fputs("}\n", j->f);
}
