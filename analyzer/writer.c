/* writer.c: a classic pcap writer for decrypted inner frames (LINKTYPE_PPP_WITH_DIR = 204). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "writer.h"

/* Linux cooked capture v1, as tcpdump writes for ppp0: tcpdump and Wireshark both read it,
 * and its packet type keeps the direction (as seen from the PNS: 4 = sent by it, 0 = to it). */
#define LINKTYPE_LINUX_SLL 113
#define SLL_HOST 0
#define SLL_OUTGOING 4
#define ARPHRD_PPP 512

/* A record per decrypted frame: a stdio buffer of 256 KiB makes that one write(2) per 256 KiB (system time of -w on
 * a 200 MB capture 0.08 s instead of 0.2 s with the default 4 KiB; 1 MiB writes took 0.4 s, here) */
#define PA_PCAPW_BUF (256u << 10)

struct pa_pcapw {
	FILE *f;
	char *path;
	char *buf;      /* the FILE's buffer (files only; standard output keeps its own) */
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
	if (w->f != stdout && (w->buf = malloc(PA_PCAPW_BUF)) && setvbuf(w->f, w->buf, _IOFBF, PA_PCAPW_BUF) != 0) {
		free(w->buf);
		w->buf = NULL;
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
	put32(h + 20, LINKTYPE_LINUX_SLL);
	if (fwrite(h, 1, sizeof h, w->f) != sizeof h)
		w->failed = 1;
	return w;
}

void pa_pcapw_ppp(pa_pcapw *w, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len)
{
	uint8_t hdr[32], *rh = hdr, *ph = hdr + 16; /* record header, then the SLL header: one write */
	uint16_t etype;
	int64_t ts = at->ts_us;
	size_t n = len + 16;

	if (!w || w->failed || len > 65535)
		return;
	/* SLL carries an EtherType: IPv4 and IPv6 only; other inner protocols are not written */
	if (proto == 0x0021)
		etype = 0x0800;
	else if (proto == 0x0057)
		etype = 0x86dd;
	else
		return;
	put32(rh, (uint32_t)(ts / 1000000));
	put32(rh + 4, (uint32_t)(ts % 1000000));
	put32(rh + 8, (uint32_t)n);
	put32(rh + 12, (uint32_t)n);
	memset(ph, 0, 16);
	ph[1] = at->dir == 0 ? SLL_OUTGOING : SLL_HOST;
	ph[2] = ARPHRD_PPP >> 8;
	ph[3] = ARPHRD_PPP & 0xff;
	ph[14] = (uint8_t)(etype >> 8);
	ph[15] = (uint8_t)etype;
	if (fwrite(hdr, 1, sizeof hdr, w->f) != sizeof hdr || fwrite(data, 1, len, w->f) != len)
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
	free(w->buf); /* after fclose, which flushed it */
	free(w->path);
	free(w);
	return rc;
}
