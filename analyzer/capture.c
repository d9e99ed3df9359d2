/* capture.c: pcap/pcapng files and live interfaces through libpcap (pcap(3PCAP), pcap-savefile(5)), one-line errors, link layer decoded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "capture.h"

struct pt_cap {
	pcap_t *p;
	int dlt;
	int live;
	int have_prog;             /* files: the user filter, applied with pcap_offline_filter */
	struct bpf_program prog;
	char name[256];
	pt_cap_stats st;
	char *iobuf;               /* files: the stdio buffer, PT_CAP_IOBUF octets */
};

/*
 * libpcap reads a file through stdio, one record header and one record at a time; with the default buffer
 * (st_blksize, 4 KiB) that is a read(2) per 4 KiB.  A larger buffer makes it one per MiB: a quarter less CPU
 * for a bare pcap_next_ex loop over a large capture (docs/performance.md).
 */
#define PT_CAP_IOBUF (1u << 20)

/*
 * pcapng timestamps are 64-bit, and if_tsoffset is signed: keep capture times within +-2^61 us (73,000
 * years) so that no time, and no difference of two, overflows int64_t further on.
 */
#define PT_CAP_TS_LIMIT ((int64_t)1 << 61)

static int64_t ts_us_of(const struct timeval *tv)
{
	int64_t s = (int64_t)tv->tv_sec;

	if (s > PT_CAP_TS_LIMIT / 1000000)
		return PT_CAP_TS_LIMIT;
	if (s < -(PT_CAP_TS_LIMIT / 1000000))
		return -PT_CAP_TS_LIMIT;
	return s * 1000000 + (int64_t)tv->tv_usec;
}

static void set_name(pt_cap *c, const char *name)
{
	snprintf(c->name, sizeof c->name, "%s", name);
}

static void supported_list(char *buf, size_t n)
{
	static const int dlts[] = { PT_LINK_EN10MB, PT_LINK_LINUX_SLL, PT_LINK_LINUX_SLL2, PT_LINK_RAW, PT_LINK_NULL,
				    PT_LINK_LOOP, PT_LINK_IPV4, PT_LINK_IPV6 };
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof dlts / sizeof dlts[0] && at < n; i++) {
		int k = snprintf(buf + at, n - at, "%s%s", i ? ", " : "", pt_link_name(dlts[i]));
		if (k < 0)
			break;
		at += (size_t)k;
	}
}

static int check_link(pt_cap *c, char *err, size_t errlen)
{
	const char *nm, *desc;
	char list[160];

	c->dlt = pcap_datalink(c->p);
	if (pt_link_supported(c->dlt))
		return 0;
	nm = pcap_datalink_val_to_name(c->dlt);
	desc = pcap_datalink_val_to_description(c->dlt);
	supported_list(list, sizeof list);
	if (desc && nm && strcmp(desc, nm) == 0)
		desc = NULL;
	snprintf(err, errlen, "%s: unsupported link type %d (%s%s%s); supported: %s", c->name, c->dlt, nm ? nm : "unknown",
		 desc ? ", " : "", desc ? desc : "", list);
	return -1;
}

static int compile(pt_cap *c, const char *expr, struct bpf_program *prog, char *err, size_t errlen)
{
	if (pcap_compile(c->p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s: bad filter \"%s\": %s", c->name, expr, pcap_geterr(c->p));
		return -1;
	}
	return 0;
}

static pt_cap *cap_new(const char *name)
{
	pt_cap *c = calloc(1, sizeof *c);

	if (c)
		set_name(c, name);
	return c;
}

void pt_cap_close(pt_cap *c)
{
	if (!c)
		return;
	if (c->have_prog)
		pcap_freecode(&c->prog);
	if (c->p)
		pcap_close(c->p);
	free(c->iobuf); /* after pcap_close, which closes the FILE using it */
	free(c);
}

/* The rest of opening a file once libpcap has tried (c->p NULL: it failed with ebuf): errors, link type, filter. */
static int open_done(pt_cap **out, pt_cap *c, const pt_cap_opts *o, const char *ebuf, char *err, size_t errlen)
{
	if (!c->p) {
		size_t el = strlen(ebuf);
		/* libpcap: "...tried to read 4 file header bytes, only got 0" for no data at all, "unknown file format"
		 * for anything neither pcap nor pcapng, "truncated dump file" for a header cut short */
		if (el >= 10 && strcmp(ebuf + el - 10, "only got 0") == 0)
			snprintf(err, errlen, "%s: not a capture file: no data", c->name);
		else if (strstr(ebuf, "unknown file format"))
			snprintf(err, errlen, "%s: not a pcap or pcapng capture file (libpcap: %s)", c->name, ebuf);
		else if (strstr(ebuf, "truncated"))
			snprintf(err, errlen, "%s: truncated capture file header (libpcap: %s)", c->name, ebuf);
		else
			snprintf(err, errlen, "%s: cannot read capture (libpcap: %s)", c->name, ebuf);
		goto fail;
	}
	c->st.snaplen = pcap_snapshot(c->p);
	if (check_link(c, err, errlen) != 0)
		goto fail;
	if (o && o->filter && o->filter[0]) {
		if (compile(c, o->filter, &c->prog, err, errlen) != 0)
			goto fail;
		c->have_prog = 1;
	}
	*out = c;
	return 0;
fail:
	pt_cap_close(c);
	return -1;
}

int pt_cap_open_fp(pt_cap **out, FILE *fp, const char *name, const pt_cap_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pt_cap *c;

	*out = NULL;
	if (!(c = cap_new(name))) {
		snprintf(err, errlen, "%s: out of memory", name);
		fclose(fp);
		return -1;
	}
	ebuf[0] = '\0';
	c->p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!c->p)
		fclose(fp); /* once opened, pcap_close closes it */
	return open_done(out, c, o, ebuf, err, errlen);
}

int pt_cap_open_file(pt_cap **out, const char *path, const pt_cap_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	int is_stdin = strcmp(path, "-") == 0;
	pt_cap *c;

	*out = NULL;
	if (!is_stdin) {
		struct stat sb;
		if (stat(path, &sb) != 0) {
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
			return -1;
		}
		if (S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(EISDIR));
			return -1;
		}
		if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
			snprintf(err, errlen, "%s: not a capture file: the file is empty", path);
			return -1;
		}
	}
	if (!(c = cap_new(is_stdin ? "stdin" : path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	ebuf[0] = '\0';
	if (!is_stdin) {
		FILE *fp = fopen(path, "rb");

		if (fp && (c->iobuf = malloc(PT_CAP_IOBUF)) && setvbuf(fp, c->iobuf, _IOFBF, PT_CAP_IOBUF) == 0) {
			c->p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
			if (!c->p)
				fclose(fp);
			return open_done(out, c, o, ebuf, err, errlen);
		}
		if (fp)
			fclose(fp); /* then libpcap opens it itself, with its own errors */
	}
	c->p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	return open_done(out, c, o, ebuf, err, errlen);
}

static void live_error(pt_cap *c, const char *what, int rc, char *err, size_t errlen)
{
	const char *detail = pcap_geterr(c->p), *status = pcap_statustostr(rc);

	if (detail && detail[0] && strcmp(detail, status) != 0)
		snprintf(err, errlen, "%s: %s: %s (%s)", c->name, what, status, detail);
	else
		snprintf(err, errlen, "%s: %s: %s", c->name, what, status);
}

int pt_cap_open_live(pt_cap **out, const char *ifname, const pt_cap_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE], expr[1024];
	struct bpf_program prog;
	const char *user = o && o->filter && o->filter[0] ? o->filter : NULL;
	pt_cap *c;
	int rc;

	*out = NULL;
	if (!(c = cap_new(ifname))) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		return -1;
	}
	c->live = 1;
	ebuf[0] = '\0';
	if (!(c->p = pcap_create(ifname, ebuf))) {
		snprintf(err, errlen, "%s: cannot capture: %s", ifname, ebuf);
		goto fail;
	}
	pcap_set_snaplen(c->p, o && o->snaplen > 0 ? o->snaplen : 262144);
	pcap_set_promisc(c->p, o ? o->promisc : 0);
	pcap_set_timeout(c->p, o && o->timeout_ms > 0 ? o->timeout_ms : 250);
	if (o && o->immediate)
		pcap_set_immediate_mode(c->p, 1);
	rc = pcap_activate(c->p);
	if (rc < 0) {
		live_error(c, "cannot capture", rc, err, errlen);
		goto fail;
	}
	/* rc > 0 is a warning (e.g. promiscuous mode not supported); capture goes on */
	c->st.snaplen = pcap_snapshot(c->p);
	if (check_link(c, err, errlen) != 0)
		goto fail;

	if (o && o->all_traffic) {
		/* --audit: everything (or the user filter alone), so that traffic other than PPTP can be reported */
		if (!user) {
			c->st.snaplen = pcap_snapshot(c->p);
			*out = c;
			return 0;
		}
		if (compile(c, user, &prog, err, errlen) != 0)
			goto fail;
	} else if (user) {
		snprintf(expr, sizeof expr, "(%s) and (%s)", PT_CAP_DEFAULT_FILTER, user);
		if (compile(c, expr, &prog, err, errlen) != 0) {
			/* name the user's part, not our wrapper */
			char one[PT_CAP_ERRLEN];
			if (compile(c, user, &prog, one, sizeof one) != 0)
				snprintf(err, errlen, "%s", one);
			else
				pcap_freecode(&prog);
			goto fail;
		}
	} else {
		/* the default, and the same behind one 802.1Q tag where the link type knows "vlan" */
		snprintf(expr, sizeof expr, "(%s) or (vlan and (%s))", PT_CAP_DEFAULT_FILTER, PT_CAP_DEFAULT_FILTER);
		if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0 &&
		    compile(c, PT_CAP_DEFAULT_FILTER, &prog, err, errlen) != 0)
			goto fail;
	}
	rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot set the filter: %s", c->name, pcap_geterr(c->p));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	pt_cap_close(c);
	return -1;
}

int pt_cap_next(pt_cap *c, pt_cap_rec *rec, char *err, size_t errlen)
{
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		pt_cursor cur;
		int rc = pcap_next_ex(c->p, &h, &data);

		if (rc == 0)
			return PT_CAP_TIMEOUT;   /* live only: the buffer timeout expired with nothing */
		if (rc == PCAP_ERROR_BREAK)
			return PT_CAP_END;       /* end of file, or pcap_breakloop() */
		if (rc != 1) {
			const char *msg = pcap_geterr(c->p);
			if (c->live)
				snprintf(err, errlen, "%s: packet %llu: capture failed (libpcap: %s)", c->name,
					 (unsigned long long)c->st.records + 1, msg);
			else
				snprintf(err, errlen, "%s: packet %llu: %s capture file (libpcap: %s)", c->name,
					 (unsigned long long)c->st.records + 1,
					 strstr(msg, "truncated") ? "truncated" : "damaged", msg);
			return PT_CAP_ERROR;
		}
		c->st.records++;
		if (c->have_prog && !pcap_offline_filter(&c->prog, h, data)) {
			c->st.filtered++;
			continue;
		}
		rec->pkt = c->st.records;
		rec->ts_us = ts_us_of(&h->ts);
		rec->caplen = h->caplen;
		rec->len = h->len;
		rec->data = data;
		if (h->caplen < h->len)
			c->st.cut++;
		cur = pt_cur(data, h->caplen);
		rec->link_rc = pt_link_decode(c->dlt, &cur, &rec->link);
		if (rec->link_rc != PT_OK)
			c->st.link_trunc++;
		else if (rec->link.l3 == PT_L3_OTHER)
			c->st.not_ip++;
		return PT_CAP_PACKET;
	}
}

void pt_cap_break(pt_cap *c)
{
	if (c && c->p)
		pcap_breakloop(c->p);
}

int pt_cap_datalink(const pt_cap *c)
{
	return c->dlt;
}

const char *pt_cap_name(const pt_cap *c)
{
	return c->name;
}

int64_t pt_cap_size(const pt_cap *c)
{
	FILE *fp = c->live ? NULL : pcap_file(c->p);
	struct stat st;

	if (!fp || fileno(fp) < 0 || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	return (int64_t)st.st_size;
}

int64_t pt_cap_offset(const pt_cap *c)
{
	FILE *fp = c->live ? NULL : pcap_file(c->p);

	return fp ? (int64_t)ftello(fp) : -1;
}

void pt_cap_get_stats(pt_cap *c, pt_cap_stats *st)
{
	*st = c->st;
	if (c->live) {
		struct pcap_stat ps;
		if (pcap_stats(c->p, &ps) == 0) {
			st->have_kernel = 1;
			st->kernel_recv = ps.ps_recv;
			st->kernel_drop = ps.ps_drop;
			st->if_drop = ps.ps_ifdrop;
		}
	}
}

int pt_cap_filter_check(const char *expr, int dlt, char *err, size_t errlen)
{
	pcap_t *p = pcap_open_dead(dlt, 262144);
	struct bpf_program prog;
	int rc = 0;

	if (!p) {
		snprintf(err, errlen, "cannot check filter \"%s\": out of memory", expr);
		return -1;
	}
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "bad filter \"%s\": %s", expr, pcap_geterr(p));
		rc = -1;
	} else {
		pcap_freecode(&prog);
	}
	pcap_close(p);
	return rc;
}
