/* proto.c: the pptpsuite protocol of the Wireshark 4.0 plugin: fields, expert items from the rule catalog, the
 * credentials UAT, and the three hooks (IP protocols 47 and 6, PPP protocol 0x00FD) over the stock dissectors. */
#include <string.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/uat.h>
#include <wsutil/wmem/wmem.h>

#include "auditor.h"
#include "cursor.h"
#include "mppe.h"
#include "rules.h"
#include "tunnel.h"

#include "pptpsuite.h"

int proto_pptpsuite = -1;

static int hf_rule = -1, hf_severity = -1, hf_rfc = -1, hf_message = -1, hf_conn = -1, hf_call = -1, hf_from = -1;
static int hf_mppe_coherency = -1, hf_mppe_flushed = -1, hf_mppe_restart = -1, hf_mppe_compressed = -1;
static int hf_mppe_encrypted = -1, hf_mppe_bits = -1, hf_mppe_stateless = -1, hf_mppe_mppc = -1;
static int hf_decrypted = -1, hf_keys = -1;
static int hf_advice = -1;
static int hf_auth_verified = -1, hf_auth_user = -1, hf_auth_check = -1, hf_auth_forged = -1;

static gint ett_pptpsuite = -1, ett_finding = -1, ett_mppe = -1;

static expert_field *ei_rules;        /* one per rule of the catalog, indexed by rule */
static expert_field ei_not_decrypted = EI_INIT;

static dissector_handle_t gre_handle, tcp_handle, ppp_handle, data_handle;

/* the security audit (lib/auditor): on by default, as pptp-analyze --audit's thresholds */
gboolean ps_audit_on = TRUE;
guint ps_audit_guess_failures = 5;
guint ps_audit_guess_window = 300;

/* IP protocols the audit hooks for traffic other than PPTP, and the stock handle of each (NULL: none) */
static dissector_handle_t ip_stock[256];

ps_cred_row *ps_cred_rows;
unsigned ps_ncred_rows;
static uat_t *cred_uat;

/* ---- the credentials table ---- */

static void *cred_copy(void *dst, const void *src, size_t len)
{
	const ps_cred_row *s = src;
	ps_cred_row *d = dst;

	(void)len;
	d->user = g_strdup(s->user);
	d->password = g_strdup(s->password);
	d->nt_hash = g_strdup(s->nt_hash);
	return d;
}

static void wipe_str(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	g_free(s);
}

static void cred_free(void *r)
{
	ps_cred_row *c = r;

	g_free(c->user);
	wipe_str(c->password);
	wipe_str(c->nt_hash);
}

static gboolean cred_update(void *r, char **err)
{
	const ps_cred_row *c = r;
	size_t n = c->nt_hash ? strlen(c->nt_hash) : 0;

	if ((!c->password || !c->password[0]) && !n) {
		*err = g_strdup("give the password or the NT hash");
		return FALSE;
	}
	if (n && n != 32) {
		*err = g_strdup("an NT hash is 32 hexadecimal digits");
		return FALSE;
	}
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isxdigit(c->nt_hash[i])) {
			*err = g_strdup("an NT hash is 32 hexadecimal digits");
			return FALSE;
		}
	return TRUE;
}

UAT_CSTRING_CB_DEF(cred, user, ps_cred_row)
UAT_CSTRING_CB_DEF(cred, password, ps_cred_row)
UAT_CSTRING_CB_DEF(cred, nt_hash, ps_cred_row)

/* ---- presentation of one frame's results ---- */

static const char *dir_name(int dir)
{
	return dir == PT_DIR_PNS ? "PNS" : dir == PT_DIR_PAC ? "PAC" : NULL;
}

static void show_findings(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const ps_rec *r)
{
	proto_item *top;
	proto_tree *pt;

	if (!r || (!r->finds && !r->authv))
		return;
	top = proto_tree_add_item(tree, proto_pptpsuite, tvb, 0, 0, ENC_NA);
	proto_item_set_generated(top);
	pt = proto_item_add_subtree(top, ett_pptpsuite);
	if (r->authv) {
		const char *check = pt_vs_name_or(pt_authv_vs, r->authv, "?");
		proto_item *it;
		if (r->authv == PT_AUTHV_OK || r->authv == PT_AUTHV_WRONG) {
			it = proto_tree_add_boolean(pt, hf_auth_verified, tvb, 0, 0, r->authv == PT_AUTHV_OK);
			proto_item_set_generated(it);
		}
		it = proto_tree_add_string(pt, hf_auth_user, tvb, 0, 0, r->auth_user ? r->auth_user : "");
		proto_item_set_generated(it);
		it = proto_tree_add_string_format_value(pt, hf_auth_check, tvb, 0, 0, check, "%s for user \"%s\"", check,
							r->auth_user ? r->auth_user : "");
		proto_item_set_generated(it);
		if (r->auth_forged) {
			it = proto_tree_add_boolean(pt, hf_auth_forged, tvb, 0, 0, TRUE);
			proto_item_set_generated(it);
		}
		proto_item_append_text(top, ", %s for user \"%s\"", check, r->auth_user ? r->auth_user : "");
	}
	for (const ps_find *f = r->finds; f; f = f->next) {
		const pt_rule *rule = pt_rule_get(f->rule);
		proto_item *ri, *it;
		proto_tree *ft;
		if (!rule)
			continue;
		ri = proto_tree_add_string_format(pt, hf_rule, tvb, 0, 0, rule->id, "%s %s: %s", pt_sev_name(rule->sev),
						  rule->id, f->msg);
		proto_item_set_generated(ri);
		ft = proto_item_add_subtree(ri, ett_finding);
		it = proto_tree_add_string(ft, hf_severity, tvb, 0, 0, pt_sev_name(rule->sev));
		proto_item_set_generated(it);
		it = proto_tree_add_string(ft, hf_rfc, tvb, 0, 0, rule->ref);
		proto_item_set_generated(it);
		it = proto_tree_add_string(ft, hf_message, tvb, 0, 0, f->msg);
		proto_item_set_generated(it);
		/* always present (0: none), so that -T fields lists line up finding by finding */
		it = proto_tree_add_uint(ft, hf_conn, tvb, 0, 0, f->conn);
		proto_item_set_generated(it);
		it = proto_tree_add_uint(ft, hf_call, tvb, 0, 0, f->call >= 0 ? (guint32)f->call + 1 : 0);
		proto_item_set_generated(it);
		if (dir_name(f->dir)) {
			it = proto_tree_add_string(ft, hf_from, tvb, 0, 0, dir_name(f->dir));
			proto_item_set_generated(it);
		}
		if (pt_audit_advice(f->rule)) {
			it = proto_tree_add_string(ft, hf_advice, tvb, 0, 0, pt_audit_advice(f->rule));
			proto_item_set_generated(it);
		}
		expert_add_info_format(pinfo, ri, &ei_rules[f->rule], "%s: %s (%s)", rule->id, f->msg, rule->ref);
	}
}

/* ---- the hooks over the stock dissectors ---- */

/* IP protocol 47: the model sees the whole GRE packet, then the stock GRE dissector runs. */
static int dissect_gre_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	int n;

	if (proto_is_protocol_enabled(find_protocol_by_id(proto_pptpsuite)))
		ps_feed_gre(tvb, pinfo);
	n = call_dissector_with_data(gre_handle, tvb, pinfo, tree, data);
	return n ? n : (int)tvb_captured_length(tvb);
}

/* IP protocol 6: segments of TCP port 1723 to the model (its own reassembly), then the stock TCP dissector. */
static int dissect_tcp_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	int n;

	if (proto_is_protocol_enabled(find_protocol_by_id(proto_pptpsuite)))
		ps_feed_tcp(tvb, pinfo);
	n = call_dissector_with_data(tcp_handle, tvb, pinfo, tree, data);
	return n ? n : (int)tvb_captured_length(tvb);
}

/*
 * Every other IP protocol (pinfo->match_uint: the value the ip.proto table was searched with, the only way here):
 * the datagram to the audit when its preference is on (traffic to or from a PPTP server besides TCP 1723 and GRE),
 * then the stock dissector, or none (0: IP's own fallback, as without the hook).
 */
static int dissect_other_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	unsigned v = pinfo->match_uint;

	if (ps_audit_on && v < 256 && proto_is_protocol_enabled(find_protocol_by_id(proto_pptpsuite)))
		ps_feed_other(tvb, pinfo, v);
	if (v >= 256 || !ip_stock[v])
		return 0;
	return call_dissector_only(ip_stock[v], tvb, pinfo, tree, data);
}

/* PPP protocol 0x00FD (RFC 3078 3.1): the MPPE header, and the frame decrypted on the first pass. */
static int dissect_mppe(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	const ps_rec *r = p_get_proto_data(pinfo->pool, pinfo, proto_pptpsuite, 2) ? NULL : ps_rec_get(pinfo);
	unsigned caplen = tvb_captured_length(tvb);
	/* an empty frame: a cursor over a real octet, never over NULL (NULL + 0 is undefined behaviour) */
	static const uint8_t none[1];
	const uint8_t *p = caplen ? tvb_get_ptr(tvb, 0, caplen < 2 ? caplen : 2) : none;
	pt_cursor c = pt_cur(p, caplen < 2 ? caplen : 2);
	pt_mppe_hdr h;
	proto_item *top, *it;
	proto_tree *mt;
	int decrypted = r && r->inner;

	(void)data;
	col_set_str(pinfo->cinfo, COL_PROTOCOL, "MPPE");
	top = proto_tree_add_item(tree, proto_pptpsuite, tvb, 0, -1, ENC_NA);
	proto_item_set_text(top, "MPPE (pptpsuite)");
	mt = proto_item_add_subtree(top, ett_mppe);
	if (pt_mppe_parse_hdr(&c, &h) == PT_OK) {
		proto_tree_add_uint(mt, hf_mppe_coherency, tvb, 0, 2, h.cc);
		proto_tree_add_boolean(mt, hf_mppe_flushed, tvb, 0, 2, (h.bits & PT_MPPE_BIT_A) != 0);
		proto_tree_add_boolean(mt, hf_mppe_restart, tvb, 0, 2, (h.bits & PT_MPPE_BIT_B) != 0);
		proto_tree_add_boolean(mt, hf_mppe_compressed, tvb, 0, 2, (h.bits & PT_MPPE_BIT_C) != 0);
		proto_tree_add_boolean(mt, hf_mppe_encrypted, tvb, 0, 2, (h.bits & PT_MPPE_BIT_D) != 0);
		proto_item_append_text(top, ", coherency count %u%s%s", h.cc, h.bits & PT_MPPE_BIT_A ? ", flushed" : "",
				       h.bits & PT_MPPE_BIT_D ? ", encrypted" : "");
		col_add_fstr(pinfo->cinfo, COL_INFO, "MPPE cc=%u%s", h.cc, h.bits & PT_MPPE_BIT_A ? " flushed" : "");
	}
	if (r && r->has_call && r->key_bits) {
		it = proto_tree_add_uint(mt, hf_mppe_bits, tvb, 0, 0, r->key_bits);
		proto_item_set_generated(it);
		it = proto_tree_add_boolean(mt, hf_mppe_stateless, tvb, 0, 0, r->stateless);
		proto_item_set_generated(it);
		it = proto_tree_add_boolean(mt, hf_mppe_mppc, tvb, 0, 0, r->mppc);
		proto_item_set_generated(it);
		it = proto_tree_add_string(mt, hf_keys, tvb, 0, 0,
					   r->keys == 1 ? "derived" : r->keys == 2 ? "unavailable" : "not yet");
		proto_item_set_generated(it);
	}
	it = proto_tree_add_boolean(mt, hf_decrypted, tvb, 0, 0, decrypted);
	proto_item_set_generated(it);
	if (decrypted) {
		tvbuff_t *inner = tvb_new_child_real_data(tvb, r->inner, r->inner_len, r->inner_len);
		add_new_data_source(pinfo, inner, "Decrypted PPP");
		/* a decrypted frame that is 0x00FD again comes back here: it is shown, not decrypted again */
		p_add_proto_data(pinfo->pool, pinfo, proto_pptpsuite, 2, GUINT_TO_POINTER(1));
		/* and no GRE inside it is fed to the model */
		if (!p_get_proto_data(pinfo->pool, pinfo, proto_pptpsuite, 1))
			p_add_proto_data(pinfo->pool, pinfo, proto_pptpsuite, 1, GUINT_TO_POINTER(1));
		call_dissector(ppp_handle, inner, pinfo, tree);
	} else {
		expert_add_info(pinfo, top, &ei_not_decrypted);
		if (caplen > 2)
			call_dissector(data_handle, tvb_new_subset_remaining(tvb, 2), pinfo, tree);
	}
	return (int)caplen;
}

/* ---- registration ---- */

/*
 * Every frame, after the others: notes where the capture ends, and shows the findings and credential check of the
 * frame (also those the end of input put on a frame that carried no PPTP).
 */
static int dissect_last(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	(void)data;
	ps_feed_frame(pinfo);
	show_findings(tvb, pinfo, tree, ps_rec_get(pinfo));
	return 0;
}

static void feed_init(void)
{
	ps_feed_init();
}

static void feed_cleanup(void)
{
	ps_feed_cleanup();
}

static void feed_postseq(void)
{
	ps_feed_postseq();
}

static int rule_group(int rule, const char *id)
{
	/* the audit's rules and those it groups with advice (lib/rules_audit.def) are security matters */
	if (g_str_has_prefix(id, "auth.") || g_str_has_prefix(id, "mppe.key.") || pt_audit_advice(rule))
		return PI_SECURITY;
	if (strstr(id, ".truncated") || strstr(id, ".malformed"))
		return PI_MALFORMED;
	if (strstr(id, ".coherency.") || g_str_has_prefix(id, "gre.seq") || g_str_has_prefix(id, "gre.ack"))
		return PI_SEQUENCE;
	return PI_PROTOCOL;
}

static int rule_severity(pt_sev s)
{
	switch (s) {
	case PT_SEV_ERROR:
		return PI_ERROR;
	case PT_SEV_WARNING:
		return PI_WARN;
	case PT_SEV_INFO:
		return PI_NOTE;
	}
	return PI_NOTE;
}

void proto_register_pptpsuite(void);
void proto_reg_handoff_pptpsuite(void);

void proto_register_pptpsuite(void)
{
	static hf_register_info hf[] = {
		{ &hf_rule, { "Rule", "pptpsuite.rule", FT_STRING, BASE_NONE, NULL, 0, "Rule id of a finding (docs/rules.md)", HFILL } },
		{ &hf_severity, { "Severity", "pptpsuite.severity", FT_STRING, BASE_NONE, NULL, 0, "error, warning or info", HFILL } },
		{ &hf_rfc, { "RFC section", "pptpsuite.rfc", FT_STRING, BASE_NONE, NULL, 0, "The RFC and section the rule checks", HFILL } },
		{ &hf_message, { "Message", "pptpsuite.message", FT_STRING, BASE_NONE, NULL, 0, "What was seen, precisely", HFILL } },
		{ &hf_conn, { "Control connection", "pptpsuite.conn", FT_UINT32, BASE_DEC, NULL, 0, "1-based, in order of appearance; 0 none", HFILL } },
		{ &hf_call, { "Call", "pptpsuite.call", FT_UINT32, BASE_DEC, NULL, 0, "1-based, in order of appearance; 0 none", HFILL } },
		{ &hf_from, { "From", "pptpsuite.from", FT_STRING, BASE_NONE, NULL, 0, "Sender: PNS or PAC", HFILL } },
		{ &hf_mppe_coherency, { "Coherency count", "pptpsuite.mppe.coherency", FT_UINT16, BASE_DEC, NULL, 0, "RFC 3078 3.1", HFILL } },
		{ &hf_mppe_flushed, { "Flushed (A)", "pptpsuite.mppe.flushed", FT_BOOLEAN, BASE_NONE, NULL, 0, "RFC 3078 3.1 bit A", HFILL } },
		{ &hf_mppe_restart, { "History restart (B)", "pptpsuite.mppe.restart", FT_BOOLEAN, BASE_NONE, NULL, 0, "RFC 2118 bit B", HFILL } },
		{ &hf_mppe_compressed, { "Compressed (C)", "pptpsuite.mppe.compressed", FT_BOOLEAN, BASE_NONE, NULL, 0, "RFC 2118 bit C", HFILL } },
		{ &hf_mppe_encrypted, { "Encrypted (D)", "pptpsuite.mppe.encrypted", FT_BOOLEAN, BASE_NONE, NULL, 0, "RFC 3078 3.1 bit D", HFILL } },
		{ &hf_mppe_bits, { "Key length", "pptpsuite.mppe.bits", FT_UINT8, BASE_DEC, NULL, 0, "Negotiated MPPE key bits: 40, 56 or 128", HFILL } },
		{ &hf_mppe_stateless, { "Stateless", "pptpsuite.mppe.stateless", FT_BOOLEAN, BASE_NONE, NULL, 0, "RFC 3078 2 H bit negotiated", HFILL } },
		{ &hf_mppe_mppc, { "MPPC", "pptpsuite.mppe.mppc", FT_BOOLEAN, BASE_NONE, NULL, 0, "RFC 2118 compression negotiated", HFILL } },
		{ &hf_keys, { "Keys", "pptpsuite.mppe.keys", FT_STRING, BASE_NONE, NULL, 0, "MPPE keys: derived, unavailable, not yet", HFILL } },
		{ &hf_decrypted, { "Decrypted", "pptpsuite.decrypted", FT_BOOLEAN, BASE_NONE, NULL, 0, "The MPPE frame was decrypted to valid PPP", HFILL } },
		{ &hf_advice, { "Advice", "pptpsuite.advice", FT_STRING, BASE_NONE, NULL, 0, "What to change, for a finding of the security audit", HFILL } },
		{ &hf_auth_verified, { "Password verified", "pptpsuite.auth.verified", FT_BOOLEAN, BASE_NONE, NULL, 0, "The response matches the credentials given", HFILL } },
		{ &hf_auth_user, { "User", "pptpsuite.auth.user", FT_STRING, BASE_NONE, NULL, 0, "The name in the response", HFILL } },
		{ &hf_auth_check, { "Credential check", "pptpsuite.auth.check", FT_STRING, BASE_NONE, NULL, 0, "The outcome of checking the credentials", HFILL } },
		{ &hf_auth_forged, { "Success forged", "pptpsuite.auth.forged", FT_BOOLEAN, BASE_NONE, NULL, 0, "MS-CHAPv2 Success does not prove the password", HFILL } },
	};
	static gint *ett[] = { &ett_pptpsuite, &ett_finding, &ett_mppe };
	static ei_register_info ei_fixed[] = {
		{ &ei_not_decrypted, { "pptpsuite.not_decrypted", PI_UNDECODED, PI_NOTE, "MPPE frame not decrypted", EXPFILL } },
	};
	static uat_field_t cred_fields[] = {
		UAT_FLD_CSTRING(cred, user, "User", "User name as sent (empty: any user)"),
		UAT_FLD_CSTRING(cred, password, "Password", "Clear password"),
		UAT_FLD_CSTRING(cred, nt_hash, "NT hash", "MD4 of the UTF-16LE password, 32 hex digits (instead of the password)"),
		UAT_END_FIELDS
	};
	size_t nrules = pt_rule_count();
	ei_register_info *ei;
	expert_module_t *em;
	module_t *pm;

	proto_pptpsuite = proto_register_protocol("PPTP suite: MPPE decryption and RFC checks", "pptpsuite", "pptpsuite");
	proto_register_field_array(proto_pptpsuite, hf, array_length(hf));
	proto_register_subtree_array(ett, array_length(ett));

	/* one expert item per rule of the catalog: lib/rules_*.def is the only list */
	ei_rules = g_new0(expert_field, nrules);
	ei = g_new0(ei_register_info, nrules);
	for (size_t i = 0; i < nrules; i++) {
		const pt_rule *r = pt_rule_get((int)i);
		ei_register_info one = { &ei_rules[i], { g_strdup_printf("pptpsuite.expert.%s", r->id), rule_group((int)i, r->id),
							    rule_severity(r->sev), g_strdup_printf("%s (%s)", r->text, r->ref), EXPFILL } };
		ei_rules[i].ei = EI_INIT_EI;
		ei_rules[i].hf = EI_INIT_HF;
		ei[i] = one;
	}
	em = expert_register_protocol(proto_pptpsuite);
	expert_register_field_array(em, ei, (int)nrules);
	expert_register_field_array(em, ei_fixed, array_length(ei_fixed));

	pm = prefs_register_protocol(proto_pptpsuite, NULL);
	cred_uat = uat_new("PPTP credentials", sizeof(ps_cred_row), "pptpsuite_credentials", TRUE, &ps_cred_rows,
			   &ps_ncred_rows, UAT_AFFECTS_DISSECTION, NULL, cred_copy, cred_update, cred_free, NULL, NULL,
			   cred_fields);
	prefs_register_uat_preference(pm, "credentials", "Credentials",
				      "User, password or NT hash: MS-CHAP responses are checked and MPPE keys derived from them",
				      cred_uat);

	prefs_register_bool_preference(pm, "audit", "Security audit",
				       "Expert info of the security audit (as pptp-analyze --audit): no encryption, EAP downgrade, "
				       "MS-CHAPv2 handshakes captured, MS-CHAPv1 LAN Manager responses, online guessing, and traffic "
				       "other than TCP 1723 and GRE to or from a PPTP server (every IP datagram is looked at)",
				       &ps_audit_on);
	prefs_register_uint_preference(pm, "audit_guess_failures", "Guessing: failures",
				       "Authentication failures of one user or from one address within the window that are "
				       "reported as online guessing (0: 5)", 10, &ps_audit_guess_failures);
	prefs_register_uint_preference(pm, "audit_guess_window", "Guessing: window (s)",
				       "The window of the guessing check, in seconds (0: 300)", 10, &ps_audit_guess_window);

	register_init_routine(feed_init);
	register_cleanup_routine(feed_cleanup);
	register_postseq_cleanup_routine(feed_postseq);
}

void proto_reg_handoff_pptpsuite(void)
{
	dissector_table_t ipt = find_dissector_table("ip.proto");

	ppp_handle = find_dissector("ppp");
	data_handle = find_dissector("data");
	/* the hooks belong to no protocol: frame.protocols of every TCP packet need not name pptpsuite (they check
	 * whether it is enabled themselves) */
	/* take the stock handles before ours replace them in the tables */
	gre_handle = ipt ? dissector_get_uint_handle(ipt, 47) : NULL;
	tcp_handle = ipt ? dissector_get_uint_handle(ipt, 6) : NULL;
	if (!gre_handle)
		gre_handle = find_dissector("gre");
	if (!tcp_handle)
		tcp_handle = find_dissector("tcp");
	if (gre_handle)
		dissector_add_uint("ip.proto", 47,
				   create_dissector_handle_with_name_and_description(dissect_gre_hook, -1,
										     "pptpsuite_gre", "GRE (pptpsuite)"));
	if (tcp_handle)
		dissector_add_uint("ip.proto", 6,
				   create_dissector_handle_with_name_and_description(dissect_tcp_hook, -1,
										     "pptpsuite_tcp", "TCP (pptpsuite)"));
	/* the audit's hook on every other IP protocol, but those lib/ip reads through as pptp-analyze does: IP in IP (4,
	 * 41: the inner datagram comes back here) and the IPv6 extension headers (0, 43, 44, 51, 60, 135, 139, 140: the
	 * header after them does) */
	if (ipt) {
		/* added, not changed: Decode As resets changed entries when the preferences are read */
		dissector_handle_t other = create_dissector_handle_with_name_and_description(dissect_other_hook, -1,
											    "pptpsuite_ip", "IP protocol (pptpsuite audit)");
		for (unsigned v = 1; v < 256; v++) {
			switch (v) {
			case 4: case 6: case 41: case 43: case 44: case 47: case 51: case 60: case 135: case 139:
			case 140:
				continue;
			}
			ip_stock[v] = dissector_get_uint_handle(ipt, v);
			dissector_add_uint("ip.proto", v, other);
		}
	}
	dissector_add_uint("ppp.protocol", 0x00fd, create_dissector_handle(dissect_mppe, proto_pptpsuite));
	register_postdissector(create_dissector_handle(dissect_last, proto_pptpsuite));
}
