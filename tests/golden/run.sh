#!/bin/sh
# run.sh: golden-output tests in the tcpdump way.  Each line of tests/golden/TESTLIST is
#   NAME  CAPTURE  FORMAT  [OPTIONS...]
# FORMAT is text, json, decode or verdict; the analyzer's stdout (and its exit status, as a
# last line "exit N") must equal tests/golden/expected/NAME.FORMAT byte for byte.
# CAPTURE is a path under the repo root; crafted ones are build/captures/NAME.pcap.
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
ANALYZE=${ANALYZE:-$SAN/pptp-analyze}
export TZ=UTC LC_ALL=C
pass=0 fail=0
out=$(mktemp) diffs=$(mktemp)
trap 'rm -f "$out" "$diffs"' EXIT

while read -r name cap fmt opts; do
	case $name in ''|'#'*) continue ;; esac
	exp=tests/golden/expected/$name.$fmt
	case $fmt in
	text) fopt= ;;
	*) fopt=--$fmt ;;
	esac
	# shellcheck disable=SC2086
	"$ANALYZE" $fopt $opts "$cap" >"$out" 2>"$out.err"
	echo "exit $?" >>"$out"
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: no expected file $exp"
		fail=$((fail + 1))
	elif cmp -s "$out" "$exp"; then
		pass=$((pass + 1))
	else
		echo "FAIL $name ($cap $fmt $opts)"
		diff -u "$exp" "$out" | head -30
		fail=$((fail + 1))
	fi
	if grep -q 'ERROR: \(Address\|Leak\)Sanitizer\|runtime error:' "$out.err"; then
		echo "FAIL $name: sanitizer report"
		head -20 "$out.err"
		fail=$((fail + 1))
	fi
	rm -f "$out.err"
done < tests/golden/TESTLIST

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
