#!/bin/sh
# runs.sh: the outputs of pptp-conform's load runs (--load) and mutation runs (--mutate): TAP (read back by
# an awk reader), JUnit (xmllint), JSON Lines (jq) and --pcap (pptp-analyze decrypts it; --pcap-max bounds it), and the
# finding path of a mutation run against a fake server that really fails (tests/conform/fake/dies-on-sccrq.pptp
# stops answering after a repeated SCCRQ): the finding is written, names that message, parses as a scenario, and
# --replay reproduces the failure against a fresh instance of the fake and passes against a healthy server; and
# make bench-load's script (tools/bench/load.sh) on a small load without the lab guest.
# Everything runs on loopback inside network namespaces made here (unshare -n), each run under a time bound.
# Prints one line per check and "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 1
C=$PWD/$SAN/pptp-conform
A=$PWD/bin/pptp-analyze
[ -x "$A" ] || A=$PWD/$SAN/pptp-analyze
FAKE=$PWD/tests/conform/fake
passed=0
failed=0
tmp=$(mktemp -d)
WAIT_SRV=
export WAIT_SRV
[ -n "${RUNS_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
printf 'wonderland42\n' >"$tmp/pw"
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }
t() { if eval "$2"; then ok "$1"; else ko "$1${3:+: $3}"; fi; }

if ! unshare -n true 2>/dev/null; then
	ko "unshare -n: not permitted (root needed for the loopback tests)"
	echo "$passed passed, $failed failed"
	exit 1
fi

# pair NAME BOUND 'SERVER-ARGS' CLIENT-ARGS...: a server and a client in one fresh namespace; the client's
# stdout in $tmp/NAME.out, stderr in NAME.err, exit status in NAME.rc; the server's output in NAME.srv
pair() {
	n=$1 bound=$2 sargs=$3
	shift 3
	rm -f "$tmp/$n.rc"
	timeout "$bound" unshare -n sh -c '
		ip link set lo up
		C=$0 PW=$1 O=$2 SA=$3
		shift 3
		$C --listen 127.0.0.2 --user alice --password-file "$PW" --seed 7 $SA >"$O.srv" 2>&1 &
		srv=$!
		sleep 0.3
		"$C" --target 127.0.0.2 --user alice --password-file "$PW" --seed 9 "$@" >"$O.out" 2>"$O.err"
		echo $? >"$O.rc"
		[ -n "$WAIT_SRV" ] || kill $srv 2>/dev/null
		wait $srv 2>/dev/null
		exit 0' "$C" "$tmp/pw" "$tmp/$n" "$sargs" "$@" >/dev/null 2>&1
	[ -f "$tmp/$n.rc" ] || echo 124 >"$tmp/$n.rc"
}
rc() { cat "$tmp/$1.rc"; }
# the TAP read back (awk): version line first, test points numbered 1, 2, ... in order, YAML blocks only after
# a not-ok point and closed, one plan 1..N with N the number of points; tap_ok: valid and nothing failed,
# tap_fails: valid and something failed
tap_check() {
	awk 'NR == 1 { if ($0 != "TAP version 13") bad = 1; next }
	     /^(not )?ok [0-9]+ - / { k = ($1 == "not") ? $3 : $2; if (k != n + 1 || inyaml) bad = 1; n++; nok += ($1 == "not"); last = $1; next }
	     /^  ---$/ { if (inyaml || last != "not") bad = 1; inyaml = 1; next }
	     /^  \.\.\.$/ { if (!inyaml) bad = 1; inyaml = 0; next }
	     inyaml { next }
	     /^1\.\.[0-9]+$/ { plans++; plan = substr($0, 4) + 0; next }
	     /^#/ { next }
	     { bad = 1 }
	     END { if (bad || inyaml || plans != 1 || plan != n || n == 0) exit 2; exit nok ? 1 : 0 }' "$1"
}
tap_ok() { tap_check "$1"; }
tap_fails() { tap_check "$1"; [ $? = 1 ]; }
xml_ok() { xmllint --noout "$1" 2>/dev/null; }

# ---- load: 20 tunnels against the server role, every output at once ----
WAIT_SRV=1
pair l20 60 '--load 100 --duration 8 --tap --junit '"$tmp"'/l20s.xml --json '"$tmp"'/l20s.json' \
	--load 20 --rate 20 --duration 2 --tap --junit "$tmp/l20.xml" --json "$tmp/l20.json" --pcap "$tmp/l20.pcap"
o=$tmp/l20.out
t "load --tap: exit 0, TAP version 13, 20 ok points and the plan 1..20 at the end, as a TAP reader takes it" \
	'[ "$(rc l20)" = 0 ] && [ "$(head -1 "$o")" = "TAP version 13" ] && [ "$(grep -c "^ok [0-9]* - tunnel [0-9]*: up in .* ms (connect to IPCP and MPPE up), 3 of 3 pings answered$" "$o")" = 20 ] && [ "$(tail -1 "$o")" = 1..20 ] && tap_ok "$o"' \
	"exit $(rc l20): $(head -3 "$o" | tr '\n' ' ')"
t "load --tap: the figures as diagnostics (setup rate, success ratio, p50/p90/p99/max)" \
	'grep -q "^#   setup rate [0-9.]*/s .*, success ratio 1.000$" "$o" && grep -q "^#   setup latency ms (connect to IPCP and MPPE up): p50 [0-9.]* p90 [0-9.]* p99 [0-9.]* max [0-9.]*$" "$o" && ! grep -v "^ok \|^# \|^1\.\.20$\|^TAP version 13$" "$o" | grep -q .' \
	"$(grep -v '^ok ' "$o" | head -5 | tr '\n' ' ')"
x=$tmp/l20.xml
t "load --junit: well-formed, tests=20 failures=0, a testcase per tunnel, the figures as properties" \
	'xml_ok "$x" && grep -q "<testsuite name=\"pptp-conform load\" tests=\"20\" failures=\"0\">" "$x" && [ "$(grep -c "<testcase classname=\"pptp-conform.load\" name=\"tunnel [0-9]*\"" "$x")" = 20 ] && for p in setup_rate success_ratio latency_ms.p50 latency_ms.p90 latency_ms.p99 latency_ms.max peak_concurrent; do grep -q "<property name=\"$p\" value=\"[0-9.]*\"/>" "$x" || exit 1; done' \
	"$(head -4 "$x" 2>/dev/null | tr '\n' ' ')"
j=$tmp/l20.json
t "load --json: a PASS line per tunnel with its setup time, then the summary line with the same figures" \
	'jq -e -s "(map(select(.type == \"tunnel\" and .verdict == \"PASS\" and .setup_ms > 0 and .pings_answered == 3)) | length) == 20 and (last | .type == \"load\" and .attempts == 20 and .success_ratio == 1 and .latency_ms.p50 <= .latency_ms.p90 and .latency_ms.p90 <= .latency_ms.p99 and .latency_ms.p99 <= .latency_ms.max and .setup_rate > 0)" "$j" >/dev/null' \
	"$(tail -1 "$j" 2>/dev/null | cut -c1-300)"
t "load --json: the p50 of the tunnel lines is the summary's" \
	'[ "$(jq -s "map(select(.type == \"tunnel\") | .setup_ms) | sort | .[9] | . * 1000 | round" "$j")" = "$(jq -s "last | .latency_ms.p50 * 1000 | round" "$j")" ]'
dec=$(PPTP_PASSWORD=wonderland42 "$A" --json "$tmp/l20.pcap" 2>/dev/null | jq -s -r 'map(select(.type == "call")) | "\(length) \(map(.decrypted) | add) \(map(.decrypt_failed) | add)"')
t "load --pcap: pptp-analyze finds the 20 calls and decrypts every MPPE frame with the password ($dec)" \
	'[ "${dec%% *}" = 20 ] && [ "$(echo "$dec" | cut -d" " -f2)" -ge 120 ] && [ "${dec##* }" = 0 ]'
o=$tmp/l20.srv
t "load --listen --tap/--junit/--json: a point per client, the server's figures" \
	'[ "$(grep -c "^ok [0-9]* - client [0-9]*: up in .* ms (accept to IPCP and MPPE up)$" "$o")" = 20 ] && tail -1 "$o" | grep -qx "1\.\.20" && tap_ok "$o" && xml_ok "$tmp/l20s.xml" && grep -q "tests=\"20\" failures=\"0\"" "$tmp/l20s.xml" && jq -e -s "last | .type == \"load\" and .role == \"server\" and .up == 20 and .success_ratio == 1" "$tmp/l20s.json" >/dev/null' \
	"$(head -3 "$o" | tr '\n' ' ')"
WAIT_SRV=

# --pcap-max: a run of 40 tunnels with a 40 KiB cap keeps whole records below the cap, readable
pair lcap 60 '--load 100 --duration 8' --load 40 --rate 40 --duration 2 --pcap "$tmp/cap.pcap" --pcap-max 0.0390625
sz=$(wc -c <"$tmp/cap.pcap" 2>/dev/null || echo 0)
t "--pcap-max 0.0390625 (40 KiB): the capture stops at $sz bytes, the run says so, whole records only" \
	'[ "$sz" -le 40960 ] && [ "$sz" -gt 30000 ] && grep -q "stopped at 0.0390625 MiB (--pcap-max), [0-9]* packets left out" "$tmp/lcap.err" && grep -q "capture: .*--pcap-max reached" "$tmp/lcap.out" && tcpdump -nn -r "$tmp/cap.pcap" >/dev/null 2>"$tmp/td.err" && ! grep -q truncated "$tmp/td.err"' \
	"size $sz: $(cat "$tmp/lcap.err" | head -2)"
"$C" --target 127.0.0.1 --load 2 --pcap-max 0 >/dev/null 2>"$tmp/pm.err"; r=$?
t "--pcap-max 0: refused, exit 2, one line" '[ $r = 2 ] && grep -q "^pptp-conform: --pcap-max 0: MiB" "$tmp/pm.err"' "exit $r: $(cat "$tmp/pm.err")"

# a server that holds 10 clients: 6 of 16 tunnels fail; each failure a not-ok point with the reason
pair l10 60 '--load 10 --duration 6' --load 16 --rate 8 --duration 3 --tap --junit "$tmp/l10.xml" --json "$tmp/l10.json"
o=$tmp/l10.out
t "load --tap against a server of 10: exit 1, 10 ok and 6 not-ok points with a YAML message" \
	'[ "$(rc l10)" = 1 ] && [ "$(grep -c "^ok " "$o")" = 10 ] && [ "$(grep -c "^not ok [0-9]* - tunnel [0-9]*: the connection was closed" "$o")" = 6 ] && [ "$(grep -c "^  message: .the connection was closed" "$o")" = 6 ] && tail -1 "$o" | grep -qx "1\.\.16" && tap_fails "$o"' \
	"exit $(rc l10): $(grep -v '^ok' "$o" | head -4 | tr '\n' ' ')"
t "load --junit/--json against a server of 10: failures=6 with their messages; 6 FAIL lines with why" \
	'xml_ok "$tmp/l10.xml" && grep -q "tests=\"16\" failures=\"6\"" "$tmp/l10.xml" && [ "$(grep -c "<failure message=\"the connection was closed" "$tmp/l10.xml")" = 6 ] && jq -e -s "(map(select(.type == \"tunnel\" and .verdict == \"FAIL\" and (.why | test(\"closed\")))) | length) == 6 and (last | .success_ratio == 0.625 and .first_failure.attempt == 11)" "$tmp/l10.json" >/dev/null' \
	"$(grep -c '<failure' "$tmp/l10.xml" 2>/dev/null) failures: $(tail -1 "$tmp/l10.json" | cut -c1-300)"

# ---- mutation against the server role: a point per batch, all passing ----
pair m 120 '--load 20 --duration 60' --mutate --seed 7 --count 60 --findings "$tmp/m.find" --tap --junit "$tmp/m.xml" \
	--json "$tmp/m.json" --pcap "$tmp/m.pcap"
o=$tmp/m.out
nb=$(grep -c '^ok [0-9]* - batch [0-9]*: ' "$o")
t "mutate --tap: exit 0, an ok point per batch with its liveness probe ($nb), the plan, the summary as a diagnostic" \
	'[ "$(rc m)" = 0 ] && [ "$nb" -ge 6 ] && ! grep -q "^not ok" "$o" && grep -q "^ok [0-9]* - batch [0-9]*: MPPE, messages .*then the liveness probe (a whole session)$" "$o" && tail -1 "$o" | grep -qx "1\.\.$nb" && grep -q "^# mutate: seed 7: 60 messages sent in $nb batches .*the target survived$" "$o" && tap_ok "$o"' \
	"exit $(rc m): $(head -3 "$o" | tr '\n' ' ')"
t "mutate --junit: tests=$nb failures=0, the run's figures as properties" \
	'xml_ok "$tmp/m.xml" && grep -q "<testsuite name=\"pptp-conform mutate\" tests=\"$nb\" failures=\"0\">" "$tmp/m.xml" && grep -q "<property name=\"seed\" value=\"7\"/>" "$tmp/m.xml" && grep -q "<property name=\"sent\" value=\"60\"/>" "$tmp/m.xml" && grep -q "<property name=\"survived\" value=\"true\"/>" "$tmp/m.xml"' \
	"$(head -3 "$tmp/m.xml" 2>/dev/null | tr '\n' ' ')"
t "mutate --json: a line per batch (the delivered counts add up to the 60 sent), then the summary" \
	'jq -e -s "(map(select(.type == \"batch\")) | length) == $nb and (map(select(.type == \"batch\") | .delivered) | add) == 60 and all(.[]; .type != \"batch\" or .survived) and (last | .type == \"mutate\" and .sent == 60 and .survived and .finding == null)" "$tmp/m.json" >/dev/null' \
	"$(tail -1 "$tmp/m.json" | cut -c1-300)"
nconn=$("$A" --json "$tmp/m.pcap" 2>/dev/null | jq -s 'map(select(.type == "connection")) | length')
t "mutate --pcap: what was sent and received, read by pptp-analyze ($nconn control connections: batches and probes)" \
	'[ "${nconn:-0}" -ge $((2 * nb)) ] && "$A" --decode "$tmp/m.pcap" 2>/dev/null | grep -q "pptp.ctrl.bad_length\|pptp.ctrl.bad_magic"' \
	"$nconn connections"

# ---- a mutation finding: a target that stops answering after one particular malformed message ----
pair d 90 "--run $FAKE/dies-on-sccrq.pptp --repeat 1000 -T 20" --mutate --seed 7 --count 60 --findings "$tmp/d.find" --tap \
	--junit "$tmp/d.xml" --json "$tmp/d.json"
o=$tmp/d.out
f=$tmp/d.find/mutate-7-0006.pptp
t "mutate against the failing fake: exit 1; the finding mutate-7-0006.pptp names message 6, the repeated SCCRQ" \
	'[ "$(rc d)" = 1 ] && [ -f "$f" ] && [ "$(ls "$tmp/d.find" | wc -l)" = 1 ] && grep -q "^#   the last message delivered before the failure: message 6: control SCCRQ: " "$o" && grep -q "^#   message 6: control SCCRQ: " "$f" && grep -q "^title \"mutation 6 of seed 7 (control) and the liveness probe after it\"$" "$f"' \
	"exit $(rc d): $(grep -v '^ok' "$o" | head -6 | tr '\n' ' '); $(ls "$tmp/d.find" 2>/dev/null)"
t "the finding holds the set-up, exactly the message delivered before the failure (one), and the probe" \
	'[ "$(grep -c "^send raw hex " "$f")" = 1 ] && grep -q "^ctrl open$" "$f" && grep -q "^# the liveness probe$" "$f" && grep -q "^expect EchoRP id=0x11223344 within=5$" "$f"'
t "mutate --tap/--junit/--json on a finding: a not-ok point naming the message and the file; failures=1; survived false" \
	'grep -q "^not ok [0-9]* - batch [0-9]*: control, messages 6\.\." "$o" && grep -q "^  message: .the target failed the liveness probe after message 6: control SCCRQ" "$o" && grep -q "^  file: .*mutate-7-0006.pptp.$" "$o" && tap_fails "$o" && xml_ok "$tmp/d.xml" && grep -q "failures=\"1\"" "$tmp/d.xml" && grep -q "<failure message=\"the target failed the liveness probe after message 6: control SCCRQ.*replay: .*mutate-7-0006.pptp</failure>" "$tmp/d.xml" && jq -e -s "(map(select(.type == \"batch\" and .survived == false)) | length) == 1 and (last | .survived == false and (.finding | endswith(\"mutate-7-0006.pptp\")) and (.last_message | startswith(\"message 6: control SCCRQ\")))" "$tmp/d.json" >/dev/null' \
	"$(grep -A3 '^not ok' "$o" | tr '\n' ' ' | cut -c1-300)"
"$C" --list --run "$f" >"$tmp/list.out" 2>&1; r=$?
t "the finding is a valid scenario (the reader takes it: --list --run)" '[ $r = 0 ] && grep -q "^mutate-7-0006  *client " "$tmp/list.out"' "exit $r: $(cat "$tmp/list.out")"
# --replay against a fresh instance of the fake: it fails the same way; against a healthy server it passes
pair rdead 60 "--run $FAKE/dies-on-sccrq.pptp --repeat 5 -T 20" --replay "$f" -T 3
t "--replay FILE against a fresh instance of the failing fake: FAIL (exit 1), its probe gets no SCCRP" \
	'[ "$(rc rdead)" = 1 ] && grep -q "^FAIL mutate-7-0006 .*expected SCCRP within 3.0 s vs actual: nothing" "$tmp/rdead.out"' \
	"exit $(rc rdead): $(head -2 "$tmp/rdead.out" "$tmp/rdead.err" | tr '\n' ' ')"
pair rlive 60 '--load 5 --duration 10' --replay "$f" -T 3
t "--replay FILE against a healthy server (the server role): PASS (exit 0)" \
	'[ "$(rc rlive)" = 0 ] && grep -q "^PASS mutate-7-0006 " "$tmp/rlive.out"' "exit $(rc rlive): $(head -2 "$tmp/rlive.out" | tr '\n' ' ')"
pair rgood 60 "--run $FAKE/good-ctrl.pptp --repeat 3 -T 20" --replay "$f" -T 5
t "--replay FILE against the correct control-connection fake: PASS (exit 0)" \
	'[ "$(rc rgood)" = 0 ] && grep -q "^PASS mutate-7-0006 " "$tmp/rgood.out"' "exit $(rc rgood): $(head -2 "$tmp/rgood.out" | tr '\n' ' ')"
# the fake is correct otherwise: the control-connection scenario and the Echo pass against it
pair fok 60 "--run $FAKE/dies-on-sccrq.pptp --repeat 2 -T 20" --run "$PWD/conformance/scenarios/echo-basic.pptp" -T 5
t "the failing fake answers a correct client (echo-basic passes): only the repeated SCCRQ stops it" \
	'[ "$(rc fok)" = 0 ] && grep -q "^PASS echo-basic" "$tmp/fok.out"' "exit $(rc fok): $(head -2 "$tmp/fok.out" | tr '\n' ' ')"

# ---- make bench-load's script, small and without the lab guest: the table, load.json, the goal's verdict ----
BENCH_DIR=$tmp/bench BENCH_CONFORM=${SAN}/pptp-conform BENCH_LOAD_N=20 BENCH_LOAD_RATE=40 BENCH_CEIL_N=30 BENCH_CEIL_RATE=60 \
	BENCH_PPTPD=0 timeout 200 sh tools/bench/load.sh >"$tmp/bench.out" 2>&1
r=$?
b=$tmp/bench/load.json
t "bench-load (20 and 30 tunnels, BENCH_PPTPD=0): exit 0, the table, load.json with both of our runs, the pptpd column empty and why, the goal not met at 20" \
	'[ $r = 0 ] && grep -q "^up (IPCP and MPPE-128) *20 *30 *- " "$tmp/bench.out" && grep -q "^pptpd: not measured: BENCH_PPTPD=0$" "$tmp/bench.out" && grep -q "^goal (1000 concurrent MPPE tunnels, 200 set-ups per second): NOT met$" "$tmp/bench.out" && jq -e ".type == \"bench-load\" and .self.up == 20 and .self.load == 20 and .ceiling.up == 30 and .pptpd == null and .pptpd_missing == \"BENCH_PPTPD=0\" and .ratio.setup_rate == null and .goal.met == false" "$b" >/dev/null' \
	"exit $r: $(tr '\n' ' ' <"$tmp/bench.out" | cut -c1-400)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
