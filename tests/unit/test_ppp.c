/* test_ppp.c: PPP frame header parse/build (RFC 1661 2, 6.5, 6.6; RFC 1662 3.1) and protocol numbers. */
#include <string.h>

#include "ppp.h"
#include "ut.h"

static void test_ppp_known_frames(void)
{
	static const struct {
		const char *hex;
		int acf, pfc;
		uint16_t proto;
		size_t proto_off, info_off;
	} k[] = {
		/* LCP Configure-Request as pptp-linux relays it: FF 03 C0 21 */
		{ "ff03c021 01010004", 1, 0, 0xc021, 2, 4 },
		/* ACFC: no address/control */
		{ "c021 01010004", 0, 0, 0xc021, 0, 2 },
		/* PFC with address/control: IPv4 as 0x21 */
		{ "ff0321 4500", 1, 1, 0x0021, 2, 3 },
		/* ACFC + PFC: MPPE datagram 0xFD, then the MPPE header 0x90 0x01 */
		{ "fd 9001aabb", 0, 1, 0x00fd, 0, 1 },
		/* uncompressed 0x0021 */
		{ "0021 45", 0, 0, 0x0021, 0, 2 },
		/* CHAP and CCP */
		{ "ff03c223 01", 1, 0, 0xc223, 2, 4 },
		{ "80fd 0e050004", 0, 0, 0x80fd, 0, 2 },
	};

	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		uint8_t b[32];
		int n = ut_hex(k[i].hex, b, sizeof b);
		pt_cursor c;
		pt_ppp_frame f;

		CU_ASSERT_FATAL(n > 0);
		c = pt_cur(b, (size_t)n);
		CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_OK);
		CU_ASSERT_EQUAL(f.acf_present, k[i].acf);
		CU_ASSERT_EQUAL(f.pfc_used, k[i].pfc);
		CU_ASSERT_EQUAL(f.proto, k[i].proto);
		CU_ASSERT_EQUAL(f.proto_ok, 1);
		CU_ASSERT_EQUAL(f.proto_off, k[i].proto_off);
		CU_ASSERT_EQUAL(pt_off(&f.info), k[i].info_off);
		CU_ASSERT_EQUAL(pt_left(&f.info), (size_t)n - k[i].info_off);
		CU_ASSERT_EQUAL(pt_left(&c), 0);
		CU_ASSERT_EQUAL(f.truncated, 0);

		/* truncation at every length shorter than the header */
		for (size_t len = 0; len < k[i].info_off; len++) {
			pt_cursor t = pt_cur(b, len);
			CU_ASSERT_EQUAL(pt_ppp_parse(&t, &f), PT_ETRUNC);
		}
		/* and at every longer length the header still parses */
		for (size_t len = k[i].info_off; len <= (size_t)n; len++) {
			pt_cursor t = pt_cur(b, len);
			CU_ASSERT_EQUAL(pt_ppp_parse(&t, &f), PT_OK);
			CU_ASSERT_EQUAL(f.proto, k[i].proto);
			CU_ASSERT_EQUAL(pt_left(&f.info), len - k[i].info_off);
		}
	}
}

static void test_ppp_hostile(void)
{
	uint8_t b[8];
	pt_cursor c;
	pt_ppp_frame f;

	/* FF not followed by 03: invalid, not truncated */
	ut_hex("ff02c021", b, sizeof b);
	c = pt_cur(b, 4);
	CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_EINVAL);
	/* FF alone: truncated */
	c = pt_cur(b, 1);
	CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_ETRUNC);
	/* even low octet: parsed, flagged as the wrong shape (RFC 1661 2) */
	ut_hex("0020aa", b, sizeof b);
	c = pt_cur(b, 3);
	CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_OK);
	CU_ASSERT_EQUAL(f.proto, 0x0020);
	CU_ASSERT_EQUAL(f.proto_ok, 0);
	/* first octet even and second even: two-octet field, wrong shape */
	ut_hex("0202", b, sizeof b);
	c = pt_cur(b, 2);
	CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_OK);
	CU_ASSERT_EQUAL(f.proto, 0x0202);
	CU_ASSERT_EQUAL(f.proto_ok, 0);
	/* an odd first octet is always a whole (compressed) protocol field */
	ut_hex("c121", b, sizeof b);
	c = pt_cur(b, 2);
	CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_OK);
	CU_ASSERT_EQUAL(f.proto, 0x00c1);
	CU_ASSERT_EQUAL(f.pfc_used, 1);
	CU_ASSERT_EQUAL(pt_left(&f.info), 1);
	/* FF 03 then nothing */
	ut_hex("ff03", b, sizeof b);
	c = pt_cur(b, 2);
	CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_ETRUNC);
	CU_ASSERT_EQUAL(f.acf_present, 1);
}

static void test_ppp_proto_shape(void)
{
	CU_ASSERT(pt_ppp_proto_valid(0x0021));
	CU_ASSERT(pt_ppp_proto_valid(0xc021));
	CU_ASSERT(pt_ppp_proto_valid(0x80fd));
	CU_ASSERT(pt_ppp_proto_valid(0x0001));
	CU_ASSERT(!pt_ppp_proto_valid(0x0020));
	CU_ASSERT(!pt_ppp_proto_valid(0x0121)); /* high octet odd */
	CU_ASSERT(!pt_ppp_proto_valid(0xffff));
	CU_ASSERT(!pt_ppp_proto_valid(0x0000));
	/* every listed protocol has the RFC 1661 2 shape, and names are unique per value */
	for (const pt_vs *v = pt_ppp_proto_vs; v->name; v++) {
		CU_ASSERT(pt_ppp_proto_valid((uint16_t)v->value));
		CU_ASSERT_PTR_EQUAL(pt_vs_name(pt_ppp_proto_vs, v->value), v->name);
	}
	CU_ASSERT_STRING_EQUAL(pt_ppp_proto_name(0xc223), "CHAP");
	CU_ASSERT_STRING_EQUAL(pt_ppp_proto_name(0x80fd), "CCP");
	CU_ASSERT_STRING_EQUAL(pt_ppp_proto_name(0x00fd), "Compressed datagram");
	CU_ASSERT_STRING_EQUAL(pt_ppp_proto_name(0x8057), "IPV6CP");
	CU_ASSERT_STRING_EQUAL(pt_ppp_proto_name(0x1235), "unknown");
	CU_ASSERT(pt_ppp_proto_is_network(0x0021));
	CU_ASSERT(pt_ppp_proto_is_ncp(0x8021));
	CU_ASSERT(pt_ppp_proto_is_link_control(0xc021));
	CU_ASSERT(!pt_ppp_proto_is_ncp(0xc021));
}

static void test_ppp_build_roundtrip(void)
{
	static const uint16_t protos[] = { 0x0021, 0x0057, 0x00fd, 0x8021, 0x80fd, 0xc021, 0xc223, 0x003d };
	static const uint8_t payload[] = { 1, 2, 3, 4, 5 };

	for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
		for (int acfc = 0; acfc < 2; acfc++)
			for (int pfc = 0; pfc < 2; pfc++) {
				uint8_t buf[16];
				pt_writer w = pt_wr(buf, sizeof buf);
				pt_cursor c;
				pt_ppp_frame f;
				int compressed = pfc && protos[i] < 0x100;
				size_t hdr = (acfc ? 0 : 2) + (compressed ? 1 : 2);

				CU_ASSERT_EQUAL(pt_ppp_build(protos[i], acfc, pfc, payload, sizeof payload, &w), PT_OK);
				CU_ASSERT_EQUAL(pt_wlen(&w), hdr + sizeof payload);
				c = pt_cur(buf, pt_wlen(&w));
				CU_ASSERT_EQUAL(pt_ppp_parse(&c, &f), PT_OK);
				CU_ASSERT_EQUAL(f.proto, protos[i]);
				CU_ASSERT_EQUAL(f.acf_present, !acfc);
				CU_ASSERT_EQUAL(f.pfc_used, compressed);
				CU_ASSERT_EQUAL(pt_left(&f.info), sizeof payload);
				CU_ASSERT_EQUAL(memcmp(f.info.p, payload, sizeof payload), 0);
			}
}

static void test_ppp_build_errors(void)
{
	uint8_t buf[4];
	pt_writer w = pt_wr(buf, sizeof buf);
	static const uint8_t payload[] = { 1, 2, 3 };

	CU_ASSERT_EQUAL(pt_ppp_build(0x0020, 0, 0, payload, 3, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_wlen(&w), 0);
	CU_ASSERT_EQUAL(pt_ppp_build(0x0021, 0, 0, payload, 3, &w), PT_ENOSPC);
	w = pt_wr(buf, sizeof buf);
	CU_ASSERT_EQUAL(pt_ppp_build(0x0021, 1, 1, payload, 3, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 4);
	CU_ASSERT_EQUAL(buf[0], 0x21);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("ppp", NULL, NULL);
	UT_ADD(s, test_ppp_known_frames);
	UT_ADD(s, test_ppp_hostile);
	UT_ADD(s, test_ppp_proto_shape);
	UT_ADD(s, test_ppp_build_roundtrip);
	UT_ADD(s, test_ppp_build_errors);
}
