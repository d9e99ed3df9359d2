/* vs.h: {value, name} tables, one per enum on the wire (print, validate, plugin value_strings). */
#ifndef PT_VS_H
#define PT_VS_H

#include <stdint.h>

typedef struct pt_vs {
	uint32_t value;
	const char *name;
} pt_vs;

/* Tables end with {0, NULL}.  Returns NULL when the value is not listed. */
const char *pt_vs_name(const pt_vs *t, uint32_t v);
/* Same, but never NULL: unknown values give dflt. */
const char *pt_vs_name_or(const pt_vs *t, uint32_t v, const char *dflt);

#endif
