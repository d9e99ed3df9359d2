#!/bin/sh
# run.sh: --threads (issue 22 part 3): decrypting on several threads changes nothing in the output. Every capture
# in captures/real and build/captures (made from captures/crafted) goes through pptp-analyze with the lab password
# with --threads 1, 2 and 4, as text, JSON, decode lines and verdicts, each with --write-decrypted: the report, the
# messages on stderr, the exit status and the decrypted pcap must be byte for byte those of one thread. Then a larger
# pptp-gencap capture (many calls: MPPE-128 and -40, stateless and stateful, MPPC, loss and reordering) that fills the
# queues, the same way; that the threads are there (strace), that memory stays bounded and flat with them, and that
# when they cannot be started the run says so and goes on with the same output. Prints "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}" "${REL:=build/rel}"
cd "$PT_TOP" || exit 1
A=${THREADS_ANALYZER:-$PWD/$SAN/pptp-analyze}
AREL=$PWD/bin/pptp-analyze
GEN=$PWD/$REL/pptp-gencap
RU=$PWD/$REL/bench/rusage
PW=wonderland42
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }
export TZ=UTC

for t in "$A" "$AREL" "$GEN" "$RU"; do
	[ -x "$t" ] || { ko "$t missing (make check builds it)"; echo "$passed passed, $failed failed"; exit 1; }
done

# run BIN TAG THREADS CAPTURE ARGS...: stdout, stderr, exit status and the decrypted pcap under $tmp/TAG.THREADS.*
run() {
	bin=$1 tag=$2 th=$3 cap=$4
	shift 4
	rm -f "$tmp/$tag.$th.pcap"
	PPTP_PASSWORD=$PW "$bin" --threads "$th" "$@" -w "$tmp/$tag.$th.pcap" "$cap" >"$tmp/$tag.$th.out" 2>"$tmp/$tag.$th.err"
	echo $? >"$tmp/$tag.$th.rc"
}

# differ TAG N: what differs between one thread and N threads, nothing when the same
differ() {
	tag=$1 n=$2 d=
	for x in out err rc pcap; do
		if [ -e "$tmp/$tag.1.$x" ] || [ -e "$tmp/$tag.$n.$x" ]; then
			cmp -s "$tmp/$tag.1.$x" "$tmp/$tag.$n.$x" || d="$d $x"
		fi
	done
	echo "$d"
}

# every capture, every output
ncap=0
for cap in captures/real/*.pcap build/captures/*.pcap; do
	[ -f "$cap" ] || continue
	case $cap in *.inner*.pcap) continue ;; esac
	ncap=$((ncap + 1))
	base=$(basename "$cap" .pcap)
	bad=
	for mode in text json decode verdict; do
		case $mode in
			text) args= ;;
			json) args=--json ;;
			decode) args=--decode ;;
			verdict) args=--verdict ;;
		esac
		for th in 1 2 4; do
			# shellcheck disable=SC2086
			run "$A" "$mode" "$th" "$cap" $args
		done
		for th in 2 4; do
			d=$(differ "$mode" "$th")
			[ -n "$d" ] && bad="$bad $mode/$th:$d"
		done
	done
	if [ -z "$bad" ]; then ok "$base: --threads 2 and 4 as --threads 1 (text, json, decode, verdict; stdout, stderr, status, decrypted pcap)"; else
		ko "$base: differs from one thread:$bad"; fi
done
if [ "$ncap" -ge 150 ]; then ok "$ncap captures compared"; else ko "only $ncap captures found (build/captures not built?)"; fi

# a larger capture: every profile of pptp-gencap, loss and reordering, thousands of packets per call
G=$tmp/gen.pcap
if "$GEN" -o "$G" --size 6M --seed 7 --loss 5000 --reorder 5000 2>"$tmp/gen.err"; then
	sum=$(tail -1 "$tmp/gen.err")
	# "... N calls (a 128 stateless, b 128 stateful, c 40 stateless, d 128 stateful+MPPC, e 40 stateful), ... L lost, R reordered"
	if echo "$sum" | grep -Eq '\(([1-9][0-9]*) 128 stateless, ([1-9][0-9]*) 128 stateful, ([1-9][0-9]*) 40 stateless, ([1-9][0-9]*) 128 stateful\+MPPC, ([1-9][0-9]*) 40 stateful\).* ([1-9][0-9]*) lost, ([1-9][0-9]*) reordered'; then
		ok "pptp-gencap capture with every profile, loss and reordering: ${sum#pptp-gencap: }"
	else ko "pptp-gencap capture lacks a profile, loss or reordering: $sum"; fi
else
	ko "pptp-gencap failed: $(head -2 "$tmp/gen.err")"
fi
for mode in text json verdict; do
	case $mode in text) args= ;; json) args=--json ;; verdict) args=--verdict ;; esac
	for th in 1 2 3 4 8; do
		# shellcheck disable=SC2086
		run "$A" "g$mode" "$th" "$G" $args
	done
	bad=
	for th in 2 3 4 8; do
		d=$(differ "g$mode" "$th")
		[ -n "$d" ] && bad="$bad $th:$d"
	done
	if [ -z "$bad" ]; then ok "gencap $mode: --threads 2, 3, 4 and 8 as --threads 1 (with the decrypted pcap)"; else ko "gencap $mode differs:$bad"; fi
done
dec=$(jq -s '[.[] | select(.type == "call") | .decrypted // 0] | add // 0' "$tmp/gjson.1.out" 2>/dev/null)
if [ "${dec:-0}" -gt 5000 ]; then ok "gencap: $dec frames decrypted, so the threads had work"; else
	ko "gencap: only ${dec:-0} frames decrypted"; fi
if [ "$(wc -c <"$tmp/gtext.1.pcap")" -gt 1000000 ]; then ok "gencap: decrypted pcap of $(wc -c <"$tmp/gtext.1.pcap") octets compared"; else
	ko "gencap: decrypted pcap too small ($(wc -c <"$tmp/gtext.1.pcap") octets)"; fi
# without credentials the threads have nothing to do: the same report
PPTP_PASSWORD= "$A" --threads 1 "$G" >"$tmp/nc.1" 2>&1
PPTP_PASSWORD= "$A" --threads 4 "$G" >"$tmp/nc.4" 2>&1
if cmp -s "$tmp/nc.1" "$tmp/nc.4"; then ok "gencap without credentials: --threads 4 as 1"; else ko "gencap without credentials differs"; fi

# the threads are there: N - 1 of them beside the reading thread, none for one thread, --decode or no credentials
if command -v strace >/dev/null 2>&1; then
	nthreads() {
		strace -f -qq -e trace=clone,clone3 -o "$tmp/st" env ASAN_OPTIONS=detect_leaks=0 PPTP_PASSWORD="$2" "$A" --threads "$1" $3 "$G" >/dev/null 2>&1
		grep -c 'CLONE_THREAD' "$tmp/st"
	}
	t1=$(nthreads 1 $PW)
	t2=$(nthreads 2 $PW)
	t4=$(nthreads 4 $PW)
	td=$(nthreads 4 $PW --decode)
	tn=$(nthreads 4 "")
	if [ "$t1" = 0 ] && [ "$t2" = 1 ] && [ "$t4" = 3 ] && [ "$td" = 0 ] && [ "$tn" = 0 ]; then
		ok "threads started: 0 for --threads 1, 1 for 2, 3 for 4, 0 with --decode, 0 without credentials"
	else ko "threads started: $t1 for --threads 1, $t2 for 2, $t4 for 4, $td with --decode, $tn without credentials"; fi
else
	ko "strace not installed (make deps): cannot see the threads"
fi

# bounded memory: the rings and the held outputs have fixed bounds, so peak RSS follows the thread count, not the
# capture (release build: ASan's own memory would hide it); four times the capture, the same memory
G4=$tmp/gen4.pcap
"$GEN" -o "$G4" --size 24M --seed 7 --loss 5000 --reorder 5000 -q 2>/dev/null
rss() { # rss FILE THREADS
	PPTP_PASSWORD=$PW "$RU" "$tmp/ru" "$AREL" --threads "$2" -w "$tmp/rss.pcap" "$1" >/dev/null 2>&1
	read -r _w _c kib _rc <"$tmp/ru"
	echo "$kib"
}
r1=$(rss "$G" 1)
r2=$(rss "$G" 2)
r4=$(rss "$G" 4)
r2big=$(rss "$G4" 2)
if [ "$r2" -lt $((r1 + 8192)) ] && [ "$r4" -lt $((r1 + 16384)) ] && [ "$r4" -lt 32768 ]; then
	ok "peak RSS $r1 KiB on one thread, $r2 KiB on two, $r4 KiB on four (bound: 2 MiB ring per worker thread; below 32 MiB)"
else ko "peak RSS $r1 KiB on one thread, $r2 KiB on two, $r4 KiB on four"; fi
if [ "$r2big" -lt $((r2 + 2048)) ]; then ok "memory flat: $r2 KiB on 6 MB, $r2big KiB on 24 MB (two threads)"; else
	ko "memory grows with the capture: $r2 KiB on 6 MB, $r2big KiB on 24 MB"; fi

# threads that cannot be had (no address space for their stacks and rings): one line, then the same output
PPTP_PASSWORD=$PW "$AREL" --threads 1 --json "$G" >"$tmp/lim.1" 2>"$tmp/lim.1.err"
(ulimit -v 120000 && PPTP_PASSWORD=$PW "$AREL" --threads 64 --json "$G" >"$tmp/lim.64" 2>"$tmp/lim.64.err")
if grep -q 'decrypting on this thread' "$tmp/lim.64.err" && cmp -s "$tmp/lim.1" "$tmp/lim.64"; then
	ok "threads not started under a 120 MB address-space limit: '$(head -1 "$tmp/lim.64.err")', the same JSON"
else ko "under an address-space limit: stderr '$(head -2 "$tmp/lim.64.err" | tr '\n' ' ')', output $(cmp "$tmp/lim.1" "$tmp/lim.64" 2>&1 | head -1)"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
