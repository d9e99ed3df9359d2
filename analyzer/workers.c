/* workers.c: decryption threads for pptp-analyze (issue 22 part 3): one bounded ring per worker, a direction's jobs on
 * one worker in order (RFC 3078 7-8: its RC4 and coherency state is sequential), results applied in capture order. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
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
#define WK_SLACK 2000000u         /* ns of work one thread may be ahead of another before a direction moves */
#define WK_BEHIND (WK_SLOTS - WK_SLOTS / 8) /* jobs waiting on a worker thread: it keeps no direction past this, and takes
                                        * no new one past WK_SLOTS / 8 less, rather than fill its ring */
#define WK_PACKET_NS 700u         /* the reading thread's own work on a packet, and a stateful job's */
#define WK_REKEY_NS 1600u         /* a stateless job */
#define WK_BYTE_NS 2u
#define WK_MPPC_NS 3u
#define WK_SPIN 256u              /* pauses before a thread sleeps */

/* A slot, the shared counters and each thread's own fields on cache lines of their own: one core writing its side
 * must not take the line away from the other. */
#define WK_LINE 64

typedef struct wk_slot {
	_Alignas(WK_LINE) pt_mppe_job job;
	uint8_t *out, *zout;
	uint8_t lazy;                /* the reading thread's, not run yet: its direction waits for a worker's job */
	uint64_t next_lazy;          /* the direction's next such job (slot + 1), 0 none */
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
	_Alignas(WK_LINE) atomic_uint_fast64_t tail; /* slots handed out */
	atomic_int sleeping;         /* the worker waits for tail to move */
	_Alignas(WK_LINE) atomic_uint_fast64_t done; /* slots run */
	atomic_uint_fast64_t want;   /* the reading thread sleeps until done > want */
	atomic_int waiting;          /* the reading thread waits for done to pass want */
	atomic_int stop;
	_Alignas(WK_LINE) sem_t work; /* posted to wake the worker */
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
	uint8_t last_lazy;           /* taken over from a worker thread whose last job of it has not run: the reading
	                              * thread's jobs of it wait (lazy_head ... lazy_tail, slot + 1) */
	uint8_t dep_worker;
	uint64_t dep_seq;            /* ... for that job */
	uint64_t lazy_head, lazy_tail;
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
	uint64_t cost[PA_MAX_THREADS]; /* work handed to each thread so far (choose) */
	size_t *lazy_dirs;           /* the directions with last_lazy set */
	size_t nlazy;
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
	free(w->lazy_dirs);
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
	if (!(w = calloc(1, sizeof *w)) || !(w->wk = aligned_alloc(WK_LINE, (size_t)n * sizeof *w->wk)) ||
	    !(w->scratch = malloc(PT_TUNNEL_DECRYPT_CAP + PT_MPPC_HIST)) || !(w->q = malloc(1024 * sizeof *w->q))) {
		snprintf(err, errlen, "cannot start decryption threads: out of memory");
		if (w) {
			free(w->wk);
			free(w->scratch);
			free(w);
		}
		return NULL;
	}
	memset(w->wk, 0, (size_t)n * sizeof *w->wk);
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
		if (!(k->slots = aligned_alloc(WK_LINE, WK_SLOTS * sizeof *k->slots)) || !(k->arena = malloc(WK_ARENA))) {
			snprintf(err, errlen, "cannot start decryption threads: out of memory");
			pa_workers_free(w);
			return NULL;
		}
		if (i == 0)
			continue; /* the reading thread itself */
		{
			/* the workers block SIGINT, SIGTERM and SIGPIPE: they reach the reading thread, whose blocking read they
			 * must interrupt (main.c's handler) */
			sigset_t all, old;
			sigemptyset(&all);
			sigaddset(&all, SIGINT);
			sigaddset(&all, SIGTERM);
			sigaddset(&all, SIGPIPE);
			pthread_sigmask(SIG_BLOCK, &all, &old);
			rc = pthread_create(&k->th, NULL, worker_main, k);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
		if (rc != 0) {
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

/* Run the reading thread's waiting jobs of a direction, in order, once the worker's job they wait for has run. */
static int lazy_ready(pa_workers *w, const wk_dir *d)
{
	return (uint64_t)atomic_load(&w->wk[d->dep_worker].done) > d->dep_seq;
}

static void run_lazy(pa_workers *w, size_t di)
{
	wk_dir *d = &w->dirs[di];
	wk *m = &w->wk[0];

	if (!d->last_lazy)
		return;
	if (!lazy_ready(w, d))
		wait_done(&w->wk[d->dep_worker], d->dep_seq);
	for (uint64_t s1 = d->lazy_head; s1;) {
		wk_slot *s = &m->slots[(s1 - 1) % WK_SLOTS];
		pt_tunnel_job_run(&s->job, s->out, s->zout);
		s->lazy = 0;
		s1 = s->next_lazy;
	}
	d->lazy_head = d->lazy_tail = 0;
	d->last_lazy = 0;
	for (size_t i = 0; i < w->nlazy; i++)
		if (w->lazy_dirs[i] == di) {
			w->lazy_dirs[i] = w->lazy_dirs[--w->nlazy];
			break;
		}
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
		if (s->lazy)
			run_lazy(w, (size_t)s->job.call * 2 + s->job.dir);
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
		/* one wait per thread for all it has, then everything in order */
		for (int t = 1; t < w->n; t++)
			if (w->wk[t].put)
				wait_done(&w->wk[t], w->wk[t].put - 1);
		while (w->qlen)
			apply_head(w, 1);
		return;
	}
	i = (size_t)call * 2;
	if (i + 1 >= w->ndirs)
		return;
	/* one wait for the call's last job on each thread (a thread runs its jobs in order), then apply up to them */
	for (size_t j = i; j < i + 2; j++)
		if (w->dirs[j].n && w->dirs[j].worker)
			wait_done(&w->wk[w->dirs[j].worker], w->dirs[j].last);
	while (w->dirs[i].n || w->dirs[i + 1].n)
		apply_head(w, 1);
}

void pa_workers_poll(pa_workers *w)
{
	for (size_t i = w->nlazy; i-- > 0;)
		if (i < w->nlazy && lazy_ready(w, &w->dirs[w->lazy_dirs[i]]))
			run_lazy(w, w->lazy_dirs[i]);
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
	size_t n, *nl;
	wk_dir *nd;

	if (i < w->ndirs)
		return 0;
	n = w->ndirs ? w->ndirs : 64;
	while (n <= i)
		n *= 2;
	/* lazy_dirs holds each direction at most once */
	if (!(nl = realloc(w->lazy_dirs, n * sizeof *nl)))
		return -1;
	w->lazy_dirs = nl;
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

/* The work a job brings, in nanoseconds on the machine the bench ran on: a stateless packet changes key (SHA-1 and two
 * RC4 key schedules, RFC 3078 7.1), a stateful one rarely; RC4 over the data; MPPC over it once more. */
static uint64_t job_cost(const pt_mppe_job *j)
{
	return (j->stateless ? WK_REKEY_NS : WK_PACKET_NS) + j->in_len * (j->z_cap ? WK_BYTE_NS + WK_MPPC_NS : WK_BYTE_NS);
}

/*
 * Who decrypts this frame.  Each thread is given about the same work (w->cost: what it was handed, the reading
 * thread's own work on every packet included), within WK_SLACK.  A direction's jobs run in order: while a worker thread
 * still has one of its jobs to run, the next goes to that thread too, unless it is WK_SLACK ahead of the reading
 * thread: then the reading thread takes the direction over, its jobs waiting (*lazy) until that last one has run
 * (nobody waits).  A direction the reading thread decrypts goes to the least loaded worker thread when the reading
 * thread is WK_SLACK ahead of it; a direction with nothing left anywhere goes to the least loaded of all.  The reading
 * thread decrypts its own straight from the packet.
 */
static int choose(pa_workers *w, wk_dir *d, int *lazy)
{
	int best = 1;

	*lazy = 0;
	if (d->last_lazy) {
		*lazy = 1;
		return 0;
	}
	if (d->n && d->worker && (uint64_t)atomic_load(&w->wk[d->worker].done) <= d->last) {
		if (w->cost[d->worker] < w->cost[0] + WK_SLACK && backlog(&w->wk[d->worker]) < WK_BEHIND)
			return d->worker;
		d->dep_worker = d->worker;
		d->dep_seq = d->last;
		*lazy = 1;
		return 0;
	}
	for (int i = 2; i < w->n; i++)
		if (w->cost[i] < w->cost[best])
			best = i;
	/* a thread near a full ring (on a loaded machine it gets no CPU) takes nothing new */
	if (backlog(&w->wk[best]) >= WK_BEHIND - WK_SLOTS / 8)
		return 0;
	if (d->n && !d->worker)
		return w->cost[0] > w->cost[best] + WK_SLACK ? best : 0;
	return w->cost[best] < w->cost[0] ? best : 0;
}

void pa_workers_submit(pa_workers *w, const pt_mppe_job *j)
{
	size_t di = (size_t)j->call * 2 + j->dir, off = 0, need;
	uint32_t consumed = 0;
	wk_dir *d;
	wk_slot *s;
	wk_ent e;
	wk *k;
	int best, lazy;

	if (j->call < 0 || j->dir > 1 || j->in_len > WK_BIG || j->out_cap > WK_BIG || j->z_cap > PT_MPPC_HIST ||
	    dirs_fit(w, di) != 0 || q_room(w) != 0) {
		run_here(w, j);
		return;
	}
	d = &w->dirs[di];
	if (d->last_lazy && lazy_ready(w, d))
		run_lazy(w, di);
	best = choose(w, d, &lazy);
	w->cost[0] += WK_PACKET_NS;
	w->cost[best] += job_cost(j);
	k = &w->wk[best];
	/* decrypted now on this thread, only the plaintext waits; otherwise the frame is copied too */
	need = (best || lazy ? j->in_len : 0) + j->out_cap + j->z_cap;
	/* full: apply what came before until there is room (this thread's oldest job is in the queue, so this ends;
	 * applying only takes entries out, so the room in the queue stays) */
	while (w->qlen && (k->put - k->head >= WK_SLOTS || arena_take(k, need, &off, &consumed) != 0))
		apply_head(w, 1);
	if (!w->qlen && !best) {
		/* nothing before it (any waiting job of the direction ran on the way): decrypt and apply at once */
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
	s->lazy = (uint8_t)lazy;
	s->next_lazy = 0;
	d->worker = (uint8_t)best;
	d->last = k->put;
	d->n++;
	k->put++;
	if (!best && !lazy) {
		s->out = k->arena + off;
		s->zout = s->out + j->out_cap;
		pt_tunnel_job_run(&s->job, s->out, s->zout);
		return;
	}
	memcpy(k->arena + off, j->in, j->in_len);
	s->job.in = k->arena + off;
	s->out = k->arena + off + j->in_len;
	s->zout = s->out + j->out_cap;
	if (lazy) {
		/* the direction's chain of waiting jobs; dirs_fit keeps room for every direction in lazy_dirs */
		if (d->lazy_tail)
			k->slots[(d->lazy_tail - 1) % WK_SLOTS].next_lazy = d->last + 1;
		else
			d->lazy_head = d->last + 1;
		d->lazy_tail = d->last + 1;
		if (!d->last_lazy)
			w->lazy_dirs[w->nlazy++] = di;
		d->last_lazy = 1;
		return;
	}
	atomic_store(&k->tail, k->put);
	if (k->put - atomic_load(&k->done) >= WK_BATCH)
		wake(k);
}
