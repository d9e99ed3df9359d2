/* ipdefrag.c: IPv4 (RFC 791 3.2) and IPv6 (RFC 8200 4.5, RFC 5722) fragment reassembly keyed in a bounded hash table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipdefrag.h"

typedef struct frag_range {
	uint32_t off, end;   /* [off, end) of the datagram's fragmentable part */
} frag_range;

struct pt_frag_dgram {
	int used, dead;                /* dead: dropped, absorbs its late fragments until the timeout */
	int version;
	uint8_t src[16], dst[16];
	uint8_t proto;                 /* part of the key for IPv4 only */
	uint32_t id;
	uint32_t hash;
	uint32_t next_in_bucket, older, newer;   /* slot index + 1 */
	int64_t first_ts;
	uint64_t first_pkt;
	uint8_t *buf;
	size_t cap;                    /* bytes of buf, counted in d->bytes */
	frag_range *fr;
	unsigned nfr, frcap;           /* sorted by off, never overlapping */
	uint32_t total;                /* end of the last fragment, once seen */
	int have_last, have_first;
	uint32_t received;
	pt_ip first;                   /* header of the offset-0 fragment, payload pointer cleared */
};

typedef struct pt_frag_dgram dgram;

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

int pt_defrag_init(pt_defrag *d, size_t max_datagrams, size_t max_bytes, int64_t timeout_us)
{
	memset(d, 0, sizeof *d);
	d->max_dgrams = max_datagrams ? max_datagrams : PT_DEFRAG_MAX_DGRAMS;
	if (d->max_dgrams > 0x7FFFFFFF)
		d->max_dgrams = 0x7FFFFFFF;
	d->max_bytes = max_bytes ? max_bytes : PT_DEFRAG_MAX_BYTES;
	if (d->max_bytes < PT_DEFRAG_MIN_BYTES)
		d->max_bytes = PT_DEFRAG_MIN_BYTES;
	d->timeout_us = timeout_us > 0 ? timeout_us : PT_DEFRAG_TIMEOUT_US;
	d->nbucket = pow2_at_least(d->max_dgrams * 2);
	d->slot = calloc(d->max_dgrams, sizeof *d->slot);
	d->bucket = calloc(d->nbucket, sizeof *d->bucket);
	if (!d->slot || !d->bucket) {
		free(d->slot);
		free(d->bucket);
		memset(d, 0, sizeof *d);
		return PT_ENOMEM;
	}
	for (size_t i = 0; i < d->max_dgrams; i++)
		d->slot[i].next_in_bucket = i + 1 < d->max_dgrams ? (uint32_t)(i + 2) : 0;
	d->free_head = 1;
	return PT_OK;
}

static dgram *at_idx(pt_defrag *d, uint32_t idx1)
{
	return idx1 ? &d->slot[idx1 - 1] : NULL;
}

static uint32_t idx_of(const pt_defrag *d, const dgram *g)
{
	return (uint32_t)(g - d->slot) + 1;
}

static uint32_t key_hash(const pt_ip *ip)
{
	/* FNV-1a over the key fields */
	uint32_t h = 2166136261u;
	uint8_t tail[6];

	for (int i = 0; i < 16; i++)
		h = (h ^ ip->src[i]) * 16777619u;
	for (int i = 0; i < 16; i++)
		h = (h ^ ip->dst[i]) * 16777619u;
	tail[0] = (uint8_t)(ip->frag_id >> 24);
	tail[1] = (uint8_t)(ip->frag_id >> 16);
	tail[2] = (uint8_t)(ip->frag_id >> 8);
	tail[3] = (uint8_t)ip->frag_id;
	tail[4] = ip->version == 4 ? ip->proto : 0;
	tail[5] = (uint8_t)ip->version;
	for (int i = 0; i < 6; i++)
		h = (h ^ tail[i]) * 16777619u;
	return h;
}

static int key_match(const dgram *g, const pt_ip *ip)
{
	return g->version == ip->version && g->id == ip->frag_id && (ip->version == 6 || g->proto == ip->proto) &&
	       memcmp(g->src, ip->src, 16) == 0 && memcmp(g->dst, ip->dst, 16) == 0;
}

static dgram *lookup(pt_defrag *d, const pt_ip *ip, uint32_t h)
{
	for (dgram *g = at_idx(d, d->bucket[h & (d->nbucket - 1)]); g; g = at_idx(d, g->next_in_bucket))
		if (g->hash == h && key_match(g, ip))
			return g;
	return NULL;
}

static void release_data(pt_defrag *d, dgram *g)
{
	free(g->buf);
	free(g->fr);
	d->bytes -= g->cap;
	g->buf = NULL;
	g->fr = NULL;
	g->cap = 0;
	g->nfr = g->frcap = 0;
}

static void free_slot(pt_defrag *d, dgram *g)
{
	uint32_t me = idx_of(d, g), *pp = &d->bucket[g->hash & (d->nbucket - 1)];

	while (*pp != me)
		pp = &at_idx(d, *pp)->next_in_bucket;
	*pp = g->next_in_bucket;
	if (g->older)
		at_idx(d, g->older)->newer = g->newer;
	else
		d->oldest = g->newer;
	if (g->newer)
		at_idx(d, g->newer)->older = g->older;
	else
		d->newest = g->older;
	release_data(d, g);
	memset(g, 0, sizeof *g);
	g->next_in_bucket = d->free_head;
	d->free_head = me;
	d->live--;
}

static void describe(const dgram *g, char *buf, size_t n)
{
	char s[PT_IP_ADDRSTRLEN], t[PT_IP_ADDRSTRLEN], tot[16];

	if (g->have_last)
		snprintf(tot, sizeof tot, "%u", (unsigned)g->total);
	else
		snprintf(tot, sizeof tot, "?");
	snprintf(buf, n, "IPv%d %s > %s id 0x%x%s: %u fragments, %u of %s bytes", g->version,
		 pt_ip_addr_str(g->src, s, sizeof s), pt_ip_addr_str(g->dst, t, sizeof t), (unsigned)g->id,
		 g->version == 4 && g->proto == PT_IPPROTO_GRE ? " (GRE)" :
		 g->version == 4 && g->proto == PT_IPPROTO_TCP ? " (TCP)" : "",
		 g->nfr, (unsigned)g->received, tot);
}

/* A finding about a whole datagram sits at its first fragment's packet. */
static pt_where where_of(const dgram *g, const pt_where *at)
{
	pt_where w;

	if (at)
		w = *at;
	else {
		memset(&w, 0, sizeof w);
		w.call = -1;
		w.dir = PT_DIR_UNKNOWN;
	}
	w.pkt = g->first_pkt;
	w.ts_us = g->first_ts;
	return w;
}

static void report_incomplete(pt_defrag *d, dgram *g, const char *why, const pt_sink *sink, const pt_where *at)
{
	char desc[200];
	pt_where w = where_of(g, at);

	if (g->dead)
		return;
	d->st.timeouts++;
	describe(g, desc, sizeof desc);
	pt_report(sink, PT_R_CAP_FRAG_TIMEOUT, &w, "%s, %s", desc, why);
}

void pt_defrag_expire(pt_defrag *d, const pt_sink *sink, const pt_where *at)
{
	int64_t now = at ? at->ts_us : 0;
	dgram *g;

	/* RFC 791 3.2: the reassembly timer runs from the first fragment; the oldest is first in the list. */
	while ((g = at_idx(d, d->oldest)) && now - g->first_ts > d->timeout_us) {
		char why[64];
		snprintf(why, sizeof why, "not completed within %lld s", (long long)(d->timeout_us / 1000000));
		report_incomplete(d, g, why, sink, at);
		free_slot(d, g);
	}
}

void pt_defrag_finish(pt_defrag *d, const pt_sink *sink, const pt_where *at)
{
	dgram *g;

	while ((g = at_idx(d, d->oldest))) {
		report_incomplete(d, g, "not completed by the end of the capture", sink, at);
		free_slot(d, g);
	}
	free(d->out);
	d->out = NULL;
}

void pt_defrag_destroy(pt_defrag *d)
{
	if (!d->slot)
		return;
	for (size_t i = 0; i < d->max_dgrams; i++)
		if (d->slot[i].used)
			release_data(d, &d->slot[i]);
	free(d->slot);
	free(d->bucket);
	free(d->out);
	memset(d, 0, sizeof *d);
}

/* Drop a datagram for a limit; silent when it was already dead. */
static void evict(pt_defrag *d, dgram *g, const char *why, const pt_sink *sink, const pt_where *at)
{
	if (!g->dead) {
		char desc[200];
		pt_where w = where_of(g, at);
		d->st.evicted++;
		describe(g, desc, sizeof desc);
		pt_report(sink, PT_R_CAP_FRAG_EVICTED, &w, "%s dropped: %s", desc, why);
	}
	free_slot(d, g);
}

static dgram *create(pt_defrag *d, const pt_ip *ip, uint32_t h, const pt_sink *sink, const pt_where *at)
{
	dgram *g;
	uint32_t me, *b;

	if (!d->free_head) {
		char why[80];
		snprintf(why, sizeof why, "%zu datagrams in flight", d->max_dgrams);
		evict(d, at_idx(d, d->oldest), why, sink, at);
	}
	me = d->free_head;
	g = at_idx(d, me);
	d->free_head = g->next_in_bucket;
	memset(g, 0, sizeof *g);
	g->used = 1;
	g->version = ip->version;
	memcpy(g->src, ip->src, 16);
	memcpy(g->dst, ip->dst, 16);
	g->proto = ip->version == 4 ? ip->proto : 0;
	g->id = ip->frag_id;
	g->hash = h;
	g->first_ts = at ? at->ts_us : 0;
	g->first_pkt = at ? at->pkt : 0;
	b = &d->bucket[h & (d->nbucket - 1)];
	g->next_in_bucket = *b;
	*b = me;
	g->older = d->newest;
	if (d->newest)
		at_idx(d, d->newest)->newer = me;
	else
		d->oldest = me;
	d->newest = me;
	d->live++;
	return g;
}

/* Kill a datagram but keep its key so late fragments do not start a new one. */
static void mark_dead(pt_defrag *d, dgram *g)
{
	release_data(d, g);
	g->dead = 1;
}

static int make_room(pt_defrag *d, dgram *g, size_t want, const pt_sink *sink, const pt_where *at)
{
	size_t newcap, grow;

	if (want <= g->cap)
		return PT_OK;
	newcap = (want + 2047) & ~(size_t)2047;
	if (newcap > PT_DEFRAG_MAX_LEN + 1)
		newcap = PT_DEFRAG_MAX_LEN + 1;
	grow = newcap - g->cap;
	while (d->bytes + grow > d->max_bytes) {
		dgram *old = at_idx(d, d->oldest);
		char why[80];
		if (old == g)
			old = at_idx(d, g->newer);
		if (!old)
			return PT_ENOMEM;   /* cannot happen: max_bytes >= one whole datagram */
		snprintf(why, sizeof why, "%zu bytes held for reassembly", d->max_bytes);
		evict(d, old, why, sink, at);
	}
	{
		uint8_t *nb = realloc(g->buf, newcap);
		if (!nb)
			return PT_ENOMEM;
		g->buf = nb;
	}
	d->bytes += grow;
	g->cap = newcap;
	if (d->bytes > d->st.peak_bytes)
		d->st.peak_bytes = d->bytes;
	return PT_OK;
}

static int add_range(dgram *g, uint32_t off, uint32_t end)
{
	unsigned i;

	if (g->nfr == g->frcap) {
		unsigned nc = g->frcap ? g->frcap * 2 : 8;
		frag_range *n;
		if (nc > PT_DEFRAG_MAX_FRAGS)
			nc = PT_DEFRAG_MAX_FRAGS;
		n = realloc(g->fr, nc * sizeof *n);
		if (!n)
			return PT_ENOMEM;
		g->fr = n;
		g->frcap = nc;
	}
	for (i = g->nfr; i > 0 && g->fr[i - 1].off > off; i--)
		g->fr[i] = g->fr[i - 1];
	g->fr[i].off = off;
	g->fr[i].end = end;
	g->nfr++;
	return PT_OK;
}

/* The datagram is whole: hand its buffer out. */
static int complete(pt_defrag *d, dgram *g, pt_ip *out, const pt_sink *sink, const pt_where *at)
{
	pt_cursor c = pt_cur(g->buf, g->total);
	uint8_t nh = g->first.proto;
	unsigned count = 1;

	*out = g->first;
	out->is_fragment = 0;
	out->frag_off = 0;
	out->frag_mf = 0;
	out->truncated = 0;
	out->trailer = 0;
	out->reassembled = 1;
	out->nfrags = g->nfr;
	if (g->version == 6) {
		/* RFC 8200 4.5: headers after the Fragment header belong to the fragmentable part. */
		int rc = pt_ip6_skip_ext(&c, &nh, 0, &count);
		if (rc != PT_OK) {
			char desc[200];
			pt_where w = where_of(g, at);
			describe(g, desc, sizeof desc);
			pt_report(sink, PT_R_CAP_IPV6_MALFORMED, &w, "reassembled %s: bad extension header chain", desc);
			d->st.invalid++;
			free_slot(d, g);
			return PT_EINVAL;
		}
	}
	out->proto = nh;
	out->hdr_len = (uint16_t)(g->first.hdr_len + pt_off(&c));
	out->total_len = g->first.hdr_len + g->total - (g->version == 6 ? PT_IPV6_FRAG_HDR_LEN : 0);
	out->payload_off = g->first.payload_off + pt_off(&c);
	out->payload = c.p;
	out->payload_len = pt_left(&c);
	free(d->out);
	d->out = g->buf;
	d->bytes -= g->cap;
	g->buf = NULL;
	g->cap = 0;
	d->st.completed++;
	free_slot(d, g);
	return PT_DEFRAG_DONE;
}

static void frag_report(int rule, const pt_ip *frag, const pt_sink *sink, const pt_where *at, const char *why)
{
	char s[PT_IP_ADDRSTRLEN], t[PT_IP_ADDRSTRLEN];

	pt_report(sink, rule, at, "IPv%d %s > %s id 0x%x fragment at offset %u, %zu bytes: %s", frag->version,
		  pt_ip_addr_str(frag->src, s, sizeof s), pt_ip_addr_str(frag->dst, t, sizeof t), (unsigned)frag->frag_id,
		  (unsigned)frag->frag_off, frag->payload_len, why);
}

static int refuse(pt_defrag *d, int rule, const pt_ip *frag, const pt_sink *sink, const pt_where *at, const char *why)
{
	d->st.invalid++;
	frag_report(rule, frag, sink, at, why);
	return PT_EINVAL;
}

int pt_defrag_add(pt_defrag *d, const pt_ip *frag, pt_ip *out, const pt_sink *sink, const pt_where *at)
{
	uint32_t off = frag->frag_off, end, h, limit;
	size_t len = frag->payload_len;
	dgram *g;
	int rc;

	free(d->out);   /* the previous datagram's buffer is valid only until this call */
	d->out = NULL;
	d->st.fragments++;
	pt_defrag_expire(d, sink, at);
	if (!frag->is_fragment || !d->slot)
		return PT_EINVAL;
	if (frag->truncated)
		return PT_ETRUNC;
	if (len == 0)
		return refuse(d, PT_R_CAP_FRAG_BAD_LENGTH, frag, sink, at, "empty fragment");
	/* RFC 8200 4.5 (and RFC 791 3.2): all but the last fragment carry a multiple of 8 octets. */
	if (frag->frag_mf && len % 8)
		return refuse(d, PT_R_CAP_FRAG_BAD_LENGTH, frag, sink, at, "not the last, yet not a multiple of 8 bytes");
	/* RFC 8200 4.5: the reassembled packet may not exceed 65535 octets; RFC 791: total length is 16 bits. */
	limit = frag->version == 4 ? PT_DEFRAG_MAX_LEN - frag->hdr_len
				   : PT_DEFRAG_MAX_LEN - (frag->hdr_len - PT_IPV6_HDR_LEN - PT_IPV6_FRAG_HDR_LEN);
	if (len > limit || off > limit - len)
		return refuse(d, PT_R_CAP_FRAG_TOO_BIG, frag, sink, at, "the datagram would exceed 65535 bytes");
	end = off + (uint32_t)len;

	h = key_hash(frag);
	g = lookup(d, frag, h);
	if (!g)
		g = create(d, frag, h, sink, at);
	if (g->dead)
		return PT_ESTATE;

	/* Where the datagram ends must be the same for every fragment. */
	if ((!frag->frag_mf && g->have_last && end != g->total) || (!frag->frag_mf && g->nfr && g->fr[g->nfr - 1].end > end) ||
	    (frag->frag_mf && g->have_last && end > g->total)) {
		char why[96];
		snprintf(why, sizeof why, "ends at %u, but the datagram ends at %u", (unsigned)end,
			 (unsigned)(g->have_last ? g->total : g->fr[g->nfr - 1].end));
		refuse(d, PT_R_CAP_FRAG_INCONSISTENT, frag, sink, at, why);
		mark_dead(d, g);
		return PT_EINVAL;
	}

	for (unsigned i = 0; i < g->nfr; i++) {
		const frag_range *r = &g->fr[i];
		uint32_t lo, hi;
		pt_cursor pc;
		const uint8_t *mine = NULL;
		int same;

		if (!(off < r->end && r->off < end))
			continue;
		lo = off > r->off ? off : r->off;
		hi = end < r->end ? end : r->end;
		pc = pt_cur(frag->payload, len);
		(void)pt_skip(&pc, lo - off);
		(void)pt_get_bytes(&pc, hi - lo, &mine);
		same = memcmp(g->buf + lo, mine, hi - lo) == 0;
		if (same && r->off == off && r->end == end && (frag->frag_mf || !g->have_last || g->total == end)) {
			char s[PT_IP_ADDRSTRLEN], t[PT_IP_ADDRSTRLEN];
			d->st.duplicates++;
			pt_report(sink, PT_R_CAP_FRAG_DUPLICATE, at, "IPv%d %s > %s id 0x%x: fragment at offset %u, %zu bytes, again",
				  frag->version, pt_ip_addr_str(frag->src, s, sizeof s), pt_ip_addr_str(frag->dst, t, sizeof t),
				  (unsigned)frag->frag_id, (unsigned)off, len);
			return PT_DEFRAG_HELD;
		}
		/* RFC 5722 4 / RFC 8200 4.5: any other overlap discards the whole datagram. */
		{
			char why[128];
			snprintf(why, sizeof why, "overlaps [%u, %u) already held, over %u bytes with %s data: datagram dropped",
				 (unsigned)r->off, (unsigned)r->end, (unsigned)(hi - lo), same ? "the same" : "different");
			frag_report(PT_R_CAP_FRAG_OVERLAP, frag, sink, at, why);
			d->st.overlaps++;
			mark_dead(d, g);
			return PT_EINVAL;
		}
	}

	if (g->nfr == PT_DEFRAG_MAX_FRAGS) {
		char why[64];
		snprintf(why, sizeof why, "more than %d fragments", PT_DEFRAG_MAX_FRAGS);
		evict(d, g, why, sink, at);
		return PT_ENOMEM;
	}
	if ((rc = make_room(d, g, end, sink, at)) != PT_OK || (rc = add_range(g, off, end)) != PT_OK) {
		evict(d, g, "out of memory", sink, at);
		return PT_ENOMEM;
	}
	{
		pt_cursor pc = pt_cur(frag->payload, len);
		(void)pt_copy(&pc, g->buf + off, len);
	}
	g->received += (uint32_t)len;
	if (off == 0) {
		g->have_first = 1;
		g->first = *frag;
		g->first.payload = NULL;
		g->first.payload_len = 0;
		g->first.opt = NULL;   /* points into a packet that will be gone */
	}
	if (!frag->frag_mf) {
		g->have_last = 1;
		g->total = end;
	}
	if (g->have_first && g->have_last && g->received == g->total)
		return complete(d, g, out, sink, at);
	return PT_DEFRAG_HELD;
}
