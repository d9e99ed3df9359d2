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
# GOLDEN_MODE=normalized compares with every number masked and repeated lines collapsed: how
# `make lab` checks freshly regenerated real captures, whose times, ports, Call IDs, challenges,
# keys and magic numbers are new on every run (captures/real/MANIFEST).  GOLDEN_ONLY=PREFIX
# runs only the tests whose name starts with PREFIX.
norm() { sed -E 's/(0x)?[0-9a-fA-F]*[0-9][0-9a-fA-F]*/N/g' "$1" | uniq; }
out=$(mktemp) diffs=$(mktemp)
trap 'rm -f "$out" "$diffs" "$diffs.n"' EXIT

while read -r name cap fmt opts; do
	case $name in ''|'#'*) continue ;; esac
	exp=tests/golden/expected/$name.$fmt
	case $name in "${GOLDEN_ONLY:-}"*) ;; *) continue ;; esac
	case $fmt in
	text) fopt= ;;
	*) fopt=--$fmt ;;
	esac
	# shellcheck disable=SC2086
	"$ANALYZE" $fopt $opts "$cap" >"$out" 2>"$out.err"
	echo "exit $?" >>"$out"
	[ "${GOLDEN_MODE:-}" = normalized ] && [ -f "$exp" ] && norm "$exp" >"$diffs.n"
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: no expected file $exp"
		fail=$((fail + 1))
	elif [ "${GOLDEN_MODE:-}" = normalized ] && norm "$out" | cmp -s - "$diffs.n" 2>/dev/null; then
		pass=$((pass + 1))
	elif [ "${GOLDEN_MODE:-}" != normalized ] && cmp -s "$out" "$exp"; then
		pass=$((pass + 1))
	else
		echo "FAIL $name ($cap $fmt $opts)"
		if [ "${GOLDEN_MODE:-}" = normalized ]; then norm "$out" | diff -u "$diffs.n" - | head -30; else diff -u "$exp" "$out" | head -30; fi
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
