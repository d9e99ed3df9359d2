/* ctrl.c: PPTP control messages (RFC 2637 2.1-2.15) from key=value fields, built by lib/pptp.h; no encoder of its own. */
#include <strings.h>
#include <string.h>

#include "mkcap.h"
#include "pptp.h"

static uint16_t type_of(const char *word)
{
	for (uint16_t t = 1; t <= PT_CTRL_TYPE_MAX; t++)
		if (!strcasecmp(word, pt_ctrl_abbrev(t)))
			return t;
	return 0;
}

int mk_ctrl_is_msg(const char *word)
{
	return type_of(word) != 0;
}

/* Store v in the member the field declaration points at (its width is the wire width). */
static void set_uint(pt_ctrl_msg *msg, const pt_ctrl_field *f, uint32_t v)
{
	uint8_t *p = (uint8_t *)msg + f->moff;
	switch (f->len) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(p, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	default: {
		memcpy(p, &v, 4);
		break;
	}
	}
}

static int set_field(mk_line *l, pt_ctrl_msg *msg, const pt_ctrl_field *fs, size_t n)
{
	int raw = 0;

	for (size_t i = 0; i < n; i++) {
		const pt_ctrl_field *f = &fs[i];
		mk_tok *t = f->key ? mk_kv(l, f->key) : NULL;
		if (!t)
			continue;
		if (f->kind == PT_FK_STR) {
			uint8_t *p = (uint8_t *)msg + f->moff;
			if (!t->quoted && !strncmp(t->val, "hex:", 4)) {
				/* the whole field as bytes (padding garbage, no terminator, ...) */
				uint8_t b[PT_PPTP_STATS];
				mk_tok h = *t;
				size_t bl;
				h.val += 4;
				h.vlen -= 4;
				h.vcol += 4;
				bl = mk_hex(l, &h, b, f->len);
				if (f->len == PT_PPTP_STATS) {
					pt_ctrl_str128 *s = (pt_ctrl_str128 *)(void *)p;
					memset(s->b, 0, sizeof s->b);
					memcpy(s->b, b, bl);
					s->len = (uint8_t)(memchr(s->b, 0, sizeof s->b) ? strlen((char *)s->b) : sizeof s->b);
				} else {
					pt_ctrl_str64 *s = (pt_ctrl_str64 *)(void *)p;
					memset(s->b, 0, sizeof s->b);
					memcpy(s->b, b, bl);
					s->len = (uint8_t)(memchr(s->b, 0, sizeof s->b) ? strlen((char *)s->b) : sizeof s->b);
				}
				continue;
			}
			if (t->vlen > f->len)
				mk_die(l, t->vcol, "%s: at most %u characters", f->key, f->len);
			if (memchr(t->val, 0, t->vlen))
				mk_die(l, t->vcol, "%s: use hex:... for a string with a 0 octet", f->key);
			if (f->len == PT_PPTP_STATS)
				pt_ctrl_str128_set((pt_ctrl_str128 *)(void *)p, t->val);
			else
				pt_ctrl_str64_set((pt_ctrl_str64 *)(void *)p, t->val);
			continue;
		}
		set_uint(msg, f, mk_num(l, t, f->len == 1 ? 0xff : f->len == 2 ? 0xffff : 0xffffffffu));
		raw = 1;
	}
	return raw;
}

/* Defaults that make a clean message when the source says nothing (RFC 2637 values). */
static void defaults(pt_ctrl_msg *msg)
{
	switch (msg->type) {
	case PT_CTRL_SCCRQ:
		msg->u.sccrq.version = PT_PPTP_VERSION;
		break;
	case PT_CTRL_SCCRP:
		msg->u.sccrp.version = PT_PPTP_VERSION;
		msg->u.sccrp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_STOPCCRQ:
		msg->u.stopccrq.reason = PT_STOP_NONE;
		break;
	case PT_CTRL_STOPCCRP:
		msg->u.stopccrp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_ECHORP:
		msg->u.echorp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_OCRP:
		msg->u.ocrp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_ICRP:
		msg->u.icrp.result = PT_CTRL_RESULT_OK;
		break;
	case PT_CTRL_CDN:
		/* RFC 2637 2.13: result 4, Request: disconnected after a Call-Clear-Request */
		msg->u.cdn.result = 4;
		break;
	default:
		break;
	}
}

size_t mk_ctrl_build(mk *m, mk_line *l, const char *name, uint8_t *out, size_t cap)
{
	uint16_t type = type_of(name);
	pt_ctrl_msg msg;

	(void)m;
	if (!pt_ctrl_desc_get(type))
		mk_die(l, 1, "%s: no descriptor in lib/pptp", name);
	pt_ctrl_init(&msg, type);
	defaults(&msg);
	return mk_ctrl_build_from(l, &msg, out, cap);
}

uint16_t mk_ctrl_type(const char *word)
{
	return type_of(word);
}

size_t mk_ctrl_build_from(mk_line *l, pt_ctrl_msg *tmpl, uint8_t *out, size_t cap)
{
	uint16_t type = tmpl->type;
	const pt_ctrl_desc *d = pt_ctrl_desc_get(type);
	const pt_ctrl_field *hf;
	size_t nh;
	pt_ctrl_msg msg = *tmpl;
	pt_writer w = pt_wr(out, cap);
	const char *name = pt_ctrl_abbrev(type);
	int raw, rc;

	if (!d)
		mk_die(l, 1, "message type %u: no descriptor in lib/pptp", type);
	hf = pt_ctrl_hdr_fields(&nh);
	/* the header's length, message type and magic are the builder's unless given: then the raw builder */
	raw = set_field(l, &msg, hf, nh);
	(void)set_field(l, &msg, d->fields, d->nfields);
	/* RFC 2637 2.7, 2.9: the number lengths follow the numbers unless given */
	if (type == PT_CTRL_OCRQ && !mk_kv_has(l, "phone_len"))
		msg.u.ocrq.phone_len = msg.u.ocrq.phone.len;
	if (type == PT_CTRL_ICRQ && !mk_kv_has(l, "dialed_len"))
		msg.u.icrq.dialed_len = msg.u.icrq.dialed.len;
	if (type == PT_CTRL_ICRQ && !mk_kv_has(l, "dialing_len"))
		msg.u.icrq.dialing_len = msg.u.icrq.dialing.len;
	rc = raw ? pt_ctrl_build_raw(&msg, &w) : pt_ctrl_build(&msg, &w);
	if (rc != PT_OK)
		mk_die(l, 1, "%s: lib/pptp cannot build it: %s", name, pt_strerror(rc));
	*tmpl = msg;
	return pt_wlen(&w);
}
