/* ladder.h: the message sequence of each PPTP session as a picture (text ladder, SVG), built from the tunnel's
 * decode lines and findings; pure code: the caller hands it the events and receives the picture through a writer. */
#ifndef PT_LADDER_H
#define PT_LADDER_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "tunnel.h"

typedef struct pt_ladder pt_ladder;

typedef struct pt_ladder_cfg {
	size_t max_sessions;   /* sessions drawn (0 = 64); later ones are counted */
	size_t max_arrows;     /* arrows kept per session (0 = 240): the first 3/4 and the last 1/4, the middle counted */
} pt_ladder_cfg;

/* The picture goes out through this: n octets of s (not NUL-terminated). */
typedef void (*pt_ladder_out)(void *user, const char *s, size_t n);

pt_ladder *pt_ladder_new(const pt_ladder_cfg *cfg);
void pt_ladder_free(pt_ladder *l);

/* The tunnel's events, as pt_tunnel_hooks delivers them (on_decode lines, on_finding). */
void pt_ladder_decode(pt_ladder *l, const pt_where *at, const char *line);
void pt_ladder_finding(pt_ladder *l, const pt_finding *f);
/* The input is over (before the front end closes what is open and calls pt_tunnel_finish): the findings of
 * that last word, dated at the last packet, go on a note that ends their session instead of on that packet. */
void pt_ladder_eof(pt_ladder *l);
/* After pt_tunnel_finish: the ends' addresses and the TCP teardown, from the model.  t may be NULL. */
void pt_ladder_finish(pt_ladder *l, const pt_tunnel *t);
/* A line shown above the picture (pptp-conform: the scenario and why it failed); copied. */
void pt_ladder_title(pt_ladder *l, const char *title);

/* Render.  The text ladder is plain ASCII; the SVG is a standalone document (every text XML-escaped). */
void pt_ladder_text(const pt_ladder *l, pt_ladder_out out, void *user);
void pt_ladder_svg(const pt_ladder *l, pt_ladder_out out, void *user);

/* Counts for tests and callers: sessions drawn, arrows drawn over all sessions, findings placed on arrows. */
size_t pt_ladder_nsessions(const pt_ladder *l);

/* The short label the ladder draws for one decode line ("LCP Conf-Req MRU=1400 Auth=MS-CHAPv2"); kind out:
 * 0 not drawn, 1 control message, 2 PPP control, 3 data frame. */
int pt_ladder_label(const char *line, char *buf, size_t cap);

#endif
