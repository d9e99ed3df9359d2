/* main.c: pptp-analyze: capture in, link -> IP -> (defragment) -> TCP 1723 / GRE -> lib/tunnel, reports out. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "capture.h"
#include "color.h"
#include "creds.h"
#include "dedup.h"
#include "fmt.h"
#include "gre.h"
#include "ip.h"
#include "ipdefrag.h"
#include "link.h"
#include "opts.h"
#include "picture.h"
#include "progress.h"
#include "report.h"
#include "tcpreasm.h"
#include "tunnel.h"
#include "verdict.h"
#include "writer.h"
#include "workers.h"

typedef struct pa_run {
	pa_opts *o;
	pt_tunnel *tun;
	pt_tcp tcp;
	pt_defrag defrag;
	pa_findings fs;
	pa_summary sum;
	pt_sink sink;            /* layers below the tunnel (IP, TCP) */
	pa_pcapw *dec;           /* --write-decrypted */
	int decode;
	pt_finding pend[32];      /* --decode: findings of the packet, printed after its lines */
	size_t npend, pend_dropped;
	int64_t t0;
	char name[512];          /* the capture name outlives the capture handle */
	pa_dedup dedup;          /* frames the capture itself duplicated */
	uint8_t offload_n;       /* hosts already reported for checksum offload */
	uint8_t offload_host[16][16];
	const void *mem;         /* pa_main: the capture file's bytes, instead of opening o->file */
	size_t mem_len;
	pa_audit audit;          /* --audit, --wordlist, --password-policy (audit.c) */
	pt_ladder *ladder;       /* --ladder, --svg: the message sequence, fed the decode lines and findings */
	pa_workers *wk;          /* --threads: decryption workers (NULL: decrypting on this thread) */
	int no_fast;             /* PPTP_NO_FASTPATH: every IP header through pt_ip_parse */
	uint64_t ip_fast;        /* outer IPv4 headers ip_v4_quiet took (PPTP_FASTPATH_STATS) */
} pa_run;

static volatile sig_atomic_t stop_now;
static pt_cap *volatile live_cap; /* for the signal handler: pcap_breakloop is meant to be called from one */

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
	if (live_cap)
		pt_cap_break(live_cap);
}

/* ---- findings ---- */

static void print_finding_inline(const pt_finding *f)
{
	const pt_rule *rule = pt_rule_get(f->rule);
	printf("  ! %s %s: %s\n", pt_sev_name(rule->sev), rule->id, f->msg);
}

static void flush_findings(pa_run *r)
{
	for (size_t i = 0; i < r->npend; i++)
		print_finding_inline(&r->pend[i]);
	if (r->pend_dropped)
		printf("  ! ... and %zu more findings\n", r->pend_dropped);
	r->npend = 0;
	r->pend_dropped = 0;
}

/* A finding in its turn (pa_workers: after the results of every packet before it). */
static void finding_now(void *user, const pt_finding *f)
{
	pa_run *r = user;
	int stored = pa_findings_add(&r->fs, f);

	if (r->ladder)
		pt_ladder_finding(r->ladder, f);

	if (r->decode && stored) {
		if (r->npend < sizeof r->pend / sizeof r->pend[0])
			r->pend[r->npend++] = *f;
		else
			r->pend_dropped++;
	}
}

static void on_finding(void *user, const pt_finding *f)
{
	pa_run *r = user;

	if (r->wk && pa_workers_holding(r->wk))
		pa_workers_hold_finding(r->wk, f);
	else
		finding_now(user, f);
}

/* ---- decode lines ---- */

static void on_decode(void *user, const pt_where *at, const char *line)
{
	pa_run *r = user;
	char ts[40], where[32];

	if (r->ladder)
		pt_ladder_decode(r->ladder, at, line);
	if (!r->decode)
		return;
	if (line[0] == ' ') {
		/* a continuation (PPP inside GRE, decrypted frame) */
		printf("%s\n", line);
		return;
	}
	pa_fmt_reltime(at->ts_us, r->t0, ts, sizeof ts);
	if (at->call >= 0)
		snprintf(where, sizeof where, "c%u/%d", at->conn, at->call + 1);
	else
		snprintf(where, sizeof where, "c%u", at->conn);
	printf("%" PRIu64 " %s %s %s %s\n", at->pkt, ts, where, pt_fmt_dir(at->dir), line);
}

static void inner_now(void *user, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len)
{
	pa_run *r = user;
	if (r->dec)
		pa_pcapw_ppp(r->dec, at, proto, data, len);
}

static void on_inner(void *user, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len)
{
	pa_run *r = user;

	if (r->wk && pa_workers_holding(r->wk))
		pa_workers_hold_inner(r->wk, at, proto, data, len);
	else
		inner_now(user, at, proto, data, len);
}

/* ---- decryption workers (--threads) ---- */

static void on_job(void *user, const pt_mppe_job *j)
{
	pa_run *r = user;
	pa_workers_submit(r->wk, j);
}

static void on_sync(void *user, int32_t call)
{
	pa_run *r = user;
	pa_workers_sync(r->wk, call);
}

static void job_apply(void *user, const pt_mppe_job *j)
{
	pa_run *r = user;
	pt_tunnel_job_apply(r->tun, j);
}

static void on_secret(void *user, const pt_where *at, const char *what, const uint8_t *key, size_t len)
{
	pa_run *r = user;
	if (!r->o->show_keys)
		return;
	fprintf(stderr, "pptp-analyze: packet %" PRIu64 ": %s: ", at->pkt, what);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%02x", key[i]);
	fputc('\n', stderr);
}

static void on_auth(void *user, const pt_where *at, const pt_call *k, int authenticator, const pt_auth_msg *m)
{
	pa_run *r = user;
	pa_audit_on_auth(&r->audit, at, k, authenticator, m);
}

/* ---- TCP glue ---- */

static void *tcp_open(void *user, const pt_tcp_key *key, int midstream, const pt_where *at)
{
	pa_run *r = user;
	pt_addr cli, srv;

	pt_addr_from_tcp_key(&cli, key, 0);
	pt_addr_from_tcp_key(&srv, key, 1);
	return pt_tunnel_ctrl_open(r->tun, &cli, &srv, midstream, at);
}

static size_t tcp_data(void *user, void *conn, int dir, const uint8_t *data, size_t len, const pt_where *at)
{
	pa_run *r = user;
	return pt_tunnel_ctrl_data(r->tun, conn, dir, data, len, at);
}

static void tcp_gap(void *user, void *conn, int dir, uint32_t missing, const pt_where *at)
{
	pa_run *r = user;
	pt_tunnel_ctrl_gap(r->tun, conn, dir, missing, at);
}

static void tcp_close(void *user, void *conn, int how, int dir, const pt_where *at)
{
	pa_run *r = user;
	const pt_tcp_conn_info *ci = pt_tcp_info(&r->tcp, conn);
	pt_tcp_facts f;
	int end = how == PT_TCP_FIN ? PT_END_FIN : how == PT_TCP_RST ? PT_END_RST : how == PT_TCP_EOF ? PT_END_EOF
												: PT_END_EVICTED;

	memset(&f, 0, sizeof f);
	if (ci) {
		f.syn = (uint8_t)ci->syn;
		f.synack = (uint8_t)ci->synack;
		f.ack = (uint8_t)ci->ack;
		if (ci->rst_from == 0 || ci->rst_from == 1)
			f.rst_from[ci->rst_from] = 1;
		if (ci->refused)
			f.rst_from[1] = 1;
		f.fin_from[0] = (uint8_t)ci->fin[0];
		f.fin_from[1] = (uint8_t)ci->fin[1];
		f.bytes[0] = ci->bytes[0];
		f.bytes[1] = ci->bytes[1];
		f.gaps[0] = ci->gap_bytes[0];
		f.gaps[1] = ci->gap_bytes[1];
		f.syn_pkt = ci->first_pkt;
		f.syn_ts_us = ci->first_ts;
	}
	/* who closed: the first FIN, not the last one */
	if (how == PT_TCP_FIN && ci && ci->first_fin >= 0)
		dir = ci->first_fin;
	pt_tunnel_ctrl_close(r->tun, conn, end, dir < 0 ? 0 : dir, 0, ci ? &f : NULL, at);
}

static const pt_tcp_ops tcp_ops = { tcp_open, tcp_data, tcp_gap, tcp_close };

/* ---- one packet ---- */

static void ip_addr(pt_addr *a, const pt_ip *ip, int dst)
{
	memset(a, 0, sizeof *a);
	a->family = (uint8_t)ip->version;
	if (ip->version == 6)
		memcpy(a->a, dst ? ip->dst : ip->src, 16);
	else
		memcpy(a->a, (dst ? ip->dst : ip->src) + 12, 4);
}

/* --decode: the TCP segments that open or close a control connection, tcpdump-style flags. */
static void decode_tcp(pa_run *r, const pt_ip *ip, const pt_tcp_hdr *th, const pt_where *at)
{
	char ts[40], s[PT_IP_ADDRSTRLEN], d[PT_IP_ADDRSTRLEN], fl[8];
	size_t n = 0;

	if (th->flags & PT_TH_SYN)
		fl[n++] = 'S';
	if (th->flags & PT_TH_FIN)
		fl[n++] = 'F';
	if (th->flags & PT_TH_RST)
		fl[n++] = 'R';
	if (th->flags & PT_TH_ACK)
		fl[n++] = '.';
	fl[n] = 0;
	pa_fmt_reltime(at->ts_us, r->t0, ts, sizeof ts);
	printf("%" PRIu64 " %s TCP %s.%u > %s.%u [%s] len=%zu\n", at->pkt, ts, pt_ip_addr_str(ip->src, s, sizeof s), th->sport,
	       pt_ip_addr_str(ip->dst, d, sizeof d), th->dport, fl, th->payload_len);
}

static void upper(pa_run *r, const pt_ip *ip, const pt_where *at)
{
	pt_cursor c = pt_cur(ip->payload, ip->payload_len);

	if (ip->proto == 6) {
		pt_tcp_hdr th;
		if (pt_tcp_parse(&c, ip, &th, &r->sink, at) != PT_OK)
			return;
		if (th.sport != PT_TCP_PPTP_PORT && th.dport != PT_TCP_PPTP_PORT)
{
			if (r->audit.on)
				pa_audit_other(&r->audit, ip, th.sport, th.dport, at);
			return;
		}
		r->sum.pptp_packets++;
		if (r->decode && (th.flags & (PT_TH_SYN | PT_TH_FIN | PT_TH_RST)))
			decode_tcp(r, ip, &th, at);
		pt_tcp_segment(&r->tcp, ip, &th, th.payload, th.payload_len, &r->sink, at);
	} else if (ip->proto == PT_GRE_IPPROTO) {
		pt_addr s, d;
		r->sum.pptp_packets++;
		ip_addr(&s, ip, 0);
		ip_addr(&d, ip, 1);
		pt_tunnel_gre(r->tun, &s, &d, c.p, pt_left(&c), ip->total_len > ip->hdr_len ? ip->total_len - ip->hdr_len : 0,
			      at);
	} else if (r->audit.on) {
		/* --audit: what else reaches or leaves the server (UDP ports read as RFC 768 has them) */
		uint16_t sp = 0, dp = 0;
		if (ip->proto == 17 && pt_peek_u16(&c, 0, &sp) == PT_OK)
			(void)pt_peek_u16(&c, 2, &dp);
		pa_audit_other(&r->audit, ip, sp, dp, at);
	}
}

/* Findings of the IP header, held until the header is known (held_ip_fn). */
typedef struct held_ip {
	pt_finding f[8];
	size_t n;
} held_ip;

static void held_ip_fn(void *user, const pt_finding *f)
{
	held_ip *h = user;
	if (h->n < sizeof h->f / sizeof h->f[0])
		h->f[h->n++] = *f;
}

/*
 * A zero IPv4 header checksum is what a host whose NIC computes checksums hands to the capture (checksum
 * offload): once per host as such, instead of a bad checksum on every packet.  Any other wrong value is
 * reported as it is.
 */
static void ip_findings(pa_run *r, held_ip *h, const pt_ip *ip, int parsed)
{
	for (size_t i = 0; i < h->n; i++) {
		pt_finding *f = &h->f[i];
		if (f->rule == PT_R_CAP_IPV4_BAD_CHECKSUM && parsed == PT_OK && ip->version == 4 && ip->csum == 0) {
			size_t j;
			for (j = 0; j < r->offload_n; j++)
				if (memcmp(r->offload_host[j], ip->src, 16) == 0)
					break;
			if (j < r->offload_n)
				continue;
			if (r->offload_n < sizeof r->offload_host / sizeof r->offload_host[0])
				memcpy(r->offload_host[r->offload_n++], ip->src, 16);
			{
				char s[PT_IP_ADDRSTRLEN];
				pt_report(&r->sink, PT_R_CAP_IPV4_CHECKSUM_OFFLOAD, &f->at,
					  "IPv4 header checksum 0 from %s: checksum offload on the capturing host (reported once per host)",
					  pt_ip_addr_str(ip->src, s, sizeof s));
			}
			continue;
		}
		r->sink.fn(r->sink.user, f);
	}
	h->n = 0;
}

/*
 * Which datagrams can be told from their copies by content alone: GRE with a sequence number (RFC 2637 4.1:
 * every data packet has its own), and TCP segments with data whose IPv4 Identification is not 0 (a sender's
 * retransmission gets a new Identification; RFC 6864 lets atomic datagrams keep 0, so those are left alone).
 * Fragments have their own duplicate check in the defragmenter (cap.frag.duplicate).
 */
static int dedup_candidate(const pt_ip *ip)
{
	pt_cursor c = pt_cur(ip->payload, ip->payload_len);
	uint8_t b = 0;

	if (ip->is_fragment)
		return 0;
	if (ip->proto == PT_GRE_IPPROTO)
		return pt_peek_u8(&c, 0, &b) == PT_OK && (b & 0x10); /* S */
	if (ip->proto == 6 && ip->version == 4 && ip->frag_id != 0 && pt_peek_u8(&c, 12, &b) == PT_OK)
		return ip->payload_len > (size_t)(b >> 4) * 4u;
	return 0;
}

#define PA_IP_IN_IP_DEPTH 4 /* tunnels inside tunnels unwrapped, at most */

/*
 * One IP datagram: unwrap IPv4 in IPv6 and IPv6 in IPv4 (IP protocol 4, RFC 2003 / RFC 2473; 41, RFC 4213),
 * reassemble fragments, then TCP 1723 or GRE.  The inner header gets the outer's checks: its findings, and a
 * length beyond what the outer datagram carries is a malformed inner header, not blamed on what it carries.
 */
static void deliver(pa_run *r, pt_ip *ip, const pt_where *at, int depth)
{
	if ((ip->proto == 4 || ip->proto == 41) && !ip->is_fragment && depth < PA_IP_IN_IP_DEPTH) {
		pt_cursor c = pt_cur(ip->payload, ip->payload_len);
		pt_ip in;
		held_ip h;
		pt_sink hs = { held_ip_fn, &h };
		int rc;

		h.n = 0;
		rc = pt_ip_parse(&c, &in, &hs, at);
		ip_findings(r, &h, &in, rc);
		if (rc != PT_OK) {
			r->sum.undecodable++;
			return;
		}
		if (in.truncated && !ip->truncated) {
			pt_report(&r->sink, in.version == 4 ? PT_R_CAP_IPV4_MALFORMED : PT_R_CAP_IPV6_MALFORMED, at,
				  "inner %s length %u octets, but the outer datagram carries %zu: malformed IP header (the outer length is used)",
				  in.version == 4 ? "IPv4 Total" : "IPv6 datagram", in.total_len, ip->payload_len);
			in.total_len = (uint32_t)ip->payload_len;
			in.truncated = 0;
		}
		deliver(r, &in, at, depth + 1);
		return;
	}
	if (ip->is_fragment) {
		pt_ip whole;
		if (ip->proto != 6 && ip->proto != PT_GRE_IPPROTO && ip->proto != 4 && ip->proto != 41)
			return;
		if (pt_defrag_add(&r->defrag, ip, &whole, &r->sink, at) == PT_DEFRAG_DONE)
			deliver(r, &whole, at, depth);
		return;
	}
	upper(r, ip, at);
}

/*
 * MPLS (RFC 3032 2.1) in front of IP: EtherType 0x8847 / 0x8848, then 4-octet label stack entries until the one
 * with the bottom-of-stack bit; what follows is IPv4 or IPv6 by its version nibble.  Returns the offset of the
 * IP header, or 0 when the frame is not that.
 */
static size_t mpls_l3(const pt_cap_rec *p)
{
	pt_cursor c = pt_cur(p->data, p->caplen);
	uint8_t b = 0;

	if (p->link.ethertype != 0x8847 && p->link.ethertype != 0x8848)
		return 0;
	if (pt_skip(&c, p->link.l3_off) != PT_OK)
		return 0;
	for (int i = 0; i < 8; i++) {
		if (pt_peek_u8(&c, 2, &b) != PT_OK || pt_skip(&c, 4) != PT_OK)
			return 0;
		if (b & 0x01) {
			uint8_t v = 0;
			if (pt_peek_u8(&c, 0, &v) != PT_OK || ((v >> 4) != 4 && (v >> 4) != 6))
				return 0;
			return pt_off(&c);
		}
	}
	return 0;
}

/*
 * The common outer header in short: IPv4, IHL 5, a Total Length of at least 20 all captured, not a fragment
 * (MF, offset and the reserved bit 0), protocol 47, and a checksum that is right, or 0 from a host already told
 * as offloading (ip_findings drops that finding).  Fills ip as pt_ip_parse would and returns 1; returns 0
 * whenever pt_ip_parse could report anything or judge otherwise (the caller then calls it).
 */
static int ip_v4_quiet(const pa_run *r, const uint8_t *b, size_t captured, size_t off, pt_ip *ip)
{
	size_t j;

	if (!pt_ip_parse_v4_quiet(b, captured, off, ip))
		return 0;
	if (ip->csum_ok)
		return 1;
	/* a wrong checksum goes the full way, but for a zero one from a host already told as offloading */
	if (ip->csum != 0)
		return 0;
	for (j = 0; j < r->offload_n; j++)
		if (memcmp(r->offload_host[j], ip->src, 16) == 0)
			return 1;
	return 0; /* the first from this host: ip_findings reports the offload */
}

static void packet(pa_run *r, const pt_cap_rec *p)
{
	size_t l3_off = p->link.l3_off;
	pt_cursor c = pt_cur(p->data, p->caplen);
	pt_ip ip;
	pt_where at;
	const uint8_t *l3;
	size_t l3_len;

	memset(&at, 0, sizeof at);
	at.pkt = p->pkt;
	at.ts_us = p->ts_us;
	at.call = -1;
	at.dir = PT_DIR_UNKNOWN;
	if (p->link_rc == PT_OK && p->link.l3 != PT_L3_IPV4 && p->link.l3 != PT_L3_IPV6)
		l3_off = mpls_l3(p);
	if (p->link_rc != PT_OK || ((p->link.l3 != PT_L3_IPV4 && p->link.l3 != PT_L3_IPV6) && !l3_off)) {
		r->sum.other_packets++;
		return;
	}
	pt_skip(&c, l3_off);
	l3 = c.p;
	l3_len = pt_left(&c);
	if (!r->no_fast && ip_v4_quiet(r, l3, l3_len, l3_off, &ip)) {
		r->ip_fast++;
	} else {
		held_ip h;
		pt_sink hs = { held_ip_fn, &h };
		int rc;
		h.n = 0;
		rc = pt_ip_parse(&c, &ip, &hs, &at);
		ip_findings(r, &h, &ip, rc);
		if (rc != PT_OK) {
			r->sum.undecodable++;
			return;
		}
	}
	/* RFC 791 3.1, RFC 8200 3: a length beyond the frame on the wire is impossible (a short snapshot is not) */
	if (ip.truncated && p->len >= l3_off && ip.total_len > p->len - l3_off) {
		uint32_t wire = (uint32_t)(p->len - l3_off);
		pt_report(&r->sink, ip.version == 4 ? PT_R_CAP_IPV4_MALFORMED : PT_R_CAP_IPV6_MALFORMED, &at,
			  "%s %u octets, but the frame holds %u after the link header: malformed IP header (the frame's length is used; what it carries is not blamed)",
			  ip.version == 4 ? "Total Length" : "datagram length", ip.total_len, wire);
		/* the length field is the corrupt part: the payload is what the frame holds */
		ip.total_len = wire;
		ip.truncated = p->caplen < p->len;
	}
	if (dedup_candidate(&ip)) {
		/* a copy made by the capture (bridge, two interfaces) is not a second packet on the wire */
		uint64_t orig = pa_dedup_check(&r->dedup, l3, l3_len, p->ts_us, p->pkt);
		if (orig) {
			if (r->dedup.dups == 1)
				pt_report(&r->sink, PT_R_CAP_FRAME_DUPLICATE, &at,
					  "same IP header and bytes as packet %" PRIu64 ": duplicated in the capture (a bridge, or two interfaces); copies are left out of the analysis (reported once)",
					  orig);
			return;
		}
	}
	deliver(r, &ip, &at, 0);
}

/* --threads N, or the number of online CPUs: workers beside this thread when above 1. */
static int decrypt_threads(const pa_opts *o)
{
	long n = o->threads;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > PA_MAX_THREADS ? PA_MAX_THREADS : (int)n;
}

static int run(pa_run *r)
{
	char err[512];
	pt_cap *cap = NULL;
	pt_cap_rec p;
	pt_cap_opts co;
	int rc, dlt;
	pt_where end;
	pt_tunnel_cfg cfg;
	pt_tunnel_hooks hooks;
	pa_progress prog;
	int64_t size;

	memset(&co, 0, sizeof co);
	co.filter = r->o->filter;
	co.immediate = 1;
	co.all_traffic = r->o->audit;
	if (r->o->iface) {
		rc = pt_cap_open_live(&cap, r->o->iface, &co, err, sizeof err);
	} else if (r->mem) {
		FILE *fp = fmemopen((void *)r->mem, r->mem_len, "rb");
		rc = fp ? pt_cap_open_fp(&cap, fp, r->o->file, &co, err, sizeof err) : -1;
		if (!fp)
			snprintf(err, sizeof err, "%s: cannot open: %s", r->o->file, strerror(errno));
	} else {
		rc = pt_cap_open_file(&cap, r->o->file, &co, err, sizeof err);
	}
	if (rc != PT_OK || !cap) {
		fprintf(stderr, "pptp-analyze: %s\n", err);
		return 2;
	}
	dlt = pt_cap_datalink(cap);
	if (r->o->iface)
		live_cap = cap;
	snprintf(r->name, sizeof r->name, "%s", pt_cap_name(cap));
	r->sum.name = r->name;
	r->sum.linktype = dlt;
	r->sum.linkname = pt_link_name(dlt);

	memset(&cfg, 0, sizeof cfg);
	cfg.creds = pa_creds_list(&cfg.ncreds);
	cfg.max_conns = (size_t)r->o->max_conns;
	cfg.max_calls = (size_t)r->o->max_calls;
	/* hidden: the steady-state data path off, so tests/fastpath can compare every output with it on */
	cfg.no_fastpath = getenv("PPTP_NO_FASTPATH") != NULL;
	r->no_fast = cfg.no_fastpath;
	memset(&hooks, 0, sizeof hooks);
	hooks.user = r;
	hooks.on_finding = on_finding;
	hooks.on_decode = r->decode || r->ladder ? on_decode : NULL;
	hooks.on_inner = r->dec ? on_inner : NULL;
	hooks.on_secret = r->o->show_keys ? on_secret : NULL;
	hooks.on_auth = pa_audit_active(&r->audit) ? on_auth : NULL;
	/* workers only when something may be decrypted, and never for --decode or the pictures (every packet formatted in
	 * order: the tunnel makes no jobs then) */
	if (decrypt_threads(r->o) > 1 && cfg.ncreds && !hooks.on_decode) {
		char werr[160];
		pa_workers_out wo = { r, job_apply, finding_now, inner_now };
		if ((r->wk = pa_workers_start(decrypt_threads(r->o), &wo, werr, sizeof werr))) {
			hooks.on_job = on_job;
			hooks.on_sync = on_sync;
		} else {
			fprintf(stderr, "pptp-analyze: %s; decrypting on this thread\n", werr);
		}
	}
	r->tun = pt_tunnel_new(&cfg, &hooks);
	r->sink.fn = on_finding;
	r->sink.user = r;
	if (!r->tun || pt_tcp_init(&r->tcp, &tcp_ops, r, (size_t)r->o->max_tcp_conns, 0) != PT_OK ||
	    pt_defrag_init(&r->defrag, 0, 0, 0) != PT_OK) {
		fprintf(stderr, "pptp-analyze: out of memory\n");
		pt_cap_close(cap);
		return 2;
	}
	/* on a terminal, for files (not live, nor --decode lines on the same terminal) */
	size = pt_cap_size(cap);
	pa_progress_start(&prog, stderr, r->name, !r->o->iface && !(r->decode && isatty(fileno(stdout))));
	r->t0 = INT64_MIN;
	memset(&end, 0, sizeof end);
	end.call = -1;
	end.dir = PT_DIR_UNKNOWN;
	while (!stop_now && (rc = pt_cap_next(cap, &p, err, sizeof err)) != PT_CAP_END) {
		if (rc == PT_CAP_TIMEOUT) {
			if (r->wk)
				pa_workers_kick(r->wk);
			continue;
		}
		if (rc == PT_CAP_ERROR)
			break;
		if (r->t0 == INT64_MIN) {
			r->t0 = p.ts_us;
			r->sum.t_first = p.ts_us;
		}
		r->sum.t_last = p.ts_us;
		r->sum.packets++;
		r->sum.bytes += p.caplen;
		packet(r, &p);
		if (r->wk)
			pa_workers_poll(r->wk);
		if (prog.term)
			pa_progress_tick(&prog, r->sum.packets, pt_cap_offset(cap), size);
		if (r->decode)
			flush_findings(r);
		end.pkt = p.pkt;
		end.ts_us = p.ts_us;
		if (r->o->count && r->sum.packets >= (uint64_t)r->o->count)
			break;
	}
	pa_progress_end(&prog);
	if (rc == PT_CAP_ERROR) {
		/* a truncated or damaged file: say where, then report what was read */
		fprintf(stderr, "pptp-analyze: %s\n", err);
	}
	live_cap = NULL;
	pt_ladder_eof(r->ladder);
	if (r->wk)
		pa_workers_sync(r->wk, -1); /* every packet's results in, before the ends are told */
	pt_tcp_finish(&r->tcp, &r->sink, &end);
	pt_defrag_finish(&r->defrag, &r->sink, &end);
	pt_tunnel_finish(r->tun, &end);
	if (getenv("PPTP_FASTPATH_STATS"))
		fprintf(stderr, "pptp-analyze: fast path: %llu of %llu GRE packets\n",
			(unsigned long long)pt_tunnel_fast_frames(r->tun), (unsigned long long)pt_tunnel_gre_packets(r->tun));
	if (getenv("PPTP_FASTPATH_STATS"))
		fprintf(stderr, "pptp-analyze: fast path: %llu outer IPv4 headers parsed short, %llu calls from the last-flow cache\n",
			(unsigned long long)r->ip_fast, (unsigned long long)pt_tunnel_flow_hits(r->tun));
	if (pa_audit_active(&r->audit) && pa_audit_finish(&r->audit, r->tun, cfg.creds, cfg.ncreds, &r->sink, &end) != 0 &&
	    rc != PT_CAP_ERROR)
		rc = PT_CAP_ERROR; /* the wordlist could not be read: exit 2, after the report */
	if (r->decode)
		flush_findings(r);
	pt_cap_close(cap);
	return rc == PT_CAP_ERROR ? 2 : 0;
}

int pa_main(int argc, char **argv, const void *capture, size_t len)
{
	pa_opts o;
	pa_run r;
	int rc, status;

	rc = pa_opts_parse(&o, argc, argv);
	if (rc == 1)
		return 0;
	if (rc)
		return 2;
	if (o.list_rules) {
		pa_list_rules(stdout, o.list_rules);
		return 0;
	}
	if (o.list_verdicts) {
		/* lib/verdict.c's table: code and the evidence it needs, in the order the causes are tried */
		const char *needs;
		for (size_t i = 0; i < pt_verdict_nrows(); i++)
		{
			const char *cause = pt_verdict_row(i, &needs);
			printf("%-40s %s\n", cause, needs);
		}
		return 0;
	}
	if (pa_creds_load(&o) != 0)
		return 2;
	memset(&r, 0, sizeof r);
	r.o = &o;
	r.mem = capture;
	r.mem_len = len;
	r.decode = o.format == PA_FMT_DECODE;
	pa_findings_init(&r.fs, o.max_findings_per_rule);
	if (pa_audit_init(&r.audit, o.audit, o.wordlist, o.password_policy, (unsigned)o.guess_failures, o.guess_window,
			  o.show_keys) != 0) {
		pa_creds_wipe();
		return 2;
	}
	if (o.write_decrypted) {
		char err[256];
		r.dec = pa_pcapw_open(o.write_decrypted, err, sizeof err);
		if (!r.dec) {
			fprintf(stderr, "pptp-analyze: %s\n", err);
			pa_creds_wipe();
			return 2;
		}
	}
	{
		/* no SA_RESTART: a blocked read returns and the loop sees stop_now */
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	if ((o.ladder || o.svg_path) && !(r.ladder = pt_ladder_new(NULL))) {
		fprintf(stderr, "pptp-analyze: out of memory\n");
		pa_creds_wipe();
		return 2;
	}
	rc = run(&r);
	if (r.ladder && r.tun) {
		/* the picture takes the place of the report on stdout (--ladder); --svg FILE writes it as well */
		pt_ladder_finish(r.ladder, r.tun);
		if (o.svg_path && pa_picture_svg(o.svg_path, r.ladder) != 0)
			rc = 2;
		if (o.ladder && !o.quiet)
			pa_picture_text(stdout, r.ladder);
	}
	if (r.tun && !o.quiet && !o.ladder && !(o.svg_path && !strcmp(o.svg_path, "-")) && !(rc == 2 && r.sum.packets == 0)) {
		/* --color: the plain text goes to memory, then color.c paints it */
		char *cbuf = NULL;
		size_t clen = 0;
		FILE *rep = NULL;
		if ((o.format == PA_FMT_TEXT || o.format == PA_FMT_VERDICT) && pa_color_wanted(o.color, stdout))
			rep = open_memstream(&cbuf, &clen);
		if (!rep)
			rep = stdout;
		switch (o.format) {
		case PA_FMT_JSON:
			pa_report_json(stdout, &r.sum, r.tun, &r.fs);
			pa_audit_json(stdout, &r.audit, &r.fs);
			break;
		case PA_FMT_VERDICT:
			pa_report_verdicts(rep, r.tun, &r.fs, 0);
			break;
		case PA_FMT_DECODE:
			break;
		default:
			pa_report_text(rep, &r.sum, r.tun, &r.fs);
			pa_audit_text(rep, &r.audit, &r.fs);
			break;
		}
		if (rep != stdout) {
			fclose(rep);
			pa_color_write(stdout, cbuf, clen);
			free(cbuf);
		}
	}
	status = rc;
	if (!status && !o.fail_never) {
		int worst = pa_findings_worst(&r.fs);
		if (worst >= 0 && worst >= (int)o.fail_on)
			status = 1;
	}
	if (r.dec)
		pa_pcapw_close(r.dec);
	pa_workers_free(r.wk); /* before the tunnel: a worker may still hold a direction's cipher state */
	if (r.tun)
		pt_tunnel_free(r.tun);
	pt_tcp_destroy(&r.tcp);
	pt_defrag_destroy(&r.defrag);
	pa_audit_free(&r.audit);
	pt_ladder_free(r.ladder);
	pa_findings_free(&r.fs);
	pa_creds_wipe();
	fflush(stdout);
	return status;
}

#ifndef PA_NO_MAIN /* the fuzz harness links this file with its own main */
int main(int argc, char **argv)
{
	return pa_main(argc, argv, NULL, 0);
}
#endif
