/* fuzz_scenario.c: the scenario reader (conformance/scenario.c on mkcap's lexer) on any text: it reads the file and checks every line, or stops at the first error with FILE:LINE:COL. */
#include <setjmp.h>

#include "conform.h"
#include "fuzz.h"
#include "mkcap.h"

/*
 * The reader reports an error and ends the program (mk_die: exit status 2, the right thing for a
 * command-line tool).  Here mk_exit, the way out of mk_die, is wrapped (-Wl,--wrap=mk_exit) to come back to the harness, so
  * what the reader held at that moment is handed back through cf_scn_read's held pointer and freed.
 */
static jmp_buf back;
static int dying;

void __wrap_mk_exit(int status) __attribute__((noreturn));
void __wrap_mk_exit(int status)
{
	FZ_ASSERT(status == 2);
	dying = 1;
	longjmp(back, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)(uintptr_t)data, size, "r");
	cf_scn *volatile s = NULL;
	static cf_scn *held;

	if (!f)
		return 0;
	dying = 0;
	if (setjmp(back) == 0)
		s = cf_scn_read(f, "fuzz.pptp", &held);
	fclose(f);
	if (dying) {
		cf_scn_free(held);
	} else {
		FZ_ASSERT(s != NULL);
		FZ_ASSERT(s->title[0] && s->rfc[0]);
		FZ_ASSERT(s->nstep <= CF_MAXSTEP);
		cf_scn_free(s);
	}
	held = NULL;
	return 0;
}
