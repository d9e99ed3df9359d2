/* tunnel_int.h: the tunnel model's insides, shared by tunnel.c (control, GRE) and tunnel_ppp.c (PPP, auth, MPPE). */
#ifndef PT_TUNNEL_INT_H
#define PT_TUNNEL_INT_H

#include "mschap.h"
#include "tunnel.h"

struct pt_cred;

struct pt_tunnel {
	pt_tunnel_hooks hooks;
	pt_sink sink;               /* counts, then forwards to hooks.on_finding */
	size_t max_conns, max_calls;
	pt_conn **conns;
	size_t nconns, cap_conns;
	uint32_t nconns_total;
	pt_call **calls;
	size_t ncalls, cap_calls;
	int32_t *hash;              /* GRE lookup: entry = call idx * 2 + sender dir */
	size_t norphans;
	int call_cap_reported;
	int64_t t0;
	int64_t t_last;              /* time of the last packet seen */
	uint64_t gre_pkts;          /* GRE packets seen, any call */
	uint64_t fast_frames;       /* data frames the observer's steady state took (pt_pppobs_data_quiet) */
	int no_fast;                /* pt_tunnel_cfg.no_fastpath */
	/* the GRE flow call_by_gre found last for each Call ID modulo PT_FLOW_CACHE (not when no_fast); call_bind_ids,
	 * the only writer of the lookup, empties it */
#define PT_FLOW_CACHE 64
	pt_call *last_k[PT_FLOW_CACHE];
	int last_dir[PT_FLOW_CACHE];
	uint64_t flow_hits;          /* GRE packets the cache answered (PPTP_FASTPATH_STATS) */
	size_t cur_gre_wire;        /* the GRE packet being read: its octets on the wire (header and payload) */
	uint64_t cur_gre_gap;       /* ... and the sequence numbers it found missing before it (gre.seq.gap) */
	uint8_t cur_family;         /* ... and its outer IP version */
	const struct pt_cred *creds;
	size_t ncreds;
	uint8_t dbuf[PT_TUNNEL_DECRYPT_CAP]; /* decrypted frame, reused */
	uint8_t zbuf[PT_TUNNEL_DECRYPT_CAP]; /* decompressed frame, reused */
};

pt_conn *pt_tunnel_conn_by_idx(pt_tunnel *t, uint32_t idx);
void pt_tunnel_decode(pt_tunnel *t, const pt_where *at, const char *line);

/* tunnel_ppp.c */
int pt_tunnel_call_ext_new(pt_tunnel *t, pt_call *k);
void pt_tunnel_call_ext_free(pt_call *k);
void pt_tunnel_call_ctrl_event(pt_tunnel *t, pt_call *k, const pt_ctrl_event *ev, const pt_where *at);
void pt_tunnel_call_ppp(pt_tunnel *t, pt_call *k, int dir, const uint8_t *ppp, size_t len, int truncated,
			const pt_where *at);
void pt_tunnel_call_finish(pt_tunnel *t, pt_call *k, const pt_where *at);

#endif
