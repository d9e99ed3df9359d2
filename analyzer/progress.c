/* progress.c: the progress line on stderr for long runs (percent of the file, packets/s, time left), only on a
 * terminal: redrawn in place with CR and erase-to-end-of-line (ECMA-48 EL), cleared at the end. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define NS 1000000000LL

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

void pa_progress_start(pa_progress *p, FILE *term, const char *name, int enabled)
{
	const char *after = getenv("PPTP_ANALYZE_PROGRESS_AFTER");
	double delay = 1.0;

	p->term = enabled && term && isatty(fileno(term)) ? term : NULL;
	p->shown = 0;
	p->name = name;
	if (!p->term)
		return;
	if (after && *after) {
		char *end;
		double d = strtod(after, &end);
		if (!*end && d >= 0 && d < 86400)
			delay = d;
	}
	p->t0_ns = now_ns();
	p->next_ns = p->t0_ns + (int64_t)(delay * NS);
}

static void bytes(char *buf, size_t n, int64_t b)
{
	if (b >= 10LL << 30)
		snprintf(buf, n, "%lld GiB", (long long)(b >> 30));
	else if (b >= 10LL << 20)
		snprintf(buf, n, "%lld MiB", (long long)(b >> 20));
	else
		snprintf(buf, n, "%lld KiB", (long long)(b >> 10));
}

void pa_progress_tick(pa_progress *p, uint64_t packets, int64_t offset, int64_t size)
{
	int64_t t;
	double secs, rate;

	if (!p->term)
		return;
	t = now_ns();
	if (t < p->next_ns)
		return;
	p->next_ns = t + NS / 4;
	secs = (double)(t - p->t0_ns) / NS;
	rate = secs > 0 ? (double)packets / secs : 0;
	fprintf(p->term, "\rpptp-analyze: %s: ", p->name);
	if (size > 0 && offset >= 0 && offset <= size) {
		char done[32], all[32];
		bytes(done, sizeof done, offset);
		bytes(all, sizeof all, size);
		fprintf(p->term, "%d%% (%s of %s), ", (int)(100.0 * (double)offset / (double)size), done, all);
	}
	fprintf(p->term, "%llu packets, %.0f packets/s", (unsigned long long)packets, rate);
	if (size > 0 && offset > 0 && offset <= size && secs > 0) {
		double left = (double)(size - offset) / ((double)offset / secs);
		if (left >= 3600)
			fprintf(p->term, ", %dh%02dm left", (int)(left / 3600), (int)(left / 60) % 60);
		else if (left >= 60)
			fprintf(p->term, ", %dm%02ds left", (int)(left / 60), (int)left % 60);
		else
			fprintf(p->term, ", %d s left", (int)(left + 0.5));
	}
	fputs("\033[K", p->term);
	fflush(p->term);
	p->shown = 1;
}

void pa_progress_end(pa_progress *p)
{
	if (p->term && p->shown) {
		fputs("\r\033[K", p->term);
		fflush(p->term);
	}
	p->shown = 0;
}
