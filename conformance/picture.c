/* picture.c: pptp-conform --svg-dir DIR: the message sequence of a failed scenario (lib/ladder, fed by the
 * endpoint's checker with both directions), written as DIR/ID.svg and the same ladder as text in DIR/ID.txt. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conform.h"
#include "ladder.h"

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

static int write_one(const char *path, const pt_ladder *l, int svg)
{
	pic_out o = { fopen(path, "w"), 0 };

	if (!o.f) {
		fprintf(stderr, "pptp-conform: %s: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	if (svg)
		pt_ladder_svg(l, put, &o);
	else
		pt_ladder_text(l, put, &o);
	if (fclose(o.f) != 0 && !o.err)
		o.err = errno ? errno : EIO;
	if (o.err) {
		fprintf(stderr, "pptp-conform: %s: cannot write: %s\n", path, strerror(o.err));
		return -1;
	}
	return 0;
}

int cf_picture_write(const char *dir, const cf_scn *s, const cf_result *r, cf_ep *e)
{
	char name[sizeof s->id], path[4096], title[1400];
	size_t i;

	if (!e->ladder)
		return -1;
	/* the scenario id comes from a file: only [A-Za-z0-9._-] in the file name */
	for (i = 0; s->id[i] && i + 1 < sizeof name; i++) {
		char c = s->id[i];
		name[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
				  (c == '.' && i > 0)
			  ? c
			  : '_';
	}
	name[i] = 0;
	if (!name[0])
		snprintf(name, sizeof name, "scenario");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "pptp-conform: %s: cannot make the folder: %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(title, sizeof title, "FAIL %s (%s): %s", s->id, s->rfc, r->why);
	pt_ladder_title(e->ladder, title);
	pt_ladder_finish(e->ladder, e->chk);
	snprintf(path, sizeof path, "%s/%s.svg", dir, name);
	if (write_one(path, e->ladder, 1) != 0)
		return -1;
	if (e->o->verbose)
		fprintf(stderr, "pptp-conform: %s: the picture of %s\n", path, s->id);
	snprintf(path, sizeof path, "%s/%s.txt", dir, name);
	return write_one(path, e->ladder, 0);
}
