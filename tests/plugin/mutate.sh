#!/bin/sh
# mutate.sh: the plugin's dissector entry on damaged input (issue 23 part 1; Debian ships no fuzzshark):
# seeded mutants of every real capture (tests/fuzz/mutate.c: byte flips, truncations, duplicated, dropped
# and damaged records) through tshark with the plugin and the lab credentials, one pass and two, -V.
# A signal, a timeout or a "Dissector bug" in pptpsuite fails; tshark's own "damaged file" answer does not.
# The last line is "N passed, N failed".
: "${PT_TOP:=.}" "${MUTATE_N:=4}" "${MUTATE_SEED:=3}"
cd "$PT_TOP" || exit 2
. tests/plugin/lib.sh
M=$PT_TOP/build/fuzz/tools/mutate
pass=0 fail=0 seen=0
if [ ! -x "$M" ] || [ ! -f "$PLUGIN_SO" ] || ! command -v tshark >/dev/null 2>&1; then
	echo "FAIL plugin mutation: $M, the plugin or tshark missing (make check builds them; make deps installs tshark)"
	echo "0 passed, 1 failed"
	exit 1
fi
ts_setup || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"; ts_cleanup' EXIT
for cap in $(real_captures); do
	name=$(basename "$cap" .pcap)
	rm -f "$work"/m*
	"$M" "$cap" "$work" "$MUTATE_N" "$MUTATE_SEED" || { fail=$((fail + 1)); echo "FAIL $name: mutate"; continue; }
	bad=0 i=0
	while [ "$i" -lt "$MUTATE_N" ]; do
		two=; [ $((i % 2)) -eq 1 ] && two=-2
		timeout 60 sh -c '. tests/plugin/lib.sh; TS_DIR=$1; TS_AS=$2; shift 2; ts "$@"' x "$TS_DIR" "$TS_AS" \
			"$work/m$i" -o "$CRED_RIGHT" $two -V >"$work/out" 2>&1
		rc=$?
		grep -q "pptpsuite\|PPTP suite" "$work/out" && seen=$((seen + 1))
		if [ $rc -ge 124 ] || grep -q 'Dissector bug, protocol pptpsuite\|pptpsuite.*[Mm]alformed.*[Ee]xception' "$work/out"; then
			bad=$((bad + 1))
			echo "FAIL $name mutant $i: exit $rc ($(grep -m1 'Dissector bug' "$work/out"); made by $M $cap DIR $MUTATE_N $MUTATE_SEED)"
		fi
		i=$((i + 1))
	done
	if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
if [ $seen -eq 0 ]; then fail=$((fail + 1)); echo "FAIL no mutant was dissected by the plugin (not loaded?)"; else echo "ok: $seen mutants dissected by the plugin"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
