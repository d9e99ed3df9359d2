#!/bin/sh
# run.sh: the verdict of every listed capture.  Each line of tests/verdicts/LIST is
#   CAPTURE  EXPECTED  [OPTIONS...]  [| WORDS...]
# CAPTURE is a crafted capture name (build/captures/NAME.pcap) or a path with a '/'. EXPECTED is the
# short name of a verdict code (pt_verdict_code_vs: ok, auth-failed, ...): `pptp-analyze --verdict
# OPTIONS CAPTURE` must print at least one verdict line and every one must carry [EXPECTED]; the code
# `none` expects no verdict line at all (a capture without PPTP). WORDS, after a lone '|', must appear
# in one of the verdict lines (for what the code alone does not say: which side, which password).
# A sanitizer report or exit status 2 (input error) fails the line too.
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
ANALYZE=${ANALYZE:-$SAN/pptp-analyze}
LIST=${LIST:-tests/verdicts/LIST}
export TZ=UTC LC_ALL=C
pass=0 fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

cap() {
	case $1 in
	*/*) echo "$1" ;;
	*) echo "build/captures/$1.pcap" ;;
	esac
}

bad() {
	echo "FAIL $line: $1"
	sed 's/^/    /' "$out"
	fail=$((fail + 1))
}

while read -r name code rest; do
	case $name in ''|'#'*) continue ;; esac
	line="$name $code${rest:+ $rest}"
	opts=$rest words=
	case " $rest " in
	*" | "*) opts=${rest%%|*} words=${rest#*| } ;;
	esac
	file=$(cap "$name")
	if [ ! -f "$file" ]; then
		echo "FAIL $line: no capture $file"
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2086
	"$ANALYZE" --verdict $opts "$file" >"$out" 2>"$err"
	rc=$?
	if grep -q 'ERROR: \(Address\|Leak\)Sanitizer\|runtime error:' "$err"; then
		echo "FAIL $line: sanitizer report"
		head -20 "$err" | sed 's/^/    /'
		fail=$((fail + 1))
		continue
	fi
	if [ "$rc" -eq 2 ]; then
		bad "exit status 2: $(head -1 "$err")"
		continue
	fi
	n=$(grep -c '^\(call [0-9]*\|connection [0-9]*\) \[' "$out")
	if [ "$code" = none ]; then
		if [ "$n" -eq 0 ]; then pass=$((pass + 1)); else bad "expected no verdict, got $n"; fi
		continue
	fi
	others=$(grep '^\(call [0-9]*\|connection [0-9]*\) \[' "$out" | grep -cv "^[a-z]* [0-9]* \[$code\] ")
	if [ "$n" -eq 0 ]; then
		bad "expected [$code], got no verdict line"
	elif [ "$others" -ne 0 ]; then
		bad "expected [$code] on every line, $others of $n differ"
	elif [ -n "$words" ] && ! grep -qF -- "$words" "$out"; then
		bad "expected the words \"$words\""
	else
		pass=$((pass + 1))
	fi
done <"$LIST"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
