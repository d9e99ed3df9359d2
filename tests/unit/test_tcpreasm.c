/* test_tcpreasm.c: TCP stream reassembly: order, retransmission, overlaps, framing, gaps, resets, wrap, limits. */
#include <stdlib.h>
#include <string.h>

#include "tcpreasm.h"
#include "ut.h"

/* ---- a recording consumer ---- */

enum { CONSUME_ALL, CONSUME_MSGS, CONSUME_NONE };

typedef struct rec {
	pt_tcp *t;
	int mode;                 /* CONSUME_*; messages are a 2-byte length (counting itself) then data */
	int ignore;               /* on_open returns NULL */
	int token[8];             /* per-connection pointers handed out */
	int opens, midstream;
	uint8_t stream[2][200000];
	size_t len[2];
	size_t msgs[2], msg_bytes[2];
	int ncalls[2];
	int gaps[2];
	uint32_t missing[2];
	int closes, how, dir;
	void *closed_conn;
	pt_tcp_conn_info info;    /* as pt_tcp_info gave it inside on_close */
	int info_ok;
	char log[512];            /* "open,data0,gap1,close" ... */
} rec;

static rec R;
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

static void logs(const char *s)
{
	if (strlen(R.log) + strlen(s) + 2 < sizeof R.log) {
		strcat(R.log, s);
		strcat(R.log, ",");
	}
}

static void *on_open(void *user, const pt_tcp_key *key, int midstream, const pt_where *at)
{
	rec *r = user;
	(void)key;
	(void)at;
	logs(midstream ? "open-mid" : "open");
	if (r->ignore)
		return NULL;
	r->midstream = midstream;
	return &r->token[r->opens++ % 8];
}

static size_t on_data(void *user, void *conn, int dir, const uint8_t *data, size_t len, const pt_where *at)
{
	rec *r = user;
	size_t take = len;
	(void)conn;
	(void)at;

	r->ncalls[dir]++;
	if (r->mode == CONSUME_NONE)
		return 0;
	if (r->mode == CONSUME_MSGS) {
		size_t m;
		if (len < 2)
			return 0;
		m = (size_t)data[0] << 8 | data[1];
		if (m < 2 || len < m)
			return 0;
		take = m;   /* one message per call: the reassembler calls again for the next */
		r->msgs[dir]++;
		r->msg_bytes[dir] += m;
	}
	if (r->len[dir] + take <= sizeof r->stream[dir]) {
		memcpy(r->stream[dir] + r->len[dir], data, take);
		r->len[dir] += take;
	}
	logs(dir ? "data1" : "data0");
	return take;
}

static void on_gap(void *user, void *conn, int dir, uint32_t missing, const pt_where *at)
{
	rec *r = user;
	(void)conn;
	(void)at;
	r->gaps[dir]++;
	r->missing[dir] += missing;
	logs(dir ? "gap1" : "gap0");
}

static void on_close(void *user, void *conn, int how, int dir, const pt_where *at)
{
	rec *r = user;
	const pt_tcp_conn_info *i = pt_tcp_info(r->t, conn);
	(void)at;
	r->closes++;
	r->how = how;
	r->dir = dir;
	r->closed_conn = conn;
	r->info_ok = i != NULL;
	if (i)
		r->info = *i;
	logs("close");
}

static const pt_tcp_ops ops = { on_open, on_data, on_gap, on_close };

static pt_tcp T;

static void setup(size_t max_conns, size_t max_buf, int mode)
{
	memset(&R, 0, sizeof R);
	memset(seen, 0, sizeof seen);
	nfind = 0;
	R.mode = mode;
	R.t = &T;
	CU_ASSERT_EQUAL_FATAL(pt_tcp_init(&T, &ops, &R, max_conns, max_buf), PT_OK);
}

static void teardown(void)
{
	pt_tcp_finish(&T, &sink, NULL);
	pt_tcp_destroy(&T);
}

/* ---- segments between client 10.0.0.1:port and server 10.0.0.2:1723 ---- */

static uint64_t pktno;

static void seg_port(uint16_t cport, int from_client, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
		     size_t len)
{
	static const uint8_t c4[4] = { 10, 0, 0, 1 }, s4[4] = { 10, 0, 0, 2 };
	pt_ip ip;
	pt_tcp_hdr th;
	pt_where w;

	memset(&ip, 0, sizeof ip);
	memset(&th, 0, sizeof th);
	memset(&w, 0, sizeof w);
	ip.version = 4;
	ip.proto = PT_IPPROTO_TCP;
	pt_ip_addr_v4(from_client ? ip.src : ip.dst, c4);
	pt_ip_addr_v4(from_client ? ip.dst : ip.src, s4);
	th.sport = from_client ? cport : 1723;
	th.dport = from_client ? 1723 : cport;
	th.seq = seq;
	th.ack = ack;
	th.flags = flags;
	w.pkt = ++pktno;
	w.ts_us = (int64_t)pktno * 1000;
	w.call = -1;
	CU_ASSERT_EQUAL(pt_tcp_segment(&T, &ip, &th, data, len, &sink, &w), PT_OK);
}

static void seg(int from_client, uint32_t seq, uint32_t ack, uint8_t flags, const void *data, size_t len)
{
	seg_port(40000, from_client, seq, ack, flags, data, len);
}

/* A segment of wire bytes of which the capture kept len (IPv4 and TCP headers of 20 bytes each). */
static void seg_cut(int from_client, uint32_t seq, uint32_t ack, uint8_t flags, const void *data, size_t len,
		    size_t wire)
{
	static const uint8_t c4[4] = { 10, 0, 0, 1 }, s4[4] = { 10, 0, 0, 2 };
	pt_ip ip;
	pt_tcp_hdr th;
	pt_where w;

	memset(&ip, 0, sizeof ip);
	memset(&th, 0, sizeof th);
	memset(&w, 0, sizeof w);
	ip.version = 4;
	ip.proto = PT_IPPROTO_TCP;
	ip.hdr_len = 20;
	ip.total_len = (uint32_t)(40 + wire);
	ip.truncated = wire > len;
	pt_ip_addr_v4(from_client ? ip.src : ip.dst, c4);
	pt_ip_addr_v4(from_client ? ip.dst : ip.src, s4);
	th.sport = from_client ? 40000 : 1723;
	th.dport = from_client ? 1723 : 40000;
	th.seq = seq;
	th.ack = ack;
	th.flags = flags;
	th.hlen = 20;
	w.pkt = ++pktno;
	w.call = -1;
	CU_ASSERT_EQUAL(pt_tcp_segment(&T, &ip, &th, data, len, &sink, &w), PT_OK);
}

#define C 1
#define S 0
#define A PT_TH_ACK
#define ISN_C 1000u
#define ISN_S 5000u

static void handshake(void)
{
	seg(C, ISN_C, 0, PT_TH_SYN, NULL, 0);
	seg(S, ISN_S, ISN_C + 1, PT_TH_SYN | A, NULL, 0);
	seg(C, ISN_C + 1, ISN_S + 1, A, NULL, 0);
}

static uint8_t pat[100000];

static void test_in_order(void)
{
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A | PT_TH_PSH, pat, 100);
	seg(S, ISN_S + 1, ISN_C + 101, A | PT_TH_PSH, pat + 500, 60);
	seg(C, ISN_C + 101, ISN_S + 61, A | PT_TH_PSH, pat + 100, 50);
	seg(S, ISN_S + 61, ISN_C + 151, A | PT_TH_FIN, NULL, 0);
	CU_ASSERT_EQUAL(R.closes, 0);
	seg(C, ISN_C + 151, ISN_S + 62, A | PT_TH_FIN, NULL, 0);
	CU_ASSERT_EQUAL(R.closes, 1);
	CU_ASSERT_EQUAL(R.how, PT_TCP_FIN);
	CU_ASSERT_EQUAL(R.len[0], 150);
	CU_ASSERT(memcmp(R.stream[0], pat, 150) == 0);
	CU_ASSERT_EQUAL(R.len[1], 60);
	CU_ASSERT(memcmp(R.stream[1], pat + 500, 60) == 0);
	CU_ASSERT(R.info_ok);
	CU_ASSERT(R.info.syn && R.info.synack && R.info.ack && !R.info.midstream);
	CU_ASSERT(R.info.fin[0] && R.info.fin[1]);
	CU_ASSERT_EQUAL(R.info.bytes[0], 150);
	CU_ASSERT_EQUAL(R.info.bytes[1], 60);
	CU_ASSERT_EQUAL(R.info.rst_from, -1);
	CU_ASSERT_EQUAL(R.info.first_pkt, pktno - 7);
	CU_ASSERT_EQUAL(R.info.key.port[1], 1723);
	CU_ASSERT_EQUAL(R.info.key.port[0], 40000);
	CU_ASSERT_EQUAL(R.info.key.family, 4);
	CU_ASSERT_EQUAL(nfind, 0);
	CU_ASSERT_STRING_EQUAL(R.log, "open,data0,data1,data0,close,");
	/* the final ACK after close does not open anything */
	seg(S, ISN_S + 62, ISN_C + 152, A, NULL, 0);
	CU_ASSERT_EQUAL(R.opens, 1);
	teardown();
	CU_ASSERT_EQUAL(R.closes, 1);   /* finish does not close it twice */
}

static void test_out_of_order(void)
{
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 100);
	seg(C, ISN_C + 201, ISN_S + 1, A, pat + 200, 100);
	CU_ASSERT_EQUAL(R.len[0], 100);
	seg(C, ISN_C + 301, ISN_S + 1, A, pat + 300, 100);
	CU_ASSERT_EQUAL(R.len[0], 100);
	seg(C, ISN_C + 101, ISN_S + 1, A, pat + 100, 100);
	CU_ASSERT_EQUAL(R.len[0], 400);
	CU_ASSERT(memcmp(R.stream[0], pat, 400) == 0);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.info.out_of_order[0], 2);
	CU_ASSERT_EQUAL(R.info.retrans[0], 0);
	CU_ASSERT_EQUAL(R.how, PT_TCP_EOF);
	CU_ASSERT_EQUAL(R.dir, -1);
	CU_ASSERT_EQUAL(nfind, 0);
	teardown();
}

static void test_retransmission(void)
{
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 100);
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 100);            /* same data again */
	seg(C, ISN_C + 51, ISN_S + 1, A, pat + 50, 100);      /* half old, half new, same bytes */
	CU_ASSERT_EQUAL(R.len[0], 150);
	CU_ASSERT(memcmp(R.stream[0], pat, 150) == 0);
	/* SYN again (same ISN): a retransmission, not a new connection */
	seg(C, ISN_C, 0, PT_TH_SYN, NULL, 0);
	CU_ASSERT_EQUAL(R.opens, 1);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.info.retrans[0], 2);
	CU_ASSERT_EQUAL(R.info.overlaps[0], 1);
	CU_ASSERT_EQUAL(R.info.mismatches[0], 0);
	CU_ASSERT_EQUAL(nfind, 0);
	teardown();
}

static void test_overlap_mismatch(void)
{
	uint8_t other[200];

	memset(other, 0xEE, sizeof other);
	setup(0, 0, CONSUME_ALL);
	handshake();
	/* islands [100,200) then [150,250) with other bytes: first copy wins */
	seg(C, ISN_C + 101, ISN_S + 1, A, pat + 100, 100);
	seg(C, ISN_C + 151, ISN_S + 1, A, other, 100);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_OVERLAP_MISMATCH], 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "50 of 100"));
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "relative seq 151"));
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 100);
	CU_ASSERT_EQUAL(R.len[0], 250);
	CU_ASSERT(memcmp(R.stream[0], pat, 200) == 0);
	CU_ASSERT(memcmp(R.stream[0] + 200, other + 50, 50) == 0);
	/* consumed bytes are kept for comparison: a retransmission of [0,100) with other bytes is caught */
	seg(C, ISN_C + 1, ISN_S + 1, A, other, 100);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_OVERLAP_MISMATCH], 2);
	CU_ASSERT_EQUAL(R.len[0], 250);
	/* and a partly new one whose old part differs */
	seg(C, ISN_C + 241, ISN_S + 1, A, other, 20);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_OVERLAP_MISMATCH], 2);   /* [240,250) was 0xEE already: same bytes */
	seg(C, ISN_C + 256, ISN_S + 1, A, pat, 20);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_OVERLAP_MISMATCH], 3);
	CU_ASSERT_EQUAL(R.len[0], 275);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.info.mismatches[0], 3);
	CU_ASSERT_EQUAL(R.gaps[0], 0);
	teardown();
}

static size_t msg(uint8_t *out, size_t n, uint8_t fillc)
{
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	memset(out + 2, fillc, n - 2);
	return n;
}

static void test_framing(void)
{
	uint8_t b[400];
	size_t n = 0;

	/* one 30-byte message over three segments */
	setup(0, 0, CONSUME_MSGS);
	handshake();
	msg(b, 30, 'a');
	seg(C, ISN_C + 1, ISN_S + 1, A, b, 10);
	seg(C, ISN_C + 11, ISN_S + 1, A, b + 10, 10);
	CU_ASSERT_EQUAL(R.msgs[0], 0);
	seg(C, ISN_C + 21, ISN_S + 1, A, b + 20, 10);
	CU_ASSERT_EQUAL(R.msgs[0], 1);
	CU_ASSERT_EQUAL(R.len[0], 30);
	CU_ASSERT(memcmp(R.stream[0], b, 30) == 0);

	/* three and a half messages in one segment, the rest in the next */
	n = msg(b, 20, 'b');
	n += msg(b + n, 156, 'c');
	n += msg(b + n, 24, 'd');
	n += msg(b + n, 40, 'e');
	seg(C, ISN_C + 31, ISN_S + 1, A, b, n - 15);
	CU_ASSERT_EQUAL(R.msgs[0], 4);
	CU_ASSERT_EQUAL(R.msg_bytes[0], 30 + 200);
	seg(C, ISN_C + 31 + (uint32_t)n - 15, ISN_S + 1, A, b + n - 15, 15);
	CU_ASSERT_EQUAL(R.msgs[0], 5);
	CU_ASSERT_EQUAL(R.len[0], 30 + n);
	CU_ASSERT(memcmp(R.stream[0] + 30, b, n) == 0);
	CU_ASSERT_EQUAL(nfind, 0);
	teardown();
}

static void test_midstream(void)
{
	setup(0, 0, CONSUME_ALL);
	/* the first segment seen comes from the server */
	seg(S, 777777, 123456, A, pat, 40);
	CU_ASSERT_EQUAL(R.opens, 1);
	CU_ASSERT_EQUAL(R.midstream, 1);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_MIDSTREAM], 1);
	CU_ASSERT_EQUAL(R.gaps[1], 1);
	CU_ASSERT_EQUAL(R.missing[1], 0);   /* unknown amount */
	CU_ASSERT_EQUAL(R.len[1], 40);
	seg(C, 123456, 777817, A, pat + 40, 30);
	CU_ASSERT_EQUAL(R.gaps[0], 1);
	CU_ASSERT_EQUAL(R.len[0], 30);
	seg(S, 777817, 123486, A, pat + 80, 10);
	CU_ASSERT_EQUAL(R.len[1], 50);
	CU_ASSERT_STRING_EQUAL(R.log, "open-mid,gap1,data1,gap0,data0,data1,");
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT(R.info.midstream && !R.info.syn);
	/* the non-1723 side is the client although the server spoke first */
	CU_ASSERT_EQUAL(R.info.key.port[0], 40000);
	CU_ASSERT_EQUAL(R.info.key.port[1], 1723);
	teardown();

	/* a client port below 1723 speaking first: the 1723 side is still the server */
	setup(0, 0, CONSUME_ALL);
	seg_port(1000, C, 1, 2, A, pat, 5);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.info.key.port[0], 1000);
	CU_ASSERT_EQUAL(R.info.key.port[1], 1723);
	CU_ASSERT_EQUAL(R.len[0], 5);
	teardown();

	/* pure ACKs and a lone RST start nothing */
	setup(0, 0, CONSUME_ALL);
	seg(C, 5, 6, A, NULL, 0);
	seg(S, 5, 6, PT_TH_RST, NULL, 0);
	CU_ASSERT_EQUAL(R.opens, 0);
	teardown();
}

static void test_gap_by_cap(void)
{
	setup(0, 65536, CONSUME_ALL);
	handshake();
	/* bytes [0,1000) never come; 70 segments of 1000 after them */
	for (uint32_t i = 1; i <= 70; i++)
		seg(C, ISN_C + 1 + i * 1000, ISN_S + 1, 0, pat + i * 1000, 1000);
	CU_ASSERT_EQUAL(R.gaps[0], 1);
	CU_ASSERT_EQUAL(R.missing[0], 1000);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_GAP], 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "buffer limit"));
	CU_ASSERT_EQUAL(R.len[0], 70000);
	CU_ASSERT(memcmp(R.stream[0], pat + 1000, 70000) == 0);
	CU_ASSERT(T.st.peak_buffered <= 2 * 65536);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.info.gaps[0], 1);
	CU_ASSERT_EQUAL(R.info.gap_bytes[0], 1000);
	teardown();

	/* too many islands: 65 one-byte islands with holes between them */
	setup(0, 0, CONSUME_ALL);
	handshake();
	for (uint32_t i = 0; i < PT_TCP_MAX_RANGES + 1; i++)
		seg(C, ISN_C + 1 + 2 * i + 1, ISN_S + 1, 0, pat + 2 * i + 1, 1);
	CU_ASSERT_EQUAL(R.gaps[0], 1);
	CU_ASSERT_EQUAL(R.missing[0], 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "islands"));
	CU_ASSERT_EQUAL(R.len[0], 1);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.gaps[0], PT_TCP_MAX_RANGES + 1);
	CU_ASSERT_EQUAL(R.len[0], PT_TCP_MAX_RANGES + 1);
	teardown();
}

static void test_gap_at_end(void)
{
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 100);
	seg(C, ISN_C + 201, ISN_S + 1, A, pat + 200, 100);
	CU_ASSERT_EQUAL(R.len[0], 100);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.gaps[0], 1);
	CU_ASSERT_EQUAL(R.missing[0], 100);
	CU_ASSERT_EQUAL(R.len[0], 200);
	CU_ASSERT(memcmp(R.stream[0] + 100, pat + 200, 100) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "end of capture"));
	CU_ASSERT_STRING_EQUAL(R.log, "open,data0,gap0,data0,close,");
	CU_ASSERT_EQUAL(R.how, PT_TCP_EOF);
	teardown();
}

static void test_gap_acked(void)
{
	/* the server acknowledges bytes the capture never had: skip at once, not at the end */
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 100);
	seg(C, ISN_C + 201, ISN_S + 1, A, pat + 200, 100);
	CU_ASSERT_EQUAL(R.gaps[0], 0);
	seg(S, ISN_S + 1, ISN_C + 301, A, NULL, 0);
	CU_ASSERT_EQUAL(R.gaps[0], 1);
	CU_ASSERT_EQUAL(R.missing[0], 100);
	CU_ASSERT_EQUAL(R.len[0], 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "acknowledged"));
	/* a late copy of the missing bytes is now old */
	seg(C, ISN_C + 101, ISN_S + 1, A, pat + 100, 100);
	CU_ASSERT_EQUAL(R.len[0], 200);
	teardown();
}

static void test_refused(void)
{
	/* the SYN and RST tcpdump captured for a connect() to 127.0.0.1:1723 with nobody listening */
	static const char syn4[] =
		"4500 003c fe58 4000 4006 3e61 7f00 0001 7f00 0001 b5fc 06bb c2cd 9ee6 0000 0000"
		"a002 ffd7 fe30 0000 0204 ffd7 0402 080a 1824 c77b 0000 0000 0103 030a";
	static const char rst4[] =
		"4500 0028 0000 4000 4006 3cce 7f00 0001 7f00 0001 06bb b5fc 0000 0000 c2cd 9ee7 5014 0000 9361 0000";
	const char *frames[2] = { syn4, rst4 };

	setup(0, 0, CONSUME_ALL);
	for (int i = 0; i < 2; i++) {
		uint8_t b[128];
		int n = ut_hex(frames[i], b, sizeof b);
		pt_cursor c = pt_cur(b, (size_t)n);
		pt_ip ip;
		pt_tcp_hdr th;
		pt_where w = { (uint64_t)i + 1, 0, 0, -1, PT_DIR_UNKNOWN };
		CU_ASSERT_EQUAL_FATAL(pt_ip_parse(&c, &ip, &sink, &w), PT_OK);
		CU_ASSERT_EQUAL_FATAL(pt_tcp_parse(&c, &ip, &th, &sink, &w), PT_OK);
		CU_ASSERT_EQUAL(pt_tcp_segment(&T, &ip, &th, th.payload, th.payload_len, &sink, &w), PT_OK);
	}
	CU_ASSERT_EQUAL(R.closes, 1);
	CU_ASSERT_EQUAL(R.how, PT_TCP_RST);
	CU_ASSERT_EQUAL(R.dir, 1);
	CU_ASSERT(R.info.syn && !R.info.synack && R.info.refused);
	CU_ASSERT_EQUAL(R.info.rst_from, 1);
	CU_ASSERT_EQUAL(R.info.key.port[0], 46588);
	CU_ASSERT_EQUAL(R.info.first_pkt, 1);
	CU_ASSERT_EQUAL(nfind, 0);
	teardown();

	/* SYN never answered: recorded, closed at the end */
	setup(0, 0, CONSUME_ALL);
	seg(C, ISN_C, 0, PT_TH_SYN, NULL, 0);
	seg(C, ISN_C, 0, PT_TH_SYN, NULL, 0);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.how, PT_TCP_EOF);
	CU_ASSERT(R.info.syn && !R.info.synack && !R.info.refused);
	CU_ASSERT_EQUAL(R.info.retrans[0], 1);
	CU_ASSERT_EQUAL(R.info.bytes[0], 0);
	teardown();

	/* RST in an established connection, from the client */
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 10);
	seg(C, ISN_C + 11, ISN_S + 1, PT_TH_RST, NULL, 0);
	CU_ASSERT_EQUAL(R.how, PT_TCP_RST);
	CU_ASSERT_EQUAL(R.dir, 0);
	CU_ASSERT(!R.info.refused);
	/* late segments of the closed connection are ignored */
	seg(S, ISN_S + 1, ISN_C + 11, A, pat, 10);
	CU_ASSERT_EQUAL(R.opens, 1);
	CU_ASSERT_EQUAL(R.len[1], 0);
	teardown();
}

static void test_seq_wrap(void)
{
	const uint32_t isn = 0xFFFFFF00u;

	setup(0, 0, CONSUME_ALL);
	seg(C, isn, 0, PT_TH_SYN, NULL, 0);
	seg(S, ISN_S, isn + 1, PT_TH_SYN | A, NULL, 0);
	/* [0,200) straddles 2^32; then [400,600) early, then [200,400) */
	seg(C, isn + 1, ISN_S + 1, A, pat, 200);
	seg(C, isn + 401, ISN_S + 1, A, pat + 400, 200);
	seg(C, isn + 201, ISN_S + 1, A, pat + 200, 200);
	CU_ASSERT_EQUAL(R.len[0], 600);
	CU_ASSERT(memcmp(R.stream[0], pat, 600) == 0);
	seg(C, isn + 101, ISN_S + 1, A, pat + 100, 100);   /* old, across the wrap */
	CU_ASSERT_EQUAL(R.len[0], 600);
	seg(C, isn + 601, ISN_S + 1, A | PT_TH_FIN, NULL, 0);
	seg(S, ISN_S + 1, isn + 602, A | PT_TH_FIN, NULL, 0);
	CU_ASSERT_EQUAL(R.how, PT_TCP_FIN);
	CU_ASSERT_EQUAL(R.info.retrans[0], 1);
	CU_ASSERT_EQUAL(nfind, 0);
	teardown();
}

static void test_out_of_window(void)
{
	/* a segment half the sequence space away belongs to no stream we follow: ignored, counted */
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 10);
	seg(C, ISN_C + 11 + 0x80000000u - 20, ISN_S + 1, A, pat, 38);   /* straddles the half-way point */
	seg(C, ISN_C + 11 + (1u << 30) + 1, ISN_S + 1, A, pat, 8);
	seg(C, ISN_C + 11 - (1u << 30) - 1, ISN_S + 1, A, pat, 8);
	CU_ASSERT_EQUAL(R.gaps[0], 0);
	seg(C, ISN_C + 11, ISN_S + 1, A, pat + 10, 10);
	CU_ASSERT_EQUAL(R.len[0], 20);
	CU_ASSERT(memcmp(R.stream[0], pat, 20) == 0);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.info.out_of_window[0], 3);
	CU_ASSERT_EQUAL(R.gaps[0], 0);
	CU_ASSERT_EQUAL(nfind, 0);
	teardown();
}

static void test_eviction(void)
{
	setup(2, 0, CONSUME_ALL);
	seg_port(1001, C, 1, 0, PT_TH_SYN, NULL, 0);
	seg_port(1002, C, 1, 0, PT_TH_SYN, NULL, 0);
	seg_port(1001, C, 2, 0, A, pat, 5);   /* 1001 is now the most recent */
	seg_port(1003, C, 1, 0, PT_TH_SYN, NULL, 0);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_EVICTED], 1);
	CU_ASSERT_EQUAL(R.closes, 1);
	CU_ASSERT_EQUAL(R.how, PT_TCP_EVICTED);
	CU_ASSERT_EQUAL(R.info.key.port[0], 1002);
	CU_ASSERT_EQUAL(T.live, 2);
	/* a closed connection's slot is reused before a live one is evicted */
	seg_port(1001, S, 9, 2, PT_TH_RST, NULL, 0);
	CU_ASSERT_EQUAL(R.closes, 2);
	seg_port(1004, C, 1, 0, PT_TH_SYN, NULL, 0);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_EVICTED], 1);
	CU_ASSERT_EQUAL(R.opens, 4);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.closes, 4);
	CU_ASSERT_EQUAL(T.st.peak_conns, 2);
	teardown();
}

static void test_port_reuse(void)
{
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 10);
	/* a new SYN on the same 4-tuple with another ISN */
	seg(C, 90000, 0, PT_TH_SYN, NULL, 0);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_PORT_REUSE], 1);
	CU_ASSERT_EQUAL(R.closes, 1);
	CU_ASSERT_EQUAL(R.how, PT_TCP_EVICTED);
	CU_ASSERT_EQUAL(R.opens, 2);
	seg(S, 70000, 90001, PT_TH_SYN | A, NULL, 0);
	seg(C, 90001, 70001, A, pat + 10, 5);
	CU_ASSERT_EQUAL(R.len[0], 15);
	CU_ASSERT(memcmp(R.stream[0], pat, 15) == 0);
	teardown();

	/* after a clean close, a new SYN on the same ports is simply a new connection */
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A | PT_TH_FIN, NULL, 0);
	seg(S, ISN_S + 1, ISN_C + 2, A | PT_TH_FIN, NULL, 0);
	CU_ASSERT_EQUAL(R.closes, 1);
	seg(C, 50, 0, PT_TH_SYN, NULL, 0);
	CU_ASSERT_EQUAL(R.opens, 2);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_PORT_REUSE], 0);
	teardown();
}

static void test_synack_first(void)
{
	/* the capture missed the SYN: the SYN-ACK tells both sequence spaces */
	setup(0, 0, CONSUME_ALL);
	seg(S, ISN_S, ISN_C + 1, PT_TH_SYN | A, NULL, 0);
	CU_ASSERT_EQUAL(R.opens, 1);
	CU_ASSERT_EQUAL(R.midstream, 0);
	/* the client's first bytes arrive second: still in order, since the SYN-ACK said where the stream starts */
	seg(C, ISN_C + 11, ISN_S + 1, A, pat + 10, 10);
	CU_ASSERT_EQUAL(R.len[0], 0);
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 10);
	CU_ASSERT_EQUAL(R.len[0], 20);
	CU_ASSERT(memcmp(R.stream[0], pat, 20) == 0);
	CU_ASSERT_EQUAL(R.gaps[0], 0);
	/* the SYN shows up late: the same connection */
	seg(C, ISN_C, 0, PT_TH_SYN, NULL, 0);
	CU_ASSERT_EQUAL(R.opens, 1);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_PORT_REUSE], 0);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT(R.info.synack && R.info.ack);
	CU_ASSERT_EQUAL(R.info.key.port[0], 40000);
	teardown();
}

static void test_ignored(void)
{
	setup(0, 0, CONSUME_ALL);
	R.ignore = 1;
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 10);
	seg(C, ISN_C + 11, ISN_S + 1, PT_TH_RST, NULL, 0);
	CU_ASSERT_EQUAL(R.ncalls[0], 0);
	CU_ASSERT_EQUAL(R.closes, 0);
	CU_ASSERT_STRING_EQUAL(R.log, "open,");
	CU_ASSERT_PTR_NULL(pt_tcp_info(&T, &R.token[0]));
	CU_ASSERT_EQUAL(T.st.ignored, 1);
	teardown();
	CU_ASSERT_EQUAL(R.closes, 0);
}

static void test_consumer_stall(void)
{
	/* a consumer that never takes anything: unconsumed bytes are dropped at the cap */
	setup(0, 65536, CONSUME_NONE);
	handshake();
	for (uint32_t i = 0; i < 70; i++)
		seg(C, ISN_C + 1 + i * 1000, ISN_S + 1, A, pat + i * 1000, 1000);
	CU_ASSERT(R.gaps[0] >= 1);
	CU_ASSERT_EQUAL(R.missing[0], 0);
	CU_ASSERT(seen[PT_R_CAP_TCP_GAP] >= 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "not consumed"));
	CU_ASSERT(T.st.buffered <= 65536);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT(R.info.dropped[0] > 0);
	CU_ASSERT(R.info.dropped[0] < 70000);
	teardown();
}

static void test_fin_before_hole(void)
{
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg(C, ISN_C + 1, ISN_S + 1, A, pat, 10);
	/* the server's data [0,20) is late; its FIN after [20,30) comes first */
	seg(S, ISN_S + 21, ISN_C + 11, A | PT_TH_FIN, pat + 20, 10);
	seg(C, ISN_C + 11, ISN_S + 1, A | PT_TH_FIN, NULL, 0);
	CU_ASSERT_EQUAL(R.closes, 0);
	seg(S, ISN_S + 1, ISN_C + 12, A, pat, 20);
	CU_ASSERT_EQUAL(R.closes, 1);
	CU_ASSERT_EQUAL(R.how, PT_TCP_FIN);
	CU_ASSERT_EQUAL(R.len[1], 30);
	CU_ASSERT(memcmp(R.stream[1], pat, 20) == 0 && memcmp(R.stream[1] + 20, pat + 20, 10) == 0);
	teardown();
}

static void test_snaplen_cut(void)
{
	/* a short snapshot length: each segment's tail is a hole right away, and a cut FIN still closes */
	setup(0, 0, CONSUME_ALL);
	handshake();
	seg_cut(C, ISN_C + 1, ISN_S + 1, A, pat, 30, 100);
	CU_ASSERT_EQUAL(R.len[0], 30);
	CU_ASSERT_EQUAL(R.gaps[0], 1);
	CU_ASSERT_EQUAL(R.missing[0], 70);
	CU_ASSERT_PTR_NOT_NULL(strstr(last.msg, "snapshot length"));
	CU_ASSERT_STRING_EQUAL(R.log, "open,data0,gap0,");
	seg_cut(C, ISN_C + 101, ISN_S + 1, A | PT_TH_FIN, pat + 100, 30, 50);
	CU_ASSERT_EQUAL(R.len[0], 60);
	CU_ASSERT(memcmp(R.stream[0] + 30, pat + 100, 30) == 0);
	CU_ASSERT_EQUAL(R.missing[0], 90);
	seg_cut(S, ISN_S + 1, ISN_C + 152, A | PT_TH_FIN, NULL, 0, 0);
	CU_ASSERT_EQUAL(R.closes, 1);
	CU_ASSERT_EQUAL(R.how, PT_TCP_FIN);
	CU_ASSERT_EQUAL(R.info.gap_bytes[0], 90);
	teardown();
}

static void test_ipv6_key(void)
{
	pt_ip ip;
	pt_tcp_hdr th;
	pt_where w = { 1, 0, 0, -1, PT_DIR_UNKNOWN };

	setup(0, 0, CONSUME_ALL);
	memset(&ip, 0, sizeof ip);
	memset(&th, 0, sizeof th);
	ip.version = 6;
	ip.src[15] = 1;
	ip.dst[15] = 2;
	th.sport = 1723;
	th.dport = 50000;
	th.seq = 1;
	th.flags = A;
	CU_ASSERT_EQUAL(pt_tcp_segment(&T, &ip, &th, pat, 7, &sink, &w), PT_OK);
	CU_ASSERT_EQUAL(R.len[1], 7);
	pt_tcp_finish(&T, &sink, NULL);
	CU_ASSERT_EQUAL(R.info.key.family, 6);
	CU_ASSERT_EQUAL(R.info.key.addr[0][15], 2);   /* the client is the non-1723 side */
	CU_ASSERT_EQUAL(R.info.key.port[0], 50000);
	teardown();
}

static void test_many_connections(void)
{
	/* memory follows live connections: 500 short connections through a 16-slot table */
	setup(16, 0, CONSUME_ALL);
	for (uint16_t p = 0; p < 500; p++) {
		seg_port((uint16_t)(2000 + p), C, 1, 0, PT_TH_SYN, NULL, 0);
		seg_port((uint16_t)(2000 + p), S, 9, 2, PT_TH_SYN | A, NULL, 0);
		seg_port((uint16_t)(2000 + p), C, 2, 10, A, pat, 100);
		seg_port((uint16_t)(2000 + p), C, 102, 10, A | PT_TH_FIN, NULL, 0);
		seg_port((uint16_t)(2000 + p), S, 10, 103, A | PT_TH_FIN, NULL, 0);
	}
	CU_ASSERT_EQUAL(R.opens, 500);
	CU_ASSERT_EQUAL(R.closes, 500);
	CU_ASSERT_EQUAL(seen[PT_R_CAP_TCP_EVICTED], 0);
	CU_ASSERT_EQUAL(T.st.buffered, 0);
	CU_ASSERT_EQUAL(R.len[0], 50000);
	teardown();
}

static int init_suite(void)
{
	for (size_t i = 0; i < sizeof pat; i++)
		pat[i] = (uint8_t)(i * 13 + (i >> 8));
	return 0;
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("tcpreasm", init_suite, NULL);
	UT_ADD(s, test_in_order);
	UT_ADD(s, test_out_of_order);
	UT_ADD(s, test_retransmission);
	UT_ADD(s, test_overlap_mismatch);
	UT_ADD(s, test_framing);
	UT_ADD(s, test_midstream);
	UT_ADD(s, test_gap_by_cap);
	UT_ADD(s, test_gap_at_end);
	UT_ADD(s, test_gap_acked);
	UT_ADD(s, test_refused);
	UT_ADD(s, test_seq_wrap);
	UT_ADD(s, test_out_of_window);
	UT_ADD(s, test_eviction);
	UT_ADD(s, test_port_reuse);
	UT_ADD(s, test_synack_first);
	UT_ADD(s, test_ignored);
	UT_ADD(s, test_consumer_stall);
	UT_ADD(s, test_fin_before_hole);
	UT_ADD(s, test_snaplen_cut);
	UT_ADD(s, test_ipv6_key);
	UT_ADD(s, test_many_connections);
}
