/* ut.h: the convention for CUnit test programs in tests/unit/.
 * Each test_NAME.c defines ut_register(), which adds its suites with
 * CU_add_suite/CU_add_test; ut_main.c runs them and prints a summary line.
 * Test data (vectors/, captures/) is found relative to $PT_TOP (the repo root). */
#ifndef PT_UT_H
#define PT_UT_H

#include <CUnit/CUnit.h>

void ut_register(void);

/* Path under the repository root, in a static buffer per call site (not reentrant). */
const char *ut_path(const char *rel);

/* Read a whole file into a malloc'd buffer; returns NULL on error. */
unsigned char *ut_read_file(const char *path, size_t *len);

/* Parse hex (whitespace allowed) into out; returns bytes written or -1. */
int ut_hex(const char *hex, unsigned char *out, size_t cap);

/* vectors/ files: lines "name = hex" or name = "string", # comments.  ut_vec_load returns how many
 * values it read (-1 if the file is missing); ut_vec finds one, checking its length when want_len >= 0. */
int ut_vec_load(const char *rel);
const unsigned char *ut_vec(const char *name, int want_len);
/* the length of a loaded value, -1 if it is not there */
int ut_vec_len(const char *name);

/* A sink that collects findings (the first UT_MAXF of them; ut_nf counts all). */
#include "finding.h"
#define UT_MAXF 256
extern pt_finding ut_fs[UT_MAXF];
extern int ut_nf;
extern const pt_sink ut_sink;
void ut_clear(void);
int ut_count(int rule);                    /* how many findings of this rule */
const pt_finding *ut_first(int rule);     /* the first one, or NULL */

#define UT_ADD(suite, fn) CU_add_test((suite), #fn, (fn))

#endif
