/* tcp.c: control-connection commands: handshake, messages, raw bytes, and TCP faults (split, loss, reordering, duplicates). */
#include <stdlib.h>
#include <string.h>

#include "ip.h"
#include "mkcap.h"

#define TH_FIN PT_TH_FIN
#define TH_SYN PT_TH_SYN
#define TH_RST PT_TH_RST
#define TH_PSH PT_TH_PSH
#define TH_ACK PT_TH_ACK

typedef struct segopt {
	size_t split[16];  /* segment sizes, the last one repeating (none: up to the MSS) */
	int nsplit;
	uint64_t drop, dup, hold;  /* bit i-1 for segment i */
	int defer;
} segopt;

/* "10" or "6,150,20": segment sizes in order, the last one repeating */
static void split_sizes(mk_line *l, mk_tok *t, segopt *o)
{
	char *s = t->val;

	if (o->nsplit)
		mk_die(l, t->col, "split given twice");
	while (*s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);
		if (end == s || v < 1 || v > 65000 || (*end && *end != ','))
			mk_die(l, t->vcol + (int)(s - t->val), "segment size 1..65000 expected (split 10 or split 6,150)");
		if (o->nsplit == 16)
			mk_die(l, t->vcol + (int)(s - t->val), "at most 16 segment sizes");
		o->split[o->nsplit++] = v;
		s = *end ? end + 1 : end;
	}
}

static void keep(const mk_line *l, mk_seg *q, int *n, uint32_t seq, uint8_t flags, const uint8_t *data, size_t len)
{
	mk_seg *s;
	if (*n == MK_MAXSEG)
		mk_die(l, 1, "too many held or lost segments (at most %d)", MK_MAXSEG);
	s = &q[(*n)++];
	s->data = malloc(len ? len : 1);
	if (!s->data)
		mk_fatal("out of memory");
	memcpy(s->data, data, len);
	s->len = len;
	s->seq = seq;
	s->flags = flags;
}

static void flush_queue(mk *m, const mk_line *l, mk_conn *c, int side, mk_seg *q, int *n, int count)
{
	int k = count < 0 || count > *n ? *n : count;
	for (int i = 0; i < k; i++) {
		mk_tcp_segment(m, l, c, side, q[i].seq, q[i].flags, q[i].data, q[i].len, 0);
		free(q[i].data);
	}
	memmove(q, q + k, (size_t)(*n - k) * sizeof *q);
	*n -= k;
}

static void send_opt(mk *m, mk_line *l, mk_conn *c, int side, const segopt *o, const uint8_t *data, size_t len)
{
	mk_tcpdir *d = &c->d[side];
	uint8_t *all;
	size_t total, mss = c->h[side].v6 ? 1440 : 1460, step, nseg;

	total = d->ndefer + len;
	all = malloc(total ? total : 1);
	if (!all)
		mk_fatal("out of memory");
	if (d->ndefer)
		memcpy(all, d->defer, d->ndefer);
	if (len)
		memcpy(all + d->ndefer, data, len);
	free(d->defer);
	d->defer = NULL;
	d->ndefer = 0;
	if (o->defer) {
		d->defer = all;
		d->ndefer = total;
		return;
	}
	nseg = 0;
	for (size_t off = 0; off < total; nseg++) {
		step = o->nsplit ? o->split[nseg < (size_t)o->nsplit ? nseg : (size_t)o->nsplit - 1] : mss;
		off += step;
	}
	if (nseg > 64 && (o->drop | o->dup | o->hold) != 0 && (o->drop | o->dup | o->hold) != ~(uint64_t)0)
		mk_die(l, 1, "segment faults apply to the first 64 segments only");
	for (size_t i = 0, off = 0; off < total; i++, off += step) {
		size_t n;
		step = o->nsplit ? o->split[i < (size_t)o->nsplit ? i : (size_t)o->nsplit - 1] : mss;
		n = total - off < step ? total - off : step;
		uint64_t bit = i < 64 ? (uint64_t)1 << i : 0;
		uint8_t fl = (uint8_t)(TH_ACK | (off + n == total ? TH_PSH : 0));
		uint32_t seq = d->nxt;
		int all_bits;
		d->nxt += (uint32_t)n;
		all_bits = i >= 64;
		if ((o->hold & bit) || (all_bits && o->hold == ~(uint64_t)0)) {
			keep(l, d->held, &d->nheld, seq, fl, all + off, n);
		} else if ((o->drop & bit) || (all_bits && o->drop == ~(uint64_t)0)) {
			keep(l, d->lost, &d->nlost, seq, fl, all + off, n);
		} else {
			mk_tcp_segment(m, l, c, side, seq, fl, all + off, n, 0);
			if ((o->dup & bit) || (all_bits && o->dup == ~(uint64_t)0))
				mk_tcp_segment(m, l, c, side, seq, fl, all + off, n, 0);
		}
	}
	free(all);
}

/* Byte-level mutations any built unit accepts: trunc=N, pad=N (zeros), append=HEX, patch=OFFSET:HEX. */
size_t mk_mutate(mk_line *l, uint8_t *buf, size_t len, size_t cap)
{
	mk_tok *t;

	if ((t = mk_kv(l, "patch")) != NULL) {
		char *colon = strchr(t->val, ':');
		mk_tok num = *t, hx = *t;
		uint32_t off;
		uint8_t tmp[4096];
		size_t n;
		if (!colon)
			mk_die(l, t->vcol, "patch=OFFSET:HEX expected");
		*colon = '\0';
		num.vlen = (size_t)(colon - t->val);
		off = mk_num(l, &num, (uint32_t)cap);
		hx.val = colon + 1;
		hx.vlen = t->vlen - num.vlen - 1;
		hx.vcol = t->vcol + (int)num.vlen + 1;
		n = mk_hex(l, &hx, tmp, sizeof tmp);
		if (off + n > cap)
			mk_die(l, t->vcol, "patch goes past the buffer");
		memcpy(buf + off, tmp, n);
		if (off + n > len)
			len = off + n;
	}
	if ((t = mk_kv(l, "append")) != NULL) {
		size_t n = mk_hex(l, t, buf + len, cap - len);
		len += n;
	}
	if ((t = mk_kv(l, "pad")) != NULL) {
		uint32_t n = mk_num(l, t, (uint32_t)(cap - len));
		memset(buf + len, 0, n);
		len += n;
	}
	if ((t = mk_kv(l, "trunc")) != NULL) {
		uint32_t n = mk_num(l, t, 65535);
		if (n < len)
			len = n;
	}
	return len;
}

void mk_conn_cmd(mk *m, mk_line *l, mk_conn *c, int side)
{
	mk_tok *t = mk_need(l, "command (handshake, syn, a message name, raw, ack, fin, rst, release, retransmit)");
	const char *w = t->quoted ? "" : t->val;
	segopt o;
	uint8_t *buf = m->scratch + 32768; /* half of scratch: segments are built in the first half */
	size_t cap = sizeof m->scratch - 32768, len;
	mk_tok *sp;

	if (!strcmp(w, "handshake")) {
		uint32_t rtt = mk_kv_num(l, "rtt_us", 200, 10000000);
		int s = side < 0 ? MK_PNS : side;
		mk_done(l);
		c->d[s].nxt = c->d[s].isn;
		c->d[!s].nxt = c->d[!s].isn;
		mk_tcp_segment(m, l, c, s, c->d[s].nxt, TH_SYN, NULL, 0, 1);
		c->d[s].nxt++;
		m->t_us += rtt / 2;
		mk_tcp_segment(m, l, c, !s, c->d[!s].nxt, TH_SYN | TH_ACK, NULL, 0, 1);
		c->d[!s].nxt++;
		m->t_us += rtt / 2;
		mk_tcp_segment(m, l, c, s, c->d[s].nxt, TH_ACK, NULL, 0, 0);
		return;
	}
	if (side < 0)
		mk_die(l, t->col, "pns or pac expected before '%s'", t->val);
	if (!strcmp(w, "syn")) {
		/* one SYN (with MSS) from the given side; repeated, it is a retransmission with the same ISN
		 * (RFC 9293 3.8.1): a connection attempt nobody answers, or one refused with `pac rst seq=0` */
		mk_done(l);
		c->d[side].nxt = c->d[side].isn;
		mk_tcp_segment(m, l, c, side, c->d[side].nxt, TH_SYN, NULL, 0, 1);
		c->d[side].nxt++;
		return;
	}
	if (!strcmp(w, "ack") || !strcmp(w, "fin") || !strcmp(w, "rst")) {
		uint8_t fl = w[0] == 'a' ? TH_ACK : w[0] == 'f' ? (TH_FIN | TH_ACK) : (TH_RST | TH_ACK);
		mk_tok *sq = mk_kv(l, "seq");
		uint32_t seq = sq ? mk_num(l, sq, 0xffffffffu) : c->d[side].nxt;
		mk_done(l);
		mk_tcp_segment(m, l, c, side, seq, fl, NULL, 0, 0);
		if (fl & TH_FIN)
			c->d[side].nxt++;
		return;
	}
	if (!strcmp(w, "release") || !strcmp(w, "retransmit")) {
		mk_tok *n = mk_next(l);
		int count = n ? (int)mk_num(l, n, MK_MAXSEG) : -1;
		mk_done(l);
		if (w[1] == 'e' && w[2] == 'l')
			flush_queue(m, l, c, side, c->d[side].held, &c->d[side].nheld, count);
		else
			flush_queue(m, l, c, side, c->d[side].lost, &c->d[side].nlost, count);
		return;
	}
	/* segment modifiers, then what to send */
	memset(&o, 0, sizeof o);
	l->pos--;
	t->used = 0;
	for (;;) {
		mk_tok *p = mk_peek(l);
		if (!p || p->quoted)
			break;
		if (!strcmp(p->val, "split")) {
			mk_next(l);
			split_sizes(l, mk_need(l, "segment sizes after split (10 or 6,150)"), &o);
		} else if (!strcmp(p->val, "defer")) {
			mk_next(l);
			o.defer = 1;
		} else if (!strcmp(p->val, "drop") || !strcmp(p->val, "dup") || !strcmp(p->val, "hold")) {
			/* bare: every segment of this message */
			mk_next(l);
			*(p->val[1] == 'r' ? &o.drop : p->val[1] == 'u' ? &o.dup : &o.hold) = ~(uint64_t)0;
		} else {
			break;
		}
	}
	o.drop |= mk_kv_list(l, "drop", "segment");
	o.dup |= mk_kv_list(l, "dup", "segment");
	o.hold |= mk_kv_list(l, "hold", "segment");
	if ((sp = mk_kv(l, "split")) != NULL)
		split_sizes(l, sp, &o);
	t = mk_need(l, "message name or raw");
	if (!t->quoted && !strcmp(t->val, "raw")) {
		mk_tok *h = mk_need(l, "hex \"...\" or \"text\" after raw");
		if (!h->quoted && !strcmp(h->val, "hex")) {
			h = mk_need(l, "quoted hex string");
			len = mk_hex(l, h, buf, cap);
		} else if (h->quoted) {
			if (h->vlen > cap)
				mk_die(l, h->col, "string too long");
			memcpy(buf, h->val, h->vlen);
			len = h->vlen;
		} else {
			mk_die(l, h->col, "hex \"...\" or \"text\" expected after raw");
		}
	} else if (!t->quoted && mk_ctrl_is_msg(t->val)) {
		len = mk_ctrl_build(m, l, t->val, buf, cap);
	} else {
		mk_die(l, t->col, "unknown control-connection command '%s'", t->val);
	}
	len = mk_mutate(l, buf, len, cap);
	mk_done(l);
	send_opt(m, l, c, side, &o, buf, len);
}
