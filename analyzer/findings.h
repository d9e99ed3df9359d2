/* findings.h: pptp-analyze's store of findings (bounded, with per-rule repetition limits). */
#ifndef PA_FINDINGS_H
#define PA_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"

#define PA_MAX_STORED 100000   /* findings kept for the report; more are counted only */

typedef struct pa_rep {        /* repetitions of one rule on one connection/call */
	int rule;
	uint32_t conn;
	int32_t call;
	uint32_t count;
} pa_rep;

typedef struct pa_findings {
	pt_finding *v;
	size_t n, cap;
	uint64_t total[3];           /* by severity, including suppressed ones */
	uint64_t suppressed;
	int max_per_rule;            /* per (rule, conn, call); 0 = no limit */
	pa_rep *reps;                /* open-addressed table */
	size_t nreps, capreps;
} pa_findings;

void pa_findings_init(pa_findings *fs, int max_per_rule);
void pa_findings_free(pa_findings *fs);
/* Returns 1 if the finding was stored, 0 if only counted. */
int pa_findings_add(pa_findings *fs, const pt_finding *f);
/* How many times (rule, conn, call) occurred, stored or not. */
uint32_t pa_findings_reps(const pa_findings *fs, int rule, uint32_t conn, int32_t call);
/* Highest severity seen, or -1 with none. */
int pa_findings_worst(const pa_findings *fs);

#endif
