/* exit.c: how a source error ends the reader (mk_die): exit status 2.  A file of its own, so that a fuzz harness can link its own ending in (-Wl,--wrap=mk_exit). */
#include <stdlib.h>

#include "mkcap.h"

void mk_exit(int status)
{
	exit(status);
}
