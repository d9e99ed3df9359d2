/* wordlist.c: --wordlist: every word of a list against the captured PAP, CHAP-MD5, MS-CHAPv1 and MS-CHAPv2 handshakes (RFC 1334 2.2.1, RFC 1994 4.1, RFC 2433 A, RFC 2759 8). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "crypto.h"

#define WL_BLOCK (1u << 20)      /* octets read at a time: memory stays flat whatever the list's size */
#define WL_MAX_LINES 65536       /* lines per block */
#define WL_THREADS 2

/*
 * RFC 2759 8.5 / RFC 2433 A.5: the third DES block of a response is keyed by octets 14-15 of the hash and five
 * zeros.  Searching those 65536 keys once per handshake gives the last two octets of the user's hash, so a
 * candidate is rejected by comparing two octets of its MD4, without any DES; only a candidate that agrees there
 * (one in 65536) has the whole response computed.
 */
typedef struct prep {
	int k3[3];               /* NT (v1), or v2 name without domain / as sent; -1: no key fits (response unusable) */
	int lm_k3;               /* the LAN Manager response, likewise */
} prep;

typedef struct wl_run {
	pa_audit *a;
	prep *pr;
	char *buf;
	size_t *start;           /* word offsets in buf (NUL-terminated) */
	uint64_t *lineno;
	size_t nlines;
	pthread_mutex_t mu;
	pthread_barrier_t go, done;
	int quit;
	int need_nt, need_lm;
	uint64_t tried[WL_THREADS];
	pt_md md4[WL_THREADS];   /* one MD4 context per thread: no allocation per candidate */
} wl_run;

static int find_k3(const uint8_t chal[8], const uint8_t resp3[8])
{
	uint8_t key[7] = { 0 }, out[8];

	for (int v = 0; v < 65536; v++) {
		key[0] = (uint8_t)(v >> 8);
		key[1] = (uint8_t)v;
		if (pt_des_encrypt7(key, chal, out) == PT_OK && memcmp(out, resp3, 8) == 0)
			return v;
	}
	return -1;
}

static int k3_of(const uint8_t h[16])
{
	return h[14] << 8 | h[15];
}

static void hit(wl_run *r, int u, uint64_t line, const char *word, int lm_only)
{
	pa_audit *a = r->a;
	pa_user *us = &a->users[u];

	pthread_mutex_lock(&r->mu);
	if (!us->found_line || line < us->found_line) {
		size_t n = strlen(word);
		__atomic_store_n(&us->found_line, line, __ATOMIC_RELAXED); /* read without the lock by pending() */
		us->lm_only = (uint8_t)lm_only;
		if (a->policy.set) {
			us->policy_checked = 1;
			us->policy_ok = (uint8_t)pa_policy_check(&a->policy, word, n);
		}
		if (a->show_keys)
			snprintf(us->shown, sizeof us->shown, "%s", word);
	}
	pthread_mutex_unlock(&r->mu);
}

static int pending(const pa_user *us, uint64_t line)
{
	uint64_t f = __atomic_load_n(&us->found_line, __ATOMIC_RELAXED);
	return !f || f > line;
}

/* RFC 2759 8.3 NtPasswordHash, as pt_nt_password_hash, through the thread's MD4 context */
static int nt_hash(pt_md *md, const char *w, size_t len, uint8_t nt[16])
{
	uint8_t uni[PT_MSCHAP_PW_MAX * 2];
	size_t n = 0;
	int rc = pt_utf8_to_utf16le(w, len, uni, sizeof uni, &n);

	if (rc == PT_OK)
		rc = pt_md_digest(md, uni, n, nt);
	pt_wipe(uni, n);
	return rc;
}

static void try_word(wl_run *r, pt_md *md, const char *w, uint64_t line)
{
	pa_audit *a = r->a;
	size_t len = strlen(w);
	uint8_t nt[16], lm[16], resp[24];
	int have_nt = 0, have_lm = 0;

	if (r->need_nt)
		have_nt = nt_hash(md, w, len, nt) == PT_OK;
	if (r->need_lm && len <= PT_LM_PW_MAX)
		have_lm = pt_lm_password_hash(w, lm) == PT_OK;
	for (size_t i = 0; i < a->nhs; i++) {
		const pa_hs *h = &a->hs[i];
		const prep *p = &r->pr[i];
		if (!pending(&a->users[h->user], line))
			continue;
		switch (h->method) {
		case PA_HS_PAP:
			if (len == h->pap_len && memcmp(w, h->pap_pw, len) == 0)
				hit(r, h->user, line, w, 0);
			break;
		case PA_HS_MD5:
			if (pt_chap_md5_response(h->id, w, len, h->chal, h->chal_len, resp) == PT_OK && memcmp(resp, h->md5, 16) == 0)
				hit(r, h->user, line, w, 0);
			break;
		case PA_HS_MSCHAPV1:
			if (have_nt && p->k3[0] == k3_of(nt) && pt_challenge_response(h->chal, nt, resp) == PT_OK &&
			    memcmp(resp, h->nt_resp, 24) == 0)
				hit(r, h->user, line, w, 0);
			else if (have_lm && h->has_lm && p->lm_k3 == k3_of(lm) && pt_challenge_response(h->chal, lm, resp) == PT_OK &&
				 memcmp(resp, h->lm_resp, 24) == 0)
				hit(r, h->user, line, w, 1);
			break;
		case PA_HS_MSCHAPV2:
			for (int m = 0; m < 2 && have_nt; m++)
				if (p->k3[m] == k3_of(nt) && pt_challenge_response(h->v2hash[m], nt, resp) == PT_OK &&
				    memcmp(resp, h->nt_resp, 24) == 0) {
					hit(r, h->user, line, w, 0);
					break;
				}
			break;
		}
	}
	pt_wipe(nt, sizeof nt);
	pt_wipe(lm, sizeof lm);
}

static void work(wl_run *r, int tid)
{
	for (size_t i = (size_t)tid; i < r->nlines; i += WL_THREADS) {
		try_word(r, &r->md4[tid], r->buf + r->start[i], r->lineno[i]);
		r->tried[tid]++;
	}
}

static void *worker(void *arg)
{
	wl_run *r = arg;

	for (;;) {
		pthread_barrier_wait(&r->go);
		if (r->quit)
			break;
		work(r, 1);
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t users_found(const pa_audit *a, size_t *with_hs)
{
	size_t n = 0, w = 0;
	for (size_t u = 0; u < a->nusers; u++) {
		if (!a->users[u].nhs)
			continue;
		w++;
		n += a->users[u].found_line != 0;
	}
	if (with_hs)
		*with_hs = w;
	return n;
}

int pa_wordlist_run(pa_audit *a)
{
	wl_run r;
	FILE *fp;
	size_t have = 0, targets = 0;
	uint64_t line = 0;
	int skipping = 0, rc = 0, term = isatty(2);
	pthread_t th;
	double t0 = now_s(), next = t0 + 0.5;
	const char *after = getenv("PPTP_ANALYZE_PROGRESS_AFTER"); /* as progress.c: the first line after this many seconds */

	memset(&r, 0, sizeof r);
	r.a = a;
	a->wl_ran = 1;
	if (after && *after)
		next = t0 + atof(after);
	if (!(fp = fopen(a->wordlist, "r"))) {
		snprintf(a->wl_error, sizeof a->wl_error, "%s: cannot open the wordlist: %s", a->wordlist, strerror(errno));
		return -1;
	}
	r.pr = calloc(a->nhs ? a->nhs : 1, sizeof *r.pr);
	r.buf = malloc(WL_BLOCK + 1);
	r.start = malloc(WL_MAX_LINES * sizeof *r.start);
	r.lineno = malloc(WL_MAX_LINES * sizeof *r.lineno);
	if (!r.pr || !r.buf || !r.start || !r.lineno) {
		snprintf(a->wl_error, sizeof a->wl_error, "%s: out of memory", a->wordlist);
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < a->nhs; i++) {
		const pa_hs *h = &a->hs[i];
		prep *p = &r.pr[i];
		p->k3[0] = p->k3[1] = p->k3[2] = p->lm_k3 = -1;
		if (h->method == PA_HS_MSCHAPV1) {
			p->k3[0] = find_k3(h->chal, h->nt_resp + 16);
			if (h->has_lm)
				p->lm_k3 = find_k3(h->chal, h->lm_resp + 16);
			r.need_nt = 1;
			r.need_lm |= h->has_lm;
		} else if (h->method == PA_HS_MSCHAPV2) {
			p->k3[0] = find_k3(h->v2hash[0], h->nt_resp + 16);
			p->k3[1] = memcmp(h->v2hash[0], h->v2hash[1], 8) ? find_k3(h->v2hash[1], h->nt_resp + 16) : p->k3[0];
			r.need_nt = 1;
		}
	}
	users_found(a, &targets);
	if (!targets)
		goto out; /* nothing to try the words against */
	for (int i = 0; i < WL_THREADS; i++)
		if (pt_md4_open(&r.md4[i]) != PT_OK) {
			snprintf(a->wl_error, sizeof a->wl_error, "%s: MD4 is not available (libgcrypt in FIPS mode?)", a->wordlist);
			rc = -1;
			goto out;
		}
	pthread_mutex_init(&r.mu, NULL);
	pthread_barrier_init(&r.go, NULL, WL_THREADS);
	pthread_barrier_init(&r.done, NULL, WL_THREADS);
	if (pthread_create(&th, NULL, worker, &r) != 0) {
		snprintf(a->wl_error, sizeof a->wl_error, "%s: cannot start a thread", a->wordlist);
		rc = -1;
		goto out_sync;
	}
	for (;;) {
		size_t got = fread(r.buf + have, 1, WL_BLOCK - have, fp), end, pos = 0;
		int eof = got == 0;
		have += got;
		end = have;
		r.nlines = 0;
		if (eof && have && r.buf[have - 1] != '\n')
			r.buf[have++] = '\n'; /* the last line without its newline */
		while (pos < have && r.nlines < WL_MAX_LINES) {
			char *nl = memchr(r.buf + pos, '\n', have - pos);
			size_t l;
			if (!nl)
				break;
			l = (size_t)(nl - (r.buf + pos));
			*nl = 0;
			line++;
			if (l && r.buf[pos + l - 1] == '\r')
				r.buf[pos + --l] = 0;
			if (skipping || l == 0 || l > PT_MSCHAP_PW_MAX) {
				a->wl_skipped++;
				skipping = 0;
			} else {
				r.start[r.nlines] = pos;
				r.lineno[r.nlines++] = line;
			}
			pos += (size_t)(nl - (r.buf + pos)) + 1;
		}
		end = pos;
		if (r.nlines) {
			pthread_barrier_wait(&r.go);
			work(&r, 0);
			pthread_barrier_wait(&r.done);
		}
		/* the unfinished line moves to the front; one longer than the block is skipped */
		if (end == 0 && have == WL_BLOCK) {
			skipping = 1;
			have = 0;
		} else {
			memmove(r.buf, r.buf + end, have - end);
			have -= end;
		}
		if (term && now_s() >= next) {
			double el = now_s() - t0;
			fprintf(stderr, "\rpptp-analyze: wordlist: %llu words, %.0f/s, %zu of %zu users found ",
				(unsigned long long)(r.tried[0] + r.tried[1]), el > 0 ? (double)(r.tried[0] + r.tried[1]) / el : 0.0,
				users_found(a, NULL), targets);
			next = now_s() + 0.5;
		}
		if (users_found(a, NULL) == targets || (eof && !have))
			break;
		if (ferror(fp)) {
			snprintf(a->wl_error, sizeof a->wl_error, "%s: read error: %s", a->wordlist, strerror(errno));
			rc = -1;
			break;
		}
	}
	r.quit = 1;
	pthread_barrier_wait(&r.go);
	pthread_join(th, NULL);
	if (term)
		fputs("\r\033[K", stderr);
out_sync:
	pthread_barrier_destroy(&r.go);
	pthread_barrier_destroy(&r.done);
	pthread_mutex_destroy(&r.mu);
out:
	a->wl_words = r.tried[0] + r.tried[1];
	a->wl_seconds = now_s() - t0;
	if (r.buf) {
		explicit_bzero(r.buf, WL_BLOCK + 1);
		free(r.buf);
	}
	free(r.start);
	free(r.lineno);
	for (int i = 0; i < WL_THREADS; i++)
		pt_md_close(&r.md4[i]);
	free(r.pr);
	fclose(fp);
	return rc;
}
