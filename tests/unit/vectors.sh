#!/bin/sh
# vectors.sh: vectors/ keeps its promises (vectors/README.md): every file names its source in its opening
# comment and holds only "name = hex" / name = "string" lines with unique names, every file is read by a
# test, and every lab-*.txt is what vectors/lab-extract.sh takes from its capture today.
# Prints "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
cd "$PT_TOP" || exit 2
export SAN LC_ALL=C TZ=UTC
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

n=0
for f in vectors/*.txt; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if head -1 "$f" | grep -q '^# .*\(RFC [0-9]\|captures/real/\)'; then ok; else ko "$f: the first line does not name an RFC or a capture"; fi
	bad=$(grep -v '^#' "$f" | grep -v '^$' |
		grep -cv '^[a-z][a-z0-9_]* = \(\([0-9A-Fa-f][0-9A-Fa-f] \)*[0-9A-Fa-f][0-9A-Fa-f]\|"[^"]*"\)$')
	if [ "$bad" -eq 0 ]; then ok; else ko "$f: $bad lines are neither name = hex nor name = \"string\""; fi
	dup=$(sed -n 's/^\([a-z][a-z0-9_]*\) = .*/\1/p' "$f" | sort | uniq -d | head -3 | tr '\n' ' ')
	if [ -z "$dup" ]; then ok; else ko "$f: names given twice: $dup"; fi
	b=$(basename "$f")
	case $b in
	lab-*) t=tests/unit/test_labvec.c ;;
	*) t=$(grep -l "vectors/$b" tests/unit/*.c | head -1) ;;
	esac
	if [ -n "$t" ] && [ -f "$t" ]; then ok; else ko "$f: no unit test reads it"; fi
done
if [ "$n" -ge 9 ]; then ok; else ko "vectors/: $n files, expected at least 9"; fi

# the lab files against their captures (tshark, jq, openssl)
labs=$(for f in vectors/lab-*.txt; do [ -f "$f" ] && basename "$f" .txt | sed 's/^lab-//'; done)
if [ -n "$labs" ]; then
	# shellcheck disable=SC2086
	out=$(sh vectors/lab-extract.sh --check $labs 2>&1)
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	printf '%s\n' "$out" | grep '^FAIL\|^    ' 
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	if [ -z "$line" ]; then ko "lab-extract.sh --check printed no summary"; else pass=$((pass + p)) fail=$((fail + f)); fi
else
	ko "vectors/: no lab-*.txt"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
