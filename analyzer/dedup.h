/* dedup.h: frames duplicated by the capture itself (a bridge, or one host seen on two interfaces), found by content. */
#ifndef PA_DEDUP_H
#define PA_DEDUP_H

#include <stddef.h>
#include <stdint.h>

/*
 * A copy made by the capture has the same IP header (for IPv4 the same Identification and checksum) and the
 * same bytes, and arrives within microseconds.  A host never sends a datagram twice that fast: a TCP
 * retransmission waits for a timeout (RFC 6298: at least 200 ms in practice), and GRE is never resent.  So a
 * frame equal to one seen less than PA_DEDUP_WINDOW_US before is a copy.  Only the first PA_DEDUP_KEEP octets
 * (IP, TCP or GRE headers and the start of the payload) and the length are compared, in a small hash table:
 * no allocation and no full copy on the per-packet path.  The slot is chosen by a hash of the length and the
 * first PA_DEDUP_HASHED octets, taken eight at a time.
 */
#define PA_DEDUP_WINDOW_US 50000
#define PA_DEDUP_KEEP 64
#define PA_DEDUP_HASHED 32   /* octets that choose the slot (all PA_DEDUP_KEEP are compared) */
#define PA_DEDUP_SLOT_BITS 6
#define PA_DEDUP_SLOTS (1 << PA_DEDUP_SLOT_BITS)

typedef struct pa_dedup_slot {
	uint64_t fp;            /* fingerprint: length and the first PA_DEDUP_HASHED octets */
	int64_t ts_us;
	uint64_t pkt;
	uint32_t len;
	uint8_t n;
	uint8_t head[PA_DEDUP_KEEP];
} pa_dedup_slot;

typedef struct pa_dedup {
	pa_dedup_slot slot[PA_DEDUP_SLOTS];
	uint64_t dups;          /* copies found */
	uint64_t first_dup;     /* packet number of the first copy, 0 none */
} pa_dedup;

void pa_dedup_init(pa_dedup *d);
/* The IP datagram l3 (len octets captured) seen at ts_us as packet pkt: 0 if new, else the packet it copies. */
uint64_t pa_dedup_check(pa_dedup *d, const uint8_t *l3, size_t len, int64_t ts_us, uint64_t pkt);

#endif
