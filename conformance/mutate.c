/* mutate.c: pptp-conform --mutate --seed N --count K: messages at every layer (control RFC 2637 2, GRE 2637 4.1, LCP RFC 1661, authentication RFC 1994/2759, CCP RFC 1962/3078, MPPE data RFC 3078 3) mutated from valid templates by seed and index, sent in batches, each batch followed by a liveness probe (a fresh control connection and an Echo, a whole session every 10 batches); a target that stops answering gets the batch written as a scenario file that --replay reproduces. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conform.h"

#define MU_BATCH 10        /* messages per batch */
#define MU_SESSION_EVERY 10 /* a whole session as the probe every this many batches */

enum mu_layer { MU_CTRL, MU_GRE, MU_LCP, MU_AUTH, MU_CCP, MU_MPPE, MU__N };
static const char *const mu_layer_name[] = { "control", "GRE", "LCP", "authentication", "CCP", "MPPE" };
static const char *const mu_layer_rfc[] = { "RFC 2637 2", "RFC 2637 4.1", "RFC 1661 5", "RFC 2759 4", "RFC 1962 2", "RFC 3078 3" };

/* the run's reproducible stream for message i: the same seed and index give the same bytes */
static void mu_rng(cf_rng *r, uint64_t seed, long i)
{
	r->s = seed * 0x9e3779b97f4a7c15ull ^ (uint64_t)i * 0xd1b54a32d192ed03ull;
	(void)cf_rand32(r);
}

static const uint8_t boundary8[] = { 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff };
static const uint16_t boundary16[] = { 0x0000, 0x0001, 0x7fff, 0x8000, 0xfffe, 0xffff };

/* One to three operations on the bytes after the first `keep` (the PPP protocol, so the frame reaches its layer). */
static size_t mutate_bytes(cf_rng *r, uint8_t *b, size_t n, size_t cap, size_t keep, char *what, size_t wcap)
{
	int nops = 1 + (int)(cf_rand32(r) % 3);
	size_t used = 0;

	what[0] = 0;
	for (int k = 0; k < nops && n > keep; k++) {
		uint32_t op = cf_rand32(r) % 7, at = keep + cf_rand32(r) % (uint32_t)(n - keep);
		char one[64];
		switch (op) {
		case 0:
			b[at] ^= (uint8_t)(1u << (cf_rand32(r) % 8));
			snprintf(one, sizeof one, "bit flipped at %u", at);
			break;
		case 1:
			b[at] = boundary8[cf_rand32(r) % sizeof boundary8];
			snprintf(one, sizeof one, "octet %u = 0x%02x", at, b[at]);
			break;
		case 2: {
			size_t nl = keep + 1 + cf_rand32(r) % (uint32_t)(n - keep); /* at least one octet past keep */
			snprintf(one, sizeof one, "cut to %zu octets", nl);
			n = nl;
			break;
		}
		case 3: {
			size_t add = 1 + cf_rand32(r) % 64;
			if (n + add > cap)
				add = cap - n;
			cf_rand_bytes(r, b + n, add);
			n += add;
			snprintf(one, sizeof one, "%zu random octets appended", add);
			break;
		}
		case 4:
			if (at + 1 < n) {
				uint16_t v = boundary16[cf_rand32(r) % sizeof boundary16 / sizeof boundary16[0]];
				b[at] = (uint8_t)(v >> 8);
				b[at + 1] = (uint8_t)v;
				snprintf(one, sizeof one, "16 bits at %u = 0x%04x", at, v);
			} else {
				b[at] = 0xff;
				snprintf(one, sizeof one, "octet %u = 0xff", at);
			}
			break;
		case 5: {
			size_t len = 1 + cf_rand32(r) % 8;
			if (at + len > n)
				len = n - at;
			cf_rand_bytes(r, b + at, len);
			snprintf(one, sizeof one, "%zu random octets at %u", len, at);
			break;
		}
		default: {
			/* a length field: the PPTP Length (0-1), or a PPP control packet's Length (keep+2) */
			size_t lo = keep ? keep + 2 : 0;
			if (lo + 1 < n) {
				uint16_t v = cf_rand32(r) & 1 ? boundary16[cf_rand32(r) % 6] : (uint16_t)(n - keep + (cf_rand32(r) % 9) - 4);
				b[lo] = (uint8_t)(v >> 8);
				b[lo + 1] = (uint8_t)v;
				snprintf(one, sizeof one, "Length = %u", v);
			} else {
				snprintf(one, sizeof one, "unchanged");
			}
			break;
		}
		}
		used += (size_t)snprintf(what + used, used < wcap ? wcap - used : 0, "%s%s", used ? ", " : "", one);
	}
	return n;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (i)
			out[o++] = ' ';
		out[o++] = d[b[i] >> 4];
		out[o++] = d[b[i] & 15];
	}
	out[o] = 0;
}

static size_t put_cp(uint8_t *b, uint16_t proto, uint8_t code, uint8_t id, const uint8_t *data, size_t dlen)
{
	size_t n = 0;
	b[n++] = 0xff;
	b[n++] = 0x03;
	b[n++] = (uint8_t)(proto >> 8);
	b[n++] = (uint8_t)proto;
	b[n++] = code;
	b[n++] = id;
	b[n++] = (uint8_t)((dlen + 4) >> 8);
	b[n++] = (uint8_t)(dlen + 4);
	if (dlen)
		memcpy(b + n, data, dlen);
	return n + dlen;
}

/* Message i as one scenario step (a line), its layer and what was changed. */
static int mu_message(cf_ep *tmpl, uint64_t seed, long i, char *line, size_t cap, char *what, size_t wcap)
{
	cf_rng r;
	int layer = (int)(i % MU__N);
	uint8_t b[1024];
	size_t n = 0, keep = 4;
	char desc[200], hx[3200];
	const char *base = "";

	mu_rng(&r, seed, i);
	if (layer == MU_CTRL) {
		/* RFC 2637 2: every message type of the PNS's side (and some of the PAC's), from the endpoint's templates */
		static const uint16_t types[] = { PT_CTRL_SCCRQ, PT_CTRL_ECHORQ, PT_CTRL_OCRQ, PT_CTRL_ICRP, PT_CTRL_ICCN, PT_CTRL_CCRQ,
						  PT_CTRL_CDN, PT_CTRL_SLI, PT_CTRL_WEN, PT_CTRL_ECHORP, PT_CTRL_SCCRP, PT_CTRL_STOPCCRQ };
		uint16_t t = types[cf_rand32(&r) % (sizeof types / sizeof types[0])];
		pt_ctrl_msg m;
		pt_writer w = pt_wr(b, sizeof b);
		cf_ep_ctrl_template(tmpl, t, &m);
		if (pt_ctrl_build(&m, &w) != PT_OK)
			return -1;
		n = pt_wlen(&w);
		keep = 0;
		base = pt_ctrl_abbrev(t);
		n = mutate_bytes(&r, b, n, sizeof b, keep, desc, sizeof desc);
		hex(b, n, hx);
		snprintf(line, cap, "send raw hex \"%s\"", hx);
	} else if (layer == MU_GRE) {
		/* RFC 2637 4.1: the enhanced GRE header's fields, around an LCP Echo-Request */
		static const char *const f[] = { "gre_flags", "gre_proto", "key_len", "call_id", "seq", "ack" };
		int k = (int)(cf_rand32(&r) % 6);
		uint32_t v = cf_rand32(&r) & 1 ? boundary16[cf_rand32(&r) % 6] : cf_rand32(&r) & (k >= 4 ? 0xffffffffu : 0xffffu);
		if (k == 0 && cf_rand32(&r) % 2)
			v = 0x3081 ^ (1u << (cf_rand32(&r) % 16)); /* one bit of the standard flags and version flipped */
		snprintf(desc, sizeof desc, "%s = 0x%x", f[k], v);
		base = "GRE header";
		snprintf(line, cap, "gre send %s=0x%x lcp echoreq id=%u magic=0", f[k], v, cf_rand32(&r) & 0xff);
	} else {
		static const uint8_t lcp_opts[] = { 0x01, 0x04, 0x05, 0x78, 0x03, 0x05, 0xc2, 0x23, 0x81, 0x05, 0x06,
						    0x11, 0x22, 0x33, 0x44, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0x08, 0x02 };
		static const uint8_t ccp_opts[] = { 0x12, 0x06, 0x01, 0x00, 0x00, 0x40 };
		uint8_t d[96];
		uint8_t id = (uint8_t)cf_rand32(&r);
		int sub = (int)(cf_rand32(&r) % 3);
		switch (layer) {
		case MU_LCP:
			if (sub == 0) {
				n = put_cp(b, PT_PPP_LCP, PT_CP_CONF_REQ, id, lcp_opts, sizeof lcp_opts);
				base = "LCP Configure-Request";
			} else if (sub == 1) {
				memset(d, 0, 8);
				n = put_cp(b, PT_PPP_LCP, PT_CP_ECHO_REQ, id, d, 8);
				base = "LCP Echo-Request";
			} else {
				n = put_cp(b, PT_PPP_LCP, (uint8_t)(cf_rand32(&r) % 12 + 1), id, lcp_opts, 10);
				base = "LCP packet";
			}
			break;
		case MU_AUTH:
			if (sub == 0) {
				/* RFC 2759 4: MS-CHAPv2 Response (value 49 octets, then the name) */
				d[0] = 49;
				cf_rand_bytes(&r, d + 1, 49);
				memcpy(d + 50, "alice", 5);
				n = put_cp(b, PT_PPP_CHAP, 2, id, d, 55);
				base = "CHAP Response";
			} else if (sub == 1) {
				/* RFC 1334 2.2.1: PAP Authenticate-Request */
				static const uint8_t pap[] = { 5, 'a', 'l', 'i', 'c', 'e', 4, 'w', 'r', 'o', 'n' };
				n = put_cp(b, PT_PPP_PAP, 1, id, pap, sizeof pap);
				base = "PAP Authenticate-Request";
			} else {
				d[0] = 16;
				cf_rand_bytes(&r, d + 1, 16);
				memcpy(d + 17, "pptp-conform", 12);
				n = put_cp(b, PT_PPP_CHAP, 1, id, d, 29);
				base = "CHAP Challenge";
			}
			break;
		case MU_CCP:
			if (sub == 2) {
				n = put_cp(b, PT_PPP_CCP, PT_CP_RESET_REQ, id, NULL, 0);
				base = "CCP Reset-Request";
			} else {
				n = put_cp(b, PT_PPP_CCP, sub ? PT_CP_CONF_NAK : PT_CP_CONF_REQ, id, ccp_opts, sizeof ccp_opts);
				base = sub ? "CCP Configure-Nak" : "CCP Configure-Request";
			}
			break;
		default: {
			/* RFC 3078 3: protocol 0x00FD, A/B/C/D bits and a 12-bit coherency count, then "encrypted" octets */
			uint16_t cc = (uint16_t)(cf_rand32(&r) & 0x0fff);
			b[0] = 0xff;
			b[1] = 0x03;
			b[2] = 0x00;
			b[3] = 0xfd;
			b[4] = (uint8_t)(0x10 | (cf_rand32(&r) & 0xe0) | (cc >> 8));
			b[5] = (uint8_t)cc;
			cf_rand_bytes(&r, b + 6, 60);
			n = 66;
			keep = 4;
			base = "MPPE data";
			break;
		}
		}
		n = mutate_bytes(&r, b, n, sizeof b, keep, desc, sizeof desc);
		hex(b, n, hx);
		snprintf(line, cap, "gre send raw hex \"%s\"", hx);
	}
	snprintf(what, wcap, "%s %s: %s", mu_layer_name[layer], base, desc);
	return layer;
}

/* What a batch of one layer needs before its messages. */
static const char *mu_setup(int layer)
{
	switch (layer) {
	case MU_CTRL: return "ctrl open\n";
	case MU_GRE:
	case MU_LCP: return "ctrl open\ncall open\n";
	case MU_AUTH: return "ctrl open\ncall open\nppp open lcp within=10\n";
	default: return "ctrl open\ncall open\nppp open mppe=128 within=10\n";
	}
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Run scenario text; the verdict, and the failing line in r. */
static int run_text(const cf_opts *o, cf_rng *rng, cf_pcap *pcap, const char *dir, const char *name, const char *text, cf_result *r)
{
	char path[4096];
	cf_scn *s;

	snprintf(path, sizeof path, "%s/%s.pptp", dir, name);
	if (write_file(path, text) < 0)
		return -1;
	s = cf_scn_load(path);
	cf_run(s, o, rng, pcap, NULL, r);
	r->s = NULL;
	cf_scn_free(s);
	return r->verdict;
}

static const char probe_echo[] = "ctrl open\nsend EchoRQ id=0x11223344\nexpect EchoRP id=0x11223344 within=5\n";
static const char probe_session[] = "ctrl open\ncall open\nppp open mppe=128 within=10\nping count=3\n";
/* after each mutated message: a target that closes the connection on it is seen before the next one goes, so the
   count of messages delivered (and the one named in a finding) is exact */
static const char mu_gap[] = "wait 0.1\n";

int cf_mutate_run(const cf_opts *o0)
{
	cf_opts o = *o0;
	cf_rng rng;
	cf_ep tmpl;
	cf_rep rep;
	cf_pcap pcap;
	char dir[] = "/tmp/pptp-conform-mutate.XXXXXX";
	char *text = NULL, *lines[MU_BATCH];
	char whats[MU_BATCH][300];
	long ids[MU_BATCH];
	long sent = 0, per[MU__N] = { 0 };
	long batches = 0, probes = 0, sessions = 0, undelivered = 0, retried = 0;
	int rc = 0, tty = isatty(2) && !o.tap;
	size_t tcap = 64 * 1024;
	const char *fdir = o.findings ? o.findings : "findings";
	char fpath[4096] = "", flast[300] = "";
	int64_t t_run = cf_now_us();

	if (!o.timeout || o.timeout > 5)
		o.timeout = 5;
	rng.s = o.seed;
	memset(&pcap, 0, sizeof pcap);
	if (o.pcap) {
		if (cf_pcap_open(&pcap, o.pcap, 101) < 0) {
			fprintf(stderr, "pptp-conform: %s: cannot write: %s\n", o.pcap, strerror(errno));
			return 2;
		}
		pcap.max = (uint64_t)((o.pcap_max > 0 ? o.pcap_max : 64) * 1048576.0);
	}
	if (cf_rep_open(&rep, &o, "mutate") < 0) {
		cf_pcap_close(&pcap);
		return 2;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "pptp-conform: --mutate: %s: %s\n", dir, strerror(errno));
		cf_rep_close(&rep);
		cf_pcap_close(&pcap);
		return 2;
	}
	text = malloc(tcap);
	for (int k = 0; k < MU_BATCH; k++)
		lines[k] = malloc(3400);
	if (cf_ep_init(&tmpl, CF_PNS, &o, &rng, NULL, NULL) < 0 || !text)
		return 2;
	/* first: the target answers at all (else a setup error, not a finding) */
	{
		cf_result r;
		snprintf(text, tcap, "title \"probe\"\nrfc \"RFC 2637 2.6\"\nallow *\n%s", probe_echo);
		if (run_text(&o, &rng, &pcap, dir, "probe", text, &r) != CF_PASS) {
			fprintf(stderr, "pptp-conform: --mutate: the target does not pass the liveness probe before any mutation: %s\n", r.why);
			rc = 2;
			goto out;
		}
	}
	/* rounds of MU_BATCH messages per layer: batch (round, layer) holds the indices round*B*L + layer + k*L */
	for (long round = 0; round * MU_BATCH * MU__N < o.count && !rc; round++) {
		for (int layer = 0; layer < MU__N && !rc; layer++) {
			long idx[MU_BATCH];
			int nidx = 0, from = 0;
			for (int k = 0; k < MU_BATCH; k++) {
				long j = round * MU_BATCH * MU__N + layer + (long)k * MU__N;
				if (j < o.count)
					idx[nidx++] = j;
			}
			while (from < nidx && !rc) {
				/* one connection set up for the layer, then the messages from[..], each followed by a short wait */
				int nb = 0, first_send = 4, delivered;
				int64_t t0 = cf_now_us();
				size_t used;
				cf_result r;
				for (int k = from; k < nidx; k++) {
					if (mu_message(&tmpl, o.seed, idx[k], lines[nb], 3400, whats[nb] + 40, sizeof whats[0] - 40) < 0)
						continue;
					char w[260];
					snprintf(w, sizeof w, "%s", whats[nb] + 40);
					snprintf(whats[nb], sizeof whats[0], "message %ld: %s", idx[k], w);
					ids[nb] = idx[k];
					nb++;
				}
				used = (size_t)snprintf(text, tcap, "title \"mutation batch\"\nrfc \"%s\"\nallow *\n%s", mu_layer_rfc[layer],
							mu_setup(layer));
				for (const char *p = mu_setup(layer); *p; p++)
					first_send += *p == '\n';
				for (int k = 0; k < nb; k++)
					used += (size_t)snprintf(text + used, tcap - used, "%s\n%s", lines[k], mu_gap);
				(void)snprintf(text + used, tcap - used, "wait 0.3\n");
				(void)run_text(&o, &rng, &pcap, dir, "batch", text, &r);
				delivered = nb;
				if (r.verdict == CF_FAIL && r.fail_line >= first_send && r.fail_line < first_send + 2 * nb)
					delivered = (r.fail_line - first_send + 1) / 2; /* the target closed: the rest were not sent */
				else if (r.verdict != CF_PASS && r.fail_line < first_send)
					delivered = 0;                                  /* the set-up itself failed */
				sent += delivered;
				per[layer] += delivered;
				batches++;
				/* the liveness probe: a fresh connection and an Echo; a whole session every few batches */
				int session = batches % MU_SESSION_EVERY == 0;
				char name[64], desc[400];
				snprintf(name, sizeof name, "batch %ld", batches);
				snprintf(desc, sizeof desc, "%s, messages %ld..%ld: %d of %d delivered, then the liveness probe (%s)",
					 mu_layer_name[layer], nb ? ids[0] : 0, nb ? ids[nb - 1] : 0, delivered, nb,
					 session ? "a whole session" : "connection and Echo");
				snprintf(text, tcap, "title \"probe\"\nrfc \"RFC 2637 2.6\"\nallow *\n%s", session ? probe_session : probe_echo);
				probes++;
				sessions += session;
				int alive = run_text(&o, &rng, &pcap, dir, "probe", text, &r) == CF_PASS;
				char why[1024];
				int second = 0;
				if (!alive) {
					/* one more chance after a pause: slow recovery is not death (but it is counted and named) */
					snprintf(why, sizeof why, "%s", r.why);
					sleep(2);
					alive = run_text(&o, &rng, &pcap, dir, "probe", text, &r) == CF_PASS;
					second = alive;
					retried += second;
				}
				if (!alive) {
					char path[4096], fail[1400];
					const char *lastw = delivered ? whats[delivered - 1] : "none: the set-up steps of the batch failed before any mutated message went";
					long lastid = delivered ? ids[delivered - 1] : nb ? ids[0] : 0;
					mkdir(fdir, 0755);
					snprintf(path, sizeof path, "%s/mutate-%llu-%04ld.pptp", fdir, (unsigned long long)o.seed, lastid);
					/* the finding: the batch's set-up, the messages delivered (the last is the one before the failure), the probe */
					used = (size_t)snprintf(text, tcap,
						"# pptp-conform --mutate --seed %llu: the target stopped answering after this batch\n"
						"# (%s layer, %d of its messages delivered); the last one delivered before the failure:\n"
						"#   %s\n"
						"# the probe said: %s\n"
						"# replay: pptp-conform --replay %s --target ADDR (FAIL: it reproduces; PASS: the target survives)\n"
						"title \"mutation %ld of seed %llu (%s) and the liveness probe after it\"\nrfc \"%s\"\nallow *\n%sset send_fail_ok 1\n",
						(unsigned long long)o.seed, mu_layer_name[layer], delivered, lastw, why, path, lastid,
						(unsigned long long)o.seed, mu_layer_name[layer], mu_layer_rfc[layer], mu_setup(layer));
					for (int k = 0; k < delivered; k++)
						used += (size_t)snprintf(text + used, tcap - used, "# %s\n%s\n%s", whats[k], lines[k], mu_gap);
					(void)snprintf(text + used, tcap - used, "wait 0.3\nclose\nwait 1\n# the liveness probe\n%s",
						       session ? probe_session : probe_echo);
					snprintf(fpath, sizeof fpath, "%s", path);
					snprintf(flast, sizeof flast, "%s", lastw);
					if (write_file(path, text) < 0)
						fprintf(stderr, "pptp-conform: %s: %s\n", path, strerror(errno));
					if (tty)
						fputc('\n', stderr);
					snprintf(fail, sizeof fail, "the target failed the liveness probe after %s: %s", lastw, r.why);
					cf_rep_point(&rep, 0, name, desc, (double)(cf_now_us() - t0) / 1e6, fail, path);
					cf_rep_say(&rep, "mutate: seed %llu: the target failed the liveness probe after batch %ld (messages %ld..%ld, %ld sent before): %s",
						   (unsigned long long)o.seed, batches, nb ? ids[0] : 0, nb ? ids[nb - 1] : 0, sent, r.why);
					cf_rep_say(&rep, "  the last message delivered before the failure: %s", lastw);
					cf_rep_say(&rep, "  written: %s (pptp-conform --replay %s --target ...)", path, path);
					rc = 1;
				} else {
					if (second) {
						size_t dl = strlen(desc);
						snprintf(desc + dl, sizeof desc - dl, ", passed on its second try 2 s later (the first: %.150s)", why);
					}
					cf_rep_point(&rep, 1, name, desc, (double)(cf_now_us() - t0) / 1e6, NULL, NULL);
				}
				if (rep.json) {
					fprintf(rep.json, "{\"type\":\"batch\",\"batch\":%ld,\"layer\":", batches);
					cf_json_str(rep.json, mu_layer_name[layer]);
					fprintf(rep.json, ",\"first\":%ld,\"last\":%ld,\"messages\":%d,\"delivered\":%d,\"probe\":\"%s\",\"survived\":%s",
						nb ? ids[0] : 0, nb ? ids[nb - 1] : 0, nb, delivered, session ? "session" : "echo", alive ? "true" : "false");
					if (second) {
						fputs(",\"second_try\":true,\"first_try\":", rep.json);
						cf_json_str(rep.json, why);
					}
					if (!alive) {
						fputs(",\"finding\":", rep.json);
						cf_json_str(rep.json, fpath);
						fputs(",\"last_message\":", rep.json);
						cf_json_str(rep.json, flast);
						fputs(",\"why\":", rep.json);
						cf_json_str(rep.json, r.why);
					}
					fputs("}\n", rep.json);
				}
				if (rc)
					break;
				/* the rest of the batch (the target closed the connection): on a new one; a message that never went counts */
				if (delivered < nb) {
					undelivered += delivered == 0;
					from += delivered ? delivered : 1;
				} else {
					from = nidx;
				}
				if (tty)
					fprintf(stderr, "\rpptp-conform: mutate: %ld of %ld messages, %ld batches, %ld probes passed   ", sent,
						o.count, batches, probes);
			}
		}
	}
	if (tty)
		fputc('\n', stderr);
	if (rep.json) {
		/* the summary as the last JSON line */
		FILE *f = rep.json;
		fprintf(f, "{\"type\":\"mutate\",\"seed\":%llu,\"count\":%ld,\"sent\":%ld,\"batches\":%ld,\"per_layer\":{\"control\":%ld,"
			   "\"gre\":%ld,\"lcp\":%ld,\"auth\":%ld,\"ccp\":%ld,\"mppe\":%ld},\"not_delivered\":%ld,\"probes\":%ld,\"sessions\":%ld,\"second_tries\":%ld,"
			   "\"seconds\":%.3f,\"survived\":%s,\"finding\":",
			(unsigned long long)o.seed, o.count, sent, batches, per[0], per[1], per[2], per[3], per[4], per[5], undelivered,
			probes, sessions, retried, (double)(cf_now_us() - t_run) / 1e6, rc ? "false" : "true");
		if (fpath[0]) {
			cf_json_str(f, fpath);
			fputs(",\"last_message\":", f);
			cf_json_str(f, flast);
		} else {
			fputs("null", f);
		}
		fputs("}\n", f);
	}
	cf_rep_prop(&rep, "seed", "%llu", (unsigned long long)o.seed);
	cf_rep_prop(&rep, "count", "%ld", o.count);
	cf_rep_prop(&rep, "sent", "%ld", sent);
	cf_rep_prop(&rep, "batches", "%ld", batches);
	for (int l = 0; l < MU__N; l++) {
		char nm[32];
		snprintf(nm, sizeof nm, "sent.%s", l == MU_AUTH ? "auth" : l == MU_GRE ? "gre" : l == MU_LCP ? "lcp" : l == MU_CCP ? "ccp" : l == MU_MPPE ? "mppe" : "control");
		cf_rep_prop(&rep, nm, "%ld", per[l]);
	}
	cf_rep_prop(&rep, "not_delivered", "%ld", undelivered);
	cf_rep_prop(&rep, "probes", "%ld", probes);
	cf_rep_prop(&rep, "sessions", "%ld", sessions);
	cf_rep_prop(&rep, "second_tries", "%ld", retried);
	cf_rep_prop(&rep, "survived", "%s", rc ? "false" : "true");
	if (fpath[0])
		cf_rep_prop(&rep, "finding", "%s", fpath);
	if (!rc)
		cf_rep_say(&rep, "mutate: seed %llu: %ld messages sent in %ld batches (control %ld, GRE %ld, LCP %ld, authentication %ld, CCP %ld, "
			   "MPPE %ld; %ld not delivered: the target had closed the connection), %ld probes (%ld whole sessions; %ld passed only on "
			   "a second try): the target survived",
			   (unsigned long long)o.seed, sent, batches, per[0], per[1], per[2], per[3], per[4], per[5], undelivered, probes,
			   sessions, retried);
out:
	if (pcap.dropped)
		fprintf(stderr, "pptp-conform: %s: stopped at %g MiB (--pcap-max), %llu packets left out\n", o.pcap,
			o.pcap_max > 0 ? o.pcap_max : 64.0, (unsigned long long)pcap.dropped);
	cf_rep_close(&rep);
	cf_pcap_close(&pcap);
	cf_ep_free(&tmpl);
	for (int k = 0; k < MU_BATCH; k++)
		free(lines[k]);
	free(text);
	{
		char p[4096];
		snprintf(p, sizeof p, "%s/batch.pptp", dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/probe.pptp", dir);
		unlink(p);
		rmdir(dir);
	}
	return rc;
}
