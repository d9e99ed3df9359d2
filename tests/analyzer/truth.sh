#!/bin/sh
# truth.sh: pptp-analyze tells the truth on partial, odd and real-world captures (issue 20).
# Each case runs the analyzer on one capture and asserts what the report says and what it must never say:
#   run CAPTURE [OPTIONS...]   text report, JSON Lines and verdict lines of CAPTURE (a crafted name or a path),
#                              and the exit status of --fail-on warning
#   says TEXT / never TEXT     a fixed string is / is not in the text report
#   rule ID / norule ID        a finding of that rule is / is not in the JSON Lines
#   nrule ID N                 exactly N findings of that rule
#   verdict CODE               every verdict line carries [CODE]
#   jqall EXPR                 jq -e EXPR holds over the JSON Lines slurped into one array
#   status N                   --fail-on warning exited N (0: nothing to fail on, 1: a real fault)
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
A=${ANALYZE:-$SAN/pptp-analyze}
export TZ=UTC LC_ALL=C
pass=0 fail=0 cur=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
ko() {
	echo "FAIL $cur: $*"
	fail=$((fail + 1))
}

run() {
	cur=$1
	case $1 in
	*/*) f=$1 ;;
	*) f=build/captures/$1.pcap ;;
	esac
	shift
	if [ ! -f "$f" ]; then
		ko "no capture $f"
		: >"$tmp/text"; : >"$tmp/json"; : >"$tmp/verdict"
		rc=99
		return
	fi
	"$A" "$@" "$f" >"$tmp/text" 2>"$tmp/err"
	"$A" --json "$@" "$f" >"$tmp/json" 2>>"$tmp/err"
	"$A" --verdict "$@" "$f" >"$tmp/verdict" 2>>"$tmp/err"
	"$A" --verdict --fail-on warning "$@" "$f" >/dev/null 2>>"$tmp/err"
	rc=$?
	if grep -q 'Sanitizer\|runtime error:' "$tmp/err"; then ko "sanitizer report"; head -5 "$tmp/err"; fi
}
says() { if grep -qF -- "$1" "$tmp/text"; then ok; else ko "should say \"$1\""; fi; }
never() {
	if grep -qF -- "$1" "$tmp/text"; then ko "must not say \"$1\":"; grep -F -- "$1" "$tmp/text" | head -3 | sed 's/^/    /'; else ok; fi
}
rule() { if grep -q "\"rule\":\"$1\"" "$tmp/json"; then ok; else ko "no finding $1"; fi; }
norule() {
	if grep -q "\"rule\":\"$1\"" "$tmp/json"; then
		ko "finding $1 must not be reported:"; grep "\"rule\":\"$1\"" "$tmp/json" | head -2 | sed 's/^/    /'
	else ok; fi
}
nrule() {
	n=$(grep -c "\"rule\":\"$1\"" "$tmp/json")
	if [ "$n" -eq "$2" ]; then ok; else ko "$1 reported $n times, expected $2"; fi
}
verdict() {
	n=$(grep -c '^\(call\|connection\) [0-9]* \[' "$tmp/verdict")
	o=$(grep '^\(call\|connection\) [0-9]* \[' "$tmp/verdict" | grep -cv "^[a-z]* [0-9]* \[$1\] ")
	if [ "$n" -gt 0 ] && [ "$o" -eq 0 ]; then ok; else ko "verdict should be [$1]:"; sed 's/^/    /' "$tmp/verdict"; fi
}
jqall() {
	if jq -e -s "$1" "$tmp/json" >/dev/null 2>&1; then ok; else ko "jq: $1"; fi
}
status() { if [ "$rc" -eq "$1" ]; then ok; else ko "--fail-on warning exited $rc, expected $1"; fi; }

# ---- point 1: what was not captured is not a fault ----
# mid-session, MPPE: GRE first, the control connection joins later
run t-midsession-mppe
nrule ppp.negotiation.not_captured 1
says "LCP/CCP negotiation not in the capture: started mid-session"
says "keys unknown"
never "no encryption"
never "encryption none"
for r in ppp.ccp.data_before_open ppp.lcp.ncp_before_open ppp.acfc.not_negotiated ppp.pfc.not_negotiated \
	ppp.lcp.code_not_opened ppp.lcp.echo_magic ppp.ncp.data_before_open gre.call.unknown gre.call.before_up; do
	norule "$r"
done
never "expected 0x00000000"
never "no call was placed"
verdict ok
jqall '[.[] | select(.type == "call")] | length == 1 and all(.up == true and .conn == 1)'
jqall '[.[] | select(.type == "verdict" and .ok == true)] | length == 1'
jqall '[.[] | select(.type == "finding" and .call != null)] | all(.conn == 1)'
status 0

# mid-session, clear: the control connection first
run t-midsession-clear
nrule ppp.negotiation.not_captured 1
says "no encryption seen"
for r in ppp.lcp.ncp_before_open ppp.ncp.data_before_open ppp.acfc.not_negotiated ppp.pfc.not_negotiated \
	ppp.lcp.code_not_opened ppp.lcp.echo_magic ppp.auth.ncp_before_auth gre.call.before_up gre.call.unknown; do
	norule "$r"
done
verdict ok
jqall '[.[] | select(.type == "call")] | all(.up == true and .up_inferred == true and .conn == 1)'
jqall '[.[] | select(.type == "verdict")] | all(.ok == true and .verdict == "ok")'
status 0

# a complete call needs no inference: no note, and "up" is the control channel's
run clean-mschapv2 --password clientPass
norule ppp.negotiation.not_captured
jqall '[.[] | select(.type == "call")] | all(.up == true and (has("up_inferred") | not))'
status 0

# with the start of the call in the capture, data before LCP is the sender's fault, not a partial capture
run r-ppp-lcp
rule ppp.lcp.ncp_before_open
rule ppp.lcp.code_not_opened
norule ppp.negotiation.not_captured

# GRE alone: not a fault that the control connection is not in the capture
run t-gre-only
nrule gre.call.no_control 1
norule gre.call.unknown
verdict ok
status 0
# ... but an unknown Call ID on a connection seen from its start is
run t-gre-unknown-call
rule gre.call.unknown
norule gre.call.no_control
# on every capture: a call whose verdict says it worked is never "up": false in JSON
for f in build/captures/*.pcap captures/real/*.pcap; do
	[ -f "$f" ] || continue
	cur=$f
	"$A" --json "$f" 2>/dev/null >"$tmp/json"
	jqall '([.[] | select(.type == "call")] | map({key: (.call | tostring), value: .up}) | from_entries) as $up
		| [.[] | select(.type == "verdict" and .ok == true and .call != null) | $up[.call | tostring]] | all(. == true)'
done
# bytes the capture missed on the control stream (a gap, a mid-stream start, a short snapshot length) are info,
# and the resynchronisation after them is part of that loss, not a second finding
run tcp-gap
rule cap.tcp.gap
rule pptp.stream.gap
norule pptp.stream.resync
status 0
run tcp-midstream
norule pptp.stream.resync
status 0
run snaplen-96
jqall '[.[] | select(.type == "finding" and (.rule == "cap.tcp.gap" or .rule == "pptp.stream.gap"))] | length > 0 and all(.severity == "info")'
# garbage inside a stream seen whole is still reported
run r-ctrl-stream
rule pptp.stream.resync
rule pptp.stream.bad_framing

# ---- point 4: short and one-sided captures ----
# only the control channel: "control channel only", never "GRE is blocked"
run t-control-only
verdict control-only
says "control channel only"
says "Set-Link-Info"
never "blocked"
rule gre.call.not_captured
norule gre.call.none
status 0
jqall '[.[] | select(.type == "verdict")] | all(.verdict == "control-only")'
# the capture ends before a Restart timer could run out
run t-short-no-gre
verdict incomplete
says "the capture ends 0.8 s after the call came up"
never "blocked"
norule gre.call.none
norule gre.call.not_captured
status 0
# GRE from one side only, but too few LCP retries to say the other's is blocked
run t-short-one-way
verdict incomplete
says "too early to tell"
never "blocked between"
norule gre.call.one_way
status 0
# the evidence: LCP Configure-Requests repeated over the Restart timer, nothing from the other side
run t-one-way-evidence
verdict gre-one-way
says "is blocked between it and the capture point"
rule gre.call.one_way
status 1
# the real lab capture of GRE blocked from the client keeps its verdict
run captures/real/gre-blocked.pcap
verdict gre-one-way
rule gre.call.one_way
# no GRE for one call while the capture holds another call's GRE
run t-gre-none-other
rule gre.call.none
says "while the capture holds other GRE"
jqall '[.[] | select(.type == "verdict")] | map(.verdict) == ["ok", "gre-blocked"]'
# a control-only crafted capture of an older test: the client clearing after 30 s is no evidence on the wire
run v-gre-none
verdict control-only
says "the PNS cleared the call 30.0 s after it came up"
never "GRE is blocked"

# ---- point 5: corruption is named where it is ----
# an impossible IPv4 Total Length is a malformed IP header; the GRE inside is not blamed
run t-ip-length-impossible
nrule cap.ipv4.malformed 1
says "malformed IP header"
for r in gre.key.length_mismatch gre.payload.truncated ppp.frame.truncated gre.ack.ahead gre.seq.gap cap.ip.truncated; do
	norule "$r"
done
verdict ok
# frames the capture duplicated: once "duplicated in the capture", never MPPE replays or GRE duplicates
run t-duplicates --password clientPass
nrule cap.frame.duplicate 1
says "duplicated in the capture"
for r in mppe.coherency.backwards gre.seq.duplicate cap.tcp.overlap_mismatch pptp.fsm.echo_unmatched; do
	norule "$r"
done
jqall '[.[] | select(.type == "call")] | all(.gre_pns.duplicates == 0 and .gre_pac.duplicates == 0)'
verdict ok
status 0
# a zero IPv4 header checksum: checksum offload, once per host
run t-checksum-offload
nrule cap.ipv4.checksum_offload 1
norule cap.ipv4.bad_checksum
says "checksum offload on the capturing host"
status 0
# a wrong checksum that is not 0 is still reported as such (the 0 one of that capture is offload)
run r-cap-ip-bad-checksum
nrule cap.ipv4.bad_checksum 1
rule cap.ipv4.checksum_offload
# copies of IP fragments stay the defragmenter's (cap.frag.duplicate)
run r-cap-frag-duplicate
rule cap.frag.duplicate
norule cap.frame.duplicate

# ---- point 8: advice is right ----
# a TCP close without Stop-Control-Connection: one finding that says exactly that
run t-tcp-close-no-stop
nrule pptp.fsm.conn_not_stopped 1
says "TCP closed by the PNS without Stop-Control-Connection-Request"
says "never cleared: left established when TCP was closed by the PNS"
never "still established"
never "state established; TCP closed"
# the same on the real capture of GRE blocked (the client closed TCP after its Call-Clear-Request)
run captures/real/gre-blocked.pcap
never "still established"
says "when TCP was closed (never stopped)"
# a capture that ends with the connection up says so, with no TCP close beside it
run t-control-only
says "control connection still established at the end of the capture"
never "TCP closed"
# a link terminated by both sides says both
run t-term-both
says "LCP Terminate-Request from the PNS \"User request\" (packet 18) and from the PAC \"Session timeout\" (packet 19)"
# fragmentation advice with the numbers of the capture: tunnel packets too big for the path
run t-frag-inner
says "a 1500-octet inner packet takes 40 octets of PPP, GRE and outer IP headers"
says "set the tunnel MTU to 1460 (pppd: mtu 1460) and clamp TCP MSS to 1420"
never "a lower MTU on the tunnel interface avoids it"
# ... and senders' packets larger than a tunnel that fits the path (the lab's 2000-octet pings, MRU 1400)
run captures/real/mschapv2-mppe128.pcap --password wonderland42
says "larger than the tunnel MTU 1400"
says "clamp TCP MSS to 1360"

# ---- point 9: JSON keeps its promises ----
# octets outside printable ASCII: \u00XX in JSON, never '?'; \xNN where a sentence quotes them
run t-json-escapes
jqall '[.[] | select(.type == "call")][0].user == "al\u0001ice\u00e9\u0009"'
if grep -qF '"user":"al\u0001ice\u00e9\u0009"' "$tmp/json"; then ok; else ko "JSON user should be written with \\u00XX escapes"; fi
if grep -q '"user":"[^"]*?' "$tmp/json"; then ko "JSON user holds a '?'"; else ok; fi
says 'user "al\x01ice\xe9\x09"'
says '"Bye\x07\x0a"'
never 'al?ice'

# ---- done means: --fail-on warning exits 1 only where the capture holds a real fault ----
for c in chap-md5-noenc client-killed concurrent-3 linux-sll2 mschapv2-mppe128 ipv6-outer; do
	run "captures/real/$c.pcap" --password wonderland42
	status 0
done
# ... and 1 where it does: GRE blocked, real losses, a wrong password, weak or clear-text authentication/keys
for c in gre-blocked wrong-password mschapv1-mppe128 mschapv2-mppe40 pap-noenc; do
	run "captures/real/$c.pcap" --password wonderland42
	status 1
done
# a window every real peer ignores is reported (info), not a fault
run captures/real/mschapv2-mppe128.pcap
rule gre.window.exceeded
jqall '[.[] | select(.type == "finding" and .rule == "gre.window.exceeded")] | all(.severity == "info")'
# a plain session has none of the point 7 extras in its JSON, and its control messages as the report counts them
jqall '[.[] | select(.type == "call")] | all(has("lm_zeroed") or has("eap_nak") or has("callback_pns") or has("callback_pac") or has("cbcp_pns") or has("cbcp_pac") or has("set_link_info") | not)'
jqall '[.[] | select(.type == "connection")][0].control == {"SCCRQ": 1, "SCCRP": 1, "OCRQ": 1, "OCRP": 1, "CCRQ": 1}'

# ---- point 3: roles and links come from every clue ----
# Set-Link-Info, WAN-Error-Notify, Call-Clear-Request and Call-Disconnect-Notify link a call set up before
# the capture to its control connection; the teardown is reported
run t-midsession-teardown
jqall '[.[] | select(.type == "call")] | length == 1 and all(.conn == 1 and .pns_call_id == 1 and .pac_call_id == 7 and .up == true)'
says "ended: Call-Clear-Request from the PNS (packet 7); Call-Disconnect-Notify (packet 8) result 4 (Request)"
norule pptp.fsm.call_unknown
norule gre.call.no_control
norule gre.call.unknown
verdict ok
status 0
# GRE first, then the control messages that name the call: still one call
run t-midsession-gre-first
jqall '[.[] | select(.type == "call")] | length == 1 and all(.conn == 1 and .pns_call_id == 1 and .pac_call_id == 7)'
norule gre.call.no_control
verdict ok
# only the control channel, mid-session: the call is known from its messages
run t-midsession-control-only
jqall '[.[] | select(.type == "call")] | length == 1 and all(.conn == 1 and .pns_call_id == 1 and .pac_call_id == 7)'
verdict control-only
says "was set up before the capture started"
says "Set-Link-Info (send ACCM 0x00000000, receive ACCM 0xffffffff)"
jqall '[.[] | select(.type == "call")][0].set_link_info == {"send_accm": 0, "recv_accm": 4294967295}'
never "no call was placed"
never "got no reply"
never "blocked"
status 0
# verdicts list connections and calls in order
run captures/real/concurrent-3.pcap
jqall '[.[] | select(.type == "verdict") | [.conn, .call]] | . == sort'

# ---- point 2: a handshake alone is enough ----
# MS-CHAPv2 by its sizes (16-octet Challenge, 49-octet Response); the Challenge's sender is the authenticator
run t-handshake-mschapv2 --password clientPass
jqall '[.[] | select(.type == "call")][0] | .auth == "MS-CHAPv2" and .authenticator == "PAC" and .user == "User" and .password_check == "password verified" and .auth_result == "success"'
says "the capture holds only the authentication"
says 'MS-CHAPv2 user "User" accepted by the PAC (server) (password verified)'
for r in ppp.auth.protocol_mismatch ppp.auth.before_lcp_open ppp.chap.value_size ppp.chap.unsolicited auth.password.mismatch; do
	norule "$r"
done
verdict incomplete
status 0
# MS-CHAPv1 by its 8-octet Challenge and 24+24-octet Response
run t-handshake-mschapv1 --password secret
jqall '[.[] | select(.type == "call")][0] | .auth == "MS-CHAPv1" and .authenticator == "PAC" and .password_check == "password verified"'
norule ppp.auth.protocol_mismatch
norule ppp.chap.value_size
# CHAP-MD5 by its 16-octet Response; a wrong password is told
run t-handshake-md5 --password secret
jqall '[.[] | select(.type == "call")][0] | .auth == "CHAP-MD5" and .authenticator == "PAC" and .password_check == "password verified"'
norule ppp.auth.protocol_mismatch
run t-handshake-md5 --password wrong
rule auth.password.mismatch
says "the password given does not match"

# ---- point 7: losses and everything negotiated are in the verdict and the report ----
run t-negotiated-extras --password secret
says "1 of 11 PNS->PAC packets lost (9%)"
nrule gre.seq.gap 1
norule mppe.coherency.jump
says "the PAC offered EAP; the PNS Nak'd it and asked for MS-CHAPv1"
says "the PNS asked for LCP Callback (operation 6) and sent 1 CBCP frame"
says "LM response zeroed (NT response only)"
says "Set-Link-Info: send ACCM 0x00000000, receive ACCM 0x00000000"
says "control    SCCRQ 1, SCCRP 1, StopCCRQ 1, StopCCRP 1, OCRQ 1, OCRP 1, CCRQ 1, CDN 1, SLI 1"
# the same extras in the JSON (docs/json.md: connection.control, call.eap_nak, call.set_link_info)
jqall '[.[] | select(.type == "call")] | length == 1 and (.[0] | .callback_pns == 6 and .cbcp_pns == 1 and (has("callback_pac") or has("cbcp_pac") | not) and .lm_zeroed == true and .eap_nak == {"offered_by": "PAC", "naked_by": "PNS", "asked": "MS-CHAPv1"} and .set_link_info == {"send_accm": 0, "recv_accm": 0})'
jqall '[.[] | select(.type == "connection")] | length == 1 and .[0].control == {"SCCRQ": 1, "SCCRP": 1, "StopCCRQ": 1, "StopCCRP": 1, "OCRQ": 1, "OCRP": 1, "CCRQ": 1, "CDN": 1, "SLI": 1}'
# an EAP offer answered with a Configure-Reject (RFC 1661 5.4): in the report and the JSON, with the Reject's packet
run a-eap-reject
says "auth offer the PAC offered EAP; the PNS Configure-Rejected it (packet 11)"
jqall '[.[] | select(.type == "call")] | length == 1 and .[0].eap_reject == {"offered_by": "PAC", "rejected_by": "PNS", "packet": 11} and (.[0] | has("eap_nak") | not)'
run t-negotiated-extras --password secret
never "Configure-Rejected it"
jqall '[.[] | select(.type == "call") | has("eap_reject")] | all | not'
# one loss is one finding: the lab's 10 % loss is gre.seq.gap alone, and the verdict counts it
run captures/real/loss-10pct.pcap --password wonderland42
says "6 of 55 PNS->PAC packets lost (11%), 3 of 58 PAC->PNS packets lost (5%)"
norule mppe.coherency.jump
rule gre.seq.gap
# an MPPE count that jumps with no GRE gap is the MPPE layer's own loss
run t-mppe-jump --password clientPass
rule mppe.coherency.jump
norule gre.seq.gap

# ---- point 6: tunnels inside tunnels ----
# mpls_wrap IN OUT: the Ethernet capture IN with an MPLS label (16, bottom of stack, TTL 64; RFC 3032 2.1) put in
# front of every IPv4/IPv6 frame (EtherType 0x8847), written to OUT; pcap little-endian, as mkcap writes.
mpls_wrap() {
	od -An -v -tx1 "$1" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function h2d(x) { return index("0123456789abcdef", substr(x, 1, 1)) * 16 + index("0123456789abcdef", substr(x, 2, 1)) - 17 }
	function out(x) { line = line sprintf("\\%03o", h2d(x)) }
	function le(v,   k) { for (k = 0; k < 4; k++) { out(sprintf("%02x", v % 256)); v = int(v / 256) } }
	function flush() { print line; line = "" }
	END {
		for (p = 0; p < 24; p++) out(b[p])
		flush()
		while (p + 16 <= n) {
			incl = h2d(b[p + 8]) + h2d(b[p + 9]) * 256 + h2d(b[p + 10]) * 65536
			orig = h2d(b[p + 12]) + h2d(b[p + 13]) * 256 + h2d(b[p + 14]) * 65536
			et = b[p + 16 + 12] b[p + 16 + 13]
			ip = incl >= 14 && (et == "0800" || et == "86dd")
			for (q = 0; q < 8; q++) out(b[p + q])
			le(incl + (ip ? 4 : 0)); le(orig + (ip ? 4 : 0))
			p += 16
			for (q = 0; q < 12 && q < incl; q++) out(b[p + q])
			if (ip) { out("88"); out("47"); out("00"); out("01"); out("01"); out("40"); q = 14 }
			for (; q < incl; q++) out(b[p + q])
			p += incl
			flush()
		}
	}' | while IFS= read -r l; do printf "$l"; done >"$2"
}
# IPv4 in IPv6 (Next Header 4) and IPv6 in IPv4 (protocol 41): the PPTP inside is analysed as without them
run t-ipv4-in-ipv6 --password secret
verdict ok
says 'PAP user "alice" (password verified)'
says "PNS 192.0.2.2:40002, PAC 192.0.2.1:1723"
jqall '[.[] | select(.type == "capture")][0] | .connections == 1 and .calls == 1'
run t-ipv6-in-ipv4 --password secret
verdict ok
says "PNS [2001:db8::2]:40004, PAC [2001:db8::1]:1723"
norule cap.ipv4.bad_checksum
# MPLS in front of IP (a label stack on Ethernet): made here from clean-pap by inserting a label in every frame
mpls_wrap build/captures/clean-pap.pcap "$tmp/mpls.pcap"
run "$tmp/mpls.pcap" --password secret
verdict ok
says 'PAP user "alice" (password verified)'
# 802.1Q and QinQ
run link-vlan
verdict ok
run link-qinq
verdict ok
# ---- point 1 again: a capture that starts in the middle of LCP ----
run t-midlcp
norule ppp.cp.unsolicited_reply
norule ppp.lcp.ncp_before_open
norule ppp.negotiation.not_captured
says "LCP        opened"
verdict ok
status 0
# with the call's start in the capture, an Ack of no request stays a fault of its sender
run r-ppp-cp-negotiation
rule ppp.cp.unsolicited_reply


# ---- point 10: the verdict is a table; every code it can write has a test ----
cur=list-verdicts
"$A" --list-verdicts >"$tmp/rows" 2>&1
if [ "$(wc -l <"$tmp/rows")" -ge 15 ]; then ok; else ko "--list-verdicts printed $(wc -l <"$tmp/rows") rows"; fi
for c in $(cut -c1-40 "$tmp/rows" | tr ',' ' '); do
	if awk -v c="$c" '$2 == c { f = 1 } END { exit !f }' tests/verdicts/LIST ||
		grep -q "^verdict $c\$\|\"$c\"" tests/analyzer/truth.sh; then ok; else ko "verdict code $c has no test (tests/verdicts/LIST, truth.sh)"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
