/* ipdefrag.h: IPv4 (RFC 791 3.2) and IPv6 (RFC 8200 4.5, RFC 5722) fragment reassembly in capture time, bounded in memory. */
#ifndef PT_IPDEFRAG_H
#define PT_IPDEFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "ip.h"

#define PT_DEFRAG_MAX_DGRAMS 256                 /* default datagrams in flight */
#define PT_DEFRAG_MAX_BYTES ((size_t)4 << 20)    /* default bytes held for datagrams in flight */
#define PT_DEFRAG_MIN_BYTES ((size_t)65536)      /* max_bytes is raised to this: one whole datagram always fits */
#define PT_DEFRAG_TIMEOUT_US ((int64_t)30000000) /* 30 s of capture time from the first fragment */
#define PT_DEFRAG_MAX_FRAGS 256                  /* fragments per datagram */
#define PT_DEFRAG_MAX_LEN 65535                  /* largest datagram (no jumbograms) */

/* Results of pt_defrag_add besides the pt_err codes. */
enum pt_defrag_result { PT_DEFRAG_HELD = 0, PT_DEFRAG_DONE = 1 };

typedef struct pt_defrag_stats {
	uint64_t fragments;    /* fragments offered */
	uint64_t completed;    /* datagrams reassembled */
	uint64_t duplicates;   /* exact duplicates ignored */
	uint64_t overlaps;     /* datagrams dropped for overlapping fragments */
	uint64_t invalid;      /* fragments refused (length, size, inconsistent end) */
	uint64_t timeouts;     /* datagrams never completed (timeout or end of capture) */
	uint64_t evicted;      /* datagrams dropped by the limits */
	size_t peak_bytes;     /* high-water mark of bytes held */
} pt_defrag_stats;

struct pt_frag_dgram;

/* Caller-owned state; the fields are private except st. */
typedef struct pt_defrag {
	struct pt_frag_dgram *slot;
	uint32_t *bucket;
	size_t nbucket, max_dgrams, max_bytes;
	int64_t timeout_us;
	uint32_t free_head;            /* slot index + 1, 0 = none */
	uint32_t oldest, newest;       /* datagrams in order of their first fragment */
	size_t live, bytes;
	uint8_t *out;                  /* the last completed datagram */
	pt_defrag_stats st;
} pt_defrag;

/*
 * 0 for any argument takes the default.  Allocates the slot table; returns
 * PT_OK or PT_ENOMEM.  Every datagram buffer is malloc'd on its first
 * fragment and freed when it completes, times out or is dropped.
 */
int pt_defrag_init(pt_defrag *d, size_t max_datagrams, size_t max_bytes, int64_t timeout_us);
void pt_defrag_destroy(pt_defrag *d);

/*
 * Offer one fragment (frag->is_fragment set; frag->payload still valid).
 * Datagrams are keyed by source, destination and identification, plus the
 * protocol for IPv4 (RFC 791 3.2); IPv6 does not key on the Next Header,
 * which RFC 8200 4.5 lets differ between fragments (the offset-0 one counts).
 * Fragments arrive in any order.  Policy, as RFC 8200 4.5 and RFC 5722 (and
 * Linux for IPv4 too) do it: an exact duplicate (same offset, length and
 * bytes) is ignored (cap.frag.duplicate); any other overlap drops the whole
 * datagram (cap.frag.overlap) and later fragments of it are absorbed until its
 * timeout.  Results:
 *   PT_DEFRAG_DONE: *out is the whole datagram: the header fields of the
 *     offset-0 fragment, is_fragment 0, reassembled 1, payload in a buffer
 *     owned here and valid until the next call on d (IPv6: extension headers
 *     that followed the Fragment header are walked, proto is the upper layer);
 *   PT_DEFRAG_HELD: kept, waiting for more;
 *   PT_ETRUNC: the fragment was cut by the capture, not used (no finding);
 *   PT_EINVAL: refused or the datagram dropped (a finding says why);
 *   PT_ESTATE: a fragment of a datagram already dropped, absorbed silently;
 *   PT_ENOMEM: limits reached (finding cap.frag.evicted).
 * Datagrams older than the timeout (capture time at->ts_us) are expired first.
 */
int pt_defrag_add(pt_defrag *d, const pt_ip *frag, pt_ip *out, const pt_sink *sink, const pt_where *at);

/* Expire datagrams whose first fragment is older than the timeout at at->ts_us (cap.frag.timeout each). */
void pt_defrag_expire(pt_defrag *d, const pt_sink *sink, const pt_where *at);

/* End of capture: every incomplete datagram is reported (cap.frag.timeout) and freed. */
void pt_defrag_finish(pt_defrag *d, const pt_sink *sink, const pt_where *at);

#endif
