#!/bin/sh
# tools/bench/load.sh: make bench-load (issue 21): pptp-conform --load (the client role: one process, one poll loop,
# each tunnel with MS-CHAPv2, MPPE-128, IPCP and 3 pings) against two servers in the same run:
#   1. pptp-conform's own server role (--listen --load) on loopback in a network namespace made here (unshare -n),
#      at the goal (BENCH_LOAD_N tunnels at BENCH_LOAD_RATE per second: 1000 concurrent, 200 set-ups a second asked
#      of it), then at a rate above what it holds (BENCH_CEIL_N at BENCH_CEIL_RATE) to find its ceiling;
#   2. the lab's pptpd 1.4.0 + pppd 2.4.9 (tools/lab/peer-start --role server --pool BENCH_PPTPD_N: pptpd's remoteip
#      range and connections for that many calls, 1 GiB guest; one TCG CPU) from the lab's namespace.
# Prints the figures side by side with the ratio and writes build/bench/load.json (each run's own --json summary,
# the ratios and whether the goal is met). POSIX sh; never part of make check. Needs root (network namespaces);
# without the lab guest (make lab-guest), with BENCH_PPTPD=0, or while another lab guest runs (one at a time: it is
# never stopped from here), the pptpd column says why it is empty.
set -u
DIR=${BENCH_DIR:-build/bench}
C=${BENCH_CONFORM:-bin/pptp-conform}
N=${BENCH_LOAD_N:-1000}
RATE=${BENCH_LOAD_RATE:-250}
CN=${BENCH_CEIL_N:-2000}
CRATE=${BENCH_CEIL_RATE:-1000}
PN=${BENCH_PPTPD_N:-100}
PRATE=${BENCH_PPTPD_RATE:-5}
PTIMEOUT=${BENCH_PPTPD_TIMEOUT:-60}
GOAL_UP=1000
GOAL_RATE=200
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
lab=$top/tools/lab
ns=${LAB_PEER_NETNS:-pptp-lab}
cd "$top" || exit 2
case $C in /*) ;; *) C=$top/$C ;; esac
[ -x "$C" ] || { echo "bench-load: $C missing (make bench-load builds it)" >&2; exit 2; }
mkdir -p "$DIR"
printf 'wonderland42\n' >"$DIR/load.pw"
rm -f "$DIR"/load-self.json "$DIR"/load-ceiling.json "$DIR"/load-pptpd.json "$DIR"/load.json

echo "bench-load: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) before the run"
# self NAME TUNNELS RATE: both ends ours in a fresh namespace; the client's summary in DIR/load-NAME.json
self() {
	timeout 120 unshare -n sh -c '
		ip link set lo up
		ulimit -n 65536 2>/dev/null || ulimit -n 20000
		C=$0 PW=$1 O=$2 n=$3 r=$4
		"$C" --listen 127.0.0.2 --user alice --password-file "$PW" --load $((n + 100)) --duration 60 --seed 7 >"$O.srv" 2>&1 &
		srv=$!
		sleep 0.5
		"$C" --target 127.0.0.2 --user alice --password-file "$PW" --seed 9 --load "$n" --rate "$r" \
			--duration "$(awk -v n="$n" -v r="$r" "BEGIN { printf \"%.2f\", n / r }")" --timeout 30 --json "$O.jsonl" >"$O.txt" 2>&1
		kill $srv 2>/dev/null
		wait $srv 2>/dev/null
		exit 0' "$C" "$DIR/load.pw" "$DIR/load-$1" "$2" "$3" >/dev/null 2>&1
	tail -1 "$DIR/load-$1.jsonl" 2>/dev/null | jq -c 'select(.type == "load")' >"$DIR/load-$1.json" 2>/dev/null
	[ -s "$DIR/load-$1.json" ] || { rm -f "$DIR/load-$1.json"; echo "bench-load: the $1 run gave no summary: $(head -3 "$DIR/load-$1.txt" 2>/dev/null)" >&2; }
}
if unshare -n true 2>/dev/null; then
	self self "$N" "$RATE"
	self ceiling "$CN" "$CRATE"
else
	echo "bench-load: unshare -n not permitted (root needed): pptp-conform's own server not measured" >&2
fi

# the lab's pptpd: one guest, booted for this run and stopped after it
why_no_pptpd=
if [ "${BENCH_PPTPD:-1}" = 0 ]; then
	why_no_pptpd="BENCH_PPTPD=0"
elif [ "$(id -u)" != 0 ]; then
	why_no_pptpd="not root"
elif [ ! -f "$top/build/lab/vmlinuz" ] || [ ! -f "$top/build/lab/initrd.img" ]; then
	why_no_pptpd="no lab guest (make lab-guest)"
elif ! command -v qemu-system-x86_64 >/dev/null; then
	why_no_pptpd="no qemu-system-x86_64 (make lab-deps)"
elif [ -f "$top/build/lab/peer/qemu.pid" ] && kill -0 "$(cat "$top/build/lab/peer/qemu.pid")" 2>/dev/null; then
	why_no_pptpd="a lab guest is already running (one at a time: tools/lab/peer-stop first)"
else
	if "$lab/peer-start" --role server --ppp-opts 'require-mschap-v2 require-mppe-128' --pool "$PN" >"$DIR/load-pptpd.peer.log" 2>&1; then
		ip netns exec "$ns" sh -c 'ulimit -n 65536 2>/dev/null; exec "$@"' sh "$C" --target 192.0.2.1 --user alice \
			--password-file "$DIR/load.pw" --seed 0x10ad --load "$PN" --rate "$PRATE" \
			--duration "$(awk -v n="$PN" -v r="$PRATE" 'BEGIN { printf "%.2f", n / r }')" --timeout "$PTIMEOUT" \
			--json "$DIR/load-pptpd.jsonl" >"$DIR/load-pptpd.txt" 2>&1
		tail -1 "$DIR/load-pptpd.jsonl" 2>/dev/null | jq -c 'select(.type == "load")' >"$DIR/load-pptpd.json" 2>/dev/null
		[ -s "$DIR/load-pptpd.json" ] || { rm -f "$DIR/load-pptpd.json"; why_no_pptpd="the run gave no summary (see $DIR/load-pptpd.txt)"; }
		cp "$top/build/lab/peer/console.log" "$DIR/load-pptpd.console.log" 2>/dev/null
		"$lab/peer-stop" >/dev/null 2>&1
	else
		why_no_pptpd="peer-start failed (see $DIR/load-pptpd.peer.log)"
	fi
fi

# ---- the table and build/bench/load.json ----
get() { [ -s "$DIR/load-$1.json" ] && jq -r "$2" "$DIR/load-$1.json" || echo -; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.1fx\n", a / b }'; }
row() { # row LABEL JQ [RAW-JQ]: the figures, and with RAW-JQ the ratio of the unrounded values
	s=$(get self "$2") c=$(get ceiling "$2") p=$(get pptpd "$2")
	printf '%-34s %14s %14s %14s %10s\n' "$1" "$s" "$c" "$p" "${3:+$(ratio "$(get self "$3")" "$(get pptpd "$3")")}"
}
echo
printf '%-34s %14s %14s %14s %10s\n' "" "ours, goal" "ours, ceiling" "pptpd (lab)" "ours/pptpd"
row "tunnels asked" '.load'
row "rate asked (per s)" '.rate'
row "up (IPCP and MPPE-128)" ".up" ".up"
row "with every ping answered" ".complete" ".complete"
row "peak concurrent up" ".peak_up" ".peak_up"
row "setup rate (per s)" ".setup_rate | . * 10 | round / 10" ".setup_rate"
row "success ratio" '.success_ratio'
row "setup p50 (ms)" '.latency_ms.p50 | . * 10 | round / 10'
row "setup p90 (ms)" '.latency_ms.p90 | . * 10 | round / 10'
row "setup p99 (ms)" '.latency_ms.p99 | . * 10 | round / 10'
row "setup max (ms)" '.latency_ms.max | . * 10 | round / 10'
row "first failure (attempt)" '.first_failure.attempt // "none"'
[ -z "$why_no_pptpd" ] || echo "pptpd: not measured: $why_no_pptpd"
echo "machine load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

{
	for k in self ceiling pptpd; do
		if [ -s "$DIR/load-$k.json" ]; then cat "$DIR/load-$k.json"; else echo null; fi
	done
} | jq -s -c --argjson gu "$GOAL_UP" --argjson gr "$GOAL_RATE" --arg why "$why_no_pptpd" --arg cpus "$(nproc)" \
	--arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '
	def r(a; b): if a == null or b == null or b == 0 then null else (a / b * 100 | round / 100) end;
	{ type: "bench-load", cpus: ($cpus | tonumber), loadavg_after: $load,
	  self: .[0], ceiling: .[1], pptpd: .[2], pptpd_missing: (if .[2] == null then $why else null end),
	  ratio: { setup_rate: r(.[0].setup_rate; .[2].setup_rate), peak_up: r(.[0].peak_up; .[2].peak_up),
	           ceiling_setup_rate: r(.[1].setup_rate; .[2].setup_rate) },
	  goal: { concurrent: $gu, setup_rate: $gr,
	          met: (.[0] != null and .[0].peak_up >= $gu and .[0].setup_rate >= $gr) } }' >"$DIR/load.json"
echo "goal ($GOAL_UP concurrent MPPE tunnels, $GOAL_RATE set-ups per second): $(jq -r 'if .goal.met then "met" else "NOT met" end' "$DIR/load.json")"
echo "bench-load: wrote $DIR/load.json"
