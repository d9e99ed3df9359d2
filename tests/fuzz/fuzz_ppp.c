/* fuzz_ppp.c: PPP frames (lib/ppp.h) through the PPP observer (lib/pppobs.h: LCP/CCP/IPCP/IPV6CP automata, authentication) and the decode line. */
#include "fmt.h"
#include "fuzz.h"
#include "ppp.h"
#include "pppobs.h"

/*
 * Input: records of [ctl][chunk]: ctl bit 0 the sender, bit 1 the frame was
 * cut by the capture, bits 2-7 the seconds since the last; the chunk is one
 * PPP frame as carried in GRE (address/control and protocol fields on).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	pt_sink sink = fz_sink();
	static pt_pppobs o;   /* large; zeroed by init */
	int64_t now = 1000000000;
	uint64_t pkt = 0;
	uint8_t alg = 0;

	pt_pppobs_init(&o);
	while (fz_left(&in)) {
		uint8_t ctl = fz_u8(&in);
		int dir = ctl & 1 ? PT_DIR_PAC : PT_DIR_PNS;
		size_t len;
		uint8_t *b = fz_chunk(&in, 65535, &len);
		pt_cursor c = pt_cur(b, len);
		pt_pppobs_event ev;
		pt_ppp_frame f;
		pt_where at;
		char line[1024];

		now += (int64_t)(ctl >> 2) * 1000000;
		at = fz_where(++pkt, now, dir);
		(void)pt_pppobs_on_packet(&o, dir, &c, ctl & 2, &sink, &at, &ev);
		/* the decode line, with the CHAP algorithm a previous frame may have named */
		pt_fmt_ppp(b, len, alg, line, sizeof line);
		FZ_ASSERT(strlen(line) < sizeof line);
		c = pt_cur(b, len);
		if (pt_ppp_parse(&c, &f) == PT_OK) {
			FZ_ASSERT(f.info.end == b + len);
			FZ_ASSERT(f.proto_ok == pt_ppp_proto_valid(f.proto));
			(void)pt_ppp_proto_name(f.proto);
			if (f.proto == PT_PPP_LCP && len > 8)
				alg = b[len - 1];
		}
		free(b);
	}
	return 0;
}
