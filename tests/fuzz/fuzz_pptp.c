/* fuzz_pptp.c: PPTP control messages (lib/pptp.h) and the control connection automaton (lib/ctrl_fsm.h) on a stream. */
#include "ctrl_fsm.h"
#include "fmt.h"
#include "fuzz.h"
#include "pptp.h"

/*
 * Input: records of [ctl][chunk]: ctl bit 0 is the sender (PNS/PAC), bit 1 a
 * gap before the chunk, bits 2-7 the seconds since the last record; the
 * chunk holds message bytes, framed by their Length as on TCP 1723.
 */

/* A message parsed whole with its exact length is rebuilt byte for byte. */
static void check_rebuild(const pt_ctrl_msg *m, const uint8_t *wire, size_t len)
{
	uint8_t out[PT_PPTP_MAX_LEN];
	pt_writer w = pt_wr(out, sizeof out);

	FZ_ASSERT(pt_ctrl_build_raw(m, &w) == PT_OK);
	FZ_ASSERT(pt_wlen(&w) == len);
	FZ_ASSERT(memcmp(out, wire, len) == 0);
}

static void one_message(pt_ctrl_conn *cc, pt_cursor *c, int dir, const pt_sink *sink, const pt_where *at)
{
	const uint8_t *start = c->p;
	const pt_ctrl_desc *d;
	pt_ctrl_msg m;
	pt_ctrl_event ev;
	char line[2048];
	size_t flen = 0;
	int rc;

	if (pt_ctrl_frame_len(c, &flen) == PT_EINVAL) {
		pt_skip(c, 1);   /* resynchronise one octet on, as the tunnel does */
		return;
	}
	rc = pt_ctrl_parse(c, &m, sink, at);
	FZ_ASSERT(c->p > start || rc == PT_ETRUNC);
	pt_fmt_ctrl(&m, rc, dir, line, sizeof line);
	FZ_ASSERT(strlen(line) < sizeof line);
	if (rc == PT_ETRUNC) {
		c->p = c->end;
		return;
	}
	d = pt_ctrl_desc_get(m.type);
	if (d) {
		for (size_t i = 0; i < d->nfields; i++)
			(void)pt_ctrl_field_get(&m, &d->fields[i]);
		if (rc == PT_OK && m.length == d->len)
			check_rebuild(&m, start, m.length);
	}
	if (rc == PT_OK) {
		(void)pt_ctrl_conn_may_send(cc, dir, m.type);
		(void)pt_ctrl_conn_on_msg(cc, dir, &m, sink, at, &ev);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	pt_sink sink = fz_sink();
	pt_ctrl_conn cc;
	int64_t now = 1000000000;
	uint64_t pkt = 0;

	pt_ctrl_conn_init(&cc);
	if (fz_u8(&in) & 1)
		pt_ctrl_conn_set_midstream(&cc, 1);
	while (fz_left(&in)) {
		uint8_t ctl = fz_u8(&in);
		int dir = ctl & 1 ? PT_DIR_PAC : PT_DIR_PNS;
		size_t len;
		uint8_t *chunk = fz_chunk(&in, 4096, &len);
		pt_cursor c = pt_cur(chunk, len);
		pt_where at;

		now += (int64_t)(ctl >> 2) * 1000000;
		at = fz_where(++pkt, now, dir);
		if (ctl & 2)
			pt_ctrl_conn_note_gap(&cc);
		while (pt_left(&c))
			one_message(&cc, &c, dir, &sink, &at);
		pt_ctrl_conn_tick(&cc, now, &sink, &at);
		free(chunk);
	}
	{
		pt_where end = fz_where(pkt, now, PT_DIR_UNKNOWN);
		pt_ctrl_conn_finish(&cc, &sink, &end);
	}
	return 0;
}
