#!/bin/sh
# tools/bench/wordlist.sh: make bench-wordlist (issue 25): candidates per second of pptp-analyze --wordlist against
# one MS-CHAPv2 handshake (the RFC 2759 9.2 values, in build/captures/v-auth-649.pcap), beside hashcat -m 5500 on the
# CPU (NetNTLMv1: the same NT-Response and ChallengeHash) and the floor (tools/bench/wordfloor.c: one MD4 and three
# DES per candidate with libgcrypt, one thread), on the same list in the same run; the password is the last line.
# POSIX sh; never part of make check.  hashcat needs an OpenCL runtime (Debian: hashcat pocl-opencl-icd
# ocl-icd-libopencl1); without one its row says so.
set -eu
DIR=${BENCH_DIR:-build/bench}
WORDS=${BENCH_WORDS:-2000000}
REL=${REL:-build/rel}
AN=${BENCH_ANALYZER:-bin/pptp-analyze}
CAP=build/captures/v-auth-649.pcap
FLOOR=$REL/bench/wordfloor
CHASH=D02E4386BCE91226
NTRESP=82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF
for t in "$AN" "$FLOOR" "$CAP"; do
	[ -e "$t" ] || { echo "bench-wordlist: $t missing (make bench-wordlist builds it)" >&2; exit 2; }
done
mkdir -p "$DIR"
L=$DIR/wordlist.txt
awk -v n="$WORDS" 'BEGIN { for (i = 1; i < n; i++) printf "cand%dx\n", i; print "clientPass" }' >"$L"
now() { date +%s.%N; }
sub() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }
rate() { echo "$1 $2" | awk '{ printf "%.0f", ($2 > 0 ? $1 / $2 : 0) }'; }

echo "bench-wordlist: $WORDS candidates, 1 MS-CHAPv2 handshake, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
best=
for i in 1 2 3; do
	t0=$(now)
	"$AN" --wordlist "$L" "$CAP" >"$DIR/wl.out" 2>&1 || true
	t1=$(now)
	grep -q "found at line $WORDS\$" "$DIR/wl.out" || { echo "bench-wordlist: pptp-analyze did not find the password" >&2; exit 1; }
	w=$(sub "$t0" "$t1")
	if [ -z "$best" ] || [ "$(echo "$w $best" | awk '{ print ($1 < $2) }')" = 1 ]; then best=$w; fi
done
an_rate=$(rate "$WORDS" "$best")
printf '%-34s %10s s  %12s candidates/s\n' "pptp-analyze --wordlist (2 threads)" "$best" "$an_rate"

fl=$("$FLOOR" "$L" "$CHASH" "$NTRESP")
fl_s=$(echo "$fl" | awk '{ print $4 }')
fl_rate=$(rate "$WORDS" "$fl_s")
printf '%-34s %10s s  %12s candidates/s\n' "floor: MD4 + 3 DES (1 thread)" "$fl_s" "$fl_rate"

hc_rate=
if command -v hashcat >/dev/null 2>&1 && hashcat -I 2>/dev/null | grep -q 'Type\.*: CPU'; then
	echo "User::::$NTRESP:$CHASH" >"$DIR/hc.txt"
	# the first run compiles the OpenCL kernels (minutes); the timed run uses the cache
	hashcat -m 5500 -a 0 -D 1 --potfile-disable --quiet "$DIR/hc.txt" "$L" >/dev/null 2>&1 || true
	t0=$(now)
	hashcat -m 5500 -a 0 -D 1 --potfile-disable --status --status-timer 1 "$DIR/hc.txt" "$L" >"$DIR/hc.out" 2>&1 || true
	t1=$(now)
	grep -q ':clientPass$' "$DIR/hc.out" || grep -q ':clientpass$' "$DIR/hc.out" || echo "bench-wordlist: hashcat did not find the password" >&2
	hc_wall=$(sub "$t0" "$t1")
	hc_rate=$(sed -n 's/^Speed\.#1\.*: *\([0-9.]*\) \([kMG]*\)H\/s.*/\1 \2/p' "$DIR/hc.out" | tail -1 |
		awk '{ m = $2 == "k" ? 1e3 : $2 == "M" ? 1e6 : $2 == "G" ? 1e9 : 1; printf "%.0f", $1 * m }')
	printf '%-34s %10s s  %12s candidates/s (its own Speed.#1; the wall time includes start-up and self-test)\n' \
		"hashcat -m 5500 -D 1 (CPU, pocl)" "$hc_wall" "$hc_rate"
else
	echo "hashcat: not run (not installed, or no OpenCL CPU device: apt-get install hashcat pocl-opencl-icd ocl-icd-libopencl1)"
fi
echo "$an_rate $fl_rate ${hc_rate:-0}" | awk '{ printf "ratios: pptp-analyze / floor %.2f", $1 / $2; if ($3 > 0) printf ", pptp-analyze / hashcat %.2f", $1 / $3; print "" }'
