#!/bin/sh
# run.sh: mkcap's checks: every crafted source builds, rebuilds byte for byte, tcpdump reads it, and source errors
# are reported as FILE:LINE:COL with exit status 2.  Prints "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 1
MKCAP=${MKCAP:-$SAN/mkcap}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ ! -x "$MKCAP" ]; then
	echo "FAIL: $MKCAP not built (make $MKCAP)"
	echo "0 passed, 1 failed"
	exit 1
fi

for src in captures/crafted/*.txt; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .txt)
	if ! "$MKCAP" -o "$tmp/$name.a.pcap" "$src" 2>"$tmp/err"; then
		bad "$name: mkcap failed: $(head -3 "$tmp/err")"
		continue
	fi
	ok
	"$MKCAP" -o "$tmp/$name.b.pcap" "$src" 2>/dev/null
	if cmp -s "$tmp/$name.a.pcap" "$tmp/$name.b.pcap"; then ok; else bad "$name: two builds differ"; fi
	if tcpdump -nn -r "$tmp/$name.a.pcap" >"$tmp/td" 2>"$tmp/tderr"; then
		n=$(wc -l <"$tmp/td")
		if [ "$n" -gt 0 ]; then ok; else bad "$name: tcpdump read no packets"; fi
	else
		bad "$name: tcpdump cannot read it: $(head -2 "$tmp/tderr")"
	fi
	# the same source as pcapng must also read back, with the same packets
	if "$MKCAP" -F pcapng -o "$tmp/$name.ng" "$src" 2>/dev/null &&
	   tcpdump -nn -r "$tmp/$name.ng" >"$tmp/td2" 2>/dev/null && cmp -s "$tmp/td" "$tmp/td2"; then
		ok
	else
		bad "$name: the pcapng output does not read back the same"
	fi
done

# source errors: exit 2 and FILE:LINE:COL: message
check_err() { # check_err NAME EXPECTED-PREFIX SOURCE-TEXT
	printf '%s\n' "$3" >"$tmp/$1.txt"
	"$MKCAP" -o "$tmp/$1.pcap" "$tmp/$1.txt" 2>"$tmp/$1.err"
	rc=$?
	got=$(head -1 "$tmp/$1.err")
	case "$got" in
	"$tmp/$1.txt:$2"*) if [ "$rc" -eq 2 ]; then ok; else bad "$1: exit $rc, expected 2"; fi ;;
	*) bad "$1: expected '$tmp/$1.txt:$2...', got '$got' (exit $rc)" ;;
	esac
	if [ -e "$tmp/$1.pcap" ] || [ -e "$tmp/$1.pcap.tmp" ]; then bad "$1: output left behind after an error"; else ok; fi
}
check_err unknown_directive "2:1: unknown directive" "# comment
linq ether"
check_err bad_link "1:6: unknown link type" "link token-ring"
check_err bad_time "2:2: " "time 1700000000
+x c1 pns SCCRQ"
check_err unknown_name "2:8: no connection or call named 'c9'" "time 1700000000
+0.001 c9 handshake"
check_err bad_addr "1:13: " "conn c1 pns 192.0.2.300:1 pac 192.0.2.1:1723"
check_err unterminated "2:12: unterminated string" "conn c1 pns 192.0.2.2:4000 pac 192.0.2.1:1723
c1 pns raw \"abc"
check_err bad_hex "2:17: bad hex" "conn c1 pns 192.0.2.2:4000 pac 192.0.2.1:1723
c1 pns raw hex \"0g\""
check_err unknown_field "3:21: unknown field 'bogus'" "conn c1 pns 192.0.2.2:4000 pac 192.0.2.1:1723
c1 handshake
c1 pns raw hex \"00\" bogus=1"
check_err range "1:32: " "conn c1 pns 192.0.2.2:4000 pac 192.0.2.1:99999"
check_err dup_name "2:6: 'c1' is already defined" "conn c1 pns 192.0.2.2:4000 pac 192.0.2.1:1723
conn c1 pns 192.0.2.3:4000 pac 192.0.2.1:1723"

# an error inside an included file names that file and its line
mkdir -p "$tmp/inc"
printf 'conn c1 pns 192.0.2.2:4000 pac 192.0.2.1:1723\nc1 pns SCCRQ bogus=1\n' >"$tmp/inc/part.txt"
printf '# top\ninclude "inc/part.txt"\n' >"$tmp/top.txt"
"$MKCAP" -o "$tmp/top.pcap" "$tmp/top.txt" 2>"$tmp/top.err"
rc=$?
case "$(head -1 "$tmp/top.err")" in
"$tmp/inc/part.txt:2:14: unknown field 'bogus'"*) [ "$rc" -eq 2 ] && ok || bad "include error: exit $rc" ;;
*) bad "include error: got '$(head -1 "$tmp/top.err")'" ;;
esac
# an included file's link gives way to the includer's; the output format follows -F or the format line
printf 'link ether\nconn c1 pns 192.0.2.2:4000 pac 192.0.2.1:1723\nc1 handshake\n' >"$tmp/inc/body.txt"
printf 'link raw\ninclude "inc/body.txt"\n' >"$tmp/raw.txt"
if "$MKCAP" -o "$tmp/raw.pcap" "$tmp/raw.txt" && tcpdump -r "$tmp/raw.pcap" 2>&1 | grep -q 'link-type RAW'; then
	ok
else
	bad "include: the includer's link did not win"
fi
magic() { od -An -tx1 -N4 "$1" | tr -d ' '; }
"$MKCAP" -F pcapng -o "$tmp/ng1" "$tmp/raw.txt" 2>/dev/null
if [ "$(magic "$tmp/ng1")" = 0a0d0d0a ]; then ok; else bad "-F pcapng did not write pcapng"; fi
"$MKCAP" -o "$tmp/p1" "$tmp/raw.txt" 2>/dev/null
if [ "$(magic "$tmp/p1")" = d4c3b2a1 ]; then ok; else bad "default output is not little-endian pcap"; fi
printf 'format pcapng\ninclude "raw.txt"\n' >"$tmp/fmt.txt"
"$MKCAP" -F pcap -o "$tmp/ng2" "$tmp/fmt.txt" 2>/dev/null
if [ "$(magic "$tmp/ng2")" = 0a0d0d0a ]; then ok; else bad "the format line did not win over -F"; fi

# usage errors
if "$MKCAP" >/dev/null 2>&1; then bad "no arguments accepted"; else ok; fi
if "$MKCAP" -o "$tmp/x.pcap" "$tmp/does-not-exist.txt" 2>/dev/null; then bad "missing source accepted"; else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
