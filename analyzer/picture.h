/* picture.h: pptp-analyze --ladder and --svg FILE: lib/ladder's picture of the capture's sessions, written out. */
#ifndef PA_PICTURE_H
#define PA_PICTURE_H

#include <stdio.h>

#include "ladder.h"

/* The text ladder on f. */
void pa_picture_text(FILE *f, const pt_ladder *l);
/* The SVG into path ("-" standard output).  0 ok; -1 with the error printed as "pptp-analyze: FILE: why". */
int pa_picture_svg(const char *path, const pt_ladder *l);

#endif
