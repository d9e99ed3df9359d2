/* util.c: error strings, value tables and the finding formatter. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "finding.h"
#include "vs.h"

const char *pt_strerror(int err)
{
	switch (err) {
	case PT_OK:
		return "ok";
	case PT_ETRUNC:
		return "truncated";
	case PT_EINVAL:
		return "invalid";
	case PT_ENOSPC:
		return "no space";
	case PT_EUNSUP:
		return "unsupported";
	case PT_ENOMEM:
		return "limit reached";
	case PT_ESTATE:
		return "wrong state";
	}
	return "unknown error";
}

const char *pt_vs_name(const pt_vs *t, uint32_t v)
{
	for (; t && t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

const char *pt_vs_name_or(const pt_vs *t, uint32_t v, const char *dflt)
{
	const char *n = pt_vs_name(t, v);
	return n ? n : dflt;
}

void pt_report(const pt_sink *sink, int rule, const pt_where *at, const char *fmt, ...)
{
	pt_finding f;
	va_list ap;

	if (!sink || !sink->fn)
		return;
	memset(&f, 0, sizeof f);
	f.rule = rule;
	if (at)
		f.at = *at;
	else {
		f.at.call = -1;
		f.at.dir = PT_DIR_UNKNOWN;
	}
	va_start(ap, fmt);
	vsnprintf(f.msg, sizeof f.msg, fmt, ap);
	va_end(ap);
	sink->fn(sink->user, &f);
}
