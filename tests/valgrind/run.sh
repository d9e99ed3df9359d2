#!/bin/sh
# run.sh: pptp-analyze (the optimised build, bin/) on every capture in captures/ under valgrind memcheck,
# with the lab password (so decryption runs) and with --json --write-decrypted: zero errors and no
# definite or indirect leak (issue 23 part 4; the unit and golden tests run under ASan and UBSan).
# Prints one line per capture that fails and "N passed, N failed".
: "${PT_TOP:=.}"
cd "$PT_TOP" || exit 1
A=$PWD/bin/pptp-analyze
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v valgrind >/dev/null 2>&1; then
	echo "FAIL - valgrind not installed (make deps)"
	echo "0 passed, 1 failed"
	exit 1
fi
# a private copy: bin/ may be relinked while this runs
cp "$A" "$tmp/pptp-analyze" || exit 1
for cap in captures/real/*.pcap build/captures/*.pcap; do
	[ -f "$cap" ] || continue
	PPTP_PASSWORD=wonderland42 timeout 120 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect "$tmp/pptp-analyze" --json --write-decrypted "$tmp/dec.pcap" \
		"$cap" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 99 ] || [ $rc -ge 124 ] || grep -q '^==[0-9]*==' "$tmp/err"; then
		failed=$((failed + 1))
		echo "FAIL - $cap: exit $rc"
		grep '^==' "$tmp/err" | head -20 | sed 's/^/    /'
	else
		passed=$((passed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
