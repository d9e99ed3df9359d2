/* load.c: pptp-conform --load N --rate R --duration S: many PPTP tunnels (RFC 2637 3-4, each with LCP, MS-CHAPv2, MPPE, IPCP and pings) from one process and one poll loop; the client role against --target, the server role with --listen. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform.h"
#include "gre.h"
#include "ip.h"

#define LOAD_MAX 20000          /* tunnels one run may ask for */
#define LOAD_PINGS 3            /* pings per tunnel once it is up */
#define LOAD_PING_GAP_US 200000
#define LOAD_PING_WAIT_US 5000000
#define LOAD_GRACE_US 5000000   /* setups under way when the duration ends get at least this long (else their --timeout) */

enum lt_state { LT_CONNECTING, LT_SCCRP, LT_OCRP, LT_PPP, LT_PING, LT_UP, LT_DONE, LT_FAILED,
		/* server role */ LS_SCCRQ, LS_OCRQ, LS_PPP, LS_UP };

static const char *const lt_names[] = { "connecting", "awaiting SCCRP", "awaiting OCRP", "PPP set-up", "pinging", "up",
					"done", "failed", "awaiting SCCRQ", "awaiting OCRQ", "PPP set-up", "up" };

typedef struct lt {
	cf_ep *e;
	int st;
	int fd;                   /* the socket while connecting */
	int idx;                  /* attempt number */
	int64_t t0, t_up, t_end;  /* attempt start, tunnel up, last event */
	int pings_sent;
	int64_t next_ping;
	uint64_t pong_base;
	int reported;             /* its test point is out (TAP, JUnit, JSON) */
	char why[120];
} lt;

typedef struct load {
	const cf_opts *o;
	cf_rng rng;
	int server;
	int gfd, lfd;
	struct sockaddr_storage laddr;   /* the GRE socket's address (packets to it only) */
	int bound;
	lt **t;
	int nt, cap;
	lt *by_call[65536];
	uint16_t next_call;
	int live, up_now, peak_live, peak_up;
	int attempts, ups, fails, pings_ok, pings_sent;
	double *lat;                     /* setup latencies, ms */
	int nlat, latcap;
	int first_fail;                  /* attempt number, -1 none */
	double first_fail_t;
	int first_fail_live;
	char first_fail_why[160];
	int64_t t_start;
	int tty;
	cf_rep rep;                      /* --tap, --junit, --json: a test point per tunnel */
	cf_pcap pcap;                    /* --pcap, capped by --pcap-max */
} load;

static int all_up(const cf_ep *e)
{
	return pt_cpeng_is_open(&e->cp[PT_CPK_IPCP]) && (!e->pol.ccp.want_bits || e->mppe_on);
}

static void send_msg(cf_ep *e, uint16_t type)
{
	uint8_t buf[256];
	pt_writer w = pt_wr(buf, sizeof buf);
	pt_ctrl_msg m;

	cf_ep_ctrl_template(e, type, &m);
	if (pt_ctrl_build(&m, &w) == PT_OK && cf_ep_send_ctrl_bytes(e, buf, pt_wlen(&w), NULL, 0, 0) == 0)
		cf_ep_ctrl_sent(e, &m);
}

/* A tunnel's test point, once: up (with its setup time) or failed (why, and in which state). */
static void lt_report(load *L, lt *t, int ok, const char *desc, double setup_ms)
{
	char name[48];

	if (t->reported)
		return;
	t->reported = 1;
	snprintf(name, sizeof name, "%s %d", L->server ? "client" : "tunnel", t->idx + 1);
	cf_rep_point(&L->rep, ok, name, desc, (double)(cf_now_us() - t->t0) / 1e6, NULL, NULL);
	if (L->rep.json) {
		FILE *f = L->rep.json;
		fprintf(f, "{\"type\":\"tunnel\",\"role\":\"%s\",\"tunnel\":%d,\"verdict\":\"%s\",\"setup_ms\":", L->server ? "server" : "client",
			t->idx + 1, ok ? "PASS" : "FAIL");
		if (setup_ms >= 0)
			fprintf(f, "%.3f", setup_ms);
		else
			fputs("null", f);
		if (!L->server)
			fprintf(f, ",\"pings_answered\":%llu", t->e ? (unsigned long long)(t->e->pongs_rcvd - t->pong_base) : 0ull);
		if (!ok) {
			fputs(",\"why\":", f);
			cf_json_str(f, desc);
		}
		fputs("}\n", f);
	}
}

static void lt_fail(load *L, lt *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void lt_fail(load *L, lt *t, const char *fmt, ...)
{
	va_list ap;

	if (t->st == LT_FAILED || t->st == LT_DONE)
		return;
	if (t->st == LT_UP || t->st == LS_UP)
		L->up_now--;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof t->why, fmt, ap);
	va_end(ap);
	L->fails++;
	if (L->first_fail < 0) {
		L->first_fail = t->idx;
		L->first_fail_t = (double)(cf_now_us() - L->t_start) / 1e6;
		L->first_fail_live = L->live;
		snprintf(L->first_fail_why, sizeof L->first_fail_why, "%s (in state %s)", t->why, lt_names[t->st]);
	}
	{
		char desc[200];
		snprintf(desc, sizeof desc, "%s (in state %s)", t->why, lt_names[t->st]);
		lt_report(L, t, 0, desc, t->t_up ? (double)(t->t_up - t->t0) / 1000.0 : -1);
	}
	t->st = LT_FAILED;
}

/* The tunnel is gone: sockets closed, endpoint freed, the Call ID free again. */
static void lt_close(load *L, lt *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->e) {
		if (L->by_call[t->e->our_call_id] == t)
			L->by_call[t->e->our_call_id] = NULL;
		cf_ep_free(t->e);
		free(t->e);
		t->e = NULL;
		L->live--;
	}
	if (t->st == LT_UP || t->st == LS_UP)
		L->up_now--;
	if (t->st != LT_FAILED)
		t->st = LT_DONE;
	t->t_end = cf_now_us();
}

static lt *lt_new(load *L, int role)
{
	lt *t;

	if (L->nt >= L->cap) {
		int nc = L->cap ? L->cap * 2 : 256;
		lt **n = realloc(L->t, (size_t)nc * sizeof *n);
		if (!n)
			return NULL;
		L->t = n;
		L->cap = nc;
	}
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->e = calloc(1, sizeof *t->e);
	if (!t->e || cf_ep_init(t->e, role, L->o, &L->rng, L->pcap.f ? &L->pcap : NULL, NULL) < 0 || cf_ep_set_queues(t->e, 8, 8) < 0) {
		if (t->e)
			cf_ep_free(t->e);
		free(t->e);
		free(t);
		return NULL;
	}
	t->e->nocheck = 1;
	/* one Call ID per live tunnel: the GRE key routes packets to it */
	for (int i = 0; i < 65536; i++) {
		uint16_t c = L->next_call++;
		if (c && !L->by_call[c]) {
			t->e->our_call_id = c;
			L->by_call[c] = t;
			break;
		}
	}
	t->fd = -1;
	t->idx = L->attempts++;
	t->t0 = cf_now_us();
	L->t[L->nt++] = t;
	L->live++;
	if (L->live > L->peak_live)
		L->peak_live = L->live;
	return t;
}

static int parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, s, &((struct sockaddr_in *)(void *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)(void *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)(void *)ss)->sin_port = htons(port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &((struct sockaddr_in6 *)(void *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)(void *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons(port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -1;
}

/* One raw GRE socket for every tunnel, bound to our address (so only packets to it arrive). */
static int gre_bind(load *L, const struct sockaddr_storage *local, socklen_t len)
{
	struct sockaddr_storage a = *local;

	if (L->bound)
		return 0;
	L->gfd = socket(a.ss_family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, PT_GRE_IPPROTO);
	if (L->gfd < 0) {
		fprintf(stderr, "pptp-conform: raw GRE socket: %s%s\n", strerror(errno),
			errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		return -1;
	}
	if (a.ss_family == AF_INET)
		((struct sockaddr_in *)(void *)&a)->sin_port = 0;
	else
		((struct sockaddr_in6 *)(void *)&a)->sin6_port = 0;
	if (bind(L->gfd, (struct sockaddr *)&a, len) < 0) {
		fprintf(stderr, "pptp-conform: raw GRE socket: bind: %s\n", strerror(errno));
		return -1;
	}
	{
		/* many tunnels share it: room for bursts */
		int sz = 8 << 20;
		(void)setsockopt(L->gfd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
		(void)setsockopt(L->gfd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	}
	L->laddr = a;
	L->bound = 1;
	return 0;
}

/* RFC 2637 4.1: the GRE key's low half is the receiver's Call ID; route the packet to that tunnel. */
static void gre_drain(load *L)
{
	uint8_t b[CF_MAXPKT + 128];

	for (int i = 0; i < 512; i++) {
		ssize_t n = recv(L->gfd, b, sizeof b, 0);
		size_t off = 0;
		if (n <= 0)
			return;
		if (L->laddr.ss_family == AF_INET) {
			size_t ihl;
			if (n < 20)
				continue;
			ihl = (size_t)(b[0] & 0x0f) * 4;
			off = ihl;
		}
		if ((size_t)n < off + 8)
			continue;
		uint16_t call = (uint16_t)(b[off + 6] << 8 | b[off + 7]);
		lt *t = L->by_call[call];
		if (t && t->e && t->e->gfd >= 0)
			cf_ep_gre_in(t->e, b, (size_t)n);
	}
}

/* ---- one tunnel's steps, driven by what arrived ---- */

static void client_ctrl(load *L, lt *t)
{
	cf_ep *e = t->e;
	cf_ctrl_rx *q;

	while (e && (q = cf_ep_ctrl_peek(e)) != NULL) {
		pt_ctrl_msg m = q->m;
		int rc = q->rc;
		cf_ep_ctrl_pop(e);
		if (rc != PT_OK) {
			lt_fail(L, t, "malformed control message: %s", pt_strerror(rc));
			return;
		}
		if (t->st == LT_SCCRP && m.type == PT_CTRL_SCCRP) {
			if (m.u.sccrp.result != PT_CTRL_RESULT_OK) {
				lt_fail(L, t, "SCCRP result %u error %u", m.u.sccrp.result, m.u.sccrp.error);
				return;
			}
			send_msg(e, PT_CTRL_OCRQ);
			t->st = LT_OCRP;
		} else if (t->st == LT_OCRP && m.type == PT_CTRL_OCRP) {
			if (!e->call_up) {
				lt_fail(L, t, "OCRP result %u error %u", m.u.ocrp.result, m.u.ocrp.error);
				return;
			}
			/* the window wait polls one endpoint; here a few pings never fill it, and acks arrive through the shared loop */
			e->peer_window = 0;
			cf_ep_ppp_start(e);
			t->st = LT_PPP;
		} else if (m.type == PT_CTRL_STOPCCRQ || m.type == PT_CTRL_CDN) {
			lt_fail(L, t, "the target sent %s", pt_ctrl_abbrev(m.type));
			return;
		}
	}
}

static void server_ctrl(load *L, lt *t)
{
	cf_ep *e = t->e;
	cf_ctrl_rx *q;

	while (e && (q = cf_ep_ctrl_peek(e)) != NULL) {
		pt_ctrl_msg m = q->m;
		int rc = q->rc;
		cf_ep_ctrl_pop(e);
		if (rc != PT_OK) {
			lt_fail(L, t, "malformed control message: %s", pt_strerror(rc));
			return;
		}
		switch (m.type) {
		case PT_CTRL_SCCRQ:
			/* RFC 2637 2.2 */
			send_msg(e, PT_CTRL_SCCRP);
			t->st = LS_OCRQ;
			break;
		case PT_CTRL_OCRQ:
			/* RFC 2637 2.8 (ctrl_auto took the client's Call ID) */
			e->peer_window = 0;
			send_msg(e, PT_CTRL_OCRP);
			cf_ep_ppp_start(e);
			t->st = LS_PPP;
			break;
		case PT_CTRL_CCRQ: {
			/* RFC 2637 2.13: Call-Disconnect-Notify, Result Code 4 (Request) */
			uint8_t buf[256];
			pt_writer w = pt_wr(buf, sizeof buf);
			pt_ctrl_msg r;
			cf_ep_ctrl_template(e, PT_CTRL_CDN, &r);
			r.u.cdn.result = 4;
			if (pt_ctrl_build(&r, &w) == PT_OK)
				(void)cf_ep_send_ctrl_bytes(e, buf, pt_wlen(&w), NULL, 0, 0);
			break;
		}
		case PT_CTRL_STOPCCRQ:
			/* RFC 2637 3.1.2: reply, then close */
			send_msg(e, PT_CTRL_STOPCCRP);
			lt_close(L, t);
			return;
		default:
			break;
		}
	}
}

static void step(load *L, lt *t, int64_t now, int64_t setup_us)
{
	cf_ep *e = t->e;

	if (!e || t->st == LT_DONE || t->st == LT_FAILED)
		return;
	if (L->server)
		server_ctrl(L, t);
	else
		client_ctrl(L, t);
	e = t->e;
	if (!e || t->st == LT_DONE || t->st == LT_FAILED)
		return;
	if (e->auth.status == PT_AUTHS_FAILURE || e->auth.status == PT_AUTHS_FORGED) {
		lt_fail(L, t, "authentication: %s (E=%u)", pt_vs_name_or(pt_authpeer_status_vs, e->auth.status, "?"), e->auth.error);
		return;
	}
	if ((t->st == LT_PPP || t->st == LS_PPP) && all_up(e)) {
		double ms = (double)(now - t->t0) / 1000.0;
		t->t_up = now;
		if (L->nlat >= L->latcap) {
			int nc = L->latcap * 2 + 256;
			double *nl = realloc(L->lat, (size_t)nc * sizeof *nl);
			if (nl) {
				L->lat = nl;
				L->latcap = nc;
			}
		}
		if (L->nlat < L->latcap)
			L->lat[L->nlat++] = ms;
		L->ups++;
		if (t->st == LS_PPP) {
			t->st = LS_UP;
			L->up_now++;
			{
				char desc[120];
				snprintf(desc, sizeof desc, "up in %.1f ms (accept to IPCP and MPPE up)", ms);
				lt_report(L, t, 1, desc, ms);
			}
		} else {
			t->st = LT_PING;
			t->next_ping = now + 300000; /* the peer configures its interface when its IPCP comes up: a moment before data (as ppp open) */
			t->pong_base = e->pongs_rcvd;
		}
	}
	if (t->st == LT_PING) {
		if (t->pings_sent < LOAD_PINGS && now >= t->next_ping) {
			if (cf_ep_ping(e, 56) == 0) {
				t->pings_sent++;
				L->pings_sent++;
			}
			t->next_ping = now + LOAD_PING_GAP_US;
		}
		if (e->pongs_rcvd - t->pong_base >= LOAD_PINGS) {
			L->pings_ok += LOAD_PINGS;
			t->st = LT_UP;
			L->up_now++;
			{
				char desc[120];
				double sms = (double)(t->t_up - t->t0) / 1000.0;
				snprintf(desc, sizeof desc, "up in %.1f ms (connect to IPCP and MPPE up), %d of %d pings answered", sms, LOAD_PINGS, LOAD_PINGS);
				lt_report(L, t, 1, desc, sms);
			}
			if (L->up_now > L->peak_up)
				L->peak_up = L->up_now;
		} else if (now - t->t_up > LOAD_PING_WAIT_US) {
			L->pings_ok += (int)(e->pongs_rcvd - t->pong_base);
			lt_fail(L, t, "%llu of %d pings answered", (unsigned long long)(e->pongs_rcvd - t->pong_base), LOAD_PINGS);
			return;
		}
	}
	if (L->server && t->st == LS_UP && L->up_now > L->peak_up)
		L->peak_up = L->up_now;
	if (t->st != LT_UP && t->st != LS_UP && t->st != LT_PING && now - t->t0 > setup_us) {
		lt_fail(L, t, "not up after %.1f s", (double)setup_us / 1e6);
		return;
	}
	if (e->tfd < 0 && t->st != LT_DONE) {
		if (L->server && (t->st == LS_UP || t->st == LS_PPP || t->st == LS_OCRQ)) {
			lt_close(L, t); /* the client went away: its business */
			return;
		}
		lt_fail(L, t, "the connection was closed%s", e->close_rst ? " (RST)" : "");
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *v, int n, double p)
{
	if (n <= 0)
		return 0;
	int i = (int)ceil(p / 100.0 * n) - 1;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i];
}

static void progress(load *L, int64_t now, int final)
{
	int setting = L->live - L->up_now;

	if (!L->tty)
		return;
	fprintf(stderr, "\rpptp-conform: load %5.1f s: %d asked, %d up, %d failed, %d setting up, %d live   %s",
		(double)(now - L->t_start) / 1e6, L->attempts, L->ups, L->fails, setting < 0 ? 0 : setting, L->live,
		final ? "\n" : "");
}

static void report(load *L, double secs, double ramp_secs)
{
	const cf_opts *o = L->o;
	cf_rep *R = &L->rep;
	int complete = L->attempts - L->fails;
	double rate = ramp_secs > 0 ? L->ups / ramp_secs : 0.0;
	/* the success ratio: tunnels that came up and (client) had every ping answered, of those asked */
	double ratio = L->attempts ? (double)(L->server ? L->ups : complete) / L->attempts : 0.0;
	double p50, p90, p99, mx;

	qsort(L->lat, (size_t)L->nlat, sizeof L->lat[0], cmp_d);
	p50 = pct(L->lat, L->nlat, 50);
	p90 = pct(L->lat, L->nlat, 90);
	p99 = pct(L->lat, L->nlat, 99);
	mx = L->nlat ? L->lat[L->nlat - 1] : 0.0;
	if (L->server)
		cf_rep_say(R, "load: listening on %s port %u, at most %d clients at once, duration %.1f s", o->listen, o->port, o->load,
			   o->duration);
	else
		cf_rep_say(R, "load: target %s port %u, %d tunnels, rate %.1f/s, duration %.1f s", o->target, o->port, o->load, o->rate,
			   o->duration);
	if (L->server)
		cf_rep_say(R, "  clients %d, up %d (%.1f%%), failed %d, peak concurrent %d (%d up at once)", L->attempts, L->ups,
			   L->attempts ? 100.0 * L->ups / L->attempts : 0.0, L->fails, L->peak_live, L->peak_up);
	else
		cf_rep_say(R, "  attempts %d, up %d (%.1f%%), with every ping answered %d (%.1f%%), failed %d, peak concurrent %d (%d up at once)",
			   L->attempts, L->ups, L->attempts ? 100.0 * L->ups / L->attempts : 0.0, complete,
			   L->attempts ? 100.0 * complete / L->attempts : 0.0, L->fails, L->peak_live, L->peak_up);
	cf_rep_say(R, "  setup rate %.1f/s (tunnels up per second over %.1f s of ramp), success ratio %.3f", rate, ramp_secs, ratio);
	cf_rep_say(R, "  setup latency ms (%s): p50 %.1f p90 %.1f p99 %.1f max %.1f",
		   L->server ? "accept to IPCP and MPPE up" : "connect to IPCP and MPPE up", p50, p90, p99, mx);
	if (!L->server)
		cf_rep_say(R, "  pings: %d sent, %d answered", L->pings_sent, L->pings_ok);
	if (L->first_fail >= 0)
		cf_rep_say(R, "  first failure: attempt %d at %.1f s with %d tunnels live: %s", L->first_fail + 1, L->first_fail_t,
			   L->first_fail_live, L->first_fail_why);
	else
		cf_rep_say(R, "  first failure: none");
	if (L->pcap.f)
		cf_rep_say(R, "  capture: %s, %llu packets%s", o->pcap, (unsigned long long)L->pcap.npkt,
			   L->pcap.dropped ? " (--pcap-max reached: the later packets are not in it)" : "");
	cf_rep_say(R, "  ran %.1f s", secs);
	/* the same figures as JUnit properties */
	cf_rep_prop(R, "role", "%s", L->server ? "server" : "client");
	cf_rep_prop(R, "attempts", "%d", L->attempts);
	cf_rep_prop(R, "up", "%d", L->ups);
	cf_rep_prop(R, "complete", "%d", complete);
	cf_rep_prop(R, "failed", "%d", L->fails);
	cf_rep_prop(R, "peak_concurrent", "%d", L->peak_live);
	cf_rep_prop(R, "peak_up", "%d", L->peak_up);
	cf_rep_prop(R, "setup_rate", "%.3f", rate);
	cf_rep_prop(R, "success_ratio", "%.4f", ratio);
	cf_rep_prop(R, "latency_ms.p50", "%.3f", p50);
	cf_rep_prop(R, "latency_ms.p90", "%.3f", p90);
	cf_rep_prop(R, "latency_ms.p99", "%.3f", p99);
	cf_rep_prop(R, "latency_ms.max", "%.3f", mx);
	if (!L->server) {
		cf_rep_prop(R, "pings_sent", "%d", L->pings_sent);
		cf_rep_prop(R, "pings_answered", "%d", L->pings_ok);
	}
	cf_rep_prop(R, "seconds", "%.3f", secs);
	if (L->first_fail >= 0)
		cf_rep_prop(R, "first_failure", "attempt %d at %.1f s: %s", L->first_fail + 1, L->first_fail_t, L->first_fail_why);
	if (R->json) {
		/* and as the last JSON line (--json FILE), after one line per tunnel */
		FILE *f = R->json;
		fprintf(f, "{\"type\":\"load\",\"role\":\"%s\",\"address\":", L->server ? "server" : "client");
		cf_json_str(f, L->server ? o->listen : o->target);
		fprintf(f, ",\"port\":%u,\"load\":%d,\"rate\":%.3f,\"duration\":%.3f,\"attempts\":%d,\"up\":%d,\"complete\":%d,\"failed\":%d,"
			   "\"peak_concurrent\":%d,\"peak_up\":%d,\"setup_rate\":%.3f,\"success_ratio\":%.4f,"
			   "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
			   "\"pings_sent\":%d,\"pings_answered\":%d,\"seconds\":%.3f,\"first_failure\":",
			o->port, o->load, L->server ? 0.0 : o->rate, o->duration, L->attempts, L->ups, complete, L->fails, L->peak_live,
			L->peak_up, rate, ratio, p50, p90, p99, mx, L->pings_sent, L->pings_ok, secs);
		if (L->first_fail >= 0) {
			fprintf(f, "{\"attempt\":%d,\"seconds\":%.3f,\"live\":%d,\"why\":", L->first_fail + 1, L->first_fail_t, L->first_fail_live);
			cf_json_str(f, L->first_fail_why);
			fputc('}', f);
		} else {
			fputs("null", f);
		}
		fputs("}\n", f);
	}
}

static int open_listen(load *L)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	if (parse_addr(L->o->listen, L->o->port, &ss, &len) < 0) {
		fprintf(stderr, "pptp-conform: %s: not a numeric IPv4 or IPv6 address\n", L->o->listen);
		return -1;
	}
	L->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (L->lfd < 0)
		return -1;
	(void)setsockopt(L->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(L->lfd, (struct sockaddr *)&ss, len) < 0 || listen(L->lfd, 4096) < 0) {
		fprintf(stderr, "pptp-conform: listen on %s port %u: %s\n", L->o->listen, L->o->port, strerror(errno));
		return -1;
	}
	return gre_bind(L, &ss, len);
}

static int start_connect(load *L, const struct sockaddr_storage *peer, socklen_t plen)
{
	lt *t = lt_new(L, CF_PNS);
	int rc;

	if (!t)
		return -1;
	t->st = LT_CONNECTING;
	t->fd = socket(peer->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		lt_fail(L, t, "socket: %s", strerror(errno));
		lt_close(L, t);
		return 0;
	}
	if (L->o->source) {
		struct sockaddr_storage src;
		socklen_t sl;
		if (parse_addr(L->o->source, 0, &src, &sl) == 0)
			(void)bind(t->fd, (struct sockaddr *)&src, sl);
	}
	rc = connect(t->fd, (const struct sockaddr *)peer, plen);
	if (rc < 0 && errno != EINPROGRESS) {
		lt_fail(L, t, "connect: %s", strerror(errno));
		lt_close(L, t);
	}
	return 0;
}

static void connected(load *L, lt *t)
{
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	struct sockaddr_storage local;
	socklen_t ll = sizeof local;

	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
		lt_fail(L, t, "connect: %s", strerror(soerr));
		lt_close(L, t);
		return;
	}
	getsockname(t->fd, (struct sockaddr *)&local, &ll);
	if (gre_bind(L, &local, ll) < 0) {
		lt_fail(L, t, "no GRE socket");
		lt_close(L, t);
		return;
	}
	if (cf_ep_attach(t->e, t->fd, L->gfd) < 0) {
		lt_fail(L, t, "%s", t->e->err);
		lt_close(L, t);
		return;
	}
	t->fd = -1; /* the endpoint's now */
	send_msg(t->e, PT_CTRL_SCCRQ);
	t->st = LT_SCCRP;
}

static void accept_all(load *L)
{
	for (int i = 0; i < 256; i++) {
		int fd = accept4(L->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (L->live >= L->o->load) {
			close(fd); /* beyond --load N: refused */
			continue;
		}
		lt *t = lt_new(L, CF_PAC);
		if (!t) {
			close(fd);
			continue;
		}
		if (cf_ep_attach(t->e, fd, L->gfd) < 0) {
			close(fd);
			lt_fail(L, t, "%s", t->e->err);
			lt_close(L, t);
			continue;
		}
		t->st = LS_SCCRQ;
	}
}

int cf_load_run(const cf_opts *o)
{
	load *L = calloc(1, sizeof *L);
	struct sockaddr_storage peer;
	socklen_t plen = 0;
	struct pollfd *pfd = NULL;
	lt **pl = NULL;
	int pcap = 0, rc = 0;
	int64_t now, t_ramp_end, t_hard_end, last_prog = 0;
	int64_t setup_us = (int64_t)((o->timeout > 0 ? o->timeout : 15) * 1e6);
	int64_t t_last_up = 0;

	if (!L)
		return 2;
	L->o = o;
	L->rng.s = o->seed;
	L->server = o->listen != NULL;
	L->gfd = L->lfd = -1;
	L->first_fail = -1;
	L->next_call = (uint16_t)(cf_rand32(&L->rng) | 1);
	L->tty = isatty(2);
	if (L->server) {
		if (open_listen(L) < 0)
			return 2;
	} else if (parse_addr(o->target, o->port, &peer, &plen) < 0) {
		fprintf(stderr, "pptp-conform: %s: not a numeric IPv4 or IPv6 address\n", o->target);
		return 2;
	}
	if (o->pcap) {
		if (cf_pcap_open(&L->pcap, o->pcap, 101) < 0) {
			fprintf(stderr, "pptp-conform: %s: cannot write: %s\n", o->pcap, strerror(errno));
			return 2;
		}
		/* bounded: a run of many tunnels keeps the first --pcap-max MiB (64 unless given) */
		L->pcap.max = (uint64_t)((o->pcap_max > 0 ? o->pcap_max : 64) * 1048576.0);
	}
	if (cf_rep_open(&L->rep, o, "load") < 0)
		return 2;
	L->t_start = cf_now_us();
	t_ramp_end = L->t_start + (int64_t)(o->duration * 1e6);
	/* every attempt gets its whole set-up time (and its pings) after the last one starts */
	t_hard_end = t_ramp_end + (setup_us + LOAD_PING_WAIT_US > LOAD_GRACE_US ? setup_us + LOAD_PING_WAIT_US : LOAD_GRACE_US);
	for (;;) {
		int n = 0, due;
		int64_t wake;
		now = cf_now_us();
		/* client: start the attempts due by now at --rate, at most --load in all; those due within the duration are all
		   started, late if a slow pass of the loop fell behind (never dropped) */
		if (!L->server && L->attempts < o->load) {
			int64_t el = (now < t_ramp_end ? now : t_ramp_end) - L->t_start;
			due = o->rate > 0 ? (int)((double)el / 1e6 * o->rate) + 1 : o->load;
			if (due > o->load)
				due = o->load;
			while (L->attempts < due)
				if (start_connect(L, &peer, plen) < 0)
					break;
		}
		/* the end: the duration is over (client setups under way get a grace period), or every attempt settled early with none up */
		int busy = 0;
		for (int i = 0; i < L->nt; i++)
			if (L->t[i]->e && L->t[i]->st != LT_UP && L->t[i]->st != LS_UP)
				busy++;
		if (now >= t_hard_end || (now >= t_ramp_end && (L->server || !busy)))
			break;
		if (!L->server && L->attempts >= o->load && L->live == 0)
			break;
		/* the poll set: the GRE socket, the listening socket, every tunnel's control connection */
		if (pcap < L->nt + 2) {
			pcap = L->nt + 256;
			pfd = realloc(pfd, (size_t)pcap * sizeof *pfd);
			pl = realloc(pl, (size_t)pcap * sizeof *pl);
			if (!pfd || !pl)
				return 2;
		}
		if (L->gfd >= 0) {
			pfd[n].fd = L->gfd;
			pfd[n].events = POLLIN;
			pl[n++] = NULL;
		}
		if (L->lfd >= 0) {
			pfd[n].fd = L->lfd;
			pfd[n].events = POLLIN;
			pl[n++] = NULL;
		}
		wake = now + 100000;
		if (!L->server && o->rate > 0 && L->attempts < o->load &&
		    L->attempts < (int)((double)(t_ramp_end - L->t_start) / 1e6 * o->rate) + 1) {
			int64_t nxt = L->t_start + (int64_t)((double)L->attempts / o->rate * 1e6);
			if (nxt < wake)
				wake = nxt;
		}
		for (int i = 0; i < L->nt; i++) {
			lt *t = L->t[i];
			if (t->st == LT_CONNECTING && t->fd >= 0) {
				pfd[n].fd = t->fd;
				pfd[n].events = POLLOUT;
				pl[n++] = t;
			} else if (t->e && t->e->tfd >= 0) {
				int64_t d = cf_ep_timers(t->e, now);
				if (d >= 0 && d < wake)
					wake = d;
				if (t->st == LT_PING && t->next_ping < wake && t->pings_sent < LOAD_PINGS)
					wake = t->next_ping;
				pfd[n].fd = t->e->tfd;
				pfd[n].events = POLLIN;
				pl[n++] = t;
			}
		}
		int ms = wake > now ? (int)((wake - now + 999) / 1000) : 0;
		int got = poll(pfd, (nfds_t)n, ms);
		now = cf_now_us();
		if (got > 0) {
			for (int i = 0; i < n; i++) {
				if (!pfd[i].revents)
					continue;
				if (!pl[i] && pfd[i].fd == L->gfd)
					gre_drain(L);
				else if (!pl[i] && pfd[i].fd == L->lfd)
					accept_all(L);
				else if (pl[i]->st == LT_CONNECTING)
					connected(L, pl[i]);
				else if (pl[i]->e)
					cf_ep_tcp_in(pl[i]->e);
			}
		}
		/* every tunnel takes a step on what arrived; the settled ones leave the table */
		int w = 0;
		for (int i = 0; i < L->nt; i++) {
			lt *t = L->t[i];
			int64_t was_up = t->t_up;
			step(L, t, now, setup_us);
			/* the setup rate counts a tunnel when IPCP and MPPE are up (its pings come after) */
			if (!was_up && t->t_up)
				t_last_up = t->t_up;
			if (t->st == LT_FAILED && t->e)
				lt_close(L, t);
			if (t->st == LT_DONE || t->st == LT_FAILED) {
				free(t);
				continue;
			}
			L->t[w++] = t;
		}
		L->nt = w;
		if (now - last_prog > 250000) {
			progress(L, now, 0);
			last_prog = now;
		}
	}
	now = cf_now_us();
	progress(L, now, 1);
	/* the end: every tunnel closed (FIN; the server side sees its clients go) */
	for (int i = 0; i < L->nt; i++) {
		lt *t = L->t[i];
		if (t->e && t->st != LT_UP && t->st != LS_UP && !L->server)
			lt_fail(L, t, "not up when the run ended");
		lt_close(L, t);
		free(t);
	}
	L->nt = 0;
	{
		double ramp = (double)((t_last_up ? t_last_up : now) - L->t_start) / 1e6;
		report(L, (double)(now - L->t_start) / 1e6, ramp);
	}
	cf_rep_close(&L->rep);
	if (L->pcap.dropped)
		fprintf(stderr, "pptp-conform: %s: stopped at %g MiB (--pcap-max), %llu packets left out\n", o->pcap,
			o->pcap_max > 0 ? o->pcap_max : 64.0, (unsigned long long)L->pcap.dropped);
	cf_pcap_close(&L->pcap);
	rc = L->fails || (!L->server && L->ups < o->load) ? 1 : 0;
	if (L->gfd >= 0)
		close(L->gfd);
	if (L->lfd >= 0)
		close(L->lfd);
	free(pfd);
	free(pl);
	free(L->t);
	free(L->lat);
	free(L);
	return rc;
}

void cf_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
