/* out.c: pptp-conform's results (text, TAP version 13, JUnit XML, JSON Lines) and the run's capture (pcap, LINKTYPE_RAW). */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/time.h>

#include "conform.h"

/* ---- capture ---- */

int cf_pcap_open(cf_pcap *p, const char *path, uint32_t linktype)
{
	/* pcap file header: magic, 2.4, zone 0, sigfigs 0, snaplen 65535, link type (101 raw IP, 113 Linux cooked) */
	uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0 };

	hdr[20] = (uint8_t)linktype;
	hdr[21] = (uint8_t)(linktype >> 8);

	p->f = fopen(path, "wb");
	if (!p->f)
		return -1;
	p->npkt = 0;
	p->bytes = sizeof hdr;
	p->max = 0;
	p->dropped = 0;
	return fwrite(hdr, sizeof hdr, 1, p->f) == 1 ? 0 : -1;
}

static void le32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

void cf_pcap_write(cf_pcap *p, int64_t ts_us, const uint8_t *data, size_t len)
{
	uint8_t rec[16];
	struct timeval tv;

	(void)ts_us;
	if (!p || !p->f)
		return;
	if (p->max && p->bytes + sizeof rec + len > p->max) {
		/* --pcap-max: the file keeps what came before the cap, whole records only */
		p->dropped++;
		return;
	}
	p->bytes += sizeof rec + len;
	/* wall-clock time in the file (the monotonic clock orders the run itself) */
	gettimeofday(&tv, NULL);
	le32(rec, (uint32_t)tv.tv_sec);
	le32(rec + 4, (uint32_t)tv.tv_usec);
	le32(rec + 8, (uint32_t)len);
	le32(rec + 12, (uint32_t)len);
	fwrite(rec, sizeof rec, 1, p->f);
	fwrite(data, len, 1, p->f);
	p->npkt++;
}

void cf_pcap_close(cf_pcap *p)
{
	if (p && p->f) {
		fclose(p->f);
		p->f = NULL;
	}
}

/* ---- results ---- */

static void xml_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fprintf(f, "&#x%02x;", (unsigned char)*s);
			else
				fputc(*s, f);
		}
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static const char *vname(int v)
{
	return v == CF_PASS ? "PASS" : v == CF_FAIL ? "FAIL" : "SKIP";
}

void cf_out_begin(cf_out *o, int nscn)
{
	o->planned = nscn;
	if (o->tap)
		printf("TAP version 13\n1..%d\n", nscn);
	if (o->junit)
		fprintf(o->junit, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"pptp-conform\" tests=\"%d\">\n", nscn);
}

void cf_out_result(cf_out *o, const cf_result *r)
{
	const cf_scn *s = r->s;

	o->n++;
	if (r->verdict == CF_PASS)
		o->pass++;
	else if (r->verdict == CF_FAIL)
		o->fail++;
	else
		o->skip++;
	if (o->tap) {
		if (r->verdict == CF_PASS)
			printf("ok %d - %s\n", o->n, s->id);
		else if (r->verdict == CF_SKIP)
			printf("ok %d - %s # SKIP %s\n", o->n, s->id, r->why);
		else
			printf("not ok %d - %s\n  ---\n  message: '%s'\n  rfc: '%s'\n  file: '%s'\n  ...\n", o->n, s->id, r->why, s->rfc, s->file);
	} else {
		if (r->verdict == CF_PASS)
			printf("PASS %-30s %5.1f s  %s\n", s->id, r->secs, s->title);
		else if (r->verdict == CF_SKIP)
			printf("SKIP %-30s %5.1f s  %s\n", s->id, r->secs, r->why);
		else
			printf("FAIL %-30s %5.1f s  %s [%s; %s]\n", s->id, r->secs, r->why, s->rfc, s->file);
	}
	fflush(stdout);
	if (o->junit) {
		fprintf(o->junit, "  <testcase classname=\"pptp-conform\" name=\"");
		xml_esc(o->junit, s->id);
		fprintf(o->junit, "\" time=\"%.3f\">", r->secs);
		if (r->verdict == CF_FAIL) {
			fprintf(o->junit, "<failure message=\"");
			xml_esc(o->junit, r->why);
			fprintf(o->junit, "\">");
			xml_esc(o->junit, s->rfc);
			fprintf(o->junit, "</failure>");
		} else if (r->verdict == CF_SKIP) {
			fprintf(o->junit, "<skipped message=\"");
			xml_esc(o->junit, r->why);
			fprintf(o->junit, "\"/>");
		}
		fprintf(o->junit, "</testcase>\n");
	}
	if (o->json) {
		fprintf(o->json, "{\"type\":\"scenario\",\"id\":");
		json_str(o->json, s->id);
		fprintf(o->json, ",\"verdict\":\"%s\",\"rfc\":", vname(r->verdict));
		json_str(o->json, s->rfc);
		fprintf(o->json, ",\"title\":");
		json_str(o->json, s->title);
		fprintf(o->json, ",\"seconds\":%.3f", r->secs);
		if (r->verdict != CF_PASS) {
			fprintf(o->json, ",\"why\":");
			json_str(o->json, r->why);
		}
		if (r->fail_line > 0)
			fprintf(o->json, ",\"line\":%d", r->fail_line);
		fprintf(o->json, ",\"findings\":[");
		for (unsigned i = 0; i < r->nfind; i++) {
			const pt_rule *ru = pt_rule_get(r->find[i].rule);
			fprintf(o->json, "%s{\"rule\":", i ? "," : "");
			json_str(o->json, ru ? ru->id : "?");
			fprintf(o->json, ",\"frame\":%llu,\"message\":", (unsigned long long)r->find[i].pkt);
			json_str(o->json, r->find[i].msg);
			fputc('}', o->json);
		}
		fprintf(o->json, "]}\n");
	}
}

void cf_out_end(cf_out *o)
{
	if (o->junit)
		fprintf(o->junit, "</testsuite>\n");
	if (o->json)
		fprintf(o->json, "{\"type\":\"summary\",\"passed\":%d,\"failed\":%d,\"skipped\":%d}\n", o->pass, o->fail, o->skip);
	if (o->tap)
		printf("# %d passed, %d failed, %d skipped\n", o->pass, o->fail, o->skip);
	else
		printf("%d passed, %d failed, %d skipped\n", o->pass, o->fail, o->skip);
}

/* ---- load and mutation runs: test points as they settle, the counts and figures at the end ---- */

void cf_xml_str(FILE *f, const char *s)
{
	xml_esc(f, s);
}

int cf_rep_open(cf_rep *r, const cf_opts *o, const char *suite)
{
	memset(r, 0, sizeof *r);
	r->tap = o->tap;
	r->suite = suite;
	if (o->json_file && !(r->json = fopen(o->json_file, "w"))) {
		fprintf(stderr, "pptp-conform: %s: cannot write: %s\n", o->json_file, strerror(errno));
		return -1;
	}
	if (o->junit_file) {
		/* the testsuite element carries the counts: the testcases wait in a temporary file until the end */
		if (!(r->junit = fopen(o->junit_file, "w")) || !(r->cases = tmpfile())) {
			fprintf(stderr, "pptp-conform: %s: cannot write: %s\n", o->junit_file, strerror(errno));
			if (r->json)
				fclose(r->json);
			if (r->junit)
				fclose(r->junit);
			r->json = r->junit = NULL;
			return -1;
		}
	}
	if (r->tap)
		printf("TAP version 13\n");
	return 0;
}

/* TAP YAML strings in single quotes: a quote is doubled, a control character becomes a space */
static void yaml_sq(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("''", stdout);
		else
			putchar((unsigned char)*s < 0x20 ? ' ' : *s);
	}
	putchar('\'');
}

void cf_rep_point(cf_rep *r, int ok, const char *name, const char *desc, double secs, const char *why, const char *file)
{
	r->n++;
	r->fail += !ok;
	if (r->tap) {
		printf("%sok %d - %s: %s\n", ok ? "" : "not ", r->n, name, desc);
		if (!ok) {
			fputs("  ---\n  message: ", stdout);
			yaml_sq(why ? why : desc);
			if (file) {
				fputs("\n  file: ", stdout);
				yaml_sq(file);
			}
			printf("\n  seconds: %.3f\n  ...\n", secs);
		}
		fflush(stdout);
	}
	if (r->cases) {
		fprintf(r->cases, "  <testcase classname=\"pptp-conform.%s\" name=\"", r->suite);
		xml_esc(r->cases, name);
		fprintf(r->cases, "\" time=\"%.3f\">", secs);
		if (!ok) {
			fputs("<failure message=\"", r->cases);
			xml_esc(r->cases, why ? why : desc);
			fputs("\">", r->cases);
			xml_esc(r->cases, desc);
			if (file) {
				fputs("; replay: ", r->cases);
				xml_esc(r->cases, file);
			}
			fputs("</failure>", r->cases);
		} else {
			fputs("<system-out>", r->cases);
			xml_esc(r->cases, desc);
			fputs("</system-out>", r->cases);
		}
		fputs("</testcase>\n", r->cases);
	}
}

void cf_rep_prop(cf_rep *r, const char *name, const char *fmt, ...)
{
	char v[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	/* names and values are the run's own words and numbers; escaped all the same */
	for (char *p = v; *p; p++)
		if (*p == '"' || *p == '<' || *p == '>' || *p == '&' || (unsigned char)*p < 0x20)
			*p = ' ';
	n = snprintf(r->props + r->nprops, sizeof r->props - r->nprops, "    <property name=\"%s\" value=\"%s\"/>\n", name, v);
	if (n > 0 && (size_t)n < sizeof r->props - r->nprops)
		r->nprops += (size_t)n;
	else
		r->props[r->nprops] = 0;
}

void cf_rep_say(cf_rep *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	const char *p = line;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* under --tap every line of the text is a diagnostic */
	while (*p) {
		size_t k = strcspn(p, "\n");
		printf("%s%.*s\n", r->tap ? "# " : "", (int)k, p);
		p += k;
		if (*p)
			p++;
	}
	fflush(stdout);
}

void cf_rep_close(cf_rep *r)
{
	if (r->tap)
		printf("1..%d\n", r->n);
	if (r->junit) {
		char buf[4096];
		size_t k;
		fprintf(r->junit, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"pptp-conform %s\" tests=\"%d\" failures=\"%d\">\n",
			r->suite, r->n, r->fail);
		fprintf(r->junit, "  <properties>\n%s  </properties>\n", r->props);
		rewind(r->cases);
		while ((k = fread(buf, 1, sizeof buf, r->cases)) > 0)
			fwrite(buf, 1, k, r->junit);
		fputs("</testsuite>\n", r->junit);
		fclose(r->junit);
		fclose(r->cases);
		r->junit = r->cases = NULL;
	}
	if (r->json) {
		fclose(r->json);
		r->json = NULL;
	}
	fflush(stdout);
}
