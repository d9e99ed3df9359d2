/* report.h: pptp-analyze's outputs: the text report, JSON Lines, decode lines, the rule list. */
#ifndef PA_REPORT_H
#define PA_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "findings.h"
#include "tunnel.h"

typedef struct pa_summary {
	const char *name;          /* capture name as given ("-" = stdin, or the interface) */
	uint64_t packets;          /* records read */
	uint64_t bytes;
	uint64_t pptp_packets;     /* TCP 1723 or GRE */
	uint64_t other_packets;    /* everything else */
	uint64_t undecodable;      /* link/IP errors */
	int64_t t_first, t_last;
	int linktype;
	const char *linkname;
	int decrypting;            /* credentials were given */
} pa_summary;

void pa_list_rules(FILE *f, int format);

/* Time as seconds.microseconds relative to t0 (the first packet). */
void pa_fmt_reltime(int64_t ts, int64_t t0, char *buf, size_t cap);

void pa_report_text(FILE *f, const pa_summary *s, const pt_tunnel *t, const pa_findings *fs);
void pa_report_json(FILE *f, const pa_summary *s, const pt_tunnel *t, const pa_findings *fs);
void pa_report_verdicts(FILE *f, const pt_tunnel *t, const pa_findings *fs, int with_evidence);

#endif
