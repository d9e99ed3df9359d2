/* progress.h: pptp-analyze's progress line on a terminal (percent of the file, packets/s, time left). */
#ifndef PA_PROGRESS_H
#define PA_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct pa_progress {
	FILE *term;          /* where the line goes (stderr), NULL = off */
	int shown;           /* a line is on the terminal, to be cleared */
	int64_t t0_ns;       /* start, CLOCK_MONOTONIC */
	int64_t next_ns;     /* no line before this */
	const char *name;    /* the capture */
} pa_progress;

/* Turn the line on when enabled and term is a terminal: the first line after PPTP_ANALYZE_PROGRESS_AFTER
 * seconds (default 1, so short runs stay silent), then four a second. */
void pa_progress_start(pa_progress *p, FILE *term, const char *name, int enabled);

/* After each packet: offset and size in bytes of the file (size 0: not known, as for standard input). */
void pa_progress_tick(pa_progress *p, uint64_t packets, int64_t offset, int64_t size);

/* Clear the line, so what follows starts on a clean line. */
void pa_progress_end(pa_progress *p);

#endif
