/* ppp.h: the PPP frame inside enhanced GRE (RFC 1661 2, 6.5 PFC, 6.6 ACFC; RFC 1662 3.1 address/control) and protocol numbers. */
#ifndef PT_PPP_H
#define PT_PPP_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "vs.h"

/* PPP protocol field values (IANA "PPP DLL Protocol Numbers"; RFC 1661 2). */
enum pt_ppp_proto {
	PT_PPP_PADDING = 0x0001,
	PT_PPP_IP = 0x0021,
	PT_PPP_IPX = 0x002b,
	PT_PPP_VJC_COMP = 0x002d,    /* Van Jacobson compressed TCP/IP (RFC 1332 4) */
	PT_PPP_VJC_UNCOMP = 0x002f,
	PT_PPP_MP = 0x003d,          /* Multilink (RFC 1990) */
	PT_PPP_IPV6 = 0x0057,
	PT_PPP_ECP_DATA = 0x0053,    /* encrypted datagram (RFC 1968) */
	PT_PPP_COMP_LINK = 0x00fb,   /* individual-link compressed datagram (RFC 1962 2.1) */
	PT_PPP_COMP = 0x00fd,        /* compressed datagram: MPPE/MPPC (RFC 1962 2.1, RFC 3078 3) */
	PT_PPP_IPCP = 0x8021,
	PT_PPP_IPXCP = 0x802b,
	PT_PPP_ECP = 0x8053,
	PT_PPP_IPV6CP = 0x8057,
	PT_PPP_CCP_LINK = 0x80fb,    /* individual-link CCP */
	PT_PPP_CCP = 0x80fd,
	PT_PPP_LCP = 0xc021,
	PT_PPP_PAP = 0xc023,
	PT_PPP_LQR = 0xc025,
	PT_PPP_CBCP = 0xc029,        /* Microsoft callback control protocol */
	PT_PPP_BACP = 0xc02b,
	PT_PPP_BAP = 0xc02d,
	PT_PPP_CHAP = 0xc223,
	PT_PPP_EAP = 0xc227
};

extern const pt_vs pt_ppp_proto_vs[];

/* One parsed PPP frame.  Offsets are absolute (the cursor's base). */
typedef struct pt_ppp_frame {
	uint8_t acf_present; /* FF 03 present */
	uint8_t pfc_used;    /* protocol field sent as one octet */
	uint8_t proto_ok;    /* RFC 1661 2 shape: low octet odd, high octet even */
	uint8_t truncated;   /* set by the CALLER when the capture holds fewer octets
	                      * than the frame had (e.g. below the GRE payload
	                      * length); pt_ppp_parse() sets 0.  Lets a control
	                      * packet's Length past the end read as "cut short"
	                      * rather than "invalid". */
	uint8_t decrypted;   /* set by the CALLER for a frame taken out of an MPPE
	                      * datagram (RFC 3078 3); pt_ppp_parse() sets 0.  The
	                      * observer then skips the checks that belong to the
	                      * outer frame (ACFC/PFC, MRU, cleartext-after-MPPE). */
	uint16_t proto;
	size_t off;          /* first octet of the frame */
	size_t proto_off;    /* first octet of the protocol field */
	pt_cursor info;      /* the Information field (and any padding) */
} pt_ppp_frame;

/*
 * Parse the frame header in c; on PT_OK f->info covers the rest of c and c is
 * consumed.  PT_ETRUNC: fewer than the header's octets.  PT_EINVAL: FF not
 * followed by 03.  A protocol of the wrong shape is not an error here
 * (RFC 1661 2: treated as unrecognized): f->proto_ok says so.
 */
int pt_ppp_parse(pt_cursor *c, pt_ppp_frame *f);

/*
 * Build a frame: acfc != 0 omits FF 03, pfc != 0 sends a one-octet protocol
 * field when the protocol allows it (high octet 0).  No policy is applied:
 * RFC 1661 6.5/6.6 keep LCP uncompressed, which is the caller's choice.  Returns PT_OK or
 * PT_ENOSPC (w->err), or PT_EINVAL for a protocol of the wrong shape.
 */
int pt_ppp_build(uint16_t proto, int acfc, int pfc, const void *payload, size_t len, pt_writer *w);

/* RFC 1661 2: least significant bit of the low octet 1, of the high octet 0. */
int pt_ppp_proto_valid(uint16_t proto);

/* Protocol classes (RFC 1661 2). */
static inline int pt_ppp_proto_is_network(uint16_t p) { return p < 0x4000; }
static inline int pt_ppp_proto_is_ncp(uint16_t p) { return p >= 0x8000 && p < 0xc000; }
static inline int pt_ppp_proto_is_link_control(uint16_t p) { return p >= 0xc000; }

const char *pt_ppp_proto_name(uint16_t proto); /* never NULL */

#endif
