/* test_ladder.c: lib/ladder: the labels drawn for decode lines, findings placed on the arrow of their packet
 * (before or after its line, on a folded data frame, late, at the end of input), the caps, XML escaping. */
#include <stdlib.h>
#include <string.h>

#include "ladder.h"
#include "rules.h"
#include "ut.h"

/* ---- labels ---- */

static void test_labels(void)
{
	static const struct {
		const char *line;
		int kind;
		const char *label;
	} t[] = {
		{ "SCCRQ version=1.0 framing_cap=0x3(Asynchronous|Synchronous) bearer_cap=0x3(Analog|Digital) max_channels=65535 "
		  "firmware_rev=1 host_name=\"local\" vendor=\"cananian\"",
		  1, "SCCRQ host=\"local\"" },
		{ "SCCRP version=1.0 result=1(Successful channel establishment) error=0(None) framing_cap=0x0 host_name=\"a b\"",
		  1, "SCCRP result=Successful channel establishment host=\"a b\"" },
		{ "OCRP call_id=0 peer_call_id=59063 result=1(Connected) error=0(None) cause=0 connect_speed=10000000", 1,
		  "OCRP call=0 peer=59063 result=Connected" },
		{ "CDN call_id=7 result=3(Admin Shutdown) error=2(No-Resource) cause=16 stats=\"x\"", 1,
		  "CDN call=7 result=Admin Shutdown error=No-Resource cause=16" },
		{ "EchoRQ id=5", 1, "EchoRQ id=5" },
		{ "SCCRQ len=100 [truncated]", 1, "SCCRQ len=100 [truncated]" },
		{ "  LCP Configure-Request id=1 <Maximum-Receive-Unit 1400> <Async-Control-Character-Map 0x00000000> "
		  "<Authentication-Protocol CHAP MS-CHAPv2> <Magic-Number 0x3893b180> <Protocol-Field-Compression>",
		  2, "LCP Conf-Req MRU=1400 Auth=MS-CHAPv2" },
		{ "LCP Configure-Reject id=2 <Protocol-Field-Compression> <Address-and-Control-Field-Compression>", 2,
		  "LCP Conf-Rej PFC ACFC" },
		{ "LCP Configure-Request id=1 <Authentication-Protocol CHAP MD5>", 2, "LCP Conf-Req Auth=CHAP-MD5" },
		{ "CCP Configure-Ack id=1 <MPPE/MPPC 0x01000040 H (stateless)|S (128-bit)>", 2, "CCP Conf-Ack MPPE-128 stateless" },
		{ "CCP Configure-Request id=1 <MPPE/MPPC 0x00000020 L (40-bit)>", 2, "CCP Conf-Req MPPE-40 stateful" },
		{ "IPCP Configure-Nak id=1 <IP-Address 10.0.0.2> <Primary-DNS 10.0.0.53>", 2, "IPCP Conf-Nak IP=10.0.0.2 DNS1=10.0.0.53" },
		{ "IPV6CP Configure-Request id=1 <Interface-Identifier 2858:bf91:813d:385c>", 2,
		  "IPV6CP Conf-Req IfId=2858:bf91:813d:385c" },
		{ "CHAP Challenge id=131 value=16 octets name=\"pptpd\" (MS-CHAPv2)", 2, "MS-CHAPv2 Challenge pptpd" },
		{ "CHAP Response id=131 value=49 octets name=\"alice\" (MS-CHAPv2)", 2, "MS-CHAPv2 Response alice" },
		{ "CHAP Failure id=98 E=691(ERROR_AUTHENTICATION_FAILURE) R=0 message=\"E=691 R=0 C=x V=0\" (MS-CHAPv2)", 2,
		  "MS-CHAPv2 Failure E=691" },
		{ "CHAP Success id=1 message=\"S=0123 M=ok\" (MS-CHAP)", 2, "MS-CHAPv1 Success" },
		{ "CHAP Response id=1 value=16 octets name=\"bob (x)\" (MD5)", 2, "CHAP-MD5 Response bob (x)" },
		{ "PAP Authenticate-Request id=1 peer=\"alice\" password=(9 octets, hidden)", 2, "PAP Auth-Req alice" },
		{ "LCP Terminate-Request id=2 reason=\"MPPE disabled\"", 2, "LCP Term-Req \"MPPE disabled\"" },
		{ "LCP Protocol-Reject id=3 proto=0x80fd(CCP)", 2, "LCP Proto-Rej CCP" },
		{ "LCP Echo-Request id=4 magic=0x11223344", 2, "LCP Echo-Req" },
		{ "MPPE cc=0 flushed encrypted len=50", 3, "MPPE cc=0 flushed encrypted len=50" },
		{ "IP 10.0.0.2 > 10.0.0.1 ICMP len=84 type=8", 3, "IP 10.0.0.2 > 10.0.0.1 ICMP len=84 type=8" },
		{ "PPP proto=0x002b(IPX) len=10", 3, "PPP 0x002b(IPX)" },
		{ "PPP proto=0xc029(CBCP) len=10", 2, "PPP 0xc029(CBCP)" },
		{ "GRE call=0 seq=1 ack=3 len=28", 0, "GRE seq=1 ack=3" },
		{ "GRE call=0 len=0 ver=0 [unsupported]", 0, "GRE ver=0 [unsupported]" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int kind = pt_ladder_label(t[i].line, buf, sizeof buf);
		CU_ASSERT_EQUAL(kind, t[i].kind);
		CU_ASSERT_STRING_EQUAL(buf, t[i].label);
		if (kind != t[i].kind || strcmp(buf, t[i].label))
			fprintf(stderr, "label %zu: kind %d \"%s\", expected %d \"%s\"\n", i, kind, buf, t[i].kind, t[i].label);
	}
	/* bounded: a buffer of 8 holds 7 characters and the NUL */
	CU_ASSERT_EQUAL(pt_ladder_label("LCP Configure-Request id=1 <Maximum-Receive-Unit 1400>", buf, 8), 2);
	CU_ASSERT_EQUAL(strlen(buf), 7);
}

/* ---- the model, fed by hand ---- */

typedef struct obuf {
	char *p;
	size_t n, cap;
} obuf;

static void put(void *user, const char *s, size_t n)
{
	obuf *b = user;
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static char *render(const pt_ladder *l, int svg)
{
	obuf b = { NULL, 0, 0 };
	put(&b, "", 0);
	if (svg)
		pt_ladder_svg(l, put, &b);
	else
		pt_ladder_text(l, put, &b);
	return b.p;
}

static pt_where at(uint64_t pkt, int dir, uint32_t conn)
{
	pt_where w;
	memset(&w, 0, sizeof w);
	w.pkt = pkt;
	w.ts_us = 1000000 + (int64_t)pkt * 1000;
	w.conn = conn;
	w.call = 0;
	w.dir = dir;
	return w;
}

static void finding(pt_ladder *l, int rule, pt_where w, const char *msg)
{
	pt_finding f;
	memset(&f, 0, sizeof f);
	f.rule = rule;
	f.at = w;
	snprintf(f.msg, sizeof f.msg, "%s", msg);
	pt_ladder_finding(l, &f);
}

/* the line of the text ladder holding needle, or NULL */
static const char *line_with(const char *text, const char *needle, char *out, size_t cap)
{
	const char *p = strstr(text, needle), *b, *e;
	if (!p)
		return NULL;
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	snprintf(out, cap, "%.*s", (int)(e - b), b);
	return out;
}

static void test_findings_on_arrows(void)
{
	pt_ladder *l = pt_ladder_new(NULL);
	pt_where w;
	char *t, ln[512];
	int r1 = pt_rule_lookup("pptp.ctrl.bad_magic"), r2 = pt_rule_lookup("gre.seq.gap"),
	    r3 = pt_rule_lookup("pptp.fsm.call_not_cleared");

	CU_ASSERT_FATAL(l != NULL && r1 >= 0 && r2 >= 0 && r3 >= 0);
	/* a finding before its packet's line (the parser reports first) */
	w = at(1, PT_DIR_PNS, 1);
	finding(l, r1, w, "first");
	pt_ladder_decode(l, &w, "SCCRQ host_name=\"c\"");
	w = at(2, PT_DIR_PAC, 1);
	pt_ladder_decode(l, &w, "SCCRP result=1(OK)");
	/* data: the first of a direction is an arrow, the next are folded ... */
	for (uint64_t p = 3; p < 10; p++) {
		w = at(p, PT_DIR_PNS, 1);
		pt_ladder_decode(l, &w, "GRE call=7 seq=1 len=20");
		pt_ladder_decode(l, &w, "  IP 10.0.0.2 > 10.0.0.1 ICMP len=84 type=8");
	}
	/* ... unless a finding falls on one: it gets its arrow, the run is split around it */
	finding(l, r2, w, "on the folded frame");
	w = at(10, PT_DIR_PNS, 1);
	pt_ladder_decode(l, &w, "GRE call=7 seq=9 len=20");
	pt_ladder_decode(l, &w, "  IP 10.0.0.2 > 10.0.0.1 ICMP len=84 type=8");
	w = at(11, PT_DIR_PAC, 1);
	pt_ladder_decode(l, &w, "GRE call=7 ack=9 len=0");
	w = at(12, PT_DIR_PNS, 1);
	pt_ladder_decode(l, &w, "CCRQ call_id=1");
	/* late: a check about packet 2 made later goes on packet 2's arrow */
	w = at(2, PT_DIR_PAC, 1);
	finding(l, r1, w, "late");
	/* the end of input: dated at the last packet, on a note that closes the session */
	pt_ladder_eof(l);
	w = at(12, PT_DIR_PNS, 1);
	finding(l, r3, w, "at the end");
	pt_ladder_finish(l, NULL);
	t = render(l, 0);
	CU_ASSERT_PTR_NOT_NULL(line_with(t, "|-- SCCRQ host=\"c\"", ln, sizeof ln));
	CU_ASSERT_PTR_NOT_NULL(strstr(ln, "!! error pptp.ctrl.bad_magic: first"));
	CU_ASSERT_PTR_NOT_NULL(line_with(t, "SCCRP result=OK", ln, sizeof ln));
	CU_ASSERT_PTR_NOT_NULL(strstr(ln, "pptp.ctrl.bad_magic: late"));
	CU_ASSERT_PTR_NOT_NULL(line_with(t, "#9 |-- data: IP", ln, sizeof ln));
	CU_ASSERT_PTR_NOT_NULL(strstr(ln, "gre.seq.gap: on the folded frame"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "#3 |-- first data: IP"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "... 5 data frames (PNS>PAC 5, PAC>PNS 0) ..."));  /* 4..8 */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "... 1 data frame (PNS>PAC 1, PAC>PNS 0), 1 GRE ack ...")); /* 10, ack 11 */
	CU_ASSERT_PTR_NOT_NULL(line_with(t, "end of the capture", ln, sizeof ln));
	CU_ASSERT_PTR_NOT_NULL(strstr(ln, "pptp.fsm.call_not_cleared: at the end"));
	CU_ASSERT_PTR_NULL(strstr(line_with(t, "CCRQ call=1", ln, sizeof ln) ? ln : "", "!!"));
	{
		/* the session's counts by severity, from the catalog */
		unsigned n[3] = { 0, 0, 0 };
		char want[96];
		n[pt_rule_get(r1)->sev] += 2;
		n[pt_rule_get(r2)->sev]++;
		n[pt_rule_get(r3)->sev]++;
		snprintf(want, sizeof want, "findings: %u error, %u warning, %u info;", n[PT_SEV_ERROR], n[PT_SEV_WARNING],
			 n[PT_SEV_INFO]);
		CU_ASSERT_PTR_NOT_NULL(strstr(t, want));
	}
	free(t);
	pt_ladder_free(l);
}

static void test_caps(void)
{
	pt_ladder_cfg cfg = { 2, 40 };
	pt_ladder *l = pt_ladder_new(&cfg);
	pt_where w;
	char *t, *p;
	int arrows = 0;

	CU_ASSERT_FATAL(l != NULL);
	for (uint32_t c = 1; c <= 5; c++) {
		w = at(c, PT_DIR_PNS, c);
		pt_ladder_decode(l, &w, "SCCRQ");
	}
	for (uint64_t p2 = 10; p2 < 100000; p2++) {
		w = at(p2, p2 % 2 ? PT_DIR_PAC : PT_DIR_PNS, 1);
		pt_ladder_decode(l, &w, "GRE call=1 seq=1 len=8");
		pt_ladder_decode(l, &w, p2 % 2 ? "  LCP Echo-Reply id=1 magic=0x2" : "  LCP Echo-Request id=1 magic=0x1");
	}
	w = at(100000, PT_DIR_PNS, 1);
	pt_ladder_decode(l, &w, "StopCCRQ reason=1(None)");
	pt_ladder_finish(l, NULL);
	CU_ASSERT_EQUAL(pt_ladder_nsessions(l), 2);
	t = render(l, 0);
	/* session 1's arrows: 1 + 99990 + 1 sent, the first 30 and the last 10 drawn */
	for (p = t; (p = strstr(p, " #")) && (!strstr(t, "session 2") || p < strstr(t, "session 2")); p++)
		arrows++;
	CU_ASSERT_EQUAL(arrows, 40);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "... 99952 messages not drawn (the picture keeps 40 arrows per session) ..."));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "#100000 |-- StopCCRQ reason=None"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "3 more sessions not drawn (the picture keeps 2)"));
	free(t);
	pt_ladder_free(l);
}

static void test_svg_escapes(void)
{
	pt_ladder *l = pt_ladder_new(NULL);
	pt_where w = at(1, PT_DIR_PNS, 1);
	char *s;

	CU_ASSERT_FATAL(l != NULL);
	pt_ladder_title(l, "FAIL x: <b>&'\"\x01");
	pt_ladder_decode(l, &w, "SCCRQ host_name=\"<script>&amp;\"");
	w = at(2, PT_DIR_PAC, 1);
	pt_ladder_decode(l, &w, "GRE call=1 seq=1 len=8");
	pt_ladder_decode(l, &w, "  CHAP Response id=1 value=49 octets name=\"</text>\" (MS-CHAPv2)");
	pt_ladder_finish(l, NULL);
	s = render(l, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "FAIL x: &lt;b&gt;&amp;&#39;&quot;?"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "SCCRQ host=&quot;&lt;script&gt;&amp;amp;&quot;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "MS-CHAPv2 Response &lt;/text&gt;"));
	CU_ASSERT_PTR_NULL(strstr(s, "<script"));
	CU_ASSERT_PTR_NULL(strstr(s, "<b>"));
	CU_ASSERT_PTR_NULL(strstr(s, "\x01"));
	CU_ASSERT_EQUAL(strncmp(s, "<?xml", 5), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "</svg>\n"));
	free(s);
	/* an empty picture still says so */
	pt_ladder_free(l);
	l = pt_ladder_new(NULL);
	pt_ladder_finish(l, NULL);
	s = render(l, 0);
	CU_ASSERT_STRING_EQUAL(s, "no PPTP session to draw\n");
	free(s);
	pt_ladder_free(l);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("ladder", NULL, NULL);
	UT_ADD(s, test_labels);
	UT_ADD(s, test_findings_on_arrows);
	UT_ADD(s, test_caps);
	UT_ADD(s, test_svg_escapes);
}
