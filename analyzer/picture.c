/* picture.c: pptp-analyze's pictures (--ladder on stdout, --svg FILE): lib/ladder renders, this file writes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "picture.h"

typedef struct pic_out {
	FILE *f;
	int err;
} pic_out;

static void put(void *user, const char *s, size_t n)
{
	pic_out *o = user;
	if (!o->err && fwrite(s, 1, n, o->f) != n)
		o->err = errno ? errno : EIO;
}

void pa_picture_text(FILE *f, const pt_ladder *l)
{
	pic_out o = { f, 0 };
	pt_ladder_text(l, put, &o);
}

int pa_picture_svg(const char *path, const pt_ladder *l)
{
	pic_out o = { NULL, 0 };
	int to_stdout = !strcmp(path, "-");

	o.f = to_stdout ? stdout : fopen(path, "w");
	if (!o.f) {
		fprintf(stderr, "pptp-analyze: %s: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	errno = 0;
	pt_ladder_svg(l, put, &o);
	if (to_stdout ? fflush(o.f) != 0 : fclose(o.f) != 0)
		o.err = o.err ? o.err : errno;
	if (o.err) {
		fprintf(stderr, "pptp-analyze: %s: cannot write: %s\n", path, strerror(o.err));
		return -1;
	}
	return 0;
}
