/* mppe.h: MPPE packets, key derivation and RC4 en/decryption with coherency tracking (RFC 3078, RFC 3079). */
#ifndef PT_MPPE_H
#define PT_MPPE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "cursor.h"
#include "vs.h"

/* RFC 3078 3.1: the 2-octet header after PPP protocol 0x00FD: A B C D + 12-bit coherency count. */
#define PT_MPPE_HDR_LEN 2
#define PT_MPPE_BIT_A 0x8000u        /* FLUSHED: tables (MPPE) / history (MPPC) re-initialised */
#define PT_MPPE_BIT_B 0x4000u        /* MPPC: history restarted at the front */
#define PT_MPPE_BIT_C 0x2000u        /* MPPC: compressed */
#define PT_MPPE_BIT_D 0x1000u        /* encrypted */
#define PT_MPPE_BITS_MASK 0xf000u
#define PT_MPPE_CC_MASK 0x0fffu
#define PT_MPPE_CC_SPACE 4096u       /* RFC 3078 3.1: 4095 wraps to 0 */

#define PT_MPPE_KEY_MAX 16           /* 8 octets for 40/56-bit, 16 for 128-bit */
#define PT_MPPE_RING 16              /* stateless keys kept for late (reordered) packets */

/* RFC 3078 3: the protocols MPPE encrypts (and so the first plaintext field must be one of). */
#define PT_MPPE_PROTO_MIN 0x0021u
#define PT_MPPE_PROTO_MAX 0x00fau

typedef struct pt_mppe_hdr {
	uint16_t raw;
	uint16_t bits;   /* raw & PT_MPPE_BITS_MASK */
	uint16_t cc;     /* coherency count */
	size_t off;      /* offset of the header in the packet */
} pt_mppe_hdr;

/* Header parse/build.  Parse: PT_ETRUNC under 2 octets. */
int pt_mppe_parse_hdr(pt_cursor *c, pt_mppe_hdr *h);
void pt_mppe_put_hdr(pt_writer *w, uint16_t bits, uint16_t cc);

/*
 * Plaintext check: the decrypted data opens with a PPP protocol field,
 * 1 octet when odd (PFC) or 2; it must be 0x0021..0x00FA.  PT_OK,
 * PT_ETRUNC, or PT_EINVAL (wrong key, lost sync: rule mppe.decrypt.invalid_ppp).
 */
int pt_mppe_check_plain(const uint8_t *p, size_t len, uint16_t *proto, size_t *proto_len);

/* ---- key derivation ---- */

/* Octets of key material for 40, 56 or 128 bits (8, 8, 16); 0 for anything else. */
size_t pt_mppe_key_len(int bits);
/* RFC 3078 7.3 GetNewKeyFromSHA: SHA-1(start, SHApad1, session, SHApad2), first keylen octets. */
int pt_mppe_get_new_key(const uint8_t *start, const uint8_t *session, size_t keylen, uint8_t *interim);
/* RFC 3078 7.3: 40-bit keys begin D1 26 9E, 56-bit keys D1; 128-bit unchanged. */
void pt_mppe_reduce_key(uint8_t *key, int bits);
/* RFC 3079 3.1-3.3: initial session key = GetNewKeyFromSHA(start, start), reduced. */
int pt_mppe_initial_session_key(const uint8_t *start, int bits, uint8_t *out);
/* RFC 3078 7.3: the next session key: interim, RC4(interim, interim), reduced. */
int pt_mppe_next_session_key(pt_rc4 *scratch, const uint8_t *start, const uint8_t *session, int bits, uint8_t *out);

/* RFC 3079 3.4 GetMasterKey: SHA-1(PasswordHashHash, NT-Response, Magic1), first 16 octets. */
int pt_mppe_chap2_master_key(const uint8_t pw_hash_hash[16], const uint8_t nt_resp[24], uint8_t out[16]);
/* RFC 3079 3.4 GetAsymmetricStartKey: keylen 8 or 16. */
int pt_mppe_chap2_asym_start_key(const uint8_t master[16], uint8_t *out, size_t keylen, int is_send, int is_server);
/*
 * MS-CHAPv2 start keys seen from one side (RFC 3079 3.1-3.3): the side that
 * sent the Challenge is the server.  The server's send key is the client's
 * receive key.  bits 40/56/128 set the length (8/8/16 octets).
 */
int pt_mppe_chap2_start_keys(const uint8_t nt_hash[16], const uint8_t nt_resp[24], int bits, int is_server,
                             uint8_t send[16], uint8_t recv[16]);
/* RFC 3079 2.3 Get_Start_Key: SHA-1(hash-hash, hash-hash, challenge), 16 octets (MS-CHAPv1, 128-bit). */
int pt_mppe_chap1_start_key_nt(const uint8_t nt_hash_hash[16], const uint8_t chal[8], uint8_t out[16]);
/*
 * RFC 3079 2.1-2.2: MS-CHAPv1 40/56-bit start key = the first 8 octets of
 * the LAN Manager hash.  (pppd and Linux use the first 8 octets of the
 * NT-based start key instead; try pt_mppe_chap1_start_key_nt for those.)
 */
void pt_mppe_chap1_start_key_lm(const uint8_t lm_hash[16], uint8_t out[8]);

/* ---- the cipher state of one direction ---- */

/* Options for pt_mppe_init. */
enum pt_mppe_opt {
	PT_MPPE_OPT_STATELESS = 1,   /* RFC 3078 2 'H' bit: new key every packet */
	/*
	 * Linux ppp_mppe (stateful): a packet with the FLUSHED bit carries a key
	 * change, where RFC 3078 8.2 only re-initialises RC4 with the same key.
	 */
	PT_MPPE_OPT_FLUSH_REKEYS = 2
};

/* Why a packet was not decrypted (0: it was).  pt_mppe_reason_vs names them. */
enum pt_mppe_reason {
	PT_MPPE_R_NONE = 0,
	PT_MPPE_R_TRUNCATED = 1,      /* header cut short */
	PT_MPPE_R_LOSS = 2,           /* stateful: count jumped without FLUSHED; sync lost */
	PT_MPPE_R_AWAIT_FLUSH = 3,    /* stateful: dropped until a FLUSHED packet comes */
	PT_MPPE_R_TOO_OLD = 4,        /* stateless: count behind and its key no longer kept */
	PT_MPPE_R_NO_SPACE = 5,       /* output buffer too small */
	PT_MPPE_R_CRYPTO = 6          /* libgcrypt failed */
};
extern const pt_vs pt_mppe_reason_vs[];

/* Events seen on a packet (bit set), for the findings. */
enum pt_mppe_ev {
	PT_MPPE_EV_JUMP = 1 << 0,            /* count skipped ahead: info.lost packets missing */
	PT_MPPE_EV_BACKWARDS = 1 << 1,       /* count went back (reordered) */
	PT_MPPE_EV_DUPLICATE = 1 << 2,       /* same count as the previous packet */
	PT_MPPE_EV_CACHED_KEY = 1 << 3,      /* stateless: decrypted with a kept older key */
	PT_MPPE_EV_NEED_RESET = 1 << 4,      /* stateful: receiver must send CCP Reset-Request */
	PT_MPPE_EV_RESYNC = 1 << 5,          /* stateful: FLUSHED packet ended a loss period */
	PT_MPPE_EV_STATELESS_NO_FLUSH = 1 << 6, /* RFC 3078 3.1: A clear in stateless mode */
	PT_MPPE_EV_NOT_ENCRYPTED = 1 << 7,   /* D clear: payload passed through as is */
	PT_MPPE_EV_FLAG_PACKET = 1 << 8,     /* stateful: low octet of count 0xFF (key change) */
	PT_MPPE_EV_REINIT = 1 << 9           /* RC4 tables re-initialised (FLUSHED) */
};

typedef struct pt_mppe_info {
	pt_mppe_hdr hdr;
	size_t data_off;     /* where the (encrypted) data starts in the packet */
	size_t data_len;
	unsigned ev;         /* enum pt_mppe_ev bits */
	int reason;          /* enum pt_mppe_reason */
	uint16_t lost;       /* packets missing before this one */
	uint16_t rekeys;     /* key changes made for this packet */
	uint32_t discarded;  /* stateful: packets dropped so far while awaiting FLUSHED */
	int reset_seen;      /* a CCP Reset-Request was reported since the loss */
} pt_mppe_info;

/* Stateful receiver (RFC 3078 8.2), named for what it awaits. */
enum pt_mppe_rx_state {
	PT_MPPE_RX_AWAIT_NEXT = 0,   /* in sync: expects count last+1 */
	PT_MPPE_RX_AWAIT_FLUSH = 1   /* sync lost: drops packets until one has FLUSHED */
};

typedef struct pt_mppe_key_slot {
	uint16_t cc;
	uint8_t valid;
	uint8_t key[PT_MPPE_KEY_MAX];
} pt_mppe_key_slot;

/*
 * One direction's state, allocated by the caller.  pt_mppe_init opens one
 * libgcrypt RC4 handle (the only allocation); pt_mppe_done closes it and
 * wipes the keys.  Do not copy an initialised context.
 */
typedef struct pt_mppe_ctx {
	int bits;                 /* 40, 56, 128 */
	size_t keylen;            /* 8 or 16 */
	unsigned opts;            /* enum pt_mppe_opt */
	uint8_t start[PT_MPPE_KEY_MAX];
	uint8_t key[PT_MPPE_KEY_MAX];   /* current session key */
	pt_rc4 rc4;
	uint16_t last_cc;         /* receive: last count accepted; send: last count sent */
	uint16_t seen_cc;         /* stateful receive: last count seen, accepted or not (loss accounting) */
	enum pt_mppe_rx_state rx;  /* stateful receive */
	uint32_t discarded;        /* packets dropped in PT_MPPE_RX_AWAIT_FLUSH */
	int reset_pending;        /* send: next packet re-initialises and sets A; receive: Reset-Request seen */
	pt_mppe_key_slot ring[PT_MPPE_RING]; /* stateless receive: keys of recent counts */
	unsigned ring_next;
	int ready;
} pt_mppe_ctx;

/* start_key: 8 octets (40/56) or 16 (128).  PT_EINVAL for other bit sizes. */
int pt_mppe_init(pt_mppe_ctx *ctx, const uint8_t *start_key, int bits, unsigned opts);
void pt_mppe_done(pt_mppe_ctx *ctx);

/*
 * Decrypt one MPPE packet.  in starts at the 2-octet header and is consumed
 * whole; out receives the plaintext (a PPP protocol field, maybe 1 octet
 * by PFC, then the payload; with MPPC, the compressed stream).
 * PT_OK: decrypted (or passed through when D is clear), *outlen set.
 * PT_ETRUNC: no complete header.  PT_ESTATE: cannot be decrypted now
 * (info->reason says why).  PT_ENOSPC: out too small (the key state then
 * stays as before this packet).  PT_EUNSUP: libgcrypt failed.  info is
 * always filled.  Stateless: a count up to 2047 ahead costs that many key
 * changes (RFC 3078 8.1); a count behind is decrypted while its key is
 * among the last PT_MPPE_RING kept.  Stateful: see enum pt_mppe_rx_state.
 */
int pt_mppe_decrypt(pt_mppe_ctx *ctx, pt_cursor *in, uint8_t *out, size_t cap, size_t *outlen, pt_mppe_info *info);

/*
 * Sender side: header + ciphertext of len octets into w.  bits may carry
 * PT_MPPE_BIT_A (flush: re-initialise, e.g. MPPC reset its history), B and C
 * (from MPPC); D is always set.  Stateless: new key each packet, A always.
 * Stateful: key change on flag packets (count & 0xFF == 0xFF; A only when a
 * flush is due, since MPPC reads A as "history flushed"); after
 * pt_mppe_reset_request the next packet re-initialises RC4 and sets A.
 * With PT_MPPE_OPT_FLUSH_REKEYS (Linux): flag packets and flushes rekey and carry A.
 */
int pt_mppe_encrypt(pt_mppe_ctx *ctx, uint16_t bits, const uint8_t *in, size_t len, pt_writer *w, pt_mppe_info *info);

/*
 * A CCP Reset-Request was seen for this direction (RFC 3078 8.2).  Sender:
 * the next packet re-initialises RC4 and carries A.  Receiver: noted in
 * info->reset_seen while awaiting the FLUSHED packet.
 */
void pt_mppe_reset_request(pt_mppe_ctx *ctx);

/*
 * Stateful receive: the packet just decrypted (data, n: its encrypted octets, as in info->data_off and
 * data_len) carried the FLUSHED bit, was no flag packet, and gave garbage.  Linux senders change key on
 * every FLUSHED packet (drivers/net/ppp/ppp_mppe.c), where RFC 3078 8.2 only re-initialises RC4: make
 * that key change, decrypt the data again into out, and keep PT_MPPE_OPT_FLUSH_REKEYS from now on.
 * PT_ESTATE if the context is stateless or already in that mode.
 */
int pt_mppe_redo_flush_rekey(pt_mppe_ctx *ctx, const uint8_t *data, size_t n, uint8_t *out);

#endif
