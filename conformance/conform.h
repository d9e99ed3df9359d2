/* conform.h: pptp-conform's shared types: the endpoint (one PPTP end, PNS or PAC, with a userspace data path), scenarios, results. */
#ifndef CF_CONFORM_H
#define CF_CONFORM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "authpeer.h"
#include "cpeng.h"
#include "mppe.h"
#include "mschap.h"
#include "pptp.h"
#include "tunnel.h"

#define CF_MAXPKT 2048
#define CF_QCTRL 64       /* received control messages waiting for an expectation */
#define CF_QPPP 256       /* received PPP frames waiting for an expectation */
#define CF_LINE 512
#define CF_MAXFIND 256    /* findings kept per scenario */

/* ---- clock and random source (front end only: lib/ gets them passed in) ---- */
int64_t cf_now_us(void);
typedef struct cf_rng { uint64_t s; } cf_rng;
uint32_t cf_rand32(cf_rng *r);
void cf_rand_bytes(cf_rng *r, uint8_t *out, size_t n);

/* ---- the capture of a run (--pcap): every packet sent and received, as raw IP ---- */
typedef struct cf_pcap {
	FILE *f;
	uint64_t npkt;
	uint64_t bytes, max;      /* bytes written; max: stop there (0: no cap; --pcap-max) */
	uint64_t dropped;         /* packets left out once the cap was reached */
} cf_pcap;
int cf_pcap_open(cf_pcap *p, const char *path, uint32_t linktype);
void cf_pcap_write(cf_pcap *p, int64_t ts_us, const uint8_t *data, size_t len);
void cf_pcap_close(cf_pcap *p);

/* ---- one received message kept for the expectations ---- */
typedef struct cf_ctrl_rx {
	int64_t t;
	int rc;                 /* pt_ctrl_parse result */
	pt_ctrl_msg m;
	size_t len;
	char line[CF_LINE];     /* the --decode line */
} cf_ctrl_rx;

typedef struct cf_ppp_rx {
	int64_t t;
	uint16_t proto;
	uint8_t decrypted;
	size_t len;             /* information octets */
	uint8_t data[CF_MAXPKT];
	char line[CF_LINE];     /* pt_fmt_ppp of the (decrypted) frame */
} cf_ppp_rx;

typedef struct cf_find {
	int rule;
	int dir;
	uint64_t pkt;
	char msg[PT_FINDING_MSG];
} cf_find;

/* Knobs a scenario may set on the endpoint (`set KEY VALUE`). */
typedef struct cf_knobs {
	uint8_t auto_echo;        /* answer PPTP Echo-Request (1) */
	uint8_t auto_ack;         /* acknowledge GRE (1) */
	uint8_t gre_seq;          /* send sequence numbers (1) */
	uint8_t ppp_auto;         /* the PPP engines answer LCP/CCP/IPCP (1 once `ppp open` ran) */
	uint16_t recv_window;     /* our Packet Recv. Window Size (64) */
	uint8_t mppe_skip_cc;     /* next encrypted packet skips this many coherency counts */
	uint8_t mppe_clear_d;     /* send data frames with D clear (not encrypted) */
	uint8_t mppe_rfc_stateful;/* stateful sender as RFC 3078 (no rekey on FLUSHED) */
	uint8_t no_reset_req;     /* do not send CCP Reset-Request on loss */
	uint8_t auth_silent;      /* never answer the authenticator (CHAP Challenge / PAP) */
	pt_authpeer_knobs auth;   /* authentication test knobs (wrong S=, no S=, LM response ...) */
	uint8_t loss;             /* percent of our GRE data packets lost on the way (sequence and coherency numbers used, nothing sent) */
	uint8_t send_fail_ok;     /* a control message that cannot be sent (the target closed or reset the connection) does not fail the step */
} cf_knobs;

enum cf_role { CF_PNS = 0, CF_PAC = 1 };

typedef struct cf_ep cf_ep;

/* Options of a run, from the command line. */
typedef struct cf_opts {
	const char *target;
	const char *listen;
	const char *source;       /* --source: our address for the control connection and GRE */
	uint16_t port;
	char user[256];
	char password[257];
	int have_password;
	double timeout;           /* cap on every wait, seconds */
	const char *pcap;
	const char *inner;        /* --write-inner */
	const char *peer_has;     /* --peer-has: what the target is configured to offer (scenario `requires`) */
	int *listen_fd;           /* --listen: the socket, made by the first scenario and kept for the run */
	double pause;             /* --pause: seconds between scenarios */
	int repeat;               /* --repeat N: run the scenarios N times (a server serving N clients) */
	uint64_t seed;
	int load;                 /* --load N: tunnels (client) or concurrent clients at most (server) */
	double rate, duration;    /* --rate R new tunnels per second, --duration S */
	int mutate;               /* --mutate: mutation run */
	long count;               /* --count K mutated messages */
	const char *findings;     /* --findings DIR: where a mutation failure is written as a scenario */
	const char *json_file;    /* --json FILE: load and mutation runs write a line per tunnel or batch, then their summary */
	const char *svg_dir;      /* --svg-dir: the message sequence of each failed scenario, DIR/ID.svg and ID.txt */
	const char *junit_file;   /* --junit FILE (load and mutation runs: a testcase per tunnel or batch) */
	int tap;                  /* --tap */
	double pcap_max;          /* --pcap-max MIB: the capture stops growing there (load and mutation runs: 64 by default) */
	int verbose;
} cf_opts;

/* ---- the endpoint ---- */
struct cf_ep {
	int role;                 /* enum cf_role */
	const cf_opts *o;
	cf_rng *rng;
	cf_pcap *pcap;
	cf_pcap *inner;           /* --write-inner: the clear inner packets, as ppp0 would show them */
	cf_knobs k;
	int family;
	struct sockaddr_storage local, peer;
	socklen_t alen;
	int lfd;                  /* listening socket (PAC role) */
	int lfd_shared;           /* it belongs to the run (cf_opts.listen_fd) */
	int tfd;                  /* TCP control connection, -1 none */
	int gfd;                  /* raw GRE socket, -1 none */
	int closed;               /* the peer closed or reset the connection */
	int close_rst;
	uint8_t tbuf[8192];       /* control stream bytes not yet framed */
	size_t tlen;
	uint64_t tcp_bytes_rx;
	uint32_t tseq[2];         /* synthesized TCP sequence numbers for the capture: [0] ours, [1] peer's */
	uint16_t ipid;
	/* the control connection */
	uint16_t our_call_id, peer_call_id;
	int call_up;
	uint16_t call_serial;
	uint16_t peer_window;
	uint32_t echo_id;
	/* GRE */
	pt_gre_tx gtx;            /* our sending side: numbers, acknowledgments owed, the peer's window (lib/gre) */
	int in_window_wait;       /* waiting for the peer's window to open (no nested waits) */
	uint64_t window_waits;
	uint64_t gre_rx, gre_tx, gre_bad, gre_lost;
	/* PPP */
	pt_cpeng cp[PT_CPK__N];
	int cp_started[PT_CPK__N];
	int cp_was_open[PT_CPK__N];   /* reached Opened at least once (a state may pass between two looks) */
	pt_cpeng_policy pol;
	pt_authpeer auth;
	int auth_started;
	int auth_method;
	pt_cred cred;
	int mppe_bits;            /* 40, 56, 128 once keys are set; 0 none */
	int mppe_on;
	pt_mppe_ctx mtx, mrx;
	int mrx_stateless;
	uint64_t mppe_rx_ok, mppe_rx_fail, reset_req_sent, reset_req_rcvd;
	/* inner traffic */
	uint16_t ping_id, ping_seq;
	uint64_t pings_sent, pongs_rcvd, pongs_bad, echo_req_rcvd, echo_rep_sent;
	/* received, waiting for expectations */
	cf_ctrl_rx *cq;
	unsigned cq_head, cq_n;
	cf_ppp_rx *pq;
	unsigned pq_head, pq_n;
	uint64_t ctrl_rx_total, ppp_rx_total;
	/* the checker: both directions through lib/tunnel */
	pt_tunnel *chk;
	pt_conn *chk_conn;
	uint8_t chk_buf[2][4096];  /* per TCP direction: bytes the checker has not taken yet */
	size_t chk_len[2];
	uint64_t pktno;           /* frame number in the run's capture (also the checker's) */
	cf_find find[CF_MAXFIND];
	unsigned nfind, find_dropped;
	struct pt_ladder *ladder; /* --svg-dir: the checker's decode lines and findings, drawn if the scenario fails */
	char err[256];            /* last transport error */
	/* for an outside event loop (load.c): one GRE socket for many endpoints, smaller queues, no checker */
	int gfd_shared;           /* gfd belongs to the caller: sendto the peer, never closed here */
	int nocheck;              /* no lib/tunnel checker (set before the connection comes up) */
	unsigned cq_cap, pq_cap;  /* queue sizes (CF_QCTRL, CF_QPPP) */
};

int cf_ep_init(cf_ep *e, int role, const cf_opts *o, cf_rng *rng, cf_pcap *pcap, cf_pcap *inner);
void cf_ep_free(cf_ep *e);
/* PNS: TCP connect to the target (bounded by timeout).  0 ok; -1 with e->err. */
int cf_ep_connect(cf_ep *e, double timeout);
/* PAC: accept one control connection (bounded). */
int cf_ep_listen(cf_ep *e);
int cf_ep_accept(cf_ep *e, double timeout);
void cf_ep_disconnect(cf_ep *e, int rst);
/* Write bytes on the control connection in segments of these sizes (nsplit 0: one write). */
int cf_ep_send_ctrl_bytes(cf_ep *e, const uint8_t *b, size_t n, const size_t *split, int nsplit, double gap);
/* Fill a valid template for a message type, as this endpoint would send it now. */
void cf_ep_ctrl_template(cf_ep *e, uint16_t type, pt_ctrl_msg *m);
/* Note what we sent (call IDs, windows). */
void cf_ep_ctrl_sent(cf_ep *e, const pt_ctrl_msg *m);
/* PPP: send one frame of protocol proto (encrypted when MPPE is up and proto is a data protocol). */
int cf_ep_send_ppp(cf_ep *e, uint16_t proto, const uint8_t *info, size_t len);
/* Raw GRE header fields for a test (NULL: the endpoint's own). */
typedef struct cf_gre_ov {
	int has_flags; uint16_t flags_ver;
	int has_proto; uint16_t proto;
	int has_key_len; uint16_t key_len;
	int has_call; uint16_t call_id;
	int has_seq; uint32_t seq;
	int has_ack; uint32_t ack;
	int no_seq, no_ack;
} cf_gre_ov;
int cf_ep_send_gre(cf_ep *e, const cf_gre_ov *ov, const uint8_t *payload, size_t len);
/* Start the PPP engines (LCP first; auth, CCP, IPCP follow as layers come up). */
void cf_ep_ppp_start(cf_ep *e);
/* One ICMP echo request to the peer's PPP address. */
int cf_ep_ping(cf_ep *e, size_t size);
/* Bytes of the control stream as if the socket had given them (the socket path, and fuzzing) */
void cf_ep_feed_ctrl(cf_ep *e, const uint8_t *b, size_t n);
/* A connection without sockets (tests, fuzzing): the checker runs, nothing is sent. */
void cf_ep_socketless(cf_ep *e, const struct sockaddr_storage *local, const struct sockaddr_storage *peer, socklen_t len);
/* Wait for input until deadline (absolute us); runs timers.  Returns 1 if anything arrived, 0 at deadline, -1 closed. */
int cf_ep_poll(cf_ep *e, int64_t deadline);

/* An outside event loop (load.c) drives many endpoints: it owns the sockets and calls these. */
/* Take a connected (PNS) or accepted (PAC) control connection; gfd is a raw GRE socket shared by all. */
int cf_ep_attach(cf_ep *e, int tfd, int gfd);
/* The control connection is readable. */
void cf_ep_tcp_in(cf_ep *e);
/* One GRE packet for this endpoint, as a raw socket of its family delivers it. */
void cf_ep_gre_in(cf_ep *e, const uint8_t *pkt, size_t n);
/* Run the timers and a pending acknowledgment; returns the next deadline (us), -1 none. */
int64_t cf_ep_timers(cf_ep *e, int64_t now);
/* Smaller queues for many endpoints (0 keeps a size). */
int cf_ep_set_queues(cf_ep *e, unsigned cq, unsigned pq);

/* The queues. */
cf_ctrl_rx *cf_ep_ctrl_peek(cf_ep *e);
void cf_ep_ctrl_pop(cf_ep *e);
cf_ppp_rx *cf_ep_ppp_at(cf_ep *e, unsigned i);
void cf_ep_ppp_drop(cf_ep *e, unsigned upto);

/* ---- scenarios ---- */
#define CF_MAXSTEP 256

typedef struct cf_step {
	int line;
	char *text;               /* the line, re-tokenized when the step runs */
} cf_step;

typedef struct cf_scn {
	char *file;
	char id[64];
	char title[160];
	char rfc[64];
	int role;
	char requires[64];        /* what the target must offer, for SKIP */
	int nstep;
	cf_step step[CF_MAXSTEP];
	char *allow[32];          /* rule ids (globs) the target may break in this scenario */
	int nallow;
} cf_scn;

/* Parse a file; errors are FILE:LINE:COL on stderr and exit 2 (mkcap's reader). */
cf_scn *cf_scn_load(const char *path);
/* The same from an open file (path names it in messages; the caller closes it).  held, if not NULL,
 * gets the scenario as soon as it exists, so a caller that comes back from a parse error frees it. */
cf_scn *cf_scn_read(FILE *f, const char *path, cf_scn **held);
void cf_scn_free(cf_scn *s);

enum cf_verdict { CF_PASS = 0, CF_FAIL = 1, CF_SKIP = 2 };

typedef struct cf_result {
	const cf_scn *s;
	int verdict;
	int fail_line;            /* the step */
	char why[1024];           /* expected / actual, or the skip reason */
	double secs;
	cf_find find[16];         /* the target's findings that failed the scenario */
	unsigned nfind;
} cf_result;

/* --svg-dir: the picture of a failed scenario (picture.c); 0 ok, -1 with the error on stderr */
int cf_picture_write(const char *dir, const cf_scn *s, const cf_result *r, cf_ep *e);

/* Run one scenario against the target (or as the server).  Fills r. */
void cf_run(const cf_scn *s, const cf_opts *o, cf_rng *rng, cf_pcap *pcap, cf_pcap *inner, cf_result *r);

/* ---- load and mutation runs (load.c, mutate.c): exit status 0, 1 or 2 as the library run ---- */
int cf_load_run(const cf_opts *o);
int cf_mutate_run(const cf_opts *o);
/* A string as a JSON string (quotes, backslashes and control characters escaped). */
void cf_json_str(FILE *f, const char *s);

/* ---- outputs ---- */
typedef struct cf_out {
	int tap;
	FILE *junit, *json;
	int n, pass, fail, skip;
	int planned;
} cf_out;
void cf_out_begin(cf_out *o, int nscn);
void cf_out_result(cf_out *o, const cf_result *r);
void cf_out_end(cf_out *o);

/* Load and mutation runs (load.c, mutate.c): a test point per tunnel or batch as it settles (TAP on stdout, a
 * JUnit testcase, the caller's own JSON line on json), the plan and the figures at the end: TAP diagnostics,
 * JUnit properties.  The text of the run goes through cf_rep_say: "# " before each line under --tap. */
typedef struct cf_rep {
	int tap;
	FILE *junit, *json;
	FILE *cases;              /* the JUnit testcases until the counts are known */
	const char *suite;
	int n, fail;
	char props[2048];         /* JUnit properties */
	size_t nprops;
} cf_rep;
int cf_rep_open(cf_rep *r, const cf_opts *o, const char *suite);
void cf_rep_point(cf_rep *r, int ok, const char *name, const char *desc, double secs, const char *why, const char *file);
void cf_rep_prop(cf_rep *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cf_rep_say(cf_rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cf_rep_close(cf_rep *r);
void cf_xml_str(FILE *f, const char *s);

#endif
