/* mppe.c: MPPE header, session keys (RFC 3079 2-3) and stateless/stateful RC4 with coherency-count synchronisation (RFC 3078 3, 7, 8). */
#include <string.h>

#include "crypto.h"
#include "cursor.h"
#include "mppc.h"
#include "mppe.h"
#include "mschap.h"

/* MPPE and MPPC share the header bits (RFC 3078 3.1, RFC 2118 3.1). */
_Static_assert(PT_MPPE_BIT_A == PT_MPPC_FLUSHED, "A bit");
_Static_assert(PT_MPPE_BIT_B == PT_MPPC_RESTART, "B bit");
_Static_assert(PT_MPPE_BIT_C == PT_MPPC_COMPRESSED, "C bit");

/* RFC 3078 7.3 / RFC 3079 2.4, 3.4: SHApad1 is 40 zero octets, SHApad2 40 times 0xF2 */
static const uint8_t sha_pad1[40] = { 0 };
static const uint8_t sha_pad2[40] = {
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2,
	0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2, 0xf2
};

/* RFC 3079 3.4 Magic1: "This is the MPPE Master Key" */
static const uint8_t key_magic1[27] = {
	0x54, 0x68, 0x69, 0x73, 0x20, 0x69, 0x73, 0x20, 0x74,
	0x68, 0x65, 0x20, 0x4d, 0x50, 0x50, 0x45, 0x20, 0x4d,
	0x61, 0x73, 0x74, 0x65, 0x72, 0x20, 0x4b, 0x65, 0x79
};

/* RFC 3079 3.4 Magic2: "On the client side, this is the send key; on the server side, it is the receive key." */
static const uint8_t key_magic2[84] = {
	0x4f, 0x6e, 0x20, 0x74, 0x68, 0x65, 0x20, 0x63, 0x6c, 0x69,
	0x65, 0x6e, 0x74, 0x20, 0x73, 0x69, 0x64, 0x65, 0x2c, 0x20,
	0x74, 0x68, 0x69, 0x73, 0x20, 0x69, 0x73, 0x20, 0x74, 0x68,
	0x65, 0x20, 0x73, 0x65, 0x6e, 0x64, 0x20, 0x6b, 0x65, 0x79,
	0x3b, 0x20, 0x6f, 0x6e, 0x20, 0x74, 0x68, 0x65, 0x20, 0x73,
	0x65, 0x72, 0x76, 0x65, 0x72, 0x20, 0x73, 0x69, 0x64, 0x65,
	0x2c, 0x20, 0x69, 0x74, 0x20, 0x69, 0x73, 0x20, 0x74, 0x68,
	0x65, 0x20, 0x72, 0x65, 0x63, 0x65, 0x69, 0x76, 0x65, 0x20,
	0x6b, 0x65, 0x79, 0x2e
};

/* RFC 3079 3.4 Magic3: "On the client side, this is the receive key; on the server side, it is the send key." */
static const uint8_t key_magic3[84] = {
	0x4f, 0x6e, 0x20, 0x74, 0x68, 0x65, 0x20, 0x63, 0x6c, 0x69,
	0x65, 0x6e, 0x74, 0x20, 0x73, 0x69, 0x64, 0x65, 0x2c, 0x20,
	0x74, 0x68, 0x69, 0x73, 0x20, 0x69, 0x73, 0x20, 0x74, 0x68,
	0x65, 0x20, 0x72, 0x65, 0x63, 0x65, 0x69, 0x76, 0x65, 0x20,
	0x6b, 0x65, 0x79, 0x3b, 0x20, 0x6f, 0x6e, 0x20, 0x74, 0x68,
	0x65, 0x20, 0x73, 0x65, 0x72, 0x76, 0x65, 0x72, 0x20, 0x73,
	0x69, 0x64, 0x65, 0x2c, 0x20, 0x69, 0x74, 0x20, 0x69, 0x73,
	0x20, 0x74, 0x68, 0x65, 0x20, 0x73, 0x65, 0x6e, 0x64, 0x20,
	0x6b, 0x65, 0x79, 0x2e
};

const pt_vs pt_mppe_reason_vs[] = {
	{ PT_MPPE_R_NONE, "decrypted" },
	{ PT_MPPE_R_TRUNCATED, "header truncated" },
	{ PT_MPPE_R_LOSS, "packet loss, sync lost" },
	{ PT_MPPE_R_AWAIT_FLUSH, "awaiting flushed packet" },
	{ PT_MPPE_R_TOO_OLD, "count too old" },
	{ PT_MPPE_R_NO_SPACE, "no space" },
	{ PT_MPPE_R_CRYPTO, "crypto failure" },
	{ 0, NULL }
};

/* ---- header ---- */

int pt_mppe_parse_hdr(pt_cursor *c, pt_mppe_hdr *h)
{
	uint16_t v;

	h->off = pt_off(c);
	if (pt_get_u16(c, &v) != PT_OK)
		return PT_ETRUNC;
	/* RFC 3078 3.1: |A|B|C|D| Coherency Count (12 bits) */
	h->raw = v;
	h->bits = v & PT_MPPE_BITS_MASK;
	h->cc = v & PT_MPPE_CC_MASK;
	return PT_OK;
}

void pt_mppe_put_hdr(pt_writer *w, uint16_t bits, uint16_t cc)
{
	pt_put_u16(w, (uint16_t)((bits & PT_MPPE_BITS_MASK) | (cc & PT_MPPE_CC_MASK)));
}

int pt_mppe_check_plain(const uint8_t *p, size_t len, uint16_t *proto, size_t *proto_len)
{
	pt_cursor c = pt_cur(p, len);
	uint8_t b0, b1;

	if (pt_get_u8(&c, &b0) != PT_OK)
		return PT_ETRUNC;
	if (b0 & 1) {
		/* RFC 1661 6.5: a compressed (1-octet) Protocol field is odd */
		*proto = b0;
		*proto_len = 1;
	} else {
		if (pt_get_u8(&c, &b1) != PT_OK)
			return PT_ETRUNC;
		/* RFC 1661 2: the least significant octet of a Protocol is odd */
		if (!(b1 & 1))
			return PT_EINVAL;
		*proto = (uint16_t)(b0 << 8 | b1);
		*proto_len = 2;
	}
	/* RFC 3078 3: only protocols 0x0021 to 0x00FA are encrypted */
	if (*proto < PT_MPPE_PROTO_MIN || *proto > PT_MPPE_PROTO_MAX)
		return PT_EINVAL;
	return PT_OK;
}

/* ---- keys ---- */

size_t pt_mppe_key_len(int bits)
{
	switch (bits) {
	case 40:
	case 56:
		return 8;
	case 128:
		return 16;
	default:
		return 0;
	}
}

int pt_mppe_get_new_key(const uint8_t *start, const uint8_t *session, size_t keylen, uint8_t *interim)
{
	uint8_t d[PT_SHA1_LEN];
	pt_iov v[4];
	int rc;

	if (keylen == 0 || keylen > PT_MPPE_KEY_MAX)
		return PT_EINVAL;
	/* RFC 3078 7.3 GetNewKeyFromSHA */
	v[0].p = start;
	v[0].len = keylen;
	v[1].p = sha_pad1;
	v[1].len = sizeof sha_pad1;
	v[2].p = session;
	v[2].len = keylen;
	v[3].p = sha_pad2;
	v[3].len = sizeof sha_pad2;
	rc = pt_sha1(v, 4, d);
	if (rc == PT_OK)
		memcpy(interim, d, keylen);
	pt_wipe(d, sizeof d);
	return rc;
}

void pt_mppe_reduce_key(uint8_t *key, int bits)
{
	/* RFC 3078 7.3: "For 40-bit session keys the most significant three
	 * octets ... 0xD1, 0x26 and 0x9E ...; for 56-bit keys, the most
	 * significant octet is set to 0xD1" */
	if (bits == 40) {
		key[0] = 0xd1;
		key[1] = 0x26;
		key[2] = 0x9e;
	} else if (bits == 56) {
		key[0] = 0xd1;
	}
}

int pt_mppe_initial_session_key(const uint8_t *start, int bits, uint8_t *out)
{
	size_t kl = pt_mppe_key_len(bits);
	int rc;

	if (!kl)
		return PT_EINVAL;
	/* RFC 3079 3.1-3.3: GetNewKeyFromSHA(MasterSendKey, MasterSendKey, len);
	 * no RC4 step for the first key (RFC 3079 3.5 samples confirm). */
	rc = pt_mppe_get_new_key(start, start, kl, out);
	if (rc == PT_OK)
		pt_mppe_reduce_key(out, bits);
	return rc;
}

int pt_mppe_next_session_key(pt_rc4 *scratch, const uint8_t *start, const uint8_t *session, int bits, uint8_t *out)
{
	uint8_t interim[PT_MPPE_KEY_MAX];
	size_t kl = pt_mppe_key_len(bits);
	int rc;

	if (!kl)
		return PT_EINVAL;
	rc = pt_mppe_get_new_key(start, session, kl, interim);
	/* RFC 3078 7.3: rc4_key(interim); SessionKey = rc4(interim) */
	if (rc == PT_OK)
		rc = pt_rc4_setkey(scratch, interim, kl);
	if (rc == PT_OK)
		rc = pt_rc4_crypt_to(scratch, out, interim, kl);
	if (rc == PT_OK)
		pt_mppe_reduce_key(out, bits);
	pt_wipe(interim, sizeof interim);
	return rc;
}

int pt_mppe_chap2_master_key(const uint8_t pw_hash_hash[16], const uint8_t nt_resp[24], uint8_t out[16])
{
	uint8_t d[PT_SHA1_LEN];
	pt_iov v[3] = { { pw_hash_hash, 16 }, { nt_resp, 24 }, { key_magic1, sizeof key_magic1 } };
	int rc;

	/* RFC 3079 3.4 GetMasterKey */
	rc = pt_sha1(v, 3, d);
	if (rc == PT_OK)
		memcpy(out, d, 16);
	pt_wipe(d, sizeof d);
	return rc;
}

int pt_mppe_chap2_asym_start_key(const uint8_t master[16], uint8_t *out, size_t keylen, int is_send, int is_server)
{
	uint8_t d[PT_SHA1_LEN];
	const uint8_t *s;
	pt_iov v[4];
	int rc;

	if (keylen != 8 && keylen != 16)
		return PT_EINVAL;
	/* RFC 3079 3.4 GetAsymetricStartKey: send/server and receive/client take Magic3 */
	if (is_send)
		s = is_server ? key_magic3 : key_magic2;
	else
		s = is_server ? key_magic2 : key_magic3;
	v[0].p = master;
	v[0].len = 16;
	v[1].p = sha_pad1;
	v[1].len = sizeof sha_pad1;
	v[2].p = s;
	v[2].len = 84;
	v[3].p = sha_pad2;
	v[3].len = sizeof sha_pad2;
	rc = pt_sha1(v, 4, d);
	if (rc == PT_OK)
		memcpy(out, d, keylen);
	pt_wipe(d, sizeof d);
	return rc;
}

int pt_mppe_chap2_start_keys(const uint8_t nt_hash[16], const uint8_t nt_resp[24], int bits, int is_server,
                             uint8_t send[16], uint8_t recv[16])
{
	uint8_t hh[16], master[16];
	size_t kl = pt_mppe_key_len(bits);
	int rc;

	if (!kl)
		return PT_EINVAL;
	/* RFC 3079 3.1-3.3: PasswordHashHash, GetMasterKey, then one key per direction */
	rc = pt_nt_hash_hash(nt_hash, hh);
	if (rc == PT_OK)
		rc = pt_mppe_chap2_master_key(hh, nt_resp, master);
	if (rc == PT_OK)
		rc = pt_mppe_chap2_asym_start_key(master, send, kl, 1, is_server);
	if (rc == PT_OK)
		rc = pt_mppe_chap2_asym_start_key(master, recv, kl, 0, is_server);
	pt_wipe(hh, sizeof hh);
	pt_wipe(master, sizeof master);
	return rc;
}

int pt_mppe_chap1_start_key_nt(const uint8_t nt_hash_hash[16], const uint8_t chal[8], uint8_t out[16])
{
	uint8_t d[PT_SHA1_LEN];
	pt_iov v[3] = { { nt_hash_hash, 16 }, { nt_hash_hash, 16 }, { chal, 8 } };
	int rc;

	/* RFC 3079 2.4 Get_Start_Key */
	rc = pt_sha1(v, 3, d);
	if (rc == PT_OK)
		memcpy(out, d, 16);
	pt_wipe(d, sizeof d);
	return rc;
}

void pt_mppe_chap1_start_key_lm(const uint8_t lm_hash[16], uint8_t out[8])
{
	/* RFC 3079 2.1: "The first 8 octets of the result are used as the basis for the session key" */
	memcpy(out, lm_hash, 8);
}

/* ---- per-direction state ---- */

int pt_mppe_init(pt_mppe_ctx *ctx, const uint8_t *start_key, int bits, unsigned opts)
{
	size_t kl = pt_mppe_key_len(bits);
	int rc;

	memset(ctx, 0, sizeof *ctx);
	if (!kl)
		return PT_EINVAL;
	ctx->bits = bits;
	ctx->keylen = kl;
	ctx->opts = opts;
	memcpy(ctx->start, start_key, kl);
	rc = pt_rc4_open(&ctx->rc4);
	if (rc == PT_OK)
		rc = pt_mppe_initial_session_key(ctx->start, bits, ctx->key);
	/* RFC 3078 5: rc4_key(RC4Key, Length_Of_Key, Initial_Session_Key) */
	if (rc == PT_OK)
		rc = pt_rc4_setkey(&ctx->rc4, ctx->key, kl);
	if (rc != PT_OK) {
		pt_mppe_done(ctx);
		return rc;
	}
	/* The first packet carries count 0; the initial key belongs to "count -1". */
	ctx->last_cc = PT_MPPE_CC_SPACE - 1;
	ctx->seen_cc = PT_MPPE_CC_SPACE - 1;
	ctx->ready = 1;
	return PT_OK;
}

void pt_mppe_done(pt_mppe_ctx *ctx)
{
	pt_rc4_close(&ctx->rc4);
	pt_wipe(ctx, sizeof *ctx);
}

void pt_mppe_reset_request(pt_mppe_ctx *ctx)
{
	ctx->reset_pending = 1;
}

static int stateless(const pt_mppe_ctx *ctx)
{
	return (ctx->opts & PT_MPPE_OPT_STATELESS) != 0;
}

static int flag_packet(uint16_t cc)
{
	/* RFC 3078 7.2: "the low order octet of the coherency count equals 0xFF" */
	return (cc & 0xff) == 0xff;
}

/* One key change on the current key; RC4 left keyed with the new key. */
static int rekey(pt_mppe_ctx *ctx)
{
	int rc = pt_mppe_next_session_key(&ctx->rc4, ctx->start, ctx->key, ctx->bits, ctx->key);

	/* RFC 3078 7.3: "Finally, the RC4 tables are re-initialized using the new session key" */
	if (rc == PT_OK)
		rc = pt_rc4_setkey(&ctx->rc4, ctx->key, ctx->keylen);
	return rc;
}

static void ring_put(pt_mppe_ctx *ctx, uint16_t cc, const uint8_t *key)
{
	pt_mppe_key_slot *s = &ctx->ring[ctx->ring_next];

	s->cc = cc;
	s->valid = 1;
	memcpy(s->key, key, ctx->keylen);
	ctx->ring_next = (ctx->ring_next + 1) % PT_MPPE_RING;
}

static const uint8_t *ring_get(const pt_mppe_ctx *ctx, uint16_t cc)
{
	for (unsigned i = 0; i < PT_MPPE_RING; i++)
		if (ctx->ring[i].valid && ctx->ring[i].cc == cc)
			return ctx->ring[i].key;
	return NULL;
}

/* Stateless receive: the key of count cc, or a reason. */
static int stateless_key(pt_mppe_ctx *ctx, uint16_t cc, pt_mppe_info *info)
{
	uint16_t delta = (uint16_t)((cc - ctx->last_cc) & PT_MPPE_CC_MASK);
	const uint8_t *k;
	int rc = PT_OK;

	if (delta == 0 || delta >= PT_MPPE_CC_SPACE / 2) {
		/* behind the last count: reordered or repeated; only a kept key helps */
		info->ev |= delta == 0 ? PT_MPPE_EV_DUPLICATE : PT_MPPE_EV_BACKWARDS;
		k = ring_get(ctx, cc);
		if (!k) {
			info->reason = PT_MPPE_R_TOO_OLD;
			return PT_ESTATE;
		}
		info->ev |= PT_MPPE_EV_CACHED_KEY;
		return pt_rc4_setkey(&ctx->rc4, k, ctx->keylen);
	}
	/* RFC 3078 8.1: "the receiver MUST perform N = C1 - C2 key changes" */
	if (delta > 1) {
		info->ev |= PT_MPPE_EV_JUMP;
		info->lost = (uint16_t)(delta - 1);
	}
	for (uint16_t i = 0; i < delta && rc == PT_OK; i++) {
		rc = pt_mppe_next_session_key(&ctx->rc4, ctx->start, ctx->key, ctx->bits, ctx->key);
		ctx->last_cc = (uint16_t)((ctx->last_cc + 1) & PT_MPPE_CC_MASK);
		info->rekeys++;
		if (rc == PT_OK && delta - i <= PT_MPPE_RING)
			ring_put(ctx, ctx->last_cc, ctx->key);
	}
	if (rc == PT_OK)
		rc = pt_rc4_setkey(&ctx->rc4, ctx->key, ctx->keylen);
	return rc;
}

/* Stateful: a FLUSHED packet with count cc after loss (RFC 3078 8.2). */
static int stateful_resync(pt_mppe_ctx *ctx, uint16_t cc, pt_mppe_info *info)
{
	int rc = PT_OK;

	/* "perform the number of key changes necessary": one per flag packet missed */
	for (uint16_t x = (uint16_t)((ctx->last_cc + 1) & PT_MPPE_CC_MASK); x != cc && rc == PT_OK;
	     x = (uint16_t)((x + 1) & PT_MPPE_CC_MASK)) {
		if (flag_packet(x)) {
			rc = rekey(ctx);
			info->rekeys++;
		}
	}
	/* "re-initialize its RC4 tables using the current session key" */
	if (rc == PT_OK)
		rc = pt_rc4_setkey(&ctx->rc4, ctx->key, ctx->keylen);
	ctx->last_cc = cc;
	ctx->rx = PT_MPPE_RX_AWAIT_NEXT;
	ctx->discarded = 0;
	ctx->reset_pending = 0;
	info->ev |= PT_MPPE_EV_RESYNC;
	return rc;
}

/* Stateful: loss seen (or a count that went back): drop, await FLUSHED. */
static int stateful_lost(pt_mppe_ctx *ctx, pt_mppe_info *info)
{
	/* RFC 3078 8.2: "If packet loss is detected ... the receiver MUST drop the packet and send a CCP Reset-Request" */
	ctx->rx = PT_MPPE_RX_AWAIT_FLUSH;
	ctx->discarded = 1;
	ctx->reset_pending = 0;
	info->ev |= PT_MPPE_EV_NEED_RESET;
	info->reason = PT_MPPE_R_LOSS;
	return PT_ESTATE;
}

/* Stateful receive: make the RC4 state right for count cc, or a reason. */
static int stateful_key(pt_mppe_ctx *ctx, uint16_t cc, int flushed, pt_mppe_info *info)
{
	uint16_t expected = (uint16_t)((ctx->last_cc + 1) & PT_MPPE_CC_MASK);
	uint16_t delta = (uint16_t)((cc - ctx->last_cc) & PT_MPPE_CC_MASK);
	int forward = delta != 0 && delta < PT_MPPE_CC_SPACE / 2;
	/* loss is counted from the last count SEEN: packets dropped while awaiting FLUSHED are not lost */
	uint16_t sdelta = (uint16_t)((cc - ctx->seen_cc) & PT_MPPE_CC_MASK);
	int rc = PT_OK;

	if (sdelta != 1) {
		if (sdelta != 0 && sdelta < PT_MPPE_CC_SPACE / 2) {
			info->ev |= PT_MPPE_EV_JUMP;
			info->lost = (uint16_t)(sdelta - 1);
		} else {
			info->ev |= sdelta == 0 ? PT_MPPE_EV_DUPLICATE : PT_MPPE_EV_BACKWARDS;
		}
	}
	if (sdelta && sdelta < PT_MPPE_CC_SPACE / 2)
		ctx->seen_cc = cc;
	switch (ctx->rx) {
	case PT_MPPE_RX_AWAIT_NEXT:
		if (cc == expected) {
			ctx->last_cc = cc;
			if (flushed && !flag_packet(cc) && !(ctx->opts & PT_MPPE_OPT_FLUSH_REKEYS)) {
				/* RFC 3078 3.1 bit A: "re-initialize its tables with the current session key" */
				rc = pt_rc4_setkey(&ctx->rc4, ctx->key, ctx->keylen);
				info->ev |= PT_MPPE_EV_REINIT;
			}
		} else if (flushed && forward) {
			/* the sender re-initialised: catch up at once, no reset needed */
			rc = stateful_resync(ctx, cc, info);
		} else {
			return stateful_lost(ctx, info);
		}
		break;
	case PT_MPPE_RX_AWAIT_FLUSH:
		if (!flushed || !forward) {
			/* RFC 3078 8.2: "silently discard all packets until a packet is received with the FLUSHED bit set" */
			ctx->discarded++;
			info->reason = PT_MPPE_R_AWAIT_FLUSH;
			return PT_ESTATE;
		}
		rc = stateful_resync(ctx, cc, info);
		break;
	}
	/* RFC 3078 7.2: the receiver changes key before decrypting a flag packet;
	 * Linux senders also change key on every FLUSHED packet. */
	if (rc == PT_OK &&
	    (flag_packet(cc) || (flushed && (ctx->opts & PT_MPPE_OPT_FLUSH_REKEYS)))) {
		if (flag_packet(cc))
			info->ev |= PT_MPPE_EV_FLAG_PACKET;
		rc = rekey(ctx);
		info->rekeys++;
	}
	return rc;
}

static void info_begin(pt_mppe_info *info)
{
	memset(info, 0, sizeof *info);
}

int pt_mppe_decrypt(pt_mppe_ctx *ctx, pt_cursor *in, uint8_t *out, size_t cap, size_t *outlen, pt_mppe_info *info)
{
	const uint8_t *data;
	size_t n;
	int flushed, rc;

	info_begin(info);
	*outlen = 0;
	if (pt_mppe_parse_hdr(in, &info->hdr) != PT_OK) {
		info->reason = PT_MPPE_R_TRUNCATED;
		return PT_ETRUNC;
	}
	n = pt_left(in);
	info->data_off = pt_off(in);
	info->data_len = n;
	(void)pt_get_bytes(in, n, &data);
	info->reset_seen = ctx->reset_pending;
	if (!ctx->ready)
		return PT_ESTATE;
	if (n > cap) {
		/* checked before any key change, so the state stays as it was */
		info->reason = PT_MPPE_R_NO_SPACE;
		return PT_ENOSPC;
	}
	flushed = (info->hdr.bits & PT_MPPE_BIT_A) != 0;
	if (!(info->hdr.bits & PT_MPPE_BIT_D)) {
		/* RFC 3078 3.1 bit D: "set to 0 means that this packet is not encrypted" */
		info->ev |= PT_MPPE_EV_NOT_ENCRYPTED;
		if (n)
			memcpy(out, data, n);
		*outlen = n;
		return PT_OK;
	}
	if (stateless(ctx)) {
		/* RFC 3078 3.1: "If the stateless option has been negotiated, this bit MUST be set on every encrypted packet" */
		if (!flushed)
			info->ev |= PT_MPPE_EV_STATELESS_NO_FLUSH;
		rc = stateless_key(ctx, info->hdr.cc, info);
		if (rc == PT_OK && flushed)
			ctx->reset_pending = 0; /* every stateless packet answers a Reset-Request */
	} else {
		rc = stateful_key(ctx, info->hdr.cc, flushed, info);
		info->discarded = ctx->discarded;
	}
	/* RFC 3078 6: EncryptedData = rc4(RC4Key, Length_Of_Data, Data); the same call decrypts, from the packet into out */
	if (rc == PT_OK)
		rc = pt_rc4_crypt_to(&ctx->rc4, out, data, n);
	if (rc != PT_OK) {
		if (info->reason == PT_MPPE_R_NONE)
			info->reason = PT_MPPE_R_CRYPTO;
		return rc == PT_ESTATE ? PT_ESTATE : PT_EUNSUP;
	}
	*outlen = n;
	return PT_OK;
}

int pt_mppe_encrypt(pt_mppe_ctx *ctx, uint16_t bits, const uint8_t *in, size_t len, pt_writer *w, pt_mppe_info *info)
{
	uint16_t cc, hdr_bits;
	uint8_t *dst;
	int rc = PT_OK;

	info_begin(info);
	if (!ctx->ready)
		return PT_ESTATE;
	if (!pt_wroom(w, PT_MPPE_HDR_LEN + len)) {
		info->reason = PT_MPPE_R_NO_SPACE;
		return PT_ENOSPC;
	}
	/* RFC 3078 3.1: "incremented by 1 for each packet sent"; 4095 wraps to 0 */
	cc = (uint16_t)((ctx->last_cc + 1) & PT_MPPE_CC_MASK);
	hdr_bits = (uint16_t)((bits & (PT_MPPE_BIT_B | PT_MPPE_BIT_C)) | PT_MPPE_BIT_D);
	if (stateless(ctx)) {
		/* RFC 3078 7.1: "the sender MUST change its key before encrypting and transmitting each packet" */
		rc = rekey(ctx);
		info->rekeys++;
		hdr_bits |= PT_MPPE_BIT_A;
	} else {
		int flush = ctx->reset_pending || (bits & PT_MPPE_BIT_A);

		if (ctx->opts & PT_MPPE_OPT_FLUSH_REKEYS) {
			/* Linux ppp_mppe: flag packets and resets both rekey and carry A */
			if (flag_packet(cc))
				info->ev |= PT_MPPE_EV_FLAG_PACKET;
			if (flag_packet(cc) || flush) {
				rc = rekey(ctx);
				info->rekeys++;
				hdr_bits |= PT_MPPE_BIT_A;
			}
		} else if (flag_packet(cc)) {
			/* RFC 3078 7.2: key change before sending a flag packet.  A is not
			 * required there, and would flush an MPPC history sharing the bit;
			 * a pending flush is still honoured (the new key re-initialises RC4). */
			info->ev |= PT_MPPE_EV_FLAG_PACKET;
			rc = rekey(ctx);
			info->rekeys++;
			if (flush)
				hdr_bits |= PT_MPPE_BIT_A;
		} else if (flush) {
			/* RFC 3078 8.2: "re-initialize its own RC4 tables ... and set the FLUSHED bit in the next packet" */
			rc = pt_rc4_setkey(&ctx->rc4, ctx->key, ctx->keylen);
			info->ev |= PT_MPPE_EV_REINIT;
			hdr_bits |= PT_MPPE_BIT_A;
		}
		ctx->reset_pending = 0;
	}
	if (rc != PT_OK) {
		info->reason = PT_MPPE_R_CRYPTO;
		return PT_EUNSUP;
	}
	ctx->last_cc = cc;
	info->hdr.off = pt_wlen(w);
	pt_mppe_put_hdr(w, hdr_bits, cc);
	info->hdr.raw = (uint16_t)(hdr_bits | cc);
	info->hdr.bits = hdr_bits;
	info->hdr.cc = cc;
	info->data_off = pt_wlen(w);
	info->data_len = len;
	dst = w->p;
	pt_put_bytes(w, in, len);
	rc = pt_rc4_crypt(&ctx->rc4, dst, len);
	if (rc != PT_OK) {
		info->reason = PT_MPPE_R_CRYPTO;
		return PT_EUNSUP;
	}
	return PT_OK;
}

int pt_mppe_redo_flush_rekey(pt_mppe_ctx *ctx, const uint8_t *data, size_t n, uint8_t *out)
{
	int rc;

	if (!ctx->ready || stateless(ctx) || (ctx->opts & PT_MPPE_OPT_FLUSH_REKEYS))
		return PT_ESTATE;
	/* The RFC path left the session key as it was and re-initialised RC4 with it; the Linux path
	 * changes the key first.  So the key change alone turns one into the other. */
	rc = rekey(ctx);
	if (rc != PT_OK)
		return rc;
	rc = pt_rc4_crypt_to(&ctx->rc4, out, data, n);
	if (rc == PT_OK)
		ctx->opts |= PT_MPPE_OPT_FLUSH_REKEYS;
	return rc;
}
