#!/bin/sh
# run.sh: every test of `make check`, one summary line at the end.
# Unit test programs print "UT-RESULT passed failed"; sh harnesses print "N passed, N failed".
: "${PT_TOP:=.}" "${SAN:=build/san}"
export PT_TOP SAN
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TZ=UTC
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

add() { # add PASS FAIL NAME
	total_pass=$((total_pass + $1))
	total_fail=$((total_fail + $2))
	printf '%-28s %4d passed, %d failed\n' "$3" "$1" "$2"
}

for t in "$SAN"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$log" 2>&1
	rc=$?
	line=$(grep '^UT-RESULT ' "$log" | tail -1)
	if [ -n "$line" ]; then
		set -- $line
		p=$2 f=$3
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	else
		p=0 f=1
	fi
	[ "$f" -ne 0 ] && sed 's/^/    /' "$log" | grep -v '^    *$' | tail -40
	add "$p" "$f" "unit/$name"
done

for h in tests/mkcap/run.sh tests/golden/run.sh tests/analyzer/run.sh tests/analyzer/roundtrip.sh tests/rules/run.sh \
	tests/verdicts/run.sh tests/lab/check-manifest.sh tests/analyzer/truth.sh tests/json/run.sh tests/unit/vectors.sh tests/audit/run.sh \
	tests/conform/run.sh tests/conform/server.sh tests/conform/runs.sh tests/secrets/run.sh tests/valgrind/run.sh tests/robust/run.sh tests/threads/run.sh tests/fastpath/run.sh tests/plugin/run.sh tests/plugin/vectors.sh tests/plugin/mutate.sh tests/fuzz/run.sh tests/man/run.sh tests/ladder/run.sh tests/deb/run.sh; do
	[ -f "$h" ] || continue
	sh "$h" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	else
		p=0 f=1
	fi
	[ "$f" -ne 0 ] && grep -E 'FAIL|fail|error' "$log" | head -40 | sed 's/^/    /'
	add "$p" "$f" "$h"
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
