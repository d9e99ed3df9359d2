/* auditor.h: the security audit's checks on what the tunnel model saw (issue 25; RFC 1334 2, RFC 1661 5.3-5.4,
 * RFC 1994 5, RFC 2433, RFC 2637 1.1, RFC 2759 8, RFC 3078 1, RFC 3748): one implementation for pptp-analyze
 * --audit and the Wireshark plugin.  No I/O, no globals: the front end feeds it and takes the findings through a sink. */
#ifndef PT_AUDITOR_H
#define PT_AUDITOR_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "tunnel.h"

struct pt_auth_msg;

#define PT_AUDIT_MAX_USERS 1024
#define PT_AUDIT_MAX_HS 4096       /* MS-CHAPv2 and MS-CHAPv1-with-LM handshakes kept */
#define PT_AUDIT_MAX_FAILS 65536   /* authentication failures kept (more are counted) */
#define PT_AUDIT_MAX_FLOWS 1024    /* distinct non-PPTP flows kept (more are counted) */
#define PT_AUDIT_MAX_KEYS 4096     /* users or addresses whose failures are examined for guessing */

typedef struct pt_audit_cfg {
	unsigned guess_failures;   /* failures within the window that make guessing; 0 = 5 */
	int64_t guess_window_us;   /* 0 = 300 s */
} pt_audit_cfg;

typedef struct pt_audit pt_audit;

pt_audit *pt_audit_new(const pt_audit_cfg *cfg);   /* NULL: out of memory */
void pt_audit_free(pt_audit *a);                   /* wipes the user names */

/* The user table: the index of a name as sent (created on first sight), -1 when the table is full. */
int pt_audit_user(pt_audit *a, const uint8_t *raw, size_t len);
const char *pt_audit_user_name(const pt_audit *a, int u);     /* printable (\xNN escapes); "?" for -1 */
const uint8_t *pt_audit_user_raw(const pt_audit *a, int u, size_t *len);  /* as sent; NULL for -1 */
size_t pt_audit_nusers(const pt_audit *a);

/* Each PAP/CHAP message of a call: the tunnel's on_auth hook (lib/tunnel.h), as it is. */
void pt_audit_auth(pt_audit *a, const pt_where *at, const pt_call *k, int authenticator, const struct pt_auth_msg *m);

/*
 * An IP datagram (whole: reassembled) that is neither TCP 1723 nor GRE: its protocol, the TCP/UDP ports (0 for
 * others) and its payload (for ICMP: an error that quotes a PPTP packet belongs to the tunnel and is not counted).
 */
void pt_audit_other(pt_audit *a, const pt_addr *src, const pt_addr *dst, uint8_t proto, uint16_t sport,
		    uint16_t dport, const uint8_t *payload, size_t len, const pt_where *at);

/*
 * End of input: the audit findings, in this order: per call (no encryption, EAP downgrade), per handshake
 * (MS-CHAPv2 captured, MS-CHAPv1 with LM), guessing by user then by address, filtering per server.
 */
void pt_audit_finish(const pt_audit *a, const pt_tunnel *t, const pt_sink *sink);

/* The line of advice of a rule the audit reports or groups (PT_ADVICE of lib/rules_audit.def), or NULL. */
const char *pt_audit_advice(int rule);

/* Where a finding about call k (NULL: none) stands: its packet, time and direction (PT_DIR_UNKNOWN: both). */
pt_where pt_audit_where(const pt_call *k, uint64_t pkt, int64_t ts, int dir);

#endif
