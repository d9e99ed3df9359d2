/* fuzz_tunnel.c: the tunnel model (lib/tunnel.h) fed directly: control connections opened, their streams, gaps, closes, GRE packets. */
#include "fuzz.h"
#include "mschap.h"
#include "tunnel.h"

/*
 * Input: a settings octet (bit 0: limits of 2 connections and 2 calls; bit 1:
 * decode lines on), then operations [op][args]: op bits 0-2 the kind, bits
 * 3-7 the time step in 0.1 s:
 *   0 OPEN   [sel: bits 0-1 slot, bit 2 mid-stream, bits 3-4 address pair]
 *   1 DATA   [sel: bits 0-1 slot, bit 2 from the server][chunk]
 *   2 GAP    [sel][32-bit missing]
 *   3 CLOSE  [sel][how 1-4]
 *   4 GRE    [sel: bit 0 from the PAC, bits 1-2 address pair][16-bit extra wire length][chunk]
 *   5 FINISH-less tick: nothing but time
 *   6 DATA, 7 GRE (as 1 and 4)
 * Pair 3 is IPv6.  The password of the seeds' captures is the credential.
 */

static pt_cred cred;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (pt_cred_from_password(&cred, "", "wonderland42") != PT_OK)
		abort();
	cred.user[0] = '\0';
	return 0;
}

static void on_finding(void *user, const pt_finding *f)
{
	fz_on_finding(user, f);
}

static void on_decode(void *user, const pt_where *at, const char *line)
{
	(void)user;
	(void)at;
	FZ_ASSERT(strlen(line) < 4096);
}

static void on_inner(void *user, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len)
{
	(void)user;
	(void)at;
	(void)proto;
	fz_touch(data, len);
}

static void on_secret(void *user, const pt_where *at, const char *what, const uint8_t *key, size_t len)
{
	(void)user;
	(void)at;
	FZ_ASSERT(what && len <= 64);
	fz_touch(key, len);
}

static void addr(pt_addr *a, int pair, int srv)
{
	memset(a, 0, sizeof *a);
	if (pair == 3) {
		a->family = 6;
		a->a[0] = 0x20;
		a->a[1] = 0x01;
		a->a[2] = 0x0d;
		a->a[3] = 0xb8;
		a->a[15] = (uint8_t)(srv ? 1 : 2);
	} else {
		a->family = 4;
		a->a[0] = 10;
		a->a[2] = (uint8_t)pair;
		a->a[3] = (uint8_t)(srv ? 1 : 2);
	}
	a->port = srv ? 1723 : (uint16_t)(40000 + pair);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	uint8_t set = fz_u8(&in);
	pt_tunnel_cfg cfg;
	pt_tunnel_hooks hooks;
	pt_tunnel *t;
	pt_conn *slot[4] = { NULL, NULL, NULL, NULL };
	int64_t now = 1000000000;
	uint64_t pkt = 0;

	memset(&cfg, 0, sizeof cfg);
	cfg.creds = &cred;
	cfg.ncreds = 1;
	if (set & 1) {
		cfg.max_conns = 2;
		cfg.max_calls = 2;
	}
	memset(&hooks, 0, sizeof hooks);
	hooks.on_finding = on_finding;
	hooks.on_decode = set & 2 ? on_decode : NULL;
	hooks.on_inner = on_inner;
	hooks.on_secret = on_secret;
	if (!(t = pt_tunnel_new(&cfg, &hooks)))
		return 0;
	while (fz_left(&in)) {
		uint8_t op = fz_u8(&in), sel = fz_u8(&in);
		int kind = op & 7, s = sel & 3, dir = (sel >> 2) & 1;
		pt_where at;

		now += (int64_t)(op >> 3) * 100000;
		at = fz_where(++pkt, now, PT_DIR_UNKNOWN);
		if (kind == 6)
			kind = 1;
		if (kind == 7)
			kind = 4;
		switch (kind) {
		case 0: {
			pt_addr cli, srv;
			addr(&cli, (sel >> 3) & 3, 0);
			addr(&srv, (sel >> 3) & 3, 1);
			if (slot[s])
				pt_tunnel_ctrl_close(t, slot[s], PT_END_EVICTED, 0, 0, NULL, &at);
			slot[s] = pt_tunnel_ctrl_open(t, &cli, &srv, dir, &at);
			break;
		}
		case 1: {
			size_t len, off = 0;
			uint8_t *b = fz_chunk(&in, 65535, &len);
			/* as tcpreasm offers it: again with what was not consumed, until nothing is taken */
			while (slot[s] && off < len) {
				size_t n = pt_tunnel_ctrl_data(t, slot[s], dir, b + off, len - off, &at);
				FZ_ASSERT(n <= len - off);
				if (!n)
					break;
				off += n;
			}
			free(b);
			break;
		}
		case 2: {
			uint32_t missing = fz_u32(&in);
			if (slot[s])
				pt_tunnel_ctrl_gap(t, slot[s], dir, missing, &at);
			break;
		}
		case 3: {
			uint8_t how = fz_u8(&in);
			pt_tcp_facts facts;
			memset(&facts, 0, sizeof facts);
			facts.syn = facts.synack = facts.ack = 1;
			if (slot[s])
				pt_tunnel_ctrl_close(t, slot[s], how % 5, dir, how >> 4, how & 8 ? &facts : NULL, &at);
			slot[s] = NULL;
			break;
		}
		case 4: {
			pt_addr a, b2;
			uint16_t extra = fz_u16(&in);
			size_t len;
			uint8_t *b = fz_chunk(&in, 65535, &len);
			addr(&a, (sel >> 1) & 3, 0);
			addr(&b2, (sel >> 1) & 3, 1);
			a.port = b2.port = 0;
			if (sel & 1)
				pt_tunnel_gre(t, &b2, &a, b, len, len + extra, &at);
			else
				pt_tunnel_gre(t, &a, &b2, b, len, len + extra, &at);
			free(b);
			break;
		}
		default:
			break;
		}
	}
	{
		pt_where end = fz_where(pkt, now, PT_DIR_UNKNOWN);
		pt_tunnel_finish(t, &end);
	}
	/* what the reports read */
	for (size_t i = 0; i < pt_tunnel_nconns(t); i++) {
		const pt_conn *c = pt_tunnel_conn(t, i);
		FZ_ASSERT(c && c->idx >= 1);
	}
	for (size_t i = 0; i < pt_tunnel_ncalls(t); i++) {
		const pt_call *k = pt_tunnel_call(t, i);
		FZ_ASSERT(k && k->idx == (int32_t)i);
	}
	pt_tunnel_free(t);
	return 0;
}
