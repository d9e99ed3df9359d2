#!/bin/sh
# server.sh: pptp-conform's server-role library against its own client role, both sides ours, on
# loopback inside a network namespace made for each pair (unshare -n: nothing leaves it):
# pptp-conform --listen 127.0.0.2 runs one srv-* scenario while pptp-conform --target 127.0.0.2
# (from 127.0.0.1) runs its counterpart, per tests/conform/pairs. The two processes get distinct
# --seed values (the same seed would give both ends the same LCP magic number). Each pair runs
# under a time bound; pairs run four at a time. Then the library itself: ids, roles, the pairs
# list covering every srv-* scenario that has a counterpart.
# Prints one line per check and "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 1
C=$PWD/$SAN/pptp-conform
LIB=$PWD/conformance/scenarios
CLI=$PWD/tests/conform/client
PAIRS=$PWD/tests/conform/pairs
BOUND=${SERVER_PAIR_BOUND:-40}
JOBS=${SERVER_PAIR_JOBS:-4}
passed=0
failed=0
tmp=$(mktemp -d)
[ -n "${SERVER_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
printf 'wonderland42\n' >"$tmp/pw"
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }

if ! unshare -n true 2>/dev/null; then
	ko "unshare -n: not permitted (root needed for the loopback pair tests)"
	echo "$passed passed, $failed failed"
	exit 1
fi

# pair SERVER-ID CLIENT-FILE: both ends in a fresh namespace; outputs in $tmp/ID.{srv,cli,src,crc,secs}
pair() {
	id=$1 cf=$2 o=$tmp/$1
	t0=$(date +%s.%N)
	timeout "$BOUND" unshare -n sh -c '
		ip link set lo up
		"$0" --listen 127.0.0.2 --user alice --password-file "$1" --run "$2" -T 6 --seed 7 \
			--peer-has auth-pap,auth-chap-md5,mppe40,client-traffic >"$4.srv" 2>&1 &
		srv=$!
		sleep 0.3
		"$0" --target 127.0.0.2 --user alice --password-file "$1" --run "$3" -T 10 --seed 9 >"$4.cli" 2>&1
		echo $? >"$4.crc"
		wait $srv
		echo $? >"$4.src"' "$C" "$tmp/pw" "$LIB/$id.pptp" "$cf" "$o" >/dev/null 2>&1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }' >"$o.secs"
}

# verdict FILE ID: PASS, FAIL or SKIP from a text output, "none" if the scenario did not end
verdict() {
	v=$(awk -v id="$2" '($1 == "PASS" || $1 == "FAIL" || $1 == "SKIP") && $2 == id { print $1; exit }' "$1" 2>/dev/null)
	echo "${v:-none}"
}

grep -v '^#' "$PAIRS" | grep -v '^ *$' >"$tmp/list"
cp "$tmp/list" "$tmp/full"
# SERVER_PAIRS=GLOB: only the matching server ids (for a quick look at one)
if [ -n "${SERVER_PAIRS:-}" ]; then
	grep -E "^($SERVER_PAIRS) " "$tmp/full" >"$tmp/list"
fi
n=0
while read -r sid client sv cv pat; do
	case $client in
		lib:*) cf=$LIB/${client#lib:}.pptp cid=${client#lib:} ;;
		*) cf=$CLI/$client.pptp cid=$client ;;
	esac
	echo "$sid $cid $sv $cv $pat" >"$tmp/$sid.want"
	pair "$sid" "$cf" &
	n=$((n + 1))
	[ $((n % JOBS)) -eq 0 ] && wait
done <"$tmp/list"
wait

while read -r sid client sv cv pat; do
	read -r _ cid _ _ _ <"$tmp/$sid.want"
	secs=$(cat "$tmp/$sid.secs")
	gs=$(verdict "$tmp/$sid.srv" "$sid")
	gc=$(verdict "$tmp/$sid.cli" "$cid")
	why=""
	[ "$gs" = "$sv" ] || why="server $gs, expected $sv: $(grep -m1 "^FAIL $sid" "$tmp/$sid.srv" | cut -c1-300)"
	if [ -z "$why" ] && [ "$cv" != any ] && [ "$gc" != "$cv" ]; then
		why="client ($cid) $gc, expected $cv: $(grep -m1 "^FAIL $cid" "$tmp/$sid.cli" | cut -c1-300)"
	fi
	if [ -z "$why" ] && [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/$sid.cli"; then
		why="client output has no '$pat': $(head -1 "$tmp/$sid.cli" | cut -c1-300)"
	fi
	if [ -z "$why" ] && awk -v s="$secs" -v b="$BOUND" 'BEGIN { exit !(s >= b) }'; then
		why="took $secs s, bound $BOUND s"
	fi
	if [ -z "$why" ]; then ok "$sid vs $cid: server $gs, client $gc ($secs s)"; else ko "$sid vs $cid: $why"; fi
done <"$tmp/list"

# ---- load: the client role against the server role, many tunnels in one poll loop each side ----
# load NAME SERVER-ARGS -- CLIENT-ARGS: outputs in $tmp/NAME.{lsrv,lcli,lrc}
load() {
	n=$1
	shift
	timeout 60 unshare -n sh -c '
		ip link set lo up
		C=$0 PW=$1 O=$2
		shift 2
		sa=""
		while [ "$1" != -- ]; do sa="$sa $1"; shift; done
		shift
		"$C" --listen 127.0.0.2 --user alice --password-file "$PW" --seed 7 $sa >"$O.lsrv" 2>&1 &
		srv=$!
		sleep 0.3
		"$C" --target 127.0.0.2 --user alice --password-file "$PW" --seed 9 "$@" >"$O.lcli" 2>&1
		echo $? >"$O.lrc"
		wait $srv' "$C" "$tmp/pw" "$tmp/$n" "$@" >/dev/null 2>&1
	[ -f "$tmp/$n.lrc" ] || echo 124 >"$tmp/$n.lrc"
}
t0=$(date +%s)
load l40 --load 100 --duration 8 -- --load 40 --rate 20 --duration 4 --json "$tmp/l40.json"
if jq -e '.type == "load" and .role == "client" and .attempts == 40 and .complete == 40 and .pings_answered == 120 and .latency_ms.p99 >= .latency_ms.p50 and .first_failure == null' "$tmp/l40.json" >/dev/null 2>&1; then
	ok "--load --json: one summary line with the same figures"
else ko "--load --json: $(cat "$tmp/l40.json" 2>/dev/null | cut -c1-300)"; fi
secs=$(($(date +%s) - t0))
if [ "$(cat "$tmp/l40.lrc")" = 0 ] && grep -q "attempts 40, up 40 (100.0%), with every ping answered 40 (100.0%), failed 0" "$tmp/l40.lcli" &&
   grep -q "pings: 120 sent, 120 answered" "$tmp/l40.lcli" && grep -q "clients 40, up 40 (100.0%)" "$tmp/l40.lsrv" &&
   grep -q "setup latency ms.*p50 .* p90 .* p99 .* max " "$tmp/l40.lcli" && [ "$secs" -le 30 ]; then
	ok "--load 40 --rate 20: every tunnel up with MS-CHAPv2, MPPE and 3 pings, both sides agree ($secs s): $(grep "setup latency" "$tmp/l40.lcli" | sed "s/^ *//")"
else ko "--load 40: exit $(cat "$tmp/l40.lrc"), $secs s: $(tr "\n" " " <"$tmp/l40.lcli" | cut -c1-400) / $(head -2 "$tmp/l40.lsrv" | tr "\n" " ")"; fi
# a server that takes at most 10 clients at once: the 11th attempt is where failures start
load l10 --load 10 --duration 6 -- --load 16 --rate 8 --duration 3
if [ "$(cat "$tmp/l10.lrc")" = 1 ] && grep -q "attempts 16, up 10 (62.5%), with every ping answered 10 (62.5%), failed 6" "$tmp/l10.lcli" &&
   grep -q "first failure: attempt 11 at .* with 11 tunnels live: the connection was closed" "$tmp/l10.lcli"; then
	ok "--load against a server that holds 10: exit 1, the first failure named ($(grep "first failure" "$tmp/l10.lcli" | sed "s/^ *//"))"
else ko "--load against a server of 10: exit $(cat "$tmp/l10.lrc"): $(tr "\n" " " <"$tmp/l10.lcli" | cut -c1-400)"; fi

# ---- mutation: against the server role (the load loop as a target that takes any client), and against one that dies ----
timeout 120 unshare -n sh -c '
	ip link set lo up
	"$0" --listen 127.0.0.2 --user alice --password-file "$1" --load 20 --duration 40 --seed 7 >"$2.msrv" 2>&1 &
	srv=$!
	sleep 0.3
	"$0" --target 127.0.0.2 --user alice --password-file "$1" --mutate --seed 7 --count 60 --findings "$2.find" >"$2.mcli" 2>&1
	echo $? >"$2.mrc"
	kill $srv' "$C" "$tmp/pw" "$tmp/m" >/dev/null 2>&1
if [ "$(cat "$tmp/m.mrc" 2>/dev/null)" = 0 ] && grep -q "seed 7: 60 messages sent in .* (control 10, GRE 10, LCP 10, authentication 10, CCP 10, MPPE 10;.*the target survived" "$tmp/m.mcli"; then
	ok "--mutate --seed 7 --count 60 against the server role: every layer, the target survived"
else ko "--mutate against the server role: exit $(cat "$tmp/m.mrc" 2>/dev/null): $(head -3 "$tmp/m.mcli" | tr "\n" " " | cut -c1-400)"; fi
timeout 120 unshare -n sh -c '
	ip link set lo up
	"$0" --listen 127.0.0.2 --user alice --password-file "$1" --run "$3/good-ctrl.pptp" --repeat 2 -T 20 --seed 7 >"$2.dsrv" 2>&1 &
	sleep 0.3
	"$0" --target 127.0.0.2 --user alice --password-file "$1" --mutate --seed 7 --count 60 --findings "$2.find" >"$2.dcli" 2>&1
	echo $? >"$2.drc"
	f=$(ls "$2.find"/*.pptp 2>/dev/null | head -1)
	"$0" --target 127.0.0.2 --user alice --password-file "$1" --replay "$f" -T 3 >"$2.rdead" 2>&1
	echo $? >"$2.rdeadrc"
	"$0" --listen 127.0.0.2 --user alice --password-file "$1" --load 5 --duration 8 --seed 7 >/dev/null 2>&1 &
	srv=$!
	sleep 0.3
	"$0" --target 127.0.0.2 --user alice --password-file "$1" --replay "$f" -T 3 >"$2.rlive" 2>&1
	echo $? >"$2.rliverc"
	kill $srv' "$C" "$tmp/pw" "$tmp/d" "$PWD/tests/conform/fake" >/dev/null 2>&1
f=$(ls "$tmp"/d.find/*.pptp 2>/dev/null | head -1)
if [ "$(cat "$tmp/d.drc" 2>/dev/null)" = 1 ] && [ -n "$f" ] && grep -q "the last message delivered before the failure: message [0-9]*: " "$tmp/d.dcli" &&
   grep -q "^# the liveness probe" "$f"; then
	ok "--mutate against a target that dies: exit 1, the finding written as $(basename "$f") naming the message before the failure"
else ko "--mutate against a dying target: exit $(cat "$tmp/d.drc" 2>/dev/null): $(head -3 "$tmp/d.dcli" | tr "\n" " " | cut -c1-400)"; fi
if [ "$(cat "$tmp/d.rdeadrc" 2>/dev/null)" = 2 ] && [ "$(cat "$tmp/d.rliverc" 2>/dev/null)" = 0 ] && grep -q "^PASS mutate-7-" "$tmp/d.rlive"; then
	ok "--replay FILE: the finding reproduces against the dead target (exit 2) and passes against a live one"
else ko "--replay: dead exit $(cat "$tmp/d.rdeadrc" 2>/dev/null), live exit $(cat "$tmp/d.rliverc" 2>/dev/null): $(head -2 "$tmp/d.rlive" | tr "\n" " ")"; fi

# ---- the library: the server role's share of it ----
"$C" --list >"$tmp/all" 2>"$tmp/all.err"
ns=$(awk '$2 == "server"' "$tmp/all" | wc -l)
[ "$ns" -ge 40 ] && ok "--list: $ns server-role scenarios" || ko "--list: $ns server-role scenarios: $(head -1 "$tmp/all.err")"
bad=$(awk '$2 == "server" && $1 !~ /^srv-/ { print $1 }' "$tmp/all")
[ -z "$bad" ] && ok "every server-role id starts with srv-" || ko "server-role ids without srv-: $bad"
grep -q '^srv-session-basic  *server ' "$tmp/all" && ok "srv-session-basic is in the library" || ko "srv-session-basic is missing"
awk '$2 == "server" { print $1 }' "$tmp/all" | sort >"$tmp/ids"
awk '{ print $1 }' "$tmp/full" | sort >"$tmp/paired"
miss=$(comm -23 "$tmp/ids" "$tmp/paired" | tr '\n' ' ')
[ -z "$miss" ] && ok "every server-role scenario has a line in tests/conform/pairs" || ko "not in tests/conform/pairs: $miss"
extra=$(comm -13 "$tmp/ids" "$tmp/paired" | tr '\n' ' ')
[ -z "$extra" ] && ok "tests/conform/pairs names only existing server scenarios" || ko "tests/conform/pairs names unknown ids: $extra"
# --listen takes only server-role scenarios, --target only client-role ones (main.c filters)
if "$C" --listen 127.0.0.1 --scenario 'ctrl-*' -T 1 >"$tmp/f.out" 2>&1; then rc=0; else rc=$?; fi
[ "$rc" -eq 2 ] && grep -q 'no scenario matches' "$tmp/f.out" && ok "--listen does not run client-role scenarios" ||
	ko "--listen with a client-role glob: exit $rc: $(head -1 "$tmp/f.out")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
