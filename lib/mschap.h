/* mschap.h: CHAP-MD5, MS-CHAPv1 and MS-CHAPv2 arithmetic and credential checks (RFC 1994 4.1, RFC 2433, RFC 2759). */
#ifndef PT_MSCHAP_H
#define PT_MSCHAP_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h" /* enum pt_err: the return codes */

#define PT_NT_HASH_LEN 16
#define PT_LM_HASH_LEN 16
#define PT_MSCHAP_RESP_LEN 24        /* LM, NT and NT-Response fields */
#define PT_MSCHAP1_CHAL_LEN 8
#define PT_MSCHAP2_CHAL_LEN 16       /* Authenticator and Peer challenges */
#define PT_MSCHAP2_AUTHRESP_LEN 42   /* "S=" + 40 uppercase hex digits */
#define PT_MSCHAP_PW_MAX 256         /* RFC 2759 8.1: 0-to-256-unicode-char Password (UTF-16 units) */
#define PT_LM_PW_MAX 14              /* RFC 2433 6: 14 OEM characters */

/*
 * Verify results.  PT_OK (0) is a match; the pt_err codes (negative) keep
 * their meaning; PT_AUTH_MISMATCH says the response was made with another
 * secret (or another user name).
 */
enum pt_auth_result {
	PT_AUTH_MISMATCH = 1
};

/*
 * How the user name enters MS-CHAPv2's ChallengeHash.  RFC 2759 4 and 8.2
 * use the name without any "DOMAIN\" prefix; some peers hash the name as
 * sent.  AUTO (verify functions only) tries STRIP first, then AS_SENT.
 */
enum pt_mschap_user {
	PT_MSCHAP_USER_STRIP_DOMAIN = 0,
	PT_MSCHAP_USER_AS_SENT = 1,
	PT_MSCHAP_USER_AUTO = 2
};

/*
 * UTF-8 -> UTF-16LE, strict: overlong forms, encoded surrogates, code
 * points above U+10FFFF and cut sequences are PT_EINVAL; characters above
 * U+FFFF become surrogate pairs.  PT_ENOSPC if out is too small.
 */
int pt_utf8_to_utf16le(const char *s, size_t len, uint8_t *out, size_t cap, size_t *outlen);

/* RFC 2759 8.3: MD4 of the UTF-16LE password (at most 256 units, else PT_EINVAL). */
int pt_nt_password_hash(const char *pw_utf8, uint8_t out[PT_NT_HASH_LEN]);
/* RFC 2759 8.4: MD4 of the NT hash. */
int pt_nt_hash_hash(const uint8_t nt_hash[PT_NT_HASH_LEN], uint8_t out[PT_NT_HASH_LEN]);
/*
 * RFC 2433 A.2: uppercase, zero-pad to 14, DES("KGS!@#$%") under each
 * 7-octet half.  PT_EUNSUP for non-ASCII or passwords over 14 octets
 * (no LAN Manager hash exists for them).
 */
int pt_lm_password_hash(const char *pw, uint8_t out[PT_LM_HASH_LEN]);
/* RFC 2759 8.5: three DES of the challenge under the zero-padded 21-octet hash. */
int pt_challenge_response(const uint8_t chal[8], const uint8_t hash[16], uint8_t out[PT_MSCHAP_RESP_LEN]);

/* RFC 2759 8.2: first 8 octets of SHA-1(peer || auth || user). user_mode: STRIP_DOMAIN or AS_SENT. */
int pt_mschap2_challenge_hash(const uint8_t peer_chal[16], const uint8_t auth_chal[16], const char *user,
                              size_t user_len, int user_mode, uint8_t out[8]);
/* RFC 2759 8.1: NT-Response. */
int pt_mschap2_nt_response(const uint8_t auth_chal[16], const uint8_t peer_chal[16], const char *user,
                           size_t user_len, int user_mode, const uint8_t nt_hash[PT_NT_HASH_LEN],
                           uint8_t out[PT_MSCHAP_RESP_LEN]);
/* RFC 2759 8.7: writes "S=" + 40 uppercase hex digits and a NUL (43 octets). */
int pt_mschap2_auth_response(const uint8_t nt_hash[PT_NT_HASH_LEN], const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                             const uint8_t peer_chal[16], const uint8_t auth_chal[16], const char *user,
                             size_t user_len, int user_mode, char out[PT_MSCHAP2_AUTHRESP_LEN + 1]);
/*
 * RFC 2759 8.8: compare a received Success message (starting "S=", 40 hex
 * digits, then optionally " M=...") with the expected one, in constant
 * time.  PT_OK, PT_AUTH_MISMATCH, or PT_EINVAL when it is not of that form.
 */
int pt_mschap2_check_auth_response(const uint8_t nt_hash[PT_NT_HASH_LEN], const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                                   const uint8_t peer_chal[16], const uint8_t auth_chal[16], const char *user,
                                   size_t user_len, int user_mode, const char *msg, size_t msg_len);

/* RFC 2433 A.5 / A.1: the MS-CHAPv1 NT and LAN Manager responses. */
int pt_mschap1_nt_response(const uint8_t chal[8], const uint8_t nt_hash[PT_NT_HASH_LEN], uint8_t out[PT_MSCHAP_RESP_LEN]);
int pt_mschap1_lm_response(const uint8_t chal[8], const uint8_t lm_hash[PT_LM_HASH_LEN], uint8_t out[PT_MSCHAP_RESP_LEN]);

/* RFC 1994 4.1: MD5(Identifier || secret || Challenge). */
int pt_chap_md5_response(uint8_t id, const void *secret, size_t secret_len, const uint8_t *chal, size_t chal_len,
                         uint8_t out[16]);

/*
 * Credentials the analyzer checks exchanges against.  A clear password
 * allows every check; an NT hash alone suffices for MS-CHAP (v1 NT response,
 * v2 both ways) and for MPPE keys, not for PAP or CHAP-MD5.  Wipe when done.
 */
typedef struct pt_cred {
	char user[256];
	uint8_t nt_hash[16];
	int has_nt_hash;
	uint8_t lm_hash[16];
	int has_lm_hash;
	char password[257];
	int has_password;
} pt_cred;

/* PT_EINVAL: user over 255 octets, password over 256 octets or not valid UTF-8 / over 256 UTF-16 units. */
int pt_cred_from_password(pt_cred *c, const char *user, const char *password);
/* 32 hex digits, either case; PT_EINVAL otherwise. */
int pt_cred_from_nt_hash_hex(pt_cred *c, const char *user, const char *hex);
void pt_cred_wipe(pt_cred *c);

/*
 * Checks: PT_OK (match), PT_AUTH_MISMATCH, PT_EUNSUP (the credential lacks
 * what the check needs), PT_EINVAL (malformed input).
 */
int pt_cred_verify_pap(const pt_cred *c, const uint8_t *pw, size_t pw_len);
int pt_cred_verify_chap_md5(const pt_cred *c, uint8_t id, const uint8_t *chal, size_t chal_len,
                            const uint8_t *resp, size_t resp_len);
/*
 * RFC 2433 6: use_nt set checks the NT response, clear checks the LAN
 * Manager one.  Either pointer may be NULL when the caller has no such field.
 */
int pt_cred_verify_mschap1(const pt_cred *c, const uint8_t chal[8], const uint8_t *lm_resp24,
                           const uint8_t *nt_resp24, int use_nt);
/* *mode_used (may be NULL) tells which enum pt_mschap_user matched. */
int pt_cred_verify_mschap2(const pt_cred *c, const uint8_t auth_chal[16], const uint8_t peer_chal[16],
                           const char *user, size_t user_len, const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                           int user_mode, int *mode_used);
/* A Success message's authenticator response; PT_AUTH_MISMATCH means forged (or another password). */
int pt_cred_verify_mschap2_success(const pt_cred *c, const uint8_t auth_chal[16], const uint8_t peer_chal[16],
                                   const char *user, size_t user_len, const uint8_t nt_resp[PT_MSCHAP_RESP_LEN],
                                   int user_mode, const char *msg, size_t msg_len);

#endif
