/* dedup.c: frames duplicated by the capture itself, found by content within a short window (see dedup.h). */
#include <string.h>

#include "dedup.h"

void pa_dedup_init(pa_dedup *d)
{
	memset(d, 0, sizeof *d);
}

/*
 * The slot and a fingerprint of a datagram: its length and its first PA_DEDUP_HASHED octets (an IPv4 header with
 * its Identification and checksum, then the GRE header with its sequence number or the TCP ports and numbers),
 * eight octets at a time.  Equality is decided by the full comparison below; the fingerprint only spares it.
 */
static uint64_t fingerprint(const uint8_t *p, size_t n, size_t len)
{
	uint64_t h = ((uint64_t)len + 1) * 0x9e3779b97f4a7c15u, w;
	size_t i = 0, m = n < PA_DEDUP_HASHED ? n : PA_DEDUP_HASHED;

	for (; i + 8 <= m; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
	}
	for (; i < m; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h ^ (h >> 29);
}

uint64_t pa_dedup_check(pa_dedup *d, const uint8_t *l3, size_t len, int64_t ts_us, uint64_t pkt)
{
	size_t n = len < PA_DEDUP_KEEP ? len : PA_DEDUP_KEEP;
	uint64_t fp = fingerprint(l3, n, len);
	pa_dedup_slot *s = &d->slot[fp >> (64 - PA_DEDUP_SLOT_BITS)];

	if (s->pkt && s->fp == fp && s->len == len && s->n == n && ts_us >= s->ts_us &&
	    ts_us - s->ts_us < PA_DEDUP_WINDOW_US && memcmp(s->head, l3, n) == 0) {
		if (!d->first_dup)
			d->first_dup = pkt;
		d->dups++;
		return s->pkt;
	}
	s->fp = fp;
	s->ts_us = ts_us;
	s->pkt = pkt;
	s->len = (uint32_t)len;
	s->n = (uint8_t)n;
	if (n == PA_DEDUP_KEEP)
		memcpy(s->head, l3, PA_DEDUP_KEEP); /* the usual case, a fixed size: no call */
	else
		memcpy(s->head, l3, n);
	return 0;
}
