/* crypto_openssl.c: lib/crypto.c with SHA-1 and RC4 taken from OpenSSL 3 instead of libgcrypt, for make bench's pptp-analyze-openssl only (issue 22: choose the RC4 by the figures); MD4, MD5, DES stay on libgcrypt. */

/* lib/crypto.c as it is, its SHA-1 and RC4 renamed out of the way */
#define pt_sha1 pt_sha1_gcrypt
#define pt_rc4_open pt_rc4_open_gcrypt
#define pt_rc4_setkey pt_rc4_setkey_gcrypt
#define pt_rc4_crypt pt_rc4_crypt_gcrypt
#define pt_rc4_crypt_to pt_rc4_crypt_to_gcrypt
#define pt_rc4_close pt_rc4_close_gcrypt
#include "../../lib/crypto.c"
#undef pt_sha1
#undef pt_rc4_open
#undef pt_rc4_setkey
#undef pt_rc4_crypt
#undef pt_rc4_crypt_to
#undef pt_rc4_close

#include <stdlib.h>

/* the low-level RC4 and SHA-1 calls are deprecated in OpenSSL 3 but kept, and need no provider */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/rc4.h>
#include <openssl/sha.h>

int pt_sha1(const pt_iov *v, size_t n, uint8_t out[PT_SHA1_LEN]);
int pt_rc4_open(pt_rc4 *r);
int pt_rc4_setkey(pt_rc4 *r, const uint8_t *key, size_t len);
int pt_rc4_crypt(pt_rc4 *r, uint8_t *buf, size_t len);
int pt_rc4_crypt_to(pt_rc4 *r, uint8_t *out, const uint8_t *in, size_t len);
void pt_rc4_close(pt_rc4 *r);

int pt_sha1(const pt_iov *v, size_t n, uint8_t out[PT_SHA1_LEN])
{
	SHA_CTX c;

	if (n == 0 || n > PT_IOV_MAX)
		return PT_EINVAL;
	if (!SHA1_Init(&c))
		return PT_EUNSUP;
	for (size_t i = 0; i < n; i++)
		if (!SHA1_Update(&c, v[i].p, v[i].len))
			return PT_EUNSUP;
	if (!SHA1_Final(out, &c))
		return PT_EUNSUP;
	pt_wipe(&c, sizeof c);
	return PT_OK;
}

int pt_rc4_open(pt_rc4 *r)
{
	r->hd = calloc(1, sizeof(RC4_KEY));
	return r->hd ? PT_OK : PT_EUNSUP;
}

int pt_rc4_setkey(pt_rc4 *r, const uint8_t *key, size_t len)
{
	if (!r->hd)
		return PT_ESTATE;
	if (len == 0 || len > 256)
		return PT_EINVAL;
	RC4_set_key(r->hd, (int)len, key);
	return PT_OK;
}

int pt_rc4_crypt(pt_rc4 *r, uint8_t *buf, size_t len)
{
	if (!r->hd)
		return PT_ESTATE;
	if (len)
		RC4(r->hd, len, buf, buf);
	return PT_OK;
}

int pt_rc4_crypt_to(pt_rc4 *r, uint8_t *out, const uint8_t *in, size_t len)
{
	if (!r->hd)
		return PT_ESTATE;
	if (len)
		RC4(r->hd, len, in, out);
	return PT_OK;
}

void pt_rc4_close(pt_rc4 *r)
{
	if (r->hd) {
		pt_wipe(r->hd, sizeof(RC4_KEY));
		free(r->hd);
	}
	r->hd = NULL;
}
