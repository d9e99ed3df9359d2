/* fuzz_auth.c: one PAP, CHAP or MS-CHAP packet (lib/auth.h), its rebuild, and the credential checks of lib/mschap.h on what it carries; FZ_AUTH picks which. */
#include "auth.h"
#include "fmt.h"
#include "fuzz.h"
#include "mschap.h"
#include "ppp.h"

/* FZ_AUTH: 1 PAP, 2 CHAP-MD5, 3 MS-CHAP (v1 and v2 on each input). */
#ifndef FZ_AUTH
#define FZ_AUTH 1
#endif

/* Input: the packet (Code, Identifier, Length, data). */

static pt_cred cred;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (pt_cred_from_password(&cred, "alice", "wonderland42") != PT_OK)
		abort();
	return 0;
}

static const uint8_t chal16[16] = { 0x5b, 0x5d, 0x7c, 0x7d, 0x7b, 0x3f, 0x2f, 0x3e,
				    0x3c, 0x2c, 0x60, 0x21, 0x40, 0x23, 0x24, 0x25 };

static void verify(const pt_auth_msg *m)
{
	if (m->proto == PT_PPP_PAP && m->code == PT_PAP_AUTH_REQ) {
		(void)pt_cred_verify_pap(&cred, m->password.p, pt_left(&m->password));
		return;
	}
	if (m->code == PT_CHAP_RESPONSE && m->alg == PT_CHAP_ALG_MD5)
		(void)pt_cred_verify_chap_md5(&cred, m->id, chal16, sizeof chal16, m->value.p, pt_left(&m->value));
	if (m->code == PT_CHAP_RESPONSE && m->alg == PT_CHAP_ALG_MSCHAPV1 && m->ms_valid)
		(void)pt_cred_verify_mschap1(&cred, chal16, m->lm_resp, m->nt_resp, m->flags & 1);
	if (m->code == PT_CHAP_RESPONSE && m->alg == PT_CHAP_ALG_MSCHAPV2 && m->ms_valid) {
		int mode = -1;
		(void)pt_cred_verify_mschap2(&cred, chal16, m->peer_chal, (const char *)m->name.p, pt_left(&m->name),
					     m->nt_resp, PT_MSCHAP_USER_AUTO, &mode);
	}
	if (m->code == PT_CHAP_SUCCESS && m->alg == PT_CHAP_ALG_MSCHAPV2) {
		static const uint8_t nt[24] = { 1, 2, 3 };
		(void)pt_cred_verify_mschap2_success(&cred, chal16, chal16, "EXAMPLE\\alice", 13, nt,
						     PT_MSCHAP_USER_STRIP_DOMAIN, (const char *)m->message.p,
						     pt_left(&m->message));
	}
}

static void one(uint16_t proto, uint8_t alg, const uint8_t *data, size_t size)
{
	pt_sink sink = fz_sink();
	pt_where at = fz_where(1, 1000000000, PT_DIR_PNS);
	pt_cursor c = pt_cur(data, size);
	pt_auth_msg m;
	int rc;

	memset(&m, 0, sizeof m);
	m.alg = alg;
	rc = pt_auth_parse(proto, &c, &m, &sink, &at);
	if (rc != PT_OK && rc != PT_ETRUNC)
		return;
	fz_touch(m.peer_id.p, pt_left(&m.peer_id));
	fz_touch(m.password.p, pt_left(&m.password));
	fz_touch(m.message.p, pt_left(&m.message));
	fz_touch(m.value.p, pt_left(&m.value));
	fz_touch(m.name.p, pt_left(&m.name));
	if (m.ms_valid) {
		fz_touch(m.nt_resp, 24);
		if (m.lm_resp)
			fz_touch(m.lm_resp, 24);
		if (m.peer_chal)
			fz_touch(m.peer_chal, 16);
	}
	if (m.enc_password)
		fz_touch(m.enc_password, 516);
	if (m.enc_hash)
		fz_touch(m.enc_hash, 16);
	if (m.failure_ok && m.failure.has_text)
		fz_touch(m.failure.text.p, pt_left(&m.failure.text));
	if (rc == PT_OK)
		verify(&m);
	/* the message strings on their own, in both MS-CHAP versions */
	if (pt_left(&m.message)) {
		pt_mschapv2_success s;
		pt_mschap_failure f;
		(void)pt_mschapv2_success_parse(&m.message, &s);
		(void)pt_mschap_failure_parse(&m.message, 0, &f);
		if (pt_mschap_failure_parse(&m.message, 1, &f) == PT_OK) {
			uint8_t out[1024];
			pt_writer w = pt_wr(out, sizeof out);
			(void)pt_mschap_failure_build(&w, &f);
		}
	}
	if (rc == PT_OK) {
		uint8_t out[65536];
		pt_writer w = pt_wr(out, sizeof out);
		(void)pt_auth_build(&m, &w);
	}
	{
		char line[1024];
		uint8_t *frame = malloc(size + 2);
		if (!frame)
			abort();
		frame[0] = (uint8_t)(proto >> 8);
		frame[1] = (uint8_t)proto;
		memcpy(frame + 2, data, size);
		pt_fmt_ppp(frame, size + 2, alg, line, sizeof line);
		FZ_ASSERT(strlen(line) < sizeof line);
		free(frame);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if FZ_AUTH == 1
	one(PT_PPP_PAP, 0, data, size);
#elif FZ_AUTH == 2
	one(PT_PPP_CHAP, PT_CHAP_ALG_MD5, data, size);
	one(PT_PPP_CHAP, 0, data, size);
#else
	one(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV1, data, size);
	one(PT_PPP_CHAP, PT_CHAP_ALG_MSCHAPV2, data, size);
#endif
	return 0;
}
