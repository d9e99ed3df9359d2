/* ip.h: IPv4 (RFC 791), IPv6 with extension headers (RFC 8200) and the TCP header (RFC 9293): parse in place, build, checksums. */
#ifndef PT_IP_H
#define PT_IP_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "finding.h"
#include "vs.h"

/* IANA protocol numbers this layer names or walks. */
enum pt_ipproto {
	PT_IPPROTO_HOPOPTS = 0,
	PT_IPPROTO_ICMP = 1,
	PT_IPPROTO_TCP = 6,
	PT_IPPROTO_UDP = 17,
	PT_IPPROTO_ROUTING = 43,
	PT_IPPROTO_FRAGMENT = 44,
	PT_IPPROTO_GRE = 47,
	PT_IPPROTO_ESP = 50,
	PT_IPPROTO_AH = 51,
	PT_IPPROTO_ICMPV6 = 58,
	PT_IPPROTO_NONE = 59,
	PT_IPPROTO_DSTOPTS = 60,
	PT_IPPROTO_MOBILITY = 135,
	PT_IPPROTO_HIP = 139,
	PT_IPPROTO_SHIM6 = 140
};
extern const pt_vs pt_ipproto_vs[];

#define PT_IPV4_HDR_MIN 20
#define PT_IPV6_HDR_LEN 40
#define PT_IPV6_FRAG_HDR_LEN 8
#define PT_IP6_MAX_EXT 16          /* extension headers walked before calling the chain invalid */
#define PT_IP_ADDRSTRLEN 46

/*
 * One IP datagram (or fragment), parsed in place.  Addresses are 16 bytes:
 * IPv6 as is, IPv4 as IPv4-mapped (::ffff:a.b.c.d), so both compare alike.
 * Offsets are from the cursor's base (the frame, when the caller made the
 * cursor over the whole frame).
 */
typedef struct pt_ip {
	int version;               /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint8_t proto;             /* upper layer: v6 after the extension headers, or the Fragment header's Next Header */
	uint8_t ttl;               /* TTL / Hop Limit */
	uint8_t tos;               /* TOS / Traffic Class */
	uint32_t flow;             /* v6 Flow Label */
	uint16_t hdr_len;          /* v4 IHL*4; v6 40 + extension headers up to the payload */
	uint32_t total_len;        /* length of the datagram (or fragment) on the wire per its header */
	size_t off;                /* offset of the IP header */
	/* IPv4 only */
	uint16_t csum;             /* as captured */
	int csum_ok;
	const uint8_t *opt;        /* options in place, NULL when none */
	uint16_t opt_len;
	size_t opt_off;
	int rf, df;                /* reserved ("evil") bit, Don't Fragment */
	/* fragments (both versions) */
	int is_fragment;           /* v4: MF or offset != 0; v6: Fragment header, not atomic */
	int frag_hdr;              /* v6: a Fragment header was present (also for atomic fragments, RFC 6946) */
	size_t frag_hdr_off;       /* v6: where it is */
	uint32_t frag_id;          /* v4 16-bit Identification, v6 32-bit */
	uint32_t frag_off;         /* in bytes */
	int frag_mf;               /* More Fragments */
	/* payload: what follows the headers, bounded by the datagram length and by what was captured */
	const uint8_t *payload;
	size_t payload_len;
	size_t payload_off;
	int truncated;             /* the capture ends before total_len */
	size_t trailer;            /* captured bytes after total_len (Ethernet padding, trusted away) */
	/* set by the defragmenter on a reassembled datagram */
	int reassembled;
	unsigned nfrags;
} pt_ip;

/*
 * Parse an IPv4 or IPv6 header (the version nibble decides) at the cursor.
 * PT_OK: ip filled; the cursor is narrowed to the payload (p at its start,
 * end at min(total length, captured)).  Bad checksum, bad options and a zero
 * total length (offload) are findings but PT_OK.  PT_ETRUNC: the headers are
 * cut short by the capture (finding cap.ip.truncated).  PT_EINVAL: impossible
 * header (finding cap.ipv4/ipv6.malformed).  PT_EUNSUP: IPv6 jumbogram, no
 * finding.  On error the cursor is left where it was.  sink may be NULL.
 */
int pt_ip_parse(pt_cursor *c, pt_ip *ip, const pt_sink *sink, const pt_where *at);

/* The steady-state IPv4 header of a tunnel packet (IHL 5, protocol 47, not a fragment, all of it captured) read
 * without findings: 1 with ip filled as pt_ip_parse fills it (csum_ok says whether the checksum holds), 0 for any
 * other header, which then goes to pt_ip_parse.  b holds captured octets; off is its offset in the frame. */
int pt_ip_parse_v4_quiet(const uint8_t *b, size_t captured, size_t off, pt_ip *ip);

/*
 * Walk IPv6 extension headers (RFC 8200 4) starting with next-header *nh at
 * the cursor, stopping at the first upper-layer header, at a Fragment header
 * (left unread) or at No Next Header.  *nh is updated and the cursor moved.
 * Hop-by-hop is allowed only when first is set.  PT_ETRUNC / PT_EINVAL as
 * above (the caller tells them apart by knowing whether its bytes were cut).
 */
int pt_ip6_skip_ext(pt_cursor *c, uint8_t *nh, int first, unsigned *count);

/*
 * Build a header then copy len payload bytes.  IPv4: IHL from opt_len
 * (padded with End-of-Options to 4), total length computed, checksum
 * computed; rf, df, frag_off, frag_mf, frag_id used.  IPv6: when is_fragment
 * or frag_hdr a Fragment header is written with Next Header proto; other
 * extension headers are not built (put them in the payload).  Returns w->err.
 */
int pt_ip_build(pt_writer *w, const pt_ip *ip, const uint8_t *payload, size_t len);

/* RFC 1071 checksum of len bytes (0 when the bytes hold their correct checksum). */
uint16_t pt_ip_cksum(const uint8_t *buf, size_t len);
/* Checksum over the pseudo-header (RFC 9293 3.1, RFC 8200 8.1) and len bytes of an upper-layer segment. */
uint16_t pt_ip_l4_cksum(const pt_ip *ip, uint8_t proto, const uint8_t *seg, size_t len);

/* Addresses: v4 into the mapped form; text (dotted quad for mapped, RFC 5952 for v6). */
void pt_ip_addr_v4(uint8_t out[16], const uint8_t v4[4]);
int pt_ip_addr_is_v4(const uint8_t a[16]);
const char *pt_ip_addr_str(const uint8_t a[16], char *buf, size_t n);

/* TCP header flags (the close reasons in tcpreasm.h own the PT_TCP_ names). */
enum pt_tcp_flag {
	PT_TH_FIN = 0x01,
	PT_TH_SYN = 0x02,
	PT_TH_RST = 0x04,
	PT_TH_PSH = 0x08,
	PT_TH_ACK = 0x10,
	PT_TH_URG = 0x20,
	PT_TH_ECE = 0x40,
	PT_TH_CWR = 0x80
};

#define PT_TCP_HDR_MIN 20

typedef struct pt_tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hlen;              /* Data Offset in bytes (20..60) */
	uint8_t flags;             /* PT_TH_* */
	uint8_t reserved;          /* the 4 bits between Data Offset and CWR */
	uint16_t window, csum, urg;
	size_t off;                /* offset of the TCP header */
	size_t opt_off;
	uint8_t opt_len;
	/* options worth a diagnosis (RFC 9293 3.2, RFC 7323); the rest are skipped */
	int has_mss, has_wscale, sack_ok;
	uint16_t mss;
	uint8_t wscale;
	/* what follows the header, in place */
	const uint8_t *payload;
	size_t payload_len;
} pt_tcp_hdr;

/*
 * Parse a TCP header at the cursor (normally the IP payload).  ip (may be
 * NULL) tells a header cut by the capture (PT_ETRUNC, finding
 * cap.tcp.truncated) from one the datagram is too short for (PT_EINVAL,
 * cap.tcp.malformed).  PT_OK: the cursor is at the payload.  The checksum is
 * not verified: offload makes captured checksums wrong.
 */
int pt_tcp_parse(pt_cursor *c, const pt_ip *ip, pt_tcp_hdr *th, const pt_sink *sink, const pt_where *at);

/*
 * Build a TCP header (Data Offset from opt_len, options padded with
 * End-of-Options to 4) and the payload; the checksum uses ip's addresses for
 * the pseudo-header.  th->hlen, csum and the option fields are ignored.
 */
int pt_tcp_build(pt_writer *w, const pt_ip *ip, const pt_tcp_hdr *th, const uint8_t *opt, size_t opt_len,
		 const uint8_t *payload, size_t len);

#endif
