/* mutate.c: pptp-conform --mutate (placeholder until the mutation run lands). */
#include "conform.h"

int cf_mutate_run(const cf_opts *o)
{
	(void)o;
	fputs("pptp-conform: --mutate: not built yet\n", stderr);
	return 2;
}
