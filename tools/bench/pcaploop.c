/* pcaploop.c: the I/O floor of make bench: a bare libpcap pcap_next_ex loop over a capture, nothing parsed. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *d;
	unsigned long long n = 0, bytes = 0, sum = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fputs("usage: pcaploop FILE\n", stderr);
		return 2;
	}
	if (!(p = pcap_open_offline(argv[1], err))) {
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
