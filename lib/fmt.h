/* fmt.h: one-line text for a parsed message (the --decode format; pptp-conform scenarios reuse it). */
#ifndef PT_FMT_H
#define PT_FMT_H

#include <stddef.h>

#include "gre.h"
#include "pptp.h"

/* "PNS>PAC" / "PAC>PNS" / "?>?" */
const char *pt_fmt_dir(int dir);
/* e.g. "SCCRQ version=0x0100 framing_cap=0x3(async|sync) ... host_name=\"srv\""; rc is the parser's result */
void pt_fmt_ctrl(const pt_ctrl_msg *m, int rc, int dir, char *buf, size_t cap);
/* e.g. "GRE call=7 seq=3 ack=2 len=42" */
void pt_fmt_gre(const pt_gre_hdr *h, int rc, int dir, char *buf, size_t cap);
/* Printable rendering of bytes off the wire: quotes, escapes non-printables as \xNN. */
void pt_fmt_quoted(const uint8_t *s, size_t n, char *buf, size_t cap);
/* Append with bounds: keeps *used <= cap-1 and NUL-terminates. */
void pt_fmt_cat(char *buf, size_t cap, size_t *used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));



/*
 * One PPP frame (as carried in GRE): "LCP Configure-Request id=1 <mru 1400> <magic 0x1234abcd> <pfc>",
 * "CHAP Response id=3 name=\"alice\" (MS-CHAPv2)", "IP 10.0.0.2 > 10.0.0.1 ICMP len=84", "MPPE cc=5 flushed".
 * chap_alg is the LCP-negotiated CHAP algorithm (0 unknown).  Secrets (PAP passwords) are never shown.
 */
void pt_fmt_ppp(const uint8_t *frame, size_t len, uint8_t chap_alg, char *buf, size_t cap);
/* The inner IP packet summary alone: "10.0.0.2 > 10.0.0.1 ICMP echo-request len=84" */
void pt_fmt_inner_ip(const uint8_t *p, size_t len, char *buf, size_t cap);
#endif
