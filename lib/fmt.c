/* fmt.c: the one-line decode format, built from the field descriptors of pptp.c (RFC 2637 2, 4.1). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "fmt.h"

void pt_fmt_cat(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!cap || *used >= cap - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*used += (size_t)n;
	if (*used > cap - 1)
		*used = cap - 1;
}

const char *pt_fmt_dir(int dir)
{
	switch (dir) {
	case PT_DIR_PNS:
		return "PNS>PAC";
	case PT_DIR_PAC:
		return "PAC>PNS";
	default:
		return "?>?";
	}
}

void pt_fmt_quoted(const uint8_t *s, size_t n, char *buf, size_t cap)
{
	size_t used = 0;

	if (!cap)
		return;
	buf[0] = 0;
	pt_fmt_cat(buf, cap, &used, "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			pt_fmt_cat(buf, cap, &used, "\\%c", s[i]);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			pt_fmt_cat(buf, cap, &used, "%c", s[i]);
		else
			pt_fmt_cat(buf, cap, &used, "\\x%02x", s[i]);
	}
	pt_fmt_cat(buf, cap, &used, "\"");
}

static void fmt_field(const pt_ctrl_msg *m, const pt_ctrl_field *f, char *buf, size_t cap, size_t *used)
{
	uint32_t v;
	char q[4 * PT_PPTP_STATS + 3];

	switch ((enum pt_ctrl_fkind)f->kind) {
	case PT_FK_STR: {
		const uint8_t *p = (const uint8_t *)m + f->moff;
		/* pt_ctrl_str64/128: len octet then the bytes */
		uint8_t len = p[0];
		if (len == 0)
			return;
		pt_fmt_quoted(p + 1, len, q, sizeof q);
		pt_fmt_cat(buf, cap, used, " %s=%s", f->key, q);
		return;
	}
	case PT_FK_RESERVED:
		v = pt_ctrl_field_get(m, f);
		if (v)
			pt_fmt_cat(buf, cap, used, " %s=0x%x", f->key, v);
		return;
	case PT_FK_ENUM: {
		const char *name;
		v = pt_ctrl_field_get(m, f);
		name = pt_vs_name(f->vs, v);
		if (name)
			pt_fmt_cat(buf, cap, used, " %s=%u(%s)", f->key, v, name);
		else
			pt_fmt_cat(buf, cap, used, " %s=%u", f->key, v);
		return;
	}
	case PT_FK_BITS: {
		const pt_vs *b;
		int first = 1;
		v = pt_ctrl_field_get(m, f);
		pt_fmt_cat(buf, cap, used, " %s=0x%x", f->key, v);
		for (b = f->vs; b && b->name; b++) {
			if (v & b->value) {
				pt_fmt_cat(buf, cap, used, "%s%s", first ? "(" : "|", b->name);
				first = 0;
			}
		}
		if (!first)
			pt_fmt_cat(buf, cap, used, ")");
		return;
	}
	case PT_FK_UINT:
		v = pt_ctrl_field_get(m, f);
		if (strcmp(f->key, "version") == 0)
			pt_fmt_cat(buf, cap, used, " %s=%u.%u", f->key, v >> 8, v & 0xff);
		else
			pt_fmt_cat(buf, cap, used, " %s=%u", f->key, v);
		return;
	}
}

void pt_fmt_ctrl(const pt_ctrl_msg *m, int rc, int dir, char *buf, size_t cap)
{
	const pt_ctrl_desc *d = pt_ctrl_desc_get(m->type);
	size_t used = 0;

	(void)dir;
	if (!cap)
		return;
	buf[0] = 0;
	if (!d) {
		pt_fmt_cat(buf, cap, &used, "PPTP type=%u len=%u", m->type, m->length);
		if (rc != PT_OK)
			pt_fmt_cat(buf, cap, &used, " [%s]", pt_strerror(rc));
		return;
	}
	pt_fmt_cat(buf, cap, &used, "%s", d->abbrev);
	if (m->length != d->len)
		pt_fmt_cat(buf, cap, &used, " len=%u", m->length);
	if (m->magic != PT_PPTP_MAGIC)
		pt_fmt_cat(buf, cap, &used, " magic=0x%08x", m->magic);
	if (m->msg_type != PT_PPTP_MSG_CONTROL)
		pt_fmt_cat(buf, cap, &used, " msg_type=%u", m->msg_type);
	if (m->reserved0)
		pt_fmt_cat(buf, cap, &used, " reserved0=0x%x", m->reserved0);
	if (rc == PT_OK || rc == PT_ETRUNC) {
		for (size_t i = 0; i < d->nfields; i++)
			fmt_field(m, &d->fields[i], buf, cap, &used);
	}
	if (rc != PT_OK)
		pt_fmt_cat(buf, cap, &used, " [%s]", pt_strerror(rc));
}

void pt_fmt_gre(const pt_gre_hdr *h, int rc, int dir, char *buf, size_t cap)
{
	size_t used = 0;

	(void)dir;
	if (!cap)
		return;
	buf[0] = 0;
	pt_fmt_cat(buf, cap, &used, "GRE call=%u", h->call_id);
	if (h->has_seq)
		pt_fmt_cat(buf, cap, &used, " seq=%u", h->seq);
	if (h->has_ack)
		pt_fmt_cat(buf, cap, &used, " ack=%u", h->ack);
	pt_fmt_cat(buf, cap, &used, " len=%u", h->payload_len);
	if (h->ver != PT_GRE_VERSION)
		pt_fmt_cat(buf, cap, &used, " ver=%u", h->ver);
	if (h->protocol != PT_GRE_PROTO_PPP)
		pt_fmt_cat(buf, cap, &used, " proto=0x%04x", h->protocol);
	if (rc != PT_OK)
		pt_fmt_cat(buf, cap, &used, " [%s]", pt_strerror(rc));
}
