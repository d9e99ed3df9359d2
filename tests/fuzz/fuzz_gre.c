/* fuzz_gre.c: the enhanced GRE header (lib/gre.h), the per-direction sequence/ack tracker and the decode line. */
#include "fmt.h"
#include "fuzz.h"
#include "gre.h"

/*
 * Input: two window sizes (16 bits each: PNS's, PAC's), then records of
 * [ctl][chunk]: ctl bit 0 the sender, bit 1: the wire is longer than the
 * capture by ctl >> 2 octets; the chunk is the IP payload (GRE header on).
 */

/* A packet parsed whole is rebuilt byte for byte from the header struct. */
static void check_rebuild(const pt_gre_hdr *h, const uint8_t *wire, size_t len)
{
	uint8_t out[PT_GRE_HDR_MAX + 65535];
	pt_writer w = pt_wr(out, sizeof out);
	size_t n = h->hdr_len + (size_t)h->payload_len;

	if (n > len)
		return;
	FZ_ASSERT(pt_gre_build(h, wire + h->hdr_len, h->payload_len, &w) == PT_OK);
	FZ_ASSERT(pt_wlen(&w) == n);
	FZ_ASSERT(memcmp(out, wire, n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	pt_sink sink = fz_sink();
	pt_gre_flow flow[2];
	uint64_t pkt = 0;

	pt_gre_flow_init(&flow[0], fz_u16(&in));
	pt_gre_flow_init(&flow[1], fz_u16(&in));
	while (fz_left(&in)) {
		uint8_t ctl = fz_u8(&in);
		int dir = ctl & 1;
		size_t len, wire;
		uint8_t *b = fz_chunk(&in, 65535, &len);
		pt_cursor c = pt_cur(b, len);
		pt_where at;
		pt_gre_hdr h;
		char line[512];
		int rc;

		pkt++;
		at = fz_where(pkt, 1000000000 + (int64_t)pkt * 1000, dir);
		wire = len + (ctl & 2 ? (size_t)(ctl >> 2) : 0);
		rc = ctl & 2 ? pt_gre_parse_wire(&c, wire, &h, &sink, &at) : pt_gre_parse(&c, &h, &sink, &at);
		pt_fmt_gre(&h, rc, dir, line, sizeof line);
		FZ_ASSERT(strlen(line) < sizeof line);
		if (rc == PT_OK || (rc == PT_ETRUNC && h.hdr_len)) {
			size_t pl = h.payload_len < pt_left(&c) ? h.payload_len : pt_left(&c);
			FZ_ASSERT(pt_off(&c) == h.hdr_len);
			fz_touch(c.p, pl);
			pt_gre_flow_on_pkt(&flow[dir], &flow[!dir], &h, pl, &sink, &at);
			if (rc == PT_OK)
				check_rebuild(&h, b, len);
		}
		if ((ctl & 0xfc) == 0xfc)
			pt_gre_flow_set_window(&flow[!dir], (uint16_t)(ctl & 3));
		free(b);
	}
	return 0;
}
