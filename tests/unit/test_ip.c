/* test_ip.c: IPv4/IPv6 headers, extension headers, TCP header, builders and checksums. */
#include <string.h>

#include "ip.h"
#include "ut.h"

/* Known answers: frames captured on lo with tcpdump 4.99.3 (link header removed); tcpdump -vv named the correct
 * TCP checksums, the loopback's own being left unfinished by checksum offload. */
/* 127.0.0.1:46588 > 127.0.0.1:1723 SYN, IP checksum 0x3e61 right, TCP 0xfe30 wrong (right: 0x51f3) */
static const char syn4[] =
	"4500 003c fe58 4000 4006 3e61 7f00 0001 7f00 0001 b5fc 06bb c2cd 9ee6 0000 0000"
	"a002 ffd7 fe30 0000 0204 ffd7 0402 080a 1824 c77b 0000 0000 0103 030a";
/* the RST answering it: TCP checksum right */
static const char rst4[] = "4500 0028 0000 4000 4006 3cce 7f00 0001 7f00 0001 06bb b5fc 0000 0000 c2cd 9ee7 5014 0000 9361 0000";
/* ::1.37408 > ::1.1723 SYN, flow label 0xae7cc, TCP right checksum 0x2875 */
static const char syn6[] =
	"600a e7cc 0028 0640 0000 0000 0000 0000 0000 0000 0000 0001 0000 0000 0000 0000"
	"0000 0000 0000 0001 9220 06bb 5c1c e97e 0000 0000 a002 ffc4 0030 0000 0204 ffc4"
	"0402 080a ab46 9bf3 0000 0000 0103 030a";
/* 50 bytes of data, PSH ACK; right TCP checksum 0xd4f5 */
static const char data4[] =
	"4500 0066 5e40 4000 4006 de4f 7f00 0001 7f00 0001 b604 06bb 80d0 93a5 64b8 a646"
	"8018 0040 fe5a 0000 0101 080a 64d5 f312 6f94 3992 6865 6c6c 6f2d 706e 732d 6865"
	"6c6c 6f2d 706e 732d 6865 6c6c 6f2d 706e 732d 6865 6c6c 6f2d 706e 732d 6865 6c6c"
	"6f2d 706e 732d";
/* The IPv4 header checksum example used across the literature (Wikipedia "IPv4 header checksum"): 0xb861. */
static const char wiki[] = "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7";

static int nfind, last_rule, seen[PT_R__COUNT];
static void sink_fn(void *user, const pt_finding *f)
{
	(void)user;
	nfind++;
	last_rule = f->rule;
	seen[f->rule]++;
}
static const pt_sink sink = { sink_fn, NULL };
static const pt_where at0 = { 1, 0, 0, -1, PT_DIR_UNKNOWN };

static size_t hex(const char *h, uint8_t *out, size_t cap)
{
	int n = ut_hex(h, out, cap);
	CU_ASSERT_FATAL(n >= 0);
	return (size_t)n;
}

static int parse(const uint8_t *b, size_t n, pt_ip *ip, pt_cursor *c)
{
	nfind = 0;
	last_rule = -1;
	memset(seen, 0, sizeof seen);
	*c = pt_cur(b, n);
	return pt_ip_parse(c, ip, &sink, &at0);
}

static void test_v4_real(void)
{
	uint8_t b[128];
	size_t n = hex(syn4, b, sizeof b);
	pt_ip ip;
	pt_tcp_hdr th;
	pt_cursor c;
	char s[PT_IP_ADDRSTRLEN];

	CU_ASSERT_EQUAL_FATAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_EQUAL(ip.version, 4);
	CU_ASSERT(ip.csum_ok);
	CU_ASSERT_EQUAL(ip.csum, 0x3e61);
	CU_ASSERT_EQUAL(ip.total_len, 60);
	CU_ASSERT_EQUAL(ip.hdr_len, 20);
	CU_ASSERT_EQUAL(ip.proto, PT_IPPROTO_TCP);
	CU_ASSERT_EQUAL(ip.ttl, 64);
	CU_ASSERT_EQUAL(ip.frag_id, 0xfe58);
	CU_ASSERT(ip.df && !ip.is_fragment && !ip.truncated);
	CU_ASSERT_EQUAL(ip.payload_len, 40);
	CU_ASSERT_EQUAL(ip.payload_off, 20);
	CU_ASSERT_EQUAL(pt_left(&c), 40);
	CU_ASSERT(pt_ip_addr_is_v4(ip.src));
	CU_ASSERT_STRING_EQUAL(pt_ip_addr_str(ip.src, s, sizeof s), "127.0.0.1");

	CU_ASSERT_EQUAL_FATAL(pt_tcp_parse(&c, &ip, &th, &sink, &at0), PT_OK);
	CU_ASSERT_EQUAL(th.sport, 46588);
	CU_ASSERT_EQUAL(th.dport, 1723);
	CU_ASSERT_EQUAL(th.seq, 3268255462u);
	CU_ASSERT_EQUAL(th.flags, PT_TH_SYN);
	CU_ASSERT_EQUAL(th.hlen, 40);
	CU_ASSERT_EQUAL(th.window, 65495);
	CU_ASSERT(th.has_mss && th.mss == 65495);
	CU_ASSERT(th.has_wscale && th.wscale == 10);
	CU_ASSERT(th.sack_ok);
	CU_ASSERT_EQUAL(th.payload_len, 0);
	CU_ASSERT_EQUAL(th.off, 20);
	CU_ASSERT_EQUAL(th.opt_off, 40);
	/* offload left 0xfe30 in the field; the right sum is 0x51f3 */
	CU_ASSERT_EQUAL(th.csum, 0xfe30);
	b[20 + 16] = b[20 + 17] = 0;
	CU_ASSERT_EQUAL(pt_ip_l4_cksum(&ip, PT_IPPROTO_TCP, ip.payload, ip.payload_len), 0x51f3);
	CU_ASSERT_EQUAL(pt_ip_cksum(b, 20), 0);   /* a header holding its right checksum sums to zero */
}

static void test_v4_rst_data(void)
{
	uint8_t b[160];
	size_t n = hex(rst4, b, sizeof b);
	pt_ip ip;
	pt_tcp_hdr th;
	pt_cursor c;

	CU_ASSERT_EQUAL_FATAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_tcp_parse(&c, &ip, &th, &sink, &at0), PT_OK);
	CU_ASSERT_EQUAL(th.flags, PT_TH_RST | PT_TH_ACK);
	CU_ASSERT_EQUAL(th.ack, 3268255463u);
	CU_ASSERT_EQUAL(pt_ip_l4_cksum(&ip, PT_IPPROTO_TCP, ip.payload, ip.payload_len), 0);

	n = hex(data4, b, sizeof b);
	CU_ASSERT_EQUAL_FATAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_tcp_parse(&c, &ip, &th, &sink, &at0), PT_OK);
	CU_ASSERT_EQUAL(th.payload_len, 50);
	CU_ASSERT(memcmp(th.payload, "hello-pns-hello-pns-", 20) == 0);
	CU_ASSERT_EQUAL(th.flags, PT_TH_PSH | PT_TH_ACK);
	b[20 + 16] = 0xd4;
	b[20 + 17] = 0xf5;
	CU_ASSERT_EQUAL(pt_ip_l4_cksum(&ip, PT_IPPROTO_TCP, ip.payload, ip.payload_len), 0);
}

static void test_v4_checksum(void)
{
	uint8_t b[64];
	size_t n = hex(wiki, b, sizeof b);
	pt_ip ip;
	pt_cursor c;

	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT(ip.csum_ok);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT(ip.truncated);           /* says 115 bytes, 20 captured */
	CU_ASSERT_EQUAL(ip.payload_len, 0);
	CU_ASSERT_EQUAL(ip.proto, PT_IPPROTO_UDP);

	b[11] ^= 1;                        /* checksum now wrong: a warning, the packet still parses */
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT(!ip.csum_ok);
	CU_ASSERT_EQUAL(nfind, 1);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IPV4_BAD_CHECKSUM);
}

/* Build an IPv4 packet with a Router Alert option (RFC 2113) and TCP, for the option and truncation tests. */
static size_t build_v4_opt(uint8_t *b, size_t cap, const uint8_t *opt, uint16_t optlen)
{
	pt_ip ip;
	pt_tcp_hdr th;
	uint8_t seg[64];
	pt_writer w = pt_wr(seg, sizeof seg), wb = pt_wr(b, cap);
	static const uint8_t a[4] = { 192, 0, 2, 1 }, z[4] = { 192, 0, 2, 2 };

	memset(&ip, 0, sizeof ip);
	memset(&th, 0, sizeof th);
	ip.version = 4;
	ip.ttl = 64;
	ip.proto = PT_IPPROTO_TCP;
	ip.frag_id = 0x1234;
	pt_ip_addr_v4(ip.src, a);
	pt_ip_addr_v4(ip.dst, z);
	ip.opt = opt;
	ip.opt_len = optlen;
	th.sport = 40000;
	th.dport = 1723;
	th.seq = 1;
	th.flags = PT_TH_ACK;
	CU_ASSERT_EQUAL(pt_tcp_build(&w, &ip, &th, NULL, 0, (const uint8_t *)"abcd", 4), PT_OK);
	CU_ASSERT_EQUAL(pt_ip_build(&wb, &ip, seg, pt_wlen(&w)), PT_OK);
	return pt_wlen(&wb);
}

static void test_v4_options(void)
{
	static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };
	static const uint8_t bad_len[4] = { 0x44, 0x01, 0x00, 0x00 };
	static const uint8_t too_long[4] = { 0x01, 0x83, 0x07, 0x04 };   /* NOP, then record route claiming 7 */
	uint8_t b[128];
	size_t n = build_v4_opt(b, sizeof b, ra, 4);
	pt_ip ip;
	pt_cursor c;

	CU_ASSERT_EQUAL(n, 24 + 24);
	CU_ASSERT_EQUAL_FATAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_EQUAL(ip.hdr_len, 24);
	CU_ASSERT_EQUAL(ip.opt_len, 4);
	CU_ASSERT_EQUAL(ip.opt_off, 20);
	CU_ASSERT(ip.opt && ip.opt[0] == 0x94);
	CU_ASSERT(ip.csum_ok);
	CU_ASSERT_EQUAL(ip.payload_off, 24);

	/* truncated at every length: the header needs 24 bytes, the rest is payload cut short */
	for (size_t k = 0; k < n; k++) {
		int rc = parse(b, k, &ip, &c);
		if (k < 24) {
			CU_ASSERT_EQUAL(rc, PT_ETRUNC);
			CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IP_TRUNCATED);
			CU_ASSERT_EQUAL(pt_off(&c), 0);
		} else {
			CU_ASSERT_EQUAL(rc, PT_OK);
			CU_ASSERT_EQUAL(ip.truncated, 1);
			CU_ASSERT_EQUAL(ip.payload_len, k - 24);
		}
	}

	n = build_v4_opt(b, sizeof b, bad_len, 4);
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(nfind, 1);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IPV4_BAD_OPTION);
	n = build_v4_opt(b, sizeof b, too_long, 4);
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IPV4_BAD_OPTION);
}

static void test_v4_lengths(void)
{
	uint8_t b[128];
	size_t n = hex(rst4, b, sizeof b);
	pt_ip ip;
	pt_cursor c;

	/* Ethernet padding: 6 bytes after the 40 the header claims are not payload */
	memset(b + n, 0, 6);
	CU_ASSERT_EQUAL(parse(b, n + 6, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(ip.trailer, 6);
	CU_ASSERT_EQUAL(ip.payload_len, 20);
	CU_ASSERT_EQUAL(pt_left(&c), 20);
	CU_ASSERT(!ip.truncated);

	/* total length 0: segmentation offload; the captured length is used */
	b[2] = b[3] = 0;
	CU_ASSERT_EQUAL(parse(b, n + 6, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(ip.total_len, 46);
	CU_ASSERT_EQUAL(ip.payload_len, 26);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_IPV4_ZERO_LENGTH], 1);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_IPV4_BAD_CHECKSUM], 1);   /* the length took part in the sum */

	/* total length shorter than the header: invalid, not truncated */
	b[3] = 12;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_EINVAL);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IPV4_MALFORMED);
	CU_ASSERT_EQUAL(pt_off(&c), 0);
	b[3] = 40;
	/* IHL 4 */
	b[0] = 0x44;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_EINVAL);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IPV4_MALFORMED);
	/* IHL 15 with 40 bytes captured: the capture ends inside the header, which is truncation */
	b[0] = 0x4f;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_ETRUNC);
	/* version 5 */
	b[0] = 0x55;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_EINVAL);
	CU_ASSERT_EQUAL(parse(b, 0, &ip, &c), PT_ETRUNC);
}

static void test_v4_fragment_fields(void)
{
	uint8_t b[128];
	size_t n = hex(rst4, b, sizeof b);
	pt_ip ip;
	pt_cursor c;

	/* MF, offset 185 * 8 = 1480; fix the checksum so only the fields change */
	b[6] = 0x20;
	b[7] = 185;
	b[10] = b[11] = 0;
	{
		uint16_t s = pt_ip_cksum(b, 20);
		b[10] = (uint8_t)(s >> 8);
		b[11] = (uint8_t)s;
	}
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT(ip.is_fragment && ip.frag_mf && !ip.df);
	CU_ASSERT_EQUAL(ip.frag_off, 1480);
	/* offset only, MF clear: the last fragment */
	b[6] = 0x00;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT(ip.is_fragment && !ip.frag_mf);
	/* reserved bit */
	b[6] = 0x80;
	b[7] = 0;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT(ip.rf && !ip.is_fragment);
}

static void test_v6_real(void)
{
	uint8_t b[128];
	size_t n = hex(syn6, b, sizeof b);
	pt_ip ip;
	pt_tcp_hdr th;
	pt_cursor c;
	char s[PT_IP_ADDRSTRLEN];

	CU_ASSERT_EQUAL_FATAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(ip.version, 6);
	CU_ASSERT_EQUAL(ip.flow, 0xae7cc);
	CU_ASSERT_EQUAL(ip.ttl, 64);
	CU_ASSERT_EQUAL(ip.proto, PT_IPPROTO_TCP);
	CU_ASSERT_EQUAL(ip.total_len, 80);
	CU_ASSERT_EQUAL(ip.hdr_len, 40);
	CU_ASSERT_EQUAL(ip.payload_len, 40);
	CU_ASSERT(!pt_ip_addr_is_v4(ip.src));
	CU_ASSERT_STRING_EQUAL(pt_ip_addr_str(ip.dst, s, sizeof s), "::1");
	CU_ASSERT_EQUAL_FATAL(pt_tcp_parse(&c, &ip, &th, &sink, &at0), PT_OK);
	CU_ASSERT_EQUAL(th.sport, 37408);
	CU_ASSERT_EQUAL(th.mss, 65476);
	b[40 + 16] = 0x28;
	b[40 + 17] = 0x75;
	CU_ASSERT_EQUAL(pt_ip_l4_cksum(&ip, PT_IPPROTO_TCP, ip.payload, ip.payload_len), 0);
}

/* IPv6 + Hop-by-Hop(8) + Destination Options(8) + Routing(16) + AH(24) + TCP(20). */
static size_t build_v6_chain(uint8_t *b, size_t cap)
{
	static const char chain[] =
		"3c00 0104 0000 0000"                       /* HBH: next 60, PadN */
		"2b00 0104 0000 0000"                       /* DSTOPTS: next 43 */
		"3301 0400 0000 0000 0000 0000 0000 0000"  /* Routing: next 51, len 1 (16 bytes) */
		"0604 0000 0000 0100 0000 0001 0000 0000 0000 0000 0000 0000"; /* AH: next 6, len 4 (24 bytes) */
	uint8_t ext[64], seg[32];
	pt_ip ip;
	pt_tcp_hdr th;
	pt_writer w = pt_wr(b, cap), ws = pt_wr(seg, sizeof seg);
	size_t e = hex(chain, ext, sizeof ext);
	uint8_t pay[96];

	memset(&ip, 0, sizeof ip);
	memset(&th, 0, sizeof th);
	ip.version = 6;
	ip.proto = PT_IPPROTO_HOPOPTS;
	ip.ttl = 255;
	ip.src[0] = 0x20;
	ip.src[1] = 0x01;
	ip.src[2] = 0x0d;
	ip.src[3] = 0xb8;
	ip.src[15] = 1;
	memcpy(ip.dst, ip.src, 16);
	ip.dst[15] = 2;
	th.sport = 1723;
	th.dport = 50000;
	th.flags = PT_TH_ACK;
	CU_ASSERT_EQUAL(pt_tcp_build(&ws, &ip, &th, NULL, 0, NULL, 0), PT_OK);
	memcpy(pay, ext, e);
	memcpy(pay + e, seg, pt_wlen(&ws));
	CU_ASSERT_EQUAL(pt_ip_build(&w, &ip, pay, e + pt_wlen(&ws)), PT_OK);
	return pt_wlen(&w);
}

static void test_v6_ext(void)
{
	uint8_t b[160];
	size_t n = build_v6_chain(b, sizeof b);
	pt_ip ip;
	pt_tcp_hdr th;
	pt_cursor c;
	char s[PT_IP_ADDRSTRLEN];

	CU_ASSERT_EQUAL(n, 40 + 56 + 20);
	CU_ASSERT_EQUAL_FATAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(ip.proto, PT_IPPROTO_TCP);
	CU_ASSERT_EQUAL(ip.hdr_len, 96);
	CU_ASSERT_EQUAL(ip.payload_off, 96);
	CU_ASSERT_EQUAL(ip.payload_len, 20);
	CU_ASSERT_STRING_EQUAL(pt_ip_addr_str(ip.src, s, sizeof s), "2001:db8::1");
	CU_ASSERT_EQUAL(pt_tcp_parse(&c, &ip, &th, &sink, &at0), PT_OK);
	CU_ASSERT_EQUAL(th.sport, 1723);

	for (size_t k = 0; k < n; k++) {
		int rc = parse(b, k, &ip, &c);
		if (k < 96) {
			CU_ASSERT_EQUAL(rc, PT_ETRUNC);
			CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IP_TRUNCATED);
		} else {
			CU_ASSERT_EQUAL(rc, PT_OK);
			CU_ASSERT_EQUAL(ip.truncated, 1);
			CU_ASSERT_EQUAL(ip.payload_len, k - 96);
		}
	}

	/* the same chain with a payload length that ends inside the AH header: invalid, not truncated */
	b[4] = 0;
	b[5] = 50;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_EINVAL);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IPV6_MALFORMED);
	b[5] = 76;
	/* Hop-by-Hop after Destination Options (RFC 8200 4.3: only first) */
	b[40 + 8] = 0;   /* DSTOPTS now says Hop-by-Hop follows */
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_EINVAL);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_IPV6_MALFORMED);
	/* jumbogram */
	b[40 + 8] = 43;
	b[4] = b[5] = 0;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_EUNSUP);
	/* ESP stops the walk */
	b[5] = 76;
	b[6] = PT_IPPROTO_ESP;
	CU_ASSERT_EQUAL(parse(b, n, &ip, &c), PT_OK);
	CU_ASSERT_EQUAL(ip.proto, PT_IPPROTO_ESP);
	CU_ASSERT_EQUAL(ip.payload_len, 76);
}

static void test_v6_fragment(void)
{
	uint8_t b[128], pay[24];
	pt_ip ip, got;
	pt_writer w;
	pt_cursor c;

	memset(&ip, 0, sizeof ip);
	ip.version = 6;
	ip.proto = PT_IPPROTO_GRE;
	ip.src[15] = 1;
	ip.dst[15] = 2;
	ip.is_fragment = 1;
	ip.frag_off = 1448;
	ip.frag_mf = 1;
	ip.frag_id = 0xdeadbeef;
	memset(pay, 0xab, sizeof pay);
	w = pt_wr(b, sizeof b);
	CU_ASSERT_EQUAL(pt_ip_build(&w, &ip, pay, sizeof pay), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 40 + 8 + 24);
	CU_ASSERT_EQUAL(b[6], PT_IPPROTO_FRAGMENT);
	CU_ASSERT_EQUAL_FATAL(parse(b, pt_wlen(&w), &got, &c), PT_OK);
	CU_ASSERT(got.is_fragment && got.frag_hdr && got.frag_mf);
	CU_ASSERT_EQUAL(got.frag_off, 1448);
	CU_ASSERT_EQUAL(got.frag_id, 0xdeadbeefu);
	CU_ASSERT_EQUAL(got.proto, PT_IPPROTO_GRE);
	CU_ASSERT_EQUAL(got.frag_hdr_off, 40);
	CU_ASSERT_EQUAL(got.hdr_len, 48);
	CU_ASSERT_EQUAL(got.payload_len, 24);
	for (size_t k = 40; k < 48; k++)
		CU_ASSERT_EQUAL(parse(b, k, &got, &c), PT_ETRUNC);

	/* RFC 6946 atomic fragment: a whole datagram */
	ip.frag_off = 0;
	ip.frag_mf = 0;
	ip.is_fragment = 0;
	ip.frag_hdr = 1;
	w = pt_wr(b, sizeof b);
	CU_ASSERT_EQUAL(pt_ip_build(&w, &ip, pay, sizeof pay), PT_OK);
	CU_ASSERT_EQUAL_FATAL(parse(b, pt_wlen(&w), &got, &c), PT_OK);
	CU_ASSERT(!got.is_fragment && got.frag_hdr);
	CU_ASSERT_EQUAL(got.proto, PT_IPPROTO_GRE);
	CU_ASSERT_EQUAL(got.payload_len, 24);
}

static void test_tcp_bad(void)
{
	uint8_t b[128];
	size_t n = hex(rst4, b, sizeof b);
	pt_ip ip;
	pt_tcp_hdr th;
	pt_cursor c, seg;

	CU_ASSERT_EQUAL_FATAL(parse(b, n, &ip, &c), PT_OK);
	/* data offset 4 words */
	b[20 + 12] = 0x40;
	seg = c;
	CU_ASSERT_EQUAL(pt_tcp_parse(&seg, &ip, &th, &sink, &at0), PT_EINVAL);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_TCP_MALFORMED);
	CU_ASSERT_EQUAL(pt_off(&seg), 20);
	/* data offset 15 words in a 20-byte segment the IP header says is whole: invalid */
	b[20 + 12] = 0xf0;
	seg = c;
	CU_ASSERT_EQUAL(pt_tcp_parse(&seg, &ip, &th, &sink, &at0), PT_EINVAL);
	/* the same when the capture cut the datagram: truncated */
	ip.truncated = 1;
	seg = c;
	CU_ASSERT_EQUAL(pt_tcp_parse(&seg, &ip, &th, &sink, &at0), PT_ETRUNC);
	CU_ASSERT_EQUAL(last_rule, PT_R_CAP_TCP_TRUNCATED);
	b[20 + 12] = 0x50;
	/* short segments: every length below 20 */
	for (size_t k = 0; k < 20; k++) {
		pt_cursor s2 = pt_cur(b + 20, k);
		ip.truncated = 1;
		CU_ASSERT_EQUAL(pt_tcp_parse(&s2, &ip, &th, &sink, &at0), PT_ETRUNC);
		s2 = pt_cur(b + 20, k);
		ip.truncated = 0;
		CU_ASSERT_EQUAL(pt_tcp_parse(&s2, &ip, &th, &sink, &at0), PT_EINVAL);
		s2 = pt_cur(b + 20, k);
		CU_ASSERT_EQUAL(pt_tcp_parse(&s2, NULL, &th, NULL, NULL), PT_ETRUNC);
	}
}

static void test_build_roundtrip(void)
{
	static const uint8_t opt[7] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01 };   /* MSS 1460, SACK-ok, NOP */
	static const uint8_t a[4] = { 10, 0, 0, 1 }, z[4] = { 10, 0, 0, 2 };
	uint8_t b[256], seg[128], data[50];
	pt_ip ip, got;
	pt_tcp_hdr th, gth;
	pt_writer w = pt_wr(seg, sizeof seg), wb = pt_wr(b, sizeof b);
	pt_cursor c;

	memset(&ip, 0, sizeof ip);
	memset(&th, 0, sizeof th);
	memset(data, 'x', sizeof data);
	ip.version = 4;
	ip.tos = 0x10;
	ip.ttl = 3;
	ip.proto = PT_IPPROTO_TCP;
	ip.frag_id = 777;
	ip.df = 1;
	pt_ip_addr_v4(ip.src, a);
	pt_ip_addr_v4(ip.dst, z);
	th.sport = 1723;
	th.dport = 1024;
	th.seq = 0xfffffff0u;
	th.ack = 0x01020304u;
	th.flags = PT_TH_SYN | PT_TH_ACK | PT_TH_ECE;
	th.window = 29200;
	th.urg = 7;
	CU_ASSERT_EQUAL(pt_tcp_build(&w, &ip, &th, opt, sizeof opt, data, sizeof data), PT_OK);   /* padded to 8 */
	CU_ASSERT_EQUAL(seg[27], 0);
	CU_ASSERT_EQUAL(pt_wlen(&w), 28 + 50);
	CU_ASSERT_EQUAL(pt_ip_l4_cksum(&ip, PT_IPPROTO_TCP, seg, pt_wlen(&w)), 0);
	CU_ASSERT_EQUAL(pt_ip_build(&wb, &ip, seg, pt_wlen(&w)), PT_OK);
	CU_ASSERT_EQUAL(pt_ip_cksum(b, 20), 0);

	CU_ASSERT_EQUAL_FATAL(parse(b, pt_wlen(&wb), &got, &c), PT_OK);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_EQUAL(got.tos, 0x10);
	CU_ASSERT_EQUAL(got.ttl, 3);
	CU_ASSERT_EQUAL(got.frag_id, 777);
	CU_ASSERT(got.df && !got.is_fragment);
	CU_ASSERT(memcmp(got.src, ip.src, 16) == 0 && memcmp(got.dst, ip.dst, 16) == 0);
	CU_ASSERT_EQUAL_FATAL(pt_tcp_parse(&c, &got, &gth, &sink, &at0), PT_OK);
	CU_ASSERT_EQUAL(gth.sport, 1723);
	CU_ASSERT_EQUAL(gth.dport, 1024);
	CU_ASSERT_EQUAL(gth.seq, 0xfffffff0u);
	CU_ASSERT_EQUAL(gth.ack, 0x01020304u);
	CU_ASSERT_EQUAL(gth.flags, th.flags);
	CU_ASSERT_EQUAL(gth.window, 29200);
	CU_ASSERT_EQUAL(gth.urg, 7);
	CU_ASSERT_EQUAL(gth.hlen, 28);
	CU_ASSERT(gth.sack_ok);
	CU_ASSERT(gth.has_mss && gth.mss == 1460);
	CU_ASSERT_EQUAL(gth.payload_len, 50);
	CU_ASSERT_EQUAL(pt_left(&c), 50);

	/* the builders refuse what cannot be */
	wb = pt_wr(b, sizeof b);
	CU_ASSERT_EQUAL(pt_tcp_build(&wb, &ip, &th, opt, 44, NULL, 0), PT_EINVAL);
	wb = pt_wr(b, 30);
	CU_ASSERT_EQUAL(pt_ip_build(&wb, &ip, seg, 20), PT_ENOSPC);
	ip.version = 5;
	wb = pt_wr(b, sizeof b);
	CU_ASSERT_EQUAL(pt_ip_build(&wb, &ip, NULL, 0), PT_EINVAL);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("ip", NULL, NULL);
	UT_ADD(s, test_v4_real);
	UT_ADD(s, test_v4_rst_data);
	UT_ADD(s, test_v4_checksum);
	UT_ADD(s, test_v4_options);
	UT_ADD(s, test_v4_lengths);
	UT_ADD(s, test_v4_fragment_fields);
	UT_ADD(s, test_v6_real);
	UT_ADD(s, test_v6_ext);
	UT_ADD(s, test_v6_fragment);
	UT_ADD(s, test_tcp_bad);
	UT_ADD(s, test_build_roundtrip);
}
