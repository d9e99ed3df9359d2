/* test_link.c: link-layer decode and build (Ethernet, 802.1Q/QinQ, LLC/SNAP, Linux cooked v1/v2, BSD loopback, raw IP). */
#include <string.h>

#include "link.h"
#include "ut.h"

/* Frames captured on this project's Debian 12 host with tcpdump 4.99.3 / libpcap 1.10.3: a SYN to 127.0.0.1:1723
 * on lo (EN10MB), then on "any" (LINUX_SLL2, the default) and "any" with -y LINUX_SLL. */
static const char syn_lo[] =
	"0000 0000 0000 0000 0000 0000 0800 4500 003c fe58 4000 4006 3e61 7f00 0001 7f00"
	"0001 b5fc 06bb c2cd 9ee6 0000 0000 a002 ffd7 fe30 0000 0204 ffd7 0402 080a 1824"
	"c77b 0000 0000 0103 030a";
static const char syn_sll2[] =
	"0800 0000 0000 0001 0304 0006 0000 0000 0000 0000 4500 003c fe58 4000 4006 3e61"
	"7f00 0001 7f00 0001 b5fc 06bb c2cd 9ee6 0000 0000 a002 ffd7 fe30 0000 0204 ffd7"
	"0402 080a 1824 c77b 0000 0000 0103 030a";
static const char syn6_sll2[] =
	"86dd 0000 0000 0001 0304 0006 0000 0000 0000 0000 600a e7cc 0028 0640 0000 0000"
	"0000 0000 0000 0000 0000 0001 0000 0000 0000 0000 0000 0000 0000 0001 9220 06bb";
static const char syn_sll1[] =
	"0000 0304 0006 0000 0000 0000 0000 0800 4500 003c fe58 4000 4006 3e61 7f00 0001"
	"7f00 0001 b5fc 06bb c2cd 9ee6 0000 0000 a002 ffd7 fe30 0000 0204 ffd7 0402 080a";

static size_t hex(const char *h, uint8_t *out, size_t cap)
{
	int n = ut_hex(h, out, cap);
	CU_ASSERT_FATAL(n >= 0);
	return (size_t)n;
}

/* Decode; on success the cursor sits on the L3 header. */
static int dec(int dlt, const uint8_t *b, size_t n, pt_link *l)
{
	pt_cursor c = pt_cur(b, n);
	int rc = pt_link_decode(dlt, &c, l);

	if (rc == PT_OK) {
		CU_ASSERT_EQUAL(pt_off(&c), l->l3_off);
	} else {
		CU_ASSERT_EQUAL(pt_off(&c), 0);   /* a failed decode moves nothing */
	}
	return rc;
}

/* Every cut shorter than the header is PT_ETRUNC, never a crash or a wrong answer. */
static void every_cut(int dlt, const uint8_t *b, size_t hdr)
{
	pt_link l;
	for (size_t n = 0; n < hdr; n++)
		CU_ASSERT_EQUAL(dec(dlt, b, n, &l), PT_ETRUNC);
}

static void test_ethernet_real(void)
{
	uint8_t b[128];
	size_t n = hex(syn_lo, b, sizeof b);
	pt_link l;

	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
	CU_ASSERT_EQUAL(l.l3_off, 14);
	CU_ASSERT_EQUAL(l.ethertype, 0x0800);
	CU_ASSERT_EQUAL(l.ntags, 0);
	every_cut(PT_LINK_EN10MB, b, 14);
}

static void test_vlan_qinq(void)
{
	uint8_t b[64];
	pt_link l;
	size_t n;

	/* one 802.1Q tag, PCP 5, VID 100, then IPv6 */
	n = hex("0200 0000 0001 0200 0000 0002 8100 a064 86dd 6000 0000", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV6);
	CU_ASSERT_EQUAL(l.l3_off, 18);
	CU_ASSERT_EQUAL(l.ntags, 1);
	CU_ASSERT_EQUAL(l.tag[0].tpid, PT_ETH_VLAN);
	CU_ASSERT_EQUAL(l.tag[0].tci & 0x0FFF, 100);
	CU_ASSERT_EQUAL(l.tag[0].tci >> 13, 5);
	CU_ASSERT_EQUAL(l.tag[0].off, 14);
	every_cut(PT_LINK_EN10MB, b, 18);

	/* 802.1ad S-tag 10 then C-tag 20 */
	n = hex("0200 0000 0001 0200 0000 0002 88a8 000a 8100 0014 0800 4500", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
	CU_ASSERT_EQUAL(l.l3_off, 22);
	CU_ASSERT_EQUAL(l.ntags, 2);
	CU_ASSERT_EQUAL(l.tag[0].tpid, PT_ETH_QINQ);
	CU_ASSERT_EQUAL(l.tag[0].tci, 10);
	CU_ASSERT_EQUAL(l.tag[1].tci, 20);
	every_cut(PT_LINK_EN10MB, b, 22);

	/* the pre-standard 0x9100 outer tag */
	n = hex("0200 0000 0001 0200 0000 0002 9100 0007 8100 0008 0800 4500", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.tag[0].tpid, PT_ETH_QINQ_OLD);
	CU_ASSERT_EQUAL(l.l3_off, 22);

	/* five tags: more than we follow */
	n = hex("0200 0000 0001 0200 0000 0002 8100 0001 8100 0002 8100 0003 8100 0004 8100 0005 0800 4500", b,
		sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_EUNSUP);
	/* four are fine */
	n = hex("0200 0000 0001 0200 0000 0002 8100 0001 8100 0002 8100 0003 8100 0004 0800 4500", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.ntags, 4);
	CU_ASSERT_EQUAL(l.l3_off, 30);
}

static void test_ether_other(void)
{
	uint8_t b[64];
	pt_link l;
	size_t n;

	/* ARP: not IP, not an error */
	n = hex("ffff ffff ffff 0200 0000 0002 0806 0001 0800 0604 0001", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_OTHER);
	CU_ASSERT_EQUAL(l.ethertype, 0x0806);

	/* RFC 1042: 802.3 length, LLC/SNAP with EtherType IPv4 */
	n = hex("0200 0000 0001 0200 0000 0002 0030 aaaa 0300 0000 0800 4500", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
	CU_ASSERT(l.llc_snap);
	CU_ASSERT_EQUAL(l.l3_off, 22);

	/* 802.3 with plain LLC (spanning tree): other */
	n = hex("0180 c200 0000 0200 0000 0002 0026 4242 0300 0000 0000", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_EN10MB, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_OTHER);
	CU_ASSERT(!l.llc_snap);
}

static void test_sll(void)
{
	uint8_t b[128];
	size_t n = hex(syn_sll1, b, sizeof b);
	pt_link l;

	CU_ASSERT_EQUAL(dec(PT_LINK_LINUX_SLL, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
	CU_ASSERT_EQUAL(l.l3_off, 16);
	CU_ASSERT_EQUAL(l.sll_pkttype, 0);
	CU_ASSERT_EQUAL(l.sll_hatype, 772);   /* ARPHRD_LOOPBACK */
	CU_ASSERT_EQUAL(l.sll_halen, 6);
	every_cut(PT_LINK_LINUX_SLL, b, 16);

	/* a VLAN tag left in by the kernel after the cooked header */
	n = hex("0004 0001 0006 0200 0000 0002 0000 8100 0064 86dd 6000", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_LINUX_SLL, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV6);
	CU_ASSERT_EQUAL(l.ntags, 1);
	CU_ASSERT_EQUAL(l.l3_off, 20);
	CU_ASSERT_EQUAL(l.sll_pkttype, 4);
}

static void test_sll2(void)
{
	uint8_t b[128];
	size_t n = hex(syn_sll2, b, sizeof b);
	pt_link l;

	CU_ASSERT_EQUAL(dec(PT_LINK_LINUX_SLL2, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
	CU_ASSERT_EQUAL(l.l3_off, 20);
	CU_ASSERT_EQUAL(l.sll_ifindex, 1);
	CU_ASSERT_EQUAL(l.sll_hatype, 772);
	CU_ASSERT_EQUAL(l.sll_halen, 6);
	every_cut(PT_LINK_LINUX_SLL2, b, 20);

	n = hex(syn6_sll2, b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_LINUX_SLL2, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV6);
	CU_ASSERT_EQUAL(l.ethertype, 0x86DD);

	/* ppp0 as `tcpdump -i any` records it (ARPHRD_PPP 512, no address): still IP */
	n = hex("0800 0000 0000 0005 0200 0400 0000 0000 0000 0000 4500", b, sizeof b);
	CU_ASSERT_EQUAL(dec(PT_LINK_LINUX_SLL2, b, n, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
	CU_ASSERT_EQUAL(l.sll_hatype, 512);
	CU_ASSERT_EQUAL(l.sll_pkttype, 4);
	CU_ASSERT_EQUAL(l.sll_ifindex, 5);
}

static void test_bsd_loopback(void)
{
	static const struct {
		int dlt;
		const char *hdr;
		int l3;
		uint32_t af;
	} cases[] = {
		{ PT_LINK_NULL, "0200 0000", PT_L3_IPV4, 2 },   /* little-endian host */
		{ PT_LINK_NULL, "0000 0002", PT_L3_IPV4, 2 },   /* big-endian host */
		{ PT_LINK_NULL, "1800 0000", PT_L3_IPV6, 24 },  /* NetBSD, OpenBSD */
		{ PT_LINK_NULL, "1c00 0000", PT_L3_IPV6, 28 },  /* FreeBSD */
		{ PT_LINK_NULL, "1e00 0000", PT_L3_IPV6, 30 },  /* Darwin */
		{ PT_LINK_NULL, "0000 001e", PT_L3_IPV6, 30 },
		{ PT_LINK_NULL, "0700 0000", PT_L3_OTHER, 7 },  /* ISO */
		{ PT_LINK_LOOP, "0000 0002", PT_L3_IPV4, 2 },
		{ PT_LINK_LOOP, "0000 0018", PT_L3_IPV6, 24 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t b[16];
		size_t n = hex(cases[i].hdr, b, sizeof b);
		pt_link l;
		b[n++] = 0x45;
		CU_ASSERT_EQUAL(dec(cases[i].dlt, b, n, &l), PT_OK);
		CU_ASSERT_EQUAL(l.l3, cases[i].l3);
		CU_ASSERT_EQUAL(l.af, cases[i].af);
		CU_ASSERT_EQUAL(l.l3_off, 4);
		every_cut(cases[i].dlt, b, 4);
	}
}

static void test_raw(void)
{
	static const int raws[] = { PT_LINK_RAW, PT_LINK_RAW12, PT_LINK_RAW14 };
	uint8_t v4[] = { 0x45, 0 }, v6[] = { 0x60, 0 }, junk[] = { 0x00 };
	pt_link l;

	for (size_t i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(dec(raws[i], v4, sizeof v4, &l), PT_OK);
		CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
		CU_ASSERT_EQUAL(l.l3_off, 0);
		CU_ASSERT_EQUAL(dec(raws[i], v6, sizeof v6, &l), PT_OK);
		CU_ASSERT_EQUAL(l.l3, PT_L3_IPV6);
		CU_ASSERT_EQUAL(dec(raws[i], junk, sizeof junk, &l), PT_OK);
		CU_ASSERT_EQUAL(l.l3, PT_L3_OTHER);
		CU_ASSERT_EQUAL(dec(raws[i], v4, 0, &l), PT_ETRUNC);
	}
	/* LINKTYPE_IPV4/IPV6 say it without looking */
	CU_ASSERT_EQUAL(dec(PT_LINK_IPV4, v6, sizeof v6, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV4);
	CU_ASSERT_EQUAL(dec(PT_LINK_IPV6, v4, sizeof v4, &l), PT_OK);
	CU_ASSERT_EQUAL(l.l3, PT_L3_IPV6);
}

static void test_supported(void)
{
	static const int yes[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };
	static const int no[] = { -1, 9, 50, 105, 127, 192, 277 };
	uint8_t b[4] = { 0x45 };
	pt_link l;

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		CU_ASSERT(pt_link_supported(yes[i]));
		CU_ASSERT_PTR_NOT_NULL(pt_link_name(yes[i]));
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		CU_ASSERT(!pt_link_supported(no[i]));
		CU_ASSERT_PTR_NULL(pt_link_name(no[i]));
		CU_ASSERT_EQUAL(dec(no[i], b, sizeof b, &l), PT_EUNSUP);
	}
	CU_ASSERT_STRING_EQUAL(pt_link_name(276), "LINUX_SLL2");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_ethertype_vs, 0x88A8), "802.1ad");
}

/* Build then decode gives the same fields back, and the exact bytes of the real frames. */
static void roundtrip(const pt_link *in, size_t want_len)
{
	uint8_t b[64];
	pt_writer w = pt_wr(b, sizeof b);
	pt_link out;

	CU_ASSERT_EQUAL_FATAL(pt_link_build(&w, in), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), want_len);
	pt_put_u8(&w, in->l3 == PT_L3_IPV6 ? 0x60 : 0x45);
	CU_ASSERT_EQUAL_FATAL(dec(in->dlt, b, pt_wlen(&w), &out), PT_OK);
	CU_ASSERT_EQUAL(out.l3, in->l3);
	CU_ASSERT_EQUAL(out.l3_off, want_len);
	CU_ASSERT_EQUAL(out.ntags, in->ntags);
	for (unsigned i = 0; i < in->ntags; i++) {
		CU_ASSERT_EQUAL(out.tag[i].tpid, in->tag[i].tpid);
		CU_ASSERT_EQUAL(out.tag[i].tci, in->tag[i].tci);
	}
	if (in->dlt == PT_LINK_EN10MB) {
		CU_ASSERT(memcmp(out.eth_src, in->eth_src, 6) == 0);
		CU_ASSERT(memcmp(out.eth_dst, in->eth_dst, 6) == 0);
	}
	if (in->dlt == PT_LINK_LINUX_SLL || in->dlt == PT_LINK_LINUX_SLL2) {
		CU_ASSERT_EQUAL(out.sll_pkttype, in->sll_pkttype);
		CU_ASSERT_EQUAL(out.sll_hatype, in->sll_hatype);
		CU_ASSERT_EQUAL(out.sll_halen, in->sll_halen);
		CU_ASSERT(memcmp(out.sll_addr, in->sll_addr, 8) == 0);
	}
	if (in->dlt == PT_LINK_LINUX_SLL2)
		CU_ASSERT_EQUAL(out.sll_ifindex, in->sll_ifindex);
	if (in->dlt == PT_LINK_NULL || in->dlt == PT_LINK_LOOP) {
		CU_ASSERT_EQUAL(out.af, in->af);
		CU_ASSERT_EQUAL(out.af_big_endian, in->af_big_endian);
	}
}

static void test_build(void)
{
	pt_link l;
	uint8_t b[64], want[128];
	pt_writer w;

	memset(&l, 0, sizeof l);
	l.dlt = PT_LINK_EN10MB;
	l.l3 = PT_L3_IPV4;
	memcpy(l.eth_dst, "\x02\0\0\0\0\x01", 6);
	memcpy(l.eth_src, "\x02\0\0\0\0\x02", 6);
	roundtrip(&l, 14);
	l.ntags = 2;
	l.tag[0].tpid = PT_ETH_QINQ;
	l.tag[0].tci = 0x0123;
	l.tag[1].tpid = PT_ETH_VLAN;
	l.tag[1].tci = 0xa064;
	l.l3 = PT_L3_IPV6;
	roundtrip(&l, 22);

	l.dlt = PT_LINK_LINUX_SLL;
	l.sll_pkttype = 4;
	l.sll_hatype = 1;
	l.sll_halen = 6;
	memcpy(l.sll_addr, "\x02\0\0\0\0\x02\0\0", 8);
	roundtrip(&l, 24);
	l.ntags = 0;
	roundtrip(&l, 16);

	l.dlt = PT_LINK_LINUX_SLL2;
	l.sll_ifindex = 7;
	roundtrip(&l, 20);
	l.ntags = 1;
	l.tag[0].tpid = PT_ETH_VLAN;
	l.tag[0].tci = 42;
	roundtrip(&l, 24);
	l.ntags = 0;

	l.dlt = PT_LINK_NULL;
	l.af = 30;
	l.af_big_endian = 0;
	roundtrip(&l, 4);
	l.dlt = PT_LINK_LOOP;
	l.af = 2;
	l.l3 = PT_L3_IPV4;
	l.af_big_endian = 1;
	roundtrip(&l, 4);
	l.dlt = PT_LINK_RAW;
	roundtrip(&l, 0);

	/* the real SLL2 header, byte for byte */
	memset(&l, 0, sizeof l);
	l.dlt = PT_LINK_LINUX_SLL2;
	l.l3 = PT_L3_IPV4;
	l.sll_ifindex = 1;
	l.sll_hatype = 772;
	l.sll_halen = 6;
	w = pt_wr(b, sizeof b);
	CU_ASSERT_EQUAL(pt_link_build(&w, &l), PT_OK);
	CU_ASSERT(hex(syn_sll2, want, sizeof want) > 20);
	CU_ASSERT(pt_wlen(&w) == 20 && memcmp(b, want, 20) == 0);

	/* too small a buffer, an unknown link type */
	w = pt_wr(b, 10);
	l.dlt = PT_LINK_EN10MB;
	CU_ASSERT_EQUAL(pt_link_build(&w, &l), PT_ENOSPC);
	w = pt_wr(b, sizeof b);
	l.dlt = 9;
	CU_ASSERT_EQUAL(pt_link_build(&w, &l), PT_EUNSUP);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("link", NULL, NULL);
	UT_ADD(s, test_ethernet_real);
	UT_ADD(s, test_vlan_qinq);
	UT_ADD(s, test_ether_other);
	UT_ADD(s, test_sll);
	UT_ADD(s, test_sll2);
	UT_ADD(s, test_bsd_loopback);
	UT_ADD(s, test_raw);
	UT_ADD(s, test_supported);
	UT_ADD(s, test_build);
}
