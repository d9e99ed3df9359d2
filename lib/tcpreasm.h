/* tcpreasm.h: TCP stream reassembly for captured connections (RFC 9293 3.4 sequence space, 3.5-3.6 open and close), bounded. */
#ifndef PT_TCPREASM_H
#define PT_TCPREASM_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "ip.h"

#define PT_TCP_MAX_CONNS 1024                    /* default connection table size */
#define PT_TCP_MAX_BUFFERED ((size_t)256 << 10)  /* default bytes held per direction */
#define PT_TCP_MIN_BUFFERED ((size_t)65536)      /* max_buffered_per_dir is raised to this: one segment always fits */
#define PT_TCP_HISTORY 4096                      /* consumed bytes kept to compare retransmissions with */
#define PT_TCP_MAX_RANGES 64                     /* out-of-order islands per direction */
#define PT_TCP_MAX_WINDOW (1 << 30)               /* RFC 7323 2.3: segments farther from the stream are ignored */
#define PT_TCP_PPTP_PORT 1723                    /* RFC 2637 (IANA "pptp"): the control connection server port */

/* How a connection ended (on_close's how). */
enum pt_tcp_close {
	PT_TCP_FIN = 1,      /* both FINs reached in order */
	PT_TCP_RST = 2,      /* dir = who sent it */
	PT_TCP_EVICTED = 3,  /* table full (cap.tcp.evicted) or a new SYN reused the 4-tuple (cap.tcp.port_reuse) */
	PT_TCP_EOF = 4       /* end of capture */
};

/* [0] = client (SYN sender, or the non-1723 side when started mid-stream), [1] = server; family 4 or 6 (pt_ip.version). */
typedef struct pt_tcp_key {
	uint8_t addr[2][16];
	uint16_t port[2];
	int family;
} pt_tcp_key;

typedef struct pt_tcp_ops {
	/* a new connection: returns the caller's per-connection pointer (NULL = ignore this connection) */
	void *(*on_open)(void *user, const pt_tcp_key *key, int midstream, const pt_where *at);
	/* in-order bytes from direction dir (0 = client->server, 1 = server->client); returns how many it consumed;
	 * the rest stays buffered and is offered again, prefixed, with the next bytes.  While it consumes something
	 * and bytes remain, it is called again at once, so it may take one message per call. */
	size_t (*on_data)(void *user, void *conn, int dir, const uint8_t *data, size_t len, const pt_where *at);
	/* bytes that will never arrive (the hole was skipped because the buffer cap or the end of capture was reached,
	 * the peer acknowledged bytes the capture lacks, or the capture started mid-stream): the caller must
	 * resynchronise.  Bytes offered before and not consumed are dropped.  missing = 0: unknown amount
	 * (mid-stream start, or unconsumed bytes dropped at the buffer cap). */
	void (*on_gap)(void *user, void *conn, int dir, uint32_t missing, const pt_where *at);
	/* the connection ended: how = PT_TCP_FIN (both FINs; dir = sender of the last), PT_TCP_RST (dir = who sent it),
	 * PT_TCP_EVICTED, PT_TCP_EOF (dir = -1); pt_tcp_info() is still valid inside; conn is not used after */
	void (*on_close)(void *user, void *conn, int how, int dir, const pt_where *at);
} pt_tcp_ops;

/* Facts per connection, for diagnosis ("TCP 1723 never answered", "refused", "capture lost bytes"). */
typedef struct pt_tcp_conn_info {
	pt_tcp_key key;
	int midstream;            /* no SYN in the capture */
	int syn, synack, ack;     /* handshake seen: SYN, SYN-ACK, the client's ACK after it */
	int refused;              /* the server answered the SYN with RST */
	int rst_from;             /* -1, or the direction that sent RST */
	int fin[2];               /* FIN from this direction reached in order */
	int first_fin;            /* -1, or the direction whose FIN was seen first (who closed) */
	uint64_t first_pkt, last_pkt;
	int64_t first_ts, last_ts;
	uint64_t segments[2];     /* segments seen */
	uint64_t bytes[2];        /* payload bytes new to the stream */
	uint64_t retrans[2];      /* segments bringing no new byte */
	uint64_t out_of_order[2]; /* segments arriving ahead of a hole */
	uint64_t overlaps[2];     /* segments partly over bytes already held */
	uint64_t mismatches[2];   /* ... with different bytes (cap.tcp.overlap_mismatch) */
	uint64_t gaps[2];         /* holes skipped (cap.tcp.gap) */
	uint64_t gap_bytes[2];    /* bytes lost in them */
	uint64_t dropped[2];      /* unconsumed bytes dropped at the buffer cap */
	uint64_t out_of_window[2];/* segments more than PT_TCP_MAX_WINDOW from the stream, ignored */
} pt_tcp_conn_info;

typedef struct pt_tcp_stats {
	uint64_t opened, ignored, midstream, closed_fin, closed_rst, evicted, reused, eof;
	size_t peak_conns;
	size_t buffered, peak_buffered;   /* bytes allocated for stream buffers, now and at most */
} pt_tcp_stats;

struct pt_tcp_conn;

/* Caller-owned state; the fields are private except st. */
typedef struct pt_tcp {
	const pt_tcp_ops *ops;
	void *user;
	size_t max_conns, max_buf;
	struct pt_tcp_conn *conn;
	uint32_t *bucket;
	size_t nbucket;
	uint32_t free_head, mru, lru;   /* slot index + 1 */
	size_t live;
	struct pt_tcp_conn *cur;        /* the connection a callback is about */
	pt_tcp_stats st;
} pt_tcp;

/* 0 takes the default.  PT_OK or PT_ENOMEM.  ops must stay valid; any callback may be NULL. */
int pt_tcp_init(pt_tcp *t, const pt_tcp_ops *ops, void *user, size_t max_conns, size_t max_buffered_per_dir);
/* Frees everything without callbacks (call pt_tcp_finish first to close connections). */
void pt_tcp_destroy(pt_tcp *t);

/*
 * Feed one TCP segment (already parsed: ip + tcp header; payload/len is the
 * segment's data as captured: bytes a short snapshot length cut off become a
 * hole, skipped like any other); at carries packet number/time; findings
 * through sink (may be NULL).  Callbacks run inside this call and must not
 * call pt_tcp_segment or pt_tcp_finish themselves.  Returns PT_OK, or
 * PT_ENOMEM when a buffer could not grow (the segment is lost).
 */
int pt_tcp_segment(pt_tcp *t, const pt_ip *ip, const pt_tcp_hdr *th, const uint8_t *payload, size_t len,
		   const pt_sink *sink, const pt_where *at);

/* End of capture: skip remaining holes (on_gap), deliver what is held, on_close(PT_TCP_EOF) for every open one. */
void pt_tcp_finish(pt_tcp *t, const pt_sink *sink, const pt_where *at);

/* Facts about a connection by the caller's pointer; NULL when unknown.  Valid until the next pt_tcp_* call. */
const pt_tcp_conn_info *pt_tcp_info(const pt_tcp *t, void *conn);

#endif
