#!/bin/sh
# tests/plugin/vectors.sh: the Wireshark plugin on the lab's known answers (vectors/lab-*.txt, vectors/README.md).
# The plugin shows no key; each file records the plaintext of the first MPPE frame each side sent, which only the
# right start key and the right first-packet key give: the plugin must decrypt that frame to those octets with the
# password, and with the NT hash the file records, in one pass and in two, and must not decrypt it with a wrong
# password.  Prints "N passed, N failed"; without tshark or the plugin it FAILS, saying why.
: "${PT_TOP:=.}" "${SAN:=build/san}"
. "$PT_TOP/tests/plugin/lib.sh"
cd "$PT_TOP" || exit 1
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
trap 'ts_cleanup' EXIT
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
if ! command -v tshark >/dev/null 2>&1; then
	ko "tshark is not installed (make deps)"
	finish
fi
if [ ! -f "$PLUGIN_SO" ]; then
	ko "$PLUGIN_SO not built (make plugin)"
	finish
fi
ts_setup || { ko "cannot make the private plugin folder"; finish; }

vec() { sed -n "s/^$2 = //p" "$1" | tr -d ' "' | tr A-F a-f; }
plain_of() { # plain_of CAPTURE FRAME [tshark options]: the "Decrypted PPP" octets of that frame, as hex
	_c=$1 _f=$2
	shift 2
	ts "$_c" "$@" -Y "frame.number == $_f" -x 2>/dev/null |
		awk '/^Decrypted PPP/ { on = 1; next } on && /^$/ { exit } on { for (i = 2; i <= 17 && $i ~ /^[0-9a-f][0-9a-f]$/; i++) printf "%s", $i }'
}
nlab=0
for v in vectors/lab-*.txt; do
	[ -f "$v" ] || continue
	name=$(basename "$v" .txt | sed 's/^lab-//')
	cap=captures/real/$name.pcap
	nlab=$((nlab + 1))
	hash=$(vec "$v" password_hash)
	for d in pns_to_pac pac_to_pns; do
		fr=$(vec "$v" "first_frame_$d")
		want=$(vec "$v" "first_plaintext_$d")
		for how in password hash; do
			if [ $how = password ]; then cred=$CRED_RIGHT; else cred="uat:pptpsuite_credentials:\"\",\"\",\"$hash\""; fi
			for pass2 in "" -2; do
				got=$(plain_of "$cap" "$fr" -o "$cred" $pass2 | cut -c1-${#want})
				if [ -n "$want" ] && [ "$got" = "$want" ]; then ok; else
					ko "$v: frame $fr ($d) with the $how $pass2: decrypted to \"$got\", the file says \"$want\""
				fi
			done
		done
		got=$(plain_of "$cap" "$fr" -o "$CRED_WRONG")
		if [ -z "$got" ]; then ok; else ko "$v: frame $fr ($d) decrypted with a wrong password"; fi
	done
done
[ "$nlab" -ge 4 ] && ok || ko "vectors/: $nlab lab files, expected 4"

finish
