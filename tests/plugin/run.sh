#!/bin/sh
# tests/plugin/run.sh: the Wireshark plugin (dissector/) under tshark 4.0, unprivileged, loaded from the build folder:
# it loads; decrypted packets match the golden files in one pass and in two; every MPPE data packet of every real
# capture decrypts with the right password (password or NT hash) and none with a wrong one; the credential check
# shows on the authentication packets; the findings, packet by packet, equal pptp-analyze --json on every capture.
# Prints "N passed, N failed" last; exit 1 on any failure.  Without tshark or the plugin it FAILS, saying why.
: "${PT_TOP:=.}" "${SAN:=build/san}"
. "$PT_TOP/tests/plugin/lib.sh"
cd "$PT_TOP" || exit 1
EXP=tests/plugin/expected
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
out=$(mktemp)
out2=$(mktemp)
trap 'rm -f "$out" "$out2" "$out.a" "$out.p" "$out.da" "$out.dp"; ts_cleanup' EXIT
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

# ---- prerequisites: missing ones are failures, not skips ----
if ! command -v tshark >/dev/null 2>&1; then
	ko "tshark is not installed (make deps installs tshark wireshark-dev libwireshark-dev)"
	finish
fi
if ! pkg-config --exists wireshark 2>/dev/null; then
	ko "wireshark-dev is not installed: the plugin cannot be built (make deps)"
	finish
fi
if [ ! -f "$PLUGIN_SO" ]; then
	ko "$PLUGIN_SO not built (make plugin)"
	finish
fi
if [ -x bin/pptp-analyze ]; then ANALYZE=bin/pptp-analyze; else ANALYZE=$SAN/pptp-analyze; fi
if [ ! -x "$ANALYZE" ] || ! command -v jq >/dev/null 2>&1; then
	ko "the agreement test needs pptp-analyze and jq (make; make deps)"
	finish
fi
ts_setup || { ko "cannot make the private plugin folder"; finish; }

# ---- it loads ----
if ts_raw -G plugins 2>/dev/null | grep -q '^pptpsuite\.so'; then ok; else ko "tshark -G plugins does not list pptpsuite.so"; fi
if ts_raw -G fields 2>/dev/null | awk -F'\t' '$1 == "F" {print $3}' | grep -qx 'pptpsuite.mppe.coherency'; then ok
else ko "field pptpsuite.mppe.coherency not registered"; fi
# every field of the plugin is documented in docs/wireshark.md
undoc=$(ts_raw -G fields 2>/dev/null | awk -F'\t' '$1 == "F" && $3 ~ /^pptpsuite\./ && $3 !~ /^pptpsuite\.expert\./ {print $3}' |
	while read -r f; do grep -q "\`$f\`" docs/wireshark.md || printf '%s ' "$f"; done)
if [ -z "$undoc" ]; then ok; else ko "fields not in docs/wireshark.md: $undoc"; fi
# tshark -z expert lists the findings under the protocol pptpsuite
n=$(ts captures/real/loss-10pct.pcap -o "$CRED_RIGHT" -q -z expert 2>/dev/null | grep -c ' pptpsuite ')
if [ "$n" -gt 0 ]; then ok; else ko "tshark -z expert lists no pptpsuite item"; fi

# ---- decrypted inner packets: golden files, one pass and two ----
for cap in $(real_captures); do
	name=$(basename "$cap" .pcap)
	[ -f "$EXP/$name.decrypted" ] || continue
	decrypted "$cap" >"$out" 2>/dev/null
	if cmp -s "$out" "$EXP/$name.decrypted"; then ok; else
		ko "$name: decrypted packets differ from $EXP/$name.decrypted (tests/plugin/regen.sh)"
		diff "$EXP/$name.decrypted" "$out" | head -5
	fi
	decrypted "$cap" -2 >"$out2" 2>/dev/null
	if cmp -s "$out" "$out2"; then ok; else
		ko "$name: two-pass (-2) decrypted packets differ from one pass"
		diff "$out" "$out2" | head -5
	fi
done

# ---- every MPPE data packet decrypts with the right credentials, none with a wrong password ----
# An MPPE data packet is a frame with the MPPE header, not the copy of one inside an ICMP error.  Excused: in stateful mode, the packets
# between a loss (rule mppe.stateful.loss) and the sender's next FLUSHED packet, which RFC 3078 8.2 makes undecryptable.
count_mppe() { # count_mppe CAPTURE CRED [-2]: "mppe decrypted excused"
	_c=$1 _cred=$2
	shift 2
	ts "$_c" -o "$_cred" "$@" -Y 'pptpsuite.mppe.coherency && !(frame.protocols matches "icmp(v6)?:ipv?6?:gre")' -T fields -E separator='|' \
		-e ip.src -e ipv6.src -e pptpsuite.decrypted -e pptpsuite.mppe.flushed -e pptpsuite.rule 2>/dev/null |
		awk -F'|' '{
			src = $1 $2; sub(/,.*/, "", src); n++
			if ($5 ~ /mppe\.stateful\.loss/) lost[src] = 1
			if ($4 == "1") lost[src] = 0
			if ($3 == "1") d++; else if (lost[src]) x++
		} END { printf "%d %d %d\n", n, d, x }'
}
for cap in $(real_captures); do
	name=$(basename "$cap" .pcap)
	set -- $(count_mppe "$cap" "$CRED_RIGHT" -2)
	n=$1 d=$2 x=$3
	if [ "$n" -eq 0 ]; then
		ok   # no MPPE in this session (refused, not negotiated, no call)
	elif [ $((d + x)) -eq "$n" ]; then ok; else
		ko "$name: $d of $n MPPE data packets decrypted ($x excused after stateful loss)"
	fi
	echo "  $name: $n MPPE data packets, $d decrypted, $x undecryptable after a stateful loss"
	[ "$n" -eq 0 ] && continue
	set -- $(count_mppe "$cap" "$CRED_HASH" -2)
	if [ "$2" -eq "$d" ]; then ok; else ko "$name: NT hash decrypts $2 packets, the password $d"; fi
	set -- $(count_mppe "$cap" "$CRED_WRONG")
	if [ "$2" -eq 0 ]; then ok; else ko "$name: $2 packets decrypted with a wrong password"; fi
done
# inner IP: every decrypted frame of a real capture is an IPv4 or IPv6 packet to Wireshark's own dissectors
for cap in $(real_captures); do
	name=$(basename "$cap" .pcap)
	bad=$(ts "$cap" -o "$CRED_RIGHT" -Y 'pptpsuite.decrypted == 1 && !(ppp.protocol == 0x0021 || ppp.protocol == 0x0057)' \
		2>/dev/null | wc -l)
	if [ "$bad" -eq 0 ]; then ok; else ko "$name: $bad decrypted frames are not IP"; fi
done

# ---- the credential check on the authentication packets ----
auth() { # auth CAPTURE CRED: "frame verified check" lines
	ts "$1" -o "$2" -Y 'pptpsuite.auth.check' -T fields -E separator='|' -e frame.number -e pptpsuite.auth.verified \
		-e pptpsuite.auth.check -e pptpsuite.auth.user 2>/dev/null
}
check_auth() { # check_auth CAPTURE CRED WANT_VERIFIED WANT_CHECK
	auth "$1" "$2" >"$out"
	if [ -s "$out" ] && awk -F'|' -v v="$3" -v c="$4" '$2 != v || $3 != c || $4 != "alice" { bad = 1 } END { exit bad }' "$out"
	then ok; else
		ko "$(basename "$1"): expected auth.verified=$3 \"$4\" for alice on the authentication packets, got:"
		sed 's/^/    /' "$out" | head -5
	fi
}
check_auth captures/real/mschapv2-mppe128.pcap "$CRED_RIGHT" 1 "password verified"
check_auth captures/real/mschapv2-mppe128.pcap "$CRED_WRONG" 0 "wrong password"
check_auth captures/real/mschapv2-mppe128.pcap "$CRED_HASH" 1 "password verified"
check_auth captures/real/mschapv1-mppe128.pcap "$CRED_RIGHT" 1 "password verified"
check_auth captures/real/pap-noenc.pcap "$CRED_RIGHT" 1 "password verified"
check_auth captures/real/chap-md5-noenc.pcap "$CRED_RIGHT" 1 "password verified"
# the client of this session sent another password: the lab one is wrong for it
check_auth captures/real/wrong-password.pcap "$CRED_RIGHT" 0 "wrong password"

# ---- the security audit (lib/auditor, preference pptpsuite.audit): expert items on the audit's crafted captures ----
# tshark -2 -z expert lists, under group Security, the audit.* items pptp-analyze --audit --json finds, rule for rule
# and count for count; single pass (no -2) lists none (they are made at the end of the sequential pass); with the
# preference off there are none; the messages read as the analyzer's.
expert_audit() { # expert_audit CAPTURE [tshark options]: "count rule" lines of the audit.* items of -z expert
	_c=$1
	shift
	ts "$_c" -q -z expert "$@" 2>/dev/null | awk '$2 == "Security" && $3 == "pptpsuite" && $4 ~ /^audit\./ { sub(/:$/, "", $4); n[$4] += $1 }
		END { for (r in n) print n[r], r }' | sort -k2
}
analyzer_audit() { # analyzer_audit CAPTURE: the same from pptp-analyze --audit --json
	"$ANALYZE" --audit --json --fail-on none "$1" 2>/dev/null | jq -r 'select(.type == "finding") | .rule' |
		grep '^audit\.' | sort | uniq -c | awk '{ print $1, $2 }' | sort -k2
}
naudit=0
for cap in build/captures/a-*.pcap build/captures/clean-pap.pcap build/captures/clean-mschapv2.pcap \
	build/captures/t-negotiated-extras.pcap captures/real/pap-noenc.pcap captures/real/mschapv2-mppe128.pcap; do
	[ -f "$cap" ] || { ko "$cap missing (make captures)"; continue; }
	analyzer_audit "$cap" >"$out.a"
	expert_audit "$cap" -2 >"$out.p"
	naudit=$((naudit + $(awk '{ n += $1 } END { print n + 0 }' "$out.a")))
	if [ -s "$out.a" ] || case $cap in *clean*) true ;; *) false ;; esac; then ok; else ko "$cap: pptp-analyze --audit finds no audit.* item"; fi
	if cmp -s "$out.a" "$out.p"; then ok; else
		ko "$cap: audit items differ (< pptp-analyze --audit, > tshark -2 -z expert)"
		diff "$out.a" "$out.p" | head -6
	fi
	expert_audit "$cap" -2 -o pptpsuite.audit:FALSE >"$out.p"
	if [ ! -s "$out.p" ]; then ok; else ko "$cap: audit items with pptpsuite.audit:FALSE: $(head -1 "$out.p")"; fi
done
echo "  audit: $naudit audit findings of pptp-analyze --audit listed by tshark -z expert"
[ "$naudit" -gt 0 ] || ko "no audit findings compared"
# the messages: the plugin's text is lib/auditor's, as pptp-analyze prints it
audit_msg() { # audit_msg NAME CAPTURE PATTERN [tshark options]
	_n=$1 _c=$2 _pat=$3
	shift 3
	if ts "$_c" -2 -q -z expert "$@" 2>/dev/null | grep -Eq -- "$_pat"; then ok; else ko "$_n: no /$_pat/ in tshark -2 -z expert on $_c"; fi
}
audit_msg eap-reject build/captures/a-eap-reject.pcap 'Security +pptpsuite +audit.auth.eap_downgrade: call 1: the PAC offered EAP; the PNS Configure-Rejected the Authentication-Protocol option \(packet 11\) and MS-CHAPv2 was negotiated instead'
audit_msg eap-reject-none build/captures/a-eap-reject-none.pcap 'audit.auth.eap_downgrade: .*Configure-Rejected the Authentication-Protocol option \(packet 11\) and LCP opened with no authentication'
audit_msg eap-nak build/captures/t-negotiated-extras.pcap 'audit.auth.eap_downgrade: call 1: the PAC offered EAP; the PNS refused it and asked for MS-CHAPv1 instead'
# (-z expert cuts a summary at 256 characters: the whole message is the finding's pptpsuite.message)
audit_msg filter build/captures/a-filter-open.pcap 'audit.filter.other_traffic: server 192.0.2.1: UDP 192.0.2.2:40000 > 192.0.2.1:161 \(1 packet\), TCP 192.0.2.2:50000 > 192.0.2.1:22 '
f=$(ts build/captures/a-filter-open.pcap -2 -Y 'pptpsuite.rule == "audit.filter.other_traffic"' -T fields -e frame.number -e pptpsuite.message 2>/dev/null)
case $f in "32	server 192.0.2.1: UDP"*"3 flows, 3 packets besides TCP 1723 and GRE: the server answers on other ports") ok ;;
*) ko "filter: not on frame 32 (the first other packet) with the whole message: $f" ;; esac
f=$(ts build/captures/a-filter-open6.pcap -2 -Y 'pptpsuite.rule == "audit.filter.other_traffic"' -T fields -e frame.number -e pptpsuite.message 2>/dev/null)
case $f in "29	server 2001:db8::1: ICMPv6 2001:db8::2 > 2001:db8::1 (1 packet), ICMPv6 2001:db8::1 > 2001:db8::2 (1 packet), UDP [2001:db8::2]:40001 > [2001:db8::1]:53 (1 packet); 3 flows, 3 packets"*) ok ;;
*) ko "filter6: IPv6 flows (ICMPv6, UDP behind Hop-by-Hop, not the ICMPv6 error about GRE) not as pptp-analyze counts them: $f" ;; esac
audit_msg guessing build/captures/a-auth-guessing.pcap 'audit.auth.guessing: 6 authentication failures for user "admin" within 25.0 s'
audit_msg guessing-pref build/captures/a-auth-guessing.pcap 'audit.auth.guessing: 3 authentication failures for user "admin" within 10.0 s' \
	-o pptpsuite.audit_guess_window:10 -o pptpsuite.audit_guess_failures:3
n=$(expert_audit build/captures/a-auth-guessing.pcap -2 -o pptpsuite.audit_guess_failures:7 | wc -l)
if [ "$n" -eq 0 ]; then ok; else ko "guessing: reported at 6 failures with pptpsuite.audit_guess_failures:7"; fi
audit_msg lm build/captures/a-mschapv1-lm.pcap 'audit.mschapv1.lm_present: MS-CHAPv1 response of user "alice" carries a LAN Manager response'
audit_msg v2-captured captures/real/mschapv2-mppe128.pcap 'audit.mschapv2.captured: MS-CHAPv2 handshake of user "alice" captured'
audit_msg no-enc captures/real/pap-noenc.pcap 'audit.encryption.none: call 1: no MPPE negotiated'
# the finding names its frame, with the advice beside it (pptpsuite.advice)
f=$(ts build/captures/a-eap-reject.pcap -2 -Y 'pptpsuite.rule == "audit.auth.eap_downgrade"' -T fields -e frame.number -e pptpsuite.advice 2>/dev/null)
case $f in "13	refuse the weaker methods on the side that offers EAP"*) ok ;; *) ko "eap-reject: the finding is not on frame 13 (the Configure-Ack) with its advice: $f" ;; esac
# one pass: the audit speaks at the end of the sequential pass, which a single pass has no frame left for
n=$(expert_audit build/captures/a-eap-reject.pcap | wc -l)
if [ "$n" -eq 0 ]; then ok; else ko "one-pass tshark lists audit items: the docs say it does not"; fi

# ---- agreement with pptp-analyze --json: the same findings on the same packets, every capture ----
# pptp-analyze runs with --audit, as the plugin's audit preference is on by default.  Both get the same password: the lab's for real captures, for a crafted one the first password its source
# (captures/crafted/NAME.txt) puts in a response, for any user.  pptp-analyze lists at most 20 findings of one rule
# per (connection, call); the plugin's list is cut the same way.  Findings of pptp-analyze's own frame and IP layers
# (cap.frame*, cap.ip*, cap.frag*) are left out: in Wireshark those layers are Wireshark's (and
# tests/plugin/AGREE-EXCEPT lists captures that test only them).  Two-pass: the end-of-capture findings (calls never
# cleared ...) exist once the first pass is over; a single pass shows the others, which must be a subset.  The
# number of frames decrypted must agree too.
password_for() { # password_for CAPTURE
	_src=captures/crafted/$(basename "$1" .pcap).txt
	_pw=
	case $1 in build/captures/*) [ -f "$_src" ] && _pw=$(grep -o 'password="[^"\\]*"' "$_src" | head -1 | cut -d'"' -f2) ;; esac
	echo "${_pw:-$LAB_PASSWORD}"
}
plugin_findings() { # plugin_findings CAPTURE PASSWORD DECRYPTED_COUNT_FILE [-2]
	_c=$1 _pw=$2 _dec=$3
	shift 3
	ts "$_c" -o "uat:pptpsuite_credentials:\"\",\"$_pw\",\"\"" "$@" -Y 'pptpsuite.rule || pptpsuite.decrypted == 1' \
		-T fields -E separator='|' -e frame.number -e pptpsuite.rule -e pptpsuite.conn -e pptpsuite.call \
		-e pptpsuite.decrypted 2>/dev/null |
		awk -F'|' -v dec="$_dec" '
		$5 == "1" { d++ }
		$2 != "" { n = split($2, r, ","); split($3, c, ","); split($4, k, ",")
		           for (i = 1; i <= n; i++) if (++seen[r[i] " " c[i] " " k[i]] <= 20) print $1, r[i] }
		END { print d + 0 > dec }' | sort -n -k1,1 -s
}
analyzer_findings() { # analyzer_findings CAPTURE PASSWORD DECRYPTED_COUNT_FILE
	# shellcheck disable=SC2086
	PPTP_PASSWORD=$2 "$ANALYZE" --json $AGREE_AUDIT --fail-on none "$1" 2>/dev/null >"$3.json"
	jq -s '[.[] | select(.type == "call") | .decrypted] | add // 0' "$3.json" >"$3"
	jq -r 'select(.type == "finding") | "\(.packet) \(.rule)"' "$3.json" |
		grep -v " cap\.\(ip\|ipv4\|ipv6\|frag\|frame\)" | sort -n -k1,1 -s
	rm -f "$3.json"
}
AGREE_AUDIT=--audit
ncaps=0
nfind=0
ndec=0
except=$(grep -v "^#" tests/plugin/AGREE-EXCEPT 2>/dev/null | awk "{print \$1}" | tr "\n" " ")
for cap in $(real_captures) build/captures/*.pcap; do
	[ -f "$cap" ] || continue
	case " $except " in *" $(basename "$cap") "*) continue ;; esac
	ncaps=$((ncaps + 1))
	pw=$(password_for "$cap")
	analyzer_findings "$cap" "$pw" "$out.da" >"$out.a"
	plugin_findings "$cap" "$pw" "$out.dp" -2 >"$out.p"
	nfind=$((nfind + $(wc -l <"$out.a")))
	if cmp -s "$out.a" "$out.p"; then ok; else
		ko "$cap: findings differ (< pptp-analyze --json, > plugin, two-pass)"
		diff "$out.a" "$out.p" | head -6
	fi
	if [ "$(cat "$out.da")" = "$(cat "$out.dp")" ]; then ok; else
		ko "$cap: pptp-analyze decrypted $(cat "$out.da") frames, the plugin $(cat "$out.dp")"
	fi
	ndec=$((ndec + $(cat "$out.dp")))
	plugin_findings "$cap" "$pw" "$out.dp" | sort >"$out2"
	sort "$out.p" >"$out.a"
	if [ -z "$(comm -23 "$out2" "$out.a")" ]; then ok; else
		ko "$cap: one-pass findings not among the two-pass ones"
	fi
done
echo "  agreement: $ncaps captures, $nfind findings and $ndec decrypted frames of pptp-analyze compared"
# and with the audit off on both sides (pptp-analyze without --audit, the plugin with pptpsuite.audit:FALSE)
AGREE_AUDIT=
for cap in build/captures/a-*.pcap build/captures/clean-pap.pcap captures/real/pap-noenc.pcap; do
	pw=$(password_for "$cap")
	analyzer_findings "$cap" "$pw" "$out.da" >"$out.a"
	plugin_findings "$cap" "$pw" "$out.dp" -2 -o pptpsuite.audit:FALSE >"$out.p"
	if cmp -s "$out.a" "$out.p"; then ok; else
		ko "$cap: findings differ with the audit off (< pptp-analyze --json, > plugin with pptpsuite.audit:FALSE)"
		diff "$out.a" "$out.p" | head -6
	fi
done
[ "$ncaps" -gt 0 ] || ko "no captures (make captures)"

# ---- never a crash, on any capture, with or without credentials; no PPTP, no pptpsuite ----
# All captures one after the other in one file (one tshark start instead of one per capture; the model sees them
# all), with -V, without and with credentials, one pass and two; on failure each capture alone names the culprit.
all=$(mktemp)
# shellcheck disable=SC2046
mergecap -a -F pcapng -w "$all" $(real_captures) build/captures/*.pcap 2>/dev/null
no_bug() { ts "$@" -V >"$out" 2>&1 && ! grep -qi "dissector bug" "$out"; }
if no_bug "$all" && no_bug "$all" -2 -o "$CRED_RIGHT"; then ok; else
	ko "tshark -V failed or reported a dissector bug on the captures merged"
	grep -i -m3 "dissector bug" "$out"
	for cap in $(real_captures) build/captures/*.pcap; do
		no_bug "$cap" -o "$CRED_RIGHT" || echo "    $cap"
	done
fi
rm -f "$all"
n=$(ts captures/real/mschapv2-mppe128.inner.pcap -Y pptpsuite 2>/dev/null | wc -l)
if [ "$n" -eq 0 ]; then ok; else ko "a capture without PPTP shows $n pptpsuite frames"; fi

finish
