/* tcpreasm.c: TCP stream reassembly for captured connections, per RFC 9293 (3.4 sequence numbers mod 2^32, 3.5 handshake, 3.6 close). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpreasm.h"

enum conn_state { C_FREE = 0, C_OPEN, C_IGNORED, C_CLOSED };

#define PT_TCP_MAX_SEGMENT ((size_t)1 << 24)

typedef struct seq_range {
	uint32_t s, e;   /* [s, e) */
} seq_range;

/*
 * One direction.  buf holds the bytes from sequence number base on:
 *   [base, cons)  consumed, kept (up to PT_TCP_HISTORY) to check retransmissions against
 *   [cons, nxt)   in order, offered to the consumer, not consumed yet
 *   r[]           islands beyond nxt that arrived out of order
 */
typedef struct half {
	int started;       /* base/cons/nxt are meaningful */
	int syn;
	uint32_t isn;
	uint32_t origin;   /* relative sequence numbers in findings count from here (first data byte = 1) */
	uint32_t base, cons, nxt;
	uint8_t *buf;
	size_t cap;
	seq_range *r;
	unsigned nr, rcap;
	int fin, fin_done;
	uint32_t fin_seq;
	int acked_valid;
	uint32_t acked;    /* highest ACK the peer sent for this direction's bytes */
} half;

struct pt_tcp_conn {
	int state;
	uint32_t hash, next_in_bucket, newer, older;   /* slot index + 1; newer/older: LRU order */
	void *user_conn;
	half h[2];
	pt_tcp_conn_info info;
};

typedef struct pt_tcp_conn conn;

/* What every internal step needs. */
typedef struct ctx {
	pt_tcp *t;
	conn *c;
	const pt_sink *sink;
	const pt_where *at;
} ctx;

static const char *const dir_name[2] = { "client->server", "server->client" };

/* RFC 9293 3.4: sequence numbers compare modulo 2^32. */
static int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static uint32_t smax(uint32_t a, uint32_t b)
{
	return sdiff(a, b) >= 0 ? a : b;
}

static uint32_t smin(uint32_t a, uint32_t b)
{
	return sdiff(a, b) <= 0 ? a : b;
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* ---- table ---- */

int pt_tcp_init(pt_tcp *t, const pt_tcp_ops *ops, void *user, size_t max_conns, size_t max_buffered_per_dir)
{
	memset(t, 0, sizeof *t);
	t->ops = ops;
	t->user = user;
	t->max_conns = max_conns ? max_conns : PT_TCP_MAX_CONNS;
	if (t->max_conns > 0x7FFFFFFF)
		t->max_conns = 0x7FFFFFFF;
	t->max_buf = max_buffered_per_dir ? max_buffered_per_dir : PT_TCP_MAX_BUFFERED;
	if (t->max_buf < PT_TCP_MIN_BUFFERED)
		t->max_buf = PT_TCP_MIN_BUFFERED;
	if (t->max_buf > 0x40000000)
		t->max_buf = 0x40000000;   /* far below 2^31: serial comparisons stay valid inside a buffer */
	t->nbucket = pow2_at_least(t->max_conns * 2);
	t->conn = calloc(t->max_conns, sizeof *t->conn);
	t->bucket = calloc(t->nbucket, sizeof *t->bucket);
	if (!t->conn || !t->bucket) {
		free(t->conn);
		free(t->bucket);
		memset(t, 0, sizeof *t);
		return PT_ENOMEM;
	}
	for (size_t i = 0; i < t->max_conns; i++)
		t->conn[i].next_in_bucket = i + 1 < t->max_conns ? (uint32_t)(i + 2) : 0;
	t->free_head = 1;
	return PT_OK;
}

static conn *at_idx(const pt_tcp *t, uint32_t idx1)
{
	return idx1 ? &t->conn[idx1 - 1] : NULL;
}

static uint32_t idx_of(const pt_tcp *t, const conn *c)
{
	return (uint32_t)(c - t->conn) + 1;
}

static void free_half(pt_tcp *t, half *h)
{
	free(h->buf);
	free(h->r);
	t->st.buffered -= h->cap;
	memset(h, 0, sizeof *h);
}

void pt_tcp_destroy(pt_tcp *t)
{
	if (!t->conn)
		return;
	for (size_t i = 0; i < t->max_conns; i++) {
		free_half(t, &t->conn[i].h[0]);
		free_half(t, &t->conn[i].h[1]);
	}
	free(t->conn);
	free(t->bucket);
	memset(t, 0, sizeof *t);
}

/* The hash does not depend on which side sent the segment. */
static uint32_t tuple_hash(const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb, int family)
{
	uint32_t h = 2166136261u;
	int swap = memcmp(a, b, 16);
	const uint8_t *x = a, *y = b;
	uint16_t px = pa, py = pb;
	uint8_t ports[5];

	if (swap > 0 || (swap == 0 && pa > pb)) {
		x = b;
		y = a;
		px = pb;
		py = pa;
	}
	for (int i = 0; i < 16; i++)
		h = (h ^ x[i]) * 16777619u;
	for (int i = 0; i < 16; i++)
		h = (h ^ y[i]) * 16777619u;
	ports[0] = (uint8_t)(px >> 8);
	ports[1] = (uint8_t)px;
	ports[2] = (uint8_t)(py >> 8);
	ports[3] = (uint8_t)py;
	ports[4] = (uint8_t)family;
	for (int i = 0; i < 5; i++)
		h = (h ^ ports[i]) * 16777619u;
	return h;
}

static conn *lookup(pt_tcp *t, const pt_ip *ip, const pt_tcp_hdr *th, uint32_t h, int *dir)
{
	for (conn *c = at_idx(t, t->bucket[h & (t->nbucket - 1)]); c; c = at_idx(t, c->next_in_bucket)) {
		const pt_tcp_key *k = &c->info.key;
		if (c->hash != h || k->family != ip->version)
			continue;
		if (k->port[0] == th->sport && k->port[1] == th->dport && memcmp(k->addr[0], ip->src, 16) == 0 &&
		    memcmp(k->addr[1], ip->dst, 16) == 0) {
			*dir = 0;
			return c;
		}
		if (k->port[1] == th->sport && k->port[0] == th->dport && memcmp(k->addr[1], ip->src, 16) == 0 &&
		    memcmp(k->addr[0], ip->dst, 16) == 0) {
			*dir = 1;
			return c;
		}
	}
	return NULL;
}

static void lru_unlink(pt_tcp *t, conn *c)
{
	if (c->newer)
		at_idx(t, c->newer)->older = c->older;
	else
		t->mru = c->older;
	if (c->older)
		at_idx(t, c->older)->newer = c->newer;
	else
		t->lru = c->newer;
	c->newer = c->older = 0;
}

static void lru_front(pt_tcp *t, conn *c)
{
	uint32_t me = idx_of(t, c);

	if (t->mru == me)
		return;
	lru_unlink(t, c);
	c->older = t->mru;
	if (t->mru)
		at_idx(t, t->mru)->newer = me;
	t->mru = me;
	if (!t->lru)
		t->lru = me;
}

static void free_slot(pt_tcp *t, conn *c)
{
	uint32_t me = idx_of(t, c), *pp = &t->bucket[c->hash & (t->nbucket - 1)];

	while (*pp != me)
		pp = &at_idx(t, *pp)->next_in_bucket;
	*pp = c->next_in_bucket;
	lru_unlink(t, c);
	free_half(t, &c->h[0]);
	free_half(t, &c->h[1]);
	memset(c, 0, sizeof *c);
	c->next_in_bucket = t->free_head;
	t->free_head = me;
	t->live--;
}

/* ---- one direction's buffer ---- */

static uint32_t held_end(const half *h)
{
	return h->nr ? h->r[h->nr - 1].e : h->nxt;
}

static uint32_t rel(const half *h, uint32_t seq)
{
	return seq - h->origin;
}

static void start_half(half *h, uint32_t seq)
{
	h->started = 1;
	h->base = h->cons = h->nxt = seq;
	h->origin = seq - 1;
}

/* Move buf so that it starts at sequence number nb (>= base; bytes before it are dropped, nb may lie past them all). */
static void rebase(half *h, uint32_t nb)
{
	uint32_t he = held_end(h);
	size_t drop = nb - h->base, keep = sdiff(he, nb) > 0 ? he - nb : 0;

	if (drop && keep && h->buf)
		memmove(h->buf, h->buf + drop, keep);
	h->base = nb;
}

static int grow(pt_tcp *t, half *h, size_t need)
{
	size_t nc = h->cap ? h->cap : 2048;
	uint8_t *nb;

	if (need <= h->cap)
		return PT_OK;
	while (nc < need)
		nc *= 2;
	if (nc > t->max_buf)
		nc = t->max_buf;
	nb = realloc(h->buf, nc);
	if (!nb)
		return PT_ENOMEM;
	t->st.buffered += nc - h->cap;
	if (t->st.buffered > t->st.peak_buffered)
		t->st.peak_buffered = t->st.buffered;
	h->buf = nb;
	h->cap = nc;
	return PT_OK;
}

/* Give memory back when a direction goes quiet after a burst. */
static void shrink(pt_tcp *t, half *h)
{
	size_t used = held_end(h) - h->base, nc = 2048;
	uint8_t *nb;

	if (h->cap <= 4 * PT_TCP_HISTORY || used > PT_TCP_HISTORY)
		return;
	while (nc < used)
		nc *= 2;
	nb = realloc(h->buf, nc);
	if (!nb)
		return;
	t->st.buffered -= h->cap - nc;
	h->buf = nb;
	h->cap = nc;
}

/* Pop islands that now touch nxt. */
static void advance(half *h)
{
	unsigned k = 0;

	while (k < h->nr && sdiff(h->r[k].s, h->nxt) <= 0) {
		h->nxt = smax(h->nxt, h->r[k].e);
		k++;
	}
	if (k) {
		memmove(h->r, h->r + k, (h->nr - k) * sizeof *h->r);
		h->nr -= k;
	}
}

static void deliver(ctx *x, int d)
{
	pt_tcp *t = x->t;
	conn *c = x->c;
	half *h = &c->h[d];

	while (h->cons != h->nxt) {
		size_t avail = h->nxt - h->cons, n;
		if (!t->ops->on_data || !c->user_conn) {
			h->cons = h->nxt;
			break;
		}
		n = t->ops->on_data(t->user, c->user_conn, d, h->buf + (h->cons - h->base), avail, x->at);
		if (n > avail)
			n = avail;
		if (n == 0)
			break;
		h->cons += (uint32_t)n;
	}
	/* keep PT_TCP_HISTORY consumed bytes; trim in batches */
	if (h->cons - h->base > 2 * PT_TCP_HISTORY)
		rebase(h, h->cons - PT_TCP_HISTORY);
	shrink(t, h);
}

static void gap_cb(ctx *x, int d, uint32_t missing)
{
	if (x->t->ops->on_gap && x->c->user_conn)
		x->t->ops->on_gap(x->t->user, x->c->user_conn, d, missing, x->at);
}

/* Skip the hole at nxt up to `to`, then pull in the islands that follow. */
static void skip_hole(ctx *x, int d, uint32_t to, const char *why)
{
	half *h = &x->c->h[d];
	uint32_t missing = to - h->nxt;

	x->c->info.gaps[d]++;
	x->c->info.gap_bytes[d] += missing;
	pt_report(x->sink, PT_R_CAP_TCP_GAP, x->at, "%s: %u bytes missing at relative seq %u (%s)", dir_name[d],
		  (unsigned)missing, (unsigned)rel(h, h->nxt), why);
	gap_cb(x, d, missing);
	/* bytes offered before the hole belong to a unit that can no longer complete */
	h->nxt = to;
	rebase(h, to);
	h->cons = to;
	advance(h);
}

/* The consumer holds more than the buffer allows: drop what it left. */
static void drop_unconsumed(ctx *x, int d)
{
	half *h = &x->c->h[d];
	uint32_t n = h->nxt - h->cons;

	x->c->info.dropped[d] += n;
	pt_report(x->sink, PT_R_CAP_TCP_GAP, x->at, "%s: %u bytes offered but not consumed dropped at relative seq %u "
		  "(buffer limit %zu bytes)", dir_name[d], (unsigned)n, (unsigned)rel(h, h->cons), x->t->max_buf);
	gap_cb(x, d, 0);
	rebase(h, h->nxt);
	h->cons = h->nxt;
}

/* Would [s, e) need a new island when the island list is full? */
static int needs_new_range(const half *h, uint32_t s, uint32_t e)
{
	if (sdiff(s, h->nxt) <= 0)
		return 0;
	for (unsigned i = 0; i < h->nr; i++)
		if (sdiff(s, h->r[i].e) <= 0 && sdiff(h->r[i].s, e) <= 0)
			return 0;
	return 1;
}

static int add_range(half *h, uint32_t s, uint32_t e)
{
	unsigned i = 0, j;

	/* merge with every island [s, e) overlaps or touches */
	while (i < h->nr && sdiff(h->r[i].e, s) < 0)
		i++;
	j = i;
	while (j < h->nr && sdiff(h->r[j].s, e) <= 0) {
		s = smin(s, h->r[j].s);
		e = smax(e, h->r[j].e);
		j++;
	}
	if (j == i) {
		if (h->nr == h->rcap) {
			unsigned nc = h->rcap ? h->rcap * 2 : 4;
			seq_range *nr;
			if (nc > PT_TCP_MAX_RANGES)
				nc = PT_TCP_MAX_RANGES;
			if (h->nr == nc)
				return PT_ENOMEM;
			nr = realloc(h->r, nc * sizeof *nr);
			if (!nr)
				return PT_ENOMEM;
			h->r = nr;
			h->rcap = nc;
		}
		memmove(h->r + i + 1, h->r + i, (h->nr - i) * sizeof *h->r);
		h->nr++;
	} else if (j > i + 1) {
		memmove(h->r + i + 1, h->r + j, (h->nr - j) * sizeof *h->r);
		h->nr -= j - i - 1;
	}
	h->r[i].s = s;
	h->r[i].e = e;
	return PT_OK;
}

/* Compare [s, e) of the segment (starting at seq) with what buf holds there; returns differing bytes. */
static uint32_t compare_held(const half *h, uint32_t seq, const uint8_t *p, uint32_t s, uint32_t e)
{
	uint32_t diff = 0;
	pt_cursor pc = pt_cur(p, e - seq);
	const uint8_t *mine = NULL;

	/* only bytes inside what buf holds, [base, held end), whatever the caller asks */
	if (sdiff(e, s) <= 0 || !h->buf || (uint32_t)(s - h->base) >= (uint32_t)(held_end(h) - h->base) ||
	    (uint32_t)(e - h->base) > (uint32_t)(held_end(h) - h->base))
		return 0;
	if (pt_skip(&pc, s - seq) != PT_OK || pt_get_bytes(&pc, e - s, &mine) != PT_OK)
		return 0;
	for (uint32_t i = 0; i < e - s; i++)
		diff += h->buf[s - h->base + i] != mine[i];
	return diff;
}

static void copy_in(half *h, uint32_t seq, const uint8_t *p, uint32_t s, uint32_t e)
{
	pt_cursor pc = pt_cur(p, e - seq);

	if (sdiff(e, s) <= 0)
		return;
	(void)pt_skip(&pc, s - seq);
	(void)pt_copy(&pc, h->buf + (s - h->base), e - s);
}

/*
 * Place the segment's bytes [seq, seq + len): the part before nxt is compared
 * with what is still held, the rest is stored (first copy wins where islands
 * already cover it).  Makes room first, skipping holes when the buffer or the
 * island list is full.
 */
static int place(ctx *x, int d, uint32_t seq, const uint8_t *p, uint32_t len)
{
	conn *c = x->c;
	half *h = &c->h[d];
	uint32_t end = seq + len, diff = 0, fresh = 0, s;
	int ahead = sdiff(seq, h->nxt) > 0, rc;

	if (h->fin && sdiff(end, h->fin_seq) > 0) {
		end = sdiff(seq, h->fin_seq) < 0 ? h->fin_seq : seq;   /* nothing counts after the FIN */
		len = end - seq;
		if (!len)
			return PT_OK;
	}
	/* room: everything from base to end must fit, and a new island needs a free slot */
	for (;;) {
		int full_ranges = h->nr == PT_TCP_MAX_RANGES && needs_new_range(h, smax(seq, h->nxt), end);
		int too_far = (size_t)(end - h->base) > x->t->max_buf;
		if (sdiff(end, h->nxt) <= 0 || (!too_far && !full_ranges))
			break;
		if (too_far && h->cons != h->base) {
			rebase(h, h->cons);   /* history goes first */
		} else if (h->nr || sdiff(seq, h->nxt) > 0) {
			skip_hole(x, d, h->nr ? h->r[0].s : seq,
				  too_far ? "buffer limit reached" : "too many out-of-order islands");
			deliver(x, d);
		} else if (h->cons != h->nxt) {
			drop_unconsumed(x, d);
		} else {
			return PT_ENOMEM;   /* a segment larger than the buffer: cannot happen, max_buf >= 64 KiB */
		}
	}
	if (sdiff(end, h->nxt) <= 0) {
		/* all old: a retransmission; compare with what is still held */
		diff = compare_held(h, seq, p, smax(seq, h->base), end);
		c->info.retrans[d]++;
		goto check;
	}
	if ((rc = grow(x->t, h, end - h->base)) != PT_OK)
		return rc;
	s = seq;
	if (sdiff(s, h->nxt) < 0) {
		diff += compare_held(h, seq, p, smax(s, h->base), h->nxt);
		s = h->nxt;
	}
	/* islands: compare where they cover, copy where they do not */
	{
		uint32_t pos = s;
		for (unsigned i = 0; i < h->nr && sdiff(h->r[i].s, end) < 0; i++) {
			const seq_range *r = &h->r[i];
			if (sdiff(r->e, pos) <= 0)
				continue;
			if (sdiff(r->s, pos) > 0) {
				copy_in(h, seq, p, pos, r->s);
				fresh += r->s - pos;
			}
			diff += compare_held(h, seq, p, smax(pos, r->s), smin(end, r->e));
			pos = smin(end, r->e);
		}
		if (sdiff(end, pos) > 0) {
			copy_in(h, seq, p, pos, end);
			fresh += end - pos;
		}
	}
	if (sdiff(s, h->nxt) == 0) {
		h->nxt = end;
		advance(h);
	} else if ((rc = add_range(h, s, end)) != PT_OK) {
		return rc;
	}
	c->info.bytes[d] += fresh;
	if (ahead)
		c->info.out_of_order[d]++;
	if (!fresh)
		c->info.retrans[d]++;
	else if (fresh < len)
		c->info.overlaps[d]++;
check:
	if (diff) {
		c->info.mismatches[d]++;
		pt_report(x->sink, PT_R_CAP_TCP_OVERLAP_MISMATCH, x->at,
			  "%s: %u of %u retransmitted bytes at relative seq %u differ from the first copy (first copy kept)",
			  dir_name[d], (unsigned)diff, (unsigned)len, (unsigned)rel(h, seq));
	}
	return PT_OK;
}

/* The peer acknowledged bytes beyond a hole: the capture lost them, they will not come again. */
static void skip_acked_holes(ctx *x, int d)
{
	half *h = &x->c->h[d];

	while (h->started && h->acked_valid && h->nr && sdiff(h->acked, h->r[0].s) >= 0 &&
	       sdiff(h->acked, h->nxt) <= PT_TCP_MAX_WINDOW) {
		skip_hole(x, d, h->r[0].s, "acknowledged by the peer, lost by the capture");
		deliver(x, d);
	}
}

/* Deliver whatever is held, skipping every hole (end of capture, eviction, reset). */
static void flush(ctx *x, int d, const char *why)
{
	half *h = &x->c->h[d];

	if (!h->started)
		return;
	deliver(x, d);
	while (h->nr) {
		skip_hole(x, d, h->r[0].s, why);
		deliver(x, d);
	}
}

static void close_conn(ctx *x, int how, int dir, const char *why)
{
	pt_tcp *t = x->t;
	conn *c = x->c;

	flush(x, 0, why);
	flush(x, 1, why);
	if (t->ops->on_close && c->user_conn)
		t->ops->on_close(t->user, c->user_conn, how, dir, x->at);
	switch (how) {
	case PT_TCP_FIN:
		t->st.closed_fin++;
		break;
	case PT_TCP_RST:
		t->st.closed_rst++;
		break;
	case PT_TCP_EVICTED:
		break;
	case PT_TCP_EOF:
		t->st.eof++;
		break;
	}
	c->user_conn = NULL;
	free_half(t, &c->h[0]);
	free_half(t, &c->h[1]);
	c->state = C_CLOSED;
}

/* ---- connections ---- */

static conn *take_slot(pt_tcp *t, const pt_sink *sink, const pt_where *at)
{
	conn *victim = NULL;

	if (t->free_head) {
		conn *c = at_idx(t, t->free_head);
		t->free_head = c->next_in_bucket;
		c->next_in_bucket = 0;
		return c;
	}
	/* prefer a connection nobody follows any more, oldest first */
	for (conn *c = at_idx(t, t->lru); c; c = at_idx(t, c->newer))
		if (c->state != C_OPEN) {
			victim = c;
			break;
		}
	if (!victim) {
		ctx x = { t, at_idx(t, t->lru), sink, at };
		char a[PT_IP_ADDRSTRLEN], b[PT_IP_ADDRSTRLEN];
		const pt_tcp_key *k = &x.c->info.key;
		victim = x.c;
		t->st.evicted++;
		t->cur = victim;
		pt_report(sink, PT_R_CAP_TCP_EVICTED, at, "%zu connections open: dropped %s:%u > %s:%u, idle since packet %llu",
			  t->max_conns, pt_ip_addr_str(k->addr[0], a, sizeof a), k->port[0],
			  pt_ip_addr_str(k->addr[1], b, sizeof b), k->port[1], (unsigned long long)x.c->info.last_pkt);
		close_conn(&x, PT_TCP_EVICTED, -1, "connection evicted");
		t->cur = NULL;
	}
	free_slot(t, victim);
	return take_slot(t, sink, at);
}

/* Is this SYN the one that opened c (a copy, or one captured after its SYN-ACK)? */
static int same_syn(const conn *c, int d, uint32_t seq)
{
	const half *h = &c->h[0];

	if (d != 0 || !h->started)
		return 0;
	return (h->syn ? h->isn : h->origin) == seq;
}

static int client_is_src(const pt_tcp_hdr *th)
{
	uint8_t f = th->flags;

	if ((f & PT_TH_SYN) && !(f & PT_TH_ACK))
		return 1;
	if ((f & PT_TH_SYN) && (f & PT_TH_ACK))
		return 0;
	/* mid-stream: the server is the PPTP side, else the lower (well-known) port */
	if (th->dport == PT_TCP_PPTP_PORT)
		return 1;
	if (th->sport == PT_TCP_PPTP_PORT)
		return 0;
	return th->sport >= th->dport;
}

static conn *open_conn(pt_tcp *t, const pt_ip *ip, const pt_tcp_hdr *th, uint32_t h, int *dir,
		       const pt_sink *sink, const pt_where *at)
{
	conn *c = take_slot(t, sink, at);
	uint32_t me = idx_of(t, c), *b;
	int cs = client_is_src(th);
	pt_tcp_key *k = &c->info.key;

	memset(c, 0, sizeof *c);
	c->state = C_OPEN;
	c->hash = h;
	k->family = ip->version;
	memcpy(k->addr[cs ? 0 : 1], ip->src, 16);
	memcpy(k->addr[cs ? 1 : 0], ip->dst, 16);
	k->port[cs ? 0 : 1] = th->sport;
	k->port[cs ? 1 : 0] = th->dport;
	c->info.rst_from = -1;
	c->info.first_fin = -1;
	c->info.midstream = !(th->flags & PT_TH_SYN);
	c->info.first_pkt = at ? at->pkt : 0;
	c->info.first_ts = at ? at->ts_us : 0;
	b = &t->bucket[h & (t->nbucket - 1)];
	c->next_in_bucket = *b;
	*b = me;
	c->older = t->mru;
	if (t->mru)
		at_idx(t, t->mru)->newer = me;
	t->mru = me;
	if (!t->lru)
		t->lru = me;
	t->live++;
	if (t->live > t->st.peak_conns)
		t->st.peak_conns = t->live;
	*dir = cs ? 0 : 1;

	t->cur = c;
	c->user_conn = t->ops->on_open ? t->ops->on_open(t->user, k, c->info.midstream, at) : NULL;
	t->cur = NULL;
	if (!c->user_conn) {
		c->state = C_IGNORED;
		t->st.ignored++;
		return c;
	}
	t->st.opened++;
	if (c->info.midstream) {
		char a[PT_IP_ADDRSTRLEN], bb[PT_IP_ADDRSTRLEN];
		t->st.midstream++;
		pt_report(sink, PT_R_CAP_TCP_MIDSTREAM, at, "%s:%u > %s:%u: no SYN seen, joined mid-stream",
			  pt_ip_addr_str(k->addr[0], a, sizeof a), k->port[0], pt_ip_addr_str(k->addr[1], bb, sizeof bb),
			  k->port[1]);
	}
	return c;
}

int pt_tcp_segment(pt_tcp *t, const pt_ip *ip, const pt_tcp_hdr *th, const uint8_t *payload, size_t len,
		   const pt_sink *sink, const pt_where *at)
{
	uint8_t f = th->flags;
	int syn = !!(f & PT_TH_SYN), ack = !!(f & PT_TH_ACK), rst = !!(f & PT_TH_RST), fin = !!(f & PT_TH_FIN);
	uint32_t hsh, seq;
	size_t wire;
	int d = 0, rc = PT_OK;
	conn *c;
	half *h;
	ctx x;

	if (!t->conn)
		return PT_ESTATE;
	if (len > PT_TCP_MAX_SEGMENT)
		len = PT_TCP_MAX_SEGMENT;   /* IP carries at most 64 KiB; offload and hostile callers get no more than this */
	wire = len;
	/* a segment cut by the snapshot length still ends where its IP header says */
	if (ip->truncated && ip->total_len >= (uint32_t)ip->hdr_len + th->hlen &&
	    ip->total_len - ip->hdr_len - th->hlen > len)
		wire = ip->total_len - ip->hdr_len - th->hlen;
	hsh = tuple_hash(ip->src, th->sport, ip->dst, th->dport, ip->version);
	c = lookup(t, ip, th, hsh, &d);

	/* RFC 9293 3.5: a SYN (not a copy of the one seen) on a live 4-tuple starts a new connection. */
	if (c && c->state == C_OPEN && syn && !ack && !same_syn(c, d, th->seq)) {
		char a[PT_IP_ADDRSTRLEN], b[PT_IP_ADDRSTRLEN];
		x = (ctx){ t, c, sink, at };
		t->st.reused++;
		pt_report(sink, PT_R_CAP_TCP_PORT_REUSE, at, "%s:%u > %s:%u: new SYN, closing the connection from packet %llu",
			  pt_ip_addr_str(ip->src, a, sizeof a), th->sport, pt_ip_addr_str(ip->dst, b, sizeof b), th->dport,
			  (unsigned long long)c->info.first_pkt);
		t->cur = c;
		close_conn(&x, PT_TCP_EVICTED, -1, "4-tuple reused");
		t->cur = NULL;
	}
	if (c && c->state != C_OPEN) {
		if (!(syn && !ack)) {
			/* late segments of a closed or ignored connection: only a fresh SYN restarts the 4-tuple */
			lru_front(t, c);
			return PT_OK;
		}
		free_slot(t, c);
		c = NULL;
	}
	if (!c) {
		if (rst || (!syn && wire == 0))
			return PT_OK;   /* nothing to start a stream from */
		c = open_conn(t, ip, th, hsh, &d, sink, at);
	}
	lru_front(t, c);
	if (c->state != C_OPEN)
		return PT_OK;

	x = (ctx){ t, c, sink, at };
	t->cur = c;
	h = &c->h[d];
	c->info.last_pkt = at ? at->pkt : 0;
	c->info.last_ts = at ? at->ts_us : 0;
	c->info.segments[d]++;
	seq = th->seq;

	if (syn) {
		if (!h->started) {
			h->syn = 1;
			h->isn = seq;
			start_half(h, seq + 1);
		} else if (h->syn && h->isn == seq && len == 0) {
			c->info.retrans[d]++;
		}
		if (d == 0 && !ack)
			c->info.syn = 1;
		if (d == 1 && ack)
			c->info.synack = 1;
		if (d == 1 && ack && !c->h[0].started) {
			/* SYN-ACK without the SYN: the client's next byte is what it acknowledges */
			start_half(&c->h[0], th->ack);
		}
		seq++;
	}
	if (ack) {
		half *peer = &c->h[1 - d];
		if (d == 0 && c->info.synack)
			c->info.ack = 1;
		if (!peer->acked_valid || sdiff(th->ack, peer->acked) > 0) {
			peer->acked_valid = 1;
			peer->acked = th->ack;
		}
	}
	if (rst) {
		/* RFC 9293 3.5.2: a reset answering a SYN means nobody listens */
		if (d == 1 && c->info.syn && !c->info.synack)
			c->info.refused = 1;
		c->info.rst_from = d;
		close_conn(&x, PT_TCP_RST, d, "connection reset");
		goto out;
	}
	if (wire || fin) {
		if (!h->started) {
			start_half(h, seq);
			if (c->info.midstream)
				gap_cb(&x, d, 0);
		}
		/* RFC 7323 2.3: no window exceeds 2^30; farther off it is another stream's or a forged segment */
		if (sdiff(seq, h->nxt) > PT_TCP_MAX_WINDOW || sdiff(seq, h->nxt) < -PT_TCP_MAX_WINDOW) {
			c->info.out_of_window[d]++;
			goto deliver;
		}
		if (len && (rc = place(&x, d, seq, payload, (uint32_t)len)) != PT_OK)
			goto out;
		if (wire > len && h->nxt == seq + (uint32_t)len) {
			uint32_t to = seq + (uint32_t)wire;
			if (h->nr && sdiff(h->r[0].s, to) < 0)
				to = h->r[0].s;   /* bytes already held from a later copy stay */
			deliver(&x, d);   /* what was captured first, then the hole */
			skip_hole(&x, d, to, "cut by the capture's snapshot length");
		}
		if (fin && !h->fin) {
			h->fin = 1;
			if (c->info.first_fin < 0)
				c->info.first_fin = d;
			h->fin_seq = seq + (uint32_t)wire;
		}
	}
deliver:
	for (int k = 0; k < 2; k++) {
		half *hk = &c->h[k];
		skip_acked_holes(&x, k);
		if (hk->started)
			deliver(&x, k);
		/* RFC 9293 3.6: the FIN occupies the sequence number after the last data byte */
		if (hk->fin && !hk->fin_done && hk->nxt == hk->fin_seq) {
			hk->fin_done = 1;
			c->info.fin[k] = 1;
		}
	}
	if (c->h[0].fin_done && c->h[1].fin_done)
		close_conn(&x, PT_TCP_FIN, d, "closed");
out:
	t->cur = NULL;
	return rc;
}

void pt_tcp_finish(pt_tcp *t, const pt_sink *sink, const pt_where *at)
{
	if (!t->conn)
		return;
	for (conn *c = at_idx(t, t->lru); c; c = at_idx(t, c->newer)) {
		ctx x = { t, c, sink, at };
		if (c->state != C_OPEN)
			continue;
		t->cur = c;
		close_conn(&x, PT_TCP_EOF, -1, "end of capture");
		t->cur = NULL;
	}
}

const pt_tcp_conn_info *pt_tcp_info(const pt_tcp *t, void *conn_ptr)
{
	if (!conn_ptr || !t->conn)
		return NULL;
	if (t->cur && t->cur->user_conn == conn_ptr)
		return &t->cur->info;
	for (size_t i = 0; i < t->max_conns; i++)
		if (t->conn[i].state == C_OPEN && t->conn[i].user_conn == conn_ptr)
			return &t->conn[i].info;
	return NULL;
}
