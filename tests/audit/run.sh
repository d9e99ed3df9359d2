#!/bin/sh
# run.sh: pptp-analyze --audit, --wordlist and --password-policy (issue 25) on the real lab captures (their MANIFEST
# settings: user alice, password wonderland42) and the crafted a-* captures; and that no password, hash or key
# appears in any output of an audit run without --show-keys.  Prints "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
A=${ANALYZE:-$SAN/pptp-analyze}
R=captures/real
C=build/captures
W=tests/audit/words.txt
export TZ=UTC LC_ALL=C
unset PPTP_PASSWORD
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# has NAME PATTERN CAPTURE OPTIONS...: the output (stdout and stderr) of the run matches PATTERN (grep -E)
has() {
	name=$1 pat=$2 cap=$3
	shift 3
	"$A" --fail-on none "$@" "$cap" >"$tmp/out" 2>&1
	if grep -Eq -- "$pat" "$tmp/out"; then ok; else bad "$name: no /$pat/ in: $A $* $cap"; fi
}
hasnt() {
	name=$1 pat=$2 cap=$3
	shift 3
	"$A" --fail-on none "$@" "$cap" >"$tmp/out" 2>&1
	if grep -Eq -- "$pat" "$tmp/out"; then bad "$name: /$pat/ in: $A $* $cap: $(grep -E -- "$pat" "$tmp/out" | head -1)"; else ok; fi
}

# ---- what the manifest settings imply, on the real captures ----
has real-pap-clear '"rule":"ppp.pap.cleartext"' $R/pap-noenc.pcap --audit --json
has real-pap-noenc '"rule":"audit.encryption.none"' $R/pap-noenc.pcap --audit --json
has real-md5-noenc '"rule":"audit.encryption.none"' $R/chap-md5-noenc.pcap --audit --json
has real-40bit '"rule":"mppe.key.weak"' $R/mschapv2-mppe40.pcap --audit --json
has real-v2-captured '"rule":"audit.mschapv2.captured"' $R/mschapv2-mppe128.pcap --audit --json
hasnt real-128-strong '"rule":"(mppe.key.weak|audit.encryption.none|ppp.pap.cleartext)"' $R/mschapv2-mppe128.pcap --audit --json
has real-v1-used '"rule":"auth.mschapv1.used"' $R/mschapv1-mppe128.pcap --audit --json
hasnt real-v1-no-lm '"rule":"audit.mschapv1.lm_present"' $R/mschapv1-mppe128.pcap --audit --json
has real-wrong-password 'info ppp.auth.failure \(1x\)' $R/wrong-password.pcap --audit
hasnt real-one-failure-no-guessing 'warning audit.auth.guessing' $R/wrong-password.pcap --audit
has real-gre-blocked "advice: GRE \(IP protocol 47\) is blocked one way" $R/gre-blocked.pcap --audit
has real-security-section '^Security$' $R/mschapv2-mppe40.pcap --audit
has real-advice 'advice: require 128-bit keys' $R/mschapv2-mppe40.pcap --audit
hasnt no-audit-no-section '^Security$' $R/mschapv2-mppe40.pcap
hasnt no-audit-no-audit-rules 'audit\.' $R/mschapv2-mppe40.pcap --json

# ---- crafted: one capture per finding, and a clean one ----
has lm-present 'audit.mschapv1.lm_present.*user "alice"' $C/a-mschapv1-lm.pcap --audit
hasnt lm-absent 'audit.mschapv1.lm_present' $C/r-auth-mschapv1.pcap --audit
has eap-downgrade 'the PAC offered EAP; the PNS refused it and asked for MS-CHAPv1' $C/t-negotiated-extras.pcap --audit
hasnt eap-clean 'audit.auth.eap_downgrade' $C/clean-mschapv2.pcap --audit
# by Configure-Reject (RFC 1661 5.4): the Reject names nothing; what LCP opened with is the downgrade
has eap-reject 'warning audit.auth.eap_downgrade +packet 13 .*call 1: the PAC offered EAP; the PNS Configure-Rejected the Authentication-Protocol option \(packet 11\) and MS-CHAPv2 was negotiated instead' $C/a-eap-reject.pcap --audit
has eap-reject-json '"rule":"audit.auth.eap_downgrade"' $C/a-eap-reject.pcap --audit --json
has eap-reject-none 'the PAC offered EAP; the PNS Configure-Rejected the Authentication-Protocol option \(packet 11\) and LCP opened with no authentication' $C/a-eap-reject-none.pcap --audit
has eap-reject-none-clear 'audit.encryption.none' $C/a-eap-reject-none.pcap --audit
# a Reject of another option beside EAP, EAP kept; a Reject of EAP after which the PAC ends the link: no downgrade
hasnt eap-reject-clean 'audit.auth.eap_downgrade' $C/a-eap-reject-clean.pcap --audit
hasnt eap-reject-needs-audit 'audit\.' $C/a-eap-reject.pcap --json
has guess-user '6 authentication failures for user "admin" within 25.0 s \(packets 14-129, 12.0 per minute' $C/a-auth-guessing.pcap --audit
has guess-addr '6 authentication failures from 192.0.2.66 within 25.0 s' $C/a-auth-guessing.pcap --audit
hasnt guess-threshold 'warning audit.auth.guessing' $C/a-auth-guessing.pcap --audit --guess-failures 7
hasnt guess-window 'warning audit.auth.guessing' $C/a-auth-guessing.pcap --audit --guess-window 10
has guess-window-3 '3 authentication failures for user "admin" within 10.0 s' $C/a-auth-guessing.pcap --audit --guess-window 10 --guess-failures 3
has filter-open 'server 192.0.2.1: UDP 192.0.2.2:40000 > 192.0.2.1:161 \(1 packet\), TCP 192.0.2.2:50000 > 192.0.2.1:22 \(1 packet\), TCP 192.0.2.1:22 > 192.0.2.2:50000.*the server answers on other ports' $C/a-filter-open.pcap --audit
hasnt filter-icmp-about-gre "audit.filter" $R/echo-timeout.pcap --audit
# IPv6: ICMPv6 both ways, UDP behind a Hop-by-Hop header; the ICMPv6 error about a GRE packet is not counted
has filter-open6 'server 2001:db8::1: ICMPv6 2001:db8::2 > 2001:db8::1 \(1 packet\), ICMPv6 2001:db8::1 > 2001:db8::2 \(1 packet\), UDP \[2001:db8::2\]:40001 > \[2001:db8::1\]:53 \(1 packet\); 3 flows, 3 packets besides TCP 1723 and GRE: the server answers on other ports' $C/a-filter-open6.pcap --audit
hasnt filter-clean 'audit.filter.other_traffic' $C/clean-pap.pcap --audit
hasnt filter-needs-audit 'audit.filter' $C/a-filter-open.pcap
has enc-none 'call 1: no MPPE negotiated; 4 inner IP packets crossed the wire in clear' $C/clean-pap.pcap --audit
hasnt enc-mppe 'audit.encryption.none' $C/clean-mschapv2.pcap --audit
has clean-nothing 'audit.mschapv2.captured \(1x\)' $C/clean-mschapv2.pcap --audit

# ---- wordlist on the real captures: found at line 7, and not found once the line is removed ----
grep -vx wonderland42 $W >"$tmp/without"
for c in pap-noenc chap-md5-noenc mschapv1-mppe128 mschapv2-mppe128 mschapv2-mppe40 linux-sll2 concurrent-3; do
	has "wordlist-$c" 'user "alice": found at line 7$' $R/$c.pcap --wordlist $W
	has "wordlist-json-$c" '"kind":"user","user":"alice","found":true,"line":7' $R/$c.pcap --wordlist $W --json
	has "wordlist-removed-$c" 'user "alice": not in the list' $R/$c.pcap --wordlist "$tmp/without"
	hasnt "wordlist-removed-finding-$c" 'audit.wordlist.found' $R/$c.pcap --wordlist "$tmp/without" --json
done
has wordlist-wrong 'user "alice": not in the list' $R/wrong-password.pcap --wordlist $W
# the first matching line wins (stop at the first hit), also when it comes late in a long list
awk 'BEGIN { for (i = 1; i <= 200000; i++) print "w" i; print "wonderland42"; for (i = 1; i <= 1000; i++) print "x" i; print "wonderland42" }' >"$tmp/long"
has wordlist-long 'user "alice": found at line 200001$' $R/mschapv2-mppe128.pcap --wordlist "$tmp/long"
# a user found is not tried again: the reading stops once every user is found (the block under way is finished)
{ cat $W; awk 'BEGIN { for (i = 1; i <= 300000; i++) print "after" i }'; } >"$tmp/early"
"$A" --wordlist "$tmp/early" $R/mschapv2-mppe128.pcap >"$tmp/out" 2>&1
n=$(sed -n 's/.*wordlist: \([0-9]*\) words tried.*/\1/p' "$tmp/out")
if grep -q 'found at line 7$' "$tmp/out" && [ -n "$n" ] && [ "$n" -le 65536 ]; then ok; else bad "wordlist-stops: $n words tried after a hit at line 7"; fi
# CRLF lines and a last line without a newline
printf 'a\r\nb\r\nwonderland42' >"$tmp/crlf"
has wordlist-crlf-last 'user "alice": found at line 3$' $R/mschapv1-mppe128.pcap --wordlist "$tmp/crlf"
# MS-CHAPv1 with a LAN Manager response: the NT response tells the case, the LM response alone does not
printf 'x\nSecret7\nSECRET7\n' >"$tmp/lm1"
printf 'x\nSECRET7\n' >"$tmp/lm2"
has wordlist-v1-nt 'user "alice": found at line 2$' $C/a-mschapv1-lm.pcap --wordlist "$tmp/lm1"
has wordlist-v1-lm 'user "alice": found at line 2 \(LAN Manager response: case unknown\)' $C/a-mschapv1-lm.pcap --wordlist "$tmp/lm2"
has wordlist-guesses 'user "admin": not in the list' $C/a-auth-guessing.pcap --wordlist $W
has wordlist-missing-file 'cannot open the wordlist' $R/pap-noenc.pcap --wordlist "$tmp/nonexistent"
"$A" --wordlist "$tmp/nonexistent" $R/pap-noenc.pcap >/dev/null 2>&1
if [ $? -eq 2 ]; then ok; else bad "wordlist-missing-file-exit: not 2"; fi
# flat memory: a list 40 times longer does not take more memory (peak RSS within 8 MiB)
RA=${REL_ANALYZE:-bin/pptp-analyze}
[ -x "$RA" ] || RA=$A
if [ -x /usr/bin/time ]; then
	awk 'BEGIN { for (i = 1; i <= 20000; i++) print "short" i }' >"$tmp/l1"
	awk 'BEGIN { for (i = 1; i <= 800000; i++) print "longer-list-word-" i }' >"$tmp/l40"
	/usr/bin/time -f %M "$RA" --wordlist "$tmp/l1" $R/chap-md5-noenc.pcap >/dev/null 2>"$tmp/m1"
	/usr/bin/time -f %M "$RA" --wordlist "$tmp/l40" $R/chap-md5-noenc.pcap >/dev/null 2>"$tmp/m40"
	m1=$(tail -1 "$tmp/m1") m40=$(tail -1 "$tmp/m40")
	if [ -n "$m1" ] && [ -n "$m40" ] && [ $((m40 - m1)) -lt 8192 ]; then ok; else bad "wordlist-flat-memory: ${m1} KiB vs ${m40} KiB"; fi
fi

# a progress line on a terminal (script(1) gives the run one), none when stderr is a file
if command -v script >/dev/null 2>&1; then
	awk 'BEGIN { for (i = 1; i <= 200000; i++) print "p" i }' >"$tmp/prog"
	PPTP_ANALYZE_PROGRESS_AFTER=0 script -qc "$A --wordlist $tmp/prog $R/mschapv2-mppe128.pcap >/dev/null" "$tmp/tty" >/dev/null 2>&1
	if tr '\r' '\n' <"$tmp/tty" | grep -q '^pptp-analyze: wordlist: [0-9]* words, [0-9]*/s, 0 of 1 users found'; then ok; else bad "wordlist-progress: no progress line on a terminal"; fi
	PPTP_ANALYZE_PROGRESS_AFTER=0 "$A" --wordlist "$tmp/prog" $R/mschapv2-mppe128.pcap >/dev/null 2>"$tmp/err"
	if [ -s "$tmp/err" ]; then bad "wordlist-progress: stderr a file got: $(head -c 80 "$tmp/err")"; else ok; fi
fi

# ---- password policy ----
printf 'wonderland42\n' >"$tmp/pw"
printf 'Wonderland42!\n' >"$tmp/pw2"
has policy-known-fails 'password policy min=10,classes=3: the password given for \(any user\) does not meet it' $R/pap-noenc.pcap --password-file "$tmp/pw" --password-policy min=10,classes=3
has policy-known-meets 'password policy min=10,classes=3: the password given for \(any user\) meets it' $R/pap-noenc.pcap --password-file "$tmp/pw2" --password-policy min=10,classes=3
has policy-known-short 'does not meet it' $R/pap-noenc.pcap --password-file "$tmp/pw2" --password-policy min=14,classes=1
has policy-recovered 'password policy min=10,classes=3: does not meet it' $R/mschapv2-mppe128.pcap --wordlist $W --password-policy min=10,classes=3
has policy-recovered-meets 'password policy min=8,classes=2: meets it' $R/mschapv2-mppe128.pcap --wordlist $W --password-policy min=8,classes=2
has policy-json '"kind":"policy","user":"\(any user\)","policy":"min=10,classes=3","policy_ok":false' $R/pap-noenc.pcap --password-file "$tmp/pw" --password-policy min=10,classes=3 --json
has policy-bad-spec 'password-policy wants' $R/pap-noenc.pcap --password-policy min=x

# ---- no password, hash or key in any output without --show-keys ----
# the secrets: the lab password and its NT hash, the crafted passwords, and the MPPE start keys (--show-keys prints them)
"$A" --password-file "$tmp/pw" --show-keys $R/mschapv2-mppe128.pcap 2>&1 >/dev/null | sed -n 's/.*: \([0-9a-f]\{32\}\)$/\1/p' >"$tmp/keys"
if [ "$(wc -l <"$tmp/keys")" -ge 2 ]; then ok; else bad "secrets: --show-keys printed no MPPE key to look for"; fi
{
	echo wonderland42
	nt=$(sed -n 's/^password_hash = //p' vectors/lab-mschapv2-mppe128.txt | tr -d ' ') # the lab NT hash, from the vector file
	[ ${#nt} -eq 32 ] || bad "secrets: vectors/lab-mschapv2-mppe128.txt holds no password_hash"
	echo "$nt" | tr A-F a-f
	echo "$nt" | tr a-f A-F
	echo Secret7
	echo SECRET7
	echo '"secret"'
	echo guess1
	cat "$tmp/keys"
} >"$tmp/secrets"
leaks=0 runs=0
for c in $R/mschapv2-mppe128.pcap $R/mschapv2-mppe40.pcap $R/pap-noenc.pcap $R/chap-md5-noenc.pcap $R/mschapv1-mppe128.pcap \
	$C/a-mschapv1-lm.pcap $C/a-auth-guessing.pcap $C/clean-pap.pcap; do
	for fmt in "" --json --decode --verdict; do
		for cred in "" "--password-file $tmp/pw" "--credentials $tmp/creds"; do
			printf 'alice:wonderland42\nadmin:guess1\n' >"$tmp/creds"
			# shellcheck disable=SC2086
			"$A" --fail-on none --audit --wordlist $W --password-policy min=10,classes=3 $fmt $cred "$c" >"$tmp/out" 2>&1
			runs=$((runs + 1))
			if grep -qiF -f "$tmp/secrets" "$tmp/out"; then
				leaks=$((leaks + 1))
				bad "secret in the output of --audit $fmt $cred $c: $(grep -iF -f "$tmp/secrets" "$tmp/out" | head -1)"
			fi
		done
	done
done
if [ "$runs" -ge 90 ] && [ "$leaks" -eq 0 ]; then ok; else bad "secrets: $leaks of $runs runs leaked"; fi
# and with --show-keys the found password is shown (the check above would see it)
has show-keys-shows 'found at line 7: "wonderland42"' $R/mschapv2-mppe128.pcap --wordlist $W --show-keys

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
