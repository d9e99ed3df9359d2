/* fuzz_ipdefrag.c: IPv4/IPv6 headers (lib/ip.h) and fragment reassembly (lib/ipdefrag.h) on a sequence of datagrams. */
#include "fuzz.h"
#include "gre.h"
#include "ip.h"
#include "ipdefrag.h"

/*
 * Input: a settings octet (bit 0: room for 2 datagrams, else the default 256;
 * bit 1: a 1 s timeout), then records of [time step x 0.1 s][chunk]: each
 * chunk is one IP datagram or fragment as it would follow the link header.
 */

static void upper(const pt_ip *ip, const pt_sink *sink, const pt_where *at)
{
	pt_cursor c = pt_cur(ip->payload, ip->payload_len);

	fz_touch(ip->payload, ip->payload_len);
	if (ip->proto == PT_IPPROTO_TCP) {
		pt_tcp_hdr th;
		if (pt_tcp_parse(&c, ip, &th, sink, at) == PT_OK)
			fz_touch(th.payload, th.payload_len);
	} else if (ip->proto == PT_GRE_IPPROTO) {
		pt_gre_hdr h;
		(void)pt_gre_parse_wire(&c, ip->total_len > ip->hdr_len ? ip->total_len - ip->hdr_len : 0, &h, sink, at);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	pt_sink sink = fz_sink();
	pt_defrag d;
	uint8_t set = fz_u8(&in);
	int64_t now = 1000000000;
	uint64_t pkt = 0;

	if (pt_defrag_init(&d, set & 1 ? 2 : 0, 0, set & 2 ? 1000000 : 0) != PT_OK)
		return 0;
	while (fz_left(&in)) {
		uint8_t step = fz_u8(&in);
		size_t len;
		uint8_t *b = fz_chunk(&in, 65535, &len);
		pt_cursor c = pt_cur(b, len);
		pt_ip ip, whole;
		pt_where at;
		int rc;

		now += (int64_t)step * 100000;
		at = fz_where(++pkt, now, PT_DIR_UNKNOWN);
		rc = pt_ip_parse(&c, &ip, &sink, &at);
		if (rc == PT_OK) {
			FZ_ASSERT(ip.version == 4 || ip.version == 6);
			FZ_ASSERT(ip.payload_len == 0 || (ip.payload >= b && ip.payload + ip.payload_len <= b + len));
			if (!ip.is_fragment) {
				upper(&ip, &sink, &at);
			} else {
				rc = pt_defrag_add(&d, &ip, &whole, &sink, &at);
				if (rc == PT_DEFRAG_DONE) {
					FZ_ASSERT(whole.reassembled && !whole.is_fragment);
					FZ_ASSERT(whole.payload_len <= PT_DEFRAG_MAX_LEN);
					upper(&whole, &sink, &at);
				}
			}
		}
		FZ_ASSERT(d.live <= d.max_dgrams);
		FZ_ASSERT(d.bytes <= d.max_bytes);
		if ((step & 0x0f) == 0x0f)
			pt_defrag_expire(&d, &sink, &at);
		free(b);
	}
	{
		pt_where end = fz_where(pkt, now, PT_DIR_UNKNOWN);
		pt_defrag_finish(&d, &sink, &end);
	}
	FZ_ASSERT(d.live == 0);
	pt_defrag_destroy(&d);
	return 0;
}
