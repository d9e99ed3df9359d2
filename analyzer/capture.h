/* capture.h: packet input for pptp-analyze through libpcap: pcap/pcapng files (or stdin) and live interfaces, link layer decoded (pcap-savefile(5), pcapng). */
#ifndef PT_CAPTURE_H
#define PT_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "link.h"

/*
 * Live capture keeps TCP 1723 and GRE, and the IP fragments that may hold
 * them: a non-first IPv4 fragment has no TCP header, so "tcp port 1723" misses
 * it; GRE fragments keep protocol 47 in every fragment header.
 */
#define PT_CAP_DEFAULT_FILTER                                                                                        \
	"tcp port 1723 or proto 47 or (ip proto 6 and ip[6:2] & 0x1fff != 0)"                                          \
	" or (ip6[6] == 44 and (ip6[40] == 6 or ip6[40] == 47))"

#define PT_CAP_ERRLEN 512

typedef struct pt_cap pt_cap;

typedef struct pt_cap_opts {
	const char *filter;   /* BPF expression.  Files: applied alone, after reading, so packet numbers stay those of the
	                       * file.  Live: ANDed with PT_CAP_DEFAULT_FILTER (without a user filter, the default is also
	                       * tried behind one VLAN tag).  NULL or "" = none. */
	int snaplen;          /* live; 0 = 262144 */
	int promisc;          /* live */
	int timeout_ms;       /* live; 0 = 250 */
	int immediate;        /* live: deliver at once rather than in buffered batches */
	int all_traffic;      /* live: no PT_CAP_DEFAULT_FILTER (--audit looks at what else reaches the server); the user filter alone */
} pt_cap_opts;

enum pt_cap_status {
	PT_CAP_ERROR = -1,    /* err holds one line */
	PT_CAP_END = 0,       /* end of file, or pt_cap_break() */
	PT_CAP_PACKET = 1,    /* *rec filled */
	PT_CAP_TIMEOUT = 2    /* live: nothing within the timeout; call again */
};

typedef struct pt_cap_rec {
	uint64_t pkt;         /* 1-based record number (files: in the file, counting records the filter skipped) */
	int64_t ts_us;        /* microseconds since the epoch */
	uint32_t caplen, len; /* captured and on-the-wire lengths */
	const uint8_t *data;  /* caplen bytes, valid until the next pt_cap_next or pt_cap_close */
	pt_link link;         /* decoded link header (link_rc == PT_OK) */
	int link_rc;          /* pt_link_decode's result: PT_OK or PT_ETRUNC (frame shorter than its link header) */
} pt_cap_rec;

typedef struct pt_cap_stats {
	uint64_t records;     /* read from the file / delivered by the kernel */
	uint64_t filtered;    /* files: skipped by the user filter */
	uint64_t cut;         /* caplen < len: the snapshot length cut them */
	uint64_t link_trunc;  /* shorter than their link header */
	uint64_t not_ip;      /* link header fine, not IPv4/IPv6 */
	int snaplen;
	int have_kernel;      /* live: the counters below are meaningful */
	unsigned kernel_recv, kernel_drop, if_drop;
} pt_cap_stats;

/*
 * Open a capture file (pcap or pcapng; "-" = stdin).  0 on success; -1 with
 * one line in err naming the file: missing file, not a capture file,
 * truncated header, unsupported link type, bad filter.
 */
int pt_cap_open_file(pt_cap **out, const char *path, const pt_cap_opts *o, char *err, size_t errlen);

/* The same from a stream already open (fuzzing: fmemopen); fp is closed by pt_cap_close, or here on failure. */
int pt_cap_open_fp(pt_cap **out, FILE *fp, const char *name, const pt_cap_opts *o, char *err, size_t errlen);

/* Open a live interface (pcap_create/pcap_activate): 0, or -1 with err naming the interface. */
int pt_cap_open_live(pt_cap **out, const char *ifname, const pt_cap_opts *o, char *err, size_t errlen);

/*
 * Next record.  Errors (a truncated or damaged file, a failing interface)
 * name the file and the packet number reached: "x.pcap: packet 17: truncated
 * capture file (libpcap: ...)".
 */
int pt_cap_next(pt_cap *c, pt_cap_rec *rec, char *err, size_t errlen);

/* Make a blocked pt_cap_next return PT_CAP_END (safe from a signal handler). */
void pt_cap_break(pt_cap *c);

int pt_cap_datalink(const pt_cap *c);
const char *pt_cap_name(const pt_cap *c);    /* the path ("stdin" for "-") or the interface */
/* Files: the size in bytes, and how far reading has got (the progress line); -1 where not known (live, a pipe). */
int64_t pt_cap_size(const pt_cap *c);
int64_t pt_cap_offset(const pt_cap *c);
void pt_cap_get_stats(pt_cap *c, pt_cap_stats *st);
void pt_cap_close(pt_cap *c);

/* Check a BPF expression for a link type without opening anything: 0 ok, -1 with err. */
int pt_cap_filter_check(const char *expr, int dlt, char *err, size_t errlen);

#endif
