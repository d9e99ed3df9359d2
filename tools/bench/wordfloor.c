/* wordfloor.c: make bench-wordlist's floor (issue 25): per candidate one MD4 of the UTF-16LE word (RFC 2759 8.3) and the three DES of RFC 2759 8.5 against one MS-CHAPv2 handshake, with libgcrypt through lib/, one thread, no other work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mschap.h"

static int hex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t chal[8], want[24], nt[16], resp[24];
	char *line = NULL;
	size_t cap = 0;
	unsigned long long n = 0, found = 0;
	struct timespec a, b;
	FILE *fp;

	if (argc != 4 || hex(argv[2], chal, 8) || hex(argv[3], want, 24) || !(fp = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: wordfloor WORDLIST CHALLENGE-HASH-HEX16 NT-RESPONSE-HEX48\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (ssize_t len; (len = getline(&line, &cap, fp)) > 0;) {
		if (line[len - 1] == '\n')
			line[--len] = 0;
		n++;
		if (pt_nt_password_hash(line, nt) == PT_OK && pt_challenge_response(chal, nt, resp) == PT_OK &&
		    memcmp(resp, want, 24) == 0)
			found = n;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%llu candidates in %.3f s, found at line %llu\n", n,
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9, found);
	free(line);
	fclose(fp);
	return 0;
}
