/* crypto.c: MD4/MD5/SHA-1/DES/RC4 through libgcrypt (FIPS 180-4, RFC 1320, RFC 1321, FIPS 46-3); no primitive is written here. */
#include <string.h>

#include <gcrypt.h>

#include "crypto.h"
#include "cursor.h"

#define PT_IOV_MAX 8 /* more pieces than any caller in lib/ needs */

int pt_crypto_init(void)
{
	/* Inside Wireshark (or any host that set libgcrypt up) leave it alone. */
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return PT_OK;
	if (!gcry_check_version(NULL))
		return PT_EUNSUP;
	/* We hold keys only briefly and wipe them; no secure-memory pool. */
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	return PT_OK;
}

static int digest(int algo, const pt_iov *v, size_t n, void *out)
{
	gcry_buffer_t b[PT_IOV_MAX];
	int rc = pt_crypto_init();

	if (rc != PT_OK)
		return rc;
	if (n == 0 || n > PT_IOV_MAX)
		return PT_EINVAL;
	memset(b, 0, n * sizeof b[0]); /* only the n pieces given are read */
	for (size_t i = 0; i < n; i++) {
		/* libgcrypt takes non-const pointers but only reads them */
		b[i].data = (void *)(uintptr_t)v[i].p;
		b[i].size = v[i].len;
		b[i].len = v[i].len;
	}
	/* SHA-1 takes a path in libgcrypt that allocates nothing (per-packet MPPE rekeys). */
	if (gcry_md_hash_buffers(algo, 0, out, b, (int)n))
		return PT_EUNSUP;
	return PT_OK;
}

int pt_md4(const pt_iov *v, size_t n, uint8_t out[PT_MD4_LEN])
{
	return digest(GCRY_MD_MD4, v, n, out);
}

int pt_md4_open(pt_md *m)
{
	gcry_md_hd_t hd;
	int rc = pt_crypto_init();

	m->hd = NULL;
	if (rc != PT_OK)
		return rc;
	if (gcry_md_open(&hd, GCRY_MD_MD4, 0))
		return PT_EUNSUP;
	m->hd = hd;
	return PT_OK;
}

int pt_md_digest(pt_md *m, const void *p, size_t len, uint8_t out[PT_MD4_LEN])
{
	gcry_md_hd_t hd = m->hd;
	const unsigned char *d;

	if (!hd)
		return PT_EINVAL;
	gcry_md_reset(hd);
	gcry_md_write(hd, p, len);
	if (!(d = gcry_md_read(hd, GCRY_MD_MD4)))
		return PT_EUNSUP;
	memcpy(out, d, PT_MD4_LEN);
	return PT_OK;
}

void pt_md_close(pt_md *m)
{
	if (m->hd)
		gcry_md_close(m->hd); /* libgcrypt wipes the context */
	m->hd = NULL;
}

int pt_md5(const pt_iov *v, size_t n, uint8_t out[PT_MD5_LEN])
{
	return digest(GCRY_MD_MD5, v, n, out);
}

int pt_sha1(const pt_iov *v, size_t n, uint8_t out[PT_SHA1_LEN])
{
	return digest(GCRY_MD_SHA1, v, n, out);
}

void pt_des_key_expand(const uint8_t key7[7], uint8_t key8[8])
{
	/* 56 bits, most significant first, 7 to an octet, parity in bit 0 */
	uint64_t bits = 0;

	for (int i = 0; i < 7; i++)
		bits = (bits << 8) | key7[i];
	for (int i = 0; i < 8; i++) {
		uint8_t k = (uint8_t)(((bits >> (49 - 7 * i)) & 0x7f) << 1);
		uint8_t ones = 0;

		for (uint8_t t = k; t; t &= (uint8_t)(t - 1))
			ones++;
		/* RFC 2759 9.3: the number of bits set in each octet is odd */
		key8[i] = (uint8_t)(k | ((ones & 1) ? 0 : 1));
	}
}

int pt_des_encrypt7(const uint8_t key7[7], const uint8_t in[8], uint8_t out[8])
{
	gcry_cipher_hd_t hd;
	gcry_error_t e;
	uint8_t key8[8];
	int rc = pt_crypto_init();

	if (rc != PT_OK)
		return rc;
	if (gcry_cipher_open(&hd, GCRY_CIPHER_DES, GCRY_CIPHER_MODE_ECB, 0))
		return PT_EUNSUP;
	pt_des_key_expand(key7, key8);
	/* A zero-padded hash or a short LM password half gives DES weak keys. */
	gcry_cipher_ctl(hd, GCRYCTL_SET_ALLOW_WEAK_KEY, NULL, 1);
	e = gcry_cipher_setkey(hd, key8, sizeof key8);
	pt_wipe(key8, sizeof key8);
	if (e && gcry_err_code(e) != GPG_ERR_WEAK_KEY) {
		gcry_cipher_close(hd);
		return PT_EUNSUP;
	}
	e = gcry_cipher_encrypt(hd, out, 8, in, 8);
	gcry_cipher_close(hd);
	return e ? PT_EUNSUP : PT_OK;
}

int pt_rc4_open(pt_rc4 *r)
{
	gcry_cipher_hd_t hd;
	int rc = pt_crypto_init();

	r->hd = NULL;
	if (rc != PT_OK)
		return rc;
	if (gcry_cipher_open(&hd, GCRY_CIPHER_ARCFOUR, GCRY_CIPHER_MODE_STREAM, 0))
		return PT_EUNSUP;
	r->hd = hd;
	return PT_OK;
}

int pt_rc4_setkey(pt_rc4 *r, const uint8_t *key, size_t len)
{
	if (!r->hd)
		return PT_ESTATE;
	if (gcry_cipher_setkey((gcry_cipher_hd_t)r->hd, key, len))
		return PT_EINVAL;
	return PT_OK;
}

int pt_rc4_crypt(pt_rc4 *r, uint8_t *buf, size_t len)
{
	if (!r->hd)
		return PT_ESTATE;
	if (len == 0)
		return PT_OK;
	if (gcry_cipher_encrypt((gcry_cipher_hd_t)r->hd, buf, len, NULL, 0))
		return PT_EUNSUP;
	return PT_OK;
}

int pt_rc4_crypt_to(pt_rc4 *r, uint8_t *out, const uint8_t *in, size_t len)
{
	if (!r->hd)
		return PT_ESTATE;
	if (len == 0)
		return PT_OK;
	/* libgcrypt reads in and writes out in one pass: no copy of the data first */
	if (gcry_cipher_encrypt((gcry_cipher_hd_t)r->hd, out, len, in, len))
		return PT_EUNSUP;
	return PT_OK;
}

void pt_rc4_close(pt_rc4 *r)
{
	if (r->hd)
		gcry_cipher_close((gcry_cipher_hd_t)r->hd);
	r->hd = NULL;
}

void pt_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

int pt_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (uint8_t)(x[i] ^ y[i]);
	return d == 0;
}
