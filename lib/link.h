/* link.h: link-layer headers in front of IP (Ethernet + 802.1Q/QinQ, Linux cooked v1/v2, raw IP, BSD loopback), per tcpdump.org LINKTYPE_* and IEEE 802.1Q. */
#ifndef PT_LINK_H
#define PT_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "vs.h"

/*
 * Link types as pcap_datalink() returns them (DLT_* values).  A file's
 * LINKTYPE_RAW (101) is mapped by libpcap to DLT_RAW, which is 12 on most
 * systems and 14 on OpenBSD; all three are accepted.  DLT 12 is DLT_LOOP on
 * OpenBSD only, never in a file read on Linux, so 12 means raw IP here.
 */
enum pt_link_type {
	PT_LINK_NULL = 0,         /* BSD loopback: 4-byte AF in the capturing host's order */
	PT_LINK_EN10MB = 1,       /* Ethernet II / 802.3 */
	PT_LINK_RAW12 = 12,       /* DLT_RAW on most systems */
	PT_LINK_RAW14 = 14,       /* DLT_RAW on OpenBSD */
	PT_LINK_RAW = 101,        /* LINKTYPE_RAW */
	PT_LINK_LOOP = 108,       /* OpenBSD loopback: 4-byte AF in network order */
	PT_LINK_LINUX_SLL = 113,  /* Linux cooked capture v1, 16-byte header */
	PT_LINK_IPV4 = 228,       /* raw IPv4 only */
	PT_LINK_IPV6 = 229,       /* raw IPv6 only */
	PT_LINK_LINUX_SLL2 = 276  /* Linux cooked capture v2, 20-byte header */
};

/* What follows the link header. */
enum pt_l3 { PT_L3_OTHER = 0, PT_L3_IPV4 = 4, PT_L3_IPV6 = 6 };

/* EtherType values this layer acts on. */
enum pt_ethertype {
	PT_ETH_IPV4 = 0x0800,
	PT_ETH_IPV6 = 0x86DD,
	PT_ETH_VLAN = 0x8100,     /* IEEE 802.1Q C-tag */
	PT_ETH_QINQ = 0x88A8,     /* IEEE 802.1ad S-tag */
	PT_ETH_QINQ_OLD = 0x9100  /* pre-802.1ad QinQ, still seen */
};

/* BSD AF_ values found in DLT_NULL / DLT_LOOP headers. */
enum pt_bsd_af {
	PT_BSD_AF_INET = 2,
	PT_BSD_AF_INET6_BSD = 24,     /* NetBSD, OpenBSD, BSD/OS, Npcap */
	PT_BSD_AF_INET6_FREEBSD = 28,
	PT_BSD_AF_INET6_DARWIN = 30
};

#define PT_LINK_MAX_TAGS 4   /* VLAN tags parsed before giving up (PT_EUNSUP) */
#define PT_ETH_HDR_LEN 14
#define PT_SLL_HDR_LEN 16
#define PT_SLL2_HDR_LEN 20
#define PT_NULL_HDR_LEN 4

typedef struct pt_vlan_tag {
	uint16_t tpid;   /* 0x8100, 0x88A8, 0x9100 */
	uint16_t tci;    /* PCP(3) DEI(1) VID(12) */
	size_t off;      /* offset of the TCI (in SLL2 the first TPID is the header's protocol field) */
} pt_vlan_tag;

/* A decoded link header; offsets are from the start of the frame. */
typedef struct pt_link {
	int dlt;                 /* enum pt_link_type */
	int l3;                  /* enum pt_l3 */
	size_t l3_off;           /* where the L3 header starts */
	uint16_t ethertype;      /* final EtherType / SLL protocol, 0 when the link has none */
	/* Ethernet */
	uint8_t eth_dst[6], eth_src[6];
	unsigned ntags;
	pt_vlan_tag tag[PT_LINK_MAX_TAGS];
	int llc_snap;            /* 802.3 length + LLC/SNAP carried the EtherType */
	/* Linux cooked */
	uint16_t sll_pkttype;    /* 0 host, 1 broadcast, 2 multicast, 3 otherhost, 4 outgoing */
	uint16_t sll_hatype;     /* ARPHRD_* */
	uint16_t sll_halen;
	uint8_t sll_addr[8];
	uint32_t sll_ifindex;    /* SLL2 only */
	/* BSD loopback */
	uint32_t af;             /* AF value as a number */
	int af_big_endian;       /* the 4 bytes were big-endian (always for LOOP; NULL follows the capturing host) */
} pt_link;

extern const pt_vs pt_link_type_vs[];
extern const pt_vs pt_ethertype_vs[];

/* 1 when pt_link_decode handles this DLT (check at open time). */
int pt_link_supported(int dlt);
const char *pt_link_name(int dlt);   /* "EN10MB" ... or NULL */

/*
 * Decode the link header at the cursor.  PT_OK: out filled and the cursor at
 * out->l3_off (out->l3 may be PT_L3_OTHER: not IP, skip the frame).
 * PT_ETRUNC: the frame ends inside the link header.  PT_EUNSUP: unknown DLT
 * or more than PT_LINK_MAX_TAGS VLAN tags.
 */
int pt_link_decode(int dlt, pt_cursor *c, pt_link *out);

/*
 * Build a link header for l->dlt in front of an L3 packet of kind l->l3:
 * Ethernet writes eth_dst/eth_src, the tags in l->tag[0..ntags) (tpid, tci)
 * and the EtherType for l->l3 (or l->ethertype when l3 is PT_L3_OTHER);
 * SLL/SLL2 write the sll_* fields and the EtherType; NULL and LOOP write
 * l->af (big-endian when af_big_endian, else little-endian); raw types write
 * nothing.  Errors are in w->err; returns it too.
 */
int pt_link_build(pt_writer *w, const pt_link *l);

#endif
