/* findings.c: a bounded store of findings with per-(rule, connection, call) repetition limits. */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

void pa_findings_init(pa_findings *fs, int max_per_rule)
{
	memset(fs, 0, sizeof *fs);
	fs->max_per_rule = max_per_rule;
}

void pa_findings_free(pa_findings *fs)
{
	free(fs->v);
	free(fs->reps);
	memset(fs, 0, sizeof *fs);
}

static size_t rep_hash(int rule, uint32_t conn, int32_t call, size_t cap)
{
	uint64_t h = (uint64_t)(unsigned)rule * 0x9e3779b97f4a7c15ull ^ (uint64_t)conn * 0xc2b2ae3d27d4eb4full ^
		     (uint64_t)(uint32_t)call * 0x165667b19e3779f9ull;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static pa_rep *rep_slot(pa_rep *t, size_t cap, int rule, uint32_t conn, int32_t call)
{
	size_t i = rep_hash(rule, conn, call, cap);
	for (;;) {
		pa_rep *r = &t[i];
		if (!r->count || (r->rule == rule && r->conn == conn && r->call == call))
			return r;
		i = (i + 1) & (cap - 1);
	}
}

static int rep_grow(pa_findings *fs)
{
	size_t ncap = fs->capreps ? fs->capreps * 2 : 256;
	pa_rep *nt = calloc(ncap, sizeof *nt);

	if (!nt)
		return -1;
	for (size_t i = 0; i < fs->capreps; i++) {
		pa_rep *o = &fs->reps[i];
		if (o->count)
			*rep_slot(nt, ncap, o->rule, o->conn, o->call) = *o;
	}
	free(fs->reps);
	fs->reps = nt;
	fs->capreps = ncap;
	return 0;
}

uint32_t pa_findings_reps(const pa_findings *fs, int rule, uint32_t conn, int32_t call)
{
	if (!fs->capreps)
		return 0;
	return rep_slot(fs->reps, fs->capreps, rule, conn, call)->count;
}

int pa_findings_add(pa_findings *fs, const pt_finding *f)
{
	const pt_rule *r = pt_rule_get(f->rule);
	pa_rep *rep;

	if (r)
		fs->total[r->sev]++;
	if ((fs->nreps + 1) * 2 > fs->capreps && rep_grow(fs) != 0)
		return 0;
	rep = rep_slot(fs->reps, fs->capreps, f->rule, f->at.conn, f->at.call);
	if (!rep->count) {
		rep->rule = f->rule;
		rep->conn = f->at.conn;
		rep->call = f->at.call;
		fs->nreps++;
	}
	rep->count++;
	if ((fs->max_per_rule && rep->count > (uint32_t)fs->max_per_rule) || fs->n >= PA_MAX_STORED) {
		fs->suppressed++;
		return 0;
	}
	if (fs->n == fs->cap) {
		size_t ncap = fs->cap ? fs->cap * 2 : 64;
		pt_finding *nv = realloc(fs->v, ncap * sizeof *nv);
		if (!nv) {
			fs->suppressed++;
			return 0;
		}
		fs->v = nv;
		fs->cap = ncap;
	}
	fs->v[fs->n++] = *f;
	return 1;
}

int pa_findings_worst(const pa_findings *fs)
{
	for (int s = PT_SEV_ERROR; s >= PT_SEV_INFO; s--)
		if (fs->total[s])
			return s;
	return -1;
}
