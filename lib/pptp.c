/* pptp.c: the 15 PPTP control messages, RFC 2637 section 2: field tables, parser, checks, builder. */
#include <stddef.h>
#include <string.h>

#include "pptp.h"
#include "rules.h"

/* ---- {value, name} tables ---------------------------------------------- */

/* RFC 2637 2: Control Message Type. */
const pt_vs pt_ctrl_type_vs[] = {
	{ PT_CTRL_SCCRQ, "Start-Control-Connection-Request" },
	{ PT_CTRL_SCCRP, "Start-Control-Connection-Reply" },
	{ PT_CTRL_STOPCCRQ, "Stop-Control-Connection-Request" },
	{ PT_CTRL_STOPCCRP, "Stop-Control-Connection-Reply" },
	{ PT_CTRL_ECHORQ, "Echo-Request" },
	{ PT_CTRL_ECHORP, "Echo-Reply" },
	{ PT_CTRL_OCRQ, "Outgoing-Call-Request" },
	{ PT_CTRL_OCRP, "Outgoing-Call-Reply" },
	{ PT_CTRL_ICRQ, "Incoming-Call-Request" },
	{ PT_CTRL_ICRP, "Incoming-Call-Reply" },
	{ PT_CTRL_ICCN, "Incoming-Call-Connected" },
	{ PT_CTRL_CCRQ, "Call-Clear-Request" },
	{ PT_CTRL_CDN, "Call-Disconnect-Notify" },
	{ PT_CTRL_WEN, "WAN-Error-Notify" },
	{ PT_CTRL_SLI, "Set-Link-Info" },
	{ 0, NULL }
};

/* RFC 2637 2: PPTP Message Type (management messages were never defined). */
const pt_vs pt_ctrl_msg_type_vs[] = {
	{ PT_PPTP_MSG_CONTROL, "Control Message" },
	{ PT_PPTP_MSG_MANAGEMENT, "Management Message" },
	{ 0, NULL }
};

/* RFC 2637 2.16: General Error Codes. */
const pt_vs pt_ctrl_gerr_vs[] = {
	{ PT_GERR_NONE, "None" },
	{ PT_GERR_NOT_CONNECTED, "Not-Connected" },
	{ PT_GERR_BAD_FORMAT, "Bad-Format" },
	{ PT_GERR_BAD_VALUE, "Bad-Value" },
	{ PT_GERR_NO_RESOURCE, "No-Resource" },
	{ PT_GERR_BAD_CALL_ID, "Bad-Call ID" },
	{ PT_GERR_PAC_ERROR, "PAC-Error" },
	{ 0, NULL }
};

/* RFC 2637 2.2: Start-Control-Connection-Reply Result Code. */
const pt_vs pt_ctrl_sccrp_result_vs[] = {
	{ 1, "Successful channel establishment" },
	{ 2, "General error" },
	{ 3, "Command channel already exists" },
	{ 4, "Requester is not authorized to establish a command channel" },
	{ 5, "The protocol version of the requester is not supported" },
	{ 0, NULL }
};

/* RFC 2637 2.3: Stop-Control-Connection-Request Reason. */
const pt_vs pt_ctrl_stop_reason_vs[] = {
	{ PT_STOP_NONE, "None" },
	{ PT_STOP_PROTOCOL, "Stop-Protocol" },
	{ PT_STOP_LOCAL_SHUTDOWN, "Stop-Local-Shutdown" },
	{ 0, NULL }
};

/* RFC 2637 2.4: Stop-Control-Connection-Reply Result Code. */
const pt_vs pt_ctrl_stopccrp_result_vs[] = {
	{ 1, "OK" },
	{ 2, "General error" },
	{ 0, NULL }
};

/* RFC 2637 2.6: Echo-Reply Result Code. */
const pt_vs pt_ctrl_echorp_result_vs[] = {
	{ 1, "OK" },
	{ 2, "General error" },
	{ 0, NULL }
};

/* RFC 2637 2.8: Outgoing-Call-Reply Result Code. */
const pt_vs pt_ctrl_ocrp_result_vs[] = {
	{ 1, "Connected" },
	{ 2, "General Error" },
	{ 3, "No Carrier" },
	{ 4, "Busy" },
	{ 5, "No Dial Tone" },
	{ 6, "Time-out" },
	{ 7, "Do Not Accept" },
	{ 0, NULL }
};

/* RFC 2637 2.10: Incoming-Call-Reply Result Code. */
const pt_vs pt_ctrl_icrp_result_vs[] = {
	{ 1, "Connect" },
	{ 2, "General Error" },
	{ 3, "Do Not Accept" },
	{ 0, NULL }
};

/* RFC 2637 2.13: Call-Disconnect-Notify Result Code. */
const pt_vs pt_ctrl_cdn_result_vs[] = {
	{ 1, "Lost Carrier" },
	{ 2, "General Error" },
	{ 3, "Admin Shutdown" },
	{ 4, "Request" },
	{ 0, NULL }
};

/* RFC 2637 2.1: Framing and Bearer Capabilities are bit sets. */
const pt_vs pt_ctrl_framing_cap_vs[] = {
	{ PT_FRAMING_ASYNC, "Asynchronous" },
	{ PT_FRAMING_SYNC, "Synchronous" },
	{ 0, NULL }
};

const pt_vs pt_ctrl_bearer_cap_vs[] = {
	{ PT_BEARER_ANALOG, "Analog" },
	{ PT_BEARER_DIGITAL, "Digital" },
	{ 0, NULL }
};

/* RFC 2637 2.7: Outgoing-Call-Request Framing Type and Bearer Type (3 = either). */
const pt_vs pt_ctrl_framing_type_vs[] = {
	{ PT_FRAMING_ASYNC, "Asynchronous" },
	{ PT_FRAMING_SYNC, "Synchronous" },
	{ PT_FRAMING_EITHER, "Either" },
	{ 0, NULL }
};

const pt_vs pt_ctrl_bearer_type_vs[] = {
	{ PT_BEARER_ANALOG, "Analog" },
	{ PT_BEARER_DIGITAL, "Digital" },
	{ PT_BEARER_EITHER, "Any" },
	{ 0, NULL }
};

/* RFC 2637 2.11 (ICCN Framing Type) and 2.9 (ICRQ Call Bearer Type): the call
 * has happened, so the value names one kind, never "either". */
const pt_vs pt_ctrl_call_framing_vs[] = {
	{ PT_FRAMING_ASYNC, "Asynchronous" },
	{ PT_FRAMING_SYNC, "Synchronous" },
	{ 0, NULL }
};

const pt_vs pt_ctrl_call_bearer_vs[] = {
	{ PT_BEARER_ANALOG, "Analog" },
	{ PT_BEARER_DIGITAL, "Digital" },
	{ 0, NULL }
};

/* ---- field tables ------------------------------------------------------ */

#define MOFF(mt, f) ((uint16_t)offsetof(pt_ctrl_msg, u.mt.f))
#define MSZ(mt, f) ((uint16_t)sizeof(((pt_ctrl_msg *)0)->u.mt.f))
#define SSZ(mt, f) ((uint16_t)sizeof(((pt_ctrl_msg *)0)->u.mt.f.b))

#define F_UINT(n, k, o, mt, f) { n, k, o, MSZ(mt, f), PT_FK_UINT, MOFF(mt, f), NULL, 0, -1 }
#define F_ENUM(n, k, o, mt, f, vs, r) { n, k, o, MSZ(mt, f), PT_FK_ENUM, MOFF(mt, f), vs, 0, r }
#define F_BITS(n, k, o, mt, f, vs, m, r) { n, k, o, MSZ(mt, f), PT_FK_BITS, MOFF(mt, f), vs, m, r }
#define F_RSVD(n, k, o, mt, f) { n, k, o, MSZ(mt, f), PT_FK_RESERVED, MOFF(mt, f), NULL, 0, -1 }
#define F_STR(n, k, o, mt, f) { n, k, o, SSZ(mt, f), PT_FK_STR, MOFF(mt, f), NULL, 0, -1 }

#define HOFF(f) ((uint16_t)offsetof(pt_ctrl_msg, f))
#define HSZ(f) ((uint16_t)sizeof(((pt_ctrl_msg *)0)->f))

/* RFC 2637 2: the 12-octet header every control message starts with. */
static const pt_ctrl_field hdr_fields[] = {
	{ "Length", "length", 0, HSZ(length), PT_FK_UINT, HOFF(length), NULL, 0, -1 },
	{ "PPTP Message Type", "msg_type", 2, HSZ(msg_type), PT_FK_ENUM, HOFF(msg_type),
	  pt_ctrl_msg_type_vs, 0, PT_R_CTRL_BAD_MSG_TYPE },
	{ "Magic Cookie", "magic", 4, HSZ(magic), PT_FK_UINT, HOFF(magic), NULL, 0, -1 },
	{ "Control Message Type", "type", 8, HSZ(type), PT_FK_ENUM, HOFF(type), pt_ctrl_type_vs, 0,
	  PT_R_CTRL_UNKNOWN_TYPE },
	{ "Reserved0", "reserved0", 10, HSZ(reserved0), PT_FK_RESERVED, HOFF(reserved0), NULL, 0, -1 },
};

#define CAP_BITS (PT_FRAMING_ASYNC | PT_FRAMING_SYNC)

/* RFC 2637 2.1 */
static const pt_ctrl_field sccrq_fields[] = {
	F_UINT("Protocol Version", "version", 12, sccrq, version),
	F_RSVD("Reserved1", "reserved1", 14, sccrq, reserved1),
	F_BITS("Framing Capabilities", "framing_cap", 16, sccrq, framing_cap, pt_ctrl_framing_cap_vs,
	       CAP_BITS, PT_R_CTRL_FRAMING_CAP),
	F_BITS("Bearer Capabilities", "bearer_cap", 20, sccrq, bearer_cap, pt_ctrl_bearer_cap_vs,
	       PT_BEARER_ANALOG | PT_BEARER_DIGITAL, PT_R_CTRL_BEARER_CAP),
	F_UINT("Maximum Channels", "max_channels", 24, sccrq, max_channels),
	F_UINT("Firmware Revision", "firmware_rev", 26, sccrq, firmware_rev),
	F_STR("Host Name", "host_name", 28, sccrq, host_name),
	F_STR("Vendor String", "vendor", 92, sccrq, vendor),
};

/* RFC 2637 2.2 */
static const pt_ctrl_field sccrp_fields[] = {
	F_UINT("Protocol Version", "version", 12, sccrp, version),
	F_ENUM("Result Code", "result", 14, sccrp, result, pt_ctrl_sccrp_result_vs, PT_R_CTRL_BAD_RESULT),
	F_ENUM("Error Code", "error", 15, sccrp, error, pt_ctrl_gerr_vs, PT_R_CTRL_BAD_ERROR_CODE),
	F_BITS("Framing Capabilities", "framing_cap", 16, sccrp, framing_cap, pt_ctrl_framing_cap_vs,
	       CAP_BITS, PT_R_CTRL_FRAMING_CAP),
	F_BITS("Bearer Capabilities", "bearer_cap", 20, sccrp, bearer_cap, pt_ctrl_bearer_cap_vs,
	       PT_BEARER_ANALOG | PT_BEARER_DIGITAL, PT_R_CTRL_BEARER_CAP),
	F_UINT("Maximum Channels", "max_channels", 24, sccrp, max_channels),
	F_UINT("Firmware Revision", "firmware_rev", 26, sccrp, firmware_rev),
	F_STR("Host Name", "host_name", 28, sccrp, host_name),
	F_STR("Vendor String", "vendor", 92, sccrp, vendor),
};

/* RFC 2637 2.3 */
static const pt_ctrl_field stopccrq_fields[] = {
	F_ENUM("Reason", "reason", 12, stopccrq, reason, pt_ctrl_stop_reason_vs, PT_R_CTRL_BAD_STOP_REASON),
	F_RSVD("Reserved1", "reserved1", 13, stopccrq, reserved1),
	F_RSVD("Reserved2", "reserved2", 14, stopccrq, reserved2),
};

/* RFC 2637 2.4 */
static const pt_ctrl_field stopccrp_fields[] = {
	F_ENUM("Result Code", "result", 12, stopccrp, result, pt_ctrl_stopccrp_result_vs, PT_R_CTRL_BAD_RESULT),
	F_ENUM("Error Code", "error", 13, stopccrp, error, pt_ctrl_gerr_vs, PT_R_CTRL_BAD_ERROR_CODE),
	F_RSVD("Reserved1", "reserved1", 14, stopccrp, reserved1),
};

/* RFC 2637 2.5 */
static const pt_ctrl_field echorq_fields[] = {
	F_UINT("Identifier", "id", 12, echorq, id),
};

/* RFC 2637 2.6 */
static const pt_ctrl_field echorp_fields[] = {
	F_UINT("Identifier", "id", 12, echorp, id),
	F_ENUM("Result Code", "result", 16, echorp, result, pt_ctrl_echorp_result_vs, PT_R_CTRL_BAD_RESULT),
	F_ENUM("Error Code", "error", 17, echorp, error, pt_ctrl_gerr_vs, PT_R_CTRL_BAD_ERROR_CODE),
	F_RSVD("Reserved1", "reserved1", 18, echorp, reserved1),
};

/* RFC 2637 2.7 */
static const pt_ctrl_field ocrq_fields[] = {
	F_UINT("Call ID", "call_id", 12, ocrq, call_id),
	F_UINT("Call Serial Number", "call_serial", 14, ocrq, call_serial),
	F_UINT("Minimum BPS", "min_bps", 16, ocrq, min_bps),
	F_UINT("Maximum BPS", "max_bps", 20, ocrq, max_bps),
	F_ENUM("Bearer Type", "bearer_type", 24, ocrq, bearer_type, pt_ctrl_bearer_type_vs, PT_R_CTRL_BEARER_TYPE),
	F_ENUM("Framing Type", "framing_type", 28, ocrq, framing_type, pt_ctrl_framing_type_vs,
	       PT_R_CTRL_FRAMING_TYPE),
	F_UINT("Packet Recv. Window Size", "recv_window", 32, ocrq, recv_window),
	F_UINT("Packet Processing Delay", "proc_delay", 34, ocrq, proc_delay),
	F_UINT("Phone Number Length", "phone_len", 36, ocrq, phone_len),
	F_RSVD("Reserved1", "reserved1", 38, ocrq, reserved1),
	F_STR("Phone Number", "phone", 40, ocrq, phone),
	F_STR("Subaddress", "subaddress", 104, ocrq, subaddress),
};

/* RFC 2637 2.8 */
static const pt_ctrl_field ocrp_fields[] = {
	F_UINT("Call ID", "call_id", 12, ocrp, call_id),
	F_UINT("Peer's Call ID", "peer_call_id", 14, ocrp, peer_call_id),
	F_ENUM("Result Code", "result", 16, ocrp, result, pt_ctrl_ocrp_result_vs, PT_R_CTRL_BAD_RESULT),
	F_ENUM("Error Code", "error", 17, ocrp, error, pt_ctrl_gerr_vs, PT_R_CTRL_BAD_ERROR_CODE),
	F_UINT("Cause Code", "cause", 18, ocrp, cause),
	F_UINT("Connect Speed", "connect_speed", 20, ocrp, connect_speed),
	F_UINT("Packet Recv. Window Size", "recv_window", 24, ocrp, recv_window),
	F_UINT("Packet Processing Delay", "proc_delay", 26, ocrp, proc_delay),
	F_UINT("Physical Channel ID", "channel_id", 28, ocrp, channel_id),
};

/* RFC 2637 2.9 */
static const pt_ctrl_field icrq_fields[] = {
	F_UINT("Call ID", "call_id", 12, icrq, call_id),
	F_UINT("Call Serial Number", "call_serial", 14, icrq, call_serial),
	F_ENUM("Call Bearer Type", "bearer_type", 16, icrq, bearer_type, pt_ctrl_call_bearer_vs,
	       PT_R_CTRL_BEARER_TYPE),
	F_UINT("Physical Channel ID", "channel_id", 20, icrq, channel_id),
	F_UINT("Dialed Number Length", "dialed_len", 24, icrq, dialed_len),
	F_UINT("Dialing Number Length", "dialing_len", 26, icrq, dialing_len),
	F_STR("Dialed Number", "dialed", 28, icrq, dialed),
	F_STR("Dialing Number", "dialing", 92, icrq, dialing),
	F_STR("Subaddress", "subaddress", 156, icrq, subaddress),
};

/* RFC 2637 2.10 */
static const pt_ctrl_field icrp_fields[] = {
	F_UINT("Call ID", "call_id", 12, icrp, call_id),
	F_UINT("Peer's Call ID", "peer_call_id", 14, icrp, peer_call_id),
	F_ENUM("Result Code", "result", 16, icrp, result, pt_ctrl_icrp_result_vs, PT_R_CTRL_BAD_RESULT),
	F_ENUM("Error Code", "error", 17, icrp, error, pt_ctrl_gerr_vs, PT_R_CTRL_BAD_ERROR_CODE),
	F_UINT("Packet Recv. Window Size", "recv_window", 18, icrp, recv_window),
	F_UINT("Packet Transmit Delay", "tx_delay", 20, icrp, tx_delay),
	F_RSVD("Reserved1", "reserved1", 22, icrp, reserved1),
};

/* RFC 2637 2.11 */
static const pt_ctrl_field iccn_fields[] = {
	F_UINT("Peer's Call ID", "peer_call_id", 12, iccn, peer_call_id),
	F_RSVD("Reserved1", "reserved1", 14, iccn, reserved1),
	F_UINT("Connect Speed", "connect_speed", 16, iccn, connect_speed),
	F_UINT("Packet Recv. Window Size", "recv_window", 20, iccn, recv_window),
	F_UINT("Packet Transmit Delay", "tx_delay", 22, iccn, tx_delay),
	F_ENUM("Framing Type", "framing_type", 24, iccn, framing_type, pt_ctrl_call_framing_vs,
	       PT_R_CTRL_FRAMING_TYPE),
};

/* RFC 2637 2.12 */
static const pt_ctrl_field ccrq_fields[] = {
	F_UINT("Call ID", "call_id", 12, ccrq, call_id),
	F_RSVD("Reserved1", "reserved1", 14, ccrq, reserved1),
};

/* RFC 2637 2.13; the Result Code is checked by check_cdn (Windows sends 0). */
static const pt_ctrl_field cdn_fields[] = {
	F_UINT("Call ID", "call_id", 12, cdn, call_id),
	F_ENUM("Result Code", "result", 14, cdn, result, pt_ctrl_cdn_result_vs, -1),
	F_ENUM("Error Code", "error", 15, cdn, error, pt_ctrl_gerr_vs, PT_R_CTRL_BAD_ERROR_CODE),
	F_UINT("Cause Code", "cause", 16, cdn, cause),
	F_RSVD("Reserved1", "reserved1", 18, cdn, reserved1),
	F_STR("Call Statistics", "stats", 20, cdn, stats),
};

/* RFC 2637 2.14 */
static const pt_ctrl_field wen_fields[] = {
	F_UINT("Peer's Call ID", "peer_call_id", 12, wen, peer_call_id),
	F_RSVD("Reserved1", "reserved1", 14, wen, reserved1),
	F_UINT("CRC Errors", "crc_errors", 16, wen, crc_errors),
	F_UINT("Framing Errors", "framing_errors", 20, wen, framing_errors),
	F_UINT("Hardware Overruns", "hw_overruns", 24, wen, hw_overruns),
	F_UINT("Buffer Overruns", "buf_overruns", 28, wen, buf_overruns),
	F_UINT("Time-out Errors", "timeout_errors", 32, wen, timeout_errors),
	F_UINT("Alignment Errors", "align_errors", 36, wen, align_errors),
};

/* RFC 2637 2.15 */
static const pt_ctrl_field sli_fields[] = {
	F_UINT("Peer's Call ID", "peer_call_id", 12, sli, peer_call_id),
	F_RSVD("Reserved1", "reserved1", 14, sli, reserved1),
	F_UINT("Send ACCM", "send_accm", 16, sli, send_accm),
	F_UINT("Receive ACCM", "recv_accm", 20, sli, recv_accm),
};

/* ---- per-type checks beyond the field tables ---------------------------- */

static void check_version(const pt_ctrl_desc *d, uint16_t v, const pt_sink *sink, const pt_where *at)
{
	/* RFC 2637 2.1/2.2: Protocol Version is 0x0100 (version 1, revision 0). */
	if (v != PT_PPTP_VERSION)
		pt_report(sink, PT_R_CTRL_BAD_VERSION, at, "%s: Protocol Version 0x%04x (%u.%u), expected 0x0100",
			  d->abbrev, v, v >> 8, v & 0xff);
}

static void check_number_len(const pt_ctrl_desc *d, const char *what, uint16_t len, const pt_ctrl_str64 *num,
			     const pt_sink *sink, const pt_where *at)
{
	/* RFC 2637 2.7/2.9: the length is the number of valid digits in the 64-octet field. */
	if (len > PT_PPTP_STR)
		pt_report(sink, PT_R_CTRL_NUMBER_LENGTH, at, "%s: %s Length %u exceeds the 64-octet field",
			  d->abbrev, what, len);
	else if (len != num->len)
		pt_report(sink, PT_R_CTRL_NUMBER_LENGTH, at, "%s: %s Length %u but the number has %u octets",
			  d->abbrev, what, len, num->len);
}

static void check_sccrq(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_sink *sink, const pt_where *at)
{
	check_version(d, m->u.sccrq.version, sink, at);
}

static void check_sccrp(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_sink *sink, const pt_where *at)
{
	check_version(d, m->u.sccrp.version, sink, at);
	/* RFC 2637 2.2: a successful reply tells the capabilities of its sender; none at all says nothing.
	 * pptpd 1.4.0 sends both as 0 (docs/lab.md). */
	if (m->u.sccrp.result == PT_CTRL_RESULT_OK && (m->u.sccrp.framing_cap == 0 || m->u.sccrp.bearer_cap == 0))
		pt_report(sink, PT_R_CTRL_NO_CAPABILITIES, at, "SCCRP: Framing Capabilities 0x%x, Bearer Capabilities 0x%x",
			  (unsigned)m->u.sccrp.framing_cap, (unsigned)m->u.sccrp.bearer_cap);
}

static void check_ocrq(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_sink *sink, const pt_where *at)
{
	const pt_ctrl_ocrq *o = &m->u.ocrq;

	/* RFC 2637 2.7: the lowest acceptable line speed cannot exceed the highest. */
	if (o->min_bps > o->max_bps)
		pt_report(sink, PT_R_CTRL_BPS_RANGE, at, "OCRQ: Minimum BPS %u > Maximum BPS %u",
			  (unsigned)o->min_bps, (unsigned)o->max_bps);
	check_number_len(d, "Phone Number", o->phone_len, &o->phone, sink, at);
}

static void check_icrq(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_sink *sink, const pt_where *at)
{
	check_number_len(d, "Dialed Number", m->u.icrq.dialed_len, &m->u.icrq.dialed, sink, at);
	check_number_len(d, "Dialing Number", m->u.icrq.dialing_len, &m->u.icrq.dialing, sink, at);
}

static void check_cdn(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_sink *sink, const pt_where *at)
{
	uint8_t r = m->u.cdn.result;

	(void)d;
	/* RFC 2637 2.13: Result Code 1-4.  MS-PTPT 3.2.5.5: a Windows PAC sends 0
	 * whatever the reason; reported as pptp.ctrl.cdn_result_zero, not as an error. */
	if (r == 0)
		pt_report(sink, PT_R_CTRL_CDN_RESULT_ZERO, at, "CDN: Result Code 0 (not defined; Windows PAC)");
	else if (!pt_vs_name(pt_ctrl_cdn_result_vs, r))
		pt_report(sink, PT_R_CTRL_BAD_RESULT, at, "CDN: Result Code %u is not defined (1-4)", r);
}

typedef void (*check_fn)(const pt_ctrl_msg *, const pt_ctrl_desc *, const pt_sink *, const pt_where *);

/* ---- the descriptor table ---------------------------------------------- */

#define NF(a) (sizeof(a) / sizeof((a)[0]))
#define PNS PT_DIR_PNS
#define PAC PT_DIR_PAC
#define ANY PT_DIR_UNKNOWN

typedef struct desc_priv {
	pt_ctrl_desc pub;
	check_fn check;
} desc_priv;

/*
 * Lengths checked against quozl/pptp pptp_msg.h (struct sizes) and tcpdump
 * print-pptp.c (struct layouts); senders from RFC 2637 2.1-2.15.  Result and
 * Error Code field indices point into the field tables above.
 */
static const desc_priv descs[PT_CTRL_TYPE_MAX] = {
	{ { PT_CTRL_SCCRQ, "Start-Control-Connection-Request", "SCCRQ", "RFC 2637 2.1", 156, ANY,
	    NULL, -1, -1, sccrq_fields, NF(sccrq_fields) }, check_sccrq },
	{ { PT_CTRL_SCCRP, "Start-Control-Connection-Reply", "SCCRP", "RFC 2637 2.2", 156, ANY,
	    pt_ctrl_sccrp_result_vs, 1, 2, sccrp_fields, NF(sccrp_fields) }, check_sccrp },
	{ { PT_CTRL_STOPCCRQ, "Stop-Control-Connection-Request", "StopCCRQ", "RFC 2637 2.3", 16, ANY,
	    pt_ctrl_stop_reason_vs, 0, -1, stopccrq_fields, NF(stopccrq_fields) }, NULL },
	{ { PT_CTRL_STOPCCRP, "Stop-Control-Connection-Reply", "StopCCRP", "RFC 2637 2.4", 16, ANY,
	    pt_ctrl_stopccrp_result_vs, 0, 1, stopccrp_fields, NF(stopccrp_fields) }, NULL },
	{ { PT_CTRL_ECHORQ, "Echo-Request", "EchoRQ", "RFC 2637 2.5", 16, ANY,
	    NULL, -1, -1, echorq_fields, NF(echorq_fields) }, NULL },
	{ { PT_CTRL_ECHORP, "Echo-Reply", "EchoRP", "RFC 2637 2.6", 20, ANY,
	    pt_ctrl_echorp_result_vs, 1, 2, echorp_fields, NF(echorp_fields) }, NULL },
	{ { PT_CTRL_OCRQ, "Outgoing-Call-Request", "OCRQ", "RFC 2637 2.7", 168, PNS,
	    NULL, -1, -1, ocrq_fields, NF(ocrq_fields) }, check_ocrq },
	{ { PT_CTRL_OCRP, "Outgoing-Call-Reply", "OCRP", "RFC 2637 2.8", 32, PAC,
	    pt_ctrl_ocrp_result_vs, 2, 3, ocrp_fields, NF(ocrp_fields) }, NULL },
	{ { PT_CTRL_ICRQ, "Incoming-Call-Request", "ICRQ", "RFC 2637 2.9", 220, PAC,
	    NULL, -1, -1, icrq_fields, NF(icrq_fields) }, check_icrq },
	{ { PT_CTRL_ICRP, "Incoming-Call-Reply", "ICRP", "RFC 2637 2.10", 24, PNS,
	    pt_ctrl_icrp_result_vs, 2, 3, icrp_fields, NF(icrp_fields) }, NULL },
	{ { PT_CTRL_ICCN, "Incoming-Call-Connected", "ICCN", "RFC 2637 2.11", 28, PAC,
	    NULL, -1, -1, iccn_fields, NF(iccn_fields) }, NULL },
	{ { PT_CTRL_CCRQ, "Call-Clear-Request", "CCRQ", "RFC 2637 2.12", 16, PNS,
	    NULL, -1, -1, ccrq_fields, NF(ccrq_fields) }, NULL },
	{ { PT_CTRL_CDN, "Call-Disconnect-Notify", "CDN", "RFC 2637 2.13", 148, PAC,
	    pt_ctrl_cdn_result_vs, 1, 2, cdn_fields, NF(cdn_fields) }, check_cdn },
	{ { PT_CTRL_WEN, "WAN-Error-Notify", "WEN", "RFC 2637 2.14", 40, PAC,
	    NULL, -1, -1, wen_fields, NF(wen_fields) }, NULL },
	{ { PT_CTRL_SLI, "Set-Link-Info", "SLI", "RFC 2637 2.15", 24, PNS,
	    NULL, -1, -1, sli_fields, NF(sli_fields) }, NULL },
};

static const desc_priv *desc_of(uint16_t type)
{
	if (type < 1 || type > PT_CTRL_TYPE_MAX)
		return NULL;
	return &descs[type - 1];
}

const pt_ctrl_desc *pt_ctrl_desc_get(uint16_t type)
{
	const desc_priv *d = desc_of(type);
	return d ? &d->pub : NULL;
}

const char *pt_ctrl_name(uint16_t type)
{
	const desc_priv *d = desc_of(type);
	return d ? d->pub.name : "Unknown";
}

const char *pt_ctrl_abbrev(uint16_t type)
{
	const desc_priv *d = desc_of(type);
	return d ? d->pub.abbrev : "?";
}

const pt_ctrl_field *pt_ctrl_hdr_fields(size_t *n)
{
	if (n)
		*n = NF(hdr_fields);
	return hdr_fields;
}

/* ---- member access by field declaration -------------------------------- */

uint32_t pt_ctrl_field_get(const pt_ctrl_msg *m, const pt_ctrl_field *f)
{
	const unsigned char *p = (const unsigned char *)m + f->moff;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;

	switch (f->len) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	}
	return 0;
}

static void member_put(pt_ctrl_msg *m, const pt_ctrl_field *f, uint32_t v)
{
	unsigned char *p = (unsigned char *)m + f->moff;
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;

	switch (f->len) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v, 4);
		break;
	}
}

/* Both string structs are {uint8_t len; uint8_t b[N];}: b sits at the same offset. */
_Static_assert(offsetof(pt_ctrl_str64, b) == offsetof(pt_ctrl_str128, b), "string layouts differ");
_Static_assert(offsetof(pt_ctrl_str64, len) == offsetof(pt_ctrl_str128, len), "string layouts differ");

static uint8_t *str_bytes(pt_ctrl_msg *m, const pt_ctrl_field *f)
{
	return (uint8_t *)m + f->moff + offsetof(pt_ctrl_str64, b);
}

static const uint8_t *str_cbytes(const pt_ctrl_msg *m, const pt_ctrl_field *f)
{
	return (const uint8_t *)m + f->moff + offsetof(pt_ctrl_str64, b);
}

static uint8_t str_prefix_len(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && b[i]; i++)
		;
	return (uint8_t)(i > 255 ? 255 : i);
}

static void str_set(uint8_t *len, uint8_t *b, size_t n, const char *text)
{
	size_t l = text ? strnlen(text, n) : 0;

	memset(b, 0, n);
	if (l)
		memcpy(b, text, l);
	*len = (uint8_t)l;
}

void pt_ctrl_str64_set(pt_ctrl_str64 *s, const char *text)
{
	str_set(&s->len, s->b, sizeof s->b, text);
}

void pt_ctrl_str128_set(pt_ctrl_str128 *s, const char *text)
{
	str_set(&s->len, s->b, sizeof s->b, text);
}

void pt_ctrl_init(pt_ctrl_msg *m, uint16_t type)
{
	const desc_priv *d = desc_of(type);

	memset(m, 0, sizeof *m);
	m->length = d ? d->pub.len : PT_PPTP_HDR_LEN;
	m->msg_type = PT_PPTP_MSG_CONTROL;
	m->magic = PT_PPTP_MAGIC;
	m->type = type;
}

/* A valid message of the type (RFC 2637 2.1-2.15): the protocol version, Result Codes "OK", "either"
 * framing and bearer, no stop reason, an ACCM of all ones; names, numbers and Call IDs are the caller's. */
void pt_ctrl_init_valid(pt_ctrl_msg *m, uint16_t type)
{
	pt_ctrl_init(m, type);
	switch (type) {
	case PT_CTRL_SCCRQ:
		m->u.sccrq.version = PT_PPTP_VERSION;
		m->u.sccrq.framing_cap = PT_FRAMING_EITHER;
		m->u.sccrq.bearer_cap = PT_BEARER_EITHER;
		break;
	case PT_CTRL_SCCRP:
		m->u.sccrp.version = PT_PPTP_VERSION;
		m->u.sccrp.result = PT_CTRL_RESULT_OK;
		m->u.sccrp.framing_cap = PT_FRAMING_EITHER;
		m->u.sccrp.bearer_cap = PT_BEARER_EITHER;
		break;
	case PT_CTRL_STOPCCRQ:
		m->u.stopccrq.reason = PT_STOP_NONE;
		break;
	case PT_CTRL_STOPCCRP:
		m->u.stopccrp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_ECHORP:
		m->u.echorp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_OCRQ:
		m->u.ocrq.bearer_type = PT_BEARER_EITHER;
		m->u.ocrq.framing_type = PT_FRAMING_EITHER;
		break;
	case PT_CTRL_OCRP:
		m->u.ocrp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_ICRP:
		m->u.icrp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_CDN:
		m->u.cdn.result = 4; /* RFC 2637 2.13: Request (Call-Clear-Request received) */
		break;
	case PT_CTRL_SLI:
		m->u.sli.send_accm = 0xffffffffu;
		m->u.sli.recv_accm = 0xffffffffu;
		break;
	default:
		break;
	}
}

/* ---- parsing ------------------------------------------------------------ */

int pt_ctrl_frame_len(const pt_cursor *c, size_t *len)
{
	uint16_t l;

	if (pt_peek_u16(c, 0, &l) != PT_OK)
		return PT_ETRUNC;
	*len = l;
	/* RFC 2637 2: Length counts the whole message, header included. */
	if (l < PT_PPTP_HDR_LEN || l > PT_PPTP_MAX_LEN)
		return PT_EINVAL;
	return PT_OK;
}

/* Read one declared field at the cursor into m. */
static int read_field(pt_cursor *c, pt_ctrl_msg *m, const pt_ctrl_field *f)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	int rc;

	if (f->kind == PT_FK_STR) {
		uint8_t *b = str_bytes(m, f);
		rc = pt_copy(c, b, f->len);
		if (rc == PT_OK)
			*((uint8_t *)m + f->moff + offsetof(pt_ctrl_str64, len)) = str_prefix_len(b, f->len);
		return rc;
	}
	switch (f->len) {
	case 1:
		rc = pt_get_u8(c, &v8);
		v32 = v8;
		break;
	case 2:
		rc = pt_get_u16(c, &v16);
		v32 = v16;
		break;
	case 4:
		rc = pt_get_u32(c, &v32);
		break;
	default:
		return PT_EINVAL;
	}
	if (rc == PT_OK)
		member_put(m, f, v32);
	return rc;
}

static void check_string(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_ctrl_field *f,
			 const pt_sink *sink, const pt_where *at)
{
	const uint8_t *b = str_cbytes(m, f);
	size_t n = str_prefix_len(b, f->len), i;

	/* RFC 2637 2.1 (and each string field after it): the rest of the field
	 * SHOULD be filled with 0.  quozl/pptp pptp_msg.h notes the Win95 driver
	 * left garbage there, so this is information, not an error. */
	if (n == f->len) {
		pt_report(sink, PT_R_CTRL_STR_UNTERMINATED, at, "%s: %s fills all %u octets with no 0",
			  d->abbrev, f->name, f->len);
		return;
	}
	for (i = n + 1; i < f->len; i++)
		if (b[i]) {
			pt_report(sink, PT_R_CTRL_STR_PADDING, at,
				  "%s: %s has non-zero octet 0x%02x at +%zu after its end at +%zu",
				  d->abbrev, f->name, b[i], i, n);
			return;
		}
}

/* The checks every field declaration carries. */
static void check_field(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_ctrl_field *f,
			const pt_sink *sink, const pt_where *at)
{
	uint32_t v;

	if (f->kind == PT_FK_STR) {
		check_string(m, d, f, sink, at);
		return;
	}
	v = pt_ctrl_field_get(m, f);
	switch ((enum pt_ctrl_fkind)f->kind) {
	case PT_FK_UINT:
	case PT_FK_STR:
		break;
	case PT_FK_RESERVED:
		/* RFC 2637 2: every Reserved field MUST be 0. */
		if (v)
			pt_report(sink, PT_R_CTRL_RESERVED, at, "%s: %s = 0x%x, must be 0", d->abbrev, f->name,
				  (unsigned)v);
		break;
	case PT_FK_ENUM:
		if (f->rule >= 0 && !pt_vs_name(f->vs, v))
			pt_report(sink, f->rule, at, "%s: %s %u is not defined for this message", d->abbrev, f->name,
				  (unsigned)v);
		break;
	case PT_FK_BITS:
		if (f->rule >= 0 && (v & ~f->mask))
			pt_report(sink, f->rule, at, "%s: %s 0x%08x has undefined bits 0x%08x", d->abbrev, f->name,
				  (unsigned)v, (unsigned)(v & ~f->mask));
		break;
	}
}

static void check_error_code(const pt_ctrl_msg *m, const pt_ctrl_desc *d, const pt_sink *sink,
			     const pt_where *at)
{
	uint32_t result, error;

	if (d->result_fi < 0 || d->error_fi < 0)
		return;
	result = pt_ctrl_field_get(m, &d->fields[d->result_fi]);
	error = pt_ctrl_field_get(m, &d->fields[d->error_fi]);
	/* RFC 2637 2.2 (and every reply with an Error Code): the Error Code is 0
	 * unless the Result Code is 2 (General Error); values are in 2.16. */
	if (result != PT_CTRL_RESULT_GENERAL_ERROR && error != PT_GERR_NONE && pt_vs_name(pt_ctrl_gerr_vs, error))
		pt_report(sink, PT_R_CTRL_ERROR_NOT_GENERAL, at, "%s: Error Code %u (%s) with Result Code %u",
			  d->abbrev, (unsigned)error, pt_vs_name(pt_ctrl_gerr_vs, error), (unsigned)result);
	else if (result == PT_CTRL_RESULT_GENERAL_ERROR && error == PT_GERR_NONE)
		pt_report(sink, PT_R_CTRL_GENERAL_ERROR_NONE, at, "%s: General Error with Error Code 0 (None)",
			  d->abbrev);
}

int pt_ctrl_parse(pt_cursor *c, pt_ctrl_msg *m, const pt_sink *sink, const pt_where *at)
{
	const desc_priv *dp;
	const pt_ctrl_desc *d;
	pt_cursor body;
	size_t len, i;
	int rc, bad = 0;

	memset(m, 0, sizeof *m);
	rc = pt_ctrl_frame_len(c, &len);
	if (rc == PT_ETRUNC)
		return rc;
	if (rc == PT_EINVAL) {
		pt_report(sink, PT_R_CTRL_BAD_LENGTH, at, "Length %zu outside %u..%u", len, PT_PPTP_HDR_LEN,
			  PT_PPTP_MAX_LEN);
		return PT_EINVAL;
	}
	/* STYLE.md 3: the message gets its own sub-cursor of exactly Length bytes. */
	if (pt_sub(c, len, &body) != PT_OK)
		return PT_ETRUNC;
	for (i = 0; i < NF(hdr_fields); i++)
		if (read_field(&body, m, &hdr_fields[i]) != PT_OK)
			return PT_ETRUNC; /* cannot happen: len >= 12 */

	/* RFC 2637 2: Magic Cookie 0x1A2B3C4D; a wrong one means the stream lost its framing. */
	if (m->magic != PT_PPTP_MAGIC) {
		pt_report(sink, PT_R_CTRL_BAD_MAGIC, at, "Magic Cookie 0x%08x, expected 0x1a2b3c4d",
			  (unsigned)m->magic);
		bad = PT_EINVAL;
	}
	/* RFC 2637 2: Message Type 1 = control; 2 (management) was never specified. */
	if (m->msg_type != PT_PPTP_MSG_CONTROL) {
		pt_report(sink, PT_R_CTRL_BAD_MSG_TYPE, at, "PPTP Message Type %u (%s), expected 1 (control)",
			  m->msg_type, pt_vs_name_or(pt_ctrl_msg_type_vs, m->msg_type, "undefined"));
		if (!bad)
			bad = m->msg_type == PT_PPTP_MSG_MANAGEMENT ? PT_EUNSUP : PT_EINVAL;
	}
	if (m->reserved0)
		pt_report(sink, PT_R_CTRL_RESERVED, at, "%s: Reserved0 = 0x%x, must be 0", pt_ctrl_abbrev(m->type),
			  m->reserved0);
	dp = desc_of(m->type);
	if (!dp) {
		pt_report(sink, PT_R_CTRL_UNKNOWN_TYPE, at, "Control Message Type %u is not defined (1-15)", m->type);
		if (!bad)
			bad = PT_EUNSUP;
	}
	if (bad)
		return bad;
	d = &dp->pub;
	/* RFC 2637 2.1-2.15: each type has one fixed length. */
	if (len != d->len) {
		pt_report(sink, PT_R_CTRL_LENGTH_MISMATCH, at, "%s: Length expected %u, got %zu", d->abbrev, d->len,
			  len);
		if (len < d->len)
			return PT_EINVAL;
	}
	for (i = 0; i < d->nfields; i++)
		if (read_field(&body, m, &d->fields[i]) != PT_OK)
			return PT_EINVAL; /* cannot happen: len >= d->len */
	for (i = 0; i < d->nfields; i++)
		check_field(m, d, &d->fields[i], sink, at);
	check_error_code(m, d, sink, at);
	if (dp->check)
		dp->check(m, d, sink, at);
	return PT_OK;
}

/* ---- building ----------------------------------------------------------- */

static void write_field(pt_writer *w, const pt_ctrl_msg *m, const pt_ctrl_field *f)
{
	uint32_t v;

	if (f->kind == PT_FK_STR) {
		pt_put_bytes(w, str_cbytes(m, f), f->len);
		return;
	}
	v = pt_ctrl_field_get(m, f);
	switch (f->len) {
	case 1:
		pt_put_u8(w, (uint8_t)v);
		break;
	case 2:
		pt_put_u16(w, (uint16_t)v);
		break;
	case 4:
		pt_put_u32(w, v);
		break;
	}
}

static void write_body(pt_writer *w, const pt_ctrl_msg *m, const pt_ctrl_desc *d)
{
	for (size_t i = 0; i < d->nfields; i++)
		write_field(w, m, &d->fields[i]);
}

int pt_ctrl_build(const pt_ctrl_msg *m, pt_writer *w)
{
	const desc_priv *dp = desc_of(m->type);

	if (!dp)
		return PT_EINVAL;
	pt_put_u16(w, dp->pub.len);
	pt_put_u16(w, PT_PPTP_MSG_CONTROL);
	pt_put_u32(w, PT_PPTP_MAGIC);
	pt_put_u16(w, m->type);
	pt_put_u16(w, m->reserved0);
	write_body(w, m, &dp->pub);
	return w->err;
}

int pt_ctrl_build_raw(const pt_ctrl_msg *m, pt_writer *w)
{
	uint8_t tmp[PT_PPTP_MAX_LEN];
	pt_writer t = pt_wr(tmp, sizeof tmp);
	const desc_priv *dp = desc_of(m->type);
	size_t n = m->length, have;

	for (size_t i = 0; i < NF(hdr_fields); i++)
		write_field(&t, m, &hdr_fields[i]);
	if (dp)
		write_body(&t, m, &dp->pub);
	have = pt_wlen(&t);
	pt_put_bytes(w, tmp, n < have ? n : have);
	if (n > have)
		pt_put_zero(w, n - have);
	return w->err;
}
