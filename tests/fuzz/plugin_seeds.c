/* plugin_seeds.c: seeds for fuzz_plugin cut out of capture files (libpcap): the records as fuzz_plugin's frames. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

/*
 * plugin_seeds OUTDIR CAPTURE...: OUTDIR/<capture name>, one seed per capture: a mode octet (from the name's
 * hash, so the seeds spread over the modes), then the first records, at most PS_FRAMES of them and PS_BYTES in
 * all, each as fuzz_plugin reads a frame: [link type (bits 0-1), time step in 50 ms (bits 2-7)][16-bit length]
 * [octets].  Records of a link type fuzz_plugin does not offer are left out.
 */

#define PS_FRAMES 128
#define PS_BYTES (48 * 1024)

static int link_of(int dlt)
{
	switch (dlt) {
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		return 0;
	case DLT_EN10MB:
		return 1;
	case DLT_LINUX_SLL:
		return 2;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return 3;
#endif
	default:
		return -1;
	}
}

static int do_capture(const char *outdir, const char *path)
{
	char ebuf[PCAP_ERRBUF_SIZE], out[1024];
	pcap_t *p = pcap_open_offline(path, ebuf);
	const char *base = strrchr(path, '/');
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t *buf;
	size_t len = 0;
	uint32_t hash = 2166136261u;
	unsigned frames = 0;
	int64_t last = -1;
	int lt, rc;
	FILE *f;

	if (!p) {
		fprintf(stderr, "plugin_seeds: %s: %s\n", path, ebuf);
		return -1;
	}
	base = base ? base + 1 : path;
	lt = link_of(pcap_datalink(p));
	if (lt < 0) {
		pcap_close(p);
		return 0;
	}
	buf = malloc(PS_BYTES + 3 + 65535);
	if (!buf)
		exit(2);
	for (const char *s = base; *s; s++)
		hash = (hash ^ (uint8_t)*s) * 16777619u;
	buf[len++] = (uint8_t)(hash & 7);
	while (frames < PS_FRAMES && len < PS_BYTES && (rc = pcap_next_ex(p, &h, &d)) == 1) {
		int64_t us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		int64_t step = last < 0 || us < last ? 0 : (us - last + 25000) / 50000;
		size_t n = h->caplen > 65535 ? 65535 : h->caplen;

		if (step > 62)
			step = step >= 72000 ? 63 : 62;
		last = us;
		buf[len++] = (uint8_t)(lt | step << 2);
		buf[len++] = (uint8_t)(n >> 8);
		buf[len++] = (uint8_t)n;
		memcpy(buf + len, d, n);
		len += n;
		frames++;
	}
	pcap_close(p);
	snprintf(out, sizeof out, "%s/%s", outdir, base);
	if (!(f = fopen(out, "wb")) || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(out);
		exit(2);
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: plugin_seeds OUTDIR CAPTURE...\n");
		return 2;
	}
	/* OUTDIR and its parents, as mkdir -p */
	for (char *s = argv[1]; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (s != argv[1] && mkdir(argv[1], 0777) != 0 && errno != EEXIST) {
				perror(argv[1]);
				return 2;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	for (int i = 2; i < argc; i++)
		if (do_capture(argv[1], argv[i]) != 0)
			rc = 1;
	return rc;
}
