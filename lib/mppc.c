/* mppc.c: MPPC (RFC 2118) decompressor and greedy compressor over an 8 KiB history, every input bit read through pt_cursor. */
#include <string.h>

#include "cursor.h"
#include "mppc.h"

#define MAX_OFFSET (PT_MPPC_HIST - 1)  /* RFC 2118 4.2.1: offsets up to 8191 */
#define MIN_MATCH 3                    /* RFC 2118 4.2.2: shortest length-of-match */
#define MAX_MATCH (PT_MPPC_HIST - 1)   /* RFC 2118 4.2.2: 4096..8191 is the last range */

void pt_mppc_init(pt_mppc_ctx *ctx, int stateless)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->stateless = stateless != 0;
}

void pt_mppc_reset_request(pt_mppc_ctx *ctx)
{
	ctx->flush_next = 1;
}

/* ---- bits, most significant first ---- */

typedef struct bitreader {
	pt_cursor c;
	uint64_t acc;
	unsigned n; /* valid low bits in acc */
} bitreader;

static size_t bits_left(const bitreader *br)
{
	return br->n + 8 * pt_left(&br->c);
}

/* Read k (1..24) bits; PT_ETRUNC when the data ends first. */
static int get_bits(bitreader *br, unsigned k, uint32_t *v)
{
	while (br->n < k) {
		uint8_t b;

		if (pt_get_u8(&br->c, &b) != PT_OK)
			return PT_ETRUNC;
		br->acc = (br->acc << 8) | b;
		br->n += 8;
	}
	br->n -= k;
	*v = (uint32_t)((br->acc >> br->n) & ((1u << k) - 1));
	return PT_OK;
}

typedef struct bitwriter {
	pt_writer w;
	uint32_t acc;
	unsigned n; /* pending bits in acc, < 8 between calls */
} bitwriter;

static void put_bits(bitwriter *bw, uint32_t v, unsigned k)
{
	for (unsigned i = k; i > 0; i--) {
		bw->acc = (bw->acc << 1) | ((v >> (i - 1)) & 1);
		if (++bw->n == 8) {
			pt_put_u8(&bw->w, (uint8_t)bw->acc);
			bw->acc = 0;
			bw->n = 0;
		}
	}
}

static void put_flush(bitwriter *bw)
{
	/* RFC 2118 4: the last octet is padded with zero bits */
	if (bw->n)
		put_bits(bw, 0, 8 - bw->n);
}

/* ---- decompressor ---- */

static int decode_copy(pt_mppc_ctx *ctx, bitreader *br)
{
	uint32_t off, v, len, k = 0;
	int rc;

	/* The caller read "11".  RFC 2118 4.2.1 Offset Encoding:
	 * 1111 + 6 bits, 1110 + 8 bits (+64), 110 + 13 bits (+320). */
	rc = get_bits(br, 2, &v);
	if (rc != PT_OK)
		return rc;
	if (v == 3) {
		rc = get_bits(br, 6, &off);
	} else if (v == 2) {
		rc = get_bits(br, 8, &off);
		off += 64;
	} else {
		/* "110": v's low bit is already the first of the 13 offset bits */
		rc = get_bits(br, 12, &off);
		off = ((v & 1) << 12 | off) + 320;
	}
	if (rc != PT_OK)
		return rc;
	if (off == 0 || off > MAX_OFFSET)
		return PT_EINVAL;
	/* RFC 2118 4.2.2 Length-of-Match: k ones, a zero, then k+1 bits; "0" alone is 3 */
	for (;;) {
		rc = get_bits(br, 1, &v);
		if (rc != PT_OK)
			return rc;
		if (!v)
			break;
		if (++k > 11)
			return PT_EINVAL; /* longer than the 4096..8191 range */
	}
	if (k == 0) {
		len = MIN_MATCH;
	} else {
		rc = get_bits(br, k + 1, &v);
		if (rc != PT_OK)
			return rc;
		len = (1u << (k + 1)) | v;
	}
	if (ctx->pos + len > PT_MPPC_HIST)
		return PT_EINVAL; /* would run past the end of the history */
	/* The source lies off octets back, in this pass or (ring) behind the front. */
	if (off > ctx->pos) {
		uint32_t start = ctx->pos + PT_MPPC_HIST - off;
		uint32_t need = start + len > PT_MPPC_HIST ? PT_MPPC_HIST : start + len;

		if (need > ctx->hi)
			return PT_EINVAL; /* reaches history never written since the flush */
	}
	for (uint32_t i = 0; i < len; i++) {
		/* byte by byte: a match may overlap the octets it produces */
		uint32_t src = (ctx->pos + PT_MPPC_HIST - off) % PT_MPPC_HIST;

		ctx->hist[ctx->pos++] = ctx->hist[src];
	}
	return PT_OK;
}

int pt_mppc_decompress(pt_mppc_ctx *ctx, uint16_t flags, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                       size_t *outlen)
{
	bitreader br;
	uint32_t start;
	int rc = PT_OK;

	*outlen = 0;
	if (flags & PT_MPPC_FLUSHED) {
		/* RFC 2118 3.1 bit A: the history was re-initialised; this packet stands alone */
		ctx->pos = 0;
		ctx->hi = 0;
		ctx->broken = 0;
	}
	if (!(flags & PT_MPPC_COMPRESSED)) {
		/* RFC 2118 3.1 bit C clear: sent as is; the history is not touched */
		if (len > cap)
			return PT_ENOSPC;
		if (len)
			memcpy(out, in, len);
		*outlen = len;
		return PT_OK;
	}
	if (ctx->broken)
		return PT_ESTATE;
	if (flags & PT_MPPC_RESTART) {
		/* RFC 2118 3.1 bit B: this packet's data starts at the front of the history */
		ctx->pos = 0;
	}
	start = ctx->pos;
	br.c = pt_cur(in, len);
	br.acc = 0;
	br.n = 0;
	/* Padding is under 8 bits, and no token is shorter than 8: stop below 8. */
	while (bits_left(&br) >= 8 && rc == PT_OK) {
		uint32_t v;

		rc = get_bits(&br, 1, &v);
		if (rc != PT_OK)
			break;
		if (v == 0) {
			/* RFC 2118 4.1: 0 + 7 bits, a literal below 0x80 */
			rc = get_bits(&br, 7, &v);
		} else {
			rc = get_bits(&br, 1, &v);
			if (rc == PT_OK && v == 0) {
				/* RFC 2118 4.1: 10 + lower 7 bits, a literal 0x80..0xFF */
				rc = get_bits(&br, 7, &v);
				v |= 0x80;
			} else if (rc == PT_OK) {
				rc = decode_copy(ctx, &br);
				if (ctx->pos > ctx->hi)
					ctx->hi = ctx->pos;
				continue;
			}
		}
		if (rc != PT_OK)
			break;
		if (ctx->pos >= PT_MPPC_HIST) {
			rc = PT_EINVAL; /* history full and no restart */
			break;
		}
		ctx->hist[ctx->pos++] = (uint8_t)v;
		if (ctx->pos > ctx->hi)
			ctx->hi = ctx->pos;
	}
	if (rc != PT_OK) {
		ctx->broken = 1;
		return rc;
	}
	/* The history holds the packet now; a short out loses only this output. */
	if (ctx->pos - start > cap)
		return PT_ENOSPC;
	if (ctx->pos > start)
		memcpy(out, ctx->hist + start, ctx->pos - start);
	*outlen = ctx->pos - start;
	return PT_OK;
}

/* ---- compressor ---- */

static uint32_t hash3(const uint8_t *p)
{
	uint32_t x = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

	return (x * 2654435761u) >> (32 - PT_MPPC_HASH_BITS);
}

static void comp_reset(pt_mppc_ctx *ctx)
{
	ctx->pos = 0;
	ctx->hi = 0;
	memset(ctx->hash, 0, sizeof ctx->hash);
}

static void put_literal(bitwriter *bw, uint8_t b)
{
	/* RFC 2118 4.1 */
	if (b < 0x80)
		put_bits(bw, b, 8);
	else
		put_bits(bw, 0x100u | (b & 0x7fu), 9);
}

static void put_copy(bitwriter *bw, uint32_t off, uint32_t len)
{
	unsigned k = 0;

	/* RFC 2118 4.2.1 */
	if (off < 64)
		put_bits(bw, 0x3c0u | off, 10);
	else if (off < 320)
		put_bits(bw, 0xe00u | (off - 64), 12);
	else
		put_bits(bw, 0xc000u | (off - 320), 16);
	/* RFC 2118 4.2.2: 3 is "0"; 2^(k+1)..2^(k+2)-1 is k ones, a zero, k+1 low bits */
	if (len == MIN_MATCH) {
		put_bits(bw, 0, 1);
		return;
	}
	while ((len >> (k + 2)) != 0)
		k++;
	put_bits(bw, ((1u << k) - 1) << 1, k + 1);
	put_bits(bw, len & ((1u << (k + 1)) - 1), k + 1);
}

static void record(pt_mppc_ctx *ctx, uint32_t p, uint32_t end)
{
	if (p + MIN_MATCH <= end)
		ctx->hash[hash3(ctx->hist + p)] = (uint16_t)(p + 1);
}

int pt_mppc_compress(pt_mppc_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                     uint16_t *flags)
{
	bitwriter bw;
	uint32_t p, end;

	*outlen = 0;
	*flags = 0;
	if (ctx->flush_next || ctx->stateless) {
		/* RFC 2118 3.1 bit A: history re-initialised before this packet */
		comp_reset(ctx);
		ctx->flush_next = 0;
		*flags |= PT_MPPC_FLUSHED;
	}
	if (len == 0 || len > PT_MPPC_HIST)
		goto raw;
	if (ctx->pos + len > PT_MPPC_HIST) {
		/* RFC 2118 3.1 bit B: no room left, restart at the front; forget old matches */
		ctx->pos = 0;
		memset(ctx->hash, 0, sizeof ctx->hash);
		*flags |= PT_MPPC_RESTART;
	}
	memcpy(ctx->hist + ctx->pos, in, len);
	end = ctx->pos + (uint32_t)len;
	/* worth it only when shorter than the data itself */
	bw.w = pt_wr(out, cap < len - 1 ? cap : len - 1);
	bw.acc = 0;
	bw.n = 0;
	for (p = ctx->pos; p < end;) {
		uint32_t cand = 0, best = 0;

		if (p + MIN_MATCH <= end) {
			uint16_t h = ctx->hash[hash3(ctx->hist + p)];

			if (h && h - 1u < p && p - (h - 1u) <= MAX_OFFSET) {
				cand = h - 1u;
				while (p + best < end && best < MAX_MATCH && ctx->hist[cand + best] == ctx->hist[p + best])
					best++;
			}
		}
		if (best >= MIN_MATCH) {
			put_copy(&bw, p - cand, best);
			for (uint32_t q = p; q < p + best; q++)
				record(ctx, q, end);
			p += best;
		} else {
			record(ctx, p, end);
			put_literal(&bw, ctx->hist[p]);
			p++;
		}
		if (bw.w.err)
			break;
	}
	put_flush(&bw);
	if (bw.w.err || pt_wlen(&bw.w) >= len)
		goto raw;
	ctx->pos = end;
	if (end > ctx->hi)
		ctx->hi = end;
	*flags |= PT_MPPC_COMPRESSED;
	*outlen = pt_wlen(&bw.w);
	return PT_OK;

raw:
	/* RFC 2118: an expanding packet goes out uncompressed; the history restarts, next packet flagged A */
	comp_reset(ctx);
	ctx->flush_next = 1;
	*flags &= (uint16_t)~(PT_MPPC_RESTART | PT_MPPC_COMPRESSED);
	if (len > cap)
		return PT_ENOSPC;
	if (len)
		memcpy(out, in, len);
	*outlen = len;
	return PT_OK;
}
