/* authpeer.h: both ends of PPP authentication, PAP, CHAP-MD5, MS-CHAPv1 and MS-CHAPv2 (RFC 1334 2, RFC 1994 4, RFC 2433, RFC 2759), and the MPPE start keys each end derives (RFC 3079). */
#ifndef PT_AUTHPEER_H
#define PT_AUTHPEER_H

/*
 * The one place where an end of a link computes what it sends in an
 * authentication exchange and judges what it receives.  The analyzer's
 * checks (tunnel_ppp.c) and mkcap's builders compute the same values
 * through lib/mschap.h; this module is the active peer.  Challenges and
 * peer challenges are passed in (the caller's random source), so runs are
 * reproducible.  Packets are the PPP Information field of protocol 0xc023
 * (PAP) or 0xc223 (CHAP); the caller frames them.  No clock: a caller that
 * retransmits (PAP Authenticate-Request, CHAP Challenge; RFC 1334 2.2.1,
 * RFC 1994 4.1) asks pt_authpeer_resend().
 */

#include <stddef.h>
#include <stdint.h>

#include "cpeng.h"     /* enum pt_authm */
#include "mschap.h"    /* pt_cred */

#define PT_AUTHPEER_MAX_PKT 600

enum pt_authpeer_side { PT_AUTH_CLIENT = 0, PT_AUTH_SERVER = 1 };

/* Where an exchange stands, for the owner. */
enum pt_authpeer_status {
	PT_AUTHS_IDLE = 0,      /* not started */
	PT_AUTHS_PENDING,       /* exchange under way */
	PT_AUTHS_SUCCESS,       /* client: Success/Ack received (and S= checked); server: peer verified */
	PT_AUTHS_FAILURE,       /* client: Failure/Nak received; server: wrong response, Failure sent */
	PT_AUTHS_FORGED         /* client, MS-CHAPv2: Success whose S= does not prove the password (RFC 2759 5) */
};
extern const pt_vs pt_authpeer_status_vs[];

/* Test knobs a scenario may set (0 = behave as the RFCs say). */
typedef struct pt_authpeer_knobs {
	uint8_t wrong_password;   /* client: answer with a response made from another secret */
	uint8_t skip_s_check;     /* client: accept a Success without checking S= */
	uint8_t no_s;             /* server (MS-CHAPv2): send Success without S= */
	uint8_t bad_s;            /* server: send a wrong S= */
	uint8_t v1_lm;            /* client, MS-CHAPv1: send the LAN Manager response too (use-NT flag still set) */
	uint8_t v1_lm_only;       /* client, MS-CHAPv1: LM response only, use-NT flag clear */
} pt_authpeer_knobs;

typedef struct pt_authpeer {
	uint8_t side;             /* enum pt_authpeer_side */
	uint8_t method;           /* enum pt_authm */
	uint8_t status;           /* enum pt_authpeer_status */
	uint8_t id;               /* Identifier of the exchange under way */
	pt_cred cred;             /* client: our credentials; server: the one user we accept */
	pt_authpeer_knobs knobs;
	uint8_t auth_chal[16];    /* authenticator challenge (server: ours; client: received) */
	size_t auth_chal_len;
	uint8_t peer_chal[16];    /* MS-CHAPv2 peer challenge (client: ours; server: received) */
	uint8_t nt_resp[24];      /* the NT response of the exchange (MS-CHAPv1/v2), for MPPE keys */
	uint8_t has_nt_resp;
	uint32_t error;           /* MS-CHAP Failure E= received or sent (691 ...) */
	uint8_t retry;            /* R= */
	char peer_name[64];       /* server: the Name / Peer-ID received (printable) */
	uint8_t last[PT_AUTHPEER_MAX_PKT];   /* our last packet, for retransmission */
	size_t last_len;
	/* added with authpeer.c */
	char our_name[64];        /* server: the Name of our CHAP Challenge (init sets "pptp-suite"; may be changed) */
	uint8_t user_mode;        /* server, MS-CHAPv2: enum pt_mschap_user the Response matched (for S=) */
	uint8_t next_chal[16];    /* server, MS-CHAPv2: the C= challenge of our Failure */
} pt_authpeer;

/*
 * Client (authenticatee): method as agreed by LCP, our credentials (copied; wiped by
 * pt_authpeer_wipe), peer_chal the 16 octets an MS-CHAPv2 response carries (ignored otherwise).
 */
void pt_authpeer_client_init(pt_authpeer *a, int method, const pt_cred *cred, const uint8_t peer_chal[16],
			     const pt_authpeer_knobs *knobs);
/*
 * Server (authenticator): method, the credentials of the user it accepts, and the challenge
 * it sends (8 octets for MS-CHAPv1, 16 for CHAP-MD5 and MS-CHAPv2).
 */
void pt_authpeer_server_init(pt_authpeer *a, int method, const pt_cred *cred, const uint8_t chal[16],
			     const pt_authpeer_knobs *knobs);

/*
 * Start: the client sends a PAP Authenticate-Request (CHAP clients wait for the Challenge);
 * the server sends the CHAP Challenge (PAP servers wait).  id is the Identifier to use.
 * Writes the packet to *w when there is one; returns 1 if it wrote a packet, 0 if not, < 0 error.
 */
int pt_authpeer_start(pt_authpeer *a, uint8_t id, pt_writer *w);

/*
 * One received PAP/CHAP packet.  Writes our answer to *w when there is one (the Response,
 * the Success or Failure); returns 1 if it wrote a packet, 0 if not, < 0 for a packet that does
 * not parse or does not belong here (dropped; RFC 1994: a Response with the wrong Identifier
 * is silently discarded).  a->status tells the outcome.
 */
int pt_authpeer_input(pt_authpeer *a, uint16_t proto, const uint8_t *pkt, size_t len, pt_writer *w);

/* Our last packet again (retransmission); 1 written, 0 nothing to resend. */
int pt_authpeer_resend(const pt_authpeer *a, pt_writer *w);

/* PPP protocol of this method's packets (0xc023 or 0xc223), 0 for none. */
uint16_t pt_authpeer_proto(int method);

/*
 * MPPE start keys of this end (RFC 3079: MS-CHAPv2 3.1-3.4 asymmetric; MS-CHAPv1 2.1-2.3, the
 * same key both ways, 128-bit from the NT hash, 40/56-bit from the LM hash or, with nt_v1 set,
 * from the NT-based key as pppd and Linux do).  bits 40/56/128.  send/recv: 16 octets each
 * (8 used for 40/56).  PT_ESTATE before a successful MS-CHAP exchange; PT_EUNSUP for PAP/CHAP-MD5.
 */
int pt_authpeer_mppe_keys(const pt_authpeer *a, int bits, int nt_v1, uint8_t send[16], uint8_t recv[16]);

void pt_authpeer_wipe(pt_authpeer *a);

#endif
