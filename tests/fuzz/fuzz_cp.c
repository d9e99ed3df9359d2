/* fuzz_cp.c: one control packet of LCP, CCP, IPCP or IPV6CP (lib/cp.h: packet, option list, option values); FZ_CP_KIND picks which. */
#include "fmt.h"
#include "fuzz.h"
#include "ppp.h"
#include "cp.h"

#ifndef FZ_CP_KIND
#define FZ_CP_KIND PT_CPK_LCP
#endif

/* Input: the control packet (Code, Identifier, Length, data), and maybe padding after Length. */

static void options(const pt_cp_pkt *p, const pt_sink *sink, const pt_where *at)
{
	pt_cp_opt_iter it;
	pt_cp_opt o;
	int rc;

	(void)pt_cp_opts_check(FZ_CP_KIND, p->code, &p->rest, p->complete, sink, at);
	pt_cp_opt_iter_init(&it, &p->rest, p->complete);
	while ((rc = pt_cp_opt_next(&it, &o)) == 1) {
		pt_cp_optval v;
		const pt_cp_optdesc *d = pt_cp_optdesc_find(FZ_CP_KIND, o.type);

		FZ_ASSERT(o.len >= 2);
		fz_touch(o.val.p, pt_left(&o.val));
		(void)pt_cp_opt_name(FZ_CP_KIND, o.type);
		memset(&v, 0, sizeof v);
		if (pt_cp_opt_decode(FZ_CP_KIND, &o, &v) == PT_OK && d) {
			/* what was decoded builds again, within the option's length limits */
			uint8_t out[512];
			pt_writer w = pt_wr(out, sizeof out);
			if (pt_cp_opt_build(FZ_CP_KIND, o.type, &v, &w) == PT_OK) {
				FZ_ASSERT(pt_wlen(&w) >= 2 && out[0] == o.type && out[1] == pt_wlen(&w));
				FZ_ASSERT(pt_wlen(&w) >= d->len_min && pt_wlen(&w) <= d->len_max);
			}
		}
	}
	FZ_ASSERT(rc == 0 || rc == PT_EINVAL || rc == PT_ETRUNC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pt_sink sink = fz_sink();
	pt_where at = fz_where(1, 1000000000, PT_DIR_PNS);
	pt_cursor c = pt_cur(data, size);
	pt_cp_pkt p;
	char line[1024];
	int rc;

	rc = pt_cp_parse(FZ_CP_KIND, &c, &p);
	(void)pt_cp_code_valid(FZ_CP_KIND, p.code);
	if (rc == PT_OK || rc == PT_ETRUNC) {
		fz_touch(p.rest.p, pt_left(&p.rest));
		if (p.code >= PT_CP_CONF_REQ && p.code <= PT_CP_CONF_REJ)
			options(&p, &sink, &at);
	}
	/* a whole packet rebuilds byte for byte (codes 8-13 carry fixed fields in LCP only) */
	if (rc == PT_OK && (FZ_CP_KIND == PT_CPK_LCP || p.code < 8 || p.code > 13)) {
		uint8_t out[65536];
		pt_writer w = pt_wr(out, sizeof out);
		FZ_ASSERT(pt_cp_build(&p, &w) == PT_OK);
		FZ_ASSERT(pt_wlen(&w) == p.length);
		FZ_ASSERT(memcmp(out, data, p.length) == 0);
	}
	/* the decode line of the same packet inside a PPP frame */
	{
		uint8_t *frame = malloc(size + 2);
		uint16_t proto = pt_cp_kind_proto(FZ_CP_KIND);
		if (!frame)
			abort();
		frame[0] = (uint8_t)(proto >> 8);
		frame[1] = (uint8_t)proto;
		memcpy(frame + 2, data, size);
		pt_fmt_ppp(frame, size + 2, 0x81, line, sizeof line);
		FZ_ASSERT(strlen(line) < sizeof line);
		free(frame);
	}
	return 0;
}
