/* fuzz.h: what every harness in tests/fuzz shares: the libFuzzer entry points, an input reader, a checking sink. */
#ifndef FZ_FUZZ_H
#define FZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "rules.h"

/*
 * libFuzzer calls these; so does standalone.c (the replay driver built with
 * gcc, which AFL++ can also drive), so a harness never has a main() of its own.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * The input as a stream of small fields.  Reads past the end give zeros and
 * empty chunks, so every input means something and the harness never fails
 * on its own account.
 */
typedef struct fz_in {
	const uint8_t *p, *end;
} fz_in;

static inline fz_in fz_init(const uint8_t *data, size_t size)
{
	fz_in in;
	in.p = data;
	in.end = data + size;
	return in;
}

static inline size_t fz_left(const fz_in *in) { return (size_t)(in->end - in->p); }

static inline uint8_t fz_u8(fz_in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static inline uint16_t fz_u16(fz_in *in)
{
	uint16_t hi = fz_u8(in);
	return (uint16_t)(hi << 8 | fz_u8(in));
}

static inline uint32_t fz_u32(fz_in *in)
{
	uint32_t hi = fz_u16(in);
	return hi << 16 | fz_u16(in);
}

/*
 * A chunk: a 16-bit big-endian length, then that many octets (fewer when the
 * input ends first).  The octets are copied into a buffer of exactly that
 * size, so ASan sees a parser that reads one octet past its unit; free it.
 * Never NULL, even when empty (a cursor over NULL is undefined behaviour).
 */
static inline uint8_t *fz_chunk(fz_in *in, size_t max, size_t *len)
{
	size_t n = fz_u16(in);
	uint8_t *b;

	if (n > fz_left(in))
		n = fz_left(in);
	if (n > max)
		n = max;
	*len = n;
	b = malloc(n ? n : 1);
	if (!b)
		abort();
	memcpy(b, in->p, n);
	in->p += n;
	return b;
}

/* The same for the rest of the input. */
static inline uint8_t *fz_rest(fz_in *in, size_t *len)
{
	size_t n = fz_left(in);
	uint8_t *b;

	*len = n;
	b = malloc(n ? n : 1);
	if (!b)
		abort();
	memcpy(b, in->p, n);
	in->p = in->end;
	return b;
}

/* Read every octet the library hands back, so ASan checks the whole range. */
static inline unsigned fz_touch(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	unsigned s = 0;
	for (size_t i = 0; i < n; i++)
		s += b[i];
	return s;
}

/* Stop at once: a broken invariant is a bug even when no sanitizer sees it. */
#define FZ_ASSERT(cond)                                                                                              \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);                    \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

/* A sink that checks each finding: a known rule, a terminated message of sane length. */
static inline void fz_on_finding(void *user, const pt_finding *f)
{
	size_t n = strnlen(f->msg, sizeof f->msg);

	(void)user;
	FZ_ASSERT(f->rule >= 0 && f->rule < PT_R__COUNT);
	FZ_ASSERT(n < sizeof f->msg);
	FZ_ASSERT(pt_rule_get(f->rule) != NULL);
	fz_touch(f->msg, n);
}

static inline pt_sink fz_sink(void)
{
	pt_sink s;
	s.fn = fz_on_finding;
	s.user = NULL;
	return s;
}

static inline pt_where fz_where(uint64_t pkt, int64_t ts_us, int dir)
{
	pt_where w;
	memset(&w, 0, sizeof w);
	w.pkt = pkt;
	w.ts_us = ts_us;
	w.call = -1;
	w.dir = dir;
	return w;
}

#endif
