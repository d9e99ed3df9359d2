/* crypto.h: thin wrappers over libgcrypt (MD4, MD5, SHA-1, DES-ECB, RC4, wipe): the only door to gcrypt in lib/. */
#ifndef PT_CRYPTO_H
#define PT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h" /* enum pt_err: the return codes */

#define PT_MD4_LEN 16
#define PT_MD5_LEN 16
#define PT_SHA1_LEN 20

/* One piece of a message to hash; pieces are hashed in order, as one stream. */
typedef struct pt_iov {
	const void *p;
	size_t len;
} pt_iov;

/*
 * Make libgcrypt usable.  If the process (Wireshark, say) already initialised
 * it, nothing is touched; otherwise gcry_check_version(NULL) and
 * GCRYCTL_INITIALIZATION_FINISHED, once.  Every function below calls it, so
 * callers need not.  PT_OK, or PT_EUNSUP when libgcrypt refuses.
 */
int pt_crypto_init(void);

/* Digests over n pieces.  PT_OK, or PT_EUNSUP (e.g. MD4 in FIPS mode). */
int pt_md4(const pt_iov *v, size_t n, uint8_t out[PT_MD4_LEN]);
int pt_md5(const pt_iov *v, size_t n, uint8_t out[PT_MD5_LEN]);
int pt_sha1(const pt_iov *v, size_t n, uint8_t out[PT_SHA1_LEN]);

/*
 * A reusable MD4 context for hashing many short messages (a wordlist: one NT hash per candidate): one allocation at
 * open, none per message, where pt_md4 opens and frees a libgcrypt context each time.  Do not copy; close once.
 */
typedef struct pt_md {
	void *hd; /* gcry_md_hd_t, NULL when closed */
} pt_md;

int pt_md4_open(pt_md *m);
int pt_md_digest(pt_md *m, const void *p, size_t len, uint8_t out[PT_MD4_LEN]); /* reset, hash p, copy out */
void pt_md_close(pt_md *m);

/*
 * Spread 56 key bits (7 octets) over 8 octets, 7 bits each, and set odd
 * parity in bit 0 (RFC 2433 B.3 / RFC 2759 9.3 show the result).
 */
void pt_des_key_expand(const uint8_t key7[7], uint8_t key8[8]);

/* DES-ECB of one block with a 7-octet key (weak keys allowed: LM hashes need them). */
int pt_des_encrypt7(const uint8_t key7[7], const uint8_t in[8], uint8_t out[8]);

/*
 * RC4 state.  pt_rc4_open() takes the one allocation (inside libgcrypt);
 * setkey and crypt then allocate nothing, so a context can be re-keyed for
 * every packet.  Do not copy a pt_rc4 (it holds a handle); close it once.
 */
typedef struct pt_rc4 {
	void *hd; /* gcry_cipher_hd_t, NULL when closed */
} pt_rc4;

int pt_rc4_open(pt_rc4 *r);
int pt_rc4_setkey(pt_rc4 *r, const uint8_t *key, size_t len); /* restarts the key stream */
int pt_rc4_crypt(pt_rc4 *r, uint8_t *buf, size_t len);         /* in place, both directions */
/* From in to out (len octets each, not overlapping): the same key stream as pt_rc4_crypt on a copy. */
int pt_rc4_crypt_to(pt_rc4 *r, uint8_t *out, const uint8_t *in, size_t len);
void pt_rc4_close(pt_rc4 *r);

/* Erase secrets so the compiler cannot drop the stores. */
void pt_wipe(void *p, size_t n);

/* 1 when equal; time depends on n only. */
int pt_ct_equal(const void *a, const void *b, size_t n);

#endif
