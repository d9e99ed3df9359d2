/* verdict.h: one verdict per call (and per connection without calls): OK, or the first root cause in plain words. */
#ifndef PT_VERDICT_H
#define PT_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "tunnel.h"

/* Causes in the order a tunnel comes up: the first one that applies is the root cause. */
enum pt_verdict_code {
	PT_V_OK = 0,              /* up, data both ways */
	PT_V_OK_NO_DATA,          /* up, but no user data crossed (or only one way) */
	PT_V_INCOMPLETE,          /* the capture ends before the outcome is known */
	PT_V_TCP_NO_ANSWER,       /* SYN to 1723 never answered */
	PT_V_TCP_REFUSED,         /* SYN answered by RST */
	PT_V_CTRL_REFUSED,        /* Start-Control-Connection-Reply with an error */
	PT_V_CTRL_NO_REPLY,       /* SCCRQ never answered */
	PT_V_CTRL_BROKEN,         /* the control connection violated the protocol so the call could not start */
	PT_V_CALL_REFUSED,        /* Outgoing/Incoming-Call-Reply with an error */
	PT_V_CALL_NO_REPLY,       /* OCRQ/ICRQ never answered */
	PT_V_NO_CALL,             /* control connection up, no call placed */
	PT_V_GRE_NONE,            /* call up, none of its GRE either way, while the capture holds other GRE */
	PT_V_GRE_ONE_WAY,         /* call up, GRE from one side only */
	PT_V_LCP_FAILED,          /* LCP never opened */
	PT_V_AUTH_FAILED,         /* the authenticator said Failure (or Nak) */
	PT_V_AUTH_FORGED,         /* MS-CHAPv2 Success that does not prove the password */
	PT_V_MPPE_REFUSED,        /* one side requires encryption, the other refused it */
	PT_V_CCP_FAILED,          /* CCP never opened while MPPE was asked for */
	PT_V_IPCP_FAILED,         /* IPCP never opened */
	PT_V_DECRYPT_FAILED,      /* MPPE frames that do not decrypt with the right password */
	PT_V_ECHO_TIMEOUT,        /* the link died: LCP (or PPTP) Echo-Requests went unanswered */
	PT_V_MTU,                 /* frames above the MRU, or fragmented inside the tunnel */
	PT_V_HANGUP,              /* it worked, then one side vanished without any teardown */
	PT_V_CONTROL_ONLY,        /* the call came up, but the capture holds no GRE at all: nothing to say of PPP */
	PT_V__COUNT
};

extern const pt_vs pt_verdict_code_vs[];   /* short names: "ok", "auth-failed", ... */

#define PT_VERDICT_MAX_EVIDENCE 4
#define PT_VERDICT_MAX_RULES 4

typedef struct pt_verdict {
	uint32_t conn;                 /* connection index, 0 none */
	int32_t call;                  /* call index, -1 for a connection-level verdict */
	int code;                      /* enum pt_verdict_code */
	int ok;                        /* the tunnel worked */
	char text[320];                /* "the tunnel failed because ..." */
	char advice[320];              /* one line of advice */
	char teardown[320];            /* how it ended, by whom and why ("" if it did not end) */
	uint64_t evidence[PT_VERDICT_MAX_EVIDENCE];   /* packet numbers */
	size_t nevidence;
	int rules[PT_VERDICT_MAX_RULES];              /* rule ids behind it */
	size_t nrules;
} pt_verdict;

/* The verdict for one call. */
void pt_verdict_call(const pt_tunnel *t, const pt_call *k, pt_verdict *v);
/* The verdict for a connection that has no call (returns 0 and leaves v alone if it has calls). */
int pt_verdict_conn(const pt_tunnel *t, const pt_conn *c, pt_verdict *v);

/* The call verdict table, row by row in the order it is tried: the verdict code the row writes (its short name)
 * and, in *needs, the evidence it needs.  NULL past the end. */
size_t pt_verdict_nrows(void);
const char *pt_verdict_row(size_t i, const char **needs);

/* Plain words for codes users meet. */
const char *pt_verdict_mschap_error(uint32_t e);      /* 646..709 */
const char *pt_verdict_ctrl_result(uint16_t type, uint8_t result, uint8_t error, char *buf, size_t cap);

#endif
