/* ppp.c: PPP frame header parse/build (RFC 1661 2, 6.5, 6.6; RFC 1662 3.1) and the protocol number table. */
#include "ppp.h"

const pt_vs pt_ppp_proto_vs[] = {
	{ PT_PPP_PADDING, "Padding" },
	{ PT_PPP_IP, "IPv4" },
	{ PT_PPP_IPX, "IPX" },
	{ PT_PPP_VJC_COMP, "VJ compressed TCP/IP" },
	{ PT_PPP_VJC_UNCOMP, "VJ uncompressed TCP/IP" },
	{ PT_PPP_MP, "Multilink" },
	{ PT_PPP_ECP_DATA, "Encrypted datagram" },
	{ PT_PPP_IPV6, "IPv6" },
	{ PT_PPP_COMP_LINK, "Individual link compressed datagram" },
	{ PT_PPP_COMP, "Compressed datagram" },
	{ PT_PPP_IPCP, "IPCP" },
	{ PT_PPP_IPXCP, "IPXCP" },
	{ PT_PPP_ECP, "ECP" },
	{ PT_PPP_IPV6CP, "IPV6CP" },
	{ PT_PPP_CCP_LINK, "Individual link CCP" },
	{ PT_PPP_CCP, "CCP" },
	{ PT_PPP_LCP, "LCP" },
	{ PT_PPP_PAP, "PAP" },
	{ PT_PPP_LQR, "LQR" },
	{ PT_PPP_CBCP, "CBCP" },
	{ PT_PPP_BACP, "BACP" },
	{ PT_PPP_BAP, "BAP" },
	{ PT_PPP_CHAP, "CHAP" },
	{ PT_PPP_EAP, "EAP" },
	{ 0, NULL }
};

const char *pt_ppp_proto_name(uint16_t proto)
{
	return pt_vs_name_or(pt_ppp_proto_vs, proto, "unknown");
}

int pt_ppp_proto_valid(uint16_t proto)
{
	/* RFC 1661 2: "All Protocols MUST be odd ... least significant bit of the
	 * most significant octet equals 0" */
	return (proto & 0x0001) && !(proto & 0x0100);
}

int pt_ppp_parse(pt_cursor *c, pt_ppp_frame *f)
{
	uint8_t b0, b1;
	int err;

	f->acf_present = 0;
	f->pfc_used = 0;
	f->proto_ok = 0;
	f->truncated = 0;
	f->decrypted = 0;
	f->proto = 0;
	f->off = pt_off(c);
	f->proto_off = f->off;
	f->info.base = c->base;
	f->info.p = c->p;
	f->info.end = c->p;

	if ((err = pt_peek_u8(c, 0, &b0)) != PT_OK)
		return err;
	/* RFC 1662 3.1: all-stations address 0xff, then UI control 0x03.  With
	 * ACFC both are absent; 0xff never starts a protocol field (its low bit
	 * says "last octet" and 0x00ff is reserved), so it marks the address. */
	if (b0 == 0xff) {
		if ((err = pt_peek_u8(c, 1, &b1)) != PT_OK)
			return err;
		if (b1 != 0x03)
			return PT_EINVAL;
		(void)pt_skip(c, 2);
		f->acf_present = 1;
	}
	f->proto_off = pt_off(c);
	if ((err = pt_peek_u8(c, 0, &b0)) != PT_OK)
		return err;
	/* RFC 1661 6.5: an odd first octet is a complete (compressed) field */
	if (b0 & 0x01) {
		(void)pt_skip(c, 1);
		f->proto = b0;
		f->pfc_used = 1;
	} else {
		uint16_t v;
		if ((err = pt_get_u16(c, &v)) != PT_OK)
			return err;
		f->proto = v;
	}
	f->proto_ok = (uint8_t)pt_ppp_proto_valid(f->proto);
	f->info = *c;
	(void)pt_skip(c, pt_left(c));
	return PT_OK;
}

int pt_ppp_build(uint16_t proto, int acfc, int pfc, const void *payload, size_t len, pt_writer *w)
{
	if (!pt_ppp_proto_valid(proto))
		return PT_EINVAL;
	/* The builder sends what it is asked to, so the conformance peer can
	 * also break RFC 1661 6.6 (LCP without FF 03) on purpose. */
	if (!acfc) {
		pt_put_u8(w, 0xff);
		pt_put_u8(w, 0x03);
	}
	if (pfc && proto < 0x0100)
		pt_put_u8(w, (uint8_t)proto);
	else
		pt_put_u16(w, proto);
	pt_put_bytes(w, payload, len);
	return w->err;
}
