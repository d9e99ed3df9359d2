/* mutate.c: seeded mutations of one capture file (pcap or pcapng): byte flips, truncations, duplicated and dropped records. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * mutate IN OUTDIR N SEED: writes OUTDIR/m0 .. m<N-1>.  Mutant i is made
 * from (SEED, i) alone, so a failure is reproduced by the same command.
 * The kinds cycle with i: flips anywhere, flips in the packet records only
 * (the header kept so libpcap reads on), truncation, a record duplicated,
 * a record dropped, a record's length fields flipped; the last two kinds
 * combine with a few flips.
 */

static uint64_t rng;

static uint64_t next(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t below(size_t n) { return n ? (size_t)(next() % n) : 0; }

static uint32_t rd32(const uint8_t *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Record (pcap) or block (pcapng) boundaries: offsets into the file, at most max of them. */
static size_t records(const uint8_t *b, size_t n, size_t *off, size_t *len, size_t max, size_t *hdr)
{
	size_t k = 0, at;

	*hdr = 0;
	if (n < 24)
		return 0;
	if (rd32(b, 0) == 0x0a0d0d0a) {
		/* pcapng: the byte-order magic follows the block type and length */
		int be = rd32(b + 8, 1) == 0x1a2b3c4d;
		at = 0;
		while (at + 12 <= n && k < max) {
			uint32_t bl = rd32(b + at + 4, be);
			if (bl < 12 || bl > n - at)
				break;
			if (at == 0 || rd32(b + at, be) == 1)
				*hdr = at + bl;   /* keep SHB and IDBs in front */
			else {
				off[k] = at;
				len[k++] = bl;
			}
			at += bl;
		}
		return k;
	}
	{
		uint32_t m = rd32(b, 0);
		int be;
		if (m == 0xa1b2c3d4 || m == 0xa1b23c4d)
			be = 1;
		else if (m == 0xd4c3b2a1 || m == 0x4d3cb2a1)
			be = 0;
		else
			return 0;
		*hdr = 24;
		at = 24;
		while (at + 16 <= n && k < max) {
			uint32_t cl = rd32(b + at + 8, be);
			if (cl > n - at - 16)
				break;
			off[k] = at;
			len[k++] = 16 + cl;
			at += 16 + cl;
		}
		return k;
	}
}

static void flips(uint8_t *b, size_t n, size_t from, unsigned count)
{
	if (n <= from)
		return;
	for (unsigned i = 0; i < count; i++) {
		size_t at = from + below(n - from);
		switch (next() % 4) {
		case 0:
			b[at] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 1:
			b[at] = (uint8_t)next();
			break;
		case 2:
			b[at] = 0xff;
			break;
		default:
			b[at] = 0;
			break;
		}
	}
}

int main(int argc, char **argv)
{
	enum { MAXREC = 1 << 16 };
	static size_t off[MAXREC], len[MAXREC];
	FILE *f;
	uint8_t *in = NULL, *out;
	size_t n = 0, cap = 0, r, nrec, hdr;
	unsigned long count, seed;

	if (argc != 5) {
		fprintf(stderr, "usage: mutate IN OUTDIR N SEED\n");
		return 2;
	}
	count = strtoul(argv[3], NULL, 10);
	seed = strtoul(argv[4], NULL, 10);
	if (!(f = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 2;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(in = realloc(in, cap)))
				return 2;
		}
		r = fread(in + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	nrec = records(in, n, off, len, MAXREC, &hdr);
	/* room for one duplicated record */
	if (!(out = malloc(2 * n + 16)))
		return 2;
	for (unsigned long i = 0; i < count; i++) {
		char path[4096];
		size_t m = n;
		unsigned kind = (unsigned)(i % 6);

		rng = (uint64_t)seed * 0x100000001b3ull ^ (uint64_t)i * 0x9e3779b97f4a7c15ull;
		memcpy(out, in, n);
		if (!nrec && (kind == 3 || kind == 4 || kind == 5))
			kind = 0;
		switch (kind) {
		case 0:
			flips(out, m, 0, 1 + (unsigned)below(8));
			break;
		case 1:
			flips(out, m, hdr, 1 + (unsigned)below(32));
			break;
		case 2:
			m = below(n);
			break;
		case 3: { /* a record twice in a row */
			size_t k = below(nrec);
			memcpy(out, in, off[k] + len[k]);
			memcpy(out + off[k] + len[k], in + off[k], len[k]);
			memcpy(out + off[k] + 2 * len[k], in + off[k] + len[k], n - off[k] - len[k]);
			m = n + len[k];
			flips(out, m, hdr, (unsigned)below(3));
			break;
		}
		case 4: { /* a record dropped */
			size_t k = below(nrec);
			memcpy(out, in, off[k]);
			memcpy(out + off[k], in + off[k] + len[k], n - off[k] - len[k]);
			m = n - len[k];
			flips(out, m, hdr, (unsigned)below(3));
			break;
		}
		default: { /* a record's header (lengths, time) damaged */
			size_t k = below(nrec);
			flips(out, m, off[k], 1 + (unsigned)below(2));
			out[off[k] + 8 + below(8)] ^= (uint8_t)(1u << below(8));
			break;
		}
		}
		snprintf(path, sizeof path, "%s/m%lu", argv[2], i);
		if (!(f = fopen(path, "wb")) || fwrite(out, 1, m, f) != m || fclose(f) != 0) {
			perror(path);
			return 2;
		}
	}
	free(in);
	free(out);
	return 0;
}
