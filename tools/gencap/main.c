/* main.c: pptp-gencap: options, the schedule of control connections and calls, progress; the capture follows from --seed alone. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gencap.h"
#include "ip.h"
#include "version.h"

enum gc_sess_state { GC_S_SYN, GC_S_SYNACK, GC_S_ACK, GC_S_SCCRQ, GC_S_SCCRP, GC_S_RUN, GC_S_STOPRQ, GC_S_STOPRP,
		     GC_S_FIN1, GC_S_FIN2, GC_S_LAST, GC_S_DONE };

static void usage(FILE *f, int status)
{
	fputs("usage: pptp-gencap -o FILE [--size SIZE] [--seed N] [--sessions N] [--loss PPM] [--reorder PPM] [--keylog FILE] [-q]\n"
	      "  --size SIZE     capture size, with k/M/G suffix (default 10M)\n"
	      "  --seed N        the capture follows from N alone (default 1)\n"
	      "  --sessions N    control connections at once (default 8), up to 3 calls each\n"
	      "  --loss PPM      GRE data packets lost before the capture point, per million (default 1000)\n"
	      "  --reorder PPM   stateless data packets arriving after the next one, per million (default 1000)\n"
	      "  --keylog FILE   each direction's MPPE start key (for tools/bench/cryptofloor: a secret, as SSLKEYLOGFILE)\n"
	      "  -q              no progress line, no summary\n"
	      "  -h, --help, -V, --version\n"
	      "The password of every call is \"wonderland42\", user alice.\n", f);
	exit(status);
}

static int prof_pick(gc_rng *r)
{
	uint32_t x = gc_below(r, 100);

	/* most Windows and Linux peers: 128-bit stateless; some stateful, some 40-bit, some with MPPC */
	return x < 40 ? GC_P128_STATELESS : x < 60 ? GC_P128_STATEFUL : x < 72 ? GC_P40_STATELESS
		: x < 88 ? GC_P128_MPPC : GC_P40_STATEFUL;
}

static gc_sess *sess_new(gc_gen *g)
{
	gc_sess *s = calloc(1, sizeof *s);
	uint32_t h = (uint32_t)g->sessions++;

	if (!s)
		return NULL;
	s->g = g;
	s->state = GC_S_SYN;
	/* PNS: clients on the Internet (documentation ranges); PAC: one gateway */
	s->ip[0][0] = (uint8_t)(h % 2 ? 198 : 192), s->ip[0][1] = (uint8_t)(h % 2 ? 51 : 0);
	s->ip[0][2] = (uint8_t)(h % 2 ? 100 : 2), s->ip[0][3] = (uint8_t)(2 + (h / 2) % 250);
	s->ip[1][0] = 203, s->ip[1][1] = 0, s->ip[1][2] = 113, s->ip[1][3] = 1;
	s->port = (uint16_t)(49152 + gc_below(&g->rng, 16000));
	s->tcp_seq[0] = (uint32_t)gc_rand(&g->rng);
	s->tcp_seq[1] = (uint32_t)gc_rand(&g->rng);
	s->ipid[0] = (uint16_t)gc_rand(&g->rng);
	s->ipid[1] = (uint16_t)gc_rand(&g->rng);
	s->calls_left = 1 + (int)gc_below(&g->rng, GC_CALLS_PER_SESS);
	s->echo_dir = -1;
	s->next_echo = g->out.now + 2000000 + (int64_t)gc_below(&g->rng, 15000000);
	return s;
}

static void sess_free(gc_sess *s)
{
	for (int i = 0; i < GC_CALLS_PER_SESS; i++)
		gc_call_free(s->c[i]);
	free(s);
}

static void call_ctrl(gc_sess *s, gc_call *c, uint16_t type)
{
	pt_ctrl_msg m;
	int from = type == PT_CTRL_OCRP || type == PT_CTRL_CDN;

	gc_ctrl_template(&m, type);
	switch (type) {
	case PT_CTRL_OCRQ:
		m.u.ocrq.call_id = c->call_id[0];
		m.u.ocrq.call_serial = c->serial;
		break;
	case PT_CTRL_OCRP:
		m.u.ocrp.call_id = c->call_id[1];
		m.u.ocrp.peer_call_id = c->call_id[0];
		break;
	case PT_CTRL_SLI:
		/* RFC 2637 2.15: sent to the PAC with its Call ID */
		m.u.sli.peer_call_id = c->call_id[1];
		break;
	case PT_CTRL_CCRQ:
		m.u.ccrq.call_id = c->call_id[0];
		break;
	case PT_CTRL_CDN:
		m.u.cdn.call_id = c->call_id[1];
		break;
	default:
		break;
	}
	gc_sess_ctrl(s, from, &m);
}

static void call_step(gc_sess *s, int i)
{
	gc_gen *g = s->g;
	gc_call *c = s->c[i];

	switch (c->state) {
	case GC_C_OCRQ:
		call_ctrl(s, c, PT_CTRL_OCRQ);
		c->state = GC_C_OCRP;
		break;
	case GC_C_OCRP:
		call_ctrl(s, c, PT_CTRL_OCRP);
		gc_call_ppp_start(c);
		c->state = GC_C_PPP;
		break;
	case GC_C_PPP:
		if (gc_call_ppp_step(c))
			c->state = GC_C_SLI;
		else if (c->stall > 2000) {
			c->failed = 1;
			g->calls_failed++;
			gc_call_terminate(c);
			c->state = GC_C_TERM;
		}
		break;
	case GC_C_SLI:
		call_ctrl(s, c, PT_CTRL_SLI);
		c->state = GC_C_DATA;
		break;
	case GC_C_DATA:
		if (!c->budget || g->closing) {
			gc_call_terminate(c);
			c->state = GC_C_TERM;
		} else
			gc_call_data_step(c);
		break;
	case GC_C_TERM:
		if (gc_call_term_done(c) || c->stall > 2000)
			c->state = GC_C_CCRQ;
		break;
	case GC_C_CCRQ:
		call_ctrl(s, c, PT_CTRL_CCRQ);
		c->state = GC_C_CDN;
		break;
	case GC_C_CDN:
		call_ctrl(s, c, PT_CTRL_CDN);
		c->state = GC_C_DONE;
		break;
	case GC_C_DONE:
		gc_call_free(c);
		s->c[i] = NULL;
		break;
	}
}

static void sess_run(gc_sess *s)
{
	gc_gen *g = s->g;
	pt_ctrl_msg m;
	int live = 0, pick = -1, n = 0;

	if (s->echo_dir >= 0) {
		/* RFC 2637 2.6: the Echo-Reply */
		gc_ctrl_template(&m, PT_CTRL_ECHORP);
		m.u.echorp.id = s->echo_id;
		gc_sess_ctrl(s, !s->echo_dir, &m);
		s->echo_dir = -1;
		return;
	}
	if (g->out.now >= s->next_echo) {
		/* RFC 2637 2.5: keep-alive from either end */
		s->echo_dir = (int)gc_below(&g->rng, 2);
		gc_ctrl_template(&m, PT_CTRL_ECHORQ);
		m.u.echorq.id = s->echo_id = (uint32_t)gc_rand(&g->rng);
		gc_sess_ctrl(s, s->echo_dir, &m);
		s->next_echo = g->out.now + 10000000 + (int64_t)gc_below(&g->rng, 20000000);
		return;
	}
	for (int d = 0; d < 2; d++)
		if (s->unacked[d] && gc_chance(&g->rng, 200000)) {
			/* a bare ACK of control data that needs no reply */
			gc_sess_tcp(s, !d, PT_TH_ACK, NULL, 0);
			return;
		}
	for (int i = 0; i < GC_CALLS_PER_SESS; i++)
		if (s->c[i]) {
			live++;
			if (gc_below(&g->rng, (uint32_t)++n) == 0)
				pick = i;
		}
	if (s->calls_left > 0 && !g->closing && (live == 0 || gc_chance(&g->rng, 300))) {
		for (int i = 0; i < GC_CALLS_PER_SESS; i++)
			if (!s->c[i]) {
				s->c[i] = gc_call_new(g, s, prof_pick(&g->rng));
				s->calls_left--;
				return;
			}
	}
	if (pick >= 0)
		call_step(s, pick);
	else
		s->state = GC_S_STOPRQ;
}

/* One step of a control connection: at most a few packets. */
static void sess_step(gc_sess *s)
{
	pt_ctrl_msg m;

	switch (s->state) {
	case GC_S_SYN:
		gc_sess_tcp(s, 0, PT_TH_SYN, NULL, 0);
		s->state = GC_S_SYNACK;
		break;
	case GC_S_SYNACK:
		gc_sess_tcp(s, 1, PT_TH_SYN | PT_TH_ACK, NULL, 0);
		s->state = GC_S_ACK;
		break;
	case GC_S_ACK:
		gc_sess_tcp(s, 0, PT_TH_ACK, NULL, 0);
		s->state = GC_S_SCCRQ;
		break;
	case GC_S_SCCRQ:
		gc_ctrl_template(&m, PT_CTRL_SCCRQ);
		gc_sess_ctrl(s, 0, &m);
		s->state = GC_S_SCCRP;
		break;
	case GC_S_SCCRP:
		gc_ctrl_template(&m, PT_CTRL_SCCRP);
		gc_sess_ctrl(s, 1, &m);
		s->state = GC_S_RUN;
		break;
	case GC_S_RUN:
		sess_run(s);
		break;
	case GC_S_STOPRQ:
		gc_ctrl_template(&m, PT_CTRL_STOPCCRQ);
		gc_sess_ctrl(s, 0, &m);
		s->state = GC_S_STOPRP;
		break;
	case GC_S_STOPRP:
		gc_ctrl_template(&m, PT_CTRL_STOPCCRP);
		gc_sess_ctrl(s, 1, &m);
		s->state = GC_S_FIN1;
		break;
	case GC_S_FIN1:
		gc_sess_tcp(s, 0, PT_TH_FIN | PT_TH_ACK, NULL, 0);
		s->state = GC_S_FIN2;
		break;
	case GC_S_FIN2:
		gc_sess_tcp(s, 1, PT_TH_FIN | PT_TH_ACK, NULL, 0);
		s->state = GC_S_LAST;
		break;
	case GC_S_LAST:
		gc_sess_tcp(s, 0, PT_TH_ACK, NULL, 0);
		s->state = GC_S_DONE;
		break;
	case GC_S_DONE:
		break;
	}
}

static uint64_t parse_size(const char *a)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(a, &end);
	if (errno || end == a || v <= 0)
		usage(stderr, 2);
	switch (*end) {
	case 'k': case 'K': v *= 1e3; end++; break;
	case 'm': case 'M': v *= 1e6; end++; break;
	case 'g': case 'G': v *= 1e9; end++; break;
	default: break;
	}
	if (*end)
		usage(stderr, 2);
	return (uint64_t)v;
}

static unsigned long parse_num(const char *a)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(a, &end, 10);
	if (errno || end == a || *end)
		usage(stderr, 2);
	return v;
}

static void progress(const gc_gen *g, int final)
{
	fprintf(stderr, "\rpptp-gencap: %.1f of %.1f MB, %llu packets, %llu calls%s", (double)g->out.bytes / 1e6,
		(double)g->target / 1e6, (unsigned long long)g->out.pkts, (unsigned long long)g->calls, final ? "\n" : "");
}

int main(int argc, char **argv)
{
	static gc_gen g;
	const char *outp = NULL;
	int quiet = 0, tty;
	uint64_t seed = 1, next_progress = 0;
	static char obuf[1 << 20];

	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "sessions", required_argument, NULL, 'n' },
		{ "loss", required_argument, NULL, 'l' },
		{ "reorder", required_argument, NULL, 'r' },
		{ "keylog", required_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	g.target = 10000000;
	g.nsess = 8;
	g.loss_ppm = 1000;
	g.reorder_ppm = 1000;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", lo, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'o': outp = optarg; break;
		case 's': g.target = parse_size(optarg); break;
		case 'S': seed = parse_num(optarg); break;
		case 'n': g.nsess = (int)parse_num(optarg); break;
		case 'l': g.loss_ppm = (unsigned)parse_num(optarg); break;
		case 'r': g.reorder_ppm = (unsigned)parse_num(optarg); break;
		case 'k':
			if (g.keylog)
				fclose(g.keylog);
			if (!(g.keylog = fopen(optarg, "w"))) {
				fprintf(stderr, "pptp-gencap: %s: %s\n", optarg, strerror(errno));
				return 1;
			}
			break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("pptp-gencap (pptp-suite) %s\n", PT_VERSION); return 0;
		case ':':
			fprintf(stderr, "pptp-gencap: %s needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "pptp-gencap: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr, 2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pptp-gencap: unexpected argument '%s'\n", argv[optind]);
		usage(stderr, 2);
	}
	if (!outp || g.nsess < 1 || g.nsess > 1000)
		usage(stderr, 2);
	g.out.f = strcmp(outp, "-") ? fopen(outp, "wb") : stdout;
	if (!g.out.f) {
		perror(outp);
		return 1;
	}
	setvbuf(g.out.f, obuf, _IOFBF, sizeof obuf);
	g.rng.s = seed;
	if (pt_cred_from_password(&g.cred, "alice", "wonderland42") != PT_OK)
		return 1;
	g.next_call_id = (uint16_t)(1 + gc_below(&g.rng, 1000));
	g.next_host = gc_below(&g.rng, 1u << 20);
	/* the capture starts 2026-01-05 09:00:00 UTC */
	g.out.now = 1767603600LL * 1000000;
	g.s = calloc((size_t)g.nsess, sizeof *g.s);
	if (!g.s)
		return 1;
	tty = !quiet && isatty(2);
	gc_out_start(&g.out);
	for (;;) {
		int i = (int)gc_below(&g.rng, (uint32_t)g.nsess), any = 0;
		if (!g.closing && g.out.bytes >= g.target)
			g.closing = 1;
		if (!g.s[i] && !g.closing)
			g.s[i] = sess_new(&g);
		if (g.s[i]) {
			sess_step(g.s[i]);
			if (g.s[i]->state == GC_S_DONE) {
				sess_free(g.s[i]);
				g.s[i] = NULL;
			}
		}
		/* about 800 steps a second on the wire */
		g.out.now += 1 + gc_below(&g.rng, 2500);
		if (tty && g.out.pkts >= next_progress) {
			progress(&g, 0);
			next_progress = g.out.pkts + 50000;
		}
		if (g.closing) {
			for (int k = 0; k < g.nsess && !any; k++)
				any = g.s[k] != NULL;
			if (!any)
				break;
		}
	}
	if (fflush(g.out.f) || (g.out.f != stdout && fclose(g.out.f))) {
		perror(outp);
		return 1;
	}
	if (tty)
		progress(&g, 1);
	if (!quiet)
		fprintf(stderr,
			"pptp-gencap: %llu packets, %.1f MB, %llu control connections, %llu calls (%llu 128 stateless, "
			"%llu 128 stateful, %llu 40 stateless, %llu 128 stateful+MPPC, %llu 40 stateful), %llu failed, %llu lost, "
			"%llu reordered\n",
			(unsigned long long)g.out.pkts, (double)g.out.bytes / 1e6, (unsigned long long)g.sessions,
			(unsigned long long)g.calls, (unsigned long long)g.prof_calls[0], (unsigned long long)g.prof_calls[1],
			(unsigned long long)g.prof_calls[2], (unsigned long long)g.prof_calls[3],
			(unsigned long long)g.prof_calls[4], (unsigned long long)g.calls_failed, (unsigned long long)g.lost,
			(unsigned long long)g.reordered);
	if (g.keylog && fclose(g.keylog)) {
		perror("keylog");
		return 1;
	}
	pt_cred_wipe(&g.cred);
	return 0;
}
