/* finding.h: how a check in lib/ tells its caller that a rule was broken. */
#ifndef PT_FINDING_H
#define PT_FINDING_H

#include <stdint.h>

#include "rules.h"

/* Direction on a PPTP tunnel: from the PNS (usually the client) or from the PAC. */
enum pt_dir { PT_DIR_PNS = 0, PT_DIR_PAC = 1, PT_DIR_UNKNOWN = 2 };

/* Where something happened: filled by the front end, passed down by value. */
typedef struct pt_where {
	uint64_t pkt;     /* 1-based frame number in the capture, 0 = none */
	int64_t ts_us;    /* capture time, microseconds since the epoch */
	uint32_t conn;    /* control connection index, 1-based, 0 = none */
	int32_t call;     /* call index within the tunnel model, -1 = none */
	int dir;          /* enum pt_dir */
} pt_where;

#define PT_FINDING_MSG 256

typedef struct pt_finding {
	int rule;                 /* enum pt_rule_id */
	pt_where at;
	char msg[PT_FINDING_MSG]; /* precise: "expected 156, got 160" */
} pt_finding;

typedef void (*pt_finding_fn)(void *user, const pt_finding *f);

typedef struct pt_sink {
	pt_finding_fn fn;
	void *user;
} pt_sink;

/* Format and deliver one finding; a NULL sink or fn drops it. */
void pt_report(const pt_sink *sink, int rule, const pt_where *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
