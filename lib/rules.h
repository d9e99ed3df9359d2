/* rules.h: the rule catalog, one table for every check pptp-suite makes. */
#ifndef PT_RULES_H
#define PT_RULES_H

#include <stddef.h>

typedef enum pt_sev {
	PT_SEV_INFO = 0,
	PT_SEV_WARNING = 1,
	PT_SEV_ERROR = 2
} pt_sev;

typedef struct pt_rule {
	const char *id;    /* stable, dotted: "pptp.ctrl.bad_magic" */
	pt_sev sev;
	const char *ref;   /* "RFC 2637 2.1" */
	const char *text;  /* one line */
} pt_rule;

/*
 * The rule list lives in lib/rules_*.def, one file per layer, each line
 *   PT_RULE(SYMBOL, "dotted.id", SEVERITY, "RFC nnnn s.s", "one line of text")
 * and rules_all.def stitches them into one table.
 */
enum pt_rule_id {
#define PT_RULE(sym, id, sev, ref, text) PT_R_##sym,
#include "rules_all.def"
#undef PT_RULE
	PT_R__COUNT
};

const pt_rule *pt_rule_get(int rule);          /* NULL if out of range */
int pt_rule_lookup(const char *id);            /* -1 if unknown */
size_t pt_rule_count(void);
const char *pt_sev_name(pt_sev s);             /* "error", "warning", "info" */
int pt_sev_parse(const char *s, pt_sev *out);  /* 0 ok, -1 unknown */

#endif
