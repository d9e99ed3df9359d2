/* seeds.c: seed corpora for every harness, cut out of capture files (libpcap) in each harness's input format (see the fuzz_*.c headers). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "cp.h"
#include "gre.h"
#include "ip.h"
#include "link.h"
#include "ppp.h"
#include "pptp.h"

/*
 * seeds OUTDIR CAPTURE...: writes OUTDIR/NAME/<hash> files.  Whole-stream
 * seeds (one per capture) are capped in size; single-unit seeds (one
 * control packet, one authentication packet) are named by their content's
 * hash, so duplicates across captures collapse into one file.
 */

#define SEQ_MAX (48 * 1024)   /* a stream seed stops growing here */

typedef struct buf {
	uint8_t *p;
	size_t len, cap;
} buf;

static void put(buf *b, const void *src, size_t n)
{
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap : 4096;
		while (nc < b->len + n)
			nc *= 2;
		b->p = realloc(b->p, nc);
		if (!b->p) {
			perror("seeds");
			exit(2);
		}
		b->cap = nc;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void put8(buf *b, unsigned v)
{
	uint8_t x = (uint8_t)v;
	put(b, &x, 1);
}

static void put16(buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void put32(buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void chunk(buf *b, const uint8_t *p, size_t n)
{
	if (n > 65535)
		n = 65535;
	put16(b, (unsigned)n);
	put(b, p, n);
}

static const char *outdir;

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void write_seed(const char *harness, const char *name, const uint8_t *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", outdir, harness);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		perror(path);
		exit(2);
	}
	if (name)
		snprintf(path, sizeof path, "%s/%s/%s", outdir, harness, name);
	else
		snprintf(path, sizeof path, "%s/%s/%016llx", outdir, harness, (unsigned long long)fnv(p, n));
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

/* One stream seed per capture and harness. */
enum { S_PPTP, S_TCP, S_DEFRAG, S_GRE, S_PPP, S_MPPE, S_MPPC, S_TUNNEL, S__N };
static const char *const sname[S__N] = { "pptp", "tcpreasm", "ipdefrag", "gre", "ppp", "mppe", "mppc", "tunnel" };

typedef struct conn {
	uint8_t cli[16], srv[16];
	uint16_t cport;
	int used;
	uint32_t next[2];   /* next sequence number per direction, for the tcpreasm deltas */
	int have[2];
} conn;

typedef struct cap_state {
	buf s[S__N];
	conn c[4];
	int64_t last_ts;
	uint8_t pns[16];
	int have_pns;
} cap_state;

static int room(const buf *b) { return b->len < SEQ_MAX; }

static int find_conn(cap_state *st, const pt_ip *ip, const pt_tcp_hdr *th, int *dir, int create)
{
	int from_srv = th->sport == PT_PPTP_TCP_PORT;
	const uint8_t *cli = from_srv ? ip->dst : ip->src, *srv = from_srv ? ip->src : ip->dst;
	uint16_t cport = from_srv ? th->dport : th->sport;

	*dir = from_srv;
	for (int i = 0; i < 4; i++)
		if (st->c[i].used && st->c[i].cport == cport && !memcmp(st->c[i].cli, cli, 16) &&
		    !memcmp(st->c[i].srv, srv, 16))
			return i;
	if (!create)
		return -1;
	for (int i = 0; i < 4; i++)
		if (!st->c[i].used) {
			memset(&st->c[i], 0, sizeof st->c[i]);
			st->c[i].used = 1;
			memcpy(st->c[i].cli, cli, 16);
			memcpy(st->c[i].srv, srv, 16);
			st->c[i].cport = cport;
			return i;
		}
	return -1;
}

/* tunnel harness time step: high 5 bits of the op octet, in 0.1 s */
static unsigned tstep(cap_state *st, int64_t ts)
{
	int64_t d = st->last_ts ? (ts - st->last_ts) / 100000 : 0;
	st->last_ts = ts;
	return d < 0 ? 0 : d > 31 ? 31 : (unsigned)d;
}

static void on_tcp(cap_state *st, const pt_ip *ip, const pt_tcp_hdr *th, int64_t ts)
{
	int dir, slot, syn = (th->flags & PT_TH_SYN) != 0;

	if (th->sport != PT_PPTP_TCP_PORT && th->dport != PT_PPTP_TCP_PORT)
		return;
	slot = find_conn(st, ip, th, &dir, 1);
	if (slot < 0)
		return;
	if (!st->have_pns) {
		memcpy(st->pns, dir ? ip->dst : ip->src, 16);
		st->have_pns = 1;
	}
	/* pptp: [ctl: sender][chunk] */
	if (th->payload_len && room(&st->s[S_PPTP])) {
		put8(&st->s[S_PPTP], (unsigned)dir);
		chunk(&st->s[S_PPTP], th->payload, th->payload_len);
	}
	/* tcpreasm: [ctl][flags][dseq][dack][chunk], relative to the harness's next numbers */
	if (room(&st->s[S_TCP])) {
		conn *c = &st->c[slot];
		buf *b = &st->s[S_TCP];
		put8(b, (unsigned)slot | (unsigned)dir << 2 | (c->have[dir] ? 0 : 8) | 1u << 5);
		put8(b, th->flags);
		if (c->have[dir])
			put16(b, (uint16_t)(th->seq - c->next[dir]));
		else
			put32(b, th->seq);
		put16(b, c->have[!dir] ? (uint16_t)(th->ack - c->next[!dir]) : 0);
		chunk(b, th->payload, th->payload_len);
		c->next[dir] = th->seq + (uint32_t)th->payload_len + (th->flags & (PT_TH_SYN | PT_TH_FIN) ? 1u : 0u);
		c->have[dir] = 1;
	}
	/* tunnel: OPEN on the SYN (or the first segment), DATA, CLOSE on FIN/RST */
	if (room(&st->s[S_TUNNEL])) {
		buf *b = &st->s[S_TUNNEL];
		unsigned t = tstep(st, ts);
		if (syn && !(th->flags & PT_TH_ACK)) {
			put8(b, 0 | t << 3);
			put8(b, (unsigned)slot | (unsigned)slot << 3);
		}
		if (th->payload_len) {
			put8(b, 1 | (syn ? 0 : t) << 3);
			put8(b, (unsigned)slot | (unsigned)dir << 2);
			chunk(b, th->payload, th->payload_len);
		}
		if (th->flags & (PT_TH_FIN | PT_TH_RST)) {
			put8(b, 3);
			put8(b, (unsigned)slot | (unsigned)dir << 2);
			put8(b, th->flags & PT_TH_RST ? 2 : 1);
		}
	}
}

static void on_ppp(cap_state *st, const uint8_t *p, size_t n, int dir)
{
	pt_cursor c = pt_cur(p, n);
	pt_ppp_frame f;
	int kind;

	if (room(&st->s[S_PPP])) {
		put8(&st->s[S_PPP], (unsigned)dir);
		chunk(&st->s[S_PPP], p, n);
	}
	if (pt_ppp_parse(&c, &f) != PT_OK)
		return;
	kind = pt_cp_kind_of(f.proto);
	if (kind >= 0) {
		static const char *const kn[] = { "lcp", "ccp", "ipcp", "ipv6cp" };
		write_seed(kn[kind], NULL, f.info.p, pt_left(&f.info));
	} else if (f.proto == PT_PPP_PAP) {
		write_seed("pap", NULL, f.info.p, pt_left(&f.info));
	} else if (f.proto == PT_PPP_CHAP) {
		write_seed("chap", NULL, f.info.p, pt_left(&f.info));
		write_seed("mschap", NULL, f.info.p, pt_left(&f.info));
	} else if (f.proto == PT_PPP_COMP && pt_left(&f.info) >= 2) {
		if (room(&st->s[S_MPPE])) {
			put8(&st->s[S_MPPE], (unsigned)dir << 1);   /* never the short buffer */
			chunk(&st->s[S_MPPE], f.info.p, pt_left(&f.info));
		}
		if (room(&st->s[S_MPPC])) {
			put8(&st->s[S_MPPC], (unsigned)(f.info.p[0] & 0xe0));
			chunk(&st->s[S_MPPC], f.info.p + 2, pt_left(&f.info) - 2);
		}
	} else if (f.proto == PT_PPP_IP && room(&st->s[S_MPPC])) {
		/* plaintext for the round trip, and as the round trip of MPPE */
		put8(&st->s[S_MPPC], 1);
		chunk(&st->s[S_MPPC], f.info.p, pt_left(&f.info));
		if (room(&st->s[S_MPPE])) {
			put8(&st->s[S_MPPE], 4);
			chunk(&st->s[S_MPPE], p, n);
		}
	}
}

static void on_gre(cap_state *st, const pt_ip *ip, int64_t ts)
{
	pt_cursor c = pt_cur(ip->payload, ip->payload_len);
	int dir = st->have_pns && memcmp(ip->src, st->pns, 16) != 0;
	pt_gre_hdr h;
	int slot = 0;

	for (int i = 0; i < 4; i++)
		if (st->c[i].used && (!memcmp(st->c[i].cli, ip->src, 16) || !memcmp(st->c[i].cli, ip->dst, 16))) {
			slot = i;
			break;
		}
	if (room(&st->s[S_GRE])) {
		put8(&st->s[S_GRE], (unsigned)dir);
		chunk(&st->s[S_GRE], ip->payload, ip->payload_len);
	}
	if (room(&st->s[S_TUNNEL])) {
		buf *b = &st->s[S_TUNNEL];
		put8(b, 4 | tstep(st, ts) << 3);
		put8(b, (unsigned)dir | (unsigned)slot << 1);
		put16(b, 0);
		chunk(b, ip->payload, ip->payload_len);
	}
	if (pt_gre_parse(&c, &h, NULL, NULL) == PT_OK && h.payload_len)
		on_ppp(st, c.p, pt_left(&c), dir);
}

static void on_ip(cap_state *st, const pt_ip *ip, int64_t ts)
{
	pt_cursor c = pt_cur(ip->payload, ip->payload_len);

	if (ip->proto == PT_IPPROTO_TCP) {
		pt_tcp_hdr th;
		if (pt_tcp_parse(&c, ip, &th, NULL, NULL) == PT_OK)
			on_tcp(st, ip, &th, ts);
	} else if (ip->proto == PT_GRE_IPPROTO) {
		on_gre(st, ip, ts);
	}
}

/* pcapng: SHB, one IDB, EPBs (microsecond timestamps, the IDB default). */
static void ng_block(buf *b, uint32_t type, const buf *body)
{
	uint32_t total = 12 + (uint32_t)((body->len + 3) & ~(size_t)3);
	static const uint8_t pad[4];
	put(b, &type, 4);
	put(b, &total, 4);
	put(b, body->p, body->len);
	put(b, pad, (4 - body->len % 4) % 4);
	put(b, &total, 4);
}

static void le32(buf *b, uint32_t v) { put(b, &v, 4); }
static void le16(buf *b, uint16_t v) { put(b, &v, 2); }

static void do_capture(const char *path)
{
	char ebuf[PCAP_ERRBUF_SIZE], name[512];
	pcap_t *p = pcap_open_offline(path, ebuf);
	struct pcap_pkthdr *h;
	const u_char *d;
	cap_state *st;
	buf ng = { 0 }, body = { 0 };
	const char *base = strrchr(path, '/');
	int dlt, rc;
	FILE *f;

	if (!p) {
		fprintf(stderr, "seeds: %s: %s\n", path, ebuf);
		return;
	}
	base = base ? base + 1 : path;
	dlt = pcap_datalink(p);
	st = calloc(1, sizeof *st);
	if (!st)
		exit(2);
	/* settings octets that open each stream seed */
	put8(&st->s[S_PPTP], 0);
	put8(&st->s[S_TCP], 0);
	put8(&st->s[S_DEFRAG], 0);
	put16(&st->s[S_GRE], 64);
	put16(&st->s[S_GRE], 64);
	put8(&st->s[S_MPPE], 0x06);
	put8(&st->s[S_MPPC], 0);
	put8(&st->s[S_TUNNEL], 0x02);
	/* the pcapng copy */
	body.len = 0;
	le32(&body, 0x1A2B3C4D);
	le16(&body, 1);
	le16(&body, 0);
	le32(&body, 0xffffffff);
	le32(&body, 0xffffffff);
	ng_block(&ng, 0x0A0D0D0A, &body);
	body.len = 0;
	le16(&body, (uint16_t)dlt);
	le16(&body, 0);
	le32(&body, (uint32_t)pcap_snapshot(p));
	ng_block(&ng, 1, &body);
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		pt_cursor c = pt_cur(d, h->caplen);
		pt_link l;
		pt_ip ip;

		if (ng.len < 4 * SEQ_MAX) {
			uint64_t us = (uint64_t)ts;
			body.len = 0;
			le32(&body, 0);
			le32(&body, (uint32_t)(us >> 32));
			le32(&body, (uint32_t)us);
			le32(&body, h->caplen);
			le32(&body, h->len);
			put(&body, d, h->caplen);
			ng_block(&ng, 6, &body);
		}
		if (pt_link_decode(dlt, &c, &l) != PT_OK || (l.l3 != PT_L3_IPV4 && l.l3 != PT_L3_IPV6))
			continue;
		c = pt_cur(d + l.l3_off, h->caplen - l.l3_off);
		if (room(&st->s[S_DEFRAG])) {
			put8(&st->s[S_DEFRAG], 1);
			chunk(&st->s[S_DEFRAG], c.p, pt_left(&c));
		}
		if (pt_ip_parse(&c, &ip, NULL, NULL) != PT_OK || ip.is_fragment)
			continue;
		on_ip(st, &ip, ts);
	}
	pcap_close(p);
	for (int i = 0; i < S__N; i++) {
		if (st->s[i].len > 4)
			write_seed(sname[i], base, st->s[i].p, st->s[i].len);
		free(st->s[i].p);
	}
	snprintf(name, sizeof name, "%s/analyzer/%s", outdir, base);
	if ((f = fopen(path, "rb"))) {
		buf whole = { 0 };
		uint8_t tmp[65536];
		size_t n;
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
			put(&whole, tmp, n);
		fclose(f);
		write_seed("analyzer", base, whole.p, whole.len);
		free(whole.p);
	}
	snprintf(name, sizeof name, "%s.ng", base);
	write_seed("analyzer", name, ng.p, ng.len);
	free(ng.p);
	free(body.p);
	free(st);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: seeds OUTDIR CAPTURE...\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
		perror(outdir);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		do_capture(argv[i]);
	return 0;
}
