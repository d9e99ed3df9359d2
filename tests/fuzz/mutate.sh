#!/bin/sh
# mutate.sh: seeded mutation of every capture in captures/ (and the crafted ones built into build/captures/):
# byte flips, truncations, duplicated, dropped and damaged records (tests/fuzz/mutate.c), each mutant read by
# the optimised bin/pptp-analyze under timeout.  Exit codes 0, 1, 2 are answers; 124 and up (timeout, signal)
# fail.  One pass or failure per capture; the last line is "N passed, N failed".
#   MUTATE_N       mutants per capture (default 16)
#   MUTATE_SEED    (default 1); a failure prints the command that makes its mutant again
#   MUTATE_BUDGET  seconds after which each further capture gets only 4 mutants (default 30; reported, not failed)
: "${PT_TOP:=.}" "${MUTATE_N:=16}" "${MUTATE_SEED:=1}" "${MUTATE_BUDGET:=30}"
cd "$PT_TOP" || exit 2
A=bin/pptp-analyze
M=build/fuzz/tools/mutate
work=build/fuzz/mutate
keep=build/fuzz/mutate-failures
pass=0 fail=0 runs=0 skipped=0
start=$(date +%s)

if [ ! -x "$A" ] || [ ! -x "$M" ]; then
	echo "FAIL mutate: $A or $M missing (make bin/pptp-analyze $M)"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -rf "$work" && mkdir -p "$work" "$keep" || exit 2
# a private copy: a rebuild of bin/ during the run (another make) would fail runs with 126 (text file busy)
cp "$A" "$work/pptp-analyze" || exit 2
A0=$A
A=$work/pptp-analyze
export PPTP_PASSWORD=wonderland42   # the lab's password: decryption paths run too

for cap in captures/real/*.pcap build/captures/*.pcap; do
	[ -f "$cap" ] || continue
	n=$MUTATE_N
	if [ $(($(date +%s) - start)) -ge "$MUTATE_BUDGET" ] && [ "$n" -gt 4 ]; then
		skipped=$((skipped + 1))
		n=4
	fi
	name=$(basename "$cap" .pcap)
	rm -f "$work"/m*
	if ! "$M" "$cap" "$work" "$n" "$MUTATE_SEED"; then
		echo "FAIL $name: mutate failed"
		fail=$((fail + 1))
		continue
	fi
	bad=0 i=0
	while [ "$i" -lt "$n" ]; do
		case $((i % 4)) in
		0) mode=--fail-on=none ;;
		1) mode=--json ;;
		2) mode=--decode ;;
		*) mode=--verdict ;;
		esac
		timeout 10 "$A" $mode "$work/m$i" >/dev/null 2>&1
		rc=$?
		runs=$((runs + 1))
		if [ "$rc" -gt 2 ]; then
			bad=$((bad + 1))
			cp "$work/m$i" "$keep/$name-m$i"
			echo "FAIL $name mutant $i: exit $rc ($A0 $mode $keep/$name-m$i;" \
				"made by $M $cap DIR $n $MUTATE_SEED)"
		fi
		i=$((i + 1))
	done
	if [ "$bad" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "mutate: $runs runs over $((pass + fail)) captures in $(($(date +%s) - start)) s (seed $MUTATE_SEED)" \
	"$([ "$skipped" -gt 0 ] && echo "; the last $skipped captures got 4 mutants each, past $MUTATE_BUDGET s")"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
