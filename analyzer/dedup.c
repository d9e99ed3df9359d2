/* dedup.c: frames duplicated by the capture itself, found by content within a short window (see dedup.h). */
#include <string.h>

#include "dedup.h"

void pa_dedup_init(pa_dedup *d)
{
	memset(d, 0, sizeof *d);
}

static unsigned slot_of(const uint8_t *p, size_t n, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)len;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return (h ^ (h >> 16)) % PA_DEDUP_SLOTS;
}

uint64_t pa_dedup_check(pa_dedup *d, const uint8_t *l3, size_t len, int64_t ts_us, uint64_t pkt)
{
	size_t n = len < PA_DEDUP_KEEP ? len : PA_DEDUP_KEEP;
	pa_dedup_slot *s = &d->slot[slot_of(l3, n, len)];

	if (s->pkt && s->len == len && s->n == n && ts_us >= s->ts_us && ts_us - s->ts_us < PA_DEDUP_WINDOW_US &&
	    memcmp(s->head, l3, n) == 0) {
		if (!d->first_dup)
			d->first_dup = pkt;
		d->dups++;
		return s->pkt;
	}
	s->ts_us = ts_us;
	s->pkt = pkt;
	s->len = (uint32_t)len;
	s->n = (uint8_t)n;
	memcpy(s->head, l3, n);
	return 0;
}
