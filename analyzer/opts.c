/* opts.c: pptp-analyze's command line; options may come before or after the capture name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"
#include "opts.h"

#define PA_VERSION "0.1"

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
static const char *take(int argc, char **argv, int *i, const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	if (*i + 1 >= argc) {
		fprintf(stderr, "pptp-analyze: %s needs a value\n", name);
		return NULL;
	}
	return argv[++*i];
}

static int opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

int pa_opts_parse(pa_opts *o, int argc, char **argv)
{
	int nfiles = 0, only_files = 0, npos = 0, first = 0;
	const char *pos[256]; /* words that are not options: the capture (without -r/-i), then a BPF expression */

	memset(o, 0, sizeof *o);
	o->fail_on = PT_SEV_ERROR;
	o->max_findings_per_rule = 20;
	if (getenv("PPTP_PASSWORD"))
		o->password = NULL; /* read in creds.c, never from argv */

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v;

		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			if (npos >= (int)(sizeof pos / sizeof pos[0])) {
				fprintf(stderr, "pptp-analyze: too many arguments ('%s')\n", a);
				return 2;
			}
			pos[npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_files = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			pa_usage(stdout);
			return 1;
		} else if (strcmp(a, "--version") == 0) {
			printf("pptp-analyze %s\n", PA_VERSION);
			return 1;
		} else if (strcmp(a, "-r") == 0) {
			if (!(v = take(argc, argv, &i, a, "-r")))
				return 2;
			if (nfiles++) {
				fprintf(stderr, "pptp-analyze: more than one capture given ('%s')\n", v);
				return 2;
			}
			o->file = v;
		} else if (strcmp(a, "-i") == 0 || opt_is(a, "--interface")) {
			if (!(v = take(argc, argv, &i, a, a[1] == 'i' ? "-i" : "--interface")))
				return 2;
			o->iface = v;
		} else if (strcmp(a, "-f") == 0 || opt_is(a, "--filter")) {
			if (!(v = take(argc, argv, &i, a, a[1] == 'f' ? "-f" : "--filter")))
				return 2;
			o->filter = v;
		} else if (strcmp(a, "-c") == 0) {
			char *end;
			if (!(v = take(argc, argv, &i, a, "-c")))
				return 2;
			o->count = strtol(v, &end, 10);
			if (*end || o->count <= 0) {
				fprintf(stderr, "pptp-analyze: -c wants a positive count, not '%s'\n", v);
				return 2;
			}
		} else if (strcmp(a, "--json") == 0) {
			o->format = PA_FMT_JSON;
		} else if (strcmp(a, "-n") == 0) {
			/* tcpdump's "no name lookups": we never look names up */
		} else if (strcmp(a, "--decode") == 0 || strcmp(a, "-V") == 0) {
			o->format = PA_FMT_DECODE;
		} else if (strcmp(a, "--verdict") == 0) {
			o->format = PA_FMT_VERDICT;
		} else if (strcmp(a, "--list-verdicts") == 0) {
			o->list_verdicts = 1;
		} else if (opt_is(a, "--list-rules")) {
			const char *f = strchr(a, '=');
			if (!f || strcmp(f + 1, "text") == 0)
				o->list_rules = 1;
			else if (strcmp(f + 1, "markdown") == 0)
				o->list_rules = 2;
			else if (strcmp(f + 1, "json") == 0)
				o->list_rules = 3;
			else {
				fprintf(stderr, "pptp-analyze: --list-rules: unknown format '%s'\n", f + 1);
				return 2;
			}
		} else if (opt_is(a, "--fail-on")) {
			if (!(v = take(argc, argv, &i, a, "--fail-on")))
				return 2;
			if (strcmp(v, "none") == 0)
				o->fail_never = 1;
			else if (pt_sev_parse(v, &o->fail_on) != 0) {
				fprintf(stderr, "pptp-analyze: --fail-on wants error, warning, info or none, not '%s'\n", v);
				return 2;
			}
		} else if (opt_is(a, "--color")) {
			/* as GNU ls: a bare --color is always */
			const char *w = strchr(a, '=') ? strchr(a, '=') + 1 : "always";
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
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o->quiet = 1;
		} else if (opt_is(a, "--password")) {
			/* "--password=PW", "--password PW", or a bare "--password" that prompts.
			 * A following argument is the password unless it is an option, or it is
			 * the last argument, names a readable file and no capture was named. */
			if (strchr(a, '=')) {
				o->password = strchr(a, '=') + 1;
			} else if (i + 1 < argc && argv[i + 1][0] != '-' &&
			           !(i + 2 == argc && !o->file && !npos && !o->iface && is_file(argv[i + 1]))) {
				o->password = argv[++i];
			} else {
				o->password_prompt = 1;
			}
		} else if (opt_is(a, "--user")) {
			if (!(v = take(argc, argv, &i, a, "--user")))
				return 2;
			o->user = v;
		} else if (opt_is(a, "--password-file")) {
			if (!(v = take(argc, argv, &i, a, "--password-file")))
				return 2;
			o->password_file = v;
		} else if (opt_is(a, "--nt-hash")) {
			if (!(v = take(argc, argv, &i, a, "--nt-hash")))
				return 2;
			o->nt_hash = v;
		} else if (opt_is(a, "--credentials")) {
			if (!(v = take(argc, argv, &i, a, "--credentials")))
				return 2;
			o->credentials = v;
		} else if (opt_is(a, "--write-decrypted") || strcmp(a, "-w") == 0) {
			if (!(v = take(argc, argv, &i, a, a[1] == 'w' ? "-w" : "--write-decrypted")))
				return 2;
			o->write_decrypted = v;
		} else if (opt_is(a, "--max-conns") || opt_is(a, "--max-calls") || opt_is(a, "--max-tcp-conns")) {
			const char *name = opt_is(a, "--max-conns") ? "--max-conns" : opt_is(a, "--max-calls") ? "--max-calls" : "--max-tcp-conns";
			char *end;
			long n;
			if (!(v = take(argc, argv, &i, a, name)))
				return 2;
			n = strtol(v, &end, 10);
			if (*end || n <= 0 || n > 10000000) {
				fprintf(stderr, "pptp-analyze: %s wants a positive count, not '%s'\n", name, v);
				return 2;
			}
			if (strcmp(name, "--max-conns") == 0)
				o->max_conns = n;
			else if (strcmp(name, "--max-calls") == 0)
				o->max_calls = n;
			else
				o->max_tcp_conns = n;
		} else if (strcmp(a, "--show-keys") == 0) {
			o->show_keys = 1;
		} else if (strcmp(a, "--audit") == 0) {
			o->audit = 1;
		} else if (opt_is(a, "--wordlist")) {
			if (!(v = take(argc, argv, &i, a, "--wordlist")))
				return 2;
			o->wordlist = v;
		} else if (opt_is(a, "--password-policy")) {
			if (!(v = take(argc, argv, &i, a, "--password-policy")))
				return 2;
			o->password_policy = v;
		} else if (opt_is(a, "--guess-failures") || opt_is(a, "--guess-window")) {
			int fails = opt_is(a, "--guess-failures");
			char *end;
			double d;
			if (!(v = take(argc, argv, &i, a, fails ? "--guess-failures" : "--guess-window")))
				return 2;
			d = strtod(v, &end);
			if (*end || !(d > 0) || d > 1e7 || (fails && d != (double)(long)d)) {
				fprintf(stderr, "pptp-analyze: %s wants a positive %s, not '%s'\n", fails ? "--guess-failures" : "--guess-window",
					fails ? "count" : "number of seconds", v);
				return 2;
			}
			if (fails)
				o->guess_failures = (long)d;
			else
				o->guess_window = d;
		} else {
			fprintf(stderr, "pptp-analyze: unknown option '%s' (try --help)\n", a);
			return 2;
		}
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
