/* workers.h: pptp-analyze's decryption threads (issue 22 part 3): lib/tunnel's MPPE jobs run on worker threads, each
 * direction's jobs in order on one worker, and come back to the reading thread in capture order, with the findings
 * and inner frames that came behind them, so that the output is the same as on one thread. */
#ifndef PA_WORKERS_H
#define PA_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "tunnel.h"

typedef struct pa_workers pa_workers;

/* What the queue hands back on the reading thread, in the order it was handed in. */
typedef struct pa_workers_out {
	void *user;
	void (*apply)(void *user, const pt_mppe_job *j);            /* pt_tunnel_job_apply */
	void (*finding)(void *user, const pt_finding *f);           /* a finding that waited its turn */
	void (*inner)(void *user, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len);
} pa_workers_out;

/* Decrypting on n threads (2 .. PA_MAX_THREADS): the caller (the reading thread) and n - 1 worker threads; NULL and one
 * line in err when they cannot be had (no thread is left). */
pa_workers *pa_workers_start(int n, const pa_workers_out *out, char *err, size_t errlen);
int pa_workers_count(const pa_workers *w);

/* A job from the tunnel's on_job: its octets are copied.  While the worker's ring is full, the reading thread applies
 * what came before (waiting for it): memory stays bounded. */
void pa_workers_submit(pa_workers *w, const pt_mppe_job *j);

/* 1 when a finding or an inner frame must wait behind jobs not yet applied (then hand it to pa_workers_hold_*). */
int pa_workers_holding(const pa_workers *w);
void pa_workers_hold_finding(pa_workers *w, const pt_finding *f);
void pa_workers_hold_inner(pa_workers *w, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len);

/* The tunnel's on_sync: apply, in order, until no job of call is left (call -1: until nothing is left). */
void pa_workers_sync(pa_workers *w, int32_t call);

/* Between packets: apply what is done at the head without waiting; wait while the held outputs exceed their bound. */
void pa_workers_poll(pa_workers *w);

/* Wake every worker that has work (an idle live capture); never waits. */
void pa_workers_kick(pa_workers *w);

/* Stop the threads and free everything; what was not applied is dropped (pa_workers_sync(w, -1) first keeps it). */
void pa_workers_free(pa_workers *w);

#endif
