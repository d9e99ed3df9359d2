/* test_gre_tx.c: the sending side of a GRE flow (lib/gre.h pt_gre_tx): numbers, acknowledgments owed, the peer's window (RFC 2637 4.2-4.4). */
#include <string.h>

#include <CUnit/CUnit.h>

#include "gre.h"
#include "ut.h"

static pt_gre_hdr rx(int has_seq, uint32_t seq, int has_ack, uint32_t ack)
{
	pt_gre_hdr h;

	pt_gre_init(&h, 1);
	h.s = h.has_seq = (uint8_t)has_seq;
	h.seq = seq;
	h.a = h.has_ack = (uint8_t)has_ack;
	h.ack = ack;
	return h;
}

static void test_numbers_and_acks(void)
{
	pt_gre_tx t;
	pt_gre_hdr h, r;

	pt_gre_tx_init(&t, 0, 3);
	/* the first packet: S with 0, nothing to acknowledge yet */
	pt_gre_tx_next(&t, &h, 0x4242, 1);
	CU_ASSERT_EQUAL(h.call_id, 0x4242);
	CU_ASSERT(h.has_seq && h.s);
	CU_ASSERT_EQUAL(h.seq, 0);
	CU_ASSERT(!h.has_ack);
	CU_ASSERT_EQUAL(pt_gre_tx_in_flight(&t), 1);
	/* the peer sends 5 and acknowledges our 0 */
	r = rx(1, 5, 1, 0);
	pt_gre_tx_on_rx(&t, &r);
	CU_ASSERT(t.ack_due);
	CU_ASSERT_EQUAL(pt_gre_tx_in_flight(&t), 0);
	/* an acknowledgment-only packet: A with 5, no S, no number used */
	pt_gre_tx_next(&t, &h, 0x4242, 0);
	CU_ASSERT(!h.has_seq);
	CU_ASSERT(h.has_ack && h.a);
	CU_ASSERT_EQUAL(h.ack, 5);
	CU_ASSERT(!t.ack_due);
	CU_ASSERT_EQUAL(t.next_seq, 1);
	/* a late packet (4) does not move the acknowledgment back */
	r = rx(1, 4, 0, 0);
	pt_gre_tx_on_rx(&t, &r);
	CU_ASSERT_EQUAL(t.rx_seq, 5);
	/* the wire format builds */
	uint8_t buf[64];
	pt_writer w = pt_wr(buf, sizeof buf);
	pt_gre_tx_next(&t, &h, 0x4242, 1);
	CU_ASSERT_EQUAL(pt_gre_build(&h, (const uint8_t *)"\xff\x03\xc0\x21", 4, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 16 + 4); /* 8 + seq + ack */
	CU_ASSERT_EQUAL(buf[1] & 0x80, 0x80); /* A */
	CU_ASSERT_EQUAL(buf[0] & 0x30, 0x30); /* K and S */
}

static void test_window(void)
{
	pt_gre_tx t;
	pt_gre_hdr h, r;

	pt_gre_tx_init(&t, 100, 2);
	CU_ASSERT(pt_gre_tx_window_open(&t));
	pt_gre_tx_next(&t, &h, 1, 1);
	pt_gre_tx_next(&t, &h, 1, 1);
	CU_ASSERT_EQUAL(pt_gre_tx_in_flight(&t), 2);
	CU_ASSERT(!pt_gre_tx_window_open(&t)); /* RFC 2637 4.4: two in flight, window 2 */
	/* an acknowledgment of a number never sent is not taken */
	r = rx(0, 0, 1, 500);
	pt_gre_tx_on_rx(&t, &r);
	CU_ASSERT(!pt_gre_tx_window_open(&t));
	r = rx(0, 0, 1, 100);
	pt_gre_tx_on_rx(&t, &r);
	CU_ASSERT_EQUAL(pt_gre_tx_in_flight(&t), 1);
	CU_ASSERT(pt_gre_tx_window_open(&t));
	/* window 0: no limit */
	pt_gre_tx_init(&t, 0, 0);
	for (int i = 0; i < 1000; i++)
		pt_gre_tx_next(&t, &h, 1, 1);
	CU_ASSERT(pt_gre_tx_window_open(&t));
}

static void test_wrap(void)
{
	pt_gre_tx t;
	pt_gre_hdr h, r;

	/* RFC 1982 arithmetic: 0xFFFFFFFF then 0, and acknowledgments across the wrap */
	pt_gre_tx_init(&t, 0xfffffffeu, 8);
	pt_gre_tx_next(&t, &h, 1, 1);
	CU_ASSERT_EQUAL(h.seq, 0xfffffffeu);
	pt_gre_tx_next(&t, &h, 1, 1);
	CU_ASSERT_EQUAL(h.seq, 0xffffffffu);
	pt_gre_tx_next(&t, &h, 1, 1);
	CU_ASSERT_EQUAL(h.seq, 0);
	CU_ASSERT_EQUAL(pt_gre_tx_in_flight(&t), 3);
	r = rx(0, 0, 1, 0xffffffffu);
	pt_gre_tx_on_rx(&t, &r);
	CU_ASSERT_EQUAL(pt_gre_tx_in_flight(&t), 1);
	r = rx(1, 0xffffffffu, 1, 0);
	pt_gre_tx_on_rx(&t, &r);
	CU_ASSERT_EQUAL(pt_gre_tx_in_flight(&t), 0);
	r = rx(1, 0, 0, 0);
	pt_gre_tx_on_rx(&t, &r);
	CU_ASSERT_EQUAL(t.rx_seq, 0); /* 0 is after 0xFFFFFFFF */
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("gre_tx", NULL, NULL);
	UT_ADD(s, test_numbers_and_acks);
	UT_ADD(s, test_window);
	UT_ADD(s, test_wrap);
}
