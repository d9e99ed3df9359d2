/* writer.c: a classic pcap writer for decrypted inner frames (LINKTYPE_PPP_WITH_DIR = 204). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "writer.h"

#define LINKTYPE_PPP_WITH_DIR 204
/* libpcap ppp.h: PPP_WITHDIRECTION_IN 0x00, PPP_WITHDIRECTION_OUT 0x01 */
#define DIR_IN 0x00
#define DIR_OUT 0x01

struct pa_pcapw {
	FILE *f;
	char *path;
	int failed;
	uint64_t frames;
};

static void put32(uint8_t *p, uint32_t v)
{
	/* little-endian, the byte order of the magic we write */
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

pa_pcapw *pa_pcapw_open(const char *path, char *err, size_t errlen)
{
	pa_pcapw *w = calloc(1, sizeof *w);
	uint8_t h[24];

	if (!w) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	w->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (!w->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(w);
		return NULL;
	}
	w->path = strdup(path);
	put32(h, 0xa1b2c3d4u);
	h[4] = 2; /* version 2.4 */
	h[5] = 0;
	h[6] = 4;
	h[7] = 0;
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, 65535 + 8);
	put32(h + 20, LINKTYPE_PPP_WITH_DIR);
	if (fwrite(h, 1, sizeof h, w->f) != sizeof h)
		w->failed = 1;
	return w;
}

void pa_pcapw_ppp(pa_pcapw *w, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len)
{
	uint8_t rh[16], ph[5];
	int64_t ts = at->ts_us;
	size_t n = len + sizeof ph;

	if (!w || w->failed || len > 65535)
		return;
	put32(rh, (uint32_t)(ts / 1000000));
	put32(rh + 4, (uint32_t)(ts % 1000000));
	put32(rh + 8, (uint32_t)n);
	put32(rh + 12, (uint32_t)n);
	/* direction octet, then the frame with HDLC-like address/control, then the protocol */
	ph[0] = at->dir == 0 ? DIR_OUT : DIR_IN;
	ph[1] = 0xff;
	ph[2] = 0x03;
	ph[3] = (uint8_t)(proto >> 8);
	ph[4] = (uint8_t)proto;
	if (fwrite(rh, 1, sizeof rh, w->f) != sizeof rh || fwrite(ph, 1, sizeof ph, w->f) != sizeof ph ||
	    fwrite(data, 1, len, w->f) != len)
		w->failed = 1;
	w->frames++;
}

int pa_pcapw_close(pa_pcapw *w)
{
	int rc = 0;

	if (!w)
		return 0;
	if (w->f != stdout) {
		if (fclose(w->f) != 0)
			w->failed = 1;
	} else {
		fflush(stdout);
	}
	if (w->failed) {
		fprintf(stderr, "pptp-analyze: %s: write failed\n", w->path ? w->path : "?");
		rc = -1;
	}
	free(w->path);
	free(w);
	return rc;
}
