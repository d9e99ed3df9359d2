/* test_ipdefrag.c: IPv4/IPv6 fragment reassembly: orders, duplicates, overlaps, timeouts, limits. */
#include <string.h>

#include "ipdefrag.h"
#include "ut.h"

static int seen[PT_R__COUNT], nfind;
static pt_finding last;
static void sink_fn(void *user, const pt_finding *f)
{
	(void)user;
	seen[f->rule]++;
	nfind++;
	last = *f;
}
static const pt_sink sink = { sink_fn, NULL };

static void reset(void)
{
	memset(seen, 0, sizeof seen);
	nfind = 0;
	memset(&last, 0, sizeof last);
}

static pt_where when(uint64_t pkt, int64_t ts_us)
{
	pt_where w;
	memset(&w, 0, sizeof w);
	w.pkt = pkt;
	w.ts_us = ts_us;
	w.call = -1;
	w.dir = PT_DIR_UNKNOWN;
	return w;
}

/* One fragment as it would come off the wire: built, then parsed (payload points into buf). */
typedef struct frag {
	uint8_t buf[1600];
	pt_ip ip;
} frag;

static uint8_t data[8000];

static void fill(void)
{
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7 + 3);
}

static void mk(frag *f, int version, uint32_t id, uint8_t proto, uint32_t off, int mf, const uint8_t *p, size_t len)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 }, z[4] = { 192, 0, 2, 2 };
	pt_writer w = pt_wr(f->buf, sizeof f->buf);
	pt_cursor c;
	pt_ip ip;

	memset(&ip, 0, sizeof ip);
	ip.version = version;
	ip.ttl = 64;
	ip.proto = proto;
	ip.frag_id = id;
	ip.frag_off = off;
	ip.frag_mf = mf;
	ip.is_fragment = 1;
	if (version == 4) {
		pt_ip_addr_v4(ip.src, a);
		pt_ip_addr_v4(ip.dst, z);
	} else {
		ip.src[0] = 0x20;
		ip.src[1] = 0x01;
		ip.src[15] = 1;
		memcpy(ip.dst, ip.src, 16);
		ip.dst[15] = 2;
	}
	CU_ASSERT_EQUAL_FATAL(pt_ip_build(&w, &ip, p, len), PT_OK);
	c = pt_cur(f->buf, pt_wlen(&w));
	CU_ASSERT_EQUAL_FATAL(pt_ip_parse(&c, &f->ip, NULL, NULL), PT_OK);
	CU_ASSERT_EQUAL_FATAL(f->ip.is_fragment, 1);
}

/* A 3000-byte GRE payload in three IPv4 fragments: [0,1480) [1480,2960) [2960,3000). */
static frag f3[3];
static void three(uint32_t id)
{
	mk(&f3[0], 4, id, PT_IPPROTO_GRE, 0, 1, data, 1480);
	mk(&f3[1], 4, id, PT_IPPROTO_GRE, 1480, 1, data + 1480, 1480);
	mk(&f3[2], 4, id, PT_IPPROTO_GRE, 2960, 0, data + 2960, 40);
}

static void feed_order(const int order[3])
{
	pt_defrag d;
	pt_ip out;
	int rc = 0;

	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	three(0x1234);
	for (int i = 0; i < 3; i++) {
		pt_where w = when((uint64_t)i + 1, i * 1000);
		rc = pt_defrag_add(&d, &f3[order[i]].ip, &out, &sink, &w);
		CU_ASSERT_EQUAL(rc, i < 2 ? PT_DEFRAG_HELD : PT_DEFRAG_DONE);
	}
	if (rc == PT_DEFRAG_DONE) {
		CU_ASSERT_EQUAL(out.payload_len, 3000);
		CU_ASSERT(memcmp(out.payload, data, 3000) == 0);
		CU_ASSERT_EQUAL(out.proto, PT_IPPROTO_GRE);
		CU_ASSERT_EQUAL(out.total_len, 3020);
		CU_ASSERT_EQUAL(out.hdr_len, 20);
		CU_ASSERT(out.reassembled && !out.is_fragment && !out.frag_mf && out.frag_off == 0);
		CU_ASSERT_EQUAL(out.nfrags, 3);
		CU_ASSERT_EQUAL(out.frag_id, 0x1234);
		CU_ASSERT(memcmp(out.src, f3[0].ip.src, 16) == 0);
	}
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_EQUAL(d.st.completed, 1);
	CU_ASSERT_EQUAL(d.live, 0);
	CU_ASSERT_EQUAL(d.bytes, 0);
	pt_defrag_destroy(&d);
}

static void test_orders(void)
{
	static const int in_order[3] = { 0, 1, 2 }, reverse[3] = { 2, 1, 0 }, mixed[3] = { 1, 2, 0 }, mixed2[3] = { 2, 0, 1 };
	feed_order(in_order);
	feed_order(reverse);
	feed_order(mixed);
	feed_order(mixed2);
}

static void test_interleaved(void)
{
	/* two datagrams with different ids, and one with the same id but another protocol (IPv4 keys on it) */
	static frag a[2], b[2], c[2];
	pt_defrag d;
	pt_ip out;
	pt_where w = when(1, 0);

	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	mk(&a[0], 4, 1, PT_IPPROTO_GRE, 0, 1, data, 8);
	mk(&a[1], 4, 1, PT_IPPROTO_GRE, 8, 0, data + 8, 5);
	mk(&b[0], 4, 2, PT_IPPROTO_GRE, 0, 1, data + 100, 16);
	mk(&b[1], 4, 2, PT_IPPROTO_GRE, 16, 0, data + 116, 1);
	mk(&c[0], 4, 1, PT_IPPROTO_TCP, 0, 1, data + 200, 8);
	mk(&c[1], 4, 1, PT_IPPROTO_TCP, 8, 0, data + 208, 2);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &a[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &b[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &c[1].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(d.live, 3);
	CU_ASSERT_EQUAL_FATAL(pt_defrag_add(&d, &b[1].ip, &out, &sink, &w), PT_DEFRAG_DONE);
	CU_ASSERT_EQUAL(out.payload_len, 17);
	CU_ASSERT(memcmp(out.payload, data + 100, 17) == 0);
	CU_ASSERT_EQUAL_FATAL(pt_defrag_add(&d, &c[0].ip, &out, &sink, &w), PT_DEFRAG_DONE);
	CU_ASSERT_EQUAL(out.proto, PT_IPPROTO_TCP);
	CU_ASSERT(memcmp(out.payload, data + 200, 10) == 0);
	CU_ASSERT_EQUAL_FATAL(pt_defrag_add(&d, &a[1].ip, &out, &sink, &w), PT_DEFRAG_DONE);
	CU_ASSERT_EQUAL(out.payload_len, 13);
	CU_ASSERT(memcmp(out.payload, data, 13) == 0);
	CU_ASSERT_EQUAL(nfind, 0);
	pt_defrag_destroy(&d);
}

static void test_duplicate(void)
{
	pt_defrag d;
	pt_ip out;
	pt_where w = when(1, 0);

	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	three(7);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_DUPLICATE], 1);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[2].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[2].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_DUPLICATE], 2);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[1].ip, &out, &sink, &w), PT_DEFRAG_DONE);
	CU_ASSERT(memcmp(out.payload, data, 3000) == 0);
	CU_ASSERT_EQUAL(d.st.duplicates, 2);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_OVERLAP], 0);
	pt_defrag_destroy(&d);
}

static void test_overlap(void)
{
	static frag ov;
	uint8_t other[1480];
	pt_defrag d;
	pt_ip out;
	pt_where w = when(1, 0);

	/* partial overlap with different bytes: the datagram is dropped, later fragments absorbed */
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	three(9);
	memset(other, 0xee, sizeof other);
	mk(&ov, 4, 9, PT_IPPROTO_GRE, 1472, 1, other, 1480);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &ov.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_OVERLAP], 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "different"));
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[1].ip, &out, &sink, &w), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[2].ip, &out, &sink, &w), PT_ESTATE);
	CU_ASSERT_EQUAL(d.bytes, 0);   /* a dead datagram holds no data */
	CU_ASSERT_EQUAL(d.st.overlaps, 1);
	/* its expiry is silent: the overlap was already reported */
	w = when(2, 31000000);
	pt_defrag_expire(&d, &sink, &w);
	CU_ASSERT_EQUAL(d.live, 0);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_TIMEOUT], 0);
	pt_defrag_destroy(&d);

	/* an overlap with the same bytes is still an overlap (RFC 5722 knows no exception but exact duplicates) */
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	mk(&ov, 4, 9, PT_IPPROTO_GRE, 1472, 1, data + 1472, 1480);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &ov.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "the same"));
	pt_defrag_destroy(&d);

	/* same place, different bytes: not a duplicate */
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	mk(&ov, 4, 9, PT_IPPROTO_GRE, 0, 1, other, 1480);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &ov.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_OVERLAP], 1);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_DUPLICATE], 0);
	/* a fragment covering an earlier one entirely */
	pt_defrag_destroy(&d);
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	mk(&ov, 4, 9, PT_IPPROTO_GRE, 1472, 1, data + 1472, 24);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &ov.ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[1].ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_OVERLAP], 1);
	pt_defrag_destroy(&d);
}

static void test_bad_fragments(void)
{
	static frag f, g;
	pt_defrag d;
	pt_ip out;
	pt_where w = when(1, 0);

	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	/* not the last, 100 bytes: not a multiple of 8 */
	mk(&f, 4, 3, PT_IPPROTO_GRE, 0, 1, data, 100);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_BAD_LENGTH], 1);
	/* empty */
	mk(&f, 4, 3, PT_IPPROTO_GRE, 8, 1, data, 0);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_BAD_LENGTH], 2);
	/* beyond 65535: offset 65528 (the largest), 16 bytes */
	mk(&f, 4, 3, PT_IPPROTO_GRE, 65528, 0, data, 16);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_TOO_BIG], 1);
	/* up to 65535 - 20 is allowed */
	mk(&f, 4, 3, PT_IPPROTO_GRE, 65512, 0, data, 3);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f.ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(d.live, 1);
	/* a second "last" fragment that ends elsewhere: inconsistent, dropped */
	mk(&g, 4, 3, PT_IPPROTO_GRE, 8, 0, data, 8);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &g.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_INCONSISTENT], 1);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f.ip, &out, &sink, &w), PT_ESTATE);
	/* data past the end the last fragment set */
	three(5);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[2].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	mk(&g, 4, 5, PT_IPPROTO_GRE, 3000, 1, data, 8);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &g.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_INCONSISTENT], 2);
	/* a fragment cut short by the capture is not used */
	mk(&f, 4, 6, PT_IPPROTO_GRE, 0, 1, data, 8);
	f.ip.truncated = 1;
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f.ip, &out, &sink, &w), PT_ETRUNC);
	/* not a fragment at all */
	f.ip.truncated = 0;
	f.ip.is_fragment = 0;
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f.ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(d.st.invalid, 5);
	pt_defrag_destroy(&d);
}

static void test_timeout(void)
{
	static frag other;
	pt_defrag d;
	pt_ip out;
	pt_where w = when(10, 1000000);

	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	three(11);
	mk(&other, 4, 12, PT_IPPROTO_GRE, 0, 1, data, 8);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	/* 30 s later exactly: still alive */
	w = when(11, 31000000);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[1].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_TIMEOUT], 0);
	/* a moment past: another datagram's fragment expires the first, reported at its first packet */
	w = when(12, 31000001);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &other.ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_TIMEOUT], 1);
	CU_ASSERT_EQUAL(last.at.pkt, 10);
	CU_ASSERT_EQUAL(last.at.ts_us, 1000000);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "2 fragments, 2960 of ? bytes"));
	CU_ASSERT_EQUAL(d.st.timeouts, 1);
	CU_ASSERT_EQUAL(d.live, 1);
	/* the late last fragment starts afresh and waits */
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[2].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(d.live, 2);
	/* end of capture: both incomplete ones are reported, everything freed */
	pt_defrag_finish(&d, &sink, &w);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_TIMEOUT], 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "end of the capture"));
	CU_ASSERT_EQUAL(d.live, 0);
	CU_ASSERT_EQUAL(d.bytes, 0);
	pt_defrag_destroy(&d);

	/* a configured timeout */
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 5000000), PT_OK);
	w = when(1, 0);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f3[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	w = when(2, 5000001);
	pt_defrag_expire(&d, &sink, &w);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_TIMEOUT], 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "within 5 s"));
	pt_defrag_destroy(&d);
}

static void test_caps(void)
{
	static frag f[6];
	pt_defrag d;
	pt_ip out;
	pt_where w = when(1, 0);

	/* four datagrams in flight at most: the fifth evicts the oldest */
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 4, 0, 0), PT_OK);
	for (uint32_t i = 0; i < 5; i++) {
		mk(&f[i], 4, 100 + i, PT_IPPROTO_GRE, 0, 1, data, 8);
		w = when(i + 1, i);
		CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[i].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	}
	CU_ASSERT_EQUAL(d.live, 4);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_EVICTED], 1);
	CU_ASSERT_EQUAL(last.at.pkt, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "id 0x64"));
	/* the evicted one's id starts over */
	mk(&f[5], 4, 100, PT_IPPROTO_GRE, 8, 0, data + 8, 4);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[5].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_EVICTED], 2);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[0].ip, &out, &sink, &w), PT_DEFRAG_DONE);
	CU_ASSERT_EQUAL(out.payload_len, 12);
	pt_defrag_destroy(&d);

	/* bytes: 64 KiB (the floor) holds one datagram reaching offset 60000, not two */
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(d.max_bytes, PT_DEFRAG_MIN_BYTES);
	mk(&f[0], 4, 200, PT_IPPROTO_GRE, 60000, 1, data, 8);
	mk(&f[1], 4, 201, PT_IPPROTO_GRE, 60000, 1, data, 8);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT(d.bytes > 60000 && d.bytes <= d.max_bytes);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[1].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_EVICTED], 1);
	CU_ASSERT_EQUAL(d.live, 1);
	CU_ASSERT(d.st.peak_bytes <= d.max_bytes);
	/* the oldest datagram growing makes room by evicting a newer one, never itself */
	mk(&f[2], 4, 202, PT_IPPROTO_GRE, 0, 1, data, 8);
	mk(&f[3], 4, 202, PT_IPPROTO_GRE, 60000, 0, data + 60000 % 4096, 8);
	pt_defrag_destroy(&d);
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[2].ip, &out, &sink, &w), PT_DEFRAG_HELD);   /* 202: oldest, small */
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[1].ip, &out, &sink, &w), PT_DEFRAG_HELD);   /* 201: big */
	CU_ASSERT_EQUAL(d.live, 2);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[3].ip, &out, &sink, &w), PT_DEFRAG_HELD);   /* 202 grows */
	CU_ASSERT_EQUAL(d.live, 1);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_EVICTED], 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "id 0xc9"));
	pt_defrag_destroy(&d);

	/* fragments per datagram */
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	for (uint32_t i = 0; i <= PT_DEFRAG_MAX_FRAGS; i++) {
		int rc;
		mk(&f[0], 4, 300, PT_IPPROTO_GRE, i * 8, 1, data, 8);
		rc = pt_defrag_add(&d, &f[0].ip, &out, &sink, &w);
		CU_ASSERT_EQUAL(rc, i < PT_DEFRAG_MAX_FRAGS ? PT_DEFRAG_HELD : PT_ENOMEM);
	}
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_EVICTED], 1);
	CU_ASSERT_EQUAL(d.live, 0);
	pt_defrag_destroy(&d);
}

static void test_v6(void)
{
	static frag f[3];
	uint8_t dgram[1200];
	pt_defrag d;
	pt_ip out;
	pt_where w = when(1, 0);

	/* the fragmentable part starts with a Destination Options header (8 bytes), then 1192 bytes of GRE */
	memcpy(dgram, "\x2f\x00\x01\x04\x00\x00\x00\x00", 8);
	memcpy(dgram + 8, data, sizeof dgram - 8);
	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	mk(&f[0], 6, 0x01020304, PT_IPPROTO_DSTOPTS, 0, 1, dgram, 504);
	/* RFC 8200 4.5: only the offset-0 fragment's Next Header counts; the others may differ */
	mk(&f[1], 6, 0x01020304, PT_IPPROTO_GRE, 504, 1, dgram + 504, 504);
	mk(&f[2], 6, 0x01020304, PT_IPPROTO_NONE, 1008, 0, dgram + 1008, 192);
	CU_ASSERT_EQUAL(f[1].ip.proto, PT_IPPROTO_GRE);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[2].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[1].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL_FATAL(pt_defrag_add(&d, &f[0].ip, &out, &sink, &w), PT_DEFRAG_DONE);
	CU_ASSERT_EQUAL(out.version, 6);
	CU_ASSERT_EQUAL(out.proto, PT_IPPROTO_GRE);
	CU_ASSERT_EQUAL(out.payload_len, 1192);
	CU_ASSERT(memcmp(out.payload, data, 1192) == 0);
	CU_ASSERT_EQUAL(out.frag_id, 0x01020304u);
	CU_ASSERT_EQUAL(out.total_len, 40 + 1200);
	CU_ASSERT_EQUAL(nfind, 0);

	/* IPv6 overlap: dropped (RFC 5722) */
	mk(&f[1], 6, 9, PT_IPPROTO_GRE, 496, 1, dgram + 496, 504);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	f[0].ip.frag_id = 9;
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[1].ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_OVERLAP], 1);

	/* a reassembled chain that is broken: the Destination Options header claims more than there is */
	mk(&f[0], 6, 10, PT_IPPROTO_DSTOPTS, 0, 1, (const uint8_t *)"\x2f\x05\x01\x04\x00\x00\x00\x00", 8);
	mk(&f[2], 6, 10, PT_IPPROTO_DSTOPTS, 8, 0, data, 8);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[0].ip, &out, &sink, &w), PT_DEFRAG_HELD);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &f[2].ip, &out, &sink, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_IPV6_MALFORMED], 1);
	pt_defrag_finish(&d, &sink, &w);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_FRAG_TIMEOUT], 1);   /* id 0x01020304's new offset-0 copy; id 9 was dropped */
	pt_defrag_destroy(&d);
}

static void test_v6_atomic_not_fragment(void)
{
	/* v6 offset 0, M 0: pt_ip_parse says whole (RFC 6946), and the defragmenter refuses to take it */
	static frag f;
	pt_defrag d;
	pt_ip out;
	pt_writer w;
	pt_cursor c;

	reset();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 0, 0, 0), PT_OK);
	memset(&f, 0, sizeof f);
	f.ip.version = 6;
	f.ip.proto = PT_IPPROTO_GRE;
	f.ip.frag_hdr = 1;
	w = pt_wr(f.buf, sizeof f.buf);
	CU_ASSERT_EQUAL(pt_ip_build(&w, &f.ip, data, 16), PT_OK);
	c = pt_cur(f.buf, pt_wlen(&w));
	CU_ASSERT_EQUAL(pt_ip_parse(&c, &out, NULL, NULL), PT_OK);
	CU_ASSERT(!out.is_fragment);
	CU_ASSERT_EQUAL(pt_defrag_add(&d, &out, &out, &sink, NULL), PT_EINVAL);
	pt_defrag_destroy(&d);
	pt_defrag_destroy(&d);   /* twice is harmless */
}

static void test_many_random(void)
{
	/* many datagrams, fragments shuffled by a fixed LCG: every one comes back whole */
	enum { N = 40, F = 5 };
	static frag f[N * F];
	static int order[N * F];
	uint32_t seed = 12345;
	pt_defrag d;
	pt_ip out;
	int done = 0;

	reset();
	fill();
	CU_ASSERT_EQUAL_FATAL(pt_defrag_init(&d, 64, 0, 0), PT_OK);
	for (int i = 0; i < N; i++)
		for (int k = 0; k < F; k++) {
			mk(&f[i * F + k], 4, (uint32_t)(1000 + i), PT_IPPROTO_GRE, (uint32_t)k * 256, k < F - 1,
			   data + i * 10 + k * 256, k < F - 1 ? 256 : (size_t)(1 + i));
			order[i * F + k] = i * F + k;
		}
	for (int i = N * F - 1; i > 0; i--) {
		int j, t;
		seed = seed * 1103515245u + 12345u;
		j = (int)((seed >> 8) % (uint32_t)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (int i = 0; i < N * F; i++) {
		const pt_ip *ip = &f[order[i]].ip;
		pt_where w = when((uint64_t)i + 1, i);
		if (pt_defrag_add(&d, ip, &out, &sink, &w) == PT_DEFRAG_DONE) {
			int id = (int)out.frag_id - 1000;
			done++;
			CU_ASSERT_EQUAL(out.payload_len, (size_t)((F - 1) * 256 + 1 + id));
			CU_ASSERT(memcmp(out.payload, data + id * 10, out.payload_len) == 0);
		}
	}
	CU_ASSERT_EQUAL(done, N);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_EQUAL(d.live, 0);
	pt_defrag_destroy(&d);
}

static int init_suite(void)
{
	fill();
	return 0;
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("ipdefrag", init_suite, NULL);
	UT_ADD(s, test_orders);
	UT_ADD(s, test_interleaved);
	UT_ADD(s, test_duplicate);
	UT_ADD(s, test_overlap);
	UT_ADD(s, test_bad_fragments);
	UT_ADD(s, test_timeout);
	UT_ADD(s, test_caps);
	UT_ADD(s, test_v6);
	UT_ADD(s, test_v6_atomic_not_fragment);
	UT_ADD(s, test_many_random);
}
