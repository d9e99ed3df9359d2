#!/bin/sh
# run.sh: pptp-analyze as a program: bad input, standard input, exit status, credentials,
# and decryption of the real-peer captures checked against the clear inner captures (the oracle).
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
A=${ANALYZE:-$SAN/pptp-analyze}
export TZ=UTC LC_ALL=C
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
ko() { echo "FAIL $*"; fail=$((fail + 1)); }
san() { # no sanitizer report in $1
	if grep -q 'Sanitizer\|runtime error:' "$1"; then ko "sanitizer report: $2"; head -5 "$1"; else ok; fi
}
# expect STATUS NAME -- command...: exit status, and for status 2 exactly one line on stderr
expect() {
	want=$1 name=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then ko "$name: exit $got, expected $want"; sed 's/^/    /' "$tmp/err" | head -5; else ok; fi
	san "$tmp/err" "$name"
}
one_line_naming() { # NAME WORD: stderr is one line that contains WORD
	if [ "$(grep -cv 'Sanitizer\|^$' "$tmp/err")" -eq 1 ] && grep -q -- "$2" "$tmp/err"; then ok; else
		ko "$1: stderr should be one line naming '$2':"; sed 's/^/    /' "$tmp/err" | head -5
	fi
}

real=captures/real/mschapv2-mppe128.pcap
clean=build/captures/clean-mschapv2.pcap

# ---- bad input: one line naming the file, exit 2, no crash
expect 2 missing -- "$A" /nonexistent/x.pcap
one_line_naming missing /nonexistent/x.pcap
printf 'this is not a capture file at all, just text\n' >"$tmp/text.pcap"
expect 2 not-a-capture -- "$A" "$tmp/text.pcap"
one_line_naming not-a-capture "$tmp/text.pcap"
: >"$tmp/empty.pcap"
expect 2 empty-file -- "$A" "$tmp/empty.pcap"
one_line_naming empty-file "$tmp/empty.pcap"
# a capture cut in the middle of a record: the report of what was read, then exit 2 naming the packet
size=$(wc -c <"$real")
head -c $((size / 2)) "$real" >"$tmp/cut.pcap"
expect 2 truncated-file -- "$A" "$tmp/cut.pcap"
if grep -q 'packet [0-9]' "$tmp/err" && grep -q "$tmp/cut.pcap" "$tmp/err"; then ok; else ko "truncated-file: stderr should name the file and the packet"; cat "$tmp/err"; fi
if grep -q '^Verdicts' "$tmp/out"; then ok; else ko "truncated-file: no report of the packets read"; fi
# an unknown link type (pcap header with LINKTYPE 147, user 0)
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\223\000\000\000' >"$tmp/dlt.pcap"
expect 2 unknown-linktype -- "$A" "$tmp/dlt.pcap"
one_line_naming unknown-linktype "$tmp/dlt.pcap"
expect 2 usage-unknown-option -- "$A" --no-such-option "$clean"
expect 2 usage-no-capture -- "$A"
expect 2 usage-two-captures -- "$A" "$clean" "$clean"
expect 2 usage-bad-fail-on -- "$A" --fail-on fatal "$clean"
expect 2 bad-filter -- "$A" -f 'tcp port nonsense' "$clean"
expect 0 help -- "$A" --help
expect 0 list-rules -- "$A" --list-rules
n=$(wc -l <"$tmp/out")
if [ "$n" -gt 100 ]; then ok; else ko "list-rules: only $n rules"; fi

# ---- docs/rules.md is generated from the catalog and must be current (make rules-doc)
"$A" --list-rules=markdown >"$tmp/rules.md"
if cmp -s "$tmp/rules.md" docs/rules.md; then ok; else ko "docs/rules.md is stale: run make rules-doc"; fi

# ---- garbage inside a good file: every byte after the headers overwritten at random offsets (deterministic)
i=0
for seed in 1 2 3 4 5 6 7 8; do
	cp "$real" "$tmp/garbled.pcap"
	off=$((100 + seed * 977))
	while [ "$off" -lt "$size" ]; do
		printf '\377\000\252' | dd of="$tmp/garbled.pcap" bs=1 seek="$off" conv=notrunc 2>/dev/null
		off=$((off + 331 * seed + 17))
	done
	"$A" --password wonderland42 "$tmp/garbled.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -le 2 ]; then ok; else ko "garbled $seed: exit $rc (crash?)"; fi
	san "$tmp/err" "garbled $seed"
	i=$((i + 1))
done

# ---- --json is JSON Lines: every line of every golden JSON output and of --list-rules=json parses
if command -v jq >/dev/null 2>&1; then
	badjson=0
	for j in tests/golden/expected/*.json; do
		grep -v '^exit ' "$j" | jq -c . >/dev/null 2>&1 || { echo "    not JSON Lines: $j"; badjson=1; }
	done
	"$A" --list-rules=json | jq -se 'length > 100 and all(.[]; .id and .severity and .ref and .text)' >/dev/null 2>&1 || badjson=1
	"$A" --json --password wonderland42 "$real" 2>/dev/null | jq -se 'map(select(.type == "call")) | .[0].inner_pns.ipv4 > 0' >/dev/null 2>&1 || badjson=1
	if [ "$badjson" -eq 0 ]; then ok; else ko "--json output that jq does not parse"; fi
else
	ko "jq missing: the JSON check needs it (make deps)"
fi

# ---- standard input gives the same analysis as the file
"$A" --json "$clean" | grep -v '"type":"capture"' >"$tmp/a"
"$A" --json - <"$clean" | grep -v '"type":"capture"' >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b" && [ -s "$tmp/a" ]; then ok; else ko "stdin: output differs from the file's"; fi

# ---- pcapng reads like pcap
"$A" --json build/captures/format-pcapng.pcap >"$tmp/a" 2>&1
if grep -q '"type":"call"' "$tmp/a"; then ok; else ko "pcapng: no call found"; fi

# ---- exit status and --fail-on
expect 0 fail-on-error-clean -- "$A" --password clientPass "$clean"
expect 1 fail-on-error-bad -- "$A" build/captures/bad-magic.pcap
expect 0 fail-on-none -- "$A" --fail-on none build/captures/bad-magic.pcap
expect 1 fail-on-info -- "$A" --fail-on info "$clean"

# ---- options before or after the capture name give the same result
"$A" --password wonderland42 --json "$real" >"$tmp/a" 2>/dev/null
"$A" "$real" --json --password wonderland42 >"$tmp/b" 2>/dev/null
if cmp -s "$tmp/a" "$tmp/b"; then ok; else ko "option order changes the output"; fi

# ---- credentials: right, wrong, NT hash, file, environment, credentials list; secrets never printed
printf 'wonderland42\n' >"$tmp/pw"
printf '# test users\nbob:builder\nalice:wonderland42\n' >"$tmp/creds"
check_verified() { # NAME then analyzer args
	name=$1
	shift
	"$A" --json "$@" "$real" >"$tmp/out" 2>"$tmp/err"
	if grep -q '"password_check":"password verified"' "$tmp/out" && grep -q '"decrypt_failed":0' "$tmp/out" &&
	   ! grep -q '"decrypted":0,' "$tmp/out"; then ok; else ko "credentials $name: not verified/decrypted"; fi
	if grep -q 'wonderland42' "$tmp/out" "$tmp/err"; then ko "credentials $name: the password was printed"; else ok; fi
}
check_verified password --password wonderland42
check_verified password-file --password-file "$tmp/pw"
check_verified credentials-file --credentials "$tmp/creds"
PPTP_PASSWORD=wonderland42 check_verified environment
"$A" --json --password notthepassword "$real" >"$tmp/out" 2>/dev/null
if grep -q '"password_check":"wrong password"' "$tmp/out"; then ok; else ko "wrong password not reported as such"; fi
if grep -q '"rule":"auth.password.mismatch"' "$tmp/out"; then ok; else ko "wrong password: no auth.password.mismatch finding"; fi
"$A" --json --user bob --password wonderland42 "$real" >"$tmp/out" 2>/dev/null
if grep -q '"password_check":"no credentials for this user"' "$tmp/out"; then ok; else ko "--user bob: should have no credentials for alice"; fi

# ---- --password alone asks on the terminal, without echo (script gives a terminal)
if command -v script >/dev/null 2>&1; then
	(sleep 2; printf 'wonderland42\n'; sleep 1) | script -qec "$A --verdict --password $real" /dev/null >"$tmp/out" 2>&1
	if grep -q 'password verified' "$tmp/out" && grep -q '^Password: ' "$tmp/out" && ! grep -q wonderland42 "$tmp/out"; then ok; else
		ko "password prompt: not read, or echoed"; sed 's/^/    /' "$tmp/out" | head -5
	fi
fi

# ---- live capture on loopback (root only: CI runs as root): a refused connection to port 1723,
# made by this test, seen live; SIGINT ends the capture with a report and exit 0
if [ "$(id -u)" -eq 0 ]; then
	"$A" -i lo --verdict >"$tmp/live" 2>&1 &
	lpid=$!
	sleep 2
	bash -c 'echo x >/dev/tcp/127.0.0.1/1723' 2>/dev/null
	sleep 1
	kill -INT "$lpid"
	wait "$lpid"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q '\[tcp-refused\] TCP connection to 127.0.0.1:1723 refused' "$tmp/live"; then ok; else
		ko "live capture on lo: exit $rc"; sed 's/^/    /' "$tmp/live" | head -5
	fi
else
	echo "note: live capture test needs root; not run"
fi

# ---- decryption against the oracle: every IP packet of the clear inner capture (ppp0) is among
# the decrypted frames written by --write-decrypted
hexdump_ip() { # FILE -> one line of hex per packet, IP layer only (tcpdump -x skips the link header)
	tcpdump -nn -x -r "$1" 2>/dev/null | awk '
		/^[0-9]/ { if (p != "") print p; p = ""; next }
		/^[ \t]+0x/ { for (i = 2; i <= NF; i++) p = p $i; next }
		END { if (p != "") print p }' | sort -u
}
if command -v tcpdump >/dev/null 2>&1; then
	for cap in captures/real/*.pcap; do
		case $cap in *.inner*.pcap) continue ;; esac
		base=${cap%.pcap}
		set -- "$base".inner*.pcap
		[ -f "$1" ] || continue
		"$A" --password wonderland42 --write-decrypted "$tmp/dec.pcap" "$cap" >/dev/null 2>"$tmp/err"
		hexdump_ip "$tmp/dec.pcap" >"$tmp/dec.hex"
		# packets the peers dropped before the wire (pptp-linux drops GRE past the window, netem
		# drops on purpose) are in the inner capture and nowhere on the wire: the GRE loss count
		# the analyzer reports bounds how many the oracle may miss
		lost=$("$A" --json "$cap" 2>/dev/null | grep -o '"lost":[0-9]*' | awk -F: '{ s += $2 } END { print s + 0 }')
		# stateful MPPE (RFC 3078 8.2): after a loss the receiver discards every frame until the
		# FLUSHED one, the peer's kernel as well as the analyzer: those cannot be decrypted by anyone
		discarded=$("$A" --password wonderland42 --json "$cap" 2>/dev/null | jq -r 'select(.type == "call" and ((.encryption // "") | test("stateful"))) | .decrypt_failed // 0' | awk '{ s += $1 } END { print s + 0 }')
		lost=$((lost + discarded))
		for inner in "$@"; do
			hexdump_ip "$inner" >"$tmp/inner.hex"
			total=$(wc -l <"$tmp/inner.hex")
			missing=$(comm -23 "$tmp/inner.hex" "$tmp/dec.hex" | wc -l)
			if [ "$total" -gt 0 ] && [ "$missing" -le "$lost" ]; then ok; else
				ko "oracle $(basename "$inner"): $missing of $total inner packets not among the decrypted frames (GRE lost $lost)"
			fi
		done
	done
else
	ko "tcpdump missing: the oracle comparison needs it (make deps)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
