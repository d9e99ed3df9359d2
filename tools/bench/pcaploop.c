/* pcaploop.c: the I/O floor of make bench: a bare libpcap pcap_next_ex loop over a capture, nothing parsed. */
#include <pcap/pcap.h>
#include <stdio.h>

/* The same stdio buffer as pptp-analyze gives libpcap (analyzer/capture.c): the floor reads the file as cheaply. */
#define IOBUF (1u << 20)

int main(int argc, char **argv)
{
	static char iobuf[IOBUF];
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *d;
	unsigned long long n = 0, bytes = 0, sum = 0;
	FILE *fp;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fputs("usage: pcaploop FILE\n", stderr);
		return 2;
	}
	if (!(fp = fopen(argv[1], "rb")) || setvbuf(fp, iobuf, _IOFBF, sizeof iobuf) != 0) {
		fprintf(stderr, "pcaploop: cannot open %s\n", argv[1]);
		return 2;
	}
	if (!(p = pcap_fopen_offline(fp, err))) {
		fprintf(stderr, "pcaploop: %s\n", err);
		return 2;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		sum += d[h->caplen ? h->caplen - 1 : 0];   /* touch the data, as any reader must */
	}
	pcap_close(p);
	printf("packets=%llu bytes=%llu check=%llu\n", n, bytes, sum);
	return rc == -2 ? 0 : 1;
}
