/* auth.h: PAP, CHAP, MS-CHAPv1 and MS-CHAPv2 packet formats, parse and build (RFC 1334 2, RFC 1994 4, RFC 2433 5-10, RFC 2759 3-7); no crypto (see mschap.h). */
#ifndef PT_AUTH_H
#define PT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "finding.h"
#include "vs.h"

/* RFC 1334 2.2 */
enum pt_pap_code { PT_PAP_AUTH_REQ = 1, PT_PAP_AUTH_ACK = 2, PT_PAP_AUTH_NAK = 3 };
/* RFC 1994 4; RFC 2433 9-10 (5, 6); RFC 2759 7 (7) */
enum pt_chap_code {
	PT_CHAP_CHALLENGE = 1,
	PT_CHAP_RESPONSE = 2,
	PT_CHAP_SUCCESS = 3,
	PT_CHAP_FAILURE = 4,
	PT_MSCHAPV1_CHANGE_PW1 = 5,
	PT_MSCHAPV1_CHANGE_PW2 = 6,
	PT_MSCHAPV2_CHANGE_PW = 7
};
/* CHAP Algorithm octet of the LCP Authentication-Protocol option (RFC 1994 3, RFC 2433 4, RFC 2759 2). */
enum pt_chap_alg { PT_CHAP_ALG_MD5 = 5, PT_CHAP_ALG_MSCHAPV1 = 0x80, PT_CHAP_ALG_MSCHAPV2 = 0x81 };

extern const pt_vs pt_pap_code_vs[];
extern const pt_vs pt_chap_code_vs[];
extern const pt_vs pt_chap_alg_vs[];
extern const pt_vs pt_mschap_error_vs[]; /* 646 .. 709 (RFC 2433 8, RFC 2759 6) */

#define PT_AUTH_MD5_RESP_LEN 16     /* RFC 1994 4.1 */
#define PT_AUTH_MSV1_CHAL_LEN 8     /* RFC 2433 5 */
#define PT_AUTH_MSV2_CHAL_LEN 16    /* RFC 2759 3 */
#define PT_AUTH_MS_RESP_LEN 49      /* RFC 2433 6, RFC 2759 4 */
#define PT_AUTH_MSV2_CHPW_LEN 586   /* RFC 2759 7 */

/* MS-CHAP Failure message, "E=e R=r C=c V=v M=m" (RFC 2433 8, RFC 2759 6). */
typedef struct pt_mschap_failure {
	uint32_t error;          /* E= */
	uint8_t retry;           /* R= (0 or 1) */
	uint8_t has_challenge;   /* C= present */
	uint8_t challenge_len;   /* 8 (v1) or 16 (v2) */
	uint8_t challenge[16];
	uint8_t has_version;     /* V= present */
	uint32_t version;
	uint8_t has_text;        /* M= present */
	pt_cursor text;          /* after "M=", to the end */
} pt_mschap_failure;

/* MS-CHAPv2 Success message, "S=<40 hex> M=<text>" (RFC 2759 5). */
typedef struct pt_mschapv2_success {
	uint8_t auth_resp[20];   /* the 40 hex digits decoded */
	pt_cursor auth_string;   /* the 42 octets "S=" + hex, as sent */
	uint8_t lowercase;       /* hex digits a-f seen (RFC 2759 5: MUST be uppercase) */
	uint8_t has_text;
	pt_cursor text;          /* after " M=" */
} pt_mschapv2_success;

/*
 * One PAP or CHAP packet.  Cursors and pointers refer to the packet octets
 * (the caller keeps them alive, and decides what to do with secrets).
 */
typedef struct pt_auth_msg {
	uint8_t alg;          /* INPUT for CHAP: the LCP algorithm (5, 0x80, 0x81; 0 unknown) */
	uint16_t proto;       /* PT_PPP_PAP or PT_PPP_CHAP */
	uint8_t code;
	uint8_t id;
	uint16_t length;
	uint8_t complete;     /* all Length octets captured */
	size_t off;
	/* PAP Authenticate-Request (RFC 1334 2.2.1) */
	pt_cursor peer_id;
	pt_cursor password;
	/* PAP Ack/Nak message, CHAP Success/Failure message, unknown codes: the data */
	pt_cursor message;
	/* CHAP Challenge/Response (RFC 1994 4.1): Value-Size is pt_left(&value) */
	pt_cursor value;
	pt_cursor name;
	/* MS-CHAP views of a Response value (and of a Change-Password) */
	uint8_t ms_valid;
	const uint8_t *lm_resp;     /* v1: 24 octets */
	const uint8_t *nt_resp;     /* v1, v2: 24 octets */
	const uint8_t *peer_chal;   /* v2: 16 octets */
	const uint8_t *reserved;    /* v2: 8 octets, must be zero */
	uint8_t flags;              /* v1: use-NT flag; v2: must be zero */
	/* MS-CHAPv2 Success message decoded (success_ok) */
	uint8_t success_ok;
	pt_mschapv2_success success;
	/* MS-CHAP Failure message decoded (failure_ok) */
	uint8_t failure_ok;
	pt_mschap_failure failure;
	/* MS-CHAPv2 Change-Password (RFC 2759 7), with peer_chal, reserved, nt_resp above */
	const uint8_t *enc_password; /* 516 octets */
	const uint8_t *enc_hash;     /* 16 octets */
	uint16_t chpw_flags;
} pt_auth_msg;

/*
 * Parse one PAP (proto 0xc023) or CHAP (0xc223) packet.  Set m->alg before
 * the call; every other field is output.  Format problems are reported
 * through sink (ppp.pap.*, ppp.chap.*, ppp.mschap*.*).  Returns PT_OK,
 * PT_ETRUNC (capture cut short), PT_EINVAL (fields do not fit the Length),
 * PT_EUNSUP (unknown code or protocol).  A Success/Failure message that is
 * not in MS-CHAP form is reported but is not an error of the packet.
 */
int pt_auth_parse(uint16_t proto, pt_cursor *c, pt_auth_msg *m, const pt_sink *sink, const pt_where *at);

/*
 * Build from the struct (proto, code, id, and the fields of that code).  A
 * CHAP Response with m->alg MS-CHAP and m->ms_valid is composed from the
 * views (NULL lm_resp/reserved give zeros); otherwise m->value is sent.
 */
int pt_auth_build(const pt_auth_msg *m, pt_writer *w);

/* Message strings.  Parsers: PT_OK or PT_EINVAL (not in the form). */
int pt_mschapv2_success_parse(const pt_cursor *msg, pt_mschapv2_success *s);
int pt_mschap_failure_parse(const pt_cursor *msg, int v2, pt_mschap_failure *f);
/* "S=" + 40 uppercase hex, then " M=" + text when text is not NULL. */
int pt_mschapv2_success_build(pt_writer *w, const uint8_t auth_resp[20], const char *text);
/* "E=%u R=%u", then " C=<hex>" " V=%u" " M=<text>" for the fields present. */
int pt_mschap_failure_build(pt_writer *w, const pt_mschap_failure *f);

#endif
