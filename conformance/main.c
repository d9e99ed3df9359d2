/* main.c: pptp-conform, a scripted PPTP conformance peer (RFC 2637): options, the scenario library, the run, the outputs. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "conform.h"

#include "version.h"

#ifndef CF_SCENARIO_DIR
#define CF_SCENARIO_DIR "/usr/share/pptp-suite/scenarios"
#endif

static void usage(FILE *f)
{
	fputs("usage: pptp-conform --target ADDR [options]      run the scenario library against a PPTP server\n"
	      "       pptp-conform --listen ADDR [options]      wait for a PPTP client (server-role scenarios)\n"
	      "       pptp-conform --list                       id, role, RFC section and title of each scenario\n"
	      "\n"
	      "  -t, --target ADDR        the server to test (numeric IPv4 or IPv6); nothing else is sent to\n"
	      "  -L, --listen ADDR        the local address to accept clients on\n"
	      "  -S, --source ADDR        our own address (several on the host: pick one)\n"
	      "  -p, --port N             TCP port (default 1723)\n"
	      "  -u, --user NAME          user name for PPP authentication\n"
	      "      --password-file F    the password, first line of F (or PPTP_PASSWORD in the environment)\n"
	      "      --password[=PW]      prompt for it on the terminal (with a value: works, but ps shows it)\n"
	      "  -s, --scenario GLOB      only scenarios whose id matches (repeatable; 'ctrl-*')\n"
	      "  -r, --run FILE           run a scenario file of your own (repeatable)\n"
	      "  -d, --scenarios DIR      the library folder (default: next to the program, or " CF_SCENARIO_DIR ")\n"
	      "  -T, --timeout S          cap on every wait, in seconds (fast runs)\n"
	      "      --tap                TAP output on stdout\n"
	      "      --junit FILE         JUnit XML results\n"
	      "      --json FILE          JSON Lines results\n"
	      "  -w, --pcap FILE          write every packet sent and received (raw IP)\n"
	      "      --svg-dir DIR        the message sequence of each failed scenario: DIR/ID.svg, DIR/ID.txt\n"
	      "      --pcap-max MIB       stop the capture at this size (load and mutation runs: 64 MiB unless given)\n"
	      "      --write-inner FILE   the clear inner packets, as a capture on ppp0 would show them\n"
	      "      --pause S            wait S seconds between scenarios (a target frees what the last one held)\n"
	      "      --repeat N           run the scenarios N times (a server answering N clients)\n"
	      "      --peer-has LIST      what the target is configured for (mppe40,...): scenarios that\n"
	      "                           require something else are skipped\n"
	      "      --load N             load run: N tunnels (with --target; --rate R per second, --duration S),\n"
	      "                           or serve up to N clients at once (with --listen) for S seconds\n"
	      "      --rate R, --duration S\n"
	      "      --mutate             mutation run: --count K messages mutated from valid templates by --seed,\n"
	      "                           a liveness probe after each batch; a failure is written as a scenario\n"
	      "      --count K, --findings DIR (default findings/)\n"
	      "      --replay FILE        run a scenario file written by --mutate (as --run)\n"
	      "      --seed N             random values (call IDs, challenges, magic numbers) from N\n"
	      "  -v, --verbose            print each step on stderr as it runs, and why one stopped the scenario\n"
	      "  -h, --help, -V, --version\n"
	      "\n"
	      "Exit status: 0 nothing failed, 1 a scenario failed, 2 usage or setup error.\n",
	      f);
}

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "pptp-conform: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(2);
}

static void read_password_file(cf_opts *o, const char *path)
{
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		die("%s: cannot open: %s", path, strerror(errno));
	if (!fgets(o->password, sizeof o->password, f)) {
		fclose(f);
		die("%s: empty%s", path, "");
	}
	fclose(f);
	nl = strchr(o->password, '\n');
	if (nl)
		*nl = 0;
	o->have_password = 1;
}

static void prompt_password(cf_opts *o)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios t, saved;

	if (!tty)
		die("--password: no terminal to ask on (use --password-file or PPTP_PASSWORD)%s%s", "", "");
	fputs("Password: ", tty);
	fflush(tty);
	tcgetattr(fileno(tty), &saved);
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSANOW, &t);
	if (!fgets(o->password, sizeof o->password, tty))
		o->password[0] = 0;
	tcsetattr(fileno(tty), TCSANOW, &saved);
	fputc('\n', tty);
	fclose(tty);
	o->password[strcspn(o->password, "\r\n")] = 0;
	o->have_password = 1;
}

static const char *default_dir(char *buf, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat st;

	if (getenv("PPTP_CONFORM_SCENARIOS"))
		return getenv("PPTP_CONFORM_SCENARIOS");
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			/* bin/ and build/san/ both sit below the top of the tree */
			const char *ups[] = { "/../conformance/scenarios", "/../../conformance/scenarios", "/../share/pptp-suite/scenarios" };
			for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
				snprintf(buf, cap, "%s%s", exe, ups[i]);
				if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
					return buf;
			}
		}
	}
	return CF_SCENARIO_DIR;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "target", required_argument, NULL, 't' },   { "listen", required_argument, NULL, 'L' },  { "source", required_argument, NULL, 'S' },
		{ "port", required_argument, NULL, 'p' },     { "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'P' }, { "password", optional_argument, NULL, 'W' },
		{ "scenario", required_argument, NULL, 's' }, { "run", required_argument, NULL, 'r' },
		{ "scenarios", required_argument, NULL, 'd' }, { "timeout", required_argument, NULL, 'T' },
		{ "tap", no_argument, NULL, 1 },              { "junit", required_argument, NULL, 2 },
		{ "json", required_argument, NULL, 3 },       { "pcap", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 4 },        { "write-inner", required_argument, NULL, 5 }, { "peer-has", required_argument, NULL, 6 },    { "repeat", required_argument, NULL, 7 }, { "load", required_argument, NULL, 8 }, { "rate", required_argument, NULL, 9 }, { "duration", required_argument, NULL, 10 }, { "mutate", no_argument, NULL, 11 }, { "count", required_argument, NULL, 12 }, { "findings", required_argument, NULL, 13 }, { "replay", required_argument, NULL, 14 }, { "pause", required_argument, NULL, 20 }, { "svg-dir", required_argument, NULL, 30 }, { "pcap-max", required_argument, NULL, 21 },       { "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },        { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },        { NULL, 0, NULL, 0 }
	};
	cf_opts o;
	cf_out out;
	cf_pcap pcap, inner;
	cf_rng rng;
	const char *globs[64], *runs[256], *dir = NULL, *junit = NULL, *json = NULL;
	int nglob = 0, nrun = 0, list = 0, c, setup_err = 0;
	char dbuf[PATH_MAX];
	cf_scn **sc = NULL;
	int nsc = 0;

	memset(&o, 0, sizeof o);
	memset(&out, 0, sizeof out);
	memset(&pcap, 0, sizeof pcap);
	memset(&inner, 0, sizeof inner);
	o.port = 1723;
	o.seed = 1;
	o.repeat = 1;
	int listen_fd = -1;
	o.listen_fd = &listen_fd;
	opterr = 0; /* our own one-line messages, named "pptp-conform:" whatever argv[0] is */
	while ((c = getopt_long(argc, argv, "t:L:S:p:u:s:r:d:T:w:lvhV", lo, NULL)) != -1) {
		switch (c) {
		case 't': o.target = optarg; break;
		case 'L': o.listen = optarg; break;
		case 'S': o.source = optarg; break;
		case 'p': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v == 0 || v > 65535)
				die("--port %s: a number from 1 to 65535%s", optarg, "");
			o.port = (uint16_t)v;
			break;
		}
		case 'u': snprintf(o.user, sizeof o.user, "%s", optarg); break;
		case 'P': read_password_file(&o, optarg); break;
		case 'W':
			if (optarg) {
				fputs("pptp-conform: warning: a password on the command line is visible to other users (ps)\n", stderr);
				snprintf(o.password, sizeof o.password, "%s", optarg);
				explicit_bzero(optarg, strlen(optarg));
				o.have_password = 1;
			} else {
				prompt_password(&o);
			}
			break;
		case 's':
			if (nglob >= 64)
				die("too many --scenario%s%s", "", "");
			globs[nglob++] = optarg;
			break;
		case 'r':
			if (nrun >= 256)
				die("too many --run%s%s", "", "");
			runs[nrun++] = optarg;
			break;
		case 'd': dir = optarg; break;
		case 'T': {
			char *end;
			o.timeout = strtod(optarg, &end);
			if (*end || o.timeout <= 0 || o.timeout > 3600)
				die("--timeout %s: seconds, more than 0 and at most 3600%s", optarg, "");
			break;
		}
		case 1: out.tap = 1; o.tap = 1; break;
		case 2: junit = optarg; o.junit_file = optarg; break;
		case 3: json = optarg; o.json_file = optarg; break;
		case 'w': o.pcap = optarg; break;
		case 4: {
			char *end;
			o.seed = strtoull(optarg, &end, 0);
			if (!*optarg || *end)
				die("--seed %s: a number%s", optarg, "");
			break;
		}
		case 5: o.inner = optarg; break;
		case 30: o.svg_dir = optarg; break;
		case 6: o.peer_has = optarg; break;
		case 21: {
			char *end;
			o.pcap_max = strtod(optarg, &end);
			if (*end || !(o.pcap_max > 0) || o.pcap_max > 65536)
				die("--pcap-max %s: MiB, more than 0 and at most 65536%s", optarg, "");
			break;
		}
		case 20: {
			char *end;
			o.pause = strtod(optarg, &end);
			if (*end || o.pause < 0 || o.pause > 60)
				die("--pause %s: seconds, 0 to 60%s", optarg, "");
			break;
		}
		case 7: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 100000)
				die("--repeat %s: a number from 1 to 100000%s", optarg, "");
			o.repeat = (int)v;
			break;
		}
		case 8: case 9: case 10: case 12: {
			char *end;
			double v = strtod(optarg, &end);
			if (*end || v <= 0 || v > (c == 12 ? 1e9 : c == 8 ? 20000 : 86400))
				die("--%s %s: out of range", c == 8 ? "load" : c == 9 ? "rate" : c == 10 ? "duration" : "count", optarg);
			if (c == 8) o.load = (int)v;
			else if (c == 9) o.rate = v;
			else if (c == 10) o.duration = v;
			else o.count = (long)v;
			break;
		}
		case 11: o.mutate = 1; break;
		case 13: o.findings = optarg; break;
		case 14:
			if (nrun >= 256)
				die("too many --run%s%s", "", "");
			runs[nrun++] = optarg;
			break;
		case 'l': list = 1; break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("pptp-conform %s\n", PT_VERSION); return 0;
		default: {
			const char *w = argv[optind - 1];
			int len = (int)strcspn(w, "=");
			if (strncmp(w, "--", 2) != 0)
				fprintf(stderr, strchr("tLSpusrdTw", optopt) ? "pptp-conform: -%c needs a value (try --help)\n"
								     : "pptp-conform: unknown option '-%c' (try --help)\n", optopt);
			else if (!optopt)
				fprintf(stderr, "pptp-conform: unknown option '%.*s' (try --help)\n", len, w);
			else if (w[len])
				fprintf(stderr, "pptp-conform: %.*s takes no value (try --help)\n", len, w);
			else
				fprintf(stderr, "pptp-conform: %s needs a value (try --help)\n", w);
			return 2;
		}
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see --help)%s", argv[optind], "");
	if (!o.have_password && getenv("PPTP_PASSWORD")) {
		snprintf(o.password, sizeof o.password, "%s", getenv("PPTP_PASSWORD"));
		o.have_password = 1;
	}
	if (!list && !o.target && !o.listen)
		die("--target ADDR or --listen ADDR is required (see --help)%s%s", "", "");
	if (o.target && o.listen)
		die("--target and --listen: one or the other%s%s", "", "");
	/* load and mutation runs have their own loops and reports */
	if (o.load) {
		if (!o.duration)
			o.duration = 10;
		if (!o.rate)
			o.rate = o.load;
		return cf_load_run(&o);
	}
	if (o.mutate) {
		if (!o.target)
			die("--mutate needs --target%s%s", "", "");
		if (!o.count)
			o.count = 1000;
		return cf_mutate_run(&o);
	}

	/* the scenarios: --run files, else the library filtered by --scenario */
	if (nrun) {
		sc = calloc((size_t)nrun, sizeof *sc);
		for (int i = 0; i < nrun; i++)
			sc[nsc++] = cf_scn_load(runs[i]);
	} else {
		DIR *d;
		struct dirent *de;
		char *names[1024];
		int nn = 0;
		if (!dir)
			dir = default_dir(dbuf, sizeof dbuf);
		d = opendir(dir);
		if (!d)
			die("%s: cannot read the scenario library: %s", dir, strerror(errno));
		while ((de = readdir(d)) && nn < 1024) {
			size_t n = strlen(de->d_name);
			if (n > 5 && !strcmp(de->d_name + n - 5, ".pptp"))
				names[nn++] = strdup(de->d_name);
		}
		closedir(d);
		qsort(names, (size_t)nn, sizeof names[0], cmp_str);
		sc = calloc((size_t)nn + 1, sizeof *sc);
		for (int i = 0; i < nn; i++) {
			char path[PATH_MAX * 2];
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			free(names[i]);
			cf_scn *s = cf_scn_load(path);
			int keep = nglob == 0;
			for (int g = 0; g < nglob; g++)
				if (fnmatch(globs[g], s->id, 0) == 0)
					keep = 1;
			/* a run against a server takes the client-role scenarios, --listen the server-role ones */
			if (!list && ((o.target && s->role != CF_PNS) || (o.listen && s->role != CF_PAC)))
				keep = 0;
			if (keep)
				sc[nsc++] = s;
			else
				cf_scn_free(s);
		}
		if (!nsc)
			die("no scenario matches%s%s", "", "");
	}
	if (list) {
		for (int i = 0; i < nsc; i++)
			printf("%-32s %-6s %-18s %s\n", sc[i]->id, sc[i]->role == CF_PNS ? "client" : "server", sc[i]->rfc,
			       sc[i]->title);
		for (int i = 0; i < nsc; i++)
			cf_scn_free(sc[i]);
		free(sc);
		return 0;
	}
	if (o.pcap && cf_pcap_open(&pcap, o.pcap, 101) < 0)
		die("%s: cannot write: %s", o.pcap, strerror(errno));
	pcap.max = (uint64_t)(o.pcap_max * 1048576.0);
	if (o.inner && cf_pcap_open(&inner, o.inner, 113) < 0)
		die("%s: cannot write: %s", o.inner, strerror(errno));
	if (junit && !(out.junit = fopen(junit, "w")))
		die("%s: cannot write: %s", junit, strerror(errno));
	if (json && !(out.json = fopen(json, "w")))
		die("%s: cannot write: %s", json, strerror(errno));
	rng.s = o.seed;
	cf_out_begin(&out, nsc * o.repeat);
	for (int n = 0; n < nsc * o.repeat && !setup_err; n++) {
		int i = n % nsc;
		cf_result r;
		if (n && o.pause > 0)
			usleep((useconds_t)(o.pause * 1e6));
		cf_run(sc[i], &o, &rng, &pcap, &inner, &r);
		if (r.fail_line == -2 && out.pass == 0 && out.fail == 0 && n == 0) {
			/* the target is not there at all: a setup error, not a verdict on it */
			fprintf(stderr, "pptp-conform: %s: %s\n", sc[i]->id, r.why);
			setup_err = 1;
			break;
		}
		if (r.fail_line == -2)
			r.verdict = CF_FAIL;
		cf_out_result(&out, &r);
	}
	if (!setup_err)
		cf_out_end(&out);
	if (pcap.dropped)
		fprintf(stderr, "pptp-conform: %s: stopped at %g MiB (--pcap-max), %llu packets left out\n", o.pcap, o.pcap_max,
			(unsigned long long)pcap.dropped);
	cf_pcap_close(&pcap);
	cf_pcap_close(&inner);
	if (listen_fd >= 0)
		close(listen_fd);
	if (out.junit)
		fclose(out.junit);
	if (out.json)
		fclose(out.json);
	explicit_bzero(o.password, sizeof o.password);
	for (int i = 0; i < nsc; i++)
		cf_scn_free(sc[i]);
	free(sc);
	if (setup_err)
		return 2;
	return out.fail ? 1 : 0;
}
