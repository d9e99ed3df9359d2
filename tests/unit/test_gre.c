/* test_gre.c: the enhanced GRE header and the per-direction flow tracker (lib/gre.c). */
#include <stdlib.h>
#include <string.h>

#include "gre.h"
#include "rules.h"
#include "ut.h"


/* the collecting sink shared by the unit tests (ut_main.c) */
#define sink ut_sink
#define nf ut_nf
#define fs ut_fs
#define clear ut_clear
#define count ut_count
#define first ut_first
static const pt_where where = { 9, 2000000, 1, 0, PT_DIR_PAC };

/* Parse from a heap copy of exactly len octets (ASan catches overreads). */
static int parse_heap(const uint8_t *b, size_t len, size_t wire, pt_gre_hdr *h, size_t *payload_off)
{
	uint8_t *p = malloc(len ? len : 1);
	pt_cursor c;
	int rc;

	memcpy(p, b, len);
	c = pt_cur(p, len);
	rc = wire ? pt_gre_parse_wire(&c, wire, h, &sink, &where) : pt_gre_parse(&c, h, &sink, &where);
	if (payload_off)
		*payload_off = pt_off(&c);
	free(p);
	return rc;
}

/* MS-PTPT 4: flags 0x3081 (K, S, A, version 1), PPP, Payload Length 12,
 * Call ID 64234, Sequence 15, Acknowledgment 15; then 12 payload octets. */
static const char *ms_example =
	"30 81 88 0b 00 0c fa ea 00 00 00 0f 00 00 00 0f"
	"ff 03 c0 21 01 01 00 08 01 02 03 04";

static void test_known_header(void)
{
	uint8_t b[64], out[64];
	int n = ut_hex(ms_example, b, sizeof b);
	pt_gre_hdr h;
	size_t po;
	pt_writer w = pt_wr(out, sizeof out);

	CU_ASSERT_EQUAL_FATAL(n, 28);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, &po), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(h.flags_ver, 0x3081);
	CU_ASSERT(h.k && h.s && h.a && !h.c && !h.r && !h.ssr);
	CU_ASSERT_EQUAL(h.recur, 0);
	CU_ASSERT_EQUAL(h.flags, 0);
	CU_ASSERT_EQUAL(h.ver, 1);
	CU_ASSERT_EQUAL(h.protocol, 0x880b);
	CU_ASSERT_EQUAL(h.payload_len, 12);
	CU_ASSERT_EQUAL(h.call_id, 64234);
	CU_ASSERT_EQUAL(h.seq, 15);
	CU_ASSERT_EQUAL(h.ack, 15);
	CU_ASSERT(h.has_seq && h.has_ack);
	CU_ASSERT_EQUAL(h.hdr_len, 16);
	CU_ASSERT_EQUAL(po, 16); /* cursor at the payload */
	/* build the same bytes back */
	CU_ASSERT_EQUAL(pt_gre_build(&h, b + 16, 12, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 28);
	CU_ASSERT(memcmp(out, b, 28) == 0);
}

static void test_ack_only(void)
{
	uint8_t b[16], out[16];
	int n = ut_hex("20 81 88 0b 00 00 12 34 00 00 01 00", b, sizeof b);
	pt_gre_hdr h, g;
	pt_writer w = pt_wr(out, sizeof out);

	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT(!h.has_seq && h.has_ack);
	CU_ASSERT_EQUAL(h.ack, 256);
	CU_ASSERT_EQUAL(h.hdr_len, 12);
	CU_ASSERT_EQUAL(h.payload_len, 0);
	/* the builder makes the same from pt_gre_init */
	pt_gre_init(&g, 0x1234);
	g.has_ack = 1;
	g.ack = 256;
	CU_ASSERT_EQUAL(pt_gre_build(&g, NULL, 0, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 12);
	CU_ASSERT(memcmp(out, b, 12) == 0);
}

static void test_bad_version_protocol(void)
{
	uint8_t b[64];
	int n = ut_hex(ms_example, b, sizeof b);
	pt_gre_hdr h;

	b[1] = 0x80; /* version 0: plain GRE */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_EUNSUP);
	CU_ASSERT_EQUAL(count(PT_R_GRE_VERSION), 1);
	CU_ASSERT_EQUAL(nf, 1);

	ut_hex(ms_example, b, sizeof b);
	b[2] = 0x08;
	b[3] = 0x00; /* IPv4 */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_EUNSUP);
	CU_ASSERT_EQUAL(count(PT_R_GRE_PROTOCOL), 1);
	CU_ASSERT_EQUAL(nf, 1);
	CU_ASSERT_EQUAL(h.seq, 15); /* header still filled */
	CU_ASSERT(strstr(first(PT_R_GRE_PROTOCOL)->msg, "0x0800") != NULL);
}

static void test_bits(void)
{
	uint8_t b[64];
	int n = ut_hex(ms_example, b, sizeof b);
	pt_gre_hdr h;

	b[0] |= 0x80; /* C */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_GRE_BITS), 1);

	ut_hex(ms_example, b, sizeof b);
	b[0] |= 0x40; /* R */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_GRE_BITS), 1);

	ut_hex(ms_example, b, sizeof b);
	b[0] |= 0x08 | 0x02; /* s and Recur 2: reported, still parsed */
	b[1] |= 0x10;        /* a Flags bit */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_GRE_BITS), 3);
	CU_ASSERT_EQUAL(h.recur, 2);
	CU_ASSERT_EQUAL(h.flags, 2);
	CU_ASSERT_EQUAL(h.seq, 15);

	ut_hex(ms_example, b, sizeof b);
	b[0] &= (uint8_t)~0x20; /* K clear */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_GRE_NO_KEY), 1);
	CU_ASSERT_EQUAL(nf, 1);
}

static void test_length_mismatch(void)
{
	uint8_t b[64];
	int n = ut_hex(ms_example, b, sizeof b);
	pt_gre_hdr h;
	const pt_finding *f;

	/* two octets fewer than the key says, and the capture is the whole datagram */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n - 2, 0, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_GRE_LENGTH_MISMATCH), 1);
	CU_ASSERT_EQUAL(count(PT_R_GRE_TRUNCATED), 0);
	f = first(PT_R_GRE_LENGTH_MISMATCH);
	CU_ASSERT(f && strstr(f->msg, "expected 10") && strstr(f->msg, "got 12"));
	/* two octets more */
	b[n] = 0;
	b[n + 1] = 0;
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n + 2, 0, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_GRE_LENGTH_MISMATCH), 1);
	/* the wire had all 28 octets but only 24 were captured: truncation, not mismatch */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n - 4, (size_t)n, &h, NULL), PT_ETRUNC);
	CU_ASSERT_EQUAL(count(PT_R_GRE_LENGTH_MISMATCH), 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_TRUNCATED), 1);
	CU_ASSERT_EQUAL(h.payload_len, 12);
	/* exact wire length: quiet */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, (size_t)n, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
}

static void test_presence_rules(void)
{
	uint8_t b[32];
	int n;
	pt_gre_hdr h;

	/* payload without S */
	n = ut_hex("20 81 88 0b 00 02 00 01 00 00 00 05 ff 03", b, sizeof b);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_GRE_PAYLOAD_NO_SEQ), 1);
	CU_ASSERT_EQUAL(nf, 1);
	/* S without payload */
	n = ut_hex("30 01 88 0b 00 00 00 01 00 00 00 05", b, sizeof b);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_NO_PAYLOAD), 1);
	CU_ASSERT_EQUAL(nf, 1);
	/* nothing at all */
	n = ut_hex("20 01 88 0b 00 00 00 01", b, sizeof b);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, (size_t)n, 0, &h, NULL), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_GRE_EMPTY), 1);
	CU_ASSERT_EQUAL(h.hdr_len, 8);
}

static void test_truncation(void)
{
	uint8_t b[64];
	int n = ut_hex(ms_example, b, sizeof b);
	pt_gre_hdr h;

	/* every length shorter than the 16-octet header: truncated, no finding */
	for (size_t l = 0; l < 16; l++) {
		clear();
		CU_ASSERT_EQUAL(parse_heap(b, l, 0, &h, NULL), PT_ETRUNC);
		CU_ASSERT_EQUAL(nf, 0);
	}
	/* longer ones with the wire length known: truncated payload */
	for (size_t l = 16; l < (size_t)n; l++) {
		clear();
		CU_ASSERT_EQUAL(parse_heap(b, l, (size_t)n, &h, NULL), PT_ETRUNC);
		CU_ASSERT_EQUAL(count(PT_R_GRE_TRUNCATED), 1);
		CU_ASSERT_EQUAL(nf, 1);
	}
}

static void test_build_errors(void)
{
	uint8_t out[8];
	pt_writer w = pt_wr(out, sizeof out);
	pt_gre_hdr h;
	static uint8_t big[70000];

	pt_gre_init(&h, 1);
	h.has_seq = 1;
	CU_ASSERT_EQUAL(pt_gre_build(&h, (const uint8_t *)"abcd", 4, &w), PT_ENOSPC);
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_gre_build(&h, big, sizeof big, &w), PT_EINVAL);
}

static void test_build_parse_roundtrip(void)
{
	uint8_t out[64];
	uint8_t pl[5] = { 1, 2, 3, 4, 5 };

	for (int s = 0; s < 2; s++)
		for (int a = 0; a < 2; a++) {
			pt_gre_hdr h, g;
			pt_writer w = pt_wr(out, sizeof out);
			size_t len = s ? sizeof pl : 0;

			pt_gre_init(&h, 0xbeef);
			h.has_seq = (uint8_t)s;
			h.seq = 0xfffffff0u;
			h.has_ack = (uint8_t)a;
			h.ack = 7;
			CU_ASSERT_EQUAL(pt_gre_build(&h, pl, len, &w), PT_OK);
			clear();
			CU_ASSERT(parse_heap(out, pt_wlen(&w), 0, &g, NULL) == PT_OK);
			CU_ASSERT_EQUAL(g.has_seq, s);
			CU_ASSERT_EQUAL(g.has_ack, a);
			CU_ASSERT_EQUAL(g.call_id, 0xbeef);
			CU_ASSERT_EQUAL(g.payload_len, len);
			CU_ASSERT_EQUAL(g.hdr_len, 8 + 4 * s + 4 * a);
			if (s)
				CU_ASSERT_EQUAL(g.seq, 0xfffffff0u);
			if (a)
				CU_ASSERT_EQUAL(g.ack, 7);
			CU_ASSERT_EQUAL(nf, (!s && !a) ? 1 : 0); /* empty packet */
		}
}

static void test_seq_diff(void)
{
	CU_ASSERT_EQUAL(pt_gre_seq_diff(5, 3), 2);
	CU_ASSERT_EQUAL(pt_gre_seq_diff(3, 5), -2);
	CU_ASSERT_EQUAL(pt_gre_seq_diff(0, 0xffffffffu), 1);
	CU_ASSERT_EQUAL(pt_gre_seq_diff(0xffffffffu, 0), -1);
	CU_ASSERT_EQUAL(pt_gre_seq_diff(0x7fffffffu, 0), 0x7fffffff);
	CU_ASSERT_EQUAL(pt_gre_seq_diff(0x80000001u, 0), -0x7fffffff);
}

/* ---- flow tracker -------------------------------------------------------- */

static void pkt(pt_gre_flow *self, const pt_gre_flow *peer, int has_seq, uint32_t seq, int has_ack, uint32_t ack)
{
	pt_gre_hdr h;

	pt_gre_init(&h, 1);
	h.has_seq = (uint8_t)has_seq;
	h.seq = seq;
	h.has_ack = (uint8_t)has_ack;
	h.ack = ack;
	h.payload_len = has_seq ? 100 : 0;
	pt_gre_flow_on_pkt(self, peer, &h, h.payload_len, &sink, &where);
}

static void test_flow_in_order(void)
{
	pt_gre_flow f, p;

	pt_gre_flow_init(&f, 0);
	pt_gre_flow_init(&p, 0);
	clear();
	for (uint32_t s = 0; s < 10; s++)
		pkt(&f, &p, 1, s, 0, 0);
	pkt(&f, &p, 0, 0, 1, 0); /* ack-only, no peer data yet: nothing to check against */
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(f.packets, 11);
	CU_ASSERT_EQUAL(f.payload_pkts, 10);
	CU_ASSERT_EQUAL(f.ack_only, 1);
	CU_ASSERT_EQUAL(f.bytes, 1000);
	CU_ASSERT_EQUAL(f.highest_seq, 9);
	CU_ASSERT_EQUAL(f.lost + f.reordered + f.duplicates, 0);
}

static void test_flow_loss_reorder_dup(void)
{
	pt_gre_flow f;

	pt_gre_flow_init(&f, 0);
	clear();
	pkt(&f, NULL, 1, 0, 0, 0);
	pkt(&f, NULL, 1, 1, 0, 0);
	pkt(&f, NULL, 1, 4, 0, 0); /* 2 and 3 missing */
	CU_ASSERT_EQUAL(f.lost, 2);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_GAP), 1);
	CU_ASSERT(strstr(first(PT_R_GRE_SEQ_GAP)->msg, "2 missing") != NULL);
	pkt(&f, NULL, 1, 2, 0, 0); /* late: reordered, not lost */
	CU_ASSERT_EQUAL(f.reordered, 1);
	CU_ASSERT_EQUAL(f.lost, 1);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_REORDER), 1);
	pkt(&f, NULL, 1, 2, 0, 0); /* again: duplicate */
	pkt(&f, NULL, 1, 4, 0, 0); /* the highest again: duplicate */
	pkt(&f, NULL, 1, 0, 0, 0); /* an old one again: duplicate */
	CU_ASSERT_EQUAL(f.duplicates, 3);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_DUP), 3);
	CU_ASSERT_EQUAL(f.lost, 1);
	CU_ASSERT_EQUAL(f.highest_seq, 4);
	/* far behind: stale */
	pkt(&f, NULL, 1, 200, 0, 0);
	clear();
	pkt(&f, NULL, 1, 100, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_STALE), 1);
	CU_ASSERT_EQUAL(f.stale, 1);
	/* far ahead: jump, no loss counted */
	{
		uint64_t lost = f.lost;
		clear();
		pkt(&f, NULL, 1, 200 + PT_GRE_MAX_JUMP + 1, 0, 0);
		CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_JUMP), 1);
		CU_ASSERT_EQUAL(f.lost, lost);
		CU_ASSERT_EQUAL(f.jumps, 1);
	}
}

static void test_flow_wrap(void)
{
	pt_gre_flow f;

	pt_gre_flow_init(&f, 0);
	clear();
	pkt(&f, NULL, 1, 0xfffffffeu, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_START), 1);
	clear();
	pkt(&f, NULL, 1, 0xffffffffu, 0, 0);
	pkt(&f, NULL, 1, 0, 0, 0);
	pkt(&f, NULL, 1, 2, 0, 0); /* 1 missing, across the wrap */
	CU_ASSERT_EQUAL(f.lost, 1);
	pkt(&f, NULL, 1, 1, 0, 0);
	CU_ASSERT_EQUAL(f.lost, 0);
	CU_ASSERT_EQUAL(f.reordered, 1);
	CU_ASSERT_EQUAL(f.highest_seq, 2);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_GAP), 1);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_REORDER), 1);
	CU_ASSERT_EQUAL(nf, 2);
	/* a packet from before the first one seen is reordered, never "found" loss */
	pkt(&f, NULL, 1, 0xfffffffdu, 0, 0);
	CU_ASSERT_EQUAL(f.reordered, 2);
	CU_ASSERT_EQUAL(f.lost, 0);
}

static void test_flow_acks(void)
{
	pt_gre_flow pns, pac;

	pt_gre_flow_init(&pns, 0);
	pt_gre_flow_init(&pac, 0);
	clear();
	for (uint32_t s = 0; s <= 10; s++)
		pkt(&pac, &pns, 1, s, 0, 0);
	pkt(&pns, &pac, 1, 0, 1, 10); /* acks everything the PAC sent */
	CU_ASSERT_EQUAL(nf, 0);
	pkt(&pns, &pac, 1, 1, 1, 11); /* the PAC never sent 11 */
	CU_ASSERT_EQUAL(count(PT_R_GRE_ACK_AHEAD), 1);
	CU_ASSERT_EQUAL(pns.acks_ahead, 1);
	clear();
	pkt(&pns, &pac, 0, 0, 1, 8); /* in-order (ack-only) packet acking less */
	CU_ASSERT_EQUAL(count(PT_R_GRE_ACK_BACKWARDS), 1);
	CU_ASSERT_EQUAL(pns.highest_ack, 10); /* the impossible ack 11 was not kept */
	/* a reordered packet carrying an old ack: no backwards finding */
	pkt(&pns, &pac, 1, 5, 0, 0);
	clear();
	pkt(&pns, &pac, 1, 3, 1, 9);
	CU_ASSERT_EQUAL(count(PT_R_GRE_ACK_BACKWARDS), 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_SEQ_REORDER), 1);
	/* no peer: acks are not checked against anything */
	clear();
	pkt(&pns, NULL, 0, 0, 1, 1000);
	CU_ASSERT_EQUAL(count(PT_R_GRE_ACK_AHEAD), 0);
}

static void test_flow_window(void)
{
	pt_gre_flow tx, rx;

	pt_gre_flow_init(&tx, 4); /* the receiver announced a window of 4 */
	pt_gre_flow_init(&rx, 0);
	clear();
	for (uint32_t s = 0; s < 4; s++)
		pkt(&tx, &rx, 1, s, 0, 0);
	CU_ASSERT_EQUAL(nf, 0); /* 4 in flight: at the window */
	pkt(&tx, &rx, 1, 4, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_WINDOW), 1);
	CU_ASSERT(strstr(first(PT_R_GRE_WINDOW)->msg, "5 packets in flight") != NULL);
	pkt(&tx, &rx, 1, 5, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_WINDOW), 1); /* once per overrun */
	pkt(&rx, &tx, 0, 0, 1, 5);                  /* receiver acks up to 5 */
	pkt(&tx, &rx, 1, 6, 0, 0);                  /* 1 in flight */
	CU_ASSERT_EQUAL(tx.in_violation, 0);
	clear();
	for (uint32_t s = 7; s <= 9; s++)
		pkt(&tx, &rx, 1, s, 0, 0);
	CU_ASSERT_EQUAL(nf, 0); /* 9 - 5 = 4 */
	pkt(&tx, &rx, 1, 10, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_WINDOW), 1); /* 10 - 5 = 5 > 4 */
	CU_ASSERT_EQUAL(tx.window_violations, 2);
	pkt(&tx, &rx, 1, 11, 0, 0);
	clear();
	pkt(&rx, &tx, 0, 0, 1, 11);
	pkt(&tx, &rx, 1, 12, 0, 0);
	for (uint32_t s = 13; s <= 17; s++)
		pkt(&tx, &rx, 1, s, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_WINDOW), 1); /* at 16: 16 - 11 = 5 */
	CU_ASSERT_EQUAL(tx.window_violations, 3);
	CU_ASSERT_EQUAL(tx.max_in_flight, 6);      /* seq 5 before any ack: 0..5 */
	/* window 0 (Windows, MS-PTPT 3.1.5.7): never checked */
	pt_gre_flow_init(&tx, 0);
	pt_gre_flow_init(&rx, 0);
	clear();
	for (uint32_t s = 0; s < 100; s++)
		pkt(&tx, &rx, 1, s, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_WINDOW), 0);
	CU_ASSERT_EQUAL(tx.max_in_flight, 100);
	/* a window learnt later applies from then on */
	pt_gre_flow_set_window(&tx, 10);
	pkt(&tx, &rx, 1, 100, 0, 0);
	CU_ASSERT_EQUAL(count(PT_R_GRE_WINDOW), 1);
}

/* ---- hostile input -------------------------------------------------------- */

static uint32_t lcg = 99;
static uint32_t rnd(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return lcg >> 8;
}

static void test_hostile(void)
{
	uint8_t b[64];
	pt_gre_flow f, p;
	pt_gre_hdr h;

	pt_gre_flow_init(&f, 3);
	pt_gre_flow_init(&p, 3);
	for (int i = 0; i < 5000; i++) {
		size_t len = rnd() % sizeof b;
		int rc;
		for (size_t k = 0; k < len; k++)
			b[k] = (uint8_t)rnd();
		if (len >= 2 && (i & 1)) {
			b[0] = (uint8_t)((b[0] & 0x10) | 0x20);
			b[1] = (uint8_t)((b[1] & 0x80) | 0x01);
			if (len >= 4) {
				b[2] = 0x88;
				b[3] = 0x0b;
			}
		}
		clear();
		rc = parse_heap(b, len, (i & 2) ? len + rnd() % 8 : 0, &h, NULL);
		CU_ASSERT(rc == PT_OK || rc == PT_ETRUNC || rc == PT_EINVAL || rc == PT_EUNSUP);
		if (rc == PT_OK)
			pt_gre_flow_on_pkt((i & 4) ? &f : &p, (i & 4) ? &p : &f, &h, h.payload_len, &sink, &where);
	}
	CU_ASSERT(f.packets + p.packets > 0);
}

/* pt_gre_parse_quiet: where it takes a header, pt_gre_parse_wire gives the same header and cursor with no finding;
 * where it does not, it touches nothing.  Random headers near the common one, and the common one. */
static void test_quiet_as_wire(void)
{
	uint8_t b[40];
	int taken = 0, left = 0;

	for (int i = 0; i < 20000; i++) {
		size_t len = rnd() % sizeof b, wire = (i & 1) ? len : len + rnd() % 6 - (rnd() % 3);
		pt_gre_hdr hq, hw;
		pt_cursor cq, cw;
		int q;

		for (size_t k = 0; k < len; k++)
			b[k] = (uint8_t)rnd();
		if (len >= 16 && (i & 6)) {
			b[0] = (i & 8) ? 0x30 : (uint8_t)(0x30 | (rnd() % 2 ? 0x80 : 0) | (rnd() % 2 ? 0x08 : 0));
			b[1] = (uint8_t)((rnd() % 2 ? 0x80 : 0) | ((i & 16) ? 0x01 : (rnd() % 8)));
			b[2] = 0x88;
			b[3] = (i & 32) ? 0x0b : (uint8_t)rnd();
			size_t hl = b[1] & 0x80 ? 16 : 12, pl = len - hl;
			if (i & 64)
				pl += rnd() % 3 - 1;
			b[4] = (uint8_t)(pl >> 8);
			b[5] = (uint8_t)pl;
		}
		memset(&hq, 0xa5, sizeof hq);
		cq = cw = pt_cur(b, len);
		q = pt_gre_parse_quiet(&cq, wire, &hq);
		if (!q) {
			uint8_t junk[sizeof hq];
			memset(junk, 0xa5, sizeof junk);
			CU_ASSERT(cq.p == b && memcmp(&hq, junk, sizeof hq) == 0);
			left++;
			continue;
		}
		taken++;
		clear();
		CU_ASSERT_EQUAL(pt_gre_parse_wire(&cw, wire, &hw, &sink, &where), PT_OK);
		CU_ASSERT_EQUAL(nf, 0);
		CU_ASSERT(cq.p == cw.p);
		CU_ASSERT(memcmp(&hq, &hw, sizeof hq) == 0);
	}
	/* both sides exercised */
	CU_ASSERT(taken > 200);
	CU_ASSERT(left > 1000);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("gre", NULL, NULL);
	UT_ADD(s, test_known_header);
	UT_ADD(s, test_ack_only);
	UT_ADD(s, test_bad_version_protocol);
	UT_ADD(s, test_bits);
	UT_ADD(s, test_length_mismatch);
	UT_ADD(s, test_presence_rules);
	UT_ADD(s, test_truncation);
	UT_ADD(s, test_build_errors);
	UT_ADD(s, test_build_parse_roundtrip);
	UT_ADD(s, test_seq_diff);
	UT_ADD(s, test_flow_in_order);
	UT_ADD(s, test_flow_loss_reorder_dup);
	UT_ADD(s, test_flow_wrap);
	UT_ADD(s, test_flow_acks);
	UT_ADD(s, test_flow_window);
	UT_ADD(s, test_hostile);
	UT_ADD(s, test_quiet_as_wire);
}
