/* rules.c: the rule catalog table and lookups. */
#include <string.h>

#include "rules.h"

static const pt_rule rule_table[PT_R__COUNT + 1] = {
#define PT_RULE(sym, id, sev, ref, text) { id, PT_SEV_##sev, ref, text },
#include "rules_all.def"
#undef PT_RULE
	{ NULL, PT_SEV_INFO, NULL, NULL }
};

const pt_rule *pt_rule_get(int rule)
{
	if (rule < 0 || rule >= PT_R__COUNT)
		return NULL;
	return &rule_table[rule];
}

int pt_rule_lookup(const char *id)
{
	for (int i = 0; i < PT_R__COUNT; i++)
		if (strcmp(rule_table[i].id, id) == 0)
			return i;
	return -1;
}

size_t pt_rule_count(void)
{
	return PT_R__COUNT;
}

const char *pt_sev_name(pt_sev s)
{
	switch (s) {
	case PT_SEV_INFO:
		return "info";
	case PT_SEV_WARNING:
		return "warning";
	case PT_SEV_ERROR:
		return "error";
	}
	return "?";
}

int pt_sev_parse(const char *s, pt_sev *out)
{
	if (strcmp(s, "info") == 0)
		*out = PT_SEV_INFO;
	else if (strcmp(s, "warning") == 0)
		*out = PT_SEV_WARNING;
	else if (strcmp(s, "error") == 0)
		*out = PT_SEV_ERROR;
	else
		return -1;
	return 0;
}
