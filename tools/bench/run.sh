#!/bin/sh
# tools/bench/run.sh: make bench (issue 22): one generated capture per scale, then pptp-analyze (without and with
# credentials, with --write-decrypted), tshark -n, tcpdump -n, a bare libpcap loop and the crypto floor on that same
# file in the same run; a table and JSON with packets/s, MB/s, ratios and peak RSS.  POSIX sh; never part of make check.
set -eu

DIR=${BENCH_DIR:-build/bench}
SIZE=${BENCH_SIZE:-40M}
SCALES=${BENCH_SCALES:-"1 4 16"}
SEED=${BENCH_SEED:-1}
REL=${REL:-build/rel}
REPEAT=${BENCH_REPEAT:-3}
AN=${BENCH_ANALYZER:-bin/pptp-analyze}
GEN=$REL/pptp-gencap
LOOP=$REL/bench/pcaploop
CF=$REL/bench/cryptofloor
TIME=$REL/bench/rusage

for t in "$AN" "$GEN" "$LOOP" "$CF" "$TIME"; do
	[ -x "$t" ] || { echo "bench: $t missing (make bench builds it)" >&2; exit 2; }
done
for t in tshark tcpdump; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench: $t not installed" >&2; exit 2; }
done
mkdir -p "$DIR"
PW=$DIR/password
printf 'wonderland42\n' >"$PW"
OSSL=$REL/bench/pptp-analyze-openssl
[ -x "$OSSL" ] || OSSL=
THREADS=0
if "$AN" --threads 1 --version >/dev/null 2>&1; then THREADS=1; fi   # --threads known (whatever --help says)

base=$(printf '%s\n' "$SIZE" | awk '{ v = $0 + 0; u = substr($0, length($0)); if (u == "k" || u == "K") v *= 1e3;
	if (u == "m" || u == "M") v *= 1e6; if (u == "g" || u == "G") v *= 1e9; printf "%.0f", v }')

load() { awk '{ print $1 }' /proc/loadavg; }

# meas NAME CMD...: one run; keeps the best wall time (seconds) with its CPU seconds, and the largest peak RSS (KiB).
# The caller runs every command once per round, REPEAT rounds, so a change of load falls on all of them alike.
meas() {
	name=$1
	shift
	"$TIME" "$DIR/time.out" "$@" >"$DIR/out.$name" 2>"$DIR/err.$name" || true
	read -r w c m rc <"$DIR/time.out" || true
	eval "best=\${T_$name:-}; rss=\${R_$name:-0}"
	if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		eval "T_$name=\$w; C_$name=\$c"
	fi
	[ "${m:-0}" -gt "$rss" ] && eval "R_$name=\$m"
	return 0
}

MACHINE=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
CORES=$(nproc)
KERNEL=$(uname -r)
V_TSHARK=$(tshark --version 2>/dev/null | awk 'NR == 1 { print $3 }')
V_TCPDUMP=$(tcpdump --version 2>&1 | awk '/^tcpdump/ { print $3 }')
V_PCAP=$(tcpdump --version 2>&1 | awk '/^libpcap/ { print $3 }')
V_GCRYPT=$(libgcrypt-config --version 2>/dev/null || echo '?')
V_SSL=$(openssl version 2>/dev/null | awk '{ print $2 }')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
START=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

TXT=$DIR/bench.txt
JSON=$DIR/bench.json
{
	echo "make bench: $START, commit $COMMIT"
	echo "machine: $MACHINE, $CORES cores, Linux $KERNEL; load average at start $LOAD0"
	echo "tools: tshark $V_TSHARK, tcpdump $V_TCPDUMP, libpcap $V_PCAP, libgcrypt $V_GCRYPT, OpenSSL $V_SSL"
	echo "each figure: the best of $REPEAT rounds by wall clock, with the CPU time (user + system) of that run; RSS: the largest peak of the rounds"
} >"$TXT"
printf '{"date":"%s","commit":"%s","machine":{"cpu":"%s","cores":%s,"kernel":"%s"},"load_start":"%s","repeat":%s,' \
	"$START" "$COMMIT" "$MACHINE" "$CORES" "$KERNEL" "$LOAD0" "$REPEAT" >"$JSON"
printf '"tools":{"tshark":"%s","tcpdump":"%s","libpcap":"%s","libgcrypt":"%s","openssl":"%s"},"runs":[' \
	"$V_TSHARK" "$V_TCPDUMP" "$V_PCAP" "$V_GCRYPT" "$V_SSL" >>"$JSON"

first=1
for x in $SCALES; do
	want=$(awk -v b="$base" -v x="$x" 'BEGIN { printf "%.0f", b * x }')
	F=$DIR/cap-${x}x.pcap
	K=$DIR/cap-${x}x.keys
	stamp="$want $SEED $(cksum <"$GEN" | cut -d' ' -f1)"
	if [ ! -s "$F" ] || [ "$(cat "$F.params" 2>/dev/null)" != "$stamp" ]; then
		echo "bench: generating $F ($want octets, seed $SEED)" >&2
		"$GEN" -o "$F" --size "$want" --seed "$SEED" --keylog "$K"
		echo "$stamp" >"$F.params"
	fi
	BYTES=$(wc -c <"$F" | tr -d ' ')
	echo "bench: ${x}x: measuring (load $(load))" >&2
	L0=$(load)
	for v in loop an anpw anw anpw1 anpw2 anpwo tshark tcpdump; do eval "unset T_$v R_$v C_$v"; done
	CFG=
	CFO=
	CFGC=
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		meas loop "$LOOP" "$F"
		meas an "$AN" "$F"
		meas anpw "$AN" --password-file "$PW" "$F"
		meas anw "$AN" --password-file "$PW" -w "$DIR/decrypted.pcap" "$F"
		rm -f "$DIR/decrypted.pcap"
		if [ "$THREADS" = 1 ]; then
			meas anpw1 "$AN" --threads 1 --password-file "$PW" "$F"
			meas anpw2 "$AN" --threads "$CORES" --password-file "$PW" "$F"
		fi
		[ -n "$OSSL" ] && meas anpwo "$OSSL" --password-file "$PW" "$F"
		meas tshark tshark -n -r "$F"
		meas tcpdump tcpdump -n -r "$F"
		# the crypto floor times its crypto pass itself (the untimed pass before it finds the packets)
		"$CF" "$F" "$K" >"$DIR/out.cf"
		g=$(sed -n 's/.*gcrypt_s=\([0-9.]*\).*/\1/p' "$DIR/out.cf")
		o=$(sed -n 's/.*openssl_s=\([0-9.]*\).*/\1/p' "$DIR/out.cf")
		if [ -z "$CFG" ] || awk -v a="$g" -v b="$CFG" 'BEGIN { exit !(a < b) }'; then
			CFG=$g
			CFGC=$(sed -n 's/.*gcrypt_cpu_s=\([0-9.]*\).*/\1/p' "$DIR/out.cf")
		fi
		if [ -n "$o" ] && { [ -z "$CFO" ] || awk -v a="$o" -v b="$CFO" 'BEGIN { exit !(a < b) }'; }; then CFO=$o; fi
		i=$((i + 1))
	done
	PKTS=$(sed -n 's/^packets=\([0-9]*\).*/\1/p' "$DIR/out.loop")
	CFPK=$(sed -n 's/^packets=\([0-9]*\).*/\1/p' "$DIR/out.cf")
	CFOK=$(sed -n 's/.*gcrypt_ok=\([0-9]*\).*/\1/p' "$DIR/out.cf")
	CFB=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$DIR/out.cf")
	L1=$(load)
	DEC=$(grep -c 'decrypted,' "$DIR/out.anpw" || true)
	# the decryption target is on one thread: --threads 1 when the analyzer has worker threads (its default is all cores)
	if [ "$THREADS" = 1 ]; then T_one=$T_anpw1 C_one=$C_anpw1; else T_one=$T_anpw C_one=$C_anpw; fi
	{
		echo
		echo "== ${x}x: $F, $PKTS packets, $BYTES octets ($(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB); load average $L0 before, $L1 after"
		printf '%-34s %8s %8s %11s %8s %9s %9s %10s\n' "what" "wall s" "CPU s" "packets/s" "MB/s" "x tshark" "x floor" "peak RSS"
	} >>"$TXT"
	# row LABEL WALL CPU RSS_KIB FLOOR_WALL FLOOR_CPU: rates from wall time; ratios "wall (CPU)"
	row() {
		awk -v l="$1" -v t="$2" -v c="$3" -v r="$4" -v f="$5" -v fc="$6" -v p="$PKTS" -v b="$BYTES" -v ts="$T_tshark" \
		    -v tsc="$C_tshark" 'BEGIN {
			fl = f > 0 ? sprintf("%.2f (%.2f)", t / f, c / fc) : "-"
			printf "%-34s %8.3f %8.3f %11.0f %8.1f %4.1f (%.1f) %s %7.1f MB\n", l, t, c, p / t, b / t / 1e6, ts / t, tsc / c, fl,
			       r / 1024 }' >>"$TXT"
	}
	row "pptp-analyze (no credentials)" "$T_an" "$C_an" "$R_an" "$T_loop" "$C_loop"
	row "pptp-analyze --password-file" "$T_anpw" "$C_anpw" "$R_anpw" "$CFG" "$CFGC"
	row "pptp-analyze --password-file -w" "$T_anw" "$C_anw" "$R_anw" "$CFG" "$CFGC"
	if [ "$THREADS" = 1 ]; then
		row "pptp-analyze --threads 1 --pw" "$T_anpw1" "$C_anpw1" "$R_anpw1" "$CFG" "$CFGC"
		row "pptp-analyze --threads $CORES --pw" "$T_anpw2" "$C_anpw2" "$R_anpw2" "$CFG" "$CFGC"
	fi
	if [ -n "$OSSL" ]; then
		row "same, SHA-1 + RC4 from OpenSSL 3" "$T_anpwo" "$C_anpwo" "$R_anpwo" "$CFG" "$CFGC"
		if cmp -s "$DIR/out.anpw" "$DIR/out.anpwo"; then SAMEO=true; else SAMEO=false; fi
	fi
	row "tshark -n -r" "$T_tshark" "$C_tshark" "$R_tshark" 0 0
	row "tcpdump -n -r" "$T_tcpdump" "$C_tcpdump" "$R_tcpdump" "$T_loop" "$C_loop"
	row "libpcap pcap_next_ex loop (floor)" "$T_loop" "$C_loop" "$R_loop" 0 0
	awk -v g="$CFG" -v gc="$CFGC" -v o="${CFO:-0}" -v p="$CFPK" -v ok="$CFOK" -v b="$CFB" 'BEGIN {
		printf "crypto floor (SHA-1 + RC4, no parsing): %d MPPE packets, %.1f MB of ciphertext, plaintext checked on %d\n", p, b / 1e6, ok
		printf "  libgcrypt %.3f s wall, %.3f s CPU (%.0f packets/s, %.2f us each)", g, gc, p / g, g * 1e6 / p
		if (o > 0) printf "; OpenSSL 3 %.3f s wall (%.0f packets/s): OpenSSL/libgcrypt %.2f", o, p / o, o / g
		printf "\n" }' >>"$TXT"
	awk -v an="$T_an" -v lp="$T_loop" -v pw="$T_one" -v cf="$CFG" -v ts="$T_tshark" -v anc="$C_an" -v lpc="$C_loop" \
	    -v pwc="$C_one" -v cfc="$CFGC" -v tsc="$C_tshark" 'BEGIN {
		printf "ratios, wall (CPU): tshark / analyze %.1fx (%.1fx) (target >= 20); analyze / libpcap loop %.2f (%.2f) (target <= 1.3);\n", ts / an, tsc / anc, an / lp, anc / lpc
		printf "        analyze --password (one thread) / crypto floor %.2f (%.2f) (target <= 1.15 on one thread); tshark / analyze --password %.2fx (%.2fx)\n", pw / cf, pwc / cfc, ts / pw, tsc / pwc
		printf "        for reference, not the target: analyze --password (one thread) / (crypto floor + libpcap loop) %.2f (%.2f)\n", pw / (cf + lp), pwc / (cfc + lpc) }' >>"$TXT"
	if [ -n "$OSSL" ]; then
		awk -v a="$T_anpw" -v b="$T_anpwo" -v ac="$C_anpw" -v bc="$C_anpwo" -v s="$SAMEO" 'BEGIN {
			printf "        analyze --password on OpenSSL 3 / on libgcrypt %.2f (%.2f); report identical: %s\n", b / a, bc / ac, s == "true" ? "yes" : "NO" }' >>"$TXT"
	fi
	if [ "$THREADS" = 1 ]; then
		awk -v a="$T_anpw1" -v b="$T_anpw2" 'BEGIN { printf "        --threads: one thread / all cores %.2fx (target >= 1.7)\n", a / b }' >>"$TXT"
	fi
	{
		echo "commands (each run by $TIME, which reports wall, CPU and peak RSS from wait4):"
		echo "  $GEN -o $F --size $want --seed $SEED --keylog $K"
		echo "  $AN $F"
		echo "  $AN --password-file $PW $F"
		echo "  $AN --password-file $PW -w $DIR/decrypted.pcap $F"
		[ -n "$OSSL" ] && echo "  $OSSL --password-file $PW $F"
		[ "$THREADS" = 1 ] && echo "  $AN --threads 1|$CORES --password-file $PW $F"
		echo "  tshark -n -r $F"
		echo "  tcpdump -n -r $F"
		echo "  $LOOP $F"
		echo "  $CF $F $K"
	} >>"$TXT"
	[ "$first" = 1 ] || printf ',' >>"$JSON"
	first=0
	printf '{"scale":%s,"file":"%s","packets":%s,"bytes":%s,"load_before":%s,"load_after":%s,"seconds":{' \
		"$x" "$F" "$PKTS" "$BYTES" "$L0" "$L1" >>"$JSON"
	printf '"analyze":%s,"analyze_password":%s,"analyze_write_decrypted":%s,"tshark":%s,"tcpdump":%s,"pcap_loop":%s,"crypto_floor_gcrypt":%s' \
		"$T_an" "$T_anpw" "$T_anw" "$T_tshark" "$T_tcpdump" "$T_loop" "$CFG" >>"$JSON"
	[ -n "$CFO" ] && printf ',"crypto_floor_openssl":%s' "$CFO" >>"$JSON"
	[ -n "$OSSL" ] && printf ',"analyze_password_openssl":%s' "$T_anpwo" >>"$JSON"
	[ "$THREADS" = 1 ] && printf ',"analyze_password_threads_1":%s,"analyze_password_threads_%s":%s' "$T_anpw1" "$CORES" "$T_anpw2" >>"$JSON"
	printf '},"cpu_seconds":{"analyze":%s,"analyze_password":%s,"analyze_write_decrypted":%s,"tshark":%s,"tcpdump":%s,"pcap_loop":%s,"crypto_floor_gcrypt":%s}' \
		"$C_an" "$C_anpw" "$C_anw" "$C_tshark" "$C_tcpdump" "$C_loop" "$CFGC" >>"$JSON"
	printf ',"peak_rss_kib":{"analyze":%s,"analyze_password":%s,"analyze_write_decrypted":%s,"tshark":%s,"tcpdump":%s,"pcap_loop":%s}' \
		"$R_an" "$R_anpw" "$R_anw" "$R_tshark" "$R_tcpdump" "$R_loop" >>"$JSON"
	printf ',"crypto_floor":{"mppe_packets":%s,"ciphertext_bytes":%s,"plaintext_checked":%s}' "$CFPK" "$CFB" "$CFOK" >>"$JSON"
	[ -n "$OSSL" ] && printf ',"analyze_password_openssl":{"seconds":%s,"cpu_seconds":%s,"peak_rss_kib":%s,"report_identical":%s}' \
		"$T_anpwo" "$C_anpwo" "$R_anpwo" "$SAMEO" >>"$JSON"
	awk -v an="$T_an" -v lp="$T_loop" -v pw="$T_one" -v cf="$CFG" -v ts="$T_tshark" -v anc="$C_an" -v lpc="$C_loop" \
	    -v pwc="$C_one" -v cfc="$CFGC" -v tsc="$C_tshark" 'BEGIN {
		printf ",\"ratios\":{\"tshark_over_analyze\":%.3f,\"analyze_over_pcap_loop\":%.3f,\"analyze_password_over_crypto_floor\":%.3f,\"tshark_over_analyze_password\":%.3f}", ts / an, an / lp, pw / cf, ts / pw
		printf ",\"ratios_cpu\":{\"tshark_over_analyze\":%.3f,\"analyze_over_pcap_loop\":%.3f,\"analyze_password_over_crypto_floor\":%.3f,\"tshark_over_analyze_password\":%.3f}}", tsc / anc, anc / lpc, pwc / cfc, tsc / pwc }' >>"$JSON"
	echo "bench: ${x}x done; $DEC call directions decrypted" >&2
done
printf '],"load_end":"%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$JSON"

# scaling: seconds per packet and peak RSS against the first scale
{
	echo
	echo "scaling (CPU seconds per packet, against the first scale: time linear = 1.00; peak RSS flat = the same MB):"
} >>"$TXT"
awk 'BEGIN { RS = "{\"scale\":"; FS = "," }
NR > 1 {
	s = $1 + 0
	match($0, /"packets":[0-9]+/); p = substr($0, RSTART + 10, RLENGTH - 10) + 0
	n = split("analyze analyze_password tshark pcap_loop", k, " ")
	line = sprintf("  %3dx %9d packets:", s, p)
	for (i = 1; i <= n; i++) {
		c = substr($0, index($0, "\"cpu_seconds\""))
		if (match(c, "\"" k[i] "\":[0-9.]+")) {
			v = substr(c, RSTART + length(k[i]) + 3, RLENGTH - length(k[i]) - 3) / p
			if (!(k[i] in b)) b[k[i]] = v
			line = line sprintf(" %s %.2f", k[i], v / b[k[i]])
		}
	}
	if (match($0, /"peak_rss_kib":\{"analyze":[0-9]+,"analyze_password":[0-9]+/)) {
		split(substr($0, RSTART, RLENGTH), r, /[:,]/)
		line = line sprintf("; analyze RSS %.1f MB, with password %.1f MB", r[3] / 1024, r[5] / 1024)
	}
	print line
}' "$JSON" >>"$TXT"
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$TXT"
cat "$TXT"
echo "bench: $TXT, $JSON" >&2
