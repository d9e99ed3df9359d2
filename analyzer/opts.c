/* opts.c: pptp-analyze's command line (getopt_long); options may come before or after the capture name. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"
#include "opts.h"

#include "version.h"

void pa_usage(FILE *f)
{
	fputs("usage: pptp-analyze [options] [CAPTURE | -] [EXPRESSION]\n"
	      "       pptp-analyze -r FILE | -i IFACE [options] [EXPRESSION]\n"
	      "\n"
	      "Input\n"
	      "  CAPTURE, -r FILE        pcap or pcapng file; '-' reads standard input\n"
	      "  -i, --interface IFACE   live capture (BPF: tcp port 1723 or GRE, and IP fragments)\n"
	      "  -f, --filter EXPR       extra BPF filter, ANDed with the default\n"
	      "  EXPRESSION              words after the options, as in tcpdump: a BPF filter too (with -f: both)\n"
	      "  -c COUNT                stop after COUNT packets\n"
	      "  -n                      accepted as in tcpdump: no name is ever looked up\n"
	      "Output\n"
	      "  (default)               report: one verdict per call, then sessions, calls, findings\n"
	      "  --json                  JSON Lines (docs/json.md)\n"
	      "  -V, --decode            one line per PPTP/GRE/PPP message (packet details, as tshark -V)\n"
	      "  --verdict               only the verdict lines, one per call\n"
	      "  --ladder                the message sequence of each session as a text ladder (in place of the report)\n"
	      "  --svg FILE              the same picture as an SVG file ('-' standard output)\n"
	      "  --list-rules[=FORMAT]   the rule catalog (text, markdown, json)\n"
	      "  --list-verdicts         the call verdict table: each cause in the order tried, and the evidence it needs\n"
	      "  --fail-on SEVERITY      exit 1 on a finding at/above error|warning|info|none (default error)\n"
	      "  -q, --quiet             no report; only the exit status\n"
	      "  --color[=WHEN]          colour the report: auto (default: a terminal, NO_COLOR unset), always, never\n"
	      "Credentials\n"
	      "  --password [PW]         the password (asked on the terminal when PW is not given)\n"
	      "  --user NAME             the user the password belongs to (default: any)\n"
	      "  --password-file FILE    first line of FILE is the password (or PPTP_PASSWORD)\n"
	      "  --nt-hash HEX           the 16-byte NT password hash instead of a password\n"
	      "  --credentials FILE      lines \"user:password\" or \"user::nthash\"\n"
	      "  -w, --write-decrypted FILE  write the decrypted inner packets as a pcap\n"
	      "  --show-keys             print derived keys (secrets: explicit opt-in)\n"
	      "  --threads N             decrypt on N threads, the reading one among them (default: the online CPUs)\n"
	      "Security audit\n"
	      "  --audit                 security findings with advice (no credentials needed); reads all traffic, not only PPTP\n"
	      "  --wordlist FILE         try every word against the captured PAP/CHAP/MS-CHAP handshakes (users and line numbers)\n"
	      "  --password-policy SPEC  e.g. 'min=10,classes=3': check known or recovered passwords (never printed)\n"
	      "  --guess-failures N      online guessing: N failures per user or address (default 5) ...\n"
	      "  --guess-window SECONDS  ... within this window (default 300)\n"
	      "Limits (memory follows them)\n"
	      "  --max-conns N           control connections modelled (default 4096)\n"
	      "  --max-calls N           calls modelled (default 16384, about 7 KiB each)\n"
	      "  --max-tcp-conns N       TCP connections reassembled at once (default 1024)\n"
	      "  -h, --help, --version\n"
	      "Exit status: 0 no finding at/above --fail-on, 1 there are, 2 usage or input error.\n",
	      f);
}

static int is_file(const char *p)
{
	return access(p, R_OK) == 0;
}

/* Options taking a value accept "--opt VALUE" and "--opt=VALUE". */
/* Long options (getopt_long): values as "--opt VALUE" or "--opt=VALUE", unambiguous prefixes accepted. */
enum {
	O_JSON = 256, O_VERDICT, O_LIST_VERDICTS, O_LIST_RULES, O_FAIL_ON, O_COLOR, O_PASSWORD, O_USER,
	O_PASSWORD_FILE, O_NT_HASH, O_CREDENTIALS, O_MAX_CONNS, O_MAX_CALLS, O_MAX_TCP_CONNS, O_SHOW_KEYS,
	O_AUDIT, O_WORDLIST, O_PASSWORD_POLICY, O_GUESS_FAILURES, O_GUESS_WINDOW, O_VERSION, O_THREADS,
	O_LADDER, O_SVG
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "interface", required_argument, NULL, 'i' },
	{ "filter", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, O_JSON },
	{ "decode", no_argument, NULL, 'V' },
	{ "verdict", no_argument, NULL, O_VERDICT },
	{ "list-verdicts", no_argument, NULL, O_LIST_VERDICTS },
	{ "list-rules", optional_argument, NULL, O_LIST_RULES },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "color", optional_argument, NULL, O_COLOR },
	{ "password", optional_argument, NULL, O_PASSWORD },
	{ "user", required_argument, NULL, O_USER },
	{ "password-file", required_argument, NULL, O_PASSWORD_FILE },
	{ "nt-hash", required_argument, NULL, O_NT_HASH },
	{ "credentials", required_argument, NULL, O_CREDENTIALS },
	{ "write-decrypted", required_argument, NULL, 'w' },
	{ "show-keys", no_argument, NULL, O_SHOW_KEYS },
	{ "max-conns", required_argument, NULL, O_MAX_CONNS },
	{ "max-calls", required_argument, NULL, O_MAX_CALLS },
	{ "max-tcp-conns", required_argument, NULL, O_MAX_TCP_CONNS },
	{ "audit", no_argument, NULL, O_AUDIT },
	{ "wordlist", required_argument, NULL, O_WORDLIST },
	{ "password-policy", required_argument, NULL, O_PASSWORD_POLICY },
	{ "guess-failures", required_argument, NULL, O_GUESS_FAILURES },
	{ "guess-window", required_argument, NULL, O_GUESS_WINDOW },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "ladder", no_argument, NULL, O_LADDER },
	{ "svg", required_argument, NULL, O_SVG },
	{ NULL, 0, NULL, 0 }
};

/* The option as the user wrote it, for messages: "--fail-on" or "-c". */
static const char *opt_name(int c, int li, char *buf, size_t n)
{
	if (li >= 0)
		snprintf(buf, n, "--%s", long_opts[li].name);
	else
		snprintf(buf, n, "-%c", c);
	return buf;
}

/* How many long options start with the word (without its "--" and any "=VALUE"). */
static int prefix_count(const char *arg)
{
	size_t n;
	int k = 0;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	n = strcspn(arg, "=");
	for (const struct option *lo = long_opts; lo->name; lo++)
		k += strncmp(lo->name, arg, n) == 0;
	return k;
}

/* A positive whole number up to max, or -1. */
static long count_arg(const char *v, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n <= 0 || n > max)
		return -1;
	return n;
}

int pa_opts_parse(pa_opts *o, int argc, char **argv)
{
	int nfiles = 0, npos = 0, first = 0, c, li;
	const char *pos[256]; /* words that are not options: the capture (without -r/-i), then a BPF expression */
	char name[40];

	memset(o, 0, sizeof *o);
	o->fail_on = PT_SEV_ERROR;
	o->max_findings_per_rule = 20;

	/* optind = 0: a full restart of getopt, since pa_main may run more than once in a process (fuzzing).
	 * The leading '-' keeps the words that are not options in place, in order (the capture, then BPF words). */
	optind = 0;
	opterr = 0;
	for (;;) {
		li = -1;
		c = getopt_long(argc, argv, "-:hr:i:f:c:nVqw:", long_opts, &li);
		if (c == -1)
			break;
		switch (c) {
		case 1: /* a word that is not an option */
			if (npos >= (int)(sizeof pos / sizeof pos[0])) {
				fprintf(stderr, "pptp-analyze: too many arguments ('%s')\n", optarg);
				return 2;
			}
			pos[npos++] = optarg;
			break;
		case 'h':
			pa_usage(stdout);
			return 1;
		case O_VERSION:
			printf("pptp-analyze %s\n", PT_VERSION);
			return 1;
		case 'r':
			if (nfiles++) {
				fprintf(stderr, "pptp-analyze: more than one capture given ('%s')\n", optarg);
				return 2;
			}
			o->file = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'c':
			if ((o->count = count_arg(optarg, LONG_MAX)) < 0) {
				fprintf(stderr, "pptp-analyze: %s wants a positive count, not '%s'\n", opt_name(c, li, name, sizeof name), optarg);
				return 2;
			}
			break;
		case 'n': /* tcpdump's "no name lookups": we never look names up */
			break;
		case O_JSON:
			o->format = PA_FMT_JSON;
			break;
		case 'V':
			o->format = PA_FMT_DECODE;
			break;
		case O_VERDICT:
			o->format = PA_FMT_VERDICT;
			break;
		case O_LIST_VERDICTS:
			o->list_verdicts = 1;
			break;
		case O_LIST_RULES:
			if (!optarg || strcmp(optarg, "text") == 0)
				o->list_rules = 1;
			else if (strcmp(optarg, "markdown") == 0)
				o->list_rules = 2;
			else if (strcmp(optarg, "json") == 0)
				o->list_rules = 3;
			else {
				fprintf(stderr, "pptp-analyze: --list-rules: unknown format '%s'\n", optarg);
				return 2;
			}
			break;
		case O_FAIL_ON:
			if (strcmp(optarg, "none") == 0)
				o->fail_never = 1;
			else if (pt_sev_parse(optarg, &o->fail_on) != 0) {
				fprintf(stderr, "pptp-analyze: --fail-on wants error, warning, info or none, not '%s'\n", optarg);
				return 2;
			}
			break;
		case O_COLOR: { /* as GNU ls: a bare --color is always */
			const char *w = optarg ? optarg : "always";
			if (strcmp(w, "auto") == 0)
				o->color = PA_COLOR_AUTO;
			else if (strcmp(w, "always") == 0)
				o->color = PA_COLOR_ALWAYS;
			else if (strcmp(w, "never") == 0)
				o->color = PA_COLOR_NEVER;
			else {
				fprintf(stderr, "pptp-analyze: --color wants auto, always or never, not '%s'\n", w);
				return 2;
			}
			break;
		}
		case 'q':
			o->quiet = 1;
			break;
		case O_PASSWORD:
			/* "--password=PW", "--password PW", or a bare "--password" that prompts. A following word
			 * is the password unless it is an option, or it is the last word, names a readable file
			 * and no capture was named. */
			if (optarg) {
				o->password = optarg;
			} else if (optind < argc && argv[optind][0] != '-' &&
			           !(optind + 1 == argc && !o->file && !npos && !o->iface && is_file(argv[optind]))) {
				o->password = argv[optind++];
			} else {
				o->password_prompt = 1;
			}
			break;
		case O_USER:
			o->user = optarg;
			break;
		case O_PASSWORD_FILE:
			o->password_file = optarg;
			break;
		case O_NT_HASH:
			o->nt_hash = optarg;
			break;
		case O_CREDENTIALS:
			o->credentials = optarg;
			break;
		case 'w':
			o->write_decrypted = optarg;
			break;
		case O_SHOW_KEYS:
			o->show_keys = 1;
			break;
		case O_MAX_CONNS:
		case O_MAX_CALLS:
		case O_MAX_TCP_CONNS: {
			long n = count_arg(optarg, 10000000);
			if (n < 0) {
				fprintf(stderr, "pptp-analyze: %s wants a positive count, not '%s'\n", opt_name(c, li, name, sizeof name), optarg);
				return 2;
			}
			if (c == O_MAX_CONNS)
				o->max_conns = n;
			else if (c == O_MAX_CALLS)
				o->max_calls = n;
			else
				o->max_tcp_conns = n;
			break;
		}
		case O_AUDIT:
			o->audit = 1;
			break;
		case O_WORDLIST:
			o->wordlist = optarg;
			break;
		case O_PASSWORD_POLICY:
			o->password_policy = optarg;
			break;
		case O_GUESS_FAILURES:
		case O_GUESS_WINDOW: {
			int fails = c == O_GUESS_FAILURES;
			char *end;
			double d = strtod(optarg, &end);
			if (end == optarg || *end || !(d > 0) || d > 1e7 || (fails && d != (double)(long)d)) {
				fprintf(stderr, "pptp-analyze: %s wants a positive %s, not '%s'\n", fails ? "--guess-failures" : "--guess-window",
					fails ? "count" : "number of seconds", optarg);
				return 2;
			}
			if (fails)
				o->guess_failures = (long)d;
			else
				o->guess_window = d;
			break;
		}
		case O_THREADS:
			if ((o->threads = (int)count_arg(optarg, PA_MAX_THREADS)) < 0) {
				fprintf(stderr, "pptp-analyze: --threads wants a count from 1 to %d, not '%s'\n", PA_MAX_THREADS, optarg);
				return 2;
			}
			break;
		case O_LADDER:
			o->ladder = 1;
			break;
		case O_SVG:
			o->svg_path = optarg;
			break;
		case ':': /* a value missing */
			if (optopt && optopt < 256)
				fprintf(stderr, "pptp-analyze: -%c needs a value\n", optopt);
			else
				fprintf(stderr, "pptp-analyze: %s needs a value\n", argv[optind - 1]);
			return 2;
		case '?':
		default: /* unknown, ambiguous, or a value given to an option that takes none */
			if (optopt && optopt < 256)
				fprintf(stderr, "pptp-analyze: unknown option '-%c' (try --help)\n", optopt);
			else if (optopt)
				fprintf(stderr, "pptp-analyze: %s takes no value (try --help)\n", argv[optind - 1]);
			else if (prefix_count(argv[optind - 1]) > 1)
				fprintf(stderr, "pptp-analyze: ambiguous option '%s' (try --help)\n", argv[optind - 1]);
			else
				fprintf(stderr, "pptp-analyze: unknown option '%s' (try --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	/* after "--": the rest are words too */
	for (; optind < argc; optind++) {
		if (npos >= (int)(sizeof pos / sizeof pos[0])) {
			fprintf(stderr, "pptp-analyze: too many arguments ('%s')\n", argv[optind]);
			return 2;
		}
		pos[npos++] = argv[optind];
	}
	if (o->list_rules || o->list_verdicts)
		return 0;
	/* tcpdump style: without -r or -i the first word is the capture; the words after it are a BPF expression */
	if (npos && !o->file && !o->iface)
		o->file = pos[first++];
	if (npos > first) {
		size_t len = 0;
		int n;
		if (npos - first == 1 && strcmp(pos[first], "-") != 0 && is_file(pos[first])) {
			fprintf(stderr, "pptp-analyze: more than one capture given ('%s')\n", pos[first]);
			return 2;
		}
		if (o->filter) {
			n = snprintf(o->filter_buf, sizeof o->filter_buf, "(%s) and (", o->filter);
			len = n > 0 ? (size_t)n : 0;
		}
		for (int k = first; k < npos && len < sizeof o->filter_buf; k++) {
			n = snprintf(o->filter_buf + len, sizeof o->filter_buf - len, "%s%s", k > first ? " " : "", pos[k]);
			len += n > 0 ? (size_t)n : 0;
		}
		if (o->filter && len < sizeof o->filter_buf)
			len += (size_t)snprintf(o->filter_buf + len, sizeof o->filter_buf - len, ")");
		if (len >= sizeof o->filter_buf) {
			fprintf(stderr, "pptp-analyze: the filter expression is too long\n");
			return 2;
		}
		o->filter = o->filter_buf;
	}
	if (o->file && o->iface) {
		fprintf(stderr, "pptp-analyze: give a capture file or -i, not both\n");
		return 2;
	}
	if (!o->file && !o->iface) {
		fprintf(stderr, "pptp-analyze: no capture given (a file, '-' for stdin, or -i IFACE)\n");
		pa_usage(stderr);
		return 2;
	}
	return 0;
}
