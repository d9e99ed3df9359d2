/* tunnel.h: the tunnel model: control connections, their calls, GRE flows and PPP state, fed by a front end. */
#ifndef PT_TUNNEL_H
#define PT_TUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include "ctrl_fsm.h"
#include "finding.h"
#include "gre.h"
#include "mppe.h"
#include "mppc.h"
#include "pppobs.h"
#include "pptp.h"
#include "tcpreasm.h"

/* An IP endpoint (port 0 for GRE). family is 4 or 6; IPv4 uses a[0..3]. */
typedef struct pt_addr {
	uint8_t family;
	uint8_t a[16];
	uint16_t port;
} pt_addr;

int pt_addr_eq(const pt_addr *x, const pt_addr *y);       /* address only, not port */
/* Side i (0 client, 1 server) of a TCP connection as lib/tcpreasm keys it (IPv4 mapped into 16 octets). */
void pt_addr_from_tcp_key(pt_addr *a, const pt_tcp_key *k, int i);
/* "192.0.2.1" / "2001:db8::1", with ":port" (IPv6 as [..]:port) when with_port */
void pt_addr_fmt(const pt_addr *a, int with_port, char *buf, size_t cap);

/* How a TCP control connection ended, as the front end saw it. */
enum pt_tcp_end { PT_END_NONE = 0, PT_END_FIN, PT_END_RST, PT_END_EVICTED, PT_END_EOF };

/* TCP facts the front end passes at close, for the verdicts. */
typedef struct pt_tcp_facts {
	uint8_t syn, synack, ack;      /* handshake packets seen */
	uint8_t rst_from[2];           /* RST seen from client [0] / server [1] */
	uint8_t fin_from[2];
	uint64_t bytes[2];
	uint64_t gaps[2];              /* bytes never seen */
	uint64_t syn_pkt;
	int64_t syn_ts_us;
} pt_tcp_facts;

typedef struct pt_tunnel pt_tunnel;
typedef struct pt_call pt_call;
struct pt_mppe_job;

typedef struct pt_conn {
	uint32_t idx;                  /* 1-based, in order of appearance */
	pt_addr cli, srv;              /* TCP client and server */
	uint8_t pns_is_cli;            /* 1: the TCP client is the PNS (usual) */
	uint8_t role_known;            /* a role-specific message settled it */
	uint8_t midstream;
	uint8_t synced[2];             /* per TCP dir: message boundaries known */
	uint8_t ended;
	uint8_t end_how, end_dir;
	uint64_t skipped[2];           /* octets dropped while resynchronising */
	uint64_t skip_run[2];          /* ... in the resynchronisation under way */
	uint8_t gap_unsync[2];         /* unsynchronised by bytes the capture missed (a gap, a mid-stream start) */
	size_t pending[2];             /* octets of an unfinished message waiting for the rest */
	uint64_t msgs[2], bytes[2];    /* per TCP dir */
	uint64_t first_pkt, last_pkt;
	int64_t t_first, t_last, t_end;
	uint64_t end_pkt;
	pt_tcp_facts tcp;
	pt_ctrl_conn fsm;
	int32_t ncalls;
	uint8_t rules_seen[(PT_R__COUNT + 7) / 8];
	uint32_t msg_count[16];        /* valid control messages seen, by Control Message Type (1-15) */
	uint32_t findings[3];          /* by severity */
	/* first refusal / stop, for the verdicts */
	uint64_t refuse_pkt, stop_pkt;
	int stop_dir;
} pt_conn;

/* One direction of a call's PPP/GRE traffic, indexed by sender (PT_DIR_PNS / PT_DIR_PAC). */
typedef struct pt_call_dir {
	uint64_t first_pkt, last_pkt;
	int64_t t_first, t_last;
	uint64_t ppp_frames, bad_frames;
	uint64_t data_frames;          /* IP, IPv6, encrypted */
	uint64_t decrypted, decrypt_failed;
} pt_call_dir;

struct pt_call {
	int32_t idx;                   /* 0-based, global */
	uint32_t conn;                 /* pt_conn.idx, 0 = GRE without a control connection */
	int32_t fsm_call;              /* index in conn->fsm.calls, -1 none */
	uint16_t pns_call_id, pac_call_id;
	uint8_t has_pns_id, has_pac_id;
	uint8_t up;                    /* the control channel brought it up */
	uint8_t down;
	int8_t clear_dir;              /* who sent Call-Clear-Request, -1 none */
	uint64_t clear_pkt;
	int64_t t_clear;
	pt_addr pns, pac;              /* IP addresses (GRE endpoints) */
	uint64_t req_pkt, up_pkt, down_pkt;
	int64_t t_req, t_up, t_down;
	pt_gre_flow gre[2];            /* by sender */
	pt_call_dir d[2];
	uint32_t findings[3];
	uint8_t rules_seen[(PT_R__COUNT + 7) / 8];
	struct pt_call_ext *ext;       /* PPP/auth/MPPE state, owned by the tunnel */
	int32_t hnext[2];              /* GRE lookup chains */
	uint8_t bound[2];
	uint8_t reported_after_clear, reported_before_up, reported_addr;
	uint8_t orphan_told;           /* GRE without its control connection: reported */
	/* a call set up before the capture, known from the control messages that name it (tunnel.c ctrl_names_call) */
	uint8_t has_cdn, cdn_result, cdn_error, has_sli;
	uint16_t cdn_cause;
	uint32_t sli_send_accm, sli_recv_accm;
	uint8_t up_inferred;           /* not seen coming up on the control channel, but its PPP session was
	                                * already running when the capture started (mid-session) */
};

typedef struct pt_tunnel_hooks {
	void *user;
	/* every finding (required) */
	void (*on_finding)(void *user, const pt_finding *f);
	/* one decode line per message (optional: NULL means no formatting cost) */
	void (*on_decode)(void *user, const pt_where *at, const char *line);
	/* each decrypted (or clear) inner PPP data frame: protocol field + payload (optional) */
	void (*on_inner)(void *user, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len);
	/* derived keys, only when the user asked for --show-keys (optional) */
	void (*on_secret)(void *user, const pt_where *at, const char *what, const uint8_t *key, size_t len);
	/* after each GRE packet whose call is known: the call as it stands now (optional; the Wireshark plugin
	 * reads the credential check and MPPE mode of that packet from it) */
	void (*on_gre_call)(void *user, const pt_where *at, const pt_call *k);
	/* each PAP/CHAP message of a call, after the tunnel has taken it in (optional; --audit and --wordlist keep the
	 * handshakes from it): authenticator is the side that authenticates, k->ext->ppp.auth[authenticator] holds
	 * the Challenge that goes with a Response */
	void (*on_auth)(void *user, const pt_where *at, const pt_call *k, int authenticator, const struct pt_auth_msg *m);
	/*
	 * Decryption on the front end's threads (optional, both or neither; never with on_decode).  With them, an
	 * MPPE frame whose call needs nothing else of it is not decrypted here: the tunnel hands it out as a job
	 * (on_job, the last thing it does for that packet) and the front end runs it anywhere
	 * (pt_tunnel_job_run) and gives the result back with pt_tunnel_job_apply, on this thread, in the order
	 * the jobs were handed out.  Before the tunnel touches what a job's result goes to (a call's PPP state,
	 * its cipher state, or every call when call is -1), it calls on_sync: every job of that call handed out
	 * so far must be applied before on_sync returns.  The front end holds back any finding or inner frame
	 * it gets while jobs handed out before it are still unapplied, and passes them on in order.
	 */
	void (*on_job)(void *user, const struct pt_mppe_job *j);
	void (*on_sync)(void *user, int32_t call);
} pt_tunnel_hooks;

typedef struct pt_tunnel_cfg {
	size_t max_conns;              /* 0 = default 4096 */
	size_t max_calls;              /* 0 = default 16384 */
	const struct pt_cred *creds;   /* credentials for verification/decryption (may be NULL) */
	size_t ncreds;
	int no_fastpath;               /* 1: every frame through the whole observer (to compare with the steady-state path) */
} pt_tunnel_cfg;

pt_tunnel *pt_tunnel_new(const pt_tunnel_cfg *cfg, const pt_tunnel_hooks *hooks);
void pt_tunnel_free(pt_tunnel *t);

/* A TCP connection to/from port 1723 began (or was first seen mid-stream). */
pt_conn *pt_tunnel_ctrl_open(pt_tunnel *t, const pt_addr *cli, const pt_addr *srv, int midstream, const pt_where *at);
/* In-order stream bytes; tcpdir 0 = client->server.  Returns octets consumed; the rest is offered again. */
size_t pt_tunnel_ctrl_data(pt_tunnel *t, pt_conn *c, int tcpdir, const uint8_t *data, size_t len, const pt_where *at);
/* Octets that will never be seen: resynchronise on the magic cookie. */
void pt_tunnel_ctrl_gap(pt_tunnel *t, pt_conn *c, int tcpdir, uint32_t missing, const pt_where *at);
/* The TCP connection ended; facts may be NULL. leftover = octets still buffered (a cut message). */
void pt_tunnel_ctrl_close(pt_tunnel *t, pt_conn *c, int how, int tcpdir, size_t leftover,
			  const pt_tcp_facts *facts, const pt_where *at);

/* One GRE packet (IP protocol 47): the IP payload as captured; wire_len from the IP header. */
void pt_tunnel_gre(pt_tunnel *t, const pt_addr *src, const pt_addr *dst, const uint8_t *gre, size_t caplen,
		   size_t wire_len, const pt_where *at);


/* ---- decryption as jobs (hooks on_job / on_sync; lib itself starts no thread) ---- */

/* The output buffers a job's result is identical with, whatever buffer the tunnel would have used itself. */
#define PT_TUNNEL_DECRYPT_CAP (65536 + 64)

typedef struct pt_mppe_job {
	/* what the front end reads */
	int32_t call;                  /* pt_call.idx */
	uint8_t dir;                   /* the sender */
	const uint8_t *in;             /* MPPE header and data: valid only until on_job returns; the front end
	                                * copies in_len octets and points in at its copy */
	size_t in_len;
	size_t out_cap;                /* octets the out buffer of pt_tunnel_job_run must hold */
	size_t z_cap;                  /* ... and the zout buffer (0: none needed) */
	/* the tunnel's (opaque to the front end) */
	pt_where at;
	pt_mppe_ctx *mppe;             /* the direction's cipher state: only pt_tunnel_job_run touches it now */
	pt_mppc_ctx *mppc;
	uint8_t mppc_on, stateless;
	uint8_t family;                /* the outer IP version */
	size_t gre_wire;               /* the GRE packet's octets on the wire */
	uint64_t gre_gap;              /* sequence numbers GRE found missing before it */
	/* the result (pt_tunnel_job_run) */
	int rc, zrc;
	pt_mppe_info info;
	uint8_t decompressed, rekeyed;
	const uint8_t *plain;          /* in out or zout */
	size_t plain_len;
} pt_mppe_job;

/*
 * The cipher (and MPPC) work of one job: any thread, touching nothing but the job, its buffers and its direction's
 * cipher and MPPC state (jobs of one direction run one after the other, in the order handed out).  out holds
 * out_cap octets, zout z_cap.
 */
void pt_tunnel_job_run(pt_mppe_job *j, uint8_t *out, uint8_t *zout);
/* The rest of that packet's work (findings, the plaintext checks, inner accounting, on_inner): the tunnel's thread. */
void pt_tunnel_job_apply(pt_tunnel *t, const pt_mppe_job *j);

/* End of input: close what is open, report what never finished. */
void pt_tunnel_finish(pt_tunnel *t, const pt_where *at);

/* Reading the model (reports, verdicts). */
size_t pt_tunnel_nconns(const pt_tunnel *t);
const pt_conn *pt_tunnel_conn(const pt_tunnel *t, size_t i);     /* i 0-based */
size_t pt_tunnel_ncalls(const pt_tunnel *t);
const pt_call *pt_tunnel_call(const pt_tunnel *t, size_t i);
int64_t pt_tunnel_t0(const pt_tunnel *t);                         /* time of the first packet seen */
int64_t pt_tunnel_t_last(const pt_tunnel *t);                     /* time of the last packet seen */
uint64_t pt_tunnel_gre_packets(const pt_tunnel *t);               /* GRE packets in the capture, any call */
/* Of those, the data frames taken by the steady-state path (0 with pt_tunnel_cfg.no_fastpath). */
uint64_t pt_tunnel_fast_frames(const pt_tunnel *t);
uint64_t pt_tunnel_flow_hits(const pt_tunnel *t);   /* GRE packets whose call the last-flow cache gave (PPTP_FASTPATH_STATS) */

/*
 * RFC 1661 4.6: a side that hears nothing resends its LCP Configure-Request each time the Restart timer
 * expires.  PT_LCP_RETRIES_EVIDENCE Configure-Requests from talker with no GRE at all from the other side
 * are the evidence that the other side's GRE does not arrive (two timeouts without a word back).
 */
#define PT_LCP_RETRIES_EVIDENCE 3
int pt_call_lcp_unanswered(const pt_call *k, int talker);
/* The call's end is in the capture: cleared, disconnected, or its control connection closed or reset. */
int pt_call_ended(const pt_tunnel *t, const pt_call *k);


/* ---- what the tunnel knows of a call's PPP session (read by reports and verdicts) ---- */

/* The outcome of checking one authentication against the credentials given. */
enum pt_authv {
	PT_AUTHV_NONE = 0,      /* nothing to check (no authentication seen) */
	PT_AUTHV_NO_CREDS,      /* no credentials were given at all */
	PT_AUTHV_NO_USER,       /* credentials given, none for this user */
	PT_AUTHV_OK,            /* the response matches the password */
	PT_AUTHV_WRONG,         /* the response was made with another password */
	PT_AUTHV_UNSUP          /* the credential lacks what the method needs (NT hash for PAP) */
};
extern const pt_vs pt_authv_vs[];

typedef struct pt_inner_stats {
	uint64_t ipv4, ipv6, other, bytes;
	uint64_t icmp, tcp, udp, l4_other, fragments;
	uint8_t has_addr;
	uint8_t src[4], dst[4];         /* first IPv4 packet's addresses */
} pt_inner_stats;

typedef struct pt_mppe_dir {
	_Alignas(64) pt_mppe_ctx c;
} pt_mppe_dir;

/* 64-octet aligned (pt_mppe_dir): allocated with aligned_alloc */
struct pt_call_ext {
	pt_pppobs ppp;
	/* authentication, per authenticator side */
	pt_pppobs_auth auth[2];          /* last state seen (the observer resets its own when LCP goes down) */
	uint8_t authv[2];               /* enum pt_authv */
	uint8_t success_forged[2];      /* MS-CHAPv2 S= does not match a verified password */
	uint8_t success_checked[2];
	uint64_t auth_pkt[2];           /* the Success/Failure (or last response) */
	uint64_t fail_pkt[2];
	uint32_t fail_error[2];
	unsigned failures[2];
	char user[2][64];               /* printable */
	uint8_t user_raw[2][64];        /* the same as sent (JSON escapes it), user_len octets */
	uint8_t user_len[2];
	int cred[2];                    /* index into the tunnel's credentials, -1 none */
	uint8_t nt_resp[2][24];
	uint8_t has_nt_resp[2];
	uint8_t mschap1_chal[2][8];
	/* MPPE: per SENDER */
	uint8_t ccp_open;
	uint32_t mppe_bits;             /* as negotiated (the PAC's receive side, else the PNS's) */
	int key_bits;                   /* 40, 56, 128; 0 none */
	uint8_t stateless, mppc;
	uint8_t stateless_dir[2];       /* per SENDER: RFC 1962 2, a Configure-Request names how its sender receives, so each direction may differ */
	uint8_t keys;                   /* 1 ready, 0 not (yet), 2 unavailable (reported) */
	uint8_t mppe_init[2];
	uint8_t alt_key[16];            /* MS-CHAPv1 40/56-bit: the other derivation, tried if the first decrypts nothing */
	uint8_t has_alt, alt_used;
	/* each direction's cipher state on cache lines of its own: a decryption thread writes it while the tunnel's
	 * thread writes the fields around it */
	pt_mppe_dir mppe[2];
	pt_mppc_ctx *mppc_ctx[2];
	uint64_t enc_frames[2];         /* 0x00FD frames seen */
	uint64_t first_bad_pkt[2];
	uint64_t reset_reqs[2];         /* CCP Reset-Requests sent by this side */
	/* data */
	pt_inner_stats inner[2];        /* per sender */
	uint64_t clear_data[2];         /* IP frames in clear on the link */
	uint64_t oversize[2];           /* data frames above the receiver's MRU */
	uint64_t oversize_pkt[2];       /* the first of them */
	/* termination */
	int8_t term_dir;                /* -1 none */
	uint64_t term_pkt;
	char term_reason[80];
	uint64_t term2_pkt;              /* the other side's first Terminate-Request too (both ended the link), 0 none */
	char term2_reason[80];
	uint64_t lcp_open_pkt, ccp_open_pkt, ipcp_open_pkt, auth_done_pkt;
	/* for the verdicts */
	uint64_t lcp_echo_req[2], lcp_echo_rep[2];  /* sent by each side */
	int64_t t_last_rx[2];            /* last frame sent by each side */
	int64_t t_first_unanswered[2];   /* first LCP Echo-Request of a side not answered since */
	uint64_t pkt_first_unanswered[2];
	int8_t mppe_refused_by;          /* -1, or the side that rejected MPPE (CCP Configure-Reject or LCP Protocol-Reject of CCP) */
	uint64_t mppe_refused_pkt;
	uint32_t mppe_wanted[2];         /* MPPE bits each side asked for in its CCP Configure-Request */
	uint64_t ipcp_naks[2], ipcp_rejs[2], ipcp_termreq_pkt;
	/* a capture that starts mid-session: 0x00FD frames by sender with the MPPE D (encrypted) bit, and of
	 * them those with A (FLUSHED) set, which every stateless packet has (RFC 3078 3.1) */
	uint64_t mppe_d_frames[2], mppe_a_frames[2];
	uint64_t midsession_pkt;         /* where the capture was found to start mid-session, 0 no */
	/* the largest inner IP packet each side sent, and the octets around it on the wire (outer IP without
	 * options, GRE, PPP, MPPE): what a tunnel MTU must leave room for */
	uint32_t max_inner[2], overhead[2];
	/* negotiated extras the report names: LCP Callback asked for (operation + 1, 0 none) and CBCP frames, by
	 * sender; an EAP offer answered with a Nak (the side that Nak'd it, -1 none, and what it asked for); an
	 * MS-CHAPv1 response whose LAN Manager half is all zeros (NT response only), by authenticator */
	uint8_t callback_op[2];
	uint64_t cbcp_frames[2];
	int8_t eap_naked_by;
	uint8_t eap_offered[2];         /* the side's last LCP Configure-Request asked for EAP */
	uint16_t eap_nak_proto;
	uint8_t eap_nak_alg;
	/* an EAP offer whose Authentication-Protocol option the peer Configure-Rejected (RFC 1661 5.4): the side that
	 * rejected it, -1 none, and the packet (the offerer may then ask for a weaker method, or none) */
	int8_t eap_rejected_by;
	uint64_t eap_rej_pkt;
	uint8_t lm_zero[2];
};

/* Did a rule fire on this connection / call? */
static inline int pt_rule_seen(const uint8_t *bits, int rule)
{
	return rule >= 0 && rule < PT_R__COUNT && (bits[rule / 8] >> (rule % 8)) & 1;
}

#endif
