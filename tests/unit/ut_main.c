/* ut_main.c: shared main() for the CUnit test programs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "ut.h"

const char *ut_path(const char *rel)
{
	static char buf[4096];
	const char *top = getenv("PT_TOP");

	snprintf(buf, sizeof buf, "%s/%s", top && *top ? top : ".", rel);
	return buf;
}

unsigned char *ut_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			unsigned char *nb;
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

int ut_hex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;
		if (isspace((unsigned char)*hex) || *hex == ':')
			continue;
		if (!isxdigit((unsigned char)*hex))
			return -1;
		v = isdigit((unsigned char)*hex) ? *hex - '0' : (tolower((unsigned char)*hex) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= cap)
				return -1;
			out[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (int)n : -1;
}

/* ---- vectors/ files ---- */

#define VEC_MAX 64
typedef struct vec {
	char name[64];
	unsigned char val[256];
	int len;
} vec;
static vec vecs[VEC_MAX];
static int nvecs;

int ut_vec_load(const char *rel)
{
	size_t n = 0;
	unsigned char *buf = ut_read_file(ut_path(rel), &n);
	char *s, *line, *save = NULL;

	nvecs = 0;
	if (!buf)
		return -1;
	s = malloc(n + 1);
	if (!s) {
		free(buf);
		return -1;
	}
	memcpy(s, buf, n);
	s[n] = '\0';
	free(buf);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *v, *e;
		vec *x;

		if (line[0] == '#' || !eq || nvecs == VEC_MAX)
			continue;
		x = &vecs[nvecs];
		for (e = eq; e > line && e[-1] == ' '; e--)
			;
		snprintf(x->name, sizeof x->name, "%.*s", (int)(e - line), line);
		for (v = eq + 1; *v == ' '; v++)
			;
		if (*v == '"') {
			char *q = strrchr(v + 1, '"');
			if (!q)
				continue;
			x->len = (int)(q - v - 1);
			memcpy(x->val, v + 1, (size_t)x->len);
			x->val[x->len] = 0;
		} else {
			x->len = ut_hex(v, x->val, sizeof x->val - 1);
			if (x->len < 0)
				continue;
		}
		nvecs++;
	}
	free(s);
	return nvecs;
}

const unsigned char *ut_vec(const char *name, int want_len)
{
	for (int i = 0; i < nvecs; i++)
		if (strcmp(vecs[i].name, name) == 0) {
			if (want_len >= 0 && vecs[i].len != want_len) {
				fprintf(stderr, "vector %s: length %d, want %d\n", name, vecs[i].len, want_len);
				return NULL;
			}
			return vecs[i].val;
		}
	fprintf(stderr, "vector %s missing\n", name);
	return NULL;
}

int ut_vec_len(const char *name)
{
	for (int i = 0; i < nvecs; i++)
		if (strcmp(vecs[i].name, name) == 0)
			return vecs[i].len;
	return -1;
}

/* ---- a collecting sink ---- */

pt_finding ut_fs[UT_MAXF];
int ut_nf;

static void ut_rec(void *user, const pt_finding *f)
{
	(void)user;
	if (ut_nf < UT_MAXF)
		ut_fs[ut_nf] = *f;
	ut_nf++;
}

const pt_sink ut_sink = { ut_rec, NULL };

void ut_clear(void)
{
	ut_nf = 0;
}

int ut_count(int rule)
{
	int n = 0;
	for (int i = 0; i < ut_nf && i < UT_MAXF; i++)
		n += ut_fs[i].rule == rule;
	return n;
}

const pt_finding *ut_first(int rule)
{
	for (int i = 0; i < ut_nf && i < UT_MAXF; i++)
		if (ut_fs[i].rule == rule)
			return &ut_fs[i];
	return NULL;
}

int main(void)
{
	unsigned run, failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	ut_register();
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	/* machine-readable line for tests/run.sh */
	printf("UT-RESULT %u %u\n", run - failed, failed);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
