/* fuzz_mppe.c: MPPE decryption with a fixed key (lib/mppe.h), stateful and stateless, then an encrypt/decrypt round trip. */
#include "fuzz.h"
#include "mppc.h"
#include "mppe.h"

/*
 * Input: a mode octet (bits 0-1: 40, 56, 128, 128-bit keys; bit 2 stateless;
 * bit 3 the Linux key change on FLUSHED; bit 4 MPPC after decryption), then
 * records of [ctl][chunk]: the chunk is one MPPE packet (2-octet header,
 * then ciphertext).  ctl bit 0: a CCP Reset-Request first; bit 1: a short
 * output buffer; bit 2: the chunk is plaintext for the round trip instead,
 * bit 3 sends it with A (flushed).
 */

static const uint8_t start_key[16] = { 0x8b, 0x7c, 0xdc, 0x14, 0x9b, 0x99, 0x3a, 0x1b,
				       0xa1, 0x18, 0xcb, 0x15, 0x3f, 0x56, 0xdc, 0xcb };

static void decrypt(pt_mppe_ctx *rx, pt_mppc_ctx *z, int mppc, uint8_t ctl, const uint8_t *b, size_t len)
{
	size_t cap = ctl & 2 ? (size_t)(ctl >> 4) : len + 16, outlen = 0;
	uint8_t *out = malloc(cap ? cap : 1);
	pt_cursor c = pt_cur(b, len);
	pt_mppe_info info;
	int rc;

	if (!out)
		abort();
	rc = pt_mppe_decrypt(rx, &c, out, cap, &outlen, &info);
	FZ_ASSERT(info.reason >= PT_MPPE_R_NONE && info.reason <= PT_MPPE_R_CRYPTO);
	if (rc == PT_OK) {
		uint16_t proto;
		size_t plen;
		FZ_ASSERT(outlen <= cap);
		FZ_ASSERT(info.data_off + info.data_len <= len);
		fz_touch(out, outlen);
		if (pt_mppe_check_plain(out, outlen, &proto, &plen) != PT_OK && !(rx->opts & PT_MPPE_OPT_STATELESS) &&
		    (info.hdr.bits & PT_MPPE_BIT_A) && outlen == info.data_len)
			(void)pt_mppe_redo_flush_rekey(rx, b + info.data_off, info.data_len, out);
		if (mppc && (info.hdr.bits & PT_MPPE_BIT_C)) {
			static uint8_t zout[65536 + 64];
			size_t zlen = 0;
			(void)pt_mppc_decompress(z, info.hdr.bits, out, outlen, zout, sizeof zout, &zlen);
			fz_touch(zout, zlen);
		} else if (mppc && (info.hdr.bits & PT_MPPE_BIT_A)) {
			pt_mppc_init(z, 0);
		}
	}
	free(out);
}

/* What the project's sender encrypts, its receiver decrypts to the same octets. */
static void round_trip(pt_mppe_ctx *tx, pt_mppe_ctx *rx2, uint8_t ctl, const uint8_t *b, size_t len)
{
	uint8_t *wire = malloc(len + PT_MPPE_HDR_LEN), *plain = malloc(len ? len : 1);
	pt_writer w = pt_wr(wire, len + PT_MPPE_HDR_LEN);
	pt_mppe_info info;
	size_t outlen = 0;
	pt_cursor c;
	int rc;

	if (!wire || !plain)
		abort();
	rc = pt_mppe_encrypt(tx, ctl & 8 ? PT_MPPE_BIT_A : 0, b, len, &w, &info);
	FZ_ASSERT(rc == PT_OK);
	FZ_ASSERT(pt_wlen(&w) == len + PT_MPPE_HDR_LEN);
	c = pt_cur(wire, pt_wlen(&w));
	rc = pt_mppe_decrypt(rx2, &c, plain, len, &outlen, &info);
	FZ_ASSERT(rc == PT_OK);
	FZ_ASSERT(outlen == len);
	FZ_ASSERT(memcmp(plain, b, len) == 0);
	free(wire);
	free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int bits_of[4] = { 40, 56, 128, 128 };
	static pt_mppc_ctx z;
	fz_in in = fz_init(data, size);
	uint8_t mode = fz_u8(&in);
	int bits = bits_of[mode & 3];
	unsigned opts = (mode & 4 ? PT_MPPE_OPT_STATELESS : 0) | (mode & 8 ? PT_MPPE_OPT_FLUSH_REKEYS : 0);
	uint8_t key[16];
	pt_mppe_ctx rx, tx, rx2;

	if (pt_mppe_initial_session_key(start_key, bits, key) != PT_OK)
		abort();
	if (pt_mppe_init(&rx, start_key, bits, opts) != PT_OK)
		return 0;
	if (pt_mppe_init(&tx, start_key, bits, opts) != PT_OK || pt_mppe_init(&rx2, start_key, bits, opts) != PT_OK)
		abort();
	pt_mppc_init(&z, 0);
	while (fz_left(&in)) {
		uint8_t ctl = fz_u8(&in);
		size_t len;
		uint8_t *b = fz_chunk(&in, 65535, &len);

		if (ctl & 1)
			pt_mppe_reset_request(&rx);
		if (ctl & 4)
			round_trip(&tx, &rx2, ctl, b, len);
		else
			decrypt(&rx, &z, mode & 16, ctl, b, len);
		free(b);
	}
	pt_mppe_done(&rx);
	pt_mppe_done(&tx);
	pt_mppe_done(&rx2);
	return 0;
}
