/* cryptofloor.c: the crypto floor of make bench: the SHA-1 and RC4 work MPPE decryption needs (RFC 3078 7-8), over the packets of a capture with the same key changes, and no parsing in the timed part. */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime, CLOCK_PROCESS_CPUTIME_ID */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "mppe.h"

#ifdef BENCH_OPENSSL
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/rc4.h>
#include <openssl/sha.h>
#endif

/*
 * Untimed first pass: each MPPE packet of the capture becomes a record (which
 * direction, the MPPE header, the ciphertext length and its first two octets),
 * found by fixed offsets (Ethernet, IPv4, GRE, PPP), with the start keys from
 * pptp-gencap --keylog.  Timed second pass: for each record the key changes
 * the coherency count asks for (stateless: one per step, RFC 3078 7.3;
 * stateful: on flag packets, re-initialisation on FLUSHED) and RC4 over the
 * length.  The first two plaintext octets are checked (the PPP protocol), so
 * the key changes are the real ones.
 */

typedef struct rec {
	uint32_t stream;
	uint16_t hdr;
	uint16_t len;
	uint8_t c0, c1;
} rec;

typedef struct stream {
	int bits, stateless, started;
	size_t keylen;
	uint8_t start[16], key[16], prev[16];   /* prev: the key of last_cc - 1, for a late packet */
	uint16_t last_cc;
	pt_rc4 rc4, scratch;
#ifdef BENCH_OPENSSL
	RC4_KEY ork;
#endif
} stream;

static rec *recs;
static size_t nrec, caprec;
static stream *st;
static size_t nst, capst;
static uint32_t cur[65536];   /* GRE key -> stream + 1 */

static double clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define now_s() clock_s(CLOCK_MONOTONIC)
#define cpu_s() clock_s(CLOCK_PROCESS_CPUTIME_ID)

static int hexkey(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static void load(const char *cap, const char *keylog)
{
	char err[PCAP_ERRBUF_SIZE], line[256];
	FILE *kf = fopen(keylog, "r");
	unsigned long long kpkt = 0, pkt = 0;
	unsigned kcall = 0;
	int kbits = 0, kstateless = 0, have = 0;
	char khex[64];
	struct pcap_pkthdr *h;
	const uint8_t *d;
	pcap_t *p;

	if (!kf || !(p = pcap_open_offline(cap, err))) {
		fprintf(stderr, "cryptofloor: cannot open %s or %s\n", cap, keylog);
		exit(2);
	}
	for (;;) {
		int rc = pcap_next_ex(p, &h, &d);
		size_t o, n;
		if (rc != 1)
			break;
		/* key log entries take effect after the packet count they name */
		while (have || fgets(line, sizeof line, kf)) {
			if (!have && sscanf(line, "%llu %u %d %d %63s", &kpkt, &kcall, &kbits, &kstateless, khex) != 5)
				continue;
			have = 1;
			if (kpkt > pkt)
				break;
			if (nst == capst) {
				capst = capst ? capst * 2 : 64;
				st = realloc(st, capst * sizeof *st);
			}
			memset(&st[nst], 0, sizeof st[nst]);
			st[nst].bits = kbits;
			st[nst].stateless = kstateless;
			st[nst].keylen = pt_mppe_key_len(kbits);
			if (hexkey(khex, st[nst].start, st[nst].keylen))
				exit(2);
			cur[kcall & 0xffff] = (uint32_t)++nst;
			have = 0;
		}
		pkt++;
		n = h->caplen;
		/* Ethernet, IPv4 proto 47 */
		if (n < 14 + 20 || d[12] != 0x08 || d[13] != 0x00 || d[23] != 47)
			continue;
		o = 14 + (size_t)(d[14] & 15) * 4;
		/* RFC 2637 4.1: enhanced GRE: flags, protocol, payload length, call id, [seq], [ack] */
		if (n < o + 8)
			continue;
		{
			unsigned call = (unsigned)d[o + 6] << 8 | d[o + 7];
			size_t plen = (size_t)d[o + 4] << 8 | d[o + 5];
			int s = (d[o] & 0x10) != 0, a = (d[o + 1] & 0x80) != 0;
			o += 8 + (s ? 4 : 0) + (a ? 4 : 0);
			if (!plen || n < o + plen || !cur[call])
				continue;
			n = o + plen;
			if (d[o] == 0xff && d[o + 1] == 0x03)
				o += 2;
			if (d[o] == 0xfd)
				o += 1;
			else if (d[o] == 0x00 && d[o + 1] == 0xfd)
				o += 2;
			else
				continue;
			if (n < o + 4)
				continue;
			if (nrec == caprec) {
				caprec = caprec ? caprec * 2 : 65536;
				recs = realloc(recs, caprec * sizeof *recs);
			}
			recs[nrec].stream = cur[call] - 1;
			recs[nrec].hdr = (uint16_t)(d[o] << 8 | d[o + 1]);
			recs[nrec].len = (uint16_t)(n - o - 2);
			recs[nrec].c0 = d[o + 2];
			recs[nrec].c1 = d[o + 3];
			nrec++;
		}
	}
	pcap_close(p);
	fclose(kf);
}

static int plain_ok(const rec *r, const uint8_t *b)
{
	/* MPPC-compressed data is not a bare protocol field; the rest must open with 00 21 (IPv4) */
	return (r->hdr & PT_MPPE_BIT_C) || (b[0] == 0x00 && b[1] == 0x21);
}

static double run_gcrypt(unsigned long long *ok, unsigned long long *bytes, double *cpu)
{
	static uint8_t buf[65536];
	double t0, c0;

	for (size_t i = 0; i < nst; i++)
		if (pt_rc4_open(&st[i].rc4) || pt_rc4_open(&st[i].scratch))
			exit(2);
	t0 = now_s();
	c0 = cpu_s();
	for (size_t i = 0; i < nrec; i++) {
		const rec *r = &recs[i];
		stream *s = &st[r->stream];
		uint16_t cc = r->hdr & PT_MPPE_CC_MASK;
		if (!s->started) {
			pt_mppe_initial_session_key(s->start, s->bits, s->key);
			s->started = 1;
			s->last_cc = PT_MPPE_CC_MASK;   /* the initial key is that of count -1 (lib/mppe.c) */
			(void)pt_rc4_setkey(&s->rc4, s->key, s->keylen);
		}
		if (s->stateless) {
			/* RFC 3078 8.1: one key change per step of the count; a late packet uses a kept key */
			unsigned steps = (unsigned)((cc - s->last_cc) & PT_MPPE_CC_MASK);
			if (steps && steps < 2048) {
				for (unsigned k = 0; k < steps; k++) {
					memcpy(s->prev, s->key, s->keylen);
					pt_mppe_next_session_key(&s->scratch, s->start, s->key, s->bits, s->key);
				}
				s->last_cc = cc;
			}
			(void)pt_rc4_setkey(&s->rc4, steps == PT_MPPE_CC_MASK ? s->prev : s->key, s->keylen);
		} else {
			/* RFC 3078 7.3 / 8.2: flag packets change key (also those lost: one change each); FLUSHED re-initialises */
			for (uint16_t m = (uint16_t)((s->last_cc + 1) & PT_MPPE_CC_MASK); m != cc && s->last_cc != cc;
			     m = (uint16_t)((m + 1) & PT_MPPE_CC_MASK))
				if ((m & 0xff) == 0xff)
					pt_mppe_next_session_key(&s->scratch, s->start, s->key, s->bits, s->key);
			if ((cc & 0xff) == 0xff) {
				pt_mppe_next_session_key(&s->scratch, s->start, s->key, s->bits, s->key);
				(void)pt_rc4_setkey(&s->rc4, s->key, s->keylen);
			} else if (r->hdr & PT_MPPE_BIT_A)
				(void)pt_rc4_setkey(&s->rc4, s->key, s->keylen);
			s->last_cc = cc;
		}
		buf[0] = r->c0;
		buf[1] = r->c1;
		(void)pt_rc4_crypt(&s->rc4, buf, r->len);
		*ok += (unsigned long long)plain_ok(r, buf);
		*bytes += r->len;
	}
	t0 = now_s() - t0;
	*cpu = cpu_s() - c0;
	for (size_t i = 0; i < nst; i++) {
		pt_rc4_close(&st[i].rc4);
		pt_rc4_close(&st[i].scratch);
		st[i].started = 0;
	}
	return t0;
}

#ifdef BENCH_OPENSSL
/* RFC 3078 7.3 GetNewKeyFromSHA and the next session key, on OpenSSL's SHA-1 and RC4 */
static void ossl_next_key(stream *s)
{
	static const uint8_t pad1[40], pad2[40] = { 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
						     0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
						     0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
						     0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2 };
	uint8_t dig[SHA_DIGEST_LENGTH], interim[16];
	SHA_CTX c;
	RC4_KEY k;

	SHA1_Init(&c);
	SHA1_Update(&c, s->start, s->keylen);
	SHA1_Update(&c, pad1, sizeof pad1);
	SHA1_Update(&c, s->key, s->keylen);
	SHA1_Update(&c, pad2, sizeof pad2);
	SHA1_Final(dig, &c);
	memcpy(interim, dig, s->keylen);
	RC4_set_key(&k, (int)s->keylen, interim);
	RC4(&k, s->keylen, interim, s->key);
	pt_mppe_reduce_key(s->key, s->bits);
}

static double run_openssl(unsigned long long *ok)
{
	static uint8_t buf[65536];
	double t0 = now_s();

	for (size_t i = 0; i < nrec; i++) {
		const rec *r = &recs[i];
		stream *s = &st[r->stream];
		uint16_t cc = r->hdr & PT_MPPE_CC_MASK;
		if (!s->started) {
			pt_mppe_initial_session_key(s->start, s->bits, s->key);
			s->started = 1;
			s->last_cc = PT_MPPE_CC_MASK;   /* the initial key is that of count -1 (lib/mppe.c) */
			RC4_set_key(&s->ork, (int)s->keylen, s->key);
		}
		if (s->stateless) {
			unsigned steps = (unsigned)((cc - s->last_cc) & PT_MPPE_CC_MASK);
			if (steps && steps < 2048) {
				for (unsigned k = 0; k < steps; k++) {
					memcpy(s->prev, s->key, s->keylen);
					ossl_next_key(s);
				}
				s->last_cc = cc;
			}
			RC4_set_key(&s->ork, (int)s->keylen, steps == PT_MPPE_CC_MASK ? s->prev : s->key);
		} else {
			for (uint16_t m = (uint16_t)((s->last_cc + 1) & PT_MPPE_CC_MASK); m != cc && s->last_cc != cc;
			     m = (uint16_t)((m + 1) & PT_MPPE_CC_MASK))
				if ((m & 0xff) == 0xff)
					ossl_next_key(s);
			if ((cc & 0xff) == 0xff) {
				ossl_next_key(s);
				RC4_set_key(&s->ork, (int)s->keylen, s->key);
			} else if (r->hdr & PT_MPPE_BIT_A)
				RC4_set_key(&s->ork, (int)s->keylen, s->key);
			s->last_cc = cc;
		}
		buf[0] = r->c0;
		buf[1] = r->c1;
		RC4(&s->ork, r->len, buf, buf);
		*ok += (unsigned long long)plain_ok(r, buf);
	}
	t0 = now_s() - t0;
	for (size_t i = 0; i < nst; i++)
		st[i].started = 0;
	return t0;
}
#endif

int main(int argc, char **argv)
{
	unsigned long long ok = 0, bytes = 0;
	double t, cpu = 0;

	if (argc != 3) {
		fputs("usage: cryptofloor CAPTURE KEYLOG   (KEYLOG from pptp-gencap --keylog)\n", stderr);
		return 2;
	}
	if (pt_crypto_init() != PT_OK)
		return 2;
	load(argv[1], argv[2]);
	t = run_gcrypt(&ok, &bytes, &cpu);
	printf("packets=%zu bytes=%llu streams=%zu gcrypt_s=%.6f gcrypt_cpu_s=%.6f gcrypt_ok=%llu", nrec, bytes, nst, t, cpu, ok);
#ifdef BENCH_OPENSSL
	ok = 0;
	t = run_openssl(&ok);
	printf(" openssl_s=%.6f openssl_ok=%llu", t, ok);
#endif
	putchar('\n');
	free(recs);
	free(st);
	return 0;
}
