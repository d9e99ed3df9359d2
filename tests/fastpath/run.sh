#!/bin/sh
# run.sh: the steady-state data path (issue 22; lib/pppobs.c pt_pppobs_data_quiet, lib/tunnel_ppp.c) changes no output.
# Every capture in captures/real and build/captures goes through pptp-analyze with the path on and with it off
# (PPTP_NO_FASTPATH, read by analyzer/main.c only), without credentials and with each lab password (wonderland42,
# clientPass, secret), as text, JSON, decode lines, verdicts and the ladder, with --write-decrypted when there is a
# password: stdout, stderr, the exit status and the decrypted pcap must be byte for byte the same. Then pptp-gencap
# captures (a clean one, one with loss and reordering) the same way, and the count (PPTP_FASTPATH_STATS) that the
# path took most of their GRE packets and none when off; likewise the short outer IPv4 parse (analyzer/main.c) and
# the last-flow cache of the call lookup (lib/tunnel.c), and the offload finding with the short parse. Prints
# "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}" "${REL:=build/rel}"
cd "$PT_TOP" || exit 1
A=${FASTPATH_ANALYZER:-$PWD/bin/pptp-analyze}
ASAN=$PWD/$SAN/pptp-analyze
GEN=$PWD/$REL/pptp-gencap
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }
export TZ=UTC
unset PPTP_NO_FASTPATH PPTP_FASTPATH_STATS PPTP_PASSWORD

for t in "$A" "$ASAN" "$GEN"; do
	[ -x "$t" ] || { ko "$t missing (make check builds it)"; echo "$passed passed, $failed failed"; exit 1; }
done

# run BIN TAG(on|off) PW CAPTURE ARGS...: stdout, stderr, status and decrypted pcap under $tmp/TAG.*
run() {
	bin=$1 tag=$2 pw=$3 cap=$4
	shift 4
	rm -f "$tmp/$tag.pcap"
	if [ "$tag" = off ]; then nf=1; else nf=; fi
	if [ -n "$pw" ]; then
		env ${nf:+PPTP_NO_FASTPATH=1} PPTP_PASSWORD="$pw" "$bin" "$@" -w "$tmp/$tag.pcap" "$cap" >"$tmp/$tag.out" 2>"$tmp/$tag.err"
	else
		env ${nf:+PPTP_NO_FASTPATH=1} "$bin" "$@" "$cap" >"$tmp/$tag.out" 2>"$tmp/$tag.err"
	fi
	echo $? >"$tmp/$tag.rc"
}

# what differs between on and off, nothing when the same
differ() {
	d=
	for x in out err rc pcap; do
		if [ -e "$tmp/on.$x" ] || [ -e "$tmp/off.$x" ]; then
			cmp -s "$tmp/on.$x" "$tmp/off.$x" || d="$d $x"
		fi
	done
	echo "$d"
}

# compare BIN CAPTURE MODES...: every mode, every password; echoes what differed
compare() {
	bin=$1 cap=$2
	shift 2
	bad=
	for pw in "" wonderland42 clientPass secret; do
		for mode in "$@"; do
			case $mode in
				text) args= ;;
				json) args=--json ;;
				decode) args=--decode ;;
				verdict) args=--verdict ;;
				ladder) args=--ladder ;;
			esac
			# shellcheck disable=SC2086
			run "$bin" on "$pw" "$cap" $args
			# shellcheck disable=SC2086
			run "$bin" off "$pw" "$cap" $args
			d=$(differ)
			[ -n "$d" ] && bad="$bad ${pw:-nopw}/$mode:$d"
			rm -f "$tmp/on.pcap" "$tmp/off.pcap"
		done
	done
	echo "$bad"
}

ncap=0
for cap in captures/real/*.pcap build/captures/*.pcap; do
	[ -f "$cap" ] || continue
	ncap=$((ncap + 1))
	base=$(basename "$cap" .pcap)
	bad=$(compare "$A" "$cap" text json decode verdict ladder)
	if [ -z "$bad" ]; then ok "$base: fast path on as off (text, json, decode, verdict, ladder; 4 credentials; stdout, stderr, status, pcap)"; else
		ko "$base: fast path changes:$bad"; fi
done
if [ "$ncap" -ge 150 ]; then ok "$ncap captures compared"; else ko "only $ncap captures found (build/captures not built?)"; fi

# pptp-gencap: every profile, then loss and reordering
G1=$tmp/gen1.pcap
G2=$tmp/gen2.pcap
if "$GEN" -o "$G1" --size 20M --seed 3 2>"$tmp/gen.err" && "$GEN" -o "$G2" --size 4M --seed 5 --loss 20000 --reorder 20000 2>>"$tmp/gen.err"; then
	ok "pptp-gencap captures made"
else
	ko "pptp-gencap failed: $(head -2 "$tmp/gen.err")"
fi
for g in "$G1" "$G2"; do
	n=$(basename "$g" .pcap)
	bad=$(compare "$A" "$g" text json verdict)
	if [ -z "$bad" ]; then ok "$n: fast path on as off (text, json, verdict; 4 credentials; with the decrypted pcap)"; else
		ko "$n: fast path changes:$bad"; fi
done
# the sanitizer build on the lossy one (the path's bounds under ASan/UBSan)
bad=$(compare "$ASAN" "$G2" json)
if [ -z "$bad" ]; then ok "gen2 under ASan/UBSan: on as off"; else ko "gen2 under ASan/UBSan:$bad"; fi

# the path is taken: most GRE packets of a clean capture, none when it is off
stats() { env "$@" PPTP_FASTPATH_STATS=1 "$A" "$G1" 2>&1 >/dev/null | sed -n 's/^pptp-analyze: fast path: \([0-9]*\) of \([0-9]*\) GRE packets$/\1 \2/p'; }
set -- $(stats)
if [ -n "$1" ] && [ "$2" -gt 10000 ] && [ $(($1 * 100)) -ge $(($2 * 90)) ]; then ok "gen1: fast path took $1 of $2 GRE packets (>= 90 %)"; else
	ko "gen1: fast path took ${1:-?} of ${2:-?} GRE packets"; fi
set -- $(stats PPTP_PASSWORD=wonderland42)
if [ -n "$1" ] && [ $(($1 * 100)) -ge $(($2 * 90)) ]; then ok "gen1 with the password: fast path took $1 of $2 GRE packets"; else
	ko "gen1 with the password: fast path took ${1:-?} of ${2:-?}"; fi
set -- $(stats PPTP_NO_FASTPATH=1)
if [ "$1" = 0 ] && [ "$2" -gt 10000 ]; then ok "PPTP_NO_FASTPATH: 0 of $2 GRE packets on the fast path"; else
	ko "PPTP_NO_FASTPATH: ${1:-?} of ${2:-?} on the fast path"; fi
# the short outer IPv4 parse (analyzer/main.c ip_v4_quiet) and the last-flow cache in front of the call lookup
# (lib/tunnel.c call_by_gre): most GRE packets of the clean capture, none when off
stats2() { env "$@" PPTP_FASTPATH_STATS=1 "$A" "$G1" 2>&1 >/dev/null | sed -n 's/^pptp-analyze: fast path: \([0-9]*\) outer IPv4 headers parsed short, \([0-9]*\) calls from the last-flow cache$/\1 \2/p'; }
set -- $(stats)
gre=$2
set -- $(stats2)
if [ -n "$1" ] && [ -n "$gre" ] && [ "$gre" -gt 10000 ] && [ $(($1 * 100)) -ge $((gre * 90)) ] && [ "$1" -le "$gre" ]; then
	ok "gen1: $1 of $gre outer IPv4 headers parsed short (>= 90 %)"; else ko "gen1: short IPv4 parse took ${1:-?} of ${gre:-?}"; fi
if [ -n "$2" ] && [ -n "$gre" ] && [ $(($2 * 100)) -ge $((gre * 90)) ] && [ "$2" -le "$gre" ]; then
	ok "gen1: $2 of $gre calls from the last-flow cache (>= 90 %)"; else ko "gen1: last-flow cache gave ${2:-?} of ${gre:-?}"; fi
set -- $(stats2 PPTP_NO_FASTPATH=1)
if [ "$1" = 0 ] && [ "$2" = 0 ]; then ok "PPTP_NO_FASTPATH: no short IPv4 parse, no cache hit"; else
	ko "PPTP_NO_FASTPATH: ${1:-?} short IPv4 parses, ${2:-?} cache hits"; fi
# the offload capture: a zero checksum goes the full way until its host is told (the finding), later ones short
cap=build/captures/t-checksum-offload.pcap
if [ -f "$cap" ]; then
	set -- $(env PPTP_FASTPATH_STATS=1 "$A" "$cap" 2>&1 >/dev/null | sed -n 's/^pptp-analyze: fast path: \([0-9]*\) outer IPv4 headers parsed short.*/\1/p')
	n=$("$A" "$cap" | grep -c 'cap.ipv4.checksum_offload')
	if [ -n "$1" ] && [ "$1" -gt 0 ] && [ "$n" = 1 ]; then
		ok "t-checksum-offload: $1 headers short, the offload finding told once"; else
		ko "t-checksum-offload: ${1:-?} headers short, offload finding $n times"; fi
else
	ko "$cap missing"
fi
# without PPTP_FASTPATH_STATS no such line
if "$A" "$G1" 2>&1 >/dev/null | grep -q 'fast path'; then ko "the count is printed without PPTP_FASTPATH_STATS"; else
	ok "no count without PPTP_FASTPATH_STATS"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
