/* cursor.h: the one bounds-checked reader (and writer) every parser in lib/ uses. */
#ifndef PT_CURSOR_H
#define PT_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Error codes shared by all of lib/.  "Truncated" (fewer bytes captured than
 * the unit needs) and "invalid" (a field says something impossible) are kept
 * apart on purpose: reports show them differently.
 */
enum pt_err {
	PT_OK = 0,
	PT_ETRUNC = -1,   /* ran out of captured bytes */
	PT_EINVAL = -2,   /* a field holds an impossible value */
	PT_ENOSPC = -3,   /* writer: output buffer too small */
	PT_EUNSUP = -4,   /* well formed but not something we handle */
	PT_ENOMEM = -5,   /* a cap was reached */
	PT_ESTATE = -6    /* not valid in the current state */
};

const char *pt_strerror(int err);

/* An intended fall-through between switch labels (gcc and clang both check them). */
#define PT_FALLTHROUGH __attribute__((fallthrough))

/* A read-only window [p, end) over packet bytes; base marks offset 0. */
typedef struct pt_cursor {
	const uint8_t *base;
	const uint8_t *p;
	const uint8_t *end;
} pt_cursor;

static inline pt_cursor pt_cur(const void *buf, size_t len)
{
	pt_cursor c;
	c.base = (const uint8_t *)buf;
	c.p = c.base;
	c.end = c.base + len;
	return c;
}

static inline size_t pt_left(const pt_cursor *c) { return (size_t)(c->end - c->p); }
static inline size_t pt_off(const pt_cursor *c) { return (size_t)(c->p - c->base); }

static inline int pt_need(const pt_cursor *c, size_t n)
{
	return pt_left(c) >= n ? PT_OK : PT_ETRUNC;
}

static inline int pt_get_u8(pt_cursor *c, uint8_t *v)
{
	if (pt_left(c) < 1)
		return PT_ETRUNC;
	*v = c->p[0];
	c->p += 1;
	return PT_OK;
}

static inline int pt_get_u16(pt_cursor *c, uint16_t *v)
{
	if (pt_left(c) < 2)
		return PT_ETRUNC;
	*v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	return PT_OK;
}

static inline int pt_get_u32(pt_cursor *c, uint32_t *v)
{
	if (pt_left(c) < 4)
		return PT_ETRUNC;
	*v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) |
	     ((uint32_t)c->p[2] << 8) | (uint32_t)c->p[3];
	c->p += 4;
	return PT_OK;
}

/* Peek without consuming. */
static inline int pt_peek_u8(const pt_cursor *c, size_t at, uint8_t *v)
{
	if (pt_left(c) <= at)
		return PT_ETRUNC;
	*v = c->p[at];
	return PT_OK;
}

static inline int pt_peek_u16(const pt_cursor *c, size_t at, uint16_t *v)
{
	if (pt_left(c) < at + 2 || at + 2 < at)
		return PT_ETRUNC;
	*v = (uint16_t)((c->p[at] << 8) | c->p[at + 1]);
	return PT_OK;
}

/* Borrow n bytes in place (no copy). */
static inline int pt_get_bytes(pt_cursor *c, size_t n, const uint8_t **out)
{
	if (pt_left(c) < n)
		return PT_ETRUNC;
	*out = c->p;
	c->p += n;
	return PT_OK;
}

/* Copy n bytes out. */
static inline int pt_copy(pt_cursor *c, void *dst, size_t n)
{
	if (pt_left(c) < n)
		return PT_ETRUNC;
	memcpy(dst, c->p, n);
	c->p += n;
	return PT_OK;
}

static inline int pt_skip(pt_cursor *c, size_t n)
{
	if (pt_left(c) < n)
		return PT_ETRUNC;
	c->p += n;
	return PT_OK;
}

/*
 * Split off a length-delimited unit: sub covers the next n bytes (sharing
 * base, so offsets stay absolute) and the parent moves past them.  When fewer
 * than n bytes were captured, sub covers what there is and PT_ETRUNC is
 * returned; the caller decides whether a partial unit is still worth parsing.
 */
static inline int pt_sub(pt_cursor *c, size_t n, pt_cursor *sub)
{
	sub->base = c->base;
	sub->p = c->p;
	if (pt_left(c) < n) {
		sub->end = c->end;
		c->p = c->end;
		return PT_ETRUNC;
	}
	sub->end = c->p + n;
	c->p += n;
	return PT_OK;
}

/* An empty cursor positioned where c is (an absent optional part of a message). */
static inline pt_cursor pt_cur_empty_at(const pt_cursor *c)
{
	pt_cursor e;
	e.base = c->base;
	e.p = c->p;
	e.end = c->p;
	return e;
}

/* The value of a hexadecimal digit, or -1. */
static inline int pt_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A bounded writer for builders: errors are sticky, check once at the end. */
typedef struct pt_writer {
	uint8_t *base;
	uint8_t *p;
	uint8_t *end;
	int err;
} pt_writer;

static inline pt_writer pt_wr(void *buf, size_t cap)
{
	pt_writer w;
	w.base = (uint8_t *)buf;
	w.p = w.base;
	w.end = w.base + cap;
	w.err = PT_OK;
	return w;
}

static inline size_t pt_wlen(const pt_writer *w) { return (size_t)(w->p - w->base); }

static inline int pt_wroom(pt_writer *w, size_t n)
{
	if (w->err)
		return 0;
	if ((size_t)(w->end - w->p) < n) {
		w->err = PT_ENOSPC;
		return 0;
	}
	return 1;
}

static inline void pt_put_u8(pt_writer *w, uint8_t v)
{
	if (pt_wroom(w, 1))
		*w->p++ = v;
}

static inline void pt_put_u16(pt_writer *w, uint16_t v)
{
	if (pt_wroom(w, 2)) {
		w->p[0] = (uint8_t)(v >> 8);
		w->p[1] = (uint8_t)v;
		w->p += 2;
	}
}

static inline void pt_put_u32(pt_writer *w, uint32_t v)
{
	if (pt_wroom(w, 4)) {
		w->p[0] = (uint8_t)(v >> 24);
		w->p[1] = (uint8_t)(v >> 16);
		w->p[2] = (uint8_t)(v >> 8);
		w->p[3] = (uint8_t)v;
		w->p += 4;
	}
}

static inline void pt_put_bytes(pt_writer *w, const void *src, size_t n)
{
	if (n && pt_wroom(w, n)) {
		memcpy(w->p, src, n);
		w->p += n;
	}
}

static inline void pt_put_zero(pt_writer *w, size_t n)
{
	if (n && pt_wroom(w, n)) {
		memset(w->p, 0, n);
		w->p += n;
	}
}

/* Copy what is left of a cursor into a writer (builders re-emitting parsed parts). */
static inline void pt_put_cursor(pt_writer *w, const pt_cursor *src)
{
	if (src->end > src->p)
		pt_put_bytes(w, src->p, (size_t)(src->end - src->p));
}

/* Patch a big-endian u16 at an absolute offset already written. */
static inline void pt_patch_u16(pt_writer *w, size_t at, uint16_t v)
{
	if (!w->err && at + 2 <= pt_wlen(w)) {
		w->base[at] = (uint8_t)(v >> 8);
		w->base[at + 1] = (uint8_t)v;
	}
}

#endif
