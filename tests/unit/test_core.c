/* test_core.c: the cursor, the writer and the rule catalog. */
#include <string.h>

#include "cursor.h"
#include "finding.h"
#include "rules.h"
#include "ut.h"
#include "vs.h"

static void test_cursor_reads(void)
{
	static const uint8_t b[] = { 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x01, 0xff };
	pt_cursor c = pt_cur(b, sizeof b);
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	CU_ASSERT_EQUAL(pt_get_u32(&c, &v32), PT_OK);
	CU_ASSERT_EQUAL(v32, 0x1a2b3c4du);
	CU_ASSERT_EQUAL(pt_get_u16(&c, &v16), PT_OK);
	CU_ASSERT_EQUAL(v16, 1);
	CU_ASSERT_EQUAL(pt_off(&c), 6);
	CU_ASSERT_EQUAL(pt_get_u16(&c, &v16), PT_ETRUNC);
	CU_ASSERT_EQUAL(pt_left(&c), 1); /* a failed read consumes nothing */
	CU_ASSERT_EQUAL(pt_get_u8(&c, &v8), PT_OK);
	CU_ASSERT_EQUAL(v8, 0xff);
	CU_ASSERT_EQUAL(pt_get_u8(&c, &v8), PT_ETRUNC);
}

static void test_cursor_sub(void)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5 };
	pt_cursor c = pt_cur(b, sizeof b), s;
	uint8_t v;

	CU_ASSERT_EQUAL(pt_skip(&c, 1), PT_OK);
	CU_ASSERT_EQUAL(pt_sub(&c, 2, &s), PT_OK);
	CU_ASSERT_EQUAL(pt_left(&s), 2);
	CU_ASSERT_EQUAL(pt_off(&s), 1); /* offsets stay absolute */
	CU_ASSERT_EQUAL(pt_get_u8(&c, &v), PT_OK);
	CU_ASSERT_EQUAL(v, 4);
	CU_ASSERT_EQUAL(pt_sub(&c, 5, &s), PT_ETRUNC);
	CU_ASSERT_EQUAL(pt_left(&s), 1);
	CU_ASSERT_EQUAL(pt_left(&c), 0);
}

static void test_writer(void)
{
	uint8_t buf[6];
	pt_writer w = pt_wr(buf, sizeof buf);

	pt_put_u32(&w, 0x1a2b3c4d);
	pt_put_u16(&w, 0);
	pt_patch_u16(&w, 4, 0xbeef);
	CU_ASSERT_EQUAL(w.err, PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 6);
	CU_ASSERT_EQUAL(buf[4], 0xbe);
	pt_put_u8(&w, 1);
	CU_ASSERT_EQUAL(w.err, PT_ENOSPC);
	CU_ASSERT_EQUAL(pt_wlen(&w), 6);
}

static void test_rules_catalog(void)
{
	size_t n = pt_rule_count();

	for (size_t i = 0; i < n; i++) {
		const pt_rule *r = pt_rule_get((int)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT(r->id && r->id[0]);
		CU_ASSERT(r->ref && strncmp(r->ref, "RFC ", 4) == 0);
		CU_ASSERT(r->text && r->text[0]);
		/* ids are unique */
		CU_ASSERT_EQUAL(pt_rule_lookup(r->id), (int)i);
	}
	CU_ASSERT_PTR_NULL(pt_rule_get(-1));
	CU_ASSERT_PTR_NULL(pt_rule_get((int)n));
	CU_ASSERT_EQUAL(pt_rule_lookup("no.such.rule"), -1);
}

static int got;
static pt_finding last;
static void sink_fn(void *user, const pt_finding *f)
{
	(void)user;
	got++;
	last = *f;
}

static void test_report(void)
{
	pt_sink s = { sink_fn, NULL };
	pt_where w = { 7, 1000, 1, 2, PT_DIR_PAC };

	got = 0;
	pt_report(&s, 0, &w, "expected %d, got %d", 156, 160);
	CU_ASSERT_EQUAL(got, 1);
	CU_ASSERT_STRING_EQUAL(last.msg, "expected 156, got 160");
	CU_ASSERT_EQUAL(last.at.pkt, 7);
	pt_report(NULL, 0, &w, "dropped");
	CU_ASSERT_EQUAL(got, 1);
}

static void test_vs(void)
{
	static const pt_vs t[] = { { 1, "one" }, { 2, "two" }, { 0, NULL } };
	CU_ASSERT_STRING_EQUAL(pt_vs_name(t, 2), "two");
	CU_ASSERT_PTR_NULL(pt_vs_name(t, 3));
	CU_ASSERT_STRING_EQUAL(pt_vs_name_or(t, 3, "?"), "?");
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("core", NULL, NULL);
	UT_ADD(s, test_cursor_reads);
	UT_ADD(s, test_cursor_sub);
	UT_ADD(s, test_writer);
	UT_ADD(s, test_rules_catalog);
	UT_ADD(s, test_report);
	UT_ADD(s, test_vs);
}
