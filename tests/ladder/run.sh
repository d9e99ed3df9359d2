#!/bin/sh
# tests/ladder/run.sh: the pictures (issue 24 part 4).  pptp-analyze --ladder on the golden list (byte for byte),
# what each picture must and must not show (arrows in order, each finding on the arrow of its packet), the bounds
# (arrows per session, sessions), --svg: well-formed XML, hostile names escaped, rendered by headless Chromium and
# not blank; pptp-conform --svg-dir: the picture of a failed scenario against a fake server names the rule it broke.
# Prints one line per check and "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 1
A=$PWD/$SAN/pptp-analyze
C=$PWD/$SAN/pptp-conform
MKCAP=$PWD/$SAN/mkcap
export TZ=UTC LC_ALL=C
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'wonderland42\n' >"$tmp/pw"
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }

# ---- 1. golden text ladders ----
grep -v '^#' tests/ladder/list >"$tmp/list"
while read -r name cap opts; do
	[ -n "$name" ] || continue
	opts=$(printf '%s' "$opts" | sed "s|@PW@|$tmp/pw|g")
	# shellcheck disable=SC2086
	"$A" --ladder $opts "$cap" >"$tmp/$name.txt" 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -gt 1 ]; then
		ko "golden $name: exit $rc ($(head -2 "$tmp/$name.err" | tr '\n' ' '))"
	elif cmp -s "$tmp/$name.txt" "tests/ladder/expected/$name.txt"; then
		ok "golden $name"
	else
		ko "golden $name: differs from tests/ladder/expected/$name.txt"
		diff "tests/ladder/expected/$name.txt" "$tmp/$name.txt" | head -20
	fi
done <"$tmp/list"

# in_order FILE ERE...: each pattern matches a line after the line the one before it matched
in_order() {
	f=$1
	shift
	printf '%s\n' "$@" >"$tmp/patterns"
	awk 'NR == FNR { p[++n] = $0; next }
		k < n && $0 ~ p[k + 1] { k++ }
		END { if (k < n) { print "missing, in order: " p[k + 1]; exit 1 } }' "$tmp/patterns" "$f"
}
# on_arrow FILE ARROW-ERE FINDING-ERE: the finding is on the first line matching the arrow or the lines that
# continue it (no time, only the lifelines)
on_arrow() {
	awk -v a="$2" -v fd="$3" '
		!in_a && !done && $0 ~ a { in_a = 1; if ($0 ~ fd) found = 1; next }
		in_a && /^  +\|/ { if ($0 ~ fd) found = 1; next }
		in_a { in_a = 0; done = 1 }
		END { if (!found) { print "not on the arrow /" a "/: " fd; exit 1 } }' "$1"
}
check() { # check NAME COMMAND...
	n=$1
	shift
	if msg=$("$@" 2>&1); then ok "$n"; else ko "$n: $msg"; fi
}
count() { grep -c -- "$2" "$1"; }

# ---- 2. what the pictures show ----
T=$tmp/mschapv2-mppe128.txt
check "complete session: the arrows in order" in_order "$T" \
	'\|-- SCCRQ host="local"' '\|<-.* SCCRP result=Successful' '\|-- OCRQ call=59063' '\|<-.* OCRP call=0 peer=59063 result=Connected' \
	'\|-- LCP Conf-Req MRU=1400 -' '\|<-.* LCP Conf-Req MRU=1400 Auth=MS-CHAPv2 --\|' '\|-- LCP Conf-Ack MRU=1400 Auth=MS-CHAPv2' \
	'\|<-.* MS-CHAPv2 Challenge pptpd' '\|-- MS-CHAPv2 Response alice' '\|<-.* MS-CHAPv2 Success' \
	'\|-- CCP Conf-Req MPPE-128 stateless' '\|<-.* CCP Conf-Ack MPPE-128 stateless' '\|-- IPCP Conf-Req IP=0.0.0.0' \
	'\|<-.* IPCP Conf-Nak IP=10.0.0.2' '\|-- first data: MPPE' '\|<-.* first data: MPPE' '[0-9]+ data frames \(PNS>PAC' \
	'\|-- LCP Term-Req "MPPE disabled"' '\|<-.* LCP Term-Ack' '\|-- CCRQ call=59063' '\|-- TCP FIN'
check "complete session: the lifelines name both ends" grep -q 'PNS 192.0.2.2:36161 *PAC 192.0.2.1:1723$' "$T"
check "complete session: SCCRQ carries pptp.fsm.pns_max_channels" on_arrow "$T" '\|-- SCCRQ' '!! info pptp.fsm.pns_max_channels'
check "complete session: the PAC's CCP Conf-Ack carries mppe.key.unknown" on_arrow "$T" '\|<-.* CCP Conf-Ack' '!! info mppe.key.unknown'
check "complete session: the close's findings on the TCP FIN" on_arrow "$T" '\|-- TCP FIN' 'pptp.fsm.conn_not_stopped'
check "complete session: the first data frame of each direction, once" test "$(count "$T" 'first data:')" -eq 2
n=$(grep -c '#[0-9]' "$T")
check "complete session: data frames summarised ($n arrows for 145 packets)" test "$n" -lt 60
check "complete session: no finding on an arrow it does not belong to" sh -c "! grep -E 'LCP Conf-Req MRU=1400 Auth.*!!|IPCP.*!!' '$T'"
T=$tmp/mschapv2-mppe128-decrypt.txt
check "decrypting: the first data is the inner packet" in_order "$T" '\|-- first data: IPv6 fe80::2858:bf91:813d:385c > ff02::2 ICMPv6' '\|<-.* first data: IPv6 fe80::e035:9a46:bc38:ebb > ff02::2 ICMPv6'
check "decrypting: the password is not in the picture" sh -c "! grep -q wonderland42 '$T'"
T=$tmp/wrong-password.txt
check "wrong password: Failure E=691 and the teardown" in_order "$T" '\|-- MS-CHAPv2 Response alice' '\|<-.* MS-CHAPv2 Failure E=691' \
	'\|-- LCP Term-Req "Failed to authenticate ourselves to peer"' '\|<-.* LCP Term-Req "Authentication failed"' '\|-- CCRQ' '\|-- TCP FIN'
check "wrong password: ppp.auth.failure on the Failure arrow" on_arrow "$T" 'MS-CHAPv2 Failure' '!! info ppp.auth.failure: PAC refused PNS: error 691'
check "wrong password: no CCP, no data" sh -c "! grep -E 'CCP|data' '$T'"
T=$tmp/gre-blocked.txt
check "gre-blocked: the error gre.call.one_way on the OCRP" on_arrow "$T" '\|<-.* OCRP' '!! error gre.call.one_way'
check "gre-blocked: six LCP Conf-Req from the PAC, none from the PNS" sh -c \
	"[ \$(grep -c '|<-.* LCP Conf-Req' '$T') -eq 6 ] && ! grep -q '|-- LCP' '$T'"
T=$tmp/bad-lcp-ack-differs.txt
check "crafted: ppp.cp.ack_differs on the PAC's Conf-Ack MRU=1500" on_arrow "$T" '\|<-.* LCP Conf-Ack MRU=1500' '!! error ppp.cp.ack_differs'
check "crafted: the PNS's Conf-Ack has no finding" sh -c "! grep -q 'LCP Conf-Ack MRU=1400 .*!!' '$T'"
check "crafted: the end of the capture's findings on the closing note" on_arrow "$T" 'capture ends, TCP connection open' 'pptp.fsm.call_not_cleared'
T=$tmp/r-gre-header.txt
check "crafted GRE: each header finding on its packet" sh -c "grep -q '#13 |-- GRE .*gre.hdr.payload_without_seq' '$T' &&
	grep -q '#24 |-- GRE seq=8 proto=0x0800.*gre.hdr.protocol' '$T' && grep -q '#16 |-- LCP Echo-Req.*gre.key.length_mismatch' '$T'"
check "crafted GRE: GRE without its control connection is a session of its own" grep -q 'session 2 (GRE of call 2 without its control connection): PNS 192.0.2.2 <-> PAC 192.0.2.1' "$T"
T=$tmp/concurrent-3.txt
check "three connections: three sessions" test "$(grep -c '^session [0-9]' "$T")" -eq 3

# ---- 3. bounds: arrows per session, sessions ----
{
	echo "link ether"
	echo "time 1700000000.000000"
	echo "conn c1 pns 192.0.2.2:40001 pac 192.0.2.1:1723"
	echo "call k1 c1 pns_call=1 pac_call=7"
	echo "+0.001 c1 handshake"
	echo "+0.002 c1 pns SCCRQ framing_cap=1 bearer_cap=1 max_channels=0 firmware_rev=0x0100 host_name=\"c\" vendor=\"v\""
	echo "+0.003 c1 pac SCCRP framing_cap=1 bearer_cap=1 max_channels=1 firmware_rev=0x0100 host_name=\"s\" vendor=\"v\""
	echo "+0.002 c1 pns OCRQ call_id=1 call_serial=1 min_bps=2400 max_bps=10000000 bearer_type=3 framing_type=3 recv_window=64 proc_delay=0"
	echo "+0.003 c1 pac OCRP call_id=7 peer_call_id=1 connect_speed=10000000 recv_window=64 proc_delay=0 channel_id=0"
	echo "+0.005 k1 pns lcp confreq id=1 mru=1400 magic=0x11223344"
	echo "+0.001 k1 pac lcp confreq id=1 mru=1400 magic=0x55667788"
	echo "+0.001 k1 pac lcp confack id=1 mru=1400 magic=0x11223344"
	echo "+0.001 k1 pns lcp confack id=1 mru=1400 magic=0x55667788"
	i=0
	while [ $i -lt 1500 ]; do
		echo "+0.01 k1 pns lcp echoreq id=$((i % 256)) magic=0x11223344"
		echo "+0.001 k1 pac lcp echorep id=$((i % 256)) magic=0x55667788"
		echo "+0.001 k1 pns ping src=10.0.0.2 dst=10.0.0.1 id=1 seq=$((i % 65536))"
		i=$((i + 1))
	done
	echo "+0.010 c1 pns CCRQ call_id=1"
	echo "+0.005 c1 pac CDN call_id=7 result=4"
	echo "+0.010 c1 pns StopCCRQ reason=1"
	echo "+0.005 c1 pac StopCCRP result=1"
	echo "+0.010 c1 pns fin"
	echo "+0.001 c1 pac fin"
} >"$tmp/long.txt"
if "$MKCAP" -o "$tmp/long.pcap" "$tmp/long.txt" 2>"$tmp/long.err"; then
	t0=$(date +%s)
	timeout 60 "$A" --ladder "$tmp/long.pcap" >"$tmp/long.out" 2>&1
	t1=$(date +%s)
	n=$(grep -c '#[0-9]' "$tmp/long.out")
	check "4500 messages: at most 240 arrows drawn ($n, $((t1 - t0)) s)" test "$n" -le 240 -a "$n" -ge 120
	check "4500 messages: the picture says what it left out" grep -q '^ *| *\.\.\. [0-9]* messages, [0-9]* data frames.* not drawn (the picture keeps 240 arrows per session)' "$tmp/long.out"
	check "4500 messages: the start and the teardown are both drawn" in_order "$tmp/long.out" '\|-- SCCRQ' '\|-- LCP Conf-Req' 'not drawn' \
		'\|-- CCRQ call=1' '\|<-.* CDN call=7' '\|-- StopCCRQ' '\|<-.* StopCCRP' '\|-- TCP FIN'
else
	ko "long capture: mkcap failed ($(head -1 "$tmp/long.err"))"
fi
# 70 connections: mkcap takes 64 a file, so two files of 35 merged (the second starts 1 s later)
many() { # many PORT-BASE START-TIME
	echo "link ether"
	echo "time $2"
	i=1
	while [ $i -le 35 ]; do
		echo "conn c$i pns 192.0.2.2:$(($1 + i)) pac 192.0.2.1:1723"
		i=$((i + 1))
	done
	i=1
	while [ $i -le 35 ]; do
		echo "+0.001 c$i handshake"
		echo "+0.001 c$i pns SCCRQ framing_cap=1 bearer_cap=1 max_channels=0 firmware_rev=0x0100 host_name=\"c$i\" vendor=\"v\""
		echo "+0.001 c$i pac SCCRP framing_cap=1 bearer_cap=1 max_channels=1 firmware_rev=0x0100 host_name=\"s\" vendor=\"v\""
		i=$((i + 1))
	done
}
many 40000 1700000000.000000 >"$tmp/many1.txt"
many 41000 1700000001.000000 >"$tmp/many2.txt"
if "$MKCAP" -o "$tmp/many1.pcap" "$tmp/many1.txt" 2>"$tmp/many.err" && "$MKCAP" -o "$tmp/many2.pcap" "$tmp/many2.txt" 2>>"$tmp/many.err" &&
	mergecap -F pcap -w "$tmp/many.pcap" "$tmp/many1.pcap" "$tmp/many2.pcap" 2>>"$tmp/many.err"; then
	"$A" --ladder "$tmp/many.pcap" >"$tmp/many.out" 2>&1
	check "70 connections: 64 sessions drawn" test "$(grep -c '^session [0-9]' "$tmp/many.out")" -eq 64
	check "70 connections: the picture says 6 were left out" grep -q '^6 more sessions not drawn (the picture keeps 64)' "$tmp/many.out"
else
	ko "many sessions: mkcap failed ($(head -1 "$tmp/many.err"))"
fi

# ---- 4. SVG: well-formed, escaped, consistent with the text ----
have_xmllint=0
command -v xmllint >/dev/null 2>&1 && have_xmllint=1
[ $have_xmllint = 1 ] || ko "xmllint missing (make deps installs libxml2-utils)"
while read -r name cap opts; do
	[ -n "$name" ] || continue
	opts=$(printf '%s' "$opts" | sed "s|@PW@|$tmp/pw|g")
	# shellcheck disable=SC2086
	"$A" --svg "$tmp/$name.svg" $opts "$cap" >/dev/null 2>&1
	if [ ! -s "$tmp/$name.svg" ]; then
		ko "svg $name: not written"
	elif [ $have_xmllint = 1 ] && ! xmllint --noout "$tmp/$name.svg" 2>"$tmp/$name.xerr"; then
		ko "svg $name: not well-formed XML ($(head -2 "$tmp/$name.xerr" | tr '\n' ' '))"
	else
		# every arrow of the text ladder is a line with an arrowhead in the picture, each finding a text
		arrows=$(grep -c '^ *[-+][0-9.]* *#[0-9]* |' "$tmp/$name.txt")
		lines=$(grep -c 'marker-end=' "$tmp/$name.svg")
		finds=$(grep -c '!! ' "$tmp/$name.txt")
		sfinds=$(grep -c '>!! ' "$tmp/$name.svg")
		if [ "$arrows" = "$lines" ] && [ "$finds" = "$sfinds" ]; then
			ok "svg $name: well-formed, $lines arrows and $sfinds findings as in the text"
		else
			ko "svg $name: $lines arrows / $sfinds findings, the text has $arrows / $finds"
		fi
	fi
done <"$tmp/list"
S=$tmp/l-hostile-names.svg
check "hostile names: no markup of the capture's gets into the SVG" sh -c "[ \$(grep -c '<svg' '$S') -eq 1 ] && ! grep -q '<script\|<b>\|</text><script' '$S'"
check "hostile names: shown escaped" sh -c "grep -q 'host=&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;' '$S' &&
	grep -q 'MS-CHAPv2 Response &lt;script&gt;&amp;amp;bob' '$S' && grep -q 'srv&amp;&lt;b&gt;&#39;' '$S'"
check "svg: width and height computed from the content" sh -c "w=\$(sed -n 's/^<svg [^>]*width=\"\([0-9]*\)\".*/\1/p' '$tmp/mschapv2-mppe128.svg');
	h=\$(sed -n 's/^<svg [^>]*height=\"\([0-9]*\)\".*/\1/p' '$tmp/mschapv2-mppe128.svg');
	h3=\$(sed -n 's/^<svg [^>]*height=\"\([0-9]*\)\".*/\1/p' '$tmp/concurrent-3.svg');
	[ \"\$w\" -gt 800 ] && [ \"\$w\" -lt 4000 ] && [ \"\$h\" -gt 600 ] && [ \"\$h3\" -gt \$((h * 2)) ]"
check "svg: findings in the colour of their severity" sh -c "grep -q 'fill=\"#c62828\" font-weight=\"bold\">!! error gre.call.one_way' '$tmp/gre-blocked.svg' &&
	grep -q 'fill=\"#1565c0\">!! info pptp.fsm.pns_max_channels' '$tmp/gre-blocked.svg'"
"$A" --svg - captures/real/wrong-password.pcap >"$tmp/stdout.svg" 2>"$tmp/stdout.err"
check "--svg -: only the SVG on standard output" sh -c "head -1 '$tmp/stdout.svg' | grep -q '^<?xml' && tail -1 '$tmp/stdout.svg' | grep -q '^</svg>\$' &&
	{ [ $have_xmllint = 0 ] || xmllint --noout '$tmp/stdout.svg'; }"
"$A" --svg /nonexistent/dir/x.svg captures/real/wrong-password.pcap >/dev/null 2>"$tmp/bad.err"
rc=$?
check "--svg into a folder that is not there: exit 2, one line naming the file" sh -c "[ $rc -eq 2 ] && [ \$(wc -l <'$tmp/bad.err') -eq 1 ] &&
	grep -q '^pptp-analyze: /nonexistent/dir/x.svg: cannot write: No such file or directory\$' '$tmp/bad.err'"
"$A" --ladder -q captures/real/wrong-password.pcap >"$tmp/q.out" 2>&1
check "--ladder -q: nothing on standard output" test ! -s "$tmp/q.out"
"$A" --svg "$tmp/r.svg" captures/real/wrong-password.pcap >"$tmp/r.out" 2>&1
check "--svg FILE alone: the report is still written" grep -q '^  call 1 \[auth-failed\]' "$tmp/r.out"

# every capture of the tree (real and crafted: malformed messages, hostile fields): a picture, never a crash
n=0 bad=
for cap in captures/real/*.pcap build/captures/*.pcap; do
	[ -f "$cap" ] || continue
	n=$((n + 1))
	timeout 60 "$A" --ladder --svg "$tmp/any.svg" "$cap" >"$tmp/any.txt" 2>"$tmp/any.err"
	rc=$?
	if [ $rc -gt 1 ] && ! grep -q '^pptp-analyze: ' "$tmp/any.err"; then
		bad="$bad $cap(exit $rc)"
	elif [ $rc -le 1 ] && { [ ! -s "$tmp/any.txt" ] || { [ $have_xmllint = 1 ] && ! xmllint --noout "$tmp/any.svg" 2>/dev/null; }; }; then
		bad="$bad $cap(picture)"
	fi
done
if [ -z "$bad" ] && [ "$n" -gt 100 ]; then
	ok "every capture ($n): a ladder and a well-formed SVG, no crash"
else
	ko "every capture ($n):$bad"
fi

# ---- 5. rendered by headless Chromium: not blank, the error in red ----
CHROMIUM=$(command -v chromium || command -v chromium-browser)
# render SVG PNG: a screenshot of the picture's own size, bounded in time
render() {
	w=$(sed -n 's/^<svg [^>]*width="\([0-9]*\)".*/\1/p' "$1")
	h=$(sed -n 's/^<svg [^>]*height="\([0-9]*\)".*/\1/p' "$1")
	rm -f "$2"
	HOME=$tmp timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
		--user-data-dir="$tmp/chromium" --screenshot="$2" --window-size="${w:-800},${h:-600}" "file://$1" >/dev/null 2>&1
	[ -s "$2" ]
}
# not_blank PNG: more than 16 colours and more than 1 % of the pixels darker than near-white
not_blank() {
	colours=$(identify -format '%k' "$1") || return 1
	dark=$(convert "$1" -colorspace Gray -threshold 95% -format '%[fx:1-mean]' info:) || return 1
	echo "$colours colours, $dark dark"
	[ "$colours" -gt 16 ] && awk -v d="$dark" 'BEGIN { exit !(d > 0.01) }'
}
if [ -z "$CHROMIUM" ] || ! command -v identify >/dev/null 2>&1; then
	ko "render: chromium or imagemagick missing (make deps installs them)"
else
	printf '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#ffffff"/></svg>\n' >"$tmp/blank.svg"
	if render "$tmp/blank.svg" "$tmp/blank.png"; then
		if m=$(not_blank "$tmp/blank.png"); then ko "render: the blank control passes the check ($m)"; else ok "render: a blank picture fails the check ($m)"; fi
	else
		ko "render: chromium wrote no screenshot of the blank control"
	fi
	t0=$(date +%s)
	if render "$tmp/gre-blocked.svg" "$tmp/gre-blocked.png"; then
		t1=$(date +%s)
		check "render gre-blocked in Chromium: not blank ($((t1 - t0)) s)" not_blank "$tmp/gre-blocked.png"
		red=$(convert "$tmp/gre-blocked.png" -fuzz 12% -fill black +opaque '#c62828' -fill white -opaque '#c62828' -format '%[fx:mean]' info:)
		check "render gre-blocked: the error finding shows in red ($red of the pixels)" awk -v r="$red" 'BEGIN { exit !(r > 0.0005) }'
		w=$(identify -format '%w' "$tmp/gre-blocked.png")
		check "render gre-blocked: the screenshot is the picture's width ($w)" grep -q "^<svg [^>]*width=\"$w\"" "$tmp/gre-blocked.svg"
	else
		ko "render gre-blocked: chromium wrote no screenshot within 90 s"
	fi
	if render "$tmp/l-hostile-names.svg" "$tmp/hostile.png"; then
		check "render hostile names: drawn, not broken by them" not_blank "$tmp/hostile.png"
	else
		ko "render hostile names: no screenshot"
	fi
	[ -n "${LADDER_KEEP:-}" ] && cp "$tmp"/*.png "$tmp"/*.svg "$LADDER_KEEP"/ 2>/dev/null
fi

# ---- 6. pptp-conform --svg-dir: the picture of a failed scenario ----
if ! unshare -n true 2>/dev/null; then
	ko "pptp-conform: unshare -n not permitted (root needed for the fake-server tests)"
elif [ ! -x "$C" ]; then
	ko "pptp-conform: $C missing"
else
	# conform SERVER-SCRIPT SCENARIO DIR: the fake server and pptp-conform --svg-dir DIR in a fresh namespace
	conform() {
		timeout 60 unshare -n sh -c '
			ip link set lo up
			"$0" --listen 127.0.0.2 --user alice --password-file "$1" --run "$2" -T 20 --seed 7 >/dev/null 2>&1 &
			srv=$!
			sleep 0.3
			"$0" --target 127.0.0.2 --user alice --password-file "$1" --seed 9 --run "$3" -T 6 --svg-dir "$4"
			echo $? >"$4.rc"
			kill $srv 2>/dev/null
			wait $srv 2>/dev/null
			exit 0' "$C" "$tmp/pw" "$1" "$2" "$3" >"$3.out" 2>&1
	}
	conform tests/conform/fake/no-s.pptp conformance/scenarios/auth-basic.pptp "$tmp/fail"
	if [ "$(cat "$tmp/fail.rc" 2>/dev/null)" = 1 ] && [ -s "$tmp/fail/auth-basic.svg" ]; then
		ok "pptp-conform: a failed scenario's picture written ($(ls "$tmp/fail" | tr '\n' ' '))"
		check "pptp-conform picture: well-formed" sh -c "[ $have_xmllint = 0 ] || xmllint --noout '$tmp/fail/auth-basic.svg'"
		check "pptp-conform picture: names the failing rule, in red" grep -q 'fill="#c62828" font-weight="bold">!! error ppp.mschapv2.success_format' "$tmp/fail/auth-basic.svg"
		check "pptp-conform picture: titled with the scenario and why it failed" grep -q 'FAIL auth-basic (RFC 1661 3.5): line 6: expected authentication (mschapv2) to succeed vs actual forged' "$tmp/fail/auth-basic.svg"
		check "pptp-conform ladder: the finding on the Success arrow, both directions drawn" sh -c "on_arrow() { :; }; grep -q '|<-.* MS-CHAPv2 Success --|  !! error ppp.mschapv2.success_format' '$tmp/fail/auth-basic.txt' &&
			grep -q '|-- MS-CHAPv2 Response alice' '$tmp/fail/auth-basic.txt' && grep -q '|-- SCCRQ' '$tmp/fail/auth-basic.txt'"
		if [ -n "$CHROMIUM" ] && render "$tmp/fail/auth-basic.svg" "$tmp/conform.png"; then
			check "pptp-conform picture: rendered, not blank" not_blank "$tmp/conform.png"
		else
			ko "pptp-conform picture: no screenshot"
		fi
	else
		ko "pptp-conform: no picture of the failed scenario (exit $(cat "$tmp/fail.rc" 2>/dev/null), $(head -2 "$tmp/fail.out" | tr '\n' ' '))"
	fi
	conform tests/conform/fake/good-ctrl.pptp conformance/scenarios/ctrl-sccrq-basic.pptp "$tmp/pass"
	check "pptp-conform: a scenario that passes leaves no picture" sh -c "[ \"\$(cat '$tmp/pass.rc')\" = 0 ] && [ -z \"\$(ls -A '$tmp/pass' 2>/dev/null)\" ]"
fi

# ---- 7. bash completion: the options, and what their values are ----
if command -v bash >/dev/null 2>&1; then
	mkdir -p "$tmp/cdir/pics" && : >"$tmp/cdir/run.svg"
	# comp FUNC WORD...: the completions of the last word, as readline asks for them
	comp() {
		bash -c '. completion/pptp-suite.bash || exit 1
			f=$1; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); "$f" 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}" | sort' x "$@"
	}
	got=$(comp _pptp_analyze "$A" --lad)
	check "completion: pptp-analyze --lad gives --ladder ($got)" test "$got" = --ladder
	got=$(comp _pptp_analyze "$A" --sv)
	check "completion: pptp-analyze --sv gives --svg ($got)" test "$got" = --svg
	got=$(comp _pptp_analyze "$A" --svg "$tmp/cdir/r")
	check "completion: pptp-analyze --svg completes a file name" test "$got" = "$tmp/cdir/run.svg"
	got=$(comp _pptp_conform "$C" --svg)
	check "completion: pptp-conform --svg gives --svg-dir ($got)" test "$got" = --svg-dir
	got=$(comp _pptp_conform "$C" --svg-dir "$tmp/cdir/")
	check "completion: pptp-conform --svg-dir completes folders only ($got)" test "$got" = "$tmp/cdir/pics"
else
	ko "bash missing: completion not checked"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
