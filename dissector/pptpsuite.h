/* pptpsuite.h: the Wireshark 4.0 plugin's shared parts: per-frame results, the feed into lib/tunnel, the fields. */
#ifndef PS_PPTPSUITE_H
#define PS_PPTPSUITE_H

#include <stdint.h>

#include <epan/packet.h>

/* One finding of lib/, kept for the frame it names. */
typedef struct ps_find {
	int rule;                   /* enum pt_rule_id */
	uint32_t conn;              /* 1-based, 0 none */
	int32_t call;               /* 0-based, -1 none */
	int dir;                    /* enum pt_dir */
	const char *msg;            /* file scope */
	struct ps_find *next;
} ps_find;

/*
 * What the first pass learnt about one frame; made on the first pass only, file scope, read on every pass.
 * Frames with nothing to say have no record.
 */
typedef struct ps_rec {
	ps_find *finds, *finds_tail;
	/* the decrypted PPP frame: 2-octet protocol field + payload, file scope (NULL: not decrypted) */
	const uint8_t *inner;
	uint32_t inner_len;
	/* the call of a GRE packet, as the tunnel knew it after the packet */
	uint8_t has_call;
	uint32_t conn;
	int32_t call;
	int dir;
	uint8_t key_bits;           /* 40, 56, 128; 0 no MPPE negotiated (yet) */
	uint8_t stateless, mppc;
	uint8_t keys;               /* 1 ready, 0 not yet, 2 unavailable */
	/* the credential check of an authentication packet */
	uint8_t authv;              /* enum pt_authv, 0 none on this frame */
	uint8_t auth_forged;        /* an MS-CHAPv2 Success that does not prove the password */
	const char *auth_user;
} ps_rec;

/* feed.c: the model of the capture file, fed on the first pass. */
void ps_feed_init(void);        /* a capture file (re)opens: credentials taken from the UAT */
void ps_feed_cleanup(void);
void ps_feed_postseq(void);     /* the sequential pass is over: end of input for the model */
void ps_feed_frame(packet_info *pinfo);  /* every frame (a postdissector): notes the last one */
void ps_feed_gre(tvbuff_t *tvb, packet_info *pinfo);
void ps_feed_tcp(tvbuff_t *tvb, packet_info *pinfo);   /* a whole TCP segment (IP payload) */
/* the payload of an IP datagram that is neither TCP 1723 nor GRE, for the audit (IP protocol proto) */
void ps_feed_other(tvbuff_t *tvb, packet_info *pinfo, unsigned proto);
ps_rec *ps_rec_get(packet_info *pinfo);    /* NULL when the frame has none */

/* The credentials table (UAT pptpsuite_credentials). */
typedef struct ps_cred_row {
	char *user;
	char *password;
	char *nt_hash;
} ps_cred_row;
extern ps_cred_row *ps_cred_rows;
extern unsigned ps_ncred_rows;

/* Preferences of the security audit (pptpsuite.audit, .audit_guess_failures, .audit_guess_window): proto.c. */
extern gboolean ps_audit_on;
extern guint ps_audit_guess_failures;
extern guint ps_audit_guess_window;   /* seconds */

extern int proto_pptpsuite;

#endif
