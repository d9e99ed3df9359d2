/* test_pptp.c: the PPTP control messages (lib/pptp.c): known images, round trips, truncation, every rule. */
#include <stdlib.h>
#include <string.h>

#include "pptp.h"
#include "rules.h"
#include "ut.h"

/* ---- a sink that records rule ids ---------------------------------------- */


/* the collecting sink shared by the unit tests (ut_main.c) */
#define sink ut_sink
#define nf ut_nf
#define fs ut_fs
#define clear ut_clear
#define count ut_count
#define first ut_first
static const pt_where where = { 3, 1000000, 1, -1, PT_DIR_PNS };

/* ---- hand-made images from the RFC 2637 field layouts ---------------------
 * Each element is (octets, value) or (64/128, string); written big-endian by
 * this test, independently of the library's field tables. */

typedef struct fld {
	int w;            /* 1, 2, 4, 64, 128 */
	uint32_t v;
	const char *s;
} fld;

static size_t img(uint8_t *out, uint16_t type, const fld *f, size_t n)
{
	size_t o = 12;

	for (size_t i = 0; i < n; i++) {
		switch (f[i].w) {
		case 1:
			out[o++] = (uint8_t)f[i].v;
			break;
		case 2:
			out[o++] = (uint8_t)(f[i].v >> 8);
			out[o++] = (uint8_t)f[i].v;
			break;
		case 4:
			for (int k = 3; k >= 0; k--)
				out[o++] = (uint8_t)(f[i].v >> (8 * k));
			break;
		default:
			memset(out + o, 0, (size_t)f[i].w);
			if (f[i].s)
				memcpy(out + o, f[i].s, strlen(f[i].s));
			o += (size_t)f[i].w;
			break;
		}
	}
	/* RFC 2637 2: Length, Message Type 1, Magic Cookie, Control Message Type, Reserved0 */
	out[0] = (uint8_t)(o >> 8);
	out[1] = (uint8_t)o;
	out[2] = 0;
	out[3] = 1;
	out[4] = 0x1a;
	out[5] = 0x2b;
	out[6] = 0x3c;
	out[7] = 0x4d;
	out[8] = 0;
	out[9] = (uint8_t)type;
	out[10] = 0;
	out[11] = 0;
	return o;
}

#define IMG(buf, type, ...)                                                                   \
	do {                                                                                  \
		static const fld f_[] = { __VA_ARGS__ };                                      \
		len = img(buf, type, f_, sizeof f_ / sizeof f_[0]);                           \
	} while (0)

/* Parse a buffer exactly as long as the message (heap, so ASan sees overreads). */
static int parse_heap(const uint8_t *b, size_t len, pt_ctrl_msg *m)
{
	uint8_t *h = malloc(len ? len : 1);
	pt_cursor c;
	int rc;

	memcpy(h, b, len);
	c = pt_cur(h, len);
	rc = pt_ctrl_parse(&c, m, &sink, &where);
	free(h);
	return rc;
}

/* Build m and compare with the image; then parse again and rebuild. */
static void check_roundtrip_image(const pt_ctrl_msg *m, const uint8_t *image, size_t len)
{
	uint8_t out[512];
	pt_writer w = pt_wr(out, sizeof out);

	CU_ASSERT_EQUAL(pt_ctrl_build(m, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), len);
	CU_ASSERT(memcmp(out, image, len) == 0);
}

static void test_known_sccrq(void)
{
	/* MS-PTPT 4: the Windows SCCRQ (Vendor "Microsoft", Host Name empty). */
	uint8_t b[256];
	size_t len;
	pt_ctrl_msg m;

	IMG(b, 1, { 2, 0x0100, 0 }, { 2, 0, 0 }, { 4, 1, 0 }, { 4, 1, 0 }, { 2, 0, 0 }, { 2, 0, 0 },
	    { 64, 0, NULL }, { 64, 0, "Microsoft" });
	CU_ASSERT_EQUAL(len, 156);
	CU_ASSERT_EQUAL(b[0] << 8 | b[1], 0x9c);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.length, 156);
	CU_ASSERT_EQUAL(m.type, PT_CTRL_SCCRQ);
	CU_ASSERT_EQUAL(m.u.sccrq.version, 0x0100);
	CU_ASSERT_EQUAL(m.u.sccrq.framing_cap, 1);
	CU_ASSERT_EQUAL(m.u.sccrq.bearer_cap, 1);
	CU_ASSERT_EQUAL(m.u.sccrq.host_name.len, 0);
	CU_ASSERT_EQUAL(m.u.sccrq.vendor.len, 9);
	CU_ASSERT(memcmp(m.u.sccrq.vendor.b, "Microsoft", 9) == 0);
	check_roundtrip_image(&m, b, len);
}

static void test_known_all(void)
{
	uint8_t b[256];
	size_t len;
	pt_ctrl_msg m;

	/* 2.2 SCCRP */
	IMG(b, 2, { 2, 0x0100, 0 }, { 1, 1, 0 }, { 1, 0, 0 }, { 4, 3, 0 }, { 4, 2, 0 }, { 2, 5, 0 },
	    { 2, 0x0203, 0 }, { 64, 0, "pac.example" }, { 64, 0, "linux" });
	clear();
	CU_ASSERT_EQUAL(len, 156);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.sccrp.result, 1);
	CU_ASSERT_EQUAL(m.u.sccrp.framing_cap, 3);
	CU_ASSERT_EQUAL(m.u.sccrp.max_channels, 5);
	CU_ASSERT_EQUAL(m.u.sccrp.firmware_rev, 0x0203);
	CU_ASSERT_EQUAL(m.u.sccrp.host_name.len, 11);
	check_roundtrip_image(&m, b, len);

	/* 2.3 StopCCRQ (MS-PTPT 4: Reason 1) */
	IMG(b, 3, { 1, 1, 0 }, { 1, 0, 0 }, { 2, 0, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.stopccrq.reason, PT_STOP_NONE);
	check_roundtrip_image(&m, b, len);

	/* 2.4 StopCCRP */
	IMG(b, 4, { 1, 2, 0 }, { 1, 6, 0 }, { 2, 0, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.stopccrp.result, 2);
	CU_ASSERT_EQUAL(m.u.stopccrp.error, PT_GERR_PAC_ERROR);
	check_roundtrip_image(&m, b, len);

	/* 2.5 Echo-Request */
	IMG(b, 5, { 4, 0xdeadbeef, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(m.u.echorq.id, 0xdeadbeef);
	check_roundtrip_image(&m, b, len);

	/* 2.6 Echo-Reply */
	IMG(b, 6, { 4, 0xdeadbeef, 0 }, { 1, 1, 0 }, { 1, 0, 0 }, { 2, 0, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 20);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.echorp.id, 0xdeadbeef);
	CU_ASSERT_EQUAL(m.u.echorp.result, 1);
	check_roundtrip_image(&m, b, len);

	/* 2.7 OCRQ: the MS-PTPT 4 example (Call ID 0xFAEA, 300..100000000 bps, any/any, window 64) */
	IMG(b, 7, { 2, 0xfaea, 0 }, { 2, 1, 0 }, { 4, 300, 0 }, { 4, 100000000, 0 }, { 4, 3, 0 }, { 4, 3, 0 },
	    { 2, 64, 0 }, { 2, 0, 0 }, { 2, 0, 0 }, { 2, 0, 0 }, { 64, 0, NULL },
	    { 64, 0, "\xe3\x57\x2a\x57\xe0\xa2\xbd\x41\xb8\x26\xf1\x45\x41\x06\xf2\x61" });
	clear();
	CU_ASSERT_EQUAL(len, 168);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.ocrq.call_id, 0xfaea);
	CU_ASSERT_EQUAL(m.u.ocrq.call_serial, 1);
	CU_ASSERT_EQUAL(m.u.ocrq.min_bps, 300);
	CU_ASSERT_EQUAL(m.u.ocrq.max_bps, 100000000);
	CU_ASSERT_EQUAL(m.u.ocrq.bearer_type, 3);
	CU_ASSERT_EQUAL(m.u.ocrq.framing_type, 3);
	CU_ASSERT_EQUAL(m.u.ocrq.recv_window, 64);
	CU_ASSERT_EQUAL(m.u.ocrq.subaddress.len, 16);
	CU_ASSERT_EQUAL(m.u.ocrq.subaddress.b[0], 0xe3);
	check_roundtrip_image(&m, b, len);

	/* 2.8 OCRP: the MS-PTPT 4 example */
	IMG(b, 8, { 2, 0xe40a, 0 }, { 2, 0xfaea, 0 }, { 1, 1, 0 }, { 1, 0, 0 }, { 2, 0, 0 }, { 4, 5317890, 0 },
	    { 2, 16384, 0 }, { 2, 0, 0 }, { 4, 0, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 32);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.ocrp.call_id, 0xe40a);
	CU_ASSERT_EQUAL(m.u.ocrp.peer_call_id, 0xfaea);
	CU_ASSERT_EQUAL(m.u.ocrp.connect_speed, 5317890);
	CU_ASSERT_EQUAL(m.u.ocrp.recv_window, 16384);
	check_roundtrip_image(&m, b, len);

	/* 2.9 ICRQ */
	IMG(b, 9, { 2, 0x0102, 0 }, { 2, 7, 0 }, { 4, 2, 0 }, { 4, 0x11223344, 0 }, { 2, 4, 0 }, { 2, 3, 0 },
	    { 64, 0, "5551" }, { 64, 0, "555" }, { 64, 0, NULL });
	clear();
	CU_ASSERT_EQUAL(len, 220);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.icrq.call_id, 0x0102);
	CU_ASSERT_EQUAL(m.u.icrq.bearer_type, 2);
	CU_ASSERT_EQUAL(m.u.icrq.channel_id, 0x11223344);
	CU_ASSERT_EQUAL(m.u.icrq.dialed.len, 4);
	CU_ASSERT_EQUAL(m.u.icrq.dialing.len, 3);
	check_roundtrip_image(&m, b, len);

	/* 2.10 ICRP */
	IMG(b, 10, { 2, 0x0a0b, 0 }, { 2, 0x0102, 0 }, { 1, 1, 0 }, { 1, 0, 0 }, { 2, 16, 0 }, { 2, 2, 0 },
	    { 2, 0, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 24);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.icrp.peer_call_id, 0x0102);
	CU_ASSERT_EQUAL(m.u.icrp.recv_window, 16);
	CU_ASSERT_EQUAL(m.u.icrp.tx_delay, 2);
	check_roundtrip_image(&m, b, len);

	/* 2.11 ICCN */
	IMG(b, 11, { 2, 0x0a0b, 0 }, { 2, 0, 0 }, { 4, 64000, 0 }, { 2, 8, 0 }, { 2, 1, 0 }, { 4, 1, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 28);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.iccn.connect_speed, 64000);
	CU_ASSERT_EQUAL(m.u.iccn.framing_type, 1);
	check_roundtrip_image(&m, b, len);

	/* 2.12 CCRQ (16 octets; the MS-PTPT 4 example's "32" is a slip: 12 + 2 + 2) */
	IMG(b, 12, { 2, 0xfaea, 0 }, { 2, 0, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 16);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.ccrq.call_id, 0xfaea);
	check_roundtrip_image(&m, b, len);

	/* 2.13 CDN: the MS-PTPT 4 example, Result Code 0 (Windows) */
	IMG(b, 13, { 2, 0xe40a, 0 }, { 1, 0, 0 }, { 1, 0, 0 }, { 2, 0, 0 }, { 2, 0, 0 }, { 128, 0, NULL });
	clear();
	CU_ASSERT_EQUAL(len, 148);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 1);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_CDN_RESULT_ZERO), 1);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_BAD_RESULT), 0);
	CU_ASSERT_EQUAL(m.u.cdn.call_id, 0xe40a);
	check_roundtrip_image(&m, b, len);

	/* 2.14 WEN */
	IMG(b, 14, { 2, 0x0a0b, 0 }, { 2, 0, 0 }, { 4, 1, 0 }, { 4, 2, 0 }, { 4, 3, 0 }, { 4, 4, 0 }, { 4, 5, 0 },
	    { 4, 6, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 40);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.wen.crc_errors, 1);
	CU_ASSERT_EQUAL(m.u.wen.align_errors, 6);
	check_roundtrip_image(&m, b, len);

	/* 2.15 SLI */
	IMG(b, 15, { 2, 0xe40a, 0 }, { 2, 0, 0 }, { 4, 0xffffffff, 0 }, { 4, 0, 0 });
	clear();
	CU_ASSERT_EQUAL(len, 24);
	CU_ASSERT_EQUAL(parse_heap(b, len, &m), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(m.u.sli.peer_call_id, 0xe40a);
	CU_ASSERT_EQUAL(m.u.sli.send_accm, 0xffffffff);
	CU_ASSERT_EQUAL(m.u.sli.recv_accm, 0);
	check_roundtrip_image(&m, b, len);
}

/* ---- the descriptor table ------------------------------------------------ */

static void test_descriptors(void)
{
	/* Known answers: sizeof the structs in quozl/pptp pptp_msg.h. */
	static const uint16_t lens[16] = { 0, 156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24 };
	static const int senders[16] = { 0, PT_DIR_UNKNOWN, PT_DIR_UNKNOWN, PT_DIR_UNKNOWN, PT_DIR_UNKNOWN,
					 PT_DIR_UNKNOWN, PT_DIR_UNKNOWN, PT_DIR_PNS, PT_DIR_PAC, PT_DIR_PAC,
					 PT_DIR_PNS, PT_DIR_PAC, PT_DIR_PNS, PT_DIR_PAC, PT_DIR_PAC, PT_DIR_PNS };
	size_t nh;
	const pt_ctrl_field *hf = pt_ctrl_hdr_fields(&nh);

	CU_ASSERT_EQUAL(nh, 5);
	CU_ASSERT_EQUAL(hf[4].off + hf[4].len, PT_PPTP_HDR_LEN);
	for (uint16_t t = 1; t <= PT_CTRL_TYPE_MAX; t++) {
		const pt_ctrl_desc *d = pt_ctrl_desc_get(t);
		size_t off = PT_PPTP_HDR_LEN;

		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_EQUAL(d->type, t);
		CU_ASSERT_EQUAL(d->len, lens[t]);
		CU_ASSERT_EQUAL(d->sender, senders[t]);
		CU_ASSERT_STRING_EQUAL(d->name, pt_vs_name(pt_ctrl_type_vs, t));
		CU_ASSERT_STRING_EQUAL(pt_ctrl_name(t), d->name);
		CU_ASSERT_STRING_EQUAL(pt_ctrl_abbrev(t), d->abbrev);
		CU_ASSERT(strncmp(d->ref, "RFC 2637 2.", 11) == 0);
		/* fields are contiguous and fill the message exactly */
		for (size_t i = 0; i < d->nfields; i++) {
			CU_ASSERT_EQUAL(d->fields[i].off, off);
			off += d->fields[i].len;
		}
		CU_ASSERT_EQUAL(off, d->len);
		if (d->result_fi >= 0) {
			CU_ASSERT(strcmp(d->fields[d->result_fi].key, "result") == 0 ||
				  strcmp(d->fields[d->result_fi].key, "reason") == 0);
			CU_ASSERT_PTR_EQUAL(d->fields[d->result_fi].vs, d->result_vs);
		}
		if (d->error_fi >= 0)
			CU_ASSERT_STRING_EQUAL(d->fields[d->error_fi].key, "error");
	}
	CU_ASSERT_PTR_NULL(pt_ctrl_desc_get(0));
	CU_ASSERT_PTR_NULL(pt_ctrl_desc_get(16));
	CU_ASSERT_STRING_EQUAL(pt_ctrl_name(16), "Unknown");
	CU_ASSERT_STRING_EQUAL(pt_ctrl_abbrev(0), "?");
	/* RFC 2637 2.16: general error codes 0..6, nothing above */
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_ctrl_gerr_vs, 5), "Bad-Call ID");
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_ctrl_gerr_vs, 6), "PAC-Error");
	CU_ASSERT_PTR_NULL(pt_vs_name(pt_ctrl_gerr_vs, 7));
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_ctrl_ocrp_result_vs, 7), "Do Not Accept");
	CU_ASSERT_PTR_NULL(pt_vs_name(pt_ctrl_ocrp_result_vs, 8));
	CU_ASSERT_PTR_NULL(pt_vs_name(pt_ctrl_cdn_result_vs, 5));
}

/* ---- clean messages of every type, round trips ------------------------- */

static void clean_msg(uint16_t type, pt_ctrl_msg *m)
{
	pt_ctrl_init(m, type);
	switch (type) {
	case PT_CTRL_SCCRQ:
		m->u.sccrq.version = PT_PPTP_VERSION;
		m->u.sccrq.framing_cap = 1;
		m->u.sccrq.bearer_cap = 1;
		pt_ctrl_str64_set(&m->u.sccrq.host_name, "pns");
		pt_ctrl_str64_set(&m->u.sccrq.vendor, "pptp-suite");
		break;
	case PT_CTRL_SCCRP:
		m->u.sccrp.version = PT_PPTP_VERSION;
		m->u.sccrp.result = 1;
		m->u.sccrp.framing_cap = 3;
		m->u.sccrp.bearer_cap = 3;
		m->u.sccrp.max_channels = 8;
		break;
	case PT_CTRL_STOPCCRQ:
		m->u.stopccrq.reason = PT_STOP_LOCAL_SHUTDOWN;
		break;
	case PT_CTRL_STOPCCRP:
		m->u.stopccrp.result = 1;
		break;
	case PT_CTRL_ECHORQ:
		m->u.echorq.id = 42;
		break;
	case PT_CTRL_ECHORP:
		m->u.echorp.id = 42;
		m->u.echorp.result = 1;
		break;
	case PT_CTRL_OCRQ:
		m->u.ocrq.call_id = 100;
		m->u.ocrq.min_bps = 2400;
		m->u.ocrq.max_bps = 10000000;
		m->u.ocrq.bearer_type = 3;
		m->u.ocrq.framing_type = 1;
		m->u.ocrq.recv_window = 64;
		m->u.ocrq.phone_len = 3;
		pt_ctrl_str64_set(&m->u.ocrq.phone, "123");
		break;
	case PT_CTRL_OCRP:
		m->u.ocrp.call_id = 200;
		m->u.ocrp.peer_call_id = 100;
		m->u.ocrp.result = 1;
		m->u.ocrp.recv_window = 16;
		break;
	case PT_CTRL_ICRQ:
		m->u.icrq.call_id = 300;
		m->u.icrq.bearer_type = 1;
		break;
	case PT_CTRL_ICRP:
		m->u.icrp.call_id = 400;
		m->u.icrp.peer_call_id = 300;
		m->u.icrp.result = 1;
		break;
	case PT_CTRL_ICCN:
		m->u.iccn.peer_call_id = 400;
		m->u.iccn.framing_type = 2;
		break;
	case PT_CTRL_CCRQ:
		m->u.ccrq.call_id = 100;
		break;
	case PT_CTRL_CDN:
		m->u.cdn.call_id = 200;
		m->u.cdn.result = 4;
		pt_ctrl_str128_set(&m->u.cdn.stats, "1234 frames");
		break;
	case PT_CTRL_WEN:
		m->u.wen.peer_call_id = 100;
		break;
	case PT_CTRL_SLI:
		m->u.sli.peer_call_id = 200;
		m->u.sli.send_accm = 0xffffffff;
		m->u.sli.recv_accm = 0xffffffff;
		break;
	}
}

static size_t build(const pt_ctrl_msg *m, uint8_t *out, size_t cap)
{
	pt_writer w = pt_wr(out, cap);
	CU_ASSERT_EQUAL(pt_ctrl_build(m, &w), PT_OK);
	return pt_wlen(&w);
}

static void test_clean_roundtrip(void)
{
	for (uint16_t t = 1; t <= PT_CTRL_TYPE_MAX; t++) {
		uint8_t a[512], b[512];
		pt_ctrl_msg m, m2;
		size_t la, lb;

		clean_msg(t, &m);
		la = build(&m, a, sizeof a);
		CU_ASSERT_EQUAL(la, pt_ctrl_desc_get(t)->len);
		clear();
		CU_ASSERT_EQUAL(parse_heap(a, la, &m2), PT_OK);
		CU_ASSERT_EQUAL(nf, 0); /* a clean message breaks no rule */
		CU_ASSERT_EQUAL(m2.type, t);
		CU_ASSERT_EQUAL(m2.length, la);
		lb = build(&m2, b, sizeof b);
		CU_ASSERT_EQUAL(lb, la);
		CU_ASSERT(memcmp(a, b, la) == 0);
	}
}

/* Fill every field with pseudo-random values through the field table, then
 * build -> parse -> compare every field. */
static uint32_t lcg = 12345;
static uint32_t rnd(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return lcg >> 8;
}

static void test_random_roundtrip(void)
{
	for (int iter = 0; iter < 200; iter++) {
		uint16_t t = (uint16_t)(1 + iter % PT_CTRL_TYPE_MAX);
		const pt_ctrl_desc *d = pt_ctrl_desc_get(t);
		uint8_t a[512];
		pt_ctrl_msg m, m2;
		size_t la;
		int rc;

		pt_ctrl_init(&m, t);
		m.reserved0 = (uint16_t)(rnd() & 1);
		for (size_t i = 0; i < d->nfields; i++) {
			const pt_ctrl_field *f = &d->fields[i];
			unsigned char *p = (unsigned char *)&m + f->moff;
			if (f->kind == PT_FK_STR) {
				for (size_t k = 0; k < f->len; k++)
					p[1 + k] = (uint8_t)rnd();
			} else if (f->len == 1) {
				uint8_t v = (uint8_t)rnd();
				memcpy(p, &v, 1);
			} else if (f->len == 2) {
				uint16_t v = (uint16_t)rnd();
				memcpy(p, &v, 2);
			} else {
				uint32_t v = rnd() ^ (rnd() << 16);
				memcpy(p, &v, 4);
			}
		}
		la = build(&m, a, sizeof a);
		clear();
		rc = parse_heap(a, la, &m2);
		CU_ASSERT_EQUAL(rc, PT_OK);
		CU_ASSERT_EQUAL(m2.reserved0, m.reserved0);
		for (size_t i = 0; i < d->nfields; i++) {
			const pt_ctrl_field *f = &d->fields[i];
			size_t skip = f->kind == PT_FK_STR ? 1 : 0; /* compare the octets, not len */
			CU_ASSERT(memcmp((unsigned char *)&m + f->moff + skip, (unsigned char *)&m2 + f->moff + skip,
					 f->len) == 0);
		}
	}
}

/* ---- truncation and framing --------------------------------------------- */

static void test_truncation(void)
{
	for (uint16_t t = 1; t <= PT_CTRL_TYPE_MAX; t++) {
		uint8_t a[512];
		pt_ctrl_msg m;
		size_t la;

		clean_msg(t, &m);
		la = build(&m, a, sizeof a);
		for (size_t l = 0; l < la; l++) {
			clear();
			CU_ASSERT_EQUAL(parse_heap(a, l, &m), PT_ETRUNC);
			CU_ASSERT_EQUAL(nf, 0);
		}
	}
}

static void test_frame_len(void)
{
	uint8_t b[4] = { 0x00, 0x9c, 0, 0 };
	pt_cursor c = pt_cur(b, 1);
	size_t len = 0;

	CU_ASSERT_EQUAL(pt_ctrl_frame_len(&c, &len), PT_ETRUNC);
	c = pt_cur(b, 2);
	CU_ASSERT_EQUAL(pt_ctrl_frame_len(&c, &len), PT_OK);
	CU_ASSERT_EQUAL(len, 156);
	CU_ASSERT_EQUAL(pt_off(&c), 0); /* peek only */
	b[1] = 11;
	CU_ASSERT_EQUAL(pt_ctrl_frame_len(&c, &len), PT_EINVAL);
	b[1] = 12;
	CU_ASSERT_EQUAL(pt_ctrl_frame_len(&c, &len), PT_OK);
	b[0] = 0x04;
	b[1] = 0x01; /* 1025 */
	CU_ASSERT_EQUAL(pt_ctrl_frame_len(&c, &len), PT_EINVAL);
}

static void test_stream_of_two(void)
{
	/* Two messages back to back: the cursor moves exactly Length octets. */
	uint8_t a[512];
	pt_ctrl_msg m;
	size_t l1, l2;
	pt_cursor c;

	clean_msg(PT_CTRL_ECHORQ, &m);
	l1 = build(&m, a, sizeof a);
	clean_msg(PT_CTRL_ECHORP, &m);
	l2 = build(&m, a + l1, sizeof a - l1);
	c = pt_cur(a, l1 + l2);
	clear();
	CU_ASSERT_EQUAL(pt_ctrl_parse(&c, &m, &sink, &where), PT_OK);
	CU_ASSERT_EQUAL(m.type, PT_CTRL_ECHORQ);
	CU_ASSERT_EQUAL(pt_off(&c), l1);
	CU_ASSERT_EQUAL(pt_ctrl_parse(&c, &m, &sink, &where), PT_OK);
	CU_ASSERT_EQUAL(m.type, PT_CTRL_ECHORP);
	CU_ASSERT_EQUAL(pt_left(&c), 0);
	CU_ASSERT_EQUAL(nf, 0);
}

/* ---- each rule: triggered by a mutation, quiet on the clean message ------ */

/* Parse a mutated image; return rc. */
static int parse_mut(uint16_t type, void (*mut)(pt_ctrl_msg *))
{
	uint8_t a[512];
	pt_ctrl_msg m;
	size_t la;

	clean_msg(type, &m);
	mut(&m);
	la = build(&m, a, sizeof a);
	clear();
	return parse_heap(a, la, &m);
}

static void set_bytes(uint8_t *a, size_t off, uint32_t v, int w)
{
	for (int k = w - 1; k >= 0; k--)
		a[off++] = (uint8_t)(v >> (8 * k));
}

static void test_rule_header(void)
{
	uint8_t a[512], b[512];
	pt_ctrl_msg m;
	size_t la;
	const pt_finding *f;

	clean_msg(PT_CTRL_SCCRQ, &m);
	la = build(&m, a, sizeof a);

	memcpy(b, a, la);
	set_bytes(b, 4, 0x1a2b3c4e, 4);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_BAD_MAGIC), 1);
	CU_ASSERT_EQUAL(nf, 1);

	memcpy(b, a, la);
	set_bytes(b, 2, 2, 2); /* management message */
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la, &m), PT_EUNSUP);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_BAD_MSG_TYPE), 1);
	set_bytes(b, 2, 7, 2);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_BAD_MSG_TYPE), 1);

	memcpy(b, a, la);
	set_bytes(b, 8, 16, 2);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la, &m), PT_EUNSUP);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_UNKNOWN_TYPE), 1);
	set_bytes(b, 8, 0, 2);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la, &m), PT_EUNSUP);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_UNKNOWN_TYPE), 1);

	memcpy(b, a, la);
	set_bytes(b, 10, 0x8000, 2);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la, &m), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_RESERVED), 1);
	f = first(PT_R_CTRL_RESERVED);
	CU_ASSERT(f && strstr(f->msg, "Reserved0"));

	/* Length too small for the header */
	memcpy(b, a, la);
	set_bytes(b, 0, 8, 2);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_BAD_LENGTH), 1);

	/* Length longer than the type: error finding, fields still parsed */
	memcpy(b, a, la);
	memset(b + la, 0, 4);
	set_bytes(b, 0, (uint32_t)(la + 4), 2);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, la + 4, &m), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_LENGTH_MISMATCH), 1);
	f = first(PT_R_CTRL_LENGTH_MISMATCH);
	CU_ASSERT(f && strstr(f->msg, "expected 156, got 160"));
	CU_ASSERT_EQUAL(m.u.sccrq.version, PT_PPTP_VERSION);

	/* Length shorter than the type: invalid */
	memcpy(b, a, la);
	set_bytes(b, 0, 100, 2);
	clear();
	CU_ASSERT_EQUAL(parse_heap(b, 100, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_LENGTH_MISMATCH), 1);
	f = first(PT_R_CTRL_LENGTH_MISMATCH);
	CU_ASSERT(f && strstr(f->msg, "expected 156, got 100"));
	CU_ASSERT_EQUAL(f->at.pkt, 3);
}

static void test_rule_reserved_each(void)
{
	/* Every Reserved field of every type, named in the finding. */
	for (uint16_t t = 1; t <= PT_CTRL_TYPE_MAX; t++) {
		const pt_ctrl_desc *d = pt_ctrl_desc_get(t);
		for (size_t i = 0; i < d->nfields; i++) {
			const pt_ctrl_field *f = &d->fields[i];
			uint8_t a[512];
			pt_ctrl_msg m;
			size_t la;
			const pt_finding *fi;

			if (f->kind != PT_FK_RESERVED)
				continue;
			clean_msg(t, &m);
			la = build(&m, a, sizeof a);
			a[f->off + f->len - 1] = 0x01;
			clear();
			CU_ASSERT_EQUAL(parse_heap(a, la, &m), PT_OK);
			CU_ASSERT_EQUAL(nf, 1);
			fi = first(PT_R_CTRL_RESERVED);
			CU_ASSERT_PTR_NOT_NULL(fi);
			if (fi)
				CU_ASSERT_PTR_NOT_NULL(strstr(fi->msg, f->name));
		}
	}
}

static void m_version(pt_ctrl_msg *m) { m->u.sccrq.version = 0x0200; }
static void m_sccrp_version(pt_ctrl_msg *m) { m->u.sccrp.version = 0x0001; }
static void m_framing_cap(pt_ctrl_msg *m) { m->u.sccrq.framing_cap = 0x5; }
static void m_bearer_cap(pt_ctrl_msg *m) { m->u.sccrp.bearer_cap = 0x80000001u; }
static void m_ocrq_bearer(pt_ctrl_msg *m) { m->u.ocrq.bearer_type = 4; }
static void m_ocrq_framing(pt_ctrl_msg *m) { m->u.ocrq.framing_type = 0; }
static void m_icrq_bearer3(pt_ctrl_msg *m) { m->u.icrq.bearer_type = 3; }
static void m_iccn_framing3(pt_ctrl_msg *m) { m->u.iccn.framing_type = 3; }
static void m_bps(pt_ctrl_msg *m) { m->u.ocrq.min_bps = 20000000; }
static void m_phone_len(pt_ctrl_msg *m) { m->u.ocrq.phone_len = 5; }
static void m_phone_len_big(pt_ctrl_msg *m) { m->u.ocrq.phone_len = 65; }
static void m_dialed_len(pt_ctrl_msg *m) { m->u.icrq.dialing_len = 2; }
static void m_stop_reason(pt_ctrl_msg *m) { m->u.stopccrq.reason = 4; }
static void m_stop_reason0(pt_ctrl_msg *m) { m->u.stopccrq.reason = 0; }
static void m_cdn_result5(pt_ctrl_msg *m) { m->u.cdn.result = 5; }
static void m_cdn_result0(pt_ctrl_msg *m) { m->u.cdn.result = 0; }
static void m_ocrp_result8(pt_ctrl_msg *m) { m->u.ocrp.result = 8; }
static void m_ocrp_result7(pt_ctrl_msg *m) { m->u.ocrp.result = 7; }
static void m_icrp_result4(pt_ctrl_msg *m) { m->u.icrp.result = 4; }
static void m_sccrp_result6(pt_ctrl_msg *m) { m->u.sccrp.result = 6; }
static void m_sccrp_result5(pt_ctrl_msg *m) { m->u.sccrp.result = 5; }
static void m_echorp_result3(pt_ctrl_msg *m) { m->u.echorp.result = 3; }
static void m_stopccrp_result0(pt_ctrl_msg *m) { m->u.stopccrp.result = 0; }
static void m_err7(pt_ctrl_msg *m) { m->u.sccrp.result = 2; m->u.sccrp.error = 7; }
static void m_err_not_general(pt_ctrl_msg *m) { m->u.ocrp.error = PT_GERR_BAD_VALUE; }
static void m_general_none(pt_ctrl_msg *m) { m->u.echorp.result = 2; m->u.echorp.error = 0; }
static void m_general_ok(pt_ctrl_msg *m) { m->u.stopccrp.result = 2; m->u.stopccrp.error = PT_GERR_NO_RESOURCE; }
static void m_host_full(pt_ctrl_msg *m) { memset(m->u.sccrq.host_name.b, 'h', PT_PPTP_STR); }
static void m_vendor_pad(pt_ctrl_msg *m) { m->u.sccrq.vendor.b[40] = 0x55; }
static void m_stats_pad(pt_ctrl_msg *m) { m->u.cdn.stats.b[127] = 1; }
static void m_stats_full(pt_ctrl_msg *m) { memset(m->u.cdn.stats.b, '#', PT_PPTP_STATS); }
static void m_nothing(pt_ctrl_msg *m) { (void)m; }

static void expect_rule(uint16_t type, void (*mut)(pt_ctrl_msg *), int rule, int rc)
{
	CU_ASSERT_EQUAL(parse_mut(type, mut), rc);
	CU_ASSERT_EQUAL(count(rule), 1);
	CU_ASSERT_EQUAL(nf, 1);
	/* and the clean message does not break it */
	CU_ASSERT_EQUAL(parse_mut(type, m_nothing), PT_OK);
	CU_ASSERT_EQUAL(count(rule), 0);
}

static void test_rule_fields(void)
{
	expect_rule(PT_CTRL_SCCRQ, m_version, PT_R_CTRL_BAD_VERSION, PT_OK);
	CU_ASSERT(first(PT_R_CTRL_BAD_VERSION) == NULL);
	parse_mut(PT_CTRL_SCCRQ, m_version);
	CU_ASSERT(strstr(first(PT_R_CTRL_BAD_VERSION)->msg, "0x0200 (2.0)") != NULL);
	expect_rule(PT_CTRL_SCCRP, m_sccrp_version, PT_R_CTRL_BAD_VERSION, PT_OK);
	expect_rule(PT_CTRL_SCCRQ, m_framing_cap, PT_R_CTRL_FRAMING_CAP, PT_OK);
	expect_rule(PT_CTRL_SCCRP, m_bearer_cap, PT_R_CTRL_BEARER_CAP, PT_OK);
	expect_rule(PT_CTRL_OCRQ, m_ocrq_bearer, PT_R_CTRL_BEARER_TYPE, PT_OK);
	expect_rule(PT_CTRL_OCRQ, m_ocrq_framing, PT_R_CTRL_FRAMING_TYPE, PT_OK);
	expect_rule(PT_CTRL_ICRQ, m_icrq_bearer3, PT_R_CTRL_BEARER_TYPE, PT_OK);
	expect_rule(PT_CTRL_ICCN, m_iccn_framing3, PT_R_CTRL_FRAMING_TYPE, PT_OK);
	expect_rule(PT_CTRL_OCRQ, m_bps, PT_R_CTRL_BPS_RANGE, PT_OK);
	expect_rule(PT_CTRL_OCRQ, m_phone_len, PT_R_CTRL_NUMBER_LENGTH, PT_OK);
	expect_rule(PT_CTRL_OCRQ, m_phone_len_big, PT_R_CTRL_NUMBER_LENGTH, PT_OK);
	expect_rule(PT_CTRL_ICRQ, m_dialed_len, PT_R_CTRL_NUMBER_LENGTH, PT_OK);
	expect_rule(PT_CTRL_STOPCCRQ, m_stop_reason, PT_R_CTRL_BAD_STOP_REASON, PT_OK);
	expect_rule(PT_CTRL_STOPCCRQ, m_stop_reason0, PT_R_CTRL_BAD_STOP_REASON, PT_OK);
	expect_rule(PT_CTRL_SCCRP, m_sccrp_result6, PT_R_CTRL_BAD_RESULT, PT_OK);
	expect_rule(PT_CTRL_OCRP, m_ocrp_result8, PT_R_CTRL_BAD_RESULT, PT_OK);
	expect_rule(PT_CTRL_ICRP, m_icrp_result4, PT_R_CTRL_BAD_RESULT, PT_OK);
	expect_rule(PT_CTRL_ECHORP, m_echorp_result3, PT_R_CTRL_BAD_RESULT, PT_OK);
	expect_rule(PT_CTRL_STOPCCRP, m_stopccrp_result0, PT_R_CTRL_BAD_RESULT, PT_OK);
	expect_rule(PT_CTRL_CDN, m_cdn_result5, PT_R_CTRL_BAD_RESULT, PT_OK);
	expect_rule(PT_CTRL_CDN, m_cdn_result0, PT_R_CTRL_CDN_RESULT_ZERO, PT_OK);
	expect_rule(PT_CTRL_SCCRP, m_err7, PT_R_CTRL_BAD_ERROR_CODE, PT_OK);
	expect_rule(PT_CTRL_OCRP, m_err_not_general, PT_R_CTRL_ERROR_NOT_GENERAL, PT_OK);
	expect_rule(PT_CTRL_ECHORP, m_general_none, PT_R_CTRL_GENERAL_ERROR_NONE, PT_OK);
	expect_rule(PT_CTRL_SCCRQ, m_host_full, PT_R_CTRL_STR_UNTERMINATED, PT_OK);
	expect_rule(PT_CTRL_SCCRQ, m_vendor_pad, PT_R_CTRL_STR_PADDING, PT_OK);
	expect_rule(PT_CTRL_CDN, m_stats_pad, PT_R_CTRL_STR_PADDING, PT_OK);
	expect_rule(PT_CTRL_CDN, m_stats_full, PT_R_CTRL_STR_UNTERMINATED, PT_OK);

	/* values that are defined stay quiet */
	CU_ASSERT_EQUAL(parse_mut(PT_CTRL_OCRP, m_ocrp_result7), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(parse_mut(PT_CTRL_SCCRP, m_sccrp_result5), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(parse_mut(PT_CTRL_STOPCCRP, m_general_ok), PT_OK);
	CU_ASSERT_EQUAL(nf, 0);
	/* padding finding names the field and the offset */
	parse_mut(PT_CTRL_SCCRQ, m_vendor_pad);
	CU_ASSERT(strstr(first(PT_R_CTRL_STR_PADDING)->msg, "Vendor String") != NULL);
	CU_ASSERT(strstr(first(PT_R_CTRL_STR_PADDING)->msg, "+40") != NULL);
}

/* ---- builders ------------------------------------------------------------ */

static void test_build_errors(void)
{
	uint8_t a[200];
	pt_ctrl_msg m;
	pt_writer w = pt_wr(a, 100);

	clean_msg(PT_CTRL_SCCRQ, &m);
	CU_ASSERT_EQUAL(pt_ctrl_build(&m, &w), PT_ENOSPC);
	m.type = 16;
	w = pt_wr(a, sizeof a);
	CU_ASSERT_EQUAL(pt_ctrl_build(&m, &w), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_wlen(&w), 0);
}

static void test_build_raw(void)
{
	uint8_t a[512];
	pt_ctrl_msg m;
	pt_writer w;

	/* wrong magic on purpose */
	clean_msg(PT_CTRL_ECHORQ, &m);
	m.magic = 0xcafebabe;
	w = pt_wr(a, sizeof a);
	CU_ASSERT_EQUAL(pt_ctrl_build_raw(&m, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 16);
	clear();
	CU_ASSERT_EQUAL(parse_heap(a, 16, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_BAD_MAGIC), 1);

	/* a longer Length: zero padded */
	clean_msg(PT_CTRL_ECHORQ, &m);
	m.length = 24;
	w = pt_wr(a, sizeof a);
	memset(a, 0xee, sizeof a);
	CU_ASSERT_EQUAL(pt_ctrl_build_raw(&m, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 24);
	CU_ASSERT_EQUAL(a[23], 0);
	clear();
	CU_ASSERT_EQUAL(parse_heap(a, 24, &m), PT_OK);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_LENGTH_MISMATCH), 1);
	CU_ASSERT_EQUAL(m.u.echorq.id, 42);

	/* a shorter Length: cut */
	clean_msg(PT_CTRL_SCCRQ, &m);
	m.length = 20;
	w = pt_wr(a, sizeof a);
	CU_ASSERT_EQUAL(pt_ctrl_build_raw(&m, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 20);
	clear();
	CU_ASSERT_EQUAL(parse_heap(a, 20, &m), PT_EINVAL);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_LENGTH_MISMATCH), 1);

	/* an unknown type: header only */
	pt_ctrl_init(&m, 99);
	w = pt_wr(a, sizeof a);
	CU_ASSERT_EQUAL(pt_ctrl_build_raw(&m, &w), PT_OK);
	CU_ASSERT_EQUAL(pt_wlen(&w), 12);
	clear();
	CU_ASSERT_EQUAL(parse_heap(a, 12, &m), PT_EUNSUP);
	CU_ASSERT_EQUAL(count(PT_R_CTRL_UNKNOWN_TYPE), 1);
}

static void test_strings(void)
{
	pt_ctrl_str64 s;
	char longer[100];

	pt_ctrl_str64_set(&s, "abc");
	CU_ASSERT_EQUAL(s.len, 3);
	CU_ASSERT_EQUAL(s.b[3], 0);
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = 0;
	pt_ctrl_str64_set(&s, longer);
	CU_ASSERT_EQUAL(s.len, 64);
	pt_ctrl_str64_set(&s, NULL);
	CU_ASSERT_EQUAL(s.len, 0);
}

/* ---- hostile input: random bytes with a valid-looking header ------------- */

static void test_hostile(void)
{
	uint8_t a[300];
	pt_ctrl_msg m;

	for (int iter = 0; iter < 3000; iter++) {
		size_t len = rnd() % sizeof a;
		for (size_t i = 0; i < len; i++)
			a[i] = (uint8_t)rnd();
		if (len >= 12 && (iter & 1)) {
			uint16_t t = (uint16_t)(rnd() % 17);
			const pt_ctrl_desc *d = pt_ctrl_desc_get(t);
			size_t l = d && (iter & 2) ? d->len : len;
			set_bytes(a, 0, (uint32_t)l, 2);
			set_bytes(a, 2, 1, 2);
			set_bytes(a, 4, PT_PPTP_MAGIC, 4);
			set_bytes(a, 8, t, 2);
		}
		clear();
		int rc = parse_heap(a, len, &m);
		CU_ASSERT(rc == PT_OK || rc == PT_ETRUNC || rc == PT_EINVAL || rc == PT_EUNSUP);
		if (rc == PT_ETRUNC)
			CU_ASSERT_EQUAL(nf, 0);
	}
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("pptp", NULL, NULL);
	UT_ADD(s, test_known_sccrq);
	UT_ADD(s, test_known_all);
	UT_ADD(s, test_descriptors);
	UT_ADD(s, test_clean_roundtrip);
	UT_ADD(s, test_random_roundtrip);
	UT_ADD(s, test_truncation);
	UT_ADD(s, test_frame_len);
	UT_ADD(s, test_stream_of_two);
	UT_ADD(s, test_rule_header);
	UT_ADD(s, test_rule_reserved_each);
	UT_ADD(s, test_rule_fields);
	UT_ADD(s, test_build_errors);
	UT_ADD(s, test_build_raw);
	UT_ADD(s, test_strings);
	UT_ADD(s, test_hostile);
}
