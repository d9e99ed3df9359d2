/* endpoint.c: one PPTP end in userspace (RFC 2637 3-4): the control connection over TCP, enhanced GRE through a raw socket, PPP through lib/cpeng and lib/authpeer, MPPE through lib/mppe; every packet both ways goes to a lib/tunnel checker and to the run's capture. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"
#include "fmt.h"
#include "gre.h"
#include "ip.h"
#include "ladder.h"
#include "ppp.h"

int64_t cf_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* splitmix64: a reproducible stream from --seed */
uint32_t cf_rand32(cf_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

void cf_rand_bytes(cf_rng *r, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)cf_rand32(r);
}

/* ---- addresses ---- */

static void to_ptaddr(const struct sockaddr_storage *ss, pt_addr *a)
{
	memset(a, 0, sizeof *a);
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)ss;
		a->family = 6;
		memcpy(a->a, &s6->sin6_addr, 16);
		a->port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)ss;
		a->family = 4;
		memcpy(a->a, &s4->sin_addr, 4);
		a->port = ntohs(s4->sin_port);
	}
}

static void ip_addrs(const cf_ep *e, int from_us, pt_ip *ip, uint8_t proto)
{
	pt_addr l, p;

	to_ptaddr(&e->local, &l);
	to_ptaddr(&e->peer, &p);
	memset(ip, 0, sizeof *ip);
	ip->version = l.family;
	if (l.family == 4) {
		pt_ip_addr_v4(ip->src, from_us ? l.a : p.a);
		pt_ip_addr_v4(ip->dst, from_us ? p.a : l.a);
	} else {
		memcpy(ip->src, from_us ? l.a : p.a, 16);
		memcpy(ip->dst, from_us ? p.a : l.a, 16);
	}
	ip->proto = proto;
	ip->ttl = 64;
}

/* ---- the checker: lib/tunnel sees both directions, findings of the run are kept ---- */

static void on_finding(void *user, const pt_finding *f)
{
	cf_ep *e = user;

	if (e->ladder)
		pt_ladder_finding(e->ladder, f);
	if (e->nfind >= CF_MAXFIND) {
		e->find_dropped++;
		return;
	}
	e->find[e->nfind].rule = f->rule;
	e->find[e->nfind].dir = f->at.dir;
	e->find[e->nfind].pkt = f->at.pkt;
	memcpy(e->find[e->nfind].msg, f->msg, sizeof f->msg);
	e->nfind++;
}

static void on_decode(void *user, const pt_where *at, const char *line)
{
	cf_ep *e = user;
	pt_ladder_decode(e->ladder, at, line);
}

static pt_where where_now(cf_ep *e)
{
	pt_where w;

	memset(&w, 0, sizeof w);
	w.pkt = ++e->pktno;
	w.ts_us = cf_now_us();
	w.call = -1;
	w.dir = PT_DIR_UNKNOWN;
	return w;
}

/* TCP client -> server is tcpdir 0; the PNS is the client in the PNS role. */
static int our_tcpdir(const cf_ep *e)
{
	return e->role == CF_PNS ? 0 : 1;
}

static void record_tcp(cf_ep *e, int from_us, uint8_t flags, const uint8_t *data, size_t len, const pt_where *at)
{
	uint8_t seg[CF_MAXPKT + 64], pkt[CF_MAXPKT + 128];
	pt_ip ip;
	pt_tcp_hdr th;
	pt_addr l, p;
	pt_writer w = pt_wr(seg, sizeof seg), w2 = pt_wr(pkt, sizeof pkt);

	if (!e->pcap || !e->pcap->f || len > CF_MAXPKT)
		return;
	to_ptaddr(&e->local, &l);
	to_ptaddr(&e->peer, &p);
	ip_addrs(e, from_us, &ip, 6);
	ip.frag_id = e->ipid++;
	memset(&th, 0, sizeof th);
	th.sport = from_us ? l.port : p.port;
	th.dport = from_us ? p.port : l.port;
	th.seq = e->tseq[from_us ? 0 : 1];
	th.ack = e->tseq[from_us ? 1 : 0];
	th.flags = flags;
	th.window = 65535;
	if (pt_tcp_build(&w, &ip, &th, NULL, 0, data, len) != PT_OK)
		return;
	if (pt_ip_build(&w2, &ip, seg, pt_wlen(&w)) != PT_OK)
		return;
	cf_pcap_write(e->pcap, at->ts_us, pkt, pt_wlen(&w2));
	e->tseq[from_us ? 0 : 1] += (uint32_t)len + ((flags & (PT_TH_SYN | PT_TH_FIN)) ? 1 : 0);
}

static void record_gre(cf_ep *e, int from_us, const uint8_t *gre, size_t len, const pt_where *at)
{
	uint8_t pkt[CF_MAXPKT + 64];
	pt_ip ip;
	pt_writer w = pt_wr(pkt, sizeof pkt);

	if (!e->pcap || !e->pcap->f)
		return;
	ip_addrs(e, from_us, &ip, PT_GRE_IPPROTO);
	ip.frag_id = e->ipid++;
	if (pt_ip_build(&w, &ip, gre, len) == PT_OK)
		cf_pcap_write(e->pcap, at->ts_us, pkt, pt_wlen(&w));
}

static void check_tcp(cf_ep *e, int from_us, const uint8_t *data, size_t len, const pt_where *at)
{
	int tcpdir = from_us ? our_tcpdir(e) : !our_tcpdir(e);

	uint8_t *buf = e->chk_buf[tcpdir];
	size_t *n = &e->chk_len[tcpdir], used;

	if (!e->chk || !e->chk_conn || !len)
		return;
	/* lib/tunnel takes whole messages: what it leaves is offered again with the next segment */
	if (len > sizeof e->chk_buf[0] - *n) {
		(void)pt_tunnel_ctrl_data(e->chk, e->chk_conn, tcpdir, buf, *n, at);
		*n = 0;
		if (len > sizeof e->chk_buf[0])
			len = sizeof e->chk_buf[0];
	}
	memcpy(buf + *n, data, len);
	*n += len;
	used = pt_tunnel_ctrl_data(e->chk, e->chk_conn, tcpdir, buf, *n, at);
	if (used > *n)
		used = *n;
	memmove(buf, buf + used, *n - used);
	*n -= used;
}

static void check_gre(cf_ep *e, int from_us, const uint8_t *gre, size_t len, const pt_where *at)
{
	pt_addr l, p;

	if (!e->chk)
		return;
	to_ptaddr(&e->local, &l);
	to_ptaddr(&e->peer, &p);
	l.port = p.port = 0;
	pt_tunnel_gre(e->chk, from_us ? &l : &p, from_us ? &p : &l, gre, len, len, at);
}

static void checker_open(cf_ep *e)
{
	pt_tunnel_cfg cfg;
	pt_tunnel_hooks h;
	pt_addr l, p;
	pt_where at = where_now(e);

	if (e->nocheck) {
		e->pktno--;
		return;
	}
	e->pktno--; /* the SYN below takes this number */
	memset(&cfg, 0, sizeof cfg);
	if (e->cred.user[0] || e->cred.has_password) {
		cfg.creds = &e->cred;
		cfg.ncreds = 1;
	}
	memset(&h, 0, sizeof h);
	h.user = e;
	h.on_finding = on_finding;
	if (e->o->svg_dir && !e->ladder)
		e->ladder = pt_ladder_new(NULL);
	h.on_decode = e->ladder ? on_decode : NULL;
	if (e->chk)
		pt_tunnel_free(e->chk); /* a second connection in one scenario (a replayed finding's probe) */
	e->chk_len[0] = e->chk_len[1] = 0;
	e->tlen = 0;
	e->closed = e->close_rst = 0;
	e->chk = pt_tunnel_new(&cfg, &h);
	if (!e->chk)
		return;
	to_ptaddr(&e->local, &l);
	to_ptaddr(&e->peer, &p);
	e->chk_conn = e->role == CF_PNS ? pt_tunnel_ctrl_open(e->chk, &l, &p, 0, &at)
					: pt_tunnel_ctrl_open(e->chk, &p, &l, 0, &at);
}

/* ---- setup ---- */

int cf_ep_init(cf_ep *e, int role, const cf_opts *o, cf_rng *rng, cf_pcap *pcap, cf_pcap *inner)
{
	memset(e, 0, sizeof *e);
	e->role = role;
	e->o = o;
	e->rng = rng;
	e->pcap = pcap;
	e->inner = inner;
	e->lfd = e->tfd = e->gfd = -1;
	e->k.auto_echo = 1;
	e->k.auto_ack = 1;
	e->k.gre_seq = 1;
	e->k.recv_window = 64;
	e->cq_cap = CF_QCTRL;
	e->pq_cap = CF_QPPP;
	e->cq = calloc(CF_QCTRL, sizeof *e->cq);
	e->pq = calloc(CF_QPPP, sizeof *e->pq);
	if (!e->cq || !e->pq)
		return -1;
	e->our_call_id = (uint16_t)(cf_rand32(rng) | 1);
	e->call_serial = (uint16_t)cf_rand32(rng);
	e->tseq[0] = cf_rand32(rng);
	e->tseq[1] = cf_rand32(rng);
	e->ipid = (uint16_t)cf_rand32(rng);
	e->pktno = pcap ? pcap->npkt : 0;
	if (o->user[0]) {
		if (o->have_password)
			(void)pt_cred_from_password(&e->cred, o->user, o->password);
		else
			snprintf(e->cred.user, sizeof e->cred.user, "%s", o->user);
	}
	/* RFC defaults for the PPP engines (scenarios change them with `set`) */
	e->pol.lcp.mru = 1400;
	e->pol.lcp.magic = cf_rand32(rng) | 1;
	e->pol.lcp.accept_auth = PT_AUTHM_BIT(PT_AUTHM_PAP) | PT_AUTHM_BIT(PT_AUTHM_CHAP_MD5) |
				 PT_AUTHM_BIT(PT_AUTHM_MSCHAPV1) | PT_AUTHM_BIT(PT_AUTHM_MSCHAPV2);
	e->pol.lcp.auth_pref[0] = PT_AUTHM_MSCHAPV2;
	e->pol.lcp.auth_pref[1] = PT_AUTHM_MSCHAPV1;
	e->pol.lcp.auth_pref[2] = PT_AUTHM_CHAP_MD5;
	e->pol.lcp.auth_pref[3] = PT_AUTHM_PAP;
	e->pol.lcp.accept_pfc = e->pol.lcp.accept_acfc = 1;
	e->pol.ccp.want_bits = PT_CCP_MPPE_S | PT_CCP_MPPE_H;
	e->pol.ccp.accept_bits = PT_CCP_MPPE_S | PT_CCP_MPPE_L | PT_CCP_MPPE_M | PT_CCP_MPPE_H;
	e->pol.ccp.require = 1;
	e->pol.ipcp.accept_any_peer = 1;
	e->pol.ipcp.accept_local = 1;
	if (role == CF_PAC) {
		e->pol.lcp.auth = PT_AUTHM_MSCHAPV2;
		static const uint8_t loc[4] = { 10, 0, 0, 1 }, peer[4] = { 10, 0, 0, 2 };
		memcpy(e->pol.ipcp.local, loc, 4);
		memcpy(e->pol.ipcp.peer, peer, 4);
	}
	cf_rand_bytes(rng, e->pol.ipv6cp.ifid, 8);
	return 0;
}

void cf_ep_free(cf_ep *e)
{
	cf_ep_disconnect(e, 0);
	if (e->lfd >= 0 && !e->lfd_shared)
		close(e->lfd);
	if (e->chk)
		pt_tunnel_free(e->chk);
	pt_ladder_free(e->ladder);
	pt_mppe_done(&e->mtx);
	pt_mppe_done(&e->mrx);
	pt_authpeer_wipe(&e->auth);
	pt_cred_wipe(&e->cred);
	free(e->cq);
	free(e->pq);
	e->cq = NULL;
	e->pq = NULL;
}

static int parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res = NULL;
	char pbuf[8];

	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(pbuf, sizeof pbuf, "%u", port);
	/* numeric only: the peer sends to the address given and looks nothing up */
	if (getaddrinfo(s, pbuf, &hints, &res) != 0 || !res)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int open_gre(cf_ep *e)
{
	int one = 1;

	(void)one;
	e->gfd = socket(e->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, PT_GRE_IPPROTO);
	if (e->gfd < 0) {
		snprintf(e->err, sizeof e->err, "raw GRE socket: %s%s", strerror(errno),
			 errno == EPERM ? " (needs CAP_NET_RAW: run as root or setcap cap_net_raw)" : "");
		return -1;
	}
	/* the kernel then hands us only GRE between these two addresses */
	struct sockaddr_storage l = e->local, p = e->peer;
	if (e->family == AF_INET) {
		((struct sockaddr_in *)(void *)&l)->sin_port = 0;
		((struct sockaddr_in *)(void *)&p)->sin_port = 0;
	} else {
		((struct sockaddr_in6 *)(void *)&l)->sin6_port = 0;
		((struct sockaddr_in6 *)(void *)&p)->sin6_port = 0;
	}
	if (bind(e->gfd, (struct sockaddr *)&l, e->alen) < 0 || connect(e->gfd, (struct sockaddr *)&p, e->alen) < 0) {
		snprintf(e->err, sizeof e->err, "raw GRE socket: %s", strerror(errno));
		close(e->gfd);
		e->gfd = -1;
		return -1;
	}
	return 0;
}

static void conn_up(cf_ep *e)
{
	int one = 1;
	pt_where at;

	(void)setsockopt(e->tfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	checker_open(e);
	/* the handshake as the capture will show it */
	at = where_now(e);
	if (e->role == CF_PNS) {
		record_tcp(e, 1, PT_TH_SYN, NULL, 0, &at);
		at = where_now(e);
		record_tcp(e, 0, PT_TH_SYN | PT_TH_ACK, NULL, 0, &at);
		at = where_now(e);
		record_tcp(e, 1, PT_TH_ACK, NULL, 0, &at);
	} else {
		record_tcp(e, 0, PT_TH_SYN, NULL, 0, &at);
		at = where_now(e);
		record_tcp(e, 1, PT_TH_SYN | PT_TH_ACK, NULL, 0, &at);
		at = where_now(e);
		record_tcp(e, 0, PT_TH_ACK, NULL, 0, &at);
	}
}

int cf_ep_connect(cf_ep *e, double timeout)
{
	struct pollfd pfd;
	int rc, soerr = 0;
	socklen_t sl = sizeof soerr;

	if (parse_addr(e->o->target, e->o->port, &e->peer, &e->alen) < 0) {
		snprintf(e->err, sizeof e->err, "%s: not a numeric IPv4 or IPv6 address", e->o->target);
		return -1;
	}
	e->family = e->peer.ss_family;
	e->tfd = socket(e->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->tfd < 0) {
		snprintf(e->err, sizeof e->err, "socket: %s", strerror(errno));
		return -1;
	}
	if (e->o->source) {
		struct sockaddr_storage src;
		socklen_t sl0;
		if (parse_addr(e->o->source, 0, &src, &sl0) < 0 || src.ss_family != e->family) {
			snprintf(e->err, sizeof e->err, "--source %s: not a numeric address of the target's family", e->o->source);
			goto fail;
		}
		if (bind(e->tfd, (struct sockaddr *)&src, sl0) < 0) {
			snprintf(e->err, sizeof e->err, "--source %s: %s", e->o->source, strerror(errno));
			goto fail;
		}
	}
	rc = connect(e->tfd, (struct sockaddr *)&e->peer, e->alen);
	if (rc < 0 && errno != EINPROGRESS) {
		snprintf(e->err, sizeof e->err, "connect to %s port %u: %s", e->o->target, e->o->port, strerror(errno));
		goto fail;
	}
	pfd.fd = e->tfd;
	pfd.events = POLLOUT;
	rc = poll(&pfd, 1, (int)(timeout * 1000));
	if (rc <= 0) {
		snprintf(e->err, sizeof e->err, "connect to %s port %u: no answer in %.1f s", e->o->target, e->o->port, timeout);
		goto fail;
	}
	if (getsockopt(e->tfd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
		snprintf(e->err, sizeof e->err, "connect to %s port %u: %s", e->o->target, e->o->port, strerror(soerr));
		goto fail;
	}
	sl = sizeof e->local;
	getsockname(e->tfd, (struct sockaddr *)&e->local, &sl);
	if (open_gre(e) < 0)
		goto fail;
	conn_up(e);
	return 0;
fail:
	close(e->tfd);
	e->tfd = -1;
	return -1;
}

int cf_ep_listen(cf_ep *e)
{
	int one = 1;
	struct sockaddr_storage ss;
	socklen_t len;

	if (e->o->listen_fd && *e->o->listen_fd >= 0) {
		/* the run's listening socket, kept across scenarios so clients are never refused */
		parse_addr(e->o->listen, e->o->port, &ss, &len);
		e->family = ss.ss_family;
		e->lfd = *e->o->listen_fd;
		e->lfd_shared = 1;
		return 0;
	}
	if (parse_addr(e->o->listen, e->o->port, &ss, &len) < 0) {
		snprintf(e->err, sizeof e->err, "%s: not a numeric IPv4 or IPv6 address", e->o->listen);
		return -1;
	}
	e->family = ss.ss_family;
	e->lfd = socket(e->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->lfd < 0)
		return -1;
	(void)setsockopt(e->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(e->lfd, (struct sockaddr *)&ss, len) < 0 || listen(e->lfd, 8) < 0) {
		snprintf(e->err, sizeof e->err, "listen on %s port %u: %s", e->o->listen, e->o->port, strerror(errno));
		close(e->lfd);
		e->lfd = -1;
		return -1;
	}
	if (e->o->listen_fd) {
		*e->o->listen_fd = e->lfd;
		e->lfd_shared = 1;
	}
	return 0;
}

int cf_ep_accept(cf_ep *e, double timeout)
{
	struct pollfd pfd;
	socklen_t sl;

	pfd.fd = e->lfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)(timeout * 1000)) <= 0) {
		snprintf(e->err, sizeof e->err, "no client connected in %.1f s", timeout);
		return -1;
	}
	e->alen = sizeof e->peer;
	e->tfd = accept4(e->lfd, (struct sockaddr *)&e->peer, &e->alen, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (e->tfd < 0) {
		snprintf(e->err, sizeof e->err, "accept: %s", strerror(errno));
		return -1;
	}
	sl = sizeof e->local;
	getsockname(e->tfd, (struct sockaddr *)&e->local, &sl);
	if (open_gre(e) < 0)
		return -1;
	conn_up(e);
	return 0;
}

void cf_ep_disconnect(cf_ep *e, int rst)
{
	pt_where at;

	if (e->tfd >= 0) {
		at = where_now(e);
		if (rst) {
			struct linger lg = { 1, 0 };
			(void)setsockopt(e->tfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		}
		record_tcp(e, 1, rst ? PT_TH_RST : (PT_TH_FIN | PT_TH_ACK), NULL, 0, &at);
		if (e->chk && e->chk_conn)
			pt_tunnel_ctrl_close(e->chk, e->chk_conn, rst ? PT_END_RST : PT_END_FIN, our_tcpdir(e), 0, NULL, &at);
		close(e->tfd);
		e->tfd = -1;
	}
	if (e->gfd >= 0) {
		if (!e->gfd_shared)
			close(e->gfd);
		e->gfd = -1;
	}
	if (e->chk) {
		at = where_now(e);
		e->pktno--;
		pt_tunnel_finish(e->chk, &at);
	}
}

/* ---- control connection ---- */

int cf_ep_send_ctrl_bytes(cf_ep *e, const uint8_t *b, size_t n, const size_t *split, int nsplit, double gap)
{
	size_t off = 0;
	int i = 0;

	if (e->tfd < 0) {
		snprintf(e->err, sizeof e->err, "no control connection");
		return -1;
	}
	while (off < n) {
		size_t chunk = n - off;
		pt_where at;
		if (nsplit > 0) {
			chunk = split[i < nsplit ? i : nsplit - 1];
			if (chunk == 0 || chunk > n - off)
				chunk = n - off;
			i++;
		}
		/* one write per segment; blocking briefly is fine on a connected socket with room */
		ssize_t wr = send(e->tfd, b + off, chunk, MSG_NOSIGNAL);
		if (wr < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { e->tfd, POLLOUT, 0 };
			if (poll(&pfd, 1, 2000) <= 0) {
				snprintf(e->err, sizeof e->err, "control connection: peer not reading");
				return -1;
			}
			continue;
		}
		if (wr <= 0) {
			snprintf(e->err, sizeof e->err, "control connection: %s", strerror(errno));
			e->closed = 1;
			return -1;
		}
		at = where_now(e);
		record_tcp(e, 1, PT_TH_ACK | PT_TH_PSH, b + off, (size_t)wr, &at);
		check_tcp(e, 1, b + off, (size_t)wr, &at);
		off += (size_t)wr;
		if (nsplit > 0 && off < n) {
			/* separate segments on the wire; a long gap keeps answering the peer meanwhile */
			int64_t dl = cf_now_us() + (int64_t)(gap * 1e6);
			if (gap < 0.01)
				usleep((useconds_t)(gap * 1e6));
			else
				while (cf_now_us() < dl && e->tfd >= 0)
					(void)cf_ep_poll(e, dl);
			if (e->tfd < 0)
				return -1;
		}
	}
	return 0;
}

void cf_ep_ctrl_template(cf_ep *e, uint16_t type, pt_ctrl_msg *m)
{
	/* lib/pptp's valid message, then this endpoint's names, numbers, Call IDs and windows */
	pt_ctrl_init_valid(m, type);
	switch (type) {
	case PT_CTRL_SCCRQ:
		m->u.sccrq.firmware_rev = 1;
		pt_ctrl_str64_set(&m->u.sccrq.host_name, "pptp-conform");
		pt_ctrl_str64_set(&m->u.sccrq.vendor, "pptp-suite");
		break;
	case PT_CTRL_SCCRP:
		m->u.sccrp.max_channels = 16;
		m->u.sccrp.firmware_rev = 1;
		pt_ctrl_str64_set(&m->u.sccrp.host_name, "pptp-conform");
		pt_ctrl_str64_set(&m->u.sccrp.vendor, "pptp-suite");
		break;
	case PT_CTRL_ECHORQ:
		m->u.echorq.id = ++e->echo_id;
		break;
	case PT_CTRL_OCRQ:
		/* RFC 2637 2.7 */
		m->u.ocrq.call_id = e->our_call_id;
		m->u.ocrq.call_serial = e->call_serial;
		m->u.ocrq.min_bps = 2400;
		m->u.ocrq.max_bps = 10000000;
		m->u.ocrq.recv_window = e->k.recv_window;
		break;
	case PT_CTRL_OCRP:
		m->u.ocrp.call_id = e->our_call_id;
		m->u.ocrp.peer_call_id = e->peer_call_id;
		m->u.ocrp.connect_speed = 10000000;
		m->u.ocrp.recv_window = e->k.recv_window;
		break;
	case PT_CTRL_ICRQ:
		m->u.icrq.call_id = e->our_call_id;
		m->u.icrq.call_serial = e->call_serial;
		m->u.icrq.bearer_type = PT_BEARER_DIGITAL;
		break;
	case PT_CTRL_ICRP:
		m->u.icrp.call_id = e->our_call_id;
		m->u.icrp.peer_call_id = e->peer_call_id;
		m->u.icrp.recv_window = e->k.recv_window;
		break;
	case PT_CTRL_ICCN:
		m->u.iccn.peer_call_id = e->peer_call_id;
		m->u.iccn.connect_speed = 10000000;
		m->u.iccn.recv_window = e->k.recv_window;
		m->u.iccn.framing_type = PT_FRAMING_SYNC;
		break;
	case PT_CTRL_CCRQ:
		/* RFC 2637 2.12: the PNS's own Call ID */
		m->u.ccrq.call_id = e->our_call_id;
		break;
	case PT_CTRL_CDN:
		m->u.cdn.call_id = e->our_call_id;
		m->u.cdn.result = 3; /* Admin Shutdown: we end the call ourselves */
		break;
	case PT_CTRL_WEN:
		m->u.wen.peer_call_id = e->peer_call_id;
		break;
	case PT_CTRL_SLI:
		m->u.sli.peer_call_id = e->peer_call_id;
		break;
	default:
		break;
	}
}

void cf_ep_ctrl_sent(cf_ep *e, const pt_ctrl_msg *m)
{
	if (m->type == PT_CTRL_OCRQ)
		e->our_call_id = m->u.ocrq.call_id;
	if (m->type == PT_CTRL_ECHORQ)
		e->echo_id = m->u.echorq.id;
}

static void ctrl_auto(cf_ep *e, const pt_ctrl_msg *m)
{
	uint8_t buf[256];
	pt_writer w = pt_wr(buf, sizeof buf);
	pt_ctrl_msg r;

	switch (m->type) {
	case PT_CTRL_ECHORQ:
		if (!e->k.auto_echo)
			return;
		/* RFC 2637 2.6: the reply carries the request's Identifier */
		cf_ep_ctrl_template(e, PT_CTRL_ECHORP, &r);
		r.u.echorp.id = m->u.echorq.id;
		if (pt_ctrl_build(&r, &w) == PT_OK)
			(void)cf_ep_send_ctrl_bytes(e, buf, pt_wlen(&w), NULL, 0, 0);
		break;
	case PT_CTRL_OCRP:
		if (m->u.ocrp.peer_call_id == e->our_call_id && m->u.ocrp.result == PT_CTRL_RESULT_OK) {
			e->peer_call_id = m->u.ocrp.call_id;
			e->peer_window = m->u.ocrp.recv_window;
			e->call_up = 1;
		}
		break;
	case PT_CTRL_OCRQ:
		e->peer_call_id = m->u.ocrq.call_id;
		e->peer_window = m->u.ocrq.recv_window;
		break;
	case PT_CTRL_ICRP:
		if (m->u.icrp.peer_call_id == e->our_call_id && m->u.icrp.result == PT_CTRL_RESULT_OK) {
			e->peer_call_id = m->u.icrp.call_id;
			e->peer_window = m->u.icrp.recv_window;
		}
		break;
	case PT_CTRL_ICRQ:
		e->peer_call_id = m->u.icrq.call_id;
		break;
	case PT_CTRL_CDN:
	case PT_CTRL_CCRQ:
		e->call_up = 0;
		break;
	default:
		break;
	}
}

static void ctrl_input(cf_ep *e)
{
	size_t off = 0;

	while (e->tlen - off >= 2) {
		pt_cursor c = pt_cur(e->tbuf + off, e->tlen - off);
		size_t mlen;
		int rc = pt_ctrl_frame_len(&c, &mlen);
		cf_ctrl_rx *q;

		if (rc == PT_EINVAL) {
			/* an impossible Length: the stream cannot be framed any more; keep it as one unparsed message */
			mlen = e->tlen - off;
		} else if (rc != PT_OK || mlen > e->tlen - off) {
			break;
		}
		if (e->cq_n >= e->cq_cap)
			break; /* a flood: the rest waits in the stream (and TCP pushes back) until the scenario takes these */
		q = &e->cq[(e->cq_head + e->cq_n) % e->cq_cap];
		memset(q, 0, sizeof *q);
		q->t = cf_now_us();
		q->len = mlen;
		c = pt_cur(e->tbuf + off, mlen);
		q->rc = pt_ctrl_parse(&c, &q->m, NULL, NULL);
		pt_fmt_ctrl(&q->m, q->rc, e->role == CF_PNS ? PT_DIR_PAC : PT_DIR_PNS, q->line, sizeof q->line);
		if (q->rc == PT_EINVAL && rc == PT_EINVAL)
			snprintf(q->line, sizeof q->line, "? bad Length");
		e->cq_n++;
		e->ctrl_rx_total++;
		off += mlen;
		if (q->rc == PT_OK)
			ctrl_auto(e, &q->m);
	}
	memmove(e->tbuf, e->tbuf + off, e->tlen - off);
	e->tlen -= off;
}

static void tcp_readable(cf_ep *e)
{
	uint8_t b[4096];
	size_t room = sizeof e->tbuf - e->tlen;
	ssize_t n;

	if (room == 0)
		return;
	n = recv(e->tfd, b, room < sizeof b ? room : sizeof b, 0);
	pt_where at;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		e->closed = 1;
		e->close_rst = n < 0 && errno == ECONNRESET;
		at = where_now(e);
		record_tcp(e, 0, e->close_rst ? PT_TH_RST : (PT_TH_FIN | PT_TH_ACK), NULL, 0, &at);
		if (e->chk && e->chk_conn)
			pt_tunnel_ctrl_close(e->chk, e->chk_conn, e->close_rst ? PT_END_RST : PT_END_FIN,
					     !our_tcpdir(e), e->tlen, NULL, &at);
		e->chk_conn = NULL;
		close(e->tfd);
		e->tfd = -1;
		return;
	}
	if (n < 0)
		return;
	cf_ep_feed_ctrl(e, b, (size_t)n);
}

void cf_ep_feed_ctrl(cf_ep *e, const uint8_t *b, size_t n)
{
	pt_where at = where_now(e);

	if (n > sizeof e->tbuf - e->tlen)
		n = sizeof e->tbuf - e->tlen; /* the socket path never reads more than there is room for */
	record_tcp(e, 0, PT_TH_ACK | PT_TH_PSH, b, n, &at);
	check_tcp(e, 0, b, n, &at);
	e->tcp_bytes_rx += (uint64_t)n;
	memcpy(e->tbuf + e->tlen, b, n);
	e->tlen += n;
	ctrl_input(e);
}

/* ---- GRE and PPP ---- */

/* RFC 2637 4.4: no more unacknowledged packets in flight than the peer's receive window. */
static void wait_for_window(cf_ep *e)
{
	int64_t dl;

	if (!e->peer_window || e->in_window_wait || !e->k.gre_seq)
		return;
	dl = cf_now_us() + 1000000; /* bounded: a peer that never acknowledges gets its window overrun after 1 s */
	e->in_window_wait = 1;
	for (;;) {
		e->gtx.peer_window = e->peer_window;
		if (pt_gre_tx_window_open(&e->gtx) || cf_now_us() >= dl || e->gfd < 0)
			break;
		e->window_waits++;
		(void)cf_ep_poll(e, dl);
	}
	e->in_window_wait = 0;
}

int cf_ep_send_gre(cf_ep *e, const cf_gre_ov *ov, const uint8_t *payload, size_t len)
{
	uint8_t buf[CF_MAXPKT + 32];
	pt_writer w = pt_wr(buf, sizeof buf);
	pt_gre_hdr h;
	pt_where at;

	if (e->gfd < 0) {
		snprintf(e->err, sizeof e->err, "no GRE socket");
		return -1;
	}
	if (len && !(ov && (ov->no_seq || ov->has_seq)))
		wait_for_window(e);
	/* RFC 2637 4.1: the key's Call ID is the peer's */
	{
		/* lib/gre's sending side numbers the packet and acknowledges what came (RFC 2637 4.2) */
		uint8_t due = e->gtx.ack_due;
		pt_gre_tx_next(&e->gtx, &h, e->peer_call_id, len && e->k.gre_seq && !(ov && (ov->no_seq || ov->has_seq)));
		if (!e->k.auto_ack || (ov && ov->no_ack)) {
			h.has_ack = h.a = 0;
			e->gtx.ack_due = due;
		}
	}
	if (ov) {
		if (ov->has_seq) {
			h.has_seq = h.s = 1;
			h.seq = ov->seq;
		}
		if (ov->has_ack) {
			h.has_ack = h.a = 1;
			h.ack = ov->ack;
		}
		if (ov->has_call)
			h.call_id = ov->call_id;
		if (ov->has_proto)
			h.protocol = ov->proto;
		if (ov->has_flags) {
			h.c = (ov->flags_ver & PT_GRE_F_C) != 0;
			h.r = (ov->flags_ver & PT_GRE_F_R) != 0;
			h.k = (ov->flags_ver & PT_GRE_F_K) != 0;
			h.ssr = (ov->flags_ver & PT_GRE_F_SSR) != 0;
			h.recur = (uint8_t)((ov->flags_ver & PT_GRE_RECUR_MASK) >> 8);
			h.flags = (uint8_t)((ov->flags_ver & PT_GRE_FLAGS_MASK) >> 3);
			h.ver = (uint8_t)(ov->flags_ver & PT_GRE_VER_MASK);
		}
	}
	if (pt_gre_build(&h, payload, len, &w) != PT_OK)
		return -1;
	if (ov && ov->has_key_len && pt_wlen(&w) >= 6) {
		buf[4] = (uint8_t)(ov->key_len >> 8);
		buf[5] = (uint8_t)ov->key_len;
	}
	if (len && e->k.loss && cf_rand32(e->rng) % 100 < e->k.loss) {
		/* test knob: lost between us and the capture point: numbers used, nothing sent or recorded */
		e->gre_lost++;
		return 0;
	}
	struct sockaddr_storage to = e->peer;
	if (e->family == AF_INET)
		((struct sockaddr_in *)(void *)&to)->sin_port = 0;
	else
		((struct sockaddr_in6 *)(void *)&to)->sin6_port = 0;
	if ((e->gfd_shared ? sendto(e->gfd, buf, pt_wlen(&w), 0, (struct sockaddr *)&to, e->alen)
			   : send(e->gfd, buf, pt_wlen(&w), 0)) < 0) {
		snprintf(e->err, sizeof e->err, "GRE send: %s", strerror(errno));
		return -1;
	}
	e->gre_tx++;
	at = where_now(e);
	record_gre(e, 1, buf, pt_wlen(&w), &at);
	check_gre(e, 1, buf, pt_wlen(&w), &at);
	return 0;
}

static int is_data_proto(uint16_t p)
{
	return p >= PT_MPPE_PROTO_MIN && p <= PT_MPPE_PROTO_MAX;
}

/* --write-inner: one clear inner packet as a Linux cooked capture on ppp0 shows it (outgoing = sent by us). */
static void record_inner(cf_ep *e, int from_us, uint16_t proto, const uint8_t *p, size_t len)
{
	uint8_t b[CF_MAXPKT + 16];

	if (!e->inner || !e->inner->f || len > CF_MAXPKT || (proto != PT_PPP_IP && proto != PT_PPP_IPV6))
		return;
	memset(b, 0, 16);
	b[1] = from_us ? 4 : 0;           /* packet type: outgoing / to us */
	b[2] = 0x02;                      /* ARPHRD_PPP (512) */
	b[14] = proto == PT_PPP_IP ? 0x08 : 0x86;
	b[15] = proto == PT_PPP_IP ? 0x00 : 0xdd;
	memcpy(b + 16, p, len);
	cf_pcap_write(e->inner, cf_now_us(), b, len + 16);
}

int cf_ep_send_ppp(cf_ep *e, uint16_t proto, const uint8_t *info, size_t len)
{
	uint8_t frame[CF_MAXPKT + 16], plain[CF_MAXPKT + 4], enc[CF_MAXPKT + 16];
	pt_writer w = pt_wr(frame, sizeof frame);

	record_inner(e, 1, proto, info, len);
	if (len > CF_MAXPKT)
		return -1;
	if (e->mppe_on && is_data_proto(proto) && !e->k.mppe_clear_d) {
		/* RFC 3078 3: the protocol field and the data are encrypted, sent as protocol 0x00FD */
		pt_writer pw = pt_wr(plain, sizeof plain), ew = pt_wr(enc, sizeof enc);
		pt_mppe_info mi;
		pt_put_u16(&pw, proto);
		pt_put_bytes(&pw, info, len);
		while (e->k.mppe_skip_cc) {
			/* test knob: coherency counts the peer never sees (a loss on the wire) */
			uint8_t junk[CF_MAXPKT + 16];
			pt_writer jw = pt_wr(junk, sizeof junk);
			(void)pt_mppe_encrypt(&e->mtx, 0, plain, pt_wlen(&pw), &jw, &mi);
			e->k.mppe_skip_cc--;
		}
		if (pt_mppe_encrypt(&e->mtx, 0, plain, pt_wlen(&pw), &ew, &mi) != PT_OK)
			return -1;
		if (pt_ppp_build(PT_PPP_COMP, 0, 0, enc, pt_wlen(&ew), &w) != PT_OK)
			return -1;
	} else if (pt_ppp_build(proto, 0, 0, info, len, &w) != PT_OK) {
		return -1;
	}
	return cf_ep_send_gre(e, NULL, frame, pt_wlen(&w));
}

static void queue_ppp(cf_ep *e, uint16_t proto, const uint8_t *info, size_t len, int decrypted)
{
	cf_ppp_rx *q;
	uint8_t fr[CF_MAXPKT + 4];
	uint8_t alg = 0;

	if (len > CF_MAXPKT)
		len = CF_MAXPKT;
	if (e->pq_n >= e->pq_cap) {
		e->pq_head = (e->pq_head + 1) % e->pq_cap;
		e->pq_n--;
	}
	q = &e->pq[(e->pq_head + e->pq_n) % e->pq_cap];
	q->t = cf_now_us();
	q->proto = proto;
	q->decrypted = (uint8_t)decrypted;
	q->len = len;
	memcpy(q->data, info, len);
	fr[0] = (uint8_t)(proto >> 8);
	fr[1] = (uint8_t)proto;
	memcpy(fr + 2, info, len);
	if (e->auth_method >= PT_AUTHM_CHAP_MD5) {
		uint16_t p;
		pt_authm_to_opt(e->auth_method, &p, &alg);
	}
	pt_fmt_ppp(fr, len + 2, alg, q->line, sizeof q->line);
	e->pq_n++;
	e->ppp_rx_total++;
}

static void mppe_setup(cf_ep *e)
{
	const pt_cpeng_result *r = pt_cpeng_result_get(&e->cp[PT_CPK_CCP]);
	uint8_t send[16], recv[16];
	int bits = (r->tx_bits & PT_CCP_MPPE_S) ? 128 : (r->tx_bits & PT_CCP_MPPE_M) ? 56 : (r->tx_bits & PT_CCP_MPPE_L) ? 40 : 0;
	int rbits = (r->rx_bits & PT_CCP_MPPE_S) ? 128 : (r->rx_bits & PT_CCP_MPPE_M) ? 56 : (r->rx_bits & PT_CCP_MPPE_L) ? 40 : 0;

	if (!bits || !rbits || e->auth.status != PT_AUTHS_SUCCESS)
		return;
	if (pt_authpeer_mppe_keys(&e->auth, bits, 1, send, recv) != PT_OK)
		return;
	pt_mppe_done(&e->mtx);
	pt_mppe_done(&e->mrx);
	/* RFC 3078 2: H in the acked request means stateless; the Linux kernel rekeys on every FLUSHED packet */
	if (pt_mppe_init(&e->mtx, send, bits, (r->tx_bits & PT_CCP_MPPE_H) ? PT_MPPE_OPT_STATELESS
				: e->k.mppe_rfc_stateful ? 0 : PT_MPPE_OPT_FLUSH_REKEYS) != PT_OK)
		return;
	if (pt_authpeer_mppe_keys(&e->auth, rbits, 1, send, recv) != PT_OK)
		return;
	e->mrx_stateless = (r->rx_bits & PT_CCP_MPPE_H) != 0;
	if (pt_mppe_init(&e->mrx, recv, rbits, e->mrx_stateless ? PT_MPPE_OPT_STATELESS : 0) != PT_OK)
		return;
	explicit_bzero(send, sizeof send);
	explicit_bzero(recv, sizeof recv);
	e->mppe_bits = bits;
	e->mppe_on = 1;
}

static void start_ncps(cf_ep *e)
{
	int64_t now = cf_now_us();

	if (e->pol.ccp.want_bits && !e->cp_started[PT_CPK_CCP]) {
		e->cp_started[PT_CPK_CCP] = 1;
		pt_cpeng_open(&e->cp[PT_CPK_CCP], now);
		pt_cpeng_up(&e->cp[PT_CPK_CCP], now);
	}
	/* RFC 3078 4 and pppd: with MPPE required, a peer drops NCP packets until CCP is up, so IPCP follows CCP */
	if (!e->cp_started[PT_CPK_IPCP] && (!e->pol.ccp.want_bits || e->mppe_on)) {
		e->cp_started[PT_CPK_IPCP] = 1;
		pt_cpeng_open(&e->cp[PT_CPK_IPCP], now);
		pt_cpeng_up(&e->cp[PT_CPK_IPCP], now);
	}
}

static void auth_send(cf_ep *e, const uint8_t *b, size_t n)
{
	(void)cf_ep_send_ppp(e, pt_authpeer_proto(e->auth_method), b, n);
}

static void start_auth(cf_ep *e)
{
	const pt_cpeng_result *r = pt_cpeng_result_get(&e->cp[PT_CPK_LCP]);
	uint8_t buf[PT_AUTHPEER_MAX_PKT], chal[16];
	pt_writer w = pt_wr(buf, sizeof buf);
	int m = e->role == CF_PNS ? r->peer_auth : r->our_auth;

	e->auth_method = m;
	if (m == PT_AUTHM_NONE) {
		start_ncps(e);
		return;
	}
	e->auth_started = 1;
	if (e->role == CF_PNS) {
		cf_rand_bytes(e->rng, chal, 16);
		pt_authpeer_client_init(&e->auth, m, &e->cred, chal, &e->k.auth);
	} else {
		cf_rand_bytes(e->rng, chal, 16);
		pt_authpeer_server_init(&e->auth, m, &e->cred, chal, &e->k.auth);
	}
	if (pt_authpeer_start(&e->auth, (uint8_t)cf_rand32(e->rng), &w) == 1)
		auth_send(e, buf, pt_wlen(&w));
}

static void cp_send(void *user, int kind, const uint8_t *pkt, size_t len)
{
	cf_ep *e = user;

	(void)cf_ep_send_ppp(e, pt_cp_kind_proto(kind), pkt, len);
}

static void cp_up(void *user, int kind)
{
	cf_ep *e = user;

	if (kind >= 0 && kind < PT_CPK__N)
		e->cp_was_open[kind] = 1;
	if (kind == PT_CPK_LCP)
		start_auth(e);
	else if (kind == PT_CPK_CCP) {
		mppe_setup(e);
		start_ncps(e);
	}
}

static void cp_down(void *user, int kind)
{
	cf_ep *e = user;

	if (kind == PT_CPK_CCP)
		e->mppe_on = 0;
	if (kind == PT_CPK_LCP) {
		/* RFC 1661 3.7: with LCP down the network-layer protocols are down too (their lower layer) */
		int64_t now = cf_now_us();
		for (int k = PT_CPK_LCP + 1; k < PT_CPK__N; k++)
			if (e->cp_started[k])
				pt_cpeng_down(&e->cp[k], now);
		e->mppe_on = 0;
	}
}

static void cp_other(void *user, int kind, const pt_cp_pkt *p)
{
	cf_ep *e = user;

	if (kind == PT_CPK_CCP && p->code == PT_CP_RESET_REQ) {
		/* RFC 3078 8.2 / RFC 1962 3: the peer lost sync: our next packet re-initialises; acknowledge */
		e->reset_req_rcvd++;
		if (e->mppe_on)
			pt_mppe_reset_request(&e->mtx);
		(void)pt_cpeng_send_code(&e->cp[PT_CPK_CCP], PT_CP_RESET_ACK, p->id, NULL, 0);
	}
	if (kind == PT_CPK_LCP && p->code == PT_CP_PROTO_REJ) {
		int k = pt_cp_kind_of(p->rej_proto);
		if (k > 0)
			pt_cpeng_proto_rejected(&e->cp[k], cf_now_us());
	}
}

void cf_ep_ppp_start(cf_ep *e)
{
	pt_cpeng_cb cb;
	int64_t now = cf_now_us();

	memset(&cb, 0, sizeof cb);
	cb.user = e;
	cb.send = cp_send;
	cb.up = cp_up;
	cb.down = cp_down;
	cb.other = cp_other;
	if (e->o->timeout > 0 && e->pol.restart_us == 0 && e->o->timeout < 3)
		e->pol.restart_us = (int64_t)(e->o->timeout * 1000000 / 3);
	for (int k = 0; k < PT_CPK__N; k++) {
		pt_cpeng_init(&e->cp[k], k, &e->pol, &cb);
		e->cp_started[k] = 0;
		e->cp_was_open[k] = 0;
	}
	e->k.ppp_auto = 1;
	e->cp_started[PT_CPK_LCP] = 1;
	pt_cpeng_open(&e->cp[PT_CPK_LCP], now);
	pt_cpeng_up(&e->cp[PT_CPK_LCP], now);
	/* an LCP Configure-Request that came before we started is answered now, not after its Restart timer */
	for (unsigned i = 0; i < e->pq_n; i++) {
		cf_ppp_rx *q = cf_ep_ppp_at(e, i);
		if (q->proto == PT_PPP_LCP && !q->decrypted && q->len >= 4 && q->data[0] == PT_CP_CONF_REQ)
			(void)pt_cpeng_input(&e->cp[PT_CPK_LCP], q->data, q->len, now);
	}
}

static void inner_ip(cf_ep *e, const uint8_t *p, size_t len)
{
	pt_cursor c = pt_cur(p, len);
	pt_ip ip;

	if (pt_ip_parse(&c, &ip, NULL, NULL) != PT_OK || ip.version != 4 || ip.proto != 1 || ip.payload_len < 8)
		return;
	const uint8_t *icmp = ip.payload;
	if (icmp[0] == 0) {
		/* RFC 792: an echo reply to one of ours, checksum and identifier checked */
		uint16_t id = (uint16_t)(icmp[4] << 8 | icmp[5]);
		if (id == e->ping_id && pt_ip_cksum(icmp, ip.payload_len) == 0)
			e->pongs_rcvd++;
		else
			e->pongs_bad++;
	} else if (icmp[0] == 8) {
		/* answer the peer's ping: addresses swapped, type 0 */
		uint8_t rep[CF_MAXPKT], pkt[CF_MAXPKT + 64];
		pt_ip r;
		pt_writer w = pt_wr(pkt, sizeof pkt);
		e->echo_req_rcvd++;
		if (ip.payload_len > sizeof rep)
			return;
		memcpy(rep, icmp, ip.payload_len);
		rep[0] = 0;
		rep[2] = rep[3] = 0;
		uint16_t ck = pt_ip_cksum(rep, ip.payload_len);
		rep[2] = (uint8_t)(ck >> 8);
		rep[3] = (uint8_t)ck;
		memset(&r, 0, sizeof r);
		r.version = 4;
		memcpy(r.src, ip.dst, 16);
		memcpy(r.dst, ip.src, 16);
		r.proto = 1;
		r.ttl = 64;
		r.frag_id = e->ipid++;
		if (pt_ip_build(&w, &r, rep, ip.payload_len) == PT_OK && cf_ep_send_ppp(e, PT_PPP_IP, pkt, pt_wlen(&w)) == 0)
			e->echo_rep_sent++;
	}
}

static void ppp_dispatch(cf_ep *e, uint16_t proto, const uint8_t *info, size_t len, int decrypted)
{
	int64_t now = cf_now_us();
	int k = pt_cp_kind_of(proto);

	queue_ppp(e, proto, info, len, decrypted);
	record_inner(e, 0, proto, info, len);
	if (!e->k.ppp_auto)
		return;
	if (k >= 0 && proto != PT_PPP_CCP_LINK) {
		if (e->cp_started[k] || k == PT_CPK_LCP)
			(void)pt_cpeng_input(&e->cp[k], info, len, now);
		else if (k != PT_CPK_LCP && pt_cpeng_is_open(&e->cp[PT_CPK_LCP])) {
			/* a protocol we have not started yet: start it now (RFC 1661 3.5: NCPs after authentication) */
			if (e->auth.status == PT_AUTHS_SUCCESS || e->auth_method == PT_AUTHM_NONE) {
				e->cp_started[k] = 1;
				pt_cpeng_open(&e->cp[k], now);
				pt_cpeng_up(&e->cp[k], now);
				(void)pt_cpeng_input(&e->cp[k], info, len, now);
			}
		}
		return;
	}
	if (proto == PT_PPP_PAP || proto == PT_PPP_CHAP) {
		uint8_t buf[PT_AUTHPEER_MAX_PKT];
		pt_writer w = pt_wr(buf, sizeof buf);
		int before = e->auth.status;
		if (!e->auth_started)
			return;
		if (e->k.auth_silent)
			return;
		if (pt_authpeer_input(&e->auth, proto, info, len, &w) == 1)
			auth_send(e, buf, pt_wlen(&w));
		if (before != PT_AUTHS_SUCCESS && e->auth.status == PT_AUTHS_SUCCESS)
			start_ncps(e);
		if (e->auth.status == PT_AUTHS_FAILURE || e->auth.status == PT_AUTHS_FORGED)
			pt_cpeng_close(&e->cp[PT_CPK_LCP], "Authentication failed", now);
		return;
	}
	if (proto == PT_PPP_IP) {
		inner_ip(e, info, len);
		return;
	}
	if (proto == PT_PPP_IPV6)
		return;
	if (pt_cpeng_is_open(&e->cp[PT_CPK_LCP])) {
		/* RFC 1661 5.7: an unsupported protocol is answered with Protocol-Reject */
		uint8_t rej[CF_MAXPKT + 2];
		size_t n = len > 1400 ? 1400 : len;
		rej[0] = (uint8_t)(proto >> 8);
		rej[1] = (uint8_t)proto;
		memcpy(rej + 2, info, n);
		(void)pt_cpeng_send_code(&e->cp[PT_CPK_LCP], PT_CP_PROTO_REJ, -1, rej, n + 2);
	}
}

static void mppe_input(cf_ep *e, const uint8_t *info, size_t len)
{
	uint8_t out[CF_MAXPKT + 16];
	size_t olen = 0;
	pt_cursor c = pt_cur(info, len);
	pt_mppe_info mi;
	uint16_t proto;
	size_t plen;
	int rc;

	if (!e->mppe_on) {
		queue_ppp(e, PT_PPP_COMP, info, len, 0);
		return;
	}
	rc = pt_mppe_decrypt(&e->mrx, &c, out, sizeof out, &olen, &mi);
	/* a stateful FLUSHED packet from a sender that rekeys on it (Linux, and our own sender): the plain
	   check alone passes 3 garbage frames in 4 (a 1-octet protocol field is any odd octet), so the rekeyed
	   decryption is tried unless the first one gave IP or IPv6 */
	if (rc == PT_OK && !(pt_mppe_check_plain(out, olen, &proto, &plen) == PT_OK && (proto == PT_PPP_IP || proto == PT_PPP_IPV6)) &&
	    !e->mrx_stateless &&
	    (mi.hdr.bits & PT_MPPE_BIT_A) && !(mi.ev & PT_MPPE_EV_FLAG_PACKET) &&
	    pt_mppe_redo_flush_rekey(&e->mrx, info + mi.data_off, mi.data_len, out) == PT_OK)
		olen = mi.data_len;
	if (rc != PT_OK || pt_mppe_check_plain(out, olen, &proto, &plen) != PT_OK) {
		e->mppe_rx_fail++;
		queue_ppp(e, PT_PPP_COMP, info, len, 0);
		if ((mi.ev & PT_MPPE_EV_NEED_RESET) && !e->k.no_reset_req) {
			/* RFC 3078 8.2: stateful receiver out of sync asks for a reset */
			e->reset_req_sent++;
			(void)pt_cpeng_send_code(&e->cp[PT_CPK_CCP], PT_CP_RESET_REQ, -1, NULL, 0);
		}
		return;
	}
	e->mppe_rx_ok++;
	ppp_dispatch(e, proto, out + plen, olen - plen, 1);
}

void cf_ep_gre_in(cf_ep *e, const uint8_t *b, size_t n)
{
	pt_cursor c;
	pt_gre_hdr h;
	pt_ppp_frame f;
	const uint8_t *gre = b;
	size_t glen;
	pt_where at;

	if (n == 0)
		return;
	glen = n;
	if (e->family == AF_INET) {
		/* IPv4 raw sockets deliver the IP header too */
		pt_ip ip;
		c = pt_cur(b, n);
		if (pt_ip_parse(&c, &ip, NULL, NULL) != PT_OK || ip.proto != PT_GRE_IPPROTO)
			return;
		gre = ip.payload;
		glen = ip.payload_len;
	}
	at = where_now(e);
	record_gre(e, 0, gre, glen, &at);
	check_gre(e, 0, gre, glen, &at);
	e->gre_rx++;
	c = pt_cur(gre, glen);
	if (pt_gre_parse(&c, &h, NULL, NULL) != PT_OK || h.call_id != e->our_call_id) {
		e->gre_bad++;
		return;
	}
	pt_gre_tx_on_rx(&e->gtx, &h);
	if (!pt_left(&c))
		return;
	c = pt_cur(c.p, pt_left(&c) < h.payload_len ? pt_left(&c) : h.payload_len);
	if (pt_ppp_parse(&c, &f) != PT_OK)
		return;
	if (f.proto == PT_PPP_COMP)
		mppe_input(e, f.info.p, pt_left(&f.info));
	else
		ppp_dispatch(e, f.proto, f.info.p, pt_left(&f.info), 0);
}

static void gre_readable(cf_ep *e)
{
	uint8_t b[CF_MAXPKT + 128];
	ssize_t n = recv(e->gfd, b, sizeof b, 0);

	if (n > 0)
		cf_ep_gre_in(e, b, (size_t)n);
}

static int64_t next_timer(cf_ep *e)
{
	int64_t d = -1;

	if (!e->k.ppp_auto)
		return -1;
	for (int k = 0; k < PT_CPK__N; k++) {
		int64_t x = pt_cpeng_deadline(&e->cp[k]);
		if (x >= 0 && (d < 0 || x < d))
			d = x;
	}
	return d;
}

int cf_ep_poll(cf_ep *e, int64_t deadline)
{
	struct pollfd pfd[2];
	int n = 0, got = 0;
	int64_t now = cf_now_us(), t = next_timer(e), until = deadline;

	if (t >= 0 && t < until)
		until = t;
	if (e->tfd >= 0 && e->tlen < sizeof e->tbuf) {
		pfd[n].fd = e->tfd;
		pfd[n].events = POLLIN;
		n++;
	}
	if (e->gfd >= 0) {
		pfd[n].fd = e->gfd;
		pfd[n].events = POLLIN;
		n++;
	}
	int ms = until > now ? (int)((until - now + 999) / 1000) : 0;
	int rc = poll(pfd, (nfds_t)n, ms);
	if (rc > 0) {
		for (int i = 0; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = 1;
			if (pfd[i].fd == e->tfd)
				tcp_readable(e);
			else if (pfd[i].fd == e->gfd) {
				/* drain what is queued, bounded so a flood cannot starve the clock */
				for (int j = 0; j < 64 && e->gfd >= 0; j++) {
					struct pollfd g = { e->gfd, POLLIN, 0 };
					if (j && poll(&g, 1, 0) <= 0)
						break;
					gre_readable(e);
				}
			}
		}
	}
	now = cf_now_us();
	if (e->k.ppp_auto)
		for (int k = 0; k < PT_CPK__N; k++)
			pt_cpeng_tick(&e->cp[k], now);
	if (e->gtx.ack_due && e->k.auto_ack && e->gfd >= 0)
		(void)cf_ep_send_gre(e, NULL, NULL, 0); /* RFC 2637 4.4: an ack-only packet */
	return got ? 1 : e->closed && e->tfd < 0 ? -1 : 0;
}

int cf_ep_ping(cf_ep *e, size_t size)
{
	const pt_cpeng_result *r = pt_cpeng_result_get(&e->cp[PT_CPK_IPCP]);
	uint8_t icmp[CF_MAXPKT], pkt[CF_MAXPKT + 64];
	pt_writer w = pt_wr(icmp, sizeof icmp), w2 = pt_wr(pkt, sizeof pkt);
	pt_ip ip;

	if (size + 8 > sizeof icmp)
		return -1;
	if (!e->ping_id)
		e->ping_id = (uint16_t)(cf_rand32(e->rng) | 1);
	pt_put_u8(&w, 8);
	pt_put_u8(&w, 0);
	pt_put_u16(&w, 0);
	pt_put_u16(&w, e->ping_id);
	pt_put_u16(&w, ++e->ping_seq);
	for (size_t i = 0; i < size; i++)
		pt_put_u8(&w, (uint8_t)(0x20 + i));
	pt_patch_u16(&w, 2, pt_ip_cksum(icmp, pt_wlen(&w)));
	memset(&ip, 0, sizeof ip);
	ip.version = 4;
	pt_ip_addr_v4(ip.src, r->local);
	pt_ip_addr_v4(ip.dst, r->peer);
	ip.proto = 1;
	ip.ttl = 64;
	ip.frag_id = e->ipid++;
	if (pt_ip_build(&w2, &ip, icmp, pt_wlen(&w)) != PT_OK)
		return -1;
	e->pings_sent++;
	return cf_ep_send_ppp(e, PT_PPP_IP, pkt, pt_wlen(&w2));
}

cf_ctrl_rx *cf_ep_ctrl_peek(cf_ep *e)
{
	return e->cq_n ? &e->cq[e->cq_head] : NULL;
}

void cf_ep_ctrl_pop(cf_ep *e)
{
	if (e->cq_n) {
		e->cq_head = (e->cq_head + 1) % e->cq_cap;
		e->cq_n--;
	}
	if (e->tlen)
		ctrl_input(e); /* what waited in the stream while the queue was full */
}

cf_ppp_rx *cf_ep_ppp_at(cf_ep *e, unsigned i)
{
	return i < e->pq_n ? &e->pq[(e->pq_head + i) % e->pq_cap] : NULL;
}

void cf_ep_ppp_drop(cf_ep *e, unsigned upto)
{
	if (upto > e->pq_n)
		upto = e->pq_n;
	e->pq_head = (e->pq_head + upto) % e->pq_cap;
	e->pq_n -= upto;
}

/* ---- many endpoints in one outside event loop (load.c) ---- */

int cf_ep_attach(cf_ep *e, int tfd, int gfd)
{
	socklen_t sl = sizeof e->peer;

	e->tfd = tfd;
	e->gfd = gfd;
	e->gfd_shared = 1;
	if (getpeername(tfd, (struct sockaddr *)&e->peer, &sl) < 0) {
		snprintf(e->err, sizeof e->err, "getpeername: %s", strerror(errno));
		return -1;
	}
	e->alen = sl;
	e->family = e->peer.ss_family;
	sl = sizeof e->local;
	getsockname(tfd, (struct sockaddr *)&e->local, &sl);
	conn_up(e);
	return 0;
}

void cf_ep_tcp_in(cf_ep *e)
{
	if (e->tfd >= 0 && e->tlen < sizeof e->tbuf)
		tcp_readable(e);
}

int64_t cf_ep_timers(cf_ep *e, int64_t now)
{
	if (e->k.ppp_auto)
		for (int k = 0; k < PT_CPK__N; k++)
			pt_cpeng_tick(&e->cp[k], now);
	if (e->gtx.ack_due && e->k.auto_ack && e->gfd >= 0)
		(void)cf_ep_send_gre(e, NULL, NULL, 0); /* RFC 2637 4.4: an ack-only packet */
	return next_timer(e);
}

int cf_ep_set_queues(cf_ep *e, unsigned cq, unsigned pq)
{
	if (e->cq_n || e->pq_n)
		return -1;
	if (cq) {
		cf_ctrl_rx *n = calloc(cq, sizeof *n);
		if (!n)
			return -1;
		free(e->cq);
		e->cq = n;
		e->cq_cap = cq;
		e->cq_head = 0;
	}
	if (pq) {
		cf_ppp_rx *n = calloc(pq, sizeof *n);
		if (!n)
			return -1;
		free(e->pq);
		e->pq = n;
		e->pq_cap = pq;
		e->pq_head = 0;
	}
	return 0;
}

/* A control connection between these addresses without sockets (tests and fuzzing): the checker runs,
 * whatever we send goes nowhere (cf_ep_send_* fail with "no control connection" / "no GRE socket"). */
void cf_ep_socketless(cf_ep *e, const struct sockaddr_storage *local, const struct sockaddr_storage *peer, socklen_t len)
{
	e->local = *local;
	e->peer = *peer;
	e->alen = len;
	e->family = peer->ss_family;
	checker_open(e);
}
