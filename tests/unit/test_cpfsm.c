/* test_cpfsm.c: the RFC 1661 4.1 automaton, every cell checked against the RFC's table as printed, plus counter behaviour. */
#include <string.h>

#include "cpfsm.h"
#include "cursor.h"
#include "ut.h"

/*
 * RFC 1661 4.1 State Transition Table, cell by cell in the RFC's own notation
 * ("actions/state" plus footnote letter, "-" illegal).  Columns: states 0-9.
 */
static const char *const rfc_table[PT_CPE__N][PT_CPS__N] = {
	/* Up   */ { "2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-" },
	/* Down */ { "-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1" },
	/* Open */ { "tls/1", "1", "irc,scr/6", "3r", "5r", "5r", "6", "7", "8", "9r" },
	/* Close*/ { "0", "tlf/0", "2", "2", "4", "4", "irc,str/4", "irc,str/4", "irc,str/4", "tld,irc,str/4" },
	/* TO+  */ { "-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6", "scr/8", "-" },
	/* TO-  */ { "-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3p", "tlf/3p", "tlf/3p", "-" },
	/* RCR+ */ { "-", "-", "sta/2", "irc,scr,sca/8", "4", "5", "sca/8", "sca,tlu/9", "sca/8", "tld,scr,sca/8" },
	/* RCR- */ { "-", "-", "sta/2", "irc,scr,scn/6", "4", "5", "scn/6", "scn/7", "scn/6", "tld,scr,scn/6" },
	/* RCA  */ { "-", "-", "sta/2", "sta/3", "4", "5", "irc/7", "scr/6x", "irc,tlu/9", "tld,scr/6x" },
	/* RCN  */ { "-", "-", "sta/2", "sta/3", "4", "5", "irc,scr/6", "scr/6x", "irc,scr/8", "tld,scr/6x" },
	/* RTR  */ { "-", "-", "sta/2", "sta/3", "sta/4", "sta/5", "sta/6", "sta/6", "sta/6", "tld,zrc,sta/5" },
	/* RTA  */ { "-", "-", "2", "3", "tlf/2", "tlf/3", "6", "6", "8", "tld,scr/6" },
	/* RUC  */ { "-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6", "scj/7", "scj/8", "scj/9" },
	/* RXJ+ */ { "-", "-", "2", "3", "4", "5", "6", "6", "8", "9" },
	/* RXJ- */ { "-", "-", "tlf/2", "tlf/3", "tlf/2", "tlf/3", "tlf/3", "tlf/3", "tlf/3", "tld,irc,str/5" },
	/* RXR  */ { "-", "-", "2", "3", "4", "5", "6", "7", "8", "ser/9" },
};

static unsigned action_bit(const char *name, size_t n)
{
	static const struct {
		const char *name;
		unsigned bit;
	} acts[] = {
		{ "tlu", PT_CPA_TLU }, { "tld", PT_CPA_TLD }, { "tls", PT_CPA_TLS }, { "tlf", PT_CPA_TLF },
		{ "irc", PT_CPA_IRC }, { "zrc", PT_CPA_ZRC }, { "scr", PT_CPA_SCR }, { "sca", PT_CPA_SCA },
		{ "scn", PT_CPA_SCN }, { "str", PT_CPA_STR }, { "sta", PT_CPA_STA }, { "scj", PT_CPA_SCJ },
		{ "ser", PT_CPA_SER },
	};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
		if (n == 3 && memcmp(name, acts[i].name, 3) == 0)
			return acts[i].bit;
	return 0x80000000u; /* never matches: makes the test fail */
}

/* Parse "irc,scr/6", "3r", "tlf/3p", "-" into (legal, state, action bits). */
static void parse_cell(const char *cell, int *legal, int *state, unsigned *acts)
{
	const char *slash = strchr(cell, '/');
	const char *st = slash ? slash + 1 : cell;

	*acts = 0;
	if (strcmp(cell, "-") == 0) {
		*legal = 0;
		return;
	}
	*legal = 1;
	if (slash) {
		const char *p = cell;
		while (p < slash) {
			const char *e = p;
			while (e < slash && *e != ',')
				e++;
			*acts |= action_bit(p, (size_t)(e - p));
			p = e < slash ? e + 1 : e;
		}
	}
	*state = st[0] - '0';
	switch (st[1]) {
	case 'r':
		*acts |= PT_CPA_NOTE_RESTART;
		break;
	case 'p':
		*acts |= PT_CPA_NOTE_PASSIVE;
		break;
	case 'x':
		*acts |= PT_CPA_NOTE_CROSSED;
		break;
	default:
		break;
	}
}

static void test_cpfsm_table_matches_rfc(void)
{
	int cells = 0, illegal = 0;

	for (int ev = 0; ev < PT_CPE__N; ev++)
		for (int st = 0; st < PT_CPS__N; st++) {
			int legal, want_state = -1, next = -1, r;
			unsigned want_acts, acts = 0;

			parse_cell(rfc_table[ev][st], &legal, &want_state, &want_acts);
			r = pt_cpfsm_lookup(st, ev, &next, &acts);
			if (!legal) {
				CU_ASSERT_EQUAL(r, PT_ESTATE);
				illegal++;
				continue;
			}
			CU_ASSERT_EQUAL(r, PT_OK);
			if (next != want_state || acts != want_acts)
				CU_FAIL("cell differs from RFC 1661 4.1");
			CU_ASSERT_EQUAL(next, want_state);
			CU_ASSERT_EQUAL(acts, want_acts);
			cells++;
		}
	CU_ASSERT_EQUAL(cells + illegal, PT_CPE__N * PT_CPS__N);
	CU_ASSERT_EQUAL(illegal, 40); /* the RFC table has 40 dashes */
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(10, 0, &cells, (unsigned *)&illegal), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(0, PT_CPE__N, &cells, (unsigned *)&illegal), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(-1, 0, &cells, (unsigned *)&illegal), PT_EINVAL);
}

/* A few cells spelled out from the RFC text (4.3 event descriptions). */
static void test_cpfsm_spot_checks(void)
{
	int next;
	unsigned a;

	/* "Receive-Configure-Ack ... in Ack-Sent: irc, tlu, go to Opened" */
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(PT_CPS_ACK_SENT, PT_CPE_RCA, &next, &a), PT_OK);
	CU_ASSERT_EQUAL(next, PT_CPS_OPENED);
	CU_ASSERT_EQUAL(a, PT_CPA_IRC | PT_CPA_TLU);
	/* RTR in Opened: tld, zrc, sta -> Stopping */
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(PT_CPS_OPENED, PT_CPE_RTR, &next, &a), PT_OK);
	CU_ASSERT_EQUAL(next, PT_CPS_STOPPING);
	CU_ASSERT_EQUAL(a, PT_CPA_TLD | PT_CPA_ZRC | PT_CPA_STA);
	/* RCR+ in Stopped: irc, scr, sca -> Ack-Sent */
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(PT_CPS_STOPPED, PT_CPE_RCR_PLUS, &next, &a), PT_OK);
	CU_ASSERT_EQUAL(next, PT_CPS_ACK_SENT);
	CU_ASSERT_EQUAL(a, PT_CPA_IRC | PT_CPA_SCR | PT_CPA_SCA);
	/* RXR in Opened: ser */
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(PT_CPS_OPENED, PT_CPE_RXR, &next, &a), PT_OK);
	CU_ASSERT_EQUAL(a, PT_CPA_SER);
	/* Up in Initial: to Closed, nothing to do */
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(PT_CPS_INITIAL, PT_CPE_UP, &next, &a), PT_OK);
	CU_ASSERT_EQUAL(next, PT_CPS_CLOSED);
	CU_ASSERT_EQUAL(a, 0);
	/* RCR+ in Initial cannot happen */
	CU_ASSERT_EQUAL(pt_cpfsm_lookup(PT_CPS_INITIAL, PT_CPE_RCR_PLUS, &next, &a), PT_ESTATE);
}

static void test_cpfsm_run_open_close(void)
{
	pt_cpfsm f;
	unsigned a;

	pt_cpfsm_init(&f, 0, 0, 0);
	CU_ASSERT_EQUAL(f.state, PT_CPS_INITIAL);
	CU_ASSERT_EQUAL(f.max_configure, 10);
	CU_ASSERT_EQUAL(f.max_terminate, 2);
	CU_ASSERT_EQUAL(f.max_failure, 5);
	/* illegal event: no transition, nothing to do */
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RCA, &a), PT_ESTATE);
	CU_ASSERT_EQUAL(f.state, PT_CPS_INITIAL);
	CU_ASSERT_EQUAL(a, 0);

	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_UP, &a), PT_CPS_CLOSED);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_OPEN, &a), PT_CPS_REQ_SENT);
	CU_ASSERT_EQUAL(a, PT_CPA_IRC | PT_CPA_SCR);
	/* irc to Max-Configure, then scr decrements: "including the first" */
	CU_ASSERT_EQUAL(f.restart, 9);
	CU_ASSERT(pt_cpfsm_timer_running(f.state));
	CU_ASSERT_EQUAL(pt_cpfsm_timeout_event(&f), PT_CPE_TO_PLUS);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_TO_PLUS, &a), PT_CPS_REQ_SENT);
	CU_ASSERT_EQUAL(a, PT_CPA_SCR);
	CU_ASSERT_EQUAL(f.restart, 8);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RCA, &a), PT_CPS_ACK_RCVD);
	CU_ASSERT_EQUAL(f.restart, 10);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RCR_PLUS, &a), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(a, PT_CPA_SCA | PT_CPA_TLU);
	CU_ASSERT(!pt_cpfsm_timer_running(f.state));
	/* echo in Opened */
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RXR, &a), PT_CPS_OPENED);
	CU_ASSERT_EQUAL(a, PT_CPA_SER);
	/* Close: tld, irc (Max-Terminate), str */
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_CLOSE, &a), PT_CPS_CLOSING);
	CU_ASSERT_EQUAL(a, PT_CPA_TLD | PT_CPA_IRC | PT_CPA_STR);
	CU_ASSERT_EQUAL(f.restart, 1);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, pt_cpfsm_timeout_event(&f), &a), PT_CPS_CLOSING);
	CU_ASSERT_EQUAL(a, PT_CPA_STR);
	CU_ASSERT_EQUAL(f.restart, 0);
	CU_ASSERT_EQUAL(pt_cpfsm_timeout_event(&f), PT_CPE_TO_MINUS);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_TO_MINUS, &a), PT_CPS_CLOSED);
	CU_ASSERT_EQUAL(a, PT_CPA_TLF);
	CU_ASSERT(!pt_cpfsm_timer_running(f.state));
}

static void test_cpfsm_counters(void)
{
	pt_cpfsm f;
	unsigned a;

	pt_cpfsm_init(&f, 3, 1, 2);
	(void)pt_cpfsm_event(&f, PT_CPE_UP, &a);
	(void)pt_cpfsm_event(&f, PT_CPE_OPEN, &a);
	CU_ASSERT_EQUAL(f.restart, 2);
	/* Max-Failure: Naks sent without an Ack */
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RCR_MINUS, &a), PT_CPS_REQ_SENT);
	CU_ASSERT(!pt_cpfsm_nak_exhausted(&f));
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RCR_MINUS, &a), PT_CPS_REQ_SENT);
	CU_ASSERT(pt_cpfsm_nak_exhausted(&f));
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RCR_PLUS, &a), PT_CPS_ACK_SENT);
	CU_ASSERT(!pt_cpfsm_nak_exhausted(&f));
	/* timeouts run the counter down, then TO- lands in Stopped with the passive note */
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, pt_cpfsm_timeout_event(&f), &a), PT_CPS_ACK_SENT);
	CU_ASSERT_EQUAL(f.restart, 1);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, pt_cpfsm_timeout_event(&f), &a), PT_CPS_ACK_SENT);
	CU_ASSERT_EQUAL(f.restart, 0);
	CU_ASSERT_EQUAL(pt_cpfsm_timeout_event(&f), PT_CPE_TO_MINUS);
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_TO_MINUS, &a), PT_CPS_STOPPED);
	CU_ASSERT_EQUAL(a, PT_CPA_TLF | PT_CPA_NOTE_PASSIVE);
	/* zrc in Opened on RTR */
	pt_cpfsm_init(&f, 0, 0, 0);
	f.state = PT_CPS_OPENED;
	f.restart = 7;
	CU_ASSERT_EQUAL(pt_cpfsm_event(&f, PT_CPE_RTR, &a), PT_CPS_STOPPING);
	CU_ASSERT_EQUAL(f.restart, 0);
}

static void test_cpfsm_names(void)
{
	unsigned all = 0;

	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_cpfsm_state_vs, PT_CPS_ACK_RCVD), "Ack-Rcvd");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_cp_event_vs, PT_CPE_RXJ_MINUS), "RXJ-");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_cpfsm_action_vs, PT_CPA_SCN), "scn");
	for (const pt_vs *v = pt_cpfsm_action_vs; v->name; v++) {
		CU_ASSERT_EQUAL(v->value & (v->value - 1), 0); /* one bit each */
		CU_ASSERT_EQUAL(all & v->value, 0);
		all |= v->value;
	}
	CU_ASSERT_EQUAL(all & PT_CPA_ACTIONS, PT_CPA_ACTIONS);
	for (int s = 0; s < PT_CPS__N; s++)
		CU_ASSERT_PTR_NOT_NULL(pt_vs_name(pt_cpfsm_state_vs, (uint32_t)s));
	for (int e = 0; e < PT_CPE__N; e++)
		CU_ASSERT_PTR_NOT_NULL(pt_vs_name(pt_cp_event_vs, (uint32_t)e));
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("cpfsm", NULL, NULL);
	UT_ADD(s, test_cpfsm_table_matches_rfc);
	UT_ADD(s, test_cpfsm_spot_checks);
	UT_ADD(s, test_cpfsm_run_open_close);
	UT_ADD(s, test_cpfsm_counters);
	UT_ADD(s, test_cpfsm_names);
}
