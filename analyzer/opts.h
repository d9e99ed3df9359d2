/* opts.h: pptp-analyze's command line. */
#ifndef PA_OPTS_H
#define PA_OPTS_H

#include <stddef.h>
#include <stdio.h>

#include "rules.h"

#define PA_MAX_THREADS 64

enum pa_format { PA_FMT_TEXT = 0, PA_FMT_JSON, PA_FMT_DECODE, PA_FMT_VERDICT };

typedef struct pa_opts {
	const char *file;        /* capture path, "-" = stdin */
	const char *iface;       /* -i: live capture */
	const char *filter;      /* extra BPF, ANDed with the default */
	char filter_buf[1024];   /* -f and the trailing words joined (tcpdump style) */
	long count;              /* -c: stop after N packets (0 = no limit) */
	int format;              /* enum pa_format */
	int list_rules;          /* 1 text, 2 markdown, 3 json */
	int list_verdicts;       /* --list-verdicts: the verdict table */
	pt_sev fail_on;
	int fail_never;          /* --fail-on none */
	int quiet;
	int color;               /* --color: enum pa_color_mode (color.h) */
	/* credentials (issue 4) */
	int password_prompt;
	const char *password;    /* from argv: warn that it is visible */
	const char *user;
	const char *password_file;
	const char *nt_hash;
	const char *credentials;
	const char *write_decrypted;
	int show_keys;
	int max_findings_per_rule; /* per call, before "N more" */
	long max_conns, max_calls, max_tcp_conns; /* model limits (0 = defaults) */
	/* security audit (issue 25, analyzer/audit.c) */
	int audit;               /* --audit */
	const char *wordlist;    /* --wordlist FILE */
	const char *password_policy; /* --password-policy SPEC */
	long guess_failures;     /* --guess-failures N (0 = 5) */
	double guess_window;     /* --guess-window SECONDS (0 = 300) */
	/* both cores (issue 22), pictures (issue 24) */
	int threads;             /* --threads N: decryption workers (0 = the number of online CPUs) */
	int ladder;              /* --ladder: the message sequence as a text ladder */
	const char *svg_path;    /* --svg FILE: the same picture as SVG */
} pa_opts;

/* 0 ok, 1 exit 0 now (help, version), 2 usage error (message printed). */
int pa_opts_parse(pa_opts *o, int argc, char **argv);
void pa_usage(FILE *f);

/* The whole program (main.c); capture, when not NULL, holds the capture file's len bytes (fuzzing), read in place of the file argument. */
int pa_main(int argc, char **argv, const void *capture, size_t len);

#endif
