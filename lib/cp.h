/* cp.h: control-packet format shared by LCP, CCP, IPCP, IPV6CP (RFC 1661 5-6, RFC 1570, RFC 1962, RFC 3078, RFC 1332, RFC 1877, RFC 5072). */
#ifndef PT_CP_H
#define PT_CP_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "finding.h"
#include "vs.h"

/* Codes (RFC 1661 5; 12-13 RFC 1570 1; 14-15 RFC 1962 3). */
enum pt_cp_code {
	PT_CP_CONF_REQ = 1,
	PT_CP_CONF_ACK = 2,
	PT_CP_CONF_NAK = 3,
	PT_CP_CONF_REJ = 4,
	PT_CP_TERM_REQ = 5,
	PT_CP_TERM_ACK = 6,
	PT_CP_CODE_REJ = 7,
	PT_CP_PROTO_REJ = 8,
	PT_CP_ECHO_REQ = 9,
	PT_CP_ECHO_REP = 10,
	PT_CP_DISC_REQ = 11,
	PT_CP_IDENT = 12,
	PT_CP_TIME_REM = 13,
	PT_CP_RESET_REQ = 14,
	PT_CP_RESET_ACK = 15
};
extern const pt_vs pt_cp_code_vs[];

/* The control protocols handled here, one option table each. */
enum pt_cp_kind { PT_CPK_LCP = 0, PT_CPK_CCP = 1, PT_CPK_IPCP = 2, PT_CPK_IPV6CP = 3, PT_CPK__N = 4 };

int pt_cp_kind_of(uint16_t proto);      /* -1 if proto is none of them (0x80fb counts as CCP) */
uint16_t pt_cp_kind_proto(int kind);    /* 0 if out of range */
const char *pt_cp_kind_name(int kind);  /* "LCP", ...; "?" if out of range */
int pt_cp_code_valid(int kind, uint8_t code); /* LCP 1-13, CCP 1-7 + 14-15, IPCP/IPV6CP 1-7 */

/* One control packet.  Cursors share the frame's base, so pt_off() of any of
 * them is its absolute offset (for a dissector tree). */
typedef struct pt_cp_pkt {
	uint8_t code;
	uint8_t id;
	uint16_t length;   /* the Length field */
	uint8_t complete;  /* every octet the Length names was captured */
	size_t off;        /* offset of the Code octet */
	pt_cursor data;    /* everything after the 4-octet header, within Length */
	uint32_t magic;    /* Echo-Request/Reply, Discard-Request, Identification, Time-Remaining */
	uint32_t seconds;  /* Time-Remaining */
	uint16_t rej_proto;/* Protocol-Reject */
	/* What follows the fixed fields: options (codes 1-4), reason text (5-6),
	 * rejected packet (7), rejected information (8), data (9-11, 14-15),
	 * message (12-13); for unknown codes the whole data. */
	pt_cursor rest;
} pt_cp_pkt;

/*
 * Parse one control packet of the given kind from c; c moves past Length
 * octets (octets after Length are padding, RFC 1661 5).  PT_EINVAL: Length
 * below 4, or a complete packet too short for its code's fixed fields.
 * PT_ETRUNC: header not captured, or Length beyond the captured octets (then
 * p->complete is 0 and p is filled as far as the octets allow).  Unknown
 * codes parse (rest = data); check them with pt_cp_code_valid().
 */
int pt_cp_parse(int kind, pt_cursor *c, pt_cp_pkt *p);

/* Build from the struct: code, id, and per code magic/seconds/rej_proto, then
 * rest's octets; Length is computed (p->length is ignored). */
int pt_cp_build(const pt_cp_pkt *p, pt_writer *w);
/* Incremental builder: begin returns the packet's start, end patches Length. */
size_t pt_cp_begin(pt_writer *w, uint8_t code, uint8_t id);
int pt_cp_end(pt_writer *w, size_t start);

/* ---- Configuration options (RFC 1661 6: type, length >= 2, data) ---- */
typedef struct pt_cp_opt {
	uint8_t type;
	uint8_t len;    /* the Length octet (whole option) */
	size_t off;     /* offset of the Type octet */
	pt_cursor val;  /* the len - 2 data octets */
} pt_cp_opt;

typedef struct pt_cp_opt_iter {
	pt_cursor c;
	uint8_t complete; /* the enclosing packet was captured whole */
} pt_cp_opt_iter;

void pt_cp_opt_iter_init(pt_cp_opt_iter *it, const pt_cursor *opts, int complete);
/* 1: o filled; 0: end of list; PT_EINVAL: length < 2, or an option runs past
 * a complete packet; PT_ETRUNC: runs past a packet the capture cut short. */
int pt_cp_opt_next(pt_cp_opt_iter *it, pt_cp_opt *o);

/* A decoded option value; which member is set depends on the option. */
typedef union pt_cp_optval {
	uint8_t u8;    /* FCS-Alternatives, Self-Describing-Pad, DCE-Identifier, BSD-Compress */
	uint16_t u16;  /* MRU, MRRU, Link-Discriminator */
	uint32_t u32;  /* ACCM, Magic-Number, MPPE Supported Bits */
	struct {       /* Authentication-, Quality-, IP-/IPv6-Compression-Protocol */
		uint16_t proto;
		uint8_t alg;        /* CHAP algorithm (RFC 1994 3) */
		uint8_t max_slot;   /* VJ (RFC 1332 4.1) */
		uint8_t comp_slot;
		pt_cursor data;     /* octets after those */
	} proto;
	struct {       /* Callback (operation), Endpoint-Discriminator (class), Numbered-Mode (window) */
		uint8_t tag;
		pt_cursor data;
	} tagged;
	uint8_t addr[8];/* IPv4 address (4); IP-Addresses pair, IPv6 Interface-Identifier (8) */
	struct {       /* Vendor-Specific / OUI (RFC 2153) */
		uint8_t oui[3];
		uint8_t kind;
		pt_cursor data;
	} vendor;
	pt_cursor raw; /* opaque data */
} pt_cp_optval;

enum pt_cp_optflag {
	PT_CPO_MULTI = 1, /* may be listed more than once */
	PT_CPO_BOOL = 2   /* no data: Nak is not allowed, only Reject (RFC 1661 5.3) */
};

typedef struct pt_cp_optdesc {
	uint8_t type;
	uint8_t len_min;  /* whole option, type and length octets included */
	uint8_t len_max;
	uint8_t flags;    /* enum pt_cp_optflag */
	const char *name;
	int (*decode)(const pt_cp_opt *o, pt_cp_optval *v);
	/* writes the data octets only (type and length are written around them) */
	void (*build)(const struct pt_cp_optdesc *d, const pt_cp_optval *v, pt_writer *w);
} pt_cp_optdesc;

/* Descriptor tables, terminated by an entry with name NULL. */
extern const pt_cp_optdesc pt_cp_lcp_opts[];
extern const pt_cp_optdesc pt_cp_ccp_opts[];
extern const pt_cp_optdesc pt_cp_ipcp_opts[];
extern const pt_cp_optdesc pt_cp_ipv6cp_opts[];

const pt_cp_optdesc *pt_cp_optdesc_find(int kind, uint8_t type); /* NULL if unknown */
const char *pt_cp_opt_name(int kind, uint8_t type);              /* never NULL */

/* PT_EUNSUP unknown type, PT_EINVAL length out of range for the type. */
int pt_cp_opt_decode(int kind, const pt_cp_opt *o, pt_cp_optval *v);
/* Write one whole option (type, length, data); PT_EUNSUP unknown type,
 * PT_EINVAL value too long, PT_ENOSPC. */
int pt_cp_opt_build(int kind, uint8_t type, const pt_cp_optval *v, pt_writer *w);
/* Write an option from raw data octets (any type). */
int pt_cp_put_opt(pt_writer *w, uint8_t type, const void *data, size_t len);

/*
 * Check an option list of a Configure-* packet and report through sink:
 * structure (ppp.cp.opt_length), each known option's length, duplicates of
 * single-instance options (not for Reject), unknown types (Request only).
 * Returns PT_OK, or the structural error that stopped the walk.
 */
int pt_cp_opts_check(int kind, uint8_t code, const pt_cursor *opts, int complete,
		     const pt_sink *sink, const pt_where *at);

/* Option types used by the observer and the peer. */
enum pt_lcp_opt {
	PT_LCP_OPT_VENDOR = 0, PT_LCP_OPT_MRU = 1, PT_LCP_OPT_ACCM = 2, PT_LCP_OPT_AUTH = 3,
	PT_LCP_OPT_QUALITY = 4, PT_LCP_OPT_MAGIC = 5, PT_LCP_OPT_PFC = 7, PT_LCP_OPT_ACFC = 8,
	PT_LCP_OPT_FCS_ALT = 9, PT_LCP_OPT_SDP = 10, PT_LCP_OPT_NUMBERED = 11,
	PT_LCP_OPT_CALLBACK = 13, PT_LCP_OPT_COMPOUND = 15, PT_LCP_OPT_MRRU = 17,
	PT_LCP_OPT_SSNHF = 18, PT_LCP_OPT_EPDISC = 19, PT_LCP_OPT_DCE_ID = 21,
	PT_LCP_OPT_MLPP = 22, PT_LCP_OPT_LINK_DISC = 23
};
enum pt_ccp_opt {
	PT_CCP_OPT_OUI = 0, PT_CCP_OPT_PRED1 = 1, PT_CCP_OPT_PRED2 = 2, PT_CCP_OPT_PUDDLE = 3,
	PT_CCP_OPT_HPPPC = 16, PT_CCP_OPT_STAC = 17, PT_CCP_OPT_MPPE = 18, PT_CCP_OPT_FZA = 19,
	PT_CCP_OPT_V42BIS = 20, PT_CCP_OPT_BSD = 21, PT_CCP_OPT_LZSDCP = 23, PT_CCP_OPT_MVRCA = 24,
	PT_CCP_OPT_DCE = 25, PT_CCP_OPT_DEFLATE = 26, PT_CCP_OPT_V44 = 27
};
enum pt_ipcp_opt {
	PT_IPCP_OPT_ADDRS = 1, PT_IPCP_OPT_COMP = 2, PT_IPCP_OPT_ADDR = 3, PT_IPCP_OPT_MOBILE = 4,
	PT_IPCP_OPT_DNS1 = 129, PT_IPCP_OPT_NBNS1 = 130, PT_IPCP_OPT_DNS2 = 131, PT_IPCP_OPT_NBNS2 = 132
};
enum pt_ipv6cp_opt { PT_IPV6CP_OPT_IFID = 1, PT_IPV6CP_OPT_COMP = 2 };

/* RFC 3078 2 / RFC 2118: MPPE/MPPC Supported Bits, as a 32-bit value. */
#define PT_CCP_MPPE_H 0x01000000u /* stateless mode */
#define PT_CCP_MPPE_M 0x00000080u /* 56-bit keys */
#define PT_CCP_MPPE_S 0x00000040u /* 128-bit keys */
#define PT_CCP_MPPE_L 0x00000020u /* 40-bit keys */
#define PT_CCP_MPPE_D 0x00000010u /* obsolete */
#define PT_CCP_MPPE_C 0x00000001u /* MPPC compression */
#define PT_CCP_MPPE_KEYS (PT_CCP_MPPE_M | PT_CCP_MPPE_S | PT_CCP_MPPE_L)
#define PT_CCP_MPPE_KNOWN (PT_CCP_MPPE_H | PT_CCP_MPPE_M | PT_CCP_MPPE_S | PT_CCP_MPPE_L | PT_CCP_MPPE_D | PT_CCP_MPPE_C)
extern const pt_vs pt_ccp_mppe_bits_vs[];

#endif
