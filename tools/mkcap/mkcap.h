/* mkcap.h: the crafted-capture generator's shared types (source language in docs/mkcap.md; pcap/pcapng out). */
#ifndef MK_MKCAP_H
#define MK_MKCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cursor.h"

#define MK_MAXTOK 160
#define MK_NAME 32
#define MK_MAXPKT 65600   /* one IP datagram and its link header */
#define MK_MAXCONN 64
#define MK_MAXCALL 64
#define MK_MAXSEG 64      /* held or lost TCP segments kept per direction */

/* ---- the source: one line as tokens ---- */
typedef struct mk_tok {
	char *key;      /* "name" of name=value, or NULL for a bare word / quoted string */
	char *val;      /* the word, the value, or the unquoted string */
	size_t vlen;    /* strings may hold \x00 */
	int col;        /* 1-based column of the token */
	int vcol;       /* column of the value */
	int quoted;     /* val came from a "..." string */
	int used;       /* consumed by the command: anything left over is an error */
} mk_tok;

typedef struct mk_line {
	const char *file;
	int lineno;
	int ntok;
	int pos;        /* next positional token to read */
	int endcol;     /* column just past the last token, for "missing ..." errors */
	mk_tok tok[MK_MAXTOK];
} mk_line;

/* Report FILE:LINE:COL: message and exit 2. */
void mk_die(const mk_line *l, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* Ends the program (exit.c): the one way out of mk_die. */
void mk_exit(int status) __attribute__((noreturn));
/* Fatal error outside a source line (I/O): "mkcap: message", exit 1. */
void mk_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

int mk_tokenize(mk_line *l, char *text);
/* Positional tokens (bare words and quoted strings), in order. */
mk_tok *mk_next(mk_line *l);                    /* NULL at end */
mk_tok *mk_peek(mk_line *l);                    /* NULL at end, not consumed */
mk_tok *mk_need(mk_line *l, const char *what);  /* dies when missing */
int mk_accept(mk_line *l, const char *word);    /* consume the next bare word if it is word */
/* key=value tokens, anywhere on the line. */
mk_tok *mk_kv(mk_line *l, const char *key);     /* NULL if absent; marks used */
int mk_flag(mk_line *l, const char *word);      /* a bare word anywhere after pos; marks used */
void mk_done(mk_line *l);                       /* dies on any unused token */

/* Value parsers: die with the token's column on error. */
uint32_t mk_num(const mk_line *l, const mk_tok *t, uint32_t max);
uint64_t mk_num64(const mk_line *l, const mk_tok *t);
int64_t mk_time_us(const mk_line *l, const mk_tok *t, const char *s);  /* "1700000000.25" -> us */
size_t mk_hex(const mk_line *l, const mk_tok *t, uint8_t *out, size_t cap);
int mk_bool(const mk_line *l, const mk_tok *t);
/* Convenience: kv lookups with a default. */
uint32_t mk_kv_num(mk_line *l, const char *key, uint32_t dflt, uint32_t max);
/* key=1,3-4: a set of 1-based numbers up to 64 as bits (bit i-1 for i); 0 when absent. what names them. */
uint64_t mk_kv_list(mk_line *l, const char *key, const char *what);
int mk_kv_has(mk_line *l, const char *key);

/* ---- output ---- */
enum mk_fmt { MK_FMT_PCAP, MK_FMT_PCAPNG };

typedef struct mk_out {
	FILE *f;
	enum mk_fmt fmt;
	uint32_t linktype;
	uint32_t snaplen;
	uint64_t npkt;
	int started;
} mk_out;

void mk_out_start(mk_out *o);
void mk_out_packet(mk_out *o, int64_t ts_us, const uint8_t *p, size_t len);

/* ---- the network below the messages ---- */
enum mk_link { MK_LINK_ETHER, MK_LINK_VLAN, MK_LINK_QINQ, MK_LINK_SLL, MK_LINK_SLL2, MK_LINK_RAW, MK_LINK_NULL };

enum { MK_PNS = 0, MK_PAC = 1 };

typedef struct mk_host {
	int v6;
	uint8_t ip[16];
	uint16_t port;
	uint8_t mac[6];
} mk_host;

typedef struct mk_seg {
	uint8_t *data;
	size_t len;
	uint32_t seq;
	uint8_t flags;
} mk_seg;

typedef struct mk_tcpdir {
	uint32_t isn;
	uint32_t nxt;         /* next sequence number to send */
	uint16_t ip_id;       /* IPv4 identification counter of this host */
	uint16_t window;
	mk_seg held[MK_MAXSEG];
	int nheld;
	mk_seg lost[MK_MAXSEG];
	int nlost;
	uint8_t *defer;       /* bytes kept for the next send (several messages in one segment) */
	size_t ndefer;
} mk_tcpdir;

typedef struct mk_conn {
	char name[MK_NAME];
	mk_host h[2];         /* [MK_PNS], [MK_PAC] */
	mk_tcpdir d[2];
} mk_conn;

/*
 * Per-line header overrides (docs/mkcap.md "Header overrides"): what a timed line asks to change in the IP and
 * TCP headers of every packet it writes.  v[] holds -1 for a field not given.
 */
enum mk_ovfield {
	MK_IP_VER, MK_IP_IHL, MK_IP_TOS, MK_IP_LEN, MK_IP_ID, MK_IP_RF, MK_IP_DF, MK_IP_MF, MK_IP_OFF, MK_IP_TTL,
	MK_IP_PROTO, MK_IP_CSUM, MK_IP_FLOW, MK_TCP_RES, MK_TCP_DOFF, MK_TCP_FLAGS, MK_TCP_WIN, MK_TCP_CSUM, MK_TCP_URG,
	MK_OV_N
};

typedef struct mk_hdrov {
	int64_t v[MK_OV_N];
	int has_ip_opt, has_ip_ext, has_tcp_opt;
	uint8_t ip_opt[40];       /* IPv4 options as sent (lib pads them to 4 with End of Options) */
	size_t ip_opt_len;
	uint8_t ip_ext_type;      /* IPv6: the first extension header's type, the bytes are whole headers */
	uint8_t ip_ext[2048];
	size_t ip_ext_len;
	uint8_t tcp_opt[40];      /* TCP options instead of mkcap's own (MSS on SYNs) */
	size_t tcp_opt_len;
	uint64_t frag_drop, frag_dup;  /* bit i-1: fragment i (by offset) lost / written twice */
	int frag_col;             /* where frag_drop/frag_dup were written, for errors at emit time */
} mk_hdrov;

struct mk_mppe;

typedef struct mk_call {
	char name[MK_NAME];
	mk_conn *conn;
	uint16_t call_id[2];  /* each side's own call ID; GRE from side s carries call_id[!s] */
	uint32_t seq[2];      /* next GRE sequence number per sender */
	int sent[2];          /* any GRE packet with a sequence number sent yet */
	uint32_t acked[2];    /* last ack sent by side s (valid when ackd[s]) */
	int ackd[2];
	int acfc[2], pfc[2];  /* PPP framing each sender uses */
	/* authentication state, for MS-CHAP responses and MPPE keys */
	uint8_t auth_chal[16];      /* authenticator challenge (CHAP, MS-CHAP) */
	size_t auth_chal_len;
	uint8_t peer_chal[16];
	uint8_t nt_resp[24];
	int have_nt_resp;
	char user[256];
	char password[256];
	int have_password;
	struct mk_mppe *mppe;       /* NULL when encryption is off */
} mk_call;

typedef struct mk {
	mk_out out;
	enum mk_link link;
	int depth;            /* include nesting */
	int link_depth;       /* depth of the file that chose the link, -1 none */
	uint16_t vlan[2];
	int64_t t_us;         /* time of the current line */
	int64_t t0_us;        /* the `time` directive's start, base of @offsets */
	uint32_t frag;        /* IPv4-fragment GRE datagrams longer than this (0 = off) */
	int frag_reverse;     /* emit fragments last first */
	uint8_t ttl;
	mk_hdrov ov;          /* the current line's header overrides */
	mk_conn conn[MK_MAXCONN];
	int nconn;
	mk_call call[MK_MAXCALL];
	int ncall;
	uint8_t pkt[MK_MAXPKT];
	uint8_t scratch[MK_MAXPKT];
	uint8_t l4[MK_MAXPKT];   /* an IPv6 datagram's payload behind extension headers from ip_ext= */
} mk;

/* net.c */
uint32_t mk_linktype(enum mk_link l);
void mk_emit_ip(mk *m, const mk_line *l, mk_conn *c, int side, uint8_t proto,
		const uint8_t *payload, size_t len, uint32_t frag_over);
void mk_tcp_segment(mk *m, const mk_line *l, mk_conn *c, int side, uint32_t seq, uint8_t flags,
		    const uint8_t *data, size_t len, int with_mss);
/* `frame hex "..."`: any bytes after the link header of side's packets (an impossible IP header) */
void mk_frame_cmd(mk *m, mk_line *l, mk_conn *c, int side);
size_t mk_ipv4_packet(uint8_t *out, size_t cap, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		      uint16_t id, uint8_t ttl, const uint8_t *payload, size_t len);

/* hdr.c: read the ip_*, tcp_*, frag_* overrides of a timed line into m->ov (cleared first) */
void mk_ov_parse(mk *m, mk_line *l, const mk_conn *c, int is_conn);
void mk_ov_clear(mk_hdrov *ov);

/* tcp.c: the control connection commands */
void mk_conn_cmd(mk *m, mk_line *l, mk_conn *c, int side);
size_t mk_mutate(mk_line *l, uint8_t *buf, size_t len, size_t cap);

/* ctrl.c: PPTP control messages through lib/pptp.h */
int mk_ctrl_is_msg(const char *word);
size_t mk_ctrl_build(mk *m, mk_line *l, const char *name, uint8_t *out, size_t cap);
/* the same from a template (pptp-conform: the endpoint's valid message, fields of the line written over it); tmpl gets what was built */
struct pt_ctrl_msg;
size_t mk_ctrl_build_from(mk_line *l, struct pt_ctrl_msg *tmpl, uint8_t *out, size_t cap);
uint16_t mk_ctrl_type(const char *word);  /* 0 if not a message abbreviation */

/* gre.c: the GRE flow commands */
void mk_call_cmd(mk *m, mk_line *l, mk_call *k, int side);
void mk_mppe_directive(mk *m, mk_line *l, mk_call *k);
void mk_mppe_free(mk_call *k);
/* mppe.c: encrypt info (a protocol field is put in front) in place; sets *proto to 0x00FD; returns the new length */
size_t mk_mppe_encrypt(mk *m, mk_line *l, mk_call *k, int side, uint16_t *proto, int pfc, uint8_t *info, size_t len,
		       size_t cap);

/* ppp.c: PPP payloads through lib/ppp.h, lib/cp.h, lib/auth.h; returns the PPP protocol and fills out */
void mk_ppp_build(mk *m, mk_line *l, mk_call *k, int side, const char *what, uint16_t *proto, uint8_t *out,
		 size_t cap, size_t *len);

/* auth.c: PAP, CHAP, MS-CHAP messages through lib/auth.h and lib/mschap.h; 0 if `what` is not one */
int mk_auth_build(mk *m, mk_line *l, mk_call *k, int side, const char *what, uint16_t *proto, uint8_t *out,
		  size_t cap, size_t *len);
/* mppe.c: a CCP Reset-Request was sent to `side`'s sender */
void mk_mppe_reset(mk_call *k, int side);

/* helpers */
int mk_parse_host(const char *s, mk_host *h);
mk_conn *mk_find_conn(mk *m, const char *name);
mk_call *mk_find_call(mk *m, const char *name);
int mk_side(const char *word);  /* MK_PNS, MK_PAC, or -1 */

#endif
