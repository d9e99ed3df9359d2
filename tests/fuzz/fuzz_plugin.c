/* fuzz_plugin.c: the Wireshark 4.0 plugin (dissector/) inside libwireshark's epan, in process: frames dissected as a capture file is, two passes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/column-info.h>
#include <epan/column.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/timestamp.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/wslog.h>

#include "fuzz.h"
#include "pptpsuite.h"

/*
 * The plugin's sources are compiled into this program (mk/fuzzplugin.mk), not loaded from a folder: its
 * plugin_register() is called before epan_init(), which registers it with the built-in dissectors and runs its
 * handoff after theirs, exactly as for a loaded .so.  No plugin folder is read (epan_init's load_plugins is
 * FALSE), so neither the folders installed on the machine nor tshark's rule of skipping private folders when
 * run as root has any effect here.
 *
 * Input: a mode octet, then frames [hdr][chunk] (fuzz.h: a 16-bit length and that many octets), at most
 * FP_MAX_FRAMES:
 *   mode bit 0  the first pass builds a tree (tshark -V); otherwise none (plain tshark)
 *   mode bit 1  the first pass fills the columns
 *   mode bit 2  a third pass, visited and without a tree (the GUI's redissection)
 *   hdr bits 0-1  the link type: 0 raw IP, 1 Ethernet (no FCS), 2 Linux cooked, 3 Linux cooked v2
 *   hdr bits 2-7  the time since the frame before, in 50 ms (63: one hour)
 * Each input is one capture file for the plugin: its model made new and the credentials read from the UAT (what
 * its init routine does at a file's opening), the first pass over every frame, the end of the sequential pass
 * (its postseq routine: the model's end of input), a second pass over the same frames as visited ones with a
 * visible tree whose every label is formatted, optionally a third without a tree.  The credentials are the
 * lab's, alice / wonderland42, those of the crafted captures (User / clientPass, any user / secret), and an
 * NT-hash row for another user: decryption and the password checks run.
 *
 * An epan session (epan_new: every protocol's init routine, and the name resolution files re-read, 50-250 ms;
 * and libwireshark 4.0.17 keeps about 11 MB of each until epan_cleanup, measured over 40 sessions) costs far more
 * than dissecting an input, so one session serves FUZZ_PLUGIN_SESSION inputs (default 4096) with
 * frame numbers going on from one input to the next; the plugin's own init and postseq routines are called
 * directly for each input (ps_feed_init, ps_feed_postseq), so its state is that of a fresh file every time.  The
 * stock dissectors' state (IP reassembly, conversations) does carry over within a session: with
 * FUZZ_PLUGIN_SESSION=1 every input gets a session of its own and postseq_cleanup_all_protocols(), exactly as
 * tshark -2 opens one file; use it to reproduce a finding.
 */

#define FP_MAX_FRAMES 128

/* the time of every frame of the session so far (frame numbers 1 .. n), for get_frame_ts: a stock dissector may ask
 * for a frame of an earlier input of the same session */
struct packet_provider_data {
	nstime_t *ts;
	uint32_t n, cap;
};

static struct packet_provider_data fp_prov;
static epan_t *fp_epan;
static unsigned fp_inputs, fp_session_max = 4096;
static void fp_session_end(void);

static column_info fp_cinfo;
static int fp_ready;

/* FUZZ_PLUGIN_STATS set: what the visible trees showed, printed at exit (tests/fuzz/run.sh checks that the seeds
 * reach decryption and the credential check) */
static struct {
	unsigned long frames, plugin, decrypted, verified;
} fp_stats;
static int fp_hf_decrypted = -1, fp_hf_verified = -1;

static void fp_stats_print(void)
{
	fprintf(stderr, "fuzz_plugin: %lu frames in trees, %lu with pptpsuite items, %lu decrypted, %lu passwords verified\n",
		fp_stats.frames, fp_stats.plugin, fp_stats.decrypted, fp_stats.verified);
}

static const nstime_t *fp_frame_ts(struct packet_provider_data *prov, guint32 num)
{
	if (!prov || num == 0 || num > prov->n)
		return NULL;
	return &prov->ts[num - 1];
}

static const struct packet_provider_funcs fp_funcs = { fp_frame_ts, NULL, NULL, NULL };

void plugin_register(void);
extern int proto_pptpsuite;   /* dissector/proto.c */

static void fp_pref(const char *s)
{
	char buf[512], *err = NULL;

	snprintf(buf, sizeof buf, "%s", s);
	if (prefs_set_pref(buf, &err) != PREFS_SET_OK) {
		fprintf(stderr, "fuzz_plugin: preference %s refused: %s\n", s, err ? err : "?");
		abort();
	}
	g_free(err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	e_prefs *prefs_p;
	char *err;

	(void)argc;
	/* no personal settings of whoever runs this; wmem as plain malloc, so ASan sees the plugin's buffers */
	setenv("HOME", "/nonexistent/fuzz_plugin", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent/fuzz_plugin", 1);
	setenv("XDG_CACHE_HOME", "/nonexistent/fuzz_plugin", 1);
	setenv("XDG_DATA_HOME", "/nonexistent/fuzz_plugin", 1);
	setenv("WIRESHARK_DEBUG_WMEM_OVERRIDE", "simple", 1);
	setenv("G_SLICE", "always-malloc", 1);
	/* a DISSECTOR_ASSERT or a misused proto_tree call is a crash, not a line in the tree */
	setenv("WIRESHARK_ABORT_ON_DISSECTOR_BUG", "1", 1);
	ws_log_init("fuzz_plugin", NULL);
	ws_log_set_level(LOG_LEVEL_WARNING);
	init_process_policies();
	if ((err = configuration_init((*argv)[0], NULL)) != NULL) {
		fprintf(stderr, "fuzz_plugin: %s\n", err);
		g_free(err);
	}
	timestamp_set_type(TS_RELATIVE);
	timestamp_set_precision(TS_PREC_AUTO);
	timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
	wtap_init(FALSE);
	plugin_register();
	if (!epan_init(NULL, NULL, FALSE)) {
		fprintf(stderr, "fuzz_plugin: epan_init failed\n");
		abort();
	}
	prefs_p = epan_load_settings();
	fp_pref("uat:pptpsuite_credentials:\"alice\",\"wonderland42\",\"\"");
	fp_pref("uat:pptpsuite_credentials:\"carol\",\"\",\"0123456789abcdef0123456789ABCDEF\"");
	/* the crafted captures': RFC 2759 9.2's User / clientPass, and "secret" for any user */
	fp_pref("uat:pptpsuite_credentials:\"User\",\"clientPass\",\"\"");
	fp_pref("uat:pptpsuite_credentials:\"\",\"secret\",\"\"");
	prefs_apply_all();
	if (!proto_is_protocol_enabled(find_protocol_by_id(proto_get_id_by_filter_name("pptpsuite")))) {
		fprintf(stderr, "fuzz_plugin: the pptpsuite protocol is not registered or not enabled\n");
		abort();
	}
	build_column_format_array(&fp_cinfo, prefs_p->num_cols, TRUE);
	fp_hf_decrypted = proto_registrar_get_id_byname("pptpsuite.decrypted");
	fp_hf_verified = proto_registrar_get_id_byname("pptpsuite.auth.verified");
	if (fp_hf_decrypted < 0 || fp_hf_verified < 0)
		abort();
	if (getenv("FUZZ_PLUGIN_STATS"))
		atexit(fp_stats_print);
	if (getenv("FUZZ_PLUGIN_SESSION")) {
		long v = strtol(getenv("FUZZ_PLUGIN_SESSION"), NULL, 10);
		fp_session_max = v < 1 ? 1 : v > 100000 ? 100000 : (unsigned)v;
	}
	/* the last session freed at exit: the plugin's cleanup routine runs, and what it did not free is a leak */
	atexit(fp_session_end);
	fp_ready = 1;
	return 0;
}

static const int fp_encap[4] = { WTAP_ENCAP_RAW_IP, WTAP_ENCAP_ETHERNET, WTAP_ENCAP_SLL, WTAP_ENCAP_SLL2 };

typedef struct fp_frame {
	uint8_t *data;
	size_t len;
	int encap;
	nstime_t ts;
} fp_frame;

static void fp_rec(wtap_rec *rec, const fp_frame *f)
{
	wtap_rec_init(rec);
	rec->rec_type = REC_TYPE_PACKET;
	rec->presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
	rec->ts = f->ts;
	rec->tsprec = WTAP_TSPREC_USEC;
	rec->rec_header.packet_header.caplen = (guint32)f->len;
	rec->rec_header.packet_header.len = (guint32)f->len;
	rec->rec_header.packet_header.pkt_encap = f->encap;
	if (f->encap == WTAP_ENCAP_ETHERNET)
		rec->rec_header.packet_header.pseudo_header.eth.fcs_len = 0;
}

/* Every label of the tree formatted, as tshark -V prints it. */
static void fp_label(proto_node *node, gpointer data)
{
	field_info *fi = PNODE_FINFO(node);
	char label[ITEM_LABEL_LENGTH];

	if (fi) {
		label[0] = '\0';
		if (fi->rep)
			fz_touch(fi->rep->representation, strnlen(fi->rep->representation, ITEM_LABEL_LENGTH));
		else
			proto_item_fill_label(fi, label);
		if (fi->hfinfo->id == proto_pptpsuite)
			fp_stats.plugin++;
		else if ((fi->hfinfo->id == fp_hf_decrypted || fi->hfinfo->id == fp_hf_verified) && !fi->rep) {
			const char *v = strrchr(label, ':');
			if (v && strcmp(v, ": True") == 0)
				(*(fi->hfinfo->id == fp_hf_decrypted ? &fp_stats.decrypted : &fp_stats.verified))++;
		}
		*(size_t *)data += strnlen(label, sizeof label);
	}
	proto_tree_children_foreach(node, fp_label, data);
}

static void fp_dissect(epan_dissect_t *edt, fp_frame *f, frame_data *fd, column_info *cinfo)
{
	wtap_rec rec;
	tvbuff_t *tvb;

	fp_rec(&rec, f);
	tvb = tvb_new_real_data(f->data, (guint)f->len, (gint)f->len);
	epan_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &rec, tvb, fd, cinfo);
	if (cinfo)
		epan_dissect_fill_in_columns(edt, FALSE, TRUE);
	if (edt->tree) {
		size_t n = 0;
		fp_stats.frames++;
		proto_tree_children_foreach(edt->tree, fp_label, &n);
	}
	epan_dissect_reset(edt);
	wtap_rec_cleanup(&rec);
}

static void fp_session_end(void)
{
	if (fp_epan)
		epan_free(fp_epan);
	fp_epan = NULL;
	fp_prov.n = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = fz_init(data, size);
	fp_frame fr[FP_MAX_FRAMES];
	frame_data fd[FP_MAX_FRAMES];
	const frame_data *ref = NULL, *prev = NULL;
	nstime_t elapsed = NSTIME_INIT_ZERO;
	guint32 cum = 0;
	uint8_t mode;
	uint32_t n = 0;
	int64_t t_us = 1700000000LL * 1000000;
	epan_dissect_t *edt;

	if (!fp_ready)
		abort();
	mode = fz_u8(&in);
	while (fz_left(&in) > 0 && n < FP_MAX_FRAMES) {
		uint8_t h = fz_u8(&in);
		unsigned step = h >> 2;
		fp_frame *f = &fr[n];

		t_us += step == 63 ? 3600LL * 1000000 : (int64_t)step * 50000;
		f->encap = fp_encap[h & 3];
		f->ts.secs = (time_t)(t_us / 1000000);
		f->ts.nsecs = (int)(t_us % 1000000) * 1000;
		f->data = fz_chunk(&in, 65535, &f->len);
		n++;
	}
	/* a session of its own every FUZZ_PLUGIN_SESSION inputs (its init routines run the plugin's); in between, the
	 * plugin's init routine for each input */
	if (!fp_epan || fp_inputs >= fp_session_max) {
		fp_session_end();
		fp_prov.n = 0;
		fp_epan = epan_new(&fp_prov, &fp_funcs);
		fp_inputs = 0;
	} else {
		ps_feed_init();
	}
	fp_inputs++;
	if (fp_prov.n + n > fp_prov.cap) {
		nstime_t *t = realloc(fp_prov.ts, (fp_prov.n + n + 4096) * sizeof *t);
		if (!t)
			abort();
		fp_prov.ts = t;
		fp_prov.cap = fp_prov.n + n + 4096;
	}

	/* the first, sequential pass: the plugin's model is fed here */
	edt = epan_dissect_new(fp_epan, (mode & 1) != 0, (mode & 1) != 0);
	for (uint32_t i = 0; i < n; i++) {
		wtap_rec rec;

		fp_rec(&rec, &fr[i]);
		frame_data_init(&fd[i], fp_prov.n + 1, &rec, 0, cum);
		wtap_rec_cleanup(&rec);
		fp_prov.ts[fp_prov.n++] = fr[i].ts;
		frame_data_set_before_dissect(&fd[i], &elapsed, &ref, prev);
		fp_dissect(edt, &fr[i], &fd[i], (mode & 2) ? &fp_cinfo : NULL);
		frame_data_set_after_dissect(&fd[i], &cum);
		fd[i].visited = 1;
		prev = &fd[i];
	}
	epan_dissect_free(edt);
	/* the sequential pass is over: the model's end of input */
	if (fp_session_max == 1)
		postseq_cleanup_all_protocols();
	else
		ps_feed_postseq();

	/* the second: every frame again as a visited one, with a visible tree (tshark -2 -V, the GUI's detail pane) */
	edt = epan_dissect_new(fp_epan, TRUE, TRUE);
	for (uint32_t i = 0; i < n; i++)
		fp_dissect(edt, &fr[i], &fd[i], &fp_cinfo);
	epan_dissect_free(edt);

	/* the third: visited, no tree, last frame first (the GUI's packet list, a display filter refreshed) */
	if (mode & 4) {
		edt = epan_dissect_new(fp_epan, FALSE, FALSE);
		for (uint32_t i = n; i-- > 0;)
			fp_dissect(edt, &fr[i], &fd[i], NULL);
		epan_dissect_free(edt);
	}

	for (uint32_t i = 0; i < n; i++) {
		frame_data_destroy(&fd[i]);
		free(fr[i].data);
	}
	if (fp_session_max == 1)
		fp_session_end();
	return 0;
}
