/* pptp.h: the 15 PPTP control messages (RFC 2637 section 2): descriptors, parser, builder. */
#ifndef PT_PPTP_H
#define PT_PPTP_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "finding.h"
#include "vs.h"

#define PT_PPTP_TCP_PORT 1723
#define PT_PPTP_MAGIC 0x1A2B3C4Du       /* RFC 2637 2: Magic Cookie */
#define PT_PPTP_MSG_CONTROL 1           /* RFC 2637 2: PPTP Message Type */
#define PT_PPTP_MSG_MANAGEMENT 2
#define PT_PPTP_VERSION 0x0100          /* RFC 2637 2.1: version 1, revision 0 */
#define PT_PPTP_HDR_LEN 12              /* Length, Message Type, Magic, Control Type, Reserved0 */
#define PT_PPTP_MAX_LEN 1024            /* sanity cap for framing; the largest message is 220 */
#define PT_PPTP_STR 64                  /* host name, vendor, numbers, subaddress */
#define PT_PPTP_STATS 128               /* Call-Disconnect-Notify call statistics */

/* RFC 2637 2: Control Message Type. */
enum pt_ctrl_type {
	PT_CTRL_SCCRQ = 1,     /* Start-Control-Connection-Request */
	PT_CTRL_SCCRP = 2,     /* Start-Control-Connection-Reply */
	PT_CTRL_STOPCCRQ = 3,  /* Stop-Control-Connection-Request */
	PT_CTRL_STOPCCRP = 4,  /* Stop-Control-Connection-Reply */
	PT_CTRL_ECHORQ = 5,    /* Echo-Request */
	PT_CTRL_ECHORP = 6,    /* Echo-Reply */
	PT_CTRL_OCRQ = 7,      /* Outgoing-Call-Request */
	PT_CTRL_OCRP = 8,      /* Outgoing-Call-Reply */
	PT_CTRL_ICRQ = 9,      /* Incoming-Call-Request */
	PT_CTRL_ICRP = 10,     /* Incoming-Call-Reply */
	PT_CTRL_ICCN = 11,     /* Incoming-Call-Connected */
	PT_CTRL_CCRQ = 12,     /* Call-Clear-Request */
	PT_CTRL_CDN = 13,      /* Call-Disconnect-Notify */
	PT_CTRL_WEN = 14,      /* WAN-Error-Notify */
	PT_CTRL_SLI = 15       /* Set-Link-Info */
};
#define PT_CTRL_TYPE_MAX 15

/* Result codes that every message with a result shares (RFC 2637 2.2-2.13). */
enum { PT_CTRL_RESULT_OK = 1, PT_CTRL_RESULT_GENERAL_ERROR = 2 };

/* RFC 2637 2.16: General Error Codes. */
enum pt_ctrl_gerr {
	PT_GERR_NONE = 0,
	PT_GERR_NOT_CONNECTED = 1,
	PT_GERR_BAD_FORMAT = 2,
	PT_GERR_BAD_VALUE = 3,
	PT_GERR_NO_RESOURCE = 4,
	PT_GERR_BAD_CALL_ID = 5,
	PT_GERR_PAC_ERROR = 6
};

/* RFC 2637 2.1: capability bits; 2.7/2.11: framing and bearer types (3 = either). */
enum { PT_FRAMING_ASYNC = 1, PT_FRAMING_SYNC = 2, PT_FRAMING_EITHER = 3 };
enum { PT_BEARER_ANALOG = 1, PT_BEARER_DIGITAL = 2, PT_BEARER_EITHER = 3 };
/* RFC 2637 2.3: Stop-Control-Connection-Request Reason. */
enum { PT_STOP_NONE = 1, PT_STOP_PROTOCOL = 2, PT_STOP_LOCAL_SHUTDOWN = 3 };

/* {value, name} tables (vs.h) for every enum on the wire. */
extern const pt_vs pt_ctrl_type_vs[];       /* 1..15 -> "Start-Control-Connection-Request" ... */
extern const pt_vs pt_ctrl_msg_type_vs[];   /* 1 control, 2 management */
extern const pt_vs pt_ctrl_gerr_vs[];       /* 0..6 */
extern const pt_vs pt_ctrl_sccrp_result_vs[];
extern const pt_vs pt_ctrl_stop_reason_vs[];
extern const pt_vs pt_ctrl_stopccrp_result_vs[];
extern const pt_vs pt_ctrl_echorp_result_vs[];
extern const pt_vs pt_ctrl_ocrp_result_vs[];
extern const pt_vs pt_ctrl_icrp_result_vs[];
extern const pt_vs pt_ctrl_cdn_result_vs[];
extern const pt_vs pt_ctrl_framing_cap_vs[];  /* bit values */
extern const pt_vs pt_ctrl_bearer_cap_vs[];   /* bit values */
extern const pt_vs pt_ctrl_framing_type_vs[]; /* OCRQ: 1, 2, 3 */
extern const pt_vs pt_ctrl_bearer_type_vs[];  /* OCRQ: 1, 2, 3 */
extern const pt_vs pt_ctrl_call_framing_vs[]; /* ICCN: 1, 2 */
extern const pt_vs pt_ctrl_call_bearer_vs[];  /* ICRQ: 1, 2 */

/*
 * A fixed-size string field, copied as it was on the wire (all octets, so
 * that a builder reproduces the padding byte for byte); len is the length of
 * the prefix before the first 0 octet (the whole field when there is none).
 */
typedef struct pt_ctrl_str64 {
	uint8_t len;
	uint8_t b[PT_PPTP_STR];
} pt_ctrl_str64;

typedef struct pt_ctrl_str128 {
	uint8_t len;
	uint8_t b[PT_PPTP_STATS];
} pt_ctrl_str128;

/* Per-message bodies, in wire order.  Field names follow RFC 2637 section 2. */
typedef struct pt_ctrl_sccrq {  /* 2.1, 156 octets */
	uint16_t version;
	uint16_t reserved1;
	uint32_t framing_cap;
	uint32_t bearer_cap;
	uint16_t max_channels;
	uint16_t firmware_rev;
	pt_ctrl_str64 host_name;
	pt_ctrl_str64 vendor;
} pt_ctrl_sccrq;

typedef struct pt_ctrl_sccrp {  /* 2.2, 156 octets */
	uint16_t version;
	uint8_t result;
	uint8_t error;
	uint32_t framing_cap;
	uint32_t bearer_cap;
	uint16_t max_channels;
	uint16_t firmware_rev;
	pt_ctrl_str64 host_name;
	pt_ctrl_str64 vendor;
} pt_ctrl_sccrp;

typedef struct pt_ctrl_stopccrq {  /* 2.3, 16 octets */
	uint8_t reason;
	uint8_t reserved1;
	uint16_t reserved2;
} pt_ctrl_stopccrq;

typedef struct pt_ctrl_stopccrp {  /* 2.4, 16 octets */
	uint8_t result;
	uint8_t error;
	uint16_t reserved1;
} pt_ctrl_stopccrp;

typedef struct pt_ctrl_echorq {  /* 2.5, 16 octets */
	uint32_t id;
} pt_ctrl_echorq;

typedef struct pt_ctrl_echorp {  /* 2.6, 20 octets */
	uint32_t id;
	uint8_t result;
	uint8_t error;
	uint16_t reserved1;
} pt_ctrl_echorp;

typedef struct pt_ctrl_ocrq {  /* 2.7, 168 octets */
	uint16_t call_id;
	uint16_t call_serial;
	uint32_t min_bps;
	uint32_t max_bps;
	uint32_t bearer_type;
	uint32_t framing_type;
	uint16_t recv_window;
	uint16_t proc_delay;      /* 1/10 s */
	uint16_t phone_len;
	uint16_t reserved1;
	pt_ctrl_str64 phone;
	pt_ctrl_str64 subaddress;
} pt_ctrl_ocrq;

typedef struct pt_ctrl_ocrp {  /* 2.8, 32 octets */
	uint16_t call_id;
	uint16_t peer_call_id;
	uint8_t result;
	uint8_t error;
	uint16_t cause;
	uint32_t connect_speed;
	uint16_t recv_window;
	uint16_t proc_delay;
	uint32_t channel_id;
} pt_ctrl_ocrp;

typedef struct pt_ctrl_icrq {  /* 2.9, 220 octets */
	uint16_t call_id;
	uint16_t call_serial;
	uint32_t bearer_type;
	uint32_t channel_id;
	uint16_t dialed_len;
	uint16_t dialing_len;
	pt_ctrl_str64 dialed;
	pt_ctrl_str64 dialing;
	pt_ctrl_str64 subaddress;
} pt_ctrl_icrq;

typedef struct pt_ctrl_icrp {  /* 2.10, 24 octets */
	uint16_t call_id;
	uint16_t peer_call_id;
	uint8_t result;
	uint8_t error;
	uint16_t recv_window;
	uint16_t tx_delay;
	uint16_t reserved1;
} pt_ctrl_icrp;

typedef struct pt_ctrl_iccn {  /* 2.11, 28 octets */
	uint16_t peer_call_id;
	uint16_t reserved1;
	uint32_t connect_speed;
	uint16_t recv_window;
	uint16_t tx_delay;
	uint32_t framing_type;
} pt_ctrl_iccn;

typedef struct pt_ctrl_ccrq {  /* 2.12, 16 octets */
	uint16_t call_id;
	uint16_t reserved1;
} pt_ctrl_ccrq;

typedef struct pt_ctrl_cdn {  /* 2.13, 148 octets */
	uint16_t call_id;
	uint8_t result;
	uint8_t error;
	uint16_t cause;
	uint16_t reserved1;
	pt_ctrl_str128 stats;
} pt_ctrl_cdn;

typedef struct pt_ctrl_wen {  /* 2.14, 40 octets */
	uint16_t peer_call_id;
	uint16_t reserved1;
	uint32_t crc_errors;
	uint32_t framing_errors;
	uint32_t hw_overruns;
	uint32_t buf_overruns;
	uint32_t timeout_errors;
	uint32_t align_errors;
} pt_ctrl_wen;

typedef struct pt_ctrl_sli {  /* 2.15, 24 octets */
	uint16_t peer_call_id;
	uint16_t reserved1;
	uint32_t send_accm;
	uint32_t recv_accm;
} pt_ctrl_sli;

/* One parsed (or to-be-built) control message. */
typedef struct pt_ctrl_msg {
	/* RFC 2637 2: the common header */
	uint16_t length;
	uint16_t msg_type;
	uint32_t magic;
	uint16_t type;       /* enum pt_ctrl_type */
	uint16_t reserved0;
	union {
		pt_ctrl_sccrq sccrq;
		pt_ctrl_sccrp sccrp;
		pt_ctrl_stopccrq stopccrq;
		pt_ctrl_stopccrp stopccrp;
		pt_ctrl_echorq echorq;
		pt_ctrl_echorp echorp;
		pt_ctrl_ocrq ocrq;
		pt_ctrl_ocrp ocrp;
		pt_ctrl_icrq icrq;
		pt_ctrl_icrp icrp;
		pt_ctrl_iccn iccn;
		pt_ctrl_ccrq ccrq;
		pt_ctrl_cdn cdn;
		pt_ctrl_wen wen;
		pt_ctrl_sli sli;
	} u;
} pt_ctrl_msg;

/*
 * One declaration per wire field (the Wireshark way): the parser, the builder
 * and the generic checks walk these, and a front end can build its tree from
 * them.  off is the offset from the start of the message.
 */
enum pt_ctrl_fkind {
	PT_FK_UINT = 0,   /* plain number */
	PT_FK_ENUM,       /* value must be in vs; otherwise rule */
	PT_FK_BITS,       /* bit mask: bits outside mask break rule */
	PT_FK_RESERVED,   /* must be 0 */
	PT_FK_STR         /* 0-terminated, 0-padded string */
};

typedef struct pt_ctrl_field {
	const char *name;   /* "Protocol Version" */
	const char *key;    /* "version": short key for filters and scenarios */
	uint16_t off;       /* from the start of the message */
	uint16_t len;       /* 1, 2, 4, 64 or 128 */
	uint8_t kind;       /* enum pt_ctrl_fkind */
	uint16_t moff;      /* offset of the member in pt_ctrl_msg */
	const pt_vs *vs;    /* values (ENUM) or bit names (BITS); NULL otherwise */
	uint32_t mask;      /* BITS: the defined bits */
	int rule;           /* ENUM/BITS: rule broken by a bad value; -1 none */
} pt_ctrl_field;

/* One descriptor per message type (STYLE.md item 5). */
typedef struct pt_ctrl_desc {
	uint16_t type;
	const char *name;          /* "Start-Control-Connection-Request" */
	const char *abbrev;        /* "SCCRQ" */
	const char *ref;           /* "RFC 2637 2.1" */
	uint16_t len;              /* fixed length, header included */
	int sender;                /* PT_DIR_PNS, PT_DIR_PAC, or PT_DIR_UNKNOWN for either */
	const pt_vs *result_vs;    /* valid Result Codes (or Reason); NULL if none */
	int8_t result_fi;          /* index in fields of the Result Code; -1 none */
	int8_t error_fi;           /* index in fields of the Error Code; -1 none */
	const pt_ctrl_field *fields;
	size_t nfields;
} pt_ctrl_desc;

const pt_ctrl_desc *pt_ctrl_desc_get(uint16_t type);   /* NULL if not 1..15 */
const char *pt_ctrl_name(uint16_t type);               /* "Outgoing-Call-Request", "Unknown" */
const char *pt_ctrl_abbrev(uint16_t type);             /* "OCRQ", "?" */
/* The value of a 1, 2 or 4-octet field of m, by its declaration (0 for strings). */
uint32_t pt_ctrl_field_get(const pt_ctrl_msg *m, const pt_ctrl_field *f);
/* The fields of the common header, as for the bodies (5 entries). */
const pt_ctrl_field *pt_ctrl_hdr_fields(size_t *n);

/*
 * Framing on a TCP stream: peek the Length of the message at the cursor.
 * PT_ETRUNC if fewer than 2 bytes; PT_EINVAL if Length < 12 or > PT_PPTP_MAX_LEN.
 */
int pt_ctrl_frame_len(const pt_cursor *c, size_t *len);

/*
 * Parse one message.  c covers the message (Length bytes; more is allowed and
 * is left unread, fewer gives PT_ETRUNC).  Every static rule is checked and
 * reported through sink at `at`.  Returns PT_OK (possibly with findings),
 * PT_ETRUNC, PT_EINVAL (header unusable, or body shorter than the type needs),
 * or PT_EUNSUP (unknown control type or management message: framing is fine,
 * the body was skipped).  On return c sits after the message's Length bytes
 * (or at the end of what was captured).
 */
int pt_ctrl_parse(pt_cursor *c, pt_ctrl_msg *m, const pt_sink *sink, const pt_where *at);

/*
 * Build m through w.  Length, PPTP Message Type, Magic Cookie come from the
 * descriptor of m->type; everything else (Reserved0 included) from m, so a
 * builder can send the odd value on purpose.  PT_EINVAL for an unknown type,
 * PT_ENOSPC if w is too small.
 */
int pt_ctrl_build(const pt_ctrl_msg *m, pt_writer *w);
/*
 * Same, but Length, Message Type and Magic come from m too: the body is cut at
 * m->length or padded with zeros up to it.  For conformance tests that send
 * broken messages on purpose.
 */
int pt_ctrl_build_raw(const pt_ctrl_msg *m, pt_writer *w);

/* Set a string field from a C string (truncated to the field, zero padded). */
void pt_ctrl_str64_set(pt_ctrl_str64 *s, const char *text);
void pt_ctrl_str128_set(pt_ctrl_str128 *s, const char *text);

/* Zero m and fill the header for type (length from the descriptor). */
void pt_ctrl_init(pt_ctrl_msg *m, uint16_t type);
/* The same, then the values every valid message of the type has (version, Result Codes OK, either framing and
 * bearer, ACCM all ones); names, numbers and Call IDs stay for the caller. */
void pt_ctrl_init_valid(pt_ctrl_msg *m, uint16_t type);

#endif
