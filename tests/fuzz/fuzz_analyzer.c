/* fuzz_analyzer.c: the whole of pptp-analyze (analyzer/ + lib/) on a capture file held in memory: pcap or pcapng, read by libpcap from fmemopen. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "opts.h"

/*
 * Input: the capture file.  The options follow the input's length, so that
 * every mode meets every kind of input without a selector octet in front of
 * the capture: length % 4 picks the output (text report, JSON Lines, decode
 * lines, verdicts); (length / 4) % 2 adds --write-decrypted to /dev/null and
 * tight limits (2 connections, 2 calls, 2 TCP streams), so the eviction paths
 * run.  The lab's password is given, so authentication is verified and MPPE
 * decrypted where the capture allows; (length / 8) % 2 picks --threads=1 or
 * --threads=2 (never the machine's core count), so the worker path is fuzzed
 * too and a replay does the same on every machine.
 */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("PPTP_PASSWORD", "wonderland42", 1);
	/* reports go nowhere; sanitizer reports go to stderr */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mode[4] = { "--fail-on=none", "--json", "--decode", "--verdict" };
	static const char *const tight[] = { "--write-decrypted=/dev/null", "--max-conns=2", "--max-calls=2",
					     "--max-tcp-conns=2" };
	char args[10][64];
	char *argv[11];
	int argc = 0;

	snprintf(args[argc++], sizeof args[0], "pptp-analyze");
	snprintf(args[argc++], sizeof args[0], "%s", mode[size % 4]);
	if ((size / 4) % 2) {
		for (size_t i = 0; i < sizeof tight / sizeof tight[0]; i++)
			snprintf(args[argc++], sizeof args[0], "%s", tight[i]);
	} else {
		snprintf(args[argc++], sizeof args[0], "--max-calls=64");
	}
	snprintf(args[argc++], sizeof args[0], "--threads=%d", (int)((size / 8) % 2) + 1);
	snprintf(args[argc++], sizeof args[0], "fuzz.pcap");
	for (int i = 0; i < argc; i++)
		argv[i] = args[i];
	argv[argc] = NULL;
	(void)pa_main(argc, argv, data, size);
	fflush(stdout);
	return 0;
}
