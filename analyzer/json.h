/* json.h: a tiny JSON Lines writer for pptp-analyze's --json output. */
#ifndef PA_JSON_H
#define PA_JSON_H

#include <stdint.h>
#include <stdio.h>

typedef struct pa_json {
	FILE *f;
	int first; /* no comma before the next member */
} pa_json;

void pa_json_begin(pa_json *j, FILE *f, const char *type);
void pa_json_str(pa_json *j, const char *key, const char *val);     /* NULL -> null */
void pa_json_strn(pa_json *j, const char *key, const void *val, size_t n);
void pa_json_int(pa_json *j, const char *key, int64_t val);
void pa_json_uint(pa_json *j, const char *key, uint64_t val);
void pa_json_bool(pa_json *j, const char *key, int val);
void pa_json_time(pa_json *j, const char *key, int64_t ts_us);     /* seconds with 6 decimals */
void pa_json_raw(pa_json *j, const char *key, const char *raw);     /* already JSON */
void pa_json_end(pa_json *j);

#endif
