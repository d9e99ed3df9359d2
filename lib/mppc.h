/* mppc.h: MPPC compression with the 8 KiB history (RFC 2118): a strict decompressor and a greedy compressor. */
#ifndef PT_MPPC_H
#define PT_MPPC_H

#include <stddef.h>
#include <stdint.h>

/* RFC 2118 3.1: the header bits shared with MPPE (the high nibble of the 16-bit header). */
#define PT_MPPC_FLUSHED 0x8000u     /* A: history re-initialised before this packet */
#define PT_MPPC_RESTART 0x4000u     /* B: data placed at the front of the history */
#define PT_MPPC_COMPRESSED 0x2000u  /* C: the packet is compressed */

#define PT_MPPC_HIST 8192u          /* RFC 2118 4: 8192-octet history */
#define PT_MPPC_HASH_BITS 12
#define PT_MPPC_HASH (1u << PT_MPPC_HASH_BITS)
/* Worst case of the compressor's token stream: 9 bits per octet plus one. */
#define PT_MPPC_MAX_OUT(n) ((n) + (n) / 8 + 2)

/*
 * One direction's history, allocated by the caller (about 16 KiB).  The
 * history is a ring: after B (restart) new data is written from the front
 * while copy offsets may still reach the older bytes behind it (as the
 * FreeBSD and Linux-patch coders do).  A decode error leaves the history
 * unusable until a FLUSHED packet comes.
 */
typedef struct pt_mppc_ctx {
	uint8_t hist[PT_MPPC_HIST];
	uint16_t hash[PT_MPPC_HASH];  /* compressor: last position + 1 of each 3-octet hash, 0 = none */
	uint32_t pos;                 /* where the next octet goes, 0..8192 */
	uint32_t hi;                  /* octets [0, hi) hold data written since the last flush */
	int broken;                   /* decompressor: history lost (bad packet) */
	int stateless;                /* compressor: flush before every packet (RFC 3078 2 'H') */
	int flush_next;               /* compressor: the next packet must carry A */
} pt_mppc_ctx;

/* stateless: compressor flushes every packet (ignored by the decompressor, which follows the A bit). */
void pt_mppc_init(pt_mppc_ctx *ctx, int stateless);

/*
 * flags: the A, B, C bits of the header (other bits ignored).  Without C
 * the data is copied out as is.  PT_OK; PT_EINVAL for a token that reaches
 * outside the history, past its end, or before octet 1; PT_ETRUNC for a token
 * cut by the end of the data; PT_ESTATE while the history is lost (a FLUSHED
 * packet repairs it).  PT_EINVAL and PT_ETRUNC mark the history lost.
 * PT_ENOSPC: out is too small; the history has taken the packet in (it
 * stays in step), only this packet's output is lost.
 */
int pt_mppc_decompress(pt_mppc_ctx *ctx, uint16_t flags, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                       size_t *outlen);

/*
 * Compress one packet.  *flags gets A, B, C.  When compression does not
 * shrink the data (or len exceeds the history), the packet goes out as is
 * with C clear and the next packet carries A.  PT_ENOSPC when even the
 * uncompressed copy does not fit in cap.
 */
int pt_mppc_compress(pt_mppc_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                     uint16_t *flags);

/* A CCP Reset-Request for this direction: the compressor's next packet carries A. */
void pt_mppc_reset_request(pt_mppc_ctx *ctx);

#endif
