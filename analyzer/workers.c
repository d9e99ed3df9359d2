/* workers.c: decryption threads for pptp-analyze (issue 22 part 3): one bounded ring per worker, a direction's jobs on
 * one worker in order (RFC 3078 7-8: its RC4 and coherency state is sequential), results applied in capture order. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mppc.h"
#include "opts.h"
#include "workers.h"

/*
 * Bounds.  Each worker has WK_SLOTS jobs and WK_ARENA octets (a job takes its frame, the plaintext and, when it is
 * compressed, the 8 KiB MPPC history bound): the reading thread waits when either is full.  Findings and inner
 * frames held behind unapplied jobs are bounded by WK_HOLD_MAX octets between packets (one packet may add its own).
 */
#define WK_SLOTS 512u
#define WK_ARENA (2u << 20)
#define WK_BIG 16384u            /* a frame above this runs on the reading thread, after everything before it */
#define WK_HOLD_MAX (4u << 20)
#define WK_BATCH 8u              /* a sleeping worker is woken once this many jobs wait for it (or someone waits) */
#define WK_LOW 32u                /* a worker thread with fewer jobs waiting takes a new direction */
#define WK_HIGH 128u              /* ... with more, the reading thread takes its directions over */
#define WK_SPIN 256u              /* pauses before a thread sleeps */

typedef struct wk_slot {
	pt_mppe_job job;
	uint8_t *out, *zout;
	uint32_t consumed;           /* arena octets, with what a wrap skipped */
} wk_slot;

typedef struct wk {
	pa_workers *w;
	pthread_t th;
	int started;
	wk_slot *slots;
	uint8_t *arena;
	/* the reading thread's alone */
	uint64_t head;               /* next slot to apply */
	uint64_t put;                /* slots handed out (tail's value) */
	size_t aput, aused;
	/* shared: seq_cst, so that a flag stored and the other side's counter loaded never both miss (no lost wake-up) */
	atomic_uint_fast64_t tail;   /* slots handed out */
	atomic_uint_fast64_t done;   /* slots run */
	atomic_uint_fast64_t want;   /* the reading thread sleeps until done > want */
	atomic_int sleeping;         /* the worker waits for tail to move */
	atomic_int waiting;          /* the reading thread waits for done to pass want */
	atomic_int stop;
	sem_t work;                  /* posted to wake the worker */
	sem_t ready;                 /* posted to wake the reading thread */
} wk;

enum { E_JOB, E_FINDING, E_INNER };

typedef struct wk_ent {
	uint8_t kind;
	uint8_t worker;
	uint64_t seq;                /* E_JOB: the worker's slot */
	void *held;                  /* E_FINDING: a pt_finding; E_INNER: a held_inner and its octets */
	size_t held_len;
} wk_ent;

typedef struct held_inner {
	pt_where at;
	uint16_t proto;
	size_t len;
	uint8_t data[];
} held_inner;

typedef struct wk_dir {
	uint8_t worker;
	uint32_t n;                  /* jobs handed out, not yet applied */
	uint64_t last;               /* the worker's slot of its latest job */
} wk_dir;

struct pa_workers {
	pa_workers_out out;
	int n;
	wk *wk;
	wk_ent *q;                   /* the order queue: a ring that grows */
	size_t qcap, qhead, qlen;
	size_t held_bytes;
	int applying;                /* an entry is being handed back: its outputs go straight on */
	wk_dir *dirs;                /* by call * 2 + direction */
	size_t ndirs;
	uint8_t *scratch;            /* jobs run on the reading thread */
};

/* ---- the worker ---- */

/* A few microseconds of looking before sleeping: when the reading thread is busy it hands out a job every one or two. */
static void spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void *worker_main(void *arg)
{
	wk *k = arg;
	uint64_t d = 0;

	for (;;) {
		if (atomic_load(&k->tail) == d) {
			for (unsigned i = 0; i < WK_SPIN && atomic_load_explicit(&k->tail, memory_order_relaxed) == d; i++)
				spin_pause();
			if (atomic_load(&k->tail) != d)
				continue;
			if (atomic_load(&k->stop))
				return NULL;
			/* sleeping, then tail: the reading thread stores tail, then reads sleeping; one of us sees the other */
			atomic_store(&k->sleeping, 1);
			if (atomic_load(&k->tail) == d && !atomic_load(&k->stop))
				while (sem_wait(&k->work) != 0 && errno == EINTR)
					;
			atomic_store(&k->sleeping, 0);
			continue;
		}
		{
			wk_slot *s = &k->slots[d % WK_SLOTS];
			pt_tunnel_job_run(&s->job, s->out, s->zout);
		}
		d++;
		atomic_store(&k->done, d);
		if (atomic_load(&k->waiting) && d > atomic_load(&k->want)) {
			int one = 1;
			if (atomic_compare_exchange_strong(&k->waiting, &one, 0))
				sem_post(&k->ready);
		}
	}
}

static void wake(wk *k)
{
	int one = 1;

	if (atomic_load(&k->sleeping) && atomic_compare_exchange_strong(&k->sleeping, &one, 0))
		sem_post(&k->work);
}

/* The reading thread: until slot seq has run (and, as it sleeps anyway, a few more). */
static void wait_done(wk *k, uint64_t seq)
{
	uint64_t want;

	for (unsigned i = 0; i < WK_SPIN && atomic_load_explicit(&k->done, memory_order_relaxed) <= seq; i++)
		spin_pause();
	if (atomic_load(&k->done) > seq)
		return;
	want = seq + WK_BATCH < k->put ? seq + WK_BATCH : k->put - 1;
	wake(k);
	for (;;) {
		/* want and waiting, then done: the worker stores done, then reads waiting */
		atomic_store(&k->want, want);
		atomic_store(&k->waiting, 1);
		if (atomic_load(&k->done) > want)
			break;
		while (sem_wait(&k->ready) != 0 && errno == EINTR)
			;
	}
	atomic_store(&k->waiting, 0);
}

/* ---- start and stop ---- */

static void stop_all(pa_workers *w)
{
	for (int i = 0; i < w->n; i++) {
		wk *k = &w->wk[i];
		if (!k->started)
			continue;
		atomic_store(&k->stop, 1);
		sem_post(&k->work);
		pthread_join(k->th, NULL);
		k->started = 0;
	}
}

void pa_workers_free(pa_workers *w)
{
	if (!w)
		return;
	stop_all(w);
	for (int i = 0; i < w->n; i++) {
		wk *k = &w->wk[i];
		sem_destroy(&k->work);
		sem_destroy(&k->ready);
		free(k->slots);
		free(k->arena);
	}
	for (size_t i = 0; i < w->qlen; i++) {
		wk_ent *e = &w->q[(w->qhead + i) % w->qcap];
		if (e->kind != E_JOB)
			free(e->held);
	}
	free(w->wk);
	free(w->q);
	free(w->dirs);
	free(w->scratch);
	free(w);
}

pa_workers *pa_workers_start(int n, const pa_workers_out *out, char *err, size_t errlen)
{
	pa_workers *w;
	int rc;

	if (n < 2 || n > PA_MAX_THREADS) {
		snprintf(err, errlen, "cannot decrypt on %d threads (2 to %d)", n, PA_MAX_THREADS);
		return NULL;
	}
	if (!(w = calloc(1, sizeof *w)) || !(w->wk = calloc((size_t)n, sizeof *w->wk)) ||
	    !(w->scratch = malloc(PT_TUNNEL_DECRYPT_CAP + PT_MPPC_HIST)) || !(w->q = malloc(1024 * sizeof *w->q))) {
		snprintf(err, errlen, "cannot start decryption threads: out of memory");
		if (w) {
			free(w->wk);
			free(w->scratch);
			free(w);
		}
		return NULL;
	}
	w->out = *out;
	w->qcap = 1024;
	w->n = n;
	for (int i = 0; i < n; i++) {
		wk *k = &w->wk[i];
		k->w = w;
		atomic_init(&k->tail, 0);
		atomic_init(&k->done, 0);
		atomic_init(&k->want, 0);
		atomic_init(&k->sleeping, 0);
		atomic_init(&k->waiting, 0);
		atomic_init(&k->stop, 0);
		sem_init(&k->work, 0, 0);
		sem_init(&k->ready, 0, 0);
	}
	for (int i = 0; i < n; i++) {
		wk *k = &w->wk[i];
		if (!(k->slots = calloc(WK_SLOTS, sizeof *k->slots)) || !(k->arena = malloc(WK_ARENA))) {
			snprintf(err, errlen, "cannot start decryption threads: out of memory");
			pa_workers_free(w);
			return NULL;
		}
		if (i == 0)
			continue; /* the reading thread itself */
		if ((rc = pthread_create(&k->th, NULL, worker_main, k)) != 0) {
			snprintf(err, errlen, "cannot start decryption threads: %s", strerror(rc));
			pa_workers_free(w);
			return NULL;
		}
		k->started = 1;
	}
	return w;
}

int pa_workers_count(const pa_workers *w)
{
	return w ? w->n : 0;
}

/* ---- the order queue ---- */

/* Room for one more entry. */
static int q_room(pa_workers *w)
{
	size_t ncap;
	wk_ent *nq;

	if (w->qlen < w->qcap)
		return 0;
	ncap = w->qcap * 2;
	if (!(nq = malloc(ncap * sizeof *nq)))
		return -1;
	for (size_t i = 0; i < w->qlen; i++)
		nq[i] = w->q[(w->qhead + i) % w->qcap];
	free(w->q);
	w->q = nq;
	w->qcap = ncap;
	w->qhead = 0;
	return 0;
}

static int q_push(pa_workers *w, const wk_ent *e)
{
	if (q_room(w) != 0)
		return -1;
	w->q[(w->qhead + w->qlen) % w->qcap] = *e;
	w->qlen++;
	return 0;
}

/* Hand back the oldest entry; without block, only if it is ready.  1 if one was handed back. */
static int apply_head(pa_workers *w, int block)
{
	wk_ent e;

	if (!w->qlen)
		return 0;
	e = w->q[w->qhead];
	if (e.kind == E_JOB) {
		wk *k = &w->wk[e.worker];
		wk_slot *s = &k->slots[e.seq % WK_SLOTS];
		if (e.worker && atomic_load(&k->done) <= e.seq) {
			if (!block)
				return 0;
			wait_done(k, e.seq);
		}
		w->qhead = (w->qhead + 1) % w->qcap;
		w->qlen--;
		w->applying = 1;
		w->out.apply(w->out.user, &s->job);
		w->applying = 0;
		w->dirs[(size_t)s->job.call * 2 + s->job.dir].n--;
		k->head++;
		k->aused -= s->consumed;
		if (k->head == k->put)
			k->aput = k->aused = 0; /* empty: start the arena over, no wrap needed */
		return 1;
	}
	w->qhead = (w->qhead + 1) % w->qcap;
	w->qlen--;
	w->held_bytes -= e.held_len;
	w->applying = 1;
	if (e.kind == E_FINDING) {
		w->out.finding(w->out.user, e.held);
	} else {
		const held_inner *h = e.held;
		w->out.inner(w->out.user, &h->at, h->proto, h->data, h->len);
	}
	w->applying = 0;
	free(e.held);
	return 1;
}

void pa_workers_sync(pa_workers *w, int32_t call)
{
	size_t i;

	if (call < 0) {
		while (w->qlen)
			apply_head(w, 1);
		return;
	}
	i = (size_t)call * 2;
	if (i + 1 >= w->ndirs)
		return;
	while (w->dirs[i].n || w->dirs[i + 1].n)
		apply_head(w, 1);
}

void pa_workers_poll(pa_workers *w)
{
	while (apply_head(w, 0))
		;
	if (w->held_bytes > WK_HOLD_MAX)
		pa_workers_sync(w, -1);
}

void pa_workers_kick(pa_workers *w)
{
	for (int i = 1; i < w->n; i++)
		if (w->wk[i].put != (uint64_t)atomic_load(&w->wk[i].done))
			wake(&w->wk[i]);
}

int pa_workers_holding(const pa_workers *w)
{
	return w->qlen && !w->applying;
}

/* Holding failed (no memory): everything before it is applied at once, so the output may go straight on. */
static void hold_failed(pa_workers *w)
{
	pa_workers_sync(w, -1);
}

void pa_workers_hold_finding(pa_workers *w, const pt_finding *f)
{
	wk_ent e;
	pt_finding *c = malloc(sizeof *c);

	memset(&e, 0, sizeof e);
	e.kind = E_FINDING;
	e.held = c;
	e.held_len = sizeof *c;
	if (c) {
		*c = *f;
		if (q_push(w, &e) == 0) {
			w->held_bytes += e.held_len;
			return;
		}
		free(c);
	}
	hold_failed(w);
	w->applying = 1;
	w->out.finding(w->out.user, f);
	w->applying = 0;
}

void pa_workers_hold_inner(pa_workers *w, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len)
{
	wk_ent e;
	held_inner *h = malloc(sizeof *h + len);

	memset(&e, 0, sizeof e);
	e.kind = E_INNER;
	e.held = h;
	e.held_len = sizeof *h + len;
	if (h) {
		h->at = *at;
		h->proto = proto;
		h->len = len;
		if (len)
			memcpy(h->data, data, len);
		if (q_push(w, &e) == 0) {
			w->held_bytes += e.held_len;
			return;
		}
		free(h);
	}
	hold_failed(w);
	w->applying = 1;
	w->out.inner(w->out.user, at, proto, data, len);
	w->applying = 0;
}

/* ---- handing out ---- */

static int dirs_fit(pa_workers *w, size_t i)
{
	size_t n;
	wk_dir *nd;

	if (i < w->ndirs)
		return 0;
	n = w->ndirs ? w->ndirs : 64;
	while (n <= i)
		n *= 2;
	if (!(nd = realloc(w->dirs, n * sizeof *nd)))
		return -1;
	memset(nd + w->ndirs, 0, (n - w->ndirs) * sizeof *nd);
	w->dirs = nd;
	w->ndirs = n;
	return 0;
}

/* Contiguous octets in the worker's arena, or -1 (full now). */
static int arena_take(wk *k, size_t need, size_t *off, uint32_t *consumed)
{
	if (k->aput + need > WK_ARENA) {
		size_t pad = WK_ARENA - k->aput;
		if (k->aused + pad + need > WK_ARENA)
			return -1;
		*off = 0;
		*consumed = (uint32_t)(pad + need);
		k->aput = need;
	} else {
		if (k->aused + need > WK_ARENA)
			return -1;
		*off = k->aput;
		*consumed = (uint32_t)need;
		k->aput += need;
	}
	k->aused += *consumed;
	return 0;
}

/* Too big for the rings, or no memory for the bookkeeping: after everything before it, on this thread. */
static void run_here(pa_workers *w, const pt_mppe_job *j)
{
	pt_mppe_job c = *j;

	pa_workers_sync(w, -1);
	pt_tunnel_job_run(&c, w->scratch, w->scratch + PT_TUNNEL_DECRYPT_CAP);
	w->applying = 1;
	w->out.apply(w->out.user, &c);
	w->applying = 0;
}

static uint64_t backlog(wk *k)
{
	return k->put - (uint64_t)atomic_load(&k->done);
}

/*
 * Who decrypts this frame.  A direction's jobs run in order: while a worker thread still has one of its jobs to run,
 * the next goes to that thread too, unless that thread is far behind (WK_HIGH jobs waiting): then the reading thread
 * waits until the direction's last job there has run and takes the direction over (the thread was the bottleneck;
 * it gets lighter).  A direction with nothing left to run goes to the least busy worker thread while it has fewer
 * than WK_LOW jobs waiting, else to the reading thread, which decrypts it at once, straight from the packet: the
 * threads are kept fed, and the reading thread decrypts what they cannot take.
 */
static int choose(pa_workers *w, const wk_dir *d)
{
	int best = 1;

	if (d->n && d->worker) {
		wk *k = &w->wk[d->worker];
		if ((uint64_t)atomic_load(&k->done) <= d->last) {
			if (backlog(k) < WK_HIGH)
				return d->worker;
			wait_done(k, d->last);
			return 0;
		}
	}
	for (int i = 2; i < w->n; i++)
		if (backlog(&w->wk[i]) < backlog(&w->wk[best]))
			best = i;
	return backlog(&w->wk[best]) < WK_LOW ? best : 0;
}

void pa_workers_submit(pa_workers *w, const pt_mppe_job *j)
{
	size_t di = (size_t)j->call * 2 + j->dir, off = 0, need;
	uint32_t consumed = 0;
	wk_dir *d;
	wk_slot *s;
	wk_ent e;
	wk *k;
	int best;

	if (j->call < 0 || j->dir > 1 || j->in_len > WK_BIG || j->out_cap > WK_BIG || j->z_cap > PT_MPPC_HIST ||
	    dirs_fit(w, di) != 0 || q_room(w) != 0) {
		run_here(w, j);
		return;
	}
	d = &w->dirs[di];
	best = choose(w, d);
	k = &w->wk[best];
	/* on this thread: the frame is decrypted now; only the plaintext waits (when something waits before it) */
	need = (best ? j->in_len : 0) + j->out_cap + j->z_cap;
	/* full: apply what came before until there is room (this worker's oldest job is in the queue, so this ends;
	 * applying only takes entries out, so the room in the queue stays) */
	while (w->qlen && (k->put - k->head >= WK_SLOTS || arena_take(k, need, &off, &consumed) != 0))
		apply_head(w, 1);
	if (!w->qlen && !best) {
		/* nothing before it: decrypt and apply at once, as on one thread */
		run_here(w, j);
		return;
	}
	if (!w->qlen && arena_take(k, need, &off, &consumed) != 0) {
		run_here(w, j);
		return;
	}
	memset(&e, 0, sizeof e);
	e.kind = E_JOB;
	e.worker = (uint8_t)best;
	e.seq = k->put;
	(void)q_push(w, &e);
	s = &k->slots[k->put % WK_SLOTS];
	s->job = *j;
	s->consumed = consumed;
	d->worker = (uint8_t)best;
	d->last = k->put;
	d->n++;
	k->put++;
	if (!best) {
		s->out = k->arena + off;
		s->zout = s->out + j->out_cap;
		pt_tunnel_job_run(&s->job, s->out, s->zout);
		return;
	}
	memcpy(k->arena + off, j->in, j->in_len);
	s->job.in = k->arena + off;
	s->out = k->arena + off + j->in_len;
	s->zout = s->out + j->out_cap;
	atomic_store(&k->tail, k->put);
	if (k->put - atomic_load(&k->done) >= WK_BATCH)
		wake(k);
}
