/* test_mppc.c: MPPC (RFC 2118): the encoding examples and derived streams of vectors/rfc2118-4.txt, hand-built bit streams, history rules, hostile input, compress->decompress round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "mppc.h"
#include "ut.h"

static pt_mppc_ctx dctx, cctx; /* ~16 KiB each: keep them off the stack */

static uint32_t rng = 777;
static uint32_t rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* A test-side bit writer to craft streams token by token (RFC 2118 4). */
typedef struct bits {
	uint8_t b[PT_MPPC_HIST * 2];
	size_t nbits;
} bits;

static void put(bits *s, uint32_t v, unsigned k)
{
	for (unsigned i = k; i > 0; i--) {
		size_t at = s->nbits / 8;
		if (at >= sizeof s->b)
			return;
		if (s->nbits % 8 == 0)
			s->b[at] = 0;
		if ((v >> (i - 1)) & 1)
			s->b[at] |= (uint8_t)(0x80 >> (s->nbits % 8));
		s->nbits++;
	}
}

static size_t nbytes(const bits *s)
{
	return (s->nbits + 7) / 8;
}

static void lit(bits *s, uint8_t c)
{
	if (c < 0x80)
		put(s, c, 8);
	else
		put(s, 0x100u | (c & 0x7fu), 9);
}

static void copy(bits *s, uint32_t off, uint32_t len)
{
	if (off < 64)
		put(s, 0xf, 4), put(s, off, 6);
	else if (off < 320)
		put(s, 0xe, 4), put(s, off - 64, 8);
	else
		put(s, 0x6, 3), put(s, off - 320, 13);
	if (len == 3) {
		put(s, 0, 1);
	} else {
		unsigned k = 0;
		while (len >> (k + 2))
			k++;
		for (unsigned i = 0; i < k; i++)
			put(s, 1, 1);
		put(s, 0, 1);
		put(s, len, k + 1);
	}
}

static int dec(uint16_t flags, const bits *s, uint8_t *out, size_t cap, size_t *n)
{
	return pt_mppc_decompress(&dctx, flags, s->b, nbytes(s), out, cap, n);
}

#define AC (PT_MPPC_FLUSHED | PT_MPPC_COMPRESSED)

/* append a vector's bit string ("0"/"1", spaces ignored) */
static void put_str(bits *s, const char *str)
{
	for (; str && *str; str++)
		if (*str == '0' || *str == '1')
			put(s, (uint32_t)(*str - '0'), 1);
}

static int same_bits(const bits *a, const bits *b)
{
	return a->nbits == b->nbits && memcmp(a->b, b->b, nbytes(a)) == 0;
}

static int vnum(const char *name)
{
	const char *v = (const char *)ut_vec(name, -1);
	return v ? atoi(v) : -1;
}

/* vectors/rfc2118-4.txt: the derived streams decode to what the file says */
static void test_known_streams(void)
{
	static const char *const streams[] = { "stream_abc_copy", "stream_e7", "stream_e7_56" };
	uint8_t out[64];
	size_t n;

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2118-4.txt") > 0);
	for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++) {
		char on[64];
		const uint8_t *in = ut_vec(streams[i], -1);
		int inl = ut_vec_len(streams[i]), outl;

		snprintf(on, sizeof on, "%s_out", streams[i]);
		outl = ut_vec_len(on);
		CU_ASSERT_FATAL(in && inl > 0 && outl > 0);
		pt_mppc_init(&dctx, 0);
		CU_ASSERT_EQUAL(pt_mppc_decompress(&dctx, AC, in, (size_t)inl, out, sizeof out, &n), PT_OK);
		CU_ASSERT_EQUAL(n, (size_t)outl);
		CU_ASSERT(memcmp(out, ut_vec(on, outl), (size_t)outl) == 0);
	}
	/* uncompressed packet: copied as is, history untouched */
	CU_ASSERT_EQUAL(pt_mppc_decompress(&dctx, 0, (const uint8_t *)"\x00\x21xyz", 5, out, sizeof out, &n), PT_OK);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT(memcmp(out, "\x00\x21xyz", 5) == 0);
	/* empty compressed packet */
	CU_ASSERT_EQUAL(pt_mppc_decompress(&dctx, AC, out, 0, out, sizeof out, &n), PT_OK);
	CU_ASSERT_EQUAL(n, 0);
}

/* The encoding examples of vectors/rfc2118-4.txt: this file's encoder writes exactly those bits, and the
 * decoder reads them back: literals alone, each offset after a history that long, each length after "abc" */
static void test_rfc2118_examples(void)
{
	static const char *const lits[] = { "literal_56", "literal_e7" };
	static const char *const offs[] = { "offset_3", "offset_128", "offset_1024" };
	static const char *const lens[] = { "length_15", "length_120", "length_4097" };
	static bits a, b;
	static uint8_t out[PT_MPPC_HIST], pre[PT_MPPC_HIST];
	size_t n;
	char name[64];

	CU_ASSERT_FATAL(ut_vec_load("vectors/rfc2118-4.txt") > 0);
	for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
		const uint8_t *v;
		snprintf(name, sizeof name, "%s_value", lits[i]);
		v = ut_vec(name, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		snprintf(name, sizeof name, "%s_bits", lits[i]);
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		lit(&a, *v);
		put_str(&b, (const char *)ut_vec(name, -1));
		CU_ASSERT(same_bits(&a, &b));
		pt_mppc_init(&dctx, 0);
		CU_ASSERT_EQUAL(dec(AC, &b, out, sizeof out, &n), PT_OK);
		CU_ASSERT(n == 1 && out[0] == *v);
	}
	for (uint32_t i = 0; i < PT_MPPC_HIST; i++)
		pre[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		int off = vnum(offs[i]);
		CU_ASSERT_FATAL(off > 0 && off + 3 <= (int)PT_MPPC_HIST);
		snprintf(name, sizeof name, "%s_bits", offs[i]);
		/* <offset, length 3>: the length 3 is the single bit 0 (RFC 2118 4.2.2) */
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		copy(&a, (uint32_t)off, 3);
		put_str(&b, (const char *)ut_vec(name, -1));
		put(&b, 0, 1);
		CU_ASSERT(same_bits(&a, &b));
		memset(&a, 0, sizeof a);
		for (int k = 0; k < off; k++)
			lit(&a, pre[k]);
		put_str(&a, (const char *)ut_vec(name, -1));
		put(&a, 0, 1);
		pt_mppc_init(&dctx, 0);
		CU_ASSERT_EQUAL_FATAL(dec(AC, &a, out, sizeof out, &n), PT_OK);
		CU_ASSERT_EQUAL(n, (size_t)off + 3);
		CU_ASSERT(memcmp(out, pre, (size_t)off) == 0);
		CU_ASSERT(memcmp(out + off, pre, 3) == 0);
	}
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		int len = vnum(lens[i]);
		CU_ASSERT_FATAL(len >= 3 && 3 + len <= (int)PT_MPPC_HIST);
		snprintf(name, sizeof name, "%s_bits", lens[i]);
		/* <offset 3, length>: the offset 3 as the example above writes it */
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		copy(&a, 3, (uint32_t)len);
		put_str(&b, (const char *)ut_vec("offset_3_bits", -1));
		put_str(&b, (const char *)ut_vec(name, -1));
		CU_ASSERT(same_bits(&a, &b));
		memset(&a, 0, sizeof a);
		lit(&a, 'a');
		lit(&a, 'b');
		lit(&a, 'c');
		put_str(&a, (const char *)ut_vec("offset_3_bits", -1));
		put_str(&a, (const char *)ut_vec(name, -1));
		pt_mppc_init(&dctx, 0);
		CU_ASSERT_EQUAL_FATAL(dec(AC, &a, out, sizeof out, &n), PT_OK);
		CU_ASSERT_EQUAL(n, (size_t)len + 3);
		for (int k = 0; k < len + 3; k++)
			if (out[k] != "abc"[k % 3]) {
				CU_FAIL("copy of \"abc\" differs");
				break;
			}
	}
}

/* Every offset range and every length range, through the decoder, boundaries included. */
static void test_ranges(void)
{
	static const uint32_t offs[] = { 1, 2, 63, 64, 65, 319, 320, 321, 1000, 4000, 8190, 8191 };
	static const uint32_t lens[] = { 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512,
	                                 1023, 1024, 2047, 2048, 4095, 4096, 8191 };
	static bits s, full;
	static uint8_t out[PT_MPPC_HIST], pre[PT_MPPC_HIST], want[PT_MPPC_HIST];
	size_t n;

	/* a whole history of literals, both encodings (below and above 0x80) */
	memset(&full, 0, sizeof full);
	for (uint32_t i = 0; i < PT_MPPC_HIST; i++) {
		pre[i] = (uint8_t)rnd();
		lit(&full, pre[i]);
	}
	for (size_t oi = 0; oi < sizeof offs / sizeof offs[0]; oi++) {
		for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
			uint32_t off = offs[oi], len = lens[li];

			/* (1) in one pass: off literals, then the copy from octet 0 */
			if (off + len <= PT_MPPC_HIST) {
				pt_mppc_init(&dctx, 0);
				memset(&s, 0, sizeof s);
				for (uint32_t i = 0; i < off; i++)
					lit(&s, pre[i]);
				CU_ASSERT_EQUAL_FATAL(dec(AC, &s, out, sizeof out, &n), PT_OK);
				CU_ASSERT_EQUAL(n, off);
				memset(&s, 0, sizeof s);
				copy(&s, off, len);
				CU_ASSERT_EQUAL_FATAL(dec(PT_MPPC_COMPRESSED, &s, out, sizeof out, &n), PT_OK);
				CU_ASSERT_EQUAL(n, len);
				for (uint32_t i = 0; i < len; i++)
					want[i] = pre[i % off]; /* overlapping copies repeat the pattern */
				CU_ASSERT(memcmp(out, want, len) == 0);
			}
			/* (2) across the ring: a full history, then B and the copy from behind the front */
			pt_mppc_init(&dctx, 0);
			CU_ASSERT_EQUAL_FATAL(dec(AC, &full, out, sizeof out, &n), PT_OK);
			CU_ASSERT_EQUAL(n, PT_MPPC_HIST);
			memset(&s, 0, sizeof s);
			copy(&s, off, len);
			CU_ASSERT_EQUAL_FATAL(dec(PT_MPPC_COMPRESSED | PT_MPPC_RESTART, &s, out, sizeof out, &n), PT_OK);
			CU_ASSERT_EQUAL(n, len);
			for (uint32_t i = 0; i < len; i++)
				want[i] = i < off ? pre[PT_MPPC_HIST - off + i] : want[i - off];
			CU_ASSERT(memcmp(out, want, len) == 0);
		}
	}
}

static void test_history_rules(void)
{
	static bits s;
	static uint8_t out[PT_MPPC_HIST];
	size_t n;

	/* an offset reaching before the start of the history */
	pt_mppc_init(&dctx, 0);
	memset(&s, 0, sizeof s);
	lit(&s, 'a');
	lit(&s, 'b');
	lit(&s, 'c');
	copy(&s, 4, 3);
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_EINVAL);
	/* the history is lost: compressed packets refused, uncompressed ones pass */
	memset(&s, 0, sizeof s);
	lit(&s, 'q');
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED, &s, out, sizeof out, &n), PT_ESTATE);
	CU_ASSERT_EQUAL(pt_mppc_decompress(&dctx, 0, (const uint8_t *)"raw", 3, out, sizeof out, &n), PT_OK);
	/* a FLUSHED packet repairs it */
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_OK);
	CU_ASSERT_EQUAL(n, 1);

	/* offset 0 is no offset */
	memset(&s, 0, sizeof s);
	lit(&s, 'a');
	put(&s, 0xf, 4);
	put(&s, 0, 6);
	put(&s, 0, 1);
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_EINVAL);
	/* 16-bit offset form beyond 8191 (320 + 7872) */
	memset(&s, 0, sizeof s);
	lit(&s, 'a');
	put(&s, 0x6, 3);
	put(&s, 7872, 13);
	put(&s, 0, 1);
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_EINVAL);
	/* a length prefix of twelve 1s */
	memset(&s, 0, sizeof s);
	lit(&s, 'a');
	put(&s, 0xf, 4);
	put(&s, 1, 6);
	put(&s, 0xfff, 12);
	put(&s, 0, 1);
	put(&s, 0, 16);
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_EINVAL);
	/* a token cut by the end of the data */
	memset(&s, 0, sizeof s);
	lit(&s, 'a');
	put(&s, 0x6, 3);
	put(&s, 0, 13); /* offset 320 ends on an octet boundary; the length is missing */
	CU_ASSERT_EQUAL(s.nbits, 24);
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_ETRUNC);
	/* (zero padding after a 10-bit offset reads as length 3: a valid token) */
	memset(&s, 0, sizeof s);
	lit(&s, 'a');
	lit(&s, 'b');
	put(&s, 0xf, 4);
	put(&s, 2, 6);
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_OK);
	CU_ASSERT(n == 5 && memcmp(out, "ababa", 5) == 0);
	memset(&s, 0, sizeof s);
	lit(&s, 'a');
	put(&s, 0x6, 3);
	put(&s, 1, 5); /* 16-bit offset cut after 8 bits */
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_ETRUNC);

	/* writing past 8192 without B */
	pt_mppc_init(&dctx, 0);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 8000; i++)
		lit(&s, 'x');
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_OK);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 192; i++)
		lit(&s, 'y');
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED, &s, out, sizeof out, &n), PT_OK); /* exactly full */
	memset(&s, 0, sizeof s);
	lit(&s, 'y');
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED, &s, out, sizeof out, &n), PT_EINVAL);
	/* and a copy running past the end */
	pt_mppc_init(&dctx, 0);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 8190; i++)
		lit(&s, 'x');
	copy(&s, 1, 3);
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_EINVAL);

	/* ring: after B, offsets may reach the old bytes behind the front, but not unwritten ones */
	pt_mppc_init(&dctx, 0);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 8000; i++)
		lit(&s, (uint8_t)(i % 100));
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_OK);
	memset(&s, 0, sizeof s);
	copy(&s, 300, 5); /* pos 0 - 300 -> index 7892..7896 */
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED | PT_MPPC_RESTART, &s, out, sizeof out, &n), PT_OK);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT(out[0] == 7892 % 100 && out[4] == 7896 % 100);
	memset(&s, 0, sizeof s);
	copy(&s, 100, 3); /* pos 5 - 100 -> index 8097: never written */
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED, &s, out, sizeof out, &n), PT_EINVAL);
	/* a ring copy running across index 8191 into the front */
	pt_mppc_init(&dctx, 0);
	memset(&s, 0, sizeof s);
	for (int i = 0; i < 8192; i++)
		lit(&s, (uint8_t)(i & 0x7f));
	CU_ASSERT_EQUAL(dec(AC, &s, out, sizeof out, &n), PT_OK);
	memset(&s, 0, sizeof s);
	lit(&s, 'Q');
	copy(&s, 4, 6); /* from index 8189: 8189 8190 8191 then Q (index 0) then the two just copied */
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED | PT_MPPC_RESTART, &s, out, sizeof out, &n), PT_OK);
	CU_ASSERT_EQUAL(n, 7);
	{
		const uint8_t want[7] = { 'Q', 8189 & 0x7f, 8190 & 0x7f, 8191 & 0x7f, 'Q', 8189 & 0x7f, 8190 & 0x7f };
		CU_ASSERT(memcmp(out, want, 7) == 0);
	}

	/* output too small: the history moves on, only the output is lost */
	memset(&s, 0, sizeof s);
	lit(&s, 'k');
	lit(&s, 'l');
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED, &s, out, 1, &n), PT_ENOSPC);
	memset(&s, 0, sizeof s);
	copy(&s, 2, 3);
	CU_ASSERT_EQUAL(dec(PT_MPPC_COMPRESSED, &s, out, sizeof out, &n), PT_OK);
	CU_ASSERT(n == 3 && out[0] == 'k' && out[1] == 'l' && out[2] == 'k');
	CU_ASSERT_EQUAL(pt_mppc_decompress(&dctx, 0, (const uint8_t *)"raw", 3, out, 2, &n), PT_ENOSPC);
}

/* Garbage in: no crash, no overrun (ASan watches), output bounded by cap. */
static void test_garbage(void)
{
	static uint8_t in[2000], out[3000];

	pt_mppc_init(&dctx, 0);
	for (int i = 0; i < 20000; i++) {
		size_t len = rnd() % sizeof in, cap = (i & 3) ? sizeof out : rnd() % 64, n = 99999;
		uint16_t flags = (uint16_t)(rnd() & 0xf000);
		int rc;

		for (size_t k = 0; k < len; k++)
			in[k] = (uint8_t)rnd();
		if (i & 1)
			flags |= PT_MPPC_COMPRESSED;
		rc = pt_mppc_decompress(&dctx, flags, in, len, out, cap, &n);
		CU_ASSERT(rc == PT_OK || rc == PT_EINVAL || rc == PT_ETRUNC || rc == PT_ESTATE || rc == PT_ENOSPC);
		if (rc == PT_OK) {
			CU_ASSERT(n <= cap);
		} else {
			CU_ASSERT_EQUAL(n, 0);
		}
		CU_ASSERT(dctx.pos <= PT_MPPC_HIST && dctx.hi <= PT_MPPC_HIST);
	}
}

/* Feed one packet through compressor and decompressor; return the compressed size. */
static size_t through(const uint8_t *p, size_t len, uint16_t *flags_out)
{
	static uint8_t comp[PT_MPPC_MAX_OUT(PT_MPPC_HIST) + 16], back[PT_MPPC_HIST];
	size_t clen = 0, blen = 0;
	uint16_t flags = 0;

	CU_ASSERT_EQUAL_FATAL(pt_mppc_compress(&cctx, p, len, comp, sizeof comp, &clen, &flags), PT_OK);
	if (flags & PT_MPPC_COMPRESSED) {
		CU_ASSERT(clen < len);
	} else {
		CU_ASSERT_EQUAL(clen, len);
	}
	CU_ASSERT_EQUAL_FATAL(pt_mppc_decompress(&dctx, flags, comp, clen, back, sizeof back, &blen), PT_OK);
	CU_ASSERT_EQUAL(blen, len);
	CU_ASSERT(memcmp(back, p, len) == 0);
	if (flags_out)
		*flags_out = flags;
	return clen;
}

static void test_roundtrip_text(void)
{
	static const char text[] =
		"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: pptp-suite\r\n"
		"Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.5\r\n"
		"Connection: keep-alive\r\n\r\n";
	size_t first, second;
	uint16_t f;

	pt_mppc_init(&cctx, 0);
	pt_mppc_init(&dctx, 0);
	first = through((const uint8_t *)text, sizeof text - 1, &f);
	CU_ASSERT(f & PT_MPPC_COMPRESSED);
	/* the same request again: history from the previous packet makes it tiny */
	second = through((const uint8_t *)text, sizeof text - 1, &f);
	CU_ASSERT(f & PT_MPPC_COMPRESSED);
	CU_ASSERT(!(f & PT_MPPC_FLUSHED));
	CU_ASSERT(second < first / 4);
	/* a long run: lengths beyond 4096 */
	{
		static uint8_t zero[PT_MPPC_HIST];
		size_t c;
		memset(zero, 0, sizeof zero);
		c = through(zero, 6000, &f);
		CU_ASSERT(c < 20);
		/* a whole history's worth in one packet */
		c = through(zero, PT_MPPC_HIST, &f);
		CU_ASSERT(f & PT_MPPC_RESTART);
		CU_ASSERT(c < 20);
	}
	/* reset request: the next packet is flushed, still decodes */
	pt_mppc_reset_request(&cctx);
	through((const uint8_t *)text, sizeof text - 1, &f);
	CU_ASSERT(f & PT_MPPC_FLUSHED);
}

static void test_roundtrip_stream(void)
{
	static uint8_t p[1600];
	unsigned restarts = 0, raws = 0, flushed = 0;

	pt_mppc_init(&cctx, 0);
	pt_mppc_init(&dctx, 0);
	for (int i = 0; i < 300; i++) {
		size_t len = 1 + rnd() % sizeof p;
		uint16_t f;
		int kind = i % 13 == 0 ? 0 : i % 3 == 1 ? 1 : 2;

		for (size_t k = 0; k < len; k++) {
			switch (kind) {
			case 0: /* random: incompressible */
				p[k] = (uint8_t)rnd();
				break;
			case 1: /* small alphabet, high octets too */
				p[k] = (uint8_t)(0x7c + rnd() % 8);
				break;
			default: /* text-like with repeats */
				p[k] = (uint8_t)("the quick brown fox jumps over the lazy dog "[(k * 7 + i) % 44]);
				break;
			}
		}
		through(p, len, &f);
		restarts += (f & PT_MPPC_RESTART) != 0;
		raws += !(f & PT_MPPC_COMPRESSED);
		flushed += (f & PT_MPPC_FLUSHED) != 0;
	}
	/* the history filled up and restarted at the front; random data went out raw and forced flushes */
	CU_ASSERT(restarts > 0);
	CU_ASSERT(raws > 0);
	CU_ASSERT(flushed >= raws - 1);
	/* stateless: every packet flushed, each decodable on its own */
	pt_mppc_init(&cctx, 1);
	for (int i = 0; i < 20; i++) {
		uint16_t f;
		size_t len = 200 + i;
		for (size_t k = 0; k < len; k++)
			p[k] = (uint8_t)("abcabd"[k % 6]);
		pt_mppc_init(&dctx, 0); /* a fresh receiver each time proves independence */
		through(p, len, &f);
		CU_ASSERT(f & PT_MPPC_FLUSHED);
	}
}

static void test_compress_edges(void)
{
	static uint8_t big[PT_MPPC_HIST + 10], out[PT_MPPC_HIST + 64];
	size_t n;
	uint16_t f;

	pt_mppc_init(&cctx, 0);
	pt_mppc_init(&dctx, 0);
	/* empty and one-octet packets go out raw */
	CU_ASSERT_EQUAL(pt_mppc_compress(&cctx, big, 0, out, sizeof out, &n, &f), PT_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT(!(f & PT_MPPC_COMPRESSED));
	CU_ASSERT_EQUAL(pt_mppc_compress(&cctx, (const uint8_t *)"a", 1, out, sizeof out, &n, &f), PT_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT(f & PT_MPPC_FLUSHED); /* after the raw empty packet */
	CU_ASSERT(!(f & PT_MPPC_COMPRESSED));
	/* longer than the history: raw */
	memset(big, 'b', sizeof big);
	CU_ASSERT_EQUAL(pt_mppc_compress(&cctx, big, sizeof big, out, sizeof out, &n, &f), PT_OK);
	CU_ASSERT_EQUAL(n, sizeof big);
	CU_ASSERT(!(f & PT_MPPC_COMPRESSED));
	/* raw but no room: PT_ENOSPC, and the next packet is flushed */
	for (size_t k = 0; k < 100; k++)
		big[k] = (uint8_t)rnd();
	CU_ASSERT_EQUAL(pt_mppc_compress(&cctx, big, 100, out, 50, &n, &f), PT_ENOSPC);
	CU_ASSERT_EQUAL(pt_mppc_compress(&cctx, (const uint8_t *)"hello hello hello", 17, out, sizeof out, &n, &f),
	                PT_OK);
	CU_ASSERT(f & PT_MPPC_FLUSHED);
	CU_ASSERT(f & PT_MPPC_COMPRESSED);
	{
		uint8_t back[32];
		size_t bl;
		CU_ASSERT_EQUAL(pt_mppc_decompress(&dctx, f, out, n, back, sizeof back, &bl), PT_OK);
		CU_ASSERT(bl == 17 && memcmp(back, "hello hello hello", 17) == 0);
	}
	/* a compressible packet with a tiny cap falls back to raw, which then does not fit */
	CU_ASSERT_EQUAL(pt_mppc_compress(&cctx, (const uint8_t *)"hello hello hello", 17, out, 3, &n, &f), PT_ENOSPC);
}

void ut_register(void)
{
	CU_pSuite s = CU_add_suite("mppc", NULL, NULL);
	UT_ADD(s, test_known_streams);
	UT_ADD(s, test_rfc2118_examples);
	UT_ADD(s, test_ranges);
	UT_ADD(s, test_history_rules);
	UT_ADD(s, test_garbage);
	UT_ADD(s, test_roundtrip_text);
	UT_ADD(s, test_roundtrip_stream);
	UT_ADD(s, test_compress_edges);
}
