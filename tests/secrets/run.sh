#!/bin/sh
# run.sh: secrets never leave the programs unless asked (issue 23 part 6). Every real capture that holds
# an authentication goes through pptp-analyze in every output mode with the lab password; the password,
# its NT hash and the MPPE start keys (learnt from a --show-keys run, which must show them: the positive
# control) must appear in none of them, as text (either case) or as bytes. Then pptp-conform: a whole
# session against its own server role on loopback, with --pcap, --json, --tap and --write-inner.
# Prints one line per check and "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 1
A=$PWD/$SAN/pptp-analyze
C=$PWD/$SAN/pptp-conform
PW=wonderland42
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { passed=$((passed + 1)); echo "ok - $*"; }
ko() { failed=$((failed + 1)); echo "FAIL - $*"; }
hexof() { od -An -tx1 -v "$1" | tr -d ' \n'; }
lower() { tr 'A-F' 'a-f'; }

# the NT hash of the lab password (RFC 2759 8.3: MD4 of the UTF-16LE password), computed here
nt=$(printf '%s' "$PW" | iconv -t UTF-16LE | openssl dgst -md4 -provider legacy -provider default 2>/dev/null | sed 's/.*= //')
case $nt in
	[0-9a-f][0-9a-f][0-9a-f][0-9a-f]*) ok "NT hash of the lab password computed ($(echo "$nt" | cut -c1-4)...)" ;;
	*) ko "cannot compute the NT hash (openssl md4 with the legacy provider)"; nt=none ;;
esac

# leaks FILE WHAT SECRET...: none of the secrets in FILE, as text or as bytes
leaks() {
	f=$1 what=$2
	shift 2
	h=$(hexof "$f")
	for s in "$@"; do
		[ -n "$s" ] || continue
		sl=$(echo "$s" | lower)
		if grep -qiF "$s" "$f"; then echo "$what: '$(echo "$s" | cut -c1-6)...' as text"; return 0; fi
		case $sl in *[!0-9a-f]*) ;; *)
			case $h in *"$sl"*) echo "$what: '$(echo "$s" | cut -c1-6)...' as bytes"; return 0 ;; esac ;;
		esac
	done
	return 1
}

n=0
for cap in captures/real/*.pcap; do
	case $cap in *.inner*.pcap) continue ;; esac
	base=$(basename "$cap" .pcap)
	# the keys of this capture, from the run that is asked to show them
	PPTP_PASSWORD=$PW "$A" --show-keys "$cap" >/dev/null 2>"$tmp/keys"
	keys=$(sed -n 's/.*MPPE start key [^:]*: \([0-9a-fA-F]*\).*/\1/p' "$tmp/keys" | sort -u)
	for mode in text json decode verdict; do
		case $mode in
			text) args= ;;
			json) args=--json ;;
			decode) args=--decode ;;
			verdict) args=--verdict ;;
		esac
		PPTP_PASSWORD=$PW "$A" $args "$cap" >"$tmp/out" 2>&1
		if what=$(leaks "$tmp/out" "$base $mode" "$PW" "$nt" $keys); then ko "$what"; else n=$((n + 1)); fi
	done
	PPTP_PASSWORD=$PW "$A" --write-decrypted "$tmp/dec.pcap" "$cap" >"$tmp/out" 2>&1
	if [ -f "$tmp/dec.pcap" ] && what=$(leaks "$tmp/dec.pcap" "$base decrypted pcap" "$PW" "$nt" $keys); then ko "$what"; else n=$((n + 1)); fi
	rm -f "$tmp/dec.pcap"
	# the positive control: asked, the keys are shown
	if [ -n "$keys" ]; then
		if grep -q "MPPE start key" "$tmp/keys"; then n=$((n + 1)); else ko "$base: --show-keys shows no key"; fi
	fi
done
[ $n -gt 0 ] && ok "pptp-analyze: $n outputs of the real captures hold neither the password, its NT hash nor a start key"
nk=$(for cap in captures/real/*.pcap; do PPTP_PASSWORD=$PW "$A" --show-keys "$cap" 2>&1 >/dev/null; done | grep -c 'MPPE start key')
[ "$nk" -gt 10 ] && ok "--show-keys shows them when asked ($nk start keys)" || ko "--show-keys showed only $nk keys"

# pptp-conform: a whole session against its own server role, every output
printf '%s\n' "$PW" >"$tmp/pw"
if unshare -n true 2>/dev/null; then
	timeout 60 unshare -n sh -c '
		ip link set lo up
		"$0" --listen 127.0.0.2 --user alice --password-file "$1" --run "$2" -T 20 --seed 7 >/dev/null 2>&1 &
		sleep 0.3
		"$0" --target 127.0.0.2 --user alice --password-file "$1" --seed 9 -T 5 --run "$3" \
			--pcap "$4/c.pcap" --json "$4/c.json" --write-inner "$4/c.inner.pcap" --tap -v >"$4/c.out" 2>&1
		wait' "$C" "$tmp/pw" tests/conform/fake/good-session.pptp conformance/scenarios/session-basic.pptp "$tmp"
	if grep -q '^ok 1 - session-basic' "$tmp/c.out"; then
		bad=
		for f in c.pcap c.json c.inner.pcap c.out; do
			if what=$(leaks "$tmp/$f" "pptp-conform $f" "$PW" "$nt"); then bad="$bad $what"; fi
		done
		[ -z "$bad" ] && ok "pptp-conform: --pcap, --json, --write-inner, TAP and -v hold neither the password nor its NT hash" || ko "$bad"
	else
		ko "pptp-conform session did not pass: $(head -3 "$tmp/c.out" | tr '\n' ' ')"
	fi
else
	ko "unshare -n: not permitted (root needed for the pptp-conform session)"
fi

# the Wireshark plugin: tshark -V -x with the credentials, over the real captures with MS-CHAP (unprivileged,
# the plugin from the build folder: tests/plugin/lib.sh)
if [ -f build/plugin/4.0/epan/pptpsuite.so ] && command -v tshark >/dev/null 2>&1; then
	. tests/plugin/lib.sh
	ts_setup
	np=0
	for base in mschapv2-mppe128 mschapv2-mppe40 mschapv1-mppe128 mppe128-stateful wrong-password pap-noenc; do
		cap=captures/real/$base.pcap
		[ -f "$cap" ] || continue
		PPTP_PASSWORD=$PW "$A" --show-keys "$cap" >/dev/null 2>"$tmp/keys"
		keys=$(sed -n 's/.*MPPE start key [^:]*: \([0-9a-fA-F]*\).*/\1/p' "$tmp/keys" | sort -u)
		ts "$cap" -o "$CRED_RIGHT" -V -x >"$tmp/ts.out" 2>&1
		ts "$cap" -o "$CRED_HASH" -q -z expert >>"$tmp/ts.out" 2>&1
		if ! grep -q 'pptpsuite\|PPTP suite\|Decrypted PPP' "$tmp/ts.out"; then ko "plugin $base: tshark shows no sign of the plugin"; continue; fi
		# PAP carries the password in clear on the wire: the dissection shows the packet as it is
		case $base in pap-*) secrets="$nt $keys" ;; *) secrets="$PW $nt $keys" ;; esac
		if what=$(leaks "$tmp/ts.out" "plugin $base" $secrets); then ko "$what"; else np=$((np + 1)); fi
	done
	ts_cleanup
	[ $np -gt 0 ] && ok "the Wireshark plugin: tshark -V -x and -z expert on $np real captures hold no secret of ours"
else
	ko "the Wireshark plugin is not built (make plugin) or tshark is missing"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
