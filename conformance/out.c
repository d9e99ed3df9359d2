/* out.c: pptp-conform's results (text, TAP version 13, JUnit XML, JSON Lines) and the run's capture (pcap, LINKTYPE_RAW). */
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
