#!/bin/sh
# run.sh: the fuzz step of `make check` (docs/robustness.md): seeds cut from captures/, every kept corpus and
# regression input replayed (gcc replay drivers and libFuzzer builds), each harness fuzzed for a few seconds,
# then the seeded mutation of every capture (mutate.sh).  The last line is "N passed, N failed".
#   FUZZ_CHECK_SECONDS  libFuzzer time per harness (default 2)
: "${PT_TOP:=.}" "${FUZZ_CHECK_SECONDS:=2}"
cd "$PT_TOP" || exit 2
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
FZ=build/fuzz
NAMES="pptp tcpreasm ipdefrag gre ppp lcp ccp ipcp ipv6cp pap chap mschap mppe mppc tunnel analyzer scenario peer plugin"
pass=0 fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() {
	fail=$((fail + 1))
	echo "FAIL $1"
	grep -E 'ERROR|SUMMARY|invariant|runtime error|^ +#[0-9]+ ' "$log" | head -30 | sed 's/^/    /'
}

# seed corpora, fresh from the captures each time
caps=$(ls captures/real/*.pcap build/captures/*.pcap 2>/dev/null)
rm -rf "$FZ/seeds"
if [ -x "$FZ/tools/seeds" ] && "$FZ/tools/seeds" "$FZ/seeds" $caps >"$log" 2>&1; then
	ok "seeds: $(ls "$FZ/seeds" | wc -l) corpora from $(echo "$caps" | wc -w) captures"
else
	bad "seeds"
fi
# the plugin's seeds (fuzz_plugin's frames, tests/fuzz/plugin_seeds.c); two of them replayed must reach MPPE
# decryption and the password check, so that the harness is known to drive the plugin's decryption paths
if [ -x "$FZ/tools/plugin_seeds" ] && "$FZ/tools/plugin_seeds" "$FZ/seeds/plugin" $caps >"$log" 2>&1 &&
	FUZZ_PLUGIN_STATS=1 "$FZ/replay/fuzz_plugin" "$FZ"/seeds/plugin/mschapv2-mppe128*.pcap >"$log" 2>&1 &&
	grep -Eq ' [1-9][0-9]* decrypted, [1-9][0-9]* passwords verified' "$log"; then
	ok "plugin seeds: $(ls "$FZ/seeds/plugin" | wc -l) captures; $(grep -o '[0-9]* decrypted, [0-9]* passwords verified' "$log")"
else
	bad "plugin seeds (no decryption or password check reached)"
fi

for n in $NAMES; do
	lf=$FZ/bin/fuzz_$n rp=$FZ/replay/fuzz_$n
	kept=""
	for d in tests/fuzz/corpus/$n tests/fuzz/regress/$n; do
		[ -d "$d" ] && kept="$kept $d"
	done
	# 1. replay: kept corpus and regression inputs through the gcc build
	if [ ! -x "$rp" ]; then
		echo "missing $rp" >"$log"
		bad "$n replay: $rp missing"
	elif [ -z "$kept" ]; then
		echo "no corpus" >"$log"
		bad "$n replay: no tests/fuzz/corpus/$n"
	elif "$rp" $kept >"$log" 2>&1; then
		ok "$n replay: $(grep -o '[0-9]* inputs run' "$log")"
	else
		bad "$n replay"
	fi
	# 2. libFuzzer: seeds, kept corpus and regression inputs first, then mutation for a bounded time;
	#    what it learns goes to a scratch corpus that is dropped
	if [ ! -x "$lf" ]; then
		echo "missing $lf" >"$log"
		bad "$n fuzz: $lf missing"
		continue
	fi
	work=$FZ/check/$n
	rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
	dict=tests/fuzz/dict/$n.dict
	[ -f "$dict" ] || dict=
	seeds=
	[ -d "$FZ/seeds/$n" ] && seeds=$FZ/seeds/$n
	# libwireshark's heap (millions of blocks) makes each of libFuzzer's leak checks take seconds: the plugin's leaks are
	# found by the replay above, at exit
	extra=
	[ "$n" = plugin ] && extra=-detect_leaks=0
	if "$lf" -max_total_time="$FUZZ_CHECK_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" ${dict:+-dict=$dict} $extra "$work/corpus" $seeds $kept >"$log" 2>&1; then
		ok "$n fuzz: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') runs"
	else
		bad "$n fuzz (input kept in $work/artifacts/)"
	fi
done

# 3. seeded mutation of the captures through the optimised analyzer
if sh tests/fuzz/mutate.sh >"$log" 2>&1; then :; fi
grep -E '^FAIL|^mutate:' "$log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
if [ -n "$line" ]; then
	pass=$((pass + ${line%% passed*}))
	f=${line#*passed, }
	fail=$((fail + ${f%% failed*}))
else
	fail=$((fail + 1))
	echo "FAIL mutate.sh: no summary"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
