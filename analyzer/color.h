/* color.h: colour for pptp-analyze's text report and verdict lines (--color, NO_COLOR). */
#ifndef PA_COLOR_H
#define PA_COLOR_H

#include <stddef.h>
#include <stdio.h>

enum pa_color_mode { PA_COLOR_AUTO = 0, PA_COLOR_ALWAYS, PA_COLOR_NEVER };

/* 1 when the report on f is to be coloured: always; never; auto = f is a terminal, NO_COLOR unset or empty
 * (https://no-color.org), TERM not "dumb". */
int pa_color_wanted(int mode, FILE *f);

/* Write the plain report text (len bytes) to out with SGR colour: verdict codes, finding severities, headings,
 * non-zero error and warning counts, the password outcome. The words and spacing are those of the plain text. */
void pa_color_write(FILE *out, const char *text, size_t len);

#endif
