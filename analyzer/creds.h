/* creds.h: credentials from the command line, a file, the environment or the terminal; wiped at exit. */
#ifndef PA_CREDS_H
#define PA_CREDS_H

#include <stddef.h>

#include "mschap.h"
#include "opts.h"

/* 0 ok, -1 error (printed).  Warns when a password came from argv. */
int pa_creds_load(const pa_opts *o);
const pt_cred *pa_creds_list(size_t *n);
void pa_creds_wipe(void);

#endif
