/* fuzz_tcpreasm.c: TCP stream reassembly (lib/tcpreasm.h) on a sequence of segments decoded from the input. */
#include "fuzz.h"
#include "pptp.h"
#include "tcpreasm.h"

/*
 * Input: a first octet of settings (bit 0: a table of 2 connections, else 8
 * (the default 1024 costs more to set up than the run); bits 1-2: how the consumer takes data), then records:
 *   ctl    bits 0-1 connection (4 address pairs), bit 2 from the server,
 *          bit 3 absolute sequence number follows, bit 4 the server port is not 1723,
 *          bits 5-7 time step (x 0.5 s)
 *   flags  TCP flags
 *   dseq   16-bit signed step from this direction's next sequence number (or a 32-bit absolute one)
 *   dack   16-bit signed step from the other direction's next sequence number
 *   chunk  the payload
 */

/* One per connection, freed at its close: a callback about a closed connection is a use after free. */
typedef struct fz_conn_tag {
	int open;
} fz_conn_tag;

typedef struct fz_tcp {
	pt_tcp *t;
	int mode;
	unsigned opened, closed;
} fz_tcp;

static void *on_open(void *user, const pt_tcp_key *key, int midstream, const pt_where *at)
{
	fz_tcp *f = user;
	fz_conn_tag *tag;

	(void)midstream;
	(void)at;
	FZ_ASSERT(key->family == 4 || key->family == 6);
	if (f->mode == 3 && (f->opened & 3) == 3) {
		f->opened++;
		return NULL;   /* the caller may ignore a connection */
	}
	tag = malloc(sizeof *tag);
	if (!tag)
		abort();
	tag->open = 1;
	f->opened++;
	return tag;
}

static size_t on_data(void *user, void *conn, int dir, const uint8_t *data, size_t len, const pt_where *at)
{
	fz_tcp *f = user;
	fz_conn_tag *tag = conn;
	size_t flen;

	(void)at;
	FZ_ASSERT(tag && tag->open);
	FZ_ASSERT(dir == 0 || dir == 1);
	FZ_ASSERT(len > 0);
	fz_touch(data, len);
	FZ_ASSERT(pt_tcp_info(f->t, conn) != NULL);
	switch (f->mode) {
	case 0: /* PPTP framing, as the tunnel takes it: one message per call */
	{
		pt_cursor c = pt_cur(data, len);
		int rc = pt_ctrl_frame_len(&c, &flen);
		if (rc == PT_EINVAL)
			return 1;
		if (rc != PT_OK || flen > len)
			return 0;
		return flen;
	}
	case 1:
		return len;
	case 2:
		return data[0] % 4 == 0 ? 0 : (size_t)data[0] % len + 1;
	default:
		return len > 1 ? len / 2 : len;
	}
}

static void on_gap(void *user, void *conn, int dir, uint32_t missing, const pt_where *at)
{
	fz_conn_tag *tag = conn;

	(void)user;
	(void)missing;
	(void)at;
	FZ_ASSERT(tag && tag->open);
	FZ_ASSERT(dir == 0 || dir == 1);
}

static void on_close(void *user, void *conn, int how, int dir, const pt_where *at)
{
	fz_tcp *f = user;
	fz_conn_tag *tag = conn;

	(void)at;
	FZ_ASSERT(tag && tag->open);
	FZ_ASSERT(how >= PT_TCP_FIN && how <= PT_TCP_EOF);
	FZ_ASSERT(dir >= -1 && dir <= 1);
	FZ_ASSERT(pt_tcp_info(f->t, conn) != NULL);
	tag->open = 0;
	free(tag);
	f->closed++;
}

static const pt_tcp_ops ops = { on_open, on_data, on_gap, on_close };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	pt_sink sink = fz_sink();
	fz_tcp f;
	pt_tcp t;
	uint8_t set = fz_u8(&in);
	uint32_t next[4][2];
	int64_t now = 1000000000;
	uint64_t pkt = 0;

	memset(&f, 0, sizeof f);
	f.t = &t;
	f.mode = (set >> 1) & 3;
	for (int i = 0; i < 4; i++) {
		next[i][0] = 1000u * (uint32_t)(i + 1);
		next[i][1] = 0x80000000u + 1000u * (uint32_t)(i + 1);
	}
	if (pt_tcp_init(&t, &ops, &f, set & 1 ? 2 : 8, 0) != PT_OK)
		return 0;
	while (fz_left(&in)) {
		uint8_t ctl = fz_u8(&in);
		int ci = ctl & 3, dir = (ctl >> 2) & 1;
		pt_ip ip;
		pt_tcp_hdr th;
		uint8_t *payload;
		size_t len;
		pt_where at;

		memset(&ip, 0, sizeof ip);
		memset(&th, 0, sizeof th);
		th.flags = fz_u8(&in);
		if (ctl & 8)
			th.seq = fz_u32(&in);
		else
			th.seq = next[ci][dir] + (uint32_t)(int32_t)(int16_t)fz_u16(&in);
		th.ack = next[ci][!dir] + (uint32_t)(int32_t)(int16_t)fz_u16(&in);
		payload = fz_chunk(&in, 65535, &len);
		/* two address pairs in IPv4, two in IPv6 */
		ip.version = ci < 2 ? 4 : 6;
		for (int k = 0; k < 16; k++) {
			ip.src[k] = (uint8_t)(ci < 2 && k < 10 ? 0 : ci < 2 && k < 12 ? 0xff : 0x20 + k);
			ip.dst[k] = ip.src[k];
		}
		ip.src[15] = (uint8_t)(dir ? 1 : 2 + ci);
		ip.dst[15] = (uint8_t)(dir ? 2 + ci : 1);
		th.sport = dir ? (ctl & 16 ? 80 : PT_TCP_PPTP_PORT) : (uint16_t)(40000 + ci);
		th.dport = dir ? (uint16_t)(40000 + ci) : (ctl & 16 ? 80 : PT_TCP_PPTP_PORT);
		th.hlen = PT_TCP_HDR_MIN;
		th.window = 65535;
		th.payload = payload;
		th.payload_len = len;
		ip.payload_len = len + PT_TCP_HDR_MIN;
		ip.total_len = (uint32_t)(ip.payload_len + (ip.version == 4 ? 20 : 40));
		ip.hdr_len = ip.version == 4 ? 20 : 40;
		ip.proto = 6;
		now += (int64_t)(ctl >> 5) * 500000;
		at = fz_where(++pkt, now, PT_DIR_UNKNOWN);
		(void)pt_tcp_segment(&t, &ip, &th, payload, len, &sink, &at);
		/* the next segment of this direction follows this one by default */
		{
			uint32_t end = th.seq + (uint32_t)len + ((th.flags & (PT_TH_SYN | PT_TH_FIN)) ? 1u : 0u);
			if ((int32_t)(end - next[ci][dir]) > 0)
				next[ci][dir] = end;
		}
		free(payload);
	}
	{
		pt_where end = fz_where(pkt, now, PT_DIR_UNKNOWN);
		pt_tcp_finish(&t, &sink, &end);
	}
	FZ_ASSERT(f.closed <= f.opened);
	FZ_ASSERT(t.st.buffered == 0 || t.live > 0);
	pt_tcp_destroy(&t);
	return 0;
}
