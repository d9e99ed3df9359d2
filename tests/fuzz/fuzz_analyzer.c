/* fuzz_analyzer.c: the whole of pptp-analyze (analyzer/ + lib/) on a capture file held in memory: pcap or pcapng, read by libpcap from fmemopen. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "opts.h"

/*
 * Input: the capture file.  The output mode follows the input's length
 * (text report, JSON Lines, decode lines, verdicts), so every mode meets
 * every kind of input without a selector octet in front of the capture.
 * The lab's password is given, so authentication is verified and MPPE
 * decrypted where the capture allows.
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
	char a0[] = "pptp-analyze", a2[] = "fuzz.pcap", a3[] = "--max-calls=64";
	char a1[32];
	char *argv[5];

	snprintf(a1, sizeof a1, "%s", mode[size % 4]);
	argv[0] = a0;
	argv[1] = a1;
	argv[2] = a3;
	argv[3] = a2;
	argv[4] = NULL;
	(void)pa_main(4, argv, data, size);
	fflush(stdout);
	return 0;
}
