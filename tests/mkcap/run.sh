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

# header overrides, raw frames and fragment faults: errors at the offending token
C4="conn c1 pns 192.0.2.2:4000 pac 192.0.2.1:1723
call k1 c1 pns_call=1 pac_call=7"
C6="conn c1 pns [2001:db8::2]:4000 pac [2001:db8::1]:1723
call k1 c1 pns_call=1 pac_call=7"
check_err ov_v4_on_v6 "3:12: ip_ihl is an IPv4 header field" "$C6
c1 pns ack ip_ihl=4"
check_err ov_v6_on_v4 "3:21: ip_flow is an IPv6 header field" "$C4
c1 pns ack ip_ttl=1 ip_flow=5"
check_err ov_bare_v4_on_v6 "3:33: ip_df is an IPv4 header field" "$C6
k1 pns lcp echoreq id=1 magic=1 ip_df"
check_err ov_tcp_on_call "3:33: tcp_doff changes TCP segments" "$C4
k1 pns lcp echoreq id=1 magic=1 tcp_doff=4"
check_err ov_off8 "3:19: ip_off counts bytes in 8-byte units" "$C4
c1 pns ack ip_off=12"
check_err ov_range "3:19: ip_ttl: 256 is out of range" "$C4
c1 pns ack ip_ttl=256"
check_err ov_flag_letter "3:24: TCP flag letter" "$C4
c1 pns ack tcp_flags=SAX"
check_err ov_flag_bool "3:18: 'maybe': on or off expected" "$C4
c1 pns ack ip_mf=maybe"
check_err ov_ext_form "3:19: ip_ext=TYPE:HEX expected" "$C6
c1 pns ack ip_ext=600000"
check_err ov_ext_hex "3:22: bad hex" "$C6
c1 pns ack ip_ext=60:0g"
check_err ov_opt_long "3:19: hex data too long (at most 40 bytes)" "$C4
c1 pns ack ip_opt=$(printf '01%.0s' $(seq 41))"
check_err frag_on_tcp "3:12: frag_drop: mkcap fragments GRE datagrams only" "$C4
c1 pns ack frag_drop=1"
check_err frag_unfragmented "3:33: this 44-byte datagram is not fragmented" "$C4
k1 pns lcp echoreq id=1 magic=1 frag_dup=1"
check_err frag_past_last "3:50: frag_drop/frag_dup name a fragment past the last: this datagram has 3" "$C6
k1 pns lcp echoreq id=1 magic=1 pad=100 frag=100 frag_drop=4"
check_err frag_list "3:59: fragment number 1..64 expected" "$C6
k1 pns lcp echoreq id=1 magic=1 pad=100 frag=80 frag_drop=0"
check_err frag6_small "3:1: fragment size 55 leaves no room for data" "$C6
k1 pns lcp echoreq id=1 magic=1 pad=100 frag=55"
check_err frame_side "3:4: pns or pac expected before 'frame'" "$C4
c1 frame hex \"45\""
check_err frame_hex "3:14: hex \"...\" expected after frame" "$C4
k1 pac frame \"45\""
check_err frame_l3 "3:26: l3=4 or l3=6 expected" "$C4
c1 pns frame hex \"45\" l3=5"
check_err frame_extra "3:23: unknown field 'ip_ttl'" "$C4
c1 pns frame hex \"45\" ip_ttl=1"

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

# header overrides as tcpdump reads them (FIELD=VALUE changes only that field: the checksums follow)
td_of() { # td_of NAME SOURCE-TEXT: build it and print tcpdump -v -nn
	printf '%s\n' "$2" >"$tmp/$1.txt"
	"$MKCAP" -o "$tmp/$1.pcap" "$tmp/$1.txt" 2>&1 && tcpdump -v -nn -r "$tmp/$1.pcap" 2>/dev/null
}
expect() { # expect WHAT PATTERN (grep -E) on the text in $tmp/td.out
	if grep -Eq -- "$2" "$tmp/td.out"; then ok; else bad "$1: no '$2' in: $(head -c 600 "$tmp/td.out")"; fi
}
td_of ov4 "$C4
c1 pns SCCRQ ip_csum=0x1234
c1 pns ack ip_ihl=4
c1 pns ack ip_len=0
c1 pns ack ip_opt=0701 ip_tos=0x10 ip_ttl=3 ip_id=77 ip_df=off ip_rf
c1 pns ack tcp_doff=4
c1 pns ack tcp_flags=SA tcp_win=5 tcp_opt=020405b4
c1 pns ack ip_len=60
c1 pns ack ip_ver=5
k1 pns lcp echoreq id=1 magic=1 ip_mf ip_off=8" >"$tmp/td.out"
expect ip_csum 'bad cksum 1234'
expect ip_ihl 'bad-hlen 16'
expect ip_len0 'bad-len 0'
expect ip_opt 'tos 0x10, ttl 3, id 77, offset 0, flags \[rsvd\].*options \(RR \[bad length 1\]\)'
expect tcp_doff 'bad hdr length 16'
expect tcp_flags 'Flags \[S\.\].*win 5, options \[mss 1460\]'
expect ip_len 'truncated-ip - 20 bytes missing! \(tos 0x0, ttl 64, id [0-9]+, offset 0, flags \[DF\], proto TCP \(6\), length 60\)$'
expect ip_ver 'IP5'
expect ip_mf 'offset 8, flags \[\+\], proto GRE'
if grep -q 'bad cksum' "$tmp/td.out" && [ "$(grep -c 'bad cksum' "$tmp/td.out")" -eq 1 ]; then ok; else bad "IPv4 checksum not recomputed after overrides"; fi
# overrides that restate what lib builds give the same bytes
td_of same_a "$C4
c1 handshake
c1 pns SCCRQ" >/dev/null
td_of same_b "$C4
c1 handshake ip_ver=4 ip_ihl=5 ip_ttl=64
c1 pns SCCRQ ip_len=196 tcp_flags=PA tcp_doff=0b0101 ip_df" >/dev/null
if cmp -s "$tmp/same_a.pcap" "$tmp/same_b.pcap"; then ok; else bad "overrides with lib's own values changed the bytes"; fi
# IPv6: fragments with a Fragment header, in order and reversed, fragment faults, header fields, extension headers
td_of ov6 "$C6
fragment 100
k1 pns ping src=10.0.0.2 dst=10.0.0.1 size=150
fragment 100 reverse
k1 pns ping src=10.0.0.2 dst=10.0.0.1 size=150
fragment off
k1 pns ping src=10.0.0.2 dst=10.0.0.1 size=150 frag=100 frag_drop=1 frag_dup=2
k1 pns lcp echoreq id=1 magic=1 ip_off=65528
k1 pns lcp echoreq id=1 magic=1 ip_id=0x12345678
c1 pns ack ip_flow=0x12345 ip_tos=3 ip_ttl=9
c1 pns ack ip_ext=60:06.00.01.04.00.00.00.00" >"$tmp/td.out"
got=$(grep -o 'frag ([^)]*)' "$tmp/td.out" | tr '\n' ' ')
want="frag (0x00001001:0|48) frag (0x00001001:48|48) frag (0x00001001:96|48) frag (0x00001001:144|48) frag (0x00001001:192|2) \
frag (0x00001002:192|2) frag (0x00001002:144|48) frag (0x00001002:96|48) frag (0x00001002:48|48) frag (0x00001002:0|48) \
frag (0x00001003:48|48) frag (0x00001003:48|48) frag (0x00001003:96|48) frag (0x00001003:144|48) frag (0x00001003:192|2) \
frag (0x00001004:65528|24) frag (0x12345678:0|24) "
if [ "$got" = "$want" ]; then ok; else bad "IPv6 fragments: expected '$want' vs actual '$got'"; fi
expect ip_flow 'class 0x03, flowlabel 0x12345, hlim 9, next-header TCP'
expect ip_ext 'next-header unknown \(60\) payload length: 28\) 2001:db8::2 > 2001:db8::1: DSTOPT \(padn\) 4000 > 1723'
# frame: the bytes as given right after the link header (Ethernet: 24 + 16 + 14 octets into the file)
td_of frame "$C4
c1 pns frame hex \"46 00 00 18\" append=0102" >/dev/null
if [ "$(od -An -tx1 -j54 "$tmp/frame.pcap" | tr -d ' \n')" = 460000180102 ]; then ok; else bad "frame: bytes differ"; fi
if [ "$(od -An -tx1 -j36 -N4 "$tmp/frame.pcap" | tr -d ' \n')" = 14000000 ]; then ok; else bad "frame: wrong length"; fi

# usage errors
if "$MKCAP" >/dev/null 2>&1; then bad "no arguments accepted"; else ok; fi
if "$MKCAP" -o "$tmp/x.pcap" "$tmp/does-not-exist.txt" 2>/dev/null; then bad "missing source accepted"; else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
