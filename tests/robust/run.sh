#!/bin/sh
# run.sh: bounded memory under floods (issue 23 part 5). floodcap writes a capture built to exhaust the
# analyzer: control connections opened and never closed, GRE for random Call IDs, TCP streams with
# gigabyte holes, IP fragments that never complete, an endless LCP negotiation; at two sizes (50,000 and
# 200,000 connections). pptp-analyze must end normally, stay below the documented bound (64 MiB peak
# RSS: docs/robustness.md) with memory flat between the sizes, and report what its caps dropped
# (nothing silently). Prints one line per check and "N passed, N failed".
: "${PT_TOP:=.}" "${REL:=build/rel}"
cd "$PT_TOP" || exit 1
A=$PWD/bin/pptp-analyze
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }
BOUND_KB=65536

cp "$A" "$tmp/pptp-analyze" || exit 1
for n in 50000 200000; do
	"$REL/robust/floodcap" "$tmp/flood.pcap" $n 2>"$tmp/gen"
	"$REL/bench/rusage" "$tmp/ru.$n" timeout 300 "$tmp/pptp-analyze" --json "$tmp/flood.pcap" >"$tmp/out.$n" 2>"$tmp/err.$n"
	read -r wall cpu rss rc <"$tmp/ru.$n"
	if [ "$rc" -le 1 ]; then ok "$n connections: ended normally (exit $rc) in $wall s, $(cat "$tmp/gen")"; else
		ko "$n connections: exit $rc: $(head -3 "$tmp/err.$n")"; fi
	if [ "$rss" -lt $BOUND_KB ]; then ok "$n connections: peak RSS $rss KiB, below $BOUND_KB"; else ko "$n connections: peak RSS $rss KiB"; fi
	eval "rss_$n=$rss"
	for rule in pptp.model.conn_cap cap.tcp.evicted cap.frag.evicted; do
		if jq -e -s --arg r "$rule" 'map(select(.type == "finding" and .rule == $r)) | length > 0' "$tmp/out.$n" >/dev/null; then
			ok "$n connections: $rule reported"
		else ko "$n connections: $rule not reported"; fi
	done
	if jq -e -s 'map(select(.type == "capture"))[0] | .suppressed > 0 and .connections == 4096' "$tmp/out.$n" >/dev/null; then
		ok "$n connections: the connection cap held (4096) and the findings past the report limit are counted"
	else ko "$n connections: $(jq -c 'select(.type == "capture")' "$tmp/out.$n")"; fi
done
# flat: four times the input, not more memory (a little for the calls' own state)
if [ "$rss_200000" -lt $((rss_50000 * 5 / 4 + 4096)) ]; then ok "memory flat: $rss_50000 KiB at 50,000 connections, $rss_200000 KiB at 200,000"; else
	ko "memory grows: $rss_50000 KiB at 50,000 connections, $rss_200000 KiB at 200,000"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
