/* out.c: capture file writers: classic pcap (microsecond) and pcapng (SHB, IDB, EPB), little-endian, no libpcap. */
#include <string.h>

#include "mkcap.h"

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void wr(mk_out *o, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, o->f) != n)
		mk_fatal("write failed");
}

void mk_out_start(mk_out *o)
{
	uint8_t h[48];

	if (o->started)
		return;
	o->started = 1;
	if (o->fmt == MK_FMT_PCAP) {
		/* pcap: magic a1b2c3d4 (microseconds), version 2.4, zone 0, sigfigs 0, snaplen, linktype */
		put_le32(h, 0xa1b2c3d4u);
		put_le16(h + 4, 2);
		put_le16(h + 6, 4);
		put_le32(h + 8, 0);
		put_le32(h + 12, 0);
		put_le32(h + 16, o->snaplen);
		put_le32(h + 20, o->linktype);
		wr(o, h, 24);
		return;
	}
	/* pcapng Section Header Block: type, length, byte-order magic, version 1.0, section length -1 */
	put_le32(h, 0x0a0d0d0au);
	put_le32(h + 4, 28);
	put_le32(h + 8, 0x1a2b3c4du);
	put_le16(h + 12, 1);
	put_le16(h + 14, 0);
	put_le32(h + 16, 0xffffffffu);
	put_le32(h + 20, 0xffffffffu);
	put_le32(h + 24, 28);
	wr(o, h, 28);
	/* Interface Description Block: linktype, snaplen; no if_tsresol option, so microseconds */
	put_le32(h, 1);
	put_le32(h + 4, 20);
	put_le16(h + 8, (uint16_t)o->linktype);
	put_le16(h + 10, 0);
	put_le32(h + 12, o->snaplen);
	put_le32(h + 16, 20);
	wr(o, h, 20);
}

void mk_out_packet(mk_out *o, int64_t ts_us, const uint8_t *p, size_t len)
{
	uint8_t h[28];
	size_t cap = len < o->snaplen ? len : o->snaplen;
	uint64_t ts = ts_us < 0 ? 0 : (uint64_t)ts_us;

	mk_out_start(o);
	o->npkt++;
	if (o->fmt == MK_FMT_PCAP) {
		put_le32(h, (uint32_t)(ts / 1000000));
		put_le32(h + 4, (uint32_t)(ts % 1000000));
		put_le32(h + 8, (uint32_t)cap);
		put_le32(h + 12, (uint32_t)len);
		wr(o, h, 16);
		wr(o, p, cap);
		return;
	}
	{
		static const uint8_t zero[4];
		size_t pad = (4 - cap % 4) % 4;
		uint32_t blen = (uint32_t)(28 + cap + pad + 4);
		/* Enhanced Packet Block: interface 0, 64-bit timestamp in microseconds */
		put_le32(h, 6);
		put_le32(h + 4, blen);
		put_le32(h + 8, 0);
		put_le32(h + 12, (uint32_t)(ts >> 32));
		put_le32(h + 16, (uint32_t)ts);
		put_le32(h + 20, (uint32_t)cap);
		put_le32(h + 24, (uint32_t)len);
		wr(o, h, 28);
		wr(o, p, cap);
		wr(o, zero, pad);
		put_le32(h, blen);
		wr(o, h, 4);
	}
}
