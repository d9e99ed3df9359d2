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

# ---- agreement with pptp-analyze --json: the same findings on the same packets, every capture ----
# Both get the same password: the lab's for real captures, for a crafted one the first password its source
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
	PPTP_PASSWORD=$2 "$ANALYZE" --json --fail-on none "$1" 2>/dev/null >"$3.json"
	jq -s '[.[] | select(.type == "call") | .decrypted] | add // 0' "$3.json" >"$3"
	jq -r 'select(.type == "finding") | "\(.packet) \(.rule)"' "$3.json" |
		grep -v " cap\.\(ip\|ipv4\|ipv6\|frag\|frame\)" | sort -n -k1,1 -s
	rm -f "$3.json"
}
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
