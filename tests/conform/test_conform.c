/* test_conform.c: CUnit tests of pptp-conform's pieces that need no network: the scenario reader (the library, header lines, parse errors with file:line:col), the endpoint's message templates, the random source and the capture writer. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "conform.h"
#include "pptp.h"
#include "ut.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/cf-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

static void test_library_loads(void)
{
	FILE *ls = popen("ls \"${PT_TOP:-.}\"/conformance/scenarios/*.pptp", "r");
	char line[4096];
	int n = 0, client = 0, sessions = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ls);
	while (fgets(line, sizeof line, ls)) {
		line[strcspn(line, "\n")] = 0;
		cf_scn *s = cf_scn_load(line);
		CU_ASSERT_PTR_NOT_NULL(s);
		if (!s)
			continue;
		n++;
		CU_ASSERT(s->title[0] != 0);
		CU_ASSERT(strncmp(s->rfc, "RFC ", 4) == 0);
		CU_ASSERT(s->nstep > 0);
		client += s->role == CF_PNS;
		sessions += !strcmp(s->id, "session-basic") || !strcmp(s->id, "session-stateful");
		cf_scn_free(s);
	}
	pclose(ls);
	CU_ASSERT(client >= 80);
	CU_ASSERT_EQUAL(sessions, 2);
	CU_ASSERT(n >= client);
}

static void test_header_lines(void)
{
	const char *p = write_tmp("# comment\n"
				  "scenario my-id\n"
				  "title \"A title with spaces\"\n"
				  "rfc \"RFC 2637 2.6\"\n"
				  "role server\n"
				  "requires mppe40\n"
				  "allow pptp.ctrl.*\n"
				  "allow mppe.key.weak\n"
				  "accept within=3\n"
				  "\n"
				  "expect SCCRQ version=0x0100 framing_cap=1..3 host_name=\"*\" within=2\n"
				  "send SCCRP result=2 error=4\n"
				  "send split 6,150 gap=0.1 SCCRP\n"
				  "expect CCRQ call_id=$peer\n"
				  "gre send lcp confreq id=1 mru=1400 magic=0x11223344 seq=7 noack\n"
				  "expect ppp \"LCP Configure-Ack id=1 *\"\n"
				  "set ccp.want HS\n"
				  "ping count=2 size=100 expect=1 max=2\n");
	cf_scn *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = cf_scn_load(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->id, "my-id");
	CU_ASSERT_STRING_EQUAL(s->title, "A title with spaces");
	CU_ASSERT_STRING_EQUAL(s->rfc, "RFC 2637 2.6");
	CU_ASSERT_EQUAL(s->role, CF_PAC);
	CU_ASSERT_STRING_EQUAL(s->requires, "mppe40");
	CU_ASSERT_EQUAL(s->nallow, 2);
	CU_ASSERT_EQUAL(s->nstep, 9);
	CU_ASSERT_EQUAL(s->step[0].line, 9);
	CU_ASSERT_EQUAL(s->step[1].line, 11);
	cf_scn_free(s);
	unlink(p);
}

/* Load text in a child; return its exit status and put its stderr in err. */
static int load_in_child(const char *text, char *err, size_t cap)
{
	const char *p = write_tmp(text);
	int fds[2], st = 0;
	pid_t pid;
	ssize_t n;

	if (!p || pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		cf_scn *s = cf_scn_load(p);
		cf_scn_free(s);
		_exit(0);
	}
	close(fds[1]);
	size_t got = 0;
	while (got < cap - 1 && (n = read(fds[0], err + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = 0;
	close(fds[0]);
	waitpid(pid, &st, 0);
	unlink(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_parse_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nfrobnicate\n", ":3:1: unknown step 'frobnicate'" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nconnect\nsend SCCRX\n", ":4:6: unknown message 'SCCRX'" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nexpect SCCRP colour=1\n", ":3:14: SCCRP has no field 'colour'" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nexpect SCCRP result=xyz\n", ":3:21: result: a number" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nsend OCRQ call_id=70000\n", ":3:19: call_id: 70000 is out of range" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nallow no.such.rule\n", ":3:7: no rule 'no.such.rule'" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nset colour 1\n", ":3:5: unknown setting 'colour'" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nexpect ppp \"LCP *\n", ":3:12: unterminated string" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nwait forever\n", ":3:6: seconds" },
		{ "title \"t\"\nrfc \"RFC 2637 2\"\nrole both\n", ":3:6: role is client or server" },
		{ "rfc \"RFC 2637 2\"\nconnect\n", ":1:1: missing `title" },
		{ "title \"t\"\nconnect\n", ":1:1: missing `rfc" },
	};
	char err[1024];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = load_in_child(cases[i].text, err, sizeof err);
		CU_ASSERT_EQUAL(rc, 2);
		if (!strstr(err, cases[i].want)) {
			fprintf(stderr, "case %zu: want \"%s\", got \"%s\"\n", i, cases[i].want, err);
			CU_FAIL("parse error text");
		}
		CU_ASSERT(strncmp(err, "/tmp/cf-test-", 13) == 0); /* the message starts with the file name */
	}
}

/* Every template the endpoint sends builds and parses back with no finding: it is a valid message. */
static void test_templates_valid(void)
{
	cf_opts o;
	cf_rng rng = { 42 };
	cf_ep *e = calloc(1, sizeof *e);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&o, 0, sizeof o);
	for (int role = CF_PNS; role <= CF_PAC; role++) {
		CU_ASSERT_EQUAL_FATAL(cf_ep_init(e, role, &o, &rng, NULL, NULL), 0);
		e->peer_call_id = 0x4242;
		for (uint16_t t = 1; t <= PT_CTRL_TYPE_MAX; t++) {
			pt_ctrl_msg m, back;
			uint8_t buf[256];
			pt_writer w = pt_wr(buf, sizeof buf);
			pt_cursor c;
			cf_ep_ctrl_template(e, t, &m);
			CU_ASSERT_EQUAL(pt_ctrl_build(&m, &w), PT_OK);
			CU_ASSERT_EQUAL(pt_wlen(&w), pt_ctrl_desc_get(t)->len);
			c = pt_cur(buf, pt_wlen(&w));
			ut_clear();
			CU_ASSERT_EQUAL(pt_ctrl_parse(&c, &back, &ut_sink, NULL), PT_OK);
			if (ut_nf) {
				fprintf(stderr, "%s template: %s\n", pt_ctrl_abbrev(t), ut_fs[0].msg);
				CU_FAIL("template breaks a rule");
			}
			CU_ASSERT_EQUAL(back.type, t);
		}
		cf_ep_free(e);
	}
	free(e);
}

static void test_rng_reproducible(void)
{
	cf_rng a = { 7 }, b = { 7 }, c = { 8 };
	int same = 1, differs = 0;

	for (int i = 0; i < 100; i++) {
		uint32_t x = cf_rand32(&a), y = cf_rand32(&b), z = cf_rand32(&c);
		same &= x == y;
		differs |= x != z;
	}
	CU_ASSERT(same);
	CU_ASSERT(differs);
}

static void test_pcap_writer(void)
{
	char path[] = "/tmp/cf-pcap-XXXXXX";
	int fd = mkstemp(path);
	cf_pcap p;
	static const uint8_t pkt[] = { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 47, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2 };
	unsigned char *b;
	size_t n;

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	memset(&p, 0, sizeof p);
	CU_ASSERT_EQUAL_FATAL(cf_pcap_open(&p, path, 101), 0);
	cf_pcap_write(&p, 0, pkt, sizeof pkt);
	cf_pcap_write(&p, 0, pkt, sizeof pkt);
	CU_ASSERT_EQUAL(p.npkt, 2);
	cf_pcap_close(&p);
	b = ut_read_file(path, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(n, 24 + 2 * (16 + sizeof pkt));
	CU_ASSERT(b[0] == 0xd4 && b[1] == 0xc3 && b[2] == 0xb2 && b[3] == 0xa1);
	CU_ASSERT_EQUAL(b[20], 101); /* LINKTYPE_RAW */
	CU_ASSERT_EQUAL(b[24 + 8], sizeof pkt); /* incl_len */
	CU_ASSERT_EQUAL(memcmp(b + 24 + 16, pkt, sizeof pkt), 0);
	free(b);
	unlink(path);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("conform", NULL, NULL);
	UT_ADD(s, test_library_loads);
	UT_ADD(s, test_header_lines);
	UT_ADD(s, test_parse_errors);
	UT_ADD(s, test_templates_valid);
	UT_ADD(s, test_rng_reproducible);
	UT_ADD(s, test_pcap_writer);
}
