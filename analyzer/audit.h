/* audit.h: pptp-analyze --audit, --wordlist, --password-policy: how exposed a PPTP deployment is, from its capture (issue 25). */
#ifndef PA_AUDIT_H
#define PA_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "auth.h"
#include "auditor.h"
#include "findings.h"
#include "ip.h"
#include "mschap.h"
#include "tunnel.h"

#define PA_AUDIT_MAX_HS 4096      /* handshakes kept for the wordlist */
#define PA_AUDIT_MAX_USERS PT_AUDIT_MAX_USERS  /* indexed as lib/auditor's user table */

enum pa_hs_method { PA_HS_PAP = 1, PA_HS_MD5, PA_HS_MSCHAPV1, PA_HS_MSCHAPV2 };

/* One captured authentication, all a password guess needs (a secret for PAP: wiped at the end). */
typedef struct pa_hs {
	uint8_t method;                /* enum pa_hs_method */
	uint8_t id;                    /* CHAP Identifier (RFC 1994 4.1: hashed with the secret) */
	uint8_t chal_len;
	uint8_t chal[64];
	uint8_t lm_resp[24], nt_resp[24];
	uint8_t has_lm;                /* MS-CHAPv1: the LAN Manager half is not all zeros */
	uint8_t md5[16];
	uint8_t v2hash[2][8];          /* RFC 2759 8.2 ChallengeHash: user name without domain, as sent */
	uint8_t pap_pw[256];
	uint16_t pap_len;
	int user;                      /* index in pa_audit.users (lib/auditor's user table) */
	int32_t call;
	uint64_t pkt;
} pa_hs;

/* What the wordlist learnt of one user of lib/auditor's table (same index; the name is there). */
typedef struct pa_user {
	unsigned nhs;                  /* handshakes */
	uint64_t found_line;           /* 0 = not found; else the list's line number (the lowest) */
	uint8_t policy_checked, policy_ok;
	uint8_t lm_only;               /* found through the LAN Manager response only: case unknown */
	char shown[257];               /* --show-keys: the password found */
} pa_user;

typedef struct pa_policy {
	int set;
	unsigned min_len, classes;
	char text[64];                 /* as given */
} pa_policy;

typedef struct pa_audit {
	int on;                        /* --audit */
	int show_keys;
	const char *wordlist;
	pa_policy policy;
	pt_audit *core;                /* lib/auditor: the checks pptp-analyze and the plugin share */
	pa_hs *hs;
	size_t nhs, hs_dropped;
	pa_user *users;                /* PA_AUDIT_MAX_USERS, as core's table */
	size_t nusers;                 /* pt_audit_nusers(core) */
	/* wordlist run */
	int wl_ran;
	uint64_t wl_words, wl_skipped;
	double wl_seconds;
	char wl_error[256];
	/* known passwords against the policy: users (or "any user") and the outcome */
	struct { char user[256]; uint8_t ok; } known[64];
	size_t nknown;
} pa_audit;

/* 0 ok, -1 bad value (message printed). */
int pa_policy_parse(pa_policy *p, const char *spec);
/* 1 meets it, 0 not; never prints the password. */
int pa_policy_check(const pa_policy *p, const char *pw, size_t len);

/* 0 ok, -1 bad policy (message printed) or out of memory. */
int pa_audit_init(pa_audit *a, int on, const char *wordlist, const char *policy, unsigned guess_failures,
		  double guess_window_s, int show_keys);
void pa_audit_free(pa_audit *a);
/* Whether the tunnel hook and the other-traffic hook are wanted. */
int pa_audit_active(const pa_audit *a);

/* The tunnel's on_auth hook (lib/tunnel.h): lib/auditor's collection, and the handshakes for the wordlist. */
void pa_audit_on_auth(pa_audit *a, const pt_where *at, const pt_call *k, int authenticator, const pt_auth_msg *m);
/* An IP datagram that is not TCP 1723 nor GRE (ports 0 when not TCP/UDP). */
void pa_audit_other(pa_audit *a, const pt_ip *ip, uint16_t sport, uint16_t dport, const pt_where *at);

/* End of input: the findings of the audit, through sink; the wordlist runs here. Returns 0, or 2 when the
 * wordlist cannot be read (message printed). */
int pa_audit_finish(pa_audit *a, const pt_tunnel *t, const pt_cred *creds, size_t ncreds, const pt_sink *sink,
		    const pt_where *end);

/* The "Security" section / the `security` JSON lines. */
void pa_audit_text(FILE *f, const pa_audit *a, const pa_findings *fs);
void pa_audit_json(FILE *f, const pa_audit *a, const pa_findings *fs);
/* The advice line of a rule the audit knows, or NULL. */
const char *pa_audit_advice(int rule);

/* wordlist.c: try every word of the list against the handshakes; fills users[].found_line. 0 ok, -1 error (a->wl_error). */
int pa_wordlist_run(pa_audit *a);

#endif
