/* test_cp.c: LCP/CCP/IPCP/IPV6CP packets and options: known packets, every descriptor's decode/build round trip, truncation, hostile lengths. */
#include <string.h>

#include "cp.h"
#include "ppp.h"
#include "ut.h"

static int nfind;
static int last_rule;
static int rule_count[PT_R__COUNT];

static void sink_fn(void *user, const pt_finding *f)
{
	(void)user;
	nfind++;
	last_rule = f->rule;
	if (f->rule >= 0 && f->rule < PT_R__COUNT)
		rule_count[f->rule]++;
}

static const pt_sink sink = { sink_fn, NULL };

static void reset_sink(void)
{
	nfind = 0;
	last_rule = -1;
	memset(rule_count, 0, sizeof rule_count);
}

/* LCP Configure-Request as pppd sends it: MRU 1400, ACCM 0, Auth CHAP/MS-CHAPv2, Magic, PFC, ACFC. */
static const char lcp_req_hex[] = "01 01 00 1d"
				  "01 04 05 78"
				  "02 06 00 00 00 00"
				  "03 05 c2 23 81"
				  "05 06 12 34 56 78"
				  "07 02"
				  "08 02";

static void test_cp_lcp_confreq_known(void)
{
	uint8_t b[64], out[64];
	int n = ut_hex(lcp_req_hex, b, sizeof b);
	pt_cursor c = pt_cur(b, (size_t)n);
	pt_cp_pkt p;
	pt_cp_opt_iter it;
	pt_cp_opt o;
	pt_cp_optval v;
	static const uint8_t types[] = { 1, 2, 3, 5, 7, 8 };
	int i = 0;
	pt_writer w;
	size_t start;

	CU_ASSERT_EQUAL_FATAL(n, 29);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(p.code, PT_CP_CONF_REQ);
	CU_ASSERT_EQUAL(p.id, 1);
	CU_ASSERT_EQUAL(p.length, 29);
	CU_ASSERT_EQUAL(p.complete, 1);
	CU_ASSERT_EQUAL(pt_off(&p.rest), 4);
	CU_ASSERT_EQUAL(pt_left(&p.rest), 25);
	CU_ASSERT_EQUAL(pt_left(&c), 0);

	w = pt_wr(out, sizeof out);
	start = pt_cp_begin(&w, PT_CP_CONF_REQ, 1);
	pt_cp_opt_iter_init(&it, &p.rest, p.complete);
	while (pt_cp_opt_next(&it, &o) == 1) {
		CU_ASSERT_FATAL(i < 6);
		CU_ASSERT_EQUAL(o.type, types[i]);
		CU_ASSERT_EQUAL(pt_cp_opt_decode(PT_CPK_LCP, &o, &v), PT_OK);
		switch (o.type) {
		case PT_LCP_OPT_MRU:
			CU_ASSERT_EQUAL(v.u16, 1400);
			CU_ASSERT_EQUAL(o.off, 4);
			break;
		case PT_LCP_OPT_ACCM:
			CU_ASSERT_EQUAL(v.u32, 0);
			break;
		case PT_LCP_OPT_AUTH:
			CU_ASSERT_EQUAL(v.proto.proto, PT_PPP_CHAP);
			CU_ASSERT_EQUAL(v.proto.alg, 0x81);
			CU_ASSERT_EQUAL(pt_left(&v.proto.data), 0);
			break;
		case PT_LCP_OPT_MAGIC:
			CU_ASSERT_EQUAL(v.u32, 0x12345678u);
			break;
		default:
			CU_ASSERT_EQUAL(o.len, 2);
			break;
		}
		/* the builder writes the option back from its decoded value */
		CU_ASSERT_EQUAL(pt_cp_opt_build(PT_CPK_LCP, o.type, &v, &w), PT_OK);
		i++;
	}
	CU_ASSERT_EQUAL(i, 6);
	CU_ASSERT_EQUAL(pt_cp_end(&w, start), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), (size_t)n);
	CU_ASSERT_EQUAL(memcmp(out, b, (size_t)n), 0);

	/* no findings on this clean request */
	reset_sink();
	CU_ASSERT_EQUAL(pt_cp_opts_check(PT_CPK_LCP, PT_CP_CONF_REQ, &p.rest, 1, &sink, NULL), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);

	/* pt_cp_build gives the same octets from the struct */
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_cp_build(&p, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), (size_t)n);
	CU_ASSERT_EQUAL(memcmp(out, b, (size_t)n), 0);
}

static void test_cp_truncation_every_length(void)
{
	uint8_t b[64];
	int n = ut_hex(lcp_req_hex, b, sizeof b);

	for (int len = 0; len < n; len++) {
		pt_cursor c = pt_cur(b, (size_t)len);
		pt_cp_pkt p;
		pt_cp_opt_iter it;
		pt_cp_opt o;
		int r;

		CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_ETRUNC);
		CU_ASSERT_EQUAL(p.complete, 0);
		if (len < 4)
			continue;
		CU_ASSERT_EQUAL(pt_left(&p.rest), (size_t)len - 4);
		/* options of a cut packet are "truncated", never "invalid" */
		pt_cp_opt_iter_init(&it, &p.rest, p.complete);
		while ((r = pt_cp_opt_next(&it, &o)) == 1)
			;
		CU_ASSERT(r == 0 || r == PT_ETRUNC);
		reset_sink();
		r = pt_cp_opts_check(PT_CPK_LCP, PT_CP_CONF_REQ, &p.rest, p.complete, &sink, NULL);
		CU_ASSERT(r == PT_OK || r == PT_ETRUNC);
		CU_ASSERT_EQUAL(nfind, 0);
	}
}

static void test_cp_header_hostile(void)
{
	uint8_t b[16];
	pt_cursor c;
	pt_cp_pkt p;

	/* Length below 4 */
	ut_hex("01010003", b, sizeof b);
	c = pt_cur(b, 4);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_EINVAL);
	CU_ASSERT_EQUAL(p.length, 3);
	/* padding after Length stays in the caller's cursor (RFC 1661 5) */
	ut_hex("06020004 0000", b, sizeof b);
	c = pt_cur(b, 6);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(p.code, PT_CP_TERM_ACK);
	CU_ASSERT_EQUAL(pt_left(&p.rest), 0);
	CU_ASSERT_EQUAL(pt_left(&c), 2);
	/* Echo-Request whose complete Length cannot hold the magic: invalid */
	ut_hex("09070006 1234", b, sizeof b);
	c = pt_cur(b, 6);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_EINVAL);
	/* the same cut by the capture: truncated */
	ut_hex("0907000c 1234", b, sizeof b);
	c = pt_cur(b, 6);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_ETRUNC);
	/* an unknown code parses, data in rest */
	ut_hex("20010006 abcd", b, sizeof b);
	c = pt_cur(b, 6);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(p.code, 0x20);
	CU_ASSERT_EQUAL(pt_left(&p.rest), 2);
	CU_ASSERT(!pt_cp_code_valid(PT_CPK_LCP, 0x20));
	/* Echo in IPCP is an unknown code: magic not decoded */
	ut_hex("09010008 11223344", b, sizeof b);
	c = pt_cur(b, 8);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_IPCP, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(p.magic, 0);
	CU_ASSERT_EQUAL(pt_left(&p.rest), 4);
}

static void roundtrip_pkt(int kind, const char *hex)
{
	uint8_t b[64], out[64];
	int n = ut_hex(hex, b, sizeof b);
	pt_cursor c = pt_cur(b, (size_t)n);
	pt_cp_pkt p;
	pt_writer w = pt_wr(out, sizeof out);

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(pt_cp_parse(kind, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(pt_cp_build(&p, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), (size_t)n);
	CU_ASSERT_EQUAL(memcmp(out, b, (size_t)n), 0);
	/* every shorter capture is truncated, never invalid */
	for (int len = 0; len < n; len++) {
		pt_cursor t = pt_cur(b, (size_t)len);
		CU_ASSERT_EQUAL(pt_cp_parse(kind, &t, &p), PT_ETRUNC);
	}
}

static void test_cp_other_codes(void)
{
	uint8_t b[32];
	pt_cursor c;
	pt_cp_pkt p;

	/* Echo-Request: magic then data */
	ut_hex("0907000c 12345678 deadbeef", b, sizeof b);
	c = pt_cur(b, 12);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(p.magic, 0x12345678u);
	CU_ASSERT_EQUAL(pt_left(&p.rest), 4);
	CU_ASSERT_EQUAL(pt_off(&p.rest), 8);
	/* Protocol-Reject of CCP with the rejected packet */
	ut_hex("0803000a 80fd 01010004", b, sizeof b);
	c = pt_cur(b, 10);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(p.rej_proto, 0x80fd);
	CU_ASSERT_EQUAL(pt_left(&p.rest), 4);
	/* Time-Remaining (RFC 1570 1.2) */
	ut_hex("0d01000e 00000001 00000e10 6869", b, sizeof b);
	c = pt_cur(b, 14);
	CU_ASSERT_EQUAL(pt_cp_parse(PT_CPK_LCP, &c, &p), PT_OK);
	CU_ASSERT_EQUAL(p.magic, 1);
	CU_ASSERT_EQUAL(p.seconds, 3600);
	CU_ASSERT_EQUAL(pt_left(&p.rest), 2);

	roundtrip_pkt(PT_CPK_LCP, "0907000c 12345678 deadbeef");
	roundtrip_pkt(PT_CPK_LCP, "0a07000c 9abcdef0 deadbeef");
	roundtrip_pkt(PT_CPK_LCP, "0b090008 9abcdef0");
	roundtrip_pkt(PT_CPK_LCP, "0803000a 80fd 01010004");
	roundtrip_pkt(PT_CPK_LCP, "0c01000b 00000001 414243");
	roundtrip_pkt(PT_CPK_LCP, "0d01000e 00000001 00000e10 6869");
	roundtrip_pkt(PT_CPK_LCP, "05020010 5573657220726571756573 74");
	roundtrip_pkt(PT_CPK_LCP, "07040008 20010006");
	roundtrip_pkt(PT_CPK_CCP, "0e050004");
	roundtrip_pkt(PT_CPK_CCP, "0f050006 0102");
	roundtrip_pkt(PT_CPK_CCP, "0101000a 12060100 0040");
	roundtrip_pkt(PT_CPK_IPCP, "0101000a 03060a00 0001");
	roundtrip_pkt(PT_CPK_IPV6CP, "0101000e 010a0011 2233 44556677");
}

static void test_cp_codes_and_kinds(void)
{
	CU_ASSERT(pt_cp_code_valid(PT_CPK_LCP, 1));
	CU_ASSERT(pt_cp_code_valid(PT_CPK_LCP, 11));
	CU_ASSERT(pt_cp_code_valid(PT_CPK_LCP, 12));
	CU_ASSERT(pt_cp_code_valid(PT_CPK_LCP, 13));
	CU_ASSERT(!pt_cp_code_valid(PT_CPK_LCP, 14));
	CU_ASSERT(!pt_cp_code_valid(PT_CPK_LCP, 0));
	CU_ASSERT(pt_cp_code_valid(PT_CPK_CCP, 7));
	CU_ASSERT(!pt_cp_code_valid(PT_CPK_CCP, 8));
	CU_ASSERT(!pt_cp_code_valid(PT_CPK_CCP, 9));
	CU_ASSERT(pt_cp_code_valid(PT_CPK_CCP, 14));
	CU_ASSERT(pt_cp_code_valid(PT_CPK_CCP, 15));
	CU_ASSERT(pt_cp_code_valid(PT_CPK_IPCP, 7));
	CU_ASSERT(!pt_cp_code_valid(PT_CPK_IPCP, 8));
	CU_ASSERT(!pt_cp_code_valid(PT_CPK_IPV6CP, 14));
	CU_ASSERT(!pt_cp_code_valid(-1, 1));
	CU_ASSERT_EQUAL(pt_cp_kind_of(0xc021), PT_CPK_LCP);
	CU_ASSERT_EQUAL(pt_cp_kind_of(0x80fd), PT_CPK_CCP);
	CU_ASSERT_EQUAL(pt_cp_kind_of(0x80fb), PT_CPK_CCP);
	CU_ASSERT_EQUAL(pt_cp_kind_of(0x8021), PT_CPK_IPCP);
	CU_ASSERT_EQUAL(pt_cp_kind_of(0x8057), PT_CPK_IPV6CP);
	CU_ASSERT_EQUAL(pt_cp_kind_of(0xc223), -1);
	CU_ASSERT_EQUAL(pt_cp_kind_proto(PT_CPK_IPCP), 0x8021);
	CU_ASSERT_EQUAL(pt_cp_kind_proto(9), 0);
	CU_ASSERT_STRING_EQUAL(pt_cp_kind_name(PT_CPK_CCP), "CCP");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_cp_code_vs, 3), "Configure-Nak");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_cp_code_vs, 15), "Reset-Ack");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_ccp_mppe_bits_vs, 0x40), "S (128-bit)");
}

static void test_cp_opt_iter_hostile(void)
{
	static const struct {
		const char *hex;
		int complete;
		int want; /* result of the first pt_cp_opt_next */
	} k[] = {
		{ "0101", 1, PT_EINVAL },        /* length 1 */
		{ "0100", 1, PT_EINVAL },        /* length 0 */
		{ "01050000", 1, PT_EINVAL },    /* past a complete packet */
		{ "01050000", 0, PT_ETRUNC },    /* past a cut packet */
		{ "01", 1, PT_EINVAL },          /* one lone octet */
		{ "01", 0, PT_ETRUNC },
		{ "0702", 1, 1 },
	};

	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		uint8_t b[8];
		int n = ut_hex(k[i].hex, b, sizeof b);
		pt_cursor c = pt_cur(b, (size_t)n);
		pt_cp_opt_iter it;
		pt_cp_opt o;

		pt_cp_opt_iter_init(&it, &c, k[i].complete);
		CU_ASSERT_EQUAL(pt_cp_opt_next(&it, &o), k[i].want);
	}
	/* a structural error is reported once as ppp.cp.opt_length */
	{
		uint8_t b[8];
		int n = ut_hex("01040578 0101", b, sizeof b);
		pt_cursor c = pt_cur(b, (size_t)n);
		reset_sink();
		CU_ASSERT_EQUAL(pt_cp_opts_check(PT_CPK_LCP, PT_CP_CONF_REQ, &c, 1, &sink, NULL), PT_EINVAL);
		CU_ASSERT_EQUAL(nfind, 1);
		CU_ASSERT_EQUAL(last_rule, PT_R_PPP_CP_OPT_LENGTH);
	}
}

/* Every descriptor of every table: a well-formed option of the minimum (and a
 * longer, if allowed) length decodes, and the builder gives the same octets;
 * one octet too short or too long is rejected. */
static void test_cp_every_descriptor_roundtrip(void)
{
	static const pt_cp_optdesc *const tables[PT_CPK__N] = {
		pt_cp_lcp_opts, pt_cp_ccp_opts, pt_cp_ipcp_opts, pt_cp_ipv6cp_opts
	};
	int seen = 0;

	for (int kind = 0; kind < PT_CPK__N; kind++) {
		for (const pt_cp_optdesc *d = tables[kind]; d->name; d++) {
			unsigned lens[2] = { d->len_min, d->len_min + 3u <= d->len_max ? d->len_min + 3u : d->len_max };

			CU_ASSERT_PTR_EQUAL(pt_cp_optdesc_find(kind, d->type), d);
			CU_ASSERT_STRING_EQUAL(pt_cp_opt_name(kind, d->type), d->name);
			for (int li = 0; li < 2; li++) {
				uint8_t b[16], out[16];
				pt_cursor c;
				pt_cp_opt_iter it;
				pt_cp_opt o;
				pt_cp_optval v;
				pt_writer w = pt_wr(out, sizeof out);

				b[0] = d->type;
				b[1] = (uint8_t)lens[li];
				/* 0x11, 0x22, ...: a value no decoder special-cases (no PAP/CHAP/VJ) */
				for (unsigned i = 2; i < lens[li]; i++)
					b[i] = (uint8_t)(0x11 * (i - 1));
				c = pt_cur(b, lens[li]);
				pt_cp_opt_iter_init(&it, &c, 1);
				CU_ASSERT_EQUAL_FATAL(pt_cp_opt_next(&it, &o), 1);
				CU_ASSERT_EQUAL(pt_cp_opt_decode(kind, &o, &v), PT_OK);
				CU_ASSERT_EQUAL(pt_cp_opt_build(kind, d->type, &v, &w), PT_OK);
				CU_ASSERT_EQUAL(pt_wlen(&w), lens[li]);
				CU_ASSERT_EQUAL(memcmp(out, b, lens[li]), 0);
				seen++;
			}
			if (d->len_min > 2) {
				uint8_t b[16];
				pt_cp_opt o;
				pt_cp_optval v;
				memset(b, 0x11, sizeof b);
				o.type = d->type;
				o.len = (uint8_t)(d->len_min - 1);
				o.off = 0;
				o.val = pt_cur(b, o.len - 2u);
				CU_ASSERT_EQUAL(pt_cp_opt_decode(kind, &o, &v), PT_EINVAL);
			}
			if (d->len_max < 255) {
				uint8_t b[300];
				pt_cp_opt o;
				pt_cp_optval v;
				memset(b, 0x11, sizeof b);
				o.type = d->type;
				o.len = (uint8_t)(d->len_max + 1);
				o.off = 0;
				o.val = pt_cur(b, o.len - 2u);
				CU_ASSERT_EQUAL(pt_cp_opt_decode(kind, &o, &v), PT_EINVAL);
			}
		}
	}
	CU_ASSERT(seen > 60);
}

static int decode_hex(int kind, const char *hex, pt_cp_optval *v)
{
	static uint8_t b[64]; /* the value's cursors point here */
	int n = ut_hex(hex, b, sizeof b);
	pt_cursor c = pt_cur(b, (size_t)n);
	pt_cp_opt_iter it;
	pt_cp_opt o;

	pt_cp_opt_iter_init(&it, &c, 1);
	if (pt_cp_opt_next(&it, &o) != 1)
		return -100;
	return pt_cp_opt_decode(kind, &o, v);
}

static void test_cp_option_values(void)
{
	pt_cp_optval v;

	/* RFC 1994 3 / RFC 2759 2: CHAP option carries the algorithm */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0305c22305", &v), PT_OK);
	CU_ASSERT_EQUAL(v.proto.alg, 5);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0305c22380", &v), PT_OK);
	CU_ASSERT_EQUAL(v.proto.alg, 0x80);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0304c223", &v), PT_EINVAL);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0306c2238100", &v), PT_EINVAL);
	/* RFC 1334 2.1: PAP option length 4 */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0304c023", &v), PT_OK);
	CU_ASSERT_EQUAL(v.proto.proto, PT_PPP_PAP);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0305c02300", &v), PT_EINVAL);
	/* EAP carries no data either way */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0304c227", &v), PT_OK);
	/* Callback (RFC 1570 2.3): operation 6 as Windows sends it */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "0d0306", &v), PT_OK);
	CU_ASSERT_EQUAL(v.tagged.tag, 6);
	CU_ASSERT_EQUAL(pt_left(&v.tagged.data), 0);
	/* Endpoint discriminator class 1, 4 octets */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "130701aabbccdd", &v), PT_OK);
	CU_ASSERT_EQUAL(v.tagged.tag, 1);
	CU_ASSERT_EQUAL(pt_left(&v.tagged.data), 4);
	/* RFC 3078 2: MPPE-128 stateless is 01 00 00 40 */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_CCP, "120601000040", &v), PT_OK);
	CU_ASSERT_EQUAL(v.u32, PT_CCP_MPPE_H | PT_CCP_MPPE_S);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_CCP, "120601000020", &v), PT_OK);
	CU_ASSERT_EQUAL(v.u32 & PT_CCP_MPPE_KEYS, PT_CCP_MPPE_L);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_CCP, "1205010000", &v), PT_EINVAL);
	/* IPCP: address, DNS (RFC 1877), VJ (RFC 1332 4.1) */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_IPCP, "03060a000001", &v), PT_OK);
	CU_ASSERT_EQUAL(memcmp(v.addr, "\x0a\x00\x00\x01", 4), 0);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_IPCP, "810608080808", &v), PT_OK);
	CU_ASSERT_EQUAL(v.addr[3], 8);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_IPCP, "0206002d0f01", &v), PT_OK);
	CU_ASSERT_EQUAL(v.proto.proto, PT_PPP_VJC_COMP);
	CU_ASSERT_EQUAL(v.proto.max_slot, 15);
	CU_ASSERT_EQUAL(v.proto.comp_slot, 1);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_IPCP, "0204002d", &v), PT_EINVAL);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_IPCP, "03050a0000", &v), PT_EINVAL);
	/* IPV6CP Interface-Identifier (RFC 5072 4.1) */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_IPV6CP, "010a0211223344556677", &v), PT_OK);
	CU_ASSERT_EQUAL(v.addr[0], 0x02);
	CU_ASSERT_EQUAL(v.addr[7], 0x77);
	/* unknown types */
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_LCP, "5502", &v), PT_EUNSUP);
	CU_ASSERT_EQUAL(decode_hex(PT_CPK_IPCP, "0702", &v), PT_EUNSUP);
	CU_ASSERT_STRING_EQUAL(pt_cp_opt_name(PT_CPK_LCP, 0x55), "unknown");
	CU_ASSERT_PTR_NULL(pt_cp_optdesc_find(7, 1));
}

static void test_cp_build_specials(void)
{
	uint8_t out[300], b[8];
	pt_writer w = pt_wr(out, sizeof out);
	pt_cp_optval v;
	pt_cursor c;

	memset(&v, 0, sizeof v);
	v.proto.proto = PT_PPP_CHAP;
	v.proto.alg = 0x81;
	CU_ASSERT_EQUAL(pt_cp_opt_build(PT_CPK_LCP, PT_LCP_OPT_AUTH, &v, &w), PT_OK);
	c = pt_cur(out, pt_wlen(&w));
	CU_ASSERT_EQUAL(pt_wlen(&w), 5);
	CU_ASSERT_EQUAL(memcmp(out, "\x03\x05\xc2\x23\x81", 5), 0);
	(void)c;

	w = pt_wr(out, sizeof out);
	memset(&v, 0, sizeof v);
	v.proto.proto = PT_PPP_VJC_COMP;
	v.proto.max_slot = 15;
	v.proto.comp_slot = 1;
	CU_ASSERT_EQUAL(pt_cp_opt_build(PT_CPK_IPCP, PT_IPCP_OPT_COMP, &v, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 6);
	CU_ASSERT_EQUAL(memcmp(out, "\x02\x06\x00\x2d\x0f\x01", 6), 0);

	/* unknown type: EUNSUP; raw helper writes anything */
	w = pt_wr(out, sizeof out);
	CU_ASSERT_EQUAL(pt_cp_opt_build(PT_CPK_LCP, 0x55, &v, &w), PT_EUNSUP);
	ut_hex("0102", b, sizeof b);
	CU_ASSERT_EQUAL(pt_cp_put_opt(&w, 0x55, b, 2), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 4);
	CU_ASSERT_EQUAL(out[1], 4);
	CU_ASSERT_EQUAL(pt_cp_put_opt(&w, 0x55, out, 254), PT_EINVAL);

	/* an option value longer than 253 octets cannot be built */
	{
		static uint8_t big[260];
		w = pt_wr(out, sizeof out);
		memset(&v, 0, sizeof v);
		v.raw = pt_cur(big, sizeof big);
		CU_ASSERT_EQUAL(pt_cp_opt_build(PT_CPK_CCP, PT_CCP_OPT_HPPPC, &v, &w), PT_EINVAL);
	}
	/* out of space */
	{
		uint8_t small[3];
		w = pt_wr(small, sizeof small);
		memset(&v, 0, sizeof v);
		v.u16 = 1500;
		CU_ASSERT_EQUAL(pt_cp_opt_build(PT_CPK_LCP, PT_LCP_OPT_MRU, &v, &w), PT_ENOSPC);
		w = pt_wr(small, sizeof small);
		(void)pt_cp_begin(&w, 1, 1);
		CU_ASSERT_EQUAL(pt_cp_end(&w, 0), PT_ENOSPC);
	}
}

static void check_opts(int kind, uint8_t code, const char *hex, int rule, int count)
{
	uint8_t b[64];
	int n = ut_hex(hex, b, sizeof b);
	pt_cursor c = pt_cur(b, (size_t)(n < 0 ? 0 : n));

	reset_sink();
	(void)pt_cp_opts_check(kind, code, &c, 1, &sink, NULL);
	if (rule < 0) {
		CU_ASSERT_EQUAL(nfind, 0);
	} else {
		CU_ASSERT_EQUAL(rule_count[rule], count);
		CU_ASSERT_EQUAL(nfind, count);
	}
}

static void test_cp_opts_check_findings(void)
{
	/* duplicate single-instance option */
	check_opts(PT_CPK_LCP, PT_CP_CONF_REQ, "01040578 01040578", PT_R_PPP_CP_OPT_DUPLICATE, 1);
	/* RFC 1661 6.2: two Authentication-Protocol options */
	check_opts(PT_CPK_LCP, PT_CP_CONF_REQ, "0304c023 0305c22305", PT_R_PPP_CP_OPT_DUPLICATE, 1);
	/* a multi-instance option may repeat */
	check_opts(PT_CPK_LCP, PT_CP_CONF_REQ, "0006aabbcc01 0006aabbcc02", -1, 0);
	/* wrong lengths */
	check_opts(PT_CPK_LCP, PT_CP_CONF_REQ, "010305", PT_R_PPP_CP_OPT_LENGTH, 1);
	check_opts(PT_CPK_LCP, PT_CP_CONF_NAK, "05051234 56", PT_R_PPP_CP_OPT_LENGTH, 1);
	check_opts(PT_CPK_LCP, PT_CP_CONF_REQ, "0304c223", PT_R_PPP_CP_OPT_LENGTH, 1);
	check_opts(PT_CPK_IPCP, PT_CP_CONF_REQ, "03050a0000", PT_R_PPP_CP_OPT_LENGTH, 1);
	/* unknown option: info on a Request only */
	check_opts(PT_CPK_LCP, PT_CP_CONF_REQ, "5502", PT_R_PPP_CP_OPT_UNKNOWN, 1);
	check_opts(PT_CPK_LCP, PT_CP_CONF_ACK, "5502", -1, 0);
	/* Reject lists the request's options as they were: nothing to say */
	check_opts(PT_CPK_LCP, PT_CP_CONF_REJ, "010305 5502 01040578 01040578", -1, 0);
	/* a clean CCP MPPE request and IPCP request */
	check_opts(PT_CPK_CCP, PT_CP_CONF_REQ, "120601000040", -1, 0);
	check_opts(PT_CPK_IPCP, PT_CP_CONF_REQ, "0306 00000000 8106 00000000 8306 00000000", -1, 0);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("cp", NULL, NULL);
	UT_ADD(s, test_cp_lcp_confreq_known);
	UT_ADD(s, test_cp_truncation_every_length);
	UT_ADD(s, test_cp_header_hostile);
	UT_ADD(s, test_cp_other_codes);
	UT_ADD(s, test_cp_codes_and_kinds);
	UT_ADD(s, test_cp_opt_iter_hostile);
	UT_ADD(s, test_cp_every_descriptor_roundtrip);
	UT_ADD(s, test_cp_option_values);
	UT_ADD(s, test_cp_build_specials);
	UT_ADD(s, test_cp_opts_check_findings);
}
