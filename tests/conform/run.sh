#!/bin/sh
# run.sh: pptp-conform against fake servers of the project's own: pptp-conform --listen running the
# server-role scripts of tests/conform/fake/, correct and misbehaving, on loopback inside a network
# namespace made for each test (unshare -n: nothing leaves it). Both PASS and FAIL are exercised,
# each run under a time bound; then the outputs (TAP, JUnit, JSON), --pcap read back by
# pptp-analyze, parse errors, usage errors and the scenario library itself.
# Prints one line per check and "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 1
C=$PWD/$SAN/pptp-conform
A=$PWD/bin/pptp-analyze
[ -x "$A" ] || A=$PWD/$SAN/pptp-analyze
FAKE=$PWD/tests/conform/fake
LIB=$PWD/conformance/scenarios
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'wonderland42\n' >"$tmp/pw"
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }

# the namespace needs root (CI runs as root); without it the pair tests cannot run at all
if ! unshare -n true 2>/dev/null; then
	ko "unshare -n: not permitted (root needed for the fake-server tests)"
	echo "$passed passed, $failed failed"
	exit 1
fi

# pair NAME SERVER-SCRIPT BOUND CLIENT-ARGS...: fake server and client in one fresh namespace;
# the client's stdout in $tmp/NAME.out, its exit status in $tmp/NAME.rc, seconds in $tmp/NAME.secs
pair() {
	name=$1 srv=$2 bound=$3
	shift 3
	t0=$(date +%s.%N)
	timeout $((bound + 20)) unshare -n sh -c '
		ip link set lo up
		"$0" --listen 127.0.0.2 --user alice --password-file "$1" --run "$2" -T 20 --seed 7 >"$3.srv" 2>&1 &
		srv=$!
		sleep 0.3
		shift 4
		"$C" --target 127.0.0.2 --user alice --password-file "$PW" --seed 9 "$@"
		echo $? >"$OUT.rc"
		kill $srv 2>/dev/null
		wait $srv 2>/dev/null
		exit 0' "$C" "$tmp/pw" "$FAKE/$srv.pptp" "$tmp/$name" x "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }' >"$tmp/$name.secs"
	[ -f "$tmp/$name.rc" ] || echo 124 >"$tmp/$name.rc"
}
export C PW="$tmp/pw"
OUT=
# check NAME WANT-RC PATTERN BOUND: exit status, a line of the output, and the time bound
check() {
	name=$1 want=$2 pat=$3 bound=$4
	rc=$(cat "$tmp/$name.rc") secs=$(cat "$tmp/$name.secs")
	if [ "$rc" != "$want" ]; then
		ko "$name: exit $rc, expected $want ($(head -3 "$tmp/$name.out" "$tmp/$name.err" | tr '\n' ' ' | cut -c1-300))"
	elif ! grep -q -- "$pat" "$tmp/$name.out" "$tmp/$name.err"; then
		ko "$name: no line matching '$pat' ($(head -2 "$tmp/$name.out" | tr '\n' ' ' | cut -c1-300))"
	elif awk -v s="$secs" -v b="$bound" 'BEGIN { exit !(s > b) }'; then
		ko "$name: took $secs s, bound $bound s"
	else
		ok "$name ($secs s)"
	fi
}
run() { # run NAME SERVER BOUND WANT-RC PATTERN CLIENT-ARGS...
	n=$1 s=$2 b=$3 w=$4 p=$5
	shift 5
	OUT=$tmp/$n
	export OUT
	pair "$n" "$s" "$b" "$@"
	check "$n" "$w" "$p" "$b"
}

# ---- a correct server: PASS ----
run good-sccrq good-ctrl 10 0 '^PASS ctrl-sccrq-basic' --run "$LIB/ctrl-sccrq-basic.pptp" -T 3
run good-echo good-ctrl 10 0 '^PASS echo-basic' --run "$LIB/echo-basic.pptp" -T 3
run good-session good-session 20 0 '^PASS session-basic' --run "$LIB/session-basic.pptp" -T 5 \
	--pcap "$tmp/session.pcap" --write-inner "$tmp/session.inner.pcap" --json "$tmp/session.json"
run good-data good-session 20 0 '^PASS data-ping-basic' --run "$LIB/data-ping-basic.pptp" -T 5
run mixed-modes good-session 20 0 '^PASS mixed-modes' --run "$PWD/tests/conform/mixed-modes.pptp" -T 10 --pcap "$tmp/mixed.pcap"
dec=$(PPTP_PASSWORD=wonderland42 "$A" --json "$tmp/mixed.pcap" 2>/dev/null | jq -r 'select(.type == "call") | "\(.decrypted) \(.decrypt_failed)"')
case $dec in
	"0 "*|"") ko "mixed MPPE modes: nothing decrypted ($dec)" ;;
	*" 0") ok "mixed MPPE modes: pptp-analyze decrypts both directions ($dec)" ;;
	*) ko "mixed MPPE modes: frames that do not decrypt ($dec)" ;;
esac
# ---- misbehaving servers: FAIL, with what was expected and what came, within the bound ----
run bad-cookie bad-cookie 10 1 '^FAIL ctrl-sccrq-basic.*magic' --run "$LIB/ctrl-sccrq-basic.pptp" -T 2
run bad-length bad-length 10 1 '^FAIL ctrl-sccrq-basic.*len=100' --run "$LIB/ctrl-sccrq-basic.pptp" -T 2
run silent silent 10 1 '^FAIL ctrl-sccrq-basic.*within 2.0 s vs actual: nothing' --run "$LIB/ctrl-sccrq-basic.pptp" -T 2
run abrupt abrupt 10 1 '^FAIL ctrl-sccrq-basic.*closed' --run "$LIB/ctrl-sccrq-basic.pptp" -T 2
run refuse refuse 10 1 '^FAIL ctrl-sccrq-basic.*field result: expected 1 vs actual 2' --run "$LIB/ctrl-sccrq-basic.pptp" -T 2
run garbage garbage 10 1 '^FAIL ctrl-sccrq-basic.*malformed' --run "$LIB/ctrl-sccrq-basic.pptp" -T 2
run trickle trickle 10 1 '^FAIL ctrl-sccrq-basic.*nothing' --run "$LIB/ctrl-sccrq-basic.pptp" -T 2
run no-s no-s 20 1 '^FAIL auth-basic.*forged' --run "$LIB/auth-basic.pptp" -T 6
# a flood of Echo-Requests and GRE: the scenarios still end, in bounded time and memory
run flood flood 20 1 '^FAIL call-ocrq-basic.*echo' --run "$LIB/call-ocrq-basic.pptp" -T 5
# a server answering every request twice: the scenario ends, FAIL on the unsolicited second answer
run twice twice 20 1 '^FAIL call-ocrq-basic.*unsolicited\|^FAIL call-ocrq-basic' --run "$LIB/call-ocrq-basic.pptp" -T 5
# the peer's memory under the flood: peak RSS of the client measured (RUSAGE from make bench)
RU=$PWD/build/rel/bench/rusage
if [ -x "$RU" ]; then
	timeout 60 unshare -n sh -c '
		ip link set lo up
		"$0" --listen 127.0.0.2 --user alice --password-file "$1" --run "$2/flood.pptp" -T 20 --seed 7 >/dev/null 2>&1 &
		sleep 0.3
		"$5" "$4/flood.ru" "$0" --target 127.0.0.2 --user alice --password-file "$1" --seed 9 -T 5 --run "$3/call-ocrq-basic.pptp" >/dev/null 2>&1
		wait' "$PWD/bin/pptp-conform" "$tmp/pw" "$FAKE" "$LIB" "$tmp" "$RU"
	if read -r w c rss rc <"$tmp/flood.ru" && [ "$rss" -lt 32768 ]; then
		ok "flood: the peer's peak RSS $rss KiB (bound 32 MiB), exit $rc, $w s"
	else ko "flood: peer's peak RSS: $(cat "$tmp/flood.ru" 2>/dev/null)"; fi
else
	ko "flood: $RU missing (make check builds it)"
fi
# the whole client library against a silent server ends, every wait bounded (-T 1)
run silent-library silent 200 1 ' failed, ' -T 1 -s 'ctrl-*'

# ---- IPv6: a whole session over an IPv6 control connection and IPv6 GRE (addresses of a namespace made here) ----
timeout 40 unshare -n sh -c '
	ip link set lo up
	ip addr add 2001:db8::1/128 dev lo nodad
	ip addr add 2001:db8::2/128 dev lo nodad
	"$0" --listen 2001:db8::2 --user alice --password-file "$1" --run "$2/good-session.pptp" -T 20 --seed 7 >/dev/null 2>&1 &
	sleep 0.3
	"$0" --target 2001:db8::2 --source 2001:db8::1 --user alice --password-file "$1" --seed 9 -T 5 \
		--run "$3/session-basic.pptp" --pcap "$4"
	rc=$?
	wait
	exit $rc' "$C" "$tmp/pw" "$FAKE" "$LIB" "$tmp/v6.pcap" >"$tmp/v6.out" 2>&1
rc=$?
v=$(PPTP_PASSWORD=wonderland42 "$A" --verdict "$tmp/v6.pcap" 2>&1)
if [ $rc -eq 0 ] && grep -q '^PASS session-basic' "$tmp/v6.out"; then
	case $v in *"[ok]"*) ok "IPv6 target: session-basic passes, pptp-analyze agrees" ;; *) ko "IPv6: analyzer says $v" ;; esac
else ko "IPv6 target: exit $rc: $(head -2 "$tmp/v6.out" | tr '\n' ' ')"; fi

# ---- outputs ----
if [ -f "$tmp/session.pcap" ]; then
	v=$(PPTP_PASSWORD=wonderland42 "$A" --verdict "$tmp/session.pcap" 2>&1)
	case $v in
		*"[ok]"*"MPPE-128 stateless"*) ok "--pcap: pptp-analyze agrees (verdict ok, MPPE-128 stateless)" ;;
		*) ko "--pcap: pptp-analyze says: $v" ;;
	esac
	dec=$(PPTP_PASSWORD=wonderland42 "$A" --json "$tmp/session.pcap" 2>/dev/null | jq -r 'select(.type == "call") | "\(.decrypted) \(.decrypt_failed)"')
	case $dec in
		"0 "*|"") ko "--pcap: nothing decrypted ($dec)" ;;
		*" 0") ok "--pcap: every encrypted frame decrypts with the password ($dec)" ;;
		*) ko "--pcap: frames that do not decrypt ($dec)" ;;
	esac
	if PPTP_PASSWORD=not-it "$A" --json "$tmp/session.pcap" 2>/dev/null | jq -e -s 'map(select(.type == "call")) | length > 0 and all(.decrypted == 0)' >/dev/null; then
		ok "--pcap: nothing decrypts with a wrong password"
	else ko "--pcap: frames decrypt with a wrong password"; fi
	if grep -q wonderland42 "$tmp/session.pcap" "$tmp/session.json" "$tmp/good-session.out" "$tmp/good-session.err"; then
		ko "the password appears in an output"
	else ok "the password appears in no output (pcap, JSON, text)"; fi
else
	ko "--pcap: no file written"
fi
if [ -f "$tmp/session.inner.pcap" ] && [ "$(tcpdump -nn -r "$tmp/session.inner.pcap" 2>/dev/null | grep -c 'ICMP echo')" -ge 10 ]; then
	ok "--write-inner: the clear pings, both ways"
else ko "--write-inner: pings missing"; fi
if [ -f "$tmp/session.json" ] && jq -e -s 'map(select(.type == "scenario"))[0] | .id == "session-basic" and .verdict == "PASS"' "$tmp/session.json" >/dev/null &&
   jq -e -s 'map(select(.type == "summary"))[0] | .passed == 1 and .failed == 0' "$tmp/session.json" >/dev/null; then
	ok "--json: scenario and summary lines"
else ko "--json: $(cat "$tmp/session.json" 2>/dev/null | head -2)"; fi

OUT=$tmp/tap
export OUT
pair tap bad-cookie 10 --run "$LIB/ctrl-sccrq-basic.pptp" -T 2 --tap --junit "$tmp/j.xml"
if grep -q '^1\.\.1$' "$tmp/tap.out" && grep -q '^not ok 1 - ctrl-sccrq-basic' "$tmp/tap.out"; then
	ok "--tap: plan and a not-ok line"
else ko "--tap: $(head -3 "$tmp/tap.out" | tr '\n' ' ')"; fi
if grep -q '<testsuite name="pptp-conform" tests="1">' "$tmp/j.xml" && grep -q '<failure message=' "$tmp/j.xml" &&
   grep -q '</testsuite>' "$tmp/j.xml"; then
	ok "--junit: a testsuite with the failure"
else ko "--junit: $(head -3 "$tmp/j.xml" 2>/dev/null | tr '\n' ' ')"; fi

OUT=$tmp/verbose
export OUT
pair verbose bad-cookie 10 --run "$LIB/ctrl-sccrq-basic.pptp" -T 2 -v
if grep -q 'ctrl-sccrq-basic.pptp:5: send SCCRQ' "$tmp/verbose.err" && grep -q 'ctrl-sccrq-basic.pptp:6: line 6: expected SCCRP' "$tmp/verbose.err"; then
	ok "-v: each step, and why the scenario stopped, on stderr"
else ko "-v: $(head -3 "$tmp/verbose.err" | tr '\n' ' ')"; fi

# ---- setup and usage errors: exit 2, one line ----
timeout 20 unshare -n sh -c 'ip link set lo up; "$0" --target 127.0.0.2 --run "$1/ctrl-sccrq-basic.pptp" -T 2' "$C" "$LIB" >"$tmp/refused.out" 2>"$tmp/refused.err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/refused.err")" -eq 1 ] && grep -q 'Connection refused' "$tmp/refused.err"; then
	ok "no server: exit 2, one line ($(cat "$tmp/refused.err"))"
else ko "no server: exit $rc: $(cat "$tmp/refused.err")"; fi
"$C" --target 2>/dev/null; rc=$?
[ $rc -eq 2 ] && ok "usage error: exit 2" || ko "usage error: exit $rc"
"$C" --target 192.0.2.1 --port 99999 >/dev/null 2>"$tmp/port.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'port' "$tmp/port.err" && ok "bad --port: exit 2" || ko "bad --port: exit $rc"
"$C" --target not-an-address --run "$LIB/ctrl-sccrq-basic.pptp" -T 1 >/dev/null 2>"$tmp/name.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'numeric' "$tmp/name.err" && ok "a host name is refused (numeric only): exit 2" || ko "host name: exit $rc: $(cat "$tmp/name.err")"

# ---- parse errors name file, line and column, before anything is sent ----
bad() { # bad NAME WANT-PATTERN TEXT...
	n=$1 want=$2
	shift 2
	printf '%s\n' 'title "t"' 'rfc "RFC 2637 2"' "$@" >"$tmp/$n.pptp"
	"$C" --target 127.0.0.1 --run "$tmp/$n.pptp" >/dev/null 2>"$tmp/$n.perr"
	rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$want" "$tmp/$n.perr"; then ok "parse error $n: $(cat "$tmp/$n.perr")"; else
		ko "parse error $n: exit $rc: $(cat "$tmp/$n.perr")"; fi
}
bad unknown-step "$tmp/unknown-step.pptp:3:1: unknown step 'frobnicate'" 'frobnicate'
bad unknown-msg "$tmp/unknown-msg.pptp:4:6: unknown message 'SCCRX'" 'connect' 'send SCCRX'
bad unknown-field "$tmp/unknown-field.pptp:3:14: SCCRP has no field 'colour'" 'expect SCCRP colour=1'
bad bad-matcher "$tmp/bad-matcher.pptp:3:21: result: a number" 'expect SCCRP result=xyz'
bad bad-number "$tmp/bad-number.pptp:3:19: call_id: 70000 is out of range" 'send OCRQ call_id=70000'
bad unknown-rule ":3:7: no rule 'no.such.rule'" 'allow no.such.rule'
bad unknown-knob ":3:5: unknown setting 'colour'" 'set colour 1'
bad unterminated ":3:" 'expect ppp "LCP *'
printf 'rfc "RFC 2637 2"\nconnect\n' >"$tmp/notitle.pptp"
"$C" --target 127.0.0.1 --run "$tmp/notitle.pptp" >/dev/null 2>"$tmp/notitle.err"
[ $? -eq 2 ] && grep -q 'missing `title' "$tmp/notitle.err" && ok "a scenario without a title is refused" || ko "no title: $(cat "$tmp/notitle.err")"

# ---- the library: every file parses, ids are unique and prefixed by family, each names its RFC section ----
"$C" --list >"$tmp/list" 2>"$tmp/list.err"; rc=$?
n=$(awk '$2 == "client"' "$tmp/list" | wc -l)
if [ $rc -eq 0 ] && [ "$n" -ge 80 ]; then ok "--list: $n client-role scenarios"; else ko "--list: exit $rc, $n client-role scenarios: $(head -2 "$tmp/list.err")"; fi
dups=$(awk '{ print $1 }' "$tmp/list" | sort | uniq -d)
[ -z "$dups" ] && ok "scenario ids are unique" || ko "duplicate ids: $dups"
badfam=$(awk '$2 == "client" && $1 !~ /^(ctrl|echo|call|gre|lcp|auth|ccp|mppe|ipcp|data|session)-/ { print $1 }' "$tmp/list")
[ -z "$badfam" ] && ok "every client-role id has a family prefix" || ko "ids without a family: $badfam"
norfc=$(awk '$3 !~ /^RFC$/' "$tmp/list" | head -3)
[ -z "$norfc" ] && ok "every scenario names its RFC" || ko "scenarios without an RFC: $norfc"
for must in session-basic session-stateful; do
	grep -q "^$must " "$tmp/list" && ok "$must is in the library" || ko "$must is missing"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
