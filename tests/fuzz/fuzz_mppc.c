/* fuzz_mppc.c: MPPC decompression (lib/mppc.h, RFC 2118) on a packet sequence, and a compress/decompress round trip. */
#include "cursor.h"
#include "fuzz.h"
#include "mppc.h"

/*
 * Input: a settings octet (bit 0: the compressor is stateless), then records
 * of [ctl][chunk]: ctl bits 5-7 are the A, B, C header bits for
 * decompression; bit 0: the chunk is plaintext for the round trip instead;
 * bit 1: a short output buffer; bit 2: a CCP Reset-Request to the compressor.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pt_mppc_ctx d, tx, rx;
	fz_in in = fz_init(data, size);
	uint8_t set = fz_u8(&in);

	pt_mppc_init(&d, 0);
	pt_mppc_init(&tx, set & 1);
	pt_mppc_init(&rx, 0);
	while (fz_left(&in)) {
		uint8_t ctl = fz_u8(&in);
		size_t len, cap, outlen = 0;
		uint8_t *b = fz_chunk(&in, 65535, &len), *out;
		int rc;

		if (ctl & 4)
			pt_mppc_reset_request(&tx);
		if (ctl & 1) {
			uint8_t *comp = malloc(PT_MPPC_MAX_OUT(len)), *back = malloc(len ? len : 1);
			uint16_t flags = 0;
			size_t clen = 0, blen = 0;
			if (!comp || !back)
				abort();
			rc = pt_mppc_compress(&tx, b, len, comp, PT_MPPC_MAX_OUT(len), &clen, &flags);
			FZ_ASSERT(rc == PT_OK);
			FZ_ASSERT(clen <= PT_MPPC_MAX_OUT(len));
			rc = pt_mppc_decompress(&rx, flags, comp, clen, back, len, &blen);
			FZ_ASSERT(rc == PT_OK);
			FZ_ASSERT(blen == len);
			FZ_ASSERT(memcmp(back, b, len) == 0);
			free(comp);
			free(back);
		} else {
			cap = ctl & 2 ? (size_t)(ctl & 0x1f) * 64 : PT_MPPC_HIST + 64;
			out = malloc(cap ? cap : 1);
			if (!out)
				abort();
			rc = pt_mppc_decompress(&d, (uint16_t)((ctl & 0xe0) << 8), b, len, out, cap, &outlen);
			if (rc == PT_OK) {
				FZ_ASSERT(outlen <= cap);
				fz_touch(out, outlen);
			}
			free(out);
		}
		free(b);
	}
	return 0;
}
