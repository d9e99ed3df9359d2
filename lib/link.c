/* link.c: decode and build the link-layer header in front of IP (tcpdump.org LINKTYPE_* pages, IEEE 802.1Q/802.1ad, RFC 894, RFC 1042). */
#include <string.h>

#include "link.h"

const pt_vs pt_link_type_vs[] = {
	{ PT_LINK_NULL, "NULL" },
	{ PT_LINK_EN10MB, "EN10MB" },
	{ PT_LINK_RAW12, "RAW" },
	{ PT_LINK_RAW14, "RAW" },
	{ PT_LINK_RAW, "RAW" },
	{ PT_LINK_LOOP, "LOOP" },
	{ PT_LINK_LINUX_SLL, "LINUX_SLL" },
	{ PT_LINK_IPV4, "IPV4" },
	{ PT_LINK_IPV6, "IPV6" },
	{ PT_LINK_LINUX_SLL2, "LINUX_SLL2" },
	{ 0, NULL }
};

const pt_vs pt_ethertype_vs[] = {
	{ PT_ETH_IPV4, "IPv4" },
	{ PT_ETH_IPV6, "IPv6" },
	{ PT_ETH_VLAN, "802.1Q" },
	{ PT_ETH_QINQ, "802.1ad" },
	{ PT_ETH_QINQ_OLD, "QinQ (0x9100)" },
	{ 0, NULL }
};

int pt_link_supported(int dlt)
{
	return dlt >= 0 && pt_vs_name(pt_link_type_vs, (uint32_t)dlt) != NULL;
}

const char *pt_link_name(int dlt)
{
	return dlt < 0 ? NULL : pt_vs_name(pt_link_type_vs, (uint32_t)dlt);
}

static int is_vlan_tpid(uint16_t t)
{
	return t == PT_ETH_VLAN || t == PT_ETH_QINQ || t == PT_ETH_QINQ_OLD;
}

static int l3_of_ethertype(uint16_t t)
{
	switch (t) {
	case PT_ETH_IPV4:
		return PT_L3_IPV4;
	case PT_ETH_IPV6:
		return PT_L3_IPV6;
	}
	return PT_L3_OTHER;
}

/* Raw IP: the version nibble says which. */
static int l3_of_version(const pt_cursor *c)
{
	uint8_t b;

	if (pt_peek_u8(c, 0, &b) != PT_OK)
		return PT_L3_OTHER;
	switch (b >> 4) {
	case 4:
		return PT_L3_IPV4;
	case 6:
		return PT_L3_IPV6;
	}
	return PT_L3_OTHER;
}

/*
 * The EtherType field and any VLAN tags after it (Ethernet, and SLL whose
 * protocol field is an EtherType); type is the first EtherType, already read.
 */
static int decode_tags(pt_cursor *c, pt_link *out, uint16_t type)
{
	int rc;

	/* IEEE 802.1Q 9.5: a tag is TPID(2) TCI(2), then the real EtherType. */
	while (is_vlan_tpid(type)) {
		pt_vlan_tag *tg;
		if (out->ntags == PT_LINK_MAX_TAGS)
			return PT_EUNSUP;
		tg = &out->tag[out->ntags];
		tg->tpid = type;
		tg->off = pt_off(c);
		if ((rc = pt_get_u16(c, &tg->tci)) != PT_OK || (rc = pt_get_u16(c, &type)) != PT_OK)
			return rc;
		out->ntags++;
	}
	out->ethertype = type;
	out->l3 = l3_of_ethertype(type);
	return PT_OK;
}

static int decode_ether(pt_cursor *c, pt_link *out)
{
	uint16_t type = 0;
	int rc;

	if ((rc = pt_copy(c, out->eth_dst, 6)) != PT_OK || (rc = pt_copy(c, out->eth_src, 6)) != PT_OK ||
	    (rc = pt_get_u16(c, &type)) != PT_OK)
		return rc;
	if (type <= 1500) {
		/* RFC 1042: 802.3 length, then LLC AA-AA-03 and SNAP OUI 00-00-00 + EtherType. */
		static const uint8_t snap[6] = { 0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00 };
		const uint8_t *llc;
		pt_cursor save = *c;

		if (pt_get_bytes(c, 6, &llc) == PT_OK && memcmp(llc, snap, 6) == 0 &&
		    pt_get_u16(c, &type) == PT_OK) {
			out->llc_snap = 1;
		} else {
			*c = save;   /* other 802.2 payloads are not IP for us */
			out->ethertype = 0;
			out->l3 = PT_L3_OTHER;
			return PT_OK;
		}
	}
	return decode_tags(c, out, type);
}

static int decode_sll(pt_cursor *c, pt_link *out)
{
	uint16_t type = 0;
	int rc;

	/* LINKTYPE_LINUX_SLL: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). */
	if ((rc = pt_need(c, PT_SLL_HDR_LEN)) != PT_OK)
		return rc;
	(void)pt_get_u16(c, &out->sll_pkttype);
	(void)pt_get_u16(c, &out->sll_hatype);
	(void)pt_get_u16(c, &out->sll_halen);
	(void)pt_copy(c, out->sll_addr, 8);
	(void)pt_get_u16(c, &type);
	return decode_tags(c, out, type);
}

static int decode_sll2(pt_cursor *c, pt_link *out)
{
	uint16_t type = 0, mbz = 0;
	uint8_t v = 0;
	int rc;

	/* LINKTYPE_LINUX_SLL2: protocol(2) mbz(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8). */
	if ((rc = pt_need(c, PT_SLL2_HDR_LEN)) != PT_OK)
		return rc;
	(void)pt_get_u16(c, &type);
	(void)pt_get_u16(c, &mbz);
	(void)pt_get_u32(c, &out->sll_ifindex);
	(void)pt_get_u16(c, &out->sll_hatype);
	(void)pt_get_u8(c, &v);
	out->sll_pkttype = v;
	(void)pt_get_u8(c, &v);
	out->sll_halen = v;
	(void)pt_copy(c, out->sll_addr, 8);
	return decode_tags(c, out, type);
}

static int decode_bsd_af(pt_cursor *c, pt_link *out)
{
	const uint8_t *b;
	uint32_t be, le;
	int rc;

	if ((rc = pt_get_bytes(c, PT_NULL_HDR_LEN, &b)) != PT_OK)
		return rc;
	be = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
	le = ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
	/*
	 * DLT_NULL holds the AF in the capturing host's byte order, which the
	 * reader cannot know; AF values are small, so the order that gives a
	 * value below 65536 is the right one (the same test libpcap and tcpdump make).
	 */
	if ((be & 0xFFFF0000u) == 0) {
		out->af = be;
		out->af_big_endian = 1;
	} else {
		out->af = le;
		out->af_big_endian = 0;
	}
	switch (out->af) {
	case PT_BSD_AF_INET:
		out->l3 = PT_L3_IPV4;
		break;
	case PT_BSD_AF_INET6_BSD:
	case PT_BSD_AF_INET6_FREEBSD:
	case PT_BSD_AF_INET6_DARWIN:
		out->l3 = PT_L3_IPV6;
		break;
	default:
		out->l3 = PT_L3_OTHER;
		break;
	}
	return PT_OK;
}

int pt_link_decode(int dlt, pt_cursor *c, pt_link *out)
{
	pt_cursor save = *c;
	int rc;

	memset(out, 0, sizeof *out);
	out->dlt = dlt;
	switch (dlt) {
	case PT_LINK_EN10MB:
		rc = decode_ether(c, out);
		break;
	case PT_LINK_LINUX_SLL:
		rc = decode_sll(c, out);
		break;
	case PT_LINK_LINUX_SLL2:
		rc = decode_sll2(c, out);
		break;
	case PT_LINK_NULL:
	case PT_LINK_LOOP:
		rc = decode_bsd_af(c, out);
		break;
	case PT_LINK_RAW12:
	case PT_LINK_RAW14:
	case PT_LINK_RAW:
		out->l3 = l3_of_version(c);
		rc = pt_left(c) ? PT_OK : PT_ETRUNC;
		break;
	case PT_LINK_IPV4:
		out->l3 = PT_L3_IPV4;
		rc = PT_OK;
		break;
	case PT_LINK_IPV6:
		out->l3 = PT_L3_IPV6;
		rc = PT_OK;
		break;
	default:
		rc = PT_EUNSUP;
		break;
	}
	if (rc != PT_OK) {
		*c = save;
		return rc;
	}
	out->l3_off = pt_off(c);
	return PT_OK;
}

static uint16_t ethertype_for(const pt_link *l)
{
	switch (l->l3) {
	case PT_L3_IPV4:
		return PT_ETH_IPV4;
	case PT_L3_IPV6:
		return PT_ETH_IPV6;
	}
	return l->ethertype;
}

static void put_tags(pt_writer *w, const pt_link *l)
{
	for (unsigned i = 0; i < l->ntags && i < PT_LINK_MAX_TAGS; i++) {
		pt_put_u16(w, l->tag[i].tpid);
		pt_put_u16(w, l->tag[i].tci);
	}
}

int pt_link_build(pt_writer *w, const pt_link *l)
{
	switch (l->dlt) {
	case PT_LINK_EN10MB:
		pt_put_bytes(w, l->eth_dst, 6);
		pt_put_bytes(w, l->eth_src, 6);
		put_tags(w, l);
		pt_put_u16(w, ethertype_for(l));
		break;
	case PT_LINK_LINUX_SLL:
		pt_put_u16(w, l->sll_pkttype);
		pt_put_u16(w, l->sll_hatype);
		pt_put_u16(w, l->sll_halen);
		pt_put_bytes(w, l->sll_addr, 8);
		put_tags(w, l);   /* the protocol field is the first TPID */
		pt_put_u16(w, ethertype_for(l));
		break;
	case PT_LINK_LINUX_SLL2:
		pt_put_u16(w, l->ntags ? l->tag[0].tpid : ethertype_for(l));
		pt_put_u16(w, 0);
		pt_put_u32(w, l->sll_ifindex);
		pt_put_u16(w, l->sll_hatype);
		pt_put_u8(w, (uint8_t)l->sll_pkttype);
		pt_put_u8(w, (uint8_t)l->sll_halen);
		pt_put_bytes(w, l->sll_addr, 8);
		if (l->ntags) {
			pt_put_u16(w, l->tag[0].tci);
			for (unsigned i = 1; i < l->ntags && i < PT_LINK_MAX_TAGS; i++) {
				pt_put_u16(w, l->tag[i].tpid);
				pt_put_u16(w, l->tag[i].tci);
			}
			pt_put_u16(w, ethertype_for(l));
		}
		break;
	case PT_LINK_NULL:
	case PT_LINK_LOOP:
		if (l->af_big_endian)
			pt_put_u32(w, l->af);
		else
			for (int i = 0; i < 4; i++)
				pt_put_u8(w, (uint8_t)(l->af >> (8 * i)));
		break;
	case PT_LINK_RAW12:
	case PT_LINK_RAW14:
	case PT_LINK_RAW:
	case PT_LINK_IPV4:
	case PT_LINK_IPV6:
		break;
	default:
		if (!w->err)
			w->err = PT_EUNSUP;
		break;
	}
	return w->err;
}
