/* test_mppe.c: MPPE keys (RFC 3079 2.5, 3.5), header, stateless/stateful round trips with loss and reordering, MPPC+MPPE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "cursor.h"
#include "mppc.h"
#include "mppe.h"
#include "mschap.h"
#include "ut.h"


#define EQ(got, name, n)                                              \
	do {                                                          \
		const unsigned char *w_ = ut_vec(name, (int)(n));          \
		CU_ASSERT_PTR_NOT_NULL_FATAL(w_);                     \
		CU_ASSERT(memcmp((got), w_, (n)) == 0);               \
	} while (0)

/* deterministic test data */
static uint32_t rng = 12345;
static uint32_t rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* ---- RFC 3079 3.5: MS-CHAPv2 ---- */

static void test_rfc3079_chap2(void)
{
	uint8_t hh[16], nt[16], mk[16], k[16], s16[16], r16[16], s2[16], r2[16];
	static const int bits[3] = { 40, 56, 128 };
	static const char *const names[3] = { "40", "56", "128" };

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc3079-3.5.txt") > 0);
	CU_ASSERT_EQUAL(pt_nt_password_hash((const char *)ut_vec("password", -1), nt), PT_OK);
	EQ(nt, "password_hash", 16);
	CU_ASSERT_EQUAL(pt_nt_hash_hash(nt, hh), PT_OK);
	EQ(hh, "password_hash_hash", 16);
	{
		uint8_t ntr[24];
		CU_ASSERT_EQUAL(pt_mschap2_nt_response(ut_vec("authenticator_challenge", 16), ut_vec("peer_challenge", 16), "User", 4,
		                                       PT_MSCHAP_USER_STRIP_DOMAIN, nt, ntr),
		                PT_OK);
		EQ(ntr, "nt_response", 24);
	}
	CU_ASSERT_EQUAL(pt_mppe_chap2_master_key(hh, ut_vec("nt_response", 24), mk), PT_OK);
	EQ(mk, "master_key", 16);

	for (int i = 0; i < 3; i++) {
		char name[64];
		size_t kl = pt_mppe_key_len(bits[i]);

		/* the sample is the server's send key: IsSend, IsServer -> Magic3 */
		CU_ASSERT_EQUAL(pt_mppe_chap2_asym_start_key(mk, k, kl, 1, 1), PT_OK);
		snprintf(name, sizeof name, "send_start_key_%s", names[i]);
		EQ(k, name, kl);
		CU_ASSERT_EQUAL(pt_mppe_chap2_start_keys(nt, ut_vec("nt_response", 24), bits[i], 1, s16, r16), PT_OK);
		CU_ASSERT(memcmp(s16, k, kl) == 0);
		/* the client receives with the server's send key, and sends with the server's receive key */
		CU_ASSERT_EQUAL(pt_mppe_chap2_start_keys(nt, ut_vec("nt_response", 24), bits[i], 0, s2, r2), PT_OK);
		CU_ASSERT(memcmp(r2, s16, kl) == 0);
		CU_ASSERT(memcmp(s2, r16, kl) == 0);
		CU_ASSERT(memcmp(s2, r2, kl) != 0);
		CU_ASSERT_EQUAL(pt_mppe_chap2_asym_start_key(mk, k, kl, 0, 0), PT_OK);
		CU_ASSERT(memcmp(k, s16, kl) == 0);

		CU_ASSERT_EQUAL(pt_mppe_initial_session_key(s16, bits[i], k), PT_OK);
		snprintf(name, sizeof name, "send_session_key_%s", names[i]);
		EQ(k, name, kl);
	}
	CU_ASSERT_EQUAL(pt_mppe_chap2_asym_start_key(mk, k, 12, 1, 1), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_mppe_chap2_start_keys(nt, ut_vec("nt_response", 24), 64, 1, s16, r16), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_mppe_initial_session_key(s16, 0, k), PT_EINVAL);
}

/* RFC 3079 3.5 "Sample Encrypted Message": the first stateful packet uses the initial key. */
static void test_rfc3079_sample_message(void)
{
	static const int bits[3] = { 40, 56, 128 };
	static const char *const names[3] = { "sample_encrypted_40", "sample_encrypted_56", "sample_encrypted_128" };
	static const char *const starts[3] = { "send_start_key_40", "send_start_key_56", "send_start_key_128" };

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc3079-3.5.txt") > 0);
	for (int i = 0; i < 3; i++) {
		pt_mppe_ctx tx, rx;
		pt_mppe_info info;
		uint8_t buf[64], plain[64];
		pt_writer w = pt_wr(buf, sizeof buf);
		pt_cursor c;
		size_t n;
		const uint8_t *start = ut_vec(starts[i], (int)pt_mppe_key_len(bits[i]));

		CU_ASSERT_PTR_NOT_NULL_FATAL(start);
		CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, bits[i], 0), PT_OK);
		CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, bits[i], 0), PT_OK);
		CU_ASSERT_EQUAL(pt_mppe_encrypt(&tx, 0, ut_vec("sample_plaintext", 12), 12, &w, &info), PT_OK);
		CU_ASSERT_EQUAL(pt_wlen(&w), 14);
		CU_ASSERT_EQUAL(buf[0], 0x10); /* D set, count 0 */
		CU_ASSERT_EQUAL(buf[1], 0x00);
		CU_ASSERT_EQUAL(info.rekeys, 0);
		EQ(buf + 2, names[i], 12);
		c = pt_cur(buf, pt_wlen(&w));
		CU_ASSERT_EQUAL(pt_mppe_decrypt(&rx, &c, plain, sizeof plain, &n, &info), PT_OK);
		CU_ASSERT_EQUAL(n, 12);
		CU_ASSERT(memcmp(plain, "test message", 12) == 0);
		CU_ASSERT_EQUAL(info.data_off, 2);
		CU_ASSERT_EQUAL(pt_left(&c), 0);
		pt_mppe_done(&tx);
		pt_mppe_done(&rx);
	}
}

/* ---- RFC 3079 2.5: MS-CHAPv1 ---- */

static void test_rfc3079_chap1(void)
{
	uint8_t lm[16], st[16], k[16], nt[16], hh[16];

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc3079-2.5.txt") > 0);
	CU_ASSERT_EQUAL(pt_lm_password_hash((const char *)ut_vec("password", -1), lm), PT_OK);
	EQ(lm, "lm_password_hash", 16);
	pt_mppe_chap1_start_key_lm(lm, st);
	CU_ASSERT_EQUAL(pt_mppe_get_new_key(st, st, 8, k), PT_OK);
	EQ(k, "get_key_8", 8);
	CU_ASSERT_EQUAL(pt_mppe_initial_session_key(st, 40, k), PT_OK);
	EQ(k, "session_key_40", 8);
	CU_ASSERT_EQUAL(pt_mppe_initial_session_key(st, 56, k), PT_OK);
	EQ(k, "session_key_56", 8);

	CU_ASSERT_EQUAL(pt_nt_password_hash((const char *)ut_vec("password", -1), nt), PT_OK);
	EQ(nt, "password_hash", 16);
	CU_ASSERT_EQUAL(pt_nt_hash_hash(nt, hh), PT_OK);
	EQ(hh, "password_hash_hash", 16);
	CU_ASSERT_EQUAL(pt_mppe_chap1_start_key_nt(hh, ut_vec("challenge", 8), st), PT_OK);
	EQ(st, "initial_session_key", 16);
	/* the RFC's Step 3 value is a typo: it is not what SHA-1 gives */
	CU_ASSERT(memcmp(st, ut_vec("initial_session_key_as_printed_step3", 16), 16) != 0);
	CU_ASSERT_EQUAL(pt_mppe_initial_session_key(st, 128, k), PT_OK);
	EQ(k, "current_session_key", 16);
}

static void test_reduce_and_next(void)
{
	uint8_t k[16], k2[16], start[16];
	pt_rc4 r;

	memset(k, 0x55, sizeof k);
	pt_mppe_reduce_key(k, 40);
	CU_ASSERT(k[0] == 0xd1 && k[1] == 0x26 && k[2] == 0x9e && k[3] == 0x55);
	memset(k, 0x55, sizeof k);
	pt_mppe_reduce_key(k, 56);
	CU_ASSERT(k[0] == 0xd1 && k[1] == 0x55);
	memset(k, 0x55, sizeof k);
	pt_mppe_reduce_key(k, 128);
	CU_ASSERT(k[0] == 0x55);
	CU_ASSERT_EQUAL(pt_mppe_key_len(40), 8);
	CU_ASSERT_EQUAL(pt_mppe_key_len(56), 8);
	CU_ASSERT_EQUAL(pt_mppe_key_len(128), 16);
	CU_ASSERT_EQUAL(pt_mppe_key_len(64), 0);

	/* RFC 3078 7.3 by hand: interim = GetNewKeyFromSHA; key = RC4(interim, interim) */
	for (int i = 0; i < 16; i++)
		start[i] = (uint8_t)(i * 7 + 1);
	CU_ASSERT_EQUAL(pt_rc4_open(&r), PT_OK);
	CU_ASSERT_EQUAL(pt_mppe_initial_session_key(start, 128, k), PT_OK);
	CU_ASSERT_EQUAL(pt_mppe_next_session_key(&r, start, k, 128, k2), PT_OK);
	{
		uint8_t interim[16];
		CU_ASSERT_EQUAL(pt_mppe_get_new_key(start, k, 16, interim), PT_OK);
		CU_ASSERT_EQUAL(pt_rc4_setkey(&r, interim, 16), PT_OK);
		CU_ASSERT_EQUAL(pt_rc4_crypt(&r, interim, 16), PT_OK);
		CU_ASSERT(memcmp(interim, k2, 16) == 0);
	}
	CU_ASSERT_EQUAL(pt_mppe_get_new_key(start, k, 0, k2), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_mppe_get_new_key(start, k, 17, k2), PT_EINVAL);
	CU_ASSERT_EQUAL(pt_mppe_next_session_key(&r, start, k, 41, k2), PT_EINVAL);
	pt_rc4_close(&r);
}

/* ---- header and plaintext check ---- */

static void test_header(void)
{
	uint8_t b[4];
	pt_writer w = pt_wr(b, sizeof b);
	pt_cursor c;
	pt_mppe_hdr h;

	pt_mppe_put_hdr(&w, PT_MPPE_BIT_A | PT_MPPE_BIT_D, 0xabc);
	pt_mppe_put_hdr(&w, 0xffff, 0xffff);
	CU_ASSERT_EQUAL(w.err, PT_OK);
	CU_ASSERT(b[0] == 0x9a && b[1] == 0xbc && b[2] == 0xff && b[3] == 0xff);
	c = pt_cur(b, sizeof b);
	CU_ASSERT_EQUAL(pt_mppe_parse_hdr(&c, &h), PT_OK);
	CU_ASSERT_EQUAL(h.bits, PT_MPPE_BIT_A | PT_MPPE_BIT_D);
	CU_ASSERT_EQUAL(h.cc, 0xabc);
	CU_ASSERT_EQUAL(h.off, 0);
	CU_ASSERT_EQUAL(pt_mppe_parse_hdr(&c, &h), PT_OK);
	CU_ASSERT_EQUAL(h.bits, 0xf000);
	CU_ASSERT_EQUAL(h.cc, 0xfff);
	CU_ASSERT_EQUAL(h.off, 2);
	CU_ASSERT_EQUAL(pt_mppe_parse_hdr(&c, &h), PT_ETRUNC);
	c = pt_cur(b, 1);
	CU_ASSERT_EQUAL(pt_mppe_parse_hdr(&c, &h), PT_ETRUNC);
	CU_ASSERT_EQUAL(pt_left(&c), 1);
	w = pt_wr(b, 1);
	pt_mppe_put_hdr(&w, 0, 0);
	CU_ASSERT_EQUAL(w.err, PT_ENOSPC);
}

static void test_check_plain(void)
{
	static const struct {
		const char *hex;
		int rc;
		uint16_t proto;
		size_t plen;
	} t[] = {
		{ "21 45 00", PT_OK, 0x21, 1 },   /* IPv4, PFC */
		{ "00 21 45", PT_OK, 0x21, 2 },
		{ "00 57 60", PT_OK, 0x57, 2 },   /* IPv6 */
		{ "00 fb", PT_EINVAL, 0, 0 },     /* 0x00FB: past 0x00FA */
		{ "00 fd", PT_EINVAL, 0, 0 },     /* MPPE inside MPPE */
		{ "1f", PT_EINVAL, 0, 0 },        /* below 0x0021 */
		{ "c0 21", PT_EINVAL, 0, 0 },     /* LCP is never encrypted */
		{ "00 20", PT_EINVAL, 0, 0 },     /* even low octet */
		{ "00", PT_ETRUNC, 0, 0 },
		{ "", PT_ETRUNC, 0, 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint8_t b[8];
		int n = ut_hex(t[i].hex, b, sizeof b);
		uint16_t p = 0;
		size_t pl = 0;
		int rc = pt_mppe_check_plain(b, (size_t)n, &p, &pl);

		CU_ASSERT_EQUAL(rc, t[i].rc);
		if (rc == PT_OK) {
			CU_ASSERT_EQUAL(p, t[i].proto);
			CU_ASSERT_EQUAL(pl, t[i].plen);
		}
	}
}

/* ---- round trips ---- */

#define PKT_MAX 1600

typedef struct pkt {
	uint8_t b[PKT_MAX + 2];
	size_t len;
	uint8_t plain[PKT_MAX];
	size_t plen;
} pkt;

static void make_plain(pkt *p, unsigned i)
{
	/* an IPv4-looking PPP frame: protocol 0x0021 then varied payload */
	p->plen = 3 + (rnd() % 300);
	p->plain[0] = 0x00;
	p->plain[1] = 0x21;
	for (size_t k = 2; k < p->plen; k++)
		p->plain[k] = (uint8_t)(rnd() ^ i);
}

static int send_one(pt_mppe_ctx *tx, pkt *p, unsigned i, uint16_t extra)
{
	pt_writer w = pt_wr(p->b, sizeof p->b);
	pt_mppe_info info;
	int rc;

	make_plain(p, i);
	rc = pt_mppe_encrypt(tx, extra, p->plain, p->plen, &w, &info);
	p->len = pt_wlen(&w);
	return rc;
}

static int recv_one(pt_mppe_ctx *rx, const pkt *p, pt_mppe_info *info)
{
	uint8_t out[PKT_MAX];
	size_t n = 0;
	pt_cursor c = pt_cur(p->b, p->len);
	int rc = pt_mppe_decrypt(rx, &c, out, sizeof out, &n, info);

	if (rc == PT_OK && (n != p->plen || memcmp(out, p->plain, n) != 0))
		return 99; /* decrypted to the wrong bytes */
	return rc;
}

static void roundtrip(int bits, unsigned opts, unsigned count)
{
	uint8_t start[16];
	pt_mppe_ctx tx, rx;
	pt_mppe_info info;
	pkt p;
	unsigned flags_seen = 0;

	for (int i = 0; i < 16; i++)
		start[i] = (uint8_t)rnd();
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, bits, opts), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, bits, opts), PT_OK);
	for (unsigned i = 0; i < count; i++) {
		CU_ASSERT_EQUAL_FATAL(send_one(&tx, &p, i, 0), PT_OK);
		CU_ASSERT_EQUAL(p.b[0] & 0x10, 0x10);
		CU_ASSERT_EQUAL(((p.b[0] & 0x0f) << 8 | p.b[1]), i % 4096);
		/* RFC 3078 3.1: A on every stateless packet; stateful RFC senders leave
		 * it clear, Linux-style ones set it on flag packets */
		if (opts & PT_MPPE_OPT_STATELESS) {
			CU_ASSERT(p.b[0] & 0x80);
		} else if (opts & PT_MPPE_OPT_FLUSH_REKEYS) {
			CU_ASSERT_EQUAL(!!(p.b[0] & 0x80), (i & 0xff) == 0xff);
		} else {
			CU_ASSERT_EQUAL(p.b[0] & 0x80, 0);
		}
		CU_ASSERT_EQUAL_FATAL(recv_one(&rx, &p, &info), PT_OK);
		CU_ASSERT_EQUAL(info.lost, 0);
		CU_ASSERT_EQUAL(info.ev & (PT_MPPE_EV_JUMP | PT_MPPE_EV_BACKWARDS), 0);
		if (info.ev & PT_MPPE_EV_FLAG_PACKET)
			flags_seen++;
		CU_ASSERT_EQUAL(info.rekeys, (opts & PT_MPPE_OPT_STATELESS) ? 1 : ((i & 0xff) == 0xff));
	}
	if (!(opts & PT_MPPE_OPT_STATELESS))
		CU_ASSERT_EQUAL(flags_seen, count / 256);
	pt_mppe_done(&tx);
	pt_mppe_done(&rx);
}

static void test_roundtrip_all(void)
{
	static const int bits[3] = { 40, 56, 128 };

	for (int i = 0; i < 3; i++) {
		roundtrip(bits[i], PT_MPPE_OPT_STATELESS, 300);
		roundtrip(bits[i], 0, 600);
		roundtrip(bits[i], PT_MPPE_OPT_FLUSH_REKEYS, 600);
	}
	/* the 12-bit count wraps at 4096 */
	roundtrip(128, PT_MPPE_OPT_STATELESS, 4200);
	roundtrip(40, 0, 4400);
}

static void test_stateless_loss_reorder(void)
{
	static const int bits[3] = { 40, 56, 128 };

	for (int b = 0; b < 3; b++) {
		uint8_t start[16];
		pt_mppe_ctx tx, rx;
		pt_mppe_info info;
		static pkt q[700];

		for (int i = 0; i < 16; i++)
			start[i] = (uint8_t)(0xa0 + i);
		CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, bits[b], PT_MPPE_OPT_STATELESS), PT_OK);
		CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, bits[b], PT_MPPE_OPT_STATELESS), PT_OK);
		for (unsigned i = 0; i < 700; i++)
			CU_ASSERT_EQUAL_FATAL(send_one(&tx, &q[i], i, 0), PT_OK);

		/* 0..9 in order; 10..12 lost; 13 arrives: 4 key changes, 3 lost */
		for (unsigned i = 0; i < 10; i++)
			CU_ASSERT_EQUAL(recv_one(&rx, &q[i], &info), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &q[13], &info), PT_OK);
		CU_ASSERT(info.ev & PT_MPPE_EV_JUMP);
		CU_ASSERT_EQUAL(info.lost, 3);
		CU_ASSERT_EQUAL(info.rekeys, 4);
		/* late arrivals 11 and 12 (keys kept), then a duplicate of 13 */
		CU_ASSERT_EQUAL(recv_one(&rx, &q[12], &info), PT_OK);
		CU_ASSERT(info.ev & PT_MPPE_EV_BACKWARDS);
		CU_ASSERT(info.ev & PT_MPPE_EV_CACHED_KEY);
		CU_ASSERT_EQUAL(info.rekeys, 0);
		CU_ASSERT_EQUAL(recv_one(&rx, &q[11], &info), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &q[13], &info), PT_OK);
		CU_ASSERT(info.ev & PT_MPPE_EV_DUPLICATE);
		/* pairwise swaps 14..113 */
		for (unsigned i = 14; i < 114; i += 2) {
			CU_ASSERT_EQUAL(recv_one(&rx, &q[i + 1], &info), PT_OK);
			CU_ASSERT(info.ev & PT_MPPE_EV_JUMP);
			CU_ASSERT_EQUAL(info.lost, 1);
			CU_ASSERT_EQUAL(info.rekeys, 2);
			CU_ASSERT_EQUAL(recv_one(&rx, &q[i], &info), PT_OK);
			CU_ASSERT(info.ev & PT_MPPE_EV_CACHED_KEY);
		}
		/* a burst of 300 lost, then on */
		CU_ASSERT_EQUAL(recv_one(&rx, &q[414], &info), PT_OK);
		CU_ASSERT_EQUAL(info.lost, 300);
		/* a packet more than PT_MPPE_RING behind: its key is gone */
		CU_ASSERT_EQUAL(recv_one(&rx, &q[414 - PT_MPPE_RING], &info), PT_ESTATE);
		CU_ASSERT_EQUAL(info.reason, PT_MPPE_R_TOO_OLD);
		CU_ASSERT_EQUAL(recv_one(&rx, &q[414 - PT_MPPE_RING + 1], &info), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &q[10], &info), PT_ESTATE);
		for (unsigned i = 415; i < 700; i += 3)
			CU_ASSERT_EQUAL(recv_one(&rx, &q[i], &info), PT_OK);
		/* A bit cleared by a peer: still decryptable, but reported */
		q[699].b[0] &= 0x7f;
		CU_ASSERT_EQUAL(recv_one(&rx, &q[699], &info), PT_OK);
		CU_ASSERT(info.ev & PT_MPPE_EV_STATELESS_NO_FLUSH);
		pt_mppe_done(&tx);
		pt_mppe_done(&rx);
	}
}

/* Stateful loss: the receiver must wait for FLUSHED, which the sender sets after a Reset-Request. */
static void stateful_loss(int bits, unsigned opts)
{
	uint8_t start[16];
	pt_mppe_ctx tx, rx;
	pt_mppe_info info;
	pkt p;
	unsigned i = 0;
	int linux_flush = (opts & PT_MPPE_OPT_FLUSH_REKEYS) != 0;

	for (int k = 0; k < 16; k++)
		start[k] = (uint8_t)(0x30 + 3 * k);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, bits, opts), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, bits, opts), PT_OK);
	for (; i < 20; i++) {
		CU_ASSERT_EQUAL(send_one(&tx, &p, i, 0), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	}
	/* packet 20 lost; 21 shows the jump: drop it and ask for a reset */
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_ESTATE);
	CU_ASSERT_EQUAL(info.reason, PT_MPPE_R_LOSS);
	CU_ASSERT(info.ev & PT_MPPE_EV_NEED_RESET);
	CU_ASSERT(info.ev & PT_MPPE_EV_JUMP);
	CU_ASSERT_EQUAL(info.lost, 1);
	/* the Reset-Request is in flight: these are discarded */
	for (int k = 0; k < 3; k++) {
		CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_ESTATE);
		CU_ASSERT_EQUAL(info.reason, PT_MPPE_R_AWAIT_FLUSH);
		CU_ASSERT_EQUAL(info.discarded, (uint32_t)k + 2);
		CU_ASSERT(!(info.ev & PT_MPPE_EV_NEED_RESET));
	}
	pt_mppe_reset_request(&rx);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_ESTATE);
	CU_ASSERT(info.reset_seen);
	/* the sender hears it: the next packet re-initialises and carries A */
	pt_mppe_reset_request(&tx);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT(p.b[0] & 0x80);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	CU_ASSERT(info.ev & PT_MPPE_EV_RESYNC);
	for (; i < 250; i++) {
		CU_ASSERT_EQUAL(send_one(&tx, &p, i, 0), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	}
	/* lose 250..600, across the flag packets 255 and 511 */
	for (; i <= 600; i++)
		CU_ASSERT_EQUAL(send_one(&tx, &p, i, 0), PT_OK);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_ESTATE);
	CU_ASSERT_EQUAL(info.lost, 351);
	pt_mppe_reset_request(&tx);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	CU_ASSERT_EQUAL(info.rekeys, 2 + linux_flush); /* flags 255 and 511 (and the flush itself) */
	/* lose exactly the flag packet 767; 768 is not flushed: loss again */
	for (; i < 767; i++) {
		CU_ASSERT_EQUAL(send_one(&tx, &p, i, 0), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	}
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(!!(p.b[0] & 0x80), linux_flush);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_ESTATE);
	pt_mppe_reset_request(&tx);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	CU_ASSERT_EQUAL(info.rekeys, 1 + linux_flush);
	/* a flushed packet straight after loss resynchronises without a reset */
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
	CU_ASSERT_EQUAL(send_one(&tx, &p, i++, PT_MPPE_BIT_A), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	CU_ASSERT(info.ev & PT_MPPE_EV_JUMP);
	CU_ASSERT(!(info.ev & PT_MPPE_EV_NEED_RESET));
	/* a packet that went back: dropped, loss mode */
	{
		pkt old = p;
		CU_ASSERT_EQUAL(send_one(&tx, &p, i++, 0), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
		CU_ASSERT_EQUAL(recv_one(&rx, &old, &info), PT_ESTATE);
		CU_ASSERT(info.ev & PT_MPPE_EV_DUPLICATE || info.ev & PT_MPPE_EV_BACKWARDS);
	}
	pt_mppe_done(&tx);
	pt_mppe_done(&rx);
}

static void test_stateful_loss(void)
{
	stateful_loss(40, 0);
	stateful_loss(56, 0);
	stateful_loss(128, 0);
	stateful_loss(128, PT_MPPE_OPT_FLUSH_REKEYS);
	stateful_loss(40, PT_MPPE_OPT_FLUSH_REKEYS);
}

/* An RFC receiver cannot follow a Linux-style sender across a flush (and the plaintext check says so). */
static void test_flush_semantics_differ(void)
{
	uint8_t start[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	pt_mppe_ctx tx, rx;
	pt_mppe_info info;
	pkt p;

	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, 128, PT_MPPE_OPT_FLUSH_REKEYS), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, 128, 0), PT_OK);
	CU_ASSERT_EQUAL(send_one(&tx, &p, 0, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	pt_mppe_reset_request(&tx);
	CU_ASSERT_EQUAL(send_one(&tx, &p, 1, 0), PT_OK);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), 99);
	CU_ASSERT(info.ev & PT_MPPE_EV_REINIT);
	pt_mppe_done(&tx);
	pt_mppe_done(&rx);
}

static void test_decrypt_edges(void)
{
	uint8_t start[16] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
	pt_mppe_ctx tx, rx;
	pt_mppe_info info;
	uint8_t out[64];
	size_t n = 77;
	pkt p;
	pt_cursor c;

	CU_ASSERT_EQUAL(pt_mppe_init(&rx, start, 64, 0), PT_EINVAL);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, 128, PT_MPPE_OPT_STATELESS), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, 128, PT_MPPE_OPT_STATELESS), PT_OK);

	/* truncated header at every length below 2 */
	for (size_t len = 0; len < 2; len++) {
		uint8_t b[2] = { 0x90, 0x00 };
		c = pt_cur(b, len);
		CU_ASSERT_EQUAL(pt_mppe_decrypt(&rx, &c, out, sizeof out, &n, &info), PT_ETRUNC);
		CU_ASSERT_EQUAL(info.reason, PT_MPPE_R_TRUNCATED);
		CU_ASSERT_EQUAL(n, 0);
	}
	/* header only: an empty payload */
	{
		uint8_t b[2] = { 0x90, 0x00 };
		c = pt_cur(b, 2);
		CU_ASSERT_EQUAL(pt_mppe_decrypt(&rx, &c, out, sizeof out, &n, &info), PT_OK);
		CU_ASSERT_EQUAL(n, 0);
	}
	/* output too small: refused before any key change, then fine */
	CU_ASSERT_EQUAL(send_one(&tx, &p, 0, 0), PT_OK); /* count 0, rx saw 0 already */
	CU_ASSERT_EQUAL(send_one(&tx, &p, 1, 0), PT_OK);
	c = pt_cur(p.b, p.len);
	CU_ASSERT_EQUAL(pt_mppe_decrypt(&rx, &c, out, 2, &n, &info), PT_ENOSPC);
	CU_ASSERT_EQUAL(info.reason, PT_MPPE_R_NO_SPACE);
	CU_ASSERT_EQUAL(recv_one(&rx, &p, &info), PT_OK);
	CU_ASSERT_EQUAL(info.rekeys, 1);
	/* D clear: passed through untouched */
	{
		uint8_t b[5] = { 0x00, 0x05, 0x00, 0x21, 0x45 };
		c = pt_cur(b, sizeof b);
		CU_ASSERT_EQUAL(pt_mppe_decrypt(&rx, &c, out, sizeof out, &n, &info), PT_OK);
		CU_ASSERT(info.ev & PT_MPPE_EV_NOT_ENCRYPTED);
		CU_ASSERT_EQUAL(n, 3);
		CU_ASSERT(memcmp(out, b + 2, 3) == 0);
	}
	/* encrypt: writer too small leaves the state alone */
	{
		uint8_t b[4];
		pt_writer w = pt_wr(b, sizeof b);
		CU_ASSERT_EQUAL(pt_mppe_encrypt(&tx, 0, (const uint8_t *)"abcdef", 6, &w, &info), PT_ENOSPC);
		CU_ASSERT_EQUAL(tx.last_cc, 1);
	}
	/* an uninitialised context refuses */
	{
		pt_mppe_ctx z;
		pt_writer w = pt_wr(out, sizeof out);
		memset(&z, 0, sizeof z);
		c = pt_cur(p.b, p.len);
		CU_ASSERT_EQUAL(pt_mppe_decrypt(&z, &c, out, sizeof out, &n, &info), PT_ESTATE);
		CU_ASSERT_EQUAL(pt_mppe_encrypt(&z, 0, out, 1, &w, &info), PT_ESTATE);
	}
	CU_ASSERT_STRING_EQUAL(pt_vs_name(pt_mppe_reason_vs, PT_MPPE_R_TOO_OLD), "count too old");
	pt_mppe_done(&tx);
	pt_mppe_done(&rx);
}

/* Hostile input: random headers and bodies cannot crash or overrun; rekeys stay bounded. */
static void test_hostile(void)
{
	uint8_t start[16] = { 0 };
	uint8_t in[80], out[80];
	pt_mppe_ctx ctx[2];
	pt_mppe_info info;

	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&ctx[0], start, 40, PT_MPPE_OPT_STATELESS), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&ctx[1], start, 128, 0), PT_OK);
	for (int i = 0; i < 400; i++) {
		size_t len = rnd() % sizeof in, n = 0;
		pt_cursor c;
		int rc;

		for (size_t k = 0; k < len; k++)
			in[k] = (uint8_t)rnd();
		c = pt_cur(in, len);
		rc = pt_mppe_decrypt(&ctx[i & 1], &c, out, (i % 7) ? sizeof out : 8, &n, &info);
		CU_ASSERT(rc == PT_OK || rc == PT_ETRUNC || rc == PT_ESTATE || rc == PT_ENOSPC);
		CU_ASSERT(n <= sizeof out);
		CU_ASSERT(info.rekeys < PT_MPPE_CC_SPACE / 2);
		if (rc == PT_OK)
			CU_ASSERT_EQUAL(n, len - 2);
	}
	pt_mppe_done(&ctx[0]);
	pt_mppe_done(&ctx[1]);
}

/* MPPC then MPPE on send; MPPE then MPPC on receive (RFC 3078 3, implementation note). */
static void combined(unsigned opts, int lossy)
{
	uint8_t start[16];
	static pt_mppc_ctx ctab, dtab;
	pt_mppe_ctx tx, rx;
	pt_mppe_info info;
	static const char *const words[] = { "alpha ", "bravo ", "charlie ", "delta ", "echo ", "foxtrot " };
	unsigned ok = 0;

	for (int i = 0; i < 16; i++)
		start[i] = (uint8_t)(i * 13);
	pt_mppc_init(&ctab, (opts & PT_MPPE_OPT_STATELESS) != 0);
	pt_mppc_init(&dtab, 0);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, 128, opts), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, 128, opts), PT_OK);
	for (unsigned i = 0; i < 400; i++) {
		uint8_t plain[1500], comp[1700], wire[1800], dec[1800], back[PT_MPPC_HIST];
		size_t plen = 0, clen = 0, dlen = 0, blen = 0;
		uint16_t flags = 0;
		pt_writer w = pt_wr(wire, sizeof wire);
		pt_cursor c;
		int rc;

		plain[plen++] = 0x00;
		plain[plen++] = 0x21;
		while (plen < 40 + (i * 37) % 1400) {
			const char *wd = words[rnd() % 6];
			size_t l = strlen(wd);
			if (plen + l > sizeof plain)
				break;
			memcpy(plain + plen, wd, l);
			plen += l;
		}
		if (i % 50 == 7)
			for (size_t k = 2; k < plen; k++)
				plain[k] = (uint8_t)rnd(); /* incompressible: goes out raw */
		CU_ASSERT_EQUAL_FATAL(pt_mppc_compress(&ctab, plain, plen, comp, sizeof comp, &clen, &flags), PT_OK);
		CU_ASSERT_EQUAL_FATAL(pt_mppe_encrypt(&tx, flags, comp, clen, &w, &info), PT_OK);
		if (lossy && i % 23 == 5) {
			/* lost on the wire: MPPC's history is now out of step too */
			pt_mppe_reset_request(&tx);
			pt_mppc_reset_request(&ctab);
			continue;
		}
		c = pt_cur(wire, pt_wlen(&w));
		rc = pt_mppe_decrypt(&rx, &c, dec, sizeof dec, &dlen, &info);
		if (rc != PT_OK)
			continue;
		rc = pt_mppc_decompress(&dtab, info.hdr.bits, dec, dlen, back, sizeof back, &blen);
		CU_ASSERT_EQUAL(rc, PT_OK);
		if (rc == PT_OK) {
			CU_ASSERT_EQUAL(blen, plen);
			CU_ASSERT(memcmp(back, plain, plen) == 0);
			ok++;
		}
	}
	CU_ASSERT(ok >= (lossy ? 370u : 400u));
	pt_mppe_done(&tx);
	pt_mppe_done(&rx);
}

static void test_combined_mppc_mppe(void)
{
	combined(0, 0);
	combined(PT_MPPE_OPT_STATELESS, 0);
	combined(PT_MPPE_OPT_STATELESS, 1);
	combined(0, 1);
}

/* A Linux-style stateful sender changes key on FLUSHED; an RFC receiver gets garbage, and
 * pt_mppe_redo_flush_rekey turns that packet (and the rest of the stream) into plaintext. */
static void test_redo_flush_rekey(void)
{
	static const uint8_t start[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t plain[40], wire[64], out[64];
	pt_mppe_ctx tx, rx;
	pt_mppe_info info;

	for (size_t i = 0; i < sizeof plain; i++)
		plain[i] = (uint8_t)(0x21 + i);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&tx, start, 128, PT_MPPE_OPT_FLUSH_REKEYS), PT_OK);
	CU_ASSERT_EQUAL_FATAL(pt_mppe_init(&rx, start, 128, 0), PT_OK);
	for (int n = 0; n < 6; n++) {
		pt_writer w = pt_wr(wire, sizeof wire);
		pt_cursor c;
		size_t outlen = 0;
		if (n == 3)
			pt_mppe_reset_request(&tx); /* packet 3 carries FLUSHED */
		CU_ASSERT_EQUAL_FATAL(pt_mppe_encrypt(&tx, 0, plain, sizeof plain, &w, &info), PT_OK);
		c = pt_cur(wire, pt_wlen(&w));
		CU_ASSERT_EQUAL_FATAL(pt_mppe_decrypt(&rx, &c, out, sizeof out, &outlen, &info), PT_OK);
		CU_ASSERT_EQUAL(outlen, sizeof plain);
		if (n == 3) {
			CU_ASSERT(info.hdr.bits & PT_MPPE_BIT_A);
			CU_ASSERT(memcmp(out, plain, sizeof plain) != 0); /* the RFC way: wrong key */
			CU_ASSERT_EQUAL(pt_mppe_redo_flush_rekey(&rx, wire + PT_MPPE_HDR_LEN, sizeof plain, out), PT_OK);
			CU_ASSERT_EQUAL(pt_mppe_redo_flush_rekey(&rx, wire + PT_MPPE_HDR_LEN, sizeof plain, out), PT_ESTATE);
		}
		CU_ASSERT_EQUAL(memcmp(out, plain, sizeof plain), 0);
	}
	pt_mppe_done(&tx);
	pt_mppe_done(&rx);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("mppe", NULL, NULL);
	UT_ADD(s, test_redo_flush_rekey);
	UT_ADD(s, test_rfc3079_chap2);
	UT_ADD(s, test_rfc3079_sample_message);
	UT_ADD(s, test_rfc3079_chap1);
	UT_ADD(s, test_reduce_and_next);
	UT_ADD(s, test_header);
	UT_ADD(s, test_check_plain);
	UT_ADD(s, test_roundtrip_all);
	UT_ADD(s, test_stateless_loss_reorder);
	UT_ADD(s, test_stateful_loss);
	UT_ADD(s, test_flush_semantics_differ);
	UT_ADD(s, test_decrypt_edges);
	UT_ADD(s, test_hostile);
	UT_ADD(s, test_combined_mppc_mppe);
}
