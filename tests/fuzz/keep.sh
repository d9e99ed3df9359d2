#!/bin/sh
# keep.sh NAME...: refresh the kept corpus tests/fuzz/corpus/NAME from what fuzzing found (build/fuzz/corpus/NAME)
# and the seeds (build/fuzz/seeds/NAME): libFuzzer's merge keeps the inputs that add coverage, preferring short
# ones; of those the smallest are kept up to KEEP_BYTES (default 4096) in all, each cut to KEEP_MAX_LEN (default
# 1024) and at most KEEP_FILES (default 48) files, spread over the sizes from the smallest up.  Review with
# git status before committing.
: "${PT_TOP:=.}" "${KEEP_BYTES:=4096}" "${KEEP_MAX_LEN:=1024}" "${KEEP_FILES:=48}"
cd "$PT_TOP" || exit 2
FZ=build/fuzz
for n in "$@"; do
	lf=$FZ/bin/fuzz_$n
	tmp=$FZ/keep/$n
	rm -rf "$tmp" && mkdir -p "$tmp" tests/fuzz/corpus/$n || exit 2
	src=""
	for d in tests/fuzz/corpus/$n tests/fuzz/regress/$n $FZ/corpus/$n $FZ/seeds/$n; do
		[ -d "$d" ] && src="$src $d"
	done
	nice -n 19 "$lf" -merge=1 -max_len="$KEEP_MAX_LEN" "$tmp" $src >"$FZ/keep/$n.log" 2>&1 || {
		tail -5 "$FZ/keep/$n.log"
		exit 1
	}
	rm -f tests/fuzz/corpus/$n/*
	total=0
	m=$(ls "$tmp" | wc -l)
	for f in $(ls -S -r "$tmp" | awk -v m="$m" -v k="$KEEP_FILES" 'm <= k || int((NR - 1) * k / m) != int(NR * k / m)'); do
		sz=$(wc -c <"$tmp/$f")
		[ $((total + sz)) -gt "$KEEP_BYTES" ] && break
		cp "$tmp/$f" tests/fuzz/corpus/$n/
		total=$((total + sz))
	done
	echo "$n: $(ls tests/fuzz/corpus/$n | wc -l) inputs, $total bytes (of $(ls "$tmp" | wc -l) merged)"
done
